"""Why a measure came out as it did: its evaluation trace, sub-expression by sub-expression.

``explain`` re-evaluates one measure for a profile with the reference tree interpreter
(``expr.interpret``) under a tracing hook, so each sub-expression is recorded with the value it
took, in evaluation order (children before the expression that uses them), including the
derived values and other measures it reads. It runs the same checked trees as the engine, so
its statuses and amounts are the engine's (a test holds them together); it is slow on purpose
and meant for one enterprise at a time (``zjtx evaluate --explain MEASURE``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from zjtx_rules.errors import EvaluationError, UsageError
from zjtx_rules.evaluate.engine import finish_output
from zjtx_rules.evaluate.ruleset import RuleSet, parse_as_of
from zjtx_rules.expr.check import did_you_mean
from zjtx_rules.expr.compile import Env
from zjtx_rules.expr.interpret import interpret, tracing
from zjtx_rules.expr.nodes import Bool, DateLit, Lambda, Node, Num, Str
from zjtx_rules.expr.pretty import flat, literal
from zjtx_rules.expr.values import CONTEXT, UNKNOWN
from zjtx_rules.program.model import CompiledMeasure

MAX_TEXT = 110
MAX_VALUE = 90


@dataclass
class Step:
    depth: int
    text: str  # the sub-expression, or a heading such as "condition registered"
    value: Any = None
    heading: bool = False


@dataclass
class Trace:
    measure: str
    title_zh: str
    title_en: str
    as_of: date
    steps: list[Step] = field(default_factory=list)
    status: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)  # rounded as the result reports them
    missing: list[str] = field(default_factory=list)  # facts that would settle an undetermined measure

    @property
    def final(self) -> tuple[str, Any] | None:
        """The last output the measure computes (its headline figure), if it computed any."""
        if not self.outputs:
            return None
        name = list(self.outputs)[-1]
        return name, self.outputs[name]

    def render(self) -> str:
        lines = [f"{self.measure} — {self.title_zh} / {self.title_en} @ {self.as_of}"]
        for s in self.steps:
            pad = "  " * s.depth
            if s.heading:
                lines.append(f"{pad}{s.text}")
            else:
                lines.append(f"{pad}{_clip(s.text, MAX_TEXT)} = {_clip(show(s.value), MAX_VALUE)}")
        lines.append(f"status = {self.status}")
        if self.missing:
            lines.append(f"missing = {', '.join(self.missing)}")
        for name, value in self.outputs.items():
            lines.append(f"{self.measure}.{name} = {show(value)}")
        return "\n".join(lines) + "\n"


class _Recorder:
    """The tracing hook: a step per evaluated node, indented by how deep it sits."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.depth = 0

    def heading(self, text: str) -> None:
        self.trace.steps.append(Step(self.depth, text, heading=True))

    def enter(self, node: Node) -> None:
        self.depth += 1

    def leave(self, node: Node, value: Any) -> None:
        self.depth -= 1
        if not isinstance(node, Num | Str | Bool | DateLit | Lambda):  # literals say nothing new
            self.trace.steps.append(Step(self.depth + 1, flat(node), value))


class _TracingResolver:
    """Derived values and other measures, evaluated by the interpreter under the same trace."""

    def __init__(self, rules: RuleSet, rec: _Recorder) -> None:
        self.rules = rules
        self.rec = rec
        self.derived_memo: dict[str, tuple[Any, list[str]]] = {}
        self.measures: dict[str, tuple[str, dict[str, Any], list[str]]] = {}

    def derived(self, name: str, env: Env) -> Any:
        hit = self.derived_memo.get(name)
        if hit is None:
            self.rec.depth += 1
            self.rec.heading(f"derived {name}:")
            mark = len(env.missing)
            value = interpret(self.rules.derived_nodes[name], env)
            self.rec.depth -= 1
            hit = (value, env.missing[mark:] if value is UNKNOWN else [])
            if value is not UNKNOWN:
                del env.missing[mark:]
            self.derived_memo[name] = hit
        else:
            env.missing.extend(hit[1])
        return hit[0]

    def measure_field(self, name: str, fld: str, env: Env) -> Any:
        if name not in self.measures:
            self.rec.depth += 1
            saved_missing, saved_locals = env.missing, env.locals
            self.measures[name] = self.measure(self.rules_measure(name), env)
            env.missing, env.locals = saved_missing, saved_locals
            self.rec.depth -= 1
        status, raw, missing = self.measures[name]
        if status == "undetermined":
            env.missing.extend(missing)
            if fld != "undetermined":
                return UNKNOWN
        if fld in ("eligible", "ineligible", "undetermined"):
            return status == fld
        return raw.get(fld, UNKNOWN)

    def rules_measure(self, name: str) -> CompiledMeasure:
        return next(m for m in self.rules.measures if m.id == name)

    def measure(self, m: CompiledMeasure, env: Env) -> tuple[str, dict[str, Any], list[str]]:
        """Evaluate one measure as the engine does: every condition, outputs only if eligible."""
        self.rec.heading(f"measure {m.id}:")
        env.locals = {}
        status: Any = True
        missing: list[str] = []
        for cond in m.conditions:
            self.rec.heading(f"condition {cond.spec.id}: {cond.spec.pass_zh} / {cond.spec.pass_en}")
            env.missing = []
            v = interpret(cond.node, env)
            if v is False:
                status = False
            elif v is UNKNOWN:
                missing.extend(env.missing)
                status = UNKNOWN if status is True else status
        raw: dict[str, Any] = {}
        if status is True:
            for out in m.outputs:
                self.rec.heading(f"output {out.name}: {out.spec.title_zh} / {out.spec.title_en}")
                env.missing = []
                v = interpret(out.node, env)
                env.locals[out.name] = raw[out.name] = v
                if v is UNKNOWN:
                    missing.extend(env.missing)
        final = "eligible" if status is True else "ineligible" if status is False else "undetermined"
        return final, raw, sorted(set(missing))


def explain(rules: RuleSet, profile: Any, measure: str, as_of: date | str | None = None) -> Trace:
    """The evaluation trace of ``measure`` for ``profile`` on ``as_of`` (default: today)."""
    by_id = {m.id: m for m in rules.measures}
    if measure not in by_id:
        zh, en = did_you_mean(measure, list(by_id))
        hint_zh, hint_en = (f"；{zh}", f"; {en}") if zh else ("", "")
        raise UsageError(f"没有措施 '{measure}'{hint_zh}", f"no measure '{measure}'{hint_en}")
    day = parse_as_of(as_of)
    facts = rules.validate_profile(profile)
    m = by_id[measure]
    trace = Trace(measure, m.spec.title_zh, m.spec.title_en, day)
    rec = _Recorder(trace)
    resolver = _TracingResolver(rules, rec)
    env = Env(facts, rules.params_at(day), day, resolver)
    try:
        with localcontext(CONTEXT), tracing(rec):
            status, raw, missing = resolver.measure(m, env)
    except (ArithmeticError, ValueError) as exc:
        raise EvaluationError(measure, str(exc) or type(exc).__name__) from None
    trace.status = status
    trace.missing = missing if status != "ineligible" else []
    specs = {o.name: o.spec for o in m.outputs}
    trace.outputs = {n: v if v is UNKNOWN else finish_output(v, specs[n]) for n, v in raw.items()}
    return trace


def show(value: Any) -> str:
    """A value as the trace prints it: exact Decimals, ISO dates, ``unknown`` for UNKNOWN."""
    if value is UNKNOWN:
        return "unknown"
    if isinstance(value, bool | Decimal | date):
        return literal(value)
    if isinstance(value, str):
        return f'"{value}"'  # as the trace has always shown it, without escapes
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{show(k) if not isinstance(k, str) else k}: {show(v)}" for k, v in value.items())
            + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if value is None:
        return "null"
    return str(value)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
