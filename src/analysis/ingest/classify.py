"""Labels → programme, funding source, stage, province, district, header role.

All vocabulary lives in ``vocab/*.csv`` and ``reference/*.csv`` (package data); this module only matches.
Matching is diacritic- and case-insensitive (``text.fold``), on whole words, and the longest (most specific)
pattern wins, ties broken by file order — so the result is deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise

from .. import vocab
from ..text import fold, nfc

_BOUNDARY = r"(?<![a-z0-9]){}(?![a-z0-9])"


@dataclass(frozen=True)
class Matcher:
    """Longest-pattern-first phrase matcher over folded text."""

    entries: tuple[tuple[str, str, re.Pattern[str]], ...]

    @classmethod
    def build(cls, pairs: list[tuple[str, str]]) -> Matcher:
        seen: set[str] = set()
        ordered = []
        for index, (pattern, value) in enumerate(pairs):
            key = fold(pattern)
            if not key or key in seen:
                continue
            seen.add(key)
            ordered.append((-len(key), index, key, value))
        ordered.sort()
        return cls(
            tuple((key, value, re.compile(_BOUNDARY.format(re.escape(key)))) for _, _, key, value in ordered)
        )

    def match(self, folded: str) -> tuple[str, str] | None:
        """Return (pattern, value) of the longest pattern found in ``folded``, or None."""
        if not folded:
            return None
        for key, value, rx in self.entries:
            if key in folded and rx.search(folded):
                return key, value
        return None

    def earliest(self, folded: str) -> tuple[int, str, str] | None:
        """Return (position, pattern, value) of the earliest match (longest at that position)."""
        best: tuple[int, int, str, str] | None = None
        for key, value, rx in self.entries:
            if key not in folded:
                continue
            found = rx.search(folded)
            if found and (best is None or (found.start(), -len(key)) < (best[0], best[1])):
                best = (found.start(), -len(key), key, value)
        return None if best is None else (best[0], best[2], best[3])


vocab_rows = vocab.rows  # the one loader (analysis.vocab); kept under the names the ingest modules use
reference_rows = vocab.reference_rows


@cache
def header_matcher() -> Matcher:
    return Matcher.build([(r["pattern"], f"{r['role']}|{r['funding_source']}") for r in vocab_rows("headers")])


@cache
def stage_matcher() -> Matcher:
    return Matcher.build([(r["pattern"], r["stage"]) for r in vocab_rows("stages") if len(r["pattern"]) > 2])


@cache
def stage_token_matcher() -> Matcher:
    """Short stage abbreviations (KH, TH) only count as whole tokens of sheet and file names."""
    return Matcher.build([(r["pattern"], r["stage"]) for r in vocab_rows("stages")])


@cache
def source_matcher() -> Matcher:
    return Matcher.build([(r["pattern"], r["funding_source"]) for r in vocab_rows("sources")])


@cache
def row_matcher() -> Matcher:
    return Matcher.build([(r["pattern"], r["kind"]) for r in vocab_rows("rows")])


@cache
def title_matcher() -> Matcher:
    return Matcher.build([(r["pattern"], r["kind"]) for r in vocab_rows("title")])


def is_title_text(text: str) -> bool:
    """Words of a title block (UBND, Sở Công Thương, Cộng hòa …, Phụ lục, Kế hoạch …)."""
    return title_matcher().match(fold(text)) is not None


@cache
def program_matcher() -> Matcher:
    pairs: list[tuple[str, str]] = []
    for row in reference_rows("programs"):
        pairs.append((row["name_vi"], row["code"]))
        pairs.extend((w.strip(), row["code"]) for w in row["typical_wording_vi"].split(";") if w.strip())
    pairs.extend((r["pattern"], r["program"]) for r in vocab_rows("programs_extra"))
    return Matcher.build(pairs)


@cache
def program_codes() -> tuple[str, ...]:
    return tuple(r["code"] for r in reference_rows("programs"))


@cache
def province_names() -> tuple[str, ...]:
    """Every province name before and after the 2025 reorganisation, NFC."""
    names: list[str] = []
    for row in reference_rows("provinces_2025"):
        names.append(nfc(row["province_after_2025"]))
        names.extend(nfc(n) for n in row["provinces_before_2025"].split(";"))
    return tuple(dict.fromkeys(n for n in names if n))


@cache
def province_matcher() -> Matcher:
    pairs = [(name, name) for name in province_names()]
    pairs += [(r["alias"], nfc(r["province"])) for r in vocab_rows("provinces_aliases")]
    return Matcher.build(pairs)


@cache
def district_matcher() -> Matcher:
    return Matcher.build([(nfc(r["name"]), nfc(r["name"])) for r in reference_rows("binh_duong_districts")])


_NUMBERING_RE = re.compile(r"^\s*(?:[ivxlcdm]+|[a-z]|\d+(?:\.\d+)*)\s*[.)/:-]\s+", re.IGNORECASE)


def strip_numbering(label: str) -> str:
    """'I. Chương trình …' → 'Chương trình …' (numbering typed into the label cell)."""
    return _NUMBERING_RE.sub("", label, count=1)


@lru_cache(maxsize=100_000)
def classify_program(label: str) -> str:
    """Programme code for a row or group label, '' when no wording matches."""
    found = program_matcher().match(fold(strip_numbering(label)))
    return found[1] if found else ""


@lru_cache(maxsize=100_000)
def classify_source(label: str) -> str:
    """Funding source named by a label ('Khuyến công quốc gia (KCQG)' → 'national'), '' if none."""
    found = source_matcher().match(fold(label))
    return found[1] if found else ""


def sources_named(text: str) -> set[str]:
    """The state funding sources a title names ('… nguồn kinh phí khuyến công địa phương' → {'local'}).

    Counterpart capital is left out: a title that mentions it describes a table with several sources.
    """
    folded = fold(text)
    return {
        value
        for key, value, rx in source_matcher().entries
        if key in folded and rx.search(folded) and value != "counterpart"
    }


@cache
def _source_lead_re() -> re.Pattern[str]:
    """'Nguồn …', 'Từ nguồn …' before a source name (vocab/source_words.csv: lead)."""
    return re.compile(rf"^(?:{vocab.alternation(vocab.folded_words('source_words', 'lead'))})\s+")


@cache
def _source_filler_re() -> re.Pattern[str]:
    """Words around a source name that leave the line naming only the source (vocab/source_words.csv: filler)."""
    return re.compile(rf"\b(?:{vocab.alternation(vocab.folded_words('source_words', 'filler'))})\b")


@lru_cache(maxsize=100_000)
def is_source_label(label: str) -> bool:
    """True when the whole label is essentially a funding-source name (a line of a summary by source)."""
    folded = fold(strip_numbering(label))
    bare = re.sub(r"\(.*?\)", " ", folded).strip()
    found = source_matcher().match(bare)  # 'Ngân sách tỉnh (KCĐP)': the words outside the brackets name it
    if found:
        folded = bare
    else:
        folded = _source_lead_re().sub("", bare)
        found = source_matcher().match(folded) or source_matcher().match(fold(strip_numbering(label)))
        if not found:
            return False
        folded = folded if found[0] in folded else fold(strip_numbering(label))
    rest = folded.replace(found[0], " ")
    rest = _source_filler_re().sub(" ", rest)
    return len(rest.strip(" .,:;-()")) <= 3


def detect_stage(text: str, tokens: bool = False) -> str:
    """'plan' or 'actual' from the earliest stage wording in ``text`` ('' if none).

    The earliest wording decides: 'Báo cáo kết quả thực hiện kế hoạch' is an actual,
    'Kế hoạch … thực hiện năm 2017' a plan.
    """
    return detect_stage_phase(text, tokens)[0]


def strip_stage_words(folded: str) -> str:
    """Folded text without its stage wordings ('uoc thuc hien nam 2023' → 'nam 2023'), short ones as tokens."""
    out = folded
    for key, _, rx in stage_token_matcher().entries:
        if key in out:
            out = rx.sub(" ", out)
    return re.sub(r"\s+", " ", out).strip()


@cache
def _phases() -> dict[str, str]:
    """Folded stage wording → budget phase (proposed, approved, adjusted, estimated, executed, disbursed, settled)."""
    return {fold(r["pattern"]): r["phase"] for r in vocab_rows("stages") if r.get("phase")}


def _stage_text(text: str, tokens: bool) -> str:
    folded = fold(text)
    if tokens:
        folded = re.sub(r"[_\-.]+", " ", folded)
        folded = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", folded)
    return folded


@lru_cache(maxsize=20_000)
def detect_stage_phase(text: str, tokens: bool = False) -> tuple[str, str]:
    """(stage, phase) of a title, header or name: the stage from the earliest wording, the phase from the
    earliest wording of that stage that names one ('Kế hoạch điều chỉnh' → plan, adjusted); ('', '') if none.

    Why the phase: an analyst compares the approved plan with settled results, not with an estimate
    (Fiscal Data Package's budget phase).
    """
    folded = _stage_text(text, tokens)
    matcher = stage_token_matcher() if tokens else stage_matcher()
    found = matcher.earliest(folded)
    if not found:
        return "", ""
    phases = _phases()
    if phases.get(found[1]) == "proposed":
        # 'đề nghị quyết toán' is a request to settle: the wording right after a proposal word says the stage
        after = folded[found[0] + len(found[1]) :]
        following = matcher.earliest(after.lstrip())
        if following and following[0] == 0 and phases.get(following[1]) in ("settled", "disbursed"):
            found = following  # not 'đăng ký thực hiện' (registering to carry out: still a proposal)
    stage = found[2]
    phase = phases.get(found[1], "")
    if not phase:
        best: tuple[int, int] | None = None
        for key, value, rx in matcher.entries:
            if value != stage or not phases.get(key) or key not in folded:
                continue
            hit = rx.search(folded)
            if hit and (best is None or (hit.start(), -len(key)) < best):
                best = (hit.start(), -len(key))
                phase = phases[key]
    return stage, phase


_YEAR_RE = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)(?!\d)")
_YEAR_AFTER_NAM_RE = re.compile(r"nam\s*(19[89]\d|20[0-4]\d)(?!\d)")


def detect_years(text: str) -> list[int]:
    """Years mentioned in text, those written after 'năm' first."""
    folded = fold(text)
    after_nam = [int(y) for y in _YEAR_AFTER_NAM_RE.findall(folded)]
    others = [int(y) for y in _YEAR_RE.findall(folded)]
    return list(dict.fromkeys(after_nam + others))


def detect_year(text: str) -> int | None:
    years = detect_years(text)
    return years[0] if years else None


@cache
def _province_prefix() -> str:
    """'tỉnh ', 'UBND thành phố ' … before a province name (vocab/place_words.csv: province_prefix), as a pattern."""
    return rf"(?:{vocab.alternation(vocab.folded_words('place_words', 'province_prefix'))})\s+"


@lru_cache(maxsize=10_000)
def detect_province(text: str) -> str:
    """Canonical province named in a title, sheet or file name ('' if none).

    A name after 'tỉnh'/'thành phố' wins over a bare mention (which could be a ward or a street).
    """
    folded = fold(text.replace("_", " "))
    if not folded:
        return ""
    matcher = province_matcher()
    prefix = _province_prefix()
    for key, value, _ in matcher.entries:
        if key in folded and re.search(prefix + re.escape(key) + r"(?![a-z0-9])", folded):
            return value
    found = matcher.match(folded)
    return found[1] if found else ""


@cache
def _not_district() -> tuple[str, ...]:
    """Place wordings that name no single district ('Toàn tỉnh', 'Các huyện, thị xã, thành phố')."""
    return tuple(fold(r["pattern"]) for r in vocab_rows("places_not_district"))


@cache
def _district_prefix_re() -> re.Pattern[str]:
    """'Thành phố', 'TX.', 'H.' … at the start of a place (vocab/place_words.csv: district_prefix), on folded text."""
    words = vocab.alternation(vocab.folded_words("place_words", "district_prefix"))
    return re.compile(rf"^(?:{words})\s*", re.IGNORECASE)


def names_a_place(text: str) -> bool:
    """'TP. Dĩ An', 'H. Phú Giáo', 'Huyện Bàu Bàng': a district name (a header of one column per district), whose
    words ('Giáo') must not be read as stage or source words."""
    folded = fold(text)
    found = _district_prefix_re().match(folded)
    return bool(found) and len(folded) > found.end()


@lru_cache(maxsize=100_000)
def normalise_district(place: str) -> str:
    """District-level unit of a place cell: 'P. An Phú, TX. Thuận An' → 'Thuận An'; 'Di An' → 'Dĩ An'.

    Known names (reference list) get their diacritics restored; otherwise the text after a district prefix
    is kept as written; '' when nothing district-like is found.
    """
    text = nfc(place)
    if not text:
        return ""
    folded = fold(text)
    if any(folded.startswith(p) for p in _not_district()):
        return ""
    found = district_matcher().match(folded)
    if found:
        return found[1]
    original_parts = [p.strip() for p in re.split(r"[,;]", text) if p.strip()]
    for part in reversed(original_parts):
        if _district_prefix_re().match(fold(part)):
            bare = _strip_prefix_keep_case(part)
            return bare
    if len(original_parts) == 1 and len(text) <= 40 and not re.search(r"\d", text):
        return _strip_prefix_keep_case(text)
    return ""


def _strip_prefix_keep_case(part: str) -> str:
    folded = fold(part)
    matched = _district_prefix_re().match(folded)
    if not matched:
        return part.strip()
    # fold() keeps one character per character except 'đ'→'d', so lengths line up after NFC
    return part[matched.end() :].strip() if len(fold(part)) == len(part) else part.split(maxsplit=1)[-1]


def _words(kind: str) -> str:
    words = sorted({fold(r["word"]) for r in vocab_rows("count_headers") if r["kind"] == kind}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in words)


@cache
def _count_header_re() -> re.Pattern[str]:
    """A count word followed by a word for projects: 'Số ĐA', 'SL đề án', 'Số chương trình/dự án'.

    A rule over words (vocab/count_headers.csv), not a list of whole headers, so wordings never seen still
    read as counts.
    """
    return re.compile(
        rf"(?<![a-z0-9])(?:{_words('count')})\s*(?:(?:{_words('joiner')})\s+)?(?:{_words('noun')})(?![a-z0-9])"
    )


@cache
def _money_word_re() -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9])(?:{_words('money')})(?![a-z0-9])")


@dataclass(frozen=True)
class HeaderMeaning:
    role: str  # see vocab/headers.csv
    funding_source: str  # national/local/counterpart/support/total/''
    pattern: str


def header_words(part: str) -> str:
    """'KinhPhiDuKien' → 'Kinh Phi Du Kien': software exports name columns by property names ('NSĐP' stays)."""
    text = part.strip()
    if "_" in text and not any(ch.isspace() for ch in text):
        return text.replace("_", " ")  # 'national_fund', 'ten_de_an': snake_case field names
    if not text or any(ch.isspace() for ch in text):
        return part
    out = [text[0]]
    for prev, ch in pairwise(text):
        out.append(" " + ch if prev.islower() and ch.isupper() else ch)
    return "".join(out)


@lru_cache(maxsize=10_000)
def classify_header_part(part: str) -> HeaderMeaning | None:
    """Meaning of one header cell ('Kinh phí KCQG' → amount/national), None if it names no column."""
    part = header_words(part)
    if "%" in part:
        return HeaderMeaning("ratio", "", "%")  # 'Tỷ lệ (%)', 'TH/KH (%)': a percentage is never money
    if "+/-" in part or "+/−" in part or "(+)" in part or "(-)" in part:
        return HeaderMeaning("balance", "", "+/-")  # 'Điều chỉnh (+/-)': a difference of two amounts, not money
    folded = fold(re.sub(r"\(.*?\)", " ", part)) or fold(part)
    folded = folded.strip(" .:*")
    if not folded:
        return None
    spaced = re.sub(r"[^a-z0-9%]+", " ", fold(part)).strip()  # 'SL (đề án)': the words in brackets count here
    if _count_header_re().search(spaced) and not _money_word_re().search(spaced):
        return HeaderMeaning("n_projects", "", "count")
    for key, value, rx in header_matcher().entries:  # a balance ('Số kinh phí chưa GN') outranks the money words
        if value.startswith("balance|") and key in folded and rx.search(folded):
            return HeaderMeaning("balance", "", key)
    found = header_matcher().match(folded)
    if not found:
        return None
    role, source = found[1].split("|")
    return HeaderMeaning(role, source, found[0])


@cache
def _total_rest_re() -> re.Pattern[str]:
    """What may follow a lone 'Cộng'/'Tổng' on a total line: a qualifier ('Tổng cộng', 'Cộng số'), a bracket or
    sign, a numbering, or the part it adds up ('Cộng nhóm I') — vocab/row_words.csv: total_qualifier, total_scope."""
    qualifier = vocab.alternation(vocab.folded_words("row_words", "total_qualifier"))
    scope = vocab.alternation(vocab.folded_words("row_words", "total_scope"))
    return re.compile(rf"^(?:(?:{qualifier})(?![a-z])|\(|[+=:]|(?:[a-z]|[ivx]+|\d+)$|(?:{scope})(?:[\s.]|$))")


@lru_cache(maxsize=10_000)
def classify_row_label(label: str) -> str:
    """'total', 'breakdown', 'note' or '' for a row's leading label."""
    folded = fold(strip_numbering(label)).strip(" .:*")
    if not folded:
        return ""
    found = row_matcher().earliest(folded)
    if not found or found[0] != 0:
        return ""
    kind = found[2]
    if kind == "total" and " " not in found[1]:
        # 'Cộng' / 'Tổng' alone or followed by a qualifier, not 'Cộng đồng …' or 'Tổng hợp …' (a wording of two
        # words or more — 'Tổng cộng', 'Tổng kinh phí khuyến công' — is a total whatever follows)
        rest = folded[len(found[1]) :].strip(" .:*")
        if rest and not _total_rest_re().match(rest):
            return ""
    return kind


# --- words of the lines below and inside a table (vocab/row_words.csv), for the sheet step ---------------------


@cache
def signature_re() -> re.Pattern[str]:
    """'KT. Giám đốc', 'Người lập', 'Kế toán' at the start of a folded line: the signature block under a table
    (vocab/row_words.csv: signature_prefix, signature). Use with ``.match``."""
    prefix = vocab.alternation(vocab.folded_words("row_words", "signature_prefix"))
    role = vocab.alternation(vocab.folded_words("row_words", "signature"))
    return re.compile(rf"^({prefix})?\s*({role})")


@cache
def date_line_re() -> re.Pattern[str]:
    """'…, ngày 15 tháng 12 năm 2017' and 'ngày … tháng … năm …' in a folded line: the place-date line of a
    signature block (vocab/row_words.csv: date_line, its words in order). Use with ``.search``."""
    *words, last = (re.escape(w) for w in vocab.folded_words("row_words", "date_line"))
    return re.compile("".join(rf"{w}\s*\.*\s*\d*\s*" for w in words) + rf"{last}\s*\d{{0,4}}")


@cache
def within_words() -> tuple[str, ...]:
    """'trong do' (folded 'Trong đó'): the words that open the breakdown of the line above
    (vocab/row_words.csv: within)."""
    return vocab.folded_words("row_words", "within")
