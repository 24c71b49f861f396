"""The bundled package's own cases run under pytest too (one test per case)."""

from __future__ import annotations

from pathlib import Path

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
