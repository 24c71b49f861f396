"""Reading a profile's JSON: every number as ``Decimal``, never through a float.

NaN and infinities are refused, and so are numbers longer than ``MAX_NUMBER_CHARS``
characters, input over its size limit and nesting deeper than ``MAX_JSON_DEPTH``, before
anything is computed; each as a ``ProfileError`` at ``$``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from zjtx_rules.errors import ProfileError, ProfileIssue

MAX_NUMBER_CHARS = 40
MAX_PROFILE_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 32


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
