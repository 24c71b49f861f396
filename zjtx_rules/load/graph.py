"""The graph of references between derived values, measures, tiers, targets and invariants:
chains too deep to evaluate (checked first, before anything recursive runs), cycles, and
values nothing uses.

Entry points: ``chain_limit`` (first), ``cycles`` and ``unused`` (last)."""

from __future__ import annotations

from typing import Any

from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import Words
from zjtx_rules.errors import RuleError
from zjtx_rules.expr.check import MAX_CHAIN_COST, chain_costs
from zjtx_rules.expr.nodes import Name as NameNode
from zjtx_rules.expr.nodes import walk
from zjtx_rules.expr.parser import ExprError, parse, tree_depth
from zjtx_rules.load.build import Build
from zjtx_rules.load.files import Site, diag_order
from zjtx_rules.package.source import KeyPath


def chain_limit(
    b: Build, tiers: dict[str, tuple[Any, Site]], targets: dict[str, tuple[Any, Site]], invariants: list[Any]
) -> None:
    """Refuse paths of derived values and measures too deep to check or evaluate. Tiers,
    targets and invariants end paths (nothing names them), so they count too."""
    sites: dict[str, tuple[str, Site, KeyPath]] = {}
    texts: dict[str, list[str]] = {}
    for name, (text, site) in b.derived.items():
        texts[name], sites[name] = [text], ("derived", site, ("expr",))
    for name, (spec, site) in b.measures.items():
        texts[name] = [c.expr for c in spec.conditions] + [o.expr for o in spec.outputs.values()]
        sites[name] = ("measure", site, ())
    for tid, (tier, site) in tiers.items():
        crits = [t for c in tier.criteria for t in (c.expr, c.actual, c.required, c.or_expr) if t]
        extras = [c.extra.expr for c in tier.criteria if c.extra is not None]
        texts[f"tier {tid}"], sites[f"tier {tid}"] = [tier.held, *crits, *extras], ("tier", site, ())
    for tid, (target, site) in targets.items():
        texts[f"target {tid}"], sites[f"target {tid}"] = [target.expr], ("target", site, ("expr",))
    for src, i, inv in invariants:
        site = Site(src, ("invariants", i), f"invariant '{inv.id}'")
        texts[f"invariant {inv.id}"], sites[f"invariant {inv.id}"] = (
            [inv.expr],
            ("invariant", site, ("expr",)),
        )
    items: dict[str, tuple[int, set[str]]] = {}
    for name, exprs in texts.items():
        depth, uses = 0, set()
        for text in exprs:
            node = b.unchecked.get(text)
            if node is None:
                try:
                    node = b.unchecked[text] = parse(text)  # kept: the check takes it (Build.expr)
                except ExprError:
                    continue  # reported, with its location, when the expression is checked
            depth = max(depth, tree_depth(node))
            uses |= {n.name for n in walk(node) if isinstance(n, NameNode) and n.name in texts}
        items[name] = (depth, uses)
    costs = chain_costs(items)
    over = [n for n, c in costs.items() if c > MAX_CHAIN_COST]
    for name in over:
        if any(costs.get(u, 0) > MAX_CHAIN_COST for u in items[name][1]):
            continue  # report where the limit is first crossed, not every item above it
        kind, site, sub = sites[name]
        label = name.split(" ")[-1]
        deep = D.CHAIN_TOO_DEEP(kind=kind, name=label, depth=costs[name], limit=MAX_CHAIN_COST)
        b.ld.report(deep, site, sub=sub)
    if over:
        raise RuleError(sorted(b.ld.diags, key=diag_order), b.ld.suppressed)


def cycles(b: Build) -> None:
    """Each dependency cycle between derived values and measures, reported once with its path."""
    state: dict[str, int] = {}
    stack: list[str] = []
    reported: set[frozenset[str]] = set()

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for m in sorted(b.deps.get(n, ())):
            if state.get(m) == 1:
                cycle = [*stack[stack.index(m) :], m]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    site = (b.derived.get(n) or b.measures.get(n) or (None, None))[1]
                    b.ld.report(D.CYCLE(path=" -> ".join(cycle)), site)
            elif state.get(m) is None:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(b.deps):
        if n not in state:
            visit(n)


def unused(b: Build) -> None:
    """A derived value or table nothing refers to is dead text, or a misspelt reference
    elsewhere that happened to name something else (W802). Not said when a broken file
    or declaration hides the rules that would use it."""
    if b.ld.broken or b.ld.wholesale:
        return
    stores = ((Words("派生值", "derived value"), b.derived), (Words("决策表", "decision table"), b.tables))
    for kind, store in stores:
        for name, (_item, site) in store.items():
            if name not in b.used:
                b.ld.report(D.UNUSED(kind=kind, name=name), site)
