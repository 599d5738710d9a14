"""The pandera schema of the tidy table: the contract every notebook relies on (docs/tidy_table.md).

Validation lists every failure at once (lazy), so an analyst sees all problems in one run.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from .columns import (
    COLUMNS,
    FUNDING_SOURCES,
    INT_COLUMNS,
    KEY,
    NULLABLE_INT_COLUMNS,
    PHASES,
    RECORD_TYPES,
    STAGES,
    STRING_COLUMNS,
)
from .ingest.classify import program_codes

__all__ = [
    "COLUMNS",
    "FUNDING_SCHEMA",
    "FUNDING_SOURCES",
    "INT_COLUMNS",
    "KEY",
    "NULLABLE_INT_COLUMNS",
    "RECORD_TYPES",
    "STAGES",
    "STRING_COLUMNS",
    "empty_table",
    "enforce_types",
    "validate",
]


def _schema() -> pa.DataFrameSchema:
    text = {name: pa.Column(str, nullable=False) for name in STRING_COLUMNS}
    text.update(
        stage=pa.Column(str, pa.Check.isin(STAGES)),
        phase=pa.Column(str, pa.Check.isin(("", *PHASES))),
        record_type=pa.Column(str, pa.Check.isin(RECORD_TYPES)),
        program=pa.Column(str, pa.Check.isin(("", *program_codes()))),
        funding_source=pa.Column(str, pa.Check.isin(FUNDING_SOURCES)),
    )
    return pa.DataFrameSchema(
        {
            "year": pa.Column("Int64", pa.Check.in_range(1990, 2100), nullable=True),
            "amount_vnd": pa.Column("int64", pa.Check.ge(0)),
            "n_projects": pa.Column("Int64", pa.Check.ge(0), nullable=True),
            "source_row": pa.Column("int64", pa.Check.ge(1)),
            **text,
        },
        unique=KEY,
        strict=True,
        ordered=False,
        report_duplicates="all",
    )


FUNDING_SCHEMA = _schema()


def empty_table() -> pd.DataFrame:
    """An empty tidy table with the right dtypes."""
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in COLUMNS})
    return enforce_types(frame)


def enforce_types(frame: pd.DataFrame) -> pd.DataFrame:
    """Cast to the contract's dtypes (int64 amounts, nullable Int64 counts, str text), column order fixed."""
    out = frame.reindex(columns=COLUMNS)
    for name in INT_COLUMNS:
        if out[name].dtype != "int64":
            out[name] = pd.to_numeric(out[name]).astype("int64")
    for name in NULLABLE_INT_COLUMNS:
        if out[name].dtype != "Int64":
            out[name] = pd.array(out[name].tolist(), dtype="Int64") if len(out) else out[name].astype("Int64")
    for name in STRING_COLUMNS:
        column = out[name]
        if column.dtype != "str" or column.hasnans:  # already text without gaps (the usual case): no copy
            out[name] = column.fillna("").astype(str)
    return out


def validate(frame: pd.DataFrame) -> list[str]:
    """Every schema failure as one readable line ([] when the table is valid)."""
    try:
        FUNDING_SCHEMA.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        lines = []
        for _, case in cases.head(200).iterrows():
            where = f"row {case['index']}" if pd.notna(case.get("index")) else "table"
            lines.append(f"{where} | column {case.get('column')} | check {case.get('check')} | value {case.get('failure_case')}")
        if len(cases) > 200:
            lines.append(f"… and {len(cases) - 200} more")
        return lines
    return []
