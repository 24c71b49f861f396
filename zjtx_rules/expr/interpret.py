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

from zjtx_rules.expr import values as V
from zjtx_rules.expr.builtins import REGISTRY
from zjtx_rules.expr.env import Env
from zjtx_rules.expr.nodes import (
    Binary,
    Call,
    Field,
    If,
    Lambda,
    ListLit,
    LiteralNode,
    Name,
    Node,
    Unary,
    Visitor,
)
from zjtx_rules.expr.types import MeasureTy, RecordTy
from zjtx_rules.expr.values import UNKNOWN


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
    return _Interpreter(env).run(node)


class _Interpreter(Visitor[Any]):
    """Evaluates trees against one ``env``; ``run`` is where every node is traced."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.tracer = _TRACER.get()

    def run(self, node: Node) -> Any:
        if self.tracer is None:
            return self.visit(node)
        self.tracer.enter(node)
        value = self.visit(node)
        self.tracer.leave(node, value)
        return value

    def visit_literal(self, node: LiteralNode) -> Any:
        return node.value

    def visit_list(self, node: ListLit) -> Any:
        out = [self.run(i) for i in node.items]
        return UNKNOWN if UNKNOWN in out else out

    def visit_name(self, node: Name) -> Any:
        env = self.env
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

    def visit_field(self, node: Field) -> Any:
        if isinstance(node.obj.ty, MeasureTy):
            return self.env.resolver.measure_field(node.obj.ty.name, node.name, self.env)
        obj = self.run(node.obj)
        if obj is UNKNOWN:
            return UNKNOWN
        if node.name not in obj:
            label = node.obj.ty.name if isinstance(node.obj.ty, RecordTy) else ""
            self.env.missing.append(f"{label}.{node.name}" if label else node.name)
            return UNKNOWN
        return obj[node.name]

    def visit_unary(self, node: Unary) -> Any:
        v = self.run(node.operand)
        if node.op == "not":
            return V.not3(v)
        return UNKNOWN if v is UNKNOWN else -v

    def visit_binary(self, node: Binary) -> Any:
        if node.op == "and":
            a = self.run(node.left)
            return False if a is False else V.and3(a, self.run(node.right))
        if node.op == "or":
            a = self.run(node.left)
            return True if a is True else V.or3(a, self.run(node.right))
        a, b = self.run(node.left), self.run(node.right)
        if node.op in ("+", "-", "*", "/"):
            return V.arith(node.op, a, b)
        return V.compare(node.op, a, b)

    def visit_if(self, node: If) -> Any:
        c = self.run(node.cond)
        if c is UNKNOWN:
            return UNKNOWN
        return self.run(node.then if c else node.orelse)

    def visit_call(self, node: Call) -> Any:
        builtin = REGISTRY.get(node.func)
        if builtin is None:  # a decision table
            inputs = [self.run(a) for a in node.args]
            table = self.env.params[node.func]
            return UNKNOWN if table is UNKNOWN or UNKNOWN in inputs else table.lookup(inputs)
        if builtin.evaluate is not None:
            return builtin.evaluate(self, node)
        return builtin.impl(*self.arguments(node))

    def arguments(self, node: Call) -> list[Any]:
        return [self.closure(a) if isinstance(a, Lambda) else self.run(a) for a in node.args]

    def closure(self, lam: Lambda) -> Any:
        env = self.env

        def call(x: Any) -> Any:
            saved = dict(env.locals)
            env.locals[lam.params[0]] = x
            try:
                return self.run(lam.body)
            finally:
                env.locals = saved

        return call
