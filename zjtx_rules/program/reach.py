"""Which assumptions an outcome can list on a day, known before any profile is read.

An outcome lists an assumed figure only when an expression it ran names it (``Refs``): an
assumed parameter in force on the day, a rule choice, an assumed row of a table looked up, or
an assumption of a measure it read. When none is within reach of a measure or tier, its
assumptions are empty for every profile on that day, so the engine answers ``[]`` without
explaining the profile (``zjtx_rules.evaluate.decide``). The sets are supersets: a rule
choice whose test fails, or a table row that is stated, still needs the explanation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from zjtx_rules.program.assumptions import Assumption, Refs
from zjtx_rules.program.model import CompiledTier, Program


@dataclass(frozen=True)
class Fixed:
    """What one expression rests on when no measure it reads can add to it: the assumed
    parameters it names (by name, as ``Run.assumptions`` lists them), the rule choices it
    names (each listed when its test does not fail), and the table rows it hits (kept by
    the decide pass)."""

    params: tuple[Assumption, ...]
    choices: tuple[str, ...]
    locals: tuple[str, ...] = ()  # earlier outputs whose assumptions an output inherits


@dataclass(frozen=True)
class Plan:
    """A measure's or tier's expressions as ``Fixed`` sets: its assumptions follow from its
    statuses and the rule choices that apply, without explaining the profile."""

    conditions: tuple[Fixed, ...]  # a tier: held, its own choices, then each criterion
    outputs: tuple[tuple[str, Fixed], ...] = ()


@dataclass(frozen=True, eq=False)
class Reach:
    """The assumption ids each measure and tier can list on one day, and the plans of those
    whose assumptions need no explanation (``None``: a measure it reads may add to them)."""

    measures: dict[str, frozenset[str]]
    tiers: dict[str, frozenset[str]]
    plans: dict[str, Plan | None]
    tier_plans: dict[str, Plan | None]


def reach_at(program: Program, day: date) -> Reach:
    book = program.book
    params = {name: a.id for name, a in book.params_at(day).items()}
    rows = {
        name: frozenset(n.id for n in (*notes.rows, notes.default) if n is not None)
        for name, notes in book.tables_at(day).items()
    }
    choices = {name: a.id for name, (a, _) in book.choices.items()}
    memo: dict[str, frozenset[str]] = {}

    def of(refs: Iterable[Refs]) -> frozenset[str]:
        out: set[str] = set()
        for r in refs:
            out.update(params[p] for p in r.params if p in params)
            out.update(choices.get(c, c) for c in r.choices)
            for t in r.tables | r.params:
                out |= rows.get(t, frozenset())
            for m in r.measures:
                out |= measure(m)
        return frozenset(out)

    def measure(mid: str) -> frozenset[str]:
        hit = memo.get(mid)
        if hit is None:
            memo[mid] = frozenset()  # a cycle between measures is refused when the package loads
            m = program.by_id[mid]
            hit = memo[mid] = of([*(c.refs for c in m.conditions), *(o.refs for o in m.outputs)])
        return hit

    def tier(t: CompiledTier) -> frozenset[str]:
        return of([t.held_refs, t.refs, *(c.refs for c in t.criteria)])

    def fixed(r: Refs) -> Fixed | None:
        if any(measure(m) for m in r.measures):  # what a measure read rested on: explain it
            return None
        assumed = tuple(book.params_at(day)[p] for p in sorted(r.params) if p in params)
        return Fixed(assumed, tuple(sorted(r.choices)), tuple(sorted(r.locals)))

    def plan(conditions: list[Refs], outputs: list[tuple[str, Refs]] = ()) -> Plan | None:  # type: ignore[assignment]
        conds = [fixed(r) for r in conditions]
        outs = [(n, fixed(r)) for n, r in outputs]
        if any(f is None for f in conds) or any(f is None for _, f in outs):
            return None
        return Plan(tuple(f for f in conds if f), tuple((n, f) for n, f in outs if f))

    measures = {m.id: measure(m.id) for m in program.measures}
    tiers = {t.id: tier(t) for t in program.tiers}
    plans = {
        m.id: plan([c.refs for c in m.conditions], [(o.name, o.refs) for o in m.outputs])
        for m in program.measures
    }
    tier_plans = {t.id: plan([t.held_refs, t.refs, *(c.refs for c in t.criteria)]) for t in program.tiers}
    return Reach(measures, tiers, plans, tier_plans)
