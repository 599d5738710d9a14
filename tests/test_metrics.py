"""Metrics against values computed by hand from Bình Dương's published figures (review meeting 24/02/2017)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tidy_fixture import PROVINCE, binh_duong_tidy, phase_rows

from analysis import metrics, reference_data

M = 1_000_000  # one triệu đồng


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return binh_duong_tidy()


def _one(frame: pd.DataFrame, **where: object) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for col, val in where.items():
        mask &= frame[col] == val
    hit = frame[mask]
    assert len(hit) == 1, f"expected one row for {where}, got {len(hit)}"
    return hit.iloc[0]


def test_fixture_reproduces_published_totals(df: pd.DataFrame) -> None:
    proj = df[(df["year"] == 2016) & (df["record_type"] == "project")]
    assert proj.loc[proj["funding_source"] == "national", "amount_vnd"].sum() == 1_850 * M
    assert (proj["funding_source"] == "national").sum() == 3
    assert proj.loc[proj["funding_source"] == "local", "amount_vnd"].sum() == 2_068 * M
    assert (proj["funding_source"] == "local").sum() == 22
    assert proj.loc[proj["funding_source"] == "counterpart", "amount_vnd"].sum() == 55_306 * M
    key = ["source_file", "source_sheet", "source_row", "year", "stage", "funding_source"]
    assert not df.duplicated(key).any()


def test_fixture_matches_schema_if_available() -> None:
    schema = pytest.importorskip("analysis.schema")
    schema.FUNDING_SCHEMA.validate(binh_duong_tidy(with_2016_allocation=True, with_2016_plan=True))


def test_support_by_year(df: pd.DataFrame) -> None:
    s = metrics.support_by_year(df)
    assert _one(s, year=2016, stage="actual")["support_vnd"] == 3_918 * M  # counterpart excluded
    assert _one(s, year=2015, stage="actual")["support_vnd"] == 3_618 * M
    assert _one(s, year=2017, stage="plan")["support_vnd"] == 4_438 * M
    assert list(metrics.support_by_year(df, "plan")["year"]) == [2017]
    assert metrics.support_by_year(df.iloc[0:0]).empty


def test_grain_rule_does_not_double_count() -> None:
    both = binh_duong_tidy(with_2016_allocation=True)
    assert _one(metrics.support_by_year(both), year=2016, stage="actual")["support_vnd"] == 3_918 * M
    lev = _one(metrics.leverage(both), year=2016, stage="actual")
    assert lev["counterpart_vnd"] == 55_306 * M
    counts = metrics.project_counts(both, "actual")
    assert _one(counts, year=2016, funding_source="total")["n_projects"] == 25
    grain = metrics.select_grain(both)
    assert set(grain.loc[grain["year"] == 2016, "record_type"]) == {"project"}
    assert set(grain.loc[grain["year"] == 2017, "record_type"]) == {"allocation"}  # no project rows: keep


def test_grain_rule_is_per_province() -> None:
    both = binh_duong_tidy(with_2016_allocation=True, with_other_province=True)
    grain = metrics.select_grain(both)
    qn = grain[grain["province"] == "Quảng Ninh"]
    assert len(qn) == 2 and set(qn["record_type"]) == {"allocation"}
    qn_support = metrics.support_by_year(metrics.for_province(both, "Quang Ninh"))
    assert _one(qn_support, year=2017, stage="actual")["support_vnd"] == 1_800 * M
    qn_counts = metrics.project_counts(metrics.for_province(both, "tỉnh Quảng Ninh"))
    assert _one(qn_counts, year=2017, funding_source="total")["n_projects"] == 14
    assert len(metrics.for_province(both, "Binh Duong")) == len(both) - 2


def test_project_counts(df: pd.DataFrame) -> None:
    counts = metrics.project_counts(df, "actual")
    assert _one(counts, year=2016, funding_source="total")["n_projects"] == 25
    assert _one(counts, year=2016, funding_source="national")["n_projects"] == 3
    assert _one(counts, year=2016, funding_source="local")["n_projects"] == 22
    assert pd.isna(_one(counts, year=2015, funding_source="total")["n_projects"])  # not stated: unknown


def test_project_with_two_sources_counts_once(df: pd.DataFrame) -> None:
    row = df[(df["year"] == 2016) & (df["funding_source"] == "national")].iloc[[0]].copy()
    row["funding_source"] = "local"
    row["amount_vnd"] = 100 * M
    both = pd.concat([df, row], ignore_index=True)
    counts = metrics.project_counts(both, "actual")
    assert _one(counts, year=2016, funding_source="total")["n_projects"] == 25
    assert _one(counts, year=2016, funding_source="local")["n_projects"] == 23


def test_avg_support_per_project(df: pd.DataFrame) -> None:
    avg = _one(metrics.avg_support_per_project(df, "actual"), year=2016)
    assert avg["avg_support_vnd"] == 156_720_000  # 3.918 triệu / 25


def test_yoy_change(df: pd.DataFrame) -> None:
    yoy = metrics.yoy_change(metrics.support_series(df, "actual"))
    r = _one(yoy, year=2016)
    assert r["change_vnd"] == 300 * M
    assert round(float(r["pct_change"]) * 100, 2) == 8.29
    assert pd.isna(_one(yoy, year=2015)["change_vnd"])
    gap = metrics.yoy_change(pd.Series([100, 150], index=[2014, 2016]))
    assert pd.isna(_one(gap, year=2016)["change_vnd"])  # 2015 missing: no jump over the gap
    with pytest.raises(ValueError):
        metrics.yoy_change(pd.Series([1, 2], index=[2016, 2016]))


def test_deflate_with_hand_computed_index() -> None:
    amounts = pd.Series([3_618 * M, 3_918 * M], index=[2015, 2016])
    cpi = pd.Series({2015: 10.0, 2016: 20.0})  # chained: 2014 = 1, 2015 = 1.1, 2016 = 1.32
    base16 = metrics.deflate(amounts, 2016, cpi)
    r15 = _one(base16, year=2015)
    assert r15["cpi_index"] == pytest.approx(1.1 / 1.32 * 100)
    assert r15["real_vnd"] == 4_341_600_000  # 3.618 triệu × 1,32 / 1,1
    assert _one(base16, year=2016)["real_vnd"] == 3_918 * M
    base15 = metrics.deflate(amounts, 2015, cpi)
    assert _one(base15, year=2016)["real_vnd"] == 3_265 * M  # 3.918 triệu / 1,2


def test_deflate_with_reference_cpi() -> None:
    amounts = pd.Series([3_618 * M, 3_918 * M], index=[2015, 2016])
    out = metrics.deflate(amounts, 2016)
    # 2016 average CPI change 2,66824817 %: 2015 in 2016 prices = 3.618 triệu × 1,0266824817
    assert _one(out, year=2015)["real_vnd"] == round(3_618 * M * 1.0266824817)
    with pytest.warns(UserWarning, match="no CPI"):
        late = metrics.deflate(pd.Series([1 * M], index=[2030]), 2016)
    assert pd.isna(late["real_vnd"].iloc[0])
    with pytest.raises(ValueError):
        metrics.cpi_index(1990)
    with pytest.raises(ValueError):
        metrics.cpi_index(2016, pd.Series({2014: 1.0, 2016: 2.0}))


def test_source_split(df: pd.DataFrame) -> None:
    ss = metrics.source_split(df, "actual")
    nat = _one(ss, year=2016, funding_source="national")
    assert nat["share_of_support"] == pytest.approx(1850 / 3918)
    assert nat["share_of_total"] == pytest.approx(1850 / (3918 + 55306))
    cp = _one(ss, year=2016, funding_source="counterpart")
    assert pd.isna(cp["share_of_support"]) and cp["amount_vnd"] == 55_306 * M
    assert _one(ss, year=2015, funding_source="unspecified")["share_of_support"] == 1.0


def test_leverage(df: pd.DataFrame) -> None:
    lev = metrics.leverage(df)
    assert _one(lev, year=2016, stage="actual")["leverage"] == pytest.approx(55306 / 3918)
    assert round(float(_one(lev, year=2016, stage="actual")["leverage"]), 2) == 14.12
    assert pd.isna(_one(lev, year=2015, stage="actual")["leverage"])  # no counterpart rows: unknown, not 0
    by_prog = metrics.leverage(df, ["year", "program"], "actual")
    demo = _one(by_prog, year=2016, program="demonstration")
    # demonstration: KCQG 800+650+400 and KCĐP 300+250+200+180+150 = 2.930 triệu; all counterpart is there
    assert demo["support_vnd"] == 2_930 * M and demo["leverage"] == pytest.approx(55306 / 2930)


def test_execution_rate() -> None:
    d = binh_duong_tidy(with_2016_plan=True)
    er = metrics.execution_rate(d)
    assert _one(er, year=2016)["execution_rate"] == pytest.approx(3918 / 4200)
    assert pd.isna(_one(er, year=2017)["execution_rate"])
    by_prog = metrics.execution_rate(d, ["year", "program"])
    demo = _one(by_prog, year=2016, program="demonstration")
    assert demo["plan_vnd"] == 2_400 * M and demo["actual_vnd"] == 2_930 * M


def test_program_allocation_2017_plan(df: pd.DataFrame) -> None:
    pa = metrics.program_allocation(df, "plan", 2017)
    assert pa["amount_vnd"].sum() == 4_438 * M
    expected = {
        "demonstration": 2250,
        "management": 234,
        "products": 513,
        "consulting": 63,
        "information": 840,
        "cooperation": 450,
        "capacity": 88,
    }
    assert dict(zip(pa["program"], pa["amount_vnd"] // M, strict=True)) == expected
    assert pa["program"].iloc[0] == "demonstration"
    assert pa["share"].iloc[0] == pytest.approx(2250 / 4438)
    actual = metrics.program_allocation(df, "actual", 2016)
    assert _one(actual, program="demonstration")["n_projects"] == 8


def test_mix_change(df: pd.DataFrame) -> None:
    mc = metrics.mix_change(df, 2016, 2017)
    demo = _one(mc, program="demonstration")
    assert demo["stage_a"] == "actual" and demo["stage_b"] == "plan"
    assert demo["share_a"] == pytest.approx(2930 / 3918)
    assert demo["share_b"] == pytest.approx(2250 / 4438)
    assert demo["share_change"] == pytest.approx(2250 / 4438 - 2930 / 3918)
    assert _one(mc, program="training")["share_b"] == 0  # no 2017 training line
    assert mc["share_b"].sum() == pytest.approx(1.0)


def test_crosswalk_group7(df: pd.DataFrame) -> None:
    cw = metrics.crosswalk(df, "group7_2014_2020")
    plan = cw[(cw["year"] == 2017)]
    assert dict(zip(plan["group"], plan["amount_vnd"] // M, strict=True)) == {
        1: 2250,
        2: 234,
        3: 513,
        4: 63,
        5: 840,
        6: 450,
        7: 88,
    }
    actual = cw[(cw["year"] == 2016) & (cw["stage"] == "actual")]
    assert actual["amount_vnd"].sum() == 3_918 * M
    assert _one(actual, group=2)["amount_vnd"] == (120 + 85) * M  # training + management
    assert pd.isna(_one(cw, year=2015)["group"])  # unclassified stays, so sums still match


def test_crosswalk_qd1881_cleaner_production(df: pd.DataFrame) -> None:
    extra = df[(df["year"] == 2016) & (df["funding_source"] == "local")].iloc[[0]].copy()
    extra["title"] = "Mô hình thí điểm áp dụng sản xuất sạch hơn"
    extra["source_row"] = 999
    d = pd.concat([df, extra], ignore_index=True)
    cw = metrics.crosswalk(d, "qd1881_2021_2025", "actual")
    y16 = cw[cw["year"] == 2016]
    assert _one(y16, group=2)["amount_vnd"] == 300 * M
    assert _one(y16, group=5)["amount_vnd"] == (120 + 85 + 90) * M  # training, management, consulting
    assert y16["amount_vnd"].sum() == (3_918 + 300) * M
    assert metrics.crosswalk_members("qd1881_2021_2025")[2] == ["demonstration"]


def test_by_district_and_concentration(df: pd.DataFrame) -> None:
    bd = metrics.by_district(df, "actual", 2016)
    top = bd.iloc[0]
    assert (top["district"], top["support_vnd"], top["n_projects"]) == ("Tân Uyên", 1_190 * M, 4)
    assert bd["district"].iloc[-1] == ""  # unattributed last
    assert bd["support_vnd"].sum() == 3_918 * M
    conc = _one(metrics.concentration(df), year=2016)
    known = [1190, 830, 545, 320, 320, 165, 150, 50, 35]  # triệu, by district, hand-summed from the fixture
    assert sum(known) == 3605
    assert conc["top_district"] == "Tân Uyên"
    assert conc["top_share"] == pytest.approx(1190 / 3605)
    assert conc["hhi"] == pytest.approx(2_660_275 / 3605**2)
    assert conc["n_districts"] == 9
    assert conc["unknown_vnd"] == 313 * M and conc["unknown_share"] == pytest.approx(313 / 3918)


def test_collaborators_from_published_figures() -> None:
    col = metrics.collaborators(reference_data.published_figures(), PROVINCE)
    r16 = _one(col, year=2016)
    assert (r16["total"], r16["district"], r16["commune"]) == (17, 9, 8)
    assert _one(col, year=2017)["target"] == 20
    assert _one(col, year=2023)["total"] == 25


def _published_rows(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = {
        "scope": "province",
        "metric": "support",
        "program": "",
        "qualifier": "",
        "source": "s",
        "n_projects": pd.NA,
        "count": pd.NA,
    }
    df = pd.DataFrame([{**base, **r} for r in rows])
    return df.astype({"amount_vnd": "Int64", "n_projects": "Int64", "count": "Int64"})


def test_compare_provinces_totals_and_crosswalk() -> None:
    pub = _published_rows(
        [
            {
                "province": "Hòa Bình",
                "year_start": 2021,
                "year_end": 2021,
                "stage": "plan",
                "funding_source": "local",
                "amount_vnd": 405 * M,
                "n_projects": 2,
                "source": "http://socongthuong.hoabinh.gov.vn/x",
            },
            {
                "province": "Hòa Bình",
                "year_start": 2021,
                "year_end": 2021,
                "stage": "plan",
                "funding_source": "national",
                "amount_vnd": 600 * M,
                "n_projects": 1,
                "source": "http://socongthuong.hoabinh.gov.vn/x",
            },
            {
                "province": "Long An",
                "year_start": 2021,
                "year_end": 2021,
                "stage": "plan",
                "funding_source": "local",
                "amount_vnd": 1_400 * M,
            },
            {
                "province": "Bình Phước",
                "year_start": 2006,
                "year_end": 2016,
                "stage": "actual",
                "funding_source": "total",
                "amount_vnd": 18_900 * M,
                "qualifier": "over",
            },
        ]
    )
    cp = metrics.compare_provinces(pub)
    hb = _one(cp, province="Hòa Bình")
    assert (hb["province_2025"], hb["total_vnd"], hb["total_basis"], hb["n_projects"]) == (
        "Phú Thọ",
        1_005 * M,
        "sum_of_sources",
        3,
    )
    la = _one(cp, province="Long An")
    assert (la["province_2025"], la["total_basis"], la["total_vnd"]) == ("Tây Ninh", "partial", 1_400 * M)
    bp = _one(cp, province="Bình Phước")
    assert bp["province_2025"] == "Đồng Nai" and bool(bp["approximate"])
    assert bp["n_years"] == 11 and bp["per_year_vnd"] == round(18_900 * M / 11)


def test_compare_provinces_real_file_maps_binh_duong() -> None:
    cp = metrics.compare_provinces(reference_data.published_figures(), "actual", provinces=["Bình Dương"])
    r = _one(cp, year_start=2016)
    assert r["province_2025"] == "Hồ Chí Minh"
    assert (r["national_vnd"], r["local_vnd"], r["total_vnd"]) == (1_850 * M, 2_068 * M, 3_918 * M)
    assert r["counterpart_vnd"] == 55_306 * M and r["n_projects"] == 25


def test_reference_data_loaders() -> None:
    assert len(reference_data.provinces_before_2025()) == 63
    assert len(reference_data.provinces_2025()) == 34
    assert reference_data.province_2025("TP. Hồ Chí Minh") == "Hồ Chí Minh"
    assert reference_data.province_2025("Bà Rịa–Vũng Tàu") == "Hồ Chí Minh"
    assert reference_data.province_2025("Thừa Thiên Huế") == "Huế"
    assert reference_data.province_2025("Atlantis") is None
    progs = reference_data.programs()
    assert progs.set_index("code").loc["capacity", "group7"] == 7
    assert len(reference_data.binh_duong_districts()) == 9
    pub = reference_data.published_figures()
    assert str(pub["amount_vnd"].dtype) == "Int64" and str(pub["count"].dtype) == "Int64"
    assert pub["year_start"].dtype == "int64"
    pub.loc[0, "province"] = "changed"  # a copy: the cache is not mutated
    assert reference_data.published_figures().loc[0, "province"] != "changed"


def test_missing_columns_are_reported() -> None:
    with pytest.raises(ValueError, match="record_type"):
        metrics.support_by_year(pd.DataFrame({"province": [], "year": [], "stage": []}))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=5_000), min_size=1, max_size=12))
def test_allocation_rows_never_add_to_project_rows(amounts: list[int]) -> None:
    base = binh_duong_tidy().iloc[[0]]
    projects = pd.concat([base] * len(amounts), ignore_index=True)
    projects["amount_vnd"] = [a * M for a in amounts]
    projects["source_row"] = range(10, 10 + len(amounts))
    summary = base.copy()
    summary["record_type"], summary["amount_vnd"], summary["source_row"] = "allocation", sum(amounts) * M, 1
    summary["n_projects"] = pd.array([len(amounts)], dtype="Int64")
    both = pd.concat([projects, summary], ignore_index=True)
    assert metrics.support_by_year(both)["support_vnd"].sum() == sum(amounts) * M
    counts = metrics.project_counts(both)
    assert counts.loc[counts["funding_source"] == "total", "n_projects"].iloc[0] == len(amounts)


# ---- tables for the notebooks ---------------------------------------------------------------------------


def test_check_against_published_reproduces_the_2017_meeting(df: pd.DataFrame) -> None:
    pub = reference_data.published_figures()
    chk = metrics.check_against_published(df, pub, "Binh Duong")
    assert chk["match"].all() and len(chk) == 13  # 2015 total, 2016 ×4, 2017 plan total + 7 programmes
    total = _one(chk, year=2016, metric="support", funding_source="total")
    assert total["published_vnd"] == total["computed_vnd"] == 3_918 * M
    assert total["published_n_projects"] == total["computed_n_projects"] == 25
    assert _one(chk, year=2016, funding_source="national")["computed_n_projects"] == 3
    assert _one(chk, year=2016, metric="counterpart")["computed_vnd"] == 55_306 * M
    assert _one(chk, year=2017, program="capacity")["computed_vnd"] == 88 * M
    assert pd.isna(total["program"])  # not a programme figure
    assert list(chk["year"]) == sorted(chk["year"])
    first_2016 = chk[chk["year"] == 2016].iloc[0]
    assert (first_2016["metric"], first_2016["funding_source"]) == ("support", "total")
    assert not (chk["metric"] == "collaborators").any()  # not in the tidy table: not checked
    assert not (chk["year"] == 2023).any()  # no data for that year: not checked


def test_check_against_published_flags_differences_beyond_rounding(df: pd.DataFrame) -> None:
    pub = reference_data.published_figures()
    one = (df["year"] == 2016) & (df["funding_source"] == "local")
    near = df.copy()
    near.loc[near.index[one][0], "amount_vnd"] += 400_000  # 3.918,4 triệu still prints as 3.918
    chk = metrics.check_against_published(near, pub, "Bình Dương")
    assert bool(_one(chk, year=2016, funding_source="local")["match"])
    assert _one(chk, year=2016, funding_source="local")["difference_vnd"] == 400_000
    far = df.copy()
    far.loc[far.index[one][0], "amount_vnd"] += 600_000
    chk = metrics.check_against_published(far, pub, "Bình Dương")
    assert not bool(_one(chk, year=2016, funding_source="local")["match"])
    assert not bool(_one(chk, year=2016, funding_source="total")["match"])
    assert bool(_one(chk, year=2016, funding_source="national")["match"])
    fewer = df[~(one & (df["source_row"] == df.loc[one, "source_row"].max()))]
    chk = metrics.check_against_published(fewer, pub, "Bình Dương")
    assert _one(chk, year=2016, funding_source="local")["computed_n_projects"] == 21
    assert not bool(_one(chk, year=2016, funding_source="local")["match"])
    assert metrics.check_against_published(df, pub, "Quảng Ninh").empty
    assert metrics._printed_tolerance("2,52", "tỷ đồng") == 5_000_000
    assert metrics._printed_tolerance("3.918", "triệu đồng") == 500_000
    assert metrics._printed_tolerance("", "derived") == 0


def test_yearly_summary(df: pd.DataFrame) -> None:
    ys = metrics.yearly_summary(binh_duong_tidy(with_2016_plan=True), 2016)
    r16, r15 = _one(ys, year=2016), _one(ys, year=2015)
    assert r16["actual_vnd"] == 3_918 * M and r16["change_vnd"] == 300 * M
    assert r16["real_vnd"] == 3_918 * M  # base year: real = nominal
    assert r16["n_projects"] == 25 and r16["avg_support_vnd"] == 156_720_000
    assert not pd.isna(r16["execution_rate"]) and pd.isna(r15["execution_rate"])
    assert pd.isna(r15["change_vnd"]) and pd.isna(r15["pct_change_real"])
    assert r15["real_vnd"] > r15["actual_vnd"]  # prices rose: 2015 money is worth more in 2016 prices
    real_growth = r16["real_vnd"] / r15["real_vnd"] - 1
    assert float(r16["pct_change_real"]) == pytest.approx(real_growth, abs=1e-6)
    r17 = _one(ys, year=2017)
    assert r17["plan_vnd"] == 4_438 * M and pd.isna(r17["actual_vnd"]) and pd.isna(r17["change_vnd"])


def test_sources_by_year(df: pd.DataFrame) -> None:
    s = metrics.sources_by_year(df, "actual")
    r16 = _one(s, year=2016)
    assert (r16["national_vnd"], r16["local_vnd"], r16["support_vnd"]) == (1_850 * M, 2_068 * M, 3_918 * M)
    assert r16["counterpart_vnd"] == 55_306 * M
    assert float(r16["national_share"]) == pytest.approx(1_850 / 3_918)
    assert float(r16["leverage"]) == pytest.approx(55_306 / 3_918)
    r15 = _one(s, year=2015)  # source not stated: its own column, KCQG/KCĐP unknown, no counterpart
    assert r15["unspecified_vnd"] == 3_618 * M and pd.isna(r15["national_vnd"])
    assert pd.isna(r15["counterpart_vnd"]) and pd.isna(r15["leverage"])
    plan = metrics.sources_by_year(df, "plan")
    assert list(plan["year"]) == [2017] and _one(plan, year=2017)["support_vnd"] == 4_438 * M


def test_district_matrix(df: pd.DataFrame) -> None:
    dm = metrics.district_matrix(df, "actual")
    assert list(dm.columns) == ["district", "2015_vnd", "2016_vnd", "total_vnd", "share", "n_projects"]
    tan_uyen = _one(dm, district="Tân Uyên")
    assert tan_uyen["2016_vnd"] == (800 + 300 + 20 + 70) * M and tan_uyen["n_projects"] == 4
    assert dm["district"].iloc[-1] == ""  # not attributed: last
    assert dm["total_vnd"].sum() == (3_618 + 3_918) * M
    assert float(dm["share"].sum()) == pytest.approx(1.0)
    known = dm[dm["district"] != ""]
    assert list(known["total_vnd"]) == sorted(known["total_vnd"], reverse=True)


def test_program_matrix_and_years_with(df: pd.DataFrame) -> None:
    pm = metrics.program_matrix(binh_duong_tidy(with_2016_plan=True))
    assert list(pm.columns)[1:] == ["2015_actual_vnd", "2016_plan_vnd", "2016_actual_vnd", "2017_plan_vnd"]
    assert _one(pm, program="demonstration")["2017_plan_vnd"] == 2_250 * M
    assert pd.isna(_one(pm, program="training")["2017_plan_vnd"])  # not in the 2017 plan: unknown, not 0
    assert pm["program"].iloc[-1] == ""  # 2015 total has no programme: last
    assert metrics.years_with(df, "actual") == [2015, 2016]
    assert metrics.years_with(df, "plan") == [2017] and metrics.years_with(df) == [2015, 2016, 2017]


def test_coverage_and_flag_counts() -> None:
    both = binh_duong_tidy(with_2016_allocation=True)
    cov = metrics.coverage(both)
    r16 = _one(cov, year=2016, stage="actual")
    assert r16["grain"] == "project" and r16["n_rows"] == r16["n_rows_used"] + 3
    assert r16["n_files"] == 2 and r16["support_vnd"] == 3_918 * M and r16["n_projects"] == 25
    assert _one(cov, year=2017, stage="plan")["grain"] == "allocation"
    assert pd.isna(_one(cov, year=2015, stage="actual")["counterpart_vnd"])
    flagged = both.copy()
    flagged.loc[flagged.index[:3], "flags"] = ["unit_in_cell", "unit_in_cell;approximate_near", ""]
    fc = metrics.flag_counts(flagged)
    assert list(fc["flag"]) == ["unit_in_cell", "approximate_near"] and list(fc["n_rows"]) == [2, 1]
    assert fc["amount_vnd"].iloc[0] == flagged["amount_vnd"].iloc[:2].sum()
    assert metrics.flag_counts(both).empty


def test_compare_regions_and_country() -> None:
    pub = reference_data.published_figures()
    regions = metrics.compare_provinces(pub, scope=("region", "national"))
    assert set(regions["scope"]) == {"region", "national"}
    country = regions[(regions["scope"] == "national") & (regions["period"] == "2016")].iloc[0]
    assert country["total_vnd"] == 230_900_000_000 and country["province_2025"] == ""
    assert set(metrics.compare_provinces(pub)["scope"]) == {"province"}


def test_latest_year_and_mix_pairs(df: pd.DataFrame) -> None:
    assert metrics.latest_year(df, "actual") == 2016 and metrics.latest_year(df, "plan") == 2017
    assert metrics.latest_year(df.iloc[0:0]) is None
    assert metrics.mix_pairs(df) == [(2015, 2016), (2016, 2017)]
    assert metrics.mix_pairs(df[df["year"] != 2017]) == [(2015, 2016)]
    assert metrics.mix_pairs(df[df["year"] == 2016]) == []


def test_compare_provinces_prefers_state_budget_to_a_total_with_counterpart() -> None:
    cp = metrics.compare_provinces(reference_data.published_figures(), provinces=["Lào Cai"])
    lc = _one(cp, province="Lào Cai")
    assert lc["total_vnd"] == 64_841 * M  # not 117.866, which includes 53.025 of counterpart capital
    assert lc["counterpart_vnd"] == 53_025 * M and lc["per_year_vnd"] == round(64_841 * M / 5)


def test_provinces_in_vietnamese_alphabetical_order() -> None:
    df = pd.DataFrame({"province": ["Đồng Tháp", "Điện Biên", "Cần Thơ", "Cao Bằng", None, "Gia Lai", "Cần Thơ"]})
    assert metrics.provinces_in(df) == ["Cần Thơ", "Cao Bằng", "Điện Biên", "Đồng Tháp", "Gia Lai"]
    assert metrics.provinces_in(pd.DataFrame()) == []


def test_province_overview_latest_actual_and_plan_per_province() -> None:
    df = binh_duong_tidy(with_other_province=True, with_2016_allocation=True)
    out = metrics.province_overview(df)
    assert list(out["province"]) == ["Bình Dương", "Quảng Ninh"]
    bd, qn = out.iloc[0], out.iloc[1]
    assert (bd["first_year"], bd["last_year"]) == (2015, 2017)
    assert (bd["actual_year"], bd["actual_support_vnd"]) == (2016, 3_918_000_000)  # projects, not the summary too
    assert (bd["plan_year"], bd["plan_support_vnd"]) == (2017, 4_438_000_000)
    assert (qn["actual_year"], qn["actual_support_vnd"]) == (2017, 1_800_000_000)
    assert pd.isna(qn["plan_year"]) and pd.isna(qn["plan_support_vnd"])


# ---- unspecified context, phases and unconfirmed figures ---------------------------------------------------


def test_select_phase_keeps_settled_over_estimate_and_adjusted_over_approved() -> None:
    df = phase_rows([
        (2020, "actual", "estimated", "local", 900, ""),
        (2020, "actual", "settled", "local", 850, ""),
        (2020, "actual", "estimated", "national", 300, ""),  # no settled figure for KCQG: the estimate stands
        (2020, "plan", "approved", "local", 1000, ""),
        (2020, "plan", "adjusted", "local", 950, ""),
    ])
    rate = metrics.execution_rate(df)
    assert int(rate.loc[0, "plan_vnd"]) == 950_000_000
    assert int(rate.loc[0, "actual_vnd"]) == 1_150_000_000


def test_unspecified_stage_is_kept_apart_never_merged() -> None:
    df = phase_rows([(2021, "plan", "", "local", 500, ""), (2021, "unspecified", "", "local", 200,
                                                             "stage_unspecified")])
    by_year = metrics.support_by_year(df)
    assert dict(zip(by_year["stage"], by_year["support_vnd"], strict=True)) == {
        "plan": 500_000_000, "unspecified": 200_000_000}
    rate = metrics.execution_rate(df)
    assert int(rate.loc[0, "plan_vnd"]) == 500_000_000 and pd.isna(rate.loc[0, "actual_vnd"])
    assert metrics.support_by_year(df, "unspecified")["support_vnd"].tolist() == [200_000_000]


def test_needs_attention_and_confirmed() -> None:
    df = phase_rows([
        (2021, "plan", "", "local", 500, ""),
        (2021, "unspecified", "", "local", 200, "stage_unspecified"),
        (2021, "plan", "", "national", 70, "unconfirmed"),
    ])
    df.loc[1, "source_file"] = df.loc[2, "source_file"] = "x.xlsx"
    att = metrics.needs_attention(df)
    assert att[["source_file", "n_records", "amount_vnd", "stage_unspecified", "unconfirmed"]].values.tolist() == [
        ["x.xlsx", 2, 270_000_000, 1, 1]]
    assert metrics.confirmed(df)["amount_vnd"].sum() == 700_000_000
    assert metrics.confirmed(df, include_unconfirmed=True)["amount_vnd"].sum() == 770_000_000
    assert metrics.needs_attention(df.iloc[:1]).empty


def test_a_year_with_only_unspecified_amounts_has_no_execution_rate_row() -> None:
    df = phase_rows([(2023, "unspecified", "", "local", 200, "stage_unspecified")])
    assert metrics.execution_rate(df).empty
    assert metrics.support_by_year(df)["stage"].tolist() == ["unspecified"]
