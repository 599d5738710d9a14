"""One file's records travel as Arrow IPC (worker → main process, cache) and combine into the tidy table."""

from __future__ import annotations

import pickle
from pathlib import Path

import ingest_fixtures as fx
import pandas as pd

from analysis.ingest import IngestOptions, process_file
from analysis.ingest.records import ArrowRecords, combine, no_records, records_schema


def test_file_result_pickles_its_records_as_arrow(raw: Path) -> None:
    fx.two_row_header(raw)
    path = next(raw.rglob("*.xlsx"))
    result = process_file(path, path.name, IngestOptions())
    back = pickle.loads(pickle.dumps(result))
    assert isinstance(back.records, ArrowRecords) and len(back.records) == result.records.num_rows
    pd.testing.assert_frame_equal(combine([back.records]), combine([result.records]))


def test_no_records_combine_into_an_empty_tidy_table() -> None:
    from analysis.schema import empty_table

    assert len(no_records()) == 0 and no_records().schema == records_schema()
    pd.testing.assert_frame_equal(combine([no_records(), ArrowRecords.from_records(no_records())]), empty_table())
