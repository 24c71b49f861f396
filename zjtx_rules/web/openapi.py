"""The OpenAPI 3.1 document of the JSON API (``GET /openapi.json``, ``zjtx schema openapi``).

Built from the same schemas the API publishes: profiles (``RuleSet.profile_schema``), results
(``zjtx_rules.result``) and the policy description (``zjtx_rules.policyinfo``), their
``$defs`` lifted into ``components``. It passes Redocly's ``recommended`` rules with no error
or warning and Schemathesis with the ``schemathesis.toml`` at the repository root: every
operation has an ``operationId`` and a description of every answer it can give, the API is
declared public (``security: []``), and every body has a typed schema.
"""

from __future__ import annotations

import copy
from typing import Any

from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.program.policyinfo import policy_json_schema

API_VERSION = "1.1.0"  # the HTTP contract's version; the policy's is x-policy-version
LICENSE = {"name": "MIT", "identifier": "MIT"}  # as in pyproject.toml


def _lift(schema: dict[str, Any], name: str, components: dict[str, Any]) -> dict[str, Any]:
    """Move a JSON Schema's ``$defs`` into OpenAPI components and point its refs there."""
    schema = copy.deepcopy(schema)
    defs = schema.pop("$defs", {})
    schema.pop("$schema", None)

    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                node["$ref"] = f"#/components/schemas/{name}_{ref[len('#/$defs/') :]}"
            for v in node.values():
                fix(v)
        elif isinstance(node, list):
            for v in node:
                fix(v)
        return node

    for key, sub in defs.items():
        components[f"{name}_{key}"] = fix(sub)
    components[name] = fix(schema)
    return {"$ref": f"#/components/schemas/{name}"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "an RFC 9457 problem, with its detail in zh and en",
    "required": ["type", "title", "status", "detail", "detail_zh", "detail_en"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "detail_zh, or detail_en with lang=en"},
        "detail_zh": {"type": "string"},
        "detail_en": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "for an invalid profile or malformed JSON: each problem with its JSON path",
            "items": {
                "type": "object",
                "required": ["path", "code", "message_zh", "message_en"],
                "properties": {
                    "path": {"type": "string"},
                    "code": {"type": "string"},
                    "message_zh": {"type": "string"},
                    "message_en": {"type": "string"},
                },
            },
        },
    },
}


def _components(rules: RuleSet) -> dict[str, Any]:
    components: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}
    _lift(rules.profile_schema(), "Profile", components)
    _lift(rules.result_schema(), "Result", components)
    _lift(policy_json_schema(), "Policy", components)
    components["Policy"]["title"] = "Policy"  # generated clients name their class after it, as before
    components["Policy"]["description"] = (
        "the policy, its targets, the measures (clause, titles, benefit kind, responsible units, "
        "quote, outputs), the tiers, and the facts a profile may give, with labels, types, bounds "
        "and the question to ask"
    )
    components["Health"] = {
        "type": "object",
        "required": ["status", "policy"],
        "properties": {"status": {"type": "string", "enum": ["ok"]}, "policy": _ref("Result_PolicyRefDict")},
    }
    components["BatchError"] = {
        "type": "object",
        "description": "the answer, in a batch, for an element that is not a valid profile",
        "required": ["index", "error"],
        "properties": {
            "index": {"type": "integer", "description": "the element's position in the batch, from 0"},
            "error": {"type": "string", "enum": ["invalid_profile", "evaluation_failed"]},
            "errors": PROBLEM_SCHEMA["properties"]["errors"],
            "where": {"type": "string", "description": "evaluation_failed: the rule that failed"},
            "detail": {"type": "string", "description": "evaluation_failed: why"},
        },
    }
    components["CompactResult"] = {
        "type": "object",
        "description": "a result cut to statuses and amounts (?compact=true)",
        "required": ["profile_id", "as_of", "warnings", "measures", "tiers"],
        "properties": {
            "profile_id": {"type": ["string", "null"]},
            "as_of": {"type": "string", "format": "date"},
            "warnings": {"type": "array", "items": {"type": "string"}, "description": "warning codes"},
            "measures": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "status", "amounts"],
                    "properties": {
                        "id": {"type": "string"},
                        "status": components["Result_MeasureDict"]["properties"]["status"],
                        "amounts": components["Result_MeasureDict"]["properties"]["amounts"],
                    },
                },
            },
            "tiers": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "status"],
                    "properties": {
                        "id": {"type": "string"},
                        "status": components["Result_TierDict"]["properties"]["status"],
                    },
                },
            },
        },
    }
    return components


def _problems(codes: dict[int, str]) -> dict[str, Any]:
    """The error answers of an operation, each a Problem."""
    return {
        str(c): {
            "description": text,
            "content": {"application/problem+json": {"schema": _ref("Problem")}},
        }
        for c, text in codes.items()
    }


def _ok(schema: dict[str, Any], text: str, ctype: str = "application/json") -> dict[str, Any]:
    return {"200": {"description": text, "content": {ctype: {"schema": schema}}}}


# the errors any path can answer
_ANYWHERE = {
    404: "no such path",
    405: "the path does not accept this method (the Allow header lists those it does)",
    500: "internal server error: a bug, logged by the server; the answer shows no internals",
}


def _posting(too_large: str, unprocessable: str) -> dict[int, str]:
    """The errors a POST of a JSON body can answer."""
    return {
        400: "malformed JSON, invalid UTF-8, nesting too deep, a number over 40 characters, a body "
        "shorter than its Content-Length, or an empty or malformed query parameter",
        404: _ANYWHERE[404],
        405: _ANYWHERE[405],
        408: "the body did not arrive within the server's deadline",
        411: "no Content-Length",
        413: too_large,
        415: "the body is not application/json, or not UTF-8",
        422: unprocessable,
        500: _ANYWHERE[500],
    }


def _query() -> list[dict[str, Any]]:
    """The query parameters of both evaluating operations."""
    lang = {
        "name": "lang",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["zh", "en"], "default": "zh"},
        "description": "language of the problem detail in error answers (results carry both zh and en)",
    }
    return [
        {
            "name": "as_of",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "format": "date"},
            "description": "evaluation date YYYY-MM-DD (default: today); empty or malformed is a 400",
        },
        lang,
    ]


def _get(op: str, summary: str, schema: dict[str, Any], text: str, ctype: str = "application/json") -> Any:
    return {
        "get": {
            "operationId": op,
            "summary": summary,
            "responses": {**_ok(schema, text, ctype), **_problems(_ANYWHERE)},
        }
    }


def _evaluate_path(query: list[dict[str, Any]], max_body: int) -> dict[str, Any]:
    return {
        "post": {
            "operationId": "evaluate",
            "summary": "evaluate one profile",
            "parameters": query,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("Profile")}},
            },
            "responses": {
                **_ok(_ref("Result"), "the result: every measure's status, amounts and reasons"),
                **_problems(
                    _posting(
                        f"the body is over {max_body} bytes",
                        "the body is JSON but not a valid profile (not an object, an unknown fact, "
                        "a value of the wrong type or out of bounds): errors lists each problem "
                        "with its JSON path",
                    )
                ),
            },
        }
    }


def _batch_path(query: list[dict[str, Any]], max_batch: int, max_body: int) -> dict[str, Any]:
    return {
        "post": {
            "operationId": "evaluateBatch",
            "summary": f"evaluate up to {max_batch} profiles",
            "description": (
                "Each element is answered on its own, in order. An element that is not a valid "
                "profile (any JSON value the Profile schema refuses) does not fail the batch: "
                "it is answered in place by a BatchError with the problems' JSON paths "
                "($[i]...), and every other element is still evaluated. So the answer is a 200 "
                "whenever the body is a JSON array of at most maxItems elements."
            ),
            "parameters": [
                *query,
                {
                    "name": "compact",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["true", "false"], "default": "false"},
                    "description": "true: statuses and amounts only (CompactResult)",
                },
            ],
            "requestBody": {
                "required": True,
                "description": "a JSON array of profiles; an invalid element gets a BatchError "
                "in its place, not a refusal of the batch",
                "content": {
                    "application/json": {
                        "schema": {"type": "array", "maxItems": max_batch, "items": _ref("Profile")}
                    }
                },
            },
            "responses": {
                **_ok(
                    {
                        "type": "array",
                        "items": {"anyOf": [_ref("Result"), _ref("CompactResult"), _ref("BatchError")]},
                    },
                    "one answer per element, in order: a Result (a CompactResult with "
                    "compact=true), or a BatchError for an element that is not a valid profile",
                ),
                **_problems(
                    _posting(
                        f"the body is over {max_body} bytes, or the batch has over {max_batch} elements",
                        "the body is JSON but not an array",
                    )
                ),
            },
        }
    }


def _paths(max_batch: int, max_body: int) -> dict[str, Any]:
    query = _query()
    return {
        "/v1/policy": _get(
            "getPolicy", "measures, facts and metadata", _ref("Policy"), "the policy description"
        ),
        "/v1/evaluate": _evaluate_path(query, max_body),
        "/v1/evaluate/batch": _batch_path(query, max_batch, max_body),
        "/v1/schema/profile": _get(
            "getProfileSchema",
            "JSON Schema of profiles",
            {"type": "object"},
            "a JSON Schema (draft 2020-12), the Profile schema of this document",
            "application/schema+json",
        ),
        "/v1/schema/result": _get(
            "getResultSchema",
            "JSON Schema of results",
            {"type": "object"},
            "a JSON Schema (draft 2020-12), the Result schema of this document",
            "application/schema+json",
        ),
        "/openapi.json": _get("getOpenApi", "this document", {"type": "object"}, "this OpenAPI document"),
        "/healthz": _get("getHealth", "liveness", _ref("Health"), "the server is up, with its rule package"),
    }


def openapi_document(rules: RuleSet, max_batch: int, max_body: int) -> dict[str, Any]:
    """The OpenAPI 3.1 document of an app serving ``rules`` with these limits: every operation
    with an operationId and every answer it can give, each described."""
    components = _components(rules)
    p = rules.policy
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"zjtx_rules API: {p.title_en}",
            "version": API_VERSION,
            "description": p.title_zh,
            "license": LICENSE,
            "x-policy-id": p.id,
            "x-policy-version": p.version,
        },
        "servers": [{"url": "/", "description": "this server"}],
        # public and read-only: no operation needs credentials
        "security": [],
        "paths": _paths(max_batch, max_body),
        "components": {"schemas": components},
    }
