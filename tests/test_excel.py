"""Excel workbooks as Excel users expect them (analysis.excel): triệu đồng with the unit in the header,
Vietnamese words (codes hidden for tools), the sample-data mark, A4 landscape fit-to-width print setup."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from tidy_fixture import binh_duong_tidy

from analysis import excel


def _sample(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(source_file="samples/" + table["source_file"].astype(str))


def test_summary_in_trieu_with_words_and_hidden_codes(tmp_path: Path) -> None:
    path = excel.write_summary_xlsx(binh_duong_tidy(), None, tmp_path / "s.xlsx", "vi")
    assert path is not None
    seen = excel.visible_cells(path)
    rows = seen["Theo năm"]
    header = excel.header_map(rows)
    assert "Kinh phí khuyến công (triệu đồng)" in header and "stage" not in header
    by = dict(zip(header, rows[rows.index(header) + 2], strict=True))  # 2016 actual (2015 is first)
    assert by["Năm"] == 2016 and by["Giai đoạn"] == "Thực hiện"
    assert by["Kinh phí khuyến công (triệu đồng)"] == 3_918
    assert by["KCQG (quốc gia) (triệu đồng)"] == 1_850 and by["Vốn đối ứng (triệu đồng)"] == 55_306
    assert by["Số đề án"] == 25
    programmes = excel.visible_cells(path)["Theo chương trình"]
    words = {r[3] for r in programmes[2:] if r and r[3]}
    assert "Mô hình trình diễn, máy móc tiên tiến" in words and "demonstration" not in words
    ws = load_workbook(path)["Theo chương trình"]
    hidden = [k for k, d in ws.column_dimensions.items() if d.hidden]
    codes = {ws.cell(row=r, column=ws[f"{hidden[-1]}2"].column).value for r in range(3, ws.max_row + 1)}
    assert "demonstration" in codes  # the code stays for tools, in a hidden column


def test_every_amount_column_has_one_number_format(tmp_path: Path) -> None:
    """The defect 'a column mixes 3.845,3 with 4.322': a column's cells share one format with one decimal."""
    path = excel.write_summary_xlsx(binh_duong_tidy(), None, tmp_path / "s.xlsx", "vi")
    assert path is not None
    for ws in load_workbook(path).worksheets:
        for col in ws.iter_cols(min_row=2):
            head = col[0].value
            if not isinstance(head, str) or "(triệu đồng)" not in head:
                continue
            formats = {c.number_format for c in col[1:] if isinstance(c.value, int | float)}
            assert formats == {"#,##0.0"}, (ws.title, head, formats)


def test_sample_data_are_marked_on_screen_in_print_and_in_the_properties(tmp_path: Path) -> None:
    path = excel.write_summary_xlsx(_sample(binh_duong_tidy()), None, tmp_path / "s.xlsx", "vi", True)
    assert path is not None
    wb = load_workbook(path)
    for ws in wb.worksheets:
        assert str(ws["A2"].value).startswith("Dữ liệu minh họa"), ws.title
        assert "Dữ liệu minh họa" in ws.oddHeader.left.text
        assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    assert "Dữ liệu minh họa" in (wb.properties.description or "")
    plain = excel.write_summary_xlsx(binh_duong_tidy(), None, tmp_path / "p.xlsx", "vi", False)
    assert plain is not None
    assert not any("minh họa" in str(c) for rows in excel.visible_cells(plain).values() for r in rows for c in r)


def test_funding_workbook_words_shown_codes_and_exact_dong_hidden(tmp_path: Path) -> None:
    table = _sample(binh_duong_tidy())
    table.loc[table.index[0], "title"] = "=HYPERLINK(\"http://x\")"
    path = excel.write_funding_xlsx(table, tmp_path / "funding.xlsx")
    wb = load_workbook(path)
    ws = wb.active
    assert ws["A2"].value.startswith("Dữ liệu minh họa")  # built from the samples folder
    header = [c.value for c in ws[3]]
    hidden = {ws.cell(row=3, column=i + 1).column_letter for i in range(len(header))} & {
        k for k, d in ws.column_dimensions.items() if d.hidden
    }
    hidden_names = {ws[f"{k}3"].value for k in hidden}
    assert {"stage", "funding_source", "program", "record_type", "amount_vnd", "flags"} <= hidden_names
    visible = excel.header_map(excel.visible_cells(path)[ws.title])
    assert "Kinh phí (triệu đồng)" in visible and "Nguồn kinh phí" in visible and "amount_vnd" not in visible
    row = dict(zip(header, [c.value for c in ws[4]], strict=True))
    assert row["amount_vnd"] == table["amount_vnd"].iloc[0]  # exact đồng for tools
    assert row["Kinh phí (triệu đồng)"] == table["amount_vnd"].iloc[0] / 1_000_000
    assert row["Nguồn kinh phí"] in ("KCQG (quốc gia)", "KCĐP (địa phương)", "Vốn đối ứng")
    risky = ws.cell(row=4, column=header.index("Nội dung đề án") + 1)
    assert risky.data_type == "s" and risky.quotePrefix  # text, never a formula
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage


def test_english_workbook_is_english(tmp_path: Path) -> None:
    path = excel.write_summary_xlsx(binh_duong_tidy(), None, tmp_path / "e.xlsx", "en")
    assert path is not None
    seen = excel.visible_cells(path)
    assert "By year" in seen
    header = excel.header_map(seen["By year"])
    assert "State support (VND million)" in header and "Stage" in header
    assert "Actual" in {r[2] for r in seen["By year"][2:]}


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")), reason="needs LibreOffice and poppler")
def test_summary_prints_on_few_landscape_pages_one_page_wide(tmp_path: Path) -> None:
    """The defect: 17 A4 portrait pages with a 9-column sheet split over 3. Printed through LibreOffice Calc,
    every page is A4 landscape, repeats the header row, and holds every visible column of its sheet."""
    table = binh_duong_tidy(with_2016_plan=True)
    path = excel.write_summary_xlsx(table, None, tmp_path / "summary.xlsx", "vi")
    assert path is not None
    subprocess.run([str(shutil.which("soffice")), "--headless", f"-env:UserInstallation=file://{tmp_path / 'p'}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)], check=True, capture_output=True,
                   timeout=180)
    pdf = tmp_path / "summary.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "841.89 x 595.3" in info  # A4 landscape
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    sheets = excel.visible_cells(path)
    assert len(pages) <= 2 * len(sheets)
    for page in pages:
        assert "Tỉnh / vùng" in page  # the header row repeats on every page
        name = next(n for n in sheets if n in page.splitlines()[-1] or n in page)
        last_header = [h for h in excel.header_map(sheets[name]) if h][-1]
        assert last_header.split()[0] in page, (name, last_header)  # no column pushed to another page
