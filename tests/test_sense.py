"""Literal sense checks: ``outcome`` may only call a comparison constant when it is."""

from __future__ import annotations

import operator
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from zjtx_rules.load.literal_checks import outcome
from zjtx_rules.package.spec import FieldSpec

OPS = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
small = st.integers(min_value=-5, max_value=5).map(Decimal)


def _values(spec: FieldSpec) -> list[Decimal]:
    """Allowed values in steps of 0.5 (and just under an exclusive top), enough to see both sides."""
    lo = spec.min if spec.min is not None else Decimal(-6)
    top = spec.max if spec.max is not None else (spec.below if spec.below is not None else Decimal(6))
    out = []
    x = lo
    while x <= top:
        if spec.below is None or x < spec.below:
            out.append(x)
        x += Decimal("0.5")
    if spec.below is not None:
        out.append(spec.below - Decimal("0.001"))
    return [v for v in out if v >= lo]


@settings(max_examples=400, database=None, derandomize=True)
@given(
    lo=st.none() | small,
    hi=small,
    exclusive=st.booleans(),
    op=st.sampled_from(sorted(OPS)),
    c=st.integers(min_value=-14, max_value=14).map(lambda n: Decimal(n) / 2),
)
def test_outcome_is_only_claimed_when_every_allowed_value_agrees(
    lo: Decimal | None, hi: Decimal, exclusive: bool, op: str, c: Decimal
) -> None:
    if lo is not None and (lo >= hi if exclusive else lo > hi):
        return
    spec = FieldSpec.model_validate({"type": "decimal", "min": lo, ("below" if exclusive else "max"): hi})
    claimed = outcome(op, c, spec)
    values = _values(spec)
    if claimed is None or not values:
        return
    assert all(OPS[op](x, c) == claimed for x in values), (op, c, lo, hi, exclusive)


def test_a_percentage_for_a_ratio_is_never_true() -> None:
    ratio = FieldSpec.model_validate({"type": "ratio", "min": Decimal(0), "max": Decimal(1)})
    assert outcome(">=", Decimal(3), ratio) is False
    assert outcome(">=", Decimal("0.03"), ratio) is None
    assert outcome(">=", Decimal(0), ratio) is True
    assert outcome("<", Decimal(0), ratio) is False
