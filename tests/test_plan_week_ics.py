"""`reflect plan`, `reflect week` and plan.ics on small journals a user could write."""
from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest

from reflect.cli import main
from reflect.console import Console

REPO = Path(__file__).resolve().parent.parent

PEOPLE = """\
priya: {name: Priya Shah, level: peer}
sam: {name: Sam Okafor, level: senior}
jo: {name: Jo Park, level: junior}
"""


def _project(tmp_path: Path, entries: str) -> Path:
    (tmp_path / "journal").mkdir()
    (tmp_path / "journal" / "people.yaml").write_text(PEOPLE)
    (tmp_path / "journal" / "log.yaml").write_text(entries)
    (tmp_path / "reflect.yaml").write_text("owner: Test Owner\n")
    return tmp_path


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, Console(out=out, err=err, color=False))
    return code, out.getvalue(), err.getvalue()


LOPSIDED = """\
- {date: 2026-11-02, with: priya, gave: Reviewed the roadmap deck, size: medium}
- {date: 2026-11-09, with: priya, gave: Covered the steering meeting, size: medium}
- {date: 2026-11-03, with: sam, received: Air cover in the exec review, size: medium}
- {date: 2026-11-10, with: sam, asked: Budget sign-off, outcome: helped, size: medium}
"""


def test_plan_suggests_give_where_taken_and_ask_where_given(tmp_path):
    root = _project(tmp_path, LOPSIDED)
    code, out, _ = _run(["plan", "--project", str(root), "--as-of", "2026-11-25"])
    assert code == 0
    give_line = next(l for l in out.splitlines() if l.strip().startswith("Give:"))
    ask_line = next(l for l in out.splitlines() if l.strip().startswith("Ask:"))
    assert "Sam Okafor" in give_line      # you have taken from Sam: give back
    assert "Priya Shah" in ask_line       # you have given to Priya: ask
    assert "why:" in out
    # without --yes on a non-terminal nothing is written
    assert (root / "journal" / "log.yaml").read_text() == LOPSIDED


def test_plan_says_when_the_week_is_already_covered(tmp_path):
    root = _project(tmp_path, LOPSIDED + "- {date: 2026-11-24, with: jo, gave: Coaching session}\n"
                                        "- {date: 2026-11-26, with: sam, asked: Feedback on goals, planned: true}\n")
    code, out, _ = _run(["plan", "--project", str(root), "--as-of", "2026-11-25"])
    assert code == 0
    assert "already done" in out and "already planned" in out
    assert "Nothing to write" in out


def test_plan_refuses_an_invalid_journal(tmp_path):
    root = _project(tmp_path, "- {date: 2026-11-02, with: nobody, gave: x}\n")
    code, _, err = _run(["plan", "--project", str(root), "--as-of", "2026-11-25"])
    assert code == 1
    assert "unknown person 'nobody'" in err


def test_week_fits_80_columns_and_has_every_part(tmp_path):
    dest = tmp_path / "p"
    shutil.copytree(REPO / "journal", dest / "journal")
    shutil.copy(REPO / "reflect.yaml", dest / "reflect.yaml")
    code, out, _ = _run(["week", "--project", str(dest), "--as-of", "2026-11-27"])
    assert code == 0
    assert all(len(line) <= 80 for line in out.splitlines()), max(out.splitlines(), key=len)
    for part in ("The three questions", "This week's two relationships", "Findings", "Plan", "2026-W48"):
        assert part in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_week_rejects_a_bad_week(tmp_path):
    root = _project(tmp_path, LOPSIDED)
    code, _, err = _run(["week", "2026-W99", "--project", str(root), "--as-of", "2026-11-25"])
    assert code == 2 and "2026 has no week 99" in err


def test_ics_holds_planned_acts_and_open_promises(tmp_path):
    icalendar = pytest.importorskip("icalendar")
    from reflect.ics import plan_calendar
    from reflect.project import load_project

    root = _project(tmp_path, LOPSIDED
                    + "- {date: 2026-11-26, with: sam, asked: Feedback on goals, planned: true}\n"
                    + "- {date: 2026-11-30, with: jo, gave: Pair on the survey, planned: true}\n"
                    + "- {date: 2026-11-20, with: priya, promised: Share the churn data, due: 2026-11-27}\n"
                    + "- {date: 2026-11-20, with: priya, promised: Kept one, due: 2026-11-27, kept: 2026-11-21}\n"
                    + "- {date: 2026-06-01, with: jo, gave: Old plan far away, planned: true}\n")
    data = plan_calendar(load_project(root), dt.date(2026, 11, 25))
    cal = icalendar.Calendar.from_ical(data)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert any("Sam Okafor" in s and s.startswith("Ask") for s in events)
    assert any("Jo Park" in s and "Pair on the survey" in s for s in events)
    assert any(s.startswith("Promise due") and "Share the churn data" in s for s in events)
    assert not any("Kept one" in s or "Old plan" in s for s in events)
    ask = next(e for s, e in events.items() if "Sam Okafor" in s)
    assert ask.decoded("dtstart") == dt.date(2026, 11, 26)
    # reproducible: same journal, same date, same bytes
    assert plan_calendar(load_project(root), dt.date(2026, 11, 25)) == data


def test_build_writes_plan_ics_and_links_it(tmp_path):
    icalendar = pytest.importorskip("icalendar")
    dest = tmp_path / "p"
    shutil.copytree(REPO / "journal", dest / "journal")
    shutil.copy(REPO / "reflect.yaml", dest / "reflect.yaml")
    code, _, err = _run(["build", "--project", str(dest), "--as-of", "2026-11-27", "--no-pdf"])
    assert code == 0, err
    ics = dest / "site" / "plan.ics"
    cal = icalendar.Calendar.from_ical(ics.read_bytes())
    summaries = [str(e["summary"]) for e in cal.walk("VEVENT")]
    assert any("Henrik Dahl" in s for s in summaries)       # the example's planned ask for 2026-12-01
    assert 'href="plan.ics"' in (dest / "site" / "index.html").read_text()


def test_plan_suggests_an_ask_even_with_a_single_colleague(tmp_path):
    (tmp_path / "journal").mkdir()
    (tmp_path / "journal" / "people.yaml").write_text("priya: {name: Priya Shah, level: peer}\n")
    (tmp_path / "journal" / "log.yaml").write_text("- {date: 2026-11-27, with: priya, gave: Reviewed her deck}\n")
    code, out, _ = _run(["plan", "--project", str(tmp_path), "--as-of", "2026-11-27"])
    assert code == 0
    ask = next(l for l in out.splitlines() if l.strip().startswith("Ask:"))
    assert "Priya Shah" in ask


NEW_YEAR = """\
- {date: 2025-12-30, with: priya, gave: Reviewed the year-end numbers}
- {date: 2026-01-02, with: sam, asked: Budget sign-off, outcome: helped}
"""


def test_a_week_across_new_year_names_both_years_everywhere(tmp_path):
    root = _project(tmp_path, NEW_YEAR)
    code, out, err = _run(["week", "--project", str(root), "--as-of", "2026-01-02"])
    assert code == 0, err
    assert "2026-W01 · 29 Dec 2025 – 4 Jan 2026" in out
    code, out, err = _run(["plan", "--project", str(root), "--as-of", "2026-01-02"])
    assert "Homework for 2026-W01 (Mon 29 Dec 2025 – Sun 4 Jan 2026)" in out, out + err
    code, out, err = _run(["build", "--no-pdf", "--project", str(root), "--as-of", "2026-01-02"])
    assert code == 0, err
    assert "Mon 29 Dec 2025 – Sun 4 Jan 2026" in (root / "site" / "weeks" / "2026-W01.html").read_text()
    assert "29 Dec 2025 – 4 Jan 2026" in (root / "site" / "weeks" / "index.html").read_text()
    # a week inside one year names it once
    code, out, err = _run(["week", "2025-W51", "--project", str(root), "--as-of", "2026-01-02"])
    assert "2025-W51 · 15 Dec – 21 Dec 2025" in out, out + err


def test_the_week_of_the_last_date_the_journal_takes_can_be_named(tmp_path):
    root = _project(tmp_path, NEW_YEAR)
    code, out, err = _run(["week", "3000-W01", "--project", str(root), "--as-of", "2999-12-31"])
    assert code == 0, err
    assert "3000-W01 · 30 Dec 2999 – 5 Jan 3000" in out
    code, _, err = _run(["week", "3000-W02", "--project", str(root), "--as-of", "2999-12-31"])
    assert code == 2 and "choose a week between 1900 and 2999" in err


# --- what has happened by --as-of; next week's plan; a week away -------------------------------------


def test_an_entry_after_as_of_is_not_done_yet(tmp_path):
    """As of Monday, Wednesday's ask has not happened: plan offers an ask, the homework rule fires,
    as `reflect week` already counted it.  A planned entry later in the week does count."""
    week = ("- {date: 2026-11-23, with: priya, gave: Monday give}\n"
            "- {date: 2026-11-25, with: sam, asked: Wednesday ask, outcome: helped}\n")
    root = _project(tmp_path, LOPSIDED + week)
    code, out, _ = _run(["plan", "--project", str(root), "--as-of", "2026-11-23"])
    assert "Give: already done" in out and "Ask: already" not in out, out
    code, out, _ = _run(["check", "--project", str(root), "--as-of", "2026-11-23"])
    assert "R203 homework-missing" in out
    assert "R203" not in _run(["check", "--project", str(root), "--as-of", "2026-11-25"])[1]
    planned = week.replace("outcome: helped", "planned: true")
    (tmp_path / "b").mkdir()
    root2 = _project(tmp_path / "b", LOPSIDED + planned)
    assert "Ask: already planned" in _run(["plan", "--project", str(root2), "--as-of", "2026-11-23"])[1]
    assert "R203" not in _run(["check", "--project", str(root2), "--as-of", "2026-11-23"])[1]


def test_add_refuses_a_date_ahead_unless_it_is_a_plan(tmp_path):
    root = _project(tmp_path, LOPSIDED)
    code, _, err = _run(["add", "gave", "priya", "Later", "--date", "2026-12-02", "--as-of", "2026-11-25",
                         "--project", str(root)])
    assert code == 2 and "--planned" in err
    assert (root / "journal" / "log.yaml").read_text() == LOPSIDED
    assert _run(["add", "gave", "priya", "Later", "--date", "2026-12-02", "--as-of", "2026-11-25", "--planned",
                 "--project", str(root)])[0] == 0


def test_plan_next_records_what_the_week_page_suggests_for_next_week(tmp_path):
    root = _project(tmp_path, LOPSIDED + "- {date: 2026-11-23, with: jo, gave: Coaching session}\n"
                                        "- {date: 2026-11-24, with: jo, asked: Notes, outcome: helped}\n")
    args = ["--project", str(root), "--as-of", "2026-11-27"]
    site = root / "site"
    assert _run(["build", "--no-pdf", *args])[0] == 0
    page = (site / "weeks" / "2026-W48.html").read_text("utf-8")
    assert "<code>reflect plan --next --yes</code>" in page
    assert "Nothing to write: this week" in _run(["plan", *args])[1]      # this week is covered
    code, out, _ = _run(["plan", "--next", "--yes", *args])
    assert code == 0 and "Homework for 2026-W49" in out
    assert out.count("2026-11-30") == 2, out                         # both dated on next week's first day
    code, out, _ = _run(["plan", "--next", *args])
    assert "Nothing to write: next week's give and ask are covered." in out
    # the page lists those plans and no longer suggests a second give and ask on top of them
    assert _run(["build", "--no-pdf", *args])[0] == 0
    page = (site / "weeks" / "2026-W48.html").read_text("utf-8")
    card = page[page.index('class="card plan-next"'):]
    card = card[:card.index("</div>")]
    assert card.count("<li") == 2 and card.count("planned ·") == 2, card
    assert "reflect plan --next --yes" not in card


def test_a_week_away_is_not_missed_homework(tmp_path):
    root = _project(tmp_path, LOPSIDED + "- {date: 2026-11-24, with: jo, gave: Coaching session}\n")
    (root / "reflect.yaml").write_text("owner: Test Owner\naway:\n  - {from: 2026-11-14, to: 2026-11-22}\n")
    args = ["--project", str(root), "--as-of", "2026-11-27"]
    out = _run(["week", *args])[1]
    assert "last week (2026-W47): you were away, no homework was due" in out
    assert _run(["build", "--no-pdf", *args])[0] == 0
    page = (root / "site" / "weeks" / "2026-W48.html").read_text("utf-8")
    last = page[page.index('class="card plan-last"'):]
    last = last[:last.index("</div>")]
    assert "You were away that week" in last and "missed" not in last


def test_homework_missing_says_yet_only_while_the_week_has_days_left(tmp_path):
    root = _project(tmp_path, LOPSIDED)
    # Sunday, the week's last day (and the day a report of a week gone by is judged on)
    out = _run(["check", "--project", str(root), "--as-of", "2026-11-29"])[1]
    assert "has no give and no ask, done or planned" in out.replace("\n      ", " ")
    out = _run(["check", "--project", str(root), "--as-of", "2026-11-25"])[1]
    assert "has no give and no ask yet" in out.replace("\n      ", " ")


def test_a_week_away_with_one_act_done_still_misses_nothing(tmp_path):
    root = _project(tmp_path, LOPSIDED + "- {date: 2026-11-21, with: jo, gave: Saturday help}\n")
    (root / "reflect.yaml").write_text("owner: Test Owner\naway:\n  - {from: 2026-11-16, to: 2026-11-20}\n")
    args = ["--project", str(root), "--as-of", "2026-11-27"]
    assert "last week (2026-W47): give done, ask not due (away)" in _run(["week", *args])[1]
    assert _run(["build", "--no-pdf", *args])[0] == 0
    page = (root / "site" / "weeks" / "2026-W48.html").read_text("utf-8")
    last = page[page.index('class="card plan-last"'):]
    last = last[:last.index("</div>")]
    assert "One act of giving <span class=\"status\">done" in last and "away: not due" in last
    assert "missed" not in last
