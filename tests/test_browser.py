"""A report page opened in headless Chromium with the network cut off: it renders, its chart loads, it fits a
phone screen and it fetches nothing.

Chromium runs with a dead proxy (127.0.0.1:9), so any http(s) fetch would fail; the page must still show its
chart because images are embedded as data: URIs. Without /usr/bin/chromium the test is skipped on a developer
machine and fails under CI (CI installs it with ``apt-get install -y chromium``).
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pandas as pd
import pytest

from analysis.report import LABELS, RawFile, _page_context, export_notebook_html, external_resources

pytestmark = pytest.mark.browser

CHECK_SCRIPT = """
<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var b = document.body;
  b.setAttribute('data-imgs', String(imgs.length));
  b.setAttribute('data-img-ok', imgs.length && imgs.every(function (i) { return i.complete && i.naturalWidth > 0; }) ? 'yes' : 'no');
  b.setAttribute('data-img-data', imgs.every(function (i) { return i.currentSrc.indexOf('data:') === 0; }) ? 'yes' : 'no');
  b.setAttribute('data-overflow', document.documentElement.scrollWidth > window.innerWidth + 1 ? 'yes' : 'no');
  var fetched = performance.getEntriesByType('resource').map(function (e) { return e.name; })
    .filter(function (n) { return n.indexOf('data:') !== 0; });
  b.setAttribute('data-fetched', fetched.join(' ') || 'none');
  b.setAttribute('data-font', getComputedStyle(b).fontFamily);
  var wide = Array.prototype.slice.call(document.querySelectorAll('table')).filter(function (t) {
    return t.offsetWidth > t.parentElement.clientWidth + 1;
  });
  b.setAttribute('data-wide-tables', String(wide.length));
});
</script>
"""


def _chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed (CI must run: apt-get install -y chromium)")
    pytest.skip("chromium not installed (apt-get install -y chromium)")


def _run(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


def _chart_png() -> str:
    fig, ax = plt.subplots(figsize=(6, 3.2), dpi=100)
    ax.bar(["2015", "2016", "2017", "2018"], [3.1, 3.9, 4.4, 5.0], color="#1f6fb2")
    ax.set_title("Kinh phí khuyến công Bình Dương (tỷ đồng)")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _notebook() -> nbformat.NotebookNode:
    v4 = nbformat.v4
    wide = pd.DataFrame(
        {f"Chỉ tiêu số {i} (triệu đồng)": [1_850_000 * i, 2_068_000 * i] for i in range(1, 11)},
        index=["Khuyến công quốc gia", "Khuyến công địa phương"],
    )
    chart = v4.new_code_cell("plot()")
    chart.outputs = [
        v4.new_output("display_data", data={"image/png": _chart_png(), "text/plain": "<Figure>"})
    ]
    table = v4.new_code_cell("wide")
    table.outputs = [
        v4.new_output(
            "execute_result", data={"text/html": wide.to_html(), "text/plain": "df"}, execution_count=2
        )
    ]
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell(
            "# Kinh phí khuyến công 2015–2018\n\nTóm tắt kinh phí theo năm, nguồn và nội dung."
        ),
        v4.new_markdown_cell("## Theo năm\n\nKinh phí tăng đều qua các năm."),
        chart,
        v4.new_markdown_cell("## Theo nguồn\n\nNguồn: [Sở Công Thương](https://sct.binhduong.gov.vn)."),
        table,
    ]
    return nb


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser")
    files = [RawFile(f"binh_duong/ke_hoach_{y}.xlsx", "ab" * 32, 48_213, 120) for y in range(2015, 2019)]
    context = _page_context(
        LABELS["vi"],
        "vi",
        "Bình Dương · 2015–2018",
        "25/11/2025 09:00",
        files,
        [("Tỉnh", "Bình Dương")],
        True,
    )
    dest = out / "html" / "01_tong_quan.html"
    dest.parent.mkdir()
    export_notebook_html(_notebook(), dest, context, out)
    return dest


def test_page_renders_offline_with_its_chart(page: Path, tmp_path: Path) -> None:
    chromium = _chromium()
    html = page.read_text(encoding="utf-8")
    assert external_resources(html) == []  # static check: nothing to fetch
    shot = tmp_path / "desktop.png"
    result = _run(chromium, tmp_path / "p1", f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    assert shot.is_file(), result.stderr[-2000:]
    pixels = mpimg.imread(shot)[..., :3]
    colours = np.unique((pixels.reshape(-1, 3) * 255).astype(np.uint8), axis=0)
    assert len(colours) > 50  # not blank: text, header band, chart
    assert pixels.std() > 0.05
    header_band = pixels[10:60, 200:1000]  # the navy header band is drawn
    assert header_band.mean() < 0.4


@pytest.mark.parametrize("width", [1280, 390])
def test_dom_images_load_and_page_fits(page: Path, tmp_path: Path, width: int) -> None:
    chromium = _chromium()
    probe = page.with_name(f"probe_{width}.html")  # the shipped page has no script; the probe adds one
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", CHECK_SCRIPT + "</body>"), encoding="utf-8"
    )
    result = _run(
        chromium,
        tmp_path / f"p{width}",
        "--dump-dom",
        "--run-all-compositor-stages-before-draw",
        "--virtual-time-budget=5000",
        f"--window-size={width},900",
        probe.as_uri(),
    )
    dom = result.stdout
    body = re.search(r"<body[^>]*>", dom)
    assert body is not None, result.stderr[-2000:]
    attrs = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', body.group(0)))
    assert attrs.get("imgs") == "1"
    assert attrs.get("img-ok") == "yes"  # decoded: naturalWidth > 0 with the network cut off
    assert attrs.get("img-data") == "yes"
    assert attrs.get("fetched") == "none"  # no resource was requested at all
    assert attrs.get("overflow") == "no"  # wide tables scroll inside their box; the page itself fits
    assert "Segoe UI" in attrs.get("font", "")
    assert re.search(r'<img[^>]+src="data:image/png;base64,', dom)


def _file_table_notebook() -> nbformat.NotebookNode:
    """Page 01's table of files as the ingest overview shows it: long paths without spaces, long warnings."""
    from analysis import charts, fmt

    v4 = nbformat.v4
    files = pd.DataFrame({
        "file": [f"samples/binh_duong/BD_KC_thuc_hien_{y}_ban_sua_cuoi_cung_da_duyet.xlsx" for y in range(2015, 2019)],
        "sheet": ["Danh mục đề án"] * 4,
        "status": ["ok"] * 4,
        "year": [2015, 2016, 2017, 2018],
        "stage": ["actual", "actual", "plan", "plan"],
        "rows_read": [40, 41, 42, 43], "records": [30, 31, 32, 33], "skipped": [9, 9, 9, 9],
        "rejected": [1, 1, 1, 1], "reconciled_ok": [3, 3, 3, 3], "reconciled_failed": [0, 0, 0, 1],
        "warnings": ["4 ô công thức chưa có giá trị tính sẵn (tệp lưu bằng phần mềm không tính công thức): mở và "
                     "lưu lại bằng Excel"] * 4,
    })
    styled = fmt.style_table(files, "vi", **charts.table_labels("vi"))
    cell = v4.new_code_cell("overview")
    cell.outputs = [v4.new_output("execute_result", data={"text/html": styled.to_html(), "text/plain": "df"},
                                  execution_count=1)]
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell("# Tổng quan dữ liệu\n\nCác tệp đã đọc."), cell]
    return nb


def test_file_table_fits_a_1366_px_screen(tmp_path: Path) -> None:
    """The defect: page 01's file table was wider than a 1366 px screen (it scrolled sideways)."""
    chromium = _chromium()
    context = _page_context(LABELS["vi"], "vi", "Bình Dương", "25/11/2025 09:00", [], [("Tỉnh", "Bình Dương")],
                            False)
    dest = tmp_path / "html" / "01_tong_quan_du_lieu.html"
    dest.parent.mkdir()
    export_notebook_html(_file_table_notebook(), dest, context, tmp_path)
    probe = dest.with_name("probe.html")
    probe.write_text(dest.read_text(encoding="utf-8").replace("</body>", CHECK_SCRIPT + "</body>"), encoding="utf-8")
    result = _run(chromium, tmp_path / "p", "--dump-dom", "--virtual-time-budget=3000", "--window-size=1366,900",
                  probe.as_uri())
    body = re.search(r"<body[^>]*>", result.stdout)
    assert body is not None, result.stderr[-2000:]
    attrs = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', body.group(0)))
    assert attrs.get("overflow") == "no"
    assert attrs.get("wide-tables") == "0"
