"""Rule-package test cases: data files that policy staff write and ``zjtx test`` runs.

A case file is ``<package>/cases/*.toml`` (``zjtx test`` also takes one case file or a
folder of them, and ``-k`` picks cases by name) with ``[[cases]]`` tables: a name, an ``as_of``
date, a profile (inline, or ``profile_file`` relative to the case file, optionally with
``patch`` / ``remove`` of top-level facts) and what to expect: statuses, amounts, missing
facts and words in the reasons per measure, statuses, gaps and words in the criterion texts per
tier, the policy targets counted, warnings, or the JSON paths of profile errors. The words are
there so a case can pin what only people read (an expiry note, how a gap is written). A
``[[summaries]]`` table checks the batch summary of a few profiles instead (``casesummary``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import Words
from zjtx_rules.display import schema_message
from zjtx_rules.errors import Diagnostic, Location, ProfileError, RuleError, UsageError, ZjtxError
from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.package.discovery import is_package
from zjtx_rules.package.source import SourceFile, read_profile_file, read_toml
from zjtx_rules.package.spec import CaseExpectSpec, CaseFileSpec, CaseSpec, SummaryCaseSpec, TierExpectSpec
from zjtx_rules.profile.model import parse_json
from zjtx_rules.quality.summary_cases import compare, expected_json, summary_of


@dataclass
class Case:
    """A ``[[cases]]`` entry (one profile), or a ``[[summaries]]`` entry (a small batch)."""

    spec: CaseSpec | SummaryCaseSpec
    source: SourceFile
    index: int

    @property
    def location(self) -> Location:
        key = "summaries" if isinstance(self.spec, SummaryCaseSpec) else "cases"
        return self.source.location((key, self.index))


@dataclass
class CaseResult:
    name: str
    location: Location
    diffs: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.diffs


def load_cases(rules: RuleSet, case_dir: Path | None = None, *, select: str | None = None) -> list[Case]:
    """Read the cases of a package (``case_dir``: a case file or a folder of them instead of
    ``<package>/cases``), keeping those whose name contains ``select`` (any case); raise
    ``RuleError`` with locations on bad files."""
    where = case_dir or rules.root / "cases"
    if case_dir is not None and not where.exists():
        raise UsageError(f"找不到测试用例: {where}", f"no such case file or folder: {where}")
    paths = [where] if where.is_file() else sorted(where.glob("*.toml"))
    diags: list[Diagnostic] = []
    cases: list[Case] = []
    for path in paths:
        src, diag = read_toml(path, _display(path))
        if diag:
            diags.append(diag)
            continue
        assert src is not None
        try:
            doc = CaseFileSpec.model_validate(src.data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = src.location(tuple(err["loc"]))
                problem = Words(*schema_message(dict(err)))
                diags.append(D.BAD_CASE(problem=problem).at(loc, source_line=src.line_text(loc.line)))
            continue
        cases.extend(Case(c, src, i) for i, c in enumerate(doc.cases))
        cases.extend(Case(s, src, i) for i, s in enumerate(doc.summaries))
    if diags:
        raise RuleError(diags)
    if select:
        cases = [c for c in cases if select.casefold() in c.spec.name.casefold()]
    return cases


def package_of(path: Path) -> Path | None:
    """The package a case file or a folder of case files belongs to (``pkg/cases/x.toml``)."""
    for parent in list(path.resolve().parents)[:3]:
        if is_package(parent):
            return parent
    return None


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def case_profile(case: Case) -> Any:
    spec = case.spec
    assert isinstance(spec, CaseSpec)
    if spec.profile_file:
        profile = dict(parse_json(read_profile_file(case.source.path.parent / spec.profile_file)))
    else:
        profile = dict(spec.profile or {})
    profile.update(spec.patch)
    for key in spec.remove:
        profile.pop(key, None)
    return profile


def run_case(rules: RuleSet, case: Case) -> CaseResult:
    spec = case.spec
    result = CaseResult(spec.name, case.location)
    diffs = result.diffs
    if isinstance(spec, SummaryCaseSpec):
        try:
            summary = summary_of(rules, spec, case.source.path.parent)
        except (ZjtxError, OSError) as exc:
            diffs.append(f"error: {exc}")
            return result
        diffs.extend(compare(spec.expect, summary, "summary"))
        return result
    try:
        profile = case_profile(case)
        evaluation = rules.evaluate(profile, spec.as_of)
    except ProfileError as exc:
        got = sorted(e.path for e in exc.errors)
        if spec.expect_error_paths is None:
            diffs.extend(f"profile error: {e}" for e in exc.errors)
        elif sorted(spec.expect_error_paths) != got:
            diffs.append(f"error paths: expected {sorted(spec.expect_error_paths)}, got {got}")
        return result
    except (ZjtxError, OSError) as exc:
        diffs.append(f"error: {exc}")
        return result
    if spec.expect_error_paths is not None:
        diffs.append(f"expected profile errors at {spec.expect_error_paths}, got none")
    data = evaluation.to_dict()
    _measure_diffs(diffs, spec.expect, data["measures"])
    _tier_diffs(diffs, spec.expect_tiers, data.get("tiers", []))
    if spec.expect_targets is not None and sorted(spec.expect_targets) != sorted(data["targets"]):
        diffs.append(f"targets: expected {sorted(spec.expect_targets)}, got {sorted(data['targets'])}")
    if spec.expect_warnings is not None:
        codes = sorted(w["code"] for w in data["warnings"])
        if sorted(spec.expect_warnings) != codes:
            diffs.append(f"warnings: expected {sorted(spec.expect_warnings)}, got {codes}")
    return result


def _measure_diffs(diffs: list[str], expect: dict[str, CaseExpectSpec], got: list[Any]) -> None:
    """What each expected measure's status, amounts, missing facts, assumptions and reasons
    differ by from the result's."""
    measures = {m["id"]: m for m in got}
    for mid, exp in expect.items():
        got_m = measures.get(mid)
        if got_m is None:
            diffs.append(f"{mid}: no such measure")
            continue
        if exp.status is not None and exp.status != got_m["status"]:
            diffs.append(f"{mid}.status: expected {exp.status}, got {got_m['status']}")
        for name, want in exp.amounts.items():
            have = got_m["amounts"].get(name, "<absent>")
            if expected_json(want) != have:
                diffs.append(
                    f"{mid}.amounts.{name}: expected {json.dumps(expected_json(want), ensure_ascii=False)}, "
                    f"got {json.dumps(have, ensure_ascii=False)}"
                )
        if exp.missing is not None and sorted(exp.missing) != got_m["missing"]:
            diffs.append(f"{mid}.missing: expected {sorted(exp.missing)}, got {got_m['missing']}")
        _assumptions(diffs, mid, exp.assumptions, got_m["assumptions"])
        _reasons(diffs, mid, exp.reasons_contain, exp.reasons_omit, got_m["reasons"])


def _tier_diffs(diffs: list[str], expect: dict[str, TierExpectSpec], got: list[Any]) -> None:
    """What each expected tier's status and criteria (status, gap, text) and assumptions
    differ by from the result's."""
    tiers = {t["id"]: t for t in got}
    for tid, texp in expect.items():
        got_t = tiers.get(tid)
        if got_t is None:
            diffs.append(f"tier {tid}: no such tier")
            continue
        if texp.status is not None and texp.status != got_t["status"]:
            diffs.append(f"tier {tid}.status: expected {texp.status}, got {got_t['status']}")
        crits = {c["id"]: c for c in got_t["criteria"]}
        for cid, want_status in texp.criteria.items():
            have_c = crits.get(cid)
            have_s = have_c["status"] if have_c else "<absent>"
            if want_status != have_s:
                diffs.append(f"tier {tid}.{cid}: expected {want_status}, got {have_s}")
        for cid, want_gap in texp.gaps.items():
            have_c = crits.get(cid)
            have_g = have_c["gap"] if have_c else None
            if want_gap != have_g:
                diffs.append(f"tier {tid}.{cid}.gap: expected {want_gap!r}, got {have_g!r}")
        for cid, want_text in texp.texts.items():
            have_c = crits.get(cid)
            if have_c is None:
                diffs.append(f"tier {tid}.{cid}.text: expected {want_text!r}, got <absent>")
            elif want_text not in have_c["text_zh"] and want_text not in have_c["text_en"]:
                diffs.append(
                    f"tier {tid}.{cid}.text: expected {want_text!r} in {have_c['text_zh']!r} "
                    f"or {have_c['text_en']!r}"
                )
        _assumptions(diffs, f"tier {tid}", texp.assumptions, got_t["assumptions"])


def _assumptions(diffs: list[str], where: str, want: list[str] | None, got: list[Any]) -> None:
    """Expected assumption ids, compared as sets (the order follows evaluation)."""
    if want is None:
        return
    have = sorted(a["id"] for a in got)
    if sorted(want) != have:
        diffs.append(f"{where}.assumptions: expected {sorted(want)}, got {have}")


def _reasons(diffs: list[str], mid: str, contain: list[str], omit: list[str], reasons: list[Any]) -> None:
    """Words expected in (or kept out of) a measure's reasons, in either language: a case can
    pin what only people read, such as the talent reward's expiry note."""
    texts = [t for r in reasons for t in (r["text_zh"], r["text_en"])]
    for want in contain:
        if not any(want in t for t in texts):
            diffs.append(f"{mid}.reasons: expected a reason containing {want!r}, found none")
    for unwanted in omit:
        for t in texts:
            if unwanted in t:
                diffs.append(f"{mid}.reasons: expected no reason containing {unwanted!r}, got {t!r}")
                break


def run_cases(rules: RuleSet, case_dir: Path | None = None, *, select: str | None = None) -> list[CaseResult]:
    """Run the test cases of a package (see ``load_cases`` for ``case_dir`` and ``select``)."""
    return [run_case(rules, c) for c in load_cases(rules, case_dir, select=select)]
