"""Cross-origin requests: which browser origins may call the API, and their preflights."""

from __future__ import annotations

from collections.abc import Sequence

from zjtx_rules.web.problems import Problem
from zjtx_rules.web.wsgi import Environ

DEFAULT_CORS_HEADERS = ("Content-Type", "Authorization", "X-Requested-With", "traceparent")


def normalise_origin(origin: str) -> str:
    """``https://a.example/`` -> ``https://a.example``; ``*`` stays; anything with a path,
    query or no scheme is refused at startup (``ValueError``), not silently never matched."""
    if origin == "*":
        return origin
    from urllib.parse import urlsplit

    o = origin.strip().rstrip("/")
    parts = urlsplit(o)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query:
        raise ValueError(f"CORS origin must look like https://host[:port]; got {origin!r}")
    return o


class Cors:
    """The allowed origins (``*``: any; none: CORS off) and the request headers a preflight
    may ask for."""

    def __init__(self, origins: Sequence[str], headers: Sequence[str]) -> None:
        self.origins = {normalise_origin(o) for o in origins}
        self.any = "*" in self.origins
        self.headers = list(headers)

    def allows(self, origin: str | None) -> bool:
        return bool(origin) and (self.any or origin in self.origins)

    def answer_headers(self, origin: str) -> list[tuple[str, str]]:
        """The headers that let an allowed origin read an answer."""
        return [("Access-Control-Allow-Origin", "*" if self.any else origin), ("Vary", "Origin")]

    def preflight_headers(self, methods: list[str]) -> list[tuple[str, str]]:
        return [
            ("Access-Control-Allow-Methods", ", ".join(methods)),
            ("Access-Control-Allow-Headers", ", ".join(self.headers)),
            ("Access-Control-Max-Age", "600"),
        ]

    def check_preflight(self, environ: Environ, origin: str, allowed: bool, methods: list[str]) -> None:
        """Refuse a CORS preflight with a 403 that says why (origin, method or header)."""
        if not allowed:
            raise Problem(
                403,
                "Forbidden",
                f"跨域来源 {origin} 不在允许列表中（zjtx serve --cors-origin）",
                f"CORS origin {origin} is not allowed (zjtx serve --cors-origin); "
                f"allowed: {', '.join(sorted(self.origins)) or 'none'}",
            )
        want = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD", "")
        if want and want not in methods:
            raise Problem(
                403, "Forbidden", f"此地址不接受方法 {want}", f"method {want} is not allowed on this path"
            )
        ok = {h.lower() for h in self.headers}
        asked = [h.strip() for h in environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "").split(",")]
        refused = [h for h in asked if h and h.lower() not in ok]
        if refused:
            raise Problem(
                403,
                "Forbidden",
                f"不允许的请求头: {', '.join(refused)}（zjtx serve --cors-header）",
                f"request headers not allowed: {', '.join(refused)} (zjtx serve --cors-header); "
                f"allowed: {', '.join(self.headers)}",
            )
