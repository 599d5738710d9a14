"""Which text gives a sheet its province, year, stage, phase and funding source, and what disagrees."""

from __future__ import annotations

import pytest

from analysis.ingest.context import SheetContextFound, detect_context, side_text_year, year_range
from analysis.ingest.overrides import FileOverrides
from analysis.ingest.process import IngestOptions


def _texts(title: str = "", sheet: str = "", file: str = "", folder: str = "", workbook: str = "",
           side: str = "") -> list[tuple[str, str]]:
    return [("title", title), ("workbook title", workbook), ("sheet name", sheet), ("file name", file),
            ("folder", folder), ("title side lines", side)]


def test_the_title_wins_over_names_and_a_disagreeing_name_is_a_conflict() -> None:
    found = detect_context(_texts(title="KẾ HOẠCH KHUYẾN CÔNG NĂM 2020 TỈNH BÌNH DƯƠNG", sheet="TH 2019",
                                  file="kh_2020"), IngestOptions(), FileOverrides())
    assert (found.province, found.province_from) == ("Bình Dương", "title")
    assert (found.year, found.year_from, found.stage, found.stage_from) == (2020, "title", "plan", "title")
    assert found.conflicts == {"year": [("sheet name", 2019)], "stage": [("sheet name", "actual")]}
    assert found.report_fields()["context_conflicts"] == {
        "year": [{"from": "sheet name", "value": 2019}], "stage": [{"from": "sheet name", "value": "actual"}]}


def test_names_and_folders_fill_what_the_title_does_not_say() -> None:
    found = detect_context(_texts(title="Danh sách đề án", sheet="KCĐP", file="ket_qua_2019", folder="lao_cai"),
                           IngestOptions(), FileOverrides())
    assert (found.year, found.year_from) == (2019, "file name")
    assert (found.stage, found.stage_from) == ("actual", "file name")
    assert (found.province, found.province_from) == ("Lào Cai", "folder")
    assert found.funding_source == "local"  # a sheet named for a source holds that source
    assert found.conflicts == {}


def test_the_command_line_outranks_khuyencong_yaml_which_outranks_every_text() -> None:
    texts = _texts(title="KẾ HOẠCH NĂM 2020 TỈNH BÌNH DƯƠNG")
    yaml = FileOverrides(province="Lào Cai", year=2018, stage="actual", funding_source="national")
    found = detect_context(texts, IngestOptions(), yaml)
    assert (found.province, found.province_from, found.year, found.year_from) == ("Lào Cai", "khuyencong.yaml",
                                                                                  2018, "khuyencong.yaml")
    assert (found.stage, found.phase, found.funding_source) == ("actual", "", "national")
    assert found.conflicts == {"province": [("title", "Bình Dương")], "year": [("title", 2020)],
                               "stage": [("title", "plan")]}
    forced = detect_context(texts, IngestOptions(province="Cà Mau", year=2017, stage="plan"), yaml)
    assert (forced.province, forced.province_from, forced.year, forced.year_from, forced.stage_from) == (
        "Cà Mau", "command line", 2017, "command line", "command line")


def test_the_phase_comes_with_the_stage_wording() -> None:
    found = detect_context(_texts(title="KẾ HOẠCH ĐIỀU CHỈNH NĂM 2021"), IngestOptions(), FileOverrides())
    assert (found.stage, found.phase) == ("plan", "adjusted")


def test_nothing_found_is_empty_and_says_so() -> None:
    found = detect_context(_texts(sheet="Sheet1", file="Book1"), IngestOptions(), FileOverrides())
    assert found == SheetContextFound()
    assert found.sheet_fields() == {"province": "", "province_from": "", "year": None, "year_from": "", "stage": "",
                                    "stage_from": "", "phase": "", "funding_source": ""}


def test_the_year_of_a_side_line_is_the_table_s_not_the_decision_s() -> None:
    line = "Kèm theo Quyết định số 12/2023/QĐ-UBND ngày 5/3/2023 của UBND tỉnh về kế hoạch năm 2024"
    assert side_text_year(line) == 2024
    found = detect_context(_texts(side=line), IngestOptions(), FileOverrides())
    assert (found.year, found.year_from) == (2024, "title side lines")


@pytest.mark.parametrize(("text", "years"), [("2015-2018", [2015, 2016, 2017, 2018]), ("2016", [2016]),
                                             ("2015,2017", [2015, 2017]), (" 2015, 2017 2019 ", [2015, 2017, 2019])])
def test_year_range(text: str, years: list[int]) -> None:
    assert year_range(text) == years
