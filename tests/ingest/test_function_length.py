"""No function in the ingest package longer than 80 lines, counted from its ``def`` line to its last line.

Why: a long function holds several jobs; named helpers let a newcomer read one job at a time. Every
``.py`` under ``src/analysis/ingest/`` is walked (``CHECKED`` is the whole package; a folder covers every
module below it).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import analysis.ingest

INGEST = Path(analysis.ingest.__file__).parent
MAX_LINES = 80
CHECKED = ["."]


def functions_over(source: str, limit: int = MAX_LINES) -> list[tuple[str, int, int]]:
    """(name, def line, length) of every function or method longer than ``limit`` lines."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > limit:
                found.append((node.name, node.lineno, length))
    return sorted(found, key=lambda item: item[1])


def _under(path: Path, entry: str) -> bool:
    relative = path.relative_to(INGEST)
    return relative == Path(entry) or Path(entry) in relative.parents


@pytest.mark.parametrize("entry", CHECKED)
def test_no_function_over_80_lines(entry: str) -> None:
    files = [path for path in sorted(INGEST.rglob("*.py")) if _under(path, entry)]
    assert files, f"{entry} is not under {INGEST}"
    problems = [
        f"{path.relative_to(INGEST)}:{line} {name}() is {length} lines"
        for path in files
        for name, line, length in functions_over(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "functions over 80 lines:\n" + "\n".join(problems)


@pytest.mark.parametrize(("body_lines", "listed"), [(79, False), (80, True)])
def test_the_count_runs_from_the_def_line_to_the_last_line(body_lines: int, listed: bool) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(body_lines))
    source = f"@decorator\ndef long() -> None:\n{body}\n\nclass K:\n    def short(self) -> None:\n        pass\n"
    assert functions_over(source) == ([("long", 2, body_lines + 1)] if listed else [])
