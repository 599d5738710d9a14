"""Small workbooks shaped like real provincial files, built by the tests (one function per layout).

Each builder writes a file into a folder and returns (path, expected) where expected maps
(stage, funding_source) → total đồng, plus optional extra expectations.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl

TITLE_BLOCK = [
    ["UBND TỈNH BÌNH DƯƠNG", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["SỞ CÔNG THƯƠNG", None, None, "Độc lập - Tự do - Hạnh phúc"],
    [],
]


def write_xlsx(
    path: Path,
    sheets: dict[str, list[list[Any]]],
    merged: dict[str, list[str]] | None = None,
    hidden: tuple[str, ...] = (),
) -> Path:
    """Write rows (lists of cell values) to sheets; '=…' strings become formulas (no cached value)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for rng in (merged or {}).get(name, []):
            ws.merge_cells(rng)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def two_row_header(folder: Path) -> tuple[Path, dict]:
    """Merged 'Kinh phí' over Tổng|KCQG|KCĐP|Đối ứng, Roman programme groups with subtotals, total on top."""
    rows = [
        *TITLE_BLOCK,
        ["DANH MỤC ĐỀ ÁN KHUYẾN CÔNG THỰC HIỆN NĂM 2016"],
        [None, None, None, None, None, "ĐVT: triệu đồng"],
        ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Địa điểm", "Kinh phí", None, None, None, "Ghi chú"],
        [None, None, None, None, "Tổng", "KCQG", "KCĐP", "Đối ứng", None],
        [None, "TỔNG CỘNG", None, None, 1150, 500, 150, 2000, None],
        ["I", "Chương trình hỗ trợ xây dựng mô hình trình diễn kỹ thuật", None, None, 1000, 500, 0, 2000, None],
        [1, "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất gốm", "Cơ sở Gốm Thử 01",
         "P. An Phú, TX. Thuận An", 500, 500, None, 1200, None],
        [2, "Ứng dụng máy cắt CNC trong sản xuất gỗ", "Công ty Mẫu 02", "H. Phú Giáo", 500, None, None, 800, None],
        ["II", "Cung cấp thông tin, tuyên truyền", None, None, 150, None, 150, None, None],
        [1, "Xây dựng chương trình truyền hình khuyến công", None, None, 150, None, 150, None, None],
        [],
        ["Ghi chú: số liệu minh họa"],
        [None, None, None, None, None, "GIÁM ĐỐC"],
        [None, None, None, None, None, "Nguyễn Văn Thử"],
    ]
    # row 2 of group I: KCQG blank, KCĐP blank — the 'Tổng' 500 is the only amount → breakdown missing
    path = write_xlsx(folder / "BD_thuc_hien_2016.xlsx", {"DM 2016": rows},
                      merged={"DM 2016": ["E6:H6", "A6:A7", "B6:B7", "I6:I7"]})
    expected = {
        ("actual", "national"): 500_000_000,
        ("actual", "local"): 150_000_000,
        ("actual", "unspecified"): 500_000_000,
        ("actual", "counterpart"): 2_000_000_000,
        "year": 2016,
        "province": "Bình Dương",
        "districts": {"Thuận An", "Phú Giáo"},
        "programs": {"demonstration", "information"},
    }
    return path, expected


def source_column_bottom_total(folder: Path) -> tuple[Path, dict]:
    """Single-row header with a 'Nguồn vốn' column naming KCQG/KCĐP, unit in the header, 'Cộng' at the bottom."""
    rows = [
        ["SỞ CÔNG THƯƠNG TỈNH QUẢNG NINH"],
        ["KẾ HOẠCH KHUYẾN CÔNG NĂM 2018"],
        [],
        ["TT", "Nội dung", "Cơ sở thụ hưởng", "Nguồn vốn", "Kinh phí hỗ trợ (đồng)", "Vốn đối ứng (đồng)"],
        [1, "Hỗ trợ tham gia hội chợ triển lãm", "HTX Thử A", "KCQG", 400_000_000, 100_000_000],
        [2, "Đào tạo nghề mây tre đan", "Cơ sở Thử B", "KCĐP", 250_000_000, None],
        [3, "Hỗ trợ máy móc chế biến hải sản", "Công ty Thử C", "KCĐP", 150_000_000, 600_000_000],
        [None, "Cộng", None, None, 800_000_000, 700_000_000],
    ]
    path = write_xlsx(folder / "kh2018.xlsx", {"Sheet1": rows})
    return path, {
        ("plan", "national"): 400_000_000,
        ("plan", "local"): 400_000_000,
        ("plan", "counterpart"): 700_000_000,
        "year": 2018,
        "province": "Quảng Ninh",
    }


def text_amounts_mixed_units(folder: Path) -> tuple[Path, dict]:
    """Amounts typed as text with decimal commas and unit words; mixed units in one column."""
    rows = [
        ["TRUNG TÂM KHUYẾN CÔNG TỈNH BÌNH DƯƠNG"],
        ["BÁO CÁO KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2017"],
        ["STT", "Tên đề án", "Địa chỉ", "Kinh phí hỗ trợ", "Đối ứng"],
        ["1", "Hỗ trợ máy móc sản xuất bánh tráng", "Di An", "262,5 triệu đồng", "1,2 tỷ đồng"],
        ["2", "Tập huấn khởi sự doanh nghiệp", "TP. Thủ Dầu Một", "85 triệu", "-"],
        ["3", "Hỗ trợ thiết kế mẫu mã bao bì", "huyện Bàu Bàng", "gần 30 triệu đồng", ""],
        ["", "Tổng cộng", "", "377,5 triệu đồng", "1,2 tỷ đồng"],
    ]
    path = write_xlsx(folder / "bao cao 2017.xlsx", {"KQ": rows})
    return path, {
        ("actual", "local"): 377_500_000,
        ("actual", "counterpart"): 1_200_000_000,
        "year": 2017,
        "districts": {"Dĩ An", "Thủ Dầu Một", "Bàu Bàng"},
        "flag": "approximate_near",
    }


def csv_semicolon_bom(folder: Path) -> tuple[Path, dict]:
    """CSV export, UTF-8 with BOM, ';' separated, '78.675' meaning 78 675 triệu in a total line."""
    path = folder / "Binh_Duong_thuc_hien_2015.csv"
    rows = [
        ["DANH MỤC ĐỀ ÁN KHUYẾN CÔNG THỰC HIỆN NĂM 2015 TỈNH BÌNH DƯƠNG"],
        ["Đơn vị tính: triệu đồng"],
        ["STT", "Tên đề án", "KCQG", "KCĐP"],
        ["1", "Hỗ trợ máy móc thiết bị", "78.000", ""],
        ["2", "Hỗ trợ hội chợ", "", "675"],
        ["", "Tổng cộng", "78.000", "675"],
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path, {("actual", "national"): 78_000_000_000, ("actual", "local"): 675_000_000, "year": 2015}


def csv_windows_1258(folder: Path) -> tuple[Path, dict]:
    """Windows-1258 CSV: tone marks stored as combining characters; must come out NFC."""
    import unicodedata

    path = folder / "ke_hoach_2019_ha_nam.csv"
    text = (
        "KẾ HOẠCH KHUYẾN CÔNG NĂM 2019 TỈNH HÀ NAM\n"
        "ĐVT: triệu đồng\n"
        "STT,Tên đề án,Kinh phí KCĐP\n"
        "1,Đào tạo nghề thêu ren,120\n"
        "2,Hỗ trợ ứng dụng máy móc thiết bị,380\n"
        ",Tổng cộng,500\n"
    )
    path.write_bytes(_cp1258_bytes(unicodedata.normalize("NFD", text)))
    return path, {("plan", "local"): 500_000_000, "year": 2019, "province": "Hà Nam",
                  "titles": {"Đào tạo nghề thêu ren", "Hỗ trợ ứng dụng máy móc thiết bị"}}


def _cp1258_bytes(decomposed: str) -> bytes:
    """Encode NFD text the Windows-1258 way: base letter (with breve/circumflex/horn) + combining tone mark."""
    import unicodedata

    out = bytearray()
    clusters: list[list[str]] = []
    for ch in decomposed:
        if unicodedata.combining(ch) and clusters:
            clusters[-1].append(ch)
        else:
            clusters.append([ch])
    for base, *marks in clusters:
        keep = "".join(m for m in marks if m in "\u0306\u0302\u031b")
        tones = [m for m in marks if m not in "\u0306\u0302\u031b"]
        out += unicodedata.normalize("NFC", base + keep).encode("cp1258")
        for tone in tones:
            out += tone.encode("cp1258")
    return bytes(out)


def csv_utf16(folder: Path) -> tuple[Path, dict]:
    """UTF-16 export (Excel 'Unicode text'), tab separated."""
    path = folder / "thuc_hien_2020_long_an.txt"
    text = (
        "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐÃ THỰC HIỆN NĂM 2020 - TỈNH LONG AN\n"
        "STT\tTên đề án\tKinh phí khuyến công (đồng)\n"
        "1\tHỗ trợ máy sấy nông sản\t300.000.000\n"
        "2\tHội thảo sản xuất sạch hơn\t45.500.000\n"
    )
    path.write_bytes(text.encode("utf-16"))
    return path, {("actual", "unspecified"): 345_500_000, "year": 2020, "province": "Long An"}


def plan_actual_groups_by_programme(folder: Path) -> tuple[Path, dict]:
    """Summary by programme with 'Kế hoạch năm 2017' / 'Thực hiện năm 2017' column groups (Số đề án | Kinh phí)."""
    rows = [
        ["UBND TỈNH ĐỒNG THÁP"],
        ["TỔNG HỢP KINH PHÍ KHUYẾN CÔNG THEO NỘI DUNG NĂM 2017"],
        ["ĐVT: triệu đồng"],
        ["STT", "Nội dung", "Kế hoạch năm 2017", None, "Thực hiện năm 2017", None],
        [None, None, "Số đề án", "Kinh phí", "Số đề án", "Kinh phí"],
        ["1", "Mô hình trình diễn kỹ thuật", 3, 900, 3, 880],
        ["2", "Đào tạo nghề, truyền nghề", 2, 200, 1, 90],
        ["3", "Hội chợ, triển lãm", 1, "150", 1, "150"],
        [None, "Tổng cộng", 6, 1250, 5, 1120],
    ]
    path = write_xlsx(folder / "tong_hop_2017.xlsx", {"TH": rows}, merged={"TH": ["C4:D4", "E4:F4"]})
    return path, {
        ("plan", "unspecified"): 1_250_000_000,
        ("actual", "unspecified"): 1_120_000_000,
        "record_type": "allocation",
        "n_projects": {("plan",): 6, ("actual",): 5},
        "programs": {"demonstration", "training", "products"},
    }


def summary_by_source(folder: Path) -> tuple[Path, dict]:
    """Results by funding source, plan vs actual, total on top, unit 'tỷ đồng' in the title line."""
    rows = [
        ["SỞ CÔNG THƯƠNG THANH HÓA"],
        ["KẾT QUẢ THỰC HIỆN KINH PHÍ KHUYẾN CÔNG NĂM 2019 (Đơn vị: tỷ đồng)"],
        ["TT", "Nguồn kinh phí", "Kế hoạch", "Thực hiện"],
        [None, "Tổng số", 6.2, "5,9"],
        [1, "Khuyến công quốc gia (KCQG)", 3.2, 3.1],
        [2, "Khuyến công địa phương (KCĐP)", 3, "2,8"],
    ]
    path = write_xlsx(folder / "ket_qua_nguon_2019.xlsx", {"Nguồn": rows})
    return path, {
        ("plan", "national"): 3_200_000_000,
        ("plan", "local"): 3_000_000_000,
        ("actual", "national"): 3_100_000_000,
        ("actual", "local"): 2_800_000_000,
        "record_type": "allocation",
        "province": "Thanh Hóa",
    }


def letter_source_groups(folder: Path) -> tuple[Path, dict]:
    """A/B groups by funding source above Roman programme groups; one generic 'Kinh phí' column; no total."""
    rows = [
        ["UBND TỈNH BÌNH PHƯỚC"],
        ["KẾ HOẠCH KHUYẾN CÔNG NĂM 2016"],
        ["Đơn vị tính: nghìn đồng"],
        ["STT", "Tên đề án", "Đơn vị thực hiện", "Kinh phí"],
        ["A", "KHUYẾN CÔNG QUỐC GIA", None, 700_000],
        ["I", "Mô hình trình diễn", None, 700_000],
        [1, "Ứng dụng máy móc chế biến điều", "TTKC", 700_000],
        ["B", "KHUYẾN CÔNG ĐỊA PHƯƠNG", None, 330_000],
        ["I", "Thông tin tuyên truyền", None, 130_000],
        [1, "Bản tin khuyến công", "TTKC", 130_000],
        ["II", "Tư vấn, trợ giúp", None, 200_000],
        [1, "Tư vấn lập dự án đầu tư", "TTKC", 120_000],
        [2, "Tư vấn thiết kế mẫu mã", "TTKC", 80_000],
    ]
    path = write_xlsx(folder / "KH 2016.xlsx", {"KH": rows})
    return path, {
        ("plan", "national"): 700_000_000,
        ("plan", "local"): 330_000_000,
        "programs": {"demonstration", "information", "consulting"},
        "province": "Bình Phước",
    }


def legacy_xls(folder: Path) -> tuple[Path, dict]:
    """Legacy .xls written by xlwt, title with the year, amounts in triệu."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Danh muc")
    rows = [
        ["UBND TỈNH NGHỆ AN"],
        ["DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG THỰC HIỆN NĂM 2014"],
        ["ĐVT: triệu đồng"],
        ["STT", "Tên đề án", "Kinh phí"],
        [1, "Đào tạo nghề dệt thổ cẩm", 95.5],
        [2, "Hỗ trợ máy ép dầu lạc", 210],
        ["", "Cộng", 305.5],
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    path = folder / "nghe_an_2014.xls"
    book.save(str(path))
    return path, {("actual", "local"): 305_500_000, "year": 2014, "province": "Nghệ An"}


def ods_plain(folder: Path) -> tuple[Path, dict]:
    """OpenDocument sheet with a header on row 1 and nothing else: province/year/stage from the path."""
    import pandas as pd

    sub = folder / "hoa_binh"
    sub.mkdir(exist_ok=True)
    path = sub / "ke_hoach_2021.ods"
    frame = pd.DataFrame(
        {"STT": [1, 2], "Tên đề án": ["Hỗ trợ máy móc sản xuất chè", "Đào tạo nghề mây tre"],
         "KCĐP (triệu đồng)": [300, 105]}
    )
    frame.to_excel(path, index=False, engine="odf")
    return path, {("plan", "local"): 405_000_000, "year": 2021, "province": "Hòa Bình"}


def total_does_not_add_up(folder: Path) -> tuple[Path, dict]:
    """A declared total that is wrong: records are kept, the mismatch is reported (never patched)."""
    rows = [
        ["KẾ HOẠCH KHUYẾN CÔNG NĂM 2022 TỈNH LÀO CAI"],
        ["ĐVT: triệu đồng"],
        ["STT", "Tên đề án", "Kinh phí KCĐP"],
        [1, "Hỗ trợ máy sấy dược liệu", 200],
        [2, "Hội chợ hàng nông thôn", 100],
        [None, "Tổng cộng", 350],
    ]
    path = write_xlsx(folder / "lao_cai_2022.xlsx", {"KH": rows})
    return path, {("plan", "local"): 300_000_000, "reconcile_failed": 1}


def formula_total_hidden_sheet(folder: Path) -> tuple[Path, dict]:
    """Total as a formula with no cached value (openpyxl), plus a hidden scratch sheet."""
    rows = [
        ["KẾ HOẠCH KHUYẾN CÔNG NĂM 2023 TỈNH BÌNH DƯƠNG"],
        ["ĐVT: triệu đồng"],
        ["STT", "Tên đề án", "KCĐP"],
        [1, "Hỗ trợ máy móc sản xuất gốm", 300],
        [2, "Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu", 150],
        [None, "Tổng cộng", "=SUM(C4:C5)"],
    ]
    scratch = [["STT", "Tên đề án", "KCĐP"], [1, "bản nháp", 999]]
    path = write_xlsx(folder / "kh_2023.xlsx", {"KH 2023": rows, "nhap": scratch}, hidden=("nhap",))
    return path, {("plan", "local"): 450_000_000, "warning": "formula", "hidden_warning": True}


def bad_amount(folder: Path) -> tuple[Path, dict]:
    """One unreadable amount: the row is rejected naming file, sheet, row, column and value."""
    rows = [
        ["KẾ HOẠCH KHUYẾN CÔNG NĂM 2024 TỈNH ĐẮK LẮK"],
        ["ĐVT: triệu đồng"],
        ["STT", "Tên đề án", "Kinh phí KCĐP"],
        [1, "Hỗ trợ máy rang cà phê", 250],
        [2, "Hội chợ cà phê", "chưa xác định"],
    ]
    path = write_xlsx(folder / "dak_lak_2024.xlsx", {"KH": rows})
    return path, {("plan", "local"): 250_000_000, "rejected_row": 5, "rejected_column": "C"}


ALL_BUILDERS = [
    two_row_header,
    source_column_bottom_total,
    text_amounts_mixed_units,
    csv_semicolon_bom,
    csv_windows_1258,
    csv_utf16,
    plan_actual_groups_by_programme,
    summary_by_source,
    letter_source_groups,
    legacy_xls,
    ods_plain,
    total_does_not_add_up,
    formula_total_hidden_sheet,
    bad_amount,
]
