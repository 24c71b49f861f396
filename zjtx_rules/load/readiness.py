"""Readiness tiers and their criteria.

Entry point: ``tiers``."""

from __future__ import annotations

from typing import Any

from zjtx_rules import diagnostics as D
from zjtx_rules.expr.compile import Compiled, compile_expr
from zjtx_rules.expr.nodes import Node
from zjtx_rules.expr.types import BOOL, NUMBER
from zjtx_rules.load.build import Build
from zjtx_rules.load.files import Site
from zjtx_rules.load.literal_checks import judge
from zjtx_rules.package.source import KeyPath
from zjtx_rules.program.assumptions import Assumption
from zjtx_rules.program.model import CompiledCriterion, CompiledTier


def tiers(b: Build, tiers: dict[str, tuple[Any, Site]]) -> list[CompiledTier]:
    """Check and compile every tier and its criteria, in tier order."""
    out = []
    orders: dict[int, str] = {}
    for tid, (spec, site) in sorted(tiers.items(), key=lambda kv: kv[1][0].order):
        if spec.order in orders:  # the path of growth would then depend on file order
            taken = D.DUPLICATE_ORDER(order=spec.order, tier=orders[spec.order])
            b.ld.report(taken, site, sub=("order",))
        orders.setdefault(spec.order, tid)
        held = b.expr(spec.held, site, ("held",), BOOL)
        b.check_choices(spec.assumptions, site, ("assumptions",))
        crits = []
        for i, c in enumerate(spec.criteria):
            crit = _criterion(b, tid, c, site, ("criteria", i))
            if crit is not None:
                crits.append(crit)
        if held is not None:
            out.append(
                CompiledTier(
                    tid,
                    spec,
                    compile_expr(held),
                    crits,
                    b.closure.of([held]),
                    b.closure.of([], spec.assumptions),
                )
            )
    return out


def _criterion(b: Build, tid: str, c: Any, site: Site, sub: KeyPath) -> CompiledCriterion | None:
    """One criterion of tier ``tid``: its dates, assumption, form and expressions (None when
    it is neither a condition nor a whole numeric comparison)."""
    own = list(c.assumptions)
    b.check_choices(own, site, (*sub, "assumptions"))
    if c.valid_from and c.valid_until and c.valid_until <= c.valid_from:
        reversed_ = D.BAD_PERIOD(form="criterion", until=c.valid_until, start=c.valid_from)
        b.ld.report(reversed_, site, sub=(*sub, "valid_until"))
    b.orphan_note(site, sub, c.assumption, c.note_en)
    if c.assumption:
        cid = f"{tid}.{c.id}"
        rule = f"{c.actual} {c.op} {c.required}" if c.op else c.expr
        b.assumption(
            site,
            sub,
            f"{cid}: {c.title_zh} {rule}",
            c.note,
            c.note_en,
            c.valid_from or b.policy.valid_from,
            f"{cid}: {c.title_en} {rule}",
        )
        b.book.choices[cid] = (Assumption(cid, c.note, c.note_en), None)
        own.append(cid)
    numeric = bool(c.actual or c.required or c.op)
    if numeric and not (c.actual and c.required and c.op):
        b.ld.report(D.BAD_CRITERION(form="numeric"), site, sub=sub)
        return None
    if not numeric and not c.expr:
        b.ld.report(D.BAD_CRITERION, site, sub=sub)
        return None
    # how the figures read (12.5% or 0.125) is a choice to make, not to inherit
    shown = [(c, sub)] if numeric else []
    shown += [(c.extra, (*sub, "extra"))] if c.extra is not None else []
    for owner, osub in shown:
        if "format" not in owner.model_fields_set:
            b.ld.report(D.MISSING_KEY(form="format"), site, sub=osub)
    fns: dict[str, Compiled | None] = {}
    nodes: list[Node | None] = []
    by_key: dict[str, Node | None] = {}
    for key, text, ty in (
        ("expr", c.expr, BOOL),
        ("actual", c.actual, NUMBER),
        ("required", c.required, NUMBER),
        ("or_expr", c.or_expr, BOOL),
        ("applies", c.applies, BOOL),
    ):
        if text:
            node = by_key[key] = b.expr(text, site, (*sub, key), ty)
            nodes.append(node)
            fns[key] = compile_expr(node) if node is not None else None
    actual, required = by_key.get("actual"), by_key.get("required")
    if actual is not None and required is not None and c.op:
        found = judge(actual, c.op, required, b.fact_spec, required.span)
        b.sense([found] if found else [], site, (*sub, "required"))
    extra = None
    if c.extra is not None:
        node = b.expr(c.extra.expr, site, (*sub, "extra", "expr"), NUMBER)
        nodes.append(node)
        extra = compile_expr(node) if node is not None else None
    closure = b.closure.of(nodes, own)
    return CompiledCriterion(
        c,
        fns.get("expr"),
        fns.get("actual"),
        fns.get("required"),
        fns.get("or_expr"),
        extra,
        closure,
        fns.get("applies"),
    )
