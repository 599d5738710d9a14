"""Pre-parse refusals and the cell budget, through ``read_workbook``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from analysis.config import Limits
from analysis.errors import FileRefused
from analysis.ingest.readers import read_workbook


def test_many_small_sheets_over_the_bounded_budget_are_measured_not_refused(
    write_xlsx: Callable[..., Path], tmp_path: Path
) -> None:
    """80 sheets x the small-sheet bound exceeds 20 M cells, their real content does not: rescanned, read."""

    def build(wb: openpyxl.Workbook) -> None:
        wb.active.append(["STT", "Tên đề án"])
        for i in range(79):
            wb.create_sheet(f"Trang {i + 2}").append([i, "x"])

    wb = read_workbook(write_xlsx(tmp_path / "many.xlsx", build), Limits(max_cells=20_000_000))
    assert len(wb.sheets) == 80 and wb.sheets[-1].rows == [[78, "x"]]
    with pytest.raises(FileRefused) as refused:
        read_workbook(tmp_path / "many.xlsx", Limits(max_cells=100))
    assert refused.value.code == "too_many_cells"
    assert refused.value.detail == "sheets together span 102 cells (limit 100)"  # real sizes, not bounds


def test_too_many_sheets(write_xlsx: Callable[..., Path], tmp_path: Path) -> None:
    def build(wb: openpyxl.Workbook) -> None:
        for i in range(5):
            wb.create_sheet(f"S{i}")

    path = write_xlsx(tmp_path / "many.xlsx", build)
    with pytest.raises(FileRefused) as info:
        read_workbook(path, Limits(max_sheets=3))
    assert info.value.code == "too_many_sheets"
    assert len(read_workbook(path).sheets) == 6
