"""Invariants: must hold at every date where some parameter or table changes.

Entry point: ``invariants``."""

from __future__ import annotations

from typing import Any

from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import Words
from zjtx_rules.expr.compile import Env, compile_expr
from zjtx_rules.expr.types import BOOL
from zjtx_rules.expr.values import CONTEXT, UNKNOWN
from zjtx_rules.load.build import Build
from zjtx_rules.load.files import Site


def invariants(b: Build, invariants: list[Any], histories: dict[str, Any]) -> None:
    """Evaluate each invariant at every date where a parameter or table changes (E601)."""
    from decimal import localcontext

    dates = sorted({b.policy.valid_from, *(d for h in histories.values() for d in h.starts())})
    for src, i, inv in invariants:
        site = Site(src, ("invariants", i), f"invariant '{inv.id}'")
        scope = b.scope()
        node = b.expr(inv.expr, site, ("expr",), BOOL, scope)
        facts = sorted(n for k, n in scope.refs if k in ("fact", "derived", "measure"))
        if facts:
            b.ld.report(D.INVARIANT_USES_FACTS(name=facts[0]), site, sub=("expr",))
            continue
        if node is None:
            continue
        fn = compile_expr(node)
        for day in dates:
            params = {n: h.at(day) for n, h in histories.items()}
            if any(
                v is None
                for n, v in params.items()
                if ("param", n) in scope.refs or ("table", n) in scope.refs
            ):
                continue
            with localcontext(CONTEXT):
                result = fn(Env({}, params, day, _NoResolver()))
            if result is not True:
                failed = D.INVARIANT_FAILED(day=day, message=Words(inv.message_zh, inv.message_en))
                b.ld.report(failed, site, sub=("expr",))


class _NoResolver:
    """Invariants see parameters and tables only: anything else is unknown."""

    def derived(self, name: str, env: Env) -> Any:
        return UNKNOWN

    def measure_field(self, name: str, field: str, env: Env) -> Any:
        return UNKNOWN
