"""Slide-ready charts in one house style, Vietnamese or English, from the tidy table and published figures.

Why: analysts paste these into ministry slide decks. Every chart therefore states its unit and source, marks
illustrative data visibly, formats numbers the Vietnamese way (via analysis.fmt), takes every word from one
label table (labels.csv), gives each funding source and each programme the same colour everywhere, and is
saved at exactly 1920 × 1080 px (16 × 9 in at 120 dpi) with SVG text as paths.

Chart functions return a matplotlib Figure built without pyplot (no global figure registry, no double display
in notebooks); the house style is applied while the figure is built, whatever theme the notebook set.
"""

from __future__ import annotations

import io
import math
import re
import string
import textwrap
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, NamedTuple, ParamSpec, TypeVar
from urllib.parse import urlparse

import matplotlib as mpl
import matplotlib.style as mstyle
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from analysis import config, fmt, metrics, reference_data, vocab
from analysis.text import fold, nfc

PACKAGE_DIR = Path(__file__).resolve().parent
STYLE_PATH = PACKAGE_DIR / "style" / "khuyencong.mplstyle"
LABELS_PATH = vocab.LABELS_CSV
SLIDE_SIZE_IN: tuple[float, float] = (16.0, 9.0)
SLIDE_DPI = 120
SLIDE_PX: tuple[int, int] = (1920, 1080)
# Notebook and HTML display: 1536 × 864 px, sharp in a page column on high-density screens, lighter to embed.
INLINE_DPI = 96

# Okabe & Ito (2008), colour-blind safe: one colour per funding source, in every chart.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
SOURCE_COLORS: dict[str, str] = {
    "national": OKABE_ITO["blue"],
    "local": OKABE_ITO["bluish_green"],
    "counterpart": OKABE_ITO["orange"],
    "unspecified": "#999999",
    "other": OKABE_ITO["reddish_purple"],
}
# Paul Tol's "muted" scheme (colour-blind safe, 9 hues + grey): one colour per programme code.
PROGRAM_COLORS: dict[str, str] = {
    "demonstration": "#332288",
    "training": "#88CCEE",
    "management": "#44AA99",
    "products": "#117733",
    "consulting": "#999933",
    "information": "#DDCC77",
    "cooperation": "#CC6677",
    "international": "#882255",
    "capacity": "#AA4499",
    "other": "#AAAAAA",
    "": "#DDDDDD",
}
STAGE_COLORS: dict[str, str] = {"plan": "#BDBDBD", "actual": "#1F3A5F"}
SERIES_COLORS: dict[str, str] = {
    "nominal": "#1F3A5F",
    "real": OKABE_ITO["vermillion"],
    "highlight": "#1F3A5F",
    "muted": "#8FA3BF",
    "neutral": "#44546A",
    "collab_district": "#1F3A5F",
    "collab_commune": "#8FA3BF",
    "collab_total": "#BDBDBD",
    "target": "#000000",
}
TEXT_COLOR = "#222222"
MUTED_TEXT = "#4D4D4D"
BADGE_COLOR = OKABE_ITO["vermillion"]
# Font sizes in points (1 pt = 1.67 px at 120 dpi): the smallest, 12.5 pt, is 21 px on a 1080-px slide.
FONT = {"title": 24.0, "subtitle": 16.0, "value": 14.0, "note": 12.5, "badge": 16.0, "tick": 15.0}

P = ParamSpec("P")
R = TypeVar("R")


# ---- labels --------------------------------------------------------------------------------------------


def _labels() -> dict[str, dict[str, str]]:
    return vocab.labels()


def label_keys() -> list[str]:
    """All keys of labels.csv (for tests and for translators)."""
    return list(_labels())


def label(key: str, lang: str = "vi", **values: object) -> str:
    """The text for `key` in `lang` from labels.csv, with {placeholders} filled from `values` (analysis.vocab)."""
    return vocab.label(key, lang, **values)


def program_label(code: str | None, lang: str = "vi") -> str:
    """Short programme name for charts ('' or unknown codes → 'Chưa phân loại')."""
    key = f"program.{code}" if code and f"program.{code}" in _labels() else "program.unknown"
    return label(key, lang)


def source_label(source: str, lang: str = "vi") -> str:
    """Legend name of a funding source ('KCQG (quốc gia)' / 'National (KCQG)')."""
    return label(f"source.{source}", lang)


def stage_label(stage: str, lang: str = "vi", short: bool = False) -> str:
    """'Kế hoạch' / 'Thực hiện' (short: 'KH' / 'TH')."""
    return label(f"stage_short.{stage}" if short else f"stage.{stage}", lang)


def unspecified_stage_note(df: pd.DataFrame, lang: str = "vi", unit: str = "trieu") -> str:
    """' Ngoài ra 200 triệu đồng không rõ kế hoạch/thực hiện (2021), không vẽ.' — amounts whose sheet says
    neither plan nor actual are named beside a plan/actual chart, never drawn as either; '' when none."""
    unspecified = metrics.support_by_year(df, metrics.UNSPECIFIED_STAGE)
    if unspecified.empty:
        return ""
    years = ", ".join(str(int(y)) for y in unspecified["year"].dropna())
    amount = fmt.format_vnd(int(unspecified["support_vnd"].sum()), unit=unit, lang=lang)
    return " " + label("note.unspecified_not_drawn", lang, amount=amount, years=years or "–")


def no_stage_note(stage: str, lang: str = "vi") -> str:
    """'Chưa có số liệu kế hoạch nào trong dữ liệu.' — said instead of drawing a chart of a stage the data lack."""
    return label("note.no_stage", lang, stage=stage_label(stage, lang).lower())


_YEAR_AMOUNT_COLUMN = re.compile(r"^(\d{4})(?:_(plan|actual))?_vnd$")


def column_label(column: object, lang: str = "vi", table: str | None = None, **values: object) -> str:
    """The heading of a metrics column in `lang`: 'col.<table>.<column>', else 'col.<column>' in labels.csv;
    '<year>_vnd' → the year, '<year>_<stage>_vnd' → 'Kế hoạch 2017'; unknown columns keep their name. {placeholders} ({base}, {a}, {b}) are filled
    from `values`, else from the generic 'value.placeholder.*' words."""
    name = str(column)
    labels = _labels()
    key = next((k for k in (f"col.{table}.{name}" if table else "", f"col.{name}") if k in labels), None)
    if key is None:
        match = _YEAR_AMOUNT_COLUMN.match(name)
        if not match:
            return name
        year, stage = match.groups()
        return f"{stage_label(stage, lang)} {year}" if stage else year
    text = label(key, lang)
    fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
    filled = {f: values[f] if f in values else label(f"value.placeholder.{f}", lang) for f in fields}
    return text.format(**filled) if filled else text


def table_labels(lang: str = "vi", table: str | None = None, **values: object) -> dict[str, Any]:
    """Display labels for fmt.style_table, as keyword arguments: headings for metrics columns and words for
    the codes in them (stage, funding source, programme, unknown district, published-figure terms).

    Usage: ``fmt.style_table(df, lang, **charts.table_labels(lang, base=2017))``. `table` picks
    table-specific headings ('collaborators': its 'district' column is a count, not a place).
    """
    if lang not in fmt.LANGS:
        raise ValueError(f"lang must be one of {fmt.LANGS}, got {lang!r}")
    codes: dict[str, Any] = {
        "stage": {s: stage_label(s, lang) for s in metrics.STAGES},
        "funding_source": {s: source_label(s, lang) for s in (*metrics.FUNDING_SOURCES, "total")},
        "program": {c: program_label(c, lang) for c in (*reference_data.PROGRAM_CODES, "")},
        "district": {"": label("district.unknown", lang)},
        "top_district": {"": label("district.unknown", lang)},
    }
    for key in _labels():
        parts = key.split(".", 2)
        if parts[0] == "value" and len(parts) == 3 and parts[1] != "placeholder":
            codes.setdefault(parts[1], {})[parts[2]] = label(key, lang)
    words = dict(codes.get("qualifier", {}))
    codes["qualifiers"] = lambda v: "; ".join(words.get(q, q) for q in str(v).split(";") if q)  # type: ignore[assignment]
    return {
        "headers": lambda c: column_label(c, lang, table, **values),
        "values": codes,
    }


# ---- style ---------------------------------------------------------------------------------------------


def figure_png(fig: Figure, dpi: float = INLINE_DPI) -> bytes:
    """The figure as PNG bytes in the house style (for notebook display; slides use save_for_slides)."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buf = io.BytesIO()
    with mstyle.context(STYLE_PATH):
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


def show_figures_in_ipython() -> bool:
    """Let IPython/Jupyter display a chart Figure (the last expression of a cell, or display(fig)) as a PNG.

    Why: chart functions build figures without pyplot, so the inline backend never sees them and a cell would
    print '<Figure size 1920x1080 …>'. Returns False outside IPython (nothing to do).
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)
    return True


def use_style() -> None:
    """Apply the house style globally (call after any seaborn theme: it overrides every key a theme sets) and,
    in a notebook, show chart figures inline (show_figures_in_ipython)."""
    mstyle.use(STYLE_PATH)
    show_figures_in_ipython()


def _styled(func: Callable[P, R]) -> Callable[P, R]:
    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with mstyle.context(STYLE_PATH):
            return func(*args, **kwargs)

    return wrapper


def _new_figure() -> tuple[Figure, Axes]:
    fig = Figure(figsize=SLIDE_SIZE_IN, dpi=SLIDE_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _ink(color: str) -> str:
    """Dark or white text, whichever reads on `color`."""
    r, g, b = to_rgb(color)
    return TEXT_COLOR if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 else "white"


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.fill(part, width, break_long_words=False) for part in text.split("\n"))


def _px_to_fig_y(px: float) -> float:
    return px / SLIDE_PX[1]


def _line_px(points: float, spacing: float = 1.2) -> float:
    return points * SLIDE_DPI / 72 * spacing


def _frame(
    fig: Figure,
    *,
    title: str,
    subtitle: str,
    unit: str,
    source: str,
    lang: str,
    illustrative: bool,
) -> None:
    """Title, subtitle, unit-and-source note and the illustrative mark; keep axes between header and footer.

    A chart whose every panel says "no data" gets no subtitle: subtitles describe the data ('–; tổng trên đầu
    cột' would be noise)."""
    if fig.axes and all(getattr(ax, "_kc_no_data", False) for ax in fig.axes if ax.get_visible()):
        subtitle = ""
    margin_x = 48 / SLIDE_PX[0]
    y = 1 - _px_to_fig_y(26)
    title_txt = _wrap(title, 62 if illustrative else 76)
    fig.text(
        margin_x,
        y,
        title_txt,
        ha="left",
        va="top",
        fontsize=FONT["title"],
        weight="bold",
        color=TEXT_COLOR,
        gid="title",
    )
    y -= _px_to_fig_y(_line_px(FONT["title"]) * (title_txt.count("\n") + 1) + 8)
    if subtitle:
        sub_txt = _wrap(subtitle, 120)
        fig.text(
            margin_x,
            y,
            sub_txt,
            ha="left",
            va="top",
            fontsize=FONT["subtitle"],
            color=MUTED_TEXT,
            gid="subtitle",
        )
        y -= _px_to_fig_y(_line_px(FONT["subtitle"]) * (sub_txt.count("\n") + 1))
    header_bottom = y - _px_to_fig_y(14)
    if illustrative:
        fig.text(
            1 - margin_x,
            1 - _px_to_fig_y(28),
            label("mark.illustrative", lang),
            ha="right",
            va="top",
            fontsize=FONT["badge"],
            weight="bold",
            color="white",
            gid="illustrative",
            bbox={"boxstyle": "round,pad=0.4", "facecolor": BADGE_COLOR, "edgecolor": "none"},
        )
    note = _wrap(label("note.unit_source", lang, unit=unit, source=source), 150)
    foot_y = _px_to_fig_y(18)
    fig.text(
        margin_x,
        foot_y,
        note,
        ha="left",
        va="bottom",
        fontsize=FONT["note"],
        color=MUTED_TEXT,
        gid="source_note",
        linespacing=1.3,
    )
    footer_top = foot_y + _px_to_fig_y(_line_px(FONT["note"], 1.3) * (note.count("\n") + 1) + 14)
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0.012, footer_top, 0.976, header_bottom - footer_top), w_pad=6 / 72, h_pad=6 / 72)


def _short_source(text: str) -> str:
    """A citation short enough for a slide footer: a URL's host, or the parenthesised issuer of a report."""
    text = nfc(text)
    url = re.search(r"https?://\S+", text)
    if url:
        host = urlparse(url.group(0)).netloc
        return host[4:] if host.startswith("www.") else host
    paren = re.search(r"\(([^()]+)\)\s*$", text)
    if paren:
        return paren.group(1)
    return text if len(text) <= 80 else text[:77] + "…"


def _join_sources(sources: Sequence[str]) -> str:
    return "; ".join(dict.fromkeys(_short_source(s) for s in sources if s))


def _tidy_source(df: pd.DataFrame, lang: str) -> str:
    files = sorted({Path(str(f)).name for f in df.get("source_file", pd.Series(dtype=str)).dropna() if f})
    if not files:
        return label("note.source_tidy", lang, n=0, files="–")
    shown = ", ".join(files[:2])
    if len(files) > 2:
        shown += " " + label("label.more_files", lang, n=len(files) - 2)
    return label("note.source_tidy", lang, n=len(files), files=shown)


def _period(years: Sequence[int]) -> str:
    ys = sorted({int(y) for y in years})
    if not ys:
        return "–"
    return str(ys[0]) if ys[0] == ys[-1] else f"{ys[0]}–{ys[-1]}"


def _no_data(ax: Axes, text: str) -> None:
    ax._kc_no_data = True  # type: ignore[attr-defined]  # read by _frame
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=20, color=MUTED_TEXT)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def _annotate(
    ax: Axes,
    x: float,
    y: float,
    text: str,
    *,
    dx: float = 0,
    dy: float = 0,
    ha: str = "center",
    va: str = "center",
    color: str = TEXT_COLOR,
    size: float = FONT["value"],
    weight: str = "normal",
) -> Text:
    return ax.annotate(
        text,
        (x, y),
        xytext=(dx, dy),
        textcoords="offset points",
        ha=ha,
        va=va,
        color=color,
        fontsize=size,
        weight=weight,
        annotation_clip=False,
    )


def _make_room(fig: Figure, ax: Axes, texts: Sequence[Text], axis: str) -> None:
    """Widen the value axis until every direct label sits inside the axes (labels are sized in pixels)."""
    if not texts:
        return
    for _ in range(3):
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        box = ax.get_window_extent(renderer)
        extents = [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text()]
        if not extents:
            return
        if axis == "x":
            over = max(e.x1 for e in extents) - box.x1
            lo, hi = ax.get_xlim()
            if over <= 2:
                return
            ax.set_xlim(lo, hi + (over + 12) / max(box.width - over, 1) * (hi - lo))
        else:
            over = max(e.y1 for e in extents) - box.y1
            lo, hi = ax.get_ylim()
            if over <= 2:
                return
            ax.set_ylim(lo, hi + (over + 12) / max(box.height - over, 1) * (hi - lo))


def _spread(values: Sequence[float], min_gap: float, floor: float | None = None) -> list[float]:
    """Positions as close as possible to `values` but at least `min_gap` apart (for stacked direct labels),
    and none below `floor` (a label centred on a thin bottom segment would sit on the x-axis line)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    pos = [float(values[i]) for i in order]
    for i in range(1, len(pos)):
        pos[i] = max(pos[i], pos[i - 1] + min_gap)
    shift = (sum(pos) - sum(float(values[i]) for i in order)) / max(len(pos), 1)
    pos = [p - shift for p in pos]
    if floor is not None and pos:
        pos[0] = max(pos[0], floor)
    for i in range(1, len(pos)):
        pos[i] = max(pos[i], pos[i - 1] + min_gap)
    out = [0.0] * len(values)
    for i, p in zip(order, pos, strict=True):
        out[i] = p
    return out


def _legend_above(ax: Axes, handles: list[Any], ncol: int | None = None) -> None:
    if not handles:
        return  # nothing drawn, nothing to name
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0, 1.01),
        ncol=ncol or len(handles),
        frameon=False,
        borderaxespad=0.2,
        handletextpad=0.5,
    )


# Decimals of direct labels by unit: one precision for every label of a chart (a chart has one unit), so
# '2.150' never stands next to '62,5'. Whole triệu (the tables keep the exact amounts); tỷ with one decimal.
_LABEL_DECIMALS: dict[str, int] = {"dong": 0, "nghin": 0, "trieu": 0, "ty": 1}


def _amount(value: object, unit: str, lang: str) -> str:
    """A direct label in the chart's unit, with that unit's one precision ('3.715', '62' / '230,9 tỷ')."""
    code = fmt.normalize_unit(unit)
    if code == "auto":
        return fmt.format_amount(value, unit, lang)
    return fmt.format_amount(value, unit, lang, decimals=_LABEL_DECIMALS.get(code, 0))


def _y_amount_axis(ax: Axes, unit: str, lang: str, axis: str = "y") -> None:
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(fmt.vnd_axis_formatter(unit, lang))
    target.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(fmt.unit_label(unit, lang, capitalize=True))
    ax.grid(True, axis=axis)
    ax.grid(False, axis="x" if axis == "y" else "y")


def _hbar_axis(ax: Axes, labels: Sequence[str], fontsize: float = FONT["tick"], min_rows: int = 5) -> None:
    """Category labels on y, first row on top; a few rows keep a normal bar thickness."""
    ax.set_yticks(range(len(labels)), labels, fontsize=fontsize)
    ax.tick_params(axis="y", length=0)
    pad = max(0, min_rows - len(labels)) / 2
    ax.set_ylim(len(labels) - 0.4 + pad, -0.6 - pad)


def _x_categories(ax: Axes, n: int, extra_right: float = 0.0, min_slots: int = 4) -> None:
    """x limits for n categories at 0..n-1; few categories keep a normal bar width."""
    pad = max(0, min_slots - n) / 2
    ax.set_xlim(-0.6 - pad, n - 0.4 + pad + extra_right)


def _default_year(years: Sequence[int], year: int | None) -> int | None:
    if year is not None:
        return int(year)
    return int(max(years)) if len(years) else None


def _plan_actual_bars(
    ax: Axes, x: np.ndarray, values: Mapping[str, pd.Series], text: Callable[[Any], str], lang: str
) -> tuple[list[Patch], list[Text], float]:
    """Plan and actual bars side by side at each x, value on top; a category with one stage gets its bar on
    the tick, and a stage with no value at all gets no bar and no legend entry.

    ``values`` maps 'plan'/'actual' to series aligned with ``x``. Returns legend handles, value labels and the
    tallest bar.
    """
    width = 0.38
    both = (values["plan"].notna() & values["actual"].notna()).to_numpy()
    handles: list[Patch] = []
    texts: list[Text] = []
    top = 0.0
    for stage, offset in (("plan", -width / 2), ("actual", width / 2)):
        part = values[stage]
        mask = part.notna().to_numpy()
        if not mask.any():
            continue
        heights = part[mask].astype("float64").to_numpy()
        top = max(top, float(heights.max()))
        shift = np.where(both, offset, 0.0)[mask]
        bars = ax.bar(x[mask] + shift, heights, width, color=STAGE_COLORS[stage])
        for rect, v in zip(bars, part[mask], strict=True):
            texts.append(
                _annotate(ax, rect.get_x() + rect.get_width() / 2, rect.get_height(), text(v), dy=4, va="bottom")
            )
        handles.append(Patch(color=STAGE_COLORS[stage], label=stage_label(stage, lang)))
    return handles, texts, top


# ---- charts of the tidy table --------------------------------------------------------------------------


@_styled
def chart_support_by_year(
    df: pd.DataFrame,
    lang: str = "vi",
    illustrative: bool = False,
    *,
    unit: str = "trieu",
    source: str | None = None,
) -> Figure:
    """Plan vs actual support per year, amounts on the bars, execution rate under each year."""
    fig, ax = _new_figure()
    er = metrics.execution_rate(df)
    texts: list[Text] = []
    if er.empty:
        _no_data(ax, label("label.no_data", lang))
    else:
        x = np.arange(len(er))
        handles, texts, top = _plan_actual_bars(
            ax, x, {stage: er[f"{stage}_vnd"] for stage in metrics.STAGES}, lambda v: _amount(v, unit, lang), lang
        )
        ticks = []
        for year, rate in zip(er["year"], er["execution_rate"], strict=True):
            extra = (
                "" if pd.isna(rate) else "\n" + label("label.execution", lang, pct=fmt.format_pct(rate, lang))
            )
            ticks.append(f"{year}{extra}")
        ax.set_xticks(x, ticks)
        ax.tick_params(axis="x", length=0)
        _y_amount_axis(ax, unit, lang)
        ax.set_ylim(0, top * 1.1 if top > 0 else 1)
        _x_categories(ax, len(er))
        _legend_above(ax, handles)
    _frame(
        fig,
        title=label("chart.support_by_year.title", lang),
        subtitle=label("chart.support_by_year.subtitle", lang, period=_period(er["year"]))
        + unspecified_stage_note(df, lang, unit),
        unit=fmt.unit_label(unit, lang),
        source=source or _tidy_source(df, lang),
        lang=lang,
        illustrative=illustrative,
    )
    _make_room(fig, ax, texts, "y")
    return fig


@_styled
def chart_projects_by_year(
    df: pd.DataFrame,
    lang: str = "vi",
    illustrative: bool = False,
    *,
    unit: str = "trieu",
    source: str | None = None,
) -> Figure:
    """Projects per year, plan and actual side by side, with the average support per project under each year
    (actual, or plan where a year has no actual figures)."""
    fig, ax = _new_figure()
    counts = metrics.project_counts(df)
    counts = counts[counts["funding_source"] == "total"]
    avg = metrics.avg_support_per_project(df)
    years = sorted(int(y) for y in counts["year"].unique())
    texts: list[Text] = []
    if not years:
        _no_data(ax, label("label.no_data", lang))
    else:
        x = np.arange(len(years))
        per_stage = {
            stage: counts[counts["stage"] == stage].set_index("year")["n_projects"].reindex(years)
            for stage in metrics.STAGES
        }
        handles, texts, top = _plan_actual_bars(ax, x, per_stage, lambda v: fmt.format_count(v, lang), lang)
        ticks = []
        for year in years:
            rows = avg[(avg["year"] == year)].dropna(subset=["avg_support_vnd"])
            rows = rows.assign(_o=rows["stage"].map({"actual": 0, "plan": 1})).sort_values("_o")
            if len(rows):
                r = rows.iloc[0]
                amount = fmt.format_vnd(r["avg_support_vnd"], unit, lang)
                per = label("label.avg_per_project", lang, stage=stage_label(r["stage"], lang, True))
                ticks.append(f"{year}\n{amount}\n{per}")
            else:
                ticks.append(str(year))
        ax.set_xticks(x, ticks)
        ax.tick_params(axis="x", length=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        ax.yaxis.set_major_formatter(fmt.NumberFormatter(lang, 0))
        ax.set_ylabel(label("axis.projects", lang))
        ax.set_ylim(0, top * 1.12 if top > 0 else 1)
        _x_categories(ax, len(years))
        _legend_above(ax, handles)
    _frame(
        fig,
        title=label("chart.projects.title", lang),
        subtitle=label("chart.projects.subtitle", lang, period=_period(years)),
        unit=label("axis.projects", lang).lower(),
        source=source or _tidy_source(df, lang),
        lang=lang,
        illustrative=illustrative,
    )
    _make_room(fig, ax, texts, "y")
    return fig


def _cpi_sources(years: Sequence[int], lang: str = "vi") -> str:
    """The publishers of the CPI figures used, in `lang`: the reference table cites them in English with the
    series code ('World Bank FP.CPI.TOTL.ZG'), which a Vietnamese chart says in words."""
    c = reference_data.cpi()
    used = c[c["year"].isin(list(years))]["source"]
    names = [re.split(r"\s*\(|,", s)[0] for s in used]
    if lang == "vi":
        words = {"World Bank FP.CPI.TOTL.ZG": label("source.cpi.world_bank", lang),
                 "General Statistics Office of Viet Nam": label("source.cpi.gso", lang)}
        names = [words.get(n, n) for n in names]
    return _join_sources(names)


@_styled
def chart_yoy_change(
    df: pd.DataFrame,
    lang: str = "vi",
    illustrative: bool = False,
    *,
    base_year: int | None = None,
    stage: str = "actual",
    unit: str = "trieu",
    source: str | None = None,
) -> Figure:
    """Support in current prices and in constant base-year prices (CPI), change on the year under each year."""
    fig, ax = _new_figure()
    s = metrics.support_series(df, stage)
    index = metrics.cpi_index(int(reference_data.cpi()["year"].max()))
    covered = [int(y) for y in s.index if int(y) in index.index]
    if base_year is None:
        base_year = max(covered) if covered else int(index.index.max())
    texts: list[Text] = []
    subtitle = label("chart.yoy.subtitle_none", lang, base=base_year)
    if s.empty:
        _no_data(ax, label("label.no_data", lang))
    else:
        real = metrics.deflate(s, base_year)
        yoy = metrics.yoy_change(s)
        yoy_real = metrics.yoy_change(real.set_index("year")["real_vnd"].dropna())
        x = np.arange(len(s))
        nominal = s.to_numpy(dtype="float64")
        real_v = real["real_vnd"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        ax.plot(x, nominal, marker="o", color=SERIES_COLORS["nominal"], zorder=3)
        ax.plot(x, real_v, marker="o", linestyle=(0, (4, 2)), color=SERIES_COLORS["real"], zorder=3)
        for i, (n, r) in enumerate(zip(nominal, real_v, strict=True)):
            same = not math.isnan(r) and abs(n - r) < 0.005 * max(abs(n), 1)
            n_above = math.isnan(r) or n >= r
            texts.append(
                _annotate(
                    ax,
                    i,
                    n,
                    _amount(n, unit, lang),
                    dy=12 if n_above else -12,
                    va="bottom" if n_above else "top",
                    color=SERIES_COLORS["nominal"],
                )
            )
            if not math.isnan(r) and not same:
                texts.append(
                    _annotate(
                        ax,
                        i,
                        r,
                        _amount(r, unit, lang),
                        dy=-12 if n_above else 12,
                        va="top" if n_above else "bottom",
                        color=SERIES_COLORS["real"],
                    )
                )
        ticks = []
        for year, pct in zip(yoy["year"], yoy["pct_change"], strict=True):
            ticks.append(f"{year}" + ("" if pd.isna(pct) else "\n" + fmt.format_change_pct(pct, lang)))
        ax.set_xticks(x, ticks)
        ax.tick_params(axis="x", length=0)
        # series names at the line ends instead of a legend
        last = len(x) - 1
        ends = [("nominal", nominal[last], label("series.nominal", lang))]
        if not math.isnan(real_v[last]):  # listed first: on a tie (base year) the real label goes below
            ends.insert(0, ("real", real_v[last], label("series.real", lang, base=base_year)))
        top = float(np.nanmax(np.concatenate([nominal, real_v])))
        ax.set_ylim(0, top * 1.18 if top > 0 else 1)
        ax.set_xlim(-0.5, last + 0.5)
        gap = 0.07 * top
        ys = _spread([float(e[1]) for e in ends], gap)
        for (key, _, text), y in zip(ends, ys, strict=True):
            texts.append(
                _annotate(
                    ax,
                    last,
                    y,
                    text,
                    dx=36,
                    ha="left",
                    color=SERIES_COLORS[key],
                    size=FONT["tick"],
                    weight="bold",
                )
            )
        _y_amount_axis(ax, unit, lang)
        with_prev = yoy.dropna(subset=["change_vnd"])
        if len(with_prev):
            row = with_prev.iloc[-1]
            real_row = yoy_real[yoy_real["year"] == row["year"]]
            pct_real = (
                fmt.format_change_pct(real_row["pct_change"].iloc[0], lang)
                if len(real_row) and not pd.isna(real_row["pct_change"].iloc[0])
                else fmt.NA_REP
            )
            subtitle = label(
                "chart.yoy.subtitle",
                lang,
                year=int(row["year"]),
                prev=int(row["year"]) - 1,
                change=fmt.format_change(row["change_vnd"], unit, lang),
                pct=fmt.format_change_pct(row["pct_change"], lang),
                base=base_year,
                pct_real=pct_real,
            )
    src = source or _tidy_source(df, lang)
    src += "; " + label("note.cpi", lang, sources=_cpi_sources([*s.index, base_year], lang))
    _frame(
        fig,
        title=label("chart.yoy.title", lang, base=base_year),
        subtitle=subtitle,
        unit=fmt.unit_label(unit, lang),
        source=src,
        lang=lang,
        illustrative=illustrative,
    )
    _make_room(fig, ax, texts, "y")
    _make_room(fig, ax, texts, "x")
    return fig


def _stage_of(df: pd.DataFrame, stage: str | None) -> str:
    if stage is not None:
        return stage
    return "actual" if (df["stage"] == "actual").any() else "plan"


@_styled
def chart_sources_stacked(
    df: pd.DataFrame,
    lang: str = "vi",
    illustrative: bool = False,
    *,
    stage: str = "actual",
    include_counterpart: bool = False,
    unit: str = "trieu",
    source: str | None = None,
) -> Figure:
    """Support per year stacked by funding source (optionally with counterpart capital), totals on top."""
    fig, ax = _new_figure()
    ss = metrics.source_split(df, stage)
    keep = metrics.FUNDING_SOURCES if include_counterpart else metrics.SUPPORT_SOURCES
    ss = ss[ss["funding_source"].isin(keep)]
    texts: list[Text] = []
    if ss.empty:
        _no_data(ax, label("label.no_data", lang))
        years: list[int] = []
    else:
        wide = ss.pivot_table(index="year", columns="funding_source", values="amount_vnd", aggfunc="sum")
        sources = [s for s in keep if s in wide.columns]
        wide = wide[sources].fillna(0).astype("float64")
        years = [int(y) for y in wide.index]
        x = np.arange(len(years))
        totals = wide.sum(axis=1).to_numpy()
        top = float(totals.max()) if len(totals) else 1.0
        bottom = np.zeros(len(x))
        for src in sources:
            vals = wide[src].to_numpy()
            ax.bar(x, vals, 0.6, bottom=bottom, color=SOURCE_COLORS[src])
            for i, v in enumerate(vals):
                if v >= 0.06 * top:
                    _annotate(
                        ax, x[i], bottom[i] + v / 2, _amount(v, unit, lang), color=_ink(SOURCE_COLORS[src])
                    )
            bottom += vals
        for i, t in enumerate(totals):
            texts.append(_annotate(ax, x[i], t, _amount(t, unit, lang), dy=4, va="bottom", weight="bold"))
        ax.set_xticks(x, [str(y) for y in years])
        ax.tick_params(axis="x", length=0)
        ax.set_ylim(0, top * 1.1 if top > 0 else 1)
        last = wide.iloc[-1]
        if all(last[s] > 0 for s in sources) and len(sources) > 1:
            centers = (np.cumsum(last.to_numpy()) - last.to_numpy() / 2).tolist()
            ys = _spread(centers, 0.06 * top, floor=0.045 * top)
            for src, y in zip(sources, ys, strict=True):
                _annotate(
                    ax,
                    x[-1] + 0.36,
                    y,
                    source_label(src, lang),
                    ha="left",
                    color=SOURCE_COLORS[src],
                    size=FONT["tick"],
                    weight="bold",
                )
            _x_categories(ax, len(x), extra_right=1.2, min_slots=2)  # the labels fill the right: no padding
        else:
            _x_categories(ax, len(x), min_slots=2)
            _legend_above(ax, [Patch(color=SOURCE_COLORS[s], label=source_label(s, lang)) for s in sources])
        _y_amount_axis(ax, unit, lang)
    counterpart = label("chart.sources_stacked.with_counterpart", lang) if include_counterpart else ""
    _frame(
        fig,
        title=label("chart.sources_stacked.title", lang, stage=stage_label(stage, lang).lower()),
        subtitle=label(
            "chart.sources_stacked.subtitle", lang, period=_period(years), counterpart=counterpart
        ),
        unit=fmt.unit_label(unit, lang),
        source=source or _tidy_source(df, lang),
        lang=lang,
        illustrative=illustrative,
    )
    _make_room(fig, ax, texts, "y")
    return fig


@_styled
def chart_sources_share(
    df: pd.DataFrame,
    lang: str = "vi",
    illustrative: bool = False,
    *,
    stage: str = "actual",
    include_counterpart: bool = False,
    source: str | None = None,
) -> Figure:
    """Funding mix per year as 100 % bars: shares of state support, or of all project funding with counterpart."""
    fig, ax = _new_figure()
    ss = metrics.source_split(df, stage)
    keep = metrics.FUNDING_SOURCES if include_counterpart else metrics.SUPPORT_SOURCES
    col = "share_of_total" if include_counterpart else "share_of_support"
    ss = ss[ss["funding_source"].isin(keep)]
    if include_counterpart:  # shares of support + counterpart, recomputed over the kept sources only
        ss = ss.assign(**{col: ss["amount_vnd"] / ss.groupby("year")["amount_vnd"].transform("sum")})
    years: list[int] = []
    if ss.empty:
        _no_data(ax, label("label.no_data", lang))
    else:
        wide = ss.pivot_table(index="year", columns="funding_source", values=col, aggfunc="sum")
        sources = [s for s in keep if s in wide.columns]
        wide = wide[sources].fillna(0).astype("float64")
        years = [int(y) for y in wide.index]
        left = np.zeros(len(years))
        small: dict[int, list[tuple[float, str, str]]] = {}
        for src in sources:
            vals = wide[src].to_numpy()
            ax.barh(np.arange(len(years)), vals, 0.55, left=left, color=SOURCE_COLORS[src])
            for i, v in enumerate(vals):
                if v <= 0:
                    continue
                if v >= 0.07:
                    _annotate(ax, left[i] + v / 2, i, fmt.format_pct(v, lang), color=_ink(SOURCE_COLORS[src]))
                else:
                    small.setdefault(i, []).append(
                        (left[i] + v / 2, fmt.format_pct(v, lang), SOURCE_COLORS[src])
                    )
            left += vals
        for i, items in small.items():  # thin segments: label just above the bar, spread sideways
            xs = _spread([c for c, _, _ in items], 0.075)
            shift = max(0.0, 0.035 - min(xs))  # keep the first label clear of the axis
            for (_, text, color), xpos in zip(items, xs, strict=True):
                _annotate(ax, xpos + shift, i - 0.3, text, va="bottom", color=color, weight="bold")
        _hbar_axis(ax, [str(y) for y in years])
        ax.set_ylim(len(years) - 0.45, -0.75)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(fmt.pct_axis_formatter(lang))
        ax.set_xlabel(label("axis.share", lang))
        ax.grid(True, axis="x")
        ax.grid(False, axis="y")
        _legend_above(ax, [Patch(color=SOURCE_COLORS[s], label=source_label(s, lang)) for s in sources])
    key = (
        "chart.sources_share.subtitle_total"
        if include_counterpart
        else "chart.sources_share.subtitle_support"
    )
    _frame(
        fig,
        title=label("chart.sources_share.title", lang, stage=stage_label(stage, lang).lower()),
        subtitle=label(key, lang) + f" ({_period(years)})",
        unit="%",
        source=source or _tidy_source(df, lang),
        lang=lang,
        illustrative=illustrative,
    )
    return fig


@_styled
def chart_leverage(
    df: pd.DataFrame,
    lang: str = "vi",
    illustrative: bool = False,
    *,
    by: str = "year",
    year: int | None = None,
    stage: str = "actual",
    unit: str = "trieu",
    source: str | None = None,
) -> Figure:
    """Counterpart capital per đồng of state support, per year (by='year') or per programme (by='program')."""
    if by not in ("year", "program"):
        raise ValueError("by must be 'year' or 'program'")
    fig, ax = _new_figure()
    per_year = metrics.leverage(df, ["year"], stage).dropna(subset=["leverage"])
    texts: list[Text] = []
    subtitle = ""
    if per_year.empty:
        _no_data(ax, label("label.no_counterpart", lang))
    else:
        year = _default_year(per_year["year"].tolist(), year)
        row = per_year[per_year["year"] == year]
        if len(row):
            r = row.iloc[0]
            subtitle = label(
                "chart.leverage.subtitle",
                lang,
                year=year,
                counterpart=fmt.format_vnd(r["counterpart_vnd"], unit, lang),
                support=fmt.format_vnd(r["support_vnd"], unit, lang),
                ratio=fmt.format_ratio(r["leverage"], lang),
            )
        if by == "year":
            x = np.arange(len(per_year))
            vals = per_year["leverage"].astype("float64").to_numpy()
            ax.bar(x, vals, 0.55, color=SOURCE_COLORS["counterpart"])
            for i, v in enumerate(vals):
                texts.append(
                    _annotate(ax, x[i], v, fmt.format_ratio(v, lang), dy=4, va="bottom", weight="bold")
                )
            ax.set_xticks(x, [str(y) for y in per_year["year"]])
            ax.tick_params(axis="x", length=0)
            _x_categories(ax, len(x))
            ax.set_ylim(0, vals.max() * 1.12)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=bool(vals.max() >= 5)))
            ax.yaxis.set_major_formatter(fmt.NumberFormatter(lang))
            ax.set_ylabel(label("axis.leverage", lang))
        else:
            lev = metrics.leverage(df, ["year", "program"], stage)
            lev = (
                lev[(lev["year"] == year)]
                .dropna(subset=["leverage"])
                .sort_values("leverage", ascending=False)
            )
            subtitle += " " + label("chart.leverage.subtitle_program", lang, year=year)
            vals = lev["leverage"].astype("float64").to_numpy()
            ax.barh(
                np.arange(len(lev)),
                vals,
                0.6,
                color=[PROGRAM_COLORS.get(p, "#DDDDDD") for p in lev["program"]],
            )
            for i, v in enumerate(vals):
                texts.append(_annotate(ax, v, i, fmt.format_ratio(v, lang), dx=6, ha="left", weight="bold"))
            _hbar_axis(ax, [program_label(p, lang) for p in lev["program"]])
            ax.set_xlim(0, vals.max() * 1.1 if len(vals) else 1)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=bool(len(vals) and vals.max() >= 5)))
            ax.xaxis.set_major_formatter(fmt.NumberFormatter(lang))
            ax.set_xlabel(label("axis.leverage", lang))
            ax.grid(True, axis="x")
            ax.grid(False, axis="y")
    _frame(
        fig,
        title=label("chart.leverage.title", lang),
        subtitle=subtitle.strip(),
        unit=label("axis.leverage", lang).lower(),
        source=source or _tidy_source(df, lang),
        lang=lang,
        illustrative=illustrative,
    )
    _make_room(fig, ax, texts, "y" if by == "year" else "x")
    return fig


def _amount_share(amount: object, share: object, unit: str, lang: str) -> str:
    return f"{_amount(amount, unit, lang)} ({fmt.format_pct(share, lang)})"


@_styled
def chart_program_allocation(
    df: pd.DataFrame,
    lang: str = "vi",
    illustrative: bool = False,
    *,
    year: int | None = None,
    stage: str = "plan",
    unit: str = "trieu",
    source: str | None = None,
) -> Figure:
    """Support by programme for one year and stage: sorted horizontal bars labelled 'amount (share)'."""
    fig, ax = _new_figure()
    pa_all = metrics.program_allocation(df, stage)
    year = _default_year(pa_all["year"].tolist(), year)
    pa = pa_all[pa_all["year"] == year]
    texts: list[Text] = []
    total = int(pa["amount_vnd"].sum()) if len(pa) else 0
    if pa.empty:
        _no_data(ax, label("label.no_data", lang))
    else:
        vals = pa["amount_vnd"].astype("float64").to_numpy()
        ax.barh(
            np.arange(len(pa)), vals, 0.65, color=[PROGRAM_COLORS.get(p, "#DDDDDD") for p in pa["program"]]
        )
        for i, (v, sh) in enumerate(zip(pa["amount_vnd"], pa["share"], strict=True)):
            texts.append(_annotate(ax, float(v), i, _amount_share(v, sh, unit, lang), dx=6, ha="left"))
        _hbar_axis(ax, [program_label(p, lang) for p in pa["program"]])
        ax.set_xlim(0, vals.max() * 1.1)
        _y_amount_axis(ax, unit, lang, axis="x")
    _frame(
        fig,
        title=label(
            "chart.program_allocation.title",
            lang,
            stage=stage_label(stage, lang).lower(),
            year=year if year is not None else "–",
        ),
        subtitle=label("chart.program_allocation.subtitle", lang, total=fmt.format_vnd(total, unit, lang)),
        unit=fmt.unit_label(unit, lang),
        source=source or _tidy_source(df, lang),
        lang=lang,
        illustrative=illustrative,
    )
    _make_room(fig, ax, texts, "x")
    return fig


@_styled
def chart_plan_vs_actual_by_program(
    df: pd.DataFrame,
    lang: str = "vi",
    illustrative: bool = False,
    *,
    year: int | None = None,
    unit: str = "trieu",
    source: str | None = None,
) -> Figure:
    """Plan and actual per programme for one year, with each programme's execution rate under its name."""
    fig, ax = _new_figure()
    er = metrics.execution_rate(df, ["year", "program"])
    both = er.dropna(subset=["plan_vnd", "actual_vnd"])
    year = (
        _default_year(both["year"].tolist(), year) if len(both) else _default_year(er["year"].tolist(), year)
    )
    rows = er[er["year"] == year].copy()
    rows["_key"] = rows["plan_vnd"].fillna(rows["actual_vnd"]).astype("float64")
    rows = rows.sort_values("_key", ascending=False)
    texts: list[Text] = []
    totals = metrics.execution_rate(df)
    tot = totals[totals["year"] == year]
    if rows.empty:
        _no_data(ax, label("label.no_data", lang))
    else:
        y = np.arange(len(rows))
        h = 0.38
        for stage, off in (("plan", -h / 2), ("actual", h / 2)):
            vals = rows[f"{stage}_vnd"]
            mask = vals.notna().to_numpy()
            ax.barh(y[mask] + off, vals[mask].astype("float64"), h, color=STAGE_COLORS[stage])
            for yy, v in zip(y[mask] + off, vals[mask], strict=True):
                texts.append(
                    _annotate(
                        ax, float(v), yy, _amount(v, unit, lang), dx=6, ha="left", size=FONT["value"] - 1
                    )
                )
        names = []
        for p, r in zip(rows["program"], rows["execution_rate"], strict=True):
            extra = (
                "" if pd.isna(r) else "\n" + label("label.execution", lang, pct=fmt.format_pct(r, lang, 0))
            )
            names.append(program_label(p, lang) + extra)
        _hbar_axis(ax, names, fontsize=FONT["tick"] - 1)
        ax.set_xlim(0, float(np.nanmax(rows[["plan_vnd", "actual_vnd"]].astype("float64").to_numpy())) * 1.1)
        _y_amount_axis(ax, unit, lang, axis="x")
        _legend_above(ax, [Patch(color=STAGE_COLORS[s], label=stage_label(s, lang)) for s in metrics.STAGES])
    if len(tot):
        t = tot.iloc[0]
        subtitle = label(
            "chart.plan_vs_actual.subtitle",
            lang,
            plan=fmt.format_vnd(t["plan_vnd"], unit, lang),
            actual=fmt.format_vnd(t["actual_vnd"], unit, lang),
            rate=label("label.execution", lang, pct=fmt.format_pct(t["execution_rate"], lang)),
        )
    else:
        subtitle = ""
    _frame(
        fig,
        title=label("chart.plan_vs_actual.title", lang, year=year if year is not None else "–"),
        subtitle=subtitle,
        unit=fmt.unit_label(unit, lang),
        source=source or _tidy_source(df, lang),
        lang=lang,
        illustrative=illustrative,
    )
    _make_room(fig, ax, texts, "x")
    return fig


@_styled
def chart_mix_dumbbell(
    df: pd.DataFrame,
    year_a: int,
    year_b: int,
    lang: str = "vi",
    illustrative: bool = False,
    *,
    stage_a: str | None = None,
    stage_b: str | None = None,
    source: str | None = None,
) -> Figure:
    """Each programme's share of support in two years as a dumbbell (hollow = first year, filled = second)."""
    fig, ax = _new_figure()
    mc = metrics.mix_change(df, year_a, year_b, stage_a, stage_b)
    texts: list[Text] = []
    sa = str(mc["stage_a"].iloc[0]) if len(mc) else (stage_a or "actual")
    sb = str(mc["stage_b"].iloc[0]) if len(mc) else (stage_b or "plan")
    name_a = f"{year_a} ({stage_label(sa, lang, short=True)})"
    name_b = f"{year_b} ({stage_label(sb, lang, short=True)})"
    if mc.empty:
        _no_data(ax, label("label.no_data", lang))
    else:
        a = mc["share_a"].astype("Float64").fillna(0).to_numpy(dtype="float64")
        b = mc["share_b"].astype("Float64").fillna(0).to_numpy(dtype="float64")
        xmax = float(max(a.max(), b.max()))
        close = 0.09 * xmax
        for i, (va, vb, prog) in enumerate(zip(a, b, mc["program"], strict=True)):
            color = PROGRAM_COLORS.get(prog, "#DDDDDD")
            ax.plot([va, vb], [i, i], color="#BBBBBB", linewidth=4, zorder=1, solid_capstyle="butt")
            ax.scatter([va], [i], s=180, facecolor="white", edgecolor="#555555", linewidth=2.2, zorder=3)
            ax.scatter([vb], [i], s=200, color=color, edgecolor="#333333", linewidth=1.0, zorder=4)
            if abs(va - vb) < close:
                text = f"{fmt.format_pct(va, lang)} → {fmt.format_pct(vb, lang)}"
                texts.append(_annotate(ax, max(va, vb), i, text, dx=14, ha="left"))
            else:
                lo, hi = (va, vb) if va < vb else (vb, va)
                texts.append(_annotate(ax, lo, i, fmt.format_pct(lo, lang), dx=-14, ha="right"))
                texts.append(_annotate(ax, hi, i, fmt.format_pct(hi, lang), dx=14, ha="left"))
        _hbar_axis(ax, [program_label(p, lang) for p in mc["program"]])
        ax.set_xlim(-0.12 * xmax, xmax * 1.12)
        ax.xaxis.set_major_formatter(fmt.pct_axis_formatter(lang))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
        ax.set_xlabel(label("axis.share", lang))
        ax.grid(True, axis="x")
        ax.grid(False, axis="y")
        ax.spines["left"].set_visible(False)
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=13,
                markerfacecolor="white",
                markeredgecolor="#555555",
                markeredgewidth=2.2,
                label=name_a,
            ),
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=13,
                markerfacecolor="#555555",
                markeredgecolor="#333333",
                label=name_b,
            ),
        ]
        _legend_above(ax, handles)
    _frame(
        fig,
        title=label("chart.mix.title", lang, a=name_a, b=name_b),
        subtitle=label("chart.mix.subtitle", lang, b=name_b),
        unit="%",
        source=source or _tidy_source(df, lang),
        lang=lang,
        illustrative=illustrative,
    )
    _make_room(fig, ax, texts, "x")
    return fig


def _group_label(scheme: str, group: object, lang: str) -> str:
    if pd.isna(group):  # type: ignore[call-overload]
        return label("group.unmapped", lang)
    n = int(group)  # type: ignore[call-overload]
    head = label(f"group.{scheme}", lang, n=n)
    progs = reference_data.programs()
    cleaner = {int(v) for v in progs["qd1881_cleaner_production"].dropna()}
    if scheme == "qd1881_2021_2025" and n in cleaner:
        members = label("group.cleaner_production", lang)
    else:
        members = "; ".join(program_label(p, lang) for p in metrics.crosswalk_members(scheme).get(n, []))
    return f"{head}\n" + _wrap(f"({members})", 52)


@_styled
def chart_crosswalk(
    df: pd.DataFrame,
    scheme: str = "group7_2014_2020",
    lang: str = "vi",
    illustrative: bool = False,
    *,
    year: int | None = None,
    stage: str | None = None,
    unit: str = "trieu",
    source: str | None = None,
) -> Figure:
    """Support regrouped into a crosswalk scheme (2014–2020 plan groups or QĐ 1881 items), every group shown."""
    fig, ax = _new_figure()
    cw_all = metrics.crosswalk(df, scheme)
    year = _default_year(cw_all["year"].tolist(), year)
    stage = _stage_of(cw_all[cw_all["year"] == year], stage) if year is not None else (stage or "actual")
    cw = cw_all[(cw_all["year"] == year) & (cw_all["stage"] == stage)]
    texts: list[Text] = []
    total = int(cw["amount_vnd"].sum()) if len(cw) else 0
    if cw.empty:
        _no_data(ax, label("label.no_data", lang))
    else:
        groups: list[object] = list(metrics.crosswalk_members(scheme))
        if cw["group"].isna().any():
            groups.append(pd.NA)
        amounts = [
            int(cw.loc[cw["group"].isna() if pd.isna(g) else cw["group"] == g, "amount_vnd"].sum())
            for g in groups
        ]  # type: ignore[call-overload]
        vals = np.array(amounts, dtype="float64")
        colors = ["#BBBBBB" if pd.isna(g) else SERIES_COLORS["neutral"] for g in groups]  # type: ignore[call-overload]
        ax.barh(np.arange(len(groups)), vals, 0.62, color=colors)
        for i, v in enumerate(amounts):
            texts.append(
                _annotate(
                    ax,
                    float(v),
                    i,
                    _amount_share(v, v / total if total else None, unit, lang),
                    dx=6,
                    ha="left",
                )
            )
        _hbar_axis(ax, [_group_label(scheme, g, lang) for g in groups], fontsize=FONT["tick"] - 1.5)
        ax.set_xlim(0, vals.max() * 1.1 if vals.max() > 0 else 1)
        _y_amount_axis(ax, unit, lang, axis="x")
    _frame(
        fig,
        title=label(
            "chart.crosswalk.title",
            lang,
            scheme=label(f"scheme.{scheme}", lang),
            stage=stage_label(stage, lang).lower(),
            year=year if year is not None else "–",
        ),
        subtitle=label("chart.crosswalk.subtitle", lang, total=fmt.format_vnd(total, unit, lang)),
        unit=fmt.unit_label(unit, lang),
        source=source or _tidy_source(df, lang),
        lang=lang,
        illustrative=illustrative,
    )
    _make_room(fig, ax, texts, "x")
    return fig


@_styled
def chart_by_district(
    df: pd.DataFrame,
    lang: str = "vi",
    illustrative: bool = False,
    *,
    year: int | None = None,
    stage: str = "actual",
    unit: str = "trieu",
    source: str | None = None,
) -> Figure:
    """Support by district, largest first and highlighted; concentration (top share, HHI) in the subtitle."""
    fig, ax = _new_figure()
    bd_all = metrics.by_district(df, stage)
    known_years = bd_all.loc[bd_all["district"] != "", "year"].tolist()
    year = _default_year(known_years or bd_all["year"].tolist(), year)
    bd = bd_all[bd_all["year"] == year]
    conc = metrics.concentration(df, stage)
    conc = conc[conc["year"] == year]
    texts: list[Text] = []
    subtitle = ""
    if bd.empty:
        _no_data(ax, label("label.no_data", lang))
    else:
        vals = bd["support_vnd"].astype("float64").to_numpy()
        colors = ["#BBBBBB" if d == "" else SERIES_COLORS["muted"] for d in bd["district"]]
        if bd["district"].iloc[0] != "":
            colors[0] = SERIES_COLORS["highlight"]
        ax.barh(np.arange(len(bd)), vals, 0.65, color=colors)
        # one basis for every share on the chart: the support that has a district (as the subtitle and the
        # concentration figures); the bar of support without a district shows its amount only
        known_total = float(bd.loc[bd["district"] != "", "support_vnd"].sum())
        for i, (d, v, n) in enumerate(zip(bd["district"], bd["support_vnd"], bd["n_projects"], strict=True)):
            if d and known_total > 0:
                text = _amount_share(v, float(v) / known_total, unit, lang)
            else:
                text = fmt.format_amount(v, unit, lang)
            if not pd.isna(n):
                text += " · " + label(
                    "label.n_projects_one" if n == 1 else "label.n_projects",
                    lang,
                    n=fmt.format_count(n, lang),
                )
            texts.append(_annotate(ax, float(v), i, text, dx=6, ha="left"))
        names = [d if d else label("district.unknown", lang) for d in bd["district"]]
        _hbar_axis(ax, names)
        ax.set_xlim(0, vals.max() * 1.1)
        _y_amount_axis(ax, unit, lang, axis="x")
        if len(conc) and not pd.isna(conc["top_share"].iloc[0]):
            c = conc.iloc[0]
            unknown = ""
            if c["unknown_vnd"] and c["unknown_vnd"] > 0:
                unknown = label(
                    "chart.by_district.unknown",
                    lang,
                    amount=fmt.format_vnd(c["unknown_vnd"], unit, lang),
                    share=fmt.format_pct(c["unknown_share"], lang),
                )
            subtitle = label(
                "chart.by_district.subtitle",
                lang,
                top=c["top_district"],
                share=fmt.format_pct(c["top_share"], lang),
                hhi=fmt.format_number(c["hhi"], 2, lang),
                unknown=unknown,
            ).strip()
    _frame(
        fig,
        title=label(
            "chart.by_district.title",
            lang,
            stage=stage_label(stage, lang).lower(),
            year=year if year is not None else "–",
        ),
        subtitle=subtitle,
        unit=fmt.unit_label(unit, lang),
        source=source or _tidy_source(df, lang),
        lang=lang,
        illustrative=illustrative,
    )
    _make_room(fig, ax, texts, "x")
    return fig


def _check_figure(r: Any, lang: str) -> str:
    key = f"value.metric.{r.metric}"
    what = label(key, lang) if key in _labels() else str(r.metric)
    if r.metric == "program_allocation":
        what = program_label(str(r.program), lang)
    elif r.metric == "support" and r.funding_source in ("national", "local", "other"):
        what = label(f"check.{r.funding_source}", lang)
    if not pd.isna(r.published_n_projects) and r.metric != "n_projects":
        n = r.published_n_projects
        what += " (" + label("label.n_projects_one" if n == 1 else "label.n_projects", lang, n=n) + ")"
    return what


def check_figure_labels(check: pd.DataFrame, lang: str = "vi") -> list[str]:
    """What each row of metrics.check_against_published is, in words: 'Kinh phí KCQG (3 đề án)',
    'Mô hình trình diễn, máy móc tiên tiến', 'Vốn đối ứng' (for a table column or a chart axis)."""
    return [_check_figure(r, lang) for r in check.itertuples(index=False)]


def _check_row_label(r: Any, lang: str) -> str:
    return f"{r.year} {stage_label(str(r.stage), lang, short=True)} · {_check_figure(r, lang)}"


@_styled
def chart_published_check(
    df: pd.DataFrame,
    published: pd.DataFrame | None = None,
    province: str = "Bình Dương",
    lang: str = "vi",
    illustrative: bool = False,
    *,
    unit: str = "trieu",
    source: str | None = None,
) -> Figure:
    """Each published figure against the same figure from the data (metrics.check_against_published): the
    difference in percent on a line at zero, green when it matches, red when not, grey when the data has no
    such figure; each row labelled 'published → from the data'."""
    fig, ax = _new_figure()
    chk = metrics.check_against_published(df, published, province)
    texts: list[Text] = []
    n_ok = int(chk["match"].fillna(False).sum())
    if chk.empty:
        _no_data(ax, label("label.no_data", lang))
    else:
        devs, colors, kinds = [], [], []
        for r in chk.itertuples(index=False):
            pub, com = (
                (r.published_vnd, r.computed_vnd)
                if not pd.isna(r.published_vnd)
                else (r.published_n_projects, r.computed_n_projects)
            )
            known = not (pd.isna(pub) or pd.isna(com) or pd.isna(r.match)) and pub != 0
            devs.append((float(com) - float(pub)) / float(pub) if known else 0.0)
            kind = "unknown" if not known else ("match" if bool(r.match) else "mismatch")
            kinds.append(kind)
            colors.append(
                {"match": OKABE_ITO["bluish_green"], "mismatch": BADGE_COLOR, "unknown": "#BBBBBB"}[kind]
            )
        span = max(0.05, 1.25 * max(abs(d) for d in devs))
        ax.axvline(0, color="#888888", linewidth=1.2, zorder=1)
        for i, (d, c, k) in enumerate(zip(devs, colors, kinds, strict=True)):
            ax.scatter(
                [d], [i], s=190, color="white" if k == "unknown" else c, edgecolor=c, linewidth=2.2, zorder=3
            )
        for i, r in enumerate(chk.itertuples(index=False)):
            if not pd.isna(r.published_vnd):
                text = f"{_amount(r.published_vnd, unit, lang)} → {_amount(r.computed_vnd, unit, lang)}"
            else:
                text = f"{fmt.format_count(r.published_n_projects, lang)} → {fmt.format_count(r.computed_n_projects, lang)}"
            if kinds[i] == "unknown":
                text += " (" + label("series.unknown_check", lang) + ")"
            texts.append(_annotate(ax, max(devs[i], 0.0), i, text, dx=16, ha="left", color=TEXT_COLOR))
        _hbar_axis(
            ax, [_check_row_label(r, lang) for r in chk.itertuples(index=False)], fontsize=FONT["tick"] - 2
        )
        ax.set_xlim(-span, span)
        ax.set_ylim(len(chk) - 0.4, -0.6)
        ax.xaxis.set_major_formatter(fmt.pct_axis_formatter(lang))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, symmetric=True))
        ax.set_xlabel(label("axis.deviation", lang))
        ax.grid(True, axis="x")
        ax.grid(False, axis="y")
        ax.spines["left"].set_visible(False)
        used = dict.fromkeys(kinds)
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=13,
                markerfacecolor="white" if k == "unknown" else c,
                markeredgecolor=c,
                markeredgewidth=2.2,
                label=label(f"series.{k}_check", lang),
            )
            for k, c in (
                ("match", OKABE_ITO["bluish_green"]),
                ("mismatch", BADGE_COLOR),
                ("unknown", "#BBBBBB"),
            )
            if k in used
        ]
        _legend_above(ax, handles)
    cited = _join_sources(list(chk["source"])) if len(chk) else "–"
    _frame(
        fig,
        title=label("chart.check.title", lang, province=province),
        subtitle=label("chart.check.subtitle", lang, n_ok=n_ok, n=len(chk)),
        unit=fmt.unit_label(unit, lang),
        source=source or f"{cited}; {_tidy_source(df, lang)}",
        lang=lang,
        illustrative=illustrative,
    )
    _make_room(fig, ax, texts, "x")
    return fig


# ---- charts of published figures -----------------------------------------------------------------------


@_styled
def chart_compare_provinces(
    published: pd.DataFrame | None = None,
    lang: str = "vi",
    illustrative: bool = False,
    *,
    stage: str | None = None,
    per_year: bool = True,
    unit: str = "ty",
    provinces: Sequence[str] | None = None,
    source: str | None = None,
) -> Figure:
    """Provinces' published support, split KCQG / KCĐP where known, per year of each period; sources cited."""
    fig, ax = _new_figure()
    cp = metrics.compare_provinces(published, stage, provinces)
    texts: list[Text] = []
    if cp.empty:
        _no_data(ax, label("label.no_data", lang))
    else:
        div = cp["n_years"].to_numpy(dtype="float64") if per_year else np.ones(len(cp))
        nat = cp["national_vnd"].astype("Float64").fillna(0).to_numpy(dtype="float64")
        loc = cp["local_vnd"].astype("Float64").fillna(0).to_numpy(dtype="float64")
        tot = cp["total_vnd"].astype("Float64").fillna(0).to_numpy(dtype="float64")
        rest = np.clip(tot - nat - loc, 0, None)
        order = np.argsort(-(tot / div), kind="stable")
        cp, nat, loc, rest, tot, div = (
            cp.iloc[order],
            nat[order],
            loc[order],
            rest[order],
            tot[order],
            div[order],
        )
        y = np.arange(len(cp))
        left = np.zeros(len(cp))
        used = []
        for key, vals in (("national", nat), ("local", loc), ("unspecified", rest)):
            if (vals > 0).any():
                ax.barh(y, vals / div, 0.62, left=left, color=SOURCE_COLORS[key])
                used.append(key)
            left += vals / div
        for i, r in enumerate(cp.itertuples(index=False)):
            prefix = "≥ " if r.total_basis == "partial" else ("≈ " if r.approximate else "")
            texts.append(
                _annotate(ax, left[i], i, prefix + _amount(tot[i] / div[i], unit, lang), dx=6, ha="left")
            )
        names = []
        for r in cp.itertuples(index=False):
            name = str(r.province)
            if r.province_2025 and reference_data.province_key(
                r.province_2025
            ) != reference_data.province_key(r.province):
                name += f" (→ {r.province_2025})"
            names.append(f"{name} · {r.period} {stage_label(str(r.stage), lang, short=True)}")
        _hbar_axis(ax, names, fontsize=FONT["tick"] - 2)
        ax.set_xlim(0, float((tot / div).max()) * 1.1)
        _y_amount_axis(ax, unit, lang, axis="x")
        _legend_above(ax, [Patch(color=SOURCE_COLORS[k], label=source_label(k, lang)) for k in used])
    key = "chart.compare.subtitle_per_year" if per_year else "chart.compare.subtitle_total"
    unit_text = fmt.unit_label(unit, lang) + (("/năm" if lang == "vi" else "/year") if per_year else "")
    _frame(
        fig,
        title=label("chart.compare.title", lang),
        subtitle=label(key, lang),
        unit=unit_text,
        source=source or _join_sources(list(cp["source"].str.split("; ").explode())) if len(cp) else "–",
        lang=lang,
        illustrative=illustrative,
    )
    _make_room(fig, ax, texts, "x")
    return fig


@_styled
def chart_collaborators(
    published: pd.DataFrame | None = None,
    province: str = "Bình Dương",
    lang: str = "vi",
    illustrative: bool = False,
    *,
    source: str | None = None,
) -> Figure:
    """Collaborators per year: district and commune level stacked, total-only years plain, targets as ◆."""
    fig, ax = _new_figure()
    col = metrics.collaborators(published, province)
    texts: list[Text] = []
    if col.empty:
        _no_data(ax, label("label.no_data", lang))
    else:
        # positions are the years themselves: 2016, 2017 and 2023 are not drawn evenly spaced
        x = (col["year"].astype("int64") - int(col["year"].min())).to_numpy(dtype="float64")
        top = float(
            np.nanmax(col[["total", "target"]].astype("Float64").to_numpy(dtype="float64", na_value=np.nan))
        )
        used: set[str] = set()
        for i, r in enumerate(col.itertuples(index=False)):
            if not pd.isna(r.district) and not pd.isna(r.commune):
                parts = (("collab_district", r.district), ("collab_commune", r.commune))
                base = 0.0
                for key, v in parts:
                    ax.bar(x[i], v, 0.55, bottom=base, color=SERIES_COLORS[key])
                    if v >= 0.08 * top:
                        _annotate(
                            ax, x[i], base + v / 2, fmt.format_count(v, lang), color=_ink(SERIES_COLORS[key])
                        )
                    base += v
                    used.add(key)
            elif not pd.isna(r.total):
                ax.bar(x[i], r.total, 0.55, color=SERIES_COLORS["collab_total"])
                used.add("collab_total")
            if not pd.isna(r.total):
                texts.append(
                    _annotate(
                        ax, x[i], r.total, fmt.format_count(r.total, lang), dy=4, va="bottom", weight="bold"
                    )
                )
            if not pd.isna(r.target):
                ax.scatter([x[i]], [r.target], marker="D", s=150, color=SERIES_COLORS["target"], zorder=4)
                texts.append(
                    _annotate(
                        ax,
                        x[i],
                        r.target,
                        label("label.target", lang, n=fmt.format_count(r.target, lang)),
                        dx=14,
                        ha="left",
                    )
                )
                used.add("target")
        ax.set_xticks(x, [str(y) for y in col["year"]])
        ax.tick_params(axis="x", length=0)
        ax.set_xlim(-0.6, float(x.max()) + 0.6)
        ax.set_ylim(0, top * 1.15)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        ax.yaxis.set_major_formatter(fmt.NumberFormatter(lang, 0))
        ax.set_ylabel(label("axis.people", lang))
        handles: list[Any] = [
            Patch(color=SERIES_COLORS[k], label=label(f"series.{k}", lang))
            for k in ("collab_district", "collab_commune", "collab_total")
            if k in used
        ]
        if "target" in used:
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="D",
                    linestyle="",
                    markersize=11,
                    color=SERIES_COLORS["target"],
                    label=label("series.target", lang),
                )
            )
        _legend_above(ax, handles)
    _frame(
        fig,
        title=label("chart.collab.title", lang, province=province),
        subtitle=label("chart.collab.subtitle", lang),
        unit=label("axis.people", lang).lower(),
        source=source or (_join_sources(list(col["source"].str.split("; ").explode())) if len(col) else "–"),
        lang=lang,
        illustrative=illustrative,
    )
    _make_room(fig, ax, texts, "y")
    _make_room(fig, ax, [t for t in texts if t.get_horizontalalignment() == "left"], "x")
    return fig


# ---- saving --------------------------------------------------------------------------------------------


class SlideFiles(NamedTuple):
    """Where save_for_slides wrote a chart."""

    png: Path
    svg: Path


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", fold(nfc(text))).strip("-.")
    if not slug:
        raise ValueError(f"cannot make a file name from {text!r}")
    return slug


def save_for_slides(fig: Figure, name: str, notebook: str, out_dir: Path | str | None = None) -> SlideFiles:
    """Write `fig` as a 1920 × 1080 PNG and an SVG with text as paths, for slides.

    Into <out_dir or config.REPORTS_DIR>/figures/<notebook>/<name>.png|.svg (names folded to ASCII). The size
    is exact: the figure is set to 16 × 9 in and saved at 120 dpi without bbox_inches='tight' (which would crop
    it); the layout engine keeps everything inside.
    """
    folder = Path(out_dir) if out_dir is not None else config.REPORTS_DIR
    folder = folder / "figures" / _slug(notebook)
    folder.mkdir(parents=True, exist_ok=True)
    stem = _slug(name)
    png, svg = folder / f"{stem}.png", folder / f"{stem}.svg"
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.set_size_inches(*SLIDE_SIZE_IN)
    fig.set_dpi(SLIDE_DPI)
    rc = {
        "savefig.bbox": "standard",
        "svg.fonttype": "path",
        "svg.hashsalt": "khuyencong",
        "savefig.dpi": SLIDE_DPI,
    }
    with mstyle.context(STYLE_PATH), mpl.rc_context(rc):
        fig.savefig(png, dpi=SLIDE_DPI, format="png", facecolor="white")
        fig.savefig(svg, dpi=SLIDE_DPI, format="svg", facecolor="white", metadata={"Date": None})
    from PIL import Image

    with Image.open(png) as im:
        if im.size != SLIDE_PX:
            raise RuntimeError(f"{png} is {im.size[0]}×{im.size[1]} px, expected {SLIDE_PX[0]}×{SLIDE_PX[1]}")
    return SlideFiles(png=png, svg=svg)
