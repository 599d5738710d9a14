"""Generate a synthetic national corpus from the layout zoo's families, with the true sums, for benchmarking ingest.

Why: real project lists are not public and the bundled samples are five small Bình Dương files, far from
national scale. A benchmark on one family of layouts measures one code path; a user's folder holds many. This
writes N seeded files for the 34 provinces drawn from the layout zoo (``tests/zoo/``: layouts composed from
independent parts, each with the records a careful analyst assigns), scaled up to realistic sizes:

- project lists of 22 composed families of the first zoo (``generate.scaled``: the family's parts — title
  block, stage/year/province placement, unit and its placement, 1–3 header rows, numbering, totals, subtotals,
  sources, sum column, wordings in and out of vocab/, number style — redrawn per file with its own seed and
  ``lines`` project lines in 3–8 programme groups);
- four hand-written shapes of the held-out zoos with a ``Scale``: ``h01`` (sheets 'KH y' / 'TH y' + a notes
  sheet), ``h06`` (a project over 2–3 vertically merged rows, one per source), ``h15`` (district groups with
  'Cộng huyện' subtotals), ``k01`` (A/B source sections, Roman groups carrying sums, unit in the title);
- one file in ten is a small allocation table of the first zoo (summary by programme, year-wide table, plan vs
  actual, summary by source), as provinces also send.

Formats, as a national folder holds them: 70 % .xlsx, 15 % legacy .xls (BIFF8, written with xlwt), 5 % .ods
and 10 % .csv (see FORMATS). Only what the reader reads exactly today is written: families it misreads are
left out (LEFT_OUT), and those that need merged ranges are never written as CSV or .ods (NEEDS_MERGES). ``truth.json`` holds, per file and in total, the sums per (province, year, stage,
funding_source, program) with record counts — taken from the zoo's truth records, integers in đồng, never by
reading the files back — so the benchmark fails on a single đồng of difference.

Usage::

    python benchmarks/make_corpus.py --out benchmarks/corpus --files 200 --rows 180000 [--seed 1] [--jobs 2]

A corpus already generated with the same parameters (recorded in truth.json) is not regenerated.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import random
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "tests") not in sys.path:  # the layout zoo lives with the tests (package ``zoo``)
    sys.path.insert(0, str(ROOT / "tests"))

from zoo import generate, holdout, holdout3  # noqa: E402
from zoo.parts import Layout, Scale  # noqa: E402

# Bump when the generated content changes, so an old corpus with the same CLI parameters is rebuilt.
GENERATOR_VERSION = 3
TRUTH_FILE = "truth.json"
YEARS = tuple(range(2016, 2026))
MIN_ROWS, MAX_ROWS = 100, 3000
KEY = ("province", "year", "stage", "funding_source", "program")

# Share of each format in a provincial folder. Most centres work in Excel 2007+ (.xlsx); district offices and
# older templates still send .xls; a few use LibreOffice (.ods, common on government Linux desktops); CSV comes
# from web systems' exports. The exact counts are rounded from these shares (largest remainder).
FORMATS: tuple[tuple[str, int], ...] = (("xlsx", 70), ("xls", 15), ("ods", 5), ("csv", 10))
ALLOCATION_SHARE = 0.10  # files that are small allocation tables (no project lines)

# Project-list families: composed layouts of the first zoo whose kind is 'project', then the scaled shapes of
# the held-out zoos. Every one is read exactly by the reader today, in every format (tests/test_benchmark_corpus.py).
COMPOSED_PROJECT = ("z02", "z03", "z06", "z09", "z15", "z16", "z17", "z19", "z21", "z22", "z25", "z31", "z36",
                    "z41", "z42", "z44", "z45", "z48", "z50", "z54", "z66", "z68")
SHAPES = {"h01": holdout.h01_plan_actual_notes, "h06": holdout.h06_merged_project_rows,
          "h15": holdout.h15_district_subtotals, "k01": holdout3.k01_combined_plan}
MULTI_SHEET = frozenset({"h01"})  # never written as CSV (one sheet per file)
# Left out (the reader does not read them exactly today); each with the reason, for the report.
LEFT_OUT: dict[str, str] = {
    "z62": "summary by funding source: the 'Tổng cộng (1+2)' total fails reconciliation (zoo: exact+warnings)",
    "z63": "summary by funding source: the total line fails reconciliation (zoo: exact+warnings)",
    "z64": "summary by funding source: the total fails reconciliation (zoo: exact+warnings)",
}
# CSV and .ods (pandas' odf writer) carry no merged ranges. These families need theirs — a project over
# vertically merged rows (h06), a group heading merged over its source or stage columns (the others) — and
# are misread without them (rows rejected, totals unreconciled), so they are written as .xlsx or .xls only.
NEEDS_MERGES: dict[str, str] = {
    "h06": "project over 2–3 vertically merged rows: the source rows lose their project",
    "z08": "plan/actual groups merged over {count, amount}: the total no longer reconciles",
    "z20": "plan/actual groups merged over {count, amount}: rows rejected",
    "z26": "year groups merged over KCQG/KCĐP/Đối ứng: rows rejected",
    "z54": "'Nguồn kinh phí' merged over 'Kinh phí hỗ trợ | Kinh phí đối ứng': two columns read as one source",
    "z60": "plan/actual groups merged over {count, amount}: rows rejected",
}
FLAT_FORMATS = frozenset({"csv", "ods"})
PROJECT_FAMILIES = tuple(f for f in COMPOSED_PROJECT + tuple(SHAPES) if f not in LEFT_OUT)
ALLOCATION_FAMILIES = tuple(f"z{i:02d}" for i in range(1, generate.N_COMPOSED + 1)
                            if f"z{i:02d}" not in COMPOSED_PROJECT and f"z{i:02d}" not in LEFT_OUT)


def allowed(family: str, fmt: str) -> bool:
    """Whether a family is written in a format (one sheet per CSV; merged ranges where the layout needs them)."""
    if fmt == "csv" and family in MULTI_SHEET:
        return False
    return not (fmt in FLAT_FORMATS and family in NEEDS_MERGES)


# ---------------------------------------------------------------- reference data


def _provinces_csv() -> Path:
    """The 34 provinces of 2025, from the package reference data (repo copy first, installed copy second)."""
    here = ROOT / "src" / "analysis" / "reference" / "provinces_2025.csv"
    if here.is_file():
        return here
    from importlib.resources import files

    return Path(str(files("analysis") / "reference" / "provinces_2025.csv"))


def load_provinces() -> list[str]:
    """Canonical names (NFC) of the 34 provinces, in file order."""
    with _provinces_csv().open(encoding="utf-8", newline="") as handle:
        return [unicodedata.normalize("NFC", r["province_after_2025"].strip()) for r in csv.DictReader(handle)]


def slug(text: str) -> str:
    """ASCII folder-name form of a Vietnamese name ('Đắk Lắk' → 'dak_lak')."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "_".join(ascii_text.lower().replace("-", " ").split())


# ---------------------------------------------------------------- plan of the corpus


@dataclass(frozen=True)
class FileSpec:
    """One file to write: which layout family, format, province, year, how many project lines, its seed."""

    index: int
    family: str
    fmt: str
    province: str
    year: int
    lines: int
    seed: str


def split_rows(rng: random.Random, total: int, n: int, lo: int = MIN_ROWS, hi: int = MAX_ROWS) -> list[int]:
    """Split ``total`` project rows over ``n`` files, skewed (lognormal) within [lo, hi], summing exactly."""
    if n <= 0 or total < n:
        raise ValueError(f"cannot split {total} rows over {n} files")
    lo = min(lo, total // n)
    hi = max(hi, math.ceil(total / n))
    weights = [rng.lognormvariate(0.0, 0.8) for _ in range(n)]
    scale = total / sum(weights)
    counts = [min(hi, max(lo, round(w * scale))) for w in weights]
    diff = total - sum(counts)
    order = list(range(n))
    while diff:
        rng.shuffle(order)
        step = 1 if diff > 0 else -1
        moved = False
        share = max(1, abs(diff) // n)
        for i in order:
            room = (hi - counts[i]) if step > 0 else (counts[i] - lo)
            delta = min(room, share, abs(diff))
            if delta > 0:
                counts[i] += step * delta
                diff -= step * delta
                moved = True
            if not diff:
                break
        if not moved:
            raise ValueError(f"cannot split {total} rows over {n} files within [{lo}, {hi}]")
    return counts


def format_counts(files: int) -> list[str]:
    """``files`` formats in the shares of FORMATS (largest remainder), every format at least once from 4 files."""
    total = sum(w for _, w in FORMATS)
    exact = [(fmt, files * w / total) for fmt, w in FORMATS]
    counts = {fmt: int(x) for fmt, x in exact}
    if files >= len(FORMATS):
        for fmt in counts:
            counts[fmt] = max(1, counts[fmt])
    rest = files - sum(counts.values())
    for fmt, _ in sorted(exact, key=lambda e: e[1] - int(e[1]), reverse=True):
        if rest <= 0:
            break
        counts[fmt] += 1
        rest -= 1
    while rest < 0:  # the minimum of one each overshot: take from the largest
        largest = max(counts, key=lambda f: counts[f])
        counts[largest] -= 1
        rest += 1
    return [fmt for fmt, _ in FORMATS for _ in range(counts[fmt])]


def _balanced(rng: random.Random, values: Sequence[str], n: int) -> list[str]:
    """n draws covering every value about equally: shuffled rounds of all values, so with n ≥ len(values)
    no family is left out."""
    out: list[str] = []
    while len(out) < n:
        block = list(values)
        rng.shuffle(block)
        out += block
    return out[:n]


def plan_corpus(files: int, rows: int, seed: int) -> list[FileSpec]:
    """Deterministic list of files: provinces round-robin, families and formats balanced, lines skewed."""
    if files < 2:
        raise ValueError("the corpus needs at least 2 files (project lists and an allocation table)")
    rng = random.Random(f"corpus:{seed}")
    provinces = load_provinces()
    rng.shuffle(provinces)
    n_alloc = max(1, round(files * ALLOCATION_SHARE))
    n_project = files - n_alloc
    families = _balanced(rng, PROJECT_FAMILIES, n_project) + _balanced(rng, ALLOCATION_FAMILIES, n_alloc)
    formats = format_counts(files)
    rng.shuffle(formats)
    # a family not written in its drawn format swaps formats with a file that can take both
    for i, fam in enumerate(families):
        if not allowed(fam, formats[i]):
            j = next(j for j in range(files) if allowed(fam, formats[j]) and allowed(families[j], formats[i]))
            formats[i], formats[j] = formats[j], formats[i]
    lines = split_rows(rng, rows, n_project) + [0] * n_alloc
    # h01 writes each project on two sheets (plan and actual): an even count, the odd one moved to a neighbour
    for i in range(n_project):
        if families[i] in MULTI_SHEET and lines[i] % 2:
            j = next(j for j in range(n_project) if families[j] not in MULTI_SHEET)
            lines[i] -= 1
            lines[j] += 1
    years = list(YEARS)
    return [FileSpec(i, families[i], formats[i], provinces[i % len(provinces)], years[(i // len(provinces) + i)
                     % len(years)], lines[i], f"{seed}:{i}") for i in range(files)]


# ---------------------------------------------------------------- one file


def build_layout(spec: FileSpec) -> Layout:
    """The zoo layout of this file: a composed family redrawn, or a hand-written shape with a Scale."""
    if spec.family in SHAPES:
        lines = spec.lines // 2 if spec.family in MULTI_SHEET else spec.lines
        layout = SHAPES[spec.family](spec.family, Scale(spec.seed, spec.province, spec.year, lines))
        if spec.fmt != layout.fmt:  # the shapes are written as .xlsx in the zoo
            stem = layout.file_name.rsplit(".", 1)[0]
            layout.fmt, layout.file_name = spec.fmt, f"{stem}.{spec.fmt}"
        return layout
    return generate.scaled(spec.family, spec.seed, spec.province, spec.year, spec.fmt, spec.lines)


def write_xls(layout: Layout, path: Path) -> None:
    """A legacy .xls (BIFF8) with the layout's cells and merged ranges, as Excel 97–2003 saves it.

    xlwt is the pure-Python BIFF writer the hostile-file tests already use (a dev dependency); Excel itself or
    LibreOffice are not needed."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for sheet in layout.sheets:
        ws = wb.add_sheet(sheet.name[:31], cell_overwrite_ok=True)
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.datetime | dt.date):
                    ws.write(r, c, value, date_style)
                elif isinstance(value, str):
                    ws.write(r, c, str(value))  # a quotePrefix text (holdout3.Quoted) is plain text in BIFF
                else:
                    ws.write(r, c, value)
        for r1, c1, r2, c2 in sheet.merges:
            ws.merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1)
    tmp = path.with_name(path.name + ".tmp")
    wb.save(str(tmp))
    os.replace(tmp, path)


def write_file(spec: FileSpec, layout: Layout, folder: Path) -> Path:
    """Write the layout in the spec's format with the zoo's writers (xlwt for .xls)."""
    folder.mkdir(parents=True, exist_ok=True)
    if spec.fmt == "xls":
        path = folder / layout.file_name
        write_xls(layout, path)
        return path
    if spec.family == "k01":
        return holdout3.write_layout(layout, folder)
    if spec.family in SHAPES or spec.fmt == "ods":
        return holdout.write_layout(layout, folder)
    return generate.write_layout(layout, folder)  # the first zoo's own .xlsx and .csv writer


def _key(province: str, record: Any) -> tuple[Any, ...]:
    return (province, record.year, record.stage, record.funding_source, record.program)


def generate_one(args: tuple[FileSpec, str]) -> dict[str, Any]:
    """Worker: build and write one file; return its true sums (integers in đồng) and its layout."""
    spec, out_dir = args
    layout = build_layout(spec)
    # the file's own index keeps names unique in a province folder; 'b' + digits is never read as a year
    layout.file_name = f"b{spec.index:04d} {layout.file_name}"
    relpath = f"{slug(spec.province)}/{layout.file_name}"
    write_file(spec, layout, Path(out_dir) / slug(spec.province))
    sums: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    for record in layout.truth:
        if record.amount_vnd:  # a 0-đồng record is neither required nor wrong (zoo convention)
            acc = sums[_key(spec.province, record)]
            acc[0] += record.amount_vnd
            acc[1] += 1
    return {
        "path": relpath,
        "family": spec.family,
        "format": spec.fmt,
        "province": spec.province,
        "year": spec.year,
        "description": layout.description,
        "sheets": [s.name for s in layout.sheets],
        "project_rows": layout.lines,
        "records": sum(v[1] for v in sums.values()),
        "sums": [dict(zip((*KEY, "amount_vnd", "records"), (*k, *v), strict=True)) for k, v in sums.items()],
    }


# ---------------------------------------------------------------- checking ingest against the truth


def _na(value: Any) -> Any:
    """None for a missing value (None, NaN, pd.NA, ''), so keys compare with the truth's nulls."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def table_sums(table: Any, by_file: bool = False) -> dict[tuple[Any, ...], tuple[int, int]]:
    """(source_file,) + KEY → (amount in đồng, records) of ingest's table, 0-đồng records left out (as in the
    truth); exact integer arithmetic in Python, never floats."""
    out: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    cols = (["source_file"] if by_file else []) + list(KEY)
    frame = table[[*cols, "amount_vnd"]]
    for row in frame.itertuples(index=False, name=None):
        amount = int(row[-1])
        if not amount:
            continue
        values = [_na(v) for v in row[:-1]]
        k = len(cols) - len(KEY)
        year = values[k + 1]
        values[k + 1] = None if year is None else int(year)
        values[k + 4] = values[k + 4] or ""  # program: '' when none is named
        acc = out[tuple(values)]
        acc[0] += amount
        acc[1] += 1
    return {key: (v[0], v[1]) for key, v in out.items()}


def truth_sums(truth: dict[str, Any]) -> dict[tuple[Any, ...], tuple[int, int]]:
    return {tuple(s[k] for k in KEY): (s["amount_vnd"], s["records"]) for s in truth["sums"]}


def compare_to_truth(table: Any, truth: dict[str, Any], limit: int = 15) -> list[str]:
    """Differences between ingest's table and truth.json, in words ([] when equal to the đồng): the keys whose
    sums or record counts differ, then the files that disagree with their family and format."""
    got, want = table_sums(table), truth_sums(truth)
    differing = []
    for key in sorted(set(got) | set(want), key=sort_key):
        g, w = got.get(key, (0, 0)), want.get(key, (0, 0))
        if g != w:
            differing.append(f"{'/'.join('–' if v is None else str(v) for v in key)}: ingest {g[0]:,} đồng in "
                             f"{g[1]} records, truth {w[0]:,} đồng in {w[1]} records "
                             f"(diff {g[0] - w[0]:+,} đồng, {g[1] - w[1]:+d} records)")
    if not differing:
        return []
    lines = [f"{len(differing)} of {len(want)} (province, year, stage, funding_source, program) sums differ:"]
    lines += [f"  {d}" for d in differing[:limit]] + ([f"  … and {len(differing) - limit} more"]
                                                      if len(differing) > limit else [])
    per_file = table_sums(table, by_file=True)
    files_got: dict[str, dict[tuple[Any, ...], tuple[int, int]]] = defaultdict(dict)
    for (label, *key), v in per_file.items():
        files_got[str(label)][tuple(key)] = v
    lines.append("files that disagree (family, format: first difference):")
    shown = 0
    for f in truth["files"]:
        label = next((lbl for lbl in files_got if lbl.endswith(f["path"])), None)
        mine = files_got.get(label, {}) if label else {}
        theirs = {tuple(s[k] for k in KEY): (s["amount_vnd"], s["records"]) for s in f["sums"]}
        if mine == theirs:
            continue
        shown += 1
        if shown > limit:
            lines.append("  …")
            break
        key = next(k for k in sorted(set(mine) | set(theirs), key=sort_key) if mine.get(k) != theirs.get(k))
        lines.append(f"  {f['path']} ({f['family']}, {f['format']}): {'/'.join(map(str, key))} ingest "
                     f"{mine.get(key)} truth {theirs.get(key)}  [{f['description'][:90]}]")
    return lines


# ---------------------------------------------------------------- the corpus


def params_of(files: int, rows: int, seed: int) -> dict[str, int]:
    return {"files": files, "rows": rows, "seed": seed, "generator_version": GENERATOR_VERSION}


def corpus_is_current(out: Path, params: dict[str, int]) -> bool:
    """True when ``out`` already holds a complete corpus made with exactly these parameters."""
    truth_path = out / TRUTH_FILE
    if not truth_path.is_file():
        return False
    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if truth.get("params") != params:
        return False
    return all((out / f["path"]).is_file() for f in truth.get("files", []))


def _remove_previous(out: Path) -> None:
    """Delete the files a previous corpus listed (never anything else), so stale files are not ingested."""
    truth_path = out / TRUTH_FILE
    if not truth_path.is_file():
        return
    try:
        old = json.loads(truth_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    for f in old.get("files", []):
        path = out / f["path"]
        if path.is_file():
            path.unlink()
        try:
            path.parent.rmdir()  # only succeeds when empty
        except OSError:
            pass
    truth_path.unlink()


def sort_key(key: Sequence[Any]) -> tuple[str, ...]:
    """Order of truth keys with None among them (a layout that states no year)."""
    return tuple("" if v is None else str(v) for v in key)


def build_truth(params: dict[str, int], results: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    """Aggregate per-file truths into sums per (province, year, stage, funding_source, program) and totals."""
    sums: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    by_stage_source: dict[str, int] = defaultdict(int)
    for r in results:
        for s in r["sums"]:
            acc = sums[tuple(s[k] for k in KEY)]
            acc[0] += s["amount_vnd"]
            acc[1] += s["records"]
            by_stage_source[f"{s['stage']}/{s['funding_source']}"] += s["amount_vnd"]

    def count(field: str) -> dict[str, int]:
        return {v: sum(1 for r in results if r[field] == v) for v in sorted({r[field] for r in results})}

    return {
        "params": params,
        "generated_seconds": round(seconds, 2),
        "description": "Synthetic corpus for benchmarks/bench_ingest.py from the layout zoo's families; sums "
                       "are exact integers in đồng per (province, year, stage, funding_source, program), from "
                       "the zoo's truth records (never read back from the files); 0-đồng records are left out.",
        "totals": {
            "files": len(results),
            "sheets": sum(len(r["sheets"]) for r in results),
            "project_rows": sum(r["project_rows"] for r in results),
            "records": sum(r["records"] for r in results),
            "amount_vnd": sum(v[0] for v in sums.values()),
            "by_stage_source": dict(sorted(by_stage_source.items())),
            "formats": count("format"),
            "families": count("family"),
        },
        "sums": [dict(zip((*KEY, "amount_vnd", "records"), (*k, *v), strict=True))
                 for k, v in sorted(sums.items(), key=lambda kv: sort_key(kv[0]))],
        "files": results,
    }


def make_corpus(out: str | os.PathLike[str], files: int = 200, rows: int = 180_000, seed: int = 1,
                jobs: int = 2, force: bool = False, quiet: bool = False) -> dict[str, Any]:
    """Generate the corpus into ``out`` (or keep the existing one) and return the truth dict."""
    out_path = Path(out)
    params = params_of(files, rows, seed)
    if not force and corpus_is_current(out_path, params):
        if not quiet:
            print(f"corpus in {out_path} is up to date ({files} files, {rows} rows, seed {seed}): not regenerated")
        return json.loads((out_path / TRUTH_FILE).read_text(encoding="utf-8"))
    out_path.mkdir(parents=True, exist_ok=True)
    _remove_previous(out_path)
    specs = plan_corpus(files, rows, seed)
    started = time.perf_counter()
    tasks = [(s, str(out_path)) for s in specs]
    if jobs <= 1:
        results = [generate_one(t) for t in tasks]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(generate_one, tasks, chunksize=2))
    seconds = time.perf_counter() - started
    truth = build_truth(params, results, seconds)
    tmp = out_path / (TRUTH_FILE + ".tmp")
    tmp.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, out_path / TRUTH_FILE)
    if not quiet:
        size = sum((out_path / r["path"]).stat().st_size for r in results)
        t = truth["totals"]
        print(f"generated {files} files ({', '.join(f'{n} {k}' for k, n in t['formats'].items())}), "
              f"{t['project_rows']} project rows, {t['records']} amount records ({size / 2**20:.1f} MiB) "
              f"into {out_path} in {seconds:.1f} s with {jobs} process(es)")
    return truth


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "corpus"))
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--rows", type=int, default=180_000, help="project rows in total")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="writer processes")
    parser.add_argument("--force", action="store_true", help="regenerate even if up to date")
    args = parser.parse_args(argv)
    make_corpus(args.out, args.files, args.rows, args.seed, args.jobs, args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
