"""The bundled package's own cases run under pytest too (one test per case)."""

from __future__ import annotations

import pytest

import zjtx_rules
from zjtx_rules.casefile import load_cases, run_case

from .conftest import BUNDLED, MINI

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
