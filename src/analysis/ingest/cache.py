"""The caches of a run: one entry per file (``.cache/<key>.pkl``) and the key of the whole run.

Why two: an unchanged run answers from the published outputs when its run key matches (nothing is read),
and a run where one file changed reads that file alone, the others coming from their per-file entries. Both
keys include the code fingerprint, so an entry made by other code (or other vocabulary) is never used.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from .. import outputs as _out
from ..errors import printable

if TYPE_CHECKING:
    from .files import InputProblem
    from .overrides import FileOverrides
    from .process import FileResult, IngestOptions

CACHE_FORMAT = 4


@cache
def code_fingerprint() -> str:
    """Changes whenever the package or its vocabulary changes, so stale caches are never used."""
    digest = hashlib.sha256(f"{__version__}:{CACHE_FORMAT}".encode())
    package = Path(__file__).resolve().parents[1]  # the whole analysis package, subfolders included
    for sub in sorted([*package.rglob("*.py"), *package.rglob("*.csv")]):
        digest.update(sub.relative_to(package).as_posix().encode())
        digest.update(sub.read_bytes())
    return digest.hexdigest()[:16]


def option_key(options: IngestOptions) -> str:
    """The options that change what a file gives (forced context and limits), as stable text."""
    return json.dumps([options.province, options.year, options.stage, options.limits.__dict__], sort_keys=True,
                      default=str)


def run_key(options: IngestOptions, files: Iterable[tuple[str, str, FileOverrides, str | None]],
            problems: Iterable[InputProblem]) -> str:
    """The key of a whole run: code, options, every file (label, SHA-256, overrides, refusal code) and every
    input not read. Equal keys mean the published outputs already answer the run."""
    return hashlib.sha256(
        json.dumps([code_fingerprint(), option_key(options),
                    [(label, digest, overrides.to_dict(), refusal) for label, digest, overrides, refusal in files],
                    [(printable(str(p.path)), p.code) for p in problems]],
                   sort_keys=True, default=str).encode()
    ).hexdigest()


def file_key(options: IngestOptions, label: str, digest: str, overrides: FileOverrides) -> str:
    """The key of one file's entry: code, options, the file's label, content and overrides."""
    return hashlib.sha256(
        json.dumps([code_fingerprint(), option_key(options), label, digest, overrides.to_dict()], sort_keys=True,
                   default=str).encode()
    ).hexdigest()


def load(cache_file: Path) -> FileResult | None:
    """A per-file entry, or None when there is none or it cannot be read (it is then made again)."""
    if not cache_file.is_file():
        return None
    try:
        with cache_file.open("rb") as handle:
            result: FileResult = pickle.load(handle)
            return result
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


def cacheable(result: FileResult) -> bool:
    """Timeouts and memory refusals depend on the machine and its load, not on the file: never cached."""
    return result.code not in ("timeout", "memory")


def store(cache_file: Path, data: bytes) -> None:
    """Write one per-file cache entry atomically (a reader never sees half a pickle); best effort."""
    tmp = cache_file.with_name(f".{cache_file.stem}.{os.getpid()}.tmp")
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as handle:
            handle.write(data)
        os.replace(tmp, cache_file)
    except OSError:
        tmp.unlink(missing_ok=True)


def remove_dead_temps(cache_root: Path) -> bool:
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


def pickled(result: Any) -> bytes:
    """A result as the bytes stored in its entry and sent back by a worker."""
    return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
