"""``zjtx docs``, ``zjtx diff`` and ``zjtx compile``: a rule package for people to read, as a
static site, as the changes between two versions, or as its generated code."""

from __future__ import annotations

import argparse
import json

from zjtx_rules.cli.options import FORMAT_HELP, RULES_HELP, Command
from zjtx_rules.cli.package_line import announce
from zjtx_rules.evaluate.ruleset import load_rules


def _docs_arguments(do: argparse.ArgumentParser) -> None:
    do.add_argument("rules", nargs="?", help=RULES_HELP)
    do.add_argument("--out", required=True, help="folder to write the site into")


def _docs(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.render.docsite import write_site
    from zjtx_rules.render.package_view import load_view

    view = load_view(args.rules)
    written = write_site(view, args.out)
    out.append(
        f"{len(written)} 个文件已写入 / files written to {args.out} "
        f"({len(view.measures)} measures, {len(view.params)} parameters, {len(view.tables)} tables)\n"
    )
    return 0


def _diff_arguments(di: argparse.ArgumentParser) -> None:
    di.add_argument("old", help="the package folder before the change")
    di.add_argument("new", help="the package folder after the change")
    di.add_argument("--format", choices=["text", "html", "json"], default="text", help=FORMAT_HELP)


def _diff(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.render.docsite import stylesheet
    from zjtx_rules.render.package_view import load_view
    from zjtx_rules.render.rulediff import diff_views

    result = diff_views(load_view(args.old), load_view(args.new))
    if args.format == "json":
        out.append(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif args.format == "html":
        out.append(result.render_html(stylesheet()))
    else:
        out.append(result.render_text())
    return 0


def _compile_arguments(cp: argparse.ArgumentParser) -> None:
    cp.add_argument("--rules", help=RULES_HELP)
    cp.add_argument(
        "--show", metavar="NAME", help="print the generated code of a measure, tier, derived value or target"
    )


def _compile(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.render.code_listing import show, summary

    announce(args.rules, out)
    rules = load_rules(args.rules)
    out.append(show(rules, args.show) if args.show else summary(rules))
    return 0


DOCS = Command(
    "docs",
    "write the rules as a static site (HTML, printable)",
    "zjtx docs --out /tmp/site",
    _docs_arguments,
    _docs,
)
DIFF = Command(
    "diff",
    "rule-level changes between two package versions",
    "zjtx diff rules/liangjiang_zjtx_2022 /tmp/liangjiang_quota6 --format html > review.html",
    _diff_arguments,
    _diff,
)
COMPILE = Command(
    "compile",
    "list the generated code of a package, or show it for review",
    "zjtx compile --show talent_reward",
    _compile_arguments,
    _compile,
)
