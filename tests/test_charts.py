"""Charts: every chart renders in vi and en, at slide size, with readable, non-overlapping Vietnamese text."""

from __future__ import annotations

import itertools
import re
import string
import warnings
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import matplotlib
import matplotlib.style as mstyle
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image
from tidy_fixture import binh_duong_tidy, phase_rows

from analysis import charts, config, metrics, reference_data

matplotlib.use("Agg")

DF = binh_duong_tidy(with_2016_plan=True)
PUB = reference_data.published_figures()

CHARTS: dict[str, Callable[..., Figure]] = {
    "support_by_year": lambda lang, ill: charts.chart_support_by_year(DF, lang, ill),
    "yoy_change": lambda lang, ill: charts.chart_yoy_change(DF, lang, ill),
    "sources_stacked": lambda lang, ill: charts.chart_sources_stacked(
        DF, lang, ill, include_counterpart=True
    ),
    "sources_share": lambda lang, ill: charts.chart_sources_share(DF, lang, ill, include_counterpart=True),
    "leverage": lambda lang, ill: charts.chart_leverage(DF, lang, ill),
    "leverage_program": lambda lang, ill: charts.chart_leverage(DF, lang, ill, by="program"),
    "program_allocation": lambda lang, ill: charts.chart_program_allocation(DF, lang, ill),
    "plan_vs_actual": lambda lang, ill: charts.chart_plan_vs_actual_by_program(DF, lang, ill),
    "mix_dumbbell": lambda lang, ill: charts.chart_mix_dumbbell(DF, 2016, 2017, lang, ill),
    "crosswalk": lambda lang, ill: charts.chart_crosswalk(DF, "group7_2014_2020", lang, ill),
    "crosswalk_qd1881": lambda lang, ill: charts.chart_crosswalk(
        DF, "qd1881_2021_2025", lang, ill, year=2016
    ),
    "by_district": lambda lang, ill: charts.chart_by_district(DF, lang, ill),
    "compare_provinces": lambda lang, ill: charts.chart_compare_provinces(PUB, lang, ill),
    "collaborators": lambda lang, ill: charts.chart_collaborators(PUB, "Bình Dương", lang, ill),
    "projects_by_year": lambda lang, ill: charts.chart_projects_by_year(DF, lang, ill),
    "published_check": lambda lang, ill: charts.chart_published_check(DF, PUB, "Bình Dương", lang, ill),
}
MIN_PX = 16.0


def _drawn_texts(fig: Figure) -> list[tuple[str, float, object]]:
    """(text, font size in px, window extent) of every text actually drawn."""
    drawn: list[tuple[str, float, object]] = []
    original = Text.draw

    def record(self: Text, renderer: object) -> None:
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            drawn.append(
                (self.get_text(), self.get_fontsize() * fig.dpi / 72, self.get_window_extent(renderer))
            )  # type: ignore[arg-type]

    with mock.patch.object(Text, "draw", record):
        fig.canvas.draw()
    return drawn


def _overlaps(drawn: list[tuple[str, float, object]]) -> list[tuple[str, str]]:
    bad = []
    for i, (ta, _, a) in enumerate(drawn):
        for tb, _, b in drawn[i + 1 :]:
            w = min(a.x1, b.x1) - max(a.x0, b.x0)  # type: ignore[attr-defined]
            h = min(a.y1, b.y1) - max(a.y0, b.y0)  # type: ignore[attr-defined]
            if w > 1 and h > 1:
                bad.append((ta, tb))
    return bad


def _glyph_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if re.search(r"glyph|missing from font", str(w.message), re.I)]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", list(CHARTS))
def test_chart_renders_readably(name: str, lang: str, tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = CHARTS[name](lang, True)
        assert isinstance(fig, Figure)
        drawn = _drawn_texts(fig)
        if lang == "vi":
            paths = charts.save_for_slides(fig, name, "test-notebook", out_dir=tmp_path)
    assert not _glyph_warnings(caught)
    texts = [t for t, _, _ in drawn]
    assert charts.label("mark.illustrative", lang) in texts
    note = next(t for t in texts if t.startswith(charts.label("note.unit_source", lang).split("{")[0][:6]))
    assert ("Nguồn:" if lang == "vi" else "Source:") in note and (
        "Đơn vị:" if lang == "vi" else "Unit:"
    ) in note
    small = [(t, px) for t, px, _ in drawn if px < MIN_PX]
    assert not small, f"text below {MIN_PX} px: {small}"
    outside = [t for t, _, b in drawn if b.x0 < -1 or b.y0 < -1 or b.x1 > 1921 or b.y1 > 1081]  # type: ignore[attr-defined]
    assert not outside, f"text outside the slide: {outside}"
    assert not _overlaps(drawn), f"overlapping texts: {_overlaps(drawn)}"
    if lang == "vi":
        with Image.open(paths.png) as im:
            assert im.size == (1920, 1080)
        svg = paths.svg.read_text(encoding="utf-8")
        assert "<text" not in svg and "<path" in svg
        assert paths.png == tmp_path / "figures" / "test-notebook" / f"{name}.png"


def test_not_illustrative_has_no_mark() -> None:
    fig = charts.chart_program_allocation(DF, "vi", illustrative=False)
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert charts.label("mark.illustrative", "vi") not in texts
    assert "2.250 (50,7\u202f%)" in texts  # Vietnamese number formatting on direct labels


def test_vietnamese_numbers_on_axes() -> None:
    fig = charts.chart_support_by_year(DF, "vi")
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "4.000" in ticks
    en = charts.chart_support_by_year(DF, "en")
    en.canvas.draw()
    assert "4,000" in [t.get_text() for t in en.axes[0].get_yticklabels()]


def test_empty_data_still_renders(tmp_path: Path) -> None:
    empty = DF.iloc[0:0]
    for make in (
        charts.chart_support_by_year,
        charts.chart_program_allocation,
        charts.chart_by_district,
        charts.chart_leverage,
        charts.chart_sources_share,
    ):
        fig = make(empty, "vi")
        texts = [t.get_text() for t in fig.findobj(Text)]
        assert any(t in (charts.label("label.no_data"), charts.label("label.no_counterpart")) for t in texts)
        assert not [t for t in fig.findobj(Text) if t.get_gid() == "subtitle"], make.__name__  # no '–; …'
    charts.save_for_slides(fig, "empty", "nb", out_dir=tmp_path)
    with_data = charts.chart_support_by_year(DF, "vi")
    assert [t for t in with_data.findobj(Text) if t.get_gid() == "subtitle"]  # data: the subtitle stays


def test_save_for_slides_defaults_and_resizes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "REPORTS_DIR", tmp_path)
    fig = Figure(figsize=(6, 4), dpi=72)
    fig.add_subplot().plot([1, 2], [3, 4])
    paths = charts.save_for_slides(fig, "Kinh phí 2016", "01 tổng quan")
    assert paths.png == tmp_path / "figures" / "01-tong-quan" / "kinh-phi-2016.png"
    with Image.open(paths.png) as im:
        assert im.size == (1920, 1080)
    with matplotlib.rc_context({"savefig.bbox": "tight", "svg.fonttype": "none"}):
        again = charts.save_for_slides(fig, "again", "nb", out_dir=tmp_path)
    with Image.open(again.png) as im:
        assert im.size == (1920, 1080)
    assert "<text" not in again.svg.read_text(encoding="utf-8")
    with pytest.raises(ValueError):
        charts.save_for_slides(fig, "///", "nb", out_dir=tmp_path)


def _style_file_keys() -> list[str]:
    keys = []
    for line in charts.STYLE_PATH.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            keys.append(line.split(":", 1)[0].strip())
    return keys


def test_use_style_overrides_a_seaborn_theme() -> None:
    sns = pytest.importorskip("seaborn")
    with matplotlib.rc_context():
        mstyle.use("default")
        mstyle.use(charts.STYLE_PATH)
        expected = {k: matplotlib.rcParams[k] for k in _style_file_keys()}
        sns.set_theme(context="poster", style="darkgrid", palette="pastel", font="serif")
        charts.use_style()
        actual = {k: matplotlib.rcParams[k] for k in _style_file_keys()}
        assert actual == expected
        assert matplotlib.rcParams["font.sans-serif"][0] == "DejaVu Sans"
        assert matplotlib.rcParams["svg.fonttype"] == "path"
        assert matplotlib.rcParams["savefig.bbox"] in (None, "standard")


def test_chart_style_applies_whatever_the_global_theme() -> None:
    sns = pytest.importorskip("seaborn")
    with matplotlib.rc_context():
        sns.set_theme(style="darkgrid")
        fig = charts.chart_program_allocation(DF, "vi")
        assert fig.axes[0].get_facecolor()[:3] == (1.0, 1.0, 1.0)


def test_labels_table_is_complete_and_consistent() -> None:
    keys = charts.label_keys()
    assert len(keys) == len(set(keys))
    for key in keys:
        vi, en = charts.label(key, "vi"), charts.label(key, "en")
        assert vi and en, key
        fields_vi = {f for _, f, _, _ in string.Formatter().parse(vi) if f}
        fields_en = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        assert fields_vi == fields_en, key
    for code in reference_data.programs()["code"]:
        assert f"program.{code}" in keys
    for src in metrics.FUNDING_SOURCES:
        assert f"source.{src}" in keys
    with pytest.raises(KeyError):
        charts.label("no.such.key")


def test_palettes_are_fixed_and_distinct() -> None:
    assert set(charts.SOURCE_COLORS) == set(metrics.FUNDING_SOURCES)
    assert len(set(charts.SOURCE_COLORS.values())) == len(charts.SOURCE_COLORS)
    codes = set(reference_data.programs()["code"])
    assert codes <= set(charts.PROGRAM_COLORS)
    assert len(set(charts.PROGRAM_COLORS.values())) == len(charts.PROGRAM_COLORS)
    fig = charts.chart_program_allocation(DF, "vi")
    bars = fig.axes[0].patches
    colours = [matplotlib.colors.to_hex(b.get_facecolor()).upper() for b in bars]
    plan = metrics.program_allocation(DF, "plan", 2017)
    assert colours == [charts.PROGRAM_COLORS[p].upper() for p in plan["program"]]


def test_compare_provinces_cites_sources() -> None:
    fig = charts.chart_compare_provinces(PUB, "vi")
    texts = " ".join(t.get_text() for t in fig.findobj(Text))
    for host in ("baocongthuong.com.vn", "tapchicongthuong.vn", "ven.vn"):
        assert host in texts
    assert "Bình Dương (→ Hồ Chí Minh)" in texts


def test_chart_subtitles_carry_computed_figures() -> None:
    texts = " ".join(t.get_text() for t in charts.chart_yoy_change(DF, "vi").findobj(Text))
    assert "+300 triệu đồng" in texts and "+8,3\u202f%" in texts
    texts = " ".join(t.get_text() for t in charts.chart_by_district(DF, "en").findobj(Text))
    assert "Tân Uyên" in texts and "33.0%" in texts
    texts = " ".join(t.get_text() for t in charts.chart_leverage(DF, "vi").findobj(Text))
    assert "14,1 lần" in texts and "55.306 triệu đồng" in texts


def test_figures_are_not_registered_with_pyplot() -> None:
    import matplotlib.pyplot as plt

    before = len(plt.get_fignums())
    charts.chart_support_by_year(DF, "vi")
    assert len(plt.get_fignums()) == before


def test_metrics_inputs_unchanged() -> None:
    before = DF.copy()
    charts.chart_by_district(DF, "vi")
    pd.testing.assert_frame_equal(DF, before)


def test_overlap_check_catches_overlaps() -> None:
    fig = Figure(figsize=(4, 3), dpi=120)
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, "Kinh phí", fontsize=20)
    ax.text(0.52, 0.5, "Vốn đối ứng", fontsize=20)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    assert _overlaps(_drawn_texts(fig))


# ---- additions for the notebooks: tables' labels, the projects and published-check charts, inline display


def test_table_labels_name_columns_and_codes_in_both_languages() -> None:
    vi, en = charts.table_labels("vi", base=2017), charts.table_labels("en", base=2017)
    assert vi["headers"]("support_vnd") == "Kinh phí khuyến công"
    assert en["headers"]("support_vnd") == "State support"
    assert vi["headers"]("real_vnd") == "Thực hiện theo giá năm 2017"
    assert vi["headers"]("2016_vnd") == "2016"
    assert (
        vi["headers"]("2017_plan_vnd") == "Kế hoạch 2017"
        and en["headers"]("2017_actual_vnd") == "Actual 2017"
    )
    assert vi["headers"]("no_such_column") == "no_such_column"
    assert charts.table_labels("vi")["headers"]("real_vnd") == "Thực hiện theo giá năm gốc"
    assert charts.table_labels("vi", "collaborators")["headers"]("district") == "Cấp huyện"
    assert vi["headers"]("district") != "Cấp huyện"
    assert vi["values"]["stage"]["plan"] == "Kế hoạch" and en["values"]["stage"]["actual"] == "Actual"
    assert vi["values"]["funding_source"]["national"] == charts.source_label("national", "vi")
    assert vi["values"]["program"]["demonstration"] == charts.program_label("demonstration", "vi")
    assert vi["values"]["district"][""] == charts.label("district.unknown", "vi")
    assert vi["values"]["metric"]["counterpart"] == "Vốn đối ứng"
    assert vi["values"]["qualifiers"]("nearly;over") == "gần; hơn"
    with pytest.raises(ValueError):
        charts.table_labels("fr")


def test_table_labels_render_through_style_table() -> None:
    from analysis import fmt

    table = metrics.yearly_summary(DF, 2017)
    html = fmt.style_table(table, "vi", **charts.table_labels("vi", base=2017)).to_html()
    assert "Tăng/giảm so với năm trước" in html and "support_vnd" not in html and "real_vnd" not in html
    assert "+300" in html and "3.918" in html
    alloc = metrics.program_allocation(DF, "plan", 2017)
    html = fmt.style_table(alloc, "en", **charts.table_labels("en")).to_html()
    assert "Demonstration models and machinery" in html and ">Plan<" in html


def test_published_check_chart_marks_matches_and_mismatches() -> None:
    fig = charts.chart_published_check(DF, PUB, "Bình Dương", "vi")
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert any(t.startswith("13 trên 13 số liệu khớp") for t in texts)
    assert "3.918 → 3.918" in texts and "55.306 → 55.306" in texts
    assert any("Kinh phí KCQG (3 đề án)" in t for t in texts)
    wrong = DF.copy()
    wrong.loc[(wrong["year"] == 2016) & (wrong["funding_source"] == "national"), "amount_vnd"] += 10_000_000
    fig = charts.chart_published_check(wrong, PUB, "Bình Dương", "vi")
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert any(t.startswith("11 trên 13 số liệu khớp") for t in texts)  # KCQG and the 2016 total
    assert charts.label("series.mismatch_check", "vi") in texts
    labels = charts.check_figure_labels(metrics.check_against_published(DF, PUB, "Bình Dương"), "en")
    assert "National support (KCQG) (3 projects)" in labels and "Counterpart capital" in labels


def test_projects_chart_counts_and_averages() -> None:
    fig = charts.chart_projects_by_year(DF, "vi")
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert any(t.startswith("2016\n156,7 triệu đồng") for t in ticks)
    assert "25" in [t.get_text() for t in fig.findobj(Text)]


def test_use_style_lets_ipython_display_chart_figures() -> None:
    from IPython.core.interactiveshell import InteractiveShell

    assert charts.show_figures_in_ipython() is False  # no shell: nothing to do
    shell = InteractiveShell.instance()
    try:
        with matplotlib.rc_context():
            charts.use_style()
        fig = charts.chart_support_by_year(DF, "vi")
        data, _ = shell.display_formatter.format(fig)
        png = data["image/png"]
        png = png if isinstance(png, bytes) else __import__("base64").b64decode(png)
        import io

        with Image.open(io.BytesIO(png)) as im:
            assert im.size == (round(16 * charts.INLINE_DPI), round(9 * charts.INLINE_DPI))
        assert fig.get_dpi() == charts.SLIDE_DPI  # display does not change the slide figure
    finally:
        InteractiveShell.clear_instance()


@pytest.mark.parametrize("make", [charts.chart_support_by_year, charts.chart_projects_by_year])
def test_a_year_with_one_stage_has_its_bar_on_the_tick(make: Callable[..., Figure]) -> None:
    from matplotlib.patches import Rectangle

    counted = DF.copy()
    counted.loc[counted["record_type"] == "allocation", "n_projects"] = 1  # summary lines state their count
    fig = make(counted, "vi")  # 2015: actual only; 2016: plan and actual; 2017: plan only
    ax = fig.axes[0]
    centers = sorted(
        round(p.get_x() + p.get_width() / 2, 3)
        for p in ax.patches
        if isinstance(p, Rectangle) and p.get_height()
    )
    assert centers[0] == 0.0 and centers[-1] == 2.0  # 2015 and 2017 centred on their ticks
    assert [c for c in centers if 0.5 < c < 1.5] == [0.81, 1.19]  # 2016: side by side


def test_no_stage_note_in_both_languages() -> None:
    assert charts.no_stage_note("plan") == "Chưa có số liệu kế hoạch nào trong dữ liệu."
    assert charts.no_stage_note("actual", "en") == "The data hold no actual figures yet."


def test_district_chart_gives_one_share_per_district() -> None:
    """The defect: page 05 said 'Bến Cát, 23,6 % kinh phí có địa bàn' in the subtitle and '554 (14,1 %)' on its
    bar. Every share on the chart is of the support with a known district, as the subtitle says."""
    fig = charts.chart_by_district(DF, "vi", False, year=2016)
    texts = [t for t, _, _ in _drawn_texts(fig)]
    subtitle = next(t for t in texts if t.startswith("Lớn nhất:"))
    top, share = re.match(r"Lớn nhất: (.+?), (\S+\s%) kinh phí có địa bàn", subtitle).groups()  # type: ignore[union-attr]
    bd = metrics.by_district(DF, "actual", 2016)
    known = bd[bd["district"] != ""]
    row = known.iloc[0]
    assert row["district"] == top
    bar = next(t for t in texts if t.startswith(charts.fmt.format_amount(row["support_vnd"], "trieu", "vi", decimals=0) + " ("))
    assert f"({share})" in bar, (bar, subtitle)
    shares = [re.search(r"\((\S+)\s%\)", t) for t in texts if "·" in t]
    total = sum(float(m.group(1).replace(",", ".")) for m in shares if m)
    assert abs(total - 100) < 0.5  # the known districts' shares add up to 100 %


def _plot_coverage_gap(fig: Figure) -> float:
    """The widest vertical strip of the first axes that no bar or text covers, as a share of its width."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ax = fig.axes[0]
    box = ax.get_window_extent(renderer)
    spans = [p.get_window_extent(renderer) for p in ax.patches if p.get_width() and p.get_height()]  # type: ignore[attr-defined]
    spans += [t.get_window_extent(renderer) for t in ax.texts if t.get_text().strip()]
    covered = sorted((max(s.x0, box.x0), min(s.x1, box.x1)) for s in spans if s.x1 > box.x0 and s.x0 < box.x1)
    gap, edge = 0.0, box.x0
    for x0, x1 in covered:
        gap = max(gap, x0 - edge)
        edge = max(edge, x1)
    gap = max(gap, box.x1 - edge)
    return gap / box.width


SOURCE_DF = binh_duong_tidy(with_2016_plan=True, with_2016_allocation=False)
SPACE_CHARTS: dict[str, Callable[[], Figure]] = {
    "theo_nguon": lambda: charts.chart_sources_stacked(SOURCE_DF, "vi", True),
    "theo_nguon_gom_doi_ung": lambda: charts.chart_sources_stacked(SOURCE_DF, "vi", True, include_counterpart=True),
    "co_cau_nguon": lambda: charts.chart_sources_share(SOURCE_DF, "vi", True),
    "cong_tac_vien": lambda: charts.chart_collaborators(PUB, "Bình Dương", "vi", True),
}


@pytest.mark.parametrize("name", list(SPACE_CHARTS))
def test_no_empty_third_of_the_plot(name: str) -> None:
    """The defect: the funding-source charts and chart 07 left the right third of the plot empty. Measured on
    the rendered figure: no vertical strip wider than a quarter of the plot holds no bar and no label, except
    for years without figures on a true year axis (chart 07), which are meant to show."""
    fig = SPACE_CHARTS[name]()
    limit = 0.25 if name != "cong_tac_vien" else 0.75
    assert _plot_coverage_gap(fig) < limit


def test_collaborator_years_are_spaced_as_years() -> None:
    """The defect: chart 07 drew 2016, 2017 and 2023 evenly spaced."""
    fig = charts.chart_collaborators(PUB, "Bình Dương", "vi", False)
    ax = fig.axes[0]
    ticks = {t.get_text(): x for t, x in zip(ax.get_xticklabels(), ax.get_xticks(), strict=True)}
    years = sorted(int(y) for y in ticks)
    assert len(years) >= 3
    step = (ticks[str(years[1])] - ticks[str(years[0])]) / (years[1] - years[0])
    for a, b in itertools.pairwise(years):
        assert ticks[str(b)] - ticks[str(a)] == pytest.approx(step * (b - a))


def _with_2017_actual() -> pd.DataFrame:
    """The fixture plus the samples' 2017 results by source (KCQG 964, KCĐP 3.358, counterpart 56.580 triệu):
    a thin KCQG segment at the bottom of the last bar, as in the bundled data."""
    base = binh_duong_tidy()
    template = base[base["record_type"] == "allocation"].iloc[[0]]
    base = base[base["year"] != 2015]  # 2015 is a total of unstated source: every source in every year here
    rows = [template.assign(year=2017, stage="actual", funding_source=src, amount_vnd=trieu * 1_000_000,
                            source_row=100 + i)
            for i, (src, trieu) in enumerate((("national", 964), ("local", 3_358), ("counterpart", 56_580)))]
    return pd.concat([base, *rows], ignore_index=True)


def test_direct_labels_stay_off_the_axis_line() -> None:
    """The defect: the x-axis line ran through the 'KCQG (quốc gia)' label of theo_nguon_gom_doi_ung.png."""
    fig = charts.chart_sources_stacked(_with_2017_actual(), "vi", False, include_counterpart=True)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ax = fig.axes[0]
    axis_y = ax.get_window_extent(renderer).y0
    crossing = [t.get_text() for t in ax.texts
                if t.get_text().strip() and t.get_window_extent(renderer).y0 < axis_y < t.get_window_extent(renderer).y1]
    assert not crossing, crossing


def test_direct_labels_of_a_chart_share_one_precision() -> None:
    """The defect: chart labels rounded 2.149,5 to 2.150 but kept 62,5. Every amount label of a chart in
    triệu đồng is a whole number of triệu."""
    base = binh_duong_tidy()
    plan = base[(base["stage"] == "plan") & (base["year"] == 2017)].index
    table = base.copy()
    table.loc[plan[0], "amount_vnd"] = 2_149_500_000
    table.loc[plan[-1], "amount_vnd"] = 62_500_000
    fig = charts.chart_program_allocation(table, "vi", False, year=2017, stage="plan")
    labels = [t for t, _, _ in _drawn_texts(fig) if re.match(r"^[\d.]+(,\d+)? \(", t)]
    assert any(t.startswith("2.150 (") for t in labels) and any(t.startswith("63 (") for t in labels), labels
    assert not [t for t in labels if re.match(r"^[\d.]+,\d", t)], labels


def test_cpi_source_is_said_in_words_on_vietnamese_charts() -> None:
    """The defect: 'World Bank FP.CPI.TOTL.ZG' (a publisher in English and a series code) in Vietnamese prose."""
    years = [2015, 2016, 2017]
    vi = charts._cpi_sources(years, "vi")
    assert "World Bank" not in vi and "FP.CPI" not in vi and "Ngân hàng Thế giới" in vi
    assert "World Bank" in charts._cpi_sources(years, "en")


def test_page_02_names_the_lines_as_drawn() -> None:
    """The defect: page 02's text called the orange line 'đường đỏ'. The text names the dashed orange line, and
    the chart draws the constant-price line dashed in that orange (vermillion)."""
    import nbformat

    nb = nbformat.read(Path(__file__).resolve().parents[1] / "notebooks" / "02_chi_tieu_theo_nam.ipynb", 4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "đỏ" not in text and "nét đứt màu cam" in text
    fig = charts.chart_yoy_change(DF, "vi", False, base_year=2016)
    dashed = [line for line in fig.axes[0].get_lines() if line.get_linestyle() not in ("-", "None", "")]
    assert dashed and all(line.get_color() == charts.SERIES_COLORS["real"] for line in dashed)
    assert charts.SERIES_COLORS["real"] == charts.OKABE_ITO["vermillion"]  # Okabe–Ito's orange-red


def test_yearly_chart_names_unspecified_amounts_without_drawing_them() -> None:
    df = phase_rows([(2021, "plan", "", "local", 500, ""), (2021, "unspecified", "", "local", 200,
                                                             "stage_unspecified")])
    assert charts.unspecified_stage_note(df, "vi") == " Ngoài ra 200 triệu đồng không rõ kế hoạch hay thực hiện (2021): không vẽ."
    assert charts.unspecified_stage_note(df.iloc[:1], "vi") == ""
