"""Writing the journal: one change is one transaction, all of it or nothing.

`commit` is the only way reflect changes a journal file.  Under an exclusive
lock on `.reflect/lock` (`project_lock`; `writing` also loads the project and
refuses a journal that is not valid before), each new content goes to a
temporary file next to the real one, fsync'd; the whole journal is loaded as
it *would* be (`load_as_if`: a mirror of symlinks with the temporary files in
place of the real ones, sharing the parse cache) and must be valid, and the
caller's `expect` must find the result intended (`facts` and `entries_in`
compare entries without their positions); only then `os.replace`, and the
folder is fsync'd.  Any failure removes the temporary files and the folders
it made, and leaves the journal as it was (`AddError`).

Leftovers of a writer that was killed (temporary files, `as-if-*` mirrors)
are swept up by whoever holds the lock next.  What the bytes are is
reflect.yamltext's business; what a change should be is reflect.add's.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from reflect.config import Config
from reflect.console import plural
from reflect.errors import Diagnostic, Source
from reflect.loader import load_journal, unknown_person
from reflect.model import Entry, Journal, Person
from reflect.source import discover


class AddError(Exception):
    """A change that was refused; nothing was written.  `exit` is the status to return."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = (), exit: int = 1):
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)
        self.exit = exit


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
class Loaded:
    """A project whose configuration and journal were valid when loaded."""
    config: Config
    journal: Journal


def load_valid(root: Path, fixed_by: str | None = None) -> Loaded:
    """Config and journal, or AddError with every problem when the journal is not valid now.

    `fixed_by`: the id of the person the change adds; the entries' "unknown person" errors
    about them are what the change mends, so they do not stop it (`commit` then checks that
    the journal is valid after it)."""
    from reflect.config import load_config
    from reflect.rules import CATALOG

    config, cdiags = load_config(root, CATALOG)
    journal, jdiags = load_journal(config) if not cdiags else (Journal(), [])
    if not cdiags and not config.journal_dir.is_dir():
        from reflect.project import journal_lookalike, missing_journal

        if journal_lookalike(config) is not None:   # a misspelt or renamed journal: not a new one
            jdiags.append(missing_journal(config))
    diags = sorted(cdiags + jdiags)
    if fixed_by is not None:
        diags = [d for d in diags if unknown_person(d) != fixed_by]
    if diags:
        raise AddError(f"the {'configuration' if cdiags else 'journal'} has {plural(len(diags), 'error')}: fix "
                       f"{'it' if len(diags) == 1 else 'them'} first (nothing was written)", diags)
    return Loaded(config, journal)


@contextlib.contextmanager
def writing(root: Path, fixed_by: str | None = None) -> Iterator[Loaded]:
    """Under the project lock, the project loaded and valid (else AddError): a transaction's start."""
    with project_lock(root):
        yield load_valid(root, fixed_by)


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
    dests: dict[Path, Path] = {}     # where each change is written: a symlinked file's target
    made: list[Path] = []
    replaced = 0
    try:
        for path, data in changes.items():
            # a journal file that is a symlink is written through, as an editor does: replacing
            # the link would leave its target (the file the user keeps) without the change
            dest = dests[path] = path.resolve() if path.is_symlink() else path
            for stale in dest.parent.glob(f".{dest.name}.*.reflect-tmp") if dest.parent.is_dir() else ():
                with contextlib.suppress(OSError):
                    stale.unlink()  # left by a writer that was killed (we hold the lock)
            missing = []
            p = dest.parent
            while not p.exists():
                missing.append(p)
                p = p.parent
            for folder in reversed(missing):
                folder.mkdir()
                made.append(folder)
            temps[path] = _write_temp(dest, data)
        journal, diags = load_as_if(config, temps)
        if diags:
            raise AddError("refused: the journal would not be valid after this change (nothing was written)", diags)
        why = expect(journal)
        if why:
            raise AddError(f"refused: {why} (nothing was written)")
        for path in list(temps):
            os.replace(temps[path], dests[path])
            del temps[path]
            replaced += 1
            _fsync_dir(dests[path].parent)
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


# --------------------------------------------------------------------------------------------
# Reading back: entries and people without their positions, to compare before and after

def facts(e: Entry) -> Entry:
    return e._replace(source=Source(""), act_source=None)


def person_facts(p: Person) -> Person:
    return dataclasses.replace(p, source=Source(""))


def entries_in(journal: Journal, rel: str) -> list[Entry]:
    """The entries of one file (`rel`, relative to the project), in file order."""
    return sorted((e for e in journal.entries if e.source.path == rel), key=lambda e: (e.source.line, e.source.col))


def report(con, exc: AddError) -> int:
    """Print why a change was refused (with the journal's errors, if any); its exit status."""
    con.error_lines(exc.diagnostics)
    con.eprint(f"reflect: {exc}")
    return exc.exit
