"""Rule-file values and schema problems in the words policy staff use, in Chinese and English.

Pydantic speaks of ``bool_type`` and ``Decimal('7.5')``; a rule author wrote ``true`` and
``7.5`` in a TOML file. Everything a load message shows of a value goes through ``shown``,
and every schema problem through ``schema_message``, so no Python name reaches a message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any


def shown(value: Any) -> str:
    """A value as a rule author writes it in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral_value() else str(value)
    if isinstance(value, int | date):
        return str(value)
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 40 else f'"{value[:37]}..."'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {shown(v)}" for k, v in value.items()) + "}"
    return str(value)


def kind_of(value: Any) -> tuple[str, str]:
    """What a TOML value is, with the value itself: ``文本 "false"`` / ``the text "false"``."""
    if isinstance(value, bool):
        return f"真假值 {shown(value)}", f"the truth value {shown(value)}"
    if isinstance(value, int | Decimal):
        return f"数字 {shown(value)}", f"the number {shown(value)}"
    if isinstance(value, str):
        return f"文本 {shown(value)}", f"the text {shown(value)}"
    if isinstance(value, date):
        return f"日期 {value}", f"the date {value}"
    if isinstance(value, list | tuple):
        return "列表", "a list"
    if isinstance(value, dict):
        return "表 {…}", "a table {…}"
    return "无法识别的值", "a value of unknown kind"


_EXPECTED: dict[str, tuple[str, str]] = {
    "string_type": ("加引号的文本", "text in quotes"),
    "bool_type": ("true 或 false（不加引号）", "true or false (without quotes)"),
    "int_type": ("整数", "a whole number"),
    "int_from_float": ("整数", "a whole number"),
    "decimal_type": ("数字（不加引号）", "a number (without quotes)"),
    "decimal_parsing": ("数字（不加引号）", "a number (without quotes)"),
    "date_type": ("日期，如 2024-01-01（不加引号）", "a date such as 2024-01-01 (without quotes)"),
    "list_type": ("列表 [...]", "a list [...]"),
    "tuple_type": ("列表 [下限, 上限]", "a list [low, high]"),
    "dict_type": ("表 {...}", "a table {...}"),
    "model_type": ("表 {...}", "a table {...}"),
    "model_attributes_type": ("表 {...}", "a table {...}"),
}


def schema_message(err: dict[str, Any]) -> tuple[str, str]:
    """A pydantic error (other than missing and unknown keys) as a zh/en sentence."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    loc = err.get("loc") or ()
    last = str(loc[-1]) if loc else ""
    if kind == "missing":
        return f"缺少必填的键 '{last}'", f"missing required key '{last}'"
    if kind == "extra_forbidden":
        return f"未知的键 '{last}'", f"unknown key '{last}'"
    got_zh, got_en = kind_of(err.get("input"))
    if kind in _EXPECTED:
        zh, en = _EXPECTED[kind]
        return f"应为{zh}，实际是{got_zh}", f"expected {en}; got {got_en}"
    if kind == "literal_error":
        options = str(ctx.get("expected", "")).replace("'", '"')
        return (
            f"应为以下之一: {options.replace(' or ', ', ')}；实际是{got_zh}",
            f"expected one of {options}; got {got_en}",
        )
    if kind == "string_too_short":
        return "不能为空文本", "must not be empty"
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return f"至少需要 {n} 项", f"needs at least {n} item(s)"
    if kind == "too_long":
        n = ctx.get("max_length", "")
        return f"最多 {n} 项", f"at most {n} item(s)"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {
            "greater_than_equal": ("ge", "不小于", "at least"),
            "greater_than": ("gt", "大于", "above"),
            "less_than_equal": ("le", "不大于", "at most"),
            "less_than": ("lt", "小于", "below"),
        }[kind]
        bound = shown(ctx.get(words[0]))
        return f"应{words[1]} {bound}，实际是{got_zh}", f"must be {words[2]} {bound}; got {got_en}"
    if kind == "value_error" and " | " in str(ctx.get("error", "")):  # our own check: "zh | en"
        zh, en = str(ctx["error"]).split(" | ", 1)
        return zh, en
    if kind == "string_pattern_mismatch":
        return (
            f"应为小写字母开头、只含 a-z 0-9 _ 的名称，实际是{got_zh}",
            f"expected a name of a-z, 0-9 and _ starting with a letter; got {got_en}",
        )
    return f"取值无效，实际是{got_zh}", f"invalid value; got {got_en}"


def listing(names: Iterable[str], limit: int = 30) -> str:
    """Names joined for a hint, cut short when there are many."""
    items = list(names)
    more = len(items) - limit
    text = ", ".join(items[:limit])
    return text + (f", … (+{more})" if more > 0 else "")


def plain(value: Any) -> str:
    """A value as an assumption (W501) shows it: like ``shown``, but text without quotes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral_value() else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(plain(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {plain(v)}" for k, v in value.items()) + "}"
    return str(value)
