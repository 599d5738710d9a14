"""xlsx / xlsm / xlsb / xls / ods → ``Sheet`` grids through calamine, with xlrd for legacy .xls it rejects.

Why here and only here: calamine is fast but panics (Rust) and allocates from what the file claims, so it
runs only after :mod:`.safety` passed the file; its errors and panics are mapped to stable refusal codes,
and what it writes to the native stderr is captured for the report instead of the analyst's console.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...config import Limits
from ...errors import FileRefused
from ...messages import Problem
from .model import Budget, Sheet, nfc, unique_sheet_labels
from .safety import Prescan

_MAX_EXACT_INT = 2**53


# Which calamine reader each format needs, and the suffixes calamine itself maps to that reader.
CALAMINE_SUFFIXES = {
    "xlsx": {".xlsx", ".xlsm", ".xlam"},
    "xlsm": {".xlsx", ".xlsm", ".xlam"},
    "xlsb": {".xlsb"},
    "xls": {".xls", ".xla"},
    "ods": {".ods"},
}


def _clean_grid(raw: list[list[Any]]) -> list[list[object]]:
    """'' → None, non-ASCII strings → NFC, integral floats → int; one pass, no per-cell calls."""
    norm = unicodedata.normalize
    big = _MAX_EXACT_INT
    return [
        [
            ((v if v.isascii() else norm("NFC", v)) if v else None)
            if (t := type(v)) is str
            else (int(v) if v.is_integer() and -big < v < big else v)
            if t is float
            else v
            for v in row
        ]
        for row in raw
    ]


def _clip_merged(
    ranges: list[tuple[int, int, int, int]], rows: list[list[object]]
) -> list[tuple[int, int, int, int]]:
    """Merged ranges cut to the grid: a hostile 'A1:XFD1048576' merge must not make callers loop 17e9 times."""
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    out = []
    for r0, c0, r1, c1 in ranges:
        if r0 < 0 or c0 < 0 or r0 > r1 or c0 > c1 or r0 >= height or c0 >= width:
            continue
        out.append((r0, c0, min(r1, height - 1), min(c1, width - 1)))
    return out


def _pad_grid(rows: list[list[object]], cells: set[tuple[int, int]]) -> None:
    """Grow the grid so formula cells without a value (outside calamine's range) are addressable."""
    if not cells:
        return
    need_rows = max(r for r, _ in cells) + 1
    need_cols = max(max(c for _, c in cells) + 1, max((len(r) for r in rows), default=0))
    for row in rows:
        if len(row) < need_cols:
            row.extend([None] * (need_cols - len(row)))
    while len(rows) < need_rows:
        rows.append([None] * need_cols)


def _open_calamine(path: Path, fmt: str) -> Any:
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() in CALAMINE_SUFFIXES[fmt]:
        return CalamineWorkbook.from_path(str(path))
    # Wrong extension (an .xls that is really xlsx, ...): calamine picks its reader from the suffix, so
    # give it the bytes and let it sniff the content instead.
    with path.open("rb") as fh:
        return CalamineWorkbook.from_filelike(io.BytesIO(fh.read()))


def calamine_refusal(path: Path, exc: BaseException) -> FileRefused:
    """Map calamine's errors (and Rust panics) to stable codes."""
    from python_calamine import PasswordError

    text = str(exc)
    lower = text.lower()
    if isinstance(exc, PasswordError) or "password" in lower or "encrypt" in lower:
        return FileRefused("encrypted", path, f"calamine: {text[:300]}")
    if "cell limit exceeded" in lower:
        return FileRefused("too_many_cells", path, f"calamine: {text[:300]}")
    if "eocd" in lower or "unexpected eof" in lower or "end of file" in lower:
        return FileRefused("truncated", path, f"calamine: {text[:300]}")
    return FileRefused("corrupt", path, f"calamine {type(exc).__name__}: {text[:300]}")


_KINDS = {
    "WorkSheet": "worksheet",
    "ChartSheet": "chart",
    "MacroSheet": "macro",
    "DialogSheet": "dialog",
    "Vba": "macro",
}


# Where each format's zip names its sheets: (member, sheet element, name attribute).
_SHEET_NAMES = {
    "xlsx": ("xl/workbook.xml", re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\b[^>]*>"),
             re.compile(rb'(\sname\s*=\s*)("[^"]*"|\'[^\']*\')')),
    "ods": ("content.xml", re.compile(rb"<table:table\s[^>]*>"),
            re.compile(rb'(\stable:name\s*=\s*)("[^"]*"|\'[^\']*\')')),
}
_SHEET_NAMES["xlsm"] = _SHEET_NAMES["xlsx"]


def _renamed_sheets(path: Path, fmt: str, labels: list[str]) -> io.BytesIO:
    """An in-memory copy of an xlsx/xlsm/ods whose sheets carry ``labels`` as names (calamine finds sheets by
    name, so two same-named sheets would both read as the first)."""
    from xml.sax.saxutils import quoteattr

    member, element_re, name_re = _SHEET_NAMES[fmt]
    index = iter(labels)

    def rename(match: re.Match[bytes]) -> bytes:
        label = next(index, None)
        if label is None:
            return match.group(0)
        return name_re.sub(lambda m: m.group(1) + quoteattr(label).encode("utf-8"), match.group(0), count=1)

    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(buffer, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == member:
                data = element_re.sub(rename, data)
            zout.writestr(info, data)
    buffer.seek(0)
    return buffer


def read_calamine(path: Path, fmt: str, limits: Limits, pre: Prescan, warnings: list[str]) -> list[Sheet]:
    """Every sheet through calamine, in workbook order, charged against the cell budget before it is built.

    Same-named sheets are read from a renamed in-memory copy (calamine finds sheets by name); formula cells
    come from the pre-scan, as calamine does not report them.
    """
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    wb = _open_calamine(path, fmt)
    budget = Budget(path, limits)
    sheets: list[Sheet] = []
    try:
        metas = wb.sheets_metadata
        if len(metas) > limits.max_sheets:
            raise FileRefused("too_many_sheets", path, f"{len(metas)} sheets (limit {limits.max_sheets})")
        labels = unique_sheet_labels([nfc(meta.name) for meta in metas])
        if labels != [nfc(meta.name) for meta in metas]:
            if fmt not in _SHEET_NAMES:  # xlsb, xls: names are binary records; refused rather than misread
                raise FileRefused("duplicate_sheet_names", path, "two sheets share one name")
            with contextlib.suppress(Exception):
                wb.close()
            wb = CalamineWorkbook.from_filelike(_renamed_sheets(path, fmt, labels))
            metas = wb.sheets_metadata
            if [nfc(meta.name) for meta in metas] != labels:
                raise FileRefused("duplicate_sheet_names", path, "two sheets share one name")
            warnings.append(Problem("file.same_name_sheets", names=", ".join(repr(x) for x in labels)))
        for index, meta in enumerate(metas):
            name = labels[index]
            kind = _KINDS.get(getattr(meta.typ, "name", str(meta.typ)).split(".")[-1], "worksheet")
            hidden = meta.visible != SheetVisibleEnum.Visible
            ext = pre.by_name.get(name)
            if kind == "chart":
                sheets.append(Sheet(name=name, rows=[], hidden=hidden, kind=kind))
                continue
            try:
                sh = wb.get_sheet_by_index(index)
            except Exception as exc:
                if kind == "worksheet":
                    raise
                warnings.append(Problem("file.sheet_unreadable", sheet=name, kind=kind, detail=str(exc)[:120]))
                sheets.append(Sheet(name=name, rows=[], hidden=hidden, kind=kind))
                continue
            end = sh.end
            if end is None:
                rows: list[list[object]] = []
            else:
                budget.charge(name, end[0] + 1, end[1] + 1)
                rows = _clean_grid(sh.to_python(skip_empty_area=False))
            formula_cells = ext.formulas if ext is not None else None
            no_value = ext.no_value if ext is not None else set()
            _pad_grid(rows, no_value)
            merged = _clip_merged([(a[0], a[1], b[0], b[1]) for a, b in (sh.merged_cell_ranges or [])], rows)
            # formulas without a cached value are reported per sheet by sheet._check_formulas (once)
            sheets.append(
                Sheet(
                    name=name,
                    rows=rows,
                    hidden=hidden,
                    kind=kind,
                    merged=merged,
                    formula_cells=formula_cells if fmt in ("xlsx", "xlsm", "xlsb") else None,
                    formula_without_value=set(no_value),
                )
            )
    finally:
        with contextlib.suppress(Exception):
            wb.close()
    return sheets


def read_xlrd(path: Path, limits: Limits, warnings: list[str]) -> list[Sheet]:
    """Fallback for legacy .xls files calamine rejects (odd BIFF5 writers, raw BIFF2–4 streams)."""
    import xlrd

    data = path.read_bytes()
    with open(os.devnull, "w") as devnull:
        try:
            book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=devnull)
        except Exception:
            book = xlrd.open_workbook(file_contents=data, formatting_info=False, logfile=devnull)
    if "encrypt" in str(getattr(book, "encoding", "")).lower():
        raise FileRefused("encrypted", path, "xlrd: workbook is encrypted")
    budget = Budget(path, limits)
    if book.nsheets > limits.max_sheets:
        raise FileRefused("too_many_sheets", path, f"{book.nsheets} sheets (limit {limits.max_sheets})")
    sheets: list[Sheet] = []
    for sh in book.sheets():
        budget.charge(sh.name, sh.nrows, sh.ncols)
        rows: list[list[object]] = []
        for r in range(sh.nrows):
            rows.append([_xlrd_value(cell, book.datemode) for cell in sh.row(r)])
        width = max((len(r) for r in rows), default=0)
        for row in rows:
            row.extend([None] * (width - len(row)))
        merged = _clip_merged(
            [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in getattr(sh, "merged_cells", [])], rows
        )
        sheets.append(
            Sheet(name=nfc(sh.name), rows=rows, hidden=getattr(sh, "visibility", 0) != 0, merged=merged)
        )
    for sheet, label in zip(sheets, unique_sheet_labels([sh.name for sh in sheets]), strict=True):
        sheet.name = label
    return sheets


def _xlrd_value(cell: Any, datemode: int) -> object:
    import xlrd

    ctype, value = cell.ctype, cell.value
    if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if ctype == xlrd.XL_CELL_TEXT:
        return nfc(value) if value else None
    if ctype == xlrd.XL_CELL_NUMBER:
        return int(value) if float(value).is_integer() and abs(value) < _MAX_EXACT_INT else value
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERR")
    if ctype == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate.xldate_as_datetime(value, datemode)
        except Exception:
            return value
        if value < 1:
            return moment.time()
        return moment.date() if moment.time() == moment.min.time() else moment
    return value


@contextlib.contextmanager
def native_stderr(sink: list[str]) -> Iterator[None]:
    """Capture what native code writes to file descriptor 2 meanwhile (calamine's Rust panic message and
    backtrace) into ``sink`` instead of the analyst's console; the refusal message replaces it.

    Under ``--debug`` (KHUYENCONG_DEBUG) the captured text is written through to stderr afterwards.
    """
    import tempfile

    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            text = capture.read(256 * 1024).decode("utf-8", "replace")
            if text:
                sink.append(text)
                if os.environ.get("KHUYENCONG_DEBUG"):
                    sys.stderr.write(text)


def panic_line(texts: list[str]) -> str:
    """The 'panicked at file:line: message' part of a captured Rust panic (for the report's detail)."""
    text = " ".join(texts)
    match = re.search(r"panicked at ([^\n]*)\n?([^\n]*)", text)
    return f"panicked at {match.group(1).strip()} {match.group(2).strip()}".strip()[:300] if match else ""
