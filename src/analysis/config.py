"""Paths and limits in one place, so the CLI, tests and notebooks can point elsewhere.

Every path can be overridden by an environment variable (``KHUYENCONG_<NAME>``); limits too.
Nothing here computes anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _project_root() -> Path:
    env = os.environ.get("KHUYENCONG_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists() and (parent / "data").is_dir():
            return parent
    return Path.cwd()


def _path(name: str, default: Path) -> Path:
    env = os.environ.get(f"KHUYENCONG_{name}")
    return Path(env).resolve() if env else default


ROOT: Path = _project_root()
DATA_DIR: Path = _path("DATA_DIR", ROOT / "data")
RAW_DIR: Path = _path("RAW_DIR", DATA_DIR / "raw")
PROCESSED_DIR: Path = _path("PROCESSED_DIR", DATA_DIR / "processed")
CACHE_DIR: Path = _path("CACHE_DIR", PROCESSED_DIR / ".cache")
REPORTS_DIR: Path = _path("REPORTS_DIR", ROOT / "reports")
NOTEBOOKS_DIR: Path = _path("NOTEBOOKS_DIR", ROOT / "notebooks")
SAMPLES_FOLDER = "samples"  # data/raw/<this>/: the bundled illustrative workbooks (an embedded default)
PUBLISHED_FIGURES: Path = _path("PUBLISHED_FIGURES", RAW_DIR / "published" / "published_figures.csv")


def refresh_paths() -> None:
    """Read the path variables (``KHUYENCONG_ROOT``, ``…_REPORTS_DIR`` …) again, as a fresh import would.

    Why: a report build reuses one notebook kernel for province after province; each run writes its figures
    into its own build folder, so the kernel must see the new ``KHUYENCONG_REPORTS_DIR`` without a restart.
    """
    global ROOT, DATA_DIR, RAW_DIR, PROCESSED_DIR, CACHE_DIR, REPORTS_DIR, NOTEBOOKS_DIR, PUBLISHED_FIGURES
    ROOT = _project_root()
    DATA_DIR = _path("DATA_DIR", ROOT / "data")
    RAW_DIR = _path("RAW_DIR", DATA_DIR / "raw")
    PROCESSED_DIR = _path("PROCESSED_DIR", DATA_DIR / "processed")
    CACHE_DIR = _path("CACHE_DIR", PROCESSED_DIR / ".cache")
    REPORTS_DIR = _path("REPORTS_DIR", ROOT / "reports")
    NOTEBOOKS_DIR = _path("NOTEBOOKS_DIR", ROOT / "notebooks")
    PUBLISHED_FIGURES = _path("PUBLISHED_FIGURES", RAW_DIR / "published" / "published_figures.csv")
PACKAGE_DIR: Path = Path(__file__).resolve().parent
VOCAB_DIR: Path = PACKAGE_DIR / "vocab"
REFERENCE_DIR: Path = PACKAGE_DIR / "reference"

SPREADSHEET_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv", ".tsv", ".txt")
OVERRIDE_FILENAME = "khuyencong.yaml"


def _int_env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(f"KHUYENCONG_{name}", default))
    except ValueError:
        return default


def _float_env(name: str, default: float) -> float:
    try:
        return float(os.environ.get(f"KHUYENCONG_{name}", default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """Safety limits applied before and while parsing one file (see issue: hostile input)."""

    max_file_bytes: int = field(default_factory=lambda: _int_env("MAX_FILE_MB", 100) * 1024 * 1024)
    max_uncompressed_bytes: int = field(
        default_factory=lambda: _int_env("MAX_UNCOMPRESSED_MB", 500) * 1024 * 1024
    )
    max_compression_ratio: float = field(default_factory=lambda: _float_env("MAX_COMPRESSION_RATIO", 200.0))
    max_rows: int = field(default_factory=lambda: _int_env("MAX_ROWS", 1_048_576))
    max_cols: int = field(default_factory=lambda: _int_env("MAX_COLS", 16_384))
    max_cells: int = field(default_factory=lambda: _int_env("MAX_CELLS", 20_000_000))
    max_sheets: int = field(default_factory=lambda: _int_env("MAX_SHEETS", 255))
    seconds_per_file: float = field(default_factory=lambda: _float_env("SECONDS_PER_FILE", 120.0))
    memory_mb_per_file: int = field(default_factory=lambda: _int_env("MEMORY_MB_PER_FILE", 2048))
    # Zip containers (xlsx/xlsm/xlsb/ods) with more members than this are refused as zip bombs.
    max_zip_entries: int = field(default_factory=lambda: _int_env("MAX_ZIP_ENTRIES", 10_000))
    # Longest CSV field (characters); Excel itself caps a cell at 32 767, so longer means a broken quote.
    max_cell_chars: int = field(default_factory=lambda: _int_env("MAX_CELL_CHARS", 131_072))


# A single amount above this (in đồng) is implausible for one cell of a provincial sheet; used to
# choose between two readings of "1.680 tỷ" (1 680 tỷ vs 1,68 tỷ) and to flag the choice.
PLAUSIBLE_MAX_VND: int = _int_env("PLAUSIBLE_MAX_VND", 1_000_000_000_000)
# Tables above this many rows get funding.xlsx only on request (--xlsx): Excel writers are slow.
XLSX_MAX_ROWS: int = _int_env("XLSX_MAX_ROWS", 50_000)
