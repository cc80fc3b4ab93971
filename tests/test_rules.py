"""The 18 principle rules of spec/principles.md, their documented examples,
their thresholds, and the balances they stand on.

Dates: the default report date is Friday 2026-11-27 (ISO week 2026-W48,
Monday 11-23 .. Sunday 11-29); the default 12-week window is the 84 days
2026-09-05 .. 2026-11-27.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest

from conftest import check_json, make_project
from reflect.model import Severity
from reflect.project import load_project
from reflect.rules import ALL_RULES, BY_CODE, CATALOG, RETIRED, STANDARD_PEOPLE, example_files, find_rule, run_rules

AS_OF = "2026-11-27"

# The rule ids of the table in spec/principles.md, in the order of the table.
SPEC_RULE_IDS = [
    "one-way-giving", "one-way-taking", "never-asking", "unacknowledged-help", "broken-promise",
    "fading-relationship", "over-giving", "one-level-only", "no-visible-gestures", "indiscriminate-giving",
    "transactional-language", "grand-gestures", "late-banking", "sponsorship-ready", "balanced-exchange",
    "compounding", "homework-missing", "missed-plan",
]
SPEC_STRENGTHS = {"balanced-exchange", "compounding"}


def _project(parent: Path, files: dict[str, str]):
    root = Path(tempfile.mkdtemp(dir=parent))
    make_project(root, files)
    project = load_project(root, use_cache=False)
    assert not project.diagnostics, [str(d) for d in project.diagnostics]
    return project


def findings(parent: Path, entries: str, rule_id: str, as_of: str = AS_OF, config: str = "",
             people: str = STANDARD_PEOPLE):
    """Findings of one rule on a journal of `entries` (YAML list) judged on `as_of`."""
    files = {"journal/people.yaml": people, "journal/entries.yaml": entries}
    if config:
        files["reflect.yaml"] = config
    project = _project(parent, files)
    return run_rules(project.journal, project.ledger, project.config, dt.date.fromisoformat(as_of), only=[rule_id])


def fires(parent: Path, entries: str, rule_id: str, **kw) -> bool:
    found = findings(parent, entries, rule_id, **kw)
    assert all(f.rule == rule_id for f in found)
    return bool(found)


def gives(*dates: str, who: str = "priya", size: str = "small", extra: str = "") -> str:
    return "".join(f"- {{date: {d}, with: {who}, gave: Help number {i}, size: {size}{extra}}}\n"
                   for i, d in enumerate(dates))


# --- the catalogue -------------------------------------------------------------------------------


def test_exactly_the_rule_ids_of_the_spec():
    ids = [r.id for r in ALL_RULES]
    assert len(ids) == len(set(ids)) == 18
    assert sorted(ids) == sorted(SPEC_RULE_IDS)
    assert sorted(CATALOG) == sorted(SPEC_RULE_IDS)


def test_codes_are_unique_never_retired_and_find_the_rule():
    codes = [r.code for r in ALL_RULES]
    assert len(codes) == len(set(codes))
    assert not set(codes) & set(RETIRED)
    for r in ALL_RULES:
        assert BY_CODE[r.code] is r
        assert find_rule(r.code) is r and find_rule(r.code.lower()) is r and find_rule(r.id) is r


def test_severities_follow_the_spec():
    for r in ALL_RULES:
        assert isinstance(r.severity, Severity)
        assert (r.severity is Severity.STRENGTH) == (r.id in SPEC_STRENGTHS), r.id


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_every_rule_explains_itself(rule):
    for text in (rule.title, rule.idea, rule.lesson, rule.suggestion):
        assert text.strip() and text == text.strip()
    assert set(rule.param_help) == set(rule.params), "every parameter is documented"
    assert rule.fires.strip() != rule.quiet.strip()


# --- the documented examples (the same records feed `reflect explain`) ---------------------------


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_fires_example_fires(rule, tmp_path):
    files = example_files(rule, "fires")
    project = _project(tmp_path, files)
    found = run_rules(project.journal, project.ledger, project.config, dt.date.fromisoformat(rule.as_of),
                      only=[rule.id])
    assert found, f"{rule.id}: its fires example does not fire"
    example = files["journal/example.yaml"].splitlines()
    for f in found:
        assert f.rule == rule.id and f.code == rule.code and f.severity is rule.severity
        assert f.message and f.lesson == rule.lesson and f.suggestion
        assert "{" not in f.suggestion, "suggestion placeholders are filled in"
        assert set(f.people) <= set(project.journal.people)
        for ev in f.evidence:  # evidence points at the start of an entry of the example
            assert ev.source.path == "journal/example.yaml"
            assert example[ev.source.line - 1].lstrip().startswith("- "), ev


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_quiet_example_stays_quiet(rule, tmp_path):
    project = _project(tmp_path, example_files(rule, "quiet"))
    found = run_rules(project.journal, project.ledger, project.config, dt.date.fromisoformat(rule.as_of),
                      only=[rule.id])
    assert found == [], f"{rule.id}: its quiet example fires: {[f.message for f in found]}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_examples_through_the_cli(rule, tmp_path):
    """What `reflect explain` shows is what `reflect check` does (all rules running together)."""
    for which, expected in (("fires", True), ("quiet", False)):
        root = make_project(tmp_path / which, example_files(rule, which))
        code, doc, err = check_json(root, as_of=rule.as_of)
        assert code == 0 and doc["errors"] == [] and err == ""
        assert (rule.id in {f["rule"] for f in doc["findings"]}) is expected, which


# --- thresholds ----------------------------------------------------------------------------------


RECEIVED = "- {date: 2026-11-20, with: priya, received: Her churn data, acknowledged: private}\n"


def test_one_way_giving_fires_at_exactly_three_to_one(tmp_path):
    # invested 3 (three small gives) : taken 1 -> exactly 3:1
    assert fires(tmp_path, gives("2026-11-02", "2026-11-10", "2026-11-18") + RECEIVED, "one-way-giving")
    # invested 6 : taken 2, still exactly 3:1
    assert fires(tmp_path, gives("2026-11-02", "2026-11-10", "2026-11-18", "2026-11-19", "2026-11-21", "2026-11-22")
                 + RECEIVED + RECEIVED.replace("11-20", "11-21"), "one-way-giving")


def test_one_way_giving_quiet_just_below_three_to_one(tmp_path):
    # invested 5 (small, small, medium) : taken 2 -> 2.5:1
    journal = gives("2026-11-02", "2026-11-10") + gives("2026-11-18", size="medium") \
        + RECEIVED + RECEIVED.replace("11-20", "11-21")
    assert not fires(tmp_path, journal, "one-way-giving")


def test_one_way_giving_needs_three_gives(tmp_path):
    assert not fires(tmp_path, gives("2026-11-02", "2026-11-10", size="large"), "one-way-giving")
    assert fires(tmp_path, gives("2026-11-02", "2026-11-10", "2026-11-12", size="large"), "one-way-giving")
    # a kept promise and a public thank-you are investing acts too
    more = ("- {date: 2026-10-01, with: priya, promised: A slot at the review, kept: 2026-11-12}\n"
            "- {date: 2026-11-13, with: priya, thanked: Credited her at the all-hands, public: true}\n")
    assert fires(tmp_path, gives("2026-11-02") + more, "one-way-giving")
    # ... a private thank-you is not
    private = "- {date: 2026-11-13, with: priya, thanked: Said thanks over coffee}\n"
    assert not fires(tmp_path, gives("2026-11-02", "2026-11-10") + private, "one-way-giving")


def test_one_way_giving_params_from_config(tmp_path):
    journal = gives("2026-11-02", "2026-11-10", "2026-11-18") + RECEIVED
    assert not fires(tmp_path, journal, "one-way-giving", config="rules: {one-way-giving: {ratio: 4}}\n")
    assert fires(tmp_path, gives("2026-11-01") + journal, "one-way-giving",
                 config="rules: {one-way-giving: {ratio: 4}}\n")
    two = gives("2026-11-02", "2026-11-10")
    assert not fires(tmp_path, two, "one-way-giving")
    assert fires(tmp_path, two, "one-way-giving", config="rules: {one-way-giving: {min_gives: 2}}\n")


def test_one_way_taking_counts_open_and_declined_asks(tmp_path):
    asks = ("- {date: 2026-11-03, with: sam, asked: Budget sign-off, outcome: declined}\n"
            "- {date: 2026-11-12, with: sam, asked: Intro to the CFO}\n"
            "- {date: 2026-11-19, with: sam, received: Air cover, acknowledged: private}\n")
    give = "- {date: 2026-11-20, with: sam, gave: Drafted the board update}\n"
    assert fires(tmp_path, asks + give, "one-way-taking")  # taken 3 : invested 1, exactly 3:1
    assert not fires(tmp_path, asks + give + give.replace("11-20", "11-21"), "one-way-taking")  # 3:2
    assert not fires(tmp_path, asks.split("\n", 1)[1], "one-way-taking")  # only 2 asks or receipts


def test_never_asking(tmp_path):
    five = gives("2026-10-20", "2026-10-28", "2026-11-04", "2026-11-12", "2026-11-20")
    assert fires(tmp_path, five, "never-asking")
    assert not fires(tmp_path, gives("2026-10-20", "2026-10-28", "2026-11-04", "2026-11-12"), "never-asking")
    declined = "- {date: 2026-11-24, with: sam, asked: Sponsor the pitch, outcome: declined}\n"
    assert not fires(tmp_path, five + declined, "never-asking"), "an ask that was declined is still an ask"
    planned = "- {date: 2026-11-26, with: sam, asked: Sponsor the pitch, planned: true}\n"
    assert fires(tmp_path, five + planned, "never-asking"), "an ask only planned is not an ask yet"


def test_over_giving_eight_in_a_week_is_fine_nine_is_not(tmp_path):
    week47 = ["2026-11-16", "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21",
              "2026-11-22"]  # Monday .. Sunday of 2026-W47
    assert not fires(tmp_path, gives(*week47), "over-giving")
    nine = findings(tmp_path, gives(*week47, "2026-11-22"), "over-giving")
    assert len(nine) == 1 and "2026-W47" in nine[0].message and len(nine[0].evidence) == 9
    # the ninth give on Monday falls into the next ISO week
    assert not fires(tmp_path, gives(*week47, "2026-11-23"), "over-giving")
    # one give with two people is one give
    assert not fires(tmp_path, gives(*week47[:7]) + gives("2026-11-22", who="[priya, sam]"), "over-giving")
    assert not fires(tmp_path, gives(*week47, "2026-11-22"), "over-giving",
                     config="rules: {over-giving: {max_gives_per_week: 9}}\n")


def test_unacknowledged_help_waits_seven_days(tmp_path):
    seven = "- {date: 2026-11-20, with: sam, received: Air cover in the exec review}\n"
    eight = "- {date: 2026-11-19, with: sam, received: Air cover in the exec review}\n"
    assert not fires(tmp_path, seven, "unacknowledged-help")
    found = findings(tmp_path, eight, "unacknowledged-help")
    assert [f.people for f in found] == [("sam",)]
    assert fires(tmp_path, seven, "unacknowledged-help", config="rules: {unacknowledged-help: {grace_days: 6}}\n")


def test_unacknowledged_help_thanks_count_within_fourteen_days(tmp_path):
    help_ = "- {date: 2026-11-02, with: sam, received: Air cover in the exec review}\n"
    day14 = "- {date: 2026-11-16, with: sam, thanked: Told the exec team}\n"
    day15 = "- {date: 2026-11-17, with: sam, thanked: Told the exec team}\n"
    assert not fires(tmp_path, help_ + day14, "unacknowledged-help")
    assert fires(tmp_path, help_ + day15, "unacknowledged-help")
    assert fires(tmp_path, help_ + day14.replace("sam", "priya"), "unacknowledged-help"), "thanks to someone else"
    assert fires(tmp_path, help_ + day14.replace("}", ", planned: true}"), "unacknowledged-help"), \
        "a planned thank-you is not a thank-you yet"
    assert not fires(tmp_path, help_.replace("}", ", acknowledged: private}"), "unacknowledged-help")


def test_unacknowledged_help_covers_helped_asks_and_each_person(tmp_path):
    helped = "- {date: 2026-11-02, with: sam, asked: Budget sign-off, outcome: helped}\n"
    pending = "- {date: 2026-11-02, with: sam, asked: Budget sign-off}\n"
    assert fires(tmp_path, helped, "unacknowledged-help")
    assert not fires(tmp_path, pending, "unacknowledged-help")
    team = ("- {date: 2026-11-02, with: [priya, sam], received: Weekend launch support}\n"
            "- {date: 2026-11-05, with: priya, thanked: Thanked her at the stand-up}\n")
    assert [f.people for f in findings(tmp_path, team, "unacknowledged-help")] == [("sam",)]


def test_balanced_exchange_at_the_bounds(tmp_path):
    # invested 4 (medium + small) : taken 2 (received + helped ask), 4 exchanges: exactly 2:1
    two_to_one = ("- {date: 2026-10-15, with: priya, gave: Reviewed the roadmap deck, size: medium}\n"
                  "- {date: 2026-10-29, with: priya, asked: Input on pricing, outcome: helped}\n"
                  "- {date: 2026-11-09, with: priya, gave: Covered her stand-up}\n"
                  "- {date: 2026-11-19, with: priya, received: Her churn data}\n")
    assert fires(tmp_path, two_to_one, "balanced-exchange")
    assert not fires(tmp_path, two_to_one + gives("2026-11-20"), "balanced-exchange")  # 5:2
    # invested 2 : taken 4, exactly 1:2
    one_to_two = ("- {date: 2026-10-15, with: priya, gave: Reviewed the roadmap deck}\n"
                  "- {date: 2026-10-29, with: priya, asked: Input on pricing, outcome: helped}\n"
                  "- {date: 2026-11-09, with: priya, gave: Covered her stand-up}\n"
                  "- {date: 2026-11-19, with: priya, received: Her churn data, size: medium}\n")
    assert fires(tmp_path, one_to_two, "balanced-exchange")
    three = two_to_one.split("\n", 1)[1]  # 3 exchanges only (1:1)
    assert not fires(tmp_path, three, "balanced-exchange")
    assert fires(tmp_path, three, "balanced-exchange", config="rules: {balanced-exchange: {min_exchanges: 3}}\n")


def test_fading_relationship_at_the_rhythm(tmp_path):
    # jo's rhythm is 2 weeks (14 days); two past exchanges
    def journal(last: str) -> str:
        return ("- {date: 2026-10-01, with: jo, gave: Coached on the stakeholder review}\n"
                f"- {{date: {last}, with: jo, received: Notes from the interviews}}\n")

    assert not fires(tmp_path, journal("2026-11-13"), "fading-relationship")  # 14 days quiet
    found = findings(tmp_path, journal("2026-11-12"), "fading-relationship")  # 15 days quiet
    assert [f.people for f in found] == [("jo",)] and "15 days" in found[0].message
    # a single past exchange is not a relationship yet
    assert not fires(tmp_path, journal("2026-11-12").split("\n", 1)[1], "fading-relationship")
    # a planned entry is not contact; any real exchange resets the clock
    planned = "- {date: 2026-11-25, with: jo, gave: Share the pilot results, planned: true}\n"
    assert fires(tmp_path, journal("2026-11-12") + planned, "fading-relationship")
    assert not fires(tmp_path, journal("2026-11-12") + "- {date: 2026-11-25, with: jo, thanked: Quick note}\n",
                     "fading-relationship")


def test_fading_relationship_clock_stops_while_away(tmp_path):
    journal = ("- {date: 2026-10-01, with: jo, gave: Coached on the stakeholder review}\n"
               "- {date: 2026-11-06, with: jo, received: Notes from the interviews}\n")  # 21 days before as_of
    assert fires(tmp_path, journal, "fading-relationship")
    # 7 days away: 14 days count -> not beyond the rhythm
    assert not fires(tmp_path, journal, "fading-relationship", config="away: [{from: 2026-11-16, to: 2026-11-22}]\n")
    # 6 days away: 15 days count
    assert fires(tmp_path, journal, "fading-relationship", config="away: [{from: 2026-11-16, to: 2026-11-21}]\n")
    # judged on a day away: the rule is paused
    assert not fires(tmp_path, journal, "fading-relationship", config="away: [{from: 2026-11-25, to: 2026-11-30}]\n")


def test_fading_relationship_default_rhythm_from_config(tmp_path):
    lee = ("- {date: 2026-10-01, with: lee, gave: Shared the hiring rubric}\n"
           "- {date: 2026-10-27, with: lee, received: A referral}\n")  # 31 days; lee has no rhythm: 6 weeks
    assert not fires(tmp_path, lee, "fading-relationship")
    assert fires(tmp_path, lee, "fading-relationship", config="default_rhythm: 1 month\n")


def test_homework_missing(tmp_path):
    give = "- {date: 2026-11-24, with: priya, gave: Reviewed the roadmap deck}\n"
    ask = "- {date: 2026-11-26, with: sam, asked: Thirty minutes on the budget case}\n"
    assert fires(tmp_path, give, "homework-missing")
    assert fires(tmp_path, ask, "homework-missing")
    assert not fires(tmp_path, give + ask, "homework-missing")
    # last week's acts are not this week's homework
    assert fires(tmp_path, give + ask.replace("11-26", "11-22"), "homework-missing")


def test_homework_missing_respects_week_start(tmp_path):
    journal = ("- {date: 2026-11-24, with: priya, gave: Reviewed the roadmap deck}\n"
               "- {date: 2026-11-22, with: sam, asked: Thirty minutes on the budget case}\n")  # a Sunday
    assert fires(tmp_path, journal, "homework-missing")
    assert not fires(tmp_path, journal, "homework-missing", config="week_start: sunday\n")


def test_homework_missing_paused_when_away(tmp_path):
    give = "- {date: 2026-11-24, with: priya, gave: Reviewed the roadmap deck}\n"
    assert not fires(tmp_path, give, "homework-missing", config="away: [{from: 2026-11-23, to: 2026-11-27}]\n")
    assert fires(tmp_path, give, "homework-missing", config="away: [{from: 2026-11-23, to: 2026-11-26}]\n")


def test_missed_plan(tmp_path):
    yesterday = "- {date: 2026-11-26, with: sam, asked: Feedback on the org design, planned: true}\n"
    today = "- {date: 2026-11-27, with: sam, asked: Feedback on the org design, planned: true}\n"
    found = findings(tmp_path, yesterday, "missed-plan")
    assert [f.people for f in found] == [("sam",)] and found[0].date == dt.date(2026, 11, 26)
    assert not fires(tmp_path, today, "missed-plan")
    assert not fires(tmp_path, yesterday.replace(", planned: true", ", outcome: helped"), "missed-plan")
    assert not fires(tmp_path, yesterday, "missed-plan", config="away: [{from: 2026-11-25, to: 2026-11-26}]\n")


def test_broken_promise(tmp_path):
    due = "- {date: 2026-11-02, with: jo, promised: Introduction to the design lead, due: DUE}\n"
    assert fires(tmp_path, due.replace("DUE", "2026-11-26"), "broken-promise")
    assert not fires(tmp_path, due.replace("DUE", "2026-11-27"), "broken-promise")
    assert not fires(tmp_path, due.replace("DUE", "2026-11-26, kept: 2026-11-27"), "broken-promise")
    assert fires(tmp_path, due.replace("DUE", "2026-12-26, dropped: 2026-11-20"), "broken-promise")
    # dropped long before the window: old news
    old = "- {date: 2026-06-02, with: jo, promised: An intro, dropped: 2026-07-01}\n"
    assert not fires(tmp_path, old, "broken-promise")


def test_transactional_language(tmp_path):
    assert fires(tmp_path, '- {date: 2026-11-18, with: lee, gave: "Covered the review. Keeping Score."}\n',
                 "transactional-language")
    assert fires(tmp_path, "- date: 2026-11-18\n  with: lee\n  gave: Covered the review\n  note: Now he owes me one.\n",
                 "transactional-language")
    assert not fires(tmp_path, "- {date: 2026-11-18, with: lee, gave: Lunch with Owen and the debugging crew}\n",
                     "transactional-language")


def test_grand_gestures_and_turning_it_off(tmp_path):
    two_large = gives("2026-11-02", "2026-11-16", size="large") + gives("2026-11-18")
    assert fires(tmp_path, two_large, "grand-gestures")
    assert not fires(tmp_path, gives("2026-11-02", size="large") + gives("2026-11-18"), "grand-gestures")
    assert not fires(tmp_path, two_large, "grand-gestures", config="rules: {grand-gestures: off}\n")
    assert not fires(tmp_path, two_large, "grand-gestures", config="rules: {grand-gestures: {enabled: false}}\n")
    assert not fires(tmp_path, two_large, "grand-gestures", config="rules: {grand-gestures: {severity: off}}\n")
    planned = gives("2026-11-26", size="large", extra=", planned: true")
    assert not fires(tmp_path, gives("2026-11-02", size="large") + gives("2026-11-18") + planned, "grand-gestures")


def test_severity_override_from_config(tmp_path):
    journal = gives("2026-11-02", "2026-11-16", size="large") + gives("2026-11-18")
    (default,) = findings(tmp_path, journal, "grand-gestures")
    assert default.severity is Severity.NOTICE
    (warned,) = findings(tmp_path, journal, "grand-gestures", config="rules: {grand-gestures: warning}\n")
    assert warned.severity is Severity.WARNING
    (strength,) = findings(tmp_path, journal, "grand-gestures",
                           config="rules: {grand-gestures: {severity: strength}}\n")
    assert strength.severity is Severity.STRENGTH


def test_late_banking(tmp_path):
    plan = "- {date: 2026-12-01, with: sam, asked: Sponsor the data-platform pitch, planned: true}\n"
    assert fires(tmp_path, plan, "late-banking")
    public = "- {date: 2026-11-10, with: sam, thanked: Credited his review at the town hall, public: true}\n"
    assert not fires(tmp_path, public + plan, "late-banking")
    assert fires(tmp_path, public.replace(", public: true", "") + plan, "late-banking"), \
        "a private thank-you invests nothing"
    assert fires(tmp_path, gives("2026-08-01", who="sam") + plan, "late-banking"), "a give before the window"


def test_indiscriminate_giving_above_half(tmp_path):
    people = ("priya: {name: Priya Shah, level: peer, alignment: high}\n"
              "lee: {name: Lee Wong, level: peer, alignment: low}\n")
    half = gives("2026-11-02", "2026-11-03", who="lee") + gives("2026-11-04", "2026-11-05")
    assert not fires(tmp_path, half, "indiscriminate-giving", people=people)  # exactly 50 %
    more = half + gives("2026-11-06", who="lee")  # 60 %
    assert fires(tmp_path, more, "indiscriminate-giving", people=people)
    assert not fires(tmp_path, gives("2026-11-02", "2026-11-03", who="lee"), "indiscriminate-giving",
                     people=people), "below min_invested (3)"


def test_compounding(tmp_path):
    def public_thanks(*dates):
        return "".join(f"- {{date: {d}, with: jo, thanked: Credit number {i}, public: true}}\n"
                       for i, d in enumerate(dates))

    # last 4 weeks: 2026-10-31 .. 11-27; the 4 before: 10-03 .. 10-30
    assert fires(tmp_path, public_thanks("2026-10-30", "2026-10-31", "2026-11-20"), "compounding")
    assert not fires(tmp_path, public_thanks("2026-10-29", "2026-10-30", "2026-11-01", "2026-11-20"),
                     "compounding")
    assert not fires(tmp_path, public_thanks("2026-11-20"), "compounding"), "one gesture is not a trend"
    large = gives("2026-11-10", size="large", extra=", public: true")
    assert not fires(tmp_path, public_thanks("2026-11-20") + large, "compounding"), "only small gestures"


def test_sponsorship_ready(tmp_path):
    three_months = ("- {date: 2026-08-12, with: sam, gave: Drafted the board update}\n"
                    "- {date: 2026-09-15, with: sam, asked: Review of the operating model, outcome: helped}\n"
                    "- {date: 2026-11-04, with: sam, gave: Briefed the new CFO}\n")
    assert fires(tmp_path, three_months, "sponsorship-ready")
    assert not fires(tmp_path, three_months.replace("2026-08-12", "2026-09-02"), "sponsorship-ready")
    # June is the first of the last 6 months as of November; May is not
    assert not fires(tmp_path, three_months.replace("2026-08-12", "2026-05-12"), "sponsorship-ready")
    assert fires(tmp_path, three_months.replace("2026-08-12", "2026-06-01"), "sponsorship-ready")
    # a peer is not a sponsor
    assert not fires(tmp_path, three_months.replace("sam", "priya"), "sponsorship-ready")


def test_one_level_only(tmp_path):
    journal = ("- {date: 2026-11-02, with: priya, gave: Reviewed the roadmap deck}\n"
               "- {date: 2026-11-10, with: lee, asked: Input on the pricing page, outcome: helped}\n")
    found = findings(tmp_path, journal, "one-level-only")
    assert sorted(f.people for f in found) == [("jo",), ("sam",)]
    planned = "- {date: 2026-11-26, with: [sam, jo], gave: Share the pilot results, planned: true}\n"
    assert len(findings(tmp_path, journal + planned, "one-level-only")) == 2, "plans are not exchanges"
    peers_and_external = ("priya: {name: Priya Shah, level: peer}\n"
                          "mei: {name: Mei Tanaka, level: external}\n")
    assert not fires(tmp_path, journal.replace("lee", "mei"), "one-level-only", people=peers_and_external)


def test_no_visible_gestures(tmp_path):
    five = gives("2026-10-20", "2026-10-28", "2026-11-04", "2026-11-12", "2026-11-20")
    assert fires(tmp_path, five, "no-visible-gestures")
    assert not fires(tmp_path, gives("2026-10-20", "2026-10-28", "2026-11-04", "2026-11-12"), "no-visible-gestures")
    public = "- {date: 2026-11-21, with: jo, thanked: Credited her at the all-hands, public: true}\n"
    assert not fires(tmp_path, five + public, "no-visible-gestures")


def test_half_life_lets_old_acts_count_less(tmp_path):
    # three gives eight weeks ago, one receipt today: 3 : 1 without fading
    journal = gives("2026-10-02", "2026-10-02", "2026-10-02") + \
        "- {date: 2026-11-27, with: priya, received: Her churn data}\n"
    assert fires(tmp_path, journal, "one-way-giving")
    # with a 14-day half-life the old gives weigh 3 / 2**(56/14) = 0.19 against a fresh 1
    assert not fires(tmp_path, journal, "one-way-giving", config="half_life_days: 14\n")


# --- balances: exactly as spec/principles.md defines them -----------------------------------------


def balances(tmp_path: Path, entries: str, as_of: str = AS_OF, config: str = "") -> dict[str, dict]:
    files = {"journal/people.yaml": STANDARD_PEOPLE, "journal/entries.yaml": entries}
    if config:
        files["reflect.yaml"] = config
    root = make_project(Path(tempfile.mkdtemp(dir=tmp_path)), files)
    code, doc, err = check_json(root, as_of=as_of)
    assert code == 0 and doc["errors"] == [], doc.get("errors")
    return {b["person"]: b for b in doc["balances"]}


def test_weights_by_size(tmp_path):
    b = balances(tmp_path, gives("2026-11-02") + gives("2026-11-03", size="medium") + gives("2026-11-04", size="large"))
    assert b["priya"]["invested"] == 1 + 3 + 8 and b["priya"]["gives"] == 3 and b["priya"]["taken"] == 0
    b = balances(tmp_path, gives("2026-11-03", size="medium"), config="sizes: {medium: 2.5}\n")
    assert b["priya"]["invested"] == 2.5


def test_helped_ask_is_counted_once_as_taken(tmp_path):
    b = balances(tmp_path, "- {date: 2026-11-02, with: sam, asked: Budget sign-off, outcome: helped, size: medium}\n")
    assert b["sam"] == {"person": "sam", "invested": 0, "taken": 3, "gives": 0, "receipts": 0, "asks": 1,
                        "last": "2026-11-02"}


@pytest.mark.parametrize("outcome", ["pending", "declined", None])
def test_open_and_declined_asks_are_taken(tmp_path, outcome):
    extra = f", outcome: {outcome}" if outcome else ""
    b = balances(tmp_path, f"- {{date: 2026-11-02, with: sam, asked: Intro to the CFO, size: large{extra}}}\n")
    assert (b["sam"]["taken"], b["sam"]["asks"], b["sam"]["invested"]) == (8, 1, 0)


def test_planned_entries_never_move_a_balance(tmp_path):
    b = balances(tmp_path, gives("2026-11-02")
                 + "- {date: 2026-11-20, with: priya, gave: Big review, size: large, planned: true}\n"
                 + "- {date: 2026-11-20, with: priya, asked: Her data, planned: true}\n"
                 + "- {date: 2026-11-20, with: sam, received: Air cover, planned: true}\n")
    assert (b["priya"]["invested"], b["priya"]["taken"], b["priya"]["gives"], b["priya"]["asks"]) == (1, 0, 1, 0)
    assert b["priya"]["last"] == "2026-11-02", "a plan is not an exchange"
    assert "sam" not in b


def test_kept_promise_counts_on_its_kept_date(tmp_path):
    # made before the window (which starts 2026-09-05), kept inside it
    kept_inside = "- {date: 2026-08-01, with: jo, promised: Intro to the design lead, size: medium, kept: 2026-11-10}\n"
    b = balances(tmp_path, kept_inside)
    assert (b["jo"]["invested"], b["jo"]["gives"], b["jo"]["last"]) == (3, 1, "2026-11-10")
    # made inside the window, kept after the report date: not yet invested
    kept_later = "- {date: 2026-11-01, with: jo, promised: Intro to the design lead, kept: 2026-11-30}\n"
    b = balances(tmp_path, kept_later)
    assert b["jo"]["invested"] == 0 and b["jo"]["gives"] == 0
    b = balances(tmp_path, kept_later, as_of="2026-11-30")
    assert b["jo"]["invested"] == 1 and b["jo"]["last"] == "2026-11-30"
    # a promise not kept, or dropped, moves nothing
    b = balances(tmp_path, "- {date: 2026-11-01, with: jo, promised: An intro, due: 2026-11-09}\n"
                           "- {date: 2026-11-02, with: jo, promised: A review, dropped: 2026-11-09}\n")
    assert (b["jo"]["invested"], b["jo"]["taken"], b["jo"]["gives"]) == (0, 0, 0)


def test_public_thanks_is_a_small_give_and_private_thanks_moves_nothing(tmp_path):
    b = balances(tmp_path, "- {date: 2026-11-02, with: jo, thanked: Spotlight at all-hands, public: true, size: large}\n"
                           "- {date: 2026-11-03, with: lee, thanked: Thanks over coffee}\n")
    assert (b["jo"]["invested"], b["jo"]["gives"], b["jo"]["taken"]) == (1, 1, 0)
    assert (b["lee"]["invested"], b["lee"]["gives"], b["lee"]["taken"]) == (0, 0, 0)
    assert b["lee"]["last"] == "2026-11-03", "a private thank-you is still contact"


def test_an_entry_with_several_people_books_each(tmp_path):
    b = balances(tmp_path, "- {date: 2026-11-02, with: [priya, sam, jo], gave: Ran the offsite, size: large}\n"
                           "- {date: 2026-11-03, with: [priya, lee], received: Launch support, size: medium}\n")
    assert {p: (x["invested"], x["taken"]) for p, x in b.items()} == {
        "priya": (8, 3), "sam": (8, 0), "jo": (8, 0), "lee": (0, 3)}
    assert b["lee"]["receipts"] == 1 and b["priya"]["receipts"] == 1


def test_window_is_twelve_weeks_ending_on_the_report_date(tmp_path):
    # 12 weeks = 84 days: 2026-09-05 .. 2026-11-27 inclusive
    b = balances(tmp_path, gives("2026-09-04") + gives("2026-09-05", size="medium") + gives("2026-11-28", size="large"))
    assert b["priya"]["invested"] == 3 and b["priya"]["gives"] == 1
    # one week: 2026-11-21 .. 2026-11-27
    b = balances(tmp_path, gives("2026-11-20") + gives("2026-11-21", size="medium"), config="window_weeks: 1\n")
    assert b["priya"]["invested"] == 3


def test_half_life_halves_an_act_after_that_many_days(tmp_path):
    journal = gives("2026-11-13") + gives("2026-11-27")  # 14 days old, and today
    assert balances(tmp_path, journal)["priya"]["invested"] == 2
    assert balances(tmp_path, journal, config="half_life_days: 14\n")["priya"]["invested"] == 1.5
    assert balances(tmp_path, journal, config="half_life_days: null\n")["priya"]["invested"] == 2
