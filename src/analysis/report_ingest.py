"""ingest_report.html: the ingest report for an analyst, in Vietnamese, self-contained and escaped."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, Template, select_autoescape

SKIP_LABELS_VI = {
    "title": "tiêu đề", "unit": "dòng đơn vị tính", "header": "dòng tiêu đề cột", "blank": "dòng trống",
    "group": "dòng nhóm", "subtotal": "dòng cộng nhóm", "total": "dòng tổng cộng", "note": "ghi chú, chữ ký",
    "no_amount": "không có số tiền", "hidden_sheet": "trang tính ẩn", "no_table": "không có bảng",
    "chart_sheet": "trang biểu đồ", "not_selected": "không được chọn",
}


FROM_VI = {
    "title": "tiêu đề", "workbook title": "tiêu đề trang khác", "sheet name": "tên trang tính",
    "file name": "tên tệp", "folder": "thư mục", "command line": "dòng lệnh", "khuyencong.yaml": "khuyencong.yaml",
    "unit row": "dòng ĐVT", "header": "tiêu đề cột", "override": "khuyencong.yaml", "assumed": "ước đoán",
}


def _scope_vi(scope: str) -> str:
    """'group 'I'' → 'nhóm I', 'sheet' → 'toàn bảng' (the JSON keeps the English keys for tools)."""
    if scope == "sheet":
        return "toàn bảng"
    if scope == "rows above":
        return "các dòng phía trên"
    if scope.startswith("group "):
        return "nhóm " + scope[len("group ") :].strip("'")
    if scope.startswith("source "):
        return "nguồn " + {"national": "KCQG", "local": "KCĐP", "counterpart": "đối ứng"}.get(
            scope[len("source ") :], scope[len("source ") :]
        )
    return scope


# English warning (as stored in ingest_report.json, stable for tools) → Vietnamese for the analyst's page.
WARNINGS_VI: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(\w+) sheet: nothing to read$"), r"Trang biểu đồ/macro: không có bảng để đọc"),
    (re.compile(r"^hidden sheet: not read.*"), "Trang tính ẩn: không đọc (đặt include_hidden trong khuyencong.yaml để đọc)"),
    (re.compile(r"^no table header recognised.*"), "Không nhận ra dòng tiêu đề cột; các dòng không được đọc"),
    (re.compile(r"^header found but no amount column.*"), "Có tiêu đề cột nhưng không có cột số tiền (Kinh phí, KCQG, KCĐP, Đối ứng …)"),
    (re.compile(r"^the amount columns hold text.*"), "Các cột số tiền chỉ chứa chữ, không chứa số tiền"),
    (re.compile(r"^no unit stated \(ĐVT\); assumed (.+) from the size of the numbers$"),
     r"Không ghi đơn vị tính (ĐVT); tạm hiểu là \1 theo độ lớn của số liệu — hãy kiểm tra"),
    (re.compile(r"^column (\w+) '(.*)' holds text, not amounts.*"), r"Cột \1 «\2» chứa chữ, không đọc là số tiền"),
    (re.compile(r"^no total row.*"), "Không có dòng tổng cộng để đối chiếu"),
    (re.compile(r"^row (\d+): column (\w+) total (.+) ≠ sum of its parts (.+)$"),
     r"Dòng \1: cột \2 ghi tổng \3 ≠ cộng các nguồn \4"),
    (re.compile(r"^row (\d+): above the support ceiling: (.+)$"), r"Dòng \1: vượt mức hỗ trợ tối đa: \2"),
    (re.compile(r"^(\d+) formula cell\(s\) without a cached value.*"),
     r"\1 ô công thức chưa có giá trị tính sẵn (tệp lưu bằng phần mềm không tính công thức): mở và lưu lại bằng Excel"),
    (re.compile(r"^number typed over a formula\? total/subtotal cells without a formula: (.+)$"),
     r"Có thể số đã được gõ đè lên công thức: các ô tổng/cộng nhóm không có công thức: \1"),
    (re.compile(r"^no records found in this file$"), "Không tìm thấy dòng số liệu nào trong tệp"),
    (re.compile(r"^skipped by khuyencong.yaml$"), "Bỏ qua theo khuyencong.yaml"),
    (re.compile(r"^delimiter: '(.*)'$"), r"Tệp văn bản, các cột ngăn cách bằng dấu '\1'"),
    (re.compile(r"^encoding: (\S+) without byte-order mark$"), r"Bảng mã \1 (không có BOM), đã nhận ra tự động"),
    (re.compile(r"^encoding: windows-1258 \(combining tone marks normalised to NFC\)$"),
     "Bảng mã Windows-1258: dấu thanh tách rời đã được ghép lại (chuẩn NFC)"),
    (re.compile(r"^encoding: windows-1258$"), "Bảng mã Windows-1258, đã chuyển sang Unicode"),
    (re.compile(r"^format: content is (\w+) although the file is named (.+)$"),
     r"Nội dung tệp là \1 dù tên tệp có đuôi \2: đã đọc theo nội dung"),
    (re.compile(r"^sheet '(.*)': declared dimension (\S+) ignored \(real content (\d+) rows x (\d+) columns\)$"),
     r"Trang '\1': vùng dữ liệu khai báo \2 bị bỏ qua (thực tế \3 dòng x \4 cột)"),
    (re.compile(r"^sheet '(.*)' \((\w+)\) could not be read: (.*)$"), r"Trang '\1' (\2) không đọc được: \3"),
    (re.compile(r"^reader: calamine failed \((.*)\); read with xlrd$"),
     r"Đọc bằng xlrd vì calamine không đọc được (\1)"),
    (re.compile(r"^illustrative sample: not used alongside your own files$"),
     "Dữ liệu minh họa kèm theo: không dùng vì đã có tệp số liệu của bạn"),
]


# Why a row was rejected (rejects.csv / ingest_report.json keep the English, stable for tools) → Vietnamese.
@cache
def _amount_reasons_vi() -> list[tuple[re.Pattern[str], str]]:
    """vocab/reasons.csv: why a cell is not an amount or a count (numbers.py's words) → Vietnamese; {1} is
    the part the reason quotes."""
    from .classify import vocab_rows

    return [(re.compile(row["reason"]), row["vi"]) for row in vocab_rows("reasons")]


REASONS_VI: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^no table header recognised in this sheet.*"),
     lambda m: "không nhận ra dòng tiêu đề cột của trang này (khai báo trong khuyencong.yaml)"),
    (re.compile(r"^(year|province) unknown: not in the title, sheet or file name \(use --(\w+)\)$"),
     lambda m: f"không rõ {'năm' if m[1] == 'year' else 'tỉnh'}: tiêu đề, tên trang và tên tệp đều không ghi "
               f"(dùng --{m[2]})"),
    (re.compile(r"^plan or actual unknown.*"),
     lambda m: "không rõ là kế hoạch hay thực hiện: tiêu đề, dòng tiêu đề cột và tên tệp đều không ghi (dùng --stage)"),
    (re.compile(r"^amounts without a label or number, and they are not the sum of the table$"),
     lambda m: "có số tiền nhưng không có tên hay số thứ tự, và không phải tổng của bảng"),
    (re.compile(r"^two amount columns on this line mean the same source and stage.*"),
     lambda m: "hai cột số tiền trên dòng này cùng nguồn và cùng giai đoạn; khai báo cột trong khuyencong.yaml"),
    (re.compile(r"^cannot read the number of projects: (.+)$"),
     lambda m: f"không đọc được số đề án: {_plain_reason_vi(m[1])}"),
    (re.compile(r"^negative amount \(column (\w+) '(.*)'\)$"), lambda m: f"số tiền âm (cột {m[1]} «{m[2]}»)"),
    (re.compile(r"^(.+) \(column (\w+) '(.*)'\)$"), lambda m: f"{_plain_reason_vi(m[1])} (cột {m[2]} «{m[3]}»)"),
]
_MESSAGE_RE = re.compile(
    r"^(?P<file>.+?) \| sheet '(?P<sheet>.*)' \| row (?P<row>\d+)(?: \| column (?P<column>\w+))?"
    r"(?: \| value '(?P<value>.*)')?: (?P<text>.*)$",
    re.DOTALL,
)
_RECON_RE = re.compile(r"^declared ([\d,-]+) đồng ≠ computed ([\d,-]+) đồng \((.+)\)$")


def _plain_reason_vi(text: str) -> str:
    for pattern, template in _amount_reasons_vi():
        m = pattern.fullmatch(text)
        if m:
            return template.replace("{1}", m[1]) if m.groups() else template
    return text


def reason_vi(reason: str) -> str:
    """Vietnamese wording of why a row was rejected (unknown reasons are shown as stored)."""
    for pattern, wording in REASONS_VI:
        m = pattern.match(reason)
        if m:
            return wording(m)
    return _plain_reason_vi(reason)


def message_vi(line: str) -> str:
    """One ingest message line ('file | sheet 'X' | row 5 | column C | value 'v': reason') in Vietnamese."""
    m = _MESSAGE_RE.match(line)
    if m is None:
        return line
    parts = [m["file"], f"trang '{m['sheet']}'", f"dòng {m['row']}"]
    if m["column"]:
        parts.append(f"cột {m['column']}")
    if m["value"] is not None:
        parts.append(f"giá trị '{m['value']}'")
    text = m["text"]
    recon = _RECON_RE.match(text)
    if recon:
        declared, computed = (v.replace(",", ".") for v in recon.group(1, 2))
        text = f"ghi {declared} đồng ≠ cộng lại {computed} đồng ({_scope_vi(recon.group(3))})"
    else:
        text = reason_vi(text)
    return " | ".join(parts) + ": " + text


def warning_vi(text: str) -> str:
    """Vietnamese wording of a stored warning (unknown ones are shown as stored)."""
    for pattern, template in WARNINGS_VI:
        if pattern.match(text):
            return pattern.sub(template, text)
    return text


def _vnd(value: Any) -> str:
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", ".")


def reconciliation_summary(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts of one sheet's checks, and the lines an analyst has to look at (failed or not checkable).

    The page lists those lines only: a national run has tens of thousands of passed checks, which stay in
    ingest_report.json for tools.
    """
    passed = sum(1 for e in entries if e.get("ok") is True)
    failed = sum(1 for e in entries if e.get("ok") is False)
    return {
        "passed": passed,
        "failed": failed,
        "unchecked": len(entries) - passed - failed,
        "lines": [e for e in entries if e.get("ok") is not True],
    }


@cache
def template() -> Template:
    """The compiled page template (built once per process)."""
    env = Environment(loader=PackageLoader("analysis", "templates"), autoescape=select_autoescape(["html", "j2"]))
    env.filters["vnd"] = _vnd
    env.filters["seconds_vi"] = lambda value: f"{float(value or 0):.2f}".replace(".", ",")
    env.filters["scope_vi"] = _scope_vi
    env.filters["warning_vi"] = warning_vi
    env.filters["message_vi"] = message_vi
    env.filters["from_vi"] = lambda value: FROM_VI.get(value, value) if value else "—"
    env.filters["reconciliation_summary"] = reconciliation_summary
    return env.get_template("ingest_report.html.j2")


def render_ingest_report(report: dict[str, Any]) -> str:
    """Render the JSON report as one offline HTML page (no external resources; every text escaped)."""
    return template().render(report=report, skip_labels=SKIP_LABELS_VI)
