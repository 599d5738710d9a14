"""Output sets are published whole (issue 14): a kill at any point leaves one complete set, the next run
repairs the known paths and never answers with the wrong set; two runs never write into one folder at once."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import ingest_fixtures as fx
import pytest

from analysis import outputs
from analysis.errors import OutputError
from analysis.ingest import ingest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and POSIX record locks")

RUN = textwrap.dedent(
    """
    import sys
    from analysis.ingest import ingest
    ingest([sys.argv[1]], out_dir=sys.argv[2], jobs=0)
    """
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _published(out: Path) -> dict:
    pointer = outputs.read_pointer(out)
    assert pointer is not None, "no published set"
    assert outputs.verify(out, pointer), "the published set does not match its hashes"
    return pointer


def _known_paths_match(out: Path, pointer: dict) -> bool:
    names = set(pointer["outputs"])
    for name in outputs.KNOWN_OUTPUTS:
        path = out / name
        if name in names:
            if not path.is_file() or _sha(path) != pointer["outputs"][name]["sha256"]:
                return False
        elif path.exists():
            return False
    return True


def _two_sets(tmp_path: Path) -> tuple[Path, Path, dict, dict]:
    """A raw folder whose first state (set A) is published in ``out``, then changed (set B, not yet run)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    fx.summary_by_source(raw)
    out = tmp_path / "out"
    first = ingest([raw], out_dir=out, jobs=0, cache=False)
    fx.two_row_header(raw)  # the inputs change
    reference = ingest([raw], out_dir=tmp_path / "reference", jobs=0, cache=False)
    assert first.report["totals"]["records"] != reference.report["totals"]["records"]
    return raw, out, first.report, reference.report


def _kill_at(point: str, raw: Path, out: Path, tmp_path: Path) -> None:
    """Run ingest in a subprocess, wait until it stops at ``point`` (the hook tells us), SIGKILL it."""
    ready = tmp_path / f"paused-{point.replace(':', '_')}"
    env = {**os.environ, outputs.PAUSE_AT_ENV: point, outputs.PAUSE_FILE_ENV: str(ready)}
    proc = subprocess.Popen([sys.executable, "-c", RUN, str(raw), str(out)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not ready.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the run ended before {point}: {proc.stderr.read().decode()[-2000:]}")
        assert time.monotonic() < deadline, f"never reached {point}"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


# before the lock, during writing, around the pointer, while the known paths are refreshed, after
KILL_POINTS = [
    "locked", "writing", "before-pointer", "pointer-written", "after-pointer",
    "mirror:funding.csv", "mirror:ingest_report.json", "after-mirrors",
]
NEW_SET_POINTS = {"after-pointer", "mirror:funding.csv", "mirror:ingest_report.json", "after-mirrors"}


def _check_kill(point: str, tmp_path: Path) -> dict[str, int]:
    """Kill a run at ``point`` and check the folder; returns what was seen (for the counts of issue 14)."""
    raw, out, old, new = _two_sets(tmp_path)
    old_pointer = _published(out)
    _kill_at(point, raw, out, tmp_path)
    pointer = _published(out)  # exactly one complete set is published …
    expected = new if point in NEW_SET_POINTS else old
    gen = outputs.generation_dir(out, pointer)
    published_report = json.loads((gen / "ingest_report.json").read_text(encoding="utf-8"))
    assert published_report["totals"] == expected["totals"]  # … the old or the new, as the point says
    # The known paths are refreshed right after the switch: between the two they still show the whole old
    # set; only a kill in the middle of that refresh leaves them mixed (readers of current.json never are),
    # and the next run's start repairs them.
    known_mixed = not _known_paths_match(out, pointer) and not _known_paths_match(out, old_pointer)
    if point == "after-pointer":
        assert _known_paths_match(out, old_pointer)
    elif not point.startswith("mirror:"):
        assert _known_paths_match(out, pointer)
    # a plain re-run: never the other run's report; the known paths repaired; leftovers gone
    again = ingest([raw], out_dir=out, jobs=0)
    assert again.report["totals"] == new["totals"]
    assert len(again.table) == new["totals"]["records"]
    assert again.from_cache == (point in NEW_SET_POINTS)
    final = _published(out)
    assert _known_paths_match(out, final)
    assert [p.name for p in (out / outputs.GENERATIONS).iterdir()] == [final["generation"]]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".staging")]
    if point not in ("locked", "after-mirrors"):  # something half-done was cleaned up: said so
        assert "out_stale_lock" in [code for code, _ in again.notices]
    return {"known_paths_mixed": int(known_mixed), "published_set_mixed": 0}


def test_kill_during_publish_leaves_one_set(tmp_path: Path) -> None:
    """The default suite's one kill: between writing the pointer and renaming it into place."""
    _check_kill("pointer-written", tmp_path)


@pytest.mark.kill
@pytest.mark.parametrize("point", KILL_POINTS)
def test_kill_at_every_point_leaves_one_set(point: str, tmp_path: Path) -> None:
    _check_kill(point, tmp_path)


def test_cache_answers_only_when_every_output_matches(tmp_path: Path) -> None:
    raw, out, _old, new = _two_sets(tmp_path)
    ingest([raw], out_dir=out, jobs=0)
    # an output of the set is changed behind the toolkit's back (here: the report of another run)
    pointer = _published(out)
    gen = outputs.generation_dir(out, pointer)
    report = gen / "ingest_report.json"
    os.chmod(report, 0o644)
    report.write_text(report.read_text(encoding="utf-8").replace('"records": ', '"records": 1'), encoding="utf-8")
    again = ingest([raw], out_dir=out, jobs=0)
    assert not again.from_cache
    assert again.report["totals"] == new["totals"]
    assert _known_paths_match(out, _published(out))


def test_known_path_replaced_by_hand_is_repaired(tmp_path: Path) -> None:
    raw, out, _old, _new = _two_sets(tmp_path)
    ingest([raw], out_dir=out, jobs=0)
    (out / "funding.csv").unlink()
    (out / "funding.csv").write_text("not the table\n", encoding="utf-8")
    again = ingest([raw], out_dir=out, jobs=0)
    assert again.from_cache  # the set itself is intact …
    assert _known_paths_match(out, _published(out))  # … and the known path shows it again


def test_second_run_waits_then_stops_with_the_holder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    fx.summary_by_source(raw)
    out = tmp_path / "out"
    ready = tmp_path / "paused"
    env = {**os.environ, outputs.PAUSE_AT_ENV: "locked", outputs.PAUSE_FILE_ENV: str(ready)}
    holder = subprocess.Popen([sys.executable, "-c", RUN, str(raw), str(out)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert holder.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        monkeypatch.setenv("KHUYENCONG_LOCK_WAIT_SECONDS", "0.5")
        with pytest.raises(OutputError) as caught:
            ingest([raw], out_dir=out, jobs=0)
        assert caught.value.code == "out_busy"
        assert str(holder.pid) in caught.value.message("vi") and str(out) in caught.value.message("en")
        assert outputs.read_pointer(out) is None  # nothing was written by the second run
    finally:
        holder.kill()
        holder.wait(timeout=30)
    # the holder died: its lock is stale, not a lock
    result = ingest([raw], out_dir=out, jobs=0)
    assert result.ok and _known_paths_match(out, _published(out))


def test_cli_second_run_says_it_waits(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    fx.summary_by_source(raw)
    out = tmp_path / "out"
    out.mkdir()
    with outputs.OutputLock(out):
        env = {**os.environ, "KHUYENCONG_LOCK_WAIT_SECONDS": "0.3"}
        done = subprocess.run([sys.executable, "-m", "analysis", "ingest", str(raw), "--out", str(out)],
                              env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "đang ghi vào" in done.stderr and "vẫn đang ghi vào" in done.stderr
    assert "Traceback" not in done.stderr


# ---------------------------------------------------------------- reports/: one step, locked

SWAP = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from analysis import outputs, report
    if sys.argv[3] == "two-renames":
        outputs.exchange = lambda a, b: False  # as on Windows
    report.publish_build(Path(sys.argv[1]), Path(sys.argv[2]))
    """
)


def _report_set(folder: Path, tag: str) -> None:
    (folder / "html").mkdir(parents=True)
    (folder / "html" / "index.html").write_text(tag, encoding="utf-8")
    (folder / "tables").mkdir()
    (folder / "tables" / "summary.xlsx").write_text(tag, encoding="utf-8")
    (folder / ".build.json").write_text(json.dumps({"tag": tag}), encoding="utf-8")


def _report_tag(target: Path) -> str:
    tags = {(target / "html" / "index.html").read_text(encoding="utf-8"),
            (target / "tables" / "summary.xlsx").read_text(encoding="utf-8"),
            json.loads((target / ".build.json").read_text(encoding="utf-8"))["tag"]}
    assert len(tags) == 1, f"mixed report set: {tags}"
    return tags.pop()


@pytest.mark.parametrize(("mode", "point", "expected"), [
    pytest.param("exchange", "report-locked", "old", marks=pytest.mark.kill),
    pytest.param("exchange", "report-staged", "old", marks=pytest.mark.kill),
    ("exchange", "report-exchanged", "new"),
    pytest.param("exchange", "report-swapped", "new", marks=pytest.mark.kill),
    ("two-renames", "report-between-renames", "old"),
    pytest.param("two-renames", "report-swapped", "new", marks=pytest.mark.kill),
])
def test_report_swap_killed_leaves_one_report(mode: str, point: str, expected: str, tmp_path: Path) -> None:
    from analysis.report import recover_swap

    target = tmp_path / "reports"
    _report_set(target, "old")
    (target / "notes.txt").write_text("mine", encoding="utf-8")  # not a build product: carried over
    build = tmp_path / "build"
    _report_set(build, "new")
    dead = tmp_path / f".reports.build-{2**22 + 17}-x"  # left by a build whose process is gone
    _report_set(dead, "dead")
    ready = tmp_path / "paused"
    env = {**os.environ, outputs.PAUSE_AT_ENV: point, outputs.PAUSE_FILE_ENV: str(ready)}
    proc = subprocess.Popen([sys.executable, "-c", SWAP, str(build), str(target), mode], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not ready.exists():
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode()[-2000:])
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.kill()
    proc.wait(timeout=30)
    if point != "report-between-renames" and mode == "exchange":
        assert _report_tag(target) == expected  # at every instant: one whole report
    with outputs.OutputLock(tmp_path, name=".reports.lock", remove=True):  # what the next build does first
        recover_swap(target)
    assert _report_tag(target) == expected
    assert (target / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".reports.")) == []


def test_second_run_waits_for_the_first_then_publishes(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    import threading

    raw = tmp_path / "raw"
    raw.mkdir()
    fx.summary_by_source(raw)
    out = tmp_path / "out"
    lock = outputs.OutputLock(out)
    lock.acquire()  # another run holds the folder …
    timer = threading.Timer(1.0, lock.release)  # … and finishes a second later
    timer.start()
    try:
        result = ingest([raw], out_dir=out, jobs=0)
    finally:
        timer.join()
    assert result.ok and _known_paths_match(out, _published(out))
    assert "đang chờ" in capfd.readouterr().err  # it said it was waiting
