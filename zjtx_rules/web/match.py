"""``POST /v1/match``: one enterprise against every package served (免申即享, 政策计算器).

Each package reads only the facts it declares (its ``facts``): a name another package
declares, perhaps with another meaning, never reaches it, so no package refuses a profile for
another package's facts. A fact no package declares is not dropped silently: the answer lists
it in ``undeclared_facts``. A profile invalid for one package gives that package a problem in
its place; every other package still answers, and the answer is a 200.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zjtx_rules.errors import EvaluationError, ProfileError, ProfileIssue
from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.web.inputs import read_body, read_flag, read_query
from zjtx_rules.web.packages import Served
from zjtx_rules.web.problems import evaluation_problem, json_bytes, profile_problem
from zjtx_rules.web.wsgi import Answer, Environ

# what /v1/evaluate answers for a body that is JSON but not an object (RuleSet.validate_profile)
NOT_AN_OBJECT = ProfileIssue("$", "dict_type", "企业信息应为 JSON 对象", "a profile must be a JSON object")


def headline(rules: RuleSet, result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The package's ``policy.headline``, each with its value in this result: ``cash`` the cash
    total, ``MEASURE.OUTPUT`` that amount (null when the measure gives none)."""
    amounts = {m["id"]: m["amounts"] for m in result["measures"]}
    out: list[dict[str, Any]] = []
    for name in rules.policy.headline:
        if name == "cash":
            value = result["totals"]["cash_cny"]
        else:
            measure, _, output = name.partition(".")
            value = amounts.get(measure, {}).get(output)
        out.append({"name": name, "value": value})
    return out


def summary(rules: RuleSet, result: Mapping[str, Any]) -> dict[str, Any]:
    """How many measures of each status, the cash total, and the headline figures."""
    counts = {"eligible": 0, "undetermined": 0, "ineligible": 0}
    for m in result["measures"]:
        counts[m["status"]] += 1
    return {**counts, "cash_cny": result["totals"]["cash_cny"], "headline": headline(rules, result)}


def match(served: Served, environ: Environ, max_body: int) -> Answer:
    as_of, lang = read_query(environ)
    reasons = read_flag(environ, "reasons", True)
    doc = read_body(environ, max_body)
    if not isinstance(doc, dict):
        raise profile_problem(ProfileError([NOT_AN_OBJECT]))
    declared = {name for rules in served for name in rules.facts}
    results: dict[str, Any] = {}
    summaries: dict[str, Any] = {}
    for rules in served:
        pid = rules.policy.id
        given = {k: v for k, v in doc.items() if k in rules.facts}
        try:
            result = rules.evaluate(given, as_of, reasons=reasons).to_dict()
        except ProfileError as exc:
            results[pid] = {"problem": profile_problem(exc).body(lang)}
        except EvaluationError as exc:
            results[pid] = {"problem": evaluation_problem(exc).body(lang)}
        else:
            results[pid] = result
            summaries[pid] = summary(rules, result)
    profile_id = doc.get("id")
    answer = {
        "as_of": as_of.isoformat(),
        "profile_id": profile_id if isinstance(profile_id, str) else None,
        "results": results,
        "undeclared_facts": sorted(k for k in doc if k not in declared),
        "summary": summaries,
    }
    return 200, "application/json", json_bytes(answer)
