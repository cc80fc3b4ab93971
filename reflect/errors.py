"""Positions and problems: every complaint about user input is a value, never an exception.

`Source` points at a place in a project file (1-based line and column, path
relative to the project root with forward slashes).  `Diagnostic` is one
problem found there.  `suggest` gives the "did you mean" hint.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, slots=True, order=True)
class Source:
    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def short(self) -> str:
        """FILE:LINE, the form used for evidence."""
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    source: Source
    kind: str  # syntax | field | value | person | config | file | internal
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"

    def as_json(self) -> dict:
        return {
            "file": self.source.path,
            "line": self.source.line,
            "column": self.source.col,
            "kind": self.kind,
            "message": self.message,
        }


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` was most likely meant to be (another case of it, else a near spelling), or None."""
    pool = sorted(set(choices))
    if not isinstance(word, str) or not pool:
        return None
    lowered = {c.lower(): c for c in pool}
    if word.lower() in lowered and lowered[word.lower()] != word:
        return lowered[word.lower()]
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not close:
        close = [lowered[c] for c in difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)]
    return close[0] if close else None


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix, or '' when nothing is close."""
    near = closest(word, choices)
    return f" (did you mean '{near}'?)" if near is not None else ""


class PdfUnavailable(Exception):
    """WeasyPrint or its system libraries cannot be loaded; the message says what to install.
    (Here rather than in reflect.pdf: a command catches it without importing the PDF machinery.)"""


class UsageError(Exception):
    """A command-line mistake (exit status 2)."""


def interrupted(exc: BaseException) -> bool:
    """Is `exc` a Ctrl-C in disguise?  Python wraps a KeyboardInterrupt that arrives while a class
    is being created (a lazy import during rendering, say) in a RuntimeError."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


class TemplateProblem(Exception):
    """A template could not be loaded or rendered; str() names the file and line."""
