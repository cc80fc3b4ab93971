"""`reflect.yaml` -> Config.  Every default of the tool lives here or in a rule's params.

Unknown keys, bad values and unknown rule ids are Diagnostics with positions,
never exceptions.  The rule catalogue is passed in (config sits left of the
rules in the pipeline and does not import them).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from reflect.errors import Diagnostic, Source, suggest
from reflect.source import ParsedFile, YMap, YScalar, YSeq, parse_file, read_bytes

CONFIG_NAME = "reflect.yaml"
SEVERITIES = ("strength", "notice", "warning")
STRICT_LEVELS = ("notice", "warning")
PSEUDONYM_STYLES = ("pseudonyms", "initials", "names")
# The largest number a setting may hold: far beyond any sensible threshold, and
# small enough that date arithmetic on windows and grace periods cannot overflow.
MAX_NUMBER = 10_000
SECTIONS = ("numbers", "questions", "network", "homework", "findings", "plan", "trend", "reflection", "coach",
            "entries")


@dataclass(frozen=True, slots=True)
class Away:
    start: dt.date
    end: dt.date
    note: str = ""

    def contains(self, d: dt.date) -> bool:
        return self.start <= d <= self.end


@dataclass(frozen=True, slots=True)
class RuleSetting:
    enabled: bool = True
    severity: str | None = None           # None: the rule's default
    params: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ShareProfile:
    people: str = "pseudonyms"            # pseudonyms | initials | names
    notes: bool = False                   # entry notes travel (never `private` ones)
    reflection: bool = True
    coach: bool = True
    sections: tuple[str, ...] = SECTIONS


@dataclass(frozen=True, slots=True)
class Config:
    root: Path
    owner: str = "Me"
    journal: str = "journal"
    output: str = "site"
    week_start: str = "monday"            # monday | sunday
    window_weeks: int = 12
    default_rhythm_days: int = 42          # 6 weeks
    sizes: Mapping[str, float] = field(default_factory=lambda: {"small": 1, "medium": 3, "large": 8})
    half_life_days: float | None = None    # None: acts never fade
    paper: str = "A4"                      # A4 | Letter
    pdf_weeks: int = 4                     # the latest weeks that get a PDF in `reflect build` (0: every week)
    away: tuple[Away, ...] = ()
    rules: Mapping[str, RuleSetting] = field(default_factory=dict)
    share: Mapping[str, ShareProfile] = field(default_factory=lambda: {"coach": ShareProfile()})
    source: Source = Source(CONFIG_NAME)
    journal_source: Source | None = field(default=None, compare=False)   # where reflect.yaml sets `journal:`

    @property
    def journal_dir(self) -> Path:
        return self.root / self.journal

    @property
    def output_dir(self) -> Path:
        return self.root / self.output

    @property
    def cache_dir(self) -> Path:
        return self.root / ".reflect" / "cache"

    def is_away(self, d: dt.date) -> bool:
        return any(a.contains(d) for a in self.away)

    def away_days(self, start: dt.date, end: dt.date) -> int:
        """Days in [start, end] that fall in an away period (a day in two overlapping periods once)."""
        days, counted = 0, start - dt.timedelta(days=1)   # the last day counted so far
        for a in sorted(self.away, key=lambda a: a.start) if len(self.away) > 1 else self.away:
            lo, hi = max(a.start, start, counted + dt.timedelta(days=1)), min(a.end, end)
            if lo <= hi:
                days += (hi - lo).days + 1
                counted = hi
        return days


_RHYTHM = re.compile(r"^\s*(\d+)\s*(day|days|d|week|weeks|w|month|months|m)\s*$", re.I)
_RHYTHM_WORDS = {"daily": 1, "weekly": 7, "fortnightly": 14, "biweekly": 14, "monthly": 30, "quarterly": 91}


def parse_rhythm(text: str) -> int | None:
    """'2 weeks' -> 14, '10 days' -> 10, '1 month' -> 30; None when not understood."""
    t = str(text).strip().lower()
    if t in _RHYTHM_WORDS:
        return _RHYTHM_WORDS[t]
    m = _RHYTHM.match(t)
    if not m or int(m.group(1)) == 0:
        return None
    n, unit = int(m.group(1)), m.group(2)[0]
    days = n * {"d": 1, "w": 7, "m": 30}[unit]
    return days if days <= MAX_NUMBER else None  # '99999 weeks' is a typo, not a rhythm


RHYTHM_HELP = "a rhythm like '2 weeks', '10 days', '1 month' or 'monthly'"

_KEYS = ("owner", "journal", "output", "week_start", "window_weeks", "default_rhythm", "sizes",
         "half_life_days", "paper", "pdf_weeks", "away", "rules", "share")


# rule parameters whose meaning bounds them: (lowest, highest or None, whole numbers only, said as)
_PARAM_RANGE = {
    "ratio": (1, None, False, "1 or more (3 means 3:1)"),
    "max_ratio": (1, None, False, "1 or more (2 means between 1:2 and 2:1)"),
    "max_low_share": (0, 1, False, "a share between 0 and 1 (0.5: half)"),
    "weeks": (1, None, True, "a whole number of weeks, 1 or more"),
    "months": (1, None, True, "a whole number of months, 1 or more"),
}


def load_config(root: Path, catalog: Mapping[str, Mapping[str, float]], use_cache: bool = False,
                store: bool = True) -> tuple[Config, list[Diagnostic]]:
    """Read `root/reflect.yaml` (optional). `catalog` maps rule id -> default params.

    `use_cache`: read its parsed form from the project's cache (`filecache.parsed`), and with
    `store`, write it there after parsing."""
    path = root / CONFIG_NAME
    if not path.exists():
        return Config(root=root), []
    if use_cache:
        from reflect import filecache

        data, why = read_bytes(path)
        parsed = filecache.parsed(data, CONFIG_NAME, False, Config(root=root).cache_dir, store) \
            if data is not None else ParsedFile(None, "", 1, ((1, 1, "file", why),), False)
    else:
        parsed = parse_file(path)
    diags = [Diagnostic(Source(CONFIG_NAME, l, c), k, m) for l, c, k, m in parsed.problems]
    node = parsed.root
    if node is None:
        return Config(root=root), diags
    if not isinstance(node, YMap):
        diags.append(Diagnostic(Source(CONFIG_NAME, node.line, node.col), "config",
                                "reflect.yaml must be a mapping of settings (key: value)"))
        return Config(root=root), diags
    _duplicate_keys(node, diags)
    p = _ConfigParser(diags, catalog)
    values: dict = {}
    nodes: dict = {}
    for key, val in node.pairs:
        k = key.value
        if k not in _KEYS:
            p.err(key, f"unknown setting '{k}'{suggest(k, _KEYS)}")
            continue
        handler = getattr(p, f"_{k}")
        result = handler(val)
        if result is not None:
            values[k if k != "default_rhythm" else "default_rhythm_days"] = result
            nodes[k] = val
            if k == "journal":
                values["journal_source"] = Source(CONFIG_NAME, val.line, val.col)
    config = Config(root=root, **values)
    _check_folders(config, nodes, p)
    return config, diags


def _check_folders(config: Config, nodes: dict, p: "_ConfigParser") -> None:
    """`output` must be a folder of its own: `reflect build` replaces it on every build, so it can be
    neither the project folder nor the journal folder, nor inside or around it (as --out is checked)."""
    out, journal = Path(config.output), Path(config.journal)   # relative; compared as paths (case on Windows)
    at = nodes.get("output") or nodes.get("journal")
    if at is None:
        return
    if "output" in nodes and out.parts and (out.parts[0].startswith(".") or out == Path("templates")):
        what = "the theme's templates folder" if out == Path("templates") else "a hidden folder"
        p.err(at, f"'output' ({config.output}) is {what}: reflect replaces its output folder on every build, "
                  "so choose one of its own, e.g. output: site")
    elif "output" in nodes and (config.root / out).is_file():
        p.err(at, f"'output' ({config.output}) is a file: the site needs a folder, e.g. output: site")
    elif "output" in nodes and any((config.root / up).is_file() for up in out.parents):
        up = next(up for up in reversed(out.parents) if (config.root / up).is_file())
        p.err(at, f"'output' ({config.output}) is inside {up.as_posix()}, which is a file: the site needs "
                  "a folder, e.g. output: site")
    elif out == Path("."):
        p.err(at, "'output' is the project folder itself: reflect replaces its output folder on every "
                  "build, so it needs a folder of its own, e.g. output: site")
    else:
        how = "is" if out == journal else "is inside" if journal in out.parents else \
            "contains" if out in journal.parents else ""
        if how:
            p.err(at, f"'output' ({config.output}) {how} the journal folder ({config.journal}): reflect "
                      "replaces its output folder on every build, so choose one of its own, e.g. output: site")


def _duplicate_keys(node, diags: list) -> None:
    """A key given twice anywhere in reflect.yaml is an error (not 'the last one wins')."""
    if isinstance(node, YMap):
        seen: dict[str, int] = {}
        for k, v in node.pairs:
            if k.value in seen:
                diags.append(Diagnostic(Source(CONFIG_NAME, k.line, k.col), "config",
                                        f"duplicate key '{k.value}' (already on line {seen[k.value]})"))
            else:
                seen[k.value] = k.line
            _duplicate_keys(v, diags)
    elif isinstance(node, YSeq):
        for item in node.items:
            _duplicate_keys(item, diags)


class _ConfigParser:
    def __init__(self, diags: list, catalog):
        self.diags, self.catalog = diags, catalog
        self.param_nodes: dict = {}     # (rule id, parameter) -> the value's node, for later checks

    def err(self, node, msg: str) -> None:
        self.diags.append(Diagnostic(Source(CONFIG_NAME, node.line, node.col), "config", msg))

    def scalar(self, node, what: str) -> str | None:
        if not isinstance(node, YScalar) or node.tag == "null":
            self.err(node, f"expected {what}")
            return None
        return node.value

    def number(self, node, what: str, positive: bool = True) -> float | None:
        """A finite number in (0, MAX_NUMBER] (or [0, MAX_NUMBER] when not `positive`)."""
        if isinstance(node, YScalar) and node.tag in ("int", "float"):
            try:
                v = float(node.value)
            except ValueError:
                v = None
            if v is not None and math.isfinite(v) and (v > 0 or (not positive and v >= 0)) and v <= MAX_NUMBER:
                return int(v) if v.is_integer() else v
            if v is not None and math.isfinite(v) and v > MAX_NUMBER:
                self.err(node, f"expected {what} up to {MAX_NUMBER:g}, got '{node.value}'")
                return None
            if v is not None and math.isfinite(v):   # a number, but below the range
                self.err(node, f"expected {what}, {'above 0' if positive else '0 or more'}, got '{node.value}'")
                return None
        self.err(node, f"expected {what}, got '{getattr(node, 'value', '…')}'")
        return None

    def _owner(self, n):
        v = self.scalar(n, "the owner's name")
        if v is not None and not v.strip():   # blank, like a blank journal or week_start: an error
            self.err(n, "'owner' is blank: write your name as reports should show it, or leave "
                        "the setting out for the default 'Me'")
            return None
        return v

    def _journal(self, n):
        v = self._folder(n)
        if v is not None and Path(v) == Path("."):   # refused, so the default is read, not the whole project
            self.err(n, "'journal' is the project folder itself: the journal needs a folder of its own, "
                        "e.g. journal: journal")
            return None
        return v

    def _output(self, n):
        return self._folder(n)

    def _folder(self, n):
        v = self.scalar(n, "a folder inside the project")
        if v is None:
            return None
        if Path(v).is_absolute() or ".." in Path(v).parts:
            self.err(n, f"'{v}' must be a folder inside the project (a relative path without '..')")
            return None
        return v

    def _week_start(self, n):
        v = self.scalar(n, "monday or sunday")
        if v is not None and v.lower() not in ("monday", "sunday"):
            near = suggest(v.lower(), ["monday", "sunday"]) if v.lower()[:1] in "ms" else ""   # not 'tuesday' -> 'sunday'
            self.err(n, f"week_start must be monday or sunday, not '{v}'{near}")
            return None
        return v.lower() if v else None

    def _window_weeks(self, n):
        v = self.number(n, "a whole number of weeks")
        if v is not None and (not float(v).is_integer() or v < 1):
            self.err(n, f"window_weeks must be a whole number of weeks, at least 1, got '{n.value}'")
            return None
        return int(v) if v else None

    def _default_rhythm(self, n):
        v = self.scalar(n, RHYTHM_HELP)
        if v is None:
            return None
        days = parse_rhythm(v)
        if days is None:
            self.err(n, f"'{v}' is not {RHYTHM_HELP}")
        return days

    def _sizes(self, n):
        if not isinstance(n, YMap):
            self.err(n, "sizes must map small, medium and large to weights")
            return None
        out = {"small": 1, "medium": 3, "large": 8}
        for k, v in n.pairs:
            if k.value not in out:
                self.err(k, f"unknown size '{k.value}'{suggest(k.value, out)}")
                continue
            w = self.number(v, "a positive weight")
            if w is not None:
                out[k.value] = w
        return out

    def _half_life_days(self, n):
        if isinstance(n, YScalar) and n.tag == "null":
            return None
        return self.number(n, "a number of days (or null: acts never fade)")

    def _pdf_weeks(self, n):
        v = self.number(n, "a whole number of weeks (0: every week)", positive=False)
        if v is not None and not float(v).is_integer():
            self.err(n, f"expected a whole number of weeks, got '{n.value}'")
            return None
        return int(v) if v is not None else None

    def _paper(self, n):
        v = self.scalar(n, "A4 or Letter")
        if v is None:
            return None
        for p in ("A4", "Letter"):
            if v.lower() == p.lower():
                return p
        self.err(n, f"paper must be A4 or Letter, not '{v}'")
        return None

    def _date(self, n) -> dt.date | None:
        if isinstance(n, YScalar) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", n.value):
            try:
                return dt.date.fromisoformat(n.value)
            except ValueError:
                pass
        self.err(n, f"expected a date YYYY-MM-DD, got '{getattr(n, 'value', '…')}'")
        return None

    def _away(self, n):
        if not isinstance(n, YSeq):
            self.err(n, "away must be a list of periods like {from: 2026-12-21, to: 2027-01-02}")
            return None
        periods = []
        for item in n.items:
            if not isinstance(item, YMap):
                self.err(item, "an away period is a mapping with from, to and an optional note")
                continue
            fields = {k.value: (k, v) for k, v in item.pairs}
            for k, _ in item.pairs:
                if k.value not in ("from", "to", "note"):
                    self.err(k, f"unknown key '{k.value}' in an away period{suggest(k.value, ['from', 'to', 'note'])}")
            if "from" not in fields or "to" not in fields:
                self.err(item, "an away period needs both 'from' and 'to'")
                continue
            start, end = self._date(fields["from"][1]), self._date(fields["to"][1])
            if start and end:
                if end < start:
                    self.err(fields["to"][1], "an away period ends before it starts")
                    continue
                note = fields["note"][1].value if "note" in fields and isinstance(fields["note"][1], YScalar) else ""
                periods.append(Away(start, end, note))
        return tuple(sorted(periods, key=lambda a: (a.start, a.end)))

    def _rules(self, n):
        if isinstance(n, YScalar) and n.tag == "null":
            return {}
        if not isinstance(n, YMap):
            self.err(n, "rules must map rule ids to settings, e.g. {grand-gestures: off}")
            return None
        out, seen = {}, {}
        for k, v in n.pairs:
            rid = k.value
            if rid not in self.catalog:
                from reflect.rules import BY_CODE   # here only: the rules import this module

                by_code = BY_CODE.get(str(rid).upper())
                if by_code is None:
                    self.err(k, f"unknown rule '{rid}'{suggest(rid, self.catalog)}")
                    continue
                rid = by_code.id    # a rule's code (R101), as `reflect check` shows it, names it too
            if rid in seen:
                line, spelt = seen[rid]
                if spelt != k.value:    # the same key twice is already a duplicate key
                    self.err(k, f"rule '{rid}' is set twice (also on line {line}, as '{spelt}')")
                continue
            seen[rid] = (k.line, k.value)
            setting = self._rule_setting(rid, v)
            if setting is not None:
                out[rid] = setting
        self._one_way_above_balanced(out)
        return out

    def _one_way_above_balanced(self, rules: dict) -> None:
        """A relationship is balanced within 1:max_ratio..max_ratio:1 (balanced-exchange) and
        one-way from `ratio`:1 (one-way-giving, one-way-taking): a ratio not above max_ratio would
        call the same relationship both (rules turned off are not compared)."""
        def value(rid: str, name: str) -> float:
            setting = rules.get(rid)
            if setting is not None and name in setting.params:
                return setting.params[name]
            return self.catalog[rid][name]

        def on(rid: str) -> bool:
            return rid in self.catalog and (rid not in rules or rules[rid].enabled)

        if not on("balanced-exchange"):
            return
        balanced = value("balanced-exchange", "max_ratio")
        at: dict = {}    # the node to blame -> the rules in conflict (one error per place)
        for rid in ("one-way-giving", "one-way-taking"):
            if on(rid) and value(rid, "ratio") <= balanced:
                node = self.param_nodes.get((rid, "ratio")) or self.param_nodes.get(("balanced-exchange", "max_ratio"))
                if node is not None:
                    at.setdefault((node.line, node.col), (node, []))[1].append(rid)
        for node, rids in at.values():
            said = " and ".join(f"{rid}'s ratio ({value(rid, 'ratio'):g})" for rid in rids)
            self.err(node, f"{said} {'is' if len(rids) == 1 else 'are'} not above balanced-exchange's "
                           f"max_ratio ({balanced:g}): the same relationship would be called one-way and "
                           f"balanced; keep ratio above max_ratio")

    def _rule_setting(self, rid, v):
        if isinstance(v, YScalar):
            word = v.value.lower()
            if v.tag == "bool" or word in ("off", "on"):
                return RuleSetting(enabled=word in ("true", "on"))
            if word in SEVERITIES:
                return RuleSetting(severity=word)
            self.err(v, f"expected off, a severity ({', '.join(SEVERITIES)}) or a mapping of params, got '{v.value}'"
                        f"{suggest(word, SEVERITIES + ('off',))}")
            return None
        if not isinstance(v, YMap):
            self.err(v, "expected off, a severity or a mapping of params")
            return None
        enabled, severity, params = True, None, {}
        defaults = self.catalog[rid]
        for pk, pv in v.pairs:
            name = pk.value
            if name == "severity":
                s = self.scalar(pv, "a severity")
                if s and s.lower() == "off":
                    enabled = False
                elif s and s.lower() in SEVERITIES:
                    severity = s.lower()
                elif s:
                    self.err(pv, f"unknown severity '{s}'{suggest(s, SEVERITIES + ('off',))}")
            elif name == "enabled":
                if isinstance(pv, YScalar) and pv.tag == "bool":
                    enabled = pv.value.lower() == "true"
                else:
                    self.err(pv, f"enabled must be true or false, got '{getattr(pv, 'value', '…')}'")
            elif name in defaults:
                num = self.number(pv, f"a number for '{name}'", positive=False)
                if num is not None:
                    low, high, whole, meaning = _PARAM_RANGE.get(name, (0, None, False, ""))
                    if num < low or (high is not None and num > high) or (whole and num != int(num)):
                        self.err(pv, f"'{name}' for rule {rid} must be {meaning}, got '{pv.value}'")
                    else:
                        params[name] = num
                        self.param_nodes[(rid, name)] = pv
            else:
                known = list(defaults) + ["severity", "enabled"]
                self.err(pk, f"unknown parameter '{name}' for rule {rid}{suggest(name, known)}")
        return RuleSetting(enabled=enabled, severity=severity, params=params)

    def _share(self, n):
        if not isinstance(n, YMap):
            self.err(n, "share must map profile names to settings, e.g. {coach: {people: pseudonyms}}")
            return None
        out = {"coach": ShareProfile()}
        keys = ("people", "notes", "reflection", "coach", "sections")
        for k, v in n.pairs:
            if not isinstance(v, YMap):
                self.err(v, f"share profile '{k.value}' must be a mapping of {', '.join(keys)}")
                continue
            vals: dict = {}
            for pk, pv in v.pairs:
                if pk.value not in keys:
                    self.err(pk, f"unknown share setting '{pk.value}'{suggest(pk.value, keys)}")
                elif pk.value == "people":
                    s = self.scalar(pv, "pseudonyms, initials or names")
                    if s and s in PSEUDONYM_STYLES:
                        vals["people"] = s
                    elif s:
                        self.err(pv, f"people must be one of {', '.join(PSEUDONYM_STYLES)}, not '{s}'"
                                     f"{suggest(s, PSEUDONYM_STYLES)}")
                elif pk.value == "sections":
                    if not isinstance(pv, YSeq):
                        self.err(pv, f"sections must be a list of: {', '.join(SECTIONS)}")
                        continue
                    secs = []
                    for it in pv.items:
                        if isinstance(it, YScalar) and it.value in SECTIONS:
                            secs.append(it.value)
                        else:
                            self.err(it, f"unknown section '{getattr(it, 'value', '…')}'"
                                         f"{suggest(getattr(it, 'value', ''), SECTIONS)}")
                    vals["sections"] = tuple(secs)
                else:
                    if isinstance(pv, YScalar) and pv.tag == "bool":
                        vals[pk.value] = pv.value.lower() == "true"
                    else:
                        self.err(pv, f"{pk.value} must be true or false")
            out[k.value] = ShareProfile(**vals)
        return out
