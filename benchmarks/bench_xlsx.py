"""Side-by-side timing of funding.xlsx writers: what ingest uses against what a user would write.

Why: for a province's table of a few thousand to 50 000 records, writing funding.xlsx is the largest part of
an ingest run, so the writer is chosen by measurement. Run: ``.venv/bin/python benchmarks/bench_xlsx.py``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from analysis.columns import COLUMNS
from analysis.safe_export import write_xlsx


def tidy_table(rows: int, seed: int = 1) -> pd.DataFrame:
    """A tidy table shaped like ingest's output (Vietnamese text, amounts in đồng, some empty cells)."""
    rng = random.Random(seed)
    words = ["Hỗ trợ", "xây dựng", "mô hình", "trình diễn", "máy sấy", "nông sản", "gốm", "đào tạo", "nghề",
             "thêu", "ứng dụng", "máy móc", "tiên tiến", "sản xuất", "chế biến"]
    data: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    for i in range(rows):
        row = {
            "year": rng.randint(2016, 2025), "province": "Bình Dương", "stage": rng.choice(["plan", "actual"]),
            "record_type": "project", "program": rng.choice(["demonstration", "machinery", "products", ""]),
            "program_label": "", "funding_source": rng.choice(["national", "local", "counterpart"]),
            "amount_vnd": rng.randint(1, 3000) * 1_000_000, "n_projects": 1,
            "title": " ".join(rng.choice(words) for _ in range(rng.randint(4, 12))).capitalize(),
            "beneficiary": f"Công ty TNHH {rng.choice(words).title()} {i}", "district": rng.choice(["Thủ Dầu Một",
            "Dĩ An", ""]), "value_as_printed": str(rng.randint(1, 3000)), "unit_as_printed": "triệu đồng",
            "flags": "", "source_file": f"binh_duong/kh_{i % 10}.xlsx", "source_sheet": "Danh mục",
            "source_row": i + 5,
        }
        for c in COLUMNS:
            data[c].append(row[c])
    frame = pd.DataFrame(data)
    for c in ("year", "amount_vnd", "n_projects", "source_row"):
        frame[c] = frame[c].astype("int64")
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    frame = tidy_table(args.rows)
    writers = {
        "pandas DataFrame.to_excel(engine='openpyxl')  (naive)": lambda p: frame.to_excel(p, index=False,
                                                                                          engine="openpyxl"),
        "analysis.safe_export.write_xlsx (XlsxWriter)": lambda p: write_xlsx({"funding": frame}, p),
    }
    print(f"{args.rows:,} rows x {len(frame.columns)} columns, best of {args.repeat}")
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, write in writers.items():
            times = []
            for r in range(args.repeat):
                started = time.perf_counter()
                write(Path(tmp) / f"{r}.xlsx")
                times.append(time.perf_counter() - started)
            best[name] = min(times)
            print(f"  {name:58}{best[name]:7.2f} s   ({', '.join(f'{t:.2f}' for t in times)})")
    naive, ours = best.values()
    print(f"  ratio ours/naive = {ours / naive:.2f} (ours also neutralises formulas, formats numbers, sizes columns)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
