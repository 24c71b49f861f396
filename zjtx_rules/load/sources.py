"""The sources register (``[sources.ID]``): the public documents a package rests on.

A rule file cites a document by id (``refs = ["miit_2022_63"]``) beside its pinpoint
``source`` text, so that a reader can follow every figure to a title, a document number, an
issuer, a date and a public address, and see how surely it was read. Every ``refs`` list
anywhere in the package is checked against the register; an entry nothing cites is a warning.

Entry point: ``check_refs``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from zjtx_rules import diagnostics as D
from zjtx_rules.expr.check import did_you_mean
from zjtx_rules.load.build import NAME_RE, Build
from zjtx_rules.load.files import Site
from zjtx_rules.package.source import KeyPath, SourceFile
from zjtx_rules.package.spec import RuleDocument, SourceSpec


def _refs(node: Any, path: KeyPath) -> Iterator[tuple[KeyPath, list[Any]]]:
    """Every ``refs`` list under ``node`` (models, table rows), with its key path."""
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            value = getattr(node, name)
            key = "from" if name == "from_" else name
            if name == "refs" and isinstance(value, list):
                yield (*path, key), value
            elif isinstance(value, BaseModel | list | dict):
                yield from _refs(value, (*path, key))
    elif isinstance(node, dict):
        for k, v in node.items():
            if k == "refs" and isinstance(v, list):
                yield (*path, k), v
            elif isinstance(v, BaseModel | list | dict):
                yield from _refs(v, (*path, str(k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _refs(v, (*path, i))


def check_refs(b: Build, docs: list[tuple[SourceFile, RuleDocument]]) -> dict[str, SourceSpec]:
    """The register, after checking that every cited id is in it (E210) and every entry is
    cited (W803)."""
    register: dict[str, tuple[SourceSpec, Site]] = {}
    for src, doc in docs:
        for sid, spec in doc.sources.items():
            site = Site(src, ("sources", sid), f"source '{sid}'")
            if not NAME_RE.match(sid) or sid in register:
                b.ld.report(D.BAD_NAME(form="source", name=sid), site)
                continue
            register[sid] = (spec, site)
    cited: set[str] = set()
    for src, doc in docs:
        for path, ids in _refs(doc, ()):
            site = Site(src, path[:-1], "")
            for i, sid in enumerate(ids):
                if not isinstance(sid, str):
                    b.ld.report(D.BAD_VALUE(form="refs"), site, sub=(path[-1], i))
                    continue
                cited.add(sid)
                if sid not in register:
                    hint = did_you_mean(sid, list(register))
                    b.ld.report(D.UNKNOWN_SOURCE(name=sid), site, sub=(path[-1], i), hint=hint)
    for sid, (_, site) in register.items():
        if sid not in cited:
            b.ld.report(D.UNUSED_SOURCE(name=sid), site)
    return {sid: spec for sid, (spec, _) in register.items()}
