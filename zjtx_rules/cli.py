"""``zjtx``: the command line. Parsing and printing only; the work is the library's.

Exit codes: 0 success; 1 a ``check`` or ``test`` found problems; 2 bad input (profile, rule
package, arguments), with the message on stderr and no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from .casefile import run_cases
from .engine import RuleSet, parse_as_of
from .errors import EvaluationError, ProfileError, RuleError, UsageError, ZjtxError
from .loader import load_rules
from .report import render_text


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 too; keep its usage line
        self.print_usage(sys.stderr)
        self.exit(2, f"zjtx: 参数错误 / bad arguments: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="zjtx", description="专精特新政策规则引擎 / SRDI policy rules engine")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ev = sub.add_parser("evaluate", help="evaluate one profile (JSON file, or - for stdin)")
    ev.add_argument("profile")
    ev.add_argument("--rules", help="rule package folder (default: the bundled package)")
    ev.add_argument("--as-of", help="evaluation date YYYY-MM-DD (default: today)")
    ev.add_argument("--format", choices=["text", "json"], default="text")
    ev.add_argument("--lang", choices=["zh", "en"], default="zh")
    ch = sub.add_parser("check", help="check a rule package; list every problem and assumption")
    ch.add_argument("rules", nargs="?")
    ch.add_argument("--format", choices=["text", "json"], default="text")
    te = sub.add_parser("test", help="run a rule package's own test cases")
    te.add_argument("rules", nargs="?")
    sc = sub.add_parser("schema", help="print the JSON Schema of profiles or results")
    sc.add_argument("which", choices=["profile", "result"])
    sc.add_argument("--rules")
    return p


def _read_profile(arg: str) -> bytes:
    try:
        return sys.stdin.buffer.read() if arg == "-" else Path(arg).read_bytes()
    except OSError as exc:
        raise UsageError(
            f"无法读取企业信息文件 {arg}: {exc.strerror}", f"cannot read profile {arg}: {exc.strerror}"
        ) from None


def _evaluate(args: argparse.Namespace, out: list[str]) -> int:
    day = parse_as_of(args.as_of)
    rules = load_rules(args.rules)
    data = _read_profile(args.profile)
    evaluation = rules.evaluate(data, day)
    if args.format == "json":
        out.append(evaluation.to_json(indent=2) + "\n")
    else:
        out.append(render_text(evaluation, rules, args.lang))
    return 0


def _check(args: argparse.Namespace, out: list[str]) -> int:
    try:
        rules: RuleSet | None = load_rules(args.rules)
        diags = rules.diagnostics if rules else []
    except RuleError as exc:
        rules, diags = None, exc.diagnostics
    errors = [d for d in diags if d.severity == "error"]
    if args.format == "json":
        out.append(
            json.dumps(
                {"ok": not errors, "diagnostics": [d.to_dict() for d in diags]}, ensure_ascii=False, indent=2
            )
            + "\n"
        )
    else:
        for d in diags:
            out.append(d.render() + "\n")
        warnings = len(diags) - len(errors)
        out.append(
            f"{len(errors)} 个错误，{warnings} 个警告（假设值）/ "
            f"{len(errors)} error(s), {warnings} warning(s) (assumed figures)\n"
        )
        if rules is not None:
            out.append(
                f"{rules.policy.id} {rules.policy.version}: {len(rules.measures)} 条措施 / "
                f"measures, sha256 {rules.sha256}\n"
            )
    return 1 if errors else 0


def _test(args: argparse.Namespace, out: list[str]) -> int:
    rules = load_rules(args.rules)
    results = run_cases(rules)
    failed = 0
    for r in results:
        out.append(f"{'PASS' if r.passed else 'FAIL'}  {r.name}  ({r.location})\n")
        for d in r.diffs:
            out.append(f"      - {d}\n")
        failed += not r.passed
    out.append(f"{len(results) - failed} passed, {failed} failed\n")
    return 1 if failed or not results else 0


def _schema(args: argparse.Namespace, out: list[str]) -> int:
    schema = load_rules(args.rules).profile_schema() if args.which == "profile" else RuleSet.result_schema()
    out.append(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out: list[str] = []
    handler = {"evaluate": _evaluate, "check": _check, "test": _test, "schema": _schema}
    try:
        code = handler[args.command](args, out)
    except (ProfileError, RuleError, UsageError, EvaluationError) as exc:
        sys.stderr.write(f"zjtx: {exc}\n")
        return 2
    except ZjtxError as exc:  # pragma: no cover - every subclass is listed above
        sys.stderr.write(f"zjtx: {exc}\n")
        return 2
    sys.stdout.write("".join(out))
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
