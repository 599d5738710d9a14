"""Format sniffing: what a file is from its bytes, never its name."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import badfiles

from analysis.ingest.readers import read_workbook, sniff_format
from analysis.ingest.readers import sniff as readers_sniff
from analysis.ingest.readers.model import HEAD_BYTES


def test_sniff_format_by_magic(write_xlsx: Callable[..., Path], tmp_path: Path) -> None:
    xlsx = write_xlsx(tmp_path / "x.bin", lambda wb: None)
    assert sniff_format(xlsx) == "xlsx"
    (tmp_path / "x.dat").write_bytes(badfiles.xls_bytes())
    assert sniff_format(tmp_path / "x.dat") == "xls"
    (tmp_path / "c.xls").write_text("a;b\n1;2\n", encoding="utf-8")
    assert sniff_format(tmp_path / "c.xls") == "csv"  # CSV text named .xls: read as text


def test_xlsm_detected_from_content(write_xlsx: Callable[..., Path], tmp_path: Path) -> None:
    src = write_xlsx(tmp_path / "plain.xlsx", lambda wb: wb.active.append(["STT", 1]))
    target = tmp_path / "macro.xlsm"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename))
        zout.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    assert sniff_format(target) == "xlsm"
    wb = read_workbook(target)
    assert wb.format == "xlsm" and wb.sheets[0].rows == [["STT", 1]]


def test_bounded_member_never_reads_whole_part() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.xml", b" " * 5_000_000)
    with zipfile.ZipFile(buf) as zf:
        assert len(readers_sniff._bounded_member(zf, "big.xml")) == HEAD_BYTES
        assert readers_sniff._bounded_member(zf, "absent.xml") == b""
