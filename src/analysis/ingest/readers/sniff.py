"""What a file really is, from its first bytes (magic numbers, zip members, OLE2 streams), never its name.

Why: files arrive renamed (an .xls that is an xlsx, a CSV saved as .xls, a web page saved as .xls, a PDF
with a spreadsheet's name); each must be read by the right reader or refused with a code that says what
it is.
"""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

from ...errors import FileRefused
from .model import HEAD_BYTES, os_refusal
from .ole2 import CFB_MAGIC, Cfb

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


def sniff_format(path: Path | str) -> str:
    """Return 'xlsx' | 'xlsm' | 'xlsb' | 'xls' | 'ods' | 'csv' from the content, or raise FileRefused."""
    path = Path(path)
    try:
        return detect_format(path)
    except FileRefused:
        raise
    except OSError as exc:
        raise os_refusal(path, exc) from None
    except Exception as exc:  # a sniffer bug must still surface as a refusal, never a crash
        raise FileRefused("corrupt", path, f"format sniffing failed: {exc!r}") from None


def detect_format(path: Path) -> str:
    """The format from the content; unlike :func:`sniff_format` a broken container's own error escapes,
    so :func:`~analysis.ingest.readers.read_workbook` maps it like any other reading error."""
    size = path.stat().st_size
    if path.is_dir():
        raise FileRefused("not_found", path, "path is a directory, not a file")
    if size == 0:
        raise FileRefused("empty_file", path, "0 bytes")
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    if head.startswith(_ZIP_MAGICS):
        return _sniff_zip(path, head)
    if head.startswith(CFB_MAGIC):
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
        raise bad_zip(path, exc) from None
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


def bad_zip(path: Path, exc: Exception) -> FileRefused:
    """No end-of-central-directory record at all means a cut download; a damaged one means corruption."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - 65_557))  # EOCD (22 bytes) + the longest zip comment
        tail = fh.read()
    if b"PK\x05\x06" in tail:
        return FileRefused("corrupt", path, f"damaged zip container: {exc}")
    return FileRefused("truncated", path, f"zip central directory missing (incomplete download?): {exc}")


def _bounded_member(zf: zipfile.ZipFile, name: str, limit: int = HEAD_BYTES) -> bytes:
    """First ``limit`` decompressed bytes of a member ('' if absent) — never the whole member."""
    try:
        with zf.open(name) as member:
            return member.read(limit)
    except KeyError:
        return b""


def _sniff_cfb(path: Path, size: int) -> str:
    with path.open("rb") as fh:
        cfb = Cfb(fh, size, path)
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


def decode_head(head: bytes) -> str:
    """Best-effort text view of the first bytes, for markup detection only."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head[: len(head) & ~1].decode("utf-16", errors="ignore")
    guess = utf16_guess(head)
    if guess:
        return head[: len(head) & ~1].decode(guess, errors="ignore")
    return head.decode("utf-8", errors="ignore")


_HTML_STARTS = ("<!doctype html", "<html", "<table", "<head", "<body", "<meta", "<style", "<title", "<div")


def _markup_kind(head: bytes) -> str | None:
    """'html' for web pages saved as .xls, 'xml_spreadsheet' for SpreadsheetML 2003, 'xml', or None."""
    text = decode_head(head[:8192]).lstrip("\ufeff \t\r\n").lower()
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
    if utf16_guess(head):
        return True
    sample = head[:-4] if len(head) > 8 else head
    if b"\x00" in sample:
        return False
    controls = len(sample) - len(sample.translate(None, _TEXT_CONTROL_BYTES))
    return controls <= len(sample) // 100


def utf16_guess(data: bytes) -> str | None:
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
