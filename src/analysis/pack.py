"""What the meeting pack (deck, Word report) says, computed once from the metrics.

Why one module: the deck's key-figures slide, its native charts, the report's tables and the brief must show
the same numbers. Everything here is a plain value (numbers in triệu đồng, texts already formatted the
Vietnamese or English way) so that ``slides.py`` and ``docx_report.py`` only lay them out, and a test can
compare what a file holds with what the metrics say.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import fmt, metrics

UNIT = "trieu"
# Excel/PowerPoint number formats that print Vietnamese grouping ("55.306") whatever the viewer's locale:
# the dots are literal text in conditional sections, so the value stays a number the analyst can edit.
VI_INTEGER_FORMAT = '[>=1000000]#"."###"."##0;[>=1000]#"."##0;0'
EN_INTEGER_FORMAT = "#,##0"


def integer_format(lang: str) -> str:
    """The number format of chart data labels and table cells in whole triệu đồng."""
    return VI_INTEGER_FORMAT if lang == "vi" else EN_INTEGER_FORMAT


def _label(key: str, lang: str, **values: object) -> str:
    from .charts import label

    return label(key, lang, **values)


def trieu(amount_vnd: object) -> float | None:
    """đồng → triệu đồng (None when missing): the unit of every figure in the pack."""
    if amount_vnd is None or pd.isna(amount_vnd):
        return None
    return fmt.scale_vnd(amount_vnd, UNIT)


@dataclass(frozen=True)
class KeyFigure:
    """One tile of the key-figures slide: caption, the figure as text, a line under it."""

    caption: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class ChartData:
    """A chart as data: categories, series (name → values in the chart's unit), and how to draw it."""

    key: str
    title: str
    kind: str  # "clustered" | "stacked" | "bar"
    categories: list[str]
    series: dict[str, list[float | None]]
    colors: dict[str, str] = field(default_factory=dict)
    unit: str = ""
    note: str = ""


def _year_value(frame: pd.DataFrame, year: int, column: str, **where: object) -> object:
    rows = frame[frame["year"] == year]
    for key, value in where.items():
        rows = rows[rows[key] == value]
    return rows[column].iloc[0] if len(rows) else pd.NA


def key_figures(table: pd.DataFrame, year: int, lang: str = "vi") -> list[KeyFigure]:
    """The key figures of ``year``'s review meeting: support and projects, by source, counterpart and
    leverage, change on the previous year, next year's plan. A figure the data lack reads '–'."""
    actual = metrics.support_by_year(table, "actual")
    total = _year_value(actual, year, "support_vnd")
    counts = metrics.project_counts(table, "actual")
    n_total = _year_value(counts, year, "n_projects", funding_source="total")
    split = metrics.source_split(table, "actual")
    lev = metrics.leverage(table, ["year"], "actual")
    yoy = metrics.yoy_change(metrics.support_series(table, "actual")) if len(actual) else pd.DataFrame()
    plan = metrics.support_by_year(table, "plan")
    plan_next = _year_value(plan, year + 1, "support_vnd")
    unit_words = fmt.unit_label(UNIT, lang)

    def amount(value: object) -> str:
        return fmt.format_amount(value, UNIT, lang, decimals=0)

    out = [
        KeyFigure(
            _label("pack.kf.total", lang, year=year),
            amount(total),
            unit_words + ("" if pd.isna(n_total) else " · " + _label("label.n_projects", lang,
                                                                    n=fmt.format_count(n_total, lang))),
        )
    ]
    for source in ("national", "local"):
        value = _year_value(split, year, "amount_vnd", funding_source=source)
        n = _year_value(counts, year, "n_projects", funding_source=source)
        note = unit_words + ("" if pd.isna(n) else " · " + _label("label.n_projects", lang, n=fmt.format_count(n, lang)))
        out.append(KeyFigure(_label(f"source.{source}", lang), amount(value), note))
    counterpart = _year_value(lev, year, "counterpart_vnd")
    ratio = _year_value(lev, year, "leverage")
    out.append(KeyFigure(
        _label("source.counterpart", lang), amount(counterpart),
        unit_words + ("" if pd.isna(ratio) else " · " + _label("pack.kf.leverage", lang,
                                                               ratio=fmt.format_ratio(ratio, lang))),
    ))
    change = _year_value(yoy, year, "change_vnd") if len(yoy) else pd.NA
    pct = _year_value(yoy, year, "pct_change") if len(yoy) else pd.NA
    change_text = fmt.NA_REP
    if not pd.isna(change):
        sign = "+" if int(change) > 0 else "-" if int(change) < 0 else ""
        change_text = sign + amount(abs(int(change)))
    out.append(KeyFigure(
        _label("pack.kf.change", lang, prev=year - 1), change_text,
        unit_words + ("" if pd.isna(pct) else " · " + fmt.format_change_pct(pct, lang)),
    ))
    out.append(KeyFigure(_label("pack.kf.plan", lang, next=year + 1), amount(plan_next), unit_words))
    return out


def year_table(table: pd.DataFrame) -> pd.DataFrame:
    """Support by source, counterpart and projects per year and stage (the report's first table)."""
    by_year = metrics.support_by_year(table)
    split = metrics.source_split(table).pivot_table(
        index=["year", "stage"], columns="funding_source", values="amount_vnd", aggfunc="sum"
    )
    split = split.reindex(columns=list(metrics.FUNDING_SOURCES)).astype("Int64")
    split.columns = [f"{c}_vnd" for c in split.columns]
    counts = metrics.project_counts(table)
    counts = counts[counts["funding_source"] == "total"][["year", "stage", "n_projects"]]
    out = by_year.merge(split.reset_index(), on=["year", "stage"], how="left").merge(
        counts, on=["year", "stage"], how="left"
    )
    return out.dropna(axis=1, how="all")


def plan_by_program(table: pd.DataFrame, year: int) -> tuple[int, pd.DataFrame]:
    """Next year's plan by programme (year + 1), in the order of the brief; a province with plans only
    gets its own year's plan. Returns (plan year, frame with program, amount_vnd, share)."""
    from .brief import _program_order

    nxt = year + 1
    plan = metrics.program_allocation(table, "plan", nxt)
    if plan.empty and not metrics.years_with(table, "actual"):
        nxt, plan = year, metrics.program_allocation(table, "plan", year)
    order = _program_order()
    plan = plan.assign(_o=[order.get(p, (100.0, "")) for p in plan["program"]]).sort_values("_o", kind="stable")
    return nxt, plan[["program", "amount_vnd", "n_projects", "share"]].reset_index(drop=True)


def _year_span(years: pd.Series) -> list[int]:
    """Every calendar year from the first to the last: a year without figures keeps its slot on the axis, so
    2016, 2017 and 2023 are not drawn evenly spaced."""
    if not len(years):
        return []
    return list(range(int(years.min()), int(years.max()) + 1))


def chart_data(table: pd.DataFrame, year: int, lang: str = "vi") -> list[ChartData]:
    """The main charts of the meeting as data, each from one metrics function (see the test that reads the
    deck's charts back): plan and actual by year, actual by source, counterpart against support, projects by
    year, the next year's plan by programme, the year's support by district."""
    from .charts import PROGRAM_COLORS, SOURCE_COLORS, STAGE_COLORS, program_label, source_label, stage_label

    unit_words = fmt.unit_label(UNIT, lang)
    out: list[ChartData] = []
    by_year = metrics.support_by_year(table)
    years = _year_span(by_year["year"])
    if years:
        series = {}
        colors = {}
        for stage in ("plan", "actual"):
            part = by_year[by_year["stage"] == stage].set_index("year")["support_vnd"]
            if len(part):
                name = stage_label(stage, lang)
                series[name] = [trieu(part.get(y)) for y in years]
                colors[name] = STAGE_COLORS[stage]
        out.append(ChartData("support_by_year", _label("chart.support_by_year.title", lang), "clustered",
                             [str(y) for y in years], series, colors, unit_words))
    split = metrics.source_split(table, "actual")
    split = split[split["funding_source"].isin(metrics.SUPPORT_SOURCES)]
    actual_years = _year_span(split["year"])
    if actual_years:
        series, colors = {}, {}
        for source in metrics.SUPPORT_SOURCES:
            part = split[split["funding_source"] == source].set_index("year")["amount_vnd"]
            if len(part) and int(part.sum()):
                name = source_label(source, lang)
                series[name] = [trieu(part.get(y, 0)) for y in actual_years]
                colors[name] = SOURCE_COLORS.get(source, "#999999")
        out.append(ChartData("sources", _label("chart.sources_stacked.title", lang,
                                               stage=stage_label("actual", lang).lower()),
                             "stacked", [str(y) for y in actual_years], series, colors, unit_words))
    lev = metrics.leverage(table, ["year"], "actual").dropna(subset=["counterpart_vnd"])
    if len(lev):
        span = _year_span(lev["year"])
        by = lev.set_index(lev["year"].astype("int64"))
        cats = [str(y) for y in span]
        series = {
            _label("col.support_vnd", lang): [trieu(by["support_vnd"].get(y)) for y in span],
            _label("col.counterpart_vnd", lang): [trieu(by["counterpart_vnd"].get(y)) for y in span],
        }
        colors = dict(zip(series, (STAGE_COLORS["actual"], SOURCE_COLORS["counterpart"]), strict=True))
        note = "; ".join(f"{int(y)}: {fmt.format_ratio(r, lang)}" for y, r in zip(lev["year"], lev["leverage"], strict=True))
        out.append(ChartData("counterpart", _label("chart.leverage.title", lang), "clustered", cats, series,
                             colors, unit_words, _label("pack.leverage_note", lang, ratios=note)))
    counts = metrics.project_counts(table)
    counts = counts[counts["funding_source"] == "total"]
    if len(counts):
        cats = [str(y) for y in _year_span(counts["year"])]
        series, colors = {}, {}
        for stage in ("plan", "actual"):
            part = counts[counts["stage"] == stage].set_index("year")["n_projects"]
            if len(part):
                name = stage_label(stage, lang)
                series[name] = [None if pd.isna(part.get(int(y), pd.NA)) else float(part.get(int(y)))
                                for y in cats]
                colors[name] = STAGE_COLORS[stage]
        out.append(ChartData("projects", _label("chart.projects.title", lang), "clustered", cats, series, colors,
                             _label("axis.projects", lang).lower()))
    nxt, plan = plan_by_program(table, year)
    if len(plan):
        names = [program_label(p, lang) for p in plan["program"]]
        out.append(ChartData(
            "plan_by_program",
            _label("chart.program_allocation.title", lang, stage=stage_label("plan", lang).lower(), year=nxt),
            "bar", names, {stage_label("plan", lang): [trieu(v) for v in plan["amount_vnd"]]},
            {stage_label("plan", lang): PROGRAM_COLORS["demonstration"]}, unit_words,
        ))
    district = metrics.by_district(table, "actual", year)
    district = district[district["district"] != ""].head(12)
    if len(district):
        out.append(ChartData(
            "district", _label("pack.chart.district", lang, year=year), "bar", list(district["district"]),
            {stage_label("actual", lang): [trieu(v) for v in district["support_vnd"]]},
            {stage_label("actual", lang): STAGE_COLORS["actual"]}, unit_words,
            _label("pack.district_note", lang),
        ))
    return out


def meeting_title(province: str, year: int, lang: str = "vi") -> str:
    """'Tổng kết công tác khuyến công năm 2016 và kế hoạch năm 2017' (the meeting the pack is for)."""
    return _label("pack.meeting", lang, year=year, next=year + 1, province=province)


def report_years(table: pd.DataFrame, reference_year: int | None = None) -> list[int]:
    """Every year with results, plus the reference meeting's year when the data hold it; with plans only,
    the latest planned year (as brief.meeting_years)."""
    from .brief import meeting_years

    years = set(metrics.years_with(table, "actual")) | set(meeting_years(table, reference_year))
    return sorted(years)
