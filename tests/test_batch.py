from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import zjtx_rules
from tests.conftest import EXAMPLES
from zjtx_rules.batch.stream import run_batch
from zjtx_rules.batch.summary import Summary
from zjtx_rules.evaluate.result import CompactDict, compact_adapter
from zjtx_rules.quality.generate import generate

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
    assert all(len(r["statuses"]) == 30 for r in rows if "error" not in r)


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
    assert rows[0]["amounts"]["talent_reward"]["reward_total"] == "100.01"
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
        "zjtx_rules",
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


# --- issue 8: one record never costs another; the user's files are never put at risk -------

CRASHING_FORMAT = '{"id":"fmt","revenue_cny":"0.000000000001","rd_expense_cny":"999999999999999"}'
HUGE_INT = '{"id":"big","employees":123456789012345678901234567890}'


def _cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "zjtx_rules", "batch", *args, "--as-of", AS_OF.isoformat()],
        input=stdin,
        capture_output=True,
        check=False,
    )


def test_a_result_that_crashed_formatting_no_longer_loses_its_chunk(tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text('{"id":"a"}\n' + CRASHING_FORMAT + '\n{"id":"b"}\n', encoding="utf-8")
    stats = run_batch(str(src), str(out), as_of=AS_OF)
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    # Money now takes at most 2 decimals (issue 10), so this record is refused as a profile
    # error instead of reaching the formatter (tests/test_textfmt.py pins the formatter itself);
    # either way its neighbours are answered.
    assert stats.lines == 3 and stats.errors == 1
    assert [r.get("profile_id") for r in rows] == ["a", None, "b"]
    assert rows[1]["line"] == 2 and rows[1]["errors"][0]["path"] == "$.revenue_cny"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_record_raising_anything_becomes_its_own_error_line(
    rules: zjtx_rules.RuleSet, tmp_path: Path, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = zjtx_rules.RuleSet.evaluate

    def flaky(self: zjtx_rules.RuleSet, profile: Any, *args: Any, **kwargs: Any) -> Any:
        if b'"boom"' in (profile if isinstance(profile, bytes) else b""):
            raise RuntimeError("a bug")
        return real(self, profile, *args, **kwargs)

    monkeypatch.setattr(zjtx_rules.RuleSet, "evaluate", flaky)  # forked workers inherit it
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text('{"id":"a"}\n{"id":"boom"}\n' + HUGE_INT + '\n{"id":"b"}\n', encoding="utf-8")
    stats = run_batch(str(src), str(out), as_of=AS_OF, workers=workers)
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["profile_id"] == "a" and rows[3]["profile_id"] == "b"
    assert rows[1]["error"] == "internal_error" and rows[1]["errors"][0]["message_en"]
    assert "error" in rows[2]  # invalid_profile once profile.py checks sizes; never a lost chunk
    assert stats.errors == 2


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink", "stdin"])
def test_out_equal_to_the_input_is_refused_before_it_is_truncated(tmp_path: Path, how: str) -> None:
    src = tmp_path / "in.jsonl"
    content = b'{"id":"a"}\n{"id":"b"}\n'
    src.write_bytes(content)
    out = tmp_path / "link.jsonl"
    if how == "same":
        out = src
    elif how == "symlink":
        out.symlink_to(src)
    elif how == "hardlink":
        os.link(src, out)
    if how == "stdin":
        with src.open("rb") as fh:
            done = subprocess.run(
                [sys.executable, "-m", "zjtx_rules", "batch", "-", "--out", str(src)],
                stdin=fh,
                capture_output=True,
                check=False,
            )
    else:
        done = _cli(str(src), "--out", str(out))
    assert done.returncode == 2
    assert "input file itself" in done.stderr.decode() and "Traceback" not in done.stderr.decode()
    assert src.read_bytes() == content
    with pytest.raises(zjtx_rules.UsageError):
        run_batch(str(src), str(src), as_of=AS_OF)
    assert src.read_bytes() == content


@pytest.mark.parametrize("flag", ["--out", "--summary"])
def test_a_missing_folder_is_reported_before_the_run(tmp_path: Path, flag: str) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id":"a"}\n', encoding="utf-8")
    target = tmp_path / "no" / "such" / "file.json"
    args = [str(src), flag, str(target)]
    if flag == "--summary":
        args += ["--out", str(tmp_path / "out.jsonl")]
    done = _cli(*args)
    err = done.stderr.decode()
    assert done.returncode == 2 and "Traceback" not in err
    assert f"the folder of {flag} does not exist" in err and "文件夹不存在" in err
    assert not (tmp_path / "out.jsonl").exists()  # refused before the run, not after it


def test_resume_refuses_an_output_made_from_another_input(rules: zjtx_rules.RuleSet, tmp_path: Path) -> None:
    other, mine, out = tmp_path / "other.jsonl", tmp_path / "mine.jsonl", tmp_path / "out.jsonl"
    write_jsonl(other, rules, 3, seed=1)
    write_jsonl(mine, rules, 5, seed=2)
    run_batch(str(other), str(out), as_of=AS_OF)
    before = out.read_bytes()
    with pytest.raises(zjtx_rules.UsageError) as info:
        run_batch(str(mine), str(out), as_of=AS_OF, resume=True)
    assert {"input", "head_sha256"} <= set(info.value.details["differ"])
    assert out.read_bytes() == before
    # the same input with other rules options or another date is refused too
    with pytest.raises(zjtx_rules.UsageError):
        run_batch(str(other), str(out), as_of=date(2024, 1, 1), resume=True)
    # an output with no side file (older, or not ours) cannot be vouched for
    (tmp_path / "out.jsonl.resume.json").unlink()
    done = _cli(str(other), "--out", str(out), "--resume")
    assert done.returncode == 2 and "cannot resume" in done.stderr.decode()
    assert out.read_bytes() == before


def test_resume_of_the_same_input_records_and_checks_its_fingerprint(
    rules: zjtx_rules.RuleSet, tmp_path: Path
) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, rules, 4)
    run_batch(str(src), str(out), as_of=AS_OF)
    side = json.loads((tmp_path / "out.jsonl.resume.json").read_text(encoding="utf-8"))
    assert side["input"] == str(src.resolve()) and side["size"] == src.stat().st_size
    assert len(side["head_sha256"]) == 64
    stats = run_batch(str(src), str(out), as_of=AS_OF, resume=True)
    assert stats.resumed_from == 4 and stats.lines == 0


def _chaos_input(rules: zjtx_rules.RuleSet, path: Path, count: int) -> None:
    good = [json.dumps(p, ensure_ascii=False) for p in generate(rules, count, 11, missing=0.2)]
    bad = ["{not json", "", "[1, 2]", '{"id": "n", "debt_ratio": NaN}', CRASHING_FORMAT, HUGE_INT]
    lines = []
    for i, line in enumerate(good):
        lines.append(line)
        if i % 37 == 5:
            lines.append(bad[i % len(bad)])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("workers", [1, 2])
def test_chaos_three_sigkills_at_random_points_then_resume_is_byte_identical(
    rules: zjtx_rules.RuleSet, tmp_path: Path, workers: int
) -> None:
    import random

    rng = random.Random(8_000 + workers)
    src, full, part = tmp_path / "in.jsonl", tmp_path / "full.jsonl", tmp_path / "part.jsonl"
    _chaos_input(rules, src, 3000)  # enough work left after a mark for the kill to land mid-run
    # whole results (--full): their writes are slow enough for the kills below to land
    # mid-run; compact lines are resumed after a kill in the test above
    run_batch(str(src), str(full), as_of=AS_OF, full=True)
    size = full.stat().st_size
    cmd = [sys.executable, "-m", "zjtx_rules", "batch", str(src), "--out", str(part), "--full"]
    cmd += ["--as-of", AS_OF.isoformat(), "--workers", str(workers)]
    # CHUNK is 400 lines, so 3000 lines are written in 8 pieces; a mark up to 60% of the output
    # is passed before the last piece, and the random delay then lands the kill anywhere:
    # while a chunk is computed, between writes, or after the last one
    marks = sorted(rng.uniform(0.05, 0.6) * size for _ in range(3))
    kills, cut_short = 0, 0
    for i, mark in enumerate(marks):
        proc = subprocess.Popen(
            cmd + (["--resume"] if i else []), stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if part.exists() and part.stat().st_size >= mark:
                break
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.3))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the whole group: parent and pool workers
            kills += 1
        proc.wait()
        cut_short += part.stat().st_size < size
    assert kills == 3
    assert cut_short >= 1  # at least one kill left work for --resume
    done = subprocess.run([*cmd, "--resume"], capture_output=True, check=False, text=True)
    assert done.returncode == 1, done.stderr  # 1: the file has bad lines, each answered
    assert part.read_bytes() == full.read_bytes()


def test_a_pipe_input_is_read_once_and_cannot_be_resumed(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    r, w = os.pipe()
    os.write(w, b'{"id":"a"}\n{"id":"b"}\n')
    os.close(w)
    try:
        assert run_batch(f"/dev/fd/{r}", str(out), as_of=AS_OF).lines == 2  # not fingerprinted first
        with pytest.raises(zjtx_rules.UsageError):
            run_batch(f"/dev/fd/{r}", str(out), as_of=AS_OF, resume=True)
    finally:
        os.close(r)
    assert not (tmp_path / "out.jsonl.resume.json").exists()


# --- issue 12 item 3: a compact line by default, the whole result with --full ---------------

LG = EXAMPLES / "little_giant_11_talents.json"


def test_the_compact_line_of_the_little_giant_example_stands_alone(
    rules: zjtx_rules.RuleSet, tmp_path: Path
) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps(json.loads(LG.read_text(encoding="utf-8")), ensure_ascii=False) + "\n", "utf-8")
    run_batch(str(src), str(out), as_of=AS_OF)
    text = out.read_text(encoding="utf-8")
    row = json.loads(text)
    compact_adapter().validate_python(row, strict=True)
    assert set(row) == {"line", *CompactDict.__annotations__}
    assert row["line"] == 1 and row["profile_id"] == "LJ-2025-0001" and row["as_of"] == "2025-06-30"
    assert row["policy"] == {"id": rules.policy.id, "version": rules.policy.version, "sha256": rules.sha256}
    assert list(row["statuses"]) == [m.id for m in rules.measures]
    assert row["statuses"]["talent_reward"] == "eligible"
    talent = row["amounts"]["talent_reward"]
    assert talent["reward_total"] == "1310061.50" and talent["quota"] == 8
    assert talent["reward_by_year"] == {"2024": "462861.00", "2025": "479000.50", "2026": "368200.00"}
    # a titled little giant is no seed (seed_pool_scope), so the seed pool has no ranking score
    assert set(row["amounts"]) == {"patent_subsidy", "policy_loans", "talent_reward"}
    assert row["missing"] == [] and row["warnings"] == []
    assert "talent_quota" in row["assumptions"] and len(set(row["assumptions"])) == len(row["assumptions"])
    assert row["tiers"] == {
        "tech_sme": "surpassed",
        "municipal_zjtx": "held",
        "little_giant": "held",
        "single_champion": "not_ready",
    }
    assert "little_giant" in row["targets"]
    assert len(text.encode("utf-8")) < 3072 and ", " not in text  # 11 talents: a rich profile; no padding


def test_compact_lines_of_generated_profiles_stay_near_2_kb(
    rules: zjtx_rules.RuleSet, tmp_path: Path
) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    lines = [json.dumps(p, ensure_ascii=False) for p in generate(rules, 400, 1, missing=0.1)]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_batch(str(src), str(out), as_of=AS_OF)
    sizes = sorted(len(x) for x in out.read_bytes().splitlines())
    assert len(sizes) == 400
    assert sizes[len(sizes) // 2] <= 2048, sizes[len(sizes) // 2]
    assert sizes[-1] <= 3584, sizes[-1]
    missing = [json.loads(x)["missing"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert any(missing)  # facts left out are named, once each
    assert all(len(set(m)) == len(m) for m in missing)


def test_full_output_is_the_whole_result_as_before(rules: zjtx_rules.RuleSet, tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    lines = write_jsonl(src, rules, 40)
    run_batch(str(src), str(out), as_of=AS_OF, full=True)
    expected = "".join(
        json.dumps({"line": n, **rules.evaluate(x, AS_OF, reasons=False).to_dict()}, ensure_ascii=False)
        + "\n"
        for n, x in enumerate(lines, 1)
    )
    assert out.read_text(encoding="utf-8") == expected
    with_reasons = tmp_path / "reasons.jsonl"
    run_batch(str(src), str(with_reasons), as_of=AS_OF, reasons=True)  # --reasons: whole results
    first = json.loads(with_reasons.read_text(encoding="utf-8").splitlines()[0])
    assert first["measures"][0]["reasons"][0]["text_en"]


def test_compact_and_full_outputs_give_the_same_summary(rules: zjtx_rules.RuleSet, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    write_jsonl(src, rules, 200)
    lean, whole = Summary(rules), Summary(rules)
    run_batch(str(src), str(tmp_path / "a.jsonl"), as_of=AS_OF, summary=lean)
    run_batch(str(src), str(tmp_path / "b.jsonl"), as_of=AS_OF, summary=whole, full=True)
    assert lean.to_dict() == whole.to_dict()
    # a resumed compact run rebuilds its summary from the lines already written
    again = Summary(rules)
    run_batch(str(src), str(tmp_path / "a.jsonl"), as_of=AS_OF, summary=again, resume=True)
    assert again.to_dict() == lean.to_dict()


@pytest.mark.parametrize(
    "first, second", [({}, {"full": True}), ({"full": True}, {}), ({}, {"reasons": True})]
)
def test_resume_refuses_an_output_of_another_shape(
    rules: zjtx_rules.RuleSet, tmp_path: Path, first: dict[str, bool], second: dict[str, bool]
) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, rules, 3)
    run_batch(str(src), str(out), as_of=AS_OF, **first)
    before = out.read_bytes()
    with pytest.raises(zjtx_rules.UsageError) as info:
        run_batch(str(src), str(out), as_of=AS_OF, resume=True, **second)
    assert "output" in info.value.details["differ"]
    assert out.read_bytes() == before


def test_resume_of_a_side_file_from_before_compact_lines_means_whole_results(
    rules: zjtx_rules.RuleSet, tmp_path: Path
) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, rules, 3)
    run_batch(str(src), str(out), as_of=AS_OF, full=True)
    side = tmp_path / "out.jsonl.resume.json"
    old = json.loads(side.read_text(encoding="utf-8"))
    del old["output"]
    side.write_text(json.dumps(old), encoding="utf-8")
    assert run_batch(str(src), str(out), as_of=AS_OF, resume=True, full=True).resumed_from == 3
    with pytest.raises(zjtx_rules.UsageError):
        run_batch(str(src), str(out), as_of=AS_OF, resume=True)


def test_cli_full_flag_and_compact_schema(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(json.loads(LG.read_text(encoding="utf-8"))) + "\n", encoding="utf-8")
    done = _cli(str(src), "--full")
    assert done.returncode == 0 and len(json.loads(done.stdout)["measures"]) == 30
    schema = subprocess.run(
        [sys.executable, "-m", "zjtx_rules", "schema", "compact"], capture_output=True, check=True
    )
    doc = json.loads(schema.stdout)
    assert doc["title"] == "zjtx_rules compact batch line"
    assert {"statuses", "amounts", "missing", "assumptions", "policy"} <= set(doc["required"])


def test_resume_of_a_finished_output_with_error_lines_still_exits_1(tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text('{"id":"a"}\n{not json\n', encoding="utf-8")
    assert _cli(str(src), "--out", str(out)).returncode == 1
    again = _cli(str(src), "--out", str(out), "--resume")
    assert again.returncode == 1, again.stderr
    assert b"resumed after 2, 1 errors among them" in again.stderr
