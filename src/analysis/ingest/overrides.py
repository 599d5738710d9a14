"""``khuyencong.yaml``: the typed schema of detection overrides, validated as a whole before any file is read.

Why a hand-written schema rather than pydantic: the schema is small and flat (a list of entries with a dozen
optional keys), every problem must be rendered in Vietnamese and English from ``vocab/messages.csv`` with the
file, the entry number and the key, and the package should not take a dependency for one file format.
A YAML that is a list, has ``files: 5``, a plain-string entry or ``header_rows: "abc"`` used to abort the run
with an AttributeError (or made a good workbook look damaged); now every problem is listed at once.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .. import config
from ..errors import OverridesError
from ..text import fold

STAGES = ("plan", "actual")
FUNDING_SOURCES = ("national", "local", "counterpart", "other", "unspecified")
_COLUMN_RE = re.compile(r"^[A-Za-z]{1,3}$")

# How an expected type is said to the analyst, per language.
_EXPECTED = {
    "text": ("một đoạn chữ", "text"),
    "bool": ("true hoặc false", "true or false"),
    "year": ("một năm, ví dụ 2019", "a year, e.g. 2019"),
    "rows": ("danh sách số dòng như Excel đánh số, ví dụ [5, 6]", "a list of row numbers as Excel shows them, e.g. [5, 6]"),
    "columns": ("bảng chữ cột → ý nghĩa, ví dụ B: title", "a mapping column letter → meaning, e.g. B: title"),
    "stage": ("plan hoặc actual", "plan or actual"),
    "source": ("một trong " + ", ".join(FUNDING_SOURCES), "one of " + ", ".join(FUNDING_SOURCES)),
    "sheet": ("tên trang tính", "a sheet name"),
}


@dataclass(frozen=True)
class FileOverride:
    """One entry of ``files:``; ``None`` means 'not set' (detection decides)."""

    match: str = "*"
    sheet: str | None = None
    header_rows: tuple[int, ...] | None = None
    columns: dict[str, str] = field(default_factory=dict)
    unit: str | None = None
    province: str | None = None
    year: int | None = None
    stage: str | None = None
    funding_source: str | None = None
    include_hidden: bool | None = None
    skip: bool | None = None

    def matches(self, name: str) -> bool:
        """Whether this entry applies to a file called ``name`` (glob, also without diacritics)."""
        return fnmatch.fnmatch(name, self.match) or fnmatch.fnmatch(fold(name), fold(self.match))

    def settings(self) -> dict[str, Any]:
        """The keys this entry sets, as the ingest reads them."""
        out: dict[str, Any] = {}
        for key in KEYS:
            if key == "match":
                continue
            value = getattr(self, key)
            if value is None or (key == "columns" and not value):
                continue
            out[key] = list(value) if key == "header_rows" else value
        return out


KEYS = ("match", "sheet", "header_rows", "columns", "unit", "province", "year", "stage", "funding_source",
        "include_hidden", "skip")


@cache
def _roles() -> frozenset[str]:
    from .classify import vocab_rows

    return frozenset(row["role"] for row in vocab_rows("headers") if row.get("role"))


def _kind(value: object) -> str:
    """A short, language-neutral name of what a YAML value is (shown in the problem)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return repr(value[:40])
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


def _check_value(key: str, value: Any) -> tuple[Any, str | None]:
    """(normalised value, None) or (None, expected-kind key of _EXPECTED)."""
    if key in ("match", "unit", "province"):
        return (str(value), None) if isinstance(value, str | int | float) and not isinstance(value, bool) else (None, "text")
    if key == "sheet":
        return (str(value), None) if isinstance(value, str | int) and not isinstance(value, bool) else (None, "sheet")
    if key in ("include_hidden", "skip"):
        return (value, None) if isinstance(value, bool) else (None, "bool")
    if key == "year":
        if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
            return value, None
        if isinstance(value, str) and value.strip().isdigit() and 1900 <= int(value) <= 2100:
            return int(value), None
        return None, "year"
    if key == "header_rows":
        items = value if isinstance(value, list) else [value]
        if items and all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 1_048_576 for v in items):
            return tuple(items), None
        return None, "rows"
    if key == "stage":
        return (value, None) if value in STAGES else (None, "stage")
    if key == "funding_source":
        return (value, None) if value in FUNDING_SOURCES else (None, "source")
    if key == "columns":
        if not isinstance(value, dict):
            return None, "columns"
        columns: dict[str, str] = {}
        for letter, role in value.items():
            if not (isinstance(letter, str) and _COLUMN_RE.match(letter)) or not isinstance(role, str):
                return None, "columns"
            base, _, source = role.partition(":")
            if base not in _roles() or (source and source not in FUNDING_SOURCES):
                return None, "columns"
            columns[letter.upper()] = role
        return columns, None
    return None, "text"


@cache
def _words() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Vietnamese keys ('giai đoạn') and values ('kế hoạch') of khuyencong.yaml → the canonical ones."""
    from .classify import vocab_rows

    keys: dict[str, str] = {}
    values: dict[tuple[str, str], str] = {}
    for row in vocab_rows("override_words"):
        if row["value"]:
            values[(row["key"], fold(row["word"]))] = row["value"]
        else:
            keys[fold(row["word"])] = row["key"]
    return keys, values


def _vietnamese(key: Any, value: Any) -> tuple[Any, Any]:
    """'giai đoạn: kế hoạch' reads as 'stage: plan' (an analyst writes the file in Vietnamese)."""
    if not isinstance(key, str):
        return key, value
    keys, values = _words()
    key = keys.get(fold(key), key)
    if isinstance(value, str):
        value = values.get((key, fold(value)), value)
    return key, value


def _problem(code: str, **fields: object) -> tuple[str, dict[str, object]]:
    return code, fields


def parse(content: Any, path: Path) -> list[FileOverride]:
    """Validate a loaded YAML document; raise :class:`OverridesError` listing every problem at once."""
    problems: list[tuple[str, dict[str, object]]] = []
    entries: list[FileOverride] = []
    if content is None:
        return []
    if not isinstance(content, dict):
        raise OverridesError(path, [_problem("yaml_top", got=_kind(content))])
    for key in content:
        if key != "files":
            problems.append(_problem("yaml_top_key", key=key))
    files = content.get("files", [])
    if files is None:
        files = []
    if not isinstance(files, list):
        problems.append(_problem("yaml_files", got=_kind(files)))
        files = []
    for number, entry in enumerate(files, start=1):
        if not isinstance(entry, dict):
            problems.append(_problem("yaml_entry", entry=number, got=_kind(entry)))
            continue
        values: dict[str, Any] = {}
        for key, value in entry.items():
            key, value = _vietnamese(key, value)
            if key not in KEYS:
                problems.append(_problem("yaml_key", entry=number, key=key))
                continue
            checked, expected = _check_value(key, value)
            if expected is not None:
                problems.append(_problem("yaml_value", entry=number, key=key, got=_kind(value),
                                         expected_vi=_EXPECTED[expected][0], expected_en=_EXPECTED[expected][1]))
            else:
                values[key] = checked
        entries.append(FileOverride(**values))
    if problems:
        raise OverridesError(path, problems)
    return entries


@cache
def _load_file(path: str, mtime_ns: int, size: int) -> tuple[FileOverride, ...]:
    import yaml

    try:
        content = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise OverridesError(path, [_problem("yaml_unreadable", detail=str(exc).replace("\n", " ")[:300])]) from None
    return tuple(parse(content, Path(path)))


def load_file(path: Path) -> list[FileOverride]:
    """The validated entries of one ``khuyencong.yaml`` (read once per version of the file)."""
    st = os.stat(path)
    return list(_load_file(str(path), st.st_mtime_ns, st.st_size))


def for_file(path: Path, root: Path) -> dict[str, Any]:
    """Merge the entries matching this file, from the raw root down to its folder (nearer wins)."""
    merged: dict[str, Any] = {}
    chain = []
    for folder in [path.parent, *path.parent.parents]:
        chain.append(folder)
        if folder in (root, root.parent):
            break
    for folder in reversed(chain):
        candidate = folder / config.OVERRIDE_FILENAME
        if not candidate.is_file():
            continue
        for entry in load_file(candidate):
            if entry.matches(path.name):
                merged.update(entry.settings())
    return merged
