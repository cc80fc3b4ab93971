"""The Python versions of `_entry.html` and `_finding.html` write exactly what the templates write.

The default theme renders entries and findings in Python (reflect/partials.py) because a large
site renders them tens of thousands of times; the templates stay the definition and the
override point.  If a template changes, these tests fail until the Python version follows.
"""
from __future__ import annotations

import datetime as dt
import itertools
import shutil
from pathlib import Path

import pytest

from conftest import REPO_ROOT, make_project, run_cli
from reflect.build import Site
from reflect.partials import entry_html, finding_html
from reflect.project import load_project
from reflect.report import report_weeks, week_report

AS_OF = dt.date(2026, 11, 27)
PAGES = ("weeks/2026-W48.html", "people/dana.html", "index.html")

PEOPLE = """\
dana: {name: Dana Kim, level: peer}
o-neil: {name: "Pat O'Neil & <Sons>", level: senior}
ext: {name: "Zoë \\"Z\\" Ng", level: external}
"""

HOSTILE = """\
- date: 2026-11-16
  with: [dana, o-neil]
  gave: "<script>alert(1)</script> & a \\"quoted\\" review"
  size: large
  public: true
  tags: [a&b, "<x>", plain]
  note: |
    **Bold**, a [link](https://example.org/?a=1&b=2), `code <b>`, and <i>raw html</i>.

    - one
    - [bad](javascript:alert(1))
- date: 2026-11-17
  with: ext
  asked: Review of the 'pricing' page
  outcome: helped
  acknowledged: private
- {date: 2026-11-17, with: dana, asked: 'A second look, "soon"', outcome: declined}
- date: 2026-11-18
  with: dana
  promised: Send the checklist
  due: 2026-11-20
  kept: 2026-11-19
- date: 2026-11-19
  with: o-neil
  promised: Intro to the data team
  due: 2026-11-30
  dropped: 2026-11-24
- date: 2026-11-20
  with: dana
  received: Notes from the interviews
  tags: [private]
  note: Only for me.
- date: 2026-11-21
  with: ext
  thanked: Thanked Zoë at the all-hands
  public: true
- {date: 2026-12-02, with: dana, asked: "Co-host the session <soon>", planned: true}
"""


def _site_of(root: Path) -> tuple[Site, list, list]:
    project = load_project(root)
    assert not project.diagnostics, project.diagnostics
    site = Site(project, AS_OF)
    findings = list(site.findings)
    for week in report_weeks(project, AS_OF)[-8:]:
        findings += week_report(project, week, AS_OF).findings
    return site, list(project.journal.entries), findings


def _compare(site: Site, entries: list, findings: list) -> int:
    entry_t = site.env.from_string('{% import "_macros.html" as m with context %}{% include "_entry.html" %}')
    finding_t = site.env.from_string('{% import "_macros.html" as m with context %}{% include "_finding.html" %}')
    base = site.base
    compared = 0
    for entry, page, print_, show_date in itertools.product(entries, PAGES, (False, True), (False, True, "year")):
        ctx = dict(base, page_path=page, print=print_, entry=entry)
        if show_date:
            ctx["show_date"] = show_date
        expected = entry_t.render(ctx)
        got = entry_html(entry, show_date, names=site.names, person_href=site.person_href, page_path=page,
                         print_=print_, act_words=base["act_words"], plan_words=base["plan_words"])
        assert got == expected, (entry.source, page, print_, show_date)
        compared += 1
    for finding, page, print_ in itertools.product(findings, PAGES, (False, True)):
        expected = finding_t.render(dict(base, page_path=page, print=print_, finding=finding))
        got = finding_html(finding, rules=site.rules, names=site.names, person_href=site.person_href,
                           page_path=page, print_=print_, severity_words=base["severity_words"],
                           print_evidence=base["print_evidence"])
        assert got == expected, (finding.code, finding.people, page, print_)
        compared += 1
    # person_link / people_links (the globals the pages call) against the macros they replace
    macro_t = site.env.from_string('{% import "_macros.html" as m with context %}{{ m.person(pid) }}|{{ m.people_list(pids) }}')
    global_t = site.env.from_string("{{ person_link(pid) }}|{{ people_links(pids) }}")
    pids = sorted(site.names) + ["not-in-people.yaml"]
    for pid, page in itertools.product(pids, PAGES):
        ctx = dict(base, page_path=page, print=False, pid=pid, pids=[pid, pids[0], "x<y"])
        expected = macro_t.render(ctx)
        assert global_t.render(ctx) == expected, (pid, page)
        assert "<a href=" in expected or pid not in site.person_href
        compared += 1
    return compared


def test_every_entry_and_finding_of_the_example_renders_the_same_in_python(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(REPO_ROOT / "journal", root / "journal")
    shutil.copy(REPO_ROOT / "reflect.yaml", root / "reflect.yaml")
    site, entries, findings = _site_of(root)
    assert len(entries) > 100 and len(findings) > 50
    assert _compare(site, entries, findings) > 1000


def test_hostile_text_renders_the_same_in_python(tmp_path: Path) -> None:
    root = make_project(tmp_path, {
        "reflect.yaml": "owner: Alex Rivera\n",
        "journal/people.yaml": PEOPLE,
        "journal/2026/11.yaml": HOSTILE,
    })
    site, entries, findings = _site_of(root)
    assert len(entries) == 8 and findings
    _compare(site, entries, findings)
    # and the escaping really happened (a comparison of two wrong outputs would also pass)
    html = entry_html(entries[0], True, names=site.names, person_href=site.person_href, page_path=PAGES[0],
                      print_=False, act_words=site.base["act_words"], plan_words=site.base["plan_words"])
    assert "<script>" not in html and "&lt;script&gt;" in html and 'href="javascript:' not in html
    assert "Pat O&#39;Neil &amp; &lt;Sons&gt;" in html and "#a&amp;b" in html


@pytest.mark.parametrize("partial", ["_entry.html", "_finding.html", "_macros.html"])
def test_an_overridden_partial_is_rendered_from_the_projects_template(tmp_path: Path, partial: str) -> None:
    root = tmp_path / "p"
    shutil.copytree(REPO_ROOT / "journal", root / "journal")
    shutil.copy(REPO_ROOT / "reflect.yaml", root / "reflect.yaml")
    (root / "templates").mkdir()
    text = (REPO_ROOT / "templates" / partial).read_text("utf-8")
    if partial == "_macros.html":   # a different person link: entries and findings both use it
        text = text.replace('<a href="{{ person_href[pid]|rel }}">', '<a class="house" href="{{ person_href[pid]|rel }}">')
    else:
        text = text.replace("<li class=", '<li data-house="1" class=').replace("<article class=",
                                                                                '<article data-house="1" class=')
    (root / "templates" / partial).write_text(text, "utf-8")
    code, _, err = run_cli(["build", "--project", root, "--as-of", "2026-11-27", "--no-pdf"])
    assert code == 0, err
    week = (root / "site" / "weeks" / "2026-W47.html").read_text("utf-8")
    person = (root / "site" / "people" / "dana.html").read_text("utf-8")
    if partial == "_entry.html":
        assert week.count('<li data-house="1"') > 5 and person.count('<li data-house="1"') > 5
        assert "<article data-house" not in week
    elif partial == "_finding.html":
        assert week.count('<article data-house="1"') > 3 and person.count('<article data-house="1"') >= 1
        assert "<li data-house" not in week
    else:
        entries_part = week.split('id="entries"')[1]
        findings_part = week.split('id="findings"')[1].split('id="plan"')[0]
        assert 'class="house"' in entries_part and 'class="house"' in findings_part
        # and where the pages call the person macro themselves (questions, network table,
        # relationships, plan), on the dashboard and the people list
        for section in ("questions", "network", "relationships"):
            part = week.split(f'id="{section}"')[1].split("</section>")[0]
            assert 'class="house"' in part, section
        for page in ("index.html", "people/index.html"):
            assert 'class="house"' in (root / "site" / page).read_text("utf-8"), page


def test_an_error_in_an_overridden_partial_names_its_file_and_line(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(REPO_ROOT / "journal", root / "journal")
    shutil.copy(REPO_ROOT / "reflect.yaml", root / "reflect.yaml")
    (root / "templates").mkdir()
    (root / "templates" / "_entry.html").write_text('<li>\n{{ entry.whaat }}\n</li>\n', "utf-8")
    code, _, err = run_cli(["build", "--project", root, "--as-of", "2026-11-27", "--no-pdf"])
    assert code == 1
    assert err.startswith("reflect: templates/_entry.html:2: undefined variable:"), err
    assert "Traceback" not in err


def test_an_overriding_partial_sees_the_variables_an_include_in_the_loop_saw(tmp_path: Path) -> None:
    # the person timeline's `item` and the dashboard's `report` reached an {% include %} in the loop
    root = tmp_path / "p"
    shutil.copytree(REPO_ROOT / "journal", root / "journal")
    shutil.copy(REPO_ROOT / "reflect.yaml", root / "reflect.yaml")
    (root / "templates").mkdir()
    entry = (REPO_ROOT / "templates" / "_entry.html").read_text("utf-8").replace(
        "<li class=", '<li data-dir="{% if item is defined %}{{ item.direction }}{% endif %}" data-n="{{ loop.index }}" class=')
    finding = (REPO_ROOT / "templates" / "_finding.html").read_text("utf-8").replace(
        "<article class=", '<article data-week="{% if report is defined %}{{ report.week }}{% endif %}" class=')
    (root / "templates" / "_entry.html").write_text(entry, "utf-8")
    (root / "templates" / "_finding.html").write_text(finding, "utf-8")
    code, _, err = run_cli(["build", "--project", root, "--as-of", "2026-11-27", "--no-pdf"])
    assert code == 0, err
    person = (root / "site" / "people" / "aisha.html").read_text("utf-8")
    assert '<li data-dir="invested" data-n="1" class=' in person
    week = (root / "site" / "weeks" / "2026-W47.html").read_text("utf-8")
    assert '<li data-dir="" data-n="2" class=' in week
    index = (root / "site" / "index.html").read_text("utf-8")
    assert '<article data-week="2026-W48" class=' in index


def test_printed_evidence_names_each_file_once_for_its_lines() -> None:
    from types import SimpleNamespace

    from reflect.errors import Source
    from reflect.partials import evidence_refs

    evidence = [SimpleNamespace(source=Source(path, line)) for path, line in
                [("journal/2026/09.yaml", 28), ("journal/2026/09.yaml", 61), ("journal/2026/10.yaml", 4),
                 ("journal/2026/09.yaml", 90), ("journal/2026/11.yaml", 7)]]
    assert evidence_refs(evidence, 5) == [("journal/2026/09.yaml", "28, 61"), ("journal/2026/10.yaml", "4"),
                                          ("journal/2026/09.yaml", "90"), ("journal/2026/11.yaml", "7")]
    # in the findings' order, never merged across; the latest `limit` of them
    assert evidence_refs(evidence, 4) == [("journal/2026/09.yaml", "61"), ("journal/2026/10.yaml", "4"),
                                          ("journal/2026/09.yaml", "90"), ("journal/2026/11.yaml", "7")]
    assert evidence_refs(evidence, 1) == [("journal/2026/11.yaml", "7")]
    assert evidence_refs([], 4) == []
