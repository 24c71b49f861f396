"""The clause pages of the rules document: the index of clauses and one page per measure.

Each function returns one ``<article>`` (escaped markup) whose id is the anchor the print
document uses, so the same section serves as a page of the site and as a chapter of
``all.html``. Everything shown comes from the loaded package view.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from zjtx_rules.package.spec import MeasureSpec
from zjtx_rules.quality.cases import Case
from zjtx_rules.render.docsite.common import (
    KIND_TITLES,
    assumption_table,
    benefit,
    cite,
    kinds_of,
    ref_list,
    show_amount,
    slots,
    source_note,
)
from zjtx_rules.render.docsite.figures import period
from zjtx_rules.render.docsite.markup import Links, both, e, expression, flag, sentence, table
from zjtx_rules.render.docsite.registers import registers_of
from zjtx_rules.render.package_view import PackageView


# -- index
def index(view: PackageView, links: Links) -> str:
    p = view.policy
    last = p.valid_to + timedelta(days=1)  # valid_to is the policy period's last day (inclusive)
    parts = [
        '<article id="page-index" class="index">',
        f"<h1>{both(p.title_zh, p.title_en)}</h1>",
        f'<p class="meta">{both(p.issuer_zh, p.issuer_en)}</p>',
        f'<p class="meta">版本 / version <code>{e(p.version)}</code> · '
        f"{e(p.period_name_zh)} / {e(p.period_name_en)} "
        f"{e(period(p.valid_from, last, 'zh'))} / {e(period(p.valid_from, last, 'en'))} · "
        f"sha256 <code>{e(view.rules.sha256[:16])}</code></p>",
    ]
    if p.note_zh:
        parts.append(f'<p class="note">{both(p.note_zh, p.note_en)}</p>')
    parts.append(_nav_list(view, links))
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
                    benefit(m.benefit, view),
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
    wording = view.fragments()
    derived = [n for n in view.derived if n not in wording]
    for kind, names in (("derived", derived), ("param", list(view.params)), ("table", list(view.tables))):
        zh, en = KIND_TITLES[kind]
        parts.append(f"<h2>{zh} / {en} ({len(names)})</h2>")
        parts.append(ref_list(view, links, kind, names))
    if wording:
        parts.append(
            f"<h2>理由措辞 / Reason wording ({len(wording)})</h2><p>只填入理由文字、不影响结论的文字片段 / "
            "text that only fills a slot of a reason and decides no result</p>"
        )
        parts.append(ref_list(view, links, "derived", wording))
    parts.append("</article>")
    return "".join(parts)


def _nav_list(view: PackageView, links: Links) -> str:
    items = [(r.name, r.title_zh, r.title_en) for r in registers_of(view)]
    items.append(("all", "全文（打印用）", "the whole document, for printing"))
    lis = "".join(f'<li><a href="{e(links.page(page))}">{e(zh)} / {e(en)}</a></li>' for page, zh, en in items)
    return f'<ul class="pages">{lis}</ul>'


# -- measures
def measure(view: PackageView, links: Links, mid: str) -> str:
    m = view.measures[mid]
    kinds = kinds_of(view)
    parts = [
        f'<article id="measure-{e(mid)}" class="measure">',
        f'<p class="crumbs"><a href="{e(links.page("index"))}">索引 / index</a> · {e(m.section_zh)}</p>',
        f'<h1><span class="clause">{e(view.policy.clause_label(m.clause, "zh"))}</span> '
        f"{both(m.title_zh, m.title_en)}</h1>",
        f'<p class="meta">id <code>{e(mid)}</code> · {benefit(m.benefit, view)} · 责任单位 / units: '
        f"{e('、'.join(m.responsible_units))} · <code>{e(view.files.get(mid, ''))}</code></p>",
        f'<p class="meta">对象 / audience: {both(m.audience_zh, m.audience_en)}</p>',
        "<h2>原文 / Clause text</h2>",
        f'<blockquote class="quote" lang="zh">{e(m.quote)}</blockquote>',
    ]
    if m.note:
        parts.append(f'<p class="note">{e(m.note)}</p>')
    parts.append(_conditions(view, links, mid, kinds))
    if m.outputs:
        parts.append(_outputs(links, mid, m, kinds))
    parts.append(_what_it_reads(view, links, mid))
    if m.details:
        parts.append(_details(view, links, m))
    parts.append(_measure_assumptions(view, links, mid))
    parts.append(_measure_cases(view, mid))
    parts.append("</article>")
    return "".join(parts)


def _conditions(view: PackageView, links: Links, mid: str, kinds: dict[str, str]) -> str:
    fills = slots(view, links)
    parts = ["<h2>条件 / Conditions</h2><p>全部满足才符合 / eligible only when every condition holds</p>"]
    parts.append('<ol class="conditions">')
    for c in view.measures[mid].conditions:
        said = sentence(c.pass_zh, c.pass_en, fills)
        parts.append(
            f'<li id="measure-{e(mid)}-cond-{e(c.id)}"><p class="sentence">{said}'
            f' <code class="cid">{e(c.id)}</code></p>{expression(c.expr, links, kinds)}</li>'
        )
    parts.append("</ol>")
    return "".join(parts)


def _outputs(links: Links, mid: str, m: MeasureSpec, kinds: dict[str, str]) -> str:
    parts = [
        "<h2>输出与公式 / Outputs and formulas</h2><p>按顺序计算，后面的公式可用前面的输出 / "
        'computed in order; a formula may use the outputs above it</p><dl class="outputs">'
    ]
    local = {**kinds, **dict.fromkeys(m.outputs, "")}
    for n, o in m.outputs.items():
        rounding = f" · {e(o.rounding)}" if o.type in ("money", "int", "money_by_year") else ""
        parts.append(
            f'<dt id="measure-{e(mid)}-out-{e(n)}"><code>{e(n)}</code> · {both(o.title_zh, o.title_en)} '
            f'<span class="meta">({e(o.type)}{rounding})</span></dt>'
            f"<dd>{expression(o.expr, links, local)}</dd>"
        )
    parts.append("</dl>")
    return "".join(parts)


def _what_it_reads(view: PackageView, links: Links, mid: str) -> str:
    """What a measure reads, by kind: directly, and through derived values."""
    reads = view.reads.get(mid, {})
    closure = view.closure(mid)
    parts = ["<h2>引用 / What it reads</h2>"]
    wording = set(view.fragments())
    for kind in ("param", "table", "derived", "fact", "measure"):
        direct = reads.get(kind, set()) - wording
        via = closure.get(kind, set()) - direct - {mid} - wording
        if not direct and not via:
            continue
        zh, en = KIND_TITLES[kind]
        parts.append(f"<h3>{zh} / {en}</h3>{ref_list(view, links, kind, direct)}")
        if via:
            parts.append(
                f'<p class="via">经派生值 / through derived values:</p>{ref_list(view, links, kind, via)}'
            )
    return "".join(parts)


def _details(view: PackageView, links: Links, m: MeasureSpec) -> str:
    parts = ["<h2>细则 / Details</h2>"]
    for d in m.details:
        parts.append(
            f'<section class="detail"><h3>{both(d.title_zh, d.title_en)} {flag(d.assumption)}</h3>'
            f"<p>{both(d.text_zh, d.text_en)}</p>"
            + source_note(d.source, cites=cite(view, links, d.refs))
            + "</section>"
        )
    return "".join(parts)


def _measure_assumptions(view: PackageView, links: Links, mid: str) -> str:
    mine = [a for a in view.assumptions() if mid in a.measures]
    return (
        f"<h2>假设 / Assumptions ({len(mine)})</h2>"
        "<p>结论可能依据的假设数字和规则取舍（含经派生值、决策表）/ "
        "the assumed figures and rule choices its result can rest on "
        "(also through derived values and tables)</p>"
    ) + (assumption_table(view, links, mine, signoff=False) if mine else '<p class="none">—</p>')


def _measure_cases(view: PackageView, mid: str) -> str:
    """The test cases that expect something of a measure, with what they expect."""
    cases = view.cases_for(mid)
    head = f"<h2>测试用例 / Test cases ({len(cases)})</h2>"
    if not cases:
        return head + '<p class="none">没有覆盖此措施的测试用例 / no test case covers this measure</p>'
    rows = []
    for case in cases:
        exp = case.spec.expect[mid]
        amounts = "<br>".join(f"<code>{e(k)}</code> = {e(show_amount(v))}" for k, v in exp.amounts.items())
        missing = ", ".join(exp.missing) if exp.missing else ""
        rows.append(
            [
                e(case.spec.name),
                e(case.spec.as_of.isoformat()),
                f'<span class="status {e(exp.status or "")}">{e(exp.status or "—")}</span>',
                amounts or "—",
                e(missing) or "—",
                case_file(view, case),
            ]
        )
    columns = [
        "用例 / case",
        "日期 / as of",
        "期望 / expected",
        "金额 / amounts",
        "缺少 / missing",
        "文件 / file",
    ]
    return head + table(columns, rows, "cases")


def case_file(view: PackageView, case: Case) -> str:
    """Where a case is, relative to the package folder (never an install path), with the
    profile file it reads."""
    loc = case.location
    text = _in_package(view, case.source.path) + (f":{loc.line}" if loc.line else "")
    out = f"<code>{e(text)}</code>"
    profile = getattr(case.spec, "profile_file", None)
    if profile:
        shown = _in_package(view, case.source.path.parent / profile)
        out += f"<br>企业信息 / profile: <code>{e(shown)}</code>"
    return out


def _in_package(view: PackageView, path: Path) -> str:
    root = view.rules.root.resolve()
    full = path.resolve()
    return full.relative_to(root).as_posix() if full.is_relative_to(root) else full.name
