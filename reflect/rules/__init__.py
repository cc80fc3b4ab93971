"""The principles of the article as documented, tested rules.

Each rule is a frozen record (id from spec/principles.md, code, texts,
default params, a journal that fires it and one that stays quiet) next to a
small pure check.  `ALL_RULES` is the one registry; the same records feed
`reflect check`, `reflect explain`, `reflect rules` and the site's
principles page.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Mapping, NamedTuple

from reflect.bidi import iso, text
from reflect.config import Config
from reflect.errors import Source
from reflect.ledger import Flow, Ledger
from reflect.model import Entry, Journal, Severity

SEVERITY_ORDER = {Severity.STRENGTH: 0, Severity.WARNING: 1, Severity.NOTICE: 2}


class Evidence(NamedTuple):
    """An entry behind a finding; its one-line description is made only when a page shows it."""
    source: Source
    entry: object = None  # the Entry

    @property
    def text(self) -> str:
        e = self.entry
        return f"{e.date.isoformat()} {e.act.value}: {e.what}" if e is not None else ""

    def as_json(self) -> dict:
        return {"file": self.source.path, "line": self.source.line}


class Finding(NamedTuple):
    """What a rule found: immutable; a NamedTuple because a site build makes tens of thousands."""
    rule: str
    code: str
    severity: Severity
    people: tuple[str, ...]
    message: str
    lesson: str
    suggestion: str
    evidence: tuple[Evidence, ...] = ()
    numbers: str = ""          # the numbers against the threshold
    date: dt.date | None = None  # when it happened (for weekly reports)

    @property
    def sort_key(self) -> tuple:
        return (SEVERITY_ORDER[self.severity], self.code, self.people, self.date or dt.date.min, self.message)

    @property
    def evidence_total(self) -> int:
        """How many entries back the finding: `evidence` holds the latest of them (`evidence_of`)."""
        return getattr(self.evidence, "total", len(self.evidence))

    def as_json(self) -> dict:
        return {"rule": self.rule, "code": self.code, "severity": self.severity.value,
                "people": list(self.people), "message": self.message, "lesson": self.lesson,
                "suggestion": self.suggestion, "numbers": self.numbers,
                "evidence": [e.as_json() for e in self.evidence], "evidence_total": self.evidence_total}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    code: str
    title: str
    idea: str                 # the article's idea, in our words
    severity: Severity        # default; config may change it
    params: Mapping[str, float]
    param_help: Mapping[str, str]
    lesson: str
    suggestion: str           # str.format fields: {name}, {names}
    fires: str                # a journal (YAML entries) that fires the rule
    quiet: str                # a journal that does not
    check: Callable[["RuleContext"], Iterable["Hit"]]
    people: str = ""          # people.yaml for the examples ('' = the standard cast)
    as_of: str = "2026-11-27"  # the date the examples are judged on
    config: str = ""          # reflect.yaml for the examples, if any

    @property
    def generic_suggestion(self) -> str:
        """The suggestion with no particular person in mind (catalogue, explain, principles page)."""
        return self.suggestion.format(name="this person", names="these people")


class Hit(NamedTuple):
    """What a check reports; run_rules turns it into a Finding."""
    message: str
    people: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    numbers: str = ""
    date: dt.date | None = None


@dataclass(frozen=True)
class RuleContext:
    journal: Journal
    ledger: Ledger
    config: Config
    as_of: dt.date
    params: Mapping[str, float] = field(default_factory=dict)

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        return self.ledger.window(self.as_of)

    def name(self, pid: str) -> str:
        """The person's name for a finding's message: isolated (`bidi.iso`), shown in `<bdi>` on a page."""
        return iso(self.journal.person_name(pid))


def _by_date_source(e) -> tuple:
    return e.date, e.source


class Latest(tuple):
    """Evidence cut to the latest entries, with `total`: how many entries there were in all."""

    def __new__(cls, items: Iterable, total: int) -> "Latest":
        self = tuple.__new__(cls, items)
        self.total = total
        return self

    def __getnewargs__(self) -> tuple:   # pickled (a build's worker processes): with its total
        return tuple(self), self.total


def evidence_of(entries: Iterable, limit: int = 12) -> tuple[Evidence, ...]:
    """Evidence for entries (or flows): the latest `limit` distinct entries, in date order.  When
    there were more, the tuple is a `Latest`, whose `total` says how many (what a reader is told:
    "the latest 12 of 23")."""
    seen: dict = {}
    for x in entries:
        # Entry and Flow are told apart by class first: getattr's default path raises and
        # catches an AttributeError for every Entry, which a site build pays ~100k times
        cls = x.__class__
        e = x if cls is Entry else x.entry if cls is Flow else getattr(x, "entry", x)
        if e.source not in seen:
            seen[e.source] = e
    if len(seen) == 1 and limit > 0:  # the common case (one entry behind a finding): nothing to sort
        e, = seen.values()
        return (Evidence(e.source, e),)
    ordered = sorted(seen.values(), key=_by_date_source)
    if len(ordered) <= limit:
        return tuple([Evidence(e.source, e) for e in ordered])
    return Latest([Evidence(e.source, e) for e in ordered[len(ordered) - limit:]] if limit > 0 else (), len(ordered))


def _registry():
    from reflect.rules import balance, credit, rhythm, strategy

    return (
        balance.ONE_WAY_GIVING, balance.ONE_WAY_TAKING, balance.NEVER_ASKING, balance.BALANCED_EXCHANGE,
        rhythm.FADING_RELATIONSHIP, rhythm.OVER_GIVING, rhythm.HOMEWORK_MISSING, rhythm.MISSED_PLAN,
        rhythm.COMPOUNDING,
        credit.UNACKNOWLEDGED_HELP, credit.NO_VISIBLE_GESTURES, credit.TRANSACTIONAL_LANGUAGE,
        credit.BROKEN_PROMISE,
        strategy.INDISCRIMINATE_GIVING, strategy.GRAND_GESTURES, strategy.LATE_BANKING,
        strategy.ONE_LEVEL_ONLY, strategy.SPONSORSHIP_READY,
    )


ALL_RULES: tuple[Rule, ...] = _registry()
BY_ID: dict[str, Rule] = {r.id: r for r in ALL_RULES}
BY_CODE: dict[str, Rule] = {r.code: r for r in ALL_RULES}
RETIRED: dict[str, str] = {}  # code -> why; codes are never reused
CATALOG: dict[str, Mapping[str, float]] = {r.id: r.params for r in ALL_RULES}


def find_rule(key: str) -> Rule | None:
    return BY_ID.get(key) or BY_CODE.get(key.upper())


def effective(rule: Rule, config: Config) -> tuple[bool, Severity, dict]:
    s = config.rules.get(rule.id)
    params = dict(rule.params)
    if s is None:
        return True, rule.severity, params
    params.update(s.params)
    sev = Severity(s.severity) if s.severity else rule.severity
    return s.enabled, sev, params


def run_rules(journal: Journal, ledger: Ledger, config: Config, as_of: dt.date,
              only: Iterable[str] | None = None) -> list[Finding]:
    """Every enabled rule, findings sorted: strengths first, then by code, people, date."""
    wanted = set(only) if only is not None else None
    findings: list[Finding] = []
    name = journal.person_name
    # a rule's suggestion for the same people reads the same every week: a site build judges
    # ~500 weeks and makes ~100,000 findings, most of them about someone it has seen before
    suggestions: dict = ledger.memo(("suggestions",), dict)
    for rule in ALL_RULES:
        if wanted is not None and rule.id not in wanted:
            continue
        enabled, severity, params = effective(rule, config)
        if not enabled:
            continue
        ctx = RuleContext(journal, ledger, config, as_of, params)
        rid, code, lesson, suggestion = rule.id, rule.code, rule.lesson, rule.suggestion
        for hit in rule.check(ctx):
            people = hit.people
            said = suggestions.get((suggestion, people))
            if said is None:
                if people:
                    first = iso(name(people[0]))
                    names = first if len(people) == 1 else ", ".join([iso(name(p)) for p in people])
                else:
                    first = names = ""
                said = suggestions[(suggestion, people)] = text(suggestion.format(name=first or "someone",
                                                                                  names=names or "them"))
            message = text(hit.message)   # a right-to-left name in it: each in <bdi> on a page
            # positional, in Finding's field order (a site build makes ~100k of these)
            findings.append(Finding(
                rid, code, severity, people, message, lesson, said,
                hit.evidence, hit.numbers, hit.date))
    findings.sort(key=Finding.sort_key.fget)
    return findings


def iter_weeks(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Mondays from the week of start to the week of end."""
    d = start - dt.timedelta(days=start.weekday())
    while d <= end:
        yield d
        d += dt.timedelta(days=7)


# The cast of every rule example unless the rule brings its own `people`.
STANDARD_PEOPLE = """\
priya: {name: Priya Shah, level: peer, alignment: high}
sam: {name: Sam Okafor, level: senior}
jo: {name: Jo Park, level: junior, rhythm: 2 weeks}
lee: {name: Lee Wong, level: peer}
"""


def example_files(rule: Rule, which: str) -> dict[str, str]:
    """The files of a rule's `fires` or `quiet` example project, by relative path."""
    files = {
        "journal/people.yaml": (rule.people.strip() + "\n") if rule.people else STANDARD_PEOPLE,
        "journal/example.yaml": getattr(rule, which).strip() + "\n",
    }
    if rule.config:
        files["reflect.yaml"] = rule.config.strip() + "\n"
    return files
