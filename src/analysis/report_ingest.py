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


def _vnd(value: Any) -> str:
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", ".")


def render_ingest_report(report: dict[str, Any]) -> str:
    """Render the JSON report as one offline HTML page (no external resources; every text escaped)."""
    env = Environment(loader=PackageLoader("analysis", "templates"), autoescape=select_autoescape(["html", "j2"]))
    env.filters["vnd"] = _vnd
    template = env.get_template("ingest_report.html.j2")
    return template.render(report=report, skip_labels=SKIP_LABELS_VI)
