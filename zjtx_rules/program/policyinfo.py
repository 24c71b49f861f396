"""What ``RuleSet.describe`` returns (``GET /v1/policy``): the JSON a portal builds its form from.

Described once, by the TypedDicts below: ``describe`` is type-checked against them, and the
OpenAPI document publishes their JSON Schema as ``Policy``, so that generated clients get
types for the policy, its targets, measures, tiers and facts. The objects are open (a key
added later does not break a client that validates); every key listed here is always sent,
except the ``NotRequired`` ones, which a fact has only when it declares them.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal, NotRequired

from pydantic import Field, TypeAdapter
from typing_extensions import TypedDict

from zjtx_rules.package.spec import Benefit, FactType, OutputType

IsoDate = Annotated[str, Field(json_schema_extra={"format": "date"})]
# a fact's bound as a plain decimal string, exactly as the rules state it ("1000000000000000", "0.5")
DecimalText = Annotated[str, Field(pattern=r"^-?[0-9]+(\.[0-9]+)?$")]


class PolicyInfoDict(TypedDict):
    """The policy's reference (as in every result's ``policy``) with its issuer and validity."""

    id: str
    version: str
    title_zh: str
    title_en: str
    sha256: str
    issuer_zh: str
    issuer_en: str
    source_document: str
    valid_from: IsoDate
    valid_to: IsoDate


class TargetInfoDict(TypedDict):
    """A count the plan sets (enterprises to reach by ``by``, or each year with ``per_year``)."""

    id: str
    title_zh: str
    title_en: str
    count: int
    by: IsoDate
    clause: str
    per_year: bool


class OutputInfoDict(TypedDict):
    """An amount a measure computes; its value is in a result's ``amounts`` under ``name``."""

    name: str
    type: OutputType
    title_zh: str
    title_en: str


class DetailInfoDict(TypedDict):
    """A note on a measure (how it is applied for, what a figure means), with its source."""

    title_zh: str
    title_en: str
    text_zh: str
    text_en: str
    source: str
    assumption: bool


class MeasureInfoDict(TypedDict):
    id: str
    clause: str
    title_zh: str
    title_en: str
    benefit: Benefit
    responsible_units: list[str]
    responsible_units_en: list[str]
    quote: str
    audience_zh: str
    audience_en: str
    outputs: list[OutputInfoDict]
    details: list[DetailInfoDict]


class TierInfoDict(TypedDict):
    id: str
    title_zh: str
    title_en: str


class ChoiceInfoDict(TypedDict):
    value: str
    label_zh: str
    label_en: str


class FactInfoDict(TypedDict):
    """A fact a profile may give (or, in ``fields``, a field of a list fact's records)."""

    name: str
    type: FactType
    required: bool
    label_zh: str
    label_en: str
    question_zh: str
    question_en: str
    unit: str
    unit_en: str
    # ratio facts only: how a form asks for it ("percent": 45 for 45%; "fraction": 0.45); the
    # profile JSON takes the fraction either way
    ask: NotRequired[Literal["percent", "fraction"]]
    min: NotRequired[DecimalText]
    max: NotRequired[DecimalText]
    below: NotRequired[DecimalText]  # exclusive upper bound
    choices: NotRequired[list[ChoiceInfoDict]]
    max_length: NotRequired[int]
    max_items: NotRequired[int]
    format: NotRequired[Literal["credit_code"]]
    fields: NotRequired[list[FactInfoDict]]


class PolicyDescriptionDict(TypedDict):
    """Everything a portal needs to build its own form and explain the measures."""

    policy: PolicyInfoDict
    targets: list[TargetInfoDict]
    measures: list[MeasureInfoDict]
    tiers: list[TierInfoDict]
    facts: list[FactInfoDict]


@functools.cache
def policy_adapter() -> TypeAdapter[PolicyDescriptionDict]:
    """Validates ``describe()`` output against its contract (tests)."""
    return TypeAdapter(PolicyDescriptionDict)


def policy_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``GET /v1/policy`` (draft 2020-12, ``$defs`` for the parts)."""
    schema = policy_adapter().json_schema()
    schema["title"] = "zjtx_rules policy description"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
