"""A sheet's province, year, stage (with its phase) and funding source: which text says it, in one place.

Precedence, highest first: the command line, ``khuyencong.yaml``, then the first text that names it, in the
order the caller gives (the sheet's own title, the workbook's titles, the sheet name, the file name, its
folders, the lines beside the title). A disagreement among the sheet's own texts is kept as a conflict so
the sheet report can say which rule won and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..text import fold, nfc
from . import classify

if TYPE_CHECKING:
    from .overrides import FileOverrides
    from .process import IngestOptions

_DATE_OR_NUMBER_RE = re.compile(
    r"ngay\s*[\d.…/ ]*\s*thang\s*[\d.…/ ]*\s*nam\s*\d{0,4}|\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|so\s*:?\s*[\w./-]*\d[\w./-]*"
)

_OWN_TEXTS = ("title", "sheet name", "file name", "title side lines")  # a disagreement among these is reported
_NAMES = ("sheet name", "file name", "folder")  # read as tokens ('KH_2023', 'TH2022')
_GIVEN = ("command line", "khuyencong.yaml")


def side_text_year(text: str) -> int | None:
    """The year a 'Kèm theo Quyết định số 12/2023/QĐ-UBND ngày 5/3/2023 … năm 2023' line names for the table:
    dates and document numbers removed first (their years are the decision's, not the table's)."""
    return classify.detect_year(_DATE_OR_NUMBER_RE.sub(" ", fold(text)))


@dataclass(frozen=True)
class SheetContextFound:
    """What :func:`detect_context` decided for one sheet, each value with where it came from ('' if nowhere)."""

    province: str = ""
    province_from: str = ""
    year: int | None = None
    year_from: str = ""
    stage: str = ""
    stage_from: str = ""
    phase: str = ""
    funding_source: str = ""
    conflicts: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)  # key → [(where, value)]

    def sheet_fields(self) -> dict[str, Any]:
        """The fields of the sheet step's context that this decides."""
        return {"province": self.province, "province_from": self.province_from, "year": self.year,
                "year_from": self.year_from, "stage": self.stage, "stage_from": self.stage_from,
                "phase": self.phase, "funding_source": self.funding_source}

    def report_fields(self) -> dict[str, Any]:
        """What the sheet report says of the decision (after the sheet step's own fields)."""
        return {
            "province_from": self.province_from, "year_from": self.year_from, "stage_from": self.stage_from,
            "phase": self.phase, "funding_source": self.funding_source,
            "context_conflicts": {key: [{"from": where, "value": value} for where, value in others]
                                  for key, others in self.conflicts.items()},
        }


def _given(options: IngestOptions, overrides: FileOverrides) -> dict[str, tuple[Any, str]]:
    """What the command line and khuyencong.yaml set, with where from (they outrank every text)."""
    out: dict[str, tuple[Any, str]] = {}
    for key, forced, configured in (("province", options.province, overrides.province),
                                    ("year", options.year, overrides.year),
                                    ("stage", options.stage, overrides.stage)):
        if forced:
            out[key] = (forced, "command line")
        elif configured:
            out[key] = (configured, "khuyencong.yaml")
    if overrides.funding_source:
        out["funding_source"] = (overrides.funding_source, "khuyencong.yaml")
    return out


def _from_texts(texts: list[tuple[str, str]], out: dict[str, tuple[Any, str]]) -> dict[str, list[tuple[str, Any]]]:
    """Fill ``out`` with the first text naming each value; return the other own texts that disagree."""
    conflicts: dict[str, list[tuple[str, Any]]] = {}

    def found(key: str, value: Any, where: str) -> None:
        if not value:
            return
        if key not in out:
            out[key] = (value, where)
        elif out[key][0] != value and where in _OWN_TEXTS and where not in {w for w, _ in conflicts.get(key, [])}:
            conflicts.setdefault(key, []).append((where, value))

    for where, text in texts:
        if not text:
            continue
        is_name = where in _NAMES
        found("province", classify.detect_province(text), where)
        found("year", side_text_year(text) if where == "title side lines" else classify.detect_year(text), where)
        stage, phase = classify.detect_stage_phase(text, tokens=is_name)
        if stage and "stage" not in out:
            out["phase"] = (phase, where)
        found("stage", stage, where)
        if not is_name or where == "sheet name":  # a sheet named 'Trung ương' / 'KCĐP' holds that source
            sources = classify.sources_named(text)
            if len(sources) == 1:
                found("funding_source", sources.pop(), where)
    return conflicts


def detect_context(
    texts: list[tuple[str, str]], options: IngestOptions, overrides: FileOverrides
) -> SheetContextFound:
    """Province, year, stage (with its phase) and sheet-wide funding source from (where, text) pairs in
    priority order: the command line, then khuyencong.yaml, then the first text that names it.

    Every other own text that names a different value is kept in ``conflicts`` (where, value), so the sheet
    report can say which rule won and why.
    """
    out = _given(options, overrides)
    conflicts = _from_texts(texts, out)
    if "phase" not in out and out.get("stage", ("", ""))[1] in _GIVEN:
        out["phase"] = ("", "")
    year = out.get("year", (None, ""))[0]
    return SheetContextFound(
        province=nfc(out.get("province", ("", ""))[0]),
        province_from=out.get("province", ("", ""))[1],
        year=int(year) if year else None,
        year_from=out.get("year", (None, ""))[1],
        stage=str(out.get("stage", ("", ""))[0]),
        stage_from=out.get("stage", ("", ""))[1],
        phase=str(out.get("phase", ("", ""))[0]),
        funding_source=str(out.get("funding_source", ("", ""))[0]),
        conflicts=conflicts,
    )


def year_range(text: str) -> list[int]:
    """'2015-2018' → [2015, …, 2018]; '2016' → [2016]; '2015,2017' → [2015, 2017]."""
    years: list[int] = []
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-", 1)
            years.extend(range(int(a), int(b) + 1))
        else:
            years.append(int(part))
    return years
