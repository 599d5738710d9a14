"""The sheet steps' word patterns, built once from ``vocab/row_words.csv`` (no wording lives in code).

Why a module: the rows, tree and resolution steps recognise page marks, count lines, indicator tables, section
years and district groups by words an analyst may need to extend; each pattern is made here from its word list.
"""

from __future__ import annotations

import re
from functools import cache

from ... import vocab


def _words(kind: str) -> str:
    return vocab.alternation(vocab.folded_words("row_words", kind))


@cache
def page_mark_re() -> re.Pattern[str]:
    """'trang 1/3', 'page 2' (folded): a page mark, not a line. Use with ``.match``."""
    return re.compile(rf"^(?:{_words('page_mark')})\s*\d+(?:\s*/\s*\d+)?$")


@cache
def project_unit_re() -> re.Pattern[str]:
    """'đề án' in a line's unit column (folded): the line counts projects. Use with ``.fullmatch``."""
    return re.compile(rf"\s*(?:{_words('project_unit')})\s*")


@cache
def indicator_title_re() -> re.Pattern[str]:
    """'chỉ tiêu' in the title column's header (folded). Use with ``.search``."""
    return re.compile(rf"(?<![a-z])(?:{_words('indicator_title')})(?![a-z])")


@cache
def project_title_re() -> re.Pattern[str]:
    """'tên đề án', 'dự án' in the title column's header (folded). Use with ``.search``."""
    return re.compile(rf"(?<![a-z])(?:{_words('project_title')})(?![a-z])")


@cache
def section_year_re() -> re.Pattern[str]:
    """'nam 2022', '2023' (folded, numbering stripped): a section of one year. Use with ``.match``."""
    return re.compile(rf"^(?:{_words('section_year_lead')})?\s*(19[89]\d|20[0-4]\d)$")


@cache
def district_group_re() -> re.Pattern[str]:
    """'huyen phu giao' (folded): a group row of one district. Use with ``.match``."""
    return re.compile(rf"^(?:{_words('district_group')})\s+\S")
