"""End to end: ``python -m analysis report`` on the bundled data, as CI and an analyst run it.

One build of the real notebooks on the real sample workbooks, in a subprocess with a clean environment: every
output an analyst is promised exists (offline HTML per notebook and an index with the brief, slide figures per
notebook, summary.xlsx, tom_tat_<year>.md), no page loads anything from the network, the illustrative mark is
shown, data/raw is left byte for byte as it was, and a second run with nothing changed returns at once. The
English edition is built by a second test, in its own folders, so the two builds can run side by side.

Why each build is one test and not a shared fixture: with pytest 9, pytest-xdist 3.8 no longer applies
``xdist_group`` (it renames ``item._nodeid``, which pytest 9 ignores), so tests of one module may land on
both workers and a shared fixture would build twice. The group mark stays for when that is fixed.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from PIL import Image

from analysis import config
from analysis.report import ILLUSTRATIVE_MARKER, external_resources

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("report")]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_NAMES = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
RERUN_SECONDS = 10.0


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _ci_env(processed: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHUYENCONG_")}
    env.update(
        {
            "CI": "1",
            "KHUYENCONG_PROCESSED_DIR": str(processed),
            "MPLBACKEND": "Agg",
            "PYTHONUTF8": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
    )
    return env


def _report(out: Path, processed: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "report", "--out", str(out), *extra],
        cwd=ROOT,
        env=_ci_env(processed),
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-3000:]
    return done, seconds


def _check_outputs(out: Path) -> None:
    assert (out / "html" / "index.html").is_file()
    assert len(NOTEBOOK_NAMES) == 8
    for name in NOTEBOOK_NAMES:
        assert (out / "html" / f"{name}.html").is_file(), name
        pngs = sorted((out / "figures" / name).glob("*.png"))
        assert pngs, f"no figures for {name}"
        for png in pngs:
            with Image.open(png) as im:
                assert im.size == (1920, 1080), png
        executed = nbformat.read(out / "notebooks" / f"{name}.ipynb", as_version=4)
        errors = [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert not errors, name
    assert (out / "tables" / "summary.xlsx").is_file()
    # every year with results (2016 is the reference meeting's): brief, Word report and deck
    for year in (2015, 2016, 2017):
        for rel in (f"tom_tat_{year}.md", f"bao_cao_{year}.docx", f"slides/hop_tong_ket_{year}.pptx"):
            assert (out / rel).is_file(), rel
    assert sorted(p.name for p in out.glob("tom_tat_*.md")) == [f"tom_tat_{y}.md" for y in (2015, 2016, 2017)]
    _check_bundle(out)


def _check_bundle(out: Path) -> None:
    """One zip to email holds everything the index links to; no link of any page leaves it."""
    import zipfile

    from output_text import bundle_links

    (bundle,) = out.glob("goi_bao_cao_binh_duong_2017.zip")
    with zipfile.ZipFile(bundle) as archive:
        names = {n.split("/", 1)[1] for n in archive.namelist()}
    expected = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
                and not p.relative_to(out).as_posix().startswith(("notebooks/", "en/", "."))
                and p.suffix != ".zip"}
    assert names == expected
    assert bundle_links(bundle) == []


def _check_pages(out: Path) -> dict[str, str]:
    pages = {p.stem: p.read_text(encoding="utf-8") for p in sorted((out / "html").glob("*.html"))}
    assert sorted(pages) == sorted([*NOTEBOOK_NAMES, "index"])
    for name, text in pages.items():
        assert external_resources(text) == [], name
        assert "<script" not in text.lower(), name
    for name in NOTEBOOK_NAMES:
        assert f'href="{name}.html"' in pages["index"], name
    return pages


def test_report_build(tmp_path: Path) -> None:
    out, processed = tmp_path / "reports", tmp_path / "processed"
    raw_before = _hashes(config.RAW_DIR)
    assert raw_before, "no raw files found"

    _report(out, processed)
    assert _hashes(config.RAW_DIR) == raw_before  # data/raw is never modified
    assert (processed / "funding.parquet").is_file()  # the ingest wrote where it was told
    _check_outputs(out)
    assert "4.322 triệu đồng" in (out / "tom_tat_2017.md").read_text(encoding="utf-8")
    pages = _check_pages(out)
    assert ILLUSTRATIVE_MARKER in pages["index"]
    for text in ("3.918 triệu đồng (25 đề án)", "55.306 triệu đồng", "17 người", "lên 20 người"):
        assert text in pages["00_tom_tat"], text
    assert "brief_year" not in pages["00_tom_tat"]  # the analyst's how-to cell is not in the report
    for name in ("tom_tat_2016.md", "tom_tat_2017.md"):
        assert ILLUSTRATIVE_MARKER in (out / name).read_text(encoding="utf-8"), name
    from output_text import scan

    assert scan(out) == {}  # no English word or code identifier on any Vietnamese output
    from output_text import english_words, visible_text

    for name in ("funding.xlsx", "ingest_report.html"):  # the processed outputs an analyst opens, too
        assert english_words(visible_text(processed / name)) == [], name

    second, seconds = _report(out, processed)
    assert seconds < RERUN_SECONDS, f"up-to-date rerun took {seconds:.1f} s"
    assert "đã cập nhật, không cần lập lại" in second.stderr
    assert _hashes(config.RAW_DIR) == raw_before


def test_english_edition(tmp_path: Path) -> None:
    out, processed = tmp_path / "reports", tmp_path / "processed"
    _report(out, processed, "--lang", "en")
    en = out / "en"
    _check_outputs(en)
    pages = _check_pages(en)
    assert "Illustrative data" in pages["index"] and "VND 4,322 million" in pages["index"]
    assert "Change on previous year" in pages["02_chi_tieu_theo_nam"]
    assert "Unit: VND million" in pages["02_chi_tieu_theo_nam"]
    assert "VND 3,918 million (25 projects)" in pages["00_tom_tat"]
    assert "3.918 triệu đồng" not in pages["00_tom_tat"]  # the English page has the English brief only
    # titles, headings and narrative in English: no Vietnamese heading on any page
    vietnamese = re.compile(r"Tóm tắt|Kinh phí|Lưu ý|Nguồn kinh phí|theo năm|Các tệp|Bảng|Câu hỏi")
    for name, text in pages.items():
        headings = re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", text, re.S)
        assert headings, name
        assert not [h for h in headings if vietnamese.search(h)], (name, headings)
    assert "Question." in pages["02_chi_tieu_theo_nam"] and "Câu hỏi" not in pages["02_chi_tieu_theo_nam"]
    from docx import Document

    report = "\n".join(p.text for p in Document(str(en / "bao_cao_2016.docx")).paragraphs)
    assert "REPORT" in report and "VND 3,918 million" in report and "BÁO CÁO" not in report
