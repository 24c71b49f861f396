"""``zjtx schema``: the JSON Schema of profiles, results or batch lines, or the API's OpenAPI
document."""

from __future__ import annotations

import argparse
import json

from zjtx_rules.cli.options import RULES_HELP, Command
from zjtx_rules.cli.package_line import announce
from zjtx_rules.evaluate.ruleset import RuleSet, load_rules


def _arguments(sc: argparse.ArgumentParser) -> None:
    sc.add_argument(
        "which",
        choices=["profile", "result", "compact", "openapi"],
        help="which schema (compact: a batch line; openapi: the document GET /openapi.json serves)",
    )
    sc.add_argument("--rules", help=RULES_HELP)


def _schema(args: argparse.Namespace, out: list[str]) -> int:
    announce(args.rules, None)
    if args.which == "profile":
        schema = load_rules(args.rules).profile_schema()
    elif args.which == "compact":
        from zjtx_rules.evaluate.result import compact_json_schema

        schema = compact_json_schema()
    elif args.which == "openapi":  # as `zjtx serve` (default limits) serves it, for linters and generators
        from zjtx_rules.web.application import DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY
        from zjtx_rules.web.openapi import openapi_document

        schema = openapi_document(load_rules(args.rules), DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY)
    else:
        schema = RuleSet.result_schema()
    out.append(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    return 0


SCHEMA = Command(
    "schema",
    "print the JSON Schema of profiles or results, or the API's OpenAPI document",
    "zjtx schema profile > profile.schema.json",
    _arguments,
    _schema,
)
