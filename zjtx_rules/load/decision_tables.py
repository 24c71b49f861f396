"""Decision tables: inputs, versions (whole, or the rows that changed), rows, coverage.

Entry point: ``decision_tables``."""

from __future__ import annotations

from typing import Any

from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import Words
from zjtx_rules.display import kind_of, listing, plain, shown
from zjtx_rules.expr.types import BOOL, NUMBER, Prim, TableTy, Ty
from zjtx_rules.load.build import PARAM_TYPES, Build
from zjtx_rules.load.files import Site, key_hint
from zjtx_rules.package.source import KeyPath
from zjtx_rules.package.spec import TableSpec
from zjtx_rules.program.assumptions import Assumption, TableNotes
from zjtx_rules.program.periods import Dated, History
from zjtx_rules.program.tables import ROW_META, Row, TableVersion, parse_row_cond, table_problems


def decision_tables(b: Build, histories: dict[str, Any]) -> None:
    """Type, parse and check every table version; add each table's history to ``histories``."""
    for name, (spec, site) in b.tables.items():
        b.types[name] = ("table", _table_type(b, name, spec, site))
        items: list[Dated[TableVersion | None]] = []
        notes: list[Dated[TableNotes]] = []
        every_rows = _version_rows(b, spec, site)
        spec = spec.model_copy(
            update={
                "versions": [
                    v.model_copy(update={"rows": [r for r, _ in rs], "changes": []})
                    for v, rs in zip(spec.versions, every_rows, strict=True)
                ]
            }
        )
        b.tables[name] = (spec, site)  # every version whole, for views and diffs
        for vi, ver in enumerate(spec.versions):
            b.orphan_note(site, ("versions", vi), ver.assumption, ver.note_en)
            ends = b.value_end(site, spec.versions, vi, "versions")
            version, dated_notes = _version(b, name, spec, site, vi, every_rows[vi])
            notes.append(Dated(ver.from_, dated_notes))
            if version is None:
                continue
            items.append(Dated(ver.from_, version))
            if ends is not None:  # nothing is in force from ``until`` to the next version
                items.append(Dated(ends, None))
                notes.append(Dated(ends, TableNotes((), None)))
        history = History(items)
        histories[name] = history
        if any(n.value.any for n in notes):
            b.book.tables[name] = History(notes)
        b.coverage(history, site, "versions")


def _table_type(b: Build, name: str, spec: TableSpec, site: Site) -> TableTy:
    """The type of a table as a function: its inputs' types and its result's (E129)."""
    in_types: list[Ty] = []
    for inp in spec.inputs:
        if inp.type == "enum":
            in_types.append(Prim("string", frozenset(inp.choices or ())))
            if not inp.choices:
                b.ld.report(D.TABLE_INPUT_CHOICES, site)
        else:
            in_types.append(NUMBER if inp.type == "number" else BOOL)
    return TableTy(name, tuple(in_types), PARAM_TYPES[spec.result])


def _version(
    b: Build,
    name: str,
    spec: TableSpec,
    site: Site,
    vi: int,
    every_row: list[tuple[dict[str, Any], KeyPath]],
) -> tuple[TableVersion | None, TableNotes]:
    """One version checked: its rows, default, assumptions and source, then its gaps and
    overlaps; the version (None when a row failed) and the assumptions its rows rest on."""
    ver = spec.versions[vi]
    rows = []
    row_notes: list[Assumption | None] = []
    whole = Assumption(name, ver.note, ver.note_en) if ver.assumption else None
    for raw, row_at in every_row:
        row = _row(b, spec, raw, site, row_at)
        if row is None:
            continue
        rows.append(row)
        row_notes.append(Assumption(name, row.note, row.note_en) if row.assumption else whole)
        b.orphan_note(site, row_at, row.assumption or ver.assumption, row.note_en)
        if row.assumption and not ver.assumption:
            cells = ", ".join(f"{k} = {plain(v)}" for k, v in raw.items() if k not in ROW_META)
            value = f"{name}({cells}) = {plain(row.value)}"
            b.assumption(site, row_at, value, row.note, row.note_en, ver.from_)
    default = None
    if ver.default is not None:
        default = b.param_value(spec.result, ver.default, site, ("versions", vi, "default"))
    if ver.assumption:
        every = "; ".join(
            ", ".join(f"{k} = {plain(v)}" for k, v in raw.items() if k not in ROW_META)
            + f" -> {plain(raw.get('value'))}"
            for raw in ver.rows
        )
        b.assumption(site, ("versions", vi), f"{name}: {every}", ver.note, ver.note_en, ver.from_)
    dated_notes = TableNotes(tuple(row_notes), whole if default is not None else None)
    if not ver.source:
        b.ld.report(D.NO_SOURCE(form="table"), site, sub=("versions", vi))
    if len(rows) != len(ver.rows):
        return None, dated_notes
    version = TableVersion(rows, default, spec.hit_policy)
    for message, bad_row in table_problems(spec.inputs, version):
        where: KeyPath = ("versions", vi) if bad_row is None else ("versions", vi, "rows", bad_row)
        b.ld.report(message, site, sub=where)
    return version, dated_notes


def _version_rows(b: Build, spec: TableSpec, site: Site) -> list[list[tuple[dict[str, Any], KeyPath]]]:
    """Each version's rows with where each was written. A version with ``changes`` instead
    of ``rows`` is the version before it with the rows whose input cells match a change
    replaced by that change (E410 when a change matches no row)."""
    inputs = [i.name for i in spec.inputs]
    out: list[list[tuple[dict[str, Any], KeyPath]]] = []
    for vi, ver in enumerate(spec.versions):
        own: list[tuple[dict[str, Any], KeyPath]] = [
            (r, ("versions", vi, "rows", ri)) for ri, r in enumerate(ver.rows)
        ]
        if not ver.changes:
            if not ver.rows:
                b.ld.report(D.MISSING_KEY(form="rows"), site, sub=("versions", vi))
            out.append(own)
            continue
        if ver.rows or vi == 0:
            b.ld.report(D.BAD_CHANGES, site, sub=("versions", vi, "changes"), at_key=True)
            out.append(own)
            continue
        merged = list(out[-1])
        for ci, change in enumerate(ver.changes):
            cells = {k: v for k, v in change.items() if k in inputs}
            at = next(
                (
                    i
                    for i, (r, _) in enumerate(merged)
                    if {k: r.get(k) for k in inputs} == {**dict.fromkeys(inputs), **cells}
                ),
                None,
            )
            if at is None:
                unmatched = D.BAD_CHANGES(form="no-match", index=ci + 1, cells=shown(cells))
                b.ld.report(unmatched, site, sub=("versions", vi, "changes", ci))
                continue
            merged[at] = (change, ("versions", vi, "changes", ci))
        out.append(merged)
    return out


def _row(b: Build, spec: TableSpec, raw: dict[str, Any], site: Site, sub: KeyPath) -> Row | None:
    names = [i.name for i in spec.inputs]
    unknown = [k for k in raw if k not in names and k not in ROW_META]
    for k in unknown:
        hint = key_hint(k, [*names, *sorted(ROW_META)])
        b.ld.report(D.UNKNOWN_KEY(key=k), site, sub=(*sub, k), hint=hint, at_key=True)
    if "value" not in raw:
        b.ld.report(D.MISSING_KEY(form="value"), site, sub=sub)
        return None
    conds = []
    for inp in spec.inputs:
        try:
            conds.append(parse_row_cond(inp, raw.get(inp.name)))
        except ValueError as exc:
            problem = Words(*_cell_words(inp, raw.get(inp.name), str(exc)))
            b.ld.report(D.BAD_ROW(problem=problem), site, sub=(*sub, inp.name))
            return None
    value = b.param_value(spec.result, raw["value"], site, (*sub, "value"))
    meta_ok = True
    for key, kind in (
        ("assumption", bool),
        ("note", str),
        ("note_en", str),
        ("source", str),
        ("refs", list),
    ):
        if key in raw and not isinstance(raw[key], kind):
            got_zh, got_en = kind_of(raw[key])
            want_zh, want_en = {
                bool: ("true 或 false（不加引号）", "true or false (without quotes)"),
                str: ("加引号的文本", "text in quotes"),
                list: ('来源 id 的列表，如 ["plan"]', 'a list of source ids, such as ["plan"]'),
            }[kind]
            problem = Words(f"应为{want_zh}，实际是{got_zh}", f"expected {want_en}; got {got_en}")
            b.ld.report(D.BAD_VALUE(key=key, problem=problem), site, sub=(*sub, key))
            meta_ok = False
    if value is None or unknown or not meta_ok:
        return None
    return Row(
        tuple(conds),
        value,
        bool(raw.get("assumption", False)),
        str(raw.get("note", "")),
        str(raw.get("note_en", "")),
    )


_CELL_WORDS = {
    "expected true or false": ("应为 true 或 false（不加引号）", "expected true or false (without quotes)"),
    "min and below must be numbers": (
        "min 和 below 应为数字（不加引号）",
        "min and below must be numbers (without quotes)",
    ),
    "min must be less than below": ("min 应小于 below", "min must be less than below"),
}


def _cell_words(inp: Any, cell: Any, said: str) -> tuple[str, str]:
    """A cell problem as the rule author wrote the cell, in both languages."""
    if inp.type == "enum":
        choices = listing(inp.choices or [])
        got_zh, got_en = kind_of(cell)
        return (
            f"输入 '{inp.name}' 的取值应为 {choices} 之一（或它们的列表），实际是{got_zh}",
            f"input '{inp.name}' takes one of {choices} (or a list of them); got {got_en}",
        )
    return _CELL_WORDS.get(
        said,
        (
            "数值输入应写成 { min = …, below = … }（左闭右开区间）",
            "a number input takes { min = …, below = … } (a half-open interval)",
        ),
    )
