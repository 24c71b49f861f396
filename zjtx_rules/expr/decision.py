"""A measure's decision as one generated function: its conditions, their Kleene conjunction
and the outputs that status reports, in a single frame.

Why: the decide pass called a function per condition and per output and combined their
values in Python, a loop that cost more than the expressions did (issue 21). The statements
of each expression are those ``codegen.generate`` writes for it alone, so the contract of
``codegen`` (generated names, ``ast.Constant`` values, no text parsed) holds unchanged.
"""

from __future__ import annotations

import ast
import types
from collections.abc import Callable, Collection, Sequence
from typing import Any

from zjtx_rules.expr.astgen import assign, call, function, if_, is_, load, method
from zjtx_rules.expr.codegen import Generated, _Gen, function_of
from zjtx_rules.expr.nodes import Node


def generate_measure(
    conditions: Sequence[Node],
    outputs: Sequence[tuple[str, Node]],
    always: Collection[str],
    logged: bool = False,
) -> Generated:
    """Build the module of a measure's decision: one function ``f(env) -> (status, outputs,
    condition values)`` running every condition (none skipped, as ``Run`` does, so an error is
    raised where it raises it), the Kleene conjunction of their values, then the outputs that
    status reports (all when eligible, the ``always`` ones otherwise) into a dict that is also
    ``env.locals``, so that an output reads those before it.

    ``logged``: ``f(env, log)`` also returns the length of ``log`` (the assumed table rows
    hit, ``Decide.log``) before the conditions and after each condition and output computed,
    so that the rows each one hit are slices of the log."""
    gen = _Gen()
    fn_name = gen.new()
    outs = gen.new()
    log, marks = gen.new(), gen.new()
    body: list[ast.stmt] = [
        assign(outs, ast.Dict([], [])),
        ast.Assign([ast.Attribute(load(gen.env), "locals", ast.Store())], load(outs)),
    ]

    def mark() -> list[ast.stmt]:
        return [ast.Expr(method(load(marks), "append", call(load("len"), load(log))))] if logged else []

    if logged:
        body.append(assign(marks, ast.List([call(load("len"), load(log))], ast.Load())))
    values: list[ast.expr] = []
    maybe_unknown: list[ast.expr] = []
    for node in conditions:
        stmts, atom, maybe = gen.block(node)
        body += stmts
        value = gen.new()  # a name of its own: an atom may be a constant
        body += [assign(value, atom), *mark()]
        values.append(load(value))
        if maybe:
            maybe_unknown.append(values[-1])
    status = gen.new()

    def any_is(atoms: list[ast.expr], value: ast.expr) -> ast.expr:
        tests: list[ast.expr] = [is_(a, value) for a in atoms]
        return tests[0] if len(tests) == 1 else ast.BoolOp(ast.Or(), tests)

    verdict: list[ast.stmt] = [assign(status, ast.Constant(True))]
    if maybe_unknown:
        verdict = [if_(any_is(maybe_unknown, load("UNKNOWN")), [assign(status, load("UNKNOWN"))], verdict)]
    if values:
        verdict = [if_(any_is(values, ast.Constant(False)), [assign(status, ast.Constant(False))], verdict)]
    body += verdict

    def computed(names: Collection[str]) -> list[ast.stmt]:
        stmts: list[ast.stmt] = []
        for name, node in outputs:
            if name in names:
                block, atom, _ = gen.block(node)
                target = ast.Subscript(load(outs), ast.Constant(name), ast.Store())
                stmts += [*block, ast.Assign([target], atom), *mark()]
        return stmts

    every = computed({name for name, _ in outputs})
    reported = computed(always)
    if every:
        body.append(if_(is_(load(status), ast.Constant(True)), every, reported or None))
    prologue = [
        assign(var, ast.Attribute(load(gen.env), attr, ast.Load())) for attr, var in gen.cached.items()
    ]
    returned = [load(status), load(outs), ast.List(values, ast.Load()), *([load(marks)] if logged else [])]
    result = ast.Tuple(returned, ast.Load())
    func = function(fn_name, gen.env, [*prologue, *body, ast.Return(result)], *([log] if logged else []))
    module = ast.Module(body=[func], type_ignores=[])
    ast.fix_missing_locations(module)
    parts = (*conditions, *(node for _, node in outputs))
    assert parts, "a measure with neither conditions nor outputs has nothing to compile"
    return Generated(parts[0], module, types.MappingProxyType(dict(gen.constants)), fn_name, parts)


Decision = Callable[..., tuple[Any, ...]]
"""A measure's decision: ``f(env)`` -> (status: True, False or UNKNOWN, its outputs, each
condition's value); logged, ``f(env, log)`` -> the same and the log's lengths."""


def compile_measure(
    conditions: Sequence[Node], outputs: Sequence[tuple[str, Node]], always: Collection[str], logged: bool
) -> Decision:
    """Compile a measure's decision (``generate_measure``)."""
    fn: Decision = function_of(generate_measure(conditions, outputs, always, logged), "measure")
    return fn
