"""Ingest on small fixture workbooks covering the layouts, units, encodings and summaries of real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import ingest_fixtures as fx
import pandas as pd
import pytest

from analysis.ingest import SAMPLES_SKIPPED, ingest
from analysis.schema import validate


def _sums(table: pd.DataFrame) -> dict[tuple[str, str], int]:
    grouped = table.groupby(["stage", "funding_source"])["amount_vnd"].sum()
    return {key: int(v) for key, v in grouped.items()}


def _accounting_holds(report: dict) -> None:
    for f in report["files"]:
        for s in f["sheets"]:
            assert s["rows_read"] == s["records"] + sum(s["skipped"].values()) + s["rejected"], (f["path"], s)


@pytest.mark.parametrize("builder", fx.ALL_BUILDERS, ids=lambda b: b.__name__)
def test_fixture_reads_right(builder, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _path, expected = builder(raw)
    result = ingest([raw], out_dir=tmp_path / "out", jobs=0, cache=False)
    table = result.table
    assert validate(table) == []
    _accounting_holds(result.report)
    sums = _sums(table)
    wanted = {k: v for k, v in expected.items() if isinstance(k, tuple)}
    assert sums == wanted, (sums, result.report["messages"])
    if "year" in expected:
        assert set(table["year"]) == {expected["year"]}
    if "province" in expected:
        assert set(table["province"]) == {expected["province"]}
    if "districts" in expected:
        assert expected["districts"] <= set(table["district"])
    if "programs" in expected:
        assert set(table["program"]) - {""} == expected["programs"]
    if "record_type" in expected:
        assert set(table["record_type"]) == {expected["record_type"]}
    if "titles" in expected:
        assert expected["titles"] <= set(table["title"])
    if "flag" in expected:
        assert table["flags"].str.contains(expected["flag"]).any()
    totals = result.report["totals"]
    assert totals["reconcile_failed"] == expected.get("reconcile_failed", 0), result.report["messages"]
    if "rejected_row" not in expected:
        assert totals["rejected"] == 0, result.report["messages"]


def test_two_row_header_reconciles_groups_and_total(tmp_path: Path) -> None:
    path, _ = fx.two_row_header(tmp_path)
    result = ingest([path], out_dir=tmp_path / "out", jobs=0, cache=False)
    sheet = result.report["files"][0]["sheets"][0]
    assert sheet["unit"] == "triệu đồng"
    assert sheet["skipped"]["subtotal"] == 2 and sheet["skipped"]["total"] == 1
    assert sheet["skipped"]["note"] >= 2
    checks = [e for e in sheet["reconciliation"] if e["ok"] is not None]
    assert checks and all(e["ok"] for e in checks)
    # the project whose only amount is in 'Tổng' keeps it, flagged, as unspecified support
    row = result.table[result.table["funding_source"] == "unspecified"]
    assert row["flags"].str.contains("breakdown_missing").all()
    assert set(result.table["beneficiary"]) >= {"Cơ sở Gốm Thử 01"}


def test_plan_actual_groups_pair_project_counts(tmp_path: Path) -> None:
    path, _ = fx.plan_actual_groups_by_programme(tmp_path)
    table = ingest([path], out_dir=tmp_path / "out", jobs=0, cache=False).table
    counts = table.groupby("stage")["n_projects"].sum()
    assert counts["plan"] == 6 and counts["actual"] == 5
    assert set(table["year"]) == {2017}


def test_bad_amount_is_rejected_with_location(tmp_path: Path) -> None:
    path, _ = fx.bad_amount(tmp_path)
    result = ingest([path], out_dir=tmp_path / "out", jobs=0, cache=False)
    assert len(result.rejects) == 1
    reject = result.rejects.iloc[0]
    assert int(reject["source_row"]) == 5 and reject["column"] == "C" and reject["value"] == "chưa xác định"
    message = next(m for m in result.report["messages"] if "row 5" in m)
    assert "dak_lak_2024.xlsx" in message and "'KH'" in message and "column C" in message
    assert result.exit_code == 0  # a rejected row is reported, not fatal


def test_formula_without_value_and_hidden_sheet_are_reported(tmp_path: Path) -> None:
    path, _ = fx.formula_total_hidden_sheet(tmp_path)
    result = ingest([path], out_dir=tmp_path / "out", jobs=0, cache=False)
    sheets = {s["sheet"]: s for s in result.report["files"][0]["sheets"]}
    formula_warnings = [w for w in sheets["KH 2023"]["warnings"] if "formula" in w]
    assert len(formula_warnings) == 1 and formula_warnings[0].startswith("1 formula cell(s) without a cached value")
    assert not any("formula" in w for w in result.report["files"][0]["warnings"])  # said once, on its sheet
    assert any("hidden" in w for w in sheets["nhap"]["warnings"])
    assert sheets["nhap"]["records"] == 0 and sheets["nhap"]["skipped"]["hidden_sheet"] == 2


def test_windows_1258_comes_out_nfc(tmp_path: Path) -> None:
    import unicodedata

    path, _ = fx.csv_windows_1258(tmp_path)
    assert b"\xcc" in path.read_bytes() or b"\xec" in path.read_bytes() or b"\xf2" in path.read_bytes()
    table = ingest([path], out_dir=tmp_path / "out", jobs=0, cache=False).table
    for title in table["title"]:
        assert unicodedata.is_normalized("NFC", title)


def test_outputs_written_and_rerun_uses_cache(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for builder in (fx.two_row_header, fx.summary_by_source, fx.bad_amount):
        builder(raw)
    out = tmp_path / "out"
    first = ingest([raw], out_dir=out, jobs=2)
    for name in ("funding.parquet", "funding.csv", "funding.xlsx", "rejects.csv", "ingest_report.json",
                 "ingest_report.html"):
        assert (out / name).is_file(), name
    assert (out / "funding.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    report = json.loads((out / "ingest_report.json").read_text(encoding="utf-8"))
    assert report["totals"]["records"] == len(first.table)
    html = (out / "ingest_report.html").read_text(encoding="utf-8")
    assert "Báo cáo nhập dữ liệu" in html and "http" not in html
    second = ingest([raw], out_dir=out, jobs=2)
    assert second.from_cache
    pd.testing.assert_frame_equal(first.table, second.table)


def test_duplicate_line_in_two_files_is_flagged_not_dropped(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "a").mkdir(parents=True)
    (raw / "b").mkdir()
    fx.total_does_not_add_up(raw / "a")
    fx.total_does_not_add_up(raw / "b")
    table = ingest([raw], out_dir=tmp_path / "out", jobs=0, cache=False).table
    assert len(table) == 4
    assert table["flags"].str.contains("duplicate_in_other_file").all()


def test_override_file_maps_an_unrecognisable_header(tmp_path: Path) -> None:
    rows = [
        ["Bảng 3"],
        ["Mã", "Việc", "Tiền NS tỉnh", "Tiền DN"],
        [1, "Hỗ trợ máy dệt", 100, 300],
        [2, "Hỗ trợ lò sấy", 50, 0],
    ]
    fx.write_xlsx(tmp_path / "bang3.xlsx", {"S": rows})
    (tmp_path / "khuyencong.yaml").write_text(
        "files:\n  - match: 'bang3*.xlsx'\n    header_rows: [2]\n"
        "    columns: {A: stt, B: title, C: 'amount:local', D: 'amount:counterpart'}\n"
        "    unit: triệu đồng\n    province: Bình Dương\n    year: 2019\n    stage: actual\n",
        encoding="utf-8",
    )
    result = ingest([tmp_path], out_dir=tmp_path / "out", jobs=0, cache=False)
    assert _sums(result.table) == {("actual", "local"): 150_000_000, ("actual", "counterpart"): 300_000_000}


def test_cli_exit_codes_and_no_traceback(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    fx.summary_by_source(raw)
    (raw / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    run = subprocess.run(
        [sys.executable, "-m", "analysis", "ingest", str(raw), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and "broken.xlsx" in run.stderr
    assert (tmp_path / "out" / "funding.parquet").is_file()
    usage = subprocess.run([sys.executable, "-m", "analysis", "ingest", "--year", "abc"],
                           capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2
    missing = subprocess.run([sys.executable, "-m", "analysis", "ingest", str(tmp_path / "nope")],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_cli_says_rejected_rows_in_vietnamese_by_default_and_english_on_request(tmp_path: Path) -> None:
    path, _ = fx.bad_amount(tmp_path)
    said = {}
    for lang in ("vi", "en"):
        run = subprocess.run(
            [sys.executable, "-m", "analysis", "ingest", str(path), "--out", str(tmp_path / lang), "--lang", lang],
            capture_output=True, text=True, timeout=120,
        )
        said[lang] = next(line for line in run.stderr.splitlines() if "chưa xác định" in line)
    assert "| 'KH': 1 dòng bị loại: không phải số: có chữ" in said["vi"]
    assert "(đầu tiên: dòng 5, cột C, giá trị 'chưa xác định'" in said["vi"]
    assert "| 'KH': 1 rows rejected: not a number" in said["en"] and "row 5, column C, value 'chưa xác định'" in said["en"]
    verbose = subprocess.run(
        [sys.executable, "-m", "analysis", "ingest", str(path), "--out", str(tmp_path / "v"), "--verbose"],
        capture_output=True, text=True, timeout=120,
    )
    assert "| trang 'KH' | dòng 5 | cột C | giá trị 'chưa xác định': không phải số: có chữ" in verbose.stderr


def test_bundled_samples_step_aside_when_own_files_are_present(tmp_path: Path) -> None:
    """Illustrative samples are the default of a fresh clone, never mixed into an analyst's real figures."""
    import shutil

    from analysis import config

    raw = tmp_path / "raw"
    shutil.copytree(config.RAW_DIR / "samples", raw / "samples")
    alone = ingest([raw], out_dir=tmp_path / "alone", jobs=0, cache=False)
    assert set(alone.table["province"]) == {"Bình Dương"} and len(alone.table) > 0

    (raw / "dak_lak").mkdir()
    fx.bad_amount(raw / "dak_lak")  # the analyst's own file beside the samples
    mixed = ingest([raw], out_dir=tmp_path / "mixed", jobs=0, cache=False)
    assert set(mixed.table["province"]) == {"Đắk Lắk"}
    files = {f["path"]: f for f in mixed.report["files"]}
    samples = [f for name, f in files.items() if "samples/" in name]
    assert len(samples) == len(list((raw / "samples").rglob("*.x*"))) + len(list((raw / "samples").rglob("*.ods")))
    assert all(f["status"] == "ok" and f["warnings"] == [SAMPLES_SKIPPED] and not f["sheets"] for f in samples)
    page = (tmp_path / "mixed" / "ingest_report.html").read_text("utf-8")
    assert "Dữ liệu minh họa kèm theo: không dùng" in page and "<b>1</b>tệp đã đọc" in page
    assert mixed.report["totals"]["files_not_used"] == len(samples) and f"{len(samples)} tệp không dùng" in mixed.summary()
    only_samples = ingest([raw / "samples"], out_dir=tmp_path / "explicit", jobs=0, cache=False)
    assert set(only_samples.table["province"]) == {"Bình Dương"}  # asked for by name: read


def test_interrupted_write_leaves_previous_outputs_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    import analysis.ingest.report_page

    raw = tmp_path / "raw"
    raw.mkdir()
    fx.summary_by_source(raw)
    out = tmp_path / "out"
    ingest([raw], out_dir=out, jobs=0, cache=False)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir() if p.is_file()}
    fx.bad_amount(raw)  # the inputs change …

    def boom(report: dict) -> str:
        raise KeyboardInterrupt  # … and the run is interrupted while writing

    monkeypatch.setattr(analysis.ingest.report_page, "render_ingest_report", boom)
    with pytest.raises(KeyboardInterrupt):
        ingest([raw], out_dir=out, jobs=0, cache=False)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]


def test_exports_neutralise_formula_injection(tmp_path: Path) -> None:
    rows = [
        ["KẾ HOẠCH KHUYẾN CÔNG NĂM 2020 TỈNH BÌNH DƯƠNG"],
        ["ĐVT: triệu đồng"],
        ["STT", "Tên đề án", "Đơn vị thụ hưởng", "KCĐP"],
        [1, "=HYPERLINK(\"http://x\",\"bấm\")", "@SUM(A1)", 100],
        [2, "<script>alert(1)</script>", "+cmd", 50],
    ]
    import csv

    path = tmp_path / "kh2020.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    out = tmp_path / "out"
    result = ingest([path], out_dir=out, jobs=0, cache=False)
    assert len(result.table) == 2
    text = (out / "funding.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM" in text and "'+cmd" in text
    import openpyxl

    ws = openpyxl.load_workbook(out / "funding.xlsx").active
    risky = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+@"]
    assert risky and all(c.data_type == "s" and c.quotePrefix for c in risky)  # text, never a formula
    html = (out / "ingest_report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
