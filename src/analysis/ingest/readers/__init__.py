"""Reading layer: a spreadsheet file (whatever arrived by email) → a grid of raw cells per sheet.

Why this module is defensive: files come from outside (email, Zalo, download portals) and the parsers we
rely on are not hardened. python-calamine allocates a dense ``rows × cols`` grid from the *real* cell
coordinates (one stray cell at XFD1048576 makes it request ~550 GB and abort the whole process), expands
ODS repeat counts, and trusts record counts in legacy .xls. So every container is checked *before*
parsing — size, zip central directory (bomb ratio, entry count), XML prologs (DOCTYPE/ENTITY), and the real
cell extents of each sheet (a streaming scan of the sheet XML / binary records) — and anything unreadable
becomes a :class:`~analysis.errors.FileRefused` with a stable code. Nothing here interprets cells: no
header detection, no number parsing ('78.675' stays text in CSV).

Coordinates: ``Sheet.rows[r][c]`` is Excel row ``r + 1``, column ``c`` (0 = A); leading empty rows and
columns are kept (as ``None``) so positions match what the analyst sees in Excel.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import multiprocessing
import os
import posixpath
import re
import struct
import sys
import unicodedata
import zipfile
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.sax.handler import ContentHandler

import defusedxml.ElementTree as SafeET
import defusedxml.sax as safe_sax

from ...config import Limits
from ...errors import FileRefused, printable

__all__ = [
    "Sheet",
    "Workbook",
    "apply_memory_limit",
    "read_workbook",
    "read_workbook_guarded",
    "sniff_format",
]


# --------------------------------------------------------------------------------------------------
# Public data model
# --------------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One sheet as a grid of raw cells; ``rows[0]`` is Excel row 1 and ``rows[r][0]`` is column A."""

    name: str
    rows: list[list[object]]
    hidden: bool = False
    kind: str = "worksheet"
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # clipped to the grid
    formula_cells: set[tuple[int, int]] | None = None
    formula_without_value: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class Workbook:
    """All sheets of one file plus what the reader noticed on the way (English, for the report)."""

    path: Path
    format: str
    sheets: list[Sheet]
    warnings: list[str]
    encoding: str | None = None


# --------------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------------

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_FOREIGN_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b\x08", "a gzip archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ\x90\x00", "a Windows executable"),
    (b"{\\rtf", "an RTF document"),
)
_TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
_BINARY_SHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
_HEAD_BYTES = 64 * 1024  # sniffing window and XML prolog window
_CHUNK = 1 << 20  # streaming scan chunk (decompressed bytes)
_RATIO_FLOOR_BYTES = 8 * 1024 * 1024  # below this much uncompressed data a high ratio is harmless
_MAX_EXACT_INT = 2**53

# Which calamine reader each format needs, and the suffixes calamine itself maps to that reader.
_CALAMINE_SUFFIXES = {
    "xlsx": {".xlsx", ".xlsm", ".xlam"},
    "xlsm": {".xlsx", ".xlsm", ".xlam"},
    "xlsb": {".xlsb"},
    "xls": {".xls", ".xla"},
    "ods": {".ods"},
}


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


# --------------------------------------------------------------------------------------------------
# Format sniffing (magic bytes, never the extension)
# --------------------------------------------------------------------------------------------------


def sniff_format(path: Path | str) -> str:
    """Return 'xlsx' | 'xlsm' | 'xlsb' | 'xls' | 'ods' | 'csv' from the content, or raise FileRefused."""
    path = Path(path)
    try:
        return _sniff(path)
    except FileRefused:
        raise
    except OSError as exc:
        raise _os_refusal(path, exc) from None
    except Exception as exc:  # a sniffer bug must still surface as a refusal, never a crash
        raise FileRefused("corrupt", path, f"format sniffing failed: {exc!r}") from None


def _os_refusal(path: Path, exc: OSError) -> FileRefused:
    """Map an OS error to the refusal the analyst can act on."""
    if isinstance(exc, FileNotFoundError):
        return FileRefused("not_found", path, "no such file")
    if isinstance(exc, IsADirectoryError):
        return FileRefused("not_found", path, "path is a directory, not a file")
    if isinstance(exc, PermissionError):
        return FileRefused("unreadable", path, f"{type(exc).__name__}: {exc.strerror or exc}")
    # Other OS errors surface while parsing broken containers (seek before start, short reads).
    return FileRefused("corrupt", path, f"{type(exc).__name__} while parsing: {exc}")


def _sniff(path: Path) -> str:
    size = path.stat().st_size
    if path.is_dir():
        raise FileRefused("not_found", path, "path is a directory, not a file")
    if size == 0:
        raise FileRefused("empty_file", path, "0 bytes")
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
    if head.startswith(_ZIP_MAGICS):
        return _sniff_zip(path, head)
    if head.startswith(_CFB_MAGIC):
        return _sniff_cfb(path, size)
    for magic, what in _FOREIGN_MAGICS:
        if head.startswith(magic):
            raise FileRefused("not_a_spreadsheet", path, f"content is {what}")
    markup = _markup_kind(head)
    if markup == "html":
        raise FileRefused("html_disguised", path, "content is an HTML/MHT web page, not a workbook")
    if markup == "xml_spreadsheet":
        raise FileRefused("unsupported_format", path, "XML Spreadsheet 2003 (SpreadsheetML) is not supported")
    suffix = path.suffix.lower()
    if markup == "xml" and suffix not in _TEXT_SUFFIXES:
        raise FileRefused("not_a_spreadsheet", path, "content is an XML document, not a workbook")
    if suffix == ".xls" and _looks_like_raw_biff(head):
        return "xls"
    if _looks_like_text(head):
        return "csv"
    if suffix in _TEXT_SUFFIXES:
        raise FileRefused("undecodable_text", path, "binary content in a text file")
    if suffix in _BINARY_SHEET_SUFFIXES:
        raise FileRefused("corrupt", path, f"unrecognised binary content (starts {head[:8].hex()})")
    raise FileRefused("not_a_spreadsheet", path, f"unrecognised binary content (starts {head[:8].hex()})")


def _sniff_zip(path: Path, head: bytes) -> str:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise _bad_zip(path, exc) from None
    with zf:
        names = set(zf.namelist())
        if "xl/workbook.xml" in names:
            if "xl/vbaProject.bin" in names or b"macroEnabled" in _bounded_member(zf, "[Content_Types].xml"):
                return "xlsm"
            return "xlsx"
        if "xl/workbook.bin" in names:
            return "xlsb"
        if "content.xml" in names:
            mimetype = _bounded_member(zf, "mimetype", 256).strip()
            if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                return "ods"
            if not mimetype and b"office:spreadsheet" in _bounded_member(zf, "content.xml"):
                return "ods"
            raise FileRefused("not_a_spreadsheet", path, f"OpenDocument file of type {mimetype[:80]!r}")
        if "word/document.xml" in names:
            raise FileRefused("not_a_spreadsheet", path, "content is a Word (.docx) document")
        if "ppt/presentation.xml" in names:
            raise FileRefused("not_a_spreadsheet", path, "content is a PowerPoint (.pptx) document")
        raise FileRefused("not_a_spreadsheet", path, "zip archive without a workbook inside")


def _bad_zip(path: Path, exc: Exception) -> FileRefused:
    """No end-of-central-directory record at all means a cut download; a damaged one means corruption."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - 65_557))  # EOCD (22 bytes) + the longest zip comment
        tail = fh.read()
    if b"PK\x05\x06" in tail:
        return FileRefused("corrupt", path, f"damaged zip container: {exc}")
    return FileRefused("truncated", path, f"zip central directory missing (incomplete download?): {exc}")


def _bounded_member(zf: zipfile.ZipFile, name: str, limit: int = _HEAD_BYTES) -> bytes:
    """First ``limit`` decompressed bytes of a member ('' if absent) — never the whole member."""
    try:
        with zf.open(name) as member:
            return member.read(limit)
    except KeyError:
        return b""


def _sniff_cfb(path: Path, size: int) -> str:
    with path.open("rb") as fh:
        cfb = _Cfb(fh, size, path)
        names = {entry.name.lower() for entry in cfb.entries}
    if "encryptioninfo" in names or "encryptedpackage" in names:
        raise FileRefused(
            "encrypted", path, "OOXML package encrypted with a password (EncryptionInfo stream)"
        )
    if "workbook" in names or "book" in names:
        return "xls"
    if "worddocument" in names:
        raise FileRefused("not_a_spreadsheet", path, "content is a Word (.doc) document")
    if "powerpoint document" in names:
        raise FileRefused("not_a_spreadsheet", path, "content is a PowerPoint (.ppt) document")
    raise FileRefused("not_a_spreadsheet", path, "OLE2 container without a Workbook stream")


def _decode_head(head: bytes) -> str:
    """Best-effort text view of the first bytes, for markup detection only."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head[: len(head) & ~1].decode("utf-16", errors="ignore")
    guess = _utf16_guess(head)
    if guess:
        return head[: len(head) & ~1].decode(guess, errors="ignore")
    return head.decode("utf-8", errors="ignore")


_HTML_STARTS = ("<!doctype html", "<html", "<table", "<head", "<body", "<meta", "<style", "<title", "<div")


def _markup_kind(head: bytes) -> str | None:
    """'html' for web pages saved as .xls, 'xml_spreadsheet' for SpreadsheetML 2003, 'xml', or None."""
    text = _decode_head(head[:8192]).lstrip("\ufeff \t\r\n").lower()
    if not text:
        return None
    if text.startswith("mime-version:") and ("text/html" in text or "multipart/related" in text):
        return "html"  # "Single File Web Page" (.mht) saved as .xls
    if text.startswith(_HTML_STARTS):
        return "html"
    if text.startswith(("<?xml", "<!--")):
        if "urn:schemas-microsoft-com:office:spreadsheet" in text or 'progid="excel.sheet"' in text:
            return "xml_spreadsheet"
        if "<html" in text:
            return "html"
        return "xml" if text.startswith("<?xml") else None
    return None


def _looks_like_raw_biff(head: bytes) -> bool:
    """Excel 2.x–4.0 files are a bare BIFF stream (no OLE2 container) starting with a BOF record."""
    return len(head) >= 8 and head[:2] in (b"\x09\x00", b"\x09\x02", b"\x09\x04") and head[2] in (4, 6, 8, 16)


_TEXT_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26))


def _looks_like_text(head: bytes) -> bool:
    """True for data that plausibly is text (any encoding we decode); binary junk is not."""
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if _utf16_guess(head):
        return True
    sample = head[:-4] if len(head) > 8 else head
    if b"\x00" in sample:
        return False
    controls = len(sample) - len(sample.translate(None, _TEXT_CONTROL_BYTES))
    return controls <= len(sample) // 100


def _utf16_guess(data: bytes) -> str | None:
    """UTF-16 without BOM: ASCII characters put NULs in every other byte."""
    sample = data[: min(len(data), 8192) & ~1]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    n = len(odd)
    zero_even, zero_odd = even.count(0), odd.count(0)
    if zero_odd > 0.2 * n and zero_even <= 0.02 * n:
        return "utf-16-le"
    if zero_even > 0.2 * n and zero_odd <= 0.02 * n:
        return "utf-16-be"
    return None


# --------------------------------------------------------------------------------------------------
# Minimal CFB (OLE2) reader: stream names (encryption) and the .xls Workbook stream (pre-scan)
# --------------------------------------------------------------------------------------------------

_ENDOFCHAIN = 0xFFFFFFFE
_MAXREGSECT = 0xFFFFFFFA


@dataclass
class _CfbEntry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    start: int
    size: int


class _Cfb:
    """Read-only Compound File Binary reader, bounded against loops and out-of-file sector numbers."""

    def __init__(self, fh: IO[bytes], size: int, path: Path) -> None:
        self._fh, self._size, self._path = fh, size, path
        fh.seek(0)
        header = fh.read(512)
        if len(header) < 512:
            raise FileRefused("truncated", path, "OLE2 header shorter than 512 bytes")
        major, byte_order, shift = struct.unpack_from("<HHH", header, 0x1A)
        if byte_order != 0xFFFE or shift not in (9, 12):
            raise FileRefused("corrupt", path, "OLE2 header has an invalid byte order or sector size")
        self._major = major
        self._ssz = 1 << shift
        self._n_sectors = max(0, -(-(size - self._ssz) // self._ssz))
        n_dir, n_fat, dir_start = struct.unpack_from("<III", header, 0x28)
        self._mini_cutoff, self._minifat_start, n_minifat, difat_start, n_difat = struct.unpack_from(
            "<IIIII", header, 0x38
        )
        # calamine reserves memory from these counts before reading a sector: they must fit the file.
        for label, count in (
            ("directory", n_dir),
            ("FAT", n_fat),
            ("mini FAT", n_minifat),
            ("DIFAT", n_difat),
        ):
            if count > self._n_sectors + 1:
                raise FileRefused(
                    "truncated",
                    path,
                    f"OLE2 header declares {count} {label} sectors beyond the end of the file",
                )
        self._fat_capacity = n_fat * (self._ssz // 4)  # sectors the FAT can describe
        fat_sids = [s for s in struct.unpack_from("<109I", header, 0x4C) if s <= _MAXREGSECT]
        per = self._ssz // 4 - 1
        sid, hops = difat_start, 0
        while sid <= _MAXREGSECT and len(fat_sids) < n_fat:
            hops += 1
            if hops > self._n_sectors:
                raise FileRefused("corrupt", path, "OLE2 DIFAT chain loops")
            values = struct.unpack(f"<{per + 1}I", self._sector(sid))
            fat_sids.extend(v for v in values[:per] if v <= _MAXREGSECT)
            sid = values[per]
        fat = array("I")
        for fat_sid in fat_sids[:n_fat]:
            fat.frombytes(self._sector(fat_sid))
        if sys.byteorder == "big":
            fat.byteswap()
        self._fat = fat
        self._mini: bytes | None = None
        self.entries = self._directory(self._read_chain(dir_start))

    def _sector(self, sid: int) -> bytes:
        if sid >= self._n_sectors:
            # Within what the FAT describes: the file was cut short; beyond it: a garbage sector number.
            code = "truncated" if sid < self._fat_capacity else "corrupt"
            raise FileRefused(code, self._path, f"OLE2 sector {sid} lies beyond the end of the file")
        self._fh.seek((sid + 1) * self._ssz)
        data = self._fh.read(self._ssz)
        return data.ljust(self._ssz, b"\x00")

    def _chain(self, start: int) -> Iterator[int]:
        sid, hops = start, 0
        while sid != _ENDOFCHAIN:
            if sid > _MAXREGSECT or sid >= len(self._fat):
                raise FileRefused("corrupt", self._path, f"OLE2 chain has an invalid sector number {sid:#x}")
            hops += 1
            if hops > len(self._fat):
                raise FileRefused("corrupt", self._path, "OLE2 sector chain loops")
            yield sid
            sid = self._fat[sid]

    def _read_chain(self, start: int) -> bytes:
        return b"".join(self._sector(sid) for sid in self._chain(start))

    def _directory(self, data: bytes) -> list[_CfbEntry]:
        entries: list[_CfbEntry] = []
        for off in range(0, len(data) - 127, 128):
            name_len, kind = struct.unpack_from("<HB", data, off + 0x40)
            if kind not in (1, 2, 5):
                entries.append(_CfbEntry("", 0, 0, 0))
                continue
            name_len = min(name_len, 64)
            name = data[off : off + max(0, name_len - 2)].decode("utf-16-le", errors="replace")
            start, size = struct.unpack_from("<IQ", data, off + 0x74)
            if self._ssz == 512:  # version 3: the high 32 bits are undefined (calamine ignores them too)
                size &= 0xFFFFFFFF
            entries.append(_CfbEntry(name, kind, start, size))
        if not entries or entries[0].kind != 5:
            raise FileRefused("corrupt", self._path, "OLE2 directory has no root entry")
        for entry in entries:
            if entry.kind == 5 or entry.name.lower() in ("workbook", "book"):
                if entry.size > self._size:
                    raise FileRefused(
                        "corrupt", self._path, f"OLE2 stream {entry.name!r} claims {entry.size} bytes"
                    )
        return entries

    def read_stream(self, name: str) -> bytes:
        """Whole content of the first stream called ``name`` (case-insensitive)."""
        entry = next((e for e in self.entries if e.kind == 2 and e.name.lower() == name.lower()), None)
        if entry is None:
            raise KeyError(name)
        if entry.size > self._size * 2 + 4096:
            raise FileRefused("corrupt", self._path, f"OLE2 stream {name!r} claims {entry.size} bytes")
        if entry.size >= self._mini_cutoff:
            data = self._read_chain(entry.start)
        else:
            data = self._read_mini(entry.start, entry.size)
        if len(data) < entry.size:
            raise FileRefused("truncated", self._path, f"OLE2 stream {name!r} is cut short")
        return data[: entry.size]

    def _read_mini(self, start: int, size: int) -> bytes:
        if self._mini is None:
            root = self.entries[0]
            self._mini = self._read_chain(root.start)[: root.size]
        minifat = array("I", self._read_chain(self._minifat_start))
        if sys.byteorder == "big":
            minifat.byteswap()
        out, sid, hops = [], start, 0
        while sid != _ENDOFCHAIN and sum(map(len, out)) < size:
            if sid >= len(minifat) or hops > len(minifat):
                raise FileRefused("corrupt", self._path, "OLE2 mini-stream chain is broken")
            out.append(self._mini[sid * 64 : sid * 64 + 64])
            sid, hops = minifat[sid], hops + 1
        return b"".join(out)


# --------------------------------------------------------------------------------------------------
# Pre-parse checks: zip containers, XML prologs, real sheet extents
# --------------------------------------------------------------------------------------------------


@dataclass
class _Extent:
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


class _Budget:
    """Cell budget for the whole workbook: per sheet and in total, so memory stays bounded."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path, self.limits, self.used = path, limits, 0

    def charge(self, sheet: str, n_rows: int, n_cols: int) -> None:
        lim = self.limits
        cells = n_rows * n_cols
        if n_rows > lim.max_rows or n_cols > lim.max_cols or cells > lim.max_cells:
            raise FileRefused(
                "too_many_cells",
                self.path,
                f"sheet {sheet!r} spans {n_rows} rows x {n_cols} columns = {cells} cells "
                f"(limits {lim.max_rows} rows, {lim.max_cols} columns, {lim.max_cells} cells)",
            )
        self.used += cells
        if self.used > lim.max_cells:
            raise FileRefused(
                "too_many_cells", self.path, f"sheets together span {self.used} cells (limit {lim.max_cells})"
            )


def _check_zip(path: Path, limits: Limits) -> None:
    """Refuse zip bombs and XML with DTDs from the central directory and bounded reads only."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise _bad_zip(path, exc) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_zip_entries:
            raise FileRefused("zip_bomb", path, f"{len(infos)} zip members (limit {limits.max_zip_entries})")
        total = sum(info.file_size for info in infos)
        packed = sum(info.compress_size for info in infos)
        if total > limits.max_uncompressed_bytes:
            raise FileRefused(
                "zip_bomb",
                path,
                f"declares {total} uncompressed bytes (limit {limits.max_uncompressed_bytes})",
            )
        ratio = total / max(packed, 1)
        if total > _RATIO_FLOOR_BYTES and ratio > limits.max_compression_ratio:
            raise FileRefused(
                "zip_bomb",
                path,
                f"compression ratio {ratio:.0f}:1 (limit {limits.max_compression_ratio:.0f}:1)",
            )
        for info in infos:
            if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            with zf.open(info) as member:
                head = member.read(_HEAD_BYTES)
            problem = _unsafe_prolog(head, info.file_size)
            if problem:
                raise FileRefused("xml_entities", path, f"{info.filename}: {problem}")


_ROOT_START_RE = re.compile(rb"<[A-Za-z_]")


def _unsafe_prolog(head: bytes, full_size: int) -> str | None:
    """Why an XML part's prolog is unsafe (DTD / entity declarations, or absurdly long), else None."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16_guess(head):
        head = _decode_head(head).encode("utf-8", errors="ignore")
    m = _ROOT_START_RE.search(head)
    prolog = head[: m.start()] if m else head
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        return "DOCTYPE/ENTITY declaration (entity expansion or external entity attack)"
    if m is None and full_size > len(head):
        return f"no root element within the first {len(head)} bytes"
    return None


# ---- xlsx / xlsm -------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _resolve_target(base_dir: str, target: str) -> str:
    target = target.replace("\\", "/")
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(base_dir, target)
    return posixpath.normpath(joined)


def _calamine_target(target: str, xlsb: bool) -> str:
    """The literal zip path calamine opens for a relationship target (it does not normalise '..')."""
    if xlsb:
        return "xl/" + target
    if target.startswith("/xl/"):
        return target[1:]
    return target if target.startswith("xl/") else "xl/" + target


_NOT_SHEET_RELS = ("/sharedStrings", "/styles", "/theme", "/calcChain", "/externalLink", "/connections")


def _ooxml_sheet_parts(zf: zipfile.ZipFile, workbook_part: str) -> tuple[list[tuple[str, str]], set[str]]:
    """Sheets as (name, zip member) in workbook order, and every member calamine might parse as a sheet.

    The second set is deliberately wide (both calamine's literal path resolution and the normalised one,
    for every relationship that is not obviously styles/strings/theme): a sheet the scan missed would
    reach calamine unchecked.
    """
    xlsb = workbook_part.endswith(".bin")
    base = posixpath.dirname(workbook_part)
    rels_part = posixpath.join(base, "_rels", posixpath.basename(workbook_part) + ".rels")
    try:
        rels_root = SafeET.fromstring(zf.read(rels_part), forbid_dtd=True)
        rels = [
            (rel.get("Id", ""), rel.get("Target", ""), rel.get("Type", ""))
            for rel in rels_root.iter()
            if _local(rel.tag) == "Relationship"
        ]
    except KeyError:
        rels = []
    targets = {rid: target for rid, target, _ in rels}
    candidates = {
        resolved
        for _, target, typ in rels
        if not typ.endswith(_NOT_SHEET_RELS)
        for resolved in (_calamine_target(target, xlsb), _resolve_target(base, target))
    }
    if xlsb:
        named = _xlsb_sheet_parts(zf.read(workbook_part))
    else:
        named = []
        for el in SafeET.fromstring(zf.read(workbook_part), forbid_dtd=True).iter():
            if _local(el.tag) == "sheet":
                ids = [v for k, v in el.attrib.items() if _local(k) == "id"]
                named.append((el.get("name", ""), ids))
    sheets: list[tuple[str, str]] = []
    for name, ids in named:
        paths = [_calamine_target(targets[i], xlsb) for i in ids if i in targets]
        candidates.update(paths)
        candidates.update(_resolve_target(base, targets[i]) for i in ids if i in targets)
        sheets.append((name, paths[0] if paths else ""))
    return sheets, candidates


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


def _scan_sheet_xml(member: IO[bytes], exact: bool = False) -> _Extent:
    """Extents and formula cells of a sheet XML in one streaming pass (regex; SAX as fallback).

    By default a block of ordinary cells within A1:Z9999 is only bounded (``bounded``: 9 999 rows x 26
    columns), which is all the cell budget needs and costs one regex search instead of one match per cell;
    ``exact=True`` (or any cell outside that) gives the real extent. Only cells that can carry a value (not
    self-closing ``<c .../>``) count, as calamine skips empties. Files whose cells omit ``r=`` or whose tags
    carry a namespace prefix use the exact SAX scan.
    """
    ext = _Extent(formulas=set())
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
                return _FALLBACK
            m = _DIMENSION_RE.search(data[:8192])
            ext.declared = m.group(1).decode("ascii", "replace") if m else None
        if not _scan_xml_block(data, ext, exact):
            return _FALLBACK
        if not chunk:
            return ext


_FALLBACK = _Extent(max_row=-2)  # sentinel: "redo this sheet with the exact SAX scan"


def _scan_xml_block(data: bytes, ext: _Extent, exact: bool = False) -> bool:
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
        self.ext = _Extent(formulas=set())
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


def _scan_sheet_sax(member: IO[bytes]) -> _Extent:
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


def _xlsb_sheet_parts(workbook_bin: bytes) -> list[tuple[str, list[str]]]:
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


def _scan_xlsb_sheet(data: bytes) -> _Extent:
    """Real extents of an XLSB sheet: calamine takes columns as unchecked u32 values."""
    ext = _Extent(formulas=set())
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


def _scan_ods(member: IO[bytes]) -> list[_Extent]:
    """Extents per table of content.xml, honouring number-rows/columns-repeated (an ODS 'bomb' vector)."""
    head = member.read(_HEAD_BYTES)
    m = re.search(rb'xmlns:([\w.-]+)="urn:oasis:names:tc:opendocument:xmlns:table:1\.0"', head)
    prefix = re.escape(m.group(1) if m else b"table")
    tag_re = re.compile(
        rb"<(/?)" + prefix + rb":(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>"
    )
    rows_rep = re.compile(rb'number-rows-repeated="([0-9]+)"')
    cols_rep = re.compile(rb'number-columns-repeated="([0-9]+)"')
    tables: list[_Extent] = []
    cur: _Extent | None = None
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
                    cur = _Extent()
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


def _scan_xls(path: Path, limits: Limits, budget: _Budget) -> None:
    """FILEPASS, sheet count, SST count, DIMENSIONS and real extents, walked the way calamine walks them.

    calamine reads the globals from the start of the Workbook stream, then each sheet from the offset
    in its BOUNDSHEET record; it reserves memory from the SST count and DIMENSIONS, and builds a dense
    grid from u16 row/col values (65 536 × 65 536 cells for one crafted record). All checked here first.
    """
    with path.open("rb") as fh:
        cfb = _Cfb(fh, path.stat().st_size, path)
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


# ---- per-format pre-parse entry point -------------------------------------------------------------


@dataclass
class _Prescan:
    by_name: dict[str, _Extent] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _prescan(path: Path, fmt: str, limits: Limits) -> _Prescan:
    """Everything that must be refused before calamine touches the file."""
    out = _Prescan()
    budget = _Budget(path, limits)
    if fmt == "xls":
        with path.open("rb") as fh:
            is_cfb = fh.read(8) == _CFB_MAGIC
        if is_cfb:
            _scan_xls(path, limits, budget)
        return out
    _check_zip(path, limits)
    with zipfile.ZipFile(path) as zf:
        if fmt == "ods":
            with zf.open("content.xml") as member:
                tables = _scan_ods(member)
            _check_well_formed(zf, "content.xml", path)
            if len(tables) > limits.max_sheets:
                raise FileRefused(
                    "too_many_sheets", path, f"{len(tables)} sheets (limit {limits.max_sheets})"
                )
            for i, ext in enumerate(tables):
                budget.charge(f"#{i + 1}", ext.max_row + 1, ext.max_col + 1)
            return out
        if fmt in ("xlsx", "xlsm"):
            _check_shared_strings(zf, path)
        workbook_part = "xl/workbook.bin" if fmt == "xlsb" else "xl/workbook.xml"
        sheets, candidates = _ooxml_sheet_parts(zf, workbook_part)
        if len(sheets) > limits.max_sheets:
            raise FileRefused("too_many_sheets", path, f"{len(sheets)} sheets (limit {limits.max_sheets})")
        members = set(zf.namelist())
        scanned: dict[str, _Extent] = {}
        for part in sorted(candidates & members):
            if fmt == "xlsb":
                scanned[part] = _scan_xlsb_sheet(zf.read(part))
            else:
                scanned[part] = _scan_xml_part(zf, part)
        names = {part: name for name, part in reversed(sheets)}
        if any(ext.bounded for ext in scanned.values()):
            # bounds are enough when they fit the budget and no declared dimension needs the real extent
            probe = _Budget(path, limits)
            try:
                for part, ext in scanned.items():
                    probe.charge(names.get(part, part), ext.max_row + 1, ext.max_col + 1)
                rescan = [p for p, ext in scanned.items() if ext.bounded and _declared_cells(ext) > limits.max_cells]
            except FileRefused:
                rescan = [p for p, ext in scanned.items() if ext.bounded]
            for part in rescan:
                scanned[part] = _scan_xml_part(zf, part, exact=True)
        for part, ext in scanned.items():
            budget.charge(names.get(part, part), ext.max_row + 1, ext.max_col + 1)
        for (name, part), label in zip(sheets, unique_sheet_labels([_nfc(n) for n, _ in sheets]), strict=True):
            if part in scanned:
                _warn_declared(scanned[part], name, limits, out.warnings)
                out.by_name[label] = scanned[part]
    return out


def _scan_xml_part(zf: zipfile.ZipFile, part: str, exact: bool = False) -> _Extent:
    """One sheet part: the regex scan, or the exact SAX scan when the regex scan cannot be trusted."""
    with zf.open(part) as member:
        ext = _scan_sheet_xml(member, exact)
    if ext is _FALLBACK:
        with zf.open(part) as member:
            ext = _scan_sheet_sax(member)
    return ext


def _declared_cells(ext: _Extent) -> int:
    """Cells of the declared <dimension> (0 when absent or unreadable)."""
    if not ext.declared or ":" not in ext.declared:
        return 0
    first, last = (_parse_ref(p) for p in ext.declared.split(":", 1))
    if first is None or last is None:
        return 0
    return (last[0] - first[0] + 1) * (last[1] - first[1] + 1)


def _check_well_formed(zf: zipfile.ZipFile, part: str, path: Path) -> None:
    """calamine's ODS reader loops forever on some malformed content.xml (e.g. a mangled end tag).

    expat with no Python handlers checks well-formedness at C speed; entities cannot expand because
    prologs with DOCTYPE/ENTITY were refused already.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        with zf.open(part) as member:
            parser.ParseFile(member)
    except expat.ExpatError as exc:
        raise FileRefused("corrupt", path, f"{part} is not well-formed XML: {exc}") from None


_SST_COUNT_RE = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\suniqueCount="([0-9]{1,20})"')


def _check_shared_strings(zf: zipfile.ZipFile, path: Path) -> None:
    """calamine reserves ``uniqueCount`` strings up front (24 bytes each): it must fit the part's size."""
    for info in zf.infolist():
        if not info.filename.lower().endswith("sharedstrings.xml"):
            continue
        with zf.open(info) as member:
            m = _SST_COUNT_RE.search(member.read(4096))
        if m and int(m.group(1)) > info.file_size // 5 + 16:  # each <si/> takes at least 5 bytes
            raise FileRefused(
                "corrupt",
                path,
                f"{info.filename} declares {int(m.group(1))} strings in {info.file_size} bytes",
            )


def _warn_declared(ext: _Extent, name: str, limits: Limits, warnings: list[str]) -> None:
    """Declared <dimension> is untrusted (calamine ignores it); say so when it is absurd."""
    if _declared_cells(ext) > limits.max_cells:
        warnings.append(
            f"sheet {name!r}: declared dimension {ext.declared} ignored (real content {ext.max_row + 1} rows"
            f" x {ext.max_col + 1} columns)"
        )


# --------------------------------------------------------------------------------------------------
# Cell conversion
# --------------------------------------------------------------------------------------------------


def _nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


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


# --------------------------------------------------------------------------------------------------
# Spreadsheet readers
# --------------------------------------------------------------------------------------------------


def _open_calamine(path: Path, fmt: str) -> Any:
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() in _CALAMINE_SUFFIXES[fmt]:
        return CalamineWorkbook.from_path(str(path))
    # Wrong extension (an .xls that is really xlsx, ...): calamine picks its reader from the suffix, so
    # give it the bytes and let it sniff the content instead.
    with path.open("rb") as fh:
        return CalamineWorkbook.from_filelike(io.BytesIO(fh.read()))


def _calamine_refusal(path: Path, exc: BaseException) -> FileRefused:
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


def unique_sheet_labels(names: list[str]) -> list[str]:
    """Distinct, stable labels for sheets in workbook order: a repeated name gets " (2)", " (3)" …

    Why: a workbook can hold two sheets of the same name (Excel never writes one, other tools and hand
    edits do); every sheet must still be read and reported on its own.
    """
    taken = {name.casefold() for name in names}
    seen: set[str] = set()
    labels: list[str] = []
    for name in names:
        label = name
        if name.casefold() in seen:
            n = 2
            while f"{name} ({n})".casefold() in taken:
                n += 1
            label = f"{name} ({n})"
            taken.add(label.casefold())
        seen.add(name.casefold())
        labels.append(label)
    return labels


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


def _read_calamine(path: Path, fmt: str, limits: Limits, pre: _Prescan, warnings: list[str]) -> list[Sheet]:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    wb = _open_calamine(path, fmt)
    budget = _Budget(path, limits)
    sheets: list[Sheet] = []
    try:
        metas = wb.sheets_metadata
        if len(metas) > limits.max_sheets:
            raise FileRefused("too_many_sheets", path, f"{len(metas)} sheets (limit {limits.max_sheets})")
        labels = unique_sheet_labels([_nfc(meta.name) for meta in metas])
        if labels != [_nfc(meta.name) for meta in metas]:
            if fmt not in _SHEET_NAMES:  # xlsb, xls: names are binary records; refused rather than misread
                raise FileRefused("duplicate_sheet_names", path, "two sheets share one name")
            with contextlib.suppress(Exception):
                wb.close()
            wb = CalamineWorkbook.from_filelike(_renamed_sheets(path, fmt, labels))
            metas = wb.sheets_metadata
            if [_nfc(meta.name) for meta in metas] != labels:
                raise FileRefused("duplicate_sheet_names", path, "two sheets share one name")
            warnings.append("sheets with the same name: read as " + ", ".join(repr(x) for x in labels))
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
                warnings.append(f"sheet {name!r} ({kind}) could not be read: {str(exc)[:120]}")
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


def _read_xlrd(path: Path, limits: Limits, warnings: list[str]) -> list[Sheet]:
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
    budget = _Budget(path, limits)
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
            Sheet(name=_nfc(sh.name), rows=rows, hidden=getattr(sh, "visibility", 0) != 0, merged=merged)
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
        return _nfc(value) if value else None
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


# --------------------------------------------------------------------------------------------------
# Text (CSV / TSV / TXT)
# --------------------------------------------------------------------------------------------------


def _vietnamese_letters() -> frozenset[str]:
    base = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
    marks = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    letters = {unicodedata.normalize("NFC", b + m) for b in base for m in marks}
    letters |= set("đĐ") | set(marks[1:]) | set("\u00a0“”‘’–—…•°±×÷€«»§©®™·")
    return frozenset(letters)


_VIETNAMESE = _vietnamese_letters()
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f-\x9f]")
# UTF-8 read as cp1252 and saved again: 'đ' → 'Ä‘', 'ư' → 'Æ°', 'ế' → 'áº¿', 'à' → 'Ã '.
_MOJIBAKE_RE = re.compile(
    "[ÂÃÄÅÆ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|á[º»]"
)


def _decode_text(data: bytes, path: Path) -> tuple[str, str, list[str]]:
    """Decode with BOM / strict UTF-8 / UTF-16 sniff / Windows-1258; refuse rather than guess mojibake."""
    warnings: list[str] = []
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        encoding = "utf-32"
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = _utf16_guess(data) or ""
        if encoding:
            warnings.append(f"encoding: {encoding} without byte-order mark")
    if not encoding:
        if b"\x00" in data:
            raise FileRefused("undecodable_text", path, "NUL bytes in a text file (binary content)")
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1258"), "windows-1258"
            except UnicodeDecodeError as exc:
                raise FileRefused(
                    "undecodable_text", path, f"neither UTF-8 nor Windows-1258 (byte {exc.start})"
                ) from None
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise FileRefused("undecodable_text", path, f"invalid {encoding} at byte {exc.start}") from None
    garbled = 0 if encoding == "windows-1258" else len(_MOJIBAKE_RE.findall(text[:1_000_000]))
    if garbled >= 3 or (garbled and garbled * 10 >= sum(1 for ch in text[:100_000] if ord(ch) > 127)):
        raise FileRefused("mojibake", path, f"{garbled} double-encoded UTF-8 sequences such as 'Ä‘' or 'Æ°'")
    controls = len(_CONTROL_RE.findall(text[:1_000_000]))
    if controls > max(2, min(len(text), 1_000_000) // 1000):
        raise FileRefused(
            "undecodable_text", path, f"{controls} control characters after {encoding} decoding"
        )
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
        if encoding == "windows-1258":
            warnings.append("encoding: windows-1258 (combining tone marks normalised to NFC)")
    elif encoding == "windows-1258":
        warnings.append("encoding: windows-1258")
    if encoding == "windows-1258":
        non_ascii = [ch for ch in text[:1_000_000] if ord(ch) > 127]
        foreign = sum(1 for ch in non_ascii if ch not in _VIETNAMESE)
        if len(non_ascii) >= 20 and foreign > 0.3 * len(non_ascii):
            raise FileRefused(
                "undecodable_text",
                path,
                f"Windows-1258 decoding gives {foreign}/{len(non_ascii)} non-Vietnamese characters "
                "(legacy TCVN3/VNI font encoding?)",
            )
    return text, encoding, warnings


def _sniff_delimiter(text: str, suffix: str) -> str:
    """The delimiter giving the most rows of one consistent width (',' ';' tab '|')."""
    sample = text[:65536]
    if len(text) > len(sample):
        sample = sample[: sample.rfind("\n") + 1] or sample
    priority = {"\t": 3, ";": 2, ",": 1, "|": 0}
    if suffix == ".tsv":
        priority["\t"] = 9
    best, best_key = ",", (0, 0, 0)
    for delim in ("\t", ";", ",", "|"):
        try:
            widths = [len(r) for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delim) if r][:500]
        except csv.Error:
            continue
        # rows of one field (title, 'ĐVT: triệu đồng') say nothing about the delimiter: only wider rows vote,
        # else a short file with two title lines and two table rows would read as tab-separated
        table_widths = Counter(w for w in widths if w >= 2)
        if not table_widths:
            continue
        width, count = table_widths.most_common(1)[0]
        key = (count, width, priority[delim])
        if key > best_key:
            best, best_key = delim, key
    return best


def _read_text(path: Path, limits: Limits) -> Workbook:
    data = path.read_bytes()
    text, encoding, warnings = _decode_text(data, path)
    del data
    text = text.lstrip("\ufeff")
    delim = _sniff_delimiter(text, path.suffix.lower())
    if delim != ",":
        warnings.append(f"delimiter: {delim!r}")
    rows: list[list[object]] = []
    width = 0
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(1, limits.max_cell_chars))
    try:
        for raw in csv.reader(io.StringIO(text, newline=""), delimiter=delim):
            if len(raw) > width:
                width = len(raw)
                if width > limits.max_cols:
                    raise FileRefused(
                        "too_many_cells", path, f"a line has {width} fields (limit {limits.max_cols})"
                    )
            rows.append([v if v else None for v in raw])
            if len(rows) > limits.max_rows or len(rows) * width > limits.max_cells:
                raise FileRefused(
                    "too_many_cells",
                    path,
                    f"more than {len(rows) - 1} lines x {width} fields exceeds the limits",
                )
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise FileRefused(
                "cell_too_long", path, f"a field is longer than {limits.max_cell_chars} characters"
            ) from None
        raise FileRefused("corrupt", path, f"CSV parse error: {exc}") from None
    finally:
        csv.field_size_limit(old_limit)
    for row in rows:
        if len(row) < width:
            row.extend([None] * (width - len(row)))
    sheet = Sheet(name=_nfc(printable(path.stem)), rows=rows)  # a name that is not UTF-8: U+FFFD
    return Workbook(path=path, format="csv", sheets=[sheet], warnings=warnings, encoding=encoding)


# --------------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------------


def read_workbook(path: Path | str, limits: Limits | None = None) -> Workbook:
    """Read one file into sheets of raw cells; raises :class:`FileRefused` and nothing else.

    Why no other exception type: a batch over a province's mailbox must record one refusal per bad
    file and go on, with a message the analyst can act on.
    """
    path = Path(path)
    limits = limits or Limits()
    try:
        return _read(path, limits)
    except FileRefused:
        raise
    except MemoryError:
        raise FileRefused("memory", path, "out of memory while reading") from None
    except RecursionError:
        raise FileRefused("corrupt", path, "structure nested too deeply") from None
    except OSError as exc:
        raise _os_refusal(path, exc) from None
    except BaseException as exc:
        # pyo3's PanicException (a Rust panic inside calamine) derives from BaseException.
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise FileRefused("corrupt", path, f"{type(exc).__name__}: {str(exc)[:300]}") from None


@contextlib.contextmanager
def _native_stderr(sink: list[str]) -> Iterator[None]:
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


def _panic_line(texts: list[str]) -> str:
    """The 'panicked at file:line: message' part of a captured Rust panic (for the report's detail)."""
    text = " ".join(texts)
    match = re.search(r"panicked at ([^\n]*)\n?([^\n]*)", text)
    return f"panicked at {match.group(1).strip()} {match.group(2).strip()}".strip()[:300] if match else ""


def _read(path: Path, limits: Limits) -> Workbook:
    if not path.exists():
        raise FileRefused("not_found", path, "no such file")
    if path.is_dir():
        raise FileRefused("not_found", path, "path is a directory, not a file")
    size = path.stat().st_size
    if size == 0:
        raise FileRefused("empty_file", path, "0 bytes")
    if size > limits.max_file_bytes:
        raise FileRefused("too_large", path, f"{size} bytes (limit {limits.max_file_bytes})")
    fmt = _sniff(path)
    if fmt == "csv":
        return _read_text(path, limits)
    warnings: list[str] = []
    if path.suffix.lower() not in _CALAMINE_SUFFIXES[fmt]:
        warnings.append(f"format: content is {fmt} although the file is named {path.suffix or '(no suffix)'}")
    pre = _prescan(path, fmt, limits)
    warnings.extend(pre.warnings)
    native_text: list[str] = []
    try:
        with _native_stderr(native_text):
            sheets = _read_calamine(path, fmt, limits, pre, warnings)
    except FileRefused as refusal:
        if refusal.code != "duplicate_sheet_names" or fmt != "xls":
            raise
        sheets = _read_xlrd(path, limits, warnings)  # xlrd reads sheets by position
        warnings.append("sheets with the same name: read as " + ", ".join(repr(s.name) for s in sheets))
    except MemoryError:
        raise
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        refusal = _calamine_refusal(path, exc)
        panic = _panic_line(native_text)
        if panic:
            refusal = FileRefused(refusal.code, path, f"{refusal.detail} [{panic}]")
        if fmt != "xls" or refusal.code == "encrypted":
            raise refusal from None
        try:
            sheets = _read_xlrd(path, limits, warnings)
        except FileRefused:
            raise
        except Exception as xlrd_exc:
            if "encrypt" in str(xlrd_exc).lower():
                raise FileRefused("encrypted", path, f"xlrd: {xlrd_exc}") from None
            raise refusal from None
        warnings.append(f"reader: calamine failed ({refusal.detail[:120]}); read with xlrd")
    return Workbook(path=path, format=fmt, sheets=sheets, warnings=warnings)


def apply_memory_limit(limits: Limits | None = None) -> None:
    """Cap this process's address space at its current size + ``limits.memory_mb_per_file``.

    Meant for a worker process (pool initializer or the guarded child): a parse that explodes then gets
    MemoryError (or dies on a failed Rust allocation) instead of taking the machine down. The baseline
    is added because a forked worker inherits its parent's mappings (pandas, numpy, the data so far).
    """
    limits = limits or Limits()
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the wall-clock limit still applies
        return
    budget = max(64, limits.memory_mb_per_file) * 1024 * 1024
    baseline = _current_address_space()
    target = baseline + budget
    for which in (getattr(resource, "RLIMIT_AS", None), getattr(resource, "RLIMIT_DATA", None)):
        if which is None:
            continue
        try:
            _soft, hard = resource.getrlimit(which)
            new = target if hard == resource.RLIM_INFINITY else min(target, hard)
            resource.setrlimit(which, (new, hard))
            return
        except (ValueError, OSError):
            continue


def _current_address_space() -> int:
    """VmSize of this process in bytes (0 when /proc is unavailable)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _guarded_target(path: Path, limits: Limits) -> Workbook:
    import faulthandler

    # A native abort here is an expected outcome the parent turns into FileRefused('memory'); an
    # inherited faulthandler would dump a fatal-error report over the analyst's console.
    faulthandler.disable()
    apply_memory_limit(limits)
    return read_workbook(path, limits)


def read_workbook_guarded(path: Path | str, limits: Limits | None = None) -> Workbook:
    """:func:`read_workbook` in a child process bounded in wall time and memory.

    A hung parse becomes ``FileRefused('timeout')``; one that exhausts its memory budget — or dies on a
    failed native allocation — becomes ``FileRefused('memory')``.
    """
    from concurrent.futures import TimeoutError as FutureTimeout

    from pebble import ProcessExpired, concurrent

    path = Path(path)
    limits = limits or Limits()
    # fork: no re-import of pandas/calamine per file (spawn costs ~1 s); elsewhere the platform default.
    context = (
        multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    )
    runner = concurrent.process(timeout=limits.seconds_per_file, daemon=True, mp_context=context)(
        _guarded_target
    )
    future = runner(path, limits)
    try:
        return future.result()
    except FileRefused:
        raise
    except FutureTimeout:
        raise FileRefused(
            "timeout", path, f"reading took longer than {limits.seconds_per_file:g} s"
        ) from None
    except ProcessExpired as exc:
        code = exc.exitcode
        if code in (-6, -9, 134, 137):  # SIGABRT (failed native allocation) / SIGKILL (OOM killer)
            raise FileRefused("memory", path, f"reader process died (exit code {code})") from None
        raise FileRefused("corrupt", path, f"reader process crashed (exit code {code})") from None
    except MemoryError:
        raise FileRefused("memory", path, "out of memory while reading") from None
    except Exception as exc:
        raise FileRefused("corrupt", path, f"{type(exc).__name__}: {str(exc)[:300]}") from None
