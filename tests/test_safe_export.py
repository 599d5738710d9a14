"""Formula-injection-safe CSV/XLSX writers and atomic writes (analysis.safe_export)."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.safe_export import (
    atomic_path,
    atomic_write_bytes,
    atomic_write_text,
    default_mode,
    is_dangerous,
    neutralise,
    neutralise_frame,
    sheet_title,
    write_csv,
    write_xlsx,
)

PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "\tx",
    "\r=1",
]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "title": ["Đề án máy sấy", *PAYLOADS],
            "amount_vnd": pd.array([1_850_000_000, -5, 0, 7, -1, 3, 12], dtype="int64"),
            "n_projects": pd.array([1, None, 2, None, 3, 4, 5], dtype="Int64"),
            "ratio": [1.5, -0.25, float("nan"), 2.0, 0.0, 3.25, 1.0],
            "year": [2016] * 7,
            "value_as_printed": ["-", "-1.234", "1.850", "", "=1+1", "abc", "+84 912 345 678"],
        }
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_neutralise_prefixes_formula_starts(payload: str) -> None:
    assert neutralise(payload) == "'" + payload
    assert is_dangerous(payload)


@pytest.mark.parametrize("text", ["Bình Dương", "", "-", "-1.234", "+84 912 345 678", "12,5", "a=b"])
def test_neutralise_leaves_plain_text_and_numerals(text: str) -> None:
    assert neutralise(text) == text
    assert not is_dangerous(text)


def test_neutralise_frame_only_touches_text_columns() -> None:
    out = neutralise_frame(_frame())
    assert out["amount_vnd"].tolist() == _frame()["amount_vnd"].tolist()  # negative numbers stay numbers
    assert out["amount_vnd"].dtype == "int64"
    assert out["title"].iloc[1] == "'" + PAYLOADS[0]
    assert out["title"].iloc[0] == "Đề án máy sấy"
    assert out["value_as_printed"].tolist()[:2] == ["-", "-1.234"]
    assert out["value_as_printed"].iloc[4] == "'=1+1"
    mixed = neutralise_frame(
        pd.DataFrame({"x": pd.Series([-3, "=cmd", None], dtype=object), "=bad": [1, 2, 3]})
    )
    assert mixed["x"].tolist()[:2] == [-3, "'=cmd"]
    assert list(mixed.columns) == ["x", "'=bad"]


def test_write_csv_bom_vietnamese_and_injection(tmp_path: Path) -> None:
    path = write_csv(_frame(), tmp_path / "out" / "funding.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens UTF-8 with diacritics intact
    text = raw.decode("utf-8-sig")
    assert "Đề án máy sấy" in text
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert back["amount_vnd"].tolist()[:2] == [1_850_000_000, -5]
    assert back["title"].tolist()[1:] == ["'" + p for p in PAYLOADS]
    assert not [v for col in ("title", "value_as_printed") for v in back[col] if is_dangerous(v)]
    assert len(back) == len(_frame())  # a cell holding a CR is quoted, the row is not split
    assert [p.name for p in path.parent.iterdir()] == ["funding.csv"]  # no temp file left


def test_write_xlsx_formats_text_cells_and_layout(tmp_path: Path) -> None:
    long_name = "Tổng hợp kinh phí theo nội dung và năm/giai đoạn"
    path = write_xlsx(
        {"funding": _frame(), long_name: _frame().head(2), "funding ": _frame().head(1)},
        tmp_path / "t.xlsx",
        number_formats={"ratio": "0.00"},
    )
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "funding"
    assert len(wb.sheetnames) == 3 and all(len(n) <= 31 and "/" not in n for n in wb.sheetnames)
    assert len({n.lower().strip() for n in wb.sheetnames}) == 3
    ws = wb["funding"]
    header = [c.value for c in ws[1]]
    assert header == list(_frame().columns)
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:F8"
    cols = {name: i for i, name in enumerate(header)}
    row2 = ws[2]
    assert row2[cols["amount_vnd"]].value == 1_850_000_000
    assert row2[cols["amount_vnd"]].number_format == "#,##0"
    assert row2[cols["year"]].number_format == "0"  # a year is not "2.016"
    assert row2[cols["ratio"]].number_format == "0.00"
    assert ws[3][cols["amount_vnd"]].value == -5 and ws[3][cols["amount_vnd"]].data_type == "n"
    assert ws[3][cols["n_projects"]].value is None
    from python_calamine import CalamineWorkbook

    # values as Excel (and our reader, calamine) decode them: a CR is stored as the OOXML escape _x000D_
    values = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("funding").to_python()
    for i, payload in enumerate(PAYLOADS, start=3):
        cell = ws[i][cols["title"]]
        assert cell.data_type == "s", payload  # text, never a formula
        assert values[i - 1][cols["title"]] == payload
        assert cell.quotePrefix
    assert ws.column_dimensions["A"].width >= len("+cmd|' /C calc'!A0")
    assert ws.column_dimensions["A"].width <= 60


def test_write_xlsx_every_column_kind_round_trips(tmp_path: Path) -> None:
    """Text (str and object), numbers with NA, booleans, dates and mixed object columns; '' stays empty."""
    import datetime as dt

    frame = pd.DataFrame({
        "text": pd.array(["Gốm", "", None], dtype="string"),
        "obj": ["a", "-1", None],
        "n": pd.array([1, None, -3], dtype="Int64"),
        "f": [1.5, float("nan"), 2.0],
        "flag": [True, False, True],
        "day": pd.to_datetime(["2017-01-10", None, "2018-12-31"]),
        "mixed": [1, "=x", dt.date(2020, 1, 2)],
    })
    path = write_xlsx({"s": frame}, tmp_path / "k.xlsx")
    ws = load_workbook(path)["s"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert rows[0][:5] == ["Gốm", "a", 1, 1.5, True]
    assert rows[1][:5] == [None, "-1", None, None, False]  # '' and every NA are empty cells
    assert rows[2][:5] == [None, None, -3, 2, True]
    assert [r[5] for r in rows] == [dt.datetime(2017, 1, 10), None, dt.datetime(2018, 12, 31)]
    assert ws["F2"].number_format == "dd/mm/yyyy" and ws["C2"].number_format == "#,##0"
    assert rows[0][6] == 1 and rows[1][6] == "=x" and ws["G3"].quotePrefix and ws["B3"].quotePrefix
    assert rows[2][6] == dt.datetime(2020, 1, 2)


def test_write_xlsx_drops_illegal_control_characters(tmp_path: Path) -> None:
    path = write_xlsx({"s": pd.DataFrame({"t": ["a\x01b", "=x\x02"]})}, tmp_path / "c.xlsx")
    ws = load_workbook(path)["s"]
    assert [ws["A2"].value, ws["A3"].value] == ["ab", "=x"]
    assert ws["A3"].data_type == "s"


def test_sheet_title_unique_and_valid() -> None:
    taken: set[str] = set()
    names = [sheet_title(n, taken) for n in ["a/b", "a/b", "x" * 40, "x" * 40, "[q]"]]
    assert names[0] == "a_b" and names[1] == "a_b (2)"
    assert len(names[2]) == 31 and names[3].endswith("(2)") and len(names[3]) <= 31
    assert names[4] == "_q_"


def test_atomic_write_keeps_old_file_on_error(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    atomic_write_text(target, "cũ")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("crash mid-write")
    assert target.read_text(encoding="utf-8") == "cũ"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_atomic_write_bytes_mode_is_shareable(tmp_path: Path) -> None:
    path = atomic_write_bytes(tmp_path / "sub" / "a.bin", b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    assert stat.S_IMODE(path.stat().st_mode) == default_mode()  # not mkstemp's 0600
    os.chmod(path, 0o640)
    atomic_write_bytes(path, b"new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # an existing file keeps its mode


@pytest.mark.parametrize(("value", "expected"), [
    ("abc;=3+3", "abc;'=3+3"),
    ("abc,=3+3", "abc,'=3+3"),
    ("x; =HYPERLINK(\"http://x\")", "x; '=HYPERLINK(\"http://x\")"),
    ("a;\"@SUM(A1)", "a;\"'@SUM(A1)"),
    ("=1+1;+cmd", "'=1+1;'+cmd"),
    ("1,5;-2", "1,5;-2"),  # numerals stay numerals
    ("Hà Nội, -", "Hà Nội, -"),
    ("ok;-2,=cmd", "ok;'-2,'=cmd"),  # the ';' cell '-2,=cmd' is no numeral
])
def test_neutralise_after_either_list_separator(value: str, expected: str) -> None:
    assert neutralise(value) == expected


def _live_cells(line: str, sep: str) -> list[str]:
    """Cells of a raw CSV line as a spreadsheet that splits it on ``sep`` (quotes or not) would begin them."""
    live = []
    for segment in line.split(sep):
        cell = segment.lstrip()
        cell = cell[1:] if cell.startswith('"') else cell
        cell = cell.split('"', 1)[0]
        if cell[:1] in ("=", "+", "-", "@") and not re.fullmatch(r"[+-]?[\d\s.,]*", cell):
            live.append(cell)
    return live


def test_csv_has_no_live_cell_in_an_excel_set_to_semicolon_or_comma(tmp_path: Path) -> None:
    payloads = ["abc;=3+3", "abc,=3+3", "t;@SUM(1)", "x;+cmd|' /C calc'!A0", "a; -2+3", "Đề án; =1", "ok;-1.234",
                "plain", "=HYPERLINK(\"x\")", "a,b;c,=d"]
    frame = pd.DataFrame({"title": payloads, "beneficiary": list(reversed(payloads)),
                          "amount_vnd": range(len(payloads))})
    frame["title"] = frame["title"].astype("string")  # both the string and the object paths
    path = write_csv(frame, tmp_path / "funding.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()[1:]
    for sep in (";", ","):
        assert [cell for line in lines for cell in _live_cells(line, sep)] == [], sep
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert back["title"].tolist() == [neutralise(v) for v in payloads]
