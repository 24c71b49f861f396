"""Assumptions travel with results: which assumed figures and rule choices an outcome used."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

import zjtx_rules
from tests.conftest import EXAMPLES
from zjtx_rules.evaluate.result import result_adapter, result_json_schema
from zjtx_rules.expr.nodes import Name
from zjtx_rules.program.assumptions import Assumption, Closure, RecordingTable, TableNotes
from zjtx_rules.program.tables import Cond, Row, TableVersion
from zjtx_rules.render.text_report import render_text

CJK = re.compile(r"[\u3400-\u9fff]")


def ids(items: list[Any]) -> list[str]:
    return sorted(a["id"] if isinstance(a, dict) else a.id for a in items)


def municipal() -> dict[str, Any]:
    return dict(json.loads((EXAMPLES / "new_municipal_zjtx.json").read_text(encoding="utf-8")))


def test_talent_reward_names_the_assumed_municipal_quota(rules: zjtx_rules.RuleSet) -> None:
    data = rules.evaluate(municipal(), "2025-06-30").to_dict()
    assert data["schema_version"] == "1.2"
    result_adapter().validate_python(data)
    talent = next(m for m in data["measures"] if m["id"] == "talent_reward")
    quota = next(a for a in talent["assumptions"] if a["id"] == "talent_quota")
    assert "quota" in quota["amounts"] and "reward_total" in quota["amounts"]
    assert not CJK.search(quota["note_en"]) and CJK.search(quota["note_zh"])


def test_a_stated_table_row_is_not_an_assumption(rules: zjtx_rules.RuleSet) -> None:
    """The quota table has an assumed row per tier; a firm with no title hits the stated 'none'
    row only when it is eligible, and an ineligible outcome lists only its failing conditions."""
    p = municipal()
    p["qualifications"] = []
    m = rules.evaluate(p, "2025-06-30").measure("talent_reward")
    assert m.status == "ineligible"
    assert ids(m.assumptions) == []


def test_unknown_start_year_assumption_only_when_the_fact_is_missing(rules: zjtx_rules.RuleSet) -> None:
    p = municipal()
    p["talent_award_start_year"] = 2025  # the title's year: the start is not moved
    stated = rules.evaluate(p, "2025-06-30").measure("talent_reward")
    p.pop("talent_award_start_year")
    assumed = rules.evaluate(p, "2025-06-30").measure("talent_reward")
    assert "talent_start_year_default" not in ids(stated.assumptions)
    assert "talent_start_year_default" in ids(assumed.assumptions)
    assert assumed.assumed("reward_start_year") and not stated.assumed("reward_start_year")


def test_patent_with_other_subsidies_of_half_its_fees_gets_nothing(rules: zjtx_rules.RuleSet) -> None:
    p = municipal()
    p["patents_granted"] = [
        {
            "number": "Z1",
            "kind": "invention",
            "region": "domestic",
            "granted_on": "2024-03-01",
            "official_fees_cny": "8000.00",
            "other_subsidies_cny": "4000.00",
        }
    ]
    m = rules.evaluate(p, "2025-06-30").measure("patent_subsidy")
    assert m.amounts["subsidy_total"] == Decimal("0.00")
    assert "other_subsidies_cny" not in ids(m.assumptions)
    del p["patents_granted"][0]["other_subsidies_cny"]
    m = rules.evaluate(p, "2025-06-30").measure("patent_subsidy")
    assert m.amounts["subsidy_total"] == Decimal("4000.00")
    assert "other_subsidies_cny" in ids(m.assumptions)


def test_report_marks_assumed_figures(rules: zjtx_rules.RuleSet) -> None:
    ev = rules.evaluate(municipal(), "2025-06-30")
    assert "人才支持名额: 5（假设）" in render_text(ev, rules, "zh")
    assert "Talent quota: 5 (assumed)" in render_text(ev, rules, "en")
    assert "Talent reward as a share" not in render_text(ev, rules, "en")  # a stated figure


def test_tiers_carry_assumptions(rules: zjtx_rules.RuleSet) -> None:
    ev = rules.evaluate(municipal(), "2025-06-30")
    champion = ev.tier("single_champion")
    assert "champion_min_main_revenue" in ids(champion.assumptions)
    schema = json.dumps(result_json_schema())
    assert '"assumptions"' in schema and "surpassed" in schema


def test_check_lists_each_assumption_once_with_english_notes(rules: zjtx_rules.RuleSet) -> None:
    w501 = [d for d in rules.warnings if d.code == "W501"]
    assert len({d.message_en for d in w501}) == len(w501)
    for d in w501:
        assert " = " in d.message_en or ": " in d.message_en  # the value is shown
        note_en = d.message_en.split(". ", 1)[1]
        assert not CJK.search(note_en), d.message_en
    named = {d.message_en.split(": ", 1)[1].split(" ")[0] for d in w501}
    for expected in (
        "talent_quota(tier",
        "patent_subsidy_domestic_cny",
        "patent_window_end",
        "other_subsidies_cny:",
        "talent_selection_top_contribution:",
        "talent_start_year_default:",
        "patent_title_on_evaluation_date:",
    ):
        assert any(n.startswith(expected.split("(")[0].rstrip(":")) for n in named), expected


def test_recording_table_logs_only_assumed_rows() -> None:
    version = TableVersion(
        [Row((Cond(choices=frozenset({"a"})),), Decimal(1)), Row((Cond(),), Decimal(2), True, "猜", "guess")],
        None,
        "first",
    )
    guess = Assumption("t", "猜", "guess")
    log: list[Assumption] = []
    table = RecordingTable(version, TableNotes((None, guess)), log)
    assert table.lookup(["a"]) == Decimal(1) and log == []
    assert table.lookup(["b"]) == Decimal(2) and log == [guess]
    assert table.values() == [Decimal(1), Decimal(2)] and log == [guess, guess]


def test_closure_follows_derived_values() -> None:
    def name(n: str, kind: str) -> Name:
        node = Name((0, 1), n)
        node.kind = kind
        return node

    closure = Closure({"outer": name("inner", "derived"), "inner": name("p", "param")}, {"inner": ["c"]})
    refs = closure.of([name("outer", "derived")], ["own"])
    assert refs.params == {"p"} and refs.choices == {"c", "own"}


def test_expiry_before_recognition_is_warning_w722_and_counts_as_expired(rules: zjtx_rules.RuleSet) -> None:
    # Issue 9 asked for a profile error; issue 10's contract (schema = validator) makes a check
    # JSON Schema cannot state a warning instead. The title must not count as held.
    p = municipal()
    p["qualifications"] = [
        {"kind": "municipal_zjtx", "recognized_on": "2024-01-20", "expires_on": "2023-01-20"}
    ]
    result = rules.evaluate(p, date(2025, 6, 30))
    (warning,) = [w for w in result.to_dict()["warnings"] if w["code"] == "W722"]
    assert "$.qualifications[0].expires_on" in warning["message_en"] and warning["message_zh"]
    assert result.measure("talent_reward").status == "ineligible"


def test_reasons_say_when_a_reward_year_falls_after_the_title_expiry(rules: zjtx_rules.RuleSet) -> None:
    p = municipal()
    p["talent_award_start_year"] = 2025
    p["qualifications"] = [
        {"kind": "municipal_zjtx", "recognized_on": "2024-01-20", "expires_on": "2027-01-20"}
    ]
    m = rules.evaluate(p, "2025-06-30").measure("talent_reward")
    tier = next(r for r in m.reasons if r.condition == "qualified_tier")
    assert "valid until 2027-01-20" in tier.text_en and "expires within the reward period" in tier.text_en
    p["qualifications"][0]["expires_on"] = "2028-01-01"
    m = rules.evaluate(p, "2025-06-30").measure("talent_reward")
    tier = next(r for r in m.reasons if r.condition == "qualified_tier")
    assert "expires within" not in tier.text_en and "到期" not in tier.text_zh
