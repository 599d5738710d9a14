"""Writing a run's outputs: funding.parquet/.csv(/.xlsx), rejects.csv, ingest_report.json/.html, as one set.

Everything is written into a new generation folder and published by renaming one pointer file
(:mod:`analysis.outputs`), under the output folder's lock, so an interrupted or failed run leaves the
previous set intact (never a new table next to an old report).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .. import config
from .. import outputs as _out
from ..errors import OutputError, printable
from .report import report_json

if TYPE_CHECKING:
    import pandas as pd

    from .result import IngestResult


def write_error(out: Path, exc: OSError) -> OutputError:
    """A failed write of the new set (the set was discarded, the previous one is still published)."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return OutputError("out_disk_full_during", out)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError("out_not_writable", out)
    return OutputError("out_write_failed", out, detail=printable(str(exc.strerror or exc)))


def write_outputs(result: IngestResult, out: Path, xlsx: bool | None = None) -> None:
    """funding.parquet/.csv(/.xlsx), rejects.csv, ingest_report.json/.html as one set published whole.

    Everything is written into a new generation folder and published by renaming one pointer file, under
    the output folder's lock, so an interrupted or failed run leaves the previous set intact (never a new
    table next to an old report).
    """
    out = Path(out)
    _out.check_folder(out, _out.published_bytes(out))
    with _out.OutputLock(out, say=_out.stderr_say()):
        pointer = _out.read_pointer(out)
        _out.remove_leftovers(out, keep=pointer["generation"] if pointer else None)
        try:
            with Outputs(out, result.table, xlsx) as outputs:
                outputs.finish(result, str(result.report.get("run_key", "")),
                               lambda code, fields: result.notices.append((code, fields)))
        except OSError as exc:
            raise write_error(out, exc) from exc


class Outputs:
    """The output files of one run: written into a new generation, then published together.

    Creating it starts writing funding.parquet and funding.csv in two threads (pyarrow and the file system
    release the GIL), so the caller can go on (validation, the report) meanwhile; :meth:`finish` writes the
    rest, waits for the threads and publishes. Leaving the with-block always waits for the threads and
    removes the generation if it was not published, whatever happened.
    """

    def __init__(self, out: Path, table: pd.DataFrame, xlsx: bool | None) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from ..safe_export import write_csv

        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.table = table
        self.want_xlsx = xlsx if xlsx is not None else len(table) <= config.XLSX_MAX_ROWS
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ingest-write")
        self.generation = _out.Generation(out)
        self.stage = self.generation.dir
        try:
            self.writes = [
                self.pool.submit(table.to_parquet, self.stage / "funding.parquet", index=False),
                self.pool.submit(write_csv, table, self.stage / "funding.csv"),
            ]
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.generation.discard()

    def finish(self, result: IngestResult, run_key: str, say: _out.Say | None = None) -> None:
        from ..excel import write_funding_xlsx
        from ..safe_export import write_csv
        from .report_page import render_ingest_report

        stage = self.stage
        write_csv(result.rejects, stage / "rejects.csv")
        (stage / "ingest_report.json").write_text(report_json(result.report), encoding="utf-8")
        (stage / "ingest_report.html").write_text(render_ingest_report(result.report), encoding="utf-8")
        if self.want_xlsx:
            write_funding_xlsx(self.table, stage / "funding.xlsx")
        for write in self.writes:
            write.result()
        for produced in stage.iterdir():
            os.chmod(produced, 0o644)
        os.chmod(stage, 0o755)
        self.generation.publish(run_key, say)
