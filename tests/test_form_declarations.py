"""What a page builds itself from, declared by the package: form sections (``[sections.ID]``,
a fact's ``section``) and an output's table of records (``[measures.M.outputs.O.table]``),
checked when the package loads and described by ``RuleSet.describe``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import zjtx_rules
from tests.conftest import BUNDLED
from zjtx_rules.errors import RuleError
from zjtx_rules.program.policyinfo import policy_adapter

ROOT = Path(__file__).resolve().parent.parent
MIIT = ROOT / "rules" / "miit_innovative_sme_2022"
TABLE_PKG = Path(__file__).resolve().parent / "diagnostics" / "E213" / "pkg"
SECTION_PKG = Path(__file__).resolve().parent / "diagnostics" / "E212" / "pkg"


def edited(tmp_path: Path, pkg: Path, old: str, new: str) -> Path:
    dest = tmp_path / "pkg"
    shutil.copytree(pkg, dest)
    path = dest / "rules.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return dest


def refused(pkg: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(RuleError) as info:
        zjtx_rules.load_rules(pkg)
    return [(d.code, d.location.path, d.message_en) for d in info.value.diagnostics]


def test_the_bundled_packages_declare_their_sections() -> None:
    lj = zjtx_rules.load_rules(BUNDLED).describe()
    assert [s["title_zh"] for s in lj["sections"]] == ["基本信息", "经营与研发", "资质", "人才", "专利"]
    by_name = {f["name"]: f["section"] for f in lj["facts"]}
    assert by_name["qualifications"] == "quals" and by_name["talents"] == "talents"
    assert by_name["revenue_cny"] == "business" and "section" not in lj["facts"][-1]["fields"][0]
    miit = zjtx_rules.load_rules(MIIT).describe()
    assert [s["id"] for s in miit["sections"]] == ["basic", "ip", "finance", "honours"]
    assert {f["section"] for f in miit["facts"]} == {"basic", "ip", "finance", "honours"}
    policy_adapter().validate_python(lj)
    policy_adapter().validate_python(miit)


def test_describe_says_how_the_package_presents_itself() -> None:
    lj = zjtx_rules.load_rules(BUNDLED).describe()
    p = lj["policy"]
    assert p.get("headline") == ["cash"] and p.get("tiers_title_zh") == "梯度成长（第3条）"
    assert p.get("clause_format_zh") == "第{clause}条" and p.get("period_name_zh") == "政策期"
    assert list(p.get("benefits", {}))[:2] == ["cash", "loan"]
    assert {"id": "talent_reward_rate"}.items() <= lj.get("parameters", [])[1].items()
    talent = next(m for m in lj["measures"] if m["id"] == "talent_reward")
    table = next(o["table"] for o in talent["outputs"] if "table" in o)
    assert table["records"] == "talents" and table["selected"] == "selected_talents"
    miit = zjtx_rules.load_rules(MIIT).describe()["policy"]
    assert miit.get("headline") == ["innovative_sme_recognition.total_score"]
    assert miit.get("clause_format_zh") == "{clause}" and miit.get("benefits") == {
        "recognition": {"label_zh": "认定", "label_en": "recognition"}
    }
    assert miit.get("status_words_zh", {}).get("eligible") == "符合条件"


def test_sections_follow_order_then_declaration_and_undeclared_facts_go_to_other(tmp_path: Path) -> None:
    pkg = edited(
        tmp_path,
        SECTION_PKG,
        '[sections.basic]\ntitle_zh = "基本信息"\ntitle_en = "Basic information"\n',
        '[sections.late]\ntitle_zh = "后"\ntitle_en = "Late"\n\n'
        '[sections.basic]\ntitle_zh = "基本信息"\ntitle_en = "Basic information"\norder = 1\n\n'
        '[facts.size]\ntype = "bool"\nlabel_zh = "规模"\nlabel_en = "Size"\n'
        'question_zh = "大吗？"\nquestion_en = "Large?"\n',
    )
    (pkg / "rules.toml").write_text(
        (pkg / "rules.toml").read_text(encoding="utf-8").replace('section = "basci"', 'section = "basic"'),
        encoding="utf-8",
    )
    described = zjtx_rules.load_rules(pkg).describe()
    assert [s["id"] for s in described["sections"]] == ["basic", "late", "other"]
    assert {f["name"]: f["section"] for f in described["facts"]} == {"registered": "basic", "size": "other"}


def test_a_section_twice_or_on_a_records_field_is_refused(tmp_path: Path) -> None:
    pkg = edited(tmp_path, SECTION_PKG, 'section = "basci"', 'section = "basic"')
    (pkg / "more.toml").write_text(
        '[sections.basic]\ntitle_zh = "又"\ntitle_en = "Again"\n', encoding="utf-8"
    )
    assert [c for c, _, _ in refused(pkg)] == ["E202"]
    pkg = edited(
        tmp_path / "b",
        TABLE_PKG,
        '[facts.staff.fields.id]\ntype = "string"\n',
        '[facts.staff.fields.id]\ntype = "string"\nsection = "x"\n',
    )
    assert ("E212", "facts.staff.fields.id.section") in [(c, p) for c, p, _ in refused(pkg)]


@pytest.mark.parametrize(
    ("old", "new", "path", "says"),
    [
        ('records = "staff"', 'records = "stuff"', "records", "'stuff' is not a list fact"),
        ('key = "id"', 'key = "pay_cny"', "key", "no field 'pay_cny'"),
        ('by_year = "pay"', 'by_year = "id"', "by_year", "no year_money_map field 'id'"),
        ('by_year = "pay"', 'by_year = "pay_cny"\nselected = "by_year"', "selected", "not an ids output"),
        ('by_year = "pay"', 'by_year = "pay_cny"\ncaption = ["total"]', "caption[0]", "not another output"),
        ('type = "money_by_year"', 'type = "money"', "", "belongs on a money_by_year output"),
    ],
)
def test_a_table_that_names_what_is_not_there_is_refused(
    tmp_path: Path, old: str, new: str, path: str, says: str
) -> None:
    pkg = edited(tmp_path, TABLE_PKG, old, new)
    if path != "by_year":
        text = (
            (pkg / "rules.toml")
            .read_text(encoding="utf-8")
            .replace('by_year = "pay"\n', 'by_year = "pay_cny"\n')
        )
        (pkg / "rules.toml").write_text(text, encoding="utf-8")
    found = [(p, m) for c, p, m in refused(pkg) if c == "E213"]
    where = "measures.grant.outputs.by_year.table" + (f".{path}" if path else "")
    assert any(p == where and says in m for p, m in found), found
