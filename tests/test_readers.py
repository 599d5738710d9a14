"""Reading layer on normal files: Excel coordinates, cell types, formats, encodings, formulas, speed."""

from __future__ import annotations

import datetime as dt
import io
import pickle
import re
import time
import unicodedata
import zipfile
from pathlib import Path

import badfiles
import openpyxl
import pytest

from analysis.config import Limits
from analysis.errors import MESSAGES_CSV, FileRefused, InputError, KhuyenCongError
from analysis.ingest import readers
from analysis.ingest.readers import Sheet, Workbook, read_workbook, sniff_format


def _xlsx(path: Path, build) -> Path:
    wb = openpyxl.Workbook()
    build(wb)
    wb.save(path)
    return path


def test_openpyxl_parses_xml_through_defusedxml() -> None:
    """Anyone in the package who opens a workbook with openpyxl gets entity-safe XML parsing."""
    import defusedxml  # noqa: F401  (installed: openpyxl detects it at import)

    assert openpyxl.DEFUSEDXML is True


def test_rows_map_to_excel_coordinates(tmp_path: Path) -> None:
    """A table written from C5 is found at rows[4][2]: leading empty rows/columns are kept."""

    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        for i in range(1000):
            ws.cell(row=5 + i, column=3, value=f"đề án {i}")
            ws.cell(row=5 + i, column=4, value=i * 1.5)

    wb = read_workbook(_xlsx(tmp_path / "offset.xlsx", build))
    rows = wb.sheets[0].rows
    assert len(rows) == 1004
    assert all(len(r) == 4 for r in rows)
    assert rows[0] == [None, None, None, None]
    assert rows[4][2] == "đề án 0" and rows[4][3] == 0
    assert rows[1003][2] == "đề án 999" and rows[1003][3] == 999 * 1.5
    assert rows[4][:2] == [None, None]


def test_cell_values_types_and_nfc(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Hỗ trợ ứng dụng")

    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        ws.append(
            ["text", nfd, 3, 2.5, True, dt.datetime(2017, 2, 24, 8, 30), dt.date(2016, 12, 31), "78.675"]
        )
        ws.append([None, "", " ", 2017])
        ws.merge_cells("A4:C4")
        ws["A4"] = "Tổng cộng"

    sheet = read_workbook(_xlsx(tmp_path / "types.xlsx", build)).sheets[0]
    first = sheet.rows[0]
    assert first[1] == unicodedata.normalize("NFC", nfd)
    assert first[2] == 3 and type(first[2]) is int  # integral floats come back as int (years, STT)
    assert first[3] == 2.5
    assert first[4] is True
    assert first[5] == dt.datetime(2017, 2, 24, 8, 30)
    assert first[6] in (dt.date(2016, 12, 31), dt.datetime(2016, 12, 31))
    assert first[7] == "78.675"  # text stays text: the ingest parses Vietnamese numbers itself
    assert sheet.rows[1][:2] == [None, None]
    assert sheet.rows[1][2] in (" ", None)  # a lone space may be trimmed by the XML reader
    assert sheet.rows[1][3] == 2017
    assert sheet.merged == [(3, 0, 3, 2)]
    assert sheet.formula_cells == set() and sheet.formula_without_value == set()


def test_formula_scan_maps_cells_and_cached_values(tmp_path: Path) -> None:
    """Formulas with a cached value (Excel) are only listed; without one (openpyxl) they are flagged."""
    sheet = (
        '<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>A1*2</f><v>4</v></c>'
        '<c r="C1" t="str"><f>""</f><v></v></c><c r="D1"><f>1/0</f></c>'
        '<c r="E1"><f t="shared" ref="E1:E2" si="0">A1</f><v/></c></row>'
        '<row r="2"><c r="E2"><f t="shared" si="0"/><v>7</v></c></row>'
    )
    path = tmp_path / "formulas.xlsx"
    badfiles._handmade_xlsx(path, badfiles._sheet_xml(sheet))
    got = read_workbook(path).sheets[0]
    assert got.formula_cells == {(0, 1), (0, 2), (0, 3), (0, 4), (1, 4)}
    assert got.formula_without_value == {(0, 3), (0, 4)}
    assert got.rows[0][1] == 4 and got.rows[0][3] is None and got.rows[1][4] == 7


def test_formula_scan_takes_the_regex_path_for_ordinary_writers(tmp_path: Path, monkeypatch) -> None:
    """1 000 formula cells from openpyxl: found by the one-pass regex scan, never by the slow SAX fallback.

    (Speed itself is measured by benchmarks/bench_ingest.py, not by a timed unit test.)
    """
    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        for i in range(1, 1001):
            ws.append([i, f"Đề án {i}", 100 + i, 50, f"=C{i}+D{i}"])

    path = _xlsx(tmp_path / "f1000.xlsx", build)

    def no_sax(member: object) -> None:
        raise AssertionError("the SAX fallback ran")

    monkeypatch.setattr(readers, "_scan_sheet_sax", no_sax)
    with zipfile.ZipFile(path) as zf, zf.open("xl/worksheets/sheet1.xml") as member:
        ext = readers._scan_sheet_xml(member, exact=True)
    assert ext is not readers._FALLBACK
    assert ext.formulas is not None and len(ext.formulas) == 1000
    assert ext.no_value == ext.formulas  # openpyxl stores no cached values
    assert (ext.max_row, ext.max_col) == (999, 4)
    assert read_workbook(path).sheets[0].formula_cells == ext.formulas


def test_small_sheets_are_bounded_without_matching_every_cell(tmp_path: Path, monkeypatch) -> None:
    """Cells within A1:Z9999 are bounded by one search; the per-cell regex runs only for other sheets."""
    path = _xlsx(tmp_path / "small.xlsx", lambda wb: [wb.active.append([i, f"Đề án {i}", 1.5]) for i in range(50)])
    calls: list[bytes] = []
    original = readers._CELL_TAG_RE

    class Spy:
        def findall(self, data: bytes) -> list:
            calls.append(data)
            return original.findall(data)

    monkeypatch.setattr(readers, "_CELL_TAG_RE", Spy())
    with zipfile.ZipFile(path) as zf:
        bounded = readers._scan_sheet_xml(zf.open("xl/worksheets/sheet1.xml"))
        assert calls == []
        exact = readers._scan_sheet_xml(zf.open("xl/worksheets/sheet1.xml"), exact=True)
    assert bounded.bounded and (bounded.max_row, bounded.max_col) == (9998, 25)
    assert not exact.bounded and (exact.max_row, exact.max_col) == (49, 2)
    assert read_workbook(path).sheets[0].rows[49] == [49, "Đề án 49", 1.5]


def test_many_small_sheets_over_the_bounded_budget_are_measured_not_refused(tmp_path: Path) -> None:
    """80 sheets x the small-sheet bound exceeds 20 M cells, their real content does not: rescanned, read."""

    def build(wb: openpyxl.Workbook) -> None:
        wb.active.append(["STT", "Tên đề án"])
        for i in range(79):
            wb.create_sheet(f"Trang {i + 2}").append([i, "x"])

    wb = read_workbook(_xlsx(tmp_path / "many.xlsx", build), Limits(max_cells=20_000_000))
    assert len(wb.sheets) == 80 and wb.sheets[-1].rows == [[78, "x"]]
    with pytest.raises(FileRefused) as refused:
        read_workbook(tmp_path / "many.xlsx", Limits(max_cells=100))
    assert refused.value.code == "too_many_cells"
    assert refused.value.detail == "sheets together span 102 cells (limit 100)"  # real sizes, not bounds


def test_sheet_names_and_kinds_follow_the_workbook(tmp_path: Path) -> None:
    def build(wb: openpyxl.Workbook) -> None:
        wb.active.title = "Tổng hợp"
        wb.active["A1"] = 1
        wb.create_sheet("Chi tiết")["B2"] = "x"

    wb = read_workbook(_xlsx(tmp_path / "two.xlsx", build))
    assert [s.name for s in wb.sheets] == ["Tổng hợp", "Chi tiết"]
    assert [s.kind for s in wb.sheets] == ["worksheet", "worksheet"]
    assert wb.sheets[1].rows == [[None, None], [None, "x"]]
    assert wb.format == "xlsx" and wb.warnings == [] and wb.encoding is None


def test_xlsm_detected_from_content(tmp_path: Path) -> None:
    src = _xlsx(tmp_path / "plain.xlsx", lambda wb: wb.active.append(["STT", 1]))
    target = tmp_path / "macro.xlsm"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename))
        zout.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    assert sniff_format(target) == "xlsm"
    wb = read_workbook(target)
    assert wb.format == "xlsm" and wb.sheets[0].rows == [["STT", 1]]


def test_wrong_extension_is_read_by_content(tmp_path: Path) -> None:
    src = _xlsx(tmp_path / "real.xlsx", lambda wb: wb.active.append(["a", 2]))
    fake = tmp_path / "export.xls"
    fake.write_bytes(src.read_bytes())
    wb = read_workbook(fake)
    assert wb.format == "xlsx" and wb.sheets[0].rows == [["a", 2]]
    assert any("named .xls" in w for w in wb.warnings)


def test_legacy_xls_and_xlrd_fallback_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "legacy.xls"
    path.write_bytes(badfiles._xls_bytes(odd_dates=True))
    fast = read_workbook(path)
    assert fast.format == "xls" and fast.sheets[0].rows[0][:2] == ["STT", "Tên đề án"]

    def broken(*_args: object, **_kwargs: object) -> list[Sheet]:
        raise RuntimeError("calamine cannot read this BIFF variant")

    monkeypatch.setattr(readers, "_read_calamine", broken)
    slow = read_workbook(path)
    assert any("read with xlrd" in w for w in slow.warnings)
    a, b = fast.sheets[0], slow.sheets[0]
    assert b.rows[0] == a.rows[0]
    assert b.rows[1][:4] == a.rows[1][:4] == [1, "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến", None, 78.675]
    assert b.rows[2][0] == a.rows[2][0] == dt.date(2017, 2, 24)
    assert b.rows[2][3] == dt.time(13, 30)
    assert b.merged == a.merged == [(4, 0, 4, 3)]


def test_ods_and_xlsb(tmp_path: Path) -> None:
    badfiles._write_ods(tmp_path / "a.ods", [["STT", "Tên đề án"], ["1", "Đào tạo nghề"]])
    ods = read_workbook(tmp_path / "a.ods")
    assert ods.format == "ods" and ods.sheets[0].rows == [["STT", "Tên đề án"], ["1", "Đào tạo nghề"]]
    badfiles.write_xlsb(tmp_path / "a.xlsb", [(1, 2, "Địa điểm"), (3, 0, 5.0)])
    xlsb = read_workbook(tmp_path / "a.xlsb")
    assert xlsb.format == "xlsb" and xlsb.sheets[0].name == "Trang 1"
    assert xlsb.sheets[0].rows[1][2] == "Địa điểm" and xlsb.sheets[0].rows[3][0] == 5


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            'STT,Tên,Kinh phí\r\n1,Đề án A,"1.234,5"\r\n',
            [["STT", "Tên", "Kinh phí"], ["1", "Đề án A", "1.234,5"]],
        ),
        (
            "STT;Tên;Kinh phí\n1;Đề án A;1.234,5\n2;B;3\n",
            [["STT", "Tên", "Kinh phí"], ["1", "Đề án A", "1.234,5"], ["2", "B", "3"]],
        ),
        ("STT\tTên\n1\tĐề án, nhóm\n", [["STT", "Tên"], ["1", "Đề án, nhóm"]]),
        ('"Tên có\nxuống dòng",2\n3,4\n', [["Tên có\nxuống dòng", "2"], ["3", "4"]]),
        (  # as many one-field title lines as table rows: the table's delimiter still wins
            "KẾ HOẠCH NĂM 2024\nĐVT: triệu đồng\nSTT,Tên,KCĐP\n1,Máy cắt,150\n",
            [["KẾ HOẠCH NĂM 2024", None, None], ["ĐVT: triệu đồng", None, None], ["STT", "Tên", "KCĐP"],
             ["1", "Máy cắt", "150"]],
        ),
    ],
)
def test_csv_delimiters_and_text_cells(tmp_path: Path, content: str, expected: list[list[str]]) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(content.encode("utf-8"))
    wb = read_workbook(path)
    assert wb.format == "csv" and wb.sheets[0].name == "t"
    assert wb.sheets[0].rows == expected


def test_csv_ragged_rows_are_padded_and_empty_cells_none(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,,\n\n2\n", encoding="utf-8")
    rows = read_workbook(path).sheets[0].rows
    assert rows == [["a", "b", "c"], ["1", None, None], [None, None, None], ["2", None, None]]


def test_windows_1258_equals_utf8_after_nfc(tmp_path: Path) -> None:
    text = "STT,Tên đề án,Đơn vị thụ hưởng\r\n1,Hỗ trợ ứng dụng máy móc,Cơ sở Mộc Việt\r\n"
    (tmp_path / "u.csv").write_bytes(text.encode("utf-8"))
    (tmp_path / "w.csv").write_bytes(badfiles._cp1258_with_marks(text))
    assert "\u0303".encode("cp1258") in (tmp_path / "w.csv").read_bytes()  # really combining marks
    utf8, legacy = read_workbook(tmp_path / "u.csv"), read_workbook(tmp_path / "w.csv")
    assert legacy.encoding == "windows-1258" and utf8.encoding == "utf-8"
    assert legacy.sheets[0].rows == utf8.sheets[0].rows
    assert all(unicodedata.is_normalized("NFC", v) for row in legacy.sheets[0].rows for v in row if v)
    assert "encoding: windows-1258 (combining tone marks normalised to NFC)" in legacy.warnings


def test_utf16_variants(tmp_path: Path) -> None:
    text = "STT\tTên đề án\r\n1\tĐào tạo\r\n"
    for name, data in {
        "le_bom.txt": text.encode("utf-16"),
        "be_bom.txt": b"\xfe\xff" + text.encode("utf-16-be"),
        "le.txt": text.encode("utf-16-le"),
        "be.txt": text.encode("utf-16-be"),
    }.items():
        (tmp_path / name).write_bytes(data)
        assert read_workbook(tmp_path / name).sheets[0].rows == [["STT", "Tên đề án"], ["1", "Đào tạo"]], name


def test_too_many_sheets(tmp_path: Path) -> None:
    def build(wb: openpyxl.Workbook) -> None:
        for i in range(5):
            wb.create_sheet(f"S{i}")

    path = _xlsx(tmp_path / "many.xlsx", build)
    with pytest.raises(FileRefused) as info:
        read_workbook(path, Limits(max_sheets=3))
    assert info.value.code == "too_many_sheets"
    assert len(read_workbook(path).sheets) == 6


def test_missing_path_and_directory_are_refused_not_crashes(tmp_path: Path) -> None:
    for path in (tmp_path / "nope.xlsx", tmp_path):
        with pytest.raises(FileRefused) as info:
            read_workbook(path)
        assert info.value.code == "not_found"
        with pytest.raises(FileRefused):
            sniff_format(path)


def test_sniff_format_by_magic(tmp_path: Path) -> None:
    xlsx = _xlsx(tmp_path / "x.bin", lambda wb: None)
    assert sniff_format(xlsx) == "xlsx"
    (tmp_path / "x.dat").write_bytes(badfiles._xls_bytes())
    assert sniff_format(tmp_path / "x.dat") == "xls"
    (tmp_path / "c.xls").write_text("a;b\n1;2\n", encoding="utf-8")
    assert sniff_format(tmp_path / "c.xls") == "csv"  # CSV text named .xls: read as text


def test_file_refused_contract() -> None:
    exc = FileRefused("encrypted", "/data/Bình Dương 2016.xlsx", "OOXML EncryptionInfo stream")
    assert isinstance(exc, KhuyenCongError) and issubclass(InputError, KhuyenCongError)
    vi, en = exc.message("vi"), exc.message("en")
    assert "Bình Dương 2016.xlsx" in vi and "mật khẩu" in vi and "Tệp > Thông tin" in vi
    assert "password" in en
    again = pickle.loads(pickle.dumps(exc))  # crosses process boundaries (pebble workers)
    assert (again.code, again.path, again.detail) == (exc.code, exc.path, exc.detail)
    assert FileRefused("no_such_code", "a.xlsx").message("en")  # unknown codes fall back, never crash


def test_every_refusal_code_has_both_messages() -> None:
    import csv

    source = Path(readers.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'FileRefused\(\s*"([a-z_]+)"', source))
    with MESSAGES_CSV.open(encoding="utf-8", newline="") as fh:
        table = {row["code"]: row for row in csv.DictReader(fh)}
    assert codes <= set(table), codes - set(table)
    for code in codes:
        assert "{path}" in table[code]["message_vi"] and "{path}" in table[code]["message_en"], code


def test_workbook_pickles_for_worker_processes(tmp_path: Path) -> None:
    wb = read_workbook(_xlsx(tmp_path / "p.xlsx", lambda wb: wb.active.append(["Đề án", 1])))
    again = pickle.loads(pickle.dumps(wb))
    assert isinstance(again, Workbook) and again.sheets[0].rows == [["Đề án", 1]]


def test_ten_thousand_rows_read_quickly(tmp_path: Path) -> None:
    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        for i in range(10_000):
            ws.append(
                [i + 1, f"Hỗ trợ máy móc {i}", "Cơ sở Mộc Việt", "Thuận An", 150.5, 200, "78.675", 2017]
            )

    path = _xlsx(tmp_path / "big.xlsx", build)
    started = time.perf_counter()
    wb = read_workbook(path)
    elapsed = time.perf_counter() - started
    assert len(wb.sheets[0].rows) == 10_000 and wb.sheets[0].rows[-1][0] == 10_000
    assert elapsed < 3.0, elapsed  # ~0.15 s on the reference machine


def test_merged_ranges_are_clipped_to_the_grid(tmp_path: Path) -> None:
    sheet = badfiles._sheet_xml(
        f'<row r="1">{badfiles._inline("A1", "Kinh phí")}<c r="B1"><v>1</v></c></row>'
    )
    sheet = sheet.replace(
        "</sheetData>",
        '</sheetData><mergeCells count="2"><mergeCell ref="A1:XFD1048576"/><mergeCell ref="C5:D6"/></mergeCells>',
    )
    badfiles._handmade_xlsx(tmp_path / "merge.xlsx", sheet)
    assert read_workbook(tmp_path / "merge.xlsx").sheets[0].merged == [(0, 0, 0, 1)]


def test_clean_grid_is_a_single_pass() -> None:
    raw = [["", "abc", "Tiê\u0301ng", 3.0, 2.5, True, None, 1e300]]
    assert readers._clean_grid(raw) == [[None, "abc", "Tiếng", 3, 2.5, True, None, 1e300]]


def test_bounded_member_never_reads_whole_part() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.xml", b" " * 5_000_000)
    with zipfile.ZipFile(buf) as zf:
        assert len(readers._bounded_member(zf, "big.xml")) == readers._HEAD_BYTES
        assert readers._bounded_member(zf, "absent.xml") == b""


def test_package_errors_show_their_message_in_a_notebook_not_a_traceback(tmp_path: Path) -> None:
    refused = FileRefused("encrypted", tmp_path / "kh.xlsx", "")
    assert refused._render_traceback_() == [f"⚠ {refused.message('vi')}"] and "mật khẩu" in refused.message("vi")
    assert InputError("không tìm thấy: x")._render_traceback_() == ["⚠ không tìm thấy: x"]
