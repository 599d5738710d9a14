"""Benchmark ``analysis.ingest`` on a synthetic national corpus against what a user would otherwise write.

Why: at national scale (34 provinces × 10 years, ~200 files, ~180 000 project rows) ingest must clean
everything in less time than a plain pandas read of the same files takes, and a re-run on unchanged inputs
must be nearly free. Speed is worthless if the numbers are wrong, so the run first checks ingest's output
against the generator's truth (exact sums per province, year, stage, funding source and programme, and record
counts) and exits 1 on a single đồng of difference. The corpus (make_corpus.py) draws from the layout zoo's
families in .xlsx, .xls, .ods and .csv.

Measured in one run on the same files, each in a fresh subprocess (imports included, same worker count):

  (a)  naive      pandas.read_excel(f, sheet_name=None, header=None) — engine openpyxl for .xlsx (pandas'
                  default: xlrd for .xls, odf for .ods) — and pandas.read_csv for CSV; reading only
  (a2) calamine   pandas.read_excel(f, sheet_name=None, header=None, engine="calamine"), read_csv for CSV:
                  a user's fastest plain pandas read
  (b)  bare read  python-calamine: CalamineWorkbook.from_path + to_python() of every sheet; csv.reader for CSV
  (c)  ingest     analysis.ingest with a fresh out dir and cache dir (read, detect, clean, validate, write)
  (c0) floor      (c) with the row walk stubbed out: no cleaning, no records (what any ingest on this reader
                  pays before cleaning)
  (d)  re-ingest  analysis.ingest again on unchanged inputs, same out dir (the cached path)
  (e)  one edit   analysis.ingest after one workbook of the corpus changed (re-saved: new bytes, same cells) —
                  the analyst's everyday case

Usage::

    python benchmarks/bench_ingest.py [--corpus DIR] [--files N --rows N] [--seed S] [--quick]
                                      [--jobs 2] [--repeat 1] [--profile] [--strict]
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()  # child timings start here: interpreter start-up excluded, imports included

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_CORPUS = HERE / "corpus"
OUT_ROOT = HERE / "out"  # git-ignored: quick corpora, ingest output, results
FULL = {"files": 200, "rows": 180_000}
QUICK = {"files": 20, "rows": 10_000}
GiB = 2**30
TARGETS = {  # name: (description, limit); ratios use the "seconds" column (imports included); issue 16
    "c/a": ("ingest ≤ 20 % of the naive pandas read", 0.20),
    "c/a2": ("ingest ≤ pandas' calamine read", 1.0),
    "d/c": ("cached re-run ≤ 5 % of a fresh ingest", 0.05),
    "e/c": ("one file edited ≤ 25 % of a fresh ingest", 0.25),
    "peak": ("peak memory of (c) ≤ 1 GiB", 1.0),
}
INFO_RATIOS = {  # printed without a target
    "c/c0": "ingest against its own floor (no cleaning): what cleaning costs",
    "c/b": "ingest against the bare calamine read (the withdrawn c/b ≤ 2.5 target)",
}
SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")
LABELS = ("a", "a2", "b", "c", "c0", "d", "e")


# ---------------------------------------------------------------- child side (one measurement)


def _spreadsheets(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.suffix.lower() in SPREADSHEET_SUFFIXES
                  and not p.name.startswith((".", "~$")))


def _csv_dialect(path: str) -> tuple[str, str]:
    """(encoding, delimiter) of a CSV as a user finds them: a BOM says UTF-8, the sniffer picks , ; or tab."""
    import csv

    with open(path, "rb") as handle:
        head = handle.read(65536)
    encoding = "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"
    text = head.decode(encoding, errors="replace")
    try:
        return encoding, csv.Sniffer().sniff(text, delimiters=",;\t").delimiter
    except csv.Error:
        return encoding, ","


def _read_csv_pandas(path: str) -> int:
    """pandas.read_csv of a spreadsheet-like CSV (title lines before the header: rows of unequal width, so a
    fixed 64 column names and the empty ones dropped), the same in (a) and (a2)."""
    import pandas as pd

    encoding, sep = _csv_dialect(path)
    frame = pd.read_csv(path, header=None, names=range(64), sep=sep, encoding=encoding, skip_blank_lines=False)
    return len(frame.dropna(axis=1, how="all"))


def _read_naive(path: str) -> int:
    import pandas as pd

    if path.lower().endswith(".csv"):
        return _read_csv_pandas(path)
    engine = "openpyxl" if path.lower().endswith(".xlsx") else None  # .xls: xlrd, .ods: odf (pandas' defaults)
    with warnings.catch_warnings():  # pandas 3 announces xlrd's deprecation on every .xls: noise here
        warnings.simplefilter("ignore", DeprecationWarning)
        frames = pd.read_excel(path, sheet_name=None, engine=engine, header=None)
    return sum(len(f) for f in frames.values())


def _read_pandas_calamine(path: str) -> int:
    import pandas as pd

    if path.lower().endswith(".csv"):
        return _read_csv_pandas(path)
    frames = pd.read_excel(path, sheet_name=None, engine="calamine", header=None)
    return sum(len(f) for f in frames.values())


def _read_calamine(path: str) -> int:
    if path.lower().endswith(".csv"):
        import csv

        encoding, sep = _csv_dialect(path)
        with open(path, encoding=encoding, newline="") as handle:
            return sum(1 for _ in csv.reader(handle, delimiter=sep))
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(path)
    return sum(len(wb.get_sheet_by_name(name).to_python()) for name in wb.sheet_names)


def _read_all(reader: Any, files: list[Path], jobs: int) -> int:
    """Read every file, in ``jobs`` worker processes like ingest (fork: imports are inherited)."""
    if jobs <= 1:
        return sum(reader(str(f)) for f in files)
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return sum(pool.map(reader, [str(f) for f in files], chunksize=1))


def run_child(mode: str, corpus: Path, work: Path, jobs: int) -> dict[str, Any]:
    """Do one measurement in this (fresh) process and return its timings and what it saw."""
    files = _spreadsheets(corpus)
    info: dict[str, Any] = {"mode": mode, "files": len(files)}
    if mode in ("naive", "pandas_calamine"):
        import pandas  # noqa: F401  (imports are part of what a user pays)

        if mode == "pandas_calamine":
            import python_calamine

        imported = time.perf_counter()
        info["rows"] = _read_all(_read_naive if mode == "naive" else _read_pandas_calamine, files, jobs)
    elif mode == "calamine":
        import python_calamine  # noqa: F401

        imported = time.perf_counter()
        info["rows"] = _read_all(_read_calamine, files, jobs)
    elif mode in ("ingest", "reingest", "oneedit", "floor", "floor_noscan"):
        import analysis
        from analysis.ingest import ingest

        if mode.startswith("floor"):
            _stub_out_cleaning(scan=mode == "floor")

        imported = time.perf_counter()
        info["package"] = str(Path(analysis.__file__).parent)
        source = work / "edited" / corpus.name if mode == "oneedit" else corpus
        result = ingest([source], out_dir=work / "out", cache_dir=work / "cache", jobs=jobs, cache=True,
                        write=True, progress=False)
        info.update(from_cache=result.from_cache, totals=result.report["totals"], ok=result.ok,
                    validation_failures=result.report.get("validation_failures") or [])
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    done = time.perf_counter()
    if mode == "reingest":  # a cached result reads its table on first use: report that cost too, honestly
        result.table  # noqa: B018
        info["table_load_seconds"] = time.perf_counter() - done
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    info.update(
        cpu_seconds=me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        seconds=done - _T0,
        import_seconds=imported - _T0,
        work_seconds=done - imported,
        maxrss_self=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        maxrss_children=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    )
    return info


def _stub_out_cleaning(scan: bool) -> None:
    """Diagnostic only (--floor): replace the row walk by a no-op, and with scan=False the pre-parse safety
    scan too, to measure what ingest costs before any cleaning. The workers are forked from this process,
    so they inherit the stubs. Never a product path: the run yields no records."""
    import analysis.ingest.readers as readers
    import analysis.ingest.sheet as sheet
    from analysis.ingest.readers import safety

    def no_walk(sh: Any, ctx: Any, layout: Any = None) -> Any:
        report = {"sheet": sh.name, "rows_read": len(sh.rows), "records": 0, "rejected": 0, "skipped": {},
                  "warnings": [], "reconciliation": []}
        return sheet.SheetResult({k: [] for k in sheet.RECORD_COLUMNS}, [], report, [])

    sheet.process_sheet = no_walk
    if not scan:
        readers.prescan = lambda path, fmt, limits: safety.Prescan()  # the name read_workbook calls


# ---------------------------------------------------------------- parent side


def make_edited_corpus(corpus: Path, work: Path) -> Path:
    """A mirror of the corpus (symlinks) where one workbook is re-saved: new bytes and hash, same cells.

    Re-zipping with other member timestamps changes the file's SHA-256 without changing a single cell, so
    (e) must re-read exactly one file and produce the same totals as (c).
    """
    import zipfile

    mirror = work / "edited" / corpus.name  # same folder name: ingest labels files relative to its parent
    shutil.rmtree(mirror, ignore_errors=True)
    files = _spreadsheets(corpus)
    for path in files:
        target = mirror / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(path.resolve())
    workbooks = [p for p in files if p.suffix.lower() == ".xlsx"]  # a zip: re-zipped with other timestamps
    original = workbooks[len(workbooks) // 2]
    edited = mirror / original.relative_to(corpus)
    edited.unlink()
    with zipfile.ZipFile(original) as src, zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            clone = zipfile.ZipInfo(item.filename, date_time=(2001, 2, 3, 4, 5, 6))
            clone.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(clone, src.read(item.filename))
    return edited


def _tree_rss(proc: Any) -> tuple[int, int]:
    """(sum, largest) RSS over a process and all its descendants (shared pages counted in each process)."""
    import psutil

    total = largest = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    for p in procs:
        try:
            rss = p.memory_info().rss
        except psutil.Error:
            continue
        total += rss
        largest = max(largest, rss)
    return total, largest


def measure(mode: str, corpus: Path, work: Path, jobs: int, snapshot: Path) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; sample the memory of its process tree meanwhile."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_child", mode, "--corpus", str(corpus),
           "--work", str(work), "--jobs", str(jobs)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    # benchmark the frozen copy of the package (see snapshot_package)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(snapshot), env.get("PYTHONPATH", "")]))
    busy_before = _busy_cpu_seconds()
    own_before = time.process_time()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak_tree = peak_one = 0
    try:
        import psutil

        handle = psutil.Process(proc.pid)
        while proc.poll() is None:
            total, largest = _tree_rss(handle)
            peak_tree, peak_one = max(peak_tree, total), max(peak_one, largest)
            time.sleep(0.02)
    except ImportError:  # psutil missing: fall back to ru_maxrss (largest single process) only
        pass
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    busy = _busy_cpu_seconds() - busy_before - (time.process_time() - own_before)  # minus our own sampling
    if proc.returncode != 0:
        raise RuntimeError(f"measurement {mode!r} failed (exit {proc.returncode}):\n{stderr[-4000:]}")
    info = json.loads(stdout.strip().splitlines()[-1])
    info["wall_seconds"] = wall
    # CPU used by other processes meanwhile: > 0 means the cores were shared and wall times are inflated
    info["other_cpu_seconds"] = max(0.0, busy - info["cpu_seconds"]) if busy_before >= 0 else None
    info["peak_tree_rss"] = peak_tree
    # ru_maxrss survives exec on Linux, so a child started from a big parent reports the parent's size:
    # prefer the sampled figure, fall back to ru_maxrss without psutil
    info["peak_single_rss"] = peak_one or max(info["maxrss_self"], info["maxrss_children"])
    return info


def _busy_cpu_seconds() -> float:
    """System-wide non-idle CPU seconds since boot (-1 without psutil)."""
    try:
        import psutil
    except ImportError:
        return -1.0
    t = psutil.cpu_times()
    return float(sum(t) - t.idle - getattr(t, "iowait", 0.0))


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    versions = {}
    for dist in ("pandas", "numpy", "openpyxl", "python-calamine", "xlrd", "odfpy", "pyarrow", "pebble", "pandera",
                 "psutil", "xlwt", "khuyencong-analysis"):
        try:
            versions[dist] = version(dist)
        except PackageNotFoundError:
            versions[dist] = "-"
    commit = ""
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem / GiB, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "git_commit": commit,
        "load_before": os.getloadavg()[0],
    }


def package_dir() -> Path:
    """Where ``import analysis`` resolves to in this environment (the repo's src/ for an editable install)."""
    from importlib.util import find_spec

    spec = find_spec("analysis")
    if spec is None or spec.origin is None:
        raise SystemExit("the analysis package is not importable: run `make test` once (pip install -e .)")
    return Path(spec.origin).parent


def snapshot_package(work: Path) -> Path:
    """Copy the package into ``work/snapshot`` so edits made while the benchmark runs do not change the code
    measured, nor ingest's cache keys between (c) and (d). Returns the folder to put on PYTHONPATH."""
    target = work / "snapshot"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(package_dir(), target / "analysis", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def package_fingerprint(package: Path | None = None) -> str:
    """Hash of the package sources and vocabulary (what ingest's cache keys depend on)."""
    import hashlib

    package = package or package_dir()
    digest = hashlib.sha256()
    for path in sorted([*package.rglob("*.py"), *package.glob("vocab/*.csv"), *package.glob("reference/*.csv")]):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def check_correctness(corpus: Path, out: Path, truth: dict[str, Any], run: dict[str, Any]) -> list[str]:
    """Differences between ingest's output (funding.parquet, report) and truth.json; [] when exact to the đồng.

    Sums per (province, year, stage, funding_source, program) are compared as Python integers (never floats);
    the files that disagree are named with their zoo family and format (make_corpus.compare_to_truth)."""
    import pandas as pd
    from make_corpus import compare_to_truth

    problems: list[str] = []
    table = pd.read_parquet(out / "funding.parquet")
    totals = run.get("totals", {})
    expect = truth["totals"]
    for name, value, wanted in (
        ("records (non-zero amounts)", int((table["amount_vnd"] != 0).sum()), expect["records"]),
        ("files", totals.get("files"), expect["files"]),
        ("files_error", totals.get("files_error"), 0),
        ("rejected rows", totals.get("rejected"), 0),
        ("totals that do not reconcile", totals.get("reconcile_failed"), 0),
    ):
        if value != wanted:
            problems.append(f"{name}: ingest {value}, expected {wanted}")
    if str(table["amount_vnd"].dtype) != "int64":
        problems.append(f"amount_vnd is {table['amount_vnd'].dtype}, not int64 (exact đồng)")
    if run.get("validation_failures"):
        problems.append(f"schema validation failures: {run['validation_failures'][:3]}")
    problems += compare_to_truth(table, truth)
    if problems:
        report = json.loads((out / "ingest_report.json").read_text(encoding="utf-8"))
        problems += [f"  | {m[:220]}" for m in report.get("messages", [])[:10]]
    return problems


def profile_ingest(corpus: Path, work: Path, jobs: int, top: int = 15) -> str:
    """cProfile of a serial (jobs=0, no cache) ingest: where the CPU time of (c) goes, in one process."""
    import cProfile
    import io
    import pstats

    from analysis.ingest import ingest

    profiler = cProfile.Profile()
    target = work / "profile_out"
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    profiler.enable()
    ingest([corpus], out_dir=target, jobs=0, cache=False, write=True, progress=False)
    profiler.disable()
    elapsed = time.perf_counter() - started
    buffer = io.StringIO()
    buffer.write(f"serial ingest under cProfile: {elapsed:.1f} s\n")
    stats = pstats.Stats(profiler, stream=buffer).strip_dirs()
    buffer.write(f"\n-- top {top} by own time (tottime)\n")
    stats.sort_stats("tottime").print_stats(top)
    buffer.write(f"\n-- top {top} by cumulative time\n")
    stats.sort_stats("cumulative").print_stats(top)
    buffer.write("\n-- phases (cumulative seconds under the profiler; they overlap where nested)\n")
    for label, secs in _phases(stats):
        buffer.write(f"  {label:58}{secs:8.2f}\n")
    buffer.write("\n-- who calls the per-cell helpers\n")
    stats.sort_stats("tottime").print_callers(r"sheet.py.*\((_text|_memo_amount)\)|_scan_xml_block", 8)

    # the serial tail: what the main process does in a parallel run (workers are not seen by this profiler)
    main = cProfile.Profile()
    target = work / "profile_parallel"
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    main.enable()
    ingest([corpus], out_dir=target / "out", cache_dir=target / "cache", jobs=jobs, cache=True, write=True,
           progress=False)
    main.disable()
    elapsed = time.perf_counter() - started
    buffer.write(f"\n-- main process of a parallel ingest (jobs={jobs}, fresh cache): {elapsed:.1f} s, "
                 f"top {top} by cumulative time (waiting for workers shows as pool/future calls)\n")
    main_stats = pstats.Stats(main, stream=buffer).strip_dirs()
    main_stats.sort_stats("cumulative").print_stats(top)
    for label, secs in _phases(main_stats):
        if secs and not label.startswith("process_file"):
            buffer.write(f"  {label:58}{secs:8.2f}\n")
    buffer.write(timeline_ingest(corpus, work, jobs))
    return buffer.getvalue()


def timeline_ingest(corpus: Path, work: Path, jobs: int) -> str:
    """When the main process of a parallel ingest reaches each step (seconds since ingest() was called).

    The profiler cannot see the workers or the writer threads; this shows where the wall time of (c) goes:
    the worker phase against the per-file work, then the serial tail.
    """
    import analysis.ingest as ingest_module

    marks: list[tuple[float, str]] = []
    started = time.perf_counter()

    from analysis.ingest import duplicates, files, records, report, runner

    def wrap(module: Any, name: str) -> Any:
        original = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            marks.append((time.perf_counter() - started, f"{name} starts"))
            try:
                return original(*args, **kwargs)
            finally:
                marks.append((time.perf_counter() - started, f"{name} ends"))

        return original, timed

    # where ingest() looks them up, so the marks see every call
    steps = ((files, "discover"), (runner, "run_parallel"), (records, "combine"), (duplicates, "flag_duplicates"),
             (report, "build"))
    saved = {}
    for module, name in steps:
        saved[module, name], timed = wrap(module, name)
        setattr(module, name, timed)
    target = work / "profile_timeline"
    shutil.rmtree(target, ignore_errors=True)
    try:
        started = time.perf_counter()
        result = ingest_module.ingest([corpus], out_dir=target / "out", cache_dir=target / "cache", jobs=jobs,
                                      cache=True, write=True, progress=False)
        marks.append((time.perf_counter() - started, "ingest returns (outputs in place)"))
    finally:
        for (module, name), original in saved.items():
            setattr(module, name, original)
    per_file = sum(float(f.get("seconds") or 0) for f in result.report["files"])
    lines = [f"\n-- timeline of a parallel ingest (jobs={jobs}); per-file work {per_file:.2f} s in all "
             f"= {per_file / max(1, jobs):.2f} s if spread evenly over {jobs} workers"]
    lines += [f"  {t:7.3f} s  {what}" for t, what in marks]
    return "\n".join(lines) + "\n"


# Functions whose cumulative time tells where ingest spends it: (label, file name, function name).
PHASES = (
    ("process_file: one workbook, in a worker (sum over files)", "process.py", "process_file"),
    ("  readers.read_workbook: bytes → cells (incl. safety prescan)", "__init__.py", "read_workbook"),
    ("  sheet.sheet_layout: find header, unit, columns", "columns.py", "sheet_layout"),
    ("  sheet.process_sheet: rows → records, reconciliation", "tables.py", "process_sheet"),
    ("    numbers.parse_amount: cell → exact đồng", "numbers.py", "parse_amount"),
    ("records.combine + enforce_types: concat all files", "records.py", "combine"),
    ("flag_duplicates: same project line in two files", "duplicates.py", "flag_duplicates"),
    ("schema.validate (pandera)", "schema.py", "validate"),
    ("report.build: the typed run report", "report.py", "build"),
    ("Outputs.finish: rejects, report json/html, xlsx; publish", "write.py", "finish"),
    ("Outputs.close: wait for the writer threads, discard if unpublished", "write.py", "close"),
    ("  safe_export.write_csv (funding.csv + rejects.csv)", "safe_export.py", "write_csv"),
    ("    safe_export.neutralise_frame (formula-injection guard)", "safe_export.py", "neutralise_frame"),
    ("  DataFrame.to_parquet", "frame.py", "to_parquet"),
    ("  report_page.render_ingest_report (HTML)", "report_page.py", "render_ingest_report"),
    ("  safe_export.write_xlsx (funding.xlsx, small tables only)", "safe_export.py", "write_xlsx"),
)


def _phases(stats: Any) -> list[tuple[str, float]]:
    """Cumulative time of the functions in PHASES (0 when not called)."""
    out = []
    for label, filename, function in PHASES:
        total = 0.0
        for (path, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
            if name == function and Path(path).name == filename:
                total = max(total, ct)  # recursion-safe: the outermost entry holds the whole time
        out.append((label, total))
    return out


def _split_of_ingest(out: Path, run: dict[str, Any], jobs: int) -> str:
    """Split (c) into worker time (per-file seconds from the report) and the serial rest in the main process."""
    try:
        report = json.loads((out / "ingest_report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    per_file = sum(float(f.get("seconds") or 0) for f in report.get("files", []))
    slowest = max((float(f.get("seconds") or 0) for f in report.get("files", [])), default=0.0)
    workers = per_file / max(1, jobs)
    rest = run["work_seconds"] - workers
    return (f"\n(c) split: per-file work {per_file:.2f} s summed over files (slowest file {slowest:.2f} s) "
            f"≈ {workers:.2f} s on {jobs} workers; the rest ≈ {rest:.2f} s is serial in the main process "
            f"(hashing, pool, concat, duplicates, validation, writing outputs)")


def _fmt_bytes(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="corpus folder (generated there if missing)")
    parser.add_argument("--files", type=int, help=f"workbooks (default {FULL['files']}, quick {QUICK['files']})")
    parser.add_argument("--rows", type=int, help=f"project rows (default {FULL['rows']}, quick {QUICK['rows']})")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="small corpus for a fast check")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for every measurement (default 2)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of a serial ingest")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of (a)-(e); the best round per measurement is reported (noisy machines)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a speed or memory target is missed")
    parser.add_argument("--floor", action="store_true",
                        help="also measure ingest with the row walk and the safety scan stubbed out (c00); "
                             "(c0), the row walk alone stubbed out, is part of every run")
    parser.add_argument("--json", type=Path, help="write all figures here (default benchmarks/out/bench_*.json)")
    parser.add_argument("--_child", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args._child:
        print(json.dumps(run_child(args._child, args.corpus, args.work, args.jobs), default=str))
        return 0

    sys.path.insert(0, str(HERE))
    from make_corpus import make_corpus

    size = dict(QUICK if args.quick else FULL)
    if args.corpus is not None and (args.corpus / "truth.json").is_file() and not (
        args.quick or args.files or args.rows
    ):  # an existing corpus keeps its own parameters
        params = json.loads((args.corpus / "truth.json").read_text(encoding="utf-8")).get("params", {})
        size = {"files": params.get("files", size["files"]), "rows": params.get("rows", size["rows"])}
        args.seed = params.get("seed", args.seed)
    size["files"] = args.files or size["files"]
    size["rows"] = args.rows or size["rows"]
    if args.corpus is not None:
        corpus = args.corpus
    elif size == FULL and args.seed == 1:
        corpus = DEFAULT_CORPUS
    else:
        corpus = OUT_ROOT / f"corpus_{size['files']}x{size['rows']}_s{args.seed}"
    corpus = corpus.resolve()
    truth = make_corpus(corpus, size["files"], size["rows"], args.seed, jobs=max(1, args.jobs))
    work = (OUT_ROOT / f"run_{corpus.name}").resolve()
    shutil.rmtree(work, ignore_errors=True)  # fresh out dir and cache dir for (c)
    work.mkdir(parents=True)
    for path in _spreadsheets(corpus):  # warm the page cache so (a) does not pay the disk for the others
        path.read_bytes()

    info = machine()
    print(f"machine: {info['cpu']} | nproc {info['nproc']} (usable {info['usable_cpus']}) | "
          f"RAM {info['ram_gib']} GiB | {info['os']} | load {info['load_before']:.2f}")
    print(f"python {info['python']} | " + " | ".join(f"{k} {v}" for k, v in info["versions"].items())
          + f" | commit {info['git_commit']}")
    t = truth["totals"]
    print(f"corpus: {corpus} | {t['files']} workbooks, {t['sheets']} sheets, {t['project_rows']:,} project rows, "
          f"{t['records']:,} amount records | jobs={args.jobs}\n")

    snapshot = snapshot_package(work)
    code_measured = package_fingerprint(snapshot / "analysis")
    rounds: list[dict[str, dict[str, Any]]] = []
    problems: list[str] = []
    plan = (("a", "naive"), ("a2", "pandas_calamine"), ("b", "calamine"), ("c", "ingest"), ("c0", "floor"),
            ("d", "reingest"), ("e", "oneedit"))
    for r in range(1, max(1, args.repeat) + 1):
        round_dir = work / f"round{r}"  # fresh out dir and cache dir for (c) in every round
        runs_r: dict[str, dict[str, Any]] = {}
        for label, mode in plan:
            if mode == "oneedit":
                make_edited_corpus(corpus, round_dir)
            print(f"  round {r}: ({label}) {mode} …", flush=True)
            # (c0) has its own out and cache dirs: its empty output must not become (d)'s cache
            where = round_dir / "floor" if mode == "floor" else round_dir
            runs_r[label] = measure(mode, corpus, where, args.jobs, snapshot)
            runs_r[label]["round"] = r
        rounds.append(runs_r)
        if runs_r["c"].get("package") != str(snapshot / "analysis"):
            problems.append(f"ingest ran from {runs_r['c'].get('package')}, not from the snapshot {snapshot}")
        if not runs_r["d"].get("from_cache"):
            problems.append(f"round {r}: (d) re-ingest of unchanged inputs did not come from the cache")
        if runs_r["d"].get("totals") != runs_r["c"].get("totals"):
            problems.append(f"round {r}: (d) re-ingest totals differ from (c)")
        if runs_r["e"].get("from_cache") or runs_r["e"].get("totals") != runs_r["c"].get("totals"):
            problems.append(f"round {r}: (e) after re-saving one workbook: not re-read, or totals differ from (c)")
        if r == 1:  # the output is deterministic; later rounds only time it
            problems = check_correctness(corpus, round_dir / "out", truth, runs_r["c"]) + problems
    if package_fingerprint() != code_measured:
        print("\nnote: src/analysis changed while the benchmark ran; the figures are for the snapshot taken at "
              "the start")
    # best of the rounds (the least disturbed by other processes), peak memory the worst
    runs = {label: min((rd[label] for rd in rounds), key=lambda x: x["seconds"]) for label in LABELS}
    for label in LABELS:
        runs[label] = {**runs[label], "peak_tree_rss": max(rd[label]["peak_tree_rss"] for rd in rounds),
                       "peak_single_rss": max(rd[label]["peak_single_rss"] for rd in rounds),
                       "all_seconds": [round(rd[label]["seconds"], 3) for rd in rounds]}

    names = {"a": "naive pandas.read_excel(openpyxl)", "a2": "pandas.read_excel(engine=calamine)",
             "b": "python-calamine bare read", "c": "ingest (fresh out + cache)",
             "c0": "ingest floor: row walk stubbed out", "d": "ingest again (unchanged)",
             "e": "ingest after 1 of N files changed"}
    print(f"\n{'':5}{'measurement':38}{'seconds':>9}{'imports':>9}{'work':>9}{'wall':>9}{'cpu':>9}"
          f"{'other cpu':>10}{'peak tree RSS':>15}{'max 1 proc':>12}")
    busy = []
    for label, run in runs.items():
        other = run.get("other_cpu_seconds")
        if other is not None and other > 0.1 * run["wall_seconds"] * max(1, args.jobs):
            busy.append(label)
        print(f"{'(' + label + ')':5}{names[label]:38}{run['seconds']:9.2f}{run['import_seconds']:9.2f}"
              f"{run['work_seconds']:9.2f}{run['wall_seconds']:9.2f}{run['cpu_seconds']:9.2f}"
              f"{'-' if other is None else f'{other:.2f}':>10}"
              f"{_fmt_bytes(run['peak_tree_rss']):>15}{_fmt_bytes(run['peak_single_rss']):>12}")
    if busy:
        print(f"\nWARNING: other processes used the CPU during ({', '.join(busy)}) ('other cpu' > 10 % of the "
              "cores): those wall times are inflated; rerun on an idle machine")
    if len(rounds) > 1:
        print(f"\nbest of {len(rounds)} rounds shown; all rounds (seconds): "
              + "; ".join(f"({k}) " + ", ".join(f"{x:.2f}" for x in runs[k]["all_seconds"]) for k in LABELS))
    print(_split_of_ingest(work / f"round{runs['c']['round']}" / "out", runs["c"], args.jobs))
    sec = {k: v["seconds"] for k, v in runs.items()}
    peak_c = runs["c"]["peak_tree_rss"] or runs["c"]["peak_single_rss"]
    values = {"c/a": sec["c"] / sec["a"], "c/a2": sec["c"] / sec["a2"], "d/c": sec["d"] / sec["c"],
              "e/c": sec["e"] / sec["c"], "peak": peak_c / GiB,
              "c/c0": sec["c"] / sec["c0"], "c/b": sec["c"] / sec["b"]}
    print()
    missed = []
    for name, (text, limit) in TARGETS.items():
        ok = values[name] <= limit
        missed += [] if ok else [name]
        shown = f"{values[name]:.2f} GiB" if name == "peak" else f"{values[name]:.3f}"
        print(f"  {name:5} = {shown:>10}   target ≤ {limit:<5} {text:42} {'PASS' if ok else 'FAIL'}")
    for name, text in INFO_RATIOS.items():
        print(f"  {name:5} = {values[name]:10.3f}   no target    {text}")
    if runs["d"].get("table_load_seconds") is not None:
        load = runs["d"]["table_load_seconds"]
        print(f"  (d) returns before reading funding.parquet; first use of result.table adds {load:.2f} s "
              f"(d + table = {sec['d'] + load:.2f} s, {(sec['d'] + load) / sec['c']:.3f} of c)")
    print(f"\ncorrectness (sums per province/year/stage/source/programme to the đồng, record counts vs "
          f"truth.json): {'PASS' if not problems else 'FAIL'}")
    for line in problems[:80]:
        print(f"  {line}")
    print(f"load average after the run: {os.getloadavg()[0]:.2f} (before: {info['load_before']:.2f})")

    floors: dict[str, Any] = {"c0": runs["c0"]}
    if args.floor:
        print("\nfloor without the safety scan (diagnostic, no records) …", flush=True)
        for label, mode, text in (("c00", "floor_noscan", "ingest, row walk and safety scan stubbed out"),):
            best = min((measure(mode, corpus, work / f"{mode}{r}", args.jobs, snapshot)
                        for r in range(1, max(1, args.repeat) + 1)), key=lambda x: x["seconds"])
            floors[label] = best
            print(f"  ({label}) {text:50}{best['seconds']:7.2f} s   {label}/a = {best['seconds'] / sec['a']:.3f}   "
                  f"{label}/a2 = {best['seconds'] / sec['a2']:.3f}   {label}/b = {best['seconds'] / sec['b']:.2f}")

    profile = ""
    if args.profile:
        print("\nprofiling a serial ingest (jobs=0, no cache) …", flush=True)
        sys.path.insert(0, str(snapshot))
        profile = profile_ingest(corpus, work, args.jobs)
        print(profile)

    result = {"machine": info, "code_fingerprint": code_measured, "corpus": str(corpus),
              "truth_totals": truth["totals"], "rounds": rounds,
              "params": truth["params"], "jobs": args.jobs, "runs": runs, "ratios": values,
              "targets_missed": missed, "correct": not problems, "problems": problems, "profile": profile,
              "floors": floors}
    json_path = args.json or OUT_ROOT / f"bench_{corpus.name}.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"\nfigures written to {json_path}")
    if problems:
        return 1
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
