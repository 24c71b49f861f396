"""Values written for people: reason templates and readiness gaps, in zh and en."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache
from typing import Any

from zjtx_rules.expr.values import CONTEXT, UNKNOWN

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def plain_number(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: ``Decimal("36.00")`` -> ``"36"``."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0E+0") else text


def fmt_value(value: Any, lang: str) -> str:
    if value is UNKNOWN or value is None:
        return "未知" if lang == "zh" else "unknown"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return f"{len(value)} 项" if lang == "zh" else f"{len(value)} item(s)"
    return str(value)


def render_template(text: str, values: dict[str, Any], lang: str) -> str:
    """Replace ``{name}`` by the value of a fact, parameter or derived value."""
    parts = _pieces(text)
    if len(parts) == 1:
        return text
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        out.append(fmt_value(values.get(parts[i], UNKNOWN), lang))
        out.append(parts[i + 1])
    return "".join(out)


@lru_cache(maxsize=4096)
def _pieces(text: str) -> tuple[str, ...]:
    """A template split once into literal text and placeholder names, alternating (a
    package has a few hundred templates; every result renders them again)."""
    return tuple(_PLACEHOLDER.split(text))


def rounded(value: Decimal, quantum: Decimal) -> Decimal:
    """``value`` half-up to ``quantum`` under the engine's context. A figure too large to
    carry that many places in 34 digits (a ratio over a near-zero revenue) keeps its 34
    significant digits instead of raising: formatting a valid result must never fail."""
    with localcontext(CONTEXT) as ctx:
        if value.is_finite() and value.adjusted() - int(quantum.as_tuple().exponent) >= ctx.prec:
            return ctx.plus(value)
        return value.quantize(quantum, rounding=ROUND_HALF_UP)


def format_measure_value(value: Any, fmt: str, *, gap: bool = False, lang: str = "en") -> str:
    """A readiness figure: ``percent`` (ratio x 100), ``money`` (CNY), ``years`` or ``number``.
    Arithmetic runs under the engine's decimal context, never the thread's default one."""
    if not isinstance(value, Decimal):
        return fmt_value(value, lang)
    if not value.is_finite():
        return _format_decimal.__wrapped__(value, fmt, gap, lang)
    return _format_decimal(value, fmt, gap, lang)


@lru_cache(maxsize=8192)
def _format_decimal(value: Decimal, fmt: str, gap: bool, lang: str) -> str:
    """``format_measure_value`` of a Decimal, kept: the same thresholds and figures recur
    across criteria and profiles. Equal Decimals format alike (every branch rounds or
    normalises), so a cache keyed by value is exact."""
    if fmt == "percent":
        with localcontext(CONTEXT):
            pct = rounded(value * 100, Decimal("0.1"))
        if gap:
            return f"{pct} 个百分点" if lang == "zh" else f"{pct} points"
        return f"{pct}%"
    if fmt == "money":
        amount = f"{rounded(value, Decimal('0.01')):,.2f}"
        return f"{amount} 元" if lang == "zh" else f"CNY {amount}"
    if fmt == "years":
        return f"{plain_number(value)} 年" if lang == "zh" else f"{plain_number(value)} years"
    return plain_number(value)


_VERDICT = {
    "zh": {"met": "已满足", "missed": "未满足", "unknown": "无法判断"},
    "en": {"met": "met", "missed": "not met", "unknown": "cannot tell"},
}


def criterion_sentence(
    lang: str,
    title: str,
    status: str,
    op: str | None,
    fmt: str,
    actual: Decimal | None,
    required: Decimal | None,
    extra: tuple[Decimal, str, str] | None,
    missing: list[str],
    assumption: bool,
) -> str:
    """ "R&D share of revenue: not met (2.1%, needs >= 3.0%: 0.9 points short, about ...)"."""
    zh = lang == "zh"
    text = f"{title}{'：' if zh else ': '}{_VERDICT[lang][status]}"
    if actual is not None and required is not None:
        a, r = format_measure_value(actual, fmt, lang=lang), format_measure_value(required, fmt, lang=lang)
        text += f"（现为 {a}，要求 {op} {r}" if zh else f" ({a}, needs {op} {r}"
        if status == "missed":
            with localcontext(CONTEXT):
                difference = abs(required - actual)
            gap = format_measure_value(difference, fmt, gap=True, lang=lang)
            over = op in ("<=", "<")  # an upper limit is exceeded, not fallen short of
            if zh:
                text += f"，超出 {gap}" if over else f"，差 {gap}"
            else:
                text += f": over by {gap}" if over else f": {gap} short"
            if extra is not None:
                value, efmt, template = extra
                text += ("，" if zh else ", ") + template.replace(
                    "{value}", format_measure_value(value, efmt, lang=lang)
                )
        text += "）" if zh else ")"
    elif status == "unknown" and missing:
        text += f"（缺少: {', '.join(missing)}）" if zh else f" (missing: {', '.join(missing)})"
    if assumption:
        text += " [假设/存疑标准]" if zh else " [assumed / uncertain criterion]"
    return text
