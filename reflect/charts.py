"""Inline SVG charts for the site and the PDF reports: pure functions, data in, markup out.

Every chart is a self-contained `<svg>` (no script, no external reference, no
`foreignObject`) built only from elements WeasyPrint draws: rect, circle, line,
path, polyline, text, g, a, title and marker inside defs.  Each one starts with
a `<title>` that names it (`role="img"`, `aria-labelledby`), has a `viewBox`
and scales to 100 % of its container.  Colours come from the Okabe-Ito
palette and are never the only carrier of meaning: direction has arrowheads,
fading is dashed, every mark has its own `<title>` and numbers are written out.
Colours are given as attributes (so the PDF, which does not apply the page's
CSS inside SVG, prints them) and CSS classes (so `style.css` can restyle them,
e.g. in dark mode).  Output is deterministic: coordinates are rounded to one
decimal and everything is laid out in a stable order.  All text from data is
escaped; `id_prefix` keeps marker and title ids unique on a page.  A person's or
the owner's name in a label or a mark's title is between FSI and PDI (`bidi.iso`):
SVG has no `<bdi>`, and a right-to-left name would otherwise take the words,
numbers and ellipsis next to it into its own run.  A chart's own title (the
caller's `label`, the PDF's alternative text) is left plain.
"""
from __future__ import annotations

import functools
import math
import re
from typing import Sequence

from markupsafe import Markup, escape

from reflect.bidi import iso

__all__ = ["network", "sparkline", "bars", "balance_bars", "rhythm_strip",
           "rhythm_summary", "trend_lines"]

# Okabe-Ito: blue (5.1:1 on white) and vermillion (3.8:1) for the two directions.
BLUE, VERMILLION, SKY = "#0072B2", "#D55E00", "#56B4E9"  # dark mode uses #56B4E9 / #E69F00 via CSS
INK, MUTED, GRID, PAPER = "#1F1F1F", "#595959", "#BDBDBD", "#FFFFFF"
RAMP = ("#FFFFFF", "#BFD9EC", "#5EA3D0", "#0072B2")  # rhythm levels 0-3, light to dark
FONT = "DejaVu Sans, Verdana, sans-serif"
CHAR_EM = 0.6  # estimated average glyph width in em, for label collision checks


# ---------------------------------------------------------------- helpers
def _n(x: float) -> str:
    """A number for SVG or for people: one decimal at most, no '-0', no '.0'.

    A site build formats ~600,000 coordinates: the two common types take the short paths."""
    if x.__class__ is int:
        return str(x)
    s = f"{x if x.__class__ is float else float(x):.1f}"   # correctly rounded, like round(x, 1)
    if s[-1] != "0":    # one decimal that is not 0: the usual coordinate
        return s
    s = s[:-2]
    return "0" if s == "-0" else s


def _ns(*xs: float) -> list[str]:
    """[_n(x) for x in xs] for coordinates (floats and ints within float range): one format
    and two replacements instead of a call per number (a 10k build draws ~21,000 lanes)."""
    return (("%.1f " * len(xs)) % xs).replace("-0.0 ", "0.0 ").replace(".0 ", " ").split()


def _v(x: object) -> float:
    """A finite, non-negative value (bad input draws as 0 rather than breaking)."""
    try:
        f = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return f if math.isfinite(f) and f > 0 else 0.0


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


_PLAIN = re.compile("[^<>&'\"\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]*")


def _e(text: object) -> str:
    """Escaped for XML text and attributes; characters XML cannot carry are dropped."""
    s = str(text)
    if _PLAIN.fullmatch(s):   # most labels: nothing to escape or drop (one scan in C)
        return s
    return str(escape(_NOT_XML.sub("", s)))


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "\u2026"


def _pid(prefix: str) -> str:
    p = re.sub(r"[^A-Za-z0-9_-]", "-", str(prefix)) or "chart"
    return p if p[0].isalpha() else "c" + p


def _safe_href(href: str | None) -> str | None:
    """Only plain relative links: no scheme, no leading slash, no whitespace or controls."""
    if not href or re.search(r"[\s\x00-\x1f\x7f\\]", href):
        return None
    if href.startswith("/") or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", href):
        return None
    return href


def _text(x: float, y: float, s: str, size: float = 11, anchor: str = "start",
          cls: str = "chart-text", fill: str = INK, bold: bool = False, italic: bool = False) -> str:
    extra = (' font-weight="bold"' if bold else "") + (' font-style="italic"' if italic else "")
    nx, ny, ns = _ns(x, y, size)
    return (f'<text class="{cls}" x="{nx}" y="{ny}" font-size="{ns}" '
            f'text-anchor="{anchor}" fill="{fill}"{extra}>{_e(s)}</text>')


# How every chart begins (`_svg`): its classes and its title, for `build.print_html`, which
# prints reflect's charts as images with the title as their alternative text.
CHART_HEAD = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg" class="(chart [^"]*)"[^>]*>'
                        r'<title id="[^"]*">([^<]*)</title>')


def _svg(pid: str, kind: str, w: float, h: float, label: str, body: Sequence[str], y0: float = 0) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'aria-labelledby="{pid}-title" viewBox="0 {_n(y0)} {_n(w)} {_n(h)}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" font-family="{FONT}">'
        f'<title id="{pid}-title">{_e(label)}</title>' + "".join(body) + "</svg>")


def _empty(pid: str, kind: str, label: str, message: str, w: float = 640, h: float = 60) -> Markup:
    return _svg(pid, kind, w, h, f"{label}: {message}",
                [_text(w / 2, h / 2 + 4, message, 13, "middle", "chart-text chart-muted", MUTED)])


def _points(pts: Sequence[tuple[float, float]]) -> str:
    flat = _ns(*[c for pt in pts for c in pt])
    return " ".join([f"{x},{y}" for x, y in zip(flat[::2], flat[1::2])])


# ---------------------------------------------------------------- network
_NW, _NH, _CX, _CY = 720.0, 520.0, 360.0, 235.0
_INNER, _OUTER = (215.0, 140.0), (305.0, 200.0)
_BANDS = {"senior": [(140, 40)], "peer": [(30, -30), (150, 210)], "junior": [(220, 320)]}
_LABEL_SIZE, _MAX_LABELS, _OWNER_R = 12.0, 24, 26.0
Box = tuple[float, float, float, float]
Seg = tuple[float, float, float, float, float]


def _layout(nodes: list[dict]) -> list[tuple[dict, float, float, float, float]]:
    """(node, x, y, cos, sin) for every node, spread evenly per level band, alphabetical."""
    by_level: dict[str, list[dict]] = {k: [] for k in ("senior", "peer", "junior", "external")}
    for node in nodes:
        by_level.get(str(node.get("level")), by_level["external"]).append(node)
    placed = []
    for level, group in by_level.items():
        group.sort(key=lambda d: (str(d.get("name", "")).casefold(), str(d.get("id", ""))))
        if level == "external":
            (rx, ry), squeeze = _OUTER, 0.88
            turn = _outer_turn(len(group), tuple((round(x, 1), round(y, 1)) for _, x, y, _, _ in placed))
            rows = [[(90 + turn + 360 * (i + 0.5) / len(group), d) for i, d in enumerate(group)]]
        else:
            (rx, ry), squeeze, bands = _INNER, 0.8, _BANDS[level]
            half = (len(group) + 1) // 2
            parts = [group[:half], group[half:]] if len(bands) == 2 else [group]
            rows = [[(a0 + (a1 - a0) * (i + 0.5) / len(part), d) for i, d in enumerate(part)]
                    for (a0, a1), part in zip(bands, parts) if part]
        for row in rows:
            crowded = len(row) > 1 and abs(row[1][0] - row[0][0]) * math.pi / 180 * rx < 70
            for i, (deg, d) in enumerate(row):
                c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
                k = squeeze if crowded and i % 2 else 1.0
                placed.append((d, _CX + rx * k * c, _CY - ry * k * s, c, s))
    return placed


_CLEAR = 16.0   # px from a link to the outer ring to an inner node's centre: its largest radius and a lane


@functools.lru_cache(maxsize=256)
def _outer_turn(n: int, inner: tuple[tuple[float, float], ...]) -> int:
    """Degrees to turn the outer ring of `n` nodes by, so that no link from the owner to an outer
    node runs through an inner node (at `inner`): 0 when nothing is in the way, else the smallest
    turn that clears every link (or, failing that, the most).  Inner places depend only on how
    many people each level has, so a build computes each case once."""
    if not n or not inner:
        return 0
    rx, ry = _OUTER
    blocks = [(math.atan2(_CY - y, x - _CX), math.asin(min(1.0, _CLEAR / max(math.hypot(x - _CX, y - _CY), _CLEAR))))
              for x, y in inner]

    def through(turn: int) -> int:       # how many outer links would cross an inner node
        hits = 0
        for i in range(n):
            t = math.radians(90 + turn + 360 * (i + 0.5) / n)
            phi = math.atan2(ry * math.sin(t), rx * math.cos(t))
            hits += any(abs((phi - a + math.pi) % (2 * math.pi) - math.pi) < half for a, half in blocks)
        return hits

    best, fewest = 0, through(0)
    for k in range(1, int(180 / n) + 1):          # up to half the spacing either way
        if not fewest:
            break
        for turn in (k, -k):
            hits = through(turn)
            if hits < fewest:
                best, fewest = turn, hits
                if not hits:
                    break
    return best


def _hits_segment(box: Box, seg: Seg) -> bool:
    """Does the line segment (x1, y1, x2, y2, width) cross the box? (Liang-Barsky clipping)"""
    x1, y1, x2, y2, w = seg
    bx0, by0, bx1, by1 = box[0] - w / 2, box[1] - w / 2, box[2] + w / 2, box[3] + w / 2
    # cheap rejection first: the segment's bounding box misses the box
    if (x1 < bx0 and x2 < bx0) or (x1 > bx1 and x2 > bx1) or (y1 < by0 and y2 < by0) or (y1 > by1 and y2 > by1):
        return False
    t0, t1, dx, dy = 0.0, 1.0, x2 - x1, y2 - y1
    for p, q in ((-dx, x1 - bx0), (dx, bx1 - x1), (-dy, y1 - by0), (dy, by1 - y1)):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            t0 = max(t0, q / p)
        else:
            t1 = min(t1, q / p)
    return t0 <= t1


def _seg_bounds(seg: Seg) -> tuple[float, float, float, float, Seg]:
    """A segment with its bounding box grown by half its width, for `_free`'s quick rejection."""
    x1, y1, x2, y2, w = seg
    return (min(x1, x2) - w / 2, min(y1, y2) - w / 2, max(x1, x2) + w / 2, max(y1, y2) + w / 2, seg)


def _free(box: Box, boxes: list[Box], segs: list[tuple[float, float, float, float, Seg]] | None) -> bool:
    """Is the label box inside the canvas and clear of every box and (if given) every link?
    Plain loops, not any(...): this runs ~100 times per label, 24 labels per chart."""
    x0, y0, x1, y1 = box
    if x0 < 2 or x1 > _NW - 2 or y0 < 2 or y1 > _NH - 48:
        return False
    for b in boxes:
        if x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1:
            return False
    if segs:
        for sx0, sy0, sx1, sy1, seg in segs:
            if sx1 < x0 or sx0 > x1 or sy1 < y0 or sy0 > y1:   # the link's box misses the label's
                continue
            if _hits_segment(box, seg):
                return False
    return True


def _label(name: str, x: float, y: float, c: float, s: float, r: float,
           boxes: list[Box], segs: list[tuple[float, float, float, float, Seg]], italic: bool) -> str:
    """Place a node label near its node: first where it crosses nothing, else where it only
    crosses links (then on a paper-coloured backing), shortening it if needed; '' if no room."""
    fs, gap = _LABEL_SIZE, r + 4
    out = "start" if c > 0.45 else "end" if c < -0.45 else "middle"
    vert = [(x, y - r - 5, "middle"), (x, y + r + fs + 1, "middle")]
    side = [(x + gap, y + 4, "start"), (x - gap, y + 4, "end")]
    if out == "middle":  # top or bottom band: above/below first, outward side first
        cands = vert if s > 0 else vert[::-1]
        cands += side
    else:
        cands = (side if out == "start" else side[::-1]) + (vert if s > 0 else vert[::-1])
    cands += [(lx, ly + dy, a) for lx, ly, a in cands for dy in (-fs - 1, fs + 1)]
    for avoid_links in (True, False):
        for limit in (18, 12, 7):
            text = _clip(name, limit)
            w = len(text) * fs * CHAR_EM
            for lx, ly, anchor in cands:
                x0 = lx if anchor == "start" else lx - w if anchor == "end" else lx - w / 2
                box = (x0 - 1.5, ly - fs * 0.9, x0 + w + 1.5, ly + fs * 0.3)
                if _free(box, boxes, segs if avoid_links else None):
                    boxes.append(box)
                    backing = "" if avoid_links else (
                        f'<rect class="label-bg" x="{_n(box[0])}" y="{_n(box[1])}" width="{_n(box[2] - box[0])}" '
                        f'height="{_n(box[3] - box[1])}" rx="2" fill="{PAPER}" fill-opacity="0.85"/>')
                    return backing + _text(lx, ly, iso(text), fs, anchor, "chart-text node-label", italic=italic)
    return ""


def _marker(pid: str, key: str, path: str, colour: str) -> str:
    return (f'<marker id="{pid}-{key}" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="12" '
            f'markerHeight="12" markerUnits="userSpaceOnUse" orient="auto">'
            f'<path class="arrow-{key}" d="{path}" fill="{colour}" stroke="{PAPER}" stroke-width="0.8"/></marker>')


def _lane(start: tuple[float, float], mid: tuple[float, float], end: tuple[float, float],
          colour: str, width: float, dash: str, marker: str | None) -> str:
    """A lane as two <line>s, the arrowhead at the end of the first (mid-way along the lane).

    Two lines rather than one polyline with marker-mid: WeasyPrint 70 orients
    markers on polyline vertices wrongly (checked), but gets <line> ends right.
    """
    head = f' marker-end="url(#{marker})"' if marker else ""
    x0, y0, x1, y1, x2, y2, w = _ns(start[0], start[1], mid[0], mid[1], end[0], end[1], width)
    common = f'stroke="{colour}" stroke-width="{w}"{dash}'
    return (f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" {common}{head}/>'
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" {common}/>')


def network(owner_name: str | None, nodes: list[dict], id_prefix: str) -> Markup:
    """The owner's network: owner in the centre, people placed by level.

    `owner_name` None: a chart with no owner's name (a share), "Your reciprocity network" around "You".

    Seniors on an arc above, peers left and right, juniors below, external
    people on an outer ring (alphabetical within each band, spread evenly,
    alternate nodes pulled in when a band is crowded; the outer ring turned
    so that its links do not run through an inner node, where a turn can).  Each relationship is
    two parallel lanes: blue with a plain arrowhead pointing owner -> person
    for what the owner invested, vermillion with a notched arrowhead
    pointing person -> owner for what the owner took; arrowheads sit along
    the lane, so direction survives greyscale.  The pair's total width
    scales with the volume (invested + taken).  Fading relationships are
    dashed (lanes and node ring) with an italic label.  Node size also
    follows volume.  Every node and lane has its own `<title>`; nodes with a
    relative `href` are links.  The 24 largest relationships get labels
    (ellipsis-truncated, moved, shortened or dropped to avoid collisions).
    """
    pid = _pid(id_prefix)
    owner = "You" if owner_name is None else str(owner_name)
    heading = "Your reciprocity network" if owner_name is None else f"Network of {owner}"
    if not nodes:
        return _empty(pid, "network", heading,
                      "No exchanges yet \u2014 your network appears here as you log them.", 720, 120)
    vol = {id(d): _v(d.get("invested")) + _v(d.get("taken")) for d in nodes}
    vmax = max(vol.values()) or 1.0
    ranked = sorted(nodes, key=lambda d: (-vol[id(d)], str(d.get("name", "")).casefold(), str(d.get("id", ""))))
    placed = sorted(_layout(list(nodes)), key=lambda p: ranked.index(p[0]))
    thin = 1.0 if len(nodes) <= 16 else 0.7
    radius = {id(d): 5.5 + 4.5 * math.sqrt(vol[id(d)] / vmax) for d in nodes}
    boxes: list[Box] = [(_CX - _OWNER_R, _CY - _OWNER_R, _CX + _OWNER_R, _CY + _OWNER_R)]
    boxes += [(x - radius[id(d)] - 1, y - radius[id(d)] - 1, x + radius[id(d)] + 1, y + radius[id(d)] + 1)
              for d, x, y, _, _ in placed]
    links, segs, drawn = [], [], []
    for d, x, y, c, s in placed:
        name, r = str(d.get("name") or d.get("id") or "?"), radius[id(d)]
        inv, took, fading = _v(d.get("invested")), _v(d.get("taken")), bool(d.get("fading"))
        dist = math.hypot(x - _CX, y - _CY) or 1.0
        ux, uy = (x - _CX) / dist, (y - _CY) / dist
        total = thin * (1.5 + 7.5 * math.sqrt(vol[id(d)] / vmax))
        for amount, key, colour, outward, text in (
                (inv, "inv", BLUE, True, f"You invested {_n(inv)} in {iso(name)}"),
                (took, "take", VERMILLION, False, f"{iso(name)} invested {_n(took)} in you")):
            if amount <= 0:
                continue
            w = max(1.0, total * amount / (inv + took))
            off = (w / 2 + 1.2) * (1 if outward else -1) if inv > 0 and took > 0 else 0.0
            ox, oy = -uy * off, ux * off
            a = (_CX + ux * (_OWNER_R + 2) + ox, _CY + uy * (_OWNER_R + 2) + oy)
            b = (x - ux * (r + 2) + ox, y - uy * (r + 2) + oy)
            start, end = (a, b) if outward else (b, a)
            mid = (start[0] + (end[0] - start[0]) * 0.6, start[1] + (end[1] - start[1]) * 0.6)
            segs.append((a[0], a[1], b[0], b[1], w))
            dash = ' stroke-dasharray="6 4"' if fading else ""
            links.append(
                f'<g class="link link-{key}{" link-fading" if fading else ""}"><title>{_e(text)}'
                f'{" (fading)" if fading else ""}</title>{_lane(start, mid, end, colour, w, dash, pid + "-" + key)}</g>')
        drawn.append((d, name, x, y, c, s, r, inv, took, fading))
    nodes_svg = []
    bounded = [_seg_bounds(seg) for seg in segs]
    for rank, (d, name, x, y, c, s, r, inv, took, fading) in enumerate(drawn):
        level = str(d.get("level")) if d.get("level") in ("senior", "peer", "junior") else "external"
        who = iso(name)
        title = (f"{who} ({level}{', fading' if fading else ''}): you invested {_n(inv)} "
                 f"in {who}; {who} invested {_n(took)} in you")
        ring = ' stroke-dasharray="3 2"' if fading else ""
        text = _label(name, x, y, c, s, r, boxes, bounded, fading) if rank < _MAX_LABELS else ""
        node = (f'<g class="node node-{level}{" node-fading" if fading else ""}"><title>{_e(title)}</title>'
                f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{PAPER}" stroke="{INK}" '
                f'stroke-width="1.5"{ring}/>{text}</g>')
        href = _safe_href(d.get("href"))
        nodes_svg.append(f'<a href="{_e(href)}">{node}</a>' if href else node)
    body = ["<defs>", _marker(pid, "inv", "M0,0 L10,5 L0,10 z", BLUE),
            _marker(pid, "take", "M0,0 L10,5 L0,10 L3.5,5 z", VERMILLION), "</defs>"]
    body += links + nodes_svg
    centre = "You" if owner_name is None else f"{iso(owner)} (you)"
    body.append(f'<g class="node node-owner"><title>{_e(centre)}</title>'
                f'<circle cx="{_n(_CX)}" cy="{_n(_CY)}" r="{_n(_OWNER_R)}" fill="{INK}" stroke="{INK}"/>'
                + _text(_CX, _CY + 4.5, "You", 13, "middle", "chart-text owner-label", PAPER, bold=True) + "</g>")
    top = max(0.0, min(b[1] for b in boxes) - 8)  # crop the canvas to what was drawn
    ly = max(b[3] for b in boxes) + 22
    body += ['<g class="legend">',
             f'<g class="link-inv">{_lane((12, ly), (38, ly), (52, ly), BLUE, 3, "", pid + "-inv")}</g>',
             _text(58, ly + 4, "you invested", 11),
             f'<g class="link-take">{_lane((172, ly), (198, ly), (212, ly), VERMILLION, 3, "", pid + "-take")}</g>',
             _text(218, ly + 4, "invested in you", 11),
             '<g class="link-fading">' + _lane((352, ly), (372, ly), (392, ly), MUTED, 3, ' stroke-dasharray="6 4"', None) + "</g>",
             _text(398, ly + 4, "fading", 11),
             _text(470, ly + 4, "thicker = more exchanged", 11),
             "</g>"]
    # where the levels are is said in the page's text, next to the chart: in print, SVG text is
    # set one letter at a time, and a sentence here is no text at all to a screen reader
    return _svg(pid, "network", _NW, ly + 12 - top, f"{heading}: {len(nodes)} people", body, top)


# ---------------------------------------------------------------- small charts
def sparkline(values: list[float], label: str, id_prefix: str) -> Markup:
    """A tiny line over (typically) 12 weeks, from 0 to the maximum, last point emphasised."""
    pid, vals = _pid(id_prefix), [_v(v) for v in values]
    if not vals:
        return _empty(pid, "sparkline", label, "no data", 120, 30)
    w, h, pad = 120.0, 30.0, 4.0
    top = max(vals) or 1.0
    step = (w - 2 * pad) / (len(vals) - 1) if len(vals) > 1 else 0.0
    pts = [(pad + i * step if len(vals) > 1 else w - pad, h - pad - (h - 2 * pad) * v / top)
           for i, v in enumerate(vals)]
    lx, ly = pts[-1]
    body = [f'<line class="chart-axis" x1="{_n(pad)}" y1="{_n(h - pad)}" x2="{_n(w - pad)}" '
            f'y2="{_n(h - pad)}" stroke="{GRID}" stroke-width="1"/>',
            f'<polyline class="spark-line" points="{_points(pts)}" fill="none" stroke="{MUTED}" '
            f'stroke-width="1.5" stroke-linejoin="round"/>',
            f'<circle class="spark-last" cx="{_n(lx)}" cy="{_n(ly)}" r="3" fill="{BLUE}" stroke="{PAPER}" stroke-width="1"/>']
    return _svg(pid, "sparkline", w, h, f"{label}: {', '.join(_n(v) for v in vals)} (last {_n(vals[-1])})", body)


def bars(series: list[tuple[str, float]], label: str, id_prefix: str,
         highlight_last: bool = True, unit: str = "") -> Markup:
    """Weekly bars with a 0-to-max value axis; every nth week labelled so labels never collide.

    Each bar has a `<title>` such as "2026-W45: 4 gives" (`unit` supplies "gives").
    The last bar is darker, outlined and carries its value as text when highlighted.
    """
    pid = _pid(id_prefix)
    if not series:
        return _empty(pid, "bars", label, "No weeks to show yet.")
    w, h, left, right, top, bottom = 640.0, 170.0, 40.0, 8.0, 20.0, 28.0
    vals = [_v(v) for _, v in series]
    vmax = max(vals) or 1.0
    slot = (w - left - right) / len(series)
    fs = 11.0
    label_w = max(len(str(k)) for k, _ in series) * fs * CHAR_EM + 8
    every = max(1, math.ceil(label_w / slot))
    base = h - bottom
    body = [f'<line class="chart-axis" x1="{_n(left)}" y1="{_n(top)}" x2="{_n(left)}" y2="{_n(base)}" stroke="{MUTED}" stroke-width="1"/>',
            f'<line class="chart-grid" x1="{_n(left)}" y1="{_n(top)}" x2="{_n(w - right)}" y2="{_n(top)}" stroke="{GRID}" stroke-width="0.75" stroke-dasharray="3 3"/>',
            _text(left - 5, base + 4, "0", fs, "end", "chart-text chart-muted", MUTED),
            _text(left - 5, top + 4, _n(vmax), fs, "end", "chart-text chart-muted", MUTED)]
    for i, ((week, _), v) in enumerate(zip(series, vals)):
        last = highlight_last and i == len(series) - 1
        bh = max(1.0, (base - top) * v / vmax)
        x = left + i * slot + slot * 0.15
        fill, stroke = (BLUE, INK) if last else (SKY, BLUE)
        tip = f"{week}: {_n(v)} {unit}".strip()
        body.append(f'<g class="bar{" bar-current" if last else ""}"><title>{_e(tip)}</title>'
                    f'<rect x="{_n(x)}" y="{_n(base - bh)}" width="{_n(slot * 0.7)}" height="{_n(bh)}" '
                    f'fill="{fill if v else GRID}" stroke="{stroke if v else GRID}" stroke-width="{1.5 if last else 0.75}"/></g>')
        if last:
            body.append(_text(x + slot * 0.35, base - bh - 5, _n(v), fs, "middle", bold=True))
        if (len(series) - 1 - i) % every == 0:
            body.append(_text(x + slot * 0.35, base + 16, str(week), fs, "middle",
                              "chart-text chart-muted", MUTED, bold=last))
    body.append(f'<line class="chart-axis" x1="{_n(left)}" y1="{_n(base)}" x2="{_n(w - right)}" y2="{_n(base)}" stroke="{MUTED}" stroke-width="1"/>')
    return _svg(pid, "bars", w, h, label, body)


def balance_bars(rows: list[tuple[str, float, float]], label: str, id_prefix: str) -> Markup:
    """Per-person diverging bars: what you invested to the right, what you took to the left.

    Names sit in the middle column, values are written at the bar ends, both
    sides share one scale.  Rows keep the caller's order.
    """
    pid = _pid(id_prefix)
    if not rows:
        return _empty(pid, "balance", label, "No exchanges with anyone in this period.")
    w, row_h, head = 640.0, 24.0, 28.0
    lz, rz, span = 228.0, 412.0, 150.0
    h = head + row_h * len(rows) + 6
    vmax = max(max(_v(i), _v(t)) for _, i, t in rows) or 1.0
    body = [_text(lz, 16, "\u2190 invested in you", 11, "end", "chart-text chart-muted", MUTED, bold=True),
            _text(rz, 16, "you invested \u2192", 11, "start", "chart-text chart-muted", MUTED, bold=True),
            f'<line class="chart-axis" x1="{_n(lz)}" y1="{_n(head - 4)}" x2="{_n(lz)}" y2="{_n(h - 4)}" stroke="{GRID}" stroke-width="1"/>',
            f'<line class="chart-axis" x1="{_n(rz)}" y1="{_n(head - 4)}" x2="{_n(rz)}" y2="{_n(h - 4)}" stroke="{GRID}" stroke-width="1"/>']
    for k, (name, inv, took) in enumerate(rows):
        inv, took, y = _v(inv), _v(took), head + k * row_h
        cy = y + row_h / 2
        who = iso(name)
        tip = f"{who}: you invested {_n(inv)} in {who}; {who} invested {_n(took)} in you"
        parts = [f'<g class="balance-row"><title>{_e(tip)}</title>']
        if k % 2:
            parts.append(f'<rect class="row-alt" x="0" y="{_n(y)}" width="{_n(w)}" height="{_n(row_h)}" fill="#F2F2F2"/>')
        lw, rw = span * took / vmax, span * inv / vmax
        if took:
            parts.append(f'<rect class="bar-taken" x="{_n(lz - lw)}" y="{_n(cy - 7)}" width="{_n(lw)}" height="14" fill="{VERMILLION}"/>')
        if inv:
            parts.append(f'<rect class="bar-invested" x="{_n(rz)}" y="{_n(cy - 7)}" width="{_n(rw)}" height="14" fill="{BLUE}"/>')
        parts += [_text(lz - lw - 4, cy + 4, _n(took), 11, "end"),
                  _text(rz + rw + 4, cy + 4, _n(inv), 11, "start"),
                  _text((lz + rz) / 2, cy + 4, iso(_clip(str(name), 22)), 12, "middle"), "</g>"]
        body.append("".join(parts))
    return _svg(pid, "balance", w, h, label, body)


def rhythm_summary(weeks: list[tuple[str, int]]) -> str:
    """The text equivalent of a rhythm strip: active weeks, longest run, last active week."""
    if not weeks:
        return "No weeks to show."
    busy = [(c > 0) if c.__class__ is int else (_v(c) > 0) for _, c in weeks]   # counts are ints but for odd input
    active = [i for i, b in enumerate(busy) if b]
    if not active:
        return f"No activity in {len(weeks)} weeks ({weeks[0][0]} to {weeks[-1][0]})."
    best, best_end, run = 0, 0, 0
    for i, b in enumerate(busy):
        run = run + 1 if b else 0
        if run > best:
            best, best_end = run, i
    plural = "s" if best != 1 else ""
    return (f"Active in {len(active)} of {len(weeks)} weeks ({weeks[0][0]} to {weeks[-1][0]}); "
            f"longest run {best} week{plural}, ending {weeks[best_end][0]}; "
            f"last active {weeks[active[-1]][0]}.")


@functools.lru_cache(maxsize=16)
def _grid_positions(n: int, step: float, per_row: int) -> tuple[tuple[str, str], ...]:
    """The (x, y) of each square of a strip, formatted once: every strip of a build shares them."""
    return tuple((_n(1 + (i % per_row) * step), _n(1 + (i // per_row) * step)) for i in range(n))


def rhythm_strip(weeks: list[tuple[str, int]], label: str, id_prefix: str,
                 unit: str = "", thresholds: tuple[int, int, int] = (1, 2, 4),
                 tooltips: bool = True, summary: str | None = None) -> Markup:
    """A year of weeks as small squares (a contribution graph in one strip).

    Four shades: none, 1, 2-3, 4+ (`thresholds`), darker = more; each week
    with exchanges is a `<rect>` with its own `<title>` ("2026-W12: 3
    exchanges", "2026-W13: 1 exchange": `unit` is the singular noun), the
    empty weeks are one `<path>` (a tooltip saying "0" on every blank square
    tripled the size of a week page).  The chart title
    carries `rhythm_summary(weeks)`, which the caller can also show as the
    text alternative.  Rows wrap every 53 weeks.  `tooltips=False` (paper:
    nothing to hover) draws every shade as one `<path>`: 4 elements instead of
    52 for WeasyPrint to parse, style and paint.  `summary`: the caller's
    `rhythm_summary(weeks)`, if it already has it.
    """
    pid = _pid(id_prefix)
    if not weeks:
        return _empty(pid, "rhythm", label, "No weeks to show.", 640, 30)
    size, gap, per_row = 10.0, 2.0, 53
    cols = min(len(weeks), per_row)
    rows = math.ceil(len(weeks) / per_row)
    w = max(cols * (size + gap) + 2, 240.0)
    h = rows * (size + gap) + 16
    body = []
    sz = _n(size)
    pos = _grid_positions(len(weeks), size + gap, per_row)
    counts = [count if count.__class__ is int and count >= 0 else int(_v(count)) for _, count in weeks]
    t1, t2, t3 = thresholds
    levels = [(c >= t1) + (c >= t2) + (c >= t3) for c in counts]
    # squares without a tooltip of their own are drawn as one path per shade
    shapes: dict[int, list[str]] = {}
    for (x, y), lvl in zip(pos, levels):
        if lvl == 0 or not tooltips:
            shapes.setdefault(lvl, []).append(f"M{x} {y}h{sz}v{sz}h-{sz}z")
    for lvl in sorted(shapes):
        body.append(f'<path class="rhythm lvl-{lvl}" d="{"".join(shapes[lvl])}" fill="{RAMP[lvl]}" '
                    f'stroke="{"#8C8C8C" if lvl == 0 else RAMP[lvl]}" stroke-width="0.75"/>')
    if tooltips:
        many = unit + "s"
        square = [f'" width="{sz}" height="{sz}" rx="1.5" fill="{RAMP[lvl]}" '
                  f'stroke="{RAMP[lvl]}" stroke-width="0.75"><title>' for lvl in range(4)]
        for (week, _), c, lvl, (x, y) in zip(weeks, counts, levels, pos):
            if lvl:
                tip = _e(f"{week}: {c} {unit if c == 1 else many}" if unit else f"{week}: {c}")
                body.append(f'<rect class="rhythm lvl-{lvl}" x="{x}" y="{y}{square[lvl]}{tip}</title></rect>')
    ty = h - 3
    body += [_text(1, ty, str(weeks[0][0]), 9, "start", "chart-text chart-muted", MUTED),
             _text(w - 1, ty, str(weeks[-1][0]), 9, "end", "chart-text chart-muted", MUTED)]
    return _svg(pid, "rhythm", w, h, f"{label}: {summary if summary is not None else rhythm_summary(weeks)}", body)


def trend_lines(weeks: list[str], series: dict[str, list[float]], label: str, id_prefix: str,
                shared_scale: bool = True) -> Markup:
    """Small multiples: one mini line chart per series (e.g. gives, receipts, asks, thanks).

    Two panels per row, all on the same 0-to-max scale (`shared_scale`) so they
    compare at a glance.  Each panel names the series with its last value and
    average, draws the average as a dashed line, emphasises the last week and
    has a `<title>` listing every week's value.  Series keep the caller's order.
    """
    pid = _pid(id_prefix)
    if not weeks or not series:
        return _empty(pid, "trends", label, "No weeks to show yet.")
    pw, ph, gap = 310.0, 112.0, 20.0
    names = list(series)
    cleaned = {k: [_v(v) for v in list(series[k])[: len(weeks)]] for k in names}
    overall = max((max(v) for v in cleaned.values() if v), default=0.0) or 1.0
    rows = math.ceil(len(names) / 2)
    w, h = 2 * pw + gap, rows * ph
    body = []
    for k, name in enumerate(names):
        vals = cleaned[name] or [0.0]
        top = overall if shared_scale else (max(vals) or 1.0)
        ox, oy = (k % 2) * (pw + gap), (k // 2) * ph
        x0, x1, y0, y1 = ox + 30, ox + pw - 28, oy + 26, oy + 84
        step = (x1 - x0) / (len(vals) - 1) if len(vals) > 1 else 0.0
        pts = [(x0 + i * step if len(vals) > 1 else x1, y1 - (y1 - y0) * v / top) for i, v in enumerate(vals)]
        avg = sum(vals) / len(vals)
        ay = y1 - (y1 - y0) * avg / top
        tip = f"{name}: " + "; ".join(f"{wk} {_n(v)}" for wk, v in zip(weeks, vals))
        lx, ly = pts[-1]
        body.append("".join([
            f'<g class="trend-panel"><title>{_e(tip)}</title>',
            _text(ox + 2, oy + 14, str(name), 12, bold=True),
            _text(ox + pw - 2, oy + 14, f"last {_n(vals[-1])} \u00b7 avg {_n(avg)}", 11, "end", "chart-text chart-muted", MUTED),
            f'<line class="chart-axis" x1="{_n(x0)}" y1="{_n(y1)}" x2="{_n(x1)}" y2="{_n(y1)}" stroke="{MUTED}" stroke-width="1"/>',
            f'<line class="chart-grid" x1="{_n(x0)}" y1="{_n(ay)}" x2="{_n(x1)}" y2="{_n(ay)}" stroke="{MUTED}" stroke-width="0.75" stroke-dasharray="4 3"/>',
            _text(x0 - 4, y1 + 4, "0", 10, "end", "chart-text chart-muted", MUTED),
            _text(x0 - 4, y0 + 4, _n(top), 10, "end", "chart-text chart-muted", MUTED),
            f'<polyline class="trend-line" points="{_points(pts)}" fill="none" stroke="{BLUE}" stroke-width="2" stroke-linejoin="round"/>',
            f'<circle class="trend-last" cx="{_n(lx)}" cy="{_n(ly)}" r="3.5" fill="{BLUE}" stroke="{PAPER}" stroke-width="1"/>',
            _text(lx + 5, ly + 4, _n(vals[-1]), 10, "start", bold=True),
            _text(x0, oy + 100, str(weeks[0]), 10, "start", "chart-text chart-muted", MUTED),
            _text(x1, oy + 100, str(weeks[min(len(vals), len(weeks)) - 1]), 10, "end", "chart-text chart-muted", MUTED),
            "</g>"]))
    return _svg(pid, "trends", w, h, label, body)
