"""Which rule package a command uses, and the first line of its output that names it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from zjtx_rules.errors import UsageError, ZjtxError
from zjtx_rules.package.discovery import bundled_rules_dir, is_package, local_rules_dir, package_dirs
from zjtx_rules.package.source import package_sha256


def default_rules() -> str:
    """``./rules/<package>`` when the working folder has one (the copy being edited), else the
    installed package."""
    return str(local_rules_dir() or bundled_rules_dir())


def served_rules() -> list[str]:
    """What ``zjtx serve`` serves when told nothing: every package of ``./rules`` when it holds
    several (a portal hosting many policies), unless ``ZJTX_RULES`` or the working folder
    names one; otherwise the one ``default_rules`` gives."""
    here = Path.cwd()
    if not os.environ.get("ZJTX_RULES") and not any(is_package(f) for f in (here, here.parent)):
        found = package_dirs(here / "rules")
        if len(found) > 1:
            return [str(p) for p in found]
    return [default_rules()]


def _display(folder: Path) -> str:
    """A package folder relative to the working folder, or absolute when outside it (and
    when it is the working folder itself: "." would not say which package)."""
    full = folder.resolve()
    try:
        shown = full.relative_to(Path.cwd())
    except ValueError:
        return str(full)
    return str(full) if shown == Path(".") else str(shown)


@contextmanager
def package_line_first(out: list[str]) -> Iterator[None]:
    """When the package fails to load, still print the line that says which package it was
    (``main`` drops ``out`` on an error) before the errors."""
    try:
        yield
    except ZjtxError:
        sys.stdout.write("".join(out))
        sys.stdout.flush()
        out.clear()
        raise


def announce(folder: str, out: list[str] | None) -> None:
    """First line of output: which package, by folder and fingerprint. ``out`` is None for
    commands whose stdout is data: the line goes to stderr."""
    path = Path(folder)
    if not path.is_dir():
        raise UsageError(f"规则包目录不存在: {path}", f"no rule package at {path}")
    line = f"规则包 / rule package: {_display(path)}  sha256 {package_sha256(path)}\n"
    if out is None:
        sys.stderr.write(line)
    else:
        out.append(line)
