"""The MIIT innovative-SME package against an independent reference, and its own cases.

``tests/miit_reference.py`` implements the standard from facts.md by hand; here seeded
profiles (every band edge, a fen either side of it, zero bases, honours around their dates,
missing facts) go through the package and the reference, which must agree on the status, the
four scores, the missing facts and the readings listed. Only the public API is used.

The four scores are ``report = "always"`` outputs, so ``amounts`` carries every score that can
be computed whatever the status (an unknown score is left out): the comparison covers the
statuses and the four scores for every status, and counts the agreements per status.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

import zjtx_rules

from . import miit_reference as ref
from .conftest import ROOT

PACKAGE = ROOT / "rules" / "miit_innovative_sme_2022"
MEASURE = "innovative_sme_recognition"
SCORES = ("total_score", "innovation_score", "growth_score", "specialisation_score")
PROFILES = 600
FEN = Decimal("0.01")

# main-business revenue divisible by every edge's base (1.15, 1.10, 1.05, 0.70, 0.60, 0.55, ...),
# so that a ratio can land exactly on its edge in whole fen
MAIN = Decimal("531300000")
SHARE_EDGES = ["0.70", "0.60", "0.55", "0.50"]
GROWTH_EDGES = ["0.15", "0.10", "0.05", "0"]
RD_EDGES = ["0.05", "0.03", "0.02", "0.01"]
DEBT_EDGES = ["0.55", "0.75"]
KINDS = list(ref.HONOUR_KINDS)


@pytest.fixture(scope="module")
def rules() -> zjtx_rules.RuleSet:
    return zjtx_rules.load_rules(PACKAGE)


def _pick(rng: random.Random, edges: list[str], low: float, high: float) -> Decimal:
    """A value on an edge, a hair either side of one, or anywhere in [low, high]."""
    roll = rng.random()
    if roll < 0.4:
        return Decimal(rng.choice(edges))
    if roll < 0.6:
        return Decimal(rng.choice(edges)) + rng.choice([Decimal("-0.0001"), Decimal("0.0001")])
    return Decimal(str(round(rng.uniform(low, high), 4)))


def _money(x: Decimal) -> str:
    return str(max(x, Decimal(0)).quantize(FEN))


def profile(rng: random.Random, i: int, day: date) -> dict[str, Any]:
    main = MAIN if rng.random() < 0.7 else Decimal(rng.randrange(0, 10**9)) / 100
    share = _pick(rng, SHARE_EDGES, 0.2, 1.0)
    growth = _pick(rng, GROWTH_EDGES, -0.5, 0.5)
    revenue = main / share if share > 0 else main
    prev = main / (1 + growth) if growth > -1 else main
    p: dict[str, Any] = {
        "id": f"MIIT-{i:04d}",
        "high_value_class1_ip_count": rng.choice([0, 0, 0, 1, 2]),
        "own_class1_ip_count": rng.choice([0, 0, 1, 3]),
        "class1_ip_count": rng.choice([0, 1, 1, 4]),
        "class2_ip_count": rng.choice([0, 1, 2, 7]),
        "revenue_cny": _money(revenue),
        "main_business_revenue_cny": _money(main),
        "main_business_revenue_prev_cny": _money(prev),
        "debt_ratio": str(max(_pick(rng, DEBT_EDGES, 0.0, 1.2), Decimal(0))),
        "strategic_emerging_industry": rng.random() < 0.5,
        # the routes are rare, so that most outcomes turn on the score
        "sci_tech_award_3y": rng.random() < 0.08,
        "has_provincial_rd_institution": rng.random() < 0.08,
        "equity_financing_3y_cny": rng.choice(
            ["0", "0", "0", "4999999.99", "5000000.00", "5000000.01", "12000000"]
        ),
        "honours": [],
    }
    rd_share = _pick(rng, RD_EDGES, 0.0, 0.08)
    p["rd_expense_cny"] = _money(Decimal(p["revenue_cny"]) * rd_share)
    if rng.random() < 0.05:
        p["revenue_cny"] = "0.00"
    if rng.random() < 0.05:
        p["main_business_revenue_prev_cny"] = "0.00"
    for _ in range(rng.choice([0, 0, 0, 1, 2])):
        start = day + timedelta(days=rng.choice([-2000, -400, -1, 0, 1, 30]))
        end = day + timedelta(days=rng.choice([-1, 0, 1, 2, 365]))
        if end < start:
            end = start + timedelta(days=rng.choice([0, 1, 1000]))
        p["honours"].append(
            {"kind": rng.choice(KINDS), "recognized_on": start.isoformat(), "expires_on": end.isoformat()}
        )
    for name in list(p):
        if name != "id" and rng.random() < 0.06:
            del p[name]
    return p


def days(rng: random.Random) -> date:
    if rng.random() < 0.2:
        return rng.choice([date(2022, 8, 1), date(2026, 1, 16), date(2026, 1, 17), date(2026, 3, 31)])
    return date(2022, 8, 1) + timedelta(days=rng.randrange(0, 1338))


def _score_text(scores: dict[str, int | None]) -> str:
    def s(name: str) -> str:
        v = scores[name]
        return "unknown" if v is None else str(v)

    return (
        f"total score {s('total_score')} (innovation {s('innovation_score')}, "
        f"growth {s('growth_score')}, specialisation {s('specialisation_score')})"
    )


def cases() -> list[tuple[dict[str, Any], date]]:
    rng = random.Random(22)
    out = []
    for i in range(PROFILES):
        day = days(rng)
        out.append((profile(rng, i, day), day))
    return out


def test_the_package_agrees_with_the_reference(rules: zjtx_rules.RuleSet) -> None:
    seen_status: dict[str, int] = {}
    scored: dict[str, int] = {}  # results with at least one known score, by status
    full: dict[str, int] = {}  # results with all four scores known, by status
    edges_hit: set[str] = set()
    for p, day in cases():
        want = ref.evaluate(p, day)
        got = rules.evaluate(p, as_of=day).measure(MEASURE)
        label = f"{p['id']} on {day}: {p}"
        assert got.status == want.status, label
        # the four scores, for every status: the known ones, and nothing else
        assert got.amounts == {k: v for k, v in want.scores.items() if v is not None}, label
        [reason] = got.reasons
        assert _score_text(want.scores) in reason.text_en, label  # the wording states them too
        assert got.missing == want.missing, label
        assert {a.id for a in got.assumptions} == want.assumptions, label
        seen_status[want.status] = seen_status.get(want.status, 0) + 1
        if any(v is not None for v in want.scores.values()):
            scored[want.status] = scored.get(want.status, 0) + 1
        if all(v is not None for v in want.scores.values()):
            full[want.status] = full.get(want.status, 0) + 1
        edges_hit |= want.assumptions
    # the draw reaches every outcome and every reading, or the test proves little; and every
    # status has profiles with known scores to compare, all four of them included
    assert set(seen_status) == {"eligible", "ineligible", "undetermined"}, seen_status
    assert sum(seen_status.values()) == PROFILES
    assert all(full.get(s, 0) >= 10 for s in seen_status), (seen_status, full)
    print(f"agree on status and scores: {seen_status}; a score known: {scored}; all four: {full}")
    assert edges_hit >= {
        "rd_share_band_edges",
        "growth_band_edges",
        "debt_band_edges",
        "main_share_band_edges",
        "pass_score_edge",
        "equity_route_edge",
        "zero_base_no_points",
        "honours_named_kinds",
        "honour_valid_on_evaluation_date",
        "policy_period_end",
    }, edges_hit


def test_every_band_edge_is_drawn() -> None:
    """Each edge of each indicator occurs exactly in some profile (and so is compared)."""
    hit: dict[str, set[Decimal]] = {"rd": set(), "growth": set(), "share": set(), "debt": set()}
    for p, _day in cases():
        rev = Decimal(p["revenue_cny"]) if "revenue_cny" in p else None
        main = Decimal(p["main_business_revenue_cny"]) if "main_business_revenue_cny" in p else None
        prev = Decimal(p["main_business_revenue_prev_cny"]) if "main_business_revenue_prev_cny" in p else None
        if rev and "rd_expense_cny" in p:
            hit["rd"].add(Decimal(p["rd_expense_cny"]) / rev)
        if rev and main is not None:
            hit["share"].add(main / rev)
        if prev and main is not None:
            hit["growth"].add(main / prev - 1)
        if "debt_ratio" in p:
            hit["debt"].add(Decimal(p["debt_ratio"]))
    for key, edges in (
        ("rd", RD_EDGES),
        ("growth", GROWTH_EDGES),
        ("share", SHARE_EDGES),
        ("debt", DEBT_EDGES),
    ):
        assert {Decimal(e) for e in edges} <= hit[key], key


def test_the_package_passes_its_own_cases(rules: zjtx_rules.RuleSet) -> None:
    results = zjtx_rules.run_cases(rules)
    assert len(results) >= 40
    failed = {r.name: r.diffs for r in results if not r.passed}
    assert not failed, failed


def test_reference_bands_by_hand() -> None:
    """The reference's own edges, so that a slip in it is not mistaken for agreement."""
    d = Decimal
    assert [ref.rd_points(d(x)) for x in ("0.05", "0.0499", "0.03", "0.02", "0.0101", "0.01", "0")] == [
        20,
        15,
        15,
        10,
        5,
        0,
        0,
    ]
    assert [ref.growth_points(d(x)) for x in ("0.15", "0.1499", "0.10", "0.05", "0.0001", "0", "-0.3")] == [
        20,
        15,
        15,
        10,
        5,
        0,
        0,
    ]
    assert [ref.debt_points(d(x)) for x in ("0", "0.55", "0.5501", "0.7499", "0.75", "2")] == [
        10,
        10,
        5,
        5,
        0,
        0,
    ]
    assert [
        ref.main_share_points(d(x)) for x in ("0.70", "0.6999", "0.60", "0.55", "0.5001", "0.50", "0")
    ] == [20, 15, 15, 10, 5, 0, 0]
    assert [
        ref.ip_points(*c) for c in ((1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1), (0, 0, 0, 0))
    ] == [20, 15, 10, 5, 0]
    assert ref.field_points(True) == 10 and ref.field_points(False) == 5
