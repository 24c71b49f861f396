"""Run-time values: the UNKNOWN marker, three-valued logic and the decimal context.

Both the generated code and the reference interpreter call these, and the built-in functions
(``builtins/``) are written with them, so that the two differ only in how they walk the tree.
A missing fact is ``UNKNOWN``; it propagates through arithmetic and comparisons, while
``false and unknown`` is false and ``true or unknown`` is true (Kleene logic).
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Final

MAX_RANGE = 1000
MAX_STEPS = 2_000_000  # per evaluation: lambda calls plus range items (see WorkLimitError)


class WorkLimitError(ValueError):
    """One evaluation used up its work budget: rule text such as nested ``sum(range(...),
    ...)`` can ask for billions of steps, and a server must end it with a clean error rather
    than spin. A ``ValueError``, so the engine reports it as an ``EvaluationError``."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"work budget exceeded ({limit} steps of list functions and ranges)")


# One fixed context for every evaluation: 34 significant digits (decimal128), traps on.
CONTEXT: Final = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999999,
    Emax=999999,
    traps=[decimal.InvalidOperation, decimal.Overflow, decimal.DivisionByZero],
)


class _Unknown:
    __slots__ = ()

    def __repr__(self) -> str:
        return "unknown"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; use the three-valued helpers")


UNKNOWN: Final = _Unknown()

Fn = Callable[..., Any]


def and3(a: Any, b: Any) -> Any:
    if a is False or b is False:
        return False
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    return True


def or3(a: Any, b: Any) -> Any:
    if a is True or b is True:
        return True
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    return False


def not3(a: Any) -> Any:
    return UNKNOWN if a is UNKNOWN else not a


def arith(op: str, a: Any, b: Any) -> Any:
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        return UNKNOWN  # a ratio over zero is undefined, not an error in the rules
    return a / b


def compare(op: str, a: Any, b: Any) -> Any:
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    if op == ">=":
        return a >= b
    if op == "in":
        return a in b
    return a not in b


def add_years(d: date, n: int) -> date:
    """Same month and day ``n`` years on; 29 February falls back to 28 February."""
    try:
        return d.replace(year=d.year + n)
    except ValueError:
        return d.replace(year=d.year + n, day=28)


# The implementations of the built-in functions by name, derived from their entries in
# ``builtins`` (which import this module, hence the late look-up) for code that reads them here.
if TYPE_CHECKING:
    BUILTINS: Mapping[str, Fn]
else:

    def __getattr__(name: str) -> object:
        if name == "BUILTINS":
            from zjtx_rules.expr.builtins import IMPLEMENTATIONS

            return IMPLEMENTATIONS
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
