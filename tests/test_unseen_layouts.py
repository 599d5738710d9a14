"""Files written outside this repo, of the kinds that used to be rejected or misread (issue: unseen layouts).

Each test rebuilds one kind of file a centre sends and checks what a careful analyst would assign without
doubt: every amount, count, record type and programme; and that a gap in sheet-level context (no stage, no
year, no province) keeps the rows, flagged, with one line on the console.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from ingest_fixtures import write_xlsx

from analysis.ingest import ingest

M = 1_000_000


def _read(folder: Path, **kwargs: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    result = ingest([folder], out_dir=folder.parent / "out", jobs=0, cache=False, write=False, progress=False,
                    **kwargs)
    return result.table, result.report


def _sums(table: pd.DataFrame, *keys: str) -> dict[tuple[Any, ...], int]:
    grouped = table.groupby(list(keys), dropna=False)["amount_vnd"].sum()
    return {k if isinstance(k, tuple) else (k,): int(v) for k, v in grouped.items()}


def _danh_muc(folder: Path, rows: int = 2, title_lines: tuple[str, ...] = ()) -> Path:
    """A plain project list: no stage word anywhere, Roman groups with subtotals, a grand total."""
    body: list[list[Any]] = [
        ["SỞ CÔNG THƯƠNG TỈNH QUẢNG NINH"],
        ["DANH MỤC ĐỀ ÁN KHUYẾN CÔNG NĂM 2023"],
        *[[line] for line in title_lines],
        [None, None, None, None, None, None, None, "Đơn vị: triệu đồng"],
        ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Địa điểm", "Tổng kinh phí", "Kinh phí KCQG", "Kinh phí KCĐP",
         "Vốn đối ứng", "Ghi chú"],
    ]
    groups = [("I", "Đào tạo nghề, truyền nghề"), ("II", "Hỗ trợ xây dựng mô hình trình diễn kỹ thuật")]
    grand = [0, 0, 0, 0]
    for roman, name in groups:
        lines = []
        for k in range(1, rows + 1):
            national, local, counter = (100 * k if roman == "II" else 0), 50 * k, 30 * k
            lines.append([k, f"{name} {k}", f"HTX {roman}-{k}", "Đông Triều", national + local + counter,
                          national, local, counter, None])
        sub = [sum(line[c] for line in lines) for c in range(4, 8)]
        grand = [a + b for a, b in zip(grand, sub, strict=True)]
        body.append([roman, name, None, None, *sub, None])
        body.extend(lines)
    body.append([None, "Tổng cộng", None, None, *grand, None])
    return write_xlsx(folder / "danh_muc_2023.xlsx", {"Sheet1": body})


def test_project_list_without_a_stage_word_is_recorded_as_unspecified(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _danh_muc(raw)
    table, report = _read(raw)
    assert report["totals"]["rejected"] == 0
    assert set(table["stage"]) == {"unspecified"}
    assert table["flags"].str.contains("stage_unspecified").all()
    assert set(table["record_type"]) == {"project"}
    # the 'Tổng kinh phí' column is the sum of the three sources: a check, never a fourth record
    assert _sums(table, "funding_source") == {
        ("national",): 300 * M, ("local",): 300 * M, ("counterpart",): 180 * M,
    }
    assert _sums(table, "program") == {("training",): 240 * M, ("demonstration",): 540 * M}
    sheet = report["files"][0]["sheets"][0]
    assert sheet["unspecified"] == {"stage": 12}
    assert all(check["ok"] for check in sheet["reconciliation"])
    assert [n["code"] for n in sheet["notices"]] == ["context_missing"]


def test_the_console_says_a_missing_stage_once_per_sheet(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _danh_muc(raw, rows=150)
    run = subprocess.run([sys.executable, "-m", "analysis", "ingest", str(raw), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 2, lines  # one line for the sheet, the summary line
    assert "'Sheet1': 900 dòng số liệu không rõ kế hoạch hay thực hiện" in lines[0]
    assert "«giai đoạn: kế hoạch»" in lines[0] and "khuyencong.yaml" in lines[0]
    assert "(900 dòng không rõ kế hoạch/thực hiện)" in lines[1]
    forced = subprocess.run([sys.executable, "-m", "analysis", "ingest", str(raw), "--out", str(tmp_path / "o2"),
                             "--stage", "plan"], capture_output=True, text=True, timeout=120)
    assert [line for line in forced.stderr.splitlines() if line.strip()][:-1] == []


def test_a_stage_word_in_the_decision_line_under_the_title_counts(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _danh_muc(raw, title_lines=("(Kèm theo Quyết định số 125/QĐ-SCT ngày 15/02/2022 của Sở Công Thương về việc "
                                "phê duyệt kế hoạch khuyến công)",))
    table, report = _read(raw)
    assert set(table["stage"]) == {"plan"} and set(table["phase"]) == {"approved"}
    assert set(table["year"]) == {2023}  # the title's year, not the decision's date
    assert report["files"][0]["sheets"][0]["stage_from"] == "title side lines"


def test_missing_year_and_province_keep_the_rows_with_null_and_flags(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "bang.xlsx", {"Sheet1": [
        ["KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG"],
        ["STT", "Tên đề án", "Kinh phí (triệu đồng)"],
        [1, "Đào tạo nghề mây tre đan", 120],
        [2, "Đào tạo nghề thêu ren", 80],
    ]})
    table, report = _read(raw)
    assert len(table) == 2 and report["totals"]["rejected"] == 0
    assert table["year"].isna().all() and str(table["year"].dtype) == "Int64"
    assert (table["province"] == "").all()
    assert table["flags"].str.contains("year_unspecified").all()
    assert table["flags"].str.contains("province_unspecified").all()
    notice = report["files"][0]["sheets"][0]["notices"][0]
    assert notice["code"] == "context_missing" and notice["params"]["fields"] == ["year", "province", "funding_source"]


@pytest.mark.parametrize("count_header", ["Số chương trình/dự án", "SL đề án", "Số ĐA", "Số lượng nội dung"])
def test_summary_counts_worded_freely_give_allocations(tmp_path: Path, count_header: str) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "kh_2022.xlsx", {"TH": [
        ["KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG TỈNH NINH BÌNH NĂM 2022"],
        ["Đơn vị: triệu đồng"],
        ["TT", "Nội dung", count_header, "Kinh phí"],
        [None, "Tổng cộng", 5, 1000],
        [1, "Đào tạo nghề, truyền nghề", 3, 600],
        [2, "Hỗ trợ xây dựng mô hình trình diễn kỹ thuật", 2, 400],
    ]})
    table, _ = _read(raw)
    assert set(table["record_type"]) == {"allocation"}
    assert dict(zip(table["program"], table["n_projects"], strict=True)) == {"training": 3, "demonstration": 2}
    assert set(table["funding_source"]) == {"local"} and int(table["amount_vnd"].sum()) == 1000 * M


def test_report_form_of_provincial_software(tmp_path: Path) -> None:
    """'TT | Chỉ tiêu | Đơn vị tính | Năm … {KCĐP, KCQG}', the total row above the numbered lines, a unit column."""
    raw = tmp_path / "raw"
    raw.mkdir()
    lines = [("Đào tạo nghề, truyền nghề", 300, 0), ("Hỗ trợ xây dựng mô hình trình diễn kỹ thuật", 500, 800),
             ("Tổ chức hội chợ triển lãm hàng công nghiệp nông thôn", 200, 0),
             ("Tư vấn, trợ giúp cơ sở công nghiệp nông thôn", 100, 0)]
    body: list[list[Any]] = [
        ["SỞ CÔNG THƯƠNG TỈNH BẮC GIANG"], ["BÁO CÁO KINH PHÍ KHUYẾN CÔNG"], [],
        ["TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2023", None], [None, None, None, "KCĐP", "KCQG"],
        [None, "Tổng số kinh phí", "Triệu đồng", sum(x[1] for x in lines), sum(x[2] for x in lines)],
    ]
    body += [[i, name, "Triệu đồng", local, national] for i, (name, local, national) in enumerate(lines, 1)]
    write_xlsx(raw / "bao_cao.xlsx", {"BaoCao": body}, merged={"BaoCao": ["D4:E4"]})
    table, report = _read(raw)
    sheet = report["files"][0]["sheets"][0]
    assert sheet["unit_from"] == "unit column" and not sheet["warnings"]
    assert all(check["ok"] for check in sheet["reconciliation"]) and len(sheet["reconciliation"]) == 2
    assert set(table["record_type"]) == {"allocation"} and set(table["year"]) == {2023}
    assert set(table["stage"]) == {"unspecified"}
    assert _sums(table, "funding_source") == {("local",): 1100 * M, ("national",): 800 * M}
    assert _sums(table, "program") == {("training",): 300 * M, ("demonstration",): 1300 * M,
                                       ("products",): 200 * M, ("consulting",): 100 * M}


def test_one_column_per_year_gives_one_record_per_year(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "giai_doan.xlsx", {"GD": [
        ["KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG TỈNH HÀ NAM GIAI ĐOẠN 2016-2020"],
        ["ĐVT: triệu đồng"],
        ["TT", "Nội dung", "Năm 2016", "Năm 2017", "Năm 2018", "Năm 2019", "Năm 2020", "Tổng giai đoạn"],
        [1, "Đào tạo nghề, truyền nghề", 100, 200, 300, 400, 500, 1500],
        [2, "Hỗ trợ xây dựng mô hình trình diễn kỹ thuật", 400, 500, 600, 700, 800, 3000],
        [None, "Tổng cộng", 500, 700, 900, 1100, 1300, 4500],
    ]})
    table, report = _read(raw)
    assert _sums(table, "year") == {(2016,): 500 * M, (2017,): 700 * M, (2018,): 900 * M, (2019,): 1100 * M,
                                    (2020,): 1300 * M}
    assert set(table["stage"]) == {"plan"} and set(table["funding_source"]) == {"local"}
    assert all(check["ok"] for check in report["files"][0]["sheets"][0]["reconciliation"])


def test_a_column_that_sums_others_is_a_check_whatever_its_header(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "th_2019.xlsx", {"Sheet1": [
        ["KẾT QUẢ THỰC HIỆN KHUYẾN CÔNG TỈNH NAM ĐỊNH NĂM 2019"],
        ["ĐVT: triệu đồng"],
        ["STT", "Tên đề án", "Đơn vị thụ hưởng", "KP khuyến công hỗ trợ", "KCQG", "KCĐP", "Tỷ lệ (%)"],
        [1, "Đào tạo nghề mây tre đan", "HTX Một", 300, 100, 200, 60],
        [2, "Mô hình ứng dụng máy dệt", "Công ty Hai", 500, 500, 0, 100],
        [3, "Đào tạo nghề thêu", "HTX Ba", 150, 0, 150, 25],
    ]})
    table, report = _read(raw)
    assert _sums(table, "funding_source") == {("national",): 600 * M, ("local",): 350 * M}
    assert int(table["amount_vnd"].sum()) == 950 * M  # the percentage column is never money
    codes = [n["code"] for n in report["files"][0]["sheets"][0]["notices"]]
    assert "sum_column" in codes


def test_totals_that_do_not_match_mark_the_sheet_unconfirmed(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "th_2020.xlsx", {"Sheet1": [
        ["KẾT QUẢ THỰC HIỆN KHUYẾN CÔNG TỈNH NAM ĐỊNH NĂM 2020"],
        ["ĐVT: triệu đồng"],
        ["STT", "Tên đề án", "Kinh phí KCĐP"],
        [1, "Đào tạo nghề mây tre đan", 300],
        [2, "Đào tạo nghề thêu", 150],
        [None, "Tổng cộng", 900],
    ]})
    table, report = _read(raw)
    assert table["flags"].str.contains("unconfirmed").all()
    sheet = report["files"][0]["sheets"][0]
    assert sheet["confirmed"] is False
    assert "reconcile_failed" in [n["code"] for n in sheet["notices"]]


def test_when_title_and_names_disagree_the_report_says_which_won(tmp_path: Path) -> None:
    from analysis.ingest.report_page import render_ingest_report

    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "ke_hoach_2016.xlsx", {"TH 2016": [
        ["KẾT QUẢ THỰC HIỆN KHUYẾN CÔNG TỈNH NAM ĐỊNH NĂM 2017"], ["ĐVT: triệu đồng"],
        ["STT", "Tên đề án", "Kinh phí KCĐP"], [1, "Đào tạo nghề mây tre đan", 100],
    ]})
    table, report = _read(raw)
    assert table[["year", "stage"]].values.tolist() == [[2017, "actual"]]
    sheet = report["files"][0]["sheets"][0]
    assert sheet["context_conflicts"]["stage"] == [{"from": "file name", "value": "plan"}]
    assert {"from": "sheet name", "value": 2016} in sheet["context_conflicts"]["year"]
    page = render_ingest_report(report)
    assert "Giai đoạn: dùng «thực hiện» theo tiêu đề" in page and "«kế hoạch» (tên tệp)" in page


def test_the_fix_the_report_gives_works_as_written(tmp_path: Path) -> None:
    """The Vietnamese fix line ('giai đoạn: kế hoạch', 'nguồn kinh phí: địa phương') is a valid khuyencong.yaml."""
    raw = tmp_path / "raw"
    raw.mkdir()
    _danh_muc(raw)
    (raw / "khuyencong.yaml").write_text(
        "files:\n  - tệp: 'danh_muc_*.xlsx'\n    giai đoạn: kế hoạch\n", encoding="utf-8")
    table, report = _read(raw)
    assert set(table["stage"]) == {"plan"} and not table["flags"].str.contains("stage_unspecified").any()
    assert report["files"][0]["sheets"][0]["stage_from"] == "khuyencong.yaml"


def test_a_count_column_under_each_source_pairs_with_that_source(tmp_path: Path) -> None:
    """'KCQG | Số đề án, Kinh phí' beside 'KCĐP | Số đề án, Kinh phí': each amount takes its own source's count."""
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "th.xlsx", {"TH": [
        ["TỔNG HỢP KẾ HOẠCH KHUYẾN CÔNG NĂM 2022 TỈNH NAM ĐỊNH"], ["ĐVT: triệu đồng"],
        ["TT", "Nội dung", "KCQG", None, "KCĐP", None],
        [None, None, "Số đề án", "Kinh phí", "Số đề án", "Kinh phí"],
        [1, "Đào tạo nghề, truyền nghề", 2, 300, 5, 500],
        [2, "Xây dựng mô hình trình diễn kỹ thuật", 1, 800, 3, 600],
        [None, "Tổng cộng", 3, 1100, 8, 1100],
    ]}, merged={"TH": ["C3:D3", "E3:F3"]})
    table, _ = _read(raw)
    got = {(p, s): int(n) for p, s, n in zip(table["program"], table["funding_source"], table["n_projects"],
                                             strict=True)}
    assert got == {("training", "national"): 2, ("training", "local"): 5,
                   ("demonstration", "national"): 1, ("demonstration", "local"): 3}


def test_a_total_per_stage_is_checked_against_its_own_stage(tmp_path: Path) -> None:
    """'Kế hoạch | Tổng, KCQG, KCĐP' beside 'Thực hiện | Tổng, KCQG, KCĐP': a line whose actual sources are blank
    keeps its actual total (the plan's sources do not stand in for it)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "kh_th.xlsx", {"S": [
        ["KẾ HOẠCH VÀ THỰC HIỆN KHUYẾN CÔNG NĂM 2021 TỈNH HÀ NAM"], ["ĐVT: triệu đồng"],
        ["TT", "Tên đề án", "Kế hoạch", None, None, "Thực hiện", None, None],
        [None, None, "Tổng", "KCQG", "KCĐP", "Tổng", "KCQG", "KCĐP"],
        [1, "Đào tạo nghề mây tre đan", 300, 100, 200, 280, 100, 180],
        [2, "Đào tạo nghề thêu ren", 150, None, 150, 140, None, None],
        [None, "Tổng cộng", 450, 100, 350, 420, 100, 180],
    ]}, merged={"S": ["C3:E3", "F3:H3"]})
    table, _ = _read(raw)
    assert _sums(table, "stage", "funding_source") == {
        ("plan", "national"): 100 * M, ("plan", "local"): 350 * M,
        ("actual", "national"): 100 * M, ("actual", "local"): 180 * M, ("actual", "unspecified"): 140 * M,
    }
    assert table.loc[table["funding_source"] == "unspecified", "flags"].str.contains("breakdown_missing").all()


def test_a_bad_count_cell_is_rejected_naming_its_column_and_value(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "kh_2022.xlsx", {"TH": [
        ["KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG TỈNH NINH BÌNH NĂM 2022"], ["Đơn vị: triệu đồng"],
        ["TT", "Nội dung", "Số đề án", "Kinh phí"],
        [1, "Đào tạo nghề, truyền nghề", "khoảng 3", 600],
        [2, "Hỗ trợ xây dựng mô hình trình diễn kỹ thuật", 2, 400],
    ]})
    result = ingest([raw], out_dir=tmp_path / "out", jobs=0, cache=False, write=False, progress=False)
    bad = result.rejects.iloc[0]
    assert (int(bad["source_row"]), bad["column"], bad["value"]) == (4, "C", "khoảng 3")


def test_two_tables_side_by_side_each_take_their_own_title(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "so_sanh.xlsx", {"So sanh": [
        ["KHUYẾN CÔNG ĐỊA PHƯƠNG TỈNH LÂM ĐỒNG NĂM 2023", None, None, None, None, None, None, None, "ĐVT: triệu đồng"],
        ["I. KẾ HOẠCH NĂM 2023", None, None, None, None, "II. THỰC HIỆN NĂM 2023"],
        ["STT", "Tên đề án", "Số đề án", "Kinh phí", None, "STT", "Tên đề án", "Số đề án", "Kinh phí"],
        [1, "Dạy nghề, truyền nghề cho lao động nông thôn", 3, 309, None, 1, "Dạy nghề, truyền nghề", 3, 299],
        [2, "Thông tin, tuyên truyền khuyến công", 2, 114, None, 2, "Thông tin, tuyên truyền khuyến công", 1, 89],
    ]})
    table, report = _read(raw)
    assert _sums(table, "stage") == {("plan",): 423 * M, ("actual",): 388 * M}
    sheet = report["files"][0]["sheets"][0]
    assert sheet["rows_read"] == sheet["records"] + sum(sheet["skipped"].values()) + sheet["rejected"]
    assert sheet["records"] == 2  # each line counted once, though it holds a plan and an actual record
