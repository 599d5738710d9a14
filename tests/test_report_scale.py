"""Report sets at national scale: kernels reused province after province from a clean state, a build key per
province, and no province's pages holding another province's data.

The first tests generate tiny notebooks with nbformat and inject a fake ingest (a few seconds each); the last
builds two generated provinces end to end with the real ingest and notebooks, sharing two kernels.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import sys
import time
import zipfile
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import nbformat
import pandas as pd
import pytest

from analysis.kernels import KernelPool
from analysis.report import (
    RawFile,
    ReportError,
    build_reports,
    build_reports_by_province,
    kernel_name,
    province_folder,
    province_inputs,
)

ROOT = Path(__file__).resolve().parents[1]
v4 = nbformat.v4


def _params_cell() -> Any:
    cell = v4.new_code_cell('province = None\nyears = None\nlang = "vi"\ndata_dir = ""\nbase_year = None')
    cell.metadata["tags"] = ["parameters"]
    return cell


def _state_notebook() -> Any:
    """Prints what a previous run could have left behind, then leaves some of it behind itself."""
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("# Trạng thái"),
        _params_cell(),
        v4.new_code_cell(
            "import os, warnings\n"
            "import matplotlib\n"
            "from analysis import config\n"
            "print('LEFT', sorted(k for k in globals() if k.startswith('left_')))\n"
            "print('RC', matplotlib.rcParams['lines.linewidth'])\n"
            "print('DIR', config.REPORTS_DIR.name, os.environ['KHUYENCONG_REPORTS_DIR'] == str(config.REPORTS_DIR))\n"
            "print('PROVINCE', province)"
        ),
        v4.new_code_cell(
            "left_marker = province\n"
            "matplotlib.rcParams['lines.linewidth'] = 9.5\n"
            "warnings.warn('cảnh báo mỗi lần')"
        ),
    ]
    return nb


def _plain_notebook(text: str) -> Any:
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell("# Ghi chú"), _params_cell(), v4.new_code_cell(f"print({text!r}, province)")]
    return nb


def _table(province: str, label: str, title: str) -> pd.DataFrame:
    return pd.DataFrame({
        "province": [province, province], "year": [2016, 2017], "stage": ["actual", "actual"],
        "record_type": "project", "program": "training", "funding_source": "local",
        "amount_vnd": [1_200_000_000, 868_000_000], "district": "", "source_row": [5, 6],
        "program_label": "", "n_projects": pd.array([1, 1], dtype="Int64"), "title": title,
        "beneficiary": "", "value_as_printed": "", "unit_as_printed": "triệu đồng", "flags": "",
        "source_file": label, "source_sheet": "2016",
    })


class FakeBrief:
    def __init__(self, province: str | None, year: int) -> None:
        self.title = f"Tóm tắt {province} {year}"

    def to_text(self) -> str:
        return self.title + "\n"

    def to_markdown(self) -> str:
        return f"# {self.title}\n\nNội dung.\n"


@pytest.fixture()
def two(tmp_path: Path) -> SimpleNamespace:
    """Two provinces, each with its own raw file; the fake ingest labels files as the real one does
    ('raw/<folder>/<file>', relative to the raw folder's parent)."""
    raw = tmp_path / "raw"
    for folder in ("binh_duong", "quang_ninh"):
        (raw / folder).mkdir(parents=True)
        (raw / folder / "2016.csv").write_text(f"Nội dung,Kinh phí\n{folder},1.200\n", encoding="utf-8")
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    calls: list[Any] = []

    def fake_ingest(paths: Any, out_dir: Any = None, **kwargs: Any) -> SimpleNamespace:
        calls.append(paths)
        table = pd.concat([_table("Bình Dương", "raw/binh_duong/2016.csv", "Gốm Bình Dương"),
                           _table("Quảng Ninh", "raw/quang_ninh/2016.csv", "Than Quảng Ninh")], ignore_index=True)
        return SimpleNamespace(table=table, rejects=pd.DataFrame(), report={})

    kwargs: dict[str, Any] = {
        "raw_dir": raw, "out_dir": tmp_path / "out", "notebooks_dir": nbs, "ingest_fn": fake_ingest,
        "processed_dir": tmp_path / "processed", "progress": False, "published_fn": lambda: None,
        "brief_fn": lambda df, pub, province, year, lang: FakeBrief(province, year),
    }
    return SimpleNamespace(raw=raw, nbs=nbs, out=tmp_path / "out", kwargs=kwargs, calls=calls)


def _outputs_text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(
        "".join(o.get("text", "")) for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )


# ------------------------------------------------------------------------------------------ kernel reuse


@pytest.mark.slow
def test_one_kernel_runs_province_after_province_from_a_clean_state(two: SimpleNamespace) -> None:
    nbformat.write(_state_notebook(), two.nbs / "01_trang_thai.ipynb")
    nbformat.write(_plain_notebook("HAI"), two.nbs / "02_hai.ipynb")
    with KernelPool(1, kernel_name()) as pool:
        results = build_reports_by_province(**two.kwargs, jobs=1, kernels=pool)
        (kernel,) = pool.kernels
        assert (kernel.starts, kernel.runs) == (1, 4)  # one kernel, four notebooks: two per province
    assert [r.out_dir.name for r in results] == ["binh_duong", "quang_ninh"]
    for result in results:
        text = _outputs_text(result.out_dir / "notebooks" / "01_trang_thai.ipynb")
        assert "LEFT []" in text  # the other province's variable is gone
        assert "RC 1.5" in text  # matplotlib's settings are those of a fresh kernel
        assert re.search(rf"DIR \.{result.out_dir.name}\.build-\S+ True", text)  # figures: this build's folder
        assert "cảnh báo mỗi lần" in text  # a warning shows again, as in a new kernel
        province = "Bình Dương" if result.out_dir.name == "binh_duong" else "Quảng Ninh"
        assert f"PROVINCE {province}" in text
        executed = nbformat.read(result.out_dir / "notebooks" / "01_trang_thai.ipynb", as_version=4)
        counts = [c.execution_count for c in executed.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1))  # numbered from 1, as by a fresh kernel


@pytest.mark.slow
def test_a_kernel_that_timed_out_is_replaced(two: SimpleNamespace, tmp_path: Path) -> None:
    slow = v4.new_notebook()
    slow.cells = [v4.new_markdown_cell("# Chậm"), v4.new_code_cell("import time\ntime.sleep(60)")]
    nbformat.write(slow, two.nbs / "01_cham.ipynb")
    kwargs = {**two.kwargs, "province": "Bình Dương", "cell_timeout": 2}
    with KernelPool(1, kernel_name()) as pool:
        with pytest.raises(ReportError, match=r"01_cham\.ipynb"):
            build_reports(**kwargs, jobs=1, kernels=pool)
        (two.nbs / "01_cham.ipynb").unlink()
        nbformat.write(_plain_notebook("SAU"), two.nbs / "02_sau.ipynb")
        result = build_reports(**kwargs, jobs=1, kernels=pool)
        (kernel,) = pool.kernels
        assert kernel.starts == 2  # the busy kernel was shut down and a new one started
    assert "SAU Bình Dương" in _outputs_text(result.out_dir / "notebooks" / "02_sau.ipynb")
    assert not [p for p in tmp_path.iterdir() if ".build-" in p.name]  # the failed build left nothing


# ------------------------------------------------------------------------------------------ build key


def test_a_province_depends_on_its_own_files_and_the_shared_ones() -> None:
    table = pd.concat([_table("Bình Dương", "raw/binh_duong/2016.csv", "a"),
                       _table("Quảng Ninh", "raw/quang_ninh/2016.csv", "b")], ignore_index=True)
    files = [RawFile("binh_duong/2016.csv", "1", 1), RawFile("quang_ninh/2016.csv", "2", 1),
             RawFile("published/published_figures.csv", "3", 1), RawFile("hong/loi.xlsx", "4", 1)]
    mine = [f.path for f in province_inputs(files, table, "Bình Dương")]
    assert mine == ["binh_duong/2016.csv", "published/published_figures.csv", "hong/loi.xlsx"]
    theirs = [f.path for f in province_inputs(files, table, "quang ninh")]  # matched without diacritics
    assert theirs == ["quang_ninh/2016.csv", "published/published_figures.csv", "hong/loi.xlsx"]


@pytest.mark.slow
def test_an_unchanged_province_is_not_rebuilt_a_changed_one_is(two: SimpleNamespace) -> None:
    nbformat.write(_plain_notebook("MỘT"), two.nbs / "01_mot.ipynb")
    first = build_reports_by_province(**two.kwargs, jobs=1)
    assert [r.skipped for r in first] == [False, False]
    stamps = {r.out_dir.name: (r.out_dir / ".build.json").stat().st_mtime_ns for r in first}

    with KernelPool(1, kernel_name()) as pool:  # nothing to build: no kernel is even started
        started = time.perf_counter()
        again = build_reports_by_province(**two.kwargs, jobs=1, kernels=pool)
        assert pool.kernels == [] and time.perf_counter() - started < 5
    assert [r.skipped for r in again] == [True, True]

    (two.raw / "quang_ninh" / "2016.csv").write_text("Nội dung,Kinh phí\nsửa,1.300\n", encoding="utf-8")
    edited = build_reports_by_province(**two.kwargs, jobs=1)
    assert {r.out_dir.name: r.skipped for r in edited} == {"binh_duong": True, "quang_ninh": False}
    assert (two.out / "binh_duong" / ".build.json").stat().st_mtime_ns == stamps["binh_duong"]
    assert (two.out / "quang_ninh" / ".build.json").stat().st_mtime_ns != stamps["quang_ninh"]

    (two.raw / "published").mkdir()  # a file no province's rows come from: every set shows it
    (two.raw / "published" / "published_figures.csv").write_text("scope\n", encoding="utf-8")
    shared = build_reports_by_province(**two.kwargs, jobs=1)
    assert [r.skipped for r in shared] == [False, False]

    again = build_reports_by_province(**{**two.kwargs, "years": "2016"}, jobs=1)  # other options: rebuilt
    assert [r.skipped for r in again] == [False, False]
    assert len(two.calls) == 5  # one ingest per run, whatever the number of provinces


# ------------------------------------------------------------------------------------------ end to end


def _make_corpus() -> ModuleType:
    name = "bench_make_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "make_corpus.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _texts(folder: Path) -> dict[str, str]:
    """Every text a reader can open in a report set: pages, briefs, executed notebooks, SVG, and the XML
    inside the Excel, Word and PowerPoint files (nested archives of the bundle too)."""
    out: dict[str, str] = {}

    def archive(name: str, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for member in z.namelist():
                body = z.read(member)
                if member.endswith((".xml", ".rels", ".html", ".md", ".svg")):
                    out[f"{name}!{member}"] = body.decode("utf-8", "replace")
                elif member.endswith((".xlsx", ".docx", ".pptx")):
                    archive(f"{name}!{member}", body)

    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if path.suffix in (".html", ".md", ".ipynb", ".svg", ".json"):
            out[rel] = path.read_text(encoding="utf-8")
        elif path.suffix in (".xlsx", ".docx", ".pptx", ".zip"):
            archive(rel, path.read_bytes())
    return out


@pytest.mark.slow
def test_no_province_set_holds_another_provinces_data(tmp_path: Path) -> None:
    """Two generated provinces (none of them in the published figures), the real ingest and notebooks on two
    shared kernels: each set names its own province and files, never the other's."""
    corpus = _make_corpus()
    chosen = ("Cao Bằng", "Cà Mau")
    specs = [s for s in corpus.plan_corpus(68, 6_800, 1) if s.province in chosen]
    raw = tmp_path / "raw"
    written = [corpus.generate_one((spec, str(raw))) for spec in specs]
    with KernelPool(2, kernel_name()) as pool:
        results = build_reports_by_province(raw, tmp_path / "out", processed_dir=tmp_path / "processed",
                                            progress=False, kernels=pool)
        assert sum(k.starts for k in pool.kernels) <= 2 and sum(k.runs for k in pool.kernels) == 16
    assert sorted(r.out_dir.name for r in results) == sorted(province_folder(p) for p in chosen)
    marks = {p: (p, *{Path(w["path"]).name for w in written if w["province"] == p}) for p in chosen}
    for result in results:
        mine = next(p for p in chosen if province_folder(p) == result.out_dir.name)
        other = next(p for p in chosen if p != mine)
        texts = _texts(result.out_dir)
        assert any(mine in t for t in texts.values())
        for name, text in texts.items():
            for mark in marks[other]:
                assert mark not in text, f"{result.out_dir.name}/{name} holds {mark!r}"
        info = json.loads((result.out_dir / ".build.json").read_text(encoding="utf-8"))
        assert {Path(f["path"]).name for f in info["raw_files"]} & set(marks[other][1:]) == set()
        overview = (result.out_dir / "html" / "01_tong_quan_du_lieu.html").read_text(encoding="utf-8")
        assert all(f in overview for f in marks[mine][1:])  # its own files, listed
