"""Report builds (analysis.report): notebooks → offline HTML, index, brief, Excel, atomic swap and skip.

Self-contained: the notebooks are generated here with nbformat, ingest and brief are injected fakes, so these
tests do not depend on the real data, notebooks, ingest or brief. Kernels start once per notebook (~1–2 s).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import nbformat
import pandas as pd
import pytest
from openpyxl import load_workbook

import analysis
from analysis.report import (
    PRIVATE_KERNEL,
    ReportError,
    build_reports,
    external_resources,
    kernel_name,
    notebook_title_and_summary,
    parse_years,
    sanitize_html,
    swap_in,
    table_of_contents,
)

v4 = nbformat.v4
FORBIDDEN = (
    "<script src",
    "<link href=http",
    '<link href="http',
    "@import url(http",
    "cdn",
    "mathjax",
    "require.js",
)


# ------------------------------------------------------------------------------------------ fixtures


def _params_cell() -> Any:
    cell = v4.new_code_cell('province = None\nyears = None\nlang = "vi"\ndata_dir = ""\nbase_year = None')
    cell.metadata["tags"] = ["parameters"]
    return cell


def _chart_notebook() -> Any:
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell(
            "# Tổng quan kinh phí\n\nBáo cáo tóm tắt **kinh phí khuyến công** theo năm.\n\nĐoạn thứ hai."
        ),
        _params_cell(),
        v4.new_markdown_cell("## Biểu đồ theo năm\n\nNguồn: [Bộ Công Thương](https://moit.gov.vn)."),
        v4.new_code_cell(
            "import matplotlib.pyplot as plt\n"
            "from analysis import config\n"
            "fig, ax = plt.subplots(figsize=(5, 3))\n"
            "ax.bar(['2016', '2017'], [3.9, 4.2])\n"
            "ax.set_title('Kinh phí khuyến công (tỷ đồng)')\n"
            "out = config.REPORTS_DIR / 'figures' / '01_tong_quan'\n"
            "out.mkdir(parents=True, exist_ok=True)\n"
            "fig.savefig(out / 'bars.png')\n"
            "fig.savefig(out / 'bars.svg')\n"
            "plt.show()"
        ),
        v4.new_markdown_cell("## Bảng đề án\n\n### Chi tiết"),
        v4.new_code_cell(
            "import warnings\n"
            "import pandas as pd\n"
            "from IPython.display import HTML, display\n"
            "warnings.warn('tiếng ồn stderr')\n"
            "print(f'PARAMS {province} {years} {lang} {base_year}')\n"
            'display(HTML(\'<script>alert(2)</script><img src="https://example.org/x.png" onerror="alert(3)">'
            "<b>đậm</b>'))\n"
            "pd.DataFrame({'Tên đề án': ['<script>alert(1)</script>', 'Máy sấy'], 'Kinh phí': [1200000, -5]})"
        ),
    ]
    return nb


def _markdown_notebook() -> Any:
    nb = v4.new_notebook()
    nb.metadata["khuyencong"] = {"illustrative": True}
    nb.cells = [
        v4.new_markdown_cell(
            "# Ghi chú phương pháp\n\nCách đọc: số liệu tính bằng đồng.\n\n## Nguồn\n\nNghị định 45.\n\n"
            "## Hạn chế\n\nKhông có."
        )
    ]
    return nb


def _failing_notebook() -> Any:
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("# Sổ tay lỗi"),
        _params_cell(),
        v4.new_code_cell("x = 1"),
        v4.new_code_cell("y = {}\ny['thiếu']"),
    ]
    return nb


def _tidy_table() -> pd.DataFrame:
    rows = [
        (2016, "project", "training", "local", 1_200_000_000, "Dĩ An", 2),
        (2016, "project", "demonstration", "national", 1_850_000_000, "Thủ Dầu Một", 3),
        (2016, "project", "demonstration", "counterpart", 9_000_000_000, "Thủ Dầu Một", 3),
        (2017, "project", "products", "local", 868_000_000, "", 4),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["year", "record_type", "program", "funding_source", "amount_vnd", "district", "source_row"],
    )
    frame["province"] = "Bình Dương"
    frame["stage"] = "actual"
    frame["program_label"] = ""
    frame["n_projects"] = pd.array([1] * len(frame), dtype="Int64")
    frame["title"] = ['=HYPERLINK("x")', "Máy sấy", "Máy sấy", "Gốm"]
    frame["beneficiary"] = ""
    frame["value_as_printed"] = ""
    frame["unit_as_printed"] = "triệu đồng"
    frame["flags"] = ""
    frame["source_file"] = "binh_duong/2016.csv"
    frame["source_sheet"] = "2016"
    return frame


class FakeBrief:
    """Shaped like analysis.brief.Brief: a title, plain-text paragraphs, Markdown with a '# title' heading."""

    def __init__(self, province: str | None, year: int, lang: str = "vi") -> None:
        self.title = (
            f"Tóm tắt khuyến công {province} năm {year}" if lang == "vi" else f"Brief {province} {year}"
        )
        self.paragraphs = [f"Năm {year}, {province} chi 3,9 tỷ đồng <b>thẻ</b>.", "- Đòn bẩy 14 lần"]

    def to_text(self) -> str:
        return "\n\n".join([self.title, *self.paragraphs]) + "\n"

    def to_markdown(self) -> str:
        return "\n\n".join([f"# {self.title}", "**Chính:** " + self.paragraphs[0], self.paragraphs[1]]) + "\n"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): _sha(p) for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    base = tmp_path_factory.mktemp("report")
    raw = base / "raw"
    (raw / "binh_duong").mkdir(parents=True)
    (raw / "binh_duong" / "2016.csv").write_text("Nội dung,Kinh phí\nMáy sấy,1.850\n", encoding="utf-8")
    (raw / "binh_duong" / "2017.csv").write_text("Nội dung,Kinh phí\nGốm,868\n", encoding="utf-8")
    (raw / "binh_duong" / "~$2017.xlsx").write_bytes(b"lock file, ignored")
    nbs = base / "notebooks"
    nbs.mkdir()
    nbformat.write(_chart_notebook(), nbs / "01_tong_quan.ipynb")
    nbformat.write(_markdown_notebook(), nbs / "02_phuong_phap.ipynb")
    calls: dict[str, list[Any]] = {"ingest": [], "brief": []}
    table = _tidy_table()

    def fake_ingest(paths: Any, out_dir: Any = None, **kwargs: Any) -> SimpleNamespace:
        calls["ingest"].append((paths, out_dir, kwargs))
        files = [
            {"path": f"binh_duong/{name}", "status": "ok", "sha256": _sha(raw / "binh_duong" / name)}
            for name in ("2016.csv", "2017.csv")
        ]
        return SimpleNamespace(table=table, rejects=pd.DataFrame(), report={"files": files})

    def fake_brief(df: pd.DataFrame, published: Any, province: str | None, year: int, lang: str) -> FakeBrief:
        calls["brief"].append((len(df), province, year, lang))
        return FakeBrief(province, year, lang)

    published = pd.DataFrame(
        [
            {
                "scope": "province",
                "province": "Bình Dương",
                "year_start": 2016,
                "year_end": 2016,
                "stage": "actual",
                "metric": "support",
                "funding_source": "total",
                "program": "",
                "amount_vnd": 3_050_000_000,
                "source": "TTKC Bình Dương 2017",
            }
        ]
    )
    kwargs: dict[str, Any] = {
        "raw_dir": raw,
        "out_dir": base / "out",
        "province": "Bình Dương",
        "years": "2016-2017",
        "base_year": 2016,
        "jobs": 2,
        "notebooks_dir": nbs,
        "ingest_fn": fake_ingest,
        "brief_fn": fake_brief,
        "published_fn": lambda: published,
        "processed_dir": base / "processed",
        "progress": False,
    }
    started = time.perf_counter()
    result = build_reports(**kwargs)
    seconds = time.perf_counter() - started
    return SimpleNamespace(
        base=base,
        raw=raw,
        nbs=nbs,
        out=base / "out",
        result=result,
        seconds=seconds,
        calls=calls,
        kwargs=kwargs,
    )


def _page(built: SimpleNamespace, name: str) -> str:
    return (built.out / "html" / f"{name}.html").read_text(encoding="utf-8")


def _without_data_uris(page: str) -> str:
    return re.sub(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]+", "data:", page)


# ------------------------------------------------------------------------------------------ build


@pytest.mark.slow
def test_build_writes_every_output(built: SimpleNamespace) -> None:
    out = built.out
    result = built.result
    assert not result.skipped and result.ok
    assert [p.name for p in result.pages] == ["01_tong_quan", "02_phuong_phap"]
    for rel in (
        "html/index.html",
        "html/01_tong_quan.html",
        "html/02_phuong_phap.html",
        "tom_tat_2017.md",
        "tables/summary.xlsx",
        "figures/01_tong_quan/bars.png",  # written by the kernel through KHUYENCONG_REPORTS_DIR
        "figures/01_tong_quan/bars.svg",
        "notebooks/01_tong_quan.ipynb",
        ".build.json",
    ):
        assert (out / rel).is_file(), rel
    assert result.index_html == out / "html" / "index.html"
    assert set(result.figures) == {
        out / "figures/01_tong_quan/bars.png",
        out / "figures/01_tong_quan/bars.svg",
    }
    assert not [p for p in built.base.iterdir() if ".build-" in p.name or ".old-" in p.name]
    ((paths, out_dir, _),) = built.calls["ingest"]
    assert [Path(p) for p in paths] == [built.raw.resolve()]
    assert Path(out_dir) == (built.base / "processed").resolve()
    # a brief for every year with results (2016 is also the reference meeting's year); the index shows 2017
    assert built.calls["brief"] == [(4, "Bình Dương", 2016, "vi"), (4, "Bình Dương", 2017, "vi")]
    assert (out / "tom_tat_2016.md").is_file()
    assert re.fullmatch(r"Đã lập 2 báo cáo trong \d+,\d giây → .+", result.summary())  # decimal comma
    assert re.fullmatch(r"Built 2 report\(s\) in \d+\.\d s → .+", result.summary("en"))


@pytest.mark.slow
def test_parameters_reach_the_kernel(built: SimpleNamespace) -> None:
    page = _page(built, "01_tong_quan")
    assert "PARAMS Bình Dương [2016, 2017] vi 2016" in page
    executed = nbformat.read(built.out / "notebooks" / "01_tong_quan.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "data_dir" in injected[0].source


def test_without_province_the_pages_name_the_one_province_in_the_data(
    built: SimpleNamespace, tmp_path: Path
) -> None:
    """The notebooks' own default province may differ from the data; the scope must never say 'all'."""
    kwargs = {**built.kwargs, "province": None, "out_dir": tmp_path / "out", "processed_dir": tmp_path / "p"}
    build_reports(**kwargs)
    page = (tmp_path / "out" / "html" / "01_tong_quan.html").read_text(encoding="utf-8")
    assert "PARAMS Bình Dương [2016, 2017] vi 2016" in page
    index = (tmp_path / "out" / "html" / "index.html").read_text(encoding="utf-8")
    assert "Bình Dương" in index and "tất cả các tỉnh" not in index


def test_without_province_several_provinces_stop_with_their_names(built: SimpleNamespace, tmp_path: Path) -> None:
    two = pd.concat([_tidy_table(), _tidy_table().assign(province="Đồng Nai")], ignore_index=True)
    kwargs = {**built.kwargs, "province": None, "out_dir": tmp_path / "out", "processed_dir": tmp_path / "p",
              "ingest_fn": lambda *a, **k: SimpleNamespace(table=two, rejects=pd.DataFrame(), report={})}
    with pytest.raises(ReportError, match=r"dữ liệu có 2 tỉnh \(Bình Dương, Đồng Nai\).*--province"):
        build_reports(**kwargs)
    assert not (tmp_path / "out" / "html" / "index.html").exists()


def test_one_report_set_per_province_and_a_landing_page(built: SimpleNamespace, tmp_path: Path) -> None:
    from analysis.report import build_reports_by_province, province_folder

    two = pd.concat([_tidy_table(), _tidy_table().assign(province="Quảng Ninh", year=2023)], ignore_index=True)
    calls = []

    def fake_ingest(paths: Any, out_dir: Any = None, **kwargs: Any) -> SimpleNamespace:
        calls.append(paths)
        return SimpleNamespace(table=two, rejects=pd.DataFrame(), report={})

    kwargs = {k: v for k, v in built.kwargs.items() if k not in ("province", "base_year", "years")}
    kwargs.update(out_dir=tmp_path / "out", processed_dir=tmp_path / "p", ingest_fn=fake_ingest)
    results = build_reports_by_province(**kwargs)
    assert [r.out_dir.name for r in results] == ["binh_duong", "quang_ninh"]
    assert len(calls) == 1  # one ingest serves every province's set
    qn = (tmp_path / "out" / "quang_ninh" / "html" / "01_tong_quan.html").read_text(encoding="utf-8")
    assert "PARAMS Quảng Ninh None vi None" in qn
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="binh_duong/html/index.html">Bình Dương</a>' in index
    assert 'href="quang_ninh/html/index.html">Quảng Ninh</a>' in index and "2 báo cáo · 2023" in index
    assert "2 báo cáo · 2016–2017 · thực hiện 2017: " in index  # the latest actual year's support, in triệu
    assert external_resources(index) == []
    qn_index = (tmp_path / "out" / "quang_ninh" / "html" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../../index.html">← Các tỉnh</a>' in qn_index
    single = (built.out / "html" / "index.html").read_text(encoding="utf-8")
    assert "← Các tỉnh" not in single  # a set built on its own has no province list above it
    broken = {**kwargs, "out_dir": tmp_path / "broken",
              "brief_fn": lambda df, pub, province, year, lang: 1 / 0 if province == "Bình Dương" else FakeBrief(
                  province, year, lang)}
    with pytest.raises(ReportError, match=r"1 of 2 province report sets failed.*Bình Dương: meeting brief"):
        build_reports_by_province(**broken)
    assert (tmp_path / "broken" / "quang_ninh" / "html" / "index.html").is_file()  # the other one is built
    landing = (tmp_path / "broken" / "index.html").read_text(encoding="utf-8")
    assert "Quảng Ninh" in landing and "binh_duong/html" not in landing
    assert province_folder("Thành phố Hồ Chí Minh") == "thanh_pho_ho_chi_minh" and province_folder("Đắk Lắk") == "dak_lak"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["01_tong_quan", "02_phuong_phap", "index"])
def test_pages_load_nothing_from_the_network(built: SimpleNamespace, name: str) -> None:
    page = _page(built, name)
    assert external_resources(page) == []
    assert "<script" not in page.lower() and "<link" not in page.lower() and "<iframe" not in page.lower()
    text = _without_data_uris(page).lower()
    for needle in FORBIDDEN:
        assert needle not in text, needle
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.sub(r"<a\s[^>]*>", "", text))


@pytest.mark.slow
def test_chart_embedded_and_output_escaped(built: SimpleNamespace) -> None:
    page = _page(built, "01_tong_quan")
    assert re.search(r'<img[^>]+src="data:image/png;base64,[A-Za-z0-9+/]{200,}', page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the DataFrame cell shows as text
    assert "<script>alert" not in page
    assert "alert(2)" not in page and "alert(3)" not in page and "onerror" not in page
    assert "example.org" not in page  # an outside image is dropped, not fetched
    assert "<b>đậm</b>" in page  # harmless markup survives sanitising
    assert '<a href="https://moit.gov.vn"' in page  # cited sources stay plain links
    assert "tiếng ồn stderr" not in page  # warnings are not part of a report
    assert '<td class="num">-5</td>' in page


@pytest.mark.slow
def test_no_code_no_prompts(built: SimpleNamespace) -> None:
    page = _page(built, "01_tong_quan")
    assert "import matplotlib" not in page and "fig.savefig" not in page
    assert "In&nbsp;[" not in page and "Out[" not in page
    assert "jp-InputArea-editor" not in page


@pytest.mark.slow
def test_title_toc_footer_and_style(built: SimpleNamespace) -> None:
    page = _page(built, "01_tong_quan")
    assert "<title>Tổng quan kinh phí</title>" in page
    assert '<h1 class="kc-title">Tổng quan kinh phí</h1>' in page
    assert page.count("Tổng quan kinh phí</h1>") == 1  # the heading moved into the header, not repeated
    toc = re.search(r'<nav class="kc-toc".*?</nav>', page, re.S)
    assert toc is not None
    for heading in ("Biểu đồ theo năm", "Bảng đề án", "Chi tiết"):
        assert heading in toc.group(0)
    for anchor in re.findall(r'href="#([^"]+)"', toc.group(0)):
        assert f'id="{anchor}"' in page
    assert 'href="index.html"' in page
    footer = re.search(r'<footer class="kc-footer">.*?</footer>', page, re.S)
    assert footer is not None
    for name in ("2016.csv", "2017.csv"):
        assert _sha(built.raw / "binh_duong" / name) in footer.group(0)
        assert f"binh_duong/{name}" in footer.group(0)
    assert analysis.__version__ in footer.group(0)
    assert "~$2017" not in page
    assert 'name="viewport"' in page and "@media print" in page and "max-width: 100%" in page
    assert '"Segoe UI", "Noto Sans", "Helvetica Neue", Arial, sans-serif' in page
    assert 'class="kc-banner"' not in page  # notebook 01 is not illustrative …
    assert 'class="kc-banner"' in _page(built, "02_phuong_phap")  # … 02 says so in its metadata


@pytest.mark.slow
def test_index_brief_and_links(built: SimpleNamespace) -> None:
    page = _page(built, "index")
    assert '<html lang="vi">' in page
    assert 'href="01_tong_quan.html"' in page and 'href="02_phuong_phap.html"' in page
    assert "Báo cáo tóm tắt kinh phí khuyến công theo năm." in page  # first paragraph of the first cell
    assert "Cách đọc: số liệu tính bằng đồng." in page
    brief = re.search(r'<section class="kc-section" id="brief">.*?</section>', page, re.S)
    assert brief is not None
    assert "<h2>Tóm tắt khuyến công Bình Dương năm 2017</h2>" in brief.group(0)  # the brief's title heads it
    assert "<strong>Chính:</strong>" in brief.group(0)
    assert "&lt;b&gt;thẻ&lt;/b&gt;" in brief.group(0)  # data text never becomes markup
    assert "<li>Đòn bẩy 14 lần</li>" in brief.group(0)
    assert brief.start() < page.index('id="reports"')  # brief on top
    assert 'href="../tables/summary.xlsx"' in page and 'href="../tom_tat_2017.md"' in page
    assert page.count('class="kc-flag"') == 1  # only 02 is flagged illustrative
    assert 'class="kc-banner"' in page
    text = (built.out / "tom_tat_2017.md").read_text(encoding="utf-8")
    assert text == FakeBrief("Bình Dương", 2017).to_text()


@pytest.mark.slow
def test_summary_workbook(built: SimpleNamespace) -> None:
    """Excel as its readers expect: triệu đồng with the unit in the header, words not codes (codes hidden for
    tools), a title row, frozen filtered header repeated on every printed A4 landscape page, one page wide."""
    from analysis.excel import visible_cells

    path = built.out / "tables" / "summary.xlsx"
    wb = load_workbook(path)
    assert {"Theo năm", "Theo chương trình", "Theo huyện", "Đối chiếu số công bố"} <= set(wb.sheetnames)
    ws = wb["Theo năm"]
    assert ws["A1"].value.startswith("Kinh phí khuyến công") and "triệu đồng" in ws["A1"].value
    header = [c.value for c in ws[2]]
    assert header[:4] == ["Tỉnh / vùng", "Năm", "Giai đoạn", "stage"]  # the code column follows its word …
    assert ws.column_dimensions["D"].hidden  # … hidden
    assert header[4] == "Kinh phí khuyến công (triệu đồng)"
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref.startswith("A2:")
    assert ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)  # 1: default
    assert ws.page_setup.fitToHeight == 0
    first = {h: c for h, c in zip(header, ws[3], strict=True)}
    assert first["Năm"].value == 2016 and first["Năm"].number_format == "0"
    assert first["Giai đoạn"].value == "Thực hiện" and first["stage"].value == "actual"
    assert first["Kinh phí khuyến công (triệu đồng)"].value == 3_050
    assert first["Kinh phí khuyến công (triệu đồng)"].number_format == "#,##0.0"  # one decimal, every row
    assert first["Vốn đối ứng (triệu đồng)"].value == 9_000
    seen = visible_cells(path)["Đối chiếu số công bố"]
    assert "stage" not in seen[1] and "Khớp" in seen[1]
    row = seen[2]
    assert 3_050 in row and 0 in row and "có" in row  # published = computed, difference 0, matches
    assert not any(v is True or v == "TRUE" for r in seen for v in r)


@pytest.mark.slow
def test_rerun_with_nothing_changed_is_skipped(
    built: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    index = built.out / "html" / "index.html"
    before = index.stat().st_mtime_ns
    n_ingest = len(built.calls["ingest"])
    started = time.perf_counter()
    result = build_reports(**built.kwargs)
    elapsed = time.perf_counter() - started
    assert result.skipped and elapsed < 2.0
    assert "đã cập nhật, không cần lập lại" in capsys.readouterr().err  # Vietnamese by default
    assert len(built.calls["ingest"]) == n_ingest  # nothing re-run, not even the ingest
    assert index.stat().st_mtime_ns == before
    assert [p.name for p in result.pages] == ["01_tong_quan", "02_phuong_phap"]


@pytest.mark.slow
def test_failing_notebook_names_cell_and_keeps_previous_report(
    built: SimpleNamespace, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(built.out, out)
    before = _snapshot(out)
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    nbformat.write(_markdown_notebook(), nbs / "02_phuong_phap.ipynb")
    nbformat.write(_failing_notebook(), nbs / "03_loi.ipynb")
    with pytest.raises(ReportError) as info:
        build_reports(**{**built.kwargs, "out_dir": out, "notebooks_dir": nbs})
    error = info.value
    message = str(error)
    assert "03_loi.ipynb" in message and "cell 3" in message
    assert "y = {}" in message and "KeyError" in message and "thiếu" in message
    assert (error.notebook, error.cell_index, error.ename) == ("03_loi.ipynb", 3, "KeyError")
    from analysis.errors import KhuyenCongError

    assert isinstance(error, KhuyenCongError)
    assert _snapshot(out) == before  # the previous report is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebooks", "out"]  # no half-built folder left


@pytest.mark.slow
def test_english_build_goes_to_en_and_keeps_vietnamese(built: SimpleNamespace, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(built.out, out)
    vi_before = _snapshot(out)
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    nbformat.write(_markdown_notebook(), nbs / "02_phuong_phap.ipynb")
    result = build_reports(
        **{**built.kwargs, "out_dir": out, "notebooks_dir": nbs, "lang": "en", "illustrative": True}
    )
    en = out / "en"
    assert result.out_dir == en and result.lang == "en"
    index = (en / "html" / "index.html").read_text(encoding="utf-8")
    page = (en / "html" / "02_phuong_phap.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in index and "<h2>Brief Bình Dương 2017</h2>" in index and "Reports" in index
    assert ">Contents<" in page and "Data sources and build" in page
    for html in (index, page):
        assert 'class="kc-banner"' in html and "Illustrative data" in html
    assert (en / "tom_tat_2017.md").is_file()
    assert "By year" in load_workbook(en / "tables" / "summary.xlsx").sheetnames
    assert built.calls["brief"][-1][-1] == "en"
    assert {k: v for k, v in _snapshot(out).items() if not k.startswith("en/")} == vi_before


# ------------------------------------------------------------------------------------------ units


def test_swap_in_replaces_products_and_carries_the_rest(tmp_path: Path) -> None:
    target = tmp_path / "out"
    for rel, text in {
        ".build.json": "{}",
        "html/old.html": "old",
        "tom_tat_2016.md": "old brief",
        "en/html/index.html": "english",
        "README.txt": "keep me",
    }.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_text(text)
    build = tmp_path / ".out.build-x"
    (build / "html").mkdir(parents=True)
    (build / "html" / "new.html").write_text("new")
    (build / ".build.json").write_text('{"key": 1}')
    assert swap_in(build, target) is None
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == [".build.json", "README.txt", "en/html/index.html", "html/new.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_swap_in_keeps_a_folder_it_did_not_make(tmp_path: Path) -> None:
    target = tmp_path / "reports"
    (target / "figures").mkdir(parents=True)
    (target / "figures" / "mine.png").write_bytes(b"x")
    build = tmp_path / ".reports.build-y"
    (build / "figures").mkdir(parents=True)
    kept = swap_in(build, target)
    assert kept is not None and (kept / "figures" / "mine.png").is_file()
    assert not (target / "figures" / "mine.png").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-2018", [2015, 2016, 2017, 2018]),
        ("2017", [2017]),
        ("2015,2017", [2015, 2017]),
        ("2015–2016, 2018", [2015, 2016, 2018]),
        ([2018, 2016], [2016, 2018]),
        (None, None),
    ],
)
def test_parse_years(text: Any, expected: list[int] | None) -> None:
    assert parse_years(text) == expected


@pytest.mark.parametrize("text", ["2018-2015", "20x", "1800", "2015-"])
def test_parse_years_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_years(text)


def test_sanitize_html_keeps_structure_and_drops_active_content() -> None:
    dirty = (
        '<h2 id="a">Tiêu đề</h2><p onclick="x()">Đoạn <a href="javascript:alert(1)">x</a>'
        '<a href="https://moit.gov.vn">nguồn</a></p><style>body{display:none}</style>'
        '<table class="dataframe"><thead><tr><th>a</th></tr></thead><tbody><tr><td>&lt;script&gt;</td>'
        '<td>1.234</td><td id="T_1" class="data col1">12,5 %</td></tr></tbody></table><script>alert(2)</script>'
        '<iframe src="https://x"></iframe>'
        '<img src="https://x/y.png"><img src="data:image/png;base64,AAAA" alt="c"><svg onload="alert(4)"></svg>'
    )
    clean = sanitize_html(dirty)
    for kept in (
        '<h2 id="a">Tiêu đề</h2>',
        "<thead>",
        "<th>a</th>",
        "<td>&lt;script&gt;</td>",
        '<td class="num">1.234</td>',
        '<td id="T_1" class="data col1 num">12,5 %</td>',
        '<a href="https://moit.gov.vn">nguồn</a>',
        'src="data:image/png;base64,AAAA"',
    ):
        assert kept in clean, kept
    for dropped in (
        "onclick",
        "javascript:",
        "alert(2)",
        "display:none",
        "iframe",
        "https://x/y.png",
        "onload",
    ):
        assert dropped not in clean, dropped


def test_multiples_and_missing_dashes_align_with_numbers() -> None:
    cells = "".join(
        f"<td>{text}</td>" for text in ("14,1 lần", "14.1×", "–", "+8,3\u202f%", "Thủ Dầu Một", "12 đề án")
    )
    clean = sanitize_html(f"<table><tbody><tr>{cells}</tr></tbody></table>")
    for numeric in ("14,1 lần", "14.1×", "–", "+8,3\u202f%"):
        assert f'<td class="num">{numeric}</td>' in clean, numeric
    for text in ("Thủ Dầu Một", "12 đề án"):
        assert f"<td>{text}</td>" in clean, text


def test_external_resources_finds_fetches_but_not_links() -> None:
    page = (
        '<a href="https://moit.gov.vn">ok</a><img src="data:image/png;base64,AA">'
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//fonts.example/css">'
        '<img src="http://x/y.png"><div style="background:url(https://x/z.png)"></div>'
        "<style>@import url(https://fonts.example/a.css);</style>"
    )
    found = external_resources(page)
    assert len(found) == 5
    assert (
        external_resources('<a href="https://moit.gov.vn">ok</a><img src="data:image/png;base64,AA">') == []
    )


def test_title_summary_and_toc_helpers() -> None:
    nb = _chart_notebook()
    assert notebook_title_and_summary(nb, "x") == (
        "Tổng quan kinh phí",
        "Báo cáo tóm tắt kinh phí khuyến công theo năm.",
        True,
    )
    empty = v4.new_notebook()
    assert notebook_title_and_summary(empty, "03_x") == ("03_x", "", False)
    toc = table_of_contents(
        '<h2 id="a">A<a class="anchor-link" href="#a">¶</a></h2><h3 id="b">B</h3><h2 id="c">C</h2>', "T"
    )
    assert toc.count("<li>") == 3 and "¶" not in toc
    assert toc.count("<ol>") == toc.count("</ol>") == 2
    assert table_of_contents('<h2 id="a">A</h2>', "T") == ""


def test_kernel_runs_this_interpreter() -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    name = kernel_name()
    assert name in ("python3", PRIVATE_KERNEL)
    argv0 = KernelSpecManager().get_kernel_spec(name).argv[0]
    assert argv0 in ("python", "python3") or Path(argv0).resolve() == Path(sys.executable).resolve()


def test_sample_rows_make_a_build_illustrative() -> None:
    from analysis.notebook import is_illustrative  # what build_reports asks when illustrative is None

    assert is_illustrative(pd.DataFrame({"source_file": ["samples/binh_duong/ke_hoach_2017.xlsx"]}))
    assert not is_illustrative(pd.DataFrame({"source_file": ["quang_ninh/KH_2018.xlsx"]}))
    assert not is_illustrative(pd.DataFrame())


def test_cell_error_counts_cells_as_the_author_sees_them(tmp_path: Path) -> None:
    from analysis.report import _cell_error

    plain = v4.new_notebook()
    plain.cells = [v4.new_markdown_cell("# A"), v4.new_code_cell("x = 1"), v4.new_code_cell("1/0")]
    nbformat.write(plain, tmp_path / "plain.ipynb")
    exc = SimpleNamespace(cell_index=2, source="1/0", ename="ZeroDivisionError", evalue="division by zero")
    error = _cell_error(tmp_path / "plain.ipynb", exc)  # no parameters cell: nothing was injected
    assert error.cell_index == 2 and "cell 2" in str(error) and "'1/0'" in str(error)
    nbformat.write(_failing_notebook(), tmp_path / "param.ipynb")
    error = _cell_error(tmp_path / "param.ipynb", SimpleNamespace(**{**exc.__dict__, "cell_index": 4}))
    assert error.cell_index == 3  # executed index 4 = original 3 + the injected cell


def test_cli_refuses_province_with_all_provinces(capsys: pytest.CaptureFixture[str]) -> None:
    from analysis.cli import main

    assert main(["report", "--all-provinces", "--province", "Quảng Ninh"]) == 2
    assert "--all-provinces" in capsys.readouterr().err


def test_a_provinces_pages_list_its_own_source_files() -> None:
    from analysis.report import RawFile, _raw_provenance

    whole = pd.DataFrame({"source_file": ["bd/a.xlsx", "bd/a.xlsx", "qn/b.xlsx"],
                          "province": ["Bình Dương", "Bình Dương", "Quảng Ninh"]})
    files = [RawFile("bd/a.xlsx", "1", 10), RawFile("qn/b.xlsx", "2", 10), RawFile("x/broken.xlsx", "3", 10)]
    report = SimpleNamespace(report={"files": [{"path": f.path, "sha256": f.sha256, "status": s}
                                               for f, s in zip(files, ["ok", "ok", "error"], strict=True)]})
    scoped = whole[whole["province"] == "Bình Dương"]
    listed = _raw_provenance(files, report, scoped, whole)
    assert [(f.path, f.rows, f.status) for f in listed] == [("bd/a.xlsx", 2, "ok"), ("x/broken.xlsx", 0, "error")]
    assert len(_raw_provenance(files, report, scoped)) == 3  # without the whole table: every file, as before


def test_english_edition_takes_each_cell_s_english_narrative() -> None:
    from analysis.report import localize_markdown

    nb = v4.new_notebook()
    cell = v4.new_markdown_cell("# Tóm tắt\n\nĐoạn văn.")
    cell.metadata["khuyencong"] = {"en": "# Brief\n\nA paragraph."}
    nb.cells = [cell, v4.new_markdown_cell("## Không dịch"), v4.new_code_cell("x = 1")]
    english = localize_markdown(nb, "en")
    assert [c.source for c in english.cells] == ["# Brief\n\nA paragraph.", "## Không dịch", "x = 1"]
    assert notebook_title_and_summary(english, "x")[:2] == ("Brief", "A paragraph.")
    assert localize_markdown(nb, "vi") is nb and nb.cells[0].source.startswith("# Tóm tắt")
