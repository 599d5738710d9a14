"""Fuzz the header detector and the sheet walker: any grid gives a result or the package's own error, fast."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.ingest.layout import find_layout
from analysis.ingest.readers import Sheet
from analysis.ingest.sheet import SheetContext, process_sheet

WORDS = ["STT", "Tên đề án", "Kinh phí", "KCQG", "KCĐP", "Đối ứng", "Tổng cộng", "Cộng", "I", "II", "A", "1",
         "1.1", "-", "ĐVT: triệu đồng", "Kế hoạch năm 2017", "Thực hiện", "Số đề án", "Ghi chú", "GIÁM ĐỐC",
         "262,5 triệu", "gần 3 tỷ", "1.234,5", "abc", "Trong đó:", "Khuyến công quốc gia", "(1)", "(2)"]
cells = st.one_of(
    st.none(),
    st.sampled_from(WORDS),
    st.text(max_size=30),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
grids = st.lists(st.lists(cells, max_size=8), max_size=25)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids)
def test_any_grid_is_walked_without_crash_and_every_row_accounted(rows: list[list[object]]) -> None:
    started = time.perf_counter()
    find_layout(rows)
    sheet = Sheet(name="S", rows=rows)
    ctx = SheetContext(source_file="fuzz.xlsx", province="Bình Dương", year=2017, stage="plan")
    result = process_sheet(sheet, ctx)
    report = result.report
    assert report["rows_read"] == report["records"] + sum(report["skipped"].values()) + report["rejected"]
    assert all(a >= 0 for a in result.records["amount_vnd"])
    assert time.perf_counter() - started < 2.0
