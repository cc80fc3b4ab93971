"""The default theme's two most repeated partials, `_entry.html` and `_finding.html`, in Python.

A site of 10,000 entries renders `_entry.html` ~19,000 times (each week page lists its
entries, each person page its timeline) and `_finding.html` ~6,000 times.  Through Jinja
one entry costs ~120 µs and one finding ~230 µs, spread evenly over macros, filters and
escaping: about a fifth of the CPU of the whole build.  These functions write the same
bytes with plain string formatting.

The templates stay the definition and the place to change the look: the pages call the
`entry_item` and `finding_card` globals, which render the project's own `_entry.html` /
`_finding.html` whenever the project overrides one of them or `_macros.html` (they use its
macros), and the Python version only for the default theme.  tests/test_partials.py renders
both ways on every entry and finding of the example journal and on generated ones, on
screen and in print, from every kind of page, and compares the bytes; change a template and
that test tells you to change this file too.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import pass_context
from markupsafe import Markup, escape

from reflect.bidi import bdi
from reflect.console import plural
from reflect.render import fmt_date, markdown, rel_url

ENTRY_TEMPLATES = ("_entry.html", "_macros.html")
MACRO_TEMPLATES = ("_macros.html",)
FINDING_TEMPLATES = ("_finding.html", "_macros.html")


_SPECIAL = re.compile("[&<>\"']")


def _e(value: Any) -> str:
    """`{{ value }}` under autoescape: markupsafe's escaping, skipped for the common plain string."""
    if value.__class__ is str and not _SPECIAL.search(value):
        return value
    return str(escape(value))


def _person(pid, names: dict, person_href: dict, page_path: str) -> str:
    """`m.person(pid)`: the person's name (a right-to-left one in `<bdi>`, isolated from the
    sentence around it), a link to their page when they have one."""
    name = bdi(names.get(pid, pid))
    if pid in person_href:
        return f'<a href="{_e(rel_url(str(person_href[pid]), page_path))}">{name}</a>'
    return name


def _people(pids, names: dict, person_href: dict, page_path: str) -> str:
    """`m.people_list(pids)`."""
    return ", ".join([_person(pid, names, person_href, page_path) for pid in pids])


def _facts(entry) -> str:
    facts = []
    if entry.planned:
        facts.append("planned")
    if entry.size.value != "small":
        facts.append(entry.size.value)
    if entry.public:
        facts.append("public")
    if entry.outcome and entry.act.value == "asked":
        facts.append(entry.outcome.value)
    if entry.due:
        facts.append("due " + fmt_date(entry.due, "short"))
    if entry.kept:
        facts.append("kept " + fmt_date(entry.kept, "short"))
    if entry.dropped:
        facts.append("dropped " + fmt_date(entry.dropped, "short"))
    if entry.acknowledged:
        facts.append(f"thanked {entry.acknowledged}ly")
    return _e(" · ".join(facts)).strip()


def entry_html(entry, show_date: bool | str, *, names: dict, person_href: dict, page_path: str, print_: bool,
               act_words: dict, plan_words: dict) -> str:
    """`_entry.html` for one entry."""
    act = entry.act.value
    head = []
    if show_date:
        day = fmt_date(entry.date, "day") + (f" {entry.date.year}" if show_date == "year" else "")
        head.append(f'<time datetime="{entry.date.isoformat()}">{_e(day)}</time> · ')
    label = plan_words[act] if entry.planned else act_words[act]
    head.append(f"<strong>{_e(label)}</strong> {_people(entry.people, names, person_href, page_path)}: "
                f"{_e(entry.what)}")
    facts = _facts(entry)
    if facts:
        head.append(f' <span class="facts muted small">({facts})</span>')
    out = [f'<li class="entry act-{_e(act)}{" planned" if entry.planned else ""}">\n'
           f'  <p class="entry-head">{"".join(head)}</p>\n']
    if entry.note and not (print_ and entry.private):
        out.append(f'<div class="note prose">{markdown(entry.note)}</div>')
    if entry.tags:
        out.append(f'<p class="tags small muted">{" ".join("#" + _e(t) for t in entry.tags)}</p>')
    out.append("</li>")
    return "".join(out)


def finding_html(finding, *, rules: dict, names: dict, person_href: dict, page_path: str, print_: bool,
                 severity_words: dict, print_evidence: int) -> str:
    """`_finding.html` for one finding."""
    rule = rules[finding.rule]
    severity = _e(severity_words[finding.severity.value])
    out = [f'<article class="finding {_e(finding.severity.value)}">\n']
    if not print_:
        out.append(f'<span class="severity">{severity}</span>')
    out.append("  <h3>")
    if print_:
        out.append(f'<span class="severity">{severity}</span> ')
    out.append(_e(rule.title))
    if finding.people:
        out.append(f' <span class="with">· {_people(finding.people, names, person_href, page_path)}</span>')
    out.append(f'</h3>\n'
               f'  <p class="message">{_e(finding.message)}</p>\n'
               f'  <p class="lesson">{_e(finding.lesson)}</p>\n'
               f'  <p class="suggestion">{_e(finding.suggestion)}</p>\n')
    evidence, numbers = finding.evidence, finding.numbers
    if print_ and (evidence or numbers):
        out.append(f'  <p class="evidence small muted"><strong>Evidence</strong> '
                   f'<span class="code">{_e(finding.code)}</span>')
        if numbers:
            out.append(f" · {_e(numbers)}")
        if evidence:
            out.append(" · " + "; ".join(f"<code>{_e(path)}:{lines}</code>"
                                         for path, lines in evidence_refs(evidence, print_evidence)))
            total = finding.evidence_total
            if total > min(len(evidence), print_evidence):
                out.append(f" and {total - min(len(evidence), print_evidence)} earlier")
        out.append("</p>\n")
    elif evidence or numbers:
        out.append('  <details class="evidence">\n    <summary>Evidence')
        if evidence:
            total = finding.evidence_total
            out.append(f" ({_e(plural(len(evidence), 'entry', 'entries'))})" if total == len(evidence) else
                       f" (the latest {len(evidence)} of {total} entries)")
        out.append('</summary>\n    <p class="numbers">')
        if numbers:
            out.append(f"{_e(numbers)} · ")
        href = _e(rel_url("principles.html#" + finding.rule, page_path))
        out.append(f'<a href="{href}" class="code">{_e(finding.code)} {_e(finding.rule)}</a></p>\n')
        if evidence:
            out.append("    <ul>\n")
            for ev in evidence:
                out.append(_evidence_li(ev))
            out.append("    </ul>\n")
        out.append("  </details>\n")
    out.append("</article>")
    return "".join(out)


def evidence_refs(evidence, limit: int) -> list[tuple[str, str]]:
    """The latest `limit` entries of a finding's evidence as (file, "12, 40, 57"): consecutive
    entries of one file share its name.  Paper gets `journal/2026/09.yaml:28, 61, 82`, shorter
    to read than the name four times (and a third of the evidence line's layout cost in the PDF)."""
    refs: list[tuple[str, list[str]]] = []
    for ev in (evidence[-limit:] if limit > 0 else ()):
        path, line = ev.source.path, str(ev.source.line)
        if refs and refs[-1][0] == path:
            refs[-1][1].append(line)
        else:
            refs.append((path, [line]))
    return [(path, ", ".join(lines)) for path, lines in refs]


_EVIDENCE_LI: dict[int, tuple] = {}


def _evidence_li(ev) -> str:
    """One line of a finding's evidence on screen.  The same entry backs findings on many week
    pages (a balanced relationship lists its twelve entries every week): made once per entry,
    kept by the entry's id with the entry itself, so an id reused by a later object never matches."""
    entry = ev.entry
    known = _EVIDENCE_LI.get(id(entry))
    if known is not None and known[0] is entry and known[1] == ev.source:
        return known[2]
    li = f"      <li>{_e(ev.text)} <code>{_e(ev.source.short())}</code></li>\n"
    if len(_EVIDENCE_LI) > 50_000:   # a long-running `reflect serve`: start afresh
        _EVIDENCE_LI.clear()
    _EVIDENCE_LI[id(entry)] = (entry, ev.source, li)
    return li


def _overridden(user_dir: Path | None, names: tuple[str, ...]) -> bool:
    return user_dir is not None and any((user_dir / n).is_file() for n in names)


def _from_template(ctx, name: str, **values: Any) -> Markup:
    """The partial rendered from its template with the page's context and `values`: what an
    `{% include %}` in the calling loop would see, as the pages pass the loop's own variables
    (`loop`, and `item` or `report` where the old include saw them)."""
    return Markup(ctx.environment.get_template(name).render(dict(ctx.get_all(), **values)))


def install(env, user_dir: Path | None) -> None:
    """Add the `entry_item(entry, show_date=False, **local)` and `finding_card(finding, **local)`
    globals to `env` (`local`: variables of the calling template, for an overriding partial), and
    `person_link(pid)` / `people_links(pids)`, which are the `person` / `people_list` macros of
    `_macros.html` (the project's own macros when it overrides that file)."""
    entry_in_python = not _overridden(user_dir, ENTRY_TEMPLATES)
    finding_in_python = not _overridden(user_dir, FINDING_TEMPLATES)

    @pass_context
    def entry_item(ctx, entry, show_date: bool = False, **local: Any) -> Markup:
        if not entry_in_python:
            return _from_template(ctx, "_entry.html", entry=entry, show_date=show_date, **local)
        return Markup(entry_html(entry, show_date, names=ctx["names"], person_href=ctx["person_href"],
                                 page_path=ctx.get("page_path", "index.html"), print_=ctx["print"],
                                 act_words=ctx["act_words"], plan_words=ctx["plan_words"]))

    @pass_context
    def finding_card(ctx, finding, **local: Any) -> Markup:
        if not finding_in_python:
            return _from_template(ctx, "_finding.html", finding=finding, **local)
        return Markup(finding_html(finding, rules=ctx["rules"], names=ctx["names"], person_href=ctx["person_href"],
                                   page_path=ctx.get("page_path", "index.html"), print_=ctx["print"],
                                   severity_words=ctx["severity_words"], print_evidence=ctx["print_evidence"]))

    macros_in_python = not _overridden(user_dir, MACRO_TEMPLATES)

    @pass_context
    def person_link(ctx, pid) -> Markup:
        if not macros_in_python:
            return _macros(ctx).person(pid)
        return Markup(_person(pid, ctx["names"], ctx["person_href"], ctx.get("page_path", "index.html")))

    @pass_context
    def people_links(ctx, pids) -> Markup:
        if not macros_in_python:
            return _macros(ctx).people_list(pids)
        return Markup(_people(pids, ctx["names"], ctx["person_href"], ctx.get("page_path", "index.html")))

    env.filters["evidence_refs"] = evidence_refs
    env.globals.update(entry_item=entry_item, finding_card=finding_card,
                       person_link=person_link, people_links=people_links)


def _macros(ctx):
    """The project's `_macros.html` as a module that sees the page's context, as
    `{% import "_macros.html" as m with context %}` does."""
    return ctx.environment.get_template("_macros.html").make_module(ctx.get_all())
