"""A package's decision as one generated function: for each measure its conditions, their
Kleene conjunction and the outputs that status reports, every measure in a single frame.

Why: the decide pass called a function per condition and per output and combined their
values in Python, then a function per measure reading the others through the resolver; the
calls cost more than the expressions did (issue 21). The statements of each expression are
those ``codegen.generate`` writes for it alone, so the contract of ``codegen`` (generated
names, ``ast.Constant`` values, no text parsed) holds unchanged.
"""

from __future__ import annotations

import ast
import types
from collections.abc import Callable, Collection, Sequence

from zjtx_rules.expr.astgen import Atom, assign, call, function, if_, is_, is_unknown, load, method
from zjtx_rules.expr.codegen import Generated, _Gen, function_of
from zjtx_rules.expr.nodes import Field, Name, Node
from zjtx_rules.expr.types import MeasureTy

MeasureParts = tuple[str, Sequence[Node], Sequence[tuple[str, Node]], Collection[str]]
"""A measure as ``generate_program`` takes it: id, conditions, (name, output) and the names
of the outputs reported whatever the status."""


def generate_program(measures: Sequence[MeasureParts], logged: bool = False) -> Generated:
    """Build the module of a package's decision: ``f(env, status, raw, conditions)`` deciding
    every measure in the order given, which puts each after the measures it reads. Each
    measure's status, outputs and condition values are stored under its id as soon as it is
    decided; a later measure reads its fields from the function's own locals.

    ``logged``: ``f(env, status, raw, conditions, log, marks)`` also stores under each id the
    length of ``log`` (the assumed table rows hit, ``Decide.log``) before the measure's
    conditions and after each condition and output computed, so that the rows each one hit
    are slices of the log.

    Every condition runs (none skipped, as ``Run`` does, so an error is raised where it raises
    it); the outputs the status reports (all when eligible, the ``always`` ones otherwise) go
    into a dict that is also ``env.locals``, so that an output reads those before it.

    Why: calling one decision function per measure, and reading one measure from another
    through ``resolver.measure_field``, cost more on the LJ workload than the conditions did
    (issue 21). The statements are those of each measure's own decision."""
    gen = _Program()
    fn_name = gen.new()
    stores = [gen.new(), gen.new(), gen.new()]
    log, marks_of = gen.new(), gen.new()
    if logged:
        stores.append(marks_of)
    length = call(load("len"), load(log))
    body: list[ast.stmt] = []
    parts: list[Node] = []
    for mid, conditions, outputs, always in measures:
        marks = gen.new()
        mark = ast.Expr(method(load(marks), "append", length)) if logged else None
        if logged:
            body.append(assign(marks, ast.List([length], ast.Load())))
        stmts, status, outs, values = _measure(gen, conditions, outputs, always, mark)
        body += stmts
        decided = [load(status), load(outs), ast.List(values, ast.Load()), *([load(marks)] if logged else [])]
        for table, value in zip(stores, decided, strict=True):
            body.append(ast.Assign([ast.Subscript(load(table), ast.Constant(mid), ast.Store())], value))
        gen.decided[mid] = (status, outs)
        parts += [*conditions, *(node for _, node in outputs)]
    assert parts, "a package with no measure to decide has nothing to compile"
    facts = gen.env_attr("facts")
    reads = [
        assign(var, method(facts, "get", ast.Constant(name), load("UNKNOWN")))
        for name, var in gen.facts.items()
    ]
    more = [*stores[:3], *([log, marks_of] if logged else [])]
    return module_of(gen, fn_name, [*reads, *body], tuple(parts), *more)


class _Program(_Gen):
    """``_Gen`` writing a package's decision: a field of a measure decided earlier in the
    function is read from its locals, and each fact is read once, at the start.

    Nothing is recorded in ``env.missing``: the decide pass never reads it (the facts an
    undetermined measure misses are found when its outcome is explained), so a fact read is
    a pure look-up of a dict that does not change during the run, and one read serves all."""

    def __init__(self) -> None:
        super().__init__()
        self.decided: dict[str, tuple[str, str]] = {}  # measure id -> its status and outputs
        self.facts: dict[str, str] = {}  # fact -> the local it is read into, at the start

    def missing(self, label: str) -> ast.stmt:
        return ast.Pass()

    def visit_name(self, node: Name) -> Atom:
        if node.kind != "fact":
            return super().visit_name(node)
        var = self.facts.get(node.name)
        if var is None:
            var = self.facts[node.name] = self.new()
        return load(var), True

    def visit_field(self, node: Field) -> Atom:
        decided = self.decided.get(node.obj.ty.name) if isinstance(node.obj.ty, MeasureTy) else None
        if decided is None:
            return super().visit_field(node)
        # as ``Decide.measure_field`` reads it: the status is True, False or UNKNOWN, so
        # ``eligible`` is the status itself
        status, outs = load(decided[0]), load(decided[1])
        if node.name == "eligible":
            return status, True
        if node.name == "ineligible":
            return self.temp(
                ast.IfExp(is_unknown(status), load("UNKNOWN"), is_(status, ast.Constant(False)))
            ), True
        if node.name == "undetermined":
            return self.temp(is_unknown(status)), False
        return self.temp(method(outs, "get", ast.Constant(node.name), load("UNKNOWN"))), True


def _measure(
    gen: _Gen,
    conditions: Sequence[Node],
    outputs: Sequence[tuple[str, Node]],
    always: Collection[str],
    mark: ast.stmt | None,
) -> tuple[list[ast.stmt], str, str, list[ast.expr]]:
    """The statements deciding one measure: its conditions, their Kleene conjunction (into the
    local named ``status``) and the outputs that status reports (into the dict named ``outs``,
    which is ``env.locals`` while they run); ``mark`` follows each condition and output."""
    outs = gen.new()
    body: list[ast.stmt] = [
        assign(outs, ast.Dict([], [])),
        ast.Assign([ast.Attribute(load(gen.env), "locals", ast.Store())], load(outs)),
    ]
    marked = [mark] if mark is not None else []
    values: list[ast.expr] = []
    maybe_unknown: list[ast.expr] = []
    for node in conditions:
        stmts, atom, maybe = gen.block(node)
        body += stmts
        value = gen.new()  # a name of its own: an atom may be a constant
        body += [assign(value, atom), *marked]
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
                stmts += [*block, ast.Assign([target], atom), *marked]
        return stmts

    every = computed({name for name, _ in outputs})
    reported = computed(always)
    if every:
        body.append(if_(is_(load(status), ast.Constant(True)), every, reported or None))
    return body, status, outs, values


def module_of(gen: _Gen, name: str, body: list[ast.stmt], parts: tuple[Node, ...], *more: str) -> Generated:
    """The module of one function ``name(env, *more)``: the env attributes it caches, then ``body``."""
    prologue = [
        assign(var, ast.Attribute(load(gen.env), attr, ast.Load())) for attr, var in gen.cached.items()
    ]
    module = ast.Module(body=[function(name, gen.env, [*prologue, *body], *more)], type_ignores=[])
    ast.fix_missing_locations(module)
    return Generated(parts[0], module, types.MappingProxyType(dict(gen.constants)), name, parts)


ProgramDecision = Callable[..., None]
"""A package's decision: ``f(env, status, raw, conditions)`` fills the three dicts by measure id
(logged: ``f(env, status, raw, conditions, log, marks)``, and ``marks`` too)."""


def compile_program(measures: Sequence[MeasureParts], logged: bool) -> ProgramDecision:
    """Compile a package's decision (``generate_program``)."""
    fn: ProgramDecision = function_of(generate_program(measures, logged), "program")
    return fn
