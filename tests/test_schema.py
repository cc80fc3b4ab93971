"""`reflect schema`: JSON Schemas that accept the example journal and reject bad input, like the loader."""
from __future__ import annotations

import io
import json

import pytest

from conftest import make_project, run_cli
from reflect import schema as schema_mod
from reflect.config import Config
from reflect.loader import ACTS, ALL_FIELDS, PERSON_FIELDS, load_journal
from reflect.source import split_front_matter

jsonschema = pytest.importorskip("jsonschema")


def yaml_data(text: str):
    """YAML -> plain data as a YAML language server sees it (dates stay strings)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import SafeConstructor

    class _Strings(SafeConstructor):  # a private subclass: add_constructor mutates the class
        pass

    _Strings.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)
    y = YAML(typ="safe", pure=True)
    y.Constructor = _Strings
    return y.load(io.StringIO(text))


def validator(name: str):
    doc = schema_mod.schemas()[name]
    jsonschema.Draft202012Validator.check_schema(doc)
    return jsonschema.Draft202012Validator(doc)


JOURNAL = validator("journal.schema.json")
PEOPLE = validator("people.schema.json")
# Editors' YAML language server validates with draft-07 rules whatever $schema says:
# the schemas must mean the same there.
JOURNAL_07 = jsonschema.Draft7Validator(schema_mod.journal_schema())
PEOPLE_07 = jsonschema.Draft7Validator(schema_mod.people_schema())


def errors(v, data) -> list[str]:
    return [e.message for e in v.iter_errors(data)]


def test_schemas_cover_the_loader_tables():
    entry = schema_mod.journal_schema()["$defs"]["entry"]
    assert list(entry["properties"]) == list(ALL_FIELDS)
    assert [alt["required"] for alt in entry["oneOf"]] == [[a] for a in ACTS]
    person = schema_mod.people_schema()["$defs"]["person"]
    assert list(person["properties"]) == list(PERSON_FIELDS)


def test_example_journal_validates(repo_root):
    folder = repo_root / "journal"
    checked = 0
    for path in sorted(folder.rglob("*.y*ml")):
        data = yaml_data(path.read_text(encoding="utf-8"))
        for v in ((PEOPLE, PEOPLE_07) if path.name == "people.yaml" else (JOURNAL, JOURNAL_07)):
            assert errors(v, data) == [], path
        checked += 1
    for path in sorted(folder.rglob("*.md")):
        fm, *_ = split_front_matter(path.read_text(encoding="utf-8"))
        data = yaml_data(fm)
        if "week" in data:  # a reflection or coach notes: not entries
            continue
        assert errors(JOURNAL, data.get("entries", [data])) == [], path
        assert errors(JOURNAL_07, data.get("entries", [data])) == [], path
        checked += 1
    assert checked >= 8


GOOD_PEOPLE = "priya: {name: Priya, level: peer}\nsam: {name: Sam, level: senior}\n"

BAD_ENTRIES = {
    "unknown field": "- {date: 2026-11-02, with: priya, gave: x, sise: large}",
    "no act": "- {date: 2026-11-02, with: priya}",
    "two acts": "- {date: 2026-11-02, with: priya, gave: x, received: y}",
    "no date": "- {with: priya, gave: x}",
    "no with": "- {date: 2026-11-02, gave: x}",
    "not a date": "- {date: 2026-13-02, with: priya, gave: x}",
    "date text": "- {date: next tuesday, with: priya, gave: x}",
    "due on gave": "- {date: 2026-11-02, with: priya, gave: x, due: 2026-11-09}",
    "outcome on gave": "- {date: 2026-11-02, with: priya, gave: x, outcome: helped}",
    "bad outcome": "- {date: 2026-11-02, with: priya, asked: x, outcome: maybe}",
    "bad size": "- {date: 2026-11-02, with: priya, gave: x, size: huge}",
    "public yes": "- {date: 2026-11-02, with: priya, gave: x, public: yes}",
    "with capital": "- {date: 2026-11-02, with: Priya, gave: x}",
    "kept and dropped": "- {date: 2026-11-02, with: priya, promised: x, kept: 2026-11-03, dropped: 2026-11-04}",
    "ack on ask without help": "- {date: 2026-11-02, with: priya, asked: x, acknowledged: public}",
    "ack on gave": "- {date: 2026-11-02, with: priya, gave: x, acknowledged: public}",
    "bad ack": "- {date: 2026-11-02, with: priya, received: x, acknowledged: loudly}",
    "a mapping": "date: 2026-11-02\nwith: priya\ngave: x\n",
    "empty with list": "- {date: 2026-11-02, with: [], gave: x}",
    "blank act": "- {date: 2026-11-02, with: priya, gave: '   '}",
}


@pytest.mark.parametrize("name", BAD_ENTRIES)
def test_bad_entries_rejected_by_schema_and_loader(tmp_path, name):
    text = BAD_ENTRIES[name] + "\n"
    assert errors(JOURNAL, yaml_data(text)), name
    assert errors(JOURNAL_07, yaml_data(text)), name
    root = make_project(tmp_path, {"journal/people.yaml": GOOD_PEOPLE, "journal/x.yaml": text})
    _, diags = load_journal(Config(root=root), use_cache=False)
    assert diags, f"the loader accepts '{name}' but the schema does not"


BAD_PEOPLE = {
    "no level": "priya: {name: Priya}",
    "no name": "priya: {level: peer}",
    "bad level": "priya: {name: Priya, level: boss}",
    "bad alignment": "priya: {name: Priya, level: peer, alignment: huge}",
    "unknown field": "priya: {name: Priya, level: peer, teem: x}",
    "id not a slug": "Priya Nair: {name: Priya, level: peer}",
    "not a mapping": "- priya",
    "blank name": "priya: {name: ' ', level: peer}",
}


@pytest.mark.parametrize("name", BAD_PEOPLE)
def test_bad_people_rejected_by_schema_and_loader(tmp_path, name):
    text = BAD_PEOPLE[name] + "\n"
    assert errors(PEOPLE, yaml_data(text)), name
    assert errors(PEOPLE_07, yaml_data(text)), name
    root = make_project(tmp_path, {"journal/people.yaml": text})
    _, diags = load_journal(Config(root=root), use_cache=False)
    assert diags, f"the loader accepts '{name}' but the schema does not"


def test_good_fixture_accepted():
    text = """\
- date: 2026-11-02
  with: [priya, sam]
  asked: Review the plan
  outcome: helped
  acknowledged: public
  size: medium
  tags: [a, b]
  note: |
    multi-line
- {date: 2026-11-03, with: priya, promised: x, due: 2026-11-10, kept: 2026-11-09, planned: false}
- {date: 2026-11-04, with: priya, received: y, acknowledged: private, public: true, tags: solo}
"""
    assert errors(JOURNAL, yaml_data(text)) == []
    assert errors(JOURNAL_07, yaml_data(text)) == []


def test_cli_writes_both_files(tmp_path):
    root = make_project(tmp_path, {"journal/people.yaml": GOOD_PEOPLE})
    code, out, err = run_cli(["schema", "--project", root])
    assert code == 0, err
    folder = root / ".reflect" / "schema"
    for name in ("journal.schema.json", "people.schema.json"):
        doc = json.loads((folder / name).read_text())
        jsonschema.Draft202012Validator.check_schema(doc)
        assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    code, out, _ = run_cli(["schema", "--project", root])
    assert out.count("unchanged") == 2


def test_cli_out_dir_and_stdout(tmp_path):
    code, _, err = run_cli(["schema", "--out", tmp_path / "s"])
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == ["journal.schema.json", "people.schema.json"]
    code, out, _ = run_cli(["schema", "--out", "-"])
    assert code == 0
    assert set(json.loads(out)) == {"journal.schema.json", "people.schema.json"}


def test_cli_without_project_says_how(tmp_path):
    code, _, err = run_cli(["schema"], cwd=tmp_path)
    assert code == 2 and "--out DIR" in err


def test_schema_out_under_a_file_is_a_usage_error(tmp_path):
    # once "internal error: NotADirectoryError … a bug in reflect" (exit 70)
    make_project(tmp_path, {"reflect.yaml": "owner: Me\n"})
    code, out, err = run_cli(["schema", "--out", "reflect.yaml/x"], cwd=tmp_path)
    assert code == 2 and out == "", err
    assert err == "reflect: cannot write --out reflect.yaml/x: reflect.yaml is a file, not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reflect.yaml"]


WITH_PEOPLE = GOOD_PEOPLE + "42: {name: Forty Two, level: peer}\n"


@pytest.mark.parametrize("with_, loader_takes_it", [
    ('"priya, sam"', True),          # docs/journal.md: ids separated by commas
    ("priya, sam", False),           # in a flow mapping the comma ends the value: 'sam' is a key
    ('"priya,,sam,"', True),         # empty parts are skipped
    ('", priya"', True),
    ('"priya,\\tsam"', True),
    ("[priya, sam]", True),
    ("priya", True),
    ("42", True),                    # an id of digits, which YAML reads as a number
    ("[42, priya]", True),
    ('""', False),
    ('"   "', False),
    ('","', False),
    ('" , "', False),
    ("[]", False),
    ("~", False),
    ('"Priya, sam"', False),
    ('"priya sam, x"', False),
    ('["priya, sam"]', False),       # a list's items are single ids
    ('" priya "', False),            # without a comma the string is one id, as written
])
def test_schema_and_loader_agree_on_every_form_of_with(tmp_path, with_, loader_takes_it):
    # once the schema refused `with: "priya, sam"`, which the docs show and check accepts
    text = f"- {{date: 2026-11-02, with: {with_}, gave: x}}\n"
    root = make_project(tmp_path, {"journal/people.yaml": WITH_PEOPLE, "journal/x.yaml": text})
    _, diags = load_journal(Config(root=root), use_cache=False)
    assert (not diags) == loader_takes_it, diags
    data = yaml_data(text)
    for v in (JOURNAL, JOURNAL_07):
        assert (errors(v, data) == []) == loader_takes_it, (with_, errors(v, data))


def test_with_in_a_block_mapping_may_list_ids_with_commas():
    text = "- date: 2026-11-02\n  with: priya, sam\n  gave: x\n"
    assert errors(JOURNAL, yaml_data(text)) == [] and errors(JOURNAL_07, yaml_data(text)) == []
