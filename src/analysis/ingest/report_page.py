"""ingest_report.html: the ingest report for an analyst, in Vietnamese, self-contained and escaped."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, Template, select_autoescape

from .. import vocab
from ..messages import render as render_message

# Words of the page for the codes ingest_report.json stores (labels.csv: 'skip.*', 'from.*', 'ingest_value.*').
SKIP_LABELS_VI = vocab.LabelFamily("skip", "vi")
FROM_VI = vocab.LabelFamily("from", "vi")
VALUE_VI = vocab.LabelFamily("ingest_value", "vi")


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


@cache
def warnings_vi() -> list[tuple[re.Pattern[str], str]]:
    """vocab/warnings.csv: English warning (as stored in ingest_report.json, stable for tools) → Vietnamese for
    the analyst's page; \\1 … in the wording are the parts the pattern captures."""
    from .classify import vocab_rows

    return [(re.compile(row["pattern"]), row["vi"]) for row in vocab_rows("warnings")]


# Why a row was rejected (rejects.csv / ingest_report.json keep the English, stable for tools) → Vietnamese.
@cache
def _reasons_vi() -> list[tuple[re.Pattern[str], str]]:
    """vocab/reasons.csv: why a row was rejected (sheet.py's and numbers.py's words) → Vietnamese; \\1 is
    the part the reason quotes."""
    from .classify import vocab_rows

    return [(re.compile(row["reason"]), row["vi"]) for row in vocab_rows("reasons")]


# The two shapes that wrap a reason: amounts name their column, counts say what was being read.
_IN_COLUMN_RE = re.compile(r"^(.+) \(column (\w+) '(.*)'\)$")
_COUNT_PREFIX = "cannot read the number of projects: "
_MESSAGE_RE = re.compile(
    r"^(?P<file>.+?) \| sheet '(?P<sheet>.*)' \| row (?P<row>\d+)(?: \| column (?P<column>\w+))?"
    r"(?: \| value '(?P<value>.*)')?: (?P<text>.*)$",
    re.DOTALL,
)
_RECON_RE = re.compile(r"^declared ([\d,-]+) đồng ≠ computed ([\d,-]+) đồng \((.+)\)$")


def _plain_reason_vi(text: str) -> str:
    for pattern, template in _reasons_vi():
        m = pattern.fullmatch(text)
        if m:
            return m.expand(template)
    return text


def reason_vi(reason: str) -> str:
    """Vietnamese wording of why a row was rejected (unknown reasons are shown as stored)."""
    if reason.startswith(_COUNT_PREFIX):
        return "không đọc được số đề án: " + _plain_reason_vi(reason[len(_COUNT_PREFIX) :])
    m = _IN_COLUMN_RE.match(reason)
    if m:
        return f"{_plain_reason_vi(m[1])} (cột {m[2]} «{m[3]}»)"
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


def console_lines(report: dict[str, Any], lang: str = "vi", verbose: bool = False) -> list[str]:
    """What the console says about a run: one line per unreadable file, and per sheet one line per cause with
    its count (rows with no stage, rejected rows by reason, totals that do not match, sum columns).

    ``verbose`` lists every row instead, as ingest_report.json keeps them.
    """
    from .notices import render

    lines: list[str] = []
    if verbose:
        return [message_vi(m) if lang == "vi" else m for m in report.get("messages", [])]

    def reason(text: str, language: str) -> str:
        return reason_vi(text) if language == "vi" else text

    for f in report.get("files", []):
        if f.get("status") != "ok":
            lines.append(f"{f['path']}: {f.get('message', '')}")
            continue
        for sheet in f.get("sheets", []):
            lines.extend(render(n, lang, reason) for n in sheet.get("notices", []))
    return lines


def warning_vi(text: str) -> str:
    """Vietnamese wording of a stored warning (unknown ones are shown as stored)."""
    for pattern, template in warnings_vi():
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


def sheet_warnings(sheet: dict[str, Any], lang: str = "vi") -> list[str]:
    """A sheet's (or file's) warnings in ``lang``: rendered from their codes; a warning stored without a code
    (a report from an older version) through the old wording table."""
    codes = sheet.get("warning_codes") or []
    texts = sheet.get("warnings") or []
    if len(codes) == len(texts):
        return [render_message(c, lang) for c in codes]
    return [warning_vi(w) if lang == "vi" else w for w in texts]


def scope_of(entry: dict[str, Any], lang: str = "vi") -> str:
    """What a reconciliation line was checked against ('nhóm I', 'toàn bảng'), from its code."""
    if entry.get("scope_code"):
        return render_message(entry["scope_code"], lang)
    return _scope_vi(entry.get("scope", "")) if lang == "vi" else entry.get("scope", "")


def _notice_vi(item: dict[str, Any]) -> str:
    from .notices import render

    return render(item, "vi", lambda text, _lang: reason_vi(text))


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
    env.filters["scope_vi"] = _scope_vi
    env.filters["scope_of"] = scope_of
    env.filters["sheet_warnings"] = sheet_warnings
    env.filters["warning_vi"] = warning_vi
    env.filters["message_vi"] = message_vi
    env.filters["from_vi"] = lambda value: FROM_VI.get(value, value) if value else "—"
    env.filters["reconciliation_summary"] = reconciliation_summary
    env.filters["notice_vi"] = _notice_vi
    env.filters["value_vi"] = lambda value: VALUE_VI.get(str(value), value)
    env.filters["attention_notices"] = attention_notices
    return env.get_template("ingest_report.html.j2")


def render_ingest_report(report: dict[str, Any]) -> str:
    """Render the JSON report as one offline HTML page (no external resources; every text escaped)."""
    return template().render(report=report, skip_labels=SKIP_LABELS_VI)
