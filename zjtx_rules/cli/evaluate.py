"""``zjtx evaluate``: one profile, as text for people, JSON, a decision letter (HTML), or one
measure's trace."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zjtx_rules.cli.options import AS_OF_HELP, FORMAT_HELP, RULES_HELP, Command
from zjtx_rules.cli.package_line import announce
from zjtx_rules.errors import UsageError
from zjtx_rules.evaluate.ruleset import load_rules, parse_as_of
from zjtx_rules.profile.model import parse_json
from zjtx_rules.render.letter import render_letter
from zjtx_rules.render.text_report import render_text


def _arguments(ev: argparse.ArgumentParser) -> None:
    ev.add_argument("profile", help="a JSON file, or - for stdin")
    ev.add_argument("--rules", help=RULES_HELP)
    ev.add_argument("--as-of", help=AS_OF_HELP)
    ev.add_argument(
        "--format",
        choices=["text", "json", "html"],
        default="text",
        help=FORMAT_HELP + "; html: a decision letter to print or file (at most 2 A4 pages)",
    )
    ev.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the text output")
    ev.add_argument("--explain", metavar="MEASURE", help="print the evaluation trace of this measure")


def _read_profile(arg: str) -> bytes:
    try:
        return sys.stdin.buffer.read() if arg == "-" else Path(arg).read_bytes()
    except OSError as exc:
        raise UsageError(
            f"无法读取企业信息文件 {arg}: {exc.strerror}", f"cannot read profile {arg}: {exc.strerror}"
        ) from None


def _evaluate(args: argparse.Namespace, out: list[str]) -> int:
    day = parse_as_of(args.as_of)
    announce(args.rules, out if args.format == "text" else None)
    rules = load_rules(args.rules)
    data = _read_profile(args.profile)
    if args.explain:
        from zjtx_rules.evaluate.explain import explain

        out.append(explain(rules, data, args.explain, day).render())
        return 0
    evaluation = rules.evaluate(data, day)
    if args.format == "json":
        out.append(evaluation.to_json(indent=2) + "\n")
    elif args.format == "html":
        profile = parse_json(data)
        out.append(render_letter(evaluation, rules, profile if isinstance(profile, dict) else {}, args.lang))
    else:
        out.append(render_text(evaluation, rules, args.lang))
    return 0


EVALUATE = Command(
    "evaluate",
    "evaluate one profile (JSON file, or - for stdin)",
    "zjtx evaluate examples/profiles/seed_tech_sme.json --as-of 2025-06-30 --format json",
    _arguments,
    _evaluate,
)
