"""`reflect add` and `reflect done`: change the journal without an editor, safely.

Users' files are never re-dumped.  `add` appends a block of text that this
module renders itself (every scalar quoted when YAML would read it as
anything but the same string); `done` edits only the one or two lines that
change (drops a `planned: true`, rewrites a date, inserts `kept: D`).

Every change is a transaction (`commit`): under an exclusive lock on
`.reflect/lock`, the journal must be valid before; the new content goes to a
temporary file next to the real one (fsync'd); the whole journal is loaded
as it *would* be (a mirror of symlinks with the temporary file in place of
the real one, sharing the parse cache) and must be valid, and the entries
of the changed file must read back exactly as intended (old ones unchanged,
new one with the values given); only then `os.replace`.  Any failure removes
the temporary file and leaves the journal as it was.

`add_entries` (NewEntry values) and `append_entries` (plain dicts, prints and
returns an exit status) are the API for other commands (`reflect plan --yes`).
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from reflect.config import RHYTHM_HELP, Config, parse_rhythm
from reflect.errors import Diagnostic, Source, UsageError, suggest
from reflect.loader import ACT_FIELDS, ACTS, PEOPLE_FILE, PERSON_ID, load_journal
from reflect.model import Act, Alignment, Entry, Journal, Level, Outcome, Person, Size
from reflect.source import YMap, YScalar, YSeq, discover, parse_text

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


class AddError(Exception):
    """A change that was refused; nothing was written.  `exit` is the status to return."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = (), exit: int = 1):
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)
        self.exit = exit


@dataclass(frozen=True)
class NewEntry:
    date: dt.date
    people: tuple[str, ...]
    act: str
    what: str
    size: str | None = None
    public: bool = False
    planned: bool = False
    outcome: str | None = None
    acknowledged: str | None = None
    due: dt.date | None = None
    tags: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class NewPerson:
    id: str
    name: str
    level: str
    team: str | None = None
    alignment: str | None = None
    rhythm: str | None = None
    aliases: tuple[str, ...] = ()
    note: str = ""


# --------------------------------------------------------------------------------------------
# A tiny YAML emitter: block entries, every scalar plain only when that is unambiguous.

_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`=~")
_FLOW_CHARS = set(",[]{}?:")  # libyaml ends a plain scalar at ? and : inside [...]
_NUMBERISH = re.compile(r"[-+]?[0-9._:,a-fA-FxXoObB+-]*")
_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", ".inf", "-.inf", "+.inf", ".nan", "<<"}
_BREAKS = {0x85, 0x2028, 0x2029, 0xFEFF}


def _printable(o: int) -> bool:
    """YAML's printable set, minus the characters YAML 1.1 reads as line breaks and the BOM."""
    if o in _BREAKS:
        return False
    return (o == 0x09 or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD
            or 0x10000 <= o <= 0x10FFFF)


def plain_ok(s: str, flow: bool = False) -> bool:
    """True when `s` can be written as a plain scalar and reads back as the same string."""
    if not s or s != s.strip() or s[0] in _INDICATORS or s[-1] == ":":
        return False
    if ": " in s or " #" in s or "\t" in s or s.lower() in _WORDS:
        return False
    if not all(_printable(ord(c)) and c.isprintable() for c in s):
        return False
    if flow and any(c in _FLOW_CHARS for c in s):
        return False
    if s[0].isdigit() or s[0] in "+-.":
        if _NUMBERISH.fullmatch(s) or re.match(r"\d{4}-\d\d?-\d\d?", s):
            return False
    return True


def double_quoted(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif not _printable(o):
            out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def scalar(s: str, flow: bool = False) -> str:
    return s if plain_ok(s, flow) else double_quoted(s)


def flow_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(scalar(i, flow=True) for i in items) + "]"


def _text_value(s: str, indent: int) -> str:
    """A value after 'key: ': one line, or a literal block scalar for multi-line text."""
    if "\n" not in s:
        return scalar(s)
    body = s[:-1] if s.endswith("\n") else s
    ok = (not s.endswith("\n\n") and body.strip() and "\r" not in s
          and all(_printable(ord(c)) for c in body.replace("\n", "")))
    if not ok:
        return double_quoted(s)
    head = "|" + ("2" if body[:1] in (" ", "\t", "\n") else "") + ("" if s.endswith("\n") else "-")
    pad = " " * (indent + 2)
    return head + "".join("\n" + (pad + line if line else "") for line in body.split("\n"))


def render_entry(e: NewEntry, indent: int = 0) -> str:
    """One entry as a block-style sequence item starting at column `indent`."""
    pairs: list[tuple[str, str]] = [("date", e.date.isoformat()),
                                    ("with", scalar(e.people[0]) if len(e.people) == 1 else flow_list(e.people)),
                                    (e.act, None)]
    if e.size:
        pairs.append(("size", e.size))
    if e.public:
        pairs.append(("public", "true"))
    if e.planned:
        pairs.append(("planned", "true"))
    if e.outcome:
        pairs.append(("outcome", e.outcome))
    if e.acknowledged:
        pairs.append(("acknowledged", e.acknowledged))
    if e.due:
        pairs.append(("due", e.due.isoformat()))
    if e.tags:
        pairs.append(("tags", flow_list(e.tags)))
    if e.note:
        pairs.append(("note", None))
    key_indent = indent + 2
    lines = []
    for i, (k, v) in enumerate(pairs):
        if v is None:
            v = _text_value(e.what if k == e.act else e.note, key_indent)
        lines.append((" " * indent + "- " if i == 0 else " " * key_indent) + f"{k}: {v}")
    return "\n".join(lines) + "\n"


def render_person(p: NewPerson, indent: int = 0) -> str:
    key_indent = indent + 2
    lines = [" " * indent + scalar(p.id) + ":", f"{' ' * key_indent}name: {scalar(p.name)}",
             f"{' ' * key_indent}level: {p.level}"]
    for k in ("team", "alignment", "rhythm"):
        v = getattr(p, k)
        if v:
            lines.append(f"{' ' * key_indent}{k}: {scalar(v)}")
    if p.aliases:
        lines.append(f"{' ' * key_indent}aliases: {flow_list(p.aliases)}")
    if p.note:
        lines.append(f"{' ' * key_indent}note: {_text_value(p.note, key_indent)}")
    return "\n".join(lines) + "\n"


def append_text(old: bytes, block: str) -> bytes:
    """`old` unchanged, then a blank line, then `block` (in the file's own line endings)."""
    eol = b"\r\n" if b"\r\n" in old else b"\n"
    data = block.replace("\n", eol.decode()).encode("utf-8")
    if not old.strip():
        return old + data if not old or old.endswith(b"\n") else old + eol + data
    sep = b"" if old.endswith((b"\n", b"\r")) else eol
    blank = b"" if (old + sep).endswith(eol + eol) else eol
    return old + sep + blank + data


# --------------------------------------------------------------------------------------------
# Transactions: lock, validate before, temp file + fsync, validate as it would be, rename.

@contextlib.contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """An exclusive lock on `<root>/.reflect/lock` (blocks until the other writer is done).

    Whoever holds it may also sweep up what a killed writer left behind.
    """
    try:
        import fcntl
    except ImportError:  # not a POSIX system: no cross-process lock
        fcntl = None
    state = root / ".reflect"
    state.mkdir(exist_ok=True)
    ignore = state / ".gitignore"
    if not ignore.exists():
        with contextlib.suppress(OSError):
            ignore.write_text("# reflect's own state (caches, lock): never commit it\n*\n", encoding="utf-8")
    with open(state / "lock", "a+b") as fh:
        if fcntl is not None:
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            for stale in state.glob("as-if-*"):
                shutil.rmtree(stale, ignore_errors=True)
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass(frozen=True)
class _Loaded:
    config: Config
    journal: Journal


def load_valid(root: Path) -> _Loaded:
    """Config and journal, or AddError with every problem when the journal is not valid now."""
    from reflect.config import load_config
    from reflect.rules import CATALOG

    config, cdiags = load_config(root, CATALOG)
    journal, jdiags = load_journal(config) if not cdiags else (Journal(), [])
    diags = sorted(cdiags + jdiags)
    if diags:
        raise AddError(f"the {'configuration' if cdiags else 'journal'} has {_count(len(diags), 'error')}: fix "
                       f"{'it' if len(diags) == 1 else 'them'} first (nothing was written)", diags)
    return _Loaded(config, journal)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _write_temp(path: Path, data: bytes) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".reflect-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):
            os.chmod(name, path.stat().st_mode & 0o7777 if path.exists() else 0o644)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def load_as_if(config: Config, replaced: dict[Path, Path]) -> tuple[Journal, list[Diagnostic]]:
    """Load the whole journal as it would be with each real path replaced by a (temp) file.

    A throw-away mirror of the journal folder (symlinks to the real files, and to the
    replacements) sharing the project's parse cache: unchanged files are cache hits.
    """
    jdir = config.journal_dir
    state = config.root / ".reflect"
    state.mkdir(exist_ok=True)
    mirror = Path(tempfile.mkdtemp(prefix="as-if-", dir=state))
    try:
        files = {p: p for p in discover(jdir)}
        files.update(replaced)
        for real, target in files.items():
            link = mirror / config.journal / real.relative_to(jdir)
            link.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.symlink(target.resolve(), link)
            except OSError:
                shutil.copyfile(target, link)
        config.cache_dir.mkdir(parents=True, exist_ok=True)
        (mirror / ".reflect").mkdir()
        try:
            os.symlink(config.cache_dir.resolve(), mirror / ".reflect" / "cache", target_is_directory=True)
        except OSError:
            pass
        return load_journal(dataclasses.replace(config, root=mirror))
    finally:
        shutil.rmtree(mirror, ignore_errors=True)


def commit(config: Config, changes: dict[Path, bytes], expect: Callable[[Journal], str | None]) -> None:
    """Write every change atomically, or none (AddError).  `changes`: real path -> new bytes.

    `expect(journal_after)` returns None when the result is what was intended, else why not.
    """
    temps: dict[Path, Path] = {}
    made: list[Path] = []
    replaced = 0
    try:
        for path, data in changes.items():
            for stale in path.parent.glob(f".{path.name}.*.reflect-tmp") if path.parent.is_dir() else ():
                with contextlib.suppress(OSError):
                    stale.unlink()  # left by a writer that was killed (we hold the lock)
            missing = []
            p = path.parent
            while not p.exists():
                missing.append(p)
                p = p.parent
            for folder in reversed(missing):
                folder.mkdir()
                made.append(folder)
            temps[path] = _write_temp(path, data)
        journal, diags = load_as_if(config, temps)
        if diags:
            raise AddError("refused: the journal would not be valid after this change (nothing was written)", diags)
        why = expect(journal)
        if why:
            raise AddError(f"refused: {why} (nothing was written)")
        for path in list(temps):
            os.replace(temps[path], path)
            del temps[path]
            replaced += 1
            _fsync_dir(path.parent)
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        raise AddError(f"could not write the journal ({exc.strerror or exc}{where}); "
                       f"{'nothing was written' if not replaced else 'only some files were written'}") \
            from None
    finally:
        for tmp in temps.values():
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if temps:
            for folder in reversed(made):
                with contextlib.suppress(OSError):
                    folder.rmdir()


def _replace(obj, **changes):
    """A copy with some fields changed (NamedTuple or dataclass)."""
    return obj._replace(**changes) if hasattr(obj, "_replace") else dataclasses.replace(obj, **changes)


def _facts(e: Entry) -> Entry:
    return _replace(e, source=Source(""), act_source=None)


def _person_facts(p: Person) -> Person:
    return _replace(p, source=Source(""))


def _in_file(journal: Journal, rel: str) -> list[Entry]:
    return sorted((e for e in journal.entries if e.source.path == rel), key=lambda e: (e.source.line, e.source.col))


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
    return folder / f"{d.month:02d}.yaml"


def _list_indent(path: Path, old: bytes, rel: str) -> int:
    """The column of the file's top-level '- ' items (0 for an empty file); AddError if not a block list."""
    if path.suffix not in (".yaml", ".yml"):
        raise AddError(f"{rel}: entries are appended to YAML files (.yaml/.yml) only", exit=2)
    text = old.decode("utf-8-sig")
    root = parse_text(text, False).root
    if root is None:
        return 0
    if isinstance(root, YSeq):
        line = _split_lines(text)[root.line - 1]
        if line[root.col - 1:root.col] == "[":
            raise AddError(f"{rel} holds a flow-style list [...]: reflect cannot append to it; "
                           "pass --file with another file", exit=2)
        return root.col - 1
    raise AddError(f"{rel} is not a list of entries: pass --file with a journal file", exit=2)


def _mapping_indent(path: Path, old: bytes, rel: str) -> int:
    text = old.decode("utf-8-sig")
    root = parse_text(text, False).root
    if root is None:
        return 0
    lines = _split_lines(text)
    if isinstance(root, YMap) and lines[root.line - 1][root.col - 1:root.col] != "{":
        return root.col - 1
    raise AddError(f"{rel} is not a block mapping of people: add the person by hand", exit=2)


def resolve_people(ids: Sequence[str], people: dict[str, Person]) -> None:
    """AddError (exit 2) naming every unknown id, each with a 'did you mean' by id, name or alias."""
    unknown = []
    for pid in ids:
        if pid in people:
            continue
        hint = suggest(pid, people)
        if not hint:
            names = {p.name.lower(): p.id for p in people.values()}
            names.update({a.lower(): p.id for p in people.values() for a in p.aliases})
            if pid.lower() in names:
                hint = f" (did you mean '{names[pid.lower()]}'?)"
            else:
                close = suggest(pid.lower(), names)
                if close:
                    word = close.split("'")[1]
                    hint = f" (did you mean '{names[word]}'?)"
        unknown.append(f"unknown person '{pid}'{hint}")
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
    with project_lock(root):
        project = load_valid(root)
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
            if not path.resolve().is_relative_to(config.journal_dir.resolve()):
                raise AddError(f"{rel} is not inside the journal folder {config.journal}/", exit=2)
            old = path.read_bytes() if path.exists() else \
                f"# {MONTHS[group[0].date.month - 1]} {group[0].date.year} (reflect add appends new entries " \
                f"at the end)\n".encode() if file is None else b""
            indent = _list_indent(path, old, rel)
            new = old
            for n in group:
                new = append_text(new, render_entry(n, indent))
            starts[path] = len(_split_lines(old.decode("utf-8-sig"))) + 1
            changes[path] = new
        wanted = [(p, expected_entry(n)) for p, g in plan.items() for n in g]
        before = journal

        def expect(after: Journal) -> str | None:
            if new_person is not None:
                got = after.people.get(new_person.id)
                if got is None or _person_facts(got) != expected_person(new_person):
                    return f"person '{new_person.id}' would not read back as given"
                if {k: _person_facts(v) for k, v in after.people.items() if k != new_person.id} != \
                        {k: _person_facts(v) for k, v in before.people.items()}:
                    return "people.yaml would change for other people"
            for path in plan:
                rel = _rel(path, config.root)
                old_entries = [_facts(e) for e in _in_file(before, rel)]
                now = _in_file(after, rel)
                kept = [_facts(e) for e in now if e.source.line < starts[path]]
                added = [_facts(e) for e in now if e.source.line >= starts[path]]
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
        return _report(con, exc)
    for src, n in zip(sources, items):
        con.print(f"added to {src.short()}: {n.date.isoformat()} {n.act} {', '.join(n.people)}"
                  f"{' (planned)' if n.planned else ''} — {n.what}")
    return 0


def _person_change(config: Config, journal: Journal, ppath: Path, p: NewPerson) -> tuple[bytes, int]:
    """people.yaml with `p` appended, and the line where the person's id stands."""
    rel = _rel(ppath, config.root)
    if p.id in journal.people:
        raise AddError(f"person '{p.id}' is already in {journal.people[p.id].source.short()}", exit=2)
    old = ppath.read_bytes() if ppath.exists() else \
        b"# Who is who: id -> name, level (senior, peer, junior, external), team, alignment, rhythm, aliases, note\n"
    block = render_person(p, _mapping_indent(ppath, old, rel))
    data = append_text(old, block)
    return data, len(_split_lines(data.decode("utf-8-sig"))) - block.count("\n") + 1


def add_person(root: Path, p: NewPerson) -> Source:
    with project_lock(root):
        project = load_valid(root)
        config, journal = project.config, project.journal
        ppath = config.journal_dir / PEOPLE_FILE
        data, start = _person_change(config, journal, ppath, p)
        before = journal

        def expect(after: Journal) -> str | None:
            got = after.people.get(p.id)
            if got is None or _person_facts(got) != expected_person(p):
                return f"person '{p.id}' would not read back as given"
            if {k: _person_facts(v) for k, v in after.people.items() if k != p.id} != \
                    {k: _person_facts(v) for k, v in before.people.items()}:
                return "people.yaml would change for other people"
            return None

        commit(config, {ppath: data}, expect)
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
        slug = re.sub(r"[^a-z0-9]+", "-", pid.lower()).strip("-") or "someone"
        raise UsageError(f"person id '{pid}' must be a lower-case slug (a-z, 0-9, -), e.g. '{slug}'")
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
            return _report(con, exc)
        con.print(f"added {person.id} ({person.name}, {person.level}) to {src.short()}")
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
        extra = [_flag(f) for f in ("level", "team", "alignment", "rhythm", "aliases") if _given(args, f)]
        if extra:
            raise UsageError(f"{', '.join(extra)} only {'goes' if len(extra) == 1 else 'go'} with "
                             "--new-person NAME (or 'reflect add person')")
    ids = tuple(dict.fromkeys(p.strip() for p in args.person.split(",") if p.strip()))
    if not ids:
        raise UsageError("name at least one person id (several: a,b)")
    new_person = None
    if args.new_person:
        if len(ids) != 1:
            raise UsageError("--new-person adds one person: give a single id")
        new_person = _person_from_args(args, ids[0], args.new_person)
    tags = tuple(dict.fromkeys(t.strip() for raw in args.tags for t in raw.split(",") if t.strip()))
    entry = NewEntry(date=args.date or today(args), people=ids, act=act, what=args.what.strip(), size=args.size,
                     public=args.public, planned=args.planned, outcome=args.outcome, acknowledged=args.acknowledged,
                     due=args.due, tags=tags, note=args.note.strip("\n") if args.note else "")
    root = resolve_project(args)
    try:
        target = _target_file(args.file, root) if args.file else None
        sources = add_entries(root, [entry], file=target, new_person=new_person)
    except AddError as exc:
        return _report(con, exc)
    if new_person:
        con.print(f"added {new_person.id} ({new_person.name}, {new_person.level}) to people.yaml")
    who = ", ".join(ids)
    con.print(f"added to {sources[0].short() if sources else '?'}: {entry.date.isoformat()} {act} {who}"
              f"{' (planned)' if entry.planned else ''} — {entry.what}")
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
            return (base / file).resolve()
    for base in (Path.cwd(), root, config.journal_dir):
        cand = (base / file).resolve()
        if cand.is_relative_to(config.journal_dir.resolve()):
            return cand
    return (Path.cwd() / file).resolve()


def _report(con, exc: AddError) -> int:
    for d in exc.diagnostics:
        con.eprint(f"{con.style(str(d.source), 'bold')}: {con.style('error', 'red', 'bold')}: {d.message}")
    con.eprint(f"reflect: {exc}")
    return exc.exit


# --------------------------------------------------------------------------------------------
# reflect done: line edits

_BREAK = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")


def _split_lines(text: str) -> list[str]:
    """Lines with their line breaks, split the way YAML counts lines."""
    out, start = [], 0
    for m in _BREAK.finditer(text):
        out.append(text[start:m.end()])
        start = m.end()
    if start < len(text):
        out.append(text[start:])
    return out


def _body(line: str) -> tuple[str, str]:
    m = _BREAK.search(line)
    return (line[:m.start()], line[m.start():]) if m else (line, "")


def _find_map(node, line: int, col: int):
    if isinstance(node, YMap):
        if (node.line, node.col) == (line, col):
            return node
        children = [v for _, v in node.pairs]
    elif isinstance(node, YSeq):
        children = list(node.items)
    else:
        return None
    for child in children:
        found = _find_map(child, line, col)
        if found is not None:
            return found
    return None


def _matching_brace(text: str, start: int) -> int:
    """Index of the '}' closing the flow mapping that opens at text[start]; -1 if none."""
    depth, i, prev = 0, start, ""
    while i < len(text):
        ch = text[i]
        if ch in "\"'" and prev in "{[,:?" :
            q = ch
            i += 1
            while i < len(text):
                if q == '"' and text[i] == "\\":
                    i += 2
                    continue
                if text[i] == q:
                    if q == "'" and text[i + 1:i + 2] == "'":
                        i += 2
                        continue
                    break
                i += 1
        elif ch == "#" and (i == 0 or text[i - 1] in " \t\r\n"):
            while i < len(text) and text[i] not in "\r\n":
                i += 1
            continue
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return i
        if not ch.isspace():
            prev = ch
        i += 1
    return -1


class _Editor:
    """Line-level edits of one file's text, by the positions the composer gives."""

    def __init__(self, text: str):
        self.lines = _split_lines(text)

    def text(self) -> str:
        return "".join(self.lines)

    def _offset(self, line: int, col: int) -> int:
        return sum(len(x) for x in self.lines[:line - 1]) + col - 1

    def is_flow(self, node: YMap) -> bool:
        body, _ = _body(self.lines[node.line - 1])
        return body[node.col - 1:node.col] == "{"

    def set_value(self, val: YScalar, new: str) -> bool:
        """Replace a one-line scalar's text (inside its quotes if quoted)."""
        body, eol = _body(self.lines[val.line - 1])
        i = val.col - 1
        if body[i:i + 1] in ("'", '"'):
            i += 1
        if body[i:i + len(val.value)] != val.value:
            return False
        self.lines[val.line - 1] = body[:i] + new + body[i + len(val.value):] + eol
        return True

    def drop_pair(self, key: YScalar, val: YScalar, flow: bool) -> bool:
        """Remove `key: value` (a one-line plain value): the whole line in block style, the item in flow style."""
        if key.line != val.line:
            return False
        body, eol = _body(self.lines[key.line - 1])
        k0, v1 = key.col - 1, val.col - 1 + len(val.value)
        if body[val.col - 1:v1] != val.value:
            return False
        before, after = body[:k0], body[v1:]
        if not flow:
            if before.strip() or not re.fullmatch(r"\s*(#.*)?", after):
                return False
            del self.lines[key.line - 1]
            return True
        m = re.search(r",[ \t]*$", before)
        if m:
            self.lines[key.line - 1] = before[:m.start()] + after + eol
            return True
        m = re.match(r"[ \t]*,[ \t]*", after)
        if m:
            self.lines[key.line - 1] = before + after[m.end():] + eol
            return True
        return False

    def add_pair(self, node: YMap, after_key: YScalar, text: str, flow: bool) -> bool:
        """Add `text` (e.g. 'kept: 2026-11-27') to a mapping: a new line after `after_key`'s value, or in braces."""
        if flow:
            full = self.text()
            start = self._offset(node.line, node.col)
            close = _matching_brace(full, start)
            if close < 0:
                return False
            j = close
            while j > start and full[j - 1] in " \t\r\n":
                j -= 1
            ins = f" {text}" if full[j - 1] == "," else f", {text}"
            self.lines = _split_lines(full[:j] + ins + full[j:])
            return True
        indent = after_key.col - 1
        last = after_key.line - 1
        i = last + 1
        while i < len(self.lines):
            body, _ = _body(self.lines[i])
            if not body.strip():
                i += 1
                continue
            if len(body) - len(body.lstrip(" ")) > indent:
                last = i
                i += 1
                continue
            break
        body, eol = _body(self.lines[last])
        if not eol:
            eol = next((_body(x)[1] for x in self.lines if _body(x)[1]), "\n")
            self.lines[last] = body + eol
        self.lines.insert(last + 1, " " * indent + text + eol)
        return True


@dataclass(frozen=True)
class Open:
    """An item of `reflect done`'s list."""
    entry: Entry
    kind: str  # "plan" | "promise"


def open_items(journal: Journal, as_of: dt.date) -> list[Open]:
    """This week's planned entries (Monday to Sunday), then open promises (not kept or dropped)."""
    monday = as_of - dt.timedelta(days=as_of.weekday())
    sunday = monday + dt.timedelta(days=6)
    plans = [Open(e, "plan") for e in journal.entries if e.planned and monday <= e.date <= sunday]
    promises = sorted((e for e in journal.entries
                       if e.act is Act.PROMISED and not e.planned and e.kept is None and e.dropped is None),
                      key=lambda e: (e.due or e.date, e.sort_key))
    return plans + [Open(e, "promise") for e in promises]


def mark_done(root: Path, item: str, when: dt.date | None, as_of: dt.date) -> tuple[Entry, str]:
    """Turn a plan into a done act, or keep a promise.  Returns (the entry before, what changed)."""
    with project_lock(root):
        project = load_valid(root)
        config, journal = project.config, project.journal
        entry = _pick(journal, item, as_of, root)
        path = config.root / entry.source.path
        raw = path.read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        node = _find_map(parse_text(text, path.suffix == ".md").root, entry.source.line, entry.source.col)
        if node is None:
            raise AddError(f"{entry.id}: could not find the entry in the file (was it edited just now?)")
        pairs = {k.value: (k, v) for k, v in node.pairs}
        ed = _Editor(text)
        flow = ed.is_flow(node)
        if entry.planned:
            new = _replace(entry, planned=False)
            what = "done"
            # the date first: its line number is still valid before a line is removed
            if when is not None and when != entry.date:
                if not ed.set_value(pairs["date"][1], when.isoformat()):
                    raise AddError(f"{entry.id}: cannot rewrite its date in place; edit the file by hand")
                new = _replace(new, date=when)
                what += f" on {when.isoformat()}"
            k, v = pairs["planned"]
            if not ed.drop_pair(k, v, flow) and not ed.set_value(v, "false"):
                raise AddError(f"{entry.id}: cannot remove 'planned: true' in place; edit the file by hand")
        elif entry.act is Act.PROMISED and entry.kept is None and entry.dropped is None:
            kept = when or as_of
            if kept < entry.date:
                raise AddError(f"{entry.id}: a promise made on {entry.date} cannot be kept on {kept}", exit=2)
            act_key = pairs[entry.act.value][0]
            if not ed.add_pair(node, act_key, f"kept: {kept.isoformat()}", flow):
                raise AddError(f"{entry.id}: cannot add 'kept:' in place; edit the file by hand")
            new = _replace(entry, kept=kept)
            what = f"kept on {kept.isoformat()}"
        elif entry.act is Act.PROMISED:
            state = f"kept on {entry.kept}" if entry.kept else f"dropped on {entry.dropped}"
            raise AddError(f"{entry.id}: this promise is already {state}", exit=2)
        else:
            raise AddError(f"{entry.id}: a {entry.act.value} entry that is not planned: nothing to mark done",
                           exit=2)
        data = (b"\xef\xbb\xbf" if bom else b"") + ed.text().encode("utf-8")
        rel = entry.source.path
        want = [_facts(new) if e.source == entry.source else _facts(e) for e in _in_file(journal, rel)]

        def expect(after: Journal) -> str | None:
            if [_facts(e) for e in _in_file(after, rel)] != want:
                return f"the edit of {rel} would not give the intended result"
            return None

        commit(config, {path: data}, expect)
        return entry, what


def _pick(journal: Journal, item: str, as_of: dt.date, root: Path) -> Entry:
    items = open_items(journal, as_of)
    if item.isdigit():
        n = int(item)
        if not 1 <= n <= len(items):
            raise AddError(f"there is no item {n}: 'reflect done' lists {_count(len(items), 'item')}"
                           f"{'' if not items else f' (1..{len(items)})'}", exit=2)
        return items[n - 1].entry
    path, _, line = item.rpartition(":")
    if not path or not line.isdigit():
        raise AddError(f"'{item}' is neither a number from the list nor an entry id like journal/2026/11.yaml:42",
                       exit=2)
    candidates = {path}
    p = Path(path)
    with contextlib.suppress(ValueError, OSError):
        candidates.add((Path.cwd() / p).resolve().relative_to(root.resolve()).as_posix())
    for e in journal.entries:
        if e.source.path in candidates and int(line) in (e.source.line, e.act_source.line if e.act_source else 0):
            return e
    ids = [o.entry.id for o in items] or [e.id for e in journal.entries]
    raise AddError(f"no entry starts at {item}{suggest(item, ids)}; 'reflect done' lists the open ones", exit=2)


def cmd_done(args, con) -> int:
    from reflect.cli import EXIT_OK, resolve_project, today

    root = resolve_project(args)
    as_of = today(args)
    if args.item is None:
        if args.date:
            raise UsageError("--date goes with an item: reflect done N --date D")
        try:
            project = load_valid(root)
        except AddError as exc:
            return _report(con, exc)
        _print_list(con, project.journal, as_of)
        return EXIT_OK
    try:
        entry, what = mark_done(root, args.item, args.date, as_of)
    except AddError as exc:
        return _report(con, exc)
    con.print(f"{what}: {entry.act.value} {', '.join(entry.people)} — {entry.what}  ({entry.id})")
    return EXIT_OK


def _print_list(con, journal: Journal, as_of: dt.date) -> None:
    from reflect.model import iso_week

    items = open_items(journal, as_of)
    monday = as_of - dt.timedelta(days=as_of.weekday())
    if not items:
        con.print(f"nothing planned for {iso_week(as_of)} and no open promises")
        return
    width = len(str(len(items)))
    heads = {"plan": f"Planned for {iso_week(as_of)} ({monday.isoformat()} .. "
                     f"{(monday + dt.timedelta(days=6)).isoformat()})",
             "promise": "Open promises"}
    shown = None
    for n, it in enumerate(items, 1):
        if it.kind != shown:
            if shown is not None:
                con.print()
            con.print(con.style(heads[it.kind], "bold"))
            shown = it.kind
        e = it.entry
        names = ", ".join(journal.person_name(p) for p in e.people)
        extra = ""
        if it.kind == "promise" and e.due:
            extra = f" (due {e.due.isoformat()}{', overdue' if e.due < as_of else ''})"
        con.print(f"  {n:>{width}}. {e.date.isoformat()}  {e.act.value} {names}: {e.what}{extra}")
        con.print(con.style(f"  {' ' * width}  {e.id}", "dim"))
    con.print()
    con.print("mark one done: reflect done N [--date D]   (or: reflect done FILE:LINE)")
