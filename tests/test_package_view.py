"""The reader's view of a package: clause order, what each declaration reads, assumptions."""

from __future__ import annotations

from zjtx_rules.package_view import clause_key, load_view

from .conftest import BUNDLED


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
