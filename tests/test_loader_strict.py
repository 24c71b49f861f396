"""Strict loading (issue 11): one broken package per new load error, with code and location;
cascades collapsed; editing aids (``until``, ``closed_from``, table ``changes``)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import zjtx_rules
from tests.conftest import BUNDLED, MINI
from tests.test_loader import broken, first_error
from zjtx_rules import RuleError
from zjtx_rules.cli.main import main

SECOND_VERSION = """
[[tables.bonus.versions]]
from = 2023-01-01
source = "test"
changes = [ { tier = "gold", value = 400 } ]
"""

TARGET = """
[targets.grants]
title_zh = "补助"
title_en = "Grants"
count = 3
quote = "test"
"""

STRICT_CASES = [
    # (file, old, new, code, line, column)
    # exact types: "true" is not true, 1 is not a note, a title is not empty
    ("facts.toml", "required = true", 'required = "true"', "E123", 3, 12),
    ("parameters.toml", 'note = "一个猜测"', "note = 1", "E123", 14, 90),
    ("measures.toml", 'title_en = "Grant"', 'title_en = ""', "E123", 4, 12),
    (
        "parameters.toml",
        '{ tier = "gold", value = 300 }',
        '{ tier = "gold", value = 300, assumption = "false" }',
        "E123",
        27,
        46,
    ),
    # the documented minimum of each kind of entry
    ("measures.toml", 'title_en = "Grant"\n', "", "E122", 1, 1),
    ("parameters.toml", 'hit_policy = "first"\n', "", "E122", 16, 1),
    ("parameters.toml", 'type = "ratio"\n', "", "E122", 1, 1),
    (
        "parameters.toml",
        '{ from = 2023-01-01, value = 0.20, source = "test" }',
        "{ from = 2023-01-01, value = 0.20 }",
        "E131",
        7,
        3,
    ),
    (
        "facts.toml",
        "[facts.items]",
        '[facts.by_year]\ntype = "year_money_map"\n\n[facts.items]',
        "E126",
        34,
        1,
    ),
    ("parameters.toml", "assumption = true, note =", "note =", "E133", 14, 79),
    (
        "readiness.toml",
        "[[tiers.gold.criteria]]",
        '[tiers.silver]\norder = 1\ntitle_zh = "银"\ntitle_en = "Silver"\nheld = "false"\n'
        '[[tiers.silver.criteria]]\nid = "x"\ntitle_zh = "x"\ntitle_en = "x"\nexpr = "registered"\n\n'
        "[[tiers.gold.criteria]]",
        "E411",
        8,
        9,
    ),
    ("readiness.toml", 'format = "money"\n', "", "E122", 7, 1),
    # a ratio is a share: 10 for 10% is a slip
    ("parameters.toml", "value = 0.10,", "value = 10,", "E306", 6, 32),
    # a decimal literal no later step can overflow on: 40 digits, exponent within +-30, finite
    ("parameters.toml", "value = 0.10,", "value = 1e999999999,", "E107", 6, 32),
    ("parameters.toml", "value = 0.10,", "value = 1e-31,", "E107", 6, 32),
    ("parameters.toml", "value = 0.10,", "value = 0." + "1" * 41 + ",", "E107", 6, 32),
    ("parameters.toml", "value = 0.10,", "value = nan,", "E107", 6, 32),
    ("parameters.toml", "value = 0.20,", "value = -inf,", "E107", 7, 32),
    ("facts.toml", "below = 1_000_000_000", "below = 1e31", "E107", 19, 9),
    # every text a person reads is there in Chinese (E128); titles of the titled kinds are keys
    ("facts.toml", 'label_zh = "编号"\n', "", "E128", 1, 1),
    ("facts.toml", 'question_zh = "是否已注册？"', 'question_zh = " "', "E128", 13, 15),
    ("facts.toml", 'silver = "银", ', "", "E128", 29, 20),
    ("facts.toml", 'label_zh = "代码"\n', "", "E128", 42, 1),
    ("derived.toml", "[derived.big]\n", '[derived.big]\ntitle_en = "Big"\n', "E128", 1, 1),
    ("measures.toml", 'type = "money"\n', 'type = "money"\ntitle_en = "Amount"\n', "E128", 25, 1),
    ("parameters.toml", 'title_zh = "比例"\n', "", "E122", 1, 1),
    ("readiness.toml", 'title_zh = "金"\n', "", "E122", 1, 1),
    ("readiness.toml", 'title_zh = "营收"', 'title_zh = ""', "E123", 9, 12),
    # regression: the key scanner raised IndexError on an empty [[ ]] header before tomllib spoke
    ("facts.toml", "[facts.id]", "[[]]\n[facts.id]", "E101", 1, 3),
    # keys of maps that name things
    ("facts.toml", 'none = "None" }', 'nnone = "None" }', "E209", 28, 56),
    # cross-field sense
    ("facts.toml", "below = 1_000_000_000", "below = 0", "E141", 19, 9),
    (
        "facts.toml",
        "below = 1_000_000_000",
        "below = 1_000_000_000\ntypical = [0, 2_000_000_000]",
        "E141",
        20,
        11,
    ),
    ("policy.toml", "valid_to = 2023-12-31", "valid_to = 2021-12-31", "E407", 11, 12),
    (
        "parameters.toml",
        "{ from = 2023-01-01, value = 0.20",
        "{ from = 2021-06-01, value = 0.20",
        "E407",
        7,
        12,
    ),
    (
        "parameters.toml",
        '{ from = 2022-01-01, value = 0.10, source = "test" }',
        '{ from = 2022-01-01, until = 2021-01-01, value = 0.10, source = "test" }',
        "E407",
        6,
        32,
    ),
    (
        "readiness.toml",
        'format = "money"',
        'format = "money"\nvalid_from = 2023-01-01\nvalid_until = 2022-01-01',
        "E407",
        16,
        15,
    ),
    (
        "parameters.toml",
        '{ from = 2022-01-01, value = 0.10, source = "test" }',
        '{ from = 2021-12-31, value = 0.10, source = "test" }',
        "E412",
        6,
        12,
    ),
    ("measures.toml", 'clause = "2"', 'clause = "1"', "E409", 34, 10),
    ("measures.toml", 'quote = "test"', 'quote = "not in the plan"', "E142", 5, 9),
    ("measures.toml", 'quote = "test"', 'quote = "…"', "E142", 5, 9),
    ("policy.toml", 'source_text = "plan.txt"', 'source_text = "../plan.txt"', "E143", 9, 15),
    ("policy.toml", 'source_text = "plan.txt"\n', "", "E122", 1, 1),
    # a target's count is the plan's figure, written in its quote
    ("policy.toml", "valid_to = 2023-12-31", "valid_to = 2023-12-31\n" + TARGET, "E144", 16, 9),
    (
        "policy.toml",
        "valid_to = 2023-12-31",
        "valid_to = 2023-12-31\n" + TARGET.replace('quote = "test"', 'quote = "补助3家"'),
        "E142",
        17,
        9,
    ),
    (
        "policy.toml",
        "valid_to = 2023-12-31",
        "valid_to = 2023-12-31\n" + TARGET.replace('quote = "test"\n', ""),
        "E122",
        13,
        1,
    ),
    # a table version that changes single rows
    (
        "parameters.toml",
        "[[invariants]]",
        SECOND_VERSION.replace('"gold"', '"platinum"') + "\n[[invariants]]",
        "E410",
        36,
        13,
    ),
    (
        "parameters.toml",
        "[[invariants]]",
        SECOND_VERSION.replace("changes =", 'rows = [ { tier = "gold", value = 1 } ]\nchanges =')
        + "\n[[invariants]]",
        "E410",
        37,
        1,
    ),
    # literal sense: a comparison the fact's bounds decide
    ("derived.toml", 'expr = "revenue >= threshold"', 'expr = "revenue >= 2_000_000_000"', "E309", 2, 9),
    (
        "derived.toml",
        'expr = "revenue >= threshold"',
        'expr = "revenue >= 0 and threshold > 0"',
        "E310",
        2,
        9,
    ),
    ("readiness.toml", 'required = "threshold * 2"', 'required = "2_000_000_000"', "E309", 13, 13),
    # a rounding step that is not a power of ten would round like one that is
    (
        "derived.toml",
        'expr = "revenue >= threshold"',
        'expr = "round_half_up(revenue, 0.02) >= threshold"',
        "E304",
        2,
        32,
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "code", "line", "column"), STRICT_CASES)
def test_each_strict_load_error_is_located(
    tmp_path: Path, file: str, old: str, new: str, code: str, line: int, column: int
) -> None:
    d = first_error(broken(tmp_path, file, old, new), code)
    assert d.location.file.endswith(file)
    assert (d.location.line, d.location.column) == (line, column), d.render()


def test_messages_speak_rule_files_not_python(tmp_path: Path) -> None:
    pkg = broken(tmp_path, "facts.toml", "required = true", 'required = "true"')
    text = (pkg / "parameters.toml").read_text(encoding="utf-8")
    text = text.replace("value = 0.10,", 'value = "7.5",').replace("value = 300 }", "value = 7.5 }")
    (pkg / "parameters.toml").write_text(text.replace('result = "money"', 'result = "int"'), encoding="utf-8")
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    said = " ".join(d.message_zh + d.message_en for d in info.value.diagnostics)
    for python in ("Decimal(", "bool_type", "int_type", "string_type", "Input should", "'int'"):
        assert python not in said
    assert 'expected true or false (without quotes); got the text "true"' in said
    assert 'got the text "7.5"' in said and "expected a whole number; got the number 7.5" in said


def test_an_unknown_key_lists_the_valid_keys(tmp_path: Path) -> None:
    pkg = broken(
        tmp_path,
        "parameters.toml",
        "{ from = 2022-01-01, value = 0.10",
        "{ from = 2022-01-01, untill = 2023-01-01, value = 0.10",
    )
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    d = next(d for d in info.value.diagnostics if d.code == "E121")
    assert "did you mean 'until'?" in d.hint_en
    assert "valid keys: assumption, from, note, note_en, refs, source, until, value" in d.hint_en


def test_a_syntax_error_in_facts_is_the_one_thing_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: one syntax error in facts.toml gave 90 errors, the real one 65th."""
    pkg = broken(tmp_path, "facts.toml", 'type = "bool"', 'type = "bool')
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    errors = [d for d in info.value.diagnostics if d.severity == "error"]
    assert [d.code for d in errors] == ["E101"]
    assert info.value.suppressed > 0
    assert len(str(info.value).splitlines()) <= 5
    assert main(["check", "--errors-only", str(pkg)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) <= 5, out
    assert "facts.toml:10:13: error[E101" in out[1]
    assert re.search(r"and \d+ follow-on error\(s\)", out[-1])


def test_a_percent_sign_in_parameters_is_the_one_thing_shown(tmp_path: Path) -> None:
    """Regression: ``value = 3%`` read "a { has no closing }" and the decision tables it
    declared were then listed as 12 unknown functions."""
    pkg = tmp_path / "pkg"
    shutil.copytree(Path(__file__).resolve().parents[1] / "rules" / "liangjiang_zjtx_2022", pkg)
    params = pkg / "parameters.toml"
    params.write_text(
        params.read_text(encoding="utf-8").replace("value = 0.03,", "value = 3%,", 1), encoding="utf-8"
    )
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    errors = [d for d in info.value.diagnostics if d.severity == "error"]
    assert [d.code for d in errors] == ["E101"]
    assert "0.03 for 3%" in errors[0].message_en and "'%'" in errors[0].message_zh
    assert info.value.suppressed > 0


def test_the_year_in_a_target_quote_is_not_its_count(tmp_path: Path) -> None:
    """``到2025年…达到50家``: count = 2025 is the year, not the plan's figure."""
    pkg = tmp_path / "pkg"
    shutil.copytree(Path(__file__).resolve().parents[1] / "rules" / "liangjiang_zjtx_2022", pkg)
    policy = pkg / "policy.toml"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(
        text.replace('count = 50\nquote = "到2025年', 'count = 2025\nquote = "到2025年', 1), encoding="utf-8"
    )
    d = first_error(pkg, "E144")
    assert "count = 2025" in d.message_en


def test_a_broken_declaration_loses_only_itself(tmp_path: Path) -> None:
    pkg = broken(tmp_path, "facts.toml", "[facts.revenue]\ntype", "[facts.revenue]\ntyp")
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    codes = sorted(d.code for d in info.value.diagnostics if d.severity == "error")
    assert codes == ["E121", "E122"]  # no unknown 'revenue', no unknown 'registered'
    assert info.value.suppressed >= 1


def test_errors_come_before_warnings_and_errors_only_hides_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pkg = broken(tmp_path, "measures.toml", 'expr = "big"', 'expr = "bigg"')
    main(["check", str(pkg)])
    out = capsys.readouterr().out
    assert out.index("error[E203") < out.index("warning[W501")
    main(["check", "--errors-only", str(pkg)])
    assert "warning[" not in capsys.readouterr().out


def test_an_unused_derived_value_or_table_is_a_warning(tmp_path: Path) -> None:
    spare = (
        '[tables.spare]\ntitle_zh = "备用"\ntitle_en = "Spare"\nhit_policy = "unique"\nresult = "int"\n'
        'inputs = [ { name = "on", type = "bool" } ]\n'
    )
    spare += '[[tables.spare.versions]]\nfrom = 2022-01-01\nsource = "test"\n'
    spare += "rows = [ { on = true, value = 1 }, { on = false, value = 0 } ]\n\n"
    pkg = broken(tmp_path, "derived.toml", "", '[derived.spare_value]\nexpr = "revenue > 5"\n\n' + spare)
    rules = zjtx_rules.load_rules(pkg)
    unused = [(d.location.line, d.message_en) for d in rules.warnings if d.code == "W802"]
    assert unused == [
        (1, "derived value 'spare_value' is not used by any rule"),
        (4, "decision table 'spare' is not used by any rule"),
    ]


def test_never_true_suggests_the_likely_scale(tmp_path: Path) -> None:
    text = (MINI / "facts.toml").read_text(encoding="utf-8")
    pkg = broken(tmp_path, "facts.toml", text, text + '\n[facts.share]\ntype = "ratio"\nmin = 0\nmax = 1\n')
    derived = pkg / "derived.toml"
    derived.write_text(
        derived.read_text(encoding="utf-8").replace("threshold", "threshold and share >= 3"), encoding="utf-8"
    )
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    d = next(d for d in info.value.diagnostics if d.code == "E309")
    assert "never true" in d.message_en and "0 ≤ x ≤ 1" in d.message_en
    assert "did you mean 0.03" in d.hint_en


def test_a_parameter_ends_with_until(tmp_path: Path) -> None:
    pkg = broken(
        tmp_path,
        "parameters.toml",
        '{ from = 2023-01-01, value = 0.20, source = "test" }',
        '{ from = 2023-01-01, until = 2023-07-01, value = 0.20, source = "test" }',
    )
    rules = zjtx_rules.load_rules(pkg)
    assert rules.params["rate"].at(date(2023, 6, 30)) == Decimal("0.20")
    assert rules.params["rate"].at(date(2023, 7, 1)) is None
    profile = {"id": "a", "registered": True, "revenue": "1500", "tier": "silver"}
    before = rules.evaluate(profile, as_of=date(2023, 6, 30)).measure("grant")
    after = rules.evaluate(profile, as_of=date(2023, 7, 1)).measure("grant")
    assert before.amounts["amount"] == Decimal("500.00")
    assert after.amounts.get("amount") is None  # the rate has ended: the amount is not known


def test_a_measure_closes_from_a_date(tmp_path: Path) -> None:
    pkg = broken(
        tmp_path,
        "measures.toml",
        'benefit = "cash"',
        'benefit = "cash"\nclosed_from = 2023-03-01\nclosed_note_en = "budget spent"',
    )
    rules = zjtx_rules.load_rules(pkg)
    profile = {"id": "a", "registered": True, "revenue": "1500", "tier": "silver"}
    assert rules.evaluate(profile, as_of=date(2023, 2, 28)).measure("grant").status == "eligible"
    closed = rules.evaluate(profile, as_of=date(2023, 3, 1)).measure("grant")
    assert closed.status == "ineligible"
    assert any("closed from 2023-03-01 (budget spent)" in r.text_en for r in closed.reasons)


def test_a_table_version_may_change_single_rows(tmp_path: Path) -> None:
    pkg = broken(tmp_path, "parameters.toml", "[[invariants]]", SECOND_VERSION + "\n[[invariants]]")
    rules = zjtx_rules.load_rules(pkg)
    later = rules.params["bonus"].at(date(2023, 1, 1))
    assert [r.value for r in later.rows] == [Decimal(400), Decimal(200), Decimal(0)]
    assert rules.params["bonus"].at(date(2022, 12, 31)).rows[0].value == Decimal(300)
    spec = rules.table_specs["bonus"]
    assert len(spec.versions[1].rows) == 3  # views and diffs see the whole version


def test_the_bundled_quotes_occur_in_the_plan(tmp_path: Path) -> None:
    shutil.copytree(BUNDLED, tmp_path / "pkg")
    measures = tmp_path / "pkg" / "measures.toml"
    text = measures.read_text(encoding="utf-8")
    measures.write_text(
        text.replace("壮大市场主体规模。进一步", "壮大市场主体规模。进步", 1), encoding="utf-8"
    )
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(tmp_path / "pkg")
    d = next(d for d in info.value.diagnostics if d.code == "E142")
    assert "进步优化" in d.message_zh


def test_an_expression_that_fails_does_not_fail_its_users_again(tmp_path: Path) -> None:
    pkg = broken(
        tmp_path,
        "derived.toml",
        "",
        '[derived.its]\nexpr = "filter(itemz, i -> true)"\n\n[derived.many]\nexpr = "count(its) > 1"\n\n',
    )
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    errors = [(d.code, d.location.line) for d in info.value.diagnostics if d.severity == "error"]
    assert errors == [("E203", 2)]
    assert info.value.suppressed == 1


def test_a_table_version_ends_with_until(tmp_path: Path) -> None:
    pkg = broken(
        tmp_path,
        "parameters.toml",
        "from = 2022-01-01\nsource",
        "from = 2022-01-01\nuntil = 2023-01-01\nsource",
    )
    rules = zjtx_rules.load_rules(pkg)
    assert rules.params["bonus"].at(date(2022, 12, 31)) is not None
    assert rules.params["bonus"].at(date(2023, 1, 1)) is None
    profile = {"id": "a", "registered": True, "revenue": "1500", "tier": "silver"}
    grant = rules.evaluate(profile, as_of=date(2023, 1, 1)).measure("grant")
    assert grant.amounts.get("amount") is None  # the bonus table has ended


def test_the_decimal_bounds_admit_every_real_figure(tmp_path: Path) -> None:
    """The edges of E107: 40 significant digits, 1e30 and 1e-30 load (as parameters)."""
    for value in (
        "1e30",
        "9.99e30",
        "1e-30",
        "0." + "0" * 29 + "1",
        "1234567890." + "1" * 30,
        "0.0",
        "-1e30",
    ):
        pkg = broken(tmp_path / value, "parameters.toml", "value = 0.20,", f"value = {value},")
        text = (pkg / "parameters.toml").read_text(encoding="utf-8")
        (pkg / "parameters.toml").write_text(text.replace('type = "ratio"', 'type = "number"', 1), "utf-8")
        zjtx_rules.load_rules(pkg)


@pytest.mark.parametrize("command", ["check", "test"])
def test_an_absurd_parameter_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Regression: ``value = 1e999999999`` made ``zjtx check`` and ``zjtx test`` print a
    ``decimal.Overflow`` traceback (from the message that showed the value)."""
    pkg = tmp_path / "pkg"
    shutil.copytree(BUNDLED, pkg)
    params = pkg / "parameters.toml"
    text = params.read_text(encoding="utf-8")
    assert "value = 1.00," in text
    params.write_text(text.replace("value = 1.00,", "value = 1e999999999,", 1), encoding="utf-8")
    code = main([command, str(pkg)])
    said = capsys.readouterr()
    assert code in (1, 2)
    assert "error[E107 number-out-of-range]" in said.out + said.err
    assert "got 1E+999999999" in said.out + said.err and "Traceback" not in said.err


def test_an_exponent_in_an_expression_is_refused_where_it_is(tmp_path: Path) -> None:
    """Expression numbers have no exponent and at most 30 digits, so none can overflow."""
    d = first_error(
        broken(tmp_path, "derived.toml", '"revenue >= threshold"', '"revenue > 1e999999"'), "E112"
    )
    assert (d.location.line, d.location.column) == (2, 20)


def test_a_choice_written_in_chinese_is_its_own_label(tmp_path: Path) -> None:
    """``choices = ["汽车", "其他"]`` needs no ``choice_labels_zh``; an id-like choice does."""
    fact = (
        '\n[facts.industry]\ntype = "enum"\nchoices = ["汽车", "其他"]\n'
        'label_zh = "行业"\nlabel_en = "Industry"\n'
        'question_zh = "所属行业？"\nquestion_en = "Industry?"\n'
        'choice_labels_en = { "汽车" = "Automotive", "其他" = "Other" }\n'
    )
    text = (MINI / "facts.toml").read_text(encoding="utf-8")
    rules = zjtx_rules.load_rules(broken(tmp_path / "ok", "facts.toml", text, text + fact))
    assert [d.code for d in rules.warnings] == ["W501"]
    id_like = fact.replace('["汽车", "其他"]', '["auto", "其他"]').replace('"汽车" = ', "auto = ")
    d = first_error(broken(tmp_path / "bad", "facts.toml", text, text + id_like), "E128")
    assert "choice_labels_zh (auto)" in d.message_en


def test_a_missing_english_text_is_a_warning_not_an_error(tmp_path: Path) -> None:
    pkg = broken(tmp_path, "facts.toml", 'label_en = "Id"\nquestion_zh', "question_zh")
    text = (pkg / "facts.toml").read_text(encoding="utf-8")
    (pkg / "facts.toml").write_text(text.replace('question_en = "Tier?"\n', ""), encoding="utf-8")
    rules = zjtx_rules.load_rules(pkg)
    found = [(d.code, d.location.path) for d in rules.warnings if d.code == "W801"]
    assert found == [("W801", "facts.id.label_en"), ("W801", "facts.tier.question_en")]


def test_a_text_for_one_language_may_be_titled_in_it_only(tmp_path: Path) -> None:
    """A derived value named ..._en (English text for the English reasons) may have an English
    title only, and ..._zh a Chinese one; any other titled value needs both."""
    extra = (
        '[derived.note_en]\ntitle_en = "A note"\nexpr = "if big then \\"yes\\" else \\"\\""\n\n'
        '[derived.note_zh]\ntitle_zh = "提示"\nexpr = "if big then \\"是\\" else \\"\\""\n\n'
    )
    rules = zjtx_rules.load_rules(broken(tmp_path / "ok", "derived.toml", "", extra))
    assert [d.code for d in rules.warnings if d.code != "W501"] == ["W802", "W802"]  # unused only
    d = first_error(broken(tmp_path / "bad", "derived.toml", "", extra.replace("note_en", "note_x")), "E128")
    assert d.location.line == 1 and "title_zh" in d.message_en
