"""Several rule packages behind one test server, for the calculator page's browser tests.

A stand-in, test-only, for the endpoints the real application serves when it holds several
packages (``GET /v1/policies``, ``GET /v1/policies/{id}``, ``POST /v1/policies/{id}/evaluate``,
``POST /v1/match``); everything else (the page, ``/v1/policy``, ``/v1/evaluate``, the rules
document) is the first package's own application. Each package is answered by its own
``create_app``, so evaluating and its errors are the real ones. To be replaced by the real
application's tests.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.web.application import App, create_app


def _call(app: App, environ: dict[str, Any], path: str, body: bytes | None = None) -> tuple[int, bytes]:
    """Ask one package's application, as if ``path`` had been requested."""
    env = {**environ, "PATH_INFO": path}
    if body is not None:
        env["wsgi.input"] = io.BytesIO(body)
        env["CONTENT_LENGTH"] = str(len(body))
    got: list[str] = []
    chunks = app(env, lambda status, headers, *_: got.append(status))  # type: ignore[arg-type]
    return int(got[0].split()[0]), b"".join(chunks)


class MultiApp:
    """The WSGI callable over ``rule_sets`` (the first one is the default)."""

    def __init__(self, rule_sets: list[RuleSet]) -> None:
        self.apps = {r.policy.id: create_app(r) for r in rule_sets}
        self.default = rule_sets[0].policy.id
        self.described = {r.policy.id: r.describe() for r in rule_sets}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET").upper()
        parts = path.strip("/").split("/")
        status, body = 404, b'{"title": "Not Found", "status": 404}'
        if parts[:2] == ["v1", "policies"] and len(parts) == 2 and method == "GET":
            status, body = 200, self._list()
        elif parts[:2] == ["v1", "policies"] and len(parts) in (3, 4) and parts[2] in self.apps:
            app = self.apps[parts[2]]
            if len(parts) == 3 and method == "GET":
                status, body = _call(app, environ, "/v1/policy")
            elif len(parts) == 4 and parts[3] == "evaluate" and method == "POST":
                status, body = _call(app, environ, "/v1/evaluate", self._body(environ))
        elif path == "/v1/match" and method == "POST":
            status, body = self._match(environ)
        else:
            return self.apps[self.default](environ, start_response)
        ctype = "application/json" if status < 400 else "application/problem+json"
        start_response(f"{status} -", [("Content-Type", ctype), ("Content-Length", str(len(body)))])
        return [body]

    @staticmethod
    def _body(environ: dict[str, Any]) -> bytes:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        data: bytes = environ["wsgi.input"].read(length)
        return data

    def _list(self) -> bytes:
        keys = ("id", "version", "title_zh", "title_en", "sha256")
        policies = [{k: d["policy"][k] for k in keys} for d in self.described.values()]  # type: ignore[literal-required]
        return json.dumps({"policies": policies, "default": self.default}, ensure_ascii=False).encode()

    def _match(self, environ: dict[str, Any]) -> tuple[int, bytes]:
        """Each package evaluates the facts it declares; facts no package declares are named."""
        profile = json.loads(self._body(environ) or b"{}")
        declared: set[str] = set()
        results: dict[str, Any] = {}
        summary: dict[str, Any] = {}
        as_of = None
        for pid, app in self.apps.items():
            names = {f["name"] for f in self.described[pid]["facts"]}
            declared |= names
            own = json.dumps({k: v for k, v in profile.items() if k in names}).encode()
            status, body = _call(app, environ, "/v1/evaluate", own)
            doc = json.loads(body)
            if status != 200:
                results[pid] = {"problem": doc}
                continue
            results[pid] = doc
            as_of = doc["as_of"]
            count = {
                s: sum(m["status"] == s for m in doc["measures"])
                for s in ("eligible", "undetermined", "ineligible")
            }
            heads = []
            for key in self.described[pid]["policy"].get("headline", ["cash"]):
                if key == "cash":
                    heads.append({"key": key, "value": doc["totals"]["cash_cny"]})
                else:
                    mid, _, out = key.partition(".")
                    m = next(m for m in doc["measures"] if m["id"] == mid)
                    heads.append({"key": key, "value": m["amounts"].get(out)})
            summary[pid] = {**count, "cash_cny": doc["totals"]["cash_cny"], "headline": heads}
        answer = {
            "as_of": as_of,
            "profile_id": profile.get("id"),
            "results": results,
            "undeclared_facts": sorted(set(profile) - declared),
            "summary": summary,
        }
        return 200, json.dumps(answer, ensure_ascii=False).encode()
