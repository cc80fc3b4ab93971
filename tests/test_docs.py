"""The documentation stays true: generated parts match the code, links between docs resolve."""
from __future__ import annotations

import re
from pathlib import Path

from reflect.cmd_check import rules_markdown

REPO = Path(__file__).resolve().parent.parent


def test_rule_catalogue_in_docs_is_generated_from_the_records():
    on_disk = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert on_disk == rules_markdown() + "\n", "run: reflect rules --format markdown > docs/rules.md"


def test_readme_and_docs_link_only_to_files_that_exist():
    for doc in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / "bench" / "README.md"]:
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if re.match(r"^[a-z]+:", target):
                continue
            assert (doc.parent / target).exists(), f"{doc.relative_to(REPO)} links to missing {target}"


def test_readme_opens_with_the_two_commands_ci_runs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    install_and_run, tests = blocks[0].strip(), blocks[1].strip()
    assert "reflect check" in install_and_run and "reflect build" in install_and_run
    assert tests in ci.splitlines(), "the README's test command must be exactly the one .ci/run runs"
