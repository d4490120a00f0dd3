"""d2l_ext's modules import each other without a cycle: imports inside functions and under TYPE_CHECKING count too."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "d2l_ext"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The d2l_ext modules that ``path`` imports anywhere in the file."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                if f"{target}.{alias.name}" in modules:  # from package import submodule
                    found.add(f"{target}.{alias.name}")
                elif target in modules:
                    found.add(target)
    found.discard(name)
    return found


def _graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(p) for p in paths}
    return {_module_name(p): _imports(p, modules) for p in paths}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt == "d2l_ext":  # the package's own __init__ re-exports everything: importing it is a cycle
                return [*stack, nxt]
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node != "d2l_ext" and node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_in_d2l_ext():
    graph = _graph()
    assert "d2l_ext.core.train" in graph and "d2l_ext.exercises.playground_app" in graph
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    assert _cycle({"d2l_ext.x": {"d2l_ext"}}) == ["d2l_ext.x", "d2l_ext"]


def test_engines_import_no_widgets_and_checks_no_apps():
    graph = _graph()
    for engine in ("d2l_ext.exercises.playground", "d2l_ext.exercises.mnist_init", "d2l_ext.core.train"):
        assert not any(m.endswith("_app") or m.endswith(".app") for m in graph[engine]), engine
    for check in (m for m in graph if m.startswith("d2l_ext.checks")):
        assert not any("exercises" in m for m in graph[check]), check


def test_import_d2l_ext_leaves_d2l_and_torchvision_for_later():
    """What makes `import d2l_ext` cheap (bench/import_time.py measures it): d2l and torchvision load on first
    use of a name that needs them, and then the lazy names resolve."""
    import subprocess
    import sys

    code = (
        "import sys, d2l_ext; heavy = {'d2l', 'torchvision', 'sklearn', 'ipywidgets'} & set(sys.modules); "
        "assert not heavy, heavy; d2l_ext.FashionMNIST, d2l_ext.dropout_layer, d2l_ext.dropout.DropoutMLPScratch; "
        "assert 'd2l' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
