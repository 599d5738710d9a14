"""Cells step: what a cell says — its text (NFC, memoised), whether it reads as an amount, the exact amount of a
float or text cell (memoised shortcut of ``numbers.parse_amount``), and merged text cells filled down.

Why a module of its own: these run for every cell of every sheet; keeping them small, pure and in one place is
what lets the speed work replace them with column-at-a-time versions without touching the other steps.
"""

from __future__ import annotations

import re

from ...text import is_blank, nfc
from ..layout import Column, Layout
from ..numbers import UNITS, memo_amount, parse_amount

HAS_DIGIT_RE = re.compile(r"\d")

DIGITS_ONLY_RE = re.compile(r"[\d.,\s]+")

def col_index(c: Column | None) -> int:
    return c.index if c is not None else -1

def cell_text(cells: list[object], c: Column) -> str:
    return as_text(cells[c.index]) if c.index < len(cells) else ""

def lead_text(cells: list[object]) -> str:
    """The first text in a row (notes, signatures and date lines are recognised by it)."""
    for c in cells:
        if isinstance(c, str) and c.strip():
            return as_text(c)
    return ""


_TEXTS: dict[str, str] = {}  # nfc() of cell strings: places, beneficiaries and labels repeat across sheets

def as_text(value: object) -> str:
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

def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)

def reads_as_amount(value: object) -> bool:
    """A number, or text that parses as an amount ('262,5 triệu') — not 'Bình Dương, ngày 10 tháng 1 năm 2017'."""
    if is_number(value):
        return True
    if not isinstance(value, str) or not HAS_DIGIT_RE.search(value):
        return False
    parsed = memo_amount(value, UNITS["dong"]) if type(value) is str else parse_amount(value, UNITS["dong"])
    return parsed.error is None and parsed.amount_vnd is not None

def printed(value: object) -> str:
    if type(value) is int:
        return str(value)
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return as_text(value)

_FILLED_ROLES = ("stt", "title", "program", "beneficiary", "executor", "place", "source", "stage", "province")

def fill_merged_text(rows: list[list[object]], merged: list[tuple[int, int, int, int]], layout: Layout) -> list[list[object]]:
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

