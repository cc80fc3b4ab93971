"""The command line: argparse sub-commands, exit codes, the clock.

`main(argv) -> int` is the one exit point: 0 all good, 1 journal/config
errors (or findings at the --strict level), 2 usage errors.  No traceback
reaches the user unless --debug is given.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from pathlib import Path

from reflect import __version__
from reflect.console import Console
from reflect.errors import UsageError, interrupted
from reflect.model import DATE_MAX, DATE_MIN  # the range the journal itself accepts

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def parse_args(self, args=None, namespace=None):
        # argparse hands a command's unrecognised arguments up to `reflect` itself, which would
        # complain about them (and point at 'reflect --help'); the command's own parser does here
        args, extras = self.parse_known_args(args, namespace)
        if extras:
            command = self._commands().get(getattr(args, "command", None) or "")
            (command or self).error(self._unrecognized(extras, command))
        return args

    def _commands(self) -> dict[str, argparse.ArgumentParser]:
        """{name: parser} of the sub-commands ({} for a parser without any)."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                return dict(action.choices)
        return {}

    def _unrecognized(self, extras: list[str], command: argparse.ArgumentParser | None) -> str:
        """'unrecognized arguments: …' with a hint about the first option among them: a near
        spelling of an option `command` takes, or which commands take it if `command` does not."""
        from reflect.console import listed
        from reflect.errors import suggest

        message = f"unrecognized arguments: {' '.join(extras)}"
        word = next((x.split("=", 1)[0] for x in extras if x.startswith("-") and x != "-"), None)
        if word is None:
            return message
        takers = sorted(name for name, sub in self._commands().items() if word in sub._option_string_actions)
        if command is None:      # before any command: the options are the commands'
            if takers:
                return f"{message} ({word} goes after a command, e.g. 'reflect {takers[0]} {word}')"
            options = {o for sub in self._commands().values() for o in sub._option_string_actions}
            return message + suggest(word, sorted(o for o in options if o.startswith("--")))
        if word in command._option_string_actions:   # 'reflect --as-of=… check': given before the command
            return f"{message} ({word} goes after the command: '{command.prog} {word} …')"
        own = sorted(o for o in command._option_string_actions if o.startswith("--"))
        hint = suggest(word, own)
        if not hint and takers:
            hint = f" ('{command.prog}' does not take {word}; {listed(takers)} do)"
        return message + hint

    def error(self, message: str):  # exit status 2 with a short hint, like every other usage error
        import re

        # "invalid choice: 'chek' (choose from 'check', …)": say which one was meant
        m = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        from reflect.errors import suggest

        if m:
            message += suggest(m.group(1), re.findall(r"'([^']*)'", m.group(2)))
        raise UsageError(f"{message}\nrun '{self.prog} --help' for the options")




def _date(text: str) -> dt.date:
    """A command-line date: YYYY-MM-DD, within the years a journal may hold."""
    import re

    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        d = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-27") from None
    if not DATE_MIN <= d <= DATE_MAX:
        raise argparse.ArgumentTypeError(f"{d.isoformat()}: choose a date between {DATE_MIN.year} and {DATE_MAX.year}")
    return d


def _port(text: str) -> int:
    """A command-line TCP port: 0 (any free port) to 65535."""
    try:
        port = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number (0 to 65535)") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port}: a port is a number from 0 to 65535 (0: any free port)")
    return port


def output_path(option: str, path: Path) -> Path:
    """`path`, where the user asked reflect to write (`option` names the argument: '-o', '--out';
    '' for a positional one), if it could be made; else a UsageError saying why.  Commands call
    it before any work, so such a mistake writes nothing at all."""
    path = Path(path)
    for parent in path.expanduser().parents:   # the nearest part that exists must be a folder
        if parent.is_dir():
            break
        if parent.exists() or parent.is_symlink():
            what = "a file, not a folder" if parent.is_file() else "not a folder"
            raise UsageError(f"cannot write {_named(option, path)}: {parent} is {what}")
    return path


@contextlib.contextmanager
def writing(option: str, path: Path):
    """The one place an OSError on a user-given output path becomes a usage error.

    Checks `path` first (`output_path`); then an OSError raised inside the block about `path`,
    something in it, a folder on the way to it, or a temporary file beside it (`.NAME…`) is
    reported as "cannot write PATH: <the system's reason>" (exit status 2).  Other OSErrors
    are not the user's output and stay what they are.  The block must leave nothing
    half-written when it fails (reflect writes through temporary files and renames)."""
    path = output_path(option, path)
    try:
        yield path
    except OSError as exc:
        if not _about(exc, path):
            raise
        reason = exc.strerror or str(exc)
        names = [Path(os.fsdecode(n)) for n in (exc.filename2, exc.filename) if n is not None]
        culprit = next((n for n in names if not n.name.startswith(".")), None)  # not a temporary file
        if isinstance(exc, (FileExistsError, NotADirectoryError)) and culprit is not None and culprit.is_file():
            reason = f"{culprit} is a file, not a folder"
        elif culprit is not None and os.path.abspath(culprit) != os.path.abspath(path):
            reason = f"{culprit}: {reason}"
        raise UsageError(f"cannot write {_named(option, path)}: {reason}") from None


def _named(option: str, path: Path) -> str:
    return f"{option} {path}" if option else str(path)


def _about(exc: OSError, path: Path) -> bool:
    """Is `exc` about `path`: the path, inside it, a folder above it, or a temporary file next to it?"""
    target = Path(os.path.abspath(path.expanduser()))
    for name in (exc.filename, exc.filename2):
        if name is None:
            continue
        p = Path(os.path.abspath(os.fsdecode(name)))
        if p == target or target in p.parents or p in target.parents:
            return True
        if p.parent == target.parent and p.name.startswith(("." + target.name, ".reflect-render-")):
            return True   # reflect's temporary files beside it (.site.tmp-PID, .x.pdf.PID….tmp)
    return False


def not_ahead(week: str, start: dt.date, as_of: dt.date) -> None:
    """UsageError if `week` (which starts on `start`) begins after `as_of`: reports look back."""
    if start > as_of:
        raise UsageError(f"{week} starts after {as_of.isoformat()} (--as-of); a report looks back, not ahead")


def week_arg(text: str) -> str:
    """A command-line ISO week ('2026-W48'), within the years a journal may hold; UsageError if not."""
    from reflect.model import week_problem

    why = week_problem(text)
    if why == "form":
        raise UsageError(f"'{text}' is not an ISO week like 2026-W48")
    if why == "years":
        raise UsageError(f"'{text}': choose a week between {DATE_MIN.year} and {DATE_MAX.year}")
    if why == "week":
        year, week = text.strip().split("-W")
        raise UsageError(f"'{text}': {year} has no week {int(week)}")
    return text.strip()


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--project", metavar="DIR", type=Path,
                        help="the reflect project (default: the nearest folder with reflect.yaml or journal/)")
    common.add_argument("--as-of", metavar="DATE", type=_date, dest="as_of",
                        help="judge the journal as of this date (default: today); makes output reproducible")
    common.add_argument("--debug", action="store_true", help="show a traceback on internal errors")

    p = _Parser(prog="reflect", description="A journal of favours and exchanges at work: checked like code, "
                                            "reported every week.")
    p.add_argument("--version", action="version", version=f"reflect {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    c = sub.add_parser("check", parents=[common], help="validate the journal and check it against the principles")
    c.add_argument("files", nargs="*", type=Path, metavar="FILE",
                   help="files that changed (as pre-commit passes them); the whole journal is always judged")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.add_argument("--strict", nargs="?", const="notice", choices=("notice", "warning"), default=None,
                   help="exit 1 when there are findings at this level or above (default level: notice)")
    c.add_argument("--balances", action="store_true", help="also print the balance per person (text format)")
    c.add_argument("--no-cache", action="store_true", help="re-read every file instead of using .reflect/cache")

    e = sub.add_parser("explain", help="explain one rule: what it checks, why, thresholds, examples")
    e.add_argument("rule", metavar="RULE", help="a rule id (one-way-giving) or code (R101)")
    e.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    r = sub.add_parser("rules", help="list every rule")
    r.add_argument("--format", choices=("text", "markdown"), default="text",
                   help="markdown: the full catalogue, as in docs/rules.md")
    r.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    b = sub.add_parser("build", parents=[common], help="write the HTML site and the weekly PDF reports")
    b.add_argument("--out", metavar="DIR", type=Path, help="output folder (default: site/ or reflect.yaml's output)")
    b.add_argument("--no-pdf", action="store_true", help="HTML only (no WeasyPrint needed)")
    b.add_argument("--no-cache", action="store_true", help="re-read every file and re-render every PDF")

    rp = sub.add_parser("report", parents=[common], help="render one week's homework report as PDF")
    rp.add_argument("week", nargs="?", metavar="WEEK", help="an ISO week like 2026-W48 (default: the week of --as-of)")
    rp.add_argument("-o", "--output", metavar="FILE", type=Path, help="where to write the PDF")

    i = sub.add_parser("init", help="start a new reflect project")
    i.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR")
    i.add_argument("--no-git", action="store_true", help="do not run git init")
    i.add_argument("--owner", help="your name (default: asked on a terminal, else 'Me')")
    i.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    a = sub.add_parser("add", parents=[common], help="append one entry (or a person) to the journal")
    a.add_argument("act", metavar="ACT", help="gave, received, asked, promised, thanked — or 'person'")
    a.add_argument("person", metavar="PERSON", help="a person id from people.yaml (several: a,b)")
    a.add_argument("what", nargs="?", metavar="WHAT", help="what happened, in a few words")
    a.add_argument("--size", choices=("small", "medium", "large"))
    a.add_argument("--public", action="store_true")
    a.add_argument("--date", type=_date, help="default: --as-of or today")
    a.add_argument("--tag", action="append", default=[], dest="tags")
    a.add_argument("--due", type=_date)
    a.add_argument("--outcome", choices=("helped", "declined", "pending"))
    a.add_argument("--acknowledged", choices=("public", "private"))
    a.add_argument("--planned", action="store_true")
    a.add_argument("--note")
    a.add_argument("--file", type=Path, help="the journal file to append to (default: the month's file)")
    a.add_argument("--new-person", metavar="NAME", help="add PERSON to people.yaml with this name first")
    a.add_argument("--level", choices=("senior", "peer", "junior", "external"))
    a.add_argument("--name", help="with 'add person': the display name")
    a.add_argument("--team")
    a.add_argument("--alignment", choices=("high", "medium", "low"))
    a.add_argument("--rhythm")
    a.add_argument("--alias", action="append", default=[], dest="aliases")

    d = sub.add_parser("done", parents=[common], help="list this week's plans and open promises, or mark one done")
    d.add_argument("item", nargs="?", metavar="ID|N", help="a number from the list, or an entry id FILE:LINE")
    d.add_argument("--date", type=_date, help="when it was done (default: a plan's own date, or today if that is later; a promise: today or --as-of)")

    pl = sub.add_parser("plan", parents=[common], help="suggest this week's give and ask")
    pl.add_argument("--next", action="store_true", help="plan next week instead (as the week's report suggests)")
    pl.add_argument("--yes", action="store_true", help="write the suggestions as planned entries")

    w = sub.add_parser("week", parents=[common], help="this week's homework in the terminal")
    w.add_argument("week", nargs="?", metavar="WEEK")

    s = sub.add_parser("serve", parents=[common], help="preview the site on 127.0.0.1, rebuilding on change")
    s.add_argument("--port", type=_port, default=8000, help="port (default 8000; 0: any free port)")
    s.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    s.add_argument("--allow-remote", action="store_true",
                   help="allow a non-loopback --host (your journal becomes readable from the network)")

    sc = sub.add_parser("schema", help="write the JSON Schema of journal and people files")
    sc.add_argument("--out", metavar="DIR", type=Path, default=None,
                    help="where to write them (default: .reflect/schema/ in the project; '-': print them)")
    sc.add_argument("--project", metavar="DIR", type=Path, help="the reflect project (default: the nearest one)")
    sc.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    sh = sub.add_parser("share", parents=[common], help="a PDF (or HTML) of chosen weeks to share with a coach")
    sh.add_argument("week", nargs="?", metavar="WEEK")
    sh.add_argument("--weeks", metavar="FROM..TO")
    sh.add_argument("--profile", default="coach")
    sh.add_argument("--html", action="store_true", help="one self-contained HTML file instead of a PDF")
    sh.add_argument("-o", "--output", metavar="FILE", type=Path)

    dr = sub.add_parser("doctor", help="versions of the libraries behind PDF output, and what is missing")
    dr.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return p


def find_project(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "reflect.yaml").is_file() or (folder / "journal").is_dir():
            return folder
    return None


def resolve_project(args) -> Path:
    """The project folder from --project, the files given, or the current folder upwards."""
    if getattr(args, "project", None):
        root = args.project
        if not root.is_dir():
            raise UsageError(f"--project {root}: no such folder")
        if not (root / "reflect.yaml").is_file() and not (root / "journal").is_dir():
            raise UsageError(f"no journal found in {root}: expected reflect.yaml or a journal/ folder "
                             f"(start one with 'reflect init {root}')")
        return root.resolve()
    files = getattr(args, "files", None) or []
    start = files[0].parent if files else Path.cwd()
    root = find_project(start)
    if root is None:
        raise UsageError("no journal found here or in any parent folder: expected reflect.yaml or a journal/ "
                         "folder (start one with 'reflect init', or pass --project DIR)")
    return root


def today(args) -> dt.date:
    """The only place reflect reads the clock."""
    return getattr(args, "as_of", None) or dt.date.today()


_DISPATCH = {
    "check": ("reflect.cmd_check", "cmd_check"),
    "explain": ("reflect.cmd_check", "cmd_explain"),
    "rules": ("reflect.cmd_check", "cmd_rules"),
    "build": ("reflect.build", "cmd_build"),
    "report": ("reflect.build", "cmd_report"),
    "init": ("reflect.scaffold", "cmd_init"),
    "add": ("reflect.add", "cmd_add"),
    "done": ("reflect.done", "cmd_done"),
    "plan": ("reflect.plan", "cmd_plan"),
    "week": ("reflect.plan", "cmd_week"),
    "serve": ("reflect.serve", "cmd_serve"),
    "schema": ("reflect.schema", "cmd_schema"),
    "share": ("reflect.share", "cmd_share"),
    "doctor": ("reflect.doctor", "cmd_doctor"),
}


def main(argv: list[str] | None = None, console: Console | None = None) -> int:
    """Run one command; `argv=None` means reflect is the program (its arguments are sys.argv)."""
    code = _main(list(sys.argv[1:] if argv is None else argv), console or Console())
    if argv is None:
        # The process ends here: the interpreter's last collection would walk every object the
        # command built (the journal, its ledger, the pages): ~40 ms of a `reflect report`, ~20 ms
        # of a warm `reflect check`.  Frozen objects are left to the exit.  Not for callers in
        # the same process (tests, scripts): their garbage must stay collectable.
        import gc

        gc.freeze()
    return code


def _main(argv: list[str], con: Console) -> int:
    debug = "--debug" in argv
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help(con.out)
            return EXIT_USAGE
        module, func = _DISPATCH[args.command]
        import importlib

        import gc

        was_enabled = gc.isenabled()
        if args.command != "serve":
            # a short-lived command builds many small acyclic objects: the cyclic
            # collector would only walk them again and again (measured: -20 % on check)
            gc.disable()
        try:
            return importlib.import_module(module).__dict__[func](args, con)
        finally:
            if was_enabled:
                gc.enable()  # callers in the same process (tests, scripts) get their collector back
    except UsageError as exc:
        con.eprint(f"reflect: {exc}")
        return EXIT_USAGE
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except KeyboardInterrupt:
        con.eprint("reflect: interrupted")
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the one place an internal error is turned into a message
        if interrupted(exc):   # a Ctrl-C that Python wrapped in another error
            con.eprint("reflect: interrupted")
            return 130
        if debug:
            raise
        con.eprint(f"reflect: internal error: {type(exc).__name__}: {exc}")
        con.eprint("this is a bug in reflect, not in your journal; run again with --debug for the details "
                   "and report it")
        return 70
