"""Evaluating records in bounded chunks, in this process or in a pool of worker processes
that start with this process's compiled rules (forked; spawned ones load them once); at most
a few chunks are in flight, and results come back in input order.

A worker hands back each chunk's output as the bytes to write, with its counts (and the
summary records only when a summary is kept): the parent writes and adds up, so that with two
workers it is not the third process competing for the two cores (issue 21)."""

from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, NamedTuple

from zjtx_rules.batch.lines import evaluate_record
from zjtx_rules.batch.records import Record
from zjtx_rules.evaluate.ruleset import RuleSet, load_rules

CHUNK = 400


class Done(NamedTuple):
    """One chunk evaluated: its output lines, encoded and each ending in a newline; how many
    lines and how many of them errors; and each line's summary record, when one is kept."""

    data: bytes
    lines: int
    errors: int
    records: list[dict[str, Any]] | None


# what the process evaluating chunks (this one, or a worker) evaluates them with
_STATE: dict[str, Any] = {}


def _init_worker(rules_dir: str | None, as_of: date, reasons: bool, full: bool, summary: bool) -> None:
    _STATE.update(rules=load_rules(rules_dir), as_of=as_of, reasons=reasons, full=full, summary=summary)


def _work(chunk: list[Record]) -> Done:
    rules, as_of, reasons, full = _STATE["rules"], _STATE["as_of"], _STATE["reasons"], _STATE["full"]
    summary = _STATE["summary"]
    results = [evaluate_record(rules, r, as_of, reasons, full, summary=summary) for r in chunk]
    data = "".join([line + "\n" for line, _ in results]).encode("utf-8")
    errors = sum(1 for _, rec in results if rec.get("error"))
    return Done(data, len(results), errors, [rec for _, rec in results] if summary else None)


def chunks(records: Iterator[Record], skip: int) -> Iterator[list[Record]]:
    """``records`` after the first ``skip``, in lists of ``CHUNK``."""
    chunk: list[Record] = []
    for i, rec in enumerate(records):
        if i < skip:
            continue
        chunk.append(rec)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def evaluate_chunks(
    pieces: Iterator[list[Record]],
    emit: Callable[[Done], None],
    *,
    rules: RuleSet,
    rules_dir: str | None,
    as_of: date,
    reasons: bool,
    full: bool,
    workers: int,
    summary: bool = True,
) -> None:
    """Evaluate each chunk and hand its results to ``emit``, in order: here with ``rules``
    when ``workers`` is 1, else in ``workers`` processes that load ``rules_dir`` themselves.
    ``summary``: keep each line's summary record."""
    _STATE.update(rules=rules, as_of=as_of, reasons=reasons, full=full, summary=summary)
    if workers <= 1:
        for chunk in pieces:
            emit(_work(chunk))
        return
    # A forked worker starts with this process's compiled rules (``_STATE``, set above), so
    # it loads nothing: a load is about a second of CPU, as much as 1,000 lines. A spawned
    # one (Windows) starts empty and loads ``rules_dir`` itself.
    fork = sys.platform != "win32"
    if fork:  # and with the package's decision compiled (on first use), not once per worker
        logged = bool(rules.assumed_at(as_of)[1])  # a day with assumed table rows
        _ = rules.program.logged_decision if logged else rules.program.decision
        for t in rules.tiers:
            _ = t.logged_decision if logged else t.decision
    ctx = multiprocessing.get_context("fork" if fork else "spawn")
    init = None if fork else _init_worker
    with ctx.Pool(workers, init, () if fork else (rules_dir, as_of, reasons, full, summary)) as pool:
        pending: deque[Any] = deque()
        for chunk in pieces:
            pending.append(pool.apply_async(_work, (chunk,)))
            if len(pending) >= 3 * workers:
                emit(pending.popleft().get())
        while pending:
            emit(pending.popleft().get())
