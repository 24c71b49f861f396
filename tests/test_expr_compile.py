"""Every operator and function, Kleene truth tables, and compiled-vs-interpreted agreement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import _Tables, run, scope
from zjtx_rules.expr.check import check
from zjtx_rules.expr.compile import Env, compile_expr
from zjtx_rules.expr.interpret import interpret
from zjtx_rules.expr.parser import parse
from zjtx_rules.expr.values import CONTEXT, UNKNOWN

D = Decimal
ITEMS = [
    {"code": "x", "amount": D("10"), "when": date(2023, 1, 1)},
    {"code": "y", "amount": D("30"), "when": date(2024, 1, 1)},
    {"code": "z", "amount": D("20")},
]
FACTS = {
    "a": D("7"),
    "b": D("2"),
    "p": True,
    "q": False,
    "d": date(2024, 2, 29),
    "s": "red",
    "color": "red",
    "xs": [D(3), D(1), D(2)],
    "items": ITEMS,
    "m": {2024: D("5")},
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a + b", D(9)),
        ("a - b", D(5)),
        ("a * b", D(14)),
        ("a / b", D("3.5")),
        ("-a", D(-7)),
        ("a / 0", UNKNOWN),
        ("a == 7", True),
        ("a != 7", False),
        ("a < b", False),
        ("a <= 7", True),
        ("a > b", True),
        ("a >= 8", False),
        ('s in ["red", "blue"]', True),
        ('s not in ["red"]', False),
        ("if a > b then 1 else 2", D(1)),
        ("min(a, b, 5)", D(2)),
        ("max(xs)", D(3)),
        ("min(d, 2024-01-01)", date(2024, 1, 1)),
        ("sum(xs)", D(6)),
        ("sum(items, i -> i.amount)", D(60)),
        ("count(xs)", D(3)),
        ("count(items, i -> i.amount > 15)", D(2)),
        ("any(xs, x -> x > 2)", True),
        ("all(xs, x -> x > 2)", False),
        ("map(filter(xs, x -> x > 1), x -> x * 2)", [D(6), D(4)]),
        ("map(top_n(items, 2, i -> i.amount, i -> i.code), i -> i.code)", ["y", "z"]),
        ("range(2022, 2025)", [D(2022), D(2023), D(2024)]),
        ("to_map(xs, x -> x, x -> x * 10)", {D(3): D(30), D(1): D(10), D(2): D(20)}),
        ("get(m, 2024, 0)", D(5)),
        ("get(m, 2023, 0)", D(0)),
        ("has(m, 2024)", True),
        ("keys(m)", [2024]),
        ("values(m)", [D(5)]),
        ("round_half_up(2.345, 0.01)", D("2.35")),
        ("round_half_up(2.335, 0.01)", D("2.34")),
        ("round_down(2.349, 0.01)", D("2.34")),
        ("abs(0 - a)", D(7)),
        ("year(d)", D(2024)),
        ("month(d)", D(2)),
        ("date(2024, 3, 1)", date(2024, 3, 1)),
        ("add_years(d, 1)", date(2025, 2, 28)),
        ("add_days(d, 1)", date(2024, 3, 1)),
        ("years_between(2020-03-01, d)", D(3)),
        ("known(a)", True),
        ("coalesce(a, 1)", D(7)),
        ("as_of", date(2024, 5, 6)),
        ("k * 2", D(4)),
        ("any(items, i -> i.when > 2023-06-01)", True),
        ("all(items, i -> i.when > 2022-06-01)", UNKNOWN),
    ],
)
def test_operator_and_function(text: str, expected: Any) -> None:
    assert run(text, FACTS) == expected if expected is not UNKNOWN else run(text, FACTS) is UNKNOWN


T, F, U = True, False, UNKNOWN
KLEENE_AND = [
    (T, T, T),
    (T, F, F),
    (T, U, U),
    (F, T, F),
    (F, F, F),
    (F, U, F),
    (U, T, U),
    (U, F, F),
    (U, U, U),
]
KLEENE_OR = [
    (T, T, T),
    (T, F, T),
    (T, U, T),
    (F, T, T),
    (F, F, F),
    (F, U, U),
    (U, T, T),
    (U, F, U),
    (U, U, U),
]


def _facts(x: Any, y: Any) -> dict[str, Any]:
    return {k: v for k, v in (("p", x), ("q", y)) if v is not UNKNOWN}


@pytest.mark.parametrize(("x", "y", "want"), KLEENE_AND)
def test_and_truth_table(x: Any, y: Any, want: Any) -> None:
    assert run("p and q", _facts(x, y)) is want


@pytest.mark.parametrize(("x", "y", "want"), KLEENE_OR)
def test_or_truth_table(x: Any, y: Any, want: Any) -> None:
    assert run("p or q", _facts(x, y)) is want


@pytest.mark.parametrize(("x", "want"), [(T, F), (F, T), (U, U)])
def test_not_truth_table(x: Any, want: Any) -> None:
    assert run("not p", _facts(x, U)) is want


def test_missing_facts_are_recorded_only_where_read() -> None:
    node = parse("p and a > 1")
    check(node, scope())
    env = Env({"p": False}, {}, date(2024, 1, 1), _Tables())
    assert compile_expr(node)(env) is False
    env2 = Env({"p": True}, {}, date(2024, 1, 1), _Tables())
    assert compile_expr(node)(env2) is UNKNOWN
    assert set(env2.missing) == {"a"}


def test_coalesce_does_not_report_what_it_settles() -> None:
    node = parse("coalesce(a, 1) > 0")
    check(node, scope())
    env = Env({}, {}, date(2024, 1, 1), _Tables())
    assert compile_expr(node)(env) is True
    assert env.missing == []


# --- compiled closures agree with the tree-walking interpreter ------------------------------

NUM_LEAVES = st.sampled_from(["a", "b", "k", "0", "1", "2.5", "year(d)", "sum(xs)"])
BOOL_LEAVES = st.sampled_from(["p", "q", "true", "false"])


def _num(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return NUM_LEAVES
    sub = _num(depth - 1)
    b = _bool(depth - 1)
    return st.one_of(
        NUM_LEAVES,
        st.tuples(sub, st.sampled_from(["+", "-", "*", "/"]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        sub.map(lambda s: f"-({s})"),
        st.tuples(b, sub, sub).map(lambda t: f"(if {t[0]} then {t[1]} else {t[2]})"),
        st.tuples(sub, sub).map(lambda t: f"min({t[0]}, {t[1]})"),
        st.tuples(sub, sub).map(lambda t: f"max({t[0]}, {t[1]})"),
        sub.map(lambda s: f"round_half_up({s}, 0.01)"),
        st.tuples(sub, sub).map(lambda t: f"coalesce({t[0]}, {t[1]})"),
        sub.map(lambda s: f"sum(xs, x -> x * {s})"),
    )


def _bool(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return BOOL_LEAVES
    sub = _bool(depth - 1)
    n = _num(depth - 1)
    return st.one_of(
        BOOL_LEAVES,
        st.tuples(sub, st.sampled_from(["and", "or"]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        sub.map(lambda s: f"not ({s})"),
        st.tuples(n, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), n).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        n.map(lambda s: f"any(xs, x -> x > {s})"),
        n.map(lambda s: f"all(xs, x -> x <= {s})"),
        st.sampled_from(["known(a)", "known(p)"]),
    )


OPTIONAL = st.fixed_dictionaries(
    {},
    optional={
        "a": st.decimals(-1000, 1000, places=2, allow_nan=False, allow_infinity=False),
        "b": st.decimals(-1000, 1000, places=2, allow_nan=False, allow_infinity=False),
        "p": st.booleans(),
        "q": st.booleans(),
        "xs": st.lists(st.integers(-5, 5).map(Decimal), max_size=4),
        "d": st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    },
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(expr=st.one_of(_num(3), _bool(3)), facts=OPTIONAL)
def test_compiled_agrees_with_interpreter(expr: str, facts: dict[str, Any]) -> None:
    node = parse(expr)
    check(node, scope())
    fn = compile_expr(node)
    with localcontext(CONTEXT):
        env_c = Env(dict(facts), {"k": D(2)}, date(2024, 1, 1), _Tables())
        env_i = Env(dict(facts), {"k": D(2)}, date(2024, 1, 1), _Tables())
        got_c, got_i = fn(env_c), interpret(node, env_i)
    assert (got_c is UNKNOWN) == (got_i is UNKNOWN)
    if got_c is not UNKNOWN:
        assert got_c == got_i
    assert set(env_c.missing) == set(env_i.missing)


def test_a_runaway_expression_ends_on_the_work_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from zjtx_rules.expr import values as V

    monkeypatch.setattr(V, "MAX_STEPS", 5000)
    nested = "sum(range(0, 1000), i -> sum(range(0, 1000), j -> sum(range(0, 1000), k -> 1)))"
    with pytest.raises(V.WorkLimitError, match="work budget exceeded"):
        run(nested)
    assert run("sum(range(0, 30), i -> sum(range(0, 30), j -> 1))") == 900  # 1,860 steps: fine


def test_the_engine_reports_a_runaway_as_an_evaluation_error(tmp_path: Path) -> None:
    import shutil

    import zjtx_rules
    from tests.conftest import MINI

    pkg = tmp_path / "pkg"
    shutil.copytree(MINI, pkg)
    (pkg / "derived.toml").write_text(
        '[derived.big]\nexpr = "revenue >= threshold and '
        'sum(range(0, 1000), i -> sum(range(0, 1000), j -> sum(range(0, 1000), k -> 1))) > 0"\n',
        encoding="utf-8",
    )
    rules = zjtx_rules.load_rules(pkg)
    with pytest.raises(zjtx_rules.EvaluationError) as info:
        rules.evaluate({"id": "a", "registered": True, "revenue": "1500", "tier": "none"}, "2022-06-01")
    assert info.value.where == "grant" and "work budget" in info.value.detail
