"""Continuing an interrupted output: the side file (``OUT.resume.json``) that ties it to its
input, rules and options, the check that they are the same, and the cut of a partial last
line left by a kill, so that no record is repeated or skipped."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from zjtx_rules.batch.lines import summary_view
from zjtx_rules.batch.summary import Summary, record_of
from zjtx_rules.errors import UsageError
from zjtx_rules.evaluate.ruleset import RuleSet

RESUME_HEAD_LINES = 100
RESUME_HEAD_BYTES = 1 << 20


def resume_file(out: str | Path) -> Path:
    """The side file that ties an output to the input it was made from."""
    p = Path(out)
    return p.with_name(p.name + ".resume.json")


def fingerprint(
    source: str, rules: RuleSet, as_of: date, reasons: bool, fmt: str, full: bool = True
) -> dict[str, Any]:
    """What an output depends on: the input (real path, size, sha256 of its first lines), the
    rules, the date and the options, the output's shape among them (compact or full lines
    must not be mixed in one file)."""
    digest = hashlib.sha256()
    with open(source, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        budget = RESUME_HEAD_BYTES
        for _ in range(RESUME_HEAD_LINES):
            line = fh.readline(budget)
            if not line:
                break
            digest.update(line)
            budget -= len(line)
            if budget <= 0:
                break
    return {
        "input": os.path.realpath(source),
        "size": size,
        "head_sha256": digest.hexdigest(),
        "rules_sha256": rules.sha256,
        "as_of": as_of.isoformat(),
        "reasons": reasons,
        "format": fmt,
        "output": "full" if full else "compact",
    }


def check_resume(out: Path, expected: dict[str, Any]) -> None:
    """Refuse to continue an output made from another input, rules or options."""
    if not out.exists() or out.stat().st_size == 0:
        return
    side = resume_file(out)
    try:
        stored = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        stored = None
    if not isinstance(stored, dict):
        raise UsageError(
            f"无法续跑：{out} 没有可用的续跑记录 {side.name}，不能确认它来自同一输入；"
            "请去掉 --resume 重新运行",
            f"cannot resume: {out} has no usable {side.name}, so it cannot be tied to this input; "
            "run again without --resume",
        )
    stored.setdefault("output", "full")  # side files from before compact lines: whole results
    differ = [k for k in expected if stored.get(k) != expected[k]]
    if differ:
        raise UsageError(
            f"无法续跑：{out} 来自不同的输入或设置（{', '.join(differ)} 不同）；请去掉 --resume 重新运行",
            f"cannot resume: {out} was made from another input or settings ({', '.join(differ)} "
            "differ); run again without --resume",
            {"differ": differ},
        )


def write_side(out: Path, doc: dict[str, Any]) -> None:
    side = resume_file(out)
    tmp = side.with_name(side.name + ".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, side)


def resume_point(out_path: Path, summary: Summary | None, rules: RuleSet) -> tuple[int, int]:
    """Cut a partial last line; count whole lines (feeding the summary); return the count
    and how many of them are errors (so a resumed run still exits 1 for an earlier one)."""
    if not out_path.exists():
        return 0, 0
    with out_path.open("rb+") as fh:
        data_end = fh.seek(0, os.SEEK_END)
        pos = data_end
        while pos > 0:  # find the last newline from the end, in blocks
            step = min(65536, pos)
            fh.seek(pos - step)
            block = fh.read(step)
            idx = block.rfind(b"\n")
            if idx >= 0:
                pos = pos - step + idx + 1
                break
            pos -= step
        if pos != data_end:
            fh.truncate(pos)
    count = errors = 0
    with out_path.open("rb") as fh:
        for raw in fh:
            count += 1
            doc = json.loads(raw)
            errors += "error" in doc
            if summary is not None:
                summary.add(record_of(rules, int(doc["line"]), summary_view(doc)))
    return count, errors
