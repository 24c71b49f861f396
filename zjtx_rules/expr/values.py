"""Run-time values: the UNKNOWN marker, three-valued logic and the built-in functions.

Both the generated code and the reference interpreter call these, so that the two differ
only in how they walk the tree (the generated code inlines ``any``, ``all``, ``sum``,
``count`` and ``filter`` as loops that stop where these stop). A missing fact is ``UNKNOWN``;
it propagates through arithmetic and comparisons, while ``false and unknown`` is false and
``true or unknown`` is true (Kleene logic).
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any, Final

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


def _list_or_unknown(xs: Any) -> Sequence[Any] | None:
    return None if xs is UNKNOWN else xs


def fn_min(*args: Any) -> Any:
    items = args[0] if len(args) == 1 else args
    if items is UNKNOWN or any(x is UNKNOWN for x in items):
        return UNKNOWN
    return min(items) if items else UNKNOWN


def fn_max(*args: Any) -> Any:
    items = args[0] if len(args) == 1 else args
    if items is UNKNOWN or any(x is UNKNOWN for x in items):
        return UNKNOWN
    return max(items) if items else UNKNOWN


def fn_sum(xs: Any, f: Fn | None = None) -> Any:
    if xs is UNKNOWN:
        return UNKNOWN
    total = Decimal(0)
    for x in xs:
        v = f(x) if f else x
        if v is UNKNOWN:
            return UNKNOWN
        total += v
    return total


def fn_count(xs: Any, f: Fn | None = None) -> Any:
    if xs is UNKNOWN:
        return UNKNOWN
    if f is None:
        return Decimal(len(xs))
    n = 0
    for x in xs:
        v = f(x)
        if v is UNKNOWN:
            return UNKNOWN
        n += v is True
    return Decimal(n)


def fn_any(xs: Any, f: Fn) -> Any:
    if xs is UNKNOWN:
        return UNKNOWN
    out: Any = False
    for x in xs:
        out = or3(out, f(x))
        if out is True:
            return True
    return out


def fn_all(xs: Any, f: Fn) -> Any:
    if xs is UNKNOWN:
        return UNKNOWN
    out: Any = True
    for x in xs:
        out = and3(out, f(x))
        if out is False:
            return False
    return out


def fn_filter(xs: Any, f: Fn) -> Any:
    if xs is UNKNOWN:
        return UNKNOWN
    out = []
    for x in xs:
        v = f(x)
        if v is UNKNOWN:
            return UNKNOWN
        if v:
            out.append(x)
    return out


def fn_map(xs: Any, f: Fn) -> Any:
    if xs is UNKNOWN:
        return UNKNOWN
    out = [f(x) for x in xs]
    return UNKNOWN if any(v is UNKNOWN for v in out) else out


def fn_top_n(xs: Any, n: Any, key: Fn, tiebreak: Fn | None = None) -> Any:
    """The ``n`` items with the largest ``key``; ties by ``tiebreak`` ascending, then input order."""
    if xs is UNKNOWN or n is UNKNOWN:
        return UNKNOWN
    keyed = []
    for idx, x in enumerate(xs):
        k = key(x)
        t = tiebreak(x) if tiebreak else idx
        if k is UNKNOWN or t is UNKNOWN:
            return UNKNOWN
        keyed.append((-k, t, idx, x))
    keyed.sort(key=lambda row: row[:3])
    return [row[3] for row in keyed[: max(0, int(n))]]


def fn_range(a: Any, b: Any) -> Any:
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    lo, hi = int(a), int(b)
    if hi - lo > MAX_RANGE:
        raise ValueError(f"range larger than {MAX_RANGE}")
    return [Decimal(i) for i in range(lo, hi)]


def fn_to_map(xs: Any, kf: Fn, vf: Fn) -> Any:
    if xs is UNKNOWN:
        return UNKNOWN
    out = {}
    for x in xs:
        k, v = kf(x), vf(x)
        if k is UNKNOWN or v is UNKNOWN:
            return UNKNOWN
        out[k] = v
    return out


def fn_get(m: Any, key: Any, default: Any) -> Any:
    if m is UNKNOWN or key is UNKNOWN:
        return UNKNOWN
    return m.get(key, default)


def fn_has(m: Any, key: Any) -> Any:
    if m is UNKNOWN or key is UNKNOWN:
        return UNKNOWN
    return key in m


def fn_keys(m: Any) -> Any:
    return UNKNOWN if m is UNKNOWN else sorted(m)


def fn_values(m: Any) -> Any:
    if m is UNKNOWN:
        return UNKNOWN
    return [m[k] for k in sorted(m)] if isinstance(m, dict) else list(m)


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


def fn_year(d: Any) -> Any:
    return UNKNOWN if d is UNKNOWN else Decimal(d.year)


def fn_month(d: Any) -> Any:
    return UNKNOWN if d is UNKNOWN else Decimal(d.month)


def fn_date(y: Any, m: Any, d: Any) -> Any:
    if UNKNOWN in (y, m, d):
        return UNKNOWN
    return date(int(y), int(m), int(d))


def add_years(d: date, n: int) -> date:
    """Same month and day ``n`` years on; 29 February falls back to 28 February."""
    try:
        return d.replace(year=d.year + n)
    except ValueError:
        return d.replace(year=d.year + n, day=28)


def fn_add_years(d: Any, n: Any) -> Any:
    if d is UNKNOWN or n is UNKNOWN:
        return UNKNOWN
    return add_years(d, int(n))


def fn_add_days(d: Any, n: Any) -> Any:
    if d is UNKNOWN or n is UNKNOWN:
        return UNKNOWN
    from datetime import timedelta

    return d + timedelta(days=int(n))


def fn_years_between(a: Any, b: Any) -> Any:
    """Whole years from ``a`` to ``b`` (birthday rule)."""
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    years = b.year - a.year - ((b.month, b.day) < (a.month, a.day))
    return Decimal(years)


def fn_known(x: Any) -> Any:
    return x is not UNKNOWN


def fn_coalesce(a: Any, b: Any) -> Any:
    return b if a is UNKNOWN else a


# Functions whose implementation is a plain call on evaluated arguments (lambdas passed as
# Python callables). ``known`` and ``coalesce`` are here too: they take UNKNOWN as a value.
BUILTINS: Final[dict[str, Fn]] = {
    "min": fn_min,
    "max": fn_max,
    "sum": fn_sum,
    "count": fn_count,
    "any": fn_any,
    "all": fn_all,
    "filter": fn_filter,
    "map": fn_map,
    "top_n": fn_top_n,
    "range": fn_range,
    "to_map": fn_to_map,
    "get": fn_get,
    "has": fn_has,
    "keys": fn_keys,
    "values": fn_values,
    "round_half_up": fn_round_half_up,
    "round_down": fn_round_down,
    "abs": fn_abs,
    "year": fn_year,
    "month": fn_month,
    "date": fn_date,
    "add_years": fn_add_years,
    "add_days": fn_add_days,
    "years_between": fn_years_between,
    "known": fn_known,
    "coalesce": fn_coalesce,
}
