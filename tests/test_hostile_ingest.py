"""The whole broken/hostile corpus in ONE ingest run: every file read or refused clearly, none crashes the run."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import badfiles
import pytest

from analysis.config import Limits
from analysis.ingest import ingest

# The corpus's own per-file limits, merged, except the tiny size limit that would refuse every file:
# the size refusal is asserted separately below.
RUN_LIMITS = {k: v for lim in badfiles.CORPUS_LIMITS.values() for k, v in lim.items() if k != "max_file_bytes"}


def _expected_in_run(expected: dict) -> dict:
    return {n: (("read", None) if "max_file_bytes" in badfiles.CORPUS_LIMITS.get(n, {}) else e)
            for n, e in expected.items()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("bad")
    return folder, badfiles.make_bad_corpus(folder, dangerous=True)


def test_one_run_reads_or_refuses_every_file(corpus: tuple[Path, dict], tmp_path: Path) -> None:
    folder, expected = corpus
    expected = _expected_in_run(expected)
    started = time.perf_counter()
    result = ingest([folder], out_dir=tmp_path / "out", province="Bình Dương", year=2017, stage="actual", jobs=2,
                    cache=False, limits=Limits(**RUN_LIMITS))
    elapsed = time.perf_counter() - started
    by_name = {Path(f["path"]).name: f for f in result.report["files"]}
    assert set(by_name) == set(expected), set(expected) ^ set(by_name)
    for name, (outcome, detail) in expected.items():
        got = by_name[name]
        if outcome == "refused":
            assert got["status"] == "error", (name, got)
            assert got["code"] == detail, (name, got["code"], detail)
            assert got["message"] and "Traceback" not in got["message"], name
        else:
            assert got["status"] == "ok", (name, got["message"])
    for f in result.report["files"]:
        for s in f["sheets"]:
            assert s["rows_read"] == s["records"] + sum(s["skipped"].values()) + s["rejected"], (f["path"], s)
    assert result.exit_code == 1
    assert elapsed < 120


def test_cli_over_the_corpus_no_traceback_bounded_memory(corpus: tuple[Path, dict], tmp_path: Path) -> None:
    folder, expected = corpus
    expected = _expected_in_run(expected)
    env = {**os.environ, **{f"KHUYENCONG_{k.upper()}": str(v) for k, v in RUN_LIMITS.items()}}
    run = subprocess.run(
        [sys.executable, "-m", "analysis", "ingest", str(folder), "--out", str(tmp_path / "out"),
         "--province", "Bình Dương", "--year", "2017", "--stage", "actual", "--no-cache"],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    refused = [n for n, (o, _) in expected.items() if o == "refused"]
    for name in refused:
        assert name in run.stderr, name
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mib < 1536, peak_mib
    report = json.loads((tmp_path / "out" / "ingest_report.json").read_text(encoding="utf-8"))
    assert report["totals"]["files_error"] == len(refused)


def test_size_limit_refuses_before_reading(corpus: tuple[Path, dict], tmp_path: Path) -> None:
    folder, _ = corpus
    result = ingest([folder / "too_large.xlsx"], out_dir=tmp_path / "out", jobs=0, cache=False,
                    limits=Limits(max_file_bytes=1_000))
    assert result.report["files"][0]["code"] == "too_large"
