"""What the sheet steps share: the sheet's context, one data line (``Row``), its depth (``Level``), the table
being read (``Table``: every row ends in exactly one bucket) and the result.

Why a module of its own: the steps (cells → columns → rows → amounts → tree → reconcile → records) pass these
objects along instead of sharing closures, so each step can be read, tested and replaced on its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ...columns import COLUMNS
from ...messages import Message, english, message
from ...text import is_blank
from ..layout import Column
from ..notices import notice
from ..numbers import ParsedAmount, Unit
from ..readers import Sheet
from .cells import as_text

RECORD_COLUMNS = list(COLUMNS)  # the tidy table contract (schema.py) — one list, one place

SKIP_REASONS = (
    "title",
    "unit",
    "header",
    "blank",
    "group",
    "subtotal",
    "total",
    "note",
    "no_amount",
    "hidden_sheet",
    "no_table",
    "chart_sheet",
    "not_money",
)

SUPPORT_SOURCES = ("national", "local", "unspecified", "other")


class Level(float, Enum):
    """Depth of a line in the table's tree: smaller is higher. Dotted numbering ('1.2.3') sits between ARABIC and
    SUBLETTER as ``Level.dotted(n)``; the values are floats so a line's level compares with any of them."""

    UNNUMBERED = -1.0  # no numbering: decided by the tree step (GROUP or LINE)
    LETTER = 0.0  # 'A.', 'B.'
    ROMAN = 1.0  # 'I.', 'II.'
    GROUP = 1.5  # an unnumbered programme, source, year or district line over numbered lines
    ARABIC = 2.0  # '1', '2.'
    SUBLETTER = 4.5  # 'a)', '-', '+'
    NEW = 5.0  # a line not yet placed
    LINE = 9.0  # an unnumbered line that is not a group: a line of its own (or a remark under one)

    @staticmethod
    def dotted(dots: int) -> float:
        """'1.2' is one level under '1', '1.2.3' two."""
        return Level.ARABIC + dots


@dataclass
class SheetContext:
    """What is known about a sheet before reading its rows (from CLI, overrides, titles and names)."""

    source_file: str
    province: str = ""
    year: int | None = None
    stage: str = ""
    phase: str = ""
    funding_source: str = ""
    unit: Unit | None = None
    province_from: str = ""
    year_from: str = ""
    stage_from: str = ""
    # overrides (khuyencong.yaml)
    header_rows: list[int] | None = None  # 1-based
    column_map: dict[str, str] = field(default_factory=dict)
    include_hidden: bool = False
    forced: dict[str, Any] = field(default_factory=dict)


@dataclass
class SheetResult:
    records: dict[str, list[Any]]
    rejects: list[dict[str, Any]]
    report: dict[str, Any]
    messages: list[str]  # one line each, for stderr (English, stable for tools)
    outcome: list[str] = field(default_factory=list)  # per row: 'record', 'reject' or the skip reason
    lines: list[Message] = field(default_factory=list)  # the same lines as codes, rendered in either language


class Row:
    """One data line under the header (slots: 180 000 of these at national scale)."""

    __slots__ = (
        "amounts",
        "bad_cell",
        "children",
        "counts",
        "ctx",
        "error",
        "index",
        "kind",
        "label",
        "level",
        "parent",
        "part_of",
        "raw",
        "stt",
        "unit",
    )

    def __init__(self, index: int, kind: str, stt: str = "", label: str = "") -> None:
        self.index = index  # 0-based
        self.kind = kind  # data, total, breakdown, unlabelled, count
        self.stt = stt
        self.label = label
        self.level: float = Level.NEW
        self.amounts: dict[int, ParsedAmount] = {}
        self.raw: dict[int, object] = {}  # column index → the amount cell as read
        self.counts: dict[int, int | None] = {}
        self.error: Message | None = None  # the first problem of the line (a reject reason)
        self.bad_cell: tuple[int, object] | None = None  # (column index, value) of the cell ``error`` is about
        self.unit: Unit | None = None  # the line's own 'Đơn vị tính'
        self.parent = -1  # position in the data list
        self.part_of = -1  # a '- Trong đó: KCQG' line under its project: that project's position
        self.children = 0
        self.ctx: dict[str, Any] = {}

    def fail(self, reason: Message, column: int, value: object) -> None:
        """Keep the first problem of the line, and the cell it is about (named in the reject)."""
        if not self.error:
            self.error = reason
            self.bad_cell = (column, value)


@dataclass
class ColumnPlan:
    """The columns a table is read through, decided once by the columns step."""

    amount: list[Column]
    count: list[Column]
    unit: Unit | None  # the sheet's unit (None: per line or per cell)
    assumed: bool  # the unit was guessed from the size of the numbers (records flagged 'unit_assumed')
    roles: dict[str, Column | None]  # stt, title, program, beneficiary, place, source, stage, year, province, unit
    text_idx: list[int]  # columns whose text can label a line

    def index(self, role: str) -> int:
        c = self.roles.get(role)
        return c.index if c is not None else -1


class Table:
    """One table being read: the sheet, its context and the buckets every row ends in (record, skipped with a
    reason, or rejected with a reason), plus the report the steps fill in."""

    def __init__(self, sheet: Sheet, ctx: SheetContext) -> None:
        self.sheet = sheet
        self.ctx = ctx
        self.rows = sheet.rows
        self.outcome: list[str] = [""] * len(sheet.rows)
        self.rejects: list[dict[str, Any]] = []
        self.messages: list[str] = []
        self.lines: list[Message] = []  # ``messages`` as codes
        self.warnings: list[str] = []
        self.warning_codes: list[Message] = []  # ``warnings`` as codes, in the same order
        self.notices: list[dict[str, Any]] = []  # one per cause, for the console (see notices.py)
        self.out_rows: list[tuple[Any, ...]] = []  # records in RECORD_COLUMNS order
        self.report: dict[str, Any] = {
            "sheet": sheet.name,
            "hidden": sheet.hidden,
            "kind": sheet.kind,
            "rows_read": len(sheet.rows),
            "records": 0,
            "skipped": {},
            "rejected": 0,
            "year": ctx.year,
            "province": ctx.province,
            "stage": ctx.stage,
            "unit": "",
            "unit_from": "",
            "header_rows": [],
            "columns": [],
            "reconciliation": [],
            "warnings": self.warnings,
            "warning_codes": self.warning_codes,
        }

    def skip(self, r: int, reason: str) -> None:
        self.outcome[r] = reason

    def skip_rest(self, start: int, reason: str) -> None:
        """Every row from ``start`` on: blank, or ``reason``."""
        for r in range(start, len(self.rows)):
            self.skip(r, "blank" if all(is_blank(c) for c in self.rows[r]) else reason)

    def warn(self, code: str, **params: Any) -> None:
        """A warning of the sheet: its code and parameters, and its English (stored for tools)."""
        item = message(code, **params)
        self.warnings.append(english(item))
        self.warning_codes.append(item)

    def say(self, r: int, text: Message, column: str = "", value: object = None) -> None:
        """One line about row ``r`` (and a cell of it) for the console and the report."""
        item = message("line", file=self.ctx.source_file, sheet=self.sheet.name, row=r + 1,
                       column=message("line.column", column=column) if column else "",
                       value="" if value is None else message("line.value", value=as_text(value)[:60]), text=text)
        self.lines.append(item)
        self.messages.append(english(item))

    def reject(self, r: int, reason: Message, column: str = "", value: object = None) -> None:
        """Row ``r`` is rejected for ``reason`` (a message); the cell it is about, when there is one."""
        self.outcome[r] = "reject"
        self.rejects.append(
            {
                "source_file": self.ctx.source_file,
                "source_sheet": self.sheet.name,
                "source_row": r + 1,
                "column": column,
                "value": "" if value is None else as_text(value),
                "reason": english(reason),
                "reason_code": reason["code"],
                "reason_params": reason["params"],
            }
        )
        self.say(r, reason, column, value)

    def finish(self) -> SheetResult:
        """Count the buckets into the report and hand the result over."""
        records: dict[str, list[Any]] = {k: [] for k in RECORD_COLUMNS}
        if self.out_rows:
            for name, column in zip(RECORD_COLUMNS, zip(*self.out_rows, strict=True), strict=True):
                records[name] = list(column)
        report, skipped = self.report, self.report["skipped"]
        counts = Counter(self.outcome)  # keys in order of first occurrence, as the report lists them
        for reason, n in counts.items():
            if reason == "record" or reason == "reject":
                continue
            skipped[reason or "blank"] = skipped.get(reason or "blank", 0) + n
        report["records"] = counts.get("record", 0)
        report["rejected"] = counts.get("reject", 0)
        by_reason: dict[str, list[dict[str, Any]]] = {}
        for r in self.rejects:
            by_reason.setdefault(r["reason"], []).append(r)
        report["notices"] = [
            notice("rows_rejected", self.ctx.source_file, self.sheet.name, rows=len(rs), reason=reason,
                   reason_message=message(rs[0]["reason_code"], **rs[0]["reason_params"]),
                   row=rs[0]["source_row"], column=rs[0]["column"], value=rs[0]["value"][:60])
            for reason, rs in by_reason.items()
        ] + self.notices
        report["amount_records"] = len(records["amount_vnd"])
        return SheetResult(records, self.rejects, report, self.messages, self.outcome, self.lines)
