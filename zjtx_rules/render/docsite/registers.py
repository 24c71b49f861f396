"""Register pages of the rules document: tier criteria by period, the assumptions register
(with a blank sign-off column for printing) and the dependency view.

Each is a function ``(view, links) -> article`` listed in ``docsite.REGISTERS``, which puts
it in the navigation, on the index and in the print document. A sources page (the package's
register of the documents it cites) belongs here too, as ``sources(view, links)`` with an
``<article id="page-sources">`` and one anchor ``source-ID`` per source, listed in
``REGISTERS``; ``common.source_text`` is where citations would link to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zjtx_rules.render.docsite import reference
from zjtx_rules.render.docsite.common import (
    assumption_table,
    cite,
    criterion_threshold,
    kinds_of,
    source_note,
    source_text,
)
from zjtx_rules.render.docsite.figures import PERIOD_NOTE, both_period
from zjtx_rules.render.docsite.graph import dependency_svg
from zjtx_rules.render.docsite.markup import Links, both, e, expression, flag, link, table
from zjtx_rules.render.package_view import PackageView


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
    periods = [(b, bounds[i + 1] if i + 1 < len(bounds) else None) for i, b in enumerate(bounds)]
    for tid, t in view.tiers.items():
        parts.append(
            f'<section id="tier-{e(tid)}"><h2>{e(str(t.order))}. {both(t.title_zh, t.title_en)}</h2>'
        )
        parts.append(f"<p>已持有 / held when:</p>{expression(t.held, links, kinds)}")
        parts.append(source_note(t.source, cites=cite(view, links, t.refs)))
        head = ["标准 / criterion", "检验 / test", "来源 / source"] + [both_period(a, b) for a, b in periods]
        rows = []
        for c in t.criteria:
            test = f"{c.actual} {c.op} {c.required}" if c.actual and c.op else c.expr
            if c.or_expr:
                test = f"({test}) or ({c.or_expr})"
            own = ""
            if c.valid_from or c.valid_until:
                own = (
                    '<br><span class="period-note">适用期 / in force: '
                    f"{both_period(c.valid_from, c.valid_until)}</span>"
                )
            cells = [
                f"{both(c.title_zh, c.title_en)} <code>{e(c.id)}</code> {flag(c.assumption)}"
                + own
                + (f'<br><span class="note">{both(c.note, c.note_en)}</span>' if c.note else ""),
                expression(test, links, kinds, 40),
                source_text(c.source) + (f" [{cite(view, links, c.refs)}]" if c.refs else ""),
            ]
            for start, _end in periods:
                active = (c.valid_from is None or c.valid_from <= start) and (
                    c.valid_until is None or start < c.valid_until
                )
                threshold = criterion_threshold(view, c, start) if active else ""
                if not active:
                    cells.append('<span class="not-in-force">—</span>')
                elif threshold:  # the threshold in force then
                    alt = '<br><span class="or">或另一条件 / or the alternative</span>' if c.or_expr else ""
                    cells.append(f'<span class="in-force">{threshold}</span>{alt}')
                else:
                    cells.append('<span class="in-force">✓</span>')
            rows.append(cells)
        parts.append(table(head, rows, "criteria"))
        parts.append("</section>")
    parts.append(
        "<p>门槛值或 ✓：该时期适用；—：不适用 / the threshold or ✓: in force in that period; —: not in "
        f'force</p><p class="legend">{e(PERIOD_NOTE)}</p></article>'
    )
    return "".join(parts)


def assumptions(view: PackageView, links: Links) -> str:
    items = view.assumptions()
    figures = [a for a in items if a.kind != "choice"]
    choices = [a for a in items if a.kind == "choice"]
    return (
        '<article id="page-assumptions" class="register">'
        f'<p class="crumbs"><a href="{e(links.page("index"))}">索引 / index</a></p>'
        "<h1>假设登记表 / Assumptions register</h1>"
        f"<p>政策原文未写明、由规则包假设的数字或规则选择，共 {len(items)} 项（数字 {len(figures)} 项，"
        f"规则取舍 {len(choices)} 项）；每项核准后请签字 / {len(items)} figures or rule choices the plan "
        f"does not state ({len(figures)} figures, {len(choices)} rule choices); sign each when it is "
        "confirmed.</p>"
        f"<h2>一、假设的数字 / Assumed figures ({len(figures)})</h2>"
        + assumption_table(view, links, figures, signoff=True)
        + f"<h2>二、规则取舍 / Rule choices ({len(choices)})</h2>"
        "<p>原文留有解释余地、本规则包自行选定的读法；影响所列措施和标准的结论 / readings of the plan that "
        "the text leaves open; they can decide the results of the measures and tiers listed</p>"
        + assumption_table(view, links, choices, signoff=True, numbered_from=len(figures) + 1)
        + "</article>"
    )


def dependencies(view: PackageView, links: Links) -> str:
    rows = []
    for mid, m in view.measures.items():
        reads = view.reads.get(mid, {})
        cells = [f"{e(m.clause)} {link(links, 'measure', mid)}"]
        for kind in ("derived", "param", "table", "measure"):
            cells.append(" ".join(link(links, kind, n) for n in sorted(reads.get(kind, set()))) or "—")
        choices = sorted(view.closure(mid)["choice"] & set(view.choices))
        cells.append(" ".join(link(links, "choice", c) for c in choices) or "—")
        rows.append(cells)
    return (
        '<article id="page-dependencies" class="dependencies">'
        f'<p class="crumbs"><a href="{e(links.page("index"))}">索引 / index</a></p>'
        "<h1>依赖关系 / What each measure reads</h1>"
        "<p>左：措施（按条款顺序）；中：派生值；右：参数与决策表。/ Left: measures in clause order; middle: "
        "derived values; right: parameters and decision tables.</p>"
        + dependency_svg(view, links)
        + table(
            [
                "措施 / measure",
                "派生值 / derived",
                "参数 / parameters",
                "决策表 / tables",
                "措施 / measures",
                "规则取舍（含经派生值）/ rule choices (also through derived values)",
            ],
            rows,
            "deps",
        )
        + "</article>"
    )


_CONFIDENCE = {
    "read_verbatim": ("原文逐字读到", "read word for word"),
    "second_hand": ("二手或不完整", "second-hand or partial"),
    "not_found": ("未找到", "not found"),
}


def sources(view: PackageView, links: Links) -> str:
    """The sources register: every public document the package cites, how to find it and
    how surely it was read, one anchor ``source-ID`` each (citations elsewhere link here)."""
    parts = [
        '<article id="page-sources" class="sources">',
        f'<p class="crumbs"><a href="{e(links.page("index"))}">索引 / index</a></p>',
        "<h1>来源登记 / Sources register</h1>",
        "<p>规则所依据的每一份公开文件；“可信程度”说明我们读到的程度。 / Every public document"
        " the rules rest on; the confidence column says how surely it was read.</p>",
    ]
    rows = []
    for sid, s in view.sources.items():
        title = both(f"《{s.title_zh}》", s.title_en) if s.title_en else e(f"《{s.title_zh}》")
        issuer = both(s.issuer_zh, s.issuer_en) if s.issuer_en else e(s.issuer_zh)
        dates = []
        if s.issued_on:
            dates.append(f"发布 / issued {s.issued_on.isoformat()}")
        if s.in_force_from:
            dates.append(f"施行 / in force {s.in_force_from.isoformat()}")
        # addresses as text: the site stays self-contained (no link leaves it), and prints whole
        where = [f'<code class="url">{e(s.url)}</code>'] if s.url else []
        where += [f'转载 / copy: <code class="url">{e(u)}</code>' for u in s.copies]
        zh, en = _CONFIDENCE[s.confidence]
        note = both(s.note_zh, s.note_en) if s.note_en else e(s.note_zh)
        rows.append(
            [
                f'<span id="source-{e(sid)}"></span>{title}<br><code>{e(sid)}</code>',
                e(s.number) or "—",
                issuer or "—",
                "<br>".join(dates) or "—",
                "<br>".join(where) or "—",
                f"<strong>{both(zh, en)}</strong><br>{note}",
            ]
        )
    head = [
        "文件 / document",
        "文号 / number",
        "发文单位 / issuer",
        "日期 / dates",
        "公开地址 / address",
        "可信程度 / confidence",
    ]
    parts.append(table(head, rows))
    parts.append("</article>")
    return "".join(parts)


def _always(_view: PackageView) -> bool:
    return True


def _has_tiers(view: PackageView) -> bool:
    return bool(view.tiers)  # a package without tiers gets no empty tiers page


def _has_sources(view: PackageView) -> bool:
    return bool(view.sources)


@dataclass(frozen=True)
class Register:
    """A single page of the site beside the clause and reference pages: in the top
    navigation (``nav_*``), on the index (``title_*``), and a chapter of the print document."""

    name: str  # the file stem (NAME.html) and the print anchor (page-NAME)
    title_zh: str
    title_en: str
    nav_zh: str
    nav_en: str
    build: Callable[[PackageView, Links], str]
    shown: Callable[[PackageView], bool] = _always  # e.g. only when the package has the data


# in navigation and print order; a sources page is one more entry here
REGISTERS = (
    Register(
        "tiers", "梯度培育标准（按时期）", "tier criteria by period", "标准", "tiers", tiers, _has_tiers
    ),
    Register("assumptions", "假设登记表", "assumptions register", "假设", "assumptions", assumptions),
    Register("dependencies", "依赖关系图", "dependency view", "依赖", "dependencies", dependencies),
    Register("facts", "企业信息", "facts", "企业信息", "facts", reference.facts),
    Register("sources", "来源登记", "sources register", "来源", "sources", sources, _has_sources),
)


def registers_of(view: PackageView) -> list[Register]:
    """The register pages this package has."""
    return [r for r in REGISTERS if r.shown(view)]
