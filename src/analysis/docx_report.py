"""The written report ``reports/bao_cao_<year>.docx`` in the layout of Vietnamese administrative documents.

Why: the centre's year-end report is a Word document laid out as Nghị định 30/2020/NĐ-CP prescribes (A4,
Times New Roman 13–14, margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm; the issuing body top left,
the national title and motto top right, the place and date line, the document type "BÁO CÁO" and its
summary). Officials paste the brief into it by hand today; here it is written from the same metrics as the
pages, deck and brief, with the main tables, the main charts and the sources, ready to edit and sign.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__, fmt, metrics, pack
from .safe_export import atomic_path

FONT = "Times New Roman"
BODY_PT = 14
SMALL_PT = 13
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
PAGE_MM = (210, 297)


def _label(key: str, lang: str, **values: object) -> str:
    from .charts import label

    return label(key, lang, **values)


def report_path(reports_dir: str | os.PathLike[str], year: int) -> Path:
    """Where the report of ``year`` lives in a report set."""
    return Path(reports_dir) / f"bao_cao_{year}.docx"


def place_date(province: str, day: date, lang: str = "vi") -> str:
    """'Bình Dương, ngày 04 tháng 12 năm 2026' (NĐ 30: day and month below 10 get a leading zero)."""
    if lang == "vi":
        return f"{province}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    return f"{province}, {day.day} {day.strftime('%B')} {day.year}"


def _set_font(run: Any, size: float, *, bold: bool = False, italic: bool = False, color: str | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _para(container: Any, text: str = "", size: float = BODY_PT, *, bold: bool = False, italic: bool = False,
          align: str = "justify", indent: bool = False, color: str | None = None, after: float = 6) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    para = container.add_paragraph()
    para.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    para.paragraph_format.space_after = Pt(after)
    para.paragraph_format.space_before = Pt(0)
    if indent:
        para.paragraph_format.first_line_indent = Cm(1.27)
    if text:
        _set_font(para.add_run(text), size, bold=bold, italic=italic, color=color)
    return para


def _no_borders(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    props.append(borders)


def _page_number_header(section: Any) -> None:
    """Page numbers centred in the header from page 2 (NĐ 30: the first page carries none)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    section.different_first_page_header_footer = True
    para = section.header.paragraphs[0]
    para.alignment = 1  # centre
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    para._p.append(field)


def _header_block(doc: Any, province: str, day: date, lang: str, issuer: tuple[str, str] | None) -> None:
    """Issuing body top left, national title and motto top right, the place and date line under the motto."""
    from docx.shared import Mm

    parent, body = issuer or (
        _label("report.issuer_parent", lang, province=province.upper() if lang == "vi" else province),
        _label("report.issuer", lang),
    )
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.autofit = False
    widths = (Mm(70), Mm(95))
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = width  # the grid (LibreOffice reads it) …
        cell.width = width  # … and the cell (Word reads it)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    _set_font(left.paragraphs[0].add_run(parent.upper() if lang == "vi" else parent), SMALL_PT - 1)
    left.paragraphs[0].alignment = 1
    _para(left, body.upper() if lang == "vi" else body, SMALL_PT - 1, bold=True, align="center", after=0)
    _para(left, "———", SMALL_PT, align="center", after=0)
    _para(left, _label("report.number", lang), SMALL_PT, align="center", after=0)
    right.paragraphs[0].alignment = 1
    _set_font(right.paragraphs[0].add_run(_label("report.nation", lang)), SMALL_PT - 1, bold=True)
    _para(right, _label("report.motto", lang), SMALL_PT, bold=True, align="center", after=0)
    _para(right, "———————", SMALL_PT, align="center", after=6)
    _para(right, place_date(province, day, lang), SMALL_PT, italic=True, align="center", after=0)


def _decimals(values: Sequence[object]) -> int:
    """One decimal for a whole column when any of its amounts needs it, else none (no '3.845,3' over '4.322')."""
    for value in values:
        if value is None or pd.isna(value):
            continue
        if int(value) % 1_000_000:
            return 1
    return 0


def _table(doc: Any, header: Sequence[str], rows: Sequence[Sequence[str]], widths_mm: Sequence[float],
           bold_last: bool = False, text_columns: int = 1) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    table = doc.add_table(rows=len(rows) + 1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = Mm(widths_mm[c])
            para = cell.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 else (
                WD_ALIGN_PARAGRAPH.LEFT if c < text_columns else WD_ALIGN_PARAGRAPH.RIGHT)
            _set_font(para.add_run(str(value)), 12, bold=r == 0 or (bold_last and r == len(rows)))
    return table


def _unit_line(doc: Any, lang: str) -> None:
    _para(doc, _label("pack.unit", lang, unit=fmt.unit_label(pack.UNIT, lang)), 12, italic=True, align="right",
          after=2)


def _year_rows(table: pd.DataFrame, lang: str) -> tuple[list[str], list[list[str]]]:
    from .charts import column_label, stage_label

    frame = pack.year_table(table)
    amount_cols = [c for c in ("support_vnd", "national_vnd", "local_vnd", "unspecified_vnd", "other_vnd",
                               "counterpart_vnd") if c in frame]
    header = [column_label("year", lang), column_label("stage", lang),
              *[column_label(c, lang) for c in amount_cols], column_label("n_projects", lang)]
    decimals = {c: _decimals(frame[c].tolist()) for c in amount_cols}
    rows = []
    for r in frame.itertuples(index=False):
        row = r._asdict()
        rows.append([str(row["year"]), stage_label(row["stage"], lang),
                     *[fmt.format_amount(row[c], pack.UNIT, lang, decimals=decimals[c]) for c in amount_cols],
                     fmt.format_count(row.get("n_projects"), lang)])
    return header, rows


def _chart_png(kind: str, table: pd.DataFrame, year: int, lang: str, illustrative: bool) -> bytes | None:
    """A main chart as PNG in the house style (the same functions as the notebooks' figures)."""
    import matplotlib.pyplot as plt

    from . import charts

    if kind == "support_by_year":
        fig = charts.chart_support_by_year(table, lang=lang, illustrative=illustrative)
    elif kind == "sources":
        fig = charts.chart_sources_stacked(table, lang=lang, illustrative=illustrative)
    elif kind == "plan":
        nxt = year + 1 if year + 1 in metrics.years_with(table, "plan") else None
        if nxt is None:
            return None
        fig = charts.chart_program_allocation(table, lang=lang, illustrative=illustrative, year=nxt, stage="plan")
    else:
        raise ValueError(kind)
    try:
        return charts.figure_png(fig, dpi=150)
    finally:
        plt.close(fig)


def _picture(doc: Any, png: bytes | None, caption: str) -> None:
    from docx.shared import Mm

    if png is None:
        return
    para = _para(doc, align="center", after=2)
    para.add_run().add_picture(io.BytesIO(png), width=Mm(160))
    _para(doc, caption, 12, italic=True, align="center", after=8)


def build_report(
    table: pd.DataFrame,
    published: pd.DataFrame | None,
    province: str,
    year: int,
    path: str | os.PathLike[str],
    lang: str = "vi",
    *,
    illustrative: bool = False,
    day: date | None = None,
    built_at: str = "",
    issuer: tuple[str, str] | None = None,
    figure_cache: dict[tuple[str, int | None], bytes | None] | None = None,
) -> Path:
    """Write the report on ``year`` (results) and ``year + 1`` (plan) for ``province``; return its path.

    Content: header block, "BÁO CÁO" and its summary, the sample-data mark when the data are the bundled
    samples, I. results (the brief's sentences, the table by year and source, two charts), II. next year's
    plan (by programme, table and chart), III. sources and how the figures were built. ``figure_cache``
    (one dict per build) lets the reports of several years share the charts that do not depend on the year.
    """
    cache = figure_cache if figure_cache is not None else {}

    def chart(kind: str) -> bytes | None:
        key = (kind, year if kind == "plan" else None)
        if key not in cache:
            cache[key] = _chart_png(kind, part, year, lang, illustrative)
        return cache[key]

    from docx import Document
    from docx.shared import Mm, Pt

    from .brief import meeting_brief
    from .charts import program_label

    day = day or date.today()
    part = metrics.for_province(table, province)
    brief = meeting_brief(part, published, province, year, lang, program_names="full")
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = section.footer_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    doc.core_properties.title = _label("report.title", lang, year=year, next=year + 1)
    doc.core_properties.subject = province
    doc.core_properties.language = "vi-VN" if lang == "vi" else "en-GB"
    doc.core_properties.keywords = _label("mark.illustrative", lang) if illustrative else ""
    doc.core_properties.comments = _label("pack.provenance", lang, rows=fmt.format_count(len(part), lang),
                                          files=fmt.format_count(part["source_file"].nunique(), lang)
                                          if "source_file" in part else "0",
                                          built=built_at, version=__version__)
    _page_number_header(section)
    if illustrative:
        mark = _label("mark.illustrative", lang).upper()
        for header in (section.header, section.first_page_header):
            para = header.add_paragraph()
            para.alignment = 2
            _set_font(para.add_run(mark), 11, bold=True, color="B00020")

    _header_block(doc, province, day, lang, issuer)
    _para(doc, "", after=6)
    _para(doc, _label("report.kind", lang), 14, bold=True, align="center", after=0)
    _para(doc, _label("report.title", lang, year=year, next=year + 1), 14, bold=True, align="center", after=0)
    _para(doc, "———", SMALL_PT, align="center", after=6)
    if illustrative:
        _para(doc, _label("mark.illustrative", lang).upper() + " — " + _label("xlsx.mark_note", lang), 13,
              bold=True, align="center", color="B00020", after=8)
    _para(doc, _label("report.opening", lang, province=province, year=year, next=year + 1), indent=True)

    paragraphs = list(brief.paragraphs)
    results, plan_text, rest = paragraphs[0], paragraphs[1] if len(paragraphs) > 1 else "", paragraphs[2:]
    _para(doc, _label("report.part_results", lang, year=year), bold=True, align="left")
    _para(doc, results, indent=True)
    for extra in rest:
        _para(doc, extra, indent=True)
    header, rows = _year_rows(part, lang)
    _para(doc, _label("report.table_year", lang), 13, bold=True, align="center", after=2)
    _unit_line(doc, lang)
    widths = [14, 22] + [(165 - 14 - 22 - 18) / (len(header) - 3)] * (len(header) - 3) + [18]
    _table(doc, header, rows, widths, text_columns=2)
    _para(doc, "", after=4)
    _picture(doc, chart("support_by_year"),
             _label("report.figure", lang, n=1, title=_label("chart.support_by_year.title", lang)))
    _picture(doc, chart("sources"),
             _label("report.figure", lang, n=2, title=_label("chart.sources_stacked.title", lang,
                                                                stage=_label("stage.actual", lang).lower())))

    nxt, plan = pack.plan_by_program(part, year)
    _para(doc, _label("report.part_plan", lang, next=nxt), bold=True, align="left")
    for i, line in enumerate(plan_text.split("\n")):
        if line.startswith("- "):
            _para(doc, "- " + line[2:], indent=True, after=2)
        elif line:
            _para(doc, line, indent=True, after=4 if i else 6)
    if len(plan):
        _para(doc, _label("report.table_plan", lang, next=nxt), 13, bold=True, align="center", after=2)
        _unit_line(doc, lang)
        decimals = _decimals(plan["amount_vnd"].tolist())
        rows = [[program_label(p, lang), fmt.format_amount(a, pack.UNIT, lang, decimals=decimals),
                 fmt.format_count(n, lang), fmt.format_pct(s, lang)]
                for p, a, n, s in zip(plan["program"], plan["amount_vnd"], plan["n_projects"], plan["share"],
                                      strict=True)]
        total = int(plan["amount_vnd"].sum())
        rows.append([_label("pack.total", lang), fmt.format_amount(total, pack.UNIT, lang, decimals=decimals),
                     fmt.format_count(plan["n_projects"].sum(min_count=1), lang), fmt.format_pct(1.0, lang)])
        _table(doc, [_label("col.program", lang), _label("col.amount_vnd", lang), _label("col.n_projects", lang),
                     _label("col.share", lang)], rows, [85, 30, 22, 28], bold_last=True)
        _para(doc, "", after=4)
        _picture(doc, chart("plan"),
                 _label("report.figure", lang, n=3, title=_label("pack.plan_table", lang, next=nxt)))

    _para(doc, _label("report.part_sources", lang), bold=True, align="left")
    for source in brief.sources or [_label("label.no_data", lang)]:
        _para(doc, "- " + source, 13, indent=True, after=2)
    _para(doc, doc.core_properties.comments, 12, italic=True, indent=True, after=6)

    target = Path(path)
    with atomic_path(target) as tmp:
        doc.save(str(tmp))
    return target
