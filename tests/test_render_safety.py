"""Journal text is untrusted: a hostile journal must not execute, fetch or leak anything."""
from __future__ import annotations

import shutil
import subprocess
import threading
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import make_project, run_cli
from reflect.render import markdown, rel_url

SECRET = "SECRET-7f3a9c-DO-NOT-LEAK"


# ---------------------------------------------------------------- the md filter and links

@pytest.mark.parametrize("text, banned", [
    ("<script>alert(1)</script>", "<script"),
    ("<img src=x onerror=alert(1)>", "<img"),
    ("[x](javascript:alert(1))", 'href="javascript'),
    ("[x](JaVaScRiPt:alert(1))", 'href="javascript'),
    ("[x](&#106;avascript:alert(1))", 'href="&#106;'),
    ("<javascript:alert(1)>", 'href="javascript'),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", 'href="data:'),
    ("[x](file:///etc/passwd)", 'href="file:'),
    ("[x](/etc/passwd)", 'href="/etc'),
    ("[x](../secret.txt)", 'href="../'),
    ("![x](http://127.0.0.1:9/pixel.png)", "<img"),
    ("![x](file:///etc/passwd)", "<img"),
    ("![x](data:image/png;base64,iVBORw0KGgo=)", "<img"),
    ('<div onclick="alert(1)">hi</div>', "<div"),
    ("<iframe src=https://example.com></iframe>", "<iframe"),
    ("[x](https://example.com){rel=attachment}", "rel=\"attachment"),
])
def test_markdown_cannot_emit_dangerous_html(text: str, banned: str):
    html = str(markdown(text))
    assert banned.lower() not in html.lower(), html


def test_markdown_keeps_what_is_safe():
    html = str(markdown("**bold** and [a link](https://example.com/x) and [mail](mailto:a@b.c) and [top](#top)"))
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.com/x" rel="nofollow noopener noreferrer">a link</a>' in html
    assert 'href="mailto:a@b.c"' in html and 'href="#top"' in html


def test_images_become_links_and_headings_paragraphs():
    html = str(markdown("![the chart](https://example.com/c.png)\n\n# Big heading"))
    assert "<img" not in html
    assert '<a class="image-link" href="https://example.com/c.png"' in html and "image: the chart" in html
    assert "<h1" not in html and '<p class="md-heading"><strong>Big heading</strong></p>' in html


def test_markdown_of_nothing_is_empty():
    assert str(markdown("")) == "" and str(markdown(None)) == ""


@pytest.mark.parametrize("target, page, expected", [
    ("style.css", "index.html", "style.css"),
    ("style.css", "weeks/2026-W48.html", "../style.css"),
    ("people/dana.html", "weeks/2026-W48.html", "../people/dana.html"),
    ("weeks/2026-W47.html", "weeks/2026-W48.html", "2026-W47.html"),
    ("principles.html#one-way-giving", "people/dana.html", "../principles.html#one-way-giving"),
    ("#top", "weeks/x.html", "#top"),
    ("https://example.com", "weeks/x.html", "https://example.com"),
])
def test_rel_url(target, page, expected):
    assert rel_url(target, page) == expected


# ---------------------------------------------------------------- a hostile journal, built

class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802
        _Recorder.requests.append(self.path)
        self.send_response(302)
        self.send_header("Location", "file:///etc/passwd")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback():
    _Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.requests
    finally:
        server.shutdown()
        server.server_close()


def hostile_project(tmp_path: Path, base: str) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    note = (
        "<script>alert('note')</script>\n\n"
        "<img src=x onerror=alert(1)>\n\n"
        "[click](javascript:alert(1)) [click2](JaVaScRiPt:alert(2)) <javascript:alert(3)>\n\n"
        f"![secret](file://{secret})\n\n"
        "![rel](../../../secret.txt)\n\n"
        f"![pixel]({base}/pixel.png)\n\n"
        f"[follow me]({base}/link)\n\n"
        '<div onclick="alert(4)">raw block</div>\n\n'
        f'<link rel="attachment" href="file://{secret}">\n\n'
        f'<object data="file://{secret}"></object>\n\n'
        "# A heading in a note\n"
    )
    indented = "\n".join("    " + line for line in note.splitlines())
    files = {
        "reflect.yaml": "owner: \"<script>alert('owner')</script> Alex\"\n",
        "journal/people.yaml": (
            "evil:\n  name: \"<script>alert('name')</script> Eve\"\n  level: peer\n"
            "  note: |\n" + indented + "\n"
            "sam:\n  name: Sam <b>Bold</b>\n  level: senior\n"
        ),
        "journal/2026/11.yaml": (
            "- date: 2026-11-23\n  with: evil\n  gave: \"<script>alert('what')</script> Reviewed the deck\"\n"
            "  note: |\n" + indented + "\n"
            "- date: 2026-11-24\n  with: sam\n  asked: \"<img src=x onerror=alert(1)> advice\"\n  outcome: helped\n"
            "- date: 2026-11-02\n  with: [evil, sam]\n  received: \"javascript:alert(1)\"\n"
        ),
        "journal/2026/2026-11-25-raw.md": (
            "---\ndate: 2026-11-25\nwith: evil\ngave: A raw HTML note\n---\n" + note
        ),
        "journal/reflections/2026-W48.md": "---\nweek: 2026-W48\n---\n" + note,
        "journal/coach/2026-W48.md": "---\nweek: 2026-W48\n---\n" + note,
    }
    return make_project(tmp_path / "proj", files)


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img", "iframe", "object", "embed", "link") and not (
                tag == "link" and dict(attrs).get("rel") == "stylesheet"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "xlink:href", "data") and value is not None:
                v = "".join(value.split()).lower()
                if v.startswith(("javascript:", "vbscript:", "data:", "file:")):
                    self.problems.append(f"{tag} {name}={value}")
            if name == "rel" and "attachment" in (value or ""):
                self.problems.append(f"{tag} rel={value}")


def audit_site(site: Path, base: str) -> None:
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        a = Audit()
        a.feed(text)
        assert not a.problems, (page.name, a.problems)
        assert "<script" not in text.lower(), page.name
        assert SECRET not in text
        # the loopback URL only ever appears as a link the reader may follow
        for chunk in text.split(base)[1:]:
            assert chunk.startswith(("/pixel.png\" rel=", "/link\" rel=", "/pixel.png)", "/link)")), chunk[:40]


def test_hostile_journal_html(tmp_path: Path, loopback):
    base, requests = loopback
    project = hostile_project(tmp_path, base)
    code, out, err = run_cli(["build", "--project", project, "--as-of", "2026-11-27", "--no-pdf"])
    assert code == 0, err
    site = project / "site"
    audit_site(site, base)
    week = (site / "weeks" / "2026-W48.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;what&#39;)&lt;/script&gt; Reviewed the deck" in week
    assert "image: pixel" in week and "A heading in a note" in week
    assert requests == []


def _pdf_problem() -> str | None:
    try:
        from reflect.pdf import load_weasyprint
        load_weasyprint()
    except Exception as exc:  # noqa: BLE001
        return f"WeasyPrint cannot load here: {exc}"
    if not shutil.which("pdftotext"):
        return "pdftotext (poppler-utils) is not installed"
    return None


@pytest.mark.pdf
@pytest.mark.skipif(_pdf_problem() is not None, reason=str(_pdf_problem()))
def test_hostile_journal_pdf_fetches_nothing(tmp_path: Path, loopback):
    base, requests = loopback
    project = hostile_project(tmp_path, base)
    code, out, err = run_cli(["build", "--project", project, "--as-of", "2026-11-27"])
    assert code == 0, err
    site = project / "site"
    audit_site(site, base)
    pdf = site / "weeks" / "2026-W48.pdf"
    data = pdf.read_bytes()
    assert SECRET.encode() not in data
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert SECRET not in text
    flat = " ".join(text.split())
    assert "image: pixel" in flat and "A heading in a note" in flat, flat
    if shutil.which("pdfdetach"):
        listing = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True).stdout
        assert listing.strip().startswith("0 embedded files"), listing
    # the one-week command goes through the same sandbox (rendered afresh: the cache is emptied)
    shutil.rmtree(project / ".reflect" / "pdf-cache")
    code, _, err = run_cli(["report", "2026-W48", "--project", project, "--as-of", "2026-11-27",
                            "-o", tmp_path / "one.pdf"])
    assert code == 0, err
    assert SECRET.encode() not in (tmp_path / "one.pdf").read_bytes()
    assert requests == []


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(list("Ab z0 9,.;:?!()'\"/%+=@-#*_`[]<>&\\~|\t\n") + ["é", "1. ", "- ", "  "]),
                min_size=1, max_size=40).map("".join))
def test_notes_render_exactly_as_markdown_it_renders_them(text: str) -> None:
    # plain one-line notes skip the parser and rendered notes are remembered: same HTML either way
    from reflect.render import _make_markdown, markdown

    expected = _make_markdown().render(text) if text.strip() else ""
    assert str(markdown(text)) == expected
    assert str(markdown(text)) == expected   # the remembered one
