"""No function longer than 80 lines in the ingest modules listed here (issue #12).

Why: a long function in the orchestration mixed several jobs and could only be tested through a whole run.
The list holds the modules already split; the lead extends it as the others are rewritten.
"""

from __future__ import annotations

import ast
from pathlib import Path

import analysis.ingest

MAX_LINES = 80
PACKAGE = Path(analysis.ingest.__file__).parent
CHECKED = (
    "__init__.py", "cache.py", "context.py", "duplicates.py", "files.py", "overrides.py", "process.py",
    "records.py", "report.py", "result.py", "runner.py", "write.py",
)


def long_functions(source: str, limit: int = MAX_LINES) -> list[tuple[str, int]]:
    """(name, lines) of every function or method in ``source`` longer than ``limit`` lines (nested too)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            lines = (node.end_lineno or node.lineno) - start + 1
            if lines > limit:
                found.append((node.name, lines))
    return found


def test_the_checked_modules_exist() -> None:
    assert [name for name in CHECKED if not (PACKAGE / name).is_file()] == []


def test_no_function_over_80_lines_in_the_checked_modules() -> None:
    too_long = {name: long_functions((PACKAGE / name).read_text(encoding="utf-8")) for name in CHECKED}
    assert {name: found for name, found in too_long.items() if found} == {}


def test_the_check_sees_a_long_function_and_a_long_method() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    source = f"def long():\n{body}\n\nclass A:\n    def short(self):\n        return 1\n\n" \
             f"    def long_method(self):\n{body.replace('    ', '        ')}\n"
    assert long_functions(source) == [("long", MAX_LINES + 1), ("long_method", MAX_LINES + 1)]
