"""Where the files of a run are read: hashing threads, a pool of worker processes, their limits and deaths.

Each file is read in a worker process (pebble), bounded in wall-clock time and memory: a hung or exploding
file is refused, never fatal, and a worker killed by the kernel or crashing in native code says why. While
the workers read, the main process warms up what the serial tail needs (pandas, pandera, the report page).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import os
import pickle
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from .. import config
from ..errors import FileRefused
from . import cache, process
from .files import kind_of
from .overrides import FileOverrides
from .process import FileResult, IngestOptions, refused


class Task(NamedTuple):
    """One file to read, with where its per-file cache entry goes (None: not cached)."""

    path: Path
    label: str
    options: IngestOptions
    overrides: FileOverrides
    sha256: str
    cache_file: Path | None


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
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


def _worker(task: Task) -> FileResult:
    """One file, whatever happens: an unexpected error is a refusal of that file, not of the run."""
    try:
        with no_cyclic_gc():
            return process.process_file(task.path, task.label, task.options, task.overrides)
    except MemoryError as exc:
        return refused(task.label, exc, "memory")
    except Exception as exc:  # the contract: one bad file never stops the others
        if os.environ.get("KHUYENCONG_DEBUG"):
            raise
        return refused(task.label, exc, "corrupt")


def run_task(task: Task) -> FileResult:
    """One file in this process (``jobs=0``), stored in the per-file cache when asked."""
    result = _worker(task)
    result.sha256 = task.sha256
    if task.cache_file is not None and cache.cacheable(result):
        cache.store(task.cache_file, cache.pickled(result))
    return result


def run_task_in_worker(task: Task) -> bytes:
    """In a worker process: process one file, write its cache entry and return it pickled.

    The result is pickled once, here, and the same bytes go to the cache file and back to the main process
    (which only unpickles them), so caching costs the main process nothing.
    """
    result = _worker(task)
    result.sha256 = task.sha256
    try:
        data = cache.pickled(result)
    except MemoryError as exc:
        result = refused(task.label, exc, "memory")
        result.sha256 = task.sha256
        data = cache.pickled(result)
    if task.cache_file is not None and cache.cacheable(result):
        cache.store(task.cache_file, data)
    return data


def _init_worker(limits: config.Limits) -> None:
    from .readers import apply_memory_limit

    apply_memory_limit(limits)
    # forked while the parent paused the collector: collect between files again (each file pauses it), and
    # leave the modules inherited from the parent out of every future collection
    gc.enable()
    gc.freeze()


def death_code(exitcode: int | None) -> str:
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


def run_serial(tasks: list[Task], on_done: Callable[[], None]) -> list[FileResult]:
    """Every file in this process, in order (``jobs=0``: debugging, tests, a single core)."""
    results = []
    for task in tasks:
        results.append(run_task(task))
        on_done()
    return results


def run_parallel(
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
    order = sorted(range(len(tasks)), key=lambda i: -_size(tasks[i].path))
    with ProcessPool(max_workers=jobs, initializer=_init_worker, initargs=(limits,)) as pool:
        # the first schedule() starts the pool: its initial workers are forked before it returns
        scheduled = {i: pool.schedule(run_task_in_worker, args=(tasks[i],), timeout=limits.seconds_per_file)
                     for i in order}
        futures = [scheduled[i] for i in range(len(tasks))]
        if on_started is not None:
            on_started()
        for i, future in enumerate(futures):
            label = tasks[i].label
            try:
                results[i] = pickle.loads(future.result())
            except FuturesTimeout:
                results[i] = refused(label, FileRefused("timeout", label, f"> {limits.seconds_per_file} s"),
                                     "timeout")
            except ProcessExpired as exc:
                code = death_code(getattr(exc, "exitcode", None))
                results[i] = refused(label, FileRefused(code, label, f"worker died: {exc}"), code)
            except Exception as exc:
                results[i] = refused(label, exc, "corrupt")
            on_done()
    return [r for r in results if r is not None]


# ---------------------------------------------------------------- hashing


class _NotHashed(Exception):
    """A file the main process will not read to hash it (the refusal says why)."""

    def __init__(self, refusal: FileRefused) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal


def hash_file(path: Path, label: str = "", limits: config.Limits | None = None) -> str:
    """SHA-256 of a regular file within the parsing limits (size, time): never blocks on a pipe or a device.

    The file is opened non-blocking and checked with fstat before any read, so a file swapped for a FIFO
    after discovery is refused, not waited on.
    """
    limits = limits or config.Limits()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise _NotHashed(FileRefused("special_file", label or path, kind_of(st.st_mode)))
        if st.st_size > limits.max_file_bytes:
            raise _NotHashed(FileRefused("too_large", label or path, f"{st.st_size} bytes"))
        digest = hashlib.sha256()
        deadline = time.monotonic() + limits.seconds_per_file
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            if time.monotonic() > deadline:
                raise _NotHashed(FileRefused("timeout", label or path, "hashing"))
    return digest.hexdigest()


def _os_problem(label: str, exc: OSError) -> FileRefused:
    """An OSError met while hashing a file, as the refusal that names its real cause."""
    if exc.errno == errno.ELOOP:
        return FileRefused("link_loop", label, str(exc.strerror or exc))
    if exc.errno == errno.ENOENT:
        return FileRefused("dangling_link", label, str(exc.strerror or exc))
    return FileRefused("unreadable", label, str(exc.strerror or exc))


def _hash_one(path: Path, label: str, limits: config.Limits) -> str | FileRefused:
    try:
        return hash_file(path, label, limits)
    except _NotHashed as exc:
        return exc.refusal
    except OSError as exc:
        return _os_problem(label, exc)


def hash_files(items: list[tuple[Path, str]], limits: config.Limits) -> list[str | FileRefused]:
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


def start_warm_up() -> None:
    """Import what the serial tail needs in a background thread (the main process waits for workers)."""
    if not _WARM_IDLE.is_set():
        return
    _WARM_IDLE.clear()
    try:
        threading.Thread(target=_warm_up, name=_WARM_THREAD_NAME, daemon=True).start()
    except RuntimeError:
        _WARM_IDLE.set()


def wait_for_warm_up() -> None:
    """Before the tail: never two threads in pandera at once."""
    _WARM_IDLE.wait(timeout=120)
