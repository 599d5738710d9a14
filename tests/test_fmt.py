"""Vietnamese / English number formatting (analysis.fmt)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import fmt

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("amount", "unit", "lang", "expected"),
    [
        (3_918_000_000, "auto", "vi", "3.918 triệu đồng"),
        (2_520_000_000, "ty", "vi", "2,52 tỷ đồng"),
        (3_918_000_000, "auto", "en", "VND 3,918 million"),
        (2_520_000_000, "ty", "en", "VND 2.52 billion"),
        (55_306_000_000, "auto", "vi", "55.306 triệu đồng"),
        (262_500_000, "trieu", "vi", "262,5 triệu đồng"),
        (230_900_000_000, "auto", "vi", "230,9 tỷ đồng"),
        (1_436_000_000_000, "auto", "en", "VND 1,436 billion"),
        (500_000, "auto", "vi", "500.000 đồng"),
        (500_000, "dong", "en", "VND 500,000"),
        (0, "auto", "vi", "0 đồng"),
        (0, "trieu", "vi", "0 triệu đồng"),
        (-300_000_000, "auto", "vi", "-300 triệu đồng"),
        (-300_000_000, "trieu", "en", "-VND 300 million"),
        (3_000_000_000, "ty", "vi", "3 tỷ đồng"),
        (3_918_000_000, "tỷ", "vi", "3,92 tỷ đồng"),
        (3_918_000_000, "triệu đồng", "vi", "3.918 triệu đồng"),
        (2_520_000_000, "tỉ", "vi", "2,52 tỷ đồng"),
        (1_500_000, "nghin", "vi", "1.500 nghìn đồng"),
    ],
)
def test_format_vnd(amount: int, unit: str, lang: str, expected: str) -> None:
    assert fmt.format_vnd(amount, unit, lang) == expected


def test_format_vnd_explicit_decimals_and_missing() -> None:
    assert fmt.format_vnd(3_918_000_000, "ty", decimals=1) == "3,9 tỷ đồng"
    assert fmt.format_vnd(3_000_000_000, "ty", decimals=2) == "3,00 tỷ đồng"
    assert fmt.format_vnd(None) == fmt.NA_REP
    assert fmt.format_vnd(pd.NA) == fmt.NA_REP
    assert fmt.format_vnd(float("nan"), na_rep="") == ""


@pytest.mark.parametrize(
    ("x", "decimals", "lang", "expected"),
    [
        (3918, 0, "vi", "3.918"),
        (2.52, 2, "vi", "2,52"),
        (3918, 0, "en", "3,918"),
        (2.52, 2, "en", "2.52"),
        (1234567.891, 2, "vi", "1.234.567,89"),
        (2.675, 2, "vi", "2,68"),  # half away from zero, not binary-float rounding
        (-2.5, 0, "vi", "-3"),
        (-0.001, 2, "vi", "0,00"),  # no negative zero
        (0, 0, "en", "0"),
        (-1234, 0, "en", "-1,234"),
    ],
)
def test_format_number(x: float, decimals: int, lang: str, expected: str) -> None:
    assert fmt.format_number(x, decimals, lang) == expected


def test_format_change_has_explicit_sign() -> None:
    assert fmt.format_change(300_000_000) == "+300 triệu đồng"
    assert fmt.format_change(-300_000_000) == "-300 triệu đồng"
    assert fmt.format_change(300_000_000, lang="en") == "+VND 300 million"
    assert fmt.format_change(0, "trieu") == "0 triệu đồng"
    assert fmt.format_change(1_200_000_000, "ty") == "+1,2 tỷ đồng"


def test_format_pct_and_ratio() -> None:
    assert fmt.format_pct(0.125) == f"12,5{NNBSP}%"
    assert fmt.format_pct(0.125, "en") == "12.5%"
    assert fmt.format_change_pct(300 / 3618, decimals=2) == f"+8,29{NNBSP}%"
    assert fmt.format_change_pct(-0.05, "en") == "-5.0%"
    assert fmt.format_change_pct(0.0) == f"0,0{NNBSP}%"
    assert fmt.format_ratio(55306 / 3918) == "14,1 lần"
    assert fmt.format_ratio(55306 / 3918, "en", 2) == "14.12×"
    assert fmt.format_pct(pd.NA) == fmt.NA_REP


def test_scale_and_unit_label() -> None:
    assert fmt.scale_vnd(3_918_000_000, "trieu") == 3918.0
    assert math.isnan(fmt.scale_vnd(None, "ty"))
    assert fmt.unit_label("trieu") == "triệu đồng"
    assert fmt.unit_label("ty", "en", capitalize=True) == "VND billion"
    assert fmt.unit_label("trieu", capitalize=True) == "Triệu đồng"
    with pytest.raises(ValueError):
        fmt.normalize_unit("gallons")
    with pytest.raises(ValueError):
        fmt.format_number(1, lang="fr")


def test_axis_formatters_use_one_precision_per_axis() -> None:
    f = fmt.vnd_axis_formatter("ty", "vi")
    assert f.format_ticks([0, 5e8, 1e9, 1.5e9]) == ["0,0", "0,5", "1,0", "1,5"]
    g = fmt.vnd_axis_formatter("trieu", "en")
    assert g.format_ticks([0, 1e9, 2e9]) == ["0", "1,000", "2,000"]
    assert fmt.vnd_axis_formatter("trieu")(3_918_000_000) == "3.918"
    assert fmt.pct_axis_formatter("vi").format_ticks([0, 0.25, 0.5]) == [
        f"0{NNBSP}%",
        f"25{NNBSP}%",
        f"50{NNBSP}%",
    ]


def test_style_table_formats_and_escapes() -> None:
    df = pd.DataFrame(
        {
            "program": ["<script>alert(1)</script>", "demonstration"],
            "year": [2016, 2017],
            "amount_vnd": [3_918_000_000, 2_250_000_000],
            "share": [0.5, 0.25],
            "leverage": [14.1158, float("nan")],
            "n_projects": pd.array([25, None], dtype="Int64"),
        }
    )
    html = fmt.style_table(df, "vi").to_html()
    assert "3.918" in html and "2.250" in html
    assert f"50,0{NNBSP}%" in html
    assert "14,12 lần" in html
    assert ">2016<" in html and "2.016" not in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Đơn vị: triệu đồng" in html
    en = fmt.style_table(df, "en", unit="ty").to_html()
    assert "3.92" in en and "Unit: VND billion" in en


def test_format_table_returns_text() -> None:
    df = pd.DataFrame({"district": ["Dĩ An"], "support_vnd": [320_000_000], "share": [0.0817]})
    out = fmt.format_table(df, "vi")
    assert out.loc[0, "support_vnd"] == "320"
    assert out.loc[0, "share"] == f"8,2{NNBSP}%"
    assert out.loc[0, "district"] == "Dĩ An"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_thousands_separators_round_trip(x: int) -> None:
    assert fmt.format_number(x, 0, "vi").replace(".", "") == str(x)
    assert fmt.format_number(x, 0, "en").replace(",", "") == str(x)


@given(st.integers(min_value=0, max_value=10**14))
def test_vnd_in_dong_is_exact(x: int) -> None:
    text = fmt.format_vnd(x, "dong")
    assert text.endswith(" đồng")
    assert int(text.removesuffix(" đồng").replace(".", "")) == x


def test_style_table_headers_values_booleans_and_signed_changes() -> None:
    df = pd.DataFrame(
        {
            "stage": ["plan", "actual", "<b>x</b>"],
            "change_vnd": pd.array([300_000_000, -50_000_000, None], dtype="Int64"),
            "pct_change": [0.0829, -0.01, 0.0],
            "match": pd.array([True, False, None], dtype="boolean"),
        }
    )
    html = fmt.style_table(
        df,
        "vi",
        headers={"stage": "Giai đoạn", "change_vnd": "Tăng/giảm <so với> năm trước"},
        values={"stage": {"plan": "Kế hoạch", "actual": "Thực hiện"}},
    ).to_html()
    assert ">Giai đoạn<" in html and "Tăng/giảm &lt;so với&gt; năm trước" in html
    assert ">Kế hoạch<" in html and ">Thực hiện<" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html  # unknown codes stay escaped
    assert ">+300<" in html and ">-50<" in html
    assert f">+8,3{NNBSP}%<" in html and f">-1,0{NNBSP}%<" in html and f">0,0{NNBSP}%<" in html
    assert ">có<" in html and ">không<" in html and ">match<" in html  # no mapping for it: name kept
    en = fmt.style_table(df, "en", headers=lambda c: str(c).upper()).to_html()
    assert ">STAGE<" in en and ">yes<" in en and ">no<" in en
    assert fmt.format_bool(None) == fmt.NA_REP and fmt.format_bool(1, "en") == "yes"


def test_an_amount_column_prints_one_precision() -> None:
    """The defect: a column mixed '3.845,3' with '4.322'. Every cell of a column uses the same decimals."""
    from analysis.fmt import format_table

    df = pd.DataFrame({"actual_vnd": [3_845_300_000, 4_322_000_000, None],
                       "plan_vnd": [4_438_000_000, 4_620_000_000, 88_000_000]})
    out = format_table(df, "vi")
    assert list(out["actual_vnd"]) == ["3.845,3", "4.322,0", "–"]
    assert list(out["plan_vnd"]) == ["4.438", "4.620", "88"]  # whole triệu: no decimals at all


def test_share_change_is_in_points_not_percent() -> None:
    """The defect: 'Thay đổi tỷ trọng (điểm %)' showed '-12,7 %'."""
    from analysis.fmt import format_points, format_table

    out = format_table(pd.DataFrame({"share_change": [-0.127, 0.05, 0.0]}), "vi")
    assert list(out["share_change"]) == ["-12,7 điểm %", "+5,0 điểm %", "0,0 điểm %"]
    assert format_points(-0.127, "en") == "-12.7 pp"
