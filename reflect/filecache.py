"""Per-file cache of *validated* journal content, under `<project>/.reflect/cache/`.

The key is a hash of the file's bytes, its path, its kind and people.yaml's
bytes (person ids are validated against it), so any change to either re-reads
the file and nothing stale is ever served.  Values are flat tuples of str, int
and None written with `marshal` — several times faster to read than pickled
objects — and turned back into Entry objects on a hit.  A cache that cannot
be read or written is ignored: it only makes reflect slower, never wrong.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import os
import sys
from pathlib import Path

from reflect.errors import Diagnostic, Source
from reflect.model import Act, Entry, Outcome, Reflection, Size
from reflect.source import ParsedFile, YMap, YScalar, YSeq, parse_bytes

VERSION = b"reflect-filecache-4"
_ACT = {a.value: a for a in Act}
_SIZE = {s.value: s for s in Size}
_OUTCOME = {o.value: o for o in Outcome}
_ORD = dt.date.fromordinal


_CODE: list[bytes] = []


def code_signature() -> bytes:
    """A hash of the code that decides what a file means: a new reflect never reads an old verdict."""
    if not _CODE:
        import reflect.loader
        import reflect.model
        import reflect.source

        h = hashlib.blake2b(digest_size=16)
        for mod in (reflect.source, reflect.loader, reflect.model, sys.modules[__name__]):
            try:
                h.update(Path(mod.__file__).read_bytes())
            except (OSError, TypeError):
                h.update(repr(mod).encode())
        _CODE.append(h.digest())
    return _CODE[0]


def key_of(data: bytes, rel: str, kind: str, people_sig: bytes) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in (VERSION, code_signature(), rel.encode(), kind.encode(), people_sig, data):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def _o(d: dt.date | None):
    return d.toordinal() if d is not None else None


def encode(entries: list[Entry], reflections: list[Reflection], diags: list[Diagnostic]) -> bytes:
    es = tuple((e.date.toordinal(), e.people, e.act.value, e.what, e.source.line, e.source.col, e.size.value,
                e.public, e.tags, e.note, e.planned, e.outcome.value if e.outcome else None, _o(e.due), _o(e.kept),
                _o(e.dropped), e.acknowledged,
                e.act_source.line if e.act_source else 0, e.act_source.col if e.act_source else 0) for e in entries)
    rs = tuple((r.week, r.text, r.source.line, r.source.col, r.kind) for r in reflections)
    ds = tuple((d.source.line, d.source.col, d.kind, d.message) for d in diags)
    payload = marshal.dumps((es, rs, ds))
    return hashlib.blake2b(payload, digest_size=16).digest() + payload


def decode(blob: bytes, rel: str) -> tuple[list[Entry], list[Reflection], list[Diagnostic]]:
    # a checksum first: a damaged file is refused before marshal sees it (random bytes can make
    # marshal allocate gigabytes, and a flipped bit would otherwise be served as wrong data)
    digest, payload = blob[:16], blob[16:]
    if len(digest) != 16 or hashlib.blake2b(payload, digest_size=16).digest() != digest:
        raise ValueError("damaged cache entry")
    es, rs, ds = marshal.loads(payload)
    entries = []
    for (d, people, act, what, line, col, size, public, tags, note, planned, outcome, due, kept, dropped, ack,
         aline, acol) in es:
        entries.append(Entry(
            date=_ORD(d), people=people, act=_ACT[act], what=what, source=Source(rel, line, col),
            size=_SIZE[size], public=public, tags=tags, note=note, planned=planned,
            outcome=_OUTCOME[outcome] if outcome else None,
            due=_ORD(due) if due else None, kept=_ORD(kept) if kept else None,
            dropped=_ORD(dropped) if dropped else None, acknowledged=ack,
            act_source=Source(rel, aline, acol) if aline else None))
    refl = [Reflection(w, t, Source(rel, line, col), k) for w, t, line, col, k in rs]
    diags = [Diagnostic(Source(rel, line, col), k, m) for line, col, k, m in ds]
    return entries, refl, diags


def _flat(node):
    t = type(node)
    if t is YScalar:
        return (0, *node)
    if t is YMap:
        return (1, tuple((_flat(k), _flat(v)) for k, v in node.pairs), node.line, node.col)
    if t is YSeq:
        return (2, tuple(_flat(i) for i in node.items), node.line, node.col)
    return None


def _tree(flat):
    if flat is None:
        return None
    kind = flat[0]
    if kind == 0:
        return YScalar(*flat[1:])
    if kind == 1:
        return YMap(tuple((_tree(k), _tree(v)) for k, v in flat[1]), flat[2], flat[3])
    return YSeq(tuple(_tree(i) for i in flat[1]), flat[2], flat[3])


def parsed(data: bytes, rel: str, is_md: bool, cache_dir: Path | None, store: bool = True) -> ParsedFile:
    """`source.parse_bytes(data, is_md)`, read from the cache when this file was parsed before.

    For the files every run reads whole (people.yaml, reflect.yaml): their parsed tree is kept,
    not a verdict, because what they mean is decided by code that reads the tree (people are
    validated by the loader, settings against the rule catalogue).  A hit costs no YAML parser
    (and not its import).  `store=False` reads the cache but never writes it."""
    if cache_dir is None:
        return parse_bytes(data, is_md)
    key = key_of(data, rel, "tree-md" if is_md else "tree", b"")
    _USED.add(key)
    blob = get(cache_dir, key)
    if blob is not None:
        digest, payload = blob[:16], blob[16:]
        if len(digest) == 16 and hashlib.blake2b(payload, digest_size=16).digest() == digest:
            try:
                root, body, body_line, problems, md = marshal.loads(payload)
                return ParsedFile(_tree(root), body, body_line, problems, md)
            except (ValueError, EOFError, TypeError, IndexError):
                pass    # damaged: parse again, and mend it below
    result = parse_bytes(data, is_md)
    if store:
        payload = marshal.dumps((_flat(result.root), result.body, result.body_line, result.problems,
                                 result.is_markdown))
        put(cache_dir, key, hashlib.blake2b(payload, digest_size=16).digest() + payload)
    return result


# keys read in this process, which `prune` keeps: the trees of files read outside the journal's loop
_USED: set[str] = set()


def get(cache_dir: Path, key: str) -> bytes | None:
    try:
        with open(cache_dir / f"{key}.m", "rb") as fh:
            return fh.read()
    except OSError:
        return None


def put(cache_dir: Path, key: str, blob: bytes) -> None:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_dir / f".{key}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, cache_dir / f"{key}.m")
    except OSError:
        pass


def prune(cache_dir: Path, used: set[str]) -> None:
    """Drop entries this run did not use, once they clearly outnumber the live ones."""
    try:
        names = [n for n in os.listdir(cache_dir) if n.endswith(".m")]
    except OSError:
        return
    if len(names) <= 2 * len(used) + 16:
        return
    for n in names:
        if n[:-2] not in used and n[:-2] not in _USED:
            try:
                os.unlink(cache_dir / n)
            except OSError:
                pass
