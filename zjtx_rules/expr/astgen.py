"""Building blocks of generated code: ``ast`` nodes made from names and other nodes.

Shared by the code generator (``codegen.py``) and the inline forms of built-in functions
(``inline.py``), so that both build modules the same way; nothing here sees rule text.
"""

from __future__ import annotations

import ast
import sys
from contextlib import AbstractContextManager
from typing import Protocol

from zjtx_rules.expr.nodes import Call, Node

# An atom is a Name or a Constant: pure and cheap, so it may be read more than once. The flag
# says whether it may be UNKNOWN at run time.
Atom = tuple[ast.expr, bool]


def load(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def store(name: str) -> ast.Name:
    return ast.Name(name, ast.Store())


def assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign(targets=[store(name)], value=value)


def arguments(*names: str) -> ast.arguments:
    return ast.arguments(
        posonlyargs=[],
        args=[ast.arg(n) for n in names],
        vararg=None,
        kwonlyargs=[],
        kw_defaults=[],
        kwarg=None,
        defaults=[],
    )


def function(name: str, param: str, body: list[ast.stmt], *more: str) -> ast.FunctionDef:
    args = arguments(param, *more)
    func = ast.FunctionDef(name=name, args=args, body=body, decorator_list=[], returns=None)
    if sys.version_info >= (3, 12):
        func.type_params = []
    return func


def is_(a: ast.expr, b: ast.expr) -> ast.Compare:
    return ast.Compare(a, [ast.Is()], [b])


def is_unknown(a: ast.expr) -> ast.Compare:
    return is_(a, load("UNKNOWN"))


def any_unknown(atoms: list[tuple[ast.expr, bool]]) -> ast.expr | None:
    """``a is UNKNOWN or b is UNKNOWN ...`` over the operands that may be unknown (None: none)."""
    tests: list[ast.expr] = [is_unknown(a) for a, maybe in atoms if maybe]
    if not tests:
        return None
    return tests[0] if len(tests) == 1 else ast.BoolOp(ast.Or(), tests)


def call(func: ast.expr, *args: ast.expr) -> ast.Call:
    return ast.Call(func, list(args), [])


def method(obj: ast.expr, attr: str, *args: ast.expr) -> ast.Call:
    return call(ast.Attribute(obj, attr, ast.Load()), *args)


def if_(test: ast.expr, body: list[ast.stmt], orelse: list[ast.stmt] | None = None) -> ast.If:
    return ast.If(test, body, orelse or [])


class Generator(Protocol):
    """What an inline form of a built-in function may use of the code generator."""

    env: str  # the generated function's parameter: the Env

    def new(self) -> str: ...

    def expr(self, node: Node) -> Atom: ...

    def block(self, node: Node) -> tuple[list[ast.stmt], ast.expr, bool]: ...

    def emit(self, *stmts: ast.stmt) -> None: ...

    def temp(self, value: ast.expr) -> ast.Name: ...

    def env_attr(self, attr: str) -> ast.expr: ...

    def step(self) -> list[ast.stmt]: ...

    def bound(self, pname: str, var: str) -> AbstractContextManager[None]: ...

    def plain_call(self, node: Call) -> Atom:
        """The call as a call of its helper ``fn_<name>``, functions passed as nested ones."""
        ...
