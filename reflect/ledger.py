"""Booking: entries -> flows.  The one place that decides what counts.

- `gave` is invested, by its size weight, on its date;
- a `promised` that was kept is invested on its *kept* date (a promise made
  or dropped moves nothing);
- a public `thanked` is invested as a small give (symbolic reciprocity); a
  private thank-you moves nothing but does credit help;
- `received` is taken; an `asked` is taken once, whatever its outcome (a
  helped ask is help received; an open or declined ask is still a draw);
- planned entries never move a balance.

An entry with several people books its full weight with each of them.
Rules and reports read flows and balances; they never re-derive meanings.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from operator import attrgetter, itemgetter
from typing import Iterable, NamedTuple

from reflect.config import Config
from reflect.model import Act, Entry, Journal, Outcome, Size

_DAYS = tuple(dt.timedelta(days=n) for n in range(7))
_ONE_DAY, _SIX_DAYS = _DAYS[1], _DAYS[6]
_MISSING = object()

INVESTED = "invested"
TAKEN = "taken"


class Flow(NamedTuple):
    """One booked movement (a NamedTuple: cheap to build by the hundred thousand)."""
    person: str
    direction: str       # invested | taken
    kind: str            # give | kept-promise | public-thanks | received | ask
    weight: float
    date: dt.date
    entry: Entry


class Balance(NamedTuple):
    """One person's exchanges in a window.  A NamedTuple, not a frozen dataclass: a site build
    makes ~60,000 and a frozen dataclass sets each field through object.__setattr__."""
    person: str
    invested: float
    taken: float
    gives: int           # acts that invested (gives, kept promises, public thanks)
    receipts: int        # help received
    asks: int            # asks of any outcome
    helped_asks: int
    last: dt.date | None  # last real exchange of any kind with them, on or before the end
    flows: tuple[Flow, ...]

    @property
    def exchanges(self) -> int:
        return len(self.flows)

    def as_json(self) -> dict:
        return {"person": self.person, "invested": _num(self.invested), "taken": _num(self.taken),
                "gives": self.gives, "receipts": self.receipts, "asks": self.asks,
                "last": self.last.isoformat() if self.last else None}


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 2)


def weight_of(entry: Entry, config: Config) -> float:
    return float(config.sizes.get(entry.size.value, 1))


def book_entry(entry: Entry, config: Config) -> list[Flow]:
    """The flows one entry books (empty for planned entries and for acts that move nothing)."""
    if entry.planned:
        return []
    act, w = entry.act, weight_of(entry, config)
    if act is Act.GAVE:
        spec = (INVESTED, "give", w, entry.date)
    elif act is Act.PROMISED:
        if entry.kept is None:
            return []
        spec = (INVESTED, "kept-promise", w, entry.kept)
    elif act is Act.THANKED:
        if not entry.public:
            return []
        spec = (INVESTED, "public-thanks", float(config.sizes.get(Size.SMALL.value, 1)), entry.date)
    elif act is Act.RECEIVED:
        spec = (TAKEN, "received", w, entry.date)
    else:  # asked: once, as help received when it helped, as a draw while open or declined
        spec = (TAKEN, "ask", w, entry.date)
    direction, kind, weight, date = spec
    return [Flow(p, direction, kind, weight, date, entry) for p in entry.people]


class Ledger:
    """Flows of the whole journal, indexed per person and by date."""

    def __init__(self, journal: Journal, config: Config):
        self.journal, self.config = journal, config
        flows: list[Flow] = []
        for e in journal.entries:
            if not e.planned:
                flows.extend(book_entry(e, config))
        # entries come sorted by (date, file, line); a stable sort on the date alone
        # (kept promises book on their kept date) keeps that order deterministic
        flows.sort(key=attrgetter("date"))
        self.flows: tuple[Flow, ...] = tuple(flows)
        self._dates = [f.date for f in self.flows]
        by_person: dict[str, list[Flow]] = {}
        for f in self.flows:
            by_person.setdefault(f.person, []).append(f)
        self._by_person = {p: (tuple(fs), [f.date for f in fs]) for p, fs in by_person.items()}
        contact: dict[str, list[dt.date]] = {}
        for e in journal.entries:
            if not e.planned:
                for p in e.people:
                    contact.setdefault(p, []).append(e.date)
                    if e.kept:
                        contact[p].append(e.kept)
        self._contacts = {p: sorted(ds) for p, ds in contact.items()}
        self._by_contact_date: tuple[list[dt.date], list[str]] | None = None
        self._entry_dates = [e.date for e in journal.entries]
        self.planned: tuple[Entry, ...] = tuple(e for e in journal.entries if e.planned)
        self.promises: tuple[Entry, ...] = tuple(e for e in journal.entries if e.act is Act.PROMISED)
        self._of: dict[str, list[Entry]] | None = None     # person -> entries (entries_of)
        self._with: dict | None = None                      # person -> done entries and their dates
        self._balances: dict[tuple[dt.date, dt.date], list[Balance]] = {}
        self._last_balance: dict[str, tuple] = {}   # person -> (first flow, end flow, last contact, Balance)
        self._memo: dict = {}

    def memo(self, key: tuple, make):
        """`make()`, computed once per key for this ledger.

        A site build judges every week with the same ledger, and a ledger never changes once
        built: a value that depends only on the ledger and on `key` can be kept for the next
        week.  Keys start with the name of what they hold (`("fading-evidence", pid, date)`)."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = make()
            return value

    def _by_person_entries(self) -> dict[str, list[Entry]]:
        """person -> every entry with them (planned ones too), in journal order; made once."""
        if self._of is None:
            index: dict[str, list[Entry]] = {}
            for e in self.journal.entries:
                for p in e.people:   # the loader lists each person of an entry once
                    index.setdefault(p, []).append(e)
            self._of = index
        return self._of

    def entries_of(self, person: str) -> list[Entry]:
        """Every entry with a person, planned ones too, in journal order."""
        return list(self._by_person_entries().get(person, ()))

    def entries_with(self, person: str, end: dt.date | None = None, last: int | None = None) -> list[Entry]:
        """Done (not planned) entries with a person, in journal order, up to `end` (only the `last` N)."""
        if self._with is None:
            done = {p: [e for e in es if not e.planned] for p, es in self._by_person_entries().items()}
            self._with = {p: (es, [e.date for e in es]) for p, es in done.items() if es}
        es, dates = self._with.get(person, ([], []))
        n = len(es) if end is None else bisect_right(dates, end)
        return es[max(0, n - last):n] if last is not None else es[:n]

    def entries_between(self, start: dt.date, end: dt.date) -> tuple[Entry, ...]:
        """Entries (planned included) dated in [start, end], in journal order."""
        es = self.journal.entries
        return es[bisect_left(self._entry_dates, start):bisect_right(self._entry_dates, end)]

    def per_block(self, name: str, start: dt.date, end: dt.date, make) -> list:
        """[make(lo, hi) for each block [lo, hi] of [start, end]], in date order.

        Blocks are Monday-to-Sunday weeks, cut at `start` and `end`.  A window slides by a week,
        so a site build judges each week inside a dozen windows: the result for a whole week is
        kept (memo) under (name, its Monday).  Hence `make` must depend on the ledger and
        (lo, hi) alone, and `name` must say what it makes."""
        out = []
        memo = self._memo
        lo = start
        while lo <= end:
            monday = lo - _DAYS[lo.weekday()]
            sunday = monday + _SIX_DAYS
            if lo == monday and sunday <= end:   # a whole week: made once per ledger
                key = (name, monday)
                part = memo.get(key, _MISSING)
                if part is _MISSING:
                    part = memo[key] = make(monday, sunday)
                out.append(part)
                lo = sunday + _ONE_DAY
            else:
                hi = sunday if sunday < end else end
                out.append(make(lo, hi))
                lo = hi + _ONE_DAY
        return out

    def entries_where(self, name: str, keep, start: dt.date, end: dt.date) -> list[Entry]:
        """The entries dated in [start, end] for which `keep(entry)`, in journal order.

        Made week by week (see per_block): `keep` must be a pure test of the entry, named by `name`."""
        parts = self.per_block(("entries-where", name), start, end,
                               lambda lo, hi: [e for e in self.entries_between(lo, hi) if keep(e)])
        return [e for part in parts for e in part]

    def invested_flows(self, start: dt.date, end: dt.date) -> list[Flow]:
        """The flows dated in [start, end] that invest (gives, kept promises, public thanks)."""
        return self.flows_where("invested", is_invested, start, end)

    def flows_where(self, name: str, keep, start: dt.date, end: dt.date) -> list[Flow]:
        """The flows dated in [start, end] for which `keep(flow)`, in flow order (as entries_where)."""
        parts = self.per_block(("flows-where", name), start, end,
                               lambda lo, hi: [f for f in self.flows_between(lo, hi) if keep(f)])
        return [f for part in parts for f in part]

    # -- windows -------------------------------------------------------
    def window(self, as_of: dt.date, weeks: int | None = None) -> tuple[dt.date, dt.date]:
        """The `weeks` weeks (default: config) ending on `as_of`, inclusive."""
        n = weeks if weeks is not None else self.config.window_weeks
        return as_of - dt.timedelta(days=7 * n - 1), as_of

    def flows_between(self, start: dt.date, end: dt.date, person: str | None = None) -> tuple[Flow, ...]:
        if person is not None:
            fs, dates = self._by_person.get(person, ((), []))
            return fs[bisect_left(dates, start):bisect_right(dates, end)]
        return self.flows[bisect_left(self._dates, start):bisect_right(self._dates, end)]

    def contacts(self, person: str, end: dt.date | None = None) -> list[dt.date]:
        """Dates of every real exchange with a person (any act, planned excluded)."""
        ds = self._contacts.get(person, [])
        return ds if end is None else ds[:bisect_right(ds, end)]

    def contacts_between(self, person: str, start: dt.date, end: dt.date) -> list[dt.date]:
        """Dates of the real exchanges with a person dated in [start, end]."""
        ds = self._contacts.get(person, [])
        return ds[bisect_left(ds, start):bisect_right(ds, end)]

    def contact_summary(self, person: str, end: dt.date) -> tuple[int, dt.date | None]:
        """(how many real exchanges up to `end`, the date of the last one) without copying lists."""
        ds = self._contacts.get(person)
        if not ds:
            return 0, None
        n = bisect_right(ds, end)
        return n, (ds[n - 1] if n else None)

    def last_contact(self, person: str, end: dt.date) -> dt.date | None:
        return self.contact_summary(person, end)[1]  # (no copy of the dates up to `end`)

    # -- balances ------------------------------------------------------
    def fade(self, flow: Flow, as_of: dt.date) -> float:
        hl = self.config.half_life_days
        if not hl:
            return flow.weight
        age = max(0, (as_of - flow.date).days)
        return flow.weight * 0.5 ** (age / hl)

    def balance(self, person: str, start: dt.date, end: dt.date) -> Balance:
        if self.config.half_life_days:   # faded weights depend on `end`: nothing to reuse
            fs = self.flows_between(start, end, person)
            return _balance(person, fs, self.last_contact(person, end), lambda f: self.fade(f, end))
        # Without a half-life a balance is a function of which flows are in the window and of the
        # last contact.  A window slides a week at a time and most people have no flow entering
        # or leaving it that week: their balance is the one made for the previous window.
        fs, dates = self._by_person.get(person, ((), []))
        i, j = bisect_left(dates, start), bisect_right(dates, end)
        last = self.last_contact(person, end)
        made = self._last_balance.get(person)
        if made is not None and made[0] == i and made[1] == j and made[2] == last:
            return made[3]
        b = _balance(person, fs[i:j], last)
        self._last_balance[person] = (i, j, last, b)
        return b

    def _contacts_by_date(self) -> tuple[list[dt.date], list[str]]:
        """(dates, people) of every contact, by date: who had an exchange in a window is one slice."""
        if self._by_contact_date is None:
            pairs = sorted(((d, p) for p, ds in self._contacts.items() for d in ds), key=itemgetter(0))
            self._by_contact_date = ([d for d, _ in pairs], [p for _, p in pairs])
        return self._by_contact_date

    def balances(self, start: dt.date, end: dt.date) -> list[Balance]:
        """Balances of everyone with a flow or contact in [start, end], sorted by person id.

        Remembered per window: a site build asks for the same window from several places."""
        key = (start, end)
        if key not in self._balances:
            people = {f.person for f in self.flows_between(start, end)}
            dates, persons = self._contacts_by_date()
            people.update(persons[bisect_left(dates, start):bisect_right(dates, end)])
            self._balances[key] = [self.balance(p, start, end) for p in sorted(people)]
        return list(self._balances[key])


def _balance(person: str, fs: Iterable[Flow], last, weigh=None) -> Balance:
    """`weigh(flow)` is a flow's weight as counted (faded); None: its booked weight."""
    fs = tuple(fs)
    invested: list[float] = []
    taken: list[float] = []
    receipts = asks = helped_asks = 0
    for f in fs:  # one pass: a site build makes ~70k balances
        w = f.weight if weigh is None else weigh(f)
        if f.direction == INVESTED:
            invested.append(w)
        elif f.direction == TAKEN:
            taken.append(w)
        if f.kind == "received":
            receipts += 1
        elif f.kind == "ask":
            asks += 1
            if f.entry.outcome is Outcome.HELPED:
                helped_asks += 1
    # sum() over the weights in flow order, as before: the same float, bit for bit.
    # One decimal: with a half-life the faded weights are long fractions, which no page should show
    return Balance(
        person=person, invested=round(sum(invested), 1), taken=round(sum(taken), 1),
        gives=len(invested), receipts=receipts, asks=asks, helped_asks=helped_asks,
        last=last, flows=fs)


def is_invested(flow: Flow) -> bool:
    return flow.direction == INVESTED


def as_it_stands(entries: Iterable[Entry], as_of: dt.date) -> list[Entry]:
    """`entries` as they stand on `as_of`: what had happened by then, and every plan (an entry dated
    later that is not a plan has not happened yet, whatever its date says)."""
    return [e for e in entries if e.date <= as_of or e.planned]


def is_give(entry: Entry) -> bool:
    """An intention to give (gave, public thanks, or a promise, kept or not): for plans and the homework.

    A promise made is not a give until it is kept: to ask whether a give was *done*, use `is_done_give`."""
    return entry.act is Act.GAVE or entry.act is Act.PROMISED or (entry.act is Act.THANKED and entry.public)


def is_done_give(entry: Entry, as_of: dt.date | None = None) -> bool:
    """A give that happened: a gave or a public thanks that is not planned, or a promise kept (by `as_of`)."""
    if entry.planned:
        return False
    if entry.act is Act.PROMISED:
        return entry.kept is not None and (as_of is None or entry.kept <= as_of)
    return entry.act is Act.GAVE or (entry.act is Act.THANKED and entry.public)


def is_ask(entry: Entry) -> bool:
    return entry.act is Act.ASKED
