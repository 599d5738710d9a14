"""A third held-out layout zoo (issue 13): shapes neither generate.py nor holdout.py has.

Why: the reader now passes both earlier zoos, but it was tuned against them. These builders were written
afterwards, from the domain and the shapes of real provincial files, and combine several difficulties the way
real files do (a two-row header with the unit in the title, A/B source sections, Roman programme groups carrying
sums and notes, all on one sheet), or try shapes the earlier zoos never drew: wide tables of years × plan/actual
× sources, amounts before the titles, STT written '1.', 'I.', '1)', 'a)', '1.1', '-'; totals 'Tổng số:', 'TỔNG',
'Cộng:', 'Tổng cộng (I+II)', 'Cộng trang' / carried-forward rows; project titles that begin with a programme name;
a source named only by a header group over year columns; numbers as text with trailing spaces or a leading
apostrophe; Excel dates; a 'Ghi chú' column with numbers in its text; empty sheets; programme lines with codes
('CT1', 'ND2'); 'Book1.xlsx'; year numbers as column headers; comma-grouped đồng; a unit per column; a detail sheet
next to its summary sheet; .ods and .csv variants. The truth of each is what a careful analyst assigns without
doubt (tests/zoo/README.md conventions), written before the reader was run and never tuned to its output.

CLI: ``python -m tests.zoo.holdout3 OUT_DIR`` writes every layout and ``truth.json`` for inspection.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import holdout
from .generate import truth_json
from .holdout import E, agency, lay, seeded, signature, title_of, tr
from .parts import (
    BENEFICIARIES,
    PLACES,
    PROGRAM_WORDS,
    ROMAN,
    TRIEU,
    Expected,
    Layout,
    Scale,
    Sheet,
    in_unit,
    pick,
    vn_number,
)

SEED = 20261206  # neither earlier zoo's seed

# ----------------------------------------------------------------------------------------- wordings not in vocab/

# Programme group lines an analyst files without doubt; written for this zoo (not in vocab/, not in holdout.py).
GROUP_LINES3: dict[str, str] = {
    "training": "Hỗ trợ mở lớp dạy nghề, cấy nghề cho lao động nông thôn",
    "demonstration": "Hỗ trợ cơ sở CNNT đổi mới máy móc, thiết bị; trình diễn kỹ thuật",
    "products": "Hỗ trợ quảng bá, bình chọn sản phẩm CNNT tiêu biểu, hội chợ",
    "information": "Truyền thông về khuyến công trên báo, đài",
    "consulting": "Tư vấn cho cơ sở CNNT lập dự án đầu tư, thiết kế mẫu mã",
    "capacity": "Bồi dưỡng nghiệp vụ cho cán bộ, cộng tác viên khuyến công",
}
# Project titles that begin with the programme's name, as some centres type them ('<programme>: <project>').
PREFIXED_TITLES3: dict[str, str] = {
    "training": "Đào tạo nghề, truyền nghề: Lớp đan lục bình xã Hòa Bình",
    "demonstration": "Xây dựng mô hình trình diễn kỹ thuật - Chế biến hạt điều tại Cơ sở Tân Tiến",
    "products": "Hội chợ, triển lãm: Tham gia hội chợ CNNT khu vực Bắc Trung Bộ",
    "information": "Thông tin tuyên truyền - Chuyên mục khuyến công trên Đài PT-TH tỉnh",
    "consulting": "Tư vấn, trợ giúp cơ sở CNNT: Lập dự án đầu tư mở rộng xưởng gốm Thanh Hà",
}
# Programme codes some provincial systems print before the line ('CT1. …', 'ND2: …').
CODED_LINES3: tuple[tuple[str, str], ...] = (
    ("training", "CT1. Đào tạo nghề, truyền nghề"),
    ("demonstration", "CT2. Hỗ trợ ứng dụng máy móc thiết bị tiên tiến"),
    ("products", "ND3: Phát triển sản phẩm công nghiệp nông thôn tiêu biểu"),
    ("information", "ND4: Thông tin tuyên truyền"),
    ("consulting", "CT5 - Tư vấn, trợ giúp cơ sở công nghiệp nông thôn"),
)


class Quoted(str):
    """A cell typed with a leading apostrophe in Excel: text (quotePrefix), shown without the apostrophe."""


def vocab_line(program: str) -> str:
    """The first (in-vocab) programme wording of the first zoo, so a shape layout is judged on its shape."""
    return PROGRAM_WORDS[program][0][0]


def progs(rng: random.Random, n: int) -> list[str]:
    return rng.sample(["training", "demonstration", "products", "information", "consulting", "capacity"], n)


def T(v: int) -> int | float:
    return in_unit(v, "trieu")


def lay3(lid: str, desc: str, shape: str, file_name: str, sheets: list[Sheet], truth: list[Expected],
         province: str | None, fmt: str = "xlsx", sep: str = ",", enc: str = "", lines: int = 0) -> Layout:
    return lay(lid, desc, shape, file_name, sheets, truth, province, fmt=fmt, sep=sep, enc=enc, lines=lines)


# ----------------------------------------------------------------------------------------- combinations


def k01_combined_plan(lid: str, scale: Scale | None = None) -> Layout:
    """Everything at once: unit inside the title, 'Kinh phí' over 'Tổng | Hỗ trợ | Đối ứng', 'TỔNG CỘNG (A+B)' on
    top, A. KCQG / B. KCĐP sections with sums, Roman programme groups carrying sums, Arabic projects, a 'Ghi chú'
    paragraph with numbers and a signature below. ``scale``: scale.lines projects over the five groups."""
    rng = seeded(lid, scale, SEED)
    y, prov = (scale.year, scale.province) if scale else (2024, "Quảng Nam")
    sizes = iter([scale.lines // 5 + (g < scale.lines % 5) for g in range(5)] if scale else [])
    s = Sheet(f"KH {y}")
    agency(s, prov, 7)
    s.add([f"KẾ HOẠCH KHUYẾN CÔNG NĂM {y} (ĐVT: triệu đồng)"], merge_to=7)
    s.blank()
    h = s.add(["STT", "Nội dung", "Đơn vị thụ hưởng", "Kinh phí", None, None, "Ghi chú"])
    s.add([None, None, None, "Tổng", "Hỗ trợ", "Đối ứng", None])
    s.merges += [(h, 1, h + 1, 1), (h, 2, h + 1, 2), (h, 3, h + 1, 3), (h, 4, h, 6), (h, 7, h + 1, 7)]
    body, truth, grand = [], [], [0, 0]
    for letter, label, src, groups in (("A", "KHUYẾN CÔNG QUỐC GIA", "national", ("demonstration", "products")),
                                       ("B", "KHUYẾN CÔNG ĐỊA PHƯƠNG", "local",
                                        ("training", "demonstration", "information"))):
        sec, srows = [0, 0], []
        for g, p in enumerate(groups):
            items = []
            for _ in range(next(sizes, None) or rng.randrange(2, 4)):
                sup = tr(rng, 100, 500) if src == "national" else tr(rng, 30, 250)
                # state support at most 30 % of a demonstration's cost (TT 28/2018/TT-BTC)
                cp = sup * 3 + tr(rng, 10, 300) if p == "demonstration" else 0
                items.append((title_of(rng, p), sup, cp))
            gs = [sum(i[1] for i in items), sum(i[2] for i in items)]
            srows.append([ROMAN[g], GROUP_LINES3[p], None, T(sum(gs)), T(gs[0]), T(gs[1]) if gs[1] else None, None])
            for j, (t, sup, cp) in enumerate(items):
                srows.append([j + 1, t, pick(rng, BENEFICIARIES), T(sup + cp), T(sup), T(cp) if cp else None, None])
                truth.append(E(y, "plan", "", src, p, "project", sup, 1))
                if cp:
                    truth.append(E(y, "plan", "", "counterpart", p, "project", cp, 1))
            sec = [sec[0] + gs[0], sec[1] + gs[1]]
        body.append([letter, label, None, T(sum(sec)), T(sec[0]), T(sec[1]), None])
        body += srows
        grand = [grand[0] + sec[0], grand[1] + sec[1]]
    s.add([None, "TỔNG CỘNG (A+B)", None, T(sum(grand)), T(grand[0]), T(grand[1]), None])
    for row in body:
        s.add(row)
    s.blank()
    s.add([None, f"Ghi chú: Kinh phí đối ứng do cơ sở tự bố trí; năm {y - 1} chuyển sang 2 đề án, 350 triệu đồng."])
    signature(s, "Tam Kỳ", y - 1, 7)
    return lay3(lid, "combined: unit in the title, 'Kinh phí' over Tổng|Hỗ trợ|Đối ứng, 'TỔNG CỘNG (A+B)' on top, "
                "A. KCQG / B. KCĐP sections, Roman groups (new wordings) carrying sums, notes + signature",
                "combined_ab_roman_unit_in_title", f"KH KC {y} tong hop", [s], truth, prov,
                lines=scale.lines if scale else 0)


def k02_wide_years_stage_sources(lid: str) -> Layout:
    """A wide provincial table: 'Năm 2022' / 'Năm 2023' over 'Kế hoạch' / 'Thực hiện' over 'KCQG' | 'KCĐP'
    (three header rows, eight amount columns), programme lines, a bottom total."""
    rng = random.Random(f"{SEED}-{lid}")
    prov = "Hà Tĩnh"
    s = Sheet("Tong hop 2022-2023")
    agency(s, prov, 10)
    s.add(["TỔNG HỢP KINH PHÍ KHUYẾN CÔNG GIAI ĐOẠN 2022 - 2023"], merge_to=10)
    s.add([None] * 9 + ["ĐVT: triệu đồng"])
    h = s.add(["TT", "Nội dung", "Năm 2022", None, None, None, "Năm 2023", None, None, None])
    s.add([None, None, "Kế hoạch", None, "Thực hiện", None, "Kế hoạch", None, "Thực hiện", None])
    s.add([None, None] + ["KCQG", "KCĐP"] * 4)
    s.merges += [(h, 1, h + 2, 1), (h, 2, h + 2, 2), (h, 3, h, 6), (h, 7, h, 10)]
    s.merges += [(h + 1, c, h + 1, c + 1) for c in (3, 5, 7, 9)]
    truth, tot = [], [0] * 8
    for i, p in enumerate(("training", "demonstration", "products", "information", "capacity")):
        vals = []
        for y in (2022, 2023):
            plan = [tr(rng, 100, 600) if p in ("demonstration", "products") else 0, tr(rng, 50, 400)]
            act = [v - pick(rng, (0, 10, 20)) * TRIEU if v else 0 for v in plan]
            vals += plan + act
            for stage, phase, pair in (("plan", "", plan), ("actual", "executed", act)):
                for src, v in zip(("national", "local"), pair, strict=True):
                    if v:
                        truth.append(E(y, stage, phase, src, p, "allocation", v, None))
        s.add([i + 1, vocab_line(p), *[T(v) if v else None for v in vals]])
        tot = [a + b for a, b in zip(tot, vals, strict=True)]
    s.add([None, "Tổng cộng", *[T(v) for v in tot]])
    return lay3(lid, "wide: 'Năm 2022'/'Năm 2023' × 'Kế hoạch'/'Thực hiện' × KCQG|KCĐP (3 header rows, 8 amount "
                "columns), programme lines, bottom total", "wide_years_stage_sources", "KC 2022-2023 rong", [s],
                truth, prov)


def k03_amounts_before_titles(lid: str) -> Layout:
    """Columns in another order: STT | Kinh phí KCĐP | Vốn đối ứng | Tên đề án | Cơ sở thụ hưởng | Địa điểm."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Lâm Đồng"
    s = Sheet("Danh muc")
    agency(s, prov, 6)
    s.add([f"DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐƯỢC PHÊ DUYỆT NĂM {y}"], merge_to=6)
    s.add([None] * 5 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Kinh phí KCĐP", "Vốn đối ứng", "Tên đề án", "Cơ sở thụ hưởng", "Địa điểm"])
    truth, tot = [], [0, 0]
    for i, p in enumerate(progs(rng, 5)):
        d = tr(rng, 40, 300)
        u = tr(rng, 200, 1200) if i % 2 == 0 else 0
        s.add([i + 1, T(d), T(u) if u else None, title_of(rng, p), pick(rng, BENEFICIARIES), pick(rng, PLACES[:4])])
        truth.append(E(y, "plan", "approved", "local", p, "project", d, 1))
        if u:
            truth.append(E(y, "plan", "approved", "counterpart", p, "project", u, 1))
        tot = [tot[0] + d, tot[1] + u]
    s.add([None, T(tot[0]), T(tot[1]), "Tổng cộng", None, None])
    return lay3(lid, "amount columns before the title column (STT | KCĐP | Vốn đối ứng | Tên đề án | Cơ sở | Địa "
                "điểm), total label in the title column", "amounts_before_titles", "Phe duyet KC 2024", [s], truth,
                prov)


def _grouped(rng: random.Random, s: Sheet, groups: list[str], stt_group: Callable[[int], str],
             stt_item: Callable[[int], str], ncols_money: int, make: Callable[[str], list[int]],
             sums_on_group: bool, sub_label: Callable[[int], str] | None, label: Callable[[str], str],
             lead: int = 1) -> tuple[list[tuple[str, list[int]]], list[int]]:
    """Programme groups and their projects; returns [(program, amounts)] per project and the grand total."""
    out, grand = [], [0] * ncols_money
    for g, p in enumerate(groups):
        items = [(title_of(rng, p), make(p)) for _ in range(rng.randrange(2, 4))]
        gs = [sum(v[k] for _, v in items) for k in range(ncols_money)]
        cells = [T(v) if v else None for v in gs] if sums_on_group else [None] * ncols_money
        s.add([stt_group(g), label(p)] + [None] * lead + cells)
        for j, (t, v) in enumerate(items):
            s.add([stt_item(j), t, pick(rng, BENEFICIARIES)] + [None] * (lead - 1) + [T(x) if x else None for x in v])
            out.append((p, v))
        if sub_label is not None:
            s.add([None, sub_label(g)] + [None] * lead + [T(v) if v else None for v in gs])
        grand = [a + b for a, b in zip(grand, gs, strict=True)]
    return out, grand


def k04_stt_dotted(lid: str) -> Layout:
    """STT written 'I.', 'II.' (groups carrying sums) and '1.', '2.' (projects); 'Tổng số:' at the bottom;
    'DỰ TOÁN … KHUYẾN CÔNG ĐỊA PHƯƠNG' title, 'Kinh phí hỗ trợ' | 'Đối ứng'."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2025, "Phú Thọ"
    s = Sheet("Du toan")
    agency(s, prov, 5)
    s.add([f"DỰ TOÁN KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thực hiện", "Kinh phí hỗ trợ", "Đối ứng"])
    items, grand = _grouped(rng, s, progs(rng, 3), lambda g: f"{ROMAN[g]}.", lambda j: f"{j + 1}.", 2,
                            lambda p: [tr(rng, 30, 300), tr(rng, 100, 900) if p == "demonstration" else 0],
                            True, None, lambda p: vocab_line(p))
    s.add([None, "Tổng số:", None, T(grand[0]), T(grand[1]) if grand[1] else None])
    truth = []
    for p, (d, u) in items:
        truth.append(E(y, "plan", "approved", "local", p, "project", d, 1))
        if u:
            truth.append(E(y, "plan", "approved", "counterpart", p, "project", u, 1))
    return lay3(lid, "STT 'I.'/'II.' (groups carrying sums) and '1.'/'2.' (projects), 'Tổng số:' at the bottom, "
                "title 'DỰ TOÁN … KHUYẾN CÔNG ĐỊA PHƯƠNG'", "stt_dotted", "Du toan KCDP 2025", [s], truth, prov)


def k05_stt_parens(lid: str) -> Layout:
    """STT '1)', '2)' for programme groups (no sums on the group row), 'a)', 'b)' for projects, a 'Cộng:' row
    after each group, 'TỔNG' at the bottom; KCQG | KCĐP; results title."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Bắc Giang"
    s = Sheet("Ket qua")
    agency(s, prov, 5)
    s.add([f"BÁO CÁO KẾT QUẢ THỰC HIỆN KHUYẾN CÔNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Nội dung", "Cơ sở thụ hưởng", "KCQG", "KCĐP"])
    items, grand = _grouped(rng, s, progs(rng, 3), lambda g: f"{g + 1})", lambda j: f"{'abcd'[j]})", 2,
                            lambda p: [tr(rng, 150, 500) if p == "demonstration" else 0, tr(rng, 30, 250)],
                            False, lambda g: "Cộng:", lambda p: vocab_line(p))
    s.add([None, "TỔNG", None, T(grand[0]) if grand[0] else None, T(grand[1])])
    truth = []
    for p, (q, d) in items:
        for src, v in (("national", q), ("local", d)):
            if v:
                truth.append(E(y, "actual", "executed", src, p, "project", v, 1))
    return lay3(lid, "STT '1)' groups (no sums) and 'a)' projects, 'Cộng:' after each group, 'TỔNG' at the bottom",
                "stt_parens", "Ket qua KC 2023", [s], truth, prov)


def k06_total_i_plus_ii(lid: str) -> Layout:
    """Roman groups without sums, 'Cộng I' / 'Cộng II' rows after each, 'Tổng cộng (I+II+III)' at the bottom;
    settlement title, one 'Kinh phí quyết toán' column."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Tây Ninh"
    s = Sheet("Quyet toan")
    agency(s, prov, 4)
    s.add([f"QUYẾT TOÁN KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=4)
    s.add([None] * 3 + ["ĐVT: triệu đồng"])
    s.add(["TT", "Tên đề án", "Đơn vị thực hiện", "Kinh phí quyết toán"])
    items, grand = _grouped(rng, s, progs(rng, 3), lambda g: ROMAN[g], lambda j: j + 1, 1,
                            lambda p: [tr(rng, 30, 300)], False, lambda g: f"Cộng {ROMAN[g]}", lambda p: vocab_line(p))
    s.add([None, "Tổng cộng (I+II+III)", None, T(grand[0])])
    truth = [E(y, "actual", "settled", "local", p, "project", v[0], 1) for p, v in items]
    return lay3(lid, "Roman groups without sums, 'Cộng I'/'Cộng II'/'Cộng III' after each, 'Tổng cộng (I+II+III)' at "
                "the bottom, settlement of KCĐP", "total_i_plus_ii", "QT KCDP 2023", [s], truth, prov)


def k07_titles_start_with_programme(lid: str) -> Layout:
    """Project lines whose titles begin with the programme's name ('Đào tạo nghề, truyền nghề: Lớp …'), numbered
    1…n with beneficiaries and amounts: projects, not programme lines."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Nghệ An"
    s = Sheet("KH 2024")
    agency(s, prov, 5)
    s.add([f"KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Địa điểm", "Kinh phí"])
    truth, tot = [], 0
    for i, (p, t) in enumerate(PREFIXED_TITLES3.items()):
        v = tr(rng, 40, 300)
        s.add([i + 1, t, pick(rng, BENEFICIARIES), pick(rng, PLACES[:4]), T(v)])
        truth.append(E(y, "plan", "", "local", p, "project", v, 1))
        tot += v
    s.add([None, "Tổng cộng", None, None, T(tot)])
    return lay3(lid, "project titles that begin with the programme's name ('Đào tạo nghề, truyền nghề: Lớp …'), "
                "numbered projects with beneficiaries, KCĐP title", "titles_start_with_programme", "KH KCDP 2024 NA",
                [s], truth, prov)


def k08_source_group_over_years(lid: str) -> Layout:
    """Two-year projects: 'Kinh phí khuyến công địa phương' over 'Năm 2024' | 'Năm 2025' and 'Vốn đối ứng' over the
    same years: the source only in the header group, the year only in the sub-header."""
    rng = random.Random(f"{SEED}-{lid}")
    prov = "Thái Bình"
    s = Sheet("KH 2024-2025")
    agency(s, prov, 7)
    s.add(["KẾ HOẠCH ĐỀ ÁN KHUYẾN CÔNG GIAI ĐOẠN 2024 - 2025"], merge_to=7)
    s.add([None] * 6 + ["ĐVT: triệu đồng"])
    h = s.add(["STT", "Tên đề án", "Đơn vị thực hiện", "Kinh phí khuyến công địa phương", None, "Vốn đối ứng", None])
    s.add([None, None, None, "Năm 2024", "Năm 2025", "Năm 2024", "Năm 2025"])
    s.merges += [(h, 1, h + 1, 1), (h, 2, h + 1, 2), (h, 3, h + 1, 3), (h, 4, h, 5), (h, 6, h, 7)]
    truth, tot = [], [0] * 4
    for i, p in enumerate(progs(rng, 4)):
        vals = [tr(rng, 30, 250), tr(rng, 30, 250), tr(rng, 100, 800) if i % 2 == 0 else 0, 0]
        vals[3] = tr(rng, 100, 800) if vals[2] else 0
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), *[T(v) if v else None for v in vals]])
        for (src, y), v in zip((("local", 2024), ("local", 2025), ("counterpart", 2024), ("counterpart", 2025)),
                               vals, strict=True):
            if v:
                truth.append(E(y, "plan", "", src, p, "project", v, 1))
        tot = [a + b for a, b in zip(tot, vals, strict=True)]
    s.add([None, "Tổng cộng", None, *[T(v) for v in tot]])
    return lay3(lid, "source only in a header group over year columns ('Kinh phí khuyến công địa phương' / 'Vốn đối "
                "ứng' over 'Năm 2024' | 'Năm 2025'), two-year projects", "source_group_over_years",
                "KH KC 2024-2025 hai nam", [s], truth, prov)


def _plain_list(lid: str, y: int, prov: str, title: str, stage: str, phase: str, cell: Callable[[int], Any],
                headers: tuple[str, str] = ("KCQG", "KCĐP"), n: int = 5, sheet: str = "Sheet1",
                unit_row: str = "ĐVT: triệu đồng") -> tuple[Sheet, list[Expected]]:
    """A plain KCQG | KCĐP project list whose amount cells are written by ``cell`` (amount in đồng → cell)."""
    rng = random.Random(f"{SEED}-{lid}")
    s = Sheet(sheet)
    agency(s, prov, 5)
    s.add([title], merge_to=5)
    s.add([None] * 4 + [unit_row])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", headers[0], headers[1]])
    truth, tot = [], [0, 0]
    for i, p in enumerate(progs(rng, n)):
        q = tr(rng, 1000, 1900) if i in (0, 3) else 0
        d = tr(rng, 30, 300)
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), cell(q) if q else None, cell(d)])
        for src, v in (("national", q), ("local", d)):
            if v:
                truth.append(E(y, stage, phase, src, p, "project", v, 1))
        tot = [tot[0] + q, tot[1] + d]
    s.add([None, "Tổng cộng", None, cell(tot[0]), cell(tot[1])])
    return s, truth


def k09_trailing_spaces(lid: str) -> Layout:
    """Amounts typed as text with trailing / leading spaces and non-breaking spaces ('1.250 ', ' 85\u00a0')."""
    y, prov = 2023, "Vĩnh Long"
    pads = ("{} ", " {}", "{}\u00a0", "{}  ", "\u00a0{} ")
    count = iter(range(100))
    s, truth = _plain_list(lid, y, prov, f"TÌNH HÌNH THỰC HIỆN KINH PHÍ KHUYẾN CÔNG NĂM {y}", "actual", "executed",
                           lambda v: pads[next(count) % len(pads)].format(vn_number(T(v))))
    return lay3(lid, "amounts as text with trailing/leading spaces and NBSP ('1.250 ', ' 85\\u00a0')",
                "trailing_spaces", "TH KC 2023 VL", [s], truth, prov)


def k10_quote_prefix(lid: str) -> Layout:
    """Amounts typed in Excel with a leading apostrophe ('1250 → text '1250', style quotePrefix)."""
    y, prov = 2024, "Đồng Tháp"
    s, truth = _plain_list(lid, y, prov, f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG NĂM {y}", "plan", "",
                           lambda v: Quoted(str(T(v))))
    return lay3(lid, "amounts typed with Excel's leading apostrophe (text cells, quotePrefix)", "quote_prefix",
                "KH KC 2024 DT", [s], truth, prov)


def k11_literal_apostrophe(lid: str) -> Layout:
    """Amounts stored as text beginning with a literal apostrophe (''1.250'), as some web exports write them."""
    y, prov = 2023, "Hà Tĩnh"
    s, truth = _plain_list(lid, y, prov, f"KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG NĂM {y}", "actual", "executed",
                           lambda v: "'" + vn_number(T(v)))
    return lay3(lid, "amounts as text with a literal leading apostrophe (\"'1.250\")", "literal_apostrophe",
                "KQ KC 2023 HT", [s], truth, prov)


def k12_excel_dates(lid: str) -> Layout:
    """'Thời gian thực hiện' as two Excel date columns ('Từ ngày' | 'Đến ngày'), some ending the next year."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Thanh Hóa"
    s = Sheet("KH 2024")
    agency(s, prov, 6)
    s.add([f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG NĂM {y}"], merge_to=6)
    s.add([None] * 5 + ["ĐVT: triệu đồng"])
    h = s.add(["STT", "Tên đề án", "Thời gian thực hiện", None, "KCQG", "KCĐP"])
    s.add([None, None, "Từ ngày", "Đến ngày", None, None])
    s.merges += [(h, 1, h + 1, 1), (h, 2, h + 1, 2), (h, 3, h, 4), (h, 5, h + 1, 5), (h, 6, h + 1, 6)]
    truth, tot = [], [0, 0]
    for i, p in enumerate(progs(rng, 5)):
        start = dt.datetime(y, rng.randrange(2, 7), 1)
        end = dt.datetime(y + (1 if i % 2 else 0), rng.randrange(3, 12), 28)
        q = tr(rng, 200, 600) if p == "demonstration" else 0
        d = tr(rng, 30, 300)
        s.add([i + 1, title_of(rng, p), start, end, T(q) if q else None, T(d)])
        for src, v in (("national", q), ("local", d)):
            if v:
                truth.append(E(y, "plan", "", src, p, "project", v, 1))
        tot = [tot[0] + q, tot[1] + d]
    s.add([None, "Tổng cộng", None, None, T(tot[0]) if tot[0] else None, T(tot[1])])
    return lay3(lid, "'Thời gian thực hiện' over 'Từ ngày' | 'Đến ngày' Excel date cells (some end the next year)",
                "excel_dates", "KH KC 2024 TH", [s], truth, prov)


def k13_note_column_numbers(lid: str) -> Layout:
    """A 'Ghi chú' column whose text carries numbers ('Đề án 2 năm, năm 1: 200', 'Tổng mức đầu tư 2.500 tr')."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Bình Dương"
    s = Sheet("Danh muc")
    agency(s, prov, 5)
    s.add([f"DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí", "Ghi chú"])
    notes = ("Đề án 2 năm, năm 1: 200", "Tổng mức đầu tư 2.500", "Đã tạm ứng 50%", "Chuyển tiếp từ 2023: 120",
             "Năm 2025 bố trí 150")
    truth, tot = [], 0
    for i, p in enumerate(progs(rng, 5)):
        v = tr(rng, 40, 300)
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), T(v), notes[i]])
        truth.append(E(y, "unspecified", "", "local", p, "project", v, 1))
        tot += v
    s.add([None, "Tổng cộng", None, T(tot), None])
    return lay3(lid, "'Ghi chú' column with numbers in its text ('Đề án 2 năm, năm 1: 200', 'Tổng mức đầu tư 2.500', "
                "'Năm 2025 bố trí 150'), neutral KCĐP title", "note_column_numbers", "DM KCDP 2024 BD", [s], truth,
                prov)


def k14_empty_sheets(lid: str) -> Layout:
    """'Sheet1' and 'Sheet3' empty, the data on 'Sheet2'."""
    y, prov = 2023, "Quảng Nam"
    s, truth = _plain_list(lid, y, prov, f"KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG NĂM {y}", "actual", "executed",
                           lambda v: T(v), sheet="Sheet2")
    return lay3(lid, "empty 'Sheet1' and 'Sheet3' around the data on 'Sheet2'", "empty_sheets", "Bao cao KC 2023",
                [Sheet("Sheet1"), s, Sheet("Sheet3")], truth, prov)


def k15_coded_programme_lines(lid: str) -> Layout:
    """Summary by programme whose lines carry system codes ('CT1. …', 'ND3: …', 'CT5 - …'), counts, KCĐP
    allocation title."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Lâm Đồng"
    s = Sheet("Phan bo")
    agency(s, prov, 4)
    s.add([f"PHÂN BỔ KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=4)
    s.add([None] * 3 + ["ĐVT: triệu đồng"])
    s.add(["TT", "Chương trình", "Số đề án", "Kinh phí"])
    truth, tot, n_tot = [], 0, 0
    for i, (p, label) in enumerate(CODED_LINES3):
        n, v = rng.randrange(1, 6), tr(rng, 100, 900)
        s.add([i + 1, label, n, T(v)])
        truth.append(E(y, "plan", "approved", "local", p, "allocation", v, n))
        tot, n_tot = tot + v, n_tot + n
    s.add([None, "Tổng cộng", n_tot, T(tot)])
    return lay3(lid, "summary by programme, lines carrying codes ('CT1. …', 'ND3: …', 'CT5 - …'), counts, 'PHÂN BỔ "
                "… KHUYẾN CÔNG ĐỊA PHƯƠNG'", "coded_programme_lines", "Phan bo KCDP 2024", [s], truth, prov)


def k16_book1_year_in_cell(lid: str) -> Layout:
    """A file named 'Book1', sheet 'Sheet1', title without a year, the year in one cell 'Năm kế hoạch: 2024'."""
    y, prov = 2024, "Phú Thọ"
    s, truth = _plain_list(lid, y, prov, "KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG", "plan", "", lambda v: T(v))
    s.rows.insert(4, [f"Năm kế hoạch: {y}"])
    s.merges = [(r + 1 if r >= 5 else r, c1, r2 + 1 if r2 >= 5 else r2, c2) for r, c1, r2, c2 in s.merges]
    return lay3(lid, "file 'Book1', sheet 'Sheet1', the year only in one cell 'Năm kế hoạch: 2024' under a title "
                "without a year", "book1_year_in_cell", "Book1", [s], truth, prov)


# ----------------------------------------------------------------------------------------- formats


def k17_ods_groups(lid: str) -> Layout:
    """A LibreOffice .ods with Roman groups carrying sums, 'Cộng:' not used, amounts as Vietnamese text, and a
    'Tổng' check column (KCQG + KCĐP + Đối ứng)."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Nghệ An"
    s = Sheet("TH 2023")
    agency(s, prov, 7)
    s.add([f"TÌNH HÌNH THỰC HIỆN KINH PHÍ KHUYẾN CÔNG NĂM {y}"])
    s.add([None] * 6 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "KCQG", "KCĐP", "Đối ứng", "Tổng"])
    truth, grand = [], [0, 0, 0]
    for g, p in enumerate(progs(rng, 3)):
        items = []
        for _ in range(rng.randrange(2, 4)):
            q = tr(rng, 1000, 1800) if p == "demonstration" else 0
            items.append((title_of(rng, p), [q, tr(rng, 30, 300), tr(rng, 1000, 3000) if q else 0]))
        gs = [sum(v[k] for _, v in items) for k in range(3)]
        s.add([ROMAN[g], vocab_line(p).upper(), None, *[vn_number(T(v)) if v else None for v in gs],
               vn_number(T(sum(gs)))])
        for j, (t, v) in enumerate(items):
            s.add([j + 1, t, pick(rng, BENEFICIARIES), *[vn_number(T(x)) if x else None for x in v],
                   vn_number(T(sum(v)))])
            for src, x in zip(("national", "local", "counterpart"), v, strict=True):
                if x:
                    truth.append(E(y, "actual", "executed", src, p, "project", x, 1))
        grand = [a + b for a, b in zip(grand, gs, strict=True)]
    s.add([None, "TỔNG CỘNG", None, *[vn_number(T(v)) for v in grand], vn_number(T(sum(grand)))])
    return lay3(lid, ".ods: Roman groups carrying sums, amounts as Vietnamese text ('1.250'), a 'Tổng' check column",
                "ods_groups_text", "TH KC 2023 NA", [s], truth, prov, fmt="ods")


def k18_csv_comma_groups(lid: str) -> Layout:
    """A ',' CSV in UTF-8 with title lines, Roman groups without sums, 'Cộng' subtotal rows after each group, and
    amounts quoted as Vietnamese text ('"1.250"')."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Bắc Giang"
    s = Sheet("csv")
    s.add([f"UBND TỈNH {prov.upper()}"])
    s.add([f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG NĂM {y}"])
    s.add(["", "", "", "ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thực hiện", "Kinh phí KCĐP"])
    truth, grand = [], 0
    for g, p in enumerate(progs(rng, 3)):
        items = [(title_of(rng, p), tr(rng, 900, 1900)) for _ in range(rng.randrange(2, 4))]
        s.add([ROMAN[g], vocab_line(p), "", ""])
        for j, (t, v) in enumerate(items):
            s.add([j + 1, t, pick(rng, BENEFICIARIES), vn_number(T(v))])
            truth.append(E(y, "plan", "", "local", p, "project", v, 1))
        gs = sum(v for _, v in items)
        s.add(["", "Cộng", "", vn_number(T(gs))])
        grand += gs
    s.add(["", "Tổng cộng", "", vn_number(T(grand))])
    return lay3(lid, "',' CSV (UTF-8 BOM) with title lines, Roman groups without sums, 'Cộng' rows, amounts as text "
                "'1.250' (dot thousands)", "csv_comma_groups_text", "KH KC 2024 BG", [s], truth, prov, fmt="csv")


# ----------------------------------------------------------------------------------------- print layouts


def k19_title_block_repeated(lid: str) -> Layout:
    """A list printed over pages and pasted back: the title, '(tiếp theo)', unit line and header repeated after
    every five projects, with 'Trang 1/3' lines between pages."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Tây Ninh"
    s = Sheet("In")
    agency(s, prov, 5)
    head = ["STT", "Tên đề án", "Đơn vị thụ hưởng", "KCĐP", "Đối ứng"]
    truth, tot = [], [0, 0]
    plist = [rng.choice(["training", "demonstration", "products", "information", "consulting"]) for _ in range(12)]
    for i, p in enumerate(plist):
        if i % 5 == 0:
            if i:
                s.add([None, None, None, None, f"Trang {i // 5}/3"])
            s.add([f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG NĂM {y}" + (" (tiếp theo)" if i else "")], merge_to=5)
            s.add([None] * 4 + ["ĐVT: triệu đồng"])
            s.add(head)
        d = tr(rng, 30, 300)
        u = tr(rng, 100, 900) if p == "demonstration" else 0
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), T(d), T(u) if u else None])
        truth.append(E(y, "plan", "", "local", p, "project", d, 1))
        if u:
            truth.append(E(y, "plan", "", "counterpart", p, "project", u, 1))
        tot = [tot[0] + d, tot[1] + u]
    s.add([None, "Tổng cộng", None, T(tot[0]), T(tot[1])])
    s.add([None, None, None, None, "Trang 3/3"])
    return lay3(lid, "print layout pasted back: title '(tiếp theo)', unit line and header repeated every 5 projects, "
                "'Trang 1/3' lines", "title_block_repeated", "KH KC 2024 ban in", [s], truth, prov)


def k20_page_carry_forward(lid: str) -> Layout:
    """Per-page subtotals 'Cộng trang' and carried-forward rows 'Trang trước chuyển sang' / 'Chuyển sang trang sau'
    (never records), a bottom 'Tổng cộng'."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Thái Bình"
    s = Sheet("Danh sach")
    agency(s, prov, 4)
    s.add([f"DANH SÁCH ĐỀ ÁN KHUYẾN CÔNG ĐÃ NGHIỆM THU NĂM {y}"], merge_to=4)
    s.add([None] * 3 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Cơ sở thụ hưởng", "Kinh phí KCĐP"])
    truth, run = [], 0
    for page in range(3):
        if page:
            s.add([None, "Trang trước chuyển sang", None, T(run)])
        page_sum = 0
        for j in range(4):
            p = rng.choice(["training", "demonstration", "products", "information", "consulting"])
            v = tr(rng, 30, 300)
            s.add([page * 4 + j + 1, title_of(rng, p), pick(rng, BENEFICIARIES), T(v)])
            truth.append(E(y, "actual", "settled", "local", p, "project", v, 1))
            page_sum += v
        run += page_sum
        s.add([None, "Cộng trang", None, T(page_sum)])
        if page < 2:
            s.add([None, "Chuyển sang trang sau", None, T(run)])
    s.add([None, "Tổng cộng", None, T(run)])
    return lay3(lid, "per-page 'Cộng trang' and carried-forward rows 'Trang trước chuyển sang' / 'Chuyển sang trang "
                "sau' (running totals), settled list", "page_carry_forward", "Nghiem thu KC 2023", [s], truth, prov)


# ----------------------------------------------------------------------------------------- more shapes


def k21_year_number_headers(lid: str) -> Layout:
    """Year columns headed by bare numbers (2022 | 2023 | 2024 as numeric cells) and a 'Tổng' check column."""
    rng = random.Random(f"{SEED}-{lid}")
    prov = "Vĩnh Long"
    s = Sheet("Ket qua")
    agency(s, prov, 6)
    s.add(["KẾT QUẢ THỰC HIỆN KINH PHÍ KHUYẾN CÔNG GIAI ĐOẠN 2022 - 2024"], merge_to=6)
    s.add([None] * 5 + ["ĐVT: triệu đồng"])
    s.add(["TT", "Nội dung", 2022, 2023, 2024, "Tổng"])
    truth, tot = [], [0, 0, 0]
    for i, p in enumerate(("training", "demonstration", "products", "information")):
        vals = [tr(rng, 80, 700) for _ in range(3)]
        s.add([i + 1, vocab_line(p), *[T(v) for v in vals], T(sum(vals))])
        truth += [E(y, "actual", "executed", "unspecified", p, "allocation", v, None)
                  for y, v in zip((2022, 2023, 2024), vals, strict=True)]
        tot = [a + b for a, b in zip(tot, vals, strict=True)]
    s.add([None, "Cộng", *[T(v) for v in tot], T(sum(tot))])
    return lay3(lid, "year columns headed by bare numbers (2022 | 2023 | 2024 numeric cells) + 'Tổng' check column, "
                "programme lines, results title", "year_number_headers", "KQ KC 2022-2024 VL", [s], truth, prov)


def k22_comma_grouped_dong(lid: str) -> Layout:
    """A web system's export in đồng with comma thousands as text ('250,000,000'), header 'Kinh phí (VNĐ)'."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Hà Tĩnh"
    s = Sheet("Export")
    agency(s, prov, 4)
    s.add([f"DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG ĐƯỢC PHÊ DUYỆT NĂM {y}"], merge_to=4)
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí (VNĐ)"])
    truth, tot = [], 0
    for i, p in enumerate(progs(rng, 5)):
        v = tr(rng, 40, 300) + rng.randrange(0, 10) * 100_000
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), f"{v:,}"])
        truth.append(E(y, "plan", "approved", "local", p, "project", v, 1))
        tot += v
    s.add([None, "Tổng cộng", None, f"{tot:,}"])
    return lay3(lid, "amounts in đồng as comma-grouped text ('250,400,000'), header 'Kinh phí (VNĐ)', KCĐP approved",
                "comma_grouped_dong", "Export KCDP 2024", [s], truth, prov)


def k23_trong_do_group(lid: str) -> Layout:
    """'Tổng kinh phí' (check) | 'Trong đó' over 'NS Trung ương' | 'NS địa phương' | 'Vốn của doanh nghiệp';
    estimate title."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2025, "Lâm Đồng"
    s = Sheet("Uoc TH 2025")
    agency(s, prov, 7)
    s.add([f"ƯỚC THỰC HIỆN KINH PHÍ KHUYẾN CÔNG NĂM {y}"], merge_to=7)
    s.add([None] * 6 + ["ĐVT: triệu đồng"])
    h = s.add(["STT", "Tên đề án", "Đơn vị thực hiện", "Tổng kinh phí", "Trong đó", None, None])
    s.add([None, None, None, None, "NS Trung ương", "NS địa phương", "Vốn của doanh nghiệp"])
    s.merges += [(h, c, h + 1, c) for c in (1, 2, 3, 4)] + [(h, 5, h, 7)]
    truth, tot = [], [0, 0, 0]
    for i, p in enumerate(progs(rng, 5)):
        q = tr(rng, 200, 600) if i in (0, 2) else 0
        d = tr(rng, 30, 250)
        u = (q + d) * 3 + tr(rng, 10, 200) if q else 0
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), T(q + d + u), *[T(v) if v else None for v in (q, d, u)]])
        for src, v in (("national", q), ("local", d), ("counterpart", u)):
            if v:
                truth.append(E(y, "actual", "estimated", src, p, "project", v, 1))
        tot = [a + b for a, b in zip(tot, (q, d, u), strict=True)]
    s.add([None, "Tổng cộng", None, T(sum(tot)), *[T(v) for v in tot]])
    return lay3(lid, "'Tổng kinh phí' check | 'Trong đó' group over 'NS Trung ương' | 'NS địa phương' | 'Vốn của doanh "
                "nghiệp', estimate title", "trong_do_group", "Uoc TH KC 2025", [s], truth, prov)


def k24_decimal_stt(lid: str) -> Layout:
    """Programme lines numbered '1', '2' carrying their sums, projects numbered '1.1', '1.2', '2.1' under them."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Thanh Hóa"
    s = Sheet("KH")
    agency(s, prov, 5)
    s.add([f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Nội dung", "Đơn vị thụ hưởng", "Kinh phí hỗ trợ", "Vốn đối ứng"])
    items, grand = _grouped(rng, s, progs(rng, 3), lambda g: str(g + 1), lambda j: f"{{g}}.{j + 1}", 2,
                            lambda p: [tr(rng, 30, 300), tr(rng, 300, 900) if p == "demonstration" else 0],
                            True, None, lambda p: vocab_line(p))
    # the '{g}' placeholder is the group's number: fill it in now the rows exist
    g = 0
    for row in s.rows:
        if row and isinstance(row[0], str) and row[0].isdigit():
            g = int(row[0])
        elif row and isinstance(row[0], str) and row[0].startswith("{g}"):
            row[0] = row[0].replace("{g}", str(g))
    s.add([None, "Tổng cộng", None, T(grand[0]), T(grand[1]) if grand[1] else None])
    truth = []
    for p, (d, u) in items:
        truth.append(E(y, "plan", "", "local", p, "project", d, 1))
        if u:
            truth.append(E(y, "plan", "", "counterpart", p, "project", u, 1))
    return lay3(lid, "programme lines '1', '2' carrying sums, projects '1.1', '1.2', '2.1' (decimal STT)",
                "decimal_stt", "KH KCDP 2024 TH", [s], truth, prov)


def k25_dash_bullets(lid: str) -> Layout:
    """Projects bulleted '-' in the STT column under Roman groups carrying their sums; 'Tổng số' on top."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Phú Thọ"
    s = Sheet("TH 2023")
    agency(s, prov, 4)
    s.add([f"TÌNH HÌNH THỰC HIỆN KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=4)
    s.add([None] * 3 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Nội dung", "Đơn vị thực hiện", "Kinh phí"])
    top = s.add([None, "Tổng số", None, None])
    items, grand = _grouped(rng, s, progs(rng, 3), lambda g: ROMAN[g], lambda j: "-", 1,
                            lambda p: [tr(rng, 30, 300)], True, None, lambda p: vocab_line(p))
    s.rows[top - 1][3] = T(grand[0])
    truth = [E(y, "actual", "executed", "local", p, "project", v[0], 1) for p, v in items]
    return lay3(lid, "projects bulleted '-' in the STT column under Roman groups carrying sums, 'Tổng số' on top",
                "dash_bullets", "TH KCDP 2023 PT", [s], truth, prov)


def k26_detail_and_summary_sheets(lid: str) -> Layout:
    """Sheet 'Chi tiết' (projects) and sheet 'Tổng hợp' (the same money by programme, with counts): both kept,
    at two grains (project and allocation)."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Quảng Nam"
    detail = Sheet("Chi tiết")
    agency(detail, prov, 4)
    detail.add([f"KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y} - CHI TIẾT"], merge_to=4)
    detail.add([None] * 3 + ["ĐVT: triệu đồng"])
    detail.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí"])
    truth, by_prog, n = [], {}, 0
    for p in ("training", "demonstration", "information"):
        for _ in range(rng.randrange(1, 4)):
            v = tr(rng, 30, 300)
            n += 1
            detail.add([n, title_of(rng, p), pick(rng, BENEFICIARIES), T(v)])
            truth.append(E(y, "plan", "", "local", p, "project", v, 1))
            c, a = by_prog.get(p, (0, 0))
            by_prog[p] = (c + 1, a + v)
    detail.add([None, "Tổng cộng", None, T(sum(a for _, a in by_prog.values()))])
    summary = Sheet("Tổng hợp")
    agency(summary, prov, 4)
    summary.add([f"KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y} - TỔNG HỢP"], merge_to=4)
    summary.add([None] * 3 + ["ĐVT: triệu đồng"])
    summary.add(["TT", "Chương trình", "Số đề án", "Kinh phí"])
    for i, (p, (c, a)) in enumerate(by_prog.items()):
        summary.add([ROMAN[i], vocab_line(p), c, T(a)])
        truth.append(E(y, "plan", "", "local", p, "allocation", a, c))
    summary.add([None, "Tổng cộng", sum(c for c, _ in by_prog.values()), T(sum(a for _, a in by_prog.values()))])
    return lay3(lid, "two sheets of the same money: 'Chi tiết' (projects) and 'Tổng hợp' (programme lines with counts)",
                "detail_and_summary_sheets", "KH KCDP 2024 QN", [detail, summary], truth, prov)


def k27_unit_per_column(lid: str) -> Layout:
    """No unit line; the unit in each amount header, different per column: 'KCĐP (triệu đồng)' and 'Vốn đối ứng
    (đồng)' with whole-đồng numbers."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Bắc Giang"
    s = Sheet("KH 2024")
    agency(s, prov, 4)
    s.add([f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG NĂM {y}"], merge_to=4)
    s.add(["STT", "Tên đề án", "KCĐP (triệu đồng)", "Vốn đối ứng (đồng)"])
    truth, tot = [], [0, 0]
    for i, p in enumerate(progs(rng, 5)):
        d = tr(rng, 30, 300)
        u = tr(rng, 100, 900) + rng.randrange(1, 9) * 50_000 if i % 2 == 0 else 0
        s.add([i + 1, title_of(rng, p), T(d), u or None])
        truth.append(E(y, "plan", "", "local", p, "project", d, 1))
        if u:
            truth.append(E(y, "plan", "", "counterpart", p, "project", u, 1))
        tot = [tot[0] + d, tot[1] + u]
    s.add([None, "Tổng cộng", T(tot[0]), tot[1]])
    return lay3(lid, "no unit line; a different unit per amount header: 'KCĐP (triệu đồng)' | 'Vốn đối ứng (đồng)'",
                "unit_per_column", "KH KC 2024 BG don vi", [s], truth, prov)


def k28_merged_amount_group_project(lid: str) -> Layout:
    """Group projects ('Đề án nhóm') listing two or three beneficiaries on their own rows, the STT, title and
    amount cells merged vertically over them: one project each."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Đồng Tháp"
    s = Sheet("Danh muc")
    agency(s, prov, 4)
    s.add([f"KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=4)
    s.add([None] * 3 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Cơ sở thụ hưởng", "Kinh phí"])
    truth, tot = [], 0
    for i, p in enumerate(progs(rng, 4)):
        v = tr(rng, 40, 300)
        k = 1 if i % 2 else rng.randrange(2, 4)
        bens = rng.sample(list(BENEFICIARIES), k)
        first = s.add([i + 1, ("Đề án nhóm: " if k > 1 else "") + title_of(rng, p), bens[0], T(v)])
        for b in bens[1:]:
            s.add([None, None, b, None])
        if k > 1:
            s.merges += [(first, c, first + k - 1, c) for c in (1, 2, 4)]
        truth.append(E(y, "actual", "executed", "local", p, "project", v, 1))
        tot += v
    s.add([None, "Tổng cộng", None, T(tot)])
    return lay3(lid, "group projects: beneficiaries on 2–3 rows, STT / title / amount merged vertically over them",
                "merged_amount_group_project", "KQ KCDP 2023 DT", [s], truth, prov)


def k29_ods_two_sheets(lid: str) -> Layout:
    """A LibreOffice .ods with two sheets 'KH' and 'TH' (stage only in the sheet names), year in the titles."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Thái Bình"
    plist = [(title_of(rng, p), p) for p in progs(rng, 4)]
    sheets, truth = [], []
    for name, stage, phase in (("KH", "plan", ""), ("TH", "actual", "executed")):
        s = Sheet(name)
        agency(s, prov, 4)
        s.add([f"ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"])
        s.add([None] * 3 + ["ĐVT: triệu đồng"])
        s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí"])
        tot = 0
        for i, (t, p) in enumerate(plist):
            v = tr(rng, 30, 300)
            s.add([i + 1, t, pick(rng, BENEFICIARIES), T(v)])
            truth.append(E(y, stage, phase, "local", p, "project", v, 1))
            tot += v
        s.add([None, "Tổng cộng", None, T(tot)])
        sheets.append(s)
    return lay3(lid, ".ods with sheets 'KH' / 'TH' (stage only in the sheet names), neutral KCĐP titles with the year",
                "ods_two_sheets", "De an KCDP 2023 TB", sheets, truth, prov, fmt="ods")


def k30_total_breakdown_on_top(lid: str) -> Layout:
    """'Tổng số' on top followed by 'Trong đó:' rows '- Kinh phí KCQG', '- Kinh phí KCĐP' (a breakdown of the
    total, never records), then the project list with a single 'Kinh phí' column and a per-row 'Nguồn' column."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Nghệ An"
    s = Sheet("KH 2024")
    agency(s, prov, 5)
    s.add([f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Nguồn", "Kinh phí"])
    rows, truth, by_src = [], [], {"national": 0, "local": 0}
    for i, p in enumerate(progs(rng, 6)):
        src = "national" if i in (1, 4) else "local"
        v = tr(rng, 200, 600) if src == "national" else tr(rng, 30, 250)
        rows.append([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), "KCQG" if src == "national" else "KCĐP", T(v)])
        truth.append(E(y, "plan", "", src, p, "project", v, 1))
        by_src[src] += v
    s.add([None, "Tổng số", None, None, T(sum(by_src.values()))])
    s.add([None, "Trong đó:", None, None, None])
    s.add([None, "- Kinh phí KCQG", None, None, T(by_src["national"])])
    s.add([None, "- Kinh phí KCĐP", None, None, T(by_src["local"])])
    for row in rows:
        s.add(row)
    return lay3(lid, "'Tổng số' on top with 'Trong đó:' '- Kinh phí KCQG' / '- Kinh phí KCĐP' breakdown rows, then "
                "projects with a per-row 'Nguồn' column", "total_breakdown_on_top", "KH KC 2024 NA nguon", [s], truth,
                prov)


def k31_requested_and_approved(lid: str) -> Layout:
    """'Kinh phí đề nghị hỗ trợ' | 'Kinh phí được phê duyệt' on each line: the same money at two phases; the
    record is the approved one (the final phase), as h09 keeps the adjusted plan."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2025, "Tây Ninh"
    s = Sheet("Phe duyet")
    agency(s, prov, 5)
    s.add([f"DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị đề nghị", "Kinh phí đề nghị hỗ trợ", "Kinh phí được phê duyệt"])
    truth, tot = [], [0, 0]
    for i, p in enumerate(progs(rng, 5)):
        ask = tr(rng, 80, 400)
        ok = ask - pick(rng, (0, 20, 50)) * TRIEU
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), T(ask), T(ok)])
        truth.append(E(y, "plan", "approved", "local", p, "project", ok, 1))
        tot = [tot[0] + ask, tot[1] + ok]
    s.add([None, "Tổng cộng", None, T(tot[0]), T(tot[1])])
    return lay3(lid, "'Kinh phí đề nghị hỗ trợ' | 'Kinh phí được phê duyệt' per line (two phases of the same money; "
                "the approved one is the record), neutral KCĐP title", "requested_and_approved", "DM KCDP 2025 TN", [s],
                truth, prov)


def k32_other_province_in_names(lid: str) -> Layout:
    """Beneficiaries and places naming other provinces ('Công ty CP Gốm Bát Tràng (Hà Nội)', 'Hội chợ tại TP. Hồ
    Chí Minh'); the province is the one of the agency lines."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Hà Tĩnh"
    s = Sheet("KH 2024")
    agency(s, prov, 5)
    s.add([f"KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thực hiện", "Địa điểm", "Kinh phí"])
    rows = (("products", "Tham gia hội chợ hàng công nghiệp nông thôn tiêu biểu khu vực phía Nam",
             "Trung tâm Khuyến công", "TP. Hồ Chí Minh"),
            ("training", "Đào tạo nghề gốm cho lao động nông thôn", "Công ty CP Gốm Bát Tràng (Hà Nội)", "Xã Tân Thành"),
            ("consulting", "Tư vấn thiết kế mẫu mã bao bì sản phẩm", "Công ty TNHH Tư vấn Đà Nẵng", "Xã Minh Tân"),
            ("information", "Phát hành bản tin khuyến công", "Báo Nghệ An", "Toàn tỉnh"))
    truth, tot = [], 0
    for i, (p, t, who, place) in enumerate(rows):
        v = tr(rng, 30, 300)
        s.add([i + 1, t, who, place, T(v)])
        truth.append(E(y, "plan", "", "local", p, "project", v, 1))
        tot += v
    s.add([None, "Tổng cộng", None, None, T(tot)])
    return lay3(lid, "units and places naming other provinces (Hà Nội, TP. Hồ Chí Minh, Đà Nẵng, 'Báo Nghệ An'); "
                "the province is the agency line's", "other_province_in_names", "KH KCDP 2024 HT", [s], truth, prov)


def k33_disbursed_to_date(lid: str) -> Layout:
    """'Kế hoạch năm 2024' | 'Giải ngân đến ngày' over an Excel date cell (30/06/2024) per line."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Vĩnh Long"
    s = Sheet("Giai ngan")
    agency(s, prov, 5)
    s.add(["TIẾN ĐỘ GIẢI NGÂN KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    h = s.add(["STT", "Tên đề án", "Đơn vị thực hiện", f"Kế hoạch năm {y}", "Giải ngân đến ngày"])
    s.add([None, None, None, None, dt.datetime(y, 6, 30)])
    s.merges += [(h, c, h + 1, c) for c in (1, 2, 3, 4)]
    truth, tot = [], [0, 0]
    for i, p in enumerate(progs(rng, 5)):
        plan = tr(rng, 50, 300)
        paid = plan * pick(rng, (0, 30, 50, 100)) // 100 // TRIEU * TRIEU
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), T(plan), T(paid) if paid else "-"])
        truth.append(E(y, "plan", "", "local", p, "project", plan, 1))
        if paid:
            truth.append(E(y, "actual", "disbursed", "local", p, "project", paid, 1))
        tot = [tot[0] + plan, tot[1] + paid]
    s.add([None, "Tổng cộng", None, T(tot[0]), T(tot[1])])
    return lay3(lid, "'Kế hoạch năm 2024' | 'Giải ngân đến ngày' over an Excel date cell (30/06/2024), KCĐP title "
                "without a year", "disbursed_to_date", "Giai ngan KCDP VL", [s], truth, prov)



def k34_plan_actual_counts_sources(lid: str) -> Layout:
    """Summary by programme: 'Kế hoạch năm 2024' and 'Thực hiện năm 2024' each over 'Số đề án' | 'KCQG' | 'KCĐP',
    then 'Tỷ lệ TH/KH (%)'; coded lines ('CT1. …'); a 'Tổng cộng' on top."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Quảng Nam"
    s = Sheet("KH-TH 2024")
    agency(s, prov, 9)
    s.add([f"KẾT QUẢ KHUYẾN CÔNG NĂM {y} SO VỚI KẾ HOẠCH"], merge_to=9)
    s.add([None] * 8 + ["ĐVT: triệu đồng"])
    h = s.add(["TT", "Chương trình", f"Kế hoạch năm {y}", None, None, f"Thực hiện năm {y}", None, None,
               "Tỷ lệ TH/KH (%)"])
    s.add([None, None, "Số đề án", "KCQG", "KCĐP", "Số đề án", "KCQG", "KCĐP", None])
    s.merges += [(h, 1, h + 1, 1), (h, 2, h + 1, 2), (h, 3, h, 5), (h, 6, h, 8), (h, 9, h + 1, 9)]
    lines, truth = [], []
    for p, label in CODED_LINES3:
        n_plan = rng.randrange(2, 6)
        n_act = n_plan - rng.randrange(0, 2)
        plan = [tr(rng, 300, 900) if p == "demonstration" else 0, tr(rng, 80, 500)]
        act = [v - pick(rng, (0, 10, 25)) * TRIEU if v else 0 for v in plan]
        lines.append([label, n_plan, plan, n_act, act])
        for stage, phase, n, pair in (("plan", "", n_plan, plan), ("actual", "executed", n_act, act)):
            for src, v in zip(("national", "local"), pair, strict=True):
                if v:
                    truth.append(E(y, stage, phase, src, p, "allocation", v, n))
    sp = [sum(ln[2][k] for ln in lines) for k in (0, 1)]
    sa = [sum(ln[4][k] for ln in lines) for k in (0, 1)]
    s.add([None, "Tổng cộng", sum(ln[1] for ln in lines), T(sp[0]), T(sp[1]), sum(ln[3] for ln in lines), T(sa[0]),
           T(sa[1]), round(100 * sum(sa) / sum(sp), 1)])
    for i, (label, n_plan, plan, n_act, act) in enumerate(lines):
        s.add([i + 1, label, n_plan, *[T(v) if v else None for v in plan], n_act, *[T(v) if v else None for v in act],
               round(100 * sum(act) / sum(plan), 1)])
    return lay3(lid, "summary: 'Kế hoạch năm 2024' / 'Thực hiện năm 2024' each over Số đề án | KCQG | KCĐP, 'Tỷ lệ TH/KH "
                "(%)', coded programme lines, total on top", "plan_actual_counts_sources", "KQ so KH 2024 QN", [s],
                truth, prov)


def k35_summary_ab_sources(lid: str) -> Layout:
    """Summary whose sections are sources ('A. Nguồn khuyến công quốc gia', 'B. Nguồn khuyến công địa phương',
    carrying their sums and counts), programme lines under each with 'SL đề án' | 'Kinh phí'; 'Tổng cộng (A+B)'."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Bắc Giang"
    s = Sheet("Tong hop")
    agency(s, prov, 4)
    s.add([f"TỔNG HỢP KINH PHÍ KHUYẾN CÔNG ĐÃ THỰC HIỆN NĂM {y}"], merge_to=4)
    s.add([None] * 3 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Nội dung", "SL đề án", "Kinh phí"])
    body, truth, grand = [], [], [0, 0]
    for letter, label, src, plist in (("A", "Nguồn khuyến công quốc gia", "national", ("demonstration", "products")),
                                      ("B", "Nguồn khuyến công địa phương", "local",
                                       ("training", "demonstration", "information", "capacity"))):
        rows, sn, sv = [], 0, 0
        for i, p in enumerate(plist):
            n, v = rng.randrange(1, 5), tr(rng, 100, 900) if src == "national" else tr(rng, 50, 400)
            rows.append([i + 1, vocab_line(p), n, T(v)])
            truth.append(E(y, "actual", "executed", src, p, "allocation", v, n))
            sn, sv = sn + n, sv + v
        body.append([letter, label, sn, T(sv)])
        body += rows
        grand = [grand[0] + sn, grand[1] + sv]
    for row in body:
        s.add(row)
    s.add([None, "Tổng cộng (A+B)", grand[0], T(grand[1])])
    return lay3(lid, "summary with source sections 'A. Nguồn khuyến công quốc gia' / 'B. … địa phương' carrying sums "
                "and counts, programme lines under each, 'Tổng cộng (A+B)' at the bottom", "summary_ab_sources",
                "TH KC 2023 BG nguon", [s], truth, prov)


def k36_csv_semicolon_ab_sections(lid: str) -> Layout:
    """';' CSV (UTF-8 BOM) of a project list in A. KCQG / B. KCĐP sections, 'Cộng A' / 'Cộng B' rows after each,
    'Tổng cộng', one 'Kinh phí' column, amounts as Vietnamese text."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Lâm Đồng"
    s = Sheet("csv")
    s.add([f"UBND TỈNH {prov.upper()}", "", "", ""])
    s.add([f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG NĂM {y}", "", "", ""])
    s.add(["", "", "", "ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thực hiện", "Kinh phí"])
    truth, grand = [], 0
    for letter, label, src, n in (("A", "KHUYẾN CÔNG QUỐC GIA", "national", 2), ("B", "KHUYẾN CÔNG ĐỊA PHƯƠNG", "local", 4)):
        s.add([letter, label, "", ""])
        sec = 0
        for i, p in enumerate(progs(rng, n)):
            v = tr(rng, 300, 900) if src == "national" else tr(rng, 30, 300)
            s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), vn_number(T(v))])
            truth.append(E(y, "plan", "", src, p, "project", v, 1))
            sec += v
        s.add(["", f"Cộng {letter}", "", vn_number(T(sec))])
        grand += sec
    s.add(["", "Tổng cộng", "", vn_number(T(grand))])
    return lay3(lid, "';' CSV: A. KCQG / B. KCĐP project sections without sums, 'Cộng A' / 'Cộng B' rows, 'Tổng cộng', "
                "one 'Kinh phí' column, text amounts", "csv_semicolon_ab_sections", "KH KC 2024 LD", [s], truth, prov,
                fmt="csv", sep=";")


def k37_signing_date_other_year(lid: str) -> Layout:
    """The place-and-date line at the top right ('Hà Tĩnh, ngày 15 tháng 12 năm 2024') is the signing date; the
    plan is for the year in the title (2025)."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2025, "Hà Tĩnh"
    s = Sheet("KH")
    s.add(["UBND TỈNH HÀ TĨNH", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    s.add(["SỞ CÔNG THƯƠNG", None, None, "Độc lập - Tự do - Hạnh phúc"])
    s.add([None, None, None, f"Hà Tĩnh, ngày 15 tháng 12 năm {y - 1}"])
    s.add([f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=4)
    s.add([None] * 3 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí"])
    truth, tot = [], 0
    for i, p in enumerate(progs(rng, 5)):
        v = tr(rng, 30, 300)
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), T(v)])
        truth.append(E(y, "plan", "", "local", p, "project", v, 1))
        tot += v
    s.add([None, "Tổng cộng", None, T(tot)])
    return lay3(lid, "place-and-date line of the previous year at the top right ('…, ngày 15 tháng 12 năm 2024'), plan "
                "year 2025 in the title", "signing_date_other_year", "KH KCDP 2025 HT", [s], truth, prov)



def k38_mixed_units_in_cells(lid: str) -> Layout:
    """One 'Kinh phí' column whose cells carry their own units: '850 triệu', '1,2 tỷ', '95 tr' (no unit line)."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Thanh Hóa"
    s = Sheet("TH 2023")
    agency(s, prov, 4)
    s.add([f"KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=4)
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí"])
    truth, tot = [], 0
    for i, p in enumerate(progs(rng, 5)):
        if i in (1, 3):
            v = rng.randrange(11, 19) * 100 * TRIEU
            cell = f"{vn_number(v / 1000 / TRIEU)} tỷ"
        else:
            v = tr(rng, 40, 900)
            cell = f"{vn_number(T(v))} {pick(rng, ('triệu', 'triệu đồng', 'tr'))}"
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), cell])
        truth.append(E(y, "actual", "executed", "local", p, "project", v, 1))
        tot += v
    s.add([None, "Tổng cộng", None, f"{vn_number(T(tot))} triệu"])
    return lay3(lid, "cells carrying their own units in one column ('850 triệu', '1,2 tỷ', '95 tr'), no unit line",
                "mixed_units_in_cells", "KQ KCDP 2023 TH", [s], truth, prov)


def k39_no_stt_uppercase_groups(lid: str) -> Layout:
    """No STT column: programme groups are the UPPERCASE rows carrying their sums, projects in normal case."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Phú Thọ"
    s = Sheet("KH 2024")
    agency(s, prov, 3)
    s.add([f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=3)
    s.add([None, None, "ĐVT: triệu đồng"])
    s.add(["Nội dung", "Đơn vị thực hiện", "Kinh phí"])
    body, truth, grand = [], [], 0
    for p in progs(rng, 3):
        items = [(title_of(rng, p), tr(rng, 30, 300)) for _ in range(rng.randrange(2, 4))]
        body.append([vocab_line(p).upper(), None, T(sum(v for _, v in items))])
        for t_, v in items:
            body.append([t_, pick(rng, BENEFICIARIES), T(v)])
            truth.append(E(y, "plan", "", "local", p, "project", v, 1))
        grand += sum(v for _, v in items)
    s.add(["TỔNG CỘNG", None, T(grand)])
    for row in body:
        s.add(row)
    return lay3(lid, "no STT column: UPPERCASE programme rows carrying sums, projects in normal case, total on top",
                "no_stt_uppercase_groups", "KH KCDP 2024 PT", [s], truth, prov)


def k40_programme_column(lid: str) -> Layout:
    """A per-row 'Nội dung hỗ trợ' column naming the programme, neutral project titles ('Đề án số 03/2024 …')."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Vĩnh Long"
    s = Sheet("DM")
    agency(s, prov, 5)
    s.add([f"KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Nội dung hỗ trợ", "Đơn vị thụ hưởng", "Kinh phí"])
    truth, tot = [], 0
    for i, p in enumerate(progs(rng, 5)):
        v = tr(rng, 30, 300)
        ben = pick(rng, BENEFICIARIES)
        s.add([i + 1, f"Đề án số {i + 1:02d}/{y} hỗ trợ {ben}", vocab_line(p), ben, T(v)])
        truth.append(E(y, "plan", "", "local", p, "project", v, 1))
        tot += v
    s.add([None, "Tổng cộng", None, None, T(tot)])
    return lay3(lid, "neutral project titles ('Đề án số 03/2024 hỗ trợ …'), the programme in a per-row 'Nội dung hỗ "
                "trợ' column", "programme_column", "KH KCDP 2024 VL", [s], truth, prov)


def k41_plan_and_adjusted_sheets(lid: str) -> Layout:
    """Sheets 'KH giao đầu năm' and 'KH điều chỉnh' with the same projects, neutral titles with the year: the
    approved and the adjusted plan, two records per project."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Đồng Tháp"
    plist = [(title_of(rng, p), p, tr(rng, 60, 300)) for p in progs(rng, 4)]
    sheets, truth = [], []
    for name, phase, delta in (("KH giao đầu năm", "approved", 0), ("KH điều chỉnh", "adjusted", 20)):
        s = Sheet(name)
        agency(s, prov, 4)
        s.add([f"KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=4)
        s.add([None] * 3 + ["ĐVT: triệu đồng"])
        s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí"])
        tot = 0
        for i, (t_, p, v) in enumerate(plist):
            v2 = v - delta * TRIEU if i % 2 else v
            s.add([i + 1, t_, BENEFICIARIES[i], T(v2)])
            truth.append(E(y, "plan", phase, "local", p, "project", v2, 1))
            tot += v2
        s.add([None, "Tổng cộng", None, T(tot)])
        sheets.append(s)
    return lay3(lid, "sheets 'KH giao đầu năm' (approved) and 'KH điều chỉnh' (adjusted), same projects, neutral "
                "titles with the year", "plan_and_adjusted_sheets", "KCDP 2024 DT giao dieu chinh", sheets, truth, prov)


def k42_total_label_in_stt(lid: str) -> Layout:
    """The total row labelled only in the STT column ('Tổng'), its title cell empty; group rows 'I', 'II' without
    sums."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Nghệ An"
    s = Sheet("QT 2023")
    agency(s, prov, 4)
    s.add([f"QUYẾT TOÁN KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=4)
    s.add([None] * 3 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thực hiện", "Kinh phí"])
    items, grand = _grouped(rng, s, progs(rng, 3), lambda g: ROMAN[g], lambda j: j + 1, 1,
                            lambda p: [tr(rng, 30, 300)], False, None, lambda p: vocab_line(p))
    s.add(["Tổng", None, None, T(grand[0])])
    truth = [E(y, "actual", "settled", "local", p, "project", v[0], 1) for p, v in items]
    return lay3(lid, "total row labelled only in the STT column ('Tổng'), Roman groups without sums",
                "total_label_in_stt", "QT KCDP 2023 NA", [s], truth, prov)



def k43_footnote_markers(lid: str) -> Layout:
    """Amount cells with footnote markers ('250 (*)', '85(1)', '120*') explained under the table."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Tây Ninh"
    s = Sheet("KH 2024")
    agency(s, prov, 4)
    s.add([f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=4)
    s.add([None] * 3 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí"])
    marks = ("{} (*)", "{}(1)", "{}", "{}*", "{} (2)")
    truth, tot = [], 0
    for i, p in enumerate(progs(rng, 5)):
        v = tr(rng, 30, 300)
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), marks[i].format(vn_number(T(v)))])
        truth.append(E(y, "plan", "", "local", p, "project", v, 1))
        tot += v
    s.add([None, "Tổng cộng", None, T(tot)])
    s.blank()
    s.add([None, "(*) Đề án chuyển tiếp từ năm 2023."])
    s.add([None, "(1), (2) Kinh phí tạm tính, chờ thẩm định."])
    return lay3(lid, "footnote markers in amount cells ('250 (*)', '85(1)', '120*') explained below the table",
                "footnote_markers", "KH KCDP 2024 TN ghi chu", [s], truth, prov)


def k44_estimate_column_header(lid: str) -> Layout:
    """A neutral list whose one amount column says the phase: 'Dự toán kinh phí (triệu đồng)'."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2025, "Bắc Giang"
    s = Sheet("DM 2025")
    agency(s, prov, 4)
    s.add([f"DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=4)
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Dự toán kinh phí (triệu đồng)"])
    truth, tot = [], 0
    for i, p in enumerate(progs(rng, 5)):
        v = tr(rng, 30, 300)
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), T(v)])
        truth.append(E(y, "plan", "approved", "local", p, "project", v, 1))
        tot += v
    s.add([None, "Tổng cộng", None, T(tot)])
    return lay3(lid, "neutral KCĐP list, the phase only in the amount header 'Dự toán kinh phí (triệu đồng)'",
                "estimate_column_header", "DM KCDP 2025 BG", [s], truth, prov)


def k45_form_numbering_row(lid: str) -> Layout:
    """A budget-form numbering row under the header: 'A' | 'B' | 'C' | '1' | '2' | '3' | '4=1+2+3'."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Thái Bình"
    s = Sheet("Bieu 01")
    agency(s, prov, 7)
    s.add([f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG NĂM {y}"], merge_to=7)
    s.add([None] * 6 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thực hiện", "KCQG", "KCĐP", "Vốn đối ứng", "Tổng cộng"])
    s.add(["A", "B", "C", "1", "2", "3", "4=1+2+3"])
    truth, tot = [], [0, 0, 0]
    for i, p in enumerate(progs(rng, 5)):
        q = tr(rng, 200, 600) if i in (0, 3) else 0
        d = tr(rng, 30, 250)
        u = (q + d) * 3 + tr(rng, 10, 100) if q else 0
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), *[T(v) if v else None for v in (q, d, u)],
               T(q + d + u)])
        for src, v in (("national", q), ("local", d), ("counterpart", u)):
            if v:
                truth.append(E(y, "plan", "", src, p, "project", v, 1))
        tot = [a + b for a, b in zip(tot, (q, d, u), strict=True)]
    s.add([None, "Tổng cộng", None, *[T(v) for v in tot], T(sum(tot))])
    return lay3(lid, "budget-form numbering row 'A | B | C | 1 | 2 | 3 | 4=1+2+3' under the header, 'Tổng cộng' check "
                "column", "form_numbering_row", "Bieu 01 KH KC 2024", [s], truth, prov)


def k46_excel_table_total_row(lid: str) -> Layout:
    """An Excel table (ListObject) typed in English Excel: header row with filter buttons, the table's own
    totals row labelled 'Total'."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2023, "Vĩnh Long"
    s = Sheet("Table1")
    agency(s, prov, 4)
    s.add([f"TÌNH HÌNH THỰC HIỆN KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {y}"], merge_to=4)
    s.add([None] * 3 + ["ĐVT: triệu đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thực hiện", "Kinh phí"])
    truth, tot = [], 0
    for i, p in enumerate(progs(rng, 5)):
        v = tr(rng, 30, 300)
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), T(v)])
        truth.append(E(y, "actual", "executed", "local", p, "project", v, 1))
        tot += v
    s.add(["Total", None, None, T(tot)])
    return lay3(lid, "an Excel table typed in English Excel: the table's totals row labelled 'Total' in the STT column",
                "excel_table_total_row", "TH KCDP 2023 VL bang", [s], truth, prov)


def k47_billion_three_decimals(lid: str) -> Layout:
    """A project list in tỷ đồng with three decimals as text ('0,250', '1,125'), 'Đơn vị: tỷ đồng'."""
    rng = random.Random(f"{SEED}-{lid}")
    y, prov = 2024, "Lâm Đồng"
    s = Sheet("KH 2024")
    agency(s, prov, 4)
    s.add([f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG QUỐC GIA NĂM {y}"], merge_to=4)
    s.add([None] * 3 + ["Đơn vị: tỷ đồng"])
    s.add(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí KCQG"])
    truth, tot = [], 0
    for i, p in enumerate(("demonstration", "demonstration", "products", "training")):
        v = rng.randrange(60, 140) * 5 * TRIEU if p == "demonstration" else rng.randrange(20, 60) * 5 * TRIEU
        s.add([i + 1, title_of(rng, p), pick(rng, BENEFICIARIES), f"{v / 1000 / TRIEU:.3f}".replace(".", ",")])
        truth.append(E(y, "plan", "", "national", p, "project", v, 1))
        tot += v
    s.add([None, "Tổng cộng", None, f"{tot / 1000 / TRIEU:.3f}".replace(".", ",")])
    return lay3(lid, "project amounts in tỷ đồng with three decimals as text ('0,250', '1,125'), KCQG plan",
                "billion_three_decimals", "KH KCQG 2024 LD ty", [s], truth, prov)



def k48_year_rows(lid: str) -> Layout:
    """Years as rows ('Năm 2021' … 'Năm 2025'), sources as columns KCQG | KCĐP | Vốn đối ứng, a 'Tổng giai đoạn'
    row at the bottom."""
    rng = random.Random(f"{SEED}-{lid}")
    prov = "Hà Tĩnh"
    s = Sheet("Giai doan")
    agency(s, prov, 5)
    s.add(["KINH PHÍ KHUYẾN CÔNG ĐÃ THỰC HIỆN GIAI ĐOẠN 2021 - 2025"], merge_to=5)
    s.add([None] * 4 + ["ĐVT: triệu đồng"])
    s.add(["TT", "Năm", "KCQG", "KCĐP", "Vốn đối ứng"])
    truth, tot = [], [0, 0, 0]
    for i, y in enumerate(range(2021, 2026)):
        vals = [tr(rng, 500, 2000), tr(rng, 800, 2500), tr(rng, 3000, 9000)]
        s.add([i + 1, f"Năm {y}", *[T(v) for v in vals]])
        truth += [E(y, "actual", "executed", src, "", "allocation", v, None)
                  for src, v in zip(("national", "local", "counterpart"), vals, strict=True)]
        tot = [a + b for a, b in zip(tot, vals, strict=True)]
    s.add([None, "Tổng giai đoạn", *[T(v) for v in tot]])
    return lay3(lid, "years as rows ('Năm 2021' … 'Năm 2025'), sources as columns, 'Tổng giai đoạn' row, results title",
                "year_rows", "KC 2021-2025 HT theo nam", [s], truth, prov)


def k49_csv_english_field_names(lid: str) -> Layout:
    """A system's raw CSV export with English snake_case field names ('project_name', 'national_fund',
    'local_fund', 'counterpart_fund', 'year'), amounts in đồng, no title block; stage and province stated nowhere."""
    rng = random.Random(f"{SEED}-{lid}")
    s = Sheet("csv")
    s.add(["id", "project_name", "beneficiary", "year", "national_fund", "local_fund", "counterpart_fund"])
    truth = []
    for i, p in enumerate(progs(rng, 5)):
        y = 2023 + i % 2
        q = tr(rng, 200, 600) if i in (1, 3) else 0
        d = tr(rng, 30, 250)
        u = tr(rng, 100, 900) if i % 2 == 0 else 0
        s.add([101 + i, title_of(rng, p), pick(rng, BENEFICIARIES), y, q, d, u])
        for src, v in (("national", q), ("local", d), ("counterpart", u)):
            if v:
                truth.append(E(y, "unspecified", "", src, p, "project", v, 1))
    return lay3(lid, "raw CSV with English snake_case fields (project_name, year, national_fund, local_fund, "
                "counterpart_fund), amounts in đồng, no title; stage and province stated nowhere",
                "csv_english_field_names", "export_projects", [s], truth, None, fmt="csv")


# ----------------------------------------------------------------------------------------- registry and writing

BUILDERS: tuple[Callable[[str], Layout], ...] = (
    k01_combined_plan, k02_wide_years_stage_sources, k03_amounts_before_titles, k04_stt_dotted, k05_stt_parens,
    k06_total_i_plus_ii, k07_titles_start_with_programme, k08_source_group_over_years, k09_trailing_spaces,
    k10_quote_prefix, k11_literal_apostrophe, k12_excel_dates, k13_note_column_numbers, k14_empty_sheets,
    k15_coded_programme_lines, k16_book1_year_in_cell, k17_ods_groups, k18_csv_comma_groups,
    k19_title_block_repeated, k20_page_carry_forward, k21_year_number_headers, k22_comma_grouped_dong,
    k23_trong_do_group, k24_decimal_stt, k25_dash_bullets, k26_detail_and_summary_sheets, k27_unit_per_column,
    k28_merged_amount_group_project, k29_ods_two_sheets, k30_total_breakdown_on_top, k31_requested_and_approved,
    k32_other_province_in_names, k33_disbursed_to_date, k34_plan_actual_counts_sources, k35_summary_ab_sources,
    k36_csv_semicolon_ab_sections, k37_signing_date_other_year, k38_mixed_units_in_cells, k39_no_stt_uppercase_groups,
    k40_programme_column, k41_plan_and_adjusted_sheets, k42_total_label_in_stt, k43_footnote_markers,
    k44_estimate_column_header, k45_form_numbering_row, k46_excel_table_total_row, k47_billion_three_decimals,
    k48_year_rows, k49_csv_english_field_names,
)


def all_layouts() -> list[Layout]:
    """Every layout of the third zoo, ids k01… in builder order."""
    return [build(f"k{i + 1:02d}") for i, build in enumerate(BUILDERS)]


def write_layout(layout: Layout, out: Path) -> Path:
    """As holdout.write_layout, plus what these layouts need in .xlsx: quotePrefix text cells (``Quoted``), date
    cells, empty sheets."""
    if layout.fmt != "xlsx":
        return holdout.write_layout(layout, out)
    from openpyxl import Workbook

    path = out / layout.file_name
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in layout.sheets:
        ws = wb.create_sheet(sheet.name[:31])
        for r, row in enumerate(sheet.rows, start=1):
            for col, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = ws.cell(row=r, column=col, value=str(value) if isinstance(value, Quoted) else value)
                if isinstance(value, Quoted):
                    cell.quotePrefix = True
                elif isinstance(value, dt.datetime):
                    cell.number_format = "dd/mm/yyyy"
        for r1, c1, r2, c2 in sheet.merges:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        if sheet.name == "Table1":  # an Excel table over header … totals row (k46)
            from openpyxl.worksheet.table import Table

            head = next(r for r, row in enumerate(sheet.rows, start=1) if row and row[0] == "STT")
            width = len(sheet.rows[head - 1])
            ws.add_table(Table(displayName="Table1", ref=f"A{head}:{chr(64 + width)}{len(sheet.rows)}",
                               totalsRowCount=1))
    wb.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    from .run import write_zoo

    return write_zoo("holdout3", all_layouts(), write_layout, truth_json, argv)


if __name__ == "__main__":
    raise SystemExit(main())
