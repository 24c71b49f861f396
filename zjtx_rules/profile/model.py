"""Enterprise profiles: the validating model built from a package's fact declarations.

A profile is JSON (or a dict), read by ``json_input.parse_json``. Validation is a pydantic
``TypeAdapter`` over a ``TypedDict`` built from the declarations (each value's annotation from
``formats``, each error worded by ``wording``), so the validated profile is a plain dict
holding only the facts given: a fact that is absent (or null) is *unknown*, not false.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain
from typing import Annotated, Any, Literal, NotRequired, Required

from pydantic import ConfigDict, Field, StrictBool, StrictStr, TypeAdapter, ValidationError, WithJsonSchema
from typing_extensions import TypedDict

from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import Message, Words
from zjtx_rules.display import JSON, bounded
from zjtx_rules.errors import ProfileError
from zjtx_rules.expr.types import BOOL, DATE, NUMBER, STRING, ListTy, MapTy, Prim, RecordTy, Ty
from zjtx_rules.package.spec import FieldSpec
from zjtx_rules.profile.formats import CREDIT_CODE, YEAR_KEY, date_type, number_type, year_key_type
from zjtx_rules.profile.formats import decimal_pattern as decimal_pattern
from zjtx_rules.profile.json_input import MAX_PROFILE_BYTES as MAX_PROFILE_BYTES
from zjtx_rules.profile.json_input import parse_json as parse_json
from zjtx_rules.profile.wording import issues_of, json_path

_NONE = type(None)

# GB 32100-2015 unified social credit code: 31-character alphabet, weights 3^i mod 31.
_CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def credit_code_check_char(first17: str) -> str:
    total = sum(_CC_CHARS.index(c) * w for c, w in zip(first17, _CC_WEIGHTS, strict=True))
    return _CC_CHARS[(31 - total % 31) % 31]


def describe_fact(spec: FieldSpec) -> str:
    """The schema description of a fact: its labels, question and note, zh and en."""
    lines = [" / ".join(x for x in (spec.label_zh, spec.label_en) if x)]
    lines.append(" / ".join(x for x in (spec.question_zh, spec.question_en) if x))
    lines.append(spec.note)
    check, repeat, order = D.BAD_CHECK_CHARACTER.code, D.REPEATED_ID.code, D.DATES_OUT_OF_ORDER.code
    if spec.format == "credit_code" and check not in spec.note:
        lines.append(
            f"GB 32100-2015 校验码不符时给出警告 {check}，不拒绝 / a wrong GB 32100-2015 check character "
            f"gives warning {check}, not a rejection"
        )
    if spec.unique:
        lines.append(
            f"列表内应唯一；重复时给出警告 {repeat} / "
            f"should be unique in the list; a repeat gives warning {repeat}"
        )
    if spec.not_before:
        lines.append(
            f"不应早于同一条记录的 {spec.not_before}；早于时给出警告 {order}，按已到期计算 / "
            f"should not be before {spec.not_before} of the same record; if it is, warning {order} "
            "and the record counts as expired"
        )
    return "\n".join(x for x in lines if x)


def field_annotation(name: str, spec: FieldSpec) -> Any:
    """The pydantic annotation for one declared fact or record field."""
    t = spec.type
    if t == "bool":
        ann: Any = StrictBool
    elif t in ("int", "decimal", "money", "ratio"):
        ann = number_type(spec, t)[0]
    elif t == "date":
        ann = date_type()
    elif t == "enum":
        ann = Literal[tuple(spec.choices or ())]
    elif t == "string":
        if spec.format == "credit_code":
            ann = Annotated[StrictStr, Field(pattern=CREDIT_CODE)]
        else:
            ann = Annotated[StrictStr, Field(max_length=spec.max_length or 200)]
    elif t == "list":
        record = record_typeddict(name, spec.fields or {})
        ann = Annotated[list[record], Field(max_length=spec.max_items or 1000)]  # type: ignore[valid-type]
    elif t == "year_money_map":
        money, money_schema = number_type(
            FieldSpec(type="money", min=spec.min, below=spec.below, max=spec.max, decimals=spec.decimals),
            "money",
        )
        limit = spec.max_items or 100
        map_schema = {
            "type": "object",
            "propertyNames": {"pattern": YEAR_KEY},
            "additionalProperties": money_schema,
            "maxProperties": limit,
        }
        ann = Annotated[
            dict[year_key_type(), money],  # type: ignore[misc]
            Field(max_length=limit),
            WithJsonSchema(map_schema),
        ]
    else:  # pragma: no cover - FactType is a closed Literal
        raise AssertionError(t)
    return ann


def record_typeddict(name: str, fields: Mapping[str, FieldSpec]) -> Any:
    members: dict[str, Any] = {}
    for fname, fspec in fields.items():
        ann = field_annotation(f"{name}.{fname}", fspec)
        members[fname] = Required[ann] if fspec.required else NotRequired[ann | None]
    return _typeddict(f"{name}_item", members, ConfigDict(extra="forbid"))


def _typeddict(name: str, members: dict[str, Any], config: ConfigDict) -> Any:
    """A TypedDict class built at run time from declarations (pydantic validates it)."""
    make: Any = TypedDict
    td: Any = make(name, members)
    td.__pydantic_config__ = config
    return td


def fact_type(name: str, spec: FieldSpec) -> Ty:
    """The static type a fact has inside expressions."""
    t = spec.type
    if t == "bool":
        return BOOL
    if t in ("int", "decimal", "money", "ratio"):
        return NUMBER
    if t == "date":
        return DATE
    if t == "enum":
        return Prim("string", frozenset(spec.choices or ()))
    if t == "string":
        return STRING
    if t == "year_money_map":
        return MapTy(NUMBER, NUMBER)
    fields = tuple((f, fact_type(f"{name}.{f}", s)) for f, s in (spec.fields or {}).items())
    return ListTy(RecordTy(name, fields))


class ProfileValidator:
    """Validates a profile against the declared facts and returns the facts that are known.

    It enforces exactly what ``json_schema()`` publishes; checks that JSON Schema cannot say
    (the credit code's check character, unique ids in a list) are ``warnings``, not errors.
    """

    def __init__(self, facts: Mapping[str, FieldSpec]) -> None:
        self.facts = dict(facts)
        members: dict[str, Any] = {}
        for name, spec in facts.items():
            ann = field_annotation(name, spec)
            members[name] = Required[ann] if spec.required else NotRequired[ann | None]
        td = _typeddict("Profile", members, ConfigDict(extra="forbid", title="Profile"))
        self.adapter: TypeAdapter[Any] = TypeAdapter(td)
        self._lists = [n for n, s in facts.items() if s.type == "list"]
        self._unique = [
            (n, f)
            for n, s in facts.items()
            if s.type == "list"
            for f, fs in (s.fields or {}).items()
            if fs.unique
        ]
        self._credit_codes = [n for n, s in facts.items() if s.format == "credit_code"]
        self._date_order = [
            (n, f, fs.not_before)
            for n, s in facts.items()
            for f, fs in (s.fields or {}).items()
            if fs.not_before
        ]

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of a profile, each property described by its fact's labels and question."""
        schema = self.adapter.json_schema()

        def describe(props: dict[str, Any], specs: Mapping[str, FieldSpec]) -> None:
            for name, spec in specs.items():
                text = describe_fact(spec)
                if text and name in props:
                    props[name]["description"] = text

        describe(schema["properties"], self.facts)
        for name, spec in self.facts.items():
            item = schema.get("$defs", {}).get(f"{name}_item")
            if item is not None:
                describe(item["properties"], spec.fields or {})
        return schema

    def validate(self, doc: Any) -> dict[str, Any]:
        """Return the known facts (nulls dropped); raise ``ProfileError`` listing every problem."""
        try:
            out: dict[str, Any] = self.adapter.validate_python(doc)
        except ValidationError as exc:
            raise ProfileError(issues_of(exc.errors(include_url=False), self.facts)) from None
        # pydantic's dicts are new ones: copied only where a null is to be dropped. (Looking
        # for NoneType among the types compares type objects; ``None in values`` compared
        # each Decimal with None, 4 µs a profile.)
        known = {k: v for k, v in out.items() if v is not None} if _NONE in map(type, out.values()) else out
        for name in self._lists:
            items = known.get(name)
            if items is not None and _NONE in map(type, chain.from_iterable(map(dict.values, items))):
                known[name] = [{k: v for k, v in item.items() if v is not None} for item in items]
        return known

    def warnings(self, known: Mapping[str, Any]) -> list[Message]:
        """Warnings W720 (credit-code check character), W721 (a repeated id in a list) and W722
        (dates out of order in a record)."""
        out = []
        # W722: a record date declared ``not_before`` a sibling that comes before it. JSON Schema
        # cannot compare two fields, so by the contract this warns; the record counts as expired.
        for name, fname, other in self._date_order:
            for i, item in enumerate(known.get(name, ())):
                late, early = item.get(fname), item.get(other)
                if late is not None and early is not None and late < early:
                    where = json_path((name, i, fname))
                    out.append(
                        D.DATES_OUT_OF_ORDER(path=where, field=fname, late=late, other=other, early=early)
                    )
        for name in self._credit_codes:
            code = known.get(name)
            if isinstance(code, str) and credit_code_check_char(code[:17]) != code[17]:
                out.append(D.BAD_CHECK_CHARACTER(name=name, want=credit_code_check_char(code[:17])))
        for name, fname in self._unique:
            seen: set[Any] = set()
            for i, item in enumerate(known.get(name, ())):
                key = item.get(fname)
                if key is not None and key in seen:
                    value = Words(bounded(key, JSON, lang="zh"), bounded(key, JSON))
                    out.append(D.REPEATED_ID(path=json_path((name, i, fname)), value=value))
                seen.add(key)
        return out
