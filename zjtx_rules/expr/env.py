"""What a compiled expression runs against: ``Env`` (facts, parameters, the date) and the
``Compiled`` function type. Shared by the code generator and the reference interpreter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from zjtx_rules.expr import values as V

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
