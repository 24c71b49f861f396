"""The documentation files: README.md (short, with the two commands CI runs), the rule
authors' guide rules/README.md (its tutorial package loads and passes its cases, its error
index lists every diagnostic code), docs/*.md and CHANGELOG.md (every relative link and
anchor resolves)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

import zjtx_rules

from .conftest import ROOT

GUIDE = ROOT / "rules" / "README.md"
DOCS = [ROOT / "README.md", ROOT / "CHANGELOG.md", GUIDE, *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^(```|~~~)")
_LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_REF_DEF = re.compile(r"^\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
_ANCHOR = re.compile(r"<a\s+id=\"([^\"]+)\"\s*>")


def _prose(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    out, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if not fenced:
            out.append(line)
    return out


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: the rendered text, lower case, punctuation dropped
    (letters of any script, digits, ``_`` and ``-`` kept), spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").strip().lower()
    kept = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LMN")
    return kept.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    lines = _prose(path.read_text("utf-8"))
    found: set[str] = set()
    seen: dict[str, int] = {}
    for line in lines:
        found.update(_ANCHOR.findall(line))
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            slug = _slug(heading.group(1))
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            found.add(slug if n == 0 else f"{slug}-{n}")
    return found


def _links(path: Path) -> list[str]:
    prose = "\n".join(re.sub(r"`[^`]*`", "", line) for line in _prose(path.read_text("utf-8")))
    return _LINK.findall(prose) + _REF_DEF.findall(prose)


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(ROOT)) for d in DOCS])
def test_every_relative_link_and_anchor_resolves(doc: Path) -> None:
    assert doc.is_file(), doc
    broken = []
    for target in _links(doc):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        dest = (doc.parent / file_part).resolve() if file_part else doc
        if not dest.exists():
            broken.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(f"{target}: no such anchor in {dest.relative_to(ROOT)}")
    assert not broken, broken


def test_the_link_checker_sees_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# 标题 / A title\n\n[ok](#标题--a-title) [bad](#nowhere) [gone](missing.md)\n")
    assert _anchors(page) == {"标题--a-title"}
    assert _links(page) == ["#标题--a-title", "#nowhere", "missing.md"]


def test_readme_is_short_and_keeps_the_two_commands_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert len(readme.splitlines()) <= 400
    section = readme.split("## Two commands\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    commands = [line for block in blocks for line in block.splitlines()]
    run = "pip install . && zjtx evaluate examples/profiles/little_giant_11_talents.json --as-of 2025-06-30"
    assert any(c.endswith(run) for c in commands)
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    test_command = 'pip install ".[test]" && python -m pytest'
    assert test_command in ci
    assert any(c.endswith(test_command) for c in commands)


# --- the tutorial: a package from an empty folder ---------------------------------------------

_GUIDE_FILE = re.compile(r"<!-- guide-file: (\S+) -->\n```[a-z]*\n(.*?)```", re.DOTALL)


def test_the_guide_tutorial_package_loads_cleanly_and_passes_its_cases(tmp_path: Path) -> None:
    files = _GUIDE_FILE.findall(GUIDE.read_text("utf-8"))
    names = [name for name, _ in files]
    assert {"plan.txt", "policy.toml", "facts.toml", "measures.toml"} <= set(names)
    assert any(n.startswith("cases/") for n in names)
    assert len(names) == len(set(names))
    package = tmp_path / "demo_rd"
    for name, body in files:
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(body, encoding="utf-8")
    rules = zjtx_rules.load_rules(package)
    assert [d.code for d in rules.diagnostics] == []
    results = zjtx_rules.run_cases(rules)
    assert len(results) >= 5
    assert [r.diffs for r in results if not r.passed] == []


# --- the error index ------------------------------------------------------------------------


def _index_rows() -> list[list[str]]:
    text = GUIDE.read_text("utf-8")
    inside = text.split("<!-- error-index:start -->", 1)[1].split("<!-- error-index:end -->", 1)[0]
    lines = [line.strip() for line in inside.splitlines() if re.match(r"\|\s*[EW][0-9]{3}\s*\|", line)]
    return [[c.strip() for c in line.strip("|").split("|")] for line in lines]


def test_the_error_index_lists_every_diagnostic_code_once() -> None:
    from zjtx_rules.diagnostics import CATALOGUE

    rows = _index_rows()
    codes = [row[0] for row in rows]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)
    assert set(codes) == set(CATALOGUE)
    for row in rows:
        assert len(row) == 5 and all(row), row
