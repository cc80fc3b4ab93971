"""`reflect add` and `reflect done`: change the journal without an editor, safely.

This module decides what a change should be, and that it came out so.  `add`
appends entries (to their month's file or `--file`) and people (to
people.yaml), rendered as text by reflect.yamltext, and never re-dumps a
user's file; `done` turns this week's plan into a done act, or keeps an open
promise, by editing only the one or two lines that change (drops a
`planned: true`, rewrites a date, inserts `kept: D`).  Each change is then
one transaction of reflect.journal_write: under the lock, the journal valid
before and as it would be after, and the entries of each changed file read
back exactly as intended (old ones unchanged, new ones with the values
given); else nothing is written.

`reflect done` lives in reflect.done.  `add_entries` (NewEntry values) and `append_entries` (plain dicts, prints and
returns an exit status) are the API for other commands (`reflect plan --yes`).
The emitter (`scalar`, `flow_list`, `render_entry`, ...) and the transaction
(`commit`, `AddError`, ...) stay importable from here.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

from reflect.config import RHYTHM_HELP, Config, parse_rhythm
from reflect.errors import Source, UsageError, suggest
from reflect.journal_write import AddError, commit, entries_in, facts, person_facts, report, writing
from reflect.loader import ACT_FIELDS, ACTS, PEOPLE_FILE, PERSON_ID, _rel, slug, suggest_person
from reflect.model import Act, Alignment, Entry, Journal, Level, Outcome, Person, Size
from reflect.scaffold import MONTHS
from reflect.source import YMap, YSeq, parse_text
from reflect.yamltext import NewEntry, NewPerson, append_text, render_entry, render_person, split_lines, top_node

# Moved to reflect.yamltext and reflect.journal_write; still importable from here (scaffold, tests).
from reflect.journal_write import load_as_if, project_lock  # noqa: F401
from reflect.yamltext import double_quoted, flow_list, plain_ok, scalar  # noqa: F401
from reflect.yamltext import text_value as _text_value  # noqa: F401


# --------------------------------------------------------------------------------------------
# Adding entries and people

def expected_entry(n: NewEntry) -> Entry:
    """The Entry the loader should build from what `render_entry` writes."""
    outcome = Outcome(n.outcome) if n.outcome else (Outcome.PENDING if n.act == "asked" else None)
    return Entry(date=n.date, people=tuple(dict.fromkeys(n.people)), act=Act(n.act), what=n.what,
                 source=Source(""), size=Size(n.size or "small"), public=n.public, tags=tuple(n.tags),
                 note=n.note, planned=n.planned, outcome=outcome, due=n.due, acknowledged=n.acknowledged)


def expected_person(n: NewPerson) -> Person:
    return Person(id=n.id, name=n.name, level=Level(n.level), source=Source(""), team=n.team or "",
                  alignment=Alignment(n.alignment or "medium"),
                  rhythm_days=parse_rhythm(n.rhythm) if n.rhythm else None, aliases=tuple(n.aliases), note=n.note)


def month_file(config: Config, d: dt.date) -> Path:
    folder = config.journal_dir / f"{d.year:04d}"
    for suffix in (".yaml", ".yml"):
        if (folder / f"{d.month:02d}{suffix}").exists():
            return folder / f"{d.month:02d}{suffix}"
    if folder.is_dir():     # 11.YAML: the month's file too (check reads it), not a second one next to it
        for path in sorted(folder.iterdir()):
            if path.stem == f"{d.month:02d}" and path.suffix.lower() in (".yaml", ".yml") and path.is_file():
                return path
    return folder / f"{d.month:02d}.yaml"


def _list_indent(path: Path, old: bytes, rel: str) -> int:
    """The column of the file's top-level '- ' items (0 for an empty file); AddError if not a block list."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise AddError(f"{rel}: entries are appended to YAML files (.yaml/.yml) only", exit=2)
    root, flow = top_node(old.decode("utf-8-sig"))
    if root is None:
        return 0
    if isinstance(root, YSeq):
        if flow:
            raise AddError(f"{rel} holds a flow-style list [...]: reflect cannot append to it; "
                           "pass --file with another file", exit=2)
        return root.col - 1
    raise AddError(f"{rel} is not a list of entries: pass --file with a journal file", exit=2)


def _mapping_indent(old: bytes, rel: str) -> int:
    """The column of people.yaml's top-level ids (0 for an empty file); AddError if not a block mapping."""
    root, flow = top_node(old.decode("utf-8-sig"))
    if root is None:
        return 0
    if isinstance(root, YMap) and not flow:
        return root.col - 1
    raise AddError(f"{rel} is not a block mapping of people: add the person by hand", exit=2)


def resolve_people(ids: Sequence[str], people: dict[str, Person]) -> None:
    """AddError (exit 2) naming every unknown id, each with a 'did you mean' by id, name or alias."""
    unknown = []
    for pid in ids:
        if pid in people:
            continue
        unknown.append(f"unknown person '{pid}'{suggest_person(pid, people)}")
    if unknown:
        raise AddError("; ".join(unknown) + ": add them with --new-person NAME --level LEVEL, or with "
                       "'reflect add person ID --name NAME --level LEVEL'", exit=2)


def add_entries(root: Path, items: Sequence[NewEntry], file: Path | None = None,
                new_person: NewPerson | None = None) -> list[Source]:
    """Append entries (and optionally first a person) to the journal: locked, validated, atomic.

    Each entry goes to `file` or to its month's file.  Returns where each entry starts.
    Raises AddError (nothing written) when the journal is invalid now, a person is unknown,
    or the result would not be valid.
    """
    with writing(root, new_person.id if new_person is not None else None) as project:
        config, journal = project.config, project.journal
        people = dict(journal.people)
        changes: dict[Path, bytes] = {}
        if new_person is not None:
            ppath = config.journal_dir / PEOPLE_FILE
            changes[ppath] = _person_change(config, journal, ppath, new_person)[0]
            people[new_person.id] = expected_person(new_person)
        resolve_people([p for n in items for p in n.people], people)
        plan: dict[Path, list[NewEntry]] = {}
        for n in items:
            plan.setdefault(file or month_file(config, n.date), []).append(n)
        starts: dict[Path, int] = {}
        for path, group in plan.items():
            rel = _rel(path, config.root)
            # the file's folder, not the file: a journal file may be a symlink to a file kept elsewhere
            if not _in_folder(path).is_relative_to(config.journal_dir.resolve()):
                raise AddError(f"{rel} is not inside the journal folder {config.journal}/", exit=2)
            old = path.read_bytes() if path.exists() else \
                f"# {MONTHS[group[0].date.month - 1]} {group[0].date.year} (reflect add appends new entries " \
                f"at the end)\n".encode() if file is None else b""
            indent = _list_indent(path, old, rel)
            new = old
            for n in group:
                new = append_text(new, render_entry(n, indent))
            starts[path] = len(split_lines(old.decode("utf-8-sig"))) + 1
            changes[path] = new
        wanted = [(p, expected_entry(n)) for p, g in plan.items() for n in g]
        before = journal

        def expect(after: Journal) -> str | None:
            why = _person_reads_back(new_person, before, after) if new_person is not None else None
            if why:
                return why
            for path in plan:
                rel = _rel(path, config.root)
                old_entries = [facts(e) for e in entries_in(before, rel)]
                now = entries_in(after, rel)
                kept = [facts(e) for e in now if e.source.line < starts[path]]
                added = [facts(e) for e in now if e.source.line >= starts[path]]
                if kept != old_entries:
                    return f"appending would change existing entries of {rel}"
                if added != [w for p, w in wanted if p == path]:
                    return f"the new entry would not read back as given from {rel} (is it a journal file?)"
            return None

        commit(config, changes, expect)
        where: dict[Path, list[Source]] = {}
        for path in plan:
            rel = _rel(path, config.root)
            root_node = parse_text(changes[path].decode("utf-8-sig"), False).root
            where[path] = [Source(rel, item.line, item.col) for item in
                           (root_node.items if isinstance(root_node, YSeq) else ()) if item.line >= starts[path]]
        return [where[file or month_file(config, n.date)].pop(0) for n in items]


def entry_from_fields(fields: dict) -> NewEntry:
    """A NewEntry from journal-style fields: {'date': d, 'with': id or [ids], 'gave': 'what', ...}."""
    acts = [a for a in ACTS if a in fields]
    if len(acts) != 1:
        raise ValueError(f"an entry needs exactly one act, got {acts or 'none'}")
    who = fields["with"]
    people = (who,) if isinstance(who, str) else tuple(who)
    tags = fields.get("tags") or ()
    return NewEntry(date=fields["date"], people=people, act=acts[0], what=fields[acts[0]],
                    size=fields.get("size"), public=bool(fields.get("public")), planned=bool(fields.get("planned")),
                    outcome=fields.get("outcome"), acknowledged=fields.get("acknowledged"), due=fields.get("due"),
                    tags=(tags,) if isinstance(tags, str) else tuple(tags), note=fields.get("note") or "")


def append_entries(project, fields: Sequence[dict], con) -> int:
    """Append entries given as journal-style dicts; print where they went; an exit status.

    `project` is a loaded Project (or a project folder).  Locked, validated, atomic.
    """
    root = project.config.root if hasattr(project, "config") else Path(project)
    items = [entry_from_fields(f) for f in fields]
    try:
        sources = add_entries(root, items)
    except AddError as exc:
        return report(con, exc)
    for src, n in zip(sources, items):
        con.print(_added(src.short(), n))
    return 0


def _added(where: str, n: NewEntry) -> str:
    return (f"added to {where}: {n.date.isoformat()} {n.act} {', '.join(n.people)}"
            f"{' (planned)' if n.planned else ''} — {n.what}")


def _person_change(config: Config, journal: Journal, ppath: Path, p: NewPerson) -> tuple[bytes, int]:
    """people.yaml with `p` appended, and the line where the person's id stands."""
    rel = _rel(ppath, config.root)
    if p.id in journal.people:
        raise AddError(f"person '{p.id}' is already in {journal.people[p.id].source.short()}", exit=2)
    old = ppath.read_bytes() if ppath.exists() else \
        b"# Who is who: id -> name, level (senior, peer, junior, external), team, alignment, rhythm, aliases, note\n"
    block = render_person(p, _mapping_indent(old, rel))
    data = append_text(old, block)
    return data, len(split_lines(data.decode("utf-8-sig"))) - block.count("\n") + 1


def _person_reads_back(p: NewPerson, before: Journal, after: Journal) -> str | None:
    """None when `after` has `p` as given and everyone else as in `before`, else why not."""
    got = after.people.get(p.id)
    if got is None or person_facts(got) != expected_person(p):
        return f"person '{p.id}' would not read back as given"
    if {k: person_facts(v) for k, v in after.people.items() if k != p.id} != \
            {k: person_facts(v) for k, v in before.people.items()}:
        return "people.yaml would change for other people"
    return None


def add_person(root: Path, p: NewPerson) -> Source:
    with writing(root, p.id) as project:   # entries that already name them wait for exactly this
        config, journal = project.config, project.journal
        ppath = config.journal_dir / PEOPLE_FILE
        data, start = _person_change(config, journal, ppath, p)
        commit(config, {ppath: data}, lambda after: _person_reads_back(p, journal, after))
        return Source(_rel(ppath, config.root), start, 1)


# --------------------------------------------------------------------------------------------
# The command line: reflect add

_ENTRY_FLAGS = ("size", "public", "date", "tags", "due", "outcome", "acknowledged", "planned", "file")
_PERSON_FLAGS = ("name", "level", "team", "alignment", "rhythm", "aliases")


def _given(args, name: str) -> bool:
    v = getattr(args, name, None)
    return bool(v) if isinstance(v, (bool, list)) else v is not None


def _flag(name: str) -> str:
    return {"tags": "--tag", "aliases": "--alias", "new_person": "--new-person"}.get(name, f"--{name}")


def _person_from_args(args, pid: str, name: str) -> NewPerson:
    if not PERSON_ID.match(pid):
        raise UsageError(f"person id '{pid}' must be a lower-case slug (a-z, 0-9, -), e.g. '{slug(pid)}'")
    if not name or not name.strip():
        raise UsageError("a person needs a name: --name 'Priya Nair'")
    if not args.level:
        raise UsageError("a person needs a level: --level senior|peer|junior|external")
    if args.rhythm and parse_rhythm(args.rhythm) is None:
        raise UsageError(f"--rhythm '{args.rhythm}' is not {RHYTHM_HELP}")
    return NewPerson(id=pid, name=name.strip(), level=args.level, team=args.team, alignment=args.alignment,
                     rhythm=args.rhythm, aliases=tuple(a for a in args.aliases if a.strip()),
                     note=args.note or "")


def cmd_add(args, con) -> int:
    from reflect.cli import EXIT_FAIL, EXIT_OK, resolve_project, today

    if args.act == "person":
        wrong = [_flag(f) for f in _ENTRY_FLAGS + ("new_person",) if _given(args, f)]
        if wrong:
            raise UsageError(f"{', '.join(wrong)} {'does' if len(wrong) == 1 else 'do'} not apply to "
                             "'reflect add person ID --name N --level L'")
        if args.what:
            raise UsageError(f"unexpected '{args.what}': use --name for the person's name")
        person = _person_from_args(args, args.person, args.name)
        root = resolve_project(args)
        try:
            src = add_person(root, person)
        except AddError as exc:
            return report(con, exc)
        con.print(_added_person(person, src.short()))
        return EXIT_OK

    act = args.act
    if act not in ACTS:
        raise UsageError(f"unknown act '{act}'{suggest(act, ACTS + ('person',))}: "
                         f"use one of {', '.join(ACTS)}, or 'person'")
    if args.what is None or not args.what.strip():
        raise UsageError(f"say what happened: reflect add {act} {args.person} \"a few words\"")
    if args.name:
        raise UsageError("--name is for 'reflect add person'; use --new-person NAME to add someone on the fly")
    for field, value in (("due", args.due), ("outcome", args.outcome), ("acknowledged", args.acknowledged)):
        if value is not None and act not in ACT_FIELDS[field]:
            allowed = " or ".join(f"'{a}'" for a in ACT_FIELDS[field])
            raise UsageError(f"--{field} belongs to {allowed} entries, not to '{act}'")
    if act == "asked" and args.acknowledged and args.outcome != "helped":
        raise UsageError("--acknowledged on an ask needs --outcome helped")
    if not args.new_person:
        extra = [_flag(f) for f in _PERSON_FLAGS if f != "name" and _given(args, f)]
        if extra:
            raise UsageError(f"{', '.join(extra)} only {'goes' if len(extra) == 1 else 'go'} with "
                             "--new-person NAME (or 'reflect add person')")
    parts = [p.strip() for p in args.person.split(",")]
    ids = tuple(dict.fromkeys(p for p in parts if p))
    if not ids:
        raise UsageError("name at least one person id (several: a,b)")
    if "" in parts:    # 'priya,,sam' or 'priya,': a name was left out, or a comma slipped in
        raise UsageError(f"'{args.person}' has an empty place between commas: write the ids as a,b")
    new_person = None
    if args.new_person:
        if len(ids) != 1:
            raise UsageError("--new-person adds one person: give a single id")
        new_person = _person_from_args(args, ids[0], args.new_person)
    tags = tuple(dict.fromkeys(t.strip() for raw in args.tags for t in raw.split(",") if t.strip()))
    when = args.date or today(args)
    if not args.planned and when > today(args):
        raise UsageError(f"--date {when.isoformat()} is after {today(args).isoformat()} (today, or --as-of): "
                         "something that has not happened yet is a plan: add --planned")
    if args.due is not None and args.due < when:
        raise UsageError(f"--due {args.due.isoformat()} is before the promise is made ({when.isoformat()})")
    entry = NewEntry(date=when, people=ids, act=act, what=args.what.strip(), size=args.size,
                     public=args.public, planned=args.planned, outcome=args.outcome, acknowledged=args.acknowledged,
                     due=args.due, tags=tags, note=args.note.strip("\n") if args.note else "")
    root = resolve_project(args)
    try:
        target = _target_file(args.file, root) if args.file else None
        sources = add_entries(root, [entry], file=target, new_person=new_person)
    except AddError as exc:
        return report(con, exc)
    if new_person:
        con.print(_added_person(new_person, "people.yaml"))
    con.print(_added(sources[0].short() if sources else "?", entry))
    return EXIT_OK if sources else EXIT_FAIL


def _target_file(file: Path, root: Path) -> Path:
    """--file: relative to the current folder, else to the project, else to the journal folder."""
    from reflect.config import load_config
    from reflect.rules import CATALOG

    if file.is_absolute():
        return file
    config, _ = load_config(root, CATALOG)
    for base in (Path.cwd(), root, config.journal_dir):
        if (base / file).exists():
            return _in_folder(base / file)
    for base in (Path.cwd(), root, config.journal_dir):
        cand = _in_folder(base / file)
        if cand.is_relative_to(config.journal_dir.resolve()):
            return cand
    return _in_folder(Path.cwd() / file)


def _in_folder(path: Path) -> Path:
    """`path` with its folder resolved, and the file itself left a symlink if it is one."""
    return path.parent.resolve() / path.name


def _added_person(p: NewPerson, where: str) -> str:
    return f"added {p.id} ({p.name}, {p.level}) to {where}"
