"""reflect.charts: well-formed, accessible, escaped, deterministic SVG; plus the stylesheet's rules."""
from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from reflect import charts
from reflect.bidi import FSI, PDI, plain

SVG = "{http://www.w3.org/2000/svg}"
ALLOWED = {"svg", "title", "defs", "marker", "path", "g", "a", "circle", "line", "polyline", "rect", "text"}
HOSTILE = '<script>alert("x")</script> & Co'
WEEKS = [f"2026-W{w:02d}" for w in range(37, 49)]
STYLE = Path(__file__).resolve().parents[1] / "templates" / "style.css"


def parse(markup: str) -> ET.Element:
    assert isinstance(markup, Markup)
    return ET.fromstring(str(markup))


def tag(el: ET.Element) -> str:
    return el.tag.removeprefix(SVG)


def people(n: int, seed: int = 1) -> list[dict]:
    rnd = random.Random(seed)
    levels = ("senior", "peer", "junior", "external")
    return [dict(id=f"p{i}", name=f"Person Number {i:02d} Longname-Hyphenated",
                 level=levels[i % 4], invested=float(rnd.randint(0, 9)),
                 taken=float(rnd.randint(0, 7)), fading=i % 5 == 3,
                 href=f"people/p{i}.html" if i % 2 else None) for i in range(n)]


def all_charts(name: str = "Priya Shah", prefix: str = "c") -> dict[str, Markup]:
    nodes = people(6)
    nodes[0]["name"] = name
    return {
        "network": charts.network(name, nodes, prefix + "n"),
        "network-empty": charts.network(name, [], prefix + "ne"),
        "sparkline": charts.sparkline([1, 3, 0, 2.25], name, prefix + "s"),
        "sparkline-empty": charts.sparkline([], name, prefix + "se"),
        "bars": charts.bars([(w, i % 5) for i, w in enumerate(WEEKS)], name, prefix + "b", unit="gives"),
        "bars-empty": charts.bars([], name, prefix + "be"),
        "balance": charts.balance_bars([(name, 5, 3), ("Li Wei", 0, 2)], name, prefix + "bb"),
        "balance-empty": charts.balance_bars([], name, prefix + "bbe"),
        "rhythm": charts.rhythm_strip([(w, i % 6) for i, w in enumerate(WEEKS)], name, prefix + "r"),
        "rhythm-empty": charts.rhythm_strip([], name, prefix + "re"),
        "trends": charts.trend_lines(WEEKS, {"Gives": list(range(12)), name: [1] * 12}, name, prefix + "t"),
        "trends-empty": charts.trend_lines([], {}, name, prefix + "te"),
    }


@pytest.mark.parametrize("kind", list(all_charts()))
def test_every_chart_is_accessible_wellformed_svg(kind: str) -> None:
    markup = all_charts()[kind]
    root = parse(markup)
    assert tag(root) == "svg"
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 -?[\d.]+ [\d.]+ [\d.]+", root.get("viewBox", ""))
    assert root.get("width") == "100%"
    first = list(root)[0]
    assert tag(first) == "title" and first.text
    assert root.get("aria-labelledby") == first.get("id")
    for el in root.iter():
        assert tag(el) in ALLOWED, tag(el)
        for attr, value in el.attrib.items():
            assert not attr.lower().startswith("on")
            if "url(" in value:
                assert re.fullmatch(r"url\(#[\w-]+\)", value), value
        if tag(el) == "a":
            href = el.get("href", "")
            assert href and ":" not in href and not href.startswith("/")


@pytest.mark.parametrize("kind", list(all_charts()))
def test_coordinates_are_rounded_to_one_decimal(kind: str) -> None:
    text = str(all_charts()[kind])
    numbers = re.findall(r'(?<![\w-])(?:x|y|x1|x2|y1|y2|cx|cy|r|width|height|points|viewBox)="([^"]+)"', text)
    for value in numbers:
        for num in re.findall(r"-?\d+(?:\.\d+)?", value):
            assert not re.search(r"\.\d\d", num), (kind, value)


def test_hostile_names_are_escaped_everywhere() -> None:
    for kind, markup in all_charts(HOSTILE).items():
        root = parse(markup)  # parses: nothing broke out of text or attributes
        assert not any(tag(el) == "script" for el in root.iter()), kind
        assert "<script" not in str(markup)
        if "empty" not in kind:
            assert "&lt;script&gt;" in str(markup), kind


def test_unsafe_hrefs_are_dropped() -> None:
    nodes = [dict(id=str(i), name=f"N{i}", level="peer", invested=1, taken=1, fading=False, href=h)
             for i, h in enumerate(["javascript:alert(1)", " javascript:x", "//evil.example/x",
                                    "/etc/passwd", "https://example.com", "ok/p.html", "a b.html"])]
    root = parse(charts.network("Me", nodes, "h"))
    assert [a.get("href") for a in root.iter(SVG + "a")] == ["ok/p.html"]


def test_same_input_same_output_and_input_order_does_not_matter() -> None:
    nodes = people(40)
    one = charts.network("Priya", nodes, "n")
    assert one == charts.network("Priya", [dict(d) for d in nodes], "n")
    shuffled = nodes[:]
    random.Random(7).shuffle(shuffled)
    assert one == charts.network("Priya", shuffled, "n")
    assert all_charts() == all_charts()


def test_network_without_people_says_so() -> None:
    root = parse(charts.network("Priya", [], "n0"))
    texts = " ".join(t.text or "" for t in root.iter(SVG + "text"))
    assert "No exchanges yet" in texts
    assert not list(root.iter(SVG + "circle"))


def test_network_with_40_people() -> None:
    nodes = people(40)
    markup = charts.network("Priya", nodes, "big")
    root = parse(markup)
    circles = list(root.iter(SVG + "circle"))
    assert len(circles) == 41  # everyone plus the owner
    labels = [t for t in root.iter(SVG + "text") if "node-label" in t.get("class", "")]
    assert 10 <= len(labels) <= 24  # capped, and collisions may drop a few
    assert not any(FSI in t.text for t in labels)  # left-to-right names: no isolates needed
    assert all(len(plain(t.text)) <= 18 for t in labels)
    assert any(plain(t.text).endswith("\u2026") for t in labels)  # long names truncated
    positions = [(t.get("x"), t.get("y")) for t in labels]
    assert len(positions) == len(set(positions))
    node_titles = [g.find(SVG + "title").text for g in root.iter(SVG + "g") if "node " in g.get("class", "") + " "]
    assert len(node_titles) == 41


def test_network_arrows_for_both_directions_and_fading_dashes() -> None:
    nodes = [dict(id="a", name="Priya Shah", level="peer", invested=5, taken=3, fading=False, href=None),
             dict(id="b", name="Old Friend", level="senior", invested=2, taken=1, fading=True, href="people/b.html"),
             dict(id="c", name="Only Gave", level="junior", invested=4, taken=0, fading=False, href=None)]
    root = parse(charts.network("Me", nodes, "dir"))
    markers = {m.get("id") for m in root.iter(SVG + "marker")}
    assert markers == {"dir-inv", "dir-take"}
    links = [g for g in root.iter(SVG + "g") if "link " in g.get("class", "") + " " and g.find(SVG + "title") is not None]
    assert not any(FSI in g.find(SVG + "title").text for g in links)   # a left-to-right name: bare
    by_title = {plain(g.find(SVG + "title").text): g for g in links}
    assert set(by_title) == {"You invested 5 in Priya Shah", "Priya Shah invested 3 in you",
                             "You invested 2 in Old Friend (fading)", "Old Friend invested 1 in you (fading)",
                             "You invested 4 in Only Gave"}
    centre = (360.0, 235.0)

    def dist(x: str, y: str) -> float:
        return ((float(x) - centre[0]) ** 2 + (float(y) - centre[1]) ** 2) ** 0.5

    for title, g in by_title.items():
        first, second = g.findall(SVG + "line")
        inv = title.startswith("You")
        assert first.get("marker-end") == ("url(#dir-inv)" if inv else "url(#dir-take)")
        assert "marker-end" not in second.attrib
        for line in (first, second):
            assert line.get("stroke") == (charts.BLUE if inv else charts.VERMILLION)
            assert ("stroke-dasharray" in line.attrib) == ("fading" in title)
        # the lane runs from first.(x1,y1) to second.(x2,y2): invested goes outward, taken inward
        start, end = dist(first.get("x1"), first.get("y1")), dist(second.get("x2"), second.get("y2"))
        assert (start < end) == inv
    # the node title tells both directions; the fading node is linked and dashed
    titles = [g.find(SVG + "title").text for g in root.iter(SVG + "g") if "node-peer" in g.get("class", "")]
    assert titles == ["Priya Shah (peer): you invested 5 in Priya Shah; Priya Shah invested 3 in you"]
    (a,) = root.iter(SVG + "a")
    assert a.get("href") == "people/b.html"
    assert a.find(SVG + "g/" + SVG + "circle").get("stroke-dasharray")


def test_marker_ids_are_unique_per_prefix() -> None:
    page = "<div>" + str(charts.network("A", people(5), "one")) + str(charts.network("A", people(5), "two")) + "</div>"
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert charts.network("A", people(2), 'x"><script>').count("<script") == 0


def test_bars_titles_axis_and_label_thinning() -> None:
    weeks = [(f"2026-W{w:02d}", w % 7) for w in range(1, 53)]
    root = parse(charts.bars(weeks, "Gives per week", "b", unit="gives"))
    titles = [g.find(SVG + "title").text for g in root.iter(SVG + "g") if "bar" in g.get("class", "").split()]
    assert len(titles) == 52 and titles[44] == "2026-W45: 3 gives"
    texts = [t.text for t in root.iter(SVG + "text")]
    week_labels = [t for t in texts if t.startswith("2026-W")]
    assert 3 <= len(week_labels) < 20 and week_labels[-1] == "2026-W52"
    assert "0" in texts and "6" in texts  # value axis: 0 and max
    current = [g for g in root.iter(SVG + "g") if "bar-current" in g.get("class", "")]
    assert len(current) == 1
    assert not [g for g in parse(charts.bars(weeks, "x", "b2", highlight_last=False)).iter(SVG + "g")
                if "bar-current" in g.get("class", "")]


def test_balance_bars_put_invested_right_and_taken_left() -> None:
    root = parse(charts.balance_bars([("Priya Shah", 5, 3), ("Li", 0, 2)], "Balance", "bal"))
    inv = [r for r in root.iter(SVG + "rect") if r.get("class") == "bar-invested"]
    took = [r for r in root.iter(SVG + "rect") if r.get("class") == "bar-taken"]
    assert len(inv) == 1 and len(took) == 2
    assert float(inv[0].get("x")) > max(float(r.get("x")) + float(r.get("width")) for r in took)
    titles = [g.find(SVG + "title").text for g in root.iter(SVG + "g")]
    assert titles[0] == "Priya Shah: you invested 5 in Priya Shah; Priya Shah invested 3 in you"
    assert {"Priya Shah", "Li", "5", "3", "0", "2"} <= {t.text for t in root.iter(SVG + "text")}


def test_rhythm_strip_levels_titles_and_summary() -> None:
    weeks = [(f"2026-W{w:02d}", c) for w, c in zip(range(1, 53), [0, 1, 2, 3, 4, 9] * 9)]
    root = parse(charts.rhythm_strip(weeks, "Weeks with Li", "r", unit="exchange"))
    squares = [r for r in root.iter(SVG + "rect")]
    assert len(squares) == 43                      # one per active week, each with its tooltip
    assert {r.get("class") for r in squares} == {"rhythm lvl-1", "rhythm lvl-2", "rhythm lvl-3"}
    assert squares[2].find(SVG + "title").text == "2026-W04: 3 exchanges"
    assert squares[0].find(SVG + "title").text == "2026-W02: 1 exchange"    # not "1 exchanges"
    assert squares[2].get("class") == "rhythm lvl-2"
    (empty,) = root.iter(SVG + "path")             # the 9 empty weeks: one path, no tooltips
    assert empty.get("class") == "rhythm lvl-0" and empty.get("d").count("M") == 9
    assert empty.get("d").startswith("M1 1h10v10h-10z")   # week 1 (count 0) is the first square
    summary = charts.rhythm_summary(weeks)
    assert summary.startswith("Active in 43 of 52 weeks (2026-W01 to 2026-W52)")
    assert "longest run 5 weeks" in summary
    assert summary in root.find(SVG + "title").text
    assert charts.rhythm_summary([]) == "No weeks to show."
    assert charts.rhythm_summary([("2026-W01", 0)]).startswith("No activity")


def test_rhythm_strip_for_paper_draws_the_same_squares_as_one_path_per_shade() -> None:
    weeks = [(f"2026-W{w:02d}", c) for w, c in zip(range(1, 53), [0, 1, 2, 3, 4, 9] * 9)]
    screen = parse(charts.rhythm_strip(weeks, "Weeks with Li", "r", unit="exchange"))
    paper = parse(charts.rhythm_strip(weeks, "Weeks with Li", "r", unit="exchange", tooltips=False))
    assert not list(paper.iter(SVG + "rect"))
    paths = {p.get("class"): p for p in paper.iter(SVG + "path")}
    assert sorted(paths) == ["rhythm lvl-0", "rhythm lvl-1", "rhythm lvl-2", "rhythm lvl-3"]
    on_screen = {p.get("class"): p for p in screen.iter(SVG + "path")}
    assert paths["rhythm lvl-0"].get("d") == on_screen["rhythm lvl-0"].get("d")
    for cls, path in paths.items():
        if cls == "rhythm lvl-0":
            continue
        squares = [r for r in screen.iter(SVG + "rect") if r.get("class") == cls]
        corners = re.findall(r"M([\d.]+) ([\d.]+)h10v10h-10z", path.get("d"))
        assert corners == [(r.get("x"), r.get("y")) for r in squares]   # same places, same order
        assert path.get("fill") == squares[0].get("fill")
    assert paper.find(SVG + "title").text == screen.find(SVG + "title").text  # the summary stays
    assert len(paper.findall(f".//{SVG}title")) == 1                        # no per-week tooltips


def test_trend_lines_small_multiples_share_a_scale() -> None:
    series = {"Gives": [1, 2, 3] * 4, "Receipts": [0] * 12, "Asks": [4] * 12, "Thanks": [8] + [1] * 11}
    root = parse(charts.trend_lines(WEEKS, series, "Trends", "t"))
    panels = [g for g in root.iter(SVG + "g") if g.get("class") == "trend-panel"]
    assert [p.find(SVG + "title").text.split(":")[0] for p in panels] == list(series)
    maxima = [p.findall(SVG + "text")[3].text for p in panels]
    assert maxima == ["8"] * 4
    assert len(list(root.iter(SVG + "polyline"))) == 4
    own = parse(charts.trend_lines(WEEKS, series, "Trends", "t", shared_scale=False))
    assert [p.findall(SVG + "text")[3].text for p in own.iter(SVG + "g") if p.get("class") == "trend-panel"] == ["3", "1", "4", "8"]


def test_sparkline_emphasises_the_last_point() -> None:
    root = parse(charts.sparkline([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 2], "Gives", "s"))
    (last,) = [c for c in root.iter(SVG + "circle") if c.get("class") == "spark-last"]
    assert float(last.get("cx")) > 100
    assert "last 2" in root.find(SVG + "title").text
    parse(charts.sparkline([5], "one", "s1"))
    parse(charts.sparkline([float("nan"), -3, 2], "odd", "s2"))


names = st.text(min_size=0, max_size=60)


@settings(max_examples=60, deadline=None)
@given(owner=names, name=names, inv=st.floats(allow_nan=True, allow_infinity=True), n=st.integers(0, 12))
def test_any_text_and_numbers_give_wellformed_svg(owner: str, name: str, inv: float, n: int) -> None:
    nodes = [dict(id=str(i), name=name + str(i), level=["senior", "peer", "junior", "external", "???"][i % 5],
                  invested=inv, taken=i, fading=bool(i % 2), href=name) for i in range(n)]
    parse(charts.network(owner, nodes, name))
    parse(charts.bars([(name, inv)] * n, owner, name, unit=name))
    parse(charts.balance_bars([(name, inv, 1.0)] * n, owner, name))
    parse(charts.rhythm_strip([(name, n)] * n, owner, name))
    parse(charts.trend_lines([name] * n, {name: [inv] * n, owner + "x": [1.0] * n}, owner, name))


# ---------------------------------------------------------------- the stylesheet


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _palettes() -> tuple[dict[str, str], dict[str, str]]:
    css = STYLE.read_text()
    light = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css.split("@media screen and (prefers-color-scheme: dark)")[0]))
    dark_block = css.split("@media screen and (prefers-color-scheme: dark)")[1].split("@page")[0]
    dark = {**light, **dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", dark_block))}
    return light, dark


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_css_text_colours_meet_aa(scheme: str) -> None:
    palette = dict(zip(("light", "dark"), _palettes()))[scheme]
    for fg in ("ink", "muted", "accent", "strength", "notice", "warning"):
        for bg in ("paper", "card", "alt-row"):
            assert contrast(palette[fg], palette[bg]) >= 4.5, (scheme, fg, bg)
    for fg in ("accent-2",):  # graphics only: 3:1 (WCAG 1.4.11)
        assert contrast(palette[fg], palette["paper"]) >= 3.0


def test_chart_colours_contrast_on_white() -> None:
    for colour in (charts.BLUE, charts.INK, charts.MUTED):
        assert contrast(colour, "#FFFFFF") >= 4.5
    assert contrast(charts.VERMILLION, "#FFFFFF") >= 3.0  # a graphic, never text


def test_css_is_self_contained_and_print_ready() -> None:
    css = STYLE.read_text()
    assert "@import" not in css
    assert not re.search(r"url\((?!\s*['\"]?data:)", css)
    assert not re.search(r"(https?|ftp|file):", css)
    for needle in ("size: A4", "@top-left", "string(owner)", "@top-right", "string(week)",
                   'counter(page) " of " counter(pages)', "string-set: owner", "string-set: week",
                   "break-inside: avoid", "break-after: avoid", "prefers-color-scheme: dark",
                   "@media print", "DejaVu Sans", "DejaVu Serif", ".paper-letter", ".grid-2",
                   ".tile .value", ".tile .delta", ".finding.strength", ".finding.notice",
                   ".finding.warning", "details.evidence", ".write-lines", "70ch"):
        assert needle in css, needle
    # severities are told apart by an icon too, not colour alone
    for sev in ("strength", "notice", "warning"):
        assert re.search(rf'\.finding\.{sev} \.severity::before \{{ content: "\\[0-9A-F]+"', css), sev
    # every chart class the module emits is styled
    emitted = set(re.findall(r'class="([^"]+)"', "".join(str(m) for m in all_charts().values())))
    classes = {c for group in emitted for c in group.split()}
    for cls in ("chart-text", "chart-muted", "chart-axis", "node-label", "owner-label", "link-inv",
                "link-take", "arrow-inv", "arrow-take", "bar-invested", "bar-taken", "row-alt",
                "spark-last", "trend-line", "trend-last", "lvl-0", "lvl-3"):
        assert cls in classes or cls in str(charts.network("a", people(3), "z")), cls
        assert "." + cls in css, cls


def _links_through_other_nodes(markup: Markup) -> list[str]:
    """Each link (line) that passes through a node other than the one it leads to."""
    root = parse(markup)
    nodes = []
    for g in root.iter(SVG + "g"):
        c = g.find(SVG + "circle")
        if "node " in g.get("class", "") + " " and "node-owner" not in g.get("class", "") and c is not None:
            nodes.append((g.find(SVG + "title").text.split(" (")[0], float(c.get("cx")), float(c.get("cy")),
                          float(c.get("r"))))
    crossed = []
    for g in root.iter(SVG + "g"):
        if "link" not in g.get("class", "").split():
            continue
        title = g.find(SVG + "title").text
        for line in g.iter(SVG + "line"):
            x1, y1, x2, y2 = (float(line.get(k)) for k in ("x1", "y1", "x2", "y2"))
            for name, cx, cy, r in nodes:
                if name in title:
                    continue
                t = max(0.0, min(1.0, ((cx - x1) * (x2 - x1) + (cy - y1) * (y2 - y1)) / ((x2 - x1) ** 2 + (y2 - y1) ** 2)))
                if ((x1 + t * (x2 - x1) - cx) ** 2 + (y1 + t * (y2 - y1) - cy) ** 2) ** 0.5 < r:
                    crossed.append(f"{title} through {name}")
    return crossed


@pytest.mark.parametrize("levels", [
    ("junior", "external"),                                  # both straight below the owner
    ("senior", "external", "external"),
    ("peer", "peer", "junior", "external", "external", "external"),
    ("senior", "senior", "peer", "peer", "peer", "junior", "junior", "external", "external", "external", "external"),
])
def test_a_link_to_the_outer_ring_does_not_run_through_an_inner_node(levels) -> None:
    nodes = [dict(id=f"p{i}", name=f"P{i} {lv}", level=lv, invested=2.0, taken=1.0) for i, lv in enumerate(levels)]
    assert _links_through_other_nodes(charts.network("Alex", nodes, "ring")) == []
