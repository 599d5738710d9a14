"""One sheet → records, skipped rows, rejects and a reconciliation report.

This is the heart of the cleaning: it walks the rows under the header found by ``layout``, tells project
lines from programme groups, subtotals, totals and notes (by their numbering and wording, never by position),
parses every amount exactly, and reconciles each subtotal and total with the records under it.
Every row read ends in exactly one bucket: record, skipped (with a reason) or rejected (with a reason).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from . import classify
from .layout import Column, Layout, column_letter, find_layout
from .numbers import UNITS, ParsedAmount, Unit, detect_unit, parse_amount, parse_count
from .readers import Sheet
from .schema import COLUMNS
from .text import fold, is_blank, nfc

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
)

SUPPORT_SOURCES = ("national", "local", "unspecified", "other")


@dataclass
class SheetContext:
    """What is known about a sheet before reading its rows (from CLI, overrides, titles and names)."""

    source_file: str
    province: str = ""
    year: int | None = None
    stage: str = ""
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


@dataclass
class _Row:
    index: int  # 0-based
    kind: str  # data, total, breakdown, note, blank
    stt: str = ""
    label: str = ""
    level: float = 5.0
    amounts: dict[int, ParsedAmount] = field(default_factory=dict)
    raw: dict[int, object] = field(default_factory=dict)
    counts: dict[int, int | None] = field(default_factory=dict)
    error: str = ""
    parent: int = -1  # position in the data list
    children: int = 0
    ctx: dict[str, Any] = field(default_factory=dict)


_ROMAN_RE = re.compile(r"^(?=[IVXL])(X{0,3})(IX|IV|V?I{0,3})$")
_ARABIC_RE = re.compile(r"^\d{1,4}\.?$")
_DOTTED_RE = re.compile(r"^\d{1,3}(\.\d{1,3})+\.?$")
_LETTER_RE = re.compile(r"^[A-H]\.?$")
_SUBLETTER_RE = re.compile(r"^([a-zđ]\.?|[a-z]\)|[-+*•–])$")
_DATE_LINE_RE = re.compile(r"ngay\s*\.*\s*\d*\s*thang\s*\.*\s*\d*\s*nam\s*\d{0,4}")
_SIGNATURE_RE = re.compile(r"^(kt\.|tm\.|tl\.|q\.|p\.)?\s*(giam doc|pho giam doc|truong phong|nguoi lap|ke toan)")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return nfc(value)
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
    if not isinstance(value, str) or not re.search(r"\d", value):
        return False
    parsed = parse_amount(value, UNITS["dong"])
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


def _ceiling_breach(program: str, source: str, year: int, amount: int, cost: int | None) -> str:
    for rule in _ceilings():
        if rule["program"] == program and rule["funding_source"] == source and rule["from"] <= year <= rule["to"]:
            if amount > rule["max_vnd"]:
                return f"{amount:,} > {rule['max_vnd']:,} đồng ({rule['source']})"
            if rule["max_share"] and cost and amount > rule["max_share"] * cost + 1:
                return f"{amount / cost:.0%} of cost > {rule['max_share']:.0%} ({rule['source']})"
    return ""


def _infer_unit(rows: list[list[object]], layout: Layout, amount_cols: list[Column]) -> Unit:
    """No unit anywhere: big numbers are đồng, small ones triệu đồng (flagged 'unit_assumed')."""
    values = []
    for r in range(layout.first_data_row, min(len(rows), layout.first_data_row + 500)):
        row = rows[r]
        for col in amount_cols:
            if col.index < len(row) and _is_number(row[col.index]) and row[col.index] > 0:
                values.append(float(row[col.index]))
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
        for r in range(layout.first_data_row, min(len(rows), layout.first_data_row + 300)):
            value = rows[r][c.index] if c.index < len(rows[r]) else None
            if is_blank(value):
                continue
            if _is_number(value):
                readable += 1
                continue
            parsed = parse_amount(value, UNITS["dong"])
            if parsed.error:
                unreadable += 1
            elif parsed.amount_vnd is not None:
                readable += 1
        if unreadable > 2 * readable and readable <= 2:
            c.role = "other"
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
    from .layout import _header_grid, build_columns

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
    """Turn one sheet into records/skips/rejects with reconciliation (see module docstring)."""
    rows = sheet.rows
    n_rows = len(rows)
    records: dict[str, list[Any]] = {k: [] for k in RECORD_COLUMNS}
    rejects: list[dict[str, Any]] = []
    messages: list[str] = []
    skipped: dict[str, int] = {}
    warnings: list[str] = []
    outcome: list[str] = [""] * n_rows

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
        for r in range(n_rows):
            reason = outcome[r] or "blank"
            if reason == "record" or reason == "reject":
                continue
            skipped[reason] = skipped.get(reason, 0) + 1
        report["records"] = sum(1 for o in outcome if o == "record")
        report["rejected"] = sum(1 for o in outcome if o == "reject")
        report["amount_records"] = len(records["amount_vnd"])
        return SheetResult(records, rejects, report, messages)

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
    if unit is None and not all(c.unit for c in amount_cols):
        unit = _infer_unit(rows, layout, amount_cols)
        assumed = True
        unit_from = "assumed"
        warnings.append(f"no unit stated (ĐVT); assumed {unit.label_vi} from the size of the numbers")
    report["unit"] = unit.label_vi if unit else ""
    report["unit_from"] = unit_from

    def col(role: str) -> Column | None:
        return layout.first(role)

    stt_col, title_col = col("stt"), col("title")
    program_col, benef_col, place_col = col("program"), col("beneficiary"), col("place")
    source_col, stage_col, year_col = col("source"), col("stage"), col("year")
    province_col, unit_col = col("province"), col("unit")
    text_cols = [
        c.index for c in layout.columns if c.role in ("title", "program", "source", "beneficiary", "executor")
    ]

    data: list[_Row] = []
    in_notes = False
    for r in range(layout.first_data_row, n_rows):
        cells = rows[r]
        if all(is_blank(c) for c in cells):
            skip(r, "blank")
            continue
        width = len(cells)

        def cell(c: Column | None, _cells: list[object] = cells, _w: int = width) -> object:
            return _cells[c.index] if c is not None and c.index < _w else None

        stt = _text(cell(stt_col))
        label = _text(cell(title_col))
        if not label:
            label = _text(cell(program_col))
        if not label:
            for idx in text_cols:
                if idx < width and isinstance(cells[idx], str) and cells[idx].strip():
                    label = _text(cells[idx])
                    break
        lead = next((_text(c) for c in cells if isinstance(c, str) and c.strip()), "")
        stt_level = _level(stt)
        stt_is_label = bool(stt) and stt_level is None and not re.fullmatch(r"[\d.,\s]+", stt)
        if not label and stt_is_label:
            label = stt
        row_kind = classify.classify_row_label(stt if stt_is_label else "") or classify.classify_row_label(
            label or lead
        )
        folded_lead = fold(lead)
        has_number = any(c.index < width and _reads_as_amount(cells[c.index]) for c in amount_cols)
        if not has_number and (
            row_kind == "note" or _DATE_LINE_RE.search(folded_lead) or _SIGNATURE_RE.match(folded_lead)
        ):
            in_notes = True
            skip(r, "note")
            continue
        if in_notes and not has_number:
            skip(r, "note")
            continue
        row = _Row(index=r, kind="data", stt=stt, label=label)
        if row_kind in ("total", "breakdown"):
            row.kind = row_kind
        elif (
            data
            and data[-1].kind in ("total", "breakdown")
            and stt_level != 2.0
            and classify.is_source_label(label)
        ):
            row.kind = "breakdown"  # '- KCQG' lines under 'Tổng cộng' / 'Trong đó:'
        row.level = stt_level if stt_level is not None else -1.0
        for c in amount_cols:
            value = cell(c)
            if is_blank(value):
                continue
            row.raw[c.index] = value
        for c in count_cols:
            value = cell(c)
            if is_blank(value):
                continue
            count, problem = parse_count(value)
            if problem:
                row.error = row.error or f"cannot read the number of projects: {problem}"
                row.raw.setdefault(-1 - c.index, value)
            row.counts[c.index] = count
        # per-row unit column, if any
        row_unit = detect_unit(_text(cell(unit_col))) if unit_col is not None else None
        for c in amount_cols:
            if c.index not in row.raw:
                continue
            value = row.raw[c.index]
            applied = row_unit or c.unit or unit
            if type(value) is int and applied is not None and 0 <= value < 10**15:
                parsed = ParsedAmount(value * applied.multiplier, applied, ())  # fast path: whole number in a unit
            else:
                parsed = parse_amount(value, applied)
            if parsed.error:
                row.error = row.error or f"{parsed.error} (column {c.letter} '{c.label}')"
                row.raw[-1000 - c.index] = value
                continue
            if parsed.amount_vnd is None:
                continue
            if parsed.amount_vnd < 0:
                row.error = row.error or f"negative amount (column {c.letter} '{c.label}')"
                row.raw[-1000 - c.index] = value
                continue
            if assumed and not row_unit and not c.unit and "unit_in_cell" not in parsed.flags:
                parsed = ParsedAmount(parsed.amount_vnd, parsed.unit, tuple(sorted({*parsed.flags, "unit_assumed"})))
            row.amounts[c.index] = parsed
        row.ctx = {
            "source": classify.classify_source(_text(cell(source_col))) if source_col else "",
            "stage": classify.detect_stage(_text(cell(stage_col))) if stage_col else "",
            "year": classify.detect_year(_text(cell(year_col))) if year_col else None,
            "province": classify.detect_province(_text(cell(province_col))) if province_col else "",
            "beneficiary": _text(cell(benef_col)),
            "place": _text(cell(place_col)),
            "program_cell": _text(cell(program_col)) if program_col and program_col is not title_col else "",
        }
        data.append(row)

    if not any(d.kind == "data" and d.amounts for d in data):
        # a summary whose only lines sit under its total ('Tổng cộng', then 'KCQG', 'KCĐP'): those are the lines
        for d in data:
            if d.kind == "breakdown" and not fold(d.label).startswith("trong do"):
                d.kind = "data"
    # --- hierarchy: numbering gives levels; unnumbered labelled rows are groups only when numbered rows follow
    has_arabic = any(d.level == 2.0 for d in data if d.kind == "data")
    for i, d in enumerate(data):
        if d.kind != "data" or d.level >= 0:
            continue
        nxt = next((e for e in data[i + 1 :] if e.kind == "data"), None)
        groupish = bool(classify.classify_program(d.label) or classify.classify_source(d.label))
        if has_arabic and nxt is not None and nxt.level >= 2.0 and groupish and not d.ctx["beneficiary"]:
            d.level = 1.5
        else:
            d.level = 9.0
    stack: list[int] = []
    for i, d in enumerate(data):
        if d.kind != "data":
            if d.kind == "total" and not re.search(r"\b([a-h]|[ivx]+|\d+)$", fold(d.label)):
                stack.clear()
            continue
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
            bad_col = next((k for k in d.raw if k <= -1000), None)
            column = column_letter(-1000 - bad_col) if bad_col is not None else ""
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

    split_cols = [c for c in amount_cols if c.funding_source != "total"]
    total_cols = [c for c in amount_cols if c.funding_source == "total"]
    leaf_set = set(leaves)

    def column_sum(indices: list[int], c: Column) -> int:
        return sum(data[i].amounts[c.index].amount_vnd for i in indices if c.index in data[i].amounts)

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
    for tc in total_cols:
        votes = {"support": 0, "cost": 0}
        for i in leaves:
            d = data[i]
            if tc.index not in d.amounts or not any(c.index in d.amounts for c in support_cols):
                continue
            support = sum(d.amounts[c.index].amount_vnd for c in support_cols if c.index in d.amounts)
            counter = sum(d.amounts[c.index].amount_vnd for c in counter_cols if c.index in d.amounts)
            declared = d.amounts[tc.index].amount_vnd
            if declared == support and counter:
                votes["support"] += 1
            elif declared == support + counter and counter:
                votes["cost"] += 1
        total_means[tc.index] = "cost" if votes["cost"] > votes["support"] else "support"

    # --- records
    is_allocation_sheet = bool(count_cols)
    for i in leaves:
        d = data[i]
        dctx = d.ctx
        anc = ancestors(i)
        present_split = [c for c in split_cols if c.index in d.amounts]
        support_present = any(c.index in d.amounts for c in support_cols)
        year = ctx.forced.get("year") or dctx["year"] or ctx.year
        province = ctx.forced.get("province") or dctx["province"] or ctx.province
        if not year or not province:
            missing = "year" if not year else "province"
            reject(d.index, f"{missing} unknown: not in the title, sheet or file name (use --{missing})")
            continue
        record_type = "allocation" if is_allocation_sheet or classify.is_source_label(d.label) else "project"
        program, program_label = _resolve_program(d, dctx, anc, record_type)
        district = classify.normalise_district(dctx["place"]) if dctx["place"] else ""
        emitted = []
        row_flags_extra: list[str] = []
        for c in amount_cols:
            if c.index not in d.amounts:
                continue
            if c.funding_source == "total" and (support_present or (present_split and not support_cols)):
                continue
            stage = ctx.forced.get("stage") or c.stage or dctx["stage"] or ctx.stage
            if not stage:
                reject(d.index, "plan or actual unknown: no 'kế hoạch'/'thực hiện' in title, header or file name "
                       "(use --stage)")
                emitted = None
                break
            source = _resolve_source(d, c, anc, ctx)
            if c.funding_source == "total" and split_cols:
                row_flags_extra = ["breakdown_missing"]
            emitted.append((c, stage, c.year or year, source))
        if emitted:
            emitted = [e for e in emitted if not (e[0].funding_source == "total" and _support_from_total(
                d, e[0], counter_cols, total_means) <= 0)]
        if emitted is None:
            continue
        # the same (year, stage, source) twice on one line: two columns meaning the same thing
        keys = [(y, s, src) for _, s, y, src in emitted]
        if len(keys) != len(set(keys)):
            reject(d.index, "two amount columns on this line mean the same source and stage; "
                   "map them in khuyencong.yaml")
            continue
        # row total check
        for tc in total_cols:
            if tc.index in d.amounts and present_split:
                declared = d.amounts[tc.index].amount_vnd
                every = sum(d.amounts[c.index].amount_vnd for c in present_split)
                support = sum(d.amounts[c.index].amount_vnd for c in present_split if c.funding_source != "counterpart")
                if declared not in (every, support):
                    warnings.append(f"row {d.index + 1}: column {tc.letter} total {declared:,} ≠ sum of its parts "
                                    f"{every:,}")
        support_amount = sum(
            _support_from_total(d, c, counter_cols, total_means) if c.funding_source == "total"
            else d.amounts[c.index].amount_vnd
            for c, _, _, s in emitted if s != "counterpart"
        )
        counterpart_amount = sum(d.amounts[c.index].amount_vnd for c, _, _, s in emitted if s == "counterpart")
        for c, stage, year_c, source in emitted:
            parsed = d.amounts[c.index]
            if c.funding_source == "total":
                parsed = ParsedAmount(_support_from_total(d, c, counter_cols, total_means), parsed.unit,
                                      parsed.flags)
            flags = set(parsed.flags) | set(row_flags_extra)
            if record_type == "project" and source != "counterpart" and program:
                breach = _ceiling_breach(program, source, int(year_c), parsed.amount_vnd,
                                         support_amount + counterpart_amount if counterpart_amount else None)
                if breach:
                    flags.add("above_ceiling")
                    warnings.append(f"row {d.index + 1}: above the support ceiling: {breach}")
            n_projects: int | None = 1
            if record_type == "allocation":
                n_projects = _pair_count(d, c, count_cols)
            value = d.raw[c.index]
            records["year"].append(int(year_c))
            records["province"].append(province)
            records["stage"].append(stage)
            records["record_type"].append(record_type)
            records["program"].append(program)
            records["program_label"].append(program_label)
            records["funding_source"].append(source)
            records["amount_vnd"].append(parsed.amount_vnd)
            records["n_projects"].append(n_projects)
            records["title"].append(d.label)
            records["beneficiary"].append(dctx["beneficiary"])
            records["district"].append(district)
            records["value_as_printed"].append(_printed(value))
            records["unit_as_printed"].append(parsed.unit.label_vi if parsed.unit else "")
            records["flags"].append(";".join(sorted(flags)))
            records["source_file"].append(ctx.source_file)
            records["source_sheet"].append(sheet.name)
            records["source_row"].append(d.index + 1)
        outcome[d.index] = "record"

    for entry in recon:
        if entry["ok"] is False:
            messages.append(
                f"{ctx.source_file} | sheet '{sheet.name}' | row {entry['row']} | column {entry['column']}: "
                f"declared {entry['declared']:,} đồng ≠ computed {entry['computed']:,} đồng ({entry['scope']})"
            )
    return finish()


def _support_from_total(d: _Row, c: Column, counter_cols: list[Column], total_means: dict[int, str]) -> int:
    """State support in a line whose only support figure is the 'Tổng' column (breakdown left blank)."""
    declared = d.amounts[c.index].amount_vnd
    if total_means.get(c.index) == "cost":
        declared -= sum(d.amounts[k.index].amount_vnd for k in counter_cols if k.index in d.amounts)
    return declared


def _printed(value: object) -> str:
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
        if found and classify.is_source_label(a.label):
            return found
    if ctx.funding_source:
        return ctx.funding_source
    return "unspecified"


def _resolve_program(d: _Row, dctx: dict[str, Any], anc: list[_Row], record_type: str) -> tuple[str, str]:
    """Programme column → (allocation) the line's own label → enclosing group → the project title."""
    if dctx["program_cell"]:
        code = classify.classify_program(dctx["program_cell"])
        if code:
            return code, dctx["program_cell"]
    if record_type == "allocation":
        code = classify.classify_program(d.label)
        if code:
            return code, d.label
    for a in anc:
        code = classify.classify_program(a.label)
        if code:
            return code, a.label
    code = classify.classify_program(d.label)
    return (code, d.label) if code else ("", "")


def _pair_count(d: _Row, c: Column, count_cols: list[Column]) -> int | None:
    """The 'Số đề án' that goes with an amount column: same stage and year, else the only one."""
    if not count_cols:
        return None
    same = [k for k in count_cols if k.stage == c.stage and k.year == c.year]
    chosen = same[0] if same else (count_cols[0] if len(count_cols) == 1 else None)
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
