"""`reflect done`: list this week's plans and open promises; mark one done by editing only its lines."""
from __future__ import annotations

import datetime as dt
import difflib
import os
from pathlib import Path

import pytest

from conftest import make_project, run_cli
from reflect.config import Config
from reflect.loader import load_journal

PEOPLE = """\
priya: {name: Priya Nair, level: peer}
sam: {name: Sam Whitfield, level: senior}
"""

# Week 48 of 2026 runs from Monday 23 to Sunday 29 November.
ENTRIES = """\
# plans and promises in every layout reflect must edit in place
- date: 2026-11-24        # a block entry
  with: priya
  gave: Review her deck
  planned: true           # the plan
  tags: [homework]

- {date: 2026-11-25, with: sam, asked: "Budget: a quick yes?", planned: true, tags: [homework]}

- planned: true
  date: 2026-11-26
  with: sam
  thanked: Planned key first, on the dash line

- date: 2026-10-01
  with: priya
  promised: An intro to the data team
  due: 2026-11-01

- {date: 2026-10-02, with: sam, promised: 'Lend him, for a week, our analyst', due: 2026-12-01}

- promised: The act on the dash line
  with: priya
  date: 2026-10-03

- date: 2026-10-04
  with: sam
  promised: A long promise that is written
    over two lines as a plain scalar

# a comment between entries
- date: 2026-10-05
  with: priya
  promised: Already kept
  kept: 2026-10-20

- date: 2026-11-02
  with: priya
  gave: Not planned at all
"""

MARKDOWN = """\
---
date: 2026-11-27
with: priya
gave: Plan written in Markdown
planned: true
---
Some notes in the body.
"""

AS_OF = ["--as-of", "2026-11-27"]


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path, {"journal/people.yaml": PEOPLE, "journal/2026/plans.yaml": ENTRIES,
                                   "journal/2026/2026-11-27-plan.md": MARKDOWN})


def entries(root: Path):
    j, diags = load_journal(Config(root=root), use_cache=False)
    assert not diags, diags
    return j.entries


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) between two versions of a file."""
    removed, added = [], []
    for op in difflib.ndiff(old.splitlines(keepends=True), new.splitlines(keepends=True)):
        if op.startswith("- "):
            removed.append(op[2:])
        elif op.startswith("+ "):
            added.append(op[2:])
    return removed, added


def test_list(project):
    code, out, err = run_cli(["done", *AS_OF, "--project", project])
    assert code == 0, err
    assert "Planned for 2026-W48 (2026-11-23 .. 2026-11-29)" in out
    assert "Open promises" in out
    lines = [l.strip() for l in out.splitlines()]
    numbered = [l for l in lines if l[:2].rstrip(".").isdigit()]
    assert [l.split()[1] for l in numbered] == [
        "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27",       # this week's plans, by date
        "2026-10-03", "2026-10-04", "2026-10-01", "2026-10-02"]       # promises by due date (else date)
    assert "journal/2026/plans.yaml:2" in lines
    assert "journal/2026/2026-11-27-plan.md:2" in lines
    assert "(due 2026-11-01, overdue)" in out
    assert "Already kept" not in out and "Not planned" not in out


def test_list_empty(tmp_path):
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE})
    code, out, _ = run_cli(["done", *AS_OF, "--project", root])
    assert code == 0 and "nothing planned" in out


def _mark(project, item, *extra):
    path = project / "journal/2026/plans.yaml"
    old = path.read_text()
    code, out, err = run_cli(["done", item, *extra, *AS_OF, "--project", project])
    assert code == 0, err
    return old, path.read_text(), out


def test_block_plan_drops_only_the_planned_line(project):
    old, new, out = _mark(project, "1")
    assert changed_lines(old, new) == (["  planned: true           # the plan\n"], [])
    assert "done: gave priya — Review her deck" in out
    [e] = [e for e in entries(project) if e.what == "Review her deck"]
    assert not e.planned and e.date == dt.date(2026, 11, 24)


def test_block_plan_with_date(project):
    old, new, out = _mark(project, "journal/2026/plans.yaml:2", "--date", "2026-11-26")
    assert changed_lines(old, new) == (
        ["- date: 2026-11-24        # a block entry\n", "  planned: true           # the plan\n"],
        ["- date: 2026-11-26        # a block entry\n"])
    assert "done on 2026-11-26" in out


def test_flow_plan_removes_the_item_inside_braces(project):
    old, new, _ = _mark(project, "2", "--date", "2026-11-26")
    assert changed_lines(old, new) == (
        ['- {date: 2026-11-25, with: sam, asked: "Budget: a quick yes?", planned: true, tags: [homework]}\n'],
        ['- {date: 2026-11-26, with: sam, asked: "Budget: a quick yes?", tags: [homework]}\n'])
    [e] = [e for e in entries(project) if e.act.value == "asked"]
    assert (e.planned, e.date, e.tags) == (False, dt.date(2026, 11, 26), ("homework",))


def test_planned_key_on_the_dash_line_becomes_false(project):
    old, new, _ = _mark(project, "3")
    assert changed_lines(old, new) == (["- planned: true\n"], ["- planned: false\n"])
    [e] = [e for e in entries(project) if e.act.value == "thanked"]
    assert not e.planned


def test_markdown_plan(project):
    path = project / "journal/2026/2026-11-27-plan.md"
    old = path.read_text()
    code, _, err = run_cli(["done", "4", *AS_OF, "--project", project])
    assert code == 0, err
    assert changed_lines(old, path.read_text()) == (["planned: true\n"], [])


def test_block_promise_gets_kept_after_the_act(project):
    old, new, out = _mark(project, "7", "--date", "2026-11-20")
    assert changed_lines(old, new) == ([], ["  kept: 2026-11-20\n"])
    lines = new.splitlines()
    assert lines[lines.index("  promised: An intro to the data team") + 1] == "  kept: 2026-11-20"
    assert "kept on 2026-11-20" in out
    [e] = [e for e in entries(project) if e.what == "An intro to the data team"]
    assert e.kept == dt.date(2026, 11, 20)


def test_promise_kept_defaults_to_as_of(project):
    old, new, _ = _mark(project, "journal/2026/plans.yaml:17")
    assert changed_lines(old, new) == ([], ["  kept: 2026-11-27\n"])


def test_multiline_promise_gets_kept_after_its_last_line(project):
    old, new, _ = _mark(project, "journal/2026/plans.yaml:26")
    assert changed_lines(old, new) == ([], ["  kept: 2026-11-27\n"])
    lines = new.splitlines()
    assert lines[lines.index("    over two lines as a plain scalar") + 1] == "  kept: 2026-11-27"


def test_promise_on_the_dash_line(project):
    old, new, _ = _mark(project, "5")
    assert changed_lines(old, new) == ([], ["  kept: 2026-11-27\n"])
    lines = new.splitlines()
    assert lines[lines.index("- promised: The act on the dash line") + 1] == "  kept: 2026-11-27"


def test_flow_promise_gets_kept_inside_the_braces(project):
    old, new, _ = _mark(project, "8")
    assert changed_lines(old, new) == (
        ["- {date: 2026-10-02, with: sam, promised: 'Lend him, for a week, our analyst', due: 2026-12-01}\n"],
        ["- {date: 2026-10-02, with: sam, promised: 'Lend him, for a week, our analyst', due: 2026-12-01, "
         "kept: 2026-11-27}\n"])


def test_every_other_byte_is_identical(project):
    path = project / "journal/2026/plans.yaml"
    old = path.read_bytes()
    _mark(project, "1")
    new = path.read_bytes()
    cut = old.index(b"  planned: true           # the plan\n")
    assert new == old[:cut] + old[cut + len(b"  planned: true           # the plan\n"):]


@pytest.mark.parametrize("item, message", [
    ("99", "there is no item 99"),
    ("journal/2026/plans.yaml:37", "a gave entry that is not planned"),
    ("journal/2026/plans.yaml:32", "already kept on 2026-10-20"),
    ("journal/2026/plans.yaml:3", "no entry starts at"),
    ("banana", "neither a number"),
])
def test_refusals_change_nothing(project, item, message):
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and ".reflect" not in p.parts}
    code, out, err = run_cli(["done", item, *AS_OF, "--project", project])
    assert code == 2, (out, err)
    assert message in err
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and ".reflect" not in p.parts} == before


def test_kept_before_the_promise_is_refused(project):
    code, _, err = run_cli(["done", "7", "--date", "2026-09-01", *AS_OF, "--project", project])
    assert code == 2 and "cannot be kept on 2026-09-01" in err


@pytest.mark.parametrize("item", ["1", "7"])   # a plan and a promise
def test_a_date_after_today_is_refused_and_nothing_is_written(project, item):
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and ".reflect" not in p.parts}
    code, _, err = run_cli(["done", item, "--date", "2027-05-01", *AS_OF, "--project", project])
    assert code == 2 and "--date 2027-05-01 is after 2026-11-27" in err, err
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and ".reflect" not in p.parts} == before


def test_refused_when_journal_invalid(project):
    (project / "journal/2026/bad.yaml").write_text("- date: 2026-11-24\n  with: nobody\n  gave: x\n")
    code, _, err = run_cli(["done", "1", *AS_OF, "--project", project])
    assert code == 1 and "unknown person 'nobody'" in err


def test_crash_keeps_old_file(project, monkeypatch):
    path = project / "journal/2026/plans.yaml"
    old = path.read_bytes()
    real = os.replace

    def crash(src, dst, *a, **k):
        if Path(dst) == path:
            raise OSError(5, "simulated crash")
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", crash)
    code, _, err = run_cli(["done", "1", *AS_OF, "--project", project])
    assert code == 1 and "simulated crash" in err
    assert path.read_bytes() == old
    assert not [p for p in project.rglob("*") if p.name.endswith(".reflect-tmp")]


def test_crlf_file(tmp_path):
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE})
    path = root / "journal/p.yaml"
    path.write_bytes(b"- date: 2026-11-24\r\n  with: priya\r\n  promised: x\r\n")
    code, _, err = run_cli(["done", "1", *AS_OF, "--project", root])
    assert code == 0, err
    assert path.read_bytes() == b"- date: 2026-11-24\r\n  with: priya\r\n  promised: x\r\n  kept: 2026-11-27\r\n"


def test_file_without_final_newline(tmp_path):
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE})
    path = root / "journal/p.yaml"
    path.write_bytes(b"- date: 2026-11-24\n  with: priya\n  promised: x")
    code, _, err = run_cli(["done", "1", *AS_OF, "--project", root])
    assert code == 0, err
    assert path.read_bytes() == b"- date: 2026-11-24\n  with: priya\n  promised: x\n  kept: 2026-11-27\n"


def test_a_plan_done_ahead_of_its_day_is_done_today(project):
    # the Markdown plan is for Friday 27 November; marked done on Thursday 26, it happened then
    path = project / "journal/2026/2026-11-27-plan.md"
    code, out, err = run_cli(["done", "journal/2026/2026-11-27-plan.md:2", "--project", project, "--as-of", "2026-11-26"])
    assert code == 0, err
    assert "done on 2026-11-26" in out
    [e] = [e for e in entries(project) if e.what == "Plan written in Markdown"]
    assert not e.planned and e.date == dt.date(2026, 11, 26)
    assert "date: 2026-11-26\n" in path.read_text()
