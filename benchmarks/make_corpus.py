"""Generate a synthetic national corpus of khuyến công workbooks, with the true sums, for benchmarking ingest.

Why: real project lists are not public and the bundled samples are five small Bình Dương files, far from
national scale. This writes N seeded .xlsx workbooks for the 34 provinces (2016–2025, plan and actual) that
look like what provincial centres send — title block 'UBND TỈNH …', a title with the year, a unit row in đồng
or triệu đồng (or the unit in the header), a one-row or two-row merged header ('Kinh phí' over
'Tổng | KCQG | KCĐP | Đối ứng'), Roman programme groups with subtotals, Arabic-numbered projects, a total row at
the top or bottom, notes and signatures — varied per file. ``truth.json`` holds the sums per
(province, year, stage, funding_source), computed from the integers generated (never by reading the files
back), so a benchmark can fail loudly when ingest gets a number wrong.

Usage::

    python benchmarks/make_corpus.py --out benchmarks/corpus --files 200 --rows 180000 [--seed 1] [--jobs 2]

A corpus already generated with the same parameters (recorded in truth.json) is not regenerated.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

# Bump when the generated content changes, so an old corpus with the same CLI parameters is rebuilt.
GENERATOR_VERSION = 2
TRUTH_FILE = "truth.json"
YEARS = tuple(range(2016, 2026))
STAGES = ("plan", "actual")
MIN_ROWS, MAX_ROWS = 100, 3000
FIXED_TIME = datetime(2025, 1, 1, 8, 0, 0)  # document properties: no machine clock in the files
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

Cell = str | int | float | None


# ---------------------------------------------------------------- reference data


def _provinces_csv() -> Path:
    """The 34 provinces of 2025, from the package reference data (repo copy first, installed copy second)."""
    here = Path(__file__).resolve().parents[1] / "src" / "analysis" / "reference" / "provinces_2025.csv"
    if here.is_file():
        return here
    from importlib.resources import files

    return Path(str(files("analysis") / "reference" / "provinces_2025.csv"))


def load_provinces() -> list[tuple[str, str]]:
    """(canonical name NFC, 'tỉnh' | 'thành phố') for the 34 provinces, in file order."""
    with _provinces_csv().open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [(unicodedata.normalize("NFC", r["province_after_2025"].strip()), r["kind_after_2025"].strip())
            for r in rows]


def slug(text: str) -> str:
    """ASCII file-name form of a Vietnamese name ('Đắk Lắk' → 'dak_lak')."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "_".join(ascii_text.lower().replace("-", " ").split())


# Programme groups as provinces word them (Roman-numbered lines), with project title templates.
PROGRAMS: dict[str, tuple[list[str], list[str]]] = {
    "demonstration": (
        ["Chương trình hỗ trợ xây dựng mô hình trình diễn kỹ thuật",
         "Hỗ trợ xây dựng mô hình trình diễn kỹ thuật, chuyển giao công nghệ",
         "Hỗ trợ ứng dụng máy móc tiên tiến, chuyển giao công nghệ"],
        ["Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất {product}",
         "Xây dựng mô hình trình diễn kỹ thuật sản xuất {product}",
         "Ứng dụng dây chuyền thiết bị {machine} trong chế biến {product}",
         "Hỗ trợ ứng dụng máy {machine} vào sản xuất {product}"],
    ),
    "training": (
        ["Đào tạo nghề, truyền nghề", "Chương trình đào tạo nghề, truyền nghề"],
        ["Đào tạo nghề {craft} cho lao động nông thôn", "Truyền nghề {craft} tại {place_short}",
         "Đào tạo nghề {craft} gắn với giải quyết việc làm"],
    ),
    "management": (
        ["Nâng cao năng lực quản lý doanh nghiệp; khởi sự doanh nghiệp; áp dụng sản xuất sạch hơn",
         "Nâng cao năng lực quản lý doanh nghiệp, sản xuất sạch hơn"],
        ["Tập huấn nâng cao năng lực quản lý doanh nghiệp cho cơ sở {product}",
         "Hội thảo áp dụng sản xuất sạch hơn trong ngành {product}",
         "Tập huấn khởi sự doanh nghiệp năm {year}"],
    ),
    "products": (
        ["Phát triển sản phẩm công nghiệp nông thôn tiêu biểu",
         "Hỗ trợ phát triển sản phẩm công nghiệp nông thôn tiêu biểu; hội chợ, triển lãm"],
        ["Tổ chức bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh năm {year}",
         "Hỗ trợ tham gia hội chợ triển lãm hàng công nghiệp nông thôn khu vực {region}",
         "Hỗ trợ xây dựng phòng trưng bày giới thiệu sản phẩm {product}",
         "Hỗ trợ đăng ký nhãn hiệu sản phẩm {product}"],
    ),
    "consulting": (
        ["Tư vấn, trợ giúp cơ sở công nghiệp nông thôn", "Hoạt động tư vấn, trợ giúp"],
        ["Tư vấn lập dự án đầu tư sản xuất {product}", "Tư vấn thiết kế mẫu mã, bao bì sản phẩm {product}",
         "Tư vấn áp dụng tiêu chuẩn chất lượng cho cơ sở {product}"],
    ),
    "information": (
        ["Cung cấp thông tin, tuyên truyền", "Thông tin tuyên truyền về hoạt động khuyến công"],
        ["Xây dựng chương trình truyền hình khuyến công năm {year}", "Xuất bản bản tin khuyến công số {k}",
         "Duy trì trang thông tin điện tử khuyến công", "Phát sóng chuyên mục khuyến công trên đài truyền thanh"],
    ),
    "cooperation": (
        ["Hỗ trợ liên doanh, liên kết, hợp tác kinh tế và phát triển cụm công nghiệp",
         "Liên doanh liên kết, phát triển cụm công nghiệp"],
        ["Hỗ trợ lập quy hoạch chi tiết cụm công nghiệp {cluster}",
         "Hỗ trợ đầu tư hạ tầng kỹ thuật cụm công nghiệp {cluster}",
         "Hỗ trợ thành lập hiệp hội ngành nghề {product}"],
    ),
    "capacity": (
        ["Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công",
         "Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công"],
        ["Tập huấn nghiệp vụ cho cán bộ làm công tác khuyến công cấp huyện",
         "Tham quan học tập kinh nghiệm công tác khuyến công tại {region}",
         "Kiểm tra, giám sát thực hiện đề án khuyến công năm {year}"],
    ),
}
# Which programmes have counterpart capital (machinery and models do; training, fairs, information rarely).
COUNTERPART_SHARE = {"demonstration": 0.95, "cooperation": 0.6, "products": 0.3, "consulting": 0.3,
                     "management": 0.1, "training": 0.1, "information": 0.0, "capacity": 0.0}
PRODUCTS = ["gốm sứ", "mây tre đan", "bánh tráng", "nước mắm", "chè búp", "cà phê bột", "hạt điều",
            "đồ gỗ mỹ nghệ", "sơn mài", "thổ cẩm", "gạo sạch", "rượu cần", "nem chua", "bún khô",
            "tinh dầu sả", "mật ong", "cói xuất khẩu", "gạch không nung", "thức ăn chăn nuôi", "nhang trầm",
            "kẹo dừa", "mắm tôm", "miến dong", "dầu lạc", "muối sạch", "nông sản sấy", "giấy dó"]
MACHINES = ["CNC", "sấy nhiệt", "ép thủy lực", "đóng gói tự động", "nghiền", "chiết rót", "hấp tiệt trùng",
            "lò nung tiết kiệm năng lượng", "cắt laser", "dệt tự động"]
CRAFTS = ["mây tre đan", "thêu ren", "dệt thổ cẩm", "mộc mỹ nghệ", "gốm", "đan lục bình", "chạm khắc đá",
          "làm nón lá", "sơn mài"]
REGIONS = ["Bắc Bộ", "miền Trung", "Tây Nguyên", "Đông Nam Bộ", "đồng bằng sông Cửu Long", "phía Bắc",
           "phía Nam"]
PLACE_WORDS = ["Tân", "Phú", "An", "Bình", "Long", "Hòa", "Thạnh", "Đông", "Tây", "Xuân", "Mỹ", "Vĩnh",
               "Hưng", "Lộc", "Thuận", "Phước", "Hiệp", "Lợi", "Thành", "Sơn", "Hải", "Quang", "Đức", "Minh"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Hữu Đức", "Thị Hoa", "Quốc Hùng", "Thanh Long", "Thị Mai",
         "Văn Nam", "Ngọc Phương", "Đình Quang", "Thị Thu"]
FIRM_KINDS = ["Công ty TNHH", "Công ty TNHH MTV", "Công ty cổ phần", "HTX", "Cơ sở", "Hộ kinh doanh",
              "Doanh nghiệp tư nhân"]


# ---------------------------------------------------------------- plan of the corpus


@dataclass(frozen=True)
class FileSpec:
    """One workbook to write: who, when, which stage, how many project rows, and its own seed."""

    index: int
    province: str
    province_kind: str
    year: int
    stage: str
    part: int
    n_rows: int
    seed: str
    relpath: str


def split_rows(rng: random.Random, total: int, n: int, lo: int = MIN_ROWS, hi: int = MAX_ROWS) -> list[int]:
    """Split ``total`` project rows over ``n`` files, skewed (lognormal) within [lo, hi], summing exactly."""
    if n <= 0 or total < n:
        raise ValueError(f"cannot split {total} rows over {n} files")
    lo = min(lo, total // n)
    hi = max(hi, math.ceil(total / n))
    weights = [rng.lognormvariate(0.0, 0.8) for _ in range(n)]
    scale = total / sum(weights)
    counts = [min(hi, max(lo, round(w * scale))) for w in weights]
    diff = total - sum(counts)
    order = list(range(n))
    while diff:
        rng.shuffle(order)
        step = 1 if diff > 0 else -1
        moved = False
        share = max(1, abs(diff) // n)
        for i in order:
            room = (hi - counts[i]) if step > 0 else (counts[i] - lo)
            delta = min(room, share, abs(diff))
            if delta > 0:
                counts[i] += step * delta
                diff -= step * delta
                moved = True
            if not diff:
                break
        if not moved:
            raise ValueError(f"cannot split {total} rows over {n} files within [{lo}, {hi}]")
    return counts


def plan_corpus(files: int, rows: int, seed: int) -> list[FileSpec]:
    """Deterministic list of workbooks: provinces round-robin, each with plan and actual for a few years."""
    rng = random.Random(f"corpus:{seed}")
    provinces = load_provinces()
    order = provinces[:]
    rng.shuffle(order)
    per_province: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    counts = split_rows(rng, rows, files)
    specs: list[FileSpec] = []
    for i in range(files):
        name, kind = order[i % len(order)]
        taken = per_province[name]
        # walk (year, stage) pairs in a per-province shuffled year order: plan and actual of the same year
        years = list(YEARS)
        random.Random(f"years:{seed}:{name}").shuffle(years)
        k = len(taken)
        pair = k % (len(years) * 2)
        # alternate which stage comes first per province, so even a tiny corpus has plans and actuals
        first = (i % len(order)) % 2
        year, stage, part = years[pair // 2], STAGES[(pair + first) % 2], k // (len(years) * 2) + 1
        taken.append((year, stage, part))
        stem = f"{slug(name)}_{'ke_hoach' if stage == 'plan' else 'thuc_hien'}_{year}"
        if part > 1:
            stem += f"_p{part}"
        specs.append(FileSpec(i, name, kind, year, stage, part, counts[i], f"{seed}:{i}",
                              f"{slug(name)}/{stem}.xlsx"))
    return specs


# ---------------------------------------------------------------- one workbook


@dataclass
class Style:
    """Layout choices of one workbook (recorded in truth.json so a failure can be traced to a layout)."""

    header: str  # two_row | two_row_support | single | split_sheets
    unit: str  # dong | trieu
    unit_in_header: bool
    total_col: str  # '' | support | all  (what the 'Tổng' column adds up)
    numbering_row: bool
    total_pos: str  # top | bottom
    total_label: str
    total_in_stt: bool
    text_amounts: bool
    stt_restart: bool
    beneficiary: bool
    place: bool
    executor: bool
    time_col: bool
    note_col: bool
    kem_theo: bool
    centre_line: bool
    notes: bool
    date_right: bool  # signature date line under the right-hand (amount) columns, as most centres print it
    sheet_name: str


def choose_style(rng: random.Random, spec: FileSpec) -> Style:
    """Pick a plausible provincial layout for this file."""
    header = rng.choices(["two_row", "two_row_support", "single", "split_sheets"], [40, 15, 33, 12])[0]
    unit = rng.choices(["trieu", "dong"], [65, 35])[0]
    year = spec.year
    sheet_name = rng.choice([f"DM {year}", f"KH{year}" if spec.stage == "plan" else f"TH{year}", "Sheet1",
                             "Biểu 01", "Phụ lục", f"Năm {year}"])
    return Style(
        header=header,
        unit=unit,
        unit_in_header=header in ("two_row", "two_row_support") and rng.random() < 0.25,
        total_col="" if rng.random() < 0.3 else rng.choice(["support", "support", "all"]),
        numbering_row=rng.random() < 0.3,
        total_pos=rng.choice(["top", "bottom"]),
        total_label=rng.choice(["TỔNG CỘNG", "Tổng cộng", "Cộng", "Tổng số", "TỔNG CỘNG (I+II+...)"]),
        total_in_stt=rng.random() < 0.3,
        text_amounts=rng.random() < 0.15,
        stt_restart=rng.random() < 0.7,
        beneficiary=rng.random() < 0.85,
        place=rng.random() < 0.8,
        executor=rng.random() < 0.3,
        time_col=rng.random() < 0.3,
        note_col=rng.random() < 0.6,
        kem_theo=rng.random() < 0.5,
        centre_line=rng.random() < 0.3,
        notes=rng.random() < 0.6,
        date_right=rng.random() < 0.85,
        sheet_name=sheet_name,
    )


@dataclass
class Project:
    """One project line: amounts in exact đồng (0 = blank cell)."""

    program: str
    title: str
    beneficiary: str
    place: str
    executor: str
    national: int
    local: int
    counterpart: int

    @property
    def support(self) -> int:
        return self.national + self.local


def _money(rng: random.Random, lo_trieu: int, hi_trieu: int) -> int:
    """An amount in đồng: mostly whole triệu, some to 0,1 triệu, a few to the nghìn (a 3-decimal triệu)."""
    base = rng.randint(lo_trieu * 1000, hi_trieu * 1000) * 1000  # multiple of 1 000 đồng
    grain = rng.choices([1_000_000, 100_000, 1_000], [70, 25, 5])[0]
    return max(grain, base // grain * grain)


def make_project(rng: random.Random, program: str, year: int, places: list[str], k: int,
                 only_source: str = "") -> Project:
    """A project of one programme with plausible support and counterpart amounts."""
    template = rng.choice(PROGRAMS[program][1])
    place = rng.choice(places)
    title = template.format(product=rng.choice(PRODUCTS), machine=rng.choice(MACHINES), craft=rng.choice(CRAFTS),
                            region=rng.choice(REGIONS), year=year, k=k, place_short=place.split(",")[-1].strip(),
                            cluster=f"{rng.choice(PLACE_WORDS)} {rng.choice(PLACE_WORDS)}")
    group_project = program in ("information", "capacity", "training") and rng.random() < 0.6
    if group_project:
        beneficiary = ""
    else:
        kind = rng.choice(FIRM_KINDS)
        owner = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}" if kind in ("Cơ sở", "Hộ kinh doanh") else \
            f"{rng.choice(PLACE_WORDS)} {rng.choice(PLACE_WORDS)}"
        beneficiary = f"{kind} {owner}"
    big = program in ("demonstration", "cooperation")
    source = only_source or rng.choices(["national", "local", "both"], [25, 65, 10])[0]
    national = _money(rng, 50, 300) if big else _money(rng, 10, 35 if program == "consulting" else 120)
    local = _money(rng, 20, 250) if big else _money(rng, 5, 100)
    if source == "national":
        local = 0
    elif source == "local":
        national = 0
    counterpart = 0
    if rng.random() < COUNTERPART_SHARE[program]:
        # demonstration models: state support ≤ 30 % of the cost (TT 28/2018), so counterpart ≥ 2.4 × support
        low, high = (25, 60) if program == "demonstration" else (12, 40)
        counterpart = (national + local) * rng.randint(low, high) // 10 // 1_000 * 1_000
    return Project(program, title, beneficiary, "" if group_project and rng.random() < 0.5 else place,
                   rng.choice(["TTKC", "Trung tâm Khuyến công", "Phòng Kinh tế huyện", "Sở Công Thương"]),
                   national, local, counterpart)


def make_places(rng: random.Random) -> list[str]:
    """Synthetic district-level place texts for one province ('xã Tân Phú, huyện Long Hòa', 'TP. An Bình')."""
    out = []
    for _ in range(12):
        district = f"{rng.choice(PLACE_WORDS)} {rng.choice(PLACE_WORDS)}"
        prefix = rng.choice(["huyện", "huyện", "H.", "thị xã", "TX.", "thành phố", "TP."])
        commune = f"{rng.choice(['xã', 'phường', 'thị trấn'])} {rng.choice(PLACE_WORDS)} {rng.choice(PLACE_WORDS)}"
        out.append(rng.choice([f"{prefix} {district}", f"{commune}, {prefix} {district}"]))
    return out


def vn_text(amount: int, unit: str) -> str:
    """The amount typed as text with Vietnamese separators (dot thousands, comma decimal) in the sheet unit."""
    if unit == "dong":
        return f"{amount:,}".replace(",", ".")
    whole, rest = divmod(amount, 1_000_000)
    text = f"{whole:,}".replace(",", ".")
    decimals = f"{rest:06d}".rstrip("0")
    return f"{text},{decimals}" if decimals else text


def cell_amount(amount: int, style: Style, zero_blank: bool = True) -> Cell:
    """How an amount is written in the sheet: a number in the sheet unit, or text; blank for zero."""
    if amount == 0 and zero_blank:
        return "-" if style.text_amounts else None
    if style.text_amounts:
        return vn_text(amount, style.unit)
    if style.unit == "dong":
        return amount
    return amount // 1_000_000 if amount % 1_000_000 == 0 else amount / 1_000_000


@dataclass
class SheetOut:
    """Rows and merged ranges of one sheet, plus its true records."""

    name: str
    rows: list[list[Cell]] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)


def _col(index: int) -> str:
    """Excel column letters, as the package names them in messages."""
    from analysis.ingest.layout import column_letter

    return column_letter(index)


def build_sheet(rng: random.Random, spec: FileSpec, style: Style, projects: list[Project], name: str,
                source_title: str) -> SheetOut:
    """Lay out one sheet of project rows in the file's style (title block, header, groups, total, signatures)."""
    split = style.header == "split_sheets"
    unit_label = "triệu đồng" if style.unit == "trieu" else "đồng"
    # ---- columns: (key, header top, header bottom)
    text_cols: list[tuple[str, str]] = [("stt", rng.choice(["STT", "TT", "Số TT"])),
                                        ("title", rng.choice(["Tên đề án", "Nội dung", "Tên đề án/Nội dung",
                                                              "Tên chương trình, đề án"]))]
    if style.executor:
        text_cols.append(("executor", "Đơn vị thực hiện"))
    if style.beneficiary:
        text_cols.append(("beneficiary", rng.choice(["Đơn vị thụ hưởng", "Cơ sở thụ hưởng",
                                                     "Đơn vị được hỗ trợ"])))
    if style.place:
        text_cols.append(("place", rng.choice(["Địa điểm", "Địa chỉ", "Địa điểm thực hiện"])))
    if style.time_col:
        text_cols.append(("time", "Thời gian thực hiện"))
    money: list[tuple[str, str]] = []
    if split:
        if style.total_col:
            money.append(("total", "Tổng kinh phí"))
        money += [("support", "Kinh phí hỗ trợ"), ("counterpart", "Vốn đối ứng")]
    else:
        if style.total_col:
            money.append(("total", "Tổng" if style.header.startswith("two_row") else
                          rng.choice(["Tổng kinh phí", "Tổng số", "Tổng"])))
        if style.header == "single":
            money += [("national", rng.choice(["KCQG", "Kinh phí KCQG"])),
                      ("local", rng.choice(["KCĐP", "Kinh phí KCĐP"])),
                      ("counterpart", rng.choice(["Vốn đối ứng", "Đối ứng"]))]
        else:
            money += [("national", "KCQG"), ("local", "KCĐP"), ("counterpart", "Đối ứng")]
    trailing = [("note", "Ghi chú")] if style.note_col else []
    keys = [k for k, _ in text_cols] + [k for k, _ in money] + [k for k, _ in trailing]
    width = len(keys)
    pos = {k: i for i, k in enumerate(keys)}
    first_money = len(text_cols)
    out = SheetOut(name)
    rows = out.rows

    def blank() -> list[Cell]:
        return [None] * width

    def line(text: str, col: int = 0, merge_to: int | None = None, other: tuple[int, str] | None = None) -> None:
        row = blank()
        row[col] = text
        if other is not None:
            row[other[0]] = other[1]
        rows.append(row)
        if merge_to is not None and merge_to > col:
            out.merged.append(f"{_col(col)}{len(rows)}:{_col(merge_to)}{len(rows)}")

    # ---- title block
    who = "THÀNH PHỐ" if spec.province_kind == "thành phố" else "TỈNH"
    right = max(first_money, width - 4)
    line(f"UBND {who} {spec.province.upper()}", 0, right - 1, (right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
    line("SỞ CÔNG THƯƠNG", 0, right - 1, (right, "Độc lập - Tự do - Hạnh phúc"))
    if style.centre_line:
        line("TRUNG TÂM KHUYẾN CÔNG VÀ TƯ VẤN PHÁT TRIỂN CÔNG NGHIỆP", 0, right - 1)
    rows.append(blank())
    if spec.stage == "plan":
        title = rng.choice([f"KẾ HOẠCH KHUYẾN CÔNG{source_title} NĂM {spec.year}",
                            f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG{source_title} NĂM {spec.year}"])
    else:
        title = rng.choice([f"DANH MỤC ĐỀ ÁN KHUYẾN CÔNG{source_title} THỰC HIỆN NĂM {spec.year}",
                            f"BÁO CÁO KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG{source_title} NĂM {spec.year}"])
    line(title, 0, width - 1)
    if style.kem_theo:
        decided = spec.year - 1 if spec.stage == "plan" else spec.year + 1
        line(f"(Kèm theo Quyết định số {rng.randint(12, 3999)}/QĐ-UBND ngày {rng.randint(1, 28)} tháng "
             f"{rng.randint(1, 12)} năm {decided} của UBND {who.lower()} {spec.province})", 0, width - 1)
    if not style.unit_in_header:
        line(rng.choice([f"ĐVT: {unit_label}", f"Đơn vị tính: {unit_label}", f"ĐVT: {unit_label}"]),
             max(first_money, width - 2))
    # ---- header
    header_top = blank()
    two_row = style.header in ("two_row", "two_row_support")
    for k, label in text_cols:
        header_top[pos[k]] = label
    for k, label in trailing:
        header_top[pos[k]] = label
    if two_row:
        header_bottom = blank()
        group_label = "Kinh phí" + (f" ({unit_label})" if style.unit_in_header else "")
        r1 = len(rows) + 1
        if style.header == "two_row":
            header_top[pos[money[0][0]]] = group_label
            for k, label in money:
                header_bottom[pos[k]] = label
            out.merged.append(f"{_col(first_money)}{r1}:{_col(first_money + len(money) - 1)}{r1}")
            vertical = [pos[k] for k, _ in text_cols + trailing]
        else:  # 'Kinh phí hỗ trợ' over KCQG | KCĐP; total and counterpart span both header rows
            support_label = "Kinh phí hỗ trợ" + (f" ({unit_label})" if style.unit_in_header else "")
            header_top[pos["national"]] = support_label
            header_bottom[pos["national"]] = "KCQG"
            header_bottom[pos["local"]] = "KCĐP"
            out.merged.append(f"{_col(pos['national'])}{r1}:{_col(pos['local'])}{r1}")
            suffix = f" ({unit_label})" if style.unit_in_header else ""
            header_top[pos["counterpart"]] = "Vốn đối ứng" + suffix
            if "total" in pos:
                header_top[pos["total"]] = "Tổng kinh phí" + suffix
            vertical = [pos[k] for k, _ in text_cols + trailing] + [pos["counterpart"]] + (
                [pos["total"]] if "total" in pos else [])
        rows.append(header_top)
        rows.append(header_bottom)
        for c in vertical:
            out.merged.append(f"{_col(c)}{r1}:{_col(c)}{r1 + 1}")
    else:
        for k, label in money:
            header_top[pos[k]] = label
        rows.append(header_top)
    if style.numbering_row:
        rows.append([f"({i + 1})" for i in range(width)])

    # ---- body
    def amounts_of(p: Project) -> dict[str, int]:
        values = {"national": p.national, "local": p.local, "counterpart": p.counterpart,
                  "support": p.support}
        values["total"] = p.support + (p.counterpart if style.total_col == "all" else 0)
        return values

    def money_cells(row: list[Cell], values: dict[str, int], zero_blank: bool) -> None:
        for k, _ in money:
            row[pos[k]] = cell_amount(values[k], style, zero_blank)

    def stt_cell(value: int | str) -> Cell:
        return str(value) if style.text_amounts or isinstance(value, str) else value

    groups: dict[str, list[Project]] = defaultdict(list)
    for p in projects:
        groups[p.program].append(p)
    program_order = list(groups)
    rng.shuffle(program_order)
    sums: dict[str, int] = defaultdict(int)
    for p in projects:
        for k, v in amounts_of(p).items():
            sums[k] += v

    def total_row() -> None:
        row = blank()
        if style.total_in_stt:
            row[0] = style.total_label
            out.merged.append(f"A{len(rows) + 1}:{_col(pos['title'])}{len(rows) + 1}")
        else:
            row[pos["title"]] = style.total_label
        money_cells(row, sums, zero_blank=False)
        rows.append(row)

    if style.total_pos == "top":
        total_row()
    number = 0
    for g, program in enumerate(program_order):
        members = groups[program]
        group_sums: dict[str, int] = defaultdict(int)
        for p in members:
            for k, v in amounts_of(p).items():
                group_sums[k] += v
        row = blank()
        row[0] = ROMAN[g] if g < len(ROMAN) else f"{g + 1}"
        row[pos["title"]] = rng.choice(PROGRAMS[program][0])
        money_cells(row, group_sums, zero_blank=False)
        rows.append(row)
        if style.stt_restart:
            number = 0
        for p in members:
            number += 1
            row = blank()
            row[0] = stt_cell(number)
            row[pos["title"]] = p.title
            for k, value in (("beneficiary", p.beneficiary), ("place", p.place), ("executor", p.executor),
                             ("time", f"Tháng {rng.randint(3, 11)}/{spec.year}")):
                if k in pos and value:
                    row[pos[k]] = value
            if "note" in pos and rng.random() < 0.05:
                row[pos["note"]] = rng.choice(["Chuyển tiếp", "Đề án nhóm", "Bổ sung"])
            money_cells(row, amounts_of(p), zero_blank=True)
            rows.append(row)
    if style.total_pos == "bottom":
        total_row()
    # ---- notes and signatures
    rows.append(blank())
    sign = max(first_money, width - 3)
    if style.notes:
        line("Ghi chú: Kinh phí đối ứng do cơ sở thụ hưởng tự bảo đảm.", 0, first_money - 1)
    signed = spec.year - 1 if spec.stage == "plan" else spec.year
    line(f"{spec.province}, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm {signed}",
         sign if style.date_right else 0)
    line("Nơi nhận:", 0, None, (sign, rng.choice(["GIÁM ĐỐC", "KT. GIÁM ĐỐC"])))
    line("- Bộ Công Thương;", 0, None, (sign, "PHÓ GIÁM ĐỐC") if rows[-1][sign] == "KT. GIÁM ĐỐC" else None)
    line("- Lưu: VT, TTKC.", 0)
    line("(đã ký)", sign)
    line(f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}", sign)
    return out


def build_workbook(spec: FileSpec) -> tuple[list[SheetOut], Style, list[Project]]:
    """All sheets of one workbook and its projects (the truth), deterministic from ``spec.seed``."""
    rng = random.Random(spec.seed)
    style = choose_style(rng, spec)
    places = make_places(rng)
    n_programs = rng.randint(3, min(8, len(PROGRAMS)))
    programs = rng.sample(sorted(PROGRAMS), n_programs)
    weights = [rng.uniform(0.5, 3.0) for _ in programs]
    if style.header == "split_sheets":
        n_national = max(1, spec.n_rows // rng.randint(3, 6))
        parts = [("national", n_national, " QUỐC GIA", "KCQG"),
                 ("local", spec.n_rows - n_national, " ĐỊA PHƯƠNG", "KCĐP")]
    else:
        parts = [("", spec.n_rows, "", style.sheet_name)]
    sheets: list[SheetOut] = []
    everything: list[Project] = []
    k = 0
    for only_source, n, source_title, sheet_name in parts:
        projects = []
        for _ in range(n):
            k += 1
            program = rng.choices(programs, weights)[0]
            projects.append(make_project(rng, program, spec.year, places, k, only_source))
        sheets.append(build_sheet(rng, spec, style, projects, sheet_name, source_title))
        everything.extend(projects)
    return sheets, style, everything


def write_workbook(path: Path, sheets: Sequence[SheetOut]) -> None:
    """Stream the sheets into an .xlsx with openpyxl's write-only mode (fast, constant memory)."""
    from openpyxl import Workbook
    from openpyxl.worksheet.cell_range import CellRange

    wb = Workbook(write_only=True)
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "make_corpus.py (synthetic data)"
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        for rng_text in sheet.merged:
            ws.merged_cells.add(CellRange(rng_text))
        for row in sheet.rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".xlsx.tmp")
    wb.save(tmp)
    os.replace(tmp, path)


def generate_one(args: tuple[FileSpec, str]) -> dict[str, Any]:
    """Worker: build and write one workbook; return its true records (as integers) and its layout."""
    spec, out_dir = args
    sheets, style, projects = build_workbook(spec)
    write_workbook(Path(out_dir) / spec.relpath, sheets)
    sums: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    for p in projects:
        for source in ("national", "local", "counterpart"):
            value = getattr(p, source)
            if value:  # a zero is a blank cell: no record
                sums[source] += value
                counts[source] += 1
    return {
        "path": spec.relpath,
        "province": spec.province,
        "year": spec.year,
        "stage": spec.stage,
        "sheets": [s.name for s in sheets],
        "project_rows": len(projects),
        "records": sum(counts.values()),
        "records_by_source": dict(counts),
        "sums": dict(sums),
        "style": asdict(style),
    }


# ---------------------------------------------------------------- the corpus


def params_of(files: int, rows: int, seed: int) -> dict[str, int]:
    return {"files": files, "rows": rows, "seed": seed, "generator_version": GENERATOR_VERSION}


def corpus_is_current(out: Path, params: dict[str, int]) -> bool:
    """True when ``out`` already holds a complete corpus made with exactly these parameters."""
    truth_path = out / TRUTH_FILE
    if not truth_path.is_file():
        return False
    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if truth.get("params") != params:
        return False
    return all((out / f["path"]).is_file() for f in truth.get("files", []))


def _remove_previous(out: Path) -> None:
    """Delete the workbooks a previous corpus listed (never anything else), so stale files are not ingested."""
    truth_path = out / TRUTH_FILE
    if not truth_path.is_file():
        return
    try:
        old = json.loads(truth_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    for f in old.get("files", []):
        path = out / f["path"]
        if path.is_file():
            path.unlink()
        try:
            path.parent.rmdir()  # only succeeds when empty
        except OSError:
            pass
    truth_path.unlink()


def build_truth(params: dict[str, int], results: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    """Aggregate per-file truths into sums per (province, year, stage, funding_source) and totals."""
    sums: dict[tuple[str, int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    by_source: dict[str, int] = defaultdict(int)
    for r in results:
        for source, value in r["sums"].items():
            sums[(r["province"], r["year"], r["stage"], source)][0] += value
            by_source[f"{r['stage']}/{source}"] += value
    record_counts: dict[tuple[str, int, str, str], int] = defaultdict(int)
    for r in results:
        for source, n in r["records_by_source"].items():
            record_counts[(r["province"], r["year"], r["stage"], source)] += n
    rows_out = [
        {"province": k[0], "year": k[1], "stage": k[2], "funding_source": k[3], "amount_vnd": v[0],
         "records": record_counts.get(k, 0)}
        for k, v in sorted(sums.items())
    ]
    return {
        "params": params,
        "generated_seconds": round(seconds, 2),
        "description": "Synthetic corpus for benchmarks/bench_ingest.py; sums are exact integers in đồng, "
                       "computed from the generated projects (not read back from the files).",
        "totals": {
            "files": len(results),
            "sheets": sum(len(r["sheets"]) for r in results),
            "project_rows": sum(r["project_rows"] for r in results),
            "records": sum(r["records"] for r in results),
            "amount_vnd": sum(v[0] for v in sums.values()),
            "by_stage_source": dict(sorted(by_source.items())),
        },
        "sums": rows_out,
        "files": [{k: r[k] for k in ("path", "province", "year", "stage", "sheets", "project_rows", "records",
                                     "sums", "style")} for r in results],
    }


def make_corpus(out: str | os.PathLike[str], files: int = 200, rows: int = 180_000, seed: int = 1,
                jobs: int = 2, force: bool = False, quiet: bool = False) -> dict[str, Any]:
    """Generate the corpus into ``out`` (or keep the existing one) and return the truth dict."""
    out_path = Path(out)
    params = params_of(files, rows, seed)
    if not force and corpus_is_current(out_path, params):
        if not quiet:
            print(f"corpus in {out_path} is up to date ({files} files, {rows} rows, seed {seed}): not regenerated")
        return json.loads((out_path / TRUTH_FILE).read_text(encoding="utf-8"))
    out_path.mkdir(parents=True, exist_ok=True)
    _remove_previous(out_path)
    specs = plan_corpus(files, rows, seed)
    started = time.perf_counter()
    tasks = [(s, str(out_path)) for s in specs]
    if jobs <= 1:
        results = [generate_one(t) for t in tasks]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(generate_one, tasks, chunksize=4))
    seconds = time.perf_counter() - started
    truth = build_truth(params, results, seconds)
    tmp = out_path / (TRUTH_FILE + ".tmp")
    tmp.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, out_path / TRUTH_FILE)
    if not quiet:
        size = sum((out_path / s.relpath).stat().st_size for s in specs)
        print(f"generated {files} workbooks, {rows} project rows, {truth['totals']['records']} amount records "
              f"({size / 2**20:.1f} MiB) into {out_path} in {seconds:.1f} s with {jobs} process(es)")
    return truth


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "corpus"))
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--rows", type=int, default=180_000, help="project rows in total")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="writer processes")
    parser.add_argument("--force", action="store_true", help="regenerate even if up to date")
    args = parser.parse_args(argv)
    make_corpus(args.out, args.files, args.rows, args.seed, args.jobs, args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
