"""Cached, typed loaders for the reference tables shipped with the package and the published figures.

Why: metrics, charts and the brief all need the programme taxonomy, the CPI, the 2025 province crosswalk and
the published figures; reading them in one place gives one set of dtypes (amounts Int64, years int) and NFC
text, so a comparison never fails on a decomposed tone mark. Loaders return copies: callers may mutate them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis import config, vocab
from analysis.text import fold, nfc

PROGRAM_CODES: tuple[str, ...] = (
    "training",
    "management",
    "demonstration",
    "products",
    "consulting",
    "information",
    "cooperation",
    "international",
    "capacity",
    "other",
)
CROSSWALK_SCHEMES: tuple[str, ...] = ("group7_2014_2020", "qd1881_2021_2025")


def _read_text_csv(path: Path) -> pd.DataFrame:
    """Read every column as text ('' for empty cells), NFC-normalised; the file is read by analysis.vocab."""
    header, rows = vocab.read_table(path)
    df = pd.DataFrame([[row.get(col, "") for col in header] for row in rows], columns=list(header), dtype=object)
    for col in df.columns:
        df[col] = df[col].map(nfc).astype("string")
    return df


def _leading_int(value: str) -> int | None:
    m = re.match(r"\s*(\d+)", value or "")
    return int(m.group(1)) if m else None


@lru_cache(maxsize=4)
def _programs(path: str) -> pd.DataFrame:
    df = _read_text_csv(Path(path))
    # Crosswalk columns as integers; the QĐ 1881 column may read "1 (cleaner production: 2)".
    df["group7"] = pd.array([_leading_int(v) for v in df["group7_2014_2020"]], dtype="Int64")
    df["qd1881"] = pd.array([_leading_int(v) for v in df["qd1881_item_2021_2025"]], dtype="Int64")
    cleaner = [re.search(r"cleaner production:\s*(\d+)", v) for v in df["qd1881_item_2021_2025"]]
    df["qd1881_cleaner_production"] = pd.array(
        [int(m.group(1)) if m else None for m in cleaner], dtype="Int64"
    )
    return df


def programs(path: Path | None = None) -> pd.DataFrame:
    """The programme taxonomy (code, names, Decree 45 article) with both crosswalks as Int64 columns.

    Columns added to the CSV: `group7` (2014–2020 plan layout), `qd1881` (item of the 2021–2025 national
    programme) and `qd1881_cleaner_production` (the item cleaner-production pilots go to, when they differ).
    """
    return _programs(str(path or config.REFERENCE_DIR / "programs.csv")).copy()


def program_names(lang: str = "vi") -> dict[str, str]:
    """Programme code → full name in Vietnamese (`name_vi`) or English (`name_en`)."""
    col = "name_vi" if lang == "vi" else "name_en"
    df = programs()
    return dict(zip(df["code"], df[col], strict=True))


@lru_cache(maxsize=4)
def _cpi(path: str) -> pd.DataFrame:
    df = _read_text_csv(Path(path))
    out = pd.DataFrame(
        {
            "year": df["year"].astype("int64"),
            "cpi_change_pct": df["cpi_change_pct"].astype("float64"),
            "source": df["source"],
        }
    )
    return out.sort_values("year", ignore_index=True)


def cpi(path: Path | None = None) -> pd.DataFrame:
    """Vietnam's annual average CPI change (percent) by year, with its source."""
    return _cpi(str(path or config.REFERENCE_DIR / "cpi_vietnam.csv")).copy()


@lru_cache(maxsize=4)
def _provinces_2025(path: str) -> pd.DataFrame:
    return _read_text_csv(Path(path))


def provinces_2025(path: Path | None = None) -> pd.DataFrame:
    """The 34 provinces after 12/06/2025 with the pre-2025 provinces each absorbed (';'-separated)."""
    return _provinces_2025(str(path or config.REFERENCE_DIR / "provinces_2025.csv")).copy()


@lru_cache(maxsize=1)
def _province_key_prefix_re() -> re.Pattern[str]:
    """'Thành phố ', 'TP. ', 'Tỉnh ' … before a folded province name (vocab/place_words.csv: province_key_prefix)."""
    return re.compile(rf"^(?:{vocab.alternation(vocab.folded_words('place_words', 'province_key_prefix'))})\s+")


def province_key(name: str) -> str:
    """A matching key for a province name: folded, without 'Tỉnh'/'TP.' prefixes, dashes and spaces unified.

    So 'TP. Hồ Chí Minh', 'Thành phố Hồ Chí Minh' and 'Hồ Chí Minh' match, as do 'Bà Rịa - Vũng Tàu' and
    'Bà Rịa–Vũng Tàu'; 'Thừa Thiên Huế' keeps its own key.
    """
    key = fold(nfc(name))
    key = re.sub(r"[\u2010-\u2015\-]+", "-", key)
    key = re.sub(r"\s*-\s*", "-", key)
    key = _province_key_prefix_re().sub("", key)
    return key.strip()


@lru_cache(maxsize=1)
def _crosswalk_by_key() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for new, olds in zip(
        provinces_2025()["province_after_2025"], provinces_2025()["provinces_before_2025"], strict=True
    ):
        for old in olds.split(";"):
            old = nfc(old)
            if old:
                out[province_key(old)] = (old, new)
    for new in provinces_2025()["province_after_2025"]:  # names valid after 2025 map to themselves
        out.setdefault(province_key(new), (new, new))
    return out


def province_crosswalk() -> dict[str, str]:
    """Pre-2025 province name (canonical spelling) → the 2025 province it belongs to."""
    df = provinces_2025()
    out: dict[str, str] = {}
    for new, olds in zip(df["province_after_2025"], df["provinces_before_2025"], strict=True):
        for old in olds.split(";"):
            if nfc(old):
                out[nfc(old)] = new
    return out


def provinces_before_2025() -> list[str]:
    """The 63 province-level names in use before the 2025 reorganisation."""
    return sorted(province_crosswalk(), key=fold)


def province_2025(name: str) -> str | None:
    """The 2025 province for a historic (or current) name, tolerant of prefixes and dashes; None if unknown."""
    hit = _crosswalk_by_key().get(province_key(name))
    return hit[1] if hit else None


def canonical_province(name: str) -> str | None:
    """The canonical pre-2025 spelling of a province name ('TP. Hồ Chí Minh' → 'Hồ Chí Minh'); None if unknown."""
    hit = _crosswalk_by_key().get(province_key(name))
    return hit[0] if hit else None


@lru_cache(maxsize=4)
def _districts(path: str) -> pd.DataFrame:
    return _read_text_csv(Path(path))


def binh_duong_districts(path: Path | None = None) -> pd.DataFrame:
    """Bình Dương's 9 district-level units (bare names, kind in 2017 and 2024, creation and city dates)."""
    return _districts(str(path or config.REFERENCE_DIR / "binh_duong_districts.csv")).copy()


_PUBLISHED_INT_COLS = ("n_projects", "amount_vnd", "count")


@lru_cache(maxsize=8)
def _published(path: str, mtime: float) -> pd.DataFrame:
    df = _read_text_csv(Path(path))
    for col in ("year_start", "year_end"):
        df[col] = pd.to_numeric(df[col], errors="raise").astype("int64")
    for col in _PUBLISHED_INT_COLS:
        df[col] = pd.to_numeric(df[col].replace("", None), errors="raise").astype("Int64")
    return df


def published_figures(path: Path | None = None) -> pd.DataFrame:
    """Figures published in reports and the press, with their sources (config.PUBLISHED_FIGURES by default).

    Types: year_start/year_end int64; amount_vnd, count, n_projects Int64 (missing = <NA>); text NFC ('' when
    empty). Cached per file and modification time, so an edited CSV is re-read.
    """
    p = Path(path or config.PUBLISHED_FIGURES)
    if not p.exists():
        raise FileNotFoundError(
            f"published figures not found at {p}; set KHUYENCONG_PUBLISHED_FIGURES or pass a path"
        )
    return _published(str(p.resolve()), p.stat().st_mtime).copy()
