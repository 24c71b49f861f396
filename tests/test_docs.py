"""The rules document (``zjtx docs``): every page is there, every link resolves, nothing loads
from outside, rule text is escaped, and the web app serves it at ``/rules/`` under its CSP."""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from zjtx_rules.cli import main
from zjtx_rules.docsite import build_site, write_site
from zjtx_rules.package_view import PackageView, load_view
from zjtx_rules.web import create_app

from .conftest import BUNDLED, MINI


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[str] = []
        self.tags: list[str] = []
        self.styled = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for k, v in attrs:
            if k == "id" and v:
                self.ids.add(v)
            if k in ("href", "src") and v is not None:
                self.refs.append(v)
            if k == "style":
                self.styled = True


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def view() -> PackageView:
    return load_view(BUNDLED)


@pytest.fixture(scope="module")
def site(view: PackageView, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    write_site(view, out)
    return out


def test_a_page_per_measure_parameter_table_and_derived_value(view: PackageView, site: Path) -> None:
    assert (site / "index.html").is_file()
    assert {p.stem for p in (site / "measures").glob("*.html")} == set(view.measures)
    assert {p.stem for p in (site / "parameters").glob("*.html")} == set(view.params)
    assert {p.stem for p in (site / "tables").glob("*.html")} == set(view.tables)
    assert {p.stem for p in (site / "derived").glob("*.html")} == set(view.derived)
    for name in ("tiers", "assumptions", "dependencies", "facts", "all"):
        assert (site / f"{name}.html").is_file()
    assert len(view.measures) == 30  # the plan's 30 clauses


def test_every_measure_page_quotes_its_clause_and_shows_its_conditions(view: PackageView, site: Path) -> None:
    for mid, m in view.measures.items():
        text = (site / "measures" / f"{mid}.html").read_text(encoding="utf-8")
        assert html.escape(m.quote) in text, mid
        for c in m.conditions:
            for said in (c.pass_zh, c.pass_en):  # slots show as the value's name in a <var>
                shown = re.sub(r"\{([a-z_][a-z0-9_.]*)\}", r'<var class="slot">\1</var>', html.escape(said))
                assert shown in text
        for name in m.outputs:
            assert f'id="measure-{mid}-out-{name}"' in text


def test_index_lists_the_clauses_in_order_by_section(view: PackageView, site: Path) -> None:
    text = (site / "index.html").read_text(encoding="utf-8")
    positions = [text.index(f'href="measures/{mid}.html"') for mid in view.measures]
    assert positions == sorted(positions)
    for section in {m.section_zh for m in view.measures.values()}:
        assert f"<h3>{html.escape(section)}</h3>" in text


def test_every_link_resolves_and_every_file_is_reachable_from_the_index(site: Path) -> None:
    pages = {p: _parse(p) for p in site.rglob("*.html")}
    seen, todo = {site / "index.html"}, [site / "index.html"]
    broken = []
    while todo:
        page = todo.pop()
        for ref in pages[page].refs:
            parts = urlsplit(ref)
            assert not parts.scheme and not parts.netloc, f"external load {ref} in {page}"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {ref}")
                continue
            if parts.fragment and parts.fragment not in pages[target].ids:
                broken.append(f"{page.relative_to(site)} -> {ref} (no such anchor)")
            if target.suffix == ".html" and target not in seen:
                seen.add(target)
                todo.append(target)
    assert not broken, broken[:10]
    assert seen == set(pages)


def test_no_script_no_inline_style_so_the_page_csp_allows_it(site: Path) -> None:
    for path in site.rglob("*.html"):
        page = _parse(path)
        assert "script" not in page.tags and "style" not in page.tags, path
        assert not page.styled, path


def test_print_document_keeps_clause_order(view: PackageView, site: Path) -> None:
    text = (site / "all.html").read_text(encoding="utf-8")
    positions = [text.index(f'id="measure-{mid}"') for mid in view.measures]
    assert positions == sorted(positions)
    assert "@media print" in (site / "site.css").read_text(encoding="utf-8")


def test_assumptions_register_lists_every_assumption_with_a_blank_signoff(
    view: PackageView, site: Path
) -> None:
    text = (site / "assumptions.html").read_text(encoding="utf-8")
    items = view.assumptions()
    assert items
    assert text.count('<span class="signoff"></span>') == len(items)
    for a in items:
        assert html.escape(a.note) in text


def test_parameter_page_shows_history_with_sources(view: PackageView, site: Path) -> None:
    for name, p in view.params.items():
        text = (site / "parameters" / f"{name}.html").read_text(encoding="utf-8")
        for v in p.values:
            assert v.from_.isoformat() in text and html.escape(v.source) in text


def test_decision_table_rows_are_rendered_as_rows(site: Path) -> None:
    text = (site / "tables" / "talent_quota.html").read_text(encoding="utf-8")
    assert "<th><code>tier</code></th>" in text
    assert "<td>municipal_zjtx</td>" in text


def test_rule_text_is_escaped(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    shutil.copytree(MINI, pkg)
    measures = pkg / "measures.toml"
    text = measures.read_text(encoding="utf-8")
    first = text.index('title_zh = "') + len('title_zh = "')
    measures.write_text(text[:first] + "<script>alert(1)</script>" + text[first:], encoding="utf-8")
    files = build_site(load_view(pkg))
    joined = b"".join(files.values())
    assert b"<script>" not in joined
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in joined


def test_docs_command_writes_the_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", str(BUNDLED), "--out", str(tmp_path / "s")]) == 0
    assert (tmp_path / "s" / "measures" / "talent_reward.html").is_file()
    assert "30 measures" in capsys.readouterr().out


def _get(app: Any, path: str, method: str = "GET") -> tuple[str, dict[str, str], bytes]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": method, "QUERY_STRING": ""}, start_response))
    return seen["status"], seen["headers"], body


def test_web_app_serves_the_document_under_the_page_csp() -> None:
    app = create_app(BUNDLED)
    _status, page_headers, _ = _get(app, "/")
    status, headers, body = _get(app, "/rules/")
    assert status.startswith("200")
    assert headers["Content-Security-Policy"] == page_headers["Content-Security-Policy"]
    assert b'href="measures/talent_reward.html"' in body
    status, headers, body = _get(app, "/rules/measures/talent_reward.html")
    assert status.startswith("200") and "text/html" in headers["Content-Type"]
    status, headers, _ = _get(app, "/rules/site.css")
    assert status.startswith("200") and headers["Content-Type"].startswith("text/css")
    assert _get(app, "/rules/measures/nope.html")[0].startswith("404")
    assert _get(app, "/rules/../web.py")[0].startswith("404")
    assert _get(app, "/rules/", "POST")[0].startswith("405")


def test_calculator_result_links_each_measure_to_its_page() -> None:
    app = create_app(BUNDLED)
    _status, _headers, script = _get(app, "/static/results.js")
    assert b"rules/measures/${m.id}.html" in script
    assert _get(app, "/rules/measures/talent_reward.html")[0].startswith("200")
