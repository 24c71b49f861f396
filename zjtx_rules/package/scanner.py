"""A structural scanner of TOML text: where each key path's value (and key) starts.

``tomllib`` gives values but no positions, and rule authors need positions: every error in a
rule file must point at the line they have to edit. ``locate_keys`` records, for each key
path (``("measures", "talent_reward", "conditions", 0, "expr")``), the line and column where
its value starts. It never evaluates anything; values come from ``tomllib`` alone.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

KeyPath = tuple[str | int, ...]
Token = tuple[str, str, int, int]
Positions = dict[KeyPath, tuple[int, int]]


def _tokenize(text: str) -> list[Token]:
    """Tokens as (kind, text, line, col); kinds: punct, str, bare. Comments are dropped."""
    return list(_tokens(text))


# Blanks and comments, then one alternative per token, tried in this order; every other
# character starts one of them, so the matches cover the text. Strings end as TOML's do, and one that is not
# closed ends with its line (a basic or literal string, its newline included) or with the
# text (a triple-quoted one); a backslash in a basic string takes the next character,
# whatever it is. Closing quotes run on: \"\"\"ab\"\"\"\" ends on the last one.
_TOKEN = re.compile(
    r"""
    (?>(?:[ \t\r]|\#[^\n]*)*)  # blanks and comments before the token, never given back
    (?:
        (?P<punct>[\[\]{},=\n])
      | (?P<str>
            "{3}(?:\\[\s\S]?|(?!"{3})[^\\])*(?:"{3}"*|\Z)
          | '{3}(?:(?!'{3})[\s\S])*(?:'{3}'*|\Z)
          | "(?:\\[\s\S]?|[^"\\\n])*["\n]?
          | '[^'\n]*['\n]?
        )
      | (?P<bare>[^ \t\r\#"'\[\]{},=\n]+)
    )?  # none only at the end of the text
    """,
    re.VERBOSE,
)


def _tokens(text: str) -> Iterator[Token]:
    """``_tokenize`` one token at a time (a token list takes about 40 bytes per byte of text).

    One regular expression, not a loop over characters: scanning the rule files was 40% of
    loading a package (issue 21)."""
    line, line_start = 1, 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind is None:  # blanks or a comment ending the text
            continue
        start = m.start(kind)
        tok = m.group(kind)
        yield (kind, tok, line, start - line_start + 1)
        if kind == "bare" or (kind == "punct" and tok != "\n"):
            continue
        newlines = tok.count("\n")
        if newlines:
            line += newlines
            line_start = start + tok.rfind("\n") + 1


def _key_text(tok: Token) -> list[str]:
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


def locate_keys(text: str, limit: int | None = None) -> tuple[Positions, Positions]:
    """Map every key path of a TOML document to the (line, column) of its value and key.

    With ``limit``, raise ``TooManyKeys`` at the first key or table header past it, before the
    maps grow further."""
    return _Locator(text, limit).run()


class _Locator:
    """One pass of ``locate_keys`` over the tokens: headers set the current table, each
    ``key = value`` records where its key and value are."""

    def __init__(self, text: str, limit: int | None) -> None:
        self.toks = _Window(text)
        self.limit = limit
        self.count = 0
        self.pos: Positions = {}
        self.keypos: Positions = {}
        self.aot_count: dict[KeyPath, int] = {}  # entries of each array of tables so far

    def run(self) -> tuple[Positions, Positions]:
        toks, k = self.toks, 0
        current: KeyPath = ()
        while k in toks:
            kind, txt, _line, _col = toks[k]
            if txt == "\n":
                k += 1
            elif kind == "punct" and txt == "[":
                k, current = self.header(k)
            else:
                k = self.keyval(k, current)
        return self.pos, self.keypos

    def counted(self, line: int, col: int) -> None:
        self.count += 1
        if self.limit is not None and self.count > self.limit:
            raise TooManyKeys(line, col)

    def resolve(self, raw: list[str]) -> KeyPath:
        path: KeyPath = ()
        for part in raw:
            path = (*path, part)
            if path in self.aot_count:
                path = (*path, self.aot_count[path] - 1)
        return path

    def header(self, k: int) -> tuple[int, KeyPath]:
        """A ``[table]`` or ``[[array.of.tables]]`` header at token ``k``: the index after it
        and the key path it opens."""
        toks = self.toks
        _kind, _txt, line, col = toks[k]
        self.counted(line, col)
        double = k + 1 in toks and toks[k + 1][1] == "["
        k += 2 if double else 1
        raw: list[str] = []
        while k in toks and toks[k][1] not in ("]", "\n"):
            raw.extend(_key_text(toks[k]))
            k += 1
        k += 2 if double else 1
        current: KeyPath
        if double and raw:  # "[[]]" is a syntax error tomllib reports; locate what there is
            key = (*self.resolve(raw[:-1]), raw[-1])
            self.aot_count[key] = self.aot_count.get(key, 0) + 1
            current = (*key, self.aot_count[key] - 1)
            self.pos.setdefault(key, (line, col))
        else:
            current = self.resolve(raw)
        self.pos.setdefault(current, (line, col))
        return k, current

    def value(self, at: int, path: KeyPath) -> int:
        """Record the value starting at token ``at``; return the index after it."""
        toks = self.toks
        if at not in toks:
            return at
        kind, txt, line, col = toks[at]
        self.pos[path] = (line, col)
        if kind != "punct" or txt not in ("[", "{"):
            return at + 1
        close, at, idx = "]" if txt == "[" else "}", at + 1, 0
        while at in toks and toks[at][1] != close:
            if toks[at][1] in ("\n", ","):
                at += 1
            elif close == "]":
                at = self.value(at, (*path, idx))
                idx += 1
            else:
                at = self.keyval(at, path)
        return at + 1

    def keyval(self, at: int, base: KeyPath) -> int:
        toks = self.toks
        parts: list[str] = []
        start = toks[at][2:] if at in toks else (0, 0)
        while at in toks and toks[at][1] != "=" and toks[at][1] != "\n":
            parts.extend(_key_text(toks[at]))
            at += 1
        if at not in toks or toks[at][1] != "=":
            return at + 1
        path = (*base, *parts)  # one tuple for both maps
        self.counted(start[0], start[1])
        self.keypos[path] = (start[0], start[1])
        return self.value(at + 1, path)


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
