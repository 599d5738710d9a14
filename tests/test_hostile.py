"""Hostile and broken files: each corpus file meets its expectation, refusals are actionable, nothing
but FileRefused ever escapes, and the guarded reader turns hangs and memory explosions into refusals."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path
from typing import Any

import badfiles
import numpy  # noqa: F401  (loaded before the memory limit, as in the real pipeline)
import pandas  # noqa: F401
import pytest
import python_calamine  # noqa: F401
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.config import Limits
from analysis.errors import FileRefused
from analysis.ingest import readers
from analysis.ingest.readers import (
    Workbook,
    apply_memory_limit,
    read_workbook,
    read_workbook_guarded,
    sniff_format,
)

COMMITTED = Path(__file__).parent / "data" / "bad"
# What a message must never show an analyst: Python internals.
_INTERNALS = re.compile(
    r"Traceback|Error\b|Exception|<class|\\x[0-9a-f]{2}|\bb'|\{[a-z_]+\}|0x[0-9a-f]+|repr\("
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, badfiles.Expected]]:
    directory = tmp_path_factory.mktemp("bad")
    return directory, badfiles.make_bad_corpus(directory)


def _limits(name: str) -> Limits:
    return Limits(**badfiles.CORPUS_LIMITS.get(name, {}))


def _outcome(path: Path, limits: Limits) -> Workbook | FileRefused:
    try:
        return read_workbook(path, limits)
    except FileRefused as exc:
        return exc


def _meets(result: Workbook | FileRefused, expected: badfiles.Expected) -> bool:
    kind, what = expected
    if kind == "refused":
        return isinstance(result, FileRefused) and result.code == what
    if not isinstance(result, Workbook):
        return False
    return bool(what(result)) if callable(what) else len(result.sheets) == what


def test_corpus_is_broad(corpus: tuple[Path, dict[str, badfiles.Expected]]) -> None:
    _, expected = corpus
    assert len(expected) >= 24
    codes = {what for kind, what in expected.values() if kind == "refused"}
    assert {
        "zip_bomb",
        "xml_entities",
        "encrypted",
        "truncated",
        "html_disguised",
        "not_a_spreadsheet",
    } <= codes
    assert {"too_many_cells", "undecodable_text", "mojibake", "empty_file", "too_large", "corrupt"} <= codes
    assert sum(kind == "read" for kind, _ in expected.values()) >= 15


def test_every_corpus_file_meets_its_expectation(corpus: tuple[Path, dict[str, badfiles.Expected]]) -> None:
    directory, expected = corpus
    failures = []
    for name, exp in sorted(expected.items()):
        result = _outcome(directory / name, _limits(name))
        if not _meets(result, exp):
            got = f"refused {result.code}: {result.detail}" if isinstance(result, FileRefused) else "read"
            failures.append(f"{name}: expected {exp[0]} {exp[1] if exp[0] == 'refused' else ''}, got {got}")
    assert not failures, "\n".join(failures)


def test_refusal_messages_are_actionable(corpus: tuple[Path, dict[str, badfiles.Expected]]) -> None:
    directory, expected = corpus
    for name, (kind, _) in sorted(expected.items()):
        if kind != "refused":
            continue
        exc = _outcome(directory / name, _limits(name))
        assert isinstance(exc, FileRefused), name
        assert exc.detail, name
        for lang in ("vi", "en"):
            text = exc.message(lang)
            assert len(text) > 40 and name in text, (name, lang, text)
            assert not _INTERNALS.search(text.replace(str(directory), "")), (name, lang, text)
        assert exc.message("vi") != exc.message("en")


def test_refusals_happen_before_any_parser_runs(
    corpus: tuple[Path, dict[str, badfiles.Expected]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bombs, entity attacks and absurd extents never reach calamine (which would abort the process)."""
    directory, expected = corpus

    def parser_reached(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a parser was reached")

    monkeypatch.setattr(readers, "_read_calamine", parser_reached)
    monkeypatch.setattr(readers, "_read_xlrd", parser_reached)
    for name in (
        "zip_bomb_1gb.xlsx",
        "zip_bomb_ratio.xlsx",
        "many_entries.xlsx",
        "billion_laughs.xlsx",
        "xxe.xlsx",
        "padded_doctype.xlsx",
        "far_cell.xlsx",
        "odd_reference.xlsx",
        "two_million_cells.xlsx",
        "xls_far_cell.xls",
        "xls_sst_count.xls",
        "xlsb_far_column.xlsb",
        "ods_repeat_bomb.ods",
        "ods_mangled_end_tag.ods",
        "encrypted.xlsx",
        "encrypted_filepass.xls",
    ):
        result = _outcome(directory / name, _limits(name))
        assert _meets(result, expected[name]), (name, result)


def test_sniff_format_agrees_with_the_reader(corpus: tuple[Path, dict[str, badfiles.Expected]]) -> None:
    directory, expected = corpus
    for name, (kind, _) in expected.items():
        if kind == "read":
            wb = read_workbook(directory / name, _limits(name))
            assert sniff_format(directory / name) == wb.format, name


def test_committed_corpus_matches_expectations(corpus: tuple[Path, dict[str, badfiles.Expected]]) -> None:
    _, expected = corpus
    committed = sorted(p for p in COMMITTED.iterdir() if p.is_file()) if COMMITTED.is_dir() else []
    assert len(committed) >= 24
    for path in committed:
        assert path.name not in badfiles.DANGEROUS, path.name
        assert path.name in expected, f"{path.name} has no expectation in badfiles.make_bad_corpus"
        assert _meets(_outcome(path, _limits(path.name)), expected[path.name]), path.name


# ---- fuzzing ------------------------------------------------------------------------------------

_MAGICS = [
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"\t\x08\x10\x00\x00\x06\x05\x00",
    b"<html>",
    b"<?xml version='1.0'?>",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"%PDF-1.4",
    b"",
]
_SUFFIXES = [".xlsx", ".xls", ".xlsb", ".ods", ".csv", ".txt"]
_FUZZ_LIMITS = Limits(max_cells=200_000, max_uncompressed_bytes=20_000_000)


def _check_only_refused_or_read(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            wb = read_workbook(path, _FUZZ_LIMITS)
        except FileRefused as exc:
            assert exc.code and exc.message("vi") and exc.message("en")
        else:
            assert isinstance(wb, Workbook)
            assert all(isinstance(row, list) for sheet in wb.sheets for row in sheet.rows)


@settings(max_examples=200, deadline=5000, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(_MAGICS), body=st.binary(max_size=4096), suffix=st.sampled_from(_SUFFIXES))
def test_fuzz_random_bytes_behind_spreadsheet_magic(prefix: bytes, body: bytes, suffix: str) -> None:
    _check_only_refused_or_read(prefix + body, suffix)


_SAMPLES: dict[str, bytes] = {}


def _sample(kind: str) -> bytes:
    """Small valid files of each binary format, built once, to be mutated."""
    if not _SAMPLES:
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            badfiles._write_ods(d / "s.ods", [["STT", "Tên"], ["1", "Đề án"]])
            badfiles.write_xlsb(d / "s.xlsb", [(0, 0, "STT"), (1, 0, 1.0), (1, 1, ("=", 2.0))])
            _SAMPLES["xls"] = badfiles._xls_bytes(odd_dates=True)
            _SAMPLES["ods"] = (d / "s.ods").read_bytes()
            _SAMPLES["xlsb"] = (d / "s.xlsb").read_bytes()
            _SAMPLES["xlsx"] = badfiles.make_xlsx_bytes([["STT", "Tên"], [1, "Đề án"]])
    return _SAMPLES[kind]


@settings(max_examples=200, deadline=5000, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["xls", "xlsx", "xlsb", "ods"]),
    edits=st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), min_size=1, max_size=12),
)
def test_fuzz_mutated_real_files(kind: str, edits: list[tuple[int, int]]) -> None:
    data = bytearray(_sample(kind))
    for pos, value in edits:
        data[pos % len(data)] = value
    _check_only_refused_or_read(bytes(data), f".{kind}")


# ---- guarded reading ------------------------------------------------------------------------------


def test_guarded_read_matches_direct_read(corpus: tuple[Path, dict[str, badfiles.Expected]]) -> None:
    """The memory limit (RLIMIT_AS) leaves normal reading intact with numpy/pandas/calamine loaded."""
    directory, _ = corpus
    for name in ("hidden_sheets.xlsx", "odd_dates.xls", "windows1258.csv"):
        direct = read_workbook(directory / name)
        guarded = read_workbook_guarded(directory / name, Limits(memory_mb_per_file=512))
        assert [s.rows for s in guarded.sheets] == [s.rows for s in direct.sheets], name
        assert guarded.warnings == direct.warnings


def test_guarded_refusals_cross_the_process_boundary(
    corpus: tuple[Path, dict[str, badfiles.Expected]],
) -> None:
    directory, _ = corpus
    with pytest.raises(FileRefused) as info:
        read_workbook_guarded(directory / "encrypted.xlsx", Limits())
    assert info.value.code == "encrypted" and info.value.path.endswith("encrypted.xlsx")


def test_guarded_hang_becomes_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(path: Path, limits: Limits) -> Workbook:
        time.sleep(60)
        raise AssertionError("not reached")

    monkeypatch.setattr(readers, "_read", hang)
    path = tmp_path / "slow.csv"
    path.write_text("a,b\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(FileRefused) as info:
        read_workbook_guarded(path, Limits(seconds_per_file=0.5))
    assert info.value.code == "timeout"
    assert time.perf_counter() - started < 15
    assert "slow.csv" in info.value.message("vi")


def test_guarded_python_memory_explosion_becomes_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(path: Path, limits: Limits) -> Workbook:
        hoard = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GiB, far above the 256 MB budget
        raise AssertionError(f"not reached ({len(hoard)})")

    monkeypatch.setattr(readers, "_read", explode)
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(FileRefused) as info:
        read_workbook_guarded(path, Limits(memory_mb_per_file=256))
    assert info.value.code == "memory"


def test_guarded_native_allocation_failure_becomes_memory(
    corpus: tuple[Path, dict[str, badfiles.Expected]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """If a pre-parse check were ever missed, calamine aborting the child is still only a refusal."""
    directory, _ = corpus

    def unchecked(path: Path, limits: Limits) -> Workbook:
        from python_calamine import CalamineWorkbook

        # far_cell.xlsx makes calamine request ~550 GB for a dense grid: the child aborts.
        CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        raise AssertionError("not reached")

    monkeypatch.setattr(readers, "_read", unchecked)
    with pytest.raises(FileRefused) as info:
        read_workbook_guarded(directory / "far_cell.xlsx", Limits(memory_mb_per_file=256))
    assert info.value.code == "memory"


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def test_apply_memory_limit_as_pool_initializer(corpus: tuple[Path, dict[str, badfiles.Expected]]) -> None:
    """The ingest's own worker pool uses apply_memory_limit as initializer: reading works, hoarding fails."""
    import multiprocessing

    from pebble import ProcessPool

    directory, _ = corpus
    limits = Limits(memory_mb_per_file=300)
    with ProcessPool(
        max_workers=1,
        initializer=apply_memory_limit,
        initargs=(limits,),
        context=multiprocessing.get_context("fork"),
    ) as pool:
        wb = pool.schedule(read_workbook, args=(directory / "sheet.ods", limits)).result(timeout=60)
        assert wb.sheets[0].rows[0][0] == "STT"
        assert pool.schedule(_allocate, args=(50,)).result(timeout=60) == 50 * 1024 * 1024
        with pytest.raises(MemoryError):
            pool.schedule(_allocate, args=(2000,)).result(timeout=60)
