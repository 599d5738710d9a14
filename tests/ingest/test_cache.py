"""The caches: a per-file entry keyed by code, options, label, content and overrides; the run key."""

from __future__ import annotations

import os
import re
from pathlib import Path

from analysis.config import Limits
from analysis.ingest.cache import (
    CACHE_FORMAT,
    cacheable,
    code_fingerprint,
    file_key,
    load,
    option_key,
    pickled,
    remove_dead_temps,
    run_key,
    store,
)
from analysis.ingest.files import InputProblem
from analysis.ingest.overrides import FileOverrides
from analysis.ingest.process import FileResult, IngestOptions
from analysis.ingest.records import no_records


def test_the_code_fingerprint_is_stable_and_short() -> None:
    assert CACHE_FORMAT == 4
    assert re.fullmatch(r"[0-9a-f]{16}", code_fingerprint()) and code_fingerprint() == code_fingerprint()


def test_a_file_key_changes_with_everything_that_changes_the_result() -> None:
    base = file_key(IngestOptions(), "a.xlsx", "ab" * 32, FileOverrides())
    assert base == file_key(IngestOptions(), "a.xlsx", "ab" * 32, FileOverrides())
    others = {
        file_key(IngestOptions(year=2020), "a.xlsx", "ab" * 32, FileOverrides()),
        file_key(IngestOptions(limits=Limits(seconds_per_file=1)), "a.xlsx", "ab" * 32, FileOverrides()),
        file_key(IngestOptions(), "b.xlsx", "ab" * 32, FileOverrides()),
        file_key(IngestOptions(), "a.xlsx", "cd" * 32, FileOverrides()),
        file_key(IngestOptions(), "a.xlsx", "ab" * 32, FileOverrides(header_rows=(5,))),
    }
    assert base not in others and len(others) == 5
    assert option_key(IngestOptions(province="Lào Cai")) != option_key(IngestOptions())


def test_the_run_key_covers_the_inputs_not_read() -> None:
    files = [("a.xlsx", "ab" * 32, FileOverrides(), None)]
    problem = InputProblem(Path("/raw/pipe.xlsx"), Path("/raw"), "special_file", "fifo")
    assert run_key(IngestOptions(), files, []) == run_key(IngestOptions(), files, [])
    assert run_key(IngestOptions(), files, []) != run_key(IngestOptions(), files, [problem])
    assert run_key(IngestOptions(), files, []) != run_key(IngestOptions(), [("a.xlsx", "", FileOverrides(),
                                                                             "too_large")], [])


def test_an_entry_is_stored_whole_and_read_back(tmp_path: Path) -> None:
    entry = tmp_path / "cache" / "k.pkl"
    assert load(entry) is None
    result = FileResult("a.xlsx", "ok", "", no_records(), [], [], [], sha256="ab" * 32)
    store(entry, pickled(result))
    assert load(entry).sha256 == "ab" * 32 and list(entry.parent.iterdir()) == [entry]
    entry.write_bytes(b"\x80\x05 not a whole pickle")  # a torn write is made again, never trusted
    assert load(entry) is None


def test_machine_limits_are_never_cached() -> None:
    def result(code: str) -> FileResult:
        return FileResult("a.xlsx", "error", "", no_records(), [], [], [], code=code)

    assert cacheable(result("")) and cacheable(result("corrupt"))
    assert not cacheable(result("timeout")) and not cacheable(result("memory"))


def test_half_written_entries_of_dead_workers_are_removed(tmp_path: Path) -> None:
    assert remove_dead_temps(tmp_path / "none") is False
    dead = tmp_path / ".abc123.999999999.tmp"  # no such process
    alive = tmp_path / f".abc123.{os.getpid()}.tmp"
    other = tmp_path / ".notes.tmp"
    for path in (dead, alive, other):
        path.write_bytes(b"x")
    assert remove_dead_temps(tmp_path) is True
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, other.name])
