"""What ``RuleSet.describe`` returns (``GET /v1/policy``): the JSON a portal builds its form from.

Described once, by the TypedDicts below: ``describe`` is type-checked against them, and the
OpenAPI document publishes their JSON Schema as ``Policy``, so that generated clients get
types for the policy, its targets, measures, tiers and facts. The objects are open (a key
added later does not break a client that validates); every key listed here is always sent,
except the ``NotRequired`` ones, which a fact has only when it declares them. Keys added to
the contract later (what a page needs to build itself from the package: its headline, how it
cites a clause, its benefit kinds, the form's sections, the parameters' titles, an output's
table) are always sent too, but ``NotRequired``, so that a client generated from this schema
still reads the answer of a server from before them.
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


class BenefitInfoDict(TypedDict):
    """How a kind of benefit is called (``[policy.benefits.KIND]``, or one of the default seven)."""

    label_zh: str
    label_en: str


StatusWords = dict[Literal["eligible", "ineligible", "undetermined"], str]


class PolicyInfoDict(TypedDict):
    """The policy's reference (as in every result's ``policy``) with its issuer and validity,
    and how a page presents it: what its summary leads with, how it cites a clause, the names
    of its period, of its tier readiness and of its benefit kinds."""

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
    # what a summary leads with, in order: "cash" (the cash total) or "MEASURE.OUTPUT" (a score)
    headline: NotRequired[list[str]]
    # a clause cited in each language: "{clause}" stands for a measure's clause ("第{clause}条")
    clause_format_zh: NotRequired[str]
    clause_format_en: NotRequired[str]
    # what the period from valid_from to valid_to is called ("政策期", "policy period")
    period_name_zh: NotRequired[str]
    period_name_en: NotRequired[str]
    # the heading of tier readiness
    tiers_title_zh: NotRequired[str]
    tiers_title_en: NotRequired[str]
    # every benefit kind a measure may name, in the order a page groups measures by them
    benefits: NotRequired[dict[str, BenefitInfoDict]]
    # a status in the package's own words, where they are not a subsidy plan's (可享受 / 不符合 /
    # 待确定); empty when the package keeps those
    status_words_zh: NotRequired[StatusWords]
    status_words_en: NotRequired[StatusWords]


class SectionInfoDict(TypedDict):
    """A section of the form (``[sections.ID]``, or the default ``other``), in display order."""

    id: str
    title_zh: str
    title_en: str


class ParameterInfoDict(TypedDict):
    """A parameter by its title, so that prose naming it can say what it is."""

    id: str
    title_zh: str
    title_en: str


class TargetInfoDict(TypedDict):
    """A count the plan sets (enterprises to reach by ``by``, or each year with ``per_year``)."""

    id: str
    title_zh: str
    title_en: str
    count: int
    by: IsoDate
    clause: str
    per_year: bool


class OutputTableInfoDict(TypedDict):
    """A ``money_by_year`` output shown as a table of the records it comes from: a row per
    record of the list fact ``records`` (headed by its field ``key``, its yearly figures from
    its field ``by_year``), the output as the last row (``total_zh/en``). ``selected`` (an
    ``ids`` output, or ``""``) marks rows in or out; ``caption`` outputs are shown with the
    title; ``covers`` are further outputs the table shows. None of them is shown on its own."""

    records: str
    key: str
    by_year: str
    title_zh: str
    title_en: str
    total_zh: str
    total_en: str
    selected: str
    caption: list[str]
    covers: list[str]


class OutputInfoDict(TypedDict):
    """An amount a measure computes; its value is in a result's ``amounts`` under ``name``."""

    name: str
    type: OutputType
    title_zh: str
    title_en: str
    # "eligible": in the amounts of an eligible measure only; "always": whenever it can be computed
    report: NotRequired[Literal["eligible", "always"]]
    table: NotRequired[OutputTableInfoDict]  # only on an output that declares one


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
    # the id of the section (in ``sections``) a fact of the profile is asked in; not on a record's field
    section: NotRequired[str]


class PolicyDescriptionDict(TypedDict):
    """Everything a portal needs to build its own form and explain the measures."""

    policy: PolicyInfoDict
    targets: list[TargetInfoDict]
    measures: list[MeasureInfoDict]
    tiers: list[TierInfoDict]
    facts: list[FactInfoDict]
    # the form's sections in display order: those some fact names, and ``other`` when a fact names none
    sections: NotRequired[list[SectionInfoDict]]
    parameters: NotRequired[list[ParameterInfoDict]]


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
