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


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is 0-65535")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


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
    ba = sub.add_parser("batch", help="evaluate JSON Lines or CSV, one output line per record")
    ba.add_argument("input", help="a .jsonl/.csv file, or - for stdin")
    ba.add_argument("--out", help="output JSON Lines file (default: stdout)")
    ba.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    ba.add_argument("--as-of")
    ba.add_argument("--rules")
    ba.add_argument(
        "--format",
        dest="input_format",
        choices=["jsonl", "csv"],
        help="input format (default: by file extension)",
    )
    ba.add_argument("--summary", help="write a JSON summary here and print a table to stderr")
    ba.add_argument("--lang", choices=["zh", "en"], default="zh")
    ba.add_argument("--progress", action="store_true", help="show progress even if not a terminal")
    ba.add_argument("--resume", action="store_true", help="continue an interrupted --out file")
    ba.add_argument("--reasons", action="store_true", help="include reason texts (larger output)")
    co = sub.add_parser("compare", help="two rule versions over the same enterprises")
    co.add_argument("input")
    co.add_argument("--rules", action="append", required=True, help="give twice: OLD then NEW")
    co.add_argument("--as-of")
    co.add_argument("--format", choices=["text", "json"], default="text")
    co.add_argument("--limit", type=int, default=1000, help="most changed enterprises listed")
    ge = sub.add_parser("generate", help="synthetic profiles as JSON Lines")
    ge.add_argument("--count", type=int, required=True)
    ge.add_argument("--seed", type=int, default=0)
    ge.add_argument("--missing", type=float, default=0.0, help="chance an optional fact is absent")
    ge.add_argument("--rules")
    ge.add_argument("--as-of")
    sv = sub.add_parser("serve", help="run the JSON API and calculator page locally")
    sv.add_argument("--rules")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=_port, default=8000)
    sv.add_argument("--cors-origin", action="append", default=[], help="allow this origin (repeatable)")
    sv.add_argument("--max-body", type=int, default=1 << 20, help="largest request body in bytes")
    sv.add_argument("--quiet", action="store_true", help="no access log")
    be = sub.add_parser("bench", help="measure evaluation speed on generated profiles")
    be.add_argument("--rules")
    be.add_argument("--count", type=_positive, default=5000)
    be.add_argument("--seed", type=int, default=7)
    be.add_argument("--repeat", type=_positive, default=3, help="runs of each in-process path (best kept)")
    be.add_argument(
        "--batch-lines",
        type=int,
        default=0,
        metavar="N",
        help="also time one batch of N lines: time, peak RSS",
    )
    cp = sub.add_parser("compile", help="list the generated code of a package, or show it for review")
    cp.add_argument("--rules")
    cp.add_argument("--show", metavar="MEASURE", help="print the generated code of a measure (or tier)")
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


def _batch(args: argparse.Namespace, out: list[str]) -> int:
    from .batch import run_batch
    from .summary import Summary

    day = parse_as_of(args.as_of)
    summary = Summary(load_rules(args.rules)) if args.summary else None
    progress = args.progress or sys.stderr.isatty()
    try:
        stats = run_batch(
            args.input,
            args.out,
            rules_dir=args.rules,
            as_of=day,
            workers=args.workers,
            summary=summary,
            progress=progress,
            resume=args.resume,
            reasons=args.reasons,
            fmt=args.input_format,
        )
    except KeyboardInterrupt:
        sys.stderr.write("zjtx: 已中断，可用 --resume 继续 / interrupted; rerun with --resume\n")
        return 130
    if summary is not None:
        Path(args.summary).write_text(
            json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        sys.stderr.write(summary.render(args.lang))
    sys.stderr.write(
        f"{stats.lines} lines, {stats.errors} errors, {stats.seconds:.1f}s"
        + (f" (resumed after {stats.resumed_from})" if stats.resumed_from else "")
        + "\n"
    )
    return 0


def _compare(args: argparse.Namespace, out: list[str]) -> int:
    from .batch import iter_input_profiles
    from .compare import compare

    if len(args.rules) != 2:
        raise UsageError("--rules 需要给两次：旧版本、新版本", "give --rules twice: OLD then NEW")
    day = parse_as_of(args.as_of)
    old, new = load_rules(args.rules[0]), load_rules(args.rules[1])
    result = compare(old, new, iter_input_profiles(old, args.input), day, limit=args.limit)
    if args.format == "json":
        out.append(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.append(result.render())
    return 0


def _generate(args: argparse.Namespace, out: list[str]) -> int:
    from .generate import generate

    rules = load_rules(args.rules)
    day = parse_as_of(args.as_of) if args.as_of else None
    if args.count < 0 or not 0 <= args.missing <= 1:
        raise UsageError(
            "--count 须 >= 0，--missing 须在 0 到 1 之间",
            "--count must be >= 0 and --missing between 0 and 1",
        )
    for profile in generate(rules, args.count, args.seed, missing=args.missing, as_of=day):
        sys.stdout.write(json.dumps(profile, ensure_ascii=False) + "\n")
    return 0


def _serve(args: argparse.Namespace, out: list[str]) -> int:
    from .web import create_app, serve

    app = create_app(args.rules, cors_origins=args.cors_origin, max_body=args.max_body)
    try:
        serve(app, args.host, args.port, quiet=args.quiet)
    except OSError as exc:
        raise UsageError(
            f"无法监听 {args.host}:{args.port}: {exc.strerror}",
            f"cannot listen on {args.host}:{args.port}: {exc.strerror}",
        ) from None
    except KeyboardInterrupt:
        pass
    return 0


def _bench(args: argparse.Namespace, out: list[str]) -> int:
    from .bench import run_bench

    out.append(run_bench(args.rules, args.count, args.seed, repeat=args.repeat, batch_lines=args.batch_lines))
    return 0


def _compile(args: argparse.Namespace, out: list[str]) -> int:
    from .listing import show, summary

    rules = load_rules(args.rules)
    out.append(show(rules, args.show) if args.show else summary(rules))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out: list[str] = []
    handler = {
        "evaluate": _evaluate,
        "check": _check,
        "test": _test,
        "schema": _schema,
        "batch": _batch,
        "compare": _compare,
        "generate": _generate,
        "bench": _bench,
        "compile": _compile,
        "serve": _serve,
    }
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
