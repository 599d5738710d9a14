"""Vietnamese (and English) formatting of amounts, percentages and tables.

Why: Vietnamese prints dot = thousands and comma = decimal ("3.918 triệu đồng", "2,52 tỷ đồng"); a chart or
table that prints "3,918" means 3,918 to an English reader and 3 918 thousandths to a Vietnamese one. Every
number shown by the charts, the brief and the notebook tables goes through this module so that one rule
applies everywhere. Rounding is exact (Decimal, half away from zero) because amounts are integers in đồng.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.ticker import Formatter

from analysis.text import fold

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

LANGS: tuple[str, ...] = ("vi", "en")
NA_REP = "–"
# Narrow no-break space between a number and "%" in Vietnamese (keeps "12,5 %" on one line).
PCT_SEP_VI = "\u202f"

# unit code -> (đồng per unit, Vietnamese unit words, English word after the number, auto-decimals)
_UNITS: dict[str, tuple[int, str, str, int]] = {
    "dong": (1, "đồng", "", 0),
    "nghin": (1_000, "nghìn đồng", "thousand", 0),
    "trieu": (1_000_000, "triệu đồng", "million", 1),
    "ty": (1_000_000_000, "tỷ đồng", "billion", 2),
}
_UNIT_ALIASES: dict[str, str] = {
    "dong": "dong",
    "vnd": "dong",
    "d": "dong",
    "nghin": "nghin",
    "nghin dong": "nghin",
    "ngan": "nghin",
    "thousand": "nghin",
    "trieu": "trieu",
    "trieu dong": "trieu",
    "million": "trieu",
    "ty": "ty",
    "ti": "ty",
    "ty dong": "ty",
    "ti dong": "ty",
    "billion": "ty",
    "auto": "auto",
}
# Auto unit thresholds: provincial reports print triệu đồng up to tens of thousands of triệu
# (55.306 triệu đồng); national totals are printed in tỷ đồng (230,9 tỷ đồng).
AUTO_TY_FROM_VND = 100_000_000_000
AUTO_TRIEU_FROM_VND = 1_000_000


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def normalize_unit(unit: str) -> str:
    """Map 'trieu', 'triệu đồng', 'tỉ', 'million', … to one unit code ('dong', 'nghin', 'trieu', 'ty', 'auto')."""
    key = fold(str(unit)).replace("_", " ").strip()
    if key not in _UNIT_ALIASES:
        raise ValueError(f"unknown unit {unit!r}; use one of 'auto', 'dong', 'nghin', 'trieu', 'ty'")
    return _UNIT_ALIASES[key]


def _is_missing(x: object) -> bool:
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    if isinstance(x, str | Decimal):
        return False
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _to_decimal(x: object) -> Decimal:
    if isinstance(x, Decimal):
        return x
    if isinstance(x, numbers.Integral):
        return Decimal(int(x))
    try:
        # repr() of a float is the shortest string that round-trips: 2.675 stays 2.675, not 2.67499…
        return Decimal(repr(float(x)))  # type: ignore[arg-type]
    except (TypeError, ValueError, InvalidOperation) as exc:
        raise TypeError(f"not a number: {x!r}") from exc


def _group(digits: str, sep: str) -> str:
    out = []
    for i, ch in enumerate(reversed(digits)):
        if i and i % 3 == 0:
            out.append(sep)
        out.append(ch)
    return "".join(reversed(out))


def _render(value: Decimal, decimals: int, lang: str, strip_zeros: bool = False) -> str:
    """Round half away from zero and print with the language's separators; sign is '-' when negative."""
    quant = Decimal(1).scaleb(-decimals) if decimals > 0 else Decimal(1)
    rounded = value.quantize(quant, rounding=ROUND_HALF_UP)
    negative = rounded < 0
    text = f"{abs(rounded):.{max(decimals, 0)}f}"
    int_part, _, frac_part = text.partition(".")
    if strip_zeros:
        frac_part = frac_part.rstrip("0")
    thousands, decimal_mark = (".", ",") if lang == "vi" else (",", ".")
    body = _group(int_part, thousands) + (decimal_mark + frac_part if frac_part else "")
    return ("-" if negative and body.strip("0.,") else "") + body


def format_number(x: object, decimals: int = 0, lang: str = "vi", na_rep: str = NA_REP) -> str:
    """Format a number the Vietnamese way ('3.918', '2,52') or the English way ('3,918', '2.52')."""
    _check_lang(lang)
    if _is_missing(x):
        return na_rep
    return _render(_to_decimal(x), decimals, lang)


def _auto_unit(amount_vnd: Decimal) -> str:
    a = abs(amount_vnd)
    if a >= AUTO_TY_FROM_VND:
        return "ty"
    if a >= AUTO_TRIEU_FROM_VND or a == 0:
        return "trieu" if a else "dong"
    return "dong"


def resolve_unit(amount_vnd: object, unit: str = "auto") -> str:
    """The unit code a given amount is shown in ('auto' picks triệu below 100 tỷ, tỷ above, đồng below 1 triệu)."""
    code = normalize_unit(unit)
    if code != "auto":
        return code
    if _is_missing(amount_vnd):
        return "trieu"
    return _auto_unit(_to_decimal(amount_vnd))


def scale_vnd(amount_vnd: object, unit: str) -> float:
    """An amount in đồng expressed in `unit` (for plotting: 3_918_000_000 in 'trieu' → 3918.0)."""
    code = normalize_unit(unit)
    if code == "auto":
        raise ValueError("scale_vnd needs a concrete unit, not 'auto'")
    if _is_missing(amount_vnd):
        return math.nan
    return float(_to_decimal(amount_vnd) / _UNITS[code][0])


def unit_label(unit: str, lang: str = "vi", capitalize: bool = False) -> str:
    """Words for a unit: 'triệu đồng' / 'VND million' (for axis labels, table captions, source notes)."""
    _check_lang(lang)
    code = normalize_unit(unit)
    if code == "auto":
        raise ValueError("unit_label needs a concrete unit, not 'auto'")
    _, vi_words, en_word, _ = _UNITS[code]
    text = vi_words if lang == "vi" else ("VND " + en_word).strip()
    return text[:1].upper() + text[1:] if capitalize else text


def _amount_text(value: Decimal, code: str, decimals: int | None, lang: str) -> str:
    per_unit, _, _, auto_decimals = _UNITS[code]
    scaled = value / per_unit
    if decimals is None:
        return _render(scaled, auto_decimals, lang, strip_zeros=True)
    return _render(scaled, decimals, lang)


def _with_unit(number: str, code: str, lang: str, sign: str = "") -> str:
    _, vi_words, en_word, _ = _UNITS[code]
    if lang == "vi":
        return f"{sign}{number} {vi_words}"
    return f"{sign}VND {number}" + (f" {en_word}" if en_word else "")


def format_vnd(
    amount_vnd: object,
    unit: str = "auto",
    lang: str = "vi",
    decimals: int | None = None,
    na_rep: str = NA_REP,
) -> str:
    """'3.918 triệu đồng', '2,52 tỷ đồng' / 'VND 3,918 million', 'VND 2.52 billion'.

    `decimals=None` prints as many decimals as the value needs, up to 1 for triệu and 2 for tỷ
    (262 500 000 → '262,5 triệu đồng'); an explicit number always prints that many.
    """
    _check_lang(lang)
    if _is_missing(amount_vnd):
        return na_rep
    value = _to_decimal(amount_vnd)
    code = resolve_unit(value, unit)
    text = _amount_text(value, code, decimals, lang)
    if text.startswith("-"):
        return _with_unit(text[1:], code, lang, sign="-")
    return _with_unit(text, code, lang)


def format_amount(
    amount_vnd: object,
    unit: str = "trieu",
    lang: str = "vi",
    decimals: int | None = None,
    na_rep: str = NA_REP,
) -> str:
    """The number only, in `unit` ('3.918' for 3 918 000 000 in triệu): for table cells under a unit caption."""
    _check_lang(lang)
    if _is_missing(amount_vnd):
        return na_rep
    value = _to_decimal(amount_vnd)
    return _amount_text(value, resolve_unit(value, unit), decimals, lang)


def format_change(
    delta_vnd: object,
    unit: str = "auto",
    lang: str = "vi",
    decimals: int | None = None,
    na_rep: str = NA_REP,
) -> str:
    """A change with an explicit sign: '+300 triệu đồng', '-1,2 tỷ đồng', '+VND 300 million'; zero has no sign."""
    _check_lang(lang)
    if _is_missing(delta_vnd):
        return na_rep
    value = _to_decimal(delta_vnd)
    code = resolve_unit(value, unit)
    text = _amount_text(value, code, decimals, lang)
    sign = "-" if text.startswith("-") else ("+" if text.strip("0.,") else "")
    return _with_unit(text.lstrip("-"), code, lang, sign=sign)


def format_pct(
    x: object, lang: str = "vi", decimals: int = 1, signed: bool = False, na_rep: str = NA_REP
) -> str:
    """A ratio as a percentage: 0.125 → '12,5 %' (vi, narrow no-break space) / '12.5%' (en).

    Ratios, not percentages, go in (0.0829 → '8,3 %'), as pandas' pct_change returns them.
    """
    _check_lang(lang)
    if _is_missing(x):
        return na_rep
    text = _render(_to_decimal(x) * 100, decimals, lang)
    if signed and not text.startswith("-") and text.strip("0.,"):
        text = "+" + text
    return text + (PCT_SEP_VI + "%" if lang == "vi" else "%")


def format_change_pct(x: object, lang: str = "vi", decimals: int = 1, na_rep: str = NA_REP) -> str:
    """A relative change with an explicit sign: 0.0829 → '+8,3 %'."""
    return format_pct(x, lang=lang, decimals=decimals, signed=True, na_rep=na_rep)


def format_ratio(x: object, lang: str = "vi", decimals: int = 1, na_rep: str = NA_REP) -> str:
    """A multiple such as leverage: 14.12 → '14,1 lần' (vi) / '14.1×' (en)."""
    _check_lang(lang)
    if _is_missing(x):
        return na_rep
    text = _render(_to_decimal(x), decimals, lang)
    return f"{text} lần" if lang == "vi" else f"{text}×"


def format_points(x: object, lang: str = "vi", decimals: int = 1, na_rep: str = NA_REP) -> str:
    """A change of a share in percentage points, signed: -0.127 → '-12,7 điểm %' (vi) / '-12.7 pp' (en).

    Why not '%': the share went from 40 % to 27,3 %, which is 12,7 points, not a 12,7 % fall.
    """
    _check_lang(lang)
    if _is_missing(x):
        return na_rep
    text = _render(_to_decimal(x) * 100, decimals, lang)
    if not text.startswith("-") and text.strip("0.,"):
        text = "+" + text
    return text + (" điểm %" if lang == "vi" else " pp")


def _column_decimals(series: pd.Series, unit: str) -> int:
    """The decimals of an amount column in ``unit``: the fewest that print every value exactly, up to the
    unit's usual precision (1 for triệu, 2 for tỷ)."""
    code = normalize_unit(unit)
    if code == "auto":
        return 0
    per_unit, _, _, max_decimals = _UNITS[code]
    values = [float(_to_decimal(v) / per_unit) for v in series.tolist() if not _is_missing(v)]
    return _common_decimals(values, max_decimals)


def format_count(x: object, lang: str = "vi", na_rep: str = NA_REP) -> str:
    """A whole count with thousands separators ('1.250' / '1,250')."""
    return format_number(x, 0, lang, na_rep=na_rep)


def _common_decimals(values: Iterable[float], max_decimals: int) -> int:
    """Fewest decimals (≤ max) that print every tick exactly, so one axis uses one precision."""
    vals = [v for v in values if v is not None and not math.isnan(v)]
    for d in range(max_decimals + 1):
        if all(abs(round(v, d) - v) < 1e-9 * max(1.0, abs(v)) for v in vals):
            return d
    return max_decimals


class VndFormatter(Formatter):
    """Tick formatter for axes whose data are in đồng: shows the number in `unit` with the language's separators.

    The unit itself belongs in the axis label (see unit_label); ticks stay short.
    """

    def __init__(self, unit: str = "trieu", lang: str = "vi", max_decimals: int = 2) -> None:
        code = normalize_unit(unit)
        if code == "auto":
            raise ValueError("an axis needs one concrete unit, not 'auto'")
        self.unit = code
        self.lang = _check_lang(lang)
        self.max_decimals = max_decimals
        self._decimals = 0

    def _scaled(self, x: float) -> float:
        return x / _UNITS[self.unit][0]

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        scaled = [self._scaled(v) for v in values]
        self._decimals = _common_decimals(scaled, self.max_decimals)
        return [_render(_to_decimal(v), self._decimals, self.lang) for v in scaled]

    def __call__(self, x: float, pos: int | None = None) -> str:
        scaled = self._scaled(x)
        decimals = _common_decimals([scaled], self.max_decimals)
        return _render(_to_decimal(scaled), decimals, self.lang)


class NumberFormatter(Formatter):
    """Tick formatter for plain numbers (counts, multiples) with Vietnamese/English separators."""

    def __init__(self, lang: str = "vi", max_decimals: int = 2, suffix: str = "") -> None:
        self.lang = _check_lang(lang)
        self.max_decimals = max_decimals
        self.suffix = suffix

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        d = _common_decimals(values, self.max_decimals)
        return [_render(_to_decimal(v), d, self.lang) + self.suffix for v in values]

    def __call__(self, x: float, pos: int | None = None) -> str:
        return _render(_to_decimal(x), _common_decimals([x], self.max_decimals), self.lang) + self.suffix


class PctFormatter(Formatter):
    """Tick formatter for ratios shown as percentages ('25 %' / '25%')."""

    def __init__(self, lang: str = "vi", max_decimals: int = 1) -> None:
        self.lang = _check_lang(lang)
        self.max_decimals = max_decimals

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        d = _common_decimals([v * 100 for v in values], self.max_decimals)
        return [format_pct(v, self.lang, d) for v in values]

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_pct(x, self.lang, _common_decimals([x * 100], self.max_decimals))


def vnd_axis_formatter(unit: str = "trieu", lang: str = "vi") -> VndFormatter:
    """Formatter for an axis plotted in đồng: `ax.yaxis.set_major_formatter(vnd_axis_formatter('trieu'))`."""
    return VndFormatter(unit, lang)


def pct_axis_formatter(lang: str = "vi") -> PctFormatter:
    """Formatter for an axis of ratios shown as percentages."""
    return PctFormatter(lang)


# ---- tables -------------------------------------------------------------------------------------------

_AMOUNT_SUFFIXES = ("_vnd",)
_RATIO_NAMES = ("share", "rate", "pct", "ratio_pct")
_MULTIPLE_NAMES = ("leverage",)


def _column_kind(name: str) -> str | None:
    n = str(name).lower()
    if n.endswith(_AMOUNT_SUFFIXES) or n == "amount":
        return "amount"
    if n == "share_change":  # a difference of two shares: percentage points, not a percentage
        return "points"
    if any(n == k or n.startswith(k + "_") or n.endswith("_" + k) for k in _RATIO_NAMES) or "share" in n:
        return "pct"
    if any(k in n for k in _MULTIPLE_NAMES):
        return "ratio"
    if n == "year" or n.endswith("_year") or n.startswith("year_"):
        return "year"
    return None


def format_bool(x: object, lang: str = "vi", na_rep: str = NA_REP) -> str:
    """A yes/no cell: 'có' / 'không' (vi), 'yes' / 'no' (en); missing → na_rep."""
    _check_lang(lang)
    if _is_missing(x):
        return na_rep
    yes, no = ("có", "không") if lang == "vi" else ("yes", "no")
    return yes if bool(x) else no


def _signed(text: str) -> str:
    return text if text.startswith("-") or not text.strip("0.,") else "+" + text


def table_formatters(
    df: pd.DataFrame, lang: str = "vi", unit: str = "trieu"
) -> dict[str, Callable[[object], str]]:
    """Cell formatters for the numeric columns, by name: '*_vnd' amounts (in `unit`), shares/rates as %,
    leverage as a multiple, years plain, other integers as counts, other floats with 2 decimals; columns
    whose name says 'change' get an explicit sign ('+300', '+8,3 %'); booleans read 'có' / 'không'."""
    _check_lang(lang)
    out: dict[str, Callable[[object], str]] = {}
    for col in df.columns:
        series = df[col]
        if pd.api.types.is_bool_dtype(series):
            out[col] = lambda v: format_bool(v, lang)
            continue
        if not pd.api.types.is_numeric_dtype(series):
            continue
        kind = _column_kind(str(col))
        change = "change" in str(col).lower()
        if kind == "amount":
            # one precision per column: '3.845,3' above '4.322,0', never '4.322' (fewest decimals that show
            # every value exactly, at most the unit's usual precision)
            d = _column_decimals(series, unit)
            if change:
                out[col] = lambda v, _u=unit, _d=d: NA_REP if _is_missing(v) else _signed(format_amount(v, _u, lang, _d))
            else:
                out[col] = lambda v, _u=unit, _d=d: format_amount(v, _u, lang, _d)
        elif kind == "points":
            out[col] = lambda v: format_points(v, lang)
        elif kind == "pct" and change:
            out[col] = lambda v: format_change_pct(v, lang)
        elif kind == "pct":
            out[col] = lambda v: format_pct(v, lang)
        elif kind == "ratio":
            out[col] = lambda v: format_ratio(v, lang, 2)
        elif kind == "year":
            out[col] = lambda v: NA_REP if _is_missing(v) else str(int(v))  # type: ignore[call-overload]
        elif pd.api.types.is_integer_dtype(series):
            out[col] = lambda v: format_count(v, lang)
        else:
            out[col] = lambda v: format_number(v, 2, lang)
    return out


def format_table(df: pd.DataFrame, lang: str = "vi", unit: str = "trieu") -> pd.DataFrame:
    """A copy of `df` with every number turned into Vietnamese/English text (for Markdown, CSV for Word, …)."""
    fmts = table_formatters(df, lang, unit)
    out = df.copy()
    for col, f in fmts.items():
        out[col] = [f(v) for v in df[col]]
    return out


def _relabel(mapping: Mapping[object, str] | Callable[[object], str]) -> Callable[[object], str]:
    """A display formatter from a mapping or function; the result is HTML-escaped, unknown values kept."""
    import html

    def show(value: object) -> str:
        raw = html.unescape(value) if isinstance(value, str) else value
        if callable(mapping):
            text = mapping(raw)
        else:
            try:
                text = mapping.get(raw, raw)  # type: ignore[call-overload]
            except TypeError:  # unhashable cell
                text = raw
        return html.escape(str(text))

    return show


def style_table(
    df: pd.DataFrame,
    lang: str = "vi",
    unit: str = "trieu",
    caption: str | None = None,
    *,
    headers: Mapping[object, str] | Callable[[object], str] | None = None,
    values: Mapping[object, Mapping[object, str] | Callable[[object], str]] | None = None,
) -> Styler:
    """A pandas Styler that shows amounts the Vietnamese way, with the unit in the caption; HTML-escaped.

    Why a Styler: notebooks and exported HTML keep the numbers numeric underneath (sorting, copying) while
    showing '3.918' instead of '3918000000'. Text cells and headers are escaped (escape='html'), so a title
    copied from a spreadsheet cannot inject markup into a shared HTML report.

    headers: column name → heading shown (mapping or function); values: column → (code → text shown), e.g.
    {'stage': {'plan': 'Kế hoạch'}}. Both only change what is displayed: the data and the number formats
    (chosen from the column names) stay as they are. analysis.charts.table_labels(lang) gives both.
    """
    code = normalize_unit(unit)
    if code == "auto":
        raise ValueError("a table needs one concrete unit, not 'auto'")
    fmts = table_formatters(df, lang, code)
    right = [c for c in fmts if not pd.api.types.is_bool_dtype(df[c])]
    for col, mapping in (values or {}).items():
        if col in df.columns and col not in fmts:
            fmts[col] = _relabel(mapping)
    styler = df.style.format(formatter=fmts, escape="html", na_rep=NA_REP)
    styler = styler.format_index(escape="html", axis=0)
    if headers is not None:
        styler = styler.format_index(_relabel(headers), axis=1)
    else:
        styler = styler.format_index(escape="html", axis=1)
    if right:
        styler = styler.set_properties(subset=right, **{"text-align": "right"})
    if caption is None and any(_column_kind(str(c)) == "amount" for c in df.columns):
        caption = ("Đơn vị: " if lang == "vi" else "Unit: ") + unit_label(code, lang)
    if caption:
        import html

        styler = styler.set_caption(html.escape(caption))
    return styler.hide(axis="index")
