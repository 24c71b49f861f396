"""Compiling checked expressions, once, when a package loads: the entry point and the Env.

Each expression becomes a function ``f(env) -> value`` running a code object that
``codegen.py`` builds from ``ast`` nodes (never from text). Names were resolved by the
checker, so a fact read is one dict look-up. Reading a missing fact records its name in
``env.missing``: that is how an undetermined measure can say which facts would settle it.
``interpret.py`` is the reference the generated code is tested against.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from zjtx_rules.expr import values as V
from zjtx_rules.expr.codegen import compile_node
from zjtx_rules.expr.nodes import Node

Compiled = Callable[["Env"], Any]


class Resolver(Protocol):
    def derived(self, name: str, env: Env) -> Any: ...

    def measure_field(self, name: str, field: str, env: Env) -> Any: ...


class Env:
    """Everything one evaluation reads: facts, parameter values at ``as_of``, measure outputs
    already computed (``locals``)."""

    __slots__ = ("as_of", "facts", "locals", "missing", "params", "resolver", "steps")

    def __init__(
        self, facts: dict[str, Any], params: dict[str, Any], as_of: date, resolver: Resolver
    ) -> None:
        self.facts = facts
        self.params = params
        self.as_of = as_of
        self.resolver = resolver
        self.locals: dict[str, Any] = {}
        self.missing: list[str] = []  # a list, not a set: cheap to mark and cut back
        self.steps = V.MAX_STEPS  # work budget: lambda calls and range items left


def compile_expr(node: Node) -> Compiled:
    """Turn a checked tree into a function ``f(env) -> value`` (generated code, see codegen)."""
    return compile_node(node)
