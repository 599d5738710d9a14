"""The analyst's ingest page speaks Vietnamese and escapes everything."""

from __future__ import annotations

import re

import pytest

from analysis.ingest.numbers import UNITS, parse_amount, parse_count
from analysis.ingest.report_page import message_lines, reason_text, render_ingest_report, sheet_warnings
from analysis.messages import Problem, as_message, english, message, render


def test_warnings_are_rendered_from_their_codes() -> None:
    ceiling = message("ceiling.amount", amount=600_000_000, ceiling=500_000_000, source="TTLT 26/2014")
    codes = [message("warn.hidden_sheet"), message("warn.above_ceiling", row=12, breach=ceiling),
             message("warn.unit_assumed", unit="triệu đồng")]
    sheet = {"warnings": [english(c) for c in codes], "warning_codes": codes}
    hidden, above, unit = sheet_warnings(sheet, "vi")
    assert hidden.startswith("Trang tính ẩn") and "include_hidden" not in hidden
    assert above == "Dòng 12: vượt mức hỗ trợ tối đa: 600.000.000 > 500.000.000 đồng (TTLT 26/2014)"
    assert unit.startswith("Không ghi đơn vị tính (ĐVT); tạm hiểu là triệu đồng")
    assert sheet_warnings(sheet, "en")[1] == (
        "row 12: above the support ceiling: 600,000,000 > 500,000,000 đồng (TTLT 26/2014)")
    assert sheet_warnings({"warnings": ["something new"]}) == ["something new"]  # no code: shown as stored


_LINE = message("line", file="<b>a.xlsx</b>", sheet="<script>alert(2)</script>", row=3,
                column=message("line.column", column="C"), value=message("line.value", value="<img src=y>"),
                text=message("reason.amount_unreadable", problem=as_message(Problem("problem.no_number")),
                             column="C", label="Kinh phí"))


def test_page_escapes_file_content() -> None:
    report = {
        "version": "x", "seconds": 0.1, "validation_failures": [],
        "totals": {"files": 1, "files_error": 0, "rows_read": 3, "records": 1, "rejected": 0, "reconcile_failed": 0},
        "files": [{"path": "<b>a.xlsx</b>", "status": "ok", "message": "", "warnings": [], "sheets": [
            {"sheet": "<script>alert(1)</script>", "rows_read": 3, "records": 1, "rejected": 0,
             "skipped": {"header": 1, "title": 1}, "warnings": ["no total row: nothing to reconcile the sheet against"],
             "warning_codes": [message("warn.no_total_row")],
             "reconciliation": [{"row": 3, "label": "<img src=x>", "column": "C", "scope": "group 'I'",
                                 "declared": 5, "computed": 4, "ok": False,
                                 "scope_code": message("scope.group", name="I")}]}]}],
        "messages": [english(_LINE)], "lines": [_LINE],
    }
    page = render_ingest_report(report)
    assert "<script>alert" not in page and "<img src=" not in page and "<b>a.xlsx" not in page
    assert "Không có dòng tổng cộng" in page and "nhóm I" in page and "&lt;img src=x&gt;" in page
    assert "| dòng 3 | cột C | giá trị &#39;&lt;img src=y&gt;&#39;: không có số (cột C «Kinh phí»)" in page
    assert "thời gian xử lý 0,10 giây" in page  # decimal comma


def _recon(row: int, ok: bool | None, label: str, **extra: object) -> dict:
    return {"row": row, "label": label, "column": "D", "scope": "sheet", "declared": 10, "computed": 10 if ok else 9,
            "ok": ok, "scope_code": message("scope.sheet"), **extra}


def test_page_details_failed_checks_and_counts_passed_ones() -> None:
    checks = [_recon(10 + i, True, f"Cộng nhóm khớp {i}") for i in range(40)]
    checks += [_recon(99, False, "TỔNG CỘNG LỆCH"),
               _recon(7, None, "Cộng công thức", note="formula without cached value",
                      note_code=message("recon.formula_without_value"))]
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
    """Every reason numbers.parse_amount gives is a code with a Vietnamese template; the English stays for tools."""
    error = parse_amount(value, UNITS["trieu"]).error
    assert error, value
    reason = message("reason.amount_unreadable", problem=as_message(error), column="C", label="Kinh phí KCQG")
    said = render(reason, "vi")
    assert said.endswith("(cột C «Kinh phí KCQG»)") and not _ENGLISH.search(said.split(" (cột")[0]), (error, said)
    assert english(reason) == f"{error} (column C 'Kinh phí KCQG')"


@pytest.mark.parametrize("value", ["hai", "2,5", "x" * 300, True, "3-5", "khoảng 5", 2.5, -3])
def test_every_count_error_is_said_in_vietnamese(value: object) -> None:
    _, problem = parse_count(value)
    assert problem, value
    said = render(message("reason.count_unreadable", problem=as_message(problem)), "vi")
    assert said.startswith("không đọc được số đề án: ") and not _ENGLISH.search(said), (problem, said)


def test_reasons_in_rejects_csv_are_rendered_from_their_code_and_json_parameters() -> None:
    row = {"reason": "negative amount (column E 'KCĐP')", "reason_code": "reason.negative_amount",
           "reason_params": '{"column": "E", "label": "KCĐP"}'}
    assert reason_text(row, "vi") == "số tiền âm (cột E «KCĐP»)"
    assert reason_text(row, "en") == row["reason"]
    assert reason_text({"reason": "as stored"}, "vi") == "as stored"


def test_ingest_messages_in_vietnamese_keep_every_location_part() -> None:
    line = message("line", file="tinh/KH 2017.xlsx", sheet="Danh mục", row=12,
                   column=message("line.column", column="E"), value=message("line.value", value="chưa rõ"),
                   text=message("reason.amount_unreadable", problem=as_message(Problem("problem.no_number")), column="E", label="KCĐP"))
    recon = message("line", file="a.xlsx", sheet="KH", row=9, column=message("line.column", column="D"), value="",
                    text=message("recon.mismatch", declared=1_850_000_000, computed=1_800_000_000,
                                 scope=message("scope.sheet")))
    report = {"messages": [english(line), english(recon)], "lines": [line, recon]}
    assert message_lines(report, "vi") == [
        "tinh/KH 2017.xlsx | trang 'Danh mục' | dòng 12 | cột E | giá trị 'chưa rõ': không có số (cột E «KCĐP»)",
        "a.xlsx | trang 'KH' | dòng 9 | cột D: ghi 1.850.000.000 đồng ≠ cộng lại 1.800.000.000 đồng (toàn bảng)",
    ]
    assert message_lines(report, "en") == report["messages"]
    assert report["messages"][1] == (
        "a.xlsx | sheet 'KH' | row 9 | column D: declared 1,850,000,000 đồng ≠ computed 1,800,000,000 đồng (sheet)")
    for code in ("reason.same_source_stage", "reason.unlabelled_not_sum", "reason.no_header"):
        said = render(message("line", file="a.csv", sheet="a", row=2, column="", value="", text=message(code)), "vi")
        assert said.startswith("a.csv | trang 'a' | dòng 2: ") and not _ENGLISH.search(said), said


def test_every_warning_seen_on_the_fixtures_has_a_code_and_a_vietnamese_wording(tmp_path) -> None:
    """File and sheet warnings of the ingest fixtures and the hostile corpus carry their code, as the page shows them."""
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
    parts = [*report["files"], *(s for f in report["files"] for s in f.get("sheets", []))]
    codes = [c for p in parts for c in p.get("warning_codes", [])]
    assert len(codes) >= 10 and sum(len(p.get("warnings", [])) for p in parts) == len(codes)
    assert all(isinstance(c, dict) for c in codes), [c for c in codes if not isinstance(c, dict)]
    for p in parts:
        assert [render(c, "en") for c in p.get("warning_codes", [])] == p.get("warnings", [])
        for said in sheet_warnings(p, "vi"):
            assert not re.search(r"\b(sheet|warning|not read|ignored|without)\b", said), said
