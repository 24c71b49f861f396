"""The error index: the catalogue as Markdown, kept in ``rules/README.md`` between markers.

``markdown()`` is a table of every code (code, slug, severity, the Chinese and English
wording), then each entry's documentation with its other wordings and hints. ``write(path)``
puts it between ``START`` and ``END`` in a Markdown file (made, with a heading, if absent),
leaving the rest of the file as it is.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from pathlib import Path

from zjtx_rules.diagnostics.entry import Entry, Form

START = "<!-- error-index:start -->"
END = "<!-- error-index:end -->"
HEADING = "# Rule packages / 规则包\n"

_TRIGGERS = {
    "package": "",
    "case": "*zjtx test*",
    "result": "*evaluation result / 评估结果*",
    "profile": "*profile / 企业信息*",
    "internal": "*internal / 内部*",
}


def shown(template: str) -> str:
    """A template as a reader sees it: ``{name}`` for each value, literal braces single."""
    out = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        out.append(literal)
        if name is not None:
            out.append("{" + name + "}")
    return "".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _wordings(title: str, forms: Iterable[tuple[str, Form]]) -> list[str]:
    lines = [f"- {title} `{name}`: {shown(f.zh)} / {shown(f.en)}" for name, f in forms]
    return [*lines, ""] if lines else []


def _section(e: Entry) -> list[str]:
    where = _TRIGGERS[e.trigger]
    return [
        f"### {e.code} `{e.slug}`" + (f" ({where})" if where else ""),
        "",
        e.doc_zh,
        "",
        e.doc_en,
        "",
        *_wordings("other wording / 其他措辞", e.forms.items()),
        *_wordings("hint / 提示", ((n or "always", f) for n, f in e.hints.items())),
    ]


def markdown(entries: Iterable[Entry] | None = None) -> str:
    """The index of ``entries`` (the whole catalogue by default), in code order."""
    if entries is None:
        from zjtx_rules.diagnostics import CATALOGUE

        entries = CATALOGUE.values()
    chosen = sorted(entries, key=lambda e: e.code)
    lines = [
        "## Diagnostics / 诊断代码",
        "",
        "Generated from `zjtx_rules/diagnostics/` by "
        "`python -m zjtx_rules.diagnostics --write rules/README.md`; do not edit by hand.",
        "",
        "| code | slug | severity | 中文 | English |",
        "| --- | --- | --- | --- | --- |",
    ]
    for e in chosen:
        lines.append(f"| {e.code} | {e.slug} | {e.severity} | {_cell(shown(e.zh))} | {_cell(shown(e.en))} |")
    lines.append("")
    for e in chosen:
        lines.extend(_section(e))
    return "\n".join(lines).rstrip("\n") + "\n"


def block(text: str) -> str | None:
    """What a file holds between the markers (None when it has none)."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        return None
    return text[start + len(START) : end].strip("\n") + "\n"


def write(path: Path) -> bool:
    """Put the index between the markers of ``path``; True when the file changed."""
    old = path.read_text(encoding="utf-8") if path.exists() else HEADING
    body = f"{START}\n{markdown()}{END}"
    start, end = old.find(START), old.find(END)
    if start < 0 or end < start:
        new = old.rstrip("\n") + "\n\n" + body + "\n"
    else:
        new = old[:start] + body + old[end + len(END) :]
    if new == old:
        return False
    path.write_text(new, encoding="utf-8")
    return True
