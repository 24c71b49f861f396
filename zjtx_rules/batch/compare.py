"""Judging a rule change before it goes live: two package versions over the same enterprises.

Reports, per measure, how many enterprises moved between statuses; the budget change per
year; each enterprise whose outcome changed, with what changed (status, the conditions that
flipped, amounts); and the parameters and tables whose values differ on the evaluation date.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from zjtx_rules.batch.records import Record, csv_profile
from zjtx_rules.errors import EvaluationError, ProfileError
from zjtx_rules.evaluate.reasons import fmt_value
from zjtx_rules.evaluate.result import MeasureOutcome, money_str
from zjtx_rules.evaluate.ruleset import RuleSet


@dataclass
class Comparison:
    old: RuleSet
    new: RuleSet
    as_of: date
    lines: int = 0
    errors: int = 0
    moves: dict[str, Counter[tuple[str, str]]] = field(default_factory=lambda: defaultdict(Counter))
    budget_old: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    budget_new: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    changed: list[dict[str, Any]] = field(default_factory=list)
    parameters: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        years = sorted(set(self.budget_old) | set(self.budget_new))
        return {
            "as_of": self.as_of.isoformat(),
            "old": self.old.policy_ref,
            "new": self.new.policy_ref,
            "lines": self.lines,
            "errors": self.errors,
            "changed_parameters": self.parameters,
            "moves": {
                mid: [{"from": a, "to": b, "count": n} for (a, b), n in sorted(c.items())]
                for mid, c in self.moves.items()
                if any(a != b for a, b in c)
            },
            "budget_change_by_year": {
                y: {
                    "old": money_str(self.budget_old[y]),
                    "new": money_str(self.budget_new[y]),
                    "change": money_str(self.budget_new[y] - self.budget_old[y]),
                }
                for y in years
            },
            "changed_enterprises": self.changed,
        }

    def render(self) -> str:
        d = self.to_dict()
        out = [
            f"{d['old']['id']} {d['old']['version']} ({d['old']['sha256'][:12]}) -> "
            f"{d['new']['id']} {d['new']['version']} ({d['new']['sha256'][:12]}), as of {d['as_of']}",
            f"{d['lines']} enterprises, {d['errors']} with invalid profiles",
            "",
        ]
        if d["changed_parameters"]:
            out.append("changed parameters / 参数变化:")
            out.extend(f"  {p['name']}: {p['old']} -> {p['new']}" for p in d["changed_parameters"])
            out.append("")
        out.append("moves per measure / 各措施状态变化:")
        if not d["moves"]:
            out.append("  (none)")
        for mid, moves in d["moves"].items():
            text = ", ".join(f"{m['from']}->{m['to']}: {m['count']}" for m in moves if m["from"] != m["to"])
            out.append(f"  {mid}: {text}")
        out.append("")
        out.append("budget by year / 按年度预算 (old -> new, change):")
        for y, b in d["budget_change_by_year"].items():
            out.append(f"  {y}: {b['old']} -> {b['new']} ({b['change']})")
        out.append("")
        out.append(f"changed enterprises / 结果变化的企业: {len(d['changed_enterprises'])}")
        for e in d["changed_enterprises"]:
            out.append(f"  line {e['line']} {e['profile_id']}:")
            out.extend(f"    {c}" for c in e["changes"])
        return "\n".join(out) + "\n"


def _budget(rules: RuleSet, m: MeasureOutcome, into: dict[str, Decimal]) -> None:
    spec = rules.program.by_id[m.id].spec
    for name, value in m.amounts.items():
        if spec.outputs[name].summary == "budget":
            for y, v in value.items() if isinstance(value, dict) else [("total", value)]:
                into[str(y)] += v


def _amount_text(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {money_str(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, Decimal):
        return money_str(value) if value == value.quantize(Decimal("0.01")) else str(value)
    return fmt_value(value, "en") if not isinstance(value, list) else "[" + ", ".join(value) + "]"


def _differences(old: MeasureOutcome, new: MeasureOutcome) -> list[str]:
    out = []
    if old.status != new.status:
        out.append(f"{old.id}: {old.status} -> {new.status}")
        before = {r.condition: r.result for r in old.reasons}
        for r in new.reasons:
            if before.get(r.condition) != r.result:
                out.append(f"  {r.condition}: {before.get(r.condition, '-')} -> {r.result} ({r.text_en})")
    for name in sorted(set(old.amounts) | set(new.amounts)):
        a, b = old.amounts.get(name), new.amounts.get(name)
        if a != b:
            out.append(f"{old.id}.{name}: {_amount_text(a)} -> {_amount_text(b)}")
    return out


def changed_parameters(old: RuleSet, new: RuleSet, day: date) -> list[dict[str, str]]:
    a, b = old.params_at(day), new.params_at(day)
    out = []
    for name in sorted(set(a) | set(b)):
        va, vb = a.get(name), b.get(name)
        ta = _param_text(va)
        tb = _param_text(vb)
        if ta != tb:
            out.append({"name": name, "old": ta, "new": tb})
    return out


def _param_text(v: Any) -> str:
    if v is None:
        return "(absent)"
    rows = getattr(v, "rows", None)
    if rows is not None:
        return "; ".join(str(r.value) for r in rows)
    return str(v)


def compare(
    old: RuleSet, new: RuleSet, records: Iterable[Record], as_of: date, *, limit: int = 1000
) -> Comparison:
    """Evaluate every record under both versions; keep at most ``limit`` changed enterprises."""
    cmp = Comparison(old, new, as_of, parameters=changed_parameters(old, new, as_of))
    for line, kind, payload in records:
        cmp.lines += 1
        try:
            if kind == "error":
                raise payload
            profile = csv_profile(old, payload) if kind == "csv" else payload
            a = old.evaluate(profile, as_of)
            b = new.evaluate(profile, as_of)
        except (ProfileError, EvaluationError):
            cmp.errors += 1
            continue
        changes: list[str] = []
        after = {m.id: m for m in b.measures}
        for ma in a.measures:
            _budget(old, ma, cmp.budget_old)
            mb = after.pop(ma.id, None)
            if mb is None:
                cmp.moves[ma.id][(ma.status, "removed")] += 1
                changes.append(f"{ma.id}: {ma.status} -> removed")
                continue
            cmp.moves[ma.id][(ma.status, mb.status)] += 1
            _budget(new, mb, cmp.budget_new)
            changes.extend(_differences(ma, mb))
        for mb in after.values():
            _budget(new, mb, cmp.budget_new)
            cmp.moves[mb.id][("added", mb.status)] += 1
            changes.append(f"{mb.id}: added -> {mb.status}")
        if changes and len(cmp.changed) < limit:
            cmp.changed.append({"line": line, "profile_id": a.profile_id, "changes": changes})
    return cmp
