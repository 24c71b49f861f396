"""Three-valued evaluation of a compiled program for one profile.

``RuleSet.evaluate`` validates the profile and runs one ``Run`` over the ``Program``'s
closures. Each measure is ``eligible`` when every condition is
true, ``ineligible`` when one is false, and otherwise ``undetermined``, listing the missing
facts that made its unknown conditions unknown. Each outcome also lists the assumed figures
and rule choices it rested on (see ``assumptions``): the references are found when the
package loads, so the compiled closures stay uninstrumented.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from zjtx_rules.errors import EvaluationError
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
from zjtx_rules.expr.values import CONTEXT, UNKNOWN, compare
from zjtx_rules.package.spec import (
    CriterionSpec,
    OutputSpec,
)
from zjtx_rules.program.assumptions import Assumption, Refs, recording, unique
from zjtx_rules.program.model import CompiledCondition, CompiledCriterion, CompiledTier, Program

FEN = Decimal("0.01")


class Run:
    """State of one evaluation: memoised derived values and measure outcomes."""

    def __init__(self, rules: Program, reasons: bool) -> None:
        self.rules = rules
        self.reasons = reasons
        self.derived_memo: dict[str, tuple[Any, list[str], list[Assumption]]] = {}
        self.log: list[Assumption] = []  # table rows hit (and measures read) so far, in order
        self.assumed: dict[str, Assumption] = {}
        self.choice_memo: dict[str, bool] = {}
        self.measure_memo: dict[str, MeasureOutcome] = {}
        self.raw_outputs: dict[str, dict[str, Any]] = {}
        self.current = ""  # the measure or tier being evaluated, for error messages

    def derived(self, name: str, env: Env) -> Any:
        hit = self.derived_memo.get(name)
        if hit is None:
            mark, logged = len(env.missing), len(self.log)
            value = self.rules.derived[name](env)
            hit = (value, env.missing[mark:] if value is UNKNOWN else [], self.log[logged:])
            if value is not UNKNOWN:  # settled: what it could not read did not matter
                del env.missing[mark:]
            self.derived_memo[name] = hit
        else:
            env.missing.extend(hit[1])
            self.log.extend(hit[2])
        return hit[0]

    def assumptions(self, refs: Refs, logged: int, env: Env) -> list[Assumption]:
        """What one expression rested on: assumed parameters it names, rule choices that
        apply, and the assumed table rows (and measures) it hit since ``logged``."""
        if not (refs.params or refs.choices) and len(self.log) == logged:
            return []  # the common case: nothing assumed within reach
        out = [self.assumed[p] for p in sorted(refs.params) if p in self.assumed]
        for c in sorted(refs.choices):
            if self._applies(c, env):
                out.append(self.rules.book.choices[c][0])
        out.extend(self.log[logged:])
        return unique(out)

    def _applies(self, choice: str, env: Env) -> bool:
        hit = self.choice_memo.get(choice)
        if hit is None:
            test = self.rules.book.choices[choice][1]
            if test is None:
                hit = True
            else:
                missing, logged = env.missing, len(self.log)
                env.missing = []
                hit = test(env) is not False  # unknown: it may apply, so say so
                env.missing = missing
                del self.log[logged:]
            self.choice_memo[choice] = hit
        return hit

    def measure_field(self, name: str, field: str, env: Env) -> Any:
        outcome = self.measure(name, env)
        self.log.extend(outcome.assumptions)
        if outcome.status == "undetermined":
            env.missing.extend(outcome.missing)
        if field == "eligible":
            return UNKNOWN if outcome.status == "undetermined" else outcome.status == "eligible"
        if field == "ineligible":
            return UNKNOWN if outcome.status == "undetermined" else outcome.status == "ineligible"
        if field == "undetermined":
            return outcome.status == "undetermined"
        return self.raw_outputs.get(name, {}).get(field, UNKNOWN)

    def value_of(self, name: str, env: Env) -> Any:
        if name in self.rules.derived:
            return self.derived(name, env)
        if name in env.params:
            return env.params[name]
        return env.facts.get(name, UNKNOWN)

    def measure(self, mid: str, env: Env) -> MeasureOutcome:
        done = self.measure_memo.get(mid)
        if done is not None:
            return done
        m = self.rules.by_id[mid]
        self.current = mid
        outer_missing, outer_locals = env.missing, env.locals
        env.locals = {}
        status: Any = True
        missing: list[str] = []
        reasons: list[Reason] = []
        want_reasons = self.reasons
        failed: list[Assumption] = []
        used_by_conditions: list[Assumption] = []
        for cond in m.conditions:
            env.missing = []
            logged = len(self.log)
            v = cond.fn(env)
            used = self.assumptions(cond.refs, logged, env)
            used_by_conditions.extend(used)
            if v is False:
                failed.extend(used)
                status = False
            elif v is UNKNOWN:
                missing.extend(env.missing)
                if status is True:
                    status = UNKNOWN
            if want_reasons:
                reasons.append(self._reason(cond, v, env))
        amounts: dict[str, Any] = {}
        types: dict[str, str] = {}
        raw: dict[str, Any] = {}
        by_output: dict[str, list[Assumption]] = {}
        # eligible: every output; otherwise only those reported whatever the status
        outputs = m.outputs if status is True else m.always
        if outputs:
            for out in outputs:
                env.missing = []
                logged = len(self.log)
                v = out.fn(env)
                used = self.assumptions(out.refs, logged, env)
                for local in sorted(out.refs.locals):  # an output read by this one
                    used.extend(by_output.get(local, ()))
                by_output[out.name] = unique(used)
                env.locals[out.name] = v
                raw[out.name] = v
                if v is UNKNOWN:
                    if status is True:  # a missing fact leaves an amount open, not the status
                        missing.extend(env.missing)
                    continue
                amounts[out.name] = finish_output(v, out.spec)
                types[out.name] = out.spec.type
        env.missing, env.locals = outer_missing, outer_locals
        final: Status = "eligible" if status is True else "ineligible" if status is False else "undetermined"
        outcome = MeasureOutcome(
            m.id,
            m.spec.clause,
            m.spec.title_zh,
            m.spec.title_en,
            m.spec.benefit,
            final,
            amounts,
            types,
            reasons,
            sorted(set(missing)) if missing and final != "ineligible" else [],
            m.spec.responsible_units,
            # ineligible: only the failing conditions decided it; otherwise every condition,
            # and the outputs when there are amounts
            unique(
                [*failed, *(a for n, u in by_output.items() if n in amounts for a in u)]
                if final == "ineligible"
                else [*used_by_conditions, *(a for u in by_output.values() for a in u)]
            ),
            {n: [a.id for a in u] for n, u in by_output.items() if u and n in amounts},
        )
        self.raw_outputs[mid] = raw
        self.measure_memo[mid] = outcome
        return outcome

    def _reason(self, cond: CompiledCondition, v: Any, env: Env) -> Reason:
        spec = cond.spec
        seen = {n: self.value_of(n, env) for n in cond.names}
        if v is True:
            return Reason(spec.id, "pass", spec.pass_zh, spec.pass_en, seen, cond.shown)
        if v is False:
            return Reason(spec.id, "fail", spec.fail_zh, spec.fail_en, seen, cond.shown)
        return Reason(spec.id, "unknown", cond.unknown_zh, cond.unknown_en, seen, cond.shown)

    def tier(self, tier: CompiledTier, env: Env, above_held: bool = False) -> TierOutcome:
        spec = tier.spec
        self.current = tier.id
        env.missing = []
        logged = len(self.log)
        held = tier.held(env)
        used = self.assumptions(tier.held_refs, logged, env)
        if held is True:
            return TierOutcome(tier.id, spec.title_zh, spec.title_en, "held", [], used)
        if above_held:  # a higher tier is held: no gaps to report for this one
            return TierOutcome(tier.id, spec.title_zh, spec.title_en, "surpassed", [], used)
        crits = []
        used.extend(self.assumptions(tier.refs, len(self.log), env))
        for c in tier.criteria:
            if active(c.spec, env.as_of):
                logged = len(self.log)
                crits.append(self._criterion(c, env))
                used.extend(self.assumptions(c.refs, logged, env))
        overall = tier_status({c.status for c in crits})
        return TierOutcome(tier.id, spec.title_zh, spec.title_en, overall, crits, unique(used))

    def tiers(self, env: Env) -> list[TierOutcome]:
        """Every tier, in order; a tier below one that is held is ``surpassed``, not gapped."""
        done = [self.tier(t, env) for t in self.rules.tiers]
        out = []
        for i, (t, o) in enumerate(zip(self.rules.tiers, done, strict=True)):
            if o.status != "held" and any(h.status == "held" for h in done[i + 1 :]):
                o = self.tier(t, env, above_held=True)
            out.append(o)
        return out

    def _criterion(self, c: CompiledCriterion, env: Env) -> CriterionOutcome:
        env.missing = []
        status, applies, actual, required = judge(c, env)
        if applies is False:
            return CriterionOutcome(c.spec, "met", applies=False)
        extra = c.extra(env) if status == "missed" and c.extra is not None else None
        return CriterionOutcome(
            c.spec,
            status,
            None if actual is UNKNOWN else actual,
            None if required is UNKNOWN else required,
            None if extra is UNKNOWN else extra,
            sorted(set(env.missing)) if status == "unknown" else [],
        )


def judge(c: CompiledCriterion, env: Env) -> tuple[CriterionStatus, Any, Any, Any]:
    """A criterion's status, whether it applies, and its two figures (when it compares)."""
    s = c.spec
    applies = True if c.applies is None else c.applies(env)
    if applies is False:
        return "met", False, None, None
    actual: Any = None
    required: Any = None
    if c.actual is not None and c.required is not None and s.op:
        actual, required = c.actual(env), c.required(env)
        met = compare(s.op, actual, required)
    else:
        assert c.expr is not None
        met = c.expr(env)
    if c.or_expr is not None and met is not True:
        alt = c.or_expr(env)
        # another route that cannot be judged leaves the criterion open, never missed
        met = True if alt is True else UNKNOWN if alt is UNKNOWN else met
    if met is False and applies is UNKNOWN:  # missed only where it is known to apply
        met = UNKNOWN
    status: CriterionStatus = "met" if met is True else "missed" if met is False else "unknown"
    return status, applies, actual, required


def tier_status(statuses: set[CriterionStatus]) -> TierStatus:
    """A tier that is not held: ``not_ready`` if a criterion is missed, else open or ready."""
    return "not_ready" if "missed" in statuses else "undetermined" if "unknown" in statuses else "ready"


def explain(
    rules: Program,
    facts: dict[str, Any],
    params: dict[str, Any],
    day: date,
    assumed: dict[str, Assumption],
    tables: dict[str, Any],
    reasons: bool,
) -> tuple[dict[str, MeasureOutcome], list[TierOutcome]]:
    """Every measure's and tier's whole outcome: what ``evaluate`` computes when a caller
    reads more than statuses and amounts (``zjtx_rules.evaluate.decide``)."""
    run = Run(rules, reasons)
    run.assumed = assumed
    env = Env(facts, recording(params, tables, run.log), day, run)  # assumed rows hit are logged
    try:
        with localcontext(CONTEXT):
            measures = {m.id: run.measure(m.id, env) for m in rules.measures}
            return measures, run.tiers(env)
    except (ArithmeticError, ValueError) as exc:  # limits of Decimal, range() and the like
        raise EvaluationError(run.current or "profile", str(exc) or type(exc).__name__) from None


def active(spec: CriterionSpec, day: date) -> bool:
    if spec.valid_from is not None and day < spec.valid_from:
        return False
    return not (spec.valid_until is not None and day >= spec.valid_until)


def finish_output(value: Any, spec: OutputSpec) -> Any:
    """Apply an output's declared type and named rounding (half-up to the fen by default).
    Also what ``zjtx evaluate --explain`` reports, so the trace ends on the result's figure."""
    mode = ROUND_HALF_UP if spec.rounding == "half_up" else ROUND_DOWN
    if spec.type == "money":
        return value.quantize(FEN, rounding=mode)
    if spec.type == "money_by_year":
        return {int(k): v.quantize(FEN, rounding=mode) for k, v in value.items()}
    if spec.type == "int":
        return int(value.to_integral_value(rounding=mode))
    return value
