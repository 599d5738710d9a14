"""Minimal CFB (OLE2) reader: stream names (encryption, Word/PowerPoint) and the .xls Workbook stream.

Why our own: the sniffer and the legacy-.xls pre-scan must read the container *before* calamine does, and
a crafted header (sector counts, loops, sector numbers past the end) must become a refusal, not a crash or
a huge allocation.
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ...errors import FileRefused

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


_ENDOFCHAIN = 0xFFFFFFFE
_MAXREGSECT = 0xFFFFFFFA


@dataclass
class CfbEntry:
    """One directory entry of the container: a storage, a stream or the root."""

    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    start: int
    size: int


class Cfb:
    """Read-only Compound File Binary reader, bounded against loops and out-of-file sector numbers."""

    def __init__(self, fh: IO[bytes], size: int, path: Path) -> None:
        self._fh, self._size, self._path = fh, size, path
        fh.seek(0)
        header = fh.read(512)
        if len(header) < 512:
            raise FileRefused("truncated", path, "OLE2 header shorter than 512 bytes")
        major, byte_order, shift = struct.unpack_from("<HHH", header, 0x1A)
        if byte_order != 0xFFFE or shift not in (9, 12):
            raise FileRefused("corrupt", path, "OLE2 header has an invalid byte order or sector size")
        self._major = major
        self._ssz = 1 << shift
        self._n_sectors = max(0, -(-(size - self._ssz) // self._ssz))
        n_dir, n_fat, dir_start = struct.unpack_from("<III", header, 0x28)
        self._mini_cutoff, self._minifat_start, n_minifat, difat_start, n_difat = struct.unpack_from(
            "<IIIII", header, 0x38
        )
        # calamine reserves memory from these counts before reading a sector: they must fit the file.
        for label, count in (
            ("directory", n_dir),
            ("FAT", n_fat),
            ("mini FAT", n_minifat),
            ("DIFAT", n_difat),
        ):
            if count > self._n_sectors + 1:
                raise FileRefused(
                    "truncated",
                    path,
                    f"OLE2 header declares {count} {label} sectors beyond the end of the file",
                )
        self._fat_capacity = n_fat * (self._ssz // 4)  # sectors the FAT can describe
        fat_sids = [s for s in struct.unpack_from("<109I", header, 0x4C) if s <= _MAXREGSECT]
        per = self._ssz // 4 - 1
        sid, hops = difat_start, 0
        while sid <= _MAXREGSECT and len(fat_sids) < n_fat:
            hops += 1
            if hops > self._n_sectors:
                raise FileRefused("corrupt", path, "OLE2 DIFAT chain loops")
            values = struct.unpack(f"<{per + 1}I", self._sector(sid))
            fat_sids.extend(v for v in values[:per] if v <= _MAXREGSECT)
            sid = values[per]
        fat = array("I")
        for fat_sid in fat_sids[:n_fat]:
            fat.frombytes(self._sector(fat_sid))
        if sys.byteorder == "big":
            fat.byteswap()
        self._fat = fat
        self._mini: bytes | None = None
        self.entries = self._directory(self._read_chain(dir_start))

    def _sector(self, sid: int) -> bytes:
        if sid >= self._n_sectors:
            # Within what the FAT describes: the file was cut short; beyond it: a garbage sector number.
            code = "truncated" if sid < self._fat_capacity else "corrupt"
            raise FileRefused(code, self._path, f"OLE2 sector {sid} lies beyond the end of the file")
        self._fh.seek((sid + 1) * self._ssz)
        data = self._fh.read(self._ssz)
        return data.ljust(self._ssz, b"\x00")

    def _chain(self, start: int) -> Iterator[int]:
        sid, hops = start, 0
        while sid != _ENDOFCHAIN:
            if sid > _MAXREGSECT or sid >= len(self._fat):
                raise FileRefused("corrupt", self._path, f"OLE2 chain has an invalid sector number {sid:#x}")
            hops += 1
            if hops > len(self._fat):
                raise FileRefused("corrupt", self._path, "OLE2 sector chain loops")
            yield sid
            sid = self._fat[sid]

    def _read_chain(self, start: int) -> bytes:
        return b"".join(self._sector(sid) for sid in self._chain(start))

    def _directory(self, data: bytes) -> list[CfbEntry]:
        entries: list[CfbEntry] = []
        for off in range(0, len(data) - 127, 128):
            name_len, kind = struct.unpack_from("<HB", data, off + 0x40)
            if kind not in (1, 2, 5):
                entries.append(CfbEntry("", 0, 0, 0))
                continue
            name_len = min(name_len, 64)
            name = data[off : off + max(0, name_len - 2)].decode("utf-16-le", errors="replace")
            start, size = struct.unpack_from("<IQ", data, off + 0x74)
            if self._ssz == 512:  # version 3: the high 32 bits are undefined (calamine ignores them too)
                size &= 0xFFFFFFFF
            entries.append(CfbEntry(name, kind, start, size))
        if not entries or entries[0].kind != 5:
            raise FileRefused("corrupt", self._path, "OLE2 directory has no root entry")
        for entry in entries:
            if entry.kind == 5 or entry.name.lower() in ("workbook", "book"):
                if entry.size > self._size:
                    raise FileRefused(
                        "corrupt", self._path, f"OLE2 stream {entry.name!r} claims {entry.size} bytes"
                    )
        return entries

    def read_stream(self, name: str) -> bytes:
        """Whole content of the first stream called ``name`` (case-insensitive)."""
        entry = next((e for e in self.entries if e.kind == 2 and e.name.lower() == name.lower()), None)
        if entry is None:
            raise KeyError(name)
        if entry.size > self._size * 2 + 4096:
            raise FileRefused("corrupt", self._path, f"OLE2 stream {name!r} claims {entry.size} bytes")
        if entry.size >= self._mini_cutoff:
            data = self._read_chain(entry.start)
        else:
            data = self._read_mini(entry.start, entry.size)
        if len(data) < entry.size:
            raise FileRefused("truncated", self._path, f"OLE2 stream {name!r} is cut short")
        return data[: entry.size]

    def _read_mini(self, start: int, size: int) -> bytes:
        if self._mini is None:
            root = self.entries[0]
            self._mini = self._read_chain(root.start)[: root.size]
        minifat = array("I", self._read_chain(self._minifat_start))
        if sys.byteorder == "big":
            minifat.byteswap()
        out, sid, hops = [], start, 0
        while sid != _ENDOFCHAIN and sum(map(len, out)) < size:
            if sid >= len(minifat) or hops > len(minifat):
                raise FileRefused("corrupt", self._path, "OLE2 mini-stream chain is broken")
            out.append(self._mini[sid * 64 : sid * 64 + 64])
            sid, hops = minifat[sid], hops + 1
        return b"".join(out)
