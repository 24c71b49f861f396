"""The generated code behind a package, for review (``zjtx compile``).

A reviewer of the fast path should be able to read exactly what runs: for a measure, the
function of every condition and output and of every derived value they read, each printed
from the module that was compiled (``ast.unparse``), with the rule text it came from as a
comment. Nothing printed here is ever executed.
"""

from __future__ import annotations

from collections.abc import Iterator

from zjtx_rules.errors import UsageError
from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.expr.check import did_you_mean
from zjtx_rules.expr.codegen import Generated, generated
from zjtx_rules.expr.compile import Compiled
from zjtx_rules.expr.nodes import Name, walk

Entry = tuple[str, str, Compiled]  # (label, rule text or "", function)


def entries(rules: RuleSet, name: str) -> list[Entry]:
    """The compiled functions that belong to a measure, a tier or a derived value."""
    if name in rules.derived:
        return [(f"derived value {name}", "", rules.derived[name])]
    for m in rules.measures:
        if m.id == name:
            conds = [(f"condition {c.spec.id}", c.spec.expr, c.fn) for c in m.conditions]
            outs = [(f"output {o.name}", o.spec.expr, o.fn) for o in m.outputs]
            return conds + outs
    for t in rules.tiers:
        if t.id == name:
            out: list[Entry] = [("held", t.spec.held, t.held)]
            for c in t.criteria:
                s = c.spec
                for key, text, fn in (
                    ("expr", s.expr, c.expr),
                    ("actual", s.actual, c.actual),
                    ("required", s.required, c.required),
                    ("or_expr", s.or_expr, c.or_expr),
                    ("extra", s.extra.expr if s.extra else "", c.extra),
                ):
                    if fn is not None:
                        out.append((f"criterion {s.id} {key}", text, fn))
            return out
    if name in rules.target_fns:
        return [(f"target {name}", rules.targets[name].expr, rules.target_fns[name])]
    known = [*(m.id for m in rules.measures), *(t.id for t in rules.tiers), *rules.derived, *rules.target_fns]
    hz, he = did_you_mean(name, known)
    raise UsageError(
        f"没有名为 '{name}' 的措施、资格层级、派生值或目标" + (f"；{hz}" if hz else ""),
        f"no measure, tier, derived value or target named '{name}'" + (f"; {he}" if he else ""),
    )


def _generated(fn: Compiled) -> Generated:
    gen = generated(fn)
    assert gen is not None, "every compiled function comes from codegen"
    return gen


def _derived_read(rules: RuleSet, fns: list[Compiled]) -> list[str]:
    """Derived values read by ``fns``, directly or through other derived values, in order."""
    seen: list[str] = []
    todo = list(fns)
    while todo:
        for node in walk(_generated(todo.pop(0)).node):
            if isinstance(node, Name) and node.kind == "derived" and node.name not in seen:
                seen.append(node.name)
                todo.append(rules.derived[node.name])
    return seen


def show(rules: RuleSet, name: str) -> str:
    """Every generated module behind ``name``, as Python text, with where it came from."""
    own = entries(rules, name)
    used = [
        (f"derived value {d}", "", rules.derived[d]) for d in _derived_read(rules, [fn for *_, fn in own])
    ]
    parts = [
        f"# zjtx compile --show {name}: {rules.policy.id} {rules.policy.version}\n"
        "# Generated from the checked expression trees, node by node; rule text is never parsed\n"
        "# as Python. Names _z<n> are the compiler's own, '# _z<n> = ...' lines are the constant\n"
        "# table, the other names are run-time helpers (zjtx_rules.expr.codegen.HELPERS).\n"
    ]
    for label, text, fn in [*own, *used]:
        lines = [f"# --- {label}"]
        lines += [f"# rule: {line}" for line in text.strip().splitlines()]
        parts.append("\n".join([*lines, _generated(fn).source()]) + "\n")
    return "\n".join(parts)


def _all(rules: RuleSet) -> Iterator[tuple[str, list[Entry]]]:
    for m in rules.measures:
        yield m.id, entries(rules, m.id)
    for tier in rules.tiers:
        yield tier.id, entries(rules, tier.id)
    for name in [*rules.derived, *rules.target_fns]:
        yield name, entries(rules, name)


def summary(rules: RuleSet) -> str:
    """How many functions and lines of generated code each part of the package has."""
    rows = []
    total_fns = total_lines = 0
    for name, found in _all(rules):
        lines = sum(_generated(fn).source().count("\n") + 1 for *_, fn in found)
        rows.append(f"{name:<44}{len(found):>10}{lines:>8}")
        total_fns += len(found)
        total_lines += lines
    head = f"{'':<44}{'functions':>10}{'lines':>8}"
    foot = f"{'total':<44}{total_fns:>10}{total_lines:>8}"
    return "\n".join([head, *rows, foot]) + "\n"
