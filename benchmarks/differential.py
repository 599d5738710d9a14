"""Differential harness: every FileResult field, before and after a change that must not change behaviour.

Why: a restructure or a faster path is only safe when the cleaning of every file we have — the bundled
samples, the test fixtures, the hostile files, the three layout zoos and the benchmark corpus — is the same
to the last field. ``snapshot`` writes one canonical JSON line per file; ``compare`` lists the differences.

    python benchmarks/differential.py collect /tmp/diffset          # write the input set once
    python benchmarks/differential.py snapshot /tmp/diffset before.jsonl
    ... change the code ...
    python benchmarks/differential.py snapshot /tmp/diffset after.jsonl
    python benchmarks/differential.py compare before.jsonl after.jsonl

Timings (``seconds``) are left out; records are kept in full (as a SHA-256 of their canonical JSON plus the
first rows, so a difference can be read).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def collect(target: Path) -> None:
    """Write every input family into ``target/<family>/`` (generated ones from the test builders)."""
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    target.mkdir(parents=True, exist_ok=True)
    for family, source in (("samples", ROOT / "data" / "raw"), ("bad", ROOT / "tests" / "data" / "bad"),
                           ("corpus", ROOT / "benchmarks" / "corpus")):
        if source.is_dir():
            shutil.copytree(source, target / family, dirs_exist_ok=True, symlinks=True)
    from tests import badfiles, ingest_fixtures

    badfiles.make_bad_corpus(target / "hostile", dangerous=True)
    fixtures = target / "fixtures"
    for name, fn in inspect.getmembers(ingest_fixtures, inspect.isfunction):
        params = list(inspect.signature(fn).parameters)
        if fn.__module__ == ingest_fixtures.__name__ and params == ["folder"] and not name.startswith("_"):
            sub = fixtures / name
            sub.mkdir(parents=True, exist_ok=True)
            fn(sub)
    from zoo import generate, holdout, holdout3

    for module in (generate, holdout, holdout3):
        folder = target / f"zoo_{module.__name__.rsplit('.', 1)[-1]}"
        folder.mkdir(parents=True, exist_ok=True)
        for lay in module.all_layouts():
            module.write_layout(lay, folder)


def _canonical(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))


def _strip_seconds(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_seconds(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [_strip_seconds(v) for v in value]
    return value


def snapshot(source: Path, out: Path) -> int:
    """One JSON line per file: every FileResult field, records as digest + head."""
    from analysis.ingest import IngestOptions, discover, load_overrides, process_file

    files, problems = discover([source])
    count = 0
    with out.open("w", encoding="utf-8") as fh:
        for path, root in sorted(files):
            label = path.relative_to(source).as_posix()
            try:
                overrides = load_overrides(path, root)
            except Exception as exc:  # an override problem is itself behaviour to compare
                fh.write(json.dumps({"path": label, "overrides_error": str(exc)}, ensure_ascii=False) + "\n")
                continue
            result = process_file(path, label, IngestOptions(), overrides)
            records = result.records
            rows = records.to_pylist() if hasattr(records, "to_pylist") else records.to_table().to_pylist()
            rows = _canonical(rows)
            digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
            line = {
                "path": label, "status": result.status, "message": result.message, "code": result.code,
                "detail": result.detail, "warnings": result.warnings, "messages": result.messages,
                "rejects": _canonical(result.rejects), "sheets": _strip_seconds(_canonical(result.sheets)),
                "records": len(rows), "records_sha256": digest, "records_head": rows[:3],
            }
            fh.write(json.dumps(line, ensure_ascii=False, sort_keys=True, default=str) + "\n")
            count += 1
        fh.write(json.dumps({"path": "<problems>", "problems": sorted(str(p) for p in problems)},
                            ensure_ascii=False) + "\n")
    print(f"{count} files snapshotted into {out}")
    return 0


def _diff(a: Any, b: Any, where: str, out: list[str], limit: int = 6) -> None:
    if len(out) >= limit:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key, "<absent>") != b.get(key, "<absent>"):
                _diff(a.get(key, "<absent>"), b.get(key, "<absent>"), f"{where}.{key}", out, limit)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                _diff(x, y, f"{where}[{i}]", out, limit)
    else:
        out.append(f"  {where}: {json.dumps(a, ensure_ascii=False)[:300]} -> {json.dumps(b, ensure_ascii=False)[:300]}")


def _without(value: Any, keys: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without(v, keys) for v in value]
    return value


def compare(before: Path, after: Path, ignore: set[str] | None = None) -> int:
    """Print every file whose snapshot differs (``ignore``: keys added on purpose); exit 1 when any does."""
    def load(p: Path) -> dict[str, Any]:
        rows = map(json.loads, p.read_text(encoding="utf-8").splitlines())
        return {row["path"]: _without(row, ignore or set()) for row in rows}

    a, b = load(before), load(after)
    differing = 0
    for path in sorted(set(a) | set(b)):
        if a.get(path) != b.get(path):
            differing += 1
            lines: list[str] = []
            _diff(a.get(path, "<absent>"), b.get(path, "<absent>"), "", lines)
            print(f"{path}:\n" + "\n".join(lines))
    print(f"{len(set(a) | set(b))} files compared, {differing} differ")
    return 1 if differing else 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "collect":
        collect(Path(argv[1]))
        return 0
    if len(argv) == 3 and argv[0] == "snapshot":
        return snapshot(Path(argv[1]), Path(argv[2]))
    if len(argv) in (3, 4) and argv[0] == "compare":  # compare A B [key,key,…: fields added on purpose]
        return compare(Path(argv[1]), Path(argv[2]), set(argv[3].split(",")) if len(argv) == 4 else None)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
