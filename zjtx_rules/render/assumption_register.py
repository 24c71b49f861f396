"""The assumptions register of a package: every figure and rule choice the plan does not
state, where it is declared, and the measures and tiers whose result can rest on it.

Built from the declarations (``PackageView.assumptions`` puts the parts in the order a reader
meets them); ``readers`` and ``tier_readers`` say which measures and tiers read a name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from zjtx_rules.package.spec import AssumptionSpec, MeasureSpec, ParameterSpec, TableSpec, TierSpec

Readers = Callable[[str, str], list[str]]  # (name, kind) -> the measures or tiers that read it


@dataclass(frozen=True)
class Assumption:
    """One figure or rule choice the plan does not state, where it is declared."""

    key: str  # stable across versions: what it is, not what it says (e.g. table:x:2022-01-01:tier=a)
    kind: str  # param | table | measure | criterion
    subject: str  # the parameter, table, measure or tier it belongs to
    title: str
    value: str
    source: str
    note: str
    start: date | None
    measures: tuple[str, ...]  # measures whose result can depend on it
    tiers: tuple[str, ...] = ()  # tiers whose readiness can depend on it
    until: date | None = None  # the figure's period ends on this day (exclusive); None: open
    figure: Any = None  # the assumed value itself (``value`` is its plain text)
    figure_type: str = ""  # how to read ``figure``: a parameter or table result type, or a format
    title_en: str = ""
    value_en: str = ""  # a rule choice's reading in English
    note_en: str = ""
    row: dict[str, Any] | None = None  # an assumed table row: its input cells
    refs: tuple[str, ...] = ()  # the sources register entries it cites


def param_assumptions(
    params: dict[str, ParameterSpec], readers: Readers, tier_readers: Readers
) -> list[Assumption]:
    """Each assumed value of a parameter, by period."""
    out: list[Assumption] = []
    for name, p in params.items():
        values = sorted(p.values, key=lambda v: v.from_)
        affected, tiers = tuple(readers(name, "param")), tuple(tier_readers(name, "param"))
        for i, v in enumerate(values):
            if v.assumption:
                out.append(
                    Assumption(
                        f"param:{name}:{v.from_}",
                        "param",
                        name,
                        p.title_zh,
                        show_value(v.value),
                        v.source,
                        v.note,
                        v.from_,
                        affected,
                        tiers,
                        period_until(v.until, values[i + 1].from_ if i + 1 < len(values) else None),
                        v.value,
                        p.type,
                        p.title_en,
                        note_en=v.note_en,
                        refs=tuple(v.refs),
                    )
                )
    return out


def table_assumptions(
    tables: dict[str, TableSpec], readers: Readers, tier_readers: Readers
) -> list[Assumption]:
    """Each assumed version of a decision table, and each assumed row of a version."""
    out: list[Assumption] = []
    for name, t in tables.items():
        affected, tiers = tuple(readers(name, "table")), tuple(tier_readers(name, "table"))
        versions = sorted(t.versions, key=lambda v: v.from_)
        for i, ver in enumerate(versions):
            until = period_until(ver.until, versions[i + 1].from_ if i + 1 < len(versions) else None)
            if ver.assumption:
                out.append(
                    Assumption(
                        f"table:{name}:{ver.from_}",
                        "table",
                        name,
                        t.title_zh,
                        "",
                        ver.source,
                        ver.note,
                        ver.from_,
                        affected,
                        tiers,
                        until,
                        None,
                        t.result,
                        t.title_en,
                        note_en=ver.note_en,
                        refs=tuple(ver.refs),
                    )
                )
            for row in ver.rows:
                if row.get("assumption") is True:
                    key = row_key(t, row)
                    out.append(
                        Assumption(
                            f"table:{name}:{ver.from_}:{key}",
                            "table",
                            name,
                            f"{t.title_zh} [{key}]",
                            show_value(row.get("value")),
                            ver.source,
                            str(row.get("note", "")),
                            ver.from_,
                            affected,
                            tiers,
                            until,
                            row.get("value"),
                            t.result,
                            t.title_en,
                            note_en=str(row.get("note_en", "")),
                            row={i.name: row[i.name] for i in t.inputs if i.name in row},
                            refs=tuple(row.get("refs") or ver.refs),
                        )
                    )
    return out


def detail_assumptions(measures: dict[str, MeasureSpec]) -> list[Assumption]:
    """Each assumed detail of a measure."""
    out: list[Assumption] = []
    for mid, m in measures.items():
        for d in m.details:
            if d.assumption:
                out.append(
                    Assumption(
                        f"measure:{mid}:{d.title_en}",
                        "measure",
                        mid,
                        d.title_zh,
                        "",
                        d.source,
                        d.text_zh,
                        None,
                        (mid,),
                        title_en=d.title_en,
                        note_en=d.text_en,
                        refs=tuple(d.refs),
                    )
                )
    return out


def criterion_assumptions(tiers: dict[str, TierSpec]) -> list[Assumption]:
    """Each assumed criterion of a tier."""
    out: list[Assumption] = []
    for tid, tier in tiers.items():
        for c in tier.criteria:
            if c.assumption:
                out.append(
                    Assumption(
                        f"criterion:{tid}:{c.id}",
                        "criterion",
                        tid,
                        f"{tier.title_zh}: {c.title_zh}",
                        c.required or c.expr,
                        c.source,
                        c.note,
                        c.valid_from,
                        (),
                        (tid,),
                        c.valid_until,
                        c.required or None,
                        c.format,
                        f"{tier.title_en}: {c.title_en}",
                        note_en=c.note_en,
                        refs=tuple(c.refs),
                    )
                )
    return out


def choice_assumptions(
    choices: dict[str, AssumptionSpec], readers: Readers, tier_readers: Readers
) -> list[Assumption]:
    """Each rule choice (``[assumptions.ID]``)."""
    out: list[Assumption] = []
    for cid, choice in choices.items():
        out.append(
            Assumption(
                f"choice:{cid}",
                "choice",
                cid,
                choice.value_zh,
                choice.value_zh,
                choice.source,
                choice.note_zh,
                None,
                tuple(readers(cid, "choice")),
                tuple(tier_readers(cid, "choice")),
                title_en=choice.value_en,
                value_en=choice.value_en,
                note_en=choice.note_en,
                refs=tuple(choice.refs),
            )
        )
    return out


def period_until(until: date | None, next_from: date | None) -> date | None:
    """Where a dated value ends (exclusive): its own ``until``, else the next value's start,
    else ``None`` (open-ended)."""
    if until is not None and next_from is not None:
        return min(until, next_from)
    return until or next_from


def show_value(value: Any) -> str:
    """A parameter or table value as people read it (lists joined, Decimals exact)."""
    if isinstance(value, list):
        return "、".join(show_value(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def row_key(table: TableSpec, row: dict[str, Any]) -> str:
    """A table row named by its input values (``tier=little_giant``): stable across versions."""
    return ", ".join(f"{i.name}={show_value(row.get(i.name, '*'))}" for i in table.inputs)
