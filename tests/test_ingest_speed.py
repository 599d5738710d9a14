"""The fast paths of ingest (issue #7) give the same answers as the plain ones, through whole runs.

A re-run on unchanged inputs reads its table only when used (and never a table rewritten since), workers
write their own cache entries, and the HTML page lists the failed checks only. The modules' own fast paths
(cache entries per worker, duplicates, compact JSON, Arrow records) are tested under tests/ingest/.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import ingest_fixtures as fx
import pandas as pd
import pytest

from analysis.ingest import StaleResultError, ingest


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
