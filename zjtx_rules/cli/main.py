"""``zjtx``: the command line. Parsing and printing only; the work is the library's.

Exit codes: 0 success; 1 a ``check`` or ``test`` found problems, ``mutate --fail-under``
was not reached, or a ``batch`` had a record in error (every other record is still answered);
2 bad input (profile, rule package, arguments), with the message on stderr and no traceback.

Without ``--rules`` a command uses the package in ``./rules`` when the working folder has one
(the copy being edited), else the installed one. The first line a command prints names the
package folder and its sha256 (on stderr for commands whose stdout is data).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from zjtx_rules.errors import EvaluationError, ProfileError, RuleError, UsageError, ZjtxError
from zjtx_rules.evaluate.ruleset import RuleSet, load_rules, parse_as_of
from zjtx_rules.package.discovery import bundled_rules_dir, is_package, local_rules_dir
from zjtx_rules.package.source import package_sha256
from zjtx_rules.quality.cases import package_of, run_cases
from zjtx_rules.render.text_report import render_text


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


def _percent(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError("must be a percentage from 0 to 100")
    return value


class _Help(argparse.RawDescriptionHelpFormatter):
    """Help that shows every option's default and keeps the examples' line breaks."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if (
            "default" in text
            or any(action.default is v for v in (None, False, argparse.SUPPRESS))  # 0 is shown
            or not action.option_strings
        ):
            return text
        return f"{text} (default: {action.default})"


def _command(sub: Any, name: str, help_text: str, example: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text, description=help_text, epilog=f"example:\n  {example}", formatter_class=_Help
    )
    return parser


_FORMAT_HELP = "output format: text for people, json for machines"


def build_parser() -> argparse.ArgumentParser:
    from zjtx_rules import __version__
    from zjtx_rules.web.app import DEFAULT_CORS_HEADERS, DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY

    p = _Parser(
        prog="zjtx",
        description="专精特新政策规则引擎 / SRDI policy rules engine",
        epilog="example:\n  zjtx evaluate examples/profiles/seed_tech_sme.json --as-of 2025-06-30",
        formatter_class=_Help,
    )
    p.add_argument("--version", action="version", version=f"zjtx {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    rules_help = (
        "rule package folder (default: ./rules/<package> when there is one, else the bundled package)"
    )
    as_of_help = "evaluation date YYYY-MM-DD (default: today)"
    ev = _command(
        sub,
        "evaluate",
        "evaluate one profile (JSON file, or - for stdin)",
        "zjtx evaluate examples/profiles/seed_tech_sme.json --as-of 2025-06-30 --format json",
    )
    ev.add_argument("profile", help="a JSON file, or - for stdin")
    ev.add_argument("--rules", help=rules_help)
    ev.add_argument("--as-of", help=as_of_help)
    ev.add_argument("--format", choices=["text", "json"], default="text", help=_FORMAT_HELP)
    ev.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the text output")
    ev.add_argument("--explain", metavar="MEASURE", help="print the evaluation trace of this measure")
    ch = _command(
        sub,
        "check",
        "check a rule package; list every problem and assumption",
        "zjtx check rules/liangjiang_zjtx_2022",
    )
    ch.add_argument("rules", nargs="?", help=rules_help)
    ch.add_argument("--format", choices=["text", "json"], default="text", help=_FORMAT_HELP)
    ch.add_argument("--errors-only", action="store_true", help="leave warnings out (they still count)")
    te = _command(
        sub,
        "test",
        "run a rule package's own test cases",
        "zjtx test rules/liangjiang_zjtx_2022/cases/talent_reward.toml -k quota",
    )
    te.add_argument("path", nargs="?", help="a package, a case file or a folder of case files")
    te.add_argument("--rules", help="the package the cases test (default: the one they sit in)")
    te.add_argument("-k", dest="select", metavar="TEXT", help="only cases whose name contains TEXT")
    mu = _command(
        sub,
        "mutate",
        "mutation testing: which single edits do the cases miss?",
        "zjtx mutate rules/liangjiang_zjtx_2022 --workers 2 --fail-under 97",
    )
    mu.add_argument("rules", nargs="?", help=rules_help)
    mu.add_argument("--workers", type=_positive, default=1, help="processes")
    mu.add_argument("--seed", type=int, default=0, help="seed for --limit sampling")
    mu.add_argument("--limit", type=_positive, help="try a seeded sample of N mutants (default: all)")
    mu.add_argument(
        "--fail-under",
        type=_percent,
        metavar="PCT",
        help="exit 1 when the share caught, as shown (one decimal), is under PCT%% (default: never)",
    )
    mu.add_argument("--format", choices=["text", "json"], default="text", help=_FORMAT_HELP)
    sc = _command(
        sub,
        "schema",
        "print the JSON Schema of profiles or results, or the API's OpenAPI document",
        "zjtx schema profile > profile.schema.json",
    )
    sc.add_argument(
        "which",
        choices=["profile", "result", "compact", "openapi"],
        help="which schema (compact: a batch line; openapi: the document GET /openapi.json serves)",
    )
    sc.add_argument("--rules", help=rules_help)
    ba = _command(
        sub,
        "batch",
        "evaluate JSON Lines or CSV, one output line per record; exit 1 if any record was an error",
        "zjtx batch examples/register.csv --out results.jsonl --summary summary.json --workers 2",
    )
    ba.add_argument("input", help="a .jsonl/.csv file, or - for stdin")
    ba.add_argument("--out", help="output JSON Lines file (default: stdout)")
    ba.add_argument("--workers", type=_positive, default=1, help="processes, at least 1")
    ba.add_argument("--as-of", help=as_of_help)
    ba.add_argument("--rules", help=rules_help)
    ba.add_argument(
        "--input-format",
        dest="input_format",
        choices=["jsonl", "csv"],
        help="input format (default: by file extension)",
    )
    ba.add_argument("--summary", help="write a JSON summary here and print a table to stderr")
    ba.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the summary table")
    ba.add_argument("--progress", action="store_true", help="show progress even if not a terminal")
    ba.add_argument("--resume", action="store_true", help="continue an interrupted --out file")
    ba.add_argument(
        "--full", action="store_true", help="write whole results instead of compact lines (larger output)"
    )
    ba.add_argument("--reasons", action="store_true", help="whole results with reason texts (implies --full)")
    co = _command(
        sub,
        "compare",
        "two rule versions over the same enterprises",
        "zjtx compare examples/register.csv --rules old/ --rules rules/liangjiang_zjtx_2022",
    )
    co.add_argument("input", help="a .jsonl/.csv file of profiles")
    co.add_argument("--rules", action="append", required=True, help="give twice: OLD then NEW")
    co.add_argument("--as-of", help=as_of_help)
    co.add_argument("--format", choices=["text", "json"], default="text", help=_FORMAT_HELP)
    co.add_argument("--limit", type=int, default=1000, help="most changed enterprises listed")
    ge = _command(
        sub,
        "generate",
        "synthetic profiles as JSON Lines",
        "zjtx generate --count 100 --seed 1 > profiles.jsonl",
    )
    ge.add_argument("--count", type=int, required=True, help="how many profiles")
    ge.add_argument("--seed", type=int, default=0, help="random seed (same seed, same profiles)")
    ge.add_argument("--missing", type=float, default=0.0, help="chance an optional fact is absent")
    ge.add_argument("--rules", help=rules_help)
    ge.add_argument("--as-of", help="date the profiles are drawn for (default: today)")
    sv = _command(
        sub,
        "serve",
        "run the JSON API and calculator page locally",
        "zjtx serve --port 8000 --cors-origin https://portal.example --frame-ancestors \"'self'\"",
    )
    sv.add_argument("--rules", help=rules_help)
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on")
    sv.add_argument("--port", type=_port, default=8000, help="port to listen on (0: any free port)")
    sv.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        help="allow this browser origin, e.g. https://portal.example, or * for any "
        "(repeatable; none: CORS off)",
    )
    sv.add_argument(
        "--cors-header",
        action="append",
        default=None,
        help="request header a CORS preflight may ask for "
        f"(repeatable; default: {', '.join(DEFAULT_CORS_HEADERS)})",
    )
    sv.add_argument(
        "--frame-ancestors",
        default="*",
        help="CSP frame-ancestors: pages allowed to embed the calculator, e.g. \"'self' https://portal.example\"",
    )
    sv.add_argument(
        "--max-body",
        type=_positive,
        default=DEFAULT_MAX_BODY,
        help=f"largest request body in bytes (fits a batch of {DEFAULT_MAX_BATCH} profiles)",
    )
    sv.add_argument("--quiet", action="store_true", help="no access log")
    sv.add_argument("--header-timeout", type=float, default=10.0, help="seconds for the request headers")
    sv.add_argument("--body-timeout", type=float, default=30.0, help="seconds for the request body")
    sv.add_argument(
        "--max-connections",
        type=_positive,
        default=64,
        help="requests processed at once (worker threads); a complete request past it gets 503",
    )
    sv.add_argument(
        "--max-open",
        type=_positive,
        default=4096,
        help="connections open at once, each reading, waiting or being answered (a buffer each, "
        "no thread); a new one past it gets 503",
    )
    do = _command(
        sub, "docs", "write the rules as a static site (HTML, printable)", "zjtx docs --out /tmp/site"
    )
    do.add_argument("rules", nargs="?", help=rules_help)
    do.add_argument("--out", required=True, help="folder to write the site into")
    di = _command(
        sub,
        "diff",
        "rule-level changes between two package versions",
        "zjtx diff rules/liangjiang_zjtx_2022 /tmp/liangjiang_quota6 --format html > review.html",
    )
    di.add_argument("old", help="the package folder before the change")
    di.add_argument("new", help="the package folder after the change")
    di.add_argument("--format", choices=["text", "html", "json"], default="text", help=_FORMAT_HELP)
    be = _command(sub, "bench", "measure evaluation speed on generated profiles", "zjtx bench --count 5000")
    be.add_argument("--rules", help=rules_help)
    be.add_argument("--count", type=_positive, default=5000, help="profiles to evaluate")
    be.add_argument("--seed", type=int, default=7, help="random seed of the generated profiles")
    be.add_argument("--repeat", type=_positive, default=3, help="runs of each in-process path (best kept)")
    be.add_argument(
        "--batch-lines",
        type=int,
        default=0,
        metavar="N",
        help="also time one batch of N lines in a child process: time, peak RSS (0: skip)",
    )
    cp = _command(
        sub,
        "compile",
        "list the generated code of a package, or show it for review",
        "zjtx compile --show talent_reward",
    )
    cp.add_argument("--rules", help=rules_help)
    cp.add_argument(
        "--show", metavar="NAME", help="print the generated code of a measure, tier, derived value or target"
    )
    return p


def _default_rules() -> str:
    return str(local_rules_dir() or bundled_rules_dir())


def _display(folder: Path) -> str:
    """A package folder relative to the working folder, or absolute when outside it (and
    when it is the working folder itself: "." would not say which package)."""
    full = folder.resolve()
    try:
        shown = full.relative_to(Path.cwd())
    except ValueError:
        return str(full)
    return str(full) if shown == Path(".") else str(shown)


@contextmanager
def _package_line_first(out: list[str]) -> Iterator[None]:
    """When the package fails to load, still print the line that says which package it was
    (``main`` drops ``out`` on an error) before the errors."""
    try:
        yield
    except ZjtxError:
        sys.stdout.write("".join(out))
        sys.stdout.flush()
        out.clear()
        raise


def _announce(folder: str, out: list[str] | None) -> None:
    """First line of output: which package, by folder and fingerprint. ``out`` is None for
    commands whose stdout is data: the line goes to stderr."""
    path = Path(folder)
    if not path.is_dir():
        raise UsageError(f"规则包目录不存在: {path}", f"no rule package at {path}")
    line = f"规则包 / rule package: {_display(path)}  sha256 {package_sha256(path)}\n"
    if out is None:
        sys.stderr.write(line)
    else:
        out.append(line)


def _read_profile(arg: str) -> bytes:
    try:
        return sys.stdin.buffer.read() if arg == "-" else Path(arg).read_bytes()
    except OSError as exc:
        raise UsageError(
            f"无法读取企业信息文件 {arg}: {exc.strerror}", f"cannot read profile {arg}: {exc.strerror}"
        ) from None


def _evaluate(args: argparse.Namespace, out: list[str]) -> int:
    day = parse_as_of(args.as_of)
    _announce(args.rules, None if args.format == "json" else out)
    rules = load_rules(args.rules)
    data = _read_profile(args.profile)
    if args.explain:
        from zjtx_rules.evaluate.explain import explain

        out.append(explain(rules, data, args.explain, day).render())
        return 0
    evaluation = rules.evaluate(data, day)
    if args.format == "json":
        out.append(evaluation.to_json(indent=2) + "\n")
    else:
        out.append(render_text(evaluation, rules, args.lang))
    return 0


def _check(args: argparse.Namespace, out: list[str]) -> int:
    _announce(args.rules, None if args.format == "json" else out)
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
    package = package or _default_rules()
    _announce(package, out)
    with _package_line_first(out):
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


def _mutate(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.quality.mutate import mutate

    _announce(args.rules, None if args.format == "json" else out)
    with _package_line_first(out):
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


def _schema(args: argparse.Namespace, out: list[str]) -> int:
    _announce(args.rules, None)
    if args.which == "profile":
        schema = load_rules(args.rules).profile_schema()
    elif args.which == "compact":
        from zjtx_rules.evaluate.result import compact_json_schema

        schema = compact_json_schema()
    elif args.which == "openapi":  # as `zjtx serve` (default limits) serves it, for linters and generators
        from zjtx_rules.web.app import DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY
        from zjtx_rules.web.openapi import openapi_document

        schema = openapi_document(load_rules(args.rules), DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY)
    else:
        schema = RuleSet.result_schema()
    out.append(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    return 0


def _batch(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.batch.stream import check_paths, run_batch
    from zjtx_rules.batch.summary import Summary

    check_paths(args.input, args.out, args.summary)  # before the run, not after it
    day = parse_as_of(args.as_of)
    _announce(args.rules, None)
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
            full=args.full,
        )
    except KeyboardInterrupt:
        sys.stderr.write("zjtx: 已中断，可用 --resume 继续 / interrupted; rerun with --resume\n")
        return 130
    if summary is not None:
        try:
            Path(args.summary).write_text(
                json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        except OSError as exc:
            raise UsageError(
                f"无法写入 --summary {args.summary}: {exc.strerror}",
                f"cannot write --summary {args.summary}: {exc.strerror}",
            ) from None
        sys.stderr.write(summary.render(args.lang))
    sys.stderr.write(
        f"{stats.lines} lines, {stats.errors} errors, {stats.seconds:.1f}s"
        + (
            f" (resumed after {stats.resumed_from}, {stats.resumed_errors} errors among them)"
            if stats.resumed_from
            else ""
        )
        + "\n"
    )
    return 1 if stats.errors or stats.resumed_errors else 0


def _compare(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.batch.compare import compare
    from zjtx_rules.batch.stream import iter_input_profiles

    if len(args.rules) != 2:
        raise UsageError("--rules 需要给两次：旧版本、新版本", "give --rules twice: OLD then NEW")
    day = parse_as_of(args.as_of)
    for folder in args.rules:
        _announce(folder, None if args.format == "json" else out)
    old, new = load_rules(args.rules[0]), load_rules(args.rules[1])
    result = compare(old, new, iter_input_profiles(old, args.input), day, limit=args.limit)
    if args.format == "json":
        out.append(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.append(result.render())
    return 0


def _generate(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.quality.generate import generate

    _announce(args.rules, None)
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
    from zjtx_rules.web.app import DEFAULT_CORS_HEADERS, create_app
    from zjtx_rules.web.server import Limits, serve

    _announce(args.rules, None)
    try:
        app = create_app(
            args.rules,
            cors_origins=args.cors_origin,
            cors_headers=args.cors_header or DEFAULT_CORS_HEADERS,
            frame_ancestors=args.frame_ancestors,
            max_body=args.max_body,
        )
    except ValueError as exc:  # a malformed --cors-origin: refuse at startup, not at run time
        raise UsageError(f"--cors-origin 无效: {exc}", f"bad --cors-origin: {exc}") from None
    limits = Limits(args.header_timeout, args.body_timeout, args.max_connections, max_open=args.max_open)
    try:
        serve(app, args.host, args.port, quiet=args.quiet, limits=limits)
    except OSError as exc:
        raise UsageError(
            f"无法监听 {args.host}:{args.port}: {exc.strerror}",
            f"cannot listen on {args.host}:{args.port}: {exc.strerror}",
        ) from None
    except KeyboardInterrupt:
        pass
    return 0


def _docs(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.render.docsite import write_site
    from zjtx_rules.render.package_view import load_view

    view = load_view(args.rules)
    written = write_site(view, args.out)
    out.append(
        f"{len(written)} 个文件已写入 / files written to {args.out} "
        f"({len(view.measures)} measures, {len(view.params)} parameters, {len(view.tables)} tables)\n"
    )
    return 0


def _diff(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.render.docsite import stylesheet
    from zjtx_rules.render.package_view import load_view
    from zjtx_rules.render.rulediff import diff_views

    result = diff_views(load_view(args.old), load_view(args.new))
    if args.format == "json":
        out.append(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif args.format == "html":
        out.append(result.render_html(stylesheet()))
    else:
        out.append(result.render_text())
    return 0


def _bench(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.bench import run_bench

    _announce(args.rules, out)
    out.append(run_bench(args.rules, args.count, args.seed, repeat=args.repeat, batch_lines=args.batch_lines))
    return 0


def _compile(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.render.code_listing import show, summary

    _announce(args.rules, out)
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
        "mutate": _mutate,
        "schema": _schema,
        "batch": _batch,
        "compare": _compare,
        "generate": _generate,
        "bench": _bench,
        "docs": _docs,
        "diff": _diff,
        "compile": _compile,
        "serve": _serve,
    }
    try:
        # compare and test find their packages themselves; diff names both of its own
        if args.command not in ("compare", "test") and getattr(args, "rules", "") is None:
            args.rules = _default_rules()
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
