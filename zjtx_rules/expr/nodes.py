"""Syntax tree of rule expressions; every node carries its span in the source text.

Spans are character offsets into the expression string (0-based, end exclusive); the loader
turns them into 1-based file columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar, cast

Span = tuple[int, int]


@dataclass(eq=False, slots=True)
class Node:
    span: Span
    # filled by the type checker: the static type, and for names what they refer to
    ty: Any = field(default=None, init=False, repr=False)


@dataclass(eq=False, slots=True)
class Num(Node):
    value: Decimal


@dataclass(eq=False, slots=True)
class Str(Node):
    value: str


@dataclass(eq=False, slots=True)
class Bool(Node):
    value: bool


@dataclass(eq=False, slots=True)
class DateLit(Node):
    value: date


@dataclass(eq=False, slots=True)
class ListLit(Node):
    items: list[Node]


@dataclass(eq=False, slots=True)
class Name(Node):
    name: str
    kind: str = field(default="", init=False)  # fact|param|table|derived|measure|local|builtin


@dataclass(eq=False, slots=True)
class Field(Node):
    obj: Node
    name: str


@dataclass(eq=False, slots=True)
class Unary(Node):
    op: str
    operand: Node


@dataclass(eq=False, slots=True)
class Binary(Node):
    op: str
    left: Node
    right: Node


@dataclass(eq=False, slots=True)
class If(Node):
    cond: Node
    then: Node
    orelse: Node


@dataclass(eq=False, slots=True)
class Lambda(Node):
    params: list[str]
    body: Node


@dataclass(eq=False, slots=True)
class Call(Node):
    func: str
    func_span: Span
    args: list[Node]


R = TypeVar("R")
LiteralNode = Num | Str | Bool | DateLit

# The method a visitor runs for each node class (exact classes: the tree has no subclasses).
_METHODS: dict[type[Node], str] = {
    Num: "visit_num",
    Str: "visit_str",
    Bool: "visit_bool",
    DateLit: "visit_date",
    ListLit: "visit_list",
    Name: "visit_name",
    Field: "visit_field",
    Unary: "visit_unary",
    Binary: "visit_binary",
    If: "visit_if",
    Lambda: "visit_lambda",
    Call: "visit_call",
}


class Visitor(Generic[R]):
    """A walk over the tree that does one thing per node type: ``visit`` runs the
    ``visit_<type>`` method of the node's class.

    Why: the checker, the code generator, the interpreter and the printer each dispatched on
    the same dozen classes with a chain of ``isinstance`` tests. Here the dispatch is written
    once, as a table built per subclass (so an override is looked up once, not per node).
    Literals go to ``visit_literal`` unless a walker tells them apart; a node a walker does not
    handle goes to ``generic_visit``, which raises ``AssertionError`` as the chains did.
    """

    _table: ClassVar[dict[type[Node], Callable[[Any, Any], Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._table = {t: getattr(cls, name) for t, name in _METHODS.items()}

    def visit(self, node: Node) -> R:
        method = self._table.get(type(node))
        return self.generic_visit(node) if method is None else cast(R, method(self, node))

    def generic_visit(self, node: Node) -> R:
        raise AssertionError(type(node))

    def visit_literal(self, node: LiteralNode) -> R:
        return self.generic_visit(node)

    def visit_num(self, node: Num) -> R:
        return self.visit_literal(node)

    def visit_str(self, node: Str) -> R:
        return self.visit_literal(node)

    def visit_bool(self, node: Bool) -> R:
        return self.visit_literal(node)

    def visit_date(self, node: DateLit) -> R:
        return self.visit_literal(node)

    def visit_list(self, node: ListLit) -> R:
        return self.generic_visit(node)

    def visit_name(self, node: Name) -> R:
        return self.generic_visit(node)

    def visit_field(self, node: Field) -> R:
        return self.generic_visit(node)

    def visit_unary(self, node: Unary) -> R:
        return self.generic_visit(node)

    def visit_binary(self, node: Binary) -> R:
        return self.generic_visit(node)

    def visit_if(self, node: If) -> R:
        return self.generic_visit(node)

    def visit_lambda(self, node: Lambda) -> R:
        return self.generic_visit(node)

    def visit_call(self, node: Call) -> R:
        return self.generic_visit(node)


def walk(node: Node) -> list[Node]:
    """Every node of the tree, parents before children."""
    out: list[Node] = []
    stack = [node]
    while stack:
        cur = stack.pop()
        out.append(cur)
        stack.extend(reversed(children(cur)))
    return out


class _Children(Visitor[list[Node]]):
    def generic_visit(self, node: Node) -> list[Node]:
        return []  # literals and names are leaves

    def visit_list(self, node: ListLit) -> list[Node]:
        return list(node.items)

    def visit_field(self, node: Field) -> list[Node]:
        return [node.obj]

    def visit_unary(self, node: Unary) -> list[Node]:
        return [node.operand]

    def visit_binary(self, node: Binary) -> list[Node]:
        return [node.left, node.right]

    def visit_if(self, node: If) -> list[Node]:
        return [node.cond, node.then, node.orelse]

    def visit_lambda(self, node: Lambda) -> list[Node]:
        return [node.body]

    def visit_call(self, node: Call) -> list[Node]:
        return list(node.args)


_CHILDREN = _Children()


def children(node: Node) -> list[Node]:
    """The node's direct subtrees, in source order."""
    return _CHILDREN.visit(node)
