"""Pydantic models of the rule-file documents: the shape policy staff write, keys checked.

Unknown keys are refused (a misspelt ``asumption`` must not silently drop a flag). These
models only describe the files; meaning (names, types, cycles) is checked in ``loader``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

FactType = Literal[
    "bool", "int", "decimal", "money", "ratio", "date", "enum", "string", "list", "year_money_map"
]
OutputType = Literal["money", "int", "number", "ratio", "ids", "money_by_year", "bool", "text"]
# a benefit kind: one of the package's (``[policy.benefits]``) or of DEFAULT_BENEFITS, checked at load
Benefit = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


def _int_to_decimal(value: Any) -> Any:
    """TOML writes ``0`` and ``0.5`` as different types; both are numbers to a rule author.
    Anything else (``"0.5"``, ``true``) is left for strict validation to refuse."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _list_to_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


Number = Annotated[Decimal, BeforeValidator(_int_to_decimal)]
Text = Annotated[str, Field(min_length=1)]  # a key that must say something when it is there
# ids of entries of the package's sources register (``[sources.ID]``): what a figure rests on
Refs = Annotated[list[str], Field(default_factory=list)]


class Strict(BaseModel):
    """Closed keys, exact types: ``"false"`` is not false and ``1`` is not a note."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Titled(Strict):
    title_zh: Text
    title_en: Text


# the benefit kinds of a subsidy plan, the default set when a package declares none
# (in the order a calculator page groups measures, with the labels it shows them under)
DEFAULT_BENEFITS: dict[str, tuple[str, str]] = {
    "cash": ("资金奖补", "Cash support"),
    "loan": ("融资贷款", "Loans"),
    "fund": ("基金投资", "Equity funds"),
    "priority": ("优先支持", "Priority support"),
    "pool": ("培育入库", "Cultivation pool"),
    "service": ("服务支持", "Services"),
    "quota": ("支持名额", "Quota places"),
}


class BenefitKindSpec(Strict):
    """A benefit kind a package's measures may name (``[policy.benefits.KIND]``)."""

    label_zh: Text
    label_en: Text


class AssumedFieldSpec(Strict):
    """A ``[policy]`` field that is itself an assumption (``[policy.assumed.FIELD]``): the
    text gives no figure for it, so results that rest on it say so."""

    note_zh: Text
    note_en: Text
    refs: Refs


class PolicySpec(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: str
    title_zh: str
    title_en: str
    issuer_zh: str
    issuer_en: str
    source_document: str
    valid_from: date
    valid_to: date  # the last day applications are accepted (inclusive)
    note_zh: str = ""
    note_en: str = ""
    # the plan's own text, a file inside the package: every measure's quote must occur in it
    source_text: str = Field(min_length=1)
    refs: Refs  # the register entry of the plan itself, and any others it rests on
    # how reports cite a measure's clause: "第{clause}条" for a numbered clause, "{clause}" for
    # an annex item that names itself ("附件 一、创新能力")
    clause_format_zh: str = Field(default="第{clause}条", pattern=r"\{clause\}")
    clause_format_en: str = Field(default="clause {clause}", pattern=r"\{clause\}")
    # what reports call the period from valid_from to valid_to
    period_name_zh: Text = "政策期"
    period_name_en: Text = "policy period"
    # the kinds of benefit the measures name, with labels; none declared: DEFAULT_BENEFITS
    benefits: dict[str, BenefitKindSpec] = Field(default_factory=dict)
    # fields of [policy] that are assumptions (e.g. valid_to, when the text sets no end)
    assumed: dict[Literal["valid_from", "valid_to"], AssumedFieldSpec] = Field(default_factory=dict)
    # what a summary leads with: "cash" (the cash total) or "MEASURE.OUTPUT" (a score)
    headline: list[str] = Field(default_factory=lambda: ["cash"])
    # the words reports use for a measure's status, where a package's differ from a subsidy
    # plan's (可享受 / 不符合 / 待确定): e.g. { eligible = "符合认定条件" }
    status_words_zh: dict[Literal["eligible", "ineligible", "undetermined"], Text] = Field(
        default_factory=dict
    )
    status_words_en: dict[Literal["eligible", "ineligible", "undetermined"], Text] = Field(
        default_factory=dict
    )
    # the heading of tier readiness in reports (a package names its clause if it has one)
    tiers_title_zh: Text = "梯度培育"
    tiers_title_en: Text = "Tier readiness"

    def clause_label(self, clause: str, lang: str) -> str:
        return (self.clause_format_zh if lang == "zh" else self.clause_format_en).replace("{clause}", clause)

    def benefit_kinds(self) -> dict[str, tuple[str, str]]:
        """Every benefit kind with its (zh, en) label: the package's, or the default set."""
        if self.benefits:
            return {k: (b.label_zh, b.label_en) for k, b in self.benefits.items()}
        return dict(DEFAULT_BENEFITS)

    def period_name(self, lang: str) -> str:
        return self.period_name_zh if lang == "zh" else self.period_name_en


class TargetSpec(Titled):
    count: int = Field(ge=0)
    by: date | None = None  # the policy's last day (``valid_to``) unless it says otherwise
    expr: str = ""  # an enterprise counts toward the target when this is true
    quote: str  # the plan's words that set the target, with its count written in them
    source: str = ""
    note: str = ""
    clause: str = ""  # a clause's own target (section 一's targets have none)
    per_year: bool = False  # a count to reach every year up to ``by``, not once by ``by``
    refs: Refs


# where a form puts a fact whose declaration names no section: (id, title_zh, title_en)
DEFAULT_SECTION = ("other", "其他信息", "Other")


class SectionSpec(Titled):
    """A section of a form (``[sections.ID]``): facts naming it (``section = "ID"``) are
    asked together under its title. Sections are shown by ``order``, then as declared."""

    order: int | None = None


class FieldSpec(Strict):
    """A fact, or a field of a record inside a list fact."""

    type: FactType
    label_zh: str = ""
    label_en: str = ""
    question_zh: str = ""
    question_en: str = ""
    unit: str = ""
    unit_en: str = ""  # the unit as an English reader writes it; the page shows it in English mode
    required: bool = False
    min: Number | None = None
    below: Number | None = None  # exclusive upper bound
    max: Number | None = None  # inclusive upper bound
    choices: list[str] | None = None
    choice_labels_zh: dict[str, str] | None = None
    choice_labels_en: dict[str, str] | None = None
    max_length: int | None = Field(default=None, ge=1, le=10_000)
    max_items: int | None = Field(default=None, ge=1, le=100_000)
    format: Literal["credit_code"] | None = None
    # decimal places a money fact accepts (default 2: fen); declared where sub-fen inputs are real
    decimals: int | None = Field(default=None, ge=0, le=12)
    fields: dict[str, FieldSpec] | None = None
    unique: bool = False  # a record field whose values must differ across the list
    not_before: str | None = None  # a date field that may not precede this sibling date field
    # the range most real values fall in (not a limit): synthetic profiles draw from it
    typical: Annotated[tuple[Number, Number], BeforeValidator(_list_to_tuple)] | None = None
    # how a form asks a person for a ratio: "percent" (45 for 45%) or "fraction" (0.45); the
    # profile JSON always carries the fraction, whichever way the person is asked
    ask: Literal["percent", "fraction"] = "fraction"
    # the form section ([sections.ID]) a fact is asked in; none: DEFAULT_SECTION (not on a record's field)
    section: str = ""
    note: str = ""


class ValueSpec(Strict):
    from_: date = Field(alias="from")
    until: date | None = None  # the value ends on this day (exclusive); nothing is in force after
    value: Any
    source: str = ""
    assumption: bool = False
    note: str = ""  # in Chinese
    note_en: str = ""  # the same note in English (required with assumption = true)
    refs: Refs


class ParameterSpec(Titled):
    # no default: deleting ``type`` must not silently turn a date or a ratio into a number
    type: Literal["number", "money", "ratio", "int", "bool", "string", "date", "list"]
    unit: str = ""
    values: list[ValueSpec] = Field(min_length=1)


class TableInputSpec(Strict):
    name: str
    type: Literal["enum", "number", "bool"]
    choices: list[str] | None = None
    min: Number | None = None
    below: Number | None = None


class TableVersionSpec(Strict):
    from_: date = Field(alias="from")
    until: date | None = None  # the version ends on this day (exclusive), like a parameter value
    source: str = ""
    assumption: bool = False
    note: str = ""
    note_en: str = ""
    refs: Refs
    rows: list[dict[str, Any]] = Field(default_factory=list)
    # instead of rows: the rows of the previous version that change (matched by their input
    # cells), every other row carried over as it was
    changes: list[dict[str, Any]] = Field(default_factory=list)
    default: Any = None


class TableSpec(Titled):
    # no defaults: a deleted hit policy or result type changes what the table means
    hit_policy: Literal["first", "unique"]
    result: Literal["number", "int", "money", "ratio", "string", "bool"]
    inputs: list[TableInputSpec] = Field(min_length=1, max_length=6)
    versions: list[TableVersionSpec] = Field(min_length=1)


class InvariantSpec(Strict):
    id: str
    expr: str
    message_zh: str
    message_en: str


class DerivedSpec(Strict):
    expr: str
    title_zh: str = ""
    title_en: str = ""
    note: str = ""
    assumptions: list[str] = Field(default_factory=list)  # rule choices this value rests on


class AssumptionSpec(Strict):
    """A rule choice the plan does not state (not a figure): how a clause is read.

    Conditions, outputs, derived values and criteria name it in their ``assumptions`` list;
    a result lists it when one of those decided the outcome and ``applies`` (an expression,
    default true) holds, e.g. only when the fact a default stands in for is missing.
    """

    value_zh: str
    value_en: str
    note_zh: str
    note_en: str
    source: str = ""
    refs: Refs
    applies: str = ""
    warn: bool = False  # when it applies, the result also carries warning W703 with value_zh/en


class ConditionSpec(Strict):
    id: str
    expr: str
    pass_zh: str
    pass_en: str
    fail_zh: str
    fail_en: str
    unknown_zh: str = ""
    unknown_en: str = ""
    assumptions: list[str] = Field(default_factory=list)


class OutputTableSpec(Titled):
    """How a page shows a ``money_by_year`` output beside the records it comes from: a row per
    record of the list fact ``records`` (headed by its field ``key``), the record's yearly
    figures (its ``year_money_map`` field ``by_year``), the output as the last row (``total_zh/en``,
    default: the output's title). ``selected`` (an ``ids`` output) marks each row in or out;
    ``caption`` outputs are shown with the title; ``covers`` names more outputs the table shows.
    A page shows none of these outputs again on its own."""

    records: str
    key: str
    by_year: str
    total_zh: str = ""
    total_en: str = ""
    selected: str = ""
    caption: list[str] = Field(default_factory=list)
    covers: list[str] = Field(default_factory=list)


class OutputSpec(Strict):
    type: OutputType
    expr: str
    title_zh: str = ""
    title_en: str = ""
    rounding: Literal["half_up", "down"] = "half_up"
    # how batch summaries add this output up: "budget" sums money (by year), "count" sums
    # integers or the lengths of id lists
    summary: Literal["", "budget", "count"] = ""
    assumptions: list[str] = Field(default_factory=list)
    # "eligible": reported only when the measure is eligible (a payment); "always": reported
    # whatever the status whenever the facts it needs are known (a score the firm should see
    # even when it falls short). An "always" output reads only facts, parameters, derived
    # values and earlier "always" outputs.
    report: Literal["eligible", "always"] = "eligible"
    # a money_by_year output a page shows as a table of the records it comes from
    table: OutputTableSpec | None = None


class DetailSpec(Strict):
    title_zh: str
    title_en: str
    text_zh: str
    text_en: str
    source: str = ""
    refs: Refs
    assumption: bool = False


class MeasureSpec(Titled):
    clause: Text
    section_zh: str = ""
    quote: Text
    benefit: Benefit
    responsible_units: list[str] = Field(min_length=1)
    responsible_units_en: list[str] = Field(default_factory=list)  # same order as responsible_units
    audience_zh: str = ""
    audience_en: str = ""
    conditions: list[ConditionSpec] = Field(min_length=1)
    outputs: dict[str, OutputSpec] = Field(default_factory=dict)
    details: list[DetailSpec] = Field(default_factory=list)
    rank_by: str = ""  # an output that ranks eligible enterprises in batch summaries
    select_at_least: int = Field(default=0, ge=0)
    closed_from: date | None = None  # the measure accepts no one from this day on
    closed_note_zh: str = ""
    closed_note_en: str = ""
    note: str = ""


class ExtraSpec(Strict):
    expr: str
    format: Literal["money", "percent", "number", "years"] = "money"
    text_zh: str
    text_en: str


class CriterionSpec(Titled):
    id: str
    # when the criterion applies at all (营收5000万元以下: "revenue_cny < 50000000"); where it
    # is false the criterion is not applicable: it holds for the tier, and reads as such
    applies: str = ""
    expr: str = ""
    actual: str = ""
    op: Literal[">=", ">", "<=", "<"] | None = None
    required: str = ""
    or_expr: str = ""
    format: Literal["money", "percent", "number", "years"] = "number"
    extra: ExtraSpec | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    source: str = ""
    assumption: bool = False
    note: str = ""
    note_en: str = ""
    assumptions: list[str] = Field(default_factory=list)
    refs: Refs


class TierSpec(Titled):
    order: int
    held: str
    source: str = ""
    refs: Refs
    criteria: list[CriterionSpec] = Field(min_length=1)
    # rule choices a gap analysis of this tier rests on as a whole, such as criteria of the
    # standard that the profile cannot judge; listed whenever the tier's criteria are shown
    assumptions: list[str] = Field(default_factory=list)


Confidence = Literal["read_verbatim", "second_hand", "not_found"]


class SourceSpec(Strict):
    """One public document the package rests on, in its sources register.

    ``confidence`` says how the text was read: ``read_verbatim`` (the words were seen, in the
    original or a faithful copy), ``second_hand`` (only a summary, or copies that disagree),
    ``not_found`` (looked for, not found: a figure that rests on it is an assumption).
    """

    title_zh: Text
    title_en: str = ""
    number: str = ""  # the document number (文号), e.g. 工信部企业〔2022〕63号
    issuer_zh: str = ""
    issuer_en: str = ""
    issued_on: date | None = None  # issued (or published) on
    in_force_from: date | None = None
    url: str = Field(default="", pattern=r"^(https?://\S+)?$")  # where the public can read it
    copies: list[Annotated[str, Field(pattern=r"^https?://\S+$")]] = Field(default_factory=list)
    confidence: Confidence
    note_zh: str = ""
    note_en: str = ""


class RuleDocument(Strict):
    """One TOML file of a rule package; any of these sections may appear in any file."""

    policy: PolicySpec | None = None
    targets: dict[str, TargetSpec] = Field(default_factory=dict)
    sections: dict[str, SectionSpec] = Field(default_factory=dict)
    facts: dict[str, FieldSpec] = Field(default_factory=dict)
    parameters: dict[str, ParameterSpec] = Field(default_factory=dict)
    tables: dict[str, TableSpec] = Field(default_factory=dict)
    assumptions: dict[str, AssumptionSpec] = Field(default_factory=dict)
    invariants: list[InvariantSpec] = Field(default_factory=list)
    derived: dict[str, DerivedSpec] = Field(default_factory=dict)
    measures: dict[str, MeasureSpec] = Field(default_factory=dict)
    tiers: dict[str, TierSpec] = Field(default_factory=dict)
    sources: dict[str, SourceSpec] = Field(default_factory=dict)


class CaseExpectSpec(Strict):
    status: Literal["eligible", "ineligible", "undetermined"] | None = None
    amounts: dict[str, Any] = Field(default_factory=dict)
    missing: list[str] | None = None
    assumptions: list[str] | None = None  # the assumption ids, in any order
    reasons_contain: list[str] = Field(default_factory=list)  # each in some reason's text_zh or text_en
    reasons_omit: list[str] = Field(default_factory=list)  # in no reason's text_zh or text_en


class TierExpectSpec(Strict):
    status: Literal["held", "surpassed", "ready", "not_ready", "undetermined"] | None = None
    # "<absent>": the tier lists no such criterion (not in force that day, or the tier not gapped)
    criteria: dict[str, Literal["met", "missed", "unknown", "<absent>"]] = Field(default_factory=dict)
    gaps: dict[str, str] = Field(default_factory=dict)
    texts: dict[str, str] = Field(default_factory=dict)  # criterion id -> text in its text_zh or text_en
    assumptions: list[str] | None = None


class CaseSpec(Strict):
    name: str
    as_of: date
    profile: dict[str, Any] | None = None
    profile_file: str | None = None
    patch: dict[str, Any] = Field(default_factory=dict)
    remove: list[str] = Field(default_factory=list)
    expect: dict[str, CaseExpectSpec] = Field(default_factory=dict)
    expect_tiers: dict[str, TierExpectSpec] = Field(default_factory=dict)
    expect_targets: list[str] | None = None  # the result's target ids, in any order
    expect_warnings: list[str] | None = None
    expect_error_paths: list[str] | None = None


class SummaryCaseSpec(Strict):
    """A batch of profiles and what its summary must say (see ``casesummary``)."""

    name: str
    as_of: date
    profile_files: list[str] = Field(default_factory=list)
    profiles: list[dict[str, Any]] = Field(default_factory=list)
    expect: dict[str, Any] = Field(min_length=1)

    @model_validator(mode="after")
    def _some_profile(self) -> SummaryCaseSpec:
        if not self.profile_files and not self.profiles:
            raise ValueError(
                "汇总用例需要 profile_files 或 profiles | a summary case needs profile_files or profiles"
            )
        return self


class CaseFileSpec(Strict):
    cases: list[CaseSpec] = Field(default_factory=list)
    summaries: list[SummaryCaseSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _some_case(self) -> CaseFileSpec:
        if not self.cases and not self.summaries:
            raise ValueError(
                "用例文件需要 [[cases]] 或 [[summaries]] | a case file needs [[cases]] or [[summaries]]"
            )
        return self
