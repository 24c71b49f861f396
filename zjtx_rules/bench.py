"""``zjtx bench``: speed of every way of running a package, measured in one run.

Figures, not a timed test. Each path is timed by the wall clock and by CPU time (this process
and the worker processes it waited for), because the machine may be shared: when the load
average is above the number of cores, wall times grow and CPU times much less, so compare CPU
times between runs. The load average is printed before and after. Paths: validation only,
evaluation from dicts (reasons on and off) and from JSON text, ``to_dict`` (with and without
texts), ``to_compact`` and ``to_json`` of a fresh result (its lazy fields are explained inside
the figure), evaluation and writing together, JSON Lines through ``batch`` (compact lines
with one worker and all cores, whole results with ``--full``), and the durable-rules back
end on the same profiles. ``--batch-lines N`` adds one large batch in a separate process
and reports its time and peak memory.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from zjtx_rules.evaluate.ruleset import RuleSet, load_rules
from zjtx_rules.quality.generate import generate


@dataclass(frozen=True)
class Row:
    """One path: how many items it handled, in how many seconds of wall clock and of CPU."""

    label: str
    items: int
    wall: float
    cpu: float

    @property
    def wall_us(self) -> float:
        return self.wall / self.items * 1e6

    @property
    def cpu_us(self) -> float:
        return self.cpu / self.items * 1e6

    @property
    def rate(self) -> float:
        return self.items / self.wall if self.wall else 0.0


def cpu_seconds() -> float:
    """CPU time of this process (fine-grained) and of the child processes it has waited for
    (in clock ticks: enough for batches, which run for seconds)."""
    t = os.times()
    return time.process_time() + t.children_user + t.children_system


def measure(
    label: str,
    items: int,
    fn: Callable[..., object],
    repeat: int = 1,
    setup: Callable[[], object] | None = None,
) -> Row:
    """Run ``fn`` ``repeat`` times; keep the fastest wall time and the smallest CPU time.
    With ``setup``, each run gets a fresh ``fn(setup())`` and the setup is not timed."""
    walls, cpus = [], []
    for _ in range(repeat):
        arg = None if setup is None else setup()
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        fn() if setup is None else fn(arg)
        walls.append(time.perf_counter() - wall0)
        cpus.append(cpu_seconds() - cpu0)
    return Row(label, items, min(walls), min(cpus))


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def _each(fn: Callable[[Any], object], items: list[Any]) -> Callable[[], None]:
    def run() -> None:
        for item in items:
            fn(item)

    return run


def _in_process_rows(
    rules: RuleSet, profiles: list[Any], texts: list[str], day: date, repeat: int
) -> tuple[list[Row], list[int]]:
    """Validation, evaluation from dicts and from text, and the ways of writing a result; and
    the sizes of the results' JSON, smallest first."""
    count = len(profiles)

    def best(label: str, fn: Callable[[Any], object], items: list[Any]) -> Row:
        return measure(label, count, _each(fn, items), repeat)

    rows = [
        best("JSON loads + dumps of a line (floor)", lambda t: json.dumps(json.loads(t)), texts),
        best("validate only", rules.validate_profile, profiles),
        best("evaluate(dict), reasons on", lambda p: rules.evaluate(p, day), profiles),
        best("evaluate(dict), reasons off", lambda p: rules.evaluate(p, day, reasons=False), profiles),
        best("evaluate(JSON text), reasons off", lambda t: rules.evaluate(t, day, reasons=False), texts),
    ]

    # A result explains itself when a field is first read (reasons, missing facts,
    # assumptions), so each run writes fresh results: the explaining is in these figures.
    def written(label: str, fn: Callable[[Any], object], reasons: bool = True) -> Row:
        def fresh() -> list[Any]:
            gc.unfreeze()  # the previous run's results may go
            results = [rules.evaluate(p, day, reasons=reasons) for p in profiles]
            # Neither the collector's debt from building them nor its passes over thousands
            # of live results are the writing's (a caller writing as it evaluates holds one).
            gc.collect()
            gc.freeze()
            return results

        def write(results: list[Any]) -> None:
            for r in results:  # each output dropped at once, as a caller writing lines would
                fn(r)

        try:
            return measure(label, count, write, repeat, fresh)
        finally:
            gc.unfreeze()

    rows += [
        written("result.to_dict()", lambda r: r.to_dict()),
        written("result.to_dict(texts=False)", lambda r: r.to_dict(texts=False)),
        written("result.to_compact()", lambda r: r.to_compact(), reasons=False),
        written("result.to_json()", lambda r: r.to_json()),
        best("evaluate(dict) + to_json()", lambda p: rules.evaluate(p, day).to_json(), profiles),
        best(
            "evaluate(dict) + to_compact(), no reasons",
            lambda p: rules.evaluate(p, day, reasons=False).to_compact(),
            profiles,
        ),
    ]
    return rows, sorted(len(rules.evaluate(p, day).to_json().encode("utf-8")) for p in profiles)


def _batch_rows(rules_dir: str | None, texts: list[str], day: date) -> tuple[list[Row], float, float]:
    """JSON Lines through ``batch``: compact lines with one worker and with every core, whole
    results with one; and the bytes per line of compact and of whole results."""
    from zjtx_rules.batch.stream import run_batch

    count = len(texts)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        src.write_text("".join(t + "\n" for t in texts), "utf-8")
        cores = os.cpu_count() or 1
        runs = [(w, False) for w in sorted({1, cores})] + [(1, True)]
        for workers, full in runs:
            out = str(Path(tmp) / f"out{workers}{'full' if full else ''}.jsonl")

            def one_batch(w: int = workers, o: str = out, f: bool = full) -> None:
                run_batch(str(src), o, rules_dir=rules_dir, as_of=day, workers=w, full=f)

            shape = " --full" if full else ""
            rows.append(measure(f"batch JSONL -> JSONL{shape}, {workers} worker(s)", count, one_batch))
        line_bytes = (Path(tmp) / "out1.jsonl").stat().st_size / count
        full_bytes = (Path(tmp) / "out1full.jsonl").stat().st_size / count
    return rows, line_bytes, full_bytes


def _durable_row(rules: RuleSet, profiles: list[Any], day: date) -> Row | None:
    """The durable-rules back end on the same profiles, when it is installed."""
    try:
        from zjtx_rules.backends.durable import DurableBackend
    except ImportError:
        return None
    backend = DurableBackend(rules, day)
    return measure("durable-rules back end (statuses only)", len(profiles), _each(backend.statuses, profiles))


def _speedups(rows: list[Row]) -> list[str]:
    """Each evaluation path against evaluate(dict) with reasons (CPU), each batch against one
    worker (wall)."""
    lines = []
    by = {r.label: r for r in rows}
    on = by["evaluate(dict), reasons on"]
    for r in rows:
        if r is not on and r.label.startswith(("evaluate", "durable")) and "+" not in r.label:
            lines.append(f"{r.label}: {on.cpu / r.cpu:.2f}x the speed of evaluate(dict) with reasons (CPU)")
    one = by["batch JSONL -> JSONL, 1 worker(s)"]
    floor = by["JSON loads + dumps of a line (floor)"]
    lines.append(f"{one.label}: {floor.cpu / one.cpu:.3f} of the JSON loads + dumps floor (CPU)")
    for r in rows:
        if r.label.startswith("batch JSONL -> JSONL,") and r is not one:
            lines.append(f"{r.label}: {one.wall / r.wall:.2f}x one worker (wall)")
    return lines


def run_bench(rules_dir: str | None, count: int, seed: int, *, repeat: int = 3, batch_lines: int = 0) -> str:
    load_before = _load()
    rules = load_rules(rules_dir)
    day = rules.policy.valid_to
    profiles = list(generate(rules, count, seed, missing=0.0, as_of=day))
    texts = [json.dumps(p, ensure_ascii=False) for p in profiles]
    rules.evaluate(profiles[0], day)  # warm the parameter cache
    rows, sizes = _in_process_rows(rules, profiles, texts, day, repeat)
    batch_rows, line_bytes, full_bytes = _batch_rows(rules_dir, texts, day)
    rows += batch_rows
    durable = _durable_row(rules, profiles, day)
    if durable is not None:
        rows.append(durable)
    lines = [
        f"zjtx bench: {rules.policy.id} {rules.policy.version}, {count} generated complete "
        f"profiles (seed {seed}), as of {day}; best of {repeat} for the in-process paths",
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        f"load average before: {load_before}; after: {_load()}",
        "",
        f"{'':<42}{'wall µs':>10}{'CPU µs':>10}{'per s':>10}",
    ]
    for r in rows:
        lines.append(f"{r.label:<42}{r.wall_us:>10.1f}{r.cpu_us:>10.1f}{r.rate:>10,.0f}")
    if durable is None:
        lines.append("durable-rules back end: not installed")
    lines.append("")
    lines.append(
        f"result JSON: median {sizes[len(sizes) // 2]:,} bytes, largest {sizes[-1]:,}; "
        f"batch output {line_bytes:,.0f} bytes per line (compact, the default), "
        f"{full_bytes:,.0f} with --full"
    )
    lines += _speedups(rows)
    if batch_lines:
        lines.append("")
        lines.append(big_batch(rules_dir, batch_lines, seed))
    return "\n".join(lines) + "\n"


def big_batch(rules_dir: str | None, count: int, seed: int, workers: int | None = None) -> str:
    """One batch of ``count`` generated lines in a child process: time and peak memory.

    The output goes to the null device: what is measured is the engine and the batch loop,
    not the disk.
    """
    rules = load_rules(rules_dir)
    day = rules.policy.valid_to
    workers = workers or os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for p in generate(rules, count, seed, missing=0.1, as_of=day):
                fh.write(json.dumps(p, ensure_ascii=False) + "\n")
        size = src.stat().st_size
        cmd = [sys.executable, "-m", "zjtx_rules", "batch", str(src), "--out", os.devnull]
        cmd += ["--as-of", day.isoformat(), "--workers", str(workers)]
        if rules_dir:
            cmd += ["--rules", rules_dir]
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    if done.returncode != 0:
        return f"batch of {count:,} lines failed: {done.stderr.strip()}"
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    return (
        f"batch of {count:,} lines ({size / 1e6:,.0f} MB in), {workers} worker(s): {wall:,.1f} s wall, "
        f"{cpu:,.1f} s CPU, {count / wall:,.0f} lines/s; peak RSS of the largest process "
        f"{peak_mb:,.0f} MB; load average now {_load()}"
    )
