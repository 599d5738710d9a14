"""Generator of the broken / hostile file corpus used by test_hostile.py.

Why generated, not downloaded: every file is reproducible from this script, and the dangerous ones (zip
bombs, entity expansion, XXE, 10 MB lines) never sit in the repository — they are written to a temporary
directory at test time. ``python tests/badfiles.py tests/data/bad`` refreshes the small harmless files that
are committed for people who want to try them by hand.

Expectations are ``("refused", code)`` or ``("read", check)`` where ``check`` is the number of sheets or a
predicate over the :class:`~analysis.ingest.readers.Workbook`.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import sys
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

Expected = tuple[str, Any]

VI_HEADER = ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí KCĐP"]
VI_ROWS = [
    ["1", "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến", "Cơ sở Mộc Việt", "78.675"],
    ["2", "Nâng cao năng lực quản lý doanh nghiệp", "HTX Thuận An", "2,52"],
]

# Files whose refusal is exercised with a deliberately small limit (keeps the test light).
CORPUS_LIMITS: dict[str, dict[str, int]] = {
    "two_million_cells.xlsx": {"max_cells": 1_000_000},
    "too_large.xlsx": {"max_file_bytes": 1_000},
    "many_entries.xlsx": {"max_zip_entries": 50},
}

# Generated only into a temporary directory (dangerous or large); everything else may be committed.
DANGEROUS = frozenset(
    {
        "zip_bomb_1gb.xlsx",
        "zip_bomb_ratio.xlsx",
        "billion_laughs.xlsx",
        "xxe.xlsx",
        "long_line.csv",
        "wide_line.csv",
        "padded_doctype.xlsx",
    }
)

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sheet_xml(sheet_data: str, dimension: str | None = None, prolog: str = "") -> str:
    """A worksheet part around ``sheet_data`` (rows as XML), with an optional <dimension> and prolog."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
        f"<worksheet {_NS}>{dim}<sheetData>{sheet_data}</sheetData></worksheet>"
    )


_EMPTY_SST = f'<?xml version="1.0" encoding="UTF-8"?>\n<sst {_NS} count="0" uniqueCount="0"/>'


def handmade_xlsx(path: Path, sheet: str, sst: str = _EMPTY_SST) -> None:
    """A minimal xlsx whose sheet XML we control byte for byte."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        zf.writestr("xl/sharedStrings.xml", sst)


def inline_cell(ref: str, text: str) -> str:
    """One inline-string cell at ``ref``, for hand-built sheet XML."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


# ---- raw zip writer (zip bombs without compressing a gigabyte) -----------------------------------


def _deflate(data: bytes) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush()


def _raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> None:
    """Write a zip from pre-deflated members: (name, raw deflate stream, crc32, uncompressed size)."""
    out = io.BytesIO()
    central = []
    for name, raw, crc, size in members:
        offset = out.tell()
        fname = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(raw), size, len(fname), 0))
        out.write(fname)
        out.write(raw)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(raw),
                size,
                len(fname),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + fname
        )
    cd_start = out.tell()
    for entry in central:
        out.write(entry)
    cd_size = out.tell() - cd_start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), cd_size, cd_start, 0))
    path.write_bytes(out.getvalue())


def _zip_bomb(path: Path, total_mb: int) -> None:
    """An xlsx whose sheet XML inflates to ``total_mb`` MiB of whitespace, built from one flushed block.

    A full flush resets the deflate dictionary, so one compressed 1 MiB segment can be repeated as is.
    """
    block = b" " * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    head = sheet_xml("").split("<sheetData>")[0].encode() + b"<sheetData>"
    tail = b"</sheetData></worksheet>"
    crc = zlib.crc32(head)
    for _ in range(total_mb):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    c_head = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = c_head.compress(head) + c_head.flush(zlib.Z_FULL_FLUSH) + segment * total_mb
    c_tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw += c_tail.compress(tail) + c_tail.flush()
    members = []
    for name, text in (
        ("[Content_Types].xml", _CT),
        ("_rels/.rels", _ROOT_RELS),
        ("xl/workbook.xml", _WB),
        ("xl/_rels/workbook.xml.rels", _WB_RELS),
    ):
        data = text.encode()
        members.append((name, _deflate(data), zlib.crc32(data), len(data)))
    members.append(("xl/worksheets/sheet1.xml", raw, crc, len(head) + total_mb * len(block) + len(tail)))
    _raw_zip(path, members)


# ---- minimal CFB (OLE2) writer ------------------------------------------------------------------


def write_cfb(path: Path, streams: dict[str, bytes]) -> None:
    """Write a version-3 compound file; every stream is padded to ≥ 4096 bytes so no mini stream is needed."""
    sector = 512
    names = list(streams)
    payloads = [streams[n].ljust(4096, b"\x00") for n in names]
    payloads = [p + b"\x00" * (-len(p) % sector) for p in payloads]
    n_dir_entries = 1 + len(names)
    dir_sectors = -(-n_dir_entries * 128 // sector)
    data_sectors = sum(len(p) // sector for p in payloads)
    total = 1 + dir_sectors + data_sectors  # FAT sector first
    if total > sector // 4:
        raise ValueError("too many sectors for a one-sector FAT")
    fat = [0xFFFFFFFF] * (sector // 4)
    fat[0] = 0xFFFFFFFD
    sid = 1
    for i in range(dir_sectors):
        fat[sid + i] = sid + i + 1 if i < dir_sectors - 1 else 0xFFFFFFFE
    dir_start = sid
    sid += dir_sectors
    starts = []
    for p in payloads:
        n = len(p) // sector
        starts.append(sid)
        for i in range(n):
            fat[sid + i] = sid + i + 1 if i < n - 1 else 0xFFFFFFFE
        sid += n

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(raw), kind, 1, left, right, child)
            + b"\x00" * 16
            + b"\x00" * 4
            + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    nostream = 0xFFFFFFFF
    entries = [entry("Root Entry", 5, nostream, nostream, 1 if names else nostream, 0xFFFFFFFE, 0)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else nostream
        entries.append(entry(name, 2, nostream, right, nostream, starts[i], len(streams[name])))
    directory = b"".join(entries).ljust(dir_sectors * sector, b"\x00")
    difat = [0] + [0xFFFFFFFF] * 108
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, dir_start, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
        + struct.pack("<109I", *difat)
    )
    assert len(header) == 512
    path.write_bytes(header + struct.pack(f"<{len(fat)}I", *fat) + directory + b"".join(payloads))


# ---- hand-made XLSB -----------------------------------------------------------------------------


def _rec(typ: int, body: bytes = b"") -> bytes:
    out = bytearray()
    if typ < 0x80:
        out.append(typ)
    else:
        out += bytes([(typ & 0x7F) | 0x80, typ >> 7])
    size = len(body)
    while True:
        b = size & 0x7F
        size >>= 7
        out.append(b | (0x80 if size else 0))
        if not size:
            break
    return bytes(out) + body


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def write_xlsb(path: Path, cells: list[tuple[int, int, object]], sheet_name: str = "Trang 1") -> None:
    """A minimal .xlsb (BIFF12 records) with number / text / cached-formula cells; enough for calamine."""
    workbook = (
        _rec(0x83)
        + _rec(0x99, struct.pack("<II", 0, 0) + _wide(""))
        + _rec(0x8F)
        + _rec(0x9C, struct.pack("<II", 0, 1) + _wide("rId1") + _wide(sheet_name))
        + _rec(0x90)
        + _rec(0x9D, b"\x00" * 26)
        + _rec(0x84)
    )
    rows: dict[int, list[tuple[int, object]]] = {}
    for r, c, v in cells:
        rows.setdefault(r, []).append((c, v))
    body = b""
    for r in sorted(rows):
        body += _rec(0x00, struct.pack("<IIHH", r, 0, 0x12C, 0) + b"\x00" * 5)
        for c, v in sorted(rows[r], key=lambda cv: cv[0]):
            head = struct.pack("<II", c, 0)
            if isinstance(v, str):
                body += _rec(0x06, head + _wide(v))
            elif isinstance(v, tuple):  # ("=", cached number): BrtFmlaNum with an empty formula
                body += _rec(0x09, head + struct.pack("<dH", float(v[1]), 0) + struct.pack("<II", 0, 0))
            else:
                body += _rec(0x05, head + struct.pack("<d", float(v)))
    max_r = max((r for r, _, _ in cells), default=0)
    max_c = max((c for _, c, _ in cells), default=0)
    sheet = (
        _rec(0x81)
        + _rec(0x94, struct.pack("<IIII", 0, max_r, 0, max_c))
        + _rec(0x91)
        + body
        + _rec(0x92)
        + _rec(0x82)
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.bin"/></Relationships>'
    )
    ct = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.bin" ContentType="application/vnd.ms-excel.worksheet"/>'
        "</Types>"
    )
    root_rels = _ROOT_RELS.replace("xl/workbook.xml", "xl/workbook.bin")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", ct)
        zf.writestr("_rels/.rels", root_rels)
        zf.writestr("xl/workbook.bin", workbook)
        zf.writestr("xl/_rels/workbook.bin.rels", rels)
        zf.writestr("xl/worksheets/sheet1.bin", sheet)


# ---- legacy .xls helpers ------------------------------------------------------------------------


def xls_bytes(filepass: bool = False, odd_dates: bool = False) -> bytes:
    """A legacy BIFF8 .xls (xlwt) with the Vietnamese header; optionally password-marked or with odd dates."""
    import xlwt

    class _Encrypted(xlwt.Workbook):  # type: ignore[misc]
        def _Workbook__intf_hdr_rec(self) -> bytes:  # FILEPASS (RC4) right after BOF, as Excel writes it
            payload = struct.pack("<HHH", 1, 1, 1) + bytes(range(48))
            return (
                struct.pack("<HH", 0x2F, len(payload)) + payload + xlwt.BIFFRecords.InteraceHdrRecord().get()
            )

    wb = _Encrypted() if filepass else xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Trang tính 1")
    for c, text in enumerate(VI_HEADER):
        ws.write(0, c, text)
    ws.write(1, 0, 1)
    ws.write(1, 1, VI_ROWS[0][1])
    ws.write(1, 3, 78.675)
    ws.write(1, 200, 12345)  # patched to column 65535 for the far-cell test
    if odd_dates:
        date_fmt = xlwt.easyxf(num_format_str="dd/mm/yyyy")
        time_fmt = xlwt.easyxf(num_format_str="hh:mm")
        ws.write(2, 0, dt.date(2017, 2, 24), date_fmt)
        ws.write(2, 1, dt.datetime(1900, 1, 1), date_fmt)  # serial 1
        ws.write(2, 2, 60, date_fmt)  # Excel's phantom 29/02/1900
        ws.write(2, 3, dt.time(13, 30), time_fmt)  # serial < 1: a time only
        ws.write(2, 4, 3e6, date_fmt)  # beyond year 9999
        ws.write(2, 5, -5, date_fmt)  # negative serial
        ws.write_merge(4, 4, 0, 3, "Tổng cộng")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# test_hostile.py calls these two by their former names (it may change only in its imports).
_xls_bytes = xls_bytes


def _find_sst(xls: bytes) -> int:
    """Offset of the SST record (0x00FC) whose total/unique string counts look real."""
    at = xls.find(b"\xfc\x00")
    while at >= 0:
        total, unique = struct.unpack_from("<II", xls, at + 4)
        if 0 < unique <= total < 1000:
            return at
        at = xls.find(b"\xfc\x00", at + 1)
    raise ValueError("no SST record")


def _patch_once(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) == 1, f"pattern found {data.count(old)} times"
    return data.replace(old, new)


def make_xlsx_bytes(rows: list[list[object]]) -> bytes:
    """A small, valid xlsx written by openpyxl (formulas without cached values, like non-Excel tools)."""
    import openpyxl

    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---- checks used as expectations ----------------------------------------------------------------


def _cells(wb: Any) -> list[object]:
    return [v for s in wb.sheets for row in s.rows for v in row if v is not None]


def _csv_is(expected_rows: list[list[str]], encoding: str | None = None) -> Callable[[Any], bool]:
    def check(wb: Any) -> bool:
        rows = [[v for v in row if v is not None] for row in wb.sheets[0].rows]
        return rows == expected_rows and (encoding is None or wb.encoding == encoding)

    return check


# ---- the corpus -----------------------------------------------------------------------------------


def make_bad_corpus(directory: Path, dangerous: bool = True) -> dict[str, Expected]:
    """Write the corpus into ``directory``; return ``{file name: expectation}``.

    ``dangerous=False`` skips the files listed in :data:`DANGEROUS` (for the committed copy).
    """
    import openpyxl

    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    exp: dict[str, Expected] = {}
    rng = random.Random(20170224)
    table = [VI_HEADER, *VI_ROWS]
    text_csv = (
        "\r\n".join(
            ",".join(row)
            for row in [
                VI_HEADER,
                [VI_ROWS[0][0], VI_ROWS[0][1], VI_ROWS[0][2], '"78.675"'],
                [VI_ROWS[1][0], VI_ROWS[1][1], VI_ROWS[1][2], '"2,52"'],
            ]
        )
        + "\r\n"
    )

    def xlsx_bytes(build: Callable[[Any], None] | None = None) -> bytes:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Kế hoạch"
        for row in table:
            ws.append(row)
        if build:
            build(wb)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    # -- empty and minimal --------------------------------------------------------------------
    (d / "empty.xlsx").write_bytes(b"")
    exp["empty.xlsx"] = ("refused", "empty_file")

    wb = openpyxl.Workbook()
    wb.save(d / "empty_valid.xlsx")
    exp["empty_valid.xlsx"] = ("read", lambda w: len(w.sheets) == 1 and w.sheets[0].rows == [])

    def only_chart(wb: Any) -> None:
        from openpyxl.chart import BarChart, Reference

        chart = BarChart()
        chart.add_data(Reference(wb.active, min_col=1, min_row=1, max_row=3))
        wb.create_chartsheet("Biểu đồ").add_chart(chart)
        wb.remove(wb.active)

    (d / "only_chart.xlsx").write_bytes(xlsx_bytes(only_chart))
    exp["only_chart.xlsx"] = (
        "read",
        lambda w: [(s.kind, s.rows) for s in w.sheets] == [("chart", [])] and w.sheets[0].name == "Biểu đồ",
    )

    def hidden(wb: Any) -> None:
        wb.create_sheet("Ẩn").sheet_state = "hidden"
        wb.create_sheet("Ẩn hẳn")["B2"] = "bí mật"
        wb["Ẩn hẳn"].sheet_state = "veryHidden"

    (d / "hidden_sheets.xlsx").write_bytes(xlsx_bytes(hidden))
    exp["hidden_sheets.xlsx"] = (
        "read",
        lambda w: (
            [(s.name, s.hidden) for s in w.sheets] == [("Kế hoạch", False), ("Ẩn", True), ("Ẩn hẳn", True)]
            and w.sheets[2].rows[1][1] == "bí mật"
        ),
    )

    # -- other formats ------------------------------------------------------------------------
    decomposed = unicodedata.normalize("NFD", "Tên đề án")
    write_xlsb(
        d / "book.xlsb", [(0, 0, "STT"), (0, 1, decomposed), (2, 0, 1), (2, 1, 78.675), (2, 2, ("=", 157.35))]
    )
    exp["book.xlsb"] = (
        "read",
        lambda w: (
            w.format == "xlsb"
            and w.sheets[0].rows[0][:2] == ["STT", "Tên đề án"]
            and w.sheets[0].rows[2] == [1, 78.675, 157.35]
            and w.sheets[0].formula_cells == {(2, 2)}
        ),
    )

    (d / "odd_dates.xls").write_bytes(xls_bytes(odd_dates=True))
    exp["odd_dates.xls"] = (
        "read",
        lambda w: (
            w.format == "xls"
            and w.sheets[0].rows[2][0] == dt.date(2017, 2, 24)
            and w.sheets[0].rows[0][1] == "Tên đề án"
            and (4, 0, 4, 3) in w.sheets[0].merged
        ),
    )

    write_ods(d / "sheet.ods", table)
    exp["sheet.ods"] = (
        "read",
        lambda w: w.format == "ods" and w.sheets[0].name == "Kế hoạch" and w.sheets[0].rows[1][3] == "78.675",
    )

    (d / "xls_named_xlsx.xlsx").write_bytes(xls_bytes())
    exp["xls_named_xlsx.xlsx"] = (
        "read",
        lambda w: w.format == "xls" and any("named" in x for x in w.warnings),
    )

    # -- formulas and dimensions --------------------------------------------------------------
    def formulas(wb: Any) -> None:
        ws = wb.active
        ws["E2"] = "=D2*2"
        ws["F30"] = "=SUM(E2:E3)"

    (d / "formula_no_cache.xlsx").write_bytes(xlsx_bytes(formulas))
    exp["formula_no_cache.xlsx"] = (
        "read",
        lambda w: (
            w.sheets[0].formula_without_value == {(1, 4), (29, 5)}
            and w.sheets[0].formula_cells == {(1, 4), (29, 5)}
            and w.sheets[0].rows[29][5] is None
        ),
    )

    handmade_xlsx(
        d / "huge_dimension.xlsx",
        sheet_xml(f'<row r="1">{inline_cell("A1", "Tổng")}<c r="B1"><v>5</v></c></row>', "A1:XFD1048576"),
    )
    exp["huge_dimension.xlsx"] = (
        "read",
        lambda w: w.sheets[0].rows == [["Tổng", 5]] and any("declared dimension" in x for x in w.warnings),
    )

    handmade_xlsx(
        d / "far_cell.xlsx",
        sheet_xml(
            '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
        ),
    )
    exp["far_cell.xlsx"] = ("refused", "too_many_cells")  # calamine would request ~550 GB and abort

    # the same far cell with a newline before r=: calamine still reads the reference; the scan must too
    handmade_xlsx(
        d / "far_cell_newline.xlsx",
        sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c\nr="XFD1048576"><v>2</v></c></row>'),
    )
    exp["far_cell_newline.xlsx"] = ("refused", "too_many_cells")

    handmade_xlsx(
        d / "two_million_cells.xlsx",
        sheet_xml(
            '<row r="1"><c r="A1"><v>1</v></c></row><row r="1000000"><c r="B1000000"><v>2</v></c></row>'
        ),
    )
    exp["two_million_cells.xlsx"] = ("refused", "too_many_cells")

    handmade_xlsx(
        d / "styled_far_empty.xlsx",
        sheet_xml(
            f'<row r="1">{inline_cell("A1", "STT")}<c r="XFD1" s="0"/></row><row r="1048576"><c r="A1048576" s="0"/></row>'
        ),
    )
    exp["styled_far_empty.xlsx"] = ("read", lambda w: w.sheets[0].rows == [["STT"]])

    handmade_xlsx(
        d / "no_r_attributes.xlsx",
        sheet_xml(
            '<row><c t="inlineStr"><is><t>STT</t></is></c><c><v>2</v></c></row>'
            '<row r="4"><c/><c><f>1+1</f></c><c t="inlineStr"><is><t>x</t></is></c></row>'
        ),
    )
    exp["no_r_attributes.xlsx"] = (
        "read",
        lambda w: (
            w.sheets[0].rows[0][:2] == ["STT", 2]
            and w.sheets[0].rows[3][2] == "x"
            and w.sheets[0].formula_without_value == {(3, 1)}
        ),
    )

    handmade_xlsx(
        d / "odd_reference.xlsx",
        sheet_xml('<row r="1"><c r="A1"><v>1</v></c><c r="A99999999999"><v>2</v></c></row>'),
    )
    exp["odd_reference.xlsx"] = ("refused", "too_many_cells")  # calamine accepts the ref and aborts

    handmade_xlsx(
        d / "lowercase_reference.xlsx",
        sheet_xml(f'<row r="5">{inline_cell("c5", "Thuận An")}<c r="d5"><v>3</v></c></row>'),
    )
    exp["lowercase_reference.xlsx"] = ("read", lambda w: w.sheets[0].rows[4][2:] == ["Thuận An", 3])

    prefixed = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><x:sheetData><x:row r="2"><x:c r="C2" t="inlineStr"><x:is><x:t>Địa điểm</x:t>'
        '</x:is></x:c><x:c r="D2"><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    handmade_xlsx(d / "prefixed_namespace.xlsx", prefixed)
    exp["prefixed_namespace.xlsx"] = (
        "read",
        lambda w: (
            w.sheets[0].rows[1][2:] == ["Địa điểm", 2]
            and w.sheets[0].formula_cells == {(1, 3)}
            and not w.sheets[0].formula_without_value
        ),
    )

    handmade_xlsx(
        d / "malformed_sheet.xlsx",
        '<?xml version="1.0"?>\n<worksheet '
        + _NS
        + '><sheetData><row r="1"><c r="A1" t="s"<v>0</v></c></row>',
    )
    exp["malformed_sheet.xlsx"] = ("refused", "corrupt")

    # -- zip containers -----------------------------------------------------------------------
    if dangerous:
        _zip_bomb(d / "zip_bomb_1gb.xlsx", 1024)
        exp["zip_bomb_1gb.xlsx"] = ("refused", "zip_bomb")
        _zip_bomb(d / "zip_bomb_ratio.xlsx", 100)
        exp["zip_bomb_ratio.xlsx"] = ("refused", "zip_bomb")

    with zipfile.ZipFile(d / "many_entries.xlsx", "w") as zf:
        for name, text in (
            ("[Content_Types].xml", _CT),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/workbook.xml", _WB),
        ):
            zf.writestr(name, text)
        for i in range(100):
            zf.writestr(f"xl/media/pad{i}.txt", "")
    exp["many_entries.xlsx"] = ("refused", "zip_bomb")

    good = xlsx_bytes()
    (d / "truncated.xlsx").write_bytes(good[: len(good) // 2])
    exp["truncated.xlsx"] = ("refused", "truncated")

    (d / "too_large.xlsx").write_bytes(good)
    exp["too_large.xlsx"] = ("refused", "too_large")

    with zipfile.ZipFile(d / "docx_renamed.xlsx", "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    exp["docx_renamed.xlsx"] = ("refused", "not_a_spreadsheet")

    # -- XML entity attacks -------------------------------------------------------------------
    if dangerous:
        laughs = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
        sst = (
            '<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY lol0 "lol">' + laughs + "]>"
            f'<sst {_NS} count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
        )
        handmade_xlsx(
            d / "billion_laughs.xlsx", sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), sst
        )
        exp["billion_laughs.xlsx"] = ("refused", "xml_entities")

        xxe = sheet_xml(
            f'<row r="1">{inline_cell("A1", "&xxe;")}</row>',
            prolog='<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        )
        handmade_xlsx(d / "xxe.xlsx", xxe)
        exp["xxe.xlsx"] = ("refused", "xml_entities")

        padded = sheet_xml(
            '<row r="1"><c r="A1"><v>1</v></c></row>',
            prolog="<!--" + " " * 100_000 + '-->\n<!DOCTYPE worksheet [<!ENTITY a "b">]>',
        )
        handmade_xlsx(d / "padded_doctype.xlsx", padded)
        exp["padded_doctype.xlsx"] = ("refused", "xml_entities")

    # -- encrypted ------------------------------------------------------------------------------
    encryption_info = struct.pack("<HHI", 4, 4, 0x40) + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption '
        b'xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" blockSize="16" '
        b'keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
        b'hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>'
    )
    package = struct.pack("<Q", 4096) + bytes(rng.getrandbits(8) for _ in range(4096))
    write_cfb(
        d / "encrypted.xlsx",
        {
            "EncryptionInfo": encryption_info,
            "EncryptedPackage": package,
            "\x06DataSpaces": b"\x08\x00\x00\x00",
        },
    )
    exp["encrypted.xlsx"] = ("refused", "encrypted")

    (d / "encrypted_filepass.xls").write_bytes(xls_bytes(filepass=True))
    exp["encrypted_filepass.xls"] = ("refused", "encrypted")

    write_cfb(d / "word_document.xls", {"WordDocument": b"\xec\xa5" + b"\x00" * 100})
    exp["word_document.xls"] = ("refused", "not_a_spreadsheet")

    # -- hostile legacy binaries ------------------------------------------------------------------
    xls = xls_bytes()
    rk_at_200 = struct.pack("<HHHH", 0x027E, 10, 1, 200)  # RK record header + row 1, col 200
    far = _patch_once(xls, rk_at_200, struct.pack("<HHHH", 0x027E, 10, 0xFFFF, 0xFFFF))
    (d / "xls_far_cell.xls").write_bytes(far)
    exp["xls_far_cell.xls"] = ("refused", "too_many_cells")  # calamine would request 137 GB and abort

    sst_at = _find_sst(xls)
    sst_bomb = xls[: sst_at + 8] + struct.pack("<i", 0x7FFFFFFF) + xls[sst_at + 12 :]
    (d / "xls_sst_count.xls").write_bytes(sst_bomb)
    exp["xls_sst_count.xls"] = ("refused", "corrupt")

    (d / "xls_truncated.xls").write_bytes(xls[: len(xls) // 2])
    exp["xls_truncated.xls"] = ("refused", "truncated")

    write_xlsb(d / "xlsb_far_column.xlsb", [(0, 0, 1.0), (0, 0x00FFFFFF, 2.0)])
    exp["xlsb_far_column.xlsb"] = ("refused", "too_many_cells")

    write_ods(
        d / "ods_repeat_bomb.ods",
        table,
        extra_rows='<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
        'table:number-columns-repeated="1000" office:value-type="float" office:value="1"/></table:table-row>',
    )
    exp["ods_repeat_bomb.ods"] = ("refused", "too_many_cells")

    write_ods(d / "ods_mangled_end_tag.ods", table, replace=(b"</table:table>", b"</t able:table>"))
    exp["ods_mangled_end_tag.ods"] = ("refused", "corrupt")  # calamine would loop forever on it

    # -- not spreadsheets -------------------------------------------------------------------------
    (d / "html_disguised.xls").write_text(
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8"></head>'
        "<body><table><tr><td>STT</td><td>Tên đề án</td></tr></table></body></html>",
        encoding="utf-8",
    )
    exp["html_disguised.xls"] = ("refused", "html_disguised")

    (d / "mht_disguised.xls").write_text(
        'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="----=_NextPart"\r\n\r\n'
        "------=_NextPart\r\nContent-Type: text/html\r\n\r\n<html></html>\r\n",
        encoding="ascii",
    )
    exp["mht_disguised.xls"] = ("refused", "html_disguised")

    (d / "spreadsheetml_2003.xls").write_text(
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook '
        'xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Sheet1"/></Workbook>',
        encoding="utf-8",
    )
    exp["spreadsheetml_2003.xls"] = ("refused", "unsupported_format")

    (d / "pdf_renamed.xlsx").write_bytes(
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    )
    exp["pdf_renamed.xlsx"] = ("refused", "not_a_spreadsheet")

    (d / "png_renamed.xls").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    )
    exp["png_renamed.xls"] = ("refused", "not_a_spreadsheet")

    (d / "random_bytes.xlsx").write_bytes(bytes(rng.getrandbits(8) for _ in range(4096)))
    exp["random_bytes.xlsx"] = ("refused", "corrupt")

    # -- text files -------------------------------------------------------------------------------
    expected_rows = [list(r) for r in table]
    (d / "utf8.csv").write_bytes(text_csv.encode("utf-8"))
    exp["utf8.csv"] = ("read", _csv_is(expected_rows, "utf-8"))

    (d / "utf8_bom.csv").write_bytes(text_csv.encode("utf-8-sig"))
    exp["utf8_bom.csv"] = ("read", _csv_is(expected_rows, "utf-8-sig"))

    tsv = "\r\n".join("\t".join(row) for row in table) + "\r\n"
    (d / "utf16le_bom.txt").write_bytes(tsv.encode("utf-16"))  # Excel "Unicode Text"
    exp["utf16le_bom.txt"] = ("read", _csv_is(expected_rows, "utf-16"))

    (d / "utf16le_nobom.csv").write_bytes(text_csv.encode("utf-16-le"))
    exp["utf16le_nobom.csv"] = ("read", _csv_is(expected_rows, "utf-16-le"))

    (d / "windows1258.csv").write_bytes(cp1258_with_marks(text_csv))
    exp["windows1258.csv"] = (
        "read",
        lambda w: _csv_is(expected_rows, "windows-1258")(w) and any("windows-1258" in x for x in w.warnings),
    )

    (d / "binary.csv").write_bytes(bytes(rng.getrandbits(8) for _ in range(2048)))
    exp["binary.csv"] = ("refused", "undecodable_text")

    (d / "mojibake.csv").write_bytes(_double_encoded(text_csv).encode("utf-8"))
    exp["mojibake.csv"] = ("refused", "mojibake")

    # TCVN3 (ABC) font encoding: Vietnamese letters live on Latin-1 code points of the .VnTime fonts.
    tcvn3 = "STT,Tªn ®Ò ¸n,§¬n vÞ thô h­ëng\r\n1,Hç trî øng dông m¸y mãc thiÕt bÞ tiªn tiÕn,C¬ së Méc ViÖt\r\n"
    (d / "tcvn3_legacy_font.csv").write_bytes(tcvn3.encode("latin-1"))
    exp["tcvn3_legacy_font.csv"] = ("refused", "undecodable_text")

    semicolon = "STT;Tên đề án;Kinh phí\r\n1;Hỗ trợ máy móc, thiết bị;2,52\r\n2;Đào tạo nghề;78.675\r\n"
    (d / "semicolon.csv").write_bytes(semicolon.encode("utf-8-sig"))
    exp["semicolon.csv"] = (
        "read",
        _csv_is(
            [
                ["STT", "Tên đề án", "Kinh phí"],
                ["1", "Hỗ trợ máy móc, thiết bị", "2,52"],
                ["2", "Đào tạo nghề", "78.675"],
            ]
        ),
    )

    if dangerous:
        (d / "long_line.csv").write_bytes(b'STT,Ten\r\n1,"' + b"a" * (10 * 1024 * 1024) + b"\r\n")
        exp["long_line.csv"] = ("refused", "cell_too_long")
        (d / "wide_line.csv").write_bytes(b"1," * (5 * 1024 * 1024) + b"\r\n")
        exp["wide_line.csv"] = ("refused", "too_many_cells")
    return exp


def write_ods(
    path: Path, table: list[list[str]], extra_rows: str = "", replace: tuple[bytes, bytes] | None = None
) -> None:
    """An ODS written by odfpy (real-world structure); optionally raw rows appended or bytes replaced."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    sheet = Table(name="Kế hoạch")
    for row in table:
        tr = TableRow()
        for value in row:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            tr.addElement(cell)
        sheet.addElement(tr)
    doc.spreadsheet.addElement(sheet)
    buf = io.BytesIO()
    doc.save(buf)
    if not extra_rows and not replace:
        path.write_bytes(buf.getvalue())
        return
    old, new = replace or (b"</table:table>", extra_rows.encode() + b"</table:table>")
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "content.xml":
                data = _patch_once(data, old, new)
            out.writestr(info, data)


_write_ods = write_ods  # see _xls_bytes


_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def cp1258_with_marks(text: str) -> bytes:
    """Encode as Vietnamese Windows-1258 files do: base letter (â, ơ, đ … precomposed) + combining tone mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(p for p in parts if p in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONE_MARKS))
        out += (base + tones).encode("cp1258")
    return bytes(out)


def _double_encoded(text: str) -> str:
    """UTF-8 bytes misread as Windows-1252 (undefined bytes kept as Latin-1) — classic mojibake."""
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


if __name__ == "__main__":  # refresh the committed, harmless part of the corpus
    target = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "data" / "bad")
    for name in sorted(make_bad_corpus(target, dangerous=False)):
        print(name)
