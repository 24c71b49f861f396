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

``decision.py`` writes a package's measures, and ``readiness.py`` a tier's criteria, into one
such function each, from the same blocks, under the same contract.

Semantics are those of the reference interpreter (``interpret.py``): Kleene logic, a missing
fact recorded in ``env.missing`` where it is read, ``known``/``coalesce`` withdrawing what they
settle, derived values and measure fields read through ``env.resolver`` (which memoises).
A built-in function is a call of its implementation (``fn_<name>``, function arguments as
nested functions) unless its registry entry has an inline form (``Builtin.emit``, built from
the blocks in ``astgen.py``).
"""

from __future__ import annotations

import ast
import itertools
import re
import types
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from zjtx_rules.expr import values as V
from zjtx_rules.expr.astgen import (
    Atom,
    any_unknown,
    assign,
    call,
    function,
    if_,
    is_,
    is_unknown,
    load,
    method,
)
from zjtx_rules.expr.builtins import REGISTRY
from zjtx_rules.expr.nodes import (
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
    Visitor,
)
from zjtx_rules.expr.types import MeasureTy, RecordTy
from zjtx_rules.expr.values import UNKNOWN

if TYPE_CHECKING:
    from zjtx_rules.expr.env import Compiled


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
        **{f"fn_{name}": builtin.impl for name, builtin in REGISTRY.items()},
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
    parts: tuple[Node, ...] = ()  # every tree of a package's or tier's decision module

    @property
    def trees(self) -> tuple[Node, ...]:
        """The checked trees the module was generated from."""
        return self.parts or (self.node,)

    def source(self) -> str:
        """The module as Python text, for review (``zjtx compile --show``); never executed."""
        lines = [f"# {name} = {value!r}" for name, value in self.constants.items()]
        return "\n".join([*lines, ast.unparse(self.module)])


_SERIAL = itertools.count(1)
# Each compiled function's checked tree. Not its module: 20,000 derived values kept 20,000
# syntax trees alive (about 40 KB each, 200 MB in all) and made every garbage collection of
# the load walk them. ``generate`` is deterministic, so the module is rebuilt when asked for.
_REGISTRY: weakref.WeakKeyDictionary[Callable[..., Any], Node] = weakref.WeakKeyDictionary()


def tree_of(fn: Callable[..., Any]) -> Node | None:
    """The checked tree a function was compiled from (None: not compiled here)."""
    return fn.node if isinstance(fn, Deferred) else _REGISTRY.get(fn)


def generated(fn: Callable[..., Any]) -> Generated | None:
    """The generated module behind a compiled function (None for anything else), rebuilt from
    the tree it was compiled from: the same module, name for name."""
    node = tree_of(fn)
    return None if node is None else generate(node)


class Deferred:
    """A function compiled on its first call: a derived value's, which then puts the compiled
    function in its place in ``table``, or a condition's or output's (no ``table``), which
    keeps it and calls it.

    Why: a code object is about 1.3 KB, and its generated module many times that while it is
    built. A package of 20,000 derived values compiled every one at load (64 MB of code and 28 s
    for ``zjtx check``, which runs none of them); now a value costs that only once something
    reads it. A measure's conditions and outputs are decided by the package's decision function
    (``decision.py``, built from the same trees), so their own functions run only when an
    outcome is explained by the eager ``Run``; compiling them at load was a third of loading a
    package. The tree was checked at load, so compiling it later cannot fail on the rules."""

    __slots__ = ("fn", "name", "node", "table")

    def __init__(self, node: Node, table: dict[str, Any] | None = None, name: str = "") -> None:
        self.node, self.table, self.name = node, table, name
        self.fn: Compiled | None = None

    def compile(self) -> Compiled:
        """Compile now (once), and put the function in this one's place in ``table``."""
        fn = self.fn
        if fn is None:  # two threads may both compile: the same code
            fn = self.fn = compile_node(self.node)
            if self.table is not None:
                self.table[self.name] = fn
        return fn

    def __call__(self, env: Any) -> Any:
        fn = self.fn
        return (self.compile() if fn is None else fn)(env)


def generate(node: Node) -> Generated:
    """Build (but do not compile) the module for one checked expression."""
    gen = _Gen()
    fn_name = gen.new()
    body, result, _ = gen.block(node)
    prologue = [
        assign(var, ast.Attribute(load(gen.env), attr, ast.Load())) for attr, var in gen.cached.items()
    ]
    func = function(fn_name, gen.env, [*prologue, *body, ast.Return(result)])
    module = ast.Module(body=[func], type_ignores=[])
    ast.fix_missing_locations(module)
    return Generated(node, module, types.MappingProxyType(dict(gen.constants)), fn_name)


def compile_node(node: Node) -> Compiled:
    """Turn a checked tree into a function ``f(env) -> value`` running generated code."""
    fn = function_of(generate(node))
    _REGISTRY[fn] = node
    return fn


def function_of(gen: Generated, kind: str = "expression") -> Compiled:
    """The function of a generated module, with the helpers it names and its constants."""
    module: ast.Module = gen.module
    # a file name of its own, so that profilers and tracebacks tell the functions apart
    code = compile(module, f"<zjtx-rules {kind} {next(_SERIAL)}>", "exec", dont_inherit=True)
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
    return fn


def _names(code: types.CodeType) -> set[str]:
    """Every name a code object and the functions nested in it refer to."""
    out = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            out |= _names(c)
    return out


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


class _Gen(Visitor[Atom]):
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
        self.emit(assign(name, value))
        return load(name)

    def env_attr(self, attr: str) -> ast.expr:
        if attr in _CACHED:
            if attr not in self.cached:
                self.cached[attr] = self.new()
            return load(self.cached[attr])
        return ast.Attribute(load(self.env), attr, ast.Load())

    def constant(self, value: Decimal | date) -> ast.Name:
        """A number or date from the rule text, bound to a generated name in the constant table."""
        key = (type(value), str(value))  # 1.0 and 1 are equal but round differently
        name = self._constant_names.get(key)
        if name is None:
            name = self.new()
            self.constants[name] = value
            self._constant_names[key] = name
        return load(name)

    def missing(self, label: str) -> ast.stmt:
        return ast.Expr(method(self.env_attr("missing"), "append", ast.Constant(label)))

    # -- expressions
    def expr(self, node: Node) -> Atom:
        return self.visit(node)

    def visit_num(self, node: Num) -> Atom:
        return self.constant(node.value), False

    def visit_date(self, node: DateLit) -> Atom:
        return self.constant(node.value), False

    def visit_str(self, node: Str) -> Atom:
        return ast.Constant(node.value), False

    def visit_bool(self, node: Bool) -> Atom:
        return ast.Constant(node.value), False

    def visit_list(self, node: ListLit) -> Atom:
        items = [self.expr(i) for i in node.items]
        lst = ast.List([a for a, _ in items], ast.Load())
        unknown = any_unknown(items)
        if unknown is None:
            return self.temp(lst), False
        return self.temp(ast.IfExp(unknown, load("UNKNOWN"), lst)), True

    def visit_unary(self, node: Unary) -> Atom:
        operand, maybe = self.expr(node.operand)
        value: ast.expr = ast.UnaryOp(ast.Not() if node.op == "not" else ast.USub(), operand)
        if maybe:
            value = ast.IfExp(is_unknown(operand), load("UNKNOWN"), value)
        return self.temp(value), maybe

    def visit_binary(self, node: Binary) -> Atom:
        if node.op in ("and", "or"):
            return self.logic(node)
        return self.binary(node)

    def visit_name(self, node: Name) -> Atom:
        label = ast.Constant(node.name)
        if node.kind == "fact":
            out = self.temp(method(self.env_attr("facts"), "get", label, load("UNKNOWN")))
            self.emit(if_(is_unknown(out), [self.missing(node.name)]))
            return out, True
        if node.kind in ("param", "table"):
            return self.temp(ast.Subscript(self.env_attr("params"), label, ast.Load())), True
        if node.kind == "derived":
            resolver = self.env_attr("resolver")
            return self.temp(method(resolver, "derived", label, load(self.env))), True
        if node.kind == "local":
            if node.name in self.scope:  # a lambda parameter: an element of a list, never UNKNOWN
                return load(self.scope[node.name]), False
            return self.temp(ast.Subscript(self.env_attr("locals"), label, ast.Load())), True
        if node.kind == "builtin":
            return self.env_attr("as_of"), False
        raise AssertionError(node.kind)

    def visit_field(self, node: Field) -> Atom:
        if isinstance(node.obj.ty, MeasureTy):
            resolver = self.env_attr("resolver")
            args = (ast.Constant(node.obj.ty.name), ast.Constant(node.name), load(self.env))
            return self.temp(method(resolver, "measure_field", *args)), True
        obj, maybe = self.expr(node.obj)
        label = f"{node.obj.ty.name}.{node.name}" if isinstance(node.obj.ty, RecordTy) else node.name
        out = self.new()
        read = [
            assign(out, method(obj, "get", ast.Constant(node.name), load("UNKNOWN"))),
            if_(is_unknown(load(out)), [self.missing(label)]),
        ]
        if maybe:
            self.emit(if_(is_unknown(obj), [assign(out, load("UNKNOWN"))], read))
        else:
            self.emit(*read)
        return load(out), True

    def logic(self, node: Binary) -> Atom:
        """Kleene ``and``/``or``, short-circuit on the deciding value as the interpreter does."""
        decides = node.op == "or"  # True decides ``or``, False decides ``and``
        left, lmaybe = self.expr(node.left)
        body, right, rmaybe = self.block(node.right)
        out = self.new()
        if lmaybe:
            # here left is the neutral value or UNKNOWN: the right decides, unless it is neutral
            value: ast.expr = ast.IfExp(is_(right, ast.Constant(not decides)), left, right)
        else:
            value = right
        self.emit(
            if_(
                is_(left, ast.Constant(decides)),
                [assign(out, ast.Constant(decides))],
                [*body, assign(out, value)],
            )
        )
        return load(out), lmaybe or rmaybe

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
        unknown = any_unknown([left, right])
        if op == "/":  # a ratio over zero is undefined, not an error in the rules
            zero = ast.Compare(right[0], [ast.Eq()], [ast.Constant(0)])
            unknown = zero if unknown is None else ast.BoolOp(ast.Or(), [unknown, zero])
        if unknown is None:
            return self.temp(value), False
        return self.temp(ast.IfExp(unknown, load("UNKNOWN"), value)), True

    def visit_if(self, node: If) -> Atom:
        cond, cmaybe = self.expr(node.cond)
        then_body, then, tmaybe = self.block(node.then)
        else_body, orelse, emaybe = self.block(node.orelse)
        out = self.new()
        branches: ast.stmt = if_(cond, [*then_body, assign(out, then)], [*else_body, assign(out, orelse)])
        if cmaybe:
            branches = if_(is_unknown(cond), [assign(out, load("UNKNOWN"))], [branches])
        self.emit(branches)
        return load(out), cmaybe or tmaybe or emaybe

    # -- calls
    def visit_call(self, node: Call) -> Atom:
        builtin = REGISTRY.get(node.func)
        if builtin is None:  # a decision table, checked by the type checker
            inputs = [self.expr(a) for a in node.args]
            table = self.temp(ast.Subscript(self.env_attr("params"), ast.Constant(node.func), ast.Load()))
            unknown = any_unknown([(table, True), *inputs])
            assert unknown is not None
            lookup = method(table, "lookup", ast.List([a for a, _ in inputs], ast.Load()))
            return self.temp(ast.IfExp(unknown, load("UNKNOWN"), lookup)), True
        if builtin.emit is not None:
            return builtin.emit(self, node)
        return self.plain_call(node)

    def plain_call(self, node: Call) -> Atom:
        args: list[ast.expr] = []
        for a in node.args:
            args.append(self.function(a) if isinstance(a, Lambda) else self.expr(a)[0])
        return self.temp(call(load(f"fn_{node.func}"), *args)), True

    def function(self, node: Lambda) -> ast.expr:
        """A lambda passed to a helper: a nested function of one parameter."""
        name, param = self.new(), self.new()
        with self.bound(node.params[0], param):
            body, result, _ = self.block(node.body)
        self.emit(function(name, param, [*self.step(), *body, ast.Return(result)]))
        return load(name)

    def step(self) -> list[ast.stmt]:
        """One step of the work budget (a lambda call or a loop item): ``env.steps -= 1``."""
        steps = ast.Attribute(load(self.env), "steps", ast.Store())
        left = ast.Attribute(load(self.env), "steps", ast.Load())
        return [
            ast.AugAssign(steps, ast.Sub(), ast.Constant(1)),
            if_(
                ast.Compare(left, [ast.Lt()], [ast.Constant(0)]),
                [ast.Expr(call(load("over_budget"), load(self.env)))],
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


def _all_strings(node: Node) -> bool:
    return isinstance(node, ListLit) and all(isinstance(i, Str) for i in node.items)
