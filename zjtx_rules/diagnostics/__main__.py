"""``python -m zjtx_rules.diagnostics``: print the error index, or keep a file's copy current.

python -m zjtx_rules.diagnostics                          # the index, as Markdown
python -m zjtx_rules.diagnostics --write rules/README.md  # between its markers
python -m zjtx_rules.diagnostics --check rules/README.md  # exit 1 when out of date
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from zjtx_rules.diagnostics.index import block, markdown, write


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zjtx_rules.diagnostics", description="the error index")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", metavar="FILE", help="write the index between the markers of FILE")
    group.add_argument("--check", metavar="FILE", help="exit 1 unless FILE holds the current index")
    args = parser.parse_args(argv)
    if args.write:
        changed = write(Path(args.write))
        print(f"{args.write}: {'written' if changed else 'already current'}")
        return 0
    if args.check:
        path = Path(args.check)
        current = path.exists() and block(path.read_text(encoding="utf-8")) == markdown()
        if not current:
            print(f"{args.check}: the error index is out of date; run --write", file=sys.stderr)
        return 0 if current else 1
    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
