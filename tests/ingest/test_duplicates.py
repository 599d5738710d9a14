"""The same project line in two files is flagged on both, never dropped; the pre-filter changes nothing."""

from __future__ import annotations

import pandas as pd

from analysis.ingest.duplicates import DUPLICATE_FLAG, flag_duplicates
from analysis.text import fold


def _old_flag_duplicates(table: pd.DataFrame) -> pd.DataFrame:
    """The implementation before the pre-filter (folds every title), kept here as the reference."""
    projects = table[(table["record_type"] == "project") & (table["title"] != "")]
    key = ["province", "year", "stage", "funding_source", "amount_vnd"]
    frame = projects[key].assign(_t=projects["title"].map(fold), _b=projects["beneficiary"].map(fold),
                                 _f=projects["source_file"])
    n_files = frame.groupby([*key, "_t", "_b"], dropna=False)["_f"].transform("nunique")
    dup_index = frame.index[n_files > 1]
    table.loc[dup_index, "flags"] = [
        ";".join(sorted({*filter(None, f.split(";")), "duplicate_in_other_file"})) for f in table.loc[dup_index, "flags"]
    ]
    return table


def test_duplicate_flags_identical_to_the_reference() -> None:
    from analysis.schema import COLUMNS, enforce_types

    def row(file: str, title: str, amount: int, **kw: object) -> dict:
        base = {c: "" for c in COLUMNS}
        base.update(year=2020, province="Lào Cai", stage="plan", record_type="project", funding_source="local",
                    amount_vnd=amount, n_projects=None, title=title, beneficiary="HTX A", source_file=file,
                    source_sheet="KH", source_row=5, flags="")
        base.update(kw)
        return base

    rows = [
        row("a.xlsx", "Hỗ trợ máy sấy", 100, source_row=1),
        row("b.xlsx", "HỖ TRỢ  máy sấy ", 100, source_row=1, flags="breakdown_missing"),  # same after folding
        row("c.xlsx", "Hỗ trợ máy sấy", 100, source_row=1, beneficiary="HTX B"),  # other beneficiary
        row("a.xlsx", "Hội chợ", 50, source_row=2),
        row("a.xlsx", "Hội chợ", 50, source_row=3),  # twice in one file: not a duplicate in another file
        row("b.xlsx", "Hội chợ", 51, source_row=2),  # other amount
        row("c.xlsx", "Hội chợ", 50, source_row=2, stage="actual"),  # other stage
        row("b.xlsx", "", 50, source_row=3),  # no title
        row("c.xlsx", "Tập huấn", 70, source_row=3, record_type="allocation"),
        row("d.xlsx", "Tập huấn", 70, source_row=3, record_type="allocation"),  # allocations are not projects
        row("d.xlsx", "Đào tạo nghề", 80, source_row=4),
        row("e.xlsx", "đào tạo nghề", 80, source_row=4, flags="zeta;alpha"),
    ]
    table = enforce_types(pd.DataFrame(rows))
    got = flag_duplicates(table.copy())
    want = _old_flag_duplicates(table.copy())
    pd.testing.assert_frame_equal(got, want)
    flagged = set(got.index[got["flags"].str.contains("duplicate_in_other_file")])
    assert flagged == {0, 1, 10, 11}
    assert got.loc[11, "flags"] == "alpha;duplicate_in_other_file;zeta"


def test_an_empty_table_or_one_without_projects_is_returned_as_is() -> None:
    from analysis.schema import empty_table

    empty = empty_table()
    assert flag_duplicates(empty) is empty
    assert DUPLICATE_FLAG == "duplicate_in_other_file"
