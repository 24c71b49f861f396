"""What every ``zjtx`` command is made of: the parser, the help format, argument types, and
``Command``, the entry each command module gives ``main``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

FORMAT_HELP = "output format: text for people, json for machines"
RULES_HELP = "rule package folder (default: ./rules/<package> when there is one, else the bundled package)"
AS_OF_HELP = "evaluation date YYYY-MM-DD (default: today)"


@dataclass(frozen=True)
class Command:
    """One subcommand: its name, help line and example, the arguments it adds to its parser,
    and what it runs (the parsed arguments and the stdout buffer in, the exit code out)."""

    name: str
    help: str
    example: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, list[str]], int]


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 too; keep its usage line
        self.print_usage(sys.stderr)
        self.exit(2, f"zjtx: 参数错误 / bad arguments: {message}\n")


class Help(argparse.RawDescriptionHelpFormatter):
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


def port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is 0-65535")
    return value


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def percent(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError("must be a percentage from 0 to 100")
    return value
