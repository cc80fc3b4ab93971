"""`reflect init [DIR]`: a new reflect project, never overwriting anything.

Writes a commented `reflect.yaml` (every setting at its default, generated
from `Config` and the rule catalogue so it cannot drift), `people.yaml` with
one example person, a first journal file for the current month with a
commented example entry, `reflections/`, a `.gitignore`, and runs `git init`
when the folder is not inside a git work tree.  Each existing file is
reported and kept; a second run changes nothing.
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

from reflect.config import CONFIG_NAME, PSEUDONYM_STYLES, SECTIONS, SEVERITIES, Config, ShareProfile
from reflect.console import listed
from reflect.errors import UsageError

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
GITIGNORE = """\
# reflect: build output, shares made for a coach (reflect share) and local state
site/
shared/
.reflect/
"""


def _num(v: float) -> str:
    return f"{v:g}"


def _days(days: int) -> str:
    return f"{days // 7} weeks" if days % 7 == 0 else f"{days} days"


def _yaml_str(s: str) -> str:
    from reflect.add import scalar

    return scalar(s)


def _c(setting: str, comment: str, width: int = 30) -> str:
    """A setting with its comment in a column."""
    return f"{setting:<{max(width, len(setting) + 2)}}# {comment}"


def config_text(owner: str) -> str:
    """The commented reflect.yaml: every setting with its default value."""
    from reflect.rules import ALL_RULES

    d = Config(root=Path("."))
    sizes = ", ".join(f"{k}: {_num(v)}" for k, v in d.sizes.items())
    coach = d.share.get("coach", ShareProfile())
    tuned = next((r for r in ALL_RULES if r.params), ALL_RULES[0])
    pname, pval = next(iter(tuned.params.items()), ("", 0))
    off = next((r for r in ALL_RULES if not r.params and r.id != tuned.id), ALL_RULES[-1])
    sev = next((r for r in ALL_RULES if r.id not in (tuned.id, off.id)), tuned)
    level = next(x for x in SEVERITIES if x != sev.severity.value and x != "strength")
    lines = [
        "# reflect settings. Every key is optional: the values below are the defaults",
        "# (except owner). Delete what you do not change, or keep it as a reminder.",
        "",
        _c(f"owner: {_yaml_str(owner)}", "whose journal this is (shown on reports)"),
        _c(f"journal: {d.journal}", "the folder with the entries, people.yaml and reflections"),
        _c(f"output: {d.output}", "where 'reflect build' writes the HTML site and PDF reports"),
        _c(f"week_start: {d.week_start}", "monday or sunday"),
        _c(f"window_weeks: {d.window_weeks}", "balances look back this many weeks from the report date"),
        _c(f"default_rhythm: {_days(d.default_rhythm_days)}", "how often to be in touch with people "
                                                               "who have no 'rhythm' of their own"),
        "",
        "# The weight of a favour by size: a large favour can be balanced by another",
        "# large one, or by a run of small ones.",
        f"sizes: {{{sizes}}}",
        "",
        "# Let old acts fade: their weight halves every N days (null: acts never fade).",
        f"half_life_days: {'null' if d.half_life_days is None else _num(d.half_life_days)}",
        "",
        _c(f"paper: {d.paper}", "page size of the PDF reports: A4 or Letter"),
        _c(f"pdf_weeks: {d.pdf_weeks}", "how many of the latest weeks get a PDF in reflect build (0: every week)"),
        "",
        "# Time off: rhythm-based rules (fading relationships, missed plans, homework)",
        "# pause while you are away. For example:",
        "#   away:",
        "#     - {from: 2026-12-21, to: 2027-01-01, note: Winter break}",
        "away: []",
        "",
        "# Per-rule settings: a severity (" + ", ".join(SEVERITIES) + "), off, or thresholds.",
        "# 'reflect rules' lists the rules, 'reflect explain RULE' explains one. For example:",
        "#   rules:",
        _c(f"#     {tuned.id}: {{{pname}: {_num(pval)}}}", "a threshold", 44),
        _c(f"#     {off.id}: off", "turn a rule off", 44),
        _c(f"#     {sev.id}: {level}", f"its severity (with thresholds: {{severity: {level}, ...}})", 44),
        "# Every rule and its thresholds (defaults):",
    ]
    for r in ALL_RULES:
        params = ", ".join(f"{k}: {_num(v)}" for k, v in r.params.items()) or "no thresholds"
        lines.append(f"#   {r.id} ({r.code}, {r.severity.value}): {params}")
    lines += [
        "rules: {}",
        "",
        "# Profiles for 'reflect share' (a PDF for a coach or mentor).",
        "#   people: " + ", ".join(PSEUDONYM_STYLES) + " (how people are named)",
        "#   notes: include entry notes (never those tagged private)",
        "#   reflection, coach: include your weekly reflection and the coach's notes",
        "#   sections (optional): a list from " + ", ".join(SECTIONS),
        "share:",
        f"  coach: {{people: {coach.people}, notes: {str(coach.notes).lower()}, "
        f"reflection: {str(coach.reflection).lower()}, coach: {str(coach.coach).lower()}}}",
        "",
    ]
    return "\n".join(lines)


PEOPLE_TEXT = """\
# Who is who: each person's id (a lower-case slug, used in entries' 'with')
# maps to their details. Levels are relative to you.
#
#   name       required  display name
#   level      required  senior, peer, junior or external
#   team       optional  free text
#   alignment  optional  high, medium (default) or low: how much the relationship
#                        matters to what you are trying to achieve
#   rhythm     optional  how often you mean to be in touch: 2 weeks, 10 days, 1 month
#   aliases    optional  other names you write for them
#   note       optional  Markdown
#
# Add people with:  reflect add person ID --name "Full Name" --level peer

alex-example:
  name: Alex Example
  level: peer
  team: Replace me with someone real
  alignment: medium
  rhythm: 6 weeks
  aliases: [Alex]
"""


def month_text(today: dt.date) -> str:
    return f"""\
# {MONTHS[today.month - 1]} {today.year}: one entry per act of giving, receiving, asking,
# promising or thanking. Files and their order never change a result.
# Add entries with:  reflect add gave alex-example "Reviewed her draft"
#
# - date: {today.isoformat()}
#   with: alex-example            # a person id from people.yaml, or a list: [a, b]
#   gave: Reviewed the launch plan before the exec review
#   # exactly one act: gave, received, asked, promised or thanked
#   size: small                   # small (default), medium or large
#   public: false                 # true when others could see it
#   tags: [advice]
#   note: Anything worth remembering (Markdown).
"""


REFLECTIONS_KEEP = """\
# Weekly reflections live here, one Markdown file per week, e.g. 2026-W48.md:
#
#   ---
#   week: 2026-W48
#   ---
#   What I gave, what I asked, what I will do differently.
#
# (This file keeps the empty folder in git; reflect skips hidden files.)
"""


def _journal_folder(root: Path) -> str:
    """The journal folder of an existing reflect.yaml (when it loads), else 'journal'."""
    if not (root / CONFIG_NAME).is_file():
        return "journal"
    from reflect.config import load_config
    from reflect.rules import CATALOG

    config, diags = load_config(root, CATALOG)
    return config.journal if not diags else "journal"


def _has_entries(folder: Path) -> bool:
    from reflect.source import discover

    return any(p.name != "people.yaml" and "reflections" not in p.relative_to(folder).parts[:1]
               for p in discover(folder))


def _git_state(root: Path) -> str:
    """'repo' (inside a work tree), 'none', or 'missing' (git is not installed)."""
    git = shutil.which("git")
    if git is None:
        return "missing"
    try:
        out = subprocess.run([git, "rev-parse", "--is-inside-work-tree"], cwd=root, capture_output=True,
                             text=True, timeout=30)
    except OSError:
        return "missing"
    return "repo" if out.returncode == 0 and out.stdout.strip() == "true" else "none"


def _ask_owner(con) -> str:
    if con.interactive and sys.stdin.isatty():
        try:
            con.eprint("Your name (shown on reports) [Me]: ")
            answer = input().strip()
        except EOFError:
            answer = ""
        return answer or "Me"
    return "Me"


def _create(root: Path, files: list[tuple[str, str]], con) -> int:
    """Create each (relative path, text) under `root` that is not there yet; how many were."""
    created = 0
    for rel, text in files:
        path = root / rel
        if path.exists():
            note = ""
            if rel == ".gitignore":
                have = {x.strip().strip("/") for x in path.read_text(encoding="utf-8", errors="replace").splitlines()}
                missing = [p for p in ("site/", "shared/", ".reflect/") if p.strip("/") not in have]
                if missing:
                    note = f" (consider adding {listed(missing)})"
            con.print(f"  exists, kept  {rel}{note}")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fh = open(path, "x", encoding="utf-8", newline="\n")  # 'x': never overwrite, even in a race
        except FileExistsError:
            con.print(f"  exists, kept  {rel}")
            continue
        try:
            with fh:
                fh.write(text)
        except BaseException:
            path.unlink(missing_ok=True)    # no half-written file
            raise
        created += 1
        con.print(f"  created       {rel}")
    return created


def cmd_init(args, con) -> int:
    from reflect.cli import EXIT_OK, today, writing

    root: Path = args.dir
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} exists and is not a folder")
    # the path checked first (a folder on the way that is a file: nothing written, not even a
    # question asked), then every file made whole or not at all
    with writing("", root):
        root.mkdir(parents=True, exist_ok=True)
        jname = _journal_folder(root)
        jdir = root / jname
        d = today(args)
        files: list[tuple[str, str]] = []
        if not (root / CONFIG_NAME).exists():
            files.append((CONFIG_NAME, config_text(args.owner or _ask_owner(con))))
        else:
            files.append((CONFIG_NAME, ""))
        files.append((f"{jname}/people.yaml", PEOPLE_TEXT))
        first = f"{jname}/{d.year:04d}/{d.month:02d}.yaml"
        if not _has_entries(jdir) or (root / first).exists():
            files.append((first, month_text(d)))
        files.append((f"{jname}/reflections/.gitkeep", REFLECTIONS_KEEP))
        files.append((".gitignore", GITIGNORE))
        created = _create(root, files, con)
    shown = root.as_posix()
    if args.no_git:
        pass
    else:
        state = _git_state(root)
        if state == "missing":
            con.print("  git is not installed: skipped 'git init' (install git to keep the journal's history)")
        elif state == "repo":
            con.print("  git           already a git repository")
        else:
            git = shutil.which("git")
            res = subprocess.run([git, "init", "-q"], cwd=root, capture_output=True, text=True)
            if res.returncode == 0:
                con.print("  git init      a new git repository")
            else:
                con.print(f"  git init failed: {res.stderr.strip() or res.returncode} (continuing without git)")
    con.print()
    here = root.resolve() == Path.cwd().resolve()
    if here:
        shown = "this folder"
    if created:
        where = "" if here else f" --project {shown}"
        con.print(f"a reflect project in {shown}. Next:")
        con.print(f"  reflect add person priya --name 'Priya Nair' --level peer{where}")
        con.print(f"  reflect add gave priya \"Reviewed her roadmap deck\"{where}")
        con.print(f"  reflect check{where}")
    else:
        con.print(f"nothing to do: {shown} is already a reflect project")
    return EXIT_OK
