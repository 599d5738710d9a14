"""Header detection on grids: multi-row headers, merged groups, unit rows, numbering rows."""

from __future__ import annotations

from analysis.ingest.layout import column_letter, find_layout


def test_two_row_header_with_merged_group_and_unit_row() -> None:
    rows = [
        ["UBND TỈNH BÌNH DƯƠNG"],
        ["DANH MỤC ĐỀ ÁN THỰC HIỆN NĂM 2016"],
        [None, None, None, "ĐVT: triệu đồng"],
        ["STT", "Tên đề án", "Kinh phí", None, None],
        [None, None, "KCQG", "KCĐP", "Đối ứng"],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        [1, "Hỗ trợ máy móc", 100, None, 300],
    ]
    layout = find_layout(rows, merged=[(3, 2, 3, 4)])
    assert layout is not None
    assert layout.header_rows == [3, 4, 5]
    assert layout.first_data_row == 6
    assert layout.unit is not None and layout.unit.key == "trieu"
    assert layout.unit_rows == [2] and layout.title_rows == [0, 1]
    roles = [(c.role, c.funding_source) for c in layout.columns]
    assert roles == [("stt", ""), ("title", ""), ("amount", "national"), ("amount", "local"),
                     ("amount", "counterpart")]


def test_group_header_without_merge_info_spreads_right() -> None:
    rows = [
        ["Nội dung", "Kế hoạch năm 2017", None, "Thực hiện năm 2017", None],
        [None, "Số đề án", "Kinh phí", "Số đề án", "Kinh phí"],
        ["Mô hình trình diễn", 2, 500, 2, 480],
    ]
    layout = find_layout(rows)
    assert layout is not None
    stages = [(c.role, c.stage, c.year) for c in layout.columns[1:]]
    assert stages == [("n_projects", "plan", 2017), ("amount", "plan", 2017),
                      ("n_projects", "actual", 2017), ("amount", "actual", 2017)]


def test_unit_in_header_and_no_table() -> None:
    rows = [["STT", "Tên đề án", "Kinh phí (tỷ đồng)"], [1, "A", 1.5]]
    layout = find_layout(rows)
    assert layout is not None and layout.unit is not None and layout.unit.key == "ty"
    assert find_layout([["Ghi chú"], ["Không có bảng ở đây"]]) is None


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
