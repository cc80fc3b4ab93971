"""The built example site in a real browser (issue 3, "Verified in a real browser").

Headless Chromium (Debian's `chromium`) opens every page from file://: no console
error, no failed load, no request leaving the machine; axe-core finds no serious
or critical accessibility violation on the main pages; every internal link and
fragment resolves; screenshots (desktop and phone) and the W48 PDF as images go to
tests/artifacts/ for a human to look at.

Chromium is driven over its DevTools pipe (tests/browser_util.py, no dependency).
The tests skip only when no Chromium binary is installed (and the axe test when
`.cache/axe/node_modules/axe-core/axe.min.js` is missing: .ci/run installs it with
`npm install --prefix .cache/axe axe-core@4`).
"""
from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from browser_util import AXE_JS, Chromium, axe_source, find_chromium
from conftest import REPO_ROOT, run_cli

AS_OF = "2026-11-27"
CURRENT = "2026-W48"
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
CHROMIUM = find_chromium()

pytestmark = pytest.mark.browser
NO_CHROMIUM = ("no Chromium binary (chromium, chromium-browser or google-chrome) on PATH; "
               "install Debian's `chromium` (.ci/run does)")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)


# ---------------------------------------------------------------- the site

def _pdf_problem() -> str | None:
    try:
        from reflect.pdf import load_weasyprint
        load_weasyprint()
    except Exception as exc:  # noqa: BLE001
        return f"WeasyPrint cannot load here: {exc}"
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The example project (journal + reflect.yaml) built in a temporary folder,
    with its PDFs when WeasyPrint works here."""
    project = tmp_path_factory.mktemp("browser-site")
    shutil.copytree(REPO_ROOT / "journal", project / "journal")
    shutil.copy(REPO_ROOT / "reflect.yaml", project / "reflect.yaml")
    extra = ["--no-pdf"] if _pdf_problem() else []
    code, _, err = run_cli(["build", "--project", project, "--as-of", AS_OF,
                            "--out", project / "site", *extra])
    assert code == 0, err
    return project / "site"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    with Chromium.launch(tmp_path_factory.mktemp("chromium"), CHROMIUM) as b:
        yield b


def pages_of(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def rel(site: Path, page: Path) -> str:
    return page.relative_to(site).as_posix()


def person_page(site: Path) -> str:
    """The richest person page (the largest file): deterministic, and it has the most to check."""
    people = [p for p in (site / "people").glob("*.html") if p.name != "index.html"]
    assert people, "no person pages"
    return rel(site, max(people, key=lambda p: (p.stat().st_size, p.name)))


# ---------------------------------------------------------------- links (pure Python)

class Links(HTMLParser):
    """Every URL an HTML page refers to, and every id/name it defines."""

    URL_ATTRS = ("href", "src", "xlink:href", "action", "poster", "data", "cite", "formaction")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str, str]] = []    # (tag, attribute, url)
        self.ids: set[str] = set()
        self._style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in self.URL_ATTRS:
            if a.get(key) is not None:
                self.urls.append((tag, key, a[key]))
        for key in ("srcset", "imagesrcset"):
            for candidate in (a.get(key) or "").split(","):
                if candidate.strip():
                    self.urls.append((tag, key, candidate.split()[0]))
        if a.get("style"):
            self.urls += [(tag, "style", u) for u in css_urls(a["style"])]
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        self._style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if self._style:
            self.urls += [("style", "css", u) for u in css_urls(data)]


def css_urls(css: str) -> list[str]:
    urls = re.findall(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)""", css)
    urls += re.findall(r"""@import\s+['"]([^'"]+)['"]""", css)
    return urls


def parse_links(path: Path) -> Links:
    doc = Links()
    doc.feed(path.read_text(encoding="utf-8"))
    doc.close()
    return doc


def test_every_internal_link_and_fragment_resolves(site: Path):
    pages = pages_of(site)
    parsed = {p.resolve(): parse_links(p) for p in pages}
    root = site.resolve()
    broken, absolute, checked = [], [], 0
    for page, doc in parsed.items():
        where = rel(root, page)
        for tag, attr, value in doc.urls:
            parts = urlsplit(value.strip())
            if parts.scheme or parts.netloc:
                # remote targets only as plain links; never loaded by the page
                if parts.scheme not in ("http", "https", "mailto") or (tag, attr) != ("a", "href"):
                    absolute.append(f"{where}: <{tag} {attr}={value!r}>")
                continue
            if parts.path.startswith("/"):
                absolute.append(f"{where}: <{tag} {attr}={value!r}> (root-relative: breaks on file:// and sub-paths)")
                continue
            checked += 1
            if not parts.path:                      # same page: "#id" (or "" / "?q")
                if parts.fragment and unquote(parts.fragment) not in doc.ids:
                    broken.append(f"{where}: <{tag} {attr}={value!r}>: no id {parts.fragment!r} on the page")
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if root not in target.parents:
                broken.append(f"{where}: <{tag} {attr}={value!r}>: leaves the site")
            elif not target.is_file():
                broken.append(f"{where}: <{tag} {attr}={value!r}>: {rel(root, target)} does not exist")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in parsed[target].ids:
                broken.append(f"{where}: <{tag} {attr}={value!r}>: no id {parts.fragment!r} in {rel(root, target)}")
    # the stylesheet's own references (fonts, images) resolve too
    for css in sorted(site.rglob("*.css")):
        for value in css_urls(css.read_text(encoding="utf-8")):
            parts = urlsplit(value)
            if parts.scheme == "data":
                continue
            if parts.scheme or parts.netloc or value.startswith("/"):
                absolute.append(f"{rel(site, css)}: url({value})")
            elif not (css.parent / unquote(parts.path)).resolve().is_file():
                broken.append(f"{rel(site, css)}: url({value}) does not exist")
    assert checked > 100, f"only {checked} internal links found: is the parser seeing the pages?"
    assert not absolute, "non-relative references:\n" + "\n".join(absolute[:30])
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:30])


def test_every_page_is_reachable_from_the_dashboard(site: Path):
    root = site.resolve()
    seen, todo = set(), [root / "index.html"]
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        for tag, attr, value in parse_links(page).urls:
            parts = urlsplit(value)
            if tag == "a" and not parts.scheme and parts.path.endswith(".html"):
                target = (page.parent / unquote(parts.path)).resolve()
                if target.is_file() and target not in seen:
                    todo.append(target)
    orphans = sorted(rel(root, p) for p in (q.resolve() for q in pages_of(site)) if p not in seen)
    assert not orphans, f"pages no link leads to from index.html: {orphans}"


# ---------------------------------------------------------------- console

@needs_chromium
def test_every_page_loads_from_file_url_without_console_errors(site: Path, browser: Chromium):
    pages = pages_of(site)
    assert len(pages) >= 20
    problems: dict[str, list[str]] = {}
    with browser.page(1280, 900) as page:           # one tab, one page after another
        for path in pages:
            page.goto(path.resolve().as_uri())
            info = page.evaluate(
                "({title: document.title, lang: document.documentElement.lang,"
                " sheets: [...document.styleSheets].length,"
                " main: !!document.querySelector('main'),"
                " brokenImages: [...document.images].filter(i => !i.complete || !i.naturalWidth).map(i => i.src)})")
            found = page.console_problems()
            if not info["title"] or not info["lang"] or not info["main"]:
                found.append(f"title={info['title']!r} lang={info['lang']!r} main={info['main']}")
            if info["sheets"] < 1:
                found.append("no stylesheet applied")
            found += [f"broken image {src}" for src in info["brokenImages"]]
            if found:
                problems[rel(site, path)] = found
    assert not problems, "console problems:\n" + "\n".join(
        f"{where}:\n    " + "\n    ".join(msgs) for where, msgs in problems.items())


@needs_chromium
def test_the_console_check_sees_errors(tmp_path: Path, browser: Chromium):
    """The harness is not blind: a script error, a console.error, a missing
    stylesheet and a remote image are all reported."""
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>bad</title><link rel="stylesheet" href="gone.css">'
        '</head><body><main><img src="http://127.0.0.1:9/pixel.png" alt="">'
        '<script>console.error("shown"); missingFunction();</script></main></body></html>',
        encoding="utf-8")
    with browser.page() as page:
        page.goto((tmp_path / "bad.html").as_uri())
        found = "\n".join(page.console_problems())
    assert "console.error: shown" in found
    assert "missingFunction" in found
    assert "gone.css" in found and "ERR_FILE_NOT_FOUND" in found
    assert "network request: http://127.0.0.1:9/pixel.png" in found


@needs_chromium
def test_no_page_scrolls_sideways_on_a_phone(site: Path, browser: Chromium):
    """At 390 CSS px (a phone), nothing is wider than the screen: the page
    itself never scrolls horizontally (wide tables may scroll inside their box)."""
    wide = {}
    with browser.page(390, 844, mobile=True) as page:
        for path in pages_of(site):
            page.goto(path.resolve().as_uri())
            res = page.evaluate("""(() => {
                const vw = document.documentElement.clientWidth;
                const over = [];
                for (const el of document.querySelectorAll('body *')) {
                    const r = el.getBoundingClientRect();
                    if (r.width && r.right > vw + 1) {
                        // report the outermost offender only
                        if (!over.some(o => o.el.contains(el))) over.push({el, right: Math.round(r.right)});
                    }
                }
                return {vw, sw: document.documentElement.scrollWidth,
                        over: over.slice(0, 5).map(o => o.el.tagName.toLowerCase()
                              + (o.el.id ? '#' + o.el.id : '')
                              + (o.el.className && typeof o.el.className === 'string'
                                 ? '.' + o.el.className.trim().split(/\\s+/).join('.') : '')
                              + ' right=' + o.right)};
            })()""")
            if res["sw"] > res["vw"] + 1:
                wide[rel(site, path)] = f"scrollWidth {res['sw']} > {res['vw']}: {res['over']}"
    assert not wide, "pages wider than a 390 px phone:\n" + "\n".join(f"{k}: {v}" for k, v in wide.items())


# ---------------------------------------------------------------- accessibility

AXE_PAGES = ["index.html", f"weeks/{CURRENT}.html", "a-person-page", "people/index.html",
             "weeks/index.html", "principles.html"]


@needs_chromium
@pytest.mark.skipif(not AXE_JS.is_file(),
                    reason=f"axe-core not installed ({AXE_JS.relative_to(REPO_ROOT)} missing): "
                           "npm install --prefix .cache/axe axe-core@4")
@pytest.mark.parametrize("which", AXE_PAGES)
def test_axe_finds_no_serious_or_critical_violation(site: Path, browser: Chromium, tmp_path: Path, which: str):
    """On a desktop and on a phone viewport (the phone layout has its own
    scrolling boxes and reflowed grids)."""
    page_path = person_page(site) if which == "a-person-page" else which
    source = axe_source()
    lines, everything = [], {}
    for device, width, height in (("desktop", 1280, 900), ("phone", 390, 844)):
        with browser.page(width, height, mobile=device == "phone") as page:
            page.goto((site / page_path).resolve().as_uri())
            violations = page.axe(source)
        everything[device] = violations
        for v in violations:
            if v["impact"] in ("serious", "critical"):
                first = v["nodes"][0] if v["nodes"] else {}
                lines.append(f"[{device}] {v['id']} ({v['impact']}, {len(v['nodes'])} elements): {v['help']}\n"
                             f"    first: {first.get('target')} {first.get('html', '')[:160]}\n"
                             f"    {v['helpUrl']}")
    # keep every finding (also moderate and minor ones) for a human to read
    report = tmp_path / ("axe-" + page_path.replace("/", "_").removesuffix(".html") + ".json")
    report.write_text(json.dumps(everything, indent=1, ensure_ascii=False), encoding="utf-8")
    publish([report])
    assert not lines, f"axe on {page_path}:\n" + "\n".join(lines)


# ---------------------------------------------------------------- screenshots

def publish(files: list[Path], pattern: str | None = None) -> None:
    """Copy files made in a private folder into tests/artifacts/ (git-ignored),
    replacing earlier ones whole: two runs at once never see each other's halves."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    names = {f.name for f in files}
    if pattern:
        for old in ARTIFACTS.glob(pattern):
            if old.name not in names:
                old.unlink(missing_ok=True)
    for f in files:
        tmp = ARTIFACTS / f".{f.name}.tmp"
        shutil.copyfile(f, tmp)
        tmp.replace(ARTIFACTS / f.name)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@needs_chromium
@pytest.mark.parametrize("page_path", ["index.html", f"weeks/{CURRENT}.html"])
@pytest.mark.parametrize("device,width,height", [("desktop", 1280, 900), ("phone", 390, 844)])
def test_screenshots(site: Path, browser: Chromium, tmp_path: Path, page_path: str, device: str,
                     width: int, height: int):
    """The first screen and the whole page, for a human to look at in tests/artifacts/."""
    stem = "dashboard" if page_path == "index.html" else CURRENT
    with browser.page(width, height, mobile=device == "phone") as page:
        page.goto((site / page_path).resolve().as_uri())
        top = page.screenshot(tmp_path / f"{stem}-{device}.png")
        full = page.screenshot(tmp_path / f"{stem}-{device}-full.png", full_page=True)
        doc_height = page.evaluate("document.documentElement.scrollHeight")
    publish([top, full])
    w, h = png_size(top)
    assert (w, h) == (width, height)
    assert top.stat().st_size > 20_000, f"{top}: only {top.stat().st_size} bytes: a blank page?"
    w, h = png_size(full)
    assert w == width and h >= min(doc_height, 16000) - 2
    assert full.stat().st_size > top.stat().st_size


# ---------------------------------------------------------------- the PDF as images

@pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
                    reason="poppler-utils (pdftoppm, pdftotext) not installed")
def test_week_pdf_as_images(site: Path, tmp_path: Path):
    from reflect.build import WEEK_SECTIONS

    pdf = site / "weeks" / f"{CURRENT}.pdf"
    if not pdf.is_file():
        pytest.skip(_pdf_problem() or f"{pdf.name} was not built")
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / f"{CURRENT}-pdf")],
                   check=True, capture_output=True, timeout=120)
    images = sorted(tmp_path.glob(f"{CURRENT}-pdf-*.png"))
    publish(images, f"{CURRENT}-pdf-*.png")
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", pages, re.M).group(1))
    assert 2 <= len(images) == count
    for image in images:
        w, h = png_size(image)
        # A4 at 50 dpi is 414 x 585 px; Letter 425 x 550
        assert 400 <= w <= 430 and 540 <= h <= 600, (image.name, w, h)
        assert image.stat().st_size > 2_000, f"{image.name} is blank"
    text = " ".join(pdf_text(pdf).split()).replace("’", "'")
    missing = [s for s in WEEK_SECTIONS if s.replace("’", "'") not in text]
    assert not missing, f"sections missing from {pdf.name}: {missing}"
    # no page holds only the running header and footer (a block pushed over alone:
    # "no element cut across pages")
    empty = []
    for n in range(1, count + 1):
        body = pdf_text(pdf, n)
        body = re.sub(rf"page {n} of {count}", "", body)
        for running in (CURRENT, _owner()):
            body = body.replace(running, "")
        if not body.strip():
            empty.append(n)
    assert not empty, (f"{pdf.name}: page(s) {empty} of {count} have no text besides the running "
                       f"header and footer (see tests/artifacts/{CURRENT}-pdf-*.png)")


def pdf_text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *pages, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def _owner() -> str:
    m = re.search(r"^owner:\s*(.+?)\s*(#.*)?$", (REPO_ROOT / "reflect.yaml").read_text(encoding="utf-8"), re.M)
    return m.group(1) if m else ""
