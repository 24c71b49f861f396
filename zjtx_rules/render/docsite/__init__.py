"""The rules as a document: a static site generated from a rule package (``zjtx docs``).

Plain HTML and one stylesheet, no script and no external loads, so it works from ``file://``,
offline, and under the web app's ``/rules/`` with the page's CSP. Pages: an index of the
clauses by section of the plan, one page per measure, parameter, decision table and derived
value, the register pages of ``registers.REGISTERS`` (tier criteria by period, the assumptions
register with a blank sign-off column, the dependency view, the facts), and ``all.html``:
every section in clause order, which the print stylesheet lays out as one document.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from zjtx_rules.errors import UsageError
from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.render.docsite import pages, reference
from zjtx_rules.render.docsite.markup import FOLDERS, Links, e
from zjtx_rules.render.docsite.registers import registers_of
from zjtx_rules.render.package_view import PackageView, load_view

CSS_NAME = "site.css"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8"}


def stylesheet() -> str:
    return resources.files("zjtx_rules.render.docsite").joinpath(CSS_NAME).read_text(encoding="utf-8")


def _page(view: PackageView, title: str, body: str, links: Links) -> str:
    p = view.policy
    nav = (
        f'<nav class="site"><a href="{e(links.page("index"))}">{e(p.title_zh)}</a>'
        f'<span class="version">{e(p.version)}</span>'
        + "".join(
            f'<a href="{e(links.page(r.name))}">{e(r.nav_zh)} / {e(r.nav_en)}</a>' for r in registers_of(view)
        )
        + f'<a href="{e(links.page("all"))}">全文 / print</a></nav>'
    )
    return (
        '<!doctype html>\n<html lang="zh"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title>"
        f'<link rel="stylesheet" href="{e(links.asset(CSS_NAME))}"></head>'
        f"<body>{nav}<main>{body}</main>"
        f"<footer>{e(p.id)} {e(p.version)} · sha256 {e(view.rules.sha256)} · "
        "由规则包生成 / generated from the rule package</footer></body></html>\n"
    )


def build_site(view: PackageView) -> dict[str, bytes]:
    """Every file of the site by its relative path."""
    files: dict[str, str] = {CSS_NAME: stylesheet()}
    trees = view.rules.program.trees
    top, sub = Links(0, trees=trees), Links(1, trees=trees)
    p = view.policy
    files["index.html"] = _page(view, p.title_zh, pages.index(view, top), top)
    for mid, m in view.measures.items():
        files[f"{FOLDERS['measure']}/{mid}.html"] = _page(
            view, f"{p.clause_label(m.clause, 'zh')} {m.title_zh}", pages.measure(view, sub, mid), sub
        )
    for name, spec in view.params.items():
        files[f"{FOLDERS['param']}/{name}.html"] = _page(
            view, spec.title_zh, reference.parameter(view, sub, name), sub
        )
    for name, tspec in view.tables.items():
        files[f"{FOLDERS['table']}/{name}.html"] = _page(
            view, tspec.title_zh, reference.decision_table(view, sub, name), sub
        )
    for name, dspec in view.derived.items():
        files[f"{FOLDERS['derived']}/{name}.html"] = _page(
            view, dspec.title_zh or dspec.title_en or name, reference.derived(view, sub, name), sub
        )
    for r in registers_of(view):
        files[f"{r.name}.html"] = _page(view, f"{r.title_zh} / {r.title_en}", r.build(view, top), top)
    one = Links(0, single=True, trees=trees)
    chapters = [pages.index(view, one)]
    chapters += [pages.measure(view, one, mid) for mid in view.measures]
    chapters += [reference.derived(view, one, n) for n in view.derived]
    chapters += [reference.parameter(view, one, n) for n in view.params]
    chapters += [reference.decision_table(view, one, n) for n in view.tables]
    chapters += [r.build(view, one) for r in registers_of(view)]
    files["all.html"] = _page(view, f"{p.title_zh}（全文）", "".join(chapters), one)
    return {name: text.encode("utf-8") for name, text in files.items()}


def write_site(view: PackageView, out: str | Path) -> list[Path]:
    """Write the site under ``out`` (created if needed); return the files written."""
    root = Path(out)
    written = []
    try:
        for name, data in build_site(view).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
    except OSError as exc:
        raise UsageError(
            f"无法写入 {root}: {exc.strerror}", f"cannot write to {root}: {exc.strerror}"
        ) from None
    return written


@functools.lru_cache(maxsize=4)
def _site_for(rules: RuleSet) -> dict[str, bytes]:
    return build_site(load_view(rules=rules))


def site_file(rules: RuleSet, path: str) -> tuple[str, bytes] | None:
    """A file of ``rules``' site for the web app (``path`` below ``/rules/``), built once per
    rule set and kept in memory; ``None`` if there is no such file."""
    name = path.lstrip("/") or "index.html"
    data = _site_for(rules).get(name)
    if data is None:
        return None
    return CONTENT_TYPES[Path(name).suffix], data
