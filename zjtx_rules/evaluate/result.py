"""What an evaluation returns: outcomes per measure and per tier, and their JSON form.

The JSON contract (``Evaluation.to_dict``) is described once, by the TypedDicts below, and
published as JSON Schema by ``zjtx schema result``; the compact line that ``batch`` writes by
default (``Evaluation.to_compact``, ``CompactDict``) by ``zjtx schema compact``. Reasons and
criteria keep their figures and render their zh/en sentences only when read, so
``to_dict(texts=False)`` and the compact line never pay for text. Money leaves as a string with exactly two
decimals; amounts keep their Python types (``Decimal``, ``int``, ``list``, ``dict``) on the
objects for library users.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from typing import Any, Literal, overload

from zjtx_rules.evaluate.contract import (
    SCHEMA_VERSION as SCHEMA_VERSION,
)
from zjtx_rules.evaluate.contract import (
    AmountJSON as AmountJSON,
)
from zjtx_rules.evaluate.contract import (
    AssumptionDict as AssumptionDict,
)
from zjtx_rules.evaluate.contract import (
    CompactDict as CompactDict,
)
from zjtx_rules.evaluate.contract import (
    CompactPolicyDict as CompactPolicyDict,
)
from zjtx_rules.evaluate.contract import (
    CriterionDict as CriterionDict,
)
from zjtx_rules.evaluate.contract import (
    CriterionStatus as CriterionStatus,
)
from zjtx_rules.evaluate.contract import (
    EvaluationDict as EvaluationDict,
)
from zjtx_rules.evaluate.contract import (
    MeasureDict as MeasureDict,
)
from zjtx_rules.evaluate.contract import (
    PolicyRefDict as PolicyRefDict,
)
from zjtx_rules.evaluate.contract import (
    ReasonDict as ReasonDict,
)
from zjtx_rules.evaluate.contract import (
    ReasonResult as ReasonResult,
)
from zjtx_rules.evaluate.contract import (
    Status as Status,
)
from zjtx_rules.evaluate.contract import (
    TierDict as TierDict,
)
from zjtx_rules.evaluate.contract import (
    TierStatus as TierStatus,
)
from zjtx_rules.evaluate.contract import (
    WarningDict as WarningDict,
)
from zjtx_rules.evaluate.contract import (
    compact_adapter as compact_adapter,
)
from zjtx_rules.evaluate.contract import (
    compact_json_schema as compact_json_schema,
)
from zjtx_rules.evaluate.contract import (
    money_str as money_str,
)
from zjtx_rules.evaluate.contract import (
    result_adapter as result_adapter,
)
from zjtx_rules.evaluate.contract import (
    result_json_schema as result_json_schema,
)
from zjtx_rules.evaluate.reasons import (
    criterion_sentence,
    format_measure_value,
    plain_number,
    render_template,
)
from zjtx_rules.evaluate.totals import Totals, totals_of
from zjtx_rules.expr.values import CONTEXT
from zjtx_rules.package.spec import CriterionSpec
from zjtx_rules.program.assumptions import Assumption


def json_value(value: Any) -> Any:
    """A fact or derived value as JSON (Decimals as strings, dates ISO)."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return None


# --- outcomes -------------------------------------------------------------------------------


@dataclass(slots=True)
class Reason:
    """One condition's verdict. Texts are rendered from the rule's templates when read."""

    condition: str
    result: ReasonResult
    template_zh: str
    template_en: str
    seen: dict[str, Any] = field(default_factory=dict)  # every value the texts may show
    shown: tuple[str, ...] = ()  # the facts and derived values reported under "values"

    @property
    def text_zh(self) -> str:
        return render_template(self.template_zh, self.seen, "zh")

    @property
    def text_en(self) -> str:
        return render_template(self.template_en, self.seen, "en")

    @property
    def values(self) -> dict[str, Any]:
        out = {}
        for name in self.shown:
            v = self.seen.get(name)
            if v is not None and isinstance(v, bool | str | int | Decimal | date):
                out[name] = v
        return out

    def to_dict(self, texts: bool = True) -> ReasonDict:
        seen = self.seen
        values = {}
        for name in self.shown:  # one pass: pick and serialise, as ``values`` would
            v = seen.get(name)
            if v is not None and isinstance(v, bool | str | int | Decimal | date):
                values[name] = json_value(v)
        if not texts:
            return {"condition": self.condition, "result": self.result, "values": values}  # type: ignore[typeddict-item]
        return {
            "condition": self.condition,
            "result": self.result,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
            "values": values,
        }


@dataclass
class MeasureOutcome:
    id: str
    clause: str
    title_zh: str
    title_en: str
    benefit: str
    status: Status
    amounts: dict[str, Any]
    amount_types: dict[str, str]
    reasons: list[Reason]
    missing: list[str]
    responsible_units: list[str]
    assumptions: list[Assumption] = field(default_factory=list)
    amount_assumptions: dict[str, list[str]] = field(default_factory=dict)  # output -> ids

    def assumed(self, output: str) -> bool:
        """Whether an amount rests on an assumed figure or rule choice."""
        return bool(self.amount_assumptions.get(output))

    def to_dict(self, texts: bool = True) -> MeasureDict:
        types = self.amount_types
        return {
            "id": self.id,
            "clause": self.clause,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "benefit": self.benefit,
            "status": self.status,
            "amounts": {k: amount_json(v, types[k]) for k, v in self.amounts.items()},
            "reasons": [r.to_dict(texts) for r in self.reasons],
            "missing": list(self.missing),
            "responsible_units": list(self.responsible_units),
            "assumptions": assumption_dicts(self.assumptions, self.amount_assumptions),
        }


def assumption_dicts(
    items: list[Assumption], by_output: dict[str, list[str]] | None = None
) -> list[AssumptionDict]:
    by_output = by_output or {}
    return [
        {
            "id": a.id,
            "note_zh": a.note_zh,
            "note_en": a.note_en,
            "amounts": [n for n, ids in by_output.items() if a.id in ids],
        }
        for a in items
    ]


def amount_json(value: Any, kind: str) -> AmountJSON:
    if kind == "money":
        return money_str(value)
    if kind == "int":
        return int(value)
    if kind == "money_by_year":
        return {str(int(k)): money_str(v) for k, v in sorted(value.items())}
    if kind in ("number", "ratio"):
        return plain_number(value)
    if kind == "ids":
        return [str(v) for v in value]
    return value  # type: ignore[no-any-return]


@dataclass
class CriterionOutcome:
    """One tier criterion: met, missed or unknown, with the figures; texts built when read."""

    spec: CriterionSpec
    status: CriterionStatus
    actual_value: Decimal | None = None
    required_value: Decimal | None = None
    extra_value: Decimal | None = None
    missing: list[str] = field(default_factory=list)
    applies: bool = True  # False: the criterion does not apply to this enterprise (it holds)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def actual(self) -> str | None:
        v = self.actual_value
        return None if v is None else format_measure_value(v, self.spec.format)

    @property
    def required(self) -> str | None:
        v = self.required_value
        return None if v is None else format_measure_value(v, self.spec.format)

    @property
    def gap(self) -> str | None:
        a, r = self.actual_value, self.required_value
        if self.status != "missed" or a is None or r is None:
            return None
        with localcontext(CONTEXT):
            return format_measure_value(abs(r - a), self.spec.format, gap=True)

    def text(self, lang: str) -> str:
        s = self.spec
        if not self.applies:
            title = s.title_zh if lang == "zh" else s.title_en
            return f"{title}：不适用" if lang == "zh" else f"{title}: not applicable"
        extra = None
        if self.extra_value is not None and s.extra is not None:
            extra = (self.extra_value, s.extra.format, s.extra.text_zh if lang == "zh" else s.extra.text_en)
        return criterion_sentence(
            lang,
            s.title_zh if lang == "zh" else s.title_en,
            self.status,
            s.op,
            s.format,
            self.actual_value,
            self.required_value,
            extra,
            self.missing,
            s.assumption,
        )

    @property
    def text_zh(self) -> str:
        return self.text("zh")

    @property
    def text_en(self) -> str:
        return self.text("en")

    def to_dict(self, texts: bool = True) -> CriterionDict:
        s = self.spec
        d: CriterionDict = {  # type: ignore[typeddict-item]  # without texts: no text_zh/en
            "id": s.id,
            "title_zh": s.title_zh,
            "title_en": s.title_en,
            "status": self.status,
            "actual": self.actual,
            "required": self.required,
            "gap": self.gap,
        }
        if texts:
            d["text_zh"] = self.text_zh
            d["text_en"] = self.text_en
        d["missing"] = list(self.missing)
        d["assumption"] = s.assumption
        d["source"] = s.source
        if not self.applies:
            d["applies"] = False
        return d


@dataclass
class TierOutcome:
    id: str
    title_zh: str
    title_en: str
    status: TierStatus
    criteria: list[CriterionOutcome]
    assumptions: list[Assumption] = field(default_factory=list)

    def to_dict(self, texts: bool = True) -> TierDict:
        return {
            "id": self.id,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "status": self.status,
            "criteria": [c.to_dict(texts) for c in self.criteria],
            "assumptions": assumption_dicts(self.assumptions),
        }


@dataclass
class Evaluation:
    """The answer for one profile on one day: every measure, and readiness for every tier."""

    policy: PolicyRefDict
    as_of: date
    profile_id: str | None
    warnings: list[WarningDict]
    measures: list[MeasureOutcome]
    tiers: list[TierOutcome]
    targets: list[str] = field(default_factory=list)  # the policy targets this enterprise counts toward

    @functools.cached_property
    def totals(self) -> Totals:
        """The cash total (by year, by measure) and the other benefits apart, exact."""
        return totals_of(self.measures)

    def cash_total(self) -> Decimal:
        """The cash the enterprise can get from eligible measures (loan ceilings excluded)."""
        return self.totals.cash

    def cash_by_year(self) -> dict[int, Decimal]:
        return dict(self.totals.cash_by_year)

    def measure(self, measure_id: str) -> MeasureOutcome:
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise KeyError(measure_id)

    def tier(self, tier_id: str) -> TierOutcome:
        for t in self.tiers:
            if t.id == tier_id:
                return t
        raise KeyError(tier_id)

    @overload
    def to_dict(self) -> EvaluationDict: ...
    @overload
    def to_dict(self, texts: Literal[True]) -> EvaluationDict: ...
    @overload
    def to_dict(self, texts: bool) -> EvaluationDict | dict[str, Any]: ...

    def to_dict(self, texts: bool = True) -> EvaluationDict | dict[str, Any]:
        """The whole result as JSON data. ``texts=False`` leaves out the rendered zh/en
        sentences of reasons and criteria (``text_zh``, ``text_en``), which cost more than
        the evaluation itself; every other field is as in the contract."""
        return {
            "schema_version": SCHEMA_VERSION,
            "policy": self.policy,
            "as_of": self.as_of.isoformat(),
            "profile_id": self.profile_id,
            "warnings": list(self.warnings),
            "measures": [m.to_dict(texts) for m in self.measures],
            "totals": self.totals.to_dict(),
            "tiers": [t.to_dict(texts) for t in self.tiers],
            "targets": list(self.targets),
        }

    def to_compact(self) -> CompactDict:
        """Statuses, amounts, missing facts and assumption ids, keyed by id (``CompactDict``),
        built straight from the outcomes in one pass: the default ``zjtx batch`` line."""
        statuses: dict[str, Status] = {}
        amounts: dict[str, dict[str, AmountJSON]] = {}
        missing: dict[str, None] = {}  # ordered sets
        assumed: dict[str, None] = {}
        for m in self.measures:
            statuses[m.id] = m.status
            if m.amounts:
                types = m.amount_types
                amounts[m.id] = {k: amount_json(v, types[k]) for k, v in m.amounts.items()}
            for f in m.missing:
                missing[f] = None
            for a in m.assumptions:
                assumed[a.id] = None
        tiers: dict[str, TierStatus] = {}
        for t in self.tiers:
            tiers[t.id] = t.status
            for a in t.assumptions:
                assumed[a.id] = None
        p = self.policy
        return {
            "schema_version": SCHEMA_VERSION,
            "policy": {"id": p["id"], "version": p["version"], "sha256": p["sha256"]},
            "as_of": self.as_of.isoformat(),
            "profile_id": self.profile_id,
            "warnings": [w["code"] for w in self.warnings],
            "statuses": statuses,
            "amounts": amounts,
            "totals": self.totals.to_compact(),
            "missing": list(missing),
            "assumptions": list(assumed),
            "tiers": tiers,
            "targets": list(self.targets),
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
