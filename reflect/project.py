"""The pipeline up to the findings: config -> journal -> ledger -> rules.

`load_project` is what every command starts with; it never raises on user
input.  Errors (config or journal) come back as Diagnostics.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reflect.config import Config, load_config
from reflect.errors import Diagnostic
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

    config, cdiags = load_config(root, CATALOG)
    journal, jdiags = load_journal(config, use_cache=use_cache, while_parsing=while_parsing)
    ledger = Ledger(journal, config)
    return Project(config, journal, ledger, tuple(sorted(cdiags + jdiags)))


def findings(project: Project, as_of: dt.date):
    from reflect.rules import run_rules

    return run_rules(project.journal, project.ledger, project.config, as_of)
