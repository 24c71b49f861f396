"""The decide pass: statuses and amounts first, everything else when it is read.

Most callers read a measure's status and amounts and nothing more (a screening loop, the
compact batch line, a portal's list), yet the whole outcome (reasons, missing facts, the
assumptions each amount rested on, criteria texts) cost four fifths of an evaluation
(issue 21). So ``evaluate`` runs the package's decision function (every measure, generated
as one function by ``expr.decision``) and each tier's (``expr.readiness``) with ``Decide``, a
resolver that only memoises derived values: no missing lists kept, no reason or outcome
objects. It keeps what each condition, output and criterion came to, and each measure's and
tier's outcome is a ``DecidedMeasure`` or ``DecidedTier`` (``lazy.py``) whose other fields
are built from those when first read.

Both passes compute the same checked trees on the same facts, parameters and date, so
statuses and amounts agree; ``tests/test_decide.py`` checks the whole results against the
eager ``Run`` (``engine.py``) on the reference interpreter.
"""

from __future__ import annotations

from datetime import date
from decimal import localcontext
from itertools import pairwise
from typing import Any

from zjtx_rules.errors import EvaluationError
from zjtx_rules.evaluate.engine import active, judge, tier_status
from zjtx_rules.evaluate.lazy import DecidedTier, Explanation, Judged, decided_measures
from zjtx_rules.evaluate.result import CriterionStatus, MeasureOutcome, TierOutcome, TierStatus
from zjtx_rules.expr.compile import Env
from zjtx_rules.expr.readiness import TierDecision
from zjtx_rules.expr.values import CONTEXT, UNKNOWN
from zjtx_rules.program.assumptions import Assumption, recording
from zjtx_rules.program.model import CompiledMeasure, CompiledTier, Program
from zjtx_rules.program.reach import Reach

_UNSET: Any = object()


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
        "judged",
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
        self.judged: dict[str, list[Judged]] = {}  # tier id -> its criteria judged

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
        then the outputs the status reports; on a day with assumed table rows, the rows each
        condition and output hit. (Used where the package has no decision function: the
        reference interpreter's stand-ins have no generated code.)"""
        log = self.log
        self.current = m.id
        outer = env.locals
        env.missing = []  # what the code records as missing; nobody reads it here
        env.locals = {}
        status: Any = True
        values = self.conditions[m.id] = []
        hits = self.slices[m.id] = {}
        for cond in m.conditions:
            mark = len(log) if log is not None else 0
            v = cond.fn(env)
            if log is not None and len(log) > mark:
                hits[cond.spec.id] = log[mark:]
            values.append(v)
            if v is False:
                status = False
            elif v is UNKNOWN and status is True:
                status = UNKNOWN
        raw: dict[str, Any] = {}
        for out in m.outputs if status is True else m.always:
            mark = len(log) if log is not None else 0
            raw[out.name] = env.locals[out.name] = out.fn(env)
            if log is not None and len(log) > mark:
                hits["." + out.name] = log[mark:]
        env.locals = outer
        self.raw[m.id] = raw
        self.status[m.id] = status
        return status

    def tier(self, t: CompiledTier, env: Env) -> TierStatus:
        """A tier's status; each criterion in force is judged (and kept, in ``judged``) unless
        the tier is held."""
        self.current = t.id
        log = self.log
        hits = self.slices[t.id] = {}
        judged = self.judged[t.id] = []
        decision = t.decision if log is None else t.logged_decision
        if decision is not None:  # the same, generated as one function
            return self._tier(t, env, decision, judged)
        mark = len(log) if log is not None else 0
        held = t.held(env)
        if log is not None and len(log) > mark:
            hits[""] = log[mark:]
        if held is True:
            return "held"
        statuses = set()
        for c in t.criteria:
            if active(c.spec, env.as_of):
                mark = len(log) if log is not None else 0
                status, applies, actual, required = judge(c, env)
                # as ``Run`` does: the gap's figure, with the rows it hits and the errors it raises
                extra = c.extra(env) if status == "missed" and c.extra is not None else None
                judged.append((c, status, applies, actual, required, extra))
                statuses.add(status)
                if log is not None and len(log) > mark:
                    hits[c.spec.id] = log[mark:]
        return tier_status(statuses)

    def _tier(self, t: CompiledTier, env: Env, decision: TierDecision, judged: list[Judged]) -> TierStatus:
        """``tier`` by the tier's decision function."""
        log = self.log
        if log is None:
            held, results = decision(env)
        else:
            held, results, marks = decision(env, log)
            if marks[-1] > marks[0]:
                keys = ["", *(c.spec.id for c in t.criteria)] if held is not True else [""]
                self.slices[t.id] = _hits(keys, marks, log)
        if held is True:
            return "held"
        statuses = set()
        for c, r in zip(t.criteria, results, strict=True):
            if r is not None:
                status = _JUDGED[r[0]]
                judged.append((c, status, *r[1:]))
                statuses.add(status)
        return tier_status(statuses)


_JUDGED: dict[Any, CriterionStatus] = {True: "met", False: "missed", UNKNOWN: "unknown"}


def _measures(d: Decide, program: Program, env: Env) -> None:
    """Every measure decided: by the package's decision function when it has one (each
    measure after those it reads, so the order differs from ``Run``'s only in when a measure
    read mid-way through another's conditions is decided), else by ``Decide.measure`` of each
    one not yet decided, in order."""
    status, log = d.status, d.log
    decide_all = program.decision if log is None else program.logged_decision
    if decide_all is None:
        for m in program.measures:
            if m.id not in status:
                d.measure(m, env)
        return
    env.missing = []  # the compiled code records what it misses; nobody reads it here
    try:
        if log is None:
            decide_all(env, status, d.raw, d.conditions)
        else:
            marks: dict[str, list[int]] = {}
            decide_all(env, status, d.raw, d.conditions, log, marks)
            for m in program.measures:
                kept = marks[m.id]
                if kept[-1] > kept[0]:
                    keys = [*(c.spec.id for c in m.conditions), *("." + name for name in d.raw[m.id])]
                    d.slices[m.id] = _hits(keys, kept, log)
    except Exception:  # for the error's message: the measure being decided
        d.current = next((m.id for m in program.decision_order if m.id not in status), "")
        raise
    env.locals = {}


def _hits(keys: list[str], marks: list[int], log: list[Assumption]) -> dict[str, Any]:
    """The table rows each of ``keys`` hit, from the log's lengths before the first and after
    each (a generated decision's marks): the slices that are not empty. (The callers ask only
    when the log grew: building the keys of every measure cost 14% of an evaluation.)"""
    hit: dict[str, Any] = {}
    for key, (start, end) in zip(keys, pairwise(marks), strict=True):
        if end > start:
            hit[key] = log[start:end]
    return hit


def decide(
    program: Program, facts: dict[str, Any], params: dict[str, Any], day: date, reach: Reach, why: Explanation
) -> tuple[list[MeasureOutcome], list[TierOutcome], list[str]]:
    """Every measure's and tier's outcome, and the targets counted, for one profile."""
    log: list[Assumption] | None = [] if why.tables else None  # the assumed table rows hit
    d = Decide(program, log)
    if log is not None:
        params = recording(params, why.tables, log)
    env = why.env = Env(facts, params, day, d)
    try:
        with localcontext(CONTEXT):
            _measures(d, program, env)
            statuses = [d.tier(t, env) for t in program.tiers]
            env.missing = []
            counted = [t for t, fn in program.target_fns.items() if fn(env) is True]
    except (ArithmeticError, ValueError) as exc:  # limits of Decimal, range() and the like
        raise EvaluationError(d.current or "profile", str(exc) or type(exc).__name__) from None
    measures = decided_measures(program, reach, d.status, d.raw, d.conditions, d.slices, why)
    tiers: list[TierOutcome] = []
    for i, (t, s) in enumerate(zip(program.tiers, statuses, strict=True)):
        if s != "held" and "held" in statuses[i + 1 :]:  # a higher tier is held: no gaps here
            s = "surpassed"
        tiers.append(DecidedTier(t, s, d.judged[t.id], d.slices[t.id], reach, why))
    return measures, tiers, counted
