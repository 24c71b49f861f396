"""Values and schema problems in the words people use, in Chinese and English.

Pydantic speaks of ``bool_type`` and ``Decimal('7.5')``; a rule author wrote ``true`` and
``7.5`` in a TOML file. Everything a load message shows of a value goes through ``shown``,
and every schema problem through ``schema_message``, so no Python name reaches a message.

A message about a bad value must never fail on that value: a profile may hold a list nested
2,000 deep or a 5,000-digit integer, and ``str()`` of either raises (``RecursionError``,
``ValueError``). So every value a message shows, from a rule file or a profile, goes through
``bounded``: it looks at most ``SHOW_DEPTH`` containers deep and ``SHOW_ITEMS`` items wide,
cuts text before quoting it, describes a huge integer by its digit count (from
``bit_length``, never converting it) and writes an absurd Decimal in its short scientific
form. ``shown`` (TOML), ``plain`` and ``JSON`` (profiles, summaries) are its styles.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal
from typing import Any, Literal

SHOW_CHARS = 60  # a value in a message: at most this many characters, cut with "…"
SHOW_DEPTH = 3  # containers shown inside containers; deeper ones are "…"
SHOW_ITEMS = 8  # items shown of one list or table
_HUGE_INT_BITS = 200  # about 60 digits: a longer integer is described, never turned into text
_TAME_DIGITS = 60  # a Decimal with more digits, or an exponent further out, is written as str() does
_EXACT = Context(prec=_TAME_DIGITS + 2)  # normalizing a tame Decimal exactly, whatever the thread's context


@dataclass(frozen=True)
class Style:
    """How ``bounded`` writes a value: ``leaf`` writes a scalar (a ``str`` already cut to the
    limit) or returns None for a type it does not know; ``pair`` sits between a table's key
    and its value; with ``quote_keys`` text keys are written like values, else bare."""

    leaf: Callable[[Any], str | None]
    pair: str = " = "
    quote_keys: bool = False


def bounded(value: Any, style: Style, *, limit: int = SHOW_CHARS, lang: Literal["zh", "en"] = "en") -> str:
    """``value`` written in ``style`` in at most ``limit`` characters, ending in "…" when cut.

    Cost and recursion are bounded by ``limit``, ``SHOW_DEPTH`` and ``SHOW_ITEMS`` whatever
    the value holds; ``lang`` words the description of a huge integer."""
    parts: list[str] = []
    size = 0

    def put(text: str) -> None:
        nonlocal size
        parts.append(text)
        size += len(text)

    def walk(v: Any, depth: int) -> None:
        if isinstance(v, dict):
            opener, closer, items = "{", "}", iter(v.items())
        elif isinstance(v, list | tuple | set | frozenset):
            opener, closer, items = "[", "]", ((None, x) for x in v)
        else:
            put(_scalar(v, style, limit, lang))
            return
        if depth >= SHOW_DEPTH:
            put(opener + "…" + closer)
            return
        put(opener)
        for i, (key, item) in enumerate(items):
            if i:
                put(", ")
            if i >= SHOW_ITEMS or size > limit:
                put("…")
                break
            if opener == "{":
                bare = isinstance(key, str) and not style.quote_keys
                put(key[: limit + 1] if bare else _scalar(key, style, limit, lang))
                put(style.pair)
            walk(item, depth + 1)
        put(closer)

    walk(value, 0)
    text = "".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _scalar(v: Any, style: Style, limit: int, lang: str) -> str:
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > _HUGE_INT_BITS:
        digits = int(v.bit_length() * math.log10(2)) + 1  # within one of the true count
        if lang == "zh":
            return f"约 {digits} 位的{'负' if v < 0 else ''}整数"
        return f"{'a negative' if v < 0 else 'an'} integer of about {digits} digits"
    if isinstance(v, Decimal) and not _tame(v):
        return str(v)[: limit + 1]  # scientific for a far exponent; never expanded
    if isinstance(v, str):
        v = v[: limit + 1]
    text = style.leaf(v)
    return f"<{type(v).__name__}>" if text is None else text


def _tame(v: Decimal) -> bool:
    """A finite Decimal small enough to normalize and write in full without cost."""
    return v.is_finite() and abs(v.adjusted()) <= _TAME_DIGITS and len(v.as_tuple().digits) <= _TAME_DIGITS


def _number(v: Decimal) -> str:
    """A tame Decimal as a rule author writes it: ``5000`` for ``5E+3``, ``7.50`` as it is."""
    return f"{v.normalize(_EXACT):f}" if v == v.to_integral_value() else str(v)


def _toml_leaf(v: Any, quote: bool = True) -> str | None:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return _number(v)
    if isinstance(v, str):
        return f'"{v}"' if quote else v
    if isinstance(v, int | float | date) or v is None:
        return str(v)
    return None


def _json_leaf(v: Any) -> str | None:
    if isinstance(v, str | bool | float) or v is None:
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, int | Decimal):
        return str(v)
    if isinstance(v, date):
        return f'"{v.isoformat()}"'
    return None


TOML = Style(_toml_leaf)
PLAIN = Style(lambda v: _toml_leaf(v, quote=False))
JSON = Style(_json_leaf, pair=": ", quote_keys=True)


def shown(value: Any, lang: Literal["zh", "en"] = "en") -> str:
    """A value as a rule author writes it in TOML (text cut at 40 characters)."""
    if isinstance(value, str) and len(value) > 40:
        value = value[:39] + "…"
    return bounded(value, TOML, lang=lang)


def kind_of(value: Any) -> tuple[str, str]:
    """What a TOML value is, with the value itself: ``文本 "false"`` / ``the text "false"``."""
    if isinstance(value, bool):
        return f"真假值 {shown(value)}", f"the truth value {shown(value)}"
    if isinstance(value, int | Decimal):
        return f"数字 {shown(value, 'zh')}", f"the number {shown(value)}"
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
    """A value as an assumption (W501) shows it: like ``shown``, but text without quotes and
    room for a whole parameter value (a list of industries)."""
    return bounded(value, PLAIN, limit=500)
