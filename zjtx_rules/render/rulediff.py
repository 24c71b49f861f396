"""A rule-level review of the change between two versions of a rule package (``zjtx diff``).

Where ``compare`` shows what a change does to enterprises, this shows what changed in the
rules: parameter values and table rows (with the dates they apply from), expressions (old and
new side by side), measures, derived values and tier criteria added or removed, assumptions
added or resolved, test cases changed. Items are matched by what they are (a parameter by
name, a value by its start date, a table row by its input values, a condition by its id), so
reordering a file shows no change.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from zjtx_rules.expr.nodes import Node
from zjtx_rules.expr.parser import ExprError, parse
from zjtx_rules.expr.pretty import pretty
from zjtx_rules.render.package_view import PackageView, row_key, show_value

SECTIONS = (
    "policy",
    "facts",
    "parameters",
    "tables",
    "derived",
    "measures",
    "tiers",
    "assumptions",
    "cases",
)


@dataclass(frozen=True)
class Change:
    section: str  # one of SECTIONS
    subject: str  # the parameter, table, measure... it belongs to
    what: str  # e.g. "value from 2022-01-01", "condition qualified_tier expr", "added"
    old: str = ""
    new: str = ""
    expression: bool = False  # old and new are expressions: show them side by side

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "subject": self.subject,
            "what": self.what,
            "old": self.old,
            "new": self.new,
            "expression": self.expression,
        }


@dataclass
class RuleDiff:
    old: str  # "id version (sha256 prefix)"
    new: str
    changes: list[Change] = field(default_factory=list)
    # both programs' parsed expressions, so that showing a change parses nothing again
    trees: Mapping[str, Node] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "changes": [c.to_dict() for c in self.changes]}

    def _pretty(self, text: str) -> str:
        return _pretty_or_raw(text, self.trees)

    def render_text(self) -> str:
        lines = [f"旧 / old: {self.old}", f"新 / new: {self.new}"]
        if not self.changes:
            lines.append("规则没有变化 / no rule changes")
        for section in SECTIONS:
            items = [c for c in self.changes if c.section == section]
            if not items:
                continue
            lines.append("")
            lines.append(f"== {section} ({len(items)})")
            for c in items:
                lines.append(f"- {c.subject}: {c.what}")
                if c.expression:
                    lines.extend(_side_by_side(self._pretty(c.old), self._pretty(c.new)))
                elif c.old or c.new:
                    lines.append(f"    旧 / old: {c.old or '—'}")
                    lines.append(f"    新 / new: {c.new or '—'}")
        lines.append("")
        lines.append(f"{len(self.changes)} 处变化 / change(s)")
        return "\n".join(lines) + "\n"

    def render_html(self, css: str = "") -> str:
        e = html.escape
        parts = [
            '<!doctype html><html lang="zh"><head><meta charset="utf-8">',
            "<title>规则变化 / Rule changes</title>",
            f"<style>{css}</style>" if css else "",
            "</head><body><main>",
            "<h1>规则变化 / Rule changes</h1>",
            f"<p>旧 / old: <code>{e(self.old)}</code><br>新 / new: <code>{e(self.new)}</code></p>",
            f"<p>{len(self.changes)} 处变化 / change(s)</p>",
        ]
        for section in SECTIONS:
            items = [c for c in self.changes if c.section == section]
            if not items:
                continue
            parts.append(f"<h2>{e(section)} ({len(items)})</h2>")
            parts.append('<table class="diff"><thead><tr><th>项 / item</th><th>变化 / change</th>')
            parts.append("<th>旧 / old</th><th>新 / new</th></tr></thead><tbody>")
            for c in items:
                old = self._pretty(c.old) if c.expression else c.old
                new = self._pretty(c.new) if c.expression else c.new
                parts.append(
                    f"<tr><td><code>{e(c.subject)}</code></td><td>{e(c.what)}</td>"
                    f'<td class="old"><pre>{e(old)}</pre></td><td class="new"><pre>{e(new)}</pre></td></tr>'
                )
            parts.append("</tbody></table>")
        parts.append("</main></body></html>\n")
        return "".join(parts)


def diff_views(old: PackageView, new: PackageView) -> RuleDiff:
    """Every rule-level change from ``old`` to ``new``, grouped by section."""
    out = RuleDiff(_label(old), _label(new), trees={**old.rules.program.trees, **new.rules.program.trees})
    ch = out.changes
    ch.extend(
        Change("policy", "policy", f"{k} changed", show_value(a), show_value(b))
        for k, a, b in _fields(old.policy.model_dump(), new.policy.model_dump(), skip={"version"})
    )
    ch.extend(_keyed("facts", old.facts, new.facts, _model_changes("facts")))
    ch.extend(_keyed("parameters", old.params, new.params, _param_changes))
    ch.extend(_keyed("tables", old.tables, new.tables, _table_changes))
    ch.extend(_keyed("derived", old.derived, new.derived, _derived_changes))
    ch.extend(_keyed("measures", old.measures, new.measures, _measure_changes))
    ch.extend(_keyed("tiers", old.tiers, new.tiers, _tier_changes))
    old_a = {a.key: a for a in old.assumptions()}
    new_a = {a.key: a for a in new.assumptions()}
    for key, a in new_a.items():
        if key not in old_a:
            ch.append(Change("assumptions", a.subject, f"assumption added: {a.title}", "", a.note or a.value))
    for key, a in old_a.items():
        if key not in new_a:
            ch.append(
                Change("assumptions", a.subject, f"assumption resolved: {a.title}", a.note or a.value, "")
            )
    old_c = {c.spec.name: c.spec for c in old.cases}
    new_c = {c.spec.name: c.spec for c in new.cases}
    for name in new_c.keys() - old_c.keys():
        ch.append(Change("cases", name, "case added"))
    for name in old_c.keys() - new_c.keys():
        ch.append(Change("cases", name, "case removed"))
    for name in sorted(old_c.keys() & new_c.keys()):
        for k, a, b in _fields(old_c[name].model_dump(), new_c[name].model_dump()):
            ch.append(Change("cases", name, f"{k} changed", _short(a), _short(b)))
    return out


Changes = Iterator[Change]


def _keyed(section: str, old: Mapping[str, Any], new: Mapping[str, Any], inner: Any) -> Changes:
    for name in new:
        if name not in old:
            yield Change(section, name, "added", "", getattr(new[name], "title_zh", "") or "")
    for name in old:
        if name not in new:
            yield Change(section, name, "removed", getattr(old[name], "title_zh", "") or "", "")
    for name in old:
        if name in new:
            yield from inner(section, name, old[name], new[name])


def _model_changes(section: str) -> Any:
    def inner(_section: str, name: str, a: Any, b: Any) -> Changes:
        for k, x, y in _fields(a.model_dump(), b.model_dump()):
            yield Change(section, name, f"{k} changed", _short(x), _short(y))

    return inner


def _param_changes(section: str, name: str, a: Any, b: Any) -> Changes:
    for k, x, y in _fields(a.model_dump(), b.model_dump(), skip={"values"}):
        yield Change(section, name, f"{k} changed", _short(x), _short(y))
    old_v = {v.from_: v for v in a.values}
    new_v = {v.from_: v for v in b.values}
    for day in sorted(old_v.keys() | new_v.keys()):
        if day not in old_v:
            yield Change(section, name, f"value from {day} added", "", show_value(new_v[day].value))
        elif day not in new_v:
            yield Change(section, name, f"value from {day} removed", show_value(old_v[day].value), "")
        else:
            for k, x, y in _fields(old_v[day].model_dump(), new_v[day].model_dump()):
                yield Change(
                    section,
                    name,
                    f"{'value' if k == 'value' else k} from {day}",
                    show_value(x),
                    show_value(y),
                )


def _table_changes(section: str, name: str, a: Any, b: Any) -> Changes:
    for k, x, y in _fields(a.model_dump(), b.model_dump(), skip={"versions"}):
        yield Change(section, name, f"{k} changed", _short(x), _short(y))
    old_v = {v.from_: v for v in a.versions}
    new_v = {v.from_: v for v in b.versions}
    for day in sorted(old_v.keys() | new_v.keys()):
        if day not in old_v:
            yield Change(section, name, f"version from {day} added", "", f"{len(new_v[day].rows)} rows")
            continue
        if day not in new_v:
            yield Change(section, name, f"version from {day} removed", f"{len(old_v[day].rows)} rows", "")
            continue
        ov, nv = old_v[day], new_v[day]
        for k, x, y in _fields(ov.model_dump(), nv.model_dump(), skip={"rows"}):
            yield Change(section, name, f"{k} from {day}", show_value(x), show_value(y))
        old_rows = {row_key(a, r): r for r in ov.rows}
        new_rows = {row_key(b, r): r for r in nv.rows}
        for key in new_rows:
            if key not in old_rows:
                yield Change(section, name, f"row [{key}] from {day} added", "", _row(new_rows[key]))
        for key in old_rows:
            if key not in new_rows:
                yield Change(section, name, f"row [{key}] from {day} removed", _row(old_rows[key]), "")
            else:
                for k, x, y in _fields(old_rows[key], new_rows[key]):
                    yield Change(section, name, f"row [{key}] {k} from {day}", show_value(x), show_value(y))


def _derived_changes(section: str, name: str, a: Any, b: Any) -> Changes:
    for k, x, y in _fields(a.model_dump(), b.model_dump()):
        yield Change(section, name, f"{k} changed", x, y, expression=k == "expr")


def _measure_changes(section: str, name: str, a: Any, b: Any) -> Changes:
    for k, x, y in _fields(a.model_dump(), b.model_dump(), skip={"conditions", "outputs"}):
        yield Change(section, name, f"{k} changed", _short(x), _short(y))
    old_c = {c.id: c for c in a.conditions}
    new_c = {c.id: c for c in b.conditions}
    yield from _items(section, name, "condition", old_c, new_c)
    yield from _items(section, name, "output", a.outputs, b.outputs)


def _tier_changes(section: str, name: str, a: Any, b: Any) -> Changes:
    for k, x, y in _fields(a.model_dump(), b.model_dump(), skip={"criteria"}):
        yield Change(section, name, f"{k} changed", _short(x), _short(y), expression=k == "held")
    old_c = {c.id: c for c in a.criteria}
    new_c = {c.id: c for c in b.criteria}
    yield from _items(section, name, "criterion", old_c, new_c)


_EXPR_KEYS = {"expr", "actual", "required", "or_expr", "held"}


def _items(section: str, name: str, label: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Changes:
    for key in new:
        if key not in old:
            yield Change(section, name, f"{label} {key} added", "", getattr(new[key], "expr", ""), True)
    for key in old:
        if key not in new:
            yield Change(section, name, f"{label} {key} removed", getattr(old[key], "expr", ""), "", True)
        else:
            for k, x, y in _fields(old[key].model_dump(), new[key].model_dump()):
                yield Change(section, name, f"{label} {key} {k}", _short(x), _short(y), k in _EXPR_KEYS)


def _fields(
    a: Mapping[str, Any], b: Mapping[str, Any], skip: set[str] | None = None
) -> Iterator[tuple[str, Any, Any]]:
    """The keys whose values differ (a key missing on one side counts as absent)."""
    for k in list(a) + [k for k in b if k not in a]:
        if skip and k in skip:
            continue
        if a.get(k) != b.get(k):
            yield k, a.get(k), b.get(k)


def _row(row: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={show_value(v)}" for k, v in row.items())


def _short(value: Any) -> str:
    text = (
        value
        if isinstance(value, str)
        else show_value(value)
        if not isinstance(value, dict | list)
        else repr(value)
    )
    return text


def _label(view: PackageView) -> str:
    return f"{view.policy.id} {view.policy.version} ({view.rules.root}, sha256 {view.rules.sha256[:12]})"


def _pretty_or_raw(text: str, trees: Mapping[str, Node]) -> str:
    if not text:
        return "—"
    try:
        tree = trees.get(text)
        return pretty(tree if tree is not None else parse(text), 56)
    except ExprError:  # a format-template or literal field, not an expression
        return text


def _side_by_side(old: str, new: str, width: int = 60) -> list[str]:
    left, right = old.splitlines(), new.splitlines()
    rows = max(len(left), len(right))
    out = [f"    {'旧 / old':<{width - 2}}| 新 / new"]
    for i in range(rows):
        a = left[i] if i < len(left) else ""
        b = right[i] if i < len(right) else ""
        out.append(f"    {a:<{width}}| {b}")
    return out
