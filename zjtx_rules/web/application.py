"""The JSON web API and the embeddable policy-calculator page: one WSGI application.

Standard library only, so any WSGI server can host it (``zjtx_rules.web.application:app`` for the
bundled package, or the package named by ``$ZJTX_RULES``; ``create_app(rules)`` for others).
Every endpoint is read-only. Errors are ``application/problem+json`` (RFC 9457) with zh and
en text and, for profile errors, the JSON path of each problem. Requests are bounded before
they are read: body size, batch length, JSON depth and number length.

One app may serve several packages (``create_app([a, b])``): ``/v1/policies`` lists them,
``/v1/policies/{id}``, ``.../evaluate`` and ``.../evaluate/batch`` answer for one, and
``/v1/match`` evaluates one enterprise against all; the paths without an id answer for the
default package (``packages``).

This module routes; the parts are beside it: ``cors`` (origins and preflights), ``static``
(files and the rules document), ``inputs`` (query and body), ``endpoints`` (evaluating),
``packages`` (the packages served), ``match`` (all of them at once) and ``problems`` (error
answers).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any

from zjtx_rules.evaluate.ruleset import RuleSet, load_rules
from zjtx_rules.web.cors import DEFAULT_CORS_HEADERS as DEFAULT_CORS_HEADERS
from zjtx_rules.web.cors import Cors
from zjtx_rules.web.cors import normalise_origin as normalise_origin
from zjtx_rules.web.endpoints import compact as compact
from zjtx_rules.web.endpoints import evaluate_batch, evaluate_one
from zjtx_rules.web.escape import escape_control as escape_control
from zjtx_rules.web.inputs import DRAIN_LIMIT as DRAIN_LIMIT
from zjtx_rules.web.inputs import DRAIN_SECONDS as DRAIN_SECONDS
from zjtx_rules.web.match import match
from zjtx_rules.web.openapi import openapi_document
from zjtx_rules.web.packages import Served
from zjtx_rules.web.problems import Problem as Problem
from zjtx_rules.web.problems import json_bytes, method_not_allowed
from zjtx_rules.web.static import STATIC_TYPES as STATIC_TYPES
from zjtx_rules.web.static import rules_document, static_file
from zjtx_rules.web.wsgi import Answer, Environ, StartResponse

# A batch of DEFAULT_MAX_BATCH realistic profiles fits in DEFAULT_MAX_BODY: 1,000 copies of
# examples/profiles/little_giant_11_talents.json are 2.9 MB compact, 4.2 MB indented.
DEFAULT_MAX_BODY = 6 << 20  # 6 MiB
DEFAULT_MAX_BATCH = 1000
POLICIES = "/v1/policies/"  # then {id}, {id}/evaluate, {id}/evaluate/batch

Route = dict[str, Callable[[Environ], Answer]]  # method -> handler


class App:
    """The WSGI callable. Build it with ``create_app``."""

    def __init__(
        self,
        rules: RuleSet | Sequence[RuleSet],
        *,
        max_body: int,
        max_batch: int,
        cors_origins: Sequence[str],
        frame_ancestors: str,
        cors_headers: Sequence[str] = DEFAULT_CORS_HEADERS,
    ) -> None:
        self.served = Served([rules] if isinstance(rules, RuleSet) else rules)
        self.rules = self.served.default  # what the paths without a package id answer for
        self.max_body = max_body
        self.max_batch = max_batch
        self.cors = Cors(cors_origins, cors_headers)
        self.frame_ancestors = frame_ancestors
        self._schemas = {
            "profile": json_bytes(self.rules.profile_schema()),
            "result": json_bytes(self.rules.result_schema()),
        }
        self._openapi = json_bytes(openapi_document(self.served, max_batch, max_body))
        self.routes: dict[str, Route] = {
            "/": {"GET": lambda e: static_file("index.html")},
            "/healthz": {"GET": lambda e: (200, "application/json", json_bytes(self._health()))},
            "/v1/policy": {"GET": lambda e: self._described(self.rules)},
            "/v1/schema/profile": {
                "GET": lambda e: (200, "application/schema+json", self._schemas["profile"])
            },
            "/v1/schema/result": {"GET": lambda e: (200, "application/schema+json", self._schemas["result"])},
            "/openapi.json": {"GET": lambda e: (200, "application/json", self._openapi)},
            "/v1/policies": {"GET": lambda e: (200, "application/json", self.served.listing)},
            "/v1/match": {"POST": lambda e: match(self.served, e, self.max_body)},
            **self._package_routes(self.rules, "/v1"),
        }

    def _package_routes(self, rules: RuleSet, prefix: str) -> dict[str, Route]:
        """The evaluating paths of one package below ``prefix``: ``/v1`` for the default
        package; ``_route`` finds those below ``/v1/policies/{id}`` for each package."""
        return {
            f"{prefix}/evaluate": {"POST": lambda e: evaluate_one(rules, e, self.max_body)},
            f"{prefix}/evaluate/batch": {
                "POST": lambda e: evaluate_batch(rules, e, self.max_body, self.max_batch)
            },
        }

    def _described(self, rules: RuleSet) -> Answer:
        return 200, "application/json", self.served.described[rules.policy.id]

    def _route(self, path: str) -> Route:
        """The methods of a path, or a 404 problem (for ``/v1/policies/{id}...``, one naming
        the packages served when the id is unknown)."""
        key = path.rstrip("/") or "/"
        route = self.routes.get(key)
        if route is not None:
            return route
        if key.startswith(POLICIES):
            pid, _, rest = key[len(POLICIES) :].partition("/")
            if rest in ("", "evaluate", "evaluate/batch"):
                rules = self.served.get(pid)
                if not rest:
                    return {"GET": lambda e: self._described(rules)}
                return self._package_routes(rules, "")[f"/{rest}"]
        raise Problem(404, "Not Found", f"没有这个地址: {path}", f"no such path: {path}")

    @property
    def cors_origins(self) -> set[str]:
        return self.cors.origins

    @property
    def cors_any(self) -> bool:
        return self.cors.any

    @property
    def cors_headers(self) -> list[str]:
        return self.cors.headers

    def _health(self) -> dict[str, Any]:
        return {"status": "ok", "policy": self.rules.policy_ref}

    # -- WSGI
    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET").upper()
        headers: list[tuple[str, str]] = []
        origin = environ.get("HTTP_ORIGIN")
        allowed = self.cors.allows(origin)
        if allowed:
            headers += self.cors.answer_headers(str(origin))
        try:
            if path.startswith(("/static/", "/rules/")):
                status, ctype, body = self._file(path, method)
            else:
                route = self._route(path)
                if method == "OPTIONS" and origin:
                    self.cors.check_preflight(environ, str(origin), allowed, list(route))
                    preflight = [*headers, *self.cors.preflight_headers(list(route))]
                    return self._reply(start_response, 204, "text/plain", b"", preflight)
                handler = route.get("GET" if method == "HEAD" else method)
                if handler is None:
                    raise method_not_allowed(list(route))
                status, ctype, body = handler(environ)
        except Problem as p:
            headers += p.headers
            lang = "en" if "lang=en" in environ.get("QUERY_STRING", "") else "zh"
            status, ctype, body = p.status, "application/problem+json", json_bytes(p.body(lang))
        except Exception:  # a bug: answer 500 as a problem, log it, never show internals
            logging.getLogger("zjtx_rules.web.application").exception(
                "unhandled error on %s %s", escape_control(method), escape_control(path)
            )
            crash = Problem(500, "Internal Server Error", "服务器内部错误", "internal server error")
            status, ctype, body = 500, "application/problem+json", json_bytes(crash.body())
        if method == "HEAD":
            body = b""
        return self._reply(start_response, status, ctype, body, headers)

    def _file(self, path: str, method: str) -> Answer:
        """``/static/NAME`` (the page's files) or ``/rules/NAME`` (the rules document)."""
        if method not in ("GET", "HEAD"):
            raise method_not_allowed(["GET"])
        if path.startswith("/static/"):
            return static_file(path[len("/static/") :])
        return rules_document(self.rules, path[len("/rules/") :])  # as zjtx docs, built in memory

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


Package = RuleSet | str | Path  # a loaded package, or its folder


def create_app(
    rules: Package | Sequence[Package] | None = None,
    *,
    max_body: int = DEFAULT_MAX_BODY,
    max_batch: int = DEFAULT_MAX_BATCH,
    cors_origins: Sequence[str] = (),
    frame_ancestors: str = "*",
    cors_headers: Sequence[str] = DEFAULT_CORS_HEADERS,
) -> App:
    """A WSGI application for ``rules``: one package (a loaded ``RuleSet``, a folder, or None
    = bundled) or several (a sequence of them; the default one is the bundled package when it
    is among them, else the first; two with one policy id are a ``UsageError``).

    ``cors_origins`` lists the origins allowed to call the API from a browser (CORS is off
    otherwise; ``*`` allows any; a trailing slash is dropped, a path is a ``ValueError``);
    ``cors_headers`` the request headers a preflight may ask for; ``frame_ancestors`` is the
    CSP list of pages allowed to embed the calculator.
    """
    given = [rules] if rules is None or isinstance(rules, RuleSet | str | Path) else list(rules)
    loaded = [r if isinstance(r, RuleSet) else load_rules(r) for r in given]
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
    """``zjtx_rules.web.application:app``, built on first use (never at import time) from ``$ZJTX_RULES``
    or the bundled package; ``$ZJTX_CORS_ORIGINS`` is a comma-separated allow-list."""
    global _APP
    if name != "app":
        raise AttributeError(name)
    if _APP is None:
        origins = [o for o in os.environ.get("ZJTX_CORS_ORIGINS", "").split(",") if o]
        _APP = create_app(os.environ.get("ZJTX_RULES") or None, cors_origins=origins)
    return _APP
