"""What every reader produces and shares: the ``Sheet``/``Workbook`` model, the cell budget, sheet labels.

Why one small module: the sniffer, the pre-parse scans, the spreadsheet and text readers and the sheet
walker all speak these types; keeping them apart from any parser means importing the model costs nothing.

Coordinates: ``Sheet.rows[r][c]`` is Excel row ``r + 1``, column ``c`` (0 = A); leading empty rows and
columns are kept (as ``None``) so positions match what the analyst sees in Excel.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ...config import Limits
from ...errors import FileRefused


@dataclass
class Sheet:
    """One sheet as a grid of raw cells; ``rows[0]`` is Excel row 1 and ``rows[r][0]`` is column A."""

    name: str
    rows: list[list[object]]
    hidden: bool = False
    kind: str = "worksheet"
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # clipped to the grid
    formula_cells: set[tuple[int, int]] | None = None
    formula_without_value: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class Workbook:
    """All sheets of one file plus what the reader noticed on the way (English, for the report)."""

    path: Path
    format: str
    sheets: list[Sheet]
    warnings: list[str]
    encoding: str | None = None


HEAD_BYTES = 64 * 1024  # sniffing window and XML prolog window


class Budget:
    """Cell budget for the whole workbook: per sheet and in total, so memory stays bounded."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path, self.limits, self.used = path, limits, 0

    def charge(self, sheet: str, n_rows: int, n_cols: int) -> None:
        """Count one sheet of ``n_rows`` x ``n_cols``; refuse it or the whole workbook over the limits."""
        lim = self.limits
        cells = n_rows * n_cols
        if n_rows > lim.max_rows or n_cols > lim.max_cols or cells > lim.max_cells:
            raise FileRefused(
                "too_many_cells",
                self.path,
                f"sheet {sheet!r} spans {n_rows} rows x {n_cols} columns = {cells} cells "
                f"(limits {lim.max_rows} rows, {lim.max_cols} columns, {lim.max_cells} cells)",
            )
        self.used += cells
        if self.used > lim.max_cells:
            raise FileRefused(
                "too_many_cells", self.path, f"sheets together span {self.used} cells (limit {lim.max_cells})"
            )


def nfc(text: str) -> str:
    """NFC form of ``text`` (ASCII returned as is): one spelling of each Vietnamese letter for matching."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def unique_sheet_labels(names: list[str]) -> list[str]:
    """Distinct, stable labels for sheets in workbook order: a repeated name gets " (2)", " (3)" …

    Why: a workbook can hold two sheets of the same name (Excel never writes one, other tools and hand
    edits do); every sheet must still be read and reported on its own.
    """
    taken = {name.casefold() for name in names}
    seen: set[str] = set()
    labels: list[str] = []
    for name in names:
        label = name
        if name.casefold() in seen:
            n = 2
            while f"{name} ({n})".casefold() in taken:
                n += 1
            label = f"{name} ({n})"
            taken.add(label.casefold())
        seen.add(name.casefold())
        labels.append(label)
    return labels


def os_refusal(path: Path, exc: OSError) -> FileRefused:
    """Map an OS error to the refusal the analyst can act on."""
    if isinstance(exc, FileNotFoundError):
        return FileRefused("not_found", path, "no such file")
    if isinstance(exc, IsADirectoryError):
        return FileRefused("not_found", path, "path is a directory, not a file")
    if isinstance(exc, PermissionError):
        return FileRefused("unreadable", path, f"{type(exc).__name__}: {exc.strerror or exc}")
    # Other OS errors surface while parsing broken containers (seek before start, short reads).
    return FileRefused("corrupt", path, f"{type(exc).__name__} while parsing: {exc}")
