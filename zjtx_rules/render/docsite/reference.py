"""Reference pages of the rules document: parameters, decision tables, derived values, facts.

Each shows its dated history (half-open periods) with sources and assumption notes, and what
uses it.
"""

from __future__ import annotations

from zjtx_rules.render.docsite.common import (
    KIND_TITLES,
    cite,
    kinds_of,
    ref_list,
    row_cells,
    source_note,
    source_text,
    unit_for,
    used_by,
)
from zjtx_rules.render.docsite.figures import INTERVAL_NOTE, PERIOD_NOTE, both_figure, both_period
from zjtx_rules.render.docsite.markup import Links, both, e, expression, flag, table
from zjtx_rules.render.package_view import PackageView, period_until


# -- parameters and tables
def parameter(view: PackageView, links: Links, name: str) -> str:
    p = view.params[name]
    values = sorted(p.values, key=lambda v: v.from_)
    unit = unit_for(p.type, p.unit)
    rows = [
        [
            both_period(v.from_, period_until(v.until, values[i + 1].from_ if i + 1 < len(values) else None)),
            f"<strong>{both_figure(v.value, p.type, unit)}</strong>",
            source_text(v.source) + (f" [{cite(view, links, v.refs)}]" if v.refs else ""),
            flag(v.assumption) + (f"<br>{both(v.note, v.note_en)}" if v.note else ""),
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
        "<h2>取值历史 / Dated history</h2><p>每个取值自起始日起生效，至下一个取值生效前一天止；最后一个取值"
        "没有止期 / each value applies from its first day to the day before the next value starts; "
        "the last value has no end</p>"
        + table(
            ["适用期 / in force", "取值 / value", "来源 / source", "假设说明 / assumption note"],
            rows,
            "history",
        )
        + f'<p class="legend">{e(PERIOD_NOTE)}</p>'
        + used_by(view, links, name)
        + "</article>"
    )


def decision_table(view: PackageView, links: Links, name: str) -> str:
    t = view.tables[name]
    versions = sorted(t.versions, key=lambda v: v.from_)
    kinds = view.input_types(name)
    ranged = any(isinstance(r.get(i.name), dict) for v in versions for r in v.rows for i in t.inputs)
    parts = [
        f'<article id="table-{e(name)}" class="decision-table">',
        f'<p class="crumbs"><a href="{e(links.page("index"))}">索引 / index</a> · '
        "决策表 / decision table</p>",
        f"<h1>{both(t.title_zh, t.title_en)}</h1>",
        f'<p class="meta"><code>{e(name)}</code> · hit policy <code>{e(t.hit_policy)}</code> · result '
        f"<code>{e(t.result)}</code> · inputs: "
        + ", ".join(f"<code>{e(i.name)}</code> ({e(k)})" for i, k in zip(t.inputs, kinds, strict=True))
        + f" · <code>{e(view.files.get(name, ''))}</code></p>",
        "<p>命中规则 first：取第一条匹配的行；unique：至多一行匹配 / "
        "hit policy first: the first matching row "
        "applies; unique: at most one row matches</p>",
    ]
    if ranged:
        parts.append(f'<p class="legend">{e(INTERVAL_NOTE)}</p>')
    for i, ver in enumerate(versions):
        until = period_until(ver.until, versions[i + 1].from_ if i + 1 < len(versions) else None)
        parts.append(f"<h2>{both_period(ver.from_, until)} {flag(ver.assumption)}</h2>")
        parts.append(source_note(ver.source, cites=cite(view, links, ver.refs)))
        if ver.note:
            parts.append(f'<p class="note">{both(ver.note, ver.note_en)}</p>')
        rows = [
            [
                *row_cells(view, name, r),
                f"<strong>{both_figure(r.get('value'), t.result)}</strong>",
                flag(r.get("assumption") is True)
                + (f" {both(str(r.get('note', '')), str(r.get('note_en', '')))}" if r.get("note") else ""),
            ]
            for r in ver.rows
        ]
        if ver.default is not None:
            rows.append(
                ["<em>其他 / otherwise</em>"] * len(t.inputs)
                + [f"<strong>{both_figure(ver.default, t.result)}</strong>", ""]
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
    wording = name in view.fragments()
    crumb = "理由措辞 / reason wording" if wording else "派生值 / derived value"
    parts = [
        f'<article id="derived-{e(name)}" class="derived">',
        f'<p class="crumbs"><a href="{e(links.page("index"))}">索引 / index</a> · {crumb}</p>',
        f"<h1>{both(d.title_zh or d.title_en or name, d.title_en if d.title_zh else '')}</h1>",
        f'<p class="meta"><code>{e(name)}</code> · <code>{e(view.files.get(name, ""))}</code></p>',
    ]
    if wording:
        parts.append(
            '<p class="note">只是理由文字中的一段措辞，填入理由模板的〈…〉处；不影响任何结论 / only a piece '
            "of wording that fills a slot of a reason text; it decides no result</p>"
        )
    parts.append(expression(d.expr, links, kinds_of(view)))
    if d.note:
        parts.append(f'<p class="note">{e(d.note)}</p>')
    if d.assumptions:
        parts.append("<h2>规则取舍 / Rule choices</h2>")
        parts.append(
            '<ul class="refs">'
            + "".join(
                f'<li><a href="{e(links.item("choice", a))}"><code>{e(a)}</code></a> '
                f"{e(view.choices[a].value_zh if a in view.choices else '')}</li>"
                for a in d.assumptions
            )
            + "</ul>"
        )
    parts.append("<h2>引用 / What it reads</h2>")
    for kind in ("param", "table", "derived", "fact", "measure"):
        if reads.get(kind):
            zh, en = KIND_TITLES[kind]
            parts.append(f"<h3>{zh} / {en}</h3>{ref_list(view, links, kind, reads[kind])}")
    if wording:
        users = view.template_users(name)
        parts.append("<h2>用于理由 / Worded into the reasons of</h2>")
        parts.append(ref_list(view, links, "measure", users))
    else:
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
