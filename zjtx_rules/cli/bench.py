"""``zjtx bench``: evaluation speed on generated profiles, by every path a package can run."""

from __future__ import annotations

import argparse

from zjtx_rules.cli.options import RULES_HELP, Command, positive
from zjtx_rules.cli.package_line import announce


def _arguments(be: argparse.ArgumentParser) -> None:
    be.add_argument("--rules", help=RULES_HELP)
    be.add_argument("--count", type=positive, default=5000, help="profiles to evaluate")
    be.add_argument("--seed", type=int, default=7, help="random seed of the generated profiles")
    be.add_argument("--repeat", type=positive, default=3, help="runs of each in-process path (best kept)")
    be.add_argument(
        "--batch-lines",
        type=int,
        default=0,
        metavar="N",
        help="also time one batch of N lines in a child process: time, peak RSS (0: skip)",
    )


def _bench(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.bench import run_bench

    announce(args.rules, out)
    out.append(run_bench(args.rules, args.count, args.seed, repeat=args.repeat, batch_lines=args.batch_lines))
    return 0


BENCH = Command(
    "bench",
    "measure evaluation speed on generated profiles",
    "zjtx bench --count 5000",
    _arguments,
    _bench,
)
