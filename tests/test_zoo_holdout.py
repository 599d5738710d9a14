"""The held-out layout zoo (issue 13): new shapes the reader was never tuned to (tests/zoo/holdout.py).

Why: the first zoo (tests/test_zoo.py) passes because the reader was tuned against it. These layouts were
written afterwards, from the domain and real provincial files, with their truth fixed before the reader was run.
One ingest call reads the whole folder; the printed table (run with ``-s``) is the worklist: exact / exact with
warnings / WRONG, and for each wrong layout the first difference.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from zoo.holdout import all_layouts, write_layout
from zoo.judge import EXACT, WRONG, Verdict, judge
from zoo.run import judge_folder

LAYOUTS = all_layouts()


def test_holdout_has_thirty_distinct_layouts() -> None:
    ids = [lay.id for lay in LAYOUTS]
    assert len(set(ids)) == len(ids)
    assert len({lay.parts["shape"] for lay in LAYOUTS}) == len(LAYOUTS)
    assert len({lay.file_name for lay in LAYOUTS}) == len(LAYOUTS)
    assert all(lay.truth for lay in LAYOUTS)


@pytest.fixture(scope="module")
def holdout_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    """Write every layout into one folder, ingest it once, judge each file."""
    return judge_folder(LAYOUTS, write_layout, tmp_path_factory.mktemp("holdout") / "raw")


# Files the reader refuses on purpose, with a message that says how to convert them (XML Spreadsheet 2003 and
# HTML tables saved as .xls): a refusal, not a wrong figure. strict: the day they are read, this must be revisited.
REFUSED_BY_DESIGN = {"h38", "h39"}
# Shapes the reader does not read yet; each still gives no plausible wrong figure unflagged (see the table).
NOT_YET: dict[str, str] = {}


def _param(lid: str) -> Any:
    if lid in REFUSED_BY_DESIGN:
        return pytest.param(lid, marks=pytest.mark.xfail(strict=True, reason="refused by design: unsupported format"))
    if lid in NOT_YET:
        return pytest.param(lid, marks=pytest.mark.xfail(strict=True, reason=NOT_YET[lid]))
    return lid


@pytest.mark.parametrize("lid", [_param(lay.id) for lay in LAYOUTS])
def test_holdout_layout(holdout_verdicts: dict[str, Verdict], lid: str) -> None:
    verdict = holdout_verdicts[lid]
    assert verdict.result != WRONG, f"{lid} ({verdict.layout.description}): {verdict.difference}"


def test_judge_accepts_each_truth_and_catches_a_moved_amount() -> None:
    """A guard on the truths: each is exact against itself, and one record filed under another stage is caught."""
    empty = pd.DataFrame(columns=["reason"])
    for lay in LAYOUTS:
        rows = [{"year": t.year, "province": lay.province or "", "stage": t.stage, "funding_source": t.funding_source,
                 "program": t.program, "record_type": t.record_type, "amount_vnd": t.amount_vnd,
                 "n_projects": t.n_projects, "phase": t.phase or ""} for t in lay.truth]
        table = pd.DataFrame(rows).astype({"year": "Int64", "n_projects": "Int64"})
        assert judge(lay, table, empty, None).result == EXACT, lay.id
        assert all(t.amount_vnd > 0 for t in lay.truth), lay.id
        moved = table.copy()
        moved.loc[0, "stage"] = "plan" if moved.loc[0, "stage"] != "plan" else "actual"
        assert judge(lay, moved, empty, None).result == WRONG, lay.id
