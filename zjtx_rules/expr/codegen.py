"""Compiling checked expressions to Python code objects built from ``ast`` nodes.

Why: a closure per syntax node costs one Python call per node, and that was the ceiling of
the engine (issue 12). Here each checked expression becomes one generated function
``f(env) -> value`` whose body runs the whole tree in a single frame: temporaries instead of
calls, ``any``/``all``/``sum``/``count``/``filter`` as inline loops, and no check for UNKNOWN
where the operand can never be unknown (literals, ``as_of``, list elements).

The contract, enforced by ``tests/test_expr_codegen.py``:

- rule text never reaches Python's parser: the module is built node by node from the checked
  tree, ``compile()`` receives that ``ast.Module``, and the function is made from the code
  object it returns (``types.FunctionType``; there is no ``exec`` or ``eval`` anywhere);
- every identifier in the module is generated here (``_z`` and digits) or a key of
  ``HELPERS``, and every attribute is one of ``ATTRIBUTES``; there are no built-ins;
- every value from a rule file is an ``ast.Constant`` (strings, booleans, names of facts and
  parameters) or a generated name bound to the constant table (numbers, dates).

Semantics are those of the reference interpreter (``interpret.py``): Kleene logic, a missing
fact recorded in ``env.missing`` where it is read, ``known``/``coalesce`` withdrawing what they
settle, derived values and measure fields read through ``env.resolver`` (which memoises).
"""

from __future__ import annotations

import ast
import itertools
import re
import sys
import types
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

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

if TYPE_CHECKING:
    from .compile import Compiled


def _over_budget(env: Any, steps: int = 0) -> None:
    """Charge ``steps`` to the evaluation's work budget (``Env.steps``); raise when it is spent.
    Loops charge one step per item inline and call this only to raise."""
    env.steps -= steps
    if env.steps < 0:
        raise V.WorkLimitError(V.MAX_STEPS)


# The only names generated code may use besides its own: the run-time helpers.
HELPERS: Final[Mapping[str, object]] = types.MappingProxyType(
    {
        "UNKNOWN": UNKNOWN,
        "over_budget": _over_budget,
        "ZERO": Decimal(0),
        "Decimal": Decimal,
        "len": len,
        **{f"fn_{name}": fn for name, fn in V.BUILTINS.items()},
    }
)
# The only attributes generated code may read: of the Env, its resolver, dicts, lists, tables.
ATTRIBUTES: Final = frozenset(
    {
        "facts",
        "params",
        "missing",
        "locals",
        "as_of",
        "resolver",
        "derived",
        "measure_field",
        "get",
        "append",
        "lookup",
        "values",
        "steps",
    }
)
GENERATED_NAME: Final = re.compile(r"_z\d+\Z")

# Functions inlined as loops over the list; the others are called with nested functions.
_INLINED: Final = frozenset({"any", "all", "sum", "count", "filter"})
# Env attributes a function reads once, at its start: they do not change during a run.
# (``missing`` and ``locals`` are swapped by the engine around each measure: read each time.)
_CACHED: Final = ("facts", "params", "resolver", "as_of")


@dataclass(frozen=True)
class Generated:
    """What was compiled for one expression: the checked tree, the generated module and the
    constant table its names refer to."""

    node: Node
    module: ast.Module
    constants: Mapping[str, Any]
    function: str  # the name of the generated function in ``module``

    def source(self) -> str:
        """The module as Python text, for review (``zjtx compile --show``); never executed."""
        lines = [f"# {name} = {value!r}" for name, value in self.constants.items()]
        return "\n".join([*lines, ast.unparse(self.module)])


_SERIAL = itertools.count(1)
# Each compiled function's checked tree. Not its module: 20,000 derived values kept 20,000
# syntax trees alive (about 40 KB each, 200 MB in all) and made every garbage collection of
# the load walk them. ``generate`` is deterministic, so the module is rebuilt when asked for.
_REGISTRY: weakref.WeakKeyDictionary[Callable[..., Any], Node] = weakref.WeakKeyDictionary()


def generated(fn: Callable[..., Any]) -> Generated | None:
    """The generated module behind a compiled function (None for anything else), rebuilt from
    the tree it was compiled from: the same module, name for name."""
    node = _REGISTRY.get(fn)
    return None if node is None else generate(node)


def generate(node: Node) -> Generated:
    """Build (but do not compile) the module for one checked expression."""
    gen = _Gen()
    fn_name = gen.new()
    body, result, _ = gen.block(node)
    prologue = [
        _assign(var, ast.Attribute(_load(gen.env), attr, ast.Load())) for attr, var in gen.cached.items()
    ]
    func = _function(fn_name, gen.env, [*prologue, *body, ast.Return(result)])
    module = ast.Module(body=[func], type_ignores=[])
    ast.fix_missing_locations(module)
    return Generated(node, module, types.MappingProxyType(dict(gen.constants)), fn_name)


def compile_node(node: Node) -> Compiled:
    """Turn a checked tree into a function ``f(env) -> value`` running generated code."""
    gen = generate(node)
    module: ast.Module = gen.module
    # a file name of its own, so that profilers and tracebacks tell the functions apart
    code = compile(module, f"<zjtx-rules expression {next(_SERIAL)}>", "exec", dont_inherit=True)
    assert isinstance(code, types.CodeType)
    # The module holds one function definition: make the function from its code object with
    # the helpers and the constant table as its globals. Nothing is executed here.
    (body,) = (c for c in code.co_consts if isinstance(c, types.CodeType))
    # only the helpers the code names: a copy of all of them in each function's globals took
    # 0.9 KB an expression (18 MB for 20,000 derived values)
    used = _names(body)
    helpers = {k: v for k, v in HELPERS.items() if k in used}
    namespace: dict[str, Any] = {"__builtins__": {}, **helpers, **gen.constants}
    fn: Compiled = types.FunctionType(body, namespace, gen.function)
    _REGISTRY[fn] = node
    return fn


def _names(code: types.CodeType) -> set[str]:
    """Every name a code object and the functions nested in it refer to."""
    out = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            out |= _names(c)
    return out


# -- ast building blocks -----------------------------------------------------------------------


def _load(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def _store(name: str) -> ast.Name:
    return ast.Name(name, ast.Store())


def _assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign(targets=[_store(name)], value=value)


def _args(*names: str) -> ast.arguments:
    return ast.arguments(
        posonlyargs=[],
        args=[ast.arg(n) for n in names],
        vararg=None,
        kwonlyargs=[],
        kw_defaults=[],
        kwarg=None,
        defaults=[],
    )


def _function(name: str, param: str, body: list[ast.stmt]) -> ast.FunctionDef:
    func = ast.FunctionDef(name=name, args=_args(param), body=body, decorator_list=[], returns=None)
    if sys.version_info >= (3, 12):
        func.type_params = []
    return func


def _is(a: ast.expr, b: ast.expr) -> ast.Compare:
    return ast.Compare(a, [ast.Is()], [b])


def _is_unknown(a: ast.expr) -> ast.Compare:
    return _is(a, _load("UNKNOWN"))


def _any_unknown(atoms: list[tuple[ast.expr, bool]]) -> ast.expr | None:
    """``a is UNKNOWN or b is UNKNOWN ...`` over the operands that may be unknown (None: none)."""
    tests: list[ast.expr] = [_is_unknown(a) for a, maybe in atoms if maybe]
    if not tests:
        return None
    return tests[0] if len(tests) == 1 else ast.BoolOp(ast.Or(), tests)


def _call(func: ast.expr, *args: ast.expr) -> ast.Call:
    return ast.Call(func, list(args), [])


def _method(obj: ast.expr, attr: str, *args: ast.expr) -> ast.Call:
    return _call(ast.Attribute(obj, attr, ast.Load()), *args)


def _if(test: ast.expr, body: list[ast.stmt], orelse: list[ast.stmt] | None = None) -> ast.If:
    return ast.If(test, body, orelse or [])


_ARITH: Final[Mapping[str, type[ast.operator]]] = {"+": ast.Add, "-": ast.Sub, "*": ast.Mult, "/": ast.Div}
_COMPARE: Final[Mapping[str, type[ast.cmpop]]] = {
    "==": ast.Eq,
    "!=": ast.NotEq,
    "<": ast.Lt,
    "<=": ast.LtE,
    ">": ast.Gt,
    ">=": ast.GtE,
    "in": ast.In,
    "not in": ast.NotIn,
}

# An atom is a Name or a Constant: pure and cheap, so it may be read more than once. The flag
# says whether it may be UNKNOWN at run time.
Atom = tuple[ast.expr, bool]


class _Gen:
    """Generates the statements of one function; ``stmts`` is the block being written."""

    def __init__(self) -> None:
        self.count = 0
        self.env = self.new()
        self.stmts: list[ast.stmt] = []
        self.constants: dict[str, Any] = {}
        self._constant_names: dict[tuple[type, str], str] = {}
        self.cached: dict[str, str] = {}  # env attribute -> the local holding it
        self.scope: dict[str, str] = {}  # lambda parameter -> its local

    def new(self) -> str:
        name = f"_z{self.count}"
        self.count += 1
        return name

    def block(self, node: Node) -> tuple[list[ast.stmt], ast.expr, bool]:
        """The statements computing ``node`` in a block of their own, and its atom."""
        with self.nested() as stmts:
            atom, maybe = self.expr(node)
        return stmts, atom, maybe

    @contextmanager
    def nested(self) -> Iterator[list[ast.stmt]]:
        saved = self.stmts
        self.stmts = []
        try:
            yield self.stmts
        finally:
            self.stmts = saved

    def emit(self, *stmts: ast.stmt) -> None:
        self.stmts.extend(stmts)

    def temp(self, value: ast.expr) -> ast.Name:
        name = self.new()
        self.emit(_assign(name, value))
        return _load(name)

    def env_attr(self, attr: str) -> ast.expr:
        if attr in _CACHED:
            if attr not in self.cached:
                self.cached[attr] = self.new()
            return _load(self.cached[attr])
        return ast.Attribute(_load(self.env), attr, ast.Load())

    def constant(self, value: Decimal | date) -> ast.Name:
        """A number or date from the rule text, bound to a generated name in the constant table."""
        key = (type(value), str(value))  # 1.0 and 1 are equal but round differently
        name = self._constant_names.get(key)
        if name is None:
            name = self.new()
            self.constants[name] = value
            self._constant_names[key] = name
        return _load(name)

    def missing(self, label: str) -> ast.stmt:
        return ast.Expr(_method(self.env_attr("missing"), "append", ast.Constant(label)))

    # -- expressions
    def expr(self, node: Node) -> Atom:
        if isinstance(node, Num | DateLit):
            return self.constant(node.value), False
        if isinstance(node, Str | Bool):
            return ast.Constant(node.value), False
        if isinstance(node, ListLit):
            items = [self.expr(i) for i in node.items]
            lst = ast.List([a for a, _ in items], ast.Load())
            unknown = _any_unknown(items)
            if unknown is None:
                return self.temp(lst), False
            return self.temp(ast.IfExp(unknown, _load("UNKNOWN"), lst)), True
        if isinstance(node, Name):
            return self.name(node)
        if isinstance(node, Field):
            return self.field(node)
        if isinstance(node, Unary):
            operand, maybe = self.expr(node.operand)
            value: ast.expr = ast.UnaryOp(ast.Not() if node.op == "not" else ast.USub(), operand)
            if maybe:
                value = ast.IfExp(_is_unknown(operand), _load("UNKNOWN"), value)
            return self.temp(value), maybe
        if isinstance(node, Binary):
            if node.op in ("and", "or"):
                return self.logic(node)
            return self.binary(node)
        if isinstance(node, If):
            return self.if_(node)
        if isinstance(node, Call):
            return self.call(node)
        raise AssertionError(type(node))

    def name(self, node: Name) -> Atom:
        label = ast.Constant(node.name)
        if node.kind == "fact":
            out = self.temp(_method(self.env_attr("facts"), "get", label, _load("UNKNOWN")))
            self.emit(_if(_is_unknown(out), [self.missing(node.name)]))
            return out, True
        if node.kind in ("param", "table"):
            return self.temp(ast.Subscript(self.env_attr("params"), label, ast.Load())), True
        if node.kind == "derived":
            resolver = self.env_attr("resolver")
            return self.temp(_method(resolver, "derived", label, _load(self.env))), True
        if node.kind == "local":
            if node.name in self.scope:  # a lambda parameter: an element of a list, never UNKNOWN
                return _load(self.scope[node.name]), False
            return self.temp(ast.Subscript(self.env_attr("locals"), label, ast.Load())), True
        if node.kind == "builtin":
            return self.env_attr("as_of"), False
        raise AssertionError(node.kind)

    def field(self, node: Field) -> Atom:
        if isinstance(node.obj.ty, MeasureTy):
            resolver = self.env_attr("resolver")
            args = (ast.Constant(node.obj.ty.name), ast.Constant(node.name), _load(self.env))
            return self.temp(_method(resolver, "measure_field", *args)), True
        obj, maybe = self.expr(node.obj)
        label = f"{node.obj.ty.name}.{node.name}" if isinstance(node.obj.ty, RecordTy) else node.name
        out = self.new()
        read = [
            _assign(out, _method(obj, "get", ast.Constant(node.name), _load("UNKNOWN"))),
            _if(_is_unknown(_load(out)), [self.missing(label)]),
        ]
        if maybe:
            self.emit(_if(_is_unknown(obj), [_assign(out, _load("UNKNOWN"))], read))
        else:
            self.emit(*read)
        return _load(out), True

    def logic(self, node: Binary) -> Atom:
        """Kleene ``and``/``or``, short-circuit on the deciding value as the interpreter does."""
        decides = node.op == "or"  # True decides ``or``, False decides ``and``
        left, lmaybe = self.expr(node.left)
        body, right, rmaybe = self.block(node.right)
        out = self.new()
        if lmaybe:
            # here left is the neutral value or UNKNOWN: the right decides, unless it is neutral
            value: ast.expr = ast.IfExp(_is(right, ast.Constant(not decides)), left, right)
        else:
            value = right
        self.emit(
            _if(
                _is(left, ast.Constant(decides)),
                [_assign(out, ast.Constant(decides))],
                [*body, _assign(out, value)],
            )
        )
        return _load(out), lmaybe or rmaybe

    def binary(self, node: Binary) -> Atom:
        op = node.op
        left = self.expr(node.left)
        if op in ("in", "not in") and _all_strings(node.right):
            assert isinstance(node.right, ListLit)
            strings: list[ast.expr] = [ast.Constant(i.value) for i in node.right.items if isinstance(i, Str)]
            right: Atom = (ast.Tuple(strings, ast.Load()), False)  # folded to one constant by compile()
        else:
            right = self.expr(node.right)
        if op in _ARITH:
            value: ast.expr = ast.BinOp(left[0], _ARITH[op](), right[0])
        else:
            value = ast.Compare(left[0], [_COMPARE[op]()], [right[0]])
        unknown = _any_unknown([left, right])
        if op == "/":  # a ratio over zero is undefined, not an error in the rules
            zero = ast.Compare(right[0], [ast.Eq()], [ast.Constant(0)])
            unknown = zero if unknown is None else ast.BoolOp(ast.Or(), [unknown, zero])
        if unknown is None:
            return self.temp(value), False
        return self.temp(ast.IfExp(unknown, _load("UNKNOWN"), value)), True

    def if_(self, node: If) -> Atom:
        cond, cmaybe = self.expr(node.cond)
        then_body, then, tmaybe = self.block(node.then)
        else_body, orelse, emaybe = self.block(node.orelse)
        out = self.new()
        branches: ast.stmt = _if(cond, [*then_body, _assign(out, then)], [*else_body, _assign(out, orelse)])
        if cmaybe:
            branches = _if(_is_unknown(cond), [_assign(out, _load("UNKNOWN"))], [branches])
        self.emit(branches)
        return _load(out), cmaybe or tmaybe or emaybe

    # -- calls
    def call(self, node: Call) -> Atom:
        f = node.func
        if f not in V.BUILTINS:  # a decision table, checked by the type checker
            inputs = [self.expr(a) for a in node.args]
            table = self.temp(ast.Subscript(self.env_attr("params"), ast.Constant(f), ast.Load()))
            unknown = _any_unknown([(table, True), *inputs])
            assert unknown is not None
            lookup = _method(table, "lookup", ast.List([a for a, _ in inputs], ast.Load()))
            return self.temp(ast.IfExp(unknown, _load("UNKNOWN"), lookup)), True
        if f == "values" and isinstance(node.args[0].ty, TableTy):
            params = self.env_attr("params")
            table = self.temp(ast.Subscript(params, ast.Constant(node.args[0].ty.name), ast.Load()))
            return self.temp(ast.IfExp(_is_unknown(table), _load("UNKNOWN"), _method(table, "values"))), True
        if f in ("known", "coalesce"):
            return self.tolerant(node)
        if f in _INLINED and len(node.args) == 2:
            return self.loop(node)
        args: list[ast.expr] = []
        for a in node.args:
            args.append(self.function(a) if isinstance(a, Lambda) else self.expr(a)[0])
        result = self.temp(_call(_load(f"fn_{f}"), *args))
        if f == "range":  # each item of a range costs a step of the work budget
            size = _call(_load("len"), result)
            charge = _call(_load("over_budget"), _load(self.env), size)
            self.emit(_if(ast.Compare(result, [ast.IsNot()], [_load("UNKNOWN")]), [ast.Expr(charge)]))
        return result, True

    def tolerant(self, node: Call) -> Atom:
        """``known``/``coalesce``: a missing first argument is settled here, so not reported."""
        first_body, first, maybe = self.block(node.args[0])
        if not maybe:
            self.emit(*first_body)
            return (ast.Constant(True), False) if node.func == "known" else (first, False)
        mark = self.temp(_call(_load("len"), self.env_attr("missing")))
        self.emit(*first_body)
        settle = ast.Delete([ast.Subscript(self.env_attr("missing"), ast.Slice(mark, None, None), ast.Del())])
        if node.func == "known":
            self.emit(_if(_is_unknown(first), [settle]))
            return self.temp(ast.Compare(first, [ast.IsNot()], [_load("UNKNOWN")])), False
        body, second, smaybe = self.block(node.args[1])
        out = self.new()
        self.emit(_if(_is_unknown(first), [settle, *body, _assign(out, second)], [_assign(out, first)]))
        return _load(out), smaybe

    def function(self, node: Lambda) -> ast.expr:
        """A lambda passed to a helper: a nested function of one parameter."""
        name, param = self.new(), self.new()
        with self.bound(node.params[0], param):
            body, result, _ = self.block(node.body)
        self.emit(_function(name, param, [*self.step(), *body, ast.Return(result)]))
        return _load(name)

    def step(self) -> list[ast.stmt]:
        """One step of the work budget (a lambda call or a loop item): ``env.steps -= 1``."""
        steps = ast.Attribute(_load(self.env), "steps", ast.Store())
        left = ast.Attribute(_load(self.env), "steps", ast.Load())
        return [
            ast.AugAssign(steps, ast.Sub(), ast.Constant(1)),
            _if(
                ast.Compare(left, [ast.Lt()], [ast.Constant(0)]),
                [ast.Expr(_call(_load("over_budget"), _load(self.env)))],
            ),
        ]

    @contextmanager
    def bound(self, pname: str, var: str) -> Iterator[None]:
        saved = self.scope.get(pname)
        self.scope[pname] = var
        try:
            yield
        finally:
            if saved is None:
                del self.scope[pname]
            else:
                self.scope[pname] = saved

    def loop(self, node: Call) -> Atom:
        """``any``/``all``/``sum``/``count``/``filter`` with a lambda, as a loop in this frame.

        Each stops where its helper in ``values.py`` returns, so the same facts are read and
        recorded as missing.
        """
        f = node.func
        xs, xmaybe = self.expr(node.args[0])
        lam = node.args[1]
        assert isinstance(lam, Lambda)
        item, out = self.new(), self.new()
        with self.bound(lam.params[0], item):
            body, v, vmaybe = self.block(lam.body)
        body[:0] = self.step()
        res, unknown = _load(out), _load("UNKNOWN")
        stop_unknown = [_assign(out, unknown), ast.Break()]
        orelse: list[ast.stmt] = []
        if f in ("any", "all"):
            decides = f == "any"
            start: ast.expr = ast.Constant(not decides)
            body.append(
                _if(_is(v, ast.Constant(decides)), [_assign(out, ast.Constant(decides)), ast.Break()])
            )
            if vmaybe:
                body.append(_if(_is_unknown(v), [_assign(out, unknown)]))
        elif f == "sum":
            start = _load("ZERO")
            if vmaybe:
                body.append(_if(_is_unknown(v), stop_unknown))
            body.append(ast.AugAssign(_store(out), ast.Add(), v))
        elif f == "count":
            start = ast.Constant(0)
            if vmaybe:
                body.append(_if(_is_unknown(v), stop_unknown))
            body.append(
                _if(_is(v, ast.Constant(True)), [ast.AugAssign(_store(out), ast.Add(), ast.Constant(1))])
            )
            orelse = [_assign(out, _call(_load("Decimal"), res))]
        else:  # filter
            start = ast.List([], ast.Load())
            if vmaybe:
                body.append(_if(_is_unknown(v), stop_unknown))
            body.append(_if(v, [ast.Expr(_method(res, "append", _load(item)))]))
        run: list[ast.stmt] = [_assign(out, start), ast.For(_store(item), xs, body, orelse)]
        if xmaybe:
            self.emit(_if(_is_unknown(xs), [_assign(out, unknown)], run))
        else:
            self.emit(*run)
        return res, xmaybe or vmaybe


def _all_strings(node: Node) -> bool:
    return isinstance(node, ListLit) and all(isinstance(i, Str) for i in node.items)
