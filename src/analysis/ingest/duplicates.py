"""The same project line in two files: flagged on both, never dropped (the analyst decides which to keep)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..text import fold

if TYPE_CHECKING:
    import pandas as pd

DUPLICATE_FLAG = "duplicate_in_other_file"


def flag_duplicates(table: pd.DataFrame) -> pd.DataFrame:
    """Flag project lines whose province, year, stage, source, amount, title and beneficiary (folded) are
    found in two or more files; the table is changed in place and returned."""
    if table.empty:
        return table
    projects = table[(table["record_type"] == "project") & (table["title"] != "")]
    if projects.empty:
        return table
    key = ["province", "year", "stage", "funding_source", "amount_vnd"]
    # Only a key (province, year, stage, source, amount) found in two or more files can hold a duplicate:
    # fold the titles of those rows only (folding every title was most of the cost at national scale).
    in_files = projects.groupby(key, sort=False, dropna=False)["source_file"].transform("nunique")
    projects = projects[(in_files > 1).to_numpy()]
    if projects.empty:
        return table
    norm_title = projects["title"].map(fold)
    norm_benef = projects["beneficiary"].map(fold)
    frame = projects[key].assign(_t=norm_title, _b=norm_benef, _f=projects["source_file"])
    n_files = frame.groupby([*key, "_t", "_b"], dropna=False)["_f"].transform("nunique")
    dup_index = frame.index[n_files > 1]
    if len(dup_index):
        flags = table.loc[dup_index, "flags"]
        table.loc[dup_index, "flags"] = [
            ";".join(sorted({*filter(None, f.split(";")), DUPLICATE_FLAG})) for f in flags
        ]
    return table
