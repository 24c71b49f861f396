"""Built-in functions on numbers: rounding to a power of ten, and ``abs``."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from zjtx_rules import diagnostics as D
from zjtx_rules.expr.builtins.signature import Builtin, Value
from zjtx_rules.expr.nodes import Node, Num
from zjtx_rules.expr.parser import ExprError
from zjtx_rules.expr.types import NUMBER
from zjtx_rules.expr.values import UNKNOWN


def _power_of_ten(q: Node) -> None:
    """E304 unless the rounding step is written as a power of ten. Why: quantize keeps only the
    step's exponent, so 0.02 would round exactly like 0.01 while reading as something else."""
    if not isinstance(q, Num) or q.value <= 0 or q.value.normalize().as_tuple().digits != (1,):
        raise ExprError.of(D.BAD_PRECISION(), q.span)


STEP = Value(ty=NUMBER, literal=_power_of_ten)


def _quantum(q: Any) -> Decimal:
    if not isinstance(q, Decimal) or q <= 0:
        raise ValueError("rounding quantum must be a positive number such as 0.01")
    return q


def fn_round_half_up(x: Any, q: Any) -> Any:
    if x is UNKNOWN:
        return UNKNOWN
    return x.quantize(_quantum(q), rounding=ROUND_HALF_UP)


def fn_round_down(x: Any, q: Any) -> Any:
    if x is UNKNOWN:
        return UNKNOWN
    return x.quantize(_quantum(q), rounding=ROUND_DOWN)


def fn_abs(x: Any) -> Any:
    return UNKNOWN if x is UNKNOWN else abs(x)


ENTRIES: tuple[Builtin, ...] = (
    Builtin(
        "round_half_up",
        (Value(ty=NUMBER), STEP),
        NUMBER,
        fn_round_half_up,
        "四舍五入到第二个参数（10 的幂，如 0.01）的整数倍",
        "rounded half up (away from zero) to a multiple of the step, a power of ten such as 0.01",
    ),
    Builtin(
        "round_down",
        (Value(ty=NUMBER), STEP),
        NUMBER,
        fn_round_down,
        "向零舍去到第二个参数（10 的幂，如 0.01）的整数倍",
        "rounded toward zero to a multiple of the step, a power of ten such as 0.01",
    ),
    Builtin("abs", (Value(ty=NUMBER),), NUMBER, fn_abs, "绝对值", "the absolute value"),
)
