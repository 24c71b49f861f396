"""The code-generation contract, and generated code against the reference interpreter.

Contract (issue 12): rule text never reaches Python's parser; every identifier in a generated
module is the compiler's own (``_z`` and digits) or a run-time helper; every value from a rule
file is an ``ast.Constant`` or a name bound to the constant table. The walker below is written
here, apart from the generator, so that the generator does not grade its own work.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import itertools
import json
import random
import re
import types
from collections.abc import Collection, Iterator
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zjtx_rules
from tests.conftest import ROOT, _Tables, scope
from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.expr.check import check
from zjtx_rules.expr.codegen import (
    ATTRIBUTES,
    HELPERS,
    Deferred,
    Generated,
    generate,
    generated,
    tree_of,
)
from zjtx_rules.expr.compile import Compiled, Env, compile_expr
from zjtx_rules.expr.decision import generate_program
from zjtx_rules.expr.interpret import interpret
from zjtx_rules.expr.nodes import Call, DateLit, Field, Name, Node, Num, Str, walk
from zjtx_rules.expr.parser import parse
from zjtx_rules.expr.readiness import generate_tier
from zjtx_rules.expr.types import MeasureTy, RecordTy, TableTy
from zjtx_rules.expr.values import CONTEXT, UNKNOWN
from zjtx_rules.quality import generate as synthetic
from zjtx_rules.quality.generate import profile_strategy

D = Decimal
PACKAGE = ROOT / "zjtx_rules"
OWN_NAME = re.compile(r"_z\d+\Z")

# Everything a generated module may contain: no imports, no lambdas, no comprehensions, no
# starred or keyword arguments, no global/nonlocal, no try, no with, no class.
ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Module,
    ast.FunctionDef,
    ast.arguments,
    ast.arg,
    ast.Return,
    ast.Assign,
    ast.AugAssign,
    ast.If,
    ast.For,
    ast.Break,
    ast.Expr,
    ast.Delete,
    ast.Name,
    ast.Load,
    ast.Store,
    ast.Del,
    ast.Constant,
    ast.Attribute,
    ast.Subscript,
    ast.Slice,
    ast.Call,
    ast.Compare,
    ast.BoolOp,
    ast.UnaryOp,
    ast.BinOp,
    ast.IfExp,
    ast.List,
    ast.Tuple,  # of strings only, for 'in ["a", "b"]'
    ast.Is,
    ast.IsNot,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Or,
    ast.Pass,  # where the decide pass records no missing fact
    ast.And,  # a tier criterion's days in force, and a miss where it may not apply
    ast.Not,
    ast.USub,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.Dict,  # only empty: a measure's outputs
)


def assert_contract(gen: Generated, outputs: Collection[str] = (), days: Collection[date] = ()) -> None:
    """Walk one generated module and check every rule of the contract (``outputs``: the
    names of the measures' outputs and their ids, keys of the dicts a package's decision
    fills; ``days``: the dates a tier's criteria are in force from and until)."""
    defined = set(gen.constants)
    loaded: set[str] = set()
    rule_strings: set[str] = set()
    returned = {id(n.value) for n in ast.walk(gen.module) if isinstance(n, ast.Return)}
    for n in ast.walk(gen.module):
        assert isinstance(n, ALLOWED_NODES), ast.dump(n)
        if isinstance(n, ast.Name):
            if isinstance(n.ctx, ast.Load) and n.id in HELPERS:
                continue
            assert OWN_NAME.match(n.id), f"foreign name {n.id!r}"
            (defined.add if isinstance(n.ctx, ast.Store) else loaded.add)(n.id)
        elif isinstance(n, ast.arg):
            assert OWN_NAME.match(n.arg) and n.annotation is None
            defined.add(n.arg)
        elif isinstance(n, ast.FunctionDef):
            assert OWN_NAME.match(n.name) and not n.decorator_list and n.returns is None
            defined.add(n.name)
        elif isinstance(n, ast.Attribute):
            assert n.attr in ATTRIBUTES, f"attribute {n.attr!r}"
        elif isinstance(n, ast.Dict):
            assert not n.keys
        elif isinstance(n, ast.Call):
            assert not n.keywords
            assert isinstance(n.func, ast.Name | ast.Attribute)
        elif isinstance(n, ast.Tuple) and id(n) in returned:
            # what a tier's decision returns: generated names, the list of its criteria's
            # results, or None for them when it is held
            assert all(isinstance(x, ast.Name | ast.List) or _is_none(x) for x in n.elts)
        elif isinstance(n, ast.Tuple) and all(isinstance(x, ast.Name) for x in n.elts):
            pass  # a criterion's result: (met, applies, actual, required, extra)
        elif isinstance(n, ast.Tuple):  # the strings of an ``in`` list (folded to one constant)
            assert all(isinstance(x, ast.Constant) and isinstance(x.value, str) for x in n.elts)
        elif isinstance(n, ast.Constant):
            v = n.value
            if isinstance(v, str):
                rule_strings.add(v)
            else:  # the compiler's own: booleans, 0 and 1 for counting and division, None
                # for a criterion's figure it does not have
                assert v is None or (v in (True, False, 0, 1) and type(v) in (bool, int)), repr(v)
    assert loaded <= defined, f"names read but never bound: {loaded - defined}"
    for name, value in gen.constants.items():
        assert OWN_NAME.match(name) and name not in HELPERS
        assert isinstance(value, Decimal | date)
    # the constant table holds numbers and dates of this expression, and every string constant
    # is a string, name or field of this expression: nothing enters from elsewhere
    trees = [n for tree in gen.trees for n in walk(tree)]
    values = {(type(n.value), str(n.value)) for n in trees if isinstance(n, Num | DateLit)}
    values |= {(date, str(d)) for d in days}
    assert {(type(v), str(v)) for v in gen.constants.values()} <= values
    assert rule_strings <= set().union(outputs, *map(_strings_of, gen.trees))


def _is_none(x: ast.expr) -> bool:
    return isinstance(x, ast.Constant) and x.value is None


def _strings_of(tree: Node) -> set[str]:
    out: set[str] = set()
    for n in walk(tree):
        if isinstance(n, Str):
            out.add(n.value)
        elif isinstance(n, Name):
            out.add(n.name)
        elif isinstance(n, Call):
            out.add(n.func)
            if n.args and isinstance(n.args[0].ty, TableTy):
                out.add(n.args[0].ty.name)
        elif isinstance(n, Field):
            out.add(n.name)
            if isinstance(n.obj.ty, RecordTy | MeasureTy):
                out.update((n.obj.ty.name, f"{n.obj.ty.name}.{n.name}"))
    return out


def assert_runs_what_was_checked(fn: Compiled, gen: Generated) -> None:
    """The module kept for review is the one whose code runs."""
    code = compile(gen.module, "<check>", "exec", dont_inherit=True)
    inner = [c for c in code.co_consts if isinstance(c, types.CodeType) and c.co_name == gen.function]
    assert len(inner) == 1 and inner[0].co_code == fn.__code__.co_code  # type: ignore[attr-defined]


def compiled_functions(rules: RuleSet) -> Iterator[Compiled]:
    # a derived value compiles on its first call (Deferred): compile each the way that call does
    yield from (fn.compile() if isinstance(fn, Deferred) else fn for fn in list(rules.derived.values()))
    yield from rules.target_fns.values()
    for m in rules.measures:  # compiled on their first call too
        yield from (c.fn.compile() if isinstance(c.fn, Deferred) else c.fn for c in m.conditions)
        yield from (o.fn.compile() if isinstance(o.fn, Deferred) else o.fn for o in m.outputs)
    for t in rules.tiers:
        yield t.held
        for c in t.criteria:
            yield from (f for f in (c.expr, c.actual, c.required, c.or_expr, c.extra) if f is not None)


# --- rule text never reaches Python's parser ------------------------------------------------


def _calls(path: Path) -> Iterator[tuple[str, ast.Call]]:
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            base = f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else ""
            yield (f"{base}.{name}" if base else name), node


def test_no_eval_exec_or_parse_of_text_anywhere_in_the_package() -> None:
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        text = path.read_text("utf-8")
        assert not re.search(r"\beval\s*\(", text), rel
        assert not re.search(r"\bast\.parse\b|\b__import__\b|\bimport_module\b", text), rel
        for name, call in _calls(path):
            if name in ("exec", "compile", "eval", "ast.parse", "builtins.exec", "builtins.compile"):
                found.setdefault(name, []).append(rel)
                arg = call.args[0]
                # compile() takes the ast.Module built by codegen, and nothing else
                assert isinstance(arg, ast.Name) and arg.id == "module"
    assert found == {"compile": ["expr/codegen.py"]}


def test_codegen_compiles_only_modules_and_runs_no_code_at_compile_time() -> None:
    text = (PACKAGE / "expr" / "codegen.py").read_text("utf-8")
    assert "module: ast.Module = gen.module" in text
    assert "assert isinstance(code, types.CodeType)" in text
    assert "types.FunctionType(body, namespace, gen.function)" in text


# --- the contract holds for every expression of the packages and for random ones ------------


def test_a_derived_value_compiles_on_its_first_call_and_then_runs_that_code() -> None:
    rules = zjtx_rules.load_rules(ROOT / "rules" / "liangjiang_zjtx_2022")  # its own: nothing ran yet
    deferred = dict(rules.derived)
    assert all(isinstance(fn, Deferred) and generated(fn) is not None for fn in deferred.values())
    profile = json.loads((ROOT / "examples" / "profiles" / "little_giant_11_talents.json").read_text("utf-8"))
    before = rules.evaluate(profile).to_json()
    ran = {n: fn for n, fn in rules.derived.items() if not isinstance(fn, Deferred)}
    assert ran and all(isinstance(fn, types.FunctionType) for fn in ran.values())
    assert rules.evaluate(profile).to_json() == before
    for name, fn in ran.items():
        assert_runs_what_was_checked(fn, generate(deferred[name].node))  # type: ignore[attr-defined]


@pytest.mark.parametrize("which", ["rules", "mini"])
def test_every_generated_function_of_a_package_keeps_the_contract(which: str, request: Any) -> None:
    rules: RuleSet = request.getfixturevalue(which)
    fns = list(compiled_functions(rules))
    assert len(fns) > (100 if which == "rules" else 3)
    for fn in fns:
        gen = generated(fn)
        assert gen is not None
        assert_contract(gen)
        assert_runs_what_was_checked(fn, gen)


@pytest.mark.parametrize("which", ["rules", "mini", "lj_perf_workload"])
def test_the_package_decision_keeps_the_contract_and_decides_each_measure_after_those_it_reads(
    which: str, request: Any
) -> None:
    if which == "lj_perf_workload":  # measures chained through ``rule.eligible``
        rules = zjtx_rules.load_rules(ROOT / "tests" / "compat" / which)
    else:
        rules = request.getfixturevalue(which)
    program = rules.program
    order = program.decision_order
    assert sorted(m.id for m in order) == sorted(m.id for m in rules.measures)
    for logged in (False, True):
        fn = program.logged_decision if logged else program.decision
        assert fn is not None
        gen = generate_program([m.parts for m in order], logged)  # type: ignore[misc]
        assert gen.trees == tuple(t for m in order for t in _trees(m))
        outputs = {o.name for m in order for o in m.outputs}
        assert_contract(gen, outputs | {m.id for m in order})
        assert_runs_what_was_checked(fn, gen)
    # every measure read comes earlier in the order: read from the function's locals, never
    # through the resolver
    calls = [n.func for n in ast.walk(gen.module) if isinstance(n, ast.Call)]
    assert "measure_field" not in {f.attr for f in calls if isinstance(f, ast.Attribute)}
    position = {m.id: i for i, m in enumerate(order)}
    reads = [
        (n.obj.ty.name, m.id)
        for m in order
        for t in _trees(m)
        for n in walk(t)
        if isinstance(n, Field) and isinstance(n.obj.ty, MeasureTy)
    ]
    assert reads or which == "rules", "no measure reads another: nothing here to order"
    assert all(position[read] < position[reader] for read, reader in reads)


@pytest.mark.parametrize("which", ["rules", "mini"])
def test_every_tier_decision_keeps_the_contract_and_is_built_from_its_checked_trees(
    which: str, request: Any
) -> None:
    rules: RuleSet = request.getfixturevalue(which)
    assert rules.tiers
    for t, logged in itertools.product(rules.tiers, (False, True)):
        fn = t.logged_decision if logged else t.decision
        assert fn is not None
        assert t.parts is not None
        held, parts = t.parts
        assert held is tree_of(t.held)
        for c, part in zip(t.criteria, parts, strict=True):  # each criterion's own trees
            fns = (c.applies, c.actual, c.required, c.expr, c.or_expr, c.extra)
            assert part.trees == tuple(tree_of(f) for f in fns if f is not None)
            assert (part.op, part.valid_from, part.valid_until) == (
                c.spec.op,
                c.spec.valid_from,
                c.spec.valid_until,
            )
        gen = generate_tier(held, parts, logged)
        assert gen.trees == (held, *(tree for c in parts for tree in c.trees))
        days = [d for c in parts for d in (c.valid_from, c.valid_until) if d is not None]
        assert_contract(gen, days=days)
        assert_runs_what_was_checked(fn, gen)


def _trees(m: Any) -> list[Node]:
    return [*(tree_of(c.fn) for c in m.conditions), *(tree_of(o.fn) for o in m.outputs)]


def test_the_reference_runs_no_measure_decision() -> None:
    """The interpreter's stand-ins have no generated tree, so the decide pass of the
    reference rule set runs them one by one: the comparisons below test generated code."""
    assert BUNDLED_REF.program.decision is None and BUNDLED_REF.program.logged_decision is None
    assert all(t.decision is None and t.logged_decision is None for t in BUNDLED_REF.tiers)
    assert all(t.decision is not None for t in BUNDLED_RULES.tiers)
    assert BUNDLED_RULES.program.decision is not None


def test_the_contract_walker_rejects_a_foreign_name_attribute_or_value() -> None:
    node = parse("a + 1 > 2")
    check(node, scope())
    good = generate(node)
    assert_contract(good)
    for bad in ("open", "__class__", "float"):
        module = copy.deepcopy(good.module)
        for n in ast.walk(module):
            if isinstance(n, ast.Name) and n.id == "UNKNOWN" and bad == "open":
                n.id = "open"
            if isinstance(n, ast.Attribute) and bad == "__class__":
                n.attr = "__class__"
            if isinstance(n, ast.Constant) and n.value == 0 and bad == "float":
                n.value = 0.5
        changed = dataclasses.replace(good, module=module)
        if ast.dump(module) == ast.dump(good.module):  # this module has no site for the change
            continue
        with pytest.raises(AssertionError):
            assert_contract(changed)
    smuggled = dataclasses.replace(good, constants={**good.constants, "_z99": "os.system"})
    with pytest.raises(AssertionError):
        assert_contract(smuggled)


# --- random expressions: generated code agrees with the interpreter --------------------------

# Random expressions come from hand-weighted grammars driven by a Random seeded by hypothesis:
# nested hypothesis strategies overran their buffer at depth 3 and kept mostly the shallow
# shapes, so 'and', 'or' and '/' were rare.
NUM_LEAVES = ["a", "b", "k", "0", "1", "2.5", "1.0", "year(d)", "sum(xs)", "count(items)", "month(as_of)"]
BOOL_LEAVES = ["p", "q", "true", "false", "known(a)", "known(d)", 's in ["red", "blue"]', 'color == "red"']
ITEM_BOOL = [
    "i.amount > 15",
    'i.code in ["x", "y"]',
    "i.when < d",
    "known(i.when)",
    "coalesce(i.when, d) <= as_of",
    "i.amount * a >= b",
    'i.code == "z" or i.amount < k',
    "any(xs, x -> x > i.amount)",
    'color not in ["green"]',
    "d < 2024-06-01",
]


def _num(r: random.Random, depth: int) -> str:
    if depth == 0 or r.random() < 0.2:
        return r.choice(NUM_LEAVES)
    n, b, item = (lambda: _num(r, depth - 1)), (lambda: _bool(r, depth - 1)), (lambda: r.choice(ITEM_BOOL))
    pick = r.randrange(14)
    if pick < 4:
        return f"({n()} {r.choice(['+', '-', '*', '/'])} {n()})"
    options = [
        lambda: f"(if {b()} then {n()} else {n()})",
        lambda: f"-({n()})",
        lambda: f"{r.choice(['min', 'max'])}({n()}, {n()})",
        lambda: f"round_half_up({n()}, 0.01)",
        lambda: f"coalesce({n()}, {n()})",
        lambda: f"get(m, {n()}, {n()})",
        lambda: f"sum(xs, x -> x * {n()})",
        lambda: f"sum(items, i -> i.amount + {n()})",
        lambda: f"count(items, i -> {item()})",
        lambda: f"sum(filter(items, i -> {item()}), i -> i.amount)",
        lambda: f"max(map(xs, x -> x + {n()}))",
        lambda: f"sum(map(top_n(items, {n()}, i -> i.amount, i -> i.code), i -> i.amount))",
    ]
    return options[r.randrange(len(options))]()


def _bool(r: random.Random, depth: int) -> str:
    if depth == 0 or r.random() < 0.2:
        return r.choice(BOOL_LEAVES)
    n, b, item = (lambda: _num(r, depth - 1)), (lambda: _bool(r, depth - 1)), (lambda: r.choice(ITEM_BOOL))
    pick = r.randrange(16)
    if pick < 5:
        return f"({b()} {r.choice(['and', 'or'])} {b()})"
    if pick < 8:
        return f"({n()} {r.choice(['==', '!=', '<', '<=', '>', '>='])} {n()})"
    options = [
        lambda: f"not ({b()})",
        lambda: f"{r.choice(['any', 'all'])}(xs, x -> x > {n()})",
        lambda: f"{r.choice(['any', 'all'])}(items, i -> {item()})",
        lambda: f"{r.choice(['any', 'all'])}(items, i -> {item()} {r.choice(['and', 'or'])} {b()})",
        lambda: f"{n()} {r.choice(['in', 'not in'])} xs",
        lambda: f"has(m, {n()})",
        lambda: f"known({b()})",
        lambda: f"coalesce({b()}, {b()})",
        lambda: f"(if {b()} then {b()} else {b()})",
        lambda: f"{n()} in [1, 2, {n()}]",
    ]
    return options[r.randrange(len(options))]()


def _expression(seed: int) -> str:
    r = random.Random(seed)
    depth = r.randint(1, 4)
    return _bool(r, depth) if r.random() < 0.6 else _num(r, depth)


EXPRESSIONS = st.integers(0, 2**32).map(_expression)


DEC = st.decimals(-1000, 1000, places=2, allow_nan=False, allow_infinity=False)
ITEM = st.fixed_dictionaries(
    {},
    optional={
        "code": st.sampled_from(["x", "y", "z"]),
        "amount": DEC,
        "when": st.dates(date(2020, 1, 1), date(2026, 12, 31)),
    },
)
FACTS = st.fixed_dictionaries(
    {},
    optional={
        "a": DEC,
        "b": DEC,
        "p": st.booleans(),
        "q": st.booleans(),
        "xs": st.lists(st.integers(-5, 5).map(Decimal), max_size=4),
        "d": st.dates(date(2000, 1, 1), date(2030, 12, 31)),
        "s": st.sampled_from(["red", "blue", "green"]),
        "color": st.sampled_from(["red", "green"]),
        "items": st.lists(ITEM, max_size=4),
        "m": st.dictionaries(st.integers(-3, 3).map(Decimal), DEC, max_size=3),
    },
)


def _run(fn: Any, facts: dict[str, Any]) -> tuple[str, Any, list[str]]:
    env = Env(dict(facts), {"k": D(2)}, date(2024, 5, 6), _Tables())
    try:
        with localcontext(CONTEXT):
            value = fn(env)
    except (ArithmeticError, ValueError, TypeError) as exc:
        return "raised", type(exc), env.missing
    return "value", value, env.missing


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(expr=EXPRESSIONS, facts=FACTS)
def test_generated_code_agrees_with_the_interpreter(expr: str, facts: dict[str, Any]) -> None:
    node = parse(expr)
    check(node, scope())
    fn = compile_expr(node)
    gen = generated(fn)
    assert gen is not None
    assert_contract(gen)
    got = _run(fn, facts)
    want = _run(lambda env: interpret(node, env), facts)
    assert got[0] == want[0]
    if want[1] is UNKNOWN:
        assert got[1] is UNKNOWN
    else:
        assert got[1] == want[1] and type(got[1]) is type(want[1])
    assert got[2] == want[2]  # the same facts recorded missing, in the same order


@pytest.mark.parametrize(
    ("text", "facts", "missing"),
    [
        ("p and a > 1", {"p": False}, []),
        ("p and a > 1", {"p": True}, ["a"]),
        ("coalesce(a, 1) > 0", {}, []),
        ("known(a) or b > 0", {}, ["b"]),
        ("any(items, i -> i.amount > 1)", {"items": [{"code": "x"}, {"amount": D(5)}]}, ["items.amount"]),
        ("all(items, i -> i.amount > 1)", {"items": [{"amount": D(0)}, {}]}, []),
        ("sum(items, i -> i.amount)", {"items": [{}, {}]}, ["items.amount"]),
    ],
)
def test_missing_facts_are_recorded_where_read_and_withdrawn_where_settled(
    text: str, facts: dict[str, Any], missing: list[str]
) -> None:
    node = parse(text)
    check(node, scope())
    assert _run(compile_expr(node), facts)[2] == missing


def test_equal_numbers_written_differently_stay_apart_in_the_constant_table() -> None:
    node = parse("round_half_up(a, 1.0) + round_half_up(a, 1)")
    check(node, scope())
    assert sorted(str(v) for v in generate(node).constants.values()) == ["1", "1.0"]
    assert str(_run(compile_expr(node), {"a": D("2.25")})[1]) == "4.3"  # 2.3 + 2


# --- every measure of the packages on generated profiles: generated code vs interpreter -------


def _interpreted(fn: Compiled | None) -> Any:
    if fn is None:
        return None
    gen = generated(fn)
    assert gen is not None
    node = gen.node
    return lambda env: interpret(node, env)


def reference(rules: RuleSet) -> RuleSet:
    """The same rule set with every generated function replaced by the tree interpreter."""
    program = rules.program
    derived = {n: _interpreted(f) for n, f in rules.derived.items()}
    target_fns = {n: _interpreted(f) for n, f in rules.target_fns.items()}
    measures = tuple(
        dataclasses.replace(
            m,
            conditions=[dataclasses.replace(c, fn=_interpreted(c.fn)) for c in m.conditions],
            outputs=[dataclasses.replace(o, fn=_interpreted(o.fn)) for o in m.outputs],
        )
        for m in rules.measures
    )
    tiers = tuple(
        dataclasses.replace(
            t,
            held=_interpreted(t.held),
            criteria=[
                dataclasses.replace(
                    c,
                    expr=_interpreted(c.expr),
                    actual=_interpreted(c.actual),
                    required=_interpreted(c.required),
                    or_expr=_interpreted(c.or_expr),
                    extra=_interpreted(c.extra),
                )
                for c in t.criteria
            ],
        )
        for t in rules.tiers
    )
    return RuleSet(
        dataclasses.replace(program, derived=derived, target_fns=target_fns, measures=measures, tiers=tiers)
    )


BUNDLED_RULES = zjtx_rules.load_rules(ROOT / "rules" / "liangjiang_zjtx_2022")
BUNDLED_REF = reference(BUNDLED_RULES)
DAYS = [
    BUNDLED_RULES.policy.valid_from,
    date(2023, 12, 31),
    date(2024, 7, 1),
    BUNDLED_RULES.policy.valid_to,
    date(2021, 1, 1),  # before the first value of some parameters
]


def _both(rules: RuleSet, ref: RuleSet, profile: dict[str, Any], day: date, reasons: bool) -> None:
    got = rules.evaluate(profile, day, reasons=reasons).to_dict()
    want = ref.evaluate(profile, day, reasons=reasons).to_dict()
    assert got == want


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    day=st.sampled_from(DAYS),
    missing=st.sampled_from([0.0, 0.3, 0.8]),
    reasons=st.booleans(),
)
def test_every_bundled_measure_agrees_with_the_interpreter_on_generated_profiles(
    data: st.DataObject, day: date, missing: float, reasons: bool
) -> None:
    profile = data.draw(profile_strategy(BUNDLED_RULES, missing=missing, as_of=day))
    _both(BUNDLED_RULES, BUNDLED_REF, profile, day, reasons)


def test_every_example_profile_agrees_with_the_interpreter() -> None:
    from tests.conftest import EXAMPLES

    for path in sorted(EXAMPLES.glob("*.json")):
        for day in DAYS:
            import json

            profile = json.loads(path.read_text("utf-8"), parse_float=Decimal)
            _both(BUNDLED_RULES, BUNDLED_REF, profile, day, True)


def test_the_mini_package_agrees_with_the_interpreter(mini: RuleSet) -> None:
    ref = reference(mini)
    for profile in synthetic.generate(mini, 50, 3, missing=0.4, as_of=mini.policy.valid_to):
        _both(mini, ref, profile, mini.policy.valid_to, True)
