"""Which inputs a run reads: spreadsheets under the given files and folders, what is not read and why, labels.

Only ``lstat``/``stat`` are used to decide: opening a FIFO blocks forever and /dev/zero never ends, so a
pipe, a device or a broken link is reported with its reason and never opened.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..errors import InputError, printable
from ..messages import Problem

# Why a file is listed in the report but on purpose not read (a warning of its file report).
SAMPLES_SKIPPED = Problem("file.samples_skipped")
OVERRIDE_SKIPPED = Problem("file.override_skipped")
NOT_USED = frozenset({SAMPLES_SKIPPED, OVERRIDE_SKIPPED})


@dataclass(frozen=True)
class InputProblem:
    """Something found among the inputs that is not read: why, in a message code of vocab/messages.csv."""

    path: Path
    root: Path
    code: str  # folder_unreadable | special_file | dangling_link | link_loop
    detail: str = ""


def _spreadsheet_name(name: str) -> bool:
    if name.startswith((".", "~$")) or name.lower().startswith("readme"):
        return False
    return Path(name).suffix.lower() in config.SPREADSHEET_SUFFIXES


def kind_of(mode: int) -> str:
    """What a non-regular file is ('fifo', 'socket' …), as said in a refusal."""
    for test, kind in ((stat.S_ISFIFO, "fifo"), (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
                       (stat.S_ISSOCK, "socket")):
        if test(mode):
            return kind
    return "not a regular file"


def _file_problem(path: Path, root: Path) -> InputProblem | None:
    """Why ``path`` must not be opened (a link to nothing or to itself, a pipe, a device, a socket), or None."""
    try:
        st = path.lstat()
    except OSError as exc:
        return InputProblem(path, root, "dangling_link" if exc.errno == errno.ENOENT else "folder_unreadable",
                            str(exc.strerror or exc))
    if stat.S_ISLNK(st.st_mode):
        try:
            st = path.stat()
        except OSError as exc:
            code = "link_loop" if exc.errno == errno.ELOOP else "dangling_link"
            return InputProblem(path, root, code, str(exc.strerror or exc))
    if stat.S_ISDIR(st.st_mode):
        return None
    if not stat.S_ISREG(st.st_mode):
        return InputProblem(path, root, "special_file", kind_of(st.st_mode))
    return None


def _walk(root: Path, found: dict[Path, Path], problems: dict[Path, InputProblem]) -> None:
    """Every spreadsheet under the folder ``root`` into ``found``, every input not read into ``problems``."""

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else root
        problems.setdefault(where, InputProblem(where, root, "folder_unreadable", str(exc.strerror or exc)))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "published")
        for name in sorted(filenames):
            if not _spreadsheet_name(name):
                continue
            candidate = Path(dirpath, name)
            problem = _file_problem(candidate, root)
            if problem is not None:
                problems.setdefault(candidate, problem)
            else:
                found.setdefault(candidate, root)
        for name in dirnames:  # a link to a folder is not followed; a broken one is reported
            candidate = Path(dirpath, name)
            if candidate.is_symlink():
                problem = _file_problem(candidate, root)
                if problem is not None:
                    problems.setdefault(candidate, problem)


def discover(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[tuple[Path, Path]], list[InputProblem]]:
    """Spreadsheets under the given files/folders as sorted (path, root) pairs, and every input not read.

    Why the second list: a folder that cannot be opened, a pipe or a device named like a spreadsheet, or a
    broken link used to vanish without a word (or hang the run); each is now reported with its reason and
    never opened. Folders are searched recursively; hidden files, Office lock files (~$…), READMEs and the
    ``published/`` reference folder are left out.
    """
    found: dict[Path, Path] = {}
    problems: dict[Path, InputProblem] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise InputError(f"không tìm thấy: {printable(str(path))} (path not found)")
        problem = _file_problem(path, path.parent)
        if problem is not None:
            problems.setdefault(path, problem)
        elif not path.is_dir():
            found.setdefault(path.resolve(), path.resolve().parent)
        else:
            _walk(path.resolve(), found, problems)
    return sorted(found.items()), sorted(problems.values(), key=lambda p: str(p.path))


def collect_files(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, Path]]:
    """Spreadsheets under the given files/folders as (path, root it was found under), sorted (see
    :func:`discover`, which also lists what was not read)."""
    return discover(paths)[0]


def samples_beside_own_files(files: Iterable[tuple[Path, Path]]) -> set[Path]:
    """The bundled illustrative workbooks (``<root>/samples/…``) to leave out because the same root also holds
    the analyst's own spreadsheets.

    Why: the samples are an embedded default so that a fresh clone runs; once real files sit in data/raw,
    adding invented (if calibrated) figures to them would be wrong, and the reports would cover two provinces.
    """
    samples: dict[Path, list[Path]] = {}
    own: set[Path] = set()
    for path, root in files:
        parts = path.relative_to(root).parts if path.is_relative_to(root) else ()
        if len(parts) > 1 and parts[0] == config.SAMPLES_FOLDER:
            samples.setdefault(root, []).append(path)
        else:
            own.add(root)
    return {path for root, paths in samples.items() if root in own for path in paths}


def label(path: Path, root: Path) -> str:
    """Path shown to users and stored in source_file: relative to the raw folder when possible; bytes of a
    name that are not UTF-8 are shown as U+FFFD (the file itself is opened by its real name)."""
    for base in (config.RAW_DIR, root.parent, root):
        try:
            return printable(path.relative_to(base).as_posix())
        except ValueError:
            continue
    return printable(path.as_posix())


def labels(files: Iterable[tuple[Path, Path]]) -> list[str]:
    """The label of every (path, root) pair, in order."""
    return [label(path, root) for path, root in files]
