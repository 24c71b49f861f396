"""Files the app serves as they are: the calculator page's own files, and the rules document
(``zjtx docs``) built in memory."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.web.escape import escape_control
from zjtx_rules.web.problems import Problem
from zjtx_rules.web.wsgi import Answer

STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
_STATIC_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def static_file(name: str) -> Answer:
    """A file of ``zjtx_rules/web/static``, or a 404 problem."""
    suffix = Path(name).suffix
    if not _STATIC_NAME.fullmatch(name) or suffix not in STATIC_TYPES:
        # only plain file names: no folders, no dot files, no NUL or control characters
        shown = escape_control(name)
        raise Problem(404, "Not Found", f"没有这个文件: {shown}", f"no such file: {shown}")
    try:
        data = resources.files("zjtx_rules.web").joinpath("static", name).read_bytes()
    except OSError:
        raise Problem(404, "Not Found", f"没有这个文件: {name}", f"no such file: {name}") from None
    return 200, STATIC_TYPES[suffix], data


def rules_document(rules: RuleSet, name: str) -> Answer:
    """A page (or asset) of the rules' static site, or a 404 problem."""
    from zjtx_rules.render.docsite import site_file

    found = site_file(rules, name)
    if found is None:
        raise Problem(404, "Not Found", f"规则文档中没有这一页: {name}", f"no such page of the rules: {name}")
    return 200, found[0], found[1]
