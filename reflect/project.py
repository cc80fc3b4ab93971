"""The pipeline up to the findings: config -> journal -> ledger -> rules.

`load_project` is what every command starts with; it never raises on user
input.  Errors (config or journal) come back as Diagnostics.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reflect.config import CONFIG_NAME, Config, load_config
from reflect.errors import Diagnostic, Source
from reflect.ledger import Ledger
from reflect.loader import load_journal
from reflect.model import Journal


@dataclass(frozen=True)
class Project:
    config: Config
    journal: Journal
    ledger: Ledger
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not self.diagnostics


def load_project(root: Path, use_cache: bool = True, while_parsing=None) -> Project:
    """The project at `root`; `while_parsing`: see `load_journal`."""
    from reflect.rules import CATALOG

    config, cdiags = load_config(root, CATALOG, use_cache=use_cache)
    journal, jdiags = load_journal(config, use_cache=use_cache, while_parsing=while_parsing)
    if not config.journal_dir.is_dir() and not cdiags:
        jdiags.append(missing_journal(config))
    ledger = Ledger(journal, config)
    return Project(config, journal, ledger, tuple(sorted(cdiags + jdiags)))


def journal_lookalike(config) -> str | None:
    """For a journal folder that is not there: a folder next to where it should be that is
    probably it (a near spelling, else one holding a people.yaml), as a path inside the project."""
    from reflect.errors import closest

    root, parent = config.root, config.journal_dir.parent
    near = sorted(p.relative_to(root).as_posix() for p in parent.iterdir()
                  if p.is_dir() and not p.name.startswith(".")) if parent.is_dir() else []
    return closest(Path(config.journal).as_posix(), near) or \
        next((p for p in near if (root / p / "people.yaml").is_file()), None)


def missing_journal(config) -> Diagnostic:
    """The error for a journal folder that is not there: a typo in `journal:`, or a folder renamed
    or not made yet.  (`reflect add` still starts a journal in a project that has none.)"""
    folder = config.journal_dir
    name = Path(config.journal).as_posix()
    near = journal_lookalike(config)
    hint = f" (did you mean '{near}'?)" if near else ""
    if config.journal_source is not None and folder.is_file():
        return Diagnostic(config.journal_source, "config", f"'{name}' is a file: 'journal' names the folder "
                          "that holds people.yaml and the entries")
    # with a folder that is probably the journal, `reflect add` refuses to start a second one
    start = "" if near else ", or start the journal there with 'reflect add'"
    if config.journal_source is not None:
        return Diagnostic(config.journal_source, "config",
                          f"the journal folder '{name}' does not exist{hint}: fix 'journal:'{start}")
    return Diagnostic(Source(CONFIG_NAME, 1, 1), "config",
                      f"there is no '{name}' folder next to reflect.yaml{hint}: set 'journal:' to the folder "
                      f"that holds it{start}")


def findings(project: Project, as_of: dt.date):
    from reflect.rules import run_rules

    return run_rules(project.journal, project.ledger, project.config, as_of)
