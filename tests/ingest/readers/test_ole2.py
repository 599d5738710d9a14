"""The bounded OLE2/CFB reader: stream names and streams of a real .xls, broken containers refused."""

from __future__ import annotations

import io
from pathlib import Path

import badfiles
import pytest

from analysis.errors import FileRefused
from analysis.ingest.readers.ole2 import CFB_MAGIC, Cfb


def _open(data: bytes) -> Cfb:
    return Cfb(io.BytesIO(data), len(data), Path("kh.xls"))


def test_streams_of_a_real_xls() -> None:
    """xlwt's .xls: the Workbook stream is found by name in any case and starts with a BIFF8 BOF record."""
    data = badfiles.xls_bytes()
    assert data.startswith(CFB_MAGIC)
    cfb = _open(data)
    assert cfb.entries[0].kind == 5  # the root entry comes first
    assert "workbook" in {entry.name.lower() for entry in cfb.entries}
    stream = cfb.read_stream("WORKBOOK")
    assert stream[:2] == b"\x09\x08"
    assert len(stream) == next(e.size for e in cfb.entries if e.name == "Workbook")
    with pytest.raises(KeyError):
        cfb.read_stream("EncryptionInfo")


def test_written_streams_read_back(tmp_path: Path) -> None:
    path = tmp_path / "two.xls"
    badfiles.write_cfb(path, {"Workbook": b"\x09\x08" + b"x" * 5000, "EncryptionInfo": b"\x04\x00"})
    cfb = _open(path.read_bytes())
    assert cfb.read_stream("Workbook").startswith(b"\x09\x08" + b"x" * 5000)
    assert {"Workbook", "EncryptionInfo"} <= {entry.name for entry in cfb.entries}


@pytest.mark.parametrize("cut", [100, 600])  # inside the header; inside the sectors the header points to
def test_a_cut_container_is_truncated_not_a_crash(cut: int) -> None:
    with pytest.raises(FileRefused) as info:
        _open(badfiles.xls_bytes()[:cut])
    assert info.value.code == "truncated"


def test_a_header_with_a_bad_byte_order_is_corrupt() -> None:
    data = bytearray(badfiles.xls_bytes())
    data[0x1C:0x1E] = b"\x00\x00"
    with pytest.raises(FileRefused) as info:
        _open(bytes(data))
    assert info.value.code == "corrupt"
