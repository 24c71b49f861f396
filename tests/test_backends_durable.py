"""Differential test: durable-rules and our engine agree on every measure's status."""

from __future__ import annotations

from datetime import date

import durable.lang  # noqa: F401  (a test extra: missing is a failure, not a skip)
import pytest

import zjtx_rules
from tests.conftest import BUNDLED
from zjtx_rules.backends.durable import DurableBackend, Unsupported
from zjtx_rules.quality.generate import generate


@pytest.mark.parametrize("as_of", [date(2025, 6, 30), date(2023, 1, 1)])
def test_durable_agrees_on_2000_complete_profiles(as_of: date) -> None:
    rules = zjtx_rules.load_rules(BUNDLED)
    backend = DurableBackend(rules, as_of)
    disagreements = []
    seen = set()
    for p in generate(rules, 2000 if as_of.year == 2025 else 300, 17, missing=0.0, as_of=as_of):
        theirs = backend.statuses(p)
        for m in rules.evaluate(p, as_of).measures:
            seen.add((m.id, m.status))
            if m.id in theirs and theirs[m.id] != m.status:
                disagreements.append((p["id"], m.id, m.status, theirs[m.id]))
    assert disagreements == []
    # the seed pool's "not is_zjtx" is an all() over qualifications with a compound condition
    assert set(backend.unsupported) == {"seed_pool"}
    assert ("talent_reward", "eligible") in seen and ("talent_reward", "ineligible") in seen


def test_incomplete_profiles_are_refused() -> None:
    rules = zjtx_rules.load_rules(BUNDLED)
    backend = DurableBackend(rules, date(2025, 6, 30))
    with pytest.raises(Unsupported):
        backend.statuses({"id": "x"})
