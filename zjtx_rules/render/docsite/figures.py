"""Figures and periods as the rules document prints them, Chinese first.

A rule file holds ``200000000`` and ``0.30``; a reader signs off 2亿元 and 30%. Every value a
page shows (a parameter, a table row, a criterion's threshold) goes through ``figure`` with
the type its declaration gives (money, ratio, int, date...), and every dated period through
``period``. Periods are half-open in the rules, ``[from, until)``; the document prints the
last day they include, as Chinese documents do (自 2022-01-01 起至 2023-04-27).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from zjtx_rules.evaluate.reasons import plain_number
from zjtx_rules.render.docsite.markup import e

YI, WAN = Decimal(100_000_000), Decimal(10_000)
BILLION, MILLION = Decimal(1_000_000_000), Decimal(1_000_000)
# a figure's type (parameter type, table result, criterion format) -> how it reads
RATIO_TYPES = ("ratio", "percent")


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None


def _scaled(value: Decimal, unit: Decimal) -> str | None:
    """``value / unit`` as a short number (at most 4 decimals), or None if it is not short."""
    q = value / unit
    if q != q.quantize(Decimal("0.0001")):
        return None
    return plain_number(q)


def money(value: Decimal, lang: str) -> str:
    """2亿元, 5000万元, 1万元, 800元 / CNY 200 million, CNY 10,000."""
    if lang == "zh":
        for unit, word in ((YI, "亿元"), (WAN, "万元")):
            if abs(value) >= unit and (short := _scaled(value, unit)) is not None:
                return short + word
        return plain_number(value) + "元"
    for unit, word in ((BILLION, " billion"), (MILLION, " million")):
        if abs(value) >= unit and (short := _scaled(value, unit)) is not None:
            return f"CNY {short}{word}"
    whole = value == value.to_integral_value()
    return f"CNY {value:,.0f}" if whole else f"CNY {value:,.2f}"


def figure(value: Any, kind: str, lang: str = "zh", unit: str = "") -> str:
    """One value of a declared type as people read it; ``unit`` (e.g. 年) follows a plain number."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ("、" if lang == "zh" else ", ").join(figure(v, kind, lang, unit) for v in value)
    number = _decimal(value)
    if number is None or not number.is_finite():
        return str(value)
    if kind == "money":
        return money(number, lang)
    if kind in RATIO_TYPES:
        return plain_number(number * 100) + "%"
    if kind == "years" or unit == "年":  # the one unit rule files write in Chinese only
        return plain_number(number) + ("年" if lang == "zh" else " years")
    text = plain_number(number)
    if unit:
        return f"{text}{unit}" if lang == "zh" else f"{text} {unit}"
    return text


def both_figure(value: Any, kind: str, unit: str = "", prefix: str = "") -> str:
    """A figure as markup: the Chinese form, with the English beneath when it differs."""
    zh, en = prefix + figure(value, kind, "zh", unit), prefix + figure(value, kind, "en", unit)
    if zh == en:
        return f'<span class="figure">{e(zh)}</span>'
    return f'<span class="figure" lang="zh">{e(zh)}</span><br><span lang="en" class="en">{e(en)}</span>'


def interval(cell: dict[str, Any], kind: str, lang: str) -> str:
    """A numeric table cell ``{min, below}``: ``≥ 30%``, ``25%–30%`` (lower bound included,
    upper excluded, as the table's note says once), ``< 10%``."""
    if "above" in cell or "max" in cell:  # an edge the half-open default does not give
        parts = [
            f"{sign} {figure(cell[key], kind, lang)}"
            for key, sign in (("min", "≥"), ("above", ">"), ("below", "<"), ("max", "≤"))
            if cell.get(key) is not None
        ]
        return (" 且 " if lang == "zh" else " and ").join(parts)
    low, high = cell.get("min"), cell.get("below")
    if low is not None and high is not None:
        return f"{figure(low, kind, lang)}–{figure(high, kind, lang)}"
    if low is not None:
        return f"≥ {figure(low, kind, lang)}"
    if high is not None:
        return f"< {figure(high, kind, lang)}"
    return "*"


INTERVAL_NOTE = (
    "区间含下限、不含上限：“25%–30%”指 ≥ 25% 且 < 30% / a range includes its lower bound and "
    "excludes its upper one: 25%–30% means at least 25% and below 30%"
)


def period(start: date | None, until: date | None, lang: str = "zh") -> str:
    """A half-open period ``[start, until)`` by the last day it includes:
    ``2022-01-01 起至 2023-04-27`` / ``from 2022-01-01 through 2023-04-27``; an open end reads
    ``2026-04-01 起`` / ``from 2026-04-01 on``, an open start ``至 2023-04-27`` / ``through ...``."""
    last = (until - timedelta(days=1)).isoformat() if until else ""
    if lang == "zh":
        if start and until:
            return f"{start.isoformat()} 起至 {last}"
        if start:
            return f"{start.isoformat()} 起"
        return f"至 {last}" if until else "始终适用"
    if start and until:
        return f"from {start.isoformat()} through {last}"
    if start:
        return f"from {start.isoformat()} on"
    return f"through {last}" if until else "always"


def both_period(start: date | None, until: date | None) -> str:
    return (
        f'<span class="period" lang="zh">{e(period(start, until, "zh"))}</span>'
        f'<br><span lang="en" class="en period">{e(period(start, until, "en"))}</span>'
    )


PERIOD_NOTE = (
    "时期写到所含的最后一天（规则文件中为左闭右开，止日不含）/ periods are shown to the last day "
    "they include (the rule files write them half-open, with an exclusive end day)"
)
