"""Compiling checked expressions, once, when a package loads: the entry point and the Env.

Each expression becomes a function ``f(env) -> value`` running a code object that
``codegen.py`` builds from ``ast`` nodes (never from text). Names were resolved by the
checker, so a fact read is one dict look-up. Reading a missing fact records its name in
``env.missing``: that is how an undetermined measure can say which facts would settle it.
``interpret.py`` is the reference the generated code is tested against.
"""

from __future__ import annotations

from zjtx_rules.expr.codegen import compile_node
from zjtx_rules.expr.codegen import tree_of as tree_of
from zjtx_rules.expr.env import Compiled as Compiled
from zjtx_rules.expr.env import Env as Env
from zjtx_rules.expr.env import Resolver as Resolver
from zjtx_rules.expr.nodes import Node


def compile_expr(node: Node) -> Compiled:
    """Turn a checked tree into a function ``f(env) -> value`` (generated code, see codegen)."""
    return compile_node(node)
