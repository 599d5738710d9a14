"""The benchmark corpus generator and ingest agree to the đồng on a tiny corpus.

Why: benchmarks/bench_ingest.py trusts truth.json to judge ingest's output at national scale. This keeps both
honest in CI in a few seconds — a generator change that writes a layout ingest misreads, or an ingest change
that loses a row, shows up here rather than as a mysterious benchmark failure.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd

from analysis.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]
KEY = ["province", "year", "stage", "funding_source"]


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


def _sums(table: pd.DataFrame) -> dict[tuple[str, int, str, str], tuple[int, int]]:
    grouped = table.groupby(KEY)["amount_vnd"].agg(["sum", "size"])
    return {
        (str(k[0]), int(k[1]), str(k[2]), str(k[3])): (int(v["sum"]), int(v["size"]))
        for k, v in grouped.iterrows()
    }


def test_tiny_corpus_sums_equal_truth(tmp_path: Path) -> None:
    mc = _make_corpus_module()
    corpus = tmp_path / "corpus"
    truth = mc.make_corpus(corpus, files=4, rows=400, seed=1, jobs=1, quiet=True)
    assert truth["totals"]["files"] == 4 and truth["totals"]["project_rows"] == 400
    assert json.loads((corpus / "truth.json").read_text(encoding="utf-8"))["params"]["rows"] == 400
    assert {f["stage"] for f in truth["files"]} == {"plan", "actual"}

    result = ingest([corpus], out_dir=tmp_path / "out", jobs=0, cache=False, write=False, progress=False)

    want = {
        (s["province"], s["year"], s["stage"], s["funding_source"]): (s["amount_vnd"], s["records"])
        for s in truth["sums"]
    }
    totals = result.report["totals"]
    assert _sums(result.table) == want, result.report["messages"][:10]
    assert totals["rejected"] == 0, result.report["messages"][:10]
    assert totals["files_error"] == 0
    assert totals["records"] == truth["totals"]["records"]
    assert totals["rows_recorded"] == truth["totals"]["project_rows"]
    assert totals["reconcile_failed"] == 0, result.report["messages"][:10]
    assert result.table["amount_vnd"].dtype == "int64"


def test_generator_is_deterministic_and_skips_when_current(tmp_path: Path) -> None:
    mc = _make_corpus_module()
    first = mc.make_corpus(tmp_path / "a", files=3, rows=300, seed=7, jobs=1, quiet=True)
    second = mc.make_corpus(tmp_path / "b", files=3, rows=300, seed=7, jobs=1, quiet=True)
    assert first["sums"] == second["sums"] and first["files"] == second["files"]
    stamp = (tmp_path / "a" / "truth.json").stat().st_mtime_ns
    again = mc.make_corpus(tmp_path / "a", files=3, rows=300, seed=7, jobs=1, quiet=True)
    assert (tmp_path / "a" / "truth.json").stat().st_mtime_ns == stamp  # not regenerated
    assert again["sums"] == first["sums"]
    counts = mc.split_rows(__import__("random").Random(0), 180_000, 200)
    assert sum(counts) == 180_000 and min(counts) >= 100 and max(counts) <= 3000


def _bench_module() -> ModuleType:
    return _benchmark_script("bench_ingest_module", "bench_ingest.py")


def test_one_edited_workbook_is_reread_alone_with_the_same_totals(tmp_path: Path, monkeypatch) -> None:
    """The benchmark's (e): a re-saved workbook (new bytes, same cells) costs one file, not the corpus."""
    import hashlib

    import analysis.ingest.process as process_module

    mc, bench = _make_corpus_module(), _bench_module()
    corpus = tmp_path / "corpus"
    mc.make_corpus(corpus, files=3, rows=150, seed=2, jobs=1, quiet=True)
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
    assert _sums(again.table) == _sums(first.table)
