"""Facts: the profile model, bounds that make sense, labels for every choice.

Entry point: ``profile_validator``."""

from __future__ import annotations

import re

from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import Message
from zjtx_rules.display import shown
from zjtx_rules.load.build import Build
from zjtx_rules.load.files import Site, key_hint
from zjtx_rules.package.source import KeyPath
from zjtx_rules.package.spec import FieldSpec
from zjtx_rules.profile.model import ProfileValidator, fact_type


def profile_validator(b: Build) -> ProfileValidator | None:
    """Check every fact declaration and build the profile model (None when it cannot be built)."""
    for name, (spec, site) in b.facts.items():
        _check_fact_spec(b, spec, site, ())
        b.types[name] = ("fact", fact_type(name, spec))
    try:
        return ProfileValidator({n: s for n, (s, _) in b.facts.items()})
    except Exception as exc:  # a declaration pydantic cannot build; reported, not raised
        b.ld.report(D.FACTS_UNBUILDABLE(error=exc), None)
        return None


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
