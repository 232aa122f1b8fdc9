"""No runtime import cycle in bot/ or adapters/: modules import in one direction only.

A cycle works until someone imports the modules in another order, and a lazy import inside a
function only hides it, so an import in a function body counts as much as one at the top. Only
imports under ``if TYPE_CHECKING:`` are left out: they never run.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def modules(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    found = {}
    for package in packages:
        for path in (root / package).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports when it runs, wherever in the file the import is."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    visit_node(other)
            else:
                visit_node(child)

    def visit_node(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:  # `from package import module` imports the module
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
        visit(node)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in known and m != name}


def import_cycle(root: Path, packages: tuple[str, ...]) -> list[str] | None:
    known = modules(root, packages)
    graph = {name: runtime_imports(name, path, known) for name, path in known.items()}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        return list(exc.args[1])
    return None


def test_bot_and_adapters_have_no_runtime_import_cycle() -> None:
    cycle = import_cycle(ROOT, ("bot", "adapters"))
    assert cycle is None, "runtime import cycle: " + " → ".join(cycle or [])


def test_a_cycle_closed_by_a_lazy_import_is_found_and_type_checking_imports_are_not(
    tmp_path: Path,
) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "rule.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pkg.types import Kind\n"
        "def make():\n    from pkg.status import status\n    return status\n"
    )
    (package / "status.py").write_text("from . import rule\n")
    (package / "types.py").write_text("from pkg.rule import make\nKind = object\n")
    assert sorted(set(import_cycle(tmp_path, ("pkg",)) or [])) == ["pkg.rule", "pkg.status"]
    (package / "rule.py").write_text("from typing import TYPE_CHECKING\n")
    assert import_cycle(tmp_path, ("pkg",)) is None
