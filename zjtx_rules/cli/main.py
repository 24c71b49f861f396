"""``zjtx``: the command line. Parsing and printing only; the work is the library's.

Exit codes: 0 success; 1 a ``check`` or ``test`` found problems, ``mutate --fail-under``
was not reached, or a ``batch`` had a record in error (every other record is still answered);
2 bad input (profile, rule package, arguments), with the message on stderr and no traceback.

Without ``--rules`` a command uses the package in ``./rules`` when the working folder has one
(the copy being edited), else the installed one. The first line a command prints names the
package folder and its sha256 (on stderr for commands whose stdout is data).

Each command lives in its own module of ``zjtx_rules.cli`` (its arguments and what it runs);
this one builds the parser from them and dispatches.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from zjtx_rules.cli.batch import BATCH, COMPARE, GENERATE
from zjtx_rules.cli.bench import BENCH
from zjtx_rules.cli.evaluate import EVALUATE
from zjtx_rules.cli.new import NEW
from zjtx_rules.cli.options import Command, Help, Parser
from zjtx_rules.cli.package_line import default_rules
from zjtx_rules.cli.review import COMPILE, DIFF, DOCS
from zjtx_rules.cli.rules import CHECK, MUTATE, TEST
from zjtx_rules.cli.schema import SCHEMA
from zjtx_rules.cli.serve import SERVE
from zjtx_rules.errors import EvaluationError, ProfileError, RuleError, UsageError, ZjtxError

# in the order ``zjtx --help`` lists them
COMMANDS: tuple[Command, ...] = (
    EVALUATE,
    CHECK,
    TEST,
    MUTATE,
    NEW,
    SCHEMA,
    BATCH,
    COMPARE,
    GENERATE,
    SERVE,
    DOCS,
    DIFF,
    BENCH,
    COMPILE,
)


def build_parser() -> argparse.ArgumentParser:
    from zjtx_rules import __version__

    p = Parser(
        prog="zjtx",
        description="专精特新政策规则引擎 / SRDI policy rules engine",
        epilog="example:\n  zjtx evaluate examples/profiles/seed_tech_sme.json --as-of 2025-06-30",
        formatter_class=Help,
    )
    p.add_argument("--version", action="version", version=f"zjtx {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in COMMANDS:
        parser = sub.add_parser(
            command.name,
            help=command.help,
            description=command.help,
            epilog=f"example:\n  {command.example}",
            formatter_class=Help,
        )
        command.arguments(parser)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out: list[str] = []
    handler = {command.name: command.run for command in COMMANDS}
    try:
        # compare and test find their packages themselves; diff names both of its own
        if args.command not in ("compare", "test") and getattr(args, "rules", "") is None:
            args.rules = default_rules()
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
