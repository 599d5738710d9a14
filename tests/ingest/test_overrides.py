"""khuyencong.yaml → typed FileOverrides; every problem named with the yaml file and its line, vi and en."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.errors import OverridesError
from analysis.ingest.overrides import FileOverrides, OverrideEntry, for_file, load_file


def _yaml(folder: Path, text: str) -> Path:
    path = folder / "khuyencong.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _problem(folder: Path, text: str) -> OverridesError:
    with pytest.raises(OverridesError) as caught:
        load_file(_yaml(folder, text))
    return caught.value


def test_an_entry_becomes_typed_settings(raw: Path) -> None:
    path = _yaml(raw, "files:\n  - match: 'bang3*.xlsx'\n    header_rows: [2, 3]\n    columns: {b: title, C: 'amount:local'}\n"
                      "    unit: triệu đồng\n    year: '2019'\n    stage: actual\n    include_hidden: true\n")
    [entry] = load_file(path)
    assert entry == OverrideEntry(match="bang3*.xlsx", line=2, settings=FileOverrides(
        header_rows=(2, 3), columns={"B": "title", "C": "amount:local"}, unit="triệu đồng", year=2019,
        stage="actual", include_hidden=True))
    assert entry.settings.to_dict() == {"header_rows": [2, 3], "columns": {"B": "title", "C": "amount:local"},
                                        "unit": "triệu đồng", "year": 2019, "stage": "actual", "include_hidden": True}


def test_vietnamese_keys_and_values_are_read(raw: Path) -> None:
    path = _yaml(raw, "files:\n  - tệp: '*'\n    giai đoạn: kế hoạch\n    năm: 2021\n    tỉnh: Bình Dương\n"
                      "    nguồn: KCĐP\n    bỏ qua: false\n")
    [entry] = load_file(path)
    assert entry.settings == FileOverrides(stage="plan", year=2021, province="Bình Dương", funding_source="local",
                                           skip=False)


def test_entries_merge_from_the_root_down_the_nearer_yaml_winning(raw: Path) -> None:
    sub = raw / "lao_cai"
    sub.mkdir()
    (sub / "kh_2020.xlsx").write_bytes(b"x")
    _yaml(raw, "files:\n  - match: '*'\n    province: Bình Dương\n    year: 2019\n  - match: 'th*'\n    stage: actual\n")
    _yaml(sub, "files:\n  - match: 'kh*'\n    year: 2020\n    stage: plan\n")
    merged = for_file(sub / "kh_2020.xlsx", raw)
    assert merged == FileOverrides(province="Bình Dương", year=2020, stage="plan")
    assert merged.updated(FileOverrides(year=2021)).year == 2021 and merged.updated(FileOverrides()) == merged
    assert for_file(raw / "other.xlsx", raw) == FileOverrides(province="Bình Dương", year=2019)


def test_a_misspelt_key_names_the_file_the_line_and_the_key_it_meant(raw: Path) -> None:
    error = _problem(raw, "files:\n  - match: 'a.xlsx'\n    header_row: [5]\n")
    assert error.problems == [("yaml_key_near", {"entry": 1, "key": "header_row", "near": "header_rows", "line": 3})]
    vi, en = error.message("vi"), error.message("en")
    assert str(raw / "khuyencong.yaml") in vi and str(raw / "khuyencong.yaml") in en
    assert "dòng 3, mục số 1: khoá 'header_row' không được hỗ trợ; có phải là 'header_rows'?" in vi
    assert "line 3, entry 1: key 'header_row' is not supported; did you mean 'header_rows'?" in en


def test_every_problem_is_listed_each_with_its_line(raw: Path) -> None:
    error = _problem(raw, "files:\n  - match: a.xlsx\n    year: nineteen\n    stage: done\n    colour: red\n  - 7\n"
                          "  - match: b.xlsx\n    columns: {B: titel}\n")
    assert [(code, fields["line"]) for code, fields in error.problems] == [
        ("yaml_value", 3), ("yaml_value", 4), ("yaml_key", 5), ("yaml_entry", 6), ("yaml_value", 8)]
    vi = error.lines("vi")
    assert vi[0] == "dòng 3, mục số 1, khoá 'year': cần một năm, ví dụ 2019 (hiện là 'nineteen')"
    assert vi[4].endswith("(hiện là 'B: titel')")  # the wrong pair, not the whole mapping
    assert error.lines("en")[3] == "line 6, entry 2 must be a mapping of key: value (it is 7)"


@pytest.mark.parametrize(("text", "code", "line"), [
    ("- match: '*.xlsx'\n", "yaml_top", 1),
    ("files:\n  - match: a\nfile: []\n", "yaml_top_key", 3),
    ("\nfiles: 5\n", "yaml_files", 2),
    ("files:\n  - match: a\n    year:\n", "yaml_value", 3),
])
def test_structure_problems_name_their_line(raw: Path, text: str, code: str, line: int) -> None:
    [(got, fields)] = _problem(raw, text).problems
    assert (got, fields["line"]) == (code, line)


def test_text_that_is_not_yaml_names_line_and_column(raw: Path) -> None:
    error = _problem(raw, "files:\n  - match: a\n    year: [2019\n")
    [(code, fields)] = error.problems
    assert code == "yaml_unreadable" and (fields["line"], fields["column"]) == (4, 1)
    assert error.lines("vi")[0].startswith("dòng 4, cột 1: không đọc được nội dung YAML")
    assert error.lines("en")[0].startswith("line 4, column 1: the YAML could not be read (")


def test_a_yaml_that_is_not_utf8_says_how_to_fix_it(raw: Path) -> None:
    (raw / "khuyencong.yaml").write_bytes("files:\n  - match: 'Báo cáo*'\n".encode("cp1258"))
    with pytest.raises(OverridesError) as caught:
        load_file(raw / "khuyencong.yaml")
    assert [code for code, _ in caught.value.problems] == ["yaml_not_utf8"]
    assert "UTF-8" in caught.value.lines("vi")[0]


def test_vietnamese_messages_name_no_yaml_type_in_english(raw: Path) -> None:
    error = _problem(raw, "files:\n  - [a]\n  - match: a\n    header_rows: {x: 1}\n    year: true\n    sheet: null\n")
    vi = " ".join(error.lines("vi"))
    assert not re.search(r"\b(list|mapping|null|none|expected|entry|line|got)\b", vi, re.IGNORECASE)
    assert "(hiện là true)" in vi  # a value is shown as it was typed
    assert "một danh sách" in vi and "một bảng khoá: giá trị" in vi and "để trống" in vi
