"""The fast paths of ingest (issue #7) give the same answers as the plain ones.

A re-run on unchanged inputs reads its table only when used (and never a table rewritten since), workers
write their own cache entries, duplicates are only looked for where they can be, and large reports are
written compactly while the HTML page lists the failed checks only.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import ingest_fixtures as fx
import pandas as pd
import pytest

import analysis.ingest as ingest_module
from analysis.ingest import StaleResultError, ingest
from analysis.text import fold


def _raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for builder in (fx.two_row_header, fx.bad_amount, fx.total_does_not_add_up):
        builder(raw)
    return raw


def test_cached_rerun_loads_the_same_table_and_rejects_lazily(tmp_path: Path) -> None:
    raw, out = _raw(tmp_path), tmp_path / "out"
    first = ingest([raw], out_dir=out, jobs=0)
    second = ingest([raw], out_dir=out, jobs=0)
    assert second.from_cache and second._table is None and second._rejects is None  # nothing read yet
    assert second.report["totals"] == first.report["totals"] and second.ok == first.ok
    pd.testing.assert_frame_equal(first.table, second.table)
    assert len(second.rejects) == len(first.rejects) == 1
    assert second.rejects.astype(str).equals(first.rejects.astype(str))
    assert second.table is second.table  # read once
    assert "not loaded" not in repr(second)


def test_cached_result_refuses_a_table_rewritten_since(tmp_path: Path) -> None:
    raw, out = _raw(tmp_path), tmp_path / "out"
    ingest([raw], out_dir=out, jobs=0)
    cached = ingest([raw], out_dir=out, jobs=0)
    assert cached.from_cache
    fx.summary_by_source(raw)  # the inputs change and another run rewrites the outputs …
    newer = ingest([raw], out_dir=out, jobs=0)
    assert not newer.from_cache
    with pytest.raises(StaleResultError):  # … so the old report is never paired with the new table
        _ = cached.table
    assert len(newer.table) > 0


def test_cache_hit_needs_a_whole_parquet_file(tmp_path: Path) -> None:
    raw, out = _raw(tmp_path), tmp_path / "out"
    first = ingest([raw], out_dir=out, jobs=0)
    data = (out / "funding.parquet").read_bytes()
    (out / "funding.parquet").write_bytes(data[: len(data) // 2])  # truncated by a crash or a full disk
    again = ingest([raw], out_dir=out, jobs=0)
    assert not again.from_cache
    pd.testing.assert_frame_equal(first.table, again.table)


def test_import_and_cached_rerun_do_not_import_pandas(tmp_path: Path) -> None:
    raw, out = _raw(tmp_path), tmp_path / "out"
    ingest([raw], out_dir=out, jobs=0)
    script = textwrap.dedent(f"""
        import sys
        from analysis.ingest import ingest
        assert "pandas" not in sys.modules, "import"
        result = ingest([{str(raw)!r}], out_dir={str(out)!r})
        assert result.from_cache and result.ok is not None and result.summary()
        assert "pandas" not in sys.modules, "cached run"
        assert len(result.table) == result.report["totals"]["records"]
        assert "pandas" in sys.modules
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


def test_parallel_workers_write_their_own_cache_entries(tmp_path: Path) -> None:
    raw, cache = _raw(tmp_path), tmp_path / "cache"
    first = ingest([raw], out_dir=tmp_path / "out", cache_dir=cache, jobs=2)
    entries = sorted(cache.glob("*.pkl"))
    assert len(entries) == 3 and not [p for p in cache.iterdir() if p.suffix == ".tmp"]
    stored = {r.path: r for r in (pickle.loads(p.read_bytes()) for p in entries)}
    for f in first.report["files"]:
        assert stored[f["path"]].sha256 == f["sha256"] and len(f["sha256"]) == 64
    second = ingest([raw], out_dir=tmp_path / "out2", cache_dir=cache, jobs=2)  # every file from the cache
    pd.testing.assert_frame_equal(first.table, second.table)
    assert [f["sha256"] for f in second.report["files"]] == [f["sha256"] for f in first.report["files"]]


@pytest.mark.parametrize("code, stored", [("", True), ("corrupt", True), ("memory", False), ("timeout", False)])
def test_worker_caches_results_except_machine_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, stored: bool
) -> None:
    def fake_worker(args: tuple) -> ingest_module.FileResult:
        return ingest_module.FileResult(args[1], "error" if code else "ok", "", pd.DataFrame(), [], [], [], code=code)

    monkeypatch.setattr(ingest_module, "_worker", fake_worker)
    cache_file = tmp_path / "cache" / "k.pkl"
    task = (tmp_path / "a.xlsx", "a.xlsx", ingest_module.IngestOptions(), {}, "ab" * 32, cache_file)
    data = ingest_module._run_task_in_worker(task)
    assert pickle.loads(data).sha256 == "ab" * 32
    assert cache_file.is_file() is stored
    if stored:
        assert cache_file.read_bytes() == data
    assert not list(cache_file.parent.glob(".*.tmp"))  # no temporary file left behind


def _old_flag_duplicates(table: pd.DataFrame) -> pd.DataFrame:
    """The implementation before the pre-filter (folds every title), kept here as the reference."""
    projects = table[(table["record_type"] == "project") & (table["title"] != "")]
    key = ["province", "year", "stage", "funding_source", "amount_vnd"]
    frame = projects[key].assign(_t=projects["title"].map(fold), _b=projects["beneficiary"].map(fold),
                                 _f=projects["source_file"])
    n_files = frame.groupby([*key, "_t", "_b"], dropna=False)["_f"].transform("nunique")
    dup_index = frame.index[n_files > 1]
    table.loc[dup_index, "flags"] = [
        ";".join(sorted({*filter(None, f.split(";")), "duplicate_in_other_file"})) for f in table.loc[dup_index, "flags"]
    ]
    return table


def test_duplicate_flags_identical_to_the_reference() -> None:
    from analysis.schema import COLUMNS, enforce_types

    def row(file: str, title: str, amount: int, **kw: object) -> dict:
        base = {c: "" for c in COLUMNS}
        base.update(year=2020, province="Lào Cai", stage="plan", record_type="project", funding_source="local",
                    amount_vnd=amount, n_projects=None, title=title, beneficiary="HTX A", source_file=file,
                    source_sheet="KH", source_row=5, flags="")
        base.update(kw)
        return base

    rows = [
        row("a.xlsx", "Hỗ trợ máy sấy", 100, source_row=1),
        row("b.xlsx", "HỖ TRỢ  máy sấy ", 100, source_row=1, flags="breakdown_missing"),  # same after folding
        row("c.xlsx", "Hỗ trợ máy sấy", 100, source_row=1, beneficiary="HTX B"),  # other beneficiary
        row("a.xlsx", "Hội chợ", 50, source_row=2),
        row("a.xlsx", "Hội chợ", 50, source_row=3),  # twice in one file: not a duplicate in another file
        row("b.xlsx", "Hội chợ", 51, source_row=2),  # other amount
        row("c.xlsx", "Hội chợ", 50, source_row=2, stage="actual"),  # other stage
        row("b.xlsx", "", 50, source_row=3),  # no title
        row("c.xlsx", "Tập huấn", 70, source_row=3, record_type="allocation"),
        row("d.xlsx", "Tập huấn", 70, source_row=3, record_type="allocation"),  # allocations are not projects
        row("d.xlsx", "Đào tạo nghề", 80, source_row=4),
        row("e.xlsx", "đào tạo nghề", 80, source_row=4, flags="zeta;alpha"),
    ]
    table = enforce_types(pd.DataFrame(rows))
    got = ingest_module._flag_duplicates(table.copy())
    want = _old_flag_duplicates(table.copy())
    pd.testing.assert_frame_equal(got, want)
    flagged = set(got.index[got["flags"].str.contains("duplicate_in_other_file")])
    assert flagged == {0, 1, 10, 11}
    assert got.loc[11, "flags"] == "alpha;duplicate_in_other_file;zeta"


def test_large_report_json_is_compact_small_one_indented() -> None:
    small = {"files": [{"path": "a.xlsx", "sheets": []}], "note": "Tỉnh"}
    assert "\n " in ingest_module.report_json(small) and "Tỉnh" in ingest_module.report_json(small)
    large = {"files": [{"path": f"f{i}.xlsx", "label": "Cộng " * 20} for i in range(5000)]}
    text = ingest_module.report_json(large)
    assert "\n" not in text and json.loads(text) == large


def test_html_page_lists_the_failed_check(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    fx.total_does_not_add_up(raw)
    fx.two_row_header(raw)
    result = ingest([raw], out_dir=tmp_path / "out", jobs=0, cache=False)
    assert result.report["totals"]["reconcile_failed"] == 1 and result.report["totals"]["reconciled"] > 1
    page = (tmp_path / "out" / "ingest_report.html").read_text(encoding="utf-8")
    assert "Tổng cộng" in page and "350.000.000" in page and "300.000.000" in page  # declared vs computed
    assert page.count('<td class="bad">không</td>') == 1  # only the failed line is listed
    assert "1 không khớp" in page


def test_table_is_the_same_serial_parallel_and_from_the_per_file_cache(tmp_path: Path) -> None:
    """Records travel as Arrow (worker → main, and in the cache): same values and dtypes as in-process."""
    raw = _raw(tmp_path)
    for builder in (fx.summary_by_source, fx.letter_source_groups, fx.legacy_xls, fx.ods_plain, fx.csv_utf16,
                    fx.text_amounts_mixed_units):
        builder(raw)
    serial = ingest([raw], write=False, cache=False, jobs=0)
    parallel = ingest([raw], write=False, cache=True, jobs=2, cache_dir=tmp_path / "cache")
    cached = ingest([raw], write=False, cache=True, jobs=2, cache_dir=tmp_path / "cache")  # per-file entries
    assert len(serial.table) > 0 and serial.table["n_projects"].dtype == "Int64"
    for other in (parallel, cached):
        pd.testing.assert_frame_equal(serial.table, other.table)
        pd.testing.assert_frame_equal(serial.rejects, other.rejects)


def test_file_result_pickles_its_records_as_arrow(tmp_path: Path) -> None:
    raw = _raw(tmp_path)
    path = next(raw.rglob("*.xlsx"))
    result = ingest_module.process_file(path, path.name, ingest_module.IngestOptions(), {})
    back = pickle.loads(pickle.dumps(result))
    assert isinstance(back.records, ingest_module._ArrowRecords) and len(back.records) == result.records.num_rows
    combine = ingest_module._combine
    pd.testing.assert_frame_equal(combine([back.records]), combine([result.records]))


def test_cycle_collector_paused_per_file_and_restored() -> None:
    import gc

    was = gc.isenabled()
    try:
        gc.enable()
        with ingest_module._no_cyclic_gc():
            assert not gc.isenabled()
        assert gc.isenabled()
        gc.disable()  # a caller that disabled it itself keeps it disabled
        with ingest_module._no_cyclic_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
        gc.enable()
        with pytest.raises(ValueError), ingest_module._no_cyclic_gc():
            raise ValueError("a bad file")
        assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
