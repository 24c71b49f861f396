"""The decide pass: statuses and amounts first, everything else when it is read.

Most callers read a measure's status and amounts and nothing more (a screening loop, the
compact batch line, a portal's list), yet the whole outcome (reasons, missing facts, the
assumptions each amount rested on, criteria texts) cost four fifths of an evaluation
(issue 21). So ``evaluate`` runs the compiled condition and output functions once with
``Decide``, a resolver that only memoises values: no missing lists kept, no assumption log,
no reason or outcome objects. Each measure's and tier's outcome is then a ``DecidedMeasure``
or ``DecidedTier`` whose other fields come, on first read, from one ``Explanation`` of the
profile: today's three-valued ``Run`` (``engine.py``) over every measure and tier, memoised.

Both passes call the same functions on the same facts, parameters and date, so statuses and
amounts agree; ``tests/test_decide.py`` checks the two against each other and against the
reference interpreter. What can be known without explaining is answered without it: an
ineligible measure, or an eligible one whose amounts are all known, misses no fact; one with
no assumption within reach on the day (``program.reach``) rests on none.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import date
from decimal import localcontext
from typing import Any, Generic, TypeVar, overload

from zjtx_rules.errors import EvaluationError
from zjtx_rules.evaluate.engine import _active, explain, finish_output, judge, tier_status
from zjtx_rules.evaluate.result import (
    CriterionOutcome,
    MeasureOutcome,
    Reason,
    Status,
    TierOutcome,
    TierStatus,
)
from zjtx_rules.expr.compile import Env
from zjtx_rules.expr.values import CONTEXT, UNKNOWN
from zjtx_rules.program.assumptions import Assumption, RecordingTable, unique
from zjtx_rules.program.model import CompiledCondition, CompiledMeasure, CompiledTier, Program
from zjtx_rules.program.reach import Fixed, Plan, Reach

_UNSET: Any = object()
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


class Decide:
    """The resolver of the decide pass: derived values and measures, each computed once.

    On a day when a table has assumed rows, ``log`` collects the rows hit (the parameters
    hold ``RecordingTable``s logging into it, as in ``Run``) and each condition, output and
    criterion keeps the rows it hit, so its assumptions need no explanation; otherwise
    ``log`` is None and nothing is kept but values."""

    __slots__ = (
        "conditions",
        "current",
        "derived_fns",
        "log",
        "logs",
        "program",
        "raw",
        "slices",
        "status",
        "values",
    )

    def __init__(self, program: Program, log: list[Assumption] | None) -> None:
        self.program = program
        self.derived_fns = program.derived
        self.values: dict[str, Any] = {}
        self.status: dict[str, Any] = {}  # measure id -> True, False or UNKNOWN
        self.raw: dict[str, dict[str, Any]] = {}  # measure id -> its outputs, as computed
        self.conditions: dict[str, list[Any]] = {}  # measure id -> each condition's value
        self.current = ""  # the measure or tier being decided, for error messages
        self.log = log
        self.logs: dict[str, list[Assumption]] = {}  # derived value -> the rows it hit
        # measure or tier id -> the rows each condition and output (criterion) hit
        self.slices: dict[str, dict[str, list[Assumption]]] = {}

    def derived(self, name: str, env: Env) -> Any:
        value = self.values.get(name, _UNSET)
        log = self.log
        if value is _UNSET:
            if log is None:
                value = self.values[name] = self.derived_fns[name](env)
            else:
                mark = len(log)
                value = self.values[name] = self.derived_fns[name](env)
                if len(log) > mark:
                    self.logs[name] = log[mark:]
        elif log is not None:
            hit = self.logs.get(name)
            if hit:
                log.extend(hit)
        return value

    def measure_field(self, name: str, field: str, env: Env) -> Any:
        status = self.status.get(name, _UNSET)
        if status is _UNSET:
            status = self.measure(self.program.by_id[name], env)
        if field == "eligible":
            return UNKNOWN if status is UNKNOWN else status is True
        if field == "ineligible":
            return UNKNOWN if status is UNKNOWN else status is False
        if field == "undetermined":
            return status is UNKNOWN
        return self.raw[name].get(field, UNKNOWN)

    def measure(self, m: CompiledMeasure, env: Env) -> Any:
        """Every condition (none skipped, so an error is raised where ``Run`` raises it),
        then the outputs the status reports."""
        if self.log is not None:
            return self._logged(m, env)
        self.current = m.id
        outer = env.locals
        env.locals = {}
        env.missing = []  # the compiled code records what it misses; nobody reads it here
        status: Any = True
        values = self.conditions[m.id] = []
        for cond in m.conditions:
            v = cond.fn(env)
            values.append(v)
            if v is False:
                status = False
            elif v is UNKNOWN and status is True:
                status = UNKNOWN
        raw: dict[str, Any] = {}
        for out in m.outputs if status is True else m.always:
            raw[out.name] = env.locals[out.name] = out.fn(env)
        env.locals = outer
        self.raw[m.id] = raw
        self.status[m.id] = status
        return status

    def _logged(self, m: CompiledMeasure, env: Env) -> Any:
        """``measure``, keeping the table rows each condition and output hit."""
        assert self.log is not None
        log = self.log
        self.current = m.id
        outer = env.locals
        env.locals = {}
        env.missing = []
        status: Any = True
        values = self.conditions[m.id] = []
        hits = self.slices[m.id] = {}
        for cond in m.conditions:
            mark = len(log)
            v = cond.fn(env)
            if len(log) > mark:
                hits[cond.spec.id] = log[mark:]
            values.append(v)
            if v is False:
                status = False
            elif v is UNKNOWN and status is True:
                status = UNKNOWN
        raw: dict[str, Any] = {}
        for out in m.outputs if status is True else m.always:
            mark = len(log)
            raw[out.name] = env.locals[out.name] = out.fn(env)
            if len(log) > mark:
                hits["." + out.name] = log[mark:]
        env.locals = outer
        self.raw[m.id] = raw
        self.status[m.id] = status
        return status

    def tier(self, t: CompiledTier, env: Env) -> TierStatus:
        self.current = t.id
        log = self.log
        hits = self.slices[t.id] = {}
        mark = len(log) if log is not None else 0
        held = t.held(env)
        if log is not None and len(log) > mark:
            hits[""] = log[mark:]
        if held is True:
            return "held"
        statuses = set()
        for c in t.criteria:
            if _active(c.spec, env.as_of):
                mark = len(log) if log is not None else 0
                status = judge(c, env)[0]
                if status == "missed" and c.extra is not None:
                    c.extra(env)  # as ``Run`` does, for the rows it hits and the errors it raises
                statuses.add(status)
                if log is not None and len(log) > mark:
                    hits[c.spec.id] = log[mark:]
        return tier_status(statuses)


class Explanation:
    """The whole outcome of every measure and tier for one profile, computed on first use."""

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
        self.args = (program, facts, params, day, assumed, tables, reasons)
        self.reasons = reasons
        self.choices = program.book.choices
        self.env: Env | None = None  # the decide pass's, once it has run
        self.applying: dict[str, bool] = {}

    def applies(self, choice: str) -> bool:
        """Whether a rule choice applies to this profile (unknown: it may, so it is listed)."""
        hit = self.applying.get(choice)
        if hit is None:
            test = self.choices[choice][1]
            if test is None or self.env is None:
                hit = True
            else:
                try:
                    with localcontext(CONTEXT):
                        hit = test(self.env) is not False
                except (ArithmeticError, ValueError) as exc:
                    raise EvaluationError(choice, str(exc) or type(exc).__name__) from None
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

    @once
    def outcomes(self) -> tuple[dict[str, MeasureOutcome], dict[str, TierOutcome]]:
        measures, tiers = explain(*self.args)
        return measures, {t.id: t for t in tiers}

    def measure(self, mid: str) -> MeasureOutcome:
        return self.outcomes[0][mid]

    def tier(self, tid: str) -> TierOutcome:
        return self.outcomes[1][tid]


class DecidedMeasure(MeasureOutcome):
    """A measure's outcome: status and amounts decided, the rest explained when read."""

    _reach: frozenset[str]  # these three from the header
    _plan: Plan | None
    _conditions: list[CompiledCondition]

    def __init__(
        self,
        m: CompiledMeasure,
        header: dict[str, Any],
        status: Status,
        raw: dict[str, Any],
        values: list[Any],
        hits: dict[str, list[Assumption]] | None,
        why: Explanation,
    ) -> None:
        self.__dict__.update(header)  # what the measure and the day fix (``_headers``)
        self.status = status
        self.amounts, self.amount_types = {}, {}
        self._open = False  # an amount left open by a missing fact
        for out in m.outputs if status == "eligible" else m.always:
            v = raw[out.name]
            if v is UNKNOWN:
                self._open = True
                continue
            self.amounts[out.name] = finish_output(v, out.spec)
            self.amount_types[out.name] = out.spec.type
        self._values, self._raw = values, raw
        self._hits = hits or {}
        self._why = why

    @once
    def reasons(self) -> list[Reason]:
        return self._why.measure(self.id).reasons if self._why.reasons else []

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
        hits: dict[str, list[Assumption]],
        reach: frozenset[str],
        plan: Plan | None,
        why: Explanation,
    ) -> None:
        self.id, self.title_zh, self.title_en = t.id, t.spec.title_zh, t.spec.title_en
        self.status = status
        self._tier, self._reach, self._plan, self._hits = t, reach, plan, hits
        self._why = why

    @once
    def criteria(self) -> list[CriterionOutcome]:
        return [] if self.status in ("held", "surpassed") else self._why.tier(self.id).criteria

    @once
    def assumptions(self) -> list[Assumption]:
        if not self._reach:
            return []
        if self._plan is None:
            return self._why.tier(self.id).assumptions
        held, own, *criteria = self._plan.conditions
        hits, why = self._hits, self._why
        used: list[Assumption] = []
        why.add(used, held, hits.get(""))
        if self.status not in ("held", "surpassed"):
            why.add(used, own)
            day = why.args[3]
            for c, f in zip(self._tier.criteria, criteria, strict=True):
                if _active(c.spec, day):
                    why.add(used, f, hits.get(c.spec.id))
        return unique(used)


_STATUS: dict[Any, Status] = {True: "eligible", False: "ineligible", UNKNOWN: "undetermined"}


# per day (a ``Reach``), each measure's fields that no profile changes
_HEADERS: weakref.WeakKeyDictionary[Reach, list[dict[str, Any]]] = weakref.WeakKeyDictionary()


def _header(m: CompiledMeasure, reach: Reach) -> dict[str, Any]:
    spec = m.spec
    return {
        "id": m.id,
        "clause": spec.clause,
        "title_zh": spec.title_zh,
        "title_en": spec.title_en,
        "benefit": spec.benefit,
        "responsible_units": spec.responsible_units,
        "_reach": reach.measures[m.id],
        "_plan": reach.plans[m.id],
        "_conditions": m.conditions,
    }


def decide(
    program: Program, facts: dict[str, Any], params: dict[str, Any], day: date, reach: Reach, why: Explanation
) -> tuple[list[MeasureOutcome], list[TierOutcome], list[str]]:
    """Every measure's and tier's outcome, and the targets counted, for one profile."""
    tables = why.args[5]
    d = Decide(program, [] if tables else None)
    if tables:  # tables with assumed rows log the row each look-up hits, as in ``Run``
        assert d.log is not None
        params = dict(params)
        for name, notes in tables.items():
            if params.get(name) is not UNKNOWN:
                params[name] = RecordingTable(params[name], notes, d.log)
    env = why.env = Env(facts, params, day, d)
    try:
        with localcontext(CONTEXT):
            for m in program.measures:
                if m.id not in d.status:
                    d.measure(m, env)
            statuses = [d.tier(t, env) for t in program.tiers]
            env.missing = []
            counted = [t for t, fn in program.target_fns.items() if fn(env) is True]
    except (ArithmeticError, ValueError) as exc:  # limits of Decimal, range() and the like
        raise EvaluationError(d.current or "profile", str(exc) or type(exc).__name__) from None
    headers = _HEADERS.get(reach)
    if headers is None:
        headers = _HEADERS[reach] = [_header(m, reach) for m in program.measures]
    measures: list[MeasureOutcome] = [
        DecidedMeasure(
            m, h, _STATUS[d.status[m.id]], d.raw[m.id], d.conditions[m.id], d.slices.get(m.id), why
        )
        for m, h in zip(program.measures, headers, strict=True)
    ]
    tiers: list[TierOutcome] = []
    for i, (t, s) in enumerate(zip(program.tiers, statuses, strict=True)):
        if s != "held" and "held" in statuses[i + 1 :]:  # a higher tier is held: no gaps here
            s = "surpassed"
        tiers.append(DecidedTier(t, s, d.slices[t.id], reach.tiers[t.id], reach.tier_plans[t.id], why))
    return measures, tiers, counted
