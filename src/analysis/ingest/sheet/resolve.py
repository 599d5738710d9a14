"""Resolution rules: the source, stage, programme, project count and ceiling of one amount, each in a stated
order of precedence (column → line → enclosing group → sheet → 'unspecified').

Why one module: these are the rules an analyst asks about ("why is this line KCĐP?"); each is a small pure
function over a line, its column and its groups.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from ...columns import PHASE_PREFERENCE
from ...messages import Message, message
from ...text import fold
from .. import classify
from ..layout import Column, Layout
from .model import Row, SheetContext
from .words import indicator_title_re, project_title_re


@cache
def _ceilings() -> list[dict[str, Any]]:
    rows = classify.vocab_rows("ceilings")
    return [
        {
            "program": r["program"],
            "funding_source": r["funding_source"],
            "from": int(r["from_year"]),
            "to": int(r["to_year"]),
            "max_vnd": int(r["max_million_vnd"]) * 1_000_000,
            "max_share": float(r["max_share_of_cost"]) if r["max_share_of_cost"] else None,
            "source": r["source"],
        }
        for r in rows
    ]

@cache
def _ceilings_by_key() -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for rule in _ceilings():
        out.setdefault((rule["program"], rule["funding_source"]), []).append(rule)
    return out

def has_ceiling(program: str, source: str) -> bool:
    """Whether any support ceiling applies to this programme and source (most do not: no check needed)."""
    return (program, source) in _ceilings_by_key()


def ceiling_breach(program: str, source: str, year: int, amount: int, cost: int | None) -> Message | None:
    """The support ceiling (Decree 45/2012 and its circulars, ``vocab/ceilings.csv``) this amount exceeds."""
    for rule in _ceilings_by_key().get((program, source), ()):
        if rule["from"] <= year <= rule["to"]:
            if amount > rule["max_vnd"]:
                return message("ceiling.amount", amount=amount, ceiling=rule["max_vnd"], source=rule["source"])
            if rule["max_share"] and cost and amount > rule["max_share"] * cost + 1:
                return message("ceiling.share", share=amount / cost, ceiling_share=rule["max_share"],
                               source=rule["source"])
    return None

def lines_are_programmes(data: list[Row], leaves: list[int], layout: Layout) -> bool:
    """A table of programme lines ('Đào tạo nghề', 'Mô hình trình diễn' under 'Chỉ tiêu' / 'Nội dung'), with no
    beneficiary, place or executor column and no project-title header: its lines allocate money to programmes,
    they are not single projects (n_projects unknown unless a count column says it)."""
    if not leaves or any(layout.first(role) for role in ("beneficiary", "place", "executor")):
        return False
    if layout.first("title") is None and layout.first("program") is None and layout.first("year") is not None:
        return True  # 'Năm | KCQG | KCĐP': one line per year, each the year's total
    title = layout.first("title") or layout.first("program")
    if title is None or project_title_re().search(fold(title.label)):
        return False
    if indicator_title_re().search(fold(title.label)):
        return True  # 'Chỉ tiêu': a report of indicators, whose money lines are the province's totals
    named = sum(1 for i in leaves if classify.classify_program(data[i].label))
    return named == len(leaves)

def same_group(total: Column, part: Column) -> bool:
    """A part of a 'Tổng' column: same stage and year (a 'Kế hoạch | Tổng' sums the plan's sources only)."""
    return (not total.stage or part.stage == total.stage) and (total.year is None or part.year == total.year)

def parts_stand_in(total: Column, present: list[Column], support_cols: list[Column]) -> bool:
    """True when a line's own source amounts under this total are filled: they are the records, the total a
    check. A line whose parts are blank keeps its total as the record (flagged 'breakdown_missing')."""
    here = [c for c in present if same_group(total, c)]
    if any(c.funding_source != "counterpart" for c in here):
        return True
    return bool(here) and not any(same_group(total, c) for c in support_cols)

def final_phase(emitted: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Of two amounts of one line with the same (year, stage, source) but different named phases, keep the final
    one (columns.PHASE_PREFERENCE); the other is the same money at an earlier phase. Same phase: kept (and
    rejected by the caller as two columns meaning the same thing)."""
    best: dict[tuple[Any, ...], tuple[int, str]] = {}
    for _, stage, year, source, phase in emitted:
        order = PHASE_PREFERENCE.get(stage, ())
        rank = order.index(phase) if phase in order else len(order)
        key = (year, stage, source)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, phase)
    phases = {key: {e[4] for e in emitted if (e[2], e[1], e[3]) == key} for key in best}
    return [e for e in emitted if len(phases[(e[2], e[1], e[3])]) == 1 or e[4] == best[(e[2], e[1], e[3])][1]]

def stage_of(forced: str | None, c: Column, row_stage: tuple[str, str], ctx: SheetContext) -> tuple[str, str]:
    """(stage, phase) of an amount: command line → column header → row's stage cell → sheet → 'unspecified'."""
    if forced:
        return forced, ""
    if c.stage:
        return c.stage, c.phase
    if row_stage[0]:
        return row_stage
    if ctx.stage:
        return ctx.stage, ctx.phase
    return "unspecified", ""

def support_from_total(d: Row, c: Column, counter_cols: list[Column], total_means: dict[int, str]) -> int:
    """State support in a line whose only support figure is the 'Tổng' column (breakdown left blank)."""
    declared = d.amounts[c.index].amount_vnd
    if total_means.get(c.index) == "cost":
        declared -= sum(d.amounts[k.index].amount_vnd for k in counter_cols if k.index in d.amounts)
    return declared

def resolve_source(d: Row, c: Column, anc: list[Row], ctx: SheetContext) -> str:
    """Column says it → row says it → enclosing group says it → sheet title says it → unspecified."""
    if c.funding_source in ("national", "local", "counterpart"):
        return c.funding_source
    dctx = d.ctx
    if dctx["source"]:
        return dctx["source"]
    if classify.is_source_label(d.label):
        return classify.classify_source(d.label)
    for a in anc:
        found = classify.classify_source(a.label)
        # a group 'A. Kinh phí khuyến công quốc gia' or 'B. Đề án khuyến công địa phương' names its lines' source
        if found and (classify.is_source_label(a.label) or not classify.classify_program(a.label)):
            return found
    if ctx.funding_source:
        return ctx.funding_source
    return "unspecified"

def group_program(anc: list[Row]) -> tuple[str, str] | None:
    """(code, label) of the nearest enclosing group whose label names a programme."""
    for a in anc:
        code = classify.classify_program(a.label)
        if code:
            return code, a.label
    return None

def resolve_program(
    d: Row, dctx: dict[str, Any], group: Callable[[], tuple[str, str] | None], record_type: str
) -> tuple[str, str]:
    """Programme column → (allocation) the line's own label → enclosing group → the project title.

    ``group`` gives the enclosing group's programme (see group_program); it is only called when needed.
    """
    if dctx["program_cell"]:
        code = classify.classify_program(dctx["program_cell"])
        if code:
            return code, dctx["program_cell"]
    if record_type == "allocation":
        code = classify.classify_program(d.label)
        if code:
            return code, d.label
    found = group()
    if found is not None:
        return found
    code = classify.classify_program(d.label)
    return (code, d.label) if code else ("", "")

def pair_count(d: Row, c: Column, count_cols: list[Column]) -> int | None:
    """The 'Số đề án' that goes with an amount column: same stage and year, else the only one."""
    if not count_cols:
        return None
    same = [k for k in count_cols if k.stage == c.stage and k.year == c.year]
    if len(same) > 1:  # 'KCQG | Số đề án' and 'KCĐP | Số đề án': the count under the amount's own source
        same = [k for k in same if k.funding_source == c.funding_source] or [
            k for k in same if not k.funding_source]
    chosen = same[0] if len(same) == 1 else (count_cols[0] if len(count_cols) == 1 else None)
    if chosen is None:
        return None
    return d.counts.get(chosen.index)

