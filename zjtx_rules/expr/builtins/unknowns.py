"""``known`` and ``coalesce``: the built-in functions that take UNKNOWN as a value.

Both settle a missing first argument: the facts it recorded as missing are withdrawn, so an
undetermined measure does not ask for a fact that a default already stands in for. That is
why they evaluate their own arguments (``evaluate``, ``emit``) instead of being called on
evaluated ones; ``coalesce`` evaluates its second argument only when the first is unknown.
"""

from __future__ import annotations

import ast
from typing import Any

from zjtx_rules.expr.astgen import Atom, Generator, assign, call, if_, is_unknown, load
from zjtx_rules.expr.builtins.signature import Builtin, Evaluator, Types, Value
from zjtx_rules.expr.nodes import Call
from zjtx_rules.expr.types import BOOL, Ty
from zjtx_rules.expr.values import UNKNOWN


def fn_known(x: Any) -> Any:
    return x is not UNKNOWN


def fn_coalesce(a: Any, b: Any) -> Any:
    return b if a is UNKNOWN else a


def _first(types: Types) -> Ty:
    return types[0]


def _settled(ev: Evaluator, node: Call) -> Any:
    mark = len(ev.env.missing)
    first = ev.run(node.args[0])
    if first is UNKNOWN:
        del ev.env.missing[mark:]
    return first


def _evaluate_known(ev: Evaluator, node: Call) -> Any:
    return fn_known(_settled(ev, node))


def _evaluate_coalesce(ev: Evaluator, node: Call) -> Any:
    first = _settled(ev, node)
    return first if first is not UNKNOWN else ev.run(node.args[1])


def _emit_settled(gen: Generator, node: Call) -> tuple[ast.expr, ast.stmt | None]:
    """The first argument's atom, and the statement withdrawing what it recorded missing
    (None: it can never be unknown)."""
    body, first, maybe = gen.block(node.args[0])
    if not maybe:
        gen.emit(*body)
        return first, None
    mark = gen.temp(call(load("len"), gen.env_attr("missing")))
    gen.emit(*body)
    missing = gen.env_attr("missing")
    return first, ast.Delete([ast.Subscript(missing, ast.Slice(mark, None, None), ast.Del())])


def _emit_known(gen: Generator, node: Call) -> Atom:
    first, settle = _emit_settled(gen, node)
    if settle is None:
        return ast.Constant(True), False
    gen.emit(if_(is_unknown(first), [settle]))
    return gen.temp(ast.Compare(first, [ast.IsNot()], [load("UNKNOWN")])), False


def _emit_coalesce(gen: Generator, node: Call) -> Atom:
    first, settle = _emit_settled(gen, node)
    if settle is None:
        return first, False
    body, second, maybe = gen.block(node.args[1])
    out = gen.new()
    gen.emit(if_(is_unknown(first), [settle, *body, assign(out, second)], [assign(out, first)]))
    return load(out), maybe


ENTRIES: tuple[Builtin, ...] = (
    Builtin(
        "known",
        (Value(),),
        BOOL,
        fn_known,
        "值是否已知（其中所缺的事实不再列为缺少）",
        "whether a value is known (the facts it misses are not listed as missing)",
        evaluate=_evaluate_known,
        emit=_emit_known,
    ),
    Builtin(
        "coalesce",
        (Value(), Value(ty=_first)),
        _first,
        fn_coalesce,
        "第一个值；它未知时取第二个",
        "the first value, or the second when the first is unknown",
        evaluate=_evaluate_coalesce,
        emit=_emit_coalesce,
    ),
)
