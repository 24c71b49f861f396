"""Pieces shared by the pages of the rules document: names, reference lists, registers."""

from __future__ import annotations

import re
from typing import Any

from zjtx_rules.render.docsite.figures import PERIOD_NOTE, both_figure, both_period, interval
from zjtx_rules.render.docsite.markup import Links, Slot, both, e, link, table
from zjtx_rules.render.package_view import Assumption, PackageView, show_value

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


def benefit(code: str, view: PackageView) -> str:
    """A benefit kind by the package's label for it (or the default kinds' labels)."""
    zh, en = view.policy.benefit_kinds().get(code, (code, code))
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
    kind = view.kind_of(name)
    derived = [d for d, r in view.reads.items() if d in view.derived and name in r.get(kind, set())]
    tiers = view.tier_readers(name)
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


def source_text(text: str) -> str:
    """A source as markup. Every source the document shows passes through here, so that a
    sources register (each source cited by id) can turn its citations into links to the
    sources page in one place."""
    return e(text)


def cite(view: PackageView, links: Links, refs: Any) -> str:
    """Links to the sources page for each register id cited: the document's number, or its
    title when it has none."""
    out = []
    for sid in refs or ():
        s = view.sources.get(sid)
        label = (s.number or f"《{s.title_zh}》") if s is not None else sid
        out.append(f'<a class="cite" href="{e(links.item("source", sid))}">{e(label)}</a>')
    return " ".join(out)


def source_note(text: str, inline: bool = False, cites: str = "") -> str:
    """A "来源 / source" line (a paragraph, or a span inside a cell) with its citations
    (``cite``); "" without a source."""
    if not text and not cites:
        return ""
    tag = "span" if inline else "p"
    body = source_text(text) + (f" [{cites}]" if cites else "")
    return f'<{tag} class="source">来源 / source: {body}</{tag}>'


def row_cells(view: PackageView, table: str, row: dict[str, Any]) -> list[str]:
    """A decision-table row's input cells as conditions people read (markup, one per input):
    ``≥ 30%``, ``25%–30%``, ``< 10%`` (see ``INTERVAL_NOTE``), 是/否, an enum's label."""
    t = view.tables[table]
    out = []
    for i, (inp, kind) in enumerate(zip(t.inputs, view.input_types(table), strict=True)):
        cell = row.get(inp.name, "*")
        if cell == "*" or cell is None:
            out.append('<span class="any">任意 / any</span>')
        elif isinstance(cell, dict):
            zh, en = interval(cell, kind, "zh"), interval(cell, kind, "en")
            out.append(e(zh) if zh == en else both(zh, en))
        elif inp.type == "enum":
            labels_zh, labels_en = view.input_labels(table, i)
            value = str(cell)
            if value in labels_zh or value in labels_en:
                shown = both(labels_zh.get(value, value), labels_en.get(value, ""))
                out.append(f'{shown} <code class="value">{e(value)}</code>')
            else:
                out.append(e(value))
        else:
            out.append(both_figure(cell, kind))
    return out


def slots(view: PackageView, links: Links) -> dict[str, Slot]:
    """What can fill a reason template's ``{name}``: facts, parameters and derived values."""
    out: dict[str, Slot] = {}
    for n, f in view.facts.items():
        out[n] = Slot(f.label_zh, f.label_en or f.label_zh, links.item("fact", n))
    for n, p in view.params.items():
        out[n] = Slot(p.title_zh, p.title_en or p.title_zh, links.item("param", n))
    for n, d in view.derived.items():
        zh, en = d.title_zh or d.title_en, d.title_en or d.title_zh
        out[n] = Slot(zh, en, links.item("derived", n))
    return out


def affects(view: PackageView, links: Links, a: Assumption) -> str:
    """The measures (by clause, linked) and tiers whose result can rest on an assumption."""
    parts = []
    if a.measures:
        nums = "、".join(
            f'<a href="{e(links.item("measure", m))}" title="{e(view.measures[m].title_zh)}">'
            f"{e(view.measures[m].clause)}</a>"
            for m in a.measures
        )
        label = view.policy.clause_label("\0", "zh").split("\0")
        parts.append(f"{label[0]}{nums}{label[-1]}" if len(label) == 2 else nums)
    if a.tiers:
        tiers = (f'<a href="{e(links.item("tier", t))}">{e(view.tiers[t].title_zh)}</a>' for t in a.tiers)
        parts.append("梯度标准 / tiers: " + "、".join(tiers))
    return "<br>".join(parts) or "—"


CHOICE_TITLE = ("规则取舍", "rule choice")


def _item(view: PackageView, links: Links, a: Assumption) -> str:
    if a.kind in ("param", "table", "measure"):
        subject = link(links, a.kind, a.subject)
    elif a.kind == "criterion":
        subject = f'<a href="{e(links.item("tier", a.subject))}"><code>{e(a.key.split(":")[-1])}</code></a>'
    else:  # a rule choice: its row in the register
        ref = f'<a href="{e(links.item("choice", a.subject))}"><code>{e(a.subject)}</code></a>'
        return f"{ref}<br>{both(*CHOICE_TITLE)}"
    title = both(a.title if a.row is None else view.tables[a.subject].title_zh, a.title_en)
    if a.row is not None:  # an assumed row: named by its input cells, as the table prints them
        title += '<br><span class="row">' + "；".join(row_cells(view, a.subject, a.row)) + "</span>"
    return f"{subject}<br>{title}"


def _figure(view: PackageView, a: Assumption) -> str:
    if a.kind == "choice":
        return both(a.value, a.value_en)
    if a.figure is None:
        return "整表 / the whole table" if a.kind == "table" else "—"
    if a.kind == "criterion":
        tier = view.tiers[a.subject]
        crit = next(c for c in tier.criteria if f"criterion:{a.subject}:{c.id}" == a.key)
        return criterion_threshold(view, crit, a.start) or e(str(a.figure))
    unit = view.params[a.subject].unit if a.kind == "param" else ""
    return both_figure(a.figure, a.figure_type, unit_for(a.figure_type, unit))


def unit_for(kind: str, unit: str) -> str:
    """A parameter's unit as printed after its value (money and ratios carry their own)."""
    return "" if kind in ("money", "ratio") else unit


def criterion_threshold(view: PackageView, c: Any, day: Any) -> str:
    """A numeric criterion's threshold as markup (``≥ 2000万元``), with the value of a
    threshold parameter in force on ``day``; "" when the threshold is not a plain figure."""
    if not (c.actual and c.op and c.required):
        return ""
    op = {">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< "}[c.op]
    kind = "ratio" if c.format == "percent" else c.format
    if c.required in view.params:
        p = view.params[c.required]
        value = view.rules.params[c.required].at(day or view.policy.valid_from)
        if value is None:
            return "—"
        return both_figure(value, kind if kind != "number" else p.type, unit_for(p.type, p.unit), op)
    if re.fullmatch(r"-?\d+(\.\d+)?", c.required.replace("_", "")):
        return both_figure(c.required.replace("_", ""), kind, prefix=op)
    return ""


def assumption_table(
    view: PackageView, links: Links, items: list[Assumption], signoff: bool, numbered_from: int = 1
) -> str:
    """Assumptions as rows: the item, the assumed figure or reading, its period, note and
    source, and (in the register) what it affects and a blank sign-off cell."""
    rows = []
    for i, a in enumerate(items, numbered_from):
        dated = a.kind != "choice" and a.kind != "measure"
        note = both(a.note, a.note_en)
        if a.source or a.refs:
            note += "<br>" + source_note(a.source, inline=True, cites=cite(view, links, a.refs))
        anchor = f'<span id="choice-{e(a.subject)}"></span>' if signoff and a.kind == "choice" else ""
        row = [
            f"{anchor}{i}",
            _item(view, links, a),
            f"<strong>{_figure(view, a)}</strong>",
            both_period(a.start, a.until) if dated else "—",
            note,
        ]
        if signoff:
            row.append(affects(view, links, a))
            row.append('<span class="signoff"></span>')
        rows.append(row)
    head = ["#", "项 / item", "假设值或读法 / figure or reading", "适用期 / in force", "说明 / note"]
    if signoff:
        head += ["影响的措施、标准 / affects", "核准签字、日期 / signed off (name, date)"]
    return table(head, rows, "assumptions") + f'<p class="legend">{e(PERIOD_NOTE)}</p>'
