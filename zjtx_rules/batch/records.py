"""Reading a batch's input: JSON Lines or CSV, as numbered records, one per line or row.

A line over the profile size limit, a CSV row with the wrong number of cells and (later) an
empty line become error records of their own: a bad line never stops the run.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from typing import IO, Any

from zjtx_rules.display import JSON, bounded
from zjtx_rules.errors import ProfileError, ProfileIssue, UsageError
from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.profile.model import MAX_PROFILE_BYTES, parse_json

# (line number, "json" | "csv" | "error" | "profile", payload); "profile": already a mapping
Record = tuple[int, str, Any]


class CountingReader:
    """Binary line reader that counts bytes (for progress) and caps line length."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.consumed = 0

    def lines(self) -> Iterator[bytes | None]:
        """Yield each line; ``None`` for a line longer than the profile size limit."""
        while True:
            line = self.fh.readline(MAX_PROFILE_BYTES + 1)
            if not line:
                return
            self.consumed += len(line)
            if len(line) > MAX_PROFILE_BYTES and not line.endswith(b"\n"):
                while True:  # skip the rest of an overlong line without holding it
                    more = self.fh.readline(1 << 20)
                    self.consumed += len(more)
                    if not more or more.endswith(b"\n"):
                        break
                yield None
                continue
            yield line


def iter_records(reader: CountingReader, fmt: str) -> Iterator[Record]:
    if fmt == "jsonl":
        for n, line in enumerate(reader.lines(), 1):
            if line is None:
                yield n, "error", issue("too_large", "行过长", "line too long")
            else:
                yield n, "json", line
        return
    text_lines = ((line or b"").decode("utf-8", errors="replace") for line in reader.lines())
    rows = csv.reader(text_lines)
    try:
        header = next(rows)
    except StopIteration:
        return
    for row in rows:
        n = rows.line_num
        if len(row) != len(header):
            yield (
                n,
                "error",
                issue(
                    "csv_columns",
                    f"列数 {len(row)} 与表头 {len(header)} 不符",
                    f"{len(row)} columns; the header has {len(header)}",
                ),
            )
            continue
        yield n, "csv", dict(zip(header, row, strict=True))


def issue(code: str, zh: str, en: str, path: str = "$") -> ProfileError:
    """A record's error of one problem."""
    return ProfileError([ProfileIssue(path, code, zh, en)])


_TRUE = {"true", "1", "yes", "是", "y", "t"}
_FALSE = {"false", "0", "no", "否", "n", "f"}


def csv_profile(rules: RuleSet, row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as a profile: empty cells are unknown, booleans true/false (or 是/否),
    list facts are JSON in their cell, everything else is passed as text to validation."""
    out: dict[str, Any] = {}
    problems = []
    for col, cell in row.items():
        cell = cell.strip()
        if cell == "":
            continue
        spec = rules.facts.get(col)
        if spec is None:
            out[col] = cell  # validation reports it, with "did you mean"
        elif spec.type == "bool":
            low = cell.lower()
            if low in _TRUE or low in _FALSE:
                out[col] = low in _TRUE
            else:
                problems.append(
                    ProfileIssue(
                        f"$.{col}",
                        "bool_type",
                        "应为 true 或 false",
                        f"expected true or false; got {bounded(cell, JSON)}",
                    )
                )
        elif spec.type in ("list", "year_money_map"):
            try:
                out[col] = parse_json(cell)
            except ProfileError as exc:
                problems.extend(
                    ProfileIssue(f"$.{col}", e.code, e.message_zh, e.message_en) for e in exc.errors
                )
        else:
            out[col] = cell
    if problems:
        raise ProfileError(problems)
    return out


def detect_format(name: str, fmt: str | None) -> str:
    if fmt:
        return fmt
    return "csv" if name.lower().endswith(".csv") else "jsonl"


def open_input(source: str) -> IO[bytes]:
    """The input file, or stdin for ``-``; a file that cannot be read is a usage error."""
    try:
        return sys.stdin.buffer if source == "-" else open(source, "rb")
    except OSError as exc:
        raise UsageError(
            f"无法读取输入 {source}: {exc.strerror}", f"cannot read input {source}: {exc.strerror}"
        ) from None


def iter_input_profiles(rules: RuleSet, source: str, fmt: str | None = None) -> Iterator[Record]:
    """Records of an input file, for tools that evaluate them themselves (``compare``)."""
    fh = open_input(source)
    try:
        yield from iter_records(CountingReader(fh), detect_format(source, fmt))
    finally:
        if source != "-":
            fh.close()
