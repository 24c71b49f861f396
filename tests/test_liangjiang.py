"""The bundled package against the plan's text: every clause present, quoted and attributed."""

from __future__ import annotations

import re

import pytest

import zjtx_rules
from tests.conftest import BUNDLED, ROOT

# The plan's text ships inside the package (policy.toml `source_text`); the workplace's shared
# copy, when it sits beside the checkout, must be the same text.
PLAN = BUNDLED / "action-plan-2022-2025.txt"
SHARED_PLAN = ROOT.parent / "shared" / "policy" / "action-plan-2022-2025.txt"


def clauses() -> dict[str, str]:
    text = PLAN.read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r"^(\d+)\.(.*)$", text, re.M)}


@pytest.mark.skipif(not SHARED_PLAN.exists(), reason="shared/policy not beside the checkout")
def test_the_packaged_plan_text_is_the_shared_one() -> None:
    assert PLAN.read_bytes() == SHARED_PLAN.read_bytes()


def test_every_clause_of_section_two_has_one_measure(rules: zjtx_rules.RuleSet) -> None:
    assert sorted((m.spec.clause for m in rules.measures), key=int) == [str(i) for i in range(1, 31)]
    assert set(clauses()) == {str(i) for i in range(1, 31)}


def test_quotes_are_verbatim_and_units_match(rules: zjtx_rules.RuleSet) -> None:
    plan = clauses()
    for m in rules.measures:
        found = re.fullmatch(r"(.*)\(责任单位:(.*)\)", plan[m.spec.clause])
        assert found, m.id
        assert m.spec.quote == found.group(1), m.id
        assert m.spec.responsible_units == found.group(2).split("、"), m.id


def test_pinned_measure_ids(rules: zjtx_rules.RuleSet) -> None:
    ids = {m.id: m.spec.clause for m in rules.measures}
    for mid, clause in [
        ("talent_reward", "21"),
        ("patent_subsidy", "13"),
        ("seed_pool", "2"),
        ("policy_loans", "17"),
        ("listing_reserve", "19"),
        ("equity_fund", "16"),
    ]:
        assert ids[mid] == clause


def test_check_lists_only_assumption_warnings(rules: zjtx_rules.RuleSet) -> None:
    assert rules.warnings and {d.code for d in rules.warnings} == {"W501"}
    assert all(d.severity == "warning" for d in rules.diagnostics)


def test_targets_are_data(rules: zjtx_rules.RuleSet) -> None:
    assert {k: t.count for k, t in rules.targets.items()} == {
        "innovative_sme": 3000,
        "municipal_zjtx": 500,
        "little_giant": 50,
        "new_listings": 5,
        "listing_reserve_zjtx": 50,  # clause 19 (issue 9)
        "seed_pool_yearly": 100,  # clause 2, every year
    }
