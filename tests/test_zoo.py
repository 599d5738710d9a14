"""The layout zoo (issue 13): layouts composed from independent parts, each read exactly to the đồng.

Why: the reader's own fixtures were written together with it. The zoo (tests/zoo/) was written from the domain
and real export forms, with wordings in and out of vocab/, and judges the reader on what a careful analyst would
record. One ingest call reads the whole folder; the printed table is the worklist (run with ``-s``).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from zoo.generate import all_layouts, write_layout
from zoo.judge import EXACT, WRONG, Verdict, context_overrides, judge, table_text
from zoo.parts import UNITS, Layout
from zoo.run import judge_read

LAYOUTS = all_layouts()


def test_zoo_has_sixty_distinct_layouts() -> None:
    ids = [lay.id for lay in LAYOUTS]
    assert len(set(ids)) == len(ids)
    assert len({lay.key() for lay in LAYOUTS}) >= 60
    assert len({lay.file_name for lay in LAYOUTS}) == len(LAYOUTS)


def _read(folder: Path, ignore: dict[str, set[str]] | None = None) -> dict[str, Verdict]:
    """One ingest call over the folder, one verdict per layout."""
    return judge_read(LAYOUTS, folder, ignore)


def _printed_numbers(lay: Layout) -> set[float]:
    """Every number printed in the layout's cells: numbers, Vietnamese text '1.234,5', text with a unit."""
    out: set[float] = set()
    for sheet in lay.sheets:
        for row in sheet.rows:
            for v in row:
                if isinstance(v, int | float):
                    out.add(float(v))
                elif isinstance(v, str):
                    m = re.fullmatch(r"\s*([\d.]+(?:,\d+)?)\s*[^\d]*", v)
                    if m:
                        out.add(float(m.group(1).replace(".", "").replace(",", ".")))
    return out


def test_zoo_truth_is_what_the_files_print() -> None:
    """A guard on the generator, not the reader: every true amount is printed in the file in its declared unit."""
    for lay in LAYOUTS:
        printed = _printed_numbers(lay)
        per = UNITS[lay.unit][0]
        missing = [t.amount_vnd for t in lay.truth if t.amount_vnd / per not in printed]
        assert not missing, f"{lay.id}: {missing[:3]} not printed in {lay.unit}"


@pytest.fixture(scope="module")
def zoo_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    """Write every layout into one folder, ingest it once, judge each file; then read a copy once more with
    each file's sheet-level context in khuyencong.yaml (printed only: it shows what is wrong besides context)."""
    base = tmp_path_factory.mktemp("zoo")
    folder, given_folder = base / "raw", base / "given"
    folder.mkdir()
    given_folder.mkdir()
    for lay in LAYOUTS:
        shutil.copy(write_layout(lay, folder), given_folder)
    overrides, ignore = context_overrides(LAYOUTS)
    (given_folder / "khuyencong.yaml").write_text(yaml.safe_dump(overrides, allow_unicode=True), encoding="utf-8")
    verdicts = _read(folder)
    # ZOO_CONTEXT=0 skips the diagnostic second read (half the time; the verdicts do not depend on it)
    given = _read(given_folder, ignore) if os.environ.get("ZOO_CONTEXT", "1") != "0" else None
    print("\n" + table_text(list(verdicts.values()), given))
    return verdicts


def test_zoo_every_layout_exact(zoo_verdicts: dict[str, Verdict]) -> None:
    wrong = [v for v in zoo_verdicts.values() if v.result == WRONG]
    assert not wrong, f"{len(wrong)} of {len(zoo_verdicts)} layouts read wrong: " + ", ".join(v.layout.id for v in wrong)


@pytest.mark.parametrize("lid", [lay.id for lay in LAYOUTS])
def test_zoo_layout(zoo_verdicts: dict[str, Verdict], lid: str) -> None:
    verdict = zoo_verdicts[lid]
    assert verdict.result != WRONG, f"{lid} ({verdict.layout.description}): {verdict.difference}"


def _table_from_truth(lay: Layout, phase: bool) -> pd.DataFrame:
    """What a perfect reader would write for the layout (year and n_projects nullable, province '' when unknown)."""
    rows = [{"year": t.year, "province": lay.province or "", "stage": t.stage, "funding_source": t.funding_source,
             "program": t.program, "record_type": t.record_type, "amount_vnd": t.amount_vnd,
             "n_projects": t.n_projects, **({"phase": t.phase or ""} if phase else {})} for t in lay.truth]
    frame = pd.DataFrame(rows)
    frame["year"] = frame["year"].astype("Int64")
    frame["n_projects"] = frame["n_projects"].astype("Int64")
    return frame


@pytest.mark.parametrize("phase", [False, True])
def test_judge_accepts_the_truth_and_catches_a_moved_amount(phase: bool) -> None:
    """A guard on the judge: the truth itself is exact (with or without a phase column), and one record filed
    under the other stage is caught."""
    empty = pd.DataFrame(columns=["reason"])
    for lay in LAYOUTS:
        table = _table_from_truth(lay, phase)
        assert judge(lay, table, empty, None).result == EXACT, lay.id
        moved = table.copy()
        moved.loc[0, "stage"] = "plan" if moved.loc[0, "stage"] != "plan" else "actual"
        assert judge(lay, moved, empty, None).result == WRONG, lay.id
