"""Benchmark report builds at national scale: ``report --all-provinces`` against the naive papermill loop.

Why: a national user builds 34 provinces' report sets. What they would otherwise script is papermill and
nbconvert for every notebook of every province, one kernel each. The report must be much cheaper than that
(issue #16: r/n ≤ 0.25) while giving the same pages: the run fails (exit 1) when an executed notebook's
outputs or a figure differ between the two builds, or when the ingest's sums differ from the generator's truth.

Measured in one run, each in a fresh subprocess (imports included), on the same inputs and processed data:

  (n)  naive       for each province and notebook: papermill.execute_notebook (a new kernel) then nbconvert's
                   HTMLExporter, figures into the province's folder — HTML pages and figures only
  (r)  report      python -m analysis report --all-provinces --jobs 2 (its CLI, run by this script so the
                   CPU of the process and of its kernels is known) into a fresh folder: HTML pages,
                   figures, Excel tables, briefs, Word reports, decks, bundles, indexes
  (rf) floor       with --floor: (r) without its Excel tables, briefs, Word reports and decks (stubbed out) —
                   only what (n) also makes; a diagnostic of where the rest of (r)'s time goes
  (d)  unchanged   (r) again on the same inputs: every province up to date
  (e)  one edit    one province's workbook re-saved (new bytes, same cells): only that province is rebuilt
  (s)  single      python -m analysis report on the bundled data (what ``make report`` runs), against
  (sn) naive       the naive loop over its 8 notebooks, same data
  (s0, r0)         with --baseline-src DIR: (s) and (r) of another checkout (e.g. ``git archive`` of main)

Printed: r/n, the marginal seconds per province of (n) and (r) (from the time each set was finished, so the
fixed cost — ingest check, kernel start — is left out), d, e, s/sn and, with a baseline, s/s0 and r/r0.

The 34-province input is generated (``make_corpus.py``: 4 workbooks per province — plan and actual of two
years — about 150 project rows each) under ``benchmarks/out/report/``, never committed.

Usage::

    python benchmarks/bench_report.py [--provinces 34] [--jobs 2] [--baseline-src DIR] [--skip-naive]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT_ROOT = HERE / "out" / "report"
FILES_PER_PROVINCE = 4
ROWS_PER_FILE = 150
TARGET_RN = 0.25


# ---------------------------------------------------------------- inputs


def make_inputs(provinces: int, seed: int, work: Path) -> tuple[Path, dict[str, Any]]:
    """The generated corpus (34 provinces), and a raw folder with the first ``provinces`` of them plus the
    bundled published figures (notebooks 01, 06 and 07 read them)."""
    sys.path.insert(0, str(HERE))
    from make_corpus import make_corpus

    corpus = OUT_ROOT / "corpus"
    files = 34 * FILES_PER_PROVINCE
    truth = make_corpus(corpus, files=files, rows=files * ROWS_PER_FILE, seed=seed, quiet=True)
    folders = sorted(p for p in corpus.iterdir() if p.is_dir())[:provinces]
    raw = work / "raw"
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir(parents=True)
    for folder in folders:
        shutil.copytree(folder, raw / folder.name)
    (raw / "published").mkdir()
    shutil.copy2(ROOT / "data" / "raw" / "published" / "published_figures.csv", raw / "published")
    return raw, truth


def edit_one(raw: Path) -> Path:
    """Re-save one province's workbook with other zip timestamps: new bytes and SHA-256, the same cells."""
    import zipfile

    path = sorted(raw.glob("*/*.xlsx"))[0]
    data = path.read_bytes()
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            clone = zipfile.ZipInfo(item.filename, date_time=(2001, 2, 3, 4, 5, 6))
            clone.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(clone, src.read(item.filename))
    os.replace(tmp, path)
    assert path.read_bytes() != data
    return path


# ---------------------------------------------------------------- child: the naive loop


def naive_child(processed: Path, notebooks: Path, out: Path, provinces: list[str]) -> dict[str, Any]:
    """What a user would script: papermill then nbconvert, for each province and notebook, one kernel each."""
    import papermill as pm
    from nbconvert import HTMLExporter

    from analysis.report import kernel_name, province_folder

    name = kernel_name()
    finished = []
    for province in provinces:
        folder = out / province_folder(province)
        (folder / "notebooks").mkdir(parents=True, exist_ok=True)
        (folder / "html").mkdir(exist_ok=True)
        os.environ["KHUYENCONG_REPORTS_DIR"] = str(folder)  # the notebooks save their figures here
        for nb in sorted(notebooks.glob("*.ipynb")):
            executed = folder / "notebooks" / nb.name
            pm.execute_notebook(str(nb), str(executed), kernel_name=name, progress_bar=False,
                                parameters={"lang": "vi", "data_dir": str(processed), "province": province},
                                cwd=str(notebooks))
            body, _ = HTMLExporter().from_filename(str(executed))
            (folder / "html" / f"{nb.stem}.html").write_text(body, encoding="utf-8")
        finished.append(time.time())
    return {"finished": finished}


# ---------------------------------------------------------------- child: the report, CPU split


def report_child(argv: list[str], floor: bool) -> dict[str, Any]:
    """``python -m analysis report …`` in this process; the CPU of this process and of its kernels apart.

    ``floor``: the same build with the building process's products (Excel tables, briefs, Word reports,
    decks) stubbed out — the notebooks, pages, figures, indexes and bundles only, i.e. what (n) makes. A
    diagnostic: its pages lack the briefs and downloads, and it is never a report to keep.
    """
    from analysis import cli, report

    if floor:
        report._write_summary = lambda *a, **k: None
        report._write_brief = lambda *a, **k: (None, "", "")
        report._write_meeting_pack = lambda *a, **k: {"reports": [], "decks": []}
    code = cli.main(argv)
    if code != 0:
        raise SystemExit(code)
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"main_cpu": me.ru_utime + me.ru_stime, "kernel_cpu": kids.ru_utime + kids.ru_stime}


def cell_seconds(out: Path) -> float:
    """The time the kernels spent in the notebooks' cells (papermill's per-cell durations), all provinces."""
    total = 0.0
    for path in out.glob("**/notebooks/*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        total += sum(float((c.get("metadata", {}).get("papermill") or {}).get("duration") or 0)
                     for c in nb["cells"])
    return total


# ---------------------------------------------------------------- measuring


def run(label: str, cmd: list[str], env: dict[str, str], log: Path) -> dict[str, Any]:
    """Run one measurement in a fresh process; wall seconds and CPU seconds of its whole process tree."""
    from bench_ingest import _busy_cpu_seconds, _tree_rss

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_before = _busy_cpu_seconds()
    load = os.getloadavg()[0]
    started = time.perf_counter()
    peak = 0
    with log.open("w", encoding="utf-8") as handle:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=handle, text=True)
        try:  # the memory of the whole tree (the build and its kernels), sampled
            import psutil

            handle_ = psutil.Process(proc.pid)
            while proc.poll() is None:
                peak = max(peak, _tree_rss(handle_)[0])
                time.sleep(0.2)
        except ImportError:
            pass
        stdout, _ = proc.communicate()
    done = subprocess.CompletedProcess(cmd, proc.returncode, stdout, None)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    busy = _busy_cpu_seconds() - busy_before
    if done.returncode != 0:
        raise SystemExit(f"({label}) failed with exit {done.returncode}; see {log}:\n"
                         + log.read_text(encoding="utf-8")[-3000:])
    info: dict[str, Any] = {"label": label, "seconds": wall, "cpu_seconds": cpu, "load_before": load,
                            "peak_tree_rss": peak,
                            "other_cpu_seconds": max(0.0, busy - cpu) if busy_before >= 0 else None}
    if done.stdout.strip():
        info.update(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"  ({label}) {wall:7.1f} s   CPU {cpu:7.1f} s   peak {peak / 2**20:6.0f} MiB   load {load:.1f}",
          flush=True)
    return info


def report_cmd(raw: Path, out: Path, jobs: int, all_provinces: bool = True, floor: bool = False) -> list[str]:
    """``python -m analysis report …`` (run through this script, to split the CPU of process and kernels)."""
    args = ["report", "--raw", str(raw), "--out", str(out), "--jobs", str(jobs)]
    if all_provinces:
        args.append("--all-provinces")
    payload = json.dumps({"argv": args, "floor": floor})
    return [sys.executable, str(Path(__file__).resolve()), "--_child", "report", "--_args", payload]


def env_for(processed: Path, src: Path | None = None, notebooks: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "KHUYENCONG_PROCESSED_DIR": str(processed), "PYTHONHASHSEED": "0"}
    if src is not None:  # another checkout's package (and its notebooks) in place of the installed one
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src / "src"), env.get("PYTHONPATH", "")]))
        env["KHUYENCONG_ROOT"] = str(src)
    if notebooks is not None:
        env["KHUYENCONG_NOTEBOOKS_DIR"] = str(notebooks)
    return env


def finished_times(out: Path) -> list[float]:
    """When each province's set was published: the time its .build.json was written."""
    return sorted(p.stat().st_mtime for p in out.glob("*/.build.json"))


def marginal(times: Sequence[float]) -> float | None:
    """Seconds per province after the first: the cost of one more province, without the fixed start."""
    if len(times) < 2:
        return None
    return (times[-1] - times[0]) / (len(times) - 1)


# ---------------------------------------------------------------- correctness


_VOLATILE = re.compile(r"T_[0-9a-f]{5}|at 0x[0-9a-f]+|cell-id=[0-9a-f-]{8,36}")


def _outputs(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [_VOLATILE.sub("", json.dumps(c.get("outputs", []), sort_keys=True))
            for c in nb["cells"] if c["cell_type"] == "code"]


def compare_builds(naive: Path, report: Path, single: bool = False) -> list[str]:
    """Every executed notebook's outputs and every figure of (n) must equal (r)'s, province by province
    (``single``: (r) is one set, not a folder per province)."""
    problems = []
    for folder in sorted(p for p in naive.iterdir() if p.is_dir()):
        mine = report if single else report / folder.name
        if not mine.is_dir():
            problems.append(f"{folder.name}: no report set")
            continue
        for nb in sorted((folder / "notebooks").glob("*.ipynb")):
            if _outputs(nb) != _outputs(mine / "notebooks" / nb.name):
                problems.append(f"{folder.name}/{nb.name}: outputs differ")
        figures = sorted(p.relative_to(folder) for p in (folder / "figures").rglob("*") if p.is_file())
        theirs = sorted(p.relative_to(mine) for p in (mine / "figures").rglob("*") if p.is_file())
        if figures != theirs:
            problems.append(f"{folder.name}: figure files differ: {sorted(set(figures) ^ set(theirs))[:4]}")
        for rel in set(figures) & set(theirs):
            if (folder / rel).read_bytes() != (mine / rel).read_bytes():
                problems.append(f"{folder.name}/{rel}: bytes differ")
    return problems


def check_ingest(processed: Path, truth: dict[str, Any], provinces: list[str]) -> list[str]:
    """Sums per (province, year, stage, source) of the tidy table against the generator's truth."""
    import pandas as pd

    from analysis import outputs

    table = pd.read_parquet(outputs.resolve(processed, "funding.parquet"))
    got = table.groupby(["province", "year", "stage", "funding_source"])["amount_vnd"].sum()
    problems = []
    for entry in truth["sums"]:
        if entry["province"] not in provinces:
            continue
        key = (entry["province"], entry["year"], entry["stage"], entry["funding_source"])
        if int(got.get(key, 0)) != int(entry["amount_vnd"]):
            problems.append(f"{key}: {int(got.get(key, 0))} ≠ truth {entry['amount_vnd']}")
    return problems


# ---------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--provinces", type=int, default=34, help="provinces in the set (default 34)")
    parser.add_argument("--jobs", type=int, default=2, help="kernels of the report build (default 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline-src", type=Path,
                        help="another checkout (src/, notebooks/): also time its (s0) and (r0)")
    parser.add_argument("--skip-naive", action="store_true", help="leave out (n) and (sn) (no ratio, no check)")
    parser.add_argument("--floor", action="store_true",
                        help="also (rf): (r) without the Excel tables, briefs, Word reports and decks — the part "
                             "of (r) that (n) also makes")
    parser.add_argument("--json", type=Path, help="write the figures here (default benchmarks/out/report/*.json)")
    parser.add_argument("--_child", help=argparse.SUPPRESS)
    parser.add_argument("--_args", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._child == "naive":
        a = json.loads(args._args)
        info = naive_child(Path(a["processed"]), Path(a["notebooks"]), Path(a["out"]), a["provinces"])
        print(json.dumps(info))
        return 0
    if args._child == "report":
        a = json.loads(args._args)
        print(json.dumps(report_child(a["argv"], a["floor"])))
        return 0

    sys.path.insert(0, str(HERE))
    from bench_ingest import machine

    work = OUT_ROOT / f"p{args.provinces}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    print(f"inputs: {args.provinces} provinces × {FILES_PER_PROVINCE} workbooks → {work}", flush=True)
    raw, truth = make_inputs(args.provinces, args.seed, work)
    processed = work / "processed"
    from analysis.ingest import ingest

    started = time.perf_counter()
    result = ingest([raw], out_dir=processed, progress=False)
    ingest_seconds = time.perf_counter() - started
    provinces = sorted({str(p) for p in result.table["province"].dropna().unique() if p})
    problems = check_ingest(processed, truth, provinces)
    single_processed = work / "processed_single"
    ingest([ROOT / "data" / "raw"], out_dir=single_processed, progress=False)
    env = env_for(processed)
    logs = work / "logs"
    logs.mkdir()
    figures: dict[str, Any] = {"machine": machine(), "provinces": len(provinces), "ingest_seconds": ingest_seconds,
                               "args": {k: str(v) for k, v in vars(args).items() if not k.startswith("_")}}
    runs: dict[str, dict[str, Any]] = {}
    notebooks = ROOT / "notebooks"
    print(f"ingest {ingest_seconds:.1f} s, {len(provinces)} provinces, {len(result.table)} records; measuring:",
          flush=True)

    def naive(label: str, prov: list[str], proc: Path, out: Path, nbs: Path = notebooks) -> dict[str, Any]:
        payload = json.dumps({"processed": str(proc), "notebooks": str(nbs), "out": str(out), "provinces": prov})
        return run(label, [sys.executable, str(Path(__file__).resolve()), "--_child", "naive", "--_args", payload],
                   env_for(proc), logs / f"{label}.log")

    if not args.skip_naive:
        runs["n"] = naive("n", provinces, processed, work / "naive")
        runs["n"]["marginal"] = marginal(runs["n"]["finished"])
    runs["r"] = run("r", report_cmd(raw, work / "report", args.jobs), env, logs / "r.log")
    runs["r"]["marginal"] = marginal(finished_times(work / "report"))
    runs["r"]["cell_seconds"] = cell_seconds(work / "report")
    if args.floor:
        runs["rf"] = run("rf", report_cmd(raw, work / "report_floor", args.jobs, floor=True), env, logs / "rf.log")
        runs["rf"]["marginal"] = marginal(finished_times(work / "report_floor"))
    runs["d"] = run("d", report_cmd(raw, work / "report", args.jobs), env, logs / "d.log")
    edited = edit_one(raw)
    before = {p.parent.name: p.stat().st_mtime_ns for p in (work / "report").glob("*/.build.json")}
    runs["e"] = run("e", report_cmd(raw, work / "report", args.jobs), env, logs / "e.log")
    after = {p.parent.name: p.stat().st_mtime_ns for p in (work / "report").glob("*/.build.json")}
    rebuilt = sorted(k for k in after if after[k] != before.get(k))
    runs["e"]["rebuilt"] = rebuilt
    from analysis.report import province_folder

    owner = next(f["province"] for f in truth["files"] if f["path"] == edited.relative_to(raw).as_posix())
    if rebuilt != [province_folder(owner)]:
        problems.append(f"(e) rebuilt {rebuilt}, expected only {province_folder(owner)}")
    single_env = env_for(single_processed)
    runs["s"] = run("s", report_cmd(ROOT / "data" / "raw", work / "single", args.jobs, False), single_env,
                    logs / "s.log")
    if not args.skip_naive:
        import pandas as pd

        from analysis import outputs
        from analysis.notebook import only_province

        table = pd.read_parquet(outputs.resolve(single_processed, "funding.parquet"))
        runs["sn"] = naive("sn", [only_province(table) or ""], single_processed, work / "single_naive")
    if args.baseline_src is not None:
        base = args.baseline_src.resolve()
        runs["s0"] = run("s0", report_cmd(ROOT / "data" / "raw", work / "single0", args.jobs, False),
                         env_for(single_processed, base, base / "notebooks"), logs / "s0.log")
        runs["r0"] = run("r0", report_cmd(raw, work / "report0", args.jobs),
                         env_for(processed, base, base / "notebooks"), logs / "r0.log")
        runs["r0"]["marginal"] = marginal(finished_times(work / "report0"))
    if not args.skip_naive:
        problems += compare_builds(work / "naive", work / "report")
        problems += compare_builds(work / "single_naive", work / "single", single=True)
    figures["runs"] = runs
    figures["problems"] = problems
    figures["machine"]["load_after"] = os.getloadavg()[0]

    def ratio(a: str, b: str) -> float | None:
        return runs[a]["seconds"] / runs[b]["seconds"] if a in runs and b in runs else None

    n_prov = len(provinces)
    print()
    print(f"{n_prov} provinces, jobs {args.jobs}, {figures['machine']['cpu']}, load {figures['machine']['load_before']:.1f}"
          f" → {figures['machine']['load_after']:.1f}")
    for key, what in (("n", "naive papermill + nbconvert"), ("r", "report --all-provinces"),
                      ("rf", "report, notebooks and pages only"),
                      ("r0", "report --all-provinces, baseline"), ("d", "re-run, unchanged"),
                      ("e", "re-run, one workbook re-saved"), ("s", "report, bundled data"),
                      ("sn", "naive, bundled data"), ("s0", "report, bundled data, baseline")):
        if key in runs:
            one = runs[key]
            per = f"{one['seconds'] / n_prov:6.2f} s/province" if key in ("n", "r", "rf", "r0") else ""
            extra = f", marginal {one['marginal']:.2f} s/province" if one.get("marginal") else ""
            print(f"  ({key:>2}) {what:38s} {one['seconds']:8.1f} s  CPU {one['cpu_seconds']:8.1f} s  "
                  f"{one['peak_tree_rss'] / 2**20:5.0f} MiB  {per}{extra}")
    for name, value, target in (("r/n", ratio("r", "n"), TARGET_RN), ("rf/n", ratio("rf", "n"), None),
                                ("s/sn", ratio("s", "sn"), None),
                                ("s/s0", ratio("s", "s0"), 1.0), ("r/r0", ratio("r", "r0"), None),
                                ("d/r", ratio("d", "r"), None), ("e/r", ratio("e", "r"), None)):
        if value is not None:
            verdict = "" if target is None else ("  PASS" if value <= target else "  FAIL")
            print(f"  {name:5s} {value:6.3f}{verdict}" + (f" (target ≤ {target})" if target else ""))
            figures[name] = value
    if "n" in runs and "r" in runs and runs["n"].get("marginal") and runs["r"].get("marginal"):
        figures["marginal_ratio"] = runs["r"]["marginal"] / runs["n"]["marginal"]
        print(f"  marginal r/n {figures['marginal_ratio']:.3f}")
    r = runs["r"]
    print(f"  (r) CPU: building process {r['main_cpu']:.1f} s, kernels {r['kernel_cpu']:.1f} s; "
          f"time in the notebooks' cells {r['cell_seconds']:.1f} s")
    if "n" in runs:
        floor = r["cell_seconds"] / args.jobs / runs["n"]["seconds"]
        figures["cells_floor_ratio"] = floor
        print(f"  floor: the cells alone, spread perfectly over {args.jobs} kernels, are {floor:.3f} × (n)")
    dest = args.json or OUT_ROOT / f"bench_report_p{args.provinces}.json"
    dest.write_text(json.dumps(figures, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"figures → {dest}")
    if problems:
        print(f"FAILED: {len(problems)} problem(s):", *problems[:20], sep="\n  ")
        return 1
    print("outputs: (n) and (r) executed notebooks and figures identical; ingest sums = truth")
    return 0


if __name__ == "__main__":
    sys.exit(main())
