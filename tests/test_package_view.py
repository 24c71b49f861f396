"""The reader's view of a package: clause order, what each declaration reads, assumptions."""

from __future__ import annotations

from tests.conftest import BUNDLED
from zjtx_rules.render.package_view import clause_key, load_view


def test_clauses_sort_as_numbers() -> None:
    assert sorted(["10", "2", "3(1)", "3", "1"], key=clause_key) == ["1", "2", "3", "3(1)", "10"]


def test_reads_are_by_kind_without_lambda_parameters_or_own_outputs() -> None:
    view = load_view(BUNDLED)
    reads = view.reads["talent_reward"]
    assert "talent_quota" in reads["table"]
    assert {"talent_reward_rate", "talent_reward_years"} <= reads["param"]
    assert "talent_tier" in reads["derived"]
    everything = set().union(*reads.values())
    assert not everything & {"t", "y", "quota", "selected_talents"}  # lambda parameters, own outputs
    # through derived values: the validity parameter behind holds_little_giant
    assert "qualification_valid_years" in view.closure("talent_reward")["table"]  # per-kind validity
    assert "talent_reward" in view.readers("qualification_valid_years")


def test_assumptions_name_where_they_sit_and_what_they_affect() -> None:
    view = load_view(BUNDLED)
    by_key = {a.key: a for a in view.assumptions()}
    quota = by_key["table:talent_quota:2022-01-01:tier=municipal_zjtx"]
    assert quota.value == "5" and quota.measures == ("talent_reward",)
    flagged = sum(v.assumption for p in view.params.values() for v in p.values)
    assert len([a for a in by_key.values() if a.kind == "param"]) == flagged


def test_an_output_named_like_a_parameter_reads_the_parameter() -> None:
    view = load_view(BUNDLED)
    loans = view.measures["policy_loans"]
    same = set(loans.outputs) & set(view.params)
    assert same  # clause 17's outputs repeat the loan parameters' names
    assert same <= view.reads["policy_loans"]["param"]
    assert set(view.readers("growth_loan_min_cny")) == {"policy_loans"}


def test_rule_choices_reach_measures_and_tiers_through_derived_values() -> None:
    view = load_view(BUNDLED)
    by_key = {a.key: a for a in view.assumptions()}
    assert {k for k in by_key if k.startswith("choice:")} == {f"choice:{c}" for c in view.choices}
    for name, d in view.derived.items():
        for aid in d.assumptions:  # every measure whose expressions read the value rests on its choices
            assert set(view.readers(name)) <= set(by_key[f"choice:{aid}"].measures), (name, aid)
    lg = [a for a in by_key.values() if a.kind == "param" and "little_giant" in a.tiers]
    assert lg and all(not a.measures for a in lg)  # a tier threshold affects the tier only
    assert all(a.start is None or a.until is None or a.start < a.until for a in by_key.values())


def test_wording_fragments_and_table_input_types() -> None:
    view = load_view(BUNDLED)
    for name in view.fragments():
        assert not any(name in r["derived"] for r in (*view.reads.values(), *view.tier_reads.values()))
        assert view.template_users(name)
    assert "talent_tier" not in view.fragments()  # text, but a table reads it
    assert view.input_types("lg_min_rd_ratio") == ["money"]  # called with a money fact
    assert view.input_types("tech_sme_rd_points") == ["ratio"]  # called with money / money
    assert view.input_labels("qualification_valid_years", 0)[0]["tech_sme"] == "科技型中小企业"
