"""The JSON API against a real server on a free loopback port, responses checked against
the OpenAPI document."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import jsonschema
import openapi_spec_validator
import pytest

from tests.conftest import BUNDLED, EXAMPLES
from zjtx_rules.web.application import DEFAULT_MAX_BODY, App, create_app


def _start(app: App) -> tuple[Any, int]:
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = make_server("127.0.0.1", 0, app, server_class=Server, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_port


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[int, dict[str, Any]]]:
    app = create_app(BUNDLED, cors_origins=["https://portal.example.gov.cn"])
    srv, port = _start(app)
    doc = json.loads(request(port, "GET", "/openapi.json")[2])
    yield port, doc
    srv.shutdown()
    srv.server_close()


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    hdrs = {"Content-Type": "application/json"} if body is not None else {}
    hdrs.update(headers or {})
    conn.request(method, path, body=body, headers=hdrs)
    res = conn.getresponse()
    data = res.read()
    conn.close()
    return res.status, {k.lower(): v for k, v in res.getheaders()}, data


def check(doc: dict[str, Any], schema: dict[str, Any], value: Any) -> None:
    validator = jsonschema.Draft202012Validator({**schema, "components": doc["components"]})
    validator.validate(value)


def response_schema(doc: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    resp = doc["paths"][path][method]["responses"][str(status)]
    (content,) = resp["content"].values()
    return content["schema"]


def test_openapi_document_is_valid(server: tuple[int, dict[str, Any]]) -> None:
    _, doc = server
    openapi_spec_validator.validate(doc)


def _closed(node: Any) -> Any:
    """A copy of a schema in which every object with properties allows no other key."""
    if isinstance(node, dict):
        out = {k: _closed(v) for k, v in node.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_closed(v) for v in node]
    return node


def test_policy_answer_validates_against_its_typed_schema(server: tuple[int, dict[str, Any]]) -> None:
    port, doc = server
    status, _, body = request(port, "GET", "/v1/policy")
    policy = json.loads(body)
    schema = response_schema(doc, "/v1/policy", "get", 200)
    assert status == 200 and schema == {"$ref": "#/components/schemas/Policy"}
    check(doc, schema, policy)
    # every key of the answer is described, at every level (facts' record fields too) ...
    check(_closed(doc), schema, policy)
    # ... and the schema tells a real answer from a wrong one
    components = doc["components"]["schemas"]
    assert set(components["Policy"]["required"]) == {"policy", "targets", "measures", "tiers", "facts"}
    assert components["Policy"]["title"] == "Policy"  # a generated client's class name, as before
    fact = components["Policy_FactInfoDict"]
    assert "fields" in fact["properties"] and "name" in fact["required"] and "min" not in fact["required"]
    broken = json.loads(body)
    broken["measures"][0]["benefit"] = "Gift!"  # a benefit kind is a package-declared identifier
    del broken["facts"][0]["label_zh"]
    errors = jsonschema.Draft202012Validator({**schema, "components": doc["components"]}).iter_errors(broken)
    assert len(list(errors)) == 2


def test_openapi_lints_clean_by_redocly_rules(server: tuple[int, dict[str, Any]]) -> None:
    """What Redocly's recommended rules ask (.ci/run runs the linter itself when npx is there):
    security declared (public), a licence, every answer described, no empty schema."""
    _, doc = server
    assert doc["security"] == [] and doc["info"]["license"] == {"name": "MIT", "identifier": "MIT"}
    empty: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if not node:
                empty.append(where)
            for k, v in node.items():
                walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    walk(doc, "#")
    assert empty == []
    for item in doc["paths"].values():
        for op in item.values():
            assert all(answer["description"] for answer in op["responses"].values())
            for answer in op["responses"].values():
                for content in answer["content"].values():
                    assert content["schema"].get("$ref") or content["schema"].get("type")
    batch = doc["paths"]["/v1/evaluate/batch"]["post"]
    items = batch["requestBody"]["content"]["application/json"]["schema"]["items"]
    assert items == {"$ref": "#/components/schemas/Profile"} and "BatchError" in batch["description"]


def test_batch_answers_any_json_value_in_place(server: tuple[int, dict[str, Any]]) -> None:
    """The batch schema types its elements as profiles; an element that is not one (a number,
    null, a list, an unknown key) is still answered in place, never a refusal of the batch."""
    port, doc = server
    batch = [5, None, [1], {"id": "a", "nope": 1}, {"id": "ok"}]
    status, _, body = request(
        port, "POST", "/v1/evaluate/batch?as_of=2025-06-30&compact=true", json.dumps(batch).encode()
    )
    assert status == 200
    out = json.loads(body)
    check(doc, response_schema(doc, "/v1/evaluate/batch", "post", 200), out)
    assert [r.get("index") for r in out] == [0, 1, 2, 3, None]
    assert [r["errors"][0]["path"] for r in out[:4]] == ["$[0]", "$[1]", "$[2]", "$[3].nope"]


def test_health_policy_and_schemas(server: tuple[int, dict[str, Any]]) -> None:
    port, _doc = server
    status, _, body = request(port, "GET", "/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, _, body = request(port, "GET", "/v1/policy")
    policy = json.loads(body)
    assert status == 200 and len(policy["measures"]) == 30
    talents = next(f for f in policy["facts"] if f["name"] == "talents")
    assert talents["label_zh"] and talents["question_en"] and talents["fields"][0]["name"] == "id"
    assert next(f for f in policy["facts"] if f["name"] == "revenue_cny")["below"] == "1000000000000000"
    for which in ("profile", "result"):
        status, headers, body = request(port, "GET", f"/v1/schema/{which}")
        assert status == 200 and headers["content-type"] == "application/schema+json"
        jsonschema.Draft202012Validator.check_schema(json.loads(body))


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_evaluate_each_example(server: tuple[int, dict[str, Any]], path: Any) -> None:
    port, doc = server
    status, _, body = request(port, "POST", "/v1/evaluate?as_of=2025-06-30&lang=en", path.read_bytes())
    assert status == 200
    result = json.loads(body)
    check(doc, response_schema(doc, "/v1/evaluate", "post", 200), result)
    assert result["as_of"] == "2025-06-30" and len(result["measures"]) == 30


def test_batch_answers_each_element_in_order(server: tuple[int, dict[str, Any]]) -> None:
    port, doc = server
    good = json.loads((EXAMPLES / "new_municipal_zjtx.json").read_text(encoding="utf-8"))
    batch = [good, {"id": "bad", "revenue_cny": "-1"}, {"id": "x"}]
    status, _, body = request(
        port, "POST", "/v1/evaluate/batch?as_of=2025-06-30", json.dumps(batch, ensure_ascii=False).encode()
    )
    assert status == 200
    out = json.loads(body)
    check(doc, response_schema(doc, "/v1/evaluate/batch", "post", 200), out)
    assert [("error" in r) for r in out] == [False, True, False]
    assert out[1]["index"] == 1 and out[1]["errors"][0]["path"] == "$[1].revenue_cny"


BIG = b'{"id": "' + b"x" * DEFAULT_MAX_BODY + b'"}'


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status"),
    [
        ("GET", "/nope", None, {}, 404),
        ("GET", "/v1/evaluate", None, {}, 405),
        ("DELETE", "/v1/policy", None, {}, 405),
        ("POST", "/v1/evaluate", b"{}", {"Content-Type": "text/plain"}, 415),
        ("POST", "/v1/evaluate", b"{}", {"Content-Type": "application/json; charset=latin-1"}, 415),
        ("POST", "/v1/evaluate", b'{"id": ', {}, 400),
        ("POST", "/v1/evaluate", b'{"id": "\xff\xfe"}', {}, 400),
        ("POST", "/v1/evaluate", b"[" * 5000 + b"]" * 5000, {}, 400),
        ("POST", "/v1/evaluate", b'{"id": "x", "revenue_cny": ' + b"9" * 10_000 + b"}", {}, 400),
        ("POST", "/v1/evaluate", BIG, {}, 413),
        ("POST", "/v1/evaluate/batch", json.dumps([{"id": str(i)} for i in range(10_000)]).encode(), {}, 413),
        ("POST", "/v1/evaluate/batch", b'{"id": "x"}', {}, 422),
        ("POST", "/v1/evaluate", b'{"id": "x", "revenu_cny": "1"}', {}, 422),
        ("POST", "/v1/evaluate?as_of=2025-02-30", b'{"id": "x"}', {}, 400),
        ("POST", "/v1/evaluate?lang=fr", b'{"id": "x"}', {}, 400),
        ("POST", "/v1/evaluate?" + "&".join(f"p{i}=1" for i in range(20)), b'{"id": "x"}', {}, 400),
    ],
)
def test_errors_are_problems_and_quick(
    server: tuple[int, dict[str, Any]],
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str],
    status: int,
) -> None:
    port, doc = server
    start = time.monotonic()
    got, hdrs, data = request(port, method, path, body, headers)
    assert time.monotonic() - start < 2
    assert got == status
    assert hdrs["content-type"] == "application/problem+json"
    problem = json.loads(data)
    check(doc, {"$ref": "#/components/schemas/Problem"}, problem)
    assert problem["status"] == status and problem["detail_zh"] and problem["detail_en"]
    if status == 405:
        assert hdrs["allow"]
    assert request(port, "GET", "/healthz")[0] == 200  # the server keeps answering


def test_profile_errors_carry_json_paths(server: tuple[int, dict[str, Any]]) -> None:
    port, _ = server
    _, _, data = request(port, "POST", "/v1/evaluate", b'{"id": "x", "talents": [{"id": 5}]}')
    paths = sorted(e["path"] for e in json.loads(data)["errors"])
    assert paths == ["$.talents[0].contributions_cny", "$.talents[0].id"]


def test_missing_content_length_is_refused(server: tuple[int, dict[str, Any]]) -> None:
    port, _ = server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("POST", "/v1/evaluate")
    conn.putheader("Content-Type", "application/json")
    conn.endheaders()
    res = conn.getresponse()
    assert res.status == 411
    conn.close()


def test_cors_is_off_except_for_the_allow_list(server: tuple[int, dict[str, Any]]) -> None:
    port, _ = server
    _, hdrs, _ = request(port, "GET", "/v1/policy", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in hdrs
    ok = "https://portal.example.gov.cn"
    _, hdrs, _ = request(port, "GET", "/v1/policy", headers={"Origin": ok})
    assert hdrs["access-control-allow-origin"] == ok
    status, hdrs, _ = request(port, "OPTIONS", "/v1/evaluate", headers={"Origin": ok})
    assert status == 204 and "POST" in hdrs["access-control-allow-methods"]


def test_page_and_static_files(server: tuple[int, dict[str, Any]]) -> None:
    port, _ = server
    status, hdrs, body = request(port, "GET", "/")
    assert status == 200 and b"/static/app.js" in body
    assert "frame-ancestors" in hdrs["content-security-policy"]
    assert b"http://" not in body and b"https://" not in body  # nothing loaded from outside
    status, _, js = request(port, "GET", "/static/app.js")
    assert status == 200 and b'fetch("/v1/policy")' in js
    assert request(port, "GET", "/static/../web.py")[0] == 404


def test_module_app_is_lazy_and_uses_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import zjtx_rules.web.application as web

    monkeypatch.setattr(web, "_APP", None)
    monkeypatch.setenv("ZJTX_RULES", str(BUNDLED))
    assert isinstance(web.app, App)


def test_ratio_computed_in_javascript_is_accepted(server: tuple[int, dict[str, Any]]) -> None:
    port, _ = server
    got, _, data = request(port, "POST", "/v1/evaluate", b'{"id":"a","sci_staff_ratio":0.3333333333333333}')
    assert got == 200, data


@pytest.mark.parametrize("query", ["as_of=", "as_of=2025-13-01", "as_of=20250101", "compact=yes"])
def test_empty_or_malformed_query_is_a_400(server: tuple[int, dict[str, Any]], query: str) -> None:
    port, _ = server
    got, _, _ = request(port, "POST", f"/v1/evaluate/batch?{query}", b'[{"id": "a"}]')
    assert got == 400


def test_openapi_names_every_operation_and_answer(server: tuple[int, dict[str, Any]]) -> None:
    _, doc = server
    assert doc["servers"] and "/openapi.json" in doc["paths"]
    assert doc["info"]["version"] != doc["info"]["x-policy-version"]
    ops = [op for item in doc["paths"].values() for op in item.values()]
    assert len({op["operationId"] for op in ops}) == len(ops)
    for op in ops:
        assert {"404", "405", "500"} <= set(op["responses"])
    assert {"413", "415"} <= set(doc["paths"]["/v1/evaluate"]["post"]["responses"])


def test_batch_of_1000_realistic_profiles_fits_the_default_limits(server: tuple[int, dict[str, Any]]) -> None:
    port, doc = server
    one = json.loads((EXAMPLES / "little_giant_11_talents.json").read_text(encoding="utf-8"))
    body = json.dumps([{**one, "id": str(i)} for i in range(1000)], ensure_ascii=False, indent=2).encode()
    # a thousand evaluations: a generous client timeout, since CI machines are shared
    path = "/v1/evaluate/batch?as_of=2025-06-30&compact=true"
    got, _, data = request(port, "POST", path, body, timeout=120)
    assert got == 200, data[:300]
    rows = json.loads(data)
    assert len(rows) == 1000
    assert set(rows[0]) == {"profile_id", "as_of", "warnings", "measures", "tiers", "totals"}
    assert rows[0]["totals"]["cash_cny"] == "1344386.50"
    check(doc, response_schema(doc, "/v1/evaluate/batch", "post", 200), rows)


def _call(app: App, method: str, headers: dict[str, str]) -> tuple[str, dict[str, str], bytes]:
    seen: dict[str, Any] = {}

    def start(status: str, hdrs: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, {k.lower(): v for k, v in hdrs}

    env = {"REQUEST_METHOD": method, "PATH_INFO": "/v1/evaluate", "QUERY_STRING": ""}
    env.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
    body = b"".join(app(env, start))
    return seen["status"], seen["headers"], body


def test_cors_preflight_allows_default_headers_and_explains_a_refusal() -> None:
    app = create_app(BUNDLED, cors_origins=["https://portal.example/"])  # trailing slash normalised
    asks = {"Origin": "https://portal.example", "Access-Control-Request-Method": "POST"}
    status, hdrs, _ = _call(
        app, "OPTIONS", {**asks, "Access-Control-Request-Headers": "traceparent, authorization"}
    )
    assert status.startswith("204")
    assert "traceparent" in hdrs["access-control-allow-headers"]
    assert hdrs["referrer-policy"] == "no-referrer"
    status, _, body = _call(app, "OPTIONS", {**asks, "Access-Control-Request-Headers": "X-Secret"})
    assert status.startswith("403") and b"X-Secret" in body
    status, _, body = _call(app, "OPTIONS", {**asks, "Origin": "https://evil.example"})
    assert status.startswith("403") and b"evil.example" in body


def test_cors_star_is_explicit_and_a_path_is_refused_at_startup() -> None:
    app = create_app(BUNDLED, cors_origins=["*"])
    _, hdrs, _ = _call(app, "OPTIONS", {"Origin": "https://any.example"})
    assert hdrs["access-control-allow-origin"] == "*"
    with pytest.raises(ValueError, match="origin"):
        create_app(BUNDLED, cors_origins=["https://portal.example/app"])


def test_server_header_names_no_interpreter(server: tuple[int, dict[str, Any]]) -> None:
    port, _ = server
    _, hdrs, _ = request(port, "GET", "/healthz")
    assert "python" not in hdrs["server"].lower()
