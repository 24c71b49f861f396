"""The dependency view as inline SVG, drawn by our own code (no layout library, no script).

Three columns: measures in clause order, the derived values they read, and the parameters and
decision tables at the bottom of every chain. Each label links to its page; colours come from
the site stylesheet, so the drawing obeys the page's CSP (no inline styles).
"""

from __future__ import annotations

from zjtx_rules.render.docsite.markup import Links, e
from zjtx_rules.render.package_view import PackageView

ROW = 18
TOP = 30
COLS = (10, 360, 700)  # left edge of each column's labels
EDGE_FROM = (300, 640)  # where edges leave the measure and derived columns
WIDTH = 1000


def dependency_svg(view: PackageView, links: Links) -> str:
    measures = list(view.measures)
    derived = sorted(set(view.derived) - set(view.fragments()))  # wording decides nothing
    leaves = [("param", n) for n in sorted(view.params)] + [("table", n) for n in sorted(view.tables)]
    # keep only what something reads, so the drawing shows the rules' actual structure
    used = {n for r in view.reads.values() for k in ("param", "table") for n in r.get(k, set())}
    leaves = [(k, n) for k, n in leaves if n in used]
    y_m = {n: TOP + i * ROW for i, n in enumerate(measures)}
    y_d = {n: TOP + i * ROW for i, n in enumerate(derived)}
    y_l = {n: TOP + i * ROW for i, (_k, n) in enumerate(leaves)}
    height = TOP + max(len(measures), len(derived), len(leaves), 1) * ROW + 10
    out = [
        f'<svg class="deps" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="dependency view">',
        f'<text class="col" x="{COLS[0]}" y="14">措施 / measures</text>',
        f'<text class="col" x="{COLS[1]}" y="14">派生值 / derived values</text>',
        f'<text class="col" x="{COLS[2]}" y="14">参数、决策表 / parameters, tables</text>',
    ]
    for mid in measures:
        reads = view.reads.get(mid, {})
        y0 = y_m[mid] - 4
        for d in sorted(reads.get("derived", set())):
            out.append(_edge(EDGE_FROM[0], y0, COLS[1] - 4, y_d[d] - 4, "edge-derived"))
        for k in ("param", "table"):
            for n in sorted(reads.get(k, set())):
                if n in y_l:
                    out.append(_edge(EDGE_FROM[0], y0, COLS[2] - 4, y_l[n] - 4, f"edge-{k}"))
    for d in derived:
        reads = view.reads.get(d, {})
        y0 = y_d[d] - 4
        for k in ("param", "table"):
            for n in sorted(reads.get(k, set())):
                if n in y_l:
                    out.append(_edge(EDGE_FROM[1], y0, COLS[2] - 4, y_l[n] - 4, f"edge-{k}"))
        for other in sorted(reads.get("derived", set())):
            y1 = y_d[other] - 4
            bend = EDGE_FROM[1] + 20 + abs(y1 - y0) // 6
            out.append(
                f'<path class="edge edge-derived" d="M{EDGE_FROM[1]} {y0} C{bend} {y0} {bend} {y1} '
                f'{EDGE_FROM[1]} {y1}"/>'
            )
    for mid in measures:
        m = view.measures[mid]
        out.append(_label(links.item("measure", mid), COLS[0], y_m[mid], f"{m.clause} {mid}", "measure"))
    for d in derived:
        out.append(_label(links.item("derived", d), COLS[1], y_d[d], d, "derived"))
    for k, n in leaves:
        out.append(_label(links.item(k, n), COLS[2], y_l[n], n, k))
    out.append("</svg>")
    return "".join(out)


def _edge(x0: int, y0: int, x1: int, y1: int, cls: str) -> str:
    mid = (x0 + x1) // 2
    return f'<path class="edge {cls}" d="M{x0} {y0} C{mid} {y0} {mid} {y1} {x1} {y1}"/>'


def _label(href: str, x: int, y: int, text: str, cls: str) -> str:
    return f'<a href="{e(href)}"><text class="node {cls}" x="{x}" y="{y}">{e(text)}</text></a>'
