"""Enterprise profiles: the validating model built from a package's fact declarations.

A profile is JSON (or a dict). Numbers are parsed straight to ``Decimal``, never through a
float; NaN and infinities are refused, and so are numbers longer than ``MAX_NUMBER_CHARS``
characters, before anything is computed. Validation is a pydantic ``TypeAdapter`` over a
``TypedDict`` built from the declarations, so the validated profile is a plain dict holding
only the facts given: a fact that is absent (or null) is *unknown*, not false.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, NotRequired, Required

from pydantic import AfterValidator as After
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)
from typing_extensions import TypedDict

from .errors import ProfileIssue
from .expr.types import BOOL, DATE, NUMBER, STRING, ListTy, MapTy, Prim, RecordTy, Ty
from .spec import FieldSpec

MAX_NUMBER_CHARS = 40
MAX_PROFILE_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 32


# GB 32100-2015 unified social credit code: 31-character alphabet, weights 3^i mod 31.
_CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def credit_code_check_char(first17: str) -> str:
    total = sum(_CC_CHARS.index(c) * w for c, w in zip(first17, _CC_WEIGHTS, strict=True))
    return _CC_CHARS[(31 - total % 31) % 31]


def _check_credit_code(v: str) -> str:
    if len(v) != 18 or any(c not in _CC_CHARS for c in v):
        raise ValueError("credit_code: 18 characters of 0-9 and A-Y without I, O, S, V, Z")
    if credit_code_check_char(v[:17]) != v[17]:
        raise ValueError(f"credit_code: check character should be {credit_code_check_char(v[:17])!r}")
    return v


class _NumberTooLong(ValueError):
    pass


def _parse_number(text: str) -> Decimal:
    if len(text) > MAX_NUMBER_CHARS:
        raise _NumberTooLong(text[:20])
    return Decimal(text)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _depth(doc: Any, limit: int) -> bool:
    stack = [(doc, 1)]
    while stack:
        cur, d = stack.pop()
        if d > limit:
            return False
        if isinstance(cur, dict):
            stack.extend((v, d + 1) for v in cur.values())
        elif isinstance(cur, list):
            stack.extend((v, d + 1) for v in cur)
    return True


def parse_json(data: str | bytes) -> Any:
    """Parse JSON text with every number as ``Decimal``; raise ``ProfileError`` on bad input."""
    from .errors import ProfileError

    def fail(code: str, zh: str, en: str) -> ProfileError:
        return ProfileError([ProfileIssue("$", code, zh, en)])

    if len(data) > MAX_PROFILE_BYTES:
        raise fail(
            "too_large",
            f"输入过大（上限 {MAX_PROFILE_BYTES} 字节）",
            f"input too large (limit {MAX_PROFILE_BYTES} bytes)",
        )
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")  # a BOM from Windows tools is harmless
        except UnicodeDecodeError as exc:
            raise fail("bad_encoding", "输入不是 UTF-8 编码", f"input is not UTF-8: {exc}") from None
    try:
        doc = json.loads(
            data,
            parse_float=_parse_number,
            parse_int=_parse_number,
            parse_constant=_reject_constant,
        )
    except _NumberTooLong as exc:
        raise fail(
            "number_too_long",
            f"数字过长（上限 {MAX_NUMBER_CHARS} 个字符）: {exc}…",
            f"number too long (limit {MAX_NUMBER_CHARS} characters): {exc}...",
        ) from None
    except json.JSONDecodeError as exc:
        raise fail(
            "bad_json",
            f"JSON 格式错误，第 {exc.lineno} 行第 {exc.colno} 列: {exc.msg}",
            f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
        ) from None
    except ValueError as exc:
        raise fail("bad_number", f"不是有效数字: {exc}", f"not a valid number: {exc}") from None
    except RecursionError:
        raise fail("too_deep", "JSON 嵌套过深", "JSON nested too deeply") from None
    if not _depth(doc, MAX_JSON_DEPTH):
        raise fail("too_deep", "JSON 嵌套过深", "JSON nested too deeply")
    return doc


# --- building the validator ---------------------------------------------------------------


def _number_input(v: Any) -> Any:
    """Accept Decimal, int or a decimal string; refuse floats, booleans and absurd literals."""
    if isinstance(v, float):
        raise ValueError("float given; pass a Decimal, an integer or a decimal string")
    if isinstance(v, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(v, str):
        if len(v) > MAX_NUMBER_CHARS:
            raise ValueError(f"number longer than {MAX_NUMBER_CHARS} characters")
        try:
            v = Decimal(v.strip())
        except ArithmeticError:
            raise ValueError("not a decimal number") from None
    if isinstance(v, Decimal):
        if not v.is_finite():
            raise ValueError("NaN and infinities are not numbers")
        _sign, digits, exponent = v.as_tuple()
        if len(digits) > 34 or not -12 <= int(exponent) <= 20:
            raise ValueError("number has too many digits")
    return v


def _date_input(v: Any) -> Any:
    if not isinstance(v, (str, date)):
        raise ValueError("a date must be a string YYYY-MM-DD")
    return v


def _integral(v: Decimal) -> Decimal:
    if v != v.to_integral_value():
        raise ValueError("must be a whole number")
    return v.quantize(Decimal(1))


def _year_key(v: Any) -> int:
    s = str(v)
    if not (len(s) == 4 and s.isdigit() and 1900 <= int(s) <= 2200):
        raise ValueError("a year key must be four digits, 1900-2200")
    return int(s)


def _number_type(spec: FieldSpec, kind: str) -> Any:
    bounds: dict[str, Any] = {}  # finiteness is checked in _number_input (cheaper)
    if spec.min is not None:
        bounds["ge"] = spec.min
    if spec.below is not None:
        bounds["lt"] = spec.below
    if spec.max is not None:
        bounds["le"] = spec.max
    limits: dict[str, Any] = {}
    if spec.min is not None:
        limits["minimum"] = spec.min
    if spec.max is not None:
        limits["maximum"] = spec.max
    if spec.below is not None:
        limits["exclusiveMaximum"] = spec.below
    if kind == "int":
        schema: dict[str, Any] = {"type": "integer", **{k: int(v) for k, v in limits.items()}}
        return Annotated[
            Decimal,
            BeforeValidator(_number_input),
            After(_integral),
            Field(**bounds),
            WithJsonSchema(schema),
        ]
    schema = {
        "anyOf": [
            {"type": "number", **{k: float(v) for k, v in limits.items()}},
            {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"},
        ]
    }
    return Annotated[Decimal, BeforeValidator(_number_input), Field(**bounds), WithJsonSchema(schema)]


def field_annotation(name: str, spec: FieldSpec) -> Any:
    """The pydantic annotation for one declared fact or record field."""
    t = spec.type
    if t == "bool":
        ann: Any = StrictBool
    elif t in ("int", "decimal", "money", "ratio"):
        ann = _number_type(spec, t)
    elif t == "date":
        ann = Annotated[date, BeforeValidator(_date_input)]
    elif t == "enum":
        ann = Literal[tuple(spec.choices or ())]
    elif t == "string":
        extra: list[Any] = [After(_check_credit_code)] if spec.format == "credit_code" else []
        ann = Annotated[StrictStr, Field(max_length=spec.max_length or 200), *extra]
    elif t == "list":
        record = record_typeddict(name, spec.fields or {})
        ann = Annotated[list[record], Field(max_length=spec.max_items or 1000)]  # type: ignore[valid-type]
    elif t == "year_money_map":
        money = _number_type(FieldSpec(type="money", min=spec.min, below=spec.below), "money")
        ann = Annotated[
            dict[Annotated[int, BeforeValidator(_year_key)], money],  # type: ignore[valid-type]
            Field(max_length=spec.max_items or 100),
        ]
    else:  # pragma: no cover - FactType is a closed Literal
        raise AssertionError(t)
    desc = " / ".join(x for x in (spec.label_zh, spec.label_en) if x)
    return Annotated[ann, Field(description=desc or None)]


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


_BOUND_OPS = {"greater_than_equal": ">=", "greater_than": ">", "less_than": "<", "less_than_equal": "<="}

_ZH = {
    "missing": "缺少必填项",
    "extra_forbidden": "未声明的事实名称",
    "literal_error": "不是允许的取值",
    "bool_type": "应为 true 或 false",
    "string_type": "应为字符串",
    "string_too_long": "字符串过长",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_max_places": "小数位数过多",
    "decimal_max_digits": "数字位数过多",
    "finite_number": "数字必须是有限值",
    "greater_than_equal": "小于允许的最小值",
    "greater_than": "小于等于允许的下限",
    "less_than": "超出允许的上限",
    "less_than_equal": "超出允许的最大值",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "date_type": "应为日期 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期 YYYY-MM-DD",
    "list_type": "应为数组",
    "dict_type": "应为对象",
    "too_long": "项目过多",
    "value_error": "取值无效",
    "typed_dict_type": "应为对象",
}


def json_path(loc: tuple[int | str, ...]) -> str:
    out = "$"
    for part in loc:
        if part == "[key]":  # pydantic's marker for "the key itself is invalid"
            continue
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def date_order_issues(facts: Mapping[str, FieldSpec], known: Mapping[str, Any]) -> list[ProfileIssue]:
    """Record date fields declared ``not_before`` a sibling (an expiry before its recognition)."""
    issues = []
    for name, spec in facts.items():
        pairs = [(f, fs.not_before) for f, fs in (spec.fields or {}).items() if fs.not_before]
        for i, item in enumerate(known.get(name, ()) if pairs else ()):
            for fname, other in pairs:
                late, early = item.get(fname), item.get(other)
                if late is not None and early is not None and late < early:
                    issues.append(
                        ProfileIssue(
                            json_path((name, i, fname)),
                            "date_order",
                            f"{fname}（{late}）早于 {other}（{early}）",
                            f"{fname} ({late}) is before {other} ({early})",
                        )
                    )
    return issues


class ProfileValidator:
    """Validates a profile against the declared facts and returns the facts that are known."""

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

    def json_schema(self) -> dict[str, Any]:
        return self.adapter.json_schema()

    def validate(self, doc: Any) -> dict[str, Any]:
        """Return the known facts (nulls dropped); raise ``ProfileError`` listing every problem."""
        from .errors import ProfileError

        try:
            out: dict[str, Any] = self.adapter.validate_python(doc)
        except ValidationError as exc:
            raise ProfileError([self._issue(e) for e in exc.errors()]) from None
        known = {k: v for k, v in out.items() if v is not None}
        for name in self._lists:
            if name in known:
                known[name] = [{k: v for k, v in item.items() if v is not None} for item in known[name]]
        dupes = []
        for name, fname in self._unique:
            seen: set[Any] = set()
            for i, item in enumerate(known.get(name, ())):
                key = item.get(fname)
                if key is not None and key in seen:
                    dupes.append(
                        ProfileIssue(
                            json_path((name, i, fname)),
                            "duplicate",
                            f"重复的 {fname}: {key}",
                            f"duplicate {fname}: {key}",
                        )
                    )
                seen.add(key)
        dupes.extend(date_order_issues(self.facts, known))
        if dupes:
            raise ProfileError(dupes)
        return known

    def _issue(self, err: Any) -> ProfileIssue:
        import difflib

        loc = tuple(err["loc"])
        typ = err["type"]
        zh = _ZH.get(typ, "取值无效")
        en = str(err["msg"])
        ctx = err.get("ctx") or {}
        if typ == "extra_forbidden" and loc:
            close = difflib.get_close_matches(str(loc[-1]), list(self.facts), n=1, cutoff=0.6)
            if close and len(loc) == 1:
                zh += f"；您是否想写 '{close[0]}'?"
                en += f"; did you mean '{close[0]}'?"
        elif typ == "literal_error" and "expected" in ctx:
            zh += f"，允许: {ctx['expected']}"
        elif typ in _BOUND_OPS:
            raw = next(iter(ctx.values()), "")
            bound = f"{raw.normalize():f}" if isinstance(raw, Decimal) else str(raw)
            bound = re.sub(r"Decimal\('([^']*)'\)", r"\1", bound)
            zh = f"应 {_BOUND_OPS[typ]} {bound}"
            en = f"must be {_BOUND_OPS[typ]} {bound}; got {err.get('input')!s}"
        elif typ == "value_error" and "error" in ctx:
            zh += f": {ctx['error']}"
        return ProfileIssue(json_path(loc), typ, zh, en)
