"""Fixes from the code review that sit in the CLI, config, console and render stages."""
from __future__ import annotations

import gc
import io

from reflect.cli import main
from reflect.console import Console


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, Console(out=out, err=err, color=False))
    return code, out.getvalue(), err.getvalue()


def _project(tmp_path, config="", entries="- {date: 2026-11-20, with: priya, gave: Reviewed the deck}\n"):
    (tmp_path / "journal").mkdir(parents=True)
    (tmp_path / "journal" / "people.yaml").write_text("priya: {name: Priya Shah, level: peer}\n")
    (tmp_path / "journal" / "log.yaml").write_text(entries)
    (tmp_path / "reflect.yaml").write_text(config)
    return tmp_path


def test_fractional_or_zero_window_is_a_config_error(tmp_path):
    for bad in ("2.9", "0.5", "0"):
        root = _project(tmp_path / bad, f"window_weeks: {bad}\n")
        code, out, _ = _run(["check", "--project", str(root), "--as-of", "2026-11-27"])
        assert code == 1 and "reflect.yaml:1:15" in out, out


def test_absurd_rhythm_is_an_error_with_position(tmp_path):
    root = _project(tmp_path, "default_rhythm: 99999999999999999999 weeks\n")
    code, out, _ = _run(["check", "--project", str(root), "--as-of", "2026-11-27"])
    assert code == 1 and "reflect.yaml:1:17" in out and "rhythm" in out


def test_journal_text_cannot_drive_the_terminal(tmp_path):
    root = _project(tmp_path, entries='- {date: 2026-11-20, with: priya, gave: "Deck \\e]0;pwned\\a review"}\n'
                                      '- {date: 2026-11-21, with: priya, gave: "x", sise: "\\e[2J"}\n')
    code, out, err = _run(["check", "--project", str(root), "--as-of", "2026-11-27"])
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out and "\x1b" not in err


def test_the_cli_gives_in_process_callers_their_garbage_collector_back(tmp_path):
    root = _project(tmp_path)
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    _run(["check", "--project", str(root), "--as-of", "2026-11-27"])
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen   # what the command built stays collectable


def test_reflect_as_the_program_leaves_what_it_built_out_of_the_last_collection(tmp_path):
    # the interpreter's collection at exit walked every object of the command: ~40 ms of a report
    import subprocess
    import sys

    root = _project(tmp_path)
    code = ("import gc, sys; from reflect.cli import main; "
            f"sys.argv = ['reflect', 'check', '--project', {str(root)!r}, '--as-of', '2026-11-27']; "
            "before = gc.get_freeze_count(); code = main(); "
            "print(code, before == 0 and gc.get_freeze_count() > 10000)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-2:] == ["0", "True"], out.stdout + out.stderr


def test_any_error_in_a_users_template_names_the_template(tmp_path):
    root = _project(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "principles.html").write_text('{% extends "builtin/principles.html" %}\n'
                                                        "{% block content %}{{ 1 / 0 }}{% endblock %}\n")
    code, _, err = _run(["build", "--project", str(root), "--as-of", "2026-11-27", "--no-pdf"])
    assert code == 1, err
    assert "templates/principles.html:2" in err and "ZeroDivisionError" in err
    assert "bug in reflect" not in err
