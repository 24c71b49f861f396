from __future__ import annotations

from decimal import Decimal

from zjtx_rules.package.spec import TableInputSpec
from zjtx_rules.program.tables import Row, TableVersion, parse_row_cond, table_problems

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
    assert [p[0].code for p in probs] == ["E403"]
    assert "[10, 20)" in probs[0][0].en


def test_default_fills_gaps() -> None:
    t = TableVersion(rows(ENUM, ("a", 1)), Decimal(0), "first")
    assert table_problems([ENUM], t) == []
    assert t.lookup(["c"]) == 0


def test_unique_policy_reports_overlap() -> None:
    t = TableVersion(rows(NUM, ({"below": 50}, 1), ({"min": 40}, 2)), None, "unique")
    assert "E402" in [p[0].code for p in table_problems([NUM], t)]


def test_first_policy_reports_shadowed_row_only() -> None:
    partial = TableVersion(rows(NUM, ({"below": 50}, 1), ({"min": 40}, 2)), None, "first")
    assert table_problems([NUM], partial) == []
    shadowed = TableVersion(rows(ENUM, (["a", "b"], 1), ("a", 2), ("c", 3)), None, "first")
    probs = table_problems([ENUM], shadowed)
    assert [(p[0].code, p[1]) for p in probs] == [("E402", 1)]


def test_a_row_outside_the_declared_input_range_never_matches() -> None:
    """Regression: an input's ``min = 0`` changed to ``min = 1`` left 5 of 6 score bands below
    the range, and nothing said so."""
    inp = TableInputSpec(name="ratio", type="number", min=Decimal(1))
    t = TableVersion(
        rows(inp, ({"min": Decimal("0.06")}, 50), ({"below": Decimal("0.06")}, 0)), None, "unique"
    )
    probs = table_problems([inp], t)
    assert [(p[0].code, p[1]) for p in probs] == [("E402", 1)]
    assert "outside the inputs' declared ranges" in probs[0][0].en


def test_bad_row_conditions_are_refused() -> None:
    import pytest

    bad = (
        (ENUM, "d"),
        (NUM, {"min": 5, "below": 5}),
        (NUM, 3),
        (NUM, {"max": 1, "below": 2}),  # two upper edges
        (NUM, {"min": 1, "above": 0}),  # two lower edges
        (NUM, {"min": 3, "max": 2}),
        (NUM, {"above": 2, "max": 2}),  # empty: 2 < x <= 2
        (NUM, {"at": 1}),
    )
    for inp, raw in bad:
        with pytest.raises(ValueError):
            parse_row_cond(inp, raw)


def _reference_problems(inputs: list[TableInputSpec], version: TableVersion) -> list[tuple[str, int | None]]:
    """The obvious quadratic check, cell by cell and row by row, to compare against."""
    import itertools

    from zjtx_rules.program.tables import _atoms

    axes = [_atoms(inp, version.rows, i) for i, inp in enumerate(inputs)]
    out: list[tuple[str, int | None]] = []
    first_hits: set[int] = set()
    any_hits: set[int] = set()
    gap = False
    for cell in itertools.product(*axes):
        vals = [c[0] for c in cell]
        hits = [
            i
            for i, r in enumerate(version.rows)
            if all(c.matches(v) for c, v in zip(r.conds, vals, strict=True))
        ]
        any_hits.update(hits)
        if not hits:
            gap = gap or version.default is None
            continue
        first_hits.add(hits[0])
        if version.hit_policy == "unique" and len(hits) > 1:
            out.append(("E402", hits[1]))
    if gap:
        out.append(("E403", None))
    out += [("E402", i) for i in range(len(version.rows)) if i not in any_hits]
    if version.hit_policy == "first":
        out += [("E402", i) for i in range(len(version.rows)) if i in any_hits and i not in first_hits]
    return out


def test_checks_agree_with_the_cell_by_cell_reference() -> None:
    import random

    rng = random.Random(11)
    for _ in range(300):
        conds = []
        for _r in range(rng.randint(1, 6)):
            lo, hi = sorted(rng.sample(range(0, 101, 10), 2))
            num = rng.choice([{"min": lo, "below": hi}, {"min": lo}, {"below": hi}, "*"])
            tier = rng.choice(["a", "b", "c", ["a", "b"], "*"])
            conds.append(Row((parse_row_cond(NUM, num), parse_row_cond(ENUM, tier)), Decimal(1)))
        version = TableVersion(conds, rng.choice([None, Decimal(0)]), rng.choice(["first", "unique"]))
        got = [(p[0].code, p[1]) for p in table_problems([NUM, ENUM], version)]
        assert got == _reference_problems([NUM, ENUM], version)


def test_ten_thousand_rows_are_checked_in_linear_time() -> None:
    import time

    wide = TableInputSpec(name="x", type="number", min=Decimal(0), below=Decimal(10_000))
    many = [Row((parse_row_cond(wide, {"min": i, "below": i + 1}),), Decimal(i)) for i in range(10_000)]
    many.append(Row((parse_row_cond(wide, {"min": 5, "below": 6}),), Decimal(0)))  # shadowed
    start = time.monotonic()
    problems = table_problems([wide], TableVersion(many, None, "first"))
    assert time.monotonic() - start < 5  # was about 6 minutes (quadratic)
    assert [(p[0].code, p[1]) for p in problems] == [("E402", 10_000)]
