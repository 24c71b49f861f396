from __future__ import annotations

from decimal import Decimal

from zjtx_rules.spec import TableInputSpec
from zjtx_rules.tables import Row, TableVersion, parse_row_cond, table_problems

NUM = TableInputSpec(name="x", type="number", min=Decimal(0), below=Decimal(100))
ENUM = TableInputSpec(name="tier", type="enum", choices=["a", "b", "c"])


def rows(inp: TableInputSpec, *cells: tuple[object, int]) -> list[Row]:
    return [Row((parse_row_cond(inp, c),), Decimal(v)) for c, v in cells]


def test_lookup_uses_half_open_ranges() -> None:
    t = TableVersion(rows(NUM, ({"below": 10}, 1), ({"min": 10}, 2)), None, "unique")
    assert t.lookup([Decimal("9.99")]) == 1
    assert t.lookup([Decimal(10)]) == 2
    assert table_problems([NUM], t) == []


def test_gap_is_reported_with_the_missing_interval() -> None:
    t = TableVersion(rows(NUM, ({"below": 10}, 1), ({"min": 20}, 2)), None, "unique")
    probs = table_problems([NUM], t)
    assert [p[0] for p in probs] == ["E403"]
    assert "[10, 20)" in probs[0][2]


def test_default_fills_gaps() -> None:
    t = TableVersion(rows(ENUM, ("a", 1)), Decimal(0), "first")
    assert table_problems([ENUM], t) == []
    assert t.lookup(["c"]) == 0


def test_unique_policy_reports_overlap() -> None:
    t = TableVersion(rows(NUM, ({"below": 50}, 1), ({"min": 40}, 2)), None, "unique")
    assert "E402" in [p[0] for p in table_problems([NUM], t)]


def test_first_policy_reports_shadowed_row_only() -> None:
    partial = TableVersion(rows(NUM, ({"below": 50}, 1), ({"min": 40}, 2)), None, "first")
    assert table_problems([NUM], partial) == []
    shadowed = TableVersion(rows(ENUM, (["a", "b"], 1), ("a", 2), ("c", 3)), None, "first")
    probs = table_problems([ENUM], shadowed)
    assert [(p[0], p[3]) for p in probs] == [("E402", 1)]


def test_bad_row_conditions_are_refused() -> None:
    import pytest

    for inp, raw in ((ENUM, "d"), (NUM, {"min": 5, "below": 5}), (NUM, 3), (NUM, {"max": 1})):
        with pytest.raises(ValueError):
            parse_row_cond(inp, raw)
