"""Strategy rules: indiscriminate giving, grand gestures, late banking, one level only,
sponsorship readiness."""
from __future__ import annotations

import datetime as dt

from reflect.bidi import iso
from reflect.console import fmt_weight, plural
from reflect.model import Act, Alignment, Level, Severity
from reflect.rules import Hit, Rule, RuleContext, evidence_of


_n = fmt_weight


def _is_done_gave(e) -> bool:
    return e.act is Act.GAVE and not e.planned


def _indiscriminate(ctx: RuleContext):
    start, end = ctx.window
    # flows_where, entries_where, per_block: the same filters as a scan of the window, made week
    # by week and kept (a site build sees each week in a dozen windows): see Ledger.per_block
    flows = ctx.ledger.invested_flows(start, end)
    total = sum(ctx.ledger.fade(f, end) for f in flows)
    low = [f for f in flows if (p := ctx.journal.people.get(f.person)) and p.alignment is Alignment.LOW]
    low_w = sum(ctx.ledger.fade(f, end) for f in low)
    if total >= ctx.params["min_invested"] and low_w / total > ctx.params["max_low_share"]:
        people = tuple(sorted({f.person for f in low}))
        yield Hit(
            message=(f"{low_w / total:.0%} of what you invested in the last {plural(ctx.config.window_weeks, 'week')} went to "
                     f"people you marked as low alignment ({', '.join(ctx.name(p) for p in people)})"),
            people=people, evidence=evidence_of(low),
            numbers=f"{_n(low_w)} of {_n(total)} by weight; fires above {ctx.params['max_low_share']:.0%}")


INDISCRIMINATE_GIVING = Rule(
    id="indiscriminate-giving", code="R401", title="Indiscriminate giving",
    idea="Reciprocity works best when it is strategic: helping everyone equally spreads your time thin and "
         "leaves the relationships that matter most under-invested.",
    severity=Severity.NOTICE,
    params={"max_low_share": 0.5, "min_invested": 3},
    param_help={"max_low_share": "the largest share of invested weight that may go to alignment: low people",
                "min_invested": "the least invested weight before the rule speaks"},
    lesson="Generosity is not the problem; aim is. Make sure the people closest to what you are trying to "
           "achieve get a fair share of your help.",
    suggestion="Look at who is marked high alignment and plan your next give there.",
    people="""
priya: {name: Priya Shah, level: peer, alignment: high}
lee: {name: Lee Wong, level: peer, alignment: low}
""",
    fires="""
- {date: 2026-11-02, with: lee, gave: Rewrote the vendor slides, size: medium}
- {date: 2026-11-10, with: lee, gave: Covered the vendor call}
- {date: 2026-11-18, with: priya, gave: Reviewed the roadmap deck}
""",
    quiet="""
- {date: 2026-11-02, with: lee, gave: Covered the vendor call}
- {date: 2026-11-10, with: priya, gave: Lent two analysts for a sprint, size: medium}
- {date: 2026-11-18, with: priya, gave: Reviewed the roadmap deck}
""",
    check=_indiscriminate)


def _grand_gestures(ctx: RuleContext):
    start, end = ctx.window
    gives = ctx.ledger.entries_where("grand-gestures:gives", _is_done_gave, start, end)
    large = [e for e in gives if e.size.value == "large"]
    small = [e for e in gives if e.size.value == "small"]
    if large and len(large) > len(small):
        yield Hit(
            message=(f"{plural(len(large), 'large give')} and {plural(len(small), 'small one')} in the last "
                     f"{plural(ctx.config.window_weeks, 'week')}"),
            people=tuple(sorted({p for e in large for p in e.people})), evidence=evidence_of(large),
            numbers=f"{len(large)} large vs {len(small)} small")


GRAND_GESTURES = Rule(
    id="grand-gestures", code="R402", title="Grand gestures over small favours",
    idea="Small, frequent favours often matter more than occasional grand gestures; they keep the exchange "
         "alive without making anyone feel they must match them.",
    severity=Severity.NOTICE,
    params={},
    param_help={},
    lesson="Big favours are memorable but rare, and can make the other person uneasy about matching them. "
           "A steady flow of small help is easier to accept and to return.",
    suggestion="Look for three small ways to help this week: a quick review, a useful link, a warm introduction.",
    fires="""
- {date: 2026-11-02, with: priya, gave: Took over the whole migration plan, size: large}
- {date: 2026-11-16, with: sam, gave: Ran the offsite end to end, size: large}
- {date: 2026-11-18, with: jo, gave: Quick review of the survey}
""",
    quiet="""
- {date: 2026-11-02, with: priya, gave: Took over the whole migration plan, size: large}
- {date: 2026-11-16, with: sam, gave: Forwarded the analyst report}
- {date: 2026-11-18, with: jo, gave: Quick review of the survey}
""",
    check=_grand_gestures)


def _late_banking(ctx: RuleContext):
    start, end = ctx.window
    # only the asks coming up (or just missed) around as_of: a past week's report must not see later plans
    soon_from, soon_to = ctx.as_of - dt.timedelta(days=7), ctx.as_of + dt.timedelta(days=14)
    for e in ctx.ledger.planned:
        if e.act is not Act.ASKED or not soon_from <= e.date <= soon_to:
            continue
        for pid in e.people:
            b = ctx.ledger.balance(pid, start, end)
            if b.invested == 0:
                yield Hit(
                    message=(f"you plan to ask {ctx.name(pid)} on {e.date.isoformat()} ({iso(e.what)}) and have "
                             f"invested nothing with {ctx.name(pid)} in the last "
                             f"{plural(ctx.config.window_weeks, 'week')}"),
                    people=(pid,), evidence=evidence_of([e]), date=e.date,
                    numbers=f"invested 0; taken {_n(b.taken)}")


LATE_BANKING = Rule(
    id="late-banking", code="R403", title="Asking before investing",
    idea="Goodwill is best built before you need it: bank favours early, so that an ask lands in a "
         "relationship that already has trust in it.",
    severity=Severity.NOTICE,
    params={},
    param_help={},
    lesson="An ask from someone who has never helped feels like a cold call. A small give first changes how "
           "the same request is heard.",
    suggestion="Before you ask {name}, find one way to help them first, even a small one.",
    fires="""
- {date: 2026-12-01, with: sam, asked: Sponsor the data-platform pitch, planned: true}
""",
    quiet="""
- {date: 2026-11-10, with: sam, gave: Drafted the board update for the programme}
- {date: 2026-12-01, with: sam, asked: Sponsor the data-platform pitch, planned: true}
""",
    check=_late_banking)


def _one_level_only(ctx: RuleContext):
    start, end = ctx.window
    ledger = ctx.ledger
    touched = set().union(*ledger.per_block(
        "one-level-only:people", start, end,
        lambda lo, hi: {p for e in ledger.entries_between(lo, hi) if not e.planned for p in e.people}))
    if not touched:
        return
    levels = {lvl: [p for p in ctx.journal.people.values() if p.level is lvl] for lvl in (Level.SENIOR, Level.PEER, Level.JUNIOR)}
    reached = {ctx.journal.people[p].level for p in touched if p in ctx.journal.people}
    for lvl, people in levels.items():
        if people and lvl not in reached:
            word = {"senior": "seniors", "peer": "peers", "junior": "juniors"}[lvl.value]
            yield Hit(
                message=(f"no exchange with {word} in the last {plural(ctx.config.window_weeks, 'week')}, although your journal "
                         f"lists {len(people)} ({', '.join(iso(p.name) for p in people[:4])}{'…' if len(people) > 4 else ''})"),
                people=tuple(p.id for p in people),
                numbers=f"0 exchanges with {word}; {plural(len(touched), 'person', 'people')} reached at other levels")


ONE_LEVEL_ONLY = Rule(
    id="one-level-only", code="R404", title="One level only",
    idea="Influence travels in every direction: peers, people who report to you and people above you all "
         "need to be part of the exchange.",
    severity=Severity.NOTICE,
    params={},
    param_help={},
    lesson="Seniors can sponsor you, peers can carry your initiatives across silos, juniors can tell you what "
           "is really happening. A network at one level sees only one part of the organisation.",
    suggestion="Plan one exchange this week with someone at the level you have not reached ({names}).",
    fires="""
- {date: 2026-11-02, with: priya, gave: Reviewed the roadmap deck}
- {date: 2026-11-10, with: lee, asked: Input on the pricing page, outcome: helped}
""",
    quiet="""
- {date: 2026-11-02, with: priya, gave: Reviewed the roadmap deck}
- {date: 2026-11-10, with: sam, asked: Input on the budget case, outcome: helped}
- {date: 2026-11-12, with: jo, gave: Coached on the first stakeholder review}
""",
    check=_one_level_only)


def _months_back(as_of: dt.date, n: int) -> list[tuple[int, int]]:
    y, m = as_of.year, as_of.month
    out = []
    for _ in range(n):
        out.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


def _sponsorship(ctx: RuleContext):
    n = max(1, int(ctx.params["months"]))
    months = _months_back(ctx.as_of, n)
    first = dt.date(*months[-1], 1)
    for pid, person in ctx.journal.people.items():
        if person.level is not Level.SENIOR:
            continue
        active = {(d.year, d.month) for d in ctx.ledger.contacts_between(pid, first, ctx.as_of)}
        if len(active) < ctx.params["min_months"]:
            continue  # before the balance: it cannot fire, whatever the balance says
        b = ctx.ledger.balance(pid, first, ctx.as_of)
        if b.gives >= 1 and (b.receipts + b.asks) >= 1:
            yield Hit(
                message=(f"you have exchanged with {iso(person.name)} in {len(active)} of the last {n} months, "
                         f"in both directions ({plural(b.gives, 'give')}, "
                         f"{plural(b.receipts + b.asks, 'ask or receipt', 'asks or receipts')})"),
                people=(pid,), evidence=evidence_of(b.flows),
                numbers=f"{len(active)} active months of {n}; fires at {ctx.params['min_months']:g} with both directions")


SPONSORSHIP_READY = Rule(
    id="sponsorship-ready", code="R405", title="Ready for a sponsorship conversation",
    idea="Sustained two-way exchange with a senior leader is the ground from which sponsorship grows: "
         "someone who knows your work and has seen you help is ready to speak for you.",
    severity=Severity.NOTICE,
    params={"months": 6, "min_months": 3},
    param_help={"months": "how many calendar months to look back",
                "min_months": "the fewest months with an exchange"},
    lesson="Sponsorship is rarely offered unasked. When the relationship is already reciprocal, asking a "
           "senior to advocate for you is a natural next step, not an imposition.",
    suggestion="Ask {name} for a conversation about your next initiative and whether they would back it.",
    fires="""
- {date: 2026-08-12, with: sam, gave: Drafted the board update for the programme}
- {date: 2026-09-15, with: sam, asked: Review of the operating model, outcome: helped}
- {date: 2026-11-04, with: sam, gave: Briefed the new CFO on the pilots}
""",
    quiet="""
- {date: 2026-08-12, with: sam, gave: Drafted the board update for the programme}
- {date: 2026-09-15, with: sam, gave: Review of the operating model}
- {date: 2026-11-04, with: sam, gave: Briefed the new CFO on the pilots}
""",
    check=_sponsorship)
