"""The TOML key scanner's tokenizer (``package/scanner.py``) against the character loop it
replaced, which stays here as the reference: same tokens, kinds, lines and columns on every
rule file of the repository and on generated text full of quotes, escapes and newlines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from zjtx_rules.package.scanner import Token, _tokenize, locate_keys

ROOT = Path(__file__).resolve().parent.parent
_PUNCT = set("[]{},=\n")


def reference(text: str) -> list[Token]:
    """The tokenizer as it was: one character at a time."""
    return list(_reference(text))


def _reference(text: str) -> Iterator[Token]:
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
            end = _string_end(text, i)
            yield ("str", text[i:end], line, col)
            advance(end)
        else:
            j = i
            while j < n and text[j] not in " \t\r#\"'" and text[j] not in _PUNCT:
                j += 1
            yield ("bare", text[i:j], line, col)
            advance(j)


def _string_end(text: str, i: int) -> int:
    c, n = text[i], len(text)
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
    while triple and end < n and text[end] == c:
        end += 1
    return end


def _rule_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.toml") if p.is_file() and ".venv" not in p.parts)


def test_every_rule_file_of_the_repository_tokenizes_as_before() -> None:
    files = _rule_files()
    assert len(files) > 50
    for path in files:
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError:  # a test's deliberately broken file
            continue
        assert _tokenize(text) == reference(text), path


_PIECES = [
    '"',
    "'",
    '"""',
    "'''",
    "\\",
    "\n",
    "\r",
    " ",
    "\t",
    "#",
    "[",
    "]",
    "{",
    "}",
    "=",
    ",",
    "a",
    "b.c",
    "中",
    "1",
]


@settings(max_examples=2000, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_generated_text_tokenizes_as_before(text: str) -> None:
    assert _tokenize(text) == reference(text)


def test_strings_end_where_toml_ends_them() -> None:
    assert _tokenize('a = "x\\"y" # c\nb = """p\n"q""""\n') == [
        ("bare", "a", 1, 1),
        ("punct", "=", 1, 3),
        ("str", '"x\\"y"', 1, 5),
        ("punct", "\n", 1, 15),
        ("bare", "b", 2, 1),
        ("punct", "=", 2, 3),
        ("str", '"""p\n"q""""', 2, 5),
        ("punct", "\n", 3, 7),
    ]
    # a string not closed on its line ends with it, its newline included
    assert _tokenize("a = 'x\nb = 1") == [
        ("bare", "a", 1, 1),
        ("punct", "=", 1, 3),
        ("str", "'x\n", 1, 5),
        ("bare", "b", 2, 1),
        ("punct", "=", 2, 3),
        ("bare", "1", 2, 5),
    ]
    assert locate_keys('[t]\nk = """\n"""\nm = 2\n')[0][("t", "m")] == (4, 5)
