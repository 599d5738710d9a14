"""Sheet notices: what the console says once per sheet and cause, as a code with parameters.

Why codes: the Vietnamese and English wordings are templates (``vocab/notices.csv``,
``vocab/notice_parts.csv``), so no text is ever parsed back into meaning, and a tool reading
``ingest_report.json`` keys on the code, not on a sentence.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..messages import render as render_message
from .classify import vocab_rows

LOOKED_FOR_CONTEXT = ("title", "sheet name", "file name", "folder", "title side lines", "header")


@cache
def _templates(name: str) -> dict[str, dict[str, str]]:
    return {r["code"]: {"vi": r["vi"], "en": r["en"]} for r in vocab_rows(name)}


def part(code: str, lang: str) -> str:
    """One fragment of a notice ('what.stage' → 'kế hoạch hay thực hiện')."""
    found = _templates("notice_parts").get(code)
    return found[lang] if found else code


def notice(code: str, file: str, sheet: str, **params: Any) -> dict[str, Any]:
    """A notice as stored in the sheet report (JSON-friendly)."""
    return {"code": code, "file": file, "sheet": sheet, "params": params}


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + part("sep.and", lang) + items[-1]


def render(item: dict[str, Any], lang: str = "vi") -> str:
    """'file | 'sheet': text' in Vietnamese or English (a rejected rows' reason from its own code)."""
    params = dict(item.get("params", {}))
    code = item["code"]
    if code == "context_missing":
        fields = list(params.get("fields", []))
        params["what"] = _join([part(f"what.{f}", lang) for f in fields], lang)
        params["looked"] = _join([part(f"where.{w}", lang) for w in LOOKED_FOR_CONTEXT], lang)
        params["fix"] = "; ".join(part(f"fix.{f}", lang) for f in fields)
    if code == "rows_rejected":
        if params.get("reason_message"):
            params["reason"] = render_message(params["reason_message"], lang)
        column, value = params.get("column") or "", params.get("value") or ""
        params["column_vi"] = f", cột {column}" if column else ""
        params["column_en"] = f", column {column}" if column else ""
        params["value_vi"] = f", giá trị '{value}'" if value else ""
        params["value_en"] = f", value '{value}'" if value else ""
    if isinstance(params.get("parts"), list):
        params["parts"] = ", ".join(params["parts"])
    for key in ("rows", "checks", "rows_checked"):
        if isinstance(params.get(key), int):
            params[key] = f"{params[key]:,}" if lang == "en" else f"{params[key]:,}".replace(",", ".")
    template = _templates("notices")[code][lang]
    return f"{item['file']} | '{item['sheet']}': {template.format(**params)}"
