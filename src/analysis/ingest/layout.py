"""Find the table inside a sheet: title block, unit row, one- or multi-row header, column meanings.

Why a module of its own: every officer lays out the sheet differently; the header is found by its
vocabulary (``vocab/headers.csv``), never by fixed positions, so an unseen layout needs no new code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from .. import vocab
from ..text import fold, is_blank, nfc
from . import classify
from .numbers import Unit, detect_unit

# How far down a title block can reach before we give up looking for a header.
MAX_HEADER_SCAN_ROWS = 60
MAX_HEADER_ROWS = 4

AMOUNT_ROLES = {"amount"}
TEXT_ROLES = {"title", "program", "executor", "beneficiary", "place", "time", "note", "source", "stage", "province"}


@dataclass
class Column:
    """What one column of the table holds, as read from its (possibly multi-row) header."""

    index: int
    label: str  # header parts joined with ' | ', NFC
    role: str  # see vocab/headers.csv (amount, n_projects, title, …) or 'other'
    funding_source: str = ""  # for amounts: national/local/counterpart/support/total/'' (generic)
    stage: str = ""  # plan/actual when a header group says so
    phase: str = ""  # the budget phase of that wording (approved, settled …), '' when it names none
    year: int | None = None
    unit: Unit | None = None  # unit stated in the header ("Kinh phí (tỷ đồng)")
    group: str = ""  # folded header parts above the one that gave the role (for messages)
    guessed: bool = False  # an amount only by its stage word ('Kết quả thực hiện'): text cells make it a remark

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Layout:
    """The table found in a sheet."""

    header_rows: list[int]  # 0-based
    first_data_row: int
    columns: list[Column]
    unit: Unit | None
    unit_source: str  # where the sheet unit came from: 'unit row', 'title', 'header', ''
    title_rows: list[int] = field(default_factory=list)
    unit_rows: list[int] = field(default_factory=list)
    title_text: str = ""
    side_text: str = ""  # place-date, 'Kèm theo Quyết định …' lines: a last resort for stage and source words

    def by_role(self, role: str) -> list[Column]:
        return [c for c in self.columns if c.role == role]

    def first(self, role: str) -> Column | None:
        found = self.by_role(role)
        return found[0] if found else None


def column_letter(index: int) -> str:
    """0 → 'A', 26 → 'AA' (as Excel names columns, for messages)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_NUMBERING_CELL_RE = re.compile(r"^(\d{1,2}|[a-z])([=+\-x*/:](\d{1,2}|[a-z]))*$")


def _is_numbering_cell(folded: str) -> bool:
    """'(1)', '5', '(5)=(6)+(7)+(8)', 'A', '3=4+5': cells of a column-numbering row."""
    return bool(_NUMBERING_CELL_RE.match(re.sub(r"[()\s]", "", folded)))


def is_numbering_row(cells: list[object]) -> bool:
    """A row like '(1) (2) (3)…' or 'A B 1 2 3=4+5' under a header: it numbers the columns."""
    texts = [fold(_cell_text(c)) for c in cells if not is_blank(c)]
    if len(texts) < 3:
        return False
    if not all(_is_numbering_cell(t) for t in texts):
        return False
    ints = [int(t.strip("() ")) for t in texts if t.strip("() ").isdigit()]
    if len(ints) >= 3 and ints == sorted(ints) and len(set(ints)) == len(ints):
        return True
    # 'A | B | 1 | 2': letters for the text columns, then the amount columns numbered from 1
    letters = [t.strip("() ") for t in texts if len(t.strip("() ")) == 1 and t.strip("() ").isalpha()]
    return (len(letters) >= 2 and letters == [chr(ord("a") + i) for i in range(len(letters))]
            and ints == list(range(1, len(ints) + 1)) and len(letters) + len(ints) == len(texts))


def _header_score(cells: list[object]) -> tuple[int, set[str]]:
    roles: set[str] = set()
    hits = 0
    for value in cells:
        if not isinstance(value, str):
            continue
        text = value.strip()
        if not text or len(text) > 80:
            continue
        meaning = None if _is_year_part(text) else classify.classify_header_part(text)
        if meaning is not None:
            hits += 1
            roles.add(meaning.role)
        elif _part_stage(text)[0] or _is_year_part(text):  # 'Kế hoạch', 'KH', 'TH' over amount columns
            hits += 1  # 'Kế hoạch' / 'Thực hiện năm 2017' over an amount column
            roles.add("amount")
    return hits, roles


def _is_data_like(cells: list[object]) -> bool:
    """Numbers in several cells: a data row, not a header row."""
    numeric = sum(1 for v in cells if isinstance(v, int | float) and not isinstance(v, bool))
    return numeric >= 2


_NUMBER_TEXT_RE = re.compile(r"^\d{1,3}(?:[.,]\d{3})*(?:[.,]\d+)?$|^\d+(?:[.,]\d+)?$")


def _holds_an_amount(cells: list[object]) -> bool:
    """A number (or a number typed as text, '740', '3.090') that is not a year, in a cell after the first two:
    under a header such a row is a data line, whatever words its label holds."""
    for value in cells[1:]:
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            if not (isinstance(value, int) or float(value).is_integer()) or not 1990 <= value <= 2100:
                return True
        elif isinstance(value, str) and _NUMBER_TEXT_RE.match(value.strip()) and not (
            value.strip().isdigit() and 1990 <= int(value.strip()) <= 2100
        ):
            return True
        elif isinstance(value, str) and _amount_with_unit_re().match(value.strip()) and detect_unit(value):
            return True  # '300,5 tr.đ', '1.810 triệu đồng'
    return False


@cache
def _amount_with_unit_re() -> re.Pattern[str]:
    """'gần 300 tr.đ', '1.810 triệu đồng': a number with a unit, after a qualifier (vocab/amount_words.csv)."""
    qualifiers = vocab.alternation(vocab.words("amount_words", kind="label_qualifier"))
    return re.compile(rf"^(?:{qualifiers})?\s*\d[\d.,]*\s*\D{{1,12}}$", re.IGNORECASE)


def find_header(rows: list[list[object]]) -> tuple[int, int] | None:
    """Return (first header row, last header row) 0-based, or None when no table header is found."""
    limit = min(len(rows), MAX_HEADER_SCAN_ROWS)
    for r in range(limit):
        hits, roles = _header_score(rows[r])
        informative = roles & {"title", "stt", "beneficiary", "place", "program", "n_projects", "source"}
        if hits >= 2 and ("amount" in roles or "n_projects" in roles or len(informative) >= 2) and informative:
            last = r
            label_limit = _label_column(rows[r])  # a total's label sits here; 'Trong đó' further right is a header
            for nxt in range(r + 1, min(len(rows), r + MAX_HEADER_ROWS)):
                cells = rows[nxt]
                if all(is_blank(c) for c in cells):
                    break
                if is_numbering_row(cells):
                    last = nxt
                    continue
                if _is_data_like(cells) or _holds_an_amount(cells):
                    break
                sub_hits, _sub_roles = _header_score(cells)
                if sub_hits <= 1 and any(
                    isinstance(c, str) and classify.classify_row_label(c) in ("total", "breakdown")
                    for c in cells[: label_limit + 1]
                ):
                    break  # 'TỔNG CỘNG' whose amounts are formulas without cached values: data, not header
                first_text = next((_cell_text(c) for c in cells if not is_blank(c)), "")
                if (sub_hits >= 1 and not re.match(r"^\d+[.)]?$", first_text)
                        and not _roman_or_letter(first_text.rstrip(")"))
                        and first_text not in ("-", "+", "*", "•", "–")):
                    last = nxt
                    continue
                break
            first = r
            while first - 1 >= 0 and first > r - MAX_HEADER_ROWS + 1 and _is_group_header_row(rows[first - 1]):
                first -= 1
            return first, last
    return None


def _starts_a_header(cells: list[object]) -> bool:
    """The first-row test of find_header: words of at least two column roles, one of them telling."""
    hits, roles = _header_score(cells)
    informative = roles & {"title", "stt", "beneficiary", "place", "program", "n_projects", "source"}
    return hits >= 2 and ("amount" in roles or "n_projects" in roles or len(informative) >= 2) and bool(informative)


def next_table_start(rows: list[list[object]], layout: Layout) -> int | None:
    """Where a second table starts below the first on the same sheet ('Biểu 2' under 'Biểu 1'): a header line
    that is not the first table's header printed again, after a blank line. None when the sheet holds one table."""
    own = {tuple(fold(_cell_text(c)) for c in rows[h] if not is_blank(c)) for h in layout.header_rows}
    after_blank = False
    block = 0  # first line after the last blank line: the second table's own title lines start there
    for r in range(layout.first_data_row, len(rows)):
        cells = rows[r]
        if all(is_blank(c) for c in cells):
            after_blank, block = True, r + 1
            continue
        if (after_blank and not any(isinstance(c, int | float) and not isinstance(c, bool) for c in cells)
                and tuple(fold(_cell_text(c)) for c in cells if not is_blank(c)) not in own
                and _starts_a_header(cells)):
            return block
        after_blank = after_blank and not any(isinstance(c, int | float) for c in cells)
    return None


def side_by_side_split(layout: Layout) -> int | None:
    """The blank column between two tables laid side by side (the same header twice: 'STT | Tên đề án | Kinh phí'
    then again), or None. Both sides must name a label and an amount column."""
    roles = [c.role if c.label else "" for c in layout.columns]
    for s, role in enumerate(roles):
        if role or s == 0:
            continue
        left, right = set(roles[:s]), set(roles[s + 1 :])
        telling = {"title", "stt", "program"}
        if "amount" in left and "amount" in right and left & telling and right & telling & left:
            return s
    return None


def _label_column(cells: list[object]) -> int:
    """Index of the header's label column (title, programme or numbering), 1 when none is named."""
    found = [i for i, c in enumerate(cells) if isinstance(c, str) and (m := classify.classify_header_part(c))
             and m.role in ("title", "program", "stt")]
    return max(found) if found else 1


def _is_group_header_row(cells: list[object]) -> bool:
    """A header group row above the one found ('Kế hoạch năm 2017' | 'Thực hiện năm 2017' over their columns)."""
    texts = [c.strip() for c in cells if isinstance(c, str) and c.strip()]
    if len(texts) < 2 or any(len(t) > 60 for t in texts) or _is_data_like(cells):
        return False
    if any(classify.is_title_text(t) for t in texts):
        return False
    groupish = 0
    for text in texts:
        meaning = classify.classify_header_part(text)
        if classify.detect_stage(text) or (meaning is not None and meaning.role in ("amount", "n_projects", "source")):
            groupish += 1
    return groupish >= 1


def _roman_or_letter(text: str) -> bool:
    return bool(re.fullmatch(r"[IVXLivxl]+\.?|[A-Ha-h]\.?", text.strip()))


def header_grid(
    rows: list[list[object]], first: int, last: int, merged: list[tuple[int, int, int, int]]
) -> list[list[str]]:
    """Header cells with merged ranges filled across, so 'Kinh phí' sits over each of its sub-columns."""
    width = max(len(rows[r]) for r in range(first, last + 1))
    grid = [[_cell_text(rows[r][c]) if c < len(rows[r]) else "" for c in range(width)] for r in range(first, last + 1)]
    for r0, c0, r1, c1 in merged:
        if r1 < first or r0 > last:
            continue
        source = _cell_text(rows[r0][c0]) if r0 < len(rows) and c0 < len(rows[r0]) else ""
        if not source:
            continue
        for r in range(max(r0, first), min(r1, last) + 1):
            for c in range(c0, min(c1 + 1, width)):
                if not grid[r - first][c]:
                    grid[r - first][c] = source
    if not merged:
        # No merge information (CSV, some writers): a group label spans the empty cells to its right
        # as long as the row below has sub-headers there.
        for gr in range(len(grid) - 1):
            below = grid[gr + 1]
            row = grid[gr]
            for c in range(1, width):
                if not row[c] and below[c] and row[c - 1] and below[c - 1]:
                    row[c] = row[c - 1]
    return grid


def build_columns(header: list[list[str]], unit_hint: Unit | None) -> list[Column]:
    """Turn the header grid into column meanings (role from the lowest part, attributes from all parts)."""
    columns: list[Column] = []
    width = len(header[0]) if header else 0
    for c in range(width):
        parts: list[str] = []
        for row in header:
            text = nfc(row[c])
            if text and (not parts or parts[-1] != text) and not _is_numbering_cell(fold(text)):
                parts.append(text)
        label = " | ".join(parts)
        role, source = "other", ""
        meaning = None
        year_parts = [p for p in parts if _is_year_part(p)]
        for part in reversed(parts):
            if part in year_parts:
                continue  # 'Năm 2016' over an amount column names its year, not a per-row year column
            meaning = classify.classify_header_part(part)
            if meaning is not None:
                role, source = meaning.role, meaning.funding_source
                break
        guessed = False
        if role in ("other", "note") and (year_parts or any(_part_stage(p)[0] for p in parts)):
            # a column headed only 'Kế hoạch' / 'KH' / 'Kết quả thực hiện' / 'Năm 2016' holds amounts when its
            # cells are numbers ('Kết quả thực hiện' over words is a remark column: the sheet step checks)
            guessed = not year_parts  # named only by a stage word: text cells make it a remark column, silently
            role = "amount"
        if role in ("amount", "n_projects") and source in ("", "support"):
            # 'Kinh phí' under 'Trong đó: KCQG', 'Ngân sách TW': a named source, nearest part first, wins over the
            # generic wording
            for part in reversed(parts):
                found = classify.classify_source(part)
                if found and (found != "other" or not source):
                    source = found
                    break
        stage = phase = ""
        year = None
        unit = None
        for part in parts:
            if role in {"amount", "n_projects", "ratio"}:
                if not stage:
                    stage, phase = _part_stage(part)
                if year is None:
                    years = classify.detect_years(part)
                    year = years[0] if len(years) == 1 else None  # 'Tổng 2016-2020' is a period, not a year
            unit = detect_unit(part) or unit
        columns.append(
            Column(
                index=c,
                label=label,
                role=role,
                funding_source=source,
                stage=stage,
                phase=phase,
                guessed=guessed,
                year=year,
                unit=unit,
                group=" | ".join(fold(p) for p in parts[:-1]),
            )
        )
    return columns


def _part_stage(part: str) -> tuple[str, str]:
    """(stage, phase) a header part names; short parts ('KH', 'TH 2021', 'KH/TH') are read as tokens too."""
    part = classify.header_words(part)
    if classify.names_a_place(part):
        return "", ""
    found = classify.detect_stage_phase(part)
    if not found[0] and len(fold(part)) <= 12:
        found = classify.detect_stage_phase(part, tokens=True)
    return found


_YEAR_PART_RE = re.compile(r"^(?:nam\s*)?(19[89]\d|20[0-4]\d)$")


def _is_year_part(text: str) -> bool:
    """A header cell that only names a year ('Năm 2016', '2017', '2018 (đồng)'): a table laid out with one column
    per year."""
    folded = fold(re.sub(r"\(.*?\)", " ", classify.header_words(text))).strip(" .:*")
    if _YEAR_PART_RE.match(folded):
        return True
    # 'Thực hiện năm 2022', 'Dự toán năm 2024', 'KH 2023': a stage word and a year name one amount column
    rest = classify.strip_stage_words(folded).strip(" .:*")
    return rest != folded and bool(_YEAR_PART_RE.match(rest))


@cache
def _side_line_re() -> re.Pattern[str]:
    """'…, ngày 15 tháng 12 …', 'Kèm theo …', 'Số: …' and the motto (vocab/row_words.csv: date_line, side_line,
    side_line_start), on folded text."""
    day, month = vocab.folded_words("row_words", "date_line")[:2]
    anywhere = vocab.alternation(vocab.folded_words("row_words", "side_line"))
    start = vocab.alternation(vocab.folded_words("row_words", "side_line_start"), space_before_colon=True)
    return re.compile(rf"{re.escape(day)}\s*[\d.…]*\s*{re.escape(month)}|{anywhere}|^(?:{start})")


@cache
def _unit_row_re() -> re.Pattern[str]:
    """A line that starts with 'ĐVT', 'Đơn vị tính' … (vocab/unit_words.csv: row_start), on folded text."""
    return re.compile(rf"^(?:{vocab.alternation(vocab.folded_words('unit_words', 'row_start'))})")


@cache
def _title_unit_re() -> re.Pattern[str]:
    """'ĐVT', 'Đơn vị tính', 'Đơn vị:' in a title line (vocab/unit_words.csv: title_statement), on folded text."""
    return re.compile(vocab.alternation(vocab.folded_words("unit_words", "title_statement")))


def _is_side_line(text: str) -> bool:
    """Place-date lines, 'Kèm theo Quyết định số …' and the national motto: their years and words are not the table's."""
    return bool(_side_line_re().search(fold(text)))


def find_layout(
    rows: list[list[object]], merged: list[tuple[int, int, int, int]] | None = None
) -> Layout | None:
    """Locate header, unit and title block; None when the sheet holds no recognisable table."""
    found = find_header(rows)
    if found is None:
        return None
    first, last = found
    header = header_grid(rows, first, last, merged or [])
    title_rows: list[int] = []
    unit_rows: list[int] = []
    unit: Unit | None = None
    unit_source = ""
    title_parts: list[str] = []
    side_parts: list[str] = []
    for r in range(first):
        texts = [_cell_text(c) for c in rows[r] if not is_blank(c)]
        if not texts:
            continue
        joined = " ".join(texts)
        telling = " ".join(t for t in texts if not _is_side_line(t))
        found_unit = detect_unit(joined)
        folded = fold(joined)
        is_unit_row = found_unit is not None and bool(
            _unit_row_re().match(folded.strip(" (")) or len(folded) <= 30
        )
        if is_unit_row:
            unit_rows.append(r)
            unit, unit_source = found_unit, "unit row"
            beside = " ".join(t for t in texts if detect_unit(t) is None and not _is_side_line(t))
            if beside:
                title_parts.append(beside)  # 'Năm: | 2024' beside 'ĐVT: triệu đồng' on the same row
        else:
            title_rows.append(r)
            if telling:
                title_parts.append(telling)
            side_parts.extend(t for t in texts if _is_side_line(t))
            if found_unit is not None and unit is None and _title_unit_re().search(folded):
                unit, unit_source = found_unit, "title"
    columns = build_columns(header, unit)
    header_units = {c.unit.key for c in columns if c.unit is not None and c.role == "amount"}
    if unit is None and len(header_units) == 1:
        unit = next(c.unit for c in columns if c.unit is not None and c.role == "amount")
        unit_source = "header"
    # Text columns whose header matched an amount word but which hold text ('Nguồn vốn' typed as 'Kinh phí')
    # are left to the caller's content check.
    return Layout(
        header_rows=list(range(first, last + 1)),
        first_data_row=last + 1,
        columns=columns,
        unit=unit,
        unit_source=unit_source,
        title_rows=title_rows,
        unit_rows=unit_rows,
        title_text=" ".join(title_parts),
        side_text=" ".join(side_parts),
    )
