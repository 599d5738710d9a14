"""Deterministic generator of the bundled illustrative sample workbooks for Bình Dương.

Why: the toolkit needs realistic provincial spreadsheets to demonstrate and test ingestion, but real project
lists are not public. These five workbooks imitate what a provincial centre sends (title block, merged
headers, Roman programme groups with subtotals, notes and signatures, mixed units and formats) and are
calibrated so their project rows add up exactly to the figures Bình Dương published (review meeting of
24/02/2017): 2015 and 2016 actuals and the 2017 plan by programme. Everything else (names, addresses, how a
total splits into projects, the 2017 actual and the 2018 plan) is invented and marked "Dữ liệu minh họa".

Run ``python tools/make_samples.py [out_dir]``; the output is the same on every run (fixed seed, fixed document
dates and zip timestamps), so the committed files can be checked against a regeneration.

Files (all amounts of one project sit in one row; group projects have no beneficiary and no counterpart):

1. ``TH_khuyen_cong_2015_BD.xls`` (BIFF8, xlwt), sheet "TH 2015", unit đồng: two-row header with "Kinh phí"
   merged over "Tổng | KCQG | KCĐP | Đối ứng" ("Tổng" = total cost incl. counterpart), a row of column numbers
   "(1) … (9)", "TỔNG CỘNG" at the top, Roman groups, projects numbered 1…n across groups.
2. ``BD_KC_thuc_hien_2016.xlsx``, sheet "Thực hiện 2016", unit triệu đồng: one header row with a "Nguồn vốn"
   column (KCQG/KCĐP), "Kinh phí hỗ trợ", "Vốn đối ứng"; groups "A. KHUYẾN CÔNG QUỐC GIA" / "B. KHUYẾN CÔNG ĐỊA
   PHƯƠNG" above Roman groups; numbering restarts in each Roman group; "TỔNG CỘNG (A+B)" at the bottom.
3. ``Ke hoach KC 2017 - Binh Duong.xlsx``: sheet "Tổng hợp" (allocation by programme: Số đề án, Kinh phí in
   triệu đồng) and sheet "Danh mục đề án" (two-row header, "Kinh phí khuyến công" over "KCQG | KCĐP"); its
   "TỔNG CỘNG" row at the top holds formulas without cached values.
4. ``Bao cao ket qua KC (ban sua cuoi).xlsx``, sheet "Sheet1" (+ an empty "Sheet2"), 2017 actual: every
   amount is text with Vietnamese separators and often a unit word ("96,5 triệu đồng", "1,31 tỷ đồng",
   "5,45 tỷ", "43 triệu", "35.000.000 đồng", bare "3.840"), "-" for empty; Roman numeral inside the group label; "Cộng"
   at the bottom. No year in the file name.
5. ``KH khuyen cong 2018 (du kien).ods`` (odfpy), sheet "KH2018", 2018 plan, unit nghìn đồng: "Trong đó"
   merged over "Ngân sách tỉnh (KCĐP) | KCQG | Vốn đối ứng" (local before national); "TỔNG CỘNG" at the bottom.
"""

from __future__ import annotations

import argparse
import io
import random
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from analysis.text import nfc

SEED = 2017
PROVINCE = "Bình Dương"
KCQG = "KCQG"
KCDP = "KCĐP"
HALF = Decimal("0.5")
ZERO = Decimal(0)
# Fixed document dates (no timestamps from the machine that generates the files).
DOC_TIME = datetime(2018, 1, 15, 8, 0, 0)
ZIP_TIME = (2018, 1, 15, 8, 0, 0)

PROGRAM_ORDER: tuple[str, ...] = (
    "demonstration",
    "management",
    "products",
    "consulting",
    "information",
    "cooperation",
    "capacity",
)
ROMAN: tuple[str, ...] = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

# Published figures the samples are calibrated to (triệu đồng), from data/raw/published/published_figures.csv
# (TTKC Bình Dương, review meeting of 24/02/2017).
PUBLISHED_2015_SUPPORT = Decimal(3618)
PUBLISHED_2016 = {"n_projects": 25, "n_national": 3, "national": Decimal(1850), "n_local": 22,
                  "local": Decimal(2068), "counterpart": Decimal(55306)}
PUBLISHED_2017_PLAN: dict[str, Decimal] = {
    "demonstration": Decimal(2250),
    "management": Decimal(234),
    "products": Decimal(513),
    "consulting": Decimal(63),
    "information": Decimal(840),
    "cooperation": Decimal(450),
    "capacity": Decimal(88),
}

# ----------------------------------------------------------------------------------------------------------
# Places: real district-level units and wards of Bình Dương (2015–2018 status), invented establishments.

# district → (abbreviated prefix, full prefix) as of 2015–2018 (see reference/binh_duong_districts.csv)
DISTRICT_PREFIX: dict[str, tuple[str, str]] = {
    "Thủ Dầu Một": ("TP.", "thành phố"),
    "Dĩ An": ("TX.", "thị xã"),
    "Thuận An": ("TX.", "thị xã"),
    "Tân Uyên": ("TX.", "thị xã"),
    "Bến Cát": ("TX.", "thị xã"),
    "Bàu Bàng": ("H.", "huyện"),
    "Bắc Tân Uyên": ("H.", "huyện"),
    "Dầu Tiếng": ("H.", "huyện"),
    "Phú Giáo": ("H.", "huyện"),
}
WARDS: dict[str, tuple[tuple[str, str], ...]] = {
    "Thủ Dầu Một": (("Phú Hòa", "phường"), ("Hiệp Thành", "phường"), ("Phú Lợi", "phường"),
                    ("Chánh Nghĩa", "phường"), ("Định Hòa", "phường"), ("Tương Bình Hiệp", "phường")),
    "Dĩ An": (("Tân Đông Hiệp", "phường"), ("Đông Hòa", "phường"), ("An Bình", "phường"), ("Bình An", "phường")),
    "Thuận An": (("Lái Thiêu", "phường"), ("An Phú", "phường"), ("Bình Chuẩn", "phường"), ("Vĩnh Phú", "phường"),
                 ("Thuận Giao", "phường")),
    "Tân Uyên": (("Uyên Hưng", "phường"), ("Tân Phước Khánh", "phường"), ("Khánh Bình", "phường"),
                 ("Thái Hòa", "phường")),
    "Bến Cát": (("Mỹ Phước", "phường"), ("Chánh Phú Hòa", "phường"), ("Tân Định", "phường"), ("An Tây", "xã")),
    "Bàu Bàng": (("Lai Uyên", "xã"), ("Long Nguyên", "xã"), ("Lai Hưng", "xã")),
    "Bắc Tân Uyên": (("Tân Thành", "xã"), ("Tân Bình", "xã"), ("Đất Cuốc", "xã"), ("Thường Tân", "xã")),
    "Dầu Tiếng": (("Dầu Tiếng", "thị trấn"), ("Minh Hòa", "xã"), ("Thanh Tuyền", "xã"), ("Long Hòa", "xã")),
    "Phú Giáo": (("Phước Vĩnh", "thị trấn"), ("An Bình", "xã"), ("Vĩnh Hòa", "xã"), ("Tân Hiệp", "xã")),
}
WARD_ABBR = {"phường": "P.", "xã": "xã", "thị trấn": "TT."}
DISTRICT_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "Thủ Dầu Một": ("gom", "sonmai", "thucpham"),
    "Dĩ An": ("cokhi", "baobi", "may"),
    "Thuận An": ("gom", "go", "thucpham", "baobi"),
    "Tân Uyên": ("gom", "go", "may"),
    "Bến Cát": ("cokhi", "thucan", "dieu"),
    "Bàu Bàng": ("dieu", "thucan", "gach"),
    "Bắc Tân Uyên": ("go", "gach"),
    "Dầu Tiếng": ("caosu", "gach"),
    "Phú Giáo": ("dieu", "caosu"),
}


@dataclass(frozen=True)
class Industry:
    """Wording for one trade: the name used in invented establishment names and the project titles."""

    name: str
    product: str
    machine: str
    model: str
    pollution: str


INDUSTRIES: dict[str, Industry] = {
    "gom": Industry("Gốm", "gốm mỹ nghệ",
                    "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất gốm mỹ nghệ",
                    "Xây dựng mô hình trình diễn kỹ thuật sản xuất gốm sứ bằng lò gas tiết kiệm năng lượng",
                    "Hỗ trợ xây dựng hệ thống xử lý khí thải lò nung gốm"),
    "sonmai": Industry("Sơn Mài", "tranh sơn mài",
                       "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến vào sản xuất tranh sơn mài",
                       "Xây dựng mô hình trình diễn kỹ thuật ứng dụng buồng phun sơn và máy mài tự động trong "
                       "sản xuất sơn mài",
                       "Hỗ trợ xây dựng hệ thống xử lý hơi dung môi tại cơ sở sơn mài"),
    "go": Industry("Gỗ", "đồ gỗ nội thất",
                   "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong chế biến gỗ",
                   "Xây dựng mô hình trình diễn kỹ thuật dây chuyền sấy gỗ bằng hơi nước",
                   "Hỗ trợ xây dựng hệ thống hút, xử lý bụi gỗ"),
    "dieu": Industry("Hạt Điều", "hạt điều",
                     "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong chế biến hạt điều",
                     "Xây dựng mô hình trình diễn kỹ thuật dây chuyền cắt tách vỏ hạt điều tự động",
                     "Hỗ trợ xây dựng hệ thống xử lý khói lò hấp hạt điều"),
    "caosu": Industry("Cao Su", "mủ cao su",
                      "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sơ chế mủ cao su",
                      "Xây dựng mô hình trình diễn kỹ thuật sơ chế mủ cao su tiết kiệm nước",
                      "Hỗ trợ xây dựng hệ thống xử lý nước thải sơ chế mủ cao su"),
    "baobi": Industry("Bao Bì", "giấy carton",
                      "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất bao bì giấy carton",
                      "Xây dựng mô hình trình diễn kỹ thuật dây chuyền sản xuất giấy carton 5 lớp",
                      "Hỗ trợ xây dựng hệ thống xử lý bụi giấy và hơi mực in"),
    "cokhi": Industry("Cơ Khí", "cơ khí",
                      "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong gia công cơ khí",
                      "Xây dựng mô hình trình diễn kỹ thuật ứng dụng máy cắt CNC trong gia công cơ khí",
                      "Hỗ trợ xây dựng hệ thống xử lý khí thải buồng sơn tĩnh điện"),
    "may": Industry("May Mặc", "hàng may mặc",
                    "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất hàng may mặc",
                    "Xây dựng mô hình trình diễn kỹ thuật ứng dụng máy cắt vải tự động",
                    "Hỗ trợ xử lý bụi vải và tiếng ồn tại xưởng may"),
    "thucpham": Industry("Thực Phẩm", "bánh kẹo",
                         "Hỗ trợ ứng dụng dây chuyền thiết bị tiên tiến trong sản xuất bánh kẹo",
                         "Xây dựng mô hình trình diễn kỹ thuật dây chuyền đóng gói bánh kẹo tự động",
                         "Hỗ trợ xây dựng hệ thống xử lý nước thải chế biến thực phẩm"),
    "gach": Industry("Gạch Không Nung", "gạch không nung",
                     "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất gạch không nung",
                     "Xây dựng mô hình trình diễn kỹ thuật dây chuyền ép gạch không nung tự động",
                     "Hỗ trợ xây dựng hệ thống xử lý bụi tại cơ sở sản xuất gạch"),
    "thucan": Industry("Thức Ăn Chăn Nuôi", "thức ăn chăn nuôi",
                       "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất thức ăn chăn nuôi",
                       "Xây dựng mô hình trình diễn kỹ thuật dây chuyền ép viên thức ăn chăn nuôi",
                       "Hỗ trợ xây dựng hệ thống xử lý mùi và bụi cám"),
}
CONSULT_TITLES: tuple[str, ...] = (
    "Tư vấn lập dự án đầu tư mở rộng sản xuất {product}",
    "Tư vấn thiết kế mẫu mã, bao bì sản phẩm {product}",
    "Tư vấn áp dụng hệ thống quản lý chất lượng ISO 9001 trong sản xuất {product}",
)
BENEFICIARY_FORMS: tuple[str, ...] = ("Cơ sở", "Công ty TNHH", "DNTN", "HTX", "Công ty CP", "Cơ sở")
# Words that make every establishment name obviously invented ("illustration", "test sample", "assumed").
FICTION_MARKERS: tuple[str, ...] = ("Minh Họa", "Mẫu Thử", "Giả Định")

ILLUSTRATIVE_NOTE = (
    "Dữ liệu minh họa (illustrative sample data): tên cơ sở, địa chỉ và số liệu từng đề án là giả định; "
    "chỉ các tổng số năm 2015, 2016 và kế hoạch 2017 khớp với số liệu đã công bố."
)
ILLUSTRATIVE_NOTE_INVENTED = (
    "Dữ liệu minh họa (illustrative sample data): toàn bộ tên cơ sở, địa chỉ và số liệu là giả định."
)

# ----------------------------------------------------------------------------------------------------------
# Projects and the budget lines they are drawn from.

BENEFICIARY_KINDS = frozenset({"model", "machine", "brand", "consult", "pollution"})


@dataclass(frozen=True)
class Line:
    """One budget line of a year: `n` projects of one programme, source and kind sharing `total` triệu.

    Group lines name their projects (`titles`); beneficiary lines draw titles from the industry wording.
    """

    program: str
    source: str
    kind: str
    total: Decimal
    n: int = 1
    titles: tuple[str, ...] = ()

    def count(self) -> int:
        return len(self.titles) if self.titles else self.n


@dataclass(frozen=True)
class Project:
    """One đề án as the generator knows it; amounts in triệu đồng (multiples of 0,5)."""

    program: str
    source: str
    kind: str
    title: str
    support: Decimal
    counterpart: Decimal = ZERO
    beneficiary: str = ""
    district: str = ""
    ward: tuple[str, str] = ("", "")

    @property
    def is_group(self) -> bool:
        return self.kind == "group"


@dataclass(frozen=True)
class YearSpec:
    """Budget lines and the counterpart total (with its rounding unit) of one invented or calibrated year."""

    year: int
    lines: tuple[Line, ...]
    counterpart_total: Decimal
    counterpart_unit: Decimal
    halves: int


def _d(value: int | str) -> Decimal:
    return Decimal(value)


YEAR_2015 = YearSpec(
    2015,
    (
        Line("demonstration", KCQG, "model", _d(950), 2),
        Line("demonstration", KCDP, "machine", _d(1310), 11),
        Line("management", KCDP, "group", _d(180), titles=(
            "Tổ chức khóa đào tạo khởi sự doanh nghiệp cho cơ sở công nghiệp nông thôn năm 2015",
            "Tổ chức hội thảo nâng cao năng lực quản lý doanh nghiệp")),
        Line("products", KCDP, "group", _d(260), titles=(
            "Hỗ trợ cơ sở công nghiệp nông thôn tham gia hội chợ triển lãm hàng CNNT tiêu biểu",)),
        Line("products", KCDP, "brand", _d(30)),
        Line("consulting", KCDP, "consult", _d(28)),
        Line("information", KCDP, "group", _d(780), titles=(
            "Xây dựng chương trình truyền hình khuyến công năm 2015",
            "Phát hành bản tin khuyến công")),
        Line("capacity", KCDP, "group", _d(80), titles=(
            "Tập huấn nâng cao năng lực cho cán bộ, cộng tác viên khuyến công",)),
    ),
    counterpart_total=_d(46880),
    counterpart_unit=_d(10),
    halves=2,
)
YEAR_2016 = YearSpec(
    2016,
    (
        Line("demonstration", KCQG, "model", _d(980), 2),
        Line("products", KCQG, "group", _d(870), titles=(
            "Tổ chức Hội chợ triển lãm hàng công nghiệp nông thôn tiêu biểu khu vực phía Nam năm 2016",)),
        Line("demonstration", KCDP, "machine", _d(1180), 12),
        Line("management", KCDP, "group", _d(150), titles=(
            "Tổ chức tập huấn nhận thức về sản xuất sạch hơn trong công nghiệp",
            "Tổ chức đoàn tham quan, khảo sát học tập kinh nghiệm tại các tỉnh phía Bắc")),
        Line("products", KCDP, "group", _d(180), titles=(
            "Tổ chức bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh năm 2016",)),
        Line("products", KCDP, "brand", _d(30)),
        Line("consulting", KCDP, "consult", _d(58), 2),
        Line("information", KCDP, "group", _d(300), titles=(
            "Xây dựng chương trình truyền hình khuyến công năm 2016",
            "Xây dựng chuyên mục khuyến công trên Báo Bình Dương")),
        Line("cooperation", KCDP, "pollution", _d(100)),
        Line("capacity", KCDP, "group", _d(70), titles=(
            "Tập huấn nâng cao năng lực cho cán bộ, cộng tác viên khuyến công năm 2016",)),
    ),
    counterpart_total=PUBLISHED_2016["counterpart"],
    counterpart_unit=_d(1),
    halves=3,
)
YEAR_2017_PLAN = YearSpec(
    2017,
    (
        Line("demonstration", KCQG, "model", _d(980), 2),
        Line("demonstration", KCDP, "machine", _d(1270), 11),
        Line("management", KCDP, "group", _d(234), titles=(
            "Tổ chức khóa đào tạo khởi sự doanh nghiệp cho cơ sở công nghiệp nông thôn",
            "Tổ chức hội thảo nâng cao năng lực quản lý doanh nghiệp",
            "Tổ chức đoàn tham quan, khảo sát mô hình sản xuất sạch hơn")),
        Line("products", KCDP, "group", _d(478), titles=(
            "Hỗ trợ cơ sở công nghiệp nông thôn tham gia hội chợ triển lãm hàng CNNT tiêu biểu",
            "Tổ chức bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh năm 2017")),
        Line("products", KCDP, "brand", _d(35)),
        Line("consulting", KCDP, "consult", _d(63), 2),
        Line("information", KCDP, "group", _d(840), titles=(
            "Xây dựng chương trình truyền hình khuyến công năm 2017",
            "Phát hành bản tin khuyến công",
            "Duy trì, nâng cấp trang thông tin điện tử khuyến công")),
        Line("cooperation", KCDP, "pollution", _d(250)),
        Line("cooperation", KCDP, "group", _d(200), titles=(
            "Hỗ trợ hoạt động liên kết sản xuất, tiêu thụ sản phẩm của các cơ sở sơn mài",)),
        Line("capacity", KCDP, "group", _d(88), titles=(
            "Tập huấn nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công cho cộng tác viên",)),
    ),
    counterpart_total=_d(61540),
    counterpart_unit=_d(10),
    halves=3,
)
YEAR_2018_PLAN = YearSpec(
    2018,
    (
        Line("demonstration", KCQG, "model", _d(650)),
        Line("demonstration", KCQG, "machine", _d(280)),
        Line("demonstration", KCDP, "machine", _d(1400), 11),
        Line("management", KCDP, "group", _d(240), titles=(
            "Tổ chức khóa đào tạo khởi sự doanh nghiệp năm 2018",
            "Tổ chức hội thảo áp dụng sản xuất sạch hơn trong công nghiệp")),
        Line("products", KCDP, "group", _d(520), titles=(
            "Hỗ trợ cơ sở công nghiệp nông thôn tham gia hội chợ triển lãm hàng CNNT tiêu biểu",
            "Tổ chức bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh năm 2018")),
        Line("products", KCDP, "brand", _d(35)),
        Line("consulting", KCDP, "consult", _d(70), 2),
        Line("information", KCDP, "group", _d(880), titles=(
            "Xây dựng chương trình truyền hình khuyến công năm 2018",
            "Xây dựng chuyên mục khuyến công trên Báo Bình Dương",
            "In ấn tờ rơi, sổ tay tuyên truyền chính sách khuyến công")),
        Line("cooperation", KCDP, "pollution", _d(300)),
        Line("cooperation", KCDP, "group", _d(150), titles=(
            "Hỗ trợ hoạt động liên kết sản xuất, tiêu thụ sản phẩm gốm mỹ nghệ",)),
        Line("capacity", KCDP, "group", _d(95), titles=(
            "Tổ chức kiểm tra, giám sát, nghiệm thu các đề án khuyến công năm 2018",)),
    ),
    counterpart_total=_d(68930),
    counterpart_unit=_d(10),
    halves=2,
)


def support_bounds(kind: str, source: str, year: int) -> tuple[Decimal, Decimal]:
    """Smallest and largest support (triệu) for one project: the ceilings of domain.md, and plausible floors.

    KCQG: demonstration model ≤ 500 (2014–2017) / ≤ 1.000 (from 2018); machinery ≤ 200 / ≤ 300; brand and
    consulting ≤ 35. KCĐP ceilings are the province's own; the samples keep them at the KCQG level.
    """
    if kind == "model":
        return _d(300), _d(500) if year <= 2017 else _d(1000)
    if kind == "machine":
        hi = _d(300) if (source == KCQG and year >= 2018) else _d(200)
        return _d(50), hi
    if kind in {"brand", "consult"}:
        return _d(20), _d(35)
    if kind == "pollution":
        return _d(50), _d(300)
    return _d(10), _d(1000)


def max_support_share(kind: str) -> Decimal:
    """Largest share of total cost the state may pay: 30 % for demonstration models, 50 % otherwise."""
    return Decimal("0.3") if kind == "model" else Decimal("0.5")


def _ceil_to(value: Decimal, unit: Decimal) -> Decimal:
    return (value / unit).to_integral_value(rounding=ROUND_CEILING) * unit


def _split(rng: random.Random, total: Decimal, n: int, lo: Decimal, hi: Decimal) -> list[Decimal]:
    """Split `total` into `n` whole-triệu amounts within [lo, hi] that add up exactly (integer arithmetic)."""
    units = int(total)
    if units != total:
        raise ValueError(f"line total {total} is not a whole number of triệu")
    lo_u, hi_u = int(_ceil_to(lo, _d(1))), int(hi)
    if not n * lo_u <= units <= n * hi_u:
        raise ValueError(f"cannot split {total} into {n} amounts within [{lo}, {hi}]")
    parts = [lo_u] * n
    rest = units - n * lo_u
    chunk = max(1, units // n // 4)
    while rest:
        i = rng.choice([k for k in range(n) if parts[k] < hi_u])
        add = min(rest, hi_u - parts[i], rng.randint(1, chunk))
        parts[i] += add
        rest -= add
    return [Decimal(p) for p in parts]


def _add_halves(rng: random.Random, amounts: list[Decimal], lo: Decimal, hi: Decimal, k: int) -> None:
    """Move 0,5 triệu between pairs of amounts (k times) so some read like '262,5' while the sum is kept."""
    if len(amounts) < 2:
        return
    for _ in range(k):
        i, j = rng.sample(range(len(amounts)), 2)
        if amounts[i] + HALF <= hi and amounts[j] - HALF >= lo:
            amounts[i] += HALF
            amounts[j] -= HALF


def _split_weighted(
    rng: random.Random, total: Decimal, lows: Sequence[Decimal], weights: Sequence[int], unit: Decimal
) -> list[Decimal]:
    """Split `total` (a multiple of `unit`) into parts ≥ `lows` proportional to `weights`, exactly."""
    lows_u = [int(_ceil_to(low, unit) / unit) for low in lows]
    total_u = int(total / unit)
    if total_u * unit != total:
        raise ValueError(f"{total} is not a multiple of {unit}")
    rest = total_u - sum(lows_u)
    if rest < 0:
        raise ValueError(f"counterpart total {total} below the minimum {sum(lows_u) * unit}")
    weight_sum = sum(weights)
    parts = [low + rest * w // weight_sum for low, w in zip(lows_u, weights, strict=True)]
    for i in rng.sample(range(len(parts)), total_u - sum(parts)):
        parts[i] += 1
    return [Decimal(p) * unit for p in parts]


class _Names:
    """Invented establishment names, unique across all sample files."""

    def __init__(self) -> None:
        self.counter = 0

    def make(self, rng: random.Random, industry: Industry, ward: str) -> str:
        self.counter += 1
        form = rng.choice(BENEFICIARY_FORMS)
        marker = FICTION_MARKERS[self.counter % len(FICTION_MARKERS)]
        if self.counter % 4 == 0:
            return f"{form} {industry.name} {marker} {ward}"
        return f"{form} {industry.name} {marker} {self.counter:02d}"


def build_year(rng: random.Random, spec: YearSpec, names: _Names) -> list[Project]:
    """Draw the projects of one year from its budget lines; sums are exact by construction."""
    n_beneficiary = sum(line.count() for line in spec.lines if line.kind in BENEFICIARY_KINDS)
    districts: list[str] = []
    while len(districts) < n_beneficiary:
        cycle = list(DISTRICT_PREFIX)
        rng.shuffle(cycle)
        districts.extend(cycle)
    district_iter = iter(districts)

    projects: list[Project] = []
    for line in spec.lines:
        n = line.count()
        if line.kind == "group":
            lo, hi = max(_d(10), _d(int(line.total) // (2 * n))), line.total
        else:
            lo, hi = support_bounds(line.kind, line.source, spec.year)
        amounts = _split(rng, line.total, n, lo, hi)
        if line.kind == "machine":
            _add_halves(rng, amounts, lo, hi, spec.halves)
        for k, amount in enumerate(amounts):
            if line.kind == "group":
                projects.append(Project(line.program, line.source, line.kind, line.titles[k], amount))
                continue
            district = next(district_iter)
            industry = INDUSTRIES[rng.choice(DISTRICT_INDUSTRIES[district])]
            ward = rng.choice(WARDS[district])
            if line.kind == "model":
                title = industry.model
            elif line.kind == "machine":
                title = industry.machine
            elif line.kind == "brand":
                title = f"Hỗ trợ đăng ký nhãn hiệu, xây dựng thương hiệu sản phẩm {industry.product}"
            elif line.kind == "consult":
                title = rng.choice(CONSULT_TITLES).format(product=industry.product)
            else:
                title = industry.pollution
            beneficiary = names.make(rng, industry, ward[0])
            projects.append(Project(line.program, line.source, line.kind, title, amount,
                                    beneficiary=beneficiary, district=district, ward=ward))
    return _with_counterparts(rng, projects, spec.counterpart_total, spec.counterpart_unit)


def _with_counterparts(
    rng: random.Random, projects: list[Project], total: Decimal, unit: Decimal
) -> list[Project]:
    """Give each beneficiary project its counterpart capital so that the year adds up to `total` exactly.

    Small projects (brand, consulting) get 1–2.5 × their support; machinery, models and pollution treatment
    share the rest, never below the amount that keeps support within its ceiling share of total cost.
    """
    out = list(projects)
    small = [i for i, p in enumerate(out) if p.kind in {"brand", "consult"}]
    for i in small:
        factor = Decimal(rng.randint(10, 25)) / 10
        out[i] = replace(out[i], counterpart=_ceil_to(out[i].support * factor, unit))
    rest = total - sum((out[i].counterpart for i in small), ZERO)
    big = [i for i, p in enumerate(out) if p.kind in {"model", "machine", "pollution"}]
    lows = [_min_counterpart(out[i]) for i in big]
    weights = [rng.randint(8, 16) if out[i].kind == "model" else
               rng.randint(1, 3) if out[i].kind == "pollution" else rng.randint(3, 12) for i in big]
    for i, cp in zip(big, _split_weighted(rng, rest, lows, weights, unit), strict=True):
        out[i] = replace(out[i], counterpart=cp)
    return out


def _min_counterpart(p: Project) -> Decimal:
    share = max_support_share(p.kind)
    return p.support * (1 - share) / share


def derive_actual(rng: random.Random, plan: list[Project]) -> tuple[list[Project], Project]:
    """The 2017 actual: the plan minus one withdrawn project, some amounts settled lower, some counterparts up."""
    candidates = [p for p in plan if p.kind == "machine" and p.source == KCDP]
    dropped = rng.choice(candidates)
    actual: list[Project] = []
    for p in plan:
        if p is dropped:
            continue
        support, counterpart = p.support, p.counterpart
        if rng.random() < 0.4:
            cut = rng.randint(1, max(1, int(support * 2 * 6 / 100)))
            support -= Decimal(cut) * HALF
        if counterpart and rng.random() < 0.3:
            counterpart += Decimal(10 * rng.randint(1, 20))
        actual.append(replace(p, support=support, counterpart=counterpart))
    return actual, dropped


def validate_projects(projects: Iterable[Project], year: int) -> None:
    """Raise if a project breaks the sample's own rules (one state source, group shape, ceilings)."""
    for p in projects:
        where = f"{year} {p.title!r}"
        if p.source not in {KCQG, KCDP}:
            raise ValueError(f"{where}: unknown source {p.source}")
        if p.support <= 0 or (p.support / HALF) != (p.support / HALF).to_integral_value():
            raise ValueError(f"{where}: support {p.support} is not a positive multiple of 0,5 triệu")
        if p.is_group:
            if p.beneficiary or p.counterpart:
                raise ValueError(f"{where}: group projects have no beneficiary and no counterpart")
            continue
        if not p.beneficiary or p.counterpart <= 0:
            raise ValueError(f"{where}: beneficiary projects need a beneficiary and counterpart capital")
        _lo, hi = support_bounds(p.kind, p.source, year)
        if p.support > hi:
            raise ValueError(f"{where}: support {p.support} above the ceiling {hi}")
        if p.support > max_support_share(p.kind) * (p.support + p.counterpart):
            raise ValueError(f"{where}: support above {max_support_share(p.kind):%} of total cost")


def _total(projects: Iterable[Project], source: str | None = None, attr: str = "support") -> Decimal:
    return sum((getattr(p, attr) for p in projects if source is None or p.source == source), ZERO)


def check_calibration(years: dict[str, list[Project]]) -> None:
    """Raise unless the drawn projects reproduce every published Bình Dương figure exactly."""
    if _total(years["2015"]) != PUBLISHED_2015_SUPPORT:
        raise ValueError("2015 support does not add up to 3.618 triệu")
    y16 = years["2016"]
    got = {
        "n_projects": len(y16),
        "n_national": sum(p.source == KCQG for p in y16),
        "national": _total(y16, KCQG),
        "n_local": sum(p.source == KCDP for p in y16),
        "local": _total(y16, KCDP),
        "counterpart": _total(y16, attr="counterpart"),
    }
    if got != PUBLISHED_2016:
        raise ValueError(f"2016 does not match the published figures: {got}")
    plan = {prog: _total(p for p in years["2017_plan"] if p.program == prog) for prog in PROGRAM_ORDER}
    if plan != PUBLISHED_2017_PLAN:
        raise ValueError(f"2017 plan does not match the published allocation: {plan}")
    ratio = _total(years["2017_actual"]) / _total(years["2017_plan"])
    if not Decimal("0.9") <= ratio <= 1:
        raise ValueError(f"2017 actual is {ratio:.1%} of plan, expected 90–100 %")
    if not _total(years["2018_plan"]) > _total(years["2017_plan"]):
        raise ValueError("2018 plan should be larger than the 2017 plan")


# ----------------------------------------------------------------------------------------------------------
# A small sheet model rendered by three writers (xlwt, openpyxl, odfpy).


@dataclass(frozen=True)
class Formula:
    """An Excel formula without '='; written without a cached value, as openpyxl does."""

    expr: str


Value = str | int | Decimal | Formula | None


@dataclass
class Sheet:
    """Rows of cell values with a style kind per row, merged ranges (0-based, inclusive) and column widths."""

    name: str
    widths: list[float]
    rows: list[tuple[str, list[Value]]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def ncols(self) -> int:
        return len(self.widths)

    def add(self, kind: str, values: Sequence[Value] = ()) -> int:
        """Append a row (padded to the sheet width) and return its 0-based index."""
        row = [nfc(v) if isinstance(v, str) else v for v in values]
        row += [None] * (self.ncols - len(row))
        self.rows.append((kind, row))
        return len(self.rows) - 1

    def set(self, r: int, values: Sequence[Value]) -> None:
        kind, _ = self.rows[r]
        row = [nfc(v) if isinstance(v, str) else v for v in values]
        self.rows[r] = (kind, row + [None] * (self.ncols - len(row)))

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        if (r1, c1) != (r2, c2):
            self.merges.append((r1, c1, r2, c2))

    def line(self, kind: str, text: str, c1: int = 0, c2: int | None = None) -> int:
        """A row with one text merged over columns c1..c2 (default: the whole width)."""
        c2 = self.ncols - 1 if c2 is None else c2
        r = self.add(kind, [None] * c1 + [text])
        self.merge(r, c1, r, c2)
        return r


@dataclass(frozen=True)
class Workbook:
    """File name and sheets of one sample workbook."""

    filename: str
    sheets: tuple[Sheet, ...]


# Style of each row kind: (bold, italic, horizontal alignment, border, font size).
STYLES: dict[str, tuple[bool, bool, str, bool, int]] = {
    "org": (True, False, "center", False, 12),
    "date": (False, True, "center", False, 12),
    "title": (True, False, "center", False, 13),
    "subtitle": (False, True, "center", False, 12),
    "unit": (False, True, "right", False, 12),
    "unit_left": (False, True, "left", False, 12),
    "header": (True, False, "center", True, 12),
    "colno": (False, True, "center", True, 11),
    "total": (True, False, "left", True, 12),
    "group": (True, False, "left", True, 12),
    "item": (False, False, "left", True, 12),
    "note": (False, False, "left", False, 12),
    "note_italic": (False, True, "left", False, 12),
    "sign": (True, False, "center", False, 12),
    "signnote": (False, True, "center", False, 12),
    "blank": (False, False, "left", False, 12),
}


def _number_format(value: Decimal | int) -> str:
    return "#,##0.0" if isinstance(value, Decimal) and value != value.to_integral_value() else "#,##0"


def _plain(value: Decimal | int) -> int | float:
    """A number for a writer: exact int when whole, else the (exactly representable) half as float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _covered(sheet: Sheet) -> dict[tuple[int, int], tuple[int, int, int, int] | None]:
    """Map each merged cell to its range (top-left) or None (covered)."""
    out: dict[tuple[int, int], tuple[int, int, int, int] | None] = {}
    for r1, c1, r2, c2 in sheet.merges:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                out[(r, c)] = None
        out[(r1, c1)] = (r1, c1, r2, c2)
    return out


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry timestamps so reruns produce the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def write_xls(book: Workbook, path: Path) -> None:
    """Legacy BIFF8 .xls through xlwt (no timestamps in the file)."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    cache: dict[tuple[str, str], xlwt.XFStyle] = {}

    def style(kind: str, fmt: str = "General", numeric: bool = False) -> xlwt.XFStyle:
        key = (kind, fmt if numeric else "text")
        if key not in cache:
            bold, italic, align, border, size = STYLES[kind]
            align = "right" if numeric and kind in {"item", "group", "total"} else align
            spec = (
                f"font: name Times New Roman, height {size * 20}, bold {'on' if bold else 'off'}, "
                f"italic {'on' if italic else 'off'}; align: horiz {align}, vert centre, wrap on"
            )
            if border:
                spec += "; borders: left thin, right thin, top thin, bottom thin"
            cache[key] = xlwt.easyxf(spec, num_format_str=fmt if numeric else "General")
        return cache[key]

    for sheet in book.sheets:
        ws = wb.add_sheet(sheet.name)
        for c, width in enumerate(sheet.widths):
            ws.col(c).width = int(256 * width)
        merged = _covered(sheet)
        for r, (kind, row) in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if isinstance(value, Formula):
                    raise ValueError("the .xls sample holds no formulas")
                numeric = isinstance(value, Decimal | int)
                st = style(kind, _number_format(value) if numeric else "General", numeric)
                cell = _plain(value) if isinstance(value, Decimal | int) else value
                if (r, c) in merged:
                    rng = merged[(r, c)]
                    if rng is not None:
                        r1, c1, r2, c2 = rng
                        ws.write_merge(r1, r2, c1, c2, cell, st)
                elif cell is not None or STYLES[kind][3]:
                    ws.write(r, c, cell, st)
    wb.save(str(path))


def write_xlsx(book: Workbook, path: Path) -> None:
    """.xlsx through openpyxl with fixed document properties and zip timestamps."""
    from openpyxl import Workbook as OpenpyxlWorkbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    wb = OpenpyxlWorkbook()
    wb.remove(wb.active)
    thin = Side(style="thin")
    for sheet in book.sheets:
        ws = wb.create_sheet(sheet.name)
        for c, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = width
        for r, (kind, row) in enumerate(sheet.rows, start=1):
            bold, italic, align, border, size = STYLES[kind]
            for c, value in enumerate(row, start=1):
                if value is None and not border:
                    continue
                cell = ws.cell(row=r, column=c)
                if isinstance(value, Formula):
                    cell.value = "=" + value.expr
                    cell.number_format = "#,##0"
                elif isinstance(value, Decimal | int):
                    cell.value = _plain(value)
                    cell.number_format = _number_format(value)
                elif value is not None:
                    cell.value = value
                numeric = isinstance(value, Decimal | int | Formula)
                cell.font = Font(name="Times New Roman", size=size, bold=bold, italic=italic)
                cell.alignment = Alignment(
                    horizontal="right" if numeric and kind in {"item", "group", "total"} else align,
                    vertical="center",
                    wrap_text=True,
                )
                if border:
                    cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        for r1, c1, r2, c2 in sheet.merges:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    props = wb.properties
    props.creator = "TTKC Bình Dương (dữ liệu minh họa)"
    props.lastModifiedBy = "TTKC Bình Dương (dữ liệu minh họa)"
    props.created = DOC_TIME
    props.modified = DOC_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    path.write_bytes(_normalise_zip(buffer.getvalue()))


def write_ods(book: Workbook, path: Path) -> None:
    """OpenDocument spreadsheet through odfpy; float cells carry their value, text shows Vietnamese grouping."""
    from odf.element import Element

    # odfpy keeps the namespaces it has seen in a class-level dict and declares all of them on every root
    # element, so output would depend on what else the process built; start from an empty dict and restore it.
    seen = dict(Element.namespaces)
    Element.namespaces.clear()
    try:
        _build_ods(book, path)
    finally:
        Element.namespaces.update(seen)


def _build_ods(book: Workbook, path: Path) -> None:
    from odf.number import Number, NumberStyle
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import (
        ParagraphProperties,
        Style,
        TableCellProperties,
        TableColumnProperties,
        TextProperties,
    )
    from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    data_style = NumberStyle(name="N0")
    data_style.addElement(Number(decimalplaces="0", minintegerdigits="1", grouping="true"))
    doc.automaticstyles.addElement(data_style)
    cell_styles: dict[tuple[str, bool], Style] = {}

    def cell_style(kind: str, numeric: bool) -> Style:
        key = (kind, numeric)
        if key not in cell_styles:
            bold, italic, align, border, size = STYLES[kind]
            attrs = {"name": f"ce{len(cell_styles) + 1}", "family": "table-cell"}
            if numeric:
                attrs["datastylename"] = "N0"
            st = Style(**attrs)
            props = {"verticalalign": "middle", "wrapoption": "wrap"}
            if border:
                props["border"] = "0.5pt solid #000000"
            st.addElement(TableCellProperties(**props))
            align = "end" if numeric and kind in {"item", "group", "total"} else align
            st.addElement(ParagraphProperties(textalign={"left": "start", "right": "end"}.get(align, align)))
            st.addElement(TextProperties(fontsize=f"{size}pt", fontweight="bold" if bold else "normal",
                                         fontstyle="italic" if italic else "normal"))
            doc.automaticstyles.addElement(st)
            cell_styles[key] = st
        return cell_styles[key]

    for s_index, sheet in enumerate(book.sheets):
        table = Table(name=sheet.name)
        for c, width in enumerate(sheet.widths):
            col_style = Style(name=f"co{s_index + 1}_{c + 1}", family="table-column")
            col_style.addElement(TableColumnProperties(columnwidth=f"{width * 0.19:.2f}cm"))
            doc.automaticstyles.addElement(col_style)
            table.addElement(TableColumn(stylename=col_style))
        merged = _covered(sheet)
        for r, (kind, row) in enumerate(sheet.rows):
            tr = TableRow()
            for c, value in enumerate(row):
                span = merged.get((r, c))
                if (r, c) in merged and span is None:
                    tr.addElement(CoveredTableCell())
                    continue
                spans: dict[str, str] = {}
                if span is not None:
                    r1, c1, r2, c2 = span
                    spans = {"numbercolumnsspanned": str(c2 - c1 + 1), "numberrowsspanned": str(r2 - r1 + 1)}
                if isinstance(value, Formula):
                    raise ValueError("the .ods sample holds no formulas")
                if isinstance(value, Decimal | int):
                    tc = TableCell(valuetype="float", value=str(_plain(value)),
                                   stylename=cell_style(kind, True), **spans)
                    tc.addElement(P(text=vn_number(Decimal(value))))
                elif value is not None:
                    tc = TableCell(valuetype="string", stylename=cell_style(kind, False), **spans)
                    tc.addElement(P(text=value))
                else:
                    tc = TableCell(stylename=cell_style(kind, False), **spans)
                tr.addElement(tc)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(_normalise_zip(buffer.getvalue()))


WRITERS: dict[str, Callable[[Workbook, Path], None]] = {".xls": write_xls, ".xlsx": write_xlsx, ".ods": write_ods}

# ----------------------------------------------------------------------------------------------------------
# Amount wording.


def vn_number(value: Decimal) -> str:
    """Vietnamese number text: dot between thousands, comma before decimals ("4.262,5")."""
    sign = "-" if value < 0 else ""
    text = f"{abs(value):f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + frac if frac else "")


def text_amount(rng: random.Random, trieu: Decimal) -> str:
    """An amount in triệu typed as text the way officers copy it from Word: units in the cell, mixed."""
    forms = ["triệu đồng", "triệu đồng", "triệu", "bare"]
    if trieu >= 1000 and trieu % 10 == 0:
        forms += ["tỷ đồng", "tỷ đồng", "tỷ"]
    if trieu < 100 and trieu == trieu.to_integral_value():
        forms.append("đồng")
    form = rng.choice(forms)
    if form in {"tỷ đồng", "tỷ"}:
        return f"{vn_number(trieu / 1000)} {form}"
    if form == "đồng":
        return f"{vn_number(trieu * 1_000_000)} đồng"
    if form == "bare":
        return vn_number(trieu)
    return f"{vn_number(trieu)} {form}"


def place(p: Project, style: str) -> str:
    """Address of a beneficiary as one officer writes it ('P. An Phú, TX. Thuận An', 'huyện Bàu Bàng', …)."""
    if not p.district:
        return ""
    abbr, full = DISTRICT_PREFIX[p.district]
    ward, ward_kind = p.ward
    if style == "abbr":
        return f"{abbr} {p.district}"
    if style == "full":
        return f"{full} {p.district}"
    if style == "Full":
        return f"{full.capitalize()} {p.district}"
    if style == "ward_abbr":
        return f"{WARD_ABBR[ward_kind]} {ward}, {abbr} {p.district}"
    if style == "ward_full":
        return f"{ward_kind} {ward}, {full} {p.district}"
    if style == "bare":
        return p.district
    raise ValueError(style)


def group_by_program(projects: Sequence[Project]) -> list[tuple[str, list[Project]]]:
    """Projects grouped in the 7-group order of the 2014–2020 plans (only programmes present)."""
    return [(prog, [p for p in projects if p.program == prog]) for prog in PROGRAM_ORDER
            if any(p.program == prog for p in projects)]


# Programme wording of the group rows, one set per officer.
LABELS_2015 = {
    "demonstration": "Chương trình hỗ trợ xây dựng mô hình trình diễn kỹ thuật, chuyển giao công nghệ, "
                     "ứng dụng máy móc tiên tiến",
    "management": "Chương trình nâng cao năng lực quản lý doanh nghiệp",
    "products": "Chương trình phát triển sản phẩm công nghiệp nông thôn tiêu biểu",
    "consulting": "Chương trình tư vấn, trợ giúp cơ sở công nghiệp nông thôn",
    "information": "Chương trình thông tin tuyên truyền",
    "cooperation": "Chương trình hỗ trợ liên doanh liên kết, hợp tác kinh tế",
    "capacity": "Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công",
}
LABELS_2016 = {
    "demonstration": "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ",
    "management": "Nâng cao năng lực quản lý doanh nghiệp, khởi sự doanh nghiệp",
    "products": "Phát triển sản phẩm CNNT tiêu biểu",
    "consulting": "Tư vấn, trợ giúp cơ sở CNNT",
    "information": "Cung cấp thông tin, tuyên truyền",
    "cooperation": "Liên doanh liên kết, hợp tác kinh tế, di dời cơ sở gây ô nhiễm",
    "capacity": "Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công",
}
# The 2017 plan uses the wording of the published allocation (review meeting of 24/02/2017).
LABELS_2017 = {
    "demonstration": "Chương trình hỗ trợ xây dựng mô hình trình diễn kỹ thuật; chuyển giao công nghệ và ứng "
                     "dụng máy móc tiên tiến",
    "management": "Chương trình nâng cao năng lực quản lý (hỗ trợ đào tạo, khởi sự doanh nghiệp)",
    "products": "Chương trình phát triển sản phẩm công nghiệp nông thôn tiêu biểu",
    "consulting": "Chương trình tư vấn trợ giúp các cơ sở công nghiệp nông thôn",
    "information": "Chương trình cung cấp thông tin về các chính sách phát triển công nghiệp, khuyến công",
    "cooperation": "Hỗ trợ liên doanh liên kết, hợp tác kinh tế, phát triển các cụm công nghiệp và di dời cơ sở "
                   "gây ô nhiễm môi trường",
    "capacity": "Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công",
}
LABELS_2017_ACTUAL = {
    "demonstration": "Mô hình trình diễn kỹ thuật, chuyển giao công nghệ, ứng dụng máy móc thiết bị tiên tiến",
    "management": "Nâng cao năng lực quản lý doanh nghiệp",
    "products": "Phát triển sản phẩm công nghiệp nông thôn tiêu biểu",
    "consulting": "Tư vấn, trợ giúp cơ sở công nghiệp nông thôn",
    "information": "Thông tin tuyên truyền về chính sách khuyến công",
    "cooperation": "Liên doanh, liên kết, hợp tác kinh tế",
    "capacity": "Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công",
}
LABELS_2018 = {
    "demonstration": "Hỗ trợ xây dựng mô hình trình diễn kỹ thuật, ứng dụng máy móc thiết bị tiên tiến",
    "management": "Nâng cao năng lực quản lý doanh nghiệp, áp dụng sản xuất sạch hơn",
    "products": "Phát triển sản phẩm CNNT tiêu biểu; hội chợ, triển lãm",
    "consulting": "Tư vấn, trợ giúp cơ sở CNNT",
    "information": "Thông tin, tuyên truyền về chính sách khuyến công",
    "cooperation": "Liên doanh, liên kết, hợp tác kinh tế và di dời cơ sở gây ô nhiễm môi trường",
    "capacity": "Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công",
}

# ----------------------------------------------------------------------------------------------------------
# Layout helpers shared by the five files.


def title_block(
    sheet: Sheet,
    split: int,
    left: Sequence[str],
    right: Sequence[str],
    date_line: str,
    heading: Sequence[str],
    attached: str,
    unit: str | None,
    unit_left: bool = False,
) -> None:
    """Organisation lines left, national motto and place-date right, then PHỤ LỤC, title, attachment, unit."""
    last = sheet.ncols - 1
    for i in range(max(len(left), len(right))):
        lt = left[i] if i < len(left) else None
        rt = right[i] if i < len(right) else None
        r = sheet.add("org", [lt, *[None] * (split - 1), rt])
        sheet.merge(r, 0, r, split - 1)
        sheet.merge(r, split, r, last)
    sheet.line("date", date_line, split, last)
    for text in heading:
        sheet.line("title", text)
    sheet.line("subtitle", attached)
    if unit is None:
        return
    if unit_left:
        sheet.line("unit_left", unit, 0, 2)
    else:
        sheet.line("unit", unit, last - 2, last)


def _signature_rows(block: Sequence[str], n_titles: int) -> list[str]:
    """Pad a signature block (titles…, '(Đã ký)', name) to n_titles title lines and a gap before the name."""
    if not block:
        return [""] * (n_titles + 3)
    titles, signed, name = list(block[:-2]), block[-2], block[-1]
    return [*titles, *[""] * (n_titles - len(titles)), signed, "", name]


def notes_and_signatures(
    sheet: Sheet, notes: Sequence[str], left: Sequence[str], right: Sequence[str], split: int
) -> None:
    """'Ghi chú' lines (the illustrative marker among them) and signature blocks below the table.

    A block is (title lines…, "(Đã ký)", name); the left block (NGƯỜI LẬP BIỂU) may be empty.
    """
    sheet.add("blank")
    for text in notes:
        sheet.line("note_italic" if text.startswith("Dữ liệu minh họa") else "note", text)
    sheet.add("blank")
    n_titles = max(len(left), len(right)) - 2
    for lt, rt in zip(_signature_rows(left, n_titles), _signature_rows(right, n_titles), strict=True):
        kind = "signnote" if "(Đã ký)" in (lt, rt) else "sign"
        r = sheet.add(kind, [lt or None, *[None] * (split - 1), rt or None])
        sheet.merge(r, 0, r, split - 1)
        sheet.merge(r, split, r, sheet.ncols - 1)


ORG_TTKC = (
    "UBND TỈNH BÌNH DƯƠNG",
    "SỞ CÔNG THƯƠNG",
    "TRUNG TÂM KHUYẾN CÔNG VÀ TƯ VẤN PHÁT TRIỂN CÔNG NGHIỆP",
)
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def _sums(projects: Sequence[Project]) -> tuple[Decimal, Decimal, Decimal]:
    return _total(projects, KCQG), _total(projects, KCDP), _total(projects, attr="counterpart")


def _blank_if_zero(value: Decimal | int) -> Decimal | int | None:
    return value if value else None


# ----------------------------------------------------------------------------------------------------------
# The five workbooks.


def book_2015(rng: random.Random, projects: list[Project]) -> Workbook:
    """2015 actual, legacy .xls in đồng, two-row merged header, TỔNG CỘNG on top, continuous numbering."""
    sheet = Sheet("TH 2015", [6, 48, 30, 30, 16, 15, 15, 16, 14])
    title_block(
        sheet, 4, ORG_TTKC, MOTTO, "Bình Dương, ngày 15 tháng 01 năm 2016",
        ["PHỤ LỤC", "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG THỰC HIỆN NĂM 2015 TỈNH BÌNH DƯƠNG"],
        "(Kèm theo Báo cáo số 08/BC-TTKC ngày 15 tháng 01 năm 2016 của Trung tâm Khuyến công và Tư vấn phát "
        "triển công nghiệp)",
        "Đơn vị tính: đồng",
    )
    h1 = sheet.add("header", ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Địa điểm", "Kinh phí", None, None, None,
                              "Ghi chú"])
    sheet.add("header", [None, None, None, None, "Tổng", "KCQG", "KCĐP", "Đối ứng", None])
    for c in (0, 1, 2, 3, 8):
        sheet.merge(h1, c, h1 + 1, c)
    sheet.merge(h1, 4, h1, 7)
    sheet.add("colno", ["(1)", "(2)", "(3)", "(4)", "(5)=(6)+(7)+(8)", "(6)", "(7)", "(8)", "(9)"])

    def dong(x: Decimal) -> int:
        return int(x * 1_000_000)

    def amounts(items: Sequence[Project]) -> list[Value]:
        qg, dp, cp = _sums(items)
        return [dong(qg + dp + cp), _blank_if_zero(dong(qg)), _blank_if_zero(dong(dp)), _blank_if_zero(dong(cp))]

    sheet.add("total", [None, "TỔNG CỘNG", None, None, *amounts(projects), None])
    number = 0
    styles = ("ward_abbr", "ward_abbr", "abbr")
    for g, (prog, items) in enumerate(group_by_program(projects)):
        sheet.add("group", [ROMAN[g], LABELS_2015[prog], None, None, *amounts(items), None])
        for p in items:
            number += 1
            where = place(p, rng.choice(styles)) if p.district else "Toàn tỉnh"
            sheet.add("item", [number, p.title, p.beneficiary or None, where, *amounts([p]), None])
    notes_and_signatures(
        sheet,
        [
            "Ghi chú:",
            "- Cột (5) Tổng = KCQG + KCĐP + Đối ứng.",
            "- Các đề án nhóm (đào tạo, thông tin tuyên truyền, nâng cao năng lực) không có đơn vị thụ hưởng và "
            "vốn đối ứng.",
            ILLUSTRATIVE_NOTE,
        ],
        ["NGƯỜI LẬP BIỂU", "(Đã ký)", "Lê Thị Minh Họa"],
        ["GIÁM ĐỐC", "(Đã ký)", "Trần Văn Mẫu"],
        4,
    )
    return Workbook("TH_khuyen_cong_2015_BD.xls", (sheet,))


def book_2016(rng: random.Random, projects: list[Project]) -> Workbook:
    """2016 actual, .xlsx in triệu, single header with 'Nguồn vốn', A/B source groups, total at the bottom."""
    sheet = Sheet("Thực hiện 2016", [6, 50, 32, 24, 10, 14, 14, 16])
    title_block(
        sheet, 3, ORG_TTKC, MOTTO, "Thủ Dầu Một, ngày 20 tháng 01 năm 2017",
        ["PHỤ LỤC 01", "KẾT QUẢ THỰC HIỆN CÁC ĐỀ ÁN KHUYẾN CÔNG NĂM 2016 CỦA TỈNH BÌNH DƯƠNG"],
        "(Kèm theo Báo cáo số 12/BC-TTKC ngày 20/01/2017 của Trung tâm Khuyến công và Tư vấn phát triển công "
        "nghiệp Bình Dương)",
        "ĐVT: triệu đồng",
    )
    sheet.add("header", ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Địa điểm thực hiện", "Nguồn vốn",
                         "Kinh phí hỗ trợ", "Vốn đối ứng", "Ghi chú"])
    styles = ("abbr", "abbr", "full", "bare")
    di_an_done = False
    for letter, source, label in (("A", KCQG, "KHUYẾN CÔNG QUỐC GIA"), ("B", KCDP, "KHUYẾN CÔNG ĐỊA PHƯƠNG")):
        block = [p for p in projects if p.source == source]
        sheet.add("group", [letter, label, None, None, None, _total(block),
                            _blank_if_zero(_total(block, attr="counterpart")), None])
        for g, (prog, items) in enumerate(group_by_program(block)):
            sheet.add("group", [ROMAN[g], LABELS_2016[prog], None, None, None, _total(items),
                                _blank_if_zero(_total(items, attr="counterpart")), None])
            for k, p in enumerate(items, start=1):
                if p.district == "Dĩ An" and not di_an_done:
                    where, di_an_done = "Di An", True
                else:
                    where = place(p, rng.choice(styles))
                note = "Đề án nhóm" if p.is_group else "Đã nghiệm thu"
                sheet.add("item", [k, p.title, p.beneficiary or None, where or None, source, p.support,
                                   _blank_if_zero(p.counterpart), note])
    sheet.add("total", [None, "TỔNG CỘNG (A+B)", None, None, None, _total(projects),
                        _total(projects, attr="counterpart"), None])
    if not di_an_done:
        raise ValueError("the 2016 sample should have a beneficiary in Dĩ An (written 'Di An')")
    notes_and_signatures(
        sheet,
        [
            "Ghi chú: Kinh phí thực hiện cao hơn năm 2015 là 300 triệu đồng; kinh phí KCQG theo hợp đồng đã ký "
            "với Cục Công Thương địa phương.",
            ILLUSTRATIVE_NOTE,
        ],
        ["NGƯỜI LẬP BIỂU", "(Đã ký)", "Nguyễn Thị Mẫu Thử"],
        ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "(Đã ký)", "Phạm Văn Giả Định"],
        3,
    )
    return Workbook("BD_KC_thuc_hien_2016.xlsx", (sheet,))


DURATIONS_2017 = ("Tháng 4 - 10/2017", "Quý II - III/2017", "Tháng 5 - 11/2017", "Quý III - IV/2017")


def book_2017_plan(rng: random.Random, projects: list[Project]) -> Workbook:
    """2017 plan: 'Tổng hợp' (allocation by programme) and the project list with a formula total on top."""
    org = ("UBND TỈNH BÌNH DƯƠNG", "SỞ CÔNG THƯƠNG")
    attached = ("(Kèm theo Quyết định số 156/QĐ-SCT ngày 10 tháng 3 năm 2017 của Sở Công Thương tỉnh "
                "Bình Dương)")
    summary = Sheet("Tổng hợp", [6, 70, 12, 18, 16])
    title_block(
        summary, 2, org, MOTTO, "Bình Dương, ngày 10 tháng 3 năm 2017",
        ["PHỤ LỤC I", "TỔNG HỢP KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG NĂM 2017 TỈNH BÌNH DƯƠNG"],
        attached, None,  # the unit is in the header of this sheet
    )
    summary.add("header", ["STT", "Nội dung", "Số đề án", "Kinh phí (triệu đồng)", "Ghi chú"])
    groups = group_by_program(projects)
    for k, (prog, items) in enumerate(groups, start=1):
        summary.add("item", [k, LABELS_2017[prog], len(items), _total(items), None])
    summary.add("total", [None, "Tổng cộng", len(projects), _total(projects), None])
    notes_and_signatures(
        summary, ["Ghi chú: Chi tiết các đề án tại Phụ lục II.", ILLUSTRATIVE_NOTE], [],
        ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "(Đã ký)", "Võ Văn Minh Họa"], 2,
    )

    detail = Sheet("Danh mục đề án", [6, 50, 32, 26, 16, 13, 12, 12, 13, 14])
    title_block(
        detail, 4, org, MOTTO, "Bình Dương, ngày 10 tháng 3 năm 2017",
        ["PHỤ LỤC II", "DANH MỤC ĐỀ ÁN KẾ HOẠCH KHUYẾN CÔNG NĂM 2017 TỈNH BÌNH DƯƠNG"],
        attached, "ĐVT: triệu đồng",
    )
    h1 = detail.add("header", ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Địa điểm", "Thời gian thực hiện",
                               "Tổng vốn", "Kinh phí khuyến công", None, "Vốn đối ứng", "Ghi chú"])
    detail.add("header", [None, None, None, None, None, None, "KCQG", "KCĐP", None, None])
    for c in (0, 1, 2, 3, 4, 5, 8, 9):
        detail.merge(h1, c, h1 + 1, c)
    detail.merge(h1, 6, h1, 7)
    total_row = detail.add("total")
    subtotal_rows: list[int] = []
    styles = ("full", "full", "ward_full")
    number = 0
    for g, (prog, items) in enumerate(groups):
        qg, dp, cp = _sums(items)
        subtotal_rows.append(detail.add("group", [ROMAN[g], LABELS_2017[prog], None, None, None, qg + dp + cp,
                                                  _blank_if_zero(qg), _blank_if_zero(dp), _blank_if_zero(cp),
                                                  None]))
        for p in items:
            number += 1
            when = "Năm 2017" if p.is_group else rng.choice(DURATIONS_2017)
            detail.add("item", [number, p.title, p.beneficiary or None,
                                place(p, rng.choice(styles)) or "Các huyện, thị xã, thành phố", when,
                                p.support + p.counterpart,
                                p.support if p.source == KCQG else None,
                                p.support if p.source == KCDP else None,
                                _blank_if_zero(p.counterpart),
                                "Đề án KCQG" if p.source == KCQG else None])
    formulas: list[Value] = [
        Formula("+".join(f"{col}{r + 1}" for r in subtotal_rows)) for col in ("F", "G", "H", "I")
    ]
    detail.set(total_row, [None, "TỔNG CỘNG", None, None, None, *formulas, None])
    notes_and_signatures(
        detail,
        ["Ghi chú: Đề án KCQG thực hiện khi được Bộ Công Thương phê duyệt; tổng vốn gồm kinh phí khuyến công và "
         "vốn đối ứng của cơ sở.", ILLUSTRATIVE_NOTE],
        [],
        ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "(Đã ký)", "Võ Văn Minh Họa"],
        4,
    )
    return Workbook("Ke hoach KC 2017 - Binh Duong.xlsx", (summary, detail))


def book_2017_actual(rng: random.Random, projects: list[Project], dropped: Project) -> Workbook:
    """2017 actual with every amount typed as text (units in cells, mixed), Roman numeral in the label."""
    sheet = Sheet("Sheet1", [6, 50, 32, 34, 18, 18, 18, 18])
    title_block(
        sheet, 3, ("SỞ CÔNG THƯƠNG BÌNH DƯƠNG", "TRUNG TÂM KHUYẾN CÔNG VÀ TƯ VẤN PHÁT TRIỂN CÔNG NGHIỆP"),
        MOTTO, "Bình Dương, ngày 12 tháng 01 năm 2018",
        ["PHỤ LỤC", "BÁO CÁO KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG NĂM 2017 - TỈNH BÌNH DƯƠNG"],
        "(Kèm theo Báo cáo số 05/BC-TTKC ngày 12 tháng 01 năm 2018 của Trung tâm Khuyến công và Tư vấn phát "
        "triển công nghiệp)",
        "ĐVT: triệu đồng",
    )
    sheet.add("header", ["STT", "Tên đề án", "Cơ sở thụ hưởng", "Địa chỉ", "Kinh phí KCQG", "Kinh phí KCĐP",
                         "Vốn đối ứng", "Kết quả thực hiện"])

    def text(x: Decimal) -> str:
        return text_amount(rng, x) if x else "-"

    styles = ("ward_abbr", "ward_full", "abbr")
    number = 0
    for g, (prog, items) in enumerate(group_by_program(projects)):
        qg, dp, cp = _sums(items)
        sheet.add("group", [None, f"{ROMAN[g]}. {LABELS_2017_ACTUAL[prog]}", None, None, text(qg), text(dp),
                            text(cp), None])
        for p in items:
            number += 1
            qg, dp, cp = _sums([p])
            sheet.add("item", [str(number), p.title, p.beneficiary or None, place(p, rng.choice(styles)) or None,
                               text(qg), text(dp), text(cp), "Đã nghiệm thu"])
    qg, dp, cp = _sums(projects)
    sheet.add("total", [None, "Cộng", None, None, text(qg), text(dp), text(cp), None])
    notes_and_signatures(
        sheet,
        [
            "Ghi chú:",
            f"- Đề án \"{dropped.title}\" của {dropped.beneficiary} không thực hiện do cơ sở xin rút.",
            "- Kinh phí theo biên bản nghiệm thu, thanh lý hợp đồng.",
            ILLUSTRATIVE_NOTE_INVENTED,
        ],
        [],
        ["GIÁM ĐỐC", "(Đã ký)", "Đặng Văn Giả Định"],
        3,
    )
    return Workbook("Bao cao ket qua KC (ban sua cuoi).xlsx", (sheet, Sheet("Sheet2", [10])))


def book_2018_plan(rng: random.Random, projects: list[Project]) -> Workbook:
    """2018 plan, .ods in nghìn đồng, 'Trong đó' over KCĐP | KCQG | đối ứng, total at the bottom."""
    sheet = Sheet("KH2018", [6, 50, 32, 30, 16, 16, 16, 16, 14])
    title_block(
        sheet, 4, ORG_TTKC, MOTTO, "Bình Dương, ngày 05 tháng 12 năm 2017",
        ["PHỤ LỤC", "DỰ KIẾN DANH MỤC ĐỀ ÁN KHUYẾN CÔNG NĂM 2018 CỦA TỈNH BÌNH DƯƠNG"],
        "(Kèm theo Tờ trình số 28/TTr-TTKC ngày 05 tháng 12 năm 2017 của Trung tâm Khuyến công và Tư vấn phát "
        "triển công nghiệp)",
        "Đơn vị tính: nghìn đồng",
        unit_left=True,
    )
    h1 = sheet.add("header", ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Địa điểm", "Tổng kinh phí", "Trong đó",
                              None, None, "Ghi chú"])
    sheet.add("header", [None, None, None, None, None, "Ngân sách tỉnh (KCĐP)", "KCQG", "Vốn đối ứng", None])
    for c in (0, 1, 2, 3, 4, 8):
        sheet.merge(h1, c, h1 + 1, c)
    sheet.merge(h1, 5, h1, 7)

    def nghin(x: Decimal) -> int:
        return int(x * 1000)

    def amounts(items: Sequence[Project]) -> list[Value]:
        qg, dp, cp = _sums(items)
        return [nghin(qg + dp + cp), _blank_if_zero(nghin(dp)), _blank_if_zero(nghin(qg)),
                _blank_if_zero(nghin(cp))]

    styles = ("ward_abbr", "Full")
    for g, (prog, items) in enumerate(group_by_program(projects)):
        sheet.add("group", [ROMAN[g], LABELS_2018[prog], None, None, *amounts(items), None])
        for k, p in enumerate(items, start=1):
            note = "Trình Bộ Công Thương" if p.source == KCQG else None
            sheet.add("item", [k, p.title, p.beneficiary or None, place(p, rng.choice(styles)) or None,
                               *amounts([p]), note])
    sheet.add("total", [None, "TỔNG CỘNG", None, None, *amounts(projects), None])
    notes_and_signatures(
        sheet,
        ["Ghi chú: Đề án KCQG trình Bộ Công Thương xem xét, phê duyệt; mức hỗ trợ áp dụng theo quy định tại thời "
         "điểm phê duyệt.",
         ILLUSTRATIVE_NOTE_INVENTED],
        ["NGƯỜI LẬP BIỂU", "(Đã ký)", "Lê Thị Minh Họa"],
        ["GIÁM ĐỐC", "(Đã ký)", "Trần Văn Mẫu"],
        4,
    )
    return Workbook("KH khuyen cong 2018 (du kien).ods", (sheet,))


# ----------------------------------------------------------------------------------------------------------


def build_projects(rng: random.Random) -> tuple[dict[str, list[Project]], Project]:
    """All years' projects, validated and checked against the published figures."""
    names = _Names()
    years = {
        "2015": build_year(rng, YEAR_2015, names),
        "2016": build_year(rng, YEAR_2016, names),
        "2017_plan": build_year(rng, YEAR_2017_PLAN, names),
    }
    years["2017_actual"], dropped = derive_actual(rng, years["2017_plan"])
    years["2018_plan"] = build_year(rng, YEAR_2018_PLAN, names)
    for key, projects in years.items():
        validate_projects(projects, int(key[:4]))
    check_calibration(years)
    return years, dropped


def build_workbooks() -> list[Workbook]:
    """The five sample workbooks, drawn from one fixed seed."""
    rng = random.Random(SEED)
    years, dropped = build_projects(rng)
    return [
        book_2015(rng, years["2015"]),
        book_2016(rng, years["2016"]),
        book_2017_plan(rng, years["2017_plan"]),
        book_2017_actual(rng, years["2017_actual"], dropped),
        book_2018_plan(rng, years["2018_plan"]),
    ]


def default_out_dir() -> Path:
    """data/raw/samples/binh_duong under the configured raw folder."""
    from analysis.config import RAW_DIR, SAMPLES_FOLDER

    return RAW_DIR / SAMPLES_FOLDER / "binh_duong"


def generate(out_dir: Path) -> list[Path]:
    """Write the five sample workbooks into `out_dir` and return their paths (same bytes on every run)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for book in build_workbooks():
        path = out_dir / book.filename
        WRITERS[path.suffix](book, path)
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python tools/make_samples.py [out_dir]``."""
    parser = argparse.ArgumentParser(description="Write the illustrative Bình Dương sample workbooks.")
    parser.add_argument("out_dir", nargs="?", type=Path, default=None,
                        help="folder to write into (default: data/raw/samples/binh_duong)")
    args = parser.parse_args(argv)
    for path in generate(args.out_dir or default_out_dir()):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
