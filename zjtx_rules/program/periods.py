"""Effective-dated values: each value applies on ``[from, next from)``, half-open.

Like OpenFisca parameters, a value stays in force until the next one starts; the last one has
no end. Before the first value there is nothing, which ``zjtx check`` reports when that gap
falls inside the policy period.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Dated(Generic[T]):
    start: date
    value: T


class History(Generic[T]):
    """Values keyed by the day they start; ``at(d)`` is the one in force on day ``d``."""

    def __init__(self, items: Sequence[Dated[T]]) -> None:
        self.items = sorted(items, key=lambda it: it.start)
        self._starts = [it.start for it in self.items]

    def at(self, day: date) -> T | None:
        i = bisect.bisect_right(self._starts, day) - 1
        return self.items[i].value if i >= 0 else None

    def starts(self) -> list[date]:
        return list(self._starts)

    def first_start(self) -> date | None:
        return self._starts[0] if self._starts else None
