from __future__ import annotations

import pytest

from tests.conftest import scope
from zjtx_rules.expr.check import check
from zjtx_rules.expr.parser import ExprError, parse
from zjtx_rules.expr.types import BOOL, NUMBER


def err(text: str) -> ExprError:
    with pytest.raises(ExprError) as info:
        check(parse(text), scope())
    return info.value


def test_types_of_well_formed_expressions() -> None:
    assert check(parse("a + b * k"), scope()) == NUMBER
    assert check(parse("p and a > 1"), scope()) == BOOL
    assert check(parse("sum(items, i -> i.amount)"), scope()) == NUMBER


def test_unknown_name_suggests_the_close_one() -> None:
    e = err("itemz")
    assert e.code == "E203"
    assert "items" in e.hint_en


def test_unknown_field_and_function() -> None:
    assert err("any(items, i -> i.amout > 0)").code == "E204"
    assert err("summ(xs)").code == "E206"


@pytest.mark.parametrize(
    "text",
    [
        "a + p",
        "p and a",
        "if a then 1 else 2",
        "if p then 1 else true",
        "d > 1",
        "[1, true]",
        "s in xs",
        "xs == xs",
        "-p",
        "not a",
    ],
)
def test_type_mismatch_names_the_types(text: str) -> None:
    e = err(text)
    assert e.code == "E301"
    assert "expected" in e.message_en and "got" in e.message_en


def test_enum_literal_outside_choices_is_caught() -> None:
    e = err('color == "rde"')
    assert e.code == "E205"
    assert "red" in e.hint_en


def test_arity_and_precision_and_misplaced_lambda() -> None:
    assert err("get(m, 1)").code == "E303"
    assert err("round_half_up(a, k)").code == "E304"
    assert err("sum(xs, x -> x, 1)").code == "E303"
    assert err("any(items, true)").code == "E302"
