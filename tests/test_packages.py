"""Every package under rules/ loads with no error and passes its own cases: whatever the
number of packages, and without a word of Python per package."""

from __future__ import annotations

from pathlib import Path

import pytest

import zjtx_rules
from tests.conftest import PACKAGES


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_each_package_loads_and_passes_its_cases(package: Path) -> None:
    rules = zjtx_rules.load_rules(package)
    assert rules.policy.id == package.name  # a package's folder is named after its policy
    results = zjtx_rules.run_cases(rules)
    assert results, f"{package.name} has no cases"
    failed = [f"{r.name}: {r.diffs}" for r in results if not r.passed]
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_each_package_reads_in_both_languages(package: Path) -> None:
    rules = zjtx_rules.load_rules(package)
    described = rules.describe()
    for m in described["measures"]:
        assert m["title_zh"] and m["title_en"], m["id"]
    assert not [d for d in rules.diagnostics if d.code == "W801"], "missing English labels"
