"""``zjtx new``: a new rule package from an empty folder, green as written."""

from __future__ import annotations

import argparse
from pathlib import Path

from zjtx_rules.cli.options import Command
from zjtx_rules.package.skeleton import write_skeleton


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", help="the package folder to create (new, or empty)")
    p.add_argument("--id", dest="policy_id", help="the policy id (default: from the folder's name)")


def _new(args: argparse.Namespace, out: list[str]) -> int:
    folder = Path(args.folder)
    written = write_skeleton(folder, args.policy_id)
    out.append(f"已创建规则包 / package created: {folder}\n")
    out.extend(f"  {path}\n" for path in written)
    out.append(
        f"下一步 / next: zjtx check {folder} && zjtx test {folder}"
        "（写法见 rules/README.md / see rules/README.md）\n"
    )
    return 0


NEW = Command(
    "new",
    "create a skeleton rule package (policy, one fact, one measure, cases) that checks clean",
    "zjtx new rules/my_district_2026",
    _arguments,
    _new,
)
