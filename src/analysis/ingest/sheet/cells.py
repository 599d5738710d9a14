"""Cells step: what a cell says — its text (NFC, memoised), whether it reads as an amount, the exact amount of a
float or text cell (memoised shortcut of ``numbers.parse_amount``), and merged text cells filled down.

Why a module of its own: these run for every cell of every sheet; keeping them small, pure and in one place is
what lets the speed work replace them with column-at-a-time versions without touching the other steps.
"""

from __future__ import annotations

import re

from ... import config
from ...text import is_blank, nfc
from ..layout import Column, Layout
from ..numbers import UNITS, ParsedAmount, Unit, parse_amount

HAS_DIGIT_RE = re.compile(r"\d")

DIGITS_ONLY_RE = re.compile(r"[\d.,\s]+")

PAGE_MARK_RE = re.compile(r"^(?:trang|page)\s*\d+(?:\s*/\s*\d+)?$")

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

_AMOUNTS: dict[tuple[object, str, int, int], ParsedAmount] = {}

def memo_amount(value: float | str, unit: Unit) -> ParsedAmount:
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

_PLAIN_VN_NUMBER_RE = re.compile(r"([1-9]\d{0,2}(?:\.\d{3}){2,})|([1-9]\d{0,2}(?:\.\d{3})+|0|[1-9]\d{0,14}),(\d+)")

_ZEROS = {1: 0, 1_000: 3, 1_000_000: 6, 1_000_000_000: 9}

_EXACT_FLOAT_WINDOW = {m: (1e-4, 2.0**50 / m) for m in (1_000, 1_000_000, 1_000_000_000)}

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

