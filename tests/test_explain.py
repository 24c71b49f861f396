"""``zjtx evaluate --explain``: the trace of one measure, built on the reference interpreter."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES
from zjtx_rules import RuleSet
from zjtx_rules.cli.main import main
from zjtx_rules.errors import UsageError
from zjtx_rules.evaluate.explain import explain, show

LITTLE_GIANT = EXAMPLES / "little_giant_11_talents.json"


def test_talent_reward_trace_ends_with_the_reward_total(rules: RuleSet) -> None:
    profile = LITTLE_GIANT.read_bytes()
    trace = explain(rules, profile, "talent_reward", "2025-06-30")
    outcome = next(m for m in rules.evaluate(profile, "2025-06-30").measures if m.id == "talent_reward")
    assert trace.status == outcome.status == "eligible"
    assert trace.final == ("reward_total", outcome.amounts["reward_total"])
    last = trace.render().splitlines()[-1]
    assert last == f"talent_reward.reward_total = {outcome.amounts['reward_total']}"


def test_steps_come_in_evaluation_order(rules: RuleSet) -> None:
    trace = explain(rules, LITTLE_GIANT.read_bytes(), "talent_reward", "2025-06-30")
    steps = [s for s in trace.steps if not s.heading]
    texts = [s.text for s in steps]
    inner = texts.index("values(reward_by_year)")
    outer = texts.index("sum(values(reward_by_year))")
    assert inner < outer
    assert steps[outer].value == trace.outputs["reward_total"]
    assert steps[outer].depth < steps[inner].depth
    headings = [s.text for s in trace.steps if s.heading]
    assert any(h.startswith("derived holds_little_giant") for h in headings)
    assert any(h.startswith("condition qualified_tier") for h in headings)


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_trace_agrees_with_the_engine_on_every_measure(rules: RuleSet, name: str) -> None:
    profile = (EXAMPLES / name).read_bytes()
    evaluation = rules.evaluate(profile, "2025-06-30")
    for outcome in evaluation.measures:
        trace = explain(rules, profile, outcome.id, "2025-06-30")
        assert trace.status == outcome.status, outcome.id
        assert trace.missing == outcome.missing, outcome.id
        if outcome.status == "eligible":
            assert {k: v for k, v in trace.outputs.items() if k in outcome.amounts} == outcome.amounts


def test_unknown_measure_suggests_a_name(rules: RuleSet) -> None:
    with pytest.raises(UsageError, match="did you mean 'talent_reward'"):
        explain(rules, LITTLE_GIANT.read_bytes(), "talent_rewrd", "2025-06-30")


def test_values_print_exactly() -> None:
    from datetime import date
    from decimal import Decimal

    assert show(Decimal("1310061.50")) == "1310061.50"
    assert show({2024: Decimal("1.00")}) == "{2024: 1.00}"
    assert show(date(2025, 6, 30)) == "2025-06-30"


def test_explain_option(capsys: pytest.CaptureFixture[str], rules: RuleSet) -> None:
    code = main(["evaluate", str(LITTLE_GIANT), "--as-of", "2025-06-30", "--explain", "talent_reward"])
    out = capsys.readouterr().out
    assert code == 0
    assert "sum(values(reward_by_year)) = 1310061.50" in out
    assert out.rstrip().endswith("talent_reward.reward_total = 1310061.50")
    assert main(["evaluate", str(LITTLE_GIANT), "--explain", "nope"]) == 2
