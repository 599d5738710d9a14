"""The column-at-a-time records step gives exactly what the line walker gives.

Why: the walker (``records._RecordWriter.line``) is the reference; the column path (``columnar``) is only
there to be fast. Every fixture, bundled sample, layout of the three zoos and a small benchmark corpus is read
both ways; records, rejects, sheet reports (warnings, reconciliation, notices) and console lines must be
identical, and the column path must actually have been taken on most sheets (or the test proves nothing).
"""

from __future__ import annotations

import importlib.util
import inspect
import shutil
import sys
from pathlib import Path
from typing import Any

import ingest_fixtures
import pytest
from zoo import generate, holdout, holdout3

from analysis.ingest import IngestOptions, discover, load_overrides, process_file
from analysis.ingest.sheet import columnar

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.xdist_group("columnar")


def _make_corpus(folder: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_make_corpus", ROOT / "benchmarks" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get("bench_make_corpus") or importlib.util.module_from_spec(spec)
    if "bench_make_corpus" not in sys.modules:
        sys.modules["bench_make_corpus"] = module
        spec.loader.exec_module(module)
    module.make_corpus(folder, files=4, rows=400, seed=3, jobs=1, quiet=True)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("columnar")
    shutil.copytree(ROOT / "data" / "raw" / "samples", root / "samples")
    for name, fn in inspect.getmembers(ingest_fixtures, inspect.isfunction):
        if fn.__module__ == ingest_fixtures.__name__ and list(inspect.signature(fn).parameters) == ["folder"]:
            (root / "fixtures" / name).mkdir(parents=True)
            fn(root / "fixtures" / name)
    for module in (generate, holdout, holdout3):
        folder = root / module.__name__.rsplit(".", 1)[-1]
        folder.mkdir()
        for lay in module.all_layouts():
            module.write_layout(lay, folder)
    _make_corpus(root / "corpus")
    return root


def _read(path: Path, root: Path, label: str) -> dict[str, Any]:
    result = process_file(path, label, IngestOptions(), load_overrides(path, root))
    records = result.records
    return {"records": records.to_pylist() if hasattr(records, "to_pylist") else records,
            "rejects": result.rejects, "sheets": [{k: v for k, v in s.items() if k != "seconds"} for s in
                                                  result.sheets],
            "messages": result.messages, "warnings": result.warnings}


def test_column_path_equals_the_walker_on_every_file(inputs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    taken = {True: 0, False: 0}
    emit = columnar.emit

    def counting(writer: Any, leaves: list[int]) -> bool:
        ok = emit(writer, leaves)
        taken[ok] += 1
        return ok

    monkeypatch.setattr(columnar, "emit", counting)
    files, _ = discover([inputs])
    assert len(files) > 150
    differing = []
    for path, root in files:
        label = path.relative_to(inputs).as_posix()
        monkeypatch.setenv("KHUYENCONG_WALKER", "1")
        walked = _read(path, root, label)
        monkeypatch.setenv("KHUYENCONG_WALKER", "0")
        by_column = _read(path, root, label)
        if walked != by_column:
            differing.append(label)
    assert differing == []
    assert taken[True] >= 100 and taken[True] > taken[False], taken


def test_the_walker_can_be_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KHUYENCONG_WALKER", "1")
    assert not columnar.enabled()
    monkeypatch.delenv("KHUYENCONG_WALKER")
    assert columnar.enabled()
