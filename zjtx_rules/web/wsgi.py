"""The WSGI shapes the app's parts share: the environ, ``start_response``, and an answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
Answer = tuple[int, str, bytes]  # status, Content-Type, body
