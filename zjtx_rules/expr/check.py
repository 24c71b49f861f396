"""Static type checking and name resolution of expressions, before anything runs.

The checker annotates every node with its type (``node.ty``) and every name with what it
refers to (``Name.kind``), so the compiler needs no look-ups at run time. It raises
``ExprError`` with a span for the first problem in an expression.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from zjtx_rules import diagnostics as D
from zjtx_rules.expr.builtins import REGISTRY
from zjtx_rules.expr.builtins.signature import type_error
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
from zjtx_rules.expr.parser import ExprError
from zjtx_rules.expr.types import (
    BOOL,
    DATE,
    NULL,
    NUMBER,
    STRING,
    LambdaTy,
    ListTy,
    MeasureTy,
    Prim,
    RecordTy,
    TableTy,
    Ty,
    same,
)

MEASURE_STATUS_FIELDS = ("eligible", "ineligible", "undetermined")


@dataclass
class Scope:
    """What names mean where an expression sits. ``lookup`` returns (kind, type)."""

    lookup: Callable[[str], tuple[str, Ty] | None]
    all_names: Callable[[], list[str]]
    locals: dict[str, Ty] = field(default_factory=dict)
    refs: set[tuple[str, str]] = field(default_factory=set)


def did_you_mean(name: str, candidates: list[str]) -> tuple[str, str]:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if not close:
        return "", ""
    return f"您是否想写 '{close[0]}'?", f"did you mean '{close[0]}'?"


class Checker(Visitor[Ty]):
    """Types one expression: ``check`` visits a node and records its type on it."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def expect(self, node: Node, ty: Ty, what_zh: str = "", what_en: str = "") -> Ty:
        got = self.check(node)
        if not same(got, ty):
            raise type_error(node, ty.describe(), got, what_zh, what_en)
        return got

    def check(self, node: Node) -> Ty:
        ty = self.visit(node)
        node.ty = ty
        return ty

    def visit_num(self, node: Num) -> Ty:
        return NUMBER

    def visit_str(self, node: Str) -> Ty:
        return STRING

    def visit_bool(self, node: Bool) -> Ty:
        return BOOL

    def visit_date(self, node: DateLit) -> Ty:
        return DATE

    def visit_list(self, node: ListLit) -> Ty:
        if not node.items:
            return ListTy(NULL)
        first = self.check(node.items[0])
        for item in node.items[1:]:
            self.expect(item, first, "列表各项", "list items: ")
        return ListTy(first)

    def visit_unary(self, node: Unary) -> Ty:
        if node.op == "not":
            self.expect(node.operand, BOOL, "not 的操作数", "operand of 'not': ")
            return BOOL
        self.expect(node.operand, NUMBER, "负号的操作数", "operand of '-': ")
        return NUMBER

    def visit_if(self, node: If) -> Ty:
        self.expect(node.cond, BOOL, "if 的条件", "condition of 'if': ")
        then = self.check(node.then)
        self.expect(node.orelse, then, "else 分支", "'else' branch: ")
        return then

    def visit_lambda(self, node: Lambda) -> Ty:
        raise ExprError.of(D.MISPLACED_FUNCTION(), node.span)

    def visit_name(self, node: Name) -> Ty:
        if node.name in self.scope.locals:
            node.kind = "local"
            return self.scope.locals[node.name]
        if node.name == "as_of":
            node.kind = "builtin"
            return DATE
        found = self.scope.lookup(node.name)
        if found is None:
            hint_zh, hint_en = did_you_mean(node.name, [*self.scope.locals, "as_of", *self.scope.all_names()])
            raise ExprError.of(D.UNKNOWN_NAME(name=node.name), node.span, (hint_zh, hint_en))
        node.kind, ty = found
        self.scope.refs.add((node.kind, node.name))
        return ty

    def visit_field(self, node: Field) -> Ty:
        obj = self.check(node.obj)
        if isinstance(obj, RecordTy):
            ty = obj.field(node.name)
            names = [n for n, _ in obj.fields]
        elif isinstance(obj, MeasureTy):
            outs = dict(obj.outputs)
            ty = BOOL if node.name in MEASURE_STATUS_FIELDS else outs.get(node.name)
            names = [*MEASURE_STATUS_FIELDS, *outs]
        else:
            raise ExprError.of(D.TYPE_MISMATCH(form="no-fields", type=obj.describe()), node.span)
        if ty is None:
            hint = did_you_mean(node.name, names)
            raise ExprError.of(D.UNKNOWN_FIELD(owner=obj.describe(), field=node.name), node.span, hint)
        return ty

    def _enum_literal(self, typed: Ty, lit: Node) -> None:
        if not (isinstance(typed, Prim) and typed.choices and isinstance(lit, Str)):
            return
        if lit.value not in typed.choices:
            allowed = ", ".join(sorted(typed.choices))
            message = D.UNKNOWN_CHOICE(value=lit.value, hint="allowed", allowed=allowed)
            raise ExprError.of(message, lit.span, did_you_mean(lit.value, sorted(typed.choices)))

    def visit_binary(self, node: Binary) -> Ty:
        op = node.op
        if op in ("and", "or"):
            self.expect(node.left, BOOL, f"'{op}' 的左边", f"left of '{op}': ")
            self.expect(node.right, BOOL, f"'{op}' 的右边", f"right of '{op}': ")
            return BOOL
        if op in ("+", "-", "*", "/"):
            self.expect(node.left, NUMBER, f"'{op}' 的左边", f"left of '{op}': ")
            self.expect(node.right, NUMBER, f"'{op}' 的右边", f"right of '{op}': ")
            return NUMBER
        left = self.check(node.left)
        if op in ("in", "not in"):
            right = self.check(node.right)
            if not isinstance(right, ListTy):
                raise type_error(node.right, "list", right, f"'{op}' 的右边", f"right of '{op}': ")
            if not same(left, right.elem):
                raise type_error(node.left, right.elem.describe(), left)
            if isinstance(node.right, ListLit):
                for item in node.right.items:
                    self._enum_literal(left, item)
            return BOOL
        right = self.check(node.right)
        if not same(left, right):
            raise type_error(node.right, left.describe(), right, f"'{op}' 的右边", f"right of '{op}': ")
        if op in ("<", "<=", ">", ">=") and not (same(left, NUMBER) or same(left, DATE)):
            raise type_error(node.left, "number or date", left, f"'{op}' 的", f"'{op}' ")
        if op in ("==", "!=") and not isinstance(left, Prim):
            raise type_error(node.left, "bool, number, string or date", left)
        self._enum_literal(left, node.right)
        self._enum_literal(right, node.left)
        return BOOL

    # -- calls
    def visit_call(self, node: Call) -> Ty:
        """A built-in function from its registry entry: arity, then its own form if it has
        one, then each argument against its parameter; any other name is a decision table."""
        builtin = REGISTRY.get(node.func)
        if builtin is None:
            return self._table_call(node)
        self._arity(node, *builtin.arity)
        if builtin.special is not None:
            special = builtin.special(self, node)
            if special is not None:
                return special
        types: list[Ty] = []
        for index in range(len(node.args)):
            types.append(builtin.param(index).check(self, node, index, types))
        return builtin.result_type(types)

    def check_function(self, node: Node, params: int, param: Ty, body: Ty | None, fname: str) -> Ty:
        """A function argument of ``fname``: its parameter bound to ``param`` while its body is
        checked (against ``body`` when given); the body's type."""
        if not isinstance(node, Lambda):
            raise ExprError.of(D.MISPLACED_FUNCTION(form="expected", function=fname), node.span)
        if len(node.params) != params:
            raise ExprError.of(D.MISPLACED_FUNCTION(form="one-parameter"), node.span)
        pname = node.params[0]
        saved = self.scope.locals.get(pname)
        self.scope.locals[pname] = param
        try:
            got = self.check(node.body) if body is None else self.expect(node.body, body)
        finally:
            if saved is None:
                self.scope.locals.pop(pname, None)
            else:
                self.scope.locals[pname] = saved
        node.ty = LambdaTy()
        return got

    def _arity(self, node: Call, lo: int, hi: int) -> None:
        n = len(node.args)
        if not lo <= n <= hi:
            want = str(lo) if lo == hi else f"{lo}-{hi}"
            raise ExprError.of(D.WRONG_ARITY(function=node.func, want=want, got=n), node.span)

    def _table_call(self, node: Call) -> Ty:
        f, a = node.func, node.args
        found = self.scope.lookup(f)
        if found and isinstance(found[1], TableTy):
            table = found[1]
            self.scope.refs.add(("table", f))
            if len(a) != len(table.inputs):
                message = D.WRONG_ARITY(form="table", function=f, want=len(table.inputs))
                raise ExprError.of(message, node.span)
            for arg, ty in zip(a, table.inputs, strict=True):
                self.expect(arg, ty)
                self._enum_literal(ty, arg)
            return table.value
        hint = did_you_mean(f, [*REGISTRY, *self.scope.all_names()])
        raise ExprError.of(D.UNKNOWN_FUNCTION(name=f), node.func_span, hint)


def check(node: Node, scope: Scope, expected: Ty | None = None) -> Ty:
    """Type-check ``node``; with ``expected``, also require that type."""
    checker = Checker(scope)
    if expected is None:
        return checker.check(node)
    return checker.expect(node, expected)


# -- how deep evaluation can go through chains of derived values and measures

LINK_COST = 1  # a hop to the named value costs about one tree level of stack (measured)
MAX_CHAIN_COST = 120  # measured: about 190 crashes at the default recursion limit


def chain_costs(items: dict[str, tuple[int, set[str]]]) -> dict[str, int]:
    """For each item (a derived value or a measure) given as (tree depth, names it uses), the
    cost of the deepest path of evaluation through it: its own depth plus ``LINK_COST`` plus
    the costliest item it uses. Type checking and evaluation follow these paths recursively,
    so a package with a path over ``MAX_CHAIN_COST`` (350 derived values each using the last)
    must be refused before either runs. Iterative, so the hostile chain cannot overflow here;
    cycles count once (they are reported elsewhere)."""
    cost: dict[str, int] = {}
    for root in items:
        if root in cost:
            continue
        stack: list[tuple[str, bool]] = [(root, False)]
        on_path: set[str] = set()
        while stack:
            name, done = stack.pop()
            depth, uses = items[name]
            if done:
                on_path.discard(name)
                below = [cost.get(u, 0) for u in uses if u in items and u not in on_path]
                cost[name] = depth + LINK_COST + max(below, default=0)
                continue
            if name in cost or name in on_path:
                continue
            on_path.add(name)
            stack.append((name, True))
            stack.extend((u, False) for u in uses if u in items and u not in cost and u not in on_path)
    return cost
