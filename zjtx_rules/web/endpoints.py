"""The two evaluating endpoints: ``POST /v1/evaluate`` (one profile) and
``POST /v1/evaluate/batch`` (a list, each element answered in its place), for the default
package or, under ``/v1/policies/{id}/``, for the package named.

``?reasons=false`` evaluates without the reason texts (``RuleSet.evaluate(reasons=False)``):
the ``reasons`` lists are empty, every status and amount is the same."""

from __future__ import annotations

from typing import Any

from zjtx_rules.errors import EvaluationError, ProfileError
from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.web.inputs import read_body, read_flag, read_query
from zjtx_rules.web.problems import Problem, evaluation_problem, json_bytes, profile_problem
from zjtx_rules.web.wsgi import Answer, Environ


def evaluate_one(rules: RuleSet, environ: Environ, max_body: int) -> Answer:
    as_of, _lang = read_query(environ)
    reasons = read_flag(environ, "reasons", True)
    doc = read_body(environ, max_body)
    try:
        result = rules.evaluate(doc, as_of, reasons=reasons)
    except ProfileError as exc:
        raise profile_problem(exc) from None
    except EvaluationError as exc:
        raise evaluation_problem(exc) from None
    return 200, "application/json", result.to_json().encode("utf-8")


def evaluate_batch(rules: RuleSet, environ: Environ, max_body: int, max_batch: int) -> Answer:
    as_of, _lang = read_query(environ)
    shape = compact if read_flag(environ, "compact", False) else _whole
    reasons = read_flag(environ, "reasons", True)
    doc = read_body(environ, max_body)
    if not isinstance(doc, list):
        raise Problem(
            422,
            "Unprocessable Content",
            "批量请求体应为 JSON 数组",
            "a batch must be a JSON array of profiles",
        )
    if len(doc) > max_batch:
        raise Problem(
            413,
            "Content Too Large",
            f"批量最多 {max_batch} 个企业，实际 {len(doc)} 个",
            f"a batch holds at most {max_batch} profiles; got {len(doc)}",
        )
    out: list[Any] = []
    for i, profile in enumerate(doc):
        try:
            out.append(shape(rules.evaluate(profile, as_of, reasons=reasons).to_dict()))
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
    return 200, "application/json", json_bytes(out)


def _whole(result: Any) -> Any:
    return result


def compact(result: Any) -> dict[str, Any]:
    """A result cut to what a register screen needs: statuses, amounts and the totals
    (``?compact=true``)."""
    return {
        "profile_id": result["profile_id"],
        "as_of": result["as_of"],
        "warnings": [w["code"] for w in result["warnings"]],
        "measures": [
            {"id": m["id"], "status": m["status"], "amounts": m["amounts"]} for m in result["measures"]
        ],
        "tiers": [{"id": t["id"], "status": t["status"]} for t in result["tiers"]],
        "totals": result["totals"],  # the cash total an enterprise can get, as in the result
    }
