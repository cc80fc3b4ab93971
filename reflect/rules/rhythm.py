"""Rhythm rules: fading relationships, over-giving, the weekly homework, missed plans, compounding."""
from __future__ import annotations

import datetime as dt
import functools

from reflect.bidi import iso
from reflect.console import plural
from reflect.ledger import INVESTED, as_it_stands, is_ask, is_give
from reflect.model import Act, Severity, week_bounds, week_of
from reflect.rules import Hit, Rule, RuleContext, evidence_of


@functools.lru_cache(maxsize=1 << 12)
def _rhythm_words(name: str, rhythm_days: int | None, default_days: int) -> tuple[int, str, str]:
    """(rhythm in days, 'N days', how the rhythm is described) for a person: the same every week."""
    rhythm = rhythm_days or default_days
    every = plural(rhythm, "day")
    if rhythm_days:
        said = f"the rhythm you set is every {every}"
    else:  # the default: the user did not choose it for this person
        said = f"your rhythm with {iso(name)} (every {every})"
    return rhythm, every, said


def _fading(ctx: RuleContext):
    cfg, ledger, as_of = ctx.config, ctx.ledger, ctx.as_of
    if cfg.is_away(as_of):
        return
    min_exchanges, default_days = ctx.params["min_exchanges"], cfg.default_rhythm_days
    # A silence is reported week after week until the next exchange (a 10k site build reports
    # ~60,000 of them): what does not change while it lasts (the evidence, the last three
    # entries up to `last`, and the words around the growing number of days) is made once.
    silences: dict = ledger.memo(("fading-silences", default_days), dict)
    summary = ledger.contact_summary
    for pid, person in ctx.journal.people.items():
        count, last = summary(pid, as_of)
        if count < min_exchanges or last is None:
            continue
        rhythm = person.rhythm_days or default_days
        away = cfg.away_days(last + dt.timedelta(days=1), as_of) if cfg.away else 0
        quiet_days = (as_of - last).days - away
        if quiet_days <= rhythm:
            continue
        known = silences.get(pid)
        if known is None or known[0] != last:
            _, every, said = _rhythm_words(person.name, person.rhythm_days, default_days)
            known = silences[pid] = (
                last, evidence_of(ledger.entries_with(pid, last, last=3)),
                f"no exchange with {iso(person.name)} for ", f" (since {last.isoformat()}); {said}",
                f"; rhythm {every}; {plural(count, 'past exchange')}")
        _, evidence, head, tail, facts = known
        quiet = plural(quiet_days, "day")
        not_counting = f" (not counting {plural(away, 'day')} away)" if away else ""
        yield Hit(head + quiet + tail, (pid,), evidence, f"{quiet} quiet{not_counting}{facts}", last)


FADING_RELATIONSHIP = Rule(
    id="fading-relationship", code="R201", title="Fading relationship",
    idea="Reciprocity is a rhythm, not a one-off trade: a relationship that was active and then went quiet "
         "loses the trust it had built.",
    severity=Severity.NOTICE,
    params={"min_exchanges": 2},
    param_help={"min_exchanges": "the fewest past exchanges before a silence is noticed "
                                 "(the rhythm itself is per person in people.yaml, default in reflect.yaml)"},
    lesson="Small, regular touches keep a relationship warm at little cost; reviving a cold one takes far more.",
    suggestion="Reach out to {name} this week with something useful to them: a link, a thank-you, a quick check-in.",
    fires="""
- {date: 2026-08-20, with: jo, gave: Coached on the first stakeholder review}
- {date: 2026-09-03, with: jo, received: Notes from the customer interviews}
""",
    quiet="""
- {date: 2026-08-20, with: jo, gave: Coached on the first stakeholder review}
- {date: 2026-09-03, with: jo, received: Notes from the customer interviews}
- {date: 2026-11-20, with: jo, thanked: For the interview notes}
""",
    check=_fading)


def _week_gives(ledger, week_start: str, start: dt.date, end: dt.date) -> dict[str, list]:
    """Gives (public thanks aside) dated in [start, end] per report week, one flow per entry."""
    weeks: dict[str, list] = {}
    for f in ledger.flows_between(start, end):
        if f.direction == INVESTED and f.kind != "public-thanks":
            weeks.setdefault(week_of(f.date, week_start), {})[f.entry.source] = f
    return {w: list(v.values()) for w, v in weeks.items()}


def _window_week_gives(ctx: RuleContext, start: dt.date, end: dt.date) -> dict[str, tuple[list, tuple | None]]:
    """_week_gives over the window: week -> (its gives, a memo key for its evidence or None).

    A week that lies wholly inside the window has the same gives in every window that holds it
    (a site build sees each week in 12 windows): its gives, and its evidence if asked for, are made
    once per ledger.  The weeks cut by the window's edges are grouped afresh (key None)."""
    ws, ledger = ctx.config.week_start, ctx.ledger
    out: dict[str, tuple[list, tuple | None]] = {}
    first, last = week_bounds(week_of(start, ws), ws)
    while first <= end:
        lo, hi = max(first, start), min(last, end)
        if (lo, hi) == (first, last):
            weeks = ledger.memo(("week-gives", ws, first), lambda: _week_gives(ledger, ws, first, last))
            key = ("week-gives-evidence", ws, first)
        else:
            weeks, key = _week_gives(ledger, ws, lo, hi), None
        for week, flows in weeks.items():  # (one week at most)
            out[week] = (flows, key)
        first, last = first + dt.timedelta(days=7), last + dt.timedelta(days=7)
    return out


def _over_giving(ctx: RuleContext):
    start, end = ctx.window
    limit = ctx.params["max_gives_per_week"]
    setting = ctx.config.rules.get("over-giving")
    if setting is not None and "max_gives_per_week" in setting.params:
        bound = f"more than the {limit:g} you set as a sustainable week"
    else:  # the default: the user did not choose it
        bound = f"more than a sustainable week ({limit:g})"
    for week, (flows, key) in sorted(_window_week_gives(ctx, start, end).items()):
        if len(flows) > limit:
            people = tuple(sorted({f.person for f in flows}))
            evidence = evidence_of(flows) if key is None else ctx.ledger.memo(key, lambda: evidence_of(flows))
            yield Hit(
                message=f"{plural(len(flows), 'give')} in {week}, {bound}",
                people=people, evidence=evidence, date=flows[0].date,
                numbers=f"{plural(len(flows), 'give')} in one week; limit {limit:g}")


OVER_GIVING = Rule(
    id="over-giving", code="R202", title="Over-giving",
    idea="Generosity without boundaries ends in exhaustion and blurred priorities; saying yes to everything "
         "is not a strategy.",
    severity=Severity.WARNING,
    params={"max_gives_per_week": 8},
    param_help={"max_gives_per_week": "the most gives in one ISO week before the rule speaks"},
    lesson="Help that you can sustain is worth more than a burst that burns you out. Choosing where to give "
           "is part of giving well.",
    suggestion="Before saying yes next week, ask whether the favour fits your priorities; decline or defer one.",
    fires="\n".join(f"- {{date: 2026-11-{d:02d}, with: {p}, gave: Favour number {i + 1}}}"
                    for i, (d, p) in enumerate([(16, "priya"), (16, "sam"), (17, "jo"), (17, "lee"), (18, "priya"),
                                                (18, "sam"), (19, "jo"), (19, "lee"), (20, "priya")])),
    quiet="\n".join(f"- {{date: 2026-11-{d:02d}, with: {p}, gave: Favour number {i + 1}}}"
                    for i, (d, p) in enumerate([(16, "priya"), (16, "sam"), (17, "jo"), (17, "lee"), (18, "priya"),
                                                (18, "sam"), (19, "jo"), (23, "lee"), (24, "priya")])),
    check=_over_giving)


def _homework_missing(ctx: RuleContext):
    ws = ctx.config.week_start
    first, last = week_bounds(week_of(ctx.as_of, ws), ws)
    if ctx.config.away_days(first, last) >= 5:
        return
    # as it stands on as_of: what was done by then, and what is planned for the week
    week = as_it_stands(ctx.ledger.entries_between(first, last), ctx.as_of)
    gives = [e for e in week if is_give(e)]
    asks = [e for e in week if is_ask(e)]
    missing = [w for w, have in (("give", gives), ("ask", asks)) if not have]
    if missing:
        yield Hit(
            message=(f"the week of {first.isoformat()} ({week_of(ctx.as_of, ctx.config.week_start)}) has no "
                     f"{' and no '.join(missing)} yet, done or planned" if ctx.as_of < last else
                     # on its last day (where a report of a week gone by is judged): no "yet"
                     f"the week of {first.isoformat()} ({week_of(ctx.as_of, ctx.config.week_start)}) has no "
                     f"{' and no '.join(missing)}, done or planned"),
            evidence=evidence_of(week), date=first,
            # 'acts of giving': promises and public thanks count here, unlike the week's Gives tile
            numbers=f"{plural(len(gives), 'act')} of giving and {plural(len(asks), 'ask')} this week, done or "
                    "planned; the homework is one of each")


HOMEWORK_MISSING = Rule(
    id="homework-missing", code="R203", title="Weekly homework missing",
    idea="Each week, plan one act of giving and one act of asking, then watch what changes.",
    severity=Severity.NOTICE,
    params={},
    param_help={},
    lesson="Reciprocity grows through small deliberate acts. A plan of one give and one ask a week is small "
           "enough to keep and large enough to shift how people see you.",
    suggestion="Run `reflect plan` to pick one give and one ask for this week.",
    fires="""
- {date: 2026-11-24, with: priya, gave: Reviewed the roadmap deck}
""",
    quiet="""
- {date: 2026-11-24, with: priya, gave: Reviewed the roadmap deck}
- {date: 2026-11-27, with: sam, asked: Thirty minutes on the budget case, planned: true}
""",
    check=_homework_missing)


def _missed_plan(ctx: RuleContext):
    for e in ctx.ledger.planned:
        if e.date < ctx.as_of and not ctx.config.is_away(e.date):
            names = ", ".join(ctx.name(p) for p in e.people)
            days = (ctx.as_of - e.date).days
            yield Hit(
                message=f"planned for {e.date.isoformat()} and still open: {e.act.value} {names}: {iso(e.what)}",
                people=e.people, evidence=evidence_of([e]), date=e.date,
                numbers=f"{plural(days, 'day')} past its date")


MISSED_PLAN = Rule(
    id="missed-plan", code="R204", title="Missed plan",
    idea="The weekly plan only works when you close the loop: done, moved, or let go on purpose.",
    severity=Severity.NOTICE,
    params={},
    param_help={},
    lesson="An open plan quietly turns into a promise you did not keep. Deciding what happened to it keeps "
           "your intentions honest.",
    suggestion="Do it this week, move its date, or delete it; if you did it, run `reflect done` to record it.",
    fires="""
- {date: 2026-11-20, with: sam, asked: Feedback on the org design, planned: true}
""",
    quiet="""
- {date: 2026-11-20, with: sam, asked: Feedback on the org design, outcome: helped}
- {date: 2026-11-30, with: sam, gave: Share the pilot results, planned: true}
""",
    check=_missed_plan)


def _is_small_public(e) -> bool:
    if e.planned or not e.public:
        return False
    return e.act is Act.THANKED or (e.act is Act.GAVE and e.size.value == "small")


def _small_public(ctx: RuleContext, start: dt.date, end: dt.date) -> list:
    # (the same filter as a scan of [start, end], made week by week and kept: see Ledger.per_block)
    return ctx.ledger.entries_where("compounding:small-public", _is_small_public, start, end)


def _compounding(ctx: RuleContext):
    n = int(ctx.params["weeks"])
    recent_start = ctx.as_of - dt.timedelta(days=7 * n - 1)
    before_end = recent_start - dt.timedelta(days=1)
    before_start = before_end - dt.timedelta(days=7 * n - 1)
    recent = _small_public(ctx, recent_start, ctx.as_of)
    before = _small_public(ctx, before_start, before_end)
    if len(recent) > len(before) and len(recent) >= ctx.params["min_recent"]:
        people = tuple(sorted({p for e in recent for p in e.people}))
        yield Hit(
            message=(f"{plural(len(recent), 'small public gesture')} in the last {plural(n, 'week')}, "
                     f"up from {len(before)} in the {'week' if n == 1 else f'{n} weeks'} before"),
            people=people, evidence=evidence_of(recent),
            numbers=f"{len(recent)} vs {len(before)} small public gives and thanks")


COMPOUNDING = Rule(
    id="compounding", code="R205", title="Compounding visibility",
    idea="Small public gestures multiply: one person's credit, seen by many, invites more exchanges than a "
         "large private favour.",
    severity=Severity.STRENGTH,
    params={"weeks": 4, "min_recent": 2},
    param_help={"weeks": "the length of the two periods compared", "min_recent": "the fewest recent gestures"},
    lesson="Visible, frequent, small acts of credit build a reputation for generosity that no single grand "
           "gesture can buy.",
    suggestion="Keep it going: one public thank-you or spotlight a week is enough.",
    fires="""
- {date: 2026-11-05, with: jo, thanked: Credited the interview synthesis at the all-hands, public: true}
- {date: 2026-11-19, with: priya, gave: Endorsed her proposal in the steering group, public: true}
""",
    quiet="""
- {date: 2026-10-15, with: jo, thanked: Credited the interview synthesis at the all-hands, public: true}
- {date: 2026-10-22, with: lee, thanked: Shout-out for the release notes, public: true}
- {date: 2026-11-19, with: priya, gave: Endorsed her proposal in the steering group, public: true}
""",
    check=_compounding)
