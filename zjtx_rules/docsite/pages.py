"""The sections of the rules document: one function per kind of page.

Each function returns one ``<article>`` (escaped markup) whose id is the anchor the print
document uses, so the same section serves as a page of the site and as a chapter of
``all.html``. Everything shown comes from the loaded package view.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..package_view import Assumption, PackageView, show_value
from .graph import dependency_svg
from .markup import Links, both, e, expression, flag, link, table

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


def _benefit(code: str) -> str:
    zh, en = BENEFITS.get(code, (code, code))
    return both(zh, en)


def _title(view: PackageView, kind: str, name: str) -> str:
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


def _ref_list(view: PackageView, links: Links, kind: str, names: set[str] | list[str]) -> str:
    items = [f"<li>{link(links, kind, n)} {e(_title(view, kind, n))}</li>" for n in sorted(names)]
    return f'<ul class="refs">{"".join(items)}</ul>' if items else '<p class="none">—</p>'


# -- index
def index(view: PackageView, links: Links) -> str:
    p = view.policy
    parts = [
        '<article id="page-index" class="index">',
        f"<h1>{both(p.title_zh, p.title_en)}</h1>",
        f'<p class="meta">{both(p.issuer_zh, p.issuer_en)}</p>',
        f'<p class="meta">版本 / version <code>{e(p.version)}</code> · 受理期 / applications '
        f"{e(p.valid_from.isoformat())} – {e(p.valid_to.isoformat())} · "
        f"sha256 <code>{e(view.rules.sha256[:16])}</code></p>",
    ]
    if p.note_zh:
        parts.append(f'<p class="note">{both(p.note_zh, p.note_en)}</p>')
    parts.append(_nav_list(links))
    sections: dict[str, list[str]] = {}
    for mid, m in view.measures.items():
        sections.setdefault(m.section_zh or "—", []).append(mid)
    parts.append(f"<h2>条款索引 / Index of the clauses ({len(view.measures)})</h2>")
    for section, mids in sections.items():
        rows = []
        for mid in mids:
            m = view.measures[mid]
            outs = "<br>".join(e(o.title_zh or n) for n, o in m.outputs.items())
            rows.append(
                [
                    f'<span class="clause">{e(m.clause)}</span>',
                    f'<a href="{e(links.item("measure", mid))}">{both(m.title_zh, m.title_en)}</a>',
                    _benefit(m.benefit),
                    both(m.audience_zh, m.audience_en),
                    e("、".join(m.responsible_units)),
                    outs or "—",
                ]
            )
        parts.append(f"<h3>{e(section)}</h3>")
        parts.append(
            table(
                [
                    "条 / clause",
                    "措施 / measure",
                    "类型 / benefit",
                    "对象 / audience",
                    "责任单位 / units",
                    "输出 / outputs",
                ],
                rows,
                "clauses",
            )
        )
    for kind, store in (("derived", view.derived), ("param", view.params), ("table", view.tables)):
        zh, en = KIND_TITLES[kind]
        parts.append(f"<h2>{zh} / {en} ({len(store)})</h2>")
        parts.append(_ref_list(view, links, kind, list(store)))
    parts.append("</article>")
    return "".join(parts)


def _nav_list(links: Links) -> str:
    items = [
        ("tiers", "梯度培育标准（按时期）", "tier criteria by period"),
        ("assumptions", "假设登记表", "assumptions register"),
        ("dependencies", "依赖关系图", "dependency view"),
        ("facts", "企业信息", "facts"),
        ("all", "全文（打印用）", "the whole document, for printing"),
    ]
    lis = "".join(f'<li><a href="{e(links.page(page))}">{e(zh)} / {e(en)}</a></li>' for page, zh, en in items)
    return f'<ul class="pages">{lis}</ul>'


# -- measures
def measure(view: PackageView, links: Links, mid: str) -> str:
    m = view.measures[mid]
    kinds = kinds_of(view)
    reads = view.reads.get(mid, {})
    closure = view.closure(mid)
    parts = [
        f'<article id="measure-{e(mid)}" class="measure">',
        f'<p class="crumbs"><a href="{e(links.page("index"))}">索引 / index</a> · {e(m.section_zh)}</p>',
        f'<h1><span class="clause">第{e(m.clause)}条</span> {both(m.title_zh, m.title_en)}</h1>',
        f'<p class="meta">id <code>{e(mid)}</code> · {_benefit(m.benefit)} · 责任单位 / units: '
        f"{e('、'.join(m.responsible_units))} · <code>{e(view.files.get(mid, ''))}</code></p>",
        f'<p class="meta">对象 / audience: {both(m.audience_zh, m.audience_en)}</p>',
        "<h2>原文 / Clause text</h2>",
        f'<blockquote class="quote" lang="zh">{e(m.quote)}</blockquote>',
    ]
    if m.note:
        parts.append(f'<p class="note">{e(m.note)}</p>')
    parts.append("<h2>条件 / Conditions</h2><p>全部满足才符合 / eligible only when every condition holds</p>")
    parts.append('<ol class="conditions">')
    for c in m.conditions:
        parts.append(
            f'<li id="measure-{e(mid)}-cond-{e(c.id)}"><p class="sentence">{both(c.pass_zh, c.pass_en)}'
            f' <code class="cid">{e(c.id)}</code></p>{expression(c.expr, links, kinds)}</li>'
        )
    parts.append("</ol>")
    if m.outputs:
        parts.append(
            "<h2>输出与公式 / Outputs and formulas</h2><p>按顺序计算，后面的公式可用前面的输出 / "
            'computed in order; a formula may use the outputs above it</p><dl class="outputs">'
        )
        local = {**kinds, **dict.fromkeys(m.outputs, "")}
        for n, o in m.outputs.items():
            rounding = f" · {e(o.rounding)}" if o.type in ("money", "int", "money_by_year") else ""
            parts.append(
                f'<dt id="measure-{e(mid)}-out-{e(n)}"><code>{e(n)}</code> · {both(o.title_zh, o.title_en)} '
                f'<span class="meta">({e(o.type)}{rounding})</span></dt>'
                f"<dd>{expression(o.expr, links, local)}</dd>"
            )
        parts.append("</dl>")
    parts.append("<h2>引用 / What it reads</h2>")
    for kind in ("param", "table", "derived", "fact", "measure"):
        direct = reads.get(kind, set())
        via = closure.get(kind, set()) - direct - {mid}
        if not direct and not via:
            continue
        zh, en = KIND_TITLES[kind]
        parts.append(f"<h3>{zh} / {en}</h3>{_ref_list(view, links, kind, direct)}")
        if via:
            parts.append(
                f'<p class="via">经派生值 / through derived values:</p>{_ref_list(view, links, kind, via)}'
            )
    if m.details:
        parts.append("<h2>细则 / Details</h2>")
        for d in m.details:
            parts.append(
                f'<section class="detail"><h3>{both(d.title_zh, d.title_en)} {flag(d.assumption)}</h3>'
                f"<p>{both(d.text_zh, d.text_en)}</p>"
                + (f'<p class="source">来源 / source: {e(d.source)}</p>' if d.source else "")
                + "</section>"
            )
    mine = [a for a in view.assumptions() if mid in a.measures]
    parts.append("<h2>假设 / Assumptions</h2>")
    parts.append(_assumption_table(view, links, mine, signoff=False) if mine else '<p class="none">—</p>')
    cases = view.cases_for(mid)
    parts.append(f"<h2>测试用例 / Test cases ({len(cases)})</h2>")
    if cases:
        rows = []
        for case in cases:
            exp = case.spec.expect[mid]
            amounts = "<br>".join(f"<code>{e(k)}</code> = {e(_show(v))}" for k, v in exp.amounts.items())
            missing = ", ".join(exp.missing) if exp.missing else ""
            rows.append(
                [
                    e(case.spec.name),
                    e(case.spec.as_of.isoformat()),
                    f'<span class="status {e(exp.status or "")}">{e(exp.status or "—")}</span>',
                    amounts or "—",
                    e(missing) or "—",
                    f"<code>{e(str(case.location))}</code>",
                ]
            )
        parts.append(
            table(
                [
                    "用例 / case",
                    "日期 / as of",
                    "期望 / expected",
                    "金额 / amounts",
                    "缺少 / missing",
                    "文件 / file",
                ],
                rows,
                "cases",
            )
        )
    else:
        parts.append('<p class="none">没有覆盖此措施的测试用例 / no test case covers this measure</p>')
    parts.append("</article>")
    return "".join(parts)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_show(v)}" for k, v in value.items())
    return show_value(value)


def _used_by(view: PackageView, links: Links, name: str) -> str:
    derived = [d for d, r in view.reads.items() if d in view.derived and any(name in s for s in r.values())]
    tiers = [t for t, spec in view.tiers.items() if name in _tier_names(spec)]
    parts = ["<h2>被引用 / Used by</h2>", _ref_list(view, links, "measure", view.readers(name))]
    if derived:
        parts.append(
            f'<p class="via">派生值 / derived values:</p>{_ref_list(view, links, "derived", derived)}'
        )
    if tiers:
        lis = "".join(
            f'<li><a href="{e(links.item("tier", t))}">{e(view.tiers[t].title_zh)}</a></li>' for t in tiers
        )
        parts.append(f'<p class="via">梯度标准 / tier criteria:</p><ul class="refs">{lis}</ul>')
    return "".join(parts)


def _tier_names(spec: Any) -> set[str]:
    import re

    texts = [spec.held] + [x for c in spec.criteria for x in (c.expr, c.actual, c.required, c.or_expr)]
    return {w for t in texts for w in re.findall(r"[a-z][a-z0-9_]*", t)}


def _period_end(froms: list[date], i: int, last: date) -> str:
    return froms[i + 1].isoformat() if i + 1 < len(froms) else f"({last.isoformat()})"


# -- parameters and tables
def parameter(view: PackageView, links: Links, name: str) -> str:
    p = view.params[name]
    values = sorted(p.values, key=lambda v: v.from_)
    froms = [v.from_ for v in values]
    rows = [
        [
            e(v.from_.isoformat()),
            e(_period_end(froms, i, view.policy.valid_to)),
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
        + _used_by(view, links, name)
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
            f"至 / until {e(_period_end(froms, i, view.policy.valid_to))}"
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
    parts.append(_used_by(view, links, name))
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
            parts.append(f"<h3>{zh} / {en}</h3>{_ref_list(view, links, kind, reads[kind])}")
    parts.append(_used_by(view, links, name))
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


def _assumption_table(view: PackageView, links: Links, items: list[Assumption], signoff: bool) -> str:
    rows = []
    for i, a in enumerate(items, 1):
        if a.kind in ("param", "table", "measure"):
            subject = link(links, a.kind, a.subject)
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


def assumptions(view: PackageView, links: Links) -> str:
    items = view.assumptions()
    return (
        '<article id="page-assumptions" class="register">'
        f'<p class="crumbs"><a href="{e(links.page("index"))}">索引 / index</a></p>'
        "<h1>假设登记表 / Assumptions register</h1>"
        f"<p>政策原文未写明、由规则包假设的数字或规则选择，共 {len(items)} 项；每项核准后请签字 / "
        f"{len(items)} figures or rule choices the plan does not state; sign each when it is confirmed.</p>"
        + _assumption_table(view, links, items, signoff=True)
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
