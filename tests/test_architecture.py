"""Layering rules that keep the code base honest: pages → lib façades → adapters, lib free of UI."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "pages").glob("*.py"))
LIB = sorted((ROOT / "lib").rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_do_not_touch_adapters(page):
    assert not _imports(page) & {"duckdb", "spotipy", "requests"}, "pages go through lib façades"


@pytest.mark.parametrize("module", LIB, ids=lambda p: str(p.relative_to(ROOT)))
def test_lib_has_no_streamlit_and_a_docstring(module):
    assert "streamlit" not in _imports(module)
    tree = ast.parse(module.read_text(encoding="utf-8"))
    if module.name != "__main__.py" or tree.body:
        assert ast.get_docstring(tree), f"{module} needs a one-line module docstring"


def test_no_secrets_or_databases_are_tracked():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for line in tracked.splitlines():
        assert not line.endswith((".duckdb", "secrets.toml", ".cache")), line
        assert "spotify_token" not in line, line
