"""The decide pass against the reference: the same answers, byte for byte.

``evaluate`` decides statuses and amounts first and explains the rest when it is read
(``zjtx_rules.evaluate.decide``). The reference here is the eager three-valued ``Run`` over the
same package with every expression run by the tree-walking interpreter (``expr/interpret.py``)
instead of generated code. On generated profiles (complete, and with facts missing at random),
on two days, with reasons on and off, both must give the same ``to_json()`` and ``to_compact()``
and the same warnings, whichever fields are read first.

``ZJTX_DIFF_PROFILES`` sets the profiles per package and share of missing facts (CI: 1000,
so 2,000 a package; the documented run in docs/analysts.md: 20000).
"""

from __future__ import annotations

import atexit
import dataclasses
import os
import random
import shutil
import tempfile
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import zjtx_rules
from zjtx_rules.evaluate.engine import explain
from zjtx_rules.evaluate.result import Evaluation
from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.expr.codegen import generated
from zjtx_rules.expr.interpret import interpret
from zjtx_rules.program.assumptions import AssumptionBook
from zjtx_rules.program.model import Program
from zjtx_rules.quality.generate import generate

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {
    "liangjiang": ROOT / "rules" / "liangjiang_zjtx_2022",
    "miit": ROOT / "rules" / "miit_innovative_sme_2022",
    "lj_perf_workload": ROOT / "tests" / "compat" / "lj_perf_workload",
    "mini": ROOT / "tests" / "packages" / "mini",
}
COUNT = int(os.environ.get("ZJTX_DIFF_PROFILES", "1000"))
DAYS = (date(2024, 6, 30), date(2023, 3, 1), date(2026, 6, 30))  # either side of criteria's dates


def _interpreted(fn: Any) -> Any:
    """The reference interpreter on the tree ``fn`` was generated from."""
    if fn is None:
        return None
    gen = generated(fn)
    assert gen is not None, "every compiled function keeps its tree"
    node = gen.node
    return lambda env: interpret(node, env)


def reference(program: Program) -> Program:
    """The same program with every compiled expression replaced by the interpreter."""
    r = _interpreted
    measures = tuple(
        dataclasses.replace(
            m,
            conditions=[dataclasses.replace(c, fn=r(c.fn)) for c in m.conditions],
            outputs=[dataclasses.replace(o, fn=r(o.fn)) for o in m.outputs],
        )
        for m in program.measures
    )
    tiers = tuple(
        dataclasses.replace(
            t,
            held=r(t.held),
            criteria=[
                dataclasses.replace(
                    c,
                    expr=r(c.expr),
                    actual=r(c.actual),
                    required=r(c.required),
                    or_expr=r(c.or_expr),
                    extra=r(c.extra),
                    applies=r(c.applies),
                )
                for c in t.criteria
            ],
        )
        for t in program.tiers
    )
    book = program.book
    choices = {k: (a, r(test)) for k, (a, test) in book.choices.items()}
    return dataclasses.replace(
        program,
        derived={k: r(v) for k, v in program.derived.items()},
        measures=measures,
        tiers=tiers,
        target_fns={k: r(v) for k, v in program.target_fns.items()},
        book=AssumptionBook(book.params, book.tables, choices, book.warn),
    )


# Measures read before they come in file order: the package's decision function decides each
# after those it reads (``Program.decision_order``).
CHAINED = """
[measures.early]
clause = "3"
title_zh = "前置"
title_en = "Early"
quote = "test"
benefit = "service"
responsible_units = ["unit"]
responsible_units_en = ["unit"]
[[measures.early.conditions]]
id = "followed"
expr = "follow_up.eligible or follow_up.undetermined"
pass_zh = "已跟进"
pass_en = "followed up"
fail_zh = "未跟进"
fail_en = "not followed up"
[[measures.early.conditions]]
id = "large_grant"
expr = "grant.eligible and grant.amount >= 1000"
pass_zh = "补助较多"
pass_en = "a large grant"
fail_zh = "补助较少"
fail_en = "a small grant"
[measures.early.outputs.half]
type = "money"
expr = "if grant.ineligible then 0 else grant.amount / 2"

"""


@cache
def _chained() -> Path:
    """The mini package with ``CHAINED`` before its measures (written once, removed at exit)."""
    root = Path(tempfile.mkdtemp(prefix="zjtx-chained-"))
    atexit.register(shutil.rmtree, root, True)
    shutil.copytree(PACKAGES["mini"], root, dirs_exist_ok=True)
    measures = root / "measures.toml"
    measures.write_text(CHAINED + measures.read_text("utf-8"), "utf-8")
    return root


@cache
def _rules(name: str) -> tuple[RuleSet, Program]:
    rules = zjtx_rules.load_rules(_chained() if name == "chained" else PACKAGES[name])
    return rules, reference(rules.program)


def test_a_measure_is_decided_after_the_measures_it_reads() -> None:
    rules, _ = _rules("chained")
    assert [m.id for m in rules.measures] == ["early", "grant", "follow_up"]
    assert [m.id for m in rules.program.decision_order] == ["grant", "follow_up", "early"]
    assert rules.program.decision is not None


def expected(
    rules: RuleSet, ref: Program, profile: Any, day: date, reasons: bool, got: Evaluation
) -> Evaluation:
    """The reference's answer, assembled as ``evaluate`` assembles it."""
    facts = rules.validate_profile(profile)
    assumed, tables = rules.assumed_at(day)
    measures, tiers = explain(ref, facts, rules.params_at(day), day, assumed, tables, reasons)
    return Evaluation(
        got.policy, day, got.profile_id, got.warnings, list(measures.values()), tiers, got.targets
    )


def _w703(rules: RuleSet, ev: Evaluation) -> list[str]:
    """W703 as the eager engine raised it: one per warned choice each measure rested on."""
    return [m.id + ":" + a.id for m in ev.measures for a in m.assumptions if a.id in rules.book.warn]


@pytest.mark.parametrize("name", sorted([*PACKAGES, "chained"]))
@pytest.mark.parametrize("missing", [0.0, 0.15])
def test_decide_matches_the_reference_interpreter(name: str, missing: float) -> None:
    rules, ref = _rules(name)
    for i, profile in enumerate(generate(rules, COUNT, seed=20261202, missing=missing)):
        day = DAYS[i % len(DAYS)]
        reasons = i % 4 != 0  # every day with reasons on and off
        got = rules.evaluate(profile, day, reasons=reasons)
        want = expected(rules, ref, profile, day, reasons, got)
        where = f"{name} profile {i} ({day}, missing {missing}, reasons {reasons})"
        w703 = [w for w in got.warnings if w["code"] == "W703"]
        assert len(w703) == len(_w703(rules, want)), where
        # read the lazy fields in a random order first: the answer must not depend on it
        again = rules.evaluate(profile, day, reasons=reasons)
        fields = [(m, f) for m in again.measures for f in ("missing", "assumptions", "reasons")]
        fields += [(t, f) for t in again.tiers for f in ("criteria", "assumptions")]
        random.Random(i).shuffle(fields)
        for obj, f in fields:
            getattr(obj, f)
        assert got.to_compact() == want.to_compact(), where
        assert got.to_json() == want.to_json(), where
        assert again.to_json() == want.to_json(), where


def test_outcomes_compare_by_their_fields_whatever_day_or_load_made_them() -> None:
    """Equality is the dataclass's, field by field (regression: one outcome class per
    measure and day made equal outcomes of two days or loads unequal)."""
    rules, _ = _rules("liangjiang")
    profile = next(iter(generate(rules, 1, seed=3, missing=0.0)))
    a = rules.evaluate(profile, date(2024, 6, 30))
    b = rules.evaluate(profile, date(2024, 7, 1))
    c = zjtx_rules.load_rules(PACKAGES["liangjiang"]).evaluate(profile, date(2024, 6, 30))
    assert a.measures == b.measures == c.measures
    assert a.measures[0] != a.measures[1]
