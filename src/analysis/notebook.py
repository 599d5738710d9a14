"""What every notebook does first, in one tested place: load the tidy table and the published figures, say
whether the data are illustrative, and read the ingest report.

Why: notebooks stay thin (narrative, parameters, calls). They run in JupyterLab, where `data_dir` is usually
None (→ config.PROCESSED_DIR), and under ``python -m analysis report``, which passes the processed folder it
just wrote. A fresh clone has no funding.parquet yet, so `load` runs the ingest once instead of failing.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

import pandas as pd

from analysis import config, metrics, outputs, reference_data

TABLE_FILE = "funding.parquet"
REPORT_FILE = "ingest_report.json"
REJECTS_FILE = "rejects.csv"
PUBLISHED_COLUMNS: tuple[str, ...] = (
    "scope",
    "province",
    "year_start",
    "year_end",
    "stage",
    "metric",
    "funding_source",
    "program",
    "n_projects",
    "amount_vnd",
    "count",
    "value_as_printed",
    "unit_as_printed",
    "qualifier",
    "source",
    "quote",
    "note",
)


class Loaded(NamedTuple):
    """What a notebook works on: the tidy table in scope, the published figures, and the illustrative flag."""

    table: pd.DataFrame
    published: pd.DataFrame
    illustrative: bool


def processed_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The processed-data folder: `data_dir` when given, else config.PROCESSED_DIR."""
    return Path(data_dir) if data_dir is not None else config.PROCESSED_DIR


def is_illustrative(table: pd.DataFrame) -> bool:
    """True when any row comes from the bundled sample workbooks (a source_file under 'samples/')."""
    if table is None or table.empty or "source_file" not in table.columns:
        return False
    return any(
        config.SAMPLES_FOLDER in PurePosixPath(str(f).replace("\\", "/")).parts
        for f in table["source_file"].dropna().unique()
    )


def published_figures() -> pd.DataFrame:
    """The published figures (config.PUBLISHED_FIGURES), or an empty table with their columns if absent."""
    try:
        return reference_data.published_figures()
    except FileNotFoundError:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in PUBLISHED_COLUMNS})


class Scope(NamedTuple):
    """What a notebook is about: one province, its years, and the year whose prices real terms use."""

    province: str | None
    years: list[int] | None
    base_year: int | None


class ScopeError(ValueError):
    """The data hold several provinces and the notebook's `province` parameter is not set (``provinces``).

    In JupyterLab the analyst sees the message only, not a Python traceback (IPython calls
    ``_render_traceback_`` when an exception has it)."""

    def __init__(self, message: str, provinces: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.provinces = list(provinces)

    def _render_traceback_(self) -> list[str]:
        return [f"⚠ {self}"]


def province_list(provinces: Sequence[str]) -> str:
    """Provinces as a message lists them: the first six, then '…'."""
    return ", ".join(provinces[:6]) + (", …" if len(provinces) > 6 else "")


def only_province(table: pd.DataFrame) -> str | None:
    """The province of a table that holds one (None: no rows); ScopeError naming them when it holds several.

    The one rule for "what are these pages about" — notebooks (scope) and report builds both ask it.
    """
    found = metrics.provinces_in(table)
    if len(found) <= 1:
        return found[0] if found else None
    raise ScopeError(
        f"dữ liệu có {len(found)} tỉnh ({province_list(found)}): đặt province = \"{found[0]}\" (hoặc tỉnh khác) "
        f"trong ô tham số / the data cover {len(found)} provinces: set the province parameter",
        found,
    )


def scope(
    data_dir: str | os.PathLike[str] | None = None,
    province: str | None = None,
    years: Sequence[int] | None = None,
    base_year: int | None = None,
) -> Scope:
    """Fill the parameters a notebook leaves open (None) from the data, so it works on any province's files.

    province → the one province in the table (several: ScopeError naming them); years → every year of that
    province in the table; base_year → the latest of those years with actual figures (else the latest year),
    within the years the CPI table covers.
    Values that are given are kept. Why: the bundled samples are Bình Dương 2015–2018, an analyst's own
    files are another province and other years; fixed defaults would show them empty pages.
    """
    table = _read_table(data_dir)
    if not province:
        province = only_province(table)
    part = metrics.for_province(table, province) if province else table
    if years:
        year_list: list[int] | None = [int(y) for y in years]
        part = part[part["year"].isin(year_list)]
    else:
        year_list = sorted(int(y) for y in part["year"].dropna().unique()) or None
    if base_year is None and not part.empty:
        base_year = _default_base_year(part)
    return Scope(province, year_list, int(base_year) if base_year is not None else None)


def _default_base_year(table: pd.DataFrame) -> int | None:
    """The latest year with actual figures (else the latest year), kept inside the CPI table's years: data of
    a year the CPI does not cover yet (published each January) are priced in the last covered year."""
    year = metrics.latest_year(table, "actual") or metrics.latest_year(table)
    covered = metrics.cpi_years()
    if year is None or covered is None:
        return year
    return min(max(year, covered[0]), covered[1])


_TABLES: dict[tuple[str, int, int], pd.DataFrame] = {}


def _read_table(data_dir: str | os.PathLike[str] | None) -> pd.DataFrame:
    """<data_dir>/funding.parquet (ingesting config.RAW_DIR first when it does not exist), read once per version."""
    folder = processed_dir(data_dir)
    path = outputs.resolve(folder, TABLE_FILE)
    if not path.is_file():
        from analysis.ingest import ingest

        ingest(out_dir=folder, progress=False)
        path = outputs.resolve(folder, TABLE_FILE)
    try:
        return _read_version(path)
    except FileNotFoundError:  # a newer set was published (and this one removed) meanwhile: read that one
        return _read_version(outputs.resolve(folder, TABLE_FILE))


def _read_version(path: Path) -> pd.DataFrame:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _TABLES:
        _TABLES.clear()
        _TABLES[key] = pd.read_parquet(path)
    return _TABLES[key]


def load(
    data_dir: str | os.PathLike[str] | None = None,
    province: str | None = None,
    years: Sequence[int] | None = None,
    include_unconfirmed: bool = False,
) -> Loaded:
    """The tidy table of `province` (None: all) and `years` (None: all), the published figures, and whether
    the rows in scope are illustrative sample data.

    Reads <data_dir>/funding.parquet; when it does not exist yet, ingests config.RAW_DIR into data_dir first.
    Notebooks call `scope` first, so None there means what the data hold. Records their own sheet's totals
    contradict ('unconfirmed') are left out unless ``include_unconfirmed`` (see `attention`).
    """
    table = metrics.confirmed(_read_table(data_dir), include_unconfirmed)
    if province:
        table = metrics.for_province(table, province)
    if years:
        table = table[table["year"].isin([int(y) for y in years])]
    table = table.reset_index(drop=True)
    return Loaded(table, published_figures(), is_illustrative(table))


def attention(data_dir: str | os.PathLike[str] | None = None, province: str | None = None) -> pd.DataFrame:
    """Per sheet, the records with no stage, year or province, or unconfirmed (metrics.needs_attention), of
    `province` and of no province at all (None: every province): what notebook 01 shows first."""
    table = _read_table(data_dir)
    if province:
        table = pd.concat([metrics.for_province(table, province), table[table["province"].fillna("") == ""]])
    return metrics.needs_attention(table)


def attention_note(attention_table: pd.DataFrame, lang: str = "vi") -> str:
    """The sentence notebook 01 opens with: how many records need a look and what happens to them."""
    from analysis import charts, fmt

    if attention_table.empty:
        return charts.label("note.attention_none", lang)
    return charts.label(
        "note.attention", lang, n=fmt.format_count(int(attention_table["n_records"].sum()), lang),
        amount=fmt.format_vnd(int(attention_table["amount_vnd"].sum()), lang=lang),
    )


def files_elsewhere(table: pd.DataFrame, province: str | None) -> set[str]:
    """The source files whose rows all belong to other provinces than ``province`` (none when it is None).

    The one rule for "which inputs are a province's": its pages, footer and build key leave these files out
    and keep every other one — its own, and those without rows (unreadable, empty, left out by an override).
    """
    if not province or table is None or table.empty or "source_file" not in table.columns:
        return set()
    mine = metrics.for_province(table, province)
    return {str(f) for f in table["source_file"].dropna().unique()} - {
        str(f) for f in mine["source_file"].dropna().unique()
    }


def ingest_report(data_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The ingest report (ingest_report.json) of data_dir; {} when there is none."""
    path = outputs.resolve(processed_dir(data_dir), REPORT_FILE)  # the same set as the table
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def ingest_overview(
    data_dir: str | os.PathLike[str] | None = None, lang: str = "en", province: str | None = None
) -> pd.DataFrame:
    """One row per sheet read (one per file that could not be read): what the ingest did with it; with
    ``province``, without the files whose rows all belong to other provinces (:func:`files_elsewhere`).

    The ingest accounts for every row: rows_read = records + skipped + rejected, where `records` counts the
    sheet rows that became data (one row may hold several amounts: KCQG, KCĐP, counterpart) and `skipped`
    the title, header, subtotal, total, note and blank rows. reconciled_ok / reconciled_failed count the subtotal and total checks.
    Columns: file, sheet, status, year, stage, rows_read, records, skipped, rejected, reconciled_ok,
    reconciled_failed, warnings. Warnings are stored in English (stable for tools) with their codes;
    ``lang="vi"`` renders them in Vietnamese (vocab/messages.csv), as the ingest report page does.
    """
    from .ingest.report_page import sheet_warnings, warning_sheet

    elsewhere = files_elsewhere(_read_table(data_dir), province) if province else set()
    rows = []
    for entry in ingest_report(data_dir).get("files", []):
        if str(entry.get("path", "")) in elsewhere:
            continue
        sheets = entry.get("sheets") or [{}]
        names = [str(sheet.get("sheet", "")) for sheet in sheets]
        # A file warning about a sheet goes to that sheet's row; any other to the file's first row.
        by_sheet: dict[str, list[str]] = {n: [] for n in names}
        if entry.get("message"):
            by_sheet[names[0]].append(str(entry["message"]))
        codes = entry.get("warning_codes") or [None] * len(entry.get("warnings", []))
        for code, text in zip(codes, sheet_warnings(entry, lang), strict=False):
            named = warning_sheet(code)
            by_sheet[named if named in by_sheet else names[0]].append(text)
        for sheet in sheets:
            checks = sheet.get("reconciliation", [])
            skipped = sheet.get("skipped", {})
            rows_read = int(sheet.get("rows_read", 0))
            rejected = int(sheet.get("rejected", 0))
            skipped_n = int(sum(skipped.values())) if isinstance(skipped, dict) else int(skipped or 0)
            rows.append(
                {
                    "file": str(entry.get("path", "")),
                    "sheet": str(sheet.get("sheet", "")),
                    "status": str(entry.get("status", "")),
                    "year": sheet.get("year"),
                    "stage": str(sheet.get("stage") or ""),
                    "rows_read": rows_read,
                    "records": int(sheet.get("records", 0)),
                    "skipped": skipped_n,
                    "rejected": rejected,
                    "reconciled_ok": sum(1 for c in checks if c.get("ok")),
                    "reconciled_failed": sum(1 for c in checks if not c.get("ok")),
                    "warnings": "; ".join(
                        dict.fromkeys(
                            [
                                *by_sheet[str(sheet.get("sheet", ""))],
                                *sheet_warnings(sheet, lang),
                            ]
                        )
                    ),
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "file",
            "sheet",
            "status",
            "year",
            "stage",
            "rows_read",
            "records",
            "skipped",
            "rejected",
            "reconciled_ok",
            "reconciled_failed",
            "warnings",
        ],
    )
    out["year"] = pd.array(out["year"].tolist(), dtype="Int64")
    for col in ("rows_read", "records", "skipped", "rejected", "reconciled_ok", "reconciled_failed"):
        out[col] = out[col].astype("int64")
    return out


def rejects(
    data_dir: str | os.PathLike[str] | None = None, lang: str = "vi", province: str | None = None
) -> pd.DataFrame:
    """The rows the ingest rejected (rejects.csv): source_file, source_sheet, source_row, column, value,
    reason (in Vietnamese unless lang='en'; the file keeps the English, stable for tools). Empty (with those
    columns) when nothing was rejected or there is no file. With ``province``, without the rows of files that
    belong to other provinces (:func:`files_elsewhere`)."""
    columns = ["source_file", "source_sheet", "source_row", "column", "value", "reason"]
    path = outputs.resolve(processed_dir(data_dir), REJECTS_FILE)
    if not path.is_file():
        return pd.DataFrame(columns=columns)
    out = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if province and "source_file" in out:
        elsewhere = files_elsewhere(_read_table(data_dir), province)
        if elsewhere:
            out = out[~out["source_file"].isin(elsewhere)].reset_index(drop=True)
    if "source_row" in out:
        out["source_row"] = pd.to_numeric(out["source_row"], errors="coerce").astype("Int64")
    if lang == "vi" and "reason" in out:
        from .ingest.report_page import reason_text

        out["reason"] = [reason_text(row, "vi") for row in out.to_dict("records")]
    return out[[c for c in columns if c in out]]


_URL_RE = re.compile(r"https?://[^\s<>()]+")
_MD_SPECIAL_RE = re.compile(r"([\\`*_{}\[\]<>#|])")


def sources_markdown(sources: Iterable[object], lang: str = "vi") -> str:
    """A numbered Markdown list of the distinct sources (';'-separated entries split), URLs as links.

    Why: tables of published figures cite long sources; listing them once under the table keeps the table
    readable and the citations clickable. Text is escaped so a source cannot become markup.
    """
    from analysis.charts import label

    items: list[str] = []
    for value in sources:
        for part in str(value or "").split("; "):
            if part.strip() and part.strip() not in items:
                items.append(part.strip())
    lines = [f"**{label('label.published_sources', lang)}**", ""]
    for i, item in enumerate(items, 1):
        pieces, pos = [], 0
        for match in _URL_RE.finditer(item):
            pieces.append(_MD_SPECIAL_RE.sub(r"\\\1", item[pos : match.start()]))
            pieces.append(f"<{match.group(0)}>")
            pos = match.end()
        pieces.append(_MD_SPECIAL_RE.sub(r"\\\1", item[pos:]))
        lines.append(f"{i}. {''.join(pieces)}")
    return "\n".join(lines) + "\n"
