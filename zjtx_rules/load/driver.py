"""Loading a rule package: read every file, check everything, compile once.

``compile_package`` collects *every* problem before giving up (TOML syntax, unknown keys, exact
types, unknown or misspelt names, type mismatches, literal sense, cycles, decision-table gaps
and overlaps, dates out of order, parameters with no value inside the policy period, quotes
not in the plan's text, failing invariants), each with file:line:column, and raises
``RuleError`` if any is an error. Warnings (assumptions, unused values, missing English
labels) travel with the ``Program``.

This module is the driver: each document is checked by its own module in ``load/``, in the
order below, all sharing one ``Build`` (the declared names and their types).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from zjtx_rules import diagnostics as D
from zjtx_rules.errors import RuleError
from zjtx_rules.load import (
    choices,
    decision_tables,
    derived,
    facts,
    graph,
    invariants,
    measures,
    parameters,
    policy,
    readiness,
    sources,
)
from zjtx_rules.load.build import Build
from zjtx_rules.load.files import Loader as Loader
from zjtx_rules.load.files import Site, diag_order
from zjtx_rules.package.source import SourceFile, package_sha256
from zjtx_rules.package.spec import PolicySpec, RuleDocument
from zjtx_rules.program.assumptions import Closure
from zjtx_rules.program.model import Program
from zjtx_rules.program.tables import TableVersion


def compile_package(root: Path) -> Program:
    """Read, check and compile the package at ``root`` into a ``Program``.

    Raises ``RuleError`` listing every problem; warnings are on ``Program.diagnostics``.
    """
    loader = Loader(root)
    b = Build(loader)
    docs = loader.read()
    found = _declare(b, docs)
    the_policy, policy_site = found.policy, found.policy_site
    if the_policy is None or policy_site is None:
        if not [d for d in loader.diags if d.severity == "error"]:
            loader.report(D.NO_POLICY, None)
        raise RuleError(sorted(loader.diags, key=diag_order), loader.suppressed)
    b.policy = the_policy
    policy.check_policy(b, the_policy, policy_site, found.targets)
    graph.chain_limit(b, found.tiers, found.targets, found.invariants)
    histories = parameters.parameters(b)
    decision_tables.decision_tables(b, histories)
    validator = facts.profile_validator(b)
    derived_fns = derived.derived_values(b)
    choices.rule_choices(b)
    b.closure = Closure(b.derived_nodes, b.derived_choices)
    compiled = measures.measures(b)
    policy.check_headline(b, the_policy, policy_site)
    tier_list = readiness.tiers(b, found.tiers)
    target_fns = policy.targets(b, found.targets)
    graph.cycles(b)
    invariants.invariants(b, found.invariants, histories)
    graph.unused(b)
    register = sources.check_refs(b, docs)
    b.chinese_verdict()
    if any(d.severity == "error" for d in loader.diags):
        raise RuleError(sorted(loader.diags, key=diag_order), loader.suppressed)
    assert validator is not None
    return Program(
        policy=the_policy,
        targets={t: spec for t, (spec, _) in found.targets.items()},
        target_fns=target_fns,
        root=root,
        sha256=package_sha256(root),
        facts={n: s for n, (s, _) in b.facts.items()},
        validator=validator,
        params=histories,
        derived=derived_fns,
        measures=tuple(compiled),
        tiers=tuple(tier_list),
        diagnostics=tuple(sorted(loader.diags, key=diag_order)),
        param_specs={n: s for n, (s, _) in b.params.items()},
        table_specs={n: s for n, (s, _) in b.tables.items()},
        constants=_all_constants(b, histories),
        derived_nodes={n: v for n, v in b.derived_nodes.items() if v is not None},
        book=b.book,
        sources=register,
        documents=tuple((Path(src.display).name, doc) for src, doc in docs),
        trees=dict(b.trees),
    )


class _Found:
    """What the documents declare besides names: the policy, targets, invariants, tiers."""

    def __init__(self) -> None:
        self.policy: PolicySpec | None = None
        self.policy_site: Site | None = None
        self.targets: dict[str, tuple[Any, Site]] = {}
        self.invariants: list[Any] = []
        self.tiers: dict[str, tuple[Any, Site]] = {}


_SECTIONS = (
    ("fact", "facts"),
    ("param", "parameters"),
    ("table", "tables"),
    ("derived", "derived"),
    ("measure", "measures"),
)


def _declare(b: Build, docs: list[tuple[SourceFile, RuleDocument]]) -> _Found:
    """Every name of every document, before anything refers to one."""
    found = _Found()
    for src, doc in docs:
        if doc.policy is not None:
            if found.policy is not None:
                b.ld.report(D.DUPLICATE_NAME(form="policy"), Site(src, ("policy",), ""))
            found.policy = doc.policy
            found.policy_site = Site(src, ("policy",), "policy")
        for tid, target in doc.targets.items():
            found.targets[tid] = (target, Site(src, ("targets", tid), f"target '{tid}'"))
        found.invariants.extend((src, i, inv) for i, inv in enumerate(doc.invariants))
        for tid, tier in doc.tiers.items():
            found.tiers[tid] = (tier, Site(src, ("tiers", tid), f"tier '{tid}'"))
        for aid, aspec in doc.assumptions.items():
            b.choice_specs[aid] = (aspec, Site(src, ("assumptions", aid), f"assumption '{aid}'"))
        for kind, sect in _SECTIONS:
            for name, item in getattr(doc, sect).items():
                b.declare(kind, name, item, Site(src, (sect, name), f"{kind} '{name}'"))
    return found


def _all_constants(b: Build, histories: dict[str, Any]) -> frozenset[Decimal]:
    """Literals, parameter values and table bounds: thresholds worth hitting exactly."""
    out = set(b.constants)
    for hist in histories.values():
        for item in hist.items:
            v = item.value
            if isinstance(v, Decimal):
                out.add(v)
            elif isinstance(v, TableVersion):
                for row in v.rows:
                    out.update(x for c in row.conds for x in c.bounds if x is not None)
    return frozenset(out)
