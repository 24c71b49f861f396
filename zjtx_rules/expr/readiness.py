"""A readiness tier's decision as one generated function: whether it is held, then each
criterion in force judged, in a single frame.

Why: the decide pass judged each criterion in Python (``engine.judge``: up to five compiled
functions called, their values combined, the criterion's dates compared), about a fifth of an
evaluation of the bundled package (issue 21). The statements of each expression are those
``codegen.generate`` writes for it alone, under the same contract; the judgement is
``engine.judge``'s, written out.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from zjtx_rules.expr.astgen import assign, call, if_, is_, is_unknown, load, method
from zjtx_rules.expr.codegen import _COMPARE, Generated, _Gen, function_of
from zjtx_rules.expr.decision import module_of
from zjtx_rules.expr.nodes import Node


@dataclass(frozen=True)
class CriterionParts:
    """A criterion as ``generate_tier`` takes it: its checked trees (a comparison of
    ``actual`` and ``required`` by ``op``, or ``expr``) and the days it is in force."""

    expr: Node | None
    actual: Node | None
    required: Node | None
    op: str | None
    or_expr: Node | None
    extra: Node | None
    applies: Node | None
    valid_from: date | None
    valid_until: date | None

    @property
    def trees(self) -> tuple[Node, ...]:
        nodes = (self.applies, self.actual, self.required, self.expr, self.or_expr, self.extra)
        return tuple(n for n in nodes if n is not None)


COMPARISONS = frozenset(_COMPARE)  # the operators a comparison criterion may use here

TierDecision = Callable[..., tuple[Any, ...]]
"""A tier's decision: ``f(env)`` -> (held, None when held, else one entry per criterion: None
when not in force, else (met: True, False or UNKNOWN, applies, actual, required, extra));
logged, ``f(env, log)`` -> the same and the log's lengths."""


def generate_tier(held: Node, criteria: Sequence[CriterionParts], logged: bool = False) -> Generated:
    """Build the module of a tier's decision (``TierDecision``), judging each criterion as
    ``engine.judge`` does, and its ``extra`` figure only when it is missed.

    ``logged``: ``f(env, log)`` also returns the length of ``log`` before ``held``, after it,
    and after each criterion (in force or not), so the rows each hit are slices of the log."""
    gen = _Gen()
    fn_name, log, marks = gen.new(), gen.new(), gen.new()
    length = call(load("len"), load(log))
    mark = [ast.Expr(method(load(marks), "append", length))] if logged else []
    body: list[ast.stmt] = [assign(marks, ast.List([length], ast.Load()))] if logged else []
    stmts, held_atom, _ = gen.block(held)
    held_value = gen.new()
    body += [*stmts, assign(held_value, held_atom), *mark]
    extra_returned = [load(marks)] if logged else []
    early = ast.Tuple([load(held_value), ast.Constant(None), *extra_returned], ast.Load())
    body.append(if_(is_(load(held_value), ast.Constant(True)), [ast.Return(early)]))
    results: list[ast.expr] = []
    for c in criteria:
        result = gen.new()
        judged = _criterion(gen, c, result)
        in_force = _in_force(gen, c)
        if in_force is not None:
            judged = [if_(in_force, judged, [assign(result, ast.Constant(None))])]
        body += [*judged, *mark]
        results.append(load(result))
    returned = [load(held_value), ast.List(results, ast.Load()), *extra_returned]
    body.append(ast.Return(ast.Tuple(returned, ast.Load())))
    parts = (held, *(t for c in criteria for t in c.trees))
    return module_of(gen, fn_name, body, parts, *([log] if logged else []))


def _in_force(gen: _Gen, c: CriterionParts) -> ast.expr | None:
    """``engine.active`` as a test of ``as_of`` (None: in force on every day)."""
    tests: list[ast.expr] = []
    if c.valid_from is not None:
        tests.append(ast.Compare(gen.constant(c.valid_from), [ast.LtE()], [gen.env_attr("as_of")]))
    if c.valid_until is not None:
        tests.append(ast.Compare(gen.env_attr("as_of"), [ast.Lt()], [gen.constant(c.valid_until)]))
    if not tests:
        return None
    return tests[0] if len(tests) == 1 else ast.BoolOp(ast.And(), tests)


def _criterion(gen: _Gen, c: CriterionParts, result: str) -> list[ast.stmt]:
    """The statements setting ``result`` to (met, applies, actual, required, extra)."""
    met, applies, actual, required, extra = (gen.new() for _ in range(5))
    none, true, false = ast.Constant(None), ast.Constant(True), ast.Constant(False)
    body: list[ast.stmt] = []
    if c.applies is not None:
        stmts, atom, _ = gen.block(c.applies)
        body += [*stmts, assign(applies, atom)]
    else:
        body.append(assign(applies, true))
    judge: list[ast.stmt] = []
    if c.actual is not None and c.required is not None and c.op:
        a_stmts, a, a_maybe = gen.block(c.actual)
        r_stmts, r, r_maybe = gen.block(c.required)
        judge += [*a_stmts, assign(actual, a), *r_stmts, assign(required, r)]
        value: ast.expr = ast.Compare(load(actual), [_COMPARE[c.op]()], [load(required)])
        unknown: list[ast.expr] = [
            is_unknown(load(n)) for n, maybe in ((actual, a_maybe), (required, r_maybe)) if maybe
        ]
        if unknown:
            test = unknown[0] if len(unknown) == 1 else ast.BoolOp(ast.Or(), unknown)
            value = ast.IfExp(test, load("UNKNOWN"), value)
        judge.append(assign(met, value))
    else:
        assert c.expr is not None, "a criterion is a comparison or an expression (checked at load)"
        stmts, atom, _ = gen.block(c.expr)
        judge += [*stmts, assign(met, atom), assign(actual, none), assign(required, none)]
    if c.or_expr is not None:
        # another route that cannot be judged leaves the criterion open, never missed
        stmts, alt, _ = gen.block(c.or_expr)
        routes = ast.IfExp(
            is_(alt, true),
            true,
            ast.IfExp(is_unknown(alt), load("UNKNOWN"), load(met)),
        )
        judge.append(if_(ast.UnaryOp(ast.Not(), is_(load(met), true)), [*stmts, assign(met, routes)]))
    if c.applies is not None:  # missed only where it is known to apply
        missed_unsure = ast.BoolOp(ast.And(), [is_(load(met), false), is_unknown(load(applies))])
        judge.append(if_(missed_unsure, [assign(met, load("UNKNOWN"))]))
    if c.extra is not None:
        stmts, atom, _ = gen.block(c.extra)
        judge.append(if_(is_(load(met), false), [*stmts, assign(extra, atom)], [assign(extra, none)]))
    else:
        judge.append(assign(extra, none))
    if c.applies is not None:
        not_applying: list[ast.stmt] = [
            assign(met, true),
            *(assign(n, none) for n in (actual, required, extra)),
        ]
        body.append(if_(is_(load(applies), false), not_applying, judge))
    else:
        body += judge
    fields: list[ast.expr] = [load(n) for n in (met, applies, actual, required, extra)]
    body.append(assign(result, ast.Tuple(fields, ast.Load())))
    return body


def compile_tier(held: Node, criteria: Sequence[CriterionParts], logged: bool) -> TierDecision:
    """Compile a tier's decision (``generate_tier``)."""
    fn: TierDecision = function_of(generate_tier(held, criteria, logged), "tier")
    return fn
