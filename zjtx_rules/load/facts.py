"""Facts: the profile model, bounds that make sense, labels for every choice.

Entry point: ``profile_validator``."""

from __future__ import annotations

import re

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
        b.ld.report(
            "E124",
            "bad-fact",
            f"事实声明无法构建: {exc}",
            f"fact declarations cannot be built: {exc}",
            None,
        )
        return None


def _check_fact_spec(b: Build, spec: FieldSpec, site: Site, sub: KeyPath) -> None:
    _texts(b, spec, site, sub)
    lacking = [c for c in spec.choices or () if not (spec.choice_labels_en or {}).get(c)]
    if lacking:
        b.no_english(site, (*sub, "choice_labels_en"), ", ".join(lacking))
    if spec.unit and not spec.unit_en:
        b.no_english(site, (*sub, "unit"), spec.unit)
    if spec.type == "enum" and not spec.choices:
        b.ld.report("E125", "bad-fact", "enum 类型需要 choices", "an enum needs choices", site, sub=sub)
    if spec.type == "list":
        if not spec.fields:
            b.ld.report("E125", "bad-fact", "list 类型需要 fields", "a list needs fields", site, sub=sub)
        for fname, fspec in (spec.fields or {}).items():
            if fspec.type == "list":
                b.ld.report(
                    "E125",
                    "bad-fact",
                    "列表不能嵌套列表",
                    "lists cannot nest lists",
                    site,
                    sub=(*sub, "fields", fname),
                )
            _check_fact_spec(b, fspec, site, (*sub, "fields", fname))
            sibling = (spec.fields or {}).get(fspec.not_before or "")
            if fspec.not_before and (fspec.type != "date" or sibling is None or sibling.type != "date"):
                b.ld.report(
                    "E125",
                    "bad-fact",
                    "not_before 只能用于日期字段，并指向同一记录的另一个日期字段",
                    "not_before belongs on a date field and must name another date field of the record",
                    site,
                    sub=(*sub, "fields", fname, "not_before"),
                )
    if spec.type in ("int", "decimal", "money", "ratio", "year_money_map") and (
        spec.min is None or (spec.below is None and spec.max is None)
    ):
        b.ld.report(
            "E126",
            "unbounded-number",
            "数值事实（含按年金额表）必须声明 min 和 below（或 max）界限",
            "a numeric fact (a by-year amount map too) must declare min and below (or max) bounds",
            site,
            sub=sub,
        )
    _check_bounds(b, spec, site, sub)
    for key in ("choice_labels_zh", "choice_labels_en"):
        labels: dict[str, str] = getattr(spec, key) or {}
        for label in labels:
            if label not in (spec.choices or ()):
                hz, he = key_hint(label, list(spec.choices or ()))
                b.ld.report(
                    "E209",
                    "unknown-choice",
                    f"{key} 中的 '{label}' 不是 choices 里的选项",
                    f"'{label}' in {key} is not one of the choices",
                    site,
                    sub=(*sub, key, label),
                    hint=(hz, he),
                    at_key=True,
                )


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

    def bad(key: str, zh: str, en: str) -> None:
        b.ld.report("E141", "bad-bounds", zh, en, site, sub=(*sub, key))

    if below is not None and top is not None:
        bad("max", "below 与 max 只能写一个", "write below or max, not both")
    if lo is not None and below is not None and lo >= below:
        bad(
            "below",
            f"min（{shown(lo)}）应小于 below（{shown(below)}）",
            f"min ({shown(lo)}) must be less than below ({shown(below)})",
        )
    if lo is not None and top is not None and lo > top:
        bad(
            "max",
            f"min（{shown(lo)}）不应大于 max（{shown(top)}）",
            f"min ({shown(lo)}) must not exceed max ({shown(top)})",
        )
    if spec.typical is not None:
        low, high = spec.typical
        outside = (
            low > high
            or (lo is not None and low < lo)
            or (below is not None and high >= below)
            or (top is not None and high > top)
        )
        if outside:
            bad(
                "typical",
                f"typical [{shown(low)}, {shown(high)}] 应为由小到大、且在 min/below/max 界限之内",
                f"typical [{shown(low)}, {shown(high)}] must run low to high, inside min and below/max",
            )
