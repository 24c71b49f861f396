"""``zjtx batch``, ``zjtx compare`` and ``zjtx generate``: many profiles at once, screened,
compared between two rule versions, or made up for testing."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from zjtx_rules.cli.options import AS_OF_HELP, FORMAT_HELP, RULES_HELP, Command, positive
from zjtx_rules.cli.package_line import announce
from zjtx_rules.errors import UsageError
from zjtx_rules.evaluate.ruleset import load_rules, parse_as_of

if TYPE_CHECKING:
    from zjtx_rules.batch.summary import Summary


def _batch_arguments(ba: argparse.ArgumentParser) -> None:
    ba.add_argument("input", help="a .jsonl/.csv file, or - for stdin")
    ba.add_argument("--out", help="output JSON Lines file (default: stdout)")
    ba.add_argument("--workers", type=positive, default=1, help="processes, at least 1")
    ba.add_argument("--as-of", help=AS_OF_HELP)
    ba.add_argument("--rules", help=RULES_HELP)
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


def _batch(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.batch.stream import check_paths, run_batch
    from zjtx_rules.batch.summary import Summary

    check_paths(args.input, args.out, args.summary)  # before the run, not after it
    day = parse_as_of(args.as_of)
    announce(args.rules, None)
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
        _write_summary(summary, args.summary, args.lang)
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


def _write_summary(summary: Summary, path: str, lang: str) -> None:
    """The ``--summary`` JSON file, and its table on stderr."""
    try:
        Path(path).write_text(
            json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    except OSError as exc:
        raise UsageError(
            f"无法写入 --summary {path}: {exc.strerror}",
            f"cannot write --summary {path}: {exc.strerror}",
        ) from None
    sys.stderr.write(summary.render(lang))


def _compare_arguments(co: argparse.ArgumentParser) -> None:
    co.add_argument("input", help="a .jsonl/.csv file of profiles")
    co.add_argument("--rules", action="append", required=True, help="give twice: OLD then NEW")
    co.add_argument("--as-of", help=AS_OF_HELP)
    co.add_argument("--format", choices=["text", "json"], default="text", help=FORMAT_HELP)
    co.add_argument("--limit", type=int, default=1000, help="most changed enterprises listed")


def _compare(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.batch.compare import compare
    from zjtx_rules.batch.stream import iter_input_profiles

    if len(args.rules) != 2:
        raise UsageError("--rules 需要给两次：旧版本、新版本", "give --rules twice: OLD then NEW")
    day = parse_as_of(args.as_of)
    for folder in args.rules:
        announce(folder, None if args.format == "json" else out)
    old, new = load_rules(args.rules[0]), load_rules(args.rules[1])
    result = compare(old, new, iter_input_profiles(old, args.input), day, limit=args.limit)
    if args.format == "json":
        out.append(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.append(result.render())
    return 0


def _generate_arguments(ge: argparse.ArgumentParser) -> None:
    ge.add_argument("--count", type=int, required=True, help="how many profiles")
    ge.add_argument("--seed", type=int, default=0, help="random seed (same seed, same profiles)")
    ge.add_argument("--missing", type=float, default=0.0, help="chance an optional fact is absent")
    ge.add_argument("--rules", help=RULES_HELP)
    ge.add_argument("--as-of", help="date the profiles are drawn for (default: today)")


def _generate(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.quality.generate import generate

    announce(args.rules, None)
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


BATCH = Command(
    "batch",
    "evaluate JSON Lines or CSV, one output line per record; exit 1 if any record was an error",
    "zjtx batch examples/register.csv --out results.jsonl --summary summary.json --workers 2",
    _batch_arguments,
    _batch,
)
COMPARE = Command(
    "compare",
    "two rule versions over the same enterprises",
    "zjtx compare examples/register.csv --rules old/ --rules rules/liangjiang_zjtx_2022",
    _compare_arguments,
    _compare,
)
GENERATE = Command(
    "generate",
    "synthetic profiles as JSON Lines",
    "zjtx generate --count 100 --seed 1 > profiles.jsonl",
    _generate_arguments,
    _generate,
)
