"""Mutation testing of a rule package against its own cases (``zjtx mutate``).

Policy staff need to know which parts of their rules the package's test cases pin down. We
make single edits of the TOML *text*, each the kind of slip a person makes (``<`` for ``<=``,
``and`` for ``or``, a number or a date one step off, a condition or a table row removed, a key
deleted, a boolean flipped), load each mutated package through the public API and run its
cases. A mutant is *rejected* when the loader refuses it, *caught* when a case fails, and
*survives* otherwise: a survivor is an edit that changes what the rules say (or is
equivalent) and that nothing notices. Mutants are made from the text, never by evaluating
it; the rule text is only ever read by the engine's own loader.
"""

from __future__ import annotations

import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from zjtx_rules.errors import UsageError, ZjtxError
from zjtx_rules.evaluate.ruleset import load_rules
from zjtx_rules.package.source import KeyPath, _tokenize, locate_keys
from zjtx_rules.quality.cases import run_cases

EXPR_KEYS = frozenset({"expr", "held", "actual", "required", "or_expr"})
_FLIP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
_CMP = re.compile(r"(?<![-<>=!])(<=|>=|==|!=|<|>)(?!=)")
_LOGIC = re.compile(r"\b(and|or)\b")
_NUM = re.compile(r"(?<![\w.])\d[\d_]*(?:\.\d+)?(?![\w.])")
_INT = re.compile(r"^[+-]?\d[\d_]*$")
_DEC = re.compile(r"^[+-]?\d[\d_]*\.\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INNER_STRING = re.compile(r"\\\"[^\"\\]*\\\"|'[^']*'")

OUTCOMES = ("rejected", "caught", "crashed", "survived")
# ``refs`` cite the sources register, like ``source`` does in words: provenance, not a rule
TEXT_KEYS = frozenset({"note", "source", "source_document", "quote", "unit", "refs", "ask", "section"})
# Keys no evaluation reads besides prose: a measure's ``details`` (text for the rules page),
# a fact's ``typical`` range (example values for ``zjtx generate`` and the rules page) and
# the sources register (``[sources.ID]``: titles, numbers, dates and addresses of documents).
# So do how reports present a package: the headline, clause labels, the period's name, the
# status words, form sections (``[policy] headline``, ``clause_format_zh``..., ``[sections]``).
NO_DECISION_KEYS = frozenset(
    {"details", "typical", "sources", "headline", "clause_format_zh", "clause_format_en", "sections"}
)


def is_text_key(key: str | int) -> bool:
    """Keys whose value is prose for people: deleting one changes no decision."""
    return isinstance(key, str) and (key in TEXT_KEYS or key.endswith(("_zh", "_en")))


def is_text_path(path: KeyPath) -> bool:
    """An edit at ``path`` changes words or examples only, never a decision: the path runs
    through prose (a label inside ``choice_labels_zh``, a note), a ``details`` block or a
    ``typical`` range."""
    return any(is_text_key(k) or k in NO_DECISION_KEYS for k in path if isinstance(k, str))


@dataclass(frozen=True)
class Mutant:
    """One edit: lines ``[start, end)`` (0-based) of ``file`` replaced by ``new``."""

    file: str
    start: int
    end: int
    new: tuple[str, ...]
    kind: str
    item: str
    text_only: bool = False  # edits words shown to people (a label, a note), not a decision

    @property
    def line(self) -> int:
        return self.start + 1

    def apply(self, lines: Sequence[str]) -> str:
        return "".join([*lines[: self.start], *self.new, *lines[self.end :]])

    def diff(self, lines: Sequence[str]) -> str:
        """The edit on one line: ``file:line: [kind] old  ->  new``."""
        old = lines[self.start].strip()
        if not self.new:
            extra = f" (+{self.end - self.start - 1} lines)" if self.end - self.start > 1 else ""
            return f"{self.file}:{self.line}: [{self.kind}] - {old}{extra}"
        return f"{self.file}:{self.line}: [{self.kind}] {old}  ->  {self.new[0].strip()}"


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # one of OUTCOMES
    detail: str = ""


@dataclass
class MutationReport:
    """Every outcome, with the totals per file and per measure (or other item)."""

    root: Path
    outcomes: list[Outcome]
    generated: int
    seconds: float
    texts: dict[str, list[str]] = field(default_factory=dict)

    @property
    def behaviour(self) -> list[Outcome]:
        """The mutants that may change a decision: the share caught is over these."""
        return [o for o in self.outcomes if not o.mutant.text_only]

    def counts(
        self, key: str | None = None, value: str | None = None, *, text: bool = False
    ) -> dict[str, int]:
        pool = [o for o in self.outcomes if o.mutant.text_only] if text else self.behaviour
        picked = [o for o in pool if key is None or getattr(o.mutant, key) == value]
        out = {s: 0 for s in OUTCOMES}
        for o in picked:
            out[o.status] += 1
        out["total"] = len(picked)
        return out

    @property
    def caught_share(self) -> float:
        """Share of behaviour mutants that something noticed (rejected at load, caught or
        crashed). Text-only edits are counted apart: no case can notice a deleted label."""
        c = self.counts()
        return 1.0 if not c["total"] else (c["total"] - c["survived"]) / c["total"]

    def survivors(self, *, text: bool = False) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "survived" and o.mutant.text_only == text]

    def crashes(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "crashed"]

    def diff(self, o: Outcome) -> str:
        return o.mutant.diff(self.texts[o.mutant.file])

    def to_dict(self) -> dict[str, Any]:
        files = sorted({o.mutant.file for o in self.behaviour})
        items = sorted({o.mutant.item for o in self.behaviour})
        return {
            "package": str(self.root),
            "generated": self.generated,
            "tried": len(self.outcomes),
            "seconds": round(self.seconds, 1),
            "caught_share": round(self.caught_share, 4),
            "totals": self.counts(),
            "files": {f: self.counts("file", f) for f in files},
            "items": {i: self.counts("item", i) for i in items},
            "survivors": [self.diff(o) for o in self.survivors()],
            "text_only": self.counts(text=True),
            "text_survivors": [self.diff(o) for o in self.survivors(text=True)],
            "crashes": [f"{self.diff(o)}  !! {o.detail}" for o in self.crashes()],
        }

    def render(self) -> str:
        def row(name: str, c: dict[str, int]) -> str:
            return (
                f"  {name:<40} {c['total']:>6} {c['rejected']:>8} {c['caught']:>7} "
                f"{c['crashed']:>7} {c['survived']:>8}\n"
            )

        head = f"  {'':<40} {'mutants':>6} {'rejected':>8} {'caught':>7} {'crashed':>7} {'survived':>8}\n"
        out = ["按文件 / by file\n", head]
        for f in sorted({o.mutant.file for o in self.behaviour}):
            out.append(row(f, self.counts("file", f)))
        out.append(row("total", self.counts()))
        out += ["按措施及其他条目 / by measure and other item\n", head]
        for i in sorted({o.mutant.item for o in self.behaviour}):
            out.append(row(i, self.counts("item", i)))
        if self.crashes():
            out.append("引擎崩溃 / engine crashes (a bug, please report)\n")
            out += [f"  {self.diff(o)}  !! {o.detail}\n" for o in self.crashes()]
        if self.survivors():
            out.append("存活的变异（用例未发现）/ survivors (no case noticed)\n")
            out += [f"  {self.diff(o)}\n" for o in self.survivors()]
        t = self.counts(text=True)
        out.append(
            f"另有 {t['total']} 个只改说明文字或示例的变异（标签、备注、来源、typical），"
            f"加载拒绝 {t['rejected']}，不计入发现率 / "
            f"and {t['total']} text-only edits (labels, notes, sources, typical ranges), "
            f"{t['rejected']} rejected at load, not counted in the share\n"
        )
        c = self.counts()
        out.append(
            f"{c['total']} 个变异（共生成 {self.generated}）：加载拒绝 {c['rejected']}，用例发现 "
            f"{c['caught']}，崩溃 {c['crashed']}，存活 {c['survived']}；发现率 {self.caught_share:.1%}"
            f"，用时 {self.seconds:.1f} 秒 / {c['total']} mutants (of {self.generated}): "
            f"{c['rejected']} rejected at load, {c['caught']} caught by a case, {c['crashed']} crashed, "
            f"{c['survived']} survived; caught {self.caught_share:.1%} in {self.seconds:.1f}s\n"
        )
        return "".join(out)


# --- making mutants -------------------------------------------------------------------


def rule_files(root: Path) -> list[Path]:
    """The package's rule files. Cases are not mutated, nor are ``[[invariants]]``: they
    are the judges, checks on the rules rather than rules."""
    return sorted(p for p in root.glob("*.toml") if p.is_file())


def item_of(path: KeyPath) -> str:
    """What a key path belongs to, for the per-measure report: ``measure grant``,
    ``parameters.rate``, ``tiers.gold``, ``policy``..."""
    names = [str(p) for p in path if isinstance(p, str)]
    if not names:
        return "(top)"
    if names[0] == "measures" and len(names) > 1:
        return f"measure {names[1]}"
    if names[0] == "policy":
        return names[0]
    return ".".join(names[:2])


def _step_number(text: str) -> list[str]:
    """The number written one step up and one step down, in the same style."""
    raw = text.replace("_", "")
    grouped = "_" in text
    if _DEC.match(raw):
        whole, frac = raw.split(".")
        scale = len(frac)
        n = int(whole + frac)
        out = []
        for m in (n + 1, n - 1):
            s = f"{abs(m):0{scale + 1}d}"
            out.append(("-" if m < 0 else "") + s[:-scale] + "." + s[-scale:])
        return out
    n = int(raw)
    return [f"{m:_}" if grouped else str(m) for m in (n + 1, n - 1)]


def _step_date(text: str) -> list[str]:
    try:
        d = date.fromisoformat(text)
    except ValueError:
        return []
    return [(d + timedelta(days=k)).isoformat() for k in (1, -1)]


def _masked(s: str) -> str:
    """``s`` with string literals inside an expression blanked, so their text is not mutated."""
    return _INNER_STRING.sub(lambda m: " " * len(m.group(0)), s)


def _expr_edits(s: str) -> Iterator[tuple[str, str]]:
    """(kind, new text) for each single edit of an expression string's content."""
    scan = _masked(s)
    for m in _CMP.finditer(scan):
        yield "flip-comparison", s[: m.start()] + _FLIP[m.group(1)] + s[m.end() :]
    for m in _LOGIC.finditer(scan):
        other = "or" if m.group(1) == "and" else "and"
        yield "swap-and-or", s[: m.start()] + other + s[m.end() :]
    for m in _NUM.finditer(scan):
        for new in _step_number(m.group(0)):
            yield "number-step", s[: m.start()] + new + s[m.end() :]


def _value_edits(tok: str, key: str) -> Iterator[tuple[str, str]]:
    """(kind, new token) for a TOML value token."""
    if tok in ("true", "false"):
        yield "flip-boolean", "false" if tok == "true" else "true"
    elif _DATE.match(tok):
        for new in _step_date(tok):
            yield "date-step", new
    elif _INT.match(tok) or _DEC.match(tok):
        for new in _step_number(tok):
            yield "number-step", new
    elif tok[:1] in "\"'" and not tok.startswith(('"""', "'''")):
        q = tok[0]
        body = tok[1:-1] if len(tok) >= 2 and tok.endswith(q) else None
        if body is None:
            return
        if key == "op" and body in _FLIP:
            yield "flip-comparison", q + _FLIP[body] + q
        elif key in EXPR_KEYS:
            for kind, new in _expr_edits(body):
                yield kind, q + new + q


def _block_end(lines: Sequence[str], start: int) -> int:
    """Where the table starting with the header at ``start`` ends (the next header)."""
    j = start + 1
    while j < len(lines) and not lines[j].lstrip().startswith("["):
        j += 1
    while j > start + 1 and not lines[j - 1].strip():
        j -= 1
    return j


def mutants_of(text: str, file: str) -> list[Mutant]:
    """Every single edit of one rule file's text, in file order."""
    lines = text.splitlines(keepends=True)
    pos, keypos = locate_keys(text)
    at: dict[tuple[int, int], KeyPath] = {v: k for k, v in pos.items()}
    out: list[Mutant] = []
    seen: set[tuple[int, int, str]] = set()

    def add(start: int, end: int, new: tuple[str, ...], kind: str, path: KeyPath) -> None:
        if path[:1] == ("invariants",):  # invariants judge the package, like its cases
            return
        if tuple(lines[start:end]) == new or (start, end, "".join(new)) in seen:
            return
        seen.add((start, end, "".join(new)))
        text_only = kind == "drop-detail" or is_text_path(path)
        out.append(Mutant(file, start, end, new, kind, item_of(path), text_only))

    # edits of a value token in place
    for kind_tok, tok, line, col in _tokenize(text):
        path = at.get((line, col))
        if path is None or kind_tok == "punct" or not isinstance(path[-1], str | int):
            continue
        if len(path) < 2 and isinstance(path[-1], int):
            continue
        keys = [p for p in path if isinstance(p, str)]
        key = keys[-1] if keys else ""
        if "\n" in tok:
            continue
        src = lines[line - 1]
        i = col - 1
        if src[i : i + len(tok)] != tok:
            continue
        for kind, new in _value_edits(tok, key):
            add(line - 1, line, (src[:i] + new + src[i + len(tok) :],), kind, path)
    # whole tables of an array removed: conditions, criteria and the like
    for path, (line, _col) in pos.items():
        if isinstance(path[-1], int) and lines[line - 1].lstrip().startswith("[["):
            end = _block_end(lines, line - 1)
            name = str(path[-2]).rstrip("s")
            add(line - 1, end, (), f"drop-{name}", path)
    # one-line inline tables in an array removed: table rows, dated values
    for path, (line, col) in pos.items():
        if not isinstance(path[-1], int):
            continue
        src = lines[line - 1]
        body = src.strip().rstrip(",").strip()
        alone = src[: col - 1].strip() == ""
        if alone and body.startswith("{") and body.endswith("}"):
            kind = "drop-row" if "rows" in path else "drop-entry"
            add(line - 1, line, (), kind, path)
    # keys deleted: a whole line `key = value`, or `key = value` inside a one-line inline table
    for path, (line, col) in keypos.items():
        src = lines[line - 1]
        vline, vcol = pos.get(path, (line, col))
        if src[: col - 1].strip() == "":
            if vline != line or src.rstrip().endswith(("[", "{")) or '"""' in src or "'''" in src:
                continue
            add(line - 1, line, (), "delete-key", path)
            continue
        cut = _inline_key_span(src, col - 1, vcol - 1 if vline == line else -1)
        if cut is not None:
            a, b = cut
            add(line - 1, line, (src[:a] + src[b:],), "delete-key", path)
    out.sort(key=lambda m: (m.start, m.kind, m.new))
    return out


def _inline_key_span(src: str, kstart: int, vstart: int) -> tuple[int, int] | None:
    """The span ``, key = value`` (or ``key = value, ``) to cut from a one-line inline table."""
    if vstart < 0:
        return None
    toks = _tokenize(src[vstart:])
    if not toks or toks[0][1] in ("[", "{"):
        return None
    vend = vstart + len(toks[0][1])
    before = src[:kstart].rstrip()
    if before.endswith(","):
        return len(before) - 1, vend
    m = re.match(r"\s*,\s*", src[vend:])
    return (kstart, vend + m.end()) if m else None


def all_mutants(root: Path) -> tuple[list[Mutant], dict[str, list[str]]]:
    out: list[Mutant] = []
    texts: dict[str, list[str]] = {}
    for path in rule_files(root):
        text = path.read_text(encoding="utf-8")
        texts[path.name] = text.splitlines(keepends=True)
        out.extend(mutants_of(text, path.name))
    return out, texts


# --- running them ---------------------------------------------------------------------

_worker: dict[str, Any] = {}


def _init(root: str, texts: dict[str, list[str]]) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="zjtx-mutate-"))
    copy = tmp / Path(root).name
    shutil.copytree(root, copy, symlinks=False)
    _worker.update(copy=copy, tmp=tmp, texts=texts)


def _run(m: Mutant) -> tuple[str, str]:
    copy: Path = _worker["copy"]
    lines: list[str] = _worker["texts"][m.file]
    target = copy / m.file
    target.write_text(m.apply(lines), encoding="utf-8")
    try:
        try:
            rules = load_rules(copy)
        except ZjtxError as exc:
            return "rejected", str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        try:
            results = run_cases(rules)
        except ZjtxError as exc:
            return "caught", str(exc).splitlines()[0]
        failed = [r for r in results if not r.passed]
        if failed:
            return "caught", f"{failed[0].name}: {failed[0].diffs[0]}"
        return "survived", ""
    except Exception as exc:  # an engine crash is a finding to report, not a reason to stop
        return "crashed", f"{type(exc).__name__}: {exc}"[:200]
    finally:
        target.write_text("".join(lines), encoding="utf-8")


def _run_chunk(root: str, texts: dict[str, list[str]], ms: list[Mutant]) -> list[tuple[str, str]]:
    """Run mutants one after another in a private copy of the package, then remove it."""
    _init(root, texts)
    try:
        return [_run(m) for m in ms]
    finally:
        tmp = _worker.pop("tmp", None)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def mutate(
    root: str | Path,
    *,
    workers: int = 1,
    seed: int = 0,
    limit: int | None = None,
    progress: bool = False,
) -> MutationReport:
    """Make every mutant of the package at ``root`` (or a seeded sample of ``limit``), run
    the package's cases against each, and report. The unmutated package must load and pass
    its own cases, else ``UsageError``. ``progress`` counts finished mutants on stderr."""
    start = time.monotonic()
    root = Path(root)
    base = load_rules(root)
    results = run_cases(base)
    if not results:
        raise UsageError(f"规则包没有测试用例: {root}", f"the package has no test cases: {root}")
    bad = [r for r in results if not r.passed]
    if bad:
        raise UsageError(
            f"未变异的规则包已有 {len(bad)} 个用例失败，先修复（zjtx test）",
            f"{len(bad)} case(s) already fail on the unmutated package; fix them first (zjtx test)",
        )
    mutants, texts = all_mutants(root)
    generated = len(mutants)
    if limit is not None and limit < len(mutants):
        picked = sorted(random.Random(seed).sample(range(len(mutants)), limit))
        mutants = [mutants[i] for i in picked]
    size = max(1, min(50, len(mutants) // (workers * 4) or 1))
    chunks = [mutants[i : i + size] for i in range(0, len(mutants), size)]
    statuses: list[tuple[str, str]] = []

    def done(part: list[tuple[str, str]]) -> None:
        statuses.extend(part)
        if progress:
            sys.stderr.write(f"\r{len(statuses)}/{len(mutants)}")
            sys.stderr.flush()

    if workers == 1:
        for chunk in chunks:
            done(_run_chunk(str(root), texts, chunk))
    else:
        with ProcessPoolExecutor(workers) as pool:
            for part in pool.map(_run_chunk, [str(root)] * len(chunks), [texts] * len(chunks), chunks):
                done(part)
    if progress:
        sys.stderr.write("\n")
    outcomes = [Outcome(m, s, d) for m, (s, d) in zip(mutants, statuses, strict=True)]
    return MutationReport(root, outcomes, generated, time.monotonic() - start, texts)
