"""What ``ingest()`` returns: the tidy table, the rejects and the report, read lazily on a cache hit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import KhuyenCongError

if TYPE_CHECKING:
    import pandas as pd


class StaleResultError(KhuyenCongError):
    """The outputs a cached ``IngestResult`` points to were rewritten before its table was read."""


# What a cache hit remembers of each output file, to notice a later rewrite (os.replace gives a new inode).
def _file_signature(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class IngestResult:
    """What ``ingest`` returns: the tidy table, the rejects and the report (also written to ``out_dir``).

    On a re-run with unchanged inputs (``from_cache``) the table and the rejects are read from ``out_dir`` on
    first access, so a caller that only needs the report (the command line, a build that is up to date) never
    pays for pandas. If those files were rewritten in between (another ingest into the same folder), reading
    raises :class:`StaleResultError` rather than mixing a newer table with this report.
    """

    def __init__(
        self,
        table: pd.DataFrame | None,
        rejects: pd.DataFrame | None,
        report: dict[str, Any],
        out_dir: Path | None = None,
        from_cache: bool = False,
    ) -> None:
        self._table = table
        self._rejects = rejects
        self.report = report
        self.out_dir = out_dir
        self.from_cache = from_cache
        self._signatures: dict[str, tuple[int, int, int]] = {}
        self.files_dir: Path | None = None  # the published set's own folder (out_dir/.generations/<name>)
        # (message code, fields) for the run around the files: kept outputs, a stale lock, a locked file …
        self.notices: list[tuple[str, dict[str, Any]]] = []

    @classmethod
    def from_outputs(cls, out: Path, report: dict[str, Any], files_dir: Path | None = None) -> IngestResult:
        """A cache hit: the report now, the table and rejects from the published set when first used."""
        result = cls(None, None, report, out, from_cache=True)
        result.files_dir = files_dir or out
        result._signatures = {
            name: _file_signature(result.files_dir / name) for name in ("funding.parquet", "rejects.csv")
        }
        return result

    def notice_lines(self, lang: str = "vi") -> list[str]:
        """The notices in ``lang``, one sentence each."""
        from ..errors import render

        return [render(code, lang, **fields) for code, fields in self.notices]

    def _load(self, name: str) -> pd.DataFrame:
        import pandas as pd

        assert self.out_dir is not None
        path = (self.files_dir or self.out_dir) / name
        try:
            unchanged = _file_signature(path) == self._signatures[name]
        except OSError:
            unchanged = False
        if not unchanged:
            raise StaleResultError(
                f"{path} đã bị ghi lại sau lần nhập này; hãy chạy lại ingest() "
                "(the file was rewritten after this result was returned; run ingest() again)"
            )
        if name == "funding.parquet":
            table = pd.read_parquet(path)
            table["n_projects"] = table["n_projects"].astype("Int64")
            return table
        return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)

    @property
    def table(self) -> pd.DataFrame:
        if self._table is None:
            self._table = self._load("funding.parquet")
        return self._table

    @table.setter
    def table(self, value: pd.DataFrame) -> None:
        self._table = value

    @property
    def rejects(self) -> pd.DataFrame:
        if self._rejects is None:
            self._rejects = self._load("rejects.csv")
        return self._rejects

    @rejects.setter
    def rejects(self, value: pd.DataFrame) -> None:
        self._rejects = value

    def __repr__(self) -> str:
        loaded = "loaded" if self._table is not None else "not loaded yet"
        return (f"IngestResult(out_dir={self.out_dir!r}, from_cache={self.from_cache}, "
                f"records={self.report.get('totals', {}).get('records')}, table {loaded})")

    @property
    def ok(self) -> bool:
        return all(f["status"] == "ok" for f in self.report["files"]) and not self.report.get(
            "validation_failures"
        )

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def summary(self, lang: str = "vi") -> str:
        files = self.report["files"]
        n_err = sum(1 for f in files if f["status"] != "ok")
        totals = self.report["totals"]
        unused = totals.get("files_not_used", 0)

        def n(value: int) -> str:  # 248.593 in Vietnamese, 248,593 in English
            return f"{value:,}" if lang == "en" else f"{value:,}".replace(",", ".")

        no_stage = totals.get("stage_unspecified", 0)
        if lang == "en":
            return (
                f"{n(len(files))} file(s), {n(n_err)} unreadable{f', {n(unused)} not used' if unused else ''}; "
                f"{n(totals['records'])} amount records"
                f"{f' ({n(no_stage)} neither plan nor actual)' if no_stage else ''}, "
                f"{n(totals['rejected'])} rows rejected, "
                f"{n(totals['reconcile_failed'])} totals that do not reconcile"
            )
        return (
            f"{n(len(files))} tệp, {n(n_err)} tệp không đọc được{f', {n(unused)} tệp không dùng' if unused else ''}; "
            f"{n(totals['records'])} dòng số liệu"
            f"{f' ({n(no_stage)} dòng không rõ kế hoạch/thực hiện)' if no_stage else ''}, "
            f"{n(totals['rejected'])} dòng bị loại, "
            f"{n(totals['reconcile_failed'])} tổng cộng không khớp"
        )
