"""Screening at scale: stream profiles in (JSON Lines or CSV), results out, one line each.

Exactly one output line per input record, in input order: the result (with ``"line"``), or
an error object with the line number, JSON paths and zh/en messages. A result line is compact
by default (``Evaluation.to_compact``: statuses, amounts, missing facts, assumption ids, about
2 KB) and the whole result with ``full`` (or ``reasons``, which only the whole result carries).
A bad line never stops the run. Memory stays flat: records are read, evaluated and written
in bounded chunks; with ``workers > 1`` each process loads and compiles the rules once, and
at most a few chunks are in flight. Output is written whole lines at a time, so ``resume``
can cut a partial last line left by a kill and carry on without repeating or skipping a
record.

Nothing the user owns is put at risk: an output that is the input itself (by name, hard link
or symlink) is refused before anything is opened for writing, missing folders are reported
before the run, and ``resume`` only continues an output whose side file
(``OUT.resume.json``) names the same input (path, size, hash of its first lines), rules and
options. A record that trips an unexpected exception becomes an error line of its own.

The parts: ``records`` (reading inputs), ``lines`` (a record to its output line), ``pool``
(chunks, in this process or worker processes), ``output`` (writing lines, progress),
``resume`` and ``paths`` (continuing an output, protecting the user's files); this module
runs them.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from zjtx_rules.batch.lines import evaluate_record as evaluate_record
from zjtx_rules.batch.lines import summary_view as summary_view
from zjtx_rules.batch.output import Progress, ResultWriter
from zjtx_rules.batch.paths import check_paths as check_paths
from zjtx_rules.batch.pool import CHUNK as CHUNK
from zjtx_rules.batch.pool import chunks, evaluate_chunks
from zjtx_rules.batch.records import CountingReader, iter_records, open_input
from zjtx_rules.batch.records import Record as Record
from zjtx_rules.batch.records import csv_profile as csv_profile
from zjtx_rules.batch.records import detect_format as detect_format
from zjtx_rules.batch.records import iter_input_profiles as iter_input_profiles
from zjtx_rules.batch.resume import RESUME_HEAD_BYTES as RESUME_HEAD_BYTES
from zjtx_rules.batch.resume import RESUME_HEAD_LINES as RESUME_HEAD_LINES
from zjtx_rules.batch.resume import check_resume, resume_point, write_side
from zjtx_rules.batch.resume import fingerprint as fingerprint
from zjtx_rules.batch.resume import resume_file as resume_file
from zjtx_rules.batch.summary import Summary
from zjtx_rules.errors import UsageError
from zjtx_rules.evaluate.ruleset import RuleSet, load_rules


@dataclass
class BatchStats:
    lines: int
    errors: int
    seconds: float
    resumed_from: int
    resumed_errors: int = 0  # error lines among those already written before a resume


def _regular_input(source: str, out: str | None, resume: bool) -> bool:
    """Whether ``source`` is a regular file (a pipe cannot be read twice); refuse ``resume``
    without an output file or a regular input."""
    if resume and not out:
        raise UsageError("--resume 需要 --out 文件", "--resume needs --out FILE")
    regular = source != "-" and os.path.isfile(source)
    if resume and not regular:
        raise UsageError(
            "--resume 需要普通的输入文件（不能是标准输入或管道）",
            "--resume needs a regular input file (not stdin or a pipe)",
        )
    return regular


def _open_output(
    in_fh: IO[bytes],
    source: str,
    out: str | None,
    meta: dict[str, Any] | None,
    *,
    rules: RuleSet,
    summary: Summary | None,
    resume: bool,
) -> tuple[IO[bytes], int, int]:
    """The output (``out``, or stdout), continued after its whole lines with ``resume`` and
    tied to its input by the side file ``meta``; the lines already there and their errors.
    ``in_fh`` is closed when this fails."""
    try:
        if resume and out and meta is not None:
            check_resume(Path(out), meta)
        skip, skipped_errors = resume_point(Path(out), summary, rules) if resume and out else (0, 0)
        if out and not resume:
            resume_file(out).unlink(missing_ok=True)  # never leave a side file naming old content
        out_fh: IO[bytes] = (
            open(out, "ab" if resume else "wb") if out else sys.stdout.buffer  # noqa: SIM115
        )
    except BaseException:
        if source != "-":
            in_fh.close()
        raise
    if out and meta is not None:
        try:
            write_side(Path(out), meta)
        except BaseException:
            in_fh.close()
            out_fh.close()
            raise
    return out_fh, skip, skipped_errors


def run_batch(
    source: str,
    out: str | None = None,
    *,
    rules_dir: str | None = None,
    as_of: date,
    workers: int = 1,
    summary: Summary | None = None,
    progress: bool = False,
    resume: bool = False,
    reasons: bool = False,
    fmt: str | None = None,
    full: bool = False,
) -> BatchStats:
    """Evaluate every record of ``source`` (a path or ``-``) and write JSON lines to ``out``:
    compact lines, or whole results with ``full`` or ``reasons``."""
    full = full or reasons
    regular = _regular_input(source, out, resume)
    check_paths(source, out)
    rules = load_rules(rules_dir)
    fmt = detect_format(source, fmt)
    in_fh = open_input(source)
    try:
        meta = fingerprint(source, rules, as_of, reasons, fmt, full) if out and regular else None
    except BaseException:
        if source != "-":
            in_fh.close()
        raise
    out_fh, skip, skipped_errors = _open_output(
        in_fh, source, out, meta, rules=rules, summary=summary, resume=resume
    )
    total = None if source == "-" else os.fstat(in_fh.fileno()).st_size
    reader = CountingReader(in_fh)
    writer = ResultWriter(out_fh, summary, Progress(sys.stderr if progress else None, total), reader)
    started = time.monotonic()
    try:
        evaluate_chunks(
            chunks(iter_records(reader, fmt), skip),
            writer.write,
            rules=rules,
            rules_dir=rules_dir,
            as_of=as_of,
            reasons=reasons,
            full=full,
            workers=workers,
            summary=summary is not None,
        )
    finally:
        writer.finish()
        if source != "-":
            in_fh.close()
        if out:
            out_fh.close()
    return BatchStats(writer.done, writer.errors, time.monotonic() - started, skip, skipped_errors)
