"""plan.ics: this week's planned acts and open promise due dates as an iCalendar file.

Built with the `icalendar` library (RFC 5545 escaping, folding and line endings
are its job, not ours).  Deterministic: UIDs derive from the entry's place in
the journal, DTSTAMP is the report date, events are sorted.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from reflect.model import Act, Entry
from reflect.project import Project
from reflect.report import week_bounds, week_of

_VERB = {"gave": "Give", "received": "Receive", "asked": "Ask", "promised": "Promise", "thanked": "Thank"}


def _uid(kind: str, e: Entry) -> str:
    h = hashlib.sha1(f"{kind}|{e.source.path}|{e.date}|{e.what}".encode()).hexdigest()[:20]
    return f"{kind}-{h}@reflect.local"


def plan_events(project: Project, as_of: dt.date) -> list[tuple[str, dt.date, str, str, str]]:
    """(uid, date, summary, description, category) for this week's and next week's plans and open promises."""
    start, _ = week_bounds(week_of(as_of, project.config.week_start), project.config.week_start)
    horizon = start + dt.timedelta(days=13)
    out = []
    name = project.journal.person_name
    for e in project.ledger.planned:
        if start <= e.date <= horizon:
            who = ", ".join(name(p) for p in e.people)
            out.append((_uid("plan", e), e.date, f"{_VERB[e.act.value]}: {who} — {e.what}",
                        f"Planned in your reflect journal ({e.id}).", "reflect plan"))
    for e in project.ledger.promises:
        if e.planned or e.kept or e.dropped or e.due is None:
            continue
        if e.due >= start - dt.timedelta(days=28):
            who = ", ".join(name(p) for p in e.people)
            late = " (past due)" if e.due < as_of else ""
            out.append((_uid("due", e), e.due, f"Promise due{late}: {who} — {e.what}",
                        f"Promised on {e.date.isoformat()} ({e.id}).", "reflect promise"))
    out.sort(key=lambda t: (t[1], t[0]))
    return out


def plan_calendar(project: Project, as_of: dt.date) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//reflect//weekly plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"reflect: {project.config.owner}'s plan")
    stamp = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.timezone.utc)
    for uid, date, summary, desc, cat in plan_events(project, as_of):
        ev = Event()
        ev.add("uid", uid)
        ev.add("dtstamp", stamp)
        ev.add("dtstart", date)
        ev.add("dtend", date + dt.timedelta(days=1))
        ev.add("summary", summary)
        ev.add("description", desc)
        ev.add("categories", [cat])
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    return cal.to_ical()


__all__ = ["plan_calendar", "plan_events", "Act"]
