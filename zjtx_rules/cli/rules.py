"""``zjtx check``, ``zjtx test`` and ``zjtx mutate``: is a rule package sound, do its own
cases pass, and which single edits would its cases miss."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from zjtx_rules.cli.options import FORMAT_HELP, RULES_HELP, Command, percent, positive
from zjtx_rules.cli.package_line import announce, default_rules, package_line_first
from zjtx_rules.errors import RuleError, UsageError
from zjtx_rules.evaluate.ruleset import RuleSet, load_rules
from zjtx_rules.package.discovery import is_package
from zjtx_rules.quality.cases import package_of, run_cases


def _check_arguments(ch: argparse.ArgumentParser) -> None:
    ch.add_argument("rules", nargs="?", help=RULES_HELP)
    ch.add_argument("--format", choices=["text", "json"], default="text", help=FORMAT_HELP)
    ch.add_argument("--errors-only", action="store_true", help="leave warnings out (they still count)")


def _check(args: argparse.Namespace, out: list[str]) -> int:
    announce(args.rules, None if args.format == "json" else out)
    suppressed = 0
    try:
        rules: RuleSet | None = load_rules(args.rules)
        diags = rules.diagnostics if rules else []
    except RuleError as exc:
        rules, diags, suppressed = None, exc.diagnostics, exc.suppressed
    errors = [d for d in diags if d.severity == "error"]
    warnings = len(diags) - len(errors)
    shown = errors if args.errors_only else diags
    if args.format == "json":
        out.append(
            json.dumps(
                {
                    "ok": not errors,
                    "errors": len(errors),
                    "warnings": warnings,
                    "suppressed": suppressed,
                    "diagnostics": [d.to_dict() for d in shown],
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    else:
        for d in shown:
            out.append(d.render() + "\n")
        more_zh = f"（另有 {suppressed} 个由此引起的后续错误未列出）" if suppressed else ""
        more_en = f" (and {suppressed} follow-on error(s) they cause, not shown)" if suppressed else ""
        out.append(
            f"{len(errors)} 个错误{more_zh}，{warnings} 个警告 / "
            f"{len(errors)} error(s){more_en}, {warnings} warning(s)\n"
        )
        if rules is not None:
            out.append(
                f"{rules.policy.id} {rules.policy.version}: {len(rules.measures)} 条措施 / "
                f"measures, sha256 {rules.sha256}\n"
            )
    return 1 if errors else 0


def _test_arguments(te: argparse.ArgumentParser) -> None:
    te.add_argument("path", nargs="?", help="a package, a case file or a folder of case files")
    te.add_argument("--rules", help="the package the cases test (default: the one they sit in)")
    te.add_argument("-k", dest="select", metavar="TEXT", help="only cases whose name contains TEXT")


def _test(args: argparse.Namespace, out: list[str]) -> int:
    target = Path(args.path) if args.path else None
    cases: Path | None = None
    package = args.rules
    if target is not None and is_package(target):
        package = str(target)
    elif target is not None:
        if not target.exists():
            raise UsageError(f"找不到测试用例: {target}", f"no such case file or folder: {target}")
        cases = target
        found = package_of(target)
        package = package or (str(found) if found else None)
    package = package or default_rules()
    announce(package, out)
    with package_line_first(out):
        rules = load_rules(package)
    results = run_cases(rules, cases, select=args.select)
    failed = 0
    for r in results:
        out.append(f"{'PASS' if r.passed else 'FAIL'}  {r.name}  ({r.location})\n")
        for d in r.diffs:
            out.append(f"      - {d}\n")
        failed += not r.passed
    if not results and args.select:
        out.append(f"没有名称包含 “{args.select}” 的用例 / no case name contains '{args.select}'\n")
    out.append(f"{len(results) - failed} passed, {failed} failed\n")
    return 1 if failed or not results else 0


def _mutate_arguments(mu: argparse.ArgumentParser) -> None:
    mu.add_argument("rules", nargs="?", help=RULES_HELP)
    mu.add_argument("--workers", type=positive, default=1, help="processes")
    mu.add_argument("--seed", type=int, default=0, help="seed for --limit sampling")
    mu.add_argument("--limit", type=positive, help="try a seeded sample of N mutants (default: all)")
    mu.add_argument(
        "--fail-under",
        type=percent,
        metavar="PCT",
        help="exit 1 when the share caught, as shown (one decimal), is under PCT%% (default: never)",
    )
    mu.add_argument("--format", choices=["text", "json"], default="text", help=FORMAT_HELP)


def _mutate(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.quality.mutate import mutate

    announce(args.rules, None if args.format == "json" else out)
    with package_line_first(out):
        report = mutate(
            args.rules, workers=args.workers, seed=args.seed, limit=args.limit, progress=sys.stderr.isatty()
        )
    if args.format == "json":
        out.append(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.append(report.render())
    if args.fail_under is not None and round(report.caught_share * 100, 1) < args.fail_under:
        sys.stderr.write(
            f"zjtx: 发现率 {report.caught_share:.1%} 低于 {args.fail_under}% / "
            f"caught {report.caught_share:.1%}, under {args.fail_under}%\n"
        )
        return 1
    return 0


CHECK = Command(
    "check",
    "check a rule package; list every problem and assumption",
    "zjtx check rules/liangjiang_zjtx_2022",
    _check_arguments,
    _check,
)
TEST = Command(
    "test",
    "run a rule package's own test cases",
    "zjtx test rules/liangjiang_zjtx_2022/cases/talent_reward.toml -k quota",
    _test_arguments,
    _test,
)
MUTATE = Command(
    "mutate",
    "mutation testing: which single edits do the cases miss?",
    "zjtx mutate rules/liangjiang_zjtx_2022 --workers 2 --fail-under 97",
    _mutate_arguments,
    _mutate,
)
