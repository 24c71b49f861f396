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


def test_the_readme_command_runs_the_bundled_package_in_a_checkout_of_several() -> None:
    """With several packages in ./rules, ``zjtx`` told nothing uses the bundled default (and
    says so on its first line), so the README's first command holds however many there are."""
    import os
    import subprocess
    import sys

    from tests.conftest import BUNDLED, ROOT

    env = {k: v for k, v in os.environ.items() if k != "ZJTX_RULES"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "zjtx_rules",
            "evaluate",
            "examples/profiles/little_giant_11_talents.json",
            "--as-of",
            "2025-06-30",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"rules/{BUNDLED.name}" in proc.stdout.splitlines()[0]
    assert "1,344,386.50" in proc.stdout


COMPAT = Path(__file__).resolve().parent / "compat"


@pytest.mark.parametrize("package", sorted(p for p in COMPAT.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_a_package_written_against_an_earlier_format_keeps_loading_and_passing(package: Path) -> None:
    """tests/compat/ holds packages frozen as they were written (lj_perf_workload: the speed
    reference's package, written before E128, with no Chinese form text); the format only grows,
    so each loads with no error and passes its cases, unchanged."""
    rules = zjtx_rules.load_rules(package)
    results = zjtx_rules.run_cases(rules)
    assert results and all(r.passed for r in results), [r.name for r in results if not r.passed]
