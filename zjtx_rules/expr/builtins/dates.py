"""Built-in functions on dates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from zjtx_rules.expr.builtins.signature import Builtin, Value
from zjtx_rules.expr.types import DATE, NUMBER
from zjtx_rules.expr.values import UNKNOWN, add_years


def fn_year(d: Any) -> Any:
    return UNKNOWN if d is UNKNOWN else Decimal(d.year)


def fn_month(d: Any) -> Any:
    return UNKNOWN if d is UNKNOWN else Decimal(d.month)


def fn_date(y: Any, m: Any, d: Any) -> Any:
    if UNKNOWN in (y, m, d):
        return UNKNOWN
    return date(int(y), int(m), int(d))


def fn_add_years(d: Any, n: Any) -> Any:
    if d is UNKNOWN or n is UNKNOWN:
        return UNKNOWN
    return add_years(d, int(n))


def fn_add_days(d: Any, n: Any) -> Any:
    if d is UNKNOWN or n is UNKNOWN:
        return UNKNOWN
    return d + timedelta(days=int(n))


def fn_years_between(a: Any, b: Any) -> Any:
    """Whole years from ``a`` to ``b`` (birthday rule)."""
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    years = b.year - a.year - ((b.month, b.day) < (a.month, a.day))
    return Decimal(years)


A_DATE, A_NUMBER = Value(ty=DATE), Value(ty=NUMBER)

ENTRIES: tuple[Builtin, ...] = (
    Builtin("year", (A_DATE,), NUMBER, fn_year, "日期的年份", "the year of a date"),
    Builtin("month", (A_DATE,), NUMBER, fn_month, "日期的月份（1–12）", "the month of a date (1-12)"),
    Builtin(
        "date",
        (A_NUMBER, A_NUMBER, A_NUMBER),
        DATE,
        fn_date,
        "由年、月、日组成的日期",
        "the date of a year, month and day",
    ),
    Builtin(
        "add_years",
        (A_DATE, A_NUMBER),
        DATE,
        fn_add_years,
        "n 年后的同月同日（2 月 29 日落到 2 月 28 日）",
        "the same day n years on (29 February falls back to 28 February)",
    ),
    Builtin("add_days", (A_DATE, A_NUMBER), DATE, fn_add_days, "n 天后的日期", "the date n days on"),
    Builtin(
        "years_between",
        (A_DATE, A_DATE),
        NUMBER,
        fn_years_between,
        "从第一个日期到第二个日期的整年数（按周年计）",
        "the whole years from the first date to the second (counted by anniversaries)",
    ),
)
