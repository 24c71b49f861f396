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


# --- issue 8: one record never costs another; the user's files are never put at risk -------

CRASHING_FORMAT = '{"id":"fmt","revenue_cny":"0.000000000001","rd_expense_cny":"999999999999999"}'
HUGE_INT = '{"id":"big","employees":123456789012345678901234567890}'


def _cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "zjtx_rules.cli", "batch", *args, "--as-of", AS_OF.isoformat()],
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
                [sys.executable, "-m", "zjtx_rules.cli", "batch", "-", "--out", str(src)],
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
    _chaos_input(rules, src, 1000)
    run_batch(str(src), str(full), as_of=AS_OF)
    size = full.stat().st_size
    cmd = [sys.executable, "-m", "zjtx_rules.cli", "batch", str(src), "--out", str(part)]
    cmd += ["--as-of", AS_OF.isoformat(), "--workers", str(workers)]
    # CHUNK is 400 lines, so 1000 lines are written in 3 pieces; a mark up to 60% of the output
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
