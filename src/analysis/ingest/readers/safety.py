"""Everything refused before a parser touches the file: zip bombs, XML entities, absurd extents and counts.

Why: the parsers we rely on are not hardened. Each container is checked from its central directory and
bounded reads — entry count, declared size and compression ratio, DOCTYPE/ENTITY prologs, shared-string
counts, well-formed ODS content — and each sheet's real extent (:mod:`.extents`) is charged against the
cell budget, so a hostile file becomes a :class:`~analysis.errors.FileRefused` with a stable code.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import defusedxml.ElementTree as SafeET

from ...config import Limits
from ...errors import FileRefused
from ...messages import Problem
from .extents import (
    Extent,
    declared_cells,
    scan_ods,
    scan_xls,
    scan_xlsb_sheet,
    scan_xml_part,
    xlsb_sheet_parts,
)
from .model import HEAD_BYTES, Budget, nfc, unique_sheet_labels
from .ole2 import CFB_MAGIC
from .sniff import bad_zip, decode_head, utf16_guess

_RATIO_FLOOR_BYTES = 8 * 1024 * 1024  # below this much uncompressed data a high ratio is harmless


@dataclass
class Prescan:
    """What the pre-scan hands the reader: each sheet's extent and formula cells by label, and warnings."""

    by_name: dict[str, Extent] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def prescan(path: Path, fmt: str, limits: Limits) -> Prescan:
    """Everything that must be refused before calamine touches the file."""
    out = Prescan()
    budget = Budget(path, limits)
    if fmt == "xls":
        with path.open("rb") as fh:
            is_cfb = fh.read(8) == CFB_MAGIC
        if is_cfb:
            scan_xls(path, limits, budget)
        return out
    _check_zip(path, limits)
    with zipfile.ZipFile(path) as zf:
        if fmt == "ods":
            _prescan_ods(zf, path, limits, budget)
        else:
            _prescan_ooxml(zf, fmt, path, limits, budget, out)
    return out


def _prescan_ods(zf: zipfile.ZipFile, path: Path, limits: Limits, budget: Budget) -> None:
    """content.xml: table extents with their repeat counts, well-formedness, sheet count."""
    with zf.open("content.xml") as member:
        tables = scan_ods(member)
    _check_well_formed(zf, "content.xml", path)
    if len(tables) > limits.max_sheets:
        raise FileRefused(
            "too_many_sheets", path, f"{len(tables)} sheets (limit {limits.max_sheets})"
        )
    for i, ext in enumerate(tables):
        budget.charge(f"#{i + 1}", ext.max_row + 1, ext.max_col + 1)


def _prescan_ooxml(
    zf: zipfile.ZipFile, fmt: str, path: Path, limits: Limits, budget: Budget, out: Prescan
) -> None:
    """xlsx/xlsm/xlsb: shared-string count, sheet count, and every part calamine might read as a sheet."""
    if fmt in ("xlsx", "xlsm"):
        _check_shared_strings(zf, path)
    workbook_part = "xl/workbook.bin" if fmt == "xlsb" else "xl/workbook.xml"
    sheets, candidates = _ooxml_sheet_parts(zf, workbook_part)
    if len(sheets) > limits.max_sheets:
        raise FileRefused("too_many_sheets", path, f"{len(sheets)} sheets (limit {limits.max_sheets})")
    members = set(zf.namelist())
    scanned: dict[str, Extent] = {}
    for part in sorted(candidates & members):
        if fmt == "xlsb":
            scanned[part] = scan_xlsb_sheet(zf.read(part))
        else:
            scanned[part] = scan_xml_part(zf, part)
    names = {part: name for name, part in reversed(sheets)}
    if any(ext.bounded for ext in scanned.values()):
        _measure_bounded(zf, scanned, names, path, limits)
    for part, ext in scanned.items():
        budget.charge(names.get(part, part), ext.max_row + 1, ext.max_col + 1)
    for (name, part), label in zip(sheets, unique_sheet_labels([nfc(n) for n, _ in sheets]), strict=True):
        if part in scanned:
            _warn_declared(scanned[part], name, limits, out.warnings)
            out.by_name[label] = scanned[part]


def _measure_bounded(
    zf: zipfile.ZipFile, scanned: dict[str, Extent], names: dict[str, str], path: Path, limits: Limits
) -> None:
    """Rescan exactly the sheets known only by the small-sheet bound, where the bound is not enough.

    Bounds are enough when they fit the budget and no declared dimension needs the real extent.
    """
    probe = Budget(path, limits)
    try:
        for part, ext in scanned.items():
            probe.charge(names.get(part, part), ext.max_row + 1, ext.max_col + 1)
        rescan = [p for p, ext in scanned.items() if ext.bounded and declared_cells(ext) > limits.max_cells]
    except FileRefused:
        rescan = [p for p, ext in scanned.items() if ext.bounded]
    for part in rescan:
        scanned[part] = scan_xml_part(zf, part, exact=True)


def _check_zip(path: Path, limits: Limits) -> None:
    """Refuse zip bombs and XML with DTDs from the central directory and bounded reads only."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise bad_zip(path, exc) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_zip_entries:
            raise FileRefused("zip_bomb", path, f"{len(infos)} zip members (limit {limits.max_zip_entries})")
        total = sum(info.file_size for info in infos)
        packed = sum(info.compress_size for info in infos)
        if total > limits.max_uncompressed_bytes:
            raise FileRefused(
                "zip_bomb",
                path,
                f"declares {total} uncompressed bytes (limit {limits.max_uncompressed_bytes})",
            )
        ratio = total / max(packed, 1)
        if total > _RATIO_FLOOR_BYTES and ratio > limits.max_compression_ratio:
            raise FileRefused(
                "zip_bomb",
                path,
                f"compression ratio {ratio:.0f}:1 (limit {limits.max_compression_ratio:.0f}:1)",
            )
        for info in infos:
            if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            with zf.open(info) as member:
                head = member.read(HEAD_BYTES)
            problem = _unsafe_prolog(head, info.file_size)
            if problem:
                raise FileRefused("xml_entities", path, f"{info.filename}: {problem}")


_ROOT_START_RE = re.compile(rb"<[A-Za-z_]")


def _unsafe_prolog(head: bytes, full_size: int) -> str | None:
    """Why an XML part's prolog is unsafe (DTD / entity declarations, or absurdly long), else None."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16_guess(head):
        head = decode_head(head).encode("utf-8", errors="ignore")
    m = _ROOT_START_RE.search(head)
    prolog = head[: m.start()] if m else head
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        return "DOCTYPE/ENTITY declaration (entity expansion or external entity attack)"
    if m is None and full_size > len(head):
        return f"no root element within the first {len(head)} bytes"
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _resolve_target(base_dir: str, target: str) -> str:
    target = target.replace("\\", "/")
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(base_dir, target)
    return posixpath.normpath(joined)


def _calamine_target(target: str, xlsb: bool) -> str:
    """The literal zip path calamine opens for a relationship target (it does not normalise '..')."""
    if xlsb:
        return "xl/" + target
    if target.startswith("/xl/"):
        return target[1:]
    return target if target.startswith("xl/") else "xl/" + target


_NOT_SHEET_RELS = ("/sharedStrings", "/styles", "/theme", "/calcChain", "/externalLink", "/connections")


def _ooxml_sheet_parts(zf: zipfile.ZipFile, workbook_part: str) -> tuple[list[tuple[str, str]], set[str]]:
    """Sheets as (name, zip member) in workbook order, and every member calamine might parse as a sheet.

    The second set is deliberately wide (both calamine's literal path resolution and the normalised one,
    for every relationship that is not obviously styles/strings/theme): a sheet the scan missed would
    reach calamine unchecked.
    """
    xlsb = workbook_part.endswith(".bin")
    base = posixpath.dirname(workbook_part)
    rels_part = posixpath.join(base, "_rels", posixpath.basename(workbook_part) + ".rels")
    try:
        rels_root = SafeET.fromstring(zf.read(rels_part), forbid_dtd=True)
        rels = [
            (rel.get("Id", ""), rel.get("Target", ""), rel.get("Type", ""))
            for rel in rels_root.iter()
            if _local(rel.tag) == "Relationship"
        ]
    except KeyError:
        rels = []
    targets = {rid: target for rid, target, _ in rels}
    candidates = {
        resolved
        for _, target, typ in rels
        if not typ.endswith(_NOT_SHEET_RELS)
        for resolved in (_calamine_target(target, xlsb), _resolve_target(base, target))
    }
    if xlsb:
        named = xlsb_sheet_parts(zf.read(workbook_part))
    else:
        named = []
        for el in SafeET.fromstring(zf.read(workbook_part), forbid_dtd=True).iter():
            if _local(el.tag) == "sheet":
                ids = [v for k, v in el.attrib.items() if _local(k) == "id"]
                named.append((el.get("name", ""), ids))
    sheets: list[tuple[str, str]] = []
    for name, ids in named:
        paths = [_calamine_target(targets[i], xlsb) for i in ids if i in targets]
        candidates.update(paths)
        candidates.update(_resolve_target(base, targets[i]) for i in ids if i in targets)
        sheets.append((name, paths[0] if paths else ""))
    return sheets, candidates


def _check_well_formed(zf: zipfile.ZipFile, part: str, path: Path) -> None:
    """calamine's ODS reader loops forever on some malformed content.xml (e.g. a mangled end tag).

    expat with no Python handlers checks well-formedness at C speed; entities cannot expand because
    prologs with DOCTYPE/ENTITY were refused already.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        with zf.open(part) as member:
            parser.ParseFile(member)
    except expat.ExpatError as exc:
        raise FileRefused("corrupt", path, f"{part} is not well-formed XML: {exc}") from None


_SST_COUNT_RE = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\suniqueCount="([0-9]{1,20})"')


def _check_shared_strings(zf: zipfile.ZipFile, path: Path) -> None:
    """calamine reserves ``uniqueCount`` strings up front (24 bytes each): it must fit the part's size."""
    for info in zf.infolist():
        if not info.filename.lower().endswith("sharedstrings.xml"):
            continue
        with zf.open(info) as member:
            m = _SST_COUNT_RE.search(member.read(4096))
        if m and int(m.group(1)) > info.file_size // 5 + 16:  # each <si/> takes at least 5 bytes
            raise FileRefused(
                "corrupt",
                path,
                f"{info.filename} declares {int(m.group(1))} strings in {info.file_size} bytes",
            )


def _warn_declared(ext: Extent, name: str, limits: Limits, warnings: list[str]) -> None:
    """Declared <dimension> is untrusted (calamine ignores it); say so when it is absurd."""
    if declared_cells(ext) > limits.max_cells:
        warnings.append(Problem("file.declared_dimension", sheet=name, declared=ext.declared, rows=ext.max_row + 1,
                                cols=ext.max_col + 1))
