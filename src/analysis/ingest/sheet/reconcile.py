"""Reconcile step: every subtotal, total and source breakdown the sheet declares, checked against the lines
under it — reported, never patched. Also: a column that is the sum of others is a check, not money
(``mark_sum_columns``), and what a 'Tổng' column means (support only, or the whole cost).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...messages import Message, english, has, message
from .. import classify
from ..layout import Column, column_letter
from ..notices import notice
from .model import Row, Table
from .resolve import resolve_source
from .tree import ancestors, leaf_descendants

_SHEET = message("scope.sheet")


@dataclass
class SumColumns:
    """The amount columns split by what they hold, after the sum columns were found."""

    split: list[Column]  # one source each (or none named)
    total: list[Column]  # sums of others: checks
    support: list[Column]  # split columns of support (not counterpart)
    counter: list[Column]  # counterpart columns
    total_means: dict[int, str]  # total column → 'support' or 'cost'
    col_values: dict[int, list[int]]  # column → amount of each line (0 when blank)


def reconcile_table(table: Table, data: list[Row], leaves: list[int], amount_cols: list[Column]) -> SumColumns:
    """Find the sum columns, then check every declared sum against its lines (into the report)."""
    for c, parts, checked in mark_sum_columns(data, leaves, amount_cols):
        table.notices.append(notice("sum_column", table.ctx.source_file, table.sheet.name, column=c.letter,
                                    label=c.label, parts=[p.letter for p in parts], rows_checked=checked))
        for entry in table.report["columns"]:
            if entry["column"] == c.letter:
                entry["funding_source"] = "total"
    split_cols = [c for c in amount_cols if c.funding_source != "total"]
    total_cols = [c for c in amount_cols if c.funding_source == "total"]
    # amount of each data line per column, as plain ints (reconciliation sums them many times)
    col_values: dict[int, list[int]] = {
        c.index: [a.amount_vnd if (a := d.amounts.get(c.index)) is not None else 0 for d in data]
        for c in amount_cols
    }
    checker = _Checker(table, data, leaves, amount_cols, col_values)
    checker.subtotals()
    checker.totals()
    if not any(d.kind in ("total", "unlabelled") for d in data) and leaves:
        table.warn("warn.no_total_row")
    check_formulas(table, data, amount_cols)
    support_cols = [c for c in split_cols if c.funding_source != "counterpart"]
    counter_cols = [c for c in split_cols if c.funding_source == "counterpart"]
    means = _total_means(data, leaves, total_cols, support_cols, counter_cols, col_values)
    return SumColumns(split_cols, total_cols, support_cols, counter_cols, means, col_values)


class _Checker:
    """Declared sums against computed ones, each check one line of ``report['reconciliation']``."""

    def __init__(self, table: Table, data: list[Row], leaves: list[int], amount_cols: list[Column],
                 col_values: dict[int, list[int]]) -> None:
        self.table, self.data, self.leaves, self.amount_cols = table, data, leaves, amount_cols
        self.col_values = col_values
        self.leaf_set = set(leaves)
        self.recon: list[dict] = table.report["reconciliation"]

    def column_sum(self, indices: list[int], c: Column) -> int:
        values = self.col_values[c.index]
        return sum([values[i] for i in indices])

    def check(self, d: Row, scope: list[int], scope_name: Message) -> bool:
        """One reconciliation line per amount of ``d``; True when all match."""
        ok_all = True
        for c in self.amount_cols:
            if c.index not in d.amounts:
                if (d.index, c.index) in self.table.sheet.formula_without_value:
                    self.recon.append({"row": d.index + 1, "label": d.label, "column": c.letter,
                                       "scope": english(scope_name), "declared": None,
                                       "computed": self.column_sum(scope, c), "ok": None,
                                       "note": "formula without cached value", "scope_code": scope_name,
                                       "note_code": message("recon.formula_without_value")})
                continue
            declared = d.amounts[c.index].amount_vnd
            computed = self.column_sum(scope, c)
            ok = declared == computed
            ok_all &= ok
            self.recon.append({"row": d.index + 1, "label": d.label, "column": c.letter,
                               "scope": english(scope_name), "declared": declared, "computed": computed, "ok": ok,
                               "scope_code": scope_name})
        return ok_all

    def matches(self, d: Row, scope: list[int]) -> bool:
        return all(d.amounts[c.index].amount_vnd == self.column_sum(scope, c) for c in self.amount_cols
                   if c.index in d.amounts)

    def group_scope(self, g: int) -> tuple[list[int], Message]:
        d = self.data[g]
        return leaf_descendants(self.data, g, self.leaf_set), message("scope.group", name=d.stt or d.label[:30])

    def subtotals(self) -> None:
        """Subtotals reconcile with their leaves."""
        for i, d in enumerate(self.data):
            if d.kind == "data" and d.children and d.amounts:
                self.check(d, *self.group_scope(i))

    def totals(self) -> None:
        """Totals and unlabelled sum rows reconcile with the whole sheet (or their group, or the rows above,
        whichever they equal); source breakdowns with the lines of their source."""
        for i, d in enumerate(self.data):
            if d.kind == "unlabelled":
                if self.matches(d, self.leaves):
                    self.table.skip(d.index, "total")
                    self.check(d, self.leaves, _SHEET)
                else:
                    self.table.reject(d.index, message("reason.unlabelled_not_sum"))
                continue
            if d.kind == "total" and d.amounts:
                self.total(i, d)
            if d.kind == "breakdown" and d.amounts:
                self.breakdown(d)

    def total(self, i: int, d: Row) -> None:
        before = [j for j in self.leaves if j < i]
        candidates = [(self.leaves, _SHEET)]
        if before and before != self.leaves:
            candidates.insert(0, (before, message("scope.rows_above")))
        open_groups = [j for j in range(i - 1, -1, -1) if self.data[j].kind == "data" and self.data[j].children]
        if open_groups:
            candidates.insert(0, self.group_scope(open_groups[0]))
        chosen = candidates[-1]
        for scope, name in candidates:
            if self.matches(d, scope):
                chosen = (scope, name)
                break
        self.check(d, chosen[0], chosen[1])

    def breakdown(self, d: Row) -> None:
        data, ctx = self.data, self.table.ctx
        source = classify.classify_source(d.label)
        for c in self.amount_cols:
            if c.index in d.amounts:
                declared = d.amounts[c.index].amount_vnd
                computed = sum(
                    data[j].amounts[c.index].amount_vnd
                    for j in self.leaves
                    if c.index in data[j].amounts and resolve_source(data[j], c, ancestors(data, j), ctx) == source
                )
                scope = message("scope.source", source=message(f"source.{source}") if has(f"source.{source}")
                                else source)
                self.recon.append({"row": d.index + 1, "label": d.label, "column": c.letter,
                                   "scope": english(scope), "declared": declared, "computed": computed,
                                   "ok": declared == computed, "scope_code": scope})


def _total_means(data: list[Row], leaves: list[int], total_cols: list[Column], support_cols: list[Column],
                 counter_cols: list[Column], col_values: dict[int, list[int]]) -> dict[int, str]:
    """What a 'Tổng' column means in this sheet: support only, or the whole cost with counterpart (by vote)."""
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
    return total_means


def mark_sum_columns(
    data: list[Row], leaves: list[int], amount_cols: list[Column]
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

def check_formulas(table: Table, data: list[Row], amount_cols: list[Column]) -> None:
    """Flag numbers typed over formulas (a total that is a constant where its siblings are formulas)."""
    sheet = table.sheet
    if sheet.formula_without_value:
        table.warn("warn.formulas_without_value", cells=len(sheet.formula_without_value))
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
        table.warn("warn.typed_over_formula", cells=shown)

