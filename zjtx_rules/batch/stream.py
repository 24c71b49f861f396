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
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from zjtx_rules.batch.summary import Summary, record_of
from zjtx_rules.display import JSON, bounded
from zjtx_rules.errors import EvaluationError, ProfileError, ProfileIssue, UsageError
from zjtx_rules.evaluate.ruleset import RuleSet, load_rules
from zjtx_rules.profile.model import MAX_PROFILE_BYTES, parse_json

CHUNK = 400
# (line number, "json" | "csv" | "error" | "profile", payload); "profile": already a mapping
Record = tuple[int, str, Any]


# --- reading ------------------------------------------------------------------------------


class _Counting:
    """Binary line reader that counts bytes (for progress) and caps line length."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.consumed = 0

    def lines(self) -> Iterator[bytes | None]:
        """Yield each line; ``None`` for a line longer than the profile size limit."""
        while True:
            line = self.fh.readline(MAX_PROFILE_BYTES + 1)
            if not line:
                return
            self.consumed += len(line)
            if len(line) > MAX_PROFILE_BYTES and not line.endswith(b"\n"):
                while True:  # skip the rest of an overlong line without holding it
                    more = self.fh.readline(1 << 20)
                    self.consumed += len(more)
                    if not more or more.endswith(b"\n"):
                        break
                yield None
                continue
            yield line


def iter_records(reader: _Counting, fmt: str) -> Iterator[Record]:
    if fmt == "jsonl":
        for n, line in enumerate(reader.lines(), 1):
            if line is None:
                yield n, "error", _issue("too_large", "行过长", "line too long")
            else:
                yield n, "json", line
        return
    text_lines = ((line or b"").decode("utf-8", errors="replace") for line in reader.lines())
    rows = csv.reader(text_lines)
    try:
        header = next(rows)
    except StopIteration:
        return
    for row in rows:
        n = rows.line_num
        if len(row) != len(header):
            yield (
                n,
                "error",
                _issue(
                    "csv_columns",
                    f"列数 {len(row)} 与表头 {len(header)} 不符",
                    f"{len(row)} columns; the header has {len(header)}",
                ),
            )
            continue
        yield n, "csv", dict(zip(header, row, strict=True))


def _issue(code: str, zh: str, en: str, path: str = "$") -> ProfileError:
    return ProfileError([ProfileIssue(path, code, zh, en)])


_TRUE = {"true", "1", "yes", "是", "y", "t"}
_FALSE = {"false", "0", "no", "否", "n", "f"}


def csv_profile(rules: RuleSet, row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as a profile: empty cells are unknown, booleans true/false (or 是/否),
    list facts are JSON in their cell, everything else is passed as text to validation."""
    out: dict[str, Any] = {}
    problems = []
    for col, cell in row.items():
        cell = cell.strip()
        if cell == "":
            continue
        spec = rules.facts.get(col)
        if spec is None:
            out[col] = cell  # validation reports it, with "did you mean"
        elif spec.type == "bool":
            low = cell.lower()
            if low in _TRUE or low in _FALSE:
                out[col] = low in _TRUE
            else:
                problems.append(
                    ProfileIssue(
                        f"$.{col}",
                        "bool_type",
                        "应为 true 或 false",
                        f"expected true or false; got {bounded(cell, JSON)}",
                    )
                )
        elif spec.type in ("list", "year_money_map"):
            try:
                out[col] = parse_json(cell)
            except ProfileError as exc:
                problems.extend(
                    ProfileIssue(f"$.{col}", e.code, e.message_zh, e.message_en) for e in exc.errors
                )
        else:
            out[col] = cell
    if problems:
        raise ProfileError(problems)
    return out


# --- evaluating (in this process or a worker) ---------------------------------------------

_STATE: dict[str, Any] = {}


def _init_worker(rules_dir: str | None, as_of: date, reasons: bool, full: bool) -> None:
    _STATE["rules"] = load_rules(rules_dir)
    _STATE["as_of"] = as_of
    _STATE["reasons"] = reasons
    _STATE["full"] = full


def summary_view(doc: dict[str, Any]) -> dict[str, Any]:
    """A compact line in the shape ``summary.record_of`` reads (measures in package order);
    a full result or an error line as it is."""
    statuses = doc.get("statuses")
    if statuses is None:
        return doc
    amounts = doc["amounts"]
    return {
        "profile_id": doc["profile_id"],
        "targets": doc["targets"],
        "measures": [{"id": k, "status": v, "amounts": amounts.get(k, {})} for k, v in statuses.items()],
    }


def evaluate_record(
    rules: RuleSet, rec: Record, as_of: date, reasons: bool, full: bool = True
) -> tuple[str, dict[str, Any]]:
    """One output line (without newline) and its summary record: the whole result when
    ``full`` (as ``to_dict()``), else the compact line (``to_compact()``, no spaces)."""
    line, kind, payload = rec
    try:
        if kind == "error":
            raise payload
        if kind == "csv":
            payload = csv_profile(rules, payload)
        elif kind == "json" and not payload.strip():
            raise _issue("empty_line", "空行", "empty line")
        evaluation = rules.evaluate(payload, as_of, reasons=reasons)
        if not full:
            lean = {"line": line, **evaluation.to_compact()}
            return json.dumps(lean, ensure_ascii=False, separators=(",", ":")), record_of(
                rules, line, summary_view(lean)
            )
        out = {"line": line, **evaluation.to_dict()}
    except ProfileError as exc:
        out = {"line": line, **exc.to_dict()}
    except EvaluationError as exc:
        out = {"line": line, **exc.to_dict()}
    except Exception as exc:  # a bug must cost this record only, never the chunk or the run
        logging.getLogger("zjtx_rules.batch.stream").exception("line %d: unexpected error", line)
        out = {"line": line, **_internal_error(exc)}
    try:
        return json.dumps(out, ensure_ascii=False), record_of(rules, line, out)
    except Exception as exc:  # e.g. a result that cannot be serialised
        logging.getLogger("zjtx_rules.batch.stream").exception("line %d: unexpected error", line)
        out = {"line": line, **_internal_error(exc)}
        return json.dumps(out, ensure_ascii=False), record_of(rules, line, out)


def _internal_error(exc: BaseException) -> dict[str, Any]:
    name = type(exc).__name__
    return {
        "error": "internal_error",
        "errors": [
            {
                "path": "$",
                "code": "internal_error",
                "message_zh": f"此记录处理出错（{name}），请报告此问题",
                "message_en": f"this record hit an internal error ({name}); please report it",
            }
        ],
    }


def _work(chunk: list[Record]) -> list[tuple[str, dict[str, Any]]]:
    rules, as_of, reasons, full = _STATE["rules"], _STATE["as_of"], _STATE["reasons"], _STATE["full"]
    return [evaluate_record(rules, r, as_of, reasons, full) for r in chunk]


def _chunks(records: Iterator[Record], skip: int) -> Iterator[list[Record]]:
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


# --- the run ------------------------------------------------------------------------------


@dataclass
class BatchStats:
    lines: int
    errors: int
    seconds: float
    resumed_from: int
    resumed_errors: int = 0  # error lines among those already written before a resume


class _Progress:
    def __init__(self, stream: IO[str] | None, total_bytes: int | None) -> None:
        self.stream = stream
        self.total = total_bytes
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, done: int, consumed: int, final: bool = False) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if not final and now - self.last < 0.5:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        text = f"\r{done} lines, {rate:,.0f}/s"
        if self.total and consumed:
            eta = (self.total - consumed) / max(consumed / max(now - self.start, 1e-9), 1e-9)
            text += f", {100 * consumed / self.total:.0f}%, ETA {eta:,.0f}s"
        self.stream.write(text + ("\n" if final else ""))
        self.stream.flush()


def _resume_point(out_path: Path, summary: Summary | None, rules: RuleSet) -> tuple[int, int]:
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


# --- protecting the user's files -----------------------------------------------------------

RESUME_HEAD_LINES = 100
RESUME_HEAD_BYTES = 1 << 20


def resume_file(out: str | Path) -> Path:
    """The side file that ties an output to the input it was made from."""
    p = Path(out)
    return p.with_name(p.name + ".resume.json")


def _same_file(a: str | int, b: str) -> bool:
    """Whether ``a`` (a path, or an open descriptor such as stdin) and path ``b`` are one file
    (device and inode: catches hard links and symlinks as well as equal names)."""
    try:
        sa = os.fstat(a) if isinstance(a, int) else os.stat(a)
        sb = os.stat(b)
    except (OSError, ValueError):
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def check_paths(source: str, out: str | None, summary: str | None = None) -> None:
    """Refuse, before anything is read or written, an output that would destroy the input and
    an output or summary whose folder is missing."""
    named = [("--out", out), ("--summary", summary)]
    for flag, target in named:
        if not target:
            continue
        folder = Path(target).parent
        if not folder.is_dir():
            raise UsageError(
                f"{flag} 的文件夹不存在: {folder}", f"the folder of {flag} does not exist: {folder}"
            )
        if Path(target).is_dir():
            raise UsageError(f"{flag} 是一个文件夹: {target}", f"{flag} is a folder: {target}")
        src: str | int | None = source if source != "-" else _stdin_fd()
        if src is not None and _same_file(src, target):
            raise UsageError(
                f"{flag} 与输入是同一个文件（{target}），会把输入清空；请换一个文件名",
                f"{flag} is the input file itself ({target}) and would erase it; choose another name",
            )
    if out and summary and _same_file(out, summary):
        raise UsageError("--summary 与 --out 是同一个文件", "--summary and --out are the same file")


def _stdin_fd() -> int | None:
    try:
        return sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):
        return None


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


def _check_resume(out: Path, expected: dict[str, Any]) -> None:
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


def _write_side(out: Path, doc: dict[str, Any]) -> None:
    side = resume_file(out)
    tmp = side.with_name(side.name + ".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, side)


def detect_format(name: str, fmt: str | None) -> str:
    if fmt:
        return fmt
    return "csv" if name.lower().endswith(".csv") else "jsonl"


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
    if resume and not out:
        raise UsageError("--resume 需要 --out 文件", "--resume needs --out FILE")
    regular = source != "-" and os.path.isfile(source)  # a pipe cannot be read twice
    if resume and not regular:
        raise UsageError(
            "--resume 需要普通的输入文件（不能是标准输入或管道）",
            "--resume needs a regular input file (not stdin or a pipe)",
        )
    check_paths(source, out)
    rules = load_rules(rules_dir)
    fmt = detect_format(source, fmt)
    try:
        in_fh: IO[bytes] = sys.stdin.buffer if source == "-" else open(source, "rb")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(
            f"无法读取输入 {source}: {exc.strerror}", f"cannot read input {source}: {exc.strerror}"
        ) from None
    try:
        meta = fingerprint(source, rules, as_of, reasons, fmt, full) if out and regular else None
        if resume and out and meta is not None:
            _check_resume(Path(out), meta)
        skip, skipped_errors = _resume_point(Path(out), summary, rules) if resume and out else (0, 0)
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
            _write_side(Path(out), meta)
        except BaseException:
            in_fh.close()
            out_fh.close()
            raise
    total = None if source == "-" else os.fstat(in_fh.fileno()).st_size
    reader = _Counting(in_fh)
    bar = _Progress(sys.stderr if progress else None, total)
    started, done, errors = time.monotonic(), 0, 0

    def emit(results: list[tuple[str, dict[str, Any]]]) -> None:
        nonlocal done, errors
        out_fh.write(("\n".join(line for line, _ in results) + "\n").encode("utf-8"))
        out_fh.flush()
        for _, rec in results:
            done += 1
            errors += bool(rec.get("error"))
            if summary is not None:
                summary.add(rec)
        bar.update(done, reader.consumed)

    chunks = _chunks(iter_records(reader, fmt), skip)
    try:
        if workers <= 1:
            _STATE.update(rules=rules, as_of=as_of, reasons=reasons, full=full)
            for chunk in chunks:
                emit(_work(chunk))
        else:
            ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
            with ctx.Pool(workers, _init_worker, (rules_dir, as_of, reasons, full)) as pool:
                pending: deque[Any] = deque()
                for chunk in chunks:
                    pending.append(pool.apply_async(_work, (chunk,)))
                    if len(pending) >= 3 * workers:
                        emit(pending.popleft().get())
                while pending:
                    emit(pending.popleft().get())
    finally:
        bar.update(done, reader.consumed, final=True)
        if source != "-":
            in_fh.close()
        if out:
            out_fh.close()
    return BatchStats(done, errors, time.monotonic() - started, skip, skipped_errors)


def iter_input_profiles(rules: RuleSet, source: str, fmt: str | None = None) -> Iterator[Record]:
    """Records of an input file, for tools that evaluate them themselves (``compare``)."""
    try:
        fh = sys.stdin.buffer if source == "-" else open(source, "rb")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(
            f"无法读取输入 {source}: {exc.strerror}", f"cannot read input {source}: {exc.strerror}"
        ) from None
    try:
        yield from iter_records(_Counting(fh), detect_format(source, fmt))
    finally:
        if source != "-":
            fh.close()
