"""Orchestrate raw files → one validated tidy table (+ rejects and a report). The public ``ingest()``.

readers (bytes → cells, safety limits) → layout (header, unit) → sheet (rows → records, reconciliation)
→ schema (pandera) → atomic writes. Files are processed in parallel worker processes, each bounded in time
and memory, and cached by content hash so an unchanged file is never parsed twice.

Importing this module does not import pandas: a re-run on unchanged inputs answers from the outputs of the
previous run, and its table is only read when it is used (``IngestResult.table``).
"""

from __future__ import annotations

import contextlib
import fnmatch
import gc
import hashlib
import json
import os
import pickle
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, classify, config
from .errors import FileRefused, InputError, KhuyenCongError
from .text import fold, nfc

if TYPE_CHECKING:
    import pandas as pd

CACHE_FORMAT = 3


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
    from .columns import COLUMNS

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

    @classmethod
    def _from_outputs(cls, out: Path, report: dict[str, Any]) -> IngestResult:
        """A cache hit: the report now, the table and rejects from ``out`` when first used."""
        result = cls(None, None, report, out, from_cache=True)
        result._signatures = {name: _file_signature(out / name) for name in ("funding.parquet", "rejects.csv")}
        return result

    def _load(self, name: str) -> pd.DataFrame:
        import pandas as pd

        assert self.out_dir is not None
        path = self.out_dir / name
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

        if lang == "en":
            return (
                f"{n(len(files))} file(s), {n(n_err)} unreadable{f', {n(unused)} not used' if unused else ''}; "
                f"{n(totals['records'])} amount records, {n(totals['rejected'])} rows rejected, "
                f"{n(totals['reconcile_failed'])} totals that do not reconcile"
            )
        return (
            f"{n(len(files))} tệp, {n(n_err)} tệp không đọc được{f', {n(unused)} tệp không dùng' if unused else ''}; "
            f"{n(totals['records'])} dòng số liệu, {n(totals['rejected'])} dòng bị loại, "
            f"{n(totals['reconcile_failed'])} tổng cộng không khớp"
        )


# ---------------------------------------------------------------- files and overrides


def collect_files(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, Path]]:
    """Spreadsheets under the given files/folders as (path, root it was found under), sorted.

    Folders are searched recursively; hidden files, Office lock files (~$…), READMEs and the
    ``published/`` reference folder are left out.
    """
    found: dict[Path, Path] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"không tìm thấy: {path} (path not found)")
        if path.is_file():
            found.setdefault(path.resolve(), path.resolve().parent)
            continue
        root = path.resolve()
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "published")
            for name in sorted(filenames):
                if name.startswith((".", "~$")) or name.lower().startswith("readme"):
                    continue
                if Path(name).suffix.lower() in config.SPREADSHEET_SUFFIXES:
                    found.setdefault(Path(dirpath, name), root)
    return sorted(found.items())


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
    """Path shown to users and stored in source_file: relative to the raw folder when possible."""
    for base in (config.RAW_DIR, root.parent, root):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def load_overrides(path: Path, root: Path) -> dict[str, Any]:
    """Merge ``khuyencong.yaml`` entries that match this file, from the raw root down to its folder."""
    merged: dict[str, Any] = {}
    folders = [path.parent, *path.parent.parents]
    chain = []
    for folder in folders:
        chain.append(folder)
        if folder == root or folder == root.parent:
            break
    for folder in reversed(chain):
        candidate = folder / config.OVERRIDE_FILENAME
        if not candidate.is_file():
            continue
        import yaml  # only when there is an override file: a cached re-run should not pay for it

        try:
            content = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise InputError(f"{candidate}: không đọc được tệp cấu hình ({exc})") from exc
        for entry in content.get("files", []) or []:
            pattern = str(entry.get("match", "*"))
            if fnmatch.fnmatch(path.name, pattern) or fnmatch.fnmatch(fold(path.name), fold(pattern)):
                merged.update({k: v for k, v in entry.items() if k != "match"})
    return merged


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@cache
def _code_fingerprint() -> str:
    """Changes whenever the package or its vocabulary changes, so stale caches are never used."""
    digest = hashlib.sha256(f"{__version__}:{CACHE_FORMAT}".encode())
    package = Path(__file__).resolve().parent
    for sub in sorted(
        [*package.glob("*.py"), *package.glob("vocab/*.csv"), *package.glob("reference/*.csv")]
    ):
        digest.update(sub.name.encode())
        digest.update(sub.read_bytes())
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------- one file


def _detect_context(
    texts: list[tuple[str, str]], options: IngestOptions, overrides: dict[str, Any]
) -> dict[str, tuple[Any, str]]:
    """Province, year, stage and sheet-wide funding source from (where, text) pairs in priority order."""
    out: dict[str, tuple[Any, str]] = {}
    for key, forced in (("province", options.province), ("year", options.year), ("stage", options.stage)):
        if forced:
            out[key] = (forced, "command line")
        elif overrides.get(key):
            out[key] = (overrides[key], "khuyencong.yaml")
    for where, text in texts:
        if not text:
            continue
        is_name = where in ("sheet name", "file name", "folder")
        if "province" not in out:
            found = classify.detect_province(text)
            if found:
                out["province"] = (found, where)
        if "year" not in out:
            year = classify.detect_year(text)
            if year:
                out["year"] = (year, where)
        if "stage" not in out:
            stage = classify.detect_stage(text, tokens=is_name)
            if stage:
                out["stage"] = (stage, where)
        if "funding_source" not in out and not is_name:
            folded = fold(text)
            sources = {
                value
                for key, value, rx in classify.source_matcher().entries
                if key in folded and rx.search(folded) and value != "counterpart"
            }
            if len(sources) == 1:
                out["funding_source"] = (sources.pop(), where)
    if overrides.get("funding_source"):
        out["funding_source"] = (overrides["funding_source"], "khuyencong.yaml")
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
            found = _detect_context(
                [("title", own_title), ("workbook title", workbook_title), ("sheet name", sheet.name),
                 ("file name", Path(label).stem), ("folder", folders)],
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
            ctx.funding_source = str(found.get("funding_source", ("", ""))[0])
            result = process_sheet(sheet, ctx, layout)
            result.report.update(
                province_from=ctx.province_from, year_from=ctx.year_from, stage_from=ctx.stage_from,
                funding_source=ctx.funding_source,
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
                results[i] = _refused(label, FileRefused("memory", label, f"worker died: {exc}"), "memory")
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
        from . import report_ingest, schema

        schema.validate(schema.empty_table())  # pandera sets up its backends on the first validation
        report_ingest.template()
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
) -> IngestResult:
    """Read every spreadsheet under ``paths`` into one validated tidy table.

    Returns an :class:`IngestResult`; with ``write`` it also writes funding.parquet/.csv(/.xlsx),
    rejects.csv, ingest_report.json and ingest_report.html into ``out_dir`` (atomically).
    Bad files never raise: they get status 'error' in the report.
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

    files = collect_files(paths)
    set_aside = samples_beside_own_files(files)
    entries = []
    for path, root in files:
        label = _label(path, root)
        overrides = load_overrides(path, root)
        try:
            digest = _sha256(path)
        except OSError as exc:
            entries.append((path, label, overrides, "", str(exc)))
            continue
        entries.append((path, label, overrides, digest, ""))
    option_key = json.dumps([province, year, stage, limits.__dict__], sort_keys=True, default=str)
    run_key = hashlib.sha256(
        json.dumps([_code_fingerprint(), option_key, [(e[1], e[3], e[2]) for e in entries]],
                   sort_keys=True, default=str).encode()
    ).hexdigest()

    state_path = out / ".ingest_state.json"
    if cache and write and state_path.is_file() and (out / "funding.parquet").is_file():
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
            if state.get("run_key") == run_key and _parquet_looks_whole(out / "funding.parquet"):
                report = json.loads((out / "ingest_report.json").read_text(encoding="utf-8"))
                hit = IngestResult._from_outputs(out, report)  # table and rejects are read when used
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
    for i, (path, label, overrides, digest, error) in enumerate(entries):
        if error:
            results[i] = _refused(label, FileRefused("unreadable", label, error), "unreadable")
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
    _WARM_IDLE.wait(timeout=120)  # never two threads in pandera at once
    import pandas as pd

    from .schema import validate  # imported here: the cached path above never needs pandera

    with _no_cyclic_gc():  # the tail allocates many objects without cycles, like the workers
        done = [r for r in results if r is not None]
        table = _combine([r.records for r in done])  # DataFrames and/or Arrow records
        table = _flag_duplicates(table)
        rejects = pd.DataFrame(
            [x for r in done for x in r.rejects],
            columns=["source_file", "source_sheet", "source_row", "column", "value", "reason"],
        )
        # the table is final: its files are written (in threads, into the staging folder) during the validation
        with _Outputs(out, table, xlsx) if write else nullcontext() as outputs:
            failures = validate(table)
            report = _build_report(done, table, rejects, failures, time.perf_counter() - started)
            report["run_key"] = run_key
            result = IngestResult(table, rejects, report, out if write else None)
            if failures:
                report["validation_failures"] = failures
            if outputs is not None:
                outputs.finish(result)
                _write_json(state_path, {"run_key": run_key})
    return result


def _parquet_looks_whole(path: Path) -> bool:
    """A parquet file starts and ends with b'PAR1': a truncated or foreign file is re-made, not trusted."""
    with path.open("rb") as handle:
        head = handle.read(4)
        handle.seek(0, os.SEEK_END)
        if handle.tell() < 12:
            return False
        handle.seek(-4, os.SEEK_END)
        return head == b"PAR1" and handle.read(4) == b"PAR1"


def _arrow_to_frame(table: Any) -> pd.DataFrame:
    """Arrow → pandas in the contract's dtypes: gaps in text filled with '', counts as nullable Int64."""
    import pandas as pd
    import pyarrow.compute as pc

    pa = _arrow()
    for i, f in enumerate(table.schema):
        if pa.types.is_string(f.type) and table.column(i).null_count:
            table = table.set_column(i, f.name, pc.fill_null(table.column(i), ""))
    frame = table.to_pandas()
    if "n_projects" in frame and pa.types.is_integer(table.schema.field("n_projects").type):
        frame["n_projects"] = table.column("n_projects").to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    return frame


def _combine(parts: list[Any]) -> pd.DataFrame:
    """One table from every file's records, in file order (Arrow tables, pickled Arrow, or DataFrames)."""
    import pandas as pd

    from .schema import empty_table, enforce_types

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


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    from .safe_export import atomic_path

    with atomic_path(path) as tmp:
        Path(tmp).write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


def write_outputs(result: IngestResult, out: Path, xlsx: bool | None = None) -> None:
    """funding.parquet/.csv(/.xlsx), rejects.csv, ingest_report.json/.html.

    Everything is written into a staging folder first and only then renamed into place, so an interrupted
    or failed run leaves the previous outputs intact (never a new table next to an old report).
    """
    with _Outputs(out, result.table, xlsx) as outputs:
        outputs.finish(result)


class _Outputs:
    """The output files of one run: staged, then renamed into ``out`` together (see :func:`write_outputs`).

    Creating it starts writing funding.parquet and funding.csv in two threads (pyarrow and the file system
    release the GIL), so the caller can go on (validation, the report) meanwhile; :meth:`finish` writes the
    rest, waits for the threads and renames. Leaving the with-block always waits for the threads and removes
    the staging folder, whatever happened.
    """

    def __init__(self, out: Path, table: pd.DataFrame, xlsx: bool | None) -> None:
        import tempfile
        from concurrent.futures import ThreadPoolExecutor

        from .safe_export import write_csv

        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.table = table
        self.want_xlsx = xlsx if xlsx is not None else len(table) <= config.XLSX_MAX_ROWS
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ingest-write")
        self.stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
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
        import shutil

        self.pool.shutdown(wait=True)
        shutil.rmtree(self.stage, ignore_errors=True)

    def finish(self, result: IngestResult) -> None:
        from .excel import write_funding_xlsx
        from .report_ingest import render_ingest_report
        from .safe_export import write_csv

        stage, out = self.stage, self.out
        write_csv(result.rejects, stage / "rejects.csv")
        (stage / "ingest_report.json").write_text(report_json(result.report), encoding="utf-8")
        (stage / "ingest_report.html").write_text(render_ingest_report(result.report), encoding="utf-8")
        if self.want_xlsx:
            write_funding_xlsx(self.table, stage / "funding.xlsx")
        for write in self.writes:
            write.result()
        for produced in sorted(stage.iterdir()):
            os.chmod(produced, 0o644)
            os.replace(produced, out / produced.name)
        if not self.want_xlsx and (out / "funding.xlsx").exists():
            (out / "funding.xlsx").unlink()  # a stale Excel copy would disagree with the new table


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
