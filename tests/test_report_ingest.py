"""The analyst's ingest page speaks Vietnamese and escapes everything."""

from __future__ import annotations

import re

import pytest

from analysis.ingest.numbers import UNITS, parse_amount, parse_count
from analysis.ingest.report_page import message_vi, reason_vi, render_ingest_report, warning_vi


def test_warnings_are_translated() -> None:
    assert warning_vi("hidden sheet: not read (set include_hidden in khuyencong.yaml to read it)").startswith(
        "Trang tính ẩn"
    )
    assert warning_vi("row 12: above the support ceiling: 600,000,000 > 500,000,000 đồng (TTLT 26/2014)") == (
        "Dòng 12: vượt mức hỗ trợ tối đa: 600,000,000 > 500,000,000 đồng (TTLT 26/2014)"
    )
    assert warning_vi("no unit stated (ĐVT); assumed triệu đồng from the size of the numbers").startswith(
        "Không ghi đơn vị tính (ĐVT); tạm hiểu là triệu đồng"
    )
    assert warning_vi("something new") == "something new"


def test_page_escapes_file_content() -> None:
    report = {
        "version": "x", "seconds": 0.1, "validation_failures": [],
        "totals": {"files": 1, "files_error": 0, "rows_read": 3, "records": 1, "rejected": 0, "reconcile_failed": 0},
        "files": [{"path": "<b>a.xlsx</b>", "status": "ok", "message": "", "warnings": [], "sheets": [
            {"sheet": "<script>alert(1)</script>", "rows_read": 3, "records": 1, "rejected": 0,
             "skipped": {"header": 1, "title": 1}, "warnings": ["no total row: nothing to reconcile the sheet against"],
             "reconciliation": [{"row": 3, "label": "<img src=x>", "column": "C", "scope": "group 'I'",
                                 "declared": 5, "computed": 4, "ok": False}]}]}],
        "messages": ["<b>a.xlsx</b> | sheet '<script>alert(2)</script>' | row 3 | column C | value '<img src=y>': "
                     "no number (column C 'Kinh phí')"],
    }
    page = render_ingest_report(report)
    assert "<script>alert" not in page and "<img src=" not in page and "<b>a.xlsx" not in page
    assert "Không có dòng tổng cộng" in page and "nhóm I" in page and "&lt;img src=x&gt;" in page
    assert "| dòng 3 | cột C | giá trị &#39;&lt;img src=y&gt;&#39;: không có số (cột C «Kinh phí»)" in page
    assert "thời gian xử lý 0,10 giây" in page  # decimal comma


def _recon(row: int, ok: bool | None, label: str, **extra: object) -> dict:
    return {"row": row, "label": label, "column": "D", "scope": "sheet", "declared": 10, "computed": 10 if ok else 9,
            "ok": ok, **extra}


def test_page_details_failed_checks_and_counts_passed_ones() -> None:
    checks = [_recon(10 + i, True, f"Cộng nhóm khớp {i}") for i in range(40)]
    checks += [_recon(99, False, "TỔNG CỘNG LỆCH"),
               _recon(7, None, "Cộng công thức", note="formula without cached value")]
    report = {
        "version": "x", "seconds": 0.1, "validation_failures": [],
        "totals": {"files": 1, "files_error": 0, "rows_read": 60, "records": 40, "rejected": 0,
                   "reconciled": 40, "reconcile_failed": 1},
        "files": [{"path": "a.xlsx", "status": "ok", "message": "", "warnings": [], "sheets": [
            {"sheet": "KH", "rows_read": 60, "records": 40, "rejected": 0, "skipped": {"total": 1},
             "warnings": [], "reconciliation": checks}]}],
        "messages": [],
    }
    page = render_ingest_report(report)
    assert "TỔNG CỘNG LỆCH" in page and "toàn bảng" in page  # the failed check, in detail, in Vietnamese
    assert "Cộng công thức" in page and "công thức chưa có giá trị tính sẵn" in page  # not checkable: detailed
    assert "Cộng nhóm khớp" not in page  # passed checks are counted, not listed …
    assert "40 khớp" in page and "1 không khớp" in page and "1 không kiểm tra được" in page  # … per sheet


# English words that must not survive in a translated reason (file/sheet/column names aside)
_ENGLISH = re.compile(r"\b(amount|number|not|unknown|column|date|text|several|range|unit|type|declared)\b")


@pytest.mark.parametrize("value", ["chưa xác định", "01/02/2017", "15%", "1 - 2", "3/x", "1,2,3 4", "50 triệu tỷ",
                                   "x" * 400, True, float("inf"), 10**30, object(), "Đã nghiệm thu 5", "12 (ha)"])
def test_every_amount_error_is_said_in_vietnamese(value: object) -> None:
    """The reasons numbers.parse_amount gives (as stored in rejects.csv) all have a Vietnamese wording."""
    error = parse_amount(value, UNITS["trieu"]).error
    assert error, value
    said = reason_vi(f"{error} (column C 'Kinh phí KCQG')")
    assert said.endswith("(cột C «Kinh phí KCQG»)") and not _ENGLISH.search(said.split(" (cột")[0]), (error, said)


@pytest.mark.parametrize("value", ["hai", "2,5", "x" * 300, True, "3-5", "khoảng 5", 2.5])
def test_every_count_error_is_said_in_vietnamese(value: object) -> None:
    _, problem = parse_count(value)
    assert problem, value
    said = reason_vi(f"cannot read the number of projects: {problem}")
    assert said.startswith("không đọc được số đề án: ") and not _ENGLISH.search(said), (problem, said)


def test_ingest_messages_in_vietnamese_keep_every_location_part() -> None:
    line = "tinh/KH 2017.xlsx | sheet 'Danh mục' | row 12 | column E | value 'chưa rõ': no number (column E 'KCĐP')"
    assert message_vi(line) == (
        "tinh/KH 2017.xlsx | trang 'Danh mục' | dòng 12 | cột E | giá trị 'chưa rõ': không có số (cột E «KCĐP»)"
    )
    recon = "a.xlsx | sheet 'KH' | row 9 | column D: declared 1,850,000,000 đồng ≠ computed 1,800,000,000 đồng (sheet)"
    assert message_vi(recon) == (
        "a.xlsx | trang 'KH' | dòng 9 | cột D: ghi 1.850.000.000 đồng ≠ cộng lại 1.800.000.000 đồng (toàn bảng)"
    )
    for english in ("year unknown: not in the title, sheet or file name (use --year)",
                    "plan or actual unknown: no 'kế hoạch'/'thực hiện' in title, header or file name (use --stage)",
                    "two amount columns on this line mean the same source and stage; map them in khuyencong.yaml",
                    "amounts without a label or number, and they are not the sum of the table",
                    "no table header recognised in this sheet (add a khuyencong.yaml override)"):
        said = message_vi(f"a.csv | sheet 'a' | row 2: {english}")
        assert said.startswith("a.csv | trang 'a' | dòng 2: ") and not _ENGLISH.search(said), said
    assert message_vi("something else entirely") == "something else entirely"


def test_every_warning_seen_on_the_fixtures_has_a_vietnamese_wording(tmp_path) -> None:
    """File and sheet warnings of the ingest fixtures and the hostile corpus, as the report page shows them."""
    import inspect

    import badfiles
    import ingest_fixtures

    from analysis.ingest import ingest

    for name, build in inspect.getmembers(ingest_fixtures, inspect.isfunction):
        if build.__module__ == "ingest_fixtures" and not name.startswith("_") and name != "write_xlsx":
            (tmp_path / name).mkdir()
            build(tmp_path / name)
    badfiles.make_bad_corpus(tmp_path / "bad", dangerous=False)
    report = ingest([tmp_path], out_dir=tmp_path / "out", jobs=0, cache=False, progress=False).report
    warnings = {w for f in report["files"] for w in f.get("warnings", [])}
    warnings |= {w for f in report["files"] for s in f.get("sheets", []) for w in s.get("warnings", [])}
    assert len(warnings) >= 10
    english = sorted(w for w in warnings if warning_vi(w) == w)
    assert english == [], english
