"""The compiled rule set and three-valued evaluation of profiles.

A ``RuleSet`` is built once by ``load_rules`` (checked and compiled); ``evaluate`` then only
validates the profile and runs closures. Each measure is ``eligible`` when every condition is
true, ``ineligible`` when one is false, and otherwise ``undetermined``, listing the missing
facts that made its unknown conditions unknown. Each outcome also lists the assumed figures
and rule choices it rested on (see ``assumptions``): the references are found when the
package loads, so the compiled closures stay uninstrumented.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

from zjtx_rules.display import JSON, bounded
from zjtx_rules.errors import EvaluationError, ProfileError, ProfileIssue, UsageError
from zjtx_rules.evaluate.result import (
    CriterionOutcome,
    CriterionStatus,
    Evaluation,
    MeasureOutcome,
    PolicyRefDict,
    Reason,
    Status,
    TierOutcome,
    TierStatus,
    WarningDict,
    result_json_schema,
)
from zjtx_rules.expr.compile import Compiled, Env
from zjtx_rules.expr.values import CONTEXT, UNKNOWN, compare
from zjtx_rules.package.spec import (
    ConditionSpec,
    CriterionSpec,
    FieldSpec,
    MeasureSpec,
    OutputSpec,
    ParameterSpec,
    PolicySpec,
    SourceSpec,
    TableSpec,
    TargetSpec,
    TierSpec,
)
from zjtx_rules.profile.model import ProfileValidator, parse_json
from zjtx_rules.program.assumptions import NO_REFS, Assumption, AssumptionBook, RecordingTable, Refs, unique
from zjtx_rules.program.periods import History
from zjtx_rules.program.policyinfo import FactInfoDict, PolicyDescriptionDict

FEN = Decimal("0.01")


@dataclass
class CompiledCondition:
    spec: ConditionSpec
    fn: Compiled
    shown: tuple[str, ...]  # facts and derived values whose values a reason reports
    names: tuple[str, ...]  # every value the reason texts may need (shown + template names)
    node: Any = None  # the checked syntax tree, for other back ends (durable-rules)
    refs: Refs = NO_REFS  # parameters and rule choices it may rest on (assumptions)

    @property
    def unknown_zh(self) -> str:
        return self.spec.unknown_zh or f"无法判断（缺少信息）：{self.spec.pass_zh}"

    @property
    def unknown_en(self) -> str:
        return self.spec.unknown_en or f"cannot tell yet (facts missing): {self.spec.pass_en}"


@dataclass
class CompiledOutput:
    name: str
    spec: OutputSpec
    fn: Compiled
    refs: Refs = NO_REFS
    node: Any = None  # the checked syntax tree, for the explaining interpreter


@dataclass
class CompiledMeasure:
    id: str
    spec: MeasureSpec
    conditions: list[CompiledCondition]
    outputs: list[CompiledOutput]


@dataclass
class CompiledCriterion:
    spec: CriterionSpec
    expr: Compiled | None
    actual: Compiled | None
    required: Compiled | None
    or_expr: Compiled | None
    extra: Compiled | None
    refs: Refs = NO_REFS


@dataclass
class CompiledTier:
    id: str
    spec: TierSpec
    held: Compiled
    criteria: list[CompiledCriterion]
    held_refs: Refs = NO_REFS
    refs: Refs = NO_REFS  # the tier's own rule choices, listed whenever its criteria are shown


def parse_as_of(as_of: date | datetime | str | None) -> date:
    """The evaluation date: a ``date``, a ``datetime`` (its date), an ISO string, or None (today)."""
    if as_of is None:
        return date.today()
    if isinstance(as_of, datetime):
        return as_of.date()
    if isinstance(as_of, date):
        return as_of
    if not isinstance(as_of, str):
        raise UsageError(
            f"评估日期应为 date、datetime、YYYY-MM-DD 字符串或 None，实际为 {type(as_of).__name__}",
            f"as_of must be a date, a datetime, a YYYY-MM-DD string or None; got {type(as_of).__name__}",
        )
    try:
        return date.fromisoformat(as_of)
    except ValueError:
        raise UsageError(
            f"评估日期应为 YYYY-MM-DD，实际为 {bounded(as_of, JSON)}",
            f"as_of must be a date YYYY-MM-DD; got {bounded(as_of, JSON)}",
        ) from None


class RuleSet:
    """A loaded, checked and compiled rule package. Build it with ``load_rules``."""

    def __init__(
        self,
        *,
        policy: PolicySpec,
        targets: Mapping[str, TargetSpec],
        target_fns: Mapping[str, Compiled],
        root: Path,
        sha256: str,
        facts: Mapping[str, FieldSpec],
        validator: ProfileValidator,
        params: dict[str, History[Any]],
        derived: dict[str, Compiled],
        measures: list[CompiledMeasure],
        tiers: list[CompiledTier],
        diagnostics: list[Any],
        param_specs: Mapping[str, ParameterSpec],
        table_specs: Mapping[str, TableSpec],
        constants: frozenset[Decimal] = frozenset(),
        derived_nodes: Mapping[str, Any] | None = None,
        book: AssumptionBook | None = None,
        sources: Mapping[str, SourceSpec] | None = None,
    ) -> None:
        self.policy = policy
        self.targets = dict(targets)
        self.target_fns = dict(target_fns)
        self.root = root
        self.sha256 = sha256
        self.facts = dict(facts)
        self.validator = validator
        self.params = params
        self.derived = derived
        self.measures = measures
        self.tiers = tiers
        self.diagnostics = diagnostics
        self.param_specs = dict(param_specs)
        self.table_specs = dict(table_specs)
        self.constants = constants
        self.derived_nodes = dict(derived_nodes or {})
        self.book = book or AssumptionBook()
        self.sources = dict(sources or {})  # the package's sources register, by id
        self._by_id = {m.id: m for m in measures}
        self.policy_ref: PolicyRefDict = {
            "id": policy.id,
            "version": policy.version,
            "title_zh": policy.title_zh,
            "title_en": policy.title_en,
            "sha256": sha256,
        }

    @property
    def warnings(self) -> list[Any]:
        """Diagnostics of severity warning (assumption figures and the like)."""
        return [d for d in self.diagnostics if d.severity == "warning"]

    @functools.lru_cache(maxsize=64)  # noqa: B019 - a RuleSet lives as long as its cache
    def params_at(self, day: date) -> dict[str, Any]:
        """Every parameter and decision table as in force on ``day`` (missing: UNKNOWN)."""
        out = {}
        for name, hist in self.params.items():
            v = hist.at(day)
            out[name] = UNKNOWN if v is None else v
        return out

    @functools.lru_cache(maxsize=64)  # noqa: B019
    def assumed_at(self, day: date) -> tuple[dict[str, Assumption], dict[str, Any]]:
        """Assumed parameters on ``day``, and the table notes of tables with assumed rows."""
        return self.book.params_at(day), dict(self.book.tables_at(day))

    def validate_profile(self, profile: Any) -> dict[str, Any]:
        """Parse (if text) and validate a profile; return the facts it gives."""
        if isinstance(profile, str | bytes | bytearray):
            profile = parse_json(bytes(profile) if isinstance(profile, bytearray) else profile)
        if not isinstance(profile, Mapping):
            raise ProfileError(
                [ProfileIssue("$", "dict_type", "企业信息应为 JSON 对象", "a profile must be a JSON object")]
            )
        return self.validator.validate(dict(profile))

    def evaluate(
        self, profile: Any, as_of: date | datetime | str | None = None, *, reasons: bool = True
    ) -> Evaluation:
        """Evaluate every measure and tier for ``profile`` on ``as_of`` (default: today).

        ``profile`` is a dict or JSON text/bytes (numbers parsed as Decimal). Raises
        ``ProfileError`` (with JSON paths) on invalid input. ``reasons=False`` skips the
        reason texts, for screening at scale.
        """
        day = parse_as_of(as_of)
        facts = self.validate_profile(profile)
        run = _Run(self, reasons)
        params = self.params_at(day)
        run.assumed, tables = self.assumed_at(day)
        if tables:  # tables with assumed rows log the row each look-up hits
            params = dict(params)
            for name, notes in tables.items():
                if params.get(name) is not UNKNOWN:
                    params[name] = RecordingTable(params[name], notes, run.log)
        env = Env(facts, params, day, run)
        try:
            with localcontext(CONTEXT):
                measures = [run.measure(m.id, env) for m in self.measures]
                tiers = run.tiers(env)
                env.missing = []
                counted = [t for t, fn in self.target_fns.items() if fn(env) is True]
        except (ArithmeticError, ValueError) as exc:  # limits of Decimal, range() and the like
            raise EvaluationError(run.current or "profile", str(exc) or type(exc).__name__) from None
        warnings: list[WarningDict] = [
            {"code": w["code"], "message_zh": w["message_zh"], "message_en": w["message_en"]}
            for w in self.validator.warnings(facts)
        ]
        if not self.policy.valid_from <= day <= self.policy.valid_to:
            warnings.append(
                {
                    "code": "W701",
                    "message_zh": f"评估日期 {day} 不在政策期 {self.policy.valid_from} 至 "
                    f"{self.policy.valid_to} 内，结果仅供参考",
                    "message_en": f"evaluation date {day} is outside the policy period "
                    f"{self.policy.valid_from} to {self.policy.valid_to}; "
                    "the result is indicative only",
                }
            )
        if self.book.warn:
            for m in measures:
                for a in m.assumptions:
                    texts = self.book.warn.get(a.id)
                    if texts is not None:
                        warnings.append(
                            {
                                "code": "W703",
                                "message_zh": f"{m.title_zh}：{texts[0]}",
                                "message_en": f"{m.title_en}: {texts[1]}",
                            }
                        )
        unset = [n for n, v in self.params_at(day).items() if v is UNKNOWN]
        if unset:
            warnings.append(
                {
                    "code": "W702",
                    "message_zh": f"{day} 时这些参数尚无取值，相关结论为待确定: {', '.join(unset)}",
                    "message_en": f"these parameters have no value on {day}, so what needs them "
                    f"is undetermined: {', '.join(unset)}",
                }
            )
        pid = facts.get("id")
        return Evaluation(
            self.policy_ref,
            day,
            pid if isinstance(pid, str) else None,
            warnings,
            measures,
            tiers,
            counted,
        )

    def describe(self) -> PolicyDescriptionDict:
        """Everything a portal needs to build its own form and explain the measures
        (``GET /v1/policy``; its contract is ``zjtx_rules.policyinfo``)."""

        def field(name: str, spec: FieldSpec) -> FactInfoDict:
            d: FactInfoDict = {
                "name": name,
                "type": spec.type,
                "required": spec.required,
                "label_zh": spec.label_zh,
                "label_en": spec.label_en,
                "question_zh": spec.question_zh,
                "question_en": spec.question_en,
                "unit": spec.unit,
                "unit_en": spec.unit_en or spec.unit,
            }
            if spec.min is not None:
                d["min"] = f"{spec.min.normalize():f}"
            if spec.max is not None:
                d["max"] = f"{spec.max.normalize():f}"
            if spec.below is not None:
                d["below"] = f"{spec.below.normalize():f}"
            if spec.choices:
                d["choices"] = [
                    {
                        "value": c,
                        "label_zh": (spec.choice_labels_zh or {}).get(c, c),
                        "label_en": (spec.choice_labels_en or {}).get(c, c),
                    }
                    for c in spec.choices
                ]
            if spec.max_length:
                d["max_length"] = spec.max_length
            if spec.max_items:
                d["max_items"] = spec.max_items
            if spec.format:
                d["format"] = spec.format
            if spec.fields:
                d["fields"] = [field(n, s) for n, s in spec.fields.items()]
            return d

        p = self.policy
        return {
            "policy": {
                **self.policy_ref,
                "issuer_zh": p.issuer_zh,
                "issuer_en": p.issuer_en,
                "source_document": p.source_document,
                "valid_from": p.valid_from.isoformat(),
                "valid_to": p.valid_to.isoformat(),
            },
            "targets": [
                {
                    "id": t,
                    "title_zh": s.title_zh,
                    "title_en": s.title_en,
                    "count": s.count,
                    "by": (s.by or p.valid_to).isoformat(),
                    "clause": s.clause,
                    "per_year": s.per_year,
                }
                for t, s in self.targets.items()
            ],
            "measures": [
                {
                    "id": m.id,
                    "clause": m.spec.clause,
                    "title_zh": m.spec.title_zh,
                    "title_en": m.spec.title_en,
                    "benefit": m.spec.benefit,
                    "responsible_units": list(m.spec.responsible_units),
                    "responsible_units_en": list(m.spec.responsible_units_en or m.spec.responsible_units),
                    "quote": m.spec.quote,
                    "audience_zh": m.spec.audience_zh,
                    "audience_en": m.spec.audience_en,
                    "outputs": [
                        {"name": n, "type": o.type, "title_zh": o.title_zh, "title_en": o.title_en}
                        for n, o in m.spec.outputs.items()
                    ],
                    "details": [
                        {
                            "title_zh": d.title_zh,
                            "title_en": d.title_en,
                            "text_zh": d.text_zh,
                            "text_en": d.text_en,
                            "source": d.source,
                            "assumption": d.assumption,
                        }
                        for d in m.spec.details
                    ],
                }
                for m in self.measures
            ],
            "tiers": [
                {"id": t.id, "title_zh": t.spec.title_zh, "title_en": t.spec.title_en} for t in self.tiers
            ],
            "facts": [field(n, s) for n, s in self.facts.items()],
        }

    def profile_schema(self) -> dict[str, Any]:
        schema = self.validator.json_schema()
        schema["title"] = f"{self.policy.id} profile"
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        return schema

    @staticmethod
    def result_schema() -> dict[str, Any]:
        return result_json_schema()


class _Run:
    """State of one evaluation: memoised derived values and measure outcomes."""

    def __init__(self, rules: RuleSet, reasons: bool) -> None:
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
        m = self.rules._by_id[mid]
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
        if status is True:
            for out in m.outputs:
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
                failed
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
            if _active(c.spec, env.as_of):
                logged = len(self.log)
                crits.append(self._criterion(c, env))
                used.extend(self.assumptions(c.refs, logged, env))
        statuses = {c.status for c in crits}
        overall: TierStatus = (
            "not_ready" if "missed" in statuses else "undetermined" if "unknown" in statuses else "ready"
        )
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
        s = c.spec
        env.missing = []
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
        status: CriterionStatus = "met" if met is True else "missed" if met is False else "unknown"
        extra = c.extra(env) if status == "missed" and c.extra is not None else None
        return CriterionOutcome(
            s,
            status,
            None if actual is UNKNOWN else actual,
            None if required is UNKNOWN else required,
            None if extra is UNKNOWN else extra,
            sorted(set(env.missing)) if status == "unknown" else [],
        )


def _active(spec: CriterionSpec, day: date) -> bool:
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
