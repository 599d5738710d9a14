"""The meeting brief: the year's results and next year's plan in sentences, computed from the data.

Why: the centre's year-end review (as at Bình Dương on 24/02/2017) opens with the same few sentences — total
support and projects, the split by source, counterpart capital, the change on the previous year, next year's
plan by programme, the collaborator network. Writing them from the tidy table and the published figures means
every number in the brief is the number in the charts, formatted the same way. A figure that is missing is
said to be missing (the plan) or its sentence is left out (collaborators), never invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import fmt, metrics, reference_data
from analysis.charts import label, program_label
from analysis.text import nfc

# The review meeting the bundled data reproduce: Bình Dương, year 2016, held on 24/02/2017.
REFERENCE_YEAR = 2016

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def _md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


@dataclass(frozen=True)
class Brief:
    """A generated brief: title, paragraphs (plain text; list items start with '- '), and its sources."""

    province: str
    year: int
    lang: str
    title: str
    paragraphs: list[str]
    sources: list[str] = field(default_factory=list)

    def _source_line(self) -> str:
        return label("brief.sources", self.lang, sources="; ".join(self.sources)) if self.sources else ""

    def to_markdown(self, heading_level: int = 1) -> str:
        """Markdown with the title as a heading (`heading_level` 1–6: 2 inside a notebook whose own title is
        the level-1 heading); data-derived text is escaped so it cannot become markup."""
        if not 1 <= heading_level <= 6:
            raise ValueError("heading_level must be 1–6")
        blocks = ["#" * heading_level + " " + _md_escape(self.title)]
        for para in self.paragraphs:
            lines = [
                ("- " + _md_escape(line[2:])) if line.startswith("- ") else _md_escape(line)
                for line in para.split("\n")
            ]
            blocks.append("\n".join(lines))
        if self.sources:
            blocks.append("*" + _md_escape(self._source_line()) + "*")
        return "\n\n".join(blocks) + "\n"

    def to_text(self) -> str:
        """Plain text for e-mail or a Word document: title, underline, paragraphs separated by blank lines."""
        blocks = [self.title + "\n" + "=" * len(self.title), *self.paragraphs]
        if self.sources:
            blocks.append(self._source_line())
        return "\n\n".join(blocks) + "\n"

    def __str__(self) -> str:
        return self.to_text()


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {label('label.and', lang)} " + items[-1]


def _projects(n: object, lang: str) -> str:
    key = "label.n_projects_one" if n == 1 else "label.n_projects"
    return label(key, lang, n=fmt.format_count(n, lang))


def _program_order() -> dict[str, tuple[float, str]]:
    """Programmes in the order plans list them: the 2014–2020 group, then the Decree 45 article."""
    progs = reference_data.programs()
    order = {}
    for code, group, art in zip(progs["code"], progs["group7"], progs["decree45_art4"], strict=True):
        order[code] = (99.0 if pd.isna(group) else float(group), art or "9")
    return order


def _program_name(code: str, lang: str, names: str) -> str:
    if names == "full" and code:
        full = reference_data.program_names(lang)
        if code in full:
            return full[code]
    return program_label(code, lang)


def _results_paragraph(d: pd.DataFrame, year: int, lang: str, unit: str) -> str:
    sentences: list[str] = []
    support = metrics.support_by_year(d, "actual")
    row = support[support["year"] == year]
    if row.empty:
        return label("brief.no_actual", lang, year=year)
    total = int(row["support_vnd"].iloc[0])
    counts = metrics.project_counts(d, "actual")
    counts = counts[counts["year"] == year].set_index("funding_source")["n_projects"]
    n_total = counts.get("total", pd.NA)
    amount = fmt.format_vnd(total, unit, lang)
    if pd.isna(n_total):
        sentences.append(label("brief.total_no_count", lang, year=year, amount=amount))
    else:
        sentences.append(
            label("brief.total", lang, year=year, amount=amount, projects=_projects(n_total, lang))
        )

    split = metrics.source_split(d, "actual")
    split = split[
        (split["year"] == year)
        & split["funding_source"].isin(metrics.SUPPORT_SOURCES)
        & (split["amount_vnd"] > 0)
    ]
    if len(split) > 1 or (len(split) == 1 and split["funding_source"].iloc[0] != "unspecified"):
        items = []
        for src, amt in zip(split["funding_source"], split["amount_vnd"], strict=True):
            n = counts.get(src, pd.NA)
            values = {"source": label(f"brief.source.{src}", lang), "amount": fmt.format_vnd(amt, unit, lang)}
            if pd.isna(n):
                items.append(label("brief.split_item_no_count", lang, **values))
            else:
                items.append(label("brief.split_item", lang, projects=_projects(n, lang), **values))
        sentences.append(label("brief.split", lang, items=_join(items, lang)))

    lev = metrics.leverage(d, ["year"], "actual")
    lev = lev[(lev["year"] == year)].dropna(subset=["counterpart_vnd"])
    if len(lev) and int(lev["counterpart_vnd"].iloc[0]) > 0:
        r = lev.iloc[0]
        sentences.append(
            label(
                "brief.counterpart",
                lang,
                amount=fmt.format_vnd(r["counterpart_vnd"], unit, lang),
                ratio=fmt.format_ratio(r["leverage"], lang),
            )
        )

    avg = metrics.avg_support_per_project(d, "actual")
    avg = avg[(avg["year"] == year)].dropna(subset=["avg_support_vnd"])
    if len(avg):
        sentences.append(
            label("brief.average", lang, amount=fmt.format_vnd(avg["avg_support_vnd"].iloc[0], unit, lang))
        )

    yoy = metrics.yoy_change(metrics.support_series(d, "actual"))
    yoy = yoy[(yoy["year"] == year)].dropna(subset=["change_vnd"])
    if len(yoy):
        change = int(yoy["change_vnd"].iloc[0])
        values = {
            "prev": year - 1,
            "change": fmt.format_vnd(abs(change), unit, lang),
            "pct": fmt.format_change_pct(yoy["pct_change"].iloc[0], lang),
        }
        key = "brief.change_up" if change > 0 else "brief.change_down" if change < 0 else "brief.change_same"
        sentences.append(label(key, lang, **values))
    return " ".join(sentences)


def _plan_paragraph(d: pd.DataFrame, year: int, lang: str, unit: str, names: str) -> str:
    """Next year's plan by programme; for a province with plans only so far, that year's own plan."""
    nxt = year + 1
    plan = metrics.program_allocation(d, "plan", nxt)
    if (plan.empty or int(plan["amount_vnd"].sum()) == 0) and not metrics.years_with(d, "actual"):
        own = metrics.program_allocation(d, "plan", year)
        if not own.empty and int(own["amount_vnd"].sum()) != 0:
            nxt, plan = year, own
    if plan.empty or int(plan["amount_vnd"].sum()) == 0:
        return label("brief.plan_missing", lang, next=nxt)
    order = _program_order()
    plan = plan.assign(_o=[order.get(p, (100.0, "")) for p in plan["program"]]).sort_values(
        "_o", kind="stable"
    )
    lines = [
        label("brief.plan", lang, next=nxt, amount=fmt.format_vnd(int(plan["amount_vnd"].sum()), unit, lang))
    ]
    for prog, amt in zip(plan["program"], plan["amount_vnd"], strict=True):
        lines.append(
            "- "
            + label(
                "brief.plan_item",
                lang,
                program=_program_name(prog, lang, names),
                amount=fmt.format_vnd(amt, unit, lang),
            )
        )
    return "\n".join(lines)


def _collaborator_paragraph(
    published: pd.DataFrame, province: str, year: int, lang: str
) -> tuple[str, list[str]]:
    col = metrics.collaborators(published, province)
    sentences: list[str] = []
    sources: list[str] = []
    now = col[col["year"] == year]
    if len(now) and not pd.isna(now["total"].iloc[0]):
        r = now.iloc[0]
        if not pd.isna(r["district"]) and not pd.isna(r["commune"]):
            sentences.append(
                label(
                    "brief.collab",
                    lang,
                    year=year,
                    total=fmt.format_count(r["total"], lang),
                    district=fmt.format_count(r["district"], lang),
                    commune=fmt.format_count(r["commune"], lang),
                )
            )
        else:
            sentences.append(
                label("brief.collab_total", lang, year=year, total=fmt.format_count(r["total"], lang))
            )
        sources += str(r["source"]).split("; ")
    nxt = col[col["year"] == year + 1]
    if len(nxt) and not pd.isna(nxt["target"].iloc[0]):
        sentences.append(
            label(
                "brief.collab_target",
                lang,
                next=year + 1,
                target=fmt.format_count(nxt["target"].iloc[0], lang),
            )
        )
        sources += str(nxt["source"].iloc[0]).split("; ")
    return " ".join(sentences), sources


def meeting_brief(
    df: pd.DataFrame,
    published: pd.DataFrame | None,
    province: str,
    year: int,
    lang: str = "vi",
    *,
    unit: str = "trieu",
    program_names: str = "short",
) -> Brief:
    """The review-meeting brief for `province` and `year`, in Vietnamese or English.

    Money comes from the tidy table `df` (grain rule and counting as in analysis.metrics), the collaborator
    network from the published figures (`published`; None loads config.PUBLISHED_FIGURES). Amounts are in
    `unit` (triệu đồng, as provincial reports print them). program_names: 'short' (labels.csv) or 'full'
    (programs.csv name_vi / name_en).
    """
    if program_names not in ("short", "full"):
        raise ValueError("program_names must be 'short' or 'full'")
    province = nfc(province)
    d = metrics.for_province(df, province)
    paragraphs = [
        _results_paragraph(d, year, lang, unit),
        _plan_paragraph(d, year, lang, unit, program_names),
    ]
    if published is None:
        try:
            published = reference_data.published_figures()
        except FileNotFoundError:  # no published figures: the brief just has no collaborator sentence
            published = pd.DataFrame(
                columns=["scope", "province", "year_end", "stage", "metric", "count", "source"]
            )
    pub = published
    collab, collab_sources = _collaborator_paragraph(pub, province, year, lang)
    if collab:
        paragraphs.append(collab)
    used = d[d["year"].isin([year - 1, year, year + 1])]
    files = sorted({Path(str(f)).name for f in used.get("source_file", pd.Series(dtype=str)) if f})
    sources = list(dict.fromkeys([*files, *collab_sources]))
    return Brief(
        province=province,
        year=int(year),
        lang=lang,
        title=label("brief.title", lang, year=year, province=province),
        paragraphs=[p for p in paragraphs if p],
        sources=sources,
    )


def meeting_years(df: pd.DataFrame, brief_year: int | None = None) -> list[int]:
    """The years to brief: `brief_year` when the table has actual figures for it, and the latest year with
    actual figures (the next review meeting's), ascending and without repeats.

    Why both: the bundled data reproduce the meeting of 24/02/2017 (brief_year 2016) while their latest
    actual year is 2017; an analyst with new data leaves brief_year as it is and still gets the newest brief.
    A table with plans only gives its latest planned year, so the page is never silently empty.
    """
    actual = metrics.years_with(df, "actual")
    if not actual:  # only plans so far: brief the latest planned year (no results yet, its plan)
        return metrics.years_with(df, "plan")[-1:]
    years = [y for y in (brief_year, actual[-1] if actual else None) if y is not None and int(y) in actual]
    return sorted({int(y) for y in years})
