"""Literal sense checks: a comparison of a fact with a number its declared bounds rule out.

``sci_staff_ratio >= 3`` when the ratio is declared below 1 is never true: almost always a
percentage written where a ratio was meant (``0.03``). Such a condition cannot be caught by a
case that does not think of it, so the loader refuses it, naming the likely scale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from zjtx_rules.display import shown
from zjtx_rules.expr.nodes import Binary, Name, Node, Num, walk
from zjtx_rules.package.spec import FieldSpec

_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}
_SCALES = (Decimal("0.01"), Decimal("0.001"), Decimal(100), Decimal(10_000))


@dataclass(frozen=True)
class Constant:
    """A comparison whose outcome the fact's bounds fix: where, which way, and a better literal."""

    span: tuple[int, int]
    always: bool
    fact: str
    bounds: str
    suggestion: Decimal | None


def outcome(op: str, c: Decimal, spec: FieldSpec) -> bool | None:
    """True or False when ``fact op c`` is decided by the bounds alone; None when it is not."""
    lo, below, top = spec.min, spec.below, spec.max

    def above_all(strict: bool) -> bool:  # c beyond every allowed value (or at the top, strict)
        if top is not None:
            return c > top or (strict and c == top)
        return below is not None and c >= below

    def under_all(strict: bool) -> bool:
        return lo is not None and (c < lo or (strict and c == lo))

    if op == ">=":
        return False if above_all(strict=False) else True if under_all(strict=True) else None
    if op == ">":
        return False if above_all(strict=True) else True if under_all(strict=False) else None
    if op == "<=":
        return False if under_all(strict=False) else True if above_all(strict=True) else None
    if op == "<":
        return False if under_all(strict=True) else True if above_all(strict=False) else None
    if op == "==":
        return False if under_all(strict=False) or above_all(strict=False) else None
    if op == "!=":
        return True if under_all(strict=False) or above_all(strict=False) else None
    return None


def constant_comparisons(node: Node, fact_spec: Callable[[str], FieldSpec | None]) -> Iterator[Constant]:
    """Every ``fact OP number`` (either side) in ``node`` that the fact's bounds decide."""
    for n in walk(node):
        if not isinstance(n, Binary) or n.op not in _FLIP:
            continue
        if isinstance(n.left, Name) and isinstance(n.right, Num):
            found = judge(n.left, n.op, n.right, fact_spec, n.span)
        elif isinstance(n.right, Name) and isinstance(n.left, Num):
            found = judge(n.right, _FLIP[n.op], n.left, fact_spec, n.span)
        else:
            continue
        if found is not None:
            yield found


def judge(
    name: Node, op: str, literal: Node, fact_spec: Callable[[str], FieldSpec | None], span: tuple[int, int]
) -> Constant | None:
    """``name op literal`` when ``name`` is a numeric fact and the bounds decide it, else None.
    A tier criterion's ``actual``/``op``/``required`` is judged the same way."""
    if not (isinstance(name, Name) and isinstance(literal, Num) and name.kind == "fact"):
        return None
    spec = fact_spec(name.name)
    if spec is None or spec.type not in ("int", "decimal", "money", "ratio"):
        return None
    c = literal.value
    result = outcome(op, c, spec)
    if result is None:
        return None
    better = next((c * k for k in _SCALES if outcome(op, c * k, spec) is None), None)
    return Constant(span, result, name.name, bounds_text(spec), better)


def bounds_text(spec: FieldSpec) -> str:
    lo = shown(spec.min) if spec.min is not None else "…"
    if spec.max is not None:
        return f"{lo} ≤ x ≤ {shown(spec.max)}"
    return f"{lo} ≤ x < {shown(spec.below)}" if spec.below is not None else f"x ≥ {lo}"
