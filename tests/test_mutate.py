"""Mutation testing of rule packages: the edits made, their outcomes, and the command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import MINI
from zjtx_rules import UsageError
from zjtx_rules.cli.main import main
from zjtx_rules.package.source import package_sha256
from zjtx_rules.quality.mutate import Mutant, all_mutants, mutants_of, mutate


def _diffs(file: str) -> list[str]:
    text = (MINI / file).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    return [m.diff(lines) for m in mutants_of(text, file)]


def test_every_kind_of_edit_is_made() -> None:
    mutants, _ = all_mutants(MINI)
    kinds = {m.kind for m in mutants}
    assert {
        "flip-comparison",
        "swap-and-or",
        "number-step",
        "date-step",
        "flip-boolean",
        "delete-key",
        "drop-condition",
        "drop-row",
        "drop-entry",
    } <= kinds


def test_edits_are_what_a_person_would_type() -> None:
    diffs = _diffs("derived.toml") + _diffs("measures.toml") + _diffs("parameters.toml")
    assert (
        'derived.toml:2: [flip-comparison] expr = "revenue >= threshold"  ->  expr = "revenue > threshold"'
        in diffs
    )
    assert (
        'measures.toml:43: [swap-and-or] expr = "grant.eligible and grant.amount > 0"  ->  '
        'expr = "grant.eligible or grant.amount > 0"'
    ) in diffs
    assert 'parameters.toml:27: [drop-row] - { tier = "gold", value = 300 },' in diffs
    assert (
        'parameters.toml:6: [number-step] { from = 2022-01-01, value = 0.10, source = "test" },  ->  '
        '{ from = 2022-01-01, value = 0.11, source = "test" },' in diffs
    )
    assert any("[date-step]" in d and "2021-12-31" in d for d in diffs)
    assert any(
        "[delete-key]" in d and 'note = "一个猜测", note_en = "a guess" } ]' in d.split("->")[-1]
        for d in diffs
    ), "assumption = true deleted from an inline table"
    # lambdas are not comparisons, and underscores keep their grouping
    assert not any("-=" in d or "- >" in d for d in diffs)
    facts = _diffs("facts.toml")
    assert "facts.toml:19: [number-step] below = 1_000_000_000  ->  below = 999_999_999" in facts


def test_strings_inside_expressions_are_left_alone() -> None:
    text = 'held = "tier == \\"gold\\" and x < 3"\n'
    news = [m.new[0] for m in mutants_of(text, "t.toml") if m.new]
    assert 'held = "tier != \\"gold\\" and x < 3"\n' in news
    assert all('\\"gold\\"' in n for n in news)
    assert 'held = "tier == \\"gold\\" or x < 3"\n' in news


def test_a_condition_block_is_removed_whole() -> None:
    text = (MINI / "measures.toml").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    drop = next(m for m in mutants_of(text, "measures.toml") if m.kind == "drop-condition")
    mutated = drop.apply(lines)
    assert 'id = "registered"' not in mutated and 'id = "big"' in mutated


def test_outcomes_on_the_fixture_package() -> None:
    report = mutate(MINI)
    c, t = report.counts(), report.counts(text=True)
    assert c["total"] + t["total"] == report.generated
    assert c["total"] == c["rejected"] + c["caught"] + c["crashed"] + c["survived"]
    assert c["rejected"] > 0 and c["caught"] > 0 and c["survived"] > 0 and c["crashed"] == 0
    survivors = [report.diff(o) for o in report.survivors()]
    # the fixture's cases never test revenue exactly at the threshold
    assert any('"revenue >= threshold"  ->  expr = "revenue > threshold"' in s for s in survivors)
    by_item = report.to_dict()["items"]
    assert by_item["measure grant"]["total"] > 0 and "parameters.rate" in by_item


def test_a_boundary_case_catches_the_boundary_mutant(tmp_path: Path) -> None:
    pkg = tmp_path / "mini"
    shutil.copytree(MINI, pkg)
    (pkg / "cases" / "boundary.toml").write_text(
        '[[cases]]\nname = "revenue exactly at the threshold"\nas_of = 2022-06-01\n'
        'profile = { id = "c", registered = true, revenue = "1000", tier = "none" }\n'
        'expect.grant = { status = "eligible" }\n',
        encoding="utf-8",
    )
    report = mutate(pkg)
    flip = [
        o for o in report.outcomes if o.mutant.file == "derived.toml" and o.mutant.kind == "flip-comparison"
    ]
    assert [o.status for o in flip] == ["caught"]
    assert "revenue exactly at the threshold" in flip[0].detail


def test_the_package_is_left_untouched() -> None:
    before = package_sha256(MINI)
    mutate(MINI, limit=20, seed=3)
    assert package_sha256(MINI) == before


def test_sampling_is_seeded_and_workers_agree() -> None:
    a = mutate(MINI, limit=12, seed=1)
    b = mutate(MINI, limit=12, seed=1, workers=2)
    c = mutate(MINI, limit=12, seed=2)
    key = [(o.mutant, o.status) for o in a.outcomes]
    assert key == [(o.mutant, o.status) for o in b.outcomes]
    assert [o.mutant for o in c.outcomes] != [o.mutant for o in a.outcomes]
    assert len(a.outcomes) == 12 and a.generated > 12


def test_a_package_whose_cases_fail_is_refused(tmp_path: Path) -> None:
    pkg = tmp_path / "mini"
    shutil.copytree(MINI, pkg)
    cases = pkg / "cases" / "basic.toml"
    cases.write_text(cases.read_text(encoding="utf-8").replace('"500.00"', '"501.00"'), encoding="utf-8")
    with pytest.raises(UsageError):
        mutate(pkg)


def test_one_line_diff_of_a_deletion_names_the_span() -> None:
    m = Mutant("x.toml", 0, 3, (), "drop-condition", "measure m")
    assert m.diff(["[[a]]\n", "b = 1\n", "c = 2\n"]) == "x.toml:1: [drop-condition] - [[a]] (+2 lines)"


def test_command_fail_under_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mutate", str(MINI), "--limit", "30", "--fail-under", "100"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("规则包 / rule package: ")
    assert "survivors" in captured.out and "under 100" in captured.err
    assert main(["mutate", str(MINI), "--limit", "30", "--fail-under", "1", "--format", "json"]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["tried"] == 30 and 0 < doc["caught_share"] < 1
    assert "sha256" in captured.err


def test_text_only_edits_are_counted_apart() -> None:
    text = 'title_zh = "补助"\nnote = "why"\nvalue = 3\nexpr = "a > 1"\n'
    by_line = {m.line: m.text_only for m in mutants_of(text, "t.toml") if m.kind == "delete-key"}
    assert by_line == {1: True, 2: True, 3: False, 4: False}
    report = mutate(MINI)
    assert report.counts(text=True)["total"] > 0
    assert all(not o.mutant.text_only for o in report.behaviour)
    c = report.counts()
    assert report.caught_share == (c["total"] - c["survived"]) / c["total"]


def test_labels_inside_a_map_details_and_typical_are_text_only() -> None:
    """Deleting one entry of a label map, editing a ``details`` block or a fact's ``typical``
    range changes no evaluation, so these edits are not counted in the share."""
    text = (
        "[facts.kind]\n"
        'type = "choice"\n'
        'choice_labels_zh = { a = "甲", b = "乙" }\n'
        "[facts.n]\n"
        'type = "number"\n'
        "typical = [1, 20]\n"
        "max = 30\n"
        "[[measures.m.details]]\n"
        "assumption = true\n"
    )
    ms = mutants_of(text, "t.toml")
    by_line: dict[int, set[bool]] = {}
    for m in ms:
        by_line.setdefault(m.line, set()).add(m.text_only)
    assert by_line[3] == {True} and by_line[6] == {True} and by_line[9] == {True}
    assert by_line[7] == {False}  # the bound decides which profiles are accepted


def test_invariants_are_not_mutated() -> None:
    text = '[[invariants]]\nid = "i"\nexpr = "a > 1"\n[parameters.a]\nvalue = 3\n'
    lines = {m.line for m in mutants_of(text, "t.toml")}
    assert lines and not lines & {1, 2, 3}


def test_deleting_a_chinese_label_or_question_is_rejected_at_load() -> None:
    """A missing Chinese text is E128 now, so these text-only edits are refused by the loader;
    a missing English one stays a warning (W801), so its deletion survives."""
    report = mutate(MINI)
    statuses: dict[str, set[str]] = {}
    for o in report.outcomes:
        deleted = report.diff(o).partition("] - ")[2]  # a whole line deleted: "key = value"
        if o.mutant.file == "facts.toml" and o.mutant.kind == "delete-key" and deleted:
            statuses.setdefault(deleted.split(" = ")[0], set()).add(o.status)
    assert set().union(*(statuses[k] for k in ("label_zh", "question_zh", "choice_labels_zh"))) == {
        "rejected"
    }
    assert set().union(*(statuses[k] for k in ("label_en", "question_en"))) == {"survived"}
