"""Parameters: dated values in order, each with a source, each able to end (``until``).

Entry point: ``parameters``."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..assumptions import Assumption
from ..expr.types import NUMBER, STRING, ListTy, Ty
from ..periods import Dated, History
from ..wording import plain
from .build import PARAM_TYPES, Build
from .files import Site


def parameters(b: Build) -> dict[str, Any]:
    """Every parameter's dated values checked and turned into a history, by name."""
    histories: dict[str, Any] = {}
    for name, (spec, site) in b.params.items():
        ty: Ty = PARAM_TYPES.get(spec.type, ListTy(STRING))
        items = []
        notes: list[Dated[Assumption | None]] = []
        for i, val in enumerate(spec.values):
            value = b.param_value(spec.type, val.value, site, ("values", i, "value"))
            if value is None:
                continue
            if spec.type == "list" and value and not isinstance(value[0], str):
                ty = ListTy(NUMBER)
            items.append(Dated(val.from_, value))
            note = None
            b.orphan_note(site, ("values", i), val.assumption, val.note_en)
            if val.assumption:
                b.assumption(
                    site, ("values", i), f"{name} = {plain(value)}", val.note, val.note_en, val.from_
                )
                note = Assumption(name, val.note, val.note_en)
            notes.append(Dated(val.from_, note))
            ends = _value_end(b, spec.values, i, site)
            if ends is not None:  # nothing is in force from ``until`` to the next value
                items.append(Dated(ends, None))
                notes.append(Dated(ends, None))
            if not val.source:
                b.ld.report(
                    "E131",
                    "no-source",
                    "参数取值缺少 source（条款或文件）",
                    "a parameter value needs a source (clause or document)",
                    site,
                    sub=("values", i),
                )
        history = History(items)
        histories[name] = history
        if any(n.value is not None for n in notes):
            b.book.params[name] = History(notes)
        b.types[name] = ("param", ty)
        b.coverage(history, site)
    return histories


def _value_end(b: Build, values: list[Any], i: int, site: Site) -> date | None:
    """Check that value ``i`` starts after the one before and ends (``until``) after it
    starts and no later than the next begins (E407); return its end when a gap follows."""
    val = values[i]
    if i > 0 and val.from_ <= values[i - 1].from_:
        b.period_error(
            site,
            ("values", i, "from"),
            f"取值应按日期先后排列：{val.from_} 不晚于上一条的 {values[i - 1].from_}",
            f"values must be in date order: {val.from_} is not after the previous {values[i - 1].from_}",
        )
    if val.until is None:
        return None
    nxt = values[i + 1].from_ if i + 1 < len(values) else None
    if val.until <= val.from_:
        b.period_error(
            site,
            ("values", i, "until"),
            f"until（{val.until}）应晚于 from（{val.from_}）",
            f"until ({val.until}) must be after from ({val.from_})",
        )
        return None
    if nxt is not None and val.until > nxt:
        b.period_error(
            site,
            ("values", i, "until"),
            f"until（{val.until}）晚于下一条取值的开始日 {nxt}，两条取值重叠",
            f"until ({val.until}) is after the next value starts ({nxt}); the two overlap",
        )
        return None
    return None if val.until == nxt else val.until
