"""One file → one FileResult: overrides applied, sheets left out on request, refusals instead of errors."""

from __future__ import annotations

from pathlib import Path

import ingest_fixtures as fx

from analysis.ingest.files import OVERRIDE_SKIPPED
from analysis.ingest.overrides import FileOverrides
from analysis.ingest.process import FileResult, IngestOptions, process_file, refused


def _two_sheets(folder: Path) -> Path:
    table = [["KẾ HOẠCH KHUYẾN CÔNG NĂM 2020 TỈNH BÌNH DƯƠNG"], ["ĐVT: triệu đồng"], ["STT", "Tên đề án", "KCĐP"],
             [1, "Hỗ trợ máy sấy", 100], [2, "Hội chợ", 50]]
    return fx.write_xlsx(folder / "kh_2020.xlsx", {"KH": table, "TH 2019": table})


def test_a_file_gives_records_per_sheet_with_where_its_context_came_from(raw: Path) -> None:
    result = process_file(_two_sheets(raw), "kh_2020.xlsx", IngestOptions())
    assert (result.status, len(result.records), [s["sheet"] for s in result.sheets]) == ("ok", 4, ["KH", "TH 2019"])
    first, second = result.sheets
    assert (first["province_from"], first["year_from"], first["stage_from"]) == ("title", "title", "title")
    assert first["context_conflicts"] == {}
    assert second["context_conflicts"] == {"year": [{"from": "sheet name", "value": 2019}],
                                           "stage": [{"from": "sheet name", "value": "actual"}]}


def test_overrides_select_a_sheet_and_force_the_context(raw: Path) -> None:
    path = _two_sheets(raw)
    result = process_file(path, "kh_2020.xlsx", IngestOptions(year=2021),
                          FileOverrides(sheet="KH", province="Lào Cai", funding_source="national"))
    kept, left = result.sheets
    assert (kept["province"], kept["year"], kept["year_from"], kept["funding_source"]) == (
        "Lào Cai", 2021, "command line", "national")
    assert left == {"sheet": "TH 2019", "rows_read": 5, "records": 0, "rejected": 0,
                    "skipped": {"not_selected": 5}, "warnings": ["not the sheet named in khuyencong.yaml"],
                    "warning_codes": [{"code": "warn.not_selected", "params": {}}], "reconciliation": []}
    assert len(result.records) == 2


def test_a_skipped_file_is_listed_not_read(raw: Path) -> None:
    result = process_file(_two_sheets(raw), "kh_2020.xlsx", IngestOptions(), FileOverrides(skip=True))
    assert (result.status, result.warnings, result.sheets, len(result.records)) == ("ok", [OVERRIDE_SKIPPED], [], 0)


def test_a_damaged_file_is_refused_with_its_reason(raw: Path) -> None:
    path = raw / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not a workbook")
    result = process_file(path, "broken.xlsx", IngestOptions())
    assert result.status == "error" and result.code and result.messages == [f"broken.xlsx: {result.message}"]


def test_a_refusal_from_any_error_keeps_its_detail() -> None:
    result = refused("a.xlsx", IndexError("list index out of range"), "corrupt")
    assert isinstance(result, FileResult) and (result.status, result.code) == ("error", "corrupt")
    assert result.detail == "IndexError('list index out of range')" and "a.xlsx" in result.messages[0]
