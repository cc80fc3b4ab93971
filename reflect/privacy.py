"""Private by construction: pseudonyms and name scrubbing for shared reports.

- A pseudonym is the person's level and a letter ("Peer A", "Senior B").  Letters
  are assigned in the order of an HMAC of the person's id under a per-project
  secret salt (`.reflect/share-salt`, git-ignored), so they cannot be reversed by
  guessing names, and once assigned they are remembered (`.reflect/share-names.json`)
  so a person keeps their pseudonym in every later report, even when people are
  added.
- `Scrubber` replaces every way the journal writes a person — full name, each part
  of it, aliases, id — in any case, with possessives (with or without the apostrophe:
  "Priyas"), with either apostrophe (' or ’), or a space or nothing for it ("O Brien"),
  with or without accents, longest first, by whole words or whole capitalised parts of
  a CamelCase word ("TeamPriya", not "Priyanka"), with their pseudonym.
  The level words (senior, peer, junior, external) are never terms: pseudonyms are
  made of them.
"""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from reflect.model import Person
from reflect.source import unaccented as _unaccented

SALT_FILE = "share-salt"
NAMES_FILE = "share-names.json"
# generic words that may be part of a team's name but say nothing about who it is
GENERIC = frozenset("team teams group squad crew council committee board office the of and for de van von da di "
                    "la le el del mr mrs ms dr".split())
_LEVEL_WORD = {"senior": "Senior", "peer": "Peer", "junior": "Junior", "external": "External"}


def _letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, ..."""
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def load_salt(state_dir: Path) -> bytes:
    """The project's secret salt, created on first use (never committed: .reflect/ is ignored)."""
    path = state_dir / SALT_FILE
    try:
        data = path.read_bytes().strip()
        if len(data) >= 32:
            return data
    except OSError:
        pass
    state_dir.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_hex(32).encode()
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(salt)
    os.replace(tmp, path)
    return salt


def pseudonyms(people: Mapping[str, Person], state_dir: Path, style: str = "pseudonyms") -> dict[str, str]:
    """person id -> how they appear in a shared report, for a style: pseudonyms, initials or names."""
    if style == "names":
        return {pid: p.name for pid, p in people.items()}
    if style == "initials":
        out, seen = {}, {}
        for pid in sorted(people, key=lambda i: (people[i].name, i)):
            parts = [w for w in re.split(r"[\s\-]+", people[pid].name) if w and w.lower() not in GENERIC]
            ini = "".join(w[0].upper() + "." for w in parts) or "?"
            seen[ini] = seen.get(ini, 0) + 1
            out[pid] = ini if seen[ini] == 1 else f"{ini}{seen[ini]}"
        return out
    salt = load_salt(state_dir)
    path = state_dir / NAMES_FILE
    try:
        known: dict[str, str] = json.loads(path.read_text("utf-8"))
        if not isinstance(known, dict):
            known = {}
    except (OSError, ValueError):
        known = {}
    # known maps an HMAC of the id (never the id itself) -> pseudonym
    def tag(pid: str) -> str:
        return hmac.new(salt, pid.encode(), hashlib.sha256).hexdigest()

    out: dict[str, str] = {}
    used = set(known.values())
    changed = False
    for level in _LEVEL_WORD:
        members = sorted((tag(pid), pid) for pid, p in people.items() if p.level.value == level)
        for t, pid in members:
            if t in known:
                out[pid] = known[t]
                continue
            i = 0
            while f"{_LEVEL_WORD[level]} {_letters(i)}" in used:
                i += 1
            name = f"{_LEVEL_WORD[level]} {_letters(i)}"
            used.add(name)
            known[t] = name
            out[pid] = name
            changed = True
    if changed:
        state_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(known, sort_keys=True, indent=0), "utf-8")
        os.replace(tmp, path)
    return out


_APOSTROPHES = "'’ʼ‘"


def _key(term: str) -> str:
    """How a term is looked up: lower case, any apostrophe written as '."""
    t = unicodedata.normalize("NFC", term).lower()
    for a in _APOSTROPHES[1:]:
        t = t.replace(a, "'")
    return t


# letters that are not a plain letter plus an accent, as people write them without the keyboard
# for it: 'Søren Ødegård' as 'Soren Odegard', 'Łukasz' as 'Lukasz'
# scripts written without spaces between words (or with particles joined to names): a name there is
# matched wherever it appears, not only as a whole word ('王伟' in '感谢王伟的帮助')
_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN", "YI ")


def _unspaced(term: str) -> bool:
    return any(not c.isascii() and unicodedata.name(c, "").startswith(_UNSPACED) for c in term)


def is_term(term: str) -> bool:
    """Is `term` hidden where it appears?  Not a single letter, not a generic word ("team"), not a
    level word: those are what pseudonyms are made of ("Junior A"), so a person called "Junior
    Santos" is hidden by "Santos" and the full name, and a lone "Junior" stays."""
    t = term.strip()
    return len(t) >= 2 and t.lower() not in GENERIC and t.lower() not in _LEVEL_WORD


def _spellings(term: str) -> set[str]:
    """The ways `term` is typed: as written and in plain letters, and where it has an apostrophe,
    with a space or nothing for it ('O'Brien' typed 'O Brien' or 'OBrien')."""
    out = set()
    for variant in (term, _unaccented(term)):
        out.add(variant)
        if any(a in variant for a in _APOSTROPHES):
            out.update(re.sub(f"[{_APOSTROPHES}]", sep, variant) for sep in (" ", ""))
    return {v for v in out if len(v.strip()) >= 2}


def _term_regex(term: str) -> str:
    """The escaped term, every apostrophe matching both ' and ’ (and ʼ, ‘)."""
    return "".join(f"[{_APOSTROPHES}]" if c in _APOSTROPHES else re.escape(c) for c in term)


@dataclass(frozen=True)
class Scrubber:
    pattern: re.Pattern | None
    lookup: Mapping[str, str]   # _key(term) -> replacement
    shield: re.Pattern | None = None   # the pseudonyms themselves: never rewritten, never a leak

    fold: Mapping[str, str] = dataclasses.field(default_factory=dict)   # _fold(term) -> replacement

    @classmethod
    def for_people(cls, people: Mapping[str, Person], names: Mapping[str, str]) -> "Scrubber":
        """Replace every way the journal writes a person with `names[id]`."""
        terms: dict[str, str] = {}

        def add(term: str, shown: str) -> None:
            t = unicodedata.normalize("NFC", term.strip())
            if not is_term(t):
                return
            # a term shared by two people (two Priyas) maps to the first; both stay hidden
            for variant in _spellings(t):
                terms.setdefault(_key(variant), shown)

        shown: set[str] = set()
        for pid in sorted(people):
            p = people[pid]
            if names.get(pid) == p.name:
                continue  # the names profile keeps real names
            shown.add(names[pid])
            add(p.name, names[pid])
            add(pid, names[pid])
            add(pid.replace("-", " "), names[pid])
            add(pid.replace("-", ""), names[pid])
            for part in re.split(r"[\s\-]+", p.name):
                add(part, names[pid])
            for word in p.name.split():                             # 'Anne-Marie' written 'AnneMarie'
                add(word.replace("-", ""), names[pid])
            add(re.sub(r"[\s\-]+", "", p.name), names[pid])         # and 'PriyaNair'
            for alias in p.aliases:
                add(alias, names[pid])
            if re.fullmatch(r"[\uac00-\ud7a3]{3}", p.name):   # a Korean full name: the given name alone too
                add(p.name[1:], names[pid])
        shield = None
        if shown:
            alts = "|".join(_term_regex(n) for n in sorted(shown, key=lambda n: (-len(n), n)))
            shield = re.compile(rf"{_START}(?:{alts}){_END}", re.IGNORECASE)
        if not terms:
            return cls(None, {}, shield)
        # longest first, so a full name wins over its parts; pseudonyms are alternatives too, so a
        # term never matches inside one (they are kept as they are).  Words end at anything but a
        # letter or digit ('priya_nair' is two words), or between the capitalised parts of a
        # CamelCase word; a name in a script without spaces is matched wherever it is
        every = set(terms) | {_key(n) for n in shown}
        ordered = sorted(every, key=lambda t: (-len(t), t))
        spaced = "|".join(_term_regex(t) for t in ordered if not _unspaced(t))
        unspaced = "|".join(_term_regex(t) for t in ordered if _unspaced(t))
        alts = [_word_regex(spaced)] if spaced else []
        if unspaced:
            alts.append(f"(?P<u>{unspaced})")
        fold = {_fold(k): v for k, v in sorted(terms.items(), reverse=True)}
        return cls(re.compile("|".join(alts), re.IGNORECASE), terms, shield, fold)

    def _normal(self, text: str) -> str:
        """The text as names are looked for in it: no soft hyphens or zero-width characters
        (pasted text has them inside words), fullwidth and mathematical letters as plain ones,
        composed."""
        if _HIDDEN.search(text):
            text = text.translate(_DROP_HIDDEN)
        if _WIDE.search(text):
            text = _WIDE.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
        return unicodedata.normalize("NFC", text) if not unicodedata.is_normalized("NFC", text) else text

    def _name_for(self, term: str) -> str | None:
        """The replacement for a matched term; None for a pseudonym (left as it is)."""
        name = self.lookup.get(_key(term))
        if name is None:   # the regex's case-blind match and str.lower() can differ (İ, ı)
            name = self.fold.get(_fold(term))
        if name is None and not (self.shield is not None and self.shield.fullmatch(term)):
            name = "[name]"   # matched as a name, known by no spelling: hidden all the same
        return name

    def sub(self, text: str) -> tuple[str, int]:
        """text with every name replaced, and how many were."""
        if not text or self.pattern is None:
            return text, 0
        count = 0

        def repl(m: re.Match) -> str:
            nonlocal count
            name = self._name_for(_term(m))
            if name is None:  # a pseudonym: left alone
                return m.group(0)
            count += 1
            return name + _suffix(m)
        return self.pattern.sub(repl, self._normal(text)), count

    def __call__(self, text: str) -> str:
        return self.sub(text)[0]

    def leaks(self, text: str) -> list[str]:
        """Terms still present in text (a self-check before anything is written).

        The pseudonyms are blanked out first: "Junior A" is not a leak of someone called Junior."""
        if self.pattern is None:
            return []
        text = self._normal(text)
        if self.shield is not None:
            text = self.shield.sub(" ", text)
        return sorted({_term(m) for m in self.pattern.finditer(text) if self._name_for(_term(m)) is not None})


# a word's edges: no letter or digit of a spaced script next to it ('_' is an edge, and so is a
# letter of a script written without spaces: 'Priya' in '感谢Priya的帮助')
_UNSPACED_RANGES = ("\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u2e80-\u2fdf"
                    "\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                    "\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002fa1f")
_START, _END = rf"(?<![^\W_{_UNSPACED_RANGES}])", rf"(?![^\W_{_UNSPACED_RANGES}])"


def _letter_class(category: str) -> str:
    """A regex character class body: the letters of a Unicode category ('Lu', 'Ll') in the
    alphabets that write CamelCase words (Latin, Greek, Cyrillic, Armenian...: below U+2000)."""
    chars = [c for c in map(chr, range(0x41, 0x2000)) if unicodedata.category(c) == category]
    runs: list[list[str]] = []
    for c in chars:
        if runs and ord(c) == ord(runs[-1][-1]) + 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    return "".join(re.escape(r[0]) + (f"-{re.escape(r[-1])}" if len(r) > 1 else "") for r in runs)


_UPPER, _LOWER = _letter_class("Lu"), _letter_class("Ll")
# a capitalised part of a CamelCase word ('Priya' in 'TeamPriya' and 'PriyaTeam', not in 'Priyanka'
# nor 'PRIYANKA'): it starts with a capital after a small letter, and ends with a small letter
# before a capital.  Case counts here (?-i), whatever the pattern's flags
_OPEN = rf"(?:{_START}|(?-i:(?<=[{_LOWER}])(?=[{_UPPER}])))"
_CLOSE = rf"(?:{_END}|(?-i:(?<=[{_LOWER}])(?=[{_UPPER}])))"


def _word_regex(alts: str) -> str:
    """A name (one of `alts`) as a word: whole, or a whole capitalised part of a CamelCase word, with
    a possessive ('s, ’s, a lone apostrophe, or an 's' with the apostrophe left out: 'Priyas' — only
    when the name is written with a capital, so that a person called Day or Price leaves the
    words "days" and "prices" alone, in your text and in the report's own)."""
    return (rf"{_OPEN}(?:(?P<cap>(?-i:(?=[{_UPPER}])))|)(?P<t>{alts})"
            rf"(?:(?P<s>[{_APOSTROPHES}]s)|(?P<a>[{_APOSTROPHES}])|(?(cap)(?P<p>s)|(?!)))?{_CLOSE}")


def _suffix(m: re.Match) -> str:
    """What follows the replacement of a name matched by `_word_regex`: its possessive as written,
    and an apostrophe where it was left out ('Priyas team' becomes "Peer A's team")."""
    return _group(m, "s") or _group(m, "a") or ("'s" if _group(m, "p") else "")


_HIDDEN = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_DROP_HIDDEN = str.maketrans("", "", "\u00ad\u200b\u200c\u200d\u2060\ufeff")
_WIDE = re.compile("[\uff01-\uff5e\U0001d400-\U0001d7ff]+")   # fullwidth ASCII, mathematical letters


def _fold(term: str) -> str:
    """A spelling-blind form of a term: plain letters, case folded, dotted and dotless i alike."""
    return _unaccented(term).casefold().replace("\u0131", "i").replace("i\u0307", "i")


def _group(m: re.Match, name: str) -> str | None:
    return m.groupdict().get(name)


def _term(m: re.Match) -> str:
    """The name a match of `Scrubber.pattern` found (as a whole word, or in an unspaced script)."""
    return _group(m, "t") or _group(m, "u") or ""


def label_scrubber(owner: str, teams: Iterable[str], owner_label: str, team_label: str):
    """For your own free text (entries, notes, reflections, coach notes) before a share is made:
    (text -> (text, replacements)) with your name, and each part of it, in any case, as
    `owner_label`, and a team's name exactly as people.yaml writes it (case and all: a team
    called "IT" is not the word "it") as `team_label`.  Only free text: the report's own
    wording is never matched against a team called "People"."""
    mine: set[str] = set()
    for term in [owner, *re.split(r"[\s\-]+", owner)]:
        t = unicodedata.normalize("NFC", term.strip())
        if len(t) >= 2 and t.lower() not in GENERIC:
            mine.update(_spellings(t))
    groups = {unicodedata.normalize("NFC", t.strip()) for t in teams if len(t.strip()) >= 2}
    pats = []
    if mine:   # matched as the scrubber matches people: 'Alexs', 'TeamAlex', 'O Brien'
        alts = "|".join(_term_regex(t) for t in sorted(mine, key=lambda t: (-len(t), t)))
        pats.append((re.compile(_word_regex(alts), re.IGNORECASE), lambda m: owner_label + _suffix(m)))
    if groups:
        alts = "|".join(re.escape(t) for t in sorted(groups, key=lambda t: (-len(t), t)))
        pats.append((re.compile(rf"{_START}(?:{alts}){_END}"), team_label))

    def scrub(text: str) -> tuple[str, int]:
        total = 0
        for pat, label in pats:
            text, n = pat.subn(label, text)
            total += n
        return text, total
    return scrub


def scrub_all(values: Iterable[str], scrub: Scrubber) -> list[str]:
    return [scrub(v) for v in values]
