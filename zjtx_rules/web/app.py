"""The JSON web API and the embeddable policy-calculator page: one WSGI application.

Standard library only, so any WSGI server can host it (``zjtx_rules.web:app`` for the
bundled package, or the package named by ``$ZJTX_RULES``; ``create_app(rules)`` for another).
Every endpoint is read-only. Errors are ``application/problem+json`` (RFC 9457) with zh and
en text and, for profile errors, the JSON path of each problem. Requests are bounded before
they are read: body size, batch length, JSON depth and number length.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from http import HTTPStatus
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from zjtx_rules.display import JSON, bounded
from zjtx_rules.errors import EvaluationError, ProfileError, UsageError
from zjtx_rules.evaluate.ruleset import RuleSet, load_rules, parse_as_of
from zjtx_rules.profile.model import parse_json
from zjtx_rules.web.openapi import openapi_document

# A batch of DEFAULT_MAX_BATCH realistic profiles fits in DEFAULT_MAX_BODY: 1,000 copies of
# examples/profiles/little_giant_11_talents.json are 2.9 MB compact, 4.2 MB indented.
DEFAULT_MAX_BODY = 6 << 20  # 6 MiB
DEFAULT_MAX_BATCH = 1000
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


STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}

StartResponse = Callable[..., Any]
Environ = dict[str, Any]


class Problem(Exception):
    """An RFC 9457 problem: status, a short title and a detail, in zh and en."""

    def __init__(
        self,
        status: int,
        title: str,
        detail_zh: str,
        detail_en: str,
        errors: list[dict[str, Any]] | None = None,
        headers: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(detail_en)
        self.status = status
        self.title = title
        self.detail_zh = detail_zh
        self.detail_en = detail_en
        self.errors = errors
        self.headers = list(headers)

    def body(self, lang: str = "zh") -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": f"https://zjtx-rules.invalid/problems/{self.title.lower().replace(' ', '-')}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail_zh if lang == "zh" else self.detail_en,
            "detail_zh": self.detail_zh,
            "detail_en": self.detail_en,
        }
        if self.errors is not None:
            out["errors"] = self.errors
        return out


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _json_bytes(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


class App:
    """The WSGI callable. Build it with ``create_app``."""

    def __init__(
        self,
        rules: RuleSet,
        *,
        max_body: int,
        max_batch: int,
        cors_origins: Sequence[str],
        frame_ancestors: str,
        cors_headers: Sequence[str] = DEFAULT_CORS_HEADERS,
    ) -> None:
        self.rules = rules
        self.max_body = max_body
        self.max_batch = max_batch
        self.cors_origins = {normalise_origin(o) for o in cors_origins}
        self.cors_any = "*" in self.cors_origins
        self.cors_headers = list(cors_headers)
        self.frame_ancestors = frame_ancestors
        self._policy = _json_bytes(rules.describe())
        self._schemas = {
            "profile": _json_bytes(rules.profile_schema()),
            "result": _json_bytes(rules.result_schema()),
        }
        self._openapi = _json_bytes(openapi_document(rules, max_batch, max_body))
        self.routes: dict[str, dict[str, Callable[[Environ], tuple[int, str, bytes]]]] = {
            "/": {"GET": lambda e: self._static("index.html")},
            "/healthz": {"GET": lambda e: self._ok({"status": "ok", "policy": rules.policy_ref})},
            "/v1/policy": {"GET": lambda e: (200, "application/json", self._policy)},
            "/v1/schema/profile": {
                "GET": lambda e: (200, "application/schema+json", self._schemas["profile"])
            },
            "/v1/schema/result": {"GET": lambda e: (200, "application/schema+json", self._schemas["result"])},
            "/openapi.json": {"GET": lambda e: (200, "application/json", self._openapi)},
            "/v1/evaluate": {"POST": self._evaluate},
            "/v1/evaluate/batch": {"POST": self._batch},
        }

    # -- WSGI
    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET").upper()
        headers: list[tuple[str, str]] = []
        origin = environ.get("HTTP_ORIGIN")
        allowed = bool(origin) and (self.cors_any or origin in self.cors_origins)
        if allowed:
            headers += [("Access-Control-Allow-Origin", "*" if self.cors_any else str(origin))]
            headers += [("Vary", "Origin")]
        try:
            if path.startswith("/static/"):
                if method not in ("GET", "HEAD"):
                    raise self._not_allowed(["GET"])
                status, ctype, body = self._static(path[len("/static/") :])
            elif path.startswith("/rules/"):  # the rules document (zjtx docs), built in memory
                if method not in ("GET", "HEAD"):
                    raise self._not_allowed(["GET"])
                status, ctype, body = _rules_document(self.rules, path[len("/rules/") :])
            else:
                route = self.routes.get(path.rstrip("/") or "/")
                if route is None:
                    raise Problem(404, "Not Found", f"没有这个地址: {path}", f"no such path: {path}")
                if method == "OPTIONS" and origin:
                    self._check_preflight(environ, str(origin), allowed, list(route))
                    return self._reply(
                        start_response,
                        204,
                        "text/plain",
                        b"",
                        [
                            *headers,
                            ("Access-Control-Allow-Methods", ", ".join(route)),
                            ("Access-Control-Allow-Headers", ", ".join(self.cors_headers)),
                            ("Access-Control-Max-Age", "600"),
                        ],
                    )
                handler = route.get("GET" if method == "HEAD" else method)
                if handler is None:
                    raise self._not_allowed(list(route))
                status, ctype, body = handler(environ)
        except Problem as p:
            headers += p.headers
            lang = "en" if "lang=en" in environ.get("QUERY_STRING", "") else "zh"
            status, ctype, body = p.status, "application/problem+json", _json_bytes(p.body(lang))
        except Exception:  # a bug: answer 500 as a problem, log it, never show internals
            logging.getLogger("zjtx_rules.web.app").exception(
                "unhandled error on %s %s", escape_control(method), escape_control(path)
            )
            crash = Problem(500, "Internal Server Error", "服务器内部错误", "internal server error")
            status, ctype, body = 500, "application/problem+json", _json_bytes(crash.body())
        if method == "HEAD":
            body = b""
        return self._reply(start_response, status, ctype, body, headers)

    def _reply(
        self,
        start_response: StartResponse,
        status: int,
        ctype: str,
        body: bytes,
        headers: list[tuple[str, str]],
    ) -> list[bytes]:
        base = [
            ("Content-Type", ctype),
            ("Content-Length", str(len(body))),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "no-store"),
            ("Referrer-Policy", "no-referrer"),
            # wsgiref adds its own Server header (with the Python version) only when none is set
            ("Server", "zjtx_rules"),
        ]
        if ctype.startswith("text/html"):
            base.append(
                (
                    "Content-Security-Policy",
                    f"default-src 'self'; img-src 'self' data:; frame-ancestors {self.frame_ancestors}",
                )
            )
        start_response(f"{status} {HTTPStatus(status).phrase}", base + headers)
        return [body]

    def _check_preflight(self, environ: Environ, origin: str, allowed: bool, methods: list[str]) -> None:
        """Refuse a CORS preflight with a 403 that says why (origin, method or header)."""
        if not allowed:
            raise Problem(
                403,
                "Forbidden",
                f"跨域来源 {origin} 不在允许列表中（zjtx serve --cors-origin）",
                f"CORS origin {origin} is not allowed (zjtx serve --cors-origin); "
                f"allowed: {', '.join(sorted(self.cors_origins)) or 'none'}",
            )
        want = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD", "")
        if want and want not in methods:
            raise Problem(
                403, "Forbidden", f"此地址不接受方法 {want}", f"method {want} is not allowed on this path"
            )
        ok = {h.lower() for h in self.cors_headers}
        asked = [h.strip() for h in environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "").split(",")]
        refused = [h for h in asked if h and h.lower() not in ok]
        if refused:
            raise Problem(
                403,
                "Forbidden",
                f"不允许的请求头: {', '.join(refused)}（zjtx serve --cors-header）",
                f"request headers not allowed: {', '.join(refused)} (zjtx serve --cors-header); "
                f"allowed: {', '.join(self.cors_headers)}",
            )

    @staticmethod
    def _not_allowed(allowed: list[str]) -> Problem:
        return Problem(
            405,
            "Method Not Allowed",
            f"此地址只接受 {', '.join(allowed)}",
            f"this path accepts {', '.join(allowed)} only",
            headers=[("Allow", ", ".join(allowed))],
        )

    @staticmethod
    def _ok(doc: Any) -> tuple[int, str, bytes]:
        return 200, "application/json", _json_bytes(doc)

    def _static(self, name: str) -> tuple[int, str, bytes]:
        suffix = Path(name).suffix
        if not _STATIC_NAME.fullmatch(name) or suffix not in STATIC_TYPES:
            # only plain file names: no folders, no dot files, no NUL or control characters
            shown = escape_control(name)
            raise Problem(404, "Not Found", f"没有这个文件: {shown}", f"no such file: {shown}")
        try:
            data = resources.files("zjtx_rules.web").joinpath("static", name).read_bytes()
        except OSError:
            raise Problem(404, "Not Found", f"没有这个文件: {name}", f"no such file: {name}") from None
        return 200, STATIC_TYPES[suffix], data

    # -- requests
    def _query(self, environ: Environ) -> tuple[Any, str]:
        try:
            # blank values kept, so that an empty as_of= is a 400 rather than "today"
            q = parse_qs(environ.get("QUERY_STRING", ""), max_num_fields=10, keep_blank_values=True)
        except ValueError:
            raise Problem(400, "Bad Request", "查询参数过多", "too many query parameters") from None
        lang = q.get("lang", ["zh"])[0]
        if lang not in ("zh", "en"):
            raise Problem(400, "Bad Request", "lang 只能是 zh 或 en", "lang must be zh or en")
        try:
            raw = q["as_of"][0] if "as_of" in q else None
            if raw is not None and not _ISO_DATE.fullmatch(raw):
                # the OpenAPI format "date" is YYYY-MM-DD only, not every ISO 8601 spelling
                raise UsageError(
                    f"评估日期应为 YYYY-MM-DD，实际为 {bounded(raw, JSON)}",
                    f"as_of must be a date YYYY-MM-DD; got {bounded(raw, JSON)}",
                )
            as_of = parse_as_of(raw)
        except UsageError as exc:
            raise Problem(400, "Bad Request", exc.message_zh, exc.message_en) from None
        return as_of, lang

    def _body(self, environ: Environ) -> Any:
        ctype = environ.get("CONTENT_TYPE", "")
        mime, _, params = ctype.partition(";")
        if mime.strip().lower() != "application/json":
            raise Problem(
                415,
                "Unsupported Media Type",
                "请求体应为 application/json",
                f"the body must be application/json; got {ctype or 'nothing'}",
            )
        charset = params.strip().lower().removeprefix("charset=").strip('"')
        if params.strip() and charset not in ("utf-8", "utf8"):
            raise Problem(415, "Unsupported Media Type", "只接受 UTF-8 编码", "only UTF-8 is accepted")
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        if length < 0:
            raise Problem(411, "Length Required", "需要 Content-Length", "Content-Length is required")
        if length > self.max_body:  # decided from the header alone, before waiting for a byte
            _drain(environ["wsgi.input"], length)
            raise Problem(
                413,
                "Content Too Large",
                f"请求体超过 {self.max_body} 字节",
                f"the body is over the limit of {self.max_body} bytes",
            )
        try:
            data = environ["wsgi.input"].read(length) if length else b""
        except OSError:  # the server's body deadline (TimeoutError) or a reset connection
            raise Problem(
                408, "Request Timeout", "请求体未在时限内传完", "the body did not arrive in time"
            ) from None
        if len(data) < length:
            raise Problem(
                400,
                "Bad Request",
                f"请求体只有 {len(data)} 字节，少于 Content-Length {length}",
                f"the body has {len(data)} bytes, fewer than its Content-Length of {length}",
            )
        try:
            return parse_json(data, limit=self.max_body)
        except ProfileError as exc:
            raise Problem(
                400,
                "Bad Request",
                exc.errors[0].message_zh,
                exc.errors[0].message_en,
                errors=[e.to_dict() for e in exc.errors],
            ) from None

    def _evaluate(self, environ: Environ) -> tuple[int, str, bytes]:
        as_of, _lang = self._query(environ)
        doc = self._body(environ)
        try:
            result = self.rules.evaluate(doc, as_of)
        except ProfileError as exc:
            raise _profile_problem(exc) from None
        except EvaluationError as exc:
            raise Problem(422, "Unprocessable Content", str(exc), str(exc)) from None
        return 200, "application/json", result.to_json().encode("utf-8")

    def _batch(self, environ: Environ) -> tuple[int, str, bytes]:
        as_of, _lang = self._query(environ)
        flag = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).get("compact", ["false"])[0]
        if flag not in ("true", "false"):
            raise Problem(400, "Bad Request", "compact 只能是 true 或 false", "compact must be true or false")
        shape = compact if flag == "true" else _whole
        doc = self._body(environ)
        if not isinstance(doc, list):
            raise Problem(
                422,
                "Unprocessable Content",
                "批量请求体应为 JSON 数组",
                "a batch must be a JSON array of profiles",
            )
        if len(doc) > self.max_batch:
            raise Problem(
                413,
                "Content Too Large",
                f"批量最多 {self.max_batch} 个企业，实际 {len(doc)} 个",
                f"a batch holds at most {self.max_batch} profiles; got {len(doc)}",
            )
        out: list[Any] = []
        for i, profile in enumerate(doc):
            try:
                out.append(shape(self.rules.evaluate(profile, as_of).to_dict()))
            except ProfileError as exc:
                out.append(
                    {
                        "index": i,
                        **exc.to_dict(),
                        "errors": [
                            {**e.to_dict(), "path": e.path.replace("$", f"$[{i}]", 1)} for e in exc.errors
                        ],
                    }
                )
            except EvaluationError as exc:
                out.append({"index": i, **exc.to_dict()})
        return 200, "application/json", _json_bytes(out)


def _whole(result: Any) -> Any:
    return result


def compact(result: Any) -> dict[str, Any]:
    """A result cut to what a register screen needs: statuses and amounts (``?compact=true``)."""
    return {
        "profile_id": result["profile_id"],
        "as_of": result["as_of"],
        "warnings": [w["code"] for w in result["warnings"]],
        "measures": [
            {"id": m["id"], "status": m["status"], "amounts": m["amounts"]} for m in result["measures"]
        ],
        "tiers": [{"id": t["id"], "status": t["status"]} for t in result["tiers"]],
    }


DRAIN_LIMIT = 16 << 20
DRAIN_SECONDS = 2.0


def _rules_document(rules: RuleSet, name: str) -> tuple[int, str, bytes]:
    from zjtx_rules.render.docsite import site_file

    found = site_file(rules, name)
    if found is None:
        raise Problem(404, "Not Found", f"规则文档中没有这一页: {name}", f"no such page of the rules: {name}")
    return 200, found[0], found[1]


def _drain(stream: Any, length: int) -> None:
    """Read and drop a refused body (up to 16 MiB, for at most 2 s), so the client can read
    our answer instead of failing mid-upload. A client that announced a body and sends none
    is not waited for beyond that (each read is also bounded by the server's body deadline);
    a read error just ends the draining, the answer is what matters."""
    left = min(length, DRAIN_LIMIT)
    stop = time.monotonic() + DRAIN_SECONDS
    shorten = getattr(stream, "shorten", None)  # zjtx_rules.server's input: wait no longer
    if callable(shorten):
        shorten(DRAIN_SECONDS)
    try:
        while left > 0 and time.monotonic() < stop:
            chunk = stream.read(min(left, 1 << 16))
            if not chunk:
                break
            left -= len(chunk)
    except OSError:
        pass


_STATIC_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_control(text: str) -> str:
    """``text`` with control characters as ``\\xNN``: what reaches a log or an answer can
    neither start a forged line nor carry terminal escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _profile_problem(exc: ProfileError) -> Problem:
    first = exc.errors[0]
    return Problem(
        422,
        "Unprocessable Content",
        f"企业信息有误（{len(exc.errors)} 处），如 {first.path}: {first.message_zh}",
        f"invalid profile ({len(exc.errors)} problem(s)), e.g. {first.path}: {first.message_en}",
        errors=[e.to_dict() for e in exc.errors],
    )


def create_app(
    rules: RuleSet | str | Path | None = None,
    *,
    max_body: int = DEFAULT_MAX_BODY,
    max_batch: int = DEFAULT_MAX_BATCH,
    cors_origins: Sequence[str] = (),
    frame_ancestors: str = "*",
    cors_headers: Sequence[str] = DEFAULT_CORS_HEADERS,
) -> App:
    """A WSGI application for ``rules`` (a loaded ``RuleSet``, a folder, or None = bundled).

    ``cors_origins`` lists the origins allowed to call the API from a browser (CORS is off
    otherwise; ``*`` allows any; a trailing slash is dropped, a path is a ``ValueError``);
    ``cors_headers`` the request headers a preflight may ask for; ``frame_ancestors`` is the
    CSP list of pages allowed to embed the calculator.
    """
    loaded = rules if isinstance(rules, RuleSet) else load_rules(rules)
    return App(
        loaded,
        max_body=max_body,
        max_batch=max_batch,
        cors_origins=cors_origins,
        frame_ancestors=frame_ancestors,
        cors_headers=cors_headers,
    )


_APP: App | None = None


def __getattr__(name: str) -> Any:
    """``zjtx_rules.web:app``, built on first use (never at import time) from ``$ZJTX_RULES``
    or the bundled package; ``$ZJTX_CORS_ORIGINS`` is a comma-separated allow-list."""
    global _APP
    if name != "app":
        raise AttributeError(name)
    if _APP is None:
        origins = [o for o in os.environ.get("ZJTX_CORS_ORIGINS", "").split(",") if o]
        _APP = create_app(os.environ.get("ZJTX_RULES") or None, cors_origins=origins)
    return _APP
