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
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zjtx_rules
from zjtx_rules.batch.stream import run_batch
from zjtx_rules.display import JSON, bounded
from zjtx_rules.errors import ProfileError, ZjtxError
from zjtx_rules.quality.generate import generate
from zjtx_rules.render.text_report import render_text
from zjtx_rules.web.application import App, create_app

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
        raise Unexpected(f"{type(exc).__name__}: {exc!s:.200} for {bounded(doc, JSON, limit=300)}") from exc


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


# --- hostile values in every fact, and hostile literals in rule files ----------------------
#
# Each hostile value is held twice: as Python builds it (for ``evaluate(dict)``) and as JSON
# text writes it (for ``evaluate(text)``, ``zjtx evaluate -`` and ``zjtx batch``), so that a
# 9,000-digit integer or 3,000 levels of nesting arrive both ways. ``Hostile.__repr__`` never
# shows the value: hypothesis prints a failing example, and printing is what used to fail.

HOSTILE_EXAMPLES = int(os.environ.get("ZJTX_FUZZ_EXAMPLES", "0"))  # a longer run: see docs/safety.md
HOSTILE_COUNTS: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _print_hostile_counts() -> Iterator[None]:
    """In a longer run (``ZJTX_FUZZ_EXAMPLES``, with ``-s``), the counts of what went through."""
    yield
    if HOSTILE_EXAMPLES:
        print(f"\nhostile fuzz counts: {json.dumps(dict(sorted(HOSTILE_COUNTS.items())))}")


@dataclass(frozen=True)
class Hostile:
    """A hostile value and its JSON text (None: JSON cannot write it, e.g. a cycle)."""

    kind: str
    value: Any = field(compare=False)
    text: str | None = field(compare=False)

    def __repr__(self) -> str:
        return f"Hostile({self.kind!r}, json={bounded(self.text, JSON, limit=80)})"


def _nest(depth: int, shape: str) -> Hostile:
    value: Any = "x"
    opening: list[str] = []
    closing: list[str] = []
    for i in range(depth):
        if shape == "list" or (shape == "mix" and i % 2):
            value = [value]
            opening.append("[")
            closing.append("]")
        else:
            value = {"k": value}
            opening.append('{"k": ')
            closing.append("}")
    return Hostile(f"nested-{shape}", value, "".join(reversed(opening)) + '"x"' + "".join(closing))


def _huge_int(digits: int, negative: bool) -> Hostile:
    sign = "-" if negative else ""
    return Hostile("huge-int", -(10**digits - 1) if negative else 10**digits - 1, sign + "9" * digits)


def _in_containers(h: Hostile) -> Hostile:
    text = None if h.text is None else f'[{h.text}, {{"k": {h.text}}}]'
    return Hostile(f"in-containers:{h.kind}", [h.value, {"k": h.value}], text)


def _cycle(_: object) -> Hostile:
    loop: list[Any] = []
    loop.append(loop)
    return Hostile("cycle", loop, None)


NON_FINITE = [
    (float("nan"), "NaN"), (float("inf"), "Infinity"), (float("-inf"), "-Infinity"),
    (Decimal("NaN"), "NaN"), (Decimal("sNaN"), "NaN"), (Decimal("-Infinity"), "-Infinity"),
]  # fmt: skip
WRONG_TYPES: list[Any] = [
    True, False, None, [], {}, "", 0, -1, 1.5, "true", "1e5", "NaN", "2024-02-30", " 12 ", "１２",
    [1, "a", None], {"a": {"b": []}}, {"2024": "1", "20x4": 2}, [{"id": None}], "\x00",
]  # fmt: skip

scale = (
    st.builds(_nest, st.integers(30, 3_000), st.sampled_from(["list", "dict", "mix"]))
    | st.builds(_huge_int, st.integers(4_300, 9_000), st.booleans())
    | st.builds(
        lambda m, e: Hostile("exponent", Decimal(f"{m}e{e}"), f"{m}e{e}"),
        st.integers(1, 10**6),
        st.integers(-999_999_999, 999_999_999),
    )
    | st.builds(
        lambda n, c: Hostile("long-text", c * n, json.dumps(c * n, ensure_ascii=False)),
        st.integers(1_000, 300_000) | st.just(800_000),  # 800,000 長: over the 2 MiB profile limit
        st.sampled_from(["x", "長", "\u202e", "𠀀", "\\", '"', "\n"]),
    )
)
hostile = (
    scale
    | scale.map(_in_containers)
    | st.sampled_from(NON_FINITE).map(lambda vt: Hostile("non-finite", vt[0], vt[1]))
    | st.sampled_from(WRONG_TYPES).map(lambda v: Hostile("wrong-type", v, json.dumps(v)))
    | st.integers(-(10**40), 10**40).map(lambda v: Hostile("int", v, str(v)))
    | st.text(max_size=40).map(lambda t: Hostile("unicode", t, json.dumps(t)))
    | st.just(None).map(_cycle)
    | st.just(None).map(lambda _: Hostile("huge-int-key", {10**5000: 1, "2024": 1}, None))
)


def _fact_paths() -> list[tuple[str, ...]]:
    """Every place a value goes: each fact, each field of each list's records, and the value of
    each year-to-amount map (a fact's or a record field's)."""
    out: list[tuple[str, ...]] = []
    for name, spec in sorted(RULES.facts.items()):
        out.append((name,))
        if spec.type == "year_money_map":
            out.append((name, "2024"))
        for fname, fspec in sorted((spec.fields or {}).items()):
            out.append((name, fname))
            if fspec.type == "year_money_map":
                out.append((name, fname, "2024"))
    return out


FACT_PATHS = _fact_paths()
_HOLE = "\x00hostile\x00"


def place(base: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """``base`` with ``value`` at ``path`` (a record path replaces the list by one record)."""
    doc = dict(base)
    spec = RULES.facts[path[0]]
    if len(path) == 1:
        doc[path[0]] = value
    elif spec.type == "year_money_map":
        doc[path[0]] = {path[1]: value}
    else:
        items = doc.get(path[0])
        record = dict(items[0]) if isinstance(items, list) and items and isinstance(items[0], dict) else {}
        record[path[1]] = {path[2]: value} if len(path) == 3 else value
        doc[path[0]] = [record]
    return doc


def place_text(base: dict[str, Any], path: tuple[str, ...], text: str) -> str:
    """The JSON text of ``place(base, path, …)`` with ``text`` written where the value goes."""
    return json.dumps(place(base, path, _HOLE), ensure_ascii=False).replace(json.dumps(_HOLE), text)


def _refused_boundedly(call: Callable[[], Any], what: Hostile) -> str:
    """``"ok"`` or ``"refused"``; a refusal's messages stay short whatever the value held."""
    try:
        evaluation = call()
        evaluation.to_json()
        render_text(evaluation, RULES, "zh")
        return "ok"
    except ProfileError as exc:
        for issue in exc.errors:
            assert len(issue.path) + len(issue.message_zh) + len(issue.message_en) < 2_000, what
        return "refused"
    except ZjtxError:
        return "refused"
    except Exception as exc:
        raise Unexpected(f"{type(exc).__name__}: {exc!s:.200} for {what!r}") from exc


def _hostile_settings(default: int, share: int = 1) -> settings:
    """``default`` examples, or a ``share`` of ``ZJTX_FUZZ_EXAMPLES`` when that is set."""
    n = max(default, -(-HOSTILE_EXAMPLES // share)) if HOSTILE_EXAMPLES else default
    return settings(FUZZ, max_examples=n, derandomize=True)


@pytest.mark.parametrize("path", FACT_PATHS, ids=".".join)
@_hostile_settings(6, len(FACT_PATHS))
@given(h=hostile, index=st.integers(0, len(BASE) - 1), as_of=st.sampled_from(AS_OF))
def test_a_hostile_value_in_any_fact_gets_only_the_librarys_own_error(
    path: tuple[str, ...], h: Hostile, index: int, as_of: date
) -> None:
    """Regression: 2.0% of fuzzed profiles raised RecursionError (a list 2,000 deep) or
    ValueError (an integer of over 4,300 digits) from the message that showed the value."""
    HOSTILE_COUNTS["profiles"] += 1
    outcome = _refused_boundedly(lambda: RULES.evaluate(place(BASE[index], path, h.value), as_of), h)
    HOSTILE_COUNTS[f"library_dict_{outcome}"] += 1
    if h.text is not None:
        body = place_text(BASE[index], path, h.text).encode("utf-8", errors="surrogatepass")
        HOSTILE_COUNTS[f"library_json_{_refused_boundedly(lambda: RULES.evaluate(body, as_of), h)}"] += 1


def cli_evaluate(body: bytes, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """``zjtx evaluate -`` in this process, the package loaded once (``load_rules`` patched):
    the exit code, stdout and stderr."""
    import sys

    import zjtx_rules.cli.evaluate as evaluate_command
    from zjtx_rules.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with monkeypatch.context() as m:
        m.setattr(evaluate_command, "load_rules", lambda _path=None: RULES)
        m.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(body)))
        m.setattr(sys, "stdout", out)
        m.setattr(sys, "stderr", err)
        code = main(["evaluate", "-", "--rules", str(BUNDLED), *argv])
    return code, out.getvalue(), err.getvalue()


@_hostile_settings(25)
@given(
    path=st.sampled_from(FACT_PATHS),
    h=hostile.filter(lambda h: h.text is not None),
    index=st.integers(0, len(BASE) - 1),
    argv=st.sampled_from([["--format", "json"], ["--lang", "en"], ["--format", "text"]]),
)
def test_zjtx_evaluate_answers_a_hostile_profile_with_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, path: tuple[str, ...], h: Hostile, index: int, argv: list[str]
) -> None:
    body = place_text(BASE[index], path, h.text or "").encode("utf-8", errors="surrogatepass")
    try:
        code, out, err = cli_evaluate(body, ["--as-of", "2025-06-30", *argv], monkeypatch)
    except Exception as exc:  # main lets only what is not a ZjtxError through
        raise Unexpected(f"{type(exc).__name__}: {exc!s:.200} for {h!r}") from exc
    HOSTILE_COUNTS[f"cli_exit_{code}"] += 1
    assert (code, bool(out)) in ((0, True), (2, False)), (code, err[:300])
    said = ("\n" + err).partition("\nzjtx: ")[2]  # the message (after the package's line, if any)
    assert code == 0 or (said and len(said) < 20_000), err[:300]
    assert "Traceback" not in err


@_hostile_settings(8, 100)  # a longer run: about 100 lines a batch
@given(
    lines=st.lists(
        st.tuples(st.sampled_from(FACT_PATHS), hostile, st.integers(0, len(BASE) - 1), st.booleans()),
        min_size=60 if HOSTILE_EXAMPLES else 3,
        max_size=140 if HOSTILE_EXAMPLES else 40,
    )
)
def test_zjtx_batch_answers_every_line_of_a_hostile_file_in_order(
    tmp_path_factory: pytest.TempPathFactory, lines: list[tuple[tuple[str, ...], Hostile, int, bool]]
) -> None:
    """Good and hostile lines mixed: one answer per line, in order; a good line a result, a
    hostile one an error line of its own (never ``internal_error``), through ``zjtx batch``."""
    from zjtx_rules.cli.main import main

    body, good = [], []
    for path, h, index, fine in lines:
        if fine or h.text is None:
            body.append(json.dumps(BASE[index], ensure_ascii=False))
        else:
            body.append(place_text(BASE[index], path, h.text).replace("\n", " "))
        good.append(fine or h.text is None)
    folder = tmp_path_factory.mktemp("hostile")
    src, out = folder / "in.jsonl", folder / "out.jsonl"
    src.write_bytes("".join(line + "\n" for line in body).encode("utf-8", errors="surrogatepass"))
    code = main(["batch", str(src), "--out", str(out), "--rules", str(BUNDLED), "--as-of", "2025-06-30"])
    rows = [json.loads(x) for x in out.read_bytes().splitlines()]
    HOSTILE_COUNTS["batch_lines"] += len(body)
    HOSTILE_COUNTS["batch_error_lines"] += sum("error" in r for r in rows)
    assert [r["line"] for r in rows] == list(range(1, len(body) + 1))
    assert [r.get("error") for r in rows if r.get("error") not in (None, "invalid_profile")] == []
    assert all("error" not in r for r, fine in zip(rows, good, strict=True) if fine)
    assert code == (1 if any("error" in r for r in rows) else 0)


# Hostile literals in a rule or case file: wherever they are written, the loader answers with
# its own located errors (or loads), never a traceback.
TOML_LITERALS = [
    "nan", "+nan", "-inf", "inf", "1" + "0" * 5_000, "0." + "1" * 100, "1e-31", "9.99e30", "-0.0",
    "0e-999999", '"' + "x" * 100_000 + '"', "[" * 2_000 + "]" * 2_000, "{ a = " * 300 + "1" + " }" * 300,
    "1979-05-27T07:32:00Z", "07:32:00", "true", '"\\ud800"', "0x7fffffffffffffffffff", "[1, [2, [3]]]",
    "{}", '"""a\nb"""', "[[]]", "'''", "1_2_", "１",
]  # fmt: skip
toml_literals = (
    st.sampled_from(TOML_LITERALS)
    | st.builds(lambda m, e: f"{m}e{e}", st.integers(-(10**6), 10**6), st.integers(-999_999_999, 999_999_999))
    | st.decimals(allow_nan=False, allow_infinity=False).map(str)
)
expr_literals = st.from_regex(r"[0-9][0-9_.eE+-]{0,60}", fullmatch=True) | st.sampled_from(
    ["1e999999", "9" * 31, "0." + "0" * 40 + "1", "1__0", "1.2.3"]
)
LITERAL_SITES = [
    # (file, text to replace, its replacement with {} for the literal)
    ("parameters.toml", "value = 0.10,", "value = {},"),
    ("parameters.toml", "value = 300 }", "value = {} }"),
    ("facts.toml", "below = 1_000_000_000", "below = {}"),
    ("facts.toml", "min = 0\n", "min = {}\n"),
    ("cases/basic.toml", 'amount = "500.00"', "amount = {}"),
]


@_hostile_settings(40, 1_000)
@given(site=st.sampled_from(LITERAL_SITES), literal=toml_literals, expr=expr_literals, in_expr=st.booleans())
def test_a_hostile_literal_in_a_rule_file_is_a_load_error_not_a_traceback(
    tmp_path_factory: pytest.TempPathFactory,
    site: tuple[str, str, str],
    literal: str,
    expr: str,
    in_expr: bool,
) -> None:
    import shutil

    from tests.conftest import MINI
    from zjtx_rules.cli.main import main

    pkg = tmp_path_factory.mktemp("literal") / "pkg"
    shutil.copytree(MINI, pkg)
    file, old, new = ("derived.toml", "revenue >= threshold", "revenue >= {}") if in_expr else site
    target = pkg / file
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new.replace("{}", expr if in_expr else literal), 1), encoding="utf-8")
    try:
        zjtx_rules.load_rules(pkg)
        HOSTILE_COUNTS["literal_loaded"] += 1
    except zjtx_rules.RuleError as exc:
        HOSTILE_COUNTS["literal_refused"] += 1
        assert all(d.location.file and d.message_zh and d.message_en for d in exc.diagnostics)
    except Exception as exc:
        raise Unexpected(f"{type(exc).__name__}: {exc!s:.200} loading {file} with {literal[:80]!r}") from exc
    command = "test" if file.startswith("cases") else "check"
    try:
        assert main([command, str(pkg)]) in (0, 1, 2)
    except Exception as exc:
        raise Unexpected(f"zjtx {command}: {type(exc).__name__}: {exc!s:.200} with {literal[:80]!r}") from exc


def test_the_hostile_strategies_reach_every_kind() -> None:
    kinds: set[str] = set()

    @settings(FUZZ, max_examples=300, derandomize=True)
    @given(h=hostile)
    def collect(h: Hostile) -> None:
        kinds.add(h.kind.split(":")[0])

    collect()
    assert {"nested-list", "nested-dict", "huge-int", "exponent", "long-text", "in-containers"} <= kinds
    assert {"non-finite", "wrong-type", "unicode", "cycle", "huge-int-key"} <= kinds
