"""`reflect plan` (this week's homework: one give, one ask) and `reflect week` (the week in the terminal)."""
from __future__ import annotations

import textwrap

from reflect.cli import EXIT_FAIL, EXIT_OK, not_ahead, resolve_project, today, week_arg
from reflect.console import Console, plural
from reflect.ledger import as_it_stands, is_ask, is_give
from reflect.model import Act, Severity, days_text
from reflect.report import week_bounds, week_of, week_report

WIDTH = 80
_ICON = {Severity.STRENGTH: "✓", Severity.WARNING: "!", Severity.NOTICE: "·"}


def _load(args, con: Console):
    from reflect.project import load_project

    project = load_project(resolve_project(args))
    if project.diagnostics:
        con.error_lines(project.diagnostics)
        con.eprint(f"{plural(len(project.diagnostics), 'error')}: run 'reflect check' and fix the journal first")
        return None
    return project


_LAST_SAID = {"away": "not due (away)"}


def _wrap(text: str, indent: str = "  ", sub: str | None = None) -> str:
    return textwrap.fill(text, width=WIDTH, initial_indent=indent, subsequent_indent=sub or indent)


def cmd_plan(args, con: Console) -> int:
    project = _load(args, con)
    if project is None:
        return EXIT_FAIL
    as_of = today(args)
    ws = project.config.week_start
    now = week_of(as_of, ws)
    report = week_report(project, now, as_of)   # its plan: the suggestions for the coming days
    week = report.plan.next_week if args.next else now
    start, end = week_bounds(week, ws)
    # as it stands on as_of: what was done by then, and what is planned for the week
    this_week = as_it_stands(project.ledger.entries_between(start, end), as_of)
    have_give = [e for e in this_week if is_give(e)]
    have_ask = [e for e in this_week if is_ask(e)]
    plan = report.plan
    con.print(con.style(f"Homework for {week} ({days_text(start, end, weekday=True)})", "bold"))
    con.print()
    todo = []
    unsuggested = []
    for label, have, sug in (("Give", have_give, plan.give), ("Ask", have_ask, plan.ask)):
        if have:
            e = have[0]
            if e.planned:
                state = "planned"
            elif e.act is Act.PROMISED and (e.kept is None or e.kept > as_of):
                state = "promised"  # a promise made is not a give until it is kept
            else:
                state = "done"
            names = ", ".join(project.journal.person_name(p) for p in e.people)
            con.print(_wrap(f"{label}: already {state} — {e.act.value} {names}: {e.what} ({e.date})"))
        elif sug:
            con.print(_wrap(f"{label}: {sug.what}", "  ", "    "))
            con.print(con.style(_wrap(f"why: {sug.reason}", "    ", "      "), "dim"))
            todo.append(sug)
        else:
            con.print(_wrap(f"{label}: nothing to suggest from the data yet; choose someone yourself."))
            unsuggested.append(label.lower())
    con.print()
    if not todo:
        if not unsuggested:
            con.print(f"Nothing to write: {'next' if args.next else 'this'} week's give and ask are covered.")
        else:
            con.print(_wrap(f"Nothing to write: no suggestion for the {' or the '.join(unsuggested)}; add your "
                            f"own with 'reflect add ACT PERSON \"what\" --planned'.", ""))
        return EXIT_OK
    write = args.yes
    if not write and con.interactive and _stdin_tty():
        try:
            answer = input(f"Write {plural(len(todo), 'suggestion')} as planned entries? [y/N] ")
        except EOFError:
            answer = ""
        write = answer.strip().lower() in ("y", "yes")
    if not write:
        con.print(f"Run 'reflect plan{' --next' if args.next else ''} --yes' to write these as planned entries, or add your own with "
                  "'reflect add ACT PERSON \"what\" --planned'.")
        return EXIT_OK
    from reflect.add import append_entries

    date = max(as_of, start)
    fields = [{"date": date, "with": s.person, s.act: s.what, "planned": True, "tags": ["homework"]} for s in todo]
    return append_entries(project, fields, con)


def _stdin_tty() -> bool:
    import sys

    return bool(getattr(sys.stdin, "isatty", lambda: False)())


def cmd_week(args, con: Console) -> int:
    project = _load(args, con)
    if project is None:
        return EXIT_FAIL
    as_of = today(args)
    week = week_arg(args.week) if args.week else week_of(as_of, project.config.week_start)
    start, end = week_bounds(week, project.config.week_start)
    not_ahead(week, start, as_of)
    r = week_report(project, week, as_of)
    out = con.print
    out(con.style(f"{r.owner} · {r.week} · {days_text(start, end)}", "bold"))
    nums = "  ".join(f"{t.label.lower()} {t.value}" + (f" ({t.detail})" if t.detail else "") for t in r.tiles)
    out(_wrap(nums, "  ", "  "))
    out()
    out(con.style("The three questions", "bold"))
    for q in r.questions:
        out(_wrap(q.question, "  "))
        out(_wrap(q.answer, "    ", "    "))
    out()
    out(con.style("This week's two relationships", "bold"))
    for rel in r.relationships:
        out(_wrap(f"{rel.title}: {rel.text}", "  ", "    "))
        out(con.style(_wrap(f"→ {rel.action}", "    ", "      "), "dim"))
    out()
    out(con.style(f"Findings ({len(r.findings)})", "bold"))
    for f in r.findings[:8]:
        out(_wrap(f"{_ICON[f.severity]} {f.severity.value}: {f.message}", "  ", "    "))
    if len(r.findings) > 8:
        out(f"  … and {len(r.findings) - 8} more: run 'reflect check'")
    out()
    p = r.plan
    out(con.style("Plan", "bold"))
    if p.last_in_journal:
        said = "you were away, no homework was due" if p.away_all_last_week else \
            ", ".join(f"{kind} {_LAST_SAID.get(p.last_status(kind), p.last_status(kind))}" for kind in ("give", "ask"))
        out(_wrap(f"last week ({p.last_week}): {said}"
                  + (f", {plural(len(p.last_items), 'plan')} still open" if p.last_items else "")))
    else:
        out(_wrap(f"last week ({p.last_week}): before your journal starts"))
    for it in p.next_items:
        out(_wrap(f"[{'x' if it.status == 'done' else ' '}] {it.entry.date} {it.entry.act.value} {it.names}: "
                  f"{it.entry.what}" + (" (overdue)" if it.status == "missed" else ""), "  ", "      "))
    for label, s in (("give", p.give), ("ask", p.ask)):
        if s and label not in p.next_covered:
            out(_wrap(f"suggested {label}: {s.what} — {s.reason}", "  ", "    "))
    if r.reflection:
        out()
        out(con.style("Your reflection", "bold"))
        out(_wrap(r.reflection.strip().split("\n\n")[0], "  > ", "  > "))
    return EXIT_OK
