"""The code's layers, read from its own imports, so they stay one-way.

views / api / realtime (entry points) -> forms -> services -> policy -> models,
with the outbound events (`nic.events`) at the bottom beside the models, and
the factory (`nic`, `nic.setup`, `nic.cli`, `nic.demo`) above everything. No
cycles between modules, and no import inside a function to dodge one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "nic"
FACTORY = (
    "nic",
    "nic.setup",
    "nic.cli",
    "nic.demo",
    "nic.demo_practices",
    "nic.demo_improvement",
    "nic.demo_measures",
)
# Where a function-level import is the point: create_app keeps `import nic` free of work,
# and the server imports only the async mode it runs.
LATE_IMPORTS_ALLOWED = {"nic", "nic.serve"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _targets(node: ast.Import | ast.ImportFrom, importer: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:  # relative: not used in nic, but resolved anyway
        package = importer.rsplit(".", node.level)[0]
        base = f"{package}.{base}" if base else package
    found = []
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        found.append(candidate if candidate in MODULES else base)
    return found


def imports(name: str) -> tuple[set[str], list[int]]:
    """nic modules `name` imports at run time, and the lines of imports inside functions."""
    tree = ast.parse(MODULES[name].read_text())
    top: set[str] = set()
    late: list[int] = []

    def walk(nodes: list[ast.stmt], in_function: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node):
                continue
            if isinstance(node, ast.Import | ast.ImportFrom):
                targets = [t for t in _targets(node, name) if t.split(".")[0] == "nic"]
                if in_function and targets:
                    late.append(node.lineno)
                top.update(targets)
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    walk([child], in_function or isinstance(node, ast.FunctionDef))

    walk(tree.body, False)
    top.discard(name)
    return top, late


GRAPH = {name: imports(name)[0] for name in MODULES}


def layer(name: str) -> str:
    for prefix, label in (
        ("nic.views", "entry"), ("nic.api", "entry"), ("nic.realtime", "entry"),
        ("nic.forms", "forms"), ("nic.services", "services"), ("nic.policy", "policy"),
        ("nic.models", "models"), ("nic.events", "events"),
    ):  # fmt: skip
        if name == prefix or name.startswith(prefix + "."):
            return label
    return "factory" if name in FACTORY else "base"


# What each layer may import (besides itself). "base": errors, extensions, database,
# markup, config, jsonlimits, responses, serve, runtime: small modules that know no layer.
ALLOWED = {
    "factory": {"entry", "forms", "services", "policy", "models", "events", "base", "factory"},
    "entry": {"forms", "services", "policy", "models", "events", "base"},
    "forms": {"services", "models", "base"},
    "services": {"policy", "models", "events", "base"},
    "policy": {"models", "base"},
    "models": {"base"},
    "events": {"base"},
    "base": {"base"},
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_down_the_layers(name):
    wrong = sorted(t for t in GRAPH[name] if layer(t) not in ALLOWED[layer(name)] | {layer(name)})
    assert wrong == [], f"{name} ({layer(name)}) imports {wrong}"


def test_the_base_modules_know_no_layer():
    base = [n for n in MODULES if layer(n) == "base"]
    assert "nic.errors" in base and "nic.extensions" in base
    for name in base:
        assert {layer(t) for t in GRAPH[name]} <= {"base"}, name


def test_no_import_inside_a_function():
    late = {n: imports(n)[1] for n in MODULES if n not in LATE_IMPORTS_ALLOWED}
    assert {n: lines for n, lines in late.items() if lines} == {}


def test_no_import_cycles():
    """Tarjan's strongly connected components: each must be a single module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH.get(node, ()):
            if nxt not in MODULES:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(MODULES):
        if name not in index:
            visit(name)
    assert cycles == []


def test_the_walk_sees_the_imports():
    """The checks above read real edges (a broken walk would pass them all)."""
    assert "nic.services.logins" in GRAPH["nic.services.accounts"]
    assert "nic.events" in GRAPH["nic.services.tokens"]
    assert "nic.models.accounts" in GRAPH["nic.policy"]
    assert imports("nic")[1]  # create_app's imports are inside it
