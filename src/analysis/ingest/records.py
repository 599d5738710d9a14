"""One file's records as Arrow: built in the workers, sent and cached as IPC bytes, combined into one table.

Why Arrow and not DataFrames: a worker never imports pandas, the main process maps the bytes back without
copying (0.01 s for 248 000 records instead of 0.4 s unpickling DataFrames), and the conversion to the tidy
table's pandas dtypes happens once, in :func:`combine`.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def arrow() -> Any:
    """pyarrow, imported when first needed (``import analysis.ingest`` stays light)."""
    import pyarrow as pa

    return pa


@cache
def records_schema() -> Any:
    """Arrow types of the tidy-table columns as the sheet walker produces them (schema.py casts the rest)."""
    pa = arrow()
    from ..columns import COLUMNS

    ints = {"year", "amount_vnd", "n_projects", "source_row"}
    return pa.schema([(name, pa.int64() if name in ints else pa.string()) for name in COLUMNS])


def records_table(records: dict[str, list[Any]]) -> Any:
    """A sheet's record lists → one Arrow table (C-speed conversion; cheaper than building a DataFrame)."""
    return arrow().table(records, schema=records_schema())


def no_records() -> Any:
    """An empty Arrow table with the tidy-table columns (a refused or empty file)."""
    return records_schema().empty_table()


class ArrowRecords:
    """One file's records as Arrow IPC stream bytes (how a FileResult is pickled)."""

    __slots__ = ("data", "rows")

    def __init__(self, data: bytes, rows: int) -> None:
        self.data = data
        self.rows = rows

    def __len__(self) -> int:
        return self.rows

    @classmethod
    def from_records(cls, records: Any) -> ArrowRecords:
        """From an Arrow table (what process_file builds) or a DataFrame."""
        pa = arrow()
        table = records if isinstance(records, pa.Table) else pa.Table.from_pandas(records, preserve_index=False)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:  # uncompressed: read back zero-copy
            writer.write_table(table)
        return cls(sink.getvalue().to_pybytes(), table.num_rows)

    def to_table(self) -> Any:
        return arrow().ipc.open_stream(self.data).read_all()


def _arrow_to_frame(table: Any) -> pd.DataFrame:
    """Arrow → pandas in the contract's dtypes: gaps in text filled with '', counts as nullable Int64."""
    import pandas as pd
    import pyarrow.compute as pc

    pa = arrow()
    for i, f in enumerate(table.schema):
        if pa.types.is_string(f.type) and table.column(i).null_count:
            table = table.set_column(i, f.name, pc.fill_null(table.column(i), ""))
    frame = table.to_pandas()
    for name in ("year", "n_projects"):  # nullable: a year the sheet does not state stays <NA>
        if name in frame and pa.types.is_integer(table.schema.field(name).type):
            frame[name] = table.column(name).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    return frame


def combine(parts: list[Any]) -> pd.DataFrame:
    """One table from every file's records, in file order (Arrow tables, pickled Arrow, or DataFrames)."""
    import pandas as pd

    from ..schema import empty_table, enforce_types

    pa = arrow()
    tables = [
        p.to_table() if isinstance(p, ArrowRecords)
        else pa.Table.from_pandas(p, preserve_index=False) if isinstance(p, pd.DataFrame)
        else p
        for p in parts
        if len(p)
    ]
    if not tables:
        return empty_table()
    try:
        frame = _arrow_to_frame(pa.concat_tables(tables, promote_options="permissive"))
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # incompatible column types: convert one by one
        frame = pd.concat([_arrow_to_frame(t) for t in tables], ignore_index=True)
    return enforce_types(frame)
