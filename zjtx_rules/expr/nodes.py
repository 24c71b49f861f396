"""Syntax tree of rule expressions; every node carries its span in the source text.

Spans are character offsets into the expression string (0-based, end exclusive); the loader
turns them into 1-based file columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

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


def walk(node: Node) -> list[Node]:
    """Every node of the tree, parents before children."""
    out: list[Node] = []
    stack = [node]
    while stack:
        cur = stack.pop()
        out.append(cur)
        stack.extend(reversed(children(cur)))
    return out


def children(node: Node) -> list[Node]:
    if isinstance(node, ListLit):
        return list(node.items)
    if isinstance(node, Field):
        return [node.obj]
    if isinstance(node, Unary):
        return [node.operand]
    if isinstance(node, Binary):
        return [node.left, node.right]
    if isinstance(node, If):
        return [node.cond, node.then, node.orelse]
    if isinstance(node, Lambda):
        return [node.body]
    if isinstance(node, Call):
        return list(node.args)
    return []
