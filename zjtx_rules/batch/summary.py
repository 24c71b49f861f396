"""Batch summaries: statuses per measure, the budget a batch implies, targets, rankings.

An aggregator takes one small record per input line (``record_of``), built from the JSON
result, so that a resumed batch can rebuild it from the lines already written. Memory stays
flat: counts, sums and a bounded heap per ranked measure.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from zjtx_rules.evaluate.result import money_str
from zjtx_rules.evaluate.ruleset import RuleSet

STATUSES = ("eligible", "ineligible", "undetermined")


def record_of(rules: RuleSet, line: int, result: dict[str, Any]) -> dict[str, Any]:
    """The part of one output line that the summary needs (JSON-able)."""
    if "error" in result:
        return {"line": line, "error": True}
    budget: dict[str, dict[str, str]] = {}
    counts: dict[str, int] = {}
    rank: dict[str, str] = {}
    for m, spec in zip(result["measures"], (c.spec for c in rules.measures), strict=True):
        amounts = m["amounts"]
        for oname, o in spec.outputs.items():
            if not o.summary or oname not in amounts:
                continue
            v = amounts[oname]
            if o.summary == "budget":
                by_year = v if isinstance(v, dict) else {"total": v}
                for year, money in by_year.items():
                    budget.setdefault(m["id"], {})
                    prev = Decimal(budget[m["id"]].get(year, "0"))
                    budget[m["id"]][year] = str(prev + Decimal(money))
            else:
                counts[f"{m['id']}.{oname}"] = len(v) if isinstance(v, list) else int(v)
        if spec.rank_by and m["status"] == "eligible" and spec.rank_by in amounts:
            rank[m["id"]] = str(amounts[spec.rank_by])
    return {
        "line": line,
        "id": result.get("profile_id"),
        "statuses": [m["status"] for m in result["measures"]],
        "budget": budget,
        "counts": counts,
        "targets": result.get("targets", []),
        "rank": rank,
    }


class Summary:
    """Adds up records; ``to_dict`` for machines, ``render`` for people."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.lines = 0
        self.errors = 0
        self.status = [Counter[str]() for _ in rules.measures]
        self.budget: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        self.counts: Counter[str] = Counter()
        self.targets: Counter[str] = Counter()
        self.keep = {m.id: max(m.spec.select_at_least, 1) for m in rules.measures if m.spec.rank_by}
        self.heaps: dict[str, list[tuple[Decimal, int, str]]] = {k: [] for k in self.keep}
        self.candidates: Counter[str] = Counter()

    def add(self, rec: dict[str, Any]) -> None:
        self.lines += 1
        if rec.get("error"):
            self.errors += 1
            return
        for counter, status in zip(self.status, rec["statuses"], strict=True):
            counter[status] += 1
        for mid, years in rec["budget"].items():
            for year, money in years.items():
                self.budget[mid][year] += Decimal(money)
        self.counts.update(rec["counts"])
        self.targets.update(rec["targets"])
        for mid, score in rec["rank"].items():
            self.candidates[mid] += 1
            item = (Decimal(score), -rec["line"], rec["id"] or "")
            heap = self.heaps[mid]
            if len(heap) < self.keep[mid]:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)

    def to_dict(self) -> dict[str, Any]:
        rules = self.rules
        total_by_year: dict[str, Decimal] = defaultdict(Decimal)
        measures = []
        for m, counter in zip(rules.measures, self.status, strict=True):
            entry: dict[str, Any] = {
                "id": m.id,
                "clause": m.spec.clause,
                "title_zh": m.spec.title_zh,
                "title_en": m.spec.title_en,
                **{s: counter.get(s, 0) for s in STATUSES},
            }
            if m.id in self.budget:
                years = self.budget[m.id]
                entry["budget_by_year"] = {y: money_str(v) for y, v in sorted(years.items())}
                entry["budget_total"] = money_str(sum(years.values(), Decimal(0)))
                for y, v in years.items():
                    total_by_year[y] += v
            counts = {k.split(".", 1)[1]: v for k, v in self.counts.items() if k.startswith(m.id + ".")}
            if counts:
                entry["counts"] = counts
            measures.append(entry)
        return {
            "policy": rules.policy_ref,
            "lines": self.lines,
            "errors": self.errors,
            "evaluated": self.lines - self.errors,
            "measures": measures,
            "budget_by_year": {y: money_str(v) for y, v in sorted(total_by_year.items())},
            "budget_total": money_str(sum(total_by_year.values(), Decimal(0))),
            "targets": [
                {
                    "id": tid,
                    "title_zh": t.title_zh,
                    "title_en": t.title_en,
                    "target": t.count,
                    "by": (t.by or rules.policy.valid_to).isoformat(),
                    "count": self.targets.get(tid, 0) if tid in rules.target_fns else None,
                    "note": t.note,
                    "clause": t.clause,
                    "per_year": t.per_year,
                }
                for tid, t in rules.targets.items()
            ],
            "rankings": [
                {
                    "measure": mid,
                    "select_at_least": self.keep[mid],
                    "candidates": self.candidates.get(mid, 0),
                    "top": [
                        {"profile_id": pid, "line": -neg, "score": str(score)}
                        for score, neg, pid in sorted(heap, reverse=True)
                    ],
                }
                for mid, heap in self.heaps.items()
            ],
        }

    def render(self, lang: str = "zh") -> str:
        d = self.to_dict()
        zh = lang == "zh"
        policy = self.rules.policy
        # a package with no output summed as budget (a recognition, say) has no budget column
        budgeted = any("budget_total" in m for m in d["measures"])
        out = [
            (
                f"共 {d['lines']} 行，评估 {d['evaluated']} 行，错误 {d['errors']} 行"
                if zh
                else f"{d['lines']} lines, {d['evaluated']} evaluated, {d['errors']} errors"
            ),
            "",
            (
                f"{'条款':<6}{'措施':<34}{'可享受':>6}{'待确定':>7}{'不符合':>8}"
                + (f"{'预算（元）':>12}" if budgeted else "")
                + "  名称"
            )
            if zh
            else f"{'clause':<7}{'measure':<34}{'eligible':>9}{'undeterm.':>10}{'ineligible':>11}"
            + (f"{'budget CNY':>16}" if budgeted else "")
            + "  title",
        ]
        for m in d["measures"]:
            title = (m["title_zh"] if zh else m["title_en"])[:30]
            budget = f"{m.get('budget_total', ''):>16}" if budgeted else ""
            out.append(
                f"{m['clause']:<7}{m['id']:<34}{m['eligible']:>9}{m['undetermined']:>10}"
                f"{m['ineligible']:>11}{budget}  {title}"
            )
        out.append("")
        if budgeted:
            out.append(
                ("按年度预算: " if zh else "budget by year: ")
                + ", ".join(f"{y}: {v}" for y, v in d["budget_by_year"].items())
                + f"  ({d['budget_total']})"
            )
        for m in d["measures"]:
            for k, v in m.get("counts", {}).items():
                out.append(f"{m['id']}.{k}: {v}")
        out.append("")
        for t in d["targets"]:
            count = "n/a" if t["count"] is None else t["count"]
            clause = f"{policy.clause_label(t['clause'], lang)}{' ' if zh else ': '}" if t["clause"] else ""
            if t["per_year"]:
                when = "每年，至" if zh else "a year, until "
            else:
                when = "目标" if zh else "target by "
            out.append(
                f"{clause}{t['title_zh'] if zh else t['title_en']}: {count} / {t['target']} ({when}{t['by']})"
            )
        for r in d["rankings"]:
            out.append("")
            out.append(
                f"{r['measure']}: {r['candidates']} "
                f"{'家候选，按排序分前' if zh else 'candidates; top'} {len(r['top'])}:"
            )
            for i, row in enumerate(r["top"][:10], 1):
                out.append(f"  {i:>3}. {row['profile_id']} (line {row['line']}) {row['score']}")
            if len(r["top"]) > 10:
                out.append(f"  ... {len(r['top']) - 10} more in the JSON summary")
        return "\n".join(out) + "\n"
