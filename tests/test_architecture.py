"""The house's rules, read from the code's imports (grimp) and sizes; each check is also run on a
planted violation, so a check that cannot fail would show here.

- Layers: a module imports only its own layer or lower ones. From the bottom: the base
  (config, errors, logs), kit, the models, the core (engines, jobs, events, the live channel,
  the registry, security ...), the domains (every package with a domain.py), the entry points.
- A domain's routers are imported by its own domain.py alone: nobody calls into another
  domain's HTTP layer.
- No cycle between the packages (or modules) of any one package, at every depth; the models
  are left out, their relationships point both ways by nature.
- No source file over 600 lines, outside the migrations and the tests.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import grimp
import pytest

from lectern import registry

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 600

BASE = {"config", "errors", "logs"}
CORE = {
    "channel",
    "db",
    "events",
    "health",
    "jobs",
    "middleware",
    "migrate",
    "openapi",
    "registry",
    "schedule",
    "security",
}
ENTRY_POINTS = {"app", "cli", "runtime", "worker", "seed", "__main__"}


def layers(domains: Iterable[str]) -> list[set[str]]:
    """The top-level names of ``lectern`` by layer, from the bottom."""
    return [BASE, {"kit"}, {"models"}, CORE, set(domains), ENTRY_POINTS]


@cache
def lectern_graph() -> grimp.ImportGraph:
    return grimp.build_graph("lectern")


def domain_names() -> set[str]:
    return {domain.name for domain in registry.domains()}


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(graph: grimp.ImportGraph) -> Iterable[tuple[str, str]]:
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported.startswith("lectern."):
                yield importer, imported


def layer_violations(graph: grimp.ImportGraph, domains: Iterable[str]) -> list[str]:
    level = {name: index for index, names in enumerate(layers(domains)) for name in names}
    found = []
    for importer, imported in _imports(graph):
        source, target = _top(importer), _top(imported)
        if source not in level or target not in level:
            found.append(f"{importer} -> {imported}: a module in no layer")
        elif level[target] > level[source]:
            found.append(f"{importer} -> {imported}: imports upward")
    return found


def router_violations(graph: grimp.ImportGraph) -> list[str]:
    found = []
    for importer, imported in _imports(graph):
        if imported.endswith(".router") or ".router." in imported:
            own_domain = f"lectern.{_top(imported)}.domain"
            if importer != own_domain:
                found.append(f"{importer} -> {imported}: only {own_domain} imports a router")
    return found


def cycles(graph: grimp.ImportGraph, skip: Iterable[str] = ("lectern.models",)) -> list[str]:
    """Cycles between the children of every package (packages and modules alike)."""
    skipped = tuple(skip)
    found = []
    packages = sorted(m for m in graph.modules if graph.find_children(m))
    for package in packages:
        if package.startswith(skipped):
            continue
        children = sorted(graph.find_children(package))
        edges = collections.defaultdict(set)
        for importer, imported in _imports(graph):
            source = _child_of(children, importer)
            target = _child_of(children, imported)
            if source and target and source != target:
                edges[source].add(target)
        found += [f"{package}: {' <-> '.join(loop)}" for loop in _strong_components(edges)]
    return found


def _child_of(children: list[str], module: str) -> str | None:
    for child in children:
        if module == child or module.startswith(child + "."):
            return child
    return None


def _strong_components(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of two or more nodes that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def oversized(root: Path, limit: int = MAX_LINES) -> list[str]:
    found = []
    for folder in ("lectern", "bench"):
        for path in sorted((root / folder).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > limit:
                found.append(f"{path.relative_to(root)}: {lines} lines")
    return found


# -- the rules hold in Lectern --------------------------------------------------------------


def test_every_import_goes_down_the_layers() -> None:
    assert layer_violations(lectern_graph(), domain_names()) == []


def test_only_a_domain_imports_its_routers() -> None:
    assert router_violations(lectern_graph()) == []


def test_no_package_imports_in_a_circle() -> None:
    assert cycles(lectern_graph()) == []


def test_no_file_is_too_long() -> None:
    assert oversized(ROOT) == []


# -- each check catches a planted violation ------------------------------------------------


def planted(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        for module in (importer, imported):
            parts = module.split(".")
            for depth in range(1, len(parts) + 1):
                graph.add_module(".".join(parts[:depth]))
        graph.add_import(importer=importer, imported=imported)
    return graph


def test_a_planted_upward_import_is_caught() -> None:
    graph = planted(
        ("lectern.kit.sql", "lectern.learning.progress.service"),  # kit reaching a domain
        ("lectern.learning.progress.service", "lectern.kit.sql"),  # fine: downward
        ("lectern.db", "lectern.app"),  # the core reaching an entry point
    )
    assert layer_violations(graph, {"learning"}) == [
        "lectern.db -> lectern.app: imports upward",
        "lectern.kit.sql -> lectern.learning.progress.service: imports upward",
    ]


def test_a_planted_router_import_is_caught() -> None:
    graph = planted(
        ("lectern.quizzes.attempts.service", "lectern.learning.progress.router"),
        ("lectern.learning.domain", "lectern.learning.progress.router"),  # fine
    )
    assert router_violations(graph) == [
        "lectern.quizzes.attempts.service -> lectern.learning.progress.router: "
        "only lectern.learning.domain imports a router"
    ]


@pytest.mark.parametrize(
    ("imports", "expected"),
    [
        (
            [
                ("lectern.curriculum.totals", "lectern.learning.progress.service"),
                ("lectern.learning.progress.service", "lectern.curriculum.totals"),
            ],
            ["lectern: lectern.curriculum <-> lectern.learning"],
        ),
        (
            [
                ("lectern.quizzes.studio.service", "lectern.quizzes.regrade"),
                ("lectern.quizzes.regrade", "lectern.quizzes.attempts.service"),
                ("lectern.quizzes.attempts.service", "lectern.quizzes.studio.keys"),
            ],
            [
                "lectern.quizzes: lectern.quizzes.attempts <-> lectern.quizzes.regrade "
                "<-> lectern.quizzes.studio"
            ],
        ),
        (  # the models' relationships may point both ways
            [
                ("lectern.models.courses", "lectern.models.curriculum"),
                ("lectern.models.curriculum", "lectern.models.courses"),
            ],
            [],
        ),
    ],
)
def test_a_planted_cycle_is_caught(imports: list[tuple[str, str]], expected: list[str]) -> None:
    assert cycles(planted(*imports)) == expected


def test_a_planted_long_file_is_caught(tmp_path: Path) -> None:
    (tmp_path / "lectern").mkdir()
    (tmp_path / "bench").mkdir()
    (tmp_path / "lectern" / "short.py").write_text("x = 1\n" * MAX_LINES)
    (tmp_path / "bench" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    assert oversized(tmp_path) == [f"bench/long.py: {MAX_LINES + 1} lines"]
