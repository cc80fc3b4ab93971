"""`reflect check` as a user meets it: exit codes, the JSON contract, the text
output, --strict, finding the project, the parse cache, and the catalogue
commands."""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest

from conftest import REPO_ROOT, check_json, make_project, position_of, run_cli
from reflect.console import Console
from reflect.rules import ALL_RULES

AS_OF = "2026-11-27"
PEOPLE = "priya: {name: Priya Shah, level: peer}\nsam: {name: Sam Okafor, level: senior}\n"
ANSI = re.compile(r"\x1b\[")


@pytest.fixture
def example(tmp_path) -> Path:
    """A private copy of the example project at the repository root."""
    root = tmp_path / "example"
    shutil.copytree(REPO_ROOT / "journal", root / "journal")
    shutil.copy(REPO_ROOT / "reflect.yaml", root / "reflect.yaml")
    return root


def check(root: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(["check", "--project", str(root), "--as-of", AS_OF, *args])


# --- exit status ---------------------------------------------------------------------------------


def test_valid_journal_exits_0(example):
    code, out, err = check(example)
    assert code == 0 and err == "" and "journal is valid" in out


def test_journal_errors_exit_1(tmp_path):
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE,
                                   "journal/a.yaml": "- {date: 2026-11-02, with: pryia, gave: A}\n"})
    code, out, err = check(root)
    assert code == 1 and err == ""
    assert out.startswith("journal/a.yaml:1:")


@pytest.mark.parametrize("argv", [
    ["check", "--frobnicate"],
    ["check", "--format", "yaml"],
    ["check", "--strict", "error"],
    ["check", "--as-of", "2026-02-30"],
    ["check", "--as-of", "next week"],
    ["check", "--as-of", "0001-01-01"],
    ["check", "--as-of", "9999-12-31"],
    ["chekc"],
    [],
])
def test_usage_errors_exit_2_without_traceback(example, argv):
    code, out, err = run_cli(argv + (["--project", str(example)] if argv and argv[0] == "check" else []))
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    if argv:
        assert err.startswith("reflect: ") and out == ""


def test_project_without_a_journal_is_a_usage_error(tmp_path):
    (tmp_path / "empty").mkdir()
    code, out, err = run_cli(["check", "--project", str(tmp_path / "empty")])
    assert code == 2 and "no journal found" in err and out == ""
    code, out, err = run_cli(["check", "--project", str(tmp_path / "missing")])
    assert code == 2 and "no such folder" in err


def test_a_journal_folder_that_is_not_there_is_an_error_not_an_empty_valid_journal(example, tmp_path):
    # a typo in `journal:`: reported where it is written, with the folder it should have named
    cfg = example / "reflect.yaml"
    text = cfg.read_text().replace("journal: journal ", "journal: jornal  ")
    cfg.write_text(text)
    code, doc, _ = check_json(example)
    assert code == 1 and doc["findings"] == []
    (e,) = doc["errors"]
    assert (e["file"], e["line"], e["column"]) == ("reflect.yaml", *position_of(text, "jornal"))
    assert "'jornal' does not exist (did you mean 'journal'?)" in e["message"]
    # no `journal:` setting and the folder renamed: the folder that holds a people.yaml is named
    cfg.write_text(text.replace("journal: jornal", ""))
    (example / "journal").rename(example / "old-notes")
    code, out, err = check(example)
    assert code == 1 and "no 'journal' folder next to reflect.yaml (did you mean 'old-notes'?)" in out + err
    for argv in (["build", "--no-pdf", "--out", tmp_path / "site"], ["report", "-o", tmp_path / "r.pdf"]):
        code, _, err = run_cli([*argv, "--project", example, "--as-of", AS_OF])
        assert code == 1 and "no 'journal' folder" in err, err
    assert not (tmp_path / "site").exists() and not (tmp_path / "r.pdf").exists()


def test_add_and_done_refuse_a_misspelt_journal_instead_of_starting_a_second_one(example):
    cfg = example / "reflect.yaml"
    cfg.write_text(cfg.read_text().replace("journal: journal ", "journal: jornal  "))
    for argv in (["add", "person", "zoe", "--name", "Zoe", "--level", "peer"], ["add", "gave", "priya", "x"], ["done"]):
        code, out, err = run_cli([*argv, "--project", example, "--as-of", AS_OF])
        assert code == 1 and "'jornal' does not exist (did you mean 'journal'?)" in err, (argv, out, err)
        assert "reflect add" not in err.split("did you mean")[1].splitlines()[0]   # not told to start one there
    assert not (example / "jornal").exists()


def test_reflect_add_still_starts_a_journal_in_a_project_without_one(tmp_path):
    (tmp_path / "reflect.yaml").write_text("owner: Ada\n")
    code, out, err = run_cli(["add", "gave", "priya", "Reviewed her deck", "--new-person", "Priya Shah",
                              "--level", "peer", "--project", tmp_path, "--as-of", AS_OF])
    assert code == 0, err
    assert check(tmp_path)[0] == 0


def test_no_project_here_or_above_is_a_usage_error(tmp_path):
    from reflect.cli import find_project

    lonely = tmp_path / "a" / "b"
    lonely.mkdir(parents=True)
    if find_project(lonely) is not None:
        pytest.skip("a reflect project exists above the temporary folder")
    code, out, err = run_cli(["check"], cwd=lonely)
    assert code == 2 and "no journal found" in err


def test_internal_errors_say_so_and_point_to_debug(example, monkeypatch):
    import reflect.project

    def boom(*a, **k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(reflect.project, "findings", boom)
    code, out, err = check(example)
    assert code == 70 and "internal error" in err and "--debug" in err and "Traceback" not in err
    with pytest.raises(RuntimeError):
        check(example, "--debug")


def test_strict(example, tmp_path):
    code, doc, _ = check_json(example)
    severities = {f["severity"] for f in doc["findings"]}
    assert {"warning", "notice"} <= severities
    assert check(example, "--strict")[0] == 1
    assert check(example, "--strict", "warning")[0] == 1
    assert check(example, "--strict", "notice")[0] == 1

    # only notices: grand-gestures
    notices = make_project(tmp_path / "n", {
        "journal/people.yaml": "priya: {name: Priya Shah, level: peer}\n",
        "journal/a.yaml": ("- {date: 2026-11-24, with: priya, gave: Ran her offsite, size: large}\n"
                           "- {date: 2026-11-25, with: priya, asked: A review, outcome: pending}\n")})
    _, doc, _ = check_json(notices)
    assert {f["severity"] for f in doc["findings"]} == {"notice"}
    assert check(notices)[0] == 0, "findings alone never fail the check"
    assert check(notices, "--strict", "warning")[0] == 0
    assert check(notices, "--strict")[0] == 1
    # ... unless reflect.yaml raises the severity
    (notices / "reflect.yaml").write_text("rules: {grand-gestures: warning}\n")
    assert check(notices, "--strict", "warning")[0] == 1

    clean = make_project(tmp_path / "c", {
        "journal/people.yaml": "priya: {name: Priya Shah, level: peer}\n",
        "journal/a.yaml": ("- {date: 2026-11-24, with: priya, gave: Reviewed her deck}\n"
                           "- {date: 2026-11-25, with: priya, asked: A review, outcome: pending}\n")})
    _, doc, _ = check_json(clean)
    assert doc["findings"] == []
    assert check(clean, "--strict")[0] == 0


def test_a_folder_named_like_a_journal_file_is_just_a_folder(tmp_path):
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE,
                                   "journal/2026.yaml/11.yaml": "- {date: 2026-11-02, with: priya, gave: A}\n"})
    code, doc, err = check_json(root)
    assert (code, doc["errors"], err) == (0, [], "")
    assert [b["gives"] for b in doc["balances"]] == [1]


# --- the JSON contract (docs/check.md) -----------------------------------------------------------

ERROR_KEYS = {"file", "line", "column", "kind", "message"}
FINDING_KEYS = {"rule", "code", "severity", "people", "message", "lesson", "suggestion", "numbers", "evidence",
                "evidence_total"}
BALANCE_KEYS = {"person", "invested", "taken", "gives", "receipts", "asks", "last"}
ERROR_KINDS = {"syntax", "field", "value", "person", "file", "config"}


def test_json_findings_and_balances_follow_the_contract(example):
    code, doc, err = check_json(example)
    assert code == 0 and err == ""
    assert set(doc) == {"as_of", "errors", "findings", "balances"}
    assert doc["as_of"] == AS_OF and doc["errors"] == []
    people = set(re.findall(r"^([a-z0-9-]+):", (example / "journal/people.yaml").read_text(), re.M))
    rules = {r.id: r for r in ALL_RULES}
    assert doc["findings"]
    for f in doc["findings"]:
        assert set(f) == FINDING_KEYS
        rule = rules[f["rule"]]
        assert f["code"] == rule.code and f["lesson"] == rule.lesson
        assert f["severity"] in {"strength", "notice", "warning"}
        assert isinstance(f["people"], list) and set(f["people"]) <= people
        assert all(isinstance(f[k], str) and f[k] for k in ("message", "lesson", "suggestion"))
        for ev in f["evidence"]:
            assert set(ev) == {"file", "line"}
            lines = (example / ev["file"]).read_text().splitlines()
            assert 1 <= ev["line"] <= len(lines)
    order = {"strength": 0, "warning": 1, "notice": 2}
    ranks = [order[f["severity"]] for f in doc["findings"]]
    assert ranks == sorted(ranks), "strengths first, then warnings, then notices"
    assert doc["balances"]
    for b in doc["balances"]:
        assert set(b) == BALANCE_KEYS and b["person"] in people
        assert all(isinstance(b[k], (int, float)) and b[k] >= 0 for k in ("invested", "taken"))
        assert all(isinstance(b[k], int) for k in ("gives", "receipts", "asks"))
        assert b["last"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", b["last"])
    persons = [b["person"] for b in doc["balances"]]
    assert persons == sorted(persons)


def test_json_errors_follow_the_contract(tmp_path):
    root = make_project(tmp_path, {
        "reflect.yaml": "windw_weeks: 4\n",
        "journal/people.yaml": "priya: {name: Priya Shah, level: peeer}\n",
        "journal/a.yaml": "- {date: 2026-11-31, with: sam, gave: A, sise: small}\n- [\n",
        "journal/b.yaml": "- {date: 2026-11-02, with: priya, gave: A, public: yes}\n",
    })
    code, doc, err = check_json(root)
    assert code == 1 and err == ""
    assert set(doc) == {"as_of", "errors", "findings", "balances"}
    assert doc["findings"] == [] and doc["balances"] == []
    assert len(doc["errors"]) >= 4
    for e in doc["errors"]:
        assert set(e) == ERROR_KEYS
        assert e["kind"] in ERROR_KINDS
        assert isinstance(e["line"], int) and isinstance(e["column"], int) and e["line"] >= 1 and e["column"] >= 1
        assert (root / e["file"]).is_file() and "\\" not in e["file"]


def test_json_is_the_same_as_text(example):
    """The text summary counts the same findings the JSON lists."""
    _, doc, _ = check_json(example)
    code, out, _ = check(example)
    counts = {s: sum(1 for f in doc["findings"] if f["severity"] == s) for s in ("strength", "warning", "notice")}
    summary = out.strip().splitlines()[-1]
    assert f"{counts['strength']} strength" in summary and f"{counts['warning']} warning" in summary
    assert f"{counts['notice']} notice" in summary
    for f in doc["findings"]:
        assert f"{f['code']} {f['rule']}" in out


# --- text output ---------------------------------------------------------------------------------


def test_text_groups_strengths_first_and_explains_each_finding(example):
    code, out, err = check(example)
    heads = [out.index(h) for h in ("Strengths (", "Warnings (", "Notices (")]
    assert heads == sorted(heads)
    assert out.count("why: ") == out.count("next: ") >= 3
    assert "evidence: journal/" in out
    assert not ANSI.search(out)


def test_balances_table(example):
    code, out, _ = check(example, "--balances")
    assert code == 0 and "Balances 2026-09-05 .. 2026-11-27" in out and "Priya Nair" in out


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    class Tty(StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert Console(out=Tty()).color is True
    assert Console(out=StringIO()).color is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert Console(out=Tty()).color is False


# --- finding the project -------------------------------------------------------------------------


def test_project_is_found_from_a_subfolder_or_a_file(example, tmp_path):
    expected = check(example)
    code, out, err = run_cli(["check", "--as-of", AS_OF], cwd=example / "journal" / "2026")
    assert (code, out) == expected[:2]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, out, err = run_cli(["check", "--as-of", AS_OF, str(example / "journal" / "2026" / "11.yaml")],
                             cwd=elsewhere)
    assert (code, out) == expected[:2]


# --- the parse cache -----------------------------------------------------------------------------


def cache_files(root: Path) -> list[Path]:
    folder = root / ".reflect" / "cache"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def test_second_run_uses_the_cache_and_says_the_same(example):
    first = check(example, "--format", "json")
    assert cache_files(example), "the first run fills .reflect/cache"
    stamps = {p: p.stat().st_mtime_ns for p in cache_files(example)}
    second = check(example, "--format", "json")
    assert second == first
    assert {p: p.stat().st_mtime_ns for p in cache_files(example)} == stamps, "nothing re-written on a warm run"
    assert check(example, "--format", "json", "--no-cache") == first


def test_no_cache_writes_no_cache(example):
    check(example, "--no-cache")
    assert cache_files(example) == []


def test_editing_one_file_changes_the_result(example):
    _, before, _ = check_json(example)
    with open(example / "journal/2026/11.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n- {date: 2026-11-26, with: mei, gave: Sent her the pilot results, size: large}\n")
    _, after, _ = check_json(example)
    mei = lambda doc: next(b for b in doc["balances"] if b["person"] == "mei")  # noqa: E731
    assert mei(after)["invested"] == mei(before)["invested"] + 8
    _, fresh, _ = check_json(example, "--no-cache")
    assert after == fresh


def test_changing_people_yaml_revalidates_cached_files(example):
    assert check(example)[0] == 0
    people = example / "journal/people.yaml"
    text = people.read_text(encoding="utf-8")
    people.write_text(text.replace("\nmei:\n", "\nmei-tanaka:\n"), encoding="utf-8")
    code, doc, _ = check_json(example)
    assert code == 1
    assert any(e["kind"] == "person" and "'mei'" in e["message"] for e in doc["errors"])


def test_settings_and_people_from_the_cache_say_the_same_and_follow_edits(example):
    config, people = example / "reflect.yaml", example / "journal" / "people.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "halflife_days: 30\n", encoding="utf-8")
    people.write_text(people.read_text(encoding="utf-8").replace("  level: junior", "  level: juniour", 1),
                      encoding="utf-8")
    first = check(example)
    assert first[0] == 1
    assert re.search(r"^reflect\.yaml:\d+:1: error: unknown setting 'halflife_days' \(did you mean 'half_life_days'\?\)",
                     first[1] + first[2], re.M), first
    assert "'level' must be one of" in first[1] + first[2]
    stamps = {p: p.stat().st_mtime_ns for p in cache_files(example)}
    assert check(example) == first, "read from the cache: the same errors at the same places"
    assert {p: p.stat().st_mtime_ns for p in cache_files(example)} == stamps
    # each file's cached form follows its content: fix one, then the other
    config.write_text(config.read_text(encoding="utf-8").replace("halflife_days", "half_life_days"), encoding="utf-8")
    code, out, err = check(example)
    assert "halflife_days" not in out + err and "'level' must be one of" in out + err
    people.write_text(people.read_text(encoding="utf-8").replace("juniour", "junior"), encoding="utf-8")
    assert check(example)[0] == 0
    assert check(example) == check(example, "--no-cache")


def test_a_warm_check_reads_no_yaml(example):
    """Nothing changed: every file, reflect.yaml and people.yaml included, comes from the cache, so
    the YAML parser is never even imported (a fifth of a warm check on a large journal)."""
    assert check(example)[0] == 0
    probe = ("import sys; from reflect.cli import main; code = main(['check', '--project', sys.argv[1], "
             "'--as-of', '2026-11-27']); print('ruamel' in ' '.join(sys.modules)); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", probe, str(example)], capture_output=True, text=True,
                          cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("False"), done.stdout[-300:]


def _damaged(data: bytes, how: str, rng: random.Random) -> bytes:
    if how == "garbage":
        return rng.randbytes(200)
    if how == "empty":
        return b""
    if how == "truncated":
        return data[: len(data) // 2]
    # one byte changed in the middle: still a well-formed file, with one wrong value in it
    at = len(data) // 2
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated", "flipped"])
def test_a_corrupted_cache_is_ignored(example, damage):
    first = check(example, "--format", "json")
    files = cache_files(example)
    assert files
    healthy = {p: p.read_bytes() for p in files}
    rng = random.Random(damage)
    for p in files:
        p.write_bytes(_damaged(p.read_bytes(), damage, rng))
    start = time.perf_counter()
    assert check(example, "--format", "json") == first
    assert time.perf_counter() - start < 5, "a damaged cache costs no more than a cold run"
    assert {p: p.read_bytes() for p in cache_files(example)} == healthy, "the run mends the cache"
    # nothing wrong is served from it either, not even a note that the output does not show
    from reflect.project import load_project

    shutil.rmtree(example / ".reflect")
    check(example)
    for p in cache_files(example):
        p.write_bytes(_damaged(p.read_bytes(), damage, rng))
    assert load_project(example).journal == load_project(example, use_cache=False).journal


# --- the catalogue -------------------------------------------------------------------------------


def test_rules_lists_every_rule():
    code, out, err = run_cli(["rules"])
    assert code == 0
    for r in ALL_RULES:
        assert re.search(rf"^{r.code}\s+{re.escape(r.id)}\s+{r.severity.value}\b", out, re.M), r.id


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_explain_by_id_or_code(rule):
    by_id = run_cli(["explain", rule.id])
    assert by_id == run_cli(["explain", rule.code.lower()])
    code, out, _ = by_id
    assert code == 0
    assert rule.fires.strip().splitlines()[0].strip() in out
    assert rule.quiet.strip().splitlines()[-1].strip() in out
    for param in rule.params:
        assert param in out


def test_explain_unknown_rule_suggests(tmp_path):
    code, out, err = run_cli(["explain", "one-way-givng"])
    assert code == 2 and "did you mean 'one-way-giving'" in err


# --- the real process ------------------------------------------------------------------------------


def test_python_dash_m_reflect(example, tmp_path):
    env = {**os.environ, "NO_COLOR": "1"}
    ok = subprocess.run([sys.executable, "-m", "reflect", "check", "--project", str(example), "--as-of", AS_OF,
                         "--format", "json"], capture_output=True, text=True, env=env, timeout=60)
    assert ok.returncode == 0 and json.loads(ok.stdout)["errors"] == []
    bad = make_project(tmp_path / "bad", {"journal/people.yaml": PEOPLE, "journal/a.yaml": "- [\n"})
    res = subprocess.run([sys.executable, "-m", "reflect", "check", "--project", str(bad)], capture_output=True,
                         text=True, env=env, timeout=60)
    assert res.returncode == 1 and "Traceback" not in res.stderr and "journal/a.yaml:" in res.stdout


def test_errors_are_coloured_only_on_a_terminal_stream():
    from reflect.errors import Diagnostic, Source

    diags = [Diagnostic(Source("journal/a.yaml", 2, 9), "person", "unknown person 'x'")]
    out, err = StringIO(), StringIO()            # colour asked for, but stderr is a file (`2>log`)
    con = Console(out=out, err=err, color=True)
    con.error_lines(diags)
    assert err.getvalue() == "journal/a.yaml:2:9: error: unknown person 'x'\n"
    con.error_lines(diags, to_err=False)         # `reflect check`'s own report: colour as asked
    assert ANSI.search(out.getvalue()) and "error" in out.getvalue()


@pytest.mark.parametrize("argv, meant", [(["chek"], "'check'"), (["buidl"], "'build'"),
                                         (["check", "--format", "jsn"], "'json'"),
                                         (["check", "--as-off", "2026-11-27"], "'--as-of'")])
def test_a_mistyped_command_or_option_gets_a_did_you_mean(argv, meant):
    code, out, err = run_cli(argv)
    assert code == 2 and f"(did you mean {meant}?)" in err and "Traceback" not in err, err


def test_a_finding_with_many_entries_shows_the_latest_and_says_how_many(tmp_path):
    """21 gives to one person: the evidence is the latest 12 (the November ones, not September's),
    and every output says there were 21; six people in a finding are named five and '1 more'."""
    people = "".join(f"p{i}: {{name: Person {i}, level: peer}}\n" for i in range(6))
    gives = "".join(f"- {{date: 2026-11-{d:02d}, with: p0, gave: Give {d}}}\n" for d in range(1, 22))
    root = make_project(tmp_path, {"journal/people.yaml": people, "journal/2026.yaml": gives})
    code, doc, _ = check_json(root)
    (f,) = [f for f in doc["findings"] if f["people"] == ["p0"] and f["evidence_total"] > 12]
    lines = [e["line"] for e in f["evidence"]]
    assert len(lines) == 12 and f["evidence_total"] == 21
    assert lines == sorted(lines) and lines[-1] == 21, "the latest twelve, oldest first"
    code, out, _ = check(root)
    assert f"evidence (the latest 6 of 21): journal/2026.yaml:16," in out.replace("\n      ", " ")
    site = tmp_path / "site"
    assert run_cli(["build", "--no-pdf", "--project", str(root), "--as-of", AS_OF, "--out", str(site)])[0] == 0
    assert "Evidence (the latest 12 of 21 entries)" in (site / "weeks" / "2026-W47.html").read_text("utf-8")
    # on paper: the latest few references, and how many earlier
    import datetime as dt

    from reflect.build import PRINT_EVIDENCE, Site, print_html
    from reflect.project import load_project
    from reflect.report import week_report

    proj = load_project(root)
    when = dt.date.fromisoformat(AS_OF)
    paper = print_html(Site(proj, when).week_page(week_report(proj, "2026-W48", when), None, print_=True))
    latest = ", ".join(str(n) for n in range(22 - PRINT_EVIDENCE, 22))
    assert f"<code>journal/2026.yaml:{latest}</code> and {21 - PRINT_EVIDENCE} earlier" in paper


def test_a_finding_about_more_than_five_people_says_how_many_more(example):
    _, doc, _ = check_json(example)
    many = [f for f in doc["findings"] if len(f["people"]) > 5]
    assert many, "the example journal has a finding about six or more people"
    code, out, _ = check(example)
    for f in many:
        head = next(line for line in out.splitlines() if re.match(rf"\s+\S {f['code']} {f['rule']}\s", line))
        assert head.endswith(f" and {len(f['people']) - 5} more"), head


@pytest.mark.parametrize("argv, option", [(["explain", "R101", "--as-of", AS_OF], "--as-of"),
                                          (["rules", "--project", "D"], "--project")])
def test_an_option_of_other_commands_is_not_suggested_as_its_own_correction(argv, option):
    # 'reflect explain R101 --as-of …' once answered "(did you mean '--as-of'?)": the very option
    # given, which explain does not take; it says so, and which commands do take it
    code, out, err = run_cli(argv)
    assert code == 2 and out == "" and "Traceback" not in err
    assert "did you mean" not in err, err
    assert f"'reflect {argv[0]}' does not take {option}" in err and "check" in err
    assert f"run 'reflect {argv[0]} --help' for the options" in err


@pytest.mark.parametrize("argv, command, meant", [
    (["done", "1", "2"], "done", None),
    (["rules", "--formt", "markdown"], "rules", "'--format'"),
    (["check", "--as-off", AS_OF], "check", "'--as-of'"),
    ([f"--as-of={AS_OF}", "check"], "check", None),     # an option of check, given before it
])
def test_a_commands_argument_error_points_at_that_commands_help(argv, command, meant):
    code, out, err = run_cli(argv)
    assert code == 2 and out == ""
    assert f"run 'reflect {command} --help' for the options" in err, err
    if meant:
        assert f"(did you mean {meant}?)" in err
    else:
        assert "did you mean" not in err
    if argv[0].startswith("--as-of"):
        assert "(--as-of goes after the command: 'reflect check --as-of …')" in err
