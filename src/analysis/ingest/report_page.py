"""ingest_report.html: the ingest report for an analyst, in Vietnamese, self-contained and escaped."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, Template, select_autoescape

from .. import vocab
from ..messages import render as render_message

# Words of the page for the codes ingest_report.json stores (labels.csv: 'skip.*', 'from.*', 'ingest_value.*').
SKIP_LABELS_VI = vocab.LabelFamily("skip", "vi")
FROM_VI = vocab.LabelFamily("from", "vi")
VALUE_VI = vocab.LabelFamily("ingest_value", "vi")


def message_lines(report: dict[str, Any], lang: str = "vi") -> list[str]:
    """The run's per-row lines ('file | sheet 'X' | row 5 | column C | value 'v': reason') in ``lang``, rendered
    from their codes; a report without codes (an older version's) is shown as stored."""
    lines, messages = report.get("lines") or [], report.get("messages") or []
    if len(lines) == len(messages):
        return [render_message(m, lang) for m in lines]
    return list(messages)


def reason_text(reject: dict[str, Any], lang: str = "vi") -> str:
    """Why a row was rejected, in ``lang``, from its ``reason_code`` and ``reason_params`` (a JSON text in
    rejects.csv, a dict in memory); the stored English when it has no code."""
    code = reject.get("reason_code")
    if not code or not isinstance(code, str):
        return str(reject.get("reason", ""))
    params = reject.get("reason_params") or {}
    if isinstance(params, str):
        params = json.loads(params) if params.strip() else {}
    return render_message({"code": code, "params": params}, lang)


def console_lines(report: dict[str, Any], lang: str = "vi", verbose: bool = False) -> list[str]:
    """What the console says about a run: one line per unreadable file, and per sheet one line per cause with
    its count (rows with no stage, rejected rows by reason, totals that do not match, sum columns).

    ``verbose`` lists every row instead, as ingest_report.json keeps them.
    """
    from .notices import render

    if verbose:
        return message_lines(report, lang)
    lines: list[str] = []
    for f in report.get("files", []):
        if f.get("status") != "ok":
            lines.append(f"{f['path']}: {f.get('message', '')}")
            continue
        for sheet in f.get("sheets", []):
            lines.extend(render(n, lang) for n in sheet.get("notices", []))
    return lines


def sheet_warnings(part: dict[str, Any], lang: str = "vi") -> list[str]:
    """A sheet's (or a file's) warnings in ``lang``, rendered from their codes (a warning stored without one is
    shown as stored)."""
    codes = part.get("warning_codes") or []
    texts = part.get("warnings") or []
    if len(codes) != len(texts):
        return [str(w) for w in texts]
    return [render_message(c, lang) if isinstance(c, dict) else str(w) for c, w in zip(codes, texts, strict=True)]


def warning_sheet(code: Any) -> str | None:
    """The sheet a file warning is about ('sheet 'X': declared dimension … ignored'), from its parameters."""
    return code.get("params", {}).get("sheet") if isinstance(code, dict) else None


def scope_of(entry: dict[str, Any], lang: str = "vi") -> str:
    """What a reconciliation line was checked against ('nhóm I', 'toàn bảng'), from its code."""
    if entry.get("scope_code"):
        return render_message(entry["scope_code"], lang)
    return str(entry.get("scope", ""))


def note_of(entry: dict[str, Any], lang: str = "vi") -> str:
    """Why a reconciliation line could not be checked ('công thức chưa có giá trị tính sẵn'), from its code."""
    if entry.get("note_code"):
        return render_message(entry["note_code"], lang)
    return str(entry.get("note") or "")


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


def _notice_vi(item: dict[str, Any]) -> str:
    from .notices import render

    return render(item, "vi")


_ATTENTION_CODES = ("context_missing", "reconcile_failed")


def attention_notices(report: dict[str, Any], lang: str = "vi") -> list[str]:
    """The notices an analyst must read first: sheets with no stage, year or province, and sheets whose own
    totals do not match (their figures are unconfirmed)."""
    from .notices import render

    return [
        render(n, lang)
        for f in report.get("files", [])
        for s in f.get("sheets", [])
        for n in s.get("notices", [])
        if n.get("code") in _ATTENTION_CODES
    ]


@cache
def template() -> Template:
    """The compiled page template (built once per process)."""
    env = Environment(loader=PackageLoader("analysis", "templates"), autoescape=select_autoescape(["html", "j2"]))
    env.filters["vnd"] = _vnd
    env.filters["seconds_vi"] = lambda value: f"{float(value or 0):.2f}".replace(".", ",")
    env.filters["scope_of"] = scope_of
    env.filters["note_of"] = note_of
    env.filters["sheet_warnings"] = sheet_warnings
    env.filters["message_lines"] = message_lines
    env.filters["from_vi"] = lambda value: FROM_VI.get(value, value) if value else "—"
    env.filters["reconciliation_summary"] = reconciliation_summary
    env.filters["notice_vi"] = _notice_vi
    env.filters["value_vi"] = lambda value: VALUE_VI.get(str(value), value)
    env.filters["attention_notices"] = attention_notices
    return env.get_template("ingest_report.html.j2")


def render_ingest_report(report: dict[str, Any]) -> str:
    """Render the JSON report as one offline HTML page (no external resources; every text escaped)."""
    return template().render(report=report, skip_labels=SKIP_LABELS_VI)
