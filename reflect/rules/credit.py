"""Credit and visibility rules, and promises: unacknowledged help, no visible gestures,
transactional language, broken promises."""
from __future__ import annotations

import datetime as dt
import functools
import re
from bisect import bisect_left, bisect_right

from reflect.bidi import iso
from reflect.console import plural
from reflect.model import Act, Outcome, Severity
from reflect.rules import Evidence, Hit, Rule, RuleContext, evidence_of


def _credit_index(ledger) -> tuple[list, list, dict[str, list[dt.date]]]:
    """Help that wants crediting (received, or an ask that helped; done and not marked
    acknowledged) with its dates, in journal order; and the dates of every done thank-you,
    per person, sorted.  Made once per ledger: a site build judges every week."""
    help_entries, help_dates, thanks = [], [], {}
    for e in ledger.journal.entries:
        if e.planned:
            continue
        if e.act is Act.THANKED:
            for p in e.people:
                thanks.setdefault(p, []).append(e.date)
        elif (e.act is Act.RECEIVED or (e.act is Act.ASKED and e.outcome is Outcome.HELPED)) and not e.acknowledged:
            help_entries.append(e)
            help_dates.append(e.date)
    return help_entries, help_dates, {p: sorted(ds) for p, ds in thanks.items()}


def _unacknowledged(ctx: RuleContext):
    start, end = ctx.window
    grace = dt.timedelta(days=ctx.params["grace_days"])
    after = dt.timedelta(days=ctx.params["thanks_within_days"])
    help_entries, help_dates, thanks = ctx.ledger.memo(("credit-index",), lambda: _credit_index(ctx.ledger))
    within = plural(ctx.params["thanks_within_days"], "day")
    rest = f"{within}, the rule waits {plural(ctx.params['grace_days'], 'day')}"
    words: dict = ctx.ledger.memo(("unacknowledged-words", within), dict)
    # Help in the window, in journal order.  A thank-you to p credits help from p on e.date
    # when it is dated in [e.date, e.date + after] and known on as_of (a thank-you written
    # later does not count for an earlier report): one bisect in p's sorted thank-you dates.
    for e in help_entries[bisect_left(help_dates, start):bisect_right(help_dates, end)]:
        if ctx.as_of - e.date <= grace:
            continue
        until = min(e.date + after, ctx.as_of)
        credited = []
        for p in e.people:
            ds = thanks.get(p, ())
            i = bisect_left(ds, e.date)
            if i < len(ds) and ds[i] <= until:
                credited.append(p)
        if len(credited) == len(e.people):
            continue
        missing = tuple(p for p in e.people if p not in credited)
        # the same help stays uncredited week after week: its two possible messages are made once
        # (entries live as long as the ledger, so their id is a stable key in its memo)
        said = words.get((id(e), missing))
        if said is None:
            names = ", ".join(ctx.name(p) for p in missing)
            said = words[(id(e), missing)] = (
                f"help from {names} on {e.date.isoformat()} ({iso(e.what)}) has not been acknowledged yet "
                f"(a thank-you still counts until {(e.date + after).isoformat()})",
                f"help from {names} on {e.date.isoformat()} ({iso(e.what)}) has not been credited: "
                f"no acknowledgement and no thank-you within {within}",
                (Evidence(e.source, e),))
        yield Hit(said[0] if ctx.as_of - e.date <= after else said[1], missing, said[2],
                  f"{plural((ctx.as_of - e.date).days, 'day')} ago; a thank-you counts within {rest}", e.date)


UNACKNOWLEDGED_HELP = Rule(
    id="unacknowledged-help", code="R301", title="Help not acknowledged",
    idea="Recognising what others contributed, privately and in public, is what turns a favour into a "
         "relationship.",
    severity=Severity.WARNING,
    params={"grace_days": 7, "thanks_within_days": 14},
    param_help={"grace_days": "days to wait before the rule speaks",
                "thanks_within_days": "a thank-you within this many days after the help counts"},
    lesson="Help that goes unrecognised is rarely offered twice. A specific thank-you, ideally where others "
           "can see it, costs little and tells people their effort mattered.",
    suggestion="Thank {names} specifically this week, and say in front of others what the help made possible.",
    fires="""
- {date: 2026-11-02, with: sam, received: Air cover in the exec review, size: medium}
""",
    quiet="""
- {date: 2026-11-02, with: sam, received: Air cover in the exec review, size: medium}
- {date: 2026-11-05, with: sam, thanked: Told the exec team how the review was saved}
""",
    check=_unacknowledged)


def _is_done_gave_or_thanked(e) -> bool:
    return not e.planned and e.act in (Act.GAVE, Act.THANKED)


def _no_visible(ctx: RuleContext):
    start, end = ctx.window
    # (the same filter as a scan of the window, made week by week and kept: see Ledger.per_block)
    gives = ctx.ledger.entries_where("no-visible-gestures:gives", _is_done_gave_or_thanked, start, end)
    real_gives = [e for e in gives if e.act is Act.GAVE]
    public = [e for e in gives if e.public]
    if len(real_gives) >= ctx.params["min_gives"] and not public:
        yield Hit(
            message=(f"{plural(len(real_gives), 'give')} in the last {plural(ctx.config.window_weeks, 'week')} "
                     f"and none of them public"),
            evidence=evidence_of(real_gives),
            numbers=f"{len(real_gives)} gives, 0 public; fires at {ctx.params['min_gives']:g} gives")


NO_VISIBLE_GESTURES = Rule(
    id="no-visible-gestures", code="R302", title="No visible gestures",
    idea="Symbolic reciprocity matters: credit given in public, an endorsement, a spotlight. Help that "
         "nobody sees does less for the relationship than it could.",
    severity=Severity.NOTICE,
    params={"min_gives": 5},
    param_help={"min_gives": "the fewest gives in the window before the rule speaks"},
    lesson="Optics are part of the exchange. A public word of credit costs you a minute and can be worth more "
           "to the other person than the favour itself.",
    suggestion="Credit someone's work in a meeting or channel where their peers and seniors will see it.",
    fires="""
- {date: 2026-10-20, with: priya, gave: Reviewed the roadmap deck}
- {date: 2026-10-28, with: sam, gave: Wrote the pilot summary}
- {date: 2026-11-04, with: jo, gave: Mentoring on stakeholder maps}
- {date: 2026-11-12, with: lee, gave: Shared the hiring rubric}
- {date: 2026-11-20, with: priya, gave: Took a customer call for her}
""",
    quiet="""
- {date: 2026-10-20, with: priya, gave: Reviewed the roadmap deck}
- {date: 2026-10-28, with: sam, gave: Wrote the pilot summary}
- {date: 2026-11-04, with: jo, gave: Mentoring on stakeholder maps}
- {date: 2026-11-12, with: lee, gave: Shared the hiring rubric}
- {date: 2026-11-20, with: priya, gave: Endorsed her proposal at the steering group, public: true}
""",
    check=_no_visible)


# The only place in reflect where ledger words are spelled out: they are what this rule looks for.
TRANSACTIONAL_PATTERNS = (
    re.compile(r"\bowes? (?:me|us)\b", re.IGNORECASE),
    re.compile(r"\byou owe\b", re.IGNORECASE),
    re.compile(r"\bowed (?:me|us)\b", re.IGNORECASE),
    re.compile(r"\bin (?:my|our) debt\b", re.IGNORECASE),
    re.compile(r"\bpay (?:me |us )?back\b", re.IGNORECASE),
    re.compile(r"\bquid pro quo\b", re.IGNORECASE),
    re.compile(r"\bkeep(?:ing)? (?:the )?score\b", re.IGNORECASE),
    re.compile(r"\bscore ?card\b", re.IGNORECASE),
    re.compile(r"\bcall(?:ing)? in (?:a|the|my) favou?r\b", re.IGNORECASE),
    re.compile(r"\bIOU\b", re.IGNORECASE),
    re.compile(r"\btit for tat\b", re.IGNORECASE),
    re.compile(r"\bwe(?:'re| are) (?:now )?even\b", re.IGNORECASE),
)


# one alternation of the patterns above: one search per text instead of twelve
_ANY_TRANSACTIONAL = re.compile("|".join(f"(?:{p.pattern})" for p in TRANSACTIONAL_PATTERNS), re.IGNORECASE)


@functools.lru_cache(maxsize=1 << 16)
def _ledger_talk(text: str) -> str | None:
    """The first ledger phrase in a text (memoised: a site build asks about each entry every week)."""
    m = _ANY_TRANSACTIONAL.search(text)
    return m.group(0) if m else None


def _talks_ledger(e) -> bool:
    return any(_ledger_talk(text) for text in (e.what, e.note) if text)


def _transactional(ctx: RuleContext):
    start, end = ctx.window
    # only the entries with ledger talk (found week by week and kept: see Ledger.per_block)
    for e in ctx.ledger.entries_where("transactional-language:talk", _talks_ledger, start, end):
        for label, text in (("description", e.what), ("note", e.note)):
            m = _ledger_talk(text) if text else None
            if m:
                yield Hit(
                    message=f"the {label} of the {e.date.isoformat()} entry says \"{m}\"",
                    people=e.people, evidence=(Evidence(e.source, e),),
                    date=e.date, numbers=f"matched \"{m}\"")
                break


TRANSACTIONAL_LANGUAGE = Rule(
    id="transactional-language", code="R303", title="Transactional language",
    idea="Treating reciprocity as a trade, with a running tally of who is up, destroys the trust it is meant "
         "to build; once it feels like bookkeeping, people start to guard their side of it.",
    severity=Severity.WARNING,
    params={},
    param_help={},
    lesson="The words you write shape how you think, and how you think leaks into how you ask. Describe what "
           "you did and why it mattered, not what you are now entitled to.",
    suggestion="Rewrite the entry to say what the help meant, and ask yourself whether that framing shows "
               "when you talk to {names}.",
    fires="""
- date: 2026-11-18
  with: lee
  gave: Covered the release review
  note: Saved the launch for the team; quid pro quo, I will need them in Q1.
""",
    quiet="""
- date: 2026-11-18
  with: lee
  gave: Covered the release review
  note: Saved the launch; glad I could help, it was a tough week for the team.
""",
    check=_transactional)


def _promise_index(ledger) -> list[tuple[dt.date, dt.date, object]]:
    """(date, last day it can be reported, promise) for every done promise, in journal order.

    A promise can be reported as of a day only before it is kept, and once dropped only while
    the drop is in the window; an open promise past due, on any later day (dt.date.max).
    Made once per ledger, so that each week skips the long-settled promises with one compare."""
    first, end = ledger.window(dt.date.max)
    span = end - first  # a drop on D is in the window of as_of for D <= as_of <= D + span
    out = []
    for e in ledger.promises:
        if e.planned or e.kept == dt.date.min:  # (kept on the first day there is: never open)
            continue
        last = dt.date.max
        if e.kept is not None:
            last = min(last, e.kept - dt.timedelta(days=1))
        if e.dropped is not None and e.dropped <= dt.date.max - span:
            last = min(last, e.dropped + span)
        out.append((e.date, last, e))
    return out


def _broken_promise(ctx: RuleContext):
    start, end = ctx.window
    for date, last, e in ctx.ledger.memo(("promise-index",), lambda: _promise_index(ctx.ledger)):
        if date > ctx.as_of:
            break  # journal order is date order: the rest are later still
        if last < ctx.as_of:
            continue  # kept, or dropped before this window: nothing to report (see _promise_index)
        # judged with what was known on as_of: a promise kept (or dropped) later was still open then
        kept = e.kept is not None and e.kept <= ctx.as_of
        dropped = e.dropped is not None and e.dropped <= ctx.as_of
        if e.planned or kept or e.date > ctx.as_of:
            continue
        names = ", ".join(ctx.name(p) for p in e.people)
        if dropped and start <= e.dropped <= end:
            yield Hit(message=f"the promise to {names} ({iso(e.what)}) was dropped on {e.dropped.isoformat()}",
                      people=e.people, evidence=evidence_of([e]), date=e.dropped,
                      numbers="dropped without being kept")
        elif not dropped and e.due and e.due < ctx.as_of:
            late = (ctx.as_of - e.due).days
            yield Hit(message=f"the promise to {names} ({iso(e.what)}) was due on {e.due.isoformat()} and is not kept",
                      people=e.people, evidence=evidence_of([e]), date=e.due,
                      numbers=f"{plural(late, 'day')} past due")


BROKEN_PROMISE = Rule(
    id="broken-promise", code="R501", title="Broken promise",
    idea="Over-promising is one of the easiest ways to lose credibility: a promise not kept weighs more than "
         "the favour would have.",
    severity=Severity.WARNING,
    params={},
    param_help={},
    lesson="Only promise what you can deliver. When you cannot, say so early and offer something smaller; "
           "silence is read as not caring.",
    suggestion="Talk to {names} this week: deliver, agree a new date, or release the promise honestly.",
    fires="""
- {date: 2026-11-02, with: jo, promised: Introduction to the design lead, due: 2026-11-13}
""",
    quiet="""
- {date: 2026-11-02, with: jo, promised: Introduction to the design lead, due: 2026-11-13, kept: 2026-11-12}
- {date: 2026-11-20, with: priya, promised: Feedback on her offsite agenda, due: 2026-12-04}
""",
    check=_broken_promise)
