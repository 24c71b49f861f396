"""Pieces shared by the pages of the rules document: names, reference lists, registers."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..package_view import Assumption, PackageView, show_value
from .markup import Links, both, e, link, table

BENEFITS = {
    "cash": ("现金奖补", "cash"),
    "quota": ("名额", "quota"),
    "loan": ("贷款", "loan"),
    "pool": ("入库培育", "pool"),
    "fund": ("基金", "fund"),
    "service": ("服务", "service"),
    "priority": ("优先支持", "priority"),
}
KIND_TITLES = {
    "fact": ("企业信息", "facts"),
    "param": ("参数", "parameters"),
    "table": ("决策表", "decision tables"),
    "derived": ("派生值", "derived values"),
    "measure": ("其他措施", "other measures"),
}


def kinds_of(view: PackageView) -> dict[str, str]:
    out: dict[str, str] = {}
    for kind, store in (
        ("fact", view.facts),
        ("param", view.params),
        ("table", view.tables),
        ("derived", view.derived),
        ("measure", view.measures),
    ):
        out.update(dict.fromkeys(store, kind))
    return out


def benefit(code: str) -> str:
    zh, en = BENEFITS.get(code, (code, code))
    return both(zh, en)


def title_of(view: PackageView, kind: str, name: str) -> str:
    store: Any = {
        "param": view.params,
        "table": view.tables,
        "derived": view.derived,
        "measure": view.measures,
    }.get(kind)
    if store is not None and name in store:
        return str(getattr(store[name], "title_zh", "") or "")
    if kind == "fact" and name in view.facts:
        return view.facts[name].label_zh
    return ""


def ref_list(view: PackageView, links: Links, kind: str, names: set[str] | list[str]) -> str:
    items = [f"<li>{link(links, kind, n)} {e(title_of(view, kind, n))}</li>" for n in sorted(names)]
    return f'<ul class="refs">{"".join(items)}</ul>' if items else '<p class="none">—</p>'


def show_amount(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {show_amount(v)}" for k, v in value.items())
    return show_value(value)


def used_by(view: PackageView, links: Links, name: str) -> str:
    derived = [d for d, r in view.reads.items() if d in view.derived and any(name in s for s in r.values())]
    tiers = [t for t, spec in view.tiers.items() if name in tier_names(spec)]
    parts = ["<h2>被引用 / Used by</h2>", ref_list(view, links, "measure", view.readers(name))]
    if derived:
        parts.append(
            f'<p class="via">派生值 / derived values:</p>{ref_list(view, links, "derived", derived)}'
        )
    if tiers:
        lis = "".join(
            f'<li><a href="{e(links.item("tier", t))}">{e(view.tiers[t].title_zh)}</a></li>' for t in tiers
        )
        parts.append(f'<p class="via">梯度标准 / tier criteria:</p><ul class="refs">{lis}</ul>')
    return "".join(parts)


def tier_names(spec: Any) -> set[str]:
    texts = [spec.held] + [x for c in spec.criteria for x in (c.expr, c.actual, c.required, c.or_expr)]
    return {w for t in texts for w in re.findall(r"[a-z][a-z0-9_]*", t)}


def period_end(froms: list[date], i: int, last: date) -> str:
    return froms[i + 1].isoformat() if i + 1 < len(froms) else f"({last.isoformat()})"


def assumption_table(view: PackageView, links: Links, items: list[Assumption], signoff: bool) -> str:
    rows = []
    for i, a in enumerate(items, 1):
        if a.kind in ("param", "table", "measure"):
            subject = link(links, a.kind, a.subject)
        elif a.kind == "choice":
            subject = f"<code>{e(a.subject)}</code>"
        else:
            subject = f'<a href="{e(links.item("tier", a.subject))}"><code>{e(a.subject)}</code></a>'
        affected = ", ".join(link(links, "measure", m) for m in a.measures) or "—"
        row = [
            str(i),
            f"{subject}<br>{e(a.title)}",
            f"<strong>{e(a.value)}</strong>" if a.value else "—",
            e(a.start.isoformat()) if a.start else "—",
            e(a.note) + (f'<br><span class="source">来源 / source: {e(a.source)}</span>' if a.source else ""),
            affected,
        ]
        if signoff:
            row.append('<span class="signoff"></span>')
        rows.append(row)
    head = ["#", "项 / item", "假设值 / figure", "起 / from", "说明 / note", "影响的措施 / measures"]
    if signoff:
        head.append("核准签字、日期 / signed off (name, date)")
    return table(head, rows, "assumptions")
