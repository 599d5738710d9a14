"""CSV / TSV / TXT: delimiters, ragged rows, Windows-1258 and UTF-16 decoding."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import badfiles
import pytest

from analysis.ingest.readers import read_workbook


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
    (tmp_path / "w.csv").write_bytes(badfiles.cp1258_with_marks(text))
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
