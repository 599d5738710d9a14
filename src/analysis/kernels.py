"""Notebook kernels that live for a whole report build: one per worker, running notebook after notebook and
province after province, each run starting from a clean namespace.

Why: a report set is 8 notebooks, a national build 34 sets. Starting a kernel, importing pandas, matplotlib
and this package and loading the fonts cost about as much as running a small province's notebook; paying it
272 times was most of ``report --all-provinces``. Here a kernel is started once per worker, warmed with the
notebooks' imports, and before every notebook its state is put back to what a fresh kernel has:

- the user namespace, ``In``/``Out`` and the execution counter (``InteractiveShell.reset``): a variable
  defined by one run is gone in the next, and the executed notebook numbers its cells from 1 as before;
- matplotlib's rcParams, IPython's display formatters, the warning filters (and the "already shown" records,
  so a warning appears again as in a fresh kernel), open pyplot figures, ``sys.path``, the environment and
  the working directory — as recorded right after the warm-up imports;
- ``analysis.config`` paths, re-read from the run's environment (each run writes into its own build folder).

What is kept on purpose: imported modules and their caches (the tidy table read once per version, label
tables, fonts), which hold no run's results. ``run`` goes through papermill as before, so the executed
notebook, its injected-parameters cell and a failing cell's error are what a fresh kernel gave.

The functions :func:`prepare` and :func:`reset` run *inside* the kernel; :class:`NotebookKernel` and
:class:`KernelPool` run in the building process.
"""

from __future__ import annotations

import importlib
import os
import queue
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

ENGINE_NAME = "khuyencong-reuse"
# What the notebooks import (their first code cell): paid once per kernel instead of once per notebook.
WARM_IMPORTS: tuple[str, ...] = (
    "pandas",
    "pyarrow.parquet",
    "pandas.io.formats.style",
    "IPython.display",
    "analysis.config",
    "analysis.metrics",
    "analysis.fmt",
    "analysis.charts",
    "analysis.brief",
    "analysis.notebook",
)
# rcParams a reset leaves alone: setting them re-selects the backend or switches interactive mode.
_RC_KEEP = ("backend", "backend_fallback", "interactive")

# ------------------------------------------------------------------------------------------ inside the kernel

_SNAPSHOT: dict[str, Any] = {}


def prepare(imports: tuple[str, ...] = WARM_IMPORTS) -> None:
    """In a new kernel, once: import what the notebooks import, then record the state every run starts from."""
    for name in imports:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional module: the notebook that needs it says so itself
            pass
    _SNAPSHOT.clear()
    _SNAPSHOT.update(_capture())


def _capture() -> dict[str, Any]:
    state: dict[str, Any] = {
        "environ": dict(os.environ),
        "sys_path": list(sys.path),
        "warnings": list(warnings.filters),
    }
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        state["rc"] = mpl.rcParams.copy()
    shell = _shell()
    if shell is not None:
        state["formatters"] = {
            name: (dict(f.type_printers), dict(f.deferred_printers), f.enabled)
            for name, f in shell.display_formatter.formatters.items()
        }
    return state


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - a kernel always has IPython
        return None
    return get_ipython()


def reset(cwd: str, env: Mapping[str, str]) -> None:
    """In the kernel, before each notebook: the state of a fresh kernel started in ``cwd`` with ``env``."""
    if not _SNAPSHOT:
        prepare()
    shell = _shell()
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")
    if shell is not None:
        shell.reset(new_session=True)  # namespace, In/Out, execution count back to 1 (and a gc.collect)
    mpl = sys.modules.get("matplotlib")
    saved_rc = _SNAPSHOT.get("rc")
    if mpl is not None and saved_rc is not None:
        setter = getattr(mpl.rcParams, "_set", None)
        for key, value in dict.items(saved_rc):
            if key in _RC_KEEP:
                continue
            if setter is not None:
                setter(key, value)
            else:  # pragma: no cover - matplotlib < 3.7
                dict.__setitem__(mpl.rcParams, key, value)
    if shell is not None:
        for name, (types, deferred, enabled) in _SNAPSHOT.get("formatters", {}).items():
            formatter = shell.display_formatter.formatters.get(name)
            if formatter is None:
                continue
            formatter.type_printers.clear()
            formatter.type_printers.update(types)
            formatter.deferred_printers.clear()
            formatter.deferred_printers.update(deferred)
            formatter.enabled = enabled
    warnings.filters[:] = _SNAPSHOT["warnings"]
    mutated = getattr(warnings, "_filters_mutated", None)
    if mutated is not None:  # every module's "already warned" record is void: warnings show as in a new kernel
        mutated()
    sys.path[:] = _SNAPSHOT["sys_path"]
    os.environ.clear()
    os.environ.update(_SNAPSHOT["environ"])
    os.environ.update(env)
    os.chdir(cwd)
    config = sys.modules.get("analysis.config")
    if config is not None:
        config.refresh_paths()


# ------------------------------------------------------------------------------------------ building process


class KernelError(RuntimeError):
    """The kernel could not be started or prepared (not a notebook's own error)."""


def kernel_manager_class(extra_env: Mapping[str, str]) -> type:
    """An AsyncKernelManager that starts its kernel with ``extra_env`` on top of os.environ.

    Why: kernels are driven from threads of one process, so changing os.environ (or the cwd) per notebook
    would race.
    """
    from jupyter_client import AsyncKernelManager

    env_items = dict(extra_env)

    class _BuildKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw: Any) -> None:  # type: ignore[override]
            kw["env"] = {**os.environ, **(kw.get("env") or {}), **env_items}
            if not os.environ.get("KHUYENCONG_DEBUG"):  # start-up chatter; cell errors come via papermill
                kw.setdefault("stderr", subprocess.DEVNULL)
            await super().start_kernel(**kw)

    return _BuildKernelManager


def _register_engine() -> None:
    """A papermill engine that runs on a kernel (and client) the caller already started.

    Why papermill still: the executed notebook (injected-parameters cell, papermill metadata, error cells)
    and the error it raises stay exactly those of a one-kernel-per-notebook run.
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    if ENGINE_NAME in papermill_engines._engines:
        return

    class ReuseEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(  # type: ignore[override]
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: float = 60,
            execution_timeout: float | None = None,
            **kwargs: Any,
        ) -> Any:
            km, kc = kwargs.pop("km"), kwargs.pop("kc")
            kwargs.pop("input_path", None)
            kwargs.pop("timeout", None)
            kwargs.pop("startup_timeout", None)
            client = PapermillNotebookClient(
                nb_man,
                km=km,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            client.kc = kc  # the long-lived client: no new channels, no wait for the kernel per notebook
            return client.execute()

    papermill_engines.register(ENGINE_NAME, ReuseEngine)


class NotebookKernel:
    """One kernel process and its client, driven by the one thread that uses it (its event loop).

    Started on the first :meth:`run` (with that run's environment and folder), prepared once (imports,
    state snapshot), reset before every notebook, restarted after a run that left it unusable (timeout,
    crash), shut down by :meth:`close`.
    """

    def __init__(self, kernel_name: str, startup_timeout: float = 60) -> None:
        self.kernel_name = kernel_name
        self.startup_timeout = startup_timeout
        self.km: Any = None
        self.kc: Any = None
        self.starts = 0
        self.runs = 0
        self._usable = False

    # -- life cycle

    def start(self, env: Mapping[str, str], cwd: Path) -> None:
        """Start the kernel process with ``env`` in ``cwd`` and warm it (imports, snapshot)."""
        from jupyter_core.utils import run_sync

        run_sync(self._start)(dict(env), str(cwd))

    async def _start(self, env: dict[str, str], cwd: str) -> None:
        self.km = kernel_manager_class(env)(kernel_name=self.kernel_name)
        await self.km.start_kernel(cwd=cwd)
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            await self.kc.wait_for_ready(timeout=self.startup_timeout)
        except RuntimeError as exc:
            raise KernelError(f"the notebook kernel did not start within {self.startup_timeout:.0f} s: {exc}") from exc
        await self._execute("__import__('analysis.kernels', fromlist=['prepare']).prepare()")
        self.starts += 1
        self._usable = True

    def close(self) -> None:
        """Stop the client and shut the kernel down (gracefully: it has nothing to save)."""
        if self.km is None:
            return
        from jupyter_core.utils import run_sync

        try:
            run_sync(self._close)()
        finally:
            self.km = self.kc = None
            self._usable = False

    async def _close(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None and self.km.has_kernel:
            await self.km.shutdown_kernel(now=False)

    def alive(self) -> bool:
        """The kernel process is running (it may still be busy after a timed-out cell)."""
        if self.km is None:
            return False
        from jupyter_core.utils import run_sync

        async def is_alive() -> bool:
            return bool(await self.km.is_alive())

        return run_sync(is_alive)()

    # -- running

    async def _execute(self, code: str, timeout: float = 120) -> None:
        """Run ``code`` silently (no history, no execution count, no output kept); raise on an error."""
        errors: list[str] = []

        def hook(msg: dict[str, Any]) -> None:
            if msg.get("msg_type") == "error":
                errors.append(f"{msg['content'].get('ename')}: {msg['content'].get('evalue')}")

        reply = await self.kc.execute_interactive(
            code, silent=True, store_history=False, allow_stdin=False, timeout=timeout, output_hook=hook
        )
        content = reply.get("content", {})
        if content.get("status") != "ok":
            detail = errors[0] if errors else f"{content.get('ename')}: {content.get('evalue')}"
            raise KernelError(f"the notebook kernel could not be prepared ({detail})")

    def reset(self, env: Mapping[str, str], cwd: Path) -> None:
        """Put the kernel back to a fresh kernel's state for a run in ``cwd`` with ``env`` (see module doc)."""
        from jupyter_core.utils import run_sync

        code = (
            "__import__('analysis.kernels', fromlist=['reset']).reset("
            f"{str(cwd)!r}, {dict(env)!r})"
        )
        run_sync(self._execute)(code)

    def run(
        self,
        src: Path,
        dest: Path,
        parameters: Mapping[str, Any],
        env: Mapping[str, str],
        cwd: Path,
        timeout: float | None = None,
    ) -> None:
        """Execute ``src`` into ``dest`` with papermill on this kernel, from a clean state.

        Raises what ``papermill.execute_notebook`` raises; after anything but a cell's own error (the kernel
        timed out, died or could not be reached) the kernel is replaced before the next run.
        """
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError

        if self._usable and not self.alive():
            self._usable = False
        if not self._usable:
            self.close()
            self.start(env, cwd)
        else:
            self.reset(env, cwd)
        _register_engine()
        try:
            pm.execute_notebook(
                str(src),
                str(dest),
                parameters=dict(parameters),
                engine_name=ENGINE_NAME,
                kernel_name=self.kernel_name,
                language="python",
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                execution_timeout=timeout,
                km=self.km,
                kc=self.kc,
            )
        except PapermillExecutionError:
            raise  # the notebook's own error: the kernel is idle and fine
        except BaseException:
            self._usable = False  # timed out, died or interrupted: replaced before the next run
            raise
        finally:
            self.runs += 1


class KernelPool:
    """Up to ``size`` worker threads, each with its own :class:`NotebookKernel`, taking tasks in order.

    A task is ``fn(kernel)``; :meth:`submit` returns its Future. Threads (and their kernels) start as tasks
    need them and live until :meth:`close`, so one pool can serve every province of a build.
    """

    def __init__(self, size: int, kernel_name: str, startup_timeout: float = 60) -> None:
        self.size = max(1, int(size))
        self.kernel_name = kernel_name
        self.startup_timeout = startup_timeout
        self._tasks: queue.SimpleQueue[tuple[Future[Any], Callable[[NotebookKernel], Any]] | None] = (
            queue.SimpleQueue()
        )
        self._threads: list[threading.Thread] = []
        self._kernels: list[NotebookKernel] = []
        self._lock = threading.Lock()
        self._idle = 0
        self._closed = False

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def kernels(self) -> list[NotebookKernel]:
        """The kernels started so far (for tests and the benchmark: starts and runs per kernel)."""
        return list(self._kernels)

    def submit(self, fn: Callable[[NotebookKernel], T]) -> Future[T]:
        """Queue ``fn(kernel)``; a Future cancelled before a thread takes it never runs."""
        future: Future[T] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the kernel pool is closed")
            self._tasks.put((future, fn))
            if self._idle == 0 and len(self._threads) < self.size:
                thread = threading.Thread(
                    target=self._work, name=f"khuyencong-kernel-{len(self._threads) + 1}", daemon=True
                )
                self._threads.append(thread)
                thread.start()
            else:
                self._idle = max(0, self._idle - 1)
        return future

    def _work(self) -> None:
        kernel = NotebookKernel(self.kernel_name, self.startup_timeout)
        with self._lock:
            self._kernels.append(kernel)
        try:
            while True:
                item = self._tasks.get()
                if item is None:
                    return
                future, fn = item
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(fn(kernel))
                    except BaseException as exc:
                        future.set_exception(exc)
                with self._lock:
                    self._idle += 1
        finally:
            kernel.close()

    def close(self) -> None:
        """Let running tasks finish, drop queued ones, shut every kernel down."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            threads = list(self._threads)
        while True:  # queued tasks never start
            try:
                item = self._tasks.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[0].cancel()
        for _ in threads:
            self._tasks.put(None)
        for thread in threads:
            thread.join()
