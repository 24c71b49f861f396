"""The golden output of each diagnostic: ``tests/diagnostics/<CODE>/`` holds a package that
shows the code (``pkg/``) and what ``zjtx`` says of it (``expected.txt``).

A folder may hold ``golden.toml`` to say how to run it: ``command = "check"`` (the default)
or ``"test"`` runs that ``zjtx`` command on ``pkg``; ``command = "evaluate"`` evaluates
``profile.json`` on ``as_of`` with the library and writes the result's warnings as JSON (the
warnings of a result, W7xx, come from evaluating a profile, not from a package). ``[limits]``
lowers a module's limit for the run (``"zjtx_rules.package.source.MAX_KEYS" = 11``), so that a
file past a 4 MiB cap need not be committed.

The expected files are written by running the real code, then read by a person::

    python -m tests.golden_diagnostics          # rewrite every expected.txt
    python -m tests.golden_diagnostics E203     # only these
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).resolve().parent / "diagnostics"
_SHA = re.compile(r"sha256 [0-9a-f]{64}")


def folders() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if p.is_dir())


def settings(folder: Path) -> dict[str, Any]:
    path = folder / "golden.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


@contextlib.contextmanager
def _limits(limits: dict[str, Any]) -> Iterator[None]:
    saved = []
    try:
        for dotted, value in limits.items():
            module, name = dotted.rsplit(".", 1)
            mod = importlib.import_module(module)
            saved.append((mod, name, getattr(mod, name)))
            setattr(mod, name, value)
        yield
    finally:
        for mod, name, value in reversed(saved):
            setattr(mod, name, value)


def output(folder: Path) -> str:
    """What the folder's command says, with the package fingerprint (it changes whenever a
    fixture is edited) written as ``<sha256>``."""
    from zjtx_rules.cli.main import main
    from zjtx_rules.evaluate.ruleset import load_rules

    cfg = settings(folder)
    command = cfg.get("command", "check")
    out, err = io.StringIO(), io.StringIO()
    with _limits(cfg.get("limits", {})), contextlib.chdir(folder):
        if command == "evaluate":
            result = load_rules("pkg").evaluate(Path("profile.json").read_bytes(), cfg["as_of"])
            out.write(json.dumps(result.warnings, ensure_ascii=False, indent=2) + "\n")
        else:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main([command, "pkg"])
            err.write(f"[exit {code}]\n")
    return _SHA.sub("sha256 <sha256>", out.getvalue() + err.getvalue())


if __name__ == "__main__":
    wanted = set(sys.argv[1:])
    for folder in folders():
        if not wanted or folder.name in wanted:
            (folder / "expected.txt").write_text(output(folder), encoding="utf-8")
            print(folder.name)
