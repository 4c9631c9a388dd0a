"""The layers, top to bottom: front ends (cli, ui, api, eval) -> service -> index -> rag.

An import may go down any number of layers, never up, and no two modules may import each
other in a loop (function-level imports count: they are still dependencies). No front end
imports ``index`` or ``rag.store``: they reach documents through the service tier.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

LAYERS = {"cli": 3, "ui": 3, "api": 3, "eval": 3, "service": 2, "index": 1, "rag": 0}
FRONT_ENDS = {name for name, rank in LAYERS.items() if rank == 3}
FORBIDDEN_FOR_FRONT_ENDS = ("index", "rag.store", "rag.bm25_index", "rag.catalog")
# The benchmarks time the pipeline's parts against the bare model: they chunk their corpus
# with the pipeline's own chunker.
MEASURED_PARTS = {("eval.bench.corpus", "index.chunking"), ("eval.bench.pdf", "index.loaders.pdf")}
MAX_LINES = 300


def modules() -> Iterator[tuple[str, Path]]:
    for package in LAYERS:
        folder = ROOT / package
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:`` (annotations only, never run)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def imports_of(name: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {f for f in found if f.split(".")[0] in LAYERS}


def graph() -> dict[str, set[str]]:
    known = dict(modules())
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        targets = set()
        for imported in imports_of(name, path):
            # "from rag.answering import base" names a module; "from rag import Answer" not
            while imported and imported not in known:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        edges[name] = targets
    return edges


def test_imports_go_down_the_layers_only() -> None:
    wrong = []
    for source, targets in graph().items():
        top = source.split(".")[0]
        for target in targets:
            other = target.split(".")[0]
            if (source, target) in MEASURED_PARTS:
                continue
            if LAYERS[other] > LAYERS[top] or (LAYERS[other] == LAYERS[top] and other != top):
                wrong.append(f"{source} -> {target}")
            elif top in FRONT_ENDS and target.startswith(FORBIDDEN_FOR_FRONT_ENDS):
                wrong.append(f"{source} -> {target} (front ends go through the service tier)")
    assert not wrong, "imports against the layers:\n" + "\n".join(sorted(wrong))


def test_no_import_cycles() -> None:
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            # a package's __init__ re-exporting its own modules is not a loop between modules
            if nxt.startswith(node + "."):
                continue
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_checks_catch_what_they_look_for(tmp_path: Path) -> None:
    """The walker sees function-level and relative imports (so the tests above can fail)."""
    module = tmp_path / "m.py"
    module.write_text(
        "def f():\n    from index.loaders import parse\nfrom .x import y\n"
        "if TYPE_CHECKING:\n    from service import z\n"
    )
    found = imports_of("ui.m", module)
    assert "index.loaders" in found and "index.loaders.parse" in found and "ui.x" in found
    assert "service" not in found


def test_modules_are_small() -> None:
    """At most one module over 300 lines, and it says why."""
    long = [
        (name, n)
        for name, path in modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert len(long) <= 1, f"modules over {MAX_LINES} lines: {long}"
    for name, _ in long:
        path = dict(modules())[name]
        assert "over 300 lines" in path.read_text(encoding="utf-8"), name


def _deferred_imports_without_reason(path: Path) -> list[int]:
    """Line numbers of imports inside functions with no comment in their block of imports or
    on the line above it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    missing = []
    for fn in ast.walk(ast.parse("\n".join(lines))):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            k = node.lineno - 1
            while k > 0 and lines[k - 1].strip().startswith(("from ", "import ")):
                k -= 1
            block = lines[k : node.lineno]  # this import and the imports just above it
            if not any("#" in line for line in block) and not lines[k - 1].strip().startswith("#"):
                missing.append(node.lineno)
    return missing


def test_imports_inside_functions_say_why() -> None:
    """Imports go at the top of a module, except a heavy dependency deferred for start-up
    time, with a comment saying so."""
    wrong = [
        f"{path.relative_to(ROOT)}:{line}"
        for _, path in modules()
        for line in _deferred_imports_without_reason(path)
    ]
    assert not wrong, "imports inside functions without a reason:\n" + "\n".join(wrong)
