"""Formatting of readiness figures (issue 8, item 2): a valid profile must always format."""

from __future__ import annotations

import decimal
from datetime import date
from decimal import Decimal

import pytest

import zjtx_rules
from zjtx_rules.evaluate.reasons import format_measure_value


def test_a_ratio_over_a_near_zero_revenue_formats_instead_of_crashing(rules: zjtx_rules.RuleSet) -> None:
    # Issue 8's profile ("0.000000000001" revenue) raised InvalidOperation in to_dict; money now
    # takes at most 2 decimals (issue 10), so it is a profile error, and the most extreme ratio
    # still allowed formats.
    with pytest.raises(zjtx_rules.ProfileError):
        rules.evaluate({"id": "x", "revenue_cny": "0.000000000001", "rd_expense_cny": "1"}, date(2025, 6, 30))
    profile = {"id": "x", "revenue_cny": "0.01", "rd_expense_cny": "999999999999999.99"}
    doc = rules.evaluate(profile, date(2025, 6, 30)).to_dict()
    figures = [c["actual"] for t in doc["tiers"] for c in t["criteria"] if c["actual"]]
    assert "9999999999999999900.0%" in figures  # 999999999999999.99 / 0.01, as a percentage


def test_percent_keeps_34_digits_when_a_tenth_would_not_fit() -> None:
    from zjtx_rules.evaluate.reasons import rounded

    huge = Decimal("9" * 33) * Decimal("1e10")
    assert format_measure_value(huge, "percent").endswith("%")
    assert rounded(Decimal("1e40"), Decimal("0.1")) == Decimal("1e40")
    assert rounded(Decimal("2.25"), Decimal("0.1")) == Decimal("2.3")  # half-up, not half-even


def test_formatting_ignores_the_callers_decimal_context() -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        ctx.traps[decimal.Inexact] = True
        assert format_measure_value(Decimal("0.123456"), "percent") == "12.3%"
        assert format_measure_value(Decimal("1234567.891"), "money") == "CNY 1,234,567.89"
