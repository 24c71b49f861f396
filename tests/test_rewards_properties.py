"""Properties of the reward arithmetic in the bundled package (clauses 13 and 21)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import zjtx_rules
from tests.conftest import BUNDLED

RULES = zjtx_rules.load_rules(BUNDLED)
AS_OF = date(2025, 6, 30)
FEN = Decimal("0.01")
YEARS = list(range(2021, 2030))

BASE: dict[str, Any] = {
    "id": "prop",
    "registered_in_area": True,
    "serious_dishonesty": False,
}
TIERS = {
    "little_giant": [{"kind": "little_giant", "recognized_on": "2024-01-01"}],
    "municipal_zjtx": [{"kind": "municipal_zjtx", "recognized_on": "2024-01-01"}],
}


def money(places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(0, 10_000_000, places=places, allow_nan=False, allow_infinity=False)


def talents(places: int = 2) -> st.SearchStrategy[list[dict[str, Any]]]:
    contrib = st.dictionaries(st.sampled_from(YEARS).map(str), money(places), max_size=6)
    return st.lists(
        st.tuples(st.text("ABCDEFGH", min_size=1, max_size=3), contrib), max_size=14, unique_by=lambda t: t[0]
    ).map(lambda ts: [{"id": i, "contributions_cny": c} for i, c in ts])


def reward(tier: str, ts: list[dict[str, Any]], start: int | None) -> zjtx_rules.MeasureOutcome:
    profile = dict(BASE, qualifications=TIERS[tier], talents=ts)
    if start is not None:
        profile["talent_award_start_year"] = start
    return RULES.evaluate(profile, AS_OF).measure("talent_reward")


common = settings(max_examples=150, deadline=None, derandomize=True)
START = st.one_of(st.none(), st.integers(2022, 2025))  # the plan period (issue 9)
TIER = st.sampled_from(sorted(TIERS))


@common
@given(tier=TIER, ts=talents(), start=START)
def test_quota_and_selection(tier: str, ts: list[dict[str, Any]], start: int | None) -> None:
    m = reward(tier, ts, start)
    assert m.status == "eligible"
    quota, sel, unsel = m.amounts["quota"], m.amounts["selected_talents"], m.amounts["unselected_talents"]
    assert 0 < quota <= 8
    assert len(sel) == min(quota, len(ts))
    assert set(sel).isdisjoint(unsel) and set(sel) | set(unsel) == {t["id"] for t in ts}


@common
@given(tier=TIER, ts=talents(), start=START)
def test_each_year_is_the_sum_of_its_rounded_parts(
    tier: str, ts: list[dict[str, Any]], start: int | None
) -> None:
    m = reward(tier, ts, start)
    y0 = m.amounts["reward_start_year"]
    # never before the year the title was recognised (2024 in TIERS): clause 21, issue 18
    assert y0 == max(start if start is not None else AS_OF.year, 2024)
    sel = [t for t in ts if t["id"] in m.amounts["selected_talents"]]
    by_year = m.amounts["reward_by_year"]
    assert set(by_year) <= {y0, y0 + 1, y0 + 2}
    for y in range(y0, y0 + 3):
        parts = [t["contributions_cny"][str(y)] for t in sel if str(y) in t["contributions_cny"]]
        if not parts:
            assert y not in by_year
            continue
        expected = sum((p.quantize(FEN, rounding=ROUND_HALF_UP) for p in parts), Decimal(0))
        assert by_year[y] == expected
        assert by_year[y] <= sum(parts, Decimal(0))  # fen-precision inputs: exactly 100%
    assert m.amounts["reward_total"] == sum(by_year.values(), Decimal(0))
    for v in [*by_year.values(), m.amounts["reward_total"]]:
        assert isinstance(v, Decimal) and v.as_tuple().exponent == -2


@common
@given(tier=TIER, recognized=st.dates(date(2022, 7, 1), date(2025, 6, 30)), start=START)  # valid on AS_OF
def test_the_reward_never_starts_before_the_title_was_recognised(
    tier: str, recognized: date, start: int | None
) -> None:
    """Clause 21 (issue 18): years before the title are never paid; a start year after the
    recognition year is kept, an earlier one moves to it and the result warns (W703)."""
    ts = [{"id": "T", "contributions_cny": {str(y): Decimal(1000) for y in range(2021, 2029)}}]
    profile = dict(BASE, qualifications=[{"kind": tier, "recognized_on": recognized.isoformat()}], talents=ts)
    if start is not None:
        profile["talent_award_start_year"] = start
    ev = RULES.evaluate(profile, AS_OF)
    m = ev.measure("talent_reward")
    asked = start if start is not None else AS_OF.year
    y0 = m.amounts["reward_start_year"]
    assert y0 == max(asked, recognized.year)
    assert min(m.amounts["reward_by_year"]) >= recognized.year
    moved = asked < recognized.year
    assert ("talent_years_not_before_title" in [a.id for a in m.assumptions]) == moved
    assert ("W703" in [w["code"] for w in ev.warnings]) == moved


@common
@given(tier=TIER, ts=talents(places=4), start=START)
def test_sub_fen_inputs_round_half_up_per_talent(
    tier: str, ts: list[dict[str, Any]], start: int | None
) -> None:
    m = reward(tier, ts, start)
    sel = [t for t in ts if t["id"] in m.amounts["selected_talents"]]
    for y, amount in m.amounts["reward_by_year"].items():
        parts = [t["contributions_cny"][str(y)] for t in sel if str(y) in t["contributions_cny"]]
        assert abs(amount - sum(parts, Decimal(0))) <= Decimal("0.005") * len(parts)


@common
@given(tier=TIER, ts=talents(), start=START, seed=st.randoms(use_true_random=False))
def test_reordering_talents_changes_nothing(
    tier: str, ts: list[dict[str, Any]], start: int | None, seed: Any
) -> None:
    shuffled = list(ts)
    seed.shuffle(shuffled)
    a, b = reward(tier, ts, start).amounts, reward(tier, shuffled, start).amounts
    assert a["selected_talents"] == b["selected_talents"]
    assert a["reward_by_year"] == b["reward_by_year"]
    assert sorted(a["unselected_talents"]) == sorted(b["unselected_talents"])


@common
@given(
    tier=TIER,
    ts=talents().filter(bool),
    start=START,
    pick=st.integers(0, 100),
    year=st.sampled_from(YEARS),
    delta=money(2),
)
def test_raising_a_contribution_never_lowers_the_total(
    tier: str, ts: list[dict[str, Any]], start: int | None, pick: int, year: int, delta: Decimal
) -> None:
    """Raising a selected talent's contribution, or anyone's outside the selection year, never
    lowers the total. (Raising an unselected talent's selection-year figure can displace a
    talent with larger later years: see the next test.)"""
    before = reward(tier, ts, start)
    y0 = before.amounts["reward_start_year"]
    target = ts[pick % len(ts)]
    if target["id"] not in before.amounts["selected_talents"] and year == y0:
        year = y0 + 1
    raised = [dict(t, contributions_cny=dict(t["contributions_cny"])) for t in ts]
    c = raised[pick % len(ts)]["contributions_cny"]
    c[str(year)] = c.get(str(year), Decimal(0)) + delta
    after = reward(tier, raised, start)
    assert after.amounts["reward_total"] >= before.amounts["reward_total"]


def test_selection_by_first_year_can_displace_a_larger_later_earner() -> None:
    """The pinned rule selects by the first reward year only; this is the consequence."""
    ts = [{"id": f"T{i}", "contributions_cny": {"2025": "100"}} for i in range(8)]
    ts.append({"id": "Z", "contributions_cny": {"2025": "50", "2026": "100000"}})
    before = reward("little_giant", ts, 2025).amounts["reward_total"]
    ts[-1]["contributions_cny"]["2025"] = "150"
    after = reward("little_giant", ts, 2025).amounts["reward_total"]
    assert (before, after) == (Decimal("800.00"), Decimal("100850.00"))


PATENT = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["invention", "utility_model", "design"]),
        "region": st.sampled_from(["domestic", "foreign"]),
        "granted_on": st.dates(date(2021, 1, 1), date(2026, 12, 31)).map(str),
        "official_fees_cny": st.decimals(0, 200_000, places=2, allow_nan=False, allow_infinity=False),
    }
)


@common
@given(patents=st.lists(PATENT, max_size=12))
def test_patent_subsidy_never_exceeds_half_the_fees(patents: list[dict[str, Any]]) -> None:
    ps = [dict(p, number=f"P{i}") for i, p in enumerate(patents)]
    profile = dict(BASE, qualifications=TIERS["municipal_zjtx"], patents_granted=ps)
    m = RULES.evaluate(profile, AS_OF).measure("patent_subsidy")
    chosen = set(m.amounts["subsidised_patents"])
    fees = {p["number"]: p["official_fees_cny"] for p in ps}
    assert m.amounts["subsidy_total"] <= sum((fees[n] for n in chosen), Decimal(0)) / 2
    for p in ps:
        inside = (
            p["kind"] == "invention"
            and "2022-01-01" <= p["granted_on"] <= "2025-12-31"
            and p["granted_on"] <= str(AS_OF)
        )
        assert (p["number"] in chosen) == inside
    for year, amount in m.amounts["subsidy_by_year"].items():
        assert 2022 <= year <= 2025 and amount.as_tuple().exponent == -2
        cap = sum(
            (
                Decimal(20000 if p["region"] == "foreign" else 10000)
                for p in ps
                if p["number"] in chosen and p["granted_on"][:4] == str(year)
            ),
            Decimal(0),
        )
        assert amount <= cap
