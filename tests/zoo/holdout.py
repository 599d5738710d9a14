"""A second, held-out layout zoo (issue 13): shapes the first zoo (generate.py) does not have.

Why: the reader was tuned until it passed every layout of the first zoo, so that zoo no longer proves anything
about files it has never seen. These builders are new and were written from the domain and the shapes of real
provincial files (several sheets per workbook, tables away from A1, blank and merged cells, wrapped headers,
spaced thousands, quarter/month/cumulative columns, per-source plan/actual sub-columns, district columns and
district subtotals, notes and second tables below the table, unaccented and bilingual headers, abbreviations and
typos, CSV exports in ';' + decimal comma, UTF-16 and Windows-1258). Their truth is what a careful analyst
assigns without doubt, following the conventions of tests/zoo/README.md; it was written before the reader was
run and is never tuned to the reader's output. The wordings below that are not in src/analysis/vocab/ stay here.

CLI: ``python -m tests.zoo.holdout OUT_DIR`` writes every layout and ``truth.json`` for inspection.
"""

from __future__ import annotations

import csv
import io
import random
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .generate import truth_json
from .parts import (
    BENEFICIARIES,
    PROJECT_TITLES,
    ROMAN,
    TRIEU,
    Expected,
    Layout,
    Scale,
    Sheet,
    in_unit,
    pick,
    province_word,
    vn_number,
)

SEED = 20261205  # not the first zoo's seed

# ----------------------------------------------------------------------------------------- wordings not in vocab/

# Project titles a careful analyst files under one programme without doubt; wordings not in vocab/.
NEW_TITLES: dict[str, tuple[str, ...]] = {
    "training": ("Mở lớp dạy nghề đan lục bình cho lao động nông thôn", "Truyền nghề làm nón lá cho phụ nữ",
                 "Đào tạo nghề chạm khắc gỗ mỹ nghệ"),
    "demonstration": ("Hỗ trợ máy móc thiết bị hiện đại vào chế biến cà phê",
                      "Ứng dụng dây chuyền sấy lạnh trong chế biến trái cây",
                      "Hỗ trợ ứng dụng lò nung tiết kiệm năng lượng sản xuất gốm"),
    "products": ("Tham gia hội chợ hàng thủ công mỹ nghệ khu vực phía Bắc",
                 "Tổ chức bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh"),
    "information": ("Phóng sự truyền hình về hoạt động khuyến công", "In ấn tờ rơi, tờ gấp tuyên truyền khuyến công"),
    "consulting": ("Tư vấn lập hồ sơ dự án đầu tư mở rộng sản xuất cho cơ sở CNNT",),
    "capacity": ("Tập huấn nghiệp vụ cho cán bộ làm công tác khuyến công cấp huyện",),
    "cooperation": ("Hỗ trợ đầu tư hạ tầng kỹ thuật cụm công nghiệp",),
}
# Programme lines of a summary (group wordings not in vocab/ where an analyst is still sure).
NEW_PROGRAM_LINES: dict[str, str] = {
    "training": "Dạy nghề, truyền nghề cho lao động nông thôn",
    "management": "Tập huấn quản trị doanh nghiệp, khởi sự kinh doanh",
    "demonstration": "Hỗ trợ máy móc, thiết bị tiên tiến và mô hình trình diễn",
    "products": "Hội chợ, triển lãm và bình chọn sản phẩm CNNT tiêu biểu",
    "consulting": "Tư vấn, trợ giúp cơ sở CNNT",
    "information": "Thông tin, tuyên truyền khuyến công",
    "cooperation": "Phát triển cụm công nghiệp, liên kết sản xuất",
    "capacity": "Nâng cao năng lực cán bộ khuyến công, cộng tác viên",
}
# Decree 45/2012/NĐ-CP Art. 4, the nine activity contents, as the decree words them (first sentence).
DECREE45_ART4: tuple[tuple[str, str], ...] = (
    ("training", "Đào tạo nghề, truyền nghề và phát triển nghề nhằm tạo việc làm, nâng cao tay nghề và chất lượng "
                 "lao động cho các cơ sở công nghiệp nông thôn"),
    ("management", "Hỗ trợ nâng cao năng lực quản lý cho các cơ sở công nghiệp nông thôn; thực hiện sản xuất sạch hơn "
                   "tại các cơ sở sản xuất công nghiệp"),
    ("demonstration", "Hỗ trợ xây dựng mô hình trình diễn kỹ thuật để phổ biến công nghệ mới, sản xuất sản phẩm mới; "
                      "chuyển giao công nghệ và ứng dụng máy móc tiên tiến, tiến bộ khoa học kỹ thuật vào sản xuất "
                      "công nghiệp - tiểu thủ công nghiệp"),
    ("products", "Phát triển sản phẩm công nghiệp nông thôn tiêu biểu"),
    ("consulting", "Tư vấn, trợ giúp các cơ sở công nghiệp nông thôn"),
    ("information", "Cung cấp thông tin về các chính sách phát triển công nghiệp, khuyến công, thông tin thị trường, "
                    "phổ biến kinh nghiệm, mô hình sản xuất kinh doanh điển hình"),
    ("cooperation", "Hỗ trợ liên doanh, liên kết, hợp tác kinh tế, phát triển các cụm công nghiệp và di dời cơ sở gây "
                    "ô nhiễm môi trường"),
    ("international", "Hợp tác quốc tế về khuyến công"),
    ("capacity", "Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công"),
)

NBSP = "\u00a0"


def spaced(value: int, sep: str = " ") -> str:
    """'1 234 567' (space or non-breaking space as the thousands separator)."""
    return f"{value:,}".replace(",", sep)


def tr(rng: random.Random, low: int = 50, high: int = 900) -> int:
    """An amount in đồng that is a whole number of triệu."""
    return rng.randrange(low, high) * TRIEU


def title_of(rng: random.Random, program: str) -> str:
    """A project title for the programme from the first zoo's wordings, so a shape is judged on its shape; the
    new wordings (NEW_TITLES) are judged on their own in h36, one fault one layout."""
    return pick(rng, PROJECT_TITLES[program])


def programs(rng: random.Random, n: int) -> list[str]:
    return rng.sample(["training", "demonstration", "products", "information", "consulting", "capacity"], n)


def agency(sheet: Sheet, province: str | None, ncols: int = 6, lead: list[Any] | None = None) -> None:
    """Agency and motto lines (``lead``: blank cells before the table, for tables away from column A)."""
    lead = lead or []
    right = max(ncols - 2, 2)
    row1 = [f"UBND {province_word(province)} {province.upper()}" if province else "SỞ CÔNG THƯƠNG"] + [None] * (ncols - 1)
    row2 = ["SỞ CÔNG THƯƠNG" if province else "TRUNG TÂM KHUYẾN CÔNG"] + [None] * (ncols - 1)
    row1[right] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    row2[right] = "Độc lập - Tự do - Hạnh phúc"
    sheet.add(lead + row1)
    sheet.add(lead + row2)
    sheet.blank()


def signature(sheet: Sheet, place: str, year: int, ncols: int) -> None:
    sheet.blank()
    sheet.add([None] * (ncols - 2) + [f"{place}, ngày 15 tháng 12 năm {year}"])
    sheet.add([None, "NGƯỜI LẬP BIỂU"] + [None] * (ncols - 4) + ["GIÁM ĐỐC"])
    sheet.blank()
    sheet.add([None, "Trần Thị Hoa"] + [None] * (ncols - 4) + ["Nguyễn Văn Bình"])


def lay(lid: str, desc: str, shape: str, file_name: str, sheets: list[Sheet], truth: list[Expected],
        province: str | None, fmt: str = "xlsx", sep: str = ",", unit: str = "trieu", enc: str = "",
        lines: int = 0) -> Layout:
    parts = {"shape": shape}
    if enc:
        parts["enc"] = enc
    return Layout(lid, desc, parts, f"{lid} {file_name}.{fmt}", sheets, truth, province, fmt, sep, unit, lines)


def seeded(lid: str, scale: Scale | None, seed: int = SEED) -> random.Random:
    """The layout's RNG: the zoo's fixed seed (``seed``: the zoo's own), or the scaled copy's own."""
    return random.Random(f"{seed}-{lid}" + (f"-{scale.seed}" if scale else ""))


PROGRAMS6 = ("training", "demonstration", "products", "information", "consulting", "capacity")


def program_draws(rng: random.Random, n: int, scale: Scale | None) -> list[str]:
    """``n`` distinct programmes (the zoo), or one programme per project line of a scaled copy."""
    return [pick(rng, PROGRAMS6) for _ in range(scale.lines)] if scale else programs(rng, n)


def E(year: int | None, stage: str, phase: str | None, source: str, program: str, rtype: str, amount: int,
      n: int | None) -> Expected:
    return Expected(year, stage, phase, source, program, rtype, amount, n)


# ----------------------------------------------------------------------------------------- workbooks of several sheets


def h01_plan_actual_notes(lid: str, scale: Scale | None = None) -> Layout:
    """Sheets 'KH 2023' and 'TH 2023' (abbreviated stage + year in the sheet name only) and a 'Ghi chu' sheet of
    notes carrying numbers; neutral title, KCQG | KCĐP | Đối ứng columns. ``scale``: scale.lines projects on
    each of the two sheets."""
    rng = seeded(lid, scale)
    y, prov = (scale.year, scale.province) if scale else (2023, "Thanh Hóa")
    projects = [(title_of(rng, p), p) for p in program_draws(rng, 5, scale)]
    sheets, truth = [], []
    for name, stage, phase in ((f"KH {y}", "plan", ""), (f"TH {y}", "actual", "executed")):
        s = Sheet(name)
        agency(s, prov, 7)
        s.add(["DANH MỤC ĐỀ ÁN KHUYẾN CÔNG"], merge_to=7)
        s.add([None] * 6 + ["ĐVT: triệu đồng"])
        s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí KCQG", "Kinh phí KCĐP", "Vốn đối ứng", "Ghi chú"])
        tot = [0, 0, 0]
        for i, (t, p) in enumerate(projects):
            q = tr(rng, 200, 600) if p == "demonstration" else 0
            d = tr(rng, 40, 300)
            u = tr(rng, 300, 2000) if p == "demonstration" else 0
            s.add([i + 1, t, pick(rng, BENEFICIARIES), *[in_unit(v, "trieu") if v else None for v in (q, d, u)], None])
            for src, v in (("national", q), ("local", d), ("counterpart", u)):
                if v:
                    truth.append(E(y, stage, phase, src, p, "project", v, 1))
            tot = [a + b for a, b in zip(tot, (q, d, u), strict=True)]
        s.add([None, "Tổng cộng", None, *[in_unit(v, "trieu") for v in tot], None])
        sheets.append(s)
    notes = Sheet("Ghi chu")
    notes.add(["GHI CHÚ"])
    notes.add(["1", f"Kế hoạch năm {y} giao theo Quyết định số 112/QĐ-UBND, tổng kinh phí", 2500, "triệu đồng"])
    notes.add(["2", f"Kinh phí thực hiện đến 31/12/{y} đã giải ngân", "1.980", "triệu đồng"])
    notes.add(["3", f"Số đề án chuyển tiếp sang năm {y + 1}", 2])
    sheets.append(notes)
    return lay(lid, "workbook: sheets 'KH 2023' / 'TH 2023' (stage + year only in sheet names) and a 'Ghi chu' notes "
               "sheet with numbers (never data); KCQG|KCĐP|Đối ứng project list", "plan_actual_notes_sheets",
               "De an khuyen cong", sheets, truth, prov, lines=2 * len(projects) if scale else 0)


def h02_sheet_per_source(lid: str) -> Layout:
    """One sheet per funding source ('Nguồn TW', 'Nguồn ĐP'): a single 'Kinh phí' column, the source only in
    the sheet name; plan title with year."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Nghệ An"
    sheets, truth = [], []
    for name, src in (("Nguồn TW", "national"), ("Nguồn ĐP", "local")):
        s = Sheet(name)
        agency(s, prov, 5)
        s.add([f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG NĂM {y}"], merge_to=5)
        s.add([None] * 4 + ["Đơn vị: triệu đồng"])
        s.add(["TT", "Tên đề án", "Đơn vị thực hiện", "Kinh phí", "Ghi chú"])
        total = 0
        for i, p in enumerate(programs(rng, 3 if src == "national" else 5)):
            v = tr(rng, 300, 900) if src == "national" else tr(rng, 30, 300)
            total += v
            s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(v, "trieu"), None])
            truth.append(E(y, "plan", "", src, p, "project", v, 1))
        s.add([None, "Cộng", None, in_unit(total, "trieu"), None])
        sheets.append(s)
    return lay(lid, "workbook: one sheet per funding source ('Nguồn TW', 'Nguồn ĐP'), one 'Kinh phí' column, the "
               "source only in the sheet name", "sheet_per_source", f"Ke hoach KC {y}", sheets, truth, prov)


def h03_sheet_per_year(lid: str) -> Layout:
    """One sheet per year ('2021', '2022', '2023'): a summary by programme with counts; title without a year,
    'KHUYẾN CÔNG ĐỊA PHƯƠNG' sets the source."""
    rng = random.Random(f"{SEED}-{lid}")
    prov = "Phú Thọ"
    sheets, truth = [], []
    for y in (2021, 2022, 2023):
        s = Sheet(str(y))
        agency(s, prov, 4)
        s.add(["KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH KHUYẾN CÔNG ĐỊA PHƯƠNG"], merge_to=4)
        s.add([None, None, None, "ĐVT: triệu đồng"])
        s.add(["STT", "Nội dung", "Số đề án", "Kinh phí"])
        lines = []
        for p in ("training", "demonstration", "products", "information"):
            n = rng.randrange(1, 6)
            v = n * tr(rng, 30, 200)
            lines.append((p, n, v))
            truth.append(E(y, "actual", "executed", "local", p, "allocation", v, n))
        s.add([None, "Tổng số", sum(x[1] for x in lines), in_unit(sum(x[2] for x in lines), "trieu")])
        for i, (p, n, v) in enumerate(lines):
            s.add([i + 1, NEW_PROGRAM_LINES[p], n, in_unit(v, "trieu")])
        sheets.append(s)
    return lay(lid, "workbook: one sheet per year ('2021', '2022', '2023'), summary by programme with counts, total "
               "row on top, title without year (KCĐP in the title)", "sheet_per_year", "Ket qua KCDP 2021-2023",
               sheets, truth, prov)


# ----------------------------------------------------------------------------------------- grid shapes


def h04_offset_table(lid: str) -> Layout:
    """The whole block starts at D3: three empty columns and two empty rows before the title."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2022, "Hà Tĩnh"
    lead: list[Any] = [None, None, None]
    s = Sheet("Bao cao")
    s.blank()
    s.blank()
    agency(s, prov, 6, lead)
    s.add([*lead, f"BÁO CÁO KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG NĂM {y}"])
    s.merges.append((len(s.rows), 4, len(s.rows), 9))
    s.add(lead + [None] * 5 + ["ĐVT: triệu đồng"])
    s.add([*lead, "STT", "Tên đề án", "Cơ sở thụ hưởng", "KCQG", "KCĐP", "Ghi chú"])
    truth, tot = [], [0, 0]
    for i, p in enumerate(programs(rng, 5)):
        q = tr(rng, 200, 800) if i < 2 else 0
        d = tr(rng, 50, 300)
        s.add([*lead, i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(q, "trieu") if q else None, in_unit(d, "trieu"), None])
        tot = [tot[0] + q, tot[1] + d]
        for src, v in (("national", q), ("local", d)):
            if v:
                truth.append(E(y, "actual", "executed", src, p, "project", v, 1))
    s.add([*lead, None, "Tổng cộng", None, in_unit(tot[0], "trieu"), in_unit(tot[1], "trieu"), None])
    return lay(lid, "table away from A1: block starts at D3 (three empty columns), actual project list KCQG|KCĐP",
               "offset_table", f"Bao cao ket qua {y}", [s], truth, prov)


def h05_blank_column(lid: str) -> Layout:
    """A blank column inside the table (between the label and the amounts) and a blank row under the header."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2025, "Quảng Nam"
    s = Sheet("Sheet1")
    agency(s, prov, 7)
    s.add([f"KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=7)
    s.add([None] * 6 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", None, "Đơn vị thụ hưởng", None, "Kinh phí KCĐP", "Vốn đối ứng"])
    s.blank()
    truth, tot = [], [0, 0]
    for i, p in enumerate(programs(rng, 6)):
        d = tr(rng, 40, 400)
        u = tr(rng, 100, 900) if p in ("demonstration", "products") else 0
        s.add([i + 1, title_of(rng, p), None, pick(rng, BENEFICIARIES), None, in_unit(d, "trieu"),
               in_unit(u, "trieu") if u else None])
        truth.append(E(y, "plan", "", "local", p, "project", d, 1))
        if u:
            truth.append(E(y, "plan", "", "counterpart", p, "project", u, 1))
        tot = [tot[0] + d, tot[1] + u]
    s.add([None, "Tổng cộng", None, None, None, in_unit(tot[0], "trieu"), in_unit(tot[1], "trieu")])
    return lay(lid, "blank column inside the table (C and E empty) and a blank row between header and body; KCĐP + "
               "đối ứng", "blank_column", f"KH KCDP {y}", [s], truth, prov)


def h06_merged_project_rows(lid: str, scale: Scale | None = None) -> Layout:
    """Each project spans 2–3 rows: STT / title / beneficiary merged vertically, one row per source
    ('Nguồn vốn' cell + 'Kinh phí'). ``scale``: scale.lines projects."""
    rng = seeded(lid, scale)
    y, prov = (scale.year, scale.province) if scale else (2023, "Bắc Giang")
    s = Sheet("DM")
    agency(s, prov, 5)
    s.add([f"DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐƯỢC PHÊ DUYỆT NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Nguồn vốn", "Kinh phí"])
    truth, total = [], 0
    for i, p in enumerate(program_draws(rng, 5, scale)):
        sources = [("KCQG", "national"), ("Đối ứng", "counterpart")] if i % 2 == 0 else \
            [("KCQG", "national"), ("KCĐP", "local"), ("Vốn đối ứng", "counterpart")]
        first = len(s.rows) + 1
        for j, (word, src) in enumerate(sources):
            v = tr(rng, 300, 1500) if src == "counterpart" else tr(rng, 50, 400)
            total += v
            s.add([i + 1 if j == 0 else None, title_of(rng, p) if j == 0 else None,
                   pick(rng, BENEFICIARIES) if j == 0 else None, word, in_unit(v, "trieu")])
            truth.append(E(y, "plan", "approved", src, p, "project", v, 1))
        last = len(s.rows)
        s.merges += [(first, c, last, c) for c in (1, 2, 3)]
    s.add([None, "Tổng cộng", None, None, in_unit(total, "trieu")])
    return lay(lid, "project spans 2–3 rows: STT/title/beneficiary merged vertically, one row per source ('Nguồn "
               "vốn' cell KCQG/KCĐP/Đối ứng + 'Kinh phí')", "merged_project_rows", f"Phe duyet de an {y}", [s],
               truth, prov, lines=scale.lines if scale else 0)


def h07_wrapped_headers(lid: str) -> Layout:
    """Header cells with line breaks ('Kinh phí\\n(triệu đồng)', 'Số\\nđề án', 'Ngân sách\\nTrung ương') over a
    summary by programme; 'Tổng kinh phí' equals the two sources (a check)."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2025, "Lâm Đồng"
    s = Sheet("Bieu 1")
    agency(s, prov, 6)
    s.add([f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG NĂM {y}"], merge_to=6)
    s.blank()
    s.add(["STT", "Nội dung\nhoạt động", "Số\nđề án", "Tổng kinh phí\n(triệu đồng)", "Trong đó", None])
    s.add([None, None, None, None, "Ngân sách\nTrung ương", "Ngân sách\ntỉnh"])
    h = len(s.rows) - 1
    s.merges += [(h, 1, h + 1, 1), (h, 2, h + 1, 2), (h, 3, h + 1, 3), (h, 4, h + 1, 4), (h, 5, h, 6)]
    truth = []
    for i, p in enumerate(("training", "demonstration", "products", "information", "capacity")):
        n = rng.randrange(1, 6)
        q = tr(rng, 200, 900) if p in ("demonstration", "products") else 0
        d = n * tr(rng, 30, 150)
        s.add([ROMAN[i], NEW_PROGRAM_LINES[p], n, in_unit(q + d, "trieu"), in_unit(q, "trieu") if q else None,
               in_unit(d, "trieu")])
        for src, v in (("national", q), ("local", d)):
            if v:
                truth.append(E(y, "plan", "", src, p, "allocation", v, n))
    return lay(lid, "wrapped multi-line headers ('Nội dung\\nhoạt động', 'Số\\nđề án', 'Tổng kinh phí\\n(triệu "
               "đồng)', 'Trong đó' over 'Ngân sách\\nTrung ương' | 'Ngân sách\\ntỉnh'), programme lines I…V",
               "wrapped_headers", f"KH kinh phi KC {y}", [s], truth, prov)


# ----------------------------------------------------------------------------------------- number printing


def h08_spaced_dong(lid: str) -> Layout:
    """Amounts in đồng printed with spaces / non-breaking spaces as thousands separators and 'đ' / 'VNĐ'
    suffixes; '-' for zero."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2022, "Tây Ninh"
    s = Sheet("QT 2022")
    agency(s, prov, 6)
    s.add([f"QUYẾT TOÁN KINH PHÍ KHUYẾN CÔNG NĂM {y}"], merge_to=6)
    s.blank()
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí KCQG", "Kinh phí KCĐP", "Ghi chú"])
    truth, tot = [], [0, 0]
    for i, p in enumerate(programs(rng, 6)):
        q = rng.randrange(150_000, 700_000) * 1000 + rng.randrange(0, 1000) * (i % 2) if i % 3 == 0 else 0
        d = rng.randrange(20_000, 300_000) * 1000 + 500 * (i % 2)
        cells = []
        for v in (q, d):
            if not v:
                cells.append("-")
            else:
                cells.append(pick(rng, (spaced(v) + " đ", spaced(v, NBSP) + " VNĐ", spaced(v, NBSP), spaced(v) + "đ")))
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), *cells, None])
        for src, v in (("national", q), ("local", d)):
            if v:
                truth.append(E(y, "actual", "settled", src, p, "project", v, 1))
        tot = [tot[0] + q, tot[1] + d]
    s.add([None, "Tổng cộng", None, spaced(tot[0], NBSP) + " đ", spaced(tot[1], NBSP) + " đ", None])
    return lay(lid, "amounts in đồng with space / NBSP thousands separators ('1 234 567 đ', '…VNĐ'), '-' for zero, "
               "no unit line (unit only in cells)", "spaced_dong", f"Quyet toan KC {y}", [s], truth, prov, unit="dong")


def h09_adjustment_column(lid: str) -> Layout:
    """Adjusted plan: 'KH đã giao' | 'Điều chỉnh (+/-)' with '(120)' for a cut, '-' / 'x' for none | 'KH sau điều
    chỉnh'. The sheet is the adjusted plan: its records are the after-adjustment figures; the delta column is a
    difference, never money of its own."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Đồng Tháp"
    s = Sheet("Dieu chinh")
    agency(s, prov, 5)
    s.add([f"KẾ HOẠCH ĐIỀU CHỈNH KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Nội dung", "KH đã giao", "Điều chỉnh (+/-)", "KH sau điều chỉnh"])
    truth, tots = [], [0, 0]
    for i, p in enumerate(("training", "demonstration", "products", "information", "consulting")):
        before = tr(rng, 100, 800)
        delta = pick(rng, (0, 0, -120, 50, -30, 200)) * TRIEU
        after = before + delta
        dcell = "-" if delta == 0 and i % 2 else ("x" if delta == 0 else
                                                    (f"({in_unit(-delta, 'trieu')})" if delta < 0 else in_unit(delta, "trieu")))
        s.add([i + 1, NEW_PROGRAM_LINES[p], in_unit(before, "trieu"), dcell, in_unit(after, "trieu")])
        truth.append(E(y, "plan", "adjusted", "local", p, "allocation", after, None))
        tots = [tots[0] + before, tots[1] + after]
    net = tots[1] - tots[0]
    s.add([None, "Tổng cộng", in_unit(tots[0], "trieu"),
           f"({in_unit(-net, 'trieu')})" if net < 0 else in_unit(net, "trieu"), in_unit(tots[1], "trieu")])
    return lay(lid, "adjusted plan by programme: 'KH đã giao' | 'Điều chỉnh (+/-)' with '(120)', '-', 'x' | 'KH sau "
               "điều chỉnh' (truth: the after-adjustment figures, phase adjusted)", "adjustment_column",
               f"KH dieu chinh KC {y}", [s], truth, prov)


# ----------------------------------------------------------------------------------------- time breakdowns


def h10_quarters(lid: str) -> Layout:
    """Quarter columns 'Quý I' … 'Quý IV' and 'Cả năm' (their sum): one record per line, the year's amount."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Vĩnh Long"
    s = Sheet("TH theo quy")
    agency(s, prov, 7)
    s.add([f"TÌNH HÌNH THỰC HIỆN KINH PHÍ KHUYẾN CÔNG NĂM {y}"], merge_to=7)
    s.add([None] * 6 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Nội dung", "Quý I", "Quý II", "Quý III", "Quý IV", "Cả năm"])
    truth, tot = [], [0] * 5
    for i, p in enumerate(("training", "demonstration", "products", "information")):
        qs = [tr(rng, 10, 200) if rng.random() < 0.75 else 0 for _ in range(4)]
        qs[3] = qs[3] or tr(rng, 10, 100)
        year_total = sum(qs)
        s.add([i + 1, NEW_PROGRAM_LINES[p], *[in_unit(v, "trieu") if v else "-" for v in qs], in_unit(year_total, "trieu")])
        truth.append(E(y, "actual", "executed", "unspecified", p, "allocation", year_total, None))
        tot = [a + b for a, b in zip(tot, [*qs, year_total], strict=True)]
    s.add([None, "Cộng", *[in_unit(v, "trieu") for v in tot]])
    return lay(lid, "quarter columns Quý I…IV + 'Cả năm' (their sum) by programme, '-' for an empty quarter "
               "(truth: one record per line, the year's amount)", "quarters", f"Thuc hien KC theo quy {y}", [s],
               truth, prov)


def h11_months_cumulative(lid: str) -> Layout:
    """Disbursement by month: 'Kế hoạch giao' | Tháng 1 … Tháng 6 | 'Lũy kế giải ngân' (= the months)."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Thái Bình"
    s = Sheet("Giai ngan 6T")
    agency(s, prov, 10)
    s.add([f"TÌNH HÌNH GIẢI NGÂN KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG 6 THÁNG ĐẦU NĂM {y}"], merge_to=10)
    s.add([None] * 9 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Kế hoạch giao", *[f"Tháng {m}" for m in range(1, 7)], "Lũy kế giải ngân"])
    truth = []
    for i, p in enumerate(programs(rng, 5)):
        plan = tr(rng, 100, 500)
        months = [tr(rng, 5, 60) if rng.random() < 0.5 else 0 for _ in range(6)]
        months[5] = months[5] or 10 * TRIEU
        cum = sum(months)
        s.add([i + 1, title_of(rng, p), in_unit(plan, "trieu"), *[in_unit(v, "trieu") if v else None for v in months],
               in_unit(cum, "trieu")])
        truth.append(E(y, "plan", "approved", "local", p, "project", plan, 1))
        truth.append(E(y, "actual", "disbursed", "local", p, "project", cum, 1))
    return lay(lid, "disbursement by month: 'Kế hoạch giao' | Tháng 1…6 | 'Lũy kế giải ngân' (= the months): truth "
               "plan/approved + actual/disbursed (the cumulative)", "months_cumulative", f"Giai ngan KCDP {y}", [s],
               truth, prov)


def h12_source_plan_actual_subcols(lid: str) -> Layout:
    """Project list, each source a group over 'KH' | 'TH' sub-columns (KCQG → KH/TH, KCĐP → KH/TH)."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Hà Tĩnh"
    s = Sheet("Tong hop")
    agency(s, prov, 7)
    s.add([f"TỔNG HỢP ĐỀ ÁN KHUYẾN CÔNG NĂM {y}"], merge_to=7)
    s.add([None] * 6 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "KCQG", None, "KCĐP", None])
    s.add([None, None, None, "KH", "TH", "KH", "TH"])
    h = len(s.rows) - 1
    s.merges += [(h, 1, h + 1, 1), (h, 2, h + 1, 2), (h, 3, h + 1, 3), (h, 4, h, 5), (h, 6, h, 7)]
    truth = []
    for i, p in enumerate(programs(rng, 5)):
        q = tr(rng, 200, 700) if i < 2 else 0
        d = tr(rng, 50, 300)
        qa, da = (q - pick(rng, (0, 10, 20)) * TRIEU if q else 0), d - pick(rng, (0, 0, 5)) * TRIEU
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES),
               *[in_unit(v, "trieu") if v else None for v in (q, qa, d, da)]])
        for src, stage, phase, v in (("national", "plan", "", q), ("national", "actual", "executed", qa),
                                     ("local", "plan", "", d), ("local", "actual", "executed", da)):
            if v:
                truth.append(E(y, stage, phase, src, p, "project", v, 1))
    return lay(lid, "project list, 'KCQG' and 'KCĐP' groups each over 'KH' | 'TH' sub-columns, neutral title",
               "source_kh_th_subcols", f"Tong hop de an {y}", [s], truth, prov)


def h13_years_kh_th(lid: str) -> Layout:
    """Summary by programme, 'Năm 2022' and 'Năm 2023' groups each over 'KH' | 'TH'."""
    rng = random.Random(f"{SEED}-{lid}")
    prov = "Nghệ An"
    s = Sheet("KH-TH")
    agency(s, prov, 6)
    s.add(["TỔNG HỢP KINH PHÍ KHUYẾN CÔNG GIAI ĐOẠN 2022 - 2023"], merge_to=6)
    s.add([None] * 5 + ["ĐVT: triệu đồng"])
    s.add(["TT", "Nội dung", "Năm 2022", None, "Năm 2023", None])
    s.add([None, None, "KH", "TH", "KH", "TH"])
    h = len(s.rows) - 1
    s.merges += [(h, 1, h + 1, 1), (h, 2, h + 1, 2), (h, 3, h, 4), (h, 5, h, 6)]
    truth = []
    for i, p in enumerate(("training", "demonstration", "products", "information", "capacity")):
        vals = []
        for y in (2022, 2023):
            plan = tr(rng, 100, 900)
            act = plan - pick(rng, (0, 10, 30)) * TRIEU
            vals += [plan, act]
            truth.append(E(y, "plan", "", "unspecified", p, "allocation", plan, None))
            truth.append(E(y, "actual", "executed", "unspecified", p, "allocation", act, None))
        s.add([i + 1, NEW_PROGRAM_LINES[p], *[in_unit(v, "trieu") for v in vals]])
    return lay(lid, "summary by programme, 'Năm 2022' / 'Năm 2023' groups each over 'KH' | 'TH'", "years_kh_th",
               "KH TH KC 2022-2023", [s], truth, prov)


# ----------------------------------------------------------------------------------------- districts


BD_DISTRICTS = ("TP. Thủ Dầu Một", "TP. Dĩ An", "TP. Thuận An", "TX. Tân Uyên", "TX. Bến Cát", "H. Bàu Bàng",
                "H. Dầu Tiếng", "H. Phú Giáo")


def h14_district_columns(lid: str) -> Layout:
    """Programme lines × one column per district + 'Toàn tỉnh' (their sum). One record per line with the
    province total (the tidy table's key allows one record per row, year, stage and source)."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2017, "Bình Dương"
    ncols = 3 + len(BD_DISTRICTS)
    s = Sheet("Theo dia ban")
    agency(s, prov, ncols)
    s.add([f"PHÂN BỔ KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y} THEO ĐỊA BÀN"], merge_to=ncols)
    s.add([None] * (ncols - 1) + ["ĐVT: triệu đồng"])
    s.add(["STT", "Nội dung", *BD_DISTRICTS, "Toàn tỉnh"])
    truth = []
    for i, p in enumerate(("training", "demonstration", "products", "information")):
        cells = [tr(rng, 10, 120) if rng.random() < 0.6 else 0 for _ in BD_DISTRICTS]
        cells[0] = cells[0] or 20 * TRIEU
        total = sum(cells)
        s.add([i + 1, NEW_PROGRAM_LINES[p], *[in_unit(v, "trieu") if v else None for v in cells], in_unit(total, "trieu")])
        truth.append(E(y, "plan", "approved", "local", p, "allocation", total, None))
    return lay(lid, "programme lines × one column per district (TP./TX./H. prefixes) + 'Toàn tỉnh' (their sum); "
               "truth: one record per line, the province total", "district_columns", f"Phan bo KCDP {y}", [s], truth,
               prov)


def h15_district_subtotals(lid: str, scale: Scale | None = None) -> Layout:
    """Project list grouped by district: a 'Huyện X' row, its projects, 'Cộng huyện X'; 'Tổng cộng' at the end.
    ``scale``: scale.lines projects over the three districts."""
    rng = seeded(lid, scale)
    y, prov = (scale.year, scale.province) if scale else (2024, "Nghệ An")
    per_district = [scale.lines // 3 + (g < scale.lines % 3) for g in range(3)] if scale else []
    s = Sheet("Theo huyen")
    agency(s, prov, 6)
    s.add([f"DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐƯỢC PHÊ DUYỆT NĂM {y}"], merge_to=6)
    s.add([None] * 5 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Cơ sở thụ hưởng", "Huyện", "KCQG", "KCĐP"])
    truth, grand = [], [0, 0]
    n = 0
    for g, dist in enumerate(("Nghĩa Đàn", "Quỳnh Lưu", "Đô Lương")):
        s.add([ROMAN[g], f"Huyện {dist}"])
        sub = [0, 0]
        for p in ([pick(rng, PROGRAMS6) for _ in range(per_district[g])] if scale
                  else programs(rng, rng.randrange(2, 4))):
            n += 1
            q = tr(rng, 200, 600) if p == "demonstration" else 0
            d = tr(rng, 40, 250)
            s.add([n, title_of(rng, p), pick(rng, BENEFICIARIES), dist, in_unit(q, "trieu") if q else None,
                   in_unit(d, "trieu")])
            for src, v in (("national", q), ("local", d)):
                if v:
                    truth.append(E(y, "plan", "approved", src, p, "project", v, 1))
            sub = [sub[0] + q, sub[1] + d]
        s.add([None, f"Cộng huyện {dist}", None, None, in_unit(sub[0], "trieu") if sub[0] else None,
               in_unit(sub[1], "trieu")])
        grand = [grand[0] + sub[0], grand[1] + sub[1]]
    s.add([None, "Tổng cộng", None, None, in_unit(grand[0], "trieu"), in_unit(grand[1], "trieu")])
    return lay(lid, "project list grouped by district: 'Huyện X' group rows, a district column, 'Cộng huyện X' "
               "subtotals, 'Tổng cộng'", "district_subtotals", f"DM de an theo huyen {y}", [s], truth, prov,
               lines=scale.lines if scale else 0)


# ----------------------------------------------------------------------------------------- below the table


def h16_notes_signatures(lid: str) -> Layout:
    """A plain list followed by 'Ghi chú:' paragraphs with amounts in them, a 'Bằng chữ' line, a place-date line
    and signatures."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Thanh Hóa"
    s = Sheet("Sheet1")
    agency(s, prov, 5)
    s.add([f"KẾ HOẠCH KHUYẾN CÔNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thực hiện", "Kinh phí", "Ghi chú"])
    truth, total = [], 0
    for i, p in enumerate(programs(rng, 5)):
        v = tr(rng, 50, 600)
        total += v
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(v, "trieu"), None])
        truth.append(E(y, "plan", "", "unspecified", p, "project", v, 1))
    s.add([None, "Tổng cộng", None, in_unit(total, "trieu"), None])
    s.add([None, "(Bằng chữ: tổng kinh phí theo danh mục trên)"])
    s.blank()
    s.add(["Ghi chú:"])
    s.add(["(1) Đề án số 3 đã bao gồm", 50, "triệu đồng kinh phí chuyển tiếp từ năm trước."])
    s.add(["(2) Tổng dự toán năm được giao:", in_unit(total + 200 * TRIEU, "trieu"), "triệu đồng, còn lại", 200,
           "triệu đồng chưa phân bổ."])
    signature(s, "Thanh Hóa", y, 5)
    return lay(lid, "plain plan list followed by 'Ghi chú:' lines with amounts in cells (50, the year's budget), "
               "a 'Bằng chữ' line, place-date line and signatures", "notes_signatures", f"KH KC {y}", [s], truth, prov)


# ----------------------------------------------------------------------------------------- more shapes


def fold(text: str) -> str:
    """Text as typed without a Vietnamese keyboard: no diacritics, đ → d."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def h17_second_table_below(lid: str) -> Layout:
    """A project list, then a second small table below it on the same sheet ('BIỂU 2', its own header
    'Nội dung | Số đề án | Kinh phí') of programme lines with counts: allocation records of other money."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Lâm Đồng"
    s = Sheet("KH KCDP")
    agency(s, prov, 5)
    s.add([f"KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=5)
    s.add(["Biểu 1: Các đề án hỗ trợ cơ sở CNNT"])
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí", "Ghi chú"])
    truth, total = [], 0
    for i, p in enumerate(("demonstration", "demonstration", "products", "training")):
        v = tr(rng, 80, 500)
        total += v
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(v, "trieu"), None])
        truth.append(E(y, "plan", "", "local", p, "project", v, 1))
    s.add([None, "Cộng biểu 1", None, in_unit(total, "trieu"), None])
    s.blank()
    s.blank()
    s.add(["Biểu 2: Các hoạt động khuyến công chung"])
    s.add(["STT", "Nội dung", "Số đề án", "Kinh phí"])
    total = 0
    for i, p in enumerate(("information", "capacity")):
        n, v = rng.randrange(1, 4), tr(rng, 40, 200)
        total += v
        s.add([i + 1, NEW_PROGRAM_LINES[p], n, in_unit(v, "trieu")])
        truth.append(E(y, "plan", "", "local", p, "allocation", v, n))
    s.add([None, "Cộng biểu 2", None, in_unit(total, "trieu")])
    return lay(lid, "project list, then a second small table below on the same sheet ('Biểu 2', own header "
               "'Nội dung | Số đề án | Kinh phí', programme lines with counts)", "second_table_below",
               f"KH KCDP {y} hai bieu", [s], truth, prov)


def h18_unaccented_caps(lid: str) -> Layout:
    """Everything typed without diacritics, headers in capitals ('TEN DE AN', 'KINH PHI KCQG' …)."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2022, "Nghệ An"
    s = Sheet("Sheet1")
    s.add(["UBND TINH NGHE AN", None, None, None, "CONG HOA XA HOI CHU NGHIA VIET NAM"])
    s.add(["SO CONG THUONG", None, None, None, "Doc lap - Tu do - Hanh phuc"])
    s.blank()
    s.add([f"KE HOACH KINH PHI KHUYEN CONG NAM {y}"], merge_to=6)
    s.add([None] * 5 + ["DVT: trieu dong"])
    s.add(["STT", "TEN DE AN", "DON VI THU HUONG", "KINH PHI KCQG", "KINH PHI KCDP", "VON DOI UNG"])
    truth, tot = [], [0, 0, 0]
    for i, p in enumerate(programs(rng, 5)):
        q = tr(rng, 200, 700) if p == "demonstration" or i == 0 else 0
        d = tr(rng, 40, 300)
        u = tr(rng, 300, 1500) if q else 0
        s.add([i + 1, fold(title_of(rng, p)), fold(pick(rng, BENEFICIARIES)),
               *[in_unit(v, "trieu") if v else None for v in (q, d, u)]])
        for src, v in (("national", q), ("local", d), ("counterpart", u)):
            if v:
                truth.append(E(y, "plan", "", src, p, "project", v, 1))
        tot = [a + b for a, b in zip(tot, (q, d, u), strict=True)]
    s.add([None, "TONG CONG", None, *[in_unit(v, "trieu") for v in tot]])
    return lay(lid, "typed without diacritics: 'KE HOACH KINH PHI KHUYEN CONG', headers 'TEN DE AN | KINH PHI KCQG | "
               "KINH PHI KCDP | VON DOI UNG', unaccented titles, 'DVT: trieu dong', 'TONG CONG'", "unaccented_caps",
               f"KH KC {y} khong dau", [s], truth, prov)


def h19_bilingual(lid: str) -> Layout:
    """Vietnamese / English headers ('Kinh phí KCQG / National budget' …), a 'Tổng cộng / Total' check column."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2021, "Bình Dương"
    s = Sheet("Results 2021")
    agency(s, prov, 7)
    s.add([f"KẾT QUẢ THỰC HIỆN KHUYẾN CÔNG NĂM {y} / INDUSTRIAL PROMOTION RESULTS {y}"], merge_to=7)
    s.add([None] * 6 + ["ĐVT: triệu đồng / Unit: million VND"])
    s.add(["STT / No.", "Tên đề án / Project", "Đơn vị thụ hưởng / Beneficiary", "Kinh phí KCQG / National budget",
           "Kinh phí KCĐP / Local budget", "Vốn đối ứng / Counterpart fund", "Tổng cộng / Total"])
    truth, tot = [], [0, 0, 0]
    for i, p in enumerate(programs(rng, 5)):
        q = tr(rng, 150, 600) if i < 2 else 0
        d = tr(rng, 40, 300)
        u = tr(rng, 200, 1200) if i % 2 == 0 else 0
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES),
               *[in_unit(v, "trieu") if v else None for v in (q, d, u)], in_unit(q + d + u, "trieu")])
        for src, v in (("national", q), ("local", d), ("counterpart", u)):
            if v:
                truth.append(E(y, "actual", "executed", src, p, "project", v, 1))
        tot = [a + b for a, b in zip(tot, (q, d, u), strict=True)]
    s.add([None, "Tổng cộng / Total", None, *[in_unit(v, "trieu") for v in tot], in_unit(sum(tot), "trieu")])
    return lay(lid, "bilingual headers ('Tên đề án / Project', 'Kinh phí KCQG / National budget' …, 'Tổng cộng / Total' "
               "check column), bilingual title and unit line", "bilingual", f"KQ KC {y} bilingual", [s], truth, prov)


def h20_abbreviations(lid: str) -> Layout:
    """Abbreviated headers not in vocab/: 'Tên ĐA', 'Tổng KP' (check), 'KP NSTƯ', 'KP NSĐP', 'DN ĐƯ'."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2025, "Phú Thọ"
    s = Sheet("DM 2025")
    agency(s, prov, 7)
    s.add([f"DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỀ XUẤT NĂM {y}"], merge_to=7)
    s.add([None] * 6 + ["ĐVT: tr.đ"])
    s.add(["TT", "Tên ĐA", "ĐV thụ hưởng", "Tổng KP", "KP NSTƯ", "KP NSĐP", "DN ĐƯ"])
    truth, tot = [], [0, 0, 0]
    for i, p in enumerate(programs(rng, 5)):
        q = tr(rng, 150, 600) if i in (0, 3) else 0
        d = tr(rng, 30, 250)
        u = tr(rng, 200, 1500) if q else tr(rng, 20, 100)
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(q + d + u, "trieu"),
               *[in_unit(v, "trieu") if v else None for v in (q, d, u)]])
        for src, v in (("national", q), ("local", d), ("counterpart", u)):
            if v:
                truth.append(E(y, "plan", "proposed", src, p, "project", v, 1))
        tot = [a + b for a, b in zip(tot, (q, d, u), strict=True)]
    s.add([None, "Tổng", None, in_unit(sum(tot), "trieu"), *[in_unit(v, "trieu") for v in tot]])
    return lay(lid, "abbreviated headers not in vocab/: 'Tên ĐA | ĐV thụ hưởng | Tổng KP (check) | KP NSTƯ | KP NSĐP | "
               "DN ĐƯ', unit 'tr.đ', proposal list", "abbreviations", f"De xuat KC {y}", [s], truth, prov)


def h21_typos(lid: str) -> Layout:
    """Typos of real files: 'Kinh phi KCQG' (no accent), 'KCÐP' with the Icelandic Ð (U+00D0), 'Vốn đối úng',
    'Đơn vị thu hưởng', double and trailing spaces, 'Tổng công' for the total row."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Vĩnh Long"
    s = Sheet("Sheet1")
    agency(s, prov, 6)
    s.add([f"KẾ HOẠCH  KHUYẾN CÔNG NĂM {y}"], merge_to=6)
    s.add([None] * 5 + ["ĐVT:  triệu đồng "])
    s.add(["STT", "Tên  đề án ", "Đơn vị thu hưởng", "Kinh phi KCQG", "Kinh phí KC\u00d0P", "Vốn đối úng"])
    truth, tot = [], [0, 0, 0]
    for i, p in enumerate(programs(rng, 5)):
        q = tr(rng, 150, 600) if i < 2 else 0
        d = tr(rng, 30, 250)
        u = tr(rng, 200, 1500) if i % 2 == 0 else 0
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), *[in_unit(v, "trieu") if v else None for v in (q, d, u)]])
        for src, v in (("national", q), ("local", d), ("counterpart", u)):
            if v:
                truth.append(E(y, "plan", "", src, p, "project", v, 1))
        tot = [a + b for a, b in zip(tot, (q, d, u), strict=True)]
    s.add([None, "Tổng công", None, *[in_unit(v, "trieu") for v in tot]])
    return lay(lid, "typos: 'Kinh phi KCQG', 'KCÐP' with Icelandic Ð (U+00D0), 'Vốn đối úng', 'Đơn vị thu hưởng', double/"
               "trailing spaces, total row 'Tổng công'", "typos", f"KH KC {y} typo", [s], truth, prov)


def h22_csv_semicolon_decimal_comma(lid: str) -> Layout:
    """CSV saved by Excel with Vietnamese settings: ';' separator, '1.250,5' amounts (dot groups, comma decimal)."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Lâm Đồng"
    s = Sheet("csv")
    s.add([f"KẾ HOẠCH KHUYẾN CÔNG NĂM {y} TỈNH LÂM ĐỒNG"])
    s.add(["ĐVT: triệu đồng"])
    s.add(["STT", "Nội dung", "Số đề án", "Kinh phí KCQG", "Kinh phí KCĐP"])
    truth = []
    for i, p in enumerate(("training", "demonstration", "products", "information", "consulting")):
        n = rng.randrange(1, 6)
        q = (rng.randrange(800, 2400) * TRIEU + 500_000) if p == "demonstration" else 0
        d = rng.randrange(40, 400) * TRIEU + (500_000 if i % 2 else 0)
        s.add([i + 1, NEW_PROGRAM_LINES[p], n, vn_number(q / TRIEU) if q else "", vn_number(d / TRIEU)])
        for src, v in (("national", q), ("local", d)):
            if v:
                truth.append(E(y, "plan", "", src, p, "allocation", v, n))
    return lay(lid, "CSV ';' + decimal comma: '1.250,5' triệu, summary by programme with counts, title + unit lines",
               "csv_semicolon_decimal_comma", f"KH KC {y}", [s], truth, prov, fmt="csv", sep=";")


def h23_csv_utf16_tab(lid: str) -> Layout:
    """Excel's 'Unicode Text': UTF-16 LE with BOM, tab-separated, a project list."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2022, "Hà Tĩnh"
    s = Sheet("csv")
    s.add(["SỞ CÔNG THƯƠNG TỈNH HÀ TĨNH"])
    s.add([f"KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG NĂM {y}"])
    s.add(["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Cơ sở thụ hưởng", "KCQG", "KCĐP"])
    truth, tot = [], [0, 0]
    for i, p in enumerate(programs(rng, 5)):
        q = tr(rng, 200, 700) if i < 2 else 0
        d = tr(rng, 40, 300)
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(q, "trieu") if q else "", in_unit(d, "trieu")])
        for src, v in (("national", q), ("local", d)):
            if v:
                truth.append(E(y, "actual", "executed", src, p, "project", v, 1))
        tot = [tot[0] + q, tot[1] + d]
    s.add(["", "Tổng cộng", "", in_unit(tot[0], "trieu"), in_unit(tot[1], "trieu")])
    return lay(lid, "CSV as Excel 'Unicode Text': UTF-16 LE with BOM, tab-separated project list", "csv_utf16_tab",
               f"KQ KC {y} unicode", [s], truth, prov, fmt="csv", sep="\t", enc="utf-16")


def h24_csv_cp1258(lid: str) -> Layout:
    """CSV in Windows-1258 (tone marks stored as combining characters), ';' separated, a plan list."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Đồng Tháp"
    s = Sheet("csv")
    s.add(["UBND TỈNH ĐỒNG THÁP"])
    s.add([f"KẾ HOẠCH KHUYẾN CÔNG NĂM {y}"])
    s.add(["Đơn vị tính: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thực hiện", "Kinh phí KCQG", "Kinh phí KCĐP", "Vốn đối ứng"])
    truth = []
    for i, p in enumerate(programs(rng, 5)):
        q = tr(rng, 200, 700) if i < 2 else 0
        d = tr(rng, 40, 300)
        u = tr(rng, 200, 900) if i % 2 == 0 else 0
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), *[in_unit(v, "trieu") if v else "" for v in (q, d, u)]])
        for src, v in (("national", q), ("local", d), ("counterpart", u)):
            if v:
                truth.append(E(y, "plan", "", src, p, "project", v, 1))
    return lay(lid, "CSV in Windows-1258 with combining tone marks, ';' separated plan list KCQG|KCĐP|Đối ứng",
               "csv_cp1258", f"KH KC {y} cp1258", [s], truth, prov, fmt="csv", sep=";", enc="cp1258")


def h25_decree45_wordings(lid: str) -> Layout:
    """Summary by programme whose lines are the nine contents of Decree 45/2012 Art. 4, worded as the decree."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2025, "Quảng Nam"
    s = Sheet("Du toan")
    agency(s, prov, 4)
    s.add([f"DỰ TOÁN KINH PHÍ KHUYẾN CÔNG QUỐC GIA NĂM {y}"], merge_to=4)
    s.add([None] * 3 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Nội dung hoạt động khuyến công (Điều 4 Nghị định 45/2012/NĐ-CP)", "Số đề án", "Kinh phí"])
    truth, lines = [], []
    for code, text in DECREE45_ART4:
        n = rng.randrange(1, 5)
        v = n * tr(rng, 50, 300)
        lines.append((text, n, v))
        truth.append(E(y, "plan", "approved", "national", code, "allocation", v, n))
    for i, (text, n, v) in enumerate(lines):
        s.add([i + 1, text, n, in_unit(v, "trieu")])
    s.add([None, "Tổng cộng", sum(x[1] for x in lines), in_unit(sum(x[2] for x in lines), "trieu")])
    return lay(lid, "summary by programme: the nine contents of Decree 45/2012 Art. 4 word for word (long lines), "
               "'Số đề án', KCQG estimate", "decree45_lines", f"Du toan KCQG {y}", [s], truth, prov)


def h26_content_lines_counts(lid: str) -> Layout:
    """Summary by 'nội dung hỗ trợ' (what was supported, not the programme names) with 'Số lượng (đề án)'."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2025, "Tây Ninh"
    contents = (("Hỗ trợ máy móc, thiết bị cho cơ sở sản xuất", "demonstration"),
                ("Tổ chức, tham gia hội chợ triển lãm", "products"),
                ("Mở lớp đào tạo nghề cho lao động nông thôn", "training"),
                ("Xây dựng chuyên mục, phóng sự truyền hình về khuyến công", "information"),
                ("Tư vấn thiết kế mẫu mã, bao bì sản phẩm", "consulting"))
    s = Sheet("Uoc TH")
    agency(s, prov, 5)
    s.add([f"ƯỚC THỰC HIỆN KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Nội dung hỗ trợ", "Số lượng (đề án)", "Kinh phí KCĐP", "Vốn đối ứng"])
    truth, tot = [], [0, 0, 0]
    for i, (text, code) in enumerate(contents):
        n = rng.randrange(1, 7)
        d = n * tr(rng, 30, 150)
        u = n * tr(rng, 100, 400) if code in ("demonstration", "products") else 0
        s.add([i + 1, text, n, in_unit(d, "trieu"), in_unit(u, "trieu") if u else None])
        truth.append(E(y, "actual", "estimated", "local", code, "allocation", d, n))
        if u:
            truth.append(E(y, "actual", "estimated", "counterpart", code, "allocation", u, n))
        tot = [tot[0] + n, tot[1] + d, tot[2] + u]
    s.add([None, "Tổng số", tot[0], in_unit(tot[1], "trieu"), in_unit(tot[2], "trieu")])
    return lay(lid, "summary by 'Nội dung hỗ trợ' (content lines, not programme names) with 'Số lượng (đề án)', "
               "KCĐP + đối ứng, estimate", "content_lines_counts", f"Uoc TH KCDP {y}", [s], truth, prov)


def h27_cover_sheet(lid: str) -> Layout:
    """A cover sheet ('Bìa': title, a 'Tổng kinh phí: … triệu đồng' line, dates) before the data sheet."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2025, "Thái Bình"
    cover = Sheet("Bìa")
    cover.add(["UBND TỈNH THÁI BÌNH"])
    cover.add(["SỞ CÔNG THƯƠNG"])
    cover.blank()
    cover.add([f"HỒ SƠ KẾ HOẠCH KHUYẾN CÔNG NĂM {y}"])
    data = Sheet("Danh muc")
    agency(data, prov, 5)
    data.add([f"KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=5)
    data.add([None] * 4 + ["ĐVT: triệu đồng"])
    data.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí", "Ghi chú"])
    truth, total = [], 0
    for i, p in enumerate(programs(rng, 5)):
        v = tr(rng, 50, 500)
        total += v
        data.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(v, "trieu"), None])
        truth.append(E(y, "plan", "", "local", p, "project", v, 1))
    data.add([None, "Tổng cộng", None, in_unit(total, "trieu"), None])
    cover.add(["Tổng kinh phí:", in_unit(total, "trieu"), "triệu đồng"])
    cover.add(["Số đề án:", 5])
    cover.add([f"Thái Bình, tháng 01 năm {y}"])
    return lay(lid, "cover sheet 'Bìa' (title, 'Tổng kinh phí: N triệu đồng', 'Số đề án: 5', date) before the data "
               "sheet — the cover is never data", "cover_sheet", f"Ho so KH KC {y}", [cover, data], truth, prov)


def h28_long_preamble(lid: str) -> Layout:
    """'Căn cứ …' lines citing decrees and circulars of other years (2012, 2018, 2020) above the table; the header
    starts on row 14."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2025, "Hà Tĩnh"
    s = Sheet("QD phe duyet")
    agency(s, prov, 5)
    s.add([f"DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG ĐƯỢC PHÊ DUYỆT NĂM {y}"], merge_to=5)
    for line in ("Căn cứ Nghị định số 45/2012/NĐ-CP ngày 21/5/2012 của Chính phủ về khuyến công;",
                 "Căn cứ Thông tư số 28/2018/TT-BTC ngày 28/3/2018 của Bộ Tài chính;",
                 "Căn cứ Nghị quyết số 15/2020/NQ-HĐND ngày 10/12/2020 quy định mức hỗ trợ 500 triệu đồng/đề án;",
                 "Xét đề nghị của Trung tâm Khuyến công tại Tờ trình số 87/TTr-TTKC."):
        s.add([line], merge_to=5)
    s.blank()
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí hỗ trợ", "Ghi chú"])
    truth, total = [], 0
    for i, p in enumerate(programs(rng, 5)):
        v = tr(rng, 50, 480)
        total += v
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(v, "trieu"), None])
        truth.append(E(y, "plan", "approved", "local", p, "project", v, 1))
    s.add([None, "Tổng cộng", None, in_unit(total, "trieu"), None])
    return lay(lid, "long 'Căn cứ …' preamble citing 2012/2018/2020 texts and '500 triệu đồng/đề án' above the table "
               "(header on row 14)", "long_preamble", f"QD phe duyet KCDP {y}", [s], truth, prov)


def h29_continuation_rows(lid: str) -> Layout:
    """Each project's text wraps onto a second row (beneficiary address, 'Địa chỉ: …') with no amount."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Bắc Giang"
    s = Sheet("DS")
    agency(s, prov, 5)
    s.add([f"DANH SÁCH ĐỀ ÁN KHUYẾN CÔNG QUỐC GIA NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí", "Ghi chú"])
    truth, total = [], 0
    for i, p in enumerate(programs(rng, 5)):
        v = tr(rng, 150, 900)
        total += v
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(v, "trieu"), None])
        s.add([None, "(thời gian thực hiện: quý II - quý IV)", f"Địa chỉ: xã {pick(rng, ('Tân Sơn', 'Hòa Bình', 'Minh Đức'))}"])
        truth.append(E(y, "unspecified", "", "national", p, "project", v, 1))
    s.add([None, "Tổng cộng", None, in_unit(total, "trieu"), None])
    return lay(lid, "KCQG list without a stage word, each project followed by a continuation row (time, address) "
               "without amounts", "continuation_rows", f"DS KCQG {y}", [s], truth, prov)


def h30_year_sections(lid: str) -> Layout:
    """One sheet, sections per year: 'NĂM 2022' row, its projects, 'Cộng năm 2022'; then 'NĂM 2023' …"""
    rng = random.Random(f"{SEED}-{lid}")
    prov = "Thanh Hóa"
    s = Sheet("Nghiem thu")
    agency(s, prov, 5)
    s.add(["DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐÃ NGHIỆM THU GIAI ĐOẠN 2022 - 2023"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "KCQG", "KCĐP"])
    truth, grand = [], [0, 0]
    for g, y in enumerate((2022, 2023)):
        s.add([ROMAN[g], f"NĂM {y}"])
        sub = [0, 0]
        for j, p in enumerate(programs(rng, 3)):
            q = tr(rng, 200, 600) if j == 0 else 0
            d = tr(rng, 40, 300)
            s.add([j + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(q, "trieu") if q else None,
                   in_unit(d, "trieu")])
            for src, v in (("national", q), ("local", d)):
                if v:
                    truth.append(E(y, "actual", "settled", src, p, "project", v, 1))
            sub = [sub[0] + q, sub[1] + d]
        s.add([None, f"Cộng năm {y}", None, in_unit(sub[0], "trieu"), in_unit(sub[1], "trieu")])
        grand = [grand[0] + sub[0], grand[1] + sub[1]]
    s.add([None, "Tổng cộng", None, in_unit(grand[0], "trieu"), in_unit(grand[1], "trieu")])
    return lay(lid, "one sheet, a section per year ('NĂM 2022' group row, projects, 'Cộng năm 2022'), settled list "
               "2022-2023", "year_sections", "Nghiem thu KC 2022-2023", [s], truth, prov)


def h31_merged_group_column(lid: str) -> Layout:
    """A 'Lĩnh vực' column whose cell is merged vertically over its 2–3 projects; titles name no programme."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Quảng Nam"
    s = Sheet("DM")
    agency(s, prov, 5)
    s.add([f"KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Lĩnh vực", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí"])
    truth, n = [], 0
    for p in ("training", "demonstration", "products"):
        first = len(s.rows) + 1
        for j in range(rng.randrange(2, 4)):
            n += 1
            benef = pick(rng, BENEFICIARIES)
            v = tr(rng, 50, 400)
            s.add([n, NEW_PROGRAM_LINES[p] if j == 0 else None, f"Đề án hỗ trợ {benef}", benef, in_unit(v, "trieu")])
            truth.append(E(y, "plan", "", "local", p, "project", v, 1))
        s.merges.append((first, 2, len(s.rows), 2))
    s.add([None, "Tổng cộng", None, None, in_unit(sum(t.amount_vnd for t in truth), "trieu")])
    return lay(lid, "'Lĩnh vực' column merged vertically over its 2–3 projects; project titles ('Đề án hỗ trợ <cơ sở>') "
               "name no programme", "merged_group_column", f"KH KCDP {y} linh vuc", [s], truth, prov)


def h32_thousand_dong_unit(lid: str) -> Layout:
    """Amounts in nghìn đồng, declared 'ĐVT: 1.000đ'."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2021, "Vĩnh Long"
    s = Sheet("Sheet1")
    agency(s, prov, 5)
    s.add([f"KẾ HOẠCH KHUYẾN CÔNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: 1.000đ"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "KCQG", "KCĐP"])
    truth, tot = [], [0, 0]
    for i, p in enumerate(programs(rng, 5)):
        q = rng.randrange(150_000, 600_000) * 1000 if i < 2 else 0
        d = rng.randrange(30_000, 250_000) * 1000
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), vn_number(q // 1000) if q else None,
               vn_number(d // 1000)])
        for src, v in (("national", q), ("local", d)):
            if v:
                truth.append(E(y, "plan", "", src, p, "project", v, 1))
        tot = [tot[0] + q, tot[1] + d]
    s.add([None, "Tổng cộng", None, vn_number(tot[0] // 1000), vn_number(tot[1] // 1000)])
    return lay(lid, "unit 'ĐVT: 1.000đ' (nghìn đồng), amounts as text '245.320'", "thousand_dong_unit",
               f"KH KC {y} nghin dong", [s], truth, prov, unit="nghin")


def h33_billion_unit(lid: str) -> Layout:
    """A summary by programme in tỷ đồng with decimals ('1,25'), header 'Kinh phí (tỷ đồng)'."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Bình Dương"
    s = Sheet("Tong hop")
    agency(s, prov, 4)
    s.add([f"KẾT QUẢ THỰC HIỆN KHUYẾN CÔNG NĂM {y}"], merge_to=4)
    s.blank()
    s.add(["STT", "Chương trình", "Số đề án", "Kinh phí (tỷ đồng)"])
    truth, lines = [], []
    for p in ("training", "demonstration", "products", "information"):
        n = rng.randrange(2, 9)
        v = rng.randrange(10, 300) * 10 * TRIEU  # whole hundredths of a tỷ
        lines.append((p, n, v))
        truth.append(E(y, "actual", "executed", "unspecified", p, "allocation", v, n))
    for i, (p, n, v) in enumerate(lines):
        s.add([i + 1, NEW_PROGRAM_LINES[p], n, vn_number(v / 1e9, 2)])
    s.add([None, "Tổng cộng", sum(x[1] for x in lines), vn_number(sum(x[2] for x in lines) / 1e9, 2)])
    return lay(lid, "summary by programme in tỷ đồng with two decimals as text ('1,25'), header 'Kinh phí (tỷ đồng)'",
               "billion_unit", f"KQ KC {y} ty dong", [s], truth, prov, unit="dong")


def h34_three_level_hierarchy(lid: str) -> Layout:
    """A. KCQG / B. KCĐP sections, each with Roman programme groups carrying their sums on the group row, Arabic
    projects; a single 'Kinh phí' column; 'TỔNG SỐ (A+B)' on top."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Đồng Tháp"
    s = Sheet("Tong hop")
    agency(s, prov, 4)
    s.add([f"TÌNH HÌNH THỰC HIỆN KINH PHÍ KHUYẾN CÔNG NĂM {y}"], merge_to=4)
    s.add([None] * 3 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Nội dung", "Đơn vị thực hiện", "Kinh phí"])
    body, truth = [], []
    grand = 0
    for letter, label, src, progs in (("A", "KHUYẾN CÔNG QUỐC GIA", "national", ("demonstration", "products")),
                                      ("B", "KHUYẾN CÔNG ĐỊA PHƯƠNG", "local", ("training", "demonstration",
                                                                               "information"))):
        sec_rows, sec_total = [], 0
        for g, p in enumerate(progs):
            items = [(title_of(rng, p), tr(rng, 50, 500)) for _ in range(rng.randrange(1, 4))]
            gsum = sum(v for _, v in items)
            sec_rows.append([ROMAN[g], NEW_PROGRAM_LINES[p].upper(), None, in_unit(gsum, "trieu")])
            for j, (t, v) in enumerate(items):
                sec_rows.append([j + 1, t, pick(rng, BENEFICIARIES), in_unit(v, "trieu")])
                truth.append(E(y, "actual", "executed", src, p, "project", v, 1))
            sec_total += gsum
        body.append([letter, label, None, in_unit(sec_total, "trieu")])
        body += sec_rows
        grand += sec_total
    s.add([None, "TỔNG SỐ (A+B)", None, in_unit(grand, "trieu")])
    for row in body:
        s.add(row)
    return lay(lid, "three levels: 'TỔNG SỐ (A+B)' on top, A. KCQG / B. KCĐP sections, Roman programme groups "
               "carrying their sums, Arabic projects, one 'Kinh phí' column", "three_level_hierarchy",
               f"TH KC {y} ba cap", [s], truth, prov)


def h35_source_rows_abbrev(lid: str) -> Layout:
    """Summary by funding source with abbreviated rows ('NS TƯ', 'NS ĐP', 'DN ĐƯ') and 'KH 2024' | 'TH 2024'."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Nghệ An"
    s = Sheet("Nguon von")
    agency(s, prov, 5)
    s.add([f"KINH PHÍ KHUYẾN CÔNG NĂM {y} THEO NGUỒN VỐN"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["TT", "Nguồn vốn", f"KH {y}", f"TH {y}", "TH/KH (%)"])
    truth, tot = [], [0, 0]
    for i, (label, src) in enumerate((("NS TƯ", "national"), ("NS ĐP", "local"), ("DN ĐƯ", "counterpart"))):
        plan = tr(rng, 800, 3000)
        act = plan - pick(rng, (0, 20, 50)) * TRIEU
        s.add([i + 1, label, in_unit(plan, "trieu"), in_unit(act, "trieu"), round(100 * act / plan, 1)])
        truth.append(E(y, "plan", "", src, "", "allocation", plan, None))
        truth.append(E(y, "actual", "executed", src, "", "allocation", act, None))
        tot = [tot[0] + plan, tot[1] + act]
    s.add([None, "Tổng cộng", in_unit(tot[0], "trieu"), in_unit(tot[1], "trieu"), round(100 * tot[1] / tot[0], 1)])
    return lay(lid, "summary by funding source, rows 'NS TƯ' / 'NS ĐP' / 'DN ĐƯ' (not in vocab/), columns 'KH 2024' | "
               "'TH 2024' | 'TH/KH (%)'", "source_rows_abbrev", f"Nguon von KC {y}", [s], truth, prov)


def h36_new_project_wordings(lid: str) -> Layout:
    """A plain KCĐP plan list whose project titles are wordings not in vocab/ (NEW_TITLES), each used once."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Hà Tĩnh"
    s = Sheet("KH 2024")
    agency(s, prov, 5)
    s.add([f"KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí", "Ghi chú"])
    truth, total = [], 0
    items = [(t, p) for p, titles in NEW_TITLES.items() for t in titles]
    for i, (t, p) in enumerate(items):
        v = tr(rng, 50, 500)
        total += v
        s.add([i + 1, t, pick(rng, BENEFICIARIES), in_unit(v, "trieu"), None])
        truth.append(E(y, "plan", "", "local", p, "project", v, 1))
    s.add([None, "Tổng cộng", None, in_unit(total, "trieu"), None])
    return lay(lid, "plain KCĐP plan list whose 13 project titles are wordings not in vocab/ (NEW_TITLES: dạy nghề đan "
               "lục bình, lò nung tiết kiệm năng lượng, tập huấn nghiệp vụ cán bộ khuyến công …)",
               "new_project_wordings", f"KH KCDP {y} de an moi", [s], truth, prov)


def h37_remaining_balance(lid: str) -> Layout:
    """Budget execution of a management system's report (the shape of public budget-tracking code: 'Kế hoạch
    (dự toán) được sử dụng trong năm' | 'Kinh phí đã thanh toán, giải ngân' | 'Số kinh phí chưa GN'): the
    remaining balance is plan − disbursed, never money of its own."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Phú Thọ"
    s = Sheet("Giai ngan")
    agency(s, prov, 5)
    s.add([f"TÌNH HÌNH GIẢI NGÂN KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Dự toán được giao trong năm", "Đã thanh toán, giải ngân", "Số kinh phí chưa GN"])
    truth, tot = [], [0, 0]
    for i, p in enumerate(programs(rng, 5)):
        plan = tr(rng, 100, 600)
        paid = plan - pick(rng, (0, 0, 20, 45, 100)) * TRIEU
        s.add([i + 1, title_of(rng, p), in_unit(plan, "trieu"), in_unit(paid, "trieu"),
               in_unit(plan - paid, "trieu") if plan > paid else "-"])
        truth.append(E(y, "plan", "approved", "local", p, "project", plan, 1))
        truth.append(E(y, "actual", "disbursed", "local", p, "project", paid, 1))
        tot = [tot[0] + plan, tot[1] + paid]
    s.add([None, "Tổng cộng", in_unit(tot[0], "trieu"), in_unit(tot[1], "trieu"), in_unit(tot[0] - tot[1], "trieu")])
    return lay(lid, "budget execution: 'Dự toán được giao trong năm' | 'Đã thanh toán, giải ngân' | 'Số kinh phí chưa GN' "
               "(the balance, never money of its own)", "remaining_balance", f"Giai ngan KCDP {y}", [s], truth, prov)


def _simple_list(rng: random.Random, s: Sheet, y: int, stage: str, phase: str) -> list[Expected]:
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí KCQG", "Kinh phí KCĐP"])
    truth = []
    for i, p in enumerate(programs(rng, 4)):
        q = tr(rng, 200, 700) if i == 0 else 0
        d = tr(rng, 40, 300)
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(q, "trieu") if q else None, in_unit(d, "trieu")])
        for src, v in (("national", q), ("local", d)):
            if v:
                truth.append(E(y, stage, phase, src, p, "project", v, 1))
    return truth


def h38_spreadsheetml_xls(lid: str) -> Layout:
    """A web system's export: XML Spreadsheet 2003 (SpreadsheetML) saved with the .xls extension, as PHP report
    pages that echo '<?mso-application progid="Excel.Sheet"?>' write it."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Bắc Giang"
    s = Sheet("Bao cao")
    s.add(["SỞ CÔNG THƯƠNG TỈNH BẮC GIANG"])
    s.add([f"KẾ HOẠCH KHUYẾN CÔNG NĂM {y}"])
    s.add(["ĐVT: triệu đồng"])
    truth = _simple_list(rng, s, y, "plan", "")
    return lay(lid, "web-system export: XML Spreadsheet 2003 (SpreadsheetML) with the .xls extension, plan list",
               "spreadsheetml_xls", f"report{y}1215-101500", [s], truth, prov, fmt="xls", enc="spreadsheetml")


def h39_html_xls(lid: str) -> Layout:
    """A web system's export: an HTML table served as application/vnd.ms-excel and saved as .xls."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Tây Ninh"
    s = Sheet("Bao cao")
    s.add(["SỞ CÔNG THƯƠNG TỈNH TÂY NINH"])
    s.add([f"KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG NĂM {y}"])
    s.add(["ĐVT: triệu đồng"])
    truth = _simple_list(rng, s, y, "actual", "executed")
    return lay(lid, "web-system export: an HTML <table> saved as .xls (ASP.NET 'application/vnd.ms-excel'), actual list",
               "html_xls", f"BaoCaoKhuyenCong_{y}", [s], truth, prov, fmt="xls", enc="html")


def h40_stage_per_row(lid: str) -> Layout:
    """Each project on two rows, 'Kế hoạch' and 'Thực hiện' in a 'KH/TH' column, the title merged over both."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2022, "Thái Bình"
    s = Sheet("KH-TH 2022")
    agency(s, prov, 5)
    s.add([f"TỔNG HỢP ĐỀ ÁN KHUYẾN CÔNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "KH/TH", "KCQG", "KCĐP"])
    truth = []
    for i, p in enumerate(programs(rng, 4)):
        q = tr(rng, 200, 600) if i < 2 else 0
        d = tr(rng, 40, 300)
        first = len(s.rows) + 1
        for label, stage, phase, cut in (("Kế hoạch", "plan", "", 0), ("Thực hiện", "actual", "executed", 10 * TRIEU)):
            qq, dd = (q - cut if q else 0), d - cut
            s.add([i + 1 if stage == "plan" else None, title_of(rng, p) if stage == "plan" else None, label,
                   in_unit(qq, "trieu") if qq else None, in_unit(dd, "trieu")])
            for src, v in (("national", qq), ("local", dd)):
                if v:
                    truth.append(E(y, stage, phase, src, p, "project", v, 1))
        s.merges += [(first, 1, first + 1, 1), (first, 2, first + 1, 2)]
    return lay(lid, "stage per row: each project on two rows 'Kế hoạch' / 'Thực hiện' in a 'KH/TH' column, STT and title "
               "merged over both, KCQG | KCĐP", "stage_per_row", f"Tong hop KH TH {y}", [s], truth, prov)


def h41_side_by_side(lid: str) -> Layout:
    """Two tables side by side on one sheet: 'I. KẾ HOẠCH NĂM 2023' in A:D, 'II. THỰC HIỆN NĂM 2023' in F:I."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Lâm Đồng"
    s = Sheet("So sanh")
    agency(s, prov, 9)
    s.add([f"KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=9)
    s.add([None] * 8 + ["ĐVT: triệu đồng"])
    s.add([f"I. KẾ HOẠCH NĂM {y}", None, None, None, None, f"II. THỰC HIỆN NĂM {y}"])
    s.add(["STT", "Tên đề án", "Số đề án", "Kinh phí", None, "STT", "Tên đề án", "Số đề án", "Kinh phí"])
    truth = []
    plans = [(p, rng.randrange(1, 5), tr(rng, 100, 600)) for p in ("training", "demonstration", "products", "information")]
    for i, (p, n, v) in enumerate(plans):
        act_n, act_v = max(1, n - (i % 2)), v - pick(rng, (0, 10, 25)) * TRIEU
        s.add([i + 1, NEW_PROGRAM_LINES[p], n, in_unit(v, "trieu"), None,
               i + 1, NEW_PROGRAM_LINES[p], act_n, in_unit(act_v, "trieu")])
        truth.append(E(y, "plan", "", "local", p, "allocation", v, n))
        truth.append(E(y, "actual", "executed", "local", p, "allocation", act_v, act_n))
    return lay(lid, "two tables side by side: 'I. KẾ HOẠCH NĂM 2023' (A:D) and 'II. THỰC HIỆN NĂM 2023' (F:I), each "
               "'STT | Tên đề án | Số đề án | Kinh phí', programme lines", "side_by_side", f"KH va TH KCDP {y}", [s],
               truth, prov)


def h42_breakdown_rows(lid: str) -> Layout:
    """Each project's total cost on its row, then '- Trong đó: KCQG' / '- KCĐP' / '- Vốn đối ứng' rows under it
    carrying the split in the same 'Kinh phí' column."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Quảng Nam"
    s = Sheet("Chi tiet")
    agency(s, prov, 4)
    s.add([f"DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐƯỢC PHÊ DUYỆT NĂM {y}"], merge_to=4)
    s.add([None] * 3 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án / nguồn vốn", "Đơn vị thụ hưởng", "Kinh phí"])
    truth = []
    for i, p in enumerate(programs(rng, 4)):
        parts_ = [("- Trong đó: KCQG", "national", tr(rng, 150, 500) if i % 2 == 0 else 0),
                  ("- KCĐP", "local", tr(rng, 40, 250)),
                  ("- Vốn đối ứng", "counterpart", tr(rng, 200, 900))]
        parts_ = [x for x in parts_ if x[2]]
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(sum(x[2] for x in parts_), "trieu")])
        for label, src, v in parts_:
            s.add([None, label, None, in_unit(v, "trieu")])
            truth.append(E(y, "plan", "approved", src, p, "project", v, 1))
    return lay(lid, "breakdown rows: each project's total on its row, then '- Trong đó: KCQG' / '- KCĐP' / '- Vốn đối ứng' "
               "rows carrying the split in the same column", "breakdown_rows", f"Phe duyet chi tiet {y}", [s], truth,
               prov)


def h43_formulas_without_cache(lid: str) -> Layout:
    """A file saved by a tool that writes formulas without cached values: the 'Tổng kinh phí' column is '=D7+E7'
    and the total row '=SUM(D7:D11)'; the typed source columns are the money."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Vĩnh Long"
    s = Sheet("Sheet1")
    agency(s, prov, 6)
    s.add([f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG NĂM {y}"], merge_to=6)
    s.add([None] * 5 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí KCQG", "Kinh phí KCĐP", "Tổng kinh phí"])
    truth = []
    first = len(s.rows) + 1
    for i, p in enumerate(programs(rng, 5)):
        r = len(s.rows) + 1
        q = tr(rng, 200, 700) if i < 2 else 0
        d = tr(rng, 40, 300)
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(q, "trieu") if q else None,
               in_unit(d, "trieu"), f"=D{r}+E{r}"])
        for src, v in (("national", q), ("local", d)):
            if v:
                truth.append(E(y, "plan", "", src, p, "project", v, 1))
    last = len(s.rows)
    s.add([None, "Tổng cộng", None, f"=SUM(D{first}:D{last})", f"=SUM(E{first}:E{last})", f"=SUM(F{first}:F{last})"])
    return lay(lid, "formulas without cached values (file written by a tool): 'Tổng kinh phí' '=D7+E7' per row and "
               "'=SUM(…)' total row; the typed KCQG | KCĐP cells are the money", "formulas_without_cache",
               f"KH KC {y} cong thuc", [s], truth, prov)


def h44_repeated_header(lid: str) -> Layout:
    """A long list pasted from a print layout: the header and its column-number row '(1) … (5)' repeated in the
    middle of the table (page break)."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Nghệ An"
    s = Sheet("In")
    agency(s, prov, 5)
    s.add([f"KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    header = ["STT", "Tên đề án", "Đơn vị thụ hưởng", "KCQG", "KCĐP"]
    numbers = ["(1)", "(2)", "(3)", "(4)", "(5)"]
    s.add(header)
    s.add(numbers)
    truth, tot = [], [0, 0]
    for i in range(8):
        if i == 4:
            s.add(header)
            s.add(numbers)
        p = pick(rng, list(PROJECT_TITLES))
        q = tr(rng, 200, 600) if i % 3 == 0 else 0
        d = tr(rng, 40, 300)
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(q, "trieu") if q else None, in_unit(d, "trieu")])
        for src, v in (("national", q), ("local", d)):
            if v:
                truth.append(E(y, "actual", "executed", src, p, "project", v, 1))
        tot = [tot[0] + q, tot[1] + d]
    s.add([None, "Tổng cộng", None, in_unit(tot[0], "trieu"), in_unit(tot[1], "trieu")])
    return lay(lid, "header and column-number row '(1)…(5)' repeated mid-table (print page break), actual list",
               "repeated_header", f"KQ KC {y} ban in", [s], truth, prov)


def h45_tr_suffix_cells(lid: str) -> Layout:
    """Amounts with a 'tr' suffix in the cells ('1.250tr', '85,5 tr'), no unit line, a plain 'Kinh phí' header."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2025, "Bắc Giang"
    s = Sheet("Tom tat")
    agency(s, prov, 4)
    s.add([f"KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=4)
    s.blank()
    s.add(["STT", "Nội dung", "Số đề án", "Kinh phí"])
    truth, lines = [], []
    for p in ("training", "demonstration", "products", "information"):
        n = rng.randrange(1, 6)
        v = rng.randrange(60, 2400) * TRIEU + (500_000 if rng.random() < 0.5 else 0)
        lines.append((p, n, v))
        truth.append(E(y, "plan", "", "local", p, "allocation", v, n))
    for i, (p, n, v) in enumerate(lines):
        s.add([i + 1, NEW_PROGRAM_LINES[p], n, vn_number(v / TRIEU) + pick(rng, ("tr", " tr"))])
    return lay(lid, "amounts with a 'tr' suffix in the cells ('1.250tr', '85,5 tr'), no unit line, header 'Kinh phí'",
               "tr_suffix_cells", f"KH KCDP {y} tom tat", [s], truth, prov)


def h46_ods_plan_actual_columns(lid: str) -> Layout:
    """A LibreOffice .ods: one source (the title says KCĐP), 'Kinh phí kế hoạch' | 'Kinh phí thực hiện' columns."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2022, "Hà Tĩnh"
    s = Sheet("Trang tính1")
    agency(s, prov, 5)
    s.add([f"ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"])
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí kế hoạch", "Kinh phí thực hiện"])
    truth, tot = [], [0, 0]
    for i, p in enumerate(programs(rng, 5)):
        plan = tr(rng, 60, 400)
        act = plan - pick(rng, (0, 0, 10, 15)) * TRIEU
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(plan, "trieu"), in_unit(act, "trieu")])
        truth.append(E(y, "plan", "", "local", p, "project", plan, 1))
        truth.append(E(y, "actual", "executed", "local", p, "project", act, 1))
        tot = [tot[0] + plan, tot[1] + act]
    s.add([None, "Tổng cộng", None, in_unit(tot[0], "trieu"), in_unit(tot[1], "trieu")])
    return lay(lid, "LibreOffice .ods, KCĐP in the title, 'Kinh phí kế hoạch' | 'Kinh phí thực hiện' columns (stage inside "
               "the amount header)", "ods_plan_actual_columns", f"De an KCDP {y}", [s], truth, prov, fmt="ods")


def h47_year_in_separate_cells(lid: str) -> Layout:
    """The year stated in two cells above the table ('Năm:' | 2024), the title without a year."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Đồng Tháp"
    s = Sheet("Bieu KH")
    agency(s, prov, 5)
    s.add(["KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG"], merge_to=5)
    s.add([None, "Năm:", y, None, "ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí", "Ghi chú"])
    truth, total = [], 0
    for i, p in enumerate(programs(rng, 4)):
        v = tr(rng, 50, 400)
        total += v
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(v, "trieu"), None])
        truth.append(E(y, "plan", "", "local", p, "project", v, 1))
    s.add([None, "Tổng cộng", None, in_unit(total, "trieu"), None])
    return lay(lid, "year in two cells above the table ('Năm:' | 2024), title without a year, KCĐP plan list",
               "year_in_separate_cells", "Bieu KH KCDP", [s], truth, prov)


def h48_float_noise_dong(lid: str) -> Layout:
    """Amounts in đồng computed by formulas and stored with float noise (245299999.99999997)."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Thanh Hóa"
    s = Sheet("Sheet1")
    agency(s, prov, 5)
    s.add([f"QUYẾT TOÁN KINH PHÍ KHUYẾN CÔNG QUỐC GIA NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Số tiền", "Ghi chú"])
    truth, total = [], 0
    for i, p in enumerate(programs(rng, 5)):
        tenths = rng.randrange(1000, 9000)  # 100,0 … 899,9 triệu
        v = tenths * 100_000
        total += v
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), tenths / 10 * 1_000_000, None])
        truth.append(E(y, "actual", "settled", "national", p, "project", v, 1))
    s.add([None, "Tổng cộng", None, float(total), None])
    return lay(lid, "amounts in đồng stored as floats with formula noise (e.g. 245299999.99999997), 'ĐVT: đồng'",
               "float_noise_dong", f"QT KCQG {y}", [s], truth, prov, unit="dong")


def h49_dash_and_word_zeros(lid: str) -> Layout:
    """Empty amounts typed as en dash '–', em dash '—', '0' or 'Không' in a KCQG | KCĐP | Đối ứng list."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2025, "Phú Thọ"
    s = Sheet("DM")
    agency(s, prov, 6)
    s.add([f"KẾ HOẠCH KHUYẾN CÔNG NĂM {y}"], merge_to=6)
    s.add([None] * 5 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "KCQG", "KCĐP", "Đối ứng"])
    truth, tot = [], [0, 0, 0]
    zeros = ("–", "—", 0, "Không", "–")
    for i, p in enumerate(programs(rng, 5)):
        q = tr(rng, 200, 600) if i in (0, 3) else 0
        d = tr(rng, 40, 300) if i != 3 else 0
        u = tr(rng, 100, 900) if i % 2 == 0 else 0
        cells = [in_unit(v, "trieu") if v else zeros[(i + k) % len(zeros)] for k, v in enumerate((q, d, u))]
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), *cells])
        for src, v in (("national", q), ("local", d), ("counterpart", u)):
            if v:
                truth.append(E(y, "plan", "", src, p, "project", v, 1))
        tot = [a + b for a, b in zip(tot, (q, d, u), strict=True)]
    s.add([None, "Tổng cộng", None, *[in_unit(v, "trieu") for v in tot]])
    return lay(lid, "empty amounts typed as en dash '–', em dash '—', 0 or 'Không', KCQG | KCĐP | Đối ứng plan list",
               "dash_and_word_zeros", f"KH KC {y} gach ngang", [s], truth, prov)


def h50_province_year_in_sheet_name(lid: str) -> Layout:
    """Province and year only in the sheet name ('Nghe An 2023'); agency line without a province."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Nghệ An"
    s = Sheet("Nghe An 2023")
    s.add(["TRUNG TÂM KHUYẾN CÔNG", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    s.blank()
    s.add(["KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí", "Ghi chú"])
    truth, total = [], 0
    for i, p in enumerate(programs(rng, 4)):
        v = tr(rng, 50, 400)
        total += v
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), in_unit(v, "trieu"), None])
        truth.append(E(y, "plan", "", "local", p, "project", v, 1))
    s.add([None, "Tổng cộng", None, in_unit(total, "trieu"), None])
    return lay(lid, "province and year only in the sheet name ('Nghe An 2023', unaccented), KCĐP plan list",
               "province_year_in_sheet_name", "KH KCDP", [s], truth, prov)


def h51_english_only(lid: str) -> Layout:
    """An English-only version prepared for a donor: 'INDUSTRIAL PROMOTION PLAN 2024 - NGHE AN PROVINCE',
    'Unit: VND million', 'National budget' | 'Local budget' | 'Counterpart fund' | 'Total'."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Nghệ An"
    s = Sheet("Plan 2024")
    s.add(["NGHE AN DEPARTMENT OF INDUSTRY AND TRADE"])
    s.add([f"INDUSTRIAL PROMOTION PLAN {y} - NGHE AN PROVINCE"], merge_to=7)
    s.add([None] * 6 + ["Unit: VND million"])
    s.add(["No.", "Project", "Beneficiary", "National budget", "Local budget", "Counterpart fund", "Total"])
    truth, tot = [], [0, 0, 0]
    for i, p in enumerate(programs(rng, 4)):
        q = tr(rng, 200, 600) if i < 2 else 0
        d = tr(rng, 40, 300)
        u = tr(rng, 100, 900) if i % 2 == 0 else 0
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), *[in_unit(v, "trieu") if v else None for v in (q, d, u)],
               in_unit(q + d + u, "trieu")])
        for src, v in (("national", q), ("local", d), ("counterpart", u)):
            if v:
                truth.append(E(y, "plan", "", src, p, "project", v, 1))
        tot = [a + b for a, b in zip(tot, (q, d, u), strict=True)]
    s.add([None, "Total", None, *[in_unit(v, "trieu") for v in tot], in_unit(sum(tot), "trieu")])
    return lay(lid, "English-only headers and title ('INDUSTRIAL PROMOTION PLAN 2024 - NGHE AN PROVINCE', 'Unit: VND "
               "million', National/Local budget, Counterpart fund, Total check column), Vietnamese project titles",
               "english_only", f"IP plan {y} EN", [s], truth, prov)


BUILDERS: tuple[Callable[[str], Layout], ...] = (
    h01_plan_actual_notes, h02_sheet_per_source, h03_sheet_per_year, h04_offset_table, h05_blank_column,
    h06_merged_project_rows, h07_wrapped_headers, h08_spaced_dong, h09_adjustment_column, h10_quarters,
    h11_months_cumulative, h12_source_plan_actual_subcols, h13_years_kh_th, h14_district_columns,
    h15_district_subtotals, h16_notes_signatures, h17_second_table_below, h18_unaccented_caps, h19_bilingual,
    h20_abbreviations, h21_typos, h22_csv_semicolon_decimal_comma, h23_csv_utf16_tab, h24_csv_cp1258,
    h25_decree45_wordings, h26_content_lines_counts, h27_cover_sheet, h28_long_preamble, h29_continuation_rows,
    h30_year_sections, h31_merged_group_column, h32_thousand_dong_unit, h33_billion_unit, h34_three_level_hierarchy,
    h35_source_rows_abbrev, h36_new_project_wordings, h37_remaining_balance, h38_spreadsheetml_xls, h39_html_xls,
    h40_stage_per_row, h41_side_by_side, h42_breakdown_rows, h43_formulas_without_cache, h44_repeated_header,
    h45_tr_suffix_cells, h46_ods_plan_actual_columns,
    h47_year_in_separate_cells, h48_float_noise_dong, h49_dash_and_word_zeros,
    h50_province_year_in_sheet_name, h51_english_only,
)


def all_layouts() -> list[Layout]:
    """Every held-out layout, ids h01… in builder order."""
    return [build(f"h{i + 1:02d}") for i, build in enumerate(BUILDERS)]


# ----------------------------------------------------------------------------------------- writing


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters precomposed where the code page has them
    (â, ê, ô, ơ, ư, ă, đ), tone marks as combining characters after them."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in decomposed if m in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in tones))
        out += (base + tones).encode("cp1258")
    return bytes(out)


def _csv_cell(v: Any, decimal_comma: bool) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return vn_number(v) if decimal_comma else repr(v)
    return str(v)


def _xml_escape(v: Any) -> str:
    return str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _spreadsheetml(sheet: Sheet) -> str:
    """XML Spreadsheet 2003, as web report pages echo it."""
    rows = []
    for row in sheet.rows:
        cells = []
        for v in row:
            if v is None:
                cells.append("<Cell/>")
            elif isinstance(v, int | float):
                cells.append(f'<Cell><Data ss:Type="Number">{v}</Data></Cell>')
            else:
                cells.append(f'<Cell><Data ss:Type="String">{_xml_escape(v)}</Data></Cell>')
        rows.append("<Row>" + "".join(cells) + "</Row>")
    return ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
            '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
            f'<Worksheet ss:Name="{_xml_escape(sheet.name)}"><Table>\n' + "\n".join(rows)
            + "\n</Table></Worksheet></Workbook>\n")


def _html_table(sheet: Sheet) -> str:
    """An HTML table as web systems serve it with Content-Type application/vnd.ms-excel."""
    rows = ["<tr>" + "".join(f"<td>{'' if v is None else _xml_escape(v)}</td>" for v in row) + "</tr>"
            for row in sheet.rows]
    return ("<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><head><meta charset=\"utf-8\"></head><body>"
            "<table border=\"1\">\n" + "\n".join(rows) + "\n</table></body></html>\n")


def write_layout(layout: Layout, out: Path) -> Path:
    path = out / layout.file_name
    if layout.fmt == "xls":
        text = (_spreadsheetml if layout.parts["enc"] == "spreadsheetml" else _html_table)(layout.sheets[0])
        path.write_text(text, encoding="utf-8")
        return path
    if layout.fmt == "ods":
        import pandas as pd

        with pd.ExcelWriter(path, engine="odf") as writer:
            for sheet in layout.sheets:
                width = max(len(r) for r in sheet.rows)
                frame = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in sheet.rows], dtype=object)
                frame.to_excel(writer, sheet_name=sheet.name, header=False, index=False)
        return path
    if layout.fmt == "csv":
        enc = layout.parts.get("enc", "utf-8-sig")
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=layout.csv_sep, lineterminator="\r\n")
        for row in layout.sheets[0].rows:
            writer.writerow([_csv_cell(v, layout.csv_sep != ",") for v in row])
        text = buf.getvalue()
        path.write_bytes(to_cp1258(text) if enc == "cp1258" else text.encode(enc))
        return path
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    wb.remove(wb.active)
    wrap = Alignment(wrap_text=True, vertical="center")
    for sheet in layout.sheets:
        ws = wb.create_sheet(sheet.name[:31])
        for r, row in enumerate(sheet.rows, start=1):
            for col, value in enumerate(row, start=1):
                if value is not None and value != "":
                    cell = ws.cell(row=r, column=col, value=value)
                    if isinstance(value, str) and "\n" in value:
                        cell.alignment = wrap
        for r1, c1, r2, c2 in sheet.merges:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    wb.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    from .run import write_zoo

    return write_zoo("holdout", all_layouts(), write_layout, truth_json, argv)


if __name__ == "__main__":
    raise SystemExit(main())
