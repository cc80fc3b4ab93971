"""YAML as text: what `reflect add` writes and the line edits `reflect done` makes.

Users' files are never re-dumped, so this module owns every byte reflect
writes into them.  The emitter renders a new entry (`NewEntry`) or person
(`NewPerson`) as block-style YAML: every scalar plain only when YAML would
read it back as the same string, else double-quoted; multi-line text as a
literal block scalar when that is exact.  `append_text` puts such a block
after a file's text in the file's own line endings.

The editors change a file's text by the positions the composer gives
(reflect.source): `Editor` rewrites a one-line value, drops a pair
(`planned: true`) or adds one (`kept: D`) in block or flow style, and keeps
every other line as it was.  Lines are counted the way YAML counts them.

Pure functions on strings: no files, no locks, no journal (that is
reflect.journal_write, and what a change should be is reflect.add).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Sequence

from reflect.source import YMap, YScalar, YSeq, parse_text


@dataclass(frozen=True)
class NewEntry:
    """An entry to write: the values as given (the act's name, ids, plain strings)."""
    date: dt.date
    people: tuple[str, ...]
    act: str
    what: str
    size: str | None = None
    public: bool = False
    planned: bool = False
    outcome: str | None = None
    acknowledged: str | None = None
    due: dt.date | None = None
    tags: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class NewPerson:
    """A person to write into people.yaml, as given."""
    id: str
    name: str
    level: str
    team: str | None = None
    alignment: str | None = None
    rhythm: str | None = None
    aliases: tuple[str, ...] = ()
    note: str = ""


# --------------------------------------------------------------------------------------------
# A tiny YAML emitter: block entries, every scalar plain only when that is unambiguous.

_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`=~")
_FLOW_CHARS = set(",[]{}?:")  # libyaml ends a plain scalar at ? and : inside [...]
_NUMBERISH = re.compile(r"[-+]?[0-9._:,a-fA-FxXoObB+-]*")
_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", ".inf", "-.inf", "+.inf", ".nan", "<<"}
_BREAKS = {0x85, 0x2028, 0x2029, 0xFEFF}


def _printable(o: int) -> bool:
    """YAML's printable set, minus the characters YAML 1.1 reads as line breaks and the BOM."""
    if o in _BREAKS:
        return False
    return (o == 0x09 or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD
            or 0x10000 <= o <= 0x10FFFF)


def plain_ok(s: str, flow: bool = False) -> bool:
    """True when `s` can be written as a plain scalar and reads back as the same string."""
    if not s or s != s.strip() or s[0] in _INDICATORS or s[-1] == ":":
        return False
    if ": " in s or " #" in s or "\t" in s or s.lower() in _WORDS:
        return False
    if not all(_printable(ord(c)) and c.isprintable() for c in s):
        return False
    if flow and any(c in _FLOW_CHARS for c in s):
        return False
    if s[0].isdigit() or s[0] in "+-.":
        if _NUMBERISH.fullmatch(s) or re.match(r"\d{4}-\d\d?-\d\d?", s):
            return False
    return True


def double_quoted(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif not _printable(o):
            out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def scalar(s: str, flow: bool = False) -> str:
    return s if plain_ok(s, flow) else double_quoted(s)


def flow_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(scalar(i, flow=True) for i in items) + "]"


def text_value(s: str, indent: int) -> str:
    """A value after 'key: ': one line, or a literal block scalar for multi-line text."""
    if "\n" not in s:
        return scalar(s)
    body = s[:-1] if s.endswith("\n") else s
    ok = (not s.endswith("\n\n") and body.strip() and "\r" not in s
          and all(_printable(ord(c)) for c in body.replace("\n", "")))
    if not ok:
        return double_quoted(s)
    head = "|" + ("2" if body[:1] in (" ", "\t", "\n") else "") + ("" if s.endswith("\n") else "-")
    pad = " " * (indent + 2)
    return head + "".join("\n" + (pad + line if line else "") for line in body.split("\n"))


def render_entry(e: NewEntry, indent: int = 0) -> str:
    """One entry as a block-style sequence item starting at column `indent`."""
    pairs: list[tuple[str, str]] = [("date", e.date.isoformat()),
                                    ("with", scalar(e.people[0]) if len(e.people) == 1 else flow_list(e.people)),
                                    (e.act, None)]
    if e.size:
        pairs.append(("size", e.size))
    if e.public:
        pairs.append(("public", "true"))
    if e.planned:
        pairs.append(("planned", "true"))
    if e.outcome:
        pairs.append(("outcome", e.outcome))
    if e.acknowledged:
        pairs.append(("acknowledged", e.acknowledged))
    if e.due:
        pairs.append(("due", e.due.isoformat()))
    if e.tags:
        pairs.append(("tags", flow_list(e.tags)))
    if e.note:
        pairs.append(("note", None))
    key_indent = indent + 2
    lines = []
    for i, (k, v) in enumerate(pairs):
        if v is None:
            v = text_value(e.what if k == e.act else e.note, key_indent)
        lines.append((" " * indent + "- " if i == 0 else " " * key_indent) + f"{k}: {v}")
    return "\n".join(lines) + "\n"


def render_person(p: NewPerson, indent: int = 0) -> str:
    key_indent = indent + 2
    lines = [" " * indent + scalar(p.id) + ":", f"{' ' * key_indent}name: {scalar(p.name)}",
             f"{' ' * key_indent}level: {p.level}"]
    for k in ("team", "alignment", "rhythm"):
        v = getattr(p, k)
        if v:
            lines.append(f"{' ' * key_indent}{k}: {scalar(v)}")
    if p.aliases:
        lines.append(f"{' ' * key_indent}aliases: {flow_list(p.aliases)}")
    if p.note:
        lines.append(f"{' ' * key_indent}note: {text_value(p.note, key_indent)}")
    return "\n".join(lines) + "\n"


def append_text(old: bytes, block: str) -> bytes:
    """`old` unchanged, then a blank line, then `block` (in the file's own line endings)."""
    eol = b"\r\n" if b"\r\n" in old else b"\n"
    data = block.replace("\n", eol.decode()).encode("utf-8")
    if not old.strip():
        return old + data if not old or old.endswith(b"\n") else old + eol + data
    sep = b"" if old.endswith((b"\n", b"\r")) else eol
    blank = b"" if (old + sep).endswith(eol + eol) else eol
    return old + sep + blank + data


# --------------------------------------------------------------------------------------------
# Lines and top nodes, and the line edits of reflect done (by the positions the composer gives)

_BREAK = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")


def split_lines(text: str) -> list[str]:
    """Lines with their line breaks, split the way YAML counts lines."""
    out, start = [], 0
    for m in _BREAK.finditer(text):
        out.append(text[start:m.end()])
        start = m.end()
    if start < len(text):
        out.append(text[start:])
    return out


def line_body(line: str) -> tuple[str, str]:
    """A line's text and its line break ("" on a last line without one)."""
    m = _BREAK.search(line)
    return (line[:m.start()], line[m.start():]) if m else (line, "")


def opens_flow(line: str, node: YMap | YSeq) -> bool:
    """True when `node`, which starts on `line`, is written in flow style ({...} or [...])."""
    return line[node.col - 1:node.col] == ("[" if isinstance(node, YSeq) else "{")


def top_node(text: str) -> tuple[YMap | YSeq | YScalar | None, bool]:
    """A YAML document's top node (None when there is none) and whether it is in flow style."""
    root = parse_text(text, False).root
    if root is None:
        return None, False
    return root, opens_flow(split_lines(text)[root.line - 1], root)


def find_map(node, line: int, col: int):
    """The mapping under `node` (itself included) that starts at `line`, `col`; None if there is none."""
    if isinstance(node, YMap):
        if (node.line, node.col) == (line, col):
            return node
        children = [v for _, v in node.pairs]
    elif isinstance(node, YSeq):
        children = list(node.items)
    else:
        return None
    for child in children:
        found = find_map(child, line, col)
        if found is not None:
            return found
    return None


def _matching_brace(text: str, start: int) -> int:
    """Index of the '}' closing the flow mapping that opens at text[start]; -1 if none."""
    depth, i, prev = 0, start, ""
    while i < len(text):
        ch = text[i]
        if ch in "\"'" and prev in "{[,:?" :
            q = ch
            i += 1
            while i < len(text):
                if q == '"' and text[i] == "\\":
                    i += 2
                    continue
                if text[i] == q:
                    if q == "'" and text[i + 1:i + 2] == "'":
                        i += 2
                        continue
                    break
                i += 1
        elif ch == "#" and (i == 0 or text[i - 1] in " \t\r\n"):
            while i < len(text) and text[i] not in "\r\n":
                i += 1
            continue
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return i
        if not ch.isspace():
            prev = ch
        i += 1
    return -1


class Editor:
    """Line-level edits of one file's text, by the positions the composer gives."""

    def __init__(self, text: str):
        self.lines = split_lines(text)

    def text(self) -> str:
        return "".join(self.lines)

    def _offset(self, line: int, col: int) -> int:
        return sum(len(x) for x in self.lines[:line - 1]) + col - 1

    def is_flow(self, node: YMap) -> bool:
        return opens_flow(self.lines[node.line - 1], node)

    def set_value(self, val: YScalar, new: str) -> bool:
        """Replace a one-line scalar's text (inside its quotes if quoted)."""
        body, eol = line_body(self.lines[val.line - 1])
        i = val.col - 1
        if body[i:i + 1] in ("'", '"'):
            i += 1
        if body[i:i + len(val.value)] != val.value:
            return False
        self.lines[val.line - 1] = body[:i] + new + body[i + len(val.value):] + eol
        return True

    def drop_pair(self, key: YScalar, val: YScalar, flow: bool) -> bool:
        """Remove `key: value` (a one-line plain value): the whole line in block style, the item in flow style."""
        if key.line != val.line:
            return False
        body, eol = line_body(self.lines[key.line - 1])
        k0, v1 = key.col - 1, val.col - 1 + len(val.value)
        if body[val.col - 1:v1] != val.value:
            return False
        before, after = body[:k0], body[v1:]
        if not flow:
            if before.strip() or not re.fullmatch(r"\s*(#.*)?", after):
                return False
            del self.lines[key.line - 1]
            return True
        m = re.search(r",[ \t]*$", before)
        if m:
            self.lines[key.line - 1] = before[:m.start()] + after + eol
            return True
        m = re.match(r"[ \t]*,[ \t]*", after)
        if m:
            self.lines[key.line - 1] = before + after[m.end():] + eol
            return True
        return False

    def add_pair(self, node: YMap, after_key: YScalar, text: str, flow: bool) -> bool:
        """Add `text` (e.g. 'kept: 2026-11-27') to a mapping: a new line after `after_key`'s value, or in braces."""
        if flow:
            full = self.text()
            start = self._offset(node.line, node.col)
            close = _matching_brace(full, start)
            if close < 0:
                return False
            j = close
            while j > start and full[j - 1] in " \t\r\n":
                j -= 1
            ins = f" {text}" if full[j - 1] == "," else f", {text}"
            self.lines = split_lines(full[:j] + ins + full[j:])
            return True
        indent = after_key.col - 1
        last = after_key.line - 1
        i = last + 1
        while i < len(self.lines):
            body, _ = line_body(self.lines[i])
            if not body.strip():
                i += 1
                continue
            if len(body) - len(body.lstrip(" ")) > indent:
                last = i
                i += 1
                continue
            break
        body, eol = line_body(self.lines[last])
        if not eol:
            eol = next((line_body(x)[1] for x in self.lines if line_body(x)[1]), "\n")
            self.lines[last] = body + eol
        self.lines.insert(last + 1, " " * indent + text + eol)
        return True
