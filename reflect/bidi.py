"""Names inside English sentences, kept whole in right-to-left scripts.

A person's name, a team or the owner is journal text in any script.  Put unmarked inside an
English sentence, a right-to-left name takes the neutral characters around it (commas, dashes,
numbers) into its own run, and the sentence comes out scrambled: "You were helped by محمد
שרה לוי, عبد الرحمן".  Each such name is therefore *isolated* (Unicode bidi isolation): in
HTML it is wrapped in `<bdi>`; in SVG it is put between FSI (U+2068) and PDI (U+2069).

Sentences are made in Python (reflect/report.py, the rules) and shown both on a page and in a
terminal.  A sentence marks each name with `iso(name)` and ends with `text(…)`, which gives a
`Text`: a `str` whose value is the plain sentence (terminal output, JSON, comparisons are the
same as before), and whose `__html__` (what Jinja's autoescape and markupsafe's `escape` call)
is the escaped sentence with each name in `<bdi>`.  A string operation on a Text (`+`,
`.strip()`, `textwrap`) gives a plain `str`: the marks are lost, never shown.
"""
from __future__ import annotations

import unicodedata

from markupsafe import escape

FSI = "\u2068"   # FIRST STRONG ISOLATE: opens an isolate whose direction is its first letter's
PDI = "\u2069"   # POP DIRECTIONAL ISOLATE: closes it


def needs_isolation(s: str) -> bool:
    """Does `s` have a right-to-left letter (Hebrew, Arabic, …)?  Only such a name can take the
    text around it into its own run; a left-to-right name in an English sentence is left bare (a
    `<bdi>` around each of a week's ~100 names cost the PDF ~6 % more work for nothing)."""
    return not s.isascii() and any(unicodedata.bidirectional(c) in _RTL for c in s)


_RTL = frozenset(("R", "AL"))


def iso(name: object) -> str:
    """`name` between FSI and PDI when it needs isolating (`needs_isolation`), for a sentence that
    `text()` finishes (marks inside the name itself are dropped, so a name can never close its
    own isolate early); otherwise the name as it is."""
    s = str(name)
    if FSI in s or PDI in s:
        s = plain(s)
    return FSI + s + PDI if needs_isolation(s) else s


def plain(s: str) -> str:
    """`s` without the marks of `iso()`.  (Two `replace`s, not `translate`: a site build strips
    the marks of ~100,000 findings' messages, and translate is ten times slower.)"""
    return s.replace(FSI, "").replace(PDI, "") if FSI in s or PDI in s else s


class Text(str):
    """A sentence whose names are isolated in HTML: the str is the plain sentence, `__html__`
    the escaped sentence with each name (marked by `iso()`) in `<bdi>`."""

    def __new__(cls, marked: str) -> "Text":
        self = str.__new__(cls, plain(marked))
        self._marked = marked   # (pickle: __getnewargs__ gives the plain text, the dict this)
        return self

    def __html__(self) -> str:
        return _bdi_html(self.__dict__.get("_marked", str(self)))

    def __repr__(self) -> str:
        return f"Text({str.__repr__(self)})"


def _bdi_html(marked: str) -> str:
    """Escaped, FSI → `<bdi>`, PDI → `</bdi>`; always balanced (a stray mark in journal text
    that a sentence quotes can neither close a name's element nor leave one open)."""
    out, depth = [], 0
    for i, part in enumerate(str(escape(marked)).split(PDI)):
        if i:
            if depth:
                out.append("</bdi>")
                depth -= 1
        opened = part.count(FSI)
        if opened:
            part = part.replace(FSI, "<bdi>")
            depth += opened
        out.append(part)
    out.append("</bdi>" * depth)
    return "".join(out)


def text(marked: str) -> str:
    """The sentence `marked` (names marked with `iso()`): a `Text` if it has a name, else itself."""
    return Text(marked) if FSI in marked else marked


def bdi(name: object) -> str:
    """The name escaped, in `<bdi>` when it needs isolating: for HTML made in Python (and the
    templates' `isolate` filter)."""
    s = plain(str(name))
    return f"<bdi>{escape(s)}</bdi>" if needs_isolation(s) else str(escape(s))
