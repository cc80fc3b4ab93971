"""What a week's report says must be true of the journal: counts, captions, the plan's labels and
reasons, and the same person named where two sections break a tie.  Each case here was a report
that said something wrong or contradictory about a valid journal."""
from __future__ import annotations

import html
import re
from pathlib import Path

from conftest import make_project, run_cli

AS_OF = "2026-11-27"   # a Friday in 2026-W48 (23–29 Nov)


def _project(tmp_path: Path, people: str, entries: str) -> Path:
    return make_project(tmp_path, {"reflect.yaml": "owner: Alex\n", "journal/people.yaml": people,
                                   "journal/x.yaml": entries})


def _week_text(root: Path, week: str = "2026-W48", section: str | None = None) -> str:
    """A built week page as text (tags dropped, spaces squeezed), or one of its sections."""
    code, _, err = run_cli(["build", "--no-pdf", "--project", root, "--as-of", AS_OF])
    assert code == 0, err
    page = (root / "site" / "weeks" / f"{week}.html").read_text()
    if section is not None:
        start = page.index(f'<section id="{section}"')
        page = page[start:page.index("</section>", start)]
    page = re.sub(r"<(?:br|/?(?:li|p|h\d|div|ul|section))\b[^>]*>", " ", page)   # blocks apart, inline joined
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))


def _week_cli(root: Path, *args: str) -> tuple[int, str, str]:
    """`reflect week`, its output with the lines wrapped for the terminal joined again."""
    code, out, err = run_cli(["week", *args, "--project", root, "--as-of", AS_OF])
    return code, re.sub(r"\s+", " ", out), err


def test_the_network_caption_counts_everyone_and_says_the_map_shows_the_busiest(tmp_path):
    people = "".join(f"p{i:02d}: {{name: Person {i:02d}, level: {('senior', 'peer', 'junior')[i % 3]}}}\n"
                     for i in range(30))
    entries = "".join(f"- {{date: 2026-11-2{3 + i % 4}, with: p{i:02d}, gave: Help {i}}}\n" for i in range(30))
    text = _week_text(_project(tmp_path, people, entries), section="network")
    assert "30 people in the last 12 weeks (10 seniors, 10 peers, 10 juniors)" in text, text
    assert "the map shows the 24 busiest" in text


def test_no_busiest_relationship_when_nothing_was_exchanged(tmp_path):
    root = _project(tmp_path, "ann: {name: Ann Bell, level: peer}\n",
                    "- {date: 2026-11-24, with: ann, promised: Intro to the data team, due: 2026-12-04}\n")
    text = _week_text(root, section="network")
    assert "1 person in the last 12 weeks (1 peer)." in text, text
    assert "busiest" not in text


def test_a_promise_kept_this_week_is_a_give_of_this_week(tmp_path):
    root = _project(tmp_path, "priya: {name: Priya Shah, level: peer}\n",
                    "- {date: 2026-11-02, with: priya, promised: Send the deck, due: 2026-11-10, kept: 2026-11-24}\n"
                    "- {date: 2026-11-23, with: priya, gave: Monday coffee}\n"
                    "- {date: 2026-11-26, with: priya, gave: Thursday review}\n")
    code, out, err = _week_cli(root)
    assert code == 0, err
    assert "gives 3 " in out, out
    entries = _week_text(root, section="entries")
    assert "You promised Priya Shah: Send the deck" in entries and "kept 24 Nov" in entries
    # listed on the day it was kept: after Monday's entry, before Thursday's
    assert entries.index("Monday coffee") < entries.index("Send the deck") < entries.index("Thursday review")
    # the week it was made shows the promise, but no give yet
    code, out, _ = _week_cli(root, "2026-W45")
    assert "gives 0 " in out, out


def test_plans_for_the_rest_of_this_week_are_not_listed_as_next_weeks(tmp_path):
    root = _project(tmp_path, "priya: {name: Priya Shah, level: peer}\nsam: {name: Sam Lee, level: senior}\n",
                    "- {date: 2026-11-20, with: priya, gave: Coffee chat}\n"
                    "- {date: 2026-11-26, with: sam, asked: This week ask, planned: true}\n"
                    "- {date: 2026-11-30, with: priya, gave: Next week give, planned: true}\n")
    text = _week_text(root, section="plan")
    nxt, _, now = text.partition("Still open this week (2026-W48)")
    assert "Next week (2026-W49)" in nxt and "Next week give planned · Mon 30 Nov" in nxt
    assert "This week ask" not in nxt, text
    assert "This week ask overdue · Thu 26 Nov" in now, text
    code, out, _ = _week_cli(root)
    assert "This week ask (overdue)" in out, out


def test_a_week_before_the_journal_began_is_not_called_missed(tmp_path):
    root = _project(tmp_path, "ann: {name: Ann Bell, level: peer}\n",
                    "- {date: 2026-11-26, with: ann, gave: Reviewed her deck}\n")
    text = _week_text(root, section="plan")
    assert "Your journal has nothing before this week to look back on" in text and "missed" not in text, text
    code, out, _ = _week_cli(root)
    assert "last week (2026-W47): before your journal starts" in out and "missed" not in out, out


def test_a_suggested_give_says_how_long_it_has_been_and_names_the_person_once(tmp_path):
    root = _project(tmp_path, "ann: {name: Ann Bell, level: peer}\n",
                    "- {date: 2026-11-26, with: ann, gave: Reviewed her deck}\n")
    code, out, _ = _week_cli(root)
    assert "Your last exchange with Ann Bell was yesterday" in out, out
    assert "for a while" not in out
    text = _week_text(root, section="plan")
    assert "Give: A small, useful gesture for Ann Bell Why:" in text, text
    assert "(Ann Bell)" not in text


def test_a_tie_names_the_same_person_in_the_relationships_and_the_plan(tmp_path):
    root = _project(tmp_path, "ann: {name: Ann Bell, level: peer}\nzoe: {name: Zoe Ward, level: peer}\n",
                    "- {date: 2026-11-23, with: zoe, received: Help Z}\n"
                    "- {date: 2026-11-24, with: ann, received: Help A}\n")
    code, out, _ = _week_cli(root)
    assert "suggested give: Something useful for Ann Bell" in out, out
    rel = _week_text(root, section="relationships")
    assert "Ann Bell" in rel and "Zoe Ward" not in rel, rel


def test_week_refuses_a_week_that_has_not_started(tmp_path):
    root = _project(tmp_path, "ann: {name: Ann Bell, level: peer}\n",
                    "- {date: 2026-11-26, with: ann, gave: Reviewed her deck}\n")
    code, out, err = _week_cli(root, "2027-W09")
    assert code == 2 and "2027-W09 starts after 2026-11-27" in err and out == ""


def test_names_in_a_sentence_are_listed_with_and(tmp_path):
    people = "".join(f"{n}: {{name: {n.title()} Bell, level: peer}}\n" for n in ("ann", "bo", "cy", "di", "ed"))
    two = "".join(f"- {{date: 2026-11-2{i + 3}, with: {n}, gave: Help}}\n" for i, n in enumerate(("ann", "bo")))
    code, out, _ = _week_cli(_project(tmp_path / "two", people, two))
    assert "You helped Ann Bell and Bo Bell in the last four weeks." in out, out
    five = "".join(f"- {{date: 2026-11-2{i % 4 + 3}, with: {n}, gave: Help}}\n"
                   for i, n in enumerate(("ann", "bo", "cy", "di", "ed")))
    code, out, _ = _week_cli(_project(tmp_path / "five", people, five))
    assert "You helped Ann Bell, Bo Bell, Cy Bell and 2 more in the last four weeks." in out, out


def test_rhythm_strips_follow_weeks_that_start_on_sunday(tmp_path):
    root = make_project(tmp_path, {
        "reflect.yaml": "owner: Alex\nweek_start: sunday\n",
        "journal/people.yaml": "ann: {name: Ann Bell, level: peer}\n",
        # Sun 15 Nov is in the week of 15–21 Nov; Sun 22 and Mon 23 Nov are both in 2026-W48 (22–28 Nov)
        "journal/x.yaml": "- {date: 2026-11-15, with: ann, gave: A}\n- {date: 2026-11-22, with: ann, gave: B}\n"
                          "- {date: 2026-11-23, with: ann, gave: C}\n"})
    code, _, err = run_cli(["build", "--no-pdf", "--project", root, "--as-of", AS_OF])
    assert code == 0, err
    for page in ("people/ann.html", "weeks/2026-W48.html"):
        text = (root / "site" / page).read_text()
        assert "Active in 2 of 52 weeks" in text, page
        assert "2026-W48: 2 exchanges" in text, page


def test_a_person_page_as_of_a_date_shows_no_later_exchange_but_later_plans(tmp_path):
    root = _project(tmp_path, "ann: {name: Ann Bell, level: peer}\n",
                    "- {date: 2026-11-20, with: ann, gave: Reviewed her deck}\n"
                    "- {date: 2027-03-01, with: ann, gave: Not happened yet}\n"
                    "- {date: 2027-03-02, with: ann, asked: Lunch in March, planned: true}\n")
    code, _, err = run_cli(["build", "--no-pdf", "--project", root, "--as-of", AS_OF])
    assert code == 0, err
    page = (root / "site" / "people" / "ann.html").read_text()
    assert "Reviewed her deck" in page and "Lunch in March" in page
    assert "Not happened yet" not in page
    # the people list counts the same two
    people = (root / "site" / "people" / "index.html").read_text()
    assert re.search(r'Ann Bell</a></th>(?:<td[^>]*>[^<]*</td>){3}<td class="num">2</td>', people), people


def test_the_homework_notice_counts_acts_of_giving_not_gives(tmp_path):
    root = _project(tmp_path, "ann: {name: Ann Bell, level: peer}\n",
                    "- {date: 2026-11-24, with: ann, promised: Intro to the data team, due: 2026-12-04}\n"
                    "- {date: 2026-11-25, with: ann, thanked: At the all-hands, public: true}\n")
    code, out, err = run_cli(["check", "--project", root, "--as-of", AS_OF])
    text = re.sub(r"\s+", " ", out)
    assert "2 acts of giving and 0 asks this week, done or planned" in text, text


def test_a_persons_timeline_gives_each_entry_its_year(tmp_path):
    root = _project(tmp_path, "ann: {name: Ann Bell, level: peer}\n",
                    "- {date: 2025-12-27, with: ann, gave: Year-end review}\n"
                    "- {date: 2026-01-05, with: ann, asked: New year plan, outcome: helped}\n")
    code, _, err = run_cli(["build", "--no-pdf", "--project", root, "--as-of", AS_OF])
    assert code == 0, err
    page = (root / "site" / "people" / "ann.html").read_text()
    assert ">Sat 27 Dec 2025</time>" in page and ">Mon 5 Jan 2026</time>" in page


def test_the_plans_person_link_is_on_the_name_not_inside_a_word(tmp_path):
    root = _project(tmp_path, "so: {name: So, level: peer}\n", "- {date: 2026-11-24, with: so, received: Help}\n")
    code, _, err = run_cli(["build", "--no-pdf", "--project", root, "--as-of", AS_OF])
    assert code == 0, err
    page = (root / "site" / "weeks" / "2026-W48.html").read_text()
    plan = page[page.index('<section id="plan"'):]
    assert re.search(r"Something useful for <a [^>]*>So</a>, unasked", plan), plan[:1500]
