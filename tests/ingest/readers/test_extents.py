"""Sheet extents and formula cells from the streaming scan (regex fast path, exact SAX fallback)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import badfiles
import openpyxl
import pytest

from analysis.ingest.readers import extents, read_workbook


def test_formula_scan_maps_cells_and_cached_values(tmp_path: Path) -> None:
    """Formulas with a cached value (Excel) are only listed; without one (openpyxl) they are flagged."""
    sheet = (
        '<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>A1*2</f><v>4</v></c>'
        '<c r="C1" t="str"><f>""</f><v></v></c><c r="D1"><f>1/0</f></c>'
        '<c r="E1"><f t="shared" ref="E1:E2" si="0">A1</f><v/></c></row>'
        '<row r="2"><c r="E2"><f t="shared" si="0"/><v>7</v></c></row>'
    )
    path = tmp_path / "formulas.xlsx"
    badfiles.handmade_xlsx(path, badfiles.sheet_xml(sheet))
    got = read_workbook(path).sheets[0]
    assert got.formula_cells == {(0, 1), (0, 2), (0, 3), (0, 4), (1, 4)}
    assert got.formula_without_value == {(0, 3), (0, 4)}
    assert got.rows[0][1] == 4 and got.rows[0][3] is None and got.rows[1][4] == 7


def test_formula_scan_takes_the_regex_path_for_ordinary_writers(
    write_xlsx: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1 000 formula cells from openpyxl: found by the one-pass regex scan, never by the slow SAX fallback.

    (Speed itself is measured by benchmarks/bench_ingest.py, not by a timed unit test.)
    """
    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        for i in range(1, 1001):
            ws.append([i, f"Đề án {i}", 100 + i, 50, f"=C{i}+D{i}"])

    path = write_xlsx(tmp_path / "f1000.xlsx", build)

    def no_sax(member: object) -> None:
        raise AssertionError("the SAX fallback ran")

    monkeypatch.setattr(extents, "scan_sheet_sax", no_sax)
    with zipfile.ZipFile(path) as zf, zf.open("xl/worksheets/sheet1.xml") as member:
        ext = extents.scan_sheet_xml(member, exact=True)
    assert ext is not extents.FALLBACK
    assert ext.formulas is not None and len(ext.formulas) == 1000
    assert ext.no_value == ext.formulas  # openpyxl stores no cached values
    assert (ext.max_row, ext.max_col) == (999, 4)
    assert read_workbook(path).sheets[0].formula_cells == ext.formulas


def test_small_sheets_are_bounded_without_matching_every_cell(
    write_xlsx: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cells within A1:Z9999 are bounded by one search; the per-cell regex runs only for other sheets."""
    path = write_xlsx(tmp_path / "small.xlsx", lambda wb: [wb.active.append([i, f"Đề án {i}", 1.5]) for i in range(50)])
    calls: list[bytes] = []
    original = extents._CELL_TAG_RE

    class Spy:
        def findall(self, data: bytes) -> list:
            calls.append(data)
            return original.findall(data)

    monkeypatch.setattr(extents, "_CELL_TAG_RE", Spy())
    with zipfile.ZipFile(path) as zf:
        bounded = extents.scan_sheet_xml(zf.open("xl/worksheets/sheet1.xml"))
        assert calls == []
        exact = extents.scan_sheet_xml(zf.open("xl/worksheets/sheet1.xml"), exact=True)
    assert bounded.bounded and (bounded.max_row, bounded.max_col) == (9998, 25)
    assert not exact.bounded and (exact.max_row, exact.max_col) == (49, 2)
    assert read_workbook(path).sheets[0].rows[49] == [49, "Đề án 49", 1.5]
