"""The speed shortcuts must give exactly what the slow, obviously-correct code gives.

Each fast path (word-wise ``fold``, the float/text amount shortcuts in ``sheet``, the one-pass sheet-XML
scan) is checked against a reference implementation on thousands of generated inputs, including the edge
cases that made a shortcut fall back (ambiguous separators, int64 overflow, implausible amounts).
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest

from analysis.ingest.numbers import UNITS, parse_amount
from analysis.ingest.numbers import memo_amount as _memo_amount
from analysis.ingest.readers.extents import FALLBACK, scan_sheet_sax, scan_sheet_xml
from analysis.text import fold


def _fold_reference(text: str) -> str:
    if not text:
        return ""
    decomposed = unicodedata.normalize(
        "NFD", text.replace("đ", "d").replace("Đ", "d").replace("Ð", "d").replace("ð", "d")
    )
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped.lower()).strip()


def test_fold_word_by_word_equals_whole_text_folding() -> None:
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x3000)] + list(" \t\n\u00a0\u2003\u2000đĐİ\u034f\u0301ăâơư") * 20
    samples = ["", "  ", "Hỗ trợ  xây dựng\nmô hình", "ĐỒNG THÁP", "a \u0301 b", "\u0301", "İstanbul", "Ⅻ ﬁ"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(20_000)]
    for text in samples:
        assert fold.__wrapped__(text) == _fold_reference(text), repr(text)


def _vn(n: int, decimals: str) -> str:
    return f"{n:,}".replace(",", ".") + ("," + decimals if decimals else "")


@pytest.mark.parametrize("unit", list(UNITS.values()), ids=list(UNITS))
def test_amount_shortcuts_equal_parse_amount(unit) -> None:
    rng = random.Random(11)
    values: list[object] = [0.0, 155.5, 1e16, 1e300, 5e-324, 9.2e18, 123456789.123456789, 21244974199448.973,
                            "15.239", "43,735", "0,5", "1.000", "1.000.000", "999.999.999.999.999.999",
                            "0,001", "147,19", "9.851,989", "10.752.049.000", "1.234,5678901"]
    for _ in range(5_000):
        values.append(round(rng.random() * 10 ** rng.randint(0, 19), rng.choice([0, 1, 2, 3, 4, 6, 9, 12])))
        digits = "".join(rng.choice("0123456789") for _ in range(rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 10])))
        values.append(_vn(rng.randint(0, 10 ** rng.randint(0, 16)), digits))
        values.append(f"{rng.randint(0, 10**9)},{digits}" if digits else str(rng.randint(0, 10**9)))
    # the edges of the arithmetic float window, and floats one step away from short decimals
    for m in (1_000, 1_000_000, 1_000_000_000):
        for edge in (1e-4, 2.0**50 / m, 0.30000000000000004, 0.1 + 0.2, 1 / 3):
            values += [edge, math.nextafter(edge, 0), math.nextafter(edge, math.inf)]
    for _ in range(5_000):
        short = rng.randint(0, 10**15) / 10 ** rng.randint(0, 10)
        values += [short, math.nextafter(short, math.inf), math.nextafter(short, 0)]
    for value in values:
        assert _memo_amount(value, unit) == parse_amount(value, unit), value


def test_sheet_scan_finds_the_same_extent_and_formulas_as_the_exact_sax_scan(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    rng = random.Random(3)
    for r in range(1, 400):
        for c in range(1, 12):
            if rng.random() < 0.7:
                ws.cell(r, c, rng.choice([rng.randint(1, 10**6), "Hỗ trợ", 2.5]))
    ws["B400"] = "=SUM(B1:B399)"
    ws["AB7"] = "xa"  # the widest cell is not in the last row
    path = tmp_path / "scan.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        fast = scan_sheet_xml(zf.open("xl/worksheets/sheet1.xml"), exact=True)
        exact = scan_sheet_sax(zf.open("xl/worksheets/sheet1.xml"))
    assert fast is not FALLBACK
    assert (fast.max_row, fast.max_col) == (exact.max_row, exact.max_col) == (399, 27)
    assert fast.formulas == exact.formulas == {(399, 1)}
    assert fast.no_value == exact.no_value == {(399, 1)}  # openpyxl writes no cached value
