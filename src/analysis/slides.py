"""The meeting deck ``reports/slides/hop_tong_ket_<year>.pptx``: title, key figures, one slide per main chart,
the plan by programme, sources — in the house style, Vietnamese by default.

Why native charts: an analyst restyles a chart or corrects a number in PowerPoint or Impress the day before the
meeting; a pasted PNG cannot be edited. Each chart is built from :func:`analysis.pack.chart_data` (the same
metrics as the pages), with data labels in the Vietnamese number format ("55.306") whatever the viewer's
locale. A chart with no native equivalent (the programme-mix dumbbell) is placed as the slide PNG. Speaker
notes carry the sources and how the figures were built; every slide of a deck built on the bundled samples
says "Dữ liệu minh họa".
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__, fmt, metrics, pack
from .safe_export import atomic_path

SLIDE_WIDTH_EMU = 12_192_000  # 13,333 in: 16:9
SLIDE_HEIGHT_EMU = 6_858_000  # 7,5 in
FONT = "Arial"
NAVY = "1F3A5F"
GREY = "595959"
MARK_RED = "B00020"


def _label(key: str, lang: str, **values: object) -> str:
    from .charts import label

    return label(key, lang, **values)


def deck_path(reports_dir: str | os.PathLike[str], year: int) -> Path:
    """Where the deck of ``year``'s meeting lives in a report set."""
    return Path(reports_dir) / "slides" / f"hop_tong_ket_{year}.pptx"


def _rgb(hex_color: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_color.lstrip("#").upper())


def _text(slide: Any, x: float, y: float, w: float, h: float, text: str, size: float, *, bold: bool = False,
          color: str = NAVY, align: str = "left") -> Any:
    """A text box (positions in inches) in the house font."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(text.split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}[align]
        run = para.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = FONT
        run.font.color.rgb = _rgb(color)
    return box


def _mark(slide: Any, lang: str) -> None:
    """The sample-data mark, top right of the slide, in red."""
    _text(slide, 9.2, 0.15, 3.9, 0.4, _label("mark.illustrative", lang).upper(), 14, bold=True,
          color=MARK_RED, align="right")


def _notes(slide: Any, lines: Sequence[str]) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(line for line in lines if line)


def _heading(slide: Any, title: str, subtitle: str = "") -> None:
    _text(slide, 0.6, 0.45, 12.1, 0.9, title, 28 if len(title) <= 60 else 23, bold=True)
    if subtitle:
        _text(slide, 0.6, 1.3, 12.1, 0.45, subtitle, 16, color=GREY)


def _add_chart(slide: Any, data: pack.ChartData, lang: str) -> Any:
    """One native chart: columns (clustered or stacked) or horizontal bars, data labels in whole triệu."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
    from pptx.util import Inches, Pt

    number_format = pack.integer_format(lang)
    chart_data = CategoryChartData(number_format=number_format)
    chart_data.categories = data.categories
    for name, values in data.series.items():
        chart_data.add_series(name, values, number_format=number_format)
    kind = {
        "clustered": XL_CHART_TYPE.COLUMN_CLUSTERED,
        "stacked": XL_CHART_TYPE.COLUMN_STACKED,
        "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    }[data.kind]
    frame = slide.shapes.add_chart(kind, Inches(0.6), Inches(1.8), Inches(12.1), Inches(4.9), chart_data)
    chart = frame.chart
    chart.has_title = False  # the slide's heading is the title
    chart.font.name = FONT
    chart.font.size = Pt(14)
    plot = chart.plots[0]
    plot.gap_width = 60
    if data.kind == "stacked":
        plot.overlap = 100
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = number_format
    labels.number_format_is_linked = False
    labels.font.size = Pt(13)
    labels.position = XL_LABEL_POSITION.CENTER if data.kind == "stacked" else XL_LABEL_POSITION.OUTSIDE_END
    if data.kind == "stacked":
        labels.font.color.rgb = _rgb("FFFFFF")
    for series in plot.series:
        color = data.colors.get(series.name)
        if color:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = _rgb(color)
    value_axis = chart.value_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = _rgb("D9D9D9")
    value_axis.tick_labels.number_format = number_format
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.format.line.fill.background()
    if data.kind == "bar":
        chart.category_axis.reverse_order = True  # first programme on top, as in the plan
    chart.has_legend = len(data.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
    return chart


def _chart_slide(prs: Any, data: pack.ChartData, lang: str, notes: Sequence[str], mark: bool) -> Any:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _heading(slide, data.title, _label("pack.unit", lang, unit=data.unit) if data.unit else "")
    _add_chart(slide, data, lang)
    if data.note:
        _text(slide, 0.6, 6.85, 12.1, 0.5, data.note, 13, color=GREY)
    if mark:
        _mark(slide, lang)
    _notes(slide, [data.title, data.note, *notes])
    return slide


def _picture_slide(prs: Any, title: str, png: bytes, lang: str, notes: Sequence[str], mark: bool) -> Any:
    from pptx.util import Inches

    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _heading(slide, title)
    slide.shapes.add_picture(io.BytesIO(png), Inches(1.2), Inches(1.3), height=Inches(6.0))
    if mark:
        _mark(slide, lang)
    _notes(slide, [title, _label("pack.picture_note", lang), *notes])
    return slide


def _key_figures_slide(prs: Any, figures: Sequence[pack.KeyFigure], year: int, lang: str,
                       notes: Sequence[str], mark: bool) -> Any:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _heading(slide, _label("pack.key_figures", lang, year=year))
    for i, figure in enumerate(figures):
        col, row = i % 3, i // 3
        x, y = 0.6 + col * 4.1, 1.7 + row * 2.6
        _text(slide, x, y, 3.8, 0.6, figure.caption, 17, color=GREY)
        _text(slide, x, y + 0.55, 3.8, 1.1, figure.value, 44, bold=True)
        _text(slide, x, y + 1.6, 3.8, 0.7, figure.note, 15, color=GREY)
    if mark:
        _mark(slide, lang)
    _notes(slide, [f"{f.caption}: {f.value} {f.note}" for f in figures] + list(notes))
    return slide


def _plan_table_slide(prs: Any, table: pd.DataFrame, year: int, lang: str, notes: Sequence[str],
                      mark: bool) -> Any | None:
    from pptx.util import Inches, Pt

    from .charts import program_label

    nxt, plan = pack.plan_by_program(table, year)
    if plan.empty:
        return None
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _heading(slide, _label("pack.plan_table", lang, next=nxt),
             _label("pack.unit", lang, unit=fmt.unit_label(pack.UNIT, lang)))
    header = [_label("col.program", lang), _label("col.amount_vnd", lang), _label("col.n_projects", lang),
              _label("col.share", lang)]
    rows = [
        [program_label(p, lang), fmt.format_amount(a, pack.UNIT, lang, decimals=0), fmt.format_count(n, lang),
         fmt.format_pct(s, lang)]
        for p, a, n, s in zip(plan["program"], plan["amount_vnd"], plan["n_projects"], plan["share"], strict=True)
    ]
    total = int(plan["amount_vnd"].sum())
    n_total = plan["n_projects"].sum(min_count=1)
    rows.append([_label("pack.total", lang), fmt.format_amount(total, pack.UNIT, lang, decimals=0),
                 fmt.format_count(n_total, lang), fmt.format_pct(1.0 if total else None, lang)])
    shape = slide.shapes.add_table(len(rows) + 1, 4, Inches(0.6), Inches(1.8), Inches(12.1),
                                   Inches(0.45 * (len(rows) + 1)))
    grid = shape.table
    for c, width in enumerate((6.4, 2.3, 1.6, 1.8)):
        grid.columns[c].width = Inches(width)
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = grid.cell(r, c)
            cell.text = str(value)
            para = cell.text_frame.paragraphs[0]
            if c:
                from pptx.enum.text import PP_ALIGN

                para.alignment = PP_ALIGN.RIGHT
            for run in para.runs:
                run.font.size = Pt(15)
                run.font.name = FONT
                run.font.bold = r == 0 or r == len(rows)
    if mark:
        _mark(slide, lang)
    _notes(slide, [_label("pack.plan_table", lang, next=nxt), *notes])
    return slide


def _provenance(table: pd.DataFrame, built_at: str, lang: str) -> str:
    files = sorted({Path(str(f)).name for f in table.get("source_file", pd.Series(dtype=str)).dropna() if f})
    return _label("pack.provenance", lang, rows=fmt.format_count(len(table), lang),
                  files=fmt.format_count(len(files), lang), built=built_at, version=__version__)


def _mix_png(table: pd.DataFrame, year: int, lang: str, illustrative: bool) -> bytes | None:
    """The programme-mix dumbbell (no native PowerPoint equivalent) as PNG, for the pair ending next year."""
    from . import charts

    actual, plan = metrics.years_with(table, "actual"), metrics.years_with(table, "plan")
    if year in actual and year + 1 in plan:
        year_a, year_b = year, year + 1  # what the meeting decides: this year's results against next year's plan
    elif year in actual and actual[0] < year:
        year_a, year_b = actual[0], year
    else:
        return None
    fig = charts.chart_mix_dumbbell(table, year_a, year_b, lang=lang, illustrative=illustrative)
    try:
        return charts.figure_png(fig, dpi=110)
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def build_deck(
    table: pd.DataFrame,
    published: pd.DataFrame | None,
    province: str,
    year: int,
    path: str | os.PathLike[str],
    lang: str = "vi",
    *,
    illustrative: bool = False,
    built_at: str = "",
    issuer: str | None = None,
    brief: Any = None,
) -> Path:
    """Write the deck of ``year``'s review meeting for ``province`` (16:9) and return its path.

    Slides: title (province, year, meeting), key figures, one native chart per main chart, the plan by
    programme as a table, the programme-mix chart as a picture, sources. Speaker notes: what each slide
    shows, its sources and how the figures were built. ``brief`` is ``meeting_brief`` of the same rows when
    the caller already has it (a report build computes it once for the index and the deck).
    """
    from pptx import Presentation
    from pptx.util import Emu

    from .brief import meeting_brief

    part = metrics.for_province(table, province)
    if brief is None:
        brief = meeting_brief(part, published, province, year, lang)
    sources = brief.sources
    provenance = _provenance(part, built_at, lang)
    notes = [_label("brief.sources", lang, sources="; ".join(sources)) if sources else "", provenance]
    if illustrative:
        notes.append(_label("mark.illustrative", lang) + " — " + _label("xlsx.mark_note", lang))

    prs = Presentation()
    prs.slide_width = Emu(SLIDE_WIDTH_EMU)
    prs.slide_height = Emu(SLIDE_HEIGHT_EMU)
    prs.core_properties.title = pack.meeting_title(province, year, lang)
    prs.core_properties.subject = province
    prs.core_properties.keywords = _label("mark.illustrative", lang) if illustrative else ""
    prs.core_properties.language = "vi-VN" if lang == "vi" else "en-GB"

    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _text(slide, 0.8, 1.0, 11.7, 0.6, (issuer or _label("pack.issuer", lang, province=province)), 20, color=GREY)
    _text(slide, 0.8, 2.0, 11.7, 2.2, pack.meeting_title(province, year, lang), 40, bold=True)
    _text(slide, 0.8, 4.5, 11.7, 0.6, province, 26)
    _text(slide, 0.8, 5.3, 11.7, 0.5, built_at, 16, color=GREY)
    if illustrative:
        _mark(slide, lang)
        _text(slide, 0.8, 6.2, 11.7, 0.6, _label("mark.illustrative", lang) + " — "
              + _label("xlsx.mark_note", lang), 16, bold=True, color=MARK_RED)
    _notes(slide, [pack.meeting_title(province, year, lang), *notes])

    _key_figures_slide(prs, pack.key_figures(part, year, lang), year, lang, notes, illustrative)
    for data in pack.chart_data(part, year, lang):
        _chart_slide(prs, data, lang, notes, illustrative)
    _plan_table_slide(prs, part, year, lang, notes, illustrative)
    png = _mix_png(part, year, lang, illustrative)
    if png is not None:
        _picture_slide(prs, _label("pack.mix", lang), png, lang, notes, illustrative)

    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _heading(slide, _label("pack.sources_title", lang))
    listed = sources or [_label("label.no_data", lang)]
    _text(slide, 0.6, 1.6, 12.1, 4.8, "\n".join(f"• {s}" for s in listed), 16)
    _text(slide, 0.6, 6.5, 12.1, 0.6, provenance, 13, color=GREY)
    if illustrative:
        _mark(slide, lang)
    _notes(slide, notes)

    target = Path(path)
    with atomic_path(target) as tmp:
        prs.save(str(tmp))
    return target


def chart_series(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Read the native charts of a deck back: per chart its title slide text, categories and series values.

    Why: a test (and a curious analyst) can check that what the deck draws is what the metrics say.
    """
    from pptx import Presentation

    out = []
    for index, slide in enumerate(Presentation(str(path)).slides):
        for shape in slide.shapes:
            if not getattr(shape, "has_chart", False) or not shape.has_chart:
                continue
            plot = shape.chart.plots[0]
            out.append({
                "slide": index,
                "title": next((s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text),
                              ""),
                "categories": [str(c) for c in plot.categories],
                "series": {s.name: list(s.values) for s in plot.series},
                "label_format": plot.data_labels.number_format,
            })
    return out
