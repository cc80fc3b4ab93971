"""`reflect check`, `reflect explain RULE` and `reflect rules`."""
from __future__ import annotations

import functools
import json
import textwrap

from reflect.cli import EXIT_FAIL, EXIT_OK, EXIT_USAGE, resolve_project, today
from reflect.console import Console, plural
from reflect.errors import suggest
from reflect.model import Severity

_ICON = {Severity.STRENGTH: "✓", Severity.WARNING: "!", Severity.NOTICE: "·"}
_COLOUR = {Severity.STRENGTH: "green", Severity.WARNING: "yellow", Severity.NOTICE: "cyan"}
_HEAD = {Severity.STRENGTH: "Strengths", Severity.WARNING: "Warnings", Severity.NOTICE: "Notices"}
_RANK = {"notice": 1, "warning": 2}
_UNSIMPLE = frozenset("\t\n\r\x0b\x0c")


@functools.lru_cache(maxsize=1024)
def _fill(text: str, width: int, first: str = "", rest: str = "") -> str:
    """`textwrap.fill(text, width, initial_indent=first, subsequent_indent=rest)`, the same string.

    A line that already fits (most of them) is returned as it is, and repeated texts (a rule's
    lesson and suggestion, once per finding) are wrapped once: textwrap was a quarter of a
    warm `reflect check` on a large journal."""
    if text and len(first) + len(text) <= width and text == text.strip() and _UNSIMPLE.isdisjoint(text):
        return first + text
    return textwrap.fill(text, width=width, initial_indent=first, subsequent_indent=rest)


def cmd_check(args, con: Console) -> int:
    from reflect.project import findings, load_project

    as_of = today(args)  # --as-of is range-checked by the parser (cli._date)
    root = resolve_project(args)
    project = load_project(root, use_cache=not args.no_cache)
    diags = project.diagnostics
    found = [] if diags else findings(project, as_of)
    if args.format == "json":
        start, end = project.ledger.window(as_of)
        doc = {
            "as_of": as_of.isoformat(),
            "errors": [d.as_json() for d in diags],
            "findings": [f.as_json() for f in found],
            "balances": [] if diags else [b.as_json() for b in project.ledger.balances(start, end)],
        }
        con.print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        _print_text(con, project, diags, found, as_of, args.balances)
    if diags:
        return EXIT_FAIL
    if args.strict:
        level = _RANK[args.strict]
        if any(_RANK.get(f.severity.value, 0) >= level for f in found):
            return EXIT_FAIL
    return EXIT_OK


def _print_text(con: Console, project, diags, found, as_of, balances: bool) -> None:
    if diags:
        con.error_lines(diags, to_err=False)
        files = len({d.source.path for d in diags})
        con.print()
        con.print(con.style(f"{plural(len(diags), 'error')} in {plural(files, 'file')}; "
                            "fix them and run reflect check again (no findings until the journal is valid)", "red"))
        return
    j = project.journal
    width = 100
    for sev in (Severity.STRENGTH, Severity.WARNING, Severity.NOTICE):
        group = [f for f in found if f.severity is sev]
        if not group:
            continue
        con.print(con.style(f"{_HEAD[sev]} ({len(group)})", "bold"))
        for f in group:
            head = f"  {_ICON[sev]} {f.code} {f.rule}"
            who = ", ".join(j.person_name(p) for p in f.people[:5])
            if len(f.people) > 5:
                who += f" and {len(f.people) - 5} more"
            con.print(con.style(head, _COLOUR[sev], "bold") + (f"  {who}" if f.people else ""))
            for label, text in (("", f.message), ("why: ", f.lesson), ("next: ", f.suggestion)):
                wrapped = _fill(label + text, width, "    ", "      ")
                con.print(con.style(wrapped, "dim") if label == "why: " else wrapped)
            if f.evidence or f.numbers:
                shown = f.evidence[-6:]     # the latest
                ev = ", ".join(e.source.short() for e in shown)
                label = "evidence" if f.evidence_total == len(shown) else \
                    f"evidence (the latest {len(shown)} of {f.evidence_total})"
                line = f"    {label}: {ev}" + (f" ({f.numbers})" if f.numbers else "") if ev else f"    ({f.numbers})"
                con.print(con.style(_fill(line, width, "", "      "), "dim"))
        con.print()
    if balances:
        start, end = project.ledger.window(as_of)
        con.print(con.style(f"Balances {start} .. {end} (by weight)", "bold"))
        con.print(f"  {'person':<28} {'invested':>8} {'taken':>7} {'gives':>6} {'receipts':>8} {'asks':>5}  last")
        for b in project.ledger.balances(start, end):
            con.print(f"  {j.person_name(b.person)[:28]:<28} {b.invested:>8g} {b.taken:>7g} {b.gives:>6} "
                      f"{b.receipts:>8} {b.asks:>5}  {b.last or ''}")
        con.print()
    counts = {s: sum(1 for f in found if f.severity is s) for s in Severity}
    summary = (f"{plural(counts[Severity.STRENGTH], 'strength')}, {plural(counts[Severity.WARNING], 'warning')}, "
               f"{plural(counts[Severity.NOTICE], 'notice')} · {plural(len(j.entries), 'entry', 'entries')}, "
               f"{plural(len(j.people), 'person', 'people')} · as of {as_of.isoformat()}")
    con.print(con.style("journal is valid: ", "green") + summary)


def cmd_explain(args, con: Console) -> int:
    from reflect.rules import ALL_RULES, find_rule

    rule = find_rule(args.rule)
    if rule is None:
        keys = [r.id for r in ALL_RULES] + [r.code for r in ALL_RULES]
        from reflect.errors import UsageError

        raise UsageError(f"unknown rule '{args.rule}'{suggest(args.rule, keys)}; 'reflect rules' lists them")
    con.print(explain_text(rule, con))
    return EXIT_OK


def explain_text(rule, con: Console | None = None) -> str:
    con = con or Console(color=False)
    w = 88
    out = [con.style(f"{rule.code} {rule.id} — {rule.title}", "bold"),
           f"default severity: {rule.severity.value}", ""]
    out += [con.style("The idea", "bold"), textwrap.fill(rule.idea, w), ""]
    out += [con.style("Why it matters", "bold"), textwrap.fill(rule.lesson, w), ""]
    out += [con.style("What to do", "bold"), textwrap.fill(rule.generic_suggestion, w), ""]
    out.append(con.style("Thresholds", "bold"))
    if rule.params:
        for k, v in rule.params.items():
            out.append(f"  {k}: {v:g}  — {rule.param_help.get(k, '')}")
        sample = ", ".join(f"{k}: {v:g}" for k, v in rule.params.items())
        out.append(f"  change them in reflect.yaml:  rules: {{{rule.id}: {{{sample}}}}}")
    else:
        out.append("  none to tune")
    out.append(f"  change its severity or turn it off:  rules: {{{rule.id}: notice}}  /  rules: {{{rule.id}: off}}")
    out += ["", con.style(f"A journal that fires it (as of {rule.as_of})", "bold"),
            textwrap.indent(rule.fires.strip(), "  "), "",
            con.style("One that stays quiet", "bold"), textwrap.indent(rule.quiet.strip(), "  ")]
    return "\n".join(out)


def cmd_rules(args, con: Console) -> int:
    from reflect.rules import ALL_RULES

    if args.format == "markdown":
        con.print(rules_markdown())
        return EXIT_OK
    for r in sorted(ALL_RULES, key=lambda r: r.code):
        con.print(f"{con.style(r.code, 'bold')}  {r.id:<24} {r.severity.value:<9} {r.title}")
    con.print()
    con.print("'reflect explain RULE' tells more about one rule (id or code).")
    return EXIT_OK


def rules_markdown() -> str:
    """The rule catalogue as Markdown (docs/rules.md is this output; a test keeps them equal)."""
    from reflect.rules import ALL_RULES

    out = ["# The rules of `reflect check`", "",
           "Generated by `reflect rules --format markdown` from the rule records in `reflect/rules/`; "
           "`reflect explain RULE` prints the same for one rule. The ideas come from the article "
           "\"The currency of reciprocity: building influence through favours and exchanges\", in our own words.",
           "", "| code | id | default severity | title |", "|---|---|---|---|"]
    rules = sorted(ALL_RULES, key=lambda r: r.code)
    out += [f"| {r.code} | [`{r.id}`](#{r.id}) | {r.severity.value} | {r.title} |" for r in rules]
    out += ["", "Severity and thresholds are set per rule, by name or by code, in `reflect.yaml` "
            "(see docs/configuration.md):", "",
            "```yaml", "rules:", "  one-way-giving: {ratio: 4, min_gives: 3, severity: notice}",
            "  R402: off                  # grand-gestures", "```"]
    for r in rules:
        out += ["", f'<a id="{r.id}"></a>', "", f"## {r.code} `{r.id}` — {r.title}", "",
                f"Default severity: **{r.severity.value}**.", "", f"**The idea.** {r.idea}", "",
                f"**Why it matters.** {r.lesson}", "",
                f"**What to do.** {r.generic_suggestion}", ""]
        if r.params:
            out += ["| parameter | default | meaning |", "|---|---|---|"]
            out += [f"| `{k}` | {v:g} | {r.param_help.get(k, '')} |" for k, v in r.params.items()]
        else:
            out.append("No thresholds to tune.")
        out += ["", f"Fires (judged on {r.as_of}):", "", "```yaml", r.fires.strip(), "```", "",
                "Stays quiet:", "", "```yaml", r.quiet.strip(), "```"]
        if r.people:
            out += ["", "With these people:", "", "```yaml", r.people.strip(), "```"]
    from reflect.rules import STANDARD_PEOPLE

    out += ["", "## The people in the examples", "",
                "Unless a rule lists its own, the examples use this `people.yaml`:", "",
                "```yaml", STANDARD_PEOPLE.strip(), "```"]
    return "\n".join(out)


__all__ = ["cmd_check", "cmd_explain", "cmd_rules", "explain_text", "EXIT_USAGE"]
