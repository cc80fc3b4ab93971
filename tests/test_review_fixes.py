"""Regression tests for review findings: week neighbours with Sunday weeks, the words for what was
drawn, past-week reports that must not see later entries, plurals, `reflect done` and `reflect plan`."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from conftest import make_project, position_of, run_cli

from reflect.project import load_project
from reflect.report import week_bounds, week_of, week_report
from reflect.rules import run_rules

D = dt.date.fromisoformat

PEOPLE = """\
priya: {name: Priya Shah, level: peer}
sam: {name: Sam Okafor, level: senior}
jo: {name: Jo Park, level: junior}
"""


def _project(tmp_path: Path, entries: str, config: str = "owner: Test Owner\n", people: str = PEOPLE):
    files = {"reflect.yaml": config, "journal/people.yaml": people}
    if entries is not None:
        files["journal/log.yaml"] = entries
    root = make_project(tmp_path, files)
    project = load_project(root, use_cache=False)
    assert not project.diagnostics, [str(d) for d in project.diagnostics]
    return root, project


def _findings(project, as_of: str, rule: str):
    return [f for f in run_rules(project.journal, project.ledger, project.config, D(as_of), only=[rule])]


# 1. Sunday-started weeks ------------------------------------------------------------------------

def test_sunday_weeks_link_to_their_neighbours(tmp_path):
    entries = "".join(f"- {{date: 2026-{m}, with: priya, gave: Favour {i}}}\n"
                      for i, m in enumerate(["10-25", "11-01", "11-08", "11-15", "11-22"]))
    _, project = _project(tmp_path, entries, "owner: T\nweek_start: sunday\n")
    as_of = D("2026-11-27")
    r = week_report(project, "2026-W47", as_of)
    assert (r.start, r.end) == (D("2026-11-15"), D("2026-11-21"))
    assert r.prev_week == "2026-W46" and r.next_week == "2026-W48"
    assert r.plan.last_week == "2026-W46" and r.plan.next_week == "2026-W48"
    # every trend week is a report week, ending with this one
    assert r.trend_weeks[-1] == "2026-W47"
    assert len(set(r.trend_weeks)) == len(r.trend_weeks)
    assert all(week_of(week_bounds(w, "sunday")[0], "sunday") == w for w in r.trend_weeks)


def test_sunday_weeks_homework_label_is_the_report_week(tmp_path):
    _, project = _project(tmp_path, "- {date: 2026-11-22, with: priya, gave: Favour}\n",
                          "owner: T\nweek_start: sunday\n")
    [f] = _findings(project, "2026-11-22", "homework-missing")   # a Sunday: the first day of W48
    assert "the week of 2026-11-22 (2026-W48)" in f.message


# 2. Words for what was drawn --------------------------------------------------------------------

DECLINED = """\
- {date: 2026-11-03, with: sam, asked: Budget sign-off, outcome: declined}
- {date: 2026-11-10, with: sam, asked: Intro to the CFO, outcome: declined}
- {date: 2026-11-17, with: sam, asked: Review of the plan, outcome: pending}
"""


def test_declined_asks_are_drawn_not_invested_in_you(tmp_path):
    _, project = _project(tmp_path, DECLINED)
    [f] = _findings(project, "2026-11-20", "one-way-taking")
    assert "has invested" not in f.message and "in you" not in f.message
    assert "you have drawn 3 from Sam Okafor (help received and asks)" in f.message
    r = week_report(project, "2026-W47", D("2026-11-20"))
    texts = " ".join([r.relationships[1].text] + [q.answer for q in r.questions]
                     + [d for q in r.questions for _, _, d in q.people]
                     + ([r.plan.give.reason] if r.plan.give else []))
    assert "has invested" not in texts and "invested more in you" not in texts
    assert not re.search(r"\b(owe|owes|debt|score)\b", texts, re.I)
    allowed = r.questions[1]
    assert allowed.question == "Who have you allowed to help you?"
    assert allowed.people == () and "Sam" not in allowed.answer


def test_allowed_to_help_counts_received_and_helped_asks(tmp_path):
    _, project = _project(tmp_path, DECLINED + "- {date: 2026-11-18, with: jo, received: Notes}\n"
                                               "- {date: 2026-11-19, with: priya, asked: A review, outcome: helped}\n")
    r = week_report(project, "2026-W47", D("2026-11-20"))
    assert {p for p, _, _ in r.questions[1].people} == {"jo", "priya"}


# 3. Past-week reports use only what was known then ----------------------------------------------

def test_late_banking_ignores_asks_planned_far_ahead(tmp_path):
    _, project = _project(tmp_path, "- {date: 2027-01-20, with: sam, asked: Sponsor the pitch, planned: true}\n"
                                    "- {date: 2026-11-30, with: jo, asked: Feedback, planned: true}\n")
    found = _findings(project, "2026-11-27", "late-banking")
    assert [f.people for f in found] == [("jo",)]
    assert _findings(project, "2027-01-10", "late-banking")[0].people == ("sam",)


def test_broken_promise_judged_as_of_the_report_date(tmp_path):
    _, project = _project(tmp_path, "- {date: 2026-11-02, with: jo, promised: An intro, due: 2026-11-10, "
                                    "kept: 2026-11-20}\n"
                                    "- {date: 2026-11-02, with: sam, promised: A draft, due: 2026-11-10, "
                                    "dropped: 2026-11-25}\n")
    found = _findings(project, "2026-11-12", "broken-promise")
    assert sorted(f.people for f in found) == [("jo",), ("sam",)]
    assert all("is not kept" in f.message for f in found)
    assert all("2 days past due" in f.numbers for f in found)
    later = _findings(project, "2026-11-27", "broken-promise")
    assert [f.people for f in later] == [("sam",)] and "dropped" in later[0].message


def test_unacknowledged_help_ignores_later_thanks(tmp_path):
    _, project = _project(tmp_path, "- {date: 2026-11-02, with: sam, received: Air cover}\n"
                                    "- {date: 2026-11-14, with: sam, thanked: For the air cover}\n")
    assert len(_findings(project, "2026-11-12", "unacknowledged-help")) == 1
    assert _findings(project, "2026-11-20", "unacknowledged-help") == []


# 4. R301 says "yet" while a thank-you still counts ------------------------------------------------

def test_unacknowledged_help_wording_inside_and_after_the_thanks_period(tmp_path):
    _, project = _project(tmp_path, "- {date: 2026-11-02, with: sam, received: Air cover}\n")
    [early] = _findings(project, "2026-11-10", "unacknowledged-help")
    assert "not been acknowledged yet (a thank-you still counts until 2026-11-16)" in early.message
    assert "within 14 days" not in early.message
    [late] = _findings(project, "2026-11-20", "unacknowledged-help")
    assert "no thank-you within 14 days" in late.message


# 5. Faded weights come out with one decimal ------------------------------------------------------

def test_half_life_numbers_are_rounded(tmp_path):
    entries = "".join(f"- {{date: 2026-{d}, with: priya, gave: Favour {i}, size: medium}}\n"
                      for i, d in enumerate(["09-03", "09-21", "10-09", "10-30", "11-11"]))
    entries += "- {date: 2026-10-02, with: sam, received: Help, size: large}\n"
    root, project = _project(tmp_path, entries, "owner: T\nhalf_life_days: 30\n")
    start, end = project.ledger.window(D("2026-11-27"))
    for b in project.ledger.balances(start, end):
        assert b.invested == round(b.invested, 1) and b.taken == round(b.taken, 1)
    _, out, _ = run_cli(["check", "--project", root, "--as-of", "2026-11-27"])
    assert "Priya" in out
    assert not re.search(r"\d\.\d{2,}", out), out
    r = week_report(project, "2026-W48", D("2026-11-27"))
    texts = " ".join([x.text for x in r.relationships] + [q.answer for q in r.questions]
                     + [d for q in r.questions for _, _, d in q.people])
    assert not re.search(r"\d\.\d{2,}", texts), texts


# 6. No link to a week without a page ----------------------------------------------------------------

def test_empty_journal_has_no_previous_week(tmp_path):
    _, project = _project(tmp_path, None)
    r = week_report(project, "2026-W48", D("2026-11-27"))
    assert r.prev_week is None and r.next_week is None


def test_previous_week_only_when_the_journal_reaches_it(tmp_path):
    _, project = _project(tmp_path, "- {date: 2026-11-24, with: priya, gave: Favour}\n")
    assert week_report(project, "2026-W48", D("2026-11-27")).prev_week is None
    _, project = _project(tmp_path, "- {date: 2026-11-22, with: priya, gave: Favour}\n")
    assert week_report(project, "2026-W48", D("2026-11-27")).prev_week == "2026-W47"


# 7. reflect done lists overdue plans, in the configured week ------------------------------------

def test_done_lists_overdue_plans(tmp_path):
    root, _ = _project(tmp_path, "- {date: 2026-11-10, with: sam, asked: Feedback on goals, planned: true}\n"
                                 "- {date: 2026-11-25, with: jo, gave: Coaching, planned: true}\n")
    code, out, _ = run_cli(["done", "--project", root, "--as-of", "2026-11-27"])
    assert code == 0
    assert "Feedback on goals" in out and "Coaching" in out
    assert out.index("Feedback on goals") < out.index("Coaching")
    code, out, _ = run_cli(["done", "1", "--project", root, "--as-of", "2026-11-27"])
    assert code == 0 and "Feedback on goals" in out
    assert "planned: true" not in (root / "journal/log.yaml").read_text().splitlines()[0]


def test_done_uses_the_configured_week_start(tmp_path):
    root, _ = _project(tmp_path, "- {date: 2026-11-28, with: jo, gave: Coaching, planned: true}\n",
                       "owner: T\nweek_start: sunday\n")
    code, out, _ = run_cli(["done", "--project", root, "--as-of", "2026-11-22"])  # a Sunday
    assert code == 0
    assert "Coaching" in out and "2026-W48 (2026-11-22 .. 2026-11-28)" in out


# 8. A promise cannot be kept before it was made ---------------------------------------------------

def test_kept_before_the_promise_is_an_error(tmp_path):
    text = "- {date: 2026-11-05, with: jo, promised: An intro, kept: 2026-11-01}\n"
    root = make_project(tmp_path, {"reflect.yaml": "owner: T\n", "journal/people.yaml": PEOPLE,
                                   "journal/log.yaml": text})
    project = load_project(root, use_cache=False)
    [d] = project.diagnostics
    assert "a promise cannot be kept before it was made (2026-11-05)" in str(d)
    line, col = position_of(text, "2026-11-01")
    assert (d.source.line, d.source.col) == (line, col)


def test_dropped_before_the_promise_is_an_error(tmp_path):
    root = make_project(tmp_path, {"reflect.yaml": "owner: T\n", "journal/people.yaml": PEOPLE,
                                   "journal/log.yaml": "- {date: 2026-11-05, with: jo, promised: X, "
                                                       "dropped: 2026-11-04}\n"})
    [d] = load_project(root, use_cache=False).diagnostics
    assert "a promise cannot be dropped before it was made (2026-11-05)" in str(d)


# 9. Plurals and defaults ----------------------------------------------------------------------------

def test_language_with_one_week_window_and_one_day_rhythm(tmp_path):
    people = "jo: {name: Jo Park, level: junior, rhythm: 1 day}\nsam: {name: Sam Okafor, level: senior}\n"
    entries = "".join(f"- {{date: 2026-11-{d}, with: jo, gave: Favour {d}}}\n" for d in (21, 22, 23, 24, 25))
    entries += "- {date: 2026-11-16, with: jo, promised: An intro, due: 2026-11-26}\n"
    entries += "- {date: 2026-11-26, with: jo, asked: A review, planned: true}\n"
    root = make_project(tmp_path, {"reflect.yaml": "owner: T\nwindow_weeks: 1\n",
                                   "journal/people.yaml": people, "journal/log.yaml": entries})
    _, out, err = run_cli(["check", "--project", root, "--as-of", "2026-11-27"])
    assert "every 1 day" in out and "1 day past" in out and "last 1 week" in out, out
    for bad in ("1 days", "1 weeks", "1 people", "1 gives"):
        assert not re.search(rf"(?<![\d.]){bad}\b", out), (bad, out)
    r = week_report(load_project(root, use_cache=False), "2026-W48", D("2026-11-27"))
    notes = " ".join(s.note for s in r.signals)
    assert "last 1 week" in notes and "1 weeks" not in notes


def test_default_rhythm_and_limit_are_not_called_yours(tmp_path):
    _, project = _project(tmp_path, "- {date: 2026-08-20, with: priya, gave: A}\n"
                                    "- {date: 2026-09-03, with: priya, received: B}\n")
    [f] = _findings(project, "2026-11-27", "fading-relationship")
    assert "you set" not in f.message and "your rhythm with Priya Shah (every 42 days)" in f.message
    entries = "".join(f"- {{date: 2026-11-{16 + i // 3}, with: priya, gave: Favour {i}}}\n" for i in range(9))
    _, project = _project(tmp_path, entries)
    [f] = _findings(project, "2026-11-27", "over-giving")
    assert "you set" not in f.message and "a sustainable week (8)" in f.message


# 10. reflect plan: covered versus nothing to suggest; a promise is not a give done --------------------

def test_plan_with_nothing_to_suggest_does_not_claim_covered(tmp_path):
    root, _ = _project(tmp_path, None)
    code, out, _ = run_cli(["plan", "--project", root, "--as-of", "2026-11-25"])
    assert code == 0
    assert "covered" not in out and "Nothing to write: no suggestion for the give or the ask" in out


def test_plan_calls_an_unkept_promise_promised(tmp_path):
    root, _ = _project(tmp_path, "- {date: 2026-11-24, with: jo, promised: An intro}\n"
                                 "- {date: 2026-11-24, with: sam, asked: Feedback, planned: true}\n")
    code, out, _ = run_cli(["plan", "--project", root, "--as-of", "2026-11-25"])
    assert code == 0
    assert "already promised" in out and "already done" not in out


def test_last_week_give_done_needs_a_real_give(tmp_path):
    _, project = _project(tmp_path, "- {date: 2026-11-17, with: jo, promised: An intro}\n")
    assert week_report(project, "2026-W48", D("2026-11-27")).plan.last_give_done is False
    _, project = _project(tmp_path, "- {date: 2026-11-10, with: jo, promised: An intro, kept: 2026-11-18}\n")
    assert week_report(project, "2026-W48", D("2026-11-27")).plan.last_give_done is True


# 11. The balance question reads one-way-giving's ratio ------------------------------------------------

def test_balance_question_uses_the_configured_ratio(tmp_path):
    entries = """\
- {date: 2026-11-02, with: priya, gave: A, size: medium}
- {date: 2026-11-09, with: priya, gave: B}
- {date: 2026-11-16, with: priya, received: C, size: medium}
"""
    _, project = _project(tmp_path, entries)
    q = week_report(project, "2026-W48", D("2026-11-27")).questions[2]
    assert q.people == () and "3:1" in q.answer
    _, project = _project(tmp_path, entries, "owner: T\nrules:\n  one-way-giving: {ratio: 1.2}\n"
                                            "  balanced-exchange: {max_ratio: 1.1}\n")
    q = week_report(project, "2026-W48", D("2026-11-27")).questions[2]
    assert [p for p, _, _ in q.people] == ["priya"]
    _, project = _project(tmp_path, "- {date: 2026-11-02, with: priya, gave: A}\n",
                          "owner: T\nrules:\n  one-way-giving: {ratio: 2}\n"
                                                  "  balanced-exchange: {max_ratio: 1.5}\n")
    assert "2:1" in week_report(project, "2026-W48", D("2026-11-27")).questions[2].answer


def test_a_week_judged_mid_week_knows_nothing_dated_later(tmp_path):
    """--as-of on a Wednesday: Thursday's gives are not counted or listed yet; plans for Friday are."""
    entries = """\
- {date: 2026-11-23, gave: Monday help, with: priya}
- {date: 2026-11-25, gave: Wednesday help, with: sam}
- {date: 2026-11-26, gave: Thursday help, with: jo}
- {date: 2026-11-26, thanked: Thursday thanks, with: priya}
- {date: 2026-11-27, gave: Friday plan, with: priya, planned: true}
"""
    _, project = _project(tmp_path, entries)
    wed = week_report(project, "2026-W48", D("2026-11-25"))
    tiles = {t.key: t.value for t in wed.tiles}
    assert tiles["gives"] == 2 and tiles["thanks"] == 0 and tiles["people"] == 2
    assert [e.what for e in wed.entries] == ["Monday help", "Wednesday help", "Friday plan"]
    # the same project judged at the week's end sees everything, whatever was asked before
    sun = week_report(project, "2026-W48", D("2026-11-29"))
    assert {t.key: t.value for t in sun.tiles}["gives"] == 3
    assert len(sun.entries) == 5
    assert {t.key: t.value for t in week_report(project, "2026-W48", D("2026-11-25")).tiles}["gives"] == 2
