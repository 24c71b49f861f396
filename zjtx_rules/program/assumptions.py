"""Which assumed figures and rule choices an outcome rested on.

The plan leaves figures unstated (the municipal talent quota, the per-patent subsidy) and
leaves readings open (which date a title must be held on). The package marks each one; this
module makes every result say which of them it used, so a guess never reads as policy.

The work is split so that compiled expressions stay uninstrumented:

- at load time, ``refs_of`` lists the parameters, derived values and outputs an expression
  names, and ``Closure`` follows derived values transitively, giving each condition, output
  and criterion a ``Refs``: the parameters and rule choices it may depend on;
- at evaluation, a parameter counts when its value in force on the evaluation date is
  assumed; a rule choice counts when its ``applies`` expression holds; a decision table
  counts only through the row actually hit, which ``RecordingTable`` logs from the look-up
  the compiled code already makes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from zjtx_rules.expr.builtins import REGISTRY
from zjtx_rules.expr.nodes import Call, Field, Name, Node, walk
from zjtx_rules.expr.types import MeasureTy
from zjtx_rules.expr.values import UNKNOWN
from zjtx_rules.program.periods import History
from zjtx_rules.program.tables import TableVersion


@dataclass(frozen=True)
class Assumption:
    """One assumed figure or rule choice: ``id`` is the parameter, table or choice name."""

    id: str
    note_zh: str
    note_en: str


@dataclass(frozen=True)
class Refs:
    """What one expression (with the derived values it reads) may depend on."""

    params: frozenset[str] = frozenset()
    choices: frozenset[str] = frozenset()
    locals: frozenset[str] = frozenset()  # earlier outputs of the same measure
    # what can log an assumption at run time: tables looked up (a row hit may be assumed) and
    # measures read (their own assumptions); with ``params`` and ``choices`` they bound the
    # assumptions an outcome can list, so one that can list none is never explained for them
    tables: frozenset[str] = frozenset()
    measures: frozenset[str] = frozenset()

    def __or__(self, other: Refs) -> Refs:
        return Refs(
            self.params | other.params,
            self.choices | other.choices,
            self.locals | other.locals,
            self.tables | other.tables,
            self.measures | other.measures,
        )


NO_REFS = Refs()


def refs_of(nodes: Iterable[Node | None], outputs: Iterable[str] = ()) -> tuple[Refs, frozenset[str]]:
    """Direct parameter and output references of some trees, and the derived values they name."""
    params: set[str] = set()
    derived: set[str] = set()
    local: set[str] = set()
    tables: set[str] = set()
    measures: set[str] = set()
    outs = set(outputs)
    for node in nodes:
        if node is None:
            continue
        for n in walk(node):
            if isinstance(n, Call) and n.func not in REGISTRY:  # a decision table look-up
                tables.add(n.func)
            elif isinstance(n, Field) and isinstance(n.obj.ty, MeasureTy):
                measures.add(n.obj.ty.name)
            if not isinstance(n, Name):
                continue
            if n.kind in ("param", "table"):
                (params if n.kind == "param" else tables).add(n.name)
            elif n.kind == "derived":
                derived.add(n.name)
            elif n.kind == "local" and n.name in outs:
                local.add(n.name)
    refs = Refs(frozenset(params), frozenset(), frozenset(local), frozenset(tables), frozenset(measures))
    return refs, frozenset(derived)


class Closure:
    """``Refs`` of derived values, followed transitively (cycles are reported elsewhere)."""

    def __init__(self, nodes: Mapping[str, Node | None], choices: Mapping[str, Iterable[str]]) -> None:
        self.nodes = nodes
        self.choices = {k: frozenset(v) for k, v in choices.items()}
        self.memo: dict[str, Refs] = {}
        self.visiting: set[str] = set()

    def derived(self, name: str) -> Refs:
        hit = self.memo.get(name)
        if hit is not None:
            return hit
        if name in self.visiting:
            return NO_REFS
        self.visiting.add(name)
        direct, names = refs_of([self.nodes.get(name)])
        out = Refs(
            direct.params, self.choices.get(name, frozenset()), frozenset(), direct.tables, direct.measures
        )
        for d in sorted(names):
            out |= self.derived(d)
        self.visiting.discard(name)
        self.memo[name] = out
        return out

    def of(
        self, nodes: Iterable[Node | None], choices: Iterable[str] = (), outputs: Iterable[str] = ()
    ) -> Refs:
        """The transitive ``Refs`` of an expression that names ``choices`` itself."""
        direct, names = refs_of(nodes, outputs)
        out = Refs(direct.params, frozenset(choices), direct.locals, direct.tables, direct.measures)
        for d in sorted(names):
            out |= self.derived(d)
        return out


@dataclass(frozen=True)
class TableNotes:
    """For one table version: the assumption behind each row (``None``: stated) and the default."""

    rows: tuple[Assumption | None, ...]
    default: Assumption | None = None

    @property
    def any(self) -> bool:
        return self.default is not None or any(r is not None for r in self.rows)


class RecordingTable:
    """A table version that logs the assumption of the row each look-up hits."""

    __slots__ = ("log", "notes", "version")

    def __init__(self, version: TableVersion, notes: TableNotes, log: list[Assumption]) -> None:
        self.version = version
        self.notes = notes
        self.log = log

    def lookup(self, args: Any) -> Any:
        i = self.version.hit(args)
        note = self.notes.default if i < 0 else self.notes.rows[i]
        if note is not None:
            self.log.append(note)
        return self.version.default if i < 0 else self.version.rows[i].value

    def values(self) -> list[Any]:
        self.log.extend(n for n in (*self.notes.rows, self.notes.default) if n is not None)
        return self.version.values()


def recording(
    params: dict[str, Any], tables: Mapping[str, TableNotes], log: list[Assumption]
) -> dict[str, Any]:
    """``params`` with each table that has assumed rows (``tables``) wrapped in a
    ``RecordingTable`` logging into ``log``; ``params`` itself when there is none."""
    if not tables:
        return params
    out = dict(params)
    for name, notes in tables.items():
        if out.get(name) is not UNKNOWN:
            out[name] = RecordingTable(out[name], notes, log)
    return out


@dataclass
class AssumptionBook:
    """Every assumption of a package, by parameter, table and rule choice."""

    params: dict[str, History[Assumption | None]] = field(default_factory=dict)
    tables: dict[str, History[TableNotes]] = field(default_factory=dict)
    # a rule choice and its ``applies`` test (``None``: always applies)
    choices: dict[str, tuple[Assumption, Callable[[Any], Any] | None]] = field(default_factory=dict)
    # rule choices marked ``warn = true``: when one applies to a measure, the result also
    # carries warning W703 with its text (zh, en), so a changed figure is not missed
    warn: dict[str, tuple[str, str]] = field(default_factory=dict)

    def params_at(self, day: date) -> dict[str, Assumption]:
        """The parameters whose value in force on ``day`` is assumed."""
        out = {}
        for name, hist in self.params.items():
            note = hist.at(day)
            if note is not None:
                out[name] = note
        return out

    def tables_at(self, day: date) -> dict[str, TableNotes]:
        """The tables with an assumed row in the version in force on ``day``."""
        out = {}
        for name, hist in self.tables.items():
            notes = hist.at(day)
            if notes is not None and notes.any:
                out[name] = notes
        return out


def unique(items: Iterable[Assumption]) -> list[Assumption]:
    """First occurrence of each id, in order."""
    seen: set[str] = set()
    out = []
    for a in items:
        if a.id not in seen:
            seen.add(a.id)
            out.append(a)
    return out
