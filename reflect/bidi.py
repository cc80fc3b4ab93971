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

`visual(s)` is for a renderer that draws text one character at a time (WeasyPrint's SVG text,
in the PDF's charts): the characters in the order they are seen, Arabic letters joined.
"""
from __future__ import annotations

import re
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
    """The sentence `marked` (names marked with `iso()`): a `Text` if it has a name, else itself.
    A name that ends a sentence with its own full stop ("Sam Smith Jr.", initials "D.K.") ends
    it once: "talk to Sam Smith Jr.", not "Jr..".  (An ellipsis stays.)"""
    if ".." in marked or "." + PDI + "." in marked:
        marked = _DOUBLE_STOP.sub(r"\1", marked)
    return Text(marked) if FSI in marked else marked


_DOUBLE_STOP = re.compile("(?<=\\w\\.)(\u2069?)\\.(?!\\.)")


def bdi(name: object) -> str:
    """The name escaped, in `<bdi>` when it needs isolating: for HTML made in Python (and the
    templates' `isolate` filter)."""
    s = plain(str(name))
    return f"<bdi>{escape(s)}</bdi>" if needs_isolation(s) else str(escape(s))


# ---------------------------------------------------------------- drawn one letter at a time

def visual(s: str) -> str:
    """`s` as a renderer that draws one character at a time, left to right, must be given it to
    show it right (WeasyPrint 70 draws SVG `<text>` so, for the PDF's charts): right-to-left runs
    reversed into the order they are seen, their brackets mirrored, and Arabic letters in the
    joined forms they take next to each other (Unicode's presentation forms), since a letter
    drawn alone is never joined.  Numbers and left-to-right words inside keep their order.

    A simplified Unicode bidi algorithm, for one line without embeddings: the direction is the
    first strong letter's; a neutral (space, punctuation) between two runs of one direction takes
    it, any other the line's.  Text without a right-to-left letter is returned as it is."""
    s = plain(s)
    if not needs_isolation(s):
        return s
    chars = list(_shaped(s))
    kinds = [_kind(c) for c in chars]
    for i, k in enumerate(kinds):           # a combining mark goes with the letter before it
        if k == "M":
            kinds[i] = kinds[i - 1] if i else "N"
    for i in range(1, len(kinds) - 1):      # one separator between digits is part of the number: 2:1, 1.5
        if kinds[i] == "N" and chars[i] in _NUMBER_SEPARATORS and kinds[i - 1] == kinds[i + 1] == "D":
            kinds[i] = "D"
    rtl = next((k == "R" for k in kinds if k in ("L", "R")), False)
    base = 1 if rtl else 0
    last_strong = "R" if rtl else "L"
    for i, k in enumerate(kinds):           # digits after a left-to-right letter belong to its run: Q3
        if k in ("L", "R"):
            last_strong = k
        elif k == "D" and last_strong == "L":
            kinds[i] = "L"
    levels: list[int] = []
    for k in kinds:
        if k == "R":
            levels.append(1)
        elif k == "L":
            levels.append(base + base)            # 0, or 2 inside a right-to-left line
        elif k == "D":                            # digits after right-to-left text: left to right, above it
            levels.append(2)
        else:
            levels.append(-1)                     # neutral: resolved below
    _resolve_neutrals(kinds, levels, base)
    order = list(range(len(chars)))
    for level in range(max(levels), 0, -1):   # reverse each run at this level or above
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    out = []
    for i in order:
        c = chars[i]
        out.append(_MIRROR.get(c, c) if levels[i] % 2 else c)
    return "".join(out)


def _kind(c: str) -> str:
    b = unicodedata.bidirectional(c)
    if b in _RTL:
        return "R"
    if b == "L":
        return "L"
    if b in ("EN", "AN"):
        return "D"
    if b == "NSM":
        return "M"
    return "N"


def _resolve_neutrals(kinds: list[str], levels: list[int], base: int) -> None:
    i, n = 0, len(kinds)
    while i < n:
        if levels[i] != -1:
            i += 1
            continue
        j = i
        while j < n and levels[j] == -1:
            j += 1
        before = _direction(kinds[i - 1]) if i else None
        after = _direction(kinds[j]) if j < n else None
        before = before or ("R" if base else "L")     # the line's ends count as its direction
        after = after or ("R" if base else "L")
        level = (1 if before == "R" else base + base) if before == after else base
        for k in range(i, j):
            levels[k] = level
        i = j


def _direction(kind: str) -> str:
    return "R" if kind in ("R", "D") else "L"


_NUMBER_SEPARATORS = frozenset(",.:/+-\u2212")
_MIRROR = {"(": ")", ")": "(", "[": "]", "]": "[", "{": "}", "}": "{", "<": ">", ">": "<",
           "«": "»", "»": "«", "‹": "›", "›": "‹"}
_FORMS: dict[str, dict[str, str]] = {}     # letter -> {"isolated"/"final"/"initial"/"medial": form}
_LAM_ALEF: dict[tuple[str, str], str] = {}  # (alef, "isolated"/"final") -> lam-alef ligature
_ALEFS = ("0622", "0623", "0625", "0627")    # the alefs a lam before them must join into one letter


def _forms() -> dict[str, dict[str, str]]:
    """Each Arabic letter's presentation forms, read from Unicode's own decompositions."""
    if not _FORMS:
        for cp in (*range(0xFE70, 0xFF00), *range(0xFB50, 0xFE00)):   # the common letters' forms first
            d = unicodedata.decomposition(chr(cp)).split()
            if len(d) == 2 and d[0] in ("<isolated>", "<final>", "<initial>", "<medial>"):
                _FORMS.setdefault(chr(int(d[1], 16)), {}).setdefault(d[0][1:-1], chr(cp))
            elif len(d) == 3 and d[0] in ("<isolated>", "<final>") and d[1] == "0644" and d[2] in _ALEFS:
                _LAM_ALEF[(chr(int(d[2], 16)), d[0][1:-1])] = chr(cp)
    return _FORMS


def _joins_forward(c: str | None) -> bool:
    """Can `c` join the letter after it?  (Dual-joining letters and the tatweel can.)"""
    return c is not None and (c == "\u0640" or "initial" in _forms().get(c, ()) or "medial" in _forms().get(c, ()))


def _shaped(s: str) -> str:
    """Arabic letters in `s` (logical order) in the form their neighbours give them."""
    forms = _forms()
    if not any(c in forms for c in s):
        return s
    letters = list(s)
    n = len(letters)

    def neighbour(i: int, step: int) -> str | None:
        i += step
        while 0 <= i < n and unicodedata.bidirectional(letters[i]) == "NSM":
            i += step
        return letters[i] if 0 <= i < n else None

    out: list[str] = []
    skip = -1
    for i, c in enumerate(letters):
        if i == skip:
            continue
        own = forms.get(c)
        if own is None:
            out.append(c)
            continue
        prev = neighbour(i, -1)
        joined_before = _joins_forward(prev)
        nxt_i = i + 1
        while nxt_i < n and unicodedata.bidirectional(letters[nxt_i]) == "NSM":
            nxt_i += 1
        nxt = letters[nxt_i] if nxt_i < n else None
        if c == "\u0644" and nxt is not None and (nxt, "isolated") in _LAM_ALEF and nxt_i == i + 1:
            out.append(_LAM_ALEF[(nxt, "final" if joined_before else "isolated")])
            skip = nxt_i
            continue
        joins_after = _joins_forward(c) and nxt is not None and nxt in forms
        form = ("medial" if joins_after else "final") if joined_before else ("initial" if joins_after else "isolated")
        out.append(own.get(form) or own.get("isolated") or c)
    return "".join(out)
