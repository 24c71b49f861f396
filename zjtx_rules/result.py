"""What an evaluation returns: outcomes per measure and per tier, and their JSON form.

The JSON contract (``Evaluation.to_dict``) is described once, by the TypedDicts below, and
published as JSON Schema by ``zjtx schema result``. Money leaves as a string with exactly two
decimals; amounts keep their Python types (``Decimal``, ``int``, ``list``, ``dict``) on the
objects for library users.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal, NotRequired

from pydantic import TypeAdapter
from typing_extensions import TypedDict

SCHEMA_VERSION = "1.0"
Status = Literal["eligible", "ineligible", "undetermined"]
ReasonResult = Literal["pass", "fail", "unknown"]
TierStatus = Literal["held", "ready", "not_ready", "undetermined"]
CriterionStatus = Literal["met", "missed", "unknown"]


def money_str(value: Decimal) -> str:
    """``Decimal`` money (already rounded by its rule) as ``"12345.67"``; never ``-0.00``."""
    q = value.quantize(Decimal("0.01"))
    return f"{(q if q != 0 else Decimal('0.00')):.2f}"


def plain_number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0E+0") else text


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


# --- the JSON contract ----------------------------------------------------------------------

AmountJSON = str | int | bool | list[str] | dict[str, str]


class ReasonDict(TypedDict):
    condition: str
    result: Literal["pass", "fail", "unknown"]
    text_zh: str
    text_en: str
    values: dict[str, Any]


class MeasureDict(TypedDict):
    id: str
    clause: str
    title_zh: str
    title_en: str
    benefit: str
    status: Status
    amounts: dict[str, AmountJSON]
    reasons: list[ReasonDict]
    missing: list[str]
    responsible_units: list[str]


class CriterionDict(TypedDict):
    id: str
    title_zh: str
    title_en: str
    status: Literal["met", "missed", "unknown"]
    actual: str | None
    required: str | None
    gap: str | None
    text_zh: str
    text_en: str
    missing: list[str]
    assumption: bool
    source: str


class TierDict(TypedDict):
    id: str
    title_zh: str
    title_en: str
    status: Literal["held", "ready", "not_ready", "undetermined"]
    criteria: list[CriterionDict]


class PolicyRefDict(TypedDict):
    id: str
    version: str
    title_zh: str
    title_en: str
    sha256: str


class WarningDict(TypedDict):
    code: str
    message_zh: str
    message_en: str


class EvaluationDict(TypedDict):
    schema_version: str
    policy: PolicyRefDict
    as_of: str
    profile_id: str | None
    warnings: list[WarningDict]
    measures: list[MeasureDict]
    tiers: NotRequired[list[TierDict]]


@functools.cache
def result_adapter() -> TypeAdapter[EvaluationDict]:
    """Validates result dicts against the contract (used by tests and the web API)."""
    return TypeAdapter(EvaluationDict)


def result_json_schema() -> dict[str, Any]:
    schema = result_adapter().json_schema()
    schema["title"] = "zjtx_rules evaluation result"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


# --- outcomes -------------------------------------------------------------------------------


@dataclass
class Reason:
    condition: str
    result: Literal["pass", "fail", "unknown"]
    text_zh: str
    text_en: str
    values: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> ReasonDict:
        return {
            "condition": self.condition,
            "result": self.result,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
            "values": {k: json_value(v) for k, v in self.values.items()},
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

    def to_dict(self) -> MeasureDict:
        return {
            "id": self.id,
            "clause": self.clause,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "benefit": self.benefit,
            "status": self.status,
            "amounts": {k: amount_json(v, self.amount_types[k]) for k, v in self.amounts.items()},
            "reasons": [r.to_dict() for r in self.reasons],
            "missing": list(self.missing),
            "responsible_units": list(self.responsible_units),
        }


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
    id: str
    title_zh: str
    title_en: str
    status: Literal["met", "missed", "unknown"]
    actual: str | None
    required: str | None
    gap: str | None
    text_zh: str
    text_en: str
    missing: list[str]
    assumption: bool
    source: str

    def to_dict(self) -> CriterionDict:
        return {
            "id": self.id,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "status": self.status,
            "actual": self.actual,
            "required": self.required,
            "gap": self.gap,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
            "missing": list(self.missing),
            "assumption": self.assumption,
            "source": self.source,
        }


@dataclass
class TierOutcome:
    id: str
    title_zh: str
    title_en: str
    status: Literal["held", "ready", "not_ready", "undetermined"]
    criteria: list[CriterionOutcome]

    def to_dict(self) -> TierDict:
        return {
            "id": self.id,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "status": self.status,
            "criteria": [c.to_dict() for c in self.criteria],
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

    def to_dict(self) -> EvaluationDict:
        return {
            "schema_version": SCHEMA_VERSION,
            "policy": self.policy,
            "as_of": self.as_of.isoformat(),
            "profile_id": self.profile_id,
            "warnings": list(self.warnings),
            "measures": [m.to_dict() for m in self.measures],
            "tiers": [t.to_dict() for t in self.tiers],
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
