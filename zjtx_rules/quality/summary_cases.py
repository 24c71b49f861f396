"""Summary cases: a small batch of profiles and what its summary must say.

Analysts forecast budgets and follow the plan's targets from batch summaries (``zjtx batch
--summary``), so the parts of a rule package that only summaries read (targets, a measure's
``summary`` outputs, rankings) need cases too. A ``[[summaries]]`` table in a case file names
profiles (``profile_files`` relative to the case file, and/or inline ``profiles``), an
``as_of`` date and ``expect``: any part of the summary's JSON. Lists of entries with an ``id``
(measures, targets) or a ``measure`` (rankings) are written as tables keyed by it, so a case
names only what it pins::

    [[summaries]]
    name = "two enterprises: targets and the talent budget"
    as_of = 2025-06-30
    profile_files = ["profiles/municipal.json", "profiles/little_giant.json"]
    expect.targets.municipal_zjtx = { count = 2, target = 500 }
    expect.measures.talent_reward = { eligible = 2, budget_total = "123.00" }
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from zjtx_rules.batch.stream import Record, evaluate_record
from zjtx_rules.batch.summary import Summary
from zjtx_rules.display import JSON, bounded
from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.package.source import read_profile_file
from zjtx_rules.package.spec import SummaryCaseSpec

ABSENT = "<absent>"  # as in a case's amounts: the summary has no such figure (null or missing)
_KEYED = {"measures": "id", "targets": "id", "rankings": "measure"}


def summary_of(rules: RuleSet, spec: SummaryCaseSpec, folder: Path) -> dict[str, Any]:
    """The batch summary of the case's profiles, in the order given (files first), each made
    into its summary record the way ``zjtx batch`` does it (``evaluate_record``)."""
    records: list[Record] = [(0, "json", read_profile_file(folder / name)) for name in spec.profile_files]
    records += [(0, "profile", profile) for profile in spec.profiles]
    summary = Summary(rules)
    for line, (_, kind, payload) in enumerate(records, start=1):
        summary.add(evaluate_record(rules, (line, kind, payload), spec.as_of, reasons=False)[1])
    return keyed(summary.to_dict())


def keyed(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary with its lists of measures, targets and rankings turned into tables."""
    out = dict(summary)
    for key, by in _KEYED.items():
        if isinstance(out.get(key), list):
            out[key] = {entry[by]: entry for entry in out[key]}
    return out


def compare(want: Any, have: Any, where: str) -> list[str]:
    """Differences between what a case expects and the summary: a table expects only the
    keys it names; anything else must be equal (money as strings, as in the summary);
    ``"<absent>"`` expects no figure (null or missing)."""
    if isinstance(want, dict):
        if not isinstance(have, dict):
            return [f"{where}: expected a table, got {_shown(have)}"]
        diffs: list[str] = []
        for key, sub in want.items():
            name = f"{where}.{key}" if where else str(key)
            if sub == ABSENT:
                if have.get(key) is not None:
                    diffs.append(f"{name}: expected none, got {_shown(have[key])}")
            elif key not in have:
                diffs.append(f"{name}: not in the summary (it has {sorted(map(str, have))})")
            else:
                diffs.extend(compare(sub, have[key], name))
        return diffs
    want = expected_json(want)
    if want == have:
        return []
    return [f"{where}: expected {_shown(want)}, got {_shown(have)}{_same_figure(want, have)}"]


def _same_figure(want: Any, have: Any) -> str:
    """A hint when the figures agree and only their writing differs (174340.5 for
    "174340.50", "1" for 1): write them as the summary does."""
    try:
        same = Decimal(str(want)) == Decimal(str(have))
    except ArithmeticError:
        return ""
    if not same or isinstance(want, bool) or isinstance(have, bool):
        return ""
    return f" (the same figure: write it as the summary does, {_shown(have)})"


def expected_json(value: Any) -> Any:
    """An expected value from TOML in the JSON form results and summaries use (money and
    ratios as strings, dates as ISO text)."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, list):
        return [expected_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): expected_json(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _shown(value: Any) -> str:
    """A summary figure in a case's failure message: JSON, bounded (a ranking may be long)."""
    return bounded(value, JSON, limit=300)
