"""One sheet → records, skipped rows, rejects and a reconciliation report.

This is the heart of the cleaning: it walks the rows under the header found by ``layout``, tells project
lines from programme groups, subtotals, totals and notes (by their numbering and wording, never by position),
parses every amount exactly, and reconciles each subtotal and total with the records under it.
Every row read ends in exactly one bucket: record, skipped (with a reason) or rejected (with a reason).

The steps, one module each, in the order ``tables.process_table`` runs them:

- ``cells``: a cell's text, whether it reads as an amount, merged text filled down;
- ``columns``: the header (``sheet_layout``), the amount/count/text columns and the unit (``resolve_unit``);
- ``rows``: each line's kind (data, total, breakdown, count, note …), label, numbering depth, cells as read;
- ``amounts``: every amount cell read exactly in its unit;
- ``tree``: groups, subtotals and leaves from the numbering (``model.Level``), each line's bucket;
- ``reconcile``: sum columns, and every declared subtotal/total checked against its lines;
- ``records``: a leaf's amounts become records, with the rules of ``resolve`` (source, stage, programme …).
"""

from __future__ import annotations

from .columns import sheet_layout
from .model import RECORD_COLUMNS, SKIP_REASONS, SUPPORT_SOURCES, Level, SheetContext, SheetResult
from .tables import process_sheet, process_table

__all__ = [
    "RECORD_COLUMNS",
    "SKIP_REASONS",
    "SUPPORT_SOURCES",
    "Level",
    "SheetContext",
    "SheetResult",
    "process_sheet",
    "process_table",
    "sheet_layout",
]
