"""Amounts step: every amount cell of every line read exactly, in its line's unit, the column's or the sheet's.

Why a step of its own: it is the hottest loop of the ingest and the one whose correctness matters most
(``numbers.parse_amount`` is exact: no float ever decides a đồng); the fast paths here give the same answer.
"""

from __future__ import annotations

from ...messages import as_message, message
from ..numbers import ParsedAmount, memo_amount, parse_amount
from .model import ColumnPlan, Row


def parse_amounts(data: list[Row], plan: ColumnPlan) -> None:
    """Fill ``row.amounts`` from ``row.raw``; an unreadable or negative amount fails the line (first problem
    kept, with its cell)."""
    specs = [(c.index, c, c.unit or plan.unit) for c in plan.amount]  # unit applied when the line states none
    assumed = plan.assumed
    for row in data:
        raw = row.raw
        if not raw:
            continue
        amounts, row_unit = row.amounts, row.unit
        for ci, c, col_unit in specs:
            if ci not in raw:
                continue
            value = raw[ci]
            applied = row_unit or col_unit
            t = type(value)
            if t is int and applied is not None and 0 <= value < 10**15:  # type: ignore[operator]
                parsed = ParsedAmount(value * applied.multiplier, applied, ())  # type: ignore[operator]
            elif (t is float or t is str) and applied is not None:
                parsed = memo_amount(value, applied)  # type: ignore[arg-type]  # memoised exact parser
            else:
                parsed = parse_amount(value, applied)
            if parsed.error:
                reason = message("reason.amount_unreadable", problem=as_message(parsed.error), column=c.letter,
                                 label=c.label)
                row.fail(reason, ci, value)
                continue
            if parsed.amount_vnd is None:
                continue
            if parsed.amount_vnd < 0:
                row.fail(message("reason.negative_amount", column=c.letter, label=c.label), ci, value)
                continue
            if assumed and not row_unit and not c.unit and "unit_in_cell" not in parsed.flags:
                parsed = ParsedAmount(parsed.amount_vnd, parsed.unit, tuple(sorted({*parsed.flags, "unit_assumed"})))
            amounts[ci] = parsed
