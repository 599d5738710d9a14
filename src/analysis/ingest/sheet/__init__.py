"""One sheet → records, skipped rows, rejects and a reconciliation report.

This is the heart of the cleaning: it walks the rows under the header found by ``layout``, tells project
lines from programme groups, subtotals, totals and notes (by their numbering and wording, never by position),
parses every amount exactly, and reconciles each subtotal and total with the records under it.
Every row read ends in exactly one bucket: record, skipped (with a reason) or rejected (with a reason).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any

from ... import config
from ...columns import COLUMNS, CONTEXT_FLAGS, PHASE_PREFERENCE, UNCONFIRMED
from ...text import fold, is_blank, nfc
from .. import classify
from ..layout import (
    Column,
    Layout,
    column_letter,
    find_layout,
    is_numbering_row,
    next_table_start,
    side_by_side_split,
)
from ..notices import notice
from ..numbers import UNITS, ParsedAmount, Unit, detect_unit, parse_amount, parse_count
from ..readers import Sheet

RECORD_COLUMNS = list(COLUMNS)  # the tidy table contract (schema.py) — one list, one place

SKIP_REASONS = (
    "title",
    "unit",
    "header",
    "blank",
    "group",
    "subtotal",
    "total",
    "note",
    "no_amount",
    "hidden_sheet",
    "no_table",
    "chart_sheet",
    "not_money",
)

SUPPORT_SOURCES = ("national", "local", "unspecified", "other")


@dataclass
class SheetContext:
    """What is known about a sheet before reading its rows (from CLI, overrides, titles and names)."""

    source_file: str
    province: str = ""
    year: int | None = None
    stage: str = ""
    phase: str = ""
    funding_source: str = ""
    unit: Unit | None = None
    province_from: str = ""
    year_from: str = ""
    stage_from: str = ""
    # overrides (khuyencong.yaml)
    header_rows: list[int] | None = None  # 1-based
    column_map: dict[str, str] = field(default_factory=dict)
    include_hidden: bool = False
    forced: dict[str, Any] = field(default_factory=dict)


@dataclass
class SheetResult:
    records: dict[str, list[Any]]
    rejects: list[dict[str, Any]]
    report: dict[str, Any]
    messages: list[str]  # one line each, for stderr
    outcome: list[str] = field(default_factory=list)  # per row: 'record', 'reject' or the skip reason


class _Row:
    """One data line under the header (slots: 180 000 of these at national scale)."""

    __slots__ = (
        "amounts",
        "children",
        "counts",
        "ctx",
        "error",
        "index",
        "kind",
        "label",
        "level",
        "parent",
        "part_of",
        "raw",
        "stt",
    )

    def __init__(self, index: int, kind: str, stt: str = "", label: str = "") -> None:
        self.index = index  # 0-based
        self.kind = kind  # data, total, breakdown, unlabelled
        self.stt = stt
        self.label = label
        self.level = 5.0
        self.amounts: dict[int, ParsedAmount] = {}
        self.raw: dict[int, object] = {}
        self.counts: dict[int, int | None] = {}
        self.error = ""
        self.parent = -1  # position in the data list
        self.part_of = -1  # a '- Trong đó: KCQG' line under its project: that project's position
        self.children = 0
        self.ctx: dict[str, Any] = {}


_HAS_DIGIT_RE = re.compile(r"\d")
_DIGITS_ONLY_RE = re.compile(r"[\d.,\s]+")


def _col_index(c: Column | None) -> int:
    return c.index if c is not None else -1


def _cell_text(cells: list[object], c: Column) -> str:
    return _text(cells[c.index]) if c.index < len(cells) else ""


def _lead(cells: list[object]) -> str:
    """The first text in a row (notes, signatures and date lines are recognised by it)."""
    for c in cells:
        if isinstance(c, str) and c.strip():
            return _text(c)
    return ""


_AMOUNTS: dict[tuple[object, str, int, int], ParsedAmount] = {}


def _memo_amount(value: float | str, unit: Unit) -> ParsedAmount:
    """parse_amount for a float or text cell: exact shortcut for plain decimals, else memoised.

    A float such as 155.5 in triệu is exactly 155 500 000 đồng when its shortest repr has no more decimals
    than the unit has zeros — the same answer the Decimal path gives, without it. Text ('155,5 triệu')
    repeats across sheets, so it is memoised; the plausibility ceiling (config.PLAUSIBLE_MAX_VND) is part
    of the key, as tests may change it.
    """
    if type(value) is float and value >= 0:
        # Arithmetic form of the same rule: inside _EXACT_FLOAT_WINDOW at most one decimal with ≤ zeros places
        # rounds to the float (its spacing is finer than 10^-zeros) and value x multiplier < 2^50 rounds to
        # that integer; so when round(value x m) / m gives the float back, it is what repr would spell.
        window = _EXACT_FLOAT_WINDOW.get(unit.multiplier)
        if window is not None and window[0] <= value < window[1]:
            m = unit.multiplier
            amount = round(value * m)
            if amount / m == value:
                return ParsedAmount(amount, unit, ())
        text = repr(value)
        whole, _, frac = text.partition(".")
        if whole.isdigit() and frac.isdigit() and len(whole) < 16:
            zeros = _ZEROS.get(unit.multiplier)
            if zeros is not None and len(frac) <= zeros:
                amount = int(whole) * unit.multiplier + int(frac.ljust(zeros, "0"))
                if amount <= _INT64_MAX:
                    return ParsedAmount(amount, unit, ())
    elif type(value) is str and (m := _PLAIN_VN_NUMBER_RE.fullmatch(value)) is not None:
        # Vietnamese separators with one reading only (never '15.239' or '43,735', which have two);
        # anything implausible goes the long way for its flags
        whole, frac = (m.group(1), "") if m.group(1) else (m.group(2), m.group(3))
        zeros = _ZEROS.get(unit.multiplier)
        if zeros is not None and len(frac) <= zeros and ("." in whole or len(frac) != 3):
            amount = int(whole.replace(".", "")) * unit.multiplier + int(frac.ljust(zeros, "0") or "0")
            if 1_000 <= amount <= config.PLAUSIBLE_MAX_VND and amount <= _INT64_MAX:
                return ParsedAmount(amount, unit, ())
    key = (value, unit.key, unit.multiplier, config.PLAUSIBLE_MAX_VND)
    found = _AMOUNTS.get(key)
    if found is None:
        found = parse_amount(value, unit)
        if len(_AMOUNTS) < 200_000:
            _AMOUNTS[key] = found
    return found


_INT64_MAX = 2**63 - 1
# '1.234.567' (≥ 2 dot groups) or '1.234,5' / '147,19' (decimal comma); '43,735' is ambiguous: excluded below
_PLAIN_VN_NUMBER_RE = re.compile(r"([1-9]\d{0,2}(?:\.\d{3}){2,})|([1-9]\d{0,2}(?:\.\d{3})+|0|[1-9]\d{0,14}),(\d+)")
_ZEROS = {1: 0, 1_000: 3, 1_000_000: 6, 1_000_000_000: 9}
# [low, high) where the arithmetic float shortcut is exact: repr is positional from 1e-4, value x m < 2^50
_EXACT_FLOAT_WINDOW = {m: (1e-4, 2.0**50 / m) for m in (1_000, 1_000_000, 1_000_000_000)}


_ROMAN_RE = re.compile(r"^(?=[IVXL])(X{0,3})(IX|IV|V?I{0,3})$")
_ARABIC_RE = re.compile(r"^\d{1,4}[.)]?$")  # '1', '1.', '1)'
_DOTTED_RE = re.compile(r"^\d{1,3}(\.\d{1,3})+\.?$")
_LETTER_RE = re.compile(r"^[A-H]\.?$")
_SUBLETTER_RE = re.compile(r"^([a-zđ]\.?|[a-z]\)|[-+*•–])$")
_DATE_LINE_RE = re.compile(r"ngay\s*\.*\s*\d*\s*thang\s*\.*\s*\d*\s*nam\s*\d{0,4}")
_SIGNATURE_RE = re.compile(r"^(kt\.|tm\.|tl\.|q\.|p\.)?\s*(giam doc|pho giam doc|truong phong|nguoi lap|ke toan)")


_TEXTS: dict[str, str] = {}  # nfc() of cell strings: places, beneficiaries and labels repeat across sheets


def _text(value: object) -> str:
    if type(value) is str:
        found = _TEXTS.get(value)
        if found is None:
            found = nfc(value)
            if len(_TEXTS) >= 300_000:
                _TEXTS.clear()
            _TEXTS[value] = found
        return found
    if value is None:
        return ""
    if type(value) is int:  # numbering (STT) cells: what nfc(str(value)) gives, without its checks
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(value)


@lru_cache(maxsize=4096)
def _level(stt: str) -> float | None:
    """Depth of a row from its numbering: A < I < 1 < 1.1 < a/-; None when unnumbered."""
    s = stt.strip()
    if not s:
        return None
    if _LETTER_RE.match(s) and s.rstrip(".") not in {"C", "D"}:
        return 0.0
    if _ROMAN_RE.match(s.rstrip(".")):
        return 1.0
    if _ARABIC_RE.match(s):
        return 2.0
    if _DOTTED_RE.match(s):
        return 2.0 + s.rstrip(".").count(".")
    if _SUBLETTER_RE.match(s):
        return 4.5
    return None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _reads_as_amount(value: object) -> bool:
    """A number, or text that parses as an amount ('262,5 triệu') — not 'Bình Dương, ngày 10 tháng 1 năm 2017'."""
    if _is_number(value):
        return True
    if not isinstance(value, str) or not _HAS_DIGIT_RE.search(value):
        return False
    parsed = _memo_amount(value, UNITS["dong"]) if type(value) is str else parse_amount(value, UNITS["dong"])
    return parsed.error is None and parsed.amount_vnd is not None


@cache
def _ceilings() -> list[dict[str, Any]]:
    rows = classify.vocab_rows("ceilings")
    return [
        {
            "program": r["program"],
            "funding_source": r["funding_source"],
            "from": int(r["from_year"]),
            "to": int(r["to_year"]),
            "max_vnd": int(r["max_million_vnd"]) * 1_000_000,
            "max_share": float(r["max_share_of_cost"]) if r["max_share_of_cost"] else None,
            "source": r["source"],
        }
        for r in rows
    ]


@cache
def _ceilings_by_key() -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for rule in _ceilings():
        out.setdefault((rule["program"], rule["funding_source"]), []).append(rule)
    return out


def _ceiling_breach(program: str, source: str, year: int, amount: int, cost: int | None) -> str:
    for rule in _ceilings_by_key().get((program, source), ()):
        if rule["from"] <= year <= rule["to"]:
            if amount > rule["max_vnd"]:
                return f"{amount:,} > {rule['max_vnd']:,} đồng ({rule['source']})"
            if rule["max_share"] and cost and amount > rule["max_share"] * cost + 1:
                return f"{amount / cost:.0%} of cost > {rule['max_share']:.0%} ({rule['source']})"
    return ""


def _infer_unit(rows: list[list[object]], layout: Layout, amount_cols: list[Column]) -> Unit:
    """No unit for the sheet: the unit its own cells state most ('1 234 567 đ' beside bare '263 730 500'), else
    big numbers are đồng and small ones triệu đồng (flagged 'unit_assumed')."""
    values: list[float] = []
    stated: Counter[str] = Counter()
    for r in range(layout.first_data_row, min(len(rows), layout.first_data_row + 500)):
        row = rows[r]
        for col in amount_cols:
            value = row[col.index] if col.index < len(row) else None
            if _is_number(value) and value > 0:  # type: ignore[operator]
                values.append(float(value))  # type: ignore[arg-type]
            elif isinstance(value, str) and _HAS_DIGIT_RE.search(value):
                found = detect_unit(value)
                if found is not None:
                    stated[found.key] += 1
                else:
                    parsed = _memo_amount(value, UNITS["dong"])
                    if parsed.error is None and parsed.amount_vnd:
                        values.append(float(parsed.amount_vnd))
    if stated:
        return UNITS[stated.most_common(1)[0][0]]
    if values:
        values.sort()
        median = values[len(values) // 2]
        if median >= 100_000:
            return UNITS["dong"]
    return UNITS["trieu"]


def _drop_text_columns(
    rows: list[list[object]], layout: Layout, amount_cols: list[Column], warnings: list[str]
) -> list[Column]:
    """An 'amount' column whose cells are words ('Đã nghiệm thu') is a remark column: stop treating it as money."""
    kept = []
    for c in amount_cols:
        readable = unreadable = 0
        ci = c.index
        folded_label = fold(c.label.split(" | ")[-1])
        for row in rows[layout.first_data_row : layout.first_data_row + 300]:
            value = row[ci] if ci < len(row) else None
            t = type(value)
            if t is int or t is float:  # the usual case first (bool is neither)
                readable += 1
                continue
            if value is None or (t is str and not value.strip()):
                continue
            if t is str and (_PAGE_MARK_RE.match(fold(value)) or fold(value) == folded_label):
                continue  # 'Trang 1/3', or the header printed again after a page break
            if _is_number(value):
                readable += 1
                continue
            parsed = _memo_amount(value, UNITS["dong"]) if t is str else parse_amount(value, UNITS["dong"])
            if parsed.error:
                unreadable += 1
            elif parsed.amount_vnd is not None:
                readable += 1
        if unreadable > 2 * readable and readable <= 2:
            c.role = "other"
            if not c.guessed:
                warnings.append(f"column {c.letter} '{c.label}' holds text, not amounts: not read as money")
        else:
            kept.append(c)
    return kept


def _apply_column_map(layout: Layout, column_map: dict[str, str]) -> None:
    """Override column meanings from khuyencong.yaml: {'E': 'amount:national', 'B': 'title'}."""
    for letter, meaning in column_map.items():
        index = 0
        for ch in letter.strip().upper():
            index = index * 26 + (ord(ch) - 64)
        index -= 1
        role, _, source = str(meaning).partition(":")
        while len(layout.columns) <= index:
            layout.columns.append(Column(index=len(layout.columns), label="", role="other"))
        col = layout.columns[index]
        col.role = role.strip()
        col.funding_source = source.strip()


def _layout_from_override(rows: list[list[object]], ctx: SheetContext, merged: list) -> Layout | None:
    from ..layout import _header_grid, build_columns

    first, last = ctx.header_rows[0] - 1, ctx.header_rows[-1] - 1
    if first < 0 or last >= len(rows):
        return None
    header = _header_grid(rows, first, last, merged)
    columns = build_columns(header, ctx.unit)
    return Layout(
        header_rows=list(range(first, last + 1)),
        first_data_row=last + 1,
        columns=columns,
        unit=ctx.unit,
        unit_source="override" if ctx.unit else "",
        title_rows=[r for r in range(first) if any(not is_blank(c) for c in rows[r])],
        title_text=" ".join(_text(c) for r in range(first) for c in rows[r] if not is_blank(c)),
    )


def sheet_layout(sheet: Sheet, ctx: SheetContext) -> Layout | None:
    """The layout of a sheet, honouring overrides."""
    if ctx.header_rows:
        layout = _layout_from_override(sheet.rows, ctx, sheet.merged)
    else:
        layout = find_layout(sheet.rows, sheet.merged)
    if layout is not None and ctx.column_map:
        _apply_column_map(layout, ctx.column_map)
    return layout


def process_sheet(sheet: Sheet, ctx: SheetContext, layout: Layout | None = None) -> SheetResult:
    """Turn one sheet into records/skips/rejects with reconciliation (see module docstring).

    A sheet holding a second table below the first ('Biểu 2' with its own header) is read as two tables:
    the first on the lines above the second header, the second on the rest; every line is counted once.
    """
    if layout is None and sheet.kind == "worksheet" and not (sheet.hidden and not ctx.include_hidden):
        layout = sheet_layout(sheet, ctx)
    split = side_by_side_split(layout) if layout is not None and not ctx.header_rows else None
    if split is not None:
        return _side_by_side(sheet, ctx, layout, split)
    start = next_table_start(sheet.rows, layout) if layout is not None and not ctx.header_rows else None
    if start is None:
        return _process_table(sheet, ctx, layout)
    above = replace(sheet, rows=sheet.rows[:start])
    below_rows: list[list[object]] = [[] for _ in range(start)] + sheet.rows[start:]
    below = replace(sheet, rows=below_rows)
    first = _process_table(above, ctx, sheet_layout(above, ctx))
    below_layout = sheet_layout(below, ctx)
    if below_layout is not None and below_layout.unit is None and layout.unit is not None:
        below_layout.unit, below_layout.unit_source = layout.unit, layout.unit_source  # the sheet's 'ĐVT' line
    second = _process_table(below, ctx, below_layout)
    return _merge_tables(first, second, start, len(sheet.rows))


def _side_by_side(sheet: Sheet, ctx: SheetContext, layout: Layout, split: int) -> SheetResult:
    """Two tables side by side ('I. KẾ HOẠCH' in A:D, 'II. THỰC HIỆN' in F:I): each read on its own columns with
    its own title lines (column letters kept), a line counted once: as a record if either table records it."""
    left = replace(sheet, rows=[row[:split] for row in sheet.rows],
                   merged=[m for m in sheet.merged if m[3] < split])
    right = replace(sheet, rows=[[None] * split + list(row[split:]) for row in sheet.rows],
                    merged=[m for m in sheet.merged if m[1] > split])
    results = []
    for part in (left, right):
        part_layout = sheet_layout(part, ctx)
        part_ctx = ctx
        if part_layout is not None:
            if part_layout.unit is None and layout.unit is not None:
                part_layout.unit, part_layout.unit_source = layout.unit, layout.unit_source
            stage, phase = classify.detect_stage_phase(part_layout.title_text)
            if stage and not ctx.forced.get("stage"):  # 'II. THỰC HIỆN NĂM 2023' over the right-hand table
                part_ctx = replace(ctx, stage=stage, phase=phase, stage_from="title")
        results.append(_process_table(part, part_ctx, part_layout))
    a, b = results
    outcome = [_first_bucket(x, y) for x, y in zip(a.outcome, b.outcome, strict=True)]
    merged = _merge_tables(a, b, 0, len(sheet.rows))
    counts = Counter(outcome)
    merged.report.update(
        skipped={k or "blank": n for k, n in counts.items() if k not in ("record", "reject")},
        records=counts.get("record", 0), rejected=counts.get("reject", 0), tables=2,
    )
    merged.outcome = outcome
    return merged


def _first_bucket(left: str, right: str) -> str:
    """A line of two side-by-side tables: a record if either records it, else rejected if either rejects it,
    else the left table's reason (its own text) unless it is blank there."""
    for bucket in ("record", "reject"):
        if bucket in (left, right):
            return bucket
    return left if left not in ("", "blank") else right


def _merge_tables(first: SheetResult, second: SheetResult, start: int, n_rows: int) -> SheetResult:
    """One sheet's result from its two tables (the second's blanked lines above it are not counted again)."""
    records = {k: first.records[k] + second.records[k] for k in first.records}
    a, b = first.report, second.report
    skipped = dict(a["skipped"])
    for reason, n in b["skipped"].items():
        n -= start if reason == "blank" else 0
        if n:
            skipped[reason] = skipped.get(reason, 0) + n
    report = {**a, "rows_read": n_rows, "skipped": skipped, "records": a["records"] + b["records"],
              "rejected": a["rejected"] + b["rejected"], "amount_records": a["amount_records"] + b["amount_records"],
              "reconciliation": a["reconciliation"] + b["reconciliation"],
              "warnings": a["warnings"] + [w for w in b["warnings"] if w not in a["warnings"]],
              "notices": a.get("notices", []) + b.get("notices", []),
              "columns": a["columns"] + b["columns"], "tables": 2,
              "confirmed": a.get("confirmed", True) and b.get("confirmed", True)}
    unspecified = dict(a.get("unspecified", {}))
    for k, v in b.get("unspecified", {}).items():
        unspecified[k] = unspecified.get(k, 0) + v
    report["unspecified"] = unspecified
    return SheetResult(records, first.rejects + second.rejects, report, first.messages + second.messages,
                       first.outcome + second.outcome[start:])


def _process_table(sheet: Sheet, ctx: SheetContext, layout: Layout | None = None) -> SheetResult:
    """One table of a sheet → records, skips, rejects and reconciliation."""
    rows = sheet.rows
    n_rows = len(rows)
    records: dict[str, list[Any]] = {k: [] for k in RECORD_COLUMNS}
    rejects: list[dict[str, Any]] = []
    messages: list[str] = []
    skipped: dict[str, int] = {}
    warnings: list[str] = []
    outcome: list[str] = [""] * n_rows
    out_rows: list[tuple[Any, ...]] = []
    notices: list[dict[str, Any]] = []  # one per cause, for the console (see notices.py)

    def skip(r: int, reason: str) -> None:
        outcome[r] = reason

    def reject(r: int, reason: str, column: str = "", value: object = None) -> None:
        outcome[r] = "reject"
        rejects.append(
            {
                "source_file": ctx.source_file,
                "source_sheet": sheet.name,
                "source_row": r + 1,
                "column": column,
                "value": "" if value is None else _text(value),
                "reason": reason,
            }
        )
        where = f"{ctx.source_file} | sheet '{sheet.name}' | row {r + 1}"
        if column:
            where += f" | column {column}"
        shown = "" if value is None else f" | value '{_text(value)[:60]}'"
        messages.append(f"{where}{shown}: {reason}")

    report: dict[str, Any] = {
        "sheet": sheet.name,
        "hidden": sheet.hidden,
        "kind": sheet.kind,
        "rows_read": n_rows,
        "records": 0,
        "skipped": skipped,
        "rejected": 0,
        "year": ctx.year,
        "province": ctx.province,
        "stage": ctx.stage,
        "unit": "",
        "unit_from": "",
        "header_rows": [],
        "columns": [],
        "reconciliation": [],
        "warnings": warnings,
    }

    def finish() -> SheetResult:
        if out_rows:
            for name, column in zip(RECORD_COLUMNS, zip(*out_rows, strict=True), strict=True):
                records[name] = list(column)
        counts = Counter(outcome)  # keys in order of first occurrence, as the report lists them
        for reason, n in counts.items():
            if reason == "record" or reason == "reject":
                continue
            skipped[reason or "blank"] = skipped.get(reason or "blank", 0) + n
        report["records"] = counts.get("record", 0)
        report["rejected"] = counts.get("reject", 0)
        by_reason: dict[str, list[dict[str, Any]]] = {}
        for r in rejects:
            by_reason.setdefault(r["reason"], []).append(r)
        report["notices"] = [
            notice("rows_rejected", ctx.source_file, sheet.name, rows=len(rs), reason=reason,
                   row=rs[0]["source_row"], column=rs[0]["column"], value=rs[0]["value"][:60])
            for reason, rs in by_reason.items()
        ] + notices
        report["amount_records"] = len(records["amount_vnd"])
        return SheetResult(records, rejects, report, messages, outcome)

    if sheet.kind != "worksheet":
        for r in range(n_rows):
            skip(r, "chart_sheet")
        warnings.append(f"{sheet.kind} sheet: nothing to read")
        return finish()
    if sheet.hidden and not ctx.include_hidden:
        for r in range(n_rows):
            skip(r, "blank" if all(is_blank(c) for c in rows[r]) else "hidden_sheet")
        if any(outcome[r] == "hidden_sheet" for r in range(n_rows)):
            warnings.append("hidden sheet: not read (set include_hidden in khuyencong.yaml to read it)")
        return finish()

    if layout is None:
        layout = sheet_layout(sheet, ctx)
    if layout is None:
        numeric = sum(1 for row in rows for c in row if _is_number(c))
        for r in range(n_rows):
            if all(is_blank(c) for c in rows[r]):
                skip(r, "blank")
            elif numeric >= 3:
                reject(r, "no table header recognised in this sheet (add a khuyencong.yaml override)")
            else:
                skip(r, "no_table")
        if any(o != "blank" for o in outcome):
            warnings.append("no table header recognised; rows not read")
        return finish()

    for r in layout.title_rows:
        skip(r, "title")
    for r in layout.unit_rows:
        skip(r, "unit")
    for r in layout.header_rows:
        skip(r, "header")
    for r in range(layout.first_data_row):
        if not outcome[r]:
            skip(r, "blank" if all(is_blank(c) for c in rows[r]) else "title")

    amount_cols = [c for c in layout.columns if c.role == "amount"]
    count_cols = [c for c in layout.columns if c.role == "n_projects"]
    report["header_rows"] = [r + 1 for r in layout.header_rows]
    report["columns"] = [
        {"column": c.letter, "label": c.label, "role": c.role, "funding_source": c.funding_source,
         "stage": c.stage, "year": c.year}
        for c in layout.columns
        if c.label or c.role != "other"
    ]
    if not amount_cols:
        for r in range(layout.first_data_row, n_rows):
            skip(r, "blank" if all(is_blank(c) for c in rows[r]) else "no_table")
        warnings.append("header found but no amount column (Kinh phí, KCQG, KCĐP, Đối ứng …)")
        return finish()

    amount_cols = _drop_text_columns(rows, layout, amount_cols, warnings)
    if not amount_cols:
        for r in range(layout.first_data_row, n_rows):
            skip(r, "blank" if all(is_blank(c) for c in rows[r]) else "no_table")
        warnings.append("the amount columns hold text, not amounts")
        return finish()
    unit = ctx.unit or layout.unit
    unit_from = "override" if ctx.unit else layout.unit_source
    assumed = False
    unit_column = layout.first("unit")
    if unit is None and unit_column is not None and _unit_column_states_all(rows, layout, unit_column, amount_cols):
        unit_from = "unit column"  # 'Đơn vị tính' on every line with an amount: read per line, nothing assumed
    elif unit is None and _every_cell_states_its_unit(rows, layout, amount_cols):
        unit_from = "cell"  # '932.000 nghìn đồng' in every amount cell: nothing to assume
    elif unit is None and not all(c.unit for c in amount_cols):
        unit = _infer_unit(rows, layout, amount_cols)
        assumed = True
        unit_from = "assumed"
        warnings.append(f"no unit stated (ĐVT); assumed {unit.label_vi} from the size of the numbers")
    report["unit"] = unit.label_vi if unit else ("" if unit_from != "unit column" else _UNIT_PER_LINE)
    report["unit_from"] = unit_from

    def col(role: str) -> Column | None:
        return layout.first(role)

    stt_col, title_col = col("stt"), col("title")
    program_col, benef_col, place_col = col("program"), col("beneficiary"), col("place")
    if program_col is None:
        program_col = _programme_column(rows, layout, title_col)
    source_col, stage_col, year_col = col("source"), col("stage"), col("year")
    province_col, unit_col = col("province"), col("unit")
    text_cols = [
        c.index for c in layout.columns if c.role in ("title", "program", "source", "beneficiary", "executor")
    ]

    rows = _fill_merged_text(rows, sheet.merged, layout)
    data: list[_Row] = []
    in_notes = False
    crl = classify.classify_row_label
    stt_i, title_i, program_i = _col_index(stt_col), _col_index(title_col), _col_index(program_col)
    benef_i, place_i, unit_i = _col_index(benef_col), _col_index(place_col), _col_index(unit_col)
    header_texts = [tuple(fold(_text(c)) for c in rows[h] if not is_blank(c)) for h in layout.header_rows]
    header_firsts = {_text(c) for h in layout.header_rows for c in rows[h][: stt_i + 1] if not is_blank(c)}

    def repeats_header(cells: list[object]) -> bool:
        texts = tuple(fold(_text(c)) for c in cells if not is_blank(c))
        return texts in header_texts or is_numbering_row(cells)

    amount_idx = [c.index for c in amount_cols]
    # per column: (index, column, unit applied when the row states none)
    amount_specs = [(c.index, c, c.unit or unit) for c in amount_cols]
    program_separate = program_col is not None and program_col is not title_col
    for r in range(layout.first_data_row, n_rows):
        cells = rows[r]
        for v in cells:  # blank row? (stops at the first filled cell, usually the first)
            if v is not None and (type(v) is not str or v.strip()):
                break
        else:
            skip(r, "blank")
            continue
        width = len(cells)
        stt = _text(cells[stt_i]) if 0 <= stt_i < width else ""
        if (stt in header_firsts or stt in _NUMBERING_STARTS) and repeats_header(cells):
            skip(r, "header")  # the header (or its '(1) (2) …' row) printed again after a page break
            continue
        label = _text(cells[title_i]) if 0 <= title_i < width else ""
        if not label and 0 <= program_i < width:
            label = _text(cells[program_i])
        if not label:
            for idx in text_cols:
                if idx < width and isinstance(cells[idx], str) and cells[idx].strip():
                    label = _text(cells[idx])
                    break
        lead: str | None = None  # first text of the row: only needed for unlabelled and note lines
        stt_level = _level(stt)
        stt_is_label = bool(stt) and stt_level is None and not _DIGITS_ONLY_RE.fullmatch(stt)
        if not label and stt_is_label:
            label = stt
        row_kind = crl(stt) if stt_is_label else ""
        if not row_kind:
            if not label:
                lead = _lead(cells)
            row_kind = crl(label or lead or "")
        has_number = False
        for ci in amount_idx:
            if ci < width:
                v = cells[ci]
                t = type(v)
                if t is int or t is float or (v is not None and _reads_as_amount(v)):
                    has_number = True
                    break
        if not has_number:
            if lead is None:
                lead = _lead(cells)
            folded_lead = fold(lead)
            if _PAGE_MARK_RE.match(folded_lead):
                skip(r, "note")  # 'Trang 1/3' at a page break: the table goes on
                continue
            if row_kind == "note" or _DATE_LINE_RE.search(folded_lead) or _SIGNATURE_RE.match(folded_lead):
                in_notes = True
                skip(r, "note")
                continue
            if in_notes:
                skip(r, "note")
                continue
        elif in_notes and any(d.kind == "total" for d in data[-3:]) and stt_level is None:
            skip(r, "note")  # '(2) Tổng dự toán … 200 triệu chưa phân bổ' in the notes below the closed table
            continue
        row = _Row(r, "data", stt, label)
        if row_kind in ("total", "breakdown"):
            row.kind = row_kind
        elif (
            data
            and data[-1].kind in ("total", "breakdown")
            and (stt_level is None or stt_level >= 4.5)  # '- KCQG', 'a) KCĐP'; a numbered line is a line of its own
            and classify.is_source_label(label)
        ):
            row.kind = "breakdown"  # '- KCQG' lines under 'Tổng cộng' / 'Trong đó:'
        row.level = stt_level if stt_level is not None else -1.0
        raw = row.raw
        for ci in amount_idx:
            if ci < width:
                v = cells[ci]
                if v is not None and (type(v) is not str or v.strip()):
                    raw[ci] = v
        for c in count_cols:
            value = cells[c.index] if c.index < width else None
            if is_blank(value):
                continue
            count, problem = parse_count(value)
            if problem:
                row.error = row.error or f"cannot read the number of projects: {problem}"
                row.raw.setdefault(-1 - c.index, value)
            row.counts[c.index] = count
        # per-row unit column, if any
        row_unit = None
        if unit_col is not None:
            unit_text = _text(cells[unit_i]) if 0 <= unit_i < width else ""
            row_unit = detect_unit(unit_text)
            if row_unit is None and unit_text and not _DIGITS_ONLY_RE.fullmatch(unit_text):
                skip(r, "not_money")  # an indicator in người, mô hình, cơ sở …: never money
                meaning = classify.classify_header_part(label) if label else None
                if meaning is not None and meaning.role == "n_projects" and _PROJECT_UNIT_RE.fullmatch(fold(unit_text)):
                    data.append(_count_line(r, stt, label, cells, amount_idx, stt_level))  # 'Số đề án | Đề án'
                continue
        amounts = row.amounts
        for ci, c, col_unit in amount_specs:
            if ci not in raw:
                continue
            value = raw[ci]
            applied = row_unit or col_unit
            t = type(value)
            if t is int and applied is not None and 0 <= value < 10**15:
                parsed = ParsedAmount(value * applied.multiplier, applied, ())  # fast path: whole number in a unit
            elif (t is float or t is str) and applied is not None:
                parsed = _memo_amount(value, applied)  # memoised: the exact Decimal / text parser
            else:
                parsed = parse_amount(value, applied)
            if parsed.error:
                row.error = row.error or f"{parsed.error} (column {c.letter} '{c.label}')"
                raw[-1000 - ci] = value
                continue
            if parsed.amount_vnd is None:
                continue
            if parsed.amount_vnd < 0:
                row.error = row.error or f"negative amount (column {c.letter} '{c.label}')"
                raw[-1000 - ci] = value
                continue
            if assumed and not row_unit and not c.unit and "unit_in_cell" not in parsed.flags:
                parsed = ParsedAmount(parsed.amount_vnd, parsed.unit, tuple(sorted({*parsed.flags, "unit_assumed"})))
            amounts[ci] = parsed
        row.ctx = {
            "source": classify.classify_source(_cell_text(cells, source_col)) if source_col else "",
            "stage": classify.detect_stage_phase(_cell_text(cells, stage_col)) if stage_col else ("", ""),
            "year": classify.detect_year(_cell_text(cells, year_col)) if year_col else None,
            "province": classify.detect_province(_cell_text(cells, province_col)) if province_col else "",
            "beneficiary": _text(cells[benef_i]) if 0 <= benef_i < width else "",
            "place": _text(cells[place_i]) if 0 <= place_i < width else "",
            "program_cell": _text(cells[program_i]) if program_separate and 0 <= program_i < width else "",
        }
        data.append(row)

    _split_project_lines(data)
    lines = [d for d in data if d.kind == "data" and d.amounts]
    if not lines:
        # a summary whose only lines sit under its total ('Tổng cộng', then 'KCQG', 'KCĐP'): those are the lines
        for d in data:
            if d.kind == "breakdown" and not fold(d.label).startswith("trong do"):
                d.kind = "data"
    elif all(classify.is_source_label(d.label) for d in lines):
        # a summary by source ('I. KCQG', 'II. KCĐP', 'Tổng kinh phí khuyến công', then 'Vốn đối ứng'): a source
        # line under the total that no line above names is a line of its own, not a breakdown of the total
        named = {classify.classify_source(d.label) for d in lines}
        for d in data:
            if (d.kind == "breakdown" and not fold(d.label).startswith("trong do")
                    and classify.classify_source(d.label) not in named):
                d.kind = "data"
    # --- hierarchy: numbering gives levels; unnumbered labelled rows are groups only when numbered rows follow
    has_arabic = any(d.level == 2.0 for d in data if d.kind == "data")
    has_numbers = any(d.stt for d in data if d.kind == "data")
    for i, d in enumerate(data):
        if d.kind != "data" or d.level >= 0:
            continue
        nxt = next((e for e in data[i + 1 :] if e.kind == "data"), None)
        groupish = bool(classify.classify_program(d.label) or classify.classify_source(d.label)
                        or (_section_year(d.label) and not d.amounts) or _DISTRICT_GROUP_RE.match(fold(d.label)))
        # numbered lines follow, or (no numbering at all) an UPPERCASE programme line over lines in normal case
        shouting = not has_numbers and d.label.isupper() and nxt is not None and not nxt.label.isupper()
        if (nxt is not None and groupish and not d.ctx["beneficiary"]
                and ((has_arabic and nxt.level >= 2.0) or shouting)):
            d.level = 1.5
        else:
            d.level = 9.0
    stack: list[int] = []
    for i, d in enumerate(data):
        if d.kind == "count":  # counts of its group, beside the group's money line
            while stack and data[stack[-1]].level >= d.level:
                stack.pop()
            d.parent = stack[-1] if stack else -1
            continue
        if d.kind != "data":
            if d.kind == "total" and not re.search(r"\b([a-h]|[ivx]+|\d+)$", fold(d.label)):
                stack.clear()
            continue
        if d.level == 9.0 and not d.amounts and stack and data[stack[-1]].amounts:
            continue  # a remark line under a project (dates, address): it does not make the project a group
        while stack and data[stack[-1]].level >= d.level:
            stack.pop()
        d.parent = stack[-1] if stack else -1
        if d.parent >= 0:
            data[d.parent].children += 1
        stack.append(i)

    def ancestors(i: int) -> list[_Row]:
        out = []
        p = data[i].parent
        while p >= 0:
            out.append(data[p])
            p = data[p].parent
        return out

    # --- outcomes
    leaves: list[int] = []
    for i, d in enumerate(data):
        r = d.index
        if d.kind == "count":
            continue  # skipped as 'not_money' when read
        if d.kind in ("total", "breakdown"):
            if d.error:
                reject(r, d.error)
            else:
                skip(r, "total")
            continue
        if d.children:
            skip(r, "subtotal" if d.amounts else "group")
            continue
        if d.error:
            bad_col = next((k for k in d.raw if k < 0), None)  # -1000-ci: an amount cell; -1-ci: a count cell
            column = "" if bad_col is None else column_letter(-1000 - bad_col if bad_col <= -1000 else -1 - bad_col)
            value = d.raw.get(bad_col) if bad_col is not None else None
            reject(r, d.error, column, value)
            continue
        if not d.amounts:
            if d.level <= 1.5:
                skip(r, "group")
            elif d.label or d.stt:
                skip(r, "no_amount")
            else:
                skip(r, "blank" if not any(isinstance(c, str) and c.strip() for c in rows[r]) else "no_amount")
            continue
        if not d.label and not d.stt and not d.ctx["beneficiary"]:
            d.kind = "unlabelled"
            continue
        leaves.append(i)

    for c, parts, checked in _mark_sum_columns(data, leaves, amount_cols):
        notices.append(notice("sum_column", ctx.source_file, sheet.name, column=c.letter, label=c.label,
                              parts=[p.letter for p in parts], rows_checked=checked))
        for entry in report["columns"]:
            if entry["column"] == c.letter:
                entry["funding_source"] = "total"
    split_cols = [c for c in amount_cols if c.funding_source != "total"]
    total_cols = [c for c in amount_cols if c.funding_source == "total"]
    leaf_set = set(leaves)

    # amount of each data line per column, as plain ints (reconciliation sums them many times)
    col_values: dict[int, list[int]] = {
        c.index: [a.amount_vnd if (a := d.amounts.get(c.index)) is not None else 0 for d in data]
        for c in amount_cols
    }

    def column_sum(indices: list[int], c: Column) -> int:
        values = col_values[c.index]
        return sum([values[i] for i in indices])

    def leaf_descendants(i: int) -> list[int]:
        out = []
        for j in range(i + 1, len(data)):
            if data[j].kind != "data":
                continue
            p = data[j].parent
            while p >= 0 and p != i:
                p = data[p].parent
            if p != i:
                if data[j].level <= data[i].level:
                    break
                continue
            if j in leaf_set:
                out.append(j)
        return out

    recon = report["reconciliation"]

    def reconcile(d: _Row, scope: list[int], scope_name: str) -> bool:
        ok_all = True
        for c in amount_cols:
            if c.index not in d.amounts:
                if (d.index, c.index) in sheet.formula_without_value:
                    recon.append({"row": d.index + 1, "label": d.label, "column": c.letter, "scope": scope_name,
                                  "declared": None, "computed": column_sum(scope, c), "ok": None,
                                  "note": "formula without cached value"})
                continue
            declared = d.amounts[c.index].amount_vnd
            computed = column_sum(scope, c)
            ok = declared == computed
            ok_all &= ok
            recon.append({"row": d.index + 1, "label": d.label, "column": c.letter, "scope": scope_name,
                          "declared": declared, "computed": computed, "ok": ok})
        return ok_all

    # subtotals reconcile with their leaves
    for i, d in enumerate(data):
        if d.kind == "data" and d.children and d.amounts:
            reconcile(d, leaf_descendants(i), f"group '{d.stt or d.label[:30]}'")
    # totals and unlabelled sum rows reconcile with the whole sheet (or their group when labelled so)
    for i, d in enumerate(data):
        if d.kind == "unlabelled":
            sums_match = all(d.amounts[c.index].amount_vnd == column_sum(leaves, c) for c in amount_cols
                             if c.index in d.amounts)
            if sums_match:
                skip(d.index, "total")
                reconcile(d, leaves, "sheet")
            else:
                reject(d.index, "amounts without a label or number, and they are not the sum of the table")
            continue
        if d.kind == "total" and d.amounts:
            before = [j for j in leaves if j < i]
            candidates = [(leaves, "sheet")]
            if before and before != leaves:
                candidates.insert(0, (before, "rows above"))
            open_groups = [j for j in range(i - 1, -1, -1) if data[j].kind == "data" and data[j].children]
            if open_groups:
                g = open_groups[0]
                candidates.insert(0, (leaf_descendants(g), f"group '{data[g].stt or data[g].label[:30]}'"))
            chosen = candidates[-1]
            for scope, name in candidates:
                if all(d.amounts[c.index].amount_vnd == column_sum(scope, c) for c in amount_cols
                       if c.index in d.amounts):
                    chosen = (scope, name)
                    break
            reconcile(d, chosen[0], chosen[1])
        if d.kind == "breakdown" and d.amounts:
            source = classify.classify_source(d.label)
            for c in amount_cols:
                if c.index in d.amounts:
                    declared = d.amounts[c.index].amount_vnd
                    computed = sum(
                        data[j].amounts[c.index].amount_vnd
                        for j in leaves
                        if c.index in data[j].amounts and _resolve_source(data[j], c, ancestors(j), ctx) == source
                    )
                    recon.append({"row": d.index + 1, "label": d.label, "column": c.letter,
                                  "scope": f"source {source}", "declared": declared, "computed": computed,
                                  "ok": declared == computed})
    if not any(d.kind in ("total", "unlabelled") for d in data) and leaves:
        warnings.append("no total row: nothing to reconcile the sheet against")
    _check_formulas(sheet, data, amount_cols, warnings)

    # --- what a 'Tổng' column means in this sheet: support only, or the whole cost with counterpart
    support_cols = [c for c in split_cols if c.funding_source != "counterpart"]
    counter_cols = [c for c in split_cols if c.funding_source == "counterpart"]
    total_means: dict[int, str] = {}
    support_vals = [col_values[c.index] for c in support_cols]
    counter_vals = [col_values[c.index] for c in counter_cols]
    for tc in total_cols:
        votes = {"support": 0, "cost": 0}
        for i in leaves:
            d = data[i]
            if tc.index not in d.amounts or not any(c.index in d.amounts for c in support_cols):
                continue
            support = sum(v[i] for v in support_vals)  # absent cells count 0 in col_values
            counter = sum(v[i] for v in counter_vals)
            declared = d.amounts[tc.index].amount_vnd
            if declared == support and counter:
                votes["support"] += 1
            elif declared == support + counter and counter:
                votes["cost"] += 1
        total_means[tc.index] = "cost" if votes["cost"] > votes["support"] else "support"

    # --- records
    failed_checks = sum(1 for e in recon if e["ok"] is False)
    # figures the sheet's own totals contradict, or of a sheet with amount rows that could not be read
    unconfirmed = bool(failed_checks or rejects)
    report["confirmed"] = not unconfirmed
    missing: Counter[str] = Counter()
    is_allocation_sheet = bool(count_cols) or _lines_are_programmes(data, leaves, layout)
    has_count_lines = any(d.kind == "count" for d in data)
    forced_year, forced_province, forced_stage = (ctx.forced.get(k) for k in ("year", "province", "stage"))
    explicit_source = {c.index: c.funding_source for c in amount_cols
                       if c.funding_source in ("national", "local", "counterpart")}
    group_program: dict[int, tuple[str, str] | None] = {}  # parent → programme named by the nearest group

    def program_of_group(i: int) -> tuple[str, str] | None:
        """The walk up the groups, once per group rather than once per line (lines of a group share it)."""
        parent = data[i].parent
        if parent not in group_program:
            group_program[parent] = _group_program(ancestors(i))
        return group_program[parent]

    def section_year(i: int) -> int | None:
        """The year a section row above names ('NĂM 2022' over its projects)."""
        return next((y for a in ancestors(i) if a.kind == "data" and (y := _section_year(a.label))), None)

    for i in leaves:
        d = data[i]
        dctx = d.ctx
        amounts = d.amounts
        anc: list[_Row] | None = None  # computed only if a column's source must be looked up
        present_split = [c for c in split_cols if c.index in amounts] if total_cols else []
        year = forced_year or dctx["year"] or section_year(i) or ctx.year
        province = forced_province or dctx["province"] or ctx.province
        record_type = ("project" if d.part_of >= 0
                       else "allocation" if is_allocation_sheet or classify.is_source_label(d.label) else "project")
        program, program_label = _resolve_program(d, dctx, lambda i=i: program_of_group(i), record_type)
        district = classify.normalise_district(dctx["place"]) if dctx["place"] else ""
        emitted = []
        row_flags_extra: list[str] = []
        for c in amount_cols:
            if c.index not in amounts:
                continue
            if c.funding_source == "total" and _parts_stand_in(c, present_split, support_cols):
                continue
            stage, phase = _stage_of(forced_stage, c, dctx["stage"], ctx)
            source = explicit_source.get(c.index)
            if source is None:
                if anc is None:
                    anc = ancestors(i)
                source = _resolve_source(d, c, anc, ctx)
            if c.funding_source == "total" and split_cols:
                row_flags_extra = ["breakdown_missing"]
            emitted.append((c, stage, c.year or year, source, phase))
        if emitted and total_cols:
            emitted = [e for e in emitted if not (e[0].funding_source == "total" and _support_from_total(
                d, e[0], counter_cols, total_means) <= 0)]
        # the same (year, stage, source) twice on one line: two columns meaning the same thing
        if len(emitted) > 1:
            emitted = _final_phase(emitted)  # 'KH đã giao' beside 'KH sau điều chỉnh': the adjusted plan stands
            keys = [(y, s, src) for _, s, y, src, _ in emitted]
            if len(keys) != len(set(keys)):
                reject(d.index, "two amount columns on this line mean the same source and stage; "
                       "map them in khuyencong.yaml")
                continue
        # row total check
        for tc in total_cols:
            parts_here = [c for c in present_split if _same_group(tc, c)]
            if tc.index in amounts and parts_here:
                declared = amounts[tc.index].amount_vnd
                every = sum(amounts[c.index].amount_vnd for c in parts_here)
                support = sum(amounts[c.index].amount_vnd for c in parts_here if c.funding_source != "counterpart")
                if declared not in (every, support):
                    warnings.append(f"row {d.index + 1}: column {tc.letter} total {declared:,} ≠ sum of its parts "
                                    f"{every:,}")
        support_amount = counterpart_amount = 0
        for c, _, _, src, _ in emitted:
            if src == "counterpart":
                counterpart_amount += amounts[c.index].amount_vnd
            elif c.funding_source == "total":
                support_amount += _support_from_total(d, c, counter_cols, total_means)
            else:
                support_amount += amounts[c.index].amount_vnd
        for c, stage, year_c, source, phase in emitted:
            parsed = amounts[c.index]
            if c.funding_source == "total":
                parsed = ParsedAmount(_support_from_total(d, c, counter_cols, total_means), parsed.unit,
                                      parsed.flags)
            flags = set(parsed.flags) | set(row_flags_extra) if parsed.flags or row_flags_extra else set()
            gaps = [f for f, v in (("stage", stage != "unspecified"), ("year", year_c), ("province", province)) if not v]
            if gaps:
                flags.update(CONTEXT_FLAGS[f] for f in gaps)
                for f in gaps:
                    missing[f] += 1
                missing["context"] += 1
            if source == "unspecified":
                missing["funding_source"] += 1
            if gaps or source == "unspecified":
                missing["any"] += 1
            if unconfirmed:
                flags.add(UNCONFIRMED)
            if record_type == "project" and source != "counterpart" and program and year_c:
                breach = _ceiling_breach(program, source, int(year_c), parsed.amount_vnd,
                                         support_amount + counterpart_amount if counterpart_amount else None)
                if breach:
                    flags.add("above_ceiling")
                    warnings.append(f"row {d.index + 1}: above the support ceiling: {breach}")
            n_projects: int | None = 1
            if record_type == "allocation":
                n_projects = _pair_count(d, c, count_cols)
                if n_projects is None and has_count_lines:
                    n_projects = next((e.counts.get(c.index) for e in data
                                       if e.kind == "count" and e.parent == d.parent), None)
            value = d.raw[c.index]
            out_rows.append((  # in RECORD_COLUMNS order; transposed once in finish()
                int(year_c) if year_c else None, province, stage, phase, record_type, program, program_label, source,
                parsed.amount_vnd,
                n_projects, data[d.part_of].label if d.part_of >= 0 else d.label, dctx["beneficiary"], district,
                _printed(value),
                parsed.unit.label_vi if parsed.unit else "", ";".join(sorted(flags)) if flags else "",
                ctx.source_file, sheet.name, d.index + 1,
            ))
        outcome[d.index] = "record"

    n_records = len(out_rows)
    fields = [f for f in ("stage", "year", "province") if missing[f]]
    if n_records and missing["funding_source"] == n_records:
        fields.append("funding_source")
    if fields:
        notices.append(notice("context_missing", ctx.source_file, sheet.name, fields=fields,
                              rows=missing["any"] if "funding_source" in fields else missing["context"]))
    report["unspecified"] = {f: missing[f] for f in ("stage", "year", "province", "funding_source") if missing[f]}
    if failed_checks:
        notices.append(notice("reconcile_failed", ctx.source_file, sheet.name, checks=failed_checks))
    for entry in recon:
        if entry["ok"] is False:
            messages.append(
                f"{ctx.source_file} | sheet '{sheet.name}' | row {entry['row']} | column {entry['column']}: "
                f"declared {entry['declared']:,} đồng ≠ computed {entry['computed']:,} đồng ({entry['scope']})"
            )
    return finish()


_UNIT_PER_LINE = "theo từng dòng"


def _unit_column_states_all(rows: list[list[object]], layout: Layout, unit_col: Column, amount_cols: list[Column]) -> bool:
    """True when every line with an amount names its unit in the 'Đơn vị tính' column."""
    seen = False
    for row in rows[layout.first_data_row:]:
        if not any(c.index < len(row) and _reads_as_amount(row[c.index]) for c in amount_cols):
            continue
        if any(isinstance(v, str) and classify.classify_row_label(v) == "total" for v in row[:3]):
            continue  # a total line may leave the unit out
        cell = row[unit_col.index] if unit_col.index < len(row) else None
        if not isinstance(cell, str) or not cell.strip():
            return False
        if detect_unit(cell) is not None:
            seen = True  # else an indicator in người, mô hình …: not money, skipped line by line
    return seen


def _programme_column(rows: list[list[object]], layout: Layout, title_col: Column | None) -> Column | None:
    """A second text column ('Nội dung hỗ trợ' beside 'Tên đề án') whose cells name programmes: the programme of
    each line, when the titles themselves ('Đề án số 03/2024 hỗ trợ …') name none."""
    for c in layout.by_role("title"):
        if c is title_col:
            continue
        values = [_text(row[c.index]) for row in rows[layout.first_data_row : layout.first_data_row + 300]
                  if c.index < len(row) and isinstance(row[c.index], str) and row[c.index].strip()]
        if len(values) >= 2 and sum(1 for v in values if classify.classify_program(v)) >= 0.6 * len(values):
            return c
    return None


def _every_cell_states_its_unit(rows: list[list[object]], layout: Layout, amount_cols: list[Column]) -> bool:
    """True when every filled amount cell (first 300 lines) is text that names its unit ('1,2 tỷ đồng')."""
    seen = False
    for row in rows[layout.first_data_row : layout.first_data_row + 300]:
        for c in amount_cols:
            value = row[c.index] if c.index < len(row) else None
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if not isinstance(value, str) or detect_unit(value) is None:
                return False
            seen = True
    return seen


_PROJECT_UNIT_RE = re.compile(r"\s*(?:de an|du an|da|chuong trinh|nhiem vu)\s*")  # 'Đề án' in 'Đơn vị tính'
_INDICATOR_RE = re.compile(r"(?<![a-z])chi tieu(?![a-z])")
_PROJECT_TITLE_RE = re.compile(r"(?<![a-z])(?:de an|du an|ten|mo hinh)(?![a-z])")  # 'Tên đề án', 'Tên dự án'


def _lines_are_programmes(data: list[_Row], leaves: list[int], layout: Layout) -> bool:
    """A table of programme lines ('Đào tạo nghề', 'Mô hình trình diễn' under 'Chỉ tiêu' / 'Nội dung'), with no
    beneficiary, place or executor column and no project-title header: its lines allocate money to programmes,
    they are not single projects (n_projects unknown unless a count column says it)."""
    if not leaves or any(layout.first(role) for role in ("beneficiary", "place", "executor")):
        return False
    if layout.first("title") is None and layout.first("program") is None and layout.first("year") is not None:
        return True  # 'Năm | KCQG | KCĐP': one line per year, each the year's total
    title = layout.first("title") or layout.first("program")
    if title is None or _PROJECT_TITLE_RE.search(fold(title.label)):
        return False
    if _INDICATOR_RE.search(fold(title.label)):
        return True  # 'Chỉ tiêu': a report of indicators, whose money lines are the province's totals
    named = sum(1 for i in leaves if classify.classify_program(data[i].label))
    return named == len(leaves)


_PAGE_MARK_RE = re.compile(r"^(?:trang|page)\s*\d+(?:\s*/\s*\d+)?$")
_NUMBERING_STARTS = frozenset({"(1)", "1", "A", "(A)", "a", "(a)"})
_SECTION_YEAR_RE = re.compile(r"^(?:nam|nam ngan sach|ke hoach nam|thuc hien nam)?\s*(19[89]\d|20[0-4]\d)$")
_DISTRICT_GROUP_RE = re.compile(r"^(?:huyen|quan|thi xa|thanh pho|tp\.?|tx\.?)\s+\S")


def _section_year(label: str) -> int | None:
    """'NĂM 2022', '2023': a section row whose lines belong to that year."""
    found = _SECTION_YEAR_RE.match(fold(classify.strip_numbering(label)).strip(" .:"))
    return int(found.group(1)) if found else None


_PART_PREFIX_RE = re.compile(r"^[\s\-–+•*]*(?:trong do\s*:?\s*)?[\-–+•*]*\s*")


def _split_project_lines(data: list[_Row]) -> None:
    """A project line followed by '- Trong đó: KCQG', '- KCĐP', '- Vốn đối ứng' lines that add up to it: the
    source lines are the project's records (its title, place and programme, their source), the project line
    their check. Lines that do not add up are left as they are (and the sheet's totals will say so)."""
    i = 0
    while i < len(data):
        head = data[i]
        i += 1
        if head.kind != "data" or not head.amounts or not head.label:
            continue
        parts = []
        j = i
        while j < len(data) and data[j].kind in ("data", "breakdown") and not data[j].stt.strip("-–+•* "):
            bare = _PART_PREFIX_RE.sub("", fold(data[j].label))
            if not data[j].amounts or not bare or not classify.is_source_label(bare):
                break
            parts.append(data[j])
            j += 1
        if not parts or any(
            sum(p.amounts[k].amount_vnd for p in parts if k in p.amounts) != a.amount_vnd
            for k, a in head.amounts.items()
        ):
            continue
        for p in parts:
            p.kind = "data"
            p.part_of = data.index(head)
            p.label = _PART_PREFIX_RE.sub("", fold(p.label)) or p.label  # its source wording; the title is the head's
            p.ctx = {**head.ctx, "source": p.ctx.get("source", "")}
            p.level = (head.level if head.level >= 0 else 2.0) + 0.5
        if head.level < 0:
            head.level = 2.0  # numbered or not, the project line is the parent of its source lines
        i = j


_FILLED_ROLES = ("stt", "title", "program", "beneficiary", "executor", "place", "source", "stage", "province")


def _fill_merged_text(rows: list[list[object]], merged: list[tuple[int, int, int, int]], layout: Layout) -> list[list[object]]:
    """A text cell merged down over several data lines ('Lĩnh vực' over its projects, a project's title over its
    source lines) says the same thing on each of them. Amount and count cells are never copied: one merged
    amount is one amount."""
    text_cols = {c.index for c in layout.columns if c.role in _FILLED_ROLES}
    spans = [(r0, c0, r1, c1) for r0, c0, r1, c1 in merged
             if r1 > r0 and r0 >= layout.first_data_row and c0 in text_cols]
    if not spans:
        return rows
    rows = list(rows)
    for r0, c0, r1, c1 in spans:
        value = rows[r0][c0] if c0 < len(rows[r0]) else None
        if is_blank(value):
            continue
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = list(rows[r])
            for c in range(c0, c1 + 1):
                if c in text_cols:
                    row.extend([None] * (c + 1 - len(row)))
                    if is_blank(row[c]):
                        row[c] = value
            rows[r] = row
    return rows


def _count_line(r: int, stt: str, label: str, cells: list[object], amount_idx: list[int], level: float | None) -> _Row:
    """A 'Số đề án | Đề án' indicator line: its numbers are the project counts of its group's money line."""
    row = _Row(r, "count", stt, label)
    row.level = level if level is not None else 9.0
    for ci in amount_idx:
        value = cells[ci] if ci < len(cells) else None
        if not is_blank(value):
            count, problem = parse_count(value)
            if not problem:
                row.counts[ci] = count
    return row


def _same_group(total: Column, part: Column) -> bool:
    """A part of a 'Tổng' column: same stage and year (a 'Kế hoạch | Tổng' sums the plan's sources only)."""
    return (not total.stage or part.stage == total.stage) and (total.year is None or part.year == total.year)


def _parts_stand_in(total: Column, present: list[Column], support_cols: list[Column]) -> bool:
    """True when a line's own source amounts under this total are filled: they are the records, the total a
    check. A line whose parts are blank keeps its total as the record (flagged 'breakdown_missing')."""
    here = [c for c in present if _same_group(total, c)]
    if any(c.funding_source != "counterpart" for c in here):
        return True
    return bool(here) and not any(_same_group(total, c) for c in support_cols)


def _final_phase(emitted: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Of two amounts of one line with the same (year, stage, source) but different named phases, keep the final
    one (columns.PHASE_PREFERENCE); the other is the same money at an earlier phase. Same phase: kept (and
    rejected by the caller as two columns meaning the same thing)."""
    best: dict[tuple[Any, ...], tuple[int, str]] = {}
    for _, stage, year, source, phase in emitted:
        order = PHASE_PREFERENCE.get(stage, ())
        rank = order.index(phase) if phase in order else len(order)
        key = (year, stage, source)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, phase)
    phases = {key: {e[4] for e in emitted if (e[2], e[1], e[3]) == key} for key in best}
    return [e for e in emitted if len(phases[(e[2], e[1], e[3])]) == 1 or e[4] == best[(e[2], e[1], e[3])][1]]


def _stage_of(forced: str | None, c: Column, row_stage: tuple[str, str], ctx: SheetContext) -> tuple[str, str]:
    """(stage, phase) of an amount: command line → column header → row's stage cell → sheet → 'unspecified'."""
    if forced:
        return forced, ""
    if c.stage:
        return c.stage, c.phase
    if row_stage[0]:
        return row_stage
    if ctx.stage:
        return ctx.stage, ctx.phase
    return "unspecified", ""


def _mark_sum_columns(
    data: list[_Row], leaves: list[int], amount_cols: list[Column]
) -> list[tuple[Column, list[Column], int]]:
    """Amount columns that are the sum of other amount columns on every line where both are filled.

    Whatever its header says ('Tổng', 'Cộng', 'KP khuyến công hỗ trợ'), such a column is a check on the
    others, never a second record of the same money: it becomes a 'total' column (see total_means for
    whether it holds the support or the whole cost). Columns with a source of their own are only tested as
    sums of two or more others. Returns (column, its parts, lines checked) for the report.
    """
    found: list[tuple[Column, list[Column], int]] = []
    explicit = ("national", "local", "counterpart")
    ordered = sorted(amount_cols, key=lambda c: c.funding_source in explicit)  # generic columns first
    for c in ordered:
        if c.funding_source == "total":
            continue
        parts = [
            p for p in amount_cols
            if p is not c and p.funding_source != "total"
            and (not c.stage or p.stage == c.stage) and (c.year is None or p.year == c.year)
        ]
        if not parts or (c.funding_source in explicit and len(parts) < 2):
            continue
        support_parts = [p for p in parts if p.funding_source != "counterpart"]
        checked = 0
        for i in leaves:
            amounts = data[i].amounts
            own = amounts.get(c.index)
            if own is None or not own.amount_vnd or not any(p.index in amounts for p in parts):
                continue
            every = sum(amounts[p.index].amount_vnd for p in parts if p.index in amounts)
            support = sum(amounts[p.index].amount_vnd for p in support_parts if p.index in amounts)
            if own.amount_vnd not in (every, support):
                checked = -1
                break
            checked += 1
        comparable = sum(1 for i in leaves if c.index in data[i].amounts)
        if checked >= min(2, comparable) and checked > 0:
            c.funding_source = "total"
            found.append((c, parts, checked))
    return found


def _support_from_total(d: _Row, c: Column, counter_cols: list[Column], total_means: dict[int, str]) -> int:
    """State support in a line whose only support figure is the 'Tổng' column (breakdown left blank)."""
    declared = d.amounts[c.index].amount_vnd
    if total_means.get(c.index) == "cost":
        declared -= sum(d.amounts[k.index].amount_vnd for k in counter_cols if k.index in d.amounts)
    return declared


def _printed(value: object) -> str:
    if type(value) is int:
        return str(value)
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return _text(value)


def _resolve_source(d: _Row, c: Column, anc: list[_Row], ctx: SheetContext) -> str:
    """Column says it → row says it → enclosing group says it → sheet title says it → unspecified."""
    if c.funding_source in ("national", "local", "counterpart"):
        return c.funding_source
    dctx = d.ctx
    if dctx["source"]:
        return dctx["source"]
    if classify.is_source_label(d.label):
        return classify.classify_source(d.label)
    for a in anc:
        found = classify.classify_source(a.label)
        # a group 'A. Kinh phí khuyến công quốc gia' or 'B. Đề án khuyến công địa phương' names its lines' source
        if found and (classify.is_source_label(a.label) or not classify.classify_program(a.label)):
            return found
    if ctx.funding_source:
        return ctx.funding_source
    return "unspecified"


def _group_program(anc: list[_Row]) -> tuple[str, str] | None:
    """(code, label) of the nearest enclosing group whose label names a programme."""
    for a in anc:
        code = classify.classify_program(a.label)
        if code:
            return code, a.label
    return None


def _resolve_program(
    d: _Row, dctx: dict[str, Any], group: Callable[[], tuple[str, str] | None], record_type: str
) -> tuple[str, str]:
    """Programme column → (allocation) the line's own label → enclosing group → the project title.

    ``group`` gives the enclosing group's programme (see _group_program); it is only called when needed.
    """
    if dctx["program_cell"]:
        code = classify.classify_program(dctx["program_cell"])
        if code:
            return code, dctx["program_cell"]
    if record_type == "allocation":
        code = classify.classify_program(d.label)
        if code:
            return code, d.label
    found = group()
    if found is not None:
        return found
    code = classify.classify_program(d.label)
    return (code, d.label) if code else ("", "")


def _pair_count(d: _Row, c: Column, count_cols: list[Column]) -> int | None:
    """The 'Số đề án' that goes with an amount column: same stage and year, else the only one."""
    if not count_cols:
        return None
    same = [k for k in count_cols if k.stage == c.stage and k.year == c.year]
    if len(same) > 1:  # 'KCQG | Số đề án' and 'KCĐP | Số đề án': the count under the amount's own source
        same = [k for k in same if k.funding_source == c.funding_source] or [
            k for k in same if not k.funding_source]
    chosen = same[0] if len(same) == 1 else (count_cols[0] if len(count_cols) == 1 else None)
    if chosen is None:
        return None
    return d.counts.get(chosen.index)


def _check_formulas(sheet: Sheet, data: list[_Row], amount_cols: list[Column], warnings: list[str]) -> None:
    """Flag numbers typed over formulas (a total that is a constant where its siblings are formulas)."""
    if sheet.formula_without_value:
        warnings.append(
            f"{len(sheet.formula_without_value)} formula cell(s) without a cached value "
            "(file saved by a program that does not compute formulas): open and save it in Excel"
        )
    if not sheet.formula_cells:
        return
    summary_cells = [
        (d.index, c.index)
        for d in data
        if d.kind in ("total", "breakdown") or (d.kind == "data" and d.children)
        for c in amount_cols
        if c.index in d.amounts
    ]
    with_formula = [cell for cell in summary_cells if cell in sheet.formula_cells]
    typed = [cell for cell in summary_cells if cell not in sheet.formula_cells]
    if with_formula and typed:
        shown = ", ".join(f"{column_letter(c)}{r + 1}" for r, c in typed[:10])
        warnings.append(f"number typed over a formula? total/subtotal cells without a formula: {shown}")
