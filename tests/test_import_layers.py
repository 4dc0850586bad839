"""Imports run downward only (DESIGN.md, "Layers and what may import what"; issue 19).

Every module of ``src/alt401k`` is parsed with :mod:`ast`; every import in it
-- at module level, inside functions and classes, relative or absolute -- is
resolved to the package's modules it names. :data:`LAYERS` (the one place the
allowed direction is written down, matching DESIGN.md's list) maps each
module to a layer; a module may import its own layer and the layers below it,
never one above. Within a layer imports are allowed, but the whole module
graph must be acyclic.

``if TYPE_CHECKING:`` imports are exempt (:func:`imports_of` skips them
unless asked): they never run, so they create no load-time dependency and no
cycle, and they name a type only for mypy. They are used where a lower
layer *receives* an object built above it and reads its fields (the run
layer's pool layout reads a ``Scenario``; ``sensitivity`` reads results):
spelling those types as protocols would say the same thing at more length.
:func:`test_type_checking_imports_are_few` keeps their list short and written
down, so a new one is a decision, not an accident.

The package's ``__init__.py`` (the flat public namespace ``alt401k.X``) sits
above every layer: it re-exports from all of them and nothing imports it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "src" / "alt401k"
PACKAGE = "alt401k"

#: Layers from the top (index 0) down; a module may import only its own layer
#: and those after it. Patterns are module names relative to ``alt401k``
#: (``fnmatch``; ``x.*`` is a subpackage's modules, ``x`` its ``__init__``).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("package", ("__init__",)),
    ("face", ("cli", "__main__", "plotting", "display", "display.*", "app", "app.*")),
    (
        "api",
        (
            "scenario",
            "scenario.*",
            "results",
            "results.*",
            "comparisons",
            "comparisons.*",
            "io",
            "io.*",
            "sensitivity",
            "validation",
            "validation.*",
        ),
    ),
    ("run", ("_pool", "_pool.*", "execution", "_calibrate")),
    (
        "rules",
        (
            "plan",
            "plan.*",
            "limits",
            "limits.*",
            "contributions",
            "pay",
            "leakage",
            "retirement",
            "retirement.*",
            "outflows",
            "segments",
            "portfolio",
            "population",
            "population.*",
            "tax",
            "tax.*",
            "adoption",
            "adoption.*",
            "flow_targets",
            "market_context",
        ),
    ),
    ("kernel", ("engine", "engine.*", "_kernel_numba")),
    ("markets", ("markets", "markets.*")),
    (
        "base",
        (
            "uncertain",
            "uncertain.*",
            "_spec",
            "_show",
            "_random",
            "_validation",
            "_warnings",
            "_version",
        ),
    ),
]

#: Inside the rules layer, tax and adoption stand alone: they import no other rule.
STANDALONE_RULES = ("tax", "adoption")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()  # a subpackage's __init__ is the subpackage itself
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return name != "__init__" and MODULES[name].name == "__init__.py"


def _resolve(target: str) -> str | None:
    """The module a dotted name relative to ``alt401k`` refers to ("" is the package)."""
    if target == "":
        return "__init__"
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def _is_type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _walk(node: ast.AST, type_checking: bool) -> Iterator[ast.AST]:
    """Every node under ``node``; the bodies of ``if TYPE_CHECKING:`` only if asked."""
    for child in ast.iter_child_nodes(node):
        if _is_type_checking(child) and not type_checking:
            for other in child.orelse:  # type: ignore[attr-defined]
                yield other
                yield from _walk(other, type_checking)
            continue
        yield child
        yield from _walk(child, type_checking)


def imports_of(
    name: str, source: str | None = None, *, type_checking: bool = False
) -> Iterator[tuple[str, int]]:
    """(imported module relative to ``alt401k``, line) for every import in module ``name``.

    ``source`` replaces the module's text (to test the walker itself);
    ``type_checking`` includes the imports under ``if TYPE_CHECKING:``.
    """
    text = MODULES[name].read_text() if source is None else source
    tree = ast.parse(text, filename=str(MODULES[name]))
    package = name if _is_package(name) else name.rpartition(".")[0]
    if name == "__init__":
        package = ""
    for node in _walk(tree, type_checking):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    found = _resolve(alias.name[len(PACKAGE) + 1 :])
                    if found:
                        yield found, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                stem = ".".join([*base, *(node.module.split(".") if node.module else [])])
            elif node.module == PACKAGE or (node.module or "").startswith(PACKAGE + "."):
                stem = (node.module or "")[len(PACKAGE) + 1 :]
            else:
                continue
            if stem and stem not in MODULES:
                # A module that does not exist: the import would fail at run time (a
                # relative import left behind when a module moved into a package).
                raise AssertionError(f"alt401k.{name} line {node.lineno}: no module {stem!r}")
            for alias in node.names:
                sub = f"{stem}.{alias.name}" if stem else alias.name
                found = _resolve(sub) if sub in MODULES else _resolve(stem)
                if found:
                    yield found, node.lineno


def layer_of(name: str) -> int:
    matches = [i for i, (_, pats) in enumerate(LAYERS) if any(fnmatch(name, p) for p in pats)]
    if len(matches) != 1:
        raise AssertionError(f"module alt401k.{name} is in {len(matches)} layers; place it in one")
    return matches[0]


def graph() -> dict[str, set[str]]:
    return {m: {t for t, _ in imports_of(m) if t != m} for m in MODULES}


def upward_imports() -> list[str]:
    out = []
    for m in MODULES:
        for target, line in sorted(set(imports_of(m)), key=lambda hit: hit[1]):
            if layer_of(target) < layer_of(m):
                out.append(
                    f"alt401k.{m} ({LAYERS[layer_of(m)][0]}) line {line} imports "
                    f"alt401k.{target} ({LAYERS[layer_of(target)][0]})"
                )
    return out


def cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in edges[v]:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_every_module_has_one_layer() -> None:
    for m in MODULES:
        layer_of(m)


def test_no_upward_import() -> None:
    found = upward_imports()
    assert not found, f"{len(found)} upward imports:\n" + "\n".join(found)


def test_no_import_cycle() -> None:
    found = cycles()
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


@pytest.mark.parametrize("rule", STANDALONE_RULES)
def test_tax_and_adoption_import_no_other_rule(rule: str) -> None:
    rules = LAYERS[[n for n, _ in LAYERS].index("rules")][1]
    others = [p for p in rules if p.split(".")[0] != rule]
    bad = [
        f"alt401k.{m} line {line} imports alt401k.{t}"
        for m in MODULES
        if m == rule or m.startswith(rule + ".")
        for t, line in imports_of(m)
        if any(fnmatch(t, p) for p in others)
    ]
    assert not bad, "\n".join(bad)


def test_the_walker_sees_every_kind_of_import() -> None:
    source = (
        "import numpy as np\n"
        "import alt401k.engine\n"
        "from . import paths\n"
        "from .. import _random\n"
        "from ..adoption import curves\n"
        "from alt401k.scenario.pool import Scenario\n"
        "if TYPE_CHECKING:\n"
        "    from alt401k.results import PoolResults\n"
        "class C:\n"
        "    def f(self):\n"
        "        from ..display import describe_spec\n"
    )
    found = sorted(imports_of("markets.model", source), key=lambda hit: hit[1])
    assert [t for t, _ in found] == [
        "engine", "markets.paths", "_random", "adoption.curves", "scenario.pool", "display",
    ]  # fmt: skip
    found = sorted(imports_of("markets.model", source, type_checking=True), key=lambda h: h[1])
    assert "results" in [t for t, _ in found]


def type_checking_upward() -> list[str]:
    """Upward names under ``if TYPE_CHECKING:`` (exempt, but listed), as "package -> package"."""
    out = set()
    for m in MODULES:
        plain = set(imports_of(m))
        for target, _line in set(imports_of(m, type_checking=True)) - plain:
            if layer_of(target) < layer_of(m):
                out.add(f"{m.split('.')[0]} -> {target.split('.')[0]}")
    return sorted(out)


#: The upward references allowed under ``if TYPE_CHECKING:``: a lower layer
#: annotating an object built above it, which it receives and reads.
TYPE_CHECKING_UPWARD = {
    "_calibrate -> scenario",
    "_pool -> scenario",
}


def test_type_checking_imports_are_few() -> None:
    assert set(type_checking_upward()) <= TYPE_CHECKING_UPWARD, type_checking_upward()


if __name__ == "__main__":
    ups = upward_imports()
    print("\n".join(ups))
    print(len(ups), "upward imports")
    cs = cycles()
    print("cycles (sizes):", sorted(len(c) for c in cs))
    print("TYPE_CHECKING upward:", type_checking_upward())
