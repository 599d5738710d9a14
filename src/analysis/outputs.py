"""Output sets published whole: one generation folder per run, one pointer file, the known paths as mirrors, a lock.

Why: an output folder holds several files that only make sense together (the table, its rejects, the report
that counts them). Renaming them one by one left a new ``funding.csv`` beside an old report when a run was
killed, and a later run trusted it. Here a run writes its complete set into ``.generations/<name>/``, records
the SHA-256 of every file in it, and publishes it by renaming one small pointer file (``current.json``) into
place — one atomic step on every OS, no symlinks. The paths users know (``funding.parquet``, ``funding.csv``
…) are then refreshed as hard links (or copies) of the published files, and repaired by the next run if a
kill interrupted that refresh. A tool that needs a consistent set reads ``current.json`` first
(:func:`resolve`); see docs/tidy_table.md.

Only one run writes into a folder at a time: :class:`OutputLock` holds an OS lock on ``<folder>/.lock``
(released by the OS when the holder dies, so a stale lock never blocks) and records the holder's PID and start
time for the message a second run shows while it waits.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import OutputError, render

POINTER = "current.json"
GENERATIONS = ".generations"
LOCK_FILE = ".lock"
POINTER_FORMAT = 1
# Every file a set may hold at a known path; a known path whose file is not in the new set is removed.
KNOWN_OUTPUTS: tuple[str, ...] = (
    "funding.parquet", "funding.csv", "funding.xlsx", "rejects.csv", "ingest_report.json", "ingest_report.html",
)
LEGACY_STATE = ".ingest_state.json"  # the state file before generations: never trusted, removed

# Test hook: a run paused at a named point (``KHUYENCONG_PAUSE_AT=<point>``) writes the point's name to
# ``KHUYENCONG_PAUSE_FILE`` and blocks there until it is killed. The kill test uses it instead of sleeps.
PAUSE_AT_ENV = "KHUYENCONG_PAUSE_AT"
PAUSE_FILE_ENV = "KHUYENCONG_PAUSE_FILE"

Say = Callable[[str, dict[str, Any]], None]


def pause_point(name: str) -> None:
    """Block here forever when the test hook names this point (see ``PAUSE_AT_ENV``); otherwise nothing."""
    if os.environ.get(PAUSE_AT_ENV) != name:
        return
    signal_file = os.environ.get(PAUSE_FILE_ENV)
    if signal_file:
        Path(signal_file).write_text(name, encoding="utf-8")
    threading.Event().wait()


def sha256_file(path: Path) -> str:
    """SHA-256 of a regular file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_file(path: Path) -> None:
    """Flush a written file to disk (Windows needs a handle open for writing to do it)."""
    with contextlib.suppress(OSError), path.open("r+b" if os.name == "nt" else "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles to sync)."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ---------------------------------------------------------------- reading a published set


def read_pointer(folder: Path) -> dict[str, Any] | None:
    """The published set's pointer (``current.json``) of ``folder``, or None when there is none or it is odd."""
    try:
        pointer = json.loads((Path(folder) / POINTER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(pointer, dict)
        or pointer.get("format") != POINTER_FORMAT
        or not isinstance(pointer.get("generation"), str)
        or not isinstance(pointer.get("outputs"), dict)
        or "/" in pointer["generation"] or "\\" in pointer["generation"] or pointer["generation"] in ("", ".", "..")
    ):
        return None
    return pointer


def generation_dir(folder: Path, pointer: dict[str, Any]) -> Path:
    """The folder holding the files of the set ``pointer`` names."""
    return Path(folder) / GENERATIONS / pointer["generation"]


def current_dir(folder: str | os.PathLike[str]) -> Path | None:
    """The folder of the published set of ``folder`` (None when no set was published there)."""
    pointer = read_pointer(Path(folder))
    if pointer is None:
        return None
    gen = generation_dir(Path(folder), pointer)
    return gen if gen.is_dir() else None


def resolve(folder: str | os.PathLike[str], name: str) -> Path:
    """Where to read output ``name`` of ``folder`` so that every file read belongs to one set.

    The published generation's file when a set was published; else the plain path (a folder written by an
    older version, or by hand).
    """
    gen = current_dir(folder)
    if gen is not None and (gen / name).is_file():
        return gen / name
    return Path(folder) / name


def verify(folder: Path, pointer: dict[str, Any]) -> bool:
    """True when every output the pointer lists is in its generation with the recorded size and SHA-256."""
    gen = generation_dir(folder, pointer)
    try:
        for name, info in pointer["outputs"].items():
            path = gen / name
            if path.stat().st_size != info["bytes"] or sha256_file(path) != info["sha256"]:
                return False
    except (OSError, KeyError, TypeError):
        return False
    return bool(pointer["outputs"])


# ---------------------------------------------------------------- writing and publishing a set


class Generation:
    """A new output set being written: files go into :attr:`dir`; :meth:`publish` makes it the current set."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.name = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.dir = self.folder / GENERATIONS / self.name
        self.dir.mkdir(parents=True)
        self.published = False

    def publish(self, run_key: str, say: Say | None = None) -> dict[str, Any]:
        """Record every file's hash, rename the pointer into place (the one atomic step), refresh the known
        paths and remove older generations. Returns the pointer."""
        outputs: dict[str, dict[str, Any]] = {}
        for path in sorted(self.dir.iterdir()):
            if path.is_file():
                _fsync_file(path)  # the set is on disk before the pointer names it
                outputs[path.name] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
        _fsync_dir(self.dir)
        pointer = {
            "format": POINTER_FORMAT,
            "generation": self.name,
            "run_key": run_key,
            "published": datetime.now(UTC).isoformat(timespec="seconds"),
            "outputs": outputs,
        }
        pause_point("before-pointer")
        fd, tmp = tempfile.mkstemp(prefix=f".{POINTER}.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(pointer, handle, ensure_ascii=False, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
            pause_point("pointer-written")
            _replace(tmp, self.folder / POINTER)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.published = True
        _fsync_dir(self.folder)
        pause_point("after-pointer")
        # The set is published: what follows is tidying, repeated by the next run, and never fails this one.
        try:
            sync_known_paths(self.folder, pointer, say)
            pause_point("after-mirrors")
            remove_leftovers(self.folder, keep=self.name)
        except OSError:
            pass
        return pointer

    def discard(self) -> None:
        """Remove an unpublished set (a failed or interrupted run)."""
        if not self.published:
            shutil.rmtree(self.dir, ignore_errors=True)


def _replace(source: str | Path, target: Path) -> None:
    """``os.replace``, retried briefly on Windows, where a reader holding ``target`` open makes it fail."""
    for attempt in range(20 if os.name == "nt" else 1):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if os.name != "nt" or attempt == 19:
                raise
            time.sleep(0.05)


def _mirror(source: Path, target: Path) -> None:
    """Put ``source`` at ``target`` atomically: a hard link where the file system allows it, else a copy."""
    tmp = target.with_name(f".{target.name}.mirror-{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        try:
            os.link(source, tmp)
        except OSError:  # FAT/exFAT, some network shares: no hard links
            shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def sync_known_paths(folder: Path, pointer: dict[str, Any], say: Say | None = None) -> list[str]:
    """Make ``folder/<name>`` show the published set's files (and drop known outputs the set does not have).

    A file that cannot be replaced (open in Excel on Windows) is reported through ``say`` and skipped: the set
    itself is complete and the next run tries again. Returns the names that could not be updated.
    """
    gen = generation_dir(folder, pointer)
    failed: list[str] = []
    for name in pointer["outputs"]:
        target, source = folder / name, gen / name
        try:
            if target.exists() and os.path.samefile(target, source):
                continue
            if target.is_file() and not target.is_symlink() and sha256_file(target) == pointer["outputs"][name]["sha256"]:
                continue  # a copy (no hard links here) that is already right
            _mirror(source, target)
            pause_point(f"mirror:{name}")
        except OSError:
            failed.append(name)
            if say is not None:
                say("out_mirror_failed", {"path": target, "folder": gen})
    for name in KNOWN_OUTPUTS:
        if name not in pointer["outputs"]:
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                (folder / name).unlink()
    return failed


def remove_leftovers(folder: Path, keep: str | None) -> bool:
    """Remove generations other than ``keep``, staging folders and temporary files of interrupted runs.

    Returns True when something was left by an interrupted run (an unpublished set or a temporary file).
    """
    found = False
    generations = folder / GENERATIONS
    if generations.is_dir():
        for entry in generations.iterdir():
            if entry.name != keep:
                found = True
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
    for entry in folder.iterdir() if folder.is_dir() else ():
        name = entry.name
        if name.startswith(".staging-") and entry.is_dir():
            found = True
            shutil.rmtree(entry, ignore_errors=True)
        elif name.startswith(".") and name.endswith(".tmp") and (".mirror-" in name or name.startswith(f".{POINTER}.")):
            found = True
            entry.unlink(missing_ok=True)
        elif name == LEGACY_STATE:
            entry.unlink(missing_ok=True)
    return found


# ---------------------------------------------------------------- the output folder itself


def _min_free_bytes() -> int:
    try:
        return int(os.environ.get("KHUYENCONG_MIN_FREE_MB", 64)) * 1024 * 1024
    except ValueError:
        return 64 * 1024 * 1024


def check_folder(folder: Path, expected_bytes: int = 0) -> None:
    """Refuse at once an output folder no set can be written to: a file, not writable, or a full disk.

    Why before the work: parsing a national corpus takes seconds to minutes; finding out at the end that the
    folder is read-only wasted them and used to end in a bare PermissionError naming a staging folder.
    ``expected_bytes`` is the size of the set about to be written (the previous set's size is a fair guess).
    """
    folder = Path(folder)
    for probe in (folder, *folder.parents):
        if probe.exists() or probe.is_symlink():
            if not probe.is_dir():
                raise OutputError("out_not_folder", probe)
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".write-test-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise OutputError("out_disk_full", folder, free=0, need=_mb(expected_bytes + _min_free_bytes())) from None
        if isinstance(exc, FileExistsError | NotADirectoryError):
            raise OutputError("out_not_folder", folder) from None
        raise OutputError("out_not_writable", folder) from None
    free = shutil.disk_usage(folder).free
    need = expected_bytes + _min_free_bytes()
    if free < need:
        raise OutputError("out_disk_full", folder, free=_mb(free), need=_mb(need))


def _mb(n: int) -> str:
    return str(max(0, round(n / (1024 * 1024))))


def published_bytes(folder: Path) -> int:
    """Size of the published set (0 when none): what the next set will roughly need."""
    pointer = read_pointer(folder)
    if pointer is None:
        return 0
    return sum(int(info.get("bytes", 0)) for info in pointer["outputs"].values() if isinstance(info, dict))


# ---------------------------------------------------------------- one run at a time


_HELD: set[str] = set()  # folders locked by this process (POSIX record locks do not exclude one's own threads)
_HELD_GUARD = threading.Lock()


def _lock_wait_seconds() -> float:
    try:
        return float(os.environ.get("KHUYENCONG_LOCK_WAIT_SECONDS", 600))
    except ValueError:
        return 600.0


def _try_os_lock(fd: int) -> bool:
    if os.name == "nt":
        import msvcrt

        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:  # a POSIX record lock: released when the process ends, never inherited by forked workers
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _os_unlock(fd: int) -> None:
    with contextlib.suppress(OSError):
        if os.name == "nt":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.lockf(fd, fcntl.LOCK_UN)


def _same_file(fd: int, path: Path) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev)


def _read_holder(fd: int) -> dict[str, Any]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = os.read(fd, 4096)
        holder = json.loads(data.decode("utf-8")) if data.strip() else {}
        return holder if isinstance(holder, dict) else {}
    except (OSError, ValueError):
        return {}


class OutputLock:
    """Exclusive right to write into one output folder, for one run.

    A second run waits (saying so once, through ``say``) up to ``KHUYENCONG_LOCK_WAIT_SECONDS`` (600 s by
    default) and then stops with :class:`OutputError` ``out_busy``. A lock file left by a run that was killed
    is not a lock any more (the OS released it); :attr:`stale` then holds what that run wrote (PID, start).
    """

    def __init__(self, folder: Path, say: Say | None = None, wait: float | None = None,
                 name: str = LOCK_FILE, remove: bool = False) -> None:
        self.folder = Path(folder)
        self.path = self.folder / name
        self.remove = remove and os.name != "nt"  # remove the file on release (it sits beside user files)
        self.say = say
        self.wait = _lock_wait_seconds() if wait is None else wait
        self.fd: int | None = None
        self.stale: dict[str, Any] | None = None

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock (waiting for another run when needed) and write this run's PID and start time."""
        key = str(self.path.resolve())
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        told = False
        while True:
            with _HELD_GUARD:
                if key not in _HELD and _try_os_lock(fd):
                    if self.remove and not _same_file(fd, self.path):  # removed by its holder meanwhile
                        _os_unlock(fd)
                        os.close(fd)
                        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                        continue
                    _HELD.add(key)
                    break
            holder = _read_holder(fd)
            if time.monotonic() >= deadline:
                os.close(fd)
                raise OutputError("out_busy", self.folder, pid=holder.get("pid", "?"), since=holder.get("started", "?"))
            if not told and self.say is not None:
                self.say("out_waiting", {"path": self.folder, "pid": holder.get("pid", "?"),
                                         "since": holder.get("started", "?"), "wait": round(self.wait)})
                told = True
            time.sleep(0.1)
        previous = _read_holder(fd)
        if previous.get("pid") is not None:  # a clean release empties the file: this one was killed
            self.stale = previous
        me = {"pid": os.getpid(), "started": datetime.now(UTC).isoformat(timespec="seconds"),
              "host": socket.gethostname(), "command": " ".join(sys.argv[:3])}
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(me).encode("utf-8"))
        self.fd = fd
        self._key = key

    def release(self) -> None:
        """Empty the lock file (a clean end) and release the lock."""
        if self.fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, 0)
            if self.remove:
                self.path.unlink()  # still locked: a waiter that opened it sees it is gone and reopens
        _os_unlock(self.fd)
        os.close(self.fd)
        self.fd = None
        with _HELD_GUARD:
            _HELD.discard(self._key)


def stderr_say(lang: str = "vi") -> Say:
    """A ``say`` that prints the rendered message to stderr (used when no caller collects notices)."""

    def say(code: str, fields: dict[str, Any]) -> None:
        print(render(code, lang, **fields), file=sys.stderr)

    return say


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (on Windows always assumed: never remove another run's files)."""
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step where the OS can (Linux ``renameat2(RENAME_EXCHANGE)``, macOS
    ``renamex_np(RENAME_SWAP)``). Returns False when it cannot (Windows, an old kernel or file system): the
    caller then falls back to two renames, and :func:`analysis.report.recover_swap` repairs a kill between.
    """
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        at_fdcwd, rename_exchange = -100, 2
        done = libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        done = libc.renamex_np(os.fsencode(a), os.fsencode(b), 2)  # RENAME_SWAP
    else:
        return False
    if done == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, getattr(errno, "ENOTSUP", errno.EINVAL), errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(b))
