"""``zjtx bench``: every path is reported with wall and CPU time, and the machine's load."""

from __future__ import annotations

import re

from zjtx_rules.bench import Row, big_batch, measure, run_bench
from zjtx_rules.cli.main import build_parser

PATHS = [
    "JSON loads + dumps of a line (floor)",
    "validate only",
    "evaluate(dict), reasons on",
    "evaluate(dict), reasons off",
    "evaluate(JSON text), reasons off",
    "result.to_dict()",
    "result.to_dict(texts=False)",
    "result.to_compact()",
    "result.to_json()",
    "evaluate(dict) + to_json()",
    "evaluate(dict) + to_compact(), no reasons",
    "batch JSONL -> JSONL, 1 worker(s)",
    "batch JSONL -> JSONL --full, 1 worker(s)",
]


def test_every_path_has_wall_and_cpu_figures() -> None:
    text = run_bench(None, 12, 1, repeat=1)
    assert re.search(r"load average before: \d+\.\d\d \(1 min\)", text)
    for label in PATHS:
        row = next(line for line in text.splitlines() if line.startswith(label))
        wall, cpu, rate = row[len(label) :].split()
        assert float(wall) > 0 and float(cpu) > 0 and int(rate.replace(",", "")) >= 0
    assert "durable-rules back end" in text
    assert re.search(r"1 worker\(s\): \d\.\d{3} of the JSON loads \+ dumps floor", text)
    assert re.search(r"result JSON: median [\d,]+ bytes", text)
    assert re.search(r"batch output [\d,]+ bytes per line \(compact, the default\), [\d,]+ with --full", text)


def test_measure_keeps_the_best_of_its_runs() -> None:
    calls: list[int] = []
    row = measure("x", 4, lambda: calls.append(1), repeat=3)
    assert len(calls) == 3 and isinstance(row, Row) and row.items == 4
    assert row.cpu_us == row.cpu / 4 * 1e6


def test_a_large_batch_reports_time_and_peak_memory() -> None:
    text = big_batch(None, 30, 2, workers=1)
    assert re.search(r"batch of 30 lines .* lines/s; peak RSS of the largest process [\d,]+ MB", text)


def test_cli_bench_takes_repeat_and_batch_lines() -> None:
    args = build_parser().parse_args(["bench", "--count", "3", "--repeat", "2", "--batch-lines", "10"])
    assert (args.count, args.repeat, args.batch_lines) == (3, 2, 10)


def test_measure_with_setup_gives_each_run_a_fresh_argument() -> None:
    """Results explain themselves when first read, so timing ``to_json`` on one list of
    results would time the explaining once and the cache after: each run needs its own."""
    made: list[object] = []
    seen: list[object] = []

    def setup() -> object:
        made.append(object())
        return made[-1]

    measure("x", 1, seen.append, repeat=3, setup=setup)
    assert seen == made and len({id(x) for x in seen}) == 3
