"""The one loader for every CSV of wordings the package ships (``vocab/``, ``reference/``, ``labels.csv``).

Why one place: header words, row words, units, stage and source names, messages and labels are data, not code;
every module asks here, so a wording is found, edited and tested in one way, and each file is read once.
Word lists that code matches as regular expressions (``vocab/*_words.csv``) come out of :func:`words` and are
joined by :func:`alternation`; what each file and kind holds is told in ``vocab/README.md``.

Stays free of pandas: ``analysis.ingest`` and its worker processes import it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path

from .config import PACKAGE_DIR, REFERENCE_DIR, VOCAB_DIR
from .text import fold, nfc

LABELS_CSV: Path = PACKAGE_DIR / "labels.csv"
LANGS: tuple[str, ...] = ("vi", "en")


def read_table(path: Path) -> tuple[tuple[str, ...], tuple[dict[str, str], ...]]:
    """(header, rows) of one CSV file, every cell as text ('' when empty or missing), read now.

    Uncached on purpose: callers that read an analyst's file (published figures) cache it by modification time.
    """
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        body = tuple({k: (v or "") for k, v in row.items() if k is not None} for row in reader)
        return tuple(reader.fieldnames or ()), body


@cache
def _read(path: Path) -> tuple[dict[str, str], ...]:
    return read_table(path)[1]


def rows(name: str) -> list[dict[str, str]]:
    """Rows of ``vocab/<name>.csv`` (a fresh list of fresh dicts: callers may change them)."""
    return [dict(r) for r in _read(VOCAB_DIR / f"{name.removesuffix('.csv')}.csv")]


def reference_rows(name: str) -> list[dict[str, str]]:
    """Rows of ``reference/<name>.csv``: published figures and lists, each row sourced."""
    return [dict(r) for r in _read(REFERENCE_DIR / f"{name.removesuffix('.csv')}.csv")]


@cache
def labels() -> dict[str, dict[str, str]]:
    """``key → {"vi": …, "en": …}`` from ``labels.csv``: the one home of bilingual labels."""
    return {nfc(r["key"]): {"vi": nfc(r["vi"]), "en": nfc(r["en"])} for r in _read(LABELS_CSV)}


def label(key: str, lang: str = "vi", **values: object) -> str:
    """The text of ``key`` in ``lang`` from ``labels.csv``, with ``{placeholders}`` filled from ``values``.

    Raises ValueError for a language other than 'vi'/'en' and KeyError for a key the table lacks: a missing
    label is a bug to see at once, never a blank on a page.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    try:
        text = labels()[key][lang]
    except KeyError:
        raise KeyError(f"no label {key!r} in {LABELS_CSV.name}") from None
    return text.format(**values) if values else text


@cache
def _family(prefix: str, lang: str) -> dict[str, str]:
    head = prefix + "."
    return {key[len(head) :]: texts[lang] for key, texts in labels().items() if key.startswith(head)}


def code_key(code: str) -> str:
    """The label-key form of a stored code: 'workbook title' → 'workbook_title', 'khuyencong.yaml' →
    'khuyencong_yaml' (keys of ``labels.csv`` are dotted families of plain words)."""
    return re.sub(r"[^A-Za-z0-9]+", "_", code)


class LabelFamily(Mapping[str, str]):
    """The labels of one family ('skip', 'from', 'site' …) in one language, as a read-only mapping.

    Why a mapping: a page or template that looks words up by a stored code (``skip_labels.get('blank')``,
    ``labels.kicker``) reads ``labels.csv`` through it instead of keeping a dict of its own. The file is read on
    first use, not at import. Lookups go through :func:`code_key`, so the codes stored in ``ingest_report.json``
    ('title side lines') find their key ('from.title_side_lines'); iteration gives the keys after the prefix.
    """

    def __init__(self, prefix: str, lang: str) -> None:
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
        self.prefix, self.lang = prefix, lang

    def __getitem__(self, code: str) -> str:
        if not isinstance(code, str):
            raise KeyError(code)
        return _family(self.prefix, self.lang)[code_key(code)]

    def __iter__(self) -> Iterator[str]:
        return iter(_family(self.prefix, self.lang))

    def __len__(self) -> int:
        return len(_family(self.prefix, self.lang))

    def __repr__(self) -> str:
        return f"LabelFamily({self.prefix!r}, {self.lang!r})"


def words(name: str, column: str = "word", kind: str | None = None) -> tuple[str, ...]:
    """One column of ``vocab/<name>.csv`` as a tuple, blank cells left out (word lists used as sets).

    With ``kind``, only the rows of that kind (files of several word lists have a ``kind`` column).
    """
    return tuple(
        nfc(r[column])
        for r in rows(name)
        if (r.get(column) or "").strip() and (kind is None or r.get("kind") == kind)
    )


def folded_words(name: str, kind: str) -> tuple[str, ...]:
    """The words of ``kind`` in ``vocab/<name>.csv``, folded (lower case, no diacritics) for folded text."""
    return tuple(fold(w) for w in words(name, kind=kind))


def alternation(items: Iterable[str], space_before_colon: bool = False) -> str:
    """A regex alternation of literal phrases, longest first (so 'tp.' is tried before 'tp'), no duplicates.

    With ``space_before_colon`` a ':' in a phrase may have white space before it ('Số :' as typed for 'Số:').
    """
    unique = sorted(set(items), key=lambda s: (-len(s), s))
    if not unique:
        raise ValueError("alternation of no words")
    escaped = (re.escape(w) for w in unique)
    return "|".join(e.replace(":", r"\s*:") if space_before_colon else e for e in escaped)
