"""The ingest report (``ingest_report.json``) as typed records: one per sheet, one per file, one per run.

Why typed: the report is a contract read by the HTML page, the notebooks and other tools; the dataclasses
name every field once, ``to_dict()`` gives exactly the JSON written, and ``ingest_report.schema.json`` (package
data beside this module, checked in the tests against real reports) states it for readers outside Python.
The sheet step hands its report over as a dict: :meth:`SheetReport.from_dict` takes it as it is, keeping the
order and presence of its keys, so the JSON stays byte-equal.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from .. import __version__
from ..messages import Message, as_message
from .files import NOT_USED

if TYPE_CHECKING:
    import pandas as pd

    from .process import FileResult

SCHEMA_PATH = Path(__file__).with_name("ingest_report.schema.json")


class ColumnReport(TypedDict):
    """A column the layout recognised: its letter, header text and meaning."""

    column: str
    label: str
    role: str
    funding_source: str
    stage: str
    year: int | None


class ReconciliationCheck(TypedDict):
    """A total or subtotal line checked against the lines it covers (``ok`` None: nothing to compare)."""

    row: int
    label: str
    column: str
    scope: str
    declared: int | None
    computed: int
    ok: bool | None


class Notice(TypedDict):
    """What the console says once per sheet and cause (rendered from ``vocab/notices.csv``)."""

    code: str
    file: str
    sheet: str
    params: dict[str, Any]


# The keys of a sheet report in the order the sheet step writes them ('tables' only for two tables side by
# side; a sheet left out by khuyencong.yaml has only the first seven).
_SHEET_ORDER = ("sheet", "hidden", "kind", "rows_read", "records", "skipped", "rejected", "year", "province",
                "stage", "unit", "unit_from", "header_rows", "columns", "reconciliation", "warnings", "warning_codes",
                "confirmed",
                "unspecified", "notices", "amount_records", "province_from", "year_from", "stage_from", "phase",
                "funding_source", "context_conflicts")


@dataclass
class SheetReport:
    """One sheet: what was read, recorded, skipped (by reason) and rejected; its layout, context and checks."""

    sheet: str
    rows_read: int
    records: int
    rejected: int
    skipped: dict[str, int]
    warnings: list[str]
    reconciliation: list[ReconciliationCheck]
    warning_codes: list[Message] = field(default_factory=list)  # ``warnings`` as codes, same order
    hidden: bool = False
    kind: str = "worksheet"
    year: int | None = None
    province: str = ""
    stage: str = ""
    unit: str = ""
    unit_from: str = ""
    header_rows: list[int] = field(default_factory=list)
    columns: list[ColumnReport] = field(default_factory=list)
    confirmed: bool = True
    unspecified: dict[str, int] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    amount_records: int = 0
    tables: int = 1
    province_from: str = ""
    year_from: str = ""
    stage_from: str = ""
    phase: str = ""
    funding_source: str = ""
    context_conflicts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # [{'from', 'value'}]
    key_order: tuple[str, ...] = _SHEET_ORDER  # the keys written, in order (as the sheet step gave them)
    extra: dict[str, Any] = field(default_factory=dict)  # keys not known here: kept (an error in the tests)

    @classmethod
    def from_dict(cls, data: dict[str, Any], strict: bool = False) -> SheetReport:
        """From the sheet step's dict; ``strict`` refuses a key this class does not know (the tests)."""
        known = _sheet_fields()
        extra = {k: v for k, v in data.items() if k not in known}
        if strict and extra:
            raise ValueError(f"sheet report keys not in SheetReport: {sorted(extra)}")
        return cls(**{k: v for k, v in data.items() if k in known}, key_order=tuple(data), extra=extra)

    def to_dict(self) -> dict[str, Any]:
        return {k: self.extra[k] if k in self.extra else getattr(self, k) for k in self.key_order}


@cache
def _sheet_fields() -> frozenset[str]:
    return frozenset(f.name for f in fields(SheetReport)) - {"key_order", "extra"}


@dataclass
class FileReport:
    """One input file: whether it was read (or why not, ``code`` and ``detail``), its hash and its sheets."""

    path: str
    status: str  # ok | error
    message: str
    code: str  # '' or a refusal code of vocab/messages.csv
    detail: str  # English, technical: why a file was refused (stable for tools, --debug)
    sha256: str
    seconds: float
    warnings: list[str]
    sheets: list[SheetReport]
    warning_codes: list[Message | str] = field(default_factory=list)  # ``warnings`` as codes, same order

    @classmethod
    def of(cls, result: FileResult) -> FileReport:
        return cls(result.path, result.status, result.message, result.code, result.detail, result.sha256,
                   round(result.seconds, 3), result.warnings, [SheetReport.from_dict(s) for s in result.sheets],
                   [as_message(w) for w in result.warnings])

    @classmethod
    def from_dict(cls, data: dict[str, Any], strict: bool = False) -> FileReport:
        values = _only_fields(cls, data, strict)
        values["sheets"] = [SheetReport.from_dict(s, strict) for s in values["sheets"]]
        return cls(**values)

    @property
    def not_used(self) -> bool:
        """Listed on purpose without being read (an illustrative sample, skipped by khuyencong.yaml)."""
        return bool(set(self.warnings) & NOT_USED)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "status": self.status, "message": self.message, "code": self.code,
                "detail": self.detail, "sha256": self.sha256, "seconds": self.seconds, "warnings": self.warnings,
                "warning_codes": self.warning_codes, "sheets": [s.to_dict() for s in self.sheets]}


@dataclass
class Totals:
    """The run in figures (what the console summary and the report page show first)."""

    files: int
    files_error: int
    files_not_used: int
    sheets: int
    rows_read: int
    rows_recorded: int
    records: int
    rejected: int
    reconciled: int
    reconcile_failed: int
    amount_vnd: int
    flagged: int
    duplicates: int
    stage_unspecified: int
    year_unspecified: int
    province_unspecified: int
    unconfirmed: int


@dataclass
class RunReport:
    """The whole run: totals, every file, the failed checks of the tidy table and the per-row messages."""

    version: str
    seconds: float
    from_cache: bool
    totals: Totals
    validation_failures: list[str]
    files: list[FileReport]
    messages: list[str]
    lines: list[Message] = field(default_factory=list)  # ``messages`` as codes, rendered in either language
    run_key: str | None = None  # the key a later run compares to answer from these outputs
    kept_previous: bool | None = None  # True: nothing could be read, the previous outputs stay published

    @classmethod
    def from_dict(cls, data: dict[str, Any], strict: bool = False) -> RunReport:
        values = _only_fields(cls, data, strict)
        values["totals"] = Totals(**values["totals"])
        values["files"] = [FileReport.from_dict(f, strict) for f in values["files"]]
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        out = {"version": self.version, "seconds": self.seconds, "from_cache": self.from_cache,
               "totals": asdict(self.totals), "validation_failures": self.validation_failures,
               "files": [f.to_dict() for f in self.files], "messages": self.messages, "lines": self.lines}
        if self.run_key is not None:
            out["run_key"] = self.run_key
        if self.kept_previous is not None:
            out["kept_previous"] = self.kept_previous
        return out


def _only_fields(cls: type, data: dict[str, Any], strict: bool) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    extra = sorted(set(data) - names)
    if strict and extra:
        raise ValueError(f"keys not in {cls.__name__}: {extra}")
    return {k: v for k, v in data.items() if k in names}


def _totals(files: list[FileReport], table: pd.DataFrame, rejects: pd.DataFrame) -> Totals:
    recon = [e for f in files for s in f.sheets for e in s.reconciliation]
    has = len(table) > 0
    return Totals(
        files=len(files),
        files_error=sum(1 for f in files if f.status != "ok"),
        files_not_used=sum(1 for f in files if f.not_used),
        sheets=sum(len(f.sheets) for f in files),
        rows_read=sum(s.rows_read for f in files for s in f.sheets),
        rows_recorded=sum(s.records for f in files for s in f.sheets),
        records=len(table),
        rejected=len(rejects),
        reconciled=sum(1 for e in recon if e.get("ok") is True),
        reconcile_failed=sum(1 for e in recon if e.get("ok") is False),
        amount_vnd=int(table["amount_vnd"].sum()) if has else 0,
        flagged=int((table["flags"] != "").sum()) if has else 0,
        duplicates=int(table["flags"].str.contains("duplicate_in_other_file").sum()) if has else 0,
        stage_unspecified=int((table["stage"] == "unspecified").sum()) if has else 0,
        year_unspecified=int(table["year"].isna().sum()) if has else 0,
        province_unspecified=int((table["province"] == "").sum()) if has else 0,
        unconfirmed=int(table["flags"].str.contains("unconfirmed").sum()) if has else 0,
    )


def build(results: list[FileResult], table: pd.DataFrame, rejects: pd.DataFrame, failures: list[str],
          seconds: float) -> RunReport:
    """The report of a run from its file results and its final table (after validation)."""
    files = [FileReport.of(r) for r in results]
    return RunReport(version=__version__, seconds=round(seconds, 3), from_cache=False,
                     totals=_totals(files, table, rejects), validation_failures=failures, files=files,
                     messages=[m for r in results for m in r.messages], lines=[m for r in results for m in r.lines])


# Above this size the report is written compactly by json's C encoder (indent forces the pure-Python one,
# 0.3 s for a national run); smaller reports stay indented for people who open them.
_JSON_INDENT_MAX_BYTES = 256 * 1024


def report_json(report: dict[str, Any]) -> str:
    """ingest_report.json's text: indented when small, compact when large (same content either way)."""
    text = json.dumps(report, ensure_ascii=False, default=str, separators=(",", ":"))
    if len(text) <= _JSON_INDENT_MAX_BYTES:
        text = json.dumps(report, ensure_ascii=False, indent=1, default=str)
    return text


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``ingest_report.json`` (draft 2020-12), shipped as package data."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded
