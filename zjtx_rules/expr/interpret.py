"""A plain tree-walking interpreter: the reference the generated code is tested against.

Slower than the generated code and kept simple on purpose; the property tests in
``tests/test_expr_codegen.py`` require both to agree on random expressions and on every
measure of the bundled package. Being a plain recursion, it is also where ``zjtx evaluate
--explain`` watches an evaluation: inside ``tracing(tracer)`` every node is reported on entry
and with its value on exit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from . import values as V
from .compile import Env
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


class Tracer(Protocol):
    def enter(self, node: Node) -> None: ...

    def leave(self, node: Node, value: Any) -> None: ...


_TRACER: ContextVar[Tracer | None] = ContextVar("zjtx_tracer", default=None)


@contextmanager
def tracing(tracer: Tracer) -> Iterator[None]:
    """Report every node ``interpret`` evaluates in this context to ``tracer``."""
    token = _TRACER.set(tracer)
    try:
        yield
    finally:
        _TRACER.reset(token)


def interpret(node: Node, env: Env) -> Any:
    tracer = _TRACER.get()
    if tracer is None:
        return _interpret(node, env)
    tracer.enter(node)
    value = _interpret(node, env)
    tracer.leave(node, value)
    return value


def _interpret(node: Node, env: Env) -> Any:
    if isinstance(node, Num | Str | Bool | DateLit):
        return node.value
    if isinstance(node, ListLit):
        out = [interpret(i, env) for i in node.items]
        return UNKNOWN if UNKNOWN in out else out
    if isinstance(node, Name):
        if node.kind == "fact":
            if node.name not in env.facts:
                env.missing.append(node.name)
                return UNKNOWN
            return env.facts[node.name]
        if node.kind in ("param", "table"):
            return env.params[node.name]
        if node.kind == "derived":
            return env.resolver.derived(node.name, env)
        if node.kind == "local":
            return env.locals[node.name]
        return env.as_of
    if isinstance(node, Field):
        if isinstance(node.obj.ty, MeasureTy):
            return env.resolver.measure_field(node.obj.ty.name, node.name, env)
        obj = interpret(node.obj, env)
        if obj is UNKNOWN:
            return UNKNOWN
        if node.name not in obj:
            label = node.obj.ty.name if isinstance(node.obj.ty, RecordTy) else ""
            env.missing.append(f"{label}.{node.name}" if label else node.name)
            return UNKNOWN
        return obj[node.name]
    if isinstance(node, Unary):
        v = interpret(node.operand, env)
        if node.op == "not":
            return V.not3(v)
        return UNKNOWN if v is UNKNOWN else -v
    if isinstance(node, Binary):
        if node.op == "and":
            a = interpret(node.left, env)
            return False if a is False else V.and3(a, interpret(node.right, env))
        if node.op == "or":
            a = interpret(node.left, env)
            return True if a is True else V.or3(a, interpret(node.right, env))
        a, b = interpret(node.left, env), interpret(node.right, env)
        if node.op in ("+", "-", "*", "/"):
            return V.arith(node.op, a, b)
        return V.compare(node.op, a, b)
    if isinstance(node, If):
        c = interpret(node.cond, env)
        if c is UNKNOWN:
            return UNKNOWN
        return interpret(node.then if c else node.orelse, env)
    if isinstance(node, Call):
        return _call(node, env)
    raise AssertionError(type(node))


def _call(node: Call, env: Env) -> Any:
    if node.func not in V.BUILTINS:
        inputs = [interpret(a, env) for a in node.args]
        table = env.params[node.func]
        return UNKNOWN if table is UNKNOWN or UNKNOWN in inputs else table.lookup(inputs)
    if node.func == "values" and isinstance(node.args[0].ty, TableTy):
        table = env.params[node.args[0].ty.name]
        return UNKNOWN if table is UNKNOWN else table.values()
    if node.func in ("known", "coalesce"):
        mark = len(env.missing)
        first = interpret(node.args[0], env)
        if first is UNKNOWN:
            del env.missing[mark:]
        if node.func == "known":
            return first is not UNKNOWN
        return first if first is not UNKNOWN else interpret(node.args[1], env)
    args: list[Any] = []
    for a in node.args:
        if isinstance(a, Lambda):
            args.append(_closure(a, env))
        else:
            args.append(interpret(a, env))
    return V.BUILTINS[node.func](*args)


def _closure(lam: Lambda, env: Env) -> Any:
    def call(x: Any) -> Any:
        saved = dict(env.locals)
        env.locals[lam.params[0]] = x
        try:
            return interpret(lam.body, env)
        finally:
            env.locals = saved

    return call
