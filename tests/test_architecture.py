"""Layering rules read from the code itself (AST): pages → ui → lib package façades → adapters."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "pages").glob("*.py"))
UI = sorted((ROOT / "ui").rglob("*.py"))
LIB = sorted((ROOT / "lib").rglob("*.py"))
STORE = sorted((ROOT / "lib" / "store").rglob("*.py"))
# SQL keywords in the shape of a statement; upper case as this code base writes SQL.
SQL = re.compile(r"\bSELECT\b.+\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|"
                 r"\bCREATE\s+(TABLE|VIEW|INDEX)\b|\bWHERE\b.+(=|\bIN\b|\bLIKE\b)", re.DOTALL)
# Known exceptions, each to be removed when fixed (the test fails if one is fixed but still listed).


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _imported_modules(path: Path) -> list[tuple[str, list[str]]]:
    """Every import anywhere in the file (also inside functions): (absolute module, names imported from it)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def _imports(path: Path) -> set[str]:
    return {module.split(".")[0] for module, _ in _imported_modules(path)}


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            out.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            out.append("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values))
    return out


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_do_not_touch_adapters(page):
    assert not _imports(page) & {"duckdb", "spotipy", "requests"}, "pages go through lib façades"


@pytest.mark.parametrize("module", UI + PAGES, ids=_rel)
def test_ui_imports_only_package_facades(module):
    """`from lib.rules import x`, never `from lib.rules.compile import x` nor a submodule by name."""
    wrong = []
    for name, names in _imported_modules(module):
        parts = name.split(".")
        if parts[0] != "lib":
            continue
        if len(parts) > 2:
            wrong.append(name)
        wrong.extend(f"{name}.{n}" for n in names if _is_module(f"{name}.{n}") and len(parts) >= 2)
    assert not wrong, f"{_rel(module)} reaches past the façades: {wrong}"


@pytest.mark.parametrize("module", UI + PAGES, ids=_rel)
def test_no_sql_in_ui_or_pages(module):
    found = [s for s in _strings(module) if SQL.search(s)]
    assert not found, f"SQL belongs in lib/store or the rules compiler, found in {_rel(module)}: {found[:3]}"


def test_the_sql_detector_finds_sql():
    assert SQL.search("SELECT count(*) FROM track_view")
    assert SQL.search("DELETE FROM rules WHERE rule_id = ?")
    assert not SQL.search("Select the rows you want from the table")


@pytest.mark.parametrize("module", STORE, ids=_rel)
def test_store_imports_neither_rules_nor_config(module):
    modules = {name for name, _ in _imported_modules(module)}
    assert not {m for m in modules if m == "lib.rules" or m.startswith("lib.rules.")}, \
        f"{_rel(module)} imports the rules package; the store sits below it"
    assert not any(m == "lib.config" or m.startswith("lib.config.") for m in modules), \
        f"{_rel(module)}: the store is configured by its callers and does not import lib.config"


@pytest.mark.parametrize("module", LIB, ids=_rel)
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
