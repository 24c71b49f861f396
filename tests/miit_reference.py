"""A hand-written reference for the MIIT 2022 innovative-SME standard, independent of the TOML.

Written from ``shared/policy/facts.md`` section 1.1 (工信部企业〔2022〕63号, annex 创新型中小企业
评价标准), not from ``rules/miit_innovative_sme_2022``: ``tests/test_miit_package.py`` checks
that the package and this module agree on many profiles. Only the readings the standard leaves
open are shared with the package, and they are restated here in words:

- 以上 / 以下 include the number (Civil Code art. 1259); an inner edge of a band "a%-b%" belongs
  to the higher band. So 5% R&D scores 20, 3% 15, 2% 10 and exactly 1% scores 0.
- A share or growth rate over a zero base scores 0 points.
- Honours count when valid on the evaluation date: recognized_on <= day < expires_on.
- Only the four named honours count (the profile cannot name another).

Unknowns follow Kleene logic: ``None`` is unknown. ``missing`` follows the engine's documented
rule that an undetermined result lists the absent facts that made its unknown parts unknown:
a share is computed once its base is known (the base is read first, and a zero base needs no
numerator), and a decision table needs every one of its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

PASS_SCORE = 60
INNOVATION_FLOOR = 20
GROWTH_FLOOR = 15
SPECIALISATION_FLOOR = 15
EQUITY_ROUTE_MIN = Decimal("5000000")
HONOUR_KINDS = ("high_tech_enterprise", "national_tech_innovation_demo", "ip_advantage", "ip_demonstration")
REVISION_PUBLISHED = date(2026, 1, 17)


@dataclass
class Part:
    """A value that may be unknown (``None``), with the absent facts that left it so."""

    value: Any
    missing: frozenset[str] = frozenset()

    @property
    def known(self) -> bool:
        return self.value is not None


def _fact(p: dict[str, Any], name: str) -> Part:
    if name in p:
        return Part(p[name])
    return Part(None, frozenset([name]))


def _num(v: Any) -> Decimal:
    return Decimal(str(v))


# ---- the six indicators (facts.md 1.1, 评价指标) ---------------------------------------------


def ip_points(high_value: int, own: int, class1: int, class2: int) -> int:
    """1. 有效知识产权: the highest band that applies."""
    if high_value >= 1:
        return 20
    if own >= 1:
        return 15
    if class1 >= 1:
        return 10
    if class2 >= 1:
        return 5
    return 0


def rd_points(share: Decimal) -> int:
    """2. 研发费用占比: 5%以上 20; 3%-5% 15; 2%-3% 10; 1%-2% 5; 1%以下 0."""
    if share >= Decimal("0.05"):
        return 20
    if share >= Decimal("0.03"):
        return 15
    if share >= Decimal("0.02"):
        return 10
    if share > Decimal("0.01"):
        return 5
    return 0


def growth_points(growth: Decimal) -> int:
    """3. 主营业务收入增长率: 15%以上 20; 10%-15% 15; 5%-10% 10; 0%-5% 5; 0%以下 0."""
    if growth >= Decimal("0.15"):
        return 20
    if growth >= Decimal("0.10"):
        return 15
    if growth >= Decimal("0.05"):
        return 10
    if growth > 0:
        return 5
    return 0


def debt_points(debt: Decimal) -> int:
    """4. 资产负债率: 55%以下 10; 55%-75% 5; 75%以上 0."""
    if debt <= Decimal("0.55"):
        return 10
    if debt < Decimal("0.75"):
        return 5
    return 0


def field_points(strategic_emerging: bool) -> int:
    """5. 主导产品所属领域: 战略性新兴产业 10; 其他 5."""
    return 10 if strategic_emerging else 5


def main_share_points(share: Decimal) -> int:
    """6. 主营业务收入占比: 70%以上 20; 60%-70% 15; 55%-60% 10; 50%-55% 5; 50%以下 0."""
    if share >= Decimal("0.70"):
        return 20
    if share >= Decimal("0.60"):
        return 15
    if share >= Decimal("0.55"):
        return 10
    if share > Decimal("0.50"):
        return 5
    return 0


# ---- unknown-aware plumbing ----------------------------------------------------------------


def _all_known(*parts: Part) -> frozenset[str] | None:
    """The absent facts of the unknown parts, or None when every part is known."""
    miss = frozenset().union(*(q.missing for q in parts if not q.known))
    return None if all(q.known for q in parts) else miss


def _ratio_points(p: dict[str, Any], num: str, base: str, points: Any, minus_one: bool = False) -> Part:
    b = _fact(p, base)
    if not b.known:
        return b
    if _num(b.value) == 0:
        return Part(0)
    n = _fact(p, num)
    if not n.known:
        return n
    r = _num(n.value) / _num(b.value)
    return Part(points(r - 1 if minus_one else r))


def _sum(*parts: Part) -> Part:
    miss = _all_known(*parts)
    if miss is not None:
        return Part(None, miss)
    return Part(sum(q.value for q in parts))


def _and(*parts: Part) -> Part:
    if any(q.value is False for q in parts):
        return Part(False)
    miss = _all_known(*parts)
    return Part(True) if miss is None else Part(None, miss)


def _or(*parts: Part) -> Part:
    if any(q.value is True for q in parts):
        return Part(True)
    miss = _all_known(*parts)
    return Part(False) if miss is None else Part(None, miss)


def _at_least(part: Part, bar: Any) -> Part:
    return part if not part.known else Part(_num(part.value) >= _num(bar))


# ---- the standard --------------------------------------------------------------------------


@dataclass
class Outcome:
    status: str  # eligible / ineligible / undetermined
    scores: dict[str, int | None]  # total, innovation, growth, specialisation (None: unknown)
    missing: list[str] = field(default_factory=list)
    assumptions: set[str] = field(default_factory=set)


def evaluate(p: dict[str, Any], day: date) -> Outcome:
    counts = [
        _fact(p, n)
        for n in ("high_value_class1_ip_count", "own_class1_ip_count", "class1_ip_count", "class2_ip_count")
    ]
    miss = _all_known(*counts)
    ip = Part(ip_points(*(int(c.value) for c in counts))) if miss is None else Part(None, miss)
    rd = _ratio_points(p, "rd_expense_cny", "revenue_cny", rd_points)
    growth = _ratio_points(
        p, "main_business_revenue_cny", "main_business_revenue_prev_cny", growth_points, True
    )
    debt_f = _fact(p, "debt_ratio")
    debt = Part(debt_points(_num(debt_f.value))) if debt_f.known else debt_f
    sei = _fact(p, "strategic_emerging_industry")
    fld = Part(field_points(sei.value)) if sei.known else sei
    share = _ratio_points(p, "main_business_revenue_cny", "revenue_cny", main_share_points)

    innovation = _sum(ip, rd)
    growth_s = _sum(growth, debt)
    special = _sum(fld, share)
    total = _sum(innovation, growth_s, special)
    score_route = _and(
        _at_least(total, PASS_SCORE),
        _at_least(innovation, INNOVATION_FLOOR),
        _at_least(growth_s, GROWTH_FLOOR),
        _at_least(special, SPECIALISATION_FLOOR),
    )

    award = _fact(p, "sci_tech_award_3y")
    institution = _fact(p, "has_provincial_rd_institution")
    equity_f = _fact(p, "equity_financing_3y_cny")
    equity = _at_least(equity_f, EQUITY_ROUTE_MIN)
    honours_f = _fact(p, "honours")
    if honours_f.known:
        honour = Part(
            any(
                h["kind"] in HONOUR_KINDS and _day(h["recognized_on"]) <= day < _day(h["expires_on"])
                for h in honours_f.value
            )
        )
    else:
        honour = honours_f

    recognised = _or(score_route, award, honour, institution, equity)
    scores = {
        "total_score": total.value,
        "innovation_score": innovation.value,
        "growth_score": growth_s.value,
        "specialisation_score": special.value,
    }
    if recognised.value is True:
        status, missing = "eligible", sorted(total.missing)
    elif recognised.value is False:
        status, missing = "ineligible", []
    else:
        status, missing = "undetermined", sorted(recognised.missing)

    # the readings listed on a result (facts.md leaves them open; see the module docstring)
    said: set[str] = {"annex_standard_only"}
    if day >= REVISION_PUBLISHED:
        said.add("policy_period_end")

    def ratio(num: str, base: str, minus_one: bool = False) -> Decimal | None:
        if num not in p or base not in p or _num(p[base]) == 0:
            return None
        r = _num(p[num]) / _num(p[base])
        return r - 1 if minus_one else r

    edges = {
        "rd_share_band_edges": (ratio("rd_expense_cny", "revenue_cny"), ("0.05", "0.03", "0.02", "0.01")),
        "growth_band_edges": (
            ratio("main_business_revenue_cny", "main_business_revenue_prev_cny", True),
            ("0.15", "0.10", "0.05", "0"),
        ),
        "debt_band_edges": (_num(p["debt_ratio"]) if "debt_ratio" in p else None, ("0.55", "0.75")),
        "main_share_band_edges": (
            ratio("main_business_revenue_cny", "revenue_cny"),
            ("0.70", "0.60", "0.55", "0.50"),
        ),
    }
    for choice, (value, at) in edges.items():
        if value is not None and value in {Decimal(a) for a in at}:
            said.add(choice)
    if total.known and total.value == PASS_SCORE:
        said.add("pass_score_edge")
    if equity_f.known and _num(equity_f.value) == EQUITY_ROUTE_MIN:
        said.add("equity_route_edge")
    if any(b in p and _num(p[b]) == 0 for b in ("revenue_cny", "main_business_revenue_prev_cny")):
        said.add("zero_base_no_points")
    # the honour readings matter only when no other route settles the outcome
    others = _or(score_route, award, institution, equity)
    if others.value is not True:
        if honour.value is not True:
            said.add("honours_named_kinds")
        if honours_f.known and honours_f.value:
            said.add("honour_valid_on_evaluation_date")
    return Outcome(status, scores, missing, said)


def _day(v: Any) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v))
