"""The bundled Bình Dương sample workbooks: reproducible, in the promised formats, and calibrated.

Why: the samples are the golden input of the toolkit; their project rows must add up to the figures Bình Dương
published (2015/2016 actuals, 2017 plan by programme). The reader below is deliberately tiny and independent of
`analysis.ingest`: it walks the rows whose STT is an Arabic number and sums the amount columns named by their
header, so a generator change that breaks the calibration fails here, whatever the ingest module does.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlrd
from python_calamine import CalamineWorkbook

from analysis.text import fold

ROOT = Path(__file__).resolve().parents[1]


def _generator() -> Any:
    """tools/make_samples.py: the dev-only generator of the bundled samples (not part of the runtime package)."""
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "tools" / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = module  # its dataclasses resolve their module
    spec.loader.exec_module(module)
    return module


generate = _generator().generate
COMMITTED = ROOT / "data" / "raw" / "samples" / "binh_duong"
PUBLISHED = ROOT / "data" / "raw" / "published" / "published_figures.csv"

F2015 = "TH_khuyen_cong_2015_BD.xls"
F2016 = "BD_KC_thuc_hien_2016.xlsx"
F2017_PLAN = "Ke hoach KC 2017 - Binh Duong.xlsx"
F2017_ACTUAL = "Bao cao ket qua KC (ban sua cuoi).xlsx"
F2018_PLAN = "KH khuyen cong 2018 (du kien).ods"
EXPECTED = {F2015: 2015, F2016: 2016, F2017_PLAN: 2017, F2017_ACTUAL: 2017, F2018_PLAN: 2018}

TRIEU = 1_000_000
ROMAN = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}
# Programme of a group row (folded, punctuation removed), first match wins: capacity ("… và tổ chức thực hiện
# hoạt động khuyến công") must be tested before management ("nâng cao năng lực quản lý …").
PROGRAM_KEYWORDS = (
    ("to chuc thuc hien hoat dong khuyen cong", "capacity"),
    ("mo hinh trinh dien", "demonstration"),
    ("may moc thiet bi tien tien", "demonstration"),
    ("nang cao nang luc quan ly", "management"),
    ("san pham cong nghiep nong thon", "products"),
    ("san pham cnnt", "products"),
    ("tu van", "consulting"),
    ("thong tin", "information"),
    ("lien doanh", "cooperation"),
)


# ---------------------------------------------------------------------------------------------------------
# A small independent reader.


def sheets(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet of a workbook as a grid of python values (calamine: cached values, '' for empty)."""
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def is_arabic(stt: Any) -> bool:
    """STT of a project row: a positive whole number, typed as number or as digits."""
    if isinstance(stt, bool):
        return False
    if isinstance(stt, int | float):
        return stt > 0 and float(stt).is_integer()
    return isinstance(stt, str) and stt.strip().isdigit()


def number(cell: Any) -> Decimal:
    """A numeric cell as an exact Decimal ('' → 0)."""
    if cell in ("", None):
        return Decimal(0)
    assert isinstance(cell, int | float), f"expected a number, got {cell!r}"
    return Decimal(str(cell))


def column(grid: list[list[Any]], label: str) -> int:
    """Index of the header cell whose text is `label` (searched in the first 15 rows)."""
    for row in grid[:15]:
        for c, cell in enumerate(row):
            if isinstance(cell, str) and cell.strip() == label:
                return c
    raise AssertionError(f"header {label!r} not found")


def program_of(label: str) -> str:
    """Programme code of a group label, by keyword on the folded text ('' when none matches)."""
    words = " ".join(re.sub(r"[^\w]+", " ", fold(label)).split())
    return next((code for key, code in PROGRAM_KEYWORDS if key in words), "")


def projects(grid: list[list[Any]]) -> Iterator[tuple[str, list[Any]]]:
    """Project rows (Arabic STT in the first column) with the programme of the Roman group row above them.

    The Roman numeral is either in the STT column ("I" | label) or leads the label ("" | "I. label").
    """
    program = ""
    for row in grid:
        stt, label = row[0], row[1]
        if isinstance(stt, str) and stt.strip() in ROMAN:
            program = program_of(label)
        elif stt == "" and isinstance(label, str) and re.match(r"^[IVX]+\.\s", label):
            program = program_of(label)
        elif is_arabic(stt):
            yield program, row


def text_amount(cell: Any) -> Decimal:
    """An amount typed as text, in triệu: '262,5 triệu đồng', '1,2 tỷ đồng', '45.000.000 đồng', '2.150', '-'."""
    assert isinstance(cell, str), f"2017 actual amounts are typed as text, got {cell!r}"
    text = cell.strip()
    if text in {"", "-"}:
        return Decimal(0)
    match = re.fullmatch(r"(\d{1,3}(?:\.\d{3})*(?:,\d+)?)(?:\s+(triệu đồng|triệu|tỷ đồng|tỷ|đồng))?", text)
    assert match, f"unexpected amount text {text!r}"
    value = Decimal(match[1].replace(".", "").replace(",", "."))
    unit = match[2] or "triệu"  # bare numbers take the sheet's "ĐVT: triệu đồng"
    return value * {"triệu đồng": 1, "triệu": 1, "tỷ đồng": 1000, "tỷ": 1000, "đồng": Decimal(1) / TRIEU}[unit]


def published() -> dict[tuple[str, str, str, str, str], dict[str, str]]:
    """Bình Dương rows of published_figures.csv keyed by (year, stage, metric, funding_source, program)."""
    with PUBLISHED.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["province"] == "Bình Dương"]
    return {(r["year_start"], r["stage"], r["metric"], r["funding_source"], r["program"]): r for r in rows}


def published_vnd(year: int, stage: str, metric: str, source: str, program: str = "") -> int:
    return int(published()[(str(year), stage, metric, source, program)]["amount_vnd"])


# ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("samples")
    return {p.name: p for p in generate(out)}


def test_generate_writes_the_five_files(generated: dict[str, Path]) -> None:
    assert set(generated) == set(EXPECTED)
    assert sorted(p.suffix for p in generated.values()) == [".ods", ".xls", ".xlsx", ".xlsx", ".xlsx"]


def test_committed_files_match_a_regeneration(generated: dict[str, Path]) -> None:
    committed = {p.name for p in COMMITTED.iterdir() if p.suffix in {".xls", ".xlsx", ".ods"}}
    assert committed == set(EXPECTED), "regenerate with: python tools/make_samples.py"
    for name, path in generated.items():
        assert sheets(COMMITTED / name) == sheets(path), f"{name} differs; regenerate with python tools/make_samples.py"


def test_regeneration_is_byte_stable(generated: dict[str, Path], tmp_path: Path) -> None:
    for path in generate(tmp_path):
        assert path.read_bytes() == generated[path.name].read_bytes(), path.name


def test_formats_open_with_their_readers() -> None:
    xls = COMMITTED / F2015
    assert xls.read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")  # OLE2 compound file: legacy BIFF
    book = xlrd.open_workbook(str(xls))
    assert book.sheet_names() == ["TH 2015"]
    for name in EXPECTED:
        assert CalamineWorkbook.from_path(str(COMMITTED / name)).sheet_names
    for name in (F2016, F2017_PLAN, F2017_ACTUAL):
        assert (COMMITTED / name).read_bytes()[:2] == b"PK"
    assert b"application/vnd.oasis.opendocument.spreadsheet" in (COMMITTED / F2018_PLAN).read_bytes()[:100]


def test_titles_notes_and_text_are_realistic() -> None:
    for name, year in EXPECTED.items():
        grids = sheets(COMMITTED / name)
        texts = [c for grid in grids.values() for row in grid for c in row if isinstance(c, str) and c]
        assert all(unicodedata.is_normalized("NFC", t) for t in texts), name
        assert any(f"NĂM {year}" in t and "BÌNH DƯƠNG" in t for t in texts), f"{name}: title needs year and province"
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
        assert any("GIÁM ĐỐC" in t for t in texts) and "(Đã ký)" in texts
        for sheet_name, grid in grids.items():
            if not any(any(c != "" for c in row) for row in grid):
                continue  # the empty "Sheet2" a real officer left behind
            marker = [r for r, row in enumerate(grid) if any("Dữ liệu minh họa" in str(c) for c in row)]
            last_project = max(r for r, row in enumerate(grid) if is_arabic(row[0]))
            assert marker and marker[0] > last_project, f"{name}/{sheet_name}: illustrative marker below the table"


@pytest.mark.parametrize(
    ("name", "sheet"),
    [(F2015, "TH 2015"), (F2016, "Thực hiện 2016"), (F2017_PLAN, "Danh mục đề án"), (F2017_ACTUAL, "Sheet1"),
     (F2018_PLAN, "KH2018")],
)
def test_every_project_row_sits_under_a_programme_group(name: str, sheet: str) -> None:
    rows = list(projects(sheets(COMMITTED / name)[sheet]))
    assert rows and all(program for program, _ in rows)


def test_2015_reproduces_published_total() -> None:
    grid = sheets(COMMITTED / F2015)["TH 2015"]
    qg, dp = column(grid, "KCQG"), column(grid, "KCĐP")
    assert any("Đơn vị tính: đồng" in str(c) for row in grid for c in row)
    rows = [row for _, row in projects(grid)]
    support = sum(number(r[qg]) + number(r[dp]) for r in rows)
    assert support == published_vnd(2015, "actual", "support", "total") == 3_618 * TRIEU
    # the "(1) (2) …" row of column numbers is not a project
    assert not any(isinstance(r[0], str) and r[0].startswith("(") for r in rows)


def test_2016_reproduces_published_figures() -> None:
    grid = sheets(COMMITTED / F2016)["Thực hiện 2016"]
    src, amount, counterpart = column(grid, "Nguồn vốn"), column(grid, "Kinh phí hỗ trợ"), column(grid, "Vốn đối ứng")
    rows = [row for _, row in projects(grid)]
    national = [r for r in rows if r[src] == "KCQG"]
    local = [r for r in rows if r[src] == "KCĐP"]
    assert len(rows) == 25 == int(published()[("2016", "actual", "support", "total", "")]["n_projects"])
    assert len(national) == 3 and len(local) == 22
    assert sum(number(r[amount]) for r in national) * TRIEU == published_vnd(2016, "actual", "support", "national")
    assert sum(number(r[amount]) for r in local) * TRIEU == published_vnd(2016, "actual", "support", "local")
    assert sum(number(r[amount]) for r in rows) == 3_918
    assert sum(number(r[counterpart]) for r in rows) * TRIEU == published_vnd(
        2016, "actual", "counterpart", "counterpart"
    )
    assert sum(number(r[counterpart]) for r in rows) == 55_306


def test_2017_plan_reproduces_published_allocation() -> None:
    grids = sheets(COMMITTED / F2017_PLAN)
    assert list(grids) == ["Tổng hợp", "Danh mục đề án"]
    detail = grids["Danh mục đề án"]
    qg, dp = column(detail, "KCQG"), column(detail, "KCĐP")
    by_program: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    for program, row in projects(detail):
        by_program[program] = by_program.get(program, Decimal(0)) + number(row[qg]) + number(row[dp])
        counts[program] = counts.get(program, 0) + 1
    expected = {
        key[4]: int(r["amount_vnd"])
        for key, r in published().items()
        if key[:4] == ("2017", "plan", "program_allocation", "unspecified")
    }
    assert {k: v * TRIEU for k, v in by_program.items()} == expected
    assert sum(by_program.values()) == 4_438

    summary = grids["Tổng hợp"]
    n_col, amount_col = column(summary, "Số đề án"), column(summary, "Kinh phí (triệu đồng)")
    lines = {program_of(row[1]): row for row in summary if is_arabic(row[0])}
    assert {k: number(r[amount_col]) * TRIEU for k, r in lines.items()} == expected
    assert {k: int(r[n_col]) for k, r in lines.items()} == counts


def test_2017_plan_total_row_is_a_formula_without_cached_value() -> None:
    path = COMMITTED / F2017_PLAN
    detail = sheets(path)["Danh mục đề án"]
    total = next(row for row in detail if row[1] == "TỔNG CỘNG")
    assert total[5:9] == ["", "", "", ""]  # what a reader of cached values sees
    ws = openpyxl.load_workbook(path)["Danh mục đề án"]
    formulas = [c.value for row in ws.iter_rows() if row[1].value == "TỔNG CỘNG" for c in row[5:9]]
    assert all(isinstance(f, str) and f.startswith("=") for f in formulas)


def test_2017_actual_text_amounts_are_consistent() -> None:
    grid = sheets(COMMITTED / F2017_ACTUAL)["Sheet1"]
    cols = [column(grid, "Kinh phí KCQG"), column(grid, "Kinh phí KCĐP"), column(grid, "Vốn đối ứng")]
    rows = [row for _, row in projects(grid)]
    assert len(rows) == 26  # one planned project withdrawn
    sums = [sum(text_amount(r[c]) for r in rows) for c in cols]
    total = next(row for row in grid if row[1] == "Cộng")
    assert [text_amount(total[c]) for c in cols] == sums
    ratio = (sums[0] + sums[1]) / Decimal(4_438)
    assert Decimal("0.9") <= ratio <= 1
    cells = [r[c] for r in rows for c in cols]
    forms = {
        "triệu đồng": r"\d triệu đồng$",
        "triệu": r"\d triệu$",
        "tỷ": r"\d tỷ( đồng)?$",
        "đồng": r"\d{3} đồng$",
        "bare": r"^[\d.,]+$",
        "decimal comma": r"\d,\d",
        "dash": r"^-$",
    }
    for form, pattern in forms.items():
        assert any(re.search(pattern, cell) for cell in cells), f"no amount written as {form}"


def test_2018_plan_is_consistent_and_larger() -> None:
    grid = sheets(COMMITTED / F2018_PLAN)["KH2018"]
    assert any("nghìn đồng" in str(c) for row in grid for c in row)
    dp, qg, cp = column(grid, "Ngân sách tỉnh (KCĐP)"), column(grid, "KCQG"), column(grid, "Vốn đối ứng")
    rows = [row for _, row in projects(grid)]
    support = sum(number(r[dp]) + number(r[qg]) for r in rows)
    total = next(row for row in grid if row[1] == "TỔNG CỘNG")
    assert number(total[dp]) + number(total[qg]) == support
    assert number(total[cp]) == sum(number(r[cp]) for r in rows)
    assert support * 1000 > 4_438 * TRIEU
    assert all(sum(1 for c in (dp, qg) if number(r[c])) == 1 for r in rows)  # one state source per project
    assert max(number(r[qg]) for r in rows) <= 1_000_000  # KCQG demonstration ceiling from 2018 (nghìn đồng)
