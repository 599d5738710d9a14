"""The meeting pack: the deck (analysis.slides) and the Word report (analysis.docx_report).

The deck's native charts are read back with python-pptx and compared with the metrics; the report's section
properties and first paragraphs are checked with python-docx, and both are rendered through LibreOffice to
PDF (skipped when ``soffice`` is missing; .ci/run installs it) to check the page and margins as printed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from tidy_fixture import binh_duong_tidy

from analysis import metrics, pack
from analysis.docx_report import build_report
from analysis.slides import build_deck, chart_series

PROVINCE = "Bình Dương"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None, reason="LibreOffice (soffice) or poppler is not installed"
)
MM_PT = 72 / 25.4


def _table() -> pd.DataFrame:
    table = binh_duong_tidy(with_2016_plan=True)
    return table.assign(source_file="samples/" + table["source_file"].astype(str))


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("deck") / "slides" / "hop_tong_ket_2016.pptx"
    return build_deck(_table(), None, PROVINCE, 2016, out, "vi", illustrative=True, built_at="24/02/2017")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "bao_cao_2016.docx"
    return build_report(_table(), None, PROVINCE, 2016, out, "vi", illustrative=True, day=date(2017, 2, 24))


def _texts(slide: object) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)  # type: ignore[attr-defined]


def test_deck_is_16_9_with_title_and_key_figures_of_the_seed_meeting(deck: Path) -> None:
    from pptx import Presentation

    prs = Presentation(str(deck))
    assert prs.slide_width * 9 == prs.slide_height * 16
    slides = list(prs.slides)
    title = _texts(slides[0])
    assert "Tổng kết công tác khuyến công năm 2016" in title and PROVINCE in title
    figures = _texts(slides[1])
    for text in ("3.918", "25 đề án", "1.850", "3 đề án", "2.068", "22 đề án", "55.306", "14,1 lần", "+300",
                 "+8,3", "Kế hoạch năm 2017", "4.438"):
        assert text in figures, text
    for slide in slides:  # the sample-data mark on every slide, speaker notes on every slide
        assert "DỮ LIỆU MINH HỌA" in _texts(slide)
        notes = slide.notes_slide.notes_text_frame.text
        assert "Nguồn:" in notes and "bảng số liệu khuyến công chuẩn hóa" in notes


def test_each_native_chart_holds_the_metrics(deck: Path) -> None:
    charts = {c["title"]: c for c in chart_series(deck)}
    assert len(charts) >= 5
    table = _table()
    by_year = metrics.support_by_year(table)
    support = charts["Kinh phí khuyến công theo năm: kế hoạch và thực hiện"]
    years = support["categories"]
    assert years == ["2015", "2016", "2017"]
    for stage, name in (("actual", "Thực hiện"), ("plan", "Kế hoạch")):
        expected = by_year[by_year["stage"] == stage].set_index("year")["support_vnd"]
        got = support["series"][name]
        for year, value in zip(years, got, strict=True):
            want = expected.get(int(year))
            assert (value is None and want is None) or value == want / 1_000_000, (stage, year)
    split = metrics.source_split(table, "actual")
    sources = charts["Kinh phí khuyến công theo nguồn – thực hiện"]["series"]
    assert sources["KCQG (quốc gia)"][1] == 1_850 and sources["KCĐP (địa phương)"][1] == 2_068
    assert sum(v or 0 for s in sources.values() for v in s) * 1_000_000 == split[
        split["funding_source"].isin(metrics.SUPPORT_SOURCES)]["amount_vnd"].sum()
    plan = charts["Kinh phí khuyến công theo chương trình – kế hoạch năm 2017"]
    expected_plan = pack.plan_by_program(table, 2016)[1]
    assert plan["series"]["Kế hoạch"] == [v / 1_000_000 for v in expected_plan["amount_vnd"]]
    assert sum(plan["series"]["Kế hoạch"]) == 4_438
    counterpart = charts["Vốn đối ứng trên mỗi đồng kinh phí khuyến công"]["series"]
    assert counterpart["Vốn đối ứng"][-1] == 55_306
    for chart in charts.values():  # Vietnamese grouping whatever the viewer's locale
        assert chart["label_format"] == pack.VI_INTEGER_FORMAT


def test_vietnamese_label_format_groups_with_dots() -> None:
    """The literal-dot format prints 55306 as 55.306 and 1234567 as 1.234.567 (sections by magnitude)."""
    sections = pack.VI_INTEGER_FORMAT.split(";")
    assert sections[0].startswith("[>=1000000]") and sections[1].startswith("[>=1000]")
    assert sections[1].replace('"."', ".").endswith("#.##0") and sections[2] == "0"


def test_plan_table_slide_and_picture_fallback(deck: Path) -> None:
    from pptx import Presentation

    prs = Presentation(str(deck))
    tables = [s.table for slide in prs.slides for s in slide.shapes if s.has_table]
    assert len(tables) == 1
    cells = [[c.text for c in row.cells] for row in tables[0].rows]
    assert cells[0] == ["Chương trình", "Kinh phí", "Số đề án", "Tỷ trọng"]
    assert cells[-1][:2] == ["Tổng cộng", "4.438"]
    pictures = [s for slide in prs.slides for s in slide.shapes if s.shape_type == 13]
    assert pictures  # the programme-mix dumbbell has no native chart: it is the PNG


def test_english_deck_is_english(tmp_path: Path) -> None:
    path = build_deck(_table(), None, PROVINCE, 2016, tmp_path / "d.pptx", "en", illustrative=True)
    from pptx import Presentation

    slides = list(Presentation(str(path)).slides)
    text = "\n".join(_texts(s) for s in slides)
    assert "Review of industrial promotion in 2016" in text and "ILLUSTRATIVE DATA" in text
    assert "3,918" in text and "Kế hoạch" not in text and "Thực hiện" not in text


def test_report_section_properties_and_first_paragraphs(report: Path) -> None:
    from docx import Document

    doc = Document(str(report))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4 (twips)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    head = doc.tables[0]
    left, right = (c.text for c in head.rows[0].cells)
    assert left.splitlines()[:2] == ["SỞ CÔNG THƯƠNG BÌNH DƯƠNG", "TRUNG TÂM KHUYẾN CÔNG"]
    lines = right.splitlines()
    assert lines[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and lines[1] == "Độc lập - Tự do - Hạnh phúc"
    assert lines[-1] == "Bình Dương, ngày 24 tháng 02 năm 2017"
    paragraphs = [p.text for p in doc.paragraphs if p.text.strip()]
    assert paragraphs[0] == "BÁO CÁO"
    assert paragraphs[1] == "Kết quả hoạt động khuyến công năm 2016 và kế hoạch năm 2017"
    assert paragraphs[3].startswith("DỮ LIỆU MINH HỌA")
    body = "\n".join(paragraphs)
    assert "Tổng kinh phí khuyến công thực hiện năm 2016 là 3.918 triệu đồng (25 đề án)" in body
    assert "Kế hoạch năm 2017: tổng kinh phí 4.438 triệu đồng" in body and "III. NGUỒN SỐ LIỆU" in body
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs if r.text.strip()}
    sizes = {r.font.size.pt for p in doc.paragraphs for r in p.runs if r.text.strip() and r.font.size}
    assert fonts == {"Times New Roman"} and {13.0, 14.0} <= sizes
    assert len(doc.inline_shapes) >= 2  # the main charts
    assert doc.tables[1].rows[0].cells[0].text == "Năm"


def _pdf(path: Path, out: Path) -> Path:
    subprocess.run(
        [str(SOFFICE), "--headless", f"-env:UserInstallation=file://{out / 'profile'}", "--convert-to", "pdf",
         "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = out / (path.stem + ".pdf")
    assert pdf.is_file()
    return pdf


@pytest.mark.slow
@needs_soffice
def test_report_renders_through_libreoffice_with_its_margins(report: Path, tmp_path: Path) -> None:
    pdf = _pdf(report, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    bbox = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', bbox)]
    body = [w for w in words if w[1] > 30 * MM_PT]  # below the page header (mark in the header band)
    assert min(w[0] for w in body) >= 30 * MM_PT - 1  # left margin 30 mm
    assert max(w[2] for w in body) <= (210 - 15) * MM_PT + 1  # right margin 15 mm
    text = " ".join(w[4] for w in words)
    for needle in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "3.918"):
        assert needle in text, needle


@pytest.mark.slow
@needs_soffice
def test_deck_opens_in_libreoffice_impress(deck: Path, tmp_path: Path) -> None:
    from pptx import Presentation

    pdf = _pdf(deck, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages == len(Presentation(str(deck)).slides)


def test_deck_chart_years_keep_their_slots() -> None:
    """A year without figures keeps its place on a chart's axis (2015, 2017 are not drawn next to each other)."""
    table = binh_duong_tidy()
    table = table[table["year"] != 2016]
    support = next(c for c in pack.chart_data(table, 2015, "vi") if c.key == "support_by_year")
    assert support.categories == ["2015", "2016", "2017"]
    assert support.series["Thực hiện"][1] is None and support.series["Kế hoạch"][2] == 4_438
