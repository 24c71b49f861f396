"""The ``[policy]`` document: its period, its source text and the quotes checked against it,
and its targets.

Entry points: ``check_policy``, then ``targets`` once names are known."""

from __future__ import annotations

import re
from typing import Any

from zjtx_rules import diagnostics as D
from zjtx_rules.expr.check import did_you_mean
from zjtx_rules.expr.compile import Compiled, compile_expr
from zjtx_rules.expr.types import BOOL
from zjtx_rules.load.build import Build
from zjtx_rules.load.files import Site
from zjtx_rules.package.source import MAX_PACKAGE_BYTES, is_regular_file


def check_policy(b: Build, policy: Any, site: Site, targets: dict[str, tuple[Any, Site]]) -> None:
    """The policy period in order (E407); clauses and quotes against the plan's text; each
    target's count written in its quote (E144)."""
    if policy.valid_to < policy.valid_from:
        reversed_ = D.BAD_PERIOD(form="policy", end=policy.valid_to, start=policy.valid_from)
        b.ld.report(reversed_, site, sub=("valid_to",))
    text = _source_text(b, policy, site)
    _clauses_and_quotes(b, text)
    for spec, tsite in targets.values():
        _target_quote(b, spec, tsite, text)


def _source_text(b: Build, policy: Any, site: Site) -> str | None:
    """The plan's text named by ``source_text``, whitespace removed (None: not declared)."""
    if not policy.source_text:
        return None
    root = b.ld.root.resolve()
    path = (root / policy.source_text).resolve()
    problem = None  # the wording of E143: "" is "outside the package"
    if not path.is_relative_to(root):
        problem = ""
    elif not is_regular_file(path):
        problem = "missing"
    elif path.stat().st_size > MAX_PACKAGE_BYTES:
        problem = "too-large"
    if problem is None:
        try:
            return _squeeze(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            problem = "unreadable"
    b.ld.report(D.BAD_SOURCE_TEXT(form=problem, path=policy.source_text), site, sub=("source_text",))
    return None


def _clauses_and_quotes(b: Build, text: str | None) -> None:
    """Each clause encoded once (E409); each quote found in the plan's text (E142)."""
    seen: dict[str, str] = {}
    for name, (spec, site) in b.measures.items():
        if spec.clause in seen:
            twice = D.DUPLICATE_CLAUSE(clause=spec.clause, measure=seen[spec.clause])
            b.ld.report(twice, site, sub=("clause",))
        seen.setdefault(spec.clause, name)
        if text is None:
            continue
        missing = _quote_missing(spec.quote, text)
        if missing is not None:
            _quote_error(b, site, missing)


MIN_QUOTE_CHARS = 4  # "…" or "的" occurs in any plan and shows a reviewer nothing


def _quote_missing(quote: str, text: str) -> str | None:
    """The part of ``quote`` (from just before it departs from ``text``) that the plan's text
    does not contain, or None when every piece between ``…`` cuts occurs in it. A quote of
    fewer than ``MIN_QUOTE_CHARS`` characters of the plan is missing as a whole ("")."""
    pieces = [p for p in re.split(r"…+|\.\.\.", _squeeze(quote)) if p]
    if sum(map(len, pieces)) < MIN_QUOTE_CHARS:
        return ""
    missing = next((p for p in pieces if p not in text), None)
    if missing is None:
        return None
    ok = 0
    while ok < len(missing) and missing[: ok + 1] in text:
        ok += 1
    return missing[max(0, ok - 4) :]


def _target_quote(b: Build, spec: Any, site: Site, text: str | None) -> None:
    """A target's count is the plan's figure: it must be written in the target's quote, and
    the quote in the plan (so a count one off, or a quote edited to match it, is refused)."""
    if text is not None and (missing := _quote_missing(spec.quote, text)) is not None:
        _quote_error(b, site, missing)
    # the figures of the quote, but not its years ("到2025年" must not vouch for count = 2025)
    figures = {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?![\d,]*年)", spec.quote)}
    if spec.count not in figures:
        b.ld.report(D.COUNT_NOT_IN_QUOTE(count=spec.count), site, sub=("count",))


def _quote_error(b: Build, site: Site, missing: str) -> None:
    if not missing:
        message = D.QUOTE_NOT_IN_SOURCE(form="short", limit=MIN_QUOTE_CHARS)
    else:
        message = D.QUOTE_NOT_IN_SOURCE(missing=missing[:20])
    b.ld.report(message, site, sub=("quote",))


def _squeeze(text: str) -> str:
    """Text without whitespace: line breaks in a quote or the plan are not part of the words."""
    return re.sub(r"\s+", "", text)


def targets(b: Build, targets: dict[str, tuple[Any, Site]]) -> dict[str, Compiled]:
    """Compile the expression that says which enterprises count toward each target."""
    fns = {}
    for tid, (spec, site) in targets.items():
        if spec.expr:
            node = b.expr(spec.expr, site, ("expr",), BOOL)
            if node is not None:
                fns[tid] = compile_expr(node)
    return fns


def check_headline(b: Build, policy: Any, site: Site) -> None:
    """Each ``headline`` item is "cash" or an output of a measure (E214): reports read it."""
    known = ["cash", *(f"{m}.{o}" for m, (spec, _) in b.measures.items() for o in spec.outputs)]
    for i, key in enumerate(policy.headline):
        if key not in known:
            hint = did_you_mean(key, known)
            b.ld.report(D.UNKNOWN_HEADLINE(name=key), site, sub=("headline", i), hint=hint)
