"""reflect.pdf: the sandboxed fetcher, lazy import, reproducible bytes, tagged output, parallel renders."""
from __future__ import annotations

import base64
import builtins
import hashlib
import http.server
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
import zlib
from pathlib import Path

import pytest

from reflect import charts
from reflect import pdf as rpdf

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
MARKER = b"TOPSECRET-4711-DO-NOT-LEAK"


def _weasyprint_problem() -> str | None:
    try:
        import weasyprint  # noqa: F401
    except (OSError, ImportError) as exc:  # OSError: Pango/HarfBuzz libraries missing
        return f"WeasyPrint cannot be loaded ({exc}); install: {rpdf.INSTALL_HINT}"
    return None


_PROBLEM = _weasyprint_problem()
needs_weasyprint = pytest.mark.skipif(_PROBLEM is not None, reason=_PROBLEM or "")


def pdftotext(data: bytes, tmp_path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    f = tmp_path / "x.pdf"
    f.write_bytes(data)
    return subprocess.run(["pdftotext", str(f), "-"], capture_output=True, text=True, check=True).stdout


def inflated(data: bytes) -> bytes:
    """The PDF with every Flate stream decompressed, to look inside compressed output too."""
    out = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        start = match.end()
        end = data.find(b"endstream", start)
        try:
            out.append(zlib.decompressobj().decompress(data[start:end]))
        except zlib.error:
            pass
    return b"\n".join(out)


class Recorder(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        self.send_response(302 if self.path.startswith("/redir") else 200)
        self.send_header("Location", "file:///etc/passwd")
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body::after { content: 'FROM-THE-NETWORK' }")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    srv.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Path]:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "ok.css").write_text('p.legit::before { content: "LEGIT-THEME-MARKER " }')
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"line one\n" + MARKER + b"\n")
    secret_css = tmp_path / "secret.css"
    secret_css.write_text('body::before { content: "SECRET-CSS-MARKER" } /* ' + MARKER.decode() + " */")
    (theme / "escape.css").symlink_to(secret_css)
    (theme / "escape.txt").symlink_to(secret)
    return {"theme": theme, "secret": secret, "secret_css": secret_css}


# ---------------------------------------------------------------- without WeasyPrint


def test_importing_reflect_pdf_does_not_import_weasyprint() -> None:
    code = "import sys, reflect.pdf, reflect.charts; print('weasyprint' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


_SEARCH_SPY = """
import ctypes.util, subprocess, sys
calls = []
real_init = subprocess.Popen.__init__
def spy(self, args, *a, **k):
    calls.append(args)
    return real_init(self, args, *a, **k)
subprocess.Popen.__init__ = spy
search = ctypes.util.find_library
from reflect import pdf
if sys.argv[1:] == ["missing-soname"]:
    pdf._SONAMES = pdf._SONAMES + ("libreflect-test-absent.so.9",)
pdf.load_weasyprint()
import weasyprint.text.ffi as ffi
print(len(calls), ctypes.util.find_library is search, ffi.pango is not None and ffi.pangoft2 is not None)
"""


@needs_weasyprint
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the soname shortcut is for Linux")
def test_loading_weasyprint_searches_no_library_when_the_linker_finds_them() -> None:
    # the search runs ldconfig and gcc: ~0.35 s of every `reflect report`
    out = subprocess.run([sys.executable, "-c", _SEARCH_SPY], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0", "True", "True"]


@needs_weasyprint
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the soname shortcut is for Linux")
def test_loading_weasyprint_falls_back_to_the_search_when_a_soname_is_missing() -> None:
    out = subprocess.run([sys.executable, "-c", _SEARCH_SPY, "missing-soname"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    calls, restored, loaded = out.stdout.split()
    assert int(calls) > 0 and restored == "True" and loaded == "True"


_DEFERRED_SPY = """
import sys
from pathlib import Path
from reflect import pdf
renderer = pdf.PdfRenderer([Path(sys.argv[1])])
page = '<html lang="en"><head><title>t</title></head><body><p>Plain DejaVu text</p></body></html>'
data = renderer.render(page)
import weasyprint.pdf.fonts as fonts
deferred = sorted(n for n in pdf._DEFERRED if n in sys.modules)
print("after-render", ",".join(deferred) or "-", any(isinstance(m, pdf._Deferred) for m in sys.modules.values()))
if sys.argv[2:] == ["fonttools-subsetting"]:
    fonts.harfbuzz_subset = None   # as without libharfbuzz-subset: WeasyPrint subsets with fontTools
    data = renderer.render(page.replace("Plain", "Subset by fontTools"))
    print("fallback", "fontTools.subset" in sys.modules, type(sys.modules["fontTools.subset"]).__name__)
    sys.stdout.flush()
    sys.stdout.buffer.write(b"PDF:" + data)
"""


@needs_weasyprint
def test_weasyprint_loads_without_the_fonttools_modules_a_plain_report_never_uses() -> None:
    # fontTools.subset and varLib.instancer are a third of WeasyPrint's import; they serve only
    # subsetting without HarfBuzz and variable fonts
    out = subprocess.run([sys.executable, "-c", _DEFERRED_SPY, str(TEMPLATES)], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["after-render", "-", "False"]   # not loaded, and no stand-in left behind


@needs_weasyprint
def test_the_deferred_fonttools_modules_load_when_weasyprint_needs_them(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", _DEFERRED_SPY, str(TEMPLATES), "fonttools-subsetting"], cwd=ROOT,
                         capture_output=True)
    assert out.returncode == 0, out.stderr.decode()
    head, _, data = out.stdout.partition(b"PDF:")
    assert head.decode().split() == ["after-render", "-", "False", "fallback", "True", "module"]
    assert "Subset by fontTools" in pdftotext(data, tmp_path)


def test_a_deferred_function_calls_the_real_one_on_first_use(monkeypatch) -> None:
    import importlib
    import types

    calls = []
    real = types.ModuleType("reflect_test_deferred")
    real.work = lambda *a, **k: calls.append((a, k)) or "done"
    monkeypatch.setitem(sys.modules, "reflect_test_deferred", real)
    monkeypatch.setattr(rpdf, "_DEFERRED", {"reflect_test_deferred": ("work",)})
    monkeypatch.delitem(sys.modules, "reflect_test_deferred")
    with rpdf._fonttools_deferred():
        from reflect_test_deferred import work   # what WeasyPrint's `from ... import name` gets
        stand_in = sys.modules["reflect_test_deferred"]
        assert isinstance(stand_in, rpdf._Deferred)
    assert "reflect_test_deferred" not in sys.modules
    monkeypatch.setattr(importlib, "import_module", lambda name: real if name == "reflect_test_deferred" else None)
    assert work(1, key=2) == "done" and calls == [((1,), {"key": 2})]
    assert stand_in.work is real.work   # after the import, any name is the real module's


def test_sized_arrays_are_made_from_the_unsized_type_where_that_gives_the_same_array() -> None:
    from cffi import FFI

    ffi = FFI()
    ffi.cdef("typedef uint32_t hb_codepoint_t;")
    rpdf._arrays_typed_once(ffi)
    rpdf._arrays_typed_once(ffi)   # twice changes nothing
    unsized = ffi.typeof("hb_codepoint_t[]")
    for n in (80, 5040, 0):   # a new size needs no new type
        zeroed = ffi.new(f"hb_codepoint_t[{n}]")
        assert ffi.typeof(zeroed) is unsized and len(zeroed) == n and list(zeroed) == [0] * n
    filled = ffi.new("hb_codepoint_t[ 3 ]", (7, 8, 9))
    assert ffi.typeof(filled) is unsized and list(filled) == [7, 8, 9]
    # where `T[]` would give another array, cffi makes it as it always did
    short = ffi.new("hb_codepoint_t[3]", [5])
    assert list(short) == [5, 0, 0] and ffi.typeof(short) is ffi.typeof("hb_codepoint_t[3]")
    text = ffi.new("char[3]", b"abc")   # "char[]" would add a terminating zero
    assert len(text) == 3 and ffi.buffer(text)[:] == b"abc"
    assert ffi.typeof(ffi.new("hb_codepoint_t *", 4)) is ffi.typeof("hb_codepoint_t *")
    with pytest.raises(IndexError):
        ffi.new("hb_codepoint_t[2]", [1, 2, 3])   # too many values: cffi's own error


@pytest.mark.pdf
@needs_weasyprint
def test_the_array_shortcut_gives_the_same_pdf() -> None:
    from weasyprint.text.ffi import ffi

    renderer = rpdf.PdfRenderer([TEMPLATES])
    page = report_page()
    renderer.render(page, TEMPLATES.as_uri() + "/", [TEMPLATES / "style.css"])   # fonts loaded, types known
    assert "new" in vars(ffi)   # WeasyPrint's FFI has the shortcut once reflect has loaded it
    shortcut = renderer.render(page, TEMPLATES.as_uri() + "/", [TEMPLATES / "style.css"])
    del ffi.new
    try:
        plain = renderer.render(page, TEMPLATES.as_uri() + "/", [TEMPLATES / "style.css"])
    finally:
        rpdf._arrays_typed_once(ffi)
    assert plain == shortcut and renderer.last_errors == ()


@pytest.mark.parametrize("error", [ImportError("No module named 'weasyprint'"),
                                   OSError("cannot load library 'libpango-1.0-0'")])
def test_missing_libraries_give_an_actionable_message(monkeypatch, error: Exception) -> None:
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise error
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(rpdf.PdfUnavailable) as info:
        rpdf.PdfRenderer([TEMPLATES]).render("<p>x</p>")
    message = str(info.value)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"):
        assert package in message
    assert str(error) in message


def test_write_atomic_replaces_and_leaves_no_temp_files(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "r.pdf"
    rpdf.write_atomic(out, b"one")
    rpdf.write_atomic(out, b"two")
    assert out.read_bytes() == b"two"
    assert sorted(p.name for p in out.parent.iterdir()) == ["r.pdf"]
    assert out.stat().st_mode & 0o044  # readable like any other build output


# ---------------------------------------------------------------- the fetcher on its own


@pytest.mark.pdf
@needs_weasyprint
def test_fetcher_allows_data_and_theme_files_only(project: dict[str, Path], tmp_path: Path) -> None:
    theme, secret = project["theme"], project["secret"]
    f = rpdf.make_fetcher([theme])
    ok = f.fetch((theme / "ok.css").as_uri())
    assert b"LEGIT-THEME-MARKER" in ok.read() and ok.content_type == "text/css"
    assert f.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    assert f.fetch("file://localhost" + str(theme / "ok.css")).read().startswith(b"p.legit")
    fifo = theme / "pipe.css"
    os.mkfifo(fifo)
    bad = [secret.as_uri(), "file:///etc/passwd", (theme / "escape.txt").as_uri(),
           theme.as_uri() + "/..%2fsecret.txt", theme.as_uri() + "/../secret.txt",
           "file://evil.example" + str(theme / "ok.css"), fifo.as_uri(),
           "http://127.0.0.1:9/x.png", "https://example.com/x.css", "ftp://example.com/x",
           "FILE:///etc/passwd", "javascript:alert(1)", (theme / "missing.css").as_uri()]
    for url in bad:
        with pytest.raises(ValueError):
            f.fetch(url)
    assert f.refused == bad


# ---------------------------------------------------------------- a hostile page


def hostile_page(p: dict[str, Path], port: int) -> str:
    secret, secret_css = p["secret"].as_uri(), p["secret_css"].as_uri()
    net = f"http://127.0.0.1:{port}"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hostile</title>
<meta name="dcterms.created" content="2026-11-27">
<link rel="stylesheet" href="ok.css">
<link rel="stylesheet" href="{secret_css}">
<link rel="stylesheet" href="escape.css">
<link rel="stylesheet" href="{net}/link.css">
<link rel="attachment" href="{secret}">
<style>
@import url("{secret_css}");
@import url("../secret.css");
@import url("{net}/import.css");
body {{ background: url("{net}/bg.png") }}
h1 {{ background-image: url("{secret}") }}
@font-face {{ font-family: Sneaky; src: url("{net}/font.woff"), url("{secret}") }}
.sneaky {{ font-family: Sneaky }}
</style></head><body>
<h1>Report</h1><p class="legit">hello</p><p class="sneaky">font</p>
<img alt="passwd" src="file:///etc/passwd">
<img alt="secret" src="{secret}"><img alt="relative" src="../secret.txt"><img alt="link" src="escape.txt">
<img alt="net" src="{net}/img.png"><img alt="redirect" src="{net}/redir">
<a rel="attachment" href="{secret}">attached</a>
<a rel="attachment" href="../secret.txt">attached too</a>
<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" role="img"><title>pic</title>
<image href="{secret}" width="20" height="20"/></svg>
<object data="{net}/object.svg">object</object>
</body></html>"""


@pytest.mark.pdf
@needs_weasyprint
def test_hostile_page_reads_nothing_outside_the_theme(project: dict[str, Path], server, tmp_path: Path) -> None:
    theme = project["theme"]
    renderer = rpdf.PdfRenderer([theme])
    html = hostile_page(project, server.server_port)
    raw = renderer.render(html, theme.as_uri() + "/", uncompressed=True)
    refused = renderer.last_refused

    assert server.hits == []  # not one request reached the network
    assert raw.startswith(b"%PDF")
    assert MARKER not in raw  # not as an attachment, an image or text
    assert b"/EmbeddedFile" not in raw
    text = pdftotext(raw, tmp_path)
    assert "LEGIT-THEME-MARKER" in text  # the theme stylesheet is used
    assert "SECRET-CSS-MARKER" not in text and "FROM-THE-NETWORK" not in text
    assert "hello" in text

    secret = project["secret"].as_uri()
    for url in ("file:///etc/passwd", secret, project["secret_css"].as_uri(), (theme / "escape.css").as_uri(),
                (theme / "escape.txt").as_uri(), f"http://127.0.0.1:{server.server_port}/img.png"):
        assert url in refused, url
    assert not any(u.endswith("/ok.css") for u in refused)
    assert renderer.last_errors  # WeasyPrint logged the skipped resources as errors: the build can fail

    compressed = renderer.render(html, theme.as_uri() + "/")
    assert MARKER not in inflated(compressed)
    assert server.hits == []


@pytest.mark.pdf
@needs_weasyprint
def test_stylesheets_must_live_in_the_theme(project: dict[str, Path]) -> None:
    renderer = rpdf.PdfRenderer([project["theme"]])
    with pytest.raises(ValueError, match="outside the theme"):
        renderer.render("<p>x</p>", None, [project["secret_css"]])
    with pytest.raises(ValueError, match="outside the theme"):
        renderer.render("<p>x</p>", None, [project["theme"] / "escape.css"])  # symlink out
    assert renderer.render("<p>x</p>", None, [project["theme"] / "ok.css"]).startswith(b"%PDF")


# ---------------------------------------------------------------- report pages


def report_page(weeks: int = 12) -> str:
    names = [f"Person {i}" for i in range(14)]
    nodes = [dict(id=f"p{i}", name=n, level=("senior", "peer", "junior", "external")[i % 4], invested=i % 5,
                  taken=(i * 3) % 4, fading=i % 6 == 1, href=f"people/p{i}.html") for i, n in enumerate(names)]
    wk = [f"2026-W{w:02d}" for w in range(49 - weeks, 49)]
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Week 2026-W48: Priya Shah</title><meta name="dcterms.created" content="2026-11-27"></head>
<body><main><h1><span class="running-week">2026-W48</span> <span class="running-owner">Priya Shah</span></h1>
<div class="tiles"><div class="tile"><span class="label">Gives</span><span class="value">5</span>
<span class="delta up">+2 vs usual</span>{charts.sparkline(list(range(12)), "Gives, 12 weeks", "s1")}</div></div>
<figure class="chart-figure">{charts.network("Priya Shah", nodes, "net")}<figcaption>Network</figcaption></figure>
<div class="finding warning"><span class="severity">Worth a look</span><h3>Asking more</h3><p>Text</p></div>
{charts.bars([(w, i % 4) for i, w in enumerate(wk)], "Gives per week", "bars", unit="gives")}
{charts.trend_lines(wk, dict(Gives=[1] * weeks, Asks=[2] * weeks), "Trends", "tr")}
{charts.balance_bars([(n, 1, 2) for n in names[:6]], "Balance", "bal")}
{charts.rhythm_strip([(w, 2) for w in wk], "Rhythm", "rh")}
<blockquote class="reflection">A reflection.</blockquote><div class="write-lines"></div>
</main></body></html>"""


def test_print_html_makes_every_chart_an_image_with_its_title_as_alt_text() -> None:
    from reflect.build import print_html

    page = report_page().replace("<main>", '<main><svg xmlns="http://www.w3.org/2000/svg" width="9" height="9" '
                                           'role="img"><title>theme icon</title><circle r="4"/></svg>'
                                           + str(charts.network("A & B", [], "empty-net")))
    printed = print_html(page)
    images = re.findall(r'<img class="(chart [^"]*)" alt="([^"]*)" src="data:image/svg\+xml;base64,([^"]+)">', printed)
    assert [c for c, _, _ in images] == ["chart chart-network", "chart chart-sparkline", "chart chart-network",
                                         "chart chart-bars", "chart chart-trends", "chart chart-balance",
                                         "chart chart-rhythm"]
    assert images[0][1].startswith("Network of A &amp; B") and images[2][1] == "Network of Priya Shah: 14 people"
    for _, alt, data in images:
        svg = base64.b64decode(data).decode("utf-8")
        assert svg.count("<title") == 1 and svg.startswith("<svg") and svg.endswith("</svg>")   # no tooltips
        assert "href=" not in svg
    # a theme's own SVG is not reflect's to change
    assert printed.count("<svg") == 1 and "<title>theme icon</title>" in printed


LINKS = ('<p>You helped <a href="people/dana-kim.html">Dana Kim</a> and <a href="../people/leo.html">Leo\nM.</a>; '
         'see <a href="https://example.org/guide">the guide</a>, <a href="#plan">your plan</a>, '
         '<a class="week" href="weeks/2026-W47.html">last week</a> and <a href="mailto:c@example.org">your coach</a>.</p>')


def test_print_html_prints_links_to_other_site_pages_as_their_text() -> None:
    from reflect.build import print_html

    printed = print_html(LINKS)
    assert printed.startswith("<p>You helped Dana Kim and Leo\nM.; ")
    assert '<a href="https://example.org/guide">the guide</a>' in printed
    assert '<a href="#plan">your plan</a>' in printed
    assert '<span class="week">last week</span>' in printed   # other attributes stay, the link goes
    assert '<a href="mailto:c@example.org">your coach</a>' in printed
    assert "people/" not in printed and "weeks/" not in printed
    # inside an <svg> (a theme's own) a page link only loses its href: <span> is not SVG
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><a class="dot" href="people/x.html"><circle r="2"/></a></svg>'
    assert print_html(f"<p>{svg}</p>") == "<p>" + svg.replace(' href="people/x.html"', "") + "</p>"


@pytest.mark.pdf
@needs_weasyprint
def test_printed_names_are_text_not_links_that_go_nowhere() -> None:
    from reflect.build import print_html

    renderer = rpdf.PdfRenderer([TEMPLATES])
    page = f'<!doctype html><html lang="en"><head><title>t</title></head><body><main>{LINKS}<h2 id="plan">Plan</h2></main></body></html>'
    inside = inflated(renderer.render(print_html(page), TEMPLATES.as_uri() + "/", [TEMPLATES / "style.css"]))
    assert renderer.last_errors == ()
    # the web, mail and in-page links are real links, each with its annotation; the names are not
    # links (an <a> without href is still tagged /Link, which a screen reader announces as a link)
    assert inside.count(b"/S /Link") == inside.count(b"/Subtype /Link") == 3


@pytest.mark.pdf
@needs_weasyprint
def test_charts_printed_as_images_give_the_same_pdf_as_inline_svg(monkeypatch) -> None:
    from reflect import build

    page = report_page()
    renderer = rpdf.PdfRenderer([TEMPLATES])

    def render(html: str) -> bytes:
        data = renderer.render(html, TEMPLATES.as_uri() + "/", [TEMPLATES / "style.css"])
        assert renderer.last_errors == () and renderer.last_refused == ()
        return data

    as_images = render(build.print_html(page))
    monkeypatch.setattr(charts, "CHART_HEAD", re.compile(r"(?!)"))   # as before: charts inline
    inline = build.print_html(page)
    assert inline.count("<svg") == 6
    assert render(inline) == as_images   # same sizes, same drawing, same tags and alt texts
    assert b"/Alt (Network of Priya Shah: 14 people)" in inflated(as_images)


@pytest.mark.pdf
@needs_weasyprint
def test_report_with_charts_is_tagged_pdf_ua_without_errors(tmp_path: Path) -> None:
    renderer = rpdf.PdfRenderer([TEMPLATES])
    data = renderer.render(report_page(), TEMPLATES.as_uri() + "/", [TEMPLATES / "style.css"])
    assert renderer.pdf_variant == "pdf/ua-1"
    assert renderer.last_errors == ()
    assert renderer.last_refused == ()
    inside = inflated(data)
    assert b"/StructTreeRoot" in inside
    assert b"/Alt (Network of Priya Shah: 14 people)" in inside  # the SVG <title> is the figure's alt text
    text = pdftotext(data, tmp_path)
    assert "Priya Shah" in text and "2026-W48" in text and re.search(r"page 1 of \d", text)
    if shutil.which("pdfinfo"):
        f = tmp_path / "r.pdf"
        f.write_bytes(data)
        info = subprocess.run(["pdfinfo", str(f)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Tagged:\s+yes", info)
        assert re.search(r"CreationDate:\s+\w{3} Nov 27 .*2026", info), info
        assert re.search(r"Page size:.*\(A4\)", info)


@pytest.mark.pdf
@needs_weasyprint
def test_errors_are_captured_per_render() -> None:
    renderer = rpdf.PdfRenderer([TEMPLATES])
    renderer.render('<html><head><title>t</title></head><body><img src="nope.png"></body></html>',
                    TEMPLATES.as_uri() + "/")
    assert renderer.last_errors  # missing lang / alt / image: logged at ERROR by WeasyPrint
    renderer.render('<html lang="en"><head><title>t</title></head><body><p>fine</p></body></html>')
    assert renderer.last_errors == ()


RENDER_SCRIPT = textwrap.dedent("""
    import hashlib, sys
    from pathlib import Path
    from reflect.pdf import PdfRenderer
    templates = Path(sys.argv[1])
    html = Path(sys.argv[2]).read_text()
    data = PdfRenderer([templates]).render(html, templates.as_uri() + "/", [templates / "style.css"])
    print(hashlib.sha256(data).hexdigest(), len(data))
""")


@pytest.mark.pdf
@needs_weasyprint
def test_same_html_gives_same_bytes_in_two_processes(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(report_page())
    digests = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": seed + "000000000"}
        run = subprocess.run([sys.executable, "-c", RENDER_SCRIPT, str(TEMPLATES), str(page)],
                             cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        digests.append(run.stdout.split()[0])
    assert digests[0] == digests[1]
    renderer = rpdf.PdfRenderer([TEMPLATES])
    here = renderer.render(page.read_text(), TEMPLATES.as_uri() + "/", [TEMPLATES / "style.css"])
    assert hashlib.sha256(here).hexdigest() == digests[0]


@pytest.mark.pdf
@needs_weasyprint
@pytest.mark.parametrize("count", [2, 3])
def test_render_many_writes_every_file_in_order(tmp_path: Path, count: int) -> None:
    jobs = [(report_page(weeks=4 + i), tmp_path / "out" / f"week-{i}.pdf") for i in range(count)]
    jobs.append(("<p>bad</p>", tmp_path / "out" / "bad.pdf"))  # no lang: ERROR records but a file
    results = rpdf.render_many(jobs, roots=[TEMPLATES], stylesheets=[TEMPLATES / "style.css"],
                               base_url=TEMPLATES.as_uri() + "/")
    assert [r.out for r in results] == [out for _, out in jobs]
    assert all(r.ok for r in results)
    assert [bool(r.errors) for r in results] == [False] * count + [True]
    for _, out in jobs:
        assert out.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(out.name for _, out in jobs)


@pytest.mark.pdf
@needs_weasyprint
def test_control_the_hostile_page_does_leak_without_the_sandbox(project: dict[str, Path], server) -> None:
    """Proves the hostile-page test can see a leak: WeasyPrint's default fetcher reads both."""
    import weasyprint

    theme = project["theme"]
    raw = weasyprint.HTML(string=hostile_page(project, server.server_port), base_url=theme.as_uri() + "/").write_pdf(
        uncompressed_pdf=True)
    assert MARKER in raw
    assert server.hits


@pytest.mark.pdf
@needs_weasyprint
def test_pool_started_early_renders_the_job_and_leaves_no_process(tmp_path: Path) -> None:
    pool = rpdf.PdfPool([TEMPLATES], [TEMPLATES / "style.css"], TEMPLATES.as_uri() + "/").start(1)
    procs = [proc for proc, _ in pool._workers]
    assert len(procs) == 1 and procs[0].is_alive()
    with pool:
        (result,) = pool.render([(report_page(), tmp_path / "w.pdf")])
    assert result.ok and not result.errors and not result.refused
    assert (tmp_path / "w.pdf").read_bytes().startswith(b"%PDF")
    here = rpdf.PdfRenderer([TEMPLATES]).render(report_page(), TEMPLATES.as_uri() + "/", [TEMPLATES / "style.css"])
    assert (tmp_path / "w.pdf").read_bytes() == here        # same bytes as rendering in this process
    assert not any(p.is_alive() for p in procs)
    assert pool._workers == []


@pytest.mark.pdf
@needs_weasyprint
def test_pool_survives_a_dead_worker(tmp_path: Path) -> None:
    with rpdf.PdfPool([TEMPLATES], [TEMPLATES / "style.css"], TEMPLATES.as_uri() + "/") as pool:
        pool.start(2)
        victim = pool._workers[0][0]
        victim.kill()
        victim.join(5)
        jobs = [(report_page(weeks=4 + i), tmp_path / f"w{i}.pdf") for i in range(3)]
        results = pool.render(jobs)
    assert [r.out for r in results] == [out for _, out in jobs]
    assert all(r.ok for r in results)
    assert all(out.read_bytes().startswith(b"%PDF") for _, out in jobs)


CRASHING_WORKER = """
import os, signal, sys
from pathlib import Path
from reflect import pdf
real_run = pdf._run
def crashing_run(renderer, html, out, *rest):
    if "CRASH" in html:              # a stand-in for a WeasyPrint segfault or the OOM killer
        os.kill(os.getpid(), signal.SIGKILL)
    return real_run(renderer, html, out, *rest)
pdf._run = crashing_run              # forked workers inherit it
if __name__ == "__main__":
    templates, out = Path(sys.argv[1]), Path(sys.argv[2])
    with pdf.PdfPool([templates], [templates / "style.css"], templates.as_uri() + "/").start(2) as pool:
        results = pool.render([("<html lang=en><title>a</title><p>fine</p>", out / "a.pdf"),
                               ("<html lang=en><title>b</title><p>CRASH</p>", out / "b.pdf"),
                               ("<html lang=en><title>c</title><p>fine</p>", out / "c.pdf")])
    for r in results:
        print(r.out.name, r.ok, "|".join(r.errors))
"""


@pytest.mark.pdf
@needs_weasyprint
@pytest.mark.skipif(not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2,
                    reason="needs forked workers (Linux) and two cores")
def test_a_page_that_kills_its_worker_fails_alone_and_never_runs_in_reflect(tmp_path: Path) -> None:
    (tmp_path / "crash.py").write_text(CRASHING_WORKER)
    run = subprocess.run([sys.executable, str(tmp_path / "crash.py"), str(TEMPLATES), str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr          # reflect's own process survived
    lines = run.stdout.splitlines()
    assert lines[0] == "a.pdf True " and lines[2] == "c.pdf True "
    assert lines[1].startswith("b.pdf False the PDF worker stopped while rendering this page")
    assert not (tmp_path / "b.pdf").exists()
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.pdf
@needs_weasyprint
def test_a_page_that_cannot_be_written_is_a_failed_result_not_a_dead_worker(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with rpdf.PdfPool([TEMPLATES], [TEMPLATES / "style.css"], TEMPLATES.as_uri() + "/") as pool:
        results = pool.render([(report_page(), tmp_path / "afile" / "bad.pdf"), (report_page(), tmp_path / "ok.pdf")])
        alive = [proc.is_alive() for proc, _ in pool._workers]
    assert not results[0].ok and "afile" in results[0].errors[0]
    assert results[1].ok and (tmp_path / "ok.pdf").is_file()
    assert alive and all(alive)


def test_one_core_starts_no_worker(monkeypatch) -> None:
    monkeypatch.setattr(rpdf.os, "cpu_count", lambda: 1)
    pool = rpdf.PdfPool([TEMPLATES]).start(2)
    assert pool._workers == []
    pool.close()


@pytest.mark.pdf
@needs_weasyprint
@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs process groups")
@pytest.mark.parametrize("command, delay", [("report", 0.15), ("report", 0.4), ("report", 1.0),
                                            ("share", 0.3), ("share", 1.2)])
def test_ctrl_c_prints_no_traceback_and_leaves_no_file(tmp_path: Path, command: str, delay: float) -> None:
    # Ctrl-C reaches reflect and its PDF worker alike (the terminal signals the whole group), at
    # whatever moment: while reflect starts, while the worker is forked or loads WeasyPrint, while
    # it renders
    import signal
    import time

    project = tmp_path / "p"
    shutil.copytree(ROOT / "journal", project / "journal")
    shutil.copy(ROOT / "reflect.yaml", project / "reflect.yaml")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "reflect", command, "--project", str(project), "--as-of",
                             "2026-11-27", "-o", str(out_dir / "r.pdf")],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    if proc.returncode == 0:   # it finished before the signal: fine, and nothing half-made either
        assert sorted(p.name for p in out_dir.iterdir()) in (["r.pdf"], ["r.pdf", "r.pdf.manifest.txt"])
        return
    # 130, or killed by SIGINT: a shell shows both as status 130.  (Now and then CPython itself
    # ends a process that handled Ctrl-C by re-sending SIGINT to itself after the message.)
    assert proc.returncode in (130, -signal.SIGINT), (out, err)
    assert "Traceback" not in err and err.strip() == "reflect: interrupted", err
    assert list(out_dir.iterdir()) == []


def test_pool_close_stops_workers_that_are_still_loading(tmp_path: Path) -> None:
    import time

    pool = rpdf.PdfPool([TEMPLATES], [TEMPLATES / "style.css"]).start(2)
    procs = [proc for proc, _ in pool._workers]
    started = time.perf_counter()
    pool.close()
    assert time.perf_counter() - started < 3
    assert not any(p.is_alive() for p in procs)


def test_pool_reports_missing_weasyprint_from_its_worker(tmp_path: Path, monkeypatch) -> None:
    """The worker's PdfUnavailable reaches the caller as PdfUnavailable, with its advice."""
    import multiprocessing

    def unavailable(self, stylesheets=()):
        raise rpdf.PdfUnavailable("cannot load WeasyPrint (test). " + rpdf.INSTALL_HINT)

    monkeypatch.setattr(rpdf.PdfRenderer, "prepare", unavailable)
    parent, child = multiprocessing.Pipe()
    worker = threading.Thread(target=rpdf._serve, args=(child, (TEMPLATES,), None, (), None), daemon=True)
    worker.start()
    pool = rpdf.PdfPool([TEMPLATES])
    pool.max_workers = 2
    pool._workers = [(type("P", (), {"join": lambda self, timeout=None: None, "is_alive": lambda self: False})(),
                      parent)]
    with pytest.raises(rpdf.PdfUnavailable, match="libpango"):
        pool.render([("<p>x</p>", tmp_path / "x.pdf")])
    pool.close()
    worker.join(5)
    assert not worker.is_alive()
    assert not (tmp_path / "x.pdf").exists()


def test_a_worker_collects_a_pages_garbage_before_the_next_page_not_during_it(tmp_path: Path, monkeypatch) -> None:
    # collecting while WeasyPrint lays a page out cost 2.7 % of a report; a long build must still
    # not keep every page's cyclic box trees
    import gc
    import multiprocessing

    events = []
    monkeypatch.setattr(rpdf.PdfRenderer, "prepare", lambda self, stylesheets=(): None)
    monkeypatch.setattr(rpdf, "_run", lambda renderer, html, out, *a: events.append(("render", html)) or
                        rpdf.RenderResult(Path(out), True))
    monkeypatch.setattr(gc, "collect", lambda *a: events.append(("collect",)) or 0)
    parent, child = multiprocessing.Pipe()
    for name in ("a", "b", "c"):
        parent.send((name, str(tmp_path / f"{name}.pdf")))
    parent.send(None)
    gc.disable()
    try:
        rpdf._serve(child, (TEMPLATES,), None, (), None)
    finally:
        gc.enable()
    assert events == [("render", "a"), ("collect",), ("render", "b"), ("collect",), ("render", "c")]
    assert [parent.recv()[0] for _ in range(3)] == ["done"] * 3


def test_pool_worker_exits_when_its_parent_dies(tmp_path: Path) -> None:
    """A worker must not outlive a killed `reflect` (e.g. kill -9) waiting for jobs forever."""
    import time

    script = textwrap.dedent(f"""
        import os, sys, time
        from pathlib import Path
        from reflect import pdf
        if __name__ == "__main__":
            pool = pdf.PdfPool([Path({str(TEMPLATES)!r})]).start(2)
            print(" ".join(str(p.pid) for p, _ in pool._workers), flush=True)
            time.sleep(0.5)
            os._exit(0)     # no clean-up at all, like a killed process
    """)
    (tmp_path / "parent.py").write_text(script)
    run = subprocess.run([sys.executable, str(tmp_path / "parent.py")], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True)
    pids = [int(p) for p in run.stdout.split()]
    assert len(pids) == min(2, os.cpu_count() or 1)
    deadline = time.monotonic() + 30
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [p for p in pids if Path(f"/proc/{p}").exists()
                 and "Z" not in (Path(f"/proc/{p}/stat").read_text().split(")")[-1].split()[:1] or ["Z"])]
    assert not alive, f"workers still running after their parent died: {alive}"


@pytest.mark.pdf
@needs_weasyprint
def test_a_long_name_stays_inside_its_card_in_print() -> None:
    """Equal print columns (minmax(0, 1fr)) must not let an unbreakable name run into the next card."""
    import weasyprint

    word = "Wolfeschlegelsteinhausenbergerdorff-Schmidt"
    cards = "".join(f'<div class="card question"><h3>Q{i}</h3><p>You helped {word if i == 0 else "Li"}.</p></div>'
                    for i in range(3))
    html = f'<html lang="en"><title>t</title><body><div class="questions">{cards}</div></body></html>'
    doc = weasyprint.HTML(string=html).render(stylesheets=[weasyprint.CSS(filename=str(TEMPLATES / "style.css"))])

    def walk(box):
        yield box
        for child in getattr(box, "children", []):
            yield from walk(child)

    found = []
    for box in walk(doc.pages[0]._page_box):
        element = getattr(box, "element", None)
        if element is not None and element.get("class") == "card question" and box.element_tag == "div":
            right = box.position_x + box.margin_width()
            text_right = max(b.position_x + b.width for b in walk(box) if type(b).__name__ == "TextBox")
            found.append((right, text_right))
    assert len(found) == 3
    assert all(text_right <= right for right, text_right in found), found
