"""CSV and Excel writers that are safe to open in Excel, and atomic file writes.

Why: the tables we publish carry text copied from spreadsheets that anyone can type into (project titles,
beneficiaries). A cell such as ``=HYPERLINK(...)`` or ``-2+3+cmd|' /C calc'!A0`` becomes a live formula when an
analyst opens the CSV in Excel (CSV/formula injection), and a crash half-way through a write must never leave a
truncated file that the next step reads as complete. Shared by ``analysis.ingest`` (funding.csv / funding.xlsx /
rejects.csv) and ``analysis.report`` (summary.xlsx, HTML pages).
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

# Characters that make Excel / LibreOffice start a formula or a DDE command (OWASP "CSV injection").
DANGEROUS_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# A text cell made only of a sign, digits, separators and spaces ("-", "-1.234", "+84 912 345 678") cannot carry
# a formula: Excel reads it as a number or as text. Leaving it alone keeps "-" (= nil in Vietnamese sheets) readable.
_PLAIN_NUMBER_RE = re.compile(r"[+-]?[\d\s.,]*")

INT_FORMAT = "#,##0"
PLAIN_INT_FORMAT = "0"
_PLAIN_INT_NAMES = frozenset({"year", "năm", "row", "dòng", "stt", "id"})
FLOAT_FORMAT = "#,##0.0"
DATE_FORMAT = "dd/mm/yyyy"
_MAX_SHEET_NAME = 31
_BAD_SHEET_CHARS_RE = re.compile(r"[\[\]:*?/\\]")
_WIDTH_SAMPLE_ROWS = 2000


def _read_umask() -> int:
    """The process umask (read once at import, while single-threaded: os.umask can only be read by setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def default_mode(directory: bool = False) -> int:
    """Permissions a plain ``open()``/``mkdir()`` would give: reports are read by others on shared drives."""
    return (0o777 if directory else 0o666) & ~_UMASK


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success rename it over ``path``, on error delete it.

    Why: readers (the next pipeline step, Excel, a mail client) never see a half-written file, and a failed
    write leaves the previous version in place. The temporary file is in the same folder so the rename is
    atomic (same filesystem).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp creates 0600; give the file the mode it would have had (or keep the replaced file's mode).
        mode = target.stat().st_mode & 0o7777 if target.exists() else default_mode()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file + fsync + rename) and return the path."""
    target = Path(path)
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` atomically; see :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode(encoding))


# A list separator (';' in a Windows set to Vietnamese, ',' elsewhere), optional blanks and quotes, then a
# formula start: where a spreadsheet that splits the line on that separator would begin a new cell.
_SEGMENT_RE = re.compile(r"""([;,][\s"']*)([=+\-@][^;,]*)""")
_SEGMENT_HINT = r"""[;,][\s"']*[=+\-@]"""


def _quote_segment(match: re.Match[str]) -> str:
    """Quote one formula start after a separator, unless the cell it begins is a plain numeral whichever of
    ';' or ',' ends the cell."""
    rest = match.string[match.start(2):]
    plain = all(_PLAIN_NUMBER_RE.fullmatch(rest.split(sep, 1)[0]) for sep in (";", ","))
    return match.group(1) + (match.group(2) if plain else "'" + match.group(2))


def neutralise(value: str) -> str:
    """Return ``value`` with a single quote before every place Excel could read as the start of a formula.

    That is the start of the value, and what follows a ';' or ',' inside it: an Excel whose list separator is
    ';' (the usual Windows setting where the decimal mark is a comma, as in Vietnamese) splits a CSV line on
    ';' even inside a quoted field, so "abc;=3+3" would give a live cell "=3+3". Plain numerals such as
    "-1.234" or "-" are left alone: they cannot run anything.
    """
    if value and value.startswith(DANGEROUS_PREFIXES) and not _PLAIN_NUMBER_RE.fullmatch(value):
        value = "'" + value
    if ";" in value or "," in value:
        value = _SEGMENT_RE.sub(_quote_segment, value)
    return value


def is_dangerous(value: object) -> bool:
    """True when ``value`` is text that a spreadsheet would evaluate as a formula."""
    return isinstance(value, str) and neutralise(value) != value


def _is_numeric_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype)


def _byte_table(chars: bytes) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[list(chars)] = True
    return table


_BLANK_BYTES = _byte_table(b" \t\r\n\"'")
_FORMULA_BYTES = _byte_table(b"=+-@")


def _segment_candidates(series: pd.Series) -> np.ndarray:
    """Rows that may hold a formula start after a ';' or ',' (a superset; :func:`neutralise` decides).

    Why bytes and not a regex: on a national table a regex over every text cell cost 0.4 s per column; this
    scans the Arrow buffer once with numpy (UTF-8 keeps these ASCII bytes unambiguous).
    """
    import pyarrow as pa

    try:
        arr = pa.array(series, from_pandas=True)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if pa.types.is_string(arr.type):
            arr = arr.cast(pa.large_string())
        if not pa.types.is_large_string(arr.type):
            raise TypeError(arr.type)
    except (pa.ArrowException, TypeError, ValueError):  # mixed objects: the exact check on each text cell
        return series.astype(object).map(
            lambda v: isinstance(v, str) and re.search(_SEGMENT_HINT, v) is not None, na_action="ignore"
        ).to_numpy(dtype=bool, na_value=False)
    out = np.zeros(len(arr), dtype=bool)
    buffers = arr.buffers()
    if len(arr) == 0 or buffers[2] is None:
        return out
    offsets = np.frombuffer(buffers[1], dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(buffers[2], dtype=np.uint8)[: offsets[-1]]
    pending = np.flatnonzero((data == 59) | (data == 44)) + 1  # ";" or ","
    hits = []
    while pending.size:  # skip blanks and quotes after each separator, one byte per round
        pending = pending[pending < data.size]
        found = data[pending]
        hits.append(pending[_FORMULA_BYTES[found]])
        pending = pending[_BLANK_BYTES[found]] + 1
    positions = np.concatenate(hits) if hits else np.empty(0, dtype=np.int64)
    if positions.size:
        rows = np.searchsorted(offsets, positions, side="right") - 1
        out[np.clip(rows, 0, len(arr) - 1)] = True
    return out


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` whose text cells and column names cannot start a formula.

    Numeric columns are untouched, so negative numbers stay numbers. In object columns only ``str``
    values are changed.
    """
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if _is_numeric_column(series) or pd.api.types.is_datetime64_any_dtype(series.dtype):
            continue
        # vectorised pre-filter (a national table has millions of text cells); exact check on the few candidates
        if pd.api.types.is_string_dtype(series.dtype):
            first = series.str[:1]
        else:
            first = series.astype(object).map(lambda v: v[:1] if isinstance(v, str) else "", na_action="ignore")
        candidates = first.isin(DANGEROUS_PREFIXES).to_numpy(dtype=bool, na_value=False)
        candidates = candidates | _segment_candidates(series)
        if not candidates.any():
            continue
        values = series.astype(object)
        picked = values[candidates]
        values[candidates] = [neutralise(v) if isinstance(v, str) else v for v in picked]
        out[col] = values
    out.columns = [neutralise(c) if isinstance(c, str) else c for c in out.columns]
    return out


def write_csv(df: pd.DataFrame, path: str | os.PathLike[str], *, index: bool = False) -> Path:
    """Write ``df`` as UTF-8 CSV with a BOM (so Excel shows Vietnamese), formula-safe and atomic."""
    target = Path(path)
    safe = neutralise_frame(df)
    with atomic_path(target) as tmp:
        if not index and _arrow_writable(safe):
            # pyarrow writes CSV ~10x faster than pandas (200 000 rows: 0.15 s vs 1.6 s); same bytes policy:
            # BOM, CRLF, fields quoted when they hold a delimiter, quote, CR or LF.
            import pyarrow as pa
            import pyarrow.csv as pacsv

            table = pa.Table.from_pandas(safe, preserve_index=False)
            with open(tmp, "wb") as handle:
                handle.write(b"\xef\xbb\xbf")
                pacsv.write_csv(table, handle, pacsv.WriteOptions(eol=b"\r\n", quoting_style="needed"))
        else:
            # CRLF as Excel writes it; it also makes the csv module quote cells holding a bare CR, which a
            # "\n" terminator leaves unquoted (the row would split in two).
            safe.to_csv(tmp, index=index, encoding="utf-8-sig", lineterminator="\r\n")
    return target


def _arrow_writable(df: pd.DataFrame) -> bool:
    """The fast writer is used for plain tables of text and integers (the tidy table, rejects)."""
    for dtype in df.dtypes:
        if not (pd.api.types.is_string_dtype(dtype) or pd.api.types.is_integer_dtype(dtype)):
            return False
    return df.columns.map(lambda c: isinstance(c, str)).all() and not df.columns.duplicated().any()


def sheet_title(name: str, taken: set[str] | None = None) -> str:
    """Return a valid, unique Excel sheet name (≤ 31 chars, no ``[]:*?/\\``) for ``name``."""
    title = _BAD_SHEET_CHARS_RE.sub("_", str(name)).strip().strip("'") or "Sheet"
    title = title[:_MAX_SHEET_NAME]
    taken = taken if taken is not None else set()
    candidate, n = title, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        candidate = title[: _MAX_SHEET_NAME - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


def _cell_value(value: Any) -> Any:
    """Convert a pandas cell to a plain Python value an XLSX writer takes (NA → None, numpy → Python)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (list, tuple, set, dict)):
        return str(value)
    return value


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return len(f"{value:,}")
    if isinstance(value, float):
        return len(f"{value:,.1f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _is_identifier_column(name: str) -> bool:
    """Years and row numbers are integers that must not get thousands separators ("2.016")."""
    key = name.strip().lower()
    return (
        key in _PLAIN_INT_NAMES or key.endswith(("_year", "_row", "_start", "_end")) or key.startswith("year")
    )


def _column_format(series: pd.Series, name: str, number_formats: Mapping[str, str]) -> str | None:
    if name in number_formats:
        return number_formats[name]
    if pd.api.types.is_bool_dtype(series.dtype):
        return None
    if pd.api.types.is_integer_dtype(series.dtype):
        return PLAIN_INT_FORMAT if _is_identifier_column(name) else INT_FORMAT
    if pd.api.types.is_float_dtype(series.dtype):
        return FLOAT_FORMAT
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return DATE_FORMAT
    return None


# Characters an XLSX cannot hold (XML 1.0 forbids them); dropped rather than written as _xHHHH_ escapes.
_ILLEGAL_XML_RE = re.compile(r"[\000-\010\013\014\016-\037]")


def write_xlsx(
    sheets: Mapping[str, pd.DataFrame],
    path: str | os.PathLike[str],
    number_formats: Mapping[str, str] | None = None,
    *,
    max_col_width: int = 60,
) -> Path:
    """Write one sheet per DataFrame with bold frozen header, autofilter, column widths; formula-safe, atomic.

    ``number_formats`` maps a column name to an Excel format and overrides the defaults (integers
    ``#,##0``, except years and row numbers such as ``year``/``source_row``: ``0``; floats ``#,##0.0``). Excel draws the separators of the reader's locale, so a Vietnamese
    Windows shows 1.234.567. Text cells are written as text, never as formulas: a value that starts with
    ``=``, ``+``, ``-``, ``@``, tab or CR is stored with Excel's hidden quote prefix, so it displays as typed
    and stays text even if the sheet is later saved as CSV.

    XlsxWriter (streaming, ``constant_memory``) writes the tidy table about twice as fast as openpyxl's
    write-only mode (benchmarks/bench_xlsx.py), which matters for a province's table of tens of thousands of rows.
    """
    import xlsxwriter

    formats = dict(number_formats or {})
    target = Path(path)
    taken: set[str] = set()
    with atomic_path(target) as tmp:
        workbook = xlsxwriter.Workbook(
            str(tmp),
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
             "strings_to_urls": False, "nan_inf_to_errors": True},
        )
        header = workbook.add_format({"bold": True, "valign": "top", "text_wrap": True})
        header_quoted = workbook.add_format({"bold": True, "valign": "top", "text_wrap": True, "quote_prefix": True})
        quoted = workbook.add_format({"quote_prefix": True})
        by_code: dict[str, Any] = {DATE_FORMAT: workbook.add_format({"num_format": DATE_FORMAT})}
        for name, frame in sheets.items():
            sheet = workbook.add_worksheet(sheet_title(name, taken))
            columns = [str(c) for c in frame.columns]
            cell_formats = []
            for i, column in enumerate(columns):
                code = _column_format(frame.iloc[:, i], column, formats)
                if code is not None and code not in by_code:
                    by_code[code] = workbook.add_format({"num_format": code})
                cell_formats.append(by_code[code] if code is not None else None)
            widths = [len(c) for c in columns]
            sample = frame.head(_WIDTH_SAMPLE_ROWS)
            for i in range(len(columns)):
                for value in sample.iloc[:, i].tolist():
                    widths[i] = max(widths[i], _display_width(_cell_value(value)))
            for i, width in enumerate(widths):
                sheet.set_column(i, i, min(max(width + 2, 8), max_col_width))
            if columns:
                sheet.freeze_panes(1, 0)
                sheet.autofilter(0, 0, len(frame), len(columns) - 1)
            for i, column in enumerate(columns):
                _write_text(sheet, 0, i, column, header, header_quoted)
            # column by column: NA → None once, and one writer per column kind instead of a type test per cell
            kinds = [_column_kind(frame.iloc[:, i]) for i in range(len(columns))]
            values = [_column_values(frame.iloc[:, i], kind) for i, kind in enumerate(kinds)]
            write_number = sheet.write_number
            for r, row in enumerate(zip(*values, strict=True), start=1):
                for c, value in enumerate(row):
                    if value is None:
                        continue
                    kind = kinds[c]
                    if kind == "text":
                        _write_text(sheet, r, c, value, None, quoted)
                    elif kind == "number":
                        write_number(r, c, value, cell_formats[c])
                    else:
                        _write_any(sheet, r, c, value, cell_formats[c], by_code[DATE_FORMAT], quoted)
        if not sheets:
            workbook.add_worksheet("Sheet")
        workbook.close()
    return target


def _column_kind(series: pd.Series) -> str:
    """'text', 'number' (ints and finite-or-not floats, no booleans) or 'any' (per-cell dispatch)."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "any"
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        return "number"
    if isinstance(dtype, pd.StringDtype) or (
        pd.api.types.is_object_dtype(dtype) and pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty")
    ):
        return "text"
    return "any"


def _column_values(series: pd.Series, kind: str) -> list[Any]:
    """A column as Python values with every missing value (None, NA, NaN, NaT) as None."""
    if kind == "any":
        return [_cell_value(v) for v in series.tolist()]
    values = series.astype(object).where(series.notna(), None).tolist()
    if kind == "number":
        return [v.item() if hasattr(v, "item") else v for v in values]
    return values


def _write_any(sheet: Any, row: int, col: int, value: Any, fmt: Any, date_format: Any, quoted: Any) -> None:
    """One cell of a column whose kind is mixed or special (booleans, dates, objects)."""
    if isinstance(value, str):
        _write_text(sheet, row, col, value, None, quoted)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt)
    elif hasattr(value, "year"):  # datetime / date
        sheet.write_datetime(row, col, value, fmt or date_format)
    else:
        _write_text(sheet, row, col, str(value), None, quoted)


def _write_text(sheet: Any, row: int, col: int, value: str, plain: Any, quoted: Any) -> None:
    """A text cell that Excel shows as text even if it looks like a formula (hidden quote prefix).

    An empty string stays an empty cell, as Excel itself stores it."""
    if not value:
        return
    if _ILLEGAL_XML_RE.search(value):
        value = _ILLEGAL_XML_RE.sub("", value)
    sheet.write_string(row, col, value, quoted if value.startswith(DANGEROUS_PREFIXES) else plain)
