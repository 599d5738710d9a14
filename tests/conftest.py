"""Shared test set-up: small in-memory sheets for the sheet steps (no file written, no reader run) and an empty
raw folder. ``pythonpath = ["tests"]`` (pyproject) lets tests in subfolders import ``ingest_fixtures``,
``badfiles`` and the zoo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.ingest.readers import Sheet
from analysis.ingest.sheet import SheetContext


@pytest.fixture
def grid() -> Callable[..., Sheet]:
    """``grid(rows, name="KH 2024")``: a worksheet from a list of rows (row 0 is Excel row 1)."""

    def make(rows: list[list[object]], name: str = "Sheet1", **kwargs: object) -> Sheet:
        return Sheet(name, [list(r) for r in rows], **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture
def context() -> Callable[..., SheetContext]:
    """``context(year=2024, stage="plan", …)``: what is known of a sheet before its rows are read."""

    def make(**kwargs: object) -> SheetContext:
        values: dict[str, object] = {"source_file": "tinh/ke_hoach_2024.xlsx", "province": "Bắc Ninh", "year": 2024,
                                     "stage": "plan"}
        values.update(kwargs)
        return SheetContext(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """An empty raw-data folder for one test."""
    folder = tmp_path / "raw"
    folder.mkdir()
    return folder
