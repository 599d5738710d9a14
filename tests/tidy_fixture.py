"""A small tidy table (docs/tidy_table.md) that reproduces Bình Dương's published figures.

Why: metrics, charts and the brief are tested against numbers a person can check with the 24/02/2017 review
meeting in hand: 2016 actual 3.918 triệu over 25 projects (KCQG 1.850 over 3, KCĐP 2.068 over 22),
counterpart 55.306 triệu, 2015 actual 3.618 triệu, and the 2017 plan by programme (total 4.438 triệu).

What is published: those totals. What is invented here (illustrative, for tests only): how the totals split
into single projects, their programmes and districts, and the optional 2016 plan. Other engineers may import
`binh_duong_tidy()` for their own tests.
"""

from __future__ import annotations

import pandas as pd

from analysis.schema import COLUMNS as SCHEMA_COLUMNS

PROVINCE = "Bình Dương"
TRIEU = 1_000_000

# (amount triệu, programme, district, counterpart triệu or 0) — 3 KCQG projects, 22 KCĐP projects of 2016.
NATIONAL_2016: tuple[tuple[int, str, str, int], ...] = (
    (800, "demonstration", "Tân Uyên", 18_000),
    (650, "demonstration", "Bến Cát", 15_500),
    (400, "demonstration", "Thuận An", 9_806),
)
LOCAL_2016: tuple[tuple[int, str, str, int], ...] = (
    (300, "demonstration", "Tân Uyên", 4_000),
    (250, "demonstration", "Dĩ An", 3_000),
    (200, "demonstration", "Thủ Dầu Một", 2_500),
    (180, "demonstration", "Bến Cát", 1_500),
    (150, "demonstration", "Phú Giáo", 1_000),
    (120, "products", "Thủ Dầu Một", 0),
    (100, "products", "Thuận An", 0),
    (90, "products", "Dầu Tiếng", 0),
    (30, "consulting", "Dĩ An", 0),
    (25, "consulting", "Bắc Tân Uyên", 0),
    (20, "consulting", "Tân Uyên", 0),
    (15, "consulting", "Phú Giáo", 0),
    (150, "information", "", 0),
    (100, "information", "", 0),
    (60, "training", "Dầu Tiếng", 0),
    (50, "training", "Bàu Bàng", 0),
    (10, "training", "Bắc Tân Uyên", 0),
    (45, "management", "Thuận An", 0),
    (40, "management", "Dĩ An", 0),
    (70, "cooperation", "Tân Uyên", 0),
    (35, "capacity", "", 0),
    (28, "capacity", "", 0),
)
# Published 2017 plan by programme (triệu đồng), in the order of the report.
PLAN_2017: tuple[tuple[str, int], ...] = (
    ("demonstration", 2_250),
    ("management", 234),
    ("products", 513),
    ("consulting", 63),
    ("information", 840),
    ("cooperation", 450),
    ("capacity", 88),
)
ACTUAL_2015_TRIEU = 3_618
# Invented 2016 plan by programme (triệu đồng), only to exercise plan-vs-actual code paths.
PLAN_2016_ILLUSTRATIVE: tuple[tuple[str, int], ...] = (
    ("demonstration", 2_400),
    ("training", 150),
    ("management", 250),
    ("products", 500),
    ("consulting", 100),
    ("information", 450),
    ("cooperation", 200),
    ("capacity", 150),
)

_LABELS = {
    "training": "Đào tạo nghề, truyền nghề",
    "management": "Nâng cao năng lực quản lý doanh nghiệp",
    "demonstration": "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến",
    "products": "Phát triển sản phẩm công nghiệp nông thôn tiêu biểu",
    "consulting": "Tư vấn trợ giúp cơ sở công nghiệp nông thôn",
    "information": "Cung cấp thông tin, tuyên truyền",
    "cooperation": "Liên doanh liên kết, hợp tác kinh tế",
    "capacity": "Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công",
}

COLUMNS: tuple[str, ...] = tuple(SCHEMA_COLUMNS)
_STRING_COLS = tuple(c for c in COLUMNS if c not in ("year", "amount_vnd", "n_projects", "source_row"))


def _printed(trieu: int) -> str:
    return f"{trieu:,}".replace(",", ".")


def _row(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "province": PROVINCE,
        "program_label": "",
        "title": "",
        "beneficiary": "",
        "district": "",
        "unit_as_printed": "triệu đồng",
        "flags": "",
    }
    base.update(kw)
    trieu = int(base.pop("trieu"))  # type: ignore[call-overload]
    base["amount_vnd"] = trieu * TRIEU
    base["value_as_printed"] = _printed(trieu)
    if not base["program_label"] and base.get("program"):
        base["program_label"] = _LABELS.get(str(base["program"]), "")
    return base


def _projects_2016() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    file, sheet = "binh_duong/2016_danh_sach_de_an.xlsx", "Thực hiện 2016"
    projects = [("national", p) for p in NATIONAL_2016] + [("local", p) for p in LOCAL_2016]
    for i, (source, (trieu, program, district, counterpart)) in enumerate(projects, start=1):
        common = {
            "year": 2016,
            "stage": "actual",
            "record_type": "project",
            "program": program,
            "n_projects": 1,
            "title": f"Đề án {i:02d}: {_LABELS[program].lower()}",
            "beneficiary": "" if not district else f"Cơ sở {i:02d}",
            "district": district,
            "source_file": file,
            "source_sheet": sheet,
            "source_row": 6 + i,
        }
        rows.append(_row(**common, funding_source=source, trieu=trieu))
        if counterpart:
            rows.append(_row(**common, funding_source="counterpart", trieu=counterpart))
    return rows


def _allocation(
    year: int, stage: str, file: str, sheet: str, first_row: int, lines: tuple[tuple[str, int], ...]
) -> list[dict[str, object]]:
    return [
        _row(
            year=year,
            stage=stage,
            record_type="allocation",
            program=program,
            funding_source="unspecified",
            n_projects=None,
            title=_LABELS[program],
            source_file=file,
            source_sheet=sheet,
            source_row=first_row + i,
            trieu=trieu,
        )
        for i, (program, trieu) in enumerate(lines)
    ]


def binh_duong_tidy(
    *,
    with_2016_allocation: bool = False,
    with_2016_plan: bool = False,
    with_other_province: bool = False,
) -> pd.DataFrame:
    """The Bình Dương reference case as a tidy table.

    Always: 2016 actual project rows (25 projects), 2015 actual total (one allocation row, source not
    stated), 2017 plan by programme (7 allocation rows).
    with_2016_allocation: adds the 2016 results-by-source summary (same money at allocation grain — metrics
      must not add it to the project rows).
    with_2016_plan: adds an invented 2016 plan by programme (illustrative) for plan-vs-actual charts.
    with_other_province: adds Quảng Ninh 2017 actual by source (published: KCQG 800 triệu / 2 đề án,
      KCĐP 1 tỷ / 12 đề án) as allocation rows, to test per-province grain selection.
    """
    rows = _projects_2016()
    rows.append(
        _row(
            year=2015,
            stage="actual",
            record_type="allocation",
            program="",
            funding_source="unspecified",
            n_projects=None,
            title="Tổng kinh phí thực hiện năm 2015",
            source_file="binh_duong/bao_cao_tong_ket_2016.docx.csv",
            source_sheet="bao_cao_tong_ket_2016",
            source_row=12,
            trieu=ACTUAL_2015_TRIEU,
        )
    )
    rows += _allocation(2017, "plan", "binh_duong/ke_hoach_2017.xlsx", "KH 2017", 8, PLAN_2017)
    if with_2016_allocation:
        for i, (source, trieu, n) in enumerate(
            (("national", 1_850, 3), ("local", 2_068, 22), ("counterpart", 55_306, None))
        ):
            rows.append(
                _row(
                    year=2016,
                    stage="actual",
                    record_type="allocation",
                    program="",
                    funding_source=source,
                    n_projects=n,
                    title=f"Kết quả theo nguồn: {source}",
                    source_file="binh_duong/bao_cao_tong_ket_2016.docx.csv",
                    source_sheet="bao_cao_tong_ket_2016",
                    source_row=20 + i,
                    trieu=trieu,
                )
            )
    if with_2016_plan:
        rows += _allocation(
            2016, "plan", "illustrative/ke_hoach_2016.xlsx", "KH 2016", 8, PLAN_2016_ILLUSTRATIVE
        )
    if with_other_province:
        for i, (source, trieu, n) in enumerate((("national", 800, 2), ("local", 1_000, 12))):
            rows.append(
                _row(
                    province="Quảng Ninh",
                    year=2017,
                    stage="actual",
                    record_type="allocation",
                    program="",
                    funding_source=source,
                    n_projects=n,
                    title=f"Kinh phí {source}",
                    source_file="quang_ninh/ket_qua_2017.xlsx",
                    source_sheet="KQ 2017",
                    source_row=5 + i,
                    trieu=trieu,
                )
            )
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    for col in _STRING_COLS:
        df[col] = df[col].fillna("").astype("string")
    df["year"] = df["year"].astype("int64")
    df["amount_vnd"] = df["amount_vnd"].astype("int64")
    df["source_row"] = df["source_row"].astype("int64")
    df["n_projects"] = df["n_projects"].astype("Int64")
    return df


def phase_rows(rows: list[tuple[int, str, str, str, int, str]]) -> pd.DataFrame:
    """(year, stage, phase, funding_source, trieu, flags) → a minimal tidy table of project rows (one file each)."""
    df = pd.DataFrame(
        [
            {"province": PROVINCE, "year": y, "stage": st_, "phase": ph, "record_type": "project", "program": "",
             "funding_source": src, "amount_vnd": t * 1_000_000, "n_projects": 1, "flags": fl,
             "source_file": f"f{i}.xlsx", "source_sheet": "S", "source_row": i + 1}
            for i, (y, st_, ph, src, t, fl) in enumerate(rows)
        ]
    )
    df["year"] = df["year"].astype("Int64")
    return df
