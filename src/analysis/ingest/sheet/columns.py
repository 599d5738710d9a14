"""Columns step: which columns hold money, counts and text, and in which unit — decided once per table.

Where the unit is decided: ``resolve_unit`` (override → the sheet's own 'ĐVT' line or header, found by
``layout`` → a 'Đơn vị tính' column stating it on every line → units stated in every cell → assumed from the
size of the numbers, flagged). Where the header is found: ``sheet_layout`` (``layout.find_layout``, or the
rows named in ``khuyencong.yaml``).
"""

from __future__ import annotations

from collections import Counter

from ...text import fold, is_blank
from .. import classify
from ..layout import Column, Layout, build_columns, find_layout, header_grid
from ..numbers import UNITS, Unit, detect_unit, memo_amount, parse_amount
from ..readers import Sheet
from .cells import HAS_DIGIT_RE, as_text, is_number, reads_as_amount
from .model import ColumnPlan, SheetContext, Table
from .words import page_mark_re

_TEXT_ROLES = ("title", "program", "source", "beneficiary", "executor")
_ROLES = ("stt", "title", "program", "beneficiary", "place", "source", "stage", "year", "province", "unit")


def plan_columns(table: Table, layout: Layout) -> ColumnPlan | None:
    """The amount, count and text columns of the table and its unit; None (rows skipped, reason in the
    report) when no column holds amounts."""
    rows, report = table.rows, table.report
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
        table.skip_rest(layout.first_data_row, "no_table")
        table.warn("warn.no_amount_column")
        return None
    amount_cols = drop_text_columns(table, layout, amount_cols)
    if not amount_cols:
        table.skip_rest(layout.first_data_row, "no_table")
        table.warn("warn.amounts_are_text")
        return None
    unit, assumed = resolve_unit(table, layout, amount_cols)
    roles = {role: layout.first(role) for role in _ROLES}
    if roles["program"] is None:
        roles["program"] = programme_column(rows, layout, roles["title"])
    text_idx = [c.index for c in layout.columns if c.role in _TEXT_ROLES]
    return ColumnPlan(amount_cols, count_cols, unit, assumed, roles, text_idx)


def resolve_unit(table: Table, layout: Layout, amount_cols: list[Column]) -> tuple[Unit | None, bool]:
    """The unit amounts are read in (one place), recorded in the report; True when it was assumed."""
    rows, ctx = table.rows, table.ctx
    unit = ctx.unit or layout.unit
    unit_from = "override" if ctx.unit else layout.unit_source
    assumed = False
    unit_column = layout.first("unit")
    if unit is None and unit_column is not None and unit_column_states_all(rows, layout, unit_column, amount_cols):
        unit_from = "unit column"  # 'Đơn vị tính' on every line with an amount: read per line, nothing assumed
    elif unit is None and every_cell_states_its_unit(rows, layout, amount_cols):
        unit_from = "cell"  # '932.000 nghìn đồng' in every amount cell: nothing to assume
    elif unit is None and not all(c.unit for c in amount_cols):
        unit = infer_unit(rows, layout, amount_cols)
        assumed = True
        unit_from = "assumed"
        table.warn("warn.unit_assumed", unit=unit.label_vi)
    table.report["unit"] = unit.label_vi if unit else ("" if unit_from != "unit column" else UNIT_PER_LINE)
    table.report["unit_from"] = unit_from
    return unit, assumed


UNIT_PER_LINE = "theo từng dòng"

def apply_column_map(layout: Layout, column_map: dict[str, str]) -> None:
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

def layout_from_override(rows: list[list[object]], ctx: SheetContext, merged: list) -> Layout | None:
    first, last = ctx.header_rows[0] - 1, ctx.header_rows[-1] - 1
    if first < 0 or last >= len(rows):
        return None
    header = header_grid(rows, first, last, merged)
    columns = build_columns(header, ctx.unit)
    return Layout(
        header_rows=list(range(first, last + 1)),
        first_data_row=last + 1,
        columns=columns,
        unit=ctx.unit,
        unit_source="override" if ctx.unit else "",
        title_rows=[r for r in range(first) if any(not is_blank(c) for c in rows[r])],
        title_text=" ".join(as_text(c) for r in range(first) for c in rows[r] if not is_blank(c)),
    )

def sheet_layout(sheet: Sheet, ctx: SheetContext) -> Layout | None:
    """The layout of a sheet, honouring overrides."""
    if ctx.header_rows:
        layout = layout_from_override(sheet.rows, ctx, sheet.merged)
    else:
        layout = find_layout(sheet.rows, sheet.merged)
    if layout is not None and ctx.column_map:
        apply_column_map(layout, ctx.column_map)
    return layout

def drop_text_columns(table: Table, layout: Layout, amount_cols: list[Column]) -> list[Column]:
    """An 'amount' column whose cells are words ('Đã nghiệm thu') is a remark column: stop treating it as money."""
    rows = table.rows
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
            if t is str and (page_mark_re().match(fold(value)) or fold(value) == folded_label):
                continue  # 'Trang 1/3', or the header printed again after a page break
            if is_number(value):
                readable += 1
                continue
            parsed = memo_amount(value, UNITS["dong"]) if t is str else parse_amount(value, UNITS["dong"])
            if parsed.error:
                unreadable += 1
            elif parsed.amount_vnd is not None:
                readable += 1
        if unreadable > 2 * readable and readable <= 2:
            c.role = "other"
            if not c.guessed:
                table.warn("warn.text_column", column=c.letter, label=c.label)
        else:
            kept.append(c)
    return kept

def infer_unit(rows: list[list[object]], layout: Layout, amount_cols: list[Column]) -> Unit:
    """No unit for the sheet: the unit its own cells state most ('1 234 567 đ' beside bare '263 730 500'), else
    big numbers are đồng and small ones triệu đồng (flagged 'unit_assumed')."""
    values: list[float] = []
    stated: Counter[str] = Counter()
    for r in range(layout.first_data_row, min(len(rows), layout.first_data_row + 500)):
        row = rows[r]
        for col in amount_cols:
            value = row[col.index] if col.index < len(row) else None
            if is_number(value) and value > 0:  # type: ignore[operator]
                values.append(float(value))  # type: ignore[arg-type]
            elif isinstance(value, str) and HAS_DIGIT_RE.search(value):
                found = detect_unit(value)
                if found is not None:
                    stated[found.key] += 1
                else:
                    parsed = memo_amount(value, UNITS["dong"])
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

def unit_column_states_all(rows: list[list[object]], layout: Layout, unit_col: Column, amount_cols: list[Column]) -> bool:
    """True when every line with an amount names its unit in the 'Đơn vị tính' column."""
    seen = False
    for row in rows[layout.first_data_row:]:
        if not any(c.index < len(row) and reads_as_amount(row[c.index]) for c in amount_cols):
            continue
        if any(isinstance(v, str) and classify.classify_row_label(v) == "total" for v in row[:3]):
            continue  # a total line may leave the unit out
        cell = row[unit_col.index] if unit_col.index < len(row) else None
        if not isinstance(cell, str) or not cell.strip():
            return False
        if detect_unit(cell) is not None:
            seen = True  # else an indicator in người, mô hình …: not money, skipped line by line
    return seen

def every_cell_states_its_unit(rows: list[list[object]], layout: Layout, amount_cols: list[Column]) -> bool:
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

def programme_column(rows: list[list[object]], layout: Layout, title_col: Column | None) -> Column | None:
    """A second text column ('Nội dung hỗ trợ' beside 'Tên đề án') whose cells name programmes: the programme of
    each line, when the titles themselves ('Đề án số 03/2024 hỗ trợ …') name none."""
    for c in layout.by_role("title"):
        if c is title_col:
            continue
        values = [as_text(row[c.index]) for row in rows[layout.first_data_row : layout.first_data_row + 300]
                  if c.index < len(row) and isinstance(row[c.index], str) and row[c.index].strip()]
        if len(values) >= 2 and sum(1 for v in values if classify.classify_program(v)) >= 0.6 * len(values):
            return c
    return None
