"""A durable-rules back end: a package's eligibility conditions as a durable_rules ruleset.

It exists to cross-check our engine with an independent one (the differential test runs
both on generated profiles and requires the same status for every measure), and as the
baseline of ``zjtx bench``. Install it with ``pip install "zjtx_rules[durable]"``.

What it translates: boolean, number, string and date facts; parameters (as constants on the
evaluation date); ``and``/``or``/``not`` (negation is pushed down to comparisons, since
durable-rules has no general ``not``); comparisons with a constant on one side; ``in`` over a
constant list; ``any``/``all`` over list facts, with comparisons on record fields; derived
values and ``other_measure.eligible`` (inlined).

What it cannot express, and so leaves out (``unsupported``, by measure, with the reason) or
refuses with ``Unsupported`` when a profile needs it:
arithmetic between facts (durable-rules compares a field with a constant or a field, but not
with a sum of fields); functions other than ``any``/``all``/``coalesce``/``known``; decision
tables in conditions; ``all`` over records with a compound condition (durable's
``allItems`` misses items that match through an ``or``, and every empty list); amounts
(outputs are not translated: this back end decides statuses).
Three-valued logic cannot be expressed either: profiles must be *complete* (every fact and
record field present), and ``coalesce(x, y)`` is read as ``x``. Numbers become floats and
dates day numbers, as durable-rules needs JSON numbers.

Known traps handled here: ``post`` fires one rule only, so facts are asserted; an action with
two parameters is taken as asynchronous, so actions take one; durable's default host runs
actions from background threads too, so a private host without them is used; fact key ``id`` is durable's
own, so every fact key is prefixed; rulesets are global per process, so each (package,
date) pair gets its own ruleset name; a ruleset holds at most 1024 sessions, so all profiles
share one and each fact is retracted after use.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.expr.nodes import (
    Binary,
    Bool,
    Call,
    DateLit,
    Field,
    Lambda,
    ListLit,
    Name,
    Node,
    Num,
    Str,
    Unary,
    walk,
)
from zjtx_rules.expr.types import MeasureTy
from zjtx_rules.expr.values import UNKNOWN

PREFIX = "f_"
ALWAYS = PREFIX + "always__"
TOKEN = "token__"
LENGTH = "__len"  # suffix of a list fact's length: durable's allItems never matches an empty list
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


class Unsupported(Exception):
    """A rule uses something durable-rules cannot express."""


def _const(v: Any) -> Any:
    if isinstance(v, bool | str):
        return v
    if isinstance(v, Decimal | int):
        return float(v)
    if isinstance(v, date):
        return v.toordinal()
    raise Unsupported(f"constant {v!r}")


def _fact_value(v: Any) -> Any:
    if isinstance(v, list):
        return [
            {PREFIX + k: _fact_value(x) for k, x in rec.items()}
            if isinstance(rec, dict)
            else _fact_value(rec)
            for rec in v
        ]
    if isinstance(v, dict):
        return {str(k): _fact_value(x) for k, x in v.items()}
    return _const(v)


class _Translator:
    def __init__(self, dl: Any, rules: RuleSet, as_of: date) -> None:
        self.dl = dl
        self.rules = rules
        self.as_of = as_of
        self.params = rules.params_at(as_of)
        self.measures = {m.id: m for m in rules.measures}

    def measure(self, mid: str, neg: bool = False) -> Any:
        conds = [c.node for c in self.measures[mid].conditions]
        parts = [self.boolean(n, neg, None) for n in conds]
        return self._join(parts, "or" if neg else "and")

    def _join(self, parts: list[Any], op: str) -> Any:
        out = parts[0]
        for p in parts[1:]:
            out = (out | p) if op == "or" else (out & p)
        return out

    def _truth(self, value: bool) -> Any:
        m = self.dl.m
        return (getattr(m, ALWAYS) == 1) if value else (getattr(m, ALWAYS) == 0)

    def boolean(self, node: Node, neg: bool, local: str | None) -> Any:
        m, item = self.dl.m, self.dl.item
        if isinstance(node, Bool):
            return self._truth(node.value != neg)
        if isinstance(node, Unary) and node.op == "not":
            return self.boolean(node.operand, not neg, local)
        if isinstance(node, Binary) and node.op in ("and", "or"):
            op = node.op if not neg else ("or" if node.op == "and" else "and")
            return self._join([self.boolean(node.left, neg, local), self.boolean(node.right, neg, local)], op)
        if isinstance(node, Name):
            if node.kind == "fact":
                return getattr(m, PREFIX + node.name) == (not neg)
            if node.kind == "derived":
                return self.boolean(self.rules.derived_nodes[node.name], neg, local)
            if node.kind == "param":
                return self._truth(bool(self.params[node.name]) != neg)
        if isinstance(node, Field) and isinstance(node.obj.ty, MeasureTy) and node.name == "eligible":
            return self.measure(node.obj.ty.name, neg)
        if isinstance(node, Field) and isinstance(node.obj, Name) and node.obj.name == local:
            return getattr(item, PREFIX + node.name) == (not neg)
        if isinstance(node, Binary) and node.op in _NEGATE:
            return self.compare(node, neg, local)
        if isinstance(node, Binary) and node.op in ("in", "not in"):
            values = self.constant(node.right)
            want_in = (node.op == "in") != neg
            left = self.operand(node.left, local)
            parts = [(left == _const(v)) if want_in else (left != _const(v)) for v in values]
            if not parts:
                return self._truth(not want_in)
            return self._join(parts, "or" if want_in else "and")
        if isinstance(node, Call) and node.func in ("any", "all"):
            lst, lam = node.args
            if not (isinstance(lst, Name) and lst.kind == "fact" and isinstance(lam, Lambda)):
                raise Unsupported(f"{node.func} over {type(lst).__name__}")
            body = self.boolean(lam.body, neg, lam.params[0])
            is_any = (node.func == "any") != neg
            attr = getattr(m, PREFIX + lst.name)
            if is_any:
                return attr.anyItem(body)
            if any(isinstance(n, Binary) and n.op in ("and", "or") for n in walk(lam.body)):
                # durable's allItems does not match an item through an 'or' (seen with 2.0.28)
                raise Unsupported("all() over records with a compound condition")
            # all() of an empty list is true, but durable's allItems does not match one
            return attr.allItems(body) | (getattr(m, PREFIX + lst.name + LENGTH) == 0)
        raise Unsupported(f"cannot translate {type(node).__name__} {getattr(node, 'op', '')}")

    def compare(self, node: Binary, neg: bool, local: str | None) -> Any:
        op = _NEGATE[node.op] if neg else node.op
        left_const = self._is_const(node.left)
        if left_const and self._is_const(node.right):
            a, b = self.constant(node.left), self.constant(node.right)
            from zjtx_rules.expr.values import compare

            return self._truth(compare(op, a, b) is True)
        if left_const:
            field, value, op = node.right, self.constant(node.left), _FLIP[op]
        elif self._is_const(node.right):
            field, value = node.left, self.constant(node.right)
        else:
            raise Unsupported("comparison between two facts")
        target = self.operand(field, local)
        c = _const(value)
        return {
            "<": target < c,
            "<=": target <= c,
            ">": target > c,
            ">=": target >= c,
            "==": target == c,
            "!=": target != c,
        }[op]

    def operand(self, node: Node, local: str | None) -> Any:
        if isinstance(node, Call) and node.func == "coalesce":
            return self.operand(node.args[0], local)  # complete profiles: the first is known
        if isinstance(node, Name) and node.kind == "fact":
            return getattr(self.dl.m, PREFIX + node.name)
        if isinstance(node, Field) and isinstance(node.obj, Name) and node.obj.name == local:
            return getattr(self.dl.item, PREFIX + node.name)
        raise Unsupported(f"operand {type(node).__name__}")

    def _is_const(self, node: Node) -> bool:
        try:
            self.constant(node)
        except Unsupported:
            return False
        return True

    def constant(self, node: Node) -> Any:
        if isinstance(node, Num | Str | Bool | DateLit):
            return node.value
        if isinstance(node, ListLit):
            return [self.constant(i) for i in node.items]
        if isinstance(node, Name) and node.kind == "param":
            v = self.params[node.name]
            if v is UNKNOWN:
                raise Unsupported(f"parameter {node.name} has no value")
            return v
        if isinstance(node, Name) and node.kind == "builtin":
            return self.as_of
        raise Unsupported("not a constant")


_names = itertools.count()


class DurableBackend:
    """Eligibility of every measure, decided by durable_rules, for complete profiles."""

    def __init__(self, rules: RuleSet, as_of: date) -> None:
        try:
            import durable.engine as de
            import durable.lang as dl
        except ImportError as exc:  # pragma: no cover - the extra is not installed
            raise ImportError('the durable back end needs: pip install "zjtx_rules[durable]"') from exc
        self.dl = dl
        self.rules = rules
        self.as_of = as_of
        self.name = f"zjtx_{rules.sha256[:12]}_{as_of:%Y%m%d}_{next(_names)}"
        tr = _Translator(dl, rules, as_of)
        self._fired: dict[int, list[str]] = {}
        # measures this back end cannot decide faithfully, with the reason; left out of statuses
        self.unsupported: dict[str, str] = {}
        rs = dl.ruleset(self.name)
        with rs:
            for m in rules.measures:
                try:
                    cond = tr.measure(m.id)
                except Unsupported as exc:
                    self.unsupported[m.id] = str(exc)
                    continue
                dl.when_all(cond)(self._action(m.id))
        dl._rulesets.pop(self.name, None)  # keep it off durable's global, threaded host
        full_name, definition = rs.define()

        class QuietHost(de.Host):  # type: ignore[misc]
            """A host without durable's background dispatch threads: every action runs in
            the caller's thread inside ``assert_fact``, so no firing arrives late."""

            def _run(self) -> None:
                return None

        self.host = QuietHost({full_name: definition})
        self._tokens = itertools.count(1)

    def _action(self, mid: str) -> Callable[[Any], None]:
        fired = self._fired

        def mark(c: Any) -> None:  # one parameter: durable-rules treats two as async
            fired.setdefault(int(c.m[TOKEN]), []).append(mid)

        return mark

    def fact(self, facts: dict[str, Any]) -> dict[str, Any]:
        """A validated profile as a durable fact (prefixed keys, floats, day numbers)."""
        out = {PREFIX + k: _fact_value(v) for k, v in facts.items()}
        out.update({PREFIX + k + LENGTH: len(v) for k, v in facts.items() if isinstance(v, list)})
        out[ALWAYS] = 1
        return out

    def statuses(self, profile: Any) -> dict[str, str]:
        facts = self.rules.validate_profile(profile)
        missing = [n for n in self.rules.facts if n not in facts]
        for name, spec in self.rules.facts.items():
            for i, rec in enumerate(facts.get(name, ()) if spec.type == "list" else ()):
                missing.extend(f"{name}[{i}].{f}" for f in spec.fields or {} if f not in rec)
        if missing:
            raise Unsupported(f"profiles must be complete; missing {missing[:3]}")
        token = next(self._tokens)
        fact = self.fact(facts)
        fact[TOKEN] = token
        # One session for every profile: a ruleset holds at most 1024 sessions, and deleting
        # one can race the engine's own dispatch (error 307). Firings are collected here, by
        # token, and the fact is retracted so the session stays empty.
        self.host.assert_fact(self.name, fact)
        self.host.retract_fact(self.name, fact)
        fired = set(self._fired.pop(token, ()))
        return {
            m.id: "eligible" if m.id in fired else "ineligible"
            for m in self.rules.measures
            if m.id not in self.unsupported
        }
