"""The compiled program: what the compiler (``zjtx_rules.load``) produces from a package.

A ``Program`` is frozen once built: the specs as written (every document, by file), the
checked expression trees, the compiled closures, the parameter histories and the assumption
book. The evaluator (``zjtx_rules.evaluate``) runs it; the rendering tools (package view,
docs site, diff, compare) read it. Nothing downstream reads the rule files again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from zjtx_rules.expr.compile import Compiled, tree_of
from zjtx_rules.expr.decision import MeasureParts, ProgramDecision, compile_program
from zjtx_rules.expr.nodes import Field, Node, walk
from zjtx_rules.expr.parser import parse
from zjtx_rules.expr.readiness import COMPARISONS, CriterionParts, TierDecision, compile_tier
from zjtx_rules.expr.types import MeasureTy
from zjtx_rules.package.spec import (
    ConditionSpec,
    CriterionSpec,
    FieldSpec,
    MeasureSpec,
    OutputSpec,
    ParameterSpec,
    PolicySpec,
    RuleDocument,
    SourceSpec,
    TableSpec,
    TargetSpec,
    TierSpec,
)
from zjtx_rules.profile.model import ProfileValidator
from zjtx_rules.program.assumptions import NO_REFS, AssumptionBook, Refs
from zjtx_rules.program.periods import History


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

    @cached_property
    def always(self) -> list[CompiledOutput]:
        """The outputs reported whatever the status (``report = "always"``)."""
        return [o for o in self.outputs if o.spec.report == "always"]

    @cached_property
    def parts(self) -> MeasureParts | None:
        """What the package's decision is generated from for this measure: id, condition trees,
        (name, output tree) and the outputs always reported; None when one is not generated
        code (the reference interpreter's stand-ins) or there are none."""
        trees = [tree_of(c.fn) for c in self.conditions]
        outputs = [(o.name, tree_of(o.fn)) for o in self.outputs]
        if not (trees or outputs) or None in trees or any(t is None for _, t in outputs):
            return None
        return self.id, trees, outputs, {o.name for o in self.always}  # type: ignore[return-value]


@dataclass
class CompiledCriterion:
    spec: CriterionSpec
    expr: Compiled | None
    actual: Compiled | None
    required: Compiled | None
    or_expr: Compiled | None
    extra: Compiled | None
    refs: Refs = NO_REFS
    applies: Compiled | None = None  # false: the criterion does not apply (it holds)


@dataclass
class CompiledTier:
    id: str
    spec: TierSpec
    held: Compiled
    criteria: list[CompiledCriterion]
    held_refs: Refs = NO_REFS
    refs: Refs = NO_REFS  # the tier's own rule choices, listed whenever its criteria are shown

    @cached_property
    def decision(self) -> TierDecision | None:
        """Whether the tier is held and each criterion in force judged, as one generated
        function (``expr.readiness``), compiled when first asked for; None when an expression
        is not generated code (the reference interpreter's stand-ins)."""
        return self._decision(False)

    @cached_property
    def logged_decision(self) -> TierDecision | None:
        """``decision``, also reporting where ``held`` and each criterion end in the log of
        assumed table rows hit (for a day when a table has assumed rows)."""
        return self._decision(True)

    def _decision(self, logged: bool) -> TierDecision | None:
        parts = self.parts
        return None if parts is None else compile_tier(*parts, logged)

    @cached_property
    def parts(self) -> tuple[Node, list[CriterionParts]] | None:
        """What its decision is generated from: the tree of ``held`` and each criterion's
        parts; None when one is not generated code (the reference interpreter's stand-ins) or
        a comparison's operator has no generated form."""
        held = tree_of(self.held)
        if held is None:
            return None
        parts = []
        for c in self.criteria:
            fns = (c.expr, c.actual, c.required, c.or_expr, c.extra, c.applies)
            trees = [None if f is None else tree_of(f) for f in fns]
            if any(t is None and f is not None for t, f in zip(trees, fns, strict=True)):
                return None
            if c.spec.op and c.spec.op not in COMPARISONS:
                return None
            expr, actual, required, or_expr, extra, applies = trees
            s = c.spec
            dates = (s.valid_from, s.valid_until)
            parts.append(CriterionParts(expr, actual, required, s.op, or_expr, extra, applies, *dates))
        return held, parts


@dataclass(frozen=True, eq=False)
class Program:
    """One checked, compiled rule package. Built by ``zjtx_rules.load.compile_package``."""

    policy: PolicySpec
    root: Path
    sha256: str
    facts: Mapping[str, FieldSpec]
    validator: ProfileValidator
    params: Mapping[str, History[Any]]
    derived: Mapping[str, Compiled]
    measures: tuple[CompiledMeasure, ...]
    tiers: tuple[CompiledTier, ...]
    targets: Mapping[str, TargetSpec]
    target_fns: Mapping[str, Compiled]
    diagnostics: tuple[Any, ...]
    param_specs: Mapping[str, ParameterSpec]
    table_specs: Mapping[str, TableSpec]
    constants: frozenset[Decimal] = frozenset()
    derived_nodes: Mapping[str, Any] = field(default_factory=dict)
    book: AssumptionBook = field(default_factory=AssumptionBook)
    sources: Mapping[str, SourceSpec] = field(default_factory=dict)
    # the documents as read, by the file's name in the package, in reading order
    documents: tuple[tuple[str, RuleDocument], ...] = ()
    # every expression the compiler parsed, by its text: checked trees for the readers
    trees: Mapping[str, Node] = field(default_factory=dict)

    @cached_property
    def by_id(self) -> dict[str, CompiledMeasure]:
        return {m.id: m for m in self.measures}

    @cached_property
    def decision(self) -> ProgramDecision | None:
        """Every measure decided by one generated function (``expr.decision.generate_program``),
        compiled when first asked for; None when a measure has no decision of its own."""
        return self._decision(False)

    @cached_property
    def logged_decision(self) -> ProgramDecision | None:
        """``decision``, also storing where each measure's conditions and outputs end in the
        log of assumed table rows hit (for a day when a table has assumed rows)."""
        return self._decision(True)

    def _decision(self, logged: bool) -> ProgramDecision | None:
        parts = [m.parts for m in self.decision_order]
        if not parts or None in parts:
            return None
        return compile_program(parts, logged)  # type: ignore[arg-type]

    @cached_property
    def decision_order(self) -> tuple[CompiledMeasure, ...]:
        """The measures in the order ``Decide`` reaches them: in file order, each after the
        measures it reads, in the order it reads them (the loader refused cycles; a derived
        value cannot read a measure, as measures are typed after derived values are checked)."""
        order: dict[str, CompiledMeasure] = {}

        def visit(m: CompiledMeasure) -> None:
            if m.id not in order:
                for tree in [*m.parts[1], *(t for _, t in m.parts[2])] if m.parts else []:
                    for n in walk(tree):
                        if isinstance(n, Field) and isinstance(n.obj.ty, MeasureTy):
                            visit(self.by_id[n.obj.ty.name])
                order[m.id] = m

        for m in self.measures:
            visit(m)
        return tuple(order.values())

    def tree(self, text: str) -> Node:
        """The checked tree of an expression of this package (parsed once, when it loaded)."""
        found = self.trees.get(text)
        return found if found is not None else parse(text)
