"""The rules document (``zjtx docs``): every page is there, every link resolves, nothing loads
from outside, rule text is escaped, and the web app serves it at ``/rules/`` under its CSP."""

from __future__ import annotations

import html
import re
import shutil
import tomllib
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import BUNDLED, MINI, ROOT
from zjtx_rules.cli.main import main
from zjtx_rules.render.docsite import build_site, write_site
from zjtx_rules.render.package_view import PackageView, load_view
from zjtx_rules.web.application import create_app


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
            for said in (c.pass_zh, c.pass_en):  # slots show as the labelled name in a <var>
                for piece in re.split(r"\{[a-z_][a-z0-9_.]*\}", said):
                    assert html.escape(piece) in text, (mid, piece)
                for name in re.findall(r"\{([a-z_][a-z0-9_.]*)\}", said):
                    assert f'<var class="slot" title="{name}">' in text, (mid, name)
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
    assert b"${rulesBase()}measures/${m.id}.html" in script
    _status, _headers, common = _get(app, "/static/common.js")
    assert b'? "rules/" : null' in common  # the rules document of the package served (the default)
    assert _get(app, "/rules/measures/talent_reward.html")[0].startswith("200")


# -- review findings: what a reader signs off must read as policy, not as code


def _text(path: Path) -> str:
    """A page's visible text (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def _row_with(page: str, marker: str) -> str:
    """The ``<tr>`` of a page's table that contains ``marker``."""
    at = page.index(marker)
    return page[page.rindex("<tr>", 0, at) : page.index("</tr>", at)]


def _section(page: str, heading: str) -> str:
    """A page's markup from the ``<h2>`` starting with ``heading`` to the next ``<h2>``."""
    start = page.index(f"<h2>{heading}")
    end = page.find("<h2>", start + 4)
    return page[start : end if end > 0 else len(page)]


def test_register_lists_every_rule_choice_with_the_measures_and_tiers_it_affects(
    view: PackageView, site: Path
) -> None:
    ids = set()
    for path in BUNDLED.glob("*.toml"):
        ids |= set(tomllib.loads(path.read_text(encoding="utf-8")).get("assumptions", {}))
    assert len(ids) >= 11
    page = (site / "assumptions.html").read_text(encoding="utf-8")
    for aid in ids:
        assert f'id="choice-{aid}"' in page, aid
    # what each choice affects, as the engine's own (transitive) analysis finds it
    for m in view.rules.measures:
        used = {a for c in m.conditions for a in c.refs.choices} | {
            a for o in m.outputs for a in o.refs.choices
        }
        for aid in used & ids:
            assert f'href="measures/{m.id}.html"' in _row_with(page, f'id="choice-{aid}"'), (aid, m.id)
    for t in view.rules.tiers:
        for aid in {a for c in t.criteria for a in c.refs.choices} & ids:
            assert f'href="tiers.html#tier-{t.id}"' in _row_with(page, f'id="choice-{aid}"'), (aid, t.id)
    # a choice named only by a derived value reaches the measures reading that value
    via_derived = {a for d in view.derived.values() for a in d.assumptions}
    assert any("measures/" in _row_with(page, f'id="choice-{a}"') for a in via_derived & ids)


def test_every_measure_page_lists_the_assumed_figures_its_result_rests_on(
    view: PackageView, site: Path
) -> None:
    assumed = {n for n, p in view.params.items() if any(v.assumption for v in p.values)}
    for m in view.rules.measures:
        section = _section(
            (site / "measures" / f"{m.id}.html").read_text(encoding="utf-8"), "假设 / Assumptions"
        )
        refs = [c.refs for c in m.conditions] + [o.refs for o in m.outputs]
        for name in {p for r in refs for p in r.params} & assumed:
            assert f'href="../parameters/{name}.html"' in section, (m.id, name)
        for aid in {a for r in refs for a in r.choices} & set(view.choices):
            assert f'href="../assumptions.html#choice-{aid}"' in section, (m.id, aid)
    # clause 17: its three outputs are the three assumed loan parameters of the same names
    loans = _section(
        (site / "measures" / "policy_loans.html").read_text(encoding="utf-8"), "假设 / Assumptions"
    )
    for name in ("growth_loan_min_cny", "growth_loan_max_cny", "growth_loan_max_years"):
        assert f'href="../parameters/{name}.html"' in loans
    assert "500万元" in loans and "2500万元" in loans


def test_decision_table_rows_read_as_conditions_not_python(site: Path) -> None:
    for path in site.rglob("*.html"):
        text = _text(path)
        for python in ("Decimal(", "{'", "'min'", "'below'", "True", "False"):
            assert python not in text, (path.name, python)
    staff = _text(site / "tables" / "tech_sme_staff_points.html")
    for cell in ("≥ 30%", "25%–30%", "< 10%", "含下限、不含上限"):
        assert cell in staff
    bands = _text(site / "tables" / "lg_min_rd_ratio.html")
    assert "≥ 1亿元" in bands and "5000万元–1亿元" in bands and "< 5000万元" in bands
    flags = (site / "tables" / "champion_min_main_revenue.html").read_text(encoding="utf-8")
    assert 'lang="zh">是</span>' in flags and 'lang="zh">否</span>' in flags
    kinds = (site / "tables" / "qualification_valid_years.html").read_text(encoding="utf-8")
    assert "科技型中小企业" in kinds  # an enum value by its declared label


def test_figures_are_formatted_by_their_declared_type(view: PackageView, site: Path) -> None:
    from zjtx_rules.render.docsite.figures import figure

    assert [figure(v, "money") for v in (200_000_000, 50_000_000, 10_000, 25_000_000)] == [
        "2亿元",
        "5000万元",
        "1万元",
        "2500万元",
    ]
    assert figure(200_000_000, "money", "en") == "CNY 200 million"
    assert figure(Decimal("0.70"), "ratio") == "70%" and figure(Decimal("0.025"), "ratio") == "2.5%"
    assert figure(date(2026, 1, 1), "date") == "2026-01-01" and figure(500, "int") == "500"
    for name, p in view.params.items():
        page = (site / "parameters" / f"{name}.html").read_text(encoding="utf-8")
        shown = re.findall(r"<strong>(.*?)</strong>", _section(page, "取值历史"))
        assert len(shown) == len(p.values)
        for cell in shown:
            text = html.unescape(re.sub(r"<[^>]+>", " ", cell))
            assert not re.search(r"\d{5,}", text), (name, text)  # money in 万元/亿元
            if p.type == "ratio":
                assert "%" in text, (name, text)
    tiers = (site / "tiers.html").read_text(encoding="utf-8")
    thresholds = re.findall(r'<span class="in-force">(.*?)</span></td>', tiers)
    assert "≤ 2亿元" in tiers and "≥ 80%" in tiers
    assert not any(re.search(r"\d{5,}|0\.\d", html.unescape(t)) for t in thresholds)
    register = (site / "assumptions.html").read_text(encoding="utf-8")
    assert "1500万元" in register and "≥ 5000万元" in register


def test_no_raw_template_placeholders_and_wording_is_not_a_derived_value(
    view: PackageView, site: Path
) -> None:
    for path in site.rglob("*.html"):
        assert not re.search(r"\{[A-Za-z_][A-Za-z0-9_.]*\}", _text(path)), path.name
    expressions = [d.expr for d in view.derived.values()]
    for m in view.measures.values():
        expressions += [c.expr for c in m.conditions] + [o.expr for o in m.outputs.values()]
    for t in view.tiers.values():
        expressions += [t.held] + [x for c in t.criteria for x in (c.expr, c.actual, c.required, c.or_expr)]
    in_templates = {
        n
        for m in view.measures.values()
        for c in m.conditions
        for n in re.findall(r"\{([a-z_][a-z0-9_]*)\}", c.pass_zh + c.pass_en + c.fail_zh + c.fail_en)
    }
    wording = {
        n for n in in_templates & set(view.derived) if not any(re.search(rf"\b{n}\b", x) for x in expressions)
    }
    assert wording  # the bundled package has such fragments
    index = (site / "index.html").read_text(encoding="utf-8")
    derived_list = _section(index, "派生值 / derived values")
    for name in wording:
        assert f"derived/{name}.html" not in derived_list, name
        assert f"derived/{name}.html" in index  # still reachable, listed as wording
    reward = (site / "measures" / "talent_reward.html").read_text(encoding="utf-8")
    assert f"〈{view.derived['talent_tier'].title_zh}〉" in reward  # a slot by the name of what fills it


def test_case_tables_show_paths_relative_to_the_package(site: Path) -> None:
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for local in (str(ROOT), str(BUNDLED.resolve()), "site-packages", "/root/", "/home/"):
            assert local not in text, (path.name, local)
    cases = _section((site / "measures" / "talent_reward.html").read_text(encoding="utf-8"), "测试用例")
    files = re.findall(r"<code>([^<]*\.(?:toml|json)[^<]*)</code>", cases)
    assert files and all(f.startswith("cases/") for f in files), files


_PERIOD = re.compile(
    r"(\d{4}-\d\d-\d\d) 起至 (\d{4}-\d\d-\d\d)|from (\d{4}-\d\d-\d\d) through (\d{4}-\d\d-\d\d)"
)


def test_periods_are_half_open_and_never_end_before_they_start(view: PackageView, site: Path) -> None:
    from zjtx_rules.render.docsite.figures import period

    seen = 0
    for path in site.rglob("*.html"):
        for m in _PERIOD.finditer(_text(path)):
            start, end = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            assert start <= end, (path.name, m.group(0))
            seen += 1
    assert seen
    # each parameter value shows its own period: to the day before the next value, or open
    for name, p in view.params.items():
        text = _text(site / "parameters" / f"{name}.html")
        values = sorted(p.values, key=lambda v: v.from_)
        for v, nxt in zip(values, [*values[1:], None], strict=True):
            assert period(v.from_, v.until or (nxt.from_ if nxt else None)) in text, name
    # a criterion with only an end date reads "至 <last day>", never from a later start
    tiers = _text(site / "tiers.html")
    for t in view.tiers.values():
        for c in t.criteria:
            if c.valid_until and not c.valid_from:
                assert period(None, c.valid_until) in tiers
    assert period(date(2022, 1, 1), date(2023, 4, 28)) == "2022-01-01 起至 2023-04-27"


def test_a_register_page_is_one_entry_in_registers(
    view: PackageView, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a sources page goes: one ``Register`` entry gives it a file, a link in every
    page's navigation and on the index, and a chapter of the print document."""
    from zjtx_rules.render.docsite import registers

    extra = registers.Register(
        "sources",
        "来源",
        "sources",
        "来源",
        "sources",
        lambda _v, _l: '<article id="page-sources"></article>',
    )
    monkeypatch.setattr(registers, "REGISTERS", (*registers.REGISTERS, extra))
    files = build_site(view)
    assert b'id="page-sources"' in files["sources.html"]
    assert b'href="../sources.html"' in files["measures/talent_reward.html"]
    assert b'href="sources.html"' in files["index.html"]
    assert (
        b'<article id="page-sources">' in files["all.html"] and b'href="#page-sources"' in files["all.html"]
    )


# --- issue 18 item 5: a sources page, linked from every citation ---------------------------


def test_the_sources_page_lists_the_register_and_every_citation_links_to_it(
    view: PackageView, site: Path
) -> None:
    page = (site / "sources.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'id="source-([a-z0-9_]+)"', page))
    assert anchors == set(view.sources)
    assert "工信部企业〔2022〕63号" in page and "原文逐字读到" in page and "二手或不完整" in page
    cited: set[str] = set()
    for path in site.rglob("*.html"):
        for href in re.findall(r'<a class="cite" href="([^"]+)"', path.read_text(encoding="utf-8")):
            target, _, anchor = href.partition("#source-")
            assert anchor in anchors, (path.name, href)
            assert path.name == "all.html" or target.endswith("sources.html"), (path.name, href)
            cited.add(anchor)
    assert cited == anchors  # every entry is cited somewhere in the document
    params = (site / "parameters" / "patent_subsidy_domestic_cny.html").read_text(encoding="utf-8")
    assert 'href="../sources.html#source-qijiang_patent_rates"' in params
