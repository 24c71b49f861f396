from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

import zjtx_rules
from tests.conftest import EXAMPLES
from zjtx_rules.evaluate.result import result_adapter


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_every_example_gives_one_status_per_measure_and_valid_json(
    rules: zjtx_rules.RuleSet, path: object
) -> None:
    ev = rules.evaluate(path.read_bytes(), "2025-06-30")  # type: ignore[attr-defined]
    assert [m.clause for m in ev.measures] == [str(i) for i in range(1, 31)]
    doc = json.loads(ev.to_json())
    result_adapter().validate_python(doc)
    for m in doc["measures"]:
        for value in m["amounts"].values():
            if isinstance(value, str) and "." in value:
                assert len(value.split(".")[1]) == 2


def test_as_of_accepts_date_string_and_none(rules: zjtx_rules.RuleSet) -> None:
    p = {"id": "x"}
    assert rules.evaluate(p, date(2024, 1, 2)).as_of == date(2024, 1, 2)
    assert rules.evaluate(p, "2024-01-02").as_of == date(2024, 1, 2)
    assert rules.evaluate(p).as_of == date.today()
    with pytest.raises(zjtx_rules.UsageError):
        rules.evaluate(p, "02/01/2024")


def test_outside_the_period_still_evaluates_with_a_warning(rules: zjtx_rules.RuleSet) -> None:
    ev = rules.evaluate({"id": "x"}, "2026-06-01")
    assert [w["code"] for w in ev.warnings] == ["W701"]
    assert len(ev.measures) == 30


def test_result_contract_fields(rules: zjtx_rules.RuleSet) -> None:
    ev = rules.evaluate((EXAMPLES / "little_giant_11_talents.json").read_text(), "2025-06-30")
    d = ev.to_dict()
    assert set(d) >= {"schema_version", "policy", "as_of", "profile_id", "warnings", "measures"}
    assert d["policy"]["sha256"] == rules.sha256 and len(rules.sha256) == 64
    m = next(x for x in d["measures"] if x["id"] == "talent_reward")
    assert set(m) >= {
        "id",
        "clause",
        "title_zh",
        "title_en",
        "status",
        "amounts",
        "reasons",
        "missing",
        "responsible_units",
    }
    assert m["amounts"]["reward_total"] == "1310061.50"
    assert isinstance(ev.measure("talent_reward").amounts["reward_total"], Decimal)
    assert m["reasons"][0]["values"] == {"registered_in_area": True}


def test_reasons_off_keeps_statuses_and_amounts(rules: zjtx_rules.RuleSet) -> None:
    data = (EXAMPLES / "new_municipal_zjtx.json").read_bytes()
    on, off = rules.evaluate(data, "2025-06-30"), rules.evaluate(data, "2025-06-30", reasons=False)
    assert [(m.status, m.amounts) for m in on.measures] == [(m.status, m.amounts) for m in off.measures]
    assert all(not m.reasons for m in off.measures)


def test_schemas_are_json_schema(rules: zjtx_rules.RuleSet) -> None:
    prof = rules.profile_schema()
    assert "talents" in prof["properties"] and prof["required"] == ["id"]
    res = rules.result_schema()
    assert "measures" in res["properties"]


def test_a_date_before_every_parameter_is_undetermined_not_a_crash(mini: zjtx_rules.RuleSet) -> None:
    profile = {"id": "early", "registered": True, "revenue": "5000", "tier": "gold"}
    ev = mini.evaluate(profile, "2021-06-01")
    assert [w["code"] for w in ev.warnings] == ["W701", "W702"]
    assert "bonus" in ev.warnings[1]["message_en"] and "rate" in ev.warnings[1]["message_en"]
    assert ev.measure("grant").status == "undetermined"


def test_bundled_rules_before_the_plan_do_not_crash(rules: zjtx_rules.RuleSet) -> None:
    data = (EXAMPLES / "little_giant_11_talents.json").read_bytes()
    ev = rules.evaluate(data, "2021-06-01")
    assert len(ev.measures) == 30


def test_ten_thousand_patents_are_computed_not_hung(rules: zjtx_rules.RuleSet) -> None:
    """Regression: subsidy_by_year once looked patents up in a list per patent (quadratic)."""
    patents = [
        {
            "number": f"P{i}",
            "kind": "invention",
            "region": "domestic",
            "granted_on": f"{2022 + i % 4}-03-01",
            "official_fees_cny": "3000.00",
        }
        for i in range(10_000)
    ]
    profile = {
        "id": "many",
        "registered_in_area": True,
        "serious_dishonesty": False,
        "qualifications": [{"kind": "municipal_zjtx", "recognized_on": "2024-01-01"}],
        "patents_granted": patents,
    }
    m = rules.evaluate(profile, "2025-12-31").measure("patent_subsidy")
    assert str(m.amounts["subsidy_total"]) == "15000000.00"
    assert {y: str(v) for y, v in m.amounts["subsidy_by_year"].items()} == {
        2022: "3750000.00",
        2023: "3750000.00",
        2024: "3750000.00",
        2025: "3750000.00",
    }
