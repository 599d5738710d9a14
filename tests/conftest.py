"""Shared test set-up: this folder on ``sys.path`` (so tests in subfolders import ``ingest_fixtures``,
``badfiles`` …) and small fixtures used across folders."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """An empty raw-data folder for one test."""
    folder = tmp_path / "raw"
    folder.mkdir()
    return folder
