"""ingest_report.json follows its JSON Schema, and the typed report gives exactly the JSON written.

Real reports are checked: the bundled samples, every test fixture, the hostile files, a sheet left out and a
file skipped by khuyencong.yaml, a run that can read nothing. An unknown key is an error here, so the schema
and the dataclasses stay complete when the sheet step adds one.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import fields
from typing import Any

import badfiles
import ingest_fixtures as fx
import jsonschema
import pytest

from analysis import config
from analysis.ingest import ingest
from analysis.ingest.report import (
    SCHEMA_PATH,
    FileReport,
    RunReport,
    SheetReport,
    Totals,
    json_schema,
    report_json,
)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The written reports of a few real runs."""
    base = tmp_path_factory.mktemp("reports")
    raw = base / "raw"
    shutil.copytree(config.RAW_DIR / "samples", raw / "samples")
    for builder in fx.ALL_BUILDERS:
        (raw / "fixtures" / builder.__name__).mkdir(parents=True)
        builder(raw / "fixtures" / builder.__name__)
    chosen = raw / "chosen"
    chosen.mkdir()
    fx.write_xlsx(chosen / "two_sheets.xlsx", {"KH": [["KẾ HOẠCH 2020"], ["STT", "Tên đề án", "KCĐP"], [1, "Máy", 5]],
                                               "Khác": [["x"]]})
    fx.bad_amount(chosen)
    fx.write_xlsx(chosen / "conflict.xlsx", {"TH 2019": [["KẾ HOẠCH KHUYẾN CÔNG NĂM 2020 TỈNH BÌNH DƯƠNG"],
                                                         ["ĐVT: triệu đồng"], ["STT", "Tên đề án", "KCĐP"],
                                                         [1, "Hỗ trợ máy sấy", 5]]})
    (chosen / "khuyencong.yaml").write_text("files:\n  - match: 'two*'\n    sheet: KH\n    unit: triệu đồng\n"
                                            "  - match: 'dak_lak*'\n    skip: true\n", encoding="utf-8")
    badfiles.make_bad_corpus(raw / "hostile", dangerous=False)
    out = []
    for folder in (raw, raw / "samples"):
        result = ingest([folder], out_dir=base / f"out_{folder.name}", jobs=2, cache=False, progress=False)
        out.append(json.loads((result.files_dir / "ingest_report.json").read_text(encoding="utf-8")))
    (base / "broken").mkdir()
    (base / "broken" / "x.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    out.append(ingest([base / "broken"], out_dir=base / "out_broken", jobs=0).report)  # kept_previous
    return out


def test_the_reports_cover_every_shape_of_sheet_and_file(reports: list[dict[str, Any]]) -> None:
    files = [f for r in reports for f in r["files"]]
    sheets = [s for f in files for s in f["sheets"]]
    assert {f["status"] for f in files} == {"ok", "error"} and len({f["code"] for f in files}) > 5
    assert any(s.get("skipped", {}).get("not_selected") for s in sheets)  # a sheet khuyencong.yaml left out
    assert any(f["warnings"] == ["skipped by khuyencong.yaml"] for f in files)
    assert any(s.get("context_conflicts") for s in sheets) and any(s.get("notices") for s in sheets)
    assert reports[-1]["kept_previous"] is True


def test_real_reports_follow_the_schema(reports: list[dict[str, Any]]) -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    for report in reports:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(report)]
        assert errors == []


def test_the_typed_report_gives_back_exactly_the_json_written(reports: list[dict[str, Any]]) -> None:
    for report in reports:
        typed = RunReport.from_dict(report, strict=True)
        assert json.dumps(typed.to_dict(), ensure_ascii=False) == json.dumps(report, ensure_ascii=False)
        assert report_json(typed.to_dict()) == report_json(report)


def test_an_unknown_key_is_an_error_for_the_schema_and_the_strict_reader(reports: list[dict[str, Any]]) -> None:
    report = json.loads(json.dumps(reports[1]))
    sheet = report["files"][0]["sheets"][0]
    sheet["header_row"] = [3]  # a key the sheet step would add without telling the report
    with pytest.raises(ValueError, match="header_row"):
        SheetReport.from_dict(sheet, strict=True)
    assert not jsonschema.Draft202012Validator(json_schema()).is_valid(report)
    kept = SheetReport.from_dict(sheet)  # a run never loses it: kept in place
    assert kept.extra == {"header_row": [3]} and list(kept.to_dict()) == list(sheet)
    with pytest.raises(ValueError, match="colour"):
        FileReport.from_dict({**report["files"][0], "colour": "red"}, strict=True)


def test_the_schema_names_every_field_of_the_dataclasses() -> None:
    schema = json_schema()

    def names(cls: type) -> set[str]:
        return {f.name for f in fields(cls)} - {"key_order", "extra"}

    assert set(schema["properties"]) == names(RunReport)
    assert set(schema["$defs"]["totals"]["properties"]) == names(Totals) == set(schema["$defs"]["totals"]["required"])
    assert set(schema["$defs"]["file"]["properties"]) == names(FileReport)
    assert set(schema["$defs"]["sheet"]["properties"]) == names(SheetReport)
    assert SCHEMA_PATH.parent.name == "ingest" and SCHEMA_PATH.is_file()  # package data beside report.py


def test_large_report_json_is_compact_small_one_indented() -> None:
    small = {"files": [{"path": "a.xlsx", "sheets": []}], "note": "Tỉnh"}
    assert "\n " in report_json(small) and "Tỉnh" in report_json(small)
    large = {"files": [{"path": f"f{i}.xlsx", "label": "Cộng " * 20} for i in range(5000)]}
    text = report_json(large)
    assert "\n" not in text and json.loads(text) == large
