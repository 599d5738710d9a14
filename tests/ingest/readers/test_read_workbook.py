"""The entry point ``read_workbook``: dispatch by content, the xlrd fallback, refusals instead of crashes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import badfiles
import pytest

from analysis.errors import MESSAGES_CSV, FileRefused
from analysis.ingest import readers
from analysis.ingest.readers import Sheet, read_workbook, sniff_format


def test_wrong_extension_is_read_by_content(write_xlsx: Callable[..., Path], tmp_path: Path) -> None:
    src = write_xlsx(tmp_path / "real.xlsx", lambda wb: wb.active.append(["a", 2]))
    fake = tmp_path / "export.xls"
    fake.write_bytes(src.read_bytes())
    wb = read_workbook(fake)
    assert wb.format == "xlsx" and wb.sheets[0].rows == [["a", 2]]
    assert any("named .xls" in w for w in wb.warnings)


def test_legacy_xls_and_xlrd_fallback_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "legacy.xls"
    path.write_bytes(badfiles.xls_bytes(odd_dates=True))
    fast = read_workbook(path)
    assert fast.format == "xls" and fast.sheets[0].rows[0][:2] == ["STT", "Tên đề án"]

    def broken(*_args: object, **_kwargs: object) -> list[Sheet]:
        raise RuntimeError("calamine cannot read this BIFF variant")

    monkeypatch.setattr(readers, "_read_calamine", broken)
    slow = read_workbook(path)
    assert any("read with xlrd" in w for w in slow.warnings)
    a, b = fast.sheets[0], slow.sheets[0]
    assert b.rows[0] == a.rows[0]
    assert b.rows[1][:4] == a.rows[1][:4] == [1, "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến", None, 78.675]
    assert b.rows[2][0] == a.rows[2][0] == dt.date(2017, 2, 24)
    assert b.rows[2][3] == dt.time(13, 30)
    assert b.merged == a.merged == [(4, 0, 4, 3)]


def test_missing_path_and_directory_are_refused_not_crashes(tmp_path: Path) -> None:
    for path in (tmp_path / "nope.xlsx", tmp_path):
        with pytest.raises(FileRefused) as info:
            read_workbook(path)
        assert info.value.code == "not_found"
        with pytest.raises(FileRefused):
            sniff_format(path)


def test_every_refusal_code_has_both_messages() -> None:
    import csv

    folder = Path(readers.__file__).parent  # every module of the package
    source = "\n".join(p.read_text(encoding="utf-8") for p in folder.glob("*.py"))
    codes = set(re.findall(r'FileRefused\(\s*"([a-z_]+)"', source))
    assert {"not_found", "zip_bomb", "xml_entities", "encrypted", "mojibake", "too_many_cells"} <= codes  # all read
    with MESSAGES_CSV.open(encoding="utf-8", newline="") as fh:
        table = {row["code"]: row for row in csv.DictReader(fh)}
    assert codes <= set(table), codes - set(table)
    for code in codes:
        assert "{path}" in table[code]["message_vi"] and "{path}" in table[code]["message_en"], code
