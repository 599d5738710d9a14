"""Fuzz the whole run (issue 14): mutated copies of the sample workbooks go through one ingest, which must
read or refuse each with a known code, keep row accounting, publish one complete set, and never crash or hang.

A small batch runs in the default suite; ``pytest -m fuzz`` runs a larger one (KHUYENCONG_FUZZ_MUTANTS,
default 300) and prints the counts.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from analysis import config, outputs
from analysis.config import Limits
from analysis.errors import _messages
from analysis.ingest import ingest

SEEDS = sorted(p for p in (config.ROOT / "data" / "raw" / config.SAMPLES_FOLDER).rglob("*")
               if p.suffix.lower() in (".xlsx", ".xls", ".ods", ".csv"))
# A Python exception that escaped the file's processing: the worker's catch-all records its repr as the
# detail ("IndexError('list index out of range')"). The readers' deliberate refusals read differently.
_ESCAPED = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception)\(")


def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def _zip_member_edit(data: bytes, rng: random.Random) -> bytes:
    """A valid zip whose XML parts are edited: bytes flipped, tags cut, dimensions and names changed."""
    try:
        zin = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return _flip(data, rng)
    buffer = io.BytesIO()
    with zin, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        names = zin.namelist()
        victim = rng.choice([n for n in names if n.endswith(".xml")] or names)
        dropped = rng.random() < 0.1
        for name in names:
            body = zin.read(name)
            if name == victim:
                if dropped:
                    continue
                choice = rng.randrange(5)
                if choice == 0:
                    body = _flip(body, rng)
                elif choice == 1:
                    body = body[: rng.randrange(1, max(2, len(body)))]
                elif choice == 2:
                    body = re.sub(rb'ref="[A-Z]+\d+(:[A-Z]+\d+)?"', b'ref="A1:XFD1048576"', body)
                elif choice == 3:
                    body = re.sub(rb'name="[^"]*"', b'name="Sheet"', body)  # same-named sheets
                else:
                    body = body.replace(b"<c ", b"<c><c ", 3)
            zout.writestr(name, body)
    return buffer.getvalue()


MUTATORS = (_flip, _truncate, _zip_member_edit)


def _mutants(folder: Path, n: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    made = []
    for i in range(n):
        source = SEEDS[i % len(SEEDS)]
        mutate = MUTATORS[rng.randrange(len(MUTATORS))]
        path = folder / f"m{i:04d}_{mutate.__name__.strip('_')}{source.suffix}"
        path.write_bytes(mutate(source.read_bytes(), rng))
        made.append(path)
    return made


def _run(tmp_path: Path, n: int, seed: int, jobs: int) -> dict:
    raw = tmp_path / "raw"
    raw.mkdir()
    mutants = _mutants(raw, n, seed)
    before = {p: p.read_bytes() for p in mutants}
    out = tmp_path / "out"
    started = time.perf_counter()
    result = ingest([raw], out_dir=out, jobs=jobs, cache=False, province="Bình Dương",
                    limits=Limits(seconds_per_file=30, max_file_bytes=5 * 1024 * 1024))
    seconds = time.perf_counter() - started
    files = result.report["files"]
    assert len(files) == n  # every mutant accounted for
    known = set(_messages())
    counts: Counter[str] = Counter()
    for f in files:
        if f["status"] == "ok":
            counts["read"] += 1
            for s in f["sheets"]:
                assert s["rows_read"] == s["records"] + sum(s["skipped"].values()) + s["rejected"], (f["path"], s)
        else:
            counts["refused"] += 1
            assert f["code"] in known, f
            detail = f["detail"]
            if _ESCAPED.match(detail) or "Traceback" in detail:
                counts["tracebacks"] += 1
            if f["code"] == "timeout":
                counts["hangs"] += 1
    assert {p: p.read_bytes() for p in mutants} == before  # raw files never modified
    pointer = outputs.read_pointer(out)
    if counts["read"]:
        assert pointer is not None and outputs.verify(out, pointer)  # one complete set
    return {"mutants": n, **counts, "seconds": round(seconds, 1)}


@pytest.mark.timeout(300)
def test_whole_run_over_mutated_workbooks_small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process with KHUYENCONG_DEBUG: any exception escaping a reader fails the test with its traceback."""
    monkeypatch.setenv("KHUYENCONG_DEBUG", "1")
    counts = _run(tmp_path, n=24, seed=14, jobs=0)
    assert counts.get("tracebacks", 0) == 0 and counts.get("hangs", 0) == 0
    assert counts["read"] + counts["refused"] == 24


def test_the_fuzz_counts_an_escaped_exception(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The detector of the large run is not blind: a crash in one file's processing is counted."""
    import analysis.ingest.process

    real = analysis.ingest.process.process_file

    def process_file(path: Path, label: str, *args: object, **kwargs: object) -> object:
        if Path(label).name.startswith("m0000_"):
            raise IndexError("list index out of range")
        return real(path, label, *args, **kwargs)

    monkeypatch.setattr(analysis.ingest.process, "process_file", process_file)
    counts = _run(tmp_path, n=3, seed=14, jobs=0)
    assert counts.get("tracebacks") == 1


@pytest.mark.fuzz
@pytest.mark.timeout(3600)
def test_whole_run_over_mutated_workbooks_large(tmp_path: Path) -> None:
    n = int(os.environ.get("KHUYENCONG_FUZZ_MUTANTS", 300))
    seed = int(os.environ.get("KHUYENCONG_FUZZ_SEED", 1414))
    counts = _run(tmp_path, n=n, seed=seed, jobs=2)
    print("\nfuzz counts:", json.dumps(counts))
    assert counts.get("tracebacks", 0) == 0 and counts.get("hangs", 0) == 0
