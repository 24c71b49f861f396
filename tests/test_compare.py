from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import zjtx_rules
from tests.conftest import BUNDLED
from zjtx_rules.batch.compare import compare
from zjtx_rules.batch.stream import iter_input_profiles
from zjtx_rules.quality.generate import generate

AS_OF = date(2025, 6, 30)


def test_one_parameter_change_moves_exactly_the_expected_enterprises(tmp_path: Path) -> None:
    new_dir = tmp_path / "new"
    shutil.copytree(BUNDLED, new_dir)
    params = new_dir / "parameters.toml"
    text = params.read_text(encoding="utf-8")
    assert '{ tier = "municipal_zjtx", value = 5,' in text
    params.write_text(
        text.replace('{ tier = "municipal_zjtx", value = 5,', '{ tier = "municipal_zjtx", value = 6,'),
        encoding="utf-8",
    )
    old, new = zjtx_rules.load_rules(BUNDLED), zjtx_rules.load_rules(new_dir)
    src = tmp_path / "in.jsonl"
    profiles = list(generate(old, 1500, 11, missing=0.1, as_of=AS_OF))
    src.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in profiles) + "\n", "utf-8")

    result = compare(old, new, iter_input_profiles(old, str(src)), AS_OF)

    expected, more_talents = [], []
    for line, p in enumerate(profiles, 1):
        m = old.evaluate(p, AS_OF).measure("talent_reward")
        if m.status == "eligible" and m.amounts["quota"] == 5:
            expected.append(line)
            if len(p.get("talents") or []) > 5:
                more_talents.append(line)
    assert more_talents, "the generated data should include municipal enterprises with 6+ talents"
    assert [e["line"] for e in result.changed] == expected
    for e in result.changed:
        assert all(c.startswith("talent_reward.") for c in e["changes"])
        assert "talent_reward.quota: 5 -> 6" in e["changes"]
        selection_changed = any(c.startswith("talent_reward.selected_talents") for c in e["changes"])
        assert selection_changed == (e["line"] in more_talents)
    d = result.to_dict()
    assert d["changed_parameters"] == [{"name": "talent_quota", "old": "8; 5; 0", "new": "8; 6; 0"}]
    assert d["moves"] == {}  # statuses do not move; only amounts do
    growth = sum(float(v["change"]) for v in d["budget_change_by_year"].values())
    assert growth > 0


def test_compare_cli(tmp_path: Path, capsys: object) -> None:
    from zjtx_rules.cli.main import main

    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a"}\n', encoding="utf-8")
    assert main(["compare", "--rules", str(BUNDLED), "--rules", str(BUNDLED), str(src)]) == 0
    assert main(["compare", "--rules", str(BUNDLED), str(src)]) == 2
