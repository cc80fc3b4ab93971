"""A project's own templates/ overrides the default theme file by file and can extend it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run_cli

AS_OF = "2026-11-27"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    root.mkdir()
    shutil.copytree(REPO_ROOT / "journal", root / "journal")
    shutil.copy(REPO_ROOT / "reflect.yaml", root / "reflect.yaml")
    (root / "templates").mkdir()
    return root


def build(project: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli(["build", "--project", project, "--as-of", AS_OF, "--no-pdf", *extra])


def test_override_extends_the_builtin_template(project: Path):
    (project / "templates" / "week.html").write_text(
        '{% extends "builtin/week.html" %}\n'
        '{% block content %}<p id="house-style">Our team edition of {{ report.week }}</p>{{ super() }}{% endblock %}\n',
        encoding="utf-8")
    code, out, err = build(project)
    assert code == 0, err
    week = (project / "site" / "weeks" / "2026-W48.html").read_text(encoding="utf-8")
    assert '<p id="house-style">Our team edition of 2026-W48</p>' in week
    assert "1. The week in numbers" in week and "8. Reflection and prompts" in week   # the builtin body is still there
    index = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "house-style" not in index


def test_override_a_partial_and_the_stylesheet(project: Path):
    (project / "templates" / "_finding.html").write_text(
        '<div class="my-finding">{{ finding.code }}: {{ finding.message }}</div>\n', encoding="utf-8")
    (project / "templates" / "style.css").write_text("body { color: rebeccapurple; }\n", encoding="utf-8")
    code, out, err = build(project)
    assert code == 0, err
    index = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert '<div class="my-finding">R1' in index and '<article class="finding' not in index
    assert (project / "site" / "style.css").read_text(encoding="utf-8") == "body { color: rebeccapurple; }\n"


def test_override_base_keeps_the_rest(project: Path):
    (project / "templates" / "base.html").write_text(
        '{% extends "builtin/base.html" %}{% block footer %}<p>Confidential: {{ owner }}</p>{% endblock %}',
        encoding="utf-8")
    code, _, err = build(project)
    assert code == 0, err
    for page in ("index.html", "principles.html", "weeks/2026-W47.html", "people/dana.html"):
        text = (project / "site" / page).read_text(encoding="utf-8")
        assert "<p>Confidential: Alex Rivera</p>" in text, page


def test_undefined_variable_names_file_and_line(project: Path):
    (project / "templates" / "person.html").write_text(
        '{% extends "builtin/person.html" %}\n'
        '{% block content %}\n'
        '<p>{{ person.nmae }}</p>\n'
        '{% endblock %}\n', encoding="utf-8")
    code, out, err = build(project)
    assert code == 1
    assert err.startswith("reflect: templates/person.html:3: undefined variable:"), err
    assert "nmae" in err and "Traceback" not in err
    assert not (project / "site").exists()


def test_syntax_error_names_file_and_line(project: Path):
    code, _, err = build(project)
    assert code == 0, err
    before = sorted(p.name for p in (project / "site").rglob("*"))
    (project / "templates" / "_tiles.html").write_text("<div>\n\n{% for tile in report.tiles %}\n<p>{{ tile.value }\n",
                                                          encoding="utf-8")
    code, out, err = build(project)
    assert code == 1
    assert err.startswith("reflect: templates/_tiles.html:4: template syntax error:"), err
    assert "Traceback" not in err
    assert sorted(p.name for p in (project / "site").rglob("*")) == before       # the old site is intact
    assert not list(project.glob(".site.*"))


def test_error_in_the_builtin_theme_is_named_too(project: Path):
    # a user template that includes a missing partial
    (project / "templates" / "principles.html").write_text(
        '{% extends "builtin/principles.html" %}{% block content %}{% include "_nope.html" %}{% endblock %}',
        encoding="utf-8")
    code, _, err = build(project)
    assert code == 1
    assert "_nope.html" in err and "not found" in err and "Traceback" not in err


def test_autoescape_and_strict_undefined_apply_to_overrides(project: Path):
    (project / "templates" / "people.html").write_text(
        '{% extends "builtin/people.html" %}{% block title %}{{ "<b>x</b>" }} {{ owner }}{% endblock %}',
        encoding="utf-8")
    code, _, err = build(project)
    assert code == 0, err
    text = (project / "site" / "people" / "index.html").read_text(encoding="utf-8")
    assert "<title>&lt;b&gt;x&lt;/b&gt; Alex Rivera</title>" in text


# -- compiled templates are kept in memory (reflect/render.py: _CompiledTemplates) ---------------

def test_templates_are_compiled_once_per_process(project: Path, monkeypatch):
    import jinja2

    from reflect.render import compile_templates, make_env

    (project / "templates" / "week.html").write_text(
        '{% extends "builtin/week.html" %}{% block title %}Ours {{ report.week }}{% endblock %}', "utf-8")
    compile_templates(project / "templates")
    compiled: list[str] = []
    real = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    env = make_env(project / "templates")
    for name in ("week.html", "builtin/week.html", "base.html", "_macros.html", "person.html", "index.html"):
        env.get_template(name)
    assert compiled == []   # every one came from the compiled copy
    code, _, err = build(project)
    assert code == 0, err
    assert compiled == []
    assert "<title>Ours 2026-W48" in (project / "site" / "weeks" / "2026-W48.html").read_text("utf-8")


def test_an_edited_template_is_compiled_again(project: Path):
    # `reflect serve` rebuilds in one process, and a user edits a template between two builds
    template = project / "templates" / "_tiles.html"
    template.write_text('<p id="tiles-v1">one</p>\n', "utf-8")
    code, _, err = build(project)
    assert code == 0, err
    assert 'id="tiles-v1"' in (project / "site" / "weeks" / "2026-W48.html").read_text("utf-8")
    template.write_text('<p id="tiles-v2">two</p>\n', "utf-8")
    code, _, err = build(project)
    assert code == 0, err
    week = (project / "site" / "weeks" / "2026-W48.html").read_text("utf-8")
    assert 'id="tiles-v2"' in week and "tiles-v1" not in week


def test_compiling_ahead_leaves_a_broken_template_to_the_page_that_uses_it(project: Path):
    from reflect.render import compile_templates

    (project / "templates" / "_tiles.html").write_text("<div>\n\n{% if %}\n</div>\n", "utf-8")
    compile_templates(project / "templates")   # no exception: the warm-up is only a head start
    code, _, err = build(project)
    assert code == 1
    assert err.startswith("reflect: templates/_tiles.html:3: template syntax error:"), err


def test_a_missing_include_names_the_file_and_line_that_includes_it(project: Path):
    # once "template '_nope.html' not found (needed by index.html)": no file, no line
    (project / "templates" / "index.html").write_text(
        '{% extends "builtin/index.html" %}\n'
        '{% block content %}\n'
        '{% include "_nope.html" %}\n'
        '{% endblock %}\n', encoding="utf-8")
    code, out, err = build(project)
    assert code == 1
    assert err.startswith("reflect: templates/index.html:3: template '_nope.html' not found;"), err
    assert "Traceback" not in err
    assert not (project / "site").exists()


@pytest.mark.parametrize("files, where, loop", [
    ({"week.html": '{% extends "week.html" %}\n'}, "templates/week.html:1",
     "templates/week.html → templates/week.html → …"),
    ({"week.html": 'a\n{% include "week.html" %}\n'}, "templates/week.html:2",
     "templates/week.html → templates/week.html → …"),
    ({"week.html": '{% extends "_b.html" %}\n', "_b.html": '\n\n{% extends "week.html" %}\n'},
     "templates/_b.html:3", "templates/week.html → templates/_b.html → templates/week.html → …"),
    ({"week.html": '{% extends "builtin/week.html" %}{% block content %}{% include "_x.html" %}{% endblock %}',
      "_x.html": 'x\n{% include "week.html" %}'}, "templates/_x.html:2",
     "templates/week.html → builtin/week.html → builtin/base.html → templates/_x.html → templates/week.html"),
])
def test_a_template_that_extends_or_includes_itself_is_named_with_its_loop(project: Path, files, where, loop):
    # once "template error: RecursionError: maximum recursion depth exceeded"
    for name, text in files.items():
        (project / "templates" / name).write_text(text, encoding="utf-8")
    code, out, err = build(project)
    assert code == 1 and "Traceback" not in err
    assert err.startswith(f"reflect: {where}: template loop: {loop}"), err
    assert "RecursionError" not in err
    # the one fix worth naming: a project template that meant the default of the same name
    assert ('extend "builtin/week.html"' in err) == (len(files) == 1)
    assert not (project / "site").exists()
