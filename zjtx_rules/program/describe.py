"""What a portal builds its form from (``RuleSet.describe``, ``GET /v1/policy``).

The contract is the TypedDicts of ``zjtx_rules.program.policyinfo``; this reads the compiled
program only.
"""

from __future__ import annotations

from zjtx_rules.package.spec import DEFAULT_SECTION, FieldSpec, OutputSpec, SectionSpec
from zjtx_rules.program.model import CompiledMeasure, Program
from zjtx_rules.program.policyinfo import (
    FactInfoDict,
    MeasureInfoDict,
    OutputInfoDict,
    PolicyDescriptionDict,
    SectionInfoDict,
)


def describe(program: Program) -> PolicyDescriptionDict:
    """Everything a portal needs to build its own form and explain the measures
    (``GET /v1/policy``; its contract is ``zjtx_rules.program.policyinfo``)."""
    p = program.policy
    return {
        "policy": {
            "id": p.id,
            "version": p.version,
            "title_zh": p.title_zh,
            "title_en": p.title_en,
            "sha256": program.sha256,
            "issuer_zh": p.issuer_zh,
            "issuer_en": p.issuer_en,
            "source_document": p.source_document,
            "valid_from": p.valid_from.isoformat(),
            "valid_to": p.valid_to.isoformat(),
            "headline": list(p.headline),
            "clause_format_zh": p.clause_format_zh,
            "clause_format_en": p.clause_format_en,
            "period_name_zh": p.period_name_zh,
            "period_name_en": p.period_name_en,
            "tiers_title_zh": p.tiers_title_zh,
            "tiers_title_en": p.tiers_title_en,
            "benefits": {k: {"label_zh": zh, "label_en": en} for k, (zh, en) in p.benefit_kinds().items()},
            "status_words_zh": dict(p.status_words_zh),
            "status_words_en": dict(p.status_words_en),
        },
        "targets": [
            {
                "id": t,
                "title_zh": s.title_zh,
                "title_en": s.title_en,
                "count": s.count,
                "by": (s.by or p.valid_to).isoformat(),
                "clause": s.clause,
                "per_year": s.per_year,
            }
            for t, s in program.targets.items()
        ],
        "measures": [_measure(m) for m in program.measures],
        "tiers": [
            {"id": t.id, "title_zh": t.spec.title_zh, "title_en": t.spec.title_en} for t in program.tiers
        ],
        "facts": [_fact(n, s, asked=True) for n, s in program.facts.items()],
        "sections": sections(program),
        "parameters": [
            {"id": n, "title_zh": s.title_zh, "title_en": s.title_en} for n, s in program.param_specs.items()
        ],
    }


def sections(program: Program) -> list[SectionInfoDict]:
    """The form's sections in display order (by ``order``, then as declared; those without an
    order after those with one), and the default section when some fact names none."""
    declared: dict[str, SectionSpec] = {}
    for _, doc in program.documents:
        for sid, spec in doc.sections.items():
            declared.setdefault(sid, spec)
    ranked = sorted(
        enumerate(declared.items()),
        key=lambda x: (x[1][1].order is None, x[1][1].order or 0, x[0]),
    )
    out: list[SectionInfoDict] = [
        {"id": sid, "title_zh": s.title_zh, "title_en": s.title_en} for _, (sid, s) in ranked
    ]
    other, zh, en = DEFAULT_SECTION
    if other not in declared and any(not f.section for f in program.facts.values()):
        out.append({"id": other, "title_zh": zh, "title_en": en})
    return out


def _measure(m: CompiledMeasure) -> MeasureInfoDict:
    return {
        "id": m.id,
        "clause": m.spec.clause,
        "title_zh": m.spec.title_zh,
        "title_en": m.spec.title_en,
        "benefit": m.spec.benefit,
        "responsible_units": list(m.spec.responsible_units),
        "responsible_units_en": list(m.spec.responsible_units_en or m.spec.responsible_units),
        "quote": m.spec.quote,
        "audience_zh": m.spec.audience_zh,
        "audience_en": m.spec.audience_en,
        "outputs": [_output(n, o) for n, o in m.spec.outputs.items()],
        "details": [
            {
                "title_zh": d.title_zh,
                "title_en": d.title_en,
                "text_zh": d.text_zh,
                "text_en": d.text_en,
                "source": d.source,
                "assumption": d.assumption,
            }
            for d in m.spec.details
        ],
    }


def _output(name: str, o: OutputSpec) -> OutputInfoDict:
    d: OutputInfoDict = {
        "name": name,
        "type": o.type,
        "title_zh": o.title_zh,
        "title_en": o.title_en,
        "report": o.report,
    }
    t = o.table
    if t is not None:
        d["table"] = {
            "records": t.records,
            "key": t.key,
            "by_year": t.by_year,
            "title_zh": t.title_zh,
            "title_en": t.title_en,
            "total_zh": t.total_zh or o.title_zh or name,
            "total_en": t.total_en or o.title_en or name,
            "selected": t.selected,
            "caption": list(t.caption),
            "covers": list(t.covers),
        }
    return d


def _fact(name: str, spec: FieldSpec, *, asked: bool = False) -> FactInfoDict:
    """A fact (or a field of a record fact) as a form shows it: label, question, unit, bounds
    and choices; a fact of the profile (``asked``, not a record's field) its section too."""
    d: FactInfoDict = {
        "name": name,
        "type": spec.type,
        "required": spec.required,
        "label_zh": spec.label_zh,
        "label_en": spec.label_en,
        "question_zh": spec.question_zh,
        "question_en": spec.question_en,
        "unit": spec.unit,
        "unit_en": spec.unit_en or spec.unit,
    }
    if spec.type == "ratio":
        d["ask"] = spec.ask
    if spec.min is not None:
        d["min"] = f"{spec.min.normalize():f}"
    if spec.max is not None:
        d["max"] = f"{spec.max.normalize():f}"
    if spec.below is not None:
        d["below"] = f"{spec.below.normalize():f}"
    if spec.choices:
        d["choices"] = [
            {
                "value": c,
                "label_zh": (spec.choice_labels_zh or {}).get(c, c),
                "label_en": (spec.choice_labels_en or {}).get(c, c),
            }
            for c in spec.choices
        ]
    if spec.max_length:
        d["max_length"] = spec.max_length
    if spec.max_items:
        d["max_items"] = spec.max_items
    if spec.format:
        d["format"] = spec.format
    if spec.fields:
        d["fields"] = [_fact(n, s) for n, s in spec.fields.items()]
    if asked:
        d["section"] = spec.section or DEFAULT_SECTION[0]
    return d
