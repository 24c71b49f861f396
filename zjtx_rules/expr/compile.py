"""Compiling checked expressions to Python closures, once, when a package loads.

Each node becomes a function ``f(env) -> value``; names were resolved by the checker, so a
fact read is one dict look-up. Reading a missing fact records its name in ``env.missing``:
that is how an undetermined measure can say which facts would settle it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from . import values as V
from .nodes import (
    Binary,
    Bool,
    Call,
    DateLit,
    Field,
    If,
    Lambda,
    ListLit,
    Name,
    Node,
    Num,
    Str,
    Unary,
)
from .types import MeasureTy, RecordTy, TableTy
from .values import UNKNOWN

Compiled = Callable[["Env"], Any]


class Resolver(Protocol):
    def derived(self, name: str, env: Env) -> Any: ...

    def measure_field(self, name: str, field: str, env: Env) -> Any: ...


class Env:
    """Everything one evaluation reads: facts, parameter values at ``as_of``, lambda locals."""

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


_NOTHING = object()


def compile_expr(node: Node) -> Compiled:
    """Turn a checked tree into a closure."""
    if isinstance(node, Num | Str | Bool | DateLit):
        const = node.value

        def literal(env: Env) -> Any:
            return const

        return literal
    if isinstance(node, ListLit):
        items = [compile_expr(i) for i in node.items]

        def list_lit(env: Env) -> Any:
            out = [f(env) for f in items]
            return UNKNOWN if any(v is UNKNOWN for v in out) else out

        return list_lit
    if isinstance(node, Name):
        return _compile_name(node)
    if isinstance(node, Field):
        return _compile_field(node)
    if isinstance(node, Unary):
        operand = compile_expr(node.operand)
        if node.op == "not":
            return lambda env: V.not3(operand(env))

        def neg(env: Env) -> Any:
            v = operand(env)
            return UNKNOWN if v is UNKNOWN else -v

        return neg
    if isinstance(node, Binary):
        return _compile_binary(node)
    if isinstance(node, If):
        cond, then, orelse = (compile_expr(n) for n in (node.cond, node.then, node.orelse))

        def if_(env: Env) -> Any:
            c = cond(env)
            if c is UNKNOWN:
                return UNKNOWN
            return then(env) if c else orelse(env)

        return if_
    if isinstance(node, Call):
        return _compile_call(node)
    raise AssertionError(type(node))


def _compile_name(node: Name) -> Compiled:
    name = node.name
    if node.kind == "fact":

        def fact(env: Env) -> Any:
            v = env.facts.get(name, UNKNOWN)
            if v is UNKNOWN:
                env.missing.append(name)
            return v

        return fact
    if node.kind in ("param", "table"):
        return lambda env: env.params[name]
    if node.kind == "derived":
        return lambda env: env.resolver.derived(name, env)
    if node.kind == "local":
        return lambda env: env.locals[name]
    if node.kind == "builtin":
        return lambda env: env.as_of
    raise AssertionError(node.kind)


def _compile_field(node: Field) -> Compiled:
    fname = node.name
    if isinstance(node.obj.ty, MeasureTy):
        mname = node.obj.ty.name
        return lambda env: env.resolver.measure_field(mname, fname, env)
    obj = compile_expr(node.obj)
    label = f"{node.obj.ty.name}.{fname}" if isinstance(node.obj.ty, RecordTy) else fname

    def field(env: Env) -> Any:
        o = obj(env)
        if o is UNKNOWN:
            return UNKNOWN
        v = o.get(fname, UNKNOWN)
        if v is UNKNOWN:
            env.missing.append(label)
        return v

    return field


def _compile_binary(node: Binary) -> Compiled:
    left, right, op = compile_expr(node.left), compile_expr(node.right), node.op
    if op == "and":

        def and_(env: Env) -> Any:
            a = left(env)
            if a is False:
                return False
            b = right(env)
            if b is False:
                return False
            return True if a is True and b is True else UNKNOWN

        return and_
    if op == "or":

        def or_(env: Env) -> Any:
            a = left(env)
            if a is True:
                return True
            b = right(env)
            if b is True:
                return True
            return False if a is False and b is False else UNKNOWN

        return or_
    if op in ("+", "-", "*", "/"):
        return lambda env: V.arith(op, left(env), right(env))
    return lambda env: V.compare(op, left(env), right(env))


def _compile_lambda(node: Node) -> Callable[[Env], Callable[[Any], Any]]:
    assert isinstance(node, Lambda)
    body = compile_expr(node.body)
    pname = node.params[0]

    def make(env: Env) -> Callable[[Any], Any]:
        def call(x: Any) -> Any:
            env.steps -= 1
            if env.steps < 0:
                raise V.WorkLimitError(V.MAX_STEPS)
            saved = env.locals.get(pname, _NOTHING)
            env.locals[pname] = x
            try:
                return body(env)
            finally:
                if saved is _NOTHING:
                    del env.locals[pname]
                else:
                    env.locals[pname] = saved

        return call

    return make


def _compile_call(node: Call) -> Compiled:
    f = node.func
    if f not in V.BUILTINS:  # a decision table, checked by the type checker
        name = f
        args = [compile_expr(a) for a in node.args]

        def table(env: Env) -> Any:
            vals = [a(env) for a in args]
            table = env.params[name]  # UNKNOWN on a day before its first version
            if table is UNKNOWN or any(v is UNKNOWN for v in vals):
                return UNKNOWN
            return table.lookup(vals)

        return table
    if f == "values" and isinstance(node.args[0].ty, TableTy):
        tname = node.args[0].ty.name

        def table_values(env: Env) -> Any:
            table = env.params[tname]
            return UNKNOWN if table is UNKNOWN else table.values()

        return table_values
    if f in ("known", "coalesce"):
        # A missing first argument is settled by the call itself, so it is not reported.
        first = compile_expr(node.args[0])
        second = compile_expr(node.args[1]) if f == "coalesce" else None

        def tolerant(env: Env) -> Any:
            mark = len(env.missing)
            v = first(env)
            if v is UNKNOWN:
                del env.missing[mark:]
            if second is None:
                return v is not UNKNOWN
            return v if v is not UNKNOWN else second(env)

        return tolerant
    impl = V.BUILTINS[f]
    if f == "range":
        lo_fn, hi_fn = (compile_expr(a) for a in node.args)

        def ranged(env: Env) -> Any:
            items = V.fn_range(lo_fn(env), hi_fn(env))
            if items is not UNKNOWN:
                env.steps -= len(items)
                if env.steps < 0:
                    raise V.WorkLimitError(V.MAX_STEPS)
            return items

        return ranged
    parts: list[tuple[bool, Any]] = [
        (True, _compile_lambda(a)) if isinstance(a, Lambda) else (False, compile_expr(a)) for a in node.args
    ]
    if all(not is_fn for is_fn, _ in parts):
        plain = [p for _, p in parts]
        if len(plain) == 1:
            a0 = plain[0]
            return lambda env: impl(a0(env))
        if len(plain) == 2:
            a0, a1 = plain
            return lambda env: impl(a0(env), a1(env))
        return lambda env: impl(*[p(env) for p in plain])
    return lambda env: impl(*[p(env) for _, p in parts])
