"""Parsed files -> Journal + every Diagnostic found, in one pass.

The field tables of the journal format live here: which keys an entry may
have, which belong to which act, which values each accepts.  Nothing raises
on user input; every problem is collected with its FILE:LINE:COLUMN and the
loader moves on, so one run reports everything.
"""
from __future__ import annotations

import datetime as dt
import gc
import os
import re
import sys
from pathlib import Path, PurePosixPath
from typing import Callable

from reflect.config import RHYTHM_HELP, Config, parse_rhythm
from reflect.errors import Diagnostic, Source, closest, suggest
from reflect.model import (DATE_MAX, DATE_MIN, ISO_WEEK, Act, Alignment, Entry, Journal, Level,  # noqa: F401
                           Outcome, Person, Reflection, Size, iso_week, week_problem)
from reflect import filecache
from reflect.source import (ParsedFile, YMap, YScalar, YSeq, discover, is_markdown, parse_bytes, read_bytes,
                            unaccented)

PEOPLE_FILE = "people.yaml"
ACTS = tuple(a.value for a in Act)
COMMON_FIELDS = ("date", "with", "size", "public", "tags", "note", "planned")
ACT_FIELDS = {
    "outcome": ("asked",),
    "due": ("promised",),
    "kept": ("promised",),
    "dropped": ("promised",),
    "acknowledged": ("received", "asked"),
}
ALL_FIELDS = COMMON_FIELDS + ACTS + tuple(ACT_FIELDS)
PERSON_FIELDS = ("name", "level", "team", "alignment", "rhythm", "aliases", "note")
PERSON_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # fromisoformat alone also takes 2026-W48-1


class _Collector:
    def __init__(self, rel: str, diags: list[Diagnostic]):
        self.rel, self.diags = rel, diags

    def src(self, node) -> Source:
        return Source(self.rel, node.line, node.col)

    def err(self, node, kind: str, msg: str) -> None:
        self.diags.append(Diagnostic(self.src(node), kind, msg))

    def cut(self, node, field: str, fix: str = "put the whole text in quotes to keep it") -> bool:
        """Did a comment cut this value short (`gave: Reviewed PR #123`)?  Then say so, at the '#'.

        YAML reads ' #' as the start of a comment, so the text would lose its end without a word
        (and `tags: advice #private` would lose the tag that keeps an entry out of a share)."""
        if not (isinstance(node, YScalar) and node.comment and node.value):
            return False
        kept = node.value if len(node.value) <= 40 else node.value[:39] + "…"
        gone = node.comment if len(node.comment) <= 30 else node.comment[:29] + "…"
        self.diags.append(Diagnostic(
            Source(self.rel, node.comment_line, node.comment_col), "value",
            f"'{field}' is cut short: YAML reads '{gone}' as a comment and keeps only '{kept}'; "
            f"{fix} (a comment needs a space after '#')"))
        return True

    def text(self, node, field: str, blank_ok: bool = False, free: bool = True) -> str | None:
        """A scalar's text; `''` or only spaces is as empty as no value at all, unless `blank_ok`.
        A free text (not a choice like `size: small #ish`, whose comment cuts nothing) that a
        comment cut short is refused (see `cut`)."""
        if isinstance(node, YScalar) and node.tag != "null" and (blank_ok or node.value.strip()):
            return None if free and self.cut(node, field) else node.value
        if isinstance(node, YScalar) and blank_ok:    # `note:` with nothing after it: no note, as `note: ""`
            return ""
        if isinstance(node, YScalar):
            hint = f" (YAML reads '{node.comment[:30]}' as a comment: put the text in quotes)" \
                if node.comment else ""
            self.err(node, "value", f"'{field}' is empty{hint}")
        else:
            self.err(node, "value", f"'{field}' must be text, not a {'list' if isinstance(node, YSeq) else 'mapping'}")
        return None

    def date(self, node, field: str) -> dt.date | None:
        if isinstance(node, YScalar) and node.tag in ("timestamp", "str"):
            try:
                d = dt.date.fromisoformat(node.value) if ISO_DATE.match(node.value) else _bad()
            except ValueError:
                d = None
            if d is not None and not DATE_MIN <= d <= DATE_MAX:
                self.err(node, "value", f"'{field}' must be between {DATE_MIN.year} and {DATE_MAX.year}, "
                                        f"got '{node.value}'")
                return None
            if d is not None:
                return d
        shown = node.value if isinstance(node, YScalar) else "…"
        self.err(node, "value", f"'{field}' must be a date like 2026-11-24, got '{shown}'")
        return None

    def boolean(self, node, field: str) -> bool | None:
        if isinstance(node, YScalar) and node.tag == "bool":
            return node.value.lower() == "true"
        shown = node.value if isinstance(node, YScalar) else "…"
        hint = ""
        if isinstance(node, YScalar) and shown.lower() in ("yes", "no", "y", "n", "on", "off"):
            hint = " — write true or false"
        elif isinstance(node, YScalar) and shown.lower() in ("true", "false"):
            hint = " — without quotes, so YAML reads it as a yes/no value"
        self.err(node, "value", f"'{field}' must be true or false, got '{shown}'{hint}")
        return None

    def choice(self, node, field: str, choices: tuple[str, ...]) -> str | None:
        v = self.text(node, field, free=False)
        if v is None:
            return None
        if v not in choices:
            self.err(node, "value", f"'{field}' must be one of {', '.join(choices)}, got '{v}'{suggest(v, choices)}")
            return None
        return v

    def words(self, node, field: str) -> tuple[str, ...] | None:
        def fix(n: YScalar) -> str:
            meant = n.comment.lstrip("#").split()[0].strip(",[]")
            return f"write them without '#' ({field}: [{n.value}, {meant}]) or in quotes"

        if isinstance(node, YScalar) and node.tag != "null":
            return None if node.comment and self.cut(node, field, fix(node)) else (node.value,)
        if isinstance(node, YSeq):
            out = []
            for item in node.items:
                if isinstance(item, YScalar) and item.tag != "null":
                    if item.comment and self.cut(item, field, fix(item)):
                        return None
                    out.append(item.value)
                else:
                    self.err(item, "value", f"each item of '{field}' must be a word")
            return tuple(out)
        self.err(node, "value", f"'{field}' must be a word or a list of words")
        return None


def _bad():
    raise ValueError


def load_journal(config: Config, use_cache: bool = True,
                 while_parsing: Callable[[], None] | None = None) -> tuple[Journal, list[Diagnostic]]:
    """Read every file of the journal folder into a Journal; collect all problems.

    `while_parsing()`, if given, runs in this process while other processes parse the files
    (only when they do: a large journal without a parse cache); `reflect build` compiles its
    templates then."""
    root, folder = config.root, config.journal_dir
    diags: list[Diagnostic] = []
    if not folder.is_dir():
        return Journal(), diags
    cache = config.cache_dir if use_cache else None
    gc_was = gc.isenabled()
    gc.disable()  # the loader builds many small objects and no cycles: the collector only costs time
    try:
        files = discover(folder)
        people_path = folder / PEOPLE_FILE
        people: dict[str, Person | None] = {}   # None: listed, but their record has errors
        has_people = people_path in files
        people_sig = b""
        if has_people:
            data, why = read_bytes(people_path)
            people_sig = data or b""
            rel = _rel(people_path, root)
            parsed = filecache.parsed(data, rel, False, cache) if data is not None else \
                ParsedFile(None, "", 1, ((1, 1, "file", why),), False)
            people = _load_people(rel, parsed, diags)
        entries: list[Entry] = []
        reflections: list[Reflection] = []
        coach: list[Reflection] = []
        used: set[str] = set()
        todo = []  # (rel, kind, data, key, blob or None)
        for path in files:
            if path == people_path:
                continue
            rel = _rel(path, root)
            if path.parent == folder and path.name.lower() in ("people.yaml", "people.yml"):
                # People.YAML or people.yml: meant as the people file, which has exactly one name
                diags.append(Diagnostic(Source(rel, 1, 1), "file",
                                        f"the people file is read only as '{PEOPLE_FILE}': rename {path.name}"))
                continue
            kind = "coach" if _in_coach_folder(path, folder) else "owner"
            data, why = read_bytes(path)
            if data is None:
                diags.append(Diagnostic(Source(rel, 1, 1), "file", why))
                continue
            key = filecache.key_of(data, rel, kind, people_sig) if cache else ""
            todo.append([rel, kind, data, key, filecache.get(cache, key) if cache else None])
        misses = [t for t in todo if t[4] is None]
        for t, blob in zip(misses, _validate_many([(t[0], t[1], t[2]) for t in misses], people, while_parsing)):
            t[4] = blob
            if cache:
                filecache.put(cache, t[3], blob)
        for rel, kind, data, key, blob in todo:
            try:
                es, rs, ds = filecache.decode(blob, rel)
            except (ValueError, EOFError, TypeError, KeyError):  # a damaged cache file: read the file again
                blob = _validate_one(rel, kind, data, people)
                if cache:
                    filecache.put(cache, key, blob)  # and mend the cache, or every run pays for it again
                es, rs, ds = filecache.decode(blob, rel)
            used.add(key)
            entries.extend(es)
            for r in rs:
                (coach if r.kind == "coach" else reflections).append(r)
            diags.extend(ds)
        if cache:
            filecache.prune(cache, used)
        _people_file_problems(_rel(people_path, root), has_people, people, entries, diags)
        _check_weeks(reflections, diags, "reflection")
        _check_weeks(coach, diags, "coach notes")
    finally:
        if gc_was:
            gc.enable()
    entries.sort(key=lambda e: e.sort_key)
    reflections.sort(key=lambda r: (r.week, r.source))
    coach.sort(key=lambda r: (r.week, r.source))
    diags.sort()
    return Journal(people={pid: p for pid, p in sorted(people.items()) if p is not None}, entries=tuple(entries),
                   reflections=tuple(reflections), coach_notes=tuple(coach)), diags


# the id back out of `_with`'s message (an id may hold a quote: "unknown person 'o'neil'; ...")
_UNKNOWN_PERSON = re.compile(r"unknown person '(.*)'(?: \(did you mean '[^']*'\?\))?; add them to people\.yaml")


def unknown_person(d: Diagnostic) -> str | None:
    """The id an "unknown person" error is about (None for any other problem)."""
    m = _UNKNOWN_PERSON.match(d.message) if d.kind == "person" else None
    return m.group(1) if m else None


def _people_file_problems(rel: str, has_people: bool, people: dict, entries: list, diags: list) -> None:
    """When people.yaml is missing, empty or unreadable as a whole, say so once, naming the ids the
    entries use, instead of an "unknown person" error at every mention of everyone."""
    if has_people and people:
        return              # read: its own errors (if any) are per person, and mentions are checked
    own = [d for d in diags if d.source.path == rel]
    mentioned = sorted({pid for d in diags if (pid := unknown_person(d)) is not None})
    if not has_people and not mentioned and not entries:
        return              # no entries yet (only reflections): nobody to list
    diags[:] = [d for d in diags if d.kind != "person"]
    shown = ", ".join(mentioned[:12]) + (f" and {len(mentioned) - 12} more" if len(mentioned) > 12 else "")
    who = f": your entries mention {shown}" if mentioned else ""
    how = "; add each one as 'id: {name: ..., level: senior|peer|junior|external}'"
    if not has_people:
        diags.append(Diagnostic(Source(rel, 1, 1), "file", f"people.yaml is missing{who}{how}"))
    elif not own:       # read, but lists nobody (empty, or only comments)
        diags.append(Diagnostic(Source(rel, 1, 1), "file", f"people.yaml lists nobody{who}{how}"))
    elif mentioned:     # unreadable as a whole: its error is reported; the people it should hold are named
        diags.append(Diagnostic(Source(rel, 1, 1), "file", f"people.yaml could not be read, so nobody is known yet{who}"))


def _validate_one(rel: str, kind: str, data: bytes, people: dict) -> bytes:
    """Parse and validate one file; the result in the cache's compact form."""
    es, refl, coa, ds = [], [], [], []
    _load_file(rel, parse_bytes(data, is_markdown(rel)), people, kind, es, refl, coa, ds)
    return filecache.encode(es, refl + coa, ds)


_POOL_PEOPLE: dict = {}
PARALLEL_MIN_FILES = 24


def _pool_work(job: tuple[str, str, bytes]) -> bytes:
    return _validate_one(*job, _POOL_PEOPLE)


def _validate_many(jobs: list[tuple[str, str, bytes]], people: dict,
                   while_parsing: Callable[[], None] | None = None) -> list[bytes]:
    """Validate files, on both cores when there are many (a cold cache on a big journal)."""
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < PARALLEL_MIN_FILES or workers < 2 or not sys.platform.startswith("linux"):
        return [_validate_one(rel, kind, data, people) for rel, kind, data in jobs]
    import multiprocessing

    global _POOL_PEOPLE
    _POOL_PEOPLE = people  # inherited by the forked workers
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parsed = pool.map_async(_pool_work, jobs, chunksize=max(1, len(jobs) // (workers * 4)))
            if while_parsing is not None:
                while_parsing()
            return parsed.get()
    except OSError:  # no processes to be had: do it here
        return [_validate_one(rel, kind, data, people) for rel, kind, data in jobs]
    finally:
        _POOL_PEOPLE = {}


def _in_coach_folder(path: Path, folder: Path) -> bool:
    """Is `path` below the journal's coach/ folder?  Its name in any case (Coach/, COACH/), as file
    extensions are (NOTES.MD)."""
    try:
        parts = path.relative_to(folder).parts
    except ValueError:
        return False
    return len(parts) > 1 and parts[0].lower() == "coach"


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _check_weeks(items: list[Reflection], diags: list[Diagnostic], what: str) -> None:
    seen: dict[str, Reflection] = {}
    # the file named after its week (reflections/2026-W47.md) is the first; any other is the second
    for r in sorted(items, key=lambda r: (PurePosixPath(r.source.path).stem != r.week, r.source)):
        if r.week in seen:
            diags.append(Diagnostic(r.source, "file", f"a second {what} for {r.week} "
                                    f"(the first is {seen[r.week].source.short()})"))
        else:
            seen[r.week] = r


def _load_people(rel: str, parsed: ParsedFile, diags: list[Diagnostic]) -> dict[str, Person | None]:
    """Everyone in people.yaml by id; None for a person listed with errors in their record (the
    errors are reported here, once: entries that mention them are not also "unknown person")."""
    c = _Collector(rel, diags)
    diags.extend(Diagnostic(Source(rel, l, col), k, m) for l, col, k, m in parsed.problems)
    root = parsed.root
    people: dict[str, Person | None] = {}
    if root is None:
        return people
    if not isinstance(root, YMap):
        c.err(root, "file", "people.yaml must map each person's id to their details, e.g. priya: {name: Priya Shah, level: peer}")
        return people
    seen: set[str] = set()
    for key, val in root.pairs:
        pid = key.value
        if pid in seen:
            c.err(key, "field", f"person '{pid}' is listed twice")
            continue
        seen.add(pid)
        if not PERSON_ID.match(pid):
            c.err(key, "value", f"person id '{pid}' must be a lower-case slug (a-z, 0-9, -), e.g. '{slug(pid)}'")
            # entries that use the slug, or a word of it ('priya' for 'Priya Nair'), wait for the fix
            # instead of each being an "unknown person": one mistake, one error
            for known in (slug(pid), *slug(pid).split("-")):
                if PERSON_ID.match(known):
                    people.setdefault(known, None)
            continue
        if not isinstance(val, YMap):
            c.err(val, "value", f"person '{pid}' needs a mapping with at least name and level")
            people[pid] = None
            continue
        fields: dict = {}
        for k, v in val.pairs:
            if k.value in fields:
                c.err(k, "field", f"duplicate key '{k.value}' for person '{pid}'")
                continue
            fields[k.value] = (k, v)
            if k.value not in PERSON_FIELDS:
                c.err(k, "field", f"unknown field '{k.value}' for person '{pid}'{suggest(k.value, PERSON_FIELDS)}")
        ok = True
        for req in ("name", "level"):
            if req not in fields:
                c.err(key, "field", f"person '{pid}' has no '{req}'")
                ok = False
        name = c.text(fields["name"][1], "name") if "name" in fields else None
        level = c.choice(fields["level"][1], "level", tuple(l.value for l in Level)) if "level" in fields else None
        if name is None or level is None or not ok:
            people[pid] = None
            continue
        kw: dict = {}
        if "team" in fields:
            kw["team"] = c.text(fields["team"][1], "team", blank_ok=True) or ""
        if "alignment" in fields:
            a = c.choice(fields["alignment"][1], "alignment", tuple(x.value for x in Alignment))
            if a:
                kw["alignment"] = Alignment(a)
        if "rhythm" in fields:
            node = fields["rhythm"][1]
            r = c.text(node, "rhythm", free=False)
            days = parse_rhythm(r) if r else None
            if r and days is None:
                c.err(node, "value", f"'{r}' is not {RHYTHM_HELP}")
            kw["rhythm_days"] = days
        if "aliases" in fields:
            kw["aliases"] = c.words(fields["aliases"][1], "aliases") or ()
        if "note" in fields:
            kw["note"] = c.text(fields["note"][1], "note", blank_ok=True) or ""
        people[pid] = Person(id=pid, name=name, level=Level(level), source=c.src(key), **kw)
    return people


def slug(text: str) -> str:
    """The person id to suggest for `text`: lower case, accents folded ('József' -> 'jozef'),
    every other run of characters outside a-z and 0-9 one '-'."""
    return re.sub(r"[^a-z0-9]+", "-", unaccented(text).lower()).strip("-") or "someone"


def _load_file(rel, parsed: ParsedFile, people, kind, entries, reflections, coach, diags) -> None:
    c = _Collector(rel, diags)
    diags.extend(Diagnostic(Source(rel, l, col), k, m) for l, col, k, m in parsed.problems)
    root = parsed.root
    if root is None:
        if not parsed.problems and parsed.is_markdown:
            c.err(YScalar("", "null", 1, 1), "file", "the front matter is empty: add an entry's fields or 'week: YYYY-Www'")
        return
    if parsed.is_markdown:
        _load_markdown(c, root, parsed, people, kind, entries, reflections, coach)
        return
    if kind == "coach":
        c.err(root, "file", "coach notes are Markdown files (.md) with front matter 'week: YYYY-Www'")
        return
    if isinstance(root, YMap):
        c.err(root, "file", "a journal YAML file is a list of entries: start each entry with '- date: ...'")
        return
    if not isinstance(root, YSeq):
        c.err(root, "file", "a journal YAML file is a list of entries")
        return
    for item in root.items:
        e = _entry(c, item, people, "")
        if e:
            entries.append(e)


def _load_markdown(c, root, parsed, people, kind, entries, reflections, coach) -> None:
    if not isinstance(root, YMap):
        c.err(root, "file", "the front matter must be a mapping (key: value)")
        return
    keys = {k.value: (k, v) for k, v in root.pairs}
    # `week` makes a reflection, unless the front matter is an entry's (a date, a person or an act)
    entry_like = kind != "coach" and any(k in keys for k in ("date", "with", *ACTS))
    if ("week" in keys and not entry_like) or kind == "coach":
        if "week" not in keys:
            c.err(root, "field", "coach notes need 'week: YYYY-Www' in their front matter")
            return
        for k, _ in root.pairs:
            if k.value != "week":
                c.err(k, "field", f"unknown field '{k.value}': a {'coach note' if kind == 'coach' else 'reflection'} "
                                  "has only 'week' in its front matter")
        knode = keys["week"][1]
        week = _week(c, knode)
        if week:
            r = Reflection(week=week, text=parsed.body, source=c.src(knode), kind=kind)
            (coach if kind == "coach" else reflections).append(r)
        return
    if "entries" in keys:
        for k, _ in root.pairs:
            if k.value != "entries":
                c.err(k, "field", f"unknown field '{k.value}' next to 'entries'{suggest(k.value, ['entries'])}")
        lst = keys["entries"][1]
        if not isinstance(lst, YSeq):
            c.err(lst, "value", "'entries' must be a list of entries")
            return
        for item in lst.items:
            e = _entry(c, item, people, parsed.body)
            if e:
                entries.append(e)
        return
    e = _entry(c, root, people, parsed.body)
    if e:
        entries.append(e)


def _week(c, node) -> str | None:
    v = node.value if isinstance(node, YScalar) else ""
    why = week_problem(v) if v == v.strip() else "form"
    if why is None:
        return v
    if why == "years":
        c.err(node, "value", f"'week' must be between {DATE_MIN.year} and {DATE_MAX.year}, got '{v}'")
    else:
        c.err(node, "value", f"'week' must be an ISO week like {iso_week(dt.date(2026, 11, 24))}, got '{v or '…'}'")
    return None


def _entry(c: _Collector, node, people: dict, body: str) -> Entry | None:
    """One entry mapping -> Entry, or None after reporting why not."""
    if not isinstance(node, YMap):
        c.err(node, "file", "each entry must be a mapping with date, with and one act (gave, received, asked, promised, thanked)")
        return None
    fields: dict = {}
    bad = False
    for k, v in node.pairs:
        name = k.value
        if name in fields:
            first = fields[name][0]
            hint = ""
            if name == "date" and k.line > first.line and k.col == first.col and not is_markdown(c.rel):
                hint = ": if a new entry starts here, put '- ' before it"
            c.err(k, "field", f"duplicate key '{name}' (already on line {first.line}){hint}")
            bad = True
            continue
        fields[name] = (k, v)
        if name not in ALL_FIELDS:
            hint = suggest(name, ALL_FIELDS) if name != "week" else \
                ": an entry has a 'date' (a reflection is a file of its own, with only 'week')"
            c.err(k, "field", f"unknown field '{name}'{hint}")
            bad = True
    acts = [name for name in fields if name in ACTS]
    # Without exactly one act the entry is not kept, but the rest of it is still checked, so
    # that one run reports every problem of the entry (a misspelt act and an unknown person).
    act: str | None = None
    if not acts:
        c.err(node, "field", "an entry needs one act: gave, received, asked, promised or thanked")
    elif len(acts) > 1:
        second = fields[acts[1]][0]
        c.err(second, "field", f"an entry has exactly one act, this one has {' and '.join(acts)}: split it in two")
    else:
        act = acts[0]
        for name, (k, _) in fields.items():
            if name in ACT_FIELDS and act not in ACT_FIELDS[name]:
                allowed = " or ".join(f"'{a}'" for a in ACT_FIELDS[name])
                c.err(k, "field", f"'{name}' belongs to {allowed} entries, not to '{act}'")
                bad = True
    for req in ("date", "with"):
        if req not in fields:
            c.err(node, "field", f"the entry has no '{req}'")
            bad = True
    what = c.text(fields[act][1], act) if act else None
    date = c.date(fields["date"][1], "date") if "date" in fields else None
    with_ = _with(c, fields["with"][1], people) if "with" in fields else None
    kw: dict = {}
    if "size" in fields:
        s = c.choice(fields["size"][1], "size", tuple(x.value for x in Size))
        kw["size"] = Size(s) if s else Size.SMALL
        bad |= s is None
    for flag in ("public", "planned"):
        if flag in fields:
            b = c.boolean(fields[flag][1], flag)
            bad |= b is None
            kw[flag] = bool(b)
    if "tags" in fields:
        # `tags: private, advice` is two tags, as `reflect add --tag private,advice` writes them:
        # read as one tag "private, advice" it would let a private entry into a shared report
        t = c.words(fields["tags"][1], "tags")
        kw["tags"] = tuple(w.strip() for tag in t or () for w in tag.split(",") if w.strip())
    note = ""
    if "note" in fields:
        note = c.text(fields["note"][1], "note", blank_ok=True) or ""
        if body:
            c.err(fields["note"][0], "field", "this entry has both a 'note' field and a Markdown body: keep one")
    kw["note"] = note or body
    if "outcome" in fields and act in ("asked", None):
        o = c.choice(fields["outcome"][1], "outcome", tuple(x.value for x in Outcome))
        kw["outcome"] = Outcome(o) if o else None
        bad |= o is None
    for dfield in ("due", "kept", "dropped"):
        if dfield in fields and act in ("promised", None):
            d = c.date(fields[dfield][1], dfield)
            kw[dfield] = d
            bad |= d is None
    if "acknowledged" in fields and (act is None or act in ACT_FIELDS["acknowledged"]):
        a = c.choice(fields["acknowledged"][1], "acknowledged", ("public", "private"))
        kw["acknowledged"] = a
        bad |= a is None
        if act == "asked" and kw.get("outcome") is not Outcome.HELPED and a:
            c.err(fields["acknowledged"][0], "field", "'acknowledged' on an ask needs 'outcome: helped'")
            bad = True
    if act == "promised" and date is not None:
        for dfield in ("due", "kept", "dropped"):
            if kw.get(dfield) and kw[dfield] < date:
                c.err(fields[dfield][1], "value",
                      f"a promise cannot be {dfield} before it was made ({date.isoformat()})")
                bad = True
    if act == "promised" and kw.get("kept") and kw.get("dropped"):
        c.err(fields["dropped"][0], "field", "a promise is either kept or dropped, not both")
        bad = True
    if act is None or what is None or date is None or with_ is None or bad:
        return None
    if act == "asked" and kw.get("outcome") is None:
        kw["outcome"] = Outcome.PENDING
    return Entry(date=date, people=with_, act=Act(act), what=what, source=c.src(node),
                 act_source=c.src(fields[act][0]), **kw)


def suggest_person(pid: str, people: dict) -> str:
    """' (did you mean 'id'?)' for an unknown person: by id, else by a name or alias written instead."""
    hint = suggest(pid, people)
    if hint:
        return hint
    listed = [p for p in people.values() if p is not None]
    names = {p.name.lower(): p.id for p in listed}
    names.update({a.lower(): p.id for p in listed for a in p.aliases})
    if pid.lower() in names:
        return f" (did you mean '{names[pid.lower()]}'?)"
    close = closest(pid.lower(), names)
    return f" (did you mean '{names[close]}'?)" if close is not None else ""


def _with(c: _Collector, node, people: dict) -> tuple[str, ...] | None:
    items = [node] if isinstance(node, YScalar) else list(node.items) if isinstance(node, YSeq) else None
    if isinstance(node, YScalar) and node.tag == "str" and "," in node.value:
        # `with: priya, sam` means two people, as `reflect add gave priya,sam` does; each part keeps
        # its own column for its error
        items, at = [], 0
        for part in node.value.split(","):
            lead = len(part) - len(part.lstrip())
            if part.strip():
                items.append(YScalar(part.strip(), "str", node.line, node.col + at + lead))
            at += len(part) + 1
    if items is None:
        c.err(node, "value", "'with' must be a person id or a list of ids")
        return None
    if not items:
        c.err(node, "value", "'with' names nobody: give a person id or a list of ids")
        return None
    out: list[str] = []
    ok = True
    for it in items:
        if not isinstance(it, YScalar) or it.tag == "null":
            c.err(it, "value", "'with' must list person ids")
            ok = False
            continue
        pid = it.value
        if pid not in people:
            c.err(it, "person", f"unknown person '{pid}'{suggest_person(pid, people)}; "
                                "add them to people.yaml or fix the id")
            ok = False
            continue
        if people[pid] is None:   # listed with errors, reported at people.yaml: the entry waits for the fix
            ok = False
            continue
        if pid not in out:
            out.append(pid)
    return tuple(out) if ok else None
