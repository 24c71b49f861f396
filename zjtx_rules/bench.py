"""``zjtx bench``: speed of every way of running a package, measured in one run.

Figures, not a timed test: profiles/s and µs/profile for evaluation from dicts (reasons on
and off), JSON Lines in to JSON Lines out through ``batch`` (one worker and all cores), and
the durable-rules back end on the same profiles, with the ratios between them.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .generate import generate
from .loader import load_rules


def _time(fn: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) / count


def run_bench(rules_dir: str | None, count: int, seed: int) -> str:
    from .batch import run_batch

    rules = load_rules(rules_dir)
    day = rules.policy.valid_to
    profiles = list(generate(rules, count, seed, missing=0.0, as_of=day))
    rows: list[tuple[str, float]] = []

    def evaluate_all(reasons: bool) -> None:
        for p in profiles:
            rules.evaluate(p, day, reasons=reasons)

    rules.evaluate(profiles[0], day)  # warm the parameter cache
    rows.append(("evaluate(dict), reasons on", _time(lambda: evaluate_all(True), count)))
    rows.append(("evaluate(dict), reasons off", _time(lambda: evaluate_all(False), count)))
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        src.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in profiles), "utf-8")
        cores = os.cpu_count() or 1
        for workers in sorted({1, cores}):
            out = str(Path(tmp) / f"out{workers}.jsonl")

            def one_batch(w: int = workers, o: str = out) -> None:
                run_batch(str(src), o, rules_dir=rules_dir, as_of=day, workers=w)

            rows.append((f"batch JSONL -> JSONL, {workers} worker(s)", _time(one_batch, count)))
    try:
        from .backends.durable import DurableBackend

        backend = DurableBackend(rules, day)
        rows.append(
            (
                "durable-rules back end (statuses only)",
                _time(lambda: [backend.statuses(p) for p in profiles], count),
            )
        )
    except ImportError:
        rows.append(("durable-rules back end: not installed", float("nan")))
    lines = [
        f"zjtx bench: {rules.policy.id} {rules.policy.version}, {count} generated complete "
        f"profiles (seed {seed}), as of {day}",
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "",
        f"{'':<44}{'µs/profile':>12}{'profiles/s':>12}",
    ]
    for label, sec in rows:
        per = sec * 1e6
        lines.append(f"{label:<44}{per:>12.1f}{(1 / sec if sec == sec and sec else 0):>12,.0f}")
    base = dict(rows)
    lines.append("")
    on = base["evaluate(dict), reasons on"]
    for label, sec in rows[1:]:
        if sec == sec:
            lines.append(f"{label}: {on / sec:.2f}x the speed of evaluate(dict) with reasons")
    one = base.get("batch JSONL -> JSONL, 1 worker(s)")
    for label, sec in rows:
        if one and label.startswith("batch") and "1 worker" not in label:
            lines.append(f"{label}: {one / sec:.2f}x one worker")
    return "\n".join(lines) + "\n"
