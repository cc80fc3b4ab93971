"""`reflect done`: this week's plans and open promises, and marking one of them done.

Lists the plans still open from past weeks, the week's planned entries and the open promises (numbered, with their
FILE:LINE ids); marking one done edits only the lines that change in its file
(drops `planned: true` or rewrites its date, or inserts `kept: D`), as one
validated, locked, atomic transaction of reflect.journal_write.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reflect.console import plural
from reflect.errors import UsageError, suggest
from reflect.journal_write import AddError, commit, entries_in, facts, load_valid, report, writing
from reflect.model import Act, Entry, Journal, week_bounds, week_of
from reflect.source import is_markdown, parse_text
from reflect.yamltext import Editor, find_map

# --------------------------------------------------------------------------------------------
# The command line: reflect done

@dataclass(frozen=True)
class Open:
    """An item of `reflect done`'s list."""
    entry: Entry
    kind: str  # "overdue" | "plan" | "promise"


def open_items(journal: Journal, as_of: dt.date, week_start: str = "monday") -> list[Open]:
    """Plans left open from past weeks (the missed-plan rule sends users here to close them), this
    week's planned entries, then open promises (not kept or dropped)."""
    first, last = _week(as_of, week_start)
    overdue = [Open(e, "overdue") for e in journal.entries if e.planned and e.date < first]
    plans = [Open(e, "plan") for e in journal.entries if e.planned and first <= e.date <= last]
    promises = sorted((e for e in journal.entries
                       if e.act is Act.PROMISED and not e.planned and e.kept is None and e.dropped is None),
                      key=lambda e: (e.due or e.date, e.sort_key))
    return overdue + plans + [Open(e, "promise") for e in promises]


def _week(as_of: dt.date, week_start: str = "monday") -> tuple[dt.date, dt.date]:
    """The first and last day of `as_of`'s report week (weeks start on `week_start`)."""
    return week_bounds(week_of(as_of, week_start), week_start)


def mark_done(root: Path, item: str, when: dt.date | None, as_of: dt.date) -> tuple[Entry, str]:
    """Turn a plan into a done act, or keep a promise.  Returns (the entry before, what changed)."""
    with writing(root) as project:
        config, journal = project.config, project.journal
        entry = _pick(journal, item, as_of, root, config.week_start)
        path = config.root / entry.source.path
        raw = path.read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        node = find_map(parse_text(text, is_markdown(path.name)).root, entry.source.line, entry.source.col)
        if node is None:
            raise AddError(f"{entry.id}: could not find the entry in the file (was it edited just now?)")
        pairs = {k.value: (k, v) for k, v in node.pairs}
        ed = Editor(text)
        flow = ed.is_flow(node)
        if entry.planned:
            new = entry._replace(planned=False)
            what = "done"
            if when is None and entry.date > as_of:
                when = as_of    # done ahead of its day: it happened today, not on the planned date
            # the date first: its line number is still valid before a line is removed
            if when is not None and when != entry.date:
                if not ed.set_value(pairs["date"][1], when.isoformat()):
                    raise AddError(f"{entry.id}: cannot rewrite its date in place; edit the file by hand")
                new = new._replace(date=when)
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
            new = entry._replace(kept=kept)
            what = f"kept on {kept.isoformat()}"
        elif entry.act is Act.PROMISED:
            state = f"kept on {entry.kept}" if entry.kept else f"dropped on {entry.dropped}"
            raise AddError(f"{entry.id}: this promise is already {state}", exit=2)
        else:
            raise AddError(f"{entry.id}: a {entry.act.value} entry that is not planned: nothing to mark done",
                           exit=2)
        data = (b"\xef\xbb\xbf" if bom else b"") + ed.text().encode("utf-8")
        rel = entry.source.path
        want = [facts(new) if e.source == entry.source else facts(e) for e in entries_in(journal, rel)]

        def expect(after: Journal) -> str | None:
            if [facts(e) for e in entries_in(after, rel)] != want:
                return f"the edit of {rel} would not give the intended result"
            return None

        commit(config, {path: data}, expect)
        return entry, what


def _pick(journal: Journal, item: str, as_of: dt.date, root: Path, week_start: str = "monday") -> Entry:
    items = open_items(journal, as_of, week_start)
    if item.isdigit():
        n = int(item)
        if not 1 <= n <= len(items):
            raise AddError(f"there is no item {n}: 'reflect done' lists {plural(len(items), 'item')}"
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
            return report(con, exc)
        _print_list(con, project.journal, as_of, project.config.week_start)
        return EXIT_OK
    if args.date and args.date > as_of:
        raise UsageError(f"--date {args.date.isoformat()} is after {as_of.isoformat()} (today, or --as-of): "
                         "mark something done once it has happened")
    try:
        entry, what = mark_done(root, args.item, args.date, as_of)
    except AddError as exc:
        return report(con, exc)
    con.print(f"{what}: {entry.act.value} {', '.join(entry.people)} — {entry.what}  ({entry.id})")
    return EXIT_OK


def _print_list(con, journal: Journal, as_of: dt.date, week_start: str = "monday") -> None:

    items = open_items(journal, as_of, week_start)
    first, last = _week(as_of, week_start)
    week = week_of(as_of, week_start)
    if not items:
        con.print(f"nothing planned for {week} and no open promises")
        return
    width = len(str(len(items)))
    heads = {"overdue": "Still open from earlier weeks",
             "plan": f"Planned for {week} ({first.isoformat()} .. {last.isoformat()})",
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
