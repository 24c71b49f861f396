from __future__ import annotations

import pytest

from zjtx_rules.expr.nodes import Binary, Call, DateLit, Field, If, Lambda, ListLit, Unary
from zjtx_rules.expr.parser import MAX_DEPTH, ExprError, parse


def test_precedence_multiplication_binds_tighter() -> None:
    node = parse("1 + 2 * 3")
    assert isinstance(node, Binary) and node.op == "+"
    assert isinstance(node.right, Binary) and node.right.op == "*"


def test_and_binds_tighter_than_or() -> None:
    node = parse("p or q and p")
    assert isinstance(node, Binary) and node.op == "or"


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">=", "in", "not in"])
def test_comparison_operators(op: str) -> None:
    node = parse(f"a {op} b")
    assert isinstance(node, Binary) and node.op == op


def test_date_literal_and_if_and_lambda_and_field() -> None:
    assert isinstance(parse("2024-02-29"), DateLit)
    assert isinstance(parse("if p then 1 else 2"), If)
    call = parse("any(items, i -> i.amount > 0)")
    assert isinstance(call, Call) and isinstance(call.args[1], Lambda)
    assert isinstance(parse("x.y.z"), Field)
    assert isinstance(parse("[1, 2]"), ListLit)
    assert isinstance(parse("not -a > 1"), Unary)


def test_spans_point_into_the_text() -> None:
    text = "revenue >= 10_000_000"
    node = parse(text)
    assert isinstance(node, Binary)
    assert text[node.left.span[0] : node.left.span[1]] == "revenue"


@pytest.mark.parametrize(
    ("text", "code", "start"),
    [
        ("a >", "E112", 3),
        ("a = 1", "E111", 2),
        ("1 < 2 < 3", "E112", 6),
        ("(a", "E112", 2),
        ("2024-13-01", "E115", 0),
        ("1" * 40, "E114", 0),
        ("a" * 5000, "E110", 0),
        ("'" + "x" * 600 + "'", "E114", 0),
    ],
)
def test_syntax_errors_have_code_and_position(text: str, code: str, start: int) -> None:
    with pytest.raises(ExprError) as info:
        parse(text)
    assert info.value.code == code
    assert info.value.span[0] == start


def test_deep_nesting_fails_fast_with_an_error() -> None:
    with pytest.raises(ExprError) as info:
        parse("(" * (MAX_DEPTH + 5) + "1" + ")" * (MAX_DEPTH + 5))
    assert info.value.code == "E113"
    with pytest.raises(ExprError):
        parse("not " * 500 + "p")
    with pytest.raises(ExprError):
        parse("-" * 500 + "1")
