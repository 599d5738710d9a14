"""The meeting brief for Bình Dương 2016, generated from the fixture and the published figures."""

from __future__ import annotations

import pandas as pd
import pytest
from tidy_fixture import PLAN_2017, binh_duong_tidy

from analysis import reference_data
from analysis.brief import Brief, meeting_brief
from analysis.charts import program_label

NNBSP = "\u202f"


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    return reference_data.published_figures()


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return binh_duong_tidy()


def test_vietnamese_brief_matches_the_2017_report(df: pd.DataFrame, published: pd.DataFrame) -> None:
    brief = meeting_brief(df, published, "Bình Dương", 2016, "vi")
    assert isinstance(brief, Brief)
    text = brief.to_text()
    results = brief.paragraphs[0]
    assert "Tổng kinh phí khuyến công thực hiện năm 2016 là 3.918 triệu đồng (25 đề án)." in results
    assert "khuyến công quốc gia hỗ trợ 1.850 triệu đồng (3 đề án)" in results
    assert "khuyến công địa phương hỗ trợ 2.068 triệu đồng (22 đề án)" in results
    assert "55.306 triệu đồng" in results and "14,1 lần" in results
    assert "cao hơn năm 2015 là 300 triệu đồng" in results and f"+8,3{NNBSP}%" in results
    plan = brief.paragraphs[1]
    assert "Kế hoạch năm 2017" in plan and "4.438 triệu đồng" in plan
    for code, trieu in PLAN_2017:
        amount = f"{trieu:,}".replace(",", ".") + " triệu đồng"
        assert f"- {program_label(code, 'vi')}: {amount}" in plan
    collab = brief.paragraphs[2]
    for number in ("17", "9", "8", "20"):
        assert f" {number} " in collab
    assert "cấp huyện" in collab and "cấp xã" in collab
    assert text.startswith(brief.title)


def test_english_brief(df: pd.DataFrame, published: pd.DataFrame) -> None:
    brief = meeting_brief(df, published, "Binh Duong", 2016, "en")
    text = brief.to_text()
    for needle in (
        "VND 3,918 million",
        "(25 projects)",
        "VND 1,850 million (3 projects)",
        "VND 2,068 million (22 projects)",
        "VND 55,306 million",
        "14.1×",
        "VND 300 million (+8.3%)",
        "higher than in 2015",
        "VND 4,438 million",
        "17 members",
        "9 at district level",
        "8 at commune level",
        "target for 2017 is 20",
    ):
        assert needle in text, needle
    for code, trieu in PLAN_2017:
        assert f"{program_label(code, 'en')}: VND {trieu:,} million" in text


def test_full_programme_names(df: pd.DataFrame, published: pd.DataFrame) -> None:
    brief = meeting_brief(df, published, "Bình Dương", 2016, "vi", program_names="full")
    names = reference_data.program_names("vi")
    assert f"- {names['information']}: 840 triệu đồng" in brief.paragraphs[1]
    order = [line.split(":")[0][2:] for line in brief.paragraphs[1].split("\n")[1:]]
    assert order[0] == names["demonstration"] and order[-1] == names["capacity"]  # the report's order


def test_missing_figures_are_said_or_omitted(df: pd.DataFrame, published: pd.DataFrame) -> None:
    brief = meeting_brief(df, published, "Bình Dương", 2017, "vi")
    assert "Chưa có số liệu kinh phí khuyến công thực hiện năm 2017." in brief.paragraphs
    assert "Chưa có số liệu kế hoạch kinh phí khuyến công năm 2018." in brief.paragraphs
    assert not any("cộng tác viên" in p and "gồm" in p for p in brief.paragraphs)
    no_plan = df[df["year"] != 2017]
    b16 = meeting_brief(no_plan, published.iloc[0:0], "Bình Dương", 2016, "en")
    assert "There are no plan figures for 2017 yet." in b16.paragraphs
    assert len(b16.paragraphs) == 2  # no collaborator sentence without figures


def test_decrease_and_unstated_counts(published: pd.DataFrame) -> None:
    d = binh_duong_tidy()
    d = d[~((d["year"] == 2016) & (d["funding_source"] == "national"))]  # 2016 now 2.068 < 3.618
    brief = meeting_brief(d, published, "Bình Dương", 2016, "vi")
    assert "thấp hơn năm 2015 là 1.550 triệu đồng" in brief.paragraphs[0]
    b15 = meeting_brief(d, published, "Bình Dương", 2015, "vi")
    assert b15.paragraphs[0] == "Tổng kinh phí khuyến công thực hiện năm 2015 là 3.618 triệu đồng."


def test_markdown_escapes_data(df: pd.DataFrame, published: pd.DataFrame) -> None:
    md = meeting_brief(df, published, "Bình Dương", 2016, "vi").to_markdown()
    assert md.startswith("# Tóm tắt hoạt động khuyến công năm 2016 – Bình Dương\n")
    assert "\n- Thông tin, tuyên truyền: 840 triệu đồng" in md
    odd = df.assign(province="<b>Bình Dương</b>")
    md2 = meeting_brief(odd, published.iloc[0:0], "<b>Bình Dương</b>", 2016, "vi").to_markdown()
    assert "<b>" not in md2 and "\\<b\\>" in md2


def test_numbers_come_from_the_data(published: pd.DataFrame) -> None:
    d = binh_duong_tidy()
    d.loc[d["funding_source"] == "local", "amount_vnd"] *= 2  # 2016 local 4.136 triệu
    text = meeting_brief(d, published, "Bình Dương", 2016, "vi").to_text()
    assert "5.986 triệu đồng" in text and "4.136 triệu đồng" in text and "3.918" not in text


def test_meeting_years_and_heading_level(df: pd.DataFrame, published: pd.DataFrame) -> None:
    from analysis.brief import meeting_years

    later = pd.concat([df, df[df["year"] == 2016].assign(year=2017, stage="actual")], ignore_index=True)
    assert meeting_years(later, 2016) == [2016, 2017]  # the meeting of 2017 and the newest year
    assert meeting_years(later) == [2017]
    assert meeting_years(df, 2016) == [2016]
    assert meeting_years(df, 2014) == [2016]  # no actual figures for 2014: only the newest year
    assert meeting_years(df.iloc[0:0], 2016) == []
    brief = meeting_brief(df, published, "Bình Dương", 2016, "vi")
    assert brief.to_markdown().startswith("# Tóm tắt")
    assert brief.to_markdown(heading_level=2).startswith("## Tóm tắt")
    with pytest.raises(ValueError):
        brief.to_markdown(heading_level=0)


def test_plans_only_brief_the_latest_planned_year_with_its_plan(df: pd.DataFrame, published: pd.DataFrame) -> None:
    """A province whose files so far are plans gets a brief that says so and gives the plan, not an empty page."""
    from analysis.brief import meeting_years

    plans = df[df["stage"] == "plan"]
    assert meeting_years(plans, 2016) == [2017]
    text = meeting_brief(plans, published, "Bình Dương", 2017).to_text()
    assert "Chưa có số liệu kinh phí khuyến công thực hiện năm 2017." in text
    assert "Kế hoạch năm 2017: tổng kinh phí 4.438 triệu đồng" in text
    # a year with results keeps to the next year's plan, even when its own plan is in the table
    with_plan = binh_duong_tidy(with_2016_plan=True)
    no_2017_plan = with_plan[~((with_plan["stage"] == "plan") & (with_plan["year"] == 2017))]
    text = meeting_brief(no_2017_plan, published, "Bình Dương", 2016).to_text()
    assert "Chưa có số liệu kế hoạch kinh phí khuyến công năm 2017." in text and "Kế hoạch năm 2016" not in text
