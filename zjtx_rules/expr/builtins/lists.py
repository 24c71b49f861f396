"""Built-in functions over lists: their implementations, type rules and inline forms, and
their entries (``ENTRIES``, in the order the README lists them).

Five of them (``any``, ``all``, ``sum``, ``count``, ``filter`` with a function argument) run as
loops inside the generated function's frame rather than as calls: their inline form is built
by ``_inline_loop`` from what each does with one item, and each loop stops where its
implementation returns, so both read the same facts and record the same ones missing.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from zjtx_rules.expr.astgen import Atom, Generator, assign, call, if_, is_, is_unknown, load, method, store
from zjtx_rules.expr.builtins.signature import (
    NUMBER_OR_DATE,
    Builtin,
    Fn,
    Function,
    Items,
    Kind,
    TypeChecker,
    Types,
    Value,
    type_error,
)
from zjtx_rules.expr.nodes import Call, Lambda
from zjtx_rules.expr.types import BOOL, DATE, NULL, NUMBER, ListTy, MapTy, Prim, Ty, same
from zjtx_rules.expr.values import MAX_RANGE, UNKNOWN, and3, or3

# -- inline loops ----------------------------------------------------------------------------

# What a loop does with one item's value ``v`` (``maybe``: it may be UNKNOWN), given the names
# of the result and of the item: (the result's start, statements run per item, statements run
# when the loop ends without ``break``).
Step = tuple[ast.expr, list[ast.stmt], list[ast.stmt]]
Accumulate = Callable[[str, str, ast.expr, bool], Step]


def _inline_loop(accumulate: Accumulate) -> Callable[[Generator, Call], Atom]:
    def emit(gen: Generator, node: Call) -> Atom:
        if len(node.args) != 2:
            return gen.plain_call(node)
        xs, xmaybe = gen.expr(node.args[0])
        lam = node.args[1]
        assert isinstance(lam, Lambda)
        item, out = gen.new(), gen.new()
        with gen.bound(lam.params[0], item):
            body, v, vmaybe = gen.block(lam.body)
        body[:0] = gen.step()
        start, each, orelse = accumulate(out, item, v, vmaybe)
        body.extend(each)
        run: list[ast.stmt] = [assign(out, start), ast.For(store(item), xs, body, orelse)]
        if xmaybe:
            gen.emit(if_(is_unknown(xs), [assign(out, load("UNKNOWN"))], run))
        else:
            gen.emit(*run)
        return load(out), xmaybe or vmaybe

    return emit


def _stop_if_unknown(out: str, v: ast.expr, maybe: bool) -> list[ast.stmt]:
    return [if_(is_unknown(v), [assign(out, load("UNKNOWN")), ast.Break()])] if maybe else []


def _decided_by(decides: bool) -> Accumulate:
    """``any`` (decided by a true item) and ``all`` (by a false one)."""

    def accumulate(out: str, item: str, v: ast.expr, maybe: bool) -> Step:
        each: list[ast.stmt] = [
            if_(is_(v, ast.Constant(decides)), [assign(out, ast.Constant(decides)), ast.Break()])
        ]
        if maybe:
            each.append(if_(is_unknown(v), [assign(out, load("UNKNOWN"))]))
        return ast.Constant(not decides), each, []

    return accumulate


def _add(out: str, item: str, v: ast.expr, maybe: bool) -> Step:
    return load("ZERO"), [*_stop_if_unknown(out, v, maybe), ast.AugAssign(store(out), ast.Add(), v)], []


def _count(out: str, item: str, v: ast.expr, maybe: bool) -> Step:
    one = ast.AugAssign(store(out), ast.Add(), ast.Constant(1))
    each = [*_stop_if_unknown(out, v, maybe), if_(is_(v, ast.Constant(True)), [one])]
    return ast.Constant(0), each, [assign(out, call(load("Decimal"), load(out)))]


def _keep(out: str, item: str, v: ast.expr, maybe: bool) -> Step:
    each = [*_stop_if_unknown(out, v, maybe), if_(v, [ast.Expr(method(load(out), "append", load(item)))])]
    return ast.List([], ast.Load()), each, []


# -- type rules ------------------------------------------------------------------------------


def _list_of_second(types: Types) -> Ty:
    return ListTy(types[1])


def _first(types: Types) -> Ty:
    """The type of the first argument (filter and top_n give back a list of the same items)."""
    return types[0]


def _one_list(tc: TypeChecker, node: Call) -> Ty | None:
    """``min(xs)``/``max(xs)``: one list argument instead of several values."""
    if len(node.args) != 1:
        return None
    lt = Items().check(tc, node, 0, [])
    assert isinstance(lt, ListTy)
    if not (same(lt.elem, NUMBER) or same(lt.elem, DATE)):
        raise type_error(node.args[0], "list[number] or list[date]", lt)
    return lt.elem


def _numbers(tc: TypeChecker, node: Call) -> Ty | None:
    """``sum(xs)`` adds the items themselves, so they must be numbers."""
    if len(node.args) != 1:
        return None
    lt = Items().check(tc, node, 0, [])
    assert isinstance(lt, ListTy)
    if not same(lt.elem, NUMBER):
        raise type_error(node.args[0], "list[number]", lt)
    return NUMBER


# a tie-break key: anything that sorts
ORDERED = Kind("number, string or date", lambda t: isinstance(t, Prim) and t not in (BOOL, NULL))
MAX_VALUES = 20  # min(a, b, ...): a longer list of values is better written as a list


# -- the functions ---------------------------------------------------------------------------


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


def _extreme(name: str, impl: Fn, zh: str, en: str) -> Builtin:
    return Builtin(
        name,
        (Value(kind=NUMBER_OR_DATE),),
        _first,
        impl,
        f"列表中{zh}的一项，或几个数（日期）中{zh}的一个",
        f"the {en} item of a list, or the {en} of several numbers or dates",
        rest=Value(ty=_first),
        max_args=MAX_VALUES,
        special=_one_list,
    )


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
        keyed.append((k, t, idx, x))
    # two stable sorts, not a negated key: a date (or any ordered value) can rank items
    keyed.sort(key=lambda row: row[1:3])
    keyed.sort(key=lambda row: row[0], reverse=True)
    return [row[3] for row in keyed[: max(0, int(n))]]


def fn_range(a: Any, b: Any) -> Any:
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    lo, hi = int(a), int(b)
    if hi - lo > MAX_RANGE:
        raise ValueError(f"range larger than {MAX_RANGE}")
    return [Decimal(i) for i in range(lo, hi)]


def _charged_range(gen: Generator, node: Call) -> Atom:
    """Each item of a range costs a step of the work budget."""
    result, maybe = gen.plain_call(node)
    size = call(load("len"), result)
    charge = call(load("over_budget"), load(gen.env), size)
    gen.emit(if_(ast.Compare(result, [ast.IsNot()], [load("UNKNOWN")]), [ast.Expr(charge)]))
    return result, maybe


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


def _map_of(types: Types) -> Ty:
    return MapTy(types[1], types[2])


ENTRIES: tuple[Builtin, ...] = (
    _extreme("min", fn_min, "最小", "smallest"),
    _extreme("max", fn_max, "最大", "largest"),
    Builtin(
        "sum",
        (Items(), Function(body=NUMBER)),
        NUMBER,
        fn_sum,
        "列表各项之和，或各项经函数所得之数的和",
        "the sum of a list's items, or of a function of each item",
        min_args=1,
        special=_numbers,
        emit=_inline_loop(_add),
    ),
    Builtin(
        "count",
        (Items(), Function(body=BOOL)),
        NUMBER,
        fn_count,
        "列表的项数，或使函数为真的项数",
        "how many items a list has, or how many make the function true",
        min_args=1,
        emit=_inline_loop(_count),
    ),
    Builtin(
        "any",
        (Items(), Function(body=BOOL)),
        BOOL,
        fn_any,
        "是否有一项使函数为真",
        "whether some item makes the function true",
        emit=_inline_loop(_decided_by(True)),
    ),
    Builtin(
        "all",
        (Items(), Function(body=BOOL)),
        BOOL,
        fn_all,
        "是否每一项都使函数为真（空列表为真）",
        "whether every item makes the function true (true of an empty list)",
        emit=_inline_loop(_decided_by(False)),
    ),
    Builtin(
        "filter",
        (Items(), Function(body=BOOL)),
        _first,
        fn_filter,
        "使函数为真的各项",
        "the items that make the function true",
        emit=_inline_loop(_keep),
    ),
    Builtin(
        "map",
        (Items(), Function()),
        _list_of_second,
        fn_map,
        "各项经函数所得之值的列表",
        "the list of the function's value for each item",
    ),
    Builtin(
        "top_n",
        (Items(), Value(ty=NUMBER), Function(kind=NUMBER_OR_DATE), Function(kind=ORDERED)),
        _first,
        fn_top_n,
        "键最大的 n 项；键相同时按第二个键升序，再按原顺序",
        "the n items with the largest key; ties by the second key ascending, then in list order",
        min_args=3,
    ),
    Builtin(
        "range",
        (Value(ty=NUMBER), Value(ty=NUMBER)),
        ListTy(NUMBER),
        fn_range,
        "从 a 起到 b 止（不含 b）的整数",
        "the whole numbers from a up to but not including b",
        emit=_charged_range,
    ),
    Builtin(
        "to_map",
        (Items(), Function(), Function()),
        _map_of,
        fn_to_map,
        "以各项的键（第一个函数）和值（第二个函数）组成的映射",
        "a map from each item's key (the first function) to its value (the second)",
    ),
)
