"""Derived values: checked and compiled once each (types are inferred on first use by
``Build.derived_type``).

Entry point: ``derived_values``."""

from __future__ import annotations

from zjtx_rules.expr.compile import Compiled, compile_expr
from zjtx_rules.load.build import Build


def derived_values(b: Build) -> dict[str, Compiled]:
    """Every derived value checked (in any order: types are inferred on first use) and compiled."""
    fns = {}
    for name in b.derived:
        b.derived_type(name)
        node = b.derived_nodes.get(name)
        if node is not None:
            fns[name] = compile_expr(node)
    return fns
