"""Orchestrate raw files → one validated tidy table (+ rejects and a report). The public ``ingest()``.

files (discovery) → overrides (khuyencong.yaml) → runner (hashing, worker processes) → process (one file:
readers → layout → sheet, with context) → cache → records (one Arrow table) → duplicates → schema (pandera)
→ report → write (one output set, published atomically). Files are processed in parallel worker processes,
each bounded in time and memory, and cached by content hash so an unchanged file is never parsed twice.

Importing this package does not import pandas: a re-run on unchanged inputs answers from the outputs of the
previous run, and its table is only read when it is used (``IngestResult.table``).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any, NamedTuple

from .. import config
from .. import outputs as _out
from ..errors import FileRefused, InputError, OutputError, printable
from ..text import nfc
from . import cache as _cache
from . import classify
from . import duplicates as _duplicates
from . import files as _files
from . import records as _records
from . import report as _report
from . import runner as _runner
from . import write as _write
from .cache import CACHE_FORMAT
from .context import year_range
from .files import (
    OVERRIDE_SKIPPED,
    SAMPLES_SKIPPED,
    InputProblem,
    collect_files,
    discover,
    samples_beside_own_files,
)
from .overrides import FileOverrides
from .process import FileResult, IngestOptions, process_file, refused
from .report import report_json
from .result import IngestResult, StaleResultError
from .write import write_outputs

__all__ = [
    "CACHE_FORMAT", "OVERRIDE_SKIPPED", "SAMPLES_SKIPPED", "FileOverrides", "FileResult", "IngestOptions",
    "IngestResult", "InputProblem", "StaleResultError", "collect_files", "discover", "ingest", "load_overrides",
    "process_file", "report_json", "samples_beside_own_files", "write_outputs", "year_range",
]

Notices = list[tuple[str, dict[str, Any]]]  # (message code, fields): said around the files of a run


def load_overrides(path: Path, root: Path) -> FileOverrides:
    """Merge ``khuyencong.yaml`` entries that match this file, from the raw root down to its folder.

    Each yaml is validated as a whole (:mod:`analysis.ingest.overrides`): a yaml that does not follow the schema
    raises :class:`~analysis.errors.OverridesError` naming every problem and its line, before any file is read.
    """
    from .overrides import for_file

    return for_file(path, root)


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

    files, problems = _files.discover(paths)
    if not files and not problems:
        where = ", ".join(printable(str(p)) for p in paths)
        raise OutputError("no_input_files", where, out=printable(str(out)))
    run = _Run(options, out, cache_root, started, write=write, xlsx=xlsx, jobs=jobs, cache=cache, progress=progress)
    if not write:
        return run.go(files, problems, notices=[])
    _out.check_folder(out, _out.published_bytes(out))  # before any work: the path and what to do
    notices: Notices = []
    with _out.OutputLock(out, say=_out.stderr_say(lang)) as lock:
        _out.pause_point("locked")
        pointer = _out.read_pointer(out)
        leftovers = _out.remove_leftovers(out, keep=pointer["generation"] if pointer else None)
        leftovers |= _cache.remove_dead_temps(cache_root)
        if lock.stale is not None and leftovers:
            notices.append(("out_stale_lock", {"path": out, "pid": lock.stale.get("pid", "?"),
                                               "since": lock.stale.get("started", "?")}))
        return run.go(files, problems, notices=notices)


class _Entry(NamedTuple):
    """One discovered file before it is read: its overrides and SHA-256, or why it cannot be hashed."""

    path: Path
    label: str
    overrides: FileOverrides
    digest: str
    refusal: FileRefused | None


_SAMPLE_MESSAGE = ("bỏ qua: dữ liệu minh họa kèm theo, không dùng khi đã có tệp của bạn "
                   "(illustrative sample, skipped: your own files are present)")
# rejects.csv: where, what and why ('reason' in English for tools; 'reason_code' and 'reason_params' (JSON) render
# it in Vietnamese or English, see analysis.messages)
_REJECT_COLUMNS = ["source_file", "source_sheet", "source_row", "column", "value", "reason", "reason_code",
                   "reason_params"]


def _reject_rows(done: list[FileResult]) -> list[dict[str, Any]]:
    return [{**x, "reason_params": json.dumps(x.get("reason_params", {}), ensure_ascii=False, sort_keys=True)}
            for r in done for x in r.rejects]


class _Run:
    """One run of :func:`ingest` once its inputs are known (under the output lock when writing)."""

    def __init__(self, options: IngestOptions, out: Path, cache_root: Path, started: float, *, write: bool,
                 xlsx: bool | None, jobs: int | None, cache: bool, progress: bool | None) -> None:
        self.options, self.out, self.cache_root, self.started = options, out, cache_root, started
        self.write, self.xlsx, self.jobs, self.cache, self.progress = write, xlsx, jobs, cache, progress

    def go(self, files: list[tuple[Path, Path]], problems: list[InputProblem], notices: Notices) -> IngestResult:
        """Hash and check every input, answer from the published set when nothing changed, else read."""
        labels = _files.labels(files)
        all_overrides = [load_overrides(path, root) for path, root in files]  # every yaml checked before any read
        digests = _runner.hash_files([(path, label) for (path, _root), label in zip(files, labels, strict=True)],
                                     self.options.limits)
        entries = [
            _Entry(path, label, overrides, "", digest) if isinstance(digest, FileRefused)
            else _Entry(path, label, overrides, digest, None)
            for (path, _root), label, overrides, digest in zip(files, labels, all_overrides, digests, strict=True)
        ]
        run_key = _cache.run_key(self.options, [(e.label, e.digest, e.overrides, e.refusal and e.refusal.code)
                                                for e in entries], problems)
        hit = self._published(run_key, notices) if self.write and self.cache else None
        if hit is not None:
            return hit
        results = self._read(entries, _files.samples_beside_own_files(files))
        for problem in problems:  # listed with their reason, never opened
            label = _files.label(problem.path, problem.root)
            results.append(refused(label, FileRefused(problem.code, label, problem.detail), problem.code))
        return self._tail(results, run_key, notices)

    def _published(self, run_key: str, notices: Notices) -> IngestResult | None:
        """The published set when it answers this very run (same key, every output's hash checked)."""
        out = self.out
        pointer = _out.read_pointer(out)
        if pointer is None or pointer.get("run_key") != run_key or not _out.verify(out, pointer):
            return None
        try:
            gen = _out.generation_dir(out, pointer)
            report = json.loads((gen / "ingest_report.json").read_text(encoding="utf-8"))
            _out.sync_known_paths(out, pointer, lambda code, fields: notices.append((code, fields)))
            hit = IngestResult.from_outputs(out, report, gen)  # table and rejects are read when used
            hit.notices = notices
            report["seconds"] = round(time.perf_counter() - self.started, 3)
            report["from_cache"] = True
            return hit
        except (OSError, ValueError, KeyError):
            return None

    def _read(self, entries: list[_Entry], set_aside: set[Path]) -> list[FileResult]:
        """Every file's result: refused, set aside, from its cache entry, or read now (workers or here)."""
        # The workers build Arrow tables and never need pandas: import pyarrow before the pool forks (they
        # inherit it) and leave pandas to the warm-up thread, which runs while the workers read the files.
        import pyarrow  # noqa: F401

        results: list[FileResult | None] = [None] * len(entries)
        tasks: list[_runner.Task] = []
        todo: list[int] = []
        for i, entry in enumerate(entries):
            if entry.refusal is not None:
                results[i] = refused(entry.label, entry.refusal, entry.refusal.code)
            elif entry.path in set_aside:  # listed in the report, not read
                results[i] = FileResult(entry.label, "ok", _SAMPLE_MESSAGE, _records.no_records(), [], [], [],
                                        warnings=[SAMPLES_SKIPPED], sha256=entry.digest)
            else:
                cache_file = None
                if self.cache:
                    key = _cache.file_key(self.options, entry.label, entry.digest, entry.overrides)
                    cache_file = self.cache_root / f"{key}.pkl"
                    results[i] = _cache.load(cache_file)
                if results[i] is None:  # the worker (or, with jobs=0, this process) writes the cache entry
                    todo.append(i)
                    tasks.append(_runner.Task(entry.path, entry.label, self.options, entry.overrides,
                                              entry.digest, cache_file))
        for i, result in zip(todo, self._run_tasks(tasks), strict=True):
            result.sha256 = entries[i].digest
            results[i] = result
        return [r for r in results if r is not None]

    def _run_tasks(self, tasks: list[_runner.Task]) -> list[FileResult]:
        """The files to read now, with a progress bar on a terminal when there are many."""
        if not tasks:
            return []
        show = self.progress if self.progress is not None else (len(tasks) >= 10 and sys.stderr.isatty())
        bar = None
        if show:
            from tqdm import tqdm

            bar = tqdm(total=len(tasks), desc="Đọc tệp", unit="tệp", file=sys.stderr, leave=False)

        def tick() -> None:
            if bar is not None:
                bar.update(1)

        n_jobs = self.jobs if self.jobs is not None else min(len(tasks), os.cpu_count() or 1, 8)
        try:
            if n_jobs == 0:
                return _runner.run_serial(tasks, tick)
            with _runner.no_cyclic_gc():  # here: unpickling the workers' results
                return _runner.run_parallel(tasks, max(1, n_jobs), self.options.limits, tick,
                                            on_started=_runner.start_warm_up)
        finally:
            if bar is not None:
                bar.close()

    def _tail(self, done: list[FileResult], run_key: str, notices: Notices) -> IngestResult:
        """One table from every file, duplicates flagged, validated, reported and (when writing) published."""
        _runner.wait_for_warm_up()  # never two threads in pandera at once
        import pandas as pd

        from ..schema import validate  # imported here: the cached path above never needs pandera

        out, write = self.out, self.write
        with _runner.no_cyclic_gc():  # the tail allocates many objects without cycles, like the workers
            table = _records.combine([r.records for r in done])  # DataFrames and/or Arrow records
            table = _duplicates.flag_duplicates(table)
            rejects = pd.DataFrame(_reject_rows(done), columns=_REJECT_COLUMNS)
            readable = any(r.status == "ok" for r in done)
            try:
                # the table is final: its files are written (in threads, into the new generation) during validation
                with _write.Outputs(out, table, self.xlsx) if write and readable else nullcontext() as outputs:
                    failures = validate(table)
                    run_report = _report.build(done, table, rejects, failures, time.perf_counter() - self.started)
                    run_report.run_key = run_key
                    if write and not readable:  # nothing could be read: never replace a good set with an empty one
                        notices.append(("no_file_readable", {"count": len(done), "out": out}))
                        run_report.kept_previous = True
                    result = IngestResult(table, rejects, run_report.to_dict(), out if write else None)
                    result.notices = notices
                    if outputs is not None:
                        _out.pause_point("writing")
                        outputs.finish(result, run_key, lambda code, fields: notices.append((code, fields)))
                        result.files_dir = outputs.generation.dir
            except OSError as exc:
                raise _write.write_error(out, exc) from exc
        return result
