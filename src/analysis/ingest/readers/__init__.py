"""Reading layer: a spreadsheet file (whatever arrived by email) → a grid of raw cells per sheet.

Why this package is defensive: files come from outside (email, Zalo, download portals) and the parsers we
rely on are not hardened. So every container is checked *before* parsing and anything unreadable becomes
a :class:`~analysis.errors.FileRefused` with a stable code. Nothing here interprets cells: no header
detection, no number parsing ('78.675' stays text in CSV).

One job per module, in the order a file meets them:

- :mod:`.model` — ``Sheet``, ``Workbook`` (``rows[0]`` is Excel row 1), the cell budget, sheet labels
- :mod:`.sniff` — the format from the bytes (magic numbers, zip members, OLE2 streams), never the name
- :mod:`.ole2` — the minimal, bounded OLE2/CFB reader the sniffer and the .xls scan use
- :mod:`.safety` — the pre-parse refusals: zip bombs, XML entities, shared-string counts, the cell budget
- :mod:`.extents` — each sheet's real extent and formula cells (sheet XML, BIFF12, ODS repeats, BIFF8)
- :mod:`.spreadsheet` — calamine (xlrd for legacy .xls) → ``Sheet`` grids, errors and panics → refusals
- :mod:`.text` — CSV/TSV/TXT: encodings, mojibake, delimiter
- :mod:`.guard` — the memory rlimit and the time- and memory-bounded child process

This module holds the entry point, :func:`read_workbook`: checks size, sniffs, then reads text or runs the
pre-scan and calamine, falling back to xlrd for a legacy .xls calamine rejects.
"""

from __future__ import annotations

from pathlib import Path

from ...config import Limits
from ...errors import FileRefused
from ...messages import Problem
from .guard import apply_memory_limit, read_workbook_guarded
from .model import Sheet, Workbook, os_refusal, unique_sheet_labels
from .safety import prescan
from .sniff import detect_format, sniff_format
from .spreadsheet import CALAMINE_SUFFIXES, calamine_refusal, native_stderr, panic_line

# Bound at module level under these names: ``_read`` looks them up here, so a stub can stand in for a parser.
from .spreadsheet import read_calamine as _read_calamine
from .spreadsheet import read_xlrd as _read_xlrd
from .text import read_text

__all__ = [
    "Sheet",
    "Workbook",
    "apply_memory_limit",
    "read_workbook",
    "read_workbook_guarded",
    "sniff_format",
    "unique_sheet_labels",
]


def read_workbook(path: Path | str, limits: Limits | None = None) -> Workbook:
    """Read one file into sheets of raw cells; raises :class:`FileRefused` and nothing else.

    Why no other exception type: a batch over a province's mailbox must record one refusal per bad
    file and go on, with a message the analyst can act on.
    """
    path = Path(path)
    limits = limits or Limits()
    try:
        return _read(path, limits)
    except FileRefused:
        raise
    except MemoryError:
        raise FileRefused("memory", path, "out of memory while reading") from None
    except RecursionError:
        raise FileRefused("corrupt", path, "structure nested too deeply") from None
    except OSError as exc:
        raise os_refusal(path, exc) from None
    except BaseException as exc:
        # pyo3's PanicException (a Rust panic inside calamine) derives from BaseException.
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise FileRefused("corrupt", path, f"{type(exc).__name__}: {str(exc)[:300]}") from None


def _read(path: Path, limits: Limits) -> Workbook:
    """The reading itself; :func:`read_workbook` turns whatever else escapes into a refusal."""
    if not path.exists():
        raise FileRefused("not_found", path, "no such file")
    if path.is_dir():
        raise FileRefused("not_found", path, "path is a directory, not a file")
    size = path.stat().st_size
    if size == 0:
        raise FileRefused("empty_file", path, "0 bytes")
    if size > limits.max_file_bytes:
        raise FileRefused("too_large", path, f"{size} bytes (limit {limits.max_file_bytes})")
    fmt = detect_format(path)
    if fmt == "csv":
        return read_text(path, limits)
    warnings: list[str] = []
    if path.suffix.lower() not in CALAMINE_SUFFIXES[fmt]:
        warnings.append(Problem("file.format_mismatch", fmt=fmt, suffix=path.suffix or "(no suffix)"))
    pre = prescan(path, fmt, limits)
    warnings.extend(pre.warnings)
    native_text: list[str] = []
    try:
        with native_stderr(native_text):
            sheets = _read_calamine(path, fmt, limits, pre, warnings)
    except FileRefused as refusal:
        if refusal.code != "duplicate_sheet_names" or fmt != "xls":
            raise
        sheets = _read_xlrd(path, limits, warnings)  # xlrd reads sheets by position
        warnings.append(Problem("file.same_name_sheets", names=", ".join(repr(s.name) for s in sheets)))
    except MemoryError:
        raise
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        refusal = calamine_refusal(path, exc)
        panic = panic_line(native_text)
        if panic:
            refusal = FileRefused(refusal.code, path, f"{refusal.detail} [{panic}]")
        if fmt != "xls" or refusal.code == "encrypted":
            raise refusal from None
        try:
            sheets = _read_xlrd(path, limits, warnings)
        except FileRefused:
            raise
        except Exception as xlrd_exc:
            if "encrypt" in str(xlrd_exc).lower():
                raise FileRefused("encrypted", path, f"xlrd: {xlrd_exc}") from None
            raise refusal from None
        warnings.append(Problem("file.fallback_reader", detail=refusal.detail[:120]))
    return Workbook(path=path, format=fmt, sheets=sheets, warnings=warnings)
