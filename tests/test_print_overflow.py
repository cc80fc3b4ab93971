"""Markdown text never runs off the weekly PDF's page, nor widens a page of the site; "1 day ago", not "1 days".

A reflection, coach notes or an entry note can hold a long URL, an indented code line, a wide
Markdown table or one very long word.  On paper nothing can scroll: each must break or wrap
inside the page's text width (A4 and Letter), and every word of it must still be printed.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from browser_util import Chromium, find_chromium
from conftest import make_project, run_cli
from test_build import needs_pdf

AS_OF = "2026-11-27"
WEEK = "2026-W48"
FRONT = f"---\nweek: {WEEK}\n---\n"
# the page's right and left margins (templates/style.css: @page and @page letter)
MARGIN = {"A4": 18 / 25.4 * 72, "Letter": 0.7 * 72}
HEADERS = ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf")
WORD = "Supercalifragilistic" * 5                          # 100 letters, no break opportunity
CODE = "result = compute_something(" + ", ".join(f"arg{i}" for i in range(16)) + ")  -- the end"


def url(host: str, letter: str) -> str:
    return f"https://{host}/" + letter * 100


def markdown_body(host: str, letter: str, cell: str) -> str:
    """Every kind of wide Markdown at once: a long URL, a code line, a 7-column table, a long word."""
    table = ("| " + " | ".join(HEADERS) + " |\n" + "|---" * len(HEADERS) + "|\n"
             + "| " + " | ".join(f"longish cell with {cell}_and_localization_{i}" for i in range(1, 8)) + " |\n")
    return (f"Read {url(host, letter)} before the retro.\n\n"
            f"    {CODE}\n\n"
            f"{table}\n"
            f"- Plans\n  - nested with {WORD} in it\n")


def journal(paper: str) -> dict[str, str]:
    note = markdown_body("example.net", "c", "entrynote")
    return {
        "reflect.yaml": f"owner: Alex\npaper: {paper}\n",
        "journal/people.yaml": ("priya:\n  name: Priya Shah\n  level: peer\n  note: |\n"
                                + "".join(f"    {line}\n" if line else "\n" for line in note.splitlines())),
        "journal/x.yaml": ("- date: 2026-11-24\n  with: priya\n  gave: One\n  note: |\n"
                           + "".join(f"    {line}\n" if line else "\n" for line in note.splitlines())),
        f"journal/reflections/{WEEK}.md": FRONT + markdown_body("example.com", "a", "reflection"),
        f"journal/coach/{WEEK}.md": FRONT + markdown_body("example.org", "b", "coachnote"),
    }


# A theme that prints the week's entries too (the default PDF leaves them out): entry notes
# are Markdown as well and get the same care.
ENTRIES_IN_PRINT = """{% extends "builtin/week.html" %}
{% block content %}{{ super() }}
{% if print %}<ul class="entry-list">{% for entry in report.entries %}{{ entry_item(entry, show_date=true) }}{% endfor %}</ul>{% endif %}
{% endblock %}
"""

WORD_BOX = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')
PAGE_BOX = re.compile(r'<page width="([\d.]+)" height="[\d.]+">')


def words_by_page(pdf: Path) -> list[tuple[float, list[tuple[float, float, str]]]]:
    """(page width, [(xMin, xMax, word)]) per page, in points, from `pdftotext -bbox`."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for chunk in out.split("<page ")[1:]:
        width = float(PAGE_BOX.match("<page " + chunk).group(1))
        words = [(float(a), float(b), t.replace("&amp;", "&")) for a, b, t in WORD_BOX.findall(chunk)]
        pages.append((width, words))
    return pages


def report(tmp_path: Path, paper: str, *, entries_in_print: bool = False) -> Path:
    files = journal(paper)
    if entries_in_print:
        files["templates/week.html"] = ENTRIES_IN_PRINT
    root = make_project(tmp_path / paper, files)
    pdf = tmp_path / f"{paper}.pdf"
    code, _, err = run_cli(["report", "--project", root, "--as-of", AS_OF, "-o", pdf])
    assert code == 0, err
    return pdf


def assert_nothing_off_the_text_width(pdf: Path, paper: str) -> str:
    """Every word lies between the page's margins; returns the PDF's words run together."""
    off = []
    joined = []
    for n, (width, words) in enumerate(words_by_page(pdf), 1):
        left, right = MARGIN[paper], width - MARGIN[paper]
        off += [f"page {n}: {word[:30]!r} at x {x0:.0f}–{x1:.0f} (text width {left:.0f}–{right:.0f})"
                for x0, x1, word in words if x0 < left - 0.5 or x1 > right + 0.5]
        joined += [w for _, _, w in words]
    assert not off, "words off the page's text width:\n" + "\n".join(off)
    return "".join(joined)


@pytest.mark.pdf
@needs_pdf
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_wide_markdown_in_reflection_and_coach_notes_stays_on_the_page(tmp_path: Path, paper: str):
    pdf = report(tmp_path, paper)
    text = assert_nothing_off_the_text_width(pdf, paper)
    # broken across lines, but every character printed: nothing cut at the page edge
    for host, letter in (("example.com", "a"), ("example.org", "b")):
        assert text.count(url(host, letter)) == 1, f"the long {host} URL is not printed whole"
    assert text.count(CODE.replace(" ", "")) == 2, "the code line is not printed whole"
    assert text.count(WORD) == 2, "the long word in the nested list is not printed whole"
    # all seven columns of both tables, not just the ones that fit
    words = [w for _, ws in words_by_page(pdf) for _, _, w in ws]
    for header in HEADERS:
        assert words.count(header) == 2, f"table column {header!r} is missing"
    assert text.count("localization_7") == 2, "the last column of a table is not printed"


@pytest.mark.pdf
@needs_pdf
def test_wide_markdown_in_an_entry_note_stays_on_the_page(tmp_path: Path):
    pdf = report(tmp_path, "A4", entries_in_print=True)
    text = assert_nothing_off_the_text_width(pdf, "A4")
    assert url("example.net", "c") in text and CODE.replace(" ", "") in text and WORD in text


CHROMIUM = find_chromium()


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary on PATH")
def test_wide_markdown_does_not_widen_the_page_on_a_phone(tmp_path: Path):
    """On screen a wide Markdown table may pan inside its box, but no page scrolls sideways."""
    root = make_project(tmp_path / "p", journal("A4"))
    code, _, err = run_cli(["build", "--project", root, "--as-of", AS_OF, "--no-pdf"])
    assert code == 0, err
    with Chromium.launch(tmp_path, CHROMIUM) as browser, browser.page(390, 844, mobile=True) as page:
        for path in (f"weeks/{WEEK}.html", "people/priya.html"):
            page.goto((root / "site" / path).resolve().as_uri())
            res = page.evaluate("""(() => ({
                vw: document.documentElement.clientWidth, sw: document.documentElement.scrollWidth,
                tables: document.querySelectorAll('.md-table').length,
                panning: [...document.querySelectorAll('.md-table')].every(
                    w => w.scrollWidth > w.clientWidth)}))()""")
            assert res["sw"] <= res["vw"] + 1, f"{path} is {res['sw']} px wide on a {res['vw']} px phone"
            assert res["tables"] >= 2 and res["panning"], f"{path}: a wide table was squeezed instead of panning in its box"


def test_person_page_says_1_day_ago(tmp_path: Path):
    root = make_project(tmp_path, {
        "reflect.yaml": "owner: Alex\n",
        "journal/people.yaml": "priya: {name: Priya Shah, level: peer}\n",
        "journal/x.yaml": "- {date: 2026-11-26, with: priya, gave: One}\n",
    })
    code, _, err = run_cli(["build", "--project", root, "--as-of", AS_OF, "--no-pdf"])
    assert code == 0, err
    page = (root / "site" / "people" / "priya.html").read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Last exchange 1 day ago" in text
    assert "1 days" not in text
