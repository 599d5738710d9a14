"""The benchmark corpus generator and ingest agree to the đồng on a small corpus of every layout family.

Why: benchmarks/bench_ingest.py trusts truth.json to judge ingest's output at national scale. This keeps both
honest in CI in a few seconds — a generator change that writes a layout ingest misreads, a zoo family that
stops being read exactly in .xls, .ods or .csv, or an ingest change that loses a row shows up here rather than
as a mysterious benchmark failure.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from analysis.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]


def _benchmark_script(name: str, filename: str) -> ModuleType:
    """Import a script of benchmarks/ (not a package) by path; registered so its dataclasses resolve."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / filename)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _make_corpus_module() -> ModuleType:
    return _benchmark_script("bench_make_corpus", "make_corpus.py")


def _bench_module() -> ModuleType:
    return _benchmark_script("bench_ingest_module", "bench_ingest.py")


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, object]:
    """40 files: every project-list family at least once, four allocation tables, all four formats."""
    mc = _make_corpus_module()
    base = tmp_path_factory.mktemp("bench_corpus")
    truth = mc.make_corpus(base / "corpus", files=40, rows=1_200, seed=3, jobs=1, quiet=True)
    result = ingest([base / "corpus"], out_dir=base / "out", jobs=0, cache=False, write=False, progress=False)
    return base, truth, result


def test_small_corpus_sums_equal_truth_to_the_dong(small_corpus) -> None:
    mc = _make_corpus_module()
    _, truth, result = small_corpus
    totals = result.report["totals"]
    assert truth["totals"]["files"] == 40 and truth["totals"]["project_rows"] == 1_200
    assert set(truth["totals"]["formats"]) == {"xlsx", "xls", "ods", "csv"}
    assert set(mc.PROJECT_FAMILIES) <= set(truth["totals"]["families"])
    assert mc.compare_to_truth(result.table, truth) == [], result.report["messages"][:10]
    assert totals["rejected"] == 0, result.report["messages"][:10]
    assert totals["files_error"] == 0
    assert totals["reconcile_failed"] == 0, result.report["messages"][:10]
    assert int((result.table["amount_vnd"] != 0).sum()) == truth["totals"]["records"]
    assert result.table["amount_vnd"].dtype == "int64"


def test_a_single_dong_of_difference_is_caught(small_corpus) -> None:
    """The check the benchmark fails on: one đồng more in one record, or one record lost, is named."""
    mc = _make_corpus_module()
    _, truth, result = small_corpus
    table = result.table.copy()
    row = int((table["amount_vnd"] != 0).to_numpy().argmax())
    table.loc[table.index[row], "amount_vnd"] += 1
    differences = mc.compare_to_truth(table, truth)
    assert differences and "diff +1 đồng" in differences[1]
    assert any(str(table["source_file"].iloc[row]).endswith(line.split(" (")[0].strip()) for line in differences
               if line.startswith("  ") and "(" in line)
    assert mc.compare_to_truth(result.table.drop(result.table.index[row]), truth)


def test_full_plan_has_the_stated_mix() -> None:
    """The 200-file plan: 70/15/5/10 % xlsx/xls/ods/csv, every family, exactly 180 000 project lines."""
    mc = _make_corpus_module()
    specs = mc.plan_corpus(200, 180_000, 1)
    assert Counter(s.fmt for s in specs) == {"xlsx": 140, "xls": 30, "ods": 10, "csv": 20}
    assert sum(s.lines for s in specs) == 180_000
    assert set(mc.PROJECT_FAMILIES) <= {s.family for s in specs}
    assert sum(1 for s in specs if s.lines == 0) == 20  # allocation tables
    assert not [s for s in specs if not mc.allowed(s.family, s.fmt) or (s.family in mc.MULTI_SHEET and s.lines % 2)]
    assert not set(mc.LEFT_OUT) & {s.family for s in specs}
    assert len({s.province for s in specs}) == 34
    assert all(100 <= s.lines <= 3000 for s in specs if s.lines)


def test_generator_is_deterministic_and_skips_when_current(tmp_path: Path) -> None:
    mc = _make_corpus_module()
    first = mc.make_corpus(tmp_path / "a", files=3, rows=60, seed=7, jobs=1, quiet=True)
    second = mc.make_corpus(tmp_path / "b", files=3, rows=60, seed=7, jobs=1, quiet=True)
    assert first["sums"] == second["sums"] and first["files"] == second["files"]
    stamp = (tmp_path / "a" / "truth.json").stat().st_mtime_ns
    again = mc.make_corpus(tmp_path / "a", files=3, rows=60, seed=7, jobs=1, quiet=True)
    assert (tmp_path / "a" / "truth.json").stat().st_mtime_ns == stamp  # not regenerated
    assert again["sums"] == first["sums"]
    assert json.loads((tmp_path / "a" / "truth.json").read_text(encoding="utf-8"))["params"]["rows"] == 60
    counts = mc.split_rows(random.Random(0), 180_000, 200)
    assert sum(counts) == 180_000 and min(counts) >= 100 and max(counts) <= 3000


def test_one_edited_workbook_is_reread_alone_with_the_same_totals(tmp_path: Path, monkeypatch) -> None:
    """The benchmark's (e): a re-saved workbook (new bytes, same cells) costs one file, not the corpus."""
    import hashlib

    import analysis.ingest.process as process_module

    mc, bench = _make_corpus_module(), _bench_module()
    corpus = tmp_path / "corpus"
    mc.make_corpus(corpus, files=3, rows=60, seed=2, jobs=1, quiet=True)
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = ingest([corpus], out_dir=out, cache_dir=cache, jobs=0, progress=False)
    edited = bench.make_edited_corpus(corpus, tmp_path)
    mirror = tmp_path / "edited" / "corpus"
    original = corpus / edited.relative_to(mirror)
    assert hashlib.sha256(edited.read_bytes()).digest() != hashlib.sha256(original.read_bytes()).digest()

    read: list[str] = []
    real = process_module.process_file
    monkeypatch.setattr(process_module, "process_file", lambda path, label, *a: read.append(label) or real(
        path, label, *a))
    again = ingest([mirror], out_dir=out, cache_dir=cache, jobs=0, progress=False)
    assert not again.from_cache
    assert read == [f"corpus/{edited.relative_to(mirror).as_posix()}"]
    assert again.report["totals"] == first.report["totals"]
    assert sorted(again.table["amount_vnd"]) == sorted(first.table["amount_vnd"])


def test_baseline_readers_read_every_format(tmp_path: Path) -> None:
    """(a), (a2) and (b) read every file of the corpus (a CSV with title lines included) and agree on rows."""
    mc, bench = _make_corpus_module(), _bench_module()
    corpus = tmp_path / "corpus"
    mc.make_corpus(corpus, files=8, rows=80, seed=5, jobs=1, quiet=True)
    files = bench._spreadsheets(corpus)
    assert {p.suffix for p in files} == {".xlsx", ".xls", ".ods", ".csv"}
    for path in files:
        naive, fast = bench._read_naive(str(path)), bench._read_pandas_calamine(str(path))
        assert naive == fast > 10, path.name
        assert bench._read_calamine(str(path)) >= naive - 2, path.name  # trailing blank rows may differ
