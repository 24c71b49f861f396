"""The bundled package's own cases run under pytest too (one test per case)."""

from __future__ import annotations

from pathlib import Path

import pytest

import zjtx_rules
from tests.conftest import BUNDLED, MINI
from zjtx_rules.quality.cases import load_cases, run_case

_RULES = zjtx_rules.load_rules(BUNDLED)
_CASES = load_cases(_RULES)


def test_package_has_at_least_40_cases() -> None:
    assert len(_CASES) >= 40


@pytest.mark.parametrize("case", _CASES, ids=lambda c: c.spec.name[:60])
def test_bundled_case(case: object) -> None:
    result = run_case(_RULES, case)  # type: ignore[arg-type]
    assert result.passed, "\n".join(result.diffs)


def test_mini_cases_pass() -> None:
    results = zjtx_rules.run_cases(zjtx_rules.load_rules(MINI))
    assert results and all(r.passed for r in results)


def test_a_profile_file_that_is_a_pipe_is_an_error_not_a_hang(tmp_path: Path) -> None:
    """Regression: ``profile_file`` pointing at a FIFO blocked ``zjtx test`` for ever."""
    import os
    import shutil

    pkg = tmp_path / "pkg"
    shutil.copytree(MINI, pkg)
    os.mkfifo(pkg / "cases" / "pipe.json")
    (pkg / "cases" / "pipe.toml").write_text(
        '[[cases]]\nname = "pipe"\nas_of = 2022-06-01\nprofile_file = "pipe.json"\n', encoding="utf-8"
    )
    results = zjtx_rules.run_cases(zjtx_rules.load_rules(pkg), select="pipe")
    assert [r.passed for r in results] == [False]
    assert "not a regular file" in results[0].diffs[0]


def _diffs(tmp_path: Path, expect: str) -> list[str]:
    """The diffs of one case on the municipal-SRDI profile of the bundled package."""
    import shutil

    shutil.copy(BUNDLED / "cases" / "profiles" / "municipal.json", tmp_path / "municipal.json")
    case_file = tmp_path / "case.toml"
    case_file.write_text(
        f'[[cases]]\nname = "x"\nas_of = 2025-06-30\nprofile_file = "municipal.json"\n{expect}\n',
        encoding="utf-8",
    )
    [case] = load_cases(_RULES, case_file)
    return run_case(_RULES, case).diffs


def test_expect_targets_compares_the_target_ids_as_a_set(tmp_path: Path) -> None:
    # an innovative-SME and a municipal-SRDI title: those two targets, in any order
    assert _diffs(tmp_path, 'expect_targets = ["municipal_zjtx", "innovative_sme"]') == []
    assert _diffs(tmp_path, 'expect_targets = ["little_giant", "municipal_zjtx"]') == [
        "targets: expected ['little_giant', 'municipal_zjtx'], got ['innovative_sme', 'municipal_zjtx']"
    ]
    assert _diffs(tmp_path, "expect_targets = []") == [
        "targets: expected [], got ['innovative_sme', 'municipal_zjtx']"
    ]


def test_reasons_contain_finds_words_in_either_language(tmp_path: Path) -> None:
    ok = '["有效至 2027-01-20", "title expires within the reward period"]'
    assert _diffs(tmp_path, f"expect.talent_reward.reasons_contain = {ok}") == []
    bad = '["有效至 2027-01-20", "valid until 2028-01-20"]'
    assert _diffs(tmp_path, f"expect.talent_reward.reasons_contain = {bad}") == [
        "talent_reward.reasons: expected a reason containing 'valid until 2028-01-20', found none"
    ]


def test_reasons_omit_names_the_reason_that_has_the_unwanted_words(tmp_path: Path) -> None:
    assert _diffs(tmp_path, 'expect.talent_reward.reasons_omit = ["没有有效的"]') == []
    [diff] = _diffs(tmp_path, 'expect.talent_reward.reasons_omit = ["资质在奖励期内到期"]')
    want = "talent_reward.reasons: expected no reason containing '资质在奖励期内到期', got '评估日持有"
    assert diff.startswith(want)


def test_tier_texts_find_words_in_a_criterion_text(tmp_path: Path) -> None:
    # years in the field 6 against 10 required: 4 years short, written by format = "years";
    # main-business revenue CNY 85m against 200m: CNY 115m short, written by format = "money"
    ok = '{ years_in_field = "4 years short", main_revenue = "差 115,000,000.00 元" }'
    assert _diffs(tmp_path, f"expect_tiers.single_champion.texts = {ok}") == []
    [diff] = _diffs(tmp_path, 'expect_tiers.single_champion.texts = { years_in_field = "差 4 个百分点" }')
    assert diff.startswith("tier single_champion.years_in_field.text: expected '差 4 个百分点' in '从事相关")
    assert diff.endswith("needs >= 10 years: 4 years short)'")
    # a criterion not in force on the day (the 2026 revision starts 2026-04-01) is named as such
    assert _diffs(tmp_path, 'expect_tiers.little_giant.texts = { revenue_2026 = "CNY" }') == [
        "tier little_giant.revenue_2026.text: expected 'CNY', got <absent>"
    ]


def test_a_criterion_can_be_expected_absent(tmp_path: Path) -> None:
    # on 2025-06-30 the 2026 revision is not yet in force; niche_years is (6 years, 3 needed)
    assert _diffs(tmp_path, 'expect_tiers.little_giant.criteria = { revenue_2026 = "<absent>" }') == []
    assert _diffs(tmp_path, 'expect_tiers.little_giant.criteria = { niche_years = "<absent>" }') == [
        "tier little_giant.niche_years: expected <absent>, got met"
    ]
    assert _diffs(tmp_path, 'expect_tiers.little_giant.criteria = { revenue_2026 = "met" }') == [
        "tier little_giant.revenue_2026: expected met, got <absent>"
    ]
