"""Reading TOML rule files, and mapping each key back to its file:line:column.

``tomllib`` gives values but no positions, and rule authors need positions: every error in a
rule file must point at the line they have to edit. ``locate_keys`` is a small structural
scanner of TOML text that records, for each key path (``("measures", "talent_reward",
"conditions", 0, "expr")``), where its value starts. It never evaluates anything; values come
from ``tomllib`` alone, with ``parse_float=Decimal`` so that no figure passes through a float.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from zjtx_rules.display import shown
from zjtx_rules.errors import Diagnostic, Location, UsageError

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

KeyPath = tuple[str | int, ...]

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
    """Parse one rule file; on failure return the TOML syntax error as a diagnostic."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None, Diagnostic(
                "E104",
                "not-a-file",
                "error",
                "不是普通文件（管道、设备或指向它们的链接），拒绝读取",
                "not a regular file (a pipe, a device or a link to one); refusing to read it",
                Location(display),
            )
        size = info.st_size
        if size > MAX_FILE_BYTES:
            return None, Diagnostic(
                "E102",
                "file-too-large",
                "error",
                f"规则文件过大（{size} 字节，上限 {MAX_FILE_BYTES}）",
                f"rule file too large ({size} bytes, limit {MAX_FILE_BYTES})",
                Location(display),
            )
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:  # it grew after stat
            return None, Diagnostic(
                "E102",
                "file-too-large",
                "error",
                f"规则文件过大（上限 {MAX_FILE_BYTES} 字节）",
                f"rule file too large (limit {MAX_FILE_BYTES} bytes)",
                Location(display),
            )
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, Diagnostic(
            "E101",
            "toml-syntax",
            "error",
            "文件不是 UTF-8 编码",
            f"file is not UTF-8: {exc}",
            Location(display),
        )
    except OSError as exc:
        return None, Diagnostic(
            "E100",
            "unreadable",
            "error",
            f"无法读取文件: {exc.strerror}",
            f"cannot read file: {exc.strerror}",
            Location(display),
        )
    try:
        values, keys = locate_keys(text, limit=MAX_KEYS)
    except RecursionError:
        values, keys = {}, {}
    except TooManyKeys as exc:
        lines = text.splitlines()
        return None, Diagnostic(
            "E108",
            "too-many-keys",
            "error",
            f"规则文件的键过多（上限 {MAX_KEYS} 个），请拆分为几个文件",
            f"too many keys in one rule file (limit {MAX_KEYS}); split it into several files",
            Location(display, exc.line, exc.column),
            source_line=lines[exc.line - 1] if exc.line <= len(lines) else "",
        )
    long_int = _long_integer(text, values)
    if long_int is not None:
        lines = text.splitlines()
        return None, Diagnostic(
            "E105",
            "number-too-long",
            "error",
            f"整数位数过多（超过 {MAX_DIGITS} 位）",
            f"integer has too many digits (more than {MAX_DIGITS})",
            Location(display, long_int[0], long_int[1]),
            source_line=lines[long_int[0] - 1] if long_int[0] <= len(lines) else "",
        )
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        lines = text.splitlines()
        src = lines[line - 1] if line and line <= len(lines) else ""
        said = _TOML_POS.sub("", msg).strip()
        zh, en = _TOML_WORDS.get(said, (said, said))
        here = src[col - 1 : col] if col else ""
        if said.startswith("Unclosed") and here not in ("", ",", "}", "]", " "):
            # tomllib stops at the first character it cannot use, e.g. the % of "3%"
            zh, en = f"此处的字符 '{here}' 无法识别", f"the character '{here}' is not understood here"
            if here == "%":
                zh += "（百分比写成小数：3% 写 0.03）"
                en += " (write a percentage as a fraction: 0.03 for 3%)"
        return None, Diagnostic(
            "E101",
            "toml-syntax",
            "error",
            f"TOML 语法错误: {zh}",
            f"TOML syntax error: {en}",
            Location(display, line, col),
            source_line=src,
        )
    except ValueError as exc:  # tomllib lets int() limits through
        return None, Diagnostic(
            "E101",
            "toml-syntax",
            "error",
            f"TOML 取值无法读取: {exc}",
            f"TOML value cannot be read: {exc}",
            Location(display),
        )
    except RecursionError:
        return None, Diagnostic(
            "E103",
            "too-deep",
            "error",
            "TOML 嵌套过深",
            "TOML nesting too deep",
            Location(display),
        )
    absurd = _absurd_decimal(data, values)
    if absurd is not None:
        (line, col), number = absurd
        lines = text.splitlines()
        got = shown(number)
        zh, en = f"nan 和 inf 不是数字，实际是 {got}", f"nan and inf are not figures; got {got}"
        if number.is_finite():
            zh = (
                f"小数超出允许范围（最多 {MAX_DIGITS} 位有效数字，数量级在 1e-{MAX_EXPONENT} 到 "
                f"1e{MAX_EXPONENT} 之间），实际是 {got}"
            )
            en = (
                f"decimal out of range (at most {MAX_DIGITS} significant digits, magnitude between "
                f"1e-{MAX_EXPONENT} and 1e{MAX_EXPONENT}); got {got}"
            )
        return None, Diagnostic(
            "E107",
            "number-out-of-range",
            "error",
            zh,
            en,
            Location(display, line or None, col or None),  # 0: a value the scanner did not place
            source_line=lines[line - 1] if 0 < line <= len(lines) else "",
        )
    return SourceFile(path, display, data, text.splitlines(), values, keys), None


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


# --- the structural scanner -------------------------------------------------------------

_PUNCT = set("[]{},=\n")


Token = tuple[str, str, int, int]


def _tokenize(text: str) -> list[Token]:
    """Tokens as (kind, text, line, col); kinds: punct, str, bare. Comments are dropped."""
    return list(_tokens(text))


def _tokens(text: str) -> Iterator[Token]:
    """``_tokenize`` one token at a time (a token list takes about 40 bytes per byte of text)."""
    i, line, col, n = 0, 1, 1, len(text)

    def advance(upto: int) -> None:
        nonlocal i, line, col
        chunk = text[i:upto]
        nl = chunk.count("\n")
        if nl:
            line += nl
            col = len(chunk) - chunk.rfind("\n")
        else:
            col += len(chunk)
        i = upto

    while i < n:
        c = text[i]
        if c in " \t\r":
            advance(i + 1)
        elif c == "#":
            j = text.find("\n", i)
            advance(n if j < 0 else j)
        elif c in _PUNCT:
            yield ("punct", c, line, col)
            advance(i + 1)
        elif c in "\"'":
            triple = text.startswith(c * 3, i)
            q = c * 3 if triple else c
            j = i + len(q)
            while j < n:
                if c == '"' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(q, j):
                    break
                if not triple and text[j] == "\n":
                    break
                j += 1
            end = min(n, j + len(q))
            while triple and end < n and text[end] == c:  # """ab"""" ends on the last quote
                end += 1
            yield ("str", text[i:end], line, col)
            advance(end)
        else:
            j = i
            while j < n and text[j] not in " \t\r#\"'" and text[j] not in _PUNCT:
                j += 1
            yield ("bare", text[i:j], line, col)
            advance(j)


def _key_text(tok: tuple[str, str, int, int]) -> list[str]:
    # interned: a package repeats "title_zh" and "expr" thousands of times in its key paths
    kind, txt = tok[0], tok[1]
    if kind == "str":
        return [sys.intern(txt.strip("\"'"))]
    return [sys.intern(p) for p in txt.split(".") if p]


class TooManyKeys(Exception):
    """``locate_keys`` met more keys than its limit; ``line`` and ``column`` are the first one past it."""

    def __init__(self, line: int, column: int) -> None:
        super().__init__(f"more keys than the limit at {line}:{column}")
        self.line, self.column = line, column


def locate_keys(
    text: str, limit: int | None = None
) -> tuple[dict[KeyPath, tuple[int, int]], dict[KeyPath, tuple[int, int]]]:
    """Map every key path of a TOML document to the (line, column) of its value and key.

    With ``limit``, raise ``TooManyKeys`` at the first key or table header past it, before the
    maps grow further."""
    toks = _Window(text)
    count = 0

    def counted(line: int, col: int) -> None:
        nonlocal count
        count += 1
        if limit is not None and count > limit:
            raise TooManyKeys(line, col)
    pos: dict[KeyPath, tuple[int, int]] = {}
    keypos: dict[KeyPath, tuple[int, int]] = {}
    aot_count: dict[KeyPath, int] = {}
    current: KeyPath = ()
    k = 0

    def resolve(raw: list[str]) -> KeyPath:
        path: KeyPath = ()
        for part in raw:
            path = (*path, part)
            if path in aot_count:
                path = (*path, aot_count[path] - 1)
        return path

    def value(at: int, path: KeyPath) -> int:
        """Record the value starting at token ``at``; return the index after it."""
        if at not in toks:
            return at
        kind, txt, line, col = toks[at]
        pos[path] = (line, col)
        if txt == "[" and kind == "punct":
            at += 1
            idx = 0
            while at in toks and toks[at][1] != "]":
                if toks[at][1] in ("\n", ","):
                    at += 1
                    continue
                at = value(at, (*path, idx))
                idx += 1
            return at + 1
        if txt == "{" and kind == "punct":
            at += 1
            while at in toks and toks[at][1] != "}":
                if toks[at][1] in ("\n", ","):
                    at += 1
                    continue
                at = keyval(at, path)
            return at + 1
        return at + 1

    def keyval(at: int, base: KeyPath) -> int:
        parts: list[str] = []
        start = toks[at][2:] if at in toks else (0, 0)
        while at in toks and toks[at][1] != "=" and toks[at][1] != "\n":
            parts.extend(_key_text(toks[at]))
            at += 1
        if at not in toks or toks[at][1] != "=":
            return at + 1
        path = (*base, *parts)  # one tuple for both maps
        counted(start[0], start[1])
        keypos[path] = (start[0], start[1])
        return value(at + 1, path)

    while k in toks:
        kind, txt, _line, _col = toks[k]
        if txt == "\n":
            k += 1
        elif kind == "punct" and txt == "[":
            counted(_line, _col)
            double = k + 1 in toks and toks[k + 1][1] == "["
            k += 2 if double else 1
            raw: list[str] = []
            while k in toks and toks[k][1] not in ("]", "\n"):
                raw.extend(_key_text(toks[k]))
                k += 1
            k += 2 if double else 1
            if double and raw:  # "[[]]" is a syntax error tomllib reports; locate what there is
                parent = resolve(raw[:-1])
                key = (*parent, raw[-1])
                aot_count[key] = aot_count.get(key, 0) + 1
                current = (*key, aot_count[key] - 1)
                pos.setdefault(key, (_line, _col))
            else:
                current = resolve(raw)
            pos.setdefault(current, (_line, _col))
        else:
            k = keyval(k, current)
    return pos, keypos


class _Window:
    """The tokens of a text by index, made as they are asked for and forgotten a few tokens
    later. ``locate_keys`` reads forward, at most one token ahead, so it needs no list of them
    all: that list took about 40 bytes per byte of text (150 MB for a 4 MiB file)."""

    KEPT = 4  # tokens remembered behind the newest one

    def __init__(self, text: str) -> None:
        self._source = _tokens(text)
        self._kept: dict[int, Token] = {}
        self._made = 0
        self._done = False

    def __contains__(self, index: int) -> bool:
        """Whether the text has a token ``index`` (making the tokens up to it)."""
        if index < self._made:
            return True
        while not self._done and self._made <= index:
            tok = next(self._source, None)
            if tok is None:
                self._done = True
                break
            self._kept[self._made] = tok
            self._kept.pop(self._made - self.KEPT, None)
            self._made += 1
        return index < self._made

    def __getitem__(self, index: int) -> Token:
        tok = self._kept.get(index)
        if tok is None:
            if index not in self:
                raise IndexError(index)
            tok = self._kept[index]
        return tok
