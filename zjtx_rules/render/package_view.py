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
from pathlib import Path
from typing import Any

from zjtx_rules.evaluate.ruleset import RuleSet, load_rules
from zjtx_rules.expr.nodes import Binary, Call, If, Lambda, Name, Node, walk
from zjtx_rules.expr.values import BUILTINS
from zjtx_rules.package.spec import (
    AssumptionSpec,
    CaseSpec,
    DerivedSpec,
    FieldSpec,
    InvariantSpec,
    MeasureSpec,
    ParameterSpec,
    PolicySpec,
    SourceSpec,
    TableSpec,
    TargetSpec,
    TierSpec,
)
from zjtx_rules.quality.cases import Case, load_cases
from zjtx_rules.render.assumption_register import Assumption as Assumption
from zjtx_rules.render.assumption_register import (
    choice_assumptions,
    criterion_assumptions,
    detail_assumptions,
    param_assumptions,
    table_assumptions,
)
from zjtx_rules.render.assumption_register import period_until as period_until
from zjtx_rules.render.assumption_register import row_key as row_key
from zjtx_rules.render.assumption_register import show_value as show_value

KINDS = ("fact", "param", "table", "derived", "measure")
# what a declaration can rest on: the names its expressions read, and the rule choices
# (``[assumptions.ID]``) it names in its ``assumptions`` lists
READ_KINDS = (*KINDS, "choice")


@dataclass
class PackageView:
    rules: RuleSet
    policy: PolicySpec
    targets: dict[str, TargetSpec] = field(default_factory=dict)
    facts: dict[str, FieldSpec] = field(default_factory=dict)
    params: dict[str, ParameterSpec] = field(default_factory=dict)
    tables: dict[str, TableSpec] = field(default_factory=dict)
    choices: dict[str, AssumptionSpec] = field(default_factory=dict)  # rule choices
    sources: dict[str, SourceSpec] = field(default_factory=dict)  # the sources register
    derived: dict[str, DerivedSpec] = field(default_factory=dict)
    measures: dict[str, MeasureSpec] = field(default_factory=dict)  # in clause order
    tiers: dict[str, TierSpec] = field(default_factory=dict)  # by their order
    invariants: list[InvariantSpec] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    reads: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # direct reads by kind
    tier_reads: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # the same, per tier
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
        return self._closure(self.reads.get(name, {}), {name})

    def tier_closure(self, tier: str) -> dict[str, set[str]]:
        """Everything a tier's criteria read, directly or through derived values."""
        return self._closure(self.tier_reads.get(tier, {}), set())

    def _closure(self, start: dict[str, set[str]], seen: set[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {k: set() for k in READ_KINDS}
        todo = [start]
        while todo:
            for kind, names in todo.pop().items():
                out[kind] |= names
                for n in names:
                    if kind in ("derived", "measure") and n not in seen:
                        seen.add(n)
                        todo.append(self.reads.get(n, {}))
        return out

    def readers(self, name: str, kind: str = "") -> list[str]:
        """Measures whose result can depend on ``name`` (in clause order); ``kind`` is needed
        for a rule choice, whose id may coincide with a fact's name."""
        kind = kind or self.kind_of(name)
        return [m for m in self.measures if m == name or name in self.closure(m).get(kind, set())]

    def tier_readers(self, name: str, kind: str = "") -> list[str]:
        """Tiers whose readiness can depend on ``name`` (in tier order)."""
        kind = kind or self.kind_of(name)
        return [t for t in self.tiers if name in self.tier_closure(t).get(kind, set())]

    def fragments(self) -> list[str]:
        """Derived values that are only wording: text that no expression reads, so it can only
        fill a ``{name}`` slot of a reason template (it decides nothing)."""
        read = {n for r in (*self.reads.values(), *self.tier_reads.values()) for n in r.get("derived", ())}
        read |= {n for c in self.choices.values() if c.applies for n in _names(self, c.applies)}
        out = []
        for name in self.derived:
            node = self.rules.derived_nodes.get(name)
            ty = getattr(node, "ty", None)
            if getattr(ty, "name", "") == "string" and name not in read:
                out.append(name)
        return out

    def template_users(self, name: str) -> list[str]:
        """Measures whose reason templates have a ``{name}`` slot (in clause order)."""
        slot = "{" + name + "}"
        return [
            mid
            for mid, m in self.measures.items()
            if any(
                slot in t
                for c in m.conditions
                for t in (c.pass_zh, c.pass_en, c.fail_zh, c.fail_en, c.unknown_zh, c.unknown_en)
            )
        ]

    def input_types(self, table: str) -> list[str]:
        """How to read each input of a decision table: ``enum``/``bool`` as declared; a
        ``number`` input as the value type (money, ratio, int...) of what every call passes
        it, when the calls agree, else ``number``."""
        spec = self.tables[table]
        seen: list[set[str]] = [set() for _ in spec.inputs]
        for node in self._all_nodes():
            for n in walk(node):
                if isinstance(n, Call) and n.func == table:
                    for i, arg in enumerate(n.args[: len(seen)]):
                        seen[i].add(self.value_type(arg) or "number")
        out: list[str] = []
        for inp, types in zip(spec.inputs, seen, strict=True):
            if inp.type != "number":
                out.append(inp.type)
            else:
                out.append(types.pop() if len(types) == 1 else "number")
        return out

    def input_labels(self, table: str, index: int) -> tuple[dict[str, str], dict[str, str]]:
        """Labels (zh, en) for an enum input's values, from a fact or record field declaring
        the same choices with labels; empty if none does."""
        inp = self.tables[table].inputs[index]
        want = set(inp.choices or ())
        stack = list(self.facts.values())
        while stack and want:
            f = stack.pop()
            stack.extend((f.fields or {}).values())
            if f.choices and want <= set(f.choices) and (f.choice_labels_zh or f.choice_labels_en):
                return dict(f.choice_labels_zh or {}), dict(f.choice_labels_en or {})
        return {}, {}

    def value_type(self, node: Node, depth: int = 0) -> str:
        """The declared value type an expression yields (money, ratio, int, number, date...),
        followed through names, derived values, tables and arithmetic; "" if it cannot tell."""
        if depth > 20:
            return ""
        if isinstance(node, Name):
            kind = self.kind_of(node.name)
            if kind == "fact":
                return self.facts[node.name].type
            if kind == "param":
                return self.params[node.name].type
            if kind == "derived":
                return self.value_type(self.rules.program.tree(self.derived[node.name].expr), depth + 1)
            return ""
        if isinstance(node, Call):
            if node.func in self.tables:
                return self.tables[node.func].result
            if node.func in ("min", "max", "coalesce", "round_half_up", "round_down", "abs"):
                return _agree([self.value_type(a, depth + 1) for a in node.args[:2]])
            return ""
        if isinstance(node, If):
            return _agree([self.value_type(node.then, depth + 1), self.value_type(node.orelse, depth + 1)])
        if isinstance(node, Binary):
            a, b = self.value_type(node.left, depth + 1), self.value_type(node.right, depth + 1)
            if node.op in ("+", "-"):
                return _agree([a, b])
            if node.op == "/" and a == b == "money":
                return "ratio"
            if node.op in ("*", "/"):
                if b in ("ratio", "number", "int"):
                    return a
                if node.op == "*" and a in ("ratio", "number", "int"):
                    return b
        return ""

    def _all_nodes(self) -> list[Node]:
        texts = [d.expr for d in self.derived.values()]
        for m in self.measures.values():
            texts += [c.expr for c in m.conditions] + [o.expr for o in m.outputs.values()]
        for t in self.tiers.values():
            texts += _tier_texts(t)
        return [self.rules.program.tree(t) for t in texts if t]

    def cases_for(self, measure: str) -> list[Case]:
        return [c for c in self.cases if isinstance(c.spec, CaseSpec) and measure in c.spec.expect]

    def assumptions(self) -> list[Assumption]:
        """The assumptions register, in the order a reader meets them: assumed figures
        (parameters, table versions and rows, measure details, tier criteria), then the rule
        choices, each with the measures and tiers whose result can rest on it."""
        return [
            *param_assumptions(self.params, self.readers, self.tier_readers),
            *table_assumptions(self.tables, self.readers, self.tier_readers),
            *detail_assumptions(self.measures),
            *criterion_assumptions(self.tiers),
            *choice_assumptions(self.choices, self.readers, self.tier_readers),
        ]


def load_view(path: str | Path | None = None, rules: RuleSet | None = None) -> PackageView:
    """Load and check a package (``None``: the bundled one) and read it for people."""
    rules = rules or load_rules(path)
    view = PackageView(rules, rules.policy, sources=dict(rules.sources))
    measures: dict[str, MeasureSpec] = {}
    tiers: dict[str, TierSpec] = {}
    for file, doc in rules.program.documents:
        view.targets.update(doc.targets)
        view.facts.update(doc.facts)
        view.params.update(doc.parameters)
        view.tables.update(doc.tables)
        view.choices.update(doc.assumptions)
        view.derived.update(doc.derived)
        view.invariants.extend(doc.invariants)
        measures.update(doc.measures)
        tiers.update(doc.tiers)
        for section in (doc.facts, doc.parameters, doc.tables, doc.derived, doc.measures, doc.tiers):
            view.files.update({n: file for n in section})
    view.measures = dict(sorted(measures.items(), key=lambda kv: clause_key(kv[1].clause)))
    view.tiers = dict(sorted(tiers.items(), key=lambda kv: kv[1].order))
    view.cases = load_cases(rules)
    for name, d in view.derived.items():
        view.reads[name] = _reads(view, [(d.expr, set())])
        view.reads[name]["choice"] = set(d.assumptions)
    for mid, m in view.measures.items():
        # an output sees the outputs above it, not itself: ``x = x`` reads the parameter x
        exprs: list[tuple[str, set[str]]] = [(c.expr, set()) for c in m.conditions]
        exprs += [(o.expr, set(list(m.outputs)[:i])) for i, o in enumerate(m.outputs.values())]
        view.reads[mid] = _reads(view, exprs)
        view.reads[mid]["choice"] = {a for c in m.conditions for a in c.assumptions} | {
            a for o in m.outputs.values() for a in o.assumptions
        }
    for tid, t in view.tiers.items():
        view.tier_reads[tid] = _reads(view, [(x, set()) for x in _tier_texts(t) if x])
        view.tier_reads[tid]["choice"] = {a for c in t.criteria for a in c.assumptions} | {
            f"{tid}.{c.id}" for c in t.criteria if c.assumption
        }
    return view


def _tier_texts(t: TierSpec) -> list[str]:
    texts = [t.held]
    for c in t.criteria:
        texts += [c.expr, c.actual, c.required, c.or_expr, c.extra.expr if c.extra else ""]
    return texts


def _names(view: PackageView, text: str) -> set[str]:
    return {n.name for n in walk(view.rules.program.tree(text)) if isinstance(n, Name)}


def _agree(types: list[str]) -> str:
    known = {t for t in types if t}
    return known.pop() if len(known) == 1 else ""


def _reads(view: PackageView, exprs: list[tuple[str, set[str]]]) -> dict[str, set[str]]:
    """The declared names some expressions read, by kind (lambda parameters and the names
    given with each expression, a measure's earlier outputs, are local, not reads)."""
    out: dict[str, set[str]] = {k: set() for k in READ_KINDS}
    for text, local in exprs:
        nodes = walk(view.rules.program.tree(text))
        bound = local | {p for n in nodes if isinstance(n, Lambda) for p in n.params}
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
