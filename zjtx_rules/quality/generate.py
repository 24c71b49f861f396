"""Synthetic profiles drawn from a package's fact declarations, for screening tests and benchmarks.

Values respect each fact's bounds, enums, list sizes and unique fields. A share of numeric
draws lands exactly on a number the rules compare against (a parameter value, a table bound
or a literal), and a share of dates lands exactly on the evaluation date moved by whole years,
so that boundaries are exercised, not just the middle of each range. ``profile_strategy``
wraps the same generator as a hypothesis strategy for property tests of any package.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.expr.values import add_years
from zjtx_rules.package.spec import FieldSpec
from zjtx_rules.profile.model import _CC_CHARS, credit_code_check_char

THRESHOLD_SHARE = 0.15
EDGE_DATE_SHARE = 0.15
MONEY_CEILING = Decimal(10_000_000_000)  # draws stay realistic even when bounds allow 10^15
COUNT_CEILING = Decimal(10_000)


class ProfileGenerator:
    """Draws profiles for one rule package; ``missing`` is the chance an optional fact is left out."""

    def __init__(self, rules: RuleSet, *, missing: float = 0.0, as_of: date | None = None) -> None:
        if not 0 <= missing <= 1:
            raise ValueError("missing must be between 0 and 1")
        self.rules = rules
        self.missing = missing
        self.as_of = as_of or rules.policy.valid_to
        self.constants = sorted(rules.constants)

    def draw(self, rng: random.Random, index: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, spec in self.rules.facts.items():
            if not spec.required and rng.random() < self.missing:
                continue
            out[name] = self._value(rng, name, spec, index, 0)
        if "id" in self.rules.facts:
            out["id"] = f"GEN-{index:07d}"
        return out

    def _value(self, rng: random.Random, name: str, spec: FieldSpec, index: int, item: int) -> Any:
        t = spec.type
        if t == "bool":
            return rng.random() < 0.5
        if t in ("int", "decimal", "money", "ratio"):
            return str(self._number(rng, spec))
        if t == "date":
            return self._date(rng).isoformat()
        if t == "enum":
            return rng.choice(spec.choices or [""])
        if t == "string":
            if spec.format == "credit_code":
                body = "".join(rng.choice(_CC_CHARS) for _ in range(17))
                return body + credit_code_check_char(body)
            return f"{name}-{index}-{item}"[: spec.max_length or 200]
        if t == "year_money_map":
            years = range(self.as_of.year - 2, self.as_of.year + 4)
            picked = [y for y in years if rng.random() < 0.6]
            money = FieldSpec(
                type="money", min=spec.min, below=spec.below, max=spec.max, typical=spec.typical
            )
            return {str(y): str(self._number(rng, money)) for y in picked}
        # a list of records
        size = rng.randint(0, min(spec.max_items or 12, 12))
        records = []
        for i in range(size):
            rec = {}
            for fname, fspec in (spec.fields or {}).items():
                if not fspec.required and rng.random() < self.missing:
                    continue
                value = self._value(rng, fname, fspec, index, i)
                rec[fname] = f"{fname}-{i}" if fspec.unique and fspec.type == "string" else value
            for fname, fspec in (spec.fields or {}).items():  # e.g. an expiry never before recognition
                other = fspec.not_before
                if other and fname in rec and other in rec and rec[fname] < rec[other]:
                    rec[fname], rec[other] = rec[other], rec[fname]
            records.append(rec)
        return records

    def _bounds(self, spec: FieldSpec) -> tuple[Decimal, Decimal]:
        lo = spec.min if spec.min is not None else Decimal(0)
        if spec.max is not None:
            hi = spec.max
        elif spec.below is not None:
            hi = spec.below - (1 if spec.type == "int" else Decimal("0.01"))
        else:
            hi = lo + 1000
        return lo, hi

    def _number(self, rng: random.Random, spec: FieldSpec) -> Decimal:
        lo, hi = self._bounds(spec)
        if spec.typical is not None:
            lo, hi = max(lo, spec.typical[0]), min(hi, spec.typical[1])
        if rng.random() < THRESHOLD_SHARE:
            hits = [
                c
                for c in self.constants
                if lo <= c <= hi and (spec.type != "int" or c == c.to_integral_value())
            ]
            if hits:
                return rng.choice(hits)
        if spec.type == "ratio":
            a, b = max(lo, Decimal("-0.5")), min(hi, Decimal(1))
            return (a + (b - a) * Decimal(rng.random())).quantize(Decimal("0.0001"))
        ceiling = COUNT_CEILING if spec.type == "int" else MONEY_CEILING
        hi = min(hi, max(lo, ceiling))
        if hi - lo <= 200:
            value = lo + (hi - lo) * Decimal(rng.random())
        else:  # spread over orders of magnitude, as revenues and counts are
            base = max(lo, Decimal(1))
            value = base * Decimal(math.exp(rng.random() * math.log(float(hi / base))))
        value = min(max(value, lo), hi)
        return value.quantize(Decimal(1) if spec.type == "int" else Decimal("0.01"))

    def _date(self, rng: random.Random) -> date:
        if rng.random() < EDGE_DATE_SHARE:
            return add_years(self.as_of, -rng.randint(0, 4)) + timedelta(days=rng.choice([-1, 0, 1]))
        return self.as_of - timedelta(days=rng.randint(-365, 6 * 365))


def generate(
    rules: RuleSet, count: int, seed: int, *, missing: float = 0.0, as_of: date | None = None
) -> Iterator[dict[str, Any]]:
    """``count`` profiles, the same for the same seed."""
    gen = ProfileGenerator(rules, missing=missing, as_of=as_of)
    rng = random.Random(seed)
    for i in range(count):
        yield gen.draw(rng, i)


def profile_strategy(rules: RuleSet, *, missing: float = 0.0, as_of: date | None = None) -> Any:
    """A hypothesis strategy of profiles for ``rules`` (hypothesis must be installed)."""
    from hypothesis import strategies as st

    gen = ProfileGenerator(rules, missing=missing, as_of=as_of)
    return st.tuples(st.randoms(use_true_random=False), st.integers(0, 9_999_999)).map(
        lambda t: gen.draw(t[0], t[1])
    )
