"""The JSON contracts of a result: the whole result (``EvaluationDict``, ``zjtx schema result``)
and the compact batch line (``CompactDict``, ``zjtx schema compact``), described once as
TypedDicts and published as JSON Schema. Versioned by ``SCHEMA_VERSION`` (see CHANGELOG.md).
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any, Literal, NotRequired

from pydantic import TypeAdapter
from typing_extensions import TypedDict

SCHEMA_VERSION = "1.2"
Status = Literal["eligible", "ineligible", "undetermined"]
ReasonResult = Literal["pass", "fail", "unknown"]
TierStatus = Literal["held", "surpassed", "ready", "not_ready", "undetermined"]
CriterionStatus = Literal["met", "missed", "unknown"]


# --- the JSON contract ----------------------------------------------------------------------

AmountJSON = str | int | bool | list[str] | dict[str, str]


class ReasonDict(TypedDict):
    condition: str
    result: Literal["pass", "fail", "unknown"]
    text_zh: str
    text_en: str
    values: dict[str, Any]


class AssumptionDict(TypedDict):
    """An assumed figure or rule choice the outcome rested on (schema 1.1).

    ``id`` is the parameter, decision table or rule choice as named in the package (e.g.
    ``talent_quota``); ``amounts`` lists the outputs whose figures it shaped (empty when it
    decided only the status).
    """

    id: str
    note_zh: str
    note_en: str
    amounts: list[str]


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
    assumptions: list[AssumptionDict]


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
    applies: NotRequired[bool]  # present, false, when the criterion does not apply (it holds)


class TierDict(TypedDict):
    id: str
    title_zh: str
    title_en: str
    status: TierStatus
    criteria: list[CriterionDict]
    assumptions: list[AssumptionDict]


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


class BenefitGroupDict(TypedDict):
    eligible: list[str]
    undetermined: list[str]


class CompactTotalsDict(TypedDict):
    """The cash an enterprise can get (``Evaluation.totals``), money as strings: only eligible
    cash measures count; ``cash_cny`` equals the sum of ``cash_by_year`` and
    ``cash_unsplit_cny`` (cash of measures that give no split by year). Loans, funds and
    quotas are never summed into it."""

    cash_cny: str
    cash_by_year: dict[str, str]
    cash_unsplit_cny: str
    cash_by_measure: dict[str, str]
    cash_assumed: list[str]  # measures whose cash rests on an assumed figure or rule choice


class TotalsDict(CompactTotalsDict):
    """The cash totals and, by benefit kind, which measures are eligible or undetermined."""

    by_benefit: dict[str, BenefitGroupDict]


class EvaluationDict(TypedDict):
    schema_version: str
    policy: PolicyRefDict
    as_of: str
    profile_id: str | None
    warnings: list[WarningDict]
    measures: list[MeasureDict]
    totals: TotalsDict
    tiers: NotRequired[list[TierDict]]
    targets: NotRequired[list[str]]


@functools.cache
def result_adapter() -> TypeAdapter[EvaluationDict]:
    """Validates result dicts against the contract (used by tests and the web API)."""
    return TypeAdapter(EvaluationDict)


def result_json_schema() -> dict[str, Any]:
    return _published(result_adapter(), "zjtx_rules evaluation result")


def _published(adapter: TypeAdapter[Any], title: str) -> dict[str, Any]:
    """A contract's JSON Schema as ``zjtx schema`` publishes it: titled, draft 2020-12."""
    schema = adapter.json_schema()
    schema["title"] = title
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


class CompactPolicyDict(TypedDict):
    id: str
    version: str
    sha256: str


class CompactDict(TypedDict):
    """One result in a few hundred bytes: the default ``zjtx batch`` line (with ``line``).

    Keyed by id, in the package's order: ``statuses`` has every measure; ``amounts`` only the
    measures that have any; ``missing`` every fact whose absence left a measure undetermined
    (first use first; which measure needed which is in the full result); ``assumptions`` every
    assumed figure or rule choice the result rested on (measures and tiers, first use first);
    ``tiers`` maps a tier to its status. Keeping ``missing`` and ``assumptions`` as flat lists
    holds a line near 2 KB however many measures a fact or an assumption touches. ``--full``
    gives the whole result (``EvaluationDict``) instead.
    """

    line: NotRequired[int]
    schema_version: str
    policy: CompactPolicyDict
    as_of: str
    profile_id: str | None
    warnings: list[str]
    statuses: dict[str, Status]
    amounts: dict[str, dict[str, AmountJSON]]
    totals: CompactTotalsDict
    missing: list[str]
    assumptions: list[str]
    tiers: dict[str, TierStatus]
    targets: list[str]


@functools.cache
def compact_adapter() -> TypeAdapter[CompactDict]:
    """Validates compact lines against their contract (tests, analysts' tools)."""
    return TypeAdapter(CompactDict)


def compact_json_schema() -> dict[str, Any]:
    return _published(compact_adapter(), "zjtx_rules compact batch line")


def money_str(value: Decimal) -> str:
    """``Decimal`` money (already rounded by its rule) as ``"12345.67"``; never ``-0.00``."""
    q = value.quantize(Decimal("0.01"))
    return f"{(q if q != 0 else Decimal('0.00')):.2f}"
