"""What an enterprise can get in all: the cash total, by year and by measure, and every other
kind of benefit apart.

Only measures of benefit ``cash`` that are eligible count toward the cash total. A measure's
cash is its ``money_by_year`` outputs when it has any (they split the same money by year),
else its ``money`` outputs; a measure with both (``reward_by_year`` and ``reward_total``)
therefore counts once. Loan ceilings, fund places and quotas are never added to cash: a
ceiling is not a payment. They are listed by benefit kind, eligible and undetermined apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from zjtx_rules.evaluate.contract import CompactTotalsDict, TotalsDict, money_str


class MeasureOutcome(Protocol):
    """What a total reads of a measure's outcome (``zjtx_rules.evaluate.result``)."""

    @property
    def id(self) -> str: ...
    @property
    def benefit(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def amounts(self) -> dict[str, Any]: ...
    @property
    def amount_types(self) -> dict[str, str]: ...
    @property
    def amount_assumptions(self) -> dict[str, list[str]]: ...


CASH = "cash"


@dataclass(frozen=True)
class BenefitGroup:
    eligible: tuple[str, ...] = ()
    undetermined: tuple[str, ...] = ()


@dataclass(frozen=True)
class Totals:
    """Exact sums (``Decimal``) of one evaluation; ``to_dict`` gives the JSON form."""

    cash: Decimal = Decimal("0.00")
    cash_by_year: dict[int, Decimal] = field(default_factory=dict)
    cash_unsplit: Decimal = Decimal("0.00")  # cash of measures that give no split by year
    cash_by_measure: dict[str, Decimal] = field(default_factory=dict)
    cash_assumed: tuple[str, ...] = ()  # measures whose cash rests on an assumption
    by_benefit: dict[str, BenefitGroup] = field(default_factory=dict)

    def to_compact(self) -> CompactTotalsDict:
        return {
            "cash_cny": money_str(self.cash),
            "cash_by_year": {str(y): money_str(v) for y, v in sorted(self.cash_by_year.items())},
            "cash_unsplit_cny": money_str(self.cash_unsplit),
            "cash_by_measure": {m: money_str(v) for m, v in self.cash_by_measure.items()},
            "cash_assumed": list(self.cash_assumed),
        }

    def to_dict(self) -> TotalsDict:
        return {
            **self.to_compact(),
            "by_benefit": {
                k: {"eligible": list(g.eligible), "undetermined": list(g.undetermined)}
                for k, g in self.by_benefit.items()
            },
        }


def measure_cash(m: MeasureOutcome) -> tuple[dict[int, Decimal], Decimal]:
    """A cash measure's money: by year (from its by-year outputs), or unsplit."""
    yearly = [n for n, kind in m.amount_types.items() if kind == "money_by_year" and n in m.amounts]
    by_year: dict[int, Decimal] = {}
    if yearly:
        for name in yearly:
            for year, value in m.amounts[name].items():
                by_year[int(year)] = by_year.get(int(year), Decimal("0.00")) + value
        return by_year, Decimal("0.00")
    unsplit = sum(
        (m.amounts[n] for n, kind in m.amount_types.items() if kind == "money" and n in m.amounts),
        Decimal("0.00"),
    )
    return by_year, unsplit


def totals_of(measures: Iterable[MeasureOutcome]) -> Totals:
    by_year: dict[int, Decimal] = {}
    unsplit = Decimal("0.00")
    per_measure: dict[str, Decimal] = {}
    assumed: list[str] = []
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for m in measures:
        if m.status == "ineligible":
            continue
        eligible, pending = groups.setdefault(m.benefit, ([], []))
        (eligible if m.status == "eligible" else pending).append(m.id)
        if m.benefit != CASH or m.status != "eligible":
            continue
        years, flat = measure_cash(m)
        for year, value in years.items():
            by_year[year] = by_year.get(year, Decimal("0.00")) + value
        unsplit += flat
        amount = sum(years.values(), flat)
        if amount:
            per_measure[m.id] = amount
            if any(m.amount_assumptions.values()):
                assumed.append(m.id)
    return Totals(
        cash=sum(by_year.values(), unsplit),
        cash_by_year=dict(sorted(by_year.items())),
        cash_unsplit=unsplit,
        cash_by_measure=per_measure,
        cash_assumed=tuple(assumed),
        by_benefit={k: BenefitGroup(tuple(e), tuple(p)) for k, (e, p) in groups.items()},
    )
