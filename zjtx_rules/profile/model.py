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

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)
from typing_extensions import TypedDict

from zjtx_rules.display import JSON, PLAIN, bounded
from zjtx_rules.errors import ProfileIssue
from zjtx_rules.expr.types import BOOL, DATE, NUMBER, STRING, ListTy, MapTy, Prim, RecordTy, Ty
from zjtx_rules.package.spec import FieldSpec

MAX_NUMBER_CHARS = 40
MAX_PROFILE_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 32


# GB 32100-2015 unified social credit code: 31-character alphabet, weights 3^i mod 31.
_CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def credit_code_check_char(first17: str) -> str:
    total = sum(_CC_CHARS.index(c) * w for c, w in zip(first17, _CC_WEIGHTS, strict=True))
    return _CC_CHARS[(31 - total % 31) % 31]


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


def parse_json(data: str | bytes, *, limit: int = MAX_PROFILE_BYTES) -> Any:
    """Parse JSON text with every number as ``Decimal``; raise ``ProfileError`` on bad input.

    ``limit`` is the size allowed (a profile's by default; a batch passes its body limit)."""
    from zjtx_rules.errors import ProfileError

    def fail(code: str, zh: str, en: str) -> ProfileError:
        return ProfileError([ProfileIssue("$", code, zh, en)])

    if len(data) > limit:
        raise fail(
            "too_large",
            f"输入过大（上限 {limit} 字节）",
            f"input too large (limit {limit} bytes)",
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
#
# Every number is validated by pydantic-core itself (no Python call per number): a union of
# four members, one per Python type a number can arrive as. A ``Decimal`` (the JSON parser's
# output) and an ``int`` are compared with the bounds as they are, before any Decimal
# arithmetic, so a 5,000-digit integer is refused by its size, not by an exception; a
# ``float`` is read through its shortest repr (``0.1`` is ``Decimal("0.1")``); a string must
# match a pattern that spells out the bounds and the decimal places, the same pattern the
# JSON Schema publishes.

MONEY_PLACES = 2
FRACTION_PLACES = 30  # decimal places of a non-money decimal string
_PATTERN_TEXT: dict[str, str] = {}  # decimal-string pattern -> its bounds, for messages
_UNION_LABELS = frozenset({"as-decimal", "as-int", "as-float", "as-text", "as-date"})
_TYPE_ERRORS = frozenset(
    {
        "decimal_type",
        "int_type",
        "float_type",
        "string_type",
        "date_type",
        "is_instance_of",
        "decimal_parsing",
    }
)


def _digits_range(lo: str, hi: str) -> str:
    """Regex for the digit strings of equal length from ``lo`` to ``hi`` (inclusive)."""
    if lo == hi:
        return lo
    if len(lo) == 1:
        return f"[{lo}-{hi}]"
    rest = len(lo) - 1
    if lo[0] == hi[0]:
        return lo[0] + "(" + _digits_range(lo[1:], hi[1:]) + ")"
    if lo[1:] == "0" * rest and hi[1:] == "9" * rest:
        return f"[{lo[0]}-{hi[0]}][0-9]{{{rest}}}"
    parts = [lo[0] + "(" + _digits_range(lo[1:], "9" * rest) + ")"]
    if int(lo[0]) + 1 <= int(hi[0]) - 1:
        parts.append(f"[{int(lo[0]) + 1}-{int(hi[0]) - 1}][0-9]{{{rest}}}")
    parts.append(hi[0] + "(" + _digits_range("0" * rest, hi[1:]) + ")")
    return "|".join(parts)


def int_range_regex(lo: int, hi: int) -> str:
    """Regex (no anchors) for the integers ``lo..hi`` written without leading zeros."""
    if lo > hi:
        return "(?!)"
    parts = []
    for width in range(len(str(lo)), len(str(hi)) + 1):
        a = max(lo, 10 ** (width - 1) if width > 1 else 0)
        b = min(hi, 10**width - 1)
        if a <= b:
            parts.append(_digits_range(str(a), str(b)))
    return "(" + "|".join(parts) + ")"


def decimal_pattern(lo: int, hi: int, hi_inclusive: bool, places: int) -> str:
    """The anchored pattern of decimal strings in ``[lo, hi]`` (or ``[lo, hi)``), integral bounds.

    Plain digits only: no sign other than a leading ``-`` where negatives are allowed, no
    ``+``, exponent, grouping, leading zeros or bare ``.5``; at most ``places`` decimals.
    """
    if hi < 0:
        raise ValueError(f"an upper bound below 0 is not supported; got {hi}")
    frac = f"(\\.[0-9]{{1,{places}}})?" if places else ""
    zero = f"(\\.0{{1,{places}}})?" if places else ""
    if places:  # whole part below hi with any fraction; hi itself only with a zero fraction
        alts = [int_range_regex(max(lo, 0), hi - 1) + frac] + ([str(hi) + zero] if hi_inclusive else [])
    else:
        alts = [int_range_regex(max(lo, 0), hi if hi_inclusive else hi - 1)]
    if lo < 0 and places:
        alts.append("-(" + int_range_regex(0, -lo - 1) + frac + "|" + str(-lo) + zero + ")")
    elif lo < 0:
        alts.append("-" + int_range_regex(1, -lo))
    return "^(" + "|".join(alts) + ")$"


def _json_bound(v: Decimal) -> int | float:
    return int(v) if v == v.to_integral_value() else float(v)


def _number_type(spec: FieldSpec, kind: str) -> tuple[Any, dict[str, Any]]:
    """The annotation of one numeric fact: native pydantic-core constraints and their schema."""
    from pydantic import GetPydanticSchema
    from pydantic_core import core_schema as cs

    # Facts without a declared bound still get one: 10^20 keeps every value a decimal128.
    lo = spec.min if spec.min is not None else Decimal(-(10**20))
    hi, inclusive = (spec.max, True) if spec.max is not None else (spec.below or Decimal(10**20), False)
    if lo != lo.to_integral_value() or hi != hi.to_integral_value():
        raise ValueError(f"number bounds must be whole numbers; got {lo}, {hi}")
    places = 0 if kind == "int" else (spec.decimals or MONEY_PLACES) if kind == "money" else None
    pattern = decimal_pattern(int(lo), int(hi), inclusive, FRACTION_PLACES if places is None else places)
    le, lt = (hi, None) if inclusive else (None, hi)
    dec = cs.decimal_schema(allow_inf_nan=False, decimal_places=places, ge=lo, le=le, lt=lt)
    exact = cs.decimal_schema(strict=True, allow_inf_nan=False, decimal_places=places, ge=lo, le=le, lt=lt)
    whole = cs.int_schema(
        strict=True, ge=int(lo), le=None if le is None else int(le), lt=None if lt is None else int(lt)
    )
    core = cs.union_schema(
        [
            (exact, "as-decimal"),
            (cs.chain_schema([whole, dec]), "as-int"),
            # strict float_schema also takes a Decimal (as a float): a Decimal just past a bound,
            # 1.0000000000000001 for max = 1, would come back as 1.0. Floats only.
            (
                cs.chain_schema(
                    [cs.is_instance_schema(float), cs.float_schema(strict=True, allow_inf_nan=False), dec]
                ),
                "as-float",
            ),
            (cs.chain_schema([cs.str_schema(strict=True, pattern=pattern), dec]), "as-text"),
        ],
        mode="left_to_right",
    )
    limits: dict[str, Any] = {"minimum": _json_bound(lo)}
    limits["maximum" if inclusive else "exclusiveMaximum"] = _json_bound(hi)
    # Money given as a JSON number is whole yuan in the schema, so that float-based schema
    # tools check it exactly; fen go in the string form (the server also reads a JSON number
    # with at most 2 decimals as written).
    number: dict[str, Any] = {"type": "integer" if kind in ("int", "money") else "number", **limits}
    text: dict[str, Any] = {"type": "string", "pattern": pattern}
    upper = f"{'<=' if inclusive else '<'} {hi:f}"
    decimals = "no decimals" if places == 0 else f"at most {places or FRACTION_PLACES} decimal places"
    _PATTERN_TEXT[text["pattern"]] = f"{lo:f} <= x {upper}, {decimals}"
    schema = {"anyOf": [number, text]}
    return Annotated[Decimal, GetPydanticSchema(lambda _t, _h: core), WithJsonSchema(schema)], schema


_ISO_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _date_type() -> Any:
    """A ``date`` object, or a string ``YYYY-MM-DD`` (JSON Schema's format "date"), natively."""
    from pydantic import GetPydanticSchema
    from pydantic_core import core_schema as cs

    core = cs.union_schema(
        [
            (cs.date_schema(strict=True), "as-date"),
            (cs.chain_schema([cs.str_schema(strict=True, pattern=_ISO_DATE), cs.date_schema()]), "as-text"),
        ],
        mode="left_to_right",
    )
    schema = {"type": "string", "format": "date"}
    return Annotated[date, GetPydanticSchema(lambda _t, _h: core), WithJsonSchema(schema)]


_YEAR_KEY = "^(19[0-9]{2}|2[01][0-9]{2}|2200)$"


def _year_key_type() -> Any:
    from pydantic import GetPydanticSchema
    from pydantic_core import core_schema as cs

    core = cs.union_schema(
        [
            (cs.int_schema(strict=True, ge=1900, le=2200), "as-int"),
            (cs.chain_schema([cs.str_schema(strict=True, pattern=_YEAR_KEY), cs.int_schema()]), "as-text"),
        ],
        mode="left_to_right",
    )
    return Annotated[int, GetPydanticSchema(lambda _t, _h: core)]


_CREDIT_CODE = "^[0-9A-HJ-NPQRTUWXY]{18}$"


def describe_fact(spec: FieldSpec) -> str:
    """The schema description of a fact: its labels, question and note, zh and en."""
    lines = [" / ".join(x for x in (spec.label_zh, spec.label_en) if x)]
    lines.append(" / ".join(x for x in (spec.question_zh, spec.question_en) if x))
    lines.append(spec.note)
    if spec.format == "credit_code" and "W720" not in spec.note:
        lines.append(
            "GB 32100-2015 校验码不符时给出警告 W720，不拒绝 / a wrong GB 32100-2015 check character "
            "gives warning W720, not a rejection"
        )
    if spec.unique:
        lines.append(
            "列表内应唯一；重复时给出警告 W721 / should be unique in the list; a repeat gives warning W721"
        )
    if spec.not_before:
        lines.append(
            f"不应早于同一条记录的 {spec.not_before}；早于时给出警告 W722，按已到期计算 / "
            f"should not be before {spec.not_before} of the same record; if it is, warning W722 "
            "and the record counts as expired"
        )
    return "\n".join(x for x in lines if x)


def field_annotation(name: str, spec: FieldSpec) -> Any:
    """The pydantic annotation for one declared fact or record field."""
    t = spec.type
    if t == "bool":
        ann: Any = StrictBool
    elif t in ("int", "decimal", "money", "ratio"):
        ann = _number_type(spec, t)[0]
    elif t == "date":
        ann = _date_type()
    elif t == "enum":
        ann = Literal[tuple(spec.choices or ())]
    elif t == "string":
        if spec.format == "credit_code":
            ann = Annotated[StrictStr, Field(pattern=_CREDIT_CODE)]
        else:
            ann = Annotated[StrictStr, Field(max_length=spec.max_length or 200)]
    elif t == "list":
        record = record_typeddict(name, spec.fields or {})
        ann = Annotated[list[record], Field(max_length=spec.max_items or 1000)]  # type: ignore[valid-type]
    elif t == "year_money_map":
        money, money_schema = _number_type(
            FieldSpec(type="money", min=spec.min, below=spec.below, decimals=spec.decimals), "money"
        )
        limit = spec.max_items or 100
        map_schema = {
            "type": "object",
            "propertyNames": {"pattern": _YEAR_KEY},
            "additionalProperties": money_schema,
            "maxProperties": limit,
        }
        ann = Annotated[
            dict[_year_key_type(), money],  # type: ignore[misc]
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
    """The JSON path of a pydantic error location; a key is shown bounded like any value
    (an unknown key may be a megabyte long)."""
    out = "$"
    for part in loc:
        if part == "[key]" or part in _UNION_LABELS:  # pydantic's markers, not parts of the input
            continue
        out += f"[{part}]" if isinstance(part, int) else f".{bounded(part, PLAIN)}"
    return out


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
        from zjtx_rules.errors import ProfileError

        try:
            out: dict[str, Any] = self.adapter.validate_python(doc)
        except ValidationError as exc:
            raise ProfileError(self._issues(exc.errors(include_url=False))) from None
        known = {k: v for k, v in out.items() if v is not None}
        for name in self._lists:
            if name in known:
                known[name] = [{k: v for k, v in item.items() if v is not None} for item in known[name]]
        return known

    def warnings(self, known: Mapping[str, Any]) -> list[dict[str, str]]:
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
                        {
                            "code": "W722",
                            "message_zh": f"{where}: {fname}（{late}）早于 {other}（{early}），请核对；"
                            "按已到期计算",
                            "message_en": f"{where}: {fname} ({late}) is before {other} ({early}); "
                            "please verify; counted as expired",
                        }
                    )
        for name in self._credit_codes:
            code = known.get(name)
            if isinstance(code, str) and credit_code_check_char(code[:17]) != code[17]:
                want = credit_code_check_char(code[:17])
                out.append(
                    {
                        "code": "W720",
                        "message_zh": f"{name} 的校验码应为 {want!r}，请核对统一社会信用代码",
                        "message_en": f"{name}: the check character should be {want!r}; "
                        "please verify the unified social credit code",
                    }
                )
        for name, fname in self._unique:
            seen: set[Any] = set()
            for i, item in enumerate(known.get(name, ())):
                key = item.get(fname)
                if key is not None and key in seen:
                    out.append(
                        {
                            "code": "W721",
                            "message_zh": f"{json_path((name, i, fname))} 重复: "
                            f"{bounded(key, JSON, lang='zh')}，结果按重复项各计一次",
                            "message_en": f"{json_path((name, i, fname))} repeats {bounded(key, JSON)}; "
                            "each repeat is counted as given",
                        }
                    )
                seen.add(key)
        return out

    def _issues(self, errors: list[Any]) -> list[ProfileIssue]:
        """One issue per place: of a number's union members, the one that matched its type."""
        by_path: dict[str, list[Any]] = {}
        for err in errors:
            by_path.setdefault(json_path(tuple(err["loc"])), []).append(err)
        issues = []
        for path, errs in by_path.items():
            if any(p in _UNION_LABELS for e in errs for p in e["loc"]):
                specific = [e for e in errs if e["type"] not in _TYPE_ERRORS]
                got = bounded(errs[0].get("input"), JSON)
                if not specific and any("as-date" in e["loc"] for e in errs):
                    issues.append(
                        ProfileIssue(
                            path, "date_type", "应为日期 YYYY-MM-DD", f"expected a date YYYY-MM-DD; got {got}"
                        )
                    )
                    continue
                if not specific:
                    issues.append(
                        ProfileIssue(
                            path,
                            "number_type",
                            '应为数字或十进制数字字符串（如 "12.5"）',
                            f'expected a number or a decimal string such as "12.5"; got {got}',
                        )
                    )
                    continue
                errs = specific[:1]
            issues.extend(self._issue(path, e) for e in errs)
        return issues

    def _issue(self, path: str, err: Any) -> ProfileIssue:
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
            en = f"must be {_BOUND_OPS[typ]} {bound}; got {bounded(err.get('input'), JSON)}"
        elif typ == "decimal_max_places":
            places = ctx.get("decimal_places", 0)
            zh = f"最多 {places} 位小数" if places else "应为整数"
            en = f"at most {places} decimal places" if places else "must be a whole number"
        elif typ == "string_pattern_mismatch" and ctx.get("pattern") == _CREDIT_CODE:
            zh = "应为 18 位，由 0-9 和除 I、O、S、V、Z 外的大写字母组成"
            en = "must be 18 characters of 0-9 and A-Y without I, O, S, V, Z"
        elif typ == "string_pattern_mismatch" and ctx.get("pattern") == _ISO_DATE:
            zh = "应为日期 YYYY-MM-DD"
            en = f"expected a date YYYY-MM-DD; got {bounded(err.get('input'), JSON)}"
        elif typ == "string_pattern_mismatch" and ctx.get("pattern") == _YEAR_KEY:
            zh = "年份键应为 1900-2200 的四位数字"
            en = "a year key must be four digits, 1900-2200"
        elif typ == "string_pattern_mismatch":
            zh = (
                "格式不符；数字字符串只用 0-9、小数点和开头的负号，"
                "不写 +、指数、千分位或前导零，且须在取值范围内"
            )
            en = (
                "expected a decimal string with "
                f"{_PATTERN_TEXT.get(ctx.get('pattern', ''), 'the declared bounds')}: "
                "plain digits with an optional point and leading minus (no +, exponent, grouping or "
                f"leading zeros); got {bounded(err.get('input'), JSON)}"
            )
        elif typ == "value_error" and "error" in ctx:
            zh += f": {ctx['error']}"
        return ProfileIssue(path, typ, zh, en)
