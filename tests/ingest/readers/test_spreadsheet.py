"""Spreadsheets through calamine: Excel coordinates, cell types, sheet names and kinds, merges, speed."""

from __future__ import annotations

import datetime as dt
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import badfiles
import openpyxl

from analysis.ingest.readers import read_workbook, spreadsheet


def test_openpyxl_parses_xml_through_defusedxml() -> None:
    """Anyone in the package who opens a workbook with openpyxl gets entity-safe XML parsing."""
    import defusedxml  # noqa: F401  (installed: openpyxl detects it at import)

    assert openpyxl.DEFUSEDXML is True


def test_rows_map_to_excel_coordinates(write_xlsx: Callable[..., Path], tmp_path: Path) -> None:
    """A table written from C5 is found at rows[4][2]: leading empty rows/columns are kept."""

    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        for i in range(1000):
            ws.cell(row=5 + i, column=3, value=f"đề án {i}")
            ws.cell(row=5 + i, column=4, value=i * 1.5)

    wb = read_workbook(write_xlsx(tmp_path / "offset.xlsx", build))
    rows = wb.sheets[0].rows
    assert len(rows) == 1004
    assert all(len(r) == 4 for r in rows)
    assert rows[0] == [None, None, None, None]
    assert rows[4][2] == "đề án 0" and rows[4][3] == 0
    assert rows[1003][2] == "đề án 999" and rows[1003][3] == 999 * 1.5
    assert rows[4][:2] == [None, None]


def test_cell_values_types_and_nfc(write_xlsx: Callable[..., Path], tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Hỗ trợ ứng dụng")

    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        ws.append(
            ["text", nfd, 3, 2.5, True, dt.datetime(2017, 2, 24, 8, 30), dt.date(2016, 12, 31), "78.675"]
        )
        ws.append([None, "", " ", 2017])
        ws.merge_cells("A4:C4")
        ws["A4"] = "Tổng cộng"

    sheet = read_workbook(write_xlsx(tmp_path / "types.xlsx", build)).sheets[0]
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


def test_sheet_names_and_kinds_follow_the_workbook(write_xlsx: Callable[..., Path], tmp_path: Path) -> None:
    def build(wb: openpyxl.Workbook) -> None:
        wb.active.title = "Tổng hợp"
        wb.active["A1"] = 1
        wb.create_sheet("Chi tiết")["B2"] = "x"

    wb = read_workbook(write_xlsx(tmp_path / "two.xlsx", build))
    assert [s.name for s in wb.sheets] == ["Tổng hợp", "Chi tiết"]
    assert [s.kind for s in wb.sheets] == ["worksheet", "worksheet"]
    assert wb.sheets[1].rows == [[None, None], [None, "x"]]
    assert wb.format == "xlsx" and wb.warnings == [] and wb.encoding is None


def test_ods_and_xlsb(tmp_path: Path) -> None:
    badfiles.write_ods(tmp_path / "a.ods", [["STT", "Tên đề án"], ["1", "Đào tạo nghề"]])
    ods = read_workbook(tmp_path / "a.ods")
    assert ods.format == "ods" and ods.sheets[0].rows == [["STT", "Tên đề án"], ["1", "Đào tạo nghề"]]
    badfiles.write_xlsb(tmp_path / "a.xlsb", [(1, 2, "Địa điểm"), (3, 0, 5.0)])
    xlsb = read_workbook(tmp_path / "a.xlsb")
    assert xlsb.format == "xlsb" and xlsb.sheets[0].name == "Trang 1"
    assert xlsb.sheets[0].rows[1][2] == "Địa điểm" and xlsb.sheets[0].rows[3][0] == 5


def test_merged_ranges_are_clipped_to_the_grid(tmp_path: Path) -> None:
    sheet = badfiles.sheet_xml(
        f'<row r="1">{badfiles.inline_cell("A1", "Kinh phí")}<c r="B1"><v>1</v></c></row>'
    )
    sheet = sheet.replace(
        "</sheetData>",
        '</sheetData><mergeCells count="2"><mergeCell ref="A1:XFD1048576"/><mergeCell ref="C5:D6"/></mergeCells>',
    )
    badfiles.handmade_xlsx(tmp_path / "merge.xlsx", sheet)
    assert read_workbook(tmp_path / "merge.xlsx").sheets[0].merged == [(0, 0, 0, 1)]


def test_clean_grid_is_a_single_pass() -> None:
    raw = [["", "abc", "Tiê\u0301ng", 3.0, 2.5, True, None, 1e300]]
    assert spreadsheet._clean_grid(raw) == [[None, "abc", "Tiếng", 3, 2.5, True, None, 1e300]]


def test_ten_thousand_rows_read_quickly(write_xlsx: Callable[..., Path], tmp_path: Path) -> None:
    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        for i in range(10_000):
            ws.append(
                [i + 1, f"Hỗ trợ máy móc {i}", "Cơ sở Mộc Việt", "Thuận An", 150.5, 200, "78.675", 2017]
            )

    path = write_xlsx(tmp_path / "big.xlsx", build)
    started = time.perf_counter()
    wb = read_workbook(path)
    elapsed = time.perf_counter() - started
    assert len(wb.sheets[0].rows) == 10_000 and wb.sheets[0].rows[-1][0] == 10_000
    assert elapsed < 3.0, elapsed  # ~0.15 s on the reference machine
