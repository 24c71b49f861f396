"""Rule-format additions a second policy needed (issue 22), each backward compatible: outputs
reported whatever the status, inclusive and exclusive table edges, clause labels and report
headings from the package, benefit kinds the package declares."""

from __future__ import annotations

from pathlib import Path

import pytest

import zjtx_rules
from zjtx_rules.package.skeleton import write_skeleton
from zjtx_rules.render.text_report import render_text

SCORE = """
[measures.example_reward.outputs.score]
type = "int"
expr = "score_of(points)"
title_zh = "得分"
title_en = "Score"
report = "always"
"""

FACT = """
[facts.points]
type = "int"
min = 0
below = 1000
label_zh = "分数"
label_en = "Points"
question_zh = "分数？"
question_en = "Points?"
"""

TABLE = """
[tables.score_of]
title_zh = "得分表"
title_en = "Score table"
hit_policy = "{hit}"
inputs = [{{ name = "points", type = "number", min = 0, below = 1000 }}]
result = "number"
[[tables.score_of.versions]]
from = 2025-01-01
source = "example"
rows = [
  {{ points = {{ max = 60 }}, value = 0 }},
  {{ points = {{ above = 60, below = 80 }}, value = 10 }},
  {{ points = {{ min = 80 }}, value = 20 }},
]
"""


def _package(tmp_path: Path, hit: str = "unique", table: str = TABLE, policy_extra: str = "") -> Path:
    pkg = tmp_path / "pkg"
    write_skeleton(pkg)
    with (pkg / "facts.toml").open("a", encoding="utf-8") as f:
        f.write(FACT)
    with (pkg / "measures.toml").open("a", encoding="utf-8") as f:
        f.write(SCORE)
    (pkg / "parameters.toml").write_text(table.format(hit=hit), encoding="utf-8")
    if policy_extra:
        with (pkg / "policy.toml").open("a", encoding="utf-8") as f:
            f.write(policy_extra)
    return pkg


@pytest.mark.parametrize(
    ("points", "score"), [(0, 0), (59, 0), (60, 0), (61, 10), (79, 10), (80, 20), (999, 20)]
)
def test_inclusive_and_exclusive_edges_decide_the_edge_values(
    tmp_path: Path, points: int, score: int
) -> None:
    rules = zjtx_rules.load_rules(_package(tmp_path))
    ev = rules.evaluate({"id": "x", "registered_in_area": True, "points": points}, "2025-06-30")
    assert ev.measures[0].amounts["score"] == score


def test_an_always_output_is_reported_when_the_measure_is_not_eligible(tmp_path: Path) -> None:
    rules = zjtx_rules.load_rules(_package(tmp_path))
    out = rules.evaluate({"id": "x", "registered_in_area": False, "points": 70}, "2025-06-30").measures[0]
    assert out.status == "ineligible"
    assert out.amounts == {"score": 10}  # the reward (an eligible-only output) is not
    assert rules.evaluate({"id": "x", "points": 85}, "2025-06-30").measures[0].amounts == {"score": 20}
    # the score's own missing fact leaves it out, and never keeps the status open
    unknown = rules.evaluate({"id": "x", "registered_in_area": False}, "2025-06-30").measures[0]
    assert unknown.status == "ineligible" and unknown.amounts == {} and unknown.missing == []


def test_an_overlap_at_a_closed_edge_is_found(tmp_path: Path) -> None:
    overlapping = TABLE.replace("{{ above = 60, below = 80 }}", "{{ min = 60, below = 80 }}")
    with pytest.raises(zjtx_rules.RuleError) as err:
        zjtx_rules.load_rules(_package(tmp_path, table=overlapping))
    assert any(d.code == "E402" and "60" in d.message_en for d in err.value.diagnostics)


def test_a_gap_at_an_open_edge_is_found(tmp_path: Path) -> None:
    gap = TABLE.replace("{{ max = 60 }}", "{{ below = 60 }}")
    with pytest.raises(zjtx_rules.RuleError) as err:
        zjtx_rules.load_rules(_package(tmp_path, table=gap))
    assert any(d.code == "E403" and "= 60" in d.message_en for d in err.value.diagnostics)


def test_clause_labels_and_the_tier_heading_come_from_the_package(tmp_path: Path) -> None:
    extra = 'clause_format_zh = "附件第{clause}项"\nclause_format_en = "annex item {clause}"\n'
    rules = zjtx_rules.load_rules(_package(tmp_path, policy_extra=extra))
    ev = rules.evaluate({"id": "x", "registered_in_area": True, "points": 1}, "2025-06-30")
    assert "附件第1项" in render_text(ev, rules, "zh")
    assert "annex item 1" in render_text(ev, rules, "en")
    assert "第1条" not in render_text(ev, rules, "zh")


def test_a_benefit_kind_is_one_the_package_declares(tmp_path: Path) -> None:
    declared = '[policy.benefits.recognition]\nlabel_zh = "认定"\nlabel_en = "recognition"\n'
    pkg = _package(tmp_path)
    with (pkg / "policy.toml").open("a", encoding="utf-8") as f:
        f.write(declared)
    with pytest.raises(zjtx_rules.RuleError) as err:  # "cash" is not one of the package's kinds now
        zjtx_rules.load_rules(pkg)
    assert [d.code for d in err.value.diagnostics] == ["E211"]
    measures = pkg / "measures.toml"
    text = measures.read_text(encoding="utf-8").replace('benefit = "cash"', 'benefit = "recognition"')
    measures.write_text(text, encoding="utf-8")
    rules = zjtx_rules.load_rules(pkg)
    assert rules.describe()["measures"][0]["benefit"] == "recognition"


def test_an_assumed_period_end_is_said_when_a_date_falls_outside(tmp_path: Path) -> None:
    extra = 'period_name_zh = "认定期"\nperiod_name_en = "recognition period"\n'
    pkg = _package(tmp_path, policy_extra=extra)
    with (pkg / "policy.toml").open("a", encoding="utf-8") as f:
        f.write('[policy.assumed.valid_to]\nnote_zh = "原文未写终止日"\nnote_en = "the text sets no end"\n')
    rules = zjtx_rules.load_rules(pkg)
    late = rules.evaluate({"id": "x"}, "2026-06-30").warnings
    assert [w["code"] for w in late] == ["W701"]
    assert "认定期" in late[0]["message_zh"] and "原文未写终止日" in late[0]["message_zh"]
    assert "recognition period" in late[0]["message_en"] and "the text sets no end" in late[0]["message_en"]
    early = rules.evaluate({"id": "x"}, "2024-06-30").warnings
    assert "假设" not in early[0]["message_zh"]  # the start is not assumed


def test_a_criterion_that_does_not_apply_says_so_and_holds() -> None:
    """营收5000万元以下: for a firm above CNY 50 million the route is not applicable, not met."""
    import json

    from tests.conftest import EXAMPLES

    rules = zjtx_rules.load_rules()
    for path in sorted(EXAMPLES.glob("*.json")):
        profile = json.loads(path.read_text(encoding="utf-8"))
        for tier in rules.evaluate(profile, "2025-06-30").to_dict()["tiers"]:
            for c in tier["criteria"]:
                if c["id"] != "small_revenue_route":
                    continue
                big = "revenue_cny" in profile and int(float(profile["revenue_cny"])) >= 50_000_000
                assert c.get("applies", True) is (not big), path.name
                if big:
                    assert c["status"] == "met" and "不适用" in c["text_zh"]
                    assert "not applicable" in c["text_en"]


def test_a_criterion_whose_applying_is_unknown_is_never_missed() -> None:
    import json

    from tests.conftest import EXAMPLES

    rules = zjtx_rules.load_rules()
    profile = json.loads((EXAMPLES / "little_giant_11_talents.json").read_text(encoding="utf-8"))
    profile.pop("revenue_cny")
    profile.pop("qualifications", None)
    profile["equity_financing_2y_cny"] = "0"  # the route's own test fails
    tiers = rules.evaluate(profile, "2025-06-30").to_dict()["tiers"]
    found = [c for t in tiers for c in t["criteria"] if c["id"] == "small_revenue_route"]
    assert found and all(c["status"] == "unknown" and "revenue_cny" in c["missing"] for c in found)
