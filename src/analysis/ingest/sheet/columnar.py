"""Records step, column at a time: the common sheet — every amount column names its own source, no 'Tổng'
column, no year/stage/province/count columns, no '- Trong đó' source lines — built one amount column at a time
instead of line by line, then put in the walker's order (line, then column).

Why: this is the hottest step of a national run (one record per amount, 250 000 of them). The line walker in
``records`` stays the reference and the fallback: a sheet that does not match these rules is walked, and
``tests/ingest/sheet/test_sheet_columnar.py`` requires identical records, rejects, warnings and reconciliation
from both on every fixture, sample, zoo layout and benchmark workbook.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ...columns import CONTEXT_FLAGS, UNCONFIRMED
from .. import classify
from ..layout import Column
from .cells import printed
from .resolve import ceiling_breach, has_ceiling, parts_stand_in, resolve_program, same_group, stage_of
from .tree import ancestors

if TYPE_CHECKING:
    from .records import _RecordWriter

_EXPLICIT = ("national", "local", "counterpart")
_CONTEXT_ROLES = ("year", "stage", "province")


def enabled() -> bool:
    """The column path is on unless ``KHUYENCONG_WALKER=1`` asks for the line walker (for comparisons)."""
    return os.environ.get("KHUYENCONG_WALKER", "") != "1"


def matches(writer: _RecordWriter, leaves: list[int]) -> list[tuple[Column, str, str, str]] | None:
    """(column, stage, phase, source) of each amount column that makes records when the sheet follows the rules
    (source "" when each line's own source applies); else None."""
    plan, data = writer.plan, writer.data
    if plan.count or writer.has_count_lines or any(plan.roles.get(r) is not None for r in _CONTEXT_ROLES):
        return None
    if any(data[i].part_of >= 0 for i in leaves) or not _totals_are_checks(writer, leaves):
        return None
    specs = []
    for c in plan.amount:
        if c.funding_source == "total":
            continue
        stage, phase = stage_of(writer.forced_stage, c, ("", ""), writer.ctx)
        specs.append((c, stage, phase, c.funding_source if c.funding_source in _EXPLICIT else ""))
    if len({c.year is None for c, *_ in specs}) > 1:
        return None
    keys = [(c.year, stage) for c, stage, _, source in specs if not source]  # a line's own source: one per key
    explicit = [(c.year, stage, source) for c, stage, _, source in specs if source]
    if len(set(keys)) != len(keys) or len(set(explicit)) != len(explicit) or any(k[:2] in keys for k in explicit):
        return None  # two columns could mean the same money on a line: the walker decides line by line
    return specs


def _totals_are_checks(writer: _RecordWriter, leaves: list[int]) -> bool:
    """Every 'Tổng' column is only a check on this sheet: on each line that fills it, its parts are filled too."""
    sums = writer.sums
    for tc in sums.total:
        for i in leaves:
            amounts = writer.data[i].amounts
            if tc.index in amounts:
                present = [c for c in sums.split if c.index in amounts]
                if not parts_stand_in(tc, present, sums.support):
                    return False
    return True


def emit(writer: _RecordWriter, leaves: list[int]) -> bool:
    """All records of the leaves into ``writer.table``; False (nothing done) when the sheet does not match."""
    specs = matches(writer, leaves)
    if specs is None:
        return False
    lines = _Lines(writer, leaves, any(not source for *_, source in specs))
    lines.costs(specs)
    order: list[int] = []  # line * width + column: the walker's order
    records: list[tuple[Any, ...]] = []  # in RECORD_COLUMNS order, column by column
    warnings: list[tuple[int, int, int, str, dict[str, Any]]] = []  # (line, 0 row total | 1 ceiling, column, …)
    width = len(specs)
    for k, spec in enumerate(specs):
        _column(writer, lines, k, spec, order, records, warnings, width)
    _row_totals(writer, lines, warnings)
    perm = sorted(range(len(order)), key=order.__getitem__)
    writer.table.out_rows.extend([records[j] for j in perm])
    for *_, code, params in sorted(warnings, key=lambda w: w[:3]):
        writer.table.warn(code, **params)
    for i in leaves:
        writer.table.outcome[writer.data[i].index] = "record"
    return True


def _row_totals(writer: _RecordWriter, lines: _Lines, warnings: list[tuple[int, int, int, str, dict[str, Any]]]) -> None:
    """A line's own 'Tổng' against its parts (a warning; the parts are the records), as the walker checks it."""
    sums = writer.sums
    for t, tc in enumerate(sums.total):
        parts = [c for c in sums.split if same_group(tc, c)]
        for n, d in enumerate(lines.rows):
            amounts = d.amounts
            if tc.index not in amounts:
                continue
            here = [c for c in parts if c.index in amounts]
            if not here:
                continue
            declared = amounts[tc.index].amount_vnd
            every = sum(amounts[c.index].amount_vnd for c in here)
            support = sum(amounts[c.index].amount_vnd for c in here if c.funding_source != "counterpart")
            if declared not in (every, support):
                warnings.append((n, 0, t, "warn.row_total_mismatch",
                                 {"row": d.index + 1, "column": tc.letter, "declared": declared, "parts": every}))


class _Lines:
    """What each leaf line contributes to all its records, computed once per line (and per group)."""

    def __init__(self, writer: _RecordWriter, leaves: list[int], own_source: bool) -> None:
        data, ctx = writer.data, writer.ctx
        self.leaves = leaves
        self.rows = [data[i] for i in leaves]
        years: dict[int, Any] = {}  # parent → year of the section above (lines of a group share it)
        self.year = []
        for i, d in zip(leaves, self.rows, strict=True):
            if d.parent not in years:
                years[d.parent] = writer.section_year(i)
            self.year.append(writer.forced_year or years[d.parent] or ctx.year)
        self.province = writer.forced_province or ctx.province
        allocation = writer.is_allocation_sheet
        self.record_type = ["allocation" if allocation or classify.is_source_label(d.label) else "project"
                            for d in self.rows]
        self.program = [resolve_program(d, d.ctx, lambda i=i: writer.program_of_group(i), rt)
                        for i, d, rt in zip(leaves, self.rows, self.record_type, strict=True)]
        districts: dict[str, str] = {}
        self.district = []
        for d in self.rows:
            place = d.ctx["place"]
            if place and place not in districts:
                districts[place] = classify.normalise_district(place)
            self.district.append(districts[place] if place else "")
        self.source = self._sources(writer) if own_source else []
        self.cost: list[int | None] = []

    def _sources(self, writer: _RecordWriter) -> list[str]:
        """Each line's own source (its source cell, its label, its group, the sheet), for columns that name
        none — ``resolve.resolve_source`` with the walk up the groups done once per group."""
        groups: dict[int, str] = {}
        out = []
        for i, d in zip(self.leaves, self.rows, strict=True):
            if d.ctx["source"]:
                out.append(d.ctx["source"])
            elif classify.is_source_label(d.label):
                out.append(classify.classify_source(d.label))
            else:
                if d.parent not in groups:
                    groups[d.parent] = _group_source(ancestors(writer.data, i)) or writer.ctx.funding_source \
                        or "unspecified"
                out.append(groups[d.parent])
        return out

    def costs(self, specs: list[tuple[Column, str, str, str]]) -> None:
        """Support + counterpart of each line when it states a counterpart (for the ceiling's share); a source
        is the column's, else the line's own, as the walker resolves it."""
        self.cost = []
        for n, d in enumerate(self.rows):
            a = d.amounts
            support = counter = 0
            for c, _, _, source in specs:
                if c.index in a:
                    if (source or self.source[n]) == "counterpart":
                        counter += a[c.index].amount_vnd
                    else:
                        support += a[c.index].amount_vnd
            self.cost.append(support + counter if counter else None)


def _group_source(anc: list[Any]) -> str:
    for a in anc:
        found = classify.classify_source(a.label)
        # a group 'A. Kinh phí khuyến công quốc gia' or 'B. Đề án khuyến công địa phương' names its lines' source
        if found and (classify.is_source_label(a.label) or not classify.classify_program(a.label)):
            return found
    return ""


def _column(writer: _RecordWriter, lines: _Lines, k: int, spec: tuple[Column, str, str, str], order: list[int],
            records: list[tuple[Any, ...]], warnings: list[tuple[int, int, int, str, dict[str, Any]]], width: int) -> None:
    """The records of one amount column, for every line that fills it."""
    c, stage, phase, column_source = spec
    ci, table, missing = c.index, writer.table, writer.missing
    stage_gap = stage == "unspecified"
    province = lines.province
    base = {CONTEXT_FLAGS["stage"]} if stage_gap else set()
    if not province:
        base.add(CONTEXT_FLAGS["province"])
    if writer.unconfirmed:
        base.add(UNCONFIRMED)
    sheet_name, source_file = table.sheet.name, writer.ctx.source_file
    filled = 0
    for n, d in enumerate(lines.rows):
        parsed = d.amounts.get(ci)
        if parsed is None:
            continue
        filled += 1
        source = column_source or lines.source[n]
        year_c = c.year or lines.year[n]
        flags = base | set(parsed.flags) if parsed.flags else set(base)
        gaps = stage_gap + (not year_c) + (not province)
        if not year_c:
            flags.add(CONTEXT_FLAGS["year"])
            missing["year"] += 1
        if gaps:
            missing["context"] += 1
        if source == "unspecified":
            missing["funding_source"] += 1
        if gaps or source == "unspecified":
            missing["any"] += 1
        program, program_label = lines.program[n]
        record_type = lines.record_type[n]
        if source != "counterpart" and record_type == "project" and program and year_c \
                and has_ceiling(program, source):
            breach = ceiling_breach(program, source, int(year_c), parsed.amount_vnd, lines.cost[n])
            if breach:
                flags.add("above_ceiling")
                warnings.append((n, 1, k, "warn.above_ceiling", {"row": d.index + 1, "breach": breach}))
        order.append(n * width + k)
        records.append((
            int(year_c) if year_c else None, province, stage, phase, record_type, program, program_label, source,
            parsed.amount_vnd, 1 if record_type == "project" else None, d.label, d.ctx["beneficiary"],
            lines.district[n], printed(d.raw[ci]), parsed.unit.label_vi if parsed.unit else "",
            ";".join(sorted(flags)) if flags else "", source_file, sheet_name, d.index + 1,
        ))
    if stage_gap and filled:
        missing["stage"] += filled
    if not province and filled:
        missing["province"] += filled
