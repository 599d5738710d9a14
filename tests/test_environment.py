"""pyproject.toml and environment.yml must list the same packages (conda users get what pip users get)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(s) for s in project["dependencies"]} | {_name(s) for s in project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["name"] == "khuyencong"
    listed = {_name(s) for s in env["dependencies"] if isinstance(s, str)} - {"python", "pip"}
    assert listed == wanted, (sorted(listed - wanted), sorted(wanted - listed))
    pip_part = next(s for s in env["dependencies"] if isinstance(s, dict))["pip"]
    assert "-e ." in pip_part


def test_readme_first_screen_has_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", readme, flags=re.S)
    assert blocks and blocks[0].strip().splitlines() == ["make report", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_published_figures_equal_the_shared_reference() -> None:
    """data/raw/published/ carries a copy of the team's shared reference table: the two must not drift."""
    shared = ROOT.parent / "shared" / "reference" / "published_figures.csv"
    if not shared.parent.is_dir():
        import pytest

        pytest.skip(f"no shared reference folder at {shared.parent}")
    local = ROOT / "data" / "raw" / "published" / "published_figures.csv"
    assert local.read_bytes() == shared.read_bytes(), f"re-copy {shared} into {local.parent}"
