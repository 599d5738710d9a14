"""What ingest() returns: the summary line, ok and the exit code, the lazy table of a cache hit."""

from __future__ import annotations

from pathlib import Path

import ingest_fixtures as fx
import pytest

from analysis.ingest import IngestResult, StaleResultError, ingest


def test_summary_line_in_vietnamese_number_format() -> None:
    report = {"files": [{"status": "ok"}] * 3 + [{"status": "error"}],
              "totals": {"records": 248593, "rejected": 1200, "reconcile_failed": 0, "files_not_used": 0}}
    result = IngestResult(None, None, report, None)
    assert result.summary() == ("4 tệp, 1 tệp không đọc được; 248.593 dòng số liệu, 1.200 dòng bị loại, "
                                "0 tổng cộng không khớp")
    assert result.summary("en").startswith("4 file(s), 1 unreadable; 248,593 amount records, 1,200 rows")


def test_ok_and_exit_code_follow_files_and_validation() -> None:
    good = IngestResult(None, None, {"files": [{"status": "ok"}], "validation_failures": []})
    bad_file = IngestResult(None, None, {"files": [{"status": "ok"}, {"status": "error"}]})
    invalid = IngestResult(None, None, {"files": [{"status": "ok"}], "validation_failures": ["year < 1990"]})
    assert (good.ok, good.exit_code) == (True, 0)
    assert (bad_file.ok, bad_file.exit_code) == (False, 1) and (invalid.ok, invalid.exit_code) == (False, 1)


def test_a_cache_hit_reads_its_table_once_and_never_a_rewritten_one(raw: Path, tmp_path: Path) -> None:
    fx.two_row_header(raw)
    out = tmp_path / "out"
    first = ingest([raw], out_dir=out, jobs=0)
    hit = ingest([raw], out_dir=out, jobs=0)
    assert hit.from_cache and "not loaded yet" in repr(hit)
    assert len(hit.table) == len(first.table) and hit.table is hit.table
    stale = ingest([raw], out_dir=out, jobs=0)
    fx.bad_amount(raw)
    ingest([raw], out_dir=out, jobs=0)  # another run rewrites the outputs
    with pytest.raises(StaleResultError):
        _ = stale.rejects
