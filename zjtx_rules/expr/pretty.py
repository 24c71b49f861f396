"""Printing expression trees back as text: on one line, or broken over lines for reading.

The rules document shows every condition and formula beneath its sentence; a 600-character
expression on one line cannot be reviewed. ``pretty`` keeps short expressions on one line and
breaks long ones at ``and``/``or``, call arguments, ``if``/``then``/``else`` and lambdas,
adding only the parentheses precedence needs. Its output parses back to the same tree (a
property the tests check on every expression of the bundled package).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

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

INDENT = "    "
_BINARY_PREC = {
    "or": 1,
    "and": 2,
    "==": 4,
    "!=": 4,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "in": 4,
    "not in": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
}
_ATOM = 8


def precedence(node: Node) -> int:
    if isinstance(node, If):
        return 0
    if isinstance(node, Binary):
        return _BINARY_PREC[node.op]
    if isinstance(node, Unary):
        return 3 if node.op == "not" else 7
    return _ATOM


def literal(value: object) -> str:
    """A value as the expression language writes it (numbers exactly, strings quoted)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return str(value)


def _child_bounds(node: Node) -> list[tuple[Node, int]]:
    """Each child with the lowest precedence it may have without parentheses."""
    if isinstance(node, Binary):
        p = _BINARY_PREC[node.op]
        if p == 4:  # comparisons do not chain: both sides are sums
            return [(node.left, 5), (node.right, 5)]
        return [(node.left, p), (node.right, p + 1)]
    if isinstance(node, Unary):
        return [(node.operand, 3 if node.op == "not" else 7)]
    if isinstance(node, Field):
        return [(node.obj, _ATOM)]
    return []


class _Flat(Visitor[str]):
    def visit_literal(self, node: LiteralNode) -> str:
        return literal(node.value)

    def visit_name(self, node: Name) -> str:
        return node.name

    def visit_list(self, node: ListLit) -> str:
        return "[" + ", ".join(flat(i) for i in node.items) + "]"

    def visit_field(self, node: Field) -> str:
        return f"{_wrap_flat(node.obj, _ATOM)}.{node.name}"

    def visit_unary(self, node: Unary) -> str:
        ((operand, bound),) = _child_bounds(node)
        sep = " " if node.op == "not" else ""
        return f"{node.op}{sep}{_wrap_flat(operand, bound)}"

    def visit_binary(self, node: Binary) -> str:
        (left, lb), (right, rb) = _child_bounds(node)
        return f"{_wrap_flat(left, lb)} {node.op} {_wrap_flat(right, rb)}"

    def visit_if(self, node: If) -> str:
        return f"if {flat(node.cond)} then {flat(node.then)} else {flat(node.orelse)}"

    def visit_lambda(self, node: Lambda) -> str:
        return f"{_params(node)} -> {flat(node.body)}"

    def visit_call(self, node: Call) -> str:
        return f"{node.func}(" + ", ".join(flat(a) for a in node.args) + ")"


_FLAT = _Flat()


def flat(node: Node) -> str:
    """The expression on one line."""
    return _FLAT.visit(node)


def _params(node: Lambda) -> str:
    return node.params[0] if len(node.params) == 1 else "(" + ", ".join(node.params) + ")"


def _wrap_flat(node: Node, bound: int) -> str:
    text = flat(node)
    return f"({text})" if precedence(node) < bound else text


def pretty(node: Node, width: int = 72) -> str:
    """The expression broken over lines so that each line fits ``width`` where it can."""
    return "\n".join(_lines(node, width))


def _lines(node: Node, width: int) -> list[str]:
    one = flat(node)
    if len(one) <= width:
        return [one]
    return _Lines(width).visit(node)


class _Lines(Visitor[list[str]]):
    """An expression too long for ``width``, broken where its kind of node allows."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.inner = max(20, width - len(INDENT))

    def generic_visit(self, node: Node) -> list[str]:
        return [flat(node)]  # literals and names cannot be broken

    def visit_binary(self, node: Binary) -> list[str]:
        if node.op in ("and", "or"):
            operands = _chain(node, node.op)
            bound = _BINARY_PREC[node.op]
            out = _wrapped(operands[0], bound, self.width)
            for operand in operands[1:]:
                # the chain is left-nested: later operands are right children, one level tighter
                sub = _wrapped(operand, bound + 1, self.width - 4)
                out.append(f"{node.op} {sub[0]}")
                out.extend(INDENT + line for line in sub[1:])
            return out
        (left, lb), (right, rb) = _child_bounds(node)
        out = _wrapped(left, lb, self.width)
        sub = _wrapped(right, rb, self.inner)
        out.append(f"{INDENT}{node.op} {sub[0]}")
        out.extend(INDENT + line for line in sub[1:])
        return out

    def visit_if(self, node: If) -> list[str]:
        out = []
        for word, part in (("if", node.cond), ("then", node.then), ("else", node.orelse)):
            sub = _lines(part, self.inner)
            if len(sub) == 1:
                out.append(f"{word} {sub[0]}")
            else:
                out.append(word)
                out.extend(INDENT + line for line in sub)
        return out

    def visit_call(self, node: Call) -> list[str]:
        return self._bracketed(f"{node.func}(", node.args, ")")

    def visit_list(self, node: ListLit) -> list[str]:
        return self._bracketed("[", node.items, "]")

    def _bracketed(self, opening: str, items: list[Node], closing: str) -> list[str]:
        out = [opening]
        for i, arg in enumerate(items):
            sub = _lines(arg, self.inner)
            comma = "," if i < len(items) - 1 else ""
            out.extend(INDENT + line for line in sub[:-1])
            out.append(INDENT + sub[-1] + comma)
        out.append(closing)
        return out

    def visit_lambda(self, node: Lambda) -> list[str]:
        params = _params(node)
        sub = _lines(node.body, self.inner)
        if isinstance(node.body, Call | ListLit):  # the bracket carries the indentation
            return [f"{params} -> {sub[0]}", *sub[1:]]
        return [f"{params} ->", *(INDENT + line for line in sub)]

    def visit_unary(self, node: Unary) -> list[str]:
        ((operand, bound),) = _child_bounds(node)
        sub = _wrapped(operand, bound, self.width - 4)
        sep = " " if node.op == "not" else ""
        return [f"{node.op}{sep}{sub[0]}", *sub[1:]]

    def visit_field(self, node: Field) -> list[str]:
        sub = _wrapped(node.obj, _ATOM, self.width)
        return [*sub[:-1], f"{sub[-1]}.{node.name}"]


def _wrapped(node: Node, bound: int, width: int) -> list[str]:
    if precedence(node) >= bound:
        return _lines(node, width)
    sub = _lines(node, width - 2)
    if len(sub) == 1:
        return [f"({sub[0]})"]
    return ["(", *(INDENT + line for line in sub), ")"]


def _chain(node: Node, op: str) -> list[Node]:
    """``a and b and c`` (parsed as ``(a and b) and c``) as its operands in order."""
    if isinstance(node, Binary) and node.op == op:
        return [*_chain(node.left, op), node.right]
    return [node]
