"""Vietnamese numbers and units → exact integer đồng, with flags.

Why this module exists: provincial sheets print money as "3.918" (triệu, dot = thousands), "262,5 triệu"
(comma = decimal), "2.035.000.000đ", "1 tỷ 200 triệu", "gần 3 tỷ", "600/1.200" (approved/requested) and
machine-translated English ("VND5.682 billion"). Spreadsheet tools read these silently wrong, so every
text amount is parsed here with exact Decimal arithmetic, and every judgement call (a separator read the
other way, a unit taken from the cell, a qualifier) is returned as a flag rather than hidden.

It knows nothing about sheets: callers pass one cell value and the unit stated for its column/table.
The vocabulary (unit words, qualifiers) lives in ``vocab/units.csv`` and ``vocab/qualifiers.csv``.

Ambiguity rules (see ``docs/domain.md`` "Numbers and units"):

* Vietnamese convention first: dot = thousands, comma = decimal.
* Only two shapes have a second reading: one dot followed by exactly three digits ("15.239": thousands
  in Vietnamese, decimal in English) and one comma followed by exactly three digits ("43,735": decimal in
  Vietnamese, thousands in English). Any other shape has one reading ("11.44" can only be a decimal → flag
  ``english_format``; "1.234.567" can only be thousands).
* An amount is *plausible* when 1 000 đồng ≤ |amount| ≤ ``config.PLAUSIBLE_MAX_VND``.
* If the Vietnamese reading is implausible and the other reading is plausible, take the other one and flag
  ``separator_reinterpreted`` ("15.239 tỷ" → 15 239 000 000). This also covers the too-small side
  ("1,500 đồng" → 1 500 đồng), because a fraction of a đồng is never meant.
* If both readings are plausible and the cell is English (an English magnitude word or qualifier, or
  "VND" before the number), keep the Vietnamese reading and flag ``ambiguous_number``.
* Otherwise keep the Vietnamese reading silently ("78.675" triệu, "3.918 triệu", "VND 43,735 billion").
"""

from __future__ import annotations

import datetime as dt
import numbers as _numbers
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from itertools import pairwise

import numpy as np
from numpy.typing import ArrayLike, NDArray

from analysis import config, vocab
from analysis.messages import Problem
from analysis.text import fold, nfc

__all__ = [
    "UNITS",
    "ParsedAmount",
    "Unit",
    "detect_unit",
    "memo_amount",
    "parse_amount",
    "parse_amounts_numeric",
    "parse_count",
]


@dataclass(frozen=True, slots=True)
class Unit:
    """A money unit: its key, how many đồng it holds, and its canonical Vietnamese label."""

    key: str  # "dong" | "nghin" | "trieu" | "ty"
    multiplier: int  # 1, 1_000, 1_000_000, 1_000_000_000
    label_vi: str  # "đồng", "nghìn đồng", "triệu đồng", "tỷ đồng"


UNITS: dict[str, Unit] = {
    "dong": Unit("dong", 1, "đồng"),
    "nghin": Unit("nghin", 1_000, "nghìn đồng"),
    "trieu": Unit("trieu", 1_000_000, "triệu đồng"),
    "ty": Unit("ty", 1_000_000_000, "tỷ đồng"),
}


@dataclass(frozen=True, slots=True)
class ParsedAmount:
    """One cell read as money. ``error`` is set (and ``amount_vnd`` None) when it is not a readable amount."""

    amount_vnd: int | None
    unit: Unit | None
    flags: tuple[str, ...]
    error: str | None = None


# --------------------------------------------------------------------------------------------------
# Vocabulary (data, not code)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Form:
    """One unit spelling from vocab/units.csv, already folded."""

    folded: str
    unit: str
    kind: str  # "magnitude" (nghìn/triệu/tỷ, may embed the currency) or "currency" (đồng/VND)
    english: bool


def _read_csv(name: str) -> list[dict[str, str]]:
    """Rows of ``vocab/<name>`` that name a form (analysis.vocab reads the file)."""
    return [row for row in vocab.rows(name) if (row.get("form") or "").strip()]


def _load_units() -> dict[str, _Form]:
    forms: dict[str, _Form] = {}
    for row in _read_csv("units.csv"):
        folded = fold(nfc(row["form"]))
        unit, kind = row["unit"].strip(), row["kind"].strip()
        if unit not in UNITS or kind not in {"magnitude", "currency"}:
            raise ValueError(f"vocab/units.csv: bad row {row!r}")
        forms[folded] = _Form(folded, unit, kind, row.get("lang", "").strip() == "en")
    return forms


def _load_qualifiers() -> dict[str, tuple[str, bool]]:
    quals: dict[str, tuple[str, bool]] = {}
    for row in _read_csv("qualifiers.csv"):
        flag = row["flag"].strip()
        if flag not in {"approximate_near", "approximate_over", "approximate_about"}:
            raise ValueError(f"vocab/qualifiers.csv: bad flag {row!r}")
        quals[fold(nfc(row["form"]))] = (flag, row.get("lang", "").strip() == "en")
    return quals


_FORMS: dict[str, _Form] = _load_units()
_QUALS: dict[str, tuple[str, bool]] = _load_qualifiers()


def _alternation(forms: Iterable[str]) -> str:
    """Regex alternation of folded phrases, longest first so 'trieu' wins over 'tr'."""
    items = sorted(set(forms), key=lambda s: (-len(s), s))
    return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in items)


_UNIT_ALT = _alternation(_FORMS)
_MAG_ALT = _alternation(f for f, v in _FORMS.items() if v.kind == "magnitude")
_MAG_EN_ALT = _alternation(f for f, v in _FORMS.items() if v.kind == "magnitude" and v.english)
_CUR_ALT = _alternation(f for f, v in _FORMS.items() if v.kind == "currency")
_QUAL_ALT = _alternation(_QUALS)

# --------------------------------------------------------------------------------------------------
# Tokeniser for one amount cell (runs on the folded text: lower case, no diacritics, đ → d)
# --------------------------------------------------------------------------------------------------

# A number: digit runs joined by '.' or ',' or by a single space before a group of exactly 3 digits
# ("1 234 567"); optional exponent ("2,035e+09" from CSV exports). Linear: separators are mandatory
# between digit runs, so there is no catastrophic backtracking.
_TOKEN_RE = re.compile(
    r"\s*(?:"
    r"(?P<num>\d+(?:(?:[.,]|\s(?=\d{3}(?!\d)))\d+)*(?:e[+-]?\d+)?)"
    rf"|(?P<unit>{_UNIT_ALT})(?![a-z])"
    rf"|(?P<qual>{_QUAL_ALT})(?![a-z])"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<sym>\S)"
    r")"
)

_FOOTNOTE_RE = re.compile(r"\s*(?:\(\*{1,3}\)|\*{1,3}|\(\d\))$")
# A cell holding only one of these has no amount ('-', 'x', '…', 'không'; vocab/amount_words.csv), nor has an empty one.
_NO_AMOUNT: frozenset[str] = frozenset({"", *vocab.words("amount_words", kind="no_amount")})
_SIGNS: frozenset[str] = frozenset({"-", "−", "–", "+"})
_ZERO_OK = Decimal("0.01")
_CTX = Context(prec=80)  # plenty: inputs are capped at _MAX_TEXT characters
_INT64_MAX = 2**63 - 1
_MAX_TEXT = 200  # a money cell longer than this is prose, not an amount
_CACHE_TEXT = 256  # longer strings are parsed uncached so the cache cannot hold big blobs

_VN_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
_EN_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+")
_VN_FULL = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+,\d+")
_EN_FULL = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+\.\d+")
_SPACED = re.compile(r"([1-9]\d{0,2}(?: \d{3})+)(?:([.,])(\d+))?")
_HEAD = re.compile(r"[1-9]\d{0,2}")
_MANTISSA = re.compile(r"\d+(?:[.,]\d+)?")

_DATE_RE = re.compile(r"(?<!\d)(?:\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{1,2}-\d{1,2})(?!\d)")

_Reading = tuple[Decimal, Decimal | None, tuple[str, ...]]


def _tokenize(folded: str) -> list[tuple[str, str]]:
    """Split folded text into (kind, text) tokens; kinds: num, unit, qual, word, sym."""
    tokens: list[tuple[str, str]] = []
    pos, end = 0, len(folded)
    while pos < end:
        m = _TOKEN_RE.match(folded, pos)
        if m is None or m.end() == pos:  # only trailing white space left
            break
        kind = m.lastgroup or "sym"
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    return tokens


def _read_number(s: str) -> _Reading | str:
    """Read one numeric token: (Vietnamese reading, other reading or None, flags) or an error string."""
    if "e" in s:
        mantissa, _, exponent = s.partition("e")
        if not _MANTISSA.fullmatch(mantissa) or abs(int(exponent)) > 30:
            return Problem("problem.malformed_number")
        return _CTX.scaleb(Decimal(mantissa.replace(",", ".")), int(exponent)), None, ()
    if " " in s:
        m = _SPACED.fullmatch(s)
        if m is None:
            return Problem("problem.several_numbers")
        whole, sep, frac = m.groups()
        value = Decimal(whole.replace(" ", "") + (f".{frac}" if frac else ""))
        return value, None, ("english_format",) if sep == "." else ()
    has_dot, has_comma = "." in s, "," in s
    if not has_dot and not has_comma:
        return Decimal(s), None, ()
    if has_dot and not has_comma:
        if s.count(".") == 1:
            head, tail = s.split(".")
            if len(tail) == 3 and _HEAD.fullmatch(head):
                return Decimal(head + tail), Decimal(s), ()
            return Decimal(s), None, ("english_format",)
        if _VN_THOUSANDS.fullmatch(s):
            return Decimal(s.replace(".", "")), None, ()
        return Problem("problem.malformed_number")
    if has_comma and not has_dot:
        if s.count(",") == 1:
            head, tail = s.split(",")
            decimal = Decimal(f"{head}.{tail}")
            if len(tail) == 3 and _HEAD.fullmatch(head):
                return decimal, Decimal(head + tail), ()
            return decimal, None, ()
        if _EN_THOUSANDS.fullmatch(s):
            return Decimal(s.replace(",", "")), None, ("english_format",)
        return Problem("problem.malformed_number")
    if s.rfind(",") > s.rfind("."):
        if _VN_FULL.fullmatch(s):
            return Decimal(s.replace(".", "").replace(",", ".")), None, ()
        return Problem("problem.malformed_number")
    if _EN_FULL.fullmatch(s):
        return Decimal(s.replace(",", "")), None, ("english_format",)
    return Problem("problem.malformed_number")


def _plausible(amount: Decimal, max_vnd: int) -> bool:
    return 1_000 <= abs(amount) <= max_vnd


def _choose(
    reading: _Reading, multiplier: int, english: bool, max_vnd: int
) -> tuple[Decimal, tuple[str, ...]]:
    """Apply the ambiguity rules of the module docstring to one number."""
    vn, other, flags = reading
    amount = _CTX.multiply(vn, Decimal(multiplier))
    if other is None:
        return amount, flags
    alt = _CTX.multiply(other, Decimal(multiplier))
    vn_ok, alt_ok = _plausible(amount, max_vnd), _plausible(alt, max_vnd)
    if not vn_ok and alt_ok:
        return alt, ("separator_reinterpreted",)
    if vn_ok and alt_ok and english:
        return amount, ("ambiguous_number",)
    return amount, flags


def _finish(total: Decimal, unit: Unit, flags: set[str], negative: bool = False) -> ParsedAmount:
    """Round exactly to whole đồng (half to even, as numpy.rint) and check the int64 range."""
    if negative:
        total = -total
    rounded = total.to_integral_value(rounding=ROUND_HALF_EVEN)
    if abs(rounded) > _INT64_MAX:
        return _error(Problem("problem.out_of_range"))
    if abs(_CTX.subtract(total, rounded)) > _ZERO_OK:
        flags.add("rounded")
    return ParsedAmount(int(rounded), unit, tuple(sorted(flags)))


def _error(reason: str) -> ParsedAmount:
    return ParsedAmount(None, None, (), reason)


_EMPTY = ParsedAmount(None, None, ())


def _describe(tok: tuple[str, str], after_number: bool) -> str:
    """A short English reason for an unexpected token."""
    kind, text = tok
    if kind == "sym":
        if text == "%":
            return Problem("problem.percentage")
        if text in _SIGNS and after_number:
            return Problem("problem.range_amount") if text != "+" else Problem("problem.several_numbers")
        if text == "/":
            return Problem("problem.malformed_fraction")
        return Problem("problem.unexpected_character", char=text)
    if kind == "num":
        return Problem("problem.several_numbers")
    if kind == "qual":
        return Problem("problem.misplaced_qualifier", word=text)
    if kind == "unit":
        return Problem("problem.misplaced_unit", word=text)
    return Problem("problem.unexpected_word", word=text)


_Component = tuple[_Reading, str | None, bool]  # (reading, unit key, fraction)


def _parse_text_impl(raw: str, default_unit: Unit | None, max_vnd: int) -> ParsedAmount:
    """Parse one text cell; see parse_amount for the contract."""
    folded = _prepare_text(raw)
    if isinstance(folded, ParsedAmount):
        return folded
    toks = _tokenize(folded)
    if not any(kind == "num" for kind, _ in toks):
        words = [tok for kind, tok in toks if kind == "word"]
        return _error(Problem("problem.unexpected_word", word=words[0]) if words else Problem("problem.no_number"))
    flags: set[str] = set()
    negative = False
    if len(toks) >= 3 and toks[0] == ("sym", "(") and toks[-1] == ("sym", ")"):
        negative, toks = True, toks[1:-1]  # accounting style (500)
    i, negative, english, cur_before = _read_prefix(toks, flags, negative)
    read = _read_components(toks, i, english, cur_before)
    if isinstance(read, ParsedAmount):
        return read
    comps, english, unit_words = read
    if unit_words:
        flags.add("unit_in_cell")
    total, unit = _sum_components(comps, cur_before, default_unit, english, max_vnd, flags)
    return _finish(total, unit, flags, negative)


def _prepare_text(raw: str) -> str | ParsedAmount:
    """The folded text to tokenize, or the result already: empty marks, too long, a date, no number."""
    text = nfc(raw)
    if text in _NO_AMOUNT:
        return _EMPTY
    if len(text) > _MAX_TEXT:
        return _error(Problem("problem.too_long_amount"))
    folded = fold(text)
    if folded in _NO_AMOUNT:
        return _EMPTY
    folded = folded.rstrip(" .;:")
    if not folded:
        return _error(Problem("problem.no_number"))
    if _DATE_RE.search(folded):
        return _error(Problem("problem.date_amount"))
    folded = folded.lstrip("'")  # "'1.250": Excel's text prefix typed into the cell
    marked = _FOOTNOTE_RE.search(folded)
    if marked and marked.start() > 0 and folded[: marked.start()].strip()[-1:].isdigit():
        folded = folded[: marked.start()].rstrip()  # '286 (*)', '71(1)', '235*': a footnote marker, not part of it
    return folded


def _read_prefix(
    toks: list[tuple[str, str]], flags: set[str], negative: bool
) -> tuple[int, bool, bool, bool]:
    """Qualifiers ('gần', 'khoảng'), one sign and a currency before the first number.

    Returns (index of the first other token, negative, English wording seen, currency before the number);
    the qualifiers' flags go into ``flags``.
    """
    n, i = len(toks), 0
    english = False
    cur_before = False
    sign_seen = negative
    while i < n:
        kind, tok = toks[i]
        if kind == "qual":
            flag, is_en = _QUALS[tok]
            flags.add(flag)
            english = english or is_en
        elif kind == "sym" and tok in _SIGNS and not sign_seen and i + 1 < n:
            sign_seen, negative = True, tok != "+"
        elif kind == "unit" and _FORMS[tok].kind == "currency":
            cur_before = True
            english = english or tok == "vnd" or _FORMS[tok].english
        else:
            break
        i += 1
    return i, negative, english, cur_before


def _read_components(
    toks: list[tuple[str, str]], i: int, english: bool, cur_before: bool
) -> tuple[list[_Component], bool, bool] | ParsedAmount:
    """Components NUMBER ['/' NUMBER] [MAGNITUDE] [CURRENCY] from ``toks[i]``, repeated for "1 tỷ 200 triệu".

    Returns (components, English wording seen, unit words in the cell), or the error when the tokens are
    not one amount (leftover tokens, several numbers, magnitudes not decreasing).
    """
    n = len(toks)
    comps: list[_Component] = []
    unit_words = cur_before
    while i < n and toks[i][0] == "num":
        reading = _read_number(toks[i][1])
        if isinstance(reading, str):
            return _error(reading)
        i += 1
        fraction = False
        if i < n and toks[i] == ("sym", "/"):
            if i + 1 < n and toks[i + 1][0] == "num":
                denominator = _read_number(toks[i + 1][1])
                if isinstance(denominator, str):
                    return _error(denominator)
                fraction, i = True, i + 2
            else:
                return _error(Problem("problem.malformed_fraction"))
        mag: _Form | None = None
        cur = False
        while i < n and toks[i][0] == "unit":
            form = _FORMS[toks[i][1]]
            if form.kind == "magnitude":
                if mag is not None or cur:
                    return _error(Problem("problem.two_units"))
                mag = form
            else:
                cur = True
            english = english or form.english
            unit_words = True
            i += 1
        comps.append((reading, mag.unit if mag else ("dong" if cur else None), fraction))
        if cur and mag is None and i < n and toks[i][0] == "num":
            return _error(Problem("problem.several_numbers"))
    if i < n:
        return _error(_describe(toks[i], bool(comps)))
    if not comps:
        return _error(Problem("problem.no_number"))
    if len(comps) > 1:
        keys = [key for _, key, _ in comps]
        if None in keys:
            return _error(Problem("problem.several_numbers"))
        mults = [UNITS[key].multiplier for key in keys if key]
        if any(a <= b for a, b in pairwise(mults)) or any(f for *_, f in comps):
            return _error(Problem("problem.several_numbers"))
    return comps, english, unit_words


def _sum_components(
    comps: list[_Component],
    cur_before: bool,
    default_unit: Unit | None,
    english: bool,
    max_vnd: int,
    flags: set[str],
) -> tuple[Decimal, Unit]:
    """The exact sum of the components in đồng and the unit of the last one (flags go into ``flags``)."""
    total = Decimal(0)
    unit: Unit | None = None
    for reading, key, fraction in comps:
        if key is not None:
            unit = UNITS[key]
        elif cur_before:
            unit = UNITS["dong"]
        elif default_unit is not None:
            unit = default_unit
        else:
            unit = UNITS["dong"]
            flags.add("unit_assumed")
        amount, extra = _choose(reading, unit.multiplier, english, max_vnd)
        flags.update(extra)
        if fraction:
            flags.add("fraction_approved_requested")
        total = _CTX.add(total, amount)
    assert unit is not None
    return total, unit


@lru_cache(maxsize=262_144)
def _parse_text_cached(raw: str, default_unit: Unit | None, max_vnd: int) -> ParsedAmount:
    return _parse_text_impl(raw, default_unit, max_vnd)


def _parse_decimal(value: Decimal, default_unit: Unit | None) -> ParsedAmount:
    """Numeric cell: value × multiplier of the column's unit, rounded exactly."""
    if value.is_nan():
        return _EMPTY
    if not value.is_finite():
        return _error(Problem("problem.not_finite"))
    flags: set[str] = set()
    unit = default_unit
    if unit is None:
        unit, flags = UNITS["dong"], {"unit_assumed"}
    if value.adjusted() > 40:
        return _error(Problem("problem.out_of_range"))
    return _finish(_CTX.multiply(value, Decimal(unit.multiplier)), unit, flags)


def _is_missing_scalar(value: object) -> bool:
    """pandas.NA / NaT without importing pandas (this module must stay light)."""
    return type(value).__name__ in {"NAType", "NaTType"}


def _parse_amount(value: object, default_unit: Unit | None) -> ParsedAmount:
    if value is None or _is_missing_scalar(value):
        return _EMPTY
    if isinstance(value, bool | np.bool_):
        return _error(Problem("problem.boolean"))
    if isinstance(value, dt.date | dt.time | np.datetime64):
        return _error(Problem("problem.date_amount"))
    if isinstance(value, dt.timedelta | np.timedelta64):
        return _error(Problem("problem.duration_amount"))
    if isinstance(value, str):
        max_vnd = config.PLAUSIBLE_MAX_VND
        if len(value) <= _CACHE_TEXT:
            return _parse_text_cached(value, default_unit, max_vnd)
        if len(value) > 10 * _CACHE_TEXT and len(value.strip()) > _MAX_TEXT:
            return _error(Problem("problem.too_long_amount"))
        return _parse_text_impl(value, default_unit, max_vnd)
    if isinstance(value, _numbers.Integral):
        whole = int(value)
        if abs(whole) > _INT64_MAX:
            return _error(Problem("problem.out_of_range"))
        return _parse_decimal(Decimal(whole), default_unit)
    if isinstance(value, float):
        return _parse_decimal(Decimal(repr(float(value))), default_unit)
    if isinstance(value, np.floating):
        return _parse_decimal(Decimal(str(value)), default_unit)  # str: shortest repr of float32 too
    if isinstance(value, Decimal):
        return _parse_decimal(value, default_unit)
    if isinstance(value, _numbers.Rational):
        frac = Fraction(value.numerator, value.denominator)
        unit = default_unit or UNITS["dong"]
        exact = frac * unit.multiplier
        rounded = round(exact)
        flags = set() if default_unit else {"unit_assumed"}
        if abs(exact - rounded) > Fraction(1, 100):
            flags.add("rounded")
        if abs(rounded) > _INT64_MAX:
            return _error(Problem("problem.out_of_range"))
        return ParsedAmount(int(rounded), unit, tuple(sorted(flags)))
    return _error(Problem("problem.unsupported_type", type=type(value).__name__))


def parse_amount(value: object, default_unit: Unit | None) -> ParsedAmount:
    """Read one cell as money in exact đồng; never raises (unreadable input → ``error``).

    ``default_unit`` is the unit stated for the column or table; a unit word in the cell overrides it
    (flag ``unit_in_cell``). With no unit at all the amount is taken as đồng (flag ``unit_assumed``).
    Text results are cached on (text, unit, PLAUSIBLE_MAX_VND).
    """
    try:
        if default_unit is not None and not isinstance(default_unit, Unit):
            return _error(Problem("problem.bad_default_unit"))
        return _parse_amount(value, default_unit)
    except (ArithmeticError, InvalidOperation, ValueError, TypeError, OverflowError, RecursionError) as exc:
        return _error(Problem("problem.unreadable", error=type(exc).__name__))
    except Exception as exc:  # the contract is "never raise": an odd object's __str__/__eq__ may fail
        return _error(Problem("problem.unreadable", error=type(exc).__name__))


# --------------------------------------------------------------------------------------------------
# Counts ("Số đề án")
# --------------------------------------------------------------------------------------------------

_COUNT_RANGE = re.compile(  # 'từ 10 đến 15', '10 - 15' (vocab/amount_words.csv: range_from, range_to)
    rf"(?:(?:{vocab.alternation(vocab.folded_words('amount_words', 'range_from'))})\s+)?(\d+)"
    rf"\s*(?:{vocab.alternation(vocab.folded_words('amount_words', 'range_to'))})\s*(\d+)(?:\D*)"
)
_COUNT_RE = re.compile(
    rf"(?P<qual>(?:{_QUAL_ALT})\s*)?(?P<num>[1-9]\d{{0,2}}(?:[.,]\d{{3}})+|\d+)(?P<zero>[.,]0+)?"
    r"(?:\s*[(\[]?\s*[^\W\d_][^\d]*)?"
)


def _parse_count_impl(value: object) -> tuple[int | None, str | None]:
    if value is None or _is_missing_scalar(value):
        return None, None
    if isinstance(value, bool | np.bool_):
        return None, Problem("problem.boolean")
    if isinstance(value, dt.date | dt.time | np.datetime64):
        return None, Problem("problem.date_count")
    if isinstance(value, _numbers.Integral):
        count = int(value)
        return (count, None) if count >= 0 else (None, Problem("problem.negative_count"))
    if isinstance(value, float | np.floating | Decimal):
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
        if number.is_nan():
            return None, None
        if not number.is_finite() or number != number.to_integral_value():
            return None, Problem("problem.not_whole")
        return (int(number), None) if number >= 0 else (None, Problem("problem.negative_count"))
    if not isinstance(value, str):
        return None, Problem("problem.unsupported_type", type=type(value).__name__)
    text = nfc(value)
    if text in _NO_AMOUNT:
        return None, None
    if len(text) > _MAX_TEXT:
        return None, Problem("problem.too_long_count")
    folded = fold(text).rstrip(" .;:")
    if folded.startswith("(") and folded.endswith(")"):
        folded = folded[1:-1].strip()
    if folded in _NO_AMOUNT:
        return None, None
    m = _COUNT_RANGE.fullmatch(folded)
    if m:
        return None, Problem("problem.count_range", low=m.group(1), high=m.group(2))
    m = _COUNT_RE.fullmatch(folded)
    if m is None:
        if re.search(r"\d[.,]\d", folded):
            return None, Problem("problem.not_whole")
        return None, Problem("problem.not_count", text=text[:40])
    if m.group("qual"):
        return None, Problem("problem.approximate_count", text=text[:40])
    return int(re.sub(r"[.,]", "", m.group("num"))), None


def parse_count(value: object) -> tuple[int | None, str | None]:
    """Read a count of projects: (count, None), (None, reason), or (None, None) for an empty cell.

    "03" → 3, "25 đề án" → 25, 3.0 → 3; ranges ("10 - 15") and qualified counts ("hơn 20") are not a
    single count, so they come back as (None, reason) instead of a guessed bound. Never raises.
    """
    try:
        return _parse_count_impl(value)
    except Exception as exc:  # never raise, as parse_amount
        return None, Problem("problem.unreadable", error=type(exc).__name__)


# --------------------------------------------------------------------------------------------------
# Vectorised numeric path
# --------------------------------------------------------------------------------------------------

_RISKY_ABOVE = 2.0**40  # beyond this a float product may be off by > 1/4000 đồng


def parse_amounts_numeric(values: NDArray[np.floating] | ArrayLike, multiplier: int) -> NDArray[np.int64]:
    """Numeric cells × multiplier → int64 đồng, the same result as parse_amount, at numpy speed.

    Why not plain ``np.rint(values * multiplier)``: a float product can land on the wrong side of .5 where
    the decimal value (``Decimal(repr(x))``, what the officer typed) does not; the few elements near a
    half or very large are recomputed exactly. Values must be finite: mask NaN (empty cells) first.
    Raises ValueError for non-finite values or results outside int64.
    """
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0:
        return np.zeros(arr.shape, dtype=np.int64)
    if not np.isfinite(arr).all():
        raise ValueError("parse_amounts_numeric: values must be finite (mask NaN/inf first)")
    mult = int(multiplier)
    product = arr * float(mult)
    rounded = np.rint(product)
    if np.abs(rounded).max() >= 2.0**63:
        raise ValueError("parse_amounts_numeric: amount outside int64")
    out = rounded.astype(np.int64)
    risky = (np.abs(np.abs(product - np.trunc(product)) - 0.5) < 1e-3) | (np.abs(product) >= _RISKY_ABOVE)
    if risky.any():
        flat_in, flat_out = arr.reshape(-1), out.reshape(-1)
        for idx in np.flatnonzero(risky.reshape(-1)):
            exact = _CTX.multiply(Decimal(repr(float(flat_in[idx]))), Decimal(mult))
            value = int(exact.to_integral_value(rounding=ROUND_HALF_EVEN))
            if abs(value) > _INT64_MAX:
                raise ValueError("parse_amounts_numeric: amount outside int64")
            flat_out[idx] = value
    return out


# --------------------------------------------------------------------------------------------------
# Unit statements in free text
# --------------------------------------------------------------------------------------------------

# Words that make "đồng" something other than money: cộng đồng is caught by context, but "nghìn đồng bào",
# "Đồng Nai", "đồng bộ" follow the word, so they are excluded after it (vocab/unit_words.csv).
_NOT_MONEY_AFTER_DONG = vocab.alternation(vocab.folded_words("unit_words", "not_money_after_dong"))
_CUR_D = rf"(?<![a-z])(?:{_CUR_ALT})(?![a-z])(?!\s+(?:{_NOT_MONEY_AFTER_DONG})(?![a-z]))"
_MAG_D = rf"(?<![a-z])(?:{_MAG_ALT})(?![a-z])"
_POWER_D = r"(?<![\d.,])1(?:[., ]?000){1,3}(?![\d])"
_UNIT_EXPR = rf"(?:{_MAG_D}(?:\s*{_CUR_D})?|vnd\s*(?:{_MAG_EN_ALT})(?![a-z])|{_POWER_D}\s*{_CUR_D}|{_CUR_D})"
_RATIO_WORDS = vocab.alternation(vocab.folded_words("unit_words", "not_ratio_after_ty"))  # tỷ lệ, tỷ trọng, tỷ giá
_NOT_RATIO = rf"(?!\s*(?:{_RATIO_WORDS})(?![a-z]))"
_STATEMENT_ALT = vocab.alternation(vocab.folded_words("unit_words", "statement"))  # 'ĐVT', 'Đơn vị tính', 'Unit'

_DETECT_RES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        # 1. explicit statement: "ĐVT: triệu đồng", "Đơn vị tính: 1.000 đồng", "Unit: VND million"
        rf"(?<![a-z])(?:{_STATEMENT_ALT})\s*[:.]?\s*[(\[]?\s*(?P<u>{_UNIT_EXPR}){_NOT_RATIO}",
        # 2. in brackets: "Kinh phí (tỷ đồng)", "(triệu)", "[VND]"
        rf"[(\[]\s*(?P<u>{_UNIT_EXPR})\s*[)\]]",
        # 3. magnitude + currency anywhere: "triệu đồng", "tr.đ", "billion VND", "VND billion"
        rf"(?P<u>{_MAG_D}\s*{_CUR_D}|(?<![a-z])vnd\s*(?:{_MAG_EN_ALT})(?![a-z]))",
        # 4. a magnitude right after a number: "3,6 tỷ", "2 tr"
        rf"\d\s*(?P<u>{_MAG_D}){_NOT_RATIO}",
        # 5. the whole text is a unit: "tỉ", "Triệu", "đồng"
        rf"^\s*(?P<u>{_UNIT_EXPR})\s*[.:]?\s*$",
        # 6. VND / VNĐ anywhere
        r"(?<![a-z])(?P<u>vnd)(?![a-z])",
    )
)
_MAG_FIND = re.compile(rf"(?<![a-z])(?:{_MAG_ALT})(?![a-z])")
_POWER_FIND = re.compile(_POWER_D)


def _unit_of_expr(expr: str) -> Unit:
    """Map a matched unit expression to its Unit: a magnitude word, a '1.000' power, else đồng."""
    m = _MAG_FIND.search(expr)
    if m:
        return UNITS[_FORMS[m.group(0)].unit]
    m = _POWER_FIND.search(expr)
    if m:
        zeros = len(re.sub(r"\D", "", m.group(0))) - 1
        return {3: UNITS["nghin"], 6: UNITS["trieu"], 9: UNITS["ty"]}[zeros]
    return UNITS["dong"]


@lru_cache(maxsize=16_384)
def _detect_unit_cached(text: str) -> Unit | None:
    folded = fold(nfc(text))
    if not folded or len(folded) > 2_000:
        return None
    for pattern in _DETECT_RES:
        m = pattern.search(folded)
        if m:
            return _unit_of_expr(m.group("u"))
    return None


def detect_unit(text: str) -> Unit | None:
    """Find a unit statement in free text (title, unit row, header); None when the text states none.

    Diacritic- and case-insensitive. A bare "đồng" counts only in a unit context (after "ĐVT:", in
    brackets, after a magnitude word or alone), so "cộng đồng", "hợp đồng", "Đồng Nai" are not units;
    "tỷ lệ" (ratio) is not "tỷ".
    """
    if not isinstance(text, str):
        return None
    try:
        return _detect_unit_cached(text)
    except Exception:  # a unit finder must not break layout detection
        return None


# --------------------------------------------------------------------------------------------------
# Cells read over and over: exact shortcuts, memoised
# --------------------------------------------------------------------------------------------------


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
