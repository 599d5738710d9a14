"""The analyst's ingest page speaks Vietnamese and escapes everything."""

from __future__ import annotations

from analysis.report_ingest import render_ingest_report, warning_vi


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
        "messages": [],
    }
    page = render_ingest_report(report)
    assert "<script>alert" not in page and "<img src=x>" not in page and "<b>a.xlsx" not in page
    assert "Không có dòng tổng cộng" in page and "nhóm I" in page and "&lt;img src=x&gt;" in page


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
