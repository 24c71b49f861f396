"""Facts: the profile model, bounds that make sense, labels for every choice, the form
section each is asked in, and the tables of records that outputs show (an output's ``table``).

Entry point: ``profile_validator``."""

from __future__ import annotations

import re

from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import Message
from zjtx_rules.display import shown
from zjtx_rules.expr.check import did_you_mean
from zjtx_rules.load.build import Build
from zjtx_rules.load.files import Site, key_hint
from zjtx_rules.package.source import KeyPath
from zjtx_rules.package.spec import FieldSpec, MeasureSpec
from zjtx_rules.profile.model import ProfileValidator, fact_type


def profile_validator(b: Build) -> ProfileValidator | None:
    """Check every fact declaration and build the profile model (None when it cannot be built)."""
    sections = _sections(b)
    for name, (spec, site) in b.facts.items():
        _check_fact_spec(b, spec, site, ())
        _check_section(b, spec, site, sections)
        b.types[name] = ("fact", fact_type(name, spec))
    _check_output_tables(b)
    try:
        return ProfileValidator({n: s for n, (s, _) in b.facts.items()})
    except Exception as exc:  # a declaration pydantic cannot build; reported, not raised
        b.ld.report(D.FACTS_UNBUILDABLE(error=exc), None)
        return None


def _sections(b: Build) -> set[str]:
    """The form sections the package's files declare (``[sections.ID]``), each once (E202)."""
    seen: set[str] = set()
    for src in b.ld.sources:
        declared = src.data.get("sections")
        for sid in declared if isinstance(declared, dict) else ():
            if sid in seen:
                b.ld.report(D.DUPLICATE_NAME(form="section", name=sid), Site(src, ("sections", sid), ""))
            seen.add(sid)
    return seen


def _check_section(b: Build, spec: FieldSpec, site: Site, sections: set[str]) -> None:
    """A fact's section is declared (E212); a record's field has none."""
    if spec.section and spec.section not in sections and not b.broken_name(spec.section):
        hint = did_you_mean(spec.section, sorted(sections))
        b.ld.report(D.UNKNOWN_SECTION(name=spec.section), site, sub=("section",), hint=hint)
    for fname, fspec in (spec.fields or {}).items():
        if fspec.section:
            b.ld.report(D.UNKNOWN_SECTION(form="field"), site, sub=("fields", fname, "section"))


def _check_output_tables(b: Build) -> None:
    """An output's ``table`` names a list fact, fields of its records and outputs of its own
    measure (E213): what a page needs to lay the records out beside the yearly amounts."""
    for spec, site in b.measures.values():
        for oname, out in spec.outputs.items():
            if out.table is not None:
                _check_table(b, spec, site, oname)


def _check_table(b: Build, spec: MeasureSpec, site: Site, oname: str) -> None:
    out = spec.outputs[oname]
    table = out.table
    assert table is not None
    sub: KeyPath = ("outputs", oname, "table")

    def bad(key: str, message: Message, value: str, names: list[str]) -> None:
        b.ld.report(message, site, sub=(*sub, key), hint=did_you_mean(value, names))

    if out.type != "money_by_year":
        b.ld.report(D.BAD_OUTPUT_TABLE, site, sub=sub)
    records = b.facts.get(table.records)
    if records is None or records[0].type != "list":
        if not b.broken_name(table.records):
            lists = [n for n, (f, _) in b.facts.items() if f.type == "list"]
            bad("records", D.BAD_OUTPUT_TABLE(form="records", name=table.records), table.records, lists)
    else:
        fields = records[0].fields or {}
        if table.key not in fields or fields[table.key].type == "year_money_map":
            keys = [n for n, f in fields.items() if f.type != "year_money_map"]
            message = D.BAD_OUTPUT_TABLE(form="key", records=table.records, name=table.key)
            bad("key", message, table.key, keys)
        by_year = fields.get(table.by_year)
        if by_year is None or by_year.type != "year_money_map":
            maps = [n for n, f in fields.items() if f.type == "year_money_map"]
            message = D.BAD_OUTPUT_TABLE(form="by-year", records=table.records, name=table.by_year)
            bad("by_year", message, table.by_year, maps)
    others = [n for n in spec.outputs if n != oname]
    chosen = spec.outputs.get(table.selected) if table.selected != oname else None
    if table.selected and (chosen is None or chosen.type != "ids"):
        ids = [n for n in others if spec.outputs[n].type == "ids"]
        bad("selected", D.BAD_OUTPUT_TABLE(form="selected", name=table.selected), table.selected, ids)
    for key in ("caption", "covers"):
        for i, name in enumerate(getattr(table, key)):
            if name not in others:
                message = D.BAD_OUTPUT_TABLE(form="output", name=name)
                b.ld.report(message, site, sub=(*sub, key, i), hint=did_you_mean(name, others))


def _check_fact_spec(b: Build, spec: FieldSpec, site: Site, sub: KeyPath) -> None:
    _texts(b, spec, site, sub)
    lacking = [c for c in spec.choices or () if not (spec.choice_labels_en or {}).get(c)]
    if lacking:
        b.no_english(site, (*sub, "choice_labels_en"), ", ".join(lacking))
    if spec.unit and not spec.unit_en:
        b.no_english(site, (*sub, "unit"), spec.unit)
    if spec.type == "enum" and not spec.choices:
        b.ld.report(D.BAD_FACT, site, sub=sub)
    if spec.type == "list":
        if not spec.fields:
            b.ld.report(D.BAD_FACT(form="list-fields"), site, sub=sub)
        for fname, fspec in (spec.fields or {}).items():
            if fspec.type == "list":
                b.ld.report(D.BAD_FACT(form="nested-list"), site, sub=(*sub, "fields", fname))
            _check_fact_spec(b, fspec, site, (*sub, "fields", fname))
            sibling = (spec.fields or {}).get(fspec.not_before or "")
            if fspec.not_before and (fspec.type != "date" or sibling is None or sibling.type != "date"):
                b.ld.report(D.BAD_FACT(form="not-before"), site, sub=(*sub, "fields", fname, "not_before"))
    if spec.type in ("int", "decimal", "money", "ratio", "year_money_map") and (
        spec.min is None or (spec.below is None and spec.max is None)
    ):
        b.ld.report(D.UNBOUNDED_NUMBER, site, sub=sub)
    _check_bounds(b, spec, site, sub)
    for key in ("choice_labels_zh", "choice_labels_en"):
        labels: dict[str, str] = getattr(spec, key) or {}
        for label in labels:
            if label not in (spec.choices or ()):
                hint = key_hint(label, list(spec.choices or ()))
                unknown = D.UNKNOWN_LABEL_CHOICE(key=key, label=label)
                b.ld.report(unknown, site, sub=(*sub, key, label), hint=hint, at_key=True)


_CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _texts(b: Build, spec: FieldSpec, site: Site, sub: KeyPath) -> None:
    """What the form shows of a fact, in Chinese (E128) and English (W801): its label; for a
    fact of the profile (not a field of a list's records, which is a column headed by its
    label) its question; a label for each choice, unless the choice is Chinese text itself."""
    asked = not sub
    b.chinese_given = b.chinese_given or bool(spec.label_zh.strip() or spec.question_zh.strip())
    if not spec.label_zh.strip():
        b.no_chinese(site, (*sub, "label_zh"))
    if not spec.label_en.strip():
        b.no_english(site, (*sub, "label_en"), spec.label_zh or site.context)
    if asked and not spec.question_zh.strip():
        b.no_chinese(site, (*sub, "question_zh"))
    if asked and not spec.question_en.strip():
        b.no_english(site, (*sub, "question_en"), spec.question_zh or spec.label_zh or site.context)
    labels = spec.choice_labels_zh or {}
    unlabelled = [c for c in spec.choices or () if not labels.get(c, "").strip() and not _CHINESE.search(c)]
    if unlabelled:
        b.no_chinese(site, (*sub, "choice_labels_zh"), ", ".join(unlabelled))


def _check_bounds(b: Build, spec: FieldSpec, site: Site, sub: KeyPath) -> None:
    """Bounds that contradict each other, and a typical range outside them (E141)."""
    lo, below, top = spec.min, spec.below, spec.max

    def bad(key: str, message: Message) -> None:
        b.ld.report(message, site, sub=(*sub, key))

    if below is not None and top is not None:
        bad("max", D.BAD_BOUNDS(form="both"))
    if lo is not None and below is not None and lo >= below:
        bad("below", D.BAD_BOUNDS(min=shown(lo), below=shown(below)))
    if lo is not None and top is not None and lo > top:
        bad("max", D.BAD_BOUNDS(form="max", min=shown(lo), max=shown(top)))
    if spec.typical is not None:
        low, high = spec.typical
        outside = (
            low > high
            or (lo is not None and low < lo)
            or (below is not None and high >= below)
            or (top is not None and high > top)
        )
        if outside:
            bad("typical", D.BAD_BOUNDS(form="typical", low=shown(low), high=shown(high)))
