"""A decision letter: one enterprise's result as a page it can file (``zjtx evaluate --format html``).

At most two A4 pages, self-contained (inline CSS, no external loads), in zh or en. Page 1
opens with who (name, id), when (evaluation date), by which rules (package version and
fingerprint) and the cash total by year; then the cash by clause, loans and other support in
one list each, what is undetermined and which facts would settle it, every assumption the
figures rest on, and the responsible units. Figures come from the result's ``totals``
(``zjtx_rules.evaluate.totals``), never summed again here.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from zjtx_rules.evaluate.result import Evaluation, MeasureOutcome
from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.package.spec import FieldSpec
from zjtx_rules.render.text_report import headline_output, money

_T = {
    "zh": {
        "title": "政策享受测算告知书",
        "who": "企业",
        "id": "编号",
        "as_of": "评估日期",
        "rules": "规则版本",
        "total": "资金奖补合计",
        "assumed": "（含假设数字，见下文）",
        "by_year": "按年度",
        "year": "年度",
        "amount": "金额（元）",
        "unsplit": "未分年度",
        "by_clause": "资金奖补（按条款）",
        "loans": "贷款与融资支持",
        "other": "其他支持",
        "pending": "待确定事项",
        "settle": "补充以下信息即可判断",
        "assumptions": "测算所依据的假设",
        "units": "责任单位",
        "none": "无",
        "note": "本告知书依据所列规则版本对企业自报信息进行测算，仅供参考；以主管部门审核结果为准。",
        "yuan": "元",
    },
    "en": {
        "title": "Policy entitlement statement",
        "who": "Enterprise",
        "id": "ID",
        "as_of": "Evaluation date",
        "rules": "Rules",
        "total": "Cash total",
        "assumed": " (rests on assumed figures, listed below)",
        "by_year": "By year",
        "year": "Year",
        "amount": "Amount (CNY)",
        "unsplit": "not by year",
        "by_clause": "Cash by clause",
        "loans": "Loans and financing",
        "other": "Other support",
        "pending": "Undetermined",
        "settle": "these facts would settle it",
        "assumptions": "Assumptions the figures rest on",
        "units": "Responsible units",
        "none": "none",
        "note": "This statement applies the rules named above to the enterprise's own figures; "
        "it is indicative, and the responsible units' review decides.",
        "yuan": "CNY",
    },
}

_CSS = """
@page { size: A4; margin: 14mm 14mm 14mm 14mm; }
body { font: 10.5pt/1.45 "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif;
  color: #111; max-width: 182mm; margin: 0 auto; }
h1 { font-size: 15pt; margin: 0 0 4pt; } h2 { font-size: 11.5pt; margin: 10pt 0 3pt;
  border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; } td, th { padding: 1pt 4pt; text-align: left;
  vertical-align: top; border-bottom: 1px solid #ddd; } td.n, th.n { text-align: right;
  white-space: nowrap; }
.head td { border: 0; padding: 0 6pt 0 0; } .head td:first-child { white-space: nowrap; }
.total { font-size: 14pt; margin: 6pt 0; }
.total strong { font-size: 16pt; } ul { margin: 2pt 0; padding-left: 14pt; }
ul.cols { columns: 2; column-gap: 8mm; } li { break-inside: avoid; }
.small { font-size: 9pt; color: #444; }
"""


def fact_label(facts: Mapping[str, FieldSpec], path: str, lang: str) -> str:
    """A missing fact by its label (``talents.wage`` by the record's and the field's)."""
    head, _, rest = path.partition(".")
    spec = facts.get(head)
    if spec is None:
        return path
    label = (spec.label_zh if lang == "zh" else spec.label_en or spec.label_zh) or head
    if rest and spec.fields and rest in spec.fields:
        sub = spec.fields[rest]
        label += "·" + ((sub.label_zh if lang == "zh" else sub.label_en or sub.label_zh) or rest)
    return label


def render_letter(ev: Evaluation, rules: RuleSet, profile: Mapping[str, Any], lang: str = "zh") -> str:
    """The letter as one HTML document."""
    t, e = _T[lang], html.escape
    zh = lang == "zh"
    totals = ev.totals
    by_id = {m.id: m for m in ev.measures}
    name = profile.get("name") if isinstance(profile.get("name"), str) else None
    p = ev.policy
    parts = [
        f'<!doctype html><html lang="{"zh-CN" if zh else "en"}"><head><meta charset="utf-8">',
        f"<title>{e(t['title'])} — {e(name or ev.profile_id or '')}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{e(t['title'])}</h1>",
        '<table class="head">',
        f"<tr><td>{t['who']}</td><td><strong>{e(name or ev.profile_id or '—')}</strong></td></tr>",
        f"<tr><td>{t['id']}</td><td>{e(ev.profile_id or '—')}</td></tr>",
        f"<tr><td>{t['as_of']}</td><td>{ev.as_of.isoformat()}</td></tr>",
        f"<tr><td>{t['rules']}</td><td>{e(p['title_zh'] if zh else p['title_en'])} {e(p['version'])}"
        f' <span class="small">sha256 {e(p["sha256"][:16])}</span></td></tr></table>',
    ]
    for key in rules.policy.headline:
        if key == "cash":
            parts.append(
                f'<p class="total">{t["total"]}: <strong id="cash-total">{money(totals.cash, lang)}</strong>'
                f"{t['assumed'] if totals.cash_assumed else ''}</p>"
            )
        else:
            parts.append(f'<p class="total">{e(_headline(ev, rules, key, lang))}</p>')
    rows = [(str(y), v) for y, v in totals.cash_by_year.items()]
    if totals.cash_unsplit:
        rows.append((t["unsplit"], totals.cash_unsplit))
    if rows:
        parts.append(f'<table><tr><th>{t["year"]}</th><th class="n">{t["amount"]}</th></tr>')
        parts += [f'<tr><td>{e(y)}</td><td class="n">{v:,.2f}</td></tr>' for y, v in rows]
        parts.append("</table>")
    parts.append(f"<h2>{t['by_clause']}</h2>")
    parts.append(_cash_table(ev, rules, totals.cash_by_measure, lang))
    groups = totals.by_benefit
    loans = [by_id[m] for m in groups.get("loan", _EMPTY).eligible]
    other = [by_id[m] for k, g in groups.items() if k not in ("cash", "loan") for m in g.eligible]
    parts.append(f"<h2>{t['loans']}</h2>" + _list(loans, rules, lang, amounts=True))
    parts.append(f"<h2>{t['other']}</h2>" + _list(other, rules, lang, cols=True))
    pending = [m for m in ev.measures if m.status == "undetermined"]
    if pending:
        items = []
        for m in pending:
            facts = (
                "、".join(fact_label(rules.facts, f, lang) for f in m.missing)
                if zh
                else ", ".join(fact_label(rules.facts, f, lang) for f in m.missing)
            )
            items.append(
                f"<li>{e(rules.policy.clause_label(m.clause, lang))} {e(m.title_zh if zh else m.title_en)}"
                + (f"：{t['settle']}：{e(facts)}" if zh and facts else "")
                + (f": {t['settle']}: {e(facts)}" if not zh and facts else "")
                + "</li>"
            )
        parts.append(f"<h2>{t['pending']}</h2><ul>{''.join(items)}</ul>")
    parts.append(f"<h2>{t['assumptions']}</h2>" + _assumptions(ev, lang))
    parts.append(f"<h2>{t['units']}</h2>" + _units(ev, rules, lang))
    parts.append(f'<p class="small">{e(t["note"])}</p></body></html>\n')
    return "".join(parts)


class _Empty:
    eligible: tuple[str, ...] = ()
    undetermined: tuple[str, ...] = ()


_EMPTY = _Empty()


def _headline(ev: Evaluation, rules: RuleSet, key: str, lang: str) -> str:
    title, shown, status = headline_output(ev, rules, key, lang)
    return f"{title}: {shown} ({status})"


def _cash_table(ev: Evaluation, rules: RuleSet, by_measure: Mapping[str, Decimal], lang: str) -> str:
    t, e, zh = _T[lang], html.escape, lang == "zh"
    if not by_measure:
        return f"<p>{t['none']}</p>"
    rows = []
    for mid, amount in by_measure.items():
        m = ev.measure(mid)
        rows.append(
            f"<tr><td>{e(rules.policy.clause_label(m.clause, lang))}</td>"
            f"<td>{e(m.title_zh if zh else m.title_en)}</td>"
            f'<td class="n">{amount:,.2f}</td></tr>'
        )
    return f'<table><tr><th></th><th></th><th class="n">{t["amount"]}</th></tr>{"".join(rows)}</table>'


def _list(
    items: list[MeasureOutcome], rules: RuleSet, lang: str, amounts: bool = False, cols: bool = False
) -> str:
    t, e, zh = _T[lang], html.escape, lang == "zh"
    if not items:
        return f"<p>{t['none']}</p>"
    out = []
    for m in items:
        text = f"{e(rules.policy.clause_label(m.clause, lang))} {e(m.title_zh if zh else m.title_en)}"
        if amounts and m.amounts:
            spec = rules.program.by_id[m.id].spec
            shown = [
                f"{e(spec.outputs[n].title_zh if zh else spec.outputs[n].title_en)} "
                + (money(v, lang) if m.amount_types[n] == "money" else e(str(v)))
                for n, v in m.amounts.items()
            ]
            text += ("：" if zh else ": ") + ("；" if zh else "; ").join(shown)
        out.append(f"<li>{text}</li>")
    return f"<ul{' class=cols' if cols else ''}>{''.join(out)}</ul>"


def _assumptions(ev: Evaluation, lang: str) -> str:
    e, zh = html.escape, lang == "zh"
    seen: dict[str, str] = {}
    for m in ev.measures:
        if m.status == "ineligible":
            continue
        for a in m.assumptions:
            seen.setdefault(a.id, a.note_zh if zh else a.note_en or a.note_zh)
    for tier in ev.tiers:
        for a in tier.assumptions:
            seen.setdefault(a.id, a.note_zh if zh else a.note_en or a.note_zh)
    if not seen:
        return f"<p>{_T[lang]['none']}</p>"
    return '<ul class="small">' + "".join(f"<li>{e(note)}</li>" for note in seen.values()) + "</ul>"


def _units(ev: Evaluation, rules: RuleSet, lang: str) -> str:
    e, zh = html.escape, lang == "zh"
    units: dict[str, None] = {}
    for m in ev.measures:
        if m.status == "ineligible":
            continue
        spec = rules.program.by_id[m.id].spec
        names = spec.responsible_units if zh else (spec.responsible_units_en or spec.responsible_units)
        for u in names:
            units[u] = None
    return f"<p>{e(('、' if zh else ', ').join(units) or _T[lang]['none'])}</p>"
