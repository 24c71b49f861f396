"""The expression printer: what it prints parses back to the same tree, short or broken."""

from __future__ import annotations

import pytest
from hypothesis import given, seed, settings

from tests.conftest import BUNDLED
from tests.test_expr_compile import _bool, _num
from zjtx_rules.expr.nodes import Node
from zjtx_rules.expr.parser import parse
from zjtx_rules.expr.pretty import flat, pretty
from zjtx_rules.render.package_view import load_view


def _shape(node: Node) -> str:
    """The tree with every grouping explicit, to compare trees without spans."""
    return repr(_tree(node))


def _tree(node: Node) -> object:
    from dataclasses import fields

    out: list[object] = [type(node).__name__]
    for f in fields(node):
        if f.name in ("span", "ty", "func_span", "kind"):
            continue
        v = getattr(node, f.name)
        if isinstance(v, Node):
            out.append(_tree(v))
        elif isinstance(v, list):
            out.append([_tree(x) if isinstance(x, Node) else x for x in v])
        else:
            out.append(v)
    return out


def _bundled_expressions() -> list[str]:
    view = load_view(BUNDLED)
    texts = [d.expr for d in view.derived.values()]
    for m in view.measures.values():
        texts += [c.expr for c in m.conditions] + [o.expr for o in m.outputs.values()]
    return texts


@pytest.mark.parametrize("text", _bundled_expressions())
def test_every_bundled_expression_round_trips(text: str) -> None:
    tree = parse(text)
    for width in (20, 40, 72, 1000):
        assert _shape(parse(pretty(tree, width))) == _shape(tree)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("(a + b) * c", "(a + b) * c"),
        ("a - (b - c)", "a - (b - c)"),
        ("a - b - c", "a - b - c"),
        ("not (p and q)", "not (p and q)"),
        ("-(a + b)", "-(a + b)"),
        ("(if p then a else b) + 1", "(if p then a else b) + 1"),
        ("p and (q or r)", "p and (q or r)"),
        ("(p and q) or r", "p and q or r"),
        ('x == "a \\"b\\""', 'x == "a \\"b\\""'),
        ("map(xs, (a, b) -> a + b)", "map(xs, (a, b) -> a + b)"),
    ],
)
def test_parentheses_only_where_precedence_needs_them(text: str, shown: str) -> None:
    assert flat(parse(text)) == shown


def test_long_expressions_break_at_logical_operators() -> None:
    text = " and ".join(f"condition_number_{i} >= threshold_{i}" for i in range(4))
    lines = pretty(parse(text), 50).splitlines()
    assert len(lines) == 4 and all(line.startswith("and ") for line in lines[1:])


@seed(20240506)
@settings(max_examples=200, deadline=None)
@given(_num(3), _bool(3))
def test_random_expressions_round_trip(num: str, cond: str) -> None:
    for text in (num, cond):
        tree = parse(text)
        assert _shape(parse(pretty(tree, 24))) == _shape(tree)
        assert _shape(parse(flat(tree))) == _shape(tree)
