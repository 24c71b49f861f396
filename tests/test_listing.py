"""``zjtx compile``: the generated code of a package, printed for review."""

from __future__ import annotations

import pytest

import zjtx_rules
from zjtx_rules.cli.main import main
from zjtx_rules.errors import UsageError
from zjtx_rules.render.code_listing import entries, show


def test_show_prints_every_condition_output_and_derived_value_a_measure_runs(
    rules: zjtx_rules.RuleSet, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compile", "--show", "talent_reward"]) == 0
    text = capsys.readouterr().out
    m = next(m for m in rules.measures if m.id == "talent_reward")
    for c in m.conditions:
        assert f"# --- condition {c.spec.id}\n" in text
    for o in m.outputs:
        assert f"# --- output {o.name}\n" in text
    assert "# --- derived value holds_little_giant\n" in text  # read by a condition
    assert text.count("def _z1(_z0):") == text.count("# --- ")
    assert "# rule: registered_in_area" in text
    assert "Decimal('" in text  # the constant table, as comments


def test_show_accepts_tiers_and_derived_values(rules: zjtx_rules.RuleSet) -> None:
    tier = rules.tiers[0].id
    assert "# --- held\n" in show(rules, tier)
    derived = next(iter(rules.derived))
    assert show(rules, derived).count("# --- derived value ") >= 1
    assert len(entries(rules, tier)) > 1


def test_show_of_an_unknown_name_suggests_the_closest(
    rules: zjtx_rules.RuleSet, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(UsageError, match="talent_reward"):
        show(rules, "talent_rewad")
    assert main(["compile", "--show", "talent_rewad"]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'talent_reward'" in err and "您是否想写" in err


def test_compile_without_show_counts_functions_and_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compile"]) == 0
    text = capsys.readouterr().out
    total = text.splitlines()[-1].split()
    assert total[0] == "total" and int(total[1]) > 100 and int(total[2]) > int(total[1])
