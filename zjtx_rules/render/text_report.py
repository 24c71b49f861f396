"""The readable report of an evaluation (``zjtx evaluate --format text``), in zh or en."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from zjtx_rules.evaluate.result import Evaluation
from zjtx_rules.evaluate.ruleset import RuleSet

_STATUS = {
    "zh": {"eligible": "可享受", "ineligible": "不符合", "undetermined": "待确定"},
    "en": {"eligible": "ELIGIBLE", "ineligible": "not eligible", "undetermined": "UNDETERMINED"},
}
_TIER = {
    "zh": {
        "held": "已具备",
        "surpassed": "已具备更高层级",
        "ready": "已达标，可申报",
        "not_ready": "尚有差距",
        "undetermined": "信息不足",
    },
    "en": {
        "held": "held",
        "surpassed": "a higher tier is held",
        "ready": "meets the criteria",
        "not_ready": "gaps remain",
        "undetermined": "cannot tell yet",
    },
}
_CRIT = {"met": "✓", "missed": "✗", "unknown": "?"}
_REASON = {"pass": "✓", "fail": "✗", "unknown": "?"}


def money(v: Decimal, lang: str) -> str:
    """Money for a reader: ``1,344,386.50 元`` / ``CNY 1,344,386.50``."""
    text = f"{v:,.2f}"
    return f"{text} 元" if lang == "zh" else f"CNY {text}"


def _amount(value: Any, kind: str, lang: str) -> str:
    if kind == "money":
        return money(value, lang)
    if kind == "money_by_year":
        sep = "；" if lang == "zh" else "; "
        unit = " 年 " if lang == "zh" else ": "
        return sep.join(f"{int(y)}{unit}{money(v, lang)}" for y, v in sorted(value.items()))
    if kind == "ids":
        return ", ".join(value) if value else ("（无）" if lang == "zh" else "(none)")
    return str(value)


def status_word(rules: RuleSet, status: str, lang: str) -> str:
    """A measure's status in the package's words, else a subsidy plan's."""
    own = rules.policy.status_words_zh if lang == "zh" else rules.policy.status_words_en
    return own.get(status, _STATUS[lang][status])  # type: ignore[call-overload,no-any-return]


def headline_output(ev: Evaluation, rules: RuleSet, key: str, lang: str) -> tuple[str, str, str]:
    """A headline output (``MEASURE.OUTPUT``, a score): its title, its value as shown, and
    the measure's status in the package's words."""
    mid, _, name = key.partition(".")
    m = ev.measure(mid)
    spec = rules.program.by_id[mid].spec.outputs[name]
    title = spec.title_zh if lang == "zh" else spec.title_en
    value = m.amounts.get(name)
    shown = (
        _amount(value, m.amount_types[name], lang)
        if value is not None
        else ("未知" if lang == "zh" else "unknown")
    )
    return title, shown, status_word(rules, m.status, lang)


def _output_line(ev: Evaluation, rules: RuleSet, key: str, lang: str) -> list[str]:
    title, shown, status = headline_output(ev, rules, key, lang)
    return [f"{title}: {shown}    [{status}]"]


def _cash_lines(ev: Evaluation, lang: str) -> list[str]:
    """The cash total first: what an enterprise reads before any measure (loans apart)."""
    zh = lang == "zh"
    totals = ev.totals
    mark = ("（含假设数字）" if zh else " (rests on assumed figures)") if totals.cash_assumed else ""
    out = [f"{'资金奖补合计' if zh else 'Cash total'}: {money(totals.cash, lang)}{mark}"]
    parts = [f"{y} {'年 ' if zh else ''}{money(v, lang)}" for y, v in totals.cash_by_year.items()]
    if totals.cash_unsplit and parts:
        parts.append(f"{'未分年度' if zh else 'not by year'} {money(totals.cash_unsplit, lang)}")
    if parts:
        out.append(("    按年度: " if zh else "    by year: ") + ("；" if zh else "; ").join(parts))
    pending = totals.by_benefit.get("cash")
    if pending and pending.undetermined:
        n = len(pending.undetermined)
        out.append(f"    另有 {n} 项资金奖补待确定" if zh else f"    {n} more cash measure(s) undetermined")
    return out


def render_text(ev: Evaluation, rules: RuleSet, lang: str = "zh") -> str:
    zh = lang == "zh"
    specs = {m.id: m.spec for m in rules.measures}
    p = ev.policy
    out = [
        p["title_zh"] if zh else p["title_en"],
        (
            f"版本 {p['version']}，规则指纹 sha256 {p['sha256'][:16]}…"
            if zh
            else f"version {p['version']}, rules sha256 {p['sha256'][:16]}..."
        ),
        (
            f"企业: {ev.profile_id}    评估日期: {ev.as_of}"
            if zh
            else f"profile: {ev.profile_id}    as of: {ev.as_of}"
        ),
    ]
    for key in rules.policy.headline:
        out.extend(_cash_lines(ev, lang) if key == "cash" else _output_line(ev, rules, key, lang))
    for w in ev.warnings:
        out.append(("警告: " if zh else "warning: ") + (w["message_zh"] if zh else w["message_en"]))
    counts = Counter(m.status for m in ev.measures)
    out.append(
        " / ".join(
            f"{status_word(rules, s, lang)} {counts.get(s, 0)}"
            for s in ("eligible", "undetermined", "ineligible")
        )
    )
    out.append("")
    for m in ev.measures:
        spec = specs[m.id]
        english = spec.responsible_units_en or m.responsible_units
        units = "、".join(m.responsible_units) if zh else ", ".join(english)
        clause = rules.policy.clause_label(m.clause, lang)
        out.append(f"[{status_word(rules, m.status, lang)}] {clause} {m.title_zh if zh else m.title_en}")
        out.append(f"    {'责任单位' if zh else 'responsible'}: {units}")
        for name, value in m.amounts.items():
            o = spec.outputs[name]
            mark = ("（假设）" if zh else " (assumed)") if m.assumed(name) else ""
            out.append(
                f"    {o.title_zh if zh else o.title_en}: {_amount(value, m.amount_types[name], lang)}{mark}"
            )
        for r in m.reasons:
            if m.status == "eligible" or r.result != "pass":
                out.append(f"    {_REASON[r.result]} {r.text_zh if zh else r.text_en}")
        if m.missing:
            out.append(f"    {'需补充' if zh else 'would settle it'}: {', '.join(m.missing)}")
        for a in m.assumptions:
            out.append(f"    {'假设' if zh else 'assumed'} {a.id}: {a.note_zh if zh else a.note_en}")
        if m.status != "ineligible":
            for d in spec.details:
                flag = (" [假设]" if zh else " [assumed]") if d.assumption else ""
                out.append(
                    f"    · {d.title_zh if zh else d.title_en}{flag}: {d.text_zh if zh else d.text_en}"
                )
    if ev.tiers:
        out.append("")
        out.append(rules.policy.tiers_title_zh if zh else rules.policy.tiers_title_en)
        for t in ev.tiers:
            out.append(f"  {t.title_zh if zh else t.title_en}: {_TIER[lang][t.status]}")
            for c in t.criteria:
                out.append(f"    {_CRIT[c.status]} {c.text_zh if zh else c.text_en}")
            for a in t.assumptions:
                out.append(f"    {'假设' if zh else 'assumed'} {a.id}: {a.note_zh if zh else a.note_en}")
    return "\n".join(out) + "\n"
