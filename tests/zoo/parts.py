"""Independent parts the layout zoo composes: wordings, title blocks, units, headers, numbering, amounts.

Why: the reader was tuned on fixtures written together with it. These parts are written from the domain
(docs, real export templates of Sở Công Thương systems, public plans) and draw wordings both from the synonyms
in ``src/analysis/vocab/`` and from synonyms that are deliberately *not* there (kept here, never in src/), so a
layout the reader was never shown can be judged against what a careful analyst would assign.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from typing import Any

TRIEU = 1_000_000

# ----------------------------------------------------------------------------------------- wordings

# Stage wordings of a title, with (stage, phase) a careful analyst assigns. Phase follows issue 13:
# proposed / approved / adjusted / estimated / executed / disbursed / settled, "" when the word sets none.
PLAN_TITLE_WORDS: tuple[tuple[str, str, str | None], ...] = (
    ("KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG", "plan", ""),
    ("DỰ KIẾN PHÂN BỔ KINH PHÍ KHUYẾN CÔNG", "plan", None),  # proposed or approved: phase not compared
    ("DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐƯỢC PHÊ DUYỆT", "plan", "approved"),
    ("DỰ TOÁN KINH PHÍ KHUYẾN CÔNG", "plan", "approved"),
    ("DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỀ XUẤT", "plan", "proposed"),
    ("KẾ HOẠCH ĐIỀU CHỈNH KINH PHÍ KHUYẾN CÔNG", "plan", "adjusted"),
)
ACTUAL_TITLE_WORDS: tuple[tuple[str, str, str | None], ...] = (
    ("KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG", "actual", "executed"),
    ("TÌNH HÌNH THỰC HIỆN KINH PHÍ KHUYẾN CÔNG", "actual", "executed"),
    ("ƯỚC THỰC HIỆN KINH PHÍ KHUYẾN CÔNG", "actual", "estimated"),
    ("QUYẾT TOÁN KINH PHÍ KHUYẾN CÔNG", "actual", "settled"),
    ("TỔNG HỢP GIẢI NGÂN KINH PHÍ KHUYẾN CÔNG", "actual", "disbursed"),
    ("DANH SÁCH ĐỀ ÁN KHUYẾN CÔNG ĐÃ NGHIỆM THU", "actual", "settled"),
)
NEUTRAL_TITLES: tuple[str, ...] = (
    "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG",
    "TỔNG HỢP ĐỀ ÁN KHUYẾN CÔNG",
    "BẢNG TỔNG HỢP KINH PHÍ KHUYẾN CÔNG",
    "DANH SÁCH CÁC ĐỀ ÁN KHUYẾN CÔNG",
)
# A decision-reference line in brackets under a neutral title: the only place the stage is said.
REF_LINES: tuple[tuple[str, str, str], ...] = (
    ("(Kèm theo Quyết định số {n}/QĐ-SCT ngày {d} của Sở Công Thương về việc phê duyệt kế hoạch khuyến công)",
     "plan", "approved"),
    ("(Ban hành kèm theo Quyết định số {n}/QĐ-UBND ngày {d} về giao dự toán kinh phí khuyến công)",
     "plan", "approved"),
    ("(Kèm theo Báo cáo số {n}/BC-TTKC ngày {d} về kết quả thực hiện chương trình khuyến công)",
     "actual", "executed"),
    ("(Kèm theo Tờ trình số {n}/TTr-SCT ngày {d} đề nghị quyết toán kinh phí khuyến công)",
     "actual", "settled"),
)
# Sheet names and file stems that alone carry the stage.
SHEET_STAGE: tuple[tuple[str, str, str], ...] = (
    ("Kế hoạch", "plan", ""),
    ("KH {y}", "plan", ""),
    ("Thực hiện", "actual", "executed"),
    ("Quyết toán {y}", "actual", "settled"),
    ("Giải ngân", "actual", "disbursed"),
)
FILE_STAGE: tuple[tuple[str, str, str], ...] = (
    ("Ke hoach khuyen cong", "plan", ""),
    ("Kế hoạch KC", "plan", ""),
    ("Phe duyet de an KC", "plan", "approved"),
    ("Thuc hien khuyen cong", "actual", "executed"),
    ("Quyết toán khuyến công", "actual", "settled"),
)

PROVINCES: tuple[str, ...] = (
    "Quảng Nam", "Nghệ An", "Thái Bình", "Đồng Tháp", "Hà Tĩnh", "Lâm Đồng", "Phú Thọ", "Bắc Giang",
    "Tây Ninh", "Bình Dương", "Vĩnh Long", "Thanh Hóa",
)
FOLDED_PROVINCE = {
    "Quảng Nam": "Quang Nam", "Nghệ An": "Nghe An", "Thái Bình": "Thai Binh", "Đồng Tháp": "Dong Thap",
    "Hà Tĩnh": "Ha Tinh", "Lâm Đồng": "Lam Dong", "Phú Thọ": "Phu Tho", "Bắc Giang": "Bac Giang",
    "Tây Ninh": "Tay Ninh", "Bình Dương": "Binh Duong", "Vĩnh Long": "Vinh Long", "Thanh Hóa": "Thanh Hoa",
}

# Provinces (after 2025) that are centrally-run cities: 'UBND THÀNH PHỐ …', not 'UBND TỈNH …'.
CITIES = frozenset({"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"})


def province_word(province: str) -> str:
    """'TỈNH' or 'THÀNH PHỐ' before a province's name in an agency line or a title (every zoo province is a
    tỉnh; the benchmark corpus draws from all 34)."""
    return "THÀNH PHỐ" if province in CITIES else "TỈNH"


def folded_province(province: str) -> str:
    """The province's name typed without diacritics ('Đắk Lắk' → 'Dak Lak'), as in file names."""
    if province in FOLDED_PROVINCE:
        return FOLDED_PROVINCE[province]
    text = province.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


# Programme lines: (code, wordings in or near vocab/, wordings not in vocab/ an analyst maps without doubt).
PROGRAM_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "training": (
        ("Đào tạo nghề, truyền nghề", "Chương trình đào tạo nghề, truyền nghề", "Dạy nghề, nhân cấy nghề mới"),
        ("Truyền dạy nghề thủ công cho lao động nông thôn", "Bồi dưỡng tay nghề, truyền nghề thủ công"),
    ),
    "management": (
        ("Nâng cao năng lực quản lý doanh nghiệp", "Hội thảo, tập huấn nâng cao năng lực quản lý doanh nghiệp",
         "Khởi sự doanh nghiệp"),
        ("Bồi dưỡng kiến thức quản trị doanh nghiệp, khởi sự kinh doanh",),
    ),
    "demonstration": (
        ("Xây dựng mô hình trình diễn kỹ thuật", "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến",
         "Chuyển giao công nghệ, ứng dụng máy móc tiên tiến vào sản xuất"),
        ("Hỗ trợ đầu tư dây chuyền, thiết bị hiện đại vào sản xuất", "Mô hình trình diễn kỹ thuật sản xuất"),
    ),
    "products": (
        ("Phát triển sản phẩm công nghiệp nông thôn tiêu biểu", "Bình chọn sản phẩm CNNT tiêu biểu",
         "Hội chợ, triển lãm"),
        ("Tổ chức, tham gia hội chợ và bình chọn sản phẩm tiêu biểu",
         "Hỗ trợ xây dựng nhãn hiệu, phòng trưng bày sản phẩm"),
    ),
    "consulting": (
        ("Tư vấn, trợ giúp cơ sở công nghiệp nông thôn", "Tư vấn trợ giúp"),
        ("Hỗ trợ tư vấn lập dự án, thiết kế mẫu mã bao bì",),
    ),
    "information": (
        ("Thông tin tuyên truyền", "Cung cấp thông tin, tuyên truyền về khuyến công"),
        ("Xây dựng chuyên mục khuyến công trên sóng phát thanh, truyền hình", "Phát hành bản tin, ấn phẩm khuyến công"),
    ),
    "cooperation": (
        ("Liên doanh, liên kết, hợp tác kinh tế", "Hỗ trợ phát triển cụm công nghiệp"),
        ("Hỗ trợ liên kết sản xuất, hình thành cụm liên kết ngành",),
    ),
    "capacity": (
        ("Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công",),
        ("Nâng cao năng lực cho cán bộ khuyến công và cộng tác viên khuyến công",),
    ),
}
GROUP_PREFIX = ("", "Chương trình ", "Nhóm ")

# Project titles that name their programme without doubt.
PROJECT_TITLES: dict[str, tuple[str, ...]] = {
    "training": ("Đào tạo nghề mây tre đan", "Truyền nghề dệt thổ cẩm", "Đào tạo nghề thêu ren xuất khẩu",
                 "Đào tạo nghề may công nghiệp"),
    "management": ("Hội thảo nâng cao năng lực quản lý doanh nghiệp", "Tập huấn khởi sự doanh nghiệp",
                   "Nâng cao năng lực quản lý doanh nghiệp cho cơ sở CNNT"),
    "demonstration": ("Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất chè",
                      "Ứng dụng máy móc tiên tiến vào chế biến gỗ", "Xây dựng mô hình trình diễn kỹ thuật sấy nông sản",
                      "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất gạch không nung",
                      "Chuyển giao công nghệ chế biến hạt điều"),
    "products": ("Tổ chức hội chợ hàng công nghiệp nông thôn", "Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu",
                 "Hỗ trợ tham gia hội chợ triển lãm khu vực", "Xây dựng phòng trưng bày giới thiệu sản phẩm"),
    "consulting": ("Tư vấn lập dự án đầu tư cho cơ sở CNNT", "Tư vấn thiết kế mẫu mã bao bì sản phẩm"),
    "information": ("Xây dựng chương trình truyền hình về khuyến công", "Phát hành bản tin khuyến công",
                    "Thông tin tuyên truyền về chính sách khuyến công"),
    "cooperation": ("Hỗ trợ lập quy hoạch chi tiết cụm công nghiệp", "Hỗ trợ hợp tác liên kết sản xuất gốm"),
    "capacity": ("Nâng cao năng lực cho cán bộ khuyến công", "Tập huấn nghiệp vụ cho cộng tác viên khuyến công"),
}
BENEFICIARIES: tuple[str, ...] = (
    "Công ty TNHH Minh Phát", "HTX Mây tre đan Phú Mỹ", "Cơ sở sản xuất Tân Tiến", "Công ty CP Chế biến Hưng Long",
    "Hộ kinh doanh Ngọc Lan", "Công ty TNHH MTV Đại Thành", "HTX Dệt Hòa An", "Cơ sở Gốm Thanh Hà",
    "Doanh nghiệp tư nhân Kim Hoa", "Công ty TNHH Sản xuất Trường Sơn", "Cơ sở mộc Đức Tín", "HTX Chè Tân Cương",
)
# Places that name no province (the province of a layout is stated, or not, by its title block and names only).
PLACES: tuple[str, ...] = (
    "Xã Hòa Bình", "Xã Tân Thành", "Thị trấn huyện lỵ", "Xã Đông Hưng", "Cụm công nghiệp số 1", "Toàn tỉnh",
    "Các huyện, thị xã", "Xã Minh Tân",
)

# Source wordings: (header or row wording, funding_source, in vocab/?)
NATIONAL_WORDS = (("KCQG", True), ("Kinh phí KCQG", True), ("Ngân sách Trung ương", True), ("NSTW", True),
                  ("TW", False), ("Vốn KCQG", False), ("Nguồn khuyến công quốc gia", False),
                  ("Ngân sách TW", False), ("Kinh phí Trung ương hỗ trợ", False))
LOCAL_WORDS = (("KCĐP", True), ("Kinh phí KCĐP", True), ("Ngân sách tỉnh", True), ("NSĐP", True),
               ("ĐP", False), ("Vốn KCĐP", False), ("Nguồn khuyến công địa phương", False),
               ("Ngân sách địa phương", True), ("NS tỉnh", False))
COUNTERPART_WORDS = (("Vốn đối ứng", True), ("Đối ứng", True), ("Kinh phí đối ứng", True),
                     ("DN đối ứng", False), ("Doanh nghiệp đối ứng", False), ("Đơn vị đối ứng", False),
                     ("Vốn đối ứng của cơ sở", False), ("Kinh phí doanh nghiệp đối ứng", False))
SOURCE_WORDS = {"national": NATIONAL_WORDS, "local": LOCAL_WORDS, "counterpart": COUNTERPART_WORDS}
# Short source wordings in a per-row 'Nguồn vốn' column of a project list.
ROW_SOURCE_CELLS = {
    "national": ("KCQG", "TW", "NSTW", "Trung ương", "Khuyến công quốc gia"),
    "local": ("KCĐP", "ĐP", "NSĐP", "Ngân sách tỉnh", "Địa phương", "Khuyến công địa phương"),
}
# Row labels of a summary by funding source.
SOURCE_ROW_WORDS = {
    "national": ("Khuyến công quốc gia", "Kinh phí KCQG", "Ngân sách Trung ương (KCQG)", "Nguồn TW"),
    "local": ("Khuyến công địa phương", "Kinh phí KCĐP", "Ngân sách tỉnh (KCĐP)", "Nguồn ĐP"),
    "counterpart": ("Vốn đối ứng", "Doanh nghiệp đối ứng", "Vốn đối ứng của cơ sở"),
}
# Single amount column stating no source.
PLAIN_AMOUNT_WORDS = (("Kinh phí", True), ("Kinh phí hỗ trợ", True), ("Số tiền", True),
                      ("Kinh phí được hỗ trợ", False), ("Mức hỗ trợ", False), ("Giá trị", True))
# A column that equals the sum of the source columns: a check, never a record.
SUM_WORDS_ALL = (("Tổng kinh phí", True), ("Tổng cộng", True), ("Tổng", True), ("Cộng", True),
                 ("Tổng vốn đầu tư", False), ("Tổng kinh phí đề án", False))
SUM_WORDS_SUPPORT = (("KP khuyến công hỗ trợ", False), ("Kinh phí khuyến công hỗ trợ", True),
                     ("Tổng kinh phí hỗ trợ", False), ("Cộng kinh phí KC", False))
COUNT_WORDS = (("Số đề án", True), ("Số lượng đề án", True), ("Số dự án", True),
               ("Số chương trình/dự án", False), ("SL đề án", False), ("Số ĐA", False),
               ("Số lượng nội dung", False), ("Số đề án/nhiệm vụ", False), ("SL (đề án)", False),
               ("Số lượng chương trình, đề án", False))
TITLE_HEADERS = (("Tên đề án", True), ("Nội dung", True), ("Tên chương trình, đề án", True),
                 ("Tên đề án/nội dung hỗ trợ", False), ("Nội dung đề án", False), ("Tên nhiệm vụ, đề án", False))
CONTENT_HEADERS = (("Nội dung", True), ("Chỉ tiêu", False), ("Nội dung chi", True), ("Nhóm nội dung", True),
                   ("Chương trình/Nội dung hoạt động", False), ("Nội dung hoạt động khuyến công", False))
BENEF_HEADERS = (("Đơn vị thụ hưởng", True), ("Cơ sở thụ hưởng", True), ("Đơn vị thực hiện", True),
                 ("Cơ sở được hỗ trợ", True), ("Đơn vị hưởng lợi", False), ("Tên cơ sở CNNT", False))
PLACE_HEADERS = (("Địa điểm", True), ("Địa chỉ", True), ("Địa bàn thực hiện", False), ("Nơi thực hiện", False))
STT_HEADERS = ("STT", "TT", "Số TT")
PCT_HEADERS = ("Tỷ lệ (%)", "So sánh (%)", "Tỷ lệ TH/KH (%)", "So sánh TH/KH", "% so KH")
NOTE_HEADERS = ("Ghi chú", "Ghi chú ")
TOTAL_LABELS = ("Tổng cộng", "TỔNG CỘNG", "Tổng số", "Cộng", "Tổng số kinh phí", "Tổng")
SUBTOTAL_LABELS = ("Cộng", "Cộng nhóm", "Cộng:")
GRAND_AFTER_SUBTOTALS = ("Tổng cộng", "TỔNG CỘNG", "Tổng số", "Tổng cộng toàn tỉnh")

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

# Unit: magnitude in đồng, wording in a unit row / title / header / unit column / cell.
UNITS: dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]] = {
    # key: (đồng per unit, full wordings, cell suffixes)
    "trieu": (TRIEU, ("triệu đồng", "Triệu đồng", "Tr.đồng"), ("triệu", "triệu đồng", "tr.đ")),
    "nghin": (1_000, ("nghìn đồng", "Nghìn đồng", "1.000 đồng"), ("nghìn", "nghìn đồng")),
    "dong": (1, ("đồng", "Đồng", "VNĐ"), ("đồng", "đ")),
}


def pick(rng: random.Random, options: tuple[Any, ...] | list[Any]) -> Any:
    """One option; a helper so every draw goes through the layout's own seeded RNG."""
    return options[rng.randrange(len(options))]


def pick_word(rng: random.Random, options: tuple[tuple[str, bool], ...], off_vocab: bool | None) -> str:
    """A wording; ``off_vocab`` True/False restricts to wordings not in / in vocab/, None draws from all."""
    pool = [w for w, in_vocab in options if off_vocab is None or in_vocab != off_vocab]
    return pick(rng, pool or [w for w, _ in options])


# ----------------------------------------------------------------------------------------- numbers


def vn_number(value: float, decimals: int | None = None) -> str:
    """Vietnamese print: dot groups thousands, comma is the decimal mark ("1.234,5")."""
    negative = value < 0
    value = abs(value)
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return ("-" if negative else "") + text


def in_unit(dong: int, unit: str) -> int | float:
    """The amount expressed in the unit, exactly (amounts are multiples of 0.5 unit)."""
    per = UNITS[unit][0]
    if dong % per == 0:
        return dong // per
    assert (dong * 2) % per == 0, (dong, unit)
    return dong / per


def amount_cell(rng: random.Random, dong: int, unit: str, style: str, cell_unit: str = "") -> Any:
    """A cell for an amount: number, Vietnamese text, or text with its unit ("120 triệu")."""
    value = in_unit(dong, unit)
    if cell_unit:
        return f"{vn_number(value)} {cell_unit}"
    if style == "number" or (style == "mixed" and rng.random() < 0.5):
        return value
    return vn_number(value)


def project_amount(rng: random.Random, low: int = 50, high: int = 3000) -> int:
    """A plausible project amount in đồng: 50–3 000 triệu, sometimes with half a million."""
    trieu = rng.randrange(low, high)
    if rng.random() < 0.7:
        trieu = max(low, round(trieu / 10) * 10)
    half = 500_000 if rng.random() < 0.2 else 0
    return trieu * TRIEU + half


# ----------------------------------------------------------------------------------------- sheet model


@dataclass
class Sheet:
    """A grid of cells (row lists, 1-based when written) with merged ranges (r1, c1, r2, c2)."""

    name: str
    rows: list[list[Any]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def add(self, values: list[Any], merge_to: int = 0) -> int:
        """Append a row; ``merge_to`` merges its first cell across that many columns. Returns its row."""
        self.rows.append(list(values))
        r = len(self.rows)
        if merge_to > 1:
            self.merges.append((r, 1, r, merge_to))
        return r

    def blank(self) -> None:
        self.rows.append([])


@dataclass
class Expected:
    """One record a careful analyst assigns (amount in đồng; None = unknown/empty)."""

    year: int | None
    stage: str
    phase: str | None
    funding_source: str
    program: str
    record_type: str
    amount_vnd: int
    n_projects: int | None


@dataclass(frozen=True)
class Scale:
    """A hand-written zoo shape redrawn for the benchmark corpus: its own seed, province and year, and
    ``lines`` project lines instead of the zoo's handful."""

    seed: str
    province: str
    year: int
    lines: int


@dataclass
class Layout:
    """One combination of parts: its files (one sheet per file here) and its truth."""

    id: str
    description: str
    parts: dict[str, str]
    file_name: str
    sheets: list[Sheet]
    truth: list[Expected]
    province: str | None
    fmt: str = "xlsx"
    csv_sep: str = ","
    unit: str = "trieu"  # the unit the sheet declares (key of UNITS)
    lines: int = 0  # project lines written, for a layout scaled up for the benchmark corpus (0 otherwise)

    def key(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(self.parts.items()))
