"""Right-to-left names stay whole inside English sentences (bidi isolation).

A name in Hebrew or Arabic put unmarked into "You were helped by …, … in the last four weeks"
takes the commas and numbers around it into its own run: the auditor saw "You were helped by
محمد שרה לוי, عبد الرحمן" and "1 — שרה לוי time".  Every name placed in page text is therefore
in a `<bdi>` (in SVG, where there is no `<bdi>`, between FSI and PDI), and still escaped text.
"""
from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import make_project, run_cli
from reflect.bidi import FSI, PDI, Text, iso, text

SARA, MO = "שרה לוי", "محمد عبد الرحمن"
TEAM = "צוות אלפא"
EVIL = "<script>alert(1)</script> דנה"
AS_OF = "2026-11-27"

PEOPLE = f"""\
sara: {{name: "{SARA}", level: peer, team: "{TEAM}"}}
mo: {{name: "{MO}", level: peer}}
evil: {{name: "{EVIL}", level: senior}}
"""

ENTRIES = """\
- {date: 2026-11-24, with: [mo, sara], received: Reviewed my plan}
- {date: 2026-11-20, with: sara, received: Helped with the deck}
- {date: 2026-11-19, with: sara, received: Lunch intro}
- {date: 2026-11-18, with: sara, asked: A review, outcome: helped}
- {date: 2026-11-25, with: mo, gave: Fixed the build}
- {date: 2026-11-23, with: [evil, sara], gave: Shared the notes}
"""


def project(tmp_path: Path, owner: str = "Alex") -> Path:
    return make_project(tmp_path, {"reflect.yaml": f'owner: "{owner}"\n', "journal/people.yaml": PEOPLE,
                                   "journal/2026.yaml": ENTRIES})


def build(root: Path) -> Path:
    code, out, err = run_cli(["build", "--no-pdf", "--project", root, "--as-of", AS_OF])
    assert code == 0, (out, err)
    return root / "site"


class Texts(HTMLParser):
    """Each text node of a page with the tags open around it (and the attributes of each)."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "circle", "line", "rect", "path", "polyline"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.nodes: list[tuple[str, tuple[tuple[str, dict], ...]]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        self.nodes.append((data, tuple(self.stack)))


def parse(html: str) -> Texts:
    p = Texts()
    p.feed(html)
    return p


def inside(stack, tag: str, cls: str | None = None) -> bool:
    return any(t == tag and (cls is None or cls in (a.get("class") or "").split()) for t, a in stack)


def element_text(html: str, tag: str, cls: str) -> list[str]:
    """The text of each `tag.cls` element, names in <bdi> written [[name]]."""
    out: list[str] = []

    class P(Texts):
        def handle_starttag(self, t, attrs):
            if t == tag and cls in (dict(attrs).get("class") or "").split():
                out.append("")
                self.depth = len(self.stack)
            elif t == "bdi" and out and self.in_it():
                out[-1] += "[["
            super().handle_starttag(t, attrs)

        def in_it(self):
            return getattr(self, "depth", None) is not None and len(self.stack) > self.depth

        def handle_endtag(self, t):
            super().handle_endtag(t)
            if t == "bdi" and out and self.in_it():
                out[-1] += "]]"
            if getattr(self, "depth", None) is not None and len(self.stack) <= self.depth:
                self.depth = None

        def handle_data(self, data):
            if out and self.in_it():
                out[-1] += data

    P().feed(html)
    return [" ".join(s.split()) for s in out]


def assert_names_isolated(html: str, names=(SARA, MO, TEAM)) -> int:
    """Every text node that holds one of `names` is inside a <bdi> (in <svg>: between FSI and PDI;
    the page's <title> and a chart's own title are plain text).  Returns how many it checked."""
    checked = 0
    for data, stack in parse(html).nodes:
        for name in names:
            if name not in data:
                continue
            checked += 1
            if stack and stack[-1][0] == "title" and (inside(stack, "head") or "id" in stack[-1][1]):
                continue   # the page's <title> and a chart's own (its alternative text): plain text
            if inside(stack, "svg"):
                assert FSI + name + PDI in data or FSI + name[:5] in data, (name, data)
            else:
                assert stack and stack[-1][0] == "bdi", (name, data, [t for t, _ in stack])
                assert data == name, (name, data)   # the <bdi> holds the name, nothing around it
    return checked


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(project(tmp_path_factory.mktemp("bidi")))


def test_the_questions_name_people_in_bdi(site: Path):
    html = (site / "weeks/2026-W48.html").read_text(encoding="utf-8")
    assert f"You were helped by <bdi>{SARA}</bdi> and <bdi>{MO}</bdi> in the last four weeks." in html
    # the lists under the questions keep "name — N times": the name is isolated, the count after it
    items = element_text(html, "ul", "people-list")
    assert any(f"[[{SARA}]] — 4 times" in s for s in items), items
    assert any(f"[[{MO}]] — 1 time" in s for s in items), items


def test_every_rtl_name_on_every_page_is_isolated(site: Path):
    checked = 0
    for page in ("weeks/2026-W48.html", "index.html", "people/sara.html", "people/mo.html",
                 "people/index.html"):
        checked += assert_names_isolated((site / page).read_text(encoding="utf-8"))
    assert checked > 60   # questions, relationships, findings, entries, plan, charts, person pages


def test_entry_lines_and_findings_isolate_each_name(site: Path):
    html = (site / "weeks/2026-W48.html").read_text(encoding="utf-8")
    heads = element_text(html, "p", "entry-head")
    assert any(f"from [[{MO}]], [[{SARA}]]: Reviewed my plan" in h for h in heads), heads
    withs = element_text(html, "span", "with")
    assert any(f"[[{SARA}]]" in w for w in withs), withs
    messages = element_text(html, "p", "message")
    assert any(f"from [[{SARA}]] (help received and asks)" in m for m in messages), messages
    suggestions = element_text(html, "p", "suggestion")
    assert any(f"[[{SARA}]]" in s for s in suggestions), suggestions


def test_person_page_isolates_name_and_team(site: Path):
    html = (site / "people/sara.html").read_text(encoding="utf-8")
    assert f"<h1><bdi>{SARA}</bdi></h1>" in html
    assert f" · <bdi>{TEAM}</bdi> · alignment" in html
    assert f"of help from <bdi>{SARA}</bdi> and" in html


def test_charts_isolate_names_with_fsi_pdi(site: Path):
    html = (site / "weeks/2026-W48.html").read_text(encoding="utf-8")
    assert f"You invested 1 in {FSI}{MO}{PDI}" in html          # a lane's tooltip
    assert f'node-label"' in html and f">{FSI}{SARA}{PDI}</text>" in html
    assert "<bdi>" not in "".join(html.split("<svg")[1:]).split("</svg>")[0]   # no HTML inside SVG


def test_a_hostile_name_stays_text_inside_its_bdi(site: Path):
    for page in ("weeks/2026-W48.html", "people/evil.html", "index.html"):
        html = (site / page).read_text(encoding="utf-8")
        p = parse(html)
        assert "script" not in p.tags, page
        assert "<bdi>&lt;script&gt;alert(1)&lt;/script&gt; דנה</bdi>" in html, page
        assert_names_isolated(html, (EVIL,))


def test_the_owner_is_isolated(tmp_path: Path):
    owner = "נועה"
    site = build(project(tmp_path, owner))
    for page in ("weeks/2026-W48.html", "index.html", "people/sara.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert assert_names_isolated(html, (owner,)) >= 2, page
    index = (site / "index.html").read_text(encoding="utf-8")
    assert f"<bdi>{owner}</bdi>’s journal of favours" in index
    assert f"<title>{FSI}{owner}{PDI} (you)</title>" in index   # the network's centre


def test_print_html_isolates_names_too(tmp_path: Path):
    from reflect.build import Site, print_html
    from reflect.project import load_project
    from reflect.report import week_report

    proj = load_project(project(tmp_path))
    site = Site(proj, dt.date(2026, 11, 27))
    html = print_html(site.week_page(week_report(proj, "2026-W48", dt.date(2026, 11, 27)), None, print_=True))
    assert assert_names_isolated(html) > 10
    assert f"<bdi>{SARA}</bdi> <span class=\"muted\">(4 times)</span>" in html


def test_terminal_and_json_get_the_plain_sentence(tmp_path: Path):
    root = project(tmp_path)
    for argv in (["week", "2026-W48"], ["plan"], ["check"]):
        code, out, err = run_cli([*argv, "--project", root, "--as-of", AS_OF])
        assert FSI not in out + err and PDI not in out + err and "<bdi>" not in out, argv
        assert SARA in out, argv
    code, out, _ = run_cli(["check", "--project", root, "--as-of", AS_OF, "--format", "json"])
    assert FSI not in out and "bdi" not in out
    messages = [f["message"] for f in json.loads(out)["findings"]]
    assert any(SARA in m for m in messages)


def test_text_is_the_plain_sentence_with_names_in_bdi_as_html():
    from markupsafe import escape

    t = text(f"You helped {iso(SARA)}, {iso('<b>')} & co.")
    assert isinstance(t, Text) and t == f"You helped {SARA}, <b> & co."
    assert str(escape(t)) == f"You helped <bdi>{SARA}</bdi>, &lt;b&gt; &amp; co."   # only a right-to-left name
    assert text("no name") == "no name" and type(text("no name")) is str
    # a name can not close its own isolate; a stray mark in quoted journal text leaves none open
    assert str(escape(text(f"x {iso('ש' + PDI + 'b')} y"))) == "x <bdi>שb</bdi> y"
    assert str(escape(text(f"x {iso('ש')} ({FSI}what) {PDI}{PDI}"))) == "x <bdi>ש</bdi> (<bdi>what) </bdi>"
    assert iso("Priya Shah") == "Priya Shah"    # a left-to-right name needs no isolate
    import pickle

    back = pickle.loads(pickle.dumps(t))
    assert back == t and str(escape(back)) == str(escape(t))


def test_plain_filter_gives_the_sentence_without_tags_for_attributes():
    from reflect.render import make_env

    t = text(f"Ask {iso(SARA)} & co")
    out = make_env().from_string('<p title="{{ t|plain }}">{{ t }}</p>').render(t=t)
    assert out == f'<p title="Ask {SARA} &amp; co">Ask <bdi>{SARA}</bdi> &amp; co</p>'


# ---------------------------------------------------------------- PDF charts: drawn letter by letter

def test_visual_gives_rtl_text_in_the_order_it_is_seen():
    from reflect.bidi import visual

    assert visual("Priya Nair") == "Priya Nair"                      # left to right: untouched
    assert visual(f"{FSI}{SARA}{PDI}") == SARA[::-1]                 # Hebrew: reversed, marks gone
    assert visual("דנה 42 כהן") == "ןהכ 42 הנד"                      # a number keeps its order
    assert visual("דנה (Dana) כהן") == "ןהכ (Dana) הנד"               # so does an English word
    assert visual("מרתה (2)") == "(2) התרמ"                          # brackets mirrored with the run
    assert visual("Sam דנה") == "Sam הנד"                            # a left-to-right line stays one
    assert visual("Sam 2 דנה") == "Sam 2 הנד"                        # digits after a Latin letter: its run
    assert visual("Q3 דנה") == "Q3 הנד"
    assert visual("דנה Smith 2") == "Smith 2 הנד"
    assert visual("דנה 2:1") == "2:1 הנד"                            # a number keeps its separator
    assert visual("דנה 1.5 כהן") == "ןהכ 1.5 הנד"


def test_visual_joins_arabic_letters():
    import unicodedata

    from reflect.bidi import visual

    seen = visual("سامي")
    # seen from the left: final yeh, initial meem, final alef, initial seen
    assert seen == "\ufef2\ufee3\ufe8e\ufeb3"
    assert visual("سلام") == "\ufee1\ufefc\ufeb3"                    # lam + alef: one letter
    for name in (MO, "پرویز", "عبد الله", "سامي العلي"):
        # the same letters, in their joined forms, in the order they are seen
        seen = visual(name)
        assert all(0xFB50 <= ord(c) <= 0xFEFF or c == " " for c in seen), seen
        assert unicodedata.normalize("NFKC", seen[::-1]) == name


def test_print_charts_carry_rtl_labels_in_drawn_order(tmp_path: Path):
    import base64
    import re

    from reflect.build import Site, print_html
    from reflect.project import load_project
    from reflect.report import week_report

    proj = load_project(project(tmp_path))
    page = Site(proj, dt.date(2026, 11, 27)).week_page(week_report(proj, "2026-W48", dt.date(2026, 11, 27)),
                                                        None, print_=True)
    charts = [base64.b64decode(m).decode("utf-8")
              for m in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', print_html(page))]
    labels = [t for svg in charts for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]
    assert SARA[::-1] in labels and SARA not in labels
    assert not any(FSI in t for t in labels)


def _pdf_tools() -> str | None:
    import shutil

    try:
        from reflect.pdf import load_weasyprint
        load_weasyprint()
    except Exception as exc:  # noqa: BLE001
        return f"WeasyPrint cannot load here: {exc}"
    return None if shutil.which("pdftotext") else "pdftotext (poppler-utils) not installed"


@pytest.mark.skipif(_pdf_tools() is not None, reason=str(_pdf_tools()))
def test_pdf_network_map_shows_rtl_names_the_right_way_round(tmp_path: Path):
    import subprocess
    import unicodedata

    root = project(tmp_path)
    code, out, err = run_cli(["report", "2026-W48", "--project", root, "--as-of", AS_OF, "-o", tmp_path / "r.pdf"])
    assert code == 0, (out, err)
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    words = unicodedata.normalize("NFKC", text)
    for name in (SARA, MO):
        assert name[::-1] not in words, f"{name} drawn backwards"
    chart_page = next(p for p in words.split("\f") if "reciprocity network" in p)
    assert SARA in chart_page and MO in chart_page


def test_a_name_ending_in_a_full_stop_ends_the_sentence_once(tmp_path: Path):
    people = ("jr: {name: Sam Smith Jr., level: peer}\n"
              "dk: {name: \"ד.כ.\", level: peer}\n")
    entries = ("- {date: 2026-11-24, with: jr, gave: 'Covered for him, he owes me'}\n"
               "- {date: 2026-11-20, with: jr, received: Helped with the deck}\n"
               "- {date: 2026-11-19, with: jr, received: Lunch intro}\n"
               "- {date: 2026-11-18, with: dk, gave: A review}\n"
               "- {date: 2026-11-17, with: dk, gave: Another review}\n")
    root = make_project(tmp_path, {"reflect.yaml": "owner: Alex\n", "journal/people.yaml": people,
                                   "journal/2026.yaml": entries})
    code, out, err = run_cli(["check", "--project", root, "--as-of", AS_OF])
    assert "Sam Smith Jr." in out and "Jr.." not in out, out
    site = build(root)
    page = (site / "weeks" / "2026-W48.html").read_text(encoding="utf-8")
    assert "Jr.." not in page and "Jr.</a>." not in page
    assert "ד.כ.." not in page and "ד.כ.</bdi>." not in page
    assert "Sam Smith Jr." in page and "ד.כ." in page
    assert text("wait...") == "wait..."                     # an ellipsis is not a name's stop
