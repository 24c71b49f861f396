"""``wording.bounded``: every value a message shows, whatever it holds, in bounded time and
text (issue: messages about a bad value never convert or walk it unbounded)."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zjtx_rules.display import JSON, PLAIN, SHOW_CHARS, TOML, bounded, plain, shown


def _deep(depth: int) -> list[Any]:
    doc: list[Any] = []
    for _ in range(depth):
        doc = [doc]
    return doc


def test_deep_nesting_is_cut_at_a_small_depth() -> None:
    assert bounded(_deep(sys.getrecursionlimit() * 2), JSON) == "[[[[…]]]]"


def test_a_cycle_is_cut_too() -> None:
    loop: list[Any] = []
    loop.append(loop)
    assert bounded(loop, TOML) == "[[[[…]]]]"


def test_a_huge_integer_is_described_not_converted() -> None:
    assert bounded(10**5000, JSON) == "an integer of about 5001 digits"
    assert bounded([-(10**100_000)], JSON, lang="zh") == "[约 100001 位的负整数]"
    assert bounded(10**59, JSON) == "1" + "0" * 59  # a figure that fits is shown in full


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1e999999999"), "1E+999999999"),
        (Decimal("-1e-999999999"), "-1E-999999999"),
        (Decimal("sNaN"), "sNaN"),
        (Decimal("5E+3"), "5000"),
        (Decimal("7.50"), "7.50"),
        (Decimal("123456789012345678901234567890"), "123456789012345678901234567890"),
    ],
)
def test_decimals_are_never_expanded_or_normalized_past_their_digits(value: Decimal, text: str) -> None:
    assert shown(value) == text


def test_long_text_and_long_lists_are_cut_with_an_ellipsis() -> None:
    assert bounded("x" * 1_000_000, JSON) == '"' + "x" * (SHOW_CHARS - 2) + "…"
    assert bounded(list(range(100)), JSON) == "[0, 1, 2, 3, 4, 5, 6, 7, …]"
    assert shown("y" * 50) == '"' + "y" * 39 + '…"'


def test_the_styles_keep_their_spelling() -> None:
    assert shown({"a": True, "b": [Decimal("1.5"), None]}) == "{a = true, b = [1.5, None]}"
    assert plain(["汽车", "电子信息"]) == "[汽车, 电子信息]"
    assert (
        bounded({"d": date(2024, 1, 31), "n": None, "t": "x"}, JSON)
        == '{"d": "2024-01-31", "n": null, "t": "x"}'
    )
    assert bounded(object(), PLAIN) == "<object>"


huge = (
    st.integers(4_400, 6_000).map(lambda n: -(10**n) if n % 2 else 10**n)
    | st.integers(-999_999_999, 999_999_999).map(lambda e: Decimal(f"1e{e}"))
    | st.integers(1, 10**5).map(lambda n: "z" * n)
)  # built by map: hypothesis would print (and so convert) a literal 5,000-digit integer
scalars = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.decimals() | st.dates() | huge
)
keys = st.text() | st.integers() | huge | st.dates()  # hashable
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=10) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=16,
)


@settings(max_examples=100, derandomize=True, database=None, deadline=None)
@given(value=values, style=st.sampled_from([JSON, TOML, PLAIN]), limit=st.integers(5, 500))
def test_bounded_never_fails_and_keeps_to_its_limit(value: Any, style: Any, limit: int) -> None:
    text = bounded(value, style, limit=limit)
    assert len(text) <= limit
