"""The runner: per-file work in this process or in workers, cache entries written by the worker, the cycle
collector paused per file, why a worker died, hashing bounded in time."""

from __future__ import annotations

import gc
import os
import pickle
import signal
from pathlib import Path

import pytest

import analysis.ingest.process
from analysis.config import Limits
from analysis.ingest.overrides import FileOverrides
from analysis.ingest.process import FileResult, IngestOptions
from analysis.ingest.records import no_records
from analysis.ingest.runner import (
    Task,
    death_code,
    hash_files,
    no_cyclic_gc,
    run_serial,
    run_task_in_worker,
)


def _task(tmp_path: Path, cache_file: Path | None) -> Task:
    return Task(tmp_path / "a.xlsx", "a.xlsx", IngestOptions(), FileOverrides(), "ab" * 32, cache_file)


@pytest.mark.parametrize("code, stored", [("", True), ("corrupt", True), ("memory", False), ("timeout", False)])
def test_worker_caches_results_except_machine_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, stored: bool
) -> None:
    def fake_process_file(path: Path, label: str, *args: object) -> FileResult:
        return FileResult(label, "error" if code else "ok", "", no_records(), [], [], [], code=code)

    monkeypatch.setattr(analysis.ingest.process, "process_file", fake_process_file)
    cache_file = tmp_path / "cache" / "k.pkl"
    data = run_task_in_worker(_task(tmp_path, cache_file))
    assert pickle.loads(data).sha256 == "ab" * 32
    assert cache_file.is_file() is stored
    if stored:
        assert cache_file.read_bytes() == data
    assert not list(cache_file.parent.glob(".*.tmp"))  # no temporary file left behind


def test_an_unexpected_error_refuses_the_file_not_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path, label: str, *args: object) -> FileResult:
        raise IndexError("list index out of range")

    monkeypatch.delenv("KHUYENCONG_DEBUG", raising=False)
    monkeypatch.setattr(analysis.ingest.process, "process_file", broken)
    ticks: list[int] = []
    [result] = run_serial([_task(tmp_path, None)], lambda: ticks.append(1))
    assert (result.status, result.code, result.sha256) == ("error", "corrupt", "ab" * 32)
    assert "IndexError" in result.detail and ticks == [1]


def test_a_worker_killed_is_memory_a_native_crash_is_a_damaged_file() -> None:
    assert death_code(-signal.SIGKILL) == "memory"
    assert death_code(None) == "memory"
    assert death_code(-signal.SIGSEGV) == "corrupt" and death_code(-signal.SIGABRT) == "corrupt"


def test_hashing_refuses_what_it_must_not_read(tmp_path: Path) -> None:
    good, big, fifo = tmp_path / "a.csv", tmp_path / "big.csv", tmp_path / "pipe.csv"
    good.write_bytes(b"x")
    big.write_bytes(b"x" * 100)
    os.mkfifo(fifo)
    digests = hash_files([(good, "a.csv"), (big, "big.csv"), (fifo, "pipe.csv"), (tmp_path / "gone.csv", "gone.csv")],
                         Limits(max_file_bytes=50))
    assert digests[0] == "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
    assert [getattr(d, "code", None) for d in digests[1:]] == ["too_large", "special_file", "dangling_link"]


def test_cycle_collector_paused_per_file_and_restored() -> None:
    was = gc.isenabled()
    try:
        gc.enable()
        with no_cyclic_gc():
            assert not gc.isenabled()
        assert gc.isenabled()
        gc.disable()  # a caller that disabled it itself keeps it disabled
        with no_cyclic_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
        gc.enable()
        with pytest.raises(ValueError), no_cyclic_gc():
            raise ValueError("a bad file")
        assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
