"""The layout holds: no import cycle among tui modules (imports inside functions count),
and no domain module reaches the terminal libraries, even through a lazy import.

Read from the source (the AST), so an import that runs only on some path is seen too.
Imports under ``if TYPE_CHECKING:`` are left out: they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tui

ROOT = Path(tui.__file__).resolve().parent

DOMAIN_PACKAGES = (
    "tui.model", "tui.paths", "tui.query", "tui.export", "tui.output", "tui.view_scope", "tui.sanitize", "tui.settings",
    "tui.library", "tui.loader", "tui.triage", "tui.store", "tui.search", "tui.userdata",
    "tui.cache", "tui.interest", "tui.status", "tui.export_job", "tui.external_editor",
    "tui.triage_keys", "tui.quit_signals",
)
"""The domain: everything here runs without a terminal (CLI, tests, benchmarks)."""
UI = ("textual", "rich", "tui.app", "tui.screens", "tui.widgets", "tui.commands", "tui.messages")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(module: str) -> set[str]:
    """Every module ``module`` imports anywhere in its source (tui modules by their own
    name: ``from tui.store import cache`` is ``tui.store.cache``; others by top name)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in MODULES else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {name if name.startswith("tui") else name.split(".")[0] for name in found} - {module}


GRAPH = {module: _imports(module) for module in MODULES}


def _cycles() -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(GRAPH[node] & MODULES.keys()):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(GRAPH):
        if module not in index:
            connect(module)
    return groups


def _reachable(module: str) -> set[str]:
    seen: set[str] = set()
    todo = [module]
    while todo:
        current = todo.pop()
        for target in GRAPH.get(current, ()):
            if target not in seen:
                seen.add(target)
                if target in GRAPH:
                    todo.append(target)
    return seen


def test_the_graph_sees_lazy_imports() -> None:
    """The walk must see an import inside a function, or it proves nothing."""
    assert "tui.store.formats.bibtex" in GRAPH["tui.store.formats.bibtex"] | _reachable("tui.store") \
        or any("bibtexparser" in GRAPH[m] for m in GRAPH)
    assert "tui.app" in GRAPH["tui.cli.main"] or "tui.app" in _reachable("tui.cli.factory"), \
        "the command line builds the app through an import inside a function"


def test_no_import_cycle_among_tui_modules() -> None:
    cycles = _cycles()
    assert cycles == [], "import cycles (each group imports itself round about): " + "; ".join(
        " <-> ".join(group) for group in cycles)


@pytest.mark.parametrize("module", sorted(m for m in MODULES
                                          if any(m == p or m.startswith(p + ".")
                                                 for p in DOMAIN_PACKAGES)))
def test_domain_module_never_reaches_the_terminal(module: str) -> None:
    reached = _reachable(module)
    ui = sorted(m for m in reached if any(m == u or m.startswith(u + ".") for u in UI))
    assert ui == [], f"{module} reaches {ui}"


def _assigned_at_top(module: str) -> set[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    return {target.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)}


def test_the_quit_signals_are_listed_once_for_the_reader_and_the_command_line() -> None:
    """The reader and ``papertray annotate`` each had their own list (in another order): a
    signal added to one would quit the other half way."""
    defined = sorted(m for m in MODULES if "QUIT_SIGNALS" in _assigned_at_top(m))
    assert defined == ["tui.quit_signals"], defined
    for user in ("tui.app", "tui.cli.held"):
        assert "tui.quit_signals" in GRAPH[user], user
