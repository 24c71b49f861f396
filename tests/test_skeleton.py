"""``zjtx new``: the skeleton package is whole and green as written."""

from __future__ import annotations

from pathlib import Path

import pytest

import zjtx_rules
from zjtx_rules.package.skeleton import policy_id_for, write_skeleton


def test_the_skeleton_checks_clean_and_passes_its_cases(tmp_path: Path) -> None:
    folder = tmp_path / "my-district_2026"
    write_skeleton(folder)
    rules = zjtx_rules.load_rules(folder)
    assert rules.policy.id == "my_district_2026"
    assert not rules.diagnostics  # not even a warning: an author starts from green
    results = zjtx_rules.run_cases(rules)
    assert len(results) == 3 and all(r.passed for r in results)
    statuses = {
        rules.evaluate(p, "2025-06-30").measures[0].status
        for p in (
            {"id": "a", "registered_in_area": True},
            {"id": "b", "registered_in_area": False},
            {"id": "c"},
        )
    }
    assert statuses == {"eligible", "ineligible", "undetermined"}


def test_the_skeleton_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(zjtx_rules.UsageError):
        write_skeleton(tmp_path / "taken")
    assert (tmp_path / "taken" / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(("name", "expected"), [("Foo Bar", "foo_bar"), ("2026", "policy_2026"), ("a", "a")])
def test_policy_ids_come_from_the_folder_name(tmp_path: Path, name: str, expected: str) -> None:
    assert policy_id_for(tmp_path / name) == expected
