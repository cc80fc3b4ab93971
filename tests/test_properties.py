"""Properties: any input gives a clean answer (exit 0 or 1, never a traceback);
valid journals round-trip through the loader; and the order of files and of
entries inside them never changes a result."""
from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO_ROOT, check_json, make_project, run_cli
from reflect.model import Act, Outcome, Size
from reflect.project import load_project
from reflect.source import composed

PEOPLE = "priya: {name: Priya Shah, level: peer}\nsam: {name: Sam Okafor, level: senior}\n"
VALID = """\
- date: 2026-11-23
  with: priya
  gave: Reviewed her Q1 roadmap deck
  tags: [advice]
- {date: 2026-11-24, with: sam, asked: Feedback on the plan, outcome: helped, size: medium}
- date: 2026-11-25
  with: [priya, sam]
  thanked: Called out the migration work at all-hands
  public: true
- {date: 2026-11-02, with: sam, promised: An intro, due: 2026-11-09, kept: 2026-11-08}
"""
VALID_MD = "---\ndate: 2026-11-18\nwith: priya\nthanked: Spotlight at all-hands\npublic: true\n---\nFive minutes.\n"
TARGETS = ["journal/2026/11.yaml", "journal/2026/2026-11-18-all-hands.md", "journal/people.yaml", "reflect.yaml",
           "journal/reflections/2026-W48.md"]
BASE = {"journal/people.yaml": PEOPLE, "journal/2026/11.yaml": VALID, "journal/2026/2026-11-18-all-hands.md": VALID_MD,
        "journal/reflections/2026-W48.md": "---\nweek: 2026-W48\n---\nA good week.\n"}

TOKENS = list("-:{}[],&*!|>'\"#%@`?~ \t\n") + [
    "date", "with", "gave", "asked", "promised", "thanked", "received", "outcome", "helped", "due", "kept",
    "week", "entries", "priya", "sam", "name", "level", "peer", "2026-11-02", "2026-02-30", "2026-W48", "true",
    "yes", "null", "1e400", "0x1F", ".inf", "---", "...", "\n- ", "\n  ", ": ", "&a ", "*a", "!!binary ", "!x ",
    "rules", "one-way-giving", "ratio", "away", "from", "to", "\ufeff", "\r\n", "\x00", "é", "日本", "😀",
]


def mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    for pos, kind, token in edits:
        at = pos % (len(text) + 1)
        if kind == 0:
            text = text[:at] + token + text[at:]
        elif kind == 1:
            text = text[:at] + text[at + len(token):]
        else:
            text = text[:at] + token + text[at + len(token):]
    return text


def contents(target: str):
    base = BASE.get(target, "")
    return st.one_of(
        st.text(max_size=300),
        st.lists(st.sampled_from(TOKENS), max_size=60).map("".join),
        st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 2), st.sampled_from(TOKENS)), min_size=1,
                 max_size=6).map(lambda edits: mutate(base, edits)),
        st.binary(max_size=200),
    )


def assert_clean_answer(root: Path, fmt: str, files: dict) -> None:
    code, out, err = run_cli(["check", "--project", str(root), "--as-of", "2026-11-27", "--format", fmt, "--no-cache"])
    assert code in (0, 1), (code, err)
    assert "Traceback" not in out + err and "internal error" not in err, err
    assert err == ""
    if fmt == "json":
        doc = json.loads(out)
        assert (code == 1) == bool(doc["errors"])
        for e in doc["errors"]:
            content = files[e["file"]]
            n_lines = (content.count(b"\n") if isinstance(content, bytes) else len(content.splitlines())) + 1
            assert 1 <= e["line"] <= n_lines and e["column"] >= 1, e


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_input_in_any_project_file_gets_a_clean_answer(data):
    target = data.draw(st.sampled_from(TARGETS), label="file")
    content = data.draw(contents(target), label="content")
    fmt = data.draw(st.sampled_from(["json", "text"]), label="format")
    files = {**BASE, target: content}
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp), files)
        assert_clean_answer(root, fmt, files)


# --- round trip ------------------------------------------------------------------------------------

# Text YAML can carry in a double-quoted scalar (json.dumps writes one): no raw control or
# line-separator characters, no surrogates or unassigned code points.
SAFE = st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn", "Zl", "Zp"), blacklist_characters="\ufeff")
TEXT = st.one_of(
    st.text(SAFE, max_size=40),
    st.text(st.one_of(SAFE, st.sampled_from("\t\n")), max_size=40),
    st.sampled_from(["true", "null", "~", "2026-11-02", "123", "1e3", "- a", "a: b", "[x]", "#", "&a", "*a", "'", '"',
                     "yes", "0x1F", ".inf", "", " ", "owes me"]),
)
# what an act or a name says: blank text is as empty as none (the loader refuses both)
SAID = TEXT.filter(lambda s: s.strip())
WORD = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
DATES = st.dates(dt.date(1900, 1, 1), dt.date(2999, 12, 31))


def q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


@st.composite
def people(draw):
    ids = draw(st.lists(WORD, min_size=1, max_size=5, unique=True))
    return {pid: (draw(SAID), draw(st.sampled_from(["senior", "peer", "junior", "external"])),
                  draw(st.sampled_from(["high", "medium", "low"]))) for pid in ids}


@st.composite
def entries(draw, ids: list[str]):
    e = {"date": draw(DATES),
         "with": tuple(draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))),
         "act": draw(st.sampled_from([a.value for a in Act])), "what": draw(SAID)}
    if draw(st.booleans()):
        e["size"] = draw(st.sampled_from(["small", "medium", "large"]))
    for flag in ("public", "planned"):
        if draw(st.booleans()):
            e[flag] = draw(st.booleans())
    if draw(st.booleans()):
        e["tags"] = tuple(draw(st.lists(WORD, max_size=3)))
    if draw(st.booleans()):
        e["note"] = draw(TEXT)
    if e["act"] == "asked" and draw(st.booleans()):
        e["outcome"] = draw(st.sampled_from(["helped", "declined", "pending"]))
    if e["act"] == "promised":
        for f in draw(st.sampled_from([(), ("due",), ("kept",), ("dropped",), ("due", "kept"), ("due", "dropped")])):
            # a promise is due, kept or dropped on or after the day it was made (the loader refuses otherwise)
            e[f] = draw(st.dates(e["date"], dt.date(2999, 12, 31)))
    if (e["act"] == "received" or e.get("outcome") == "helped") and draw(st.booleans()):
        e["acknowledged"] = draw(st.sampled_from(["public", "private"]))
    return e


def as_yaml(e: dict, flow: bool, single_with: bool) -> str:
    parts = [("date", e["date"].isoformat()),
             ("with", e["with"][0] if single_with and len(e["with"]) == 1 else "[" + ", ".join(e["with"]) + "]"),
             (e["act"], q(e["what"]))]
    for k in ("size", "outcome", "acknowledged"):
        if k in e:
            parts.append((k, e[k]))
    for k in ("public", "planned"):
        if k in e:
            parts.append((k, "true" if e[k] else "false"))
    for k in ("due", "kept", "dropped"):
        if k in e:
            parts.append((k, e[k].isoformat()))
    if "tags" in e:
        parts.append(("tags", "[" + ", ".join(e["tags"]) + "]"))
    if "note" in e:
        parts.append(("note", q(e["note"])))
    if flow:
        return "- {" + ", ".join(f"{k}: {v}" for k, v in parts) + "}\n"
    return "- " + "\n  ".join(f"{k}: {v}" for k, v in parts) + "\n"


def expected(e: dict, note: str | None = None) -> tuple:
    """What the loader reads for `e`: its text composed (a 'U' and a combining grave accent are
    read as 'Ù', docs/journal.md), everything else as written."""
    outcome = e.get("outcome", "pending") if e["act"] == "asked" else None
    return (e["date"], e["with"], e["act"], composed(e["what"]), e.get("size", "small"), e.get("public", False),
            tuple(composed(t) for t in e.get("tags", ())), composed(e.get("note", "") if note is None else note),
            e.get("planned", False), outcome, e.get("due"), e.get("kept"), e.get("dropped"), e.get("acknowledged"))


def loaded(x) -> tuple:
    return (x.date, x.people, x.act.value, x.what, x.size.value, x.public, x.tags, x.note, x.planned,
            x.outcome.value if x.outcome else None, x.due, x.kept, x.dropped, x.acknowledged)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_valid_journals_round_trip_through_the_loader(data):
    cast = data.draw(people(), label="people")
    ids = sorted(cast)
    es = data.draw(st.lists(entries(ids), max_size=12), label="entries")
    styles = data.draw(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=len(es), max_size=len(es)))
    n_files = data.draw(st.integers(1, 3))
    files: dict[str, str] = {"journal/people.yaml": "".join(
        f"{pid}:\n  name: {q(name)}\n  level: {level}\n  alignment: {al}\n" for pid, (name, level, al) in cast.items())}
    for i, (e, (flow, single)) in enumerate(zip(es, styles)):
        path = f"journal/part{i % n_files}.yaml"
        files[path] = files.get(path, "# generated\n") + as_yaml(e, flow, single)
    # and one Markdown entry whose body is its note
    md = data.draw(entries(ids), label="markdown entry")
    md.pop("note", None)
    body = data.draw(st.text(st.one_of(SAFE, st.just("\n")), max_size=80), label="body")
    fm = as_yaml(md, flow=False, single_with=True)[2:].replace("\n  ", "\n")
    files["journal/entry.md"] = f"---\n{fm}---\n{body}"

    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp), files)
        project = load_project(root, use_cache=False)
    assert [str(d) for d in project.diagnostics] == []
    assert {p.id: (p.name, p.level.value, p.alignment.value) for p in project.journal.people.values()} == \
        {pid: (composed(name), level, al) for pid, (name, level, al) in cast.items()}
    want = sorted([expected(e) for e in es] + [expected(md, note=body.strip("\n"))], key=repr)
    got = sorted((loaded(x) for x in project.journal.entries), key=repr)
    assert got == want


# --- order independence ---------------------------------------------------------------------------


def _chunks(text: str) -> list[str]:
    """A YAML journal file cut into its top-level entries (comments travel with the entry above)."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("- ")]
    out = ["".join(lines[a:b]) for a, b in zip(starts, starts[1:] + [len(lines)])]
    return [c if c.endswith("\n") else c + "\n" for c in out]


def _example_chunks() -> tuple[list[str], dict[str, str]]:
    chunks, others = [], {}
    for path in sorted((REPO_ROOT / "journal").rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(REPO_ROOT).as_posix()
        if path.suffix == ".yaml" and path.name != "people.yaml":
            chunks += _chunks(path.read_text(encoding="utf-8"))
        else:
            others[rel] = path.read_text(encoding="utf-8")
    return chunks, others


def _normalise(doc: dict, where: dict[tuple[str, int], str]) -> dict:
    """Evidence by entry content instead of FILE:LINE, which moves when entries move."""
    out = json.loads(json.dumps(doc))
    for f in out["findings"]:
        f["evidence"] = sorted(where.get((ev["file"], ev["line"]), f"{ev['file']}:{ev['line']}") for ev in f["evidence"])
    return out


def _write_shuffled(root: Path, rng: random.Random) -> dict[tuple[str, int], str]:
    chunks, others = _example_chunks()
    rng.shuffle(chunks)
    where: dict[tuple[str, int], str] = {}
    n = rng.randint(1, 7)
    names = [f"journal/{rng.choice(['', 'a/', 'b/c/', 'zz/'])}{rng.randrange(10**6):06d}-{i}.{rng.choice(['yaml', 'yml'])}"
             for i in range(n)]
    texts = {name: "# shuffled\n" for name in names}
    for chunk in chunks:
        name = rng.choice(names)
        line = texts[name].count("\n") + 1
        where[(name, line)] = chunk.strip()
        texts[name] += chunk
    for rel, text in others.items():
        if rel.endswith(".md") and "/reflections/" not in rel and "/coach/" not in rel:
            new = f"journal/{rng.choice(['', 'notes/', 'y/'])}{rng.randrange(10**6):06d}.md"
            for line in range(1, text.count("\n") + 2):
                where[(new, line)] = f"{rel}:{line}"
            rel = new
        texts[rel] = text
    shutil.copy(REPO_ROOT / "reflect.yaml", root / "reflect.yaml")
    make_project(root, texts)
    return where


def _identity() -> dict[tuple[str, int], str]:
    where: dict[tuple[str, int], str] = {}
    for path in (REPO_ROOT / "journal").rglob("*"):
        rel = path.relative_to(REPO_ROOT).as_posix()
        if path.suffix == ".yaml" and path.name != "people.yaml":
            text, line = path.read_text(encoding="utf-8"), 0
            lines = text.splitlines(keepends=True)
            for i, ln in enumerate(lines):
                if ln.startswith("- "):
                    where[(rel, i + 1)] = _chunks("".join(lines[i:]))[0].strip()
        elif path.suffix == ".md":
            for line in range(1, path.read_text(encoding="utf-8").count("\n") + 2):
                where[(rel, line)] = f"{rel}:{line}"
    return where


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("reference")
    shutil.copytree(REPO_ROOT / "journal", root / "journal")
    shutil.copy(REPO_ROOT / "reflect.yaml", root / "reflect.yaml")
    code, doc, err = check_json(root)
    assert code == 0 and doc["findings"]
    return _normalise(doc, _identity())


@pytest.mark.parametrize("seed", range(6))
def test_shuffling_files_and_entries_changes_no_result(reference, tmp_path, seed):
    where = _write_shuffled(tmp_path, random.Random(seed))
    code, doc, err = check_json(tmp_path)
    assert code == 0 and err == ""
    assert _normalise(doc, where) == reference


@pytest.mark.parametrize("seed", range(3))
def test_shuffling_changes_no_error(tmp_path, seed):
    """Errors move with their entries, but the same problems are found."""
    rng = random.Random(seed)
    bad = ["- {date: 2026-11-31, with: priya, gave: A}\n", "- {date: 2026-11-02, with: pryia, gave: B}\n",
           "- {date: 2026-11-03, with: sam, gave: C, sise: large}\n", "- {date: 2026-11-04, with: sam}\n",
           "- {date: 2026-11-05, with: sam, gave: D}\n"]
    def messages(files):
        root = make_project(Path(tempfile.mkdtemp(dir=tmp_path)), {"journal/people.yaml": PEOPLE, **files})
        code, doc, _ = check_json(root)
        return code, sorted(re.sub(r"line \d+", "line N", e["message"]) for e in doc["errors"])

    first = messages({"journal/a.yaml": "".join(bad)})
    rng.shuffle(bad)
    split = rng.randint(0, len(bad))
    assert messages({"journal/x/b.yaml": "".join(bad[:split]), "journal/c.yaml": "".join(bad[split:])}) == first


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab c-\t\n\u00a0é·")), max_size=140),
       width=st.integers(min_value=12, max_value=100),
       first=st.sampled_from(["", "    "]), rest=st.sampled_from(["", "      "]))
def test_check_output_wraps_exactly_like_textwrap(text: str, width: int, first: str, rest: str) -> None:
    # `reflect check` skips textwrap for lines that already fit: the text must not change
    import textwrap

    from reflect.cmd_check import _fill

    assert _fill(text, width, first, rest) == textwrap.fill(text, width=width, initial_indent=first,
                                                            subsequent_indent=rest)


@settings(max_examples=2000, deadline=None)
@given(x=st.one_of(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
                   st.integers(min_value=-10**9, max_value=10**9),
                   st.integers(min_value=-2000, max_value=2000).map(lambda n: n / 20),   # x.x5, x.x0, -0.0
                   st.booleans()))
def test_chart_numbers_are_the_value_rounded_to_one_decimal(x) -> None:
    # charts._n has short paths for float and int: every path writes the number the same way
    from reflect.charts import _n

    s = _n(x)
    reference = f"{float(x):.1f}"
    reference = reference[:-2] if reference.endswith(".0") else reference
    assert s == ("0" if reference == "-0" else reference)
    assert not s.endswith(".0") and s != "-0" and float(s) == round(float(x), 1)


@settings(max_examples=1000, deadline=None)
@given(xs=st.lists(st.one_of(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
                             st.integers(min_value=-10**6, max_value=10**6),
                             st.integers(min_value=-200, max_value=200).map(lambda n: n / 20)), max_size=12))
def test_chart_coordinates_in_bulk_read_like_one_at_a_time(xs) -> None:
    # lanes, labels and polylines format their numbers in one go (charts._ns): the same text as _n
    from reflect.charts import _n, _ns

    assert _ns(*xs) == [_n(x) for x in xs]
