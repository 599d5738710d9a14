"""Compare two report sets file by file, leaving out only what differs from one run to the next.

Why: a change to how reports are built (kernels reused, work moved or shared) must not change what a reader
gets. Run the same build before and after and compare: every page, figure, table, brief, Word report, deck,
executed notebook and bundle must match. What is allowed to differ, because it already differs between two
runs of the same code: the build time printed in pages and documents, Office files' creation timestamps
(``docProps/core.xml``, zip member dates), pandas Styler table ids (``T_1a2b3``), object addresses
(``at 0x…``), papermill's run metadata (times, durations, paths) and the random id of the injected-parameters
cell. Nested archives (the bundle zip, the Excel sheets inside a deck) are compared member by member.

Usage::

    python benchmarks/compare_reports.py BEFORE AFTER [--outputs-only]   # exit 1 on any other difference

``--outputs-only``: executed notebooks are compared by their cells' outputs (a notebook whose code was edited
on purpose, with the same results).
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

_VOLATILE = (
    (re.compile(r"cell-id=[0-9a-f-]{8,36}"), "cell-id=…"),
    (re.compile(r"T_[0-9a-f]{5}"), "T_…"),
    (re.compile(r" at 0x[0-9a-f]+"), " at 0x…"),
    (re.compile(r"\d\d/\d\d/\d{4} \d\d:\d\d|\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?Z?"), "DATE"),
)


def normalise(text: str) -> str:
    """Text with the run-to-run values replaced by placeholders."""
    for pattern, placeholder in _VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


OUTPUTS_ONLY = False


def _notebook(data: bytes) -> str:
    nb = json.loads(data)
    if OUTPUTS_ONLY:
        return normalise(json.dumps([c.get("outputs", []) for c in nb.get("cells", [])], sort_keys=True))
    nb.get("metadata", {}).pop("papermill", None)
    for cell in nb.get("cells", []):
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.pop("id", None)
    return normalise(json.dumps(nb, sort_keys=True, ensure_ascii=False))


def same(name: str, a: bytes, b: bytes) -> list[str]:
    """The differences between two versions of one file (``name`` says how to read it); [] when equal."""
    if a == b:
        return []
    suffix = Path(name).suffix.lower()
    if name.endswith("docProps/core.xml") or Path(name).name == ".build.json":
        return []  # creation time; the build record (its key and time)
    if suffix == ".ipynb":
        return [] if _notebook(a) == _notebook(b) else [name]
    if suffix in (".html", ".md", ".xml", ".rels", ".svg", ".txt", ".csv", ".json"):
        return [] if normalise(a.decode("utf-8", "replace")) == normalise(b.decode("utf-8", "replace")) else [name]
    if suffix in (".zip", ".docx", ".pptx", ".xlsx"):
        try:
            za, zb = zipfile.ZipFile(io.BytesIO(a)), zipfile.ZipFile(io.BytesIO(b))
        except zipfile.BadZipFile:
            return [name]
        names_a, names_b = sorted(za.namelist()), sorted(zb.namelist())
        if names_a != names_b:
            return [f"{name}: members {sorted(set(names_a) ^ set(names_b))[:5]}"]
        out: list[str] = []
        for member in names_a:
            out += same(f"{name}!{member}", za.read(member), zb.read(member))
        return out
    return [name]


def compare(before: Path, after: Path) -> list[str]:
    """Every difference between two report folders, as 'path' or 'path!member' lines."""
    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}

    fa, fb = files(before), files(after)
    out = [f"only before: {p}" for p in sorted(fa - fb)] + [f"only after: {p}" for p in sorted(fb - fa)]
    for rel in sorted(fa & fb):
        out += same(rel, (before / rel).read_bytes(), (after / rel).read_bytes())
    return out


def main(argv: Sequence[str] | None = None) -> int:
    global OUTPUTS_ONLY
    args = list(sys.argv[1:] if argv is None else argv)
    if "--outputs-only" in args:
        OUTPUTS_ONLY = True
        args.remove("--outputs-only")
    if len(args) != 2:
        print(__doc__.strip().split("\n\n")[-1], file=sys.stderr)
        return 2
    before, after = Path(args[0]), Path(args[1])
    differences = compare(before, after)
    n = len({p.relative_to(before).as_posix() for p in before.rglob("*") if p.is_file()})
    for line in differences[:50]:
        print(f"differs: {line}")
    print(f"{len(differences)} difference(s) in {n} files")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
