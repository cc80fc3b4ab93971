"""Everything a page shows, computed: week reports, person pages, the site index.

Pure functions from (project, findings, dates) to plain frozen data.  Templates
only arrange what is here; every number, sentence fragment and choice (which
relationship is this week's homework, what to plan) is made in this module.
"""
from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from reflect.bidi import iso, text
from reflect.console import fmt_weight, listed, plural
from reflect.ledger import INVESTED, TAKEN, Balance, as_it_stands, is_ask, is_give
from reflect.model import Act, Entry, Outcome, week_bounds, week_of  # week_bounds, week_of: also imported from here
from reflect.project import Project
from reflect.rules import BY_ID, Finding, effective, run_rules

TREND_WEEKS = 12
RECENT_DAYS = 28


# ---------------------------------------------------------------- data

@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: int
    detail: str            # e.g. "3 helped"
    average: float         # mean of the 12 weeks before
    delta: str             # "+2 vs usual", "as usual"
    series: tuple[int, ...]  # the 12 weeks ending with this one


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str                       # one sentence
    people: tuple[tuple[str, str, str], ...]  # (person id, name, detail)


@dataclass(frozen=True)
class Relationship:
    kind: str            # "given-more" | "asked-more"
    title: str
    person: str | None
    name: str
    level: str
    invested: float
    taken: float
    text: str            # the observation
    action: str          # the suggestion


@dataclass(frozen=True)
class Suggestion:
    act: str             # "gave" | "asked"
    person: str
    name: str
    what: str            # a short proposed description
    reason: str


@dataclass(frozen=True)
class PlanItem:
    entry: Entry
    names: str
    status: str          # "done" | "missed" | "planned"


@dataclass(frozen=True)
class Plan:
    last_week: str
    last_items: tuple[PlanItem, ...]
    last_give_done: bool
    last_ask_done: bool
    next_week: str
    next_items: tuple[PlanItem, ...]      # already planned for the coming week
    give: Suggestion | None
    ask: Suggestion | None
    last_in_journal: bool = True          # False: the journal starts after last week (nothing was missed)
    last_away: bool = False               # you were away most of last week: no homework was due
    next_covered: tuple[str, ...] = ()    # "give", "ask": already planned for the coming week

    def last_status(self, kind: str) -> str:
        """Last week's "give" or "ask": "done", "away" (no homework was due), or "missed"."""
        if self.last_give_done if kind == "give" else self.last_ask_done:
            return "done"
        return "away" if self.last_away else "missed"

    @property
    def away_all_last_week(self) -> bool:
        """Away last week and nothing of the homework done: there is nothing to look back on."""
        return self.last_status("give") == self.last_status("ask") == "away"


@dataclass(frozen=True)
class Signal:
    label: str
    value: str
    previous: str
    note: str


@dataclass(frozen=True)
class NetworkNode:
    id: str
    name: str
    level: str
    invested: float
    taken: float
    fading: bool


@dataclass(frozen=True)
class WeekReport:
    week: str                    # "2026-W48"
    start: dt.date
    end: dt.date
    as_of: dt.date
    owner: str
    is_current: bool
    tiles: tuple[Tile, ...]
    questions: tuple[Answer, ...]
    network: tuple[NetworkNode, ...]
    relationships: tuple[Relationship, ...]
    findings: tuple[Finding, ...]
    plan: Plan
    trend_weeks: tuple[str, ...]
    trend: dict                  # series name -> tuple of ints
    signals: tuple[Signal, ...]
    reflection: str              # Markdown ('' when none)
    coach: str                   # Markdown ('' when none)
    prompts: tuple[str, ...]
    entries: tuple[Entry, ...]   # the week's entries (done and planned)
    prev_week: str | None
    next_week: str | None
    # everyone in the window by level, (level, count) seniors first: the map draws the 24 busiest
    network_levels: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class TimelineItem:
    entry: Entry
    direction: str   # invested | taken | none
    weight: float


@dataclass(frozen=True)
class PersonPage:
    id: str
    name: str
    level: str
    team: str
    alignment: str
    rhythm_days: int
    note: str
    balance: Balance
    all_time: Balance
    timeline: tuple[TimelineItem, ...]   # newest first, capped
    hidden: int                          # entries not shown (cap)
    weekly: tuple[tuple[str, int], ...]  # a year of weeks: (week, exchanges)
    monthly: tuple[tuple[str, float, float], ...]  # (YYYY-MM, invested, taken) over the last 12 months
    findings: tuple[Finding, ...]
    last: dt.date | None
    quiet_days: int | None


@dataclass(frozen=True)
class SiteIndex:
    owner: str
    as_of: dt.date
    current: WeekReport
    weeks: tuple[tuple[str, int], ...]          # (week, entries) for every week with a page, newest first
    people: tuple[tuple[str, str, str, int], ...]  # (id, name, level, entries), by name
    balances: tuple[tuple[str, str, float, float], ...]  # (id, name, invested, taken)
    findings: tuple[Finding, ...]
    entry_count: int
    first: dt.date | None
    last: dt.date | None


# ---------------------------------------------------------------- helpers

_n = fmt_weight  # a weight in a sentence


def _name(project: Project, pid: str) -> str:
    return project.journal.person_name(pid)


def _level(project: Project, pid: str) -> str:
    p = project.journal.people.get(pid)
    return p.level.value if p else "external"


def _week_entries(ledger, start: dt.date, end: dt.date, known: dt.date | None = None) -> tuple[Entry, ...]:
    """The entries dated in [start, end] (planned ones too) and the promises made before `start`
    and kept by `known` (default `end`) in it, in date order (a kept promise on the day it was
    kept: it is a give of that day)."""
    es = ledger.entries_between(start, end)
    last = end if known is None else min(end, known)
    kept = []
    for f in ledger.flows_between(start, last):
        if f.kind == "kept-promise" and f.entry.date < start and all(f.entry is not k for k in kept):
            kept.append(f.entry)
    if not kept:
        return es
    # in date order, a kept promise on the day it was kept (its line shows when it was made)
    return tuple(sorted(es + tuple(kept), key=lambda e: e.kept if e.date < start else e.date))


def _counts(entries, start: dt.date, end: dt.date) -> dict[str, int]:
    """A week's numbers from `_week_entries(…, start, end)`: planned entries are not counted, and a
    promise counts as a give in the week it was kept (whenever it was made)."""
    done = [e for e in entries if not e.planned]
    made = [e for e in done if e.date >= start]     # not the promises made earlier and kept now
    return {
        "gives": sum(1 for e in made if e.act is Act.GAVE)
        + sum(1 for e in done if e.act is Act.PROMISED and e.kept is not None and start <= e.kept <= end),
        "receipts": sum(1 for e in made if e.act is Act.RECEIVED),
        "asks": sum(1 for e in made if e.act is Act.ASKED),
        "helped": sum(1 for e in made if e.act is Act.ASKED and e.outcome is Outcome.HELPED),
        "thanks": sum(1 for e in made if e.act is Act.THANKED),
        "people": len({p for e in done for p in e.people}),
        "public": sum(1 for e in made if e.public),
    }


_TILES = (("gives", "Gives"), ("receipts", "Help received"), ("asks", "Asks"), ("thanks", "Thanks"),
          ("people", "People touched"), ("public", "Public acts"))


def _delta(value: int, avg: float) -> str:
    d = value - avg
    n = int(abs(d) + 0.5)  # round half up: 0.5 above usual reads as +1
    if n == 0:
        return "as usual"
    return f"{'+' if d > 0 else '−'}{n} vs usual"


# ---------------------------------------------------------------- week report

def week_report(project: Project, week: str, as_of: dt.date, findings: list[Finding] | None = None) -> WeekReport:
    """The homework report for one week, judged as of the week's end (or as_of, if earlier)."""
    cfg, ledger, journal = project.config, project.ledger, project.journal
    start, end = week_bounds(week, cfg.week_start)
    judge = min(end, as_of)
    if findings is None:
        findings = run_rules(journal, ledger, cfg, judge)
    # as of a day inside the week, what happened later that week is not known yet (plans for it are)
    week_entries = _week_entries(ledger, start, end, judge)
    if judge < end:
        week_entries = tuple(as_it_stands(week_entries, judge))
    # 1. numbers
    series: dict[str, list[int]] = {k: [] for k, _ in _TILES}
    series["helped"] = []
    weeks = [start - dt.timedelta(days=7 * i) for i in range(TREND_WEEKS, -1, -1)]  # 13 Mondays, oldest first
    for ws in weeks:
        if ws == start and judge < end:   # this week, cut at `judge`: counted for this report only
            c = _counts(week_entries, start, judge)
        else:
            # each whole week's counts feed the tiles and trend of the 13 reports that show it: made once
            c = ledger.memo(("week-counts", ws),
                            lambda: _counts(_week_entries(ledger, ws, ws + dt.timedelta(days=6)),
                                            ws, ws + dt.timedelta(days=6)))
        for k in series:
            series[k].append(c[k])
    tiles = []
    for key, label in _TILES:
        vals = series[key]
        value, before = vals[-1], vals[:-1]
        avg = sum(before) / len(before)
        detail = ""
        if key == "asks":
            detail = f"{series['helped'][-1]} helped"
        tiles.append(Tile(key, label, value, detail, round(avg, 1), _delta(value, avg), tuple(vals[1:])))
    # 2. the three questions
    recent_start = judge - dt.timedelta(days=RECENT_DAYS - 1)
    recent = ledger.flows_between(recent_start, judge)
    helped: dict[str, int] = {}
    helpers: dict[str, int] = {}
    for f in recent:
        if f.direction == INVESTED:
            helped[f.person] = helped.get(f.person, 0) + 1
        elif f.kind == "received" or f.entry.outcome is Outcome.HELPED:
            # help you let in: received, or an ask that helped (an open or declined ask is not help)
            helpers[f.person] = helpers.get(f.person, 0) + 1
    w_start, w_end = ledger.window(judge)
    balances = ledger.balances(w_start, w_end)
    questions = (
        _answer_people(project, "Who have you helped recently?", helped, "give",
                       "You have not helped anyone in the last four weeks."),
        _answer_people(project, "Who have you allowed to help you?", helpers, "time",
                       "Nobody has helped you in the last four weeks."),
        _answer_balance(project, balances),
    )
    # 3. network
    fading = {p for f in findings if f.rule == "fading-relationship" for p in f.people}
    ranked = sorted(balances, key=lambda b: (-(b.invested + b.taken), b.person))[:24]
    by_level: dict[str, int] = {}
    for b in balances:
        lv = _level(project, b.person)
        by_level[lv] = by_level.get(lv, 0) + 1
    network_levels = tuple((lv, by_level[lv]) for lv in ("senior", "peer", "junior", "external") if lv in by_level)
    network = tuple(NetworkNode(b.person, _name(project, b.person), _level(project, b.person),
                                round(b.invested, 2), round(b.taken, 2), b.person in fading) for b in ranked)
    # 4. two relationships
    relationships = _relationships(project, balances)
    # 6. plan
    plan = make_plan(project, week, judge, balances, findings)
    # 7. trend and signals
    trend_weeks = tuple(week_of(ws, cfg.week_start) for ws in weeks[1:])
    trend = {k: tuple(series[k][1:]) for k in ("gives", "receipts", "asks", "thanks")}
    signals = _signals(project, judge)
    # 8. reflection, coach, prompts
    reflection = next((r.text for r in journal.reflections if r.week == week), "")
    coach = "\n\n".join(r.text for r in journal.coach_notes if r.week == week)
    prompts = _prompts(project, findings, relationships)
    # a neighbour only when report_weeks builds it: the previous week needs an entry on or before it
    first = _first_date(project)
    prev_w = week_of(start - dt.timedelta(days=7), cfg.week_start) \
        if first is not None and first < start else None
    next_w = week_of(start + dt.timedelta(days=7), cfg.week_start) if end < as_of else None
    return WeekReport(
        week=week, start=start, end=end, as_of=judge, owner=cfg.owner, is_current=start <= as_of <= end,
        tiles=tuple(tiles), questions=questions, network=network, relationships=relationships,
        findings=tuple(findings), plan=plan, trend_weeks=trend_weeks, trend=trend, signals=signals,
        reflection=reflection, coach=coach, prompts=prompts, entries=tuple(week_entries),
        prev_week=prev_w, next_week=next_w, network_levels=network_levels)


def _first_date(project: Project) -> dt.date | None:
    es = project.journal.entries
    return es[0].date if es else None


def _answer_people(project, question, counts: dict[str, int], word: str, empty: str) -> Answer:
    if not counts:
        return Answer(question, empty, ())
    top = sorted(counts.items(), key=lambda kv: (-kv[1], _name(project, kv[0])))[:5]
    people = tuple((p, _name(project, p), plural(n, word)) for p, n in top)
    verb = "You helped" if word == "give" else "You were helped by"
    names = _listing([iso(n) for _, n, _ in people], len(counts))
    return Answer(question, text(f"{verb} {names} in the last four weeks."), people)


def _listing(names: list[str], total: int, shown: int = 3) -> str:
    """'A', 'A and B', 'A, B and C', or 'A, B, C and 4 more' (of `total`)."""
    names = names[:shown]
    if total > len(names):
        return f"{', '.join(names)} and {total - len(names)} more"
    return listed(names)


def _answer_balance(project, balances: list[Balance]) -> Answer:
    q = "Where is the reciprocity out of balance?"
    ratio = float(effective(BY_ID["one-way-giving"], project.config)[2]["ratio"])
    out = []
    for b in balances:
        hi, lo = max(b.invested, b.taken), min(b.invested, b.taken)
        if b.exchanges >= 3 and hi >= ratio * max(lo, 0.5) and hi >= ratio:
            side = ("you have invested more" if b.invested > b.taken
                    else "you have drawn more (help received and asks)")
            out.append((hi - lo, b.person, side, b))
    if not out:
        return Answer(q, f"Nowhere strongly: no relationship in the window leans {_n(ratio)}:1 or more "
                         "either way.", ())
    out.sort(key=lambda t: (-t[0], t[1]))
    people = tuple((p, _name(project, p), f"{side} ({_n(b.invested)} invested, {_n(b.taken)} drawn)")
                   for _, p, side, b in out[:5])
    return Answer(q, text(f"{plural(len(out), 'relationship')} lean{'s' if len(out) == 1 else ''} strongly one way: "
                          f"{_listing([iso(n) for _, n, _ in people], len(out))}."), people)


_RELATIONSHIPS = (
    # kind, title, the side that leans, the text (n = name), the action, the text and action when none leans
    ("given-more", "You have given more than you asked", "invested",
     "You have invested {inv} in {n} and drawn {took} from {n} (help received and asks).",
     "Ask {n} for something that matters to you: advice, a review, an introduction.",
     "No relationship in the window where you have given more than you asked.",
     "Who could you help this week, without being asked?"),
    ("asked-more", "You have asked more than you gave", "taken",
     "You have drawn {took} from {n} (help received and asks) and invested {inv} in {n}.",
     "Find one useful thing to do for {n} this week, unasked.",
     "No relationship in the window where you have asked more than you gave.",
     "Whose help would make the biggest difference to you right now? Ask them."),
)


def _relationships(project, balances: list[Balance]) -> tuple[Relationship, ...]:
    """This week's two homework relationships: where you gave most over what you drew, and the reverse."""
    out = []
    for kind, title, side, sentence, action, none_text, none_action in _RELATIONSHIPS:
        def lean(b: Balance) -> float:
            return b.invested - b.taken if side == "invested" else b.taken - b.invested
        leaning = [b for b in balances if lean(b) > 0]
        if not leaning:
            out.append(Relationship(kind, title, None, "", "", 0, 0, none_text, none_action))
            continue
        # a tie goes to the first id, as in suggest_plan: the two sections name the same person
        b = min(leaning, key=lambda b: (-lean(b), b.person))
        n = _name(project, b.person)
        words = dict(n=iso(n), inv=_n(b.invested), took=_n(b.taken))
        out.append(Relationship(kind, title, b.person, n, _level(project, b.person), b.invested, b.taken,
                                text(sentence.format(**words)), text(action.format(**words))))
    return tuple(out)


def _signals(project: Project, judge: dt.date) -> tuple[Signal, ...]:
    ledger = project.ledger
    w_start, w_end = ledger.window(judge)
    p_end = w_start - dt.timedelta(days=1)
    p_start = p_end - (w_end - w_start)

    # a window's previous window is an earlier report's window: each (window, signal) is made once
    def asks_helped(s, e):
        return ledger.memo(("signal-asks-helped", s, e), lambda: _asks_helped(ledger.entries_between(s, e)))

    def unasked(s, e):
        return ledger.memo(("signal-unasked", s, e), lambda: str(
            sum(1 for x in ledger.entries_between(s, e) if x.act is Act.RECEIVED and not x.planned)))

    def active(s, e):
        return ledger.memo(("signal-active", s, e), lambda: str(
            len({p for x in ledger.entries_between(s, e) if not x.planned for p in x.people})))

    a_now, a_note = asks_helped(w_start, w_end)
    a_prev, _ = asks_helped(p_start, p_end)
    weeks = plural(project.config.window_weeks, "week")
    return (
        Signal("Asks that helped", a_now, a_prev, a_note),
        Signal("Help received unasked", unasked(w_start, w_end), unasked(p_start, p_end),
               f"acts of help you did not ask for, last {weeks}"),
        Signal("Active relationships", active(w_start, w_end), active(p_start, p_end),
               f"people with at least one exchange, last {weeks}"),
    )


def _asks_helped(entries) -> tuple[str, str]:
    asks = [x for x in entries if x.act is Act.ASKED and not x.planned]
    decided = [x for x in asks if x.outcome is not Outcome.PENDING]
    helped = sum(1 for x in asks if x.outcome is Outcome.HELPED)
    return (f"{helped / len(decided):.0%}" if decided else "–"), f"{helped} of {len(decided)} decided asks"


_PROMPTS = {
    "one-way-giving": "What would you ask {name} for if you were sure the answer would be yes?",
    "one-way-taking": "What is {name} working on that you could make easier?",
    "never-asking": "Where are you carrying something alone that someone would gladly help with?",
    "unacknowledged-help": "Whose help this month made the biggest difference, and do they know it?",
    "fading-relationship": "What made the relationship with {name} valuable, and what small act would renew it?",
    "broken-promise": "What did you promise that you could not keep, and what would repair look like?",
    "over-giving": "Which of this week's favours would you decline next time, and why?",
    "sponsorship-ready": "What would you want {name} to say about you in a room you are not in?",
    "transactional-language": "When you help, what do you hope happens next, and would you say it aloud?",
    "one-level-only": "Who at a level you rarely reach sees something about your work that you cannot?",
}
_GENERAL = (
    "Which exchange this week surprised you, and what did it teach you about that person?",
    "Where did you feel reluctant to ask, and what was the reluctance about?",
    "Who helped you without being asked, and how did you respond?",
)


def _prompts(project, findings: list[Finding], relationships) -> tuple[str, ...]:
    out: list[str] = []
    for f in findings:
        if len(out) >= 3:
            break  # (nothing below can add a prompt any more)
        t = _PROMPTS.get(f.rule)
        if t:
            p = text(t.format(name=iso(_name(project, f.people[0])) if f.people else "them"))
            if p not in out:
                out.append(p)
    for g in _GENERAL:
        if len(out) >= 4:
            break
        out.append(g)
    return tuple(out)


# ---------------------------------------------------------------- plan

def make_plan(project: Project, week: str, judge: dt.date, balances: list[Balance] | None = None,
              findings: list[Finding] | None = None) -> Plan:
    cfg, ledger = project.config, project.ledger
    start, end = week_bounds(week, cfg.week_start)
    last_start, last_end = start - dt.timedelta(days=7), start - dt.timedelta(days=1)
    last_entries = ledger.entries_between(last_start, last_end)
    last_items = []
    for e in last_entries:
        if e.planned:
            last_items.append(PlanItem(e, _names(project, e), "missed"))
    # a give done: a gave, a public thanks or a promise kept in the week (a promise made is not yet a give)
    give_done = any(f.direction == INVESTED for f in ledger.flows_between(last_start, min(last_end, judge)))
    ask_done = any(is_ask(e) and not e.planned for e in last_entries)
    nxt_start, nxt_end = end + dt.timedelta(days=1), end + dt.timedelta(days=7)
    # plans for this week and the next count as "already planned"
    upcoming = [e for e in ledger.entries_between(start, nxt_end) if e.planned]
    next_items = tuple(PlanItem(e, _names(project, e), "missed" if e.date < judge else "planned") for e in upcoming)
    if balances is None:
        balances = ledger.balances(*ledger.window(judge))
    give, ask = suggest_plan(project, judge, balances, findings or [])
    first = _first_date(project)
    planned_next = [e for e in upcoming if e.date >= nxt_start]
    covered = tuple(kind for kind, test in (("give", is_give), ("ask", is_ask)) if any(test(e) for e in planned_next))
    return Plan(week_of(last_start, cfg.week_start), tuple(last_items), give_done, ask_done,
                week_of(nxt_start, cfg.week_start),
                next_items, give, ask, first is not None and first <= last_end,
                cfg.away_days(last_start, last_end) >= 5, covered)


def _quiet_since(name: str, last: dt.date | None, judge: dt.date) -> str:
    """Why a give to the person you have been in touch with least recently: how long it has been
    (`name` may be "{n}", for `_suggestion` to fill in)."""
    if last is None:
        return f"Nothing has passed between you and {name} in the window yet."
    days = (judge - last).days
    if days >= 14:
        return f"You have not been in touch with {name} for {days} days."
    when = "today" if days <= 0 else "yesterday" if days == 1 else f"{days} days ago"
    return f"Your last exchange with {name} was {when}; small, regular gives keep an exchange going."


def _names(project, e: Entry) -> str:
    return ", ".join(_name(project, p) for p in e.people)


def _suggestion(act: str, pid: str, name: str, what: str, reason: str) -> Suggestion:
    """A Suggestion whose `what` and `reason` (str.format with {n}) name the person, isolated."""
    n = iso(name)
    return Suggestion(act, pid, name, text(what.format(n=n)), text(reason.format(n=n)))


def suggest_plan(project: Project, judge: dt.date, balances: list[Balance], findings: list[Finding]
                 ) -> tuple[Suggestion | None, Suggestion | None]:
    """One give and one ask, from the data: give where you have taken, ask where you have given."""
    people = project.journal.people
    fading = [p for f in findings if f.rule == "fading-relationship" for p in f.people]
    sponsor = [p for f in findings if f.rule == "sponsorship-ready" for p in f.people]
    give = ask = None
    soon = project.ledger.entries_between(judge - dt.timedelta(days=7), judge + dt.timedelta(days=14))
    planned_give = {p for e in soon if e.planned and is_give(e) for p in e.people}
    planned_ask = {p for e in soon if e.planned and is_ask(e) for p in e.people}
    balances = [b for b in balances if b.person in people]
    takers = sorted((b for b in balances if b.taken > b.invested and b.person not in planned_give),
                    key=lambda b: (-(b.taken - b.invested), b.person))
    if takers:
        b = takers[0]
        give = _suggestion("gave", b.person, people[b.person].name, "Something useful for {n}, unasked",
                           f"You have drawn {_n(b.taken)} from {{n}} (help received and asks) and invested "
                           f"{_n(b.invested)} in {{n}} over the window.")
    elif [p for p in fading if p not in planned_give]:
        p = [p for p in fading if p not in planned_give][0]
        give = _suggestion("gave", p, people[p].name, "A small, useful gesture for {n}",
                           "The relationship with {n} has gone quiet for longer than its rhythm.")
    elif [b for b in balances if b.person not in planned_give]:
        b = sorted((b for b in balances if b.person not in planned_give),
                   key=lambda b: (b.last or dt.date.min, b.person))[0]
        give = _suggestion("gave", b.person, people[b.person].name, "A small, useful gesture for {n}",
                           _quiet_since("{n}", b.last, judge))
    sponsor = [p for p in sponsor if p not in planned_ask]
    if sponsor:
        p = sponsor[0]
        ask = _suggestion("asked", p, people[p].name, "A conversation with {n} about backing your next initiative",
                          "You have a steady two-way relationship with {n}, a senior: the ground for sponsorship.")
    else:
        # someone other than this week's give if possible; the same person if nobody else fits
        givers = sorted((b for b in balances if b.invested > b.taken and b.person not in planned_ask),
                        key=lambda b: (give is not None and b.person == give.person,
                                       -(b.invested - b.taken), b.person))
        if givers:
            b = givers[0]
            ask = _suggestion("asked", b.person, people[b.person].name, "Input from {n} on something that matters to you",
                              f"You have invested {_n(b.invested)} in {{n}} and drawn {_n(b.taken)} from {{n}}: "
                              "{n} would likely welcome the chance to help.")
    return give, ask


# ---------------------------------------------------------------- person page

PERSON_TIMELINE_CAP = 150


def weekly_contacts(ledger, pid: str, end: dt.date, week_start: str = "monday",
                    count: int = 52) -> list[tuple[str, int]]:
    """(week, exchanges with `pid` that week, up to `end`) for the `count` report weeks ending with
    the one of `end`, oldest first: a rhythm strip (a person's page, and six on each week page)."""
    contacts = ledger.contacts(pid)   # sorted dates
    first_day = week_bounds(week_of(end, week_start), week_start)[0]
    return [(label, bisect_right(contacts, last if last < end else end) - bisect_left(contacts, first))
            for first, last, label in _week_spans(first_day, count, week_start)]


@functools.lru_cache(maxsize=64)
def _week_spans(first: dt.date, count: int, starts: str = "monday") -> tuple[tuple[dt.date, dt.date, str], ...]:
    """(first day, last day, week) of the `count` report weeks ending with the one that begins on
    `first`, oldest first: the same 52 for the six rhythm strips of a page, so made once per page."""
    return tuple(_week_span(first - dt.timedelta(days=7 * i), starts) for i in range(count - 1, -1, -1))


@functools.lru_cache(maxsize=4096)
def _week_span(first: dt.date, starts: str) -> tuple[dt.date, dt.date, str]:
    """(first day, last day, week): each week of a build is in the strips of 52 pages."""
    return first, first + dt.timedelta(days=6), week_of(first, starts)


def person_page(project: Project, pid: str, as_of: dt.date, findings: list[Finding]) -> PersonPage:
    cfg, ledger = project.config, project.ledger
    person = project.journal.people[pid]
    start, end = ledger.window(as_of)
    balance = ledger.balance(pid, start, end)
    all_time = ledger.balance(pid, dt.date.min, as_of)
    # as of `as_of`: a later entry has not happened yet (a plan for later is shown as planned)
    entries = as_it_stands(project.ledger.entries_of(pid), as_of)
    items = []
    first_flow: dict[int, object] = {}
    for f in all_time.flows:
        first_flow.setdefault(id(f.entry), f)
    for e in reversed(entries[-PERSON_TIMELINE_CAP:]):
        f = first_flow.get(id(e))
        items.append(TimelineItem(e, f.direction if f else "none", f.weight if f else 0.0))
    shown = tuple(items)
    hidden = max(0, len(entries) - PERSON_TIMELINE_CAP)
    weekly = weekly_contacts(ledger, pid, as_of, cfg.week_start)
    monthly = []
    y, m = as_of.year, as_of.month
    months = []
    for _ in range(12):
        months.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    for y, m in reversed(months):
        ms = dt.date(y, m, 1)
        me = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))
        fs = ledger.flows_between(ms, me, pid)
        monthly.append((f"{y}-{m:02d}", sum(f.weight for f in fs if f.direction == INVESTED),
                        sum(f.weight for f in fs if f.direction == TAKEN)))
    last = ledger.last_contact(pid, as_of)
    return PersonPage(
        id=pid, name=person.name, level=person.level.value, team=person.team, alignment=person.alignment.value,
        rhythm_days=person.rhythm_days or cfg.default_rhythm_days, note=person.note, balance=balance,
        all_time=all_time, timeline=shown, hidden=hidden, weekly=tuple(weekly),
        monthly=tuple(monthly), findings=tuple(f for f in findings if pid in f.people), last=last,
        quiet_days=(as_of - last).days if last else None)


# ---------------------------------------------------------------- index

def site_index(project: Project, as_of: dt.date, current: WeekReport, findings: list[Finding]) -> SiteIndex:
    ledger, journal = project.ledger, project.journal
    counts: dict[str, int] = {}
    for e in journal.entries:
        w = week_of(e.date, project.config.week_start)
        counts[w] = counts.get(w, 0) + 1
    weeks = {w: counts.get(w, 0) for w in report_weeks(project, as_of)}  # the weeks that have a page
    people = tuple(sorted(((p.id, p.name, p.level.value, len(ledger.entries_of(p.id)))
                           for p in journal.people.values()), key=lambda t: (t[1].lower(), t[0])))
    start, end = ledger.window(as_of)
    bal = sorted(ledger.balances(start, end), key=lambda b: (-(b.invested + b.taken), b.person))[:20]
    return SiteIndex(
        owner=project.config.owner, as_of=as_of, current=current,
        weeks=tuple(sorted(weeks.items(), reverse=True)), people=people,
        balances=tuple((b.person, _name(project, b.person), b.invested, b.taken) for b in bal),
        findings=tuple(findings), entry_count=len(journal.entries),
        first=journal.entries[0].date if journal.entries else None,
        last=journal.entries[-1].date if journal.entries else None)


def report_weeks(project: Project, as_of: dt.date) -> list[str]:
    """Every week from the first entry's week to the week of as_of, oldest first."""
    ws = project.config.week_start
    current = week_of(as_of, ws)
    if not project.journal.entries:
        return [current]
    first_start, _ = week_bounds(week_of(project.journal.entries[0].date, ws), ws)
    cur_start, _ = week_bounds(current, ws)
    if first_start > cur_start:
        return [current]
    out, d = [], first_start
    while d <= cur_start:
        out.append(week_of(d + dt.timedelta(days=1) if ws == "sunday" else d, ws))
        d += dt.timedelta(days=7)
    return out
