"""ingest_report.html: the ingest report for an analyst, in Vietnamese, self-contained and escaped."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

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


def _vnd(value: Any) -> str:
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", ".")


def render_ingest_report(report: dict[str, Any]) -> str:
    """Render the JSON report as one offline HTML page (no external resources; every text escaped)."""
    env = Environment(loader=PackageLoader("analysis", "templates"), autoescape=select_autoescape(["html", "j2"]))
    env.filters["vnd"] = _vnd
    env.filters["scope_vi"] = _scope_vi
    env.filters["from_vi"] = lambda value: FROM_VI.get(value, value) if value else "—"
    template = env.get_template("ingest_report.html.j2")
    return template.render(report=report, skip_labels=SKIP_LABELS_VI)
