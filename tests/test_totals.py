"""The cash total in the result contract (``Evaluation.totals``): only eligible cash, each
measure counted once, loan ceilings and quotas apart, exact to the fen."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import zjtx_rules
from zjtx_rules.evaluate.contract import compact_adapter, result_adapter
from zjtx_rules.evaluate.result import MeasureOutcome
from zjtx_rules.evaluate.totals import totals_of

ROOT = Path(__file__).resolve().parent.parent
RULES = zjtx_rules.load_rules()
LITTLE_GIANT = json.loads((ROOT / "examples/profiles/little_giant_11_talents.json").read_text("utf-8"))


def test_the_little_giant_example_totals_1344386_50_in_every_form() -> None:
    ev = RULES.evaluate(LITTLE_GIANT, "2025-06-30")
    assert ev.cash_total() == Decimal("1344386.50")
    full = json.loads(ev.to_json())
    assert full["totals"]["cash_cny"] == "1344386.50"
    assert ev.to_compact()["totals"]["cash_cny"] == "1344386.50"
    result_adapter().validate_python(full)
    compact_adapter().validate_python(ev.to_compact())
    # the loan ceilings (5,000,000 and 25,000,000) are listed, never added
    assert full["totals"]["by_benefit"]["loan"]["eligible"] == ["policy_loans"]
    assert "policy_loans" not in full["totals"]["cash_by_measure"]
    by_year = sum((Decimal(v) for v in full["totals"]["cash_by_year"].values()), Decimal(0))
    assert by_year + Decimal(full["totals"]["cash_unsplit_cny"]) == ev.cash_total()


def _outcome(mid: str, benefit: str, status: str, amounts: dict, types: dict) -> MeasureOutcome:
    return MeasureOutcome(mid, "1", mid, mid, benefit, status, amounts, types, [], [], [])  # type: ignore[arg-type]


money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, derandomize=True)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["cash", "loan", "fund"]),
            st.sampled_from(["eligible", "ineligible", "undetermined"]),
            st.dictionaries(st.integers(2022, 2027), money, max_size=4),
            money,
        ),
        max_size=8,
    )
)
def test_cash_is_the_sum_of_eligible_cash_measures_each_counted_once(items: list) -> None:
    measures = []
    expected = Decimal(0)
    for i, (benefit, status, by_year, flat) in enumerate(items):
        amounts: dict = {"total": sum(by_year.values(), Decimal(0)) if by_year else flat}
        types = {"total": "money"}
        if by_year:
            amounts["by_year"] = by_year
            types["by_year"] = "money_by_year"
        measures.append(_outcome(f"m{i}", benefit, status, amounts, types))
        if benefit == "cash" and status == "eligible":
            expected += amounts["total"]
    totals = totals_of(measures)
    assert totals.cash == expected
    assert sum(totals.cash_by_year.values(), totals.cash_unsplit) == expected
    assert set(totals.cash_by_measure) <= {m.id for m in measures if m.benefit == "cash"}
    d = totals.to_dict()
    assert Decimal(d["cash_cny"]) == expected.quantize(Decimal("0.01"))


def test_the_text_report_opens_with_the_total_in_zh_and_en() -> None:
    from zjtx_rules.render.text_report import render_text

    ev = RULES.evaluate(LITTLE_GIANT, "2025-06-30")
    zh = render_text(ev, RULES, "zh").splitlines()[:6]
    en = render_text(ev, RULES, "en").splitlines()[:6]
    assert any("资金奖补合计" in line and "1,344,386.50 元" in line for line in zh), zh
    assert any("Cash total" in line and "CNY 1,344,386.50" in line for line in en), en
