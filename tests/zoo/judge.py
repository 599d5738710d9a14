"""Compare what the reader recorded for each zoo layout with the layout's truth.

Why: one verdict per layout (exact / exact with warnings / wrong) and the *first* difference in words an
engineer can act on ("stage: want unspecified 2 345 tr, got nothing; 14 rows rejected: …"), not a diff of
two hundred rows. Sums are keyed by (year, stage, funding_source, program, record_type), plus phase when the
table has a ``phase`` column, so the test runs before and after that column exists.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .parts import TRIEU, Expected, Layout

FIELDS = ("year", "stage", "funding_source", "program", "record_type")
EXACT, WARN, WRONG = "exact", "exact+warnings", "WRONG"


@dataclass
class Verdict:
    layout: Layout
    result: str
    difference: str
    records: int
    rejects: int


def _na(value: Any) -> Any:
    """None for every missing value (None, NaN, pd.NA, ''), so NA-aware equality is plain equality."""
    if value is None or value is pd.NA or (isinstance(value, str) and value == ""):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _year(value: Any) -> int | None:
    value = _na(value)
    return None if value is None else int(value)


def _tr(dong: int) -> str:
    """Amount in triệu for messages, Vietnamese style."""
    value = dong / TRIEU
    text = f"{value:,.1f}".rstrip("0").rstrip(".")
    return text.replace(",", " ") + " tr"


Key = tuple[Any, ...]


def _sums(rows: list[dict[str, Any]], fields: tuple[str, ...]) -> dict[Key, tuple[int, int, int, int]]:
    """key → (amount sum, n_projects sum over known counts, records, records with unknown count)."""
    out: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in rows:
        acc = out[tuple(r[f] for f in fields)]
        acc[0] += int(r["amount_vnd"])
        n = _na(r["n_projects"])
        if n is None:
            acc[3] += 1
        else:
            acc[1] += int(n)
        acc[2] += 1
    return {k: (v[0], v[1], v[2], v[3]) for k, v in out.items()}


def _truth_rows(truth: list[Expected]) -> list[dict[str, Any]]:
    return [{"year": t.year, "stage": t.stage, "phase": t.phase, "funding_source": t.funding_source,
             "program": t.program, "record_type": t.record_type, "amount_vnd": t.amount_vnd,
             "n_projects": t.n_projects} for t in truth]


def _table_rows(table: pd.DataFrame, with_phase: bool) -> list[dict[str, Any]]:
    rows = []
    for r in table.to_dict("records"):
        row = {"year": _year(r.get("year")), "stage": r.get("stage") or "", "funding_source": r.get("funding_source"),
               "program": r.get("program") or "", "record_type": r.get("record_type"),
               "amount_vnd": int(r["amount_vnd"]), "n_projects": r.get("n_projects")}
        if with_phase:
            row["phase"] = _na(r.get("phase")) or ""
        rows.append(row)
    return rows


def _marginal(rows: list[dict[str, Any]], field: str) -> dict[Any, int]:
    out: dict[Any, int] = Counter()
    for r in rows:
        out[r[field]] += int(r["amount_vnd"])
    return dict(out)


def _fmt_marginal(m: dict[Any, int]) -> str:
    return "{" + ", ".join(f"{k}: {_tr(v)}" for k, v in sorted(m.items(), key=lambda kv: str(kv[0]))) + "}"


def _key_diffs(want: list[dict[str, Any]], got: list[dict[str, Any]], fields: tuple[str, ...], limit: int) -> list[str]:
    """The first keys whose sums differ, as 'year/stage/source/program/type: amount want … got …'."""
    sw, sg = _sums(want, fields), _sums(got, fields)
    out = []
    for key in sorted(set(sw) | set(sg), key=str):
        a, b = sw.get(key), sg.get(key)
        if a == b:
            continue
        what = []
        if a is None or b is None or a[0] != b[0]:
            what.append(f"amount want {_tr(a[0]) if a else '–'} got {_tr(b[0]) if b else '–'}")
        if a is not None and b is not None:
            if a[1] != b[1] or a[3] != b[3]:
                what.append(f"n_projects want {a[1]}{'+' + str(a[3]) + 'NA' if a[3] else ''} "
                            f"got {b[1]}{'+' + str(b[3]) + 'NA' if b[3] else ''}")
            if a[2] != b[2]:
                what.append(f"records want {a[2]} got {b[2]}")
        out.append(f"[{'/'.join(str(k) for k in key)}] " + ", ".join(what))
        if len(out) >= limit:
            break
    return out


def first_difference(want: list[dict[str, Any]], got: list[dict[str, Any]], fields: tuple[str, ...]) -> str:
    """The first way the records differ, most telling first.

    Money lost or invented → the total and the first keys short or over; money all there but filed wrongly →
    the first field whose split differs (year, stage, source, programme, record type, phase); else counts.
    """
    if not got:
        return f"no records (want {len(want)} records, {_tr(sum(r['amount_vnd'] for r in want))})"
    want_total, got_total = sum(r["amount_vnd"] for r in want), sum(r["amount_vnd"] for r in got)
    if want_total != got_total:
        return (f"total want {_tr(want_total)} ({len(want)} rec) got {_tr(got_total)} ({len(got)} rec); "
                + "; ".join(_key_diffs(want, got, fields, 2)))
    for field in fields:
        mw, mg = _marginal(want, field), _marginal(got, field)
        if mw != mg:
            return f"{field}: want {_fmt_marginal(mw)} got {_fmt_marginal(mg)}"
    return "; ".join(_key_diffs(want, got, fields, 2))


def context_overrides(layouts: list[Layout]) -> tuple[dict[str, Any], dict[str, set[str]]]:
    """khuyencong.yaml content that hands the reader each layout's sheet-level context, and per layout the
    fields then left out of the comparison.

    Why: a sheet rejected for want of a stage or year hides every structural fault behind it. Read once more
    with the context given (only fields with one value across the layout's truth; an unspecified stage is
    given as 'plan', a missing year as 2000), the second verdict tells what is wrong *besides* the context.
    """
    entries, ignore = [], {}
    for lay in layouts:
        entry: dict[str, Any] = {"match": lay.file_name}
        skip = {"province"}
        entry["province"] = lay.province or "Hà Nội"
        stages = {t.stage for t in lay.truth}
        years = {t.year for t in lay.truth}
        if len(stages) == 1:
            stage = stages.pop()
            entry["stage"] = stage if stage != "unspecified" else "plan"
            skip.add("phase")  # a stage handed over in khuyencong.yaml carries no phase wording
            if stage == "unspecified":
                skip.add("stage")
        if len(years) == 1:
            year = years.pop()
            entry["year"] = year or 2000
            if year is None:
                skip.add("year")
        entries.append(entry)
        ignore[lay.id] = skip
    return {"files": entries}, ignore


def judge(layout: Layout, table: pd.DataFrame, rejects: pd.DataFrame, file_report: dict[str, Any] | None,
          ignore: frozenset[str] | set[str] = frozenset()) -> Verdict:
    """Verdict for one layout from its rows of the tidy table, its rejects and its file report
    (``ignore``: fields left out, for the read with the context given)."""
    # phase is compared once the table has the column, and only where every truth record settles it
    with_phase = "phase" in table.columns and all(t.phase is not None for t in layout.truth)
    fields = tuple(f for f in FIELDS + (("phase",) if with_phase else ()) if f not in ignore)
    want = [{k: v for k, v in r.items() if k not in ignore} for r in _truth_rows(layout.truth)]
    # a record of 0 đồng (an empty counterpart cell printed as 0) is neither required nor wrong: left out
    got = [{k: v for k, v in r.items() if k not in ignore} for r in _table_rows(table, with_phase)
           if r["amount_vnd"] != 0]
    n_rej = len(rejects)
    reasons = Counter(str(x) for x in rejects["reason"]) if n_rej else Counter()
    rej_note = ""
    if n_rej:
        reason, count = reasons.most_common(1)[0]
        rej_note = f"; {n_rej} rows rejected (e.g. {count}× '{reason[:70]}')"
    if file_report is not None and file_report.get("status") != "ok":
        return Verdict(layout, WRONG, f"file error: {file_report.get('message', '')[:120]}", len(got), n_rej)

    diffs = []
    provinces = {(_na(p) or None) for p in table["province"]} if len(table) else set()
    if got and "province" not in ignore and provinces != {layout.province}:
        diffs.append(f"province want {layout.province!r} got {sorted(map(str, provinces))}")
    sums_equal = _sums(want, fields) == _sums(got, fields)
    if not sums_equal:
        diffs.insert(0, first_difference(want, got, fields))
    if diffs:
        if not got and not n_rej and file_report is not None:
            notes = [str(w) for sh in file_report.get("sheets", []) for w in sh.get("warnings", [])]
            notes += [str(w) for w in file_report.get("warnings", [])]
            if notes:
                rej_note = f"; reader says: {notes[0][:110]}"
        return Verdict(layout, WRONG, "; ".join(diffs) + rej_note, len(got), n_rej)
    warnings: list[str] = []
    if file_report is not None:
        warnings += list(file_report.get("warnings", []))
        for sheet in file_report.get("sheets", []):
            warnings += [str(w) for w in sheet.get("warnings", [])]
            warnings += [f"reconciliation failed: {e.get('label', e)}" for e in sheet.get("reconciliation", [])
                         if e.get("ok") is False]
    if n_rej:
        warnings.insert(0, rej_note.lstrip("; "))
    if warnings:
        return Verdict(layout, WARN, str(warnings[0])[:160], len(got), n_rej)
    return Verdict(layout, EXACT, "", len(got), n_rej)


def table_text(verdicts: list[Verdict], given: dict[str, Verdict] | None = None) -> str:
    """The printed summary: one line per layout, its first difference, and (``given``) the verdict of the
    read with the sheet-level context handed over — what remains wrong in the structure."""
    lines = [f"{'id':4} {'result':15} {'rec':>4} {'rej':>4}  description  ||  first difference"
             + ("  ||  with context given" if given else "")]
    for v in verdicts:
        line = f"{v.layout.id:4} {v.result:15} {v.records:4d} {v.rejects:4d}  {v.layout.description}"
        line += f"  ||  {v.difference or '–'}"
        if given and v.layout.id in given:
            g = given[v.layout.id]
            line += f"  ||  {g.result}" + (f": {g.difference}" if g.result == WRONG else "")
        lines.append(line)
    counts = Counter(v.result for v in verdicts)
    lines.append(f"\n{len(verdicts)} layouts: {counts.get(EXACT, 0)} exact, {counts.get(WARN, 0)} exact with warnings, "
                 f"{counts.get(WRONG, 0)} wrong")
    if given:
        g_counts = Counter(v.result for v in given.values())
        lines.append(f"with the sheet-level context given (khuyencong.yaml): {g_counts.get(EXACT, 0)} exact, "
                     f"{g_counts.get(WARN, 0)} exact with warnings, {g_counts.get(WRONG, 0)} wrong")
    return "\n".join(lines)
