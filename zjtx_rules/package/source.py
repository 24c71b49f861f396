"""Reading TOML rule files, and mapping each key back to its file:line:column.

Values come from ``tomllib`` alone, with ``parse_float=Decimal`` so that no figure passes
through a float; positions come from the structural scanner (``scanner.locate_keys``). Limits
on size, keys, digits and exponents make a hostile file fail with a located diagnostic before
anything later can overflow on it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import Message, Words
from zjtx_rules.display import shown
from zjtx_rules.errors import Diagnostic, Location, UsageError
from zjtx_rules.package.scanner import KeyPath as KeyPath
from zjtx_rules.package.scanner import TooManyKeys as TooManyKeys
from zjtx_rules.package.scanner import _tokenize as _tokenize
from zjtx_rules.package.scanner import locate_keys as locate_keys

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_PACKAGE_BYTES = 16 * 1024 * 1024  # all rule files together
MAX_DIGITS = 40  # an integer literal longer than this is a slip (or an attack), not a figure
# A decimal literal (TOML float): at most MAX_DIGITS significant digits and an exponent (of its
# first digit) within +-MAX_EXPONENT. Every real figure fits (money up to 10^15 yuan, rates
# down to 10^-12); past them, 1e999999999 would overflow normalizing, formatting and arithmetic.
MAX_EXPONENT = 30
# Keys (each ``key = value`` and each [table] header) in one file: 20,000 derived values with
# titles take 80,000. Each costs about 0.7 KB to locate, check and report, so a file of
# 400,000 short keys (well under MAX_FILE_BYTES) would cost 300 MB and more before it failed.
MAX_KEYS = 100_000

_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass
class SourceFile:
    """One parsed rule file: its data, its text lines and where each key path sits."""

    path: Path
    display: str
    data: dict[str, Any]
    lines: list[str]
    positions: dict[KeyPath, tuple[int, int]]
    key_positions: dict[KeyPath, tuple[int, int]]

    def location(self, keypath: KeyPath, offset: int | None = None, *, at_key: bool = False) -> Location:
        """Where ``keypath``'s value is (or its key, with ``at_key``); ``offset`` moves into a
        string value (0 = its first character)."""
        table = self.key_positions if at_key and keypath in self.key_positions else self.positions
        probe = keypath
        while probe and probe not in table:
            probe = probe[:-1]
        line, col = table.get(probe, (None, None)) if probe else (None, None)
        if line is not None and col is not None and offset is not None and probe == keypath:
            col += offset + 1  # skip the opening quote
        return Location(self.display, line, col, format_path(keypath))

    def line_text(self, line: int | None) -> str:
        if line is None or not 1 <= line <= len(self.lines):
            return ""
        return self.lines[line - 1]


def format_path(keypath: KeyPath) -> str:
    out = ""
    for part in keypath:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_toml(path: Path, display: str) -> tuple[SourceFile | None, Diagnostic | None]:
    """Parse one rule file; on failure return the problem (TOML syntax, a limit) as a diagnostic."""
    text = _read_text(path, Location(display))
    if isinstance(text, Diagnostic):
        return None, text
    lines = text.splitlines()
    try:
        values, keys = locate_keys(text, limit=MAX_KEYS)
    except RecursionError:
        values, keys = {}, {}
    except TooManyKeys as exc:
        return None, _at(D.TOO_MANY_KEYS(limit=MAX_KEYS), display, lines, exc.line, exc.column)
    long_int = _long_integer(text, values)
    if long_int is not None:
        return None, _at(D.NUMBER_TOO_LONG(limit=MAX_DIGITS), display, lines, *long_int)
    data = _parse(text, display, lines)
    if isinstance(data, Diagnostic):
        return None, data
    absurd = _absurd_decimal(data, values)
    if absurd is not None:
        (line, col), number = absurd
        got = shown(number)
        if number.is_finite():
            too_big = D.NUMBER_OUT_OF_RANGE(digits=MAX_DIGITS, exponent=MAX_EXPONENT, got=got)
        else:
            too_big = D.NUMBER_OUT_OF_RANGE(form="not-finite", got=got)
        return None, _at(too_big, display, lines, line, col)  # 0: a value the scanner did not place
    return SourceFile(path, display, data, lines, values, keys), None


def _read_text(path: Path, here: Location) -> str | Diagnostic:
    """The text of a regular file of at most ``MAX_FILE_BYTES``, decoded as UTF-8."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return D.NOT_A_FILE.at(here)
        if info.st_size > MAX_FILE_BYTES:
            return D.FILE_TOO_LARGE.at(here, size=info.st_size, limit=MAX_FILE_BYTES)
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:  # it grew after stat
            return D.FILE_TOO_LARGE(form="grew", limit=MAX_FILE_BYTES).at(here)
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return D.TOML_SYNTAX(form="encoding", error=exc).at(here)
    except OSError as exc:
        return D.UNREADABLE.at(here, reason=exc.strerror)


def _parse(text: str, display: str, lines: list[str]) -> dict[str, Any] | Diagnostic:
    """The values of the text (decimals as ``Decimal``), or why tomllib could not read them."""
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        return _syntax_error(str(exc), display, lines)
    except ValueError as exc:  # tomllib lets int() limits through
        return D.TOML_SYNTAX(form="value", error=exc).at(Location(display))
    except RecursionError:
        return D.TOML_TOO_DEEP.at(Location(display))


def _syntax_error(said: str, display: str, lines: list[str]) -> Diagnostic:
    """tomllib's complaint in the words of someone editing the file, where it stopped."""
    m = _TOML_POS.search(said)
    line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
    src = _line(lines, line)
    said = _TOML_POS.sub("", said).strip()
    zh, en = _TOML_WORDS.get(said, (said, said))
    here = src[col - 1 : col] if col else ""
    if said.startswith("Unclosed") and here not in ("", ",", "}", "]", " "):
        # tomllib stops at the first character it cannot use, e.g. the % of "3%"
        zh, en = f"此处的字符 '{here}' 无法识别", f"the character '{here}' is not understood here"
        if here == "%":
            zh += "（百分比写成小数：3% 写 0.03）"
            en += " (write a percentage as a fraction: 0.03 for 3%)"
    return D.TOML_SYNTAX(problem=Words(zh, en)).at(Location(display, line, col), source_line=src)


def _line(lines: list[str], line: int | None) -> str:
    return lines[line - 1] if line and 0 < line <= len(lines) else ""


def _at(message: Message, display: str, lines: list[str], line: int, col: int) -> Diagnostic:
    """``message`` at a line and column of the file, with that line (0: not placed)."""
    return message.at(Location(display, line or None, col or None), source_line=_line(lines, line))


# tomllib's commonest complaints, in the words of someone editing the file
_TOML_WORDS = {
    "Illegal character '\\n'": (
        "引号未闭合：文本写到行尾还没有结束",
        "unclosed quote: the text runs to the end of the line",
    ),
    "Unclosed array": ("列表 [ 没有对应的 ]", "a list [ has no closing ]"),
    "Unclosed inline table": ("{ 没有对应的 }", "a { has no closing }"),
    "Cannot overwrite a value": ("同一个键写了两次", "the same key is written twice"),
    "Cannot declare": ("同一个表头写了两次", "the same [table] header is written twice"),
    "Invalid value": ("取值无法识别（文本需要加引号）", "value not understood (text needs quotes)"),
    "Expected '=' after a key in a key/value pair": ("键后面缺少 =", "a key needs = after it"),
}


_LONG_DIGITS = re.compile(rf"[0-9][0-9_]{{{MAX_DIGITS},}}")


def _long_integer(text: str, values: dict[KeyPath, tuple[int, int]]) -> tuple[int, int] | None:
    """Where a bare number value longer than ``MAX_DIGITS`` digits starts, if any.

    ``tomllib`` hands a 5,000-digit integer to ``int()``, which raises a bare ``ValueError``
    with no position; a figure that long is stopped here first, at its line and column."""
    lines = text.splitlines()
    for line, col in sorted(set(values.values())):
        if line > len(lines):
            continue
        src = lines[line - 1]
        m = _LONG_DIGITS.match(src, col - 1 + (src[col - 1 : col] in "+-"))
        if m and len(m.group(0).replace("_", "")) > MAX_DIGITS:
            return line, col
    return None


def _absurd_decimal(
    data: dict[str, Any], values: dict[KeyPath, tuple[int, int]]
) -> tuple[tuple[int, int], Decimal] | None:
    """The first decimal literal (in file order) that is not finite or lies outside the bounds
    of ``MAX_DIGITS`` and ``MAX_EXPONENT``, with where it is; None when every one fits.

    Checked once here, where the values are read, so that no later step (``normalize()``, a
    ``:f`` format, a division) can meet 1e999999999 and overflow with no position."""
    found: list[tuple[tuple[int, int], Decimal]] = []
    stack: list[tuple[KeyPath, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
        elif isinstance(value, Decimal) and not _fits(value):
            probe = path
            while probe and probe not in values:
                probe = probe[:-1]
            found.append((values.get(probe, (0, 0)), value))
    return min(found, key=lambda f: f[0]) if found else None


def _fits(value: Decimal) -> bool:
    return (
        value.is_finite()
        and abs(value.adjusted()) <= MAX_EXPONENT
        and len(value.as_tuple().digits) <= MAX_DIGITS
    )


def is_regular_file(path: Path) -> bool:
    """True for a regular file (following links): never a pipe, a socket or a device."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def read_profile_file(path: Path) -> bytes:
    """The bytes of a profile file a case names: a missing file and a pipe or a device (which
    would block or never end) are ``UsageError``s that say which."""
    if not path.exists():
        raise UsageError(f"找不到文件: {path}", f"no such file: {path}")
    if not is_regular_file(path):
        raise UsageError(f"不是普通文件: {path}", f"not a regular file: {path}")
    return path.read_bytes()


def package_sha256(root: Path) -> str:
    """The fingerprint of a rule package: sha256 over its regular files outside ``cases/``
    (rule files, the source text, anything else they read), each as its path relative to
    ``root`` (``/``-separated, sorted) followed by the sha256 of its bytes. Test cases are left
    out on purpose: results carry this hash to tie a decision to the rules that made it, and
    adding a case changes no decision."""
    h = hashlib.sha256()
    files = sorted(
        (p.relative_to(root).as_posix(), p)
        for p in root.rglob("*")
        if p.relative_to(root).parts[0] != "cases" and is_regular_file(p)
    )
    for rel, p in files:
        part = hashlib.sha256()
        with p.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                part.update(chunk)
        name = rel.encode("utf-8")
        h.update(len(name).to_bytes(8, "big") + name + part.digest())
    return h.hexdigest()
