"""`reflect add`: append-only, atomic, validated, locked."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import make_project, run_cli
from reflect import add as add_mod
from reflect.config import Config
from reflect.loader import load_journal
from reflect.source import compose_yaml

PEOPLE = """\
# people
priya: {name: Priya Nair, level: peer, aliases: [Pri]}
sam:
  name: Sam Whitfield
  level: senior
marta: {name: Marta Okafor, level: senior}
"""

# A file full of comments, odd quoting and flow-style entries, no newline at the end.
ODD = """\
# November — odd but valid
#   with a comment block

- date: '2026-11-02'   # quoted date
  with: "priya"
  gave: 'It''s a "quoted" thing: really'
  tags: [ a ,b ]   # spaced flow list

-   date: 2026-11-03
    with: [sam, marta]
    received: >
      folded text
      over lines
- {date: 2026-11-04, with: priya, asked: "x: y", outcome: helped}
# trailing comment without newline"""


def journal(root: Path):
    j, diags = load_journal(Config(root=root), use_cache=False)
    assert not diags, diags
    return j


def temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".reflect-tmp")]


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path, {"journal/people.yaml": PEOPLE, "journal/2026/11.yaml": ODD})


def test_append_keeps_every_existing_byte(project):
    path = project / "journal/2026/11.yaml"
    old = path.read_bytes()
    code, out, err = run_cli(["add", "gave", "priya", "Reviewed her deck", "--date", "2026-11-20",
                              "--project", project])
    assert code == 0, err
    new = path.read_bytes()
    assert new.startswith(old)
    assert new[len(old):] == b"\n\n- date: 2026-11-20\n  with: priya\n  gave: Reviewed her deck\n"
    assert "journal/2026/11.yaml:17" in out
    entries = journal(project).entries
    assert len(entries) == 4
    assert [e.what for e in entries if e.date == dt.date(2026, 11, 20)] == ["Reviewed her deck"]
    assert not temp_files(project)


def test_a_month_file_with_an_upper_case_suffix_is_the_one_appended_to(project):
    # check reads 11.YAML, so add appends to it rather than starting an 11.yaml beside it
    (project / "journal/2026/11.yaml").rename(project / "journal/2026/11.YAML")
    code, out, err = run_cli(["add", "gave", "priya", "Reviewed her deck", "--date", "2026-11-20", "--project", project])
    assert code == 0, err
    assert sorted(p.name for p in (project / "journal/2026").iterdir()) == ["11.YAML"]
    assert "Reviewed her deck" in (project / "journal/2026/11.YAML").read_text()


TRICKY = ["yes", "no", "on", "null", "~", "true", "12:30", "#hash", "a: b", "a #b", "- dash", "? q", ": c",
          "2026-11-27", "0777", "1e3", ".5", "+1", "0x1F", "@at", "`tick`", "%pct", "!bang", "&anchor", "*alias",
          "[list]", "{map}", "a, b", "Zoë – 日本語 🎉", "she said \"hi\" and 'bye'", "back\\slash", "end:",
          "tab\there", "nbsp\u00a0x", "line\u2028sep", "bell\x07", "'single'", '"double"', "|pipe", ">gt",
          "=", "<<", "ok plain text, with commas: fine"]


@pytest.mark.parametrize("what", TRICKY)
def test_tricky_strings_read_back(project, what):
    code, _, err = run_cli(["add", "thanked", "priya", what, "--date", "2026-11-21", "--tag", what.replace(",", ";"),
                            "--project", project])
    assert code == 0, err
    [e] = [e for e in journal(project).entries if e.date == dt.date(2026, 11, 21)]
    assert e.what == what.strip()
    assert e.tags == (what.replace(",", ";").strip(),)


def test_all_fields_read_back(project):
    note = "line one\n  indented: yes\n\n# not a comment\nlast"
    code, _, err = run_cli(["add", "asked", "sam,marta", "Budget sign-off", "--date", "2026-12-01", "--as-of", "2026-12-05",
                            "--size", "large", "--public", "--outcome", "helped", "--acknowledged", "private",
                            "--tag", "budget", "--tag", "q1,finance", "--note", note, "--project", project])
    assert code == 0, err
    [e] = [e for e in journal(project).entries if e.what == "Budget sign-off"]
    assert (e.people, e.act.value, e.what, e.size.value, e.public, e.outcome.value, e.acknowledged, e.tags,
            e.note) == (("sam", "marta"), "asked", "Budget sign-off", "large", True, "helped", "private",
                        ("budget", "q1", "finance"), note)
    text = (project / "journal/2026/12.yaml").read_text()
    assert text.startswith("# December 2026")
    assert "  note: |-\n    line one\n      indented: yes\n\n    # not a comment\n    last\n" in text


def test_promise_and_planned(project):
    code, _, err = run_cli(["add", "promised", "priya", "Intro to the data team", "--date", "2026-11-22",
                            "--due", "2026-12-05", "--planned", "--project", project])
    assert code == 0, err
    [e] = [e for e in journal(project).entries if e.date == dt.date(2026, 11, 22)]
    assert e.due == dt.date(2026, 12, 5) and e.planned


def test_date_defaults_to_as_of_and_new_year_folder(project):
    code, out, err = run_cli(["add", "gave", "priya", "New year", "--as-of", "2027-01-04", "--project", project])
    assert code == 0, err
    path = project / "journal/2027/01.yaml"
    assert path.read_text().startswith("# January 2027")
    assert "2027-01-04" in path.read_text()


@pytest.mark.parametrize("argv, message", [
    (["add", "gave", "pria", "x"], "did you mean 'priya'"),
    (["add", "gave", "Pri", "x"], "did you mean 'priya'"),              # by alias
    (["add", "gave", "Sam Whitfield", "x"], "did you mean 'sam'"),      # by name
    (["add", "gave", "priya,nobody", "x"], "unknown person 'nobody'"),
    (["add", "gave", "priya,,sam", "x"], "empty place between commas"),
    (["add", "promised", "priya", "x", "--date", "2026-11-20", "--due", "2026-11-02"],
     "--due 2026-11-02 is before the promise is made (2026-11-20)"),
    (["add", "gave", "priya", "x", "--due", "2026-12-01"], "--due belongs to 'promised'"),
    (["add", "received", "priya", "x", "--outcome", "helped"], "--outcome belongs to 'asked'"),
    (["add", "gave", "priya", "x", "--acknowledged", "public"], "--acknowledged belongs to"),
    (["add", "asked", "priya", "x", "--acknowledged", "public"], "needs --outcome helped"),
    (["add", "gvae", "priya", "x"], "did you mean 'gave'"),
    (["add", "gave", "priya"], "say what happened"),
    (["add", "gave", "priya", "x", "--team", "Eng"], "only goes with --new-person"),
    (["add", "gave", "priya", "x", "--name", "P"], "--name is for 'reflect add person'"),
    (["add", "person", "jo", "--name", "Jo", "--level", "peer", "--size", "large"], "--size does not apply"),
    (["add", "person", "Jo", "--name", "Jo", "--level", "peer"], "lower-case slug"),
    (["add", "person", "józef", "--name", "Józef", "--level", "peer"], "e.g. 'jozef'"),   # once 'j-zef'
    (["add", "gave", "Łucja Żak", "x", "--new-person", "Łucja Żak", "--level", "peer"], "e.g. 'lucja-zak'"),
    (["add", "person", "jo", "--name", "Jo"], "needs a level"),
    (["add", "person", "priya", "--name", "P", "--level", "peer"], "already in journal/people.yaml:2"),
    (["add", "person", "jo", "--name", "Jo", "--level", "peer", "--rhythm", "often"], "is not a rhythm"),
    (["add", "gave", "new-one", "x", "--new-person", "New One"], "needs a level"),
])
def test_refuses_bad_input_and_writes_nothing(project, argv, message):
    before = {p: p.read_bytes() for p in project.rglob("*.yaml")}
    code, out, err = run_cli(argv + ["--project", project])
    assert code == 2, (out, err)
    assert message in err
    assert {p: p.read_bytes() for p in project.rglob("*.yaml")} == before
    assert not (project / "journal/2026/12.yaml").exists()
    assert not temp_files(project)


def test_refuses_when_journal_already_invalid(project):
    bad = project / "journal/2026/10.yaml"
    bad.write_text("- date: 2026-10-01\n  with: priya\n  gave: x\n  sise: large\n")
    before = (project / "journal/2026/11.yaml").read_bytes()
    code, out, err = run_cli(["add", "gave", "priya", "x", "--date", "2026-11-20", "--project", project])
    assert code == 1
    assert "journal/2026/10.yaml:4:3" in err and "did you mean 'size'" in err
    assert "fix it first" in err
    assert (project / "journal/2026/11.yaml").read_bytes() == before


def test_refuses_when_result_would_be_invalid(project):
    # a document end marker: anything appended becomes a second YAML document
    path = project / "journal/2026/11.yaml"
    path.write_text(ODD + "\n...\n")
    before = path.read_bytes()
    code, out, err = run_cli(["add", "gave", "priya", "x", "--date", "2026-11-20", "--project", project])
    assert code == 1
    assert "would not be valid" in err and "journal/2026/11.yaml:" in err
    assert path.read_bytes() == before
    assert not temp_files(project)


def test_refuses_when_old_entries_would_change(project):
    # a keep-chomped block scalar at the end: an appended blank line would join the note
    path = project / "journal/2026/11.yaml"
    path.write_text("- date: 2026-11-02\n  with: priya\n  gave: x\n  note: |+\n    kept\n")
    before = path.read_bytes()
    code, _, err = run_cli(["add", "gave", "priya", "y", "--date", "2026-11-20", "--project", project])
    assert code == 1
    assert "would change existing entries" in err
    assert path.read_bytes() == before


def test_refuses_flow_list_and_mapping_files(project):
    (project / "journal/2026/flow.yaml").write_text("[{date: 2026-11-01, with: priya, gave: x}]\n")
    code, _, err = run_cli(["add", "gave", "priya", "y", "--file", "journal/2026/flow.yaml", "--project", project],
                           cwd=project)
    assert code == 2 and "flow-style list" in err
    code, _, err = run_cli(["add", "gave", "priya", "y", "--file", "journal/people.yaml", "--project", project],
                           cwd=project)
    assert code == 2 and "not a list of entries" in err
    code, _, err = run_cli(["add", "gave", "priya", "y", "--file", str(project / "elsewhere.yaml"),
                            "--project", project])
    assert code == 2 and "not inside the journal folder" in err


def test_file_option_and_indented_list(project):
    path = project / "journal/misc.yaml"
    path.write_text("  - date: 2026-11-01\n    with: priya\n    gave: indented list\n")
    code, _, err = run_cli(["add", "gave", "priya", "second", "--date", "2026-11-25", "--file", "misc.yaml",
                            "--project", project], cwd=project)
    assert code == 0, err
    assert path.read_text().endswith("\n\n  - date: 2026-11-25\n    with: priya\n    gave: second\n")
    assert {e.what for e in journal(project).entries if e.source.path == "journal/misc.yaml"} == \
        {"indented list", "second"}


def test_crlf_file_gets_crlf(project):
    path = project / "journal/2026/11.yaml"
    path.write_bytes(b"- date: 2026-11-02\r\n  with: priya\r\n  gave: x\r\n")
    old = path.read_bytes()
    assert run_cli(["add", "gave", "priya", "y", "--date", "2026-11-20", "--project", project])[0] == 0
    new = path.read_bytes()
    assert new.startswith(old) and b"\n" not in new.replace(b"\r\n", b"")


def test_crash_between_write_and_rename_leaves_old_file(project, monkeypatch):
    path = project / "journal/2026/11.yaml"
    before = path.read_bytes()
    real_replace = os.replace

    def crash(src, dst, *a, **kw):
        if Path(dst) == path:
            raise OSError(5, "simulated crash")
        return real_replace(src, dst, *a, **kw)

    monkeypatch.setattr(os, "replace", crash)
    code, _, err = run_cli(["add", "gave", "priya", "x", "--date", "2026-11-20", "--project", project])
    assert code == 1 and "simulated crash" in err and "nothing was written" in err
    assert path.read_bytes() == before
    assert not temp_files(project)
    assert not list((project / ".reflect").glob("as-if-*"))


def test_leftovers_of_a_killed_writer_are_swept(project):
    stale = project / "journal/2026/.11.yaml.abc123.reflect-tmp"
    stale.write_text("half a file")
    (project / ".reflect/as-if-old").mkdir(parents=True)
    assert run_cli(["add", "gave", "priya", "x", "--date", "2026-11-20", "--project", project])[0] == 0
    assert not stale.exists() and not (project / ".reflect/as-if-old").exists()


def test_new_month_file_removed_on_failure(project, monkeypatch):
    monkeypatch.setattr(os, "replace", lambda *a, **k: (_ for _ in ()).throw(OSError(5, "disk on fire")))
    code, _, _ = run_cli(["add", "gave", "priya", "x", "--date", "2031-02-03", "--planned", "--project", project])
    assert code == 1
    assert not (project / "journal/2031").exists()


def test_add_person_and_new_person(project):
    people = project / "journal/people.yaml"
    old = people.read_bytes()
    code, out, err = run_cli(["add", "person", "jo", "--name", "Jo: the one", "--level", "junior",
                              "--team", "R&D #1", "--alignment", "high", "--rhythm", "2 weeks",
                              "--alias", "Jo", "--alias", "yes", "--project", project])
    assert code == 0, err
    assert "journal/people.yaml:8" in out
    code, out, err = run_cli(["add", "gave", "lee", "Coffee", "--new-person", "Lee Wong", "--level", "peer",
                              "--date", "2026-11-20", "--project", project])
    assert code == 0, err
    assert people.read_bytes().startswith(old)
    j = journal(project)
    jo = j.people["jo"]
    assert (jo.name, jo.level.value, jo.team, jo.alignment.value, jo.rhythm_days, jo.aliases) == \
        ("Jo: the one", "junior", "R&D #1", "high", 14, ("Jo", "yes"))
    assert j.people["lee"].name == "Lee Wong"
    assert [e.people for e in j.entries if e.what == "Coffee"] == [("lee",)]


def test_git_diff_shows_only_added_lines(project):
    # (a file without a final newline gets one: git then shows its last line as changed)
    (project / "journal/2026/11.yaml").write_text(ODD + "\n")
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "start"]):
        subprocess.run([git, *cmd], cwd=project, check=True, env=env)
    assert run_cli(["add", "gave", "priya", "x", "--date", "2026-11-20", "--project", project])[0] == 0
    stat = subprocess.run([git, "diff", "--numstat"], cwd=project, capture_output=True, text=True, check=True)
    [(added, deleted, name)] = [line.split("\t") for line in stat.stdout.splitlines()]
    assert name == "journal/2026/11.yaml" and int(added) > 0 and deleted == "0"
    # and .reflect/ (lock, cache) stays out of git
    status = subprocess.run([git, "status", "--porcelain"], cwd=project, capture_output=True, text=True)
    assert ".reflect" not in status.stdout


def test_concurrent_adds_lose_nothing(project):
    n = 8
    procs = [subprocess.Popen([sys.executable, "-m", "reflect", "add", "gave", "priya", f"concurrent {i}",
                               "--date", "2026-11-2%d" % (i % 8 + 1), "--project", str(project)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(n)]
    results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in procs]
    assert all(code == 0 for code, _ in results), results
    whats = sorted(e.what for e in journal(project).entries if e.what.startswith("concurrent"))
    assert whats == sorted(f"concurrent {i}" for i in range(n))
    assert not temp_files(project)


# ---------------------------------------------------------------------------------- the emitter

def _read_back(value_text: str):
    root, problems = compose_yaml(f"k: {value_text}\n")
    assert not problems, (value_text, problems)
    [(_, node)] = root.pairs
    return node


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_scalar_reads_back_as_the_same_string(s):
    from reflect.source import composed

    node = _read_back(add_mod.scalar(s))
    assert node.value == composed(s)   # combining marks are read composed, as in any journal file
    assert node.tag == "str"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1), min_size=1, max_size=4))
def test_flow_list_reads_back(items):
    node = _read_back(add_mod.flow_list(items))
    assert [i.value for i in node.items] == items


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", "#", ":", "-", "\t", "é", "|", '"', "\r"]), min_size=1))
def test_multiline_text_reads_back(s):
    text = "k: " + add_mod._text_value(s, 0) + "\nnext: 1\n"
    root, problems = compose_yaml(text)
    assert not problems, (text, problems)
    assert root.pairs[0][1].value == s


def test_plain_when_unambiguous():
    assert add_mod.scalar("Reviewed her deck, twice") == "Reviewed her deck, twice"
    assert add_mod.scalar("yes") == '"yes"'
    assert add_mod.scalar("12:30") == '"12:30"'
    assert add_mod.flow_list(["a", "b c", "d,e"]) == '[a, b c, "d,e"]'


def test_adding_the_person_an_error_asks_for_is_allowed(project):
    (project / "journal/2026/10.yaml").write_text("- date: 2026-10-01\n  with: jo\n  gave: Coffee\n")
    code, _, err = run_cli(["check", "--project", project])
    assert code == 1 and "unknown person 'jo'" in err + _
    code, out, err = run_cli(["add", "person", "jo", "--name", "Jo Park", "--level", "junior", "--project", project])
    assert code == 0, err
    assert [e.people for e in journal(project).entries if e.what == "Coffee"] == [("jo",)]
    # any other error still stops it
    (project / "journal/2026/10.yaml").write_text("- date: 2026-10-01\n  with: lee\n  gave: Coffee\n  sise: large\n")
    code, _, err = run_cli(["add", "person", "lee", "--name", "Lee Wong", "--level", "peer", "--project", project])
    assert code == 1 and "did you mean 'size'" in err and "lee" not in (project / "journal/people.yaml").read_text()


def test_a_symlinked_month_file_is_written_through(project):
    store = project / "journal" / "_store"
    store.mkdir()
    month = project / "journal/2026/11.yaml"
    (store / "nov.yaml").write_bytes(month.read_bytes())
    month.unlink()
    month.symlink_to(Path("../_store/nov.yaml"))
    code, _, err = run_cli(["add", "gave", "priya", "Via the link", "--date", "2026-11-20", "--project", project])
    assert code == 0, err
    assert month.is_symlink()                                    # still the link
    assert "Via the link" in (store / "nov.yaml").read_text()     # the change is in the file it points to
    assert not temp_files(project)


def test_a_month_file_linked_from_outside_the_journal_is_written_through(project, tmp_path):
    store = tmp_path / "elsewhere"
    store.mkdir()
    month = project / "journal/2026/11.yaml"
    (store / "11.yaml").write_bytes(month.read_bytes())
    month.unlink()
    month.symlink_to(store / "11.yaml")
    code, _, err = run_cli(["add", "gave", "priya", "Kept elsewhere", "--date", "2026-11-20", "--project", project])
    assert code == 0, err
    assert month.is_symlink() and "Kept elsewhere" in (store / "11.yaml").read_text()
    code, _, err = run_cli(["add", "gave", "priya", "Named file", "--date", "2026-11-21", "--project", project,
                            "--file", month])
    assert code == 0, err
    assert month.is_symlink() and "Named file" in (store / "11.yaml").read_text()
