"""CSV / TSV / TXT → one ``Sheet``: encoding (BOM, UTF-8, UTF-16, Windows-1258), delimiter, text cells.

Why careful: exports from Vietnamese offices come in every encoding; a guess that produces mojibake or
legacy TCVN3/VNI text would fill the table with garbage, so such files are refused instead. Nothing here
parses numbers: '78.675' stays text.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections import Counter
from pathlib import Path

from ...config import Limits
from ...errors import FileRefused, printable
from ...messages import Problem
from .model import Sheet, Workbook, nfc
from .sniff import utf16_guess


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
        encoding = utf16_guess(data) or ""
        if encoding:
            warnings.append(Problem("file.encoding_no_bom", encoding=encoding))
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
            warnings.append(Problem("file.encoding_1258_nfc"))
    elif encoding == "windows-1258":
        warnings.append(Problem("file.encoding_1258"))
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


def read_text(path: Path, limits: Limits) -> Workbook:
    """One text file as one sheet of text cells (empty fields → None), padded to its widest line."""
    data = path.read_bytes()
    text, encoding, warnings = _decode_text(data, path)
    del data
    text = text.lstrip("\ufeff")
    delim = _sniff_delimiter(text, path.suffix.lower())
    if delim != ",":
        warnings.append(Problem("file.delimiter", delimiter=delim))
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
    sheet = Sheet(name=nfc(printable(path.stem)), rows=rows)  # a name that is not UTF-8: U+FFFD
    return Workbook(path=path, format="csv", sheets=[sheet], warnings=warnings, encoding=encoding)
