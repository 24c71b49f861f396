"""Finding rule packages on disk: the bundled one, the one being edited, what a folder is."""

from __future__ import annotations

import os
import re
from pathlib import Path

from zjtx_rules.errors import UsageError
from zjtx_rules.package.source import is_regular_file

DEFAULT_PACKAGE = "liangjiang_zjtx_2022"  # what load_rules() and zjtx use when told nothing
_POLICY = re.compile(r"^\s*\[\s*policy\s*\]", re.MULTILINE)


def is_package(folder: Path) -> bool:
    """A folder is a rule package when one of its ``.toml`` files declares ``[policy]``."""
    return folder.is_dir() and any(
        _POLICY.search(p.read_text(encoding="utf-8", errors="replace"))
        for p in folder.glob("*.toml")
        if is_regular_file(p)
    )


def package_dirs(base: Path) -> list[Path]:
    """The packages in a folder of packages (``./rules``), by name."""
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.is_dir() and any(p.glob("*.toml")))


def bundled_rules_dir() -> Path:
    """The default package: inside the installed wheel, or ./rules in a source checkout."""
    here = Path(__file__).resolve().parent.parent  # zjtx_rules/
    for base in (here / "_bundled_rules", here.parent / "rules"):
        candidate = base / DEFAULT_PACKAGE
        if candidate.is_dir():
            return candidate
    raise UsageError("找不到内置规则包", "the bundled rule package is missing from this install")


def local_rules_dir(cwd: Path | None = None) -> Path | None:
    """The package being edited in the working folder, when there is one.

    Policy staff run ``zjtx check`` inside a checkout; they mean ``./rules/...``, not the copy
    installed in site-packages. ``ZJTX_RULES`` names a folder explicitly; otherwise the
    working folder itself when it is a package or a package's ``cases/`` (staff open a terminal
    beside the files they edit), else ``./rules`` holding one package (a folder of ``.toml``
    files). With several, the bundled default when it is one of them (a checkout of this
    repository: ``zjtx evaluate`` means the bundled rules, as the README says); otherwise the
    choice is the user's: ``UsageError`` lists them."""
    named = os.environ.get("ZJTX_RULES")
    if named:
        return Path(named)
    here = cwd or Path.cwd()
    for folder in (here, here.parent):
        if is_package(folder):
            return folder
    found = package_dirs(here / "rules")
    if len(found) > 1:
        default = [p for p in found if p.name == DEFAULT_PACKAGE]
        if default:
            return default[0]
        names = ", ".join(str(p) for p in found)
        raise UsageError(
            f"./rules 下有多个规则包（{names}），请用 --rules 或环境变量 ZJTX_RULES 选择",
            f"./rules holds several packages ({names}); choose one with --rules or ZJTX_RULES",
        )
    return found[0] if found else None
