"""Tests for analysis.ingest.numbers: Vietnamese numbers and units → exact integer đồng, with flags.

Why so many: this is "the main trap" of docs/domain.md — every wrong reading here silently scales an
amount by 1 000. Cases come from domain.md, data/raw/published/published_figures.csv and the brief.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import config
from analysis.ingest.numbers import (
    UNITS,
    ParsedAmount,
    Unit,
    detect_unit,
    parse_amount,
    parse_amounts_numeric,
    parse_count,
)

D, K, M, B = UNITS["dong"], UNITS["nghin"], UNITS["trieu"], UNITS["ty"]
MAX = config.PLAUSIBLE_MAX_VND

# ---------------------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------------------


def test_units_table() -> None:
    assert {k: (u.multiplier, u.label_vi) for k, u in UNITS.items()} == {
        "dong": (1, "đồng"),
        "nghin": (1_000, "nghìn đồng"),
        "trieu": (1_000_000, "triệu đồng"),
        "ty": (1_000_000_000, "tỷ đồng"),
    }
    assert all(key == unit.key for key, unit in UNITS.items())


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ĐVT: triệu đồng", "trieu"),
        ("ĐVT: Triệu đồng", "trieu"),
        ("Đơn vị tính: đồng", "dong"),
        ("Đơn vị tính : Tỷ đồng", "ty"),
        ("Kinh phí (tỷ đồng)", "ty"),
        ("Kinh phí thực hiện (triệu đồng)", "trieu"),
        ("Kinh phí KCĐP (triệu)", "trieu"),
        ("Đơn vị: 1.000 đồng", "nghin"),
        ("ĐVT: 1000đ", "nghin"),
        ("ĐVT: 1.000.000 đồng", "trieu"),
        ("VNĐ", "dong"),
        ("VND", "dong"),
        ("Số tiền (VNĐ)", "dong"),
        ("Số tiền (đồng)", "dong"),
        ("Tr.đ", "trieu"),
        ("trđ", "trieu"),
        ("tr.đồng", "trieu"),
        ("ĐVT: Tr.đồng", "trieu"),
        ("ngàn đồng", "nghin"),
        ("nghìn đồng", "nghin"),
        ("tỉ", "ty"),
        ("tỷ đồng", "ty"),
        ("Tỷ", "ty"),
        ("Triệu", "trieu"),
        ("million VND", "trieu"),
        ("billion VND", "ty"),
        ("VND billion", "ty"),
        ("thousand VND", "nghin"),
        ("Unit: VND million", "trieu"),
        ("(Đơn vị tính: Triệu đồng)", "trieu"),
        ("  \u0110VT:  tri\u00ea\u0323u \u0111\u00f4\u0300ng ", "trieu"),  # combining marks (Windows-1258)
        ("DVT: trieu dong", "trieu"),  # typed without diacritics
        ("Tổng kinh phí 3.918 triệu đồng", "trieu"),
        ("hỗ trợ 3,6 tỷ", "ty"),
        ("Hỗ trợ 3 triệu cây giống", "trieu"),  # acceptable per brief: a magnitude after a number
    ],
)
def test_detect_unit_positive(text: str, key: str) -> None:
    assert detect_unit(text) == UNITS[key]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "cộng đồng",
        "Phát triển cộng đồng",
        "Đồng Nai",
        "Đồng Tháp",
        "Huyện Đồng Phú",
        "hợp đồng",
        "Hợp đồng số 15/HĐ-KC ngày 12/3/2017",
        "đồng bộ",
        "Hỗ trợ đồng bộ thiết bị",
        "hàng nghìn đồng bào",
        "Tỷ lệ (%)",
        "Tỷ trọng",
        "Năm 2017 tỷ lệ giải ngân 90%",
        "Đơn vị thực hiện",
        "Đơn vị: Trung tâm Khuyến công",
        "Tên đề án",
        "UBND TỈNH BÌNH DƯƠNG",
        "KẾ HOẠCH KHUYẾN CÔNG NĂM 2017",
        "Tổng cộng",
        "STT",
    ],
)
def test_detect_unit_negative(text: str) -> None:
    assert detect_unit(text) is None


def test_detect_unit_non_text() -> None:
    assert detect_unit(None) is None  # type: ignore[arg-type]
    assert detect_unit(123) is None  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------
# parse_amount: table of examples
# ---------------------------------------------------------------------------------------------------

# (cell, default unit, amount in đồng, flags)
AMOUNTS: list[tuple[object, Unit | None, int, set[str]]] = [
    # domain.md: Vietnamese convention
    ("3.918", M, 3_918_000_000, set()),
    ("3.918 triệu đồng", None, 3_918_000_000, {"unit_in_cell"}),
    ("2,52 tỉ đồng", None, 2_520_000_000, {"unit_in_cell"}),
    ("262,5 triệu", None, 262_500_000, {"unit_in_cell"}),
    ("262,5 triệu đồng", B, 262_500_000, {"unit_in_cell"}),  # the cell's unit beats the column's
    ("55.306", M, 55_306_000_000, set()),
    ("78.675", M, 78_675_000_000, set()),  # read_excel would have said 78.675
    ("117.866", M, 117_866_000_000, set()),
    ("1.234,5", M, 1_234_500_000, set()),
    ("1.000.000", D, 1_000_000, set()),
    ("2.035.000.000đ", None, 2_035_000_000, {"unit_in_cell"}),
    ("2.035.000.000 đ", M, 2_035_000_000, {"unit_in_cell"}),
    ("2.035.000.000 VNĐ", None, 2_035_000_000, {"unit_in_cell"}),
    ("2.035.000.000₫", None, 2_035_000_000, {"unit_in_cell"}),
    ("1 234 567", D, 1_234_567, set()),
    ("1\u00a0234\u00a0567", D, 1_234_567, set()),
    ("1\u202f234\u202f567", D, 1_234_567, set()),
    ("1 234,5", M, 1_234_500_000, set()),
    ("3,6 tỷ", None, 3_600_000_000, {"unit_in_cell"}),
    ("1 tỷ 200 triệu", None, 1_200_000_000, {"unit_in_cell"}),
    ("1 tỷ 200 triệu đồng", M, 1_200_000_000, {"unit_in_cell"}),
    ("2 triệu 500 nghìn đồng", None, 2_500_000, {"unit_in_cell"}),
    ("0", M, 0, set()),
    ("0,5", M, 500_000, set()),
    ("03", M, 3_000_000, set()),
    ("  262,5  ", M, 262_500_000, set()),
    # unit spellings in the cell
    ("500 Tr.đ", None, 500_000_000, {"unit_in_cell"}),
    ("500 trđ", None, 500_000_000, {"unit_in_cell"}),
    ("500 tr.đồng", None, 500_000_000, {"unit_in_cell"}),
    ("500 tr", None, 500_000_000, {"unit_in_cell"}),
    ("500 ngàn đồng", None, 500_000, {"unit_in_cell"}),
    ("500 nghìn", M, 500_000, {"unit_in_cell"}),
    ("3 million VND", None, 3_000_000, {"unit_in_cell"}),
    ("5 thousand VND", None, 5_000, {"unit_in_cell"}),
    ("2,8 TỶ ĐỒNG", None, 2_800_000_000, {"unit_in_cell"}),
    ("2,8 ty dong", None, 2_800_000_000, {"unit_in_cell"}),  # typed without diacritics
    ("VND 500", M, 500, {"unit_in_cell"}),
    # qualifiers (domain.md, published_figures.csv)
    ("gần 3", B, 3_000_000_000, {"approximate_near"}),
    ("gần 17,6", B, 17_600_000_000, {"approximate_near"}),
    ("gần 137 tỷ đồng", None, 137_000_000_000, {"approximate_near", "unit_in_cell"}),
    ("hơn 3 tỷ", None, 3_000_000_000, {"approximate_over", "unit_in_cell"}),
    ("trên 910 triệu đồng", None, 910_000_000, {"approximate_over", "unit_in_cell"}),
    ("khoảng 500 triệu", None, 500_000_000, {"approximate_about", "unit_in_cell"}),
    ("xấp xỉ 2 tỷ", None, 2_000_000_000, {"approximate_about", "unit_in_cell"}),
    ("about 2 billion VND", None, 2_000_000_000, {"approximate_about", "unit_in_cell"}),
    ("around 300", M, 300_000_000, {"approximate_about"}),
    (
        "more than VND11.44 billion",
        None,
        11_440_000_000,
        {"approximate_over", "english_format", "unit_in_cell"},
    ),
    ("over VND18.9 billion", None, 18_900_000_000, {"approximate_over", "english_format", "unit_in_cell"}),
    ("over VND5 billion", None, 5_000_000_000, {"approximate_over", "unit_in_cell"}),
    ("Nearly VND4.2 billion", None, 4_200_000_000, {"approximate_near", "english_format", "unit_in_cell"}),
    # English forms
    ("VND13.84 billion", None, 13_840_000_000, {"english_format", "unit_in_cell"}),
    ("VND113.7 billion", None, 113_700_000_000, {"english_format", "unit_in_cell"}),
    ("1,234.5", K, 1_234_500, {"english_format"}),
    ("1,234,567", D, 1_234_567, {"english_format"}),
    ("1.5", B, 1_500_000_000, {"english_format"}),
    ("2,035E+09", D, 2_035_000_000, set()),
    # ambiguous separators: plausibility decides (module docstring)
    ("15.239 tỷ", None, 15_239_000_000, {"separator_reinterpreted", "unit_in_cell"}),
    ("1.680 tỷ", None, 1_680_000_000, {"separator_reinterpreted", "unit_in_cell"}),
    ("1,680 tỷ", None, 1_680_000_000, {"unit_in_cell"}),  # Vietnamese reading, nothing to flag
    ("VND5.682 billion", None, 5_682_000_000, {"separator_reinterpreted", "unit_in_cell"}),
    ("VND5.76 billion", None, 5_760_000_000, {"english_format", "unit_in_cell"}),
    ("2.792 billion VND", None, 2_792_000_000, {"separator_reinterpreted", "unit_in_cell"}),
    ("1.543 billion", None, 1_543_000_000, {"separator_reinterpreted", "unit_in_cell"}),
    # "VND 43,735 billion" = 43,735 tỷ: the English reading (43 735 tỷ) is above PLAUSIBLE_MAX_VND,
    # so only the Vietnamese reading is plausible and there is nothing ambiguous to flag.
    ("VND 43,735 billion", None, 43_735_000_000, {"unit_in_cell"}),
    ("VND43,735 billion", None, 43_735_000_000, {"unit_in_cell"}),
    ("60,840 billion VND", None, 60_840_000_000, {"unit_in_cell"}),
    # Both readings plausible and English text: keep Vietnamese, flag.
    ("VND 1.500 million", None, 1_500_000_000, {"ambiguous_number", "unit_in_cell"}),
    ("VND 1,436 million", None, 1_436_000, {"ambiguous_number", "unit_in_cell"}),
    ("1,500 thousand VND", None, 1_500, {"ambiguous_number", "unit_in_cell"}),
    # Both plausible but Vietnamese text: the convention, not an ambiguity.
    ("1.500 triệu", None, 1_500_000_000, {"unit_in_cell"}),
    ("1,500 triệu", None, 1_500_000, {"unit_in_cell"}),
    # Too small the Vietnamese way (1,5 đồng), plausible the other way.
    ("1,500 đồng", None, 1_500, {"separator_reinterpreted", "unit_in_cell"}),
    ("1.000 tỷ", None, 1_000_000_000_000, {"unit_in_cell"}),  # exactly the limit is still plausible
    # fractions: approved / requested
    ("600/1200", M, 600_000_000, {"fraction_approved_requested"}),
    ("600/1.200 triệu", None, 600_000_000, {"fraction_approved_requested", "unit_in_cell"}),
    ("600 / 1.200", M, 600_000_000, {"fraction_approved_requested"}),
    # negatives are returned; the caller rejects them
    ("-500", M, -500_000_000, set()),
    ("- 500", M, -500_000_000, set()),
    ("−500", M, -500_000_000, set()),
    ("(500)", M, -500_000_000, set()),
    ("(1.234,5)", M, -1_234_500_000, set()),
    # no unit anywhere: đồng, flagged
    ("3918", None, 3_918, {"unit_assumed"}),
    ("1.500", None, 1_500, {"unit_assumed"}),
    # rounding to whole đồng (half to even, like numpy.rint), flagged when more than 0.01 đồng
    ("1,2345678 triệu", None, 1_234_568, {"rounded", "unit_in_cell"}),
    ("0,0000025 triệu", None, 2, {"rounded", "unit_in_cell"}),
    # numeric cells
    (262.5, M, 262_500_000, set()),
    (0.1 + 0.2, M, 300_000, set()),
    (78.675, M, 78_675_000, set()),
    (3, M, 3_000_000, set()),
    (3.918, B, 3_918_000_000, set()),
    (1.23456789, M, 1_234_568, {"rounded"}),
    (1_234_567, None, 1_234_567, {"unit_assumed"}),
    (Decimal("262.5"), M, 262_500_000, set()),
    (Fraction(5, 2), M, 2_500_000, set()),
    (np.float64(262.5), M, 262_500_000, set()),
    (np.float32(0.1), M, 100_000, set()),
    (np.int64(7), K, 7_000, set()),
    (-2.5, M, -2_500_000, set()),
    (0, M, 0, set()),
]


@pytest.mark.parametrize(("value", "unit", "amount", "flags"), AMOUNTS)
def test_parse_amount_examples(value: object, unit: Unit | None, amount: int, flags: set[str]) -> None:
    result = parse_amount(value, unit)
    assert result.error is None, result
    assert result.amount_vnd == amount
    assert type(result.amount_vnd) is int
    assert set(result.flags) == flags
    assert result.flags == tuple(sorted(set(result.flags)))


@pytest.mark.parametrize(
    ("value", "unit_key"),
    [
        ("262,5 triệu", "trieu"),
        ("2,52 tỉ đồng", "ty"),
        ("2.035.000.000đ", "dong"),
        ("500 ngàn", "nghin"),
        ("1 tỷ 200 triệu", "trieu"),  # the smallest part's unit
        ("78.675", "trieu"),  # default applies
        ("VND 500", "dong"),
    ],
)
def test_parse_amount_reports_unit(value: str, unit_key: str) -> None:
    assert parse_amount(value, M).unit == UNITS[unit_key]


def test_unit_assumed_reports_dong() -> None:
    assert parse_amount("500", None).unit == D
    assert parse_amount(500, None).unit == D


@pytest.mark.parametrize("value", ["", "   ", "-", "–", "—", "x", "X", "...", "…", None, float("nan")])
def test_no_amount(value: object) -> None:
    assert parse_amount(value, M) == ParsedAmount(None, None, (), None)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("abc", "not a number"),
        ("12a", "not a number"),
        ("100 + 200", "several numbers"),
        ("100 200 300 4", "several numbers"),
        ("2017 200", "several numbers"),
        ("10 - 15", "range"),
        ("30%", "percentage"),
        ("15/10/2025", "date"),
        ("2017-01-05", "date"),
        ("1 tỷ 200", "several numbers"),  # compound needs a unit on every part
        ("200 triệu 1 tỷ", "several numbers"),  # parts must go down
        ("1.23.4", "malformed"),
        ("1,23,4", "malformed"),
        ("1.234.5", "malformed"),
        ("1,234.56.7", "malformed"),
        ("gần", "no number"),
        ("triệu đồng", "no number"),
        ("3 tỷ triệu", "two units"),
        ("600/", "fraction"),
        ("9" * 40 + " tỷ", "out of range"),
        ("x" * 5000, "too long"),
        ("Kinh phí (tỷ đồng)", "not a number"),
        (True, "boolean"),
        (np.bool_(False), "boolean"),
        (dt.date(2017, 2, 24), "date"),
        (dt.datetime(2017, 2, 24, 8, 0), "date"),
        (np.datetime64("2017-02-24"), "date"),
        (dt.timedelta(days=1), "duration"),
        (float("inf"), "finite"),
        (Decimal("-Infinity"), "finite"),
        (10**30, "out of range"),
        (1e300, "out of range"),
        ([1, 2], "unsupported"),
        (b"500", "unsupported"),
        (3 + 4j, "unsupported"),
    ],
)
def test_parse_amount_errors(value: object, reason: str) -> None:
    result = parse_amount(value, M)
    assert result.amount_vnd is None
    assert result.error is not None and reason in result.error, result
    assert result.flags == ()


def test_bad_default_unit_is_an_error_not_an_exception() -> None:
    assert parse_amount("500", "trieu").error  # type: ignore[arg-type]


def test_plausible_max_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """'1,436 billion VND' (national 2021–2025 total, published as 1 436 tỷ) exceeds the per-cell limit.

    With the default limit the Vietnamese reading (1,436 tỷ) is the only plausible one; raising the limit
    for national data makes both plausible, so the cell is flagged instead of guessed silently.
    """
    assert parse_amount("1,436 billion VND", None).amount_vnd == 1_436_000_000
    monkeypatch.setattr(config, "PLAUSIBLE_MAX_VND", 10_000_000_000_000)
    result = parse_amount("1,436 billion VND", None)
    assert result.amount_vnd == 1_436_000_000
    assert "ambiguous_number" in result.flags
    assert parse_amount("1.680 tỷ", None).amount_vnd == 1_680_000_000_000  # now plausible as written


def test_text_path_is_cached() -> None:
    first = parse_amount("3.918 triệu đồng", None)
    assert parse_amount("3.918 triệu đồng", None) is first
    assert parse_amount("3.918 triệu đồng", B) is not first  # the unit is part of the key


def test_published_figures_roundtrip() -> None:
    """Every amount printed in published_figures.csv with its unit reads back to the recorded đồng.

    The national 2021–2025 total ('1,436 billion VND' = 1 436 tỷ) is above the per-cell plausibility limit
    and is documented in test_plausible_max_is_read_at_call_time instead.
    """
    import csv

    path = config.ROOT / "data" / "raw" / "published" / "published_figures.csv"
    if not path.exists():
        pytest.skip("published_figures.csv not present")
    units = {"triệu đồng": M, "tỷ đồng": B}
    checked = 0
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            printed, unit_text = row["value_as_printed"], row["unit_as_printed"]
            if not printed or not row["amount_vnd"] or printed.startswith("1,436 billion"):
                continue
            unit = units.get(unit_text, B if "billion" in unit_text else None)
            result = parse_amount(printed, unit)
            assert result.amount_vnd == int(row["amount_vnd"]), (printed, result)
            checked += 1
    assert checked >= 30


# ---------------------------------------------------------------------------------------------------
# parse_amount never raises, in bounded time
# ---------------------------------------------------------------------------------------------------

UNIT_OR_NONE = st.sampled_from([None, D, K, M, B])
AMOUNT_ALPHABET = "0123456789.,/ -()+%eE\u00a0đĐ"
AMOUNT_WORDS = st.sampled_from(
    ["1", "23", "456", "1.000", "2,5", ".", ",", "-", "/", "(", ")", "tỷ", "triệu", "đồng", "đ", "VND",
     "billion", "gần", "hơn", "khoảng", "tr.đ", "nghìn", "x", "%", "e5", "000", " "]
)  # fmt: skip


def _check(value: object, unit: Unit | None) -> None:
    start = time.perf_counter()
    result = parse_amount(value, unit)
    assert time.perf_counter() - start < 1.0  # catastrophic backtracking guard, not a speed claim
    assert isinstance(result, ParsedAmount)
    if result.error is not None:
        assert result.amount_vnd is None
    if result.amount_vnd is not None:
        assert type(result.amount_vnd) is int and abs(result.amount_vnd) < 2**63
        assert result.unit in UNITS.values()
    assert list(result.flags) == sorted(set(result.flags))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), UNIT_OR_NONE)
def test_never_raises_on_text(text: str, unit: Unit | None) -> None:
    _check(text, unit)
    count, reason = parse_count(text)
    assert count is None or (type(count) is int and reason is None)
    assert detect_unit(text) is None or detect_unit(text) in UNITS.values()


@settings(max_examples=400)
@given(st.one_of(st.text(AMOUNT_ALPHABET, max_size=30), st.lists(AMOUNT_WORDS, max_size=8).map("".join)),
       UNIT_OR_NONE)  # fmt: skip
def test_never_raises_on_amount_like_text(text: str, unit: Unit | None) -> None:
    _check(text, unit)


ANY_OBJECT = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.fractions(),
    st.complex_numbers(),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.timedeltas(),
    st.binary(),
    st.text(),
    st.integers(-(2**63), 2**63 - 1).map(np.int64),
    st.floats(width=32).map(np.float32),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.builds(object),
)


@settings(max_examples=400)
@given(ANY_OBJECT, UNIT_OR_NONE)
def test_never_raises_on_any_object(value: object, unit: Unit | None) -> None:
    _check(value, unit)
    count, reason = parse_count(value)
    assert count is None or reason is None


def test_long_hostile_text_is_fast() -> None:
    for text in [
        "1" * 100_000,
        "1." * 50_000,
        "1 " * 50_000,
        "(" * 10_000,
        "tỷ " * 10_000,
        "1,000 " * 20_000,
    ]:
        _check(text, M)


# ---------------------------------------------------------------------------------------------------
# Round trip: format the Vietnamese way in the test, parse back exactly
# ---------------------------------------------------------------------------------------------------

UNIT_WORDS = {
    "dong": ["đồng", "đ", "VNĐ", "VND"],
    "nghin": ["nghìn đồng", "ngàn đồng", "nghìn", "ngàn"],
    "trieu": ["triệu", "triệu đồng", "tr.đ", "trđ", "Triệu đồng"],
    "ty": ["tỷ", "tỉ", "tỷ đồng", "tỉ đồng", "Tỷ đồng"],
}
QUALIFIERS = {"gần": "approximate_near", "hơn": "approximate_over", "khoảng": "approximate_about"}
MAX_DECIMALS = {"dong": 0, "nghin": 3, "trieu": 3, "ty": 3}


def _group(n: int, sep: str) -> str:
    """1234567 → '1.234.567' (sep='.') — the Vietnamese way of writing thousands."""
    text = str(n)
    head = len(text) % 3 or 3
    return sep.join([text[:head]] + [text[i : i + 3] for i in range(head, len(text), 3)])


@st.composite
def vietnamese_amounts(draw: st.DrawFn) -> tuple[str, Unit, int, set[str]]:
    unit = draw(st.sampled_from(list(UNITS.values())))
    decimals = draw(st.integers(0, MAX_DECIMALS[unit.key]))
    step = unit.multiplier // 10**decimals  # đồng per last printed digit
    k = draw(st.integers(0, MAX // step))
    amount = k * step
    whole, frac = divmod(k, 10**decimals)
    sep = draw(st.sampled_from([".", ".", " ", "\u00a0"]))
    number = _group(whole, sep)
    if decimals:
        digits = str(frac).rjust(decimals, "0")
        if draw(st.booleans()):
            digits = digits.rstrip("0")  # "262,5" rather than "262,500"
        if digits:
            number += "," + digits
    flags: set[str] = set()
    word = draw(st.one_of(st.none(), st.sampled_from(UNIT_WORDS[unit.key])))
    if word is not None:
        attached = unit.key == "dong" and draw(st.booleans())
        number += word if attached else " " + word
        flags.add("unit_in_cell")
    qualifier = draw(st.one_of(st.none(), st.sampled_from(sorted(QUALIFIERS))))
    if qualifier is not None:
        number = f"{qualifier} {number}"
        flags.add(QUALIFIERS[qualifier])
    return number, unit, amount, flags


@settings(max_examples=1000)
@given(vietnamese_amounts(), st.sampled_from(list(UNITS.values())))
def test_roundtrip_vietnamese_format(case: tuple[str, Unit, int, set[str]], other: Unit) -> None:
    text, unit, amount, flags = case
    # With the unit word in the cell, a different column unit must not matter; without, the column's applies.
    default = other if "unit_in_cell" in flags else unit
    result = parse_amount(text, default)
    assert result.error is None, (text, result)
    assert result.amount_vnd == amount, (text, result)
    assert set(result.flags) == flags, (text, result)
    assert result.unit == unit


@settings(max_examples=300)
@given(st.integers(1, MAX // 1_000_000), st.booleans())
def test_roundtrip_negative(k: int, parentheses: bool) -> None:
    text = f"({_group(k, '.')})" if parentheses else f"-{_group(k, '.')}"
    assert parse_amount(text, M).amount_vnd == -k * 1_000_000


# ---------------------------------------------------------------------------------------------------
# Counts
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03", 3),
        ("3", 3),
        (3, 3),
        (3.0, 3),
        (np.int64(22), 22),
        (Decimal("25"), 25),
        ("25 đề án", 25),
        ("(03 đề án)", 3),
        ("02 (KCQG)", 2),
        ("251", 251),
        ("1.200", 1_200),
        ("18 kế hoạch", 18),
    ],
)
def test_parse_count(value: object, expected: int) -> None:
    assert parse_count(value) == (expected, None)


@pytest.mark.parametrize("value", ["", "  ", None, "-", "–", "x", float("nan")])
def test_parse_count_empty(value: object) -> None:
    assert parse_count(value) == (None, None)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("10 - 15", "range 10-15"),
        ("10-15", "range 10-15"),
        ("từ 10 - 15 đề án", "range 10-15"),
        ("10 đến 15", "range 10-15"),
        ("hơn 20 đề án", "approximate"),
        ("3,5", "whole"),
        (3.5, "whole"),
        (-2, "negative"),
        ("abc", "not a count"),
        (True, "boolean"),
        (dt.date(2017, 1, 1), "date"),
        ([3], "unsupported"),
    ],
)
def test_parse_count_rejects(value: object, reason: str) -> None:
    count, why = parse_count(value)
    assert count is None
    assert why is not None and reason in why


# ---------------------------------------------------------------------------------------------------
# Vectorised numeric path
# ---------------------------------------------------------------------------------------------------


def test_numeric_exact_examples() -> None:
    values = np.array([262.5, 0.1 + 0.2, 78.675, 3.918, 1.005, 0.0, -262.5, 1e-9])
    out = parse_amounts_numeric(values, 1_000_000)
    assert out.dtype == np.int64
    assert out.tolist() == [262_500_000, 300_000, 78_675_000, 3_918_000, 1_005_000, 0, -262_500_000, 0]


def test_numeric_half_even_like_scalar_path() -> None:
    values = np.array([0.5, 1.5, 2.5, -0.5, 0.0000025])
    assert parse_amounts_numeric(values[:4], 1).tolist() == [0, 2, 2, 0]
    assert (
        parse_amounts_numeric(values[4:], 1_000_000).tolist() == [parse_amount(2.5e-6, M).amount_vnd] == [2]
    )


def test_numeric_million_values_match_scalar_path() -> None:
    rng = np.random.default_rng(20170224)
    scale = 10.0 ** rng.integers(0, 4, 1_000_000)  # 0 to 3 printed decimals, as typed by officers
    values = np.round(rng.random(1_000_000) * 100_000 * scale) / scale
    for unit in (K, M, B):
        out = parse_amounts_numeric(values, unit.multiplier)
        assert out.shape == values.shape and out.dtype == np.int64
        sample = rng.choice(values.size, 2_000, replace=False)
        assert all(out[i] == parse_amount(float(values[i]), unit).amount_vnd for i in sample)
    # the classic trap: each value is exact in its unit, so there is no float noise left
    tenths = np.arange(1_000_000) / 10
    assert (parse_amounts_numeric(tenths, 1_000_000) == np.arange(1_000_000, dtype=np.int64) * 100_000).all()


def test_numeric_shapes_and_inputs() -> None:
    assert parse_amounts_numeric(np.array([[1.5, 2.0], [3.0, 4.25]]), 1_000).tolist() == [
        [1500, 2000],
        [3000, 4250],
    ]
    assert parse_amounts_numeric([1, 2], 1_000_000).tolist() == [1_000_000, 2_000_000]
    assert parse_amounts_numeric(np.array([], dtype=float), 1).shape == (0,)


@pytest.mark.parametrize("bad", [[1.0, float("nan")], [float("inf")], [1e19]])
def test_numeric_rejects_non_finite_and_overflow(bad: list[float]) -> None:
    with pytest.raises(ValueError):
        parse_amounts_numeric(np.array(bad), 1)


@settings(max_examples=500)
@given(
    st.lists(st.floats(-1e7, 1e7, allow_nan=False), min_size=1, max_size=20),
    st.sampled_from(list(UNITS.values())),
)
def test_numeric_equals_scalar_path(values: list[float], unit: Unit) -> None:
    out = parse_amounts_numeric(np.array(values), unit.multiplier)
    assert out.tolist() == [parse_amount(v, unit).amount_vnd for v in values]
