"""Small HTML building blocks for the rules document: escaping, links, expressions.

Every piece of text from a rule file passes through ``html.escape`` here; pages never build
markup from unescaped strings. Links are made by ``Links``, which knows whether a page is a
file of the multi-page site (relative paths, so the site works from ``file://`` and under
``/rules/``) or a section of the one-page print document (``#anchors``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from zjtx_rules.expr.nodes import Node
from zjtx_rules.expr.parser import ExprError, parse
from zjtx_rules.expr.pretty import pretty

e = html.escape

FOLDERS = {"measure": "measures", "param": "parameters", "table": "tables", "derived": "derived"}
# pages that hold many items as anchors, and the single pages of the site
ANCHOR_PAGES = {"fact": "facts", "tier": "tiers", "choice": "assumptions", "source": "sources"}
PAGES = ("index", "facts", "tiers", "assumptions", "dependencies", "all")


@dataclass(frozen=True)
class Links:
    depth: int  # folders below the site root (0 for index.html, 1 for measures/x.html)
    single: bool = False  # inside all.html: every target is an anchor of the same page
    trees: Mapping[str, Node] = field(default_factory=dict)  # the program's parsed expressions

    def item(self, kind: str, name: str) -> str:
        if self.single:
            return f"#{kind}-{name}"
        up = "../" * self.depth
        if kind in FOLDERS:
            return f"{up}{FOLDERS[kind]}/{name}.html"
        return f"{up}{ANCHOR_PAGES[kind]}.html#{kind}-{name}"

    def page(self, name: str) -> str:
        if self.single and name != "all":
            return f"#page-{name}"
        return f"{'../' * self.depth}{name}.html"

    def asset(self, name: str) -> str:
        return f"{'../' * self.depth}{name}"


def link(links: Links, kind: str, name: str, text: str | None = None) -> str:
    return f'<a href="{e(links.item(kind, name))}"><code>{e(text or name)}</code></a>'


# a string literal (never linked), a field after a dot (a record's field, not a declaration),
# or a name
_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|\.[a-z][a-z0-9_]*|\b[a-z][a-z0-9_]*\b')


def expression(text: str, links: Links, kinds: dict[str, str], width: int = 72) -> str:
    """An expression as a ``<pre>`` block, line-broken, with declared names linked.

    ``kinds`` maps each declared name to its kind; string literals are never linked, and a
    lambda parameter that happens to share a name is linked only if it is declared.
    """
    try:
        tree = links.trees.get(text)
        shown = pretty(tree if tree is not None else parse(text), width)
    except ExprError:
        shown = text
    out: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(shown):
        out.append(e(shown[pos : m.start()]))
        tok = m.group(0)
        kind = kinds.get(tok, "") if tok[0] not in '".' else ""
        if kind:
            out.append(f'<a class="ref {kind}" href="{e(links.item(kind, tok))}">{e(tok)}</a>')
        else:
            out.append(e(tok))
        pos = m.end()
    out.append(e(shown[pos:]))
    return f'<pre class="expr">{"".join(out)}</pre>'


def table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    """A table whose cells are already markup (escape before calling)."""
    attr = f' class="{e(cls)}"' if cls else ""
    thead = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table{attr}><thead><tr>{thead}</tr></thead><tbody>{body}</tbody></table>"


def both(zh: str, en: str) -> str:
    """A Chinese text with its English beneath, as the plan's bilingual pages show it."""
    if not en:
        return f'<span lang="zh">{e(zh)}</span>'
    return f'<span lang="zh">{e(zh)}</span><br><span lang="en" class="en">{e(en)}</span>'


_SLOT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")


@dataclass(frozen=True)
class Slot:
    """What fills a ``{name}`` slot of a reason template: its labels and its page."""

    zh: str
    en: str
    href: str = ""


def sentence(zh: str, en: str, slots: dict[str, Slot]) -> str:
    """A condition's reason texts with each ``{name}`` slot shown as the labelled name of
    what fills it (〈档次〉), linked to its page, never as raw template braces."""

    def fill(text: str, lang: str) -> str:
        out, pos = [], 0
        for m in _SLOT.finditer(text):
            out.append(e(text[pos : m.start()]))
            name = m.group(1)
            slot = slots.get(name)
            label = (slot.zh if lang == "zh" else slot.en) if slot else ""
            shown = f"〈{label or name}〉" if lang == "zh" else f"⟨{label or name}⟩"
            var = f'<var class="slot" title="{e(name)}">{e(shown)}</var>'
            out.append(f'<a class="slot" href="{e(slot.href)}">{var}</a>' if slot and slot.href else var)
            pos = m.end()
        out.append(e(text[pos:]))
        return "".join(out)

    if not en:
        return f'<span lang="zh">{fill(zh, "zh")}</span>'
    return f'<span lang="zh">{fill(zh, "zh")}</span><br><span lang="en" class="en">{fill(en, "en")}</span>'


def flag(assumed: bool) -> str:
    return '<span class="assumed">假设 / assumed</span>' if assumed else ""
