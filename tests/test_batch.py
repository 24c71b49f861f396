from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

import zjtx_rules
from zjtx_rules.batch import run_batch
from zjtx_rules.generate import generate
from zjtx_rules.summary import Summary

AS_OF = date(2025, 6, 30)


def write_jsonl(path: Path, rules: zjtx_rules.RuleSet, count: int, seed: int = 5) -> list[str]:
    lines = [json.dumps(p, ensure_ascii=False) for p in generate(rules, count, seed, missing=0.2)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def test_bad_lines_get_an_error_each_and_order_is_kept(rules: zjtx_rules.RuleSet, tmp_path: Path) -> None:
    good = [json.dumps(p, ensure_ascii=False) for p in generate(rules, 50, 1)]
    bad = [
        '{"id": "x", "revenue_cny": "-1"}',
        "{not json",
        "",
        '{"id": "y", "debt_ratio": NaN}',
        '{"id": "z", "revenu_cny": "1"}',
        "[1, 2]",
    ]
    mixed = good[:10] + bad[:3] + good[10:30] + bad[3:] + good[30:]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(mixed) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    stats = run_batch(str(src), str(out), as_of=AS_OF)
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in rows] == list(range(1, len(mixed) + 1))
    assert stats.lines == len(mixed) and stats.errors == len(bad)
    errors = {r["line"]: r for r in rows if "error" in r}
    assert sorted(errors) == [11, 12, 13, 34, 35, 36]
    assert errors[11]["errors"][0]["path"] == "$.revenue_cny"
    assert errors[35]["errors"][0]["path"] == "$.revenu_cny"
    assert all(len(r["measures"]) == 30 for r in rows if "error" not in r)


def test_two_workers_give_the_same_output_as_one(rules: zjtx_rules.RuleSet, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    write_jsonl(src, rules, 1500)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    run_batch(str(src), str(one), as_of=AS_OF, workers=1)
    run_batch(str(src), str(two), as_of=AS_OF, workers=2)
    assert one.read_bytes() == two.read_bytes()


def test_csv_input(rules: zjtx_rules.RuleSet, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "id,registered_in_area,serious_dishonesty,qualifications,talents,revenue_cny\n"
        'a,true,否,"[{""kind"": ""municipal_zjtx"", ""recognized_on"": ""2024-01-01""}]",'
        '"[{""id"": ""t"", ""contributions_cny"": {""2025"": ""100.01""}}]",5000000\n'
        "b,maybe,false,,,\n"
        "c,true\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    run_batch(str(src), str(out), as_of=AS_OF)
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in rows] == [2, 3, 4]
    talent = next(m for m in rows[0]["measures"] if m["id"] == "talent_reward")
    assert talent["amounts"]["reward_total"] == "100.01"
    assert rows[1]["errors"][0]["path"] == "$.registered_in_area"
    assert rows[2]["errors"][0]["code"] == "csv_columns"


def test_summary_adds_up(rules: zjtx_rules.RuleSet, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = write_jsonl(src, rules, 300)
    summary = Summary(rules)
    run_batch(str(src), str(tmp_path / "out.jsonl"), as_of=AS_OF, summary=summary)
    d = summary.to_dict()
    expected_total = sum(
        (
            rules.evaluate(json.loads(x), AS_OF).measure("talent_reward").amounts.get("reward_total", 0)
            for x in lines
        ),
        start=0,
    )
    talent = next(m for m in d["measures"] if m["id"] == "talent_reward")
    assert talent["budget_total"] == f"{expected_total:.2f}"
    assert all(m["eligible"] + m["ineligible"] + m["undetermined"] == 300 for m in d["measures"])
    ranking = d["rankings"][0]
    scores = [float(r["score"]) for r in ranking["top"]]
    assert ranking["measure"] == "seed_pool" and scores == sorted(scores, reverse=True)
    assert {t["id"]: t["target"] for t in d["targets"]}["little_giant"] == 50
    assert "seed_pool" in summary.render("en")


def test_resume_after_a_kill_matches_an_uninterrupted_run(rules: zjtx_rules.RuleSet, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    write_jsonl(src, rules, 6000)
    full, part = tmp_path / "full.jsonl", tmp_path / "part.jsonl"
    run_batch(str(src), str(full), as_of=AS_OF)
    cmd = [
        sys.executable,
        "-m",
        "zjtx_rules.cli",
        "batch",
        str(src),
        "--out",
        str(part),
        "--as-of",
        AS_OF.isoformat(),
    ]
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not part.exists() or part.stat().st_size < 200_000):
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with part.open("ab") as fh:  # what a kill in the middle of a write would leave
        fh.write(b'{"line": 99999, "half a li')
    done = subprocess.run([*cmd, "--resume"], capture_output=True, check=False, text=True)
    assert done.returncode == 0, done.stderr
    assert "resumed after" in done.stderr
    assert part.read_bytes() == full.read_bytes()


def test_resume_needs_an_output_file(rules: zjtx_rules.RuleSet, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    write_jsonl(src, rules, 3)
    with pytest.raises(zjtx_rules.UsageError):
        run_batch(str(src), None, as_of=AS_OF, resume=True)
