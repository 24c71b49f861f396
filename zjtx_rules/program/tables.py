"""Decision tables: rows of input conditions -> a value, with an explicit hit policy.

``first``: the first matching row wins; a row that can never be the first match is an error.
``unique``: at most one row may match any input; overlaps are errors. In both, an input that
no row matches is a gap, an error unless the table has a ``default``. Checks enumerate the
cells of the input space (each enum value, each interval between row boundaries), so they
are exact for the row forms allowed here.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import Message
from zjtx_rules.package.spec import TableInputSpec

MAX_CELLS = 20_000
ROW_META = {"value", "source", "refs", "assumption", "note", "note_en"}


@dataclass(frozen=True)
class Cond:
    """One input's condition in a row: ``None`` matches anything."""

    choices: frozenset[Any] | None = None  # enum and bool
    lo: Decimal | None = None  # number: lo <= x   (min: 以上, the number itself included)
    below: Decimal | None = None  # number: x < below   (below: 不足/未满, excluded)
    above: Decimal | None = None  # number: above < x   (above: 超过, excluded)
    top: Decimal | None = None  # number: x <= top   (max: 以下, included)

    def matches(self, x: Any) -> bool:
        if self.choices is not None:
            return x in self.choices
        if self.lo is not None and x < self.lo:
            return False
        if self.above is not None and x <= self.above:
            return False
        if self.top is not None and x > self.top:
            return False
        return not (self.below is not None and x >= self.below)

    @property
    def closed_edges(self) -> bool:
        """Whether the condition uses ``above`` or ``max`` (not only half-open ``[min, below)``)."""
        return self.above is not None or self.top is not None

    @property
    def bounds(self) -> tuple[Decimal | None, ...]:
        return (self.lo, self.below, self.above, self.top)


@dataclass(frozen=True)
class Row:
    conds: tuple[Cond, ...]
    value: Any
    assumption: bool = False
    note: str = ""
    note_en: str = ""


class TableVersion:
    """The rows in force from one date: ``lookup`` finds the value for given inputs."""

    def __init__(self, rows: Sequence[Row], default: Any, hit_policy: str) -> None:
        self.rows = list(rows)
        self.default = default
        self.hit_policy = hit_policy

    def lookup(self, args: Sequence[Any]) -> Any:
        i = self.hit(args)
        return self.default if i < 0 else self.rows[i].value

    def hit(self, args: Sequence[Any]) -> int:
        """The index of the row that answers ``args``; -1 when the default does."""
        for i, row in enumerate(self.rows):
            if all(c.matches(a) for c, a in zip(row.conds, args, strict=True)):
                return i
        return -1

    def values(self) -> list[Any]:
        out = [r.value for r in self.rows]
        if self.default is not None:
            out.append(self.default)
        return out


def parse_row_cond(inp: TableInputSpec, raw: Any) -> Cond:
    """Read one cell of a row as written in TOML; raise ``ValueError`` with an explanation."""
    if raw is None or raw == "*":
        return Cond()
    if inp.type == "enum":
        items = raw if isinstance(raw, list) else [raw]
        bad = [x for x in items if not isinstance(x, str) or x not in (inp.choices or [])]
        if bad:
            raise ValueError(f"{bad[0]!r} is not one of {inp.choices}")
        return Cond(choices=frozenset(items))
    if inp.type == "bool":
        if not isinstance(raw, bool):
            raise ValueError("expected true or false")
        return Cond(choices=frozenset([raw]))
    if isinstance(raw, dict) and set(raw) <= {"min", "below", "above", "max"} and raw:
        return _interval(raw)
    raise ValueError(
        "expected an interval: { min = ..., below = ... } (half-open), or with above (exclusive "
        "lower edge) or max (inclusive upper edge)"
    )


def _interval(raw: dict[str, Any]) -> Cond:
    for v in raw.values():
        if isinstance(v, bool) or not isinstance(v, int | Decimal):
            raise ValueError("min, below, above and max must be numbers")
    if "min" in raw and "above" in raw:
        raise ValueError("give one lower edge: min (included) or above (excluded)")
    if "below" in raw and "max" in raw:
        raise ValueError("give one upper edge: below (excluded) or max (included)")
    got = {k: Decimal(v) for k, v in raw.items()}
    low = got.get("min", got.get("above"))
    high = got.get("below", got.get("max"))
    if low is not None and high is not None:
        if "min" in got and "max" in got:
            if low > high:
                raise ValueError("min must not be more than max")
        elif low >= high:
            raise ValueError("the lower edge must be less than the upper edge")
    return Cond(lo=got.get("min"), below=got.get("below"), above=got.get("above"), top=got.get("max"))


def _atoms(inp: TableInputSpec, rows: Sequence[Row], idx: int) -> list[tuple[Any, str]]:
    """Representative values of each cell along one input, with a label for messages."""
    if inp.type == "enum":
        return [(c, c) for c in inp.choices or []]
    if inp.type == "bool":
        return [(True, "true"), (False, "false")]
    points = {p for r in rows for p in r.conds[idx].bounds if p is not None}
    if any(r.conds[idx].closed_edges for r in rows):
        return _closed_atoms(inp, points)
    lo = Decimal(inp.min) if inp.min is not None else None
    hi = Decimal(inp.below) if inp.below is not None else None
    if lo is not None:
        points.add(lo)
    if hi is not None:
        points.add(hi)
    pts = sorted(p for p in points if (lo is None or p >= lo) and (hi is None or p <= hi))
    out: list[tuple[Any, str]] = []
    if lo is None and pts:
        out.append((pts[0] - 1, f"< {pts[0]}"))
    for a, b in itertools.pairwise(pts):
        out.append((a, f"[{a}, {b})"))
    if hi is None and pts:
        out.append((pts[-1], f">= {pts[-1]}"))
    if not pts:
        out.append((Decimal(0), "any"))
    return out


def _closed_atoms(inp: TableInputSpec, points: set[Decimal]) -> list[tuple[Any, str]]:
    """Cells where some row has an inclusive upper or exclusive lower edge: every boundary is
    a cell of its own, and so is each open interval between two boundaries."""
    lo = Decimal(inp.min) if inp.min is not None else None
    hi = Decimal(inp.below) if inp.below is not None else None
    points |= {p for p in (lo, hi) if p is not None}
    pts = sorted(p for p in points if (lo is None or p >= lo) and (hi is None or p <= hi))
    out: list[tuple[Any, str]] = []
    if lo is None:
        out.append((pts[0] - 1, f"< {pts[0]}"))
    for a, b in itertools.pairwise(pts):
        out.append((a, f"= {a}"))
        out.append(((a + b) / 2, f"({a}, {b})"))
    if hi is None:
        out += [(pts[-1], f"= {pts[-1]}"), (pts[-1] + 1, f"> {pts[-1]}")]
    return out


def _row_masks(axis: list[tuple[Any, str]], rows: Sequence[Row], idx: int) -> list[int]:
    """For each cell along one input, the set of rows matching it, as a bit mask.

    Number conditions cover a contiguous run of cells, so each row is added where its run
    starts and dropped where it ends (one sweep); enum and bool rows name their cells. This
    keeps checking linear in rows times cells instead of rows times rows."""
    n = len(axis)
    values = [a[0] for a in axis]
    start = [0] * (n + 1)
    stop = [0] * (n + 1)
    listed = [0] * n
    for r, row in enumerate(rows):
        cond, bit = row.conds[idx], 1 << r
        if cond.choices is not None:
            for i, v in enumerate(values):
                if v in cond.choices:
                    listed[i] |= bit
            continue
        lo = 0 if cond.lo is None else bisect.bisect_left(values, cond.lo)
        if cond.above is not None:
            lo = bisect.bisect_right(values, cond.above)
        hi = n if cond.below is None else bisect.bisect_left(values, cond.below)
        if cond.top is not None:
            hi = bisect.bisect_right(values, cond.top)
        if lo < hi:
            start[lo] |= bit
            stop[hi] |= bit
    masks, running = [], 0
    for i in range(n):
        running = (running & ~stop[i]) | start[i]
        masks.append(running | listed[i])
    return masks


def table_problems(
    inputs: Sequence[TableInputSpec], version: TableVersion
) -> list[tuple[Message, int | None]]:
    """(message, row index) for gaps, overlaps and unreachable rows."""
    axes = [_atoms(inp, version.rows, i) for i, inp in enumerate(inputs)]
    size = 1
    for ax in axes:
        size *= max(1, len(ax))
    if size > MAX_CELLS:
        return [(D.TOO_MANY_CELLS(size=size), None)]
    masks = [_row_masks(ax, version.rows, i) for i, ax in enumerate(axes)]
    everyone = (1 << len(version.rows)) - 1
    problems: list[tuple[Message, int | None]] = []
    first_hits = any_hits = 0
    gaps: list[str] = []
    for cell in itertools.product(*(range(len(ax)) for ax in axes)):
        hits = everyone
        for axis_masks, i in zip(masks, cell, strict=True):
            hits &= axis_masks[i]
        any_hits |= hits
        if not hits:
            if version.default is None:
                gaps.append(_label(inputs, axes, cell))
            continue
        first = hits & -hits
        first_hits |= first
        rest = hits & ~first
        if version.hit_policy == "unique" and rest:
            one, two = first.bit_length() - 1, (rest & -rest).bit_length() - 1
            overlap = D.OVERLAPPING_ROWS(first=one + 1, second=two + 1, cell=_label(inputs, axes, cell))
            problems.append((overlap, two))
    if gaps:
        problems.append((D.TABLE_GAP(cells="; ".join(gaps[:5])), None))
    for i in range(len(version.rows)):  # e.g. a row below an input's declared ``min``
        if not any_hits >> i & 1:
            problems.append((D.OVERLAPPING_ROWS(form="outside", row=i + 1), i))
    if version.hit_policy == "first":
        for i in range(len(version.rows)):
            if any_hits >> i & 1 and not first_hits >> i & 1:
                problems.append((D.OVERLAPPING_ROWS(form="shadowed", row=i + 1), i))
    return problems


def _label(inputs: Sequence[TableInputSpec], axes: list[list[tuple[Any, str]]], cell: tuple[int, ...]) -> str:
    return ", ".join(f"{inp.name}={ax[i][1]}" for inp, ax, i in zip(inputs, axes, cell, strict=True))
