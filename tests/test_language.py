"""No debt language in anything reflect says (principles.md: a ledger feel
destroys trust) — except where the transactional-language rule spells out
what it looks for."""
from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO_ROOT, check_json, run_cli
from reflect.cli import build_parser
from reflect.rules import ALL_RULES, BY_ID, example_files

DEBT = re.compile(r"\b(owe|owes|owed|debt|debts|score|scores)\b", re.IGNORECASE)
PACKAGE = REPO_ROOT / "reflect"
TRANSACTIONAL = BY_ID["transactional-language"]


def debt_words(text: str) -> list[str]:
    return DEBT.findall(text or "")


def test_the_pattern_catches_what_it_should():
    assert debt_words("He OWES me; keeping score; no debts") == ["OWES", "score", "debts"]
    assert debt_words("Owen scored a goal; owner; debtor") == []


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_rule_texts(rule):
    texts = [rule.title, rule.idea, rule.lesson, rule.suggestion, *rule.param_help.values()]
    if rule is not TRANSACTIONAL:
        texts += [rule.fires, rule.quiet]
    else:
        texts.append(rule.quiet)
    for text in texts:
        assert not debt_words(text), (rule.id, text)


def _strip_quotes(text: str) -> str:
    """The transactional-language finding quotes the user's own words: those are theirs, not ours."""
    return re.sub(r'"[^"]*"', '""', text)


def test_every_finding_on_the_example_journal(tmp_path):
    root = tmp_path / "example"
    shutil.copytree(REPO_ROOT / "journal", root / "journal")
    shutil.copy(REPO_ROOT / "reflect.yaml", root / "reflect.yaml")
    code, doc, _ = check_json(root)
    assert code == 0 and doc["findings"]
    for f in doc["findings"]:
        for key in ("message", "lesson", "suggestion", "numbers"):
            text = f[key]
            if f["rule"] == TRANSACTIONAL.id and key in ("message", "numbers"):
                text = _strip_quotes(text)
            assert not debt_words(text), (f["rule"], key, f[key])
    code, out, _ = run_cli(["check", "--project", str(root), "--as-of", "2026-11-27", "--balances"])
    for line in out.splitlines():
        if "R303 transactional-language" in line or 'says "' in line or 'matched "' in line:
            line = _strip_quotes(line)
        assert not debt_words(line), line


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_every_finding_of_the_rule_examples(rule, tmp_path):
    from conftest import make_project

    for which in ("fires", "quiet"):
        root = make_project(tmp_path / which, example_files(rule, which))
        _, doc, _ = check_json(root, as_of=rule.as_of)
        for f in doc["findings"]:
            for key in ("message", "lesson", "suggestion", "numbers"):
                text = _strip_quotes(f[key]) if f["rule"] == TRANSACTIONAL.id else f[key]
                assert not debt_words(text), (rule.id, which, f["rule"], key, f[key])


def _help_texts() -> list[str]:
    parser = build_parser()
    texts = [parser.format_help()]
    for action in parser._actions:  # every sub-command's --help
        for sub in getattr(action, "choices", None) or {}:
            if hasattr(action.choices[sub], "format_help"):
                texts.append(action.choices[sub].format_help())
    return texts


def test_cli_help_texts():
    texts = _help_texts()
    assert len(texts) > 5
    for text in texts:
        assert not debt_words(text), text
    code, out, _ = run_cli(["rules"])
    assert code == 0 and not debt_words(out)
    for rule in ALL_RULES:
        _, out, _ = run_cli(["explain", rule.id])
        if rule is TRANSACTIONAL:
            out = out.split("A journal that fires it")[0]  # the example is a journal that says it
        assert not debt_words(out), rule.id


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _exempt_nodes(tree: ast.AST) -> set[int]:
    """TRANSACTIONAL_PATTERNS, and the transactional-language rule's `fires` example."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "TRANSACTIONAL_PATTERNS" for t in node.targets):
            ids |= {id(n) for n in ast.walk(node.value)}
        if isinstance(node, ast.Call) and any(kw.arg == "id" and getattr(kw.value, "value", "") == TRANSACTIONAL.id
                                              for kw in node.keywords):
            for kw in node.keywords:
                if kw.arg == "fires":
                    ids |= {id(n) for n in ast.walk(kw.value)}
    return ids


def test_no_string_in_the_package_uses_debt_language():
    """Every string constant in reflect/ (docstrings aside: nobody sees those)."""
    offenders = []
    files = sorted(PACKAGE.rglob("*.py"))
    assert files
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstring_nodes(tree) | _exempt_nodes(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                if debt_words(node.value):
                    offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}: {node.value[:80]!r}")
    assert offenders == []


def test_exemptions_are_real():
    """The exemptions above cover the patterns and the fires example, and they do contain the words."""
    from reflect.rules.credit import TRANSACTIONAL_PATTERNS

    assert any(debt_words(p.pattern.replace("\\b", " ")) for p in TRANSACTIONAL_PATTERNS)
    assert debt_words(TRANSACTIONAL.fires) or "quid pro quo" in TRANSACTIONAL.fires


def test_templates():
    folders = [REPO_ROOT / "templates", PACKAGE / "templates"]
    pages = [p for folder in folders if folder.is_dir() for p in sorted(folder.rglob("*.html"))]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)  # template comments are not shown
        assert not debt_words(text), (page.name, debt_words(text))
