"""The fast paths of the rules and the ledger give what the plain scans gave.

The rules keep derived values per ledger (Ledger.memo, per_block) and read indexes instead of
scanning windows, because a site build judges every week.  These tests hold them to the plain
definitions: on a generated journal, under several configurations, for every week.
"""
from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from pathlib import Path

import pytest

from reflect.ledger import INVESTED, Ledger
from reflect.model import Act, Outcome
from reflect.project import load_project
from reflect.report import report_weeks, week_report
from reflect.rules import Evidence, evidence_of, run_rules

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 27)

CONFIGS = {
    "defaults": "owner: T\n",
    "varied": (
        "owner: T\nweek_start: sunday\nwindow_weeks: 5\nhalf_life_days: 30\ndefault_rhythm: 2 weeks\n"
        "away:\n  - {from: 2026-06-01, to: 2026-06-12}\n  - {from: 2026-10-05, to: 2026-10-09}\n"
        "rules:\n  over-giving: {max_gives_per_week: 2}\n  never-asking: {min_gives: 2}\n"
        "  no-visible-gestures: {min_gives: 2}\n  unacknowledged-help: {grace_days: 3, thanks_within_days: 5}\n"
        "  compounding: {weeks: 2, min_recent: 1}\n  sponsorship-ready: {months: 3, min_months: 2}\n"
        "  indiscriminate-giving: {max_low_share: 0.1, min_invested: 1}\n"
    ),
}


@pytest.fixture(scope="module", params=sorted(CONFIGS))
def project(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("speed") / "journal"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_journal.py"), "--entries", "900", "--people", "24",
                    "--seed", "7", "--out", str(out)], check=True, capture_output=True)
    (out / "reflect.yaml").write_text(CONFIGS[request.param])
    p = load_project(out, use_cache=False)
    assert p.journal.entries and p.ok, p.diagnostics[:3]
    return p


def _judges(p) -> list[dt.date]:
    from reflect.model import week_bounds
    return [min(week_bounds(w, p.config.week_start)[1], AS_OF) for w in report_weeks(p, AS_OF)]


def test_memo_never_changes_a_finding(project):
    """Judging the weeks newest first with one ledger = judging each with a fresh ledger."""
    shared = Ledger(project.journal, project.config)
    for judge in reversed(_judges(project)):
        fresh = Ledger(project.journal, project.config)
        assert run_rules(project.journal, shared, project.config, judge) == \
            run_rules(project.journal, fresh, project.config, judge), judge


def test_week_reports_do_not_depend_on_order(project):
    weeks = report_weeks(project, AS_OF)[-30:]
    forward = [week_report(project, w, AS_OF) for w in weeks]
    project2 = load_project(project.config.root, use_cache=False)
    backward = [week_report(project2, w, AS_OF) for w in reversed(weeks)]
    assert [repr(r) for r in forward] == [repr(r) for r in reversed(backward)]


def test_per_block_filters_match_a_scan(project):
    ledger = project.ledger
    first, last = project.journal.entries[0].date, AS_OF
    rng = random.Random(3)
    keep_entry = lambda e: not e.planned and e.act in (Act.GAVE, Act.ASKED)  # noqa: E731
    keep_flow = lambda f: f.direction == INVESTED  # noqa: E731
    for _ in range(300):
        s = first + dt.timedelta(days=rng.randint(-10, (last - first).days))
        e = s + dt.timedelta(days=rng.randint(-2, 120))
        assert ledger.entries_where("t-entries", keep_entry, s, e) == \
            [x for x in ledger.entries_between(s, e) if keep_entry(x)]
        assert ledger.flows_where("t-flows", keep_flow, s, e) == \
            [f for f in ledger.flows_between(s, e) if keep_flow(f)]


def test_balances_match_the_plain_sums(project):
    # every window, oldest first and then newest first: a balance made for the previous window
    # is reused when no flow entered or left it, and must still be this window's
    ledger = Ledger(project.journal, project.config)
    judges = _judges(project)
    for judge in judges + judges[::-1]:
        start, end = ledger.window(judge)
        for b in ledger.balances(start, end):
            fs = ledger.flows_between(start, end, b.person)
            assert b.flows == fs
            assert b.invested == round(sum(ledger.fade(f, end) for f in fs if f.direction == INVESTED), 1)
            assert b.taken == round(sum(ledger.fade(f, end) for f in fs if f.direction != INVESTED), 1)
            assert (b.gives, b.receipts, b.asks, b.helped_asks) == (
                sum(1 for f in fs if f.direction == INVESTED), sum(1 for f in fs if f.kind == "received"),
                sum(1 for f in fs if f.kind == "ask"),
                sum(1 for f in fs if f.kind == "ask" and f.entry.outcome is Outcome.HELPED))
            assert b.last == (ledger.contacts(b.person, end) or [None])[-1]


# -- the plain scans that the indexed rules replaced (as they were written before) --------------

def _unacknowledged_scan(ctx):
    start, end = ctx.window
    after = dt.timedelta(days=ctx.params["thanks_within_days"])
    thanks: dict[str, list[dt.date]] = {}
    for e in ctx.ledger.entries_between(start, min(end + after, ctx.as_of)):
        if e.act is Act.THANKED and not e.planned:
            for p in e.people:
                thanks.setdefault(p, []).append(e.date)
    out = []
    for e in ctx.ledger.entries_between(start, end):
        helped = e.act is Act.RECEIVED or (e.act is Act.ASKED and e.outcome is Outcome.HELPED)
        if not helped or e.planned or e.acknowledged:
            continue
        if ctx.as_of - e.date <= dt.timedelta(days=ctx.params["grace_days"]):
            continue
        credited = [p for p in e.people if any(e.date <= d <= e.date + after for d in thanks.get(p, ()))]
        if len(credited) < len(e.people):
            out.append((e.source, tuple(p for p in e.people if p not in credited)))
    return out


def _broken_promise_scan(ctx):
    start, end = ctx.window
    out = []
    for e in ctx.ledger.promises:
        kept = e.kept is not None and e.kept <= ctx.as_of
        dropped = e.dropped is not None and e.dropped <= ctx.as_of
        if e.planned or kept or e.date > ctx.as_of:
            continue
        if dropped and start <= e.dropped <= end:
            out.append((e.source, e.dropped))
        elif not dropped and e.due and e.due < ctx.as_of:
            out.append((e.source, e.due))
    return out


def _fading_evidence_scan(ctx):
    """Fading: the evidence of every hit, made afresh."""
    out = []
    for pid in ctx.journal.people:
        last = ctx.ledger.last_contact(pid, ctx.as_of)
        if last is not None:
            out.append((pid, evidence_of(ctx.ledger.entries_with(pid, last, last=3))))
    return dict(out)


@pytest.mark.parametrize("rule_id, scan, pick", [
    ("unacknowledged-help", _unacknowledged_scan, lambda f: (f.evidence[0].source, f.people)),
    ("broken-promise", _broken_promise_scan, lambda f: (f.evidence[0].source, f.date)),
])
def test_indexed_rules_match_the_plain_scan(project, rule_id, scan, pick):
    from reflect.rules import BY_ID, RuleContext, effective
    rule = BY_ID[rule_id]
    _, _, params = effective(rule, project.config)
    fired = 0
    for judge in _judges(project):
        ctx = RuleContext(project.journal, project.ledger, project.config, judge, params)
        hits = [f for f in run_rules(project.journal, project.ledger, project.config, judge) if f.rule == rule_id]
        assert sorted(pick(f) for f in hits) == sorted(scan(ctx)), judge
        fired += len(hits)
    assert fired  # the journal exercises the rule


def test_fading_evidence_is_the_fresh_one(project):
    from reflect.rules import BY_ID, RuleContext, effective
    _, _, params = effective(BY_ID["fading-relationship"], project.config)
    for judge in _judges(project)[::5]:
        ctx = RuleContext(project.journal, project.ledger, project.config, judge, params)
        fresh = _fading_evidence_scan(ctx)
        for f in run_rules(project.journal, project.ledger, project.config, judge, only=["fading-relationship"]):
            assert f.evidence == fresh[f.people[0]]


def test_evidence_of_keeps_its_definition():
    """The latest `limit` distinct entries (by source) in (date, source) order, for entries or flows,
    and how many there were in all."""
    from reflect.errors import Source
    from reflect.ledger import Flow
    from reflect.model import Entry
    d = dt.date(2026, 1, 5)
    e1 = Entry(d, ("a",), Act.GAVE, "x", Source("f.yaml", 9))
    e2 = Entry(d, ("a", "b"), Act.GAVE, "y", Source("f.yaml", 3))
    e3 = Entry(d - dt.timedelta(days=1), ("a",), Act.ASKED, "z", Source("g.yaml", 1))
    flows = [Flow("a", INVESTED, "give", 1.0, d, e1), Flow("a", INVESTED, "give", 1.0, d, e2),
             Flow("b", INVESTED, "give", 1.0, d, e2), Flow("a", "taken", "ask", 1.0, e3.date, e3)]
    assert evidence_of(flows) == (Evidence(e3.source, e3), Evidence(e2.source, e2), Evidence(e1.source, e1))
    assert evidence_of(flows, limit=1) == (Evidence(e1.source, e1),)
    assert evidence_of(flows, limit=1).total == 3
    assert evidence_of([e1]) == (Evidence(e1.source, e1),)
    assert evidence_of([e1], limit=0) == ()
    assert evidence_of([]) == ()
