"""Golden test: the bundled Bình Dương sample workbooks ingest cleanly and reproduce every published figure."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.ingest import ingest

SAMPLES = config.RAW_DIR / "samples"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):
    return ingest([SAMPLES], out_dir=tmp_path_factory.mktemp("out"), jobs=2, cache=False)


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    frame = pd.read_csv(config.PUBLISHED_FIGURES, dtype={"amount_vnd": "Int64", "n_projects": "Int64"})
    return frame[(frame["province"] == "Bình Dương") & frame["year_start"].between(2015, 2018)
                 & (frame["year_start"] == frame["year_end"])]


def test_samples_ingest_with_zero_rejects_and_everything_reconciled(result) -> None:
    totals = result.report["totals"]
    assert totals["files"] == 5 and totals["files_error"] == 0
    assert totals["rejected"] == 0, result.report["messages"]
    assert totals["reconcile_failed"] == 0, result.report["messages"]
    assert totals["reconciled"] > 20
    assert result.report["validation_failures"] == []
    for f in result.report["files"]:
        for s in f["sheets"]:
            assert s["rows_read"] == s["records"] + sum(s["skipped"].values()) + s["rejected"]


def _projects(table: pd.DataFrame, year: int, stage: str) -> pd.DataFrame:
    return table[(table["year"] == year) & (table["stage"] == stage) & (table["record_type"] == "project")]


def test_every_published_amount_reconciles(result, published: pd.DataFrame) -> None:
    table = result.table
    checked = 0
    for _, fig in published[published["amount_vnd"].notna()].iterrows():
        year, stage = int(fig["year_start"]), fig["stage"]
        rows = _projects(table, year, stage)
        if fig["metric"] == "support":
            support = rows[rows["funding_source"] != "counterpart"]
            if fig["funding_source"] in ("national", "local"):
                support = support[support["funding_source"] == fig["funding_source"]]
            assert int(support["amount_vnd"].sum()) == int(fig["amount_vnd"]), fig["quote"]
            if pd.notna(fig["n_projects"]):
                n = support[["source_file", "source_sheet", "source_row"]].drop_duplicates().shape[0]
                assert n == int(fig["n_projects"]), fig["quote"]
        elif fig["metric"] == "counterpart":
            assert int(rows.loc[rows["funding_source"] == "counterpart", "amount_vnd"].sum()) == int(fig["amount_vnd"])
        elif fig["metric"] == "program_allocation":
            alloc = table[(table["year"] == year) & (table["stage"] == stage) & (table["record_type"] == "allocation")
                          & (table["program"] == fig["program"])]
            assert int(alloc["amount_vnd"].sum()) == int(fig["amount_vnd"]), fig["program"]
            detail = rows[(rows["program"] == fig["program"]) & (rows["funding_source"] != "counterpart")]
            assert int(detail["amount_vnd"].sum()) == int(fig["amount_vnd"]), fig["program"]
        else:
            continue
        checked += 1
    assert checked >= 12


def test_samples_cover_the_years_and_stages(result) -> None:
    got = set(map(tuple, result.table[["year", "stage"]].drop_duplicates().itertuples(index=False)))
    assert got == {(2015, "actual"), (2016, "actual"), (2017, "plan"), (2017, "actual"), (2018, "plan")}
    assert set(result.table["province"]) == {"Bình Dương"}
    assert {"Dĩ An", "Thủ Dầu Một", "Bàu Bàng"} <= set(result.table["district"])
    assert "Toàn tỉnh" not in set(result.table["district"])


def test_raw_files_are_not_modified(tmp_path: Path) -> None:
    import hashlib

    def digest() -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SAMPLES.rglob("*") if p.is_file()}

    before = digest()
    ingest([SAMPLES], out_dir=tmp_path / "out", jobs=0, cache=False)
    assert digest() == before
