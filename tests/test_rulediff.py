"""``zjtx diff``: a rule-level review shows exactly what changed between two package versions."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import BUNDLED
from zjtx_rules.cli.main import main
from zjtx_rules.render.package_view import load_view
from zjtx_rules.render.rulediff import diff_views

MUNICIPAL_ROW = re.compile(r'(\{ tier = "municipal_zjtx", value = )(\d+)')
TIER_CONDITION = 'expr = "holds_little_giant or holds_municipal_zjtx"\n'


def _copy(tmp_path: Path) -> Path:
    new = tmp_path / "new"
    shutil.copytree(BUNDLED, new)
    return new


def _edit(path: Path, pattern: re.Pattern[str] | str, repl: str) -> None:
    text = path.read_text(encoding="utf-8")
    if isinstance(pattern, str):
        assert text.count(pattern) == 1, pattern
        changed = text.replace(pattern, repl)
    else:
        changed, n = pattern.subn(repl, text)
        assert n == 1
    path.write_text(changed, encoding="utf-8")


def _quota_and_condition_edited(tmp_path: Path) -> Path:
    new = _copy(tmp_path)
    _edit(new / "parameters.toml", MUNICIPAL_ROW, r"\g<1>6")
    _edit(new / "measures.toml", TIER_CONDITION, 'expr = "holds_little_giant"\n')
    return new


def test_identical_packages_have_no_changes(tmp_path: Path) -> None:
    result = diff_views(load_view(BUNDLED), load_view(_copy(tmp_path)))
    assert result.changes == []
    assert "no rule changes" in result.render_text()


def test_quota_and_condition_edit_show_exactly_those_two_changes(tmp_path: Path) -> None:
    result = diff_views(load_view(BUNDLED), load_view(_quota_and_condition_edited(tmp_path)))
    assert [(c.section, c.subject) for c in result.changes] == [
        ("tables", "talent_quota"),
        ("measures", "talent_reward"),
    ]
    quota, cond = result.changes
    assert (quota.old, quota.new) == ("5", "6")
    assert "municipal_zjtx" in quota.what and "2022-01-01" in quota.what
    assert cond.expression and cond.what == "condition qualified_tier expr"
    assert (cond.old, cond.new) == ("holds_little_giant or holds_municipal_zjtx", "holds_little_giant")
    text = result.render_text()
    assert "2 处变化 / change(s)" in text
    assert re.search(r"holds_little_giant or holds_municipal_zjtx\s+\| holds_little_giant", text)
    page = result.render_html()
    assert '<td class="old"><pre>holds_little_giant or holds_municipal_zjtx</pre></td>' in page


def test_resolving_an_assumption_is_reported(tmp_path: Path) -> None:
    new = _copy(tmp_path)
    _edit(
        new / "parameters.toml",
        re.compile(
            r'(\{ tier = "municipal_zjtx", value = \d+, )assumption = true, '
            r'(note = "[^"]*"), note_en = "[^"]*"'
        ),
        r"\g<1>\g<2>",  # a resolved figure keeps a note; note_en belongs to assumptions (E133)
    )
    result = diff_views(load_view(BUNDLED), load_view(new))
    sections = [c.section for c in result.changes]
    assert "assumptions" in sections
    resolved = [c for c in result.changes if c.section == "assumptions"]
    assert len(resolved) == 1 and resolved[0].what.startswith("assumption resolved")


def test_added_measure_value_and_case_are_reported(tmp_path: Path) -> None:
    new = _copy(tmp_path)
    _edit(
        new / "parameters.toml",
        '  { from = 2022-01-01, value = 3, source = "第21条：奖励期限为3年", refs = ["lj_action_plan"] },\n',
        '  { from = 2022-01-01, value = 3, source = "第21条：奖励期限为3年", refs = ["lj_action_plan"] },\n'
        '  { from = 2025-01-01, value = 2, source = "test" },\n',
    )
    cases = new / "cases" / "talent_reward.toml"
    cases.write_text(
        cases.read_text(encoding="utf-8").replace('name = "不在新区注册', 'name = "X 不在新区注册'),
        encoding="utf-8",
    )
    result = diff_views(load_view(BUNDLED), load_view(new))
    whats = {(c.section, c.what) for c in result.changes}
    assert ("parameters", "value from 2025-01-01 added") in whats
    assert ("cases", "case added") in whats and ("cases", "case removed") in whats


@pytest.mark.parametrize("fmt", ["text", "html", "json"])
def test_diff_command(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    new = _quota_and_condition_edited(tmp_path)
    assert main(["diff", str(BUNDLED), str(new), "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        assert len(json.loads(out)["changes"]) == 2
    elif fmt == "html":
        assert out.startswith("<!doctype html>") and "talent_quota" in out
    else:
        assert "talent_quota" in out and "qualified_tier" in out
