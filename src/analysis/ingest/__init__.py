"""Orchestrate raw files → one validated tidy table (+ rejects and a report). The public ``ingest()``.

readers (bytes → cells, safety limits) → layout (header, unit) → sheet (rows → records, reconciliation)
→ schema (pandera) → atomic writes. Files are processed in parallel worker processes, each bounded in time
and memory, and cached by content hash so an unchanged file is never parsed twice.

Importing this module does not import pandas: a re-run on unchanged inputs answers from the outputs of the
previous run, and its table is only read when it is used (``IngestResult.table``).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import json
import os
import pickle
import re
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__, config
from .. import outputs as _out
from ..errors import FileRefused, InputError, KhuyenCongError, OutputError, printable
from ..text import fold, nfc
from . import classify

if TYPE_CHECKING:
    import pandas as pd

CACHE_FORMAT = 4


@dataclass
class IngestOptions:
    province: str | None = None
    year: int | None = None
    stage: str | None = None
    limits: config.Limits = field(default_factory=config.Limits)


def _arrow() -> Any:
    import pyarrow as pa

    return pa


@cache
def _records_schema() -> Any:
    """Arrow types of the tidy-table columns as the sheet walker produces them (schema.py casts the rest)."""
    pa = _arrow()
    from ..columns import COLUMNS

    ints = {"year", "amount_vnd", "n_projects", "source_row"}
    return pa.schema([(name, pa.int64() if name in ints else pa.string()) for name in COLUMNS])


def _records_table(records: dict[str, list[Any]]) -> Any:
    """A sheet's record lists → one Arrow table (C-speed conversion; cheaper than building a DataFrame)."""
    return _arrow().table(records, schema=_records_schema())


def _no_records() -> Any:
    return _records_schema().empty_table()


class _ArrowRecords:
    """One file's records as Arrow IPC stream bytes (see FileResult.__getstate__)."""

    __slots__ = ("data", "rows")

    def __init__(self, data: bytes, rows: int) -> None:
        self.data = data
        self.rows = rows

    def __len__(self) -> int:
        return self.rows

    @classmethod
    def from_records(cls, records: Any) -> _ArrowRecords:
        """From an Arrow table (what process_file builds) or a DataFrame."""
        pa = _arrow()
        table = records if isinstance(records, pa.Table) else pa.Table.from_pandas(records, preserve_index=False)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:  # uncompressed: read back zero-copy
            writer.write_table(table)
        return cls(sink.getvalue().to_pybytes(), table.num_rows)

    def to_table(self) -> Any:
        return _arrow().ipc.open_stream(self.data).read_all()


@dataclass
class FileResult:
    path: str
    status: str  # ok | error
    message: str
    records: Any  # Arrow table of this file's records (a DataFrame is accepted); _ArrowRecords once pickled
    rejects: list[dict[str, Any]]
    sheets: list[dict[str, Any]]
    messages: list[str]
    code: str = ""
    detail: str = ""
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""
    seconds: float = 0.0

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with the records as Arrow IPC: the main process maps them back without copying or
        creating Python objects (0.01 s for 248 000 records instead of 0.4 s unpickling DataFrames)."""
        state = dict(self.__dict__)
        records = state["records"]
        if not isinstance(records, _ArrowRecords) and len(records):
            with contextlib.suppress(Exception):  # an odd column Arrow cannot hold: plain pickle instead
                state["records"] = _ArrowRecords.from_records(records)
        return state

    def report(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "message": self.message,
            "code": self.code,
            "detail": self.detail,  # English, technical: why a file was refused (stable for tools, --debug)
            "sha256": self.sha256,
            "seconds": round(self.seconds, 3),
            "warnings": self.warnings,
            "sheets": self.sheets,
        }


class StaleResultError(KhuyenCongError):
    """The outputs a cached ``IngestResult`` points to were rewritten before its table was read."""


# What a cache hit remembers of each output file, to notice a later rewrite (os.replace gives a new inode).
def _file_signature(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class IngestResult:
    """What ``ingest`` returns: the tidy table, the rejects and the report (also written to ``out_dir``).

    On a re-run with unchanged inputs (``from_cache``) the table and the rejects are read from ``out_dir`` on
    first access, so a caller that only needs the report (the command line, a build that is up to date) never
    pays for pandas. If those files were rewritten in between (another ingest into the same folder), reading
    raises :class:`StaleResultError` rather than mixing a newer table with this report.
    """

    def __init__(
        self,
        table: pd.DataFrame | None,
        rejects: pd.DataFrame | None,
        report: dict[str, Any],
        out_dir: Path | None = None,
        from_cache: bool = False,
    ) -> None:
        self._table = table
        self._rejects = rejects
        self.report = report
        self.out_dir = out_dir
        self.from_cache = from_cache
        self._signatures: dict[str, tuple[int, int, int]] = {}
        self.files_dir: Path | None = None  # the published set's own folder (out_dir/.generations/<name>)
        # (message code, fields) for the run around the files: kept outputs, a stale lock, a locked file …
        self.notices: list[tuple[str, dict[str, Any]]] = []

    @classmethod
    def _from_outputs(cls, out: Path, report: dict[str, Any], files_dir: Path | None = None) -> IngestResult:
        """A cache hit: the report now, the table and rejects from the published set when first used."""
        result = cls(None, None, report, out, from_cache=True)
        result.files_dir = files_dir or out
        result._signatures = {
            name: _file_signature(result.files_dir / name) for name in ("funding.parquet", "rejects.csv")
        }
        return result

    def notice_lines(self, lang: str = "vi") -> list[str]:
        """The notices in ``lang``, one sentence each."""
        from ..errors import render

        return [render(code, lang, **fields) for code, fields in self.notices]

    def _load(self, name: str) -> pd.DataFrame:
        import pandas as pd

        assert self.out_dir is not None
        path = (self.files_dir or self.out_dir) / name
        try:
            unchanged = _file_signature(path) == self._signatures[name]
        except OSError:
            unchanged = False
        if not unchanged:
            raise StaleResultError(
                f"{path} đã bị ghi lại sau lần nhập này; hãy chạy lại ingest() "
                "(the file was rewritten after this result was returned; run ingest() again)"
            )
        if name == "funding.parquet":
            table = pd.read_parquet(path)
            table["n_projects"] = table["n_projects"].astype("Int64")
            return table
        return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)

    @property
    def table(self) -> pd.DataFrame:
        if self._table is None:
            self._table = self._load("funding.parquet")
        return self._table

    @table.setter
    def table(self, value: pd.DataFrame) -> None:
        self._table = value

    @property
    def rejects(self) -> pd.DataFrame:
        if self._rejects is None:
            self._rejects = self._load("rejects.csv")
        return self._rejects

    @rejects.setter
    def rejects(self, value: pd.DataFrame) -> None:
        self._rejects = value

    def __repr__(self) -> str:
        loaded = "loaded" if self._table is not None else "not loaded yet"
        return (f"IngestResult(out_dir={self.out_dir!r}, from_cache={self.from_cache}, "
                f"records={self.report.get('totals', {}).get('records')}, table {loaded})")

    @property
    def ok(self) -> bool:
        return all(f["status"] == "ok" for f in self.report["files"]) and not self.report.get(
            "validation_failures"
        )

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def summary(self, lang: str = "vi") -> str:
        files = self.report["files"]
        n_err = sum(1 for f in files if f["status"] != "ok")
        totals = self.report["totals"]
        unused = totals.get("files_not_used", 0)

        def n(value: int) -> str:  # 248.593 in Vietnamese, 248,593 in English
            return f"{value:,}" if lang == "en" else f"{value:,}".replace(",", ".")

        no_stage = totals.get("stage_unspecified", 0)
        if lang == "en":
            return (
                f"{n(len(files))} file(s), {n(n_err)} unreadable{f', {n(unused)} not used' if unused else ''}; "
                f"{n(totals['records'])} amount records"
                f"{f' ({n(no_stage)} neither plan nor actual)' if no_stage else ''}, "
                f"{n(totals['rejected'])} rows rejected, "
                f"{n(totals['reconcile_failed'])} totals that do not reconcile"
            )
        return (
            f"{n(len(files))} tệp, {n(n_err)} tệp không đọc được{f', {n(unused)} tệp không dùng' if unused else ''}; "
            f"{n(totals['records'])} dòng số liệu"
            f"{f' ({n(no_stage)} dòng không rõ kế hoạch/thực hiện)' if no_stage else ''}, "
            f"{n(totals['rejected'])} dòng bị loại, "
            f"{n(totals['reconcile_failed'])} tổng cộng không khớp"
        )


# ---------------------------------------------------------------- files and overrides


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


def _file_problem(path: Path, root: Path) -> InputProblem | None:
    """Why ``path`` must not be opened (a link to nothing or to itself, a pipe, a device, a socket), or None.

    Only ``lstat``/``stat`` are used: opening a FIFO blocks forever, and /dev/zero never ends.
    """
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
        return InputProblem(path, root, "special_file", _kind_of(st.st_mode))
    return None


def _kind_of(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "fifo"), (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
                       (stat.S_ISSOCK, "socket")):
        if test(mode):
            return kind
    return "not a regular file"


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
            continue
        if not path.is_dir():
            found.setdefault(path.resolve(), path.resolve().parent)
            continue
        root = path.resolve()

        def unreadable(exc: OSError, root: Path = root) -> None:
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
    return sorted(found.items()), sorted(problems.values(), key=lambda p: str(p.path))


def collect_files(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, Path]]:
    """Spreadsheets under the given files/folders as (path, root it was found under), sorted (see
    :func:`discover`, which also lists what was not read)."""
    return discover(paths)[0]


SAMPLES_SKIPPED = "illustrative sample: not used alongside your own files"
OVERRIDE_SKIPPED = "skipped by khuyencong.yaml"


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


def _label(path: Path, root: Path) -> str:
    """Path shown to users and stored in source_file: relative to the raw folder when possible; bytes of a
    name that are not UTF-8 are shown as U+FFFD (the file itself is opened by its real name)."""
    for base in (config.RAW_DIR, root.parent, root):
        try:
            return printable(path.relative_to(base).as_posix())
        except ValueError:
            continue
    return printable(path.as_posix())


def load_overrides(path: Path, root: Path) -> dict[str, Any]:
    """Merge ``khuyencong.yaml`` entries that match this file, from the raw root down to its folder.

    Each yaml is validated as a whole (:mod:`analysis.ingest.overrides`): a yaml that does not follow the schema
    raises :class:`~analysis.errors.OverridesError` naming every problem, before any file is read.
    """
    from .overrides import for_file

    return for_file(path, root)


class _NotHashed(Exception):
    """A file the main process will not read to hash it (the refusal says why)."""

    def __init__(self, refusal: FileRefused) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal


def _sha256(path: Path, label: str = "", limits: config.Limits | None = None) -> str:
    """SHA-256 of a regular file within the parsing limits (size, time): never blocks on a pipe or a device.

    The file is opened non-blocking and checked with fstat before any read, so a file swapped for a FIFO
    after discovery is refused, not waited on.
    """
    limits = limits or config.Limits()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise _NotHashed(FileRefused("special_file", label or path, _kind_of(st.st_mode)))
        if st.st_size > limits.max_file_bytes:
            raise _NotHashed(FileRefused("too_large", label or path, f"{st.st_size} bytes"))
        digest = hashlib.sha256()
        deadline = time.monotonic() + limits.seconds_per_file
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            if time.monotonic() > deadline:
                raise _NotHashed(FileRefused("timeout", label or path, "hashing"))
    return digest.hexdigest()


def _hash_one(path: Path, label: str, limits: config.Limits) -> str | FileRefused:
    try:
        return _sha256(path, label, limits)
    except _NotHashed as exc:
        return exc.refusal
    except OSError as exc:
        return _os_problem(label, exc)


def _hash_files(items: list[tuple[Path, str]], limits: config.Limits) -> list[str | FileRefused]:
    """SHA-256 of every file, or why not, each within ``limits.seconds_per_file`` like its parsing.

    Why threads: a read that never returns (a stalled network share) must not stall the run; the file is
    refused as a timeout and a fresh thread takes over the rest (the stuck one is a daemon, abandoned).
    hashlib releases the GIL, so a few threads also hash a large corpus faster.
    """
    import queue

    results: list[str | FileRefused | None] = [None] * len(items)
    if not items:
        return []
    tasks: queue.SimpleQueue[int] = queue.SimpleQueue()
    done: queue.SimpleQueue[tuple[int, str | FileRefused]] = queue.SimpleQueue()
    for i in range(len(items)):
        tasks.put(i)
    started: dict[int, float] = {}

    def worker() -> None:
        while True:
            try:
                i = tasks.get_nowait()
            except queue.Empty:
                return
            started[i] = time.monotonic()
            done.put((i, _hash_one(items[i][0], items[i][1], limits)))

    def start_worker() -> None:
        threading.Thread(target=worker, name="ingest-hash", daemon=True).start()

    for _ in range(min(4, len(items))):
        start_worker()
    remaining = len(items)
    while remaining:
        try:
            i, outcome = done.get(timeout=0.2)
        except queue.Empty:
            now = time.monotonic()
            for i, since in list(started.items()):
                if results[i] is None and now - since > limits.seconds_per_file:
                    label = items[i][1]
                    results[i] = FileRefused("timeout", label, f"hashing > {limits.seconds_per_file} s")
                    remaining -= 1
                    start_worker()  # the stuck thread is abandoned; the others' work goes on
            continue
        if results[i] is None:
            results[i] = outcome
            remaining -= 1
    return [r for r in results if r is not None]


@cache
def _code_fingerprint() -> str:
    """Changes whenever the package or its vocabulary changes, so stale caches are never used."""
    digest = hashlib.sha256(f"{__version__}:{CACHE_FORMAT}".encode())
    package = Path(__file__).resolve().parents[1]  # the whole analysis package, subfolders included
    for sub in sorted([*package.rglob("*.py"), *package.rglob("*.csv")]):
        digest.update(sub.relative_to(package).as_posix().encode())
        digest.update(sub.read_bytes())
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------- one file


_DATE_OR_NUMBER_RE = re.compile(
    r"ngay\s*[\d.…/ ]*\s*thang\s*[\d.…/ ]*\s*nam\s*\d{0,4}|\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|so\s*:?\s*[\w./-]*\d[\w./-]*"
)


def _side_text_year(text: str) -> int | None:
    """The year a 'Kèm theo Quyết định số 12/2023/QĐ-UBND ngày 5/3/2023 … năm 2023' line names for the table:
    dates and document numbers removed first (their years are the decision's, not the table's)."""
    return classify.detect_year(_DATE_OR_NUMBER_RE.sub(" ", fold(text)))


_OWN_TEXTS = ("title", "sheet name", "file name", "title side lines")  # a disagreement among these is reported


def _detect_context(
    texts: list[tuple[str, str]], options: IngestOptions, overrides: dict[str, Any]
) -> dict[str, tuple[Any, str]]:
    """Province, year, stage (with its phase) and sheet-wide funding source from (where, text) pairs in
    priority order: the command line, then khuyencong.yaml, then the first text that names it.

    Every other text that names a different value is listed under '<key>_conflicts' (where, value), so the
    sheet report can say which rule won and why.
    """
    out: dict[str, tuple[Any, str]] = {}
    conflicts: dict[str, list[tuple[str, Any]]] = {}
    for key, forced in (("province", options.province), ("year", options.year), ("stage", options.stage)):
        if forced:
            out[key] = (forced, "command line")
        elif overrides.get(key):
            out[key] = (overrides[key], "khuyencong.yaml")
    if overrides.get("funding_source"):
        out["funding_source"] = (overrides["funding_source"], "khuyencong.yaml")

    def found(key: str, value: Any, where: str) -> None:
        if not value:
            return
        if key not in out:
            out[key] = (value, where)
        elif out[key][0] != value and where in _OWN_TEXTS and where not in {w for w, _ in conflicts.get(key, [])}:
            conflicts.setdefault(key, []).append((where, value))

    for where, text in texts:
        if not text:
            continue
        is_name = where in ("sheet name", "file name", "folder")
        side = where == "title side lines"
        found("province", classify.detect_province(text), where)
        found("year", _side_text_year(text) if side else classify.detect_year(text), where)
        stage, phase = classify.detect_stage_phase(text, tokens=is_name)
        if stage and "stage" not in out:
            out["phase"] = (phase, where)
        found("stage", stage, where)
        if not is_name or where == "sheet name":  # a sheet named 'Trung ương' / 'KCĐP' holds that source
            sources = classify.sources_named(text)
            if len(sources) == 1:
                found("funding_source", sources.pop(), where)
    if "phase" not in out and out.get("stage", ("", ""))[1] in ("command line", "khuyencong.yaml"):
        out["phase"] = ("", "")
    for key, others in conflicts.items():
        out[f"{key}_conflicts"] = (others, "")
    return out


def process_file(path: Path, label: str, options: IngestOptions, overrides: dict[str, Any]) -> FileResult:
    """Read and clean one file. Never raises for bad content: returns status 'error' with a message."""

    from .numbers import detect_unit
    from .readers import read_workbook
    from .sheet import RECORD_COLUMNS, SheetContext, process_sheet, sheet_layout

    started = time.perf_counter()
    empty = _no_records()
    try:
        workbook = read_workbook(path, options.limits)
    except FileRefused as exc:
        return FileResult(label, "error", exc.message("vi"), empty, [], [], [f"{label}: {exc.message('vi')}"],
                          code=exc.code, detail=exc.detail, seconds=time.perf_counter() - started)
    if overrides.get("skip"):
        return FileResult(label, "ok", "bỏ qua theo khuyencong.yaml (skipped by override)", empty, [], [], [],
                          warnings=[OVERRIDE_SKIPPED], seconds=time.perf_counter() - started)
    only_sheet = overrides.get("sheet")
    unit_override = detect_unit(str(overrides["unit"])) if overrides.get("unit") else None
    base_ctx = SheetContext(
        source_file=label,
        header_rows=list(overrides["header_rows"]) if overrides.get("header_rows") else None,
        column_map={str(k): str(v) for k, v in (overrides.get("columns") or {}).items()},
        include_hidden=bool(overrides.get("include_hidden", False)),
        unit=unit_override,
        forced={k: v for k, v in (("province", options.province), ("year", options.year),
                                  ("stage", options.stage)) if v},
    )
    layouts = {}
    for sheet in workbook.sheets:
        if sheet.kind == "worksheet" and (not only_sheet or sheet.name == only_sheet):
            base_ctx.source_file = label
            layouts[sheet.name] = sheet_layout(sheet, base_ctx)
    workbook_title = " ".join(lay.title_text for lay in layouts.values() if lay is not None)
    folders = " ".join(part for part in Path(label).parts[:-1])
    records: list[Any] = []  # one Arrow table per sheet with records
    rejects: list[dict[str, Any]] = []
    sheets: list[dict[str, Any]] = []
    messages: list[str] = []
    for sheet in workbook.sheets:
        if only_sheet and sheet.name != only_sheet:
            from .sheet import SheetResult

            result = SheetResult({k: [] for k in RECORD_COLUMNS}, [], {
                "sheet": sheet.name, "rows_read": len(sheet.rows), "records": 0, "rejected": 0,
                "skipped": {"not_selected": len(sheet.rows)} if sheet.rows else {},
                "warnings": ["not the sheet named in khuyencong.yaml"], "reconciliation": []}, [])
        else:
            layout = layouts.get(sheet.name)
            own_title = layout.title_text if layout is not None else ""
            side_text = layout.side_text if layout is not None else ""
            found = _detect_context(
                [("title", own_title), ("workbook title", workbook_title), ("sheet name", sheet.name),
                 ("file name", Path(label).stem), ("folder", folders), ("title side lines", side_text)],
                options,
                overrides,
            )
            ctx = SheetContext(**{**base_ctx.__dict__})
            ctx.province = nfc(found.get("province", ("", ""))[0])
            ctx.province_from = found.get("province", ("", ""))[1]
            year = found.get("year", (None, ""))[0]
            ctx.year = int(year) if year else None
            ctx.year_from = found.get("year", (None, ""))[1]
            ctx.stage = str(found.get("stage", ("", ""))[0])
            ctx.stage_from = found.get("stage", ("", ""))[1]
            ctx.phase = str(found.get("phase", ("", ""))[0])
            ctx.funding_source = str(found.get("funding_source", ("", ""))[0])
            result = process_sheet(sheet, ctx, layout)
            result.report.update(
                province_from=ctx.province_from, year_from=ctx.year_from, stage_from=ctx.stage_from,
                phase=ctx.phase, funding_source=ctx.funding_source,
                context_conflicts={k[: -len("_conflicts")]: [{"from": w, "value": v} for w, v in found[k][0]]
                                   for k in found if k.endswith("_conflicts")},
            )
        sheets.append(result.report)
        rejects.extend(result.rejects)
        messages.extend(result.messages)
        if result.records["amount_vnd"]:
            records.append(_records_table(result.records))
    table = (records[0] if len(records) == 1 else _arrow().concat_tables(records)) if records else empty
    warnings = list(workbook.warnings)
    if not any(s.get("records") for s in sheets):
        warnings.append("no records found in this file")
    return FileResult(label, "ok", "", table, rejects, sheets, messages, warnings=warnings,
                      seconds=time.perf_counter() - started)


def _refused(label: str, exc: KhuyenCongError | Exception, code: str) -> FileResult:


    if isinstance(exc, FileRefused):
        message, code, detail = exc.message("vi"), exc.code, exc.detail
    else:
        refusal = FileRefused(code, label, repr(exc))
        message, detail = refusal.message("vi"), repr(exc)
    return FileResult(label, "error", message, _no_records(), [], [],
                      [f"{label}: {message}"], code=code, detail=detail)


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cycle collector while one file is cleaned (or while the tail runs).

    Cleaning allocates millions of short-lived objects (cells, rows, amounts) without reference cycles, so the
    collector only re-traverses live data: on the national corpus it found 5 cyclic objects in 29 full
    collections and cost 16 % of the per-file CPU time (8.8 → 7.4 s). Reference counting still frees
    everything; the previous state is restored afterwards, so a caller's own setting is respected.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _worker(args: tuple[Path, str, IngestOptions, dict[str, Any]]) -> FileResult:
    path, label, options, overrides = args
    try:
        with _no_cyclic_gc():
            return process_file(path, label, options, overrides)
    except MemoryError as exc:
        return _refused(label, exc, "memory")
    except Exception as exc:  # the contract: one bad file never stops the others
        if os.environ.get("KHUYENCONG_DEBUG"):
            raise
        return _refused(label, exc, "corrupt")


# A task: (path, label, options, overrides, sha256 of the file, per-file cache file or None).
Task = tuple[Path, str, IngestOptions, dict[str, Any], str, Path | None]


def _cacheable(result: FileResult) -> bool:
    """Timeouts and memory refusals depend on the machine and its load, not on the file: never cached."""
    return result.code not in ("timeout", "memory")


def _remove_dead_cache_temps(cache_root: Path) -> bool:
    """Remove per-file cache entries half-written by workers that were killed (``.<key>.<pid>.tmp``)."""
    found = False
    if not cache_root.is_dir():
        return found
    for tmp in cache_root.glob(".*.tmp"):
        match = re.fullmatch(r"\.[0-9a-f]+\.(\d+)\.tmp", tmp.name)
        if match and not _out.pid_alive(int(match.group(1))):
            tmp.unlink(missing_ok=True)
            found = True
    return found


def _store(cache_file: Path, data: bytes) -> None:
    """Write one per-file cache entry atomically (a reader never sees half a pickle); best effort."""
    tmp = cache_file.with_name(f".{cache_file.stem}.{os.getpid()}.tmp")
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as handle:
            handle.write(data)
        os.replace(tmp, cache_file)
    except OSError:
        tmp.unlink(missing_ok=True)


def _run_task(task: Task) -> FileResult:
    """One file in this process (``jobs=0``), stored in the per-file cache when asked."""
    path, label, options, overrides, digest, cache_file = task
    result = _worker((path, label, options, overrides))
    result.sha256 = digest
    if cache_file is not None and _cacheable(result):
        _store(cache_file, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return result


def _run_task_in_worker(task: Task) -> bytes:
    """In a worker process: process one file, write its cache entry and return it pickled.

    The result is pickled once, here, and the same bytes go to the cache file and back to the main process
    (which only unpickles them), so caching costs the main process nothing.
    """
    path, label, options, overrides, digest, cache_file = task
    result = _worker((path, label, options, overrides))
    result.sha256 = digest
    try:
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError as exc:
        result = _refused(label, exc, "memory")
        result.sha256 = digest
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    if cache_file is not None and _cacheable(result):
        _store(cache_file, data)
    return data


def _init_worker(limits: config.Limits) -> None:
    from .readers import apply_memory_limit

    apply_memory_limit(limits)
    # forked while the parent paused the collector: collect between files again (each file pauses it), and
    # leave the modules inherited from the parent out of every future collection
    gc.enable()
    gc.freeze()


def _death_code(exitcode: int | None) -> str:
    """Why a worker died, as a refusal code: killed (the kernel's out-of-memory killer) → 'memory'; aborted or
    crashed in native code (a reader library's abort, a segfault) → 'corrupt', the file's fault."""
    import signal

    crashes = {-int(getattr(signal, name)) for name in ("SIGABRT", "SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE")
               if hasattr(signal, name)}
    return "corrupt" if exitcode in crashes else "memory"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _run_parallel(
    tasks: list[Task],
    jobs: int,
    limits: config.Limits,
    on_done: Callable[[], None],
    on_started: Callable[[], None] | None = None,
) -> list[FileResult]:
    """Each file in a worker process with a wall-clock limit; a hung or exploding file is refused, not fatal.

    ``on_started`` runs once the worker processes exist (the main process is idle from then on).
    """
    from concurrent.futures import TimeoutError as FuturesTimeout

    from pebble import ProcessExpired, ProcessPool

    results: list[FileResult | None] = [None] * len(tasks)
    # largest files first: a big workbook started last would leave the other workers idle at the end
    order = sorted(range(len(tasks)), key=lambda i: -_size(tasks[i][0]))
    with ProcessPool(max_workers=jobs, initializer=_init_worker, initargs=(limits,)) as pool:
        # the first schedule() starts the pool: its initial workers are forked before it returns
        scheduled = {i: pool.schedule(_run_task_in_worker, args=(tasks[i],), timeout=limits.seconds_per_file)
                     for i in order}
        futures = [scheduled[i] for i in range(len(tasks))]
        if on_started is not None:
            on_started()
        for i, future in enumerate(futures):
            label = tasks[i][1]
            try:
                results[i] = pickle.loads(future.result())
            except FuturesTimeout:
                results[i] = _refused(label, FileRefused("timeout", label, f"> {limits.seconds_per_file} s"),
                                      "timeout")
            except ProcessExpired as exc:
                code = _death_code(getattr(exc, "exitcode", None))
                results[i] = _refused(label, FileRefused(code, label, f"worker died: {exc}"), code)
            except Exception as exc:
                results[i] = _refused(label, exc, "corrupt")
            on_done()
    return [r for r in results if r is not None]


# ---------------------------------------------------------------- warming up the main process

# While the workers read the files the main process only waits. It imports what the serial tail needs
# (pandera, the report template, the writers) in a background thread meanwhile. A fork while that thread
# holds an import lock could leave a worker deadlocked on that lock, so every fork in this process first
# waits for the warm-up to finish (pebble forks a replacement worker after a timeout or a crash).
_WARM_IDLE = threading.Event()
_WARM_IDLE.set()
_WARM_THREAD_NAME = "analysis-ingest-warm-up"


def _wait_for_warm_up() -> None:
    if threading.current_thread().name != _WARM_THREAD_NAME:
        _WARM_IDLE.wait(timeout=120)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_wait_for_warm_up)


def _warm_up() -> None:
    try:
        import importlib

        for name in ("pandas", "pyarrow.csv", "pyarrow.parquet"):  # the table and the writers of its files
            importlib.import_module(name)
        from .. import schema
        from . import report_page

        schema.validate(schema.empty_table())  # pandera sets up its backends on the first validation
        report_page.template()
    except Exception:  # the serial tail imports them again and reports any real error
        pass
    finally:
        _WARM_IDLE.set()


def _start_warm_up() -> None:
    if not _WARM_IDLE.is_set():
        return
    _WARM_IDLE.clear()
    try:
        threading.Thread(target=_warm_up, name=_WARM_THREAD_NAME, daemon=True).start()
    except RuntimeError:
        _WARM_IDLE.set()


# ---------------------------------------------------------------- the public function


def ingest(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    province: str | None = None,
    year: int | None = None,
    stage: str | None = None,
    *,
    write: bool = True,
    xlsx: bool | None = None,
    jobs: int | None = None,
    cache: bool = True,
    progress: bool | None = None,
    limits: config.Limits | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    lang: str = "vi",
) -> IngestResult:
    """Read every spreadsheet under ``paths`` into one validated tidy table.

    Returns an :class:`IngestResult`; with ``write`` it also writes funding.parquet/.csv(/.xlsx),
    rejects.csv, ingest_report.json and ingest_report.html into ``out_dir`` as one set published in one
    atomic step (see :mod:`analysis.outputs`), under a lock on ``out_dir``. Bad files never raise: they get
    status 'error' in the report. A run that finds no spreadsheet raises :class:`OutputError`; one that can
    read none keeps the previous set (``report['kept_previous']``, a notice). ``lang`` is the language of
    the messages printed while waiting for another run.
    """
    if paths is None:
        paths = [config.RAW_DIR]
    elif isinstance(paths, str | os.PathLike):
        paths = [paths]
    if stage and stage not in ("plan", "actual"):
        raise InputError(f"--stage phải là 'plan' hoặc 'actual' (got {stage!r})")
    if province:
        canonical = classify.detect_province(province)
        province = canonical or nfc(province)
    limits = limits or config.Limits()
    options = IngestOptions(province=province, year=year, stage=stage, limits=limits)
    out = Path(out_dir) if out_dir is not None else config.PROCESSED_DIR
    cache_root = Path(cache_dir) if cache_dir is not None else (out / ".cache")
    started = time.perf_counter()

    files, problems = discover(paths)
    if not files and not problems:
        where = ", ".join(printable(str(p)) for p in paths)
        raise OutputError("no_input_files", where, out=printable(str(out)))
    if not write:
        return _ingest(files, problems, options, out, cache_root, started, write=False, xlsx=xlsx, jobs=jobs,
                       cache=cache, progress=progress, notices=[])
    _out.check_folder(out, _out.published_bytes(out))  # before any work: the path and what to do
    notices: list[tuple[str, dict[str, Any]]] = []
    with _out.OutputLock(out, say=_out.stderr_say(lang)) as lock:
        _out.pause_point("locked")
        pointer = _out.read_pointer(out)
        leftovers = _out.remove_leftovers(out, keep=pointer["generation"] if pointer else None)
        leftovers |= _remove_dead_cache_temps(cache_root)
        if lock.stale is not None and leftovers:
            notices.append(("out_stale_lock", {"path": out, "pid": lock.stale.get("pid", "?"),
                                               "since": lock.stale.get("started", "?")}))
        return _ingest(files, problems, options, out, cache_root, started, write=True, xlsx=xlsx, jobs=jobs,
                       cache=cache, progress=progress, notices=notices)


def _ingest(
    files: list[tuple[Path, Path]],
    problems: list[InputProblem],
    options: IngestOptions,
    out: Path,
    cache_root: Path,
    started: float,
    *,
    write: bool,
    xlsx: bool | None,
    jobs: int | None,
    cache: bool,
    progress: bool | None,
    notices: list[tuple[str, dict[str, Any]]],
) -> IngestResult:
    """The run itself, under the output lock when writing (see :func:`ingest`)."""
    limits = options.limits
    province, year, stage = options.province, options.year, options.stage
    set_aside = samples_beside_own_files(files)
    labels = [_label(path, root) for path, root in files]
    all_overrides = [load_overrides(path, root) for path, root in files]  # every yaml checked before any read
    digests = _hash_files([(path, label) for (path, _root), label in zip(files, labels, strict=True)], limits)
    entries = []
    for (path, _root), label, overrides, digest in zip(files, labels, all_overrides, digests, strict=True):
        if isinstance(digest, FileRefused):
            entries.append((path, label, overrides, "", digest))
        else:
            entries.append((path, label, overrides, digest, None))
    option_key = json.dumps([province, year, stage, limits.__dict__], sort_keys=True, default=str)
    run_key = hashlib.sha256(
        json.dumps([_code_fingerprint(), option_key, [(e[1], e[3], e[2], e[4] and e[4].code) for e in entries],
                    [(printable(str(p.path)), p.code) for p in problems]],
                   sort_keys=True, default=str).encode()
    ).hexdigest()

    pointer = _out.read_pointer(out) if write else None
    if cache and pointer is not None and pointer.get("run_key") == run_key and _out.verify(out, pointer):
        try:
            gen = _out.generation_dir(out, pointer)
            report = json.loads((gen / "ingest_report.json").read_text(encoding="utf-8"))
            _out.sync_known_paths(out, pointer, lambda code, fields: notices.append((code, fields)))
            hit = IngestResult._from_outputs(out, report, gen)  # table and rejects are read when used
            hit.notices = notices
            report["seconds"] = round(time.perf_counter() - started, 3)
            report["from_cache"] = True
            return hit
        except (OSError, ValueError, KeyError):
            pass

    # The workers build Arrow tables and never need pandas: import pyarrow before the pool forks (they
    # inherit it) and leave pandas to the warm-up thread, which runs while the workers read the files.
    import pyarrow  # noqa: F401

    results: list[FileResult | None] = [None] * len(entries)
    todo: list[int] = []
    cache_files: dict[int, Path] = {}
    fingerprint = _code_fingerprint()
    for i, (path, label, overrides, digest, refusal) in enumerate(entries):
        if refusal is not None:
            results[i] = _refused(label, refusal, refusal.code)
            continue
        if path in set_aside:  # listed in the report, not read
            results[i] = FileResult(label, "ok", "bỏ qua: dữ liệu minh họa kèm theo, không dùng khi đã có tệp của "
                                    "bạn (illustrative sample, skipped: your own files are present)", _no_records(),
                                    [], [], [], warnings=[SAMPLES_SKIPPED], sha256=digest)
            continue
        if cache:
            key = hashlib.sha256(
                json.dumps([fingerprint, option_key, label, digest, overrides], sort_keys=True, default=str).encode()
            ).hexdigest()
            cached = cache_root / f"{key}.pkl"
            if cached.is_file():
                try:
                    with cached.open("rb") as handle:
                        results[i] = pickle.load(handle)
                    continue
                except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                    pass
            cache_files[i] = cached
        todo.append(i)

    show_progress = progress if progress is not None else (len(todo) >= 10 and sys.stderr.isatty())
    bar = None
    if show_progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="Đọc tệp", unit="tệp", file=sys.stderr, leave=False)

    def tick() -> None:
        if bar is not None:
            bar.update(1)

    # the worker (or, with jobs=0, this process) writes each file's cache entry itself
    tasks: list[Task] = [(entries[i][0], entries[i][1], options, entries[i][2], entries[i][3], cache_files.get(i))
                         for i in todo]
    n_jobs = jobs if jobs is not None else min(len(tasks), os.cpu_count() or 1, 8)
    if tasks:
        if n_jobs == 0:
            fresh = []
            for task in tasks:
                fresh.append(_run_task(task))
                tick()
        else:
            with _no_cyclic_gc():  # here: unpickling the workers' results
                fresh = _run_parallel(tasks, max(1, n_jobs), limits, tick, on_started=_start_warm_up)
        for i, result in zip(todo, fresh, strict=True):
            result.sha256 = entries[i][3]
            results[i] = result
    if bar is not None:
        bar.close()
    for problem in problems:  # listed with their reason, never opened
        label = _label(problem.path, problem.root)
        results.append(_refused(label, FileRefused(problem.code, label, problem.detail), problem.code))
    _WARM_IDLE.wait(timeout=120)  # never two threads in pandera at once
    import pandas as pd

    from ..schema import validate  # imported here: the cached path above never needs pandera

    with _no_cyclic_gc():  # the tail allocates many objects without cycles, like the workers
        done = [r for r in results if r is not None]
        table = _combine([r.records for r in done])  # DataFrames and/or Arrow records
        table = _flag_duplicates(table)
        rejects = pd.DataFrame(
            [x for r in done for x in r.rejects],
            columns=["source_file", "source_sheet", "source_row", "column", "value", "reason"],
        )
        readable = any(r.status == "ok" for r in done)
        try:
            # the table is final: its files are written (in threads, into the new generation) during validation
            with _Outputs(out, table, xlsx) if write and readable else nullcontext() as outputs:
                failures = validate(table)
                report = _build_report(done, table, rejects, failures, time.perf_counter() - started)
                report["run_key"] = run_key
                result = IngestResult(table, rejects, report, out if write else None)
                result.notices = notices
                if failures:
                    report["validation_failures"] = failures
                if write and not readable:  # nothing could be read: never replace a good set with an empty one
                    notices.append(("no_file_readable", {"count": len(done), "out": out}))
                    report["kept_previous"] = True
                if outputs is not None:
                    _out.pause_point("writing")
                    outputs.finish(result, run_key, lambda code, fields: notices.append((code, fields)))
                    result.files_dir = outputs.generation.dir
        except OSError as exc:
            raise _write_error(out, exc) from exc
    return result


def _os_problem(label: str, exc: OSError) -> FileRefused:
    """An OSError met while hashing a file, as the refusal that names its real cause."""
    if exc.errno == errno.ELOOP:
        return FileRefused("link_loop", label, str(exc.strerror or exc))
    if exc.errno == errno.ENOENT:
        return FileRefused("dangling_link", label, str(exc.strerror or exc))
    return FileRefused("unreadable", label, str(exc.strerror or exc))


def _write_error(out: Path, exc: OSError) -> OutputError:
    """A failed write of the new set (the set was discarded, the previous one is still published)."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return OutputError("out_disk_full_during", out)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError("out_not_writable", out)
    return OutputError("out_write_failed", out, detail=printable(str(exc.strerror or exc)))


def _arrow_to_frame(table: Any) -> pd.DataFrame:
    """Arrow → pandas in the contract's dtypes: gaps in text filled with '', counts as nullable Int64."""
    import pandas as pd
    import pyarrow.compute as pc

    pa = _arrow()
    for i, f in enumerate(table.schema):
        if pa.types.is_string(f.type) and table.column(i).null_count:
            table = table.set_column(i, f.name, pc.fill_null(table.column(i), ""))
    frame = table.to_pandas()
    for name in ("year", "n_projects"):  # nullable: a year the sheet does not state stays <NA>
        if name in frame and pa.types.is_integer(table.schema.field(name).type):
            frame[name] = table.column(name).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    return frame


def _combine(parts: list[Any]) -> pd.DataFrame:
    """One table from every file's records, in file order (Arrow tables, pickled Arrow, or DataFrames)."""
    import pandas as pd

    from ..schema import empty_table, enforce_types

    pa = _arrow()
    tables = [
        p.to_table() if isinstance(p, _ArrowRecords)
        else pa.Table.from_pandas(p, preserve_index=False) if isinstance(p, pd.DataFrame)
        else p
        for p in parts
        if len(p)
    ]
    if not tables:
        return empty_table()
    try:
        frame = _arrow_to_frame(pa.concat_tables(tables, promote_options="permissive"))
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # incompatible column types: convert one by one
        frame = pd.concat([_arrow_to_frame(t) for t in tables], ignore_index=True)
    return enforce_types(frame)


def _flag_duplicates(table: pd.DataFrame) -> pd.DataFrame:
    """The same project line in two files is flagged on both, never dropped (the analyst decides)."""
    if table.empty:
        return table
    projects = table[(table["record_type"] == "project") & (table["title"] != "")]
    if projects.empty:
        return table
    key = ["province", "year", "stage", "funding_source", "amount_vnd"]
    # Only a key (province, year, stage, source, amount) found in two or more files can hold a duplicate:
    # fold the titles of those rows only (folding every title was most of the cost at national scale).
    in_files = projects.groupby(key, sort=False, dropna=False)["source_file"].transform("nunique")
    projects = projects[(in_files > 1).to_numpy()]
    if projects.empty:
        return table
    norm_title = projects["title"].map(fold)
    norm_benef = projects["beneficiary"].map(fold)
    frame = projects[key].assign(_t=norm_title, _b=norm_benef, _f=projects["source_file"])
    n_files = frame.groupby([*key, "_t", "_b"], dropna=False)["_f"].transform("nunique")
    dup_index = frame.index[n_files > 1]
    if len(dup_index):
        flags = table.loc[dup_index, "flags"]
        table.loc[dup_index, "flags"] = [
            ";".join(sorted({*filter(None, f.split(";")), "duplicate_in_other_file"})) for f in flags
        ]
    return table


_NOT_USED = {SAMPLES_SKIPPED, OVERRIDE_SKIPPED}  # files listed, on purpose not read


def _build_report(
    results: list[FileResult], table: pd.DataFrame, rejects: pd.DataFrame, failures: list[str], seconds: float
) -> dict[str, Any]:
    files = [r.report() for r in results]
    recon = [e for f in files for s in f["sheets"] for e in s.get("reconciliation", [])]
    totals = {
        "files": len(files),
        "files_error": sum(1 for f in files if f["status"] != "ok"),
        "files_not_used": sum(1 for f in files if set(f.get("warnings", [])) & _NOT_USED),
        "sheets": sum(len(f["sheets"]) for f in files),
        "rows_read": sum(s.get("rows_read", 0) for f in files for s in f["sheets"]),
        "rows_recorded": sum(s.get("records", 0) for f in files for s in f["sheets"]),
        "records": len(table),
        "rejected": len(rejects),
        "reconciled": sum(1 for e in recon if e.get("ok") is True),
        "reconcile_failed": sum(1 for e in recon if e.get("ok") is False),
        "amount_vnd": int(table["amount_vnd"].sum()) if len(table) else 0,
        "flagged": int((table["flags"] != "").sum()) if len(table) else 0,
        "duplicates": int(table["flags"].str.contains("duplicate_in_other_file").sum()) if len(table) else 0,
        "stage_unspecified": int((table["stage"] == "unspecified").sum()) if len(table) else 0,
        "year_unspecified": int(table["year"].isna().sum()) if len(table) else 0,
        "province_unspecified": int((table["province"] == "").sum()) if len(table) else 0,
        "unconfirmed": int(table["flags"].str.contains("unconfirmed").sum()) if len(table) else 0,
    }
    return {
        "version": __version__,
        "seconds": round(seconds, 3),
        "from_cache": False,
        "totals": totals,
        "validation_failures": failures,
        "files": files,
        "messages": [m for r in results for m in r.messages],
    }


# Above this size the report is written compactly by json's C encoder (indent forces the pure-Python one,
# 0.3 s for a national run); smaller reports stay indented for people who open them.
_JSON_INDENT_MAX_BYTES = 256 * 1024


def report_json(report: dict[str, Any]) -> str:
    """ingest_report.json's text: indented when small, compact when large (same content either way)."""
    text = json.dumps(report, ensure_ascii=False, default=str, separators=(",", ":"))
    if len(text) <= _JSON_INDENT_MAX_BYTES:
        text = json.dumps(report, ensure_ascii=False, indent=1, default=str)
    return text


def write_outputs(result: IngestResult, out: Path, xlsx: bool | None = None) -> None:
    """funding.parquet/.csv(/.xlsx), rejects.csv, ingest_report.json/.html as one set published whole.

    Everything is written into a new generation folder and published by renaming one pointer file, under
    the output folder's lock, so an interrupted or failed run leaves the previous set intact (never a new
    table next to an old report).
    """
    out = Path(out)
    _out.check_folder(out, _out.published_bytes(out))
    with _out.OutputLock(out, say=_out.stderr_say()):
        pointer = _out.read_pointer(out)
        _out.remove_leftovers(out, keep=pointer["generation"] if pointer else None)
        try:
            with _Outputs(out, result.table, xlsx) as outputs:
                outputs.finish(result, str(result.report.get("run_key", "")),
                               lambda code, fields: result.notices.append((code, fields)))
        except OSError as exc:
            raise _write_error(out, exc) from exc


class _Outputs:
    """The output files of one run: written into a new generation, then published together.

    Creating it starts writing funding.parquet and funding.csv in two threads (pyarrow and the file system
    release the GIL), so the caller can go on (validation, the report) meanwhile; :meth:`finish` writes the
    rest, waits for the threads and publishes. Leaving the with-block always waits for the threads and
    removes the generation if it was not published, whatever happened.
    """

    def __init__(self, out: Path, table: pd.DataFrame, xlsx: bool | None) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from ..safe_export import write_csv

        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.table = table
        self.want_xlsx = xlsx if xlsx is not None else len(table) <= config.XLSX_MAX_ROWS
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ingest-write")
        self.generation = _out.Generation(out)
        self.stage = self.generation.dir
        try:
            self.writes = [
                self.pool.submit(table.to_parquet, self.stage / "funding.parquet", index=False),
                self.pool.submit(write_csv, table, self.stage / "funding.csv"),
            ]
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> _Outputs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.generation.discard()

    def finish(self, result: IngestResult, run_key: str, say: _out.Say | None = None) -> None:
        from ..excel import write_funding_xlsx
        from ..safe_export import write_csv
        from .report_page import render_ingest_report

        stage = self.stage
        write_csv(result.rejects, stage / "rejects.csv")
        (stage / "ingest_report.json").write_text(report_json(result.report), encoding="utf-8")
        (stage / "ingest_report.html").write_text(render_ingest_report(result.report), encoding="utf-8")
        if self.want_xlsx:
            write_funding_xlsx(self.table, stage / "funding.xlsx")
        for write in self.writes:
            write.result()
        for produced in stage.iterdir():
            os.chmod(produced, 0o644)
        os.chmod(stage, 0o755)
        self.generation.publish(run_key, say)


def year_range(text: str) -> list[int]:
    """'2015-2018' → [2015, …, 2018]; '2016' → [2016]; '2015,2017' → [2015, 2017]."""
    years: list[int] = []
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-", 1)
            years.extend(range(int(a), int(b) + 1))
        else:
            years.append(int(part))
    return years
