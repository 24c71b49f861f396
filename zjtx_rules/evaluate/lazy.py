"""Outcomes whose statuses and amounts are decided and whose other fields are read on demand.

``decide`` (``evaluate/decide.py``) leaves, for each measure and tier, the values its
conditions, outputs and criteria took. Most fields follow from those alone: a measure's
reasons are its conditions' verdicts with the values they read, a tier's criteria the figures
judged, the assumptions an outcome rested on its day's ``Plan`` (``program.reach``). Only what
needs the three-valued bookkeeping the decide pass skips (the missing facts behind an unknown,
and assumptions no plan covers) is asked of ``Explanation``: a ``Run`` (``engine.py``) of the
same profile, created on first need, that explains just the measures and tiers asked for (its
memo brings in what they read). Every field is computed once, when first read.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from datetime import date
from decimal import localcontext
from types import MappingProxyType
from typing import Any, Generic, TypeVar, overload

from zjtx_rules.errors import EvaluationError
from zjtx_rules.evaluate.engine import Run, active, finish_output
from zjtx_rules.evaluate.result import (
    CriterionOutcome,
    CriterionStatus,
    MeasureOutcome,
    Reason,
    Status,
    TierOutcome,
    TierStatus,
)
from zjtx_rules.expr.compile import Env
from zjtx_rules.expr.values import CONTEXT, UNKNOWN
from zjtx_rules.program.assumptions import Assumption, recording, unique
from zjtx_rules.program.model import (
    CompiledCondition,
    CompiledCriterion,
    CompiledMeasure,
    CompiledTier,
    Program,
)
from zjtx_rules.program.reach import Fixed, Plan, Reach

Judged = tuple[CompiledCriterion, CriterionStatus, Any, Any, Any, Any]
"""A criterion as the decide pass judged it: (criterion, status, applies, actual, required, extra)."""

T = TypeVar("T")


class once(Generic[T]):
    """An attribute computed when first read and then kept on the instance: what
    ``functools.cached_property`` does, without the lock it takes in Python 3.11 on each
    instance's first read (about a microsecond; every outcome's lazy field is read once)."""

    def __init__(self, fn: Callable[[Any], T]) -> None:
        self.fn = fn
        self.name = fn.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> once[T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> T | once[T]:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


class Explanation:
    """What one profile's outcomes need beyond its decision: rule choices tested on the decide
    pass's values, and a ``Run`` for missing facts and unplanned assumptions."""

    def __init__(
        self,
        program: Program,
        facts: dict[str, Any],
        params: dict[str, Any],
        day: date,
        assumed: dict[str, Assumption],
        tables: dict[str, Any],
        reasons: bool,
    ) -> None:
        self.program, self.facts, self.params, self.day = program, facts, params, day
        self.assumed, self.tables, self.reasons = assumed, tables, reasons
        self.choices = program.book.choices
        self.env: Env | None = None  # the decide pass's, once it has run
        self.applying: dict[str, bool] = {}
        self.tiers: dict[str, TierOutcome] = {}

    def applies(self, choice: str) -> bool:
        """Whether a rule choice applies to this profile (unknown: it may, so it is listed)."""
        hit = self.applying.get(choice)
        if hit is None:
            test = self.choices[choice][1]
            if test is None or self.env is None:
                hit = True
            else:
                hit = self.safely(choice, lambda: test(self.env) is not False)
            self.applying[choice] = hit
        return hit

    def add(self, out: list[Assumption], f: Fixed, hit: list[Assumption] | None = None) -> None:
        """Append what one expression of a ``Plan`` rested on, given the table rows it ``hit``:
        ``Run.assumptions`` before its ``unique`` (which the caller applies to the whole)."""
        out += f.params
        for c in f.choices:
            if self.applies(c):
                out.append(self.choices[c][0])
        if hit:
            out += hit

    def value_of(self, name: str) -> Any:
        """A fact, parameter or derived value as the decide pass saw it, for a reason (called
        inside ``safely``: a derived value no condition needed is computed now)."""
        env = self.env
        assert env is not None
        if name in self.program.derived:
            env.missing = []
            return env.resolver.derived(name, env)
        if name in env.params:
            return env.params[name]
        return env.facts.get(name, UNKNOWN)

    @once
    def run(self) -> tuple[Run, Env]:
        run = Run(self.program, False)  # reasons come from the decision (``DecidedMeasure``)
        run.assumed = self.assumed
        return run, Env(self.facts, recording(self.params, self.tables, run.log), self.day, run)

    def measure(self, mid: str) -> MeasureOutcome:
        run, env = self.run
        return self.safely(mid, lambda: run.measure(mid, env), run)

    def tier(self, t: CompiledTier, status: TierStatus) -> TierOutcome:
        done = self.tiers.get(t.id)
        if done is None:
            run, env = self.run
            done = self.tiers[t.id] = self.safely(t.id, lambda: run.tier(t, env, status == "surpassed"), run)
        return done

    @staticmethod
    def safely(where: str, fn: Callable[[], T], run: Run | None = None) -> T:
        try:
            with localcontext(CONTEXT):
                return fn()
        except (ArithmeticError, ValueError) as exc:  # limits of Decimal, range() and the like
            at = (run.current if run else "") or where
            raise EvaluationError(at, str(exc) or type(exc).__name__) from None


class DecidedMeasure(MeasureOutcome):
    """A measure's outcome: status and amounts decided, the rest explained when read.

    (A subclass per measure and day holding the fixed fields as class attributes made each
    outcome cheaper to make but every attribute read dearer: 22% more instructions for
    ``to_compact`` under callgrind, more than making it saved. So the fixed fields are copied
    from a per-day ``headers`` dict.)"""

    _measure: CompiledMeasure  # these four from the header
    _conditions: list[CompiledCondition]
    _reach: frozenset[str]
    _plan: Plan | None
    _open = False  # an amount left open by a missing fact
    _values: list[Any]  # what each condition came to
    _raw: dict[str, Any]  # the outputs, as computed
    _hits: Mapping[str, list[Assumption]]  # the assumed table rows each condition and output hit
    _why: Explanation

    def _amounts(self, raw: dict[str, Any]) -> None:
        """The amounts the status reports, finished (typed and rounded) from the raw outputs."""
        m = self._measure
        for out in m.outputs if self.status == "eligible" else m.always:
            v = raw[out.name]
            if v is UNKNOWN:
                self._open = True
                continue
            self.amounts[out.name] = finish_output(v, out.spec)
            self.amount_types[out.name] = out.spec.type

    @once
    def reasons(self) -> list[Reason]:
        """``Run._reason`` for each condition, from the value it took and the values it read."""
        if not self._why.reasons:
            return []
        return self._why.safely(self.id, self._reasons)

    def _reasons(self) -> list[Reason]:
        value_of = self._why.value_of
        out = []
        for cond, v in zip(self._conditions, self._values, strict=True):
            spec = cond.spec
            seen = {n: value_of(n) for n in cond.names}
            if v is True:
                out.append(Reason(spec.id, "pass", spec.pass_zh, spec.pass_en, seen, cond.shown))
            elif v is False:
                out.append(Reason(spec.id, "fail", spec.fail_zh, spec.fail_en, seen, cond.shown))
            else:
                out.append(Reason(spec.id, "unknown", cond.unknown_zh, cond.unknown_en, seen, cond.shown))
        return out

    @once
    def missing(self) -> list[str]:
        if self.status == "ineligible" or (self.status == "eligible" and not self._open):
            return []
        return self._why.measure(self.id).missing

    @once
    def assumptions(self) -> list[Assumption]:
        if not self._reach:
            return []
        if self._plan is None:
            return self._why.measure(self.id).assumptions
        return self._planned[0]

    @once
    def amount_assumptions(self) -> dict[str, list[str]]:
        if not (self._reach and self.amounts):
            return {}
        if self._plan is None:
            return self._why.measure(self.id).amount_assumptions
        return self._planned[1]

    @once
    def _planned(self) -> tuple[list[Assumption], dict[str, list[str]]]:
        """``Run.measure``'s assumptions, from the plan: every condition's (only the failing
        ones' when ineligible), then each output's with those of the outputs it reads."""
        assert self._plan is not None
        why = self._why
        hits = self._hits
        ineligible = self.status == "ineligible"
        used: list[Assumption] = []  # every condition's, or the failing ones' when ineligible
        for f, v, c in zip(self._plan.conditions, self._values, self._conditions, strict=True):
            if v is False or not ineligible:
                why.add(used, f, hits.get(c.spec.id))
        by_output: dict[str, list[Assumption]] = {}
        for name, f in self._plan.outputs:
            if name not in self._raw:  # not computed for this status
                continue
            u: list[Assumption] = []
            why.add(u, f, hits.get("." + name))
            for local in f.locals:
                u += by_output.get(local, ())
            by_output[name] = unique(u)
        amounts = self.amounts
        for n, u in by_output.items():
            if n in amounts or not ineligible:
                used += u
        return unique(used), {n: [a.id for a in u] for n, u in by_output.items() if u and n in amounts}


class DecidedTier(TierOutcome):
    """A tier's outcome: its status decided, criteria and assumptions explained when read."""

    def __init__(
        self,
        t: CompiledTier,
        status: TierStatus,
        judged: list[Judged],
        hits: dict[str, list[Assumption]],
        reach: Reach,
        why: Explanation,
    ) -> None:
        self.id, self.title_zh, self.title_en = t.id, t.spec.title_zh, t.spec.title_en
        self.status = status
        self._tier, self._judged, self._hits, self._why = t, judged, hits, why
        self._reach, self._plan = reach.tiers[t.id], reach.tier_plans[t.id]

    @once
    def criteria(self) -> list[CriterionOutcome]:
        """``Run._criterion`` for each criterion in force, from the figures judged; the
        tier is explained only when one is unknown, for the facts it misses."""
        if self.status in ("held", "surpassed"):
            return []
        out = []
        for c, status, applies, actual, required, extra in self._judged:
            if status == "unknown":
                return self._why.tier(self._tier, self.status).criteria
            if applies is False:
                out.append(CriterionOutcome(c.spec, "met", applies=False))
                continue
            out.append(
                CriterionOutcome(
                    c.spec,
                    status,
                    None if actual is UNKNOWN else actual,
                    None if required is UNKNOWN else required,
                    None if extra is UNKNOWN else extra,
                )
            )
        return out

    @once
    def assumptions(self) -> list[Assumption]:
        if not self._reach:
            return []
        if self._plan is None:
            return self._why.tier(self._tier, self.status).assumptions
        held, own, *criteria = self._plan.conditions
        hits, why = self._hits, self._why
        used: list[Assumption] = []
        why.add(used, held, hits.get(""))
        if self.status not in ("held", "surpassed"):
            why.add(used, own)
            for c, f in zip(self._tier.criteria, criteria, strict=True):
                if active(c.spec, why.day):
                    why.add(used, f, hits.get(c.spec.id))
        return unique(used)


# per day (a ``Reach``), each measure's fields that no profile changes
_HEADERS: weakref.WeakKeyDictionary[Reach, list[dict[str, Any]]] = weakref.WeakKeyDictionary()
_NO_HITS: Mapping[str, list[Assumption]] = MappingProxyType({})
_STATUS: dict[Any, Status] = {True: "eligible", False: "ineligible", UNKNOWN: "undetermined"}


def decided_measures(
    program: Program,
    reach: Reach,
    statuses: Mapping[str, Any],
    raw: Mapping[str, dict[str, Any]],
    values: Mapping[str, list[Any]],
    hits: Mapping[str, Mapping[str, list[Assumption]]],
    why: Explanation,
) -> list[MeasureOutcome]:
    """Each measure's outcome, from what the decide pass left by measure id (its status as
    True, False or UNKNOWN).

    Each instance's ``__dict__`` is a copy of its header with the decided fields added: about
    a third cheaper than an ``__init__`` setting them one by one (28 outcomes a profile on the
    LJ workload)."""
    new = object.__new__
    out: list[MeasureOutcome] = []
    for m, header in zip(program.measures, headers(program, reach), strict=True):
        mid = m.id
        o = new(DecidedMeasure)
        state = header.copy()
        state["status"] = _STATUS[statuses[mid]]
        state["amounts"], state["amount_types"] = {}, {}
        state["_values"], state["_raw"], state["_why"] = values[mid], raw[mid], why
        state["_hits"] = hits.get(mid) or _NO_HITS
        o.__dict__ = state
        if state["_raw"]:
            o._amounts(state["_raw"])
        out.append(o)
    return out


def headers(program: Program, reach: Reach) -> list[dict[str, Any]]:
    """Each measure's fields that no profile changes, on the day of ``reach``."""
    done = _HEADERS.get(reach)
    if done is None:
        done = _HEADERS[reach] = [_header(m, reach) for m in program.measures]
    return done


def _header(m: CompiledMeasure, reach: Reach) -> dict[str, Any]:
    spec = m.spec
    return {
        "id": m.id,
        "clause": spec.clause,
        "title_zh": spec.title_zh,
        "title_en": spec.title_en,
        "benefit": spec.benefit,
        "responsible_units": spec.responsible_units,
        "_measure": m,
        "_conditions": m.conditions,
        "_reach": reach.measures[m.id],
        "_plan": reach.plans[m.id],
        # the fields each outcome sets (``decided_measures``), so that a copy of the header
        # has room for them: growing the copy cost an eighth of making the outcomes
        **dict.fromkeys(("status", "amounts", "amount_types", "_values", "_raw", "_why", "_hits")),
    }
