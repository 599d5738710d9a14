"""Write a zoo's layouts, read them with one ingest call, judge each file; and the inspection command.

Why a module of its own: the three zoo test files and their ``python -m`` commands do exactly this; one copy.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from analysis.ingest import ingest

from .judge import Verdict, judge, table_text
from .parts import Layout


def judge_folder(layouts: Sequence[Layout], write: Callable[[Layout, Path], Path], folder: Path) -> dict[str, Verdict]:
    """Write every layout into ``folder``, ingest it once, judge each file; prints the table (pytest -s)."""
    folder.mkdir(parents=True, exist_ok=True)
    for lay in layouts:
        write(lay, folder)
    verdicts = judge_read(layouts, folder)
    print("\n" + table_text(list(verdicts.values())))
    return verdicts


def judge_read(layouts: Sequence[Layout], folder: Path, ignore: dict[str, set[str]] | None = None) -> dict[str, Verdict]:
    """One ingest call over ``folder``, one verdict per layout (``ignore``: fields left out, per layout id)."""
    result = ingest([folder], out_dir=folder.parent / f"{folder.name}-out", jobs=0, cache=False, write=False,
                    progress=False)
    table, rejects = result.table, result.rejects
    # labels are relative to the folder's parent ("raw/<file>"): match on the file name
    reports: dict[str, dict[str, Any]] = {Path(f["path"]).name: f for f in result.report["files"]}
    names = table["source_file"].map(lambda p: Path(p).name)
    rej_names = rejects["source_file"].map(lambda p: Path(str(p)).name) if len(rejects) else None
    verdicts = {}
    for lay in layouts:
        mine = table[(names == lay.file_name).to_numpy()]
        rej = rejects[(rej_names == lay.file_name).to_numpy()] if rej_names is not None else rejects
        verdicts[lay.id] = judge(lay, mine, rej, reports.get(lay.file_name), (ignore or {}).get(lay.id, set()))
    return verdicts


def write_zoo(name: str, layouts: Sequence[Layout], write: Callable[[Layout, Path], Path],
              truth: Callable[[list[Layout]], dict[str, Any]], argv: list[str] | None = None) -> int:
    """``python -m tests.zoo.<name> OUT_DIR``: OUT_DIR/files/* and OUT_DIR/truth.json, for inspection."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(f"usage: python -m tests.zoo.{name} OUT_DIR", file=sys.stderr)
        return 2
    out = Path(args[0])
    (out / "files").mkdir(parents=True, exist_ok=True)
    for layout in layouts:
        write(layout, out / "files")
    (out / "truth.json").write_text(json.dumps(truth(list(layouts)), ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(layouts)} layouts written to {out / 'files'}; truth in {out / 'truth.json'}")
    return 0
