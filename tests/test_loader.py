"""One broken package per kind of load error: each is reported with its code and location."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

import zjtx_rules
from tests.conftest import MINI
from zjtx_rules import RuleError


def broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    dest = tmp_path / "pkg"
    shutil.copytree(MINI, dest)
    path = dest / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return dest


def first_error(pkg: Path, code: str) -> Any:
    """Load a broken package: it must be refused with ``code``, worded in zh and en."""
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    found = [d for d in info.value.diagnostics if d.code == code]
    assert found, [d.render() for d in info.value.diagnostics]
    assert found[0].message_zh and found[0].message_en
    return found[0]


CASES = [
    # (file, old, new, code, line, column)
    (
        "measures.toml",
        'expr = "big"',
        'expr = "big"\nassumptions = ["big_reading"]',
        "E208",
        20,
        15,
    ),
    ("facts.toml", 'type = "bool"', 'type = "bool', "E101", 10, 13),
    ("facts.toml", 'type = "bool"', 'typ = "bool"', "E121", 10, 1),
    ("measures.toml", 'expr = "big"', 'expr = "bigg"', "E203", 19, 9),
    ("measures.toml", 'expr = "registered"', 'expr = "registered + 1"', "E301", 11, 9),
    (
        "measures.toml",
        'expr = "grant.eligible and grant.amount > 0"',
        'expr = "grant.eligible and grant.amount > 0 and follow_up.eligible"',
        "E406",
        None,
        None,
    ),
    ("parameters.toml", '{ tier = "none", value = 0 },', "", "E403", None, None),
    (
        "parameters.toml",
        '{ tier = "silver", value = 200 },',
        '{ tier = "silver", value = 200 },\n  { tier = "gold", value = 1 },',
        "E402",
        None,
        None,
    ),
    (
        "parameters.toml",
        "{ from = 2022-01-01, value = 0.10",
        "{ from = 2022-03-01, value = 0.10",
        "E405",
        6,
        12,
    ),
    (
        "parameters.toml",
        '{ tier = "gold", value = 300 }',
        '{ tier = "gold", value = 900 }',
        "E601",
        None,
        None,
    ),
    (
        "measures.toml",
        'pass_zh = "营收 {revenue} 达到 {threshold}"',
        'pass_zh = "营收 {revenu} 达到 {threshold}"',
        "E207",
        None,
        None,
    ),
    (
        "parameters.toml",
        'assumption = true, note = "一个猜测", note_en = "a guess"',
        'assumption = true, note = "一个猜测"',
        "E132",
        None,
        None,
    ),
    (
        "measures.toml",
        'type = "money"\nexpr = "round_half_up(',
        'type = "ids"\nexpr = "round_half_up(',
        "E301",
        None,
        None,
    ),
    ("derived.toml", 'expr = "revenue >= threshold"', 'expr = "revenue >= "', "E112", 2, 20),
    ("facts.toml", "below = 1_000_000_000", "", "E126", None, None),
    # limits against hostile rule files
    ("facts.toml", "below = 1_000_000_000", "below = 1" + "0" * 5000, "E105", 19, 9),
    (
        "derived.toml",
        'expr = "revenue >= threshold"',
        'expr = "' + " + ".join(["revenue"] * 250) + ' >= threshold"',
        "E116",
        2,
        9,
    ),
    (
        "derived.toml",
        'expr = "revenue >= threshold"',
        'expr = "revenue >= threshold and l350 >= 0"\n[derived.l0]\nexpr = "revenue"\n'
        + "".join(f'\n[derived.l{i}]\nexpr = "l{i - 1} + 1"\n' for i in range(1, 351)),
        "E408",
        124,  # l40: where the chain first gets too deep (each link costs 3, the limit is 120)
        8,
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "code", "line", "column"), CASES)
def test_each_load_error_is_located(
    tmp_path: Path,
    file: str,
    old: str,
    new: str,
    code: str,
    line: int | None,
    column: int | None,
) -> None:
    d = first_error(broken(tmp_path, file, old, new), code)
    if line is not None:
        assert d.location.file.endswith(file)
        assert d.location.line == line
    if column is not None:
        assert d.location.column == column


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    pkg = broken(tmp_path, "measures.toml", 'expr = "big"', 'expr = "bigg"')
    text = (pkg / "derived.toml").read_text(encoding="utf-8").replace("threshold", "treshold")
    (pkg / "derived.toml").write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    codes = [d.code for d in info.value.diagnostics if d.severity == "error"]
    assert codes.count("E203") == 2


def test_cycle_message_shows_the_whole_path(tmp_path: Path) -> None:
    pkg = broken(tmp_path, "measures.toml", 'expr = "big"', 'expr = "big and follow_up.eligible"')
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    cycle = next(d for d in info.value.diagnostics if d.code == "E406")
    assert "follow_up -> grant -> follow_up" in cycle.message_en


def test_rendered_diagnostic_has_caret_and_hint(tmp_path: Path) -> None:
    pkg = broken(tmp_path, "measures.toml", 'expr = "big"', 'expr = "bigg"')
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    text = next(d for d in info.value.diagnostics if d.code == "E203").render()
    assert "measures.toml:19:9: error[E203 unknown-name]" in text
    assert "^^^^" in text and "did you mean 'big'?" in text


def test_assumptions_are_listed_as_warnings(mini: zjtx_rules.RuleSet) -> None:
    assert [d.code for d in mini.warnings] == ["W501"]


@pytest.mark.parametrize(
    ("file", "old", "new", "path"),
    [
        ("facts.toml", ', none = "None" }', " }", "facts.tier.choice_labels_en"),
        ("measures.toml", 'responsible_units_en = ["unit"]', "", "measures.grant.responsible_units"),
    ],
)
def test_a_missing_english_label_is_a_located_warning(
    tmp_path: Path, file: str, old: str, new: str, path: str
) -> None:
    rules = zjtx_rules.load_rules(broken(tmp_path, file, old, new))
    found = [d for d in rules.warnings if d.code == "W801"]
    assert [d.location.path for d in found] == [path]


def test_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(zjtx_rules.UsageError):
        zjtx_rules.load_rules(tmp_path / "nope")


def test_hostile_rule_text_fails_fast(tmp_path: Path) -> None:
    pkg = broken(
        tmp_path,
        "derived.toml",
        'expr = "revenue >= threshold"',
        'expr = "' + "(" * 3000 + "1" + ")" * 3000 + ' > 0"',
    )
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    assert {d.code for d in info.value.diagnostics} & {"E110", "E113"}


@pytest.mark.parametrize("kind", ["fifo", "device-link"])
def test_only_regular_files_are_read(tmp_path: Path, kind: str) -> None:
    pkg = broken(tmp_path, "derived.toml", "", "")
    target = pkg / "zz_extra.toml"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    d = next(d for d in info.value.diagnostics if d.code == "E104")
    assert d.location.file.endswith("zz_extra.toml") and d.message_zh and d.message_en


def test_total_package_size_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zjtx_rules.load.files

    monkeypatch.setattr(zjtx_rules.load.files, "MAX_PACKAGE_BYTES", 1000)
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(MINI)
    assert [d.code for d in info.value.diagnostics] == ["E106"]


def test_a_long_chain_is_refused_not_a_crash_at_evaluation(tmp_path: Path) -> None:
    """Regression: 350 derived links loaded, then every evaluation hit RecursionError."""
    links = "".join(f'\n[derived.l{i}]\nexpr = "l{i - 1} + 1"\n' for i in range(1, 351))
    pkg = broken(
        tmp_path,
        "derived.toml",
        'expr = "revenue >= threshold"',
        'expr = "revenue >= threshold and l350 >= 0"\n[derived.l0]\nexpr = "revenue"\n' + links,
    )
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    assert [d.code for d in info.value.diagnostics if d.severity == "error"] == ["E408"]


def test_a_tier_at_the_end_of_a_deep_chain_is_refused_where_it_crosses(tmp_path: Path) -> None:
    links = "".join(f'\n[derived.l{i}]\nexpr = "l{i - 1} + 1"\n' for i in range(1, 36))  # cost 107
    pkg = broken(
        tmp_path,
        "derived.toml",
        'expr = "revenue >= threshold"',
        'expr = "revenue >= threshold"\n[derived.l0]\nexpr = "revenue"\n' + links,
    )
    deep = " + ".join(["l35"] + ["1"] * 30)  # 31 more levels: over 120 only at the tier
    readiness = pkg / "readiness.toml"
    text = readiness.read_text(encoding="utf-8").replace(
        'held = "tier == \\"gold\\""', f'held = "{deep} > 0"'
    )
    readiness.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    found = [d for d in info.value.diagnostics if d.severity == "error"]
    assert [d.code for d in found] == ["E408"]
    assert found[0].location.file.endswith("readiness.toml") and found[0].location.line == 1
    assert "tier 'gold'" in found[0].message_en


def test_keys_per_file_are_capped_where_the_cap_is_crossed(monkeypatch: pytest.MonkeyPatch) -> None:
    """E108: a file of more keys than ``MAX_KEYS`` is refused at the first key past it (here
    7: ``[facts.id]`` and its six keys, so the header ``[facts.registered]`` is the eighth)."""
    import zjtx_rules.package.source

    monkeypatch.setattr(zjtx_rules.package.source, "MAX_KEYS", 7)
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(MINI)
    (d,) = [d for d in info.value.diagnostics if d.location.file.endswith("facts.toml")]
    assert (d.code, d.location.line, d.location.column) == ("E108", 9, 1)
    assert d.message_zh and "limit 7" in d.message_en


def test_compiled_expressions_keep_no_syntax_trees_alive(tmp_path: Path) -> None:
    """Regression: each compiled expression kept its generated ``ast`` module (about 40 KB),
    so 20,000 derived values took 980 MB and garbage collection made loading superlinear."""
    import gc
    import tracemalloc

    extra = "".join(
        f'\n[derived.x{i}]\ntitle_zh = "值 {i}"\ntitle_en = "Value {i}"\n'
        f'expr = "{f"x{i - 1} or " if i % 10 else ""}revenue > {i}"\n'
        for i in range(200)
    )
    plain, bigger = (
        broken(tmp_path / "a", "derived.toml", "", ""),
        broken(tmp_path / "b", "derived.toml", "", extra),
    )
    zjtx_rules.load_rules(plain)  # imports and caches out of the way
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        kept = [zjtx_rules.load_rules(plain)]
        gc.collect()
        small = tracemalloc.get_traced_memory()[0] - base
        kept.append(zjtx_rules.load_rules(bigger))
        gc.collect()
        large = tracemalloc.get_traced_memory()[0] - base - small
    finally:
        tracemalloc.stop()
    per_value = (large - small) / 200
    assert per_value < 12_000, per_value  # about 3.7 KB now; 41 KB before
