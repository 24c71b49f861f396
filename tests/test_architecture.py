"""The shape of the package: stages as folders, imports pointing one way, small modules.

Imports are read from the source with ``ast`` (imports inside functions count too), so a
late import cannot hide a cycle. A module may import its own layer and the layers below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "zjtx_rules"

# Top first: delivery, developer tools, rendering, quality, batch, evaluation, compiling,
# the compiled program, profiles, expressions, the package files, shared text, the catalogue
# of diagnostics and errors.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__main__",),
    ("cli",),
    ("web",),
    ("bench",),
    ("backends",),
    ("render",),
    ("quality",),
    ("batch",),
    ("evaluate",),
    ("load",),
    ("program",),
    ("profile",),
    ("expr",),
    ("package",),
    ("display",),
    ("diagnostics",),
    ("errors",),
)
PUBLIC_API = "__init__"  # the facade re-exports from every layer and is imported by none
MAX_TOP_LEVEL = 12
MAX_LINES = 500


def _modules() -> dict[str, Path]:
    out = {}
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path) -> set[str]:
    """Every zjtx_rules module ``name`` imports, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    here = name.split(".") if is_pkg else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("zjtx_rules."):
                    found.add(a.name.removeprefix("zjtx_rules."))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                mod = ".".join([*base, *([node.module] if node.module else [])])
            elif node.module and (node.module == "zjtx_rules" or node.module.startswith("zjtx_rules.")):
                mod = node.module.removeprefix("zjtx_rules").removeprefix(".")
            else:
                continue
            for a in node.names:
                found.add(f"{mod}.{a.name}" if mod else a.name)
                if mod:
                    found.add(mod)
    mods = _modules()
    return {m for m in found if m in mods}


def _layer(module: str) -> int:
    top = module.split(".")[0]
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    raise AssertionError(f"module {module} is in no layer; add its folder to LAYERS")


def test_imports_point_down_the_layers() -> None:
    wrong = []
    for name, path in _modules().items():
        if name == PUBLIC_API:
            continue
        for dep in _imports(name, path):
            if dep == PUBLIC_API:
                if name.split(".")[0] not in ("cli", "__main__", "web", "bench"):
                    wrong.append(f"{name} imports the public facade")
                continue
            if _layer(dep) < _layer(name):
                wrong.append(f"{name} -> {dep}")
    assert not wrong, "imports that point up the layers:\n" + "\n".join(sorted(wrong))


def test_no_import_cycles() -> None:
    mods = _modules()
    graph = {n: {d for d in _imports(n, p) if d != n} for n, p in mods.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(n: str, stack: list[str]) -> None:
        state[n] = 1
        stack.append(n)
        for d in sorted(graph.get(n, ())):
            # a package's __init__ importing its own submodule is not a cycle back to it
            if n.startswith(d + ".") or d.startswith(n + "."):
                continue
            if state.get(d) == 1:
                cycles.append([*stack[stack.index(d) :], d])
            elif d not in state:
                visit(d, stack)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n, [])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_root_holds_few_modules() -> None:
    top = sorted(p.name for p in PKG.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL, top


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(p.relative_to(PKG)): n
        for p in PKG.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long


def test_few_functions_are_over_80_lines() -> None:
    long = []
    for p in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > 80:
                    long.append(f"{p.relative_to(PKG)}:{node.lineno} {node.name} {n}")
    assert len(long) <= 5, "\n".join(sorted(long))
