"""Each step of the sheet on small in-memory grids: columns (header, unit), rows (kinds, notes), amounts, tree
(levels, parents, buckets), reconcile (checks, sum columns) and records — then the flow as a whole.

Why here and not only through ``ingest()``: a step that goes wrong shows itself in its own test, on a grid one
can read, without writing a workbook.
"""

from __future__ import annotations

from analysis.ingest.sheet import Level, process_sheet, sheet_layout
from analysis.ingest.sheet.amounts import parse_amounts
from analysis.ingest.sheet.columns import plan_columns
from analysis.ingest.sheet.model import Table
from analysis.ingest.sheet.reconcile import reconcile_table
from analysis.ingest.sheet.rows import numbering_level, read_lines
from analysis.ingest.sheet.tree import build_tree

TITLE = ["KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG NĂM 2024"]
UNIT = ["", "", "", "ĐVT: triệu đồng"]
HEADER = ["STT", "Tên đề án", "Đơn vị thụ hưởng", "KCQG", "KCĐP"]


def _plan(sheet, ctx):
    table = Table(sheet, ctx)
    layout = sheet_layout(sheet, ctx)
    assert layout is not None
    plan = plan_columns(table, layout)
    return table, layout, plan


def _steps(sheet, ctx):
    table, layout, plan = _plan(sheet, ctx)
    data = read_lines(table, layout, plan)
    parse_amounts(data, plan)
    leaves = build_tree(table, data)
    return table, layout, plan, data, leaves


def _projects(*lines):
    return [TITLE, UNIT, HEADER, *lines]


def test_columns_step_finds_amounts_and_the_stated_unit(grid, context):
    table, _, plan = _plan(grid(_projects(["1", "Máy sấy", "HTX A", 100, 50])), context())
    assert [c.letter for c in plan.amount] == ["D", "E"]
    assert [c.funding_source for c in plan.amount] == ["national", "local"]
    assert plan.unit is not None and plan.unit.key == "trieu"
    assert not plan.assumed
    assert table.report["unit_from"]


def test_columns_step_assumes_a_unit_only_when_none_is_stated_and_says_so(grid, context):
    rows = [TITLE, HEADER, ["1", "Máy sấy", "HTX A", 100, 50], ["2", "Lò hơi", "HTX B", 120, 60]]
    table, _, plan = _plan(grid(rows), context())
    assert plan.assumed and plan.unit.key == "trieu"  # small numbers: triệu đồng
    assert table.report["unit_from"] == "assumed"
    assert table.report["warning_codes"] == [{"code": "warn.unit_assumed", "params": {"unit": "triệu đồng"}}]


def test_rows_step_tells_totals_notes_and_lines_apart(grid, context):
    rows = _projects(
        ["", "Tổng cộng", "", 220, 110],
        ["1", "Máy sấy", "HTX A", 100, 50],
        ["2", "Lò hơi", "HTX B", 120, 60],
        [],
        ["Ghi chú: số liệu tạm tính"],
        ["", "", "Giám đốc"],
    )
    table, layout, plan = _plan(grid(rows), context())
    data = read_lines(table, layout, plan)
    assert [(d.index, d.kind) for d in data] == [(3, "total"), (4, "data"), (5, "data")]
    assert table.outcome[6:] == ["blank", "note", "note"]


def test_numbering_levels_order_letters_romans_numbers_and_dashes():
    assert numbering_level("A") == Level.LETTER < numbering_level("II") == Level.ROMAN
    assert numbering_level("2") == Level.ARABIC < numbering_level("2.1") == Level.dotted(1) < numbering_level("-")
    assert numbering_level("Ghi chú") is None


def test_amounts_step_reads_exactly_in_the_unit_and_names_the_bad_cell(grid, context):
    rows = _projects(["1", "Máy sấy", "HTX A", 155.5, "chưa xác định"], ["2", "Lò hơi", "HTX B", 10, 20],
                     ["3", "Lò sấy", "HTX C", 10, 20])
    table, layout, plan = _plan(grid(rows), context())
    data = read_lines(table, layout, plan)
    parse_amounts(data, plan)
    line = data[0]
    assert line.amounts[3].amount_vnd == 155_500_000
    assert line.error["code"] == "reason.amount_unreadable"
    assert line.bad_cell == (4, "chưa xác định")


def test_tree_step_makes_numbered_groups_parents_and_their_lines_leaves(grid, context):
    rows = _projects(
        ["I", "Đào tạo nghề", "", 300, 0],
        ["1", "Lớp dệt", "HTX A", 100, 0],
        ["2", "Lớp mây tre", "HTX B", 200, 0],
        ["II", "Mô hình trình diễn", "", 80, 0],
        ["1", "Máy sấy", "HTX C", 80, 0],
    )
    table, _, _, data, leaves = _steps(grid(rows), context())
    assert [data[i].label for i in leaves] == ["Lớp dệt", "Lớp mây tre", "Máy sấy"]
    assert data[1].parent == 0 and data[4].parent == 3
    assert table.outcome[3] == "subtotal" and table.outcome[6] == "subtotal"


def test_reconcile_step_reports_a_total_that_does_not_match_and_never_patches_it(grid, context):
    rows = _projects(["1", "Máy sấy", "HTX A", 100, 50], ["2", "Lò hơi", "HTX B", 120, 60],
                     ["", "Tổng cộng", "", 230, 110])
    table, _, plan, data, leaves = _steps(grid(rows), context())
    reconcile_table(table, data, leaves, plan.amount)
    checks = {(e["column"], e["ok"]) for e in table.report["reconciliation"]}
    assert checks == {("D", False), ("E", True)}
    bad = next(e for e in table.report["reconciliation"] if e["ok"] is False)
    assert (bad["declared"], bad["computed"]) == (230_000_000, 220_000_000)
    assert bad["scope_code"] == {"code": "scope.sheet", "params": {}}


def test_reconcile_step_turns_a_column_that_sums_others_into_a_check(grid, context):
    rows = [TITLE, UNIT, ["STT", "Tên đề án", "KCQG", "KCĐP", "Kinh phí hỗ trợ"],
            ["1", "Máy sấy", 100, 50, 150], ["2", "Lò hơi", 120, 60, 180]]
    table, _, plan, data, leaves = _steps(grid(rows), context())
    sums = reconcile_table(table, data, leaves, plan.amount)
    assert [c.letter for c in sums.total] == ["E"]
    assert [n["code"] for n in table.notices] == ["sum_column"]


def test_the_flow_records_each_source_once_and_accounts_for_every_row(grid, context):
    rows = _projects(["1", "Máy sấy", "HTX A", 100, 50], ["2", "Lò hơi", "HTX B", 120, 60],
                     ["", "Tổng cộng", "", 220, 110])
    result = process_sheet(grid(rows, name="KH 2024"), context())
    records = result.records
    assert records["funding_source"] == ["national", "local", "national", "local"]
    assert sum(records["amount_vnd"]) == 330_000_000
    assert result.report["confirmed"] is True
    assert len(result.outcome) == len(rows) and result.outcome.count("record") == 2
    assert result.report["records"] + result.report["rejected"] + sum(result.report["skipped"].values()) == len(rows)


def test_a_bad_count_cell_is_rejected_with_its_column_and_value(grid, context):
    rows = [TITLE, UNIT, ["STT", "Chương trình", "Số đề án", "Kinh phí"],
            ["1", "Đào tạo nghề", "khoảng 3", 100], ["2", "Mô hình trình diễn", 2, 80]]
    result = process_sheet(grid(rows), context())
    (reject,) = result.rejects
    assert (reject["column"], reject["value"], reject["reason_code"]) == ("C", "khoảng 3", "reason.count_unreadable")
    assert reject["reason"].startswith("cannot read the number of projects")


def test_messages_are_codes_rendered_in_either_language(grid, context):
    rows = [TITLE, HEADER, ["1", "Máy sấy", "HTX A", 100, 50]]
    result = process_sheet(grid(rows), context())
    from analysis.messages import render

    (code,) = [c for c in result.report["warning_codes"] if c["code"] == "warn.unit_assumed"]
    assert render(code, "en") in result.report["warnings"]
    assert render(code, "vi").startswith("Không ghi đơn vị tính")
