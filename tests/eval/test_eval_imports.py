"""eval's own modules import each other without a loop, and never a front end above them."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

EVAL = ROOT / "eval"


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path) -> set[str]:
    """Every module named by an import anywhere in the file (deferred imports included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_eval_has_no_import_cycle_and_no_upward_import() -> None:
    graph = {_module(p): _imports(p) for p in EVAL.rglob("*.py")}
    for module, imported in graph.items():
        assert not {i for i in imported if i == "ui" or i.startswith("ui.")}, module
    edges = {m: {i for i in imported if i in graph and i != m} for m, imported in graph.items()}

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for nxt in edges[start] - seen:
            if nxt == target or reaches(nxt, target, seen | {nxt}):
                return True
        return False

    cycles = sorted(m for m in edges if reaches(m, m, set()))
    assert cycles == [], f"modules in an import cycle: {cycles}"
