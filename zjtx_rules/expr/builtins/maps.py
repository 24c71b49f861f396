"""Built-in functions over maps (made by ``to_map``), and ``values`` of a decision table."""

from __future__ import annotations

import ast
from typing import Any

from zjtx_rules.expr.astgen import Atom, Generator, is_unknown, load, method
from zjtx_rules.expr.builtins.signature import Builtin, Evaluator, Kind, Types, Value
from zjtx_rules.expr.nodes import Call
from zjtx_rules.expr.types import BOOL, ListTy, MapTy, TableTy, Ty
from zjtx_rules.expr.values import UNKNOWN

MAP = Kind("map", lambda t: isinstance(t, MapTy))
MAP_OR_TABLE = Kind("map or decision table", lambda t: isinstance(t, MapTy | TableTy))


def _map(types: Types) -> MapTy:
    m = types[0]
    assert isinstance(m, MapTy)
    return m


def _key(types: Types) -> Ty:
    return _map(types).key


def _value(types: Types) -> Ty:
    return _map(types).value


def _keys(types: Types) -> Ty:
    return ListTy(_map(types).key)


def _values(types: Types) -> Ty:
    m = types[0]
    assert isinstance(m, MapTy | TableTy)
    return ListTy(m.value)


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


# ``values(table)`` names a decision table rather than evaluating an argument: the table of
# that name among the parameters, UNKNOWN when it has no version on the evaluation date.


def _evaluate_values(ev: Evaluator, node: Call) -> Any:
    arg = node.args[0]
    if not isinstance(arg.ty, TableTy):
        return fn_values(ev.run(arg))
    table = ev.env.params[arg.ty.name]
    return UNKNOWN if table is UNKNOWN else table.values()


def _emit_values(gen: Generator, node: Call) -> Atom:
    arg = node.args[0]
    if not isinstance(arg.ty, TableTy):
        return gen.plain_call(node)
    params = gen.env_attr("params")
    table = gen.temp(ast.Subscript(params, ast.Constant(arg.ty.name), ast.Load()))
    return gen.temp(ast.IfExp(is_unknown(table), load("UNKNOWN"), method(table, "values"))), True


ENTRIES: tuple[Builtin, ...] = (
    Builtin(
        "get",
        (Value(kind=MAP), Value(ty=_key), Value(ty=_value)),
        _value,
        fn_get,
        "映射中该键的值，没有该键时取默认值（第三个参数）",
        "the value of the key in the map, or the default (the third argument) if it has none",
    ),
    Builtin(
        "has",
        (Value(kind=MAP), Value(ty=_key)),
        BOOL,
        fn_has,
        "映射是否有该键",
        "whether the map has the key",
    ),
    Builtin(
        "keys",
        (Value(kind=MAP),),
        _keys,
        fn_keys,
        "映射的各键，从小到大",
        "the keys of a map, in ascending order",
    ),
    Builtin(
        "values",
        (Value(kind=MAP_OR_TABLE),),
        _values,
        fn_values,
        "映射的各值（按键从小到大），或决策表各行的值",
        "the values of a map (by ascending key), or of a decision table's rows",
        evaluate=_evaluate_values,
        emit=_emit_values,
    ),
)
