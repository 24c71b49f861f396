from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings

import zjtx_rules
from tests.conftest import BUNDLED, MINI
from zjtx_rules.quality.generate import generate, profile_strategy

RULES = zjtx_rules.load_rules(BUNDLED)
AS_OF = date(2025, 6, 30)


def test_same_seed_same_profiles() -> None:
    a = list(generate(RULES, 20, 3, missing=0.3))
    assert a == list(generate(RULES, 20, 3, missing=0.3))
    assert a != list(generate(RULES, 20, 4, missing=0.3))


def test_thresholds_are_hit_exactly() -> None:
    values = {p.get("revenue_cny") for p in generate(RULES, 400, 1)}
    assert "10000000" in values or "50000000" in values or "100000000" in values


@settings(max_examples=150, deadline=None, derandomize=True)
@given(profile=profile_strategy(RULES, missing=0.3, as_of=AS_OF))
def test_every_generated_profile_evaluates_to_one_status_per_measure(profile: dict[str, Any]) -> None:
    ev = RULES.evaluate(profile, AS_OF)
    assert len(ev.measures) == 30
    assert all(m.status in ("eligible", "ineligible", "undetermined") for m in ev.measures)


@settings(max_examples=50, deadline=None, derandomize=True)
@given(profile=profile_strategy(zjtx_rules.load_rules(MINI)))
def test_the_strategy_works_for_any_package(profile: dict[str, Any]) -> None:
    ev = zjtx_rules.load_rules(MINI).evaluate(profile, "2023-06-01")
    assert [m.id for m in ev.measures] == ["grant", "follow_up"]
