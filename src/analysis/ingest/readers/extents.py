"""How far each sheet really reaches, and where its formulas are, from a streaming scan of its bytes.

Why: calamine allocates a dense ``rows × cols`` grid from the *real* cell coordinates (one stray cell at
XFD1048576 makes it request ~550 GB and abort the process), expands ODS repeat counts and trusts record
counts in legacy .xls. So the extent of every sheet is measured here first — sheet XML (xlsx/xlsm) by
regex with an exact SAX fallback, BIFF12 records (xlsb), content.xml repeats (ods), BIFF8 records (xls) —
and :mod:`.safety` charges it against the cell budget.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.sax.handler import ContentHandler

import defusedxml.sax as safe_sax

from ...config import Limits
from ...errors import FileRefused
from .model import HEAD_BYTES, Budget
from .ole2 import Cfb

_CHUNK = 1 << 20  # streaming scan chunk (decompressed bytes)


def _ref_to_rc(col: bytes | str, row: bytes | str) -> tuple[int, int]:
    """'AB', '12' → (11, 27): 0-based (row, col)."""
    letters = col.decode("ascii") if isinstance(col, bytes) else col
    c = 0
    for ch in letters:
        c = c * 26 + (ord(ch) - 64)
    return int(row) - 1, c - 1


# Unbounded and case-insensitive on purpose: calamine accepts "a5" and "A99999999999" too.
_REF_RE = re.compile(r"^\$?([A-Za-z]+)\$?([0-9]+)$")


def _parse_ref(ref: str) -> tuple[int, int] | None:
    """'C5' → (4, 2); None when not a plain A1 reference."""
    m = _REF_RE.match(ref.strip())
    return _ref_to_rc(m.group(1).upper(), m.group(2)) if m else None


@dataclass
class Extent:
    """What a pre-parse scan learned about one sheet (positions are 0-based)."""

    max_row: int = -1
    max_col: int = -1
    formulas: set[tuple[int, int]] | None = None
    no_value: set[tuple[int, int]] = field(default_factory=set)
    declared: str | None = None
    bounded: bool = False  # max_row/max_col are the small-sheet bound, not the exact extent (see _SMALL_CELL_RE)

    @property
    def cells(self) -> int:
        return (self.max_row + 1) * (self.max_col + 1) if self.max_row >= 0 and self.max_col >= 0 else 0


# Every cell must have this exact shape for the fast path; anything else ('a5', 'AAAAA1', 'A99999999999',
# which calamine accepts and may turn into a multi-GB grid) sends the sheet to the exact SAX scan.
# Writers put r= first (Excel, openpyxl, XlsxWriter, LibreOffice, POI). Self-closing cells
# (``<c r="Z9" s="1"/>``) carry no value and calamine skips them, so they do not count (group 3 is '/').
_CELL_TAG_RE = re.compile(rb'<c r="([A-Z]{1,4})([0-9]{1,9})"[^>/]*(/?)>')
_F_TAG_RE = re.compile(rb"<f[ >/]")
# A formula cell: <f> is the first child of <c>; the optional <v> right after it is the cached value.
_FORMULA_CELL_RE = re.compile(
    rb'<c r="([A-Z]{1,4})([0-9]{1,9})"([^>/]*)><f(?:\s[^>]*)?(?:/>|>[^<]*</f>)(<v>([^<]*)</v>)?'
)
_T_STR_RE = re.compile(rb'\st="(?:str|inlineStr)"')
# The cheap check: a cell tag that is not `<c r="A1".."Z9999" ...>` — a wider or longer sheet, r= not first, r=
# after a newline or tab (calamine reads `<c\nr="XFD1048576">`), no r= at all. When a block has none, its
# extent is bounded by 9 999 rows x 26 columns without looking at each cell; otherwise it is scanned exactly.
_OUTSIDE_SMALL_RE = re.compile(rb'<c(?:>|\s(?!r="[A-Z][0-9]{1,4}"[^>/]*/?>))')
_SMALL_ROWS, _SMALL_COLS = 9_999, 26
_ODD_CELL_SPACE_RE = re.compile(rb"<c[\t\r\n]")
_DIMENSION_RE = re.compile(rb'<(?:\w+:)?dimension\s+ref="([^"]{1,40})"')
_PREFIXED_ROOT_RE = re.compile(rb"<\w+:(?:worksheet|chartsheet|dialogsheet|macrosheet)\b")


def scan_sheet_xml(member: IO[bytes], exact: bool = False) -> Extent:
    """Extents and formula cells of a sheet XML in one streaming pass (regex; SAX as fallback).

    By default a block of ordinary cells within A1:Z9999 is only bounded (``bounded``: 9 999 rows x 26
    columns), which is all the cell budget needs and costs one regex search instead of one match per cell;
    ``exact=True`` (or any cell outside that) gives the real extent. Only cells that can carry a value (not
    self-closing ``<c .../>``) count, as calamine skips empties. Files whose cells omit ``r=`` or whose tags
    carry a namespace prefix use the exact SAX scan.
    """
    ext = Extent(formulas=set())
    buf = b""
    first = True
    while True:
        chunk = member.read(_CHUNK)
        data = buf + chunk
        if chunk:
            cut = data.rfind(b"</row>")
            cut = cut + 6 if cut >= 0 else data.rfind(b"</c>") + 4
            if cut < 4:
                buf = data
                continue
            data, buf = data[:cut], data[cut:]
        if first:
            first = False
            if _PREFIXED_ROOT_RE.search(data[:4096]):
                return FALLBACK
            m = _DIMENSION_RE.search(data[:8192])
            ext.declared = m.group(1).decode("ascii", "replace") if m else None
        if not _scan_xml_block(data, ext, exact):
            return FALLBACK
        if not chunk:
            return ext


FALLBACK = Extent(max_row=-2)  # sentinel: "redo this sheet with the exact SAX scan"


def _scan_xml_block(data: bytes, ext: Extent, exact: bool = False) -> bool:
    """Update ``ext`` from complete rows in ``data``; False when the exact (SAX) scan is needed.

    One regex search for cells outside the small-sheet bound (usually none: then the bound is the extent),
    else one regex pass over the cells, plus one short pass per formula: the scan runs on every sheet
    before calamine, so it must cost well under calamine's own parse.
    """
    if not exact and _OUTSIDE_SMALL_RE.search(data) is None:
        if b"<c " in data:
            ext.max_row = max(ext.max_row, _SMALL_ROWS - 1)
            ext.max_col = max(ext.max_col, _SMALL_COLS - 1)
            ext.bounded = True
        cols = None
    else:
        if _ODD_CELL_SPACE_RE.search(data):
            return False  # `<c\nr="...">`: not counted below, but calamine reads it
        n_cells = data.count(b"<c ") + data.count(b"<c>")
        cells = _CELL_TAG_RE.findall(data)
        if len(cells) != n_cells:
            return False  # cells without r=, r= not first, or an unusual reference
        cols = {col for col, _, slash in cells if not slash}
    if cols:
        best_col = max(cols, key=lambda s: (len(s), s))
        ext.max_col = max(ext.max_col, _ref_to_rc(best_col, b"1")[1])
        ext.max_row = max(ext.max_row, max(map(int, {row for _, row, slash in cells if not slash})) - 1)
    if b"<f" in data:
        n_formulas = data.count(b"<f>") + data.count(b"<f ") + data.count(b"<f/>")
        found = []
        for tag in _F_TAG_RE.finditer(data):
            start = data.rfind(b"<c ", 0, tag.start())
            cell = _FORMULA_CELL_RE.match(data, start) if start >= 0 else None
            if cell is None or cell.end(3) + 1 != tag.start():
                return False
            found.append(cell.groups())
        if len(found) != n_formulas:
            return False
        assert ext.formulas is not None
        for col, row, attrs, v_element, value in found:
            pos = _ref_to_rc(col, row)
            ext.formulas.add(pos)
            if not value and not (v_element and _T_STR_RE.search(attrs)):
                ext.no_value.add(pos)
            if pos[0] > ext.max_row:
                ext.max_row = pos[0]
            if pos[1] > ext.max_col:
                ext.max_col = pos[1]
    return True


class _SheetSax(ContentHandler):
    """Exact position tracking (explicit or implicit ``r``), for writers the regex scan cannot follow."""

    def __init__(self) -> None:
        super().__init__()
        self.ext = Extent(formulas=set())
        self.row = -1
        self.col = -1
        self.in_cell = False
        self.in_v = False
        self.has_f = self.has_v = self.str_type = False

    def startElement(self, name: str, attrs: Any) -> None:
        local = name.rsplit(":", 1)[-1]
        if local == "row":
            r = attrs.get("r")
            self.row = int(r) - 1 if r and r.isdigit() else self.row + 1
            self.col = -1
        elif local == "c":
            pos = _parse_ref(attrs.get("r", "") or "")
            if pos is not None:
                self.row, self.col = pos
            else:
                self.col += 1
            self.in_cell, self.has_f, self.has_v = True, False, False
            self.str_type = attrs.get("t") in ("str", "inlineStr")
        elif self.in_cell and local == "f":
            self.has_f = True
        elif self.in_cell and local in ("v", "is"):
            self.in_v = True
            if local == "is" or self.str_type:
                self.has_v = True
        elif local == "dimension" and self.ext.declared is None:
            self.ext.declared = attrs.get("ref")

    def characters(self, content: str) -> None:
        if self.in_v and content:
            self.has_v = True

    def endElement(self, name: str) -> None:
        local = name.rsplit(":", 1)[-1]
        if local in ("v", "is"):
            self.in_v = False
        elif local == "c" and self.in_cell:
            self.in_cell = False
            pos = (self.row, self.col)
            if self.has_v or self.has_f:
                self.ext.max_row = max(self.ext.max_row, self.row)
                self.ext.max_col = max(self.ext.max_col, self.col)
            if self.has_f:
                assert self.ext.formulas is not None
                self.ext.formulas.add(pos)
                if not self.has_v:
                    self.ext.no_value.add(pos)


def scan_sheet_sax(member: IO[bytes]) -> Extent:
    """The exact (slow) scan of one sheet XML, for what the regex scan cannot follow (no DTD, no entities)."""
    handler = _SheetSax()
    safe_sax.parse(member, handler, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    return handler.ext


# ---- xlsb ----------------------------------------------------------------------------------------


def _biff12_records(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(record type, body offset, body length) of an XLSB record stream; stops at a torn record."""
    pos, n = 0, len(data)
    while pos < n:
        b = data[pos]
        pos += 1
        typ = b & 0x7F
        if b & 0x80:
            if pos >= n:
                return
            typ |= (data[pos] & 0x7F) << 7
            pos += 1
        size = 0
        for i in range(4):
            if pos >= n:
                return
            b = data[pos]
            pos += 1
            size |= (b & 0x7F) << (7 * i)
            if not b & 0x80:
                break
        if pos + size > n:
            return
        yield typ, pos, size
        pos += size


def _xlsb_wide(data: bytes, off: int, end: int) -> tuple[str, int]:
    (cch,) = struct.unpack_from("<I", data, off)
    if cch == 0xFFFFFFFF:
        return "", off + 4
    stop = off + 4 + 2 * cch
    if stop > end:
        raise ValueError("XLSB wide string overruns its record")
    return data[off + 4 : stop].decode("utf-16-le", errors="replace"), stop


def xlsb_sheet_parts(workbook_bin: bytes) -> list[tuple[str, list[str]]]:
    """(sheet name, [relationship id]) from the BrtBundleSh records of workbook.bin."""
    parts: list[tuple[str, list[str]]] = []
    for typ, off, size in _biff12_records(workbook_bin):
        if typ == 0x009C and size >= 12:  # BrtBundleSh: hsState, iTabID, strRelID, strName
            rel, nxt = _xlsb_wide(workbook_bin, off + 8, off + size)
            name, _ = _xlsb_wide(workbook_bin, nxt, off + size)
            parts.append((name, [rel]))
        elif typ == 0x0090:  # BrtEndBundleShs
            break
    return parts


_XLSB_VALUE_CELLS = frozenset(range(0x02, 0x0C))  # BrtCellRk … BrtFmlaError (calamine skips blanks)
_XLSB_FORMULAS = frozenset(range(0x08, 0x0C))


def scan_xlsb_sheet(data: bytes) -> Extent:
    """Real extents of an XLSB sheet: calamine takes columns as unchecked u32 values."""
    ext = Extent(formulas=set())
    row, max_row, max_col = 0, -1, -1
    unpack = struct.Struct("<I").unpack_from
    for typ, off, size in _biff12_records(data):
        if typ == 0x0000 and size >= 4:  # BrtRowHdr
            (row,) = unpack(data, off)
            if row > 0x100000:
                break  # calamine stops reading the sheet here too
        elif typ in _XLSB_VALUE_CELLS and size >= 4:
            (col,) = unpack(data, off)
            max_row, max_col = max(max_row, row), max(max_col, col)
            if typ in _XLSB_FORMULAS:
                assert ext.formulas is not None
                ext.formulas.add((row, col))
        elif typ == 0x0092:  # BrtEndSheetData
            break
    ext.max_row, ext.max_col = max_row, max_col
    return ext


# ---- ods -----------------------------------------------------------------------------------------


def scan_ods(member: IO[bytes]) -> list[Extent]:
    """Extents per table of content.xml, honouring number-rows/columns-repeated (an ODS 'bomb' vector)."""
    head = member.read(HEAD_BYTES)
    m = re.search(rb'xmlns:([\w.-]+)="urn:oasis:names:tc:opendocument:xmlns:table:1\.0"', head)
    prefix = re.escape(m.group(1) if m else b"table")
    tag_re = re.compile(
        rb"<(/?)" + prefix + rb":(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>"
    )
    rows_rep = re.compile(rb'number-rows-repeated="([0-9]+)"')
    cols_rep = re.compile(rb'number-columns-repeated="([0-9]+)"')
    tables: list[Extent] = []
    cur: Extent | None = None
    row = col = row_rep = 0
    row_has_value = False
    buf = head
    while True:
        chunk = member.read(_CHUNK)
        data = buf + chunk
        cut = data.rfind(b">") + 1 if chunk else len(data)
        data, buf = data[:cut], data[cut:]
        for closing, name, attrs, empty in tag_re.findall(data):
            if name == b"table":
                if not closing:
                    cur = Extent()
                    tables.append(cur)
                    row = 0
            elif cur is None:
                continue
            elif name == b"table-row":
                if closing:
                    if row_has_value:
                        cur.max_row = max(cur.max_row, row + row_rep - 1)
                    row += row_rep
                else:
                    rep = rows_rep.search(attrs)
                    row_rep = int(rep.group(1)) if rep else 1
                    col, row_has_value = 0, False
                    if empty:
                        row += row_rep
            else:
                rep = cols_rep.search(attrs)
                n = int(rep.group(1)) if rep else 1
                if not empty or b"value-type=" in attrs:
                    cur.max_col = max(cur.max_col, col + n - 1)
                    row_has_value = True
                col += n
        if not chunk:
            return tables


# ---- xls (BIFF8 inside CFB) ----------------------------------------------------------------------

_XLS_CELLS = frozenset({0x0203, 0x0204, 0x00FD, 0x027E, 0x0205, 0x0006, 0x00D6, 0x0002, 0x0003, 0x0004})


def scan_xls(path: Path, limits: Limits, budget: Budget) -> None:
    """FILEPASS, sheet count, SST count, DIMENSIONS and real extents, walked the way calamine walks them.

    calamine reads the globals from the start of the Workbook stream, then each sheet from the offset
    in its BOUNDSHEET record; it reserves memory from the SST count and DIMENSIONS, and builds a dense
    grid from u16 row/col values (65 536 × 65 536 cells for one crafted record). All checked here first.
    """
    with path.open("rb") as fh:
        cfb = Cfb(fh, path.stat().st_size, path)
        try:
            data = cfb.read_stream("Workbook")
        except KeyError:
            data = cfb.read_stream("Book")
    unpack = struct.Struct("<HH").unpack_from
    offsets: list[int] = []
    for typ, body, size in _biff_records(data, 0):
        if typ == 0x002F:
            raise FileRefused("encrypted", path, "legacy .xls protected with a password (FILEPASS record)")
        if typ == 0x0085 and size >= 4:
            offsets.append(struct.unpack_from("<I", data, body)[0])
            if len(offsets) > limits.max_sheets:
                raise FileRefused("too_many_sheets", path, f"more than {limits.max_sheets} sheets")
        elif typ == 0x00FC and size >= 8:
            (count,) = struct.unpack_from("<i", data, body + 4)
            if count < 0 or count * 3 > size + _continued(data, body + size):
                raise FileRefused("corrupt", path, f"shared string table declares {count} strings")
        elif typ == 0x000A:
            break
    for number, offset in enumerate(offsets, 1):
        max_row = max_col = -1
        for typ, body, size in _biff_records(data, offset):
            if typ in _XLS_CELLS and size >= 4:
                r, c = unpack(data, body)
                max_row, max_col = max(max_row, r), max(max_col, c)
            elif typ == 0x00BD and size >= 6:  # MULRK: row, first col, rk…, last col
                r, first = unpack(data, body)
                (last,) = struct.unpack_from("<H", data, body + size - 2)
                max_row, max_col = max(max_row, r), max(max_col, last, first + (size - 6) // 6)
            elif typ == 0x0200:  # DIMENSIONS: calamine reserves rows × cols cells from it
                _check_xls_dimensions(data[body : body + size], path, limits)
            elif typ == 0x000A:
                break
        if max_row >= 0:
            budget.charge(f"sheet {number}", max_row + 1, max_col + 1)


def _biff_records(data: bytes, pos: int) -> Iterator[tuple[int, int, int]]:
    """(type, body offset, body length) of BIFF records from ``pos``; stops at a torn record."""
    unpack = struct.Struct("<HH").unpack_from
    n = len(data)
    while pos + 4 <= n:
        typ, size = unpack(data, pos)
        if pos + 4 + size > n:
            return
        yield typ, pos + 4, size
        pos += 4 + size


def _check_xls_dimensions(body: bytes, path: Path, limits: Limits) -> None:
    """Mirror calamine's u32 arithmetic on a DIMENSIONS record and refuse what it would over-reserve."""
    if len(body) == 10:
        rf, rl, cf, cl = struct.unpack_from("<HHHH", body)
    elif len(body) == 14:
        rf, rl, cf, cl = struct.unpack_from("<IIHH", body)
    else:
        return  # calamine rejects other lengths with an error of its own
    if rl >= 1 and cl >= 1:
        rows = (rl - 1 - rf + 1) & 0xFFFFFFFF
        cols = (cl - 1 - cf + 1) & 0xFFFFFFFF
    else:
        rows = cols = 1
    if rows * cols > limits.max_cells:
        code = "corrupt" if rf >= rl or cf >= cl else "too_many_cells"
        raise FileRefused(code, path, f"DIMENSIONS record declares rows {rf}-{rl}, columns {cf}-{cl}")


def _continued(data: bytes, pos: int) -> int:
    """Total body length of the CONTINUE records following ``pos``."""
    total = 0
    while pos + 4 <= len(data):
        typ, size = struct.unpack_from("<HH", data, pos)
        if typ != 0x003C:
            break
        total += size
        pos += 4 + size
    return total


def scan_xml_part(zf: zipfile.ZipFile, part: str, exact: bool = False) -> Extent:
    """One sheet part: the regex scan, or the exact SAX scan when the regex scan cannot be trusted."""
    with zf.open(part) as member:
        ext = scan_sheet_xml(member, exact)
    if ext is FALLBACK:
        with zf.open(part) as member:
            ext = scan_sheet_sax(member)
    return ext


def declared_cells(ext: Extent) -> int:
    """Cells of the declared <dimension> (0 when absent or unreadable)."""
    if not ext.declared or ":" not in ext.declared:
        return 0
    first, last = (_parse_ref(p) for p in ext.declared.split(":", 1))
    if first is None or last is None:
        return 0
    return (last[0] - first[0] + 1) * (last[1] - first[1] + 1)
