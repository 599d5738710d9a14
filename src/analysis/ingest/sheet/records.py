"""Records step: each leaf line's amounts become records of the tidy table — one per (year, stage, source) —
with programme, project count, flags (unit assumed, context unspecified, unconfirmed, above ceiling) and the
cell it came from; then one notice per sheet for what was missing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ...columns import CONTEXT_FLAGS, UNCONFIRMED
from ...messages import message
from .. import classify
from ..layout import Column, Layout
from ..notices import notice
from ..numbers import ParsedAmount
from . import columnar
from .cells import printed
from .model import ColumnPlan, Row, Table
from .reconcile import SumColumns
from .resolve import (
    ceiling_breach,
    final_phase,
    group_program,
    lines_are_programmes,
    pair_count,
    parts_stand_in,
    resolve_program,
    resolve_source,
    same_group,
    stage_of,
    support_from_total,
)
from .tree import ancestors, section_year_of

# an amount on its way to a record: (column, stage, year, source, phase)
Emitted = tuple[Column, str, Any, str, str]


def emit_records(table: Table, data: list[Row], leaves: list[int], plan: ColumnPlan, layout: Layout,
                 sums: SumColumns) -> None:
    """Every leaf's records into ``table.out_rows``; the sheet's confirmation and notices into its report."""
    writer = _RecordWriter(table, data, leaves, plan, layout, sums)
    if not (columnar.enabled() and columnar.emit(writer, leaves)):
        for i in leaves:  # the line walker: every sheet, and the reference the column path is tested against
            writer.line(i)
    writer.close()


class _RecordWriter:
    def __init__(self, table: Table, data: list[Row], leaves: list[int], plan: ColumnPlan, layout: Layout,
                 sums: SumColumns) -> None:
        self.table, self.data, self.plan, self.sums = table, data, plan, sums
        self.ctx = ctx = table.ctx
        self.recon = table.report["reconciliation"]
        self.failed_checks = sum(1 for e in self.recon if e["ok"] is False)
        # figures the sheet's own totals contradict, or of a sheet with amount rows that could not be read
        self.unconfirmed = bool(self.failed_checks or table.rejects)
        table.report["confirmed"] = not self.unconfirmed
        self.missing: Counter[str] = Counter()
        self.is_allocation_sheet = bool(plan.count) or lines_are_programmes(data, leaves, layout)
        self.has_count_lines = any(d.kind == "count" for d in data)
        self.forced_year, self.forced_province, self.forced_stage = (
            ctx.forced.get(k) for k in ("year", "province", "stage"))
        self.explicit_source = {c.index: c.funding_source for c in plan.amount
                                if c.funding_source in ("national", "local", "counterpart")}
        self.group_program: dict[int, tuple[str, str] | None] = {}  # parent → programme named by the nearest group

    def program_of_group(self, i: int) -> tuple[str, str] | None:
        """The walk up the groups, once per group rather than once per line (lines of a group share it)."""
        parent = self.data[i].parent
        if parent not in self.group_program:
            self.group_program[parent] = group_program(ancestors(self.data, i))
        return self.group_program[parent]

    def section_year(self, i: int) -> int | None:
        """The year a section row above names ('NĂM 2022' over its projects)."""
        return next((y for a in ancestors(self.data, i) if a.kind == "data" and (y := section_year_of(a.label))),
                    None)

    def line(self, i: int) -> None:
        """The records of leaf ``i`` (or its rejection when two columns mean the same money)."""
        d, ctx = self.data[i], self.ctx
        dctx = d.ctx
        year = self.forced_year or dctx["year"] or self.section_year(i) or ctx.year
        province = self.forced_province or dctx["province"] or ctx.province
        record_type = ("project" if d.part_of >= 0
                       else "allocation" if self.is_allocation_sheet or classify.is_source_label(d.label)
                       else "project")
        program, program_label = resolve_program(d, dctx, lambda i=i: self.program_of_group(i), record_type)
        district = classify.normalise_district(dctx["place"]) if dctx["place"] else ""
        present_split = [c for c in self.sums.split if c.index in d.amounts] if self.sums.total else []
        emitted, extra_flags = self._emitted(i, d, year, present_split)
        if len(emitted) > 1:
            emitted = final_phase(emitted)  # 'KH đã giao' beside 'KH sau điều chỉnh': the adjusted plan stands
            keys = [(y, s, src) for _, s, y, src, _ in emitted]
            if len(keys) != len(set(keys)):  # the same (year, stage, source) twice on one line
                self.table.reject(d.index, message("reason.same_source_stage"))
                return
        self._check_row_total(d, present_split)
        cost = self._cost(d, emitted)
        for c, stage, year_c, source, phase in emitted:
            parsed = d.amounts[c.index]
            if c.funding_source == "total":
                parsed = ParsedAmount(self._support(d, c), parsed.unit, parsed.flags)
            flags = self._flags(parsed, extra_flags, stage, year_c, province, source)
            if record_type == "project" and source != "counterpart" and program and year_c:
                breach = ceiling_breach(program, source, int(year_c), parsed.amount_vnd, cost)
                if breach:
                    flags.add("above_ceiling")
                    self.table.warn("warn.above_ceiling", row=d.index + 1, breach=breach)
            self.table.out_rows.append((  # in RECORD_COLUMNS order; transposed once in Table.finish()
                int(year_c) if year_c else None, province, stage, phase, record_type, program, program_label,
                source, parsed.amount_vnd, self._n_projects(d, c, record_type),
                self.data[d.part_of].label if d.part_of >= 0 else d.label, dctx["beneficiary"], district,
                printed(d.raw[c.index]), parsed.unit.label_vi if parsed.unit else "",
                ";".join(sorted(flags)) if flags else "", ctx.source_file, self.table.sheet.name, d.index + 1,
            ))
        self.table.outcome[d.index] = "record"

    def _support(self, d: Row, c: Column) -> int:
        return support_from_total(d, c, self.sums.counter, self.sums.total_means)

    def _emitted(self, i: int, d: Row, year: Any, present_split: list[Column]) -> tuple[list[Emitted], list[str]]:
        """The line's amounts that become records: a total column only where its parts are blank."""
        anc: list[Row] | None = None  # computed only if a column's source must be looked up
        emitted: list[Emitted] = []
        extra_flags: list[str] = []
        for c in self.plan.amount:
            if c.index not in d.amounts:
                continue
            if c.funding_source == "total" and parts_stand_in(c, present_split, self.sums.support):
                continue
            stage, phase = stage_of(self.forced_stage, c, d.ctx["stage"], self.ctx)
            source = self.explicit_source.get(c.index)
            if source is None:
                if anc is None:
                    anc = ancestors(self.data, i)
                source = resolve_source(d, c, anc, self.ctx)
            if c.funding_source == "total" and self.sums.split:
                extra_flags = ["breakdown_missing"]
            emitted.append((c, stage, c.year or year, source, phase))
        if emitted and self.sums.total:
            emitted = [e for e in emitted if not (e[0].funding_source == "total" and self._support(d, e[0]) <= 0)]
        return emitted, extra_flags

    def _check_row_total(self, d: Row, present_split: list[Column]) -> None:
        """A line's own 'Tổng' against its parts (a warning, the parts are the records)."""
        amounts = d.amounts
        for tc in self.sums.total:
            parts_here = [c for c in present_split if same_group(tc, c)]
            if tc.index in amounts and parts_here:
                declared = amounts[tc.index].amount_vnd
                every = sum(amounts[c.index].amount_vnd for c in parts_here)
                support = sum(amounts[c.index].amount_vnd for c in parts_here if c.funding_source != "counterpart")
                if declared not in (every, support):
                    self.table.warn("warn.row_total_mismatch", row=d.index + 1, column=tc.letter, declared=declared,
                                    parts=every)

    def _cost(self, d: Row, emitted: list[Emitted]) -> int | None:
        """The line's whole cost (support + counterpart) when it states a counterpart, for the ceiling share."""
        support_amount = counterpart_amount = 0
        for c, _, _, src, _ in emitted:
            if src == "counterpart":
                counterpart_amount += d.amounts[c.index].amount_vnd
            elif c.funding_source == "total":
                support_amount += self._support(d, c)
            else:
                support_amount += d.amounts[c.index].amount_vnd
        return support_amount + counterpart_amount if counterpart_amount else None

    def _flags(self, parsed: ParsedAmount, extra: list[str], stage: str, year: Any, province: str,
               source: str) -> set[str]:
        """The record's flags; counts what context was missing for the sheet's notice."""
        flags = set(parsed.flags) | set(extra) if parsed.flags or extra else set()
        gaps = [f for f, v in (("stage", stage != "unspecified"), ("year", year), ("province", province)) if not v]
        missing = self.missing
        if gaps:
            flags.update(CONTEXT_FLAGS[f] for f in gaps)
            for f in gaps:
                missing[f] += 1
            missing["context"] += 1
        if source == "unspecified":
            missing["funding_source"] += 1
        if gaps or source == "unspecified":
            missing["any"] += 1
        if self.unconfirmed:
            flags.add(UNCONFIRMED)
        return flags

    def _n_projects(self, d: Row, c: Column, record_type: str) -> int | None:
        """1 for a project; for an allocation, its count column or the count line of its group."""
        if record_type != "allocation":
            return 1
        n_projects = pair_count(d, c, self.plan.count)
        if n_projects is None and self.has_count_lines:
            n_projects = next((e.counts.get(c.index) for e in self.data
                               if e.kind == "count" and e.parent == d.parent), None)
        return n_projects

    def close(self) -> None:
        """One notice for missing context, one for failed checks; a message per failed check."""
        table, missing = self.table, self.missing
        source_file, sheet = self.ctx.source_file, table.sheet.name
        n_records = len(table.out_rows)
        fields = [f for f in ("stage", "year", "province") if missing[f]]
        if n_records and missing["funding_source"] == n_records:
            fields.append("funding_source")
        if fields:
            table.notices.append(notice("context_missing", source_file, sheet, fields=fields,
                                        rows=missing["any"] if "funding_source" in fields else missing["context"]))
        table.report["unspecified"] = {f: missing[f] for f in ("stage", "year", "province", "funding_source")
                                       if missing[f]}
        if self.failed_checks:
            table.notices.append(notice("reconcile_failed", source_file, sheet, checks=self.failed_checks))
        for entry in self.recon:
            if entry["ok"] is False:
                table.say(entry["row"] - 1, message("recon.mismatch", declared=entry["declared"],
                                                    computed=entry["computed"], scope=entry["scope_code"]),
                          entry["column"])
