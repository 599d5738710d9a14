"""The layout zoo (issue 13): layouts composed from independent parts, each read exactly to the đồng.

Why: the reader's own fixtures were written together with it. The zoo (tests/zoo/) was written from the domain
and real export forms, with wordings in and out of vocab/, and judges the reader on what a careful analyst would
record. One ingest call reads the whole folder; the printed table is the worklist (run with ``-s``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from zoo.generate import all_layouts, write_layout
from zoo.judge import WRONG, Verdict, judge, table_text

from analysis.ingest import ingest

LAYOUTS = all_layouts()


def test_zoo_has_sixty_distinct_layouts() -> None:
    ids = [lay.id for lay in LAYOUTS]
    assert len(set(ids)) == len(ids)
    assert len({lay.key() for lay in LAYOUTS}) >= 60
    assert len({lay.file_name for lay in LAYOUTS}) == len(LAYOUTS)


@pytest.fixture(scope="module")
def zoo_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    """Write every layout into one folder, ingest it once, judge each file."""
    folder: Path = tmp_path_factory.mktemp("zoo") / "raw"
    folder.mkdir()
    for lay in LAYOUTS:
        write_layout(lay, folder)
    out = folder.parent / "out"
    result = ingest([folder], out_dir=out, jobs=0, cache=False, write=False, progress=False)
    table, rejects = result.table, result.rejects
    # labels are relative to the folder's parent ("raw/<file>"): match on the file name
    reports: dict[str, dict[str, Any]] = {Path(f["path"]).name: f for f in result.report["files"]}
    names = table["source_file"].map(lambda p: Path(p).name)
    rej_names = rejects["source_file"].map(lambda p: Path(str(p)).name) if len(rejects) else None
    verdicts = {}
    for lay in LAYOUTS:
        mine = table[(names == lay.file_name).to_numpy()]
        rej = rejects[(rej_names == lay.file_name).to_numpy()] if rej_names is not None else rejects
        verdicts[lay.id] = judge(lay, mine, rej, reports.get(lay.file_name))
    print("\n" + table_text(list(verdicts.values())))
    return verdicts


def test_zoo_every_layout_exact(zoo_verdicts: dict[str, Verdict]) -> None:
    wrong = [v for v in zoo_verdicts.values() if v.result == WRONG]
    assert not wrong, f"{len(wrong)} of {len(zoo_verdicts)} layouts read wrong: " + ", ".join(v.layout.id for v in wrong)


@pytest.mark.parametrize("lid", [lay.id for lay in LAYOUTS])
def test_zoo_layout(zoo_verdicts: dict[str, Verdict], lid: str) -> None:
    verdict = zoo_verdicts[lid]
    assert verdict.result != WRONG, f"{lid} ({verdict.layout.description}): {verdict.difference}"
