from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zjtx_rules
from tests.conftest import MINI
from zjtx_rules import ProfileError
from zjtx_rules.profile.model import credit_code_check_char, decimal_pattern, parse_json


def paths(exc: pytest.ExceptionInfo[ProfileError]) -> list[str]:
    return sorted(e.path for e in exc.value.errors)


def test_numbers_parse_to_decimal_without_float() -> None:
    doc = parse_json('{"a": 0.1, "b": 12345678901234567890.123, "c": 3}')
    assert doc == {"a": Decimal("0.1"), "b": Decimal("12345678901234567890.123"), "c": Decimal(3)}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"a": NaN}', "bad_number"),
        ('{"a": Infinity}', "bad_number"),
        ('{"a": ' + "9" * 10_000 + "}", "number_too_long"),
        ('{"a": ', "bad_json"),
        (b'{"a": "\xff"}', "bad_encoding"),
        ("[" * 100_000 + "]" * 100_000, "too_deep"),
    ],
)
def test_hostile_json_is_refused_with_a_code(text: str | bytes, code: str) -> None:
    with pytest.raises(ProfileError) as info:
        parse_json(text)
    assert info.value.errors[0].code == code
    assert info.value.errors[0].path == "$"


def test_validation_errors_carry_json_paths(rules: zjtx_rules.RuleSet) -> None:
    bad = {
        "registered_in_area": "yes",
        "industry": "汽车x",
        "revenue_cny": -1,
        "debt_ratio": "abc",
        "founded_on": "2020-02-30",
        "employees": "1.5",
        "qualifications": [{"kind": "little_giant"}],
        "talents": [{"id": "a", "contributions_cny": {"2024": 1.55555}}],
        "patents_granted": [
            {"number": "x", "kind": "invention", "region": "mars", "granted_on": "2024-01-01"}
        ],
    }
    with pytest.raises(ProfileError) as info:
        rules.evaluate(bad, "2025-01-01")
    assert paths(info) == sorted(
        [
            "$.id",
            "$.registered_in_area",
            "$.industry",
            "$.revenue_cny",
            "$.debt_ratio",
            "$.founded_on",
            "$.employees",
            "$.qualifications[0].recognized_on",
            "$.talents[0].contributions_cny.2024",
            "$.patents_granted[0].region",
        ]
    )
    for e in info.value.errors:
        assert e.message_zh and e.message_en


def test_float_in_a_dict_is_read_through_its_shortest_repr(rules: zjtx_rules.RuleSet) -> None:
    facts = rules.validate_profile({"id": "x", "revenue_cny": 0.1, "sci_staff_ratio": 1 / 3})
    assert facts["revenue_cny"] == Decimal("0.1")
    assert facts["sci_staff_ratio"] == Decimal("0.3333333333333333")


def test_a_json_number_just_past_a_bound_is_refused_not_rounded_through_float(
    rules: zjtx_rules.RuleSet,
) -> None:
    """1.0000000000000001 is 1.0 as a float; read as written it is above ``max = 1``."""
    doc = parse_json(b'{"id": "x", "sci_staff_ratio": 1.0000000000000001}')
    with pytest.raises(ProfileError) as info:
        rules.validate_profile(doc)
    assert paths(info) == ["$.sci_staff_ratio"]
    assert rules.validate_profile(parse_json(b'{"id": "x", "sci_staff_ratio": 1.0}'))["sci_staff_ratio"] == 1


def test_money_with_more_than_two_decimals_says_so(rules: zjtx_rules.RuleSet) -> None:
    for value in (0.1 + 0.2, Decimal("1.005"), "1.005"):
        with pytest.raises(ProfileError) as info:
            rules.evaluate({"id": "x", "revenue_cny": value}, "2025-01-01")
        assert paths(info) == ["$.revenue_cny"]
        message = info.value.errors[0].message_en
        assert "2 decimal places" in message


def test_unknown_fact_suggests_the_right_name(rules: zjtx_rules.RuleSet) -> None:
    with pytest.raises(ProfileError) as info:
        rules.evaluate({"id": "x", "revnue_cny": "1"}, "2025-01-01")
    assert "revenue_cny" in info.value.errors[0].message_en


def test_null_means_unknown(rules: zjtx_rules.RuleSet) -> None:
    ev = rules.evaluate(
        {"id": "x", "registered_in_area": None, "serious_dishonesty": False, "qualifications": []},
        "2025-01-01",
    )
    assert ev.measure("talent_reward").status == "ineligible"
    assert ev.measure("policy_platform").missing == ["registered_in_area"]


def test_credit_code_check_character() -> None:
    assert credit_code_check_char("91350100M000100Y4") == "3"
    assert credit_code_check_char("91110108551385082") == "Q"


def test_profile_must_be_an_object(rules: zjtx_rules.RuleSet) -> None:
    with pytest.raises(ProfileError):
        rules.evaluate("[1, 2]", "2025-01-01")


@pytest.mark.parametrize("digits", [29, 30, 34, 40])
def test_int_fact_with_29_to_40_digits_is_a_profile_error(rules: zjtx_rules.RuleSet, digits: int) -> None:
    big = "1" * digits
    for profile in (f'{{"id": "x", "employees": {big}}}', {"id": "x", "employees": Decimal(big)}):
        with pytest.raises(ProfileError) as info:
            rules.evaluate(profile, "2025-01-01")
        assert paths(info) == ["$.employees"]


def test_python_int_of_5000_digits_is_a_profile_error(rules: zjtx_rules.RuleSet) -> None:
    for fact in ("employees", "revenue_cny", "sci_staff_ratio"):
        with pytest.raises(ProfileError) as info:
            rules.evaluate({"id": "x", fact: 10**5000}, "2025-01-01")
        assert paths(info) == [f"$.{fact}"]
        assert "an integer of about 5001 digits" in info.value.errors[0].message_en  # 10**5000: 5001


@pytest.mark.parametrize("text", ["+5", ".5", "1_000", "1e3", "５", " 5", "05", "0x10", "5.", "-1"])
def test_decimal_strings_outside_the_published_pattern_are_refused(
    rules: zjtx_rules.RuleSet, text: str
) -> None:
    with pytest.raises(ProfileError) as info:
        rules.evaluate({"id": "x", "revenue_cny": text}, "2025-01-01")
    assert info.value.errors[0].code == "string_pattern_mismatch"


def test_ratio_from_javascript_is_read_exactly(rules: zjtx_rules.RuleSet) -> None:
    facts = rules.validate_profile('{"id": "a", "sci_staff_ratio": 0.3333333333333333}')
    assert facts["sci_staff_ratio"] == Decimal("0.3333333333333333")


def test_bounds_apply_to_strings_and_numbers_alike(rules: zjtx_rules.RuleSet) -> None:
    for value in ("5", Decimal(5), 5, 5.0, "1.5"):
        with pytest.raises(ProfileError):
            rules.evaluate({"id": "x", "sci_staff_ratio": value}, "2025-01-01")
    assert rules.validate_profile({"id": "x", "sci_staff_ratio": "1.000"})["sci_staff_ratio"] == 1


def test_wrong_credit_code_check_character_is_warning_w720(rules: zjtx_rules.RuleSet) -> None:
    ev = rules.evaluate({"id": "x", "credit_code": "91350100M000100Y44"}, "2025-01-01")
    assert [w["code"] for w in ev.warnings] == ["W720"]
    ok = rules.evaluate({"id": "x", "credit_code": "91350100M000100Y43"}, "2025-01-01")
    assert ok.warnings == []


def test_schema_describes_facts_in_both_languages(rules: zjtx_rules.RuleSet) -> None:
    schema = rules.profile_schema()
    start = schema["properties"]["talent_award_start_year"]["description"]
    assert "人才奖励起始年度" in start and "default: the evaluation year" in start
    assert "W720" in schema["properties"]["credit_code"]["description"]
    assert schema["properties"]["credit_code"]["anyOf"][0]["pattern"] == "^[0-9A-HJ-NPQRTUWXY]{18}$"


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y43\n", "91350100M000100I43"])
def test_credit_code_of_wrong_shape_is_refused_by_the_pattern(rules: zjtx_rules.RuleSet, code: str) -> None:
    with pytest.raises(ProfileError) as info:
        rules.evaluate({"id": "x", "credit_code": code}, "2025-01-01")
    assert info.value.errors[0].code == "string_pattern_mismatch"


_SHAPES = [
    (0, 1, True, 30),
    (-1, 100, True, 30),
    (0, 10**15, False, 2),
    (0, 10**6, False, 0),
    (2000, 2100, True, 0),
]


@settings(max_examples=500, derandomize=True, database=None)
@given(
    shape=st.sampled_from(_SHAPES),
    whole=st.one_of(st.integers(0, 3), st.integers(0, 3000), st.integers(0, 10**16)),
    fraction=st.one_of(st.just(""), st.from_regex(r"\.[0-9]{1,4}", fullmatch=True)),
    negative=st.booleans(),
)
def test_decimal_pattern_accepts_exactly_the_numbers_in_bounds(
    shape: tuple[int, int, bool, int], whole: int, fraction: str, negative: bool
) -> None:
    lo, hi, inclusive, places = shape
    text = ("-" if negative else "") + str(whole) + fraction
    value = Decimal(text)
    within = value >= lo and (value <= hi if inclusive else value < hi)
    spelled = len(fraction) - 1 <= places if fraction else not (negative and value == 0 and places == 0)
    expected = within and spelled and not (negative and lo >= 0)
    assert bool(re.fullmatch(decimal_pattern(lo, hi, inclusive, places), text)) == expected


_RULES = zjtx_rules.load_rules()
_NUMBERS = ("int", "money", "number", "ratio")
_NUMBER_FACTS = sorted(n for n, f in _RULES.program.facts.items() if f.type in _NUMBERS)


@settings(max_examples=400, derandomize=True, database=None)
@given(
    fact=st.sampled_from(_NUMBER_FACTS),
    whole=st.one_of(st.integers(0, 3), st.integers(0, 10**9), st.integers(10**14, 10**21)),
    fraction=st.one_of(st.just(""), st.from_regex(r"\.[0-9]{1,4}0?", fullmatch=True)),
    negative=st.booleans(),
)
def test_a_decimal_string_is_taken_or_refused_as_its_decimal_is(
    fact: str, whole: int, fraction: str, negative: bool
) -> None:
    """A string is converted without pydantic-core's check of bounds and places (its pattern
    spells them out): whatever a string gives, its Decimal gives too."""
    text = ("-" if negative else "") + str(whole) + fraction

    def outcome(value: object) -> object:
        try:
            return _RULES.validate_profile({"id": "x", fact: value})[fact]
        except ProfileError:
            return "refused"

    as_text = outcome(text)
    if as_text != "refused":
        assert as_text == outcome(Decimal(text)) and str(as_text) == text


def _nested(depth: int, leaf: object = "x") -> object:
    doc = leaf
    for i in range(depth):
        doc = [doc] if i % 2 else {"k": doc}
    return doc


@pytest.mark.parametrize(
    "value",
    [
        _nested(2_000),
        [_nested(2_000)],
        [10**5000],
        {"a": -(10**5000)},
        {10**5000: 1},
        [Decimal("1e999999999")],
        "x" * 1_000_000,
    ],
    ids=["nested-2000", "list-of-nested", "list-of-huge-int", "map-of-huge-int", "huge-int-key", "huge-exp",
         "long-text"],
)  # fmt: skip
def test_a_bad_value_is_shown_bounded_in_the_message(rules: zjtx_rules.RuleSet, value: object) -> None:
    """Regression: the message builder ran ``str()`` on the bad value itself, which raised
    RecursionError (2,000 deep) or ValueError (over 4,300 digits) instead of ProfileError."""
    for fact in ("employees", "founded_on", "talents"):
        with pytest.raises(ProfileError) as info:
            rules.evaluate({"id": "x", fact: value}, "2025-01-01")
        assert all(len(e.message_en) < 400 and len(e.path) < 200 for e in info.value.errors)


def test_an_unknown_key_of_a_megabyte_is_shown_cut(rules: zjtx_rules.RuleSet) -> None:
    with pytest.raises(ProfileError) as info:
        rules.evaluate({"id": "x", "k" * 1_000_000: 1}, "2025-01-01")
    assert [e.path for e in info.value.errors] == ["$." + "k" * 59 + "…"]


def test_a_ratio_sent_as_a_percentage_gets_the_fraction_to_send() -> None:
    """45 for a debt ratio of 45%: the error says to send 0.45, in both languages."""
    import zjtx_rules

    rules = zjtx_rules.load_rules()
    with pytest.raises(zjtx_rules.ProfileError) as err:
        rules.evaluate({"id": "x", "debt_ratio": 45}, "2025-06-30")
    text = str(err.value)
    assert "请填 0.45" in text and "send 0.45 for 45%" in text
    with pytest.raises(zjtx_rules.ProfileError) as err:
        rules.evaluate({"id": "x", "debt_ratio": 1000}, "2025-06-30")
    assert "percentage" not in str(err.value)  # not a percentage either: no guess


@pytest.mark.parametrize(
    ("bounds", "taken"),
    [
        ('type = "decimal"\nmin = -100\nmax = 0', {"-5", "-0.5", "0"}),
        ('type = "decimal"\nmin = 5\nmax = 5', {"5"}),
        ('type = "ratio"\nmin = 0\nmax = 0', {"0"}),
        ('type = "int"\nmin = -100\nmax = 0', {"-5", "0"}),
        ('type = "decimal"\nmin = -100\nbelow = 0', {"-5", "-0.5"}),
        ('type = "money"\nmin = 0\nbelow = 1000\ndecimals = 0', {"0", "5", "999"}),
    ],
    ids=["max-0", "min-is-max", "ratio-0-to-0", "int-max-0", "below-0", "money-decimals-0"],
)
def test_a_bound_or_place_count_of_zero_is_a_bound(tmp_path: Path, bounds: str, taken: set[str]) -> None:
    """Regression: ``below = 0`` and ``decimals = 0`` were read as absent (``or`` on a falsy
    Decimal), and a bound of 0 or ``min = max`` made a pattern pydantic-core could not build."""
    pkg = tmp_path / "pkg"
    shutil.copytree(MINI, pkg)
    facts = next(p for p in sorted(pkg.glob("*.toml")) if "[facts." in p.read_text("utf-8"))
    texts = 'label_zh = "某值"\nlabel_en = "x"\nquestion_zh = "某值？"\nquestion_en = "x?"\n'
    extra = f"\n[facts.xx]\n{bounds}\n{texts}"
    facts.write_text(facts.read_text("utf-8") + extra, "utf-8")
    rules = zjtx_rules.load_rules(pkg)
    for text in ("-5", "-0.5", "0", "5", "5.5", "0.55", "999", "1000"):
        for value in (text, Decimal(text)):
            try:
                rules.validate_profile({"id": "x", "xx": value})
                got = True
            except ProfileError:
                got = False
            assert got == (text in taken), (bounds, value)
