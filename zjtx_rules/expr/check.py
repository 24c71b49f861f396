"""Static type checking and name resolution of expressions, before anything runs.

The checker annotates every node with its type (``node.ty``) and every name with what it
refers to (``Name.kind``), so the compiler needs no look-ups at run time. It raises
``ExprError`` with a span for the first problem in an expression.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

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
    Visitor,
)
from .parser import ExprError
from .types import (
    BOOL,
    DATE,
    NULL,
    NUMBER,
    STRING,
    LambdaTy,
    ListTy,
    MapTy,
    MeasureTy,
    Prim,
    RecordTy,
    TableTy,
    Ty,
    same,
)
from .values import BUILTINS

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


def _type_error(node: Node, expected: str, got: Ty, what_zh: str = "", what_en: str = "") -> ExprError:
    return ExprError(
        "E301",
        "type-mismatch",
        f"{what_zh}类型应为 {expected}，实际为 {got.describe()}",
        f"{what_en}expected {expected}; got {got.describe()}",
        node.span,
    )


class Checker(Visitor[Ty]):
    """Types one expression: ``check`` visits a node and records its type on it."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def expect(self, node: Node, ty: Ty, what_zh: str = "", what_en: str = "") -> Ty:
        got = self.check(node)
        if not same(got, ty):
            raise _type_error(node, ty.describe(), got, what_zh, what_en)
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
        raise ExprError(
            "E302",
            "misplaced-function",
            "x -> ... 只能作为 any/all/sum 等函数的参数",
            "'x -> ...' may only be an argument of any/all/sum and the like",
            node.span,
        )

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
            raise ExprError(
                "E203",
                "unknown-name",
                f"未知的名称 '{node.name}'",
                f"unknown name '{node.name}'",
                node.span,
                hint_zh,
                hint_en,
            )
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
            raise ExprError(
                "E301",
                "type-mismatch",
                f"{obj.describe()} 没有字段",
                f"{obj.describe()} has no fields",
                node.span,
            )
        if ty is None:
            hz, he = did_you_mean(node.name, names)
            raise ExprError(
                "E204",
                "unknown-field",
                f"{obj.describe()} 没有字段 '{node.name}'",
                f"{obj.describe()} has no field '{node.name}'",
                node.span,
                hz,
                he,
            )
        return ty

    def _enum_literal(self, typed: Ty, lit: Node) -> None:
        if not (isinstance(typed, Prim) and typed.choices and isinstance(lit, Str)):
            return
        if lit.value not in typed.choices:
            hz, he = did_you_mean(lit.value, sorted(typed.choices))
            raise ExprError(
                "E205",
                "unknown-choice",
                f"'{lit.value}' 不是允许的取值",
                f"'{lit.value}' is not one of the allowed values",
                lit.span,
                hz or "允许: " + ", ".join(sorted(typed.choices)),
                he or "allowed: " + ", ".join(sorted(typed.choices)),
            )

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
                raise _type_error(node.right, "list", right, f"'{op}' 的右边", f"right of '{op}': ")
            if not same(left, right.elem):
                raise _type_error(node.left, right.elem.describe(), left)
            if isinstance(node.right, ListLit):
                for item in node.right.items:
                    self._enum_literal(left, item)
            return BOOL
        right = self.check(node.right)
        if not same(left, right):
            raise _type_error(node.right, left.describe(), right, f"'{op}' 的右边", f"right of '{op}': ")
        if op in ("<", "<=", ">", ">=") and not (same(left, NUMBER) or same(left, DATE)):
            raise _type_error(node.left, "number or date", left, f"'{op}' 的", f"'{op}' ")
        if op in ("==", "!=") and not isinstance(left, Prim):
            raise _type_error(node.left, "bool, number, string or date", left)
        self._enum_literal(left, node.right)
        self._enum_literal(right, node.left)
        return BOOL

    # -- calls
    def _lambda(self, node: Node, param: Ty, result: Ty | None, fname: str) -> Ty:
        if not isinstance(node, Lambda):
            raise ExprError(
                "E302",
                "misplaced-function",
                f"{fname} 的这个参数应为 x -> ... 形式的函数",
                f"this argument of {fname} must be a function 'x -> ...'",
                node.span,
            )
        if len(node.params) != 1:
            raise ExprError(
                "E302",
                "misplaced-function",
                "函数只能有一个参数",
                "a function takes one parameter",
                node.span,
            )
        pname = node.params[0]
        saved = self.scope.locals.get(pname)
        self.scope.locals[pname] = param
        try:
            body = self.check(node.body) if result is None else self.expect(node.body, result)
        finally:
            if saved is None:
                self.scope.locals.pop(pname, None)
            else:
                self.scope.locals[pname] = saved
        node.ty = LambdaTy()
        return body

    def _list_arg(self, node: Node, fname: str) -> ListTy:
        ty = self.check(node)
        if not isinstance(ty, ListTy):
            raise _type_error(node, "list", ty, f"{fname} 的第一个参数", f"first argument of {fname}: ")
        return ty

    def _arity(self, node: Call, lo: int, hi: int) -> None:
        n = len(node.args)
        if not lo <= n <= hi:
            want = str(lo) if lo == hi else f"{lo}-{hi}"
            raise ExprError(
                "E303",
                "wrong-arity",
                f"{node.func} 需要 {want} 个参数，实际 {n} 个",
                f"{node.func} takes {want} argument(s); got {n}",
                node.span,
            )

    def visit_call(self, node: Call) -> Ty:
        f, a = node.func, node.args
        if f not in BUILTINS:
            found = self.scope.lookup(f)
            if found and isinstance(found[1], TableTy):
                table = found[1]
                self.scope.refs.add(("table", f))
                if len(a) != len(table.inputs):
                    raise ExprError(
                        "E303",
                        "wrong-arity",
                        f"决策表 {f} 需要 {len(table.inputs)} 个参数",
                        f"decision table {f} takes {len(table.inputs)} argument(s)",
                        node.span,
                    )
                for arg, ty in zip(a, table.inputs, strict=True):
                    self.expect(arg, ty)
                    self._enum_literal(ty, arg)
                return table.value
            hz, he = did_you_mean(f, [*BUILTINS, *self.scope.all_names()])
            raise ExprError(
                "E206",
                "unknown-function",
                f"未知的函数 '{f}'",
                f"unknown function '{f}'",
                node.func_span,
                hz,
                he,
            )
        if f in ("min", "max"):
            if len(a) == 1:
                lt = self._list_arg(a[0], f)
                if not (same(lt.elem, NUMBER) or same(lt.elem, DATE)):
                    raise _type_error(a[0], "list[number] or list[date]", lt)
                return lt.elem
            self._arity(node, 1, 20)
            first = self.check(a[0])
            if not (same(first, NUMBER) or same(first, DATE)):
                raise _type_error(a[0], "number or date", first)
            for arg in a[1:]:
                self.expect(arg, first)
            return first
        if f in ("sum", "count"):
            self._arity(node, 1, 2)
            lt = self._list_arg(a[0], f)
            if len(a) == 2:
                self._lambda(a[1], lt.elem, NUMBER if f == "sum" else BOOL, f)
            elif f == "sum" and not same(lt.elem, NUMBER):
                raise _type_error(a[0], "list[number]", lt)
            return NUMBER
        if f in ("any", "all", "filter"):
            self._arity(node, 2, 2)
            lt = self._list_arg(a[0], f)
            self._lambda(a[1], lt.elem, BOOL, f)
            return BOOL if f != "filter" else lt
        if f == "map":
            self._arity(node, 2, 2)
            lt = self._list_arg(a[0], f)
            return ListTy(self._lambda(a[1], lt.elem, None, f))
        if f == "top_n":
            self._arity(node, 3, 4)
            lt = self._list_arg(a[0], f)
            self.expect(a[1], NUMBER)
            key = self._lambda(a[2], lt.elem, None, f)
            if not (same(key, NUMBER) or same(key, DATE)):
                raise _type_error(a[2], "number or date", key)
            if len(a) == 4:
                tie = self._lambda(a[3], lt.elem, None, f)
                if not isinstance(tie, Prim) or tie in (BOOL, NULL):
                    raise _type_error(a[3], "number, string or date", tie)
            return lt
        if f == "range":
            self._arity(node, 2, 2)
            self.expect(a[0], NUMBER)
            self.expect(a[1], NUMBER)
            return ListTy(NUMBER)
        if f == "to_map":
            self._arity(node, 3, 3)
            lt = self._list_arg(a[0], f)
            k = self._lambda(a[1], lt.elem, None, f)
            v = self._lambda(a[2], lt.elem, None, f)
            return MapTy(k, v)
        if f in ("get", "has", "keys"):
            self._arity(node, {"get": 3, "has": 2, "keys": 1}[f], {"get": 3, "has": 2, "keys": 1}[f])
            mt = self.check(a[0])
            if not isinstance(mt, MapTy):
                raise _type_error(a[0], "map", mt)
            if f == "keys":
                return ListTy(mt.key)
            self.expect(a[1], mt.key)
            if f == "has":
                return BOOL
            self.expect(a[2], mt.value)
            return mt.value
        if f == "values":
            self._arity(node, 1, 1)
            mt = self.check(a[0])
            if isinstance(mt, MapTy):
                return ListTy(mt.value)
            if isinstance(mt, TableTy):
                return ListTy(mt.value)
            raise _type_error(a[0], "map or decision table", mt)
        if f in ("round_half_up", "round_down"):
            self._arity(node, 2, 2)
            self.expect(a[0], NUMBER)
            q = a[1]
            # a power of ten: quantize keeps only the step's exponent, so 0.02 would round
            # exactly like 0.01 while reading as something else
            if not isinstance(q, Num) or q.value <= 0 or q.value.normalize().as_tuple().digits != (1,):
                raise ExprError(
                    "E304",
                    "bad-precision",
                    "舍入精度应为 10 的幂的字面量，如 0.01（分）、1（元）或 100",
                    "the rounding precision must be a power of ten written as a literal, such as "
                    "0.01 (fen), 1 or 100",
                    q.span,
                )
            self.check(q)
            return NUMBER
        if f == "abs":
            self._arity(node, 1, 1)
            self.expect(a[0], NUMBER)
            return NUMBER
        if f in ("year", "month"):
            self._arity(node, 1, 1)
            self.expect(a[0], DATE)
            return NUMBER
        if f == "date":
            self._arity(node, 3, 3)
            for arg in a:
                self.expect(arg, NUMBER)
            return DATE
        if f in ("add_years", "add_days"):
            self._arity(node, 2, 2)
            self.expect(a[0], DATE)
            self.expect(a[1], NUMBER)
            return DATE
        if f == "years_between":
            self._arity(node, 2, 2)
            self.expect(a[0], DATE)
            self.expect(a[1], DATE)
            return NUMBER
        if f == "known":
            self._arity(node, 1, 1)
            self.check(a[0])
            return BOOL
        if f == "coalesce":
            self._arity(node, 2, 2)
            first = self.check(a[0])
            self.expect(a[1], first)
            return first
        raise AssertionError(f)


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
