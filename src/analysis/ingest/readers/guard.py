"""Reading in a bounded worker: an address-space rlimit, and a child process bounded in wall time.

Why: a pre-parse check we missed must still not hang a batch or take the machine down; a hung or
exploding read becomes ``FileRefused('timeout')`` or ``FileRefused('memory')``.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from ...config import Limits
from ...errors import FileRefused
from .model import Workbook


def apply_memory_limit(limits: Limits | None = None) -> None:
    """Cap this process's address space at its current size + ``limits.memory_mb_per_file``.

    Meant for a worker process (pool initializer or the guarded child): a parse that explodes then gets
    MemoryError (or dies on a failed Rust allocation) instead of taking the machine down. The baseline
    is added because a forked worker inherits its parent's mappings (pandas, numpy, the data so far).
    """
    limits = limits or Limits()
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the wall-clock limit still applies
        return
    budget = max(64, limits.memory_mb_per_file) * 1024 * 1024
    baseline = _current_address_space()
    target = baseline + budget
    for which in (getattr(resource, "RLIMIT_AS", None), getattr(resource, "RLIMIT_DATA", None)):
        if which is None:
            continue
        try:
            _soft, hard = resource.getrlimit(which)
            new = target if hard == resource.RLIM_INFINITY else min(target, hard)
            resource.setrlimit(which, (new, hard))
            return
        except (ValueError, OSError):
            continue


def _current_address_space() -> int:
    """VmSize of this process in bytes (0 when /proc is unavailable)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _guarded_target(path: Path, limits: Limits) -> Workbook:
    import faulthandler

    from . import read_workbook  # the package entry; imported here as the package imports this module

    # A native abort here is an expected outcome the parent turns into FileRefused('memory'); an
    # inherited faulthandler would dump a fatal-error report over the analyst's console.
    faulthandler.disable()
    apply_memory_limit(limits)
    return read_workbook(path, limits)


def read_workbook_guarded(path: Path | str, limits: Limits | None = None) -> Workbook:
    """:func:`read_workbook` in a child process bounded in wall time and memory.

    A hung parse becomes ``FileRefused('timeout')``; one that exhausts its memory budget — or dies on a
    failed native allocation — becomes ``FileRefused('memory')``.
    """
    from concurrent.futures import TimeoutError as FutureTimeout

    from pebble import ProcessExpired, concurrent

    path = Path(path)
    limits = limits or Limits()
    # fork: no re-import of pandas/calamine per file (spawn costs ~1 s); elsewhere the platform default.
    context = (
        multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    )
    runner = concurrent.process(timeout=limits.seconds_per_file, daemon=True, mp_context=context)(
        _guarded_target
    )
    future = runner(path, limits)
    try:
        return future.result()
    except FileRefused:
        raise
    except FutureTimeout:
        raise FileRefused(
            "timeout", path, f"reading took longer than {limits.seconds_per_file:g} s"
        ) from None
    except ProcessExpired as exc:
        code = exc.exitcode
        if code in (-6, -9, 134, 137):  # SIGABRT (failed native allocation) / SIGKILL (OOM killer)
            raise FileRefused("memory", path, f"reader process died (exit code {code})") from None
        raise FileRefused("corrupt", path, f"reader process crashed (exit code {code})") from None
    except MemoryError:
        raise FileRefused("memory", path, "out of memory while reading") from None
    except Exception as exc:
        raise FileRefused("corrupt", path, f"{type(exc).__name__}: {str(exc)[:300]}") from None
