"""Protecting the user's files: an output that is the input itself (by name, hard link or
symlink), or whose folder is missing, is refused before anything is opened for writing."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from zjtx_rules.errors import UsageError


def same_file(a: str | int, b: str) -> bool:
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
        if src is not None and same_file(src, target):
            raise UsageError(
                f"{flag} 与输入是同一个文件（{target}），会把输入清空；请换一个文件名",
                f"{flag} is the input file itself ({target}) and would erase it; choose another name",
            )
    if out and summary and same_file(out, summary):
        raise UsageError("--summary 与 --out 是同一个文件", "--summary and --out are the same file")


def _stdin_fd() -> int | None:
    try:
        return sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):
        return None
