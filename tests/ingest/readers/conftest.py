"""Fixtures shared by the readers' tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest


@pytest.fixture
def write_xlsx() -> Callable[[Path, Callable[[openpyxl.Workbook], object]], Path]:
    """``write_xlsx(path, build)``: an xlsx as openpyxl writes it, its content made by ``build(workbook)``."""

    def write(path: Path, build: Callable[[openpyxl.Workbook], object]) -> Path:
        wb = openpyxl.Workbook()
        build(wb)
        wb.save(path)
        return path

    return write
