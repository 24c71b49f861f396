"""The schemas (``components``) of the OpenAPI document: profiles, results, the policy
description, problems, and the answers of the paths that name or match several packages.

With several packages served, ``Profile`` is the default package's profile and each other
package's is ``Profile.<id>`` (its ``$defs`` as ``Profile.<id>_<name>``); results and the
policy description have one schema for every package.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.program.policyinfo import policy_json_schema
from zjtx_rules.web.packages import Served


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


def ref(name: str) -> dict[str, str]:
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


def _one_package(rules: RuleSet) -> dict[str, Any]:
    """The components of a document for one package, as they have always been."""
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
        "properties": {"status": {"type": "string", "enum": ["ok"]}, "policy": ref("Result_PolicyRefDict")},
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
        "description": "a result cut to statuses, amounts and totals (?compact=true)",
        "required": ["profile_id", "as_of", "warnings", "measures", "tiers", "totals"],
        "properties": {
            "totals": {"$ref": "#/components/schemas/Result_TotalsDict"},
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


def profile_name(served: Served, rules: RuleSet) -> str:
    """The component of a package's profile: ``Profile`` for the default package."""
    return "Profile" if rules is served.default else f"Profile.{rules.policy.id}"


def _policy_summary(served: Served) -> dict[str, Any]:
    text = {"type": "string"}
    day = {"type": "string", "format": "date"}
    properties = {
        "id": {"type": "string", "description": "the policy id: {id} of /v1/policies/{id}"},
        "version": text,
        "title_zh": text,
        "title_en": text,
        "sha256": {"type": "string", "description": "the package fingerprint, as on every result"},
        "issuer_zh": text,
        "issuer_en": text,
        "valid_from": {**day, "description": "the policy period's first day"},
        "valid_to": {**day, "description": "its last day (inclusive)"},
    }
    return {
        "type": "object",
        "description": "a package served: what a picker shows before one is chosen",
        "required": list(properties),
        "properties": properties,
        "examples": [json.loads(served.listing)["policies"][0]],
    }


def _match(served: Served) -> dict[str, Any]:
    """The answer of ``POST /v1/match`` and its parts."""
    ids = {"enum": served.ids}
    return {
        "MatchProblem": {
            "type": "object",
            "description": "a package's place in a match when the profile is invalid for it (or "
            "cannot be evaluated): the problem /v1/policies/{id}/evaluate would answer",
            "required": ["problem"],
            "properties": {"problem": ref("Problem")},
        },
        "MatchSummary": {
            "type": "object",
            "description": "one package's result in brief",
            "required": ["eligible", "undetermined", "ineligible", "cash_cny", "headline"],
            "properties": {
                "eligible": {"type": "integer", "minimum": 0, "description": "measures eligible"},
                "undetermined": {"type": "integer", "minimum": 0, "description": "measures undetermined"},
                "ineligible": {"type": "integer", "minimum": 0, "description": "measures ineligible"},
                "cash_cny": {"type": "string", "description": "the cash total (totals.cash_cny)"},
                "headline": {
                    "type": "array",
                    "description": "the package's headline figures (policy.headline), in order",
                    "items": ref("HeadlineValue"),
                },
            },
            "examples": [
                {
                    "eligible": 4,
                    "undetermined": 21,
                    "ineligible": 5,
                    "cash_cny": "1344386.50",
                    "headline": [{"name": "cash", "value": "1344386.50"}],
                }
            ],
        },
        "Match": {
            "type": "object",
            "description": "one enterprise against every package served",
            "required": ["as_of", "profile_id", "results", "undeclared_facts", "summary"],
            "properties": {
                "as_of": {"type": "string", "format": "date"},
                "profile_id": {"type": ["string", "null"], "description": "the profile's id"},
                "results": {
                    "type": "object",
                    "description": "every package by id: its Result, or a MatchProblem",
                    "propertyNames": ids,
                    "additionalProperties": {"anyOf": [ref("Result"), ref("MatchProblem")]},
                },
                "undeclared_facts": {
                    "type": "array",
                    "description": "the profile's keys that no package declares (read by none), sorted",
                    "items": {"type": "string"},
                },
                "summary": {
                    "type": "object",
                    "description": "each package that gave a Result, by id, in brief",
                    "propertyNames": ids,
                    "additionalProperties": ref("MatchSummary"),
                },
            },
        },
    }


def components(served: Served) -> dict[str, Any]:
    """Every schema of the document for the packages ``served``."""
    out = _one_package(served.default)
    for rules in served:
        if rules is not served.default:
            _lift(rules.profile_schema(), profile_name(served, rules), out)
    amount = copy.deepcopy(out["Result_MeasureDict"]["properties"]["amounts"]["additionalProperties"])
    out["HeadlineValue"] = {
        "type": "object",
        "description": "a headline figure: cash (the cash total) or MEASURE.OUTPUT (that amount, "
        "null when the measure gives none)",
        "required": ["name", "value"],
        "properties": {
            "name": {"type": "string", "description": "cash, or MEASURE.OUTPUT"},
            "value": {"anyOf": [*amount["anyOf"], {"type": "null"}]},
        },
    }
    out["PolicySummary"] = _policy_summary(served)
    out["PolicyList"] = {
        "type": "object",
        "description": "the packages served, and the one the paths without an id answer for",
        "required": ["policies", "default"],
        "properties": {
            "policies": {"type": "array", "items": ref("PolicySummary")},
            "default": {"type": "string", "enum": served.ids, "description": "the default package's id"},
        },
    }
    out["MatchProfile"] = {
        "type": "object",
        "description": "a profile holding the facts of any package served: each package reads "
        "only the facts it declares (see each package's Profile schema); keys no package "
        "declares are listed in the answer's undeclared_facts",
    }
    out.update(_match(served))
    return out
