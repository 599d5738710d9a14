"""Every wording is data: the regexes built from ``vocab/*_words.csv`` match what the literals they replaced matched,
and every label key the code uses is in ``labels.csv`` in Vietnamese and English.

The old literals are kept here, once, as the reference: each family is checked on a table of examples (hits and
misses) and on every word of its CSV in a set of contexts (alone, followed by a number, a colon, a dot, a letter;
after a word; in brackets), so a word dropped, misspelt or put under the wrong kind shows as a difference.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from analysis import reference_data, vocab
from analysis.columns import FUNDING_SOURCES
from analysis.ingest import classify, layout, notices, numbers
from analysis.ingest.report_page import FROM_VI, SKIP_LABELS_VI, VALUE_VI
from analysis.ingest.sheet import SKIP_REASONS
from analysis.report import LABELS
from analysis.text import fold

SRC = Path(vocab.__file__).resolve().parent

# ---- the literals the CSV-built regexes replaced -------------------------------------------------------------

OLD_SIDE_LINE = re.compile(r"ngay\s*[\d.…]*\s*thang|kem theo|quyet dinh so|^so\s*:|cong hoa xa hoi|doc lap")
OLD_UNIT_ROW = re.compile(r"^(dvt|don vi tinh|don vi|dv tinh|d\.v\.t|\(?don vi)")
OLD_TITLE_UNIT = re.compile(r"dvt|don vi tinh|don vi:")
OLD_AMOUNT_WITH_UNIT = re.compile(r"^(?:gần|hơn|khoảng|~)?\s*\d[\d.,]*\s*\D{1,12}$", re.IGNORECASE)
OLD_TOTAL_REST = re.compile(
    r"^(?:(?:cong|so|kinh phi|toan tinh|chung|tat ca)(?![a-z])|\(|[+=:]|(?:[a-z]|[ivx]+|\d+)$|(?:nhom|muc|phan|nhom"
    r" chuong trinh|chuong trinh|ca nam|toan bo|huyen|quan|thi xa|thanh pho|tp|tx|nam|bieu|phu luc|linh vuc|nguon"
    r"|khoi|dot|quy|dia ban|giai doan|ca giai doan|cac nam)(?:[\s.]|$))"
)
OLD_SOURCE_LEAD = re.compile(r"^(nguon|kinh phi|von|chuong trinh|tu nguon|ngan sach)\s+")
OLD_SOURCE_FILLER = re.compile(r"\b(nguon|kinh phi|von|chuong trinh|ho tro|cua|cac|co so|khuyen cong|ngan sach|tu)\b")
OLD_PROVINCE_PREFIX = r"(?:tinh|thanh pho|tp\.?|ubnd tinh|ubnd thanh pho)\s+"
OLD_DISTRICT_PREFIX = re.compile(
    r"^(?:thanh pho|thi xa|thi tran|huyen|quan|tp\.?|tx\.?|tt\.?|h\.|q\.)\s*", re.IGNORECASE
)
OLD_PROVINCE_KEY_PREFIX = re.compile(r"^(thanh pho|tp\.?|tinh|t\.)\s+")
OLD_SIGNATURE = re.compile(r"^(kt\.|tm\.|tl\.|q\.|p\.)?\s*(giam doc|pho giam doc|truong phong|nguoi lap|ke toan)")
OLD_DATE_LINE = re.compile(r"ngay\s*\.*\s*\d*\s*thang\s*\.*\s*\d*\s*nam\s*\d{0,4}")
OLD_COUNT_RANGE = re.compile(r"(?:tu\s+)?(\d+)\s*(?:-|–|—|−|~|den|toi)\s*(\d+)(?:\D*)")
OLD_NO_AMOUNT = frozenset(
    {"", "-", "--", "---", "–", "—", "−", "x", "xx", "...", "..", "…", "_", "n/a", "/", "không", "khong", "không có"}
)
OLD_NOT_MONEY_AFTER_DONG = (
    "bao|bo|nai|thap|thoi|deu|nghiep|long|loat|minh|cam|xoai|ruong|khoi|nhat|son|phu|hy|dao|phuc"
    "|thuan|vang|nat|thau|hanh|xuan|lua|nghia"
)


def _old_detect_res() -> tuple[re.Pattern[str], ...]:
    """numbers._DETECT_RES as it was built from literals (the unit words of units.csv are unchanged)."""
    cur_d = rf"(?<![a-z])(?:{numbers._CUR_ALT})(?![a-z])(?!\s+(?:{OLD_NOT_MONEY_AFTER_DONG})(?![a-z]))"
    mag_d = rf"(?<![a-z])(?:{numbers._MAG_ALT})(?![a-z])"
    power_d = numbers._POWER_D
    unit_expr = rf"(?:{mag_d}(?:\s*{cur_d})?|vnd\s*(?:{numbers._MAG_EN_ALT})(?![a-z])|{power_d}\s*{cur_d}|{cur_d})"
    not_ratio = r"(?!\s*(?:le|trong|gia|suat)(?![a-z]))"
    return tuple(
        re.compile(p)
        for p in (
            rf"(?<![a-z])(?:d\.?v\.?t|don vi tinh|don vi|unit|currency)\s*[:.]?\s*[(\[]?\s*(?P<u>{unit_expr}){not_ratio}",
            rf"[(\[]\s*(?P<u>{unit_expr})\s*[)\]]",
            rf"(?P<u>{mag_d}\s*{cur_d}|(?<![a-z])vnd\s*(?:{numbers._MAG_EN_ALT})(?![a-z]))",
            rf"\d\s*(?P<u>{mag_d}){not_ratio}",
            rf"^\s*(?P<u>{unit_expr})\s*[.:]?\s*$",
            r"(?<![a-z])(?P<u>vnd)(?![a-z])",
        )
    )


_OLD_DETECT = _old_detect_res()


def _old_detect_unit(text: str) -> tuple[int, str] | None:
    folded = fold(text)
    for index, pattern in enumerate(_OLD_DETECT):
        m = pattern.search(folded)
        if m:
            return index, m.group("u")
    return None


def _new_detect_unit(text: str) -> tuple[int, str] | None:
    folded = fold(text)
    for index, pattern in enumerate(numbers._DETECT_RES):
        m = pattern.search(folded)
        if m:
            return index, m.group("u")
    return None


# ---- outcomes compared: what the callers use (a match, its end, the text left after a substitution) ----------


def _found(rx: re.Pattern[str], how: str) -> Callable[[str], object]:
    def run(text: str) -> object:
        if how == "sub":
            return rx.sub(" ", text)
        m = rx.search(text) if how == "search" else rx.match(text)
        return None if m is None else m.end() if how == "match" else True  # 'starts': whether it matches at 0
    return run


def _province(prefix: str) -> Callable[[str], object]:
    return lambda text: bool(re.search(prefix + re.escape("binh duong") + r"(?![a-z0-9])", text))


FAMILIES: dict[str, tuple[Callable[[str], object], Callable[[str], object], tuple[str, ...], list[str]]] = {
    # name: (old, new, CSV word kinds whose words are tried in every context, table of examples)
    "side_line": (
        _found(OLD_SIDE_LINE, "search"), _found(layout._side_line_re(), "search"),
        ("row_words:side_line", "row_words:side_line_start", "row_words:date_line"),
        ["binh duong, ngay 15 thang 12 nam 2017", "ngay.....thang", "ngay … thang", "ngay thang", "ngaythang",
         "kem theo quyet dinh so 12", "so: 12/qd-ubnd", "so : 12", "so 12", "tong so: 5", "cong hoa xa hoi chu nghia",
         "doc lap - tu do - hanh phuc", "ke hoach khuyen cong 2017", ""],
    ),
    "unit_row": (
        lambda t: _found(OLD_UNIT_ROW, "starts")(t.strip(" (")),  # find_layout strips ' (' before it matches
        lambda t: _found(layout._unit_row_re(), "starts")(t.strip(" (")), ("unit_words:row_start",),
        ["dvt: trieu dong", "don vi tinh: dong", "don vi: trieu", "dv tinh trieu", "d.v.t: dong", "dv: trieu",
         "kinh phi (trieu dong)", "d.vt trieu"],
    ),
    "title_unit": (
        _found(OLD_TITLE_UNIT, "search"), _found(layout._title_unit_re(), "search"), ("unit_words:title_statement",),
        ["ke hoach 2017 (dvt: trieu dong)", "don vi: trieu dong", "don vi tinh trieu", "don vi trieu", "d.v.t: dong"],
    ),
    "amount_with_unit": (
        _found(OLD_AMOUNT_WITH_UNIT, "starts"), _found(layout._amount_with_unit_re(), "starts"),
        ("amount_words:label_qualifier",),
        ["gần 300 tr.đ", "GẦN 300 tr.đ", "Hơn 1.810 triệu đồng", "~ 5 tỷ", "khoảng 2 tỷ", "chừng 300 tr", "300,5 tr.đ",
         "trên 3 tỷ", "gần"],
    ),
    "total_rest": (
        _found(OLD_TOTAL_REST, "starts"), _found(classify._total_rest_re(), "starts"),
        ("row_words:total_qualifier", "row_words:total_scope"),
        ["cong", "so:", "kinh phi khuyen cong", "nhom i", "nhom:", "huyen di an", "tp. thu dau mot", "dong gop",
         "hop cac de an", "ii", "(a+b)", "= 1+2", "ca nam 2017", "cac nam", "cac"],
    ),
    "source_lead": (
        _found(OLD_SOURCE_LEAD, "sub"), _found(classify._source_lead_re(), "sub"), ("source_words:lead",),
        ["nguon kcdp", "tu nguon ngan sach tinh", "kinh phi khuyen cong quoc gia", "nguon", "von doi ung"],
    ),
    "source_filler": (
        _found(OLD_SOURCE_FILLER, "sub"), _found(classify._source_filler_re(), "sub"), ("source_words:filler",),
        ["kinh phi khuyen cong quoc gia ho tro", "cua cac co so", "tu", "tuan", "nguon von cua tinh", "cacx cac"],
    ),
    "province_prefix": (
        _province(OLD_PROVINCE_PREFIX), _province(classify._province_prefix()), ("place_words:province_prefix",),
        ["ubnd tinh binh duong", "tp. binh duong", "tp binh duong", "thanh pho binh duong", "binh duong",
         "tinhbinh duong", "ubnd thanh pho binh duong"],
    ),
    "district_prefix": (
        _found(OLD_DISTRICT_PREFIX, "match"), _found(classify._district_prefix_re(), "match"),
        ("place_words:district_prefix",),
        ["tp. di an", "tp di an", "tp.di an", "tx. thuan an", "h. phu giao", "huyen bau bang", "q. 1", "thi tran x",
         "tt. lai uyen", "thanh pho thu dau mot", "phuong an phu", "tpx"],
    ),
    "province_key_prefix": (
        _found(OLD_PROVINCE_KEY_PREFIX, "sub"), _found(reference_data._province_key_prefix_re(), "sub"),
        ("place_words:province_key_prefix",),
        ["tp. ho chi minh", "tp ho chi minh", "thanh pho ho chi minh", "tinh binh duong", "t. binh duong",
         "tp.ho chi minh", "tien giang"],
    ),
    "signature": (
        _found(OLD_SIGNATURE, "starts"), _found(classify.signature_re(), "starts"),
        ("row_words:signature", "row_words:signature_prefix"),
        ["kt. giam doc", "kt.giam doc", "pho giam doc", "nguoi lap bieu", "ke toan truong", "tm. ubnd", "giam doc so",
         "truong phong kh", "q. giam doc", "ong giam doc"],
    ),
    "date_line": (
        _found(OLD_DATE_LINE, "search"), _found(classify.date_line_re(), "search"), ("row_words:date_line",),
        ["binh duong, ngay 15 thang 12 nam 2017", "ngay ... thang ... nam ...", "ngay thang nam", "ngay 5 thang 3",
         "ngay.15.thang.12.nam 2017"],
    ),
    "count_range": (
        lambda t: (m := OLD_COUNT_RANGE.fullmatch(t)) and m.groups(),
        lambda t: (m := numbers._COUNT_RANGE.fullmatch(t)) and m.groups(),
        ("amount_words:range_from", "amount_words:range_to"),
        ["10 - 15", "tu 10 den 15", "10 toi 15 de an", "10~15", "10 – 15", "tu 10", "10 15", "10 den"],
    ),
    "detect_unit": (
        _old_detect_unit, _new_detect_unit,
        ("unit_words:statement", "unit_words:not_money_after_dong", "unit_words:not_ratio_after_ty"),
        ["ĐVT: triệu đồng", "Đơn vị tính: 1.000 đồng", "Unit: VND million", "Đ.V.T: tỷ đồng", "Đv.t: đồng",
         "Kinh phí (tỷ đồng)", "nghìn đồng bào", "Đồng Nai", "đồng bộ", "cộng đồng", "3,6 tỷ", "tỷ lệ 5%",
         "tỷ trọng", "đơn vị: đồng", "currency: vnd", "2 tr đồng nghiệp"],
    ),
}


def _contexts(word: str) -> Iterable[str]:
    for w in (word, word[:-1], word + "x"):
        yield from (w, f"{w} 5", f"{w}:", f"{w} :", f"{w}.", f"{w}x", f"x {w}", f"({w})", f"{w} abc", f"1 {w}",
                    f"trieu dong {w}", f"5 ty {w}", f"dvt: dong {w}", f"ngay 5 {w}", f"{w} thang 5", f"{w} 10 den 15",
                    f"10 {w} 15", f"{w} binh duong")


def _old_words() -> set[str]:
    """The words inside the old literals, so a word left out of a CSV is still tried (and shows as a difference)."""
    sources = [OLD_PROVINCE_PREFIX, OLD_NOT_MONEY_AFTER_DONG, *(p.pattern for p in (
        OLD_SIDE_LINE, OLD_UNIT_ROW, OLD_TITLE_UNIT, OLD_TOTAL_REST, OLD_SOURCE_LEAD, OLD_SOURCE_FILLER,
        OLD_DISTRICT_PREFIX, OLD_PROVINCE_KEY_PREFIX, OLD_SIGNATURE, OLD_DATE_LINE, OLD_COUNT_RANGE, _OLD_DETECT[0]))]
    found = {w.replace("\\", "") for src in sources for w in re.findall(r"[a-z]+(?: [a-z]+)*(?:\\\.)?", src)}
    return found | {"gần", "hơn", "khoảng", "~", "–", "—", "−", "-"} | OLD_NO_AMOUNT


def _tried(kinds: tuple[str, ...], table: list[str]) -> list[str]:
    texts = list(table)
    for word in sorted(_old_words()):
        texts.extend(_contexts(word))
    for spec in kinds:
        name, kind = spec.split(":")
        for word in vocab.words(name, kind=kind):
            texts.extend(_contexts(fold(word)))
            texts.extend(_contexts(word))
    return texts


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_built_regex_matches_what_the_old_literal_matched(family: str) -> None:
    old, new, kinds, table = FAMILIES[family]
    hits = [text for text in table if old(text) not in (None, False, text)]  # unchanged by a substitution: a miss
    assert hits and len(hits) < len(table), family  # the table holds hits and misses: the check can fail
    differences = [(text, old(text), new(text)) for text in _tried(kinds, table) if old(text) != new(text)]
    assert not differences, differences[:10]


def test_word_sets_are_the_old_ones() -> None:
    assert numbers._NO_AMOUNT == OLD_NO_AMOUNT
    assert set(vocab.folded_words("unit_words", "not_money_after_dong")) == set(OLD_NOT_MONEY_AFTER_DONG.split("|"))
    assert classify.within_words() == ("trong do",)
    assert numbers.parse_count("từ 10 đến 15") == (None, "range 10-15")
    assert numbers.parse_amount("không", None) == numbers.parse_amount("", None)


def test_count_header_joiner() -> None:
    """'các' may stand between the count word and its noun (count_headers.csv: joiner)."""
    for header in ("Số các đề án", "Số đề án", "SL các dự án"):
        meaning = classify.classify_header_part(header)
        assert meaning is not None and meaning.role == "n_projects", header
    assert classify._count_header_re().search("so cac de an")
    assert not classify._count_header_re().search("so cac cac de an")


KINDS = {
    "row_words": {"signature_prefix", "signature", "date_line", "within", "total_qualifier", "total_scope",
                  "side_line", "side_line_start", "page_mark", "project_unit", "indicator_title", "project_title",
                  "section_year_lead", "district_group"},
    "unit_words": {"statement", "row_start", "title_statement", "not_money_after_dong", "not_ratio_after_ty"},
    "amount_words": {"no_amount", "range_from", "range_to", "label_qualifier"},
    "source_words": {"lead", "filler"},
    "place_words": {"province_prefix", "province_key_prefix", "district_prefix"},
}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_word_files_hold_known_kinds_only(name: str) -> None:
    """A kind misspelt in a word file would silently drop its words: every kind is one the code reads."""
    rows = vocab.rows(name)
    assert list(rows[0]) == ["kind", "word", "note"]
    assert {r["kind"] for r in rows} == KINDS[name]
    assert all(r["word"].strip() == r["word"] and r["word"] for r in rows)
    readme = (SRC / "vocab" / "README.md").read_text(encoding="utf-8")
    assert f"`{name}.csv`" in readme
    for kind in KINDS[name]:
        assert f"`{kind}`" in readme, kind


def test_every_vocab_file_is_described() -> None:
    readme = (SRC / "vocab" / "README.md").read_text(encoding="utf-8")
    for path in sorted((SRC / "vocab").glob("*.csv")):
        assert f"`{path.name}`" in readme, path.name


_READS_OUTPUTS = {"notebook.py", "__init__.py", "result.py"}  # rejects.csv, an output of the ingest, not a package wording


def test_no_module_reads_a_package_csv_itself() -> None:
    """Only analysis.vocab opens CSV files (the readers of users' spreadsheets aside)."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "vocab.py" or "readers" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"csv\.(?:DictReader|reader)\(|import csv\b", text) or (
            "pd.read_csv(" in text and path.name not in _READS_OUTPUTS
        ):
            offenders.append(path.relative_to(SRC).as_posix())
    assert not offenders


# ---- labels ----------------------------------------------------------------------------------------------------

_LABEL_CALL = re.compile(r"(?:(?<![\w.])_?label|\b(?:charts|vocab)\.label)\(\s*(f?)\"([^\"]+)\"")


def _keys_in_code() -> set[tuple[str, bool]]:
    found = set()
    for path in SRC.rglob("*.py"):
        for fstring, key in _LABEL_CALL.findall(path.read_text(encoding="utf-8")):
            found.add((key, bool(fstring) and "{" in key))
    return found


def test_every_label_key_used_in_code_exists_in_both_languages() -> None:
    labels = vocab.labels()
    used = _keys_in_code()
    assert len(used) > 100  # the scan finds the calls (brief, charts, docx, slides, pack, excel, notebook …)
    for key, templated in sorted(used):
        if templated:  # f"source.{source}": some key of that family
            head = key.split("{")[0]
            assert any(k.startswith(head) for k in labels), key
        else:
            assert key in labels, key
            assert labels[key]["vi"].strip() and labels[key]["en"].strip(), key


def test_page_words_exist_in_both_languages() -> None:
    """The report pages' words ('site.*'), from report.py and from the templates' ``kc.labels.<word>``."""
    words = set(re.findall(r"labels\[\s*[\"'](\w+)[\"']\s*\]", (SRC / "report.py").read_text(encoding="utf-8")))
    for template in (SRC / "templates").rglob("*.j2"):
        words |= set(re.findall(r"\blabels\.(\w+)", template.read_text(encoding="utf-8")))
    words |= {"province_plan", "province_actual", "toc"}  # labels[f"province_{stage}"], context["labels"]["toc"]
    assert {"kicker", "done", "up_to_date", "banner_title"} <= words
    for word in sorted(words):
        assert LABELS["vi"][word].strip() and LABELS["en"][word].strip(), word


def test_ingest_page_words_cover_every_stored_code() -> None:
    """Every skip reason, 'from' origin and value code the ingest stores has its Vietnamese word (and English)."""
    for reason in (*SKIP_REASONS, "not_selected"):
        assert SKIP_LABELS_VI[reason], reason
        assert vocab.label(f"skip.{reason}", "en"), reason
    origins = {*notices.LOOKED_FOR_CONTEXT, "workbook title", "command line", "khuyencong.yaml", "override",
               "unit row", "unit column", "cell", "assumed"}
    for origin in origins:
        assert (FROM_VI[origin] and FROM_VI[origin] != origin) or origin == "khuyencong.yaml", origin
        assert vocab.label(f"from.{vocab.code_key(origin)}", "en"), origin
    for code in ("plan", "actual", *FUNDING_SOURCES):  # a stage or a funding source, as the page shows them
        assert VALUE_VI[code] and vocab.label(f"ingest_value.{code}", "en"), code
    assert FROM_VI.get("no such origin", "kept") == "kept" and SKIP_LABELS_VI.get("zz", "zz") == "zz"


def test_label_family_reads_labels_csv() -> None:
    assert dict(vocab.LabelFamily("skip", "vi"))["blank"] == vocab.label("skip.blank", "vi")
    assert vocab.LabelFamily("from", "vi")["title side lines"] == vocab.label("from.title_side_lines", "vi")
    with pytest.raises(ValueError):
        vocab.LabelFamily("skip", "fr")
    with pytest.raises(KeyError):
        vocab.label("no.such.key")


def test_reference_tables_read_as_pandas_read_them() -> None:
    """reference_data reads through analysis.vocab now; its frames are the ones pandas.read_csv gave."""
    import pandas as pd

    from analysis import config
    from analysis.text import nfc

    for path in [*sorted(config.REFERENCE_DIR.glob("*.csv")), config.PUBLISHED_FIGURES]:
        expected = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for col in expected.columns:
            expected[col] = expected[col].map(nfc).astype("string")
        pd.testing.assert_frame_equal(reference_data._read_text_csv(path), expected)


@pytest.mark.parametrize(
    ("pattern", "text", "how", "found"),
    [
        ("page_mark_re", "trang 1/3", "match", True),
        ("page_mark_re", "page 2", "match", True),
        ("page_mark_re", "trang bi may", "match", False),
        ("project_unit_re", " de an ", "fullmatch", True),
        ("project_unit_re", "da", "fullmatch", True),
        ("project_unit_re", "nguoi", "fullmatch", False),
        ("indicator_title_re", "chi tieu", "search", True),
        ("indicator_title_re", "chi tieuxx", "search", False),
        ("project_title_re", "ten de an", "search", True),
        ("project_title_re", "noi dung", "search", False),
        ("section_year_re", "nam 2022", "match", True),
        ("section_year_re", "ke hoach nam 2023", "match", True),
        ("section_year_re", "nam hoc", "match", False),
        ("district_group_re", "huyen phu giao", "match", True),
        ("district_group_re", "tp. thu dau mot", "match", True),
        ("district_group_re", "tpx", "match", False),
    ],
)
def test_sheet_word_patterns_read_their_word_lists(pattern: str, text: str, how: str, found: bool) -> None:
    """The sheet steps' patterns (page marks, count lines, section years …) come from vocab/row_words.csv."""
    from analysis.ingest.sheet import words

    assert bool(getattr(getattr(words, pattern)(), how)(text)) is found
