"""Summary cases (``[[summaries]]``): a small batch and what its summary must say."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zjtx_rules import load_rules, run_cases
from zjtx_rules.errors import RuleError
from zjtx_rules.quality.summary_cases import compare, keyed

BUNDLED = Path(__file__).resolve().parents[1] / "rules" / "liangjiang_zjtx_2022"
PROFILES = BUNDLED / "cases" / "profiles"


def _case_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "summary_cases.toml"
    path.write_text(body, encoding="utf-8")
    return path


def _run(tmp_path: Path, body: str) -> list[str]:
    rules = load_rules(BUNDLED)
    [result] = run_cases(rules, _case_file(tmp_path, body))
    return result.diffs


CASE = f"""
[[summaries]]
name = "two enterprises"
as_of = 2025-06-30
profile_files = [
  "{PROFILES / "municipal.json"}", "{PROFILES / "little_giant.json"}", "{PROFILES / "seed.json"}",
]
profiles = [ {{ employees = 10 }} ]
[summaries.expect]
lines = 4
errors = 1
targets.municipal_zjtx = {{ count = 2, target = 500 }}
targets.new_listings = {{ count = "<absent>" }}
measures.patent_subsidy = {{ budget_total = "34325.00" }}
rankings.seed_pool = {{ select_at_least = 100, candidates = 1 }}
"""


def test_a_summary_case_passes_when_the_summary_says_what_it_expects(tmp_path: Path) -> None:
    assert _run(tmp_path, CASE) == []


def test_a_summary_case_names_each_figure_that_differs(tmp_path: Path) -> None:
    body = CASE.replace("count = 2, target = 500", "count = 3, target = 500").replace(
        '"34325.00"', '"34325.01"'
    )
    diffs = _run(tmp_path, body.replace('targets.new_listings = { count = "<absent>" }', "bogus = 1"))
    assert "summary.targets.municipal_zjtx.count: expected 3, got 2" in diffs
    assert 'summary.measures.patent_subsidy.budget_total: expected "34325.01", got "34325.00"' in diffs
    assert any(d.startswith("summary.bogus: not in the summary") for d in diffs)
    assert len(diffs) == 3


def test_absent_expects_no_figure(tmp_path: Path) -> None:
    diffs = _run(
        tmp_path,
        CASE.replace(
            'targets.new_listings = { count = "<absent>" }', 'targets.little_giant = { count = "<absent>" }'
        ),
    )
    assert diffs == ["summary.targets.little_giant.count: expected none, got 1"]


def test_a_figure_written_differently_gets_a_hint(tmp_path: Path) -> None:
    diffs = _run(tmp_path, CASE.replace('budget_total = "34325.00"', "budget_total = 34325"))
    assert diffs == [
        'summary.measures.patent_subsidy.budget_total: expected 34325, got "34325.00" '
        '(the same figure: write it as the summary does, "34325.00")'
    ]


def test_a_missing_profile_file_is_named(tmp_path: Path) -> None:
    diffs = _run(tmp_path, CASE.replace(str(PROFILES / "municipal.json"), "nope.json"))
    assert len(diffs) == 1 and "no such file" in diffs[0] and "nope.json" in diffs[0]


def test_a_summary_case_needs_profiles(tmp_path: Path) -> None:
    body = '[[summaries]]\nname = "x"\nas_of = 2025-06-30\nexpect = { lines = 0 }\n'
    with pytest.raises(RuleError) as exc:
        run_cases(load_rules(BUNDLED), _case_file(tmp_path, body))
    message = str(exc.value)
    assert "summary_cases.toml:1:1" in message and "a summary case needs profile_files or profiles" in message


def test_lists_of_entries_are_keyed_by_id() -> None:
    summary = keyed({"targets": [{"id": "t", "count": 1}], "rankings": [{"measure": "m", "top": []}]})
    assert summary == {
        "targets": {"t": {"id": "t", "count": 1}},
        "rankings": {"m": {"measure": "m", "top": []}},
    }
    assert compare({"targets": {"t": {"count": 1}}}, summary, "summary") == []
    assert compare({"rankings": {"m": {"top": [1]}}}, summary, "s") == [
        "s.rankings.m.top: expected [1], got []"
    ]


def test_the_bundled_summary_case_notices_a_target_that_stops_being_yearly(tmp_path: Path) -> None:
    """The bundled ``cases/summaries.toml`` pins what only summaries read, e.g. ``per_year``."""
    pkg = tmp_path / "pkg"
    shutil.copytree(BUNDLED, pkg)
    policy = pkg / "policy.toml"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace("per_year = true", "per_year = false"), encoding="utf-8"
    )
    failed = [r for r in run_cases(load_rules(pkg)) if not r.passed]
    assert [r.name for r in failed] == ["汇总：市级企业 + 小巨人企业 + 一条坏记录，2025-06-30"]
    assert "summary.targets.seed_pool_yearly.per_year: expected true, got false" in failed[0].diffs
