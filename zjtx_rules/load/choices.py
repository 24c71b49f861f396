"""Rule choices (``[assumptions.ID]``): readings of the plan that are not figures.

Entry point: ``rule_choices``."""

from __future__ import annotations

from zjtx_rules import diagnostics as D
from zjtx_rules.expr.compile import compile_expr
from zjtx_rules.expr.types import BOOL
from zjtx_rules.load.build import NAME_RE, Build
from zjtx_rules.program.assumptions import Assumption


def rule_choices(b: Build) -> None:
    """Each rule choice reported once (W501) with its note; ids that conditions name must exist."""
    for aid, (spec, site) in b.choice_specs.items():
        if not NAME_RE.match(aid) or b.types.get(aid, ("fact",))[0] in ("param", "table"):
            b.ld.report(D.BAD_NAME(form="assumption", name=aid), site)
            continue
        b.assumption(
            site,
            (),
            f"{aid}: {spec.value_zh}",
            spec.note_zh,
            spec.note_en,
            None,  # a reading, not a dated figure
            f"{aid}: {spec.value_en}",
        )
        applies = None
        if spec.applies:
            node = b.expr(spec.applies, site, ("applies",), BOOL)
            applies = compile_expr(node) if node is not None else None
        b.book.choices[aid] = (Assumption(aid, spec.note_zh, spec.note_en), applies)
        if spec.warn:
            b.book.warn[aid] = (spec.value_zh, spec.value_en)
    for name, ids in b.derived_choices.items():
        b.check_choices(ids, b.derived[name][1], ("assumptions",))
