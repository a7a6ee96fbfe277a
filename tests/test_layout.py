"""The house's rules, read from the code's own imports (the layout issue's "done when").

No import cycle (a lazy import counts); no private name imported from another sub-package;
Prefect imported only under pipeline/orchestration, SQLAlchemy only in the history store;
the functional core (compute/) imports neither presentation nor I/O stages; the environment
is read only at the edge (ENV_READERS).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pipeline"
# The only modules that touch os.environ: the edge that reads the deployment's settings once
# (`settings`, called by the CLI and by each flow), the CLI (Prefect's own logging switches),
# and two that hand an environment to a process they start (LibreOffice, the Prefect server).
ENV_READERS = {"pipeline.settings", "pipeline.cli", "pipeline.render.pdf", "pipeline.orchestration.serve"}


def _name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


MODULES = {_name(p): p for p in PACKAGE.rglob("*.py")}
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def _imports(tree: ast.Module):
    """(imported module, names, line) for every import, at the top or inside a function."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, [a.name for a in node.names], node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno


def _stage(module: str) -> str:
    """The sub-package a module belongs to (pipeline.compute.month -> pipeline.compute)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 or (PACKAGE / parts[-1]).is_dir() else module


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, tree in TREES.items():
        for target, names, _ in _imports(tree):
            for candidate in [target] + [f"{target}.{n}" for n in names]:
                if candidate in MODULES and candidate != module:
                    graph[module].add(candidate)
    return graph


def test_no_import_cycle():
    graph, state, cycles = _graph(), {}, []

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_no_private_name_crosses_a_sub_package():
    crossing = [
        (module, target, name, line)
        for module, tree in TREES.items()
        for target, names, line in _imports(tree)
        if target.startswith("pipeline")
        for name in names
        if name.startswith("_") and _stage(target) != _stage(module)
    ]
    assert crossing == []


def test_prefect_only_in_orchestration_and_sqlalchemy_only_in_the_history_store():
    prefect = sorted({m for m, t in TREES.items() for target, _, _ in _imports(t) if target.split(".")[0] == "prefect"})
    sql = sorted({m for m, t in TREES.items() for target, _, _ in _imports(t) if target.split(".")[0] == "sqlalchemy"})
    assert prefect and all(m.startswith("pipeline.orchestration.") for m in prefect), prefect
    assert [m for m in sql if not m.startswith("pipeline.publish.migrations.")] == ["pipeline.publish.history"]


def test_the_core_imports_no_presentation_io_or_orchestration():
    outward = (
        "pipeline.documents",
        "pipeline.render",
        "pipeline.publish",
        "pipeline.runs",
        "pipeline.orchestration",
        "pipeline.distribute",
        "pipeline.intake",
        "pipeline.load",
        "pipeline.cli",
    )
    found = [
        (m, target)
        for m, t in TREES.items()
        if m.startswith("pipeline.compute")
        for target, _, _ in _imports(t)
        if target.startswith(outward)
    ]
    assert found == []


def test_the_environment_is_read_only_at_the_edge():
    readers = set()
    for module, tree in TREES.items():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("environ", "getenv")
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
            ):
                readers.add(module)
    assert readers <= ENV_READERS, sorted(readers - ENV_READERS)


def test_every_sub_package_says_what_it_offers():
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(TREES[_name(init)])
        assert doc and len(doc) > 80, f"{init.parent.name}/__init__.py has no docstring saying what it offers"


def test_the_folders_show_the_data_flow():
    stages = {
        "config",
        "intake",
        "load",
        "validation",
        "compute",
        "documents",
        "render",
        "publish",
        "distribute",
        "runs",
        "orchestration",
    }
    assert stages <= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
