"""Derived values: checked at load (types are inferred on first use by ``Build.derived_type``),
compiled on their first call (``codegen.Deferred``).

Entry point: ``derived_values``."""

from __future__ import annotations

from zjtx_rules.expr.codegen import Deferred
from zjtx_rules.expr.compile import Compiled
from zjtx_rules.load.build import Build


def derived_values(b: Build) -> dict[str, Compiled]:
    """Every derived value checked (in any order: types are inferred on first use), each with
    a function that compiles it when first called."""
    fns: dict[str, Compiled] = {}
    for name in b.derived:
        b.derived_type(name)
        node = b.derived_nodes.get(name)
        if node is not None:
            fns[name] = Deferred(node, fns, name)
    return fns
