"""Reading project files: discovery, YAML with positions, Markdown front matter.

This is the only module that touches ruamel.yaml.  Files are *composed*
(not constructed) with ruamel's C parser, so every scalar keeps its text,
its resolved tag and its 1-based line and column, and nothing is turned
into Python objects behind our back (an impossible date such as
2026-02-30 stays a string until the loader validates it with its position).

Composition is ~10x faster than ruamel's round-trip loader; parsed files are
also cached by content hash under `<project>/.reflect/cache/`, so a run
after a small change re-parses only the changed file.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
from pathlib import Path
from typing import NamedTuple, Union

CACHE_VERSION = "1"
JOURNAL_SUFFIXES = (".yaml", ".yml", ".md")
MAX_DEPTH = 20


class YScalar(NamedTuple):
    value: str
    tag: str  # "str", "int", "float", "bool", "null", "timestamp" or a custom tag
    line: int
    col: int


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


class _AliasError(Exception):
    def __init__(self, line: int, col: int):
        self.line, self.col = line, col


def _convert(node, seen: set, depth: int, offset: int, problems: list) -> YNode:
    """ruamel node -> plain tuples with 1-based positions; refuse aliases."""
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    mark = node.start_mark
    line, col = mark.line + 1 + offset, mark.column + 1
    if id(node) in seen:
        # the C composer hands back the anchored node again for an alias
        raise _AliasError(line, col)
    if depth > MAX_DEPTH:
        problems.append((line, col, "syntax", f"nesting deeper than {MAX_DEPTH} levels"))
        return YScalar("", "null", line, col)
    tag = node.tag
    if isinstance(node, MappingNode):
        seen.add(id(node))
        pairs = []
        for k, v in node.value:
            key = _convert(k, seen, depth + 1, offset, problems)
            if not isinstance(key, YScalar):
                problems.append((key.line, key.col, "syntax", "a key must be a plain word"))
                continue
            pairs.append((key, _convert(v, seen, depth + 1, offset, problems)))
        return YMap(tuple(pairs), line, col)
    if isinstance(node, SequenceNode):
        seen.add(id(node))
        return YSeq(tuple(_convert(i, seen, depth + 1, offset, problems) for i in node.value), line, col)
    seen.add(id(node))
    short = tag[len(_STD):] if tag.startswith(_STD) else tag
    return YScalar(node.value, short, line, col)


def compose_yaml(text: str, offset: int = 0) -> tuple[YNode | None, list]:
    """Compose one YAML document; returns (root, problems). Never raises on input."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    problems: list = []
    yaml = YAML(typ="safe")  # one instance per document: instances are not thread-safe
    try:
        node = yaml.compose(io.StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1 + offset, mark.column + 1) if mark else (1 + offset, 1)
        msg = str(exc.problem or "invalid YAML")
        if exc.context:
            msg = f"{exc.context}: {msg}"
        problems.append((line, col, "syntax", f"YAML syntax error: {msg}"))
        return None, problems
    except YAMLError as exc:
        problems.append((1 + offset, 1, "syntax", f"YAML error: {exc}"))
        return None, problems
    except RecursionError:
        problems.append((1 + offset, 1, "syntax", "the YAML is nested too deeply"))
        return None, problems
    if node is None:
        return None, problems
    try:
        root = _convert(node, set(), 0, offset, problems)
    except _AliasError as exc:
        # an alias: find the exact token (a slow pure scan, only on this rare path)
        if not _find_anchors(text, offset, problems):
            problems.append((exc.line, exc.col, "syntax",
                             "anchors and aliases (&name, *name) are not allowed in a journal"))
        return None, problems
    except RecursionError:
        problems.append((1 + offset, 1, "syntax", "the YAML is nested too deeply"))
        return None, problems
    return root, problems


def _find_anchors(text: str, offset: int, problems: list) -> bool:
    """Report the first alias token (else anchor) with its exact position."""
    from ruamel.yaml import YAML
    from ruamel.yaml.tokens import AliasToken, AnchorToken

    found = None
    try:
        for tok in YAML(typ="safe", pure=True).scan(io.StringIO(text)):
            if isinstance(tok, AliasToken):
                found = tok
                break
            if found is None and isinstance(tok, AnchorToken):
                found = tok
    except Exception:  # noqa: BLE001 - a scan failure was already reported by compose
        pass
    if found is None:
        return False
    sign = "*" if isinstance(found, AliasToken) else "&"
    m = found.start_mark
    problems.append((m.line + 1 + offset, m.column + 1, "syntax",
                     f"anchors and aliases ({sign}{found.value}) are not allowed in a journal"))
    return True


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
        return ParsedFile(root, "", 1, tuple(problems), False)
    fm, fm_line, body, body_line = split_front_matter(text)
    if fm is None:
        return ParsedFile(None, text, 1, ((1, 1, "file",
                          "a Markdown journal file starts with front matter between two '---' lines"),), True)
    root, problems = compose_yaml(fm, offset=fm_line - 1)
    return ParsedFile(root, body.strip("\n"), body_line, tuple(problems), True)


def parse_file(path: Path, cache_dir: Path | None) -> ParsedFile:
    """Parse one file, through the content-keyed cache when one is given."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ParsedFile(None, "", 1, ((1, 1, "file", f"cannot read the file: {exc.strerror}"),), False)
    is_md = path.suffix == ".md"
    key = None
    if cache_dir is not None:
        key = hashlib.blake2b(data, digest_size=20, person=b"reflect" + CACHE_VERSION.encode()).hexdigest()
        hit = cache_dir / f"{key}{'m' if is_md else 'y'}.pickle"
        try:
            with open(hit, "rb") as fh:
                return pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, TypeError):
            pass
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return ParsedFile(None, "", 1, ((line, col, "file", "the file is not valid UTF-8 text"),), is_md)
    parsed = parse_text(text, is_md)
    if key is not None:
        _store(cache_dir, f"{key}{'m' if is_md else 'y'}.pickle", parsed)
    return parsed


def _store(cache_dir: Path, name: str, parsed: ParsedFile) -> None:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_dir / f".{name}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            pickle.dump(parsed, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache_dir / name)
    except OSError:
        pass  # a cache that cannot be written is only slower


def discover(folder: Path) -> list[Path]:
    """Every journal file below `folder`, hidden files and folders skipped, sorted."""
    found: list[Path] = []
    if not folder.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in filenames:
            if not name.startswith(".") and name.endswith(JOURNAL_SUFFIXES):
                found.append(Path(dirpath) / name)
    return sorted(found)
