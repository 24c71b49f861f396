"""Measures: conditions, outputs, reason texts, summary flags, closing dates.

Entry point: ``measures``."""

from __future__ import annotations

from collections.abc import Iterable

from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import Words
from zjtx_rules.expr.check import did_you_mean
from zjtx_rules.expr.codegen import Deferred
from zjtx_rules.expr.types import BOOL, MeasureTy
from zjtx_rules.load.build import OUTPUT_TYPES, TEMPLATE_RE, Build
from zjtx_rules.load.files import Site
from zjtx_rules.package.source import KeyPath
from zjtx_rules.package.spec import ConditionSpec, MeasureSpec
from zjtx_rules.program.model import CompiledCondition, CompiledMeasure, CompiledOutput


def measures(b: Build) -> list[CompiledMeasure]:
    """Check and compile every measure: conditions, outputs, reason texts and summary flags."""
    for name, (spec, _site) in b.measures.items():
        outs = tuple((o, OUTPUT_TYPES[s.type]) for o, s in spec.outputs.items())
        b.types[name] = ("measure", MeasureTy(name, outs))
    out = []
    for name, (spec, site) in b.measures.items():
        spec = _closing(b, spec, site)
        deps: set[str] = set()
        conds = []
        seen_ids: set[str] = set()
        for i, c in enumerate(spec.conditions):
            if c.id in seen_ids:
                twice = D.DUPLICATE_NAME(form="condition", name=c.id)
                b.ld.report(twice, site, sub=("conditions", i, "id"))
            seen_ids.add(c.id)
            scope = b.scope()
            node = b.expr(c.expr, site, ("conditions", i, "expr"), BOOL, scope)
            deps |= {n for k, n in scope.refs if k in ("derived", "measure")}
            shown = sorted(n for k, n in scope.refs if k in ("fact", "derived"))
            names = _templates(
                b,
                site,
                ("conditions", i),
                [
                    ("pass_zh", c.pass_zh),
                    ("pass_en", c.pass_en),
                    ("fail_zh", c.fail_zh),
                    ("fail_en", c.fail_en),
                    ("unknown_zh", c.unknown_zh),
                    ("unknown_en", c.unknown_en),
                ],
            )
            b.check_choices(c.assumptions, site, ("conditions", i, "assumptions"))
            if node is not None:
                conds.append(
                    CompiledCondition(
                        c,
                        Deferred(node),  # run when explaining; deciding runs ``decision``
                        tuple(shown),
                        tuple(sorted(names | set(shown))),
                        node,
                        b.closure.of([node], c.assumptions),
                    )
                )
        outputs = []
        local_scope = b.scope()
        for oname, ospec in spec.outputs.items():
            b.titled(ospec.title_zh, ospec.title_en, site, ("outputs", oname))
            before = set(local_scope.refs)
            node = b.expr(ospec.expr, site, ("outputs", oname, "expr"), OUTPUT_TYPES[ospec.type], local_scope)
            deps |= {n for k, n in local_scope.refs - before if k in ("derived", "measure")}
            local_scope.locals[oname] = OUTPUT_TYPES[ospec.type]
            b.check_choices(ospec.assumptions, site, ("outputs", oname, "assumptions"))
            if node is not None:
                refs = b.closure.of([node], ospec.assumptions, spec.outputs)
                if ospec.report == "always":
                    for read in sorted(r for r in refs.locals if spec.outputs[r].report != "always"):
                        b.ld.report(D.ALWAYS_READS_PAYMENT(name=read), site, sub=("outputs", oname, "expr"))
                outputs.append(CompiledOutput(oname, ospec, Deferred(node), refs, node))
        b.deps[name] = deps
        _benefit(b, spec, site)
        _summary_flags(b, spec, site)
        if len(spec.responsible_units_en) != len(spec.responsible_units):
            b.no_english(site, ("responsible_units",), "、".join(spec.responsible_units))
        out.append(CompiledMeasure(name, spec, conds, outputs))
    return out


def _benefit(b: Build, spec: MeasureSpec, site: Site) -> None:
    """A measure's benefit is one of the package's kinds (``[policy.benefits]``, else the
    default seven of a subsidy plan)."""
    kinds = list(b.policy.benefit_kinds())
    if spec.benefit not in kinds:
        message = D.UNKNOWN_BENEFIT(name=spec.benefit, hint="allowed", allowed=", ".join(kinds))
        b.ld.report(message, site, sub=("benefit",), hint=did_you_mean(spec.benefit, kinds))


def _closing(b: Build, spec: MeasureSpec, site: Site) -> MeasureSpec:
    """A measure with ``closed_from`` gets one more condition, ``as_of < closed_from``, so
    a closed measure is ineligible from that day with a reason that says so."""
    day = spec.closed_from
    if day is None:
        return spec
    if day <= b.policy.valid_from:
        too_early = D.BAD_PERIOD(form="closed", day=day, start=b.policy.valid_from)
        b.ld.report(too_early, site, sub=("closed_from",))
    why_zh = f"（{spec.closed_note_zh}）" if spec.closed_note_zh else ""
    why_en = f" ({spec.closed_note_en})" if spec.closed_note_en else ""
    closing = ConditionSpec(
        id="not_closed",
        expr=f"as_of < {day.isoformat()}",
        pass_zh=f"本措施 {day} 起停止受理，评估日在此之前",
        pass_en=f"the measure closes on {day}; the evaluation date is before that",
        fail_zh=f"本措施自 {day} 起停止受理{why_zh}",
        fail_en=f"the measure is closed from {day}{why_en}",
    )
    return spec.model_copy(update={"conditions": [*spec.conditions, closing]})


def _templates(b: Build, site: Site, sub: KeyPath, texts: Iterable[tuple[str, str]]) -> set[str]:
    used: set[str] = set()
    for key, text in texts:
        for m in TEMPLATE_RE.finditer(text):
            ref = m.group(1)
            kind = b.lookup(ref)
            if kind is None and b.broken_name(ref):
                continue
            if kind is None or kind[0] not in ("fact", "param", "derived"):
                named = [n for n, (k, _) in b.types.items() if k in ("fact", "param", "derived")]
                hint = did_you_mean(ref, named)
                b.ld.report(D.UNKNOWN_TEMPLATE_NAME(name=ref), site, sub=(*sub, key), hint=hint)
            else:
                used.add(ref)
    return used


def _summary_flags(b: Build, spec: MeasureSpec, site: Site) -> None:
    """Batch-summary flags must fit the outputs they name."""
    for oname, o in spec.outputs.items():
        allowed = {"budget": ("money", "money_by_year"), "count": ("int", "ids")}.get(o.summary)
        if allowed and o.type not in allowed:
            types = Words(str(allowed), " or ".join(allowed))
            misfit = D.BAD_SUMMARY(summary=o.summary, types=types)
            b.ld.report(misfit, site, sub=("outputs", oname, "summary"))
    if spec.rank_by:
        out = spec.outputs.get(spec.rank_by)
        if out is None or out.type not in ("number", "money", "int", "ratio"):
            hint = did_you_mean(spec.rank_by, list(spec.outputs))
            b.ld.report(D.BAD_SUMMARY(form="rank-by", name=spec.rank_by), site, sub=("rank_by",), hint=hint)
