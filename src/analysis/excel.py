"""Excel workbooks for people who open them in Excel: ``tables/summary.xlsx`` and ``funding.xlsx``.

Why a module of its own: the tidy table and the metrics speak codes and exact đồng (right for tools), while
the analyst who opens the workbook reads Vietnamese words and triệu đồng, prints on A4 and filters. So each
metrics column becomes a display column — amounts in triệu đồng with the unit in the header, codes as words
from ``labels.csv`` — and where a tool needs the code (stage, funding source, programme, exact đồng), it is
kept in a hidden column right after. Every sheet has a title row (with the "Dữ liệu minh họa" mark on sample
data), a frozen header with filters, and a landscape fit-to-width A4 page setup that repeats the header.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import fmt
from .safe_export import DANGEROUS_PREFIXES, atomic_path

UNIT = "trieu"
# Columns whose codes a tool may want to filter on: the visible column shows the word, a hidden one the code.
CODE_COLUMNS: tuple[str, ...] = ("stage", "funding_source", "program", "record_type", "metric", "flags")
PLAIN_INTEGERS: tuple[str, ...] = ("source_row",)
AMOUNT_FORMAT = "#,##0.0"
COUNT_FORMAT = "#,##0"
YEAR_FORMAT = "0"
PCT_FORMAT = "0.0%"
CHANGE_PCT_FORMAT = "+0.0%;-0.0%;0.0%"
POINTS_FORMAT = '+0.0" điểm";-0.0" điểm";0.0" điểm"'
POINTS_FORMAT_EN = '+0.0" pt";-0.0" pt";0.0" pt"'
RATIO_FORMAT = "#,##0.0"
DVND_FORMAT = "#,##0"


@dataclass
class Column:
    """One column of a sheet as written: header, values (Python objects), Excel format, width, hidden."""

    header: str
    values: list[Any]
    number_format: str | None = None
    hidden: bool = False
    width: float = 10.0


@dataclass
class Sheet:
    """One worksheet: tab name, title line above the table, its columns."""

    name: str
    title: str
    columns: list[Column] = field(default_factory=list)

    def header(self) -> list[str]:
        """Headers in order (visible and hidden)."""
        return [c.header for c in self.columns]


def _label(key: str, lang: str, **values: object) -> str:
    from .charts import label

    return label(key, lang, **values)


def _is_missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _kind(name: str, series: pd.Series) -> str:
    """What a metrics column holds, from its name (as fmt does for HTML tables) and dtype."""
    n = name.lower()
    if pd.api.types.is_bool_dtype(series.dtype) or n == "match":
        return "bool"
    if n.endswith("_vnd"):
        return "amount"
    if n == "share_change":
        return "points"
    if n in ("pct_change", "pct_change_real"):
        return "change_pct"
    if "share" in n or n.endswith("_rate") or n == "rate":
        return "pct"
    if "leverage" in n:
        return "ratio"
    if n == "year" or n.endswith("_year") or n.startswith("year_") or n in PLAIN_INTEGERS:
        return "year"
    if pd.api.types.is_integer_dtype(series.dtype):
        return "count"
    if pd.api.types.is_float_dtype(series.dtype):
        return "float"
    return "text"


def _width(header: str, texts: Sequence[str]) -> float:
    longest_word = max((len(w) for w in header.split()), default=4)
    content = max((len(t) for t in texts[:200]), default=0)
    return float(min(max(content + 2, min(len(header), 24) + 2, longest_word + 2, 8), 60))


def _wrapped_lines(text: str, width: float) -> int:
    """How many lines a header takes when wrapped at word boundaries in a column ``width`` characters wide."""
    lines, current = 1, 0
    room = max(int(width) - 1, 4)
    for word in text.split():
        if current and current + 1 + len(word) > room:
            lines, current = lines + 1, len(word)
        else:
            current += len(word) + (1 if current else 0)
    return lines


def display_columns(
    frame: pd.DataFrame, lang: str = "vi", table: str | None = None, *, exact_vnd: bool = False, **values: object
) -> list[Column]:
    """Metrics columns → the columns a reader sees (plus hidden code columns for tools).

    Amounts ``*_vnd`` become triệu đồng (float, one decimal everywhere in the column) with the unit in the
    header; with ``exact_vnd`` the exact đồng follow in a hidden column. Codes become words (labels.csv);
    ``stage``/``funding_source``/``program``/``record_type``/``metric`` keep their code in a hidden column.
    Booleans read có/không. Headers come from ``charts.column_label`` (the same words as the HTML tables).
    """
    from .charts import column_label, table_labels

    words = table_labels(lang, table, **values)["values"]
    unit_words = fmt.unit_label(UNIT, lang)
    out: list[Column] = []
    for name in frame.columns:
        key = str(name)
        series = frame[name]
        kind = _kind(key, series)
        header = column_label(key, lang, table, **values)
        raw = series.astype(object).where(series.notna(), None).tolist()
        if kind == "amount":
            scaled = [None if _is_missing(v) else fmt.scale_vnd(v, UNIT) for v in raw]
            texts = [fmt.format_amount(v, UNIT, lang) for v in raw]
            out.append(Column(f"{header} ({unit_words})", scaled, AMOUNT_FORMAT, width=_width(header, texts)))
            if exact_vnd:
                exact = [None if _is_missing(v) else int(v) for v in raw]
                out.append(Column(key, exact, DVND_FORMAT, hidden=True, width=16))
            continue
        if kind == "bool":
            shown = [None if _is_missing(v) else fmt.format_bool(v, lang) for v in raw]
            out.append(Column(header, shown, None, width=_width(header, [s or "" for s in shown])))
            continue
        if kind == "text":
            mapping = words.get(key)
            if mapping is None and key == "district":
                mapping = {"": _label("district.unknown", lang)}
            if key == "flags":
                flag_words = words.get("flag", {})
                mapping = lambda v, _w=flag_words: "; ".join(_w.get(f, f) for f in str(v).split(";") if f)  # noqa: E731
            if callable(mapping):
                shown = [None if v is None else mapping(v) for v in raw]
            elif mapping:
                shown = [None if v is None else mapping.get(v, v) for v in raw]
            else:
                shown = [None if v is None else str(v) for v in raw]
            shown = [None if v is None else str(v) for v in shown]
            out.append(Column(header, shown, None, width=_width(header, [s or "" for s in shown])))
            if key in CODE_COLUMNS:
                codes = [None if v is None else str(v) for v in raw]
                out.append(Column(key, codes, None, hidden=True, width=14))
            continue
        number_format = {
            "points": POINTS_FORMAT if lang == "vi" else POINTS_FORMAT_EN,
            "change_pct": CHANGE_PCT_FORMAT,
            "pct": PCT_FORMAT,
            "ratio": RATIO_FORMAT,
            "year": YEAR_FORMAT,
            "count": COUNT_FORMAT,
            "float": "#,##0.00",
        }[kind]
        numbers = [None if _is_missing(v) else (int(v) if kind in ("year", "count") else float(v)) for v in raw]
        if kind == "points":  # a difference of shares (ratio) shown in percentage points
            numbers = [None if v is None else round(v * 100, 6) for v in numbers]
        out.append(Column(header, numbers, number_format, width=_width(header, [f"{v:,}" for v in numbers if v])))
    return out


def sheet_from_frame(
    name: str, title: str, frame: pd.DataFrame, lang: str = "vi", table: str | None = None, **options: Any
) -> Sheet:
    """A :class:`Sheet` from a metrics frame (see :func:`display_columns`)."""
    return Sheet(name, title, display_columns(frame, lang, table, **options))


def write_workbook(
    sheets: Sequence[Sheet],
    path: str | os.PathLike[str],
    *,
    lang: str = "vi",
    illustrative: bool = False,
    subject: str = "",
) -> Path:
    """Write the sheets with a title row, frozen header, filters, hidden code columns and A4 print setup.

    Why this layout: row 1 says what the sheet is (and "Dữ liệu minh họa" on sample data, also in the printed
    page header and the file's properties), row 2 holds the headers — frozen, filtered, repeated on every
    printed page — and the page is A4 landscape, one page wide, so a 9-column table never splits across
    sheets of paper. Text cells that look like formulas keep Excel's quote prefix (never run).
    """
    import xlsxwriter

    mark = _label("mark.illustrative", lang)
    target = Path(path)
    with atomic_path(target) as tmp:
        book = xlsxwriter.Workbook(
            str(tmp),
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
             "nan_inf_to_errors": True},
        )
        book.set_properties({
            "title": subject or (sheets[0].title if sheets else ""),
            "subject": subject,
            "comments": mark if illustrative else "",
            "keywords": mark if illustrative else "",
        })
        title_fmt = book.add_format({"bold": True, "font_size": 13})
        mark_fmt = book.add_format({"bold": True, "font_color": "#B00020", "font_size": 12})
        head_fmt = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF4", "border": 1}
        )
        quoted = book.add_format({"quote_prefix": True})
        formats: dict[str, Any] = {}
        taken: set[str] = set()
        from .safe_export import sheet_title

        for spec in sheets:
            ws = book.add_worksheet(sheet_title(spec.name, taken))
            ws.write_string(0, 0, spec.title, title_fmt)
            header_row = 1
            if illustrative:
                ws.write_string(1, 0, f"{mark} — {_label('xlsx.mark_note', lang)}", mark_fmt)
                header_row = 2
            ncol = len(spec.columns)
            nrow = max((len(c.values) for c in spec.columns), default=0)
            cell_formats = []
            for c, column in enumerate(spec.columns):
                code = column.number_format
                if code and code not in formats:
                    formats[code] = book.add_format({"num_format": code})
                cell_formats.append(formats.get(code) if code else None)
                ws.set_column(c, c, column.width, cell_formats[-1], {"hidden": True} if column.hidden else {})
                ws.write_string(header_row, c, column.header, head_fmt)
            lines = max((_wrapped_lines(c.header, c.width) for c in spec.columns if not c.hidden), default=1)
            ws.set_row(header_row, 15 * lines + 3)  # wrapped headers: Excel does not grow a row it did not write
            # row by row: the workbook streams (constant memory) for a tidy table of tens of thousands of rows
            for r, row in enumerate(zip(*(c.values for c in spec.columns), strict=True), start=header_row + 1):
                for c, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    if isinstance(value, str):
                        ws.write_string(r, c, value, quoted if value.startswith(DANGEROUS_PREFIXES) else None)
                    else:
                        ws.write_number(r, c, value, cell_formats[c])
            if ncol:
                ws.freeze_panes(header_row + 1, 0)
                ws.autofilter(header_row, 0, header_row + nrow, ncol - 1)
                ws.repeat_rows(header_row)
                ws.print_area(0, 0, header_row + max(nrow, 1), ncol - 1)
            ws.set_landscape()
            ws.set_paper(9)  # A4
            ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
            ws.set_margins(left=0.5, right=0.4, top=0.7, bottom=0.6)
            ws.set_header(f"&L&B{mark}" if illustrative else "")
            ws.set_footer("&L&A&R" + (_label("xlsx.page", lang, page="&P", pages="&N")))
        if not sheets:
            book.add_worksheet(_label("label.no_data", lang)[:31])
        book.close()
    return target


# ---------------------------------------------------------------------------------------------- summary


def summary_sheets(
    table: pd.DataFrame, published: pd.DataFrame | None = None, lang: str = "vi"
) -> list[Sheet]:
    """The main tables of ``tables/summary.xlsx``, one province block after another.

    Computed by ``analysis.metrics`` (one grain per province/year/stage, support excludes counterpart, a
    project counted once): support by source with projects and leverage by year, plan against actual, support
    by programme and by district, each published single-year figure next to the same figure from the data.
    """
    from . import metrics, pack

    if table is None or table.empty:
        return []
    blocks: dict[str, list[pd.DataFrame]] = {k: [] for k in ("year", "execution", "program", "district", "published")}
    for province in metrics.provinces_in(table):
        part = metrics.for_province(table, province)
        lev = metrics.leverage(part)[["year", "stage", "leverage"]]
        year_table = pack.year_table(part).merge(lev, on=["year", "stage"], how="left")  # as the Word report
        blocks["year"].append(year_table.assign(province=province))
        blocks["execution"].append(metrics.execution_rate(part).assign(province=province))
        blocks["program"].append(metrics.program_allocation(part, stage=None).assign(province=province))
        if part["district"].ne("").any():
            blocks["district"].append(metrics.by_district(part, stage=None).assign(province=province))
        if published is not None and not published.empty:
            check = metrics.check_against_published(part, published, str(province))
            blocks["published"].append(check.assign(province=province))
    sheets: list[Sheet] = []
    for key, frames in blocks.items():
        frames = [f for f in frames if not f.empty]
        if not frames:
            continue
        frame = pd.concat(frames, ignore_index=True)
        if key == "execution" and not (frame["plan_vnd"].notna().any() and frame["actual_vnd"].notna().any()):
            continue  # plan against actual needs both stages somewhere
        if key == "published":
            frame = frame.assign(figure=_check_labels(frame, lang))
            frame = frame.drop(columns=["metric", "funding_source", "program"])
            frame = frame[["province", "year", "stage", "figure",
                           *[c for c in frame.columns if c not in ("province", "year", "stage", "figure")]]]
        order = ["province", *[c for c in frame.columns if c != "province"]]
        frame = frame[order].dropna(axis=1, how="all")
        provinces = ", ".join(metrics.provinces_in(frame))
        title = _label(f"xlsx.title.{key}", lang, province=provinces, unit=fmt.unit_label(UNIT, lang))
        sheets.append(sheet_from_frame(_label(f"xlsx.sheet.{key}", lang), title, frame, lang))
    return sheets


def _check_labels(check: pd.DataFrame, lang: str) -> list[str]:
    from .charts import check_figure_labels

    return check_figure_labels(check, lang)


def write_summary_xlsx(
    table: pd.DataFrame,
    published: pd.DataFrame | None,
    path: str | os.PathLike[str],
    lang: str = "vi",
    illustrative: bool = False,
) -> Path | None:
    """``tables/summary.xlsx``; None when the table has no rows (nothing to summarise)."""
    sheets = summary_sheets(table, published, lang)
    if not sheets:
        return None
    return write_workbook(sheets, path, lang=lang, illustrative=illustrative,
                          subject=_label("xlsx.subject.summary", lang))


# ---------------------------------------------------------------------------------------------- funding

# The tidy table's columns in the order a reader wants them; provenance last.
_FUNDING_ORDER: tuple[str, ...] = (
    "province", "year", "stage", "record_type", "program", "program_label", "funding_source", "amount_vnd",
    "n_projects", "title", "beneficiary", "district", "value_as_printed", "unit_as_printed", "flags",
    "source_file", "source_sheet", "source_row",
)


def funding_sheet(table: pd.DataFrame, lang: str = "vi") -> Sheet:
    """The tidy table as an Excel sheet: words and triệu đồng shown, codes and exact đồng in hidden columns."""
    columns = [c for c in _FUNDING_ORDER if c in table.columns]
    columns += [c for c in table.columns if c not in columns]
    title = _label("xlsx.title.funding", lang, unit=fmt.unit_label(UNIT, lang))
    return Sheet(_label("xlsx.sheet.funding", lang), title, display_columns(table[columns], lang, exact_vnd=True))


def write_funding_xlsx(table: pd.DataFrame, path: str | os.PathLike[str], lang: str = "vi") -> Path:
    """``funding.xlsx``: the tidy table for Excel users (see :func:`funding_sheet`); sample rows are marked."""
    from .notebook import is_illustrative

    return write_workbook([funding_sheet(table, lang)], path, lang=lang, illustrative=is_illustrative(table),
                          subject=_label("xlsx.subject.funding", lang))


def visible_cells(path: str | os.PathLike[str]) -> dict[str, list[list[Any]]]:
    """Every sheet's cell values without its hidden columns: what a reader of the workbook sees.

    Why: tests (and the English-word scan) must judge what a person reads, while the hidden code columns
    are meant for tools.
    """
    from openpyxl import load_workbook
    from openpyxl.utils import column_index_from_string

    book = load_workbook(path, read_only=False)
    out: dict[str, list[list[Any]]] = {}
    for ws in book.worksheets:
        hidden: set[int] = set()
        for letter, dim in ws.column_dimensions.items():
            if dim.hidden:
                first = column_index_from_string(letter)
                last = max(first, int(dim.max or first))
                hidden.update(range(first, last + 1))
        out[ws.title] = [
            [cell.value for cell in row if cell.column not in hidden] for row in ws.iter_rows()
        ]
    return out


def header_map(rows: Sequence[Sequence[Any]]) -> list[Any]:
    """The header row of a sheet written by :func:`write_workbook` (the first row with more than one cell)."""
    for row in rows:
        if sum(v is not None for v in row) > 1:
            return list(row)
    return []
