"""What a profile's validation errors say: one issue per JSON path, zh and en, in the terms
of the profile (never pydantic's), with the bounds and formats the schema publishes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from zjtx_rules.display import JSON, PLAIN, bounded
from zjtx_rules.errors import ProfileIssue
from zjtx_rules.expr.check import did_you_mean
from zjtx_rules.package.spec import FieldSpec
from zjtx_rules.profile.formats import (
    CREDIT_CODE,
    ISO_DATE,
    PATTERN_TEXT,
    TYPE_ERRORS,
    UNION_LABELS,
    YEAR_KEY,
)

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
        if part == "[key]" or part in UNION_LABELS:  # pydantic's markers, not parts of the input
            continue
        out += f"[{part}]" if isinstance(part, int) else f".{bounded(part, PLAIN)}"
    return out


def issues_of(errors: list[Any], facts: Mapping[str, FieldSpec]) -> list[ProfileIssue]:
    """One issue per place: of a number's union members, the one that matched its type."""
    by_path: dict[str, list[Any]] = {}
    for err in errors:
        by_path.setdefault(json_path(tuple(err["loc"])), []).append(err)
    issues = []
    for path, errs in by_path.items():
        if any(p in UNION_LABELS for e in errs for p in e["loc"]):
            specific = [e for e in errs if e["type"] not in TYPE_ERRORS]
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
        issues.extend(_issue(path, e, facts) for e in errs)
    return issues


def _spec_at(loc: tuple[Any, ...], facts: Mapping[str, FieldSpec]) -> FieldSpec | None:
    """The declaration a location names (``talents[2].wage``: the record's field)."""
    spec: FieldSpec | None = None
    fields: Mapping[str, FieldSpec] | None = facts
    for part in loc:
        if isinstance(part, int) or part in UNION_LABELS:
            continue
        spec = (fields or {}).get(str(part))
        if spec is None:
            return None
        fields = spec.fields
    return spec


def _percent_hint(loc: tuple[Any, ...], err: Any, facts: Mapping[str, FieldSpec]) -> tuple[str, str]:
    """For a ratio sent as a percentage (45 for 45%): what to send instead."""
    spec = _spec_at(loc, facts)
    raw = err.get("input")
    if spec is None or spec.type != "ratio" or isinstance(raw, bool):
        return "", ""
    if not isinstance(raw, int | str | Decimal):
        return "", ""
    if (isinstance(raw, int) and raw.bit_length() > 16) or (isinstance(raw, str) and len(raw) > 12):
        return "", ""  # never convert a huge value to guess at it: it is no percentage anyway
    try:
        value = Decimal(raw)
    except (ArithmeticError, ValueError):
        return "", ""
    if not (value.is_finite() and 1 < value <= 100):
        return "", ""
    fraction = f"{(value / 100).normalize():f}"
    shown = f"{value.normalize():f}"
    return (
        f"；看起来是百分数：{shown}% 请填 {fraction}",
        f"; looks like a percentage: send {fraction} for {shown}%",
    )


def _issue(path: str, err: Any, facts: Mapping[str, FieldSpec]) -> ProfileIssue:
    loc = tuple(err["loc"])
    typ = err["type"]
    zh = _ZH.get(typ, "取值无效")
    en = str(err["msg"])
    ctx = err.get("ctx") or {}
    if typ == "extra_forbidden" and loc:
        hint_zh, hint_en = did_you_mean(str(loc[-1]), list(facts))
        if hint_zh and len(loc) == 1:
            zh += f"；{hint_zh}"
            en += f"; {hint_en}"
    elif typ == "literal_error" and "expected" in ctx:
        zh += f"，允许: {ctx['expected']}"
    elif typ in _BOUND_OPS:
        raw = next(iter(ctx.values()), "")
        bound = f"{raw.normalize():f}" if isinstance(raw, Decimal) else str(raw)
        bound = re.sub(r"Decimal\('([^']*)'\)", r"\1", bound)
        tip_zh, tip_en = _percent_hint(loc, err, facts) if typ.startswith("less") else ("", "")
        zh = f"应 {_BOUND_OPS[typ]} {bound}{tip_zh}"
        en = f"must be {_BOUND_OPS[typ]} {bound}; got {bounded(err.get('input'), JSON)}{tip_en}"
    elif typ == "decimal_max_places":
        places = ctx.get("decimal_places", 0)
        zh = f"最多 {places} 位小数" if places else "应为整数"
        en = f"at most {places} decimal places" if places else "must be a whole number"
    elif typ == "string_pattern_mismatch" and ctx.get("pattern") == CREDIT_CODE:
        zh = "应为 18 位，由 0-9 和除 I、O、S、V、Z 外的大写字母组成"
        en = "must be 18 characters of 0-9 and A-Y without I, O, S, V, Z"
    elif typ == "string_pattern_mismatch" and ctx.get("pattern") == ISO_DATE:
        zh = "应为日期 YYYY-MM-DD"
        en = f"expected a date YYYY-MM-DD; got {bounded(err.get('input'), JSON)}"
    elif typ == "string_pattern_mismatch" and ctx.get("pattern") == YEAR_KEY:
        zh = "年份键应为 1900-2200 的四位数字"
        en = "a year key must be four digits, 1900-2200"
    elif typ == "string_pattern_mismatch":
        zh = (
            "格式不符；数字字符串只用 0-9、小数点和开头的负号，不写 +、指数、千分位或前导零，且须在取值范围内"
        )
        en = (
            "expected a decimal string with "
            f"{PATTERN_TEXT.get(ctx.get('pattern', ''), 'the declared bounds')}: "
            "plain digits with an optional point and leading minus (no +, exponent, grouping or "
            f"leading zeros); got {bounded(err.get('input'), JSON)}"
        )
    elif typ == "value_error" and "error" in ctx:
        zh += f": {ctx['error']}"
    return ProfileIssue(path, typ, zh, en)
