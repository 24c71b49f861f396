"""The OpenAPI 3.1 document of the JSON API (``GET /openapi.json``, ``zjtx schema openapi``).

Built from the same schemas the API publishes: profiles (``RuleSet.profile_schema``), results
(``zjtx_rules.result``) and the policy description (``zjtx_rules.policyinfo``), their
``$defs`` lifted into ``components``. It passes Redocly's ``recommended`` rules with no error
or warning and Schemathesis with the ``schemathesis.toml`` at the repository root: every
operation has an ``operationId`` and a description of every answer it can give, the API is
declared public (``security: []``), and every body has a typed schema.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.web.openapi_schemas import components, profile_name, ref
from zjtx_rules.web.packages import Served

API_VERSION = "1.1.0"  # the HTTP contract's version; the policy's is x-policy-version
LICENSE = {"name": "MIT", "identifier": "MIT"}  # as in pyproject.toml


def _problems(codes: dict[int, str]) -> dict[str, Any]:
    """The error answers of an operation, each a Problem."""
    return {
        str(c): {
            "description": text,
            "content": {"application/problem+json": {"schema": ref("Problem")}},
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


_FLAG = {"type": "string", "enum": ["true", "false"]}
_NO_PACKAGE = "no such path, or no package with this id (the problem names the ids served)"
_INVALID_PROFILE = (
    "the body is JSON but not a valid profile (not an object, an unknown fact, a value of the "
    "wrong type or out of bounds): errors lists each problem with its JSON path"
)


def _query() -> list[dict[str, Any]]:
    """The query parameters of the evaluating operations."""
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
        {
            "name": "reasons",
            "in": "query",
            "required": False,
            "schema": {**_FLAG, "default": "true"},
            "description": "false: without the reason texts (every reasons list is empty; statuses "
            "and amounts are the same), for screening at scale",
        },
    ]


def _id_param(served: Served) -> dict[str, Any]:
    return {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": served.ids},
        "description": "a policy id, as GET /v1/policies lists it",
        "example": served.default.policy.id,
    }


def _get(
    op: str,
    summary: str,
    schema: dict[str, Any],
    text: str,
    ctype: str = "application/json",
    *,
    params: Sequence[dict[str, Any]] = (),
    not_found: str = _ANYWHERE[404],
    example: Any = None,
) -> Any:
    ok = _ok(schema, text, ctype)
    if example is not None:
        ok["200"]["content"][ctype]["examples"] = {"served": {"summary": "this server", "value": example}}
    get: dict[str, Any] = {"operationId": op, "summary": summary}
    if params:
        get["parameters"] = list(params)
    get["responses"] = {**ok, **_problems({**_ANYWHERE, 404: not_found})}
    return {"get": get}


def _evaluate_path(
    params: list[dict[str, Any]],
    body: dict[str, Any],
    max_body: int,
    op: str = "evaluate",
    who: str = "",
) -> dict[str, Any]:
    return {
        "post": {
            "operationId": op,
            "summary": f"evaluate one profile for {who}" if who else "evaluate one profile",
            "parameters": params,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": body}},
            },
            "responses": {
                **_ok(ref("Result"), "the result: every measure's status, amounts and reasons"),
                **_problems(_posting(f"the body is over {max_body} bytes", _INVALID_PROFILE)),
            },
        }
    }


def _batch_path(
    params: list[dict[str, Any]],
    body: dict[str, Any],
    limits: tuple[int, int],
    op: str = "evaluateBatch",
    who: str = "",
) -> dict[str, Any]:
    max_batch, max_body = limits
    return {
        "post": {
            "operationId": op,
            "summary": f"evaluate up to {max_batch} profiles" + (f" for {who}" if who else ""),
            "description": (
                "Each element is answered on its own, in order. An element that is not a valid "
                "profile (any JSON value the Profile schema refuses) does not fail the batch: "
                "it is answered in place by a BatchError with the problems' JSON paths "
                "($[i]...), and every other element is still evaluated. So the answer is a 200 "
                "whenever the body is a JSON array of at most maxItems elements."
            ),
            "parameters": [
                *params,
                {
                    "name": "compact",
                    "in": "query",
                    "required": False,
                    "schema": {**_FLAG, "default": "false"},
                    "description": "true: statuses and amounts only (CompactResult)",
                },
            ],
            "requestBody": {
                "required": True,
                "description": "a JSON array of profiles; an invalid element gets a BatchError "
                "in its place, not a refusal of the batch",
                "content": {
                    "application/json": {"schema": {"type": "array", "maxItems": max_batch, "items": body}}
                },
            },
            "responses": {
                **_ok(
                    {
                        "type": "array",
                        "items": {"anyOf": [ref("Result"), ref("CompactResult"), ref("BatchError")]},
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


# what a match is asked with: facts of Liangjiang, of MIIT, and one neither declares
_MATCH_EXAMPLE = {
    "id": "ENT-0001",
    "name": "重庆示例科技有限公司",
    "registered_in_area": True,
    "revenue_cny": "86000000",
    "rd_expense_cny": "5200000",
    "employees": 120,
    "sci_tech_award_3y": False,
    "own_class1_ip_count": 3,
    "export_share": "0.15",
}


def _match_path(query: list[dict[str, Any]], max_body: int) -> dict[str, Any]:
    return {
        "post": {
            "operationId": "matchPolicies",
            "summary": "evaluate one enterprise against every package",
            "description": (
                "Each package served evaluates the profile's facts it declares, and only those: "
                "a fact another package declares never reaches it. Keys no package declares are "
                "listed in undeclared_facts, never dropped silently. A profile invalid for one "
                "package gives that package a MatchProblem in results (and no summary); every "
                "other package still answers, so the answer is a 200 whenever the body is a "
                "JSON object."
            ),
            "parameters": query,
            "requestBody": {
                "required": True,
                "description": "one profile, with the facts of any package served",
                "content": {
                    "application/json": {
                        "schema": ref("MatchProfile"),
                        "examples": {
                            "several": {
                                "summary": "facts of two packages, and one neither declares",
                                "value": _MATCH_EXAMPLE,
                            }
                        },
                    }
                },
            },
            "responses": {
                **_ok(ref("Match"), "every package's result (or problem), and each in brief"),
                **_problems(
                    _posting(
                        f"the body is over {max_body} bytes",
                        "the body is JSON but not an object (as /v1/evaluate answers it)",
                    )
                ),
            },
        }
    }


def _policies_paths(served: Served, max_batch: int, max_body: int) -> dict[str, Any]:
    """The paths that name a package, list them, or match them all. The evaluating paths are
    given for each package apart (``/v1/policies/<id>/evaluate``, operation ``evaluate_<id>``),
    so that each body is exactly that package's profile: a path template could only offer
    every package's profile to every id."""
    query = _query()
    paths = {
        "/v1/policies": _get(
            "listPolicies",
            "the packages served",
            ref("PolicyList"),
            "every package served, in order, and the default one",
            example=json.loads(served.listing),
        ),
        "/v1/policies/{id}": _get(
            "getPolicyById",
            "one package's measures, facts and metadata",
            ref("Policy"),
            "the policy description (as /v1/policy gives the default package's)",
            params=[_id_param(served)],
            not_found=_NO_PACKAGE,
        ),
    }
    for rules in served:
        pid, body = rules.policy.id, ref(profile_name(served, rules))
        paths[f"/v1/policies/{pid}/evaluate"] = _evaluate_path(query, body, max_body, f"evaluate_{pid}", pid)
        paths[f"/v1/policies/{pid}/evaluate/batch"] = _batch_path(
            query, body, (max_batch, max_body), f"evaluateBatch_{pid}", pid
        )
    paths["/v1/match"] = _match_path(query, max_body)
    return paths


def _paths(served: Served, max_batch: int, max_body: int) -> dict[str, Any]:
    query = _query()
    return {
        "/v1/policy": _get(
            "getPolicy", "measures, facts and metadata", ref("Policy"), "the policy description"
        ),
        "/v1/evaluate": _evaluate_path(query, ref("Profile"), max_body),
        "/v1/evaluate/batch": _batch_path(query, ref("Profile"), (max_batch, max_body)),
        **_policies_paths(served, max_batch, max_body),
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
        "/healthz": _get("getHealth", "liveness", ref("Health"), "the server is up, with its rule package"),
    }


def openapi_document(rules: RuleSet | Served, max_batch: int, max_body: int) -> dict[str, Any]:
    """The OpenAPI 3.1 document of an app serving ``rules`` (one package, or the packages
    ``Served``) with these limits: every operation with an operationId and every answer it
    can give, each described. The paths without a package id describe the default package."""
    served = rules if isinstance(rules, Served) else Served([rules])
    p = served.default.policy
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
        "paths": _paths(served, max_batch, max_body),
        "components": {"schemas": components(served)},
    }
