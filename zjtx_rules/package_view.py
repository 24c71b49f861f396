"""A rule package as a reader sees it: every declaration with its source, what each reads,
which test cases cover it, and which figures are assumed.

The rules document (``docsite``) and the rule-level diff (``rulediff``) both work from this
view, built from whatever the package declares, never from a list of clauses kept in code.
The package is first loaded and checked by ``load_rules`` (so a broken package is refused
with its usual diagnostics); the declarations themselves are then read as specs, because
derived values' texts and titles are not kept on the compiled ``RuleSet``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .casefile import Case, load_cases
from .engine import RuleSet
from .expr.nodes import Call, Lambda, Name, walk
from .expr.parser import parse
from .expr.values import BUILTINS
from .loader import Loader, load_rules
from .spec import (
    CaseSpec,
    DerivedSpec,
    FieldSpec,
    InvariantSpec,
    MeasureSpec,
    ParameterSpec,
    PolicySpec,
    TableSpec,
    TargetSpec,
    TierSpec,
)

KINDS = ("fact", "param", "table", "derived", "measure")


@dataclass(frozen=True)
class Assumption:
    """One figure or rule choice the plan does not state, where it is declared."""

    key: str  # stable across versions: what it is, not what it says (e.g. table:x:2022-01-01:tier=a)
    kind: str  # param | table | measure | criterion
    subject: str  # the parameter, table, measure or tier it belongs to
    title: str
    value: str
    source: str
    note: str
    start: date | None
    measures: tuple[str, ...]  # measures whose result can depend on it


@dataclass
class PackageView:
    rules: RuleSet
    policy: PolicySpec
    targets: dict[str, TargetSpec] = field(default_factory=dict)
    facts: dict[str, FieldSpec] = field(default_factory=dict)
    params: dict[str, ParameterSpec] = field(default_factory=dict)
    tables: dict[str, TableSpec] = field(default_factory=dict)
    derived: dict[str, DerivedSpec] = field(default_factory=dict)
    measures: dict[str, MeasureSpec] = field(default_factory=dict)  # in clause order
    tiers: dict[str, TierSpec] = field(default_factory=dict)  # by their order
    invariants: list[InvariantSpec] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    reads: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # direct reads by kind
    files: dict[str, str] = field(default_factory=dict)  # declaration -> file it is in

    def kind_of(self, name: str) -> str:
        for kind, store in (
            ("fact", self.facts),
            ("param", self.params),
            ("table", self.tables),
            ("derived", self.derived),
            ("measure", self.measures),
        ):
            if name in store:
                return kind
        return ""

    def closure(self, name: str) -> dict[str, set[str]]:
        """Everything ``name`` reads, directly or through derived values and other measures."""
        out: dict[str, set[str]] = {k: set() for k in KINDS}
        todo, seen = [name], {name}
        while todo:
            for kind, names in self.reads.get(todo.pop(), {}).items():
                out[kind] |= names
                for n in names:
                    if kind in ("derived", "measure") and n not in seen:
                        seen.add(n)
                        todo.append(n)
        return out

    def readers(self, name: str) -> list[str]:
        """Measures whose result can depend on ``name`` (in clause order)."""
        kind = self.kind_of(name)
        return [m for m in self.measures if m == name or name in self.closure(m).get(kind, set())]

    def cases_for(self, measure: str) -> list[Case]:
        return [c for c in self.cases if isinstance(c.spec, CaseSpec) and measure in c.spec.expect]

    def assumptions(self) -> list[Assumption]:
        """The assumptions register, in the order a reader meets them."""
        out: list[Assumption] = []
        for name, p in self.params.items():
            for v in p.values:
                if v.assumption:
                    out.append(
                        Assumption(
                            f"param:{name}:{v.from_}",
                            "param",
                            name,
                            p.title_zh,
                            show_value(v.value),
                            v.source,
                            v.note,
                            v.from_,
                            tuple(self.readers(name)),
                        )
                    )
        for name, t in self.tables.items():
            affected = tuple(self.readers(name))
            for ver in t.versions:
                if ver.assumption:
                    out.append(
                        Assumption(
                            f"table:{name}:{ver.from_}",
                            "table",
                            name,
                            t.title_zh,
                            "",
                            ver.source,
                            ver.note,
                            ver.from_,
                            affected,
                        )
                    )
                for row in ver.rows:
                    if row.get("assumption") is True:
                        key = row_key(t, row)
                        out.append(
                            Assumption(
                                f"table:{name}:{ver.from_}:{key}",
                                "table",
                                name,
                                f"{t.title_zh} [{key}]",
                                show_value(row.get("value")),
                                ver.source,
                                str(row.get("note", "")),
                                ver.from_,
                                affected,
                            )
                        )
        for mid, m in self.measures.items():
            for d in m.details:
                if d.assumption:
                    out.append(
                        Assumption(
                            f"measure:{mid}:{d.title_en}",
                            "measure",
                            mid,
                            d.title_zh,
                            "",
                            d.source,
                            d.text_zh,
                            None,
                            (mid,),
                        )
                    )
        for tid, tier in self.tiers.items():
            for c in tier.criteria:
                if c.assumption:
                    out.append(
                        Assumption(
                            f"criterion:{tid}:{c.id}",
                            "criterion",
                            tid,
                            f"{tier.title_zh}: {c.title_zh}",
                            c.required or c.expr,
                            c.source,
                            c.note,
                            c.valid_from,
                            (),
                        )
                    )
        return out


def load_view(path: str | Path | None = None, rules: RuleSet | None = None) -> PackageView:
    """Load and check a package (``None``: the bundled one) and read it for people."""
    rules = rules or load_rules(path)
    view = PackageView(rules, rules.policy)
    measures: dict[str, MeasureSpec] = {}
    tiers: dict[str, TierSpec] = {}
    for src, doc in Loader(rules.root).read():
        view.targets.update(doc.targets)
        view.facts.update(doc.facts)
        view.params.update(doc.parameters)
        view.tables.update(doc.tables)
        view.derived.update(doc.derived)
        view.invariants.extend(doc.invariants)
        measures.update(doc.measures)
        tiers.update(doc.tiers)
        for section in (doc.facts, doc.parameters, doc.tables, doc.derived, doc.measures, doc.tiers):
            view.files.update({n: Path(src.display).name for n in section})
    view.measures = dict(sorted(measures.items(), key=lambda kv: clause_key(kv[1].clause)))
    view.tiers = dict(sorted(tiers.items(), key=lambda kv: kv[1].order))
    view.cases = load_cases(rules)
    for name, d in view.derived.items():
        view.reads[name] = _reads(view, [d.expr])
    for mid, m in view.measures.items():
        exprs = [c.expr for c in m.conditions] + [o.expr for o in m.outputs.values()]
        view.reads[mid] = _reads(view, exprs, set(m.outputs))
    return view


def _reads(view: PackageView, exprs: list[str], local: set[str] | None = None) -> dict[str, set[str]]:
    """The declared names some expressions read, by kind (lambda parameters and a measure's
    own outputs are local, not reads)."""
    out: dict[str, set[str]] = {k: set() for k in KINDS}
    for text in exprs:
        nodes = walk(parse(text))
        bound = set(local or ()) | {p for n in nodes if isinstance(n, Lambda) for p in n.params}
        for n in nodes:
            name = ""
            if isinstance(n, Name) and n.name not in bound:
                name = n.name
            elif isinstance(n, Call) and n.func not in BUILTINS:
                name = n.func
            kind = view.kind_of(name) if name else ""
            if kind:
                out[kind].add(name)
    return out


def clause_key(clause: str) -> tuple[Any, ...]:
    """Sort clause numbers as numbers: 2 before 10, 3(1) after 3."""
    return tuple(int(p) if p.isdigit() else p for p in re.findall(r"\d+|\D+", clause))


def show_value(value: Any) -> str:
    """A parameter or table value as people read it (lists joined, Decimals exact)."""
    if isinstance(value, list):
        return "、".join(show_value(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def row_key(table: TableSpec, row: dict[str, Any]) -> str:
    """A table row named by its input values (``tier=little_giant``): stable across versions."""
    return ", ".join(f"{i.name}={show_value(row.get(i.name, '*'))}" for i in table.inputs)
