"""Reading a package's files: TOML into documents, schema problems into located diagnostics.

A file that cannot be read, or a declaration that fails the schema, is reported here; the
names it declared are remembered (``broken``) so that the errors their absence causes
elsewhere can be counted instead of listed.

Entry point: ``Loader.read``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import Entry, Message, Words
from zjtx_rules.display import listing, schema_message
from zjtx_rules.errors import Diagnostic, Location, RuleError, UsageError
from zjtx_rules.expr.check import did_you_mean
from zjtx_rules.package.source import MAX_PACKAGE_BYTES, KeyPath, SourceFile, is_regular_file, read_toml
from zjtx_rules.package.spec import RuleDocument

MAX_FILES = 200


@dataclass
class Site:
    """Where an item was declared: its file and key path, for locations."""

    src: SourceFile
    keypath: KeyPath
    context: str


@dataclass
class Loader:
    root: Path
    diags: list[Diagnostic] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)  # names whose declaration could not be read
    wholesale: bool = False  # a file failed and its names are not known: any name may be its
    suppressed: int = 0  # follow-on errors of a broken file or declaration, not shown

    # -- reporting
    def report(
        self,
        message: Message | Entry,
        site: Site | None,
        *,
        sub: KeyPath = (),
        span: tuple[int, int] | None = None,
        hint: tuple[str, str] = ("", ""),
        at_key: bool = False,
    ) -> None:
        """Record ``message`` (an entry with no values: ``D.NO_POLICY``) at ``site``, at key
        ``sub`` below it and ``span`` inside its string value; ``hint`` comes before the
        entry's own."""
        if isinstance(message, Entry):
            message = message()
        if site is None:
            loc, src_line = Location(str(self.root)), ""
        else:
            loc = site.src.location((*site.keypath, *sub), span[0] if span else None, at_key=at_key)
            src_line = site.src.line_text(loc.line)
        length = max(1, span[1] - span[0]) if span else 1
        self.diags.append(
            message.at(
                loc,
                context=site.context if site else "",
                hint=hint,
                source_line=src_line,
                span_length=length,
            )
        )

    # -- phase 1: files
    def read(self) -> list[tuple[SourceFile, RuleDocument]]:
        if not self.root.is_dir():
            raise UsageError(f"规则包目录不存在: {self.root}", f"no rule package at {self.root}")
        files = sorted(p for p in self.root.glob("*.toml"))[:MAX_FILES]
        if not files:
            raise UsageError(f"目录中没有 .toml 规则文件: {self.root}", f"no .toml rule files in {self.root}")
        total = sum(p.stat().st_size for p in files if is_regular_file(p))
        if total > MAX_PACKAGE_BYTES:
            where = Location(self._display(self.root))
            raise RuleError([D.PACKAGE_TOO_LARGE.at(where, size=total, limit=MAX_PACKAGE_BYTES)])
        docs = []
        for path in files:
            src, diag = read_toml(path, self._display(path))
            if diag:
                self.diags.append(diag)
                self._declared_in_broken_file(path)
                continue
            assert src is not None
            self.sources.append(src)
            try:
                docs.append((src, RuleDocument.model_validate(src.data)))
            except ValidationError as exc:
                errs = exc.errors()
                for err in errs:
                    self._schema_error(src, err)
                salvaged = self._salvage(src.data, errs)
                if salvaged is not None:
                    docs.append((src, salvaged))
        return docs

    def _declared_in_broken_file(self, path: Path) -> None:
        """Names a file that cannot be read declares, from its headers, so that the errors
        their absence causes elsewhere are suppressed, not shown as 90 unknown names."""
        try:
            text = path.read_text(encoding="utf-8", errors="replace") if is_regular_file(path) else ""
        except OSError:
            text = ""
        names = set(_HEADER_RE.findall(text))
        self.broken |= names
        if not names:
            self.wholesale = True

    def _salvage(self, data: dict[str, Any], errs: list[Any]) -> RuleDocument | None:
        """The document without the entries that failed the schema (their names go to
        ``broken``): one bad key in one fact must not make every fact unknown."""
        cut: dict[str, set[str] | None] = {}
        for err in errs:
            loc = err["loc"]
            section = str(loc[0]) if loc else ""
            item = data.get(section)
            if len(loc) >= 2 and isinstance(item, dict) and section != "policy":
                spot = cut.setdefault(section, set())
                if spot is not None:
                    spot.add(str(loc[1]))
            else:
                cut[section] = None  # the whole section (an unknown or malformed one)
        kept: dict[str, Any] = {}
        for section, value in data.items():
            if section not in cut:
                kept[section] = value
                continue
            names = cut[section]
            dropped = set(value) if isinstance(value, dict) and names is None else names or set()
            self.broken |= dropped
            if names is not None and isinstance(value, dict):
                kept[section] = {k: v for k, v in value.items() if k not in names}
        try:
            return RuleDocument.model_validate(kept)
        except ValidationError:
            return None

    def _display(self, path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    def _schema_error(self, src: SourceFile, err: Any) -> None:
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        site = Site(src, (), "")
        if err["type"] == "extra_forbidden":
            key = str(loc[-1])
            allowed = _allowed_keys(loc[:-1])
            self.report(
                D.UNKNOWN_KEY(key=key),
                site,
                sub=tuple(loc),
                hint=key_hint(key, allowed),
                at_key=True,
            )
        elif err["type"] == "missing":
            self.report(D.MISSING_KEY(key=loc[-1]), site, sub=tuple(loc[:-1]))
        else:
            problem = Words(*schema_message(err))
            key = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
            message = D.BAD_VALUE(form="" if key else "unnamed", key=key, problem=problem)
            self.report(message, site, sub=tuple(loc))


_HEADER_RE = re.compile(
    r"^\s*\[\[?\s*(?:facts|parameters|tables|derived|measures|assumptions|tiers|targets)"
    r"\s*\.\s*\"?([A-Za-z0-9_]+)",
    re.MULTILINE,
)


def key_hint(key: str, allowed: list[str]) -> tuple[str, str]:
    """ "Did you mean", then every key the table accepts, so no one has to open the README."""
    if not allowed:
        return "", ""
    hz, he = did_you_mean(key, allowed)
    every = listing(sorted(allowed))
    return (f"{hz} " if hz else "") + f"可用的键: {every}", (f"{he} " if he else "") + f"valid keys: {every}"


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys the schema allows at ``loc`` (for "did you mean")."""
    from pydantic import BaseModel

    from zjtx_rules.package import spec as S

    model: Any = RuleDocument
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", None)
        if fields is None:
            return []
        finfo = fields.get(part) or next((f for f in fields.values() if f.alias == part), None)
        if finfo is None:
            # a dict key (an id chosen by the author): the model is the dict's value type
            continue
        ann = finfo.annotation
        model = _inner_model(ann) or S.Strict
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
    fields = getattr(model, "model_fields", {})
    return [f.alias or n for n, f in fields.items()]


def _inner_model(ann: Any) -> Any:
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in get_args(ann):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def diag_order(d: Diagnostic) -> tuple[Any, ...]:
    """Errors before warnings; among errors, files and declarations that could not be read
    (``E1xx``) first, as the likely cause of what follows; then by file and line."""
    cause = d.severity == "error" and d.code.startswith("E1")
    return (d.severity != "error", not cause, d.location.file, d.location.line or 0, d.location.column or 0)
