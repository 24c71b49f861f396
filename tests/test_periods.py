from __future__ import annotations

from datetime import date

from tests.conftest import MINI
from zjtx_rules.program.periods import Dated, History


def test_value_switches_exactly_on_its_start_day() -> None:
    h = History([Dated(date(2023, 1, 1), "new"), Dated(date(2022, 1, 1), "old")])
    assert h.at(date(2021, 12, 31)) is None
    assert h.at(date(2022, 1, 1)) == "old"
    assert h.at(date(2022, 12, 31)) == "old"
    assert h.at(date(2023, 1, 1)) == "new"
    assert h.at(date(2099, 1, 1)) == "new"


def test_parameter_in_a_package_switches_on_the_date() -> None:
    import zjtx_rules

    rules = zjtx_rules.load_rules(MINI)
    profile = {"id": "x", "registered": True, "revenue": "1000", "tier": "none"}
    before = rules.evaluate(profile, "2022-12-31").measure("grant").amounts["amount"]
    after = rules.evaluate(profile, "2023-01-01").measure("grant").amounts["amount"]
    assert (str(before), str(after)) == ("100.00", "200.00")
