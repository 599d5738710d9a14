"""The one loader for every CSV of wordings the package ships (``vocab/``, ``reference/``, ``labels.csv``).

Why one place: header words, row words, units, stage and source names, messages and labels are data, not code;
every module asks here, so a wording is found, edited and tested in one way, and each file is read once.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from .config import PACKAGE_DIR, REFERENCE_DIR, VOCAB_DIR
from .text import nfc

LABELS_CSV: Path = PACKAGE_DIR / "labels.csv"


@cache
def _read(path: Path) -> tuple[dict[str, str], ...]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return tuple({k: (v or "") for k, v in row.items() if k is not None} for row in csv.DictReader(handle))


def rows(name: str) -> list[dict[str, str]]:
    """Rows of ``vocab/<name>.csv`` (a fresh list of fresh dicts: callers may change them)."""
    return [dict(r) for r in _read(VOCAB_DIR / f"{name.removesuffix('.csv')}.csv")]


def reference_rows(name: str) -> list[dict[str, str]]:
    """Rows of ``reference/<name>.csv``: published figures and lists, each row sourced."""
    return [dict(r) for r in _read(REFERENCE_DIR / f"{name.removesuffix('.csv')}.csv")]


@cache
def labels() -> dict[str, dict[str, str]]:
    """``key → {"vi": …, "en": …}`` from ``labels.csv``: the one home of bilingual labels."""
    return {nfc(r["key"]): {"vi": nfc(r["vi"]), "en": nfc(r["en"])} for r in _read(LABELS_CSV)}


def words(name: str, column: str = "word") -> tuple[str, ...]:
    """One column of ``vocab/<name>.csv`` as a tuple, blank cells left out (word lists used as sets)."""
    return tuple(nfc(r[column]) for r in rows(name) if (r.get(column) or "").strip())
