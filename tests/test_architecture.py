"""The layer rules of docs/architecture.md, checked on the import graph (grimp).

budget/ is the bottom layer, simulator/ sits on it, votes/ on both; inside votes/ no module may
reach itself again through its imports. Imports inside functions count; imports under
`if TYPE_CHECKING:` do not (they never run). Migrations are not part of these packages' code.
"""

from __future__ import annotations

import grimp
import pytest

PACKAGES = ("budget", "simulator", "votes")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)


def _code(graph: grimp.ImportGraph, package: str) -> list[str]:
    return sorted(m for m in graph.find_descendants(package) | {package} if ".migrations" not in m)


def _imports_into(graph: grimp.ImportGraph, source: str, target: str) -> list[str]:
    found = []
    for module in _code(graph, source):
        for imported in graph.find_modules_directly_imported_by(module):
            if imported == target or imported.startswith(target + "."):
                found.append(f"{module} -> {imported}")
    return sorted(found)


def test_budget_imports_nothing_from_the_layers_above(graph):
    assert _imports_into(graph, "budget", "simulator") == []
    assert _imports_into(graph, "budget", "votes") == []


def test_simulator_imports_budget_only(graph):
    assert _imports_into(graph, "simulator", "votes") == []


def _cycles(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = _code(graph, package)
    inside = set(modules)
    edges = {
        m: sorted(i for i in graph.find_modules_directly_imported_by(m) if i in inside)
        for m in modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    counter = 0
    for root in modules:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            descended = False
            for i in range(position, len(edges[node])):
                child = edges[node][i]
                if child not in index:
                    work.append((node, i + 1))
                    work.append((child, 0))
                    descended = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if descended:
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(components)


def test_no_module_of_votes_imports_itself_back_through_a_cycle(graph):
    assert _cycles(graph, "votes") == []


def test_the_cycle_finder_sees_a_cycle_when_there_is_one():
    graph = grimp.ImportGraph()
    for module in ("votes", "votes.a", "votes.b", "votes.c"):
        graph.add_module(module)
    graph.add_import(importer="votes.a", imported="votes.b")
    graph.add_import(importer="votes.b", imported="votes.a")
    graph.add_import(importer="votes.c", imported="votes.a")

    assert _cycles(graph, "votes") == [["votes.a", "votes.b"]]
