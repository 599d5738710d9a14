"""The readers' shared model: Sheet/Workbook, the cell budget, OS errors as refusals."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.config import Limits
from analysis.errors import FileRefused
from analysis.ingest.readers import Workbook, read_workbook
from analysis.ingest.readers.model import Budget, os_refusal


def test_workbook_pickles_for_worker_processes(write_xlsx: Callable[..., Path], tmp_path: Path) -> None:
    wb = read_workbook(write_xlsx(tmp_path / "p.xlsx", lambda wb: wb.active.append(["Đề án", 1])))
    again = pickle.loads(pickle.dumps(wb))
    assert isinstance(again, Workbook) and again.sheets[0].rows == [["Đề án", 1]]


def test_budget_refuses_one_sheet_over_a_limit_and_sheets_over_the_total() -> None:
    """Each sheet is checked against rows, columns and cells, and all sheets together against cells."""
    limits = Limits(max_rows=50, max_cols=10, max_cells=100)
    with pytest.raises(FileRefused) as wide:
        Budget(Path("kh.xlsx"), limits).charge("KH 2024", 2, 11)
    assert wide.value.code == "too_many_cells" and "'KH 2024' spans 2 rows x 11 columns" in wide.value.detail
    budget = Budget(Path("kh.xlsx"), limits)
    budget.charge("A", 10, 6)
    budget.charge("B", 10, 4)
    assert budget.used == 100
    with pytest.raises(FileRefused) as total:
        budget.charge("C", 1, 1)
    assert total.value.detail == "sheets together span 101 cells (limit 100)"


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (FileNotFoundError(2, "No such file or directory"), "not_found"),
        (IsADirectoryError(21, "Is a directory"), "not_found"),
        (PermissionError(13, "Permission denied"), "unreadable"),
        (OSError(22, "Invalid argument"), "corrupt"),
    ],
)
def test_os_errors_become_refusals_the_analyst_can_act_on(error: OSError, code: str) -> None:
    refusal = os_refusal(Path("kh.xlsx"), error)
    assert isinstance(refusal, FileRefused) and refusal.code == code and refusal.path.endswith("kh.xlsx")
