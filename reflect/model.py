"""The journal as plain, immutable data.

Nothing here reads files or knows YAML; `loader` builds these objects and
every later stage only reads them.
"""
from __future__ import annotations

import datetime as dt
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
        return "private" in self.tags

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


def week_start(week: str) -> dt.date:
    """Monday of an ISO week 'YYYY-Www'."""
    y, w = week.split("-W")
    return dt.date.fromisocalendar(int(y), int(w), 1)
