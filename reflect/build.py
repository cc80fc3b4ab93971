"""`reflect build` and `reflect report`: the site and the weekly PDFs on disk.

This stage owns the output folder.  It asks `report` for the data of each
page, `charts` for the pictures, `render` for the HTML and `pdf` for the
PDFs, and writes them:

- into a sibling temporary folder first (marked with `.reflect-site`), then
  swapped in with two renames; the old folder is deleted only if it carries
  the marker.  An output path that is the project, the journal, a parent of
  either, or a folder of someone else's files is refused (UsageError);
- files whose bytes did not change are hard-linked (or copied) from the
  previous site, so their mtime and inode stay;
- PDFs come from `.reflect/pdf-cache/`, keyed by the hash of the print HTML,
  the stylesheet, reflect's version and WeasyPrint's version, and are
  rendered (on two processes) only when that key is new;
- links are relative, so the site works from file://, any sub-path and zipped.
"""
from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from html import escape as html_escape, unescape as html_unescape
from pathlib import Path
from typing import Any, Callable

from reflect import __version__
from reflect.bidi import iso, visual
from reflect.bidi import text as bidi_text
from reflect.cli import EXIT_FAIL, EXIT_OK, not_ahead, output_path, resolve_project, today, week_arg, writing
from reflect.console import Console, plural
from reflect.errors import UsageError

MARKER = ".reflect-site"
MARKER_TEXT = "This folder was written by `reflect build`; reflect replaces it on every build.\n"
RHYTHM_PEOPLE = 6       # rhythm strips on a week page
WEEK_FINDINGS = 12      # findings on a week page and in its PDF (strengths first); `reflect check` has all
INDEX_FINDINGS = 20     # findings on the dashboard
PRINT_EVIDENCE = 4      # evidence references per finding in the PDF (the page has them all)
PRINT_RHYTHMS = 4       # rhythm strips in the PDF
WEEK_SECTIONS = ("1. The week in numbers", "2. The three questions", "3. Your reciprocity network",
                 "4. This week’s two relationships", "5. Findings", "6. Your plan",
                 "7. The trend over 12 weeks", "8. Reflection and prompts")
NAV = (("dashboard", "Dashboard", "index.html"), ("weeks", "Weeks", "weeks/index.html"),
       ("people", "People", "people/index.html"), ("principles", "Principles", "principles.html"))
ACT_WORDS = {"gave": "You gave", "received": "You received help from", "asked": "You asked",
             "promised": "You promised", "thanked": "You thanked"}
PLAN_WORDS = {"gave": "Give", "received": "Receive help from", "asked": "Ask", "promised": "Promise",
              "thanked": "Thank"}
SEVERITY_WORDS = {"strength": "Strength", "notice": "Worth a look", "warning": "Needs attention"}
LEVEL_WORDS = {"senior": "Seniors", "peer": "Peers", "junior": "Juniors", "external": "Outside the company"}
_SITE_HREF = r'\s+href="(?![a-zA-Z][a-zA-Z0-9+.-]*:|#)[^"]*"'   # a link to another page of the site
_RELATIVE_HREF = re.compile(r'(<a\b[^>]*?)' + _SITE_HREF)
_RELATIVE_LINK = re.compile(r'<a\b([^>]*?)' + _SITE_HREF + r'([^>]*)>(.*?)</a>', re.S)


class BuildFailed(Exception):
    """The build could not finish; the message says why.  The old site is left as it was."""


@dataclass
class BuildSummary:
    out: Path
    pages: int = 0
    pdfs: int = 0
    pdfs_rendered: int = 0
    written: int = 0          # files whose bytes changed (or are new)
    kept: int = 0             # files identical to the previous site (not rewritten)
    pdf_weeks: tuple[str, ...] = ()
    unchanged: bool = False   # the inputs were the same as the previous build's: nothing was rendered
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- the output folder

def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output(out: Path, config) -> Path:
    """The resolved output folder, or a UsageError saying why reflect will not write there."""
    out = output_path("--out", out).expanduser().resolve()
    root = Path(config.root).resolve()
    journal = Path(config.journal_dir).resolve()
    shown = out
    if out == root:
        raise UsageError(f"--out {shown} is the project folder itself; reflect replaces its output folder "
                         f"on every build, so it must be a folder of its own (e.g. {root / 'site'})")
    if _is_within(root, out):
        raise UsageError(f"--out {shown} contains the project {root}; choose a folder of its own, e.g. "
                         f"{root / 'site'}")
    if _is_within(out, journal) or _is_within(journal, out):
        how = "is" if out == journal else "is inside" if _is_within(out, journal) else "contains"
        raise UsageError(f"--out {shown} {how} the journal folder {journal}; choose another "
                         f"folder, e.g. {root / 'site'}")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {shown} is a file, not a folder")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise UsageError(f"--out {shown} already has files that reflect did not write (no {MARKER} marker); "
                         f"reflect only replaces folders it created. Empty it, or choose another folder")
    return out


class SiteWriter:
    """Writes files into a new folder, reusing unchanged files of the previous site."""

    def __init__(self, new: Path, old: Path | None) -> None:
        self.new, self.old = new, old
        self.written = self.kept = 0
        self.files: set[str] = set()

    def _reuse(self, src: Path, dst: Path) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    def write(self, rel: str, data: bytes, count: bool = True) -> None:
        dst = self.new / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.exists():
            dst.unlink()
        self.files.add(rel)
        if self.old is not None:
            prev = self.old / rel
            try:
                if prev.is_file() and not prev.is_symlink() and prev.stat().st_size == len(data) \
                        and prev.read_bytes() == data:
                    self._reuse(prev, dst)
                    self.kept += count
                    return
            except OSError:
                pass
        dst.write_bytes(data)
        self.written += count

    def place(self, rel: str, src: Path) -> None:
        """Put a file that exists elsewhere (a cached PDF) at `rel`."""
        if self.old is not None:
            prev = self.old / rel
            try:
                if prev.is_file() and not prev.is_symlink() and prev.stat().st_size == src.stat().st_size \
                        and prev.read_bytes() == src.read_bytes():
                    dst = self.new / rel
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    self.files.add(rel)
                    self._reuse(prev, dst)
                    self.kept += 1
                    return
            except OSError:
                pass
        self.write(rel, src.read_bytes())


def _clean_leftovers(out: Path) -> None:
    """Remove temporary folders of an interrupted build (only those carrying the marker)."""
    for p in out.parent.glob(f".{out.name}.*"):
        if p.is_dir() and not p.is_symlink() and (p / MARKER).is_file() and re.search(r"\.(tmp|old)-\d+$", p.name):
            shutil.rmtree(p, ignore_errors=True)


def _swap(tmp: Path, out: Path) -> None:
    if out.exists():
        if not (out / MARKER).is_file() and any(out.iterdir()):  # checked before, checked again
            raise BuildFailed(f"{out} changed during the build and now holds files reflect did not write; "
                              f"the new site is in {tmp}")
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, out)


# ---------------------------------------------------------------- page contexts

def theme_paths(root: Path) -> tuple[Path, Path | None, Path, tuple[Path, ...]]:
    """(the default theme, the project's own templates/ or None, the stylesheet, the folders a
    page may read from): a project's style.css replaces the theme's."""
    from reflect.theme import project_templates, theme_dir

    theme, user = theme_dir(), project_templates(root)
    sheet = user / "style.css" if user is not None and (user / "style.css").is_file() else theme / "style.css"
    return theme, user, sheet, (theme,) + ((user,) if user is not None else ())


def pdf_pool(theme: Path, roots: tuple[Path, ...], stylesheet: Path):
    """A `PdfPool` that may read the theme folders only, with the stylesheet parsed up front."""
    from reflect.pdf import PdfPool

    return PdfPool(roots, [stylesheet], theme.as_uri() + "/")


class Site:
    """What every page of one build shares: the project, the environment, the findings."""

    def __init__(self, project, as_of: dt.date, share: bool = False) -> None:
        from reflect.render import make_env
        from reflect.rules import ALL_RULES, run_rules

        self.project, self.as_of = project, as_of
        # a share's owner is a label, not a name: its pages speak of "you" where they would name the owner
        self.share = share
        cfg = project.config
        self.config = cfg
        self.theme, self.user_templates, self.stylesheet, self.roots = theme_paths(cfg.root)
        self.env = make_env(self.user_templates, self.theme)
        self.findings = run_rules(project.journal, project.ledger, cfg, as_of)
        self.rules = {r.id: r for r in ALL_RULES}
        people = project.journal.people
        self.names = {pid: p.name for pid, p in people.items()}
        self.person_href = {pid: f"people/{pid}.html" for pid in people}
        self.base = dict(owner=cfg.owner, shared=share, as_of=as_of, version=__version__, paper=cfg.paper,
                         window_weeks=cfg.window_weeks, half_life_days=cfg.half_life_days, nav=NAV,
                         names=self.names, person_href=self.person_href,
                         rules=self.rules, act_words=ACT_WORDS, plan_words=PLAN_WORDS, severity_words=SEVERITY_WORDS,
                         level_words=LEVEL_WORDS, print_evidence=PRINT_EVIDENCE,
                         print_rhythms=PRINT_RHYTHMS)

    def pdf_pool(self):
        """A `PdfPool` for this site's pages (no worker started yet)."""
        return pdf_pool(self.theme, self.roots, self.stylesheet)

    def render(self, template: str, page_path: str, section: str, title: str, created: dt.date,
               print_: bool = False, **ctx: Any) -> str:
        from reflect.render import render_page

        context = dict(self.base, page_path=page_path, section=section, title=title, created=created.isoformat(),
                       print=print_, page_kind=template.rsplit(".", 1)[0], **ctx)
        return render_page(self.env, template, context, self.config.root)

    # -- week pages
    def nodes(self, network) -> list[dict]:
        """Network nodes for `charts.network`.

        Without links: the chart is one image (`role="img"`) to assistive technology, and links
        inside an image are nested interactive controls (axe: serious).  The table next to the
        chart and the people lists link to every person instead.
        """
        return [dict(id=n.id, name=n.name, level=n.level, invested=n.invested, taken=n.taken, fading=n.fading,
                     href=None) for n in network]

    def week_context(self, report, pdf_href: str | None, page_path: str, print_: bool = False,
                     network_id: str = "net") -> dict:
        from reflect import charts

        nodes = self.nodes(report.network)
        sparks = {t.key: charts.sparkline(list(t.series), f"{t.label}, the last 12 weeks", f"spark-{t.key}")
                  for t in report.tiles}
        trends = charts.trend_lines(list(report.trend_weeks),
                                    {"Gives": list(report.trend["gives"]),
                                     "Help received": list(report.trend["receipts"]),
                                     "Asks": list(report.trend["asks"]),
                                     "Thanks": list(report.trend["thanks"])},
                                    f"Trends over 12 weeks to {report.week}", "trend")
        rhythms = []
        for n in report.network[:PRINT_RHYTHMS if print_ else RHYTHM_PEOPLE]:
            weeks = self.rhythm_weeks(n.id, report.end)
            summary = charts.rhythm_summary(weeks)
            rhythms.append((n.id, n.name, charts.rhythm_strip(weeks, f"Weekly exchanges with {n.name}",
                                                             f"rhythm-{n.id}", unit="exchange",
                                                             tooltips=not print_, summary=summary),
                            summary))
        cfg = self.config
        return dict(report=report, pdf_href=pdf_href, findings=report.findings[:WEEK_FINDINGS],
                    findings_more=max(0, len(report.findings) - WEEK_FINDINGS),
                    charts=dict(network=charts.network(None if self.share else cfg.owner, nodes, network_id),
                                sparks=sparks, trends=trends, rhythms=rhythms),
                    network_summary=network_summary(report.network, cfg.window_weeks, report.network_levels),
                    reflection_path=f"{cfg.journal}/reflections/{report.week}.md")

    def rhythm_weeks(self, pid: str, end: dt.date, count: int = 52) -> list[tuple[str, int]]:
        """(week, exchanges with `pid` that week up to `end`) for the `count` weeks ending with end's."""
        from reflect.report import weekly_contacts

        return weekly_contacts(self.project.ledger, pid, end, self.config.week_start, count)

    def week_page(self, report, pdf_href: str | None, print_: bool = False) -> str:
        page_path = f"weeks/{report.week}.html"
        return self.render("week.html", page_path, "weeks", f"Weekly homework {report.week}", report.as_of,
                           print_=print_, **self.week_context(report, pdf_href, page_path, print_))


def network_summary(network, window_weeks: int, levels: tuple[tuple[str, int], ...] = ()) -> str:
    """The network map in words: everyone in the window by level (`levels`, else the people drawn),
    how many the map shows when it cannot show them all, the busiest relationship, who is fading."""
    if not network:
        return "No exchanges in the window yet."
    fading = [iso(n.name) for n in network if n.fading]
    if not levels:
        levels = tuple((lv, k) for lv in LEVEL_WORDS if (k := sum(1 for n in network if n.level == lv)))
    words = {"senior": "senior", "peer": "peer", "junior": "junior", "external": "external contact"}
    parts = [plural(k, words.get(lv, lv)) for lv, k in levels]
    total = sum(k for _, k in levels)
    text = f"{plural(total, 'person', 'people')} in the last {window_weeks} weeks ({', '.join(parts)})"
    if total > len(network):
        text += f"; the map shows the {len(network)} busiest"
    top = max(network, key=lambda n: (n.invested + n.taken, n.name))
    if top.invested + top.taken > 0:    # open promises alone move nothing: no relationship is 'busiest'
        text += (f"; the busiest relationship is with {iso(top.name)} (you invested {top.invested:g}, "
                 f"{iso(top.name)} invested {top.taken:g} in you)")
    text += "."
    if fading:
        text += f" Fading: {', '.join(fading)}."
    return bidi_text(text)


_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_INNER_TITLE = re.compile(r"<title>[^<]*</title>")
_SVG_TEXT = re.compile(r"(<text\b[^>]*>)([^<]*)(</text>)")


def _drawn_text(m: re.Match) -> str:
    return m.group(1) + html_escape(visual(html_unescape(m.group(2))), quote=False) + m.group(3)


def _lean_svg(svg: str) -> str:
    # A chart of reflect's (`charts._svg`: its class and title first) is printed as an image of
    # itself, without the per-mark tooltips (paper has no hover), its title the image's
    # alternative text.  WeasyPrint then reads it with an XML parser instead of cascading the
    # page's stylesheet over each of its marks: the same PDF, ~0.1 s sooner for a weekly report.
    # Any other <svg> (a theme's own) is left as it is.
    from reflect.charts import CHART_HEAD

    chart = CHART_HEAD.match(svg)
    if chart is None:
        return svg
    svg = _INNER_TITLE.sub("", svg)
    if not svg.isascii():
        # WeasyPrint draws an SVG text one character at a time, left to right: a right-to-left
        # label (an Arabic or Hebrew name) must be given to it in the order it is seen, its Arabic
        # letters already joined (`bidi.visual`), or it comes out backwards and in pieces
        svg = _SVG_TEXT.sub(_drawn_text, svg)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = html_escape(html_unescape(chart.group(2)))
    return f'<img class="{chart.group(1)}" alt="{alt}" src="data:image/svg+xml;base64,{data}">'


def drop_site_hrefs(html: str) -> str:
    """`html` with the `href` of every link to another page of the site removed (the `<a>` stays)."""
    return _RELATIVE_HREF.sub(r"\1", html)


def _unlink(m: re.Match) -> str:
    attrs = m.group(1) + m.group(2)
    return f"<span{attrs}>{m.group(3)}</span>" if attrs.strip() else m.group(3)


def print_html(html: str) -> str:
    """The print version of a page: no links to other pages of the site, charts as images
    without tooltips.

    On paper a link to another page of the site is its text (a name, mostly), or a `<span>` if
    it has other attributes: an `<a>` without `href` would still be tagged as a link in the PDF,
    one that goes nowhere (a screen reader announces it), and costs WeasyPrint an inline box
    (the example's 32 names: 2 % of its weekly report's render).  Inside an `<svg>` such a link
    only loses its `href` (a `<span>` is no SVG element)."""
    out: list[str] = []
    pos = 0
    for m in _SVG.finditer(html):
        out.append(_RELATIVE_LINK.sub(_unlink, html[pos:m.start()]))
        out.append(_lean_svg(drop_site_hrefs(m.group(0))))
        pos = m.end()
    out.append(_RELATIVE_LINK.sub(_unlink, html[pos:]))
    return "".join(out)


def pdf_key(html: str, css: bytes) -> str:
    h = hashlib.sha256()
    for part in (html.encode(), b"\0", css, b"\0", __version__.encode(), b"\0", _weasyprint_version().encode()):
        h.update(part)
    return h.hexdigest()[:40]


def _weasyprint_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("weasyprint")
    except PackageNotFoundError:
        return "none"


def pdf_cache_dir(config) -> Path:
    return Path(config.root) / ".reflect" / "pdf-cache"


def _report_weeks_file(config) -> Path:
    return Path(config.root) / ".reflect" / "report-weeks"


def requested_weeks(config) -> frozenset[str]:
    """Weeks that `reflect report WEEK` put in the site: every later build keeps their PDF (made
    again when the week's report changes), next to the latest `pdf_weeks`."""
    from reflect.model import week_problem

    try:
        lines = _report_weeks_file(config).read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        return frozenset()
    return frozenset(w for w in lines if week_problem(w) is None)


def remember_week(config, week: str) -> None:
    """Add `week` to `requested_weeks` (written atomically; a cache file: losing it loses nothing
    but that week's PDF in the next build)."""
    from reflect.pdf import write_atomic

    weeks = requested_weeks(config) | {week}
    try:
        write_atomic(_report_weeks_file(config), "".join(f"{w}\n" for w in sorted(weeks)).encode())
    except OSError:
        pass


# ---------------------------------------------------------------- the build

def build_key(project, as_of: dt.date, pdf: bool) -> str:
    """A hash of everything a build reads: journal files, reflect.yaml, templates, reflect itself, versions."""
    from reflect.theme import project_templates, theme_dir

    import reflect

    cfg = project.config
    h = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        h.update(f"{label}\0{len(data)}\0".encode())
        h.update(data)

    add("args", f"{as_of.isoformat()} pdf={pdf} {__version__} {_weasyprint_version() if pdf else ''}".encode())
    folders = [("journal", Path(cfg.journal_dir)), ("theme", theme_dir()),
               ("reflect", Path(reflect.__file__).resolve().parent)]
    user = project_templates(cfg.root)
    if user is not None:
        folders.append(("templates", user))
    config_file = Path(cfg.root) / "reflect.yaml"
    if config_file.is_file():
        add("reflect.yaml", config_file.read_bytes())
    if pdf:
        add("report-weeks", " ".join(sorted(requested_weeks(cfg))).encode())
    for label, folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc"):
                add(f"{label}/{path.relative_to(folder).as_posix()}", path.read_bytes())
    return h.hexdigest()[:40]


def _unchanged(out: Path, key: str) -> list[str] | None:
    """The previous site's files when it was built from exactly these inputs and is still whole."""
    try:
        lines = (out / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if f"key {key}" not in lines:
        return None
    files = []
    for line in lines:
        size, _, rel = line.partition(" ")
        if size.isdigit():
            try:
                if (out / rel).stat().st_size != int(size):
                    return None
            except OSError:
                return None
            files.append(rel)
    present = {p.relative_to(out).as_posix() for p in out.rglob("*") if not p.is_dir()}
    if present != set(files) | {MARKER}:      # something was added or removed by hand
        return None
    return files


def build_site(project, as_of: dt.date, out: Path, pdf: bool = True,
               progress: Callable[[str, int, int], None] | None = None, use_cache: bool = True) -> BuildSummary:
    """Render the whole site into `out` (already checked with `check_output`)."""
    from reflect.report import report_weeks

    out = Path(out)
    summary = BuildSummary(out=out)
    key = build_key(project, as_of, pdf)
    same = _unchanged(out, key) if use_cache else None
    if same is not None:          # nothing that the site is made of has changed: keep it as it is
        summary.pages = sum(1 for f in same if f.endswith(".html"))
        summary.pdfs = sum(1 for f in same if f.endswith(".pdf"))
        summary.kept, summary.unchanged = len(same), True
        return summary
    site = Site(project, as_of)
    cfg = project.config
    tick = progress or (lambda stage, i, n: None)

    out.parent.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(out)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    old = out if out.is_dir() else None
    writer = SiteWriter(tmp, old)
    writer.write(MARKER, MARKER_TEXT.encode(), count=False)  # first: a crashed build's folder is ours
    pool = None
    try:
        weeks = report_weeks(project, as_of)
        # the latest `pdf_weeks` weeks (reflect.yaml; 0: all) get a PDF; `reflect report WEEK` makes any other
        pdf_weeks = tuple(weeks[-cfg.pdf_weeks:] if cfg.pdf_weeks else weeks) if pdf else ()
        if pdf_weeks and len(pdf_weeks) < len(weeks):
            asked = requested_weeks(cfg)
            pdf_weeks = tuple(w for w in weeks if w in asked or w in pdf_weeks)
        summary.pdf_weeks = pdf_weeks
        if pdf_weeks:
            pool = site.pdf_pool()
            if not _two_processes(len(weeks) + len(project.journal.people)):
                pool.start(1)   # pages render on one core: WeasyPrint loads on the other meanwhile
        css = site.stylesheet.read_bytes()
        writer.write("style.css", css)

        # the dashboard and lists, week pages (oldest first), then people
        print_jobs: list[tuple[str, str]] = []   # (week, print html)
        people = project.journal.people
        done_weeks = done_people = 0
        for kind, name, html, printed in _pages(site, weeks, sorted(people), as_of, pdf_weeks):
            if kind == "week":
                writer.write(f"weeks/{name}.html", html)
                if printed is not None:
                    print_jobs.append((name, printed))
                done_weeks += 1
                tick("weeks", done_weeks, len(weeks))
            elif kind == "person":
                writer.write(f"people/{name}.html", html)
                done_people += 1
                tick("people", done_people, len(people))
            else:   # "site": the pages made of the whole journal (dashboard, lists, principles, plan.ics)
                for path, data in html:
                    writer.write(path, data)

        # PDFs
        if print_jobs:
            rendered = _pdfs(site, print_jobs, css, writer, use_cache, tick, pool)
            summary.pdfs_rendered = rendered
        summary.pages = sum(1 for f in writer.files if f.endswith(".html"))
        summary.pdfs = sum(1 for f in writer.files if f.endswith(".pdf"))
        summary.written, summary.kept = writer.written, writer.kept
        manifest = sorted(writer.files - {MARKER})
        writer.write(MARKER, (MARKER_TEXT + f"key {key}\n" + "".join(
            f"{(tmp / f).stat().st_size} {f}\n" for f in manifest)).encode(), count=False)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if pool is not None:
            pool.close()
    return summary


PARALLEL_WEEKS = 40     # from this many pages (weeks + people) on, pages render on two processes (where fork exists)


def _one_week(site: Site, week: str, as_of: dt.date, pdf_weeks) -> tuple[str, bytes, str | None]:
    from reflect.report import week_report

    report = week_report(site.project, week, as_of)
    pdf_href = f"weeks/{week}.pdf" if week in pdf_weeks else None
    html = site.week_page(report, pdf_href).encode()
    printed = print_html(site.week_page(report, pdf_href, print_=True)) if week in pdf_weeks else None
    return week, html, printed


def _pages(site: Site, weeks: list[str], people: list[str], as_of: dt.date, pdf_weeks):
    """The pages made of the whole journal, every week page (oldest first), then every person
    page, as ("site", "", [(path, bytes), ...], None), ("week", week, html bytes, print html
    or None) and ("person", id, html bytes, None).  One pool for all: a worker that runs out
    of weeks starts on people while the other finishes its last weeks."""

    def chunk(site: Site, items: list[tuple[str, str]], as_of: dt.date) -> list:
        out = []
        for kind, key in items:
            if kind == "week":
                out.append(("week",) + _one_week(site, key, as_of, pdf_weeks))
            elif kind == "person":
                out.append(("person", key, _person_page(site, key, as_of), None))
            else:
                out.append(("site", "", _site_pages(site, weeks, as_of, pdf_weeks), None))
        return out
    items = [("site", "")] + [("week", w) for w in weeks] + [("person", p) for p in people]
    yield from _forked_map(chunk, items, site, as_of, PARALLEL_WEEKS)


def _site_pages(site: Site, weeks: list[str], as_of: dt.date, pdf_weeks) -> list[tuple[str, bytes]]:
    """(path, bytes) of the pages made of the whole journal: the people list, the list of weeks,
    the dashboard, the principles and plan.ics.  A worker makes them while the other renders
    week pages (they were the build's last 0.14 s on one core on the 10k journal)."""
    from reflect import charts
    from reflect.report import site_index, week_bounds, week_report

    from reflect.ledger import as_it_stands

    project, cfg, people = site.project, site.config, site.project.journal.people
    current = week_report(project, weeks[-1], as_of)   # the dashboard's week: the latest
    pages: list[tuple[str, bytes]] = []
    start, end = project.ledger.window(as_of)
    balances = {b.person: b for b in project.ledger.balances(start, end)}
    rows = []
    for pid in sorted(people, key=lambda p: (people[p].name.casefold(), p)):
        p, b = people[pid], balances.get(pid)
        rows.append(dict(id=pid, name=p.name, level=p.level.value, team=p.team,
                         invested=b.invested if b else 0.0, taken=b.taken if b else 0.0,
                         entries=len(as_it_stands(project.ledger.entries_of(pid), as_of)),
                         last=project.ledger.last_contact(pid, as_of)))   # as of as_of, like the person's page
    by_level = [(lv, [r for r in rows if r["level"] == lv]) for lv in LEVEL_WORDS]
    pages.append(("people/index.html", site.render(
        "people.html", "people/index.html", "people", "People", as_of, people=rows,
        people_by_level=[(lv, g) for lv, g in by_level if g]).encode()))

    # the list of weeks (counts from the dashboard's index, which is made once)
    index = site_index(project, as_of, current, site.findings)
    week_counts = dict(index.weeks)
    week_rows = []
    for w in reversed(weeks):
        s, e = week_bounds(w, cfg.week_start)
        week_rows.append(dict(week=w, start=s, end=e, entries=week_counts.get(w, 0), href=f"weeks/{w}.html",
                              pdf_href=f"weeks/{w}.pdf" if w in pdf_weeks else None))
    pages.append(("weeks/index.html", site.render("weeks.html", "weeks/index.html", "weeks", "Every week",
                                                 as_of, weeks=week_rows, pdf_weeks=pdf_weeks).encode()))

    # dashboard
    ctx = site.week_context(current, None, "index.html", network_id="dash-net")
    dash_charts = dict(ctx["charts"],
                       balance=charts.balance_bars([(name, inv, took) for _, name, inv, took in index.balances],
                                                   f"Balance per person, last {cfg.window_weeks} weeks",
                                                   "balance"))
    shown_weeks = [(w, week_counts.get(w, 0)) for w in reversed(weeks)]
    by_year: dict[str, list] = {}
    for w, c in shown_weeks:
        by_year.setdefault(w[:4], []).append((w, c))
    pages.append(("index.html", site.render(
        "index.html", "index.html", "dashboard", "Dashboard", as_of, index=index, charts=dash_charts,
        findings=index.findings[:INDEX_FINDINGS], findings_more=max(0, len(index.findings) - INDEX_FINDINGS),
        network_summary=ctx["network_summary"], weeks_by_year=list(by_year.items()),
        pdf_href=f"weeks/{current.week}.pdf" if current.week in pdf_weeks else None).encode()))

    # principles
    pages.append(("principles.html", site.render(
        "principles.html", "principles.html", "principles", "The principles", as_of,
        rules_list=principles(cfg)).encode()))

    # this week's plan and open promises, for the user's calendar
    from reflect.ics import plan_calendar

    pages.append(("plan.ics", plan_calendar(project, as_of)))

    return pages


def _person_page(site: Site, pid: str, as_of: dt.date) -> bytes:
    """One person's page: their timeline, balance over time, rhythm, findings."""
    from reflect import charts
    from reflect.report import person_page

    page = person_page(site.project, pid, as_of, site.findings)
    monthly = charts.trend_lines([m for m, _, _ in page.monthly],
                                 {"You invested": [inv for _, inv, _ in page.monthly],
                                  f"{iso(page.name)} invested in you": [t for _, _, t in page.monthly]},
                                 f"Invested per month with {page.name}", "monthly")
    weekly = list(page.weekly)
    summary = charts.rhythm_summary(weekly)
    rhythm = charts.rhythm_strip(weekly, f"Weekly exchanges with {page.name}", "rhythm", unit="exchange",
                                 summary=summary)
    return site.render("person.html", f"people/{pid}.html", "people", page.name, as_of, person=page,
                       charts=dict(monthly=monthly, rhythm=rhythm), rhythm_summary=summary).encode()


_FORKED_JOB: tuple | None = None  # (function, site, as_of) for forked workers of _forked_map


def _two_processes(items: int, min_items: int = PARALLEL_WEEKS) -> bool:
    """Does `_forked_map` split this many items over two forked processes?"""
    import multiprocessing as mp

    return items >= min_items and (os.cpu_count() or 1) >= 2 and "fork" in mp.get_all_start_methods()


def _run_forked_chunk(items: list) -> list:
    func, site, as_of = _FORKED_JOB  # type: ignore[misc]
    return func(site, items, as_of)


def _forked_map(func, items: list, site: Site, as_of: dt.date, min_items: int = PARALLEL_WEEKS):
    """func(site, chunk, as_of) over chunks of items, on two forked processes when there are many;
    results in order.  The workers inherit the loaded project: nothing is pickled on the way in."""
    global _FORKED_JOB
    import multiprocessing as mp

    if not _two_processes(len(items), min_items):
        yield from func(site, items, as_of)
        return
    size = max(4, len(items) // 24)
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    _FORKED_JOB = (func, site, as_of)
    try:
        with mp.get_context("fork").Pool(2) as pool:
            for chunk in pool.imap(_run_forked_chunk, chunks):
                yield from chunk
    finally:
        _FORKED_JOB = None


def _pdfs(site: Site, jobs: list[tuple[str, str]], css: bytes, writer: SiteWriter, use_cache: bool, tick,
          pool) -> int:
    """Place a PDF for each (week, print html): from the cache, or rendered by `pool` (two processes)."""
    cache = pdf_cache_dir(site.config)
    cache.mkdir(parents=True, exist_ok=True)
    keyed = [(week, html, cache / f"{pdf_key(html, css)}.pdf") for week, html in jobs]
    todo = [(html, path) for _, html, path in keyed if not (use_cache and path.is_file())]
    if todo:
        tick("pdfs", 0, len(todo))
        results = pool.render(todo)
        problems = []
        for r in results:
            if not r.ok or r.errors:
                problems.append((r.out, r.problems))
                try:
                    r.out.unlink()
                except OSError:
                    pass
        if problems:
            week_of_path = {path: week for week, _, path in keyed}
            lines = [f"  {week_of_path.get(p, p)}: {msg}" for p, errs in problems for msg in errs[:5]]
            raise BuildFailed("WeasyPrint reported errors, so no PDF (and no site) was written:\n" + "\n".join(lines))
        tick("pdfs", len(todo), len(todo))
    used = {path.name for _, _, path in keyed}
    for week, _, path in keyed:
        writer.place(f"weeks/{week}.pdf", path)
    # keep the cache to what this build uses, plus anything `reflect report` made in the last 30 days
    limit = time.time() - 30 * 86400
    for f in cache.glob("*.pdf"):
        try:
            if f.name not in used and f.stat().st_mtime < limit:
                f.unlink()
        except OSError:
            pass
    # leftovers of a render that was killed half-way: write_atomic's temporary files, and the
    # scratch folders of `reflect report` (see early_pdf_pool), which a killed reflect cannot remove
    for f in [*cache.glob(".*.tmp"), *cache.glob(".reflect-render-*")]:
        try:
            if f.stat().st_mtime < time.time() - 3600:
                shutil.rmtree(f) if f.is_dir() and not f.is_symlink() else f.unlink()
        except OSError:
            pass
    return len(todo)


def principles(config) -> list[dict]:
    """Every rule as the principles page shows it, with this project's settings applied."""
    from reflect.rules import ALL_RULES, effective

    out = []
    for r in sorted(ALL_RULES, key=lambda r: r.code):
        enabled, severity, params = effective(r, config)
        out.append(dict(
            id=r.id, code=r.code, title=r.title, idea=r.idea, lesson=r.lesson,
            suggestion=r.generic_suggestion, severity=severity.value,
            default_severity=r.severity.value, enabled=enabled,
            params=[(k, params.get(k, v), v, r.param_help.get(k, "")) for k, v in r.params.items()],
            sample=", ".join(f"{k}: {v:g}" for k, v in r.params.items()),
            fires=r.fires.strip(), quiet=r.quiet.strip(), as_of=r.as_of))
    return out


# ---------------------------------------------------------------- commands

def _warm_up(root: Path) -> None:
    """What a build needs later, done in this process while other processes parse a large
    journal: the templates compiled and the Markdown parser loaded (the page workers forked later
    inherit them instead of each making its own, ~0.13 s per worker on a 10,000-entry build),
    and icalendar imported for plan.ics (0.04 s at the end of the build otherwise)."""
    import icalendar  # noqa: F401

    from reflect.render import compile_templates

    theme, user, _, _ = theme_paths(root)
    compile_templates(user, theme)


def _load(args, con: Console, out: Path | None | bool = False, while_parsing=None):
    """The project, or None after printing its errors.  With `out`, check the output folder first
    (before anything, even the parse cache, is written).  `while_parsing`: see `load_journal`."""
    from reflect.config import load_config
    from reflect.project import load_project
    from reflect.rules import CATALOG

    root = resolve_project(args)
    if out is not False:
        config, _ = load_config(root, CATALOG, use_cache=not getattr(args, "no_cache", False), store=False)
        check_output(out if out is not None else config.output_dir, config)
    project = load_project(root, use_cache=not getattr(args, "no_cache", False), while_parsing=while_parsing)
    if project.diagnostics:
        more = con.error_lines(project.diagnostics, limit=50)
        con.eprint(f"{'... and ' + str(more) + ' more; ' if more > 0 else ''}"
                   f"fix the journal first ('reflect check' lists every problem); nothing was written")
        return None
    return project


def _shown(path: Path) -> str:
    try:
        rel = Path(path).resolve().relative_to(Path.cwd().resolve())
        return (rel.as_posix() or ".") + "/"
    except ValueError:
        return str(path) + "/"


class _Progress:
    """'\\r  weeks 120/520' on a terminal (stderr), nothing otherwise."""

    def __init__(self, con: Console) -> None:
        self.con, self.on, self.last = con, con.interactive, 0.0
        self.dirty = False

    def __call__(self, stage: str, i: int, n: int) -> None:
        if not self.on:
            return
        now = time.perf_counter()
        if i != n and now - self.last < 0.1:
            return
        self.last = now
        label = "rendering PDFs" if stage == "pdfs" else stage
        self.con.err.write(f"\r  {label} {i}/{n}    ")
        self.con.err.flush()
        self.dirty = True

    def clear(self) -> None:
        if self.dirty:
            self.con.err.write("\r" + " " * 40 + "\r")
            self.con.err.flush()
            self.dirty = False


def cmd_build(args, con: Console) -> int:
    from reflect.errors import PdfUnavailable   # not reflect.pdf: --no-pdf need not import it
    from reflect.render import TemplateProblem

    started = time.perf_counter()   # the summary's time is the command's: reading the journal too
    project = _load(args, con, args.out, while_parsing=lambda: _warm_up(resolve_project(args)))
    if project is None:
        return EXIT_FAIL
    as_of = today(args)
    out = check_output(args.out if args.out is not None else project.config.output_dir, project.config)
    progress = _Progress(con)
    try:
        with writing("--out", out):    # a build that fails leaves the previous site as it was
            summary = build_site(project, as_of, out, pdf=not args.no_pdf, progress=progress,
                                 use_cache=not args.no_cache)
    except UsageError:
        progress.clear()    # the message goes on a line of its own, not after "weeks 12/30"
        raise
    except TemplateProblem as exc:
        progress.clear()
        con.eprint(f"reflect: {exc}")
        return EXIT_FAIL
    except PdfUnavailable as exc:
        progress.clear()
        con.eprint(f"reflect: {exc}")
        con.eprint("reflect: nothing was written; 'reflect build --no-pdf' builds the HTML site without PDFs")
        return EXIT_FAIL
    except BuildFailed as exc:
        progress.clear()
        con.eprint(f"reflect: {exc}")
        return EXIT_FAIL
    progress.clear()
    pdfs = f" and {plural(summary.pdfs, 'PDF')}" if not args.no_pdf else ""
    same = " (nothing changed)" if summary.unchanged else ""
    con.print(f"built {plural(summary.pages, 'page')}{pdfs} into {_shown(summary.out)} in {time.perf_counter() - started:.1f} s{same}")
    return EXIT_OK


def cmd_report(args, con: Console) -> int:
    """One week's PDF, without building the site."""
    started = time.perf_counter()
    with early_pdf_pool(resolve_project(args)) as (pool, scratch):
        project = _load(args, con)
        if project is None:
            return EXIT_FAIL
        return _report(args, con, project, pool, scratch, started)


@contextlib.contextmanager
def early_pdf_pool(root: Path):
    """(a WeasyPrint worker for the project at `root`, started now, and `scratch(folder)`).

    The worker loads WeasyPrint while this process reads the journal and makes the page
    (`reflect report`, `reflect share`).  It renders into a folder from `scratch(folder)`
    (a new private folder inside `folder`): such folders are removed after the worker has
    stopped, so an interrupted render leaves no file behind, even one the worker was still
    writing."""
    import tempfile

    folders: list[Path] = []

    def scratch(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        made = Path(tempfile.mkdtemp(prefix=".reflect-render-", dir=folder))
        folders.append(made)
        return made

    theme, _, sheet, roots = theme_paths(root)
    try:
        with pdf_pool(theme, roots, sheet).start(1) as pool:
            yield pool, scratch
    finally:
        for made in folders:
            shutil.rmtree(made, ignore_errors=True)


def _report(args, con: Console, project, pool, scratch, started: float) -> int:
    from reflect.pdf import PdfUnavailable, write_atomic
    from reflect.report import week_bounds, week_of, week_report
    from reflect.render import TemplateProblem

    cfg = project.config
    as_of = today(args)
    week = week_arg(args.week) if args.week else week_of(as_of, cfg.week_start)
    start, _ = week_bounds(week, cfg.week_start)
    not_ahead(week, start, as_of)
    option = "-o" if args.output is not None else ""
    if args.output is not None:
        target = output_path(option, args.output)
        if target.is_dir():
            target = target / f"{week}.pdf"
    else:
        folder = check_output(cfg.output_dir, cfg)
        target = folder / "weeks" / f"{week}.pdf"
    if target.suffix.lower() != ".pdf":
        raise UsageError(f"-o {target}: the report is a PDF, so the file name should end in .pdf")
    try:
        site = Site(project, as_of)
        report = week_report(project, week, as_of)
        html = print_html(site.week_page(report, f"weeks/{week}.pdf", print_=True))
        css = site.stylesheet.read_bytes()
        cache = pdf_cache_dir(cfg)
        cached = cache / f"{pdf_key(html, css)}.pdf"
        if not cached.is_file():
            fresh = scratch(cache) / "page.pdf"   # cached only once it is known good
            (result,) = pool.render([(html, fresh)])
            problems = result.problems
            if problems or not result.ok:
                con.eprint("reflect: WeasyPrint reported errors, so no PDF was written:")
                for p in problems[:10]:
                    con.eprint(f"  {p}")
                return EXIT_FAIL
            os.replace(fresh, cached)
        data = cached.read_bytes()
        with writing(option, target):   # written whole (a temporary file, renamed) or not at all
            if args.output is None and not folder.exists():
                folder.mkdir(parents=True)
                (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            write_atomic(target, data)
        if args.output is None and args.week and cfg.pdf_weeks:
            from reflect.report import report_weeks

            if week not in report_weeks(project, as_of)[-cfg.pdf_weeks:]:
                remember_week(cfg, week)    # an older week in the site: every later build keeps it, up to date
    except TemplateProblem as exc:
        con.eprint(f"reflect: {exc}")
        return EXIT_FAIL
    except PdfUnavailable as exc:
        con.eprint(f"reflect: {exc}")
        return EXIT_FAIL
    shown = _shown(target).rstrip("/")
    con.print(f"wrote {shown} ({week}, {len(data) // 1024} KB) in {time.perf_counter() - started:.1f} s")
    return EXIT_OK
