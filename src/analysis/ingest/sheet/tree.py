"""Tree step: which line is a group, a subtotal, a project or a remark, and under which group each line sits —
from numbering depth (``Level``), never from position; then each line's bucket (record, subtotal, group, total,
no amount or rejected with its cell).
"""

from __future__ import annotations

import re
from functools import cache

from ...text import fold
from .. import classify
from ..layout import column_letter
from .model import Level, Row, Table
from .words import district_group_re, section_year_re


def build_tree(table: Table, data: list[Row]) -> list[int]:
    """Place every line in the tree and give it its bucket; returns the positions of the leaves (the lines
    that become records)."""
    split_project_lines(data)
    _summary_lines(data)
    _levels(data)
    _parents(data)
    return _buckets(table, data)


def ancestors(data: list[Row], i: int) -> list[Row]:
    """The groups above line ``i``, nearest first."""
    out = []
    p = data[i].parent
    while p >= 0:
        out.append(data[p])
        p = data[p].parent
    return out


def leaf_descendants(data: list[Row], i: int, leaf_set: set[int]) -> list[int]:
    """The leaves under group ``i`` (the lines its subtotal must equal)."""
    out = []
    for j in range(i + 1, len(data)):
        if data[j].kind != "data":
            continue
        p = data[j].parent
        while p >= 0 and p != i:
            p = data[p].parent
        if p != i:
            if data[j].level <= data[i].level:
                break
            continue
        if j in leaf_set:
            out.append(j)
    return out


def _summary_lines(data: list[Row]) -> None:
    """Summaries whose lines are source lines: those are lines, not breakdowns of the total."""
    lines = [d for d in data if d.kind == "data" and d.amounts]
    if not lines:
        # a summary whose only lines sit under its total ('Tổng cộng', then 'KCQG', 'KCĐP'): those are the lines
        for d in data:
            if d.kind == "breakdown" and not fold(d.label).startswith(classify.within_words()):
                d.kind = "data"
    elif all(classify.is_source_label(d.label) for d in lines):
        # a summary by source ('I. KCQG', 'II. KCĐP', 'Tổng kinh phí khuyến công', then 'Vốn đối ứng'): a source
        # line under the total that no line above names is a line of its own, not a breakdown of the total
        named = {classify.classify_source(d.label) for d in lines}
        for d in data:
            if (d.kind == "breakdown" and not fold(d.label).startswith(classify.within_words())
                    and classify.classify_source(d.label) not in named):
                d.kind = "data"


def _levels(data: list[Row]) -> None:
    """Unnumbered labelled lines are groups only when numbered lines (or lines in normal case under an
    UPPERCASE line) follow; else lines of their own."""
    has_arabic = any(d.level == Level.ARABIC for d in data if d.kind == "data")
    has_numbers = any(d.stt for d in data if d.kind == "data")
    for i, d in enumerate(data):
        if d.kind != "data" or d.level >= 0:
            continue
        nxt = next((e for e in data[i + 1 :] if e.kind == "data"), None)
        groupish = bool(classify.classify_program(d.label) or classify.classify_source(d.label)
                        or (section_year_of(d.label) and not d.amounts) or district_group_re().match(fold(d.label)))
        # numbered lines follow, or (no numbering at all) an UPPERCASE programme line over lines in normal case
        shouting = not has_numbers and d.label.isupper() and nxt is not None and not nxt.label.isupper()
        if (nxt is not None and groupish and not d.ctx["beneficiary"]
                and ((has_arabic and nxt.level >= Level.ARABIC) or shouting)):
            d.level = Level.GROUP
        else:
            d.level = Level.LINE


def _parents(data: list[Row]) -> None:
    """Each line's parent: the nearest line above with a smaller level (a closing total resets the stack)."""
    stack: list[int] = []
    for i, d in enumerate(data):
        if d.kind == "count":  # counts of its group, beside the group's money line
            while stack and data[stack[-1]].level >= d.level:
                stack.pop()
            d.parent = stack[-1] if stack else -1
            continue
        if d.kind != "data":
            if d.kind == "total" and not re.search(r"\b([a-h]|[ivx]+|\d+)$", fold(d.label)):
                stack.clear()
            continue
        if d.level == Level.LINE and not d.amounts and stack and data[stack[-1]].amounts:
            continue  # a remark line under a project (dates, address): it does not make the project a group
        while stack and data[stack[-1]].level >= d.level:
            stack.pop()
        d.parent = stack[-1] if stack else -1
        if d.parent >= 0:
            data[d.parent].children += 1
        stack.append(i)


def _buckets(table: Table, data: list[Row]) -> list[int]:
    """Totals, subtotals, groups, lines without amounts and failed lines get their bucket; the rest are leaves."""
    leaves: list[int] = []
    for i, d in enumerate(data):
        r = d.index
        if d.kind == "count":
            continue  # skipped as 'not_money' when read
        if d.kind in ("total", "breakdown"):
            if d.error:
                table.reject(r, d.error)
            else:
                table.skip(r, "total")
            continue
        if d.children:
            table.skip(r, "subtotal" if d.amounts else "group")
            continue
        if d.error:
            column, value = ("", None) if d.bad_cell is None else (column_letter(d.bad_cell[0]), d.bad_cell[1])
            table.reject(r, d.error, column, value)
            continue
        if not d.amounts:
            if d.level <= Level.GROUP:
                table.skip(r, "group")
            elif d.label or d.stt:
                table.skip(r, "no_amount")
            else:
                table.skip(r, "blank" if not any(isinstance(c, str) and c.strip() for c in table.rows[r])
                           else "no_amount")
            continue
        if not d.label and not d.stt and not d.ctx["beneficiary"]:
            d.kind = "unlabelled"
            continue
        leaves.append(i)
    return leaves


def section_year_of(label: str) -> int | None:
    """'NĂM 2022', '2023': a section row whose lines belong to that year."""
    found = section_year_re().match(fold(classify.strip_numbering(label)).strip(" .:"))
    return int(found.group(1)) if found else None

@cache
def part_prefix_re() -> re.Pattern[str]:
    """'- Trong đó: ', '+ ' before a source line under its project (the words from vocab/row_words.csv)."""
    within = "|".join(re.escape(w) for w in classify.within_words())
    return re.compile(rf"^[\s\-–+•*]*(?:(?:{within})\s*:?\s*)?[\-–+•*]*\s*")

def split_project_lines(data: list[Row]) -> None:
    """A project line followed by '- Trong đó: KCQG', '- KCĐP', '- Vốn đối ứng' lines that add up to it: the
    source lines are the project's records (its title, place and programme, their source), the project line
    their check. Lines that do not add up are left as they are (and the sheet's totals will say so)."""
    i = 0
    while i < len(data):
        head = data[i]
        i += 1
        if head.kind != "data" or not head.amounts or not head.label:
            continue
        parts = []
        j = i
        while j < len(data) and data[j].kind in ("data", "breakdown") and not data[j].stt.strip("-–+•* "):
            bare = part_prefix_re().sub("", fold(data[j].label))
            if not data[j].amounts or not bare or not classify.is_source_label(bare):
                break
            parts.append(data[j])
            j += 1
        if not parts or any(
            sum(p.amounts[k].amount_vnd for p in parts if k in p.amounts) != a.amount_vnd
            for k, a in head.amounts.items()
        ):
            continue
        for p in parts:
            p.kind = "data"
            p.part_of = data.index(head)
            p.label = part_prefix_re().sub("", fold(p.label)) or p.label  # its source wording; the title is the head's
            p.ctx = {**head.ctx, "source": p.ctx.get("source", "")}
            p.level = (head.level if head.level >= 0 else Level.ARABIC) + 0.5
        if head.level < 0:
            head.level = Level.ARABIC  # numbered or not, the project line is the parent of its source lines
        i = j

