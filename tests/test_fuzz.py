"""Fuzzing: malformed and extreme profiles through the library, ``zjtx batch`` and the HTTP
API. The only exceptions allowed are the library's own (``ZjtxError``); in a batch every
line is a result or an ``invalid_profile``/``evaluation_failed`` line (never
``internal_error``); over HTTP nothing is a 500.

The strategies are shared with ``scripts/fuzz.py``, which runs them for minutes instead of
the few hundred cases a test run affords.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zjtx_rules
from zjtx_rules.batch import run_batch
from zjtx_rules.errors import ProfileError, ZjtxError
from zjtx_rules.generate import generate
from zjtx_rules.report import render_text
from zjtx_rules.web import App, create_app

BUNDLED = Path(__file__).resolve().parent.parent / "rules" / "liangjiang_zjtx_2022"
RULES = zjtx_rules.load_rules(BUNDLED)
AS_OF = [date(2022, 1, 1), date(2025, 6, 30), date(2031, 12, 31)]

# --- strategies -----------------------------------------------------------------------------

NUMBER_TEXTS = [
    "NaN", "nan", "Infinity", "-Infinity", "sNaN", "1e999999", "1E-999999", "-0", "0.000000000001",
    "999999999999999.995", "1e15", "1e-12", "1_000", "  12  ", "١٢٣", "١٢٣.٤", "𝟙𝟚", "0x10", "+5",
    "12,345.67", "", "-", " ", ".5", "5.", "1e", "--1", "0" * 40, "9" * 41,
]  # fmt: skip
ODD_TEXTS = [
    "\x00", "\u202e\u2066rtl", "e\u0301\u0301\u0301", "𠀀𠀁", "\ufeff", "\u2028\u2029", "A" * 10_000,
    "<script>alert(1)</script>", "../../etc/passwd", "%s%n", "{id}", "null", "true", "企业\r\n注入",
]  # fmt: skip
DATE_TEXTS = ["2024-02-30", "2024-13-01", "0000-01-01", "9999-12-31", "2024-1-1", "20240101", "2024-02-29"]

texts = st.text(max_size=20) | st.sampled_from(ODD_TEXTS)
ints = (
    st.integers(-(10**40), 10**40)
    | st.integers(-5, 200)
    | st.sampled_from([10**15, 10**16, -(10**15), 10**29, -(10**33)])  # 10**5000: its own test
)
number_texts = (
    st.sampled_from(NUMBER_TEXTS)
    | st.decimals(allow_nan=True, allow_infinity=True).map(str)
    | st.from_regex(r"-?[0-9]{1,40}(\.[0-9]{1,40})?([eE][-+]?[0-9]{1,7})?", fullmatch=True)
)
floats = st.floats(allow_nan=True, allow_infinity=True)
scalars = st.none() | st.booleans() | ints | floats | texts | number_texts
junk = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


def _money() -> st.SearchStrategy[Any]:
    places = st.integers(0, 14)
    return (
        st.tuples(st.integers(-1, 10**16), places).map(lambda t: f"{t[0] / 10 ** t[1]:.{t[1]}f}")
        | st.decimals(min_value=-1, max_value=10**16, places=2).map(str)
        | st.sampled_from(["0.000000000001", "1e-12", "999999999999999", "999999999999999.99", "0.01"])
        | ints
        | number_texts
    )


def _field_value(kind: str, choices: list[str] | None) -> st.SearchStrategy[Any]:
    if kind in ("int",):
        return ints
    if kind in ("money", "ratio", "number"):
        return _money()
    if kind == "bool":
        return st.booleans()
    if kind == "date":
        return st.dates().map(date.isoformat) | st.sampled_from(DATE_TEXTS)
    if kind == "enum":
        return st.sampled_from(choices or ["x"]) | texts
    if kind == "year_money_map":
        keys = st.integers(1890, 2210).map(str) | st.sampled_from(["20x4", "２０２４", "", "2024.0"])
        return st.dictionaries(keys, _money(), max_size=8)
    return texts


def _items(fields: dict[str, Any]) -> st.SearchStrategy[Any]:
    item = st.fixed_dictionaries(
        {},
        optional={name: _field_value(f.type, f.choices) | st.none() | junk for name, f in fields.items()},
    )
    dup = st.sampled_from(["T1", "T1", "P-1", ""])  # duplicate ids are likely
    item_with_dup = st.tuples(item, dup).map(lambda t: {**t[0], "id": t[1], "number": t[1]})
    many = st.tuples(item, st.integers(200, 3000), st.booleans()).map(  # large lists, made cheaply
        lambda t: [{**t[0], "id": f"T{i}", "number": f"P{i}"} if t[2] else t[0] for i in range(t[1])]
    )
    return st.lists(item | item_with_dup | junk, max_size=6) | many


def _fact_value(spec: Any) -> st.SearchStrategy[Any]:
    if spec.type == "list":
        return _items(spec.fields or {})
    return _field_value(spec.type, getattr(spec, "choices", None))


def _nested(depth: int) -> Any:
    doc: Any = "x"
    for i in range(depth):
        doc = [doc] if i % 2 else {"k": doc}
    return doc


# Realistic profiles from the project's own generator, then a few facts replaced by extreme,
# wrong-typed or null values, or dropped: most cases get past validation into the rules and
# the formatting, where a crash would hide, and the rest probe validation.
BASE = list(generate(RULES, 400, 8, missing=0.3))
_REPLACEMENTS: list[tuple[str, st.SearchStrategy[Any]]] = [
    *((name, _fact_value(spec) | st.none() | junk) for name, spec in sorted(RULES.facts.items())),
    ("revenu_cny", junk),  # an unknown key, one letter off
    ("", junk),
    ("deep", st.integers(1, 40).map(_nested)),
]
replacements = st.sampled_from(_REPLACEMENTS).flatmap(lambda kv: st.tuples(st.just(kv[0]), kv[1]))


def _mutate(index: int, replace: list[tuple[str, Any]], drop: list[str]) -> dict[str, Any]:
    doc = dict(BASE[index])
    doc.update(replace)
    for name in drop:
        doc.pop(name, None)
    return doc


profiles: st.SearchStrategy[Any] = st.builds(
    _mutate,
    st.integers(0, len(BASE) - 1),
    st.lists(replacements, max_size=3),
    st.lists(st.sampled_from(sorted(RULES.facts)), max_size=3),
)
documents: st.SearchStrategy[Any] = profiles | profiles | profiles | junk


def encode(doc: Any, how: int) -> bytes | None:
    """A document as the bytes a client would send, several ways (None: not encodable)."""
    try:
        text = json.dumps(doc, ensure_ascii=bool(how & 1), allow_nan=True)
    except (ValueError, TypeError):
        return None
    if how & 2 and text.startswith("{") and len(text) > 2:
        text = '{"id": "dup", ' + text[1:]  # a duplicate key when the document has "id"
    if how & 4:
        text = text[: len(text) // 2]  # truncated
    return text.encode("utf-8", errors="surrogatepass")


raw_bodies = st.binary(max_size=64) | st.sampled_from(
    [b"[" * 5000, b"{" * 40 + b"}" * 40, b'{"id": "x", "employees": 1' + b"0" * 50 + b"}", b"\xef\xbb\xbf{}"]
)


# --- the three ways in ----------------------------------------------------------------------


class Unexpected(AssertionError):
    pass


def through_library(doc: Any, as_of: date) -> str:
    """``"ok"`` or ``"refused"``; raises ``Unexpected`` for any other exception."""
    try:
        evaluation = RULES.evaluate(doc, as_of)
        evaluation.to_json().encode("utf-8")
        render_text(evaluation, RULES, "en")
        return "ok"
    except ZjtxError:
        return "refused"
    except Exception as exc:
        raise Unexpected(f"{type(exc).__name__}: {exc!s:.200} for {doc!r:.300}") from exc


def through_http(app: App, body: bytes, path: str = "/v1/evaluate") -> int:
    """The status the WSGI app answers to ``body`` POSTed as JSON."""
    statuses: list[str] = []
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "as_of=2025-06-30",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    b"".join(app(environ, lambda status, headers: statuses.append(status)))
    return int(statuses[0].split()[0])


def through_batch(lines: list[bytes], folder: Path, workers: int = 1) -> list[dict[str, Any]]:
    src, out = folder / "fuzz.jsonl", folder / "fuzz.out.jsonl"
    src.write_bytes(b"".join(line.replace(b"\n", b" ") + b"\n" for line in lines))
    run_batch(str(src), str(out), rules_dir=str(BUNDLED), as_of=AS_OF[1], workers=workers)
    rows = [json.loads(x) for x in out.read_bytes().splitlines()]
    assert [r["line"] for r in rows] == list(range(1, len(lines) + 1))
    return rows


def batch_problems(lines: list[bytes], rows: list[dict[str, Any]]) -> list[str]:
    return [
        f"line {r['line']}: {lines[r['line'] - 1][:200]!r}"
        for r in rows
        if r.get("error") == "internal_error"
    ]


# --- the tests ------------------------------------------------------------------------------

FUZZ = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def app() -> App:
    return create_app(RULES)


@FUZZ
@given(doc=documents, as_of=st.sampled_from(AS_OF))
def test_library_raises_only_its_own_errors_on_python_documents(doc: Any, as_of: date) -> None:
    through_library(doc, as_of)


@FUZZ
@given(doc=documents, how=st.integers(0, 7), as_of=st.sampled_from(AS_OF))
def test_library_raises_only_its_own_errors_on_json_bytes(doc: Any, how: int, as_of: date) -> None:
    body = encode(doc, how)
    if body is not None:
        through_library(body, as_of)


@FUZZ
@given(body=raw_bodies)
def test_library_raises_only_its_own_errors_on_raw_bytes(body: bytes) -> None:
    through_library(body, AS_OF[1])


@settings(FUZZ, max_examples=150)
@given(doc=documents, how=st.integers(0, 7), batch=st.booleans())
def test_http_api_never_answers_500(app: App, doc: Any, how: int, batch: bool) -> None:
    body = encode([doc, doc] if batch else doc, how)
    if body is None:
        return
    status = through_http(app, body, "/v1/evaluate/batch" if batch else "/v1/evaluate")
    assert status != 500, body[:300]


@settings(FUZZ, max_examples=15)
@given(docs=st.lists(st.tuples(documents, st.integers(0, 7)), min_size=1, max_size=30))
def test_batch_answers_every_line_without_internal_errors(
    tmp_path_factory: pytest.TempPathFactory, docs: list[tuple[Any, int]]
) -> None:
    lines = [b for b in (encode(d, how) for d, how in docs) if b is not None] or [b"{}"]
    rows = through_batch(lines, tmp_path_factory.mktemp("fuzz"))
    assert batch_problems(lines, rows) == []


KNOWN_NUMBER_CASES: list[Callable[[], Any]] = [
    lambda: b'{"id": "x", "employees": 123456789012345678901234567890}',
    lambda: {"id": "x", "years_in_niche": -(10**33)},
    lambda: {"id": "x", "employees": 10**5000},
]


@pytest.mark.parametrize("make", KNOWN_NUMBER_CASES, ids=["30-digit-json", "34-digit-dict", "5000-digit-int"])
def test_huge_int_facts_are_profile_errors(make: Callable[[], Any]) -> None:
    """Issue 8 items 1 and 7: these raised InvalidOperation / ValueError before size checks."""
    with pytest.raises(ProfileError):
        RULES.evaluate(make(), AS_OF[1])


def test_the_fuzzers_own_oracle_catches_an_unexpected_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("boom")

    monkeypatch.setattr(RULES, "evaluate", broken)
    with pytest.raises(Unexpected):
        through_library({"id": "x"}, AS_OF[1])


def test_strategies_reach_every_fact_and_the_extremes() -> None:
    seen: set[str] = set()

    @settings(FUZZ, max_examples=200)
    @given(doc=profiles)
    def collect(doc: dict[str, Any]) -> None:
        seen.update(doc)

    collect()
    assert len(seen & set(RULES.facts)) > len(RULES.facts) // 2
