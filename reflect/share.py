"""`reflect share`: the chosen weeks' homework, made safe to send to a coach.

Private by construction, in layers:

1. a *sanitised copy* of the journal is reported on: entries tagged `private`
   are gone, entry notes go only when the profile says so, people's notes and
   teams never, the reflection and coach notes per the profile;
2. the pages are rendered from that copy without links to person pages, and
   sections the profile leaves out are removed;
3. every way the journal writes a person (full name, each part, aliases, id),
   in any case and with possessives, is replaced by their pseudonym (or
   initials) in every text node and attribute; file paths are removed;
4. a self-check scans the result for any name, private text or path before a
   byte is written, and refuses to write if one is left.

A manifest (counts, never contents) is written next to the file and printed.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import html as htmllib
import re
from pathlib import Path

from reflect.cli import EXIT_FAIL, EXIT_OK, not_ahead, output_path, resolve_project, today, week_arg, writing
from reflect.config import SECTIONS, ShareProfile
from reflect.console import Console, plural
from reflect.errors import UsageError, suggest
from reflect.ledger import Ledger
from reflect.model import Journal
from reflect.project import Project

SECTION_IDS = {"numbers": "numbers", "questions": "questions", "network": "network", "homework": "relationships",
               "findings": "findings", "plan": "plan", "trend": "trend", "reflection": "reflection",
               "coach": None, "entries": "entries"}
MAX_WEEKS = 26
SCREEN_ONLY = ("entries",)  # sections templates/week.html renders only on screen, never in print
OWNER_LABEL = "Shared reflection"
OWNER_IN_TEXT, TEAM_IN_TEXT = "[me]", "[team]"   # the owner's name and a team's, where free text has them


@dataclasses.dataclass
class Manifest:
    profile: str
    people_style: str
    weeks: list[str]
    entries_included: int = 0
    entries_private: int = 0
    notes_included: int = 0
    notes_withheld: int = 0
    person_notes_withheld: int = 0
    reflections_included: int = 0
    reflections_withheld: int = 0
    coach_included: int = 0
    coach_withheld: int = 0
    names_replaced: int = 0
    links_withheld: int = 0
    sections: tuple[str, ...] = ()
    sections_left_out: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        w = self.weeks
        return [
            f"shared: {w[0]}" + (f" to {w[-1]} ({plural(len(w), 'week')})" if len(w) > 1 else ""),
            f"profile: {self.profile} (people shown as {self.people_style})",
            f"entries: {self.entries_included} included, {self.entries_private} withheld as private",
            f"entry notes: {self.notes_included} included, {self.notes_withheld} withheld",
            f"notes about people: {self.person_notes_withheld} withheld",
            f"your reflections: {self.reflections_included} included, {self.reflections_withheld} withheld",
            f"coach notes: {self.coach_included} included, {self.coach_withheld} withheld",
            f"names replaced in the text: {self.names_replaced}",
            f"link addresses withheld (the link text stays): {self.links_withheld}",
            f"sections: {', '.join(self.sections)}"
            + (f"; left out: {', '.join(self.sections_left_out)}" if self.sections_left_out else ""),
        ]


def parse_weeks(args, as_of: dt.date, week_start: str) -> list[str]:
    from reflect.report import week_bounds, week_of

    if args.weeks and args.week:
        raise UsageError(f"give either WEEK or --weeks, not both (got {args.week} and --weeks {args.weeks})")
    if args.weeks:
        if ".." not in args.weeks:
            raise UsageError("--weeks takes a range like 2026-W45..2026-W48")
        a, b = (week_arg(x) for x in args.weeks.split("..", 1))
        start, _ = week_bounds(a, week_start)
        end, _ = week_bounds(b, week_start)
        if end < start:
            raise UsageError(f"--weeks {args.weeks}: the range ends before it starts")
        weeks, d = [], start
        while d <= end:
            weeks.append(week_of(d + dt.timedelta(days=1) if week_start == "sunday" else d, week_start))
            d += dt.timedelta(days=7)
        if len(weeks) > MAX_WEEKS:
            raise UsageError(f"--weeks {args.weeks}: at most {MAX_WEEKS} weeks in one share")
        return weeks
    if args.week:
        return [week_arg(args.week)]
    return [week_of(as_of, week_start)]


def sanitise(project: Project, prof: ShareProfile, weeks: list[str],
             names: dict[str, str] | None = None, labels=None) -> tuple[Project, Manifest, list[str]]:
    """A copy of the project with only what this profile may share; and the texts that must not appear.

    Every person in the copy is called by `names` (their pseudonym) and has no aliases, note or
    team, so charts and templates never see a real name (a chart that shortens "Maximiliana
    Featherstonehaugh" to "Maximiliana Feath…" would otherwise leave a fragment no scrubber
    recognises).  Free text (descriptions, notes, reflections) still carries real names: the
    caller scrubs those; `labels` (privacy.label_scrubber) first hides your own name and your
    people's teams in it.  The manifest counts only what is dated in the shared weeks."""
    from reflect.report import week_of

    j = project.journal
    manifest = Manifest(profile="", people_style=prof.people, weeks=weeks)
    in_weeks = set(weeks)
    withheld_texts: list[str] = []
    people = {}
    for pid, p in j.people.items():
        if p.note:
            manifest.person_notes_withheld += 1
            withheld_texts.append(p.note)
        shown = names.get(pid, p.name) if names is not None else p.name
        people[pid] = dataclasses.replace(p, name=shown, aliases=(), note="", team="")
    entries = []
    for e in j.entries:
        counted = week_of(e.date, project.config.week_start) in in_weeks
        if e.private:
            manifest.entries_private += counted
            withheld_texts.append(e.what)
            if e.note:
                withheld_texts.append(e.note)
            continue
        if e.note and not prof.notes:
            manifest.notes_withheld += counted
            withheld_texts.append(e.note)
            e = e._replace(note="")
        elif e.note:
            manifest.notes_included += counted
        manifest.entries_included += counted
        if labels is not None:
            (what, n1), (note, n2) = labels(e.what), labels(e.note)
            e = e._replace(what=what, note=note)
            manifest.names_replaced += (n1 + n2) * counted
        entries.append(e)

    def relabel(r):
        if labels is None:
            return r
        text, n = labels(r.text)
        manifest.names_replaced += n if r.week in in_weeks else 0
        return dataclasses.replace(r, text=text)
    refl = tuple(relabel(r) for r in j.reflections if prof.reflection)
    coach = tuple(relabel(r) for r in j.coach_notes if prof.coach)
    manifest.reflections_included = sum(1 for r in refl if r.week in in_weeks)
    manifest.reflections_withheld = sum(1 for r in j.reflections if r.week in in_weeks) - manifest.reflections_included
    manifest.coach_included = sum(1 for r in coach if r.week in in_weeks)
    manifest.coach_withheld = sum(1 for r in j.coach_notes if r.week in in_weeks) - manifest.coach_included
    withheld_texts += [r.text for r in j.reflections if not prof.reflection and r.week in in_weeks]
    journal = Journal(people=people, entries=tuple(entries), reflections=refl, coach_notes=coach)
    config = dataclasses.replace(project.config, owner=OWNER_LABEL)
    shared = Project(config, journal, Ledger(journal, config), ())
    # only distinctive withheld texts are searched for (a one-word note could appear by chance)
    return shared, manifest, [t.strip() for t in withheld_texts if len(t.strip()) >= 24]


_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S)
_TAG_OR_TEXT = re.compile(r"(<!--.*?-->|<style\b.*?</style>|<script\b.*?</script>|<[^>]+>)", re.S)
_ATTR = re.compile(r'(\s(?:title|alt|aria-label|content|data-[\w-]+)=")([^"]*)(")')
_ID_ATTR = re.compile(r'\b(id|for|aria-labelledby|aria-describedby)="([^"]+)"')
_ID_REF = re.compile(r'(href="#|url\(#)([^")]+)')


def _remove_section(body: str, sid: str) -> str:
    m = re.search(rf'<section\b[^>]*\bid="{re.escape(sid)}"', body)
    if not m:
        return body
    depth, i = 0, m.start()
    for t in re.finditer(r"<section\b|</section>", body[m.start():]):
        depth += 1 if t.group(0) != "</section>" else -1
        if depth == 0:
            return body[:i] + body[m.start() + t.end():]
    return body


def _prefix_ids(body: str, prefix: str) -> str:
    """Give every id an opaque, per-week name (ids like 'rhythm-priya' would carry a person's id)."""
    ids: dict[str, str] = {}

    def new(x: str) -> str:
        if x not in ids:
            ids[x] = f"{prefix}{len(ids) + 1}"
        return ids[x]
    for m in re.finditer(r'\bid="([^"]+)"', body):
        new(m.group(1))
    body = _ID_ATTR.sub(lambda m: f'{m.group(1)}="{" ".join(ids.get(x, new(x)) for x in m.group(2).split())}"', body)
    return _ID_REF.sub(lambda m: m.group(1) + ids.get(m.group(2), new(m.group(2))), body)


def scrub_html(doc: str, scrub, strip: list[re.Pattern]) -> tuple[str, int]:
    """Replace names in text and in human-readable attributes; drop paths. Returns (html, replacements)."""
    count = 0

    def text(t: str) -> str:
        nonlocal count
        raw = htmllib.unescape(t)
        new, n = scrub.sub(raw)
        for pat in strip:
            new = pat.sub("", new)
        if new == raw:
            return t
        count += n
        return htmllib.escape(new, quote=False)

    out = []
    for part in _TAG_OR_TEXT.split(doc):
        if not part:
            continue
        if part.startswith("<"):
            if part.startswith(("<style", "<script", "<!--")):
                out.append(part)
            else:
                out.append(_ATTR.sub(lambda m: m.group(1) + htmllib.escape(htmllib.unescape(
                    text(m.group(2))), quote=True) + m.group(3), part))
        else:
            out.append(text(part))
    return "".join(out), count


_ADDRESS = re.compile(r'\s(?:href|src|xlink:href)="([^"#][^"]*)"')


def visible_text(doc: str) -> str:
    parts = [p for p in _TAG_OR_TEXT.split(doc) if p and not p.startswith("<")]
    attrs = [m.group(2) for m in _ATTR.finditer(doc)]
    return htmllib.unescape(" ".join(parts + attrs))


def cmd_share(args, con: Console) -> int:
    from reflect.build import early_pdf_pool

    root = resolve_project(args)
    if args.output is not None:
        output_path("-o", args.output)   # before any work: a mistake there writes nothing
    if args.html:
        return _share(args, con, root, None)
    with early_pdf_pool(root) as (pool, scratch):   # WeasyPrint loads while the journal is read and scrubbed
        return _share(args, con, root, pool, scratch)


_EXTERNAL_LINK = re.compile(r'<a\b([^>]*?)\shref="[^"#][^"]*"([^>]*)>(.*?)</a>', re.S)


def drop_link_targets(doc: str) -> tuple[str, int]:
    """`doc` with every link that leaves the page made plain text (a `<span>` with the link's
    other attributes): an address in a note (a wiki page, a profile, an image) can carry a
    name that no scrubbing of text would see, and a coach has no use for your intranet."""
    return _EXTERNAL_LINK.subn(lambda m: f"<span{m.group(1)}{m.group(2)}>{m.group(3)}</span>", doc)


# Markdown's emphasis, code and strike-through, wrapped around part of a word
_FORMAT = r"(em|strong|code|s|del|b|i)"
_IN_WORD = re.compile(rf"(?<=\w)<{_FORMAT}>([^<]*)</\1>|<{_FORMAT}>([^<]*)</\3>(?=\w)")


def join_split_words(doc: str) -> str:
    """`doc` with the formatting that cuts a word in two removed: `Pri*ya*` in a reflection is
    `Pri<em>ya</em>`, which reads "Priya" but which no scrubbing of each text alone can see as a
    name.  The word's letters stay; only its formatting goes (and only inside words)."""
    while True:
        joined = _IN_WORD.sub(lambda m: m.group(2) if m.group(1) else m.group(4), doc)
        if joined == doc:
            return doc
        doc = joined


def drop_evidence_paths(doc: str, journal: str) -> str:
    """Remove the FILE:LINE references of printed evidence (`· <code>journal/2026/09.yaml:28, 61</code>;
    <code>journal/2026/10.yaml:4</code> and 8 more`): meaningless to a coach, and a path."""
    jdir = re.escape(journal.rstrip("/"))
    return re.sub(rf"(?: · )?(?:<code>{jdir}/[^<]*</code>(?:[,;] )?)+(?: and \d+ more)?", "", doc)


def _share(args, con: Console, root: Path, pool, scratch=None) -> int:
    from reflect.build import Site, drop_site_hrefs, print_html
    from reflect.pdf import PdfUnavailable, write_atomic
    from reflect.privacy import Scrubber, is_term, label_scrubber, pseudonyms
    from reflect.project import load_project
    from reflect.report import week_report

    project = load_project(root)
    if project.diagnostics:
        con.error_lines(project.diagnostics)
        con.eprint(f"{plural(len(project.diagnostics), 'error')}: nothing shared; fix the journal first")
        return EXIT_FAIL
    cfg = project.config
    if args.profile not in cfg.share:
        raise UsageError(f"unknown share profile '{args.profile}'{suggest(args.profile, cfg.share)}; "
                         f"profiles: {', '.join(sorted(cfg.share))}")
    prof = cfg.share[args.profile]
    as_of = today(args)
    weeks = parse_weeks(args, as_of, cfg.week_start)
    from reflect.report import week_bounds
    for w in weeks:
        not_ahead(w, week_bounds(w, cfg.week_start)[0], as_of)
    names = pseudonyms(project.journal.people, root / ".reflect", prof.people)
    # the copy calls everyone by their pseudonym; the scrubber knows the real names for free text
    people = project.journal.people
    hidden = any(names[p] != people[p].name for p in names)   # not the names profile
    labels = label_scrubber(cfg.owner, [p.team for p in people.values()], OWNER_IN_TEXT, TEAM_IN_TEXT) \
        if hidden else None
    shared, manifest, withheld = sanitise(project, prof, weeks, names, labels)
    manifest.profile = args.profile
    scrub = Scrubber.for_people(people, names)
    site = Site(shared, as_of, share=True)
    site.person_href.clear()
    wanted = set(prof.sections)
    manifest.sections = tuple(s for s in SECTIONS if s in wanted)
    manifest.sections_left_out = tuple(s for s in SECTIONS if s not in wanted)
    if not args.html and "entries" in wanted:
        # the list of entries is a screen-only section of the week page: a PDF never has it
        manifest.sections = tuple(s for s in manifest.sections if s not in SCREEN_ONLY)
        manifest.sections_left_out += tuple(f"{s} (HTML only)" for s in SECTIONS if s in SCREEN_ONLY)
    mains, skeleton = [], None
    for week in weeks:
        report = week_report(shared, week, as_of)
        page = site.week_page(report, None, print_=not args.html)
        if skeleton is None:
            skeleton = page
        m = _MAIN.search(page)
        body = m.group(1) if m else page
        for name, sid in SECTION_IDS.items():
            if name not in wanted and sid:
                body = _remove_section(body, sid)
        if "coach" not in wanted:
            body = re.sub(r"<h3>From your coach</h3>\s*<blockquote\b.*?</blockquote>", "", body, flags=re.S)
        mains.append(f'<div class="shared-week{" new-page" if mains else ""}">{_prefix_ids(body, week.lower() + "-")}</div>')
    doc = _MAIN.sub(lambda m: '<main id="main">' + "\n".join(mains) + "</main>", skeleton, count=1)
    title = f"{OWNER_LABEL} {weeks[0]}" + (f" to {weeks[-1]}" if len(weeks) > 1 else "")
    doc = re.sub(r"<title>.*?</title>", f"<title>{htmllib.escape(title)}</title>", doc, count=1, flags=re.S)
    doc = re.sub(r'<meta name="(author|generator)"[^>]*>\s*', "", doc)
    doc = re.sub(r"<nav\b.*?</nav>", "", doc, flags=re.S)  # no site navigation in a single shared file
    doc = re.sub(r'<a\b[^>]*class="skip[^"]*"[^>]*>.*?</a>', "", doc, flags=re.S)
    doc = drop_site_hrefs(doc)  # no links into the site
    doc, manifest.links_withheld = drop_link_targets(doc)   # nor out of it
    doc = drop_evidence_paths(doc, cfg.journal)
    doc = join_split_words(doc)
    strip = [re.compile(re.escape(str(root.resolve())) + r"[^\s\"<>]*"),
             re.compile(r"(?<![\w/])" + re.escape(cfg.journal.rstrip("/")) + r"/[^\s\"<>]*")]
    doc, replaced = scrub_html(doc, scrub, strip)
    manifest.names_replaced += replaced
    # the self-check: nothing that must not travel is left, in the text, the readable attributes
    # or any address (tag names and reflect's own markup are not text: a person whose id is 'li')
    text = visible_text(doc) + " " + " ".join(_ADDRESS.findall(doc))
    problems = [f"a name ('{t}')" for t in scrub.leaks(text)]
    problems += ["a withheld note or entry" for t in withheld if t in text][:1]
    if str(root.resolve()) in doc or f"{cfg.journal}/" in text:
        problems.append("a file path")
    # the ids the scrubber replaces (an id of one letter, or a level word, is an ordinary word: 'a')
    ids = "|".join(re.escape(pid) for pid in sorted(people, key=len, reverse=True) if is_term(pid))
    if hidden and ids:
        problems += sorted({f"a person id ('{m.group(1)}')" for m in re.finditer(rf'(?<![\w-])({ids})(?![\w-])', text)})
    if problems:
        con.eprint(f"reflect share: refusing to write: the result still contains {', '.join(problems)}. "
                   "Nothing was written. This is a bug in reflect; please report it (without the journal)")
        return EXIT_FAIL
    suffix = ".html" if args.html else ".pdf"
    out = args.output or (root / "shared" / f"{args.profile}-{weeks[0]}"
                          f"{'-' + weeks[-1] if len(weeks) > 1 else ''}{suffix}")
    out = Path(out)
    if out.suffix.lower() != suffix:
        raise UsageError(f"-o {out}: a {'HTML' if args.html else 'PDF'} share needs a {suffix} file name")
    if args.html:
        css = site.stylesheet.read_text("utf-8")
        doc = re.sub(r'<link rel="stylesheet"[^>]*>', lambda m: "<style>\n" + css + "\n</style>", doc, count=1)
        data = doc.encode("utf-8")
    else:
        # rendered in a private folder next to the output (removed after the worker stops);
        # read back only if WeasyPrint reported nothing
        with writing("-o" if args.output else "", out):
            fresh = scratch(out.parent) / "share.pdf"
        try:
            (result,) = pool.render([(print_html(doc), fresh)])
        except PdfUnavailable as exc:
            con.eprint(f"reflect: {exc}")
            con.eprint("reflect: 'reflect share --html' makes a shareable HTML file without PDF libraries")
            return EXIT_FAIL
        problems = result.problems
        if problems or not result.ok:
            con.eprint("reflect share: the PDF could not be rendered cleanly: "
                       + "; ".join(problems or ["no PDF was written"]))
            return EXIT_FAIL
        data = fresh.read_bytes()
    lines = manifest.lines()
    with writing("-o" if args.output else "", out):   # the share and its manifest, or neither
        write_atomic(out, data)
        try:
            write_atomic(out.with_name(out.name + ".manifest.txt"),
                         ("\n".join(["What this share contains (counts only):"] + [f"- {l}" for l in lines])
                          + "\n").encode())
        except BaseException:
            out.unlink(missing_ok=True)
            raise
    con.print(f"wrote {out}")
    for l in lines:
        con.print(f"  {l}")
    con.print(f"  manifest: {out.name}.manifest.txt")
    return EXIT_OK
