"""`reflect init`: a new project that checks clean; never overwrites; idempotent."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import make_project, run_cli
from reflect import scaffold
from reflect.config import Config, load_config
from reflect.rules import CATALOG

TODAY = dt.date.today()
MONTH_FILE = f"journal/{TODAY.year:04d}/{TODAY.month:02d}.yaml"
CREATED = ["reflect.yaml", "journal/people.yaml", MONTH_FILE, "journal/reflections/.gitkeep", ".gitignore"]


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file outside .git/.reflect: bytes and mtime (ns)."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.is_file() and rel.parts[0] not in (".git", ".reflect"):
            out[rel.as_posix()] = (p.read_bytes(), p.stat().st_mtime_ns)
    return out


def test_init_empty_folder(tmp_path):
    root = tmp_path / "new"
    code, out, err = run_cli(["init", root, "--owner", "Alex Rivera"])
    assert code == 0, err
    for rel in CREATED:
        assert (root / rel).is_file(), rel
        assert f"created       {rel}" in out
    assert {"site/", "shared/", ".reflect/"} <= set((root / ".gitignore").read_text().split())
    assert TODAY.isoformat() in (root / MONTH_FILE).read_text()
    code, out, err = run_cli(["check", "--project", root])
    assert code == 0, out + err
    assert "journal is valid" in out


def test_config_shows_every_default_and_loads_clean(tmp_path):
    root = tmp_path
    run_cli(["init", root, "--owner", "O'Neil: #1", "--no-git"])
    config, diags = load_config(root, CATALOG)
    assert diags == []
    assert config == Config(root=root, owner="O'Neil: #1")
    text = (root / "reflect.yaml").read_text()
    for key in ("owner", "journal", "output", "week_start", "window_weeks", "default_rhythm", "sizes",
                "half_life_days", "paper", "away", "rules", "share"):
        assert re.search(rf"^{key}:", text, re.M), key
    for rule_id in CATALOG:
        assert rule_id in text
    assert "share:\n  coach: {people: pseudonyms, notes: false, reflection: true, coach: true}" in text


def test_commented_examples_load_clean(tmp_path):
    """Uncommenting the examples (away, rules) gives a config that still loads without errors."""
    lines = scaffold.config_text("Me").splitlines()
    blocks = {}
    for i, line in enumerate(lines):
        if line in ("#   away:", "#   rules:"):
            body = []
            for nxt in lines[i + 1:]:
                if not nxt.startswith("#     "):
                    break
                body.append(nxt[4:])
            blocks[line[4:]] = body
    assert set(blocks) == {"away:", "rules:"} and all(blocks.values())
    out = []
    for line in lines:
        key = line.split(" ")[0]
        out += [key, *blocks[key]] if key in blocks else [line]
    (tmp_path / "reflect.yaml").write_text("\n".join(out) + "\n")
    config, diags = load_config(tmp_path, CATALOG)
    assert diags == [], "\n".join(out)
    assert len(config.away) == 1 and len(config.rules) == 3
    assert any(not s.enabled for s in config.rules.values())
    assert any(s.params for s in config.rules.values())
    assert any(s.severity for s in config.rules.values())


def test_second_run_changes_nothing(tmp_path):
    root = tmp_path
    assert run_cli(["init", root, "--owner", "Me"])[0] == 0
    before = snapshot(root)
    code, out, err = run_cli(["init", root])
    assert code == 0, err
    assert snapshot(root) == before
    for rel in CREATED:
        assert f"exists, kept  {rel}" in out
    assert "nothing to do" in out


def test_existing_project_with_entries_gets_no_new_month_file(tmp_path, repo_root):
    root = tmp_path / "p"
    shutil.copytree(repo_root / "journal", root / "journal")
    shutil.copy(repo_root / "reflect.yaml", root / "reflect.yaml")
    before = snapshot(root)
    code, out, err = run_cli(["init", root, "--no-git"])
    assert code == 0, err
    after = snapshot(root)
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) == {"journal/reflections/.gitkeep", ".gitignore"} - set(before)
    assert MONTH_FILE not in after or MONTH_FILE in before
    assert "exists, kept  reflect.yaml" in out and "exists, kept  journal/people.yaml" in out


def test_unrelated_files_are_left_alone(tmp_path):
    root = make_project(tmp_path, {
        "notes.txt": "my notes\n",
        "src/app.py": "print('hi')\n",
        ".gitignore": "node_modules/\n",
        "journal/README.txt": "not a journal file\n",
    })
    before = snapshot(root)
    code, out, err = run_cli(["init", root, "--no-git"])
    assert code == 0, err
    after = snapshot(root)
    for rel, value in before.items():
        assert after[rel] == value, rel
    assert "exists, kept  .gitignore (consider adding site/, shared/ and .reflect/)" in out
    assert not (root / ".git").exists()
    assert run_cli(["check", "--project", root])[0] == 0


def test_custom_journal_folder_from_existing_config(tmp_path):
    root = make_project(tmp_path, {"reflect.yaml": "journal: notes/journal\n"})
    assert run_cli(["init", root, "--no-git"])[0] == 0
    assert (root / "notes/journal/people.yaml").is_file()
    assert not (root / "journal").exists()
    assert run_cli(["check", "--project", root])[0] == 0


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_init_only_outside_a_work_tree(tmp_path):
    root = tmp_path / "outer"
    code, out, _ = run_cli(["init", root])
    assert code == 0 and (root / ".git").is_dir() and "git init" in out
    inner = root / "inner"
    code, out, _ = run_cli(["init", inner])
    assert code == 0 and not (inner / ".git").exists()
    assert "already a git repository" in out
    status = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=root, capture_output=True, text=True)
    assert "reflect.yaml" in status.stdout


def test_no_git_flag(tmp_path):
    code, out, _ = run_cli(["init", tmp_path / "x", "--no-git"])
    assert code == 0 and not (tmp_path / "x/.git").exists()
    assert "git init" not in out and "repository" not in out


def test_git_missing_is_reported_and_init_continues(tmp_path, monkeypatch):
    monkeypatch.setattr(scaffold.shutil, "which", lambda name: None)
    code, out, _ = run_cli(["init", tmp_path / "y"])
    assert code == 0
    assert "git is not installed" in out
    assert (tmp_path / "y/reflect.yaml").is_file()


def test_refuses_a_file_as_folder(tmp_path):
    (tmp_path / "f").write_text("x")
    code, _, err = run_cli(["init", tmp_path / "f"])
    assert code == 2 and "not a folder" in err


def test_add_after_init(tmp_path):
    root = tmp_path
    run_cli(["init", root, "--no-git"])
    month = root / MONTH_FILE
    old = month.read_bytes()
    code, _, err = run_cli(["add", "gave", "alex-example", "Reviewed the plan", "--project", root])
    assert code == 0, err
    assert month.read_bytes().startswith(old)
    assert run_cli(["check", "--project", root])[0] == 0


def test_gitignore_keeps_shares_out_of_git(tmp_path):
    """`reflect share` writes to shared/ by default: a coach's copy is not part of the journal's history."""
    root = tmp_path / "p"
    code, _, err = run_cli(["init", root, "--owner", "Me", "--no-git"])
    assert code == 0, err
    assert "shared/" in (root / ".gitignore").read_text().splitlines()
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        (root / "shared").mkdir()
        (root / "shared" / "coach-2026-W48.pdf").write_bytes(b"%PDF-")
        ignored = subprocess.run(["git", "check-ignore", "-q", "shared/coach-2026-W48.pdf"], cwd=root)
        assert ignored.returncode == 0


def test_init_in_a_folder_under_a_file_is_a_usage_error(tmp_path):
    # once "internal error: NotADirectoryError … a bug in reflect" (exit 70)
    make_project(tmp_path, {"journal/people.yaml": "{}\n"})
    code, out, err = run_cli(["init", "journal/people.yaml/x", "--owner", "X", "--no-git"], cwd=tmp_path)
    assert code == 2 and out == "", err
    assert err == "reflect: cannot write journal/people.yaml/x: journal/people.yaml is a file, not a folder\n"
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")] == ["journal", "journal/people.yaml"]
