"""Control characters made harmless before they reach a log line or an answer."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_control(text: str) -> str:
    """``text`` with control characters as ``\\xNN``: what reaches a log or an answer can
    neither start a forged line nor carry terminal escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
