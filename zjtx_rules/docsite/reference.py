"""Reference pages of the rules document: parameters, decision tables, derived values, facts.

Each shows its dated history (half-open periods) with sources and assumption notes, and what
uses it.
"""

from __future__ import annotations

from ..package_view import PackageView, show_value
from .common import KIND_TITLES, kinds_of, period_end, ref_list, used_by
from .markup import Links, both, e, expression, flag, table


# -- parameters and tables
def parameter(view: PackageView, links: Links, name: str) -> str:
    p = view.params[name]
    values = sorted(p.values, key=lambda v: v.from_)
    froms = [v.from_ for v in values]
    rows = [
        [
            e(v.from_.isoformat()),
            e(period_end(froms, i, view.policy.valid_to)),
            f"<strong>{e(show_value(v.value))}</strong> {e(p.unit)}",
            e(v.source),
            flag(v.assumption) + (f"<br>{e(v.note)}" if v.note else ""),
        ]
        for i, v in enumerate(values)
    ]
    return (
        f'<article id="param-{e(name)}" class="parameter">'
        f'<p class="crumbs"><a href="{e(links.page("index"))}">索引 / index</a> · 参数 / parameter</p>'
        f"<h1>{both(p.title_zh, p.title_en)}</h1>"
        f'<p class="meta"><code>{e(name)}</code> · type <code>{e(p.type)}</code>'
        + (f" · unit {e(p.unit)}" if p.unit else "")
        + f" · <code>{e(view.files.get(name, ''))}</code></p>"
        "<h2>取值历史 / Dated history</h2><p>每个取值自起始日起生效，至下一个起始日前一天（左闭右开）/ "
        "each value applies from its start day until the next start day (half-open)</p>"
        + table(
            ["起 / from", "止（不含）/ until", "取值 / value", "来源 / source", "假设说明 / assumption note"],
            rows,
            "history",
        )
        + used_by(view, links, name)
        + "</article>"
    )


def decision_table(view: PackageView, links: Links, name: str) -> str:
    t = view.tables[name]
    versions = sorted(t.versions, key=lambda v: v.from_)
    froms = [v.from_ for v in versions]
    parts = [
        f'<article id="table-{e(name)}" class="decision-table">',
        f'<p class="crumbs"><a href="{e(links.page("index"))}">索引 / index</a> · '
        "决策表 / decision table</p>",
        f"<h1>{both(t.title_zh, t.title_en)}</h1>",
        f'<p class="meta"><code>{e(name)}</code> · hit policy <code>{e(t.hit_policy)}</code> · result '
        f"<code>{e(t.result)}</code> · inputs: "
        + ", ".join(f"<code>{e(i.name)}</code> ({e(i.type)})" for i in t.inputs)
        + f" · <code>{e(view.files.get(name, ''))}</code></p>",
        "<p>命中规则 first：取第一条匹配的行；unique：至多一行匹配 / "
        "hit policy first: the first matching row "
        "applies; unique: at most one row matches</p>",
    ]
    for i, ver in enumerate(versions):
        parts.append(
            f"<h2>自 / from {e(ver.from_.isoformat())} "
            f"至 / until {e(period_end(froms, i, view.policy.valid_to))}"
            f" {flag(ver.assumption)}</h2>"
        )
        if ver.source:
            parts.append(f'<p class="source">来源 / source: {e(ver.source)}</p>')
        if ver.note:
            parts.append(f'<p class="note">{e(ver.note)}</p>')
        rows = [
            [e(show_value(r.get(inp.name, "*"))) for inp in t.inputs]
            + [
                f"<strong>{e(show_value(r.get('value')))}</strong>",
                flag(r.get("assumption") is True)
                + (f" {e(str(r.get('note', '')))}" if r.get("note") else ""),
            ]
            for r in ver.rows
        ]
        if ver.default is not None:
            rows.append(
                ["<em>其他 / otherwise</em>"] * len(t.inputs)
                + [f"<strong>{e(show_value(ver.default))}</strong>", ""]
            )
        parts.append(
            table(
                [f"<code>{e(inp.name)}</code>" for inp in t.inputs] + ["结果 / result", "说明 / note"],
                rows,
                "rows",
            )
        )
    parts.append(used_by(view, links, name))
    parts.append("</article>")
    return "".join(parts)


def derived(view: PackageView, links: Links, name: str) -> str:
    d = view.derived[name]
    reads = view.reads.get(name, {})
    parts = [
        f'<article id="derived-{e(name)}" class="derived">',
        f'<p class="crumbs"><a href="{e(links.page("index"))}">索引 / index</a> · 派生值 / derived value</p>',
        f"<h1>{both(d.title_zh or name, d.title_en)}</h1>",
        f'<p class="meta"><code>{e(name)}</code> · <code>{e(view.files.get(name, ""))}</code></p>',
        expression(d.expr, links, kinds_of(view)),
    ]
    if d.note:
        parts.append(f'<p class="note">{e(d.note)}</p>')
    parts.append("<h2>引用 / What it reads</h2>")
    for kind in ("param", "table", "derived", "fact", "measure"):
        if reads.get(kind):
            zh, en = KIND_TITLES[kind]
            parts.append(f"<h3>{zh} / {en}</h3>{ref_list(view, links, kind, reads[kind])}")
    parts.append(used_by(view, links, name))
    parts.append("</article>")
    return "".join(parts)


# -- facts, tiers, assumptions, dependencies
def facts(view: PackageView, links: Links) -> str:
    rows = [
        [
            f'<code id="fact-{e(n)}">{e(n)}</code>',
            both(f.label_zh, f.label_en),
            f"<code>{e(f.type)}</code>" + (f" {e(f.unit)}" if f.unit else ""),
            "✓" if f.required else "",
            both(f.question_zh, f.question_en),
        ]
        for n, f in view.facts.items()
    ]
    return (
        '<article id="page-facts" class="facts">'
        f'<p class="crumbs"><a href="{e(links.page("index"))}">索引 / index</a></p>'
        "<h1>企业信息 / Facts about an enterprise</h1>"
        + table(
            ["名称 / name", "含义 / meaning", "类型 / type", "必填 / required", "问题 / question"],
            rows,
            "facts",
        )
        + "</article>"
    )
