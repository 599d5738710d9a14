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
from dataclasses import dataclass, field, replace
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
class FileOverrides:
    """What ``khuyencong.yaml`` says about one file; ``None`` means 'not set' (detection decides).

    Why typed: the ingest reads ``overrides.header_rows``, not ``overrides.get("header_rows")``, so a key
    misspelt in the code fails at once instead of silently reading as 'not set'.
    """

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

    def to_dict(self) -> dict[str, Any]:
        """The keys that are set, as plain JSON-friendly values (part of the cache keys)."""
        out: dict[str, Any] = {}
        for key in SETTINGS:
            value = getattr(self, key)
            if value is None or (key == "columns" and not value):
                continue
            out[key] = list(value) if key == "header_rows" else value
        return out

    def updated(self, nearer: FileOverrides) -> FileOverrides:
        """These settings with every key that ``nearer`` sets taking its value (a yaml nearer the file wins)."""
        return replace(self, **{key: getattr(nearer, key) for key in nearer.to_dict()})


@dataclass(frozen=True)
class OverrideEntry:
    """One entry of ``files:``: the files it applies to, what it sets, and its line in the yaml."""

    match: str = "*"
    settings: FileOverrides = field(default_factory=FileOverrides)
    line: int = 0

    def matches(self, name: str) -> bool:
        """Whether this entry applies to a file called ``name`` (glob, also without diacritics)."""
        return fnmatch.fnmatch(name, self.match) or fnmatch.fnmatch(fold(name), fold(self.match))


SETTINGS = ("sheet", "header_rows", "columns", "unit", "province", "year", "stage", "funding_source",
            "include_hidden", "skip")
KEYS = ("match", *SETTINGS)


@cache
def _roles() -> frozenset[str]:
    from .classify import vocab_rows

    return frozenset(row["role"] for row in vocab_rows("headers") if row.get("role"))


def _kind(value: object) -> dict[str, str]:
    """What a YAML value is, shown in the problem in both languages (``got_vi``, ``got_en``)."""
    if isinstance(value, bool):
        shown = (str(value).lower(),) * 2
    elif isinstance(value, int | float):
        shown = (repr(value),) * 2
    elif isinstance(value, str):
        shown = (repr(value[:40]),) * 2
    else:
        shown = {type(None): ("để trống", "empty"), list: ("một danh sách", "a list"),
                 dict: ("một bảng khoá: giá trị", "a mapping")}.get(type(value), ("kiểu khác", "another type"))
    return {"got_vi": shown[0], "got_en": shown[1]}


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


def _line(node: Any) -> int:
    """1-based line of a YAML node (1 when there is none: an empty document)."""
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else 1


def _keys(node: Any) -> dict[str, tuple[Any, Any]]:
    """A mapping node's (key node, value node) by the key's text; {} for any other node."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): (key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _items(node: Any) -> list[Any]:
    """A sequence node's item nodes; [] for any other node."""
    import yaml

    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _near(key: object) -> str:
    """The supported key a misspelt one most likely meant ('header_row' → 'header_rows'), or ''."""
    import difflib

    from .classify import vocab_rows

    if not isinstance(key, str):
        return ""
    candidates = {k: k for k in KEYS} | {fold(r["word"]): r["word"] for r in vocab_rows("override_words")
                                         if not r["value"]}
    found = difflib.get_close_matches(fold(key), list(candidates), n=1, cutoff=0.8)
    return candidates[found[0]] if found else ""


def _bad_column(value: Any) -> Any:
    """The first 'letter: meaning' pair of a ``columns:`` mapping that is wrong ('B: titel'), else the value."""
    if not isinstance(value, dict):
        return value
    for letter, role in value.items():
        checked, _ = _check_value("columns", {letter: role})
        if checked is None:
            return f"{letter}: {role}"
    return value


def _entry(number: int, entry: dict[Any, Any], node: Any,
           problems: list[tuple[str, dict[str, object]]]) -> OverrideEntry:
    """One entry of ``files:`` checked key by key; its problems are added to ``problems``."""
    values: dict[str, Any] = {}
    located = _keys(node)
    for raw_key, raw_value in entry.items():
        key_node, value_node = located.get(str(raw_key), (node, node))
        key, value = _vietnamese(raw_key, raw_value)
        if key not in KEYS:
            near = _near(raw_key)
            if near:
                problems.append(_problem("yaml_key_near", entry=number, key=key, near=near, line=_line(key_node)))
            else:
                problems.append(_problem("yaml_key", entry=number, key=key, line=_line(key_node)))
            continue
        checked, expected = _check_value(key, value)
        if expected is not None:
            got = _kind(_bad_column(value) if expected == "columns" else value)
            problems.append(_problem("yaml_value", entry=number, key=key, **got, line=_line(value_node),
                                     expected_vi=_EXPECTED[expected][0], expected_en=_EXPECTED[expected][1]))
        else:
            values[key] = checked
    match = values.pop("match", "*")
    return OverrideEntry(match=match, settings=FileOverrides(**values), line=_line(node))


def parse(content: Any, path: Path, node: Any = None) -> list[OverrideEntry]:
    """Validate a loaded YAML document; raise :class:`OverridesError` listing every problem at once.

    ``node`` is the document's YAML node (from :func:`read`): every problem then names its line.
    """
    problems: list[tuple[str, dict[str, object]]] = []
    entries: list[OverrideEntry] = []
    if content is None:
        return []
    if not isinstance(content, dict):
        raise OverridesError(path, [_problem("yaml_top", **_kind(content), line=_line(node))])
    top = _keys(node)
    for key in content:
        if key != "files":
            problems.append(_problem("yaml_top_key", key=key, line=_line(top.get(str(key), (node,))[0])))
    files = content.get("files", [])
    files_node = top.get("files", (node, node))[1]
    if files is None:
        files = []
    if not isinstance(files, list):
        problems.append(_problem("yaml_files", **_kind(files), line=_line(files_node)))
        files = []
    item_nodes = _items(files_node)
    for number, entry in enumerate(files, start=1):
        entry_node = item_nodes[number - 1] if number <= len(item_nodes) else files_node
        if not isinstance(entry, dict):
            problems.append(_problem("yaml_entry", entry=number, **_kind(entry), line=_line(entry_node)))
            continue
        entries.append(_entry(number, entry, entry_node, problems))
    if problems:
        raise OverridesError(path, problems)
    return entries


def read(text: str, path: str | Path) -> tuple[Any, Any]:
    """(content, YAML node) of a yaml text: the node keeps each value's line for the problems.

    A text that is not YAML raises :class:`OverridesError` with the line and column of the fault.
    """
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        detail = str(getattr(exc, "problem", None) or exc).replace("\n", " ")[:300]
        raise OverridesError(path, [_problem("yaml_unreadable", line=line, column=column, detail=detail)]) from None
    finally:
        loader.dispose()


@cache
def _load_file(path: str, mtime_ns: int, size: int) -> tuple[OverrideEntry, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise OverridesError(path, [_problem("yaml_not_utf8")]) from None
    content, node = read(text, path)
    return tuple(parse(content, Path(path), node))


def load_file(path: Path) -> list[OverrideEntry]:
    """The validated entries of one ``khuyencong.yaml`` (read once per version of the file)."""
    st = os.stat(path)
    return list(_load_file(str(path), st.st_mtime_ns, st.st_size))


def for_file(path: Path, root: Path) -> FileOverrides:
    """Merge the entries matching this file, from the raw root down to its folder (nearer wins)."""
    merged = FileOverrides()
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
                merged = merged.updated(entry.settings)
    return merged
