"""The builtins registry: every entry is complete, the checker's arity and type errors come
from its signature, and generated code, interpreter and implementation agree on it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, scope
from tests.test_expr_codegen import FACTS, _run
from zjtx_rules.expr import values
from zjtx_rules.expr.builtins import IMPLEMENTATIONS, REGISTRY, Builtin
from zjtx_rules.expr.builtins.signature import Function, Items, Value
from zjtx_rules.expr.check import Checker, check
from zjtx_rules.expr.codegen import HELPERS
from zjtx_rules.expr.compile import Env, compile_expr
from zjtx_rules.expr.interpret import _Interpreter, interpret
from zjtx_rules.expr.nodes import Call, Lambda, Node
from zjtx_rules.expr.parser import ExprError, parse
from zjtx_rules.expr.types import BOOL, Ty

# Well-typed calls of every builtin in the scope of ``conftest.scope``, the longest first.
SAMPLES: dict[str, list[str]] = {
    "min": ["min(a, b, k)", "min(xs)", "min(d, as_of)"],
    "max": ["max(a, b, k)", "max(xs)", "max(d, as_of)"],
    "sum": ["sum(items, i -> i.amount)", "sum(xs)"],
    "count": ["count(xs, x -> x > 0)", "count(items)"],
    "any": ["any(items, i -> i.amount > a)"],
    "all": ["all(xs, x -> x > 1)"],
    "filter": ["filter(xs, x -> x > 0)"],
    "map": ["map(items, i -> i.when)"],
    "top_n": ["top_n(items, k, i -> i.amount, i -> i.code)", "top_n(items, a, i -> i.amount)"],
    "range": ["range(a, b)"],
    "to_map": ["to_map(items, i -> i.code, i -> i.amount)"],
    "get": ["get(m, a, b)"],
    "has": ["has(m, a)"],
    "keys": ["keys(m)"],
    "values": ["values(m)"],
    "round_half_up": ["round_half_up(a, 0.1)"],
    "round_down": ["round_down(a, 10)"],
    "abs": ["abs(a)"],
    "year": ["year(d)"],
    "month": ["month(d)"],
    "date": ["date(year(d), month(d), 1)"],
    "add_years": ["add_years(d, a)"],
    "add_days": ["add_days(d, a)"],
    "years_between": ["years_between(d, as_of)"],
    "known": ["known(a)"],
    "coalesce": ["coalesce(a, b)"],
}


def _err(text: str) -> ExprError:
    with pytest.raises(ExprError) as info:
        check(parse(text), scope())
    return info.value


def _call(text: str) -> Call:
    node = parse(text)
    assert isinstance(node, Call)
    return node


# --- every entry is complete ------------------------------------------------------------------


def test_every_builtin_has_a_sample_here() -> None:
    assert list(SAMPLES) == list(REGISTRY)


@pytest.mark.parametrize("builtin", REGISTRY.values(), ids=list(REGISTRY))
def test_every_builtin_has_a_signature_an_implementation_and_docs(builtin: Builtin) -> None:
    assert REGISTRY[builtin.name] is builtin
    lo, hi = builtin.arity
    assert 0 <= lo <= len(builtin.params) and lo <= hi
    assert hi == len(builtin.params) or builtin.rest is not None
    assert callable(builtin.impl)
    assert IMPLEMENTATIONS[builtin.name] is builtin.impl
    assert HELPERS[f"fn_{builtin.name}"] is builtin.impl  # what generated code calls
    assert builtin.doc_zh and builtin.doc_en and "\n" not in builtin.doc_zh + builtin.doc_en
    for param in builtin.params:
        assert isinstance(param, Value | Items | Function)
    # a function argument goes through the list that is the first argument
    if any(isinstance(p, Function) for p in builtin.params):
        assert isinstance(builtin.params[0], Items)


def test_values_builtins_is_derived_from_the_registry() -> None:
    assert values.BUILTINS is IMPLEMENTATIONS
    assert list(values.BUILTINS) == list(REGISTRY)
    with pytest.raises(AttributeError):
        _ = values.NO_SUCH_THING  # type: ignore[attr-defined]


def test_the_rule_authors_guide_lists_exactly_the_registry() -> None:
    """rules/README.md names every function in registry order, in its Chinese and its
    English list and in its table of functions (first column)."""
    text = (ROOT / "rules" / "README.md").read_text("utf-8")
    for label in ("函数：", "Functions: "):
        found = re.search(rf"^- {label}`([^`]*)`", text, re.MULTILINE)
        assert found is not None, label
        assert found.group(1).split() == list(REGISTRY)
    table = re.findall(r"^\| `([a-z_]+)` \| `[a-z_]+\(", text, re.MULTILINE)
    assert table == list(REGISTRY)


# --- the checker's errors come from the signatures --------------------------------------------


@pytest.mark.parametrize("builtin", REGISTRY.values(), ids=list(REGISTRY))
def test_wrong_arity_is_e303_from_the_signature(builtin: Builtin) -> None:
    lo, hi = builtin.arity
    want = str(lo) if lo == hi else f"{lo}-{hi}"
    for n in {hi + 1, *([lo - 1] if lo > 0 else [])}:
        text = f"{builtin.name}(" + ", ".join(["1"] * n) + ")"
        e = _err(text)
        assert (e.code, e.name, e.span) == ("E303", "wrong-arity", (0, len(text)))
        assert e.message_zh == f"{builtin.name} 需要 {want} 个参数，实际 {n} 个"
        assert e.message_en == f"{builtin.name} takes {want} argument(s); got {n}"


def _arg_type(arg: Node) -> Ty:
    ty = arg.body.ty if isinstance(arg, Lambda) else arg.ty
    assert isinstance(ty, Ty)
    return ty


@pytest.mark.parametrize("builtin", REGISTRY.values(), ids=list(REGISTRY))
def test_samples_check_to_the_declared_result(builtin: Builtin) -> None:
    for text in SAMPLES[builtin.name]:
        node = _call(text)
        ty = check(node, scope())
        special = builtin.special(Checker(scope()), _call(text)) if builtin.special else None
        want = special or builtin.result_type([_arg_type(a) for a in node.args])
        assert ty == want, text


def _bad_argument(builtin: Builtin, index: int, call: Call) -> tuple[str, str, str] | None:
    """A replacement for argument ``index`` that its parameter refuses, with the error's code
    and English message as the signature says (None: the parameter takes anything)."""
    param = builtin.param(index)
    if isinstance(param, Function):
        return "true", "E302", f"this argument of {builtin.name} must be a function 'x -> ...'"
    if isinstance(param, Items):
        return "true", "E301", f"first argument of {builtin.name}: expected list; got bool"
    if param.literal is not None:
        return "true", "E304", "the rounding precision must be a power of ten"
    if param.kind is not None:
        return "true", "E301", f"expected {param.kind.name}; got bool"
    if param.ty is None:
        return None
    earlier = [_arg_type(a) for a in call.args[:index]]
    want = param.ty if isinstance(param.ty, Ty) else param.ty(earlier)
    bad, got = ('"x"', "string") if want == BOOL else ("true", "bool")
    return bad, "E301", f"expected {want.describe()}; got {got}"


@pytest.mark.parametrize("builtin", REGISTRY.values(), ids=list(REGISTRY))
def test_a_refused_argument_gets_the_error_its_parameter_declares(builtin: Builtin) -> None:
    text = SAMPLES[builtin.name][0]
    good = _call(text)
    check(good, scope())
    for index, arg in enumerate(good.args):
        bad = _bad_argument(builtin, index, good)
        if bad is None:
            continue
        replacement, code, message = bad
        start, end = arg.span
        mutated = text[:start] + replacement + text[end:]
        e = _err(mutated)
        assert e.code == code and e.message_en.startswith(message), (mutated, e)
        assert e.span == (start, start + len(replacement))


# The wording of diagnostics the registry now produces, as the checker wrote them before it
# (generated from the checker of commit 701b905): codes, both languages and spans.
GOLDEN = [
    ("get(m, 1)", "E303", "get 需要 3 个参数，实际 2 个", "get takes 3 argument(s); got 2", (0, 9)),
    ("min()", "E303", "min 需要 1-20 个参数，实际 0 个", "min takes 1-20 argument(s); got 0", (0, 5)),
    (
        "min(s)",
        "E301",
        "min 的第一个参数类型应为 list，实际为 string",
        "first argument of min: expected list; got string",
        (4, 5),
    ),
    (
        "min(items)",
        "E301",
        "类型应为 list[number] or list[date]，实际为 list[record items]",
        "expected list[number] or list[date]; got list[record items]",
        (4, 9),
    ),
    (
        "min(p, q)",
        "E301",
        "类型应为 number or date，实际为 bool",
        "expected number or date; got bool",
        (4, 5),
    ),
    ("min(a, d)", "E301", "类型应为 number，实际为 date", "expected number; got date", (7, 8)),
    (
        "sum(items)",
        "E301",
        "类型应为 list[number]，实际为 list[record items]",
        "expected list[number]; got list[record items]",
        (4, 9),
    ),
    (
        "top_n(items, 2, i -> i.amount, i -> p)",
        "E301",
        "类型应为 number, string or date，实际为 bool",
        "expected number, string or date; got bool",
        (31, 37),
    ),
    (
        "round_half_up(a, 0.02)",
        "E304",
        "舍入精度应为 10 的幂的字面量，如 0.01（分）、1（元）或 100",
        "the rounding precision must be a power of ten written as a literal, such as 0.01 (fen), 1 or 100",
        (17, 21),
    ),
    (
        "any(items, true)",
        "E302",
        "any 的这个参数应为 x -> ... 形式的函数",
        "this argument of any must be a function 'x -> ...'",
        (11, 15),
    ),
    ("any(items, (i, j) -> true)", "E302", "函数只能有一个参数", "a function takes one parameter", (11, 25)),
    (
        "values(xs)",
        "E301",
        "类型应为 map or decision table，实际为 list[number]",
        "expected map or decision table; got list[number]",
        (7, 9),
    ),
    ("has(xs, 1)", "E301", "类型应为 map，实际为 list[number]", "expected map; got list[number]", (4, 6)),
    ("filter(xs, x -> x)", "E301", "类型应为 bool，实际为 number", "expected bool; got number", (16, 17)),
    ("summ(xs)", "E206", "未知的函数 'summ'", "unknown function 'summ'", (0, 4)),
]


@pytest.mark.parametrize(("text", "code", "zh", "en", "span"), GOLDEN)
def test_diagnostics_keep_their_wording(
    text: str, code: str, zh: str, en: str, span: tuple[int, int]
) -> None:
    e = _err(text)
    assert (e.code, e.message_zh, e.message_en, e.span) == (code, zh, en, span)


# --- generated code, interpreter and implementation agree --------------------------------------

SAMPLE_CALLS = [text for texts in SAMPLES.values() for text in texts]


def _by_implementation(node: Call, env: Env) -> Any:
    """The registry's implementation called on the arguments, each evaluated by the
    interpreter (functions as callables): what both evaluators must give."""
    return REGISTRY[node.func].impl(*_Interpreter(env).arguments(node))


def _same(got: tuple[str, Any, list[str]], want: tuple[str, Any, list[str]]) -> None:
    assert got[0] == want[0]
    if want[1] is values.UNKNOWN:
        assert got[1] is values.UNKNOWN
    else:
        assert got[1] == want[1] and type(got[1]) is type(want[1])


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.sampled_from(SAMPLE_CALLS), facts=FACTS)
def test_generated_code_interpreter_and_implementation_agree(text: str, facts: dict[str, Any]) -> None:
    node = _call(text)
    check(node, scope())
    compiled = _run(compile_expr(node), facts)
    interpreted = _run(lambda env: interpret(node, env), facts)
    _same(compiled, interpreted)
    assert compiled[2] == interpreted[2]  # the same facts recorded missing, in the same order
    _same(interpreted, _run(lambda env: _by_implementation(node, env), facts))


def test_every_sample_call_runs_on_a_full_profile() -> None:
    facts = {
        "a": Decimal("3.25"),
        "b": Decimal(7),
        "d": date(2020, 2, 29),
        "xs": [Decimal(3), Decimal(-1), Decimal(2)],
        "items": [{"code": "x", "amount": Decimal(5), "when": date(2021, 1, 1)}],
        "m": {Decimal(3): Decimal(9)},
    }
    for text in SAMPLE_CALLS:
        node = _call(text)
        check(node, scope())
        kind, value, _ = _run(compile_expr(node), facts)
        assert kind == "value" and value is not values.UNKNOWN, text


def test_top_n_by_a_date_key_runs() -> None:
    """Regression: top_n negated its key to sort, so a date key (which the checker allows)
    raised TypeError at run time."""
    node = _call("top_n(items, 1, i -> i.when)")
    check(node, scope())  # the checker allows a date key
    facts = {"items": [{"when": date(2021, 1, 1)}, {"when": date(2022, 1, 1)}]}
    assert _run(compile_expr(node), facts)[1] == [{"when": date(2022, 1, 1)}]
