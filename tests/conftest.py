"""Shared fixtures: build a reflect project on disk, run the CLI in-process.

`make_project(tmp_path, files)` writes {relative path: text} under tmp_path
and returns tmp_path; `run_cli(argv, cwd=None)` calls `reflect.cli.main`
with a colourless in-memory console and returns (exit code, stdout, stderr).
Both are plain functions (importable from conftest) and fixtures.
"""
from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest

from reflect.console import Console

REPO_ROOT = Path(__file__).resolve().parents[1]


def make_project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """Write each {relative path: text or bytes} below tmp_path; return tmp_path."""
    root = Path(tmp_path)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run_cli(argv: list[str], cwd: Path | str | None = None) -> tuple[int, str, str]:
    """Run `reflect ARGV` in-process; (exit code, stdout, stderr). Restores the cwd."""
    from reflect.cli import main

    out, err = StringIO(), StringIO()
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        code = main([str(a) for a in argv], console=Console(out=out, err=err, color=False))
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(name="make_project")
def make_project_fixture():
    return make_project


@pytest.fixture(name="run_cli")
def run_cli_fixture():
    return run_cli


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


def check_json(root: Path, *args: str, as_of: str = "2026-11-27") -> tuple[int, dict, str]:
    """`reflect check --format json` on a project: (exit code, parsed JSON, stderr)."""
    import json

    code, out, err = run_cli(["check", "--project", str(root), "--as-of", as_of, "--format", "json", *args])
    return code, (json.loads(out) if out.strip() else {}), err


def position_of(text: str, token: str, nth: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the nth occurrence of `token` in `text`."""
    at = -1
    for _ in range(nth):
        at = text.index(token, at + 1)
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    return line, col


@pytest.fixture(name="check_json")
def check_json_fixture():
    return check_json
