"""Rows step: what each line under the header is — blank, the header again after a page break, a note or
signature, an indicator in people or models, a total, a source breakdown, a count line or a data line — with its
numbering depth, label, amount cells as read, project counts and own unit. Amounts are parsed by the next step.

Why by wording and numbering, never by position: a total may sit above or below its lines, a note may follow
the table, the header may repeat on every printed page.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...messages import as_message, message
from ...text import fold, is_blank
from .. import classify
from ..layout import Layout, is_numbering_row
from ..numbers import detect_unit, parse_count
from .cells import DIGITS_ONLY_RE, as_text, lead_text, reads_as_amount
from .model import ColumnPlan, Level, Row, Table
from .words import page_mark_re, project_unit_re


def read_lines(table: Table, layout: Layout, plan: ColumnPlan) -> list[Row]:
    """Every row under the header: skipped with its reason, or a ``Row`` (data, total, breakdown or count)."""
    reader = _LineReader(table, layout, plan)
    data: list[Row] = []
    for r in range(layout.first_data_row, len(table.rows)):
        reader.read(r, data)
    return data


class _LineReader:
    """The per-table facts the rows step looks at (column positions, the header's own texts, whether the
    notes under the table have begun)."""

    def __init__(self, table: Table, layout: Layout, plan: ColumnPlan) -> None:
        rows = table.rows
        self.table, self.plan = table, plan
        self.stt_i, self.title_i, self.program_i = plan.index("stt"), plan.index("title"), plan.index("program")
        self.benef_i, self.place_i, self.unit_i = plan.index("beneficiary"), plan.index("place"), plan.index("unit")
        self.amount_idx = [c.index for c in plan.amount]
        self.header_texts = [tuple(fold(as_text(c)) for c in rows[h] if not is_blank(c)) for h in layout.header_rows]
        self.header_firsts = {as_text(c) for h in layout.header_rows for c in rows[h][: self.stt_i + 1]
                              if not is_blank(c)}
        self.program_separate = plan.roles["program"] is not None and plan.roles["program"] is not plan.roles["title"]
        self.in_notes = False

    def read(self, r: int, data: list[Row]) -> None:
        """Decide row ``r``: skip it, or append its ``Row`` to ``data``."""
        table, cells = self.table, self.table.rows[r]
        for v in cells:  # blank row? (stops at the first filled cell, usually the first)
            if v is not None and (type(v) is not str or v.strip()):
                break
        else:
            table.skip(r, "blank")
            return
        width = len(cells)
        stt = as_text(cells[self.stt_i]) if 0 <= self.stt_i < width else ""
        if (stt in self.header_firsts or stt in _NUMBERING_STARTS) and self._repeats_header(cells):
            table.skip(r, "header")  # the header (or its '(1) (2) …' row) printed again after a page break
            return
        label = self._label(cells, width)
        stt_level = numbering_level(stt)
        stt_is_label = bool(stt) and stt_level is None and not DIGITS_ONLY_RE.fullmatch(stt)
        if not label and stt_is_label:
            label = stt
        lead: str | None = None  # first text of the row: only needed for unlabelled and note lines
        row_kind = classify.classify_row_label(stt) if stt_is_label else ""
        if not row_kind:
            if not label:
                lead = lead_text(cells)
            row_kind = classify.classify_row_label(label or lead or "")
        if self._is_note(r, cells, width, lead, row_kind, stt_level, data):
            table.skip(r, "note")
            return
        row = Row(r, "data", stt, label)
        if row_kind in ("total", "breakdown"):
            row.kind = row_kind
        elif (
            data
            and data[-1].kind in ("total", "breakdown")
            and (stt_level is None or stt_level >= Level.SUBLETTER)  # '- KCQG', 'a) KCĐP'; numbered: a line
            and classify.is_source_label(label)
        ):
            row.kind = "breakdown"  # '- KCQG' lines under 'Tổng cộng' / 'Trong đó:'
        row.level = stt_level if stt_level is not None else Level.UNNUMBERED
        self._cells_of(row, cells, width)
        if self._unit_line(r, row, cells, width, stt_level, data):
            return
        self._context_of(row, cells, width)
        data.append(row)

    def _repeats_header(self, cells: list[object]) -> bool:
        texts = tuple(fold(as_text(c)) for c in cells if not is_blank(c))
        return texts in self.header_texts or is_numbering_row(cells)

    def _label(self, cells: list[object], width: int) -> str:
        """The title cell, else the programme cell, else the first text in a text column."""
        label = as_text(cells[self.title_i]) if 0 <= self.title_i < width else ""
        if not label and 0 <= self.program_i < width:
            label = as_text(cells[self.program_i])
        if not label:
            for idx in self.plan.text_idx:
                if idx < width and isinstance(cells[idx], str) and cells[idx].strip():
                    return as_text(cells[idx])
        return label

    def _is_note(self, r: int, cells: list[object], width: int, lead: str | None, row_kind: str,
                 stt_level: float | None, data: list[Row]) -> bool:
        """A page mark, a note, a date or signature line, or any line without an amount once the notes began."""
        has_number = False
        for ci in self.amount_idx:
            if ci < width:
                v = cells[ci]
                t = type(v)
                if t is int or t is float or (v is not None and reads_as_amount(v)):
                    has_number = True
                    break
        if not has_number:
            if lead is None:
                lead = lead_text(cells)
            folded_lead = fold(lead)
            if page_mark_re().match(folded_lead):
                return True  # 'Trang 1/3' at a page break: the table goes on
            if (row_kind == "note" or classify.date_line_re().search(folded_lead)
                    or classify.signature_re().match(folded_lead)):
                self.in_notes = True
                return True
            return self.in_notes
        # '(2) Tổng dự toán … 200 triệu chưa phân bổ' in the notes below the closed table
        return self.in_notes and any(d.kind == "total" for d in data[-3:]) and stt_level is None

    def _cells_of(self, row: Row, cells: list[object], width: int) -> None:
        """The amount cells as read and the project counts (a count that cannot be read fails the line)."""
        raw = row.raw
        for ci in self.amount_idx:
            if ci < width:
                v = cells[ci]
                if v is not None and (type(v) is not str or v.strip()):
                    raw[ci] = v
        for c in self.plan.count:
            value = cells[c.index] if c.index < width else None
            if is_blank(value):
                continue
            count, problem = parse_count(value)
            if problem:
                row.fail(message("reason.count_unreadable", problem=as_message(problem)), c.index, value)
            row.counts[c.index] = count

    def _unit_line(self, r: int, row: Row, cells: list[object], width: int, stt_level: float | None,
                   data: list[Row]) -> bool:
        """The line's own 'Đơn vị tính': a unit of money is kept on the row; people, models or sites make it an
        indicator (skipped as not money; 'Số đề án | Đề án' kept as the counts of its group). True: skipped."""
        if self.plan.roles["unit"] is None:
            return False
        unit_text = as_text(cells[self.unit_i]) if 0 <= self.unit_i < width else ""
        row.unit = detect_unit(unit_text)
        if row.unit is not None or not unit_text or DIGITS_ONLY_RE.fullmatch(unit_text):
            return False
        self.table.skip(r, "not_money")  # an indicator in người, mô hình, cơ sở …: never money
        label = row.label
        meaning = classify.classify_header_part(label) if label else None
        if meaning is not None and meaning.role == "n_projects" and project_unit_re().fullmatch(fold(unit_text)):
            data.append(count_line(r, row.stt, label, cells, self.amount_idx, stt_level))  # 'Số đề án | Đề án'
        return True

    def _context_of(self, row: Row, cells: list[object], width: int) -> None:
        """What the line's own cells say of its source, stage, year, province, beneficiary, place, programme."""
        roles, plan = self.plan.roles, self.plan

        def cell(role: str) -> str:
            i = plan.index(role)
            return as_text(cells[i]) if i < len(cells) else ""

        row.ctx = {
            "source": classify.classify_source(cell("source")) if roles["source"] else "",
            "stage": classify.detect_stage_phase(cell("stage")) if roles["stage"] else ("", ""),
            "year": classify.detect_year(cell("year")) if roles["year"] else None,
            "province": classify.detect_province(cell("province")) if roles["province"] else "",
            "beneficiary": as_text(cells[self.benef_i]) if 0 <= self.benef_i < width else "",
            "place": as_text(cells[self.place_i]) if 0 <= self.place_i < width else "",
            "program_cell": as_text(cells[self.program_i])
            if self.program_separate and 0 <= self.program_i < width else "",
        }


_ROMAN_RE = re.compile(r"^(?=[IVXL])(X{0,3})(IX|IV|V?I{0,3})$")

_ARABIC_RE = re.compile(r"^\d{1,4}[.)]?$")  # '1', '1.', '1)'

_DOTTED_RE = re.compile(r"^\d{1,3}(\.\d{1,3})+\.?$")

_LETTER_RE = re.compile(r"^[A-H]\.?$")

_SUBLETTER_RE = re.compile(r"^([a-zđ]\.?|[a-z]\)|[-+*•–])$")

@lru_cache(maxsize=4096)
def numbering_level(stt: str) -> float | None:
    """Depth of a row from its numbering: A < I < 1 < 1.1 < a/-; None when unnumbered."""
    s = stt.strip()
    if not s:
        return None
    if _LETTER_RE.match(s) and s.rstrip(".") not in {"C", "D"}:
        return Level.LETTER
    if _ROMAN_RE.match(s.rstrip(".")):
        return Level.ROMAN
    if _ARABIC_RE.match(s):
        return Level.ARABIC
    if _DOTTED_RE.match(s):
        return Level.dotted(s.rstrip(".").count("."))
    if _SUBLETTER_RE.match(s):
        return Level.SUBLETTER
    return None

_NUMBERING_STARTS = frozenset({"(1)", "1", "A", "(A)", "a", "(a)"})

def count_line(r: int, stt: str, label: str, cells: list[object], amount_idx: list[int], level: float | None) -> Row:
    """A 'Số đề án | Đề án' indicator line: its numbers are the project counts of its group's money line."""
    row = Row(r, "count", stt, label)
    row.level = level if level is not None else Level.LINE
    for ci in amount_idx:
        value = cells[ci] if ci < len(cells) else None
        if not is_blank(value):
            count, problem = parse_count(value)
            if not problem:
                row.counts[ci] = count
    return row

