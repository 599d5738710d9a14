"""The analysis notebooks (notebooks/*.ipynb) and their loader (analysis.notebook).

Three layers: the loader's functions on small inputs; the committed notebooks as files (no outputs, a
'parameters' cell of plain literals, thin code that calls the package); and every notebook executed top to
bottom with papermill on the bundled data, each in its own test so pytest-xdist runs them side by side. The
ingest runs once per test session (per xdist worker) into a temporary processed folder; figures go to a
temporary reports folder through KHUYENCONG_REPORTS_DIR, as in a report build.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import time
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest
from PIL import Image

from analysis import config, metrics, notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAMES = [p.stem for p in NOTEBOOKS]
EXPECTED = [
    "00_tom_tat",
    "01_tong_quan_du_lieu",
    "02_chi_tieu_theo_nam",
    "03_nguon_kinh_phi",
    "04_phan_bo_chuong_trinh",
    "05_dia_ban",
    "06_so_sanh_tinh",
    "07_cong_tac_vien",
]
DEFAULTS: dict[str, Any] = {  # None: taken from the data by notebook.scope (any province, any years)
    "province": None,
    "years": None,
    "lang": "vi",
    "data_dir": None,
    "base_year": None,
}
MAX_CODE_LINES = 100
MAX_SECONDS = 60.0


# ---------------------------------------------------------------------------------------------- loader


def _report_json(folder: Path) -> None:
    report = {
        "files": [
            {
                "path": "tinh/KH 2017.xlsx",
                "status": "ok",
                "message": "",
                "warnings": [
                    "sheet 'Danh mục': declared dimension A1:ZZ9 ignored (real content 5 rows x 4 columns)",
                    "delimiter: ';'",
                ],
                "warning_codes": [
                    {"code": "file.declared_dimension",
                     "params": {"sheet": "Danh mục", "declared": "A1:ZZ9", "rows": 5, "cols": 4}},
                    {"code": "file.delimiter", "params": {"delimiter": ";"}},
                ],
                "sheets": [
                    {
                        "sheet": "Tổng hợp",
                        "rows_read": 20,
                        "records": 7,
                        "skipped": {"title": 8, "total": 1, "blank": 3},
                        "rejected": 1,
                        "year": 2017,
                        "stage": "plan",
                        "reconciliation": [{"ok": True}, {"ok": False}],
                        "warnings": [],
                    },
                    {
                        "sheet": "Danh mục",
                        "rows_read": 5,
                        "records": 4,
                        "skipped": {"title": 1},
                        "rejected": 0,
                        "year": None,
                        "stage": "",
                        "reconciliation": [],
                        "warnings": ["hidden columns"],
                    },
                ],
            },
            {"path": "tinh/hong.xls", "status": "error", "message": "not a spreadsheet", "sheets": []},
        ]
    }
    (folder / notebook.REPORT_FILE).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")


def test_ingest_overview_accounts_for_every_row(tmp_path: Path) -> None:
    assert notebook.ingest_overview(tmp_path).empty  # no ingest yet: an empty table, not an error
    _report_json(tmp_path)
    ov = notebook.ingest_overview(tmp_path)
    assert list(ov["sheet"]) == ["Tổng hợp", "Danh mục", ""]
    first = ov.iloc[0]
    assert (first["rows_read"], first["records"], first["skipped"], first["rejected"]) == (20, 7, 12, 1)
    assert first["rows_read"] == first["records"] + first["skipped"] + first["rejected"]
    assert (first["reconciled_ok"], first["reconciled_failed"]) == (1, 1)
    assert first["warnings"] == "delimiter: ';'"  # a file warning about no sheet: first row
    assert (
        ov.iloc[1]["warnings"].startswith("sheet 'Danh mục'") and "hidden columns" in ov.iloc[1]["warnings"]
    )  # a file warning about a sheet (its code's parameter says which): that sheet's row
    vi = notebook.ingest_overview(tmp_path, "vi")
    assert vi.iloc[0]["warnings"] == "Tệp văn bản, các cột ngăn cách bằng dấu ';'"
    assert vi.iloc[1]["warnings"].startswith("Trang 'Danh mục': vùng dữ liệu khai báo A1:ZZ9 bị bỏ qua")
    assert pd.isna(ov.iloc[1]["year"]) and ov.iloc[0]["year"] == 2017
    broken = ov.iloc[2]
    assert broken["status"] == "error" and broken["warnings"] == "not a spreadsheet"


def test_ingest_overview_says_warnings_in_the_page_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """The defect: page 01 showed '4 formula cell(s) without a cached value …' on a Vietnamese page."""
    code = {"code": "warn.formulas_without_value", "params": {"cells": 4}}
    stored = ("4 formula cell(s) without a cached value (file saved by a program that does not compute formulas): "
              "open and save it in Excel")
    report = {"files": [{"path": "a.xlsx", "status": "ok", "warnings": [],
                         "sheets": [{"sheet": "S", "rows_read": 1, "records": 1, "warnings": [stored],
                                     "warning_codes": [code]}]}]}
    monkeypatch.setattr(notebook, "ingest_report", lambda data_dir=None: report)
    assert notebook.ingest_overview(None).loc[0, "warnings"] == stored  # English, stable for tools
    assert notebook.ingest_overview(None, "vi").loc[0, "warnings"].startswith("4 ô công thức chưa có giá trị")


def test_rejects_and_sources_markdown(tmp_path: Path) -> None:
    assert list(notebook.rejects(tmp_path).columns)[:3] == ["source_file", "source_sheet", "source_row"]
    (tmp_path / notebook.REJECTS_FILE).write_text(
        "\ufeffsource_file,source_sheet,source_row,column,value,reason,reason_code,reason_params\n"
        "a.xlsx,S1,12,F,1.2.3,malformed number (column F 'KCQG'),reason.amount_unreadable,"
        '"{""column"": ""F"", ""label"": ""KCQG"", ""problem"": {""code"": ""problem.malformed_number"", ""params"": {}}}"\n',
        encoding="utf-8",
    )
    rej = notebook.rejects(tmp_path)
    assert rej.loc[0, "source_row"] == 12 and rej.loc[0, "value"] == "1.2.3"
    assert rej.loc[0, "reason"] == "số viết sai dạng (cột F «KCQG»)"
    assert notebook.rejects(tmp_path, "en").loc[0, "reason"] == "malformed number (column F 'KCQG')"
    assert list(rej.columns) == ["source_file", "source_sheet", "source_row", "column", "value", "reason"]
    text = notebook.sources_markdown(
        ["Báo *A* (TTKC); https://x.vn/a_b.html", "https://x.vn/a_b.html", "", None], "vi"
    )
    lines = text.strip().splitlines()
    assert lines[0] == "**Nguồn số liệu đã công bố**"
    assert lines[2] == "1. Báo \\*A\\* (TTKC)" and lines[3] == "2. <https://x.vn/a_b.html>"
    assert len(lines) == 4  # repeated and empty sources dropped


def test_is_illustrative() -> None:
    assert notebook.is_illustrative(pd.DataFrame({"source_file": ["samples/binh_duong/a.xlsx"]}))
    assert notebook.is_illustrative(pd.DataFrame({"source_file": ["x.csv", "samples\\bd\\b.xls"]}))
    assert not notebook.is_illustrative(pd.DataFrame({"source_file": ["binh_duong/samples_2016.xlsx"]}))
    assert not notebook.is_illustrative(pd.DataFrame())


def test_load_ingests_once_then_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw" / "quang_ninh"
    raw.mkdir(parents=True)
    (raw / "ket_qua_khuyen_cong_2017.csv").write_text(
        "KẾT QUẢ THỰC HIỆN KHUYẾN CÔNG NĂM 2017 TỈNH QUẢNG NINH\nĐVT: triệu đồng\n"
        "STT,Tên đề án,Địa điểm,KCĐP\n1,Hỗ trợ máy sấy,Đông Triều,120\n2,Hỗ trợ máy ép,Uông Bí,80\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    processed = tmp_path / "processed"
    loaded = notebook.load(processed, "Quảng Ninh", [2017])
    assert (processed / notebook.TABLE_FILE).is_file()
    assert loaded.table["amount_vnd"].sum() == 200_000_000 and set(loaded.table["year"]) == {2017}
    assert loaded.illustrative is False and "metric" in loaded.published.columns
    table, _, _ = notebook.load(str(processed), "Bình Dương", None)  # str path, as papermill passes it
    assert table.empty
    monkeypatch.setattr(config, "PROCESSED_DIR", processed)
    assert len(notebook.load(None, None, [2016]).table) == 0
    assert len(notebook.load().table) == 2


def _quang_ninh_2023(raw: Path) -> None:
    folder = raw / "quang_ninh"
    folder.mkdir(parents=True)
    (folder / "ket_qua_khuyen_cong_2023.csv").write_text(
        "KẾT QUẢ THỰC HIỆN KHUYẾN CÔNG NĂM 2023 TỈNH QUẢNG NINH\nĐVT: triệu đồng\n"
        "STT,Tên đề án,Địa điểm,KCQG,KCĐP\n1,Hỗ trợ máy sấy,Đông Triều,300,120\n2,Hỗ trợ máy ép,Uông Bí,,80\n",
        encoding="utf-8",
    )
    (folder / "ke_hoach_khuyen_cong_2024.csv").write_text(
        "KẾ HOẠCH KHUYẾN CÔNG NĂM 2024 TỈNH QUẢNG NINH\nĐVT: triệu đồng\n"
        "STT,Tên đề án,Địa điểm,KCĐP\n1,Hỗ trợ máy cắt,Hạ Long,150\n",
        encoding="utf-8",
    )


def test_scope_fills_open_parameters_from_the_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another province and other years than the bundled samples: the notebooks must not come out empty."""
    _quang_ninh_2023(tmp_path / "raw")
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    processed = tmp_path / "processed"
    assert notebook.scope(processed) == ("Quảng Ninh", [2023, 2024], 2023)  # base: the latest actual year
    assert notebook.scope(processed, None, [2024]) == ("Quảng Ninh", [2024], 2024)  # no actual: latest year
    assert notebook.scope(processed, "Bình Dương", [2016], 2017) == ("Bình Dương", [2016], 2017)  # kept
    assert notebook.scope(processed, "Bình Dương") == ("Bình Dương", None, None)  # nothing of it in the data
    last = metrics.cpi_years()[1]
    table = pd.read_parquet(processed / notebook.TABLE_FILE)
    table.assign(year=last + 1).to_parquet(processed / notebook.TABLE_FILE)  # a year the CPI does not cover yet
    assert notebook.scope(processed) == ("Quảng Ninh", [last + 1], last)
    table.to_parquet(processed / notebook.TABLE_FILE)
    table = pd.read_parquet(processed / notebook.TABLE_FILE)
    pd.concat([table, table.assign(province="Hà Giang")]).to_parquet(processed / notebook.TABLE_FILE)
    with pytest.raises(notebook.ScopeError, match=r"2 tỉnh \(Hà Giang, Quảng Ninh\): đặt province"):
        notebook.scope(processed)
    assert notebook.scope(processed, "Quang Ninh").province == "Quang Ninh"  # given: kept as written
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shown = io.StringIO()
    try:
        with contextlib.redirect_stdout(shown), contextlib.redirect_stderr(shown):
            result = shell.run_cell(f"from analysis import notebook\nnotebook.scope({str(processed)!r})")
    finally:
        InteractiveShell.clear_instance()  # other tests expect no shell in this process
    assert isinstance(result.error_in_exec, notebook.ScopeError)
    assert shown.getvalue() == f"⚠ {result.error_in_exec}\n"  # what the analyst sees: no Python traceback


@pytest.mark.slow
def test_notebook_with_default_parameters_shows_another_provinces_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.ingest import ingest

    _quang_ninh_2023(tmp_path / "raw")
    processed = tmp_path / "processed"
    ingest([tmp_path / "raw"], out_dir=processed, progress=False)
    (tmp_path / "reports").mkdir()
    nb, _ = _execute("03_nguon_kinh_phi", processed, tmp_path / "reports", monkeypatch)
    text = _texts(nb)
    # with the old fixed parameters (Bình Dương, 2015–2018) these tables were empty
    actual = text.split("<table", 2)[1]  # sources by year, actual
    assert ">2023<" in actual and ">300<" in actual and ">200<" in actual and ">500<" in actual, actual[:2000]
    for cell in _code_cells(nb):
        assert not any(o.output_type == "error" for o in cell.outputs)


@pytest.mark.slow
def test_programme_notebook_says_when_a_stage_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Results only: no empty 'kế hoạch năm –' chart, a sentence instead."""
    from analysis.ingest import ingest

    _quang_ninh_2023(tmp_path / "raw")
    (tmp_path / "raw" / "quang_ninh" / "ke_hoach_khuyen_cong_2024.csv").unlink()
    processed = tmp_path / "processed"
    ingest([tmp_path / "raw"], out_dir=processed, progress=False)
    (tmp_path / "reports").mkdir()
    nb, _ = _execute("04_phan_bo_chuong_trinh", processed, tmp_path / "reports", monkeypatch)
    assert "Chưa có số liệu kế hoạch nào trong dữ liệu." in _texts(nb)
    saved = sorted(p.name for p in (tmp_path / "reports" / "figures" / "04_phan_bo_chuong_trinh").glob("*.png"))
    assert "chuong_trinh_actual_2023.png" in saved and not [n for n in saved if "None" in n or "plan_" in n]


def test_published_figures_missing_is_an_empty_table(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(config, "PUBLISHED_FIGURES", tmp_path / "none.csv")
    empty = notebook.published_figures()
    assert empty.empty and "amount_vnd" in empty.columns


# ---------------------------------------------------------------------------------------------- files


def _code_cells(nb: Any) -> list[Any]:
    return [c for c in nb.cells if c.cell_type == "code"]


def _code_lines(nb: Any) -> int:
    return sum(1 for c in _code_cells(nb) for line in c.source.splitlines() if line.strip())


def test_the_eight_notebooks_are_there() -> None:
    assert NAMES == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_committed_notebook_is_clean_and_thin(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    # the project's kernel (make kernel / make lab registers it): any JupyterLab runs the venv that has the package
    assert nb.metadata.get("kernelspec", {}).get("name") == "khuyencong"
    for cell in _code_cells(nb):
        assert cell.outputs == [] and cell.execution_count is None, "commit notebooks without outputs"
        assert "execution" not in cell.metadata
    first_md = next(c for c in nb.cells if c.cell_type == "markdown")
    assert first_md.source.startswith("# "), "a Vietnamese title as the first heading"
    for cell in (c for c in nb.cells if c.cell_type == "markdown"):  # the English edition's narrative
        english = (cell.metadata.get("khuyencong") or {}).get("en", "")
        assert english.strip(), f"markdown cell {cell.get('id')} of {path.name} has no English text"
        assert english.startswith("#") == cell.source.startswith("#"), cell.get("id")
    params = _code_cells(nb)[0]
    assert "parameters" in params.metadata.get("tags", [])
    values = {}
    for stmt in ast.parse(params.source).body:
        assert isinstance(stmt, ast.Assign) and len(stmt.targets) == 1, "parameters are plain assignments"
        values[stmt.targets[0].id] = ast.literal_eval(stmt.value)  # type: ignore[attr-defined]
    assert {k: values[k] for k in DEFAULTS} == DEFAULTS
    assert _code_lines(nb) <= MAX_CODE_LINES
    code = "\n".join(c.source for c in _code_cells(nb)[1:])
    assert f'NOTEBOOK = "{path.stem}"' in code or "save_for_slides" not in code
    tree = ast.parse(code)
    layout = {id(k.value) for k in ast.walk(tree) if isinstance(k, ast.keyword) and k.arg == "heading_level"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and id(node) not in layout:
            assert isinstance(node.value, bool), f"hard-coded number {node.value!r} in {path.name}"
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "").startswith("chart_"):
            kw = {k.arg: k.value for k in node.keywords}
            assert isinstance(kw.get("lang"), ast.Name) and kw["lang"].id == "lang", ast.unparse(node)
            assert "illustrative" in kw, ast.unparse(node)
    assert "save_for_slides" in code and "charts.use_style()" in code


# ---------------------------------------------------------------------------------------------- execution


@pytest.fixture(scope="session")
def processed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data ingested once into a temporary processed folder (data/processed is left alone)."""
    from analysis.ingest import ingest

    folder = tmp_path_factory.mktemp("processed")
    result = ingest([config.RAW_DIR], out_dir=folder, progress=False)
    assert result.ok and len(result.table)
    return folder


def _execute(
    name: str, processed: Path, reports: Path, monkeypatch: pytest.MonkeyPatch, **parameters: Any
) -> tuple[Any, float]:
    import papermill as pm

    from analysis.report import kernel_name

    monkeypatch.setenv("KHUYENCONG_REPORTS_DIR", str(reports))
    monkeypatch.setenv("KHUYENCONG_PROCESSED_DIR", str(processed))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    out = reports / f"{name}.ipynb"
    started = time.perf_counter()
    pm.execute_notebook(
        str(ROOT / "notebooks" / f"{name}.ipynb"),
        str(out),
        parameters={"data_dir": str(processed), **parameters},
        kernel_name=kernel_name(),
        progress_bar=False,
        log_output=False,
        execution_timeout=MAX_SECONDS,
        cwd=str(ROOT / "notebooks"),
    )
    return nbformat.read(out, as_version=4), time.perf_counter() - started


def _texts(nb: Any) -> str:
    parts = []
    for cell in _code_cells(nb):
        for output in cell.outputs:
            if output.output_type == "stream":
                parts.append(output.text)
            for mime in ("text/markdown", "text/plain", "text/html"):
                value = output.get("data", {}).get(mime)
                if value:
                    parts.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(parts)


@pytest.mark.slow
@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_runs_on_the_bundled_data(
    name: str, processed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb, seconds = _execute(name, processed_dir, tmp_path, monkeypatch)
    assert seconds < MAX_SECONDS
    for cell in _code_cells(nb):
        for output in cell.outputs:
            assert output.output_type != "error", output.get("evalue")
            assert not (output.output_type == "stream" and output.name == "stderr"), output.text
    pngs = sorted((tmp_path / "figures" / name).glob("*.png"))
    assert pngs, f"{name} wrote no slide figure"
    for png in pngs:
        with Image.open(png) as im:
            assert im.size == (1920, 1080), png.name
        assert png.with_suffix(".svg").is_file()
    shown = sum(
        1 for c in _code_cells(nb) for o in c.outputs if "image/png" in o.get("data", {})
    )  # every saved chart is also shown on the page
    assert shown == len(pngs)
    text = _texts(nb)
    if name == "00_tom_tat":
        for token in ("3.918", "1.850", "2.068", "55.306", "300", "17", "20"):
            assert token in text, token
        for sentence in (
            "Tổng kinh phí khuyến công thực hiện năm 2016 là 3.918 triệu đồng (25 đề án).",
            "khuyến công quốc gia hỗ trợ 1.850 triệu đồng (3 đề án)",
            "khuyến công địa phương hỗ trợ 2.068 triệu đồng (22 đề án)",
            "Tổng vốn đối ứng của cơ sở công nghiệp nông thôn là 55.306 triệu đồng",
            "cao hơn năm 2015 là 300 triệu đồng",
            "Kế hoạch năm 2017: tổng kinh phí 4.438 triệu đồng",
            "Mô hình trình diễn, máy móc tiên tiến: 2.250 triệu đồng",
            "gồm 17 người, trong đó có 9 cộng tác viên cấp huyện và 8 cộng tác viên cấp xã",
            "nâng tổng số cộng tác viên khuyến công lên 20 người",
            "Tóm tắt hoạt động khuyến công năm 2017",  # the newest actual year too
        ):
            assert sentence in text, sentence
        assert "VND 3,918 million" not in text  # lang='vi': no English edition
    if name == "01_tong_quan_du_lieu":
        assert "13 trên 13 số liệu khớp" not in text  # the chart says it; the table shows every row
        assert ">không<" not in text.split("Khớp", 1)[-1].split("</table>", 1)[0]  # every figure matches


@pytest.mark.slow
def test_brief_notebook_in_english(
    processed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb, _ = _execute("00_tom_tat", processed_dir, tmp_path, monkeypatch, lang="en", brief_year=2016)
    text = _texts(nb)
    assert "VND 3,918 million (25 projects)" in text
    assert "3.918 triệu đồng" not in text  # the English page shows the English brief only
    assert "The target for 2017 is 20 collaborators." in text
