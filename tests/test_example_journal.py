"""The example journal at the repository root is what a newcomer sees first:
valid, realistic, and showing every part of the format and a believable mix
of findings."""
from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter

import pytest

from conftest import REPO_ROOT, check_json, run_cli
from reflect.model import Act, Level, Outcome, iso_week
from reflect.project import load_project

AS_OF = "2026-11-27"


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(REPO_ROOT / "journal", root / "journal")
    shutil.copy(REPO_ROOT / "reflect.yaml", root / "reflect.yaml")
    return root


@pytest.fixture(scope="module")
def project(example):
    p = load_project(example, use_cache=False)
    assert [str(d) for d in p.diagnostics] == []
    return p


def test_check_is_valid_with_a_mix_of_findings(example):
    code, doc, err = check_json(example, as_of=AS_OF)
    assert code == 0 and doc["errors"] == [] and err == ""
    severities = Counter(f["severity"] for f in doc["findings"])
    assert severities["strength"] >= 1 and severities["warning"] >= 1 and severities["notice"] >= 1
    assert len({f["rule"] for f in doc["findings"]}) >= 6, "a believable variety of rules"
    code, out, _ = run_cli(["check", "--project", str(example), "--as-of", AS_OF])
    assert code == 0 and "journal is valid" in out


def test_the_repository_root_is_a_project(repo_root):
    code, out, err = run_cli(["check", "--as-of", AS_OF, "--no-cache"], cwd=repo_root)
    assert code == 0 and err == ""


def test_both_file_formats(project):
    paths = {e.source.path for e in project.journal.entries}
    assert any(p.endswith(".yaml") for p in paths) and any(p.endswith(".md") for p in paths)
    md = [(REPO_ROOT / p).read_text(encoding="utf-8") for p in paths if p.endswith(".md")]
    assert any("\nentries:" in t for t in md) and any("\nentries:" not in t for t in md), \
        "a Markdown file with one entry and one with a list"
    assert any(e.note for e in project.journal.entries if e.source.path.endswith(".md"))
    yaml_text = "".join((REPO_ROOT / p).read_text(encoding="utf-8") for p in paths if p.endswith(".yaml"))
    assert "\n- {" in yaml_text and "\n- date:" in yaml_text, "block and flow style entries"


def test_every_act_and_field(project):
    es = project.journal.entries
    assert {e.act for e in es} == set(Act)
    asks = {e.outcome for e in es if e.act is Act.ASKED and not e.planned}
    assert asks == {Outcome.HELPED, Outcome.DECLINED, Outcome.PENDING}
    promises = [e for e in es if e.act is Act.PROMISED]
    assert any(e.kept for e in promises) and any(e.dropped for e in promises) and any(e.due for e in promises)
    assert any(e.act is Act.THANKED and e.public for e in es) and any(e.act is Act.THANKED and not e.public for e in es)
    assert {e.size.value for e in es} == {"small", "medium", "large"}
    assert any(e.acknowledged == "public" for e in es) and any(e.acknowledged == "private" for e in es)
    assert any(len(e.people) > 1 for e in es) and any(e.tags for e in es)


def test_plans_reflections_and_coach_notes(project):
    as_of = dt.date.fromisoformat(AS_OF)
    plans = [e for e in project.journal.entries if e.planned]
    assert any(e.date > as_of for e in plans), "next week's plan"
    assert any(e.act is Act.ASKED for e in plans) and any(e.act is not Act.ASKED for e in plans)
    weeks = {r.week for r in project.journal.reflections}
    assert iso_week(as_of) in weeks and len(weeks) >= 2
    assert project.journal.coach_notes


def test_people_across_all_levels(project):
    people = project.journal.people
    assert 6 <= len(people) <= 12
    assert {p.level for p in people.values()} == set(Level)
    assert {p.alignment.value for p in people.values()} >= {"high", "low"}
    assert any(p.rhythm_days for p in people.values()) and any(p.aliases for p in people.values())
    used = {pid for e in project.journal.entries for pid in e.people}
    assert used == set(people), "everyone listed appears in the journal, and nobody else"


def test_at_least_twelve_weeks_up_to_the_report_week(project):
    as_of = dt.date.fromisoformat(AS_OF)
    done = [e.date for e in project.journal.entries if not e.planned]
    assert min(done) <= as_of - dt.timedelta(weeks=12)
    assert iso_week(max(d for d in done if d <= as_of)) == iso_week(as_of)
    weeks = {iso_week(d) for d in done}
    assert len(weeks) >= 12
