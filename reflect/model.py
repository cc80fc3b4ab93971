"""The journal as plain, immutable data.

Nothing here reads files or knows YAML; `loader` builds these objects and
every later stage only reads them.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from reflect.errors import Source


class Act(str, Enum):
    GAVE = "gave"
    RECEIVED = "received"
    ASKED = "asked"
    PROMISED = "promised"
    THANKED = "thanked"


class Size(str, Enum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class Level(str, Enum):
    SENIOR = "senior"
    PEER = "peer"
    JUNIOR = "junior"
    EXTERNAL = "external"


class Alignment(str, Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Outcome(str, Enum):
    HELPED = "helped"
    DECLINED = "declined"
    PENDING = "pending"


class Severity(str, Enum):
    STRENGTH = "strength"
    NOTICE = "notice"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    level: Level
    source: Source
    team: str = ""
    alignment: Alignment = Alignment.MEDIUM
    rhythm_days: int | None = None  # None: the configured default
    aliases: tuple[str, ...] = ()
    note: str = ""


class Entry(NamedTuple):
    """One act of reciprocity.  Immutable; a NamedTuple because a big journal builds
    100,000 of them per run and tuple construction is several times cheaper than a
    frozen dataclass's."""
    date: dt.date
    people: tuple[str, ...]          # the journal's `with`
    act: Act
    what: str
    source: Source                   # where the entry starts
    size: Size = Size.SMALL
    public: bool = False
    tags: tuple[str, ...] = ()
    note: str = ""
    planned: bool = False
    outcome: Outcome | None = None   # asked only (None read as pending)
    due: dt.date | None = None       # promised only
    kept: dt.date | None = None      # promised only
    dropped: dt.date | None = None   # promised only
    acknowledged: str | None = None  # "public" | "private"
    act_source: Source | None = None  # where the act key stands (for `done`)

    @property
    def id(self) -> str:
        """Stable id: the entry's place in the journal (FILE:LINE)."""
        return self.source.short()

    @property
    def sort_key(self) -> tuple:
        return (self.date, self.source.path, self.source.line, self.source.col)

    @property
    def private(self) -> bool:
        """Tagged `private`, in any case or width, or with the word in a tag (`private advice`,
        `advice; private`): a share would rather withhold one entry too many than leak one."""
        return "private" in self.tags or any(_has_private(t) for t in self.tags)

    @property
    def helped(self) -> bool:
        return self.act is Act.ASKED and self.outcome is Outcome.HELPED


@dataclass(frozen=True, slots=True)
class Reflection:
    """The owner's reflection for a week, or (kind='coach') the coach's notes."""
    week: str            # "2026-W48"
    text: str
    source: Source
    kind: str = "owner"


@dataclass(frozen=True, slots=True)
class Journal:
    people: dict[str, Person] = field(default_factory=dict)
    entries: tuple[Entry, ...] = ()          # sorted by Entry.sort_key
    reflections: tuple[Reflection, ...] = ()  # sorted by week
    coach_notes: tuple[Reflection, ...] = ()  # sorted by week

    def person_name(self, pid: str) -> str:
        p = self.people.get(pid)
        return p.name if p else pid


def iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def days_text(start: dt.date, end: dt.date, weekday: bool = False) -> str:
    """'23 Nov – 29 Nov 2026' ('Mon 23 Nov – Sun 29 Nov 2026' with `weekday`); days in two years
    name both: '29 Dec 2025 – 4 Jan 2026'."""
    def day(d: dt.date) -> str:
        return f"{d:%a} {d.day} {d:%b}" if weekday else f"{d.day} {d:%b}"

    first = day(start) if start.year == end.year else f"{day(start)} {start.year}"
    return f"{first} – {day(end)} {end.year}"


def week_start(week: str) -> dt.date:
    """Monday of an ISO week 'YYYY-Www'."""
    y, w = week.split("-W")
    return dt.date.fromisocalendar(int(y), int(w), 1)


# Dates outside this range are typos (0026-11-02), and date arithmetic on them
# (windows, grace periods) would overflow: the loader and the CLI refuse them.
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


_LAST_WEEK = DATE_MAX.isocalendar()[:2]   # (3000, 1): the week of the last date --as-of takes


def week_problem(text: str) -> str | None:
    """Why `text` is not an ISO week the journal accepts: 'form' (not YYYY-Www), 'years' (outside
    DATE_MIN to DATE_MAX) or 'week' (no such week that year); None if it is one (blanks around allowed)."""
    m = ISO_WEEK.match(text.strip())
    if not m:
        return "form"
    year = int(m.group(1))
    if not DATE_MIN.year <= year <= DATE_MAX.year and (year, int(m.group(2))) != _LAST_WEEK:
        return "years"
    try:
        dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        return "week"
    return None


def parse_week(text: str) -> str | None:
    """'2026-W48' if `text` names a real ISO week of the years the journal accepts, else None."""
    return None if week_problem(text) else text.strip()


def week_bounds(week: str, week_start_day: str = "monday") -> tuple[dt.date, dt.date]:
    """First and last day of a report week (weeks start on Monday, or on the Sunday before)."""
    first = week_start(week)
    if week_start_day == "sunday":
        first -= dt.timedelta(days=1)
    return first, first + dt.timedelta(days=6)


def week_of(d: dt.date, week_start_day: str = "monday") -> str:
    """The report week a date belongs to (a Sunday belongs to the next week when weeks start on Sunday)."""
    if week_start_day == "sunday" and d.weekday() == 6:
        d += dt.timedelta(days=1)
    return iso_week(d)


_WORDS = re.compile(r"[^\W_]+")


def _has_private(tag: str) -> bool:
    """Is 'private' one of the words of `tag` (NFKC-folded: ＰＲＩＶＡＴＥ counts)?"""
    import unicodedata

    return "private" in _WORDS.findall(unicodedata.normalize("NFKC", tag).casefold())
