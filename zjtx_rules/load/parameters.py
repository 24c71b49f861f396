"""Parameters: dated values in order, each with a source, each able to end (``until``).

Entry point: ``parameters``."""

from __future__ import annotations

from typing import Any

from zjtx_rules import diagnostics as D
from zjtx_rules.display import plain
from zjtx_rules.expr.types import NUMBER, STRING, ListTy, Ty
from zjtx_rules.load.build import PARAM_TYPES, Build
from zjtx_rules.program.assumptions import Assumption
from zjtx_rules.program.periods import Dated, History


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
            ends = b.value_end(site, spec.values, i, "values")
            if ends is not None:  # nothing is in force from ``until`` to the next value
                items.append(Dated(ends, None))
                notes.append(Dated(ends, None))
            if not val.source:
                b.ld.report(D.NO_SOURCE, site, sub=("values", i))
        history = History(items)
        histories[name] = history
        if any(n.value is not None for n in notes):
            b.book.params[name] = History(notes)
        b.types[name] = ("param", ty)
        b.coverage(history, site, "values")
    return histories
