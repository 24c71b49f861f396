"""Register pages of the rules document: tier criteria by period, the assumptions register
(with a blank sign-off column for printing) and the dependency view."""

from __future__ import annotations

from ..package_view import PackageView, show_value
from .common import assumption_table, kinds_of
from .graph import dependency_svg
from .markup import Links, both, e, expression, flag, link, table


def tiers(view: PackageView, links: Links) -> str:
    kinds = kinds_of(view)
    parts = [
        '<article id="page-tiers" class="tiers">',
        f'<p class="crumbs"><a href="{e(links.page("index"))}">索引 / index</a></p>',
        "<h1>梯度培育标准（按时期）/ Tier criteria by period</h1>",
    ]
    # a period starts wherever a criterion starts or ends, or a threshold parameter changes
    thresholds = {c.required for t in view.tiers.values() for c in t.criteria if c.required in view.params}
    bounds = sorted(
        {view.policy.valid_from}
        | {d for t in view.tiers.values() for c in t.criteria for d in (c.valid_from, c.valid_until) if d}
        | {v.from_ for n in thresholds for v in view.params[n].values if v.from_ > view.policy.valid_from}
    )
    for tid, t in view.tiers.items():
        parts.append(
            f'<section id="tier-{e(tid)}"><h2>{e(str(t.order))}. {both(t.title_zh, t.title_en)}</h2>'
        )
        parts.append(f"<p>已持有 / held when:</p>{expression(t.held, links, kinds)}")
        if t.source:
            parts.append(f'<p class="source">来源 / source: {e(t.source)}</p>')
        head = ["标准 / criterion", "检验 / test", "来源 / source"] + [
            f"{e(b.isoformat())} –" for b in bounds
        ]
        rows = []
        for c in t.criteria:
            test = f"{c.actual} {c.op} {c.required}" if c.actual and c.op else c.expr
            if c.or_expr:
                test = f"({test}) or ({c.or_expr})"
            cells = [
                f"{both(c.title_zh, c.title_en)} <code>{e(c.id)}</code> {flag(c.assumption)}"
                + (f'<br><span class="note">{e(c.note)}</span>' if c.note else ""),
                expression(test, links, kinds, 40),
                e(c.source),
            ]
            for b in bounds:
                active = (c.valid_from is None or c.valid_from <= b) and (
                    c.valid_until is None or b < c.valid_until
                )
                if not active:
                    cells.append('<span class="not-in-force">—</span>')
                elif c.required in view.params:  # show the threshold in force then
                    value = view.rules.params[c.required].at(b)
                    shown = "?" if value is None else show_value(value)
                    cells.append(f'<span class="in-force">{e(shown)}</span>')
                else:
                    cells.append('<span class="in-force">✓</span>')
            rows.append(cells)
        parts.append(table(head, rows, "criteria"))
        parts.append("</section>")
    parts.append(
        "<p>✓ 或门槛值：该时期起适用（至下一列的日期为止，左闭右开）；—：不适用 / ✓ or the threshold: in "
        "force from that date until the next column's date (half-open); —: not in force</p></article>"
    )
    return "".join(parts)


def assumptions(view: PackageView, links: Links) -> str:
    items = view.assumptions()
    return (
        '<article id="page-assumptions" class="register">'
        f'<p class="crumbs"><a href="{e(links.page("index"))}">索引 / index</a></p>'
        "<h1>假设登记表 / Assumptions register</h1>"
        f"<p>政策原文未写明、由规则包假设的数字或规则选择，共 {len(items)} 项；每项核准后请签字 / "
        f"{len(items)} figures or rule choices the plan does not state; sign each when it is confirmed.</p>"
        + assumption_table(view, links, items, signoff=True)
        + "</article>"
    )


def dependencies(view: PackageView, links: Links) -> str:
    rows = []
    for mid, m in view.measures.items():
        reads = view.reads.get(mid, {})
        cells = [f"{e(m.clause)} {link(links, 'measure', mid)}"]
        for kind in ("derived", "param", "table", "measure"):
            cells.append(" ".join(link(links, kind, n) for n in sorted(reads.get(kind, set()))) or "—")
        rows.append(cells)
    return (
        '<article id="page-dependencies" class="dependencies">'
        f'<p class="crumbs"><a href="{e(links.page("index"))}">索引 / index</a></p>'
        "<h1>依赖关系 / What each measure reads</h1>"
        "<p>左：措施（按条款顺序）；中：派生值；右：参数与决策表。/ Left: measures in clause order; middle: "
        "derived values; right: parameters and decision tables.</p>"
        + dependency_svg(view, links)
        + table(
            ["措施 / measure", "派生值 / derived", "参数 / parameters", "决策表 / tables", "措施 / measures"],
            rows,
            "deps",
        )
        + "</article>"
    )
