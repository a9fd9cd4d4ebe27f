"""The layout rule "the engine core imports no engine": config → typed plan and Excel's value rules
(``sheetscale_engine/core/``, ``sheetscale_engine/config/``) and the engine-neutral modules
(``errors.py``, ``progress.py``, ``job.py``) never import pyspark, py4j or duckdb.

Checked on the source with ``ast`` (nothing is imported), so that a DuckDB job never loads Spark
and the core runs where neither engine is installed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sheetscale_engine"
ENGINES = frozenset({"pyspark", "py4j", "duckdb"})
# The lowerings: the core may not import them at all; job.py picks one and imports it lazily.
LOWERINGS = ("sheetscale_engine.spark", "sheetscale_engine.duckdb")


def _core_modules() -> list[Path]:
    modules = [p for d in ("core", "config") for p in sorted((PACKAGE / d).rglob("*.py"))]
    return [*modules, *(PACKAGE / name for name in ("errors.py", "progress.py", "job.py"))]


def _imports(tree: ast.AST) -> list[tuple[str, int, bool]]:
    """(module imported, line, at module level) for every import statement and every
    ``importlib.import_module("...")`` / ``__import__("...")`` call with a constant name."""
    top_level = {id(node) for node in getattr(tree, "body", [])}
    found: list[tuple[str, int, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno, id(node) in top_level) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno, id(node) in top_level))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.append((node.args[0].value, node.lineno, False))
    return found


def _relative(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def test_the_core_modules_exist() -> None:
    modules = _core_modules()
    assert (PACKAGE / "core" / "__init__.py") in modules
    assert (PACKAGE / "core" / "excel_values.py") in modules
    missing = [_relative(p) for p in modules if not p.is_file()]
    assert not missing, f"missing: {missing}"


@pytest.mark.parametrize("path", _core_modules(), ids=_relative)
def test_imports_no_engine(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bad = [
        f"{_relative(path)}:{line} imports {module}"
        for module, line, _ in _imports(tree)
        if module.split(".")[0] in ENGINES
    ]
    assert not bad, "the engine core imports no engine:\n" + "\n".join(bad)


@pytest.mark.parametrize("path", _core_modules(), ids=_relative)
def test_imports_no_lowering_at_module_level(path: Path) -> None:
    """core/ and config/ never import a lowering; job.py only inside the function that picked it."""
    in_package = path.parent.name in ("core", "config") or path.parent.parent.name in ("core", "config")
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bad = [
        f"{_relative(path)}:{line} imports {module}"
        for module, line, top in _imports(tree)
        if any(module == low or module.startswith(low + ".") for low in LOWERINGS) and (top or in_package)
    ]
    assert not bad, "a lowering imported by the core (or at import time):\n" + "\n".join(bad)
