"""The policy review of the Liangjiang package (issue 18): public sources only, every figure
and rule choice cited, the dishonesty bar applied by one rule, and the sources register
checked by the loader (E210, W803)."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import zjtx_rules
from tests.conftest import BUNDLED, EXAMPLES
from tests.test_loader import first_error

INTERNAL = re.compile(r"facts\.md|github", re.IGNORECASE)
RULE_FILES = sorted(p for p in BUNDLED.glob("*.toml"))


def _strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, f"{path}[{i}]")


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_rule_text_cites_no_internal_file_or_code_host(path: Path) -> None:
    """Comments may mention working files; no value a reader or a result sees may."""
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    bad = [(where, text) for where, text in _strings(doc) if INTERNAL.search(text)]
    assert bad == []


def _cited(doc: dict[str, Any], file: str) -> Iterator[tuple[str, Any]]:
    """Every item that states where a figure or reading comes from, with its refs."""
    for pid, p in doc.get("parameters", {}).items():
        for i, v in enumerate(p["values"]):
            yield f"{file}: parameters.{pid}.values[{i}]", v.get("refs")
    for tid, t in doc.get("tables", {}).items():
        for i, v in enumerate(t["versions"]):
            yield f"{file}: tables.{tid}.versions[{i}]", v.get("refs")
    for aid, a in doc.get("assumptions", {}).items():
        yield f"{file}: assumptions.{aid}", a.get("refs")
    for tid, t in doc.get("tiers", {}).items():
        yield f"{file}: tiers.{tid}", t.get("refs")
        for c in t["criteria"]:
            yield f"{file}: tiers.{tid}.{c['id']}", c.get("refs")
    for mid, m in doc.get("measures", {}).items():
        for i, d in enumerate(m.get("details", [])):
            yield f"{file}: measures.{mid}.details[{i}]", d.get("refs")
    for tid, t in doc.get("targets", {}).items():
        yield f"{file}: targets.{tid}", t.get("refs")


def test_every_figure_criterion_and_rule_choice_cites_the_register() -> None:
    uncited = []
    for path in RULE_FILES:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        uncited += [where for where, refs in _cited(doc, path.name) if not refs]
    assert uncited == []


def test_the_register_says_how_surely_each_source_was_read() -> None:
    rules = zjtx_rules.load_rules(BUNDLED)
    assert "lj_action_plan" in rules.sources and "miit_2022_63" in rules.sources
    for sid, s in rules.sources.items():
        # a text read word for word says where: a public address, or the plan in the package
        assert s.url or s.copies or s.confidence != "read_verbatim" or sid == "lj_action_plan", sid
        assert not INTERNAL.search(" ".join([s.note_zh, s.note_en, s.url, *s.copies])), sid
    assert not [d for d in rules.diagnostics if d.code == "W803"]  # every entry is cited


def test_dishonesty_bar_follows_one_rule_by_benefit_kind() -> None:
    """The plan states no dishonesty bar: the package applies it, as a listed rule choice, to
    exactly the measures that give money, loans, fund investment, priority or a pool place."""
    doc = tomllib.loads((BUNDLED / "measures.toml").read_text(encoding="utf-8"))
    for mid, m in doc["measures"].items():
        bars = [c for c in m["conditions"] if "serious_dishonesty" in c["expr"]]
        want = m["benefit"] in {"cash", "loan", "fund", "priority", "pool"}
        assert bool(bars) == want, mid
        assert all(c.get("assumptions") == ["serious_dishonesty_bar"] for c in bars), mid


@pytest.mark.parametrize("profile", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_results_carry_no_internal_citation(profile: Path) -> None:
    rules = zjtx_rules.load_rules(BUNDLED)
    text = rules.evaluate(profile.read_text(encoding="utf-8"), "2025-06-30").to_json()
    assert not INTERNAL.search(text)
    assert json.loads(text)["measures"]


def test_an_unknown_source_id_is_refused_with_a_hint(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    shutil.copytree(BUNDLED, pkg, ignore=shutil.ignore_patterns("cases"))
    path = pkg / "parameters.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('refs = ["most_2017_115"]', 'refs = ["most_2017_11"]', 1), encoding="utf-8")
    d = first_error(pkg, "E210")
    assert d.location.file.endswith("parameters.toml") and d.location.line > 0
    assert "most_2017_115" in d.hint_en


def test_a_source_nothing_cites_is_a_warning(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    shutil.copytree(BUNDLED, pkg, ignore=shutil.ignore_patterns("cases"))
    with (pkg / "sources.toml").open("a", encoding="utf-8") as f:
        f.write('\n[sources.spare]\ntitle_zh = "备用"\nconfidence = "not_found"\n')
    rules = zjtx_rules.load_rules(pkg)
    assert [d.code for d in rules.diagnostics if "spare" in d.message_en] == ["W803"]
