"""The sheet's steps in order: one table, or two (one below the other, or side by side), each read as
cells → columns → rows → amounts → tree → reconcile → records.

``process_table`` is the whole flow in a dozen lines; each step is a module of this package.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from ...messages import message
from ...text import is_blank
from .. import classify
from ..layout import Layout, next_table_start, side_by_side_split
from ..readers import Sheet
from .amounts import parse_amounts
from .cells import fill_merged_text, is_number
from .columns import plan_columns, sheet_layout
from .model import SheetContext, SheetResult, Table
from .reconcile import reconcile_table
from .records import emit_records
from .rows import read_lines
from .tree import build_tree


def process_table(sheet: Sheet, ctx: SheetContext, layout: Layout | None = None) -> SheetResult:
    """One table of a sheet → records, skips, rejects and reconciliation."""
    table = Table(sheet, ctx)
    if not _readable(table):
        return table.finish()
    if layout is None:
        layout = sheet_layout(sheet, ctx)
    if layout is None:
        return _no_header(table)
    _above_the_table(table, layout)
    plan = plan_columns(table, layout)
    if plan is None:
        return table.finish()
    table.rows = fill_merged_text(table.rows, sheet.merged, layout)
    data = read_lines(table, layout, plan)
    parse_amounts(data, plan)
    leaves = build_tree(table, data)
    sums = reconcile_table(table, data, leaves, plan.amount)
    emit_records(table, data, leaves, plan, layout, sums)
    return table.finish()


def _readable(table: Table) -> bool:
    """A chart sheet, or a hidden sheet not asked for: every row skipped with that reason."""
    sheet, rows = table.sheet, table.rows
    if sheet.kind != "worksheet":
        for r in range(len(rows)):
            table.skip(r, "chart_sheet")
        table.warn("warn.not_worksheet", kind=sheet.kind)
        return False
    if sheet.hidden and not table.ctx.include_hidden:
        for r in range(len(rows)):
            table.skip(r, "blank" if all(is_blank(c) for c in rows[r]) else "hidden_sheet")
        if any(o == "hidden_sheet" for o in table.outcome):
            table.warn("warn.hidden_sheet")
        return False
    return True


def _no_header(table: Table) -> SheetResult:
    """No header found: rows with numbers are rejected (they may be money), the rest skipped."""
    rows = table.rows
    numeric = sum(1 for row in rows for c in row if is_number(c))
    for r in range(len(rows)):
        if all(is_blank(c) for c in rows[r]):
            table.skip(r, "blank")
        elif numeric >= 3:
            table.reject(r, message("reason.no_header"))
        else:
            table.skip(r, "no_table")
    if any(o != "blank" for o in table.outcome):
        table.warn("warn.no_header")
    return table.finish()


def _above_the_table(table: Table, layout: Layout) -> None:
    """Title, unit and header rows, and anything else above the first data row."""
    for r in layout.title_rows:
        table.skip(r, "title")
    for r in layout.unit_rows:
        table.skip(r, "unit")
    for r in layout.header_rows:
        table.skip(r, "header")
    for r in range(layout.first_data_row):
        if not table.outcome[r]:
            table.skip(r, "blank" if all(is_blank(c) for c in table.rows[r]) else "title")


def process_sheet(sheet: Sheet, ctx: SheetContext, layout: Layout | None = None) -> SheetResult:
    """Turn one sheet into records/skips/rejects with reconciliation (see module docstring).

    A sheet holding a second table below the first ('Biểu 2' with its own header) is read as two tables:
    the first on the lines above the second header, the second on the rest; every line is counted once.
    """
    if layout is None and sheet.kind == "worksheet" and not (sheet.hidden and not ctx.include_hidden):
        layout = sheet_layout(sheet, ctx)
    split = side_by_side_split(layout) if layout is not None and not ctx.header_rows else None
    if split is not None:
        return side_by_side(sheet, ctx, layout, split)
    start = next_table_start(sheet.rows, layout) if layout is not None and not ctx.header_rows else None
    if start is None:
        return process_table(sheet, ctx, layout)
    above = replace(sheet, rows=sheet.rows[:start])
    below_rows: list[list[object]] = [[] for _ in range(start)] + sheet.rows[start:]
    below = replace(sheet, rows=below_rows)
    first = process_table(above, ctx, sheet_layout(above, ctx))
    below_layout = sheet_layout(below, ctx)
    if below_layout is not None and below_layout.unit is None and layout.unit is not None:
        below_layout.unit, below_layout.unit_source = layout.unit, layout.unit_source  # the sheet's 'ĐVT' line
    second = process_table(below, ctx, below_layout)
    return merge_tables(first, second, start, len(sheet.rows))

def side_by_side(sheet: Sheet, ctx: SheetContext, layout: Layout, split: int) -> SheetResult:
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
        results.append(process_table(part, part_ctx, part_layout))
    a, b = results
    outcome = [first_bucket(x, y) for x, y in zip(a.outcome, b.outcome, strict=True)]
    merged = merge_tables(a, b, 0, len(sheet.rows))
    counts = Counter(outcome)
    merged.report.update(
        skipped={k or "blank": n for k, n in counts.items() if k not in ("record", "reject")},
        records=counts.get("record", 0), rejected=counts.get("reject", 0), tables=2,
    )
    merged.outcome = outcome
    return merged

def first_bucket(left: str, right: str) -> str:
    """A line of two side-by-side tables: a record if either records it, else rejected if either rejects it,
    else the left table's reason (its own text) unless it is blank there."""
    for bucket in ("record", "reject"):
        if bucket in (left, right):
            return bucket
    return left if left not in ("", "blank") else right

def merge_tables(first: SheetResult, second: SheetResult, start: int, n_rows: int) -> SheetResult:
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
              "warning_codes": a["warning_codes"] + [c for w, c in zip(b["warnings"], b["warning_codes"], strict=True)
                                                     if w not in a["warnings"]],
              "notices": a.get("notices", []) + b.get("notices", []),
              "columns": a["columns"] + b["columns"], "tables": 2,
              "confirmed": a.get("confirmed", True) and b.get("confirmed", True)}
    unspecified = dict(a.get("unspecified", {}))
    for k, v in b.get("unspecified", {}).items():
        unspecified[k] = unspecified.get(k, 0) + v
    report["unspecified"] = unspecified
    return SheetResult(records, first.rejects + second.rejects, report, first.messages + second.messages,
                       first.outcome + second.outcome[start:], first.lines + second.lines)

