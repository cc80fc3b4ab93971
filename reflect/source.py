"""Reading project files: discovery, YAML with positions, Markdown front matter.

This is the only module that touches ruamel.yaml.  Files are *composed*
(not constructed) with ruamel's C parser, so every scalar keeps its text,
its resolved tag and its 1-based line and column, and nothing is turned
into Python objects behind our back (an impossible date such as
2026-02-30 stays a string until the loader validates it with its position).

Text with combining marks is read composed (NFC): a name typed with combining
accents ('Siobha\u0301n') is the same name as 'Siobhán' everywhere — shown, matched
when a share hides names, sorted.

Building the tree from the C parser's events (resolving tags here) is ~10x
faster than ruamel's round-trip loader.  The loader caches each file's
validated result (reflect.filecache), so a run re-parses only changed files.
"""
from __future__ import annotations

import io
import os
import re
import unicodedata
from pathlib import Path
from typing import NamedTuple, Union

JOURNAL_SUFFIXES = (".yaml", ".yml", ".md", ".markdown")
MAX_DEPTH = 20


class YScalar(NamedTuple):
    value: str
    tag: str  # "str", "int", "float", "bool", "null", "timestamp" or a custom tag
    line: int
    col: int
    # a plain value's same-line comment when it reads like text YAML cut off: `gave: #1 priority`
    # (no text at all) or `gave: Reviewed PR #123` (text 'Reviewed PR'); a `  # comment` is not kept
    comment: str = ""
    comment_line: int = 0  # 1-based line and column of that comment's '#'
    comment_col: int = 0


class YMap(NamedTuple):
    pairs: tuple  # ((YScalar key, node), ...) in file order
    line: int
    col: int


class YSeq(NamedTuple):
    items: tuple
    line: int
    col: int


YNode = Union[YScalar, YMap, YSeq]


class ParsedFile(NamedTuple):
    """One file, parsed: a YAML root node (or None), a Markdown body, problems."""
    root: YNode | None
    body: str            # Markdown body ('' for YAML files)
    body_line: int       # line where the body starts
    problems: tuple      # ((line, col, kind, message), ...)
    is_markdown: bool


_STD = "tag:yaml.org,2002:"
_INT = re.compile(r"^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_BOOL = frozenset(("true", "True", "TRUE", "false", "False", "FALSE"))
_PRIVATE_CUT = re.compile(r"[ \t]+#(?=private\b)", re.IGNORECASE)   # '] #private'
_CUT = re.compile(r"[ \t]+#[^\s#]")   # after a plain value: ' #123', ' #eng-wins', not '  # a comment'


def composed(text: str) -> str:
    """`text` composed (NFC) where it was typed decomposed — 'Siobha\u0301n' is 'Siobhán', and
    Hangul or Bengali typed in parts likewise — but never where NFC would only swap one character
    for another (a compatibility ideograph such as U+F900 stays as written)."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    nfc = unicodedata.normalize("NFC", text)
    return nfc if len(nfc) < len(text) else text


_PLAIN_LETTERS = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d",
                                "Ð": "D", "þ": "th", "Þ": "Th", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe",
                                "ß": "ss", "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T"})


def unaccented(term: str) -> str:
    """'Siobhán' -> 'Siobhan', 'Søren Łukasz' -> 'Soren Lukasz': the term in plain letters."""
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFKD", term)
                                                if not unicodedata.combining(c))).translate(_PLAIN_LETTERS)


def _resolve(value: str) -> str:
    """The YAML 1.2 core-schema tag of a plain scalar (only what reflect needs to tell apart)."""
    if value in _NULL:
        return "null"
    if value in _BOOL:
        return "bool"
    c = value[0]
    if c.isdigit() or c in "-+.":
        if _DATE.match(value):
            return "timestamp"
        if _INT.match(value):
            return "int"
        if _FLOAT.match(value):
            return "float"
    return "str"


def compose_yaml(text: str, offset: int = 0) -> tuple[YNode | None, list]:
    """Compose one YAML document from the C parser's events; returns (root, problems).

    Never raises on input.  Tags are resolved here (YAML 1.2 core schema), not by
    ruamel's Python resolver: that is most of the speed.  Anchors and aliases are
    refused with their exact position; nesting is capped at MAX_DEPTH.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.events import (AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                                    ScalarEvent, SequenceEndEvent, SequenceStartEvent)

    problems: list = []
    root = None
    lines: list[str] | None = None   # the text's lines, split only if a value needs a look
    has_hash = "#" in text          # could a comment have cut a value short?

    def after(mark) -> str:
        """What follows `mark` on its line."""
        nonlocal lines
        if lines is None:
            lines = text.splitlines()
        return lines[mark.line][mark.column:] if mark.line < len(lines) else ""
    stack: list = []  # [kind, items, line, col]
    docs = 0
    try:
        for ev in YAML(typ="safe").parse(io.StringIO(text)):  # one instance per document: not thread-safe
            cls = type(ev)
            if cls is ScalarEvent:
                m = ev.start_mark
                if ev.anchor is not None:   # reported; the value itself is read as if it had none
                    problems.append((m.line + 1 + offset, m.column + 1, "syntax",
                                     f"anchors and aliases (&{ev.anchor}) are not allowed in a journal"))
                tag = ev.tag
                if tag is None or tag == "!":
                    kind = _resolve(ev.value) if ev.implicit[0] and not ev.style else "str"
                else:
                    kind = tag[len(_STD):] if tag.startswith(_STD) else tag
                col, comment, comment_line, comment_col = m.column + 1, "", 0, 0
                if kind == "null" and not ev.value:
                    # `gave: #1 priority`: YAML reads a comment and no value; the empty value keeps the
                    # comment and its place, so that an error about it can say what happened
                    rest = after(m)
                    if rest.lstrip().startswith("#"):
                        comment, col = rest.strip(), col + len(rest) - len(rest.lstrip())
                        comment_line, comment_col = m.line + 1 + offset, col
                elif not ev.style and has_hash:
                    # `gave: Reviewed PR #123`: YAML ends the text before ' #'; kept so that the
                    # loader can refuse a cut text instead of losing its end without a word
                    e = ev.end_mark
                    rest = after(e)
                    cut = _CUT.match(rest)
                    if cut is not None:
                        comment = rest.strip()
                        comment_line, comment_col = e.line + 1 + offset, e.column + cut.end() - 1
                value = composed(ev.value)
                node = YScalar(value, kind, m.line + 1 + offset, col, comment, comment_line, comment_col)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                m = ev.start_mark
                if ev.anchor is not None:
                    problems.append((m.line + 1 + offset, m.column + 1, "syntax",
                                     f"anchors and aliases (&{ev.anchor}) are not allowed in a journal"))
                if len(stack) >= MAX_DEPTH:
                    return None, problems + [(m.line + 1 + offset, m.column + 1, "syntax",
                                              f"nesting deeper than {MAX_DEPTH} levels")]
                stack.append([cls is MappingStartEvent, [], m.line + 1 + offset, m.column + 1, ev.flow_style])
                continue
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                is_map, items, line, col, flow = stack.pop()
                if flow and has_hash:
                    # `tags: [advice] #private` or `- {…, tags: [advice]} #private`: a comment, so the
                    # tag that keeps an entry out of a share would be lost unsaid.  Any other '#word'
                    # after a bracket is taken for the comment it is (`with: [sam] #todo`)
                    e = ev.end_mark
                    rest = after(e)
                    cut = _PRIVATE_CUT.match(rest)
                    if cut is not None:   # (the match ends just after the '#')
                        problems.append((e.line + 1 + offset, e.column + cut.end(), "value",
                                         f"YAML reads '{rest.strip()[:30]}' after the closing bracket as a "
                                         "comment, so nothing here is tagged private: put private in the tags "
                                         "(tags: [advice, private])"))
                if is_map:
                    pairs = []
                    for i in range(0, len(items) - 1, 2):
                        k = items[i]
                        if not isinstance(k, YScalar):
                            problems.append((k.line, k.col, "syntax", "a key must be a plain word"))
                            continue
                        pairs.append((k, items[i + 1]))
                    node = YMap(tuple(pairs), line, col)
                else:
                    node = YSeq(tuple(items), line, col)
            elif cls is AliasEvent:
                m = ev.start_mark   # an alias would repeat another value: the file is not read further
                return None, problems + [(m.line + 1 + offset, m.column + 1, "syntax",
                                          f"anchors and aliases (*{ev.anchor}) are not allowed in a journal")]
            elif cls is DocumentStartEvent:
                docs += 1
                if docs > 1:
                    m = ev.start_mark
                    return None, problems + [(m.line + 1 + offset, m.column + 1, "syntax",
                                              "only one YAML document per file (remove the second '---')")]
                continue
            else:
                continue
            if stack:
                stack[-1][1].append(node)
            else:
                root = node
    except MarkedYAMLError as exc:
        return None, problems + [_syntax_problem(exc, offset, text)]
    except YAMLError as exc:
        return None, problems + [(1 + offset, 1, "syntax", f"YAML error: {exc}")]
    if isinstance(root, YScalar) and root.tag == "null":
        return None, problems  # an empty document ('---' alone, or '~'): nothing in it, like an empty file
    return root, problems


_OPENS_QUOTE = re.compile(r"""^\s*(?:-\s+)?[^\s#'"][^:#]*:\s+(["'])""")


def _closes(rest: str, q: str) -> bool:
    """Does `rest` (what follows an opening quote on its line) close the quote `q`?"""
    if q == "'":
        return "'" in rest.replace("''", "")        # '' is a quote inside single quotes
    i = 0
    while i < len(rest):
        if rest[i] == "\\":                          # \" and \\ are escapes inside double quotes
            i += 2
            continue
        if rest[i] == '"':
            return True
        i += 1
    return False


def _error_line(text: str) -> int | None:
    """The 0-based line of the first YAML error in `text`, or None if it parses."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        for _ in YAML(typ="safe").parse(io.StringIO(text)):
            pass
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return mark.line if mark is not None else 0
    except YAMLError:
        return 0
    return None


def _unclosed_quote(text: str, first: int, error_line: int) -> tuple[int, int, str] | None:
    """(line index, column index, quote) of a value in lines first..error_line-1 that opens a quote
    it does not close on its line, where closing it there gets YAML past `error_line`: the cause of
    that error.  (A quoted value that goes on over two lines on purpose, or a quote inside a block
    of text, is not blamed: closing it does not help.)"""
    lines = text.splitlines(keepends=True)
    tried = 0
    for i in range(max(first, 0), min(error_line, len(lines))):
        m = _OPENS_QUOTE.match(lines[i])
        if not m or _closes(lines[i][m.end():].rstrip("\r\n"), m.group(1)):
            continue
        fixed = lines[:i] + [lines[i].rstrip("\r\n") + m.group(1) + "\n"] + lines[i + 1:]
        after = _error_line("".join(fixed))
        if after is None or after > error_line:
            return i, m.start(1), m.group(1)
        tried += 1
        if tried == 3:      # a syntax error costs a few parses at most
            break
    return None


_NO_SPACE = re.compile(r"^[a-z_]+:[^\s/]")   # `with:priya`: a field with no space after its colon (not a URL)


def _not_key_value(said: str) -> str:
    """'… is not key: value', with the fix when it is a field missing the space after its colon."""
    hint = f"'{said}' is not 'key: value'" if said else "this line is not 'key: value'"
    return hint + (f" (put a space after the colon: {said.replace(':', ': ', 1)})" if _NO_SPACE.match(said) else "")


def _syntax_problem(exc, offset: int, text: str = "") -> tuple[int, int, str, str]:
    """A YAML syntax error where the user can fix it, in words that say how, where that is known."""
    mark = exc.problem_mark or exc.context_mark
    context, problem = str(exc.context or ""), str(exc.problem or "invalid YAML")
    start = exc.context_mark
    lines = text.splitlines()
    if "quoted scalar" in context and start is not None:
        # an unclosed quote is found only where the file (or the next quote) ends: point at its start
        opened = lines[start.line][start.column:start.column + 1] if start.line < len(lines) else ""
        q = opened if opened in ("'", '"') else '"'
        end = "the end of the file" if mark is None or "end of stream" in problem else f"line {mark.line + 1 + offset}"
        return (start.line + 1 + offset, start.column + 1, "syntax",
                f"YAML syntax error: the quote {q} opened here is not closed (the text runs on to {end})")
    line, col = (mark.line + 1 + offset, mark.column + 1) if mark else (1 + offset, 1)
    if "flow" in context and start is not None and mark is not None:
        # `tags: [advice, #private]`, `{name: Priya #1, level: peer}`: the comment hides the closing
        # bracket, and YAML stops lines later
        # (YAML's context mark is at the opening bracket or, for a flow node, where it gave up)
        first = start.line if start.line < mark.line else max(mark.line - 50, 0)
        depth = 0   # brackets open before each line's comment, from `first` on
        for i in range(first, min(mark.line, len(lines) - 1) + 1):
            at = _comment_at(lines[i])
            before = lines[i] if at is None else lines[i][:at]
            depth = max(depth + before.count("[") + before.count("{") - before.count("]") - before.count("}"), 0)
            # only a comment that hid something: a closing bracket, or a '#word' meant as text
            # (`[advice,   # the main one` is a comment as meant, and the ']' is missing elsewhere)
            hid = at is not None and ("]" in lines[i][at:] or "}" in lines[i][at:] or _CUT.match(" " + lines[i][at:]))
            if hid and depth > 0:
                return (i + 1 + offset, at + 1, "syntax",
                        "YAML syntax error: ' #' starts a comment, which hides the rest of the line "
                        "and its closing bracket; put a text with '#' in quotes")
    if "simple key" in context and start is not None and text:
        # `with:priya` is one word to YAML, and the line after is where it gives up
        said = lines[start.line][start.column:].strip() if start.line < len(lines) else ""
        return start.line + 1 + offset, start.column + 1, "syntax", f"YAML syntax error: {_not_key_value(said)}"
    if mark is not None and text:
        # a quote opened on an earlier line runs on and ends at some later quote, where YAML stops
        first = start.line if start is not None and start.line < mark.line else max(mark.line - 200, 0)
        found = _unclosed_quote(text, first, mark.line)
        if found is not None:
            i, c, q = found
            return (i + 1 + offset, c + 1, "syntax",
                    f"YAML syntax error: the quote {q} opened here is not closed on its line "
                    f"(YAML reads on to line {mark.line + 1 + offset}, where it stops: {problem})")
    if mark is not None and "mapping values are not allowed" in problem:
        # `- date:2026-11-24` on the line above: one word to YAML, so the next key has no mapping
        prev = next((i for i in range(min(mark.line, len(lines)) - 1, -1, -1) if lines[i].strip()), None)
        said = lines[prev].strip().removeprefix("- ").strip() if prev is not None else ""
        if _NO_SPACE.match(said):
            return prev + 1 + offset, lines[prev].index(said) + 1, "syntax", f"YAML syntax error: {_not_key_value(said)}"
    if mark is not None and mark.line < len(lines) and "expected key" in problem:
        # a quoted value that ends early: `'Priya's deck'` or `"Reviewed" her deck`
        m = _OPENS_QUOTE.match(lines[mark.line])
        if m and mark.column > m.end():
            q = m.group(1)
            fix = ("inside '...', write an apostrophe as '' (or quote the text with \"...\")" if q == "'"
                   else "the text goes on after its closing quote: put all of it inside the quotes")
            return (mark.line + 1 + offset, m.start(1) + 1, "syntax", f"YAML syntax error: {fix}")
    msg = f"{context}: {problem}" if context else problem
    if "mapping values are not allowed" in problem and mark is not None:
        before = lines[mark.line][:mark.column] if mark.line < len(lines) else ""
        if re.search(r":\s", before):      # a second ': ' on the line: text that YAML takes for a key
            msg += " (text with ': ' in it needs quotes, e.g. gave: \"Note: ...\")"
        else:                              # a key where none fits: usually its indentation
            msg += " (is this line indented like the keys above it?)"
            text_line = lines[mark.line] if mark.line < len(lines) else ""
            col = len(text_line) - len(text_line.lstrip()) + 1 if text_line.strip() else col
    return line, col, "syntax", f"YAML syntax error: {msg}"


def _comment_at(line: str) -> int | None:
    """The 0-based column of the '#' that starts a comment in `line` (outside quotes)."""
    quote = None
    for i in range(len(line)):
        c = line[i]
        if quote is not None:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
    return None


_ITEM = re.compile(r"-(?:[ \t]*(?:#.*)?$|[ \t]+(?:[\w-]+[ \t]*:|\{))")   # '- date: …', '- {…}', '-', '- # note'


def _entries_around(text: str, problems: list) -> tuple[YNode | None, list]:
    """The entries of a list file that a YAML syntax error stopped: each top-level item
    (`- key: …` at column 0) is read on its own, so that the other entries' problems are
    reported in the same run (YAML itself gives up at the first error).  An item that fails
    on its own is reported once: with YAML's whole-file message when that points into it (it
    may name a quote opened there), else with its own, kept inside the item.  When no item
    fails on its own, the error is between them, and YAML's message stands.  (None, problems)
    if the file is not such a list."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if _ITEM.match(line)]
    if len(starts) < 2 or any(line.strip() and not line.lstrip().startswith("#") for line in lines[:starts[0]]):
        return None, problems
    fatal, before = problems[-1], list(problems[:-1])
    items: list = []
    own: list = []       # (first, last) 0-based lines of each item that fails alone, and its problems
    for start, end in zip(starts, starts[1:] + [len(lines)]):
        root, more = compose_yaml("".join(lines[start:end]), offset=start)
        if isinstance(root, YSeq):
            items.extend(root.items)
        last = max((i for i in range(start, end) if lines[i].strip()), default=start)
        if root is None and any(k == "syntax" for _, _, k, _ in more):
            own.append((start, last, more))
        else:
            before += [q for q in more if q not in before]
    if not own:
        return YSeq(tuple(items), starts[0] + 1, 1), before + [fatal]
    out = before
    for start, last, more in own:
        if start + 1 <= fatal[0] <= last + 1:
            out.append(fatal)
            continue
        for line, col, kind, message in more:
            if line > last + 1:      # YAML's end of this item is the next item's first line
                line, col = last + 1, len(lines[last].rstrip("\r\n")) + 1
            if (line, col, kind, message) not in out:
                out.append((line, col, kind, message))
    return YSeq(tuple(items), starts[0] + 1, 1), out


def split_front_matter(text: str) -> tuple[str | None, int, str, int]:
    """(front matter or None, its first line, body, body's first line)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        return None, 1, text, 1
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n").rstrip() in ("---", "..."):
            return "".join(lines[1:i]), 2, "".join(lines[i + 1:]), i + 2
    return None, 1, text, 1


def parse_text(text: str, is_markdown: bool) -> ParsedFile:
    if not is_markdown:
        root, problems = compose_yaml(text)
        if root is None and problems and problems[-1][2] == "syntax":
            root, problems = _entries_around(text, problems)
        return ParsedFile(root, "", 1, tuple(problems), False)
    fm, fm_line, body, body_line = split_front_matter(text)
    if fm is None:
        opened = bool(text) and text.splitlines()[0].rstrip() == "---"   # as split_front_matter reads it
        why = ("its front matter opens with '---' on line 1 but is never closed: put '---' on a line of its "
               "own after the last 'key: value'") if opened else \
            "a Markdown journal file starts with front matter between two '---' lines"
        return ParsedFile(None, text, 1, ((1, 1, "file", why),), True)
    root, problems = compose_yaml(fm, offset=fm_line - 1)
    body = body.strip("\n")
    return ParsedFile(root, composed(body), body_line, tuple(problems), True)


def parse_bytes(data: bytes, is_md: bool) -> ParsedFile:
    """Parse a file's bytes (UTF-8, an optional BOM)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return ParsedFile(None, "", 1, ((line, col, "file", "the file is not valid UTF-8 text"),), is_md)
    return parse_text(text, is_md)


def read_bytes(path: Path) -> tuple[bytes | None, str]:
    """(bytes, '') or (None, why not)."""
    try:
        return path.read_bytes(), ""
    except OSError as exc:
        return None, f"cannot read the file: {exc.strerror}"


def parse_file(path: Path) -> ParsedFile:
    data, why = read_bytes(path)
    if data is None:
        return ParsedFile(None, "", 1, ((1, 1, "file", why),), is_markdown(path.name))
    return parse_bytes(data, is_markdown(path.name))


def is_markdown(name: str) -> bool:
    """A Markdown journal file (`.md` or `.markdown`, in any case), as opposed to a YAML one."""
    return name.lower().endswith((".md", ".markdown"))


def discover(folder: Path) -> list[Path]:
    """Every journal file below `folder` (`.yaml`, `.yml`, `.md`, in any case: `NOTES.MD` is not
    skipped without a word), hidden files and folders skipped, sorted."""
    found: list[Path] = []
    if not folder.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in filenames:
            if not name.startswith(".") and name.lower().endswith(JOURNAL_SUFFIXES):
                found.append(Path(dirpath) / name)
    return sorted(found)
