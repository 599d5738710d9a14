"""Metrics of the tidy table (docs/tidy_table.md) and of the published figures, as tidy DataFrames.

Why one module of pure functions: every chart, notebook and the meeting brief must agree on what "support" is
(national + local + unspecified + other, never counterpart), on which grain to count (project rows when a
province/year/stage has them, else allocation rows — `select_grain`, the only place this rule lives) and on
how a project is counted (once, however many funding sources it has).

Conventions: amounts are integers in đồng in columns ending `_vnd`; shares, rates and relative changes are
ratios (0.0829, not 8.29); metrics sum over all provinces present, so filter with `for_province` first when a
table holds several. Missing figures are <NA>, never 0.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis import columns, reference_data
from analysis.text import fold

SUPPORT_SOURCES: tuple[str, ...] = ("national", "local", "unspecified", "other")
COUNTERPART = "counterpart"
FUNDING_SOURCES: tuple[str, ...] = (*SUPPORT_SOURCES, COUNTERPART)
STAGES: tuple[str, ...] = ("plan", "actual")
# a sheet that says neither plan nor actual: its amounts are kept apart, never merged into either
UNSPECIFIED_STAGE = "unspecified"
ALL_STAGES: tuple[str, ...] = (*STAGES, UNSPECIFIED_STAGE)
UNCONFIRMED_FLAG = "unconfirmed"
GRAIN_KEYS: tuple[str, ...] = ("province", "year", "stage")
PROJECT_KEY: tuple[str, ...] = ("province", "source_file", "source_sheet", "source_row")
CLEANER_PRODUCTION_RE = re.compile(r"san xuat sach hon|\bsxsh\b")


# ---- helpers -------------------------------------------------------------------------------------------


def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} needs columns {missing} (see docs/tidy_table.md)")


def _stage_filter(df: pd.DataFrame, stage: str | None) -> pd.DataFrame:
    if stage is None:
        return df
    if stage not in ALL_STAGES:
        raise ValueError(f"stage must be one of {ALL_STAGES} or None, got {stage!r}")
    return df[df["stage"] == stage]


def _sort(df: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Sort with stages in plan→actual order and funding sources in house order."""
    order = {
        "stage": {s: i for i, s in enumerate(ALL_STAGES)},
        "funding_source": {s: i for i, s in enumerate(("total", *FUNDING_SOURCES))},
    }

    def key(col: pd.Series) -> pd.Series:
        if col.name in order:
            return col.map(order[str(col.name)]).fillna(99)
        return col

    return df.sort_values(list(by), key=key, ignore_index=True, kind="stable")


def _support(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["funding_source"].isin(SUPPORT_SOURCES)]


def _int64(s: pd.Series) -> pd.Series:
    return s.round().astype("Int64") if s.dtype.kind == "f" else s.astype("Int64")


def provinces_in(df: pd.DataFrame, column: str = "province") -> list[str]:
    """The provinces a table holds, in alphabetical order as Vietnamese readers expect it (Đ beside D, not after
    Z), for messages and the province list of a report build."""
    if df.empty or column not in df.columns:
        return []
    return sorted((str(p) for p in df[column].dropna().unique() if str(p).strip()), key=lambda p: (fold(p), p))


def province_overview(df: pd.DataFrame) -> pd.DataFrame:
    """One row per province: years covered, and support (excluding counterpart) of its latest actual year and
    its latest plan year, at one grain — what a multi-province landing page says about each province.

    Columns: province, first_year, last_year, actual_year, actual_support_vnd, plan_year, plan_support_vnd
    (<NA> when the province has no rows of that stage).
    """
    _require(df, [*GRAIN_KEYS, "record_type", "funding_source", "amount_vnd"], "province_overview")
    rows = []
    for province in provinces_in(df):
        part = df[df["province"] == province]
        row: dict[str, object] = {"province": province, "first_year": int(part["year"].min()),
                                  "last_year": int(part["year"].max())}
        for stage in ("actual", "plan"):
            by_year = support_by_year(part, stage)
            last = by_year.iloc[-1] if len(by_year) else None
            row[f"{stage}_year"] = int(last["year"]) if last is not None else None
            row[f"{stage}_support_vnd"] = int(last["support_vnd"]) if last is not None else None
        rows.append(row)
    out = pd.DataFrame(rows, columns=["province", "first_year", "last_year", "actual_year", "actual_support_vnd",
                                      "plan_year", "plan_support_vnd"])
    for c in out.columns[1:]:
        out[c] = pd.array(out[c].tolist(), dtype="Int64")
    return out


def for_province(df: pd.DataFrame, province: str, column: str = "province") -> pd.DataFrame:
    """Rows of one province, matched on the folded name ('Binh Duong', 'Tỉnh Bình Dương' match 'Bình Dương')."""
    key = reference_data.province_key(province)
    keys = df[column].fillna("").map(lambda v: reference_data.province_key(str(v)))
    return df[keys == key]


def select_grain(df: pd.DataFrame) -> pd.DataFrame:
    """Keep project rows for each (province, year, stage) that has any, else its allocation rows.

    Why: a sheet's project list and a summary table of the same year describe the same money at two grains;
    adding them double counts. This is the only implementation of the rule; every metric calls it.
    """
    _require(df, [*GRAIN_KEYS, "record_type"], "select_grain")
    if df.empty:
        return df.copy()
    is_project = df["record_type"].eq("project").fillna(False).astype(bool)
    groups = [df[k].astype("string").fillna("\0") for k in GRAIN_KEYS]
    has_project = is_project.groupby(groups).transform("any").astype(bool)
    is_allocation = df["record_type"].eq("allocation").fillna(False).astype(bool)
    keep = (is_project & has_project) | (is_allocation & ~has_project)
    return select_phase(df[keep.to_numpy()])


PHASE_PREFERENCE = columns.PHASE_PREFERENCE  # one table for the sheet step and the metrics


def select_phase(df: pd.DataFrame) -> pd.DataFrame:
    """Keep, per (province, year, stage, funding source), the rows of the preferred budget phase only.

    Why: 'ước thực hiện' and 'quyết toán' of the same year describe the same money; adding them double counts,
    like two grains do. Tables without a `phase` column, or with one phase per group, are returned as they are.
    """
    if df.empty or "phase" not in df.columns:
        return df.copy()
    phase = df["phase"].fillna("").astype(str)
    rank = pd.Series(99, index=df.index)
    for stage, order in PHASE_PREFERENCE.items():
        on_stage = (df["stage"] == stage).to_numpy()
        for i, name in enumerate(order):
            rank[on_stage & (phase == name).to_numpy()] = i
    groups = [df[k].astype("string").fillna("\0") for k in (*GRAIN_KEYS, "funding_source")]
    best = rank.groupby(groups).transform("min")
    return df[(rank == best).to_numpy()].copy()


def _count_projects(d: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Projects behind the support rows of `d` (already at one grain), by `keys`.

    Project rows: distinct (province, source_file, source_sheet, source_row) with a support amount > 0, so a
    project with KCQG and KCĐP money is one project in the total. Allocation rows: the stated n_projects,
    <NA> when any line of the group does not state it.
    """
    s = _support(d)
    s = s[s["amount_vnd"] > 0]
    proj = s[s["record_type"] == "project"]
    key_cols = [c for c in PROJECT_KEY if c in proj.columns]
    if keys:
        pc = proj.drop_duplicates([*keys, *key_cols]).groupby(keys, dropna=False).size().astype("Int64")
    else:
        pc = pd.Series([len(proj.drop_duplicates(key_cols))], dtype="Int64")
    alloc = s[s["record_type"] == "allocation"]

    def _stated(x: pd.Series) -> object:
        return x.sum() if x.notna().all() else pd.NA

    if keys:
        ac = alloc.groupby(keys, dropna=False)["n_projects"].agg(_stated)
    else:
        ac = pd.Series([_stated(alloc["n_projects"])] if len(alloc) else [], dtype="Int64")
    ac = ac.astype("Int64")
    if keys:
        return pc.add(ac, fill_value=0).astype("Int64")
    total = pc.iloc[0] if len(pc) else 0
    return pd.Series([total + (ac.iloc[0] if len(ac) else 0)], dtype="Int64")


# ---- money by year -------------------------------------------------------------------------------------


def support_by_year(df: pd.DataFrame, stage: str | None = None) -> pd.DataFrame:
    """State support (kinh phí khuyến công, excluding counterpart) per year and stage, at one grain.

    Columns: year, stage, support_vnd.
    """
    _require(df, [*GRAIN_KEYS, "record_type", "funding_source", "amount_vnd"], "support_by_year")
    d = _support(_stage_filter(select_grain(df), stage))
    out = d.groupby(["year", "stage"], as_index=False)["amount_vnd"].sum()
    out = out.rename(columns={"amount_vnd": "support_vnd"})
    out["support_vnd"] = out["support_vnd"].astype("int64")
    return _sort(out, ["year", "stage"])


def support_series(df: pd.DataFrame, stage: str = "actual") -> pd.Series:
    """Support of one stage as a Series indexed by year (input for yoy_change and deflate)."""
    t = support_by_year(df, stage)
    return pd.Series(t["support_vnd"].to_numpy(), index=pd.Index(t["year"], name="year"), name="support_vnd")


def yoy_change(series: pd.Series) -> pd.DataFrame:
    """Change on the previous calendar year, in đồng and relative: year, amount_vnd, prev_amount_vnd,
    change_vnd, pct_change (a ratio). A year whose previous year is missing gets <NA>, not a jump."""
    s = series.dropna()
    if s.index.has_duplicates:
        raise ValueError("yoy_change needs one amount per year; aggregate first (e.g. support_series)")
    years = s.index.astype("int64")
    values = (
        pd.array(s.to_numpy(), dtype="Int64")
        if s.dtype.kind in "iu"
        else pd.array(np.round(s.to_numpy(dtype="float64")), dtype="Int64")
    )
    cur = pd.Series(values, index=years).sort_index()
    prev = cur.reindex(cur.index - 1)
    prev.index = cur.index
    change = cur - prev
    pct = (change.astype("Float64") / prev.astype("Float64")).where(prev != 0)
    return pd.DataFrame(
        {
            "year": cur.index.to_numpy(),
            "amount_vnd": cur.array,
            "prev_amount_vnd": prev.astype("Int64").array,
            "change_vnd": change.astype("Int64").array,
            "pct_change": pct.astype("Float64").array,
        }
    )


def _cpi_changes(cpi: pd.DataFrame | pd.Series | None) -> pd.Series:
    if cpi is None:
        cpi = reference_data.cpi()
    if isinstance(cpi, pd.DataFrame):
        _require(cpi, ["year", "cpi_change_pct"], "deflate")
        s = pd.Series(cpi["cpi_change_pct"].to_numpy(dtype="float64"), index=cpi["year"].astype("int64"))
    else:
        s = cpi.astype("float64")
        s.index = s.index.astype("int64")
    s = s.sort_index()
    if len(s) and (s.index.max() - s.index.min() + 1) != len(s):
        raise ValueError("CPI changes must cover consecutive years to be chained into an index")
    return s


def cpi_years(cpi: pd.DataFrame | pd.Series | None = None) -> tuple[int, int] | None:
    """First and last year a real-terms base can be (the years cpi_index covers); None without CPI data."""
    changes = _cpi_changes(cpi)
    if changes.empty:
        return None
    return int(changes.index.min()) - 1, int(changes.index.max())


def cpi_index(base_year: int, cpi: pd.DataFrame | pd.Series | None = None) -> pd.Series:
    """Price index (base_year = 100) chained from annual average CPI changes.

    I(y) = I(y-1) × (1 + change(y)/100); the first covered year's predecessor is the chain's start, so with
    changes for 2010–2024 the index covers 2009–2024.
    """
    changes = _cpi_changes(cpi)
    if changes.empty:
        raise ValueError("no CPI data")
    first = int(changes.index.min()) - 1
    levels = {first: 1.0}
    for year, pct in changes.items():
        levels[int(year)] = levels[int(year) - 1] * (1.0 + pct / 100.0)  # type: ignore[call-overload]
    index = pd.Series(levels, name="cpi_index")
    index.index.name = "year"
    if base_year not in index.index:
        raise ValueError(
            f"base year {base_year} outside the CPI coverage {index.index.min()}–{index.index.max()}"
        )
    return index / index[base_year] * 100.0


def deflate(
    amounts_by_year: pd.Series, base_year: int, cpi: pd.DataFrame | pd.Series | None = None
) -> pd.DataFrame:
    """Nominal amounts in constant base_year đồng: real = nominal × 100 / index(year).

    Columns: year, nominal_vnd, cpi_index (base_year = 100), real_vnd (rounded to đồng). Years outside the
    CPI coverage get <NA> and a warning rather than a silently wrong figure.
    """
    index = cpi_index(base_year, cpi)
    s = amounts_by_year.dropna()
    years = pd.Index(s.index.astype("int64"), name="year")
    idx = index.reindex(years)
    missing = [int(y) for y in years[idx.isna().to_numpy()]]
    if missing:
        warnings.warn(f"no CPI for years {missing}: real amounts left empty", stacklevel=2)
    nominal = s.to_numpy(dtype="float64")
    real = pd.array(np.round(nominal * 100.0 / idx.to_numpy(dtype="float64")), dtype="Float64")
    return pd.DataFrame(
        {
            "year": years.to_numpy(),
            "nominal_vnd": pd.array(np.round(nominal), dtype="Int64"),
            "cpi_index": pd.array(idx.to_numpy(dtype="float64"), dtype="Float64"),
            "real_vnd": real.astype("Int64"),
        }
    )


# ---- sources and leverage ------------------------------------------------------------------------------


def source_split(df: pd.DataFrame, stage: str | None = None) -> pd.DataFrame:
    """Amounts per year, stage and funding source with shares.

    Columns: year, stage, funding_source, amount_vnd, share_of_support (of state support; <NA> for
    counterpart), share_of_total (of support + counterpart). Sources without rows in a year are absent
    (unknown), not zero.
    """
    _require(df, [*GRAIN_KEYS, "record_type", "funding_source", "amount_vnd"], "source_split")
    d = _stage_filter(select_grain(df), stage)
    d = d[d["funding_source"].isin(FUNDING_SOURCES)]
    out = d.groupby(["year", "stage", "funding_source"], as_index=False)["amount_vnd"].sum()
    out["amount_vnd"] = out["amount_vnd"].astype("int64")
    is_support = out["funding_source"].isin(SUPPORT_SOURCES)
    support_total = (
        out["amount_vnd"].where(is_support, 0).groupby([out["year"], out["stage"]]).transform("sum")
    )
    total = out.groupby(["year", "stage"])["amount_vnd"].transform("sum")
    out["share_of_support"] = (out["amount_vnd"] / support_total.where(support_total > 0)).where(is_support)
    out["share_of_total"] = out["amount_vnd"] / total.where(total > 0)
    out = out.astype({"share_of_support": "Float64", "share_of_total": "Float64"})
    return _sort(out, ["year", "stage", "funding_source"])


def leverage(df: pd.DataFrame, by: Sequence[str] = ("year",), stage: str | None = None) -> pd.DataFrame:
    """Counterpart capital per đồng of state support (Bình Dương 2016: 55.306 / 3.918 ≈ 14,1).

    Columns: *by, stage, support_vnd, counterpart_vnd, leverage. counterpart_vnd and leverage are <NA> where
    the group has no counterpart rows (unknown, not zero), leverage also where support is zero.
    """
    keys = list(dict.fromkeys([*by, "stage"]))
    _require(df, [*GRAIN_KEYS, "record_type", "funding_source", "amount_vnd", *keys], "leverage")
    d = _stage_filter(select_grain(df), stage)
    d = d.assign(
        _support=d["amount_vnd"].where(d["funding_source"].isin(SUPPORT_SOURCES), 0),
        _cp=d["amount_vnd"].where(d["funding_source"] == COUNTERPART, 0),
        _has_cp=d["funding_source"] == COUNTERPART,
    )
    g = d.groupby(keys, as_index=False, dropna=False).agg(
        support_vnd=("_support", "sum"), counterpart_vnd=("_cp", "sum"), _has_cp=("_has_cp", "any")
    )
    g["support_vnd"] = g["support_vnd"].astype("Int64")
    g["counterpart_vnd"] = g["counterpart_vnd"].astype("Int64").where(g["_has_cp"])
    ratio = g["counterpart_vnd"].astype("Float64") / g["support_vnd"].astype("Float64")
    g["leverage"] = ratio.where(g["support_vnd"] > 0).astype("Float64")
    return _sort(g.drop(columns="_has_cp"), keys)


def execution_rate(df: pd.DataFrame, by: Sequence[str] = ("year",)) -> pd.DataFrame:
    """Actual support over planned support (tỷ lệ thực hiện so với kế hoạch), per year or year × programme.

    Columns: *by, plan_vnd, actual_vnd, execution_rate (<NA> when either side is missing or the plan is 0).
    """
    keys = [k for k in by if k != "stage"]
    _require(df, [*GRAIN_KEYS, "record_type", "funding_source", "amount_vnd", *keys], "execution_rate")
    d = _support(select_grain(df))
    g = d.groupby([*keys, "stage"], dropna=False)["amount_vnd"].sum().unstack("stage")
    for stage in STAGES:
        if stage not in g.columns:
            g[stage] = np.nan
    g = g[list(STAGES)].dropna(how="all")  # a year with neither plan nor actual (only 'unspecified') says nothing
    out = g.rename(columns={"plan": "plan_vnd", "actual": "actual_vnd"}).reset_index()
    out.columns.name = None
    out["plan_vnd"] = _int64(out["plan_vnd"])
    out["actual_vnd"] = _int64(out["actual_vnd"])
    rate = out["actual_vnd"].astype("Float64") / out["plan_vnd"].astype("Float64")
    out["execution_rate"] = rate.where(out["plan_vnd"] > 0).astype("Float64")
    return _sort(out, keys)


# ---- programmes ----------------------------------------------------------------------------------------


def program_allocation(df: pd.DataFrame, stage: str | None = "plan", year: int | None = None) -> pd.DataFrame:
    """Support by programme per year and stage, largest first, with project counts and shares.

    Columns: year, stage, program ('' = not classified), amount_vnd, n_projects, share.
    """
    _require(
        df, [*GRAIN_KEYS, "record_type", "funding_source", "amount_vnd", "program"], "program_allocation"
    )
    d = _support(_stage_filter(select_grain(df), stage))
    if year is not None:
        d = d[d["year"] == year]
    keys = ["year", "stage", "program"]
    out = d.groupby(keys, as_index=False, dropna=False)["amount_vnd"].sum()
    out["amount_vnd"] = out["amount_vnd"].astype("int64")
    counts = _count_projects(d, keys)
    out["n_projects"] = (
        out.set_index(keys).index.map(counts.to_dict()).astype("Int64")
        if len(out)
        else pd.array([], dtype="Int64")
    )
    total = out.groupby(["year", "stage"])["amount_vnd"].transform("sum")
    out["share"] = (out["amount_vnd"] / total.where(total > 0)).astype("Float64")
    out = out.sort_values(["year", "stage", "amount_vnd"], ascending=[True, True, False], ignore_index=True)
    return out


def _default_stage(df: pd.DataFrame, year: int) -> str:
    stages = set(df.loc[df["year"] == year, "stage"])
    return "actual" if "actual" in stages or not stages else "plan"


def mix_change(
    df: pd.DataFrame, year_a: int, year_b: int, stage_a: str | None = None, stage_b: str | None = None
) -> pd.DataFrame:
    """How the programme mix moved between two years (share of each programme in each year's support).

    A year's stage defaults to actual when it has actual rows, else plan (2016 actual → 2017 plan).
    Columns: program, year_a, stage_a, amount_a_vnd, share_a, year_b, stage_b, amount_b_vnd, share_b,
    share_change (share_b − share_a, in ratio points). A programme absent in one year has 0 there.
    """
    d = _support(select_grain(df))
    stage_a = stage_a or _default_stage(d, year_a)
    stage_b = stage_b or _default_stage(d, year_b)
    a = program_allocation(df, stage_a, year_a).set_index("program")
    b = program_allocation(df, stage_b, year_b).set_index("program")
    programs = list(dict.fromkeys([*b.index, *a.index]))
    out = pd.DataFrame({"program": programs})
    out["year_a"], out["stage_a"] = year_a, stage_a
    out["amount_a_vnd"] = a["amount_vnd"].reindex(programs).fillna(0).astype("int64").to_numpy()
    out["share_a"] = a["share"].reindex(programs).fillna(0).astype("Float64").to_numpy()
    out["year_b"], out["stage_b"] = year_b, stage_b
    out["amount_b_vnd"] = b["amount_vnd"].reindex(programs).fillna(0).astype("int64").to_numpy()
    out["share_b"] = b["share"].reindex(programs).fillna(0).astype("Float64").to_numpy()
    if not len(a):
        out["share_a"] = pd.array([pd.NA] * len(out), dtype="Float64")
    if not len(b):
        out["share_b"] = pd.array([pd.NA] * len(out), dtype="Float64")
    out["share_change"] = (out["share_b"] - out["share_a"]).astype("Float64")
    return out.sort_values(["share_b", "share_a"], ascending=False, ignore_index=True)


def _group_of(scheme: str) -> dict[str, int | None]:
    progs = reference_data.programs()
    col = {"group7_2014_2020": "group7", "qd1881_2021_2025": "qd1881"}[scheme]
    return {c: (None if pd.isna(v) else int(v)) for c, v in zip(progs["code"], progs[col], strict=True)}


def crosswalk_members(scheme: str = "group7_2014_2020") -> dict[int, list[str]]:
    """Group number → programme codes in it, for a crosswalk scheme (from programs.csv)."""
    if scheme not in reference_data.CROSSWALK_SCHEMES:
        raise ValueError(f"scheme must be one of {reference_data.CROSSWALK_SCHEMES}")
    out: dict[int, list[str]] = {}
    for code, group in _group_of(scheme).items():
        if group is not None:
            out.setdefault(group, []).append(code)
    if scheme == "qd1881_2021_2025":
        progs = reference_data.programs()
        for code, item in zip(progs["code"], progs["qd1881_cleaner_production"], strict=True):
            if not pd.isna(item):
                out.setdefault(int(item), []).append(code)
    return dict(sorted(out.items()))


def crosswalk(
    df: pd.DataFrame, scheme: str = "group7_2014_2020", stage: str | None = None, detail: bool = False
) -> pd.DataFrame:
    """Support regrouped into the 7-group layout of 2014–2020 plans or the 7 items of QĐ 1881 (2021–2025).

    For QĐ 1881, demonstration rows whose wording names cleaner production ("sản xuất sạch hơn", "SXSH") go
    to the cleaner-production item. Rows with no programme or 'other' keep group <NA>, so group sums equal
    total support. Columns: year, stage, scheme, group, [program,] amount_vnd.
    """
    if scheme not in reference_data.CROSSWALK_SCHEMES:
        raise ValueError(f"scheme must be one of {reference_data.CROSSWALK_SCHEMES}")
    _require(df, [*GRAIN_KEYS, "record_type", "funding_source", "amount_vnd", "program"], "crosswalk")
    d = _support(_stage_filter(select_grain(df), stage)).copy()
    groups = _group_of(scheme)
    d["group"] = pd.array([groups.get(str(p)) for p in d["program"].fillna("")], dtype="Int64")
    if scheme == "qd1881_2021_2025" and len(d):
        progs = reference_data.programs().set_index("code")["qd1881_cleaner_production"]
        text = (
            d.get("program_label", pd.Series("", index=d.index)).fillna("").astype(str)
            + " "
            + d.get("title", pd.Series("", index=d.index)).fillna("").astype(str)
        ).map(fold)
        cleaner = text.str.contains(CLEANER_PRODUCTION_RE)
        alt = d["program"].map(lambda p: progs.get(p, pd.NA)).astype("Int64")
        d.loc[(cleaner & alt.notna()).to_numpy(), "group"] = alt[cleaner & alt.notna()]
    keys = ["year", "stage", "group", *(["program"] if detail else [])]
    out = d.groupby(keys, as_index=False, dropna=False)["amount_vnd"].sum()
    out["amount_vnd"] = out["amount_vnd"].astype("int64")
    out.insert(2, "scheme", scheme)
    out["group"] = out["group"].astype("Int64")
    return _sort(out, ["year", "stage", "group"])


# ---- places --------------------------------------------------------------------------------------------


def by_district(df: pd.DataFrame, stage: str | None = "actual", year: int | None = None) -> pd.DataFrame:
    """Support by district-level unit, largest first ('' = not attributed, e.g. group projects), per year.

    Columns: year, stage, district, support_vnd, n_projects, share (of the year's support, unattributed
    included).
    """
    _require(df, [*GRAIN_KEYS, "record_type", "funding_source", "amount_vnd", "district"], "by_district")
    d = _support(_stage_filter(select_grain(df), stage)).copy()
    if year is not None:
        d = d[d["year"] == year]
    d["district"] = d["district"].fillna("")
    keys = ["year", "stage", "district"]
    out = d.groupby(keys, as_index=False)["amount_vnd"].sum().rename(columns={"amount_vnd": "support_vnd"})
    out["support_vnd"] = out["support_vnd"].astype("int64")
    counts = _count_projects(d, keys).to_dict()
    out["n_projects"] = pd.array(
        [counts.get(tuple(k)) for k in out[keys].itertuples(index=False)], dtype="Int64"
    )
    total = out.groupby(["year", "stage"])["support_vnd"].transform("sum")
    out["share"] = (out["support_vnd"] / total.where(total > 0)).astype("Float64")
    out["_unknown"] = out["district"] == ""
    out = out.sort_values(
        ["year", "stage", "_unknown", "support_vnd"], ascending=[True, True, True, False], ignore_index=True
    )
    return out.drop(columns="_unknown")


def concentration(df: pd.DataFrame, stage: str | None = "actual") -> pd.DataFrame:
    """How concentrated support is across districts, per year and stage.

    Shares are of the support attributed to a district: top_share is the largest district's share and hhi the
    Herfindahl–Hirschman index Σ share² (1 = one district takes all, 1/n = even). Unattributed support is
    reported beside it (unknown_vnd, unknown_share of all support) instead of being counted as a district.
    """
    bd = by_district(df, stage)
    rows = []
    for (year, stg), g in bd.groupby(["year", "stage"], sort=True):
        known = g[g["district"] != ""]
        known_total = int(known["support_vnd"].sum())
        total = int(g["support_vnd"].sum())
        shares = known["support_vnd"] / known_total if known_total else known["support_vnd"] * 0.0
        top = known.iloc[0] if len(known) else None
        rows.append(
            {
                "year": year,
                "stage": stg,
                "n_districts": len(known),
                "top_district": top["district"] if top is not None else "",
                "top_vnd": int(top["support_vnd"]) if top is not None else pd.NA,
                "top_share": float(shares.iloc[0]) if len(known) and known_total else pd.NA,
                "hhi": float((shares**2).sum()) if known_total else pd.NA,
                "unknown_vnd": total - known_total,
                "unknown_share": (total - known_total) / total if total else pd.NA,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "year",
            "stage",
            "n_districts",
            "top_district",
            "top_vnd",
            "top_share",
            "hhi",
            "unknown_vnd",
            "unknown_share",
        ],
    )
    return _sort(
        out.astype(
            {
                "top_vnd": "Int64",
                "top_share": "Float64",
                "hhi": "Float64",
                "unknown_vnd": "Int64",
                "unknown_share": "Float64",
            }
        ),
        ["year", "stage"],
    )


# ---- projects ------------------------------------------------------------------------------------------


def project_counts(df: pd.DataFrame, stage: str | None = None) -> pd.DataFrame:
    """Number of projects per year and stage, in total and per funding source (support sources only).

    A project row counts once however many sources fund it (counted in each source's line, once in 'total');
    allocation rows contribute their stated n_projects. Columns: year, stage, funding_source ('total' or a
    source), n_projects.
    """
    _require(df, [*GRAIN_KEYS, "record_type", "funding_source", "amount_vnd", "n_projects"], "project_counts")
    d = _support(_stage_filter(select_grain(df), stage))
    total = _count_projects(d, ["year", "stage"]).rename("n_projects").reset_index()
    total.insert(2, "funding_source", "total")
    per = _count_projects(d, ["year", "stage", "funding_source"]).rename("n_projects").reset_index()
    out = pd.concat([total, per], ignore_index=True)
    out["n_projects"] = out["n_projects"].astype("Int64")
    out["funding_source"] = out["funding_source"].astype("string")
    return _sort(out, ["year", "stage", "funding_source"])


def avg_support_per_project(df: pd.DataFrame, stage: str | None = None) -> pd.DataFrame:
    """Average state support per project (support / project count), per year and stage, rounded to đồng.

    Columns: year, stage, support_vnd, n_projects, avg_support_vnd (<NA> when the count is unknown or 0).
    """
    s = support_by_year(df, stage)
    c = project_counts(df, stage)
    c = c[c["funding_source"] == "total"][["year", "stage", "n_projects"]]
    out = s.merge(c, on=["year", "stage"], how="left")
    out["n_projects"] = out["n_projects"].astype("Int64")
    avg = out["support_vnd"].astype("Float64") / out["n_projects"].astype("Float64")
    out["avg_support_vnd"] = avg.where(out["n_projects"] > 0).round().astype("Int64")
    return out


# ---- published figures ---------------------------------------------------------------------------------


_PUBLISHED_OPTIONAL = ("program", "n_projects", "amount_vnd", "count", "value_as_printed", "unit_as_printed",
                       "qualifier", "source", "quote", "note")


def _published(published: pd.DataFrame | None) -> pd.DataFrame:
    """Published figures, with the optional columns of published_figures.csv present (empty when absent)."""
    if published is None:
        return reference_data.published_figures()
    missing = [c for c in _PUBLISHED_OPTIONAL if c not in published.columns]
    return published.assign(**{c: pd.NA for c in missing}) if missing else published


def collaborators(published: pd.DataFrame | None = None, province: str | None = None) -> pd.DataFrame:
    """The collaborator network (cộng tác viên khuyến công) over time, from published figures.

    Columns: province, year, total, district, commune, target (a planned total for that year), source.
    Counts are Int64, <NA> where not published.
    """
    p = _published(published)
    p = p[p["metric"].isin(["collaborators", "collaborators_district", "collaborators_commune"])]
    if province is not None:
        p = for_province(p, province)
    rows: dict[tuple[str, int], dict[str, object]] = {}
    for r in p.itertuples(index=False):
        key = (str(r.province), int(r.year_end))
        row = rows.setdefault(
            key,
            {
                "province": key[0],
                "year": key[1],
                "total": pd.NA,
                "district": pd.NA,
                "commune": pd.NA,
                "target": pd.NA,
                "source": [],
            },
        )
        if r.stage == "plan" and r.metric == "collaborators":
            row["target"] = r.count
        elif r.stage == "actual":
            row[
                {
                    "collaborators": "total",
                    "collaborators_district": "district",
                    "collaborators_commune": "commune",
                }[str(r.metric)]
            ] = r.count
        else:
            continue
        if r.source not in row["source"]:  # type: ignore[operator]
            row["source"].append(r.source)  # type: ignore[union-attr]
    out = pd.DataFrame(
        list(rows.values()), columns=["province", "year", "total", "district", "commune", "target", "source"]
    )
    out["source"] = out["source"].map("; ".join).astype("string")
    # A total that is not published but whose parts are is their sum.
    for col in ("total", "district", "commune", "target"):
        out[col] = out[col].astype("Int64")
    parts = out["district"] + out["commune"]
    out["total"] = out["total"].fillna(parts)
    out["year"] = out["year"].astype("int64")
    return out.sort_values(["province", "year"], ignore_index=True)


def compare_provinces(
    published: pd.DataFrame | None = None,
    stage: str | None = None,
    provinces: Iterable[str] | None = None,
    scope: str | Sequence[str] = "province",
) -> pd.DataFrame:
    """Provinces' published support figures side by side, mapped to the 2025 provinces.

    scope: 'province' (default), 'region' or 'national' (or several): regions and the whole country are
    listed the same way, with the region's name in `province` and an empty `province_2025`.
    One row per (province, period, stage). total_vnd is the published total when there is one, else
    national + local (total_basis 'sum_of_sources'), else the one known source as a lower bound ('partial').
    per_year_vnd divides multi-year periods by their length so a five-year total is not read as one year.
    approximate is True when a figure was printed with 'hơn', 'gần', 'khoảng'.
    """
    p = _published(published)
    scopes = [scope] if isinstance(scope, str) else list(scope)
    p = p[(p["scope"].isin(scopes)) & (p["metric"].isin(["support", "counterpart"]))]
    p = _stage_filter(p, stage)
    if provinces is not None:
        keys = {reference_data.province_key(x) for x in provinces}
        p = p[p["province"].map(reference_data.province_key).isin(keys)]
    rows = []
    for (prov, y0, y1, stg), g in p.groupby(["province", "year_start", "year_end", "stage"], sort=False):

        def amount(sources: tuple[str, ...], metric: str = "support", _g: pd.DataFrame = g) -> object:
            hit = _g[(_g["metric"] == metric) & _g["funding_source"].isin(sources)]
            return hit["amount_vnd"].iloc[0] if len(hit) else pd.NA

        def count(sources: tuple[str, ...], _g: pd.DataFrame = g) -> object:
            hit = _g[(_g["metric"] == "support") & _g["funding_source"].isin(sources)]
            return hit["n_projects"].iloc[0] if len(hit) else pd.NA

        national, local = amount(("national",)), amount(("local",))
        # 'state_budget' is the state money alone: prefer it to a 'total' that may include the establishments'
        # own funds (Lào Cai 2021–2025: total 117.866 = state budget 64.841 + counterpart 53.025 triệu).
        state = amount(("state_budget",))
        total = state if not pd.isna(state) else amount(("total", "unspecified"))
        if not pd.isna(total):
            basis = "published"
        elif not pd.isna(national) and not pd.isna(local):
            total, basis = national + local, "sum_of_sources"  # type: ignore[operator]
        elif not pd.isna(national) or not pd.isna(local):
            total, basis = (local if pd.isna(national) else national), "partial"
        else:
            basis = "none"
        n = count(("total", "unspecified"))
        if pd.isna(n):
            n_nat, n_loc = count(("national",)), count(("local",))
            n = n_nat + n_loc if not (pd.isna(n_nat) or pd.isna(n_loc)) else pd.NA  # type: ignore[operator]
        qualifiers = sorted({q for q in g["qualifier"] if q})
        n_years = int(y1) - int(y0) + 1
        rows.append(
            {
                "province": prov,
                "scope": str(g["scope"].iloc[0]),
                "province_2025": reference_data.province_2025(str(prov)) or "",
                "year_start": int(y0),
                "year_end": int(y1),
                "period": str(y0) if y0 == y1 else f"{y0}–{y1}",
                "n_years": n_years,
                "stage": stg,
                "national_vnd": national,
                "local_vnd": local,
                "total_vnd": total,
                "total_basis": basis,
                "per_year_vnd": pd.NA if pd.isna(total) else round(int(total) / n_years),  # type: ignore[call-overload]
                "counterpart_vnd": amount(("counterpart",), "counterpart"),
                "n_projects": n,
                "approximate": any(q in ("over", "nearly", "about") for q in qualifiers),
                "qualifiers": ";".join(qualifiers),
                "source": "; ".join(dict.fromkeys(g["source"])),
            }
        )
    cols = [
        "scope",
        "province",
        "province_2025",
        "year_start",
        "year_end",
        "period",
        "n_years",
        "stage",
        "national_vnd",
        "local_vnd",
        "total_vnd",
        "total_basis",
        "per_year_vnd",
        "counterpart_vnd",
        "n_projects",
        "approximate",
        "qualifiers",
        "source",
    ]
    out = pd.DataFrame(rows, columns=cols)
    for col in ("national_vnd", "local_vnd", "total_vnd", "per_year_vnd", "counterpart_vnd", "n_projects"):
        out[col] = out[col].astype("Int64")
    out["approximate"] = out["approximate"].astype(bool)
    return out.sort_values(
        ["province_2025", "province", "year_start", "stage"],
        key=lambda c: c.map(fold) if c.dtype != "int64" else c,
        ignore_index=True,
    )


def _printed_tolerance(value_as_printed: str, unit_as_printed: str) -> int:
    """Half a unit of the last digit a figure was printed with ('3.918' triệu → 500 000 đồng; '2,52' tỷ →
    5 000 000 đồng), so a rounded published figure still matches the exact sum of the rows. 0 when unknown."""
    from analysis.ingest.numbers import detect_unit

    unit = detect_unit(unit_as_printed or "")
    if unit is None:
        return 0
    unit_vnd = unit.multiplier
    digits = re.sub(r"[^\d.,]", "", value_as_printed or "")
    decimals = len(digits.split(",", 1)[1]) if "," in digits else 0
    return unit_vnd // (2 * 10**decimals)


def check_against_published(df: pd.DataFrame, published: pd.DataFrame | None, province: str) -> pd.DataFrame:
    """Each published single-year figure of `province` next to the same figure computed from the tidy table.

    `program` is <NA> for figures that are not about one programme. Checked: support (total, or 'unspecified' = source not stated, compared with total support; national;
    local), counterpart capital, support by programme and project counts, for the years the table holds.
    Figures the table cannot give (collaborators, multi-year totals) are left out. An amount matches when it
    differs by at most half a unit of the last printed digit ('3.918 triệu' ± 0,5 triệu); a published project
    count must be equal. Columns: year, stage, metric, funding_source, program, published_vnd, computed_vnd,
    difference_vnd, published_n_projects, computed_n_projects, match (<NA> when the data has no figure),
    qualifier, source.
    """
    p = for_province(_published(published), province)
    p = p[
        (p["scope"] == "province")
        & (p["year_start"] == p["year_end"])
        & p["metric"].isin(["support", "counterpart", "program_allocation", "n_projects"])
        & p["stage"].isin(STAGES)
    ]
    d = for_province(df, province)
    p = p[p["year_end"].isin(set(d["year"].astype("int64")))]
    by_source = source_split(d)
    counts = project_counts(d)
    columns = [
        "year",
        "stage",
        "metric",
        "funding_source",
        "program",
        "published_vnd",
        "computed_vnd",
        "difference_vnd",
        "published_n_projects",
        "computed_n_projects",
        "match",
        "qualifier",
        "source",
    ]
    rows = []
    for r in p.itertuples(index=False):
        year, stage, src = int(r.year_end), str(r.stage), str(r.funding_source)
        here = (by_source["year"] == year) & (by_source["stage"] == stage)
        n_src = "total" if src in ("total", "unspecified") else src
        n_hit = counts[
            (counts["year"] == year) & (counts["stage"] == stage) & (counts["funding_source"] == n_src)
        ]
        computed_n: object = n_hit["n_projects"].iloc[0] if len(n_hit) else pd.NA
        if r.metric == "program_allocation":
            alloc = program_allocation(d, stage, year)
            hit = alloc[alloc["program"] == r.program]
            computed: object = int(hit["amount_vnd"].iloc[0]) if len(hit) else pd.NA
            computed_n = hit["n_projects"].iloc[0] if len(hit) else pd.NA
        elif r.metric == "counterpart":
            hit = by_source[here & (by_source["funding_source"] == COUNTERPART)]
            computed = int(hit["amount_vnd"].sum()) if len(hit) else pd.NA
        elif r.metric == "n_projects":
            computed = pd.NA
        elif src in ("total", "unspecified"):
            hit = by_source[here & by_source["funding_source"].isin(SUPPORT_SOURCES)]
            computed = int(hit["amount_vnd"].sum()) if len(hit) else pd.NA
        elif src in SUPPORT_SOURCES:
            hit = by_source[here & (by_source["funding_source"] == src)]
            computed = int(hit["amount_vnd"].sum()) if len(hit) else pd.NA
        else:
            continue
        if r.metric == "counterpart":
            computed_n = pd.NA
        published_n = r.n_projects
        checks: list[bool] = []
        if not pd.isna(r.amount_vnd):
            if pd.isna(computed):
                checks = []
            else:
                tol = _printed_tolerance(str(r.value_as_printed), str(r.unit_as_printed))
                checks.append(abs(int(computed) - int(r.amount_vnd)) <= tol)  # type: ignore[call-overload]
        if not pd.isna(published_n) and not pd.isna(computed_n):
            checks.append(int(published_n) == int(computed_n))  # type: ignore[call-overload]
        known = (pd.isna(r.amount_vnd) or not pd.isna(computed)) and (
            pd.isna(published_n) or not pd.isna(computed_n)
        )
        rows.append(
            {
                "year": year,
                "stage": stage,
                "metric": str(r.metric),
                "funding_source": src,
                "program": str(r.program) or pd.NA,
                "published_vnd": r.amount_vnd,
                "computed_vnd": computed,
                "difference_vnd": pd.NA
                if pd.isna(computed) or pd.isna(r.amount_vnd)
                else int(computed) - int(r.amount_vnd),  # type: ignore[call-overload]
                "published_n_projects": published_n,
                "computed_n_projects": computed_n,
                "match": all(checks) if checks and known else pd.NA,
                "qualifier": str(r.qualifier),
                "source": str(r.source),
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    for col in (
        "published_vnd",
        "computed_vnd",
        "difference_vnd",
        "published_n_projects",
        "computed_n_projects",
    ):
        out[col] = out[col].astype("Int64")
    out["program"] = out["program"].astype("string")
    out["match"] = out["match"].astype("boolean")
    out["year"] = out["year"].astype("int64")
    # Read like the report: each year's total first, then its sources, programmes, counterpart capital.
    metric_order = {"support": 0, "n_projects": 1, "program_allocation": 2, "counterpart": 3}
    source_order = {"total": 0, "unspecified": 0, "national": 1, "local": 2}
    out = out.assign(
        _m=out["metric"].map(metric_order).fillna(9), _s=out["funding_source"].map(source_order).fillna(9)
    )
    out = _sort(out, ["year", "stage", "_m", "_s"])
    return out.drop(columns=["_m", "_s"])


# ---- summary tables (one row per year or district, for notebooks and slides) ----------------------------


def years_with(df: pd.DataFrame, stage: str | None = None) -> list[int]:
    """The years that have support rows of `stage` (any stage when None), ascending."""
    d = _support(_stage_filter(df, stage))
    return sorted(int(y) for y in d["year"].unique())


def latest_year(df: pd.DataFrame, stage: str | None = None) -> int | None:
    """The latest year with support rows of `stage` (any stage when None); None when there is none."""
    years = years_with(df, stage)
    return years[-1] if years else None


def mix_pairs(df: pd.DataFrame) -> list[tuple[int, int]]:
    """The two comparisons of the programme mix a review meeting asks for: the first against the latest
    actual year (the trend over the period) and the latest actual year against the next year's plan (what
    the meeting decides). Pairs whose years are missing or equal are left out."""
    actual, plan = years_with(df, "actual"), years_with(df, "plan")
    pairs: list[tuple[int, int]] = []
    if len(actual) > 1:
        pairs.append((actual[0], actual[-1]))
    if actual and actual[-1] + 1 in plan:
        pairs.append((actual[-1], actual[-1] + 1))
    return pairs


def yearly_summary(
    df: pd.DataFrame, base_year: int, cpi: pd.DataFrame | pd.Series | None = None
) -> pd.DataFrame:
    """One row per year: plan, actual, execution rate, change on the previous year (nominal and in constant
    base_year prices), projects and average support per project (actual).

    Columns: year, plan_vnd, actual_vnd, execution_rate, change_vnd, pct_change, real_vnd, pct_change_real,
    n_projects, avg_support_vnd. Figures a year lacks are <NA> (a plan-only year has no change).
    """
    out = execution_rate(df)[["year", "plan_vnd", "actual_vnd", "execution_rate"]]
    actual = support_series(df, "actual")
    yoy = yoy_change(actual)[["year", "change_vnd", "pct_change"]]
    real = deflate(actual, base_year, cpi)[["year", "real_vnd"]] if len(actual) else None
    if real is not None:
        real_yoy = yoy_change(pd.Series(real["real_vnd"].to_numpy(), index=real["year"]).dropna())
        real = real.merge(
            real_yoy[["year", "pct_change"]].rename(columns={"pct_change": "pct_change_real"}),
            on="year",
            how="left",
        )
    else:
        real = pd.DataFrame({"year": [], "real_vnd": [], "pct_change_real": []})
    avg = avg_support_per_project(df, "actual")[["year", "n_projects", "avg_support_vnd"]]
    for part in (yoy, real, avg):
        out = out.merge(part.astype({"year": "int64"}), on="year", how="left")
    types = {c: "Int64" for c in ("change_vnd", "real_vnd", "n_projects", "avg_support_vnd")}
    types |= {c: "Float64" for c in ("pct_change", "pct_change_real", "execution_rate")}
    return out.astype(types).sort_values("year", ignore_index=True)


def sources_by_year(df: pd.DataFrame, stage: str = "actual") -> pd.DataFrame:
    """One row per year: support by source (KCQG, KCĐP and any other), total support, counterpart capital,
    the KCQG share of support and the leverage (counterpart / support).

    Columns: year, national_vnd, local_vnd, [unspecified_vnd, other_vnd when present], support_vnd,
    counterpart_vnd, national_share, leverage. A source absent in a year is <NA> (not stated), not 0.
    """
    split = source_split(df, stage)
    wide = split.pivot_table(index="year", columns="funding_source", values="amount_vnd", aggfunc="sum")
    present = [s for s in SUPPORT_SOURCES if s in wide.columns and s not in ("national", "local")]
    cols = ["national", "local", *present]
    wide = wide.reindex(columns=[*cols, COUNTERPART])
    out = pd.DataFrame({"year": wide.index.astype("int64")})
    for col in cols:
        out[f"{col}_vnd"] = _int64(wide[col]).array
    support = support_by_year(df, stage).set_index("year")["support_vnd"]
    out["support_vnd"] = pd.array(support.reindex(out["year"]).to_numpy(), dtype="Int64")
    out["counterpart_vnd"] = _int64(wide[COUNTERPART]).array
    out["national_share"] = (
        out["national_vnd"].astype("Float64")
        / out["support_vnd"].astype("Float64").where(out["support_vnd"] > 0)
    ).astype("Float64")
    lev = leverage(df, ["year"], stage).set_index("year")["leverage"]
    out["leverage"] = pd.array(lev.reindex(out["year"]).to_numpy(), dtype="Float64")
    return out


def district_matrix(df: pd.DataFrame, stage: str = "actual") -> pd.DataFrame:
    """Support by district (rows) and year (columns '<year>_vnd'), with the total over the years, its share
    and the number of projects over the years; largest total first, 'not attributed' ('') last.

    Columns: district, <year>_vnd…, total_vnd, share, n_projects.
    """
    bd = by_district(df, stage)
    years = sorted(int(y) for y in bd["year"].unique())
    wide = bd.pivot_table(index="district", columns="year", values="support_vnd", aggfunc="sum")
    out = pd.DataFrame({"district": wide.index.astype(str)})
    for y in years:
        out[f"{y}_vnd"] = _int64(wide[y]).array
    out["total_vnd"] = pd.array(wide.sum(axis=1).to_numpy(), dtype="Int64")
    total = out["total_vnd"].sum()
    out["share"] = (out["total_vnd"].astype("Float64") / total if total else out["total_vnd"] * pd.NA).astype(
        "Float64"
    )
    n = bd.groupby("district")["n_projects"].sum(min_count=1)
    out["n_projects"] = pd.array(n.reindex(out["district"]).to_numpy(), dtype="Int64")
    out["_unknown"] = out["district"] == ""
    out = out.sort_values(["_unknown", "total_vnd"], ascending=[True, False], ignore_index=True)
    return out.drop(columns="_unknown")


def _has_flag(df: pd.DataFrame, flag: str) -> pd.Series:
    return df["flags"].fillna("").astype(str).str.split(";").map(lambda fs: flag in fs).astype(bool)


def confirmed(df: pd.DataFrame, include_unconfirmed: bool = False) -> pd.DataFrame:
    """The rows headline numbers may use: those whose sheet's own totals do not contradict them.

    Why: a wrong number is worse than a missing one. A record flagged 'unconfirmed' (its sheet's totals do not
    match its lines, or some of its amount rows could not be read) stays in the table and in `needs_attention`,
    but leaves the headline figures unless the analyst asks for it (``include_unconfirmed=True``).
    """
    _require(df, ["flags"], "confirmed")
    if include_unconfirmed or df.empty:
        return df
    return df[~_has_flag(df, UNCONFIRMED_FLAG).to_numpy()]


def needs_attention(df: pd.DataFrame) -> pd.DataFrame:
    """Per sheet, the records an analyst must look at before quoting a figure: no stage (neither plan nor
    actual), no year, no province, or not confirmed by the sheet's own totals.

    Columns: source_file, source_sheet, n_records, amount_vnd, stage_unspecified, year_unspecified,
    province_unspecified, unconfirmed (counts of records), largest first. Empty when every record is complete.
    """
    _require(df, ["source_file", "source_sheet", "stage", "year", "province", "flags", "amount_vnd"],
             "needs_attention")
    counts = pd.DataFrame({
        "source_file": df["source_file"].to_numpy(),
        "source_sheet": df["source_sheet"].to_numpy(),
        "amount_vnd": df["amount_vnd"].to_numpy(),
        "stage_unspecified": (df["stage"] == UNSPECIFIED_STAGE).to_numpy(),
        "year_unspecified": df["year"].isna().to_numpy(),
        "province_unspecified": (df["province"].fillna("") == "").to_numpy(),
        "unconfirmed": _has_flag(df, UNCONFIRMED_FLAG).to_numpy(),
    })
    gaps = ["stage_unspecified", "year_unspecified", "province_unspecified", "unconfirmed"]
    counts = counts[counts[gaps].any(axis=1)]
    out = counts.groupby(["source_file", "source_sheet"], as_index=False, sort=False).agg(
        n_records=("amount_vnd", "size"), amount_vnd=("amount_vnd", "sum"), **{g: (g, "sum") for g in gaps}
    )
    out = out.astype({c: "int64" for c in ["n_records", "amount_vnd", *gaps]})
    return out.sort_values(["amount_vnd", "source_file"], ascending=[False, True], ignore_index=True)


def flag_counts(df: pd.DataFrame) -> pd.DataFrame:
    """How many rows of the tidy table carry each reading flag (docs/tidy_table.md: approximate, unit in the
    cell, ambiguous number, above a ceiling…) and the amount they hold, most frequent first.

    Columns: flag, n_rows, amount_vnd. Empty when no row is flagged.
    """
    _require(df, ["flags", "amount_vnd"], "flag_counts")
    flags = df["flags"].fillna("").astype(str).str.split(";")
    d = pd.DataFrame({"flag": flags, "amount_vnd": df["amount_vnd"].to_numpy()}).explode("flag")
    d = d[d["flag"].str.strip() != ""]
    out = d.groupby("flag", as_index=False).agg(n_rows=("flag", "size"), amount_vnd=("amount_vnd", "sum"))
    out = out.astype({"n_rows": "int64", "amount_vnd": "int64"})
    return out.sort_values(["n_rows", "flag"], ascending=[False, True], ignore_index=True)


def coverage(df: pd.DataFrame) -> pd.DataFrame:
    """What the table holds per year and stage, and which grain the metrics use (select_grain).

    Columns: year, stage, grain ('project' or 'allocation'), n_files, n_rows (all rows), n_rows_used (rows at
    that grain; the others describe the same money and are not added), n_projects, support_vnd,
    counterpart_vnd (<NA> when no counterpart figures).
    """
    _require(df, [*GRAIN_KEYS, "record_type", "funding_source", "amount_vnd", "source_file"], "coverage")
    used = select_grain(df)
    keys = ["year", "stage"]
    allrows = df.groupby(keys).agg(n_files=("source_file", "nunique"), n_rows=("amount_vnd", "size"))
    kept = used.groupby(keys).agg(
        grain=("record_type", lambda s: "project" if (s == "project").any() else "allocation"),
        n_rows_used=("amount_vnd", "size"),
    )
    out = allrows.join(kept).reset_index()
    support = support_by_year(df).set_index(keys)["support_vnd"]
    cp = source_split(df)
    cp = cp[cp["funding_source"] == COUNTERPART].set_index(keys)["amount_vnd"]
    counts = project_counts(df)
    counts = counts[counts["funding_source"] == "total"].set_index(keys)["n_projects"]
    idx = pd.MultiIndex.from_frame(out[keys])
    out["n_projects"] = pd.array(counts.reindex(idx).to_numpy(), dtype="Int64")
    out["support_vnd"] = pd.array(support.reindex(idx).to_numpy(), dtype="Int64")
    out["counterpart_vnd"] = pd.array(cp.reindex(idx).to_numpy(), dtype="Int64")
    out = out.astype({"n_files": "int64", "n_rows": "int64", "n_rows_used": "int64"})
    cols = ["year", "stage", "grain", "n_files", "n_rows", "n_rows_used", "n_projects", "support_vnd"]
    return _sort(out[[*cols, "counterpart_vnd"]], keys)


def program_matrix(df: pd.DataFrame) -> pd.DataFrame:
    """Support by programme (rows) for every year and stage in the table (columns '<year>_<stage>_vnd', plan
    before actual), largest in the latest column first, 'not classified' ('') last; <NA> where a year and
    stage has no such programme."""
    pa = program_allocation(df, stage=None)
    cols = _sort(pa[["year", "stage"]].drop_duplicates(), ["year", "stage"])
    wide = pa.pivot_table(index="program", columns=["year", "stage"], values="amount_vnd", aggfunc="sum")
    out = pd.DataFrame({"program": wide.index.astype(str)})
    names = []
    for y, stg in cols.itertuples(index=False):
        name = f"{y}_{stg}_vnd"
        out[name] = _int64(wide[(y, stg)]).array
        names.append(name)
    if names:
        out["_unknown"] = out["program"] == ""
        out = out.sort_values(["_unknown", names[-1]], ascending=[True, False], na_position="last")
        out = out.drop(columns="_unknown").reset_index(drop=True)
    return out
