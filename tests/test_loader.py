"""Reading the journal: every kind of bad input is reported at its exact
FILE:LINE:COLUMN (computed here from the fixture text, not copied from
output), all problems of a run together, never a traceback; and good input
of both formats loads as written.
"""
from __future__ import annotations

import datetime as dt
import time

import pytest

from conftest import check_json, make_project, position_of, run_cli
from reflect.model import Act, Outcome, Size
from reflect.project import load_project

PEOPLE = """\
priya: {name: Priya Shah, level: peer, aliases: [Pri]}
sam: {name: Sam Okafor, level: senior}
"""


def errors_of(tmp_path, files: dict, people: str | None = PEOPLE) -> list[dict]:
    base = {"journal/people.yaml": people} if people is not None else {}
    root = make_project(tmp_path, {**base, **files})
    code, doc, err = check_json(root)
    assert err == "", err
    assert code == 1, "a journal with errors fails the check"
    assert doc["findings"] == [] and doc["balances"] == []
    return doc["errors"]


def error_at(errors: list[dict], file: str, text: str, token: str, nth: int = 1, *, kind: str,
             says: tuple[str, ...] = (), offset: int = 0) -> dict:
    """The error reported at the nth `token` of `text` (the content of `file`); checks kind and words."""
    line, col = position_of(text, token, nth)
    col += offset
    here = [e for e in errors if (e["file"], e["line"], e["column"]) == (file, line, col)]
    assert here, f"no error at {file}:{line}:{col}; got {[(e['line'], e['column'], e['message']) for e in errors]}"
    e = here[0]
    assert e["kind"] == kind, e
    for word in says:
        assert word in e["message"], e
    return e


def one_error(tmp_path, text: str, token: str, nth: int = 1, *, kind: str, says=(), file="journal/a.yaml",
              people: str | None = PEOPLE, offset: int = 0) -> dict:
    errors = errors_of(tmp_path, {file: text}, people=people)
    assert len(errors) == 1, errors
    return error_at(errors, file, text, token, nth, kind=kind, says=says, offset=offset)


# --- entries -------------------------------------------------------------------------------------


def test_unknown_person_with_did_you_mean(tmp_path):
    text = "- date: 2026-11-02\n  with: pryia\n  gave: Reviewed the deck\n"
    one_error(tmp_path, text, "pryia", kind="person", says=("unknown person 'pryia'", "did you mean 'priya'"))


def test_unknown_person_written_by_alias_or_name(tmp_path):
    text = "- {date: 2026-11-02, with: [sam, Pri], gave: Reviewed the deck}\n"
    one_error(tmp_path, text, "Pri", kind="person", says=("did you mean 'priya'",))


def test_unknown_person_in_a_list_is_pointed_at(tmp_path):
    text = "- date: 2026-11-02\n  with:\n    - priya\n    - nobody-we-know\n  gave: Reviewed the deck\n"
    e = one_error(tmp_path, text, "nobody-we-know", kind="person")
    assert "did you mean" not in e["message"]


def test_unknown_field_with_did_you_mean(tmp_path):
    text = "- date: 2026-11-02\n  with: priya\n  gave: Reviewed the deck\n  sise: large\n"
    one_error(tmp_path, text, "sise", kind="field", says=("unknown field 'sise'", "did you mean 'size'"))


def test_tags_written_as_one_line_with_commas_are_separate_tags(tmp_path):
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE, "journal/a.yaml":
                                   "- date: 2026-11-02\n  with: priya\n  gave: A\n  tags: private, advice\n"
                                   "- {date: 2026-11-03, with: priya, gave: B, tags: ['pricing,q1', pricing]}\n"
                                   "- {date: 2026-11-04, with: priya, gave: C, tags: advice}\n"})
    entries = load_project(root).journal.entries
    assert [e.tags for e in entries] == [("private", "advice"), ("pricing", "q1", "pricing"), ("advice",)]
    assert [e.private for e in entries] == [True, False, False]


def test_missing_act(tmp_path):
    text = "- date: 2026-11-02\n  with: priya\n  tags: [advice]\n"
    # the entry itself is at fault: it starts at its first key
    one_error(tmp_path, text, "date", kind="field", says=("gave, received, asked, promised or thanked",))


def test_misspelt_act_is_an_unknown_field_too(tmp_path):
    text = "- {date: 2026-11-02, with: priya, gav: Reviewed the deck}\n"
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    error_at(errors, "journal/a.yaml", text, "gav", kind="field", says=("did you mean 'gave'",))
    error_at(errors, "journal/a.yaml", text, "{date", kind="field", says=("needs one act",))  # the entry


def test_an_entry_without_its_act_still_has_its_other_problems_reported(tmp_path):
    # a misspelt act drops the entry, but one run still names everything else wrong with it
    text = ("- date: 2026-11-02\n  with: [priya, pryia]\n  recieved: Her review of the deck\n"
            "  size: huge\n  acknowledged: loudly\n")
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    f = "journal/a.yaml"
    error_at(errors, f, text, "date", kind="field", says=("needs one act",))
    error_at(errors, f, text, "recieved", kind="field", says=("did you mean 'received'",))
    error_at(errors, f, text, "pryia", kind="person", says=("did you mean 'priya'",))
    error_at(errors, f, text, "huge", kind="value", says=("'size'",))
    error_at(errors, f, text, "loudly", kind="value", says=("'acknowledged'",))
    assert len(errors) == 5


def test_an_entry_with_two_acts_still_has_its_other_problems_reported(tmp_path):
    text = "- date: 2026-02-30\n  with: pryia\n  gave: Reviewed the deck\n  asked: Her feedback\n"
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    error_at(errors, "journal/a.yaml", text, "asked", kind="field", says=("gave and asked",))
    error_at(errors, "journal/a.yaml", text, "2026-02-30", kind="value", says=("'date' must be a date",))
    error_at(errors, "journal/a.yaml", text, "pryia", kind="person", says=("unknown person",))
    assert len(errors) == 3


@pytest.mark.parametrize("text, token, says", [
    ('- {date: 2026-11-02, with: priya, gave: ""}\n', '""', "'gave' is empty"),
    ("- {date: 2026-11-02, with: priya, gave: '   '}\n", "'   '", "'gave' is empty"),
    ("- {date: 2026-11-02, with: [], gave: A}\n", "[]", "'with' names nobody"),
    ("- {date: 2026-11-20, with: priya, promised: A, due: 2026-11-02}\n", "2026-11-02",
     "a promise cannot be due before it was made (2026-11-20)"),
])
def test_values_that_say_nothing_or_contradict_the_entry(tmp_path, text, token, says):
    one_error(tmp_path, text, token, kind="value", says=(says,))


def test_a_comment_inside_a_persons_braces_is_named_at_its_hash(tmp_path):
    people = "priya: {name: Priya #1 fan, level: peer}\nsam: {name: Sam, level: senior}\n"
    errors = errors_of(tmp_path, {"journal/a.yaml": "- date: 2026-11-02\n  with: priya\n  gave: A\n"}, people=people)
    error_at(errors, "journal/people.yaml", people, "#1", kind="syntax", says=("' #' starts a comment",))


def test_a_blank_person_name_is_an_error_but_a_blank_note_is_not(tmp_path):
    people = "priya: {name: '', level: peer}\nsam: {name: Sam, level: senior, team: '', note: ''}\n"
    one_error(tmp_path, people, "''", kind="value", says=("'name' is empty",), file="journal/people.yaml", people=None)


def test_a_forgotten_dash_is_named_at_the_second_date(tmp_path):
    text = "- date: 2026-11-02\n  with: priya\n  gave: A\n\n  date: 2026-11-03\n  with: sam\n  asked: B\n"
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    error_at(errors, "journal/a.yaml", text, "date", nth=2, kind="field",
             says=("duplicate key 'date' (already on line 1)", "put '- ' before it"))


def test_text_that_yaml_reads_as_a_comment_says_so(tmp_path):
    text = "- date: 2026-11-02\n  with: priya\n  gave: #1 priority review\n"
    one_error(tmp_path, text, "#1", kind="value", says=("'gave' is empty", "'#1 priority review' as a comment", "quotes"))


@pytest.mark.parametrize("line, token, says", [
    ("  gave: Reviewed PR #123 for her\n", "#123", ("'gave' is cut short", "'#123 for her' as a comment",
                                                  "keeps only 'Reviewed PR'", "quotes")),
    # a hashtag-style tag would be lost, and '#private' is the one that keeps an entry out of a share
    ("  gave: A\n  tags: advice #private\n", "#private", ("'tags' is cut short", "tags: [advice, private]")),
    ("  gave: A\n  tags: [advice, mentoring #private\n    ]\n", "#private", ("'tags' is cut short",)),
    ("  gave: A\n  note: Shipped the fix #eng-wins\n", "#eng", ("'note' is cut short",)),
    # a multi-line plain text cut on its last line
    ("  gave: Reviewed the deck\n    with her team #q1\n", "#q1", ("keeps only 'Reviewed the deck with her team'",)),
])
def test_text_that_a_comment_cuts_short_is_refused_at_the_hash(tmp_path, line, token, says):
    text = "- date: 2026-11-02\n  with: priya\n" + line
    one_error(tmp_path, text, token, kind="value", says=says)


@pytest.mark.parametrize("text", [
    "- date: 2026-11-02\n  with: priya\n  gave: A\n  tags: [advice] #private\n",
    "- {date: 2026-11-02, with: priya, gave: A, tags: [advice]} #Private\n",
])
def test_a_private_hashtag_after_a_closing_bracket_is_not_dropped_unsaid(tmp_path, text):
    one_error(tmp_path, text, "#", kind="value", says=("after the closing bracket", "tags: [advice, private]"))


def test_other_hashtags_after_a_closing_bracket_are_comments(tmp_path):
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE + "lee: {name: Lee, level: peer, aliases: [Li]} #nick\n",
                                   "journal/a.yaml": "- {date: 2026-11-02, with: priya, gave: A} #first\n"
                                                     "- date: 2026-11-03\n  with: [sam] #todo\n  gave: B\n  tags: [] #none\n",
                                   "reflect.yaml": "owner: Me\nshare: {coach: {sections: [numbers, plan] #short\n}}\n"})
    assert not load_project(root, use_cache=False).diagnostics


def test_a_comment_with_a_space_after_the_hash_and_quoted_hashes_are_read_as_written(tmp_path):
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE, "journal/a.yaml": (
        "- date: 2026-11-02\n  with: priya  # our lead\n  size: small #ish\n"
        "  gave: Reviewed the deck  # took two hours\n"
        "  tags: [advice, '#q1']   ## two hashes\n"
        "- date: 2026-11-03\n  with: sam\n  thanked: \"Thanked him in #eng-wins\" #1\n")})
    project = load_project(root, use_cache=False)
    assert not project.diagnostics
    a, b = project.journal.entries
    assert (a.what, a.tags, a.people) == ("Reviewed the deck", ("advice", "#q1"), ("priya",))
    assert b.what == "Thanked him in #eng-wins"


@pytest.mark.parametrize("text, token, says", [
    # valid quotes are not blamed for an error further down: YAML's own place, with an indentation hint
    ('- date: 2026-11-02\n  with: priya\n  gave: "long text\n    continued"\n  size: small\n   tags: [a]\n',
     "tags", "indented like the keys above"),
    ('- date: 2026-11-02\n  with: priya\n  gave: "C:\\\\"\n  size: small\n   tags: [a]\n', "tags", "indented"),
    ("- date: 2026-11-02\n  with: priya\n  note: |\n    Her motto: \"ship it\n  gave: A\n   tags: [a]\n", "tags", "indented"),
    # the quote that opened, with its own character, when the file ends inside it
    ("- date: 2026-11-02\n  with: priya\n  gave: 'it''s\n- date: 2026-11-03\n  with: sam\n  gave: B\n", "'it",
     "the quote ' opened here is not closed (the text runs on to the end of the file)"),
    ("- date: 2026-11-02\n  with: priya\n  gave: A\n  https://x\n", "https", "'https://x' is not 'key: value'"),
    ("- date:2026-11-24\n  with: priya\n  gave: A\n", "date:", "put a space after the colon: date: 2026-11-24"),
    ("- date: 2026-11-02\n  with: priya\n  gave: 'Reviewed Priya's deck'\n", "'Reviewed", "write an apostrophe as ''"),
    ('- date: 2026-11-02\n  with: priya\n  gave: "Reviewed" her deck\n', '"Reviewed', "goes on after its closing quote"),
    # a comment inside brackets hides the closing bracket: YAML gives up on a later line
    ("- date: 2026-11-02\n  with: priya\n  gave: A\n  tags: [advice, #private]\n- date: 2026-11-03\n"
     "  with: sam\n  gave: B\n", "#private", "' #' starts a comment, which hides the rest of the line"),
    ("- date: 2026-11-02\n  with: priya\n  gave: A\n  tags: [advice, 'a #b',\n    #private]\n", "#private",
     "put a text with '#' in quotes"),
])
def test_yaml_syntax_errors_blame_only_the_real_cause(tmp_path, text, token, says):
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    (e,) = errors
    assert says in e["message"], e
    assert "space after the colon" in says or "space after the colon" not in e["message"], e
    assert (e["line"], e["column"]) == position_of(text, token), e


def test_a_syntax_error_does_not_hide_the_other_entries_of_its_file(tmp_path):
    text = ("- date: 2026-11-20\n  with: pryia\n  gave: Fine\n"
            "- date: 2026-11-21\n  with: priya\n  gave: \"unclosed\n  size: small\n"
            "- date: 2026-11-22\n  with: sam\n  gave: B\n  sise: large\n"
            "- date: 2026-11-23\n  with: priya\n  gave: Note: this\n"
            "- date: 2026-11-24\n  with: sam\n  asked: ok\n  outcome: helpd\n")
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    assert len(errors) == 5, errors
    error_at(errors, "journal/a.yaml", text, "pryia", kind="person", says=("did you mean 'priya'",))
    error_at(errors, "journal/a.yaml", text, '"unclosed', kind="syntax", says=("not closed",))
    error_at(errors, "journal/a.yaml", text, "sise", kind="field", says=("did you mean 'size'",))
    # a second syntax error, in an entry of its own, with its own hint
    error_at(errors, "journal/a.yaml", text, ": this", kind="syntax", says=("needs quotes",), offset=0)
    error_at(errors, "journal/a.yaml", text, "helpd", kind="value", says=("did you mean 'helped'",))


@pytest.mark.parametrize("broken, at, says", [
    # an unclosed '{' or '[': YAML stops at the next entry; the error stays in the entry that has it
    ("  gave: {x\n", "{x", "flow mapping"),
    ("  gave: Coffee\n  tags: [advice,   # the main one\n    growth\n", "growth", "flow sequence"),
])
def test_an_unclosed_bracket_is_one_error_in_its_own_entry(tmp_path, broken, at, says):
    text = ("- date: 2026-11-10\n  with: priya\n  gave: A\n"
            "- date: 2026-11-11\n  with: sam\n" + broken +
            "- date: 2026-11-12\n  with: pryia\n  gave: C\n")
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    assert len(errors) == 2, errors
    line, col = position_of(text, at)
    syntax = [e for e in errors if e["kind"] == "syntax"]
    assert [(e["line"], says in e["message"]) for e in syntax] == [(line, True)], errors
    error_at(errors, "journal/a.yaml", text, "pryia", kind="person", says=("did you mean 'priya'",))


def test_an_entry_that_opens_with_a_comment_is_read_on_its_own_after_an_error(tmp_path):
    text = ("- date: 2026-11-10\n  with: priya\n  gave: {x\n"
            "- # the second one\n  date: 2026-11-11\n  with: pryia\n  gave: B\n")
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    error_at(errors, "journal/a.yaml", text, "pryia", kind="person", says=("did you mean 'priya'",))


def test_a_valid_text_with_a_dash_line_is_not_split_by_an_error_elsewhere(tmp_path):
    text = ('- date: 2026-11-10\n  with: priya\n  gave: "Reviewed\n- the deck"\n'
            "- date: 2026-11-11\n  with: sam\n  gave: B\n  outcome: helpd: x\n")
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    assert len(errors) == 1 and errors[0]["line"] == 8, errors


def test_with_written_as_one_line_with_commas_is_several_people(tmp_path):
    text = "- date: 2026-11-02\n  with: priya, sam\n  gave: A\n  note:\n- date: 2026-11-03\n  with: priya, sma\n  gave: B\n"
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    (e,) = errors       # only the misspelt one, at its own column; an empty `note:` is no note, not an error
    error_at(errors, "journal/a.yaml", text, "sma", kind="person", says=("did you mean 'sam'",))
    root = make_project(tmp_path / "ok", {"journal/people.yaml": PEOPLE, "journal/a.yaml": text.split("- date: 2026-11-03")[0]})
    (entry,) = load_project(root).journal.entries
    assert entry.people == ("priya", "sam") and entry.note == ""


def test_two_acts(tmp_path):
    text = "- date: 2026-11-02\n  with: priya\n  gave: Reviewed the deck\n  asked: Her feedback\n"
    one_error(tmp_path, text, "asked", kind="field", says=("gave and asked",))


def test_missing_date_and_with(tmp_path):
    text = "- gave: Reviewed the deck\n"
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    assert len(errors) == 2
    assert {e["message"] for e in errors} == {"the entry has no 'date'", "the entry has no 'with'"}
    for e in errors:
        error_at([e], "journal/a.yaml", text, "gave", kind="field")


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "next tuesday", "20261102", "'20261102'", "2026-W48-1",
                                   "2026-W48", "2026-11-02T10:00:00", "'2026-02-30'", "1.5", "2026-1-2"])
def test_a_date_that_is_not_a_date(tmp_path, value):
    text = f"- date: {value}\n  with: priya\n  gave: Reviewed the deck\n"
    one_error(tmp_path, text, value, kind="value", says=("'date' must be a date",))


def test_a_date_out_of_any_sensible_range(tmp_path):
    text = "- {date: 0026-11-02, with: priya, gave: Reviewed the deck}\n"
    one_error(tmp_path, text, "0026-11-02", kind="value", says=("0026-11-02",))


def test_bad_due_and_kept_dates(tmp_path):
    text = "- {date: 2026-11-02, with: priya, promised: An intro, due: 2026-11-31, kept: soon}\n"
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    assert len(errors) == 2
    error_at(errors, "journal/a.yaml", text, "2026-11-31", kind="value", says=("'due'",))
    error_at(errors, "journal/a.yaml", text, "soon", kind="value", says=("'kept'",))


@pytest.mark.parametrize("field, value, act, belongs", [
    ("due", "2026-11-09", "gave", "'promised'"),
    ("kept", "2026-11-09", "received", "'promised'"),
    ("outcome", "helped", "gave", "'asked'"),
    ("acknowledged", "public", "gave", "'received' or 'asked'"),
])
def test_a_field_that_belongs_to_another_act(tmp_path, field, value, act, belongs):
    text = f"- date: 2026-11-02\n  with: priya\n  {act}: Something\n  {field}: {value}\n"
    one_error(tmp_path, text, f"{field}:", kind="field", says=(f"'{field}' belongs to {belongs}", f"not to '{act}'"))


def test_acknowledged_ask_needs_helped(tmp_path):
    for outcome in (", outcome: declined", ", outcome: pending", ""):
        text = f"- {{date: 2026-11-02, with: sam, asked: Budget sign-off{outcome}, acknowledged: public}}\n"
        one_error(tmp_path / outcome.strip(", :") if outcome else tmp_path / "none", text, "acknowledged",
                  kind="field", says=("outcome: helped",))


def test_kept_and_dropped(tmp_path):
    text = "- {date: 2026-11-02, with: sam, promised: An intro, kept: 2026-11-03, dropped: 2026-11-04}\n"
    one_error(tmp_path, text, "dropped", kind="field", says=("kept or dropped",))


@pytest.mark.parametrize("field, value, says", [
    ("size", "larg", "did you mean 'large'"),
    ("size", "huge", "small, medium, large"),
    ("outcome", "helpd", "did you mean 'helped'"),
])
def test_bad_choice_with_suggestion(tmp_path, field, value, says):
    act = "asked" if field == "outcome" else "gave"
    text = f"- date: 2026-11-02\n  with: priya\n  {act}: Something\n  {field}: {value}\n"
    one_error(tmp_path, text, value, kind="value", says=(says,))


@pytest.mark.parametrize("value", ["yes", "no", "on", "Y"])
def test_public_yes_suggests_true_or_false(tmp_path, value):
    text = f"- date: 2026-11-02\n  with: priya\n  gave: Endorsed her plan\n  public: {value}\n"
    one_error(tmp_path, text, f"public: {value}", kind="value", says=("true or false",), offset=len("public: "))


def test_wrong_shapes(tmp_path):
    text = ("- {date: 2026-11-02, with: {priya: 1}, gave: A}\n"
            "- {date: 2026-11-02, with: priya, gave: [A, B]}\n"
            "- {date: 2026-11-02, with: priya, gave: C, tags: {a: 1}}\n"
            "- {date: 2026-11-02, with: [], gave: D}\n"
            "- just a sentence\n")
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    assert len(errors) == 5
    f = "journal/a.yaml"
    error_at(errors, f, text, "{priya: 1}", kind="value", says=("'with'",))
    error_at(errors, f, text, "[A, B]", kind="value", says=("'gave' must be text",))
    error_at(errors, f, text, "{a: 1}", kind="value", says=("'tags'",))
    error_at(errors, f, text, "[]", kind="value", says=("'with'",))
    error_at(errors, f, text, "just a sentence", kind="file", says=("mapping",))


def test_duplicate_keys(tmp_path):
    text = "- date: 2026-11-02\n  with: priya\n  gave: Reviewed the deck\n  with: sam\n"
    one_error(tmp_path, text, "with", nth=2, kind="field", says=("duplicate key 'with'", "line 2"))


def test_yaml_syntax_error(tmp_path):
    text = "- date: 2026-11-02\n  with: priya\n  gave: Reviewed: the deck\n"
    # the second ': ' on a plain line is where YAML stops making sense
    one_error(tmp_path, text, "Reviewed:", kind="syntax", says=("YAML",), offset=len("Reviewed"))


def test_tab_indentation_is_a_syntax_error_with_a_position(tmp_path):
    text = "- date: 2026-11-02\n\twith: priya\n"
    e = errors_of(tmp_path, {"journal/a.yaml": text})
    assert [(x["line"], x["kind"]) for x in e] == [(2, "syntax")]


def anchor_or_alias_error(tmp_path, text: str, name: str) -> dict:
    """Anchors and aliases are refused: an error at each anchor up to the first alias (where
    reading stops: an alias repeats a value), the first of them at `name`'s anchor or alias."""
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    assert errors and all(e["kind"] == "syntax" and "anchors and aliases" in e["message"] for e in errors), errors
    e = errors[0]
    assert (e["line"], e["column"]) in (position_of(text, f"&{name}"), position_of(text, f"*{name}")), e
    assert sum("(*" in e["message"] for e in errors) <= 1
    return e


def test_an_anchor_does_not_hide_the_other_problems_of_its_file(tmp_path):
    text = "- date: &d 2026-11-26\n  with: priya\n  gave: first\n- date: 2026-11-27\n  with: pryia\n  gave: second\n"
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    assert len(errors) == 2, errors
    error_at(errors, "journal/a.yaml", text, "&d", kind="syntax", says=("anchors and aliases",))
    error_at(errors, "journal/a.yaml", text, "pryia", kind="person", says=("did you mean 'priya'",))


@pytest.mark.parametrize("text, token, says", [
    # an unclosed quote is found only where YAML gives up, often many lines further on
    ('- date: 2026-11-02\n  with: "priya\n  gave: A\n\n- date: 2026-11-03\n  with: sam\n  gave: "B"\n', '"priya',
     'the quote " opened here is not closed'),
    ("- date: 2026-11-02\n  with: 'priya\n  gave: the team's deck\n", "'priya", "the quote ' opened here is not closed"),
    ('priya: {name: "Priya Shah, level: peer}\nsam: {name: Sam, level: senior}\n', '"Priya', "is not closed"),
    ("- date: 2026-11-02\n  with:priya\n  gave: A\n", "with:priya", "put a space after the colon: with: priya"),
    ("- date: 2026-11-02\n  with: priya\n  gave: Note: the deck\n", "Note: the", "needs quotes"),
])
def test_yaml_syntax_errors_point_at_the_cause(tmp_path, text, token, says):
    file = "journal/people.yaml" if text.startswith("priya:") else "journal/a.yaml"
    errors = errors_of(tmp_path, {file: text}, people=None if file.endswith("people.yaml") else PEOPLE)
    syntax = [e for e in errors if e["kind"] == "syntax"]
    assert len(syntax) == 1, errors
    line, col = position_of(text, token)
    e = syntax[0]
    assert says in e["message"], e
    if "needs quotes" not in says:     # YAML stops at the second colon; the others point at the cause
        assert (e["line"], e["column"]) == (line, col), (e, line, col)


def test_aliases_are_refused(tmp_path):
    text = "- {date: 2026-11-01, with: sam, gave: A}\n- &review {date: 2026-11-02, with: priya, gave: B}\n- *review\n"
    anchor_or_alias_error(tmp_path, text, "review")


def test_billion_laughs_finishes_fast_with_an_error(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    start = time.perf_counter()
    anchor_or_alias_error(tmp_path, text, "a")
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("depth", [50, 5000])
def test_deeply_nested_document_is_an_error_not_a_crash(tmp_path, depth):
    text = "- " + "[" * depth + "]" * depth + "\n"
    start = time.perf_counter()
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    assert time.perf_counter() - start < 5
    assert errors and all(e["file"] == "journal/a.yaml" for e in errors)
    assert any(e["kind"] == "syntax" and "nest" in e["message"] for e in errors), errors


def test_a_mapping_where_a_list_of_entries_is_expected(tmp_path):
    text = "date: 2026-11-02\nwith: priya\ngave: Reviewed the deck\n"
    one_error(tmp_path, text, "date", kind="file", says=("list of entries", "- date:"))


def test_a_lone_word_where_a_list_is_expected(tmp_path):
    one_error(tmp_path, "hello\n", "hello", kind="file", says=("list of entries",))


def test_several_documents_in_one_file(tmp_path):
    text = "- {date: 2026-11-02, with: priya, gave: A}\n---\n- {date: 2026-11-03, with: priya, gave: B}\n"
    one_error(tmp_path, text, "---", kind="syntax")


def test_non_utf8_bytes(tmp_path):
    data = "- date: 2026-11-02\n  with: priya\n  gave: Lunch at the caf".encode() + b"\xe9\n"
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE, "journal/a.yaml": data})
    code, doc, err = check_json(root)
    at = data.index(b"\xe9")
    line = data[:at].count(b"\n") + 1
    col = at - data.rfind(b"\n", 0, at)
    assert code == 1 and err == ""
    assert [(e["file"], e["line"], e["column"], e["kind"]) for e in doc["errors"]] == [
        ("journal/a.yaml", line, col, "file")]
    assert "UTF-8" in doc["errors"][0]["message"]


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing yet: entries go here\n", "---\n"])
def test_an_empty_journal_file_is_fine(tmp_path, text):
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE, "journal/2026/12.yaml": text,
                                   "journal/2026/11.yaml": "- {date: 2026-11-02, with: priya, gave: A}\n"})
    code, doc, err = check_json(root)
    assert (code, doc["errors"], err) == (0, [], "")
    assert doc["balances"][0]["gives"] == 1


def test_positions_survive_a_bom_and_crlf_line_endings(tmp_path):
    text = "\ufeff- date: 2026-11-02\r\n  with: pryia\r\n  gave: Reviewed the deck\r\n"
    errors = errors_of(tmp_path, {"journal/a.yaml": text})
    assert [(e["line"], e["column"]) for e in errors] == [(2, len("  with: ") + 1)]


# --- people.yaml ---------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["name", "level"])
def test_person_without_name_or_level(tmp_path, missing):
    fields = {"name": "name: Priya Shah", "level": "level: peer"}
    del fields[missing]
    people = f"sam: {{name: Sam Okafor, level: senior}}\npriya: {{{', '.join(fields.values())}}}\n"
    e = one_error(tmp_path, people, "priya", kind="field", says=(f"has no '{missing}'",),
                  file="journal/people.yaml", people=None)
    assert "priya" in e["message"]


def test_bad_level_with_suggestion(tmp_path):
    people = "priya:\n  name: Priya Shah\n  level: seniour\n"
    one_error(tmp_path, people, "seniour", kind="value", says=("did you mean 'senior'",),
              file="journal/people.yaml", people=None)


@pytest.mark.parametrize("pid, slug", [("Priya Shah", "priya-shah"), ("priya_s", "priya-s"), ("-priya", "priya"),
                                       ("józef", "jozef"), ("Zoë Ærø", "zoe-aero")])
def test_bad_person_id(tmp_path, pid, slug):
    people = f"sam: {{name: Sam Okafor, level: senior}}\n'{pid}': {{name: Priya Shah, level: peer}}\n"
    one_error(tmp_path, people, f"'{pid}'", kind="value", says=("lower-case slug", f"'{slug}'"),
              file="journal/people.yaml", people=None)


def test_people_yaml_other_problems(tmp_path):
    people = ("priya: {name: Priya Shah, level: peer, tema: Platform}\n"
              "sam: {name: Sam Okafor, level: senior, alignment: hi, rhythm: sometimes}\n"
              "priya: {name: Priya Again, level: peer}\n"
              "jo:\n")
    errors = errors_of(tmp_path, {"journal/people.yaml": people}, people=None)
    f = "journal/people.yaml"
    error_at(errors, f, people, "tema", kind="field", says=("did you mean 'team'",))
    error_at(errors, f, people, "hi", kind="value", says=("did you mean 'high'",))
    error_at(errors, f, people, "sometimes", kind="value", says=("rhythm",))
    error_at(errors, f, people, "priya", nth=2, kind="field", says=("listed twice",))
    error_at(errors, f, people, "jo:", kind="value", says=("name and level",), offset=3)  # the empty value
    assert len(errors) == 5


def test_a_person_listed_with_errors_is_reported_once_not_at_every_entry(tmp_path):
    # a typo in sam's level is one error at people.yaml, not also "unknown person 'sam'" wherever
    # sam is mentioned; a real unknown id is still reported
    people = "priya: {name: Priya Shah, level: peer}\nsam: {name: Sam Okafor, level: senoir}\njo: \n"
    entries = ("- {date: 2026-11-02, with: sam, gave: A}\n- {date: 2026-11-03, with: [priya, sam], asked: B}\n"
               "- {date: 2026-11-04, with: jo, thanked: C}\n- {date: 2026-11-05, with: samm, gave: D}\n")
    errors = errors_of(tmp_path, {"journal/people.yaml": people, "journal/a.yaml": entries}, people=None)
    error_at(errors, "journal/people.yaml", people, "senoir", kind="value", says=("did you mean 'senior'",))
    error_at(errors, "journal/people.yaml", people, "jo:", kind="value", says=("name and level",), offset=3)
    e = error_at(errors, "journal/a.yaml", entries, "samm", kind="person", says=("unknown person 'samm'",))
    assert "did you mean 'sam'" in e["message"]
    assert len(errors) == 3, errors


ENTRIES = "- {date: 2026-11-02, with: priya, gave: A}\n- {date: 2026-11-03, with: [sam, priya], asked: B}\n"


@pytest.mark.parametrize("people, says", [
    (None, "people.yaml is missing: your entries mention priya, sam;"),
    ("", "people.yaml lists nobody: your entries mention priya, sam;"),
    ("# to do\n", "people.yaml lists nobody: your entries mention priya, sam;"),
    ("priya: {name: 'Priya\n", "could not be read, so nobody is known yet: your entries mention priya, sam"),
    ("- priya\n- sam\n", "could not be read, so nobody is known yet: your entries mention priya, sam"),
    (b"# caf\xe9\npriya: {name: Priya Shah, level: peer}\n", "could not be read"),
])
def test_a_people_yaml_that_cannot_be_used_is_one_problem_not_one_per_mention(tmp_path, people, says):
    files = {"journal/a.yaml": ENTRIES} if people is None else {"journal/a.yaml": ENTRIES, "journal/people.yaml": people}
    errors = errors_of(tmp_path, files, people=None)
    assert not [e for e in errors if e["file"] == "journal/a.yaml"], errors   # no "unknown person" per mention
    assert any(says in e["message"] and (e["line"], e["column"]) == (1, 1) for e in errors), errors
    assert all(e["file"] == "journal/people.yaml" for e in errors)


@pytest.mark.parametrize("pid", ["Priya Nair", "priya_n", "Priya"])
def test_a_person_id_that_is_not_a_slug_is_one_error_even_when_entries_use_a_word_of_it(tmp_path, pid):
    people = f"'{pid}': {{name: Priya Nair, level: peer}}\nsam: {{name: Sam Okafor, level: senior}}\n"
    errors = errors_of(tmp_path, {"journal/people.yaml": people, "journal/a.yaml": ENTRIES}, people=None)
    (e,) = errors
    assert e["file"] == "journal/people.yaml" and "lower-case slug" in e["message"], errors


def test_a_person_id_in_capitals_is_one_error_not_an_unknown_person_at_every_mention(tmp_path):
    people = "Priya: {name: Priya Shah, level: peer}\nsam: {name: Sam Okafor, level: senior}\n"
    errors = errors_of(tmp_path, {"journal/people.yaml": people, "journal/a.yaml": ENTRIES}, people=None)
    (e,) = errors
    error_at(errors, "journal/people.yaml", people, "Priya", kind="value", says=("lower-case slug", "'priya'"))


def test_people_yaml_must_be_a_mapping(tmp_path):
    one_error(tmp_path, "- priya\n- sam\n", "- priya", kind="file", file="journal/people.yaml", people=None,
              says=("map each person's id",))


def test_entries_without_people_yaml(tmp_path):
    errors = errors_of(tmp_path, {"journal/a.yaml": "- {date: 2026-11-02, with: priya, gave: A}\n"}, people=None)
    assert any(e["file"] == "journal/people.yaml" and "people.yaml is missing" in e["message"] for e in errors)


# --- Markdown, reflections, coach notes ---------------------------------------------------------


def test_journal_files_with_upper_case_extensions_are_read_not_skipped(tmp_path):
    # a file that is silently skipped would drop its entries (and its mistakes) from every report
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE,
                                   "journal/2026/11.YAML": "- {date: 2026-11-02, with: priya, gave: A}\n",
                                   "journal/2026/12.Yml": "- {date: 2026-12-01, with: sam, gave: B}\n",
                                   "journal/2026/all-hands.MD": "---\ndate: 2026-11-18\nwith: sam\nthanked: C\n---\nBody\n",
                                   "journal/2026/retro.markdown": "---\ndate: 2026-11-19\nwith: sam\ngave: D\n---\n"})
    project = load_project(root)
    assert project.diagnostics == ()
    assert [(e.what, e.note) for e in project.journal.entries] == [("A", ""), ("C", "Body"), ("D", ""), ("B", "")]
    errors = errors_of(tmp_path / "bad", {"journal/2026/11.YAML": "- {date: 2026-11-02, with: pryia, gave: A}\n"})
    assert [e["file"] for e in errors] == ["journal/2026/11.YAML"]


def test_markdown_without_front_matter(tmp_path):
    one_error(tmp_path, "# All-hands\n\nI thanked the platform team.\n", "#", kind="file",
              file="journal/2026/2026-11-18-all-hands.md", says=("front matter",))


def test_markdown_front_matter_errors_have_file_positions(tmp_path):
    text = "---\ndate: 2026-11-18\nwith: pryia\nthanked: Called out the migration\nsise: small\n---\nThe note.\n"
    errors = errors_of(tmp_path, {"journal/a.md": text})
    assert len(errors) == 2
    error_at(errors, "journal/a.md", text, "pryia", kind="person")
    error_at(errors, "journal/a.md", text, "sise", kind="field")


def test_markdown_syntax_error_position(tmp_path):
    text = "---\ndate: 2026-11-18\nwith: priya\nthanked: Called: out\n---\nThe note.\n"
    one_error(tmp_path, text, "Called:", kind="syntax", file="journal/a.md", offset=len("Called"))


def test_markdown_note_field_and_body(tmp_path):
    text = "---\ndate: 2026-11-18\nwith: priya\nthanked: Called out the migration\nnote: Short\n---\nLong body.\n"
    one_error(tmp_path, text, "note", kind="field", file="journal/a.md", says=("keep one",))


def test_markdown_entries_list_with_a_stray_key(tmp_path):
    text = "---\nentries:\n  - {date: 2026-11-18, with: priya, thanked: A}\nentires: []\n---\n"
    one_error(tmp_path, text, "entires", kind="field", file="journal/a.md", says=("next to 'entries'",))


@pytest.mark.parametrize("week", ["2026-W60", "2025-W53", "2026-48", "W48", "2026-W00", "0001-W01", "9999-W52"])
def test_reflection_with_a_bad_week(tmp_path, week):
    text = f"---\nweek: {week}\n---\nA good week.\n"
    says = "between 1900 and 2999" if week[:4] in ("0001", "9999") else "ISO week"
    one_error(tmp_path, text, week, kind="value", file="journal/reflections/r.md", says=(says,))


def test_reflection_week_53_exists_in_2026(tmp_path):
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE,
                                   "journal/reflections/r.md": "---\nweek: 2026-W53\n---\nYear end.\n"})
    assert check_json(root)[0] == 0


def test_reflection_with_another_key_and_a_second_reflection(tmp_path):
    a = "---\nweek: 2026-W48\n---\nFirst.\n"
    b = "---\nweek: 2026-W48\nmood: fine\n---\nSecond.\n"
    errors = errors_of(tmp_path, {"journal/reflections/a.md": a, "journal/reflections/b.md": b})
    error_at(errors, "journal/reflections/b.md", b, "mood", kind="field", says=("only 'week'",))
    error_at(errors, "journal/reflections/b.md", b, "2026-W48", kind="file",
             says=("second reflection", "journal/reflections/a.md:2"))


def test_a_second_reflection_is_the_file_not_named_after_its_week(tmp_path):
    # adding reflections/2026-W47-bis.md blames the new file, not the 2026-W47.md that was there first
    text = "---\nweek: 2026-W47\n---\nMore.\n"
    errors = errors_of(tmp_path, {"journal/reflections/2026-W47.md": "---\nweek: 2026-W47\n---\nFirst.\n",
                                  "journal/reflections/2026-W47-bis.md": text})
    (e,) = errors
    error_at(errors, "journal/reflections/2026-W47-bis.md", text, "2026-W47", kind="file",
             says=("second reflection", "journal/reflections/2026-W47.md:2"))


def test_week_in_an_entrys_front_matter_is_one_error_at_week(tmp_path):
    # not a "reflection" with unknown fields date/with/gave that also clashes with the week's real reflection
    text = "---\ndate: 2026-11-26\nweek: 2026-W48\nwith: priya\ngave: Reviewed the deck\n---\nBody\n"
    one_error(tmp_path, text, "week", kind="field", file="journal/2026/entry.md",
              says=("unknown field 'week'", "a reflection is a file of its own"))


def test_a_people_file_named_in_another_case_is_named_as_such(tmp_path):
    errors = errors_of(tmp_path, {"journal/People.YAML": PEOPLE,
                                  "journal/a.yaml": "- {date: 2026-11-02, with: priya, gave: A}\n"}, people=None)
    e = error_at(errors, "journal/People.YAML", PEOPLE, "priya", kind="file", says=("read only as 'people.yaml'",))
    assert "rename People.YAML" in e["message"]


def test_a_second_date_in_front_matter_does_not_suggest_a_dash(tmp_path):
    text = "---\ndate: 2026-11-02\nwith: priya\ngave: A\ndate: 2026-11-03\n---\n"
    e = one_error(tmp_path, text, "date", nth=2, kind="field", file="journal/2026/e.md", says=("duplicate key 'date'",))
    assert "- " not in e["message"]


def test_front_matter_that_is_never_closed_says_so(tmp_path):
    text = "---\ndate: 2026-11-26\nwith: priya\ngave: Reviewed the deck\n\nThe body.\n"
    one_error(tmp_path, text, "---", kind="file", file="journal/2026/entry.md", says=("never closed",))


def test_coach_notes_are_markdown(tmp_path):
    one_error(tmp_path, "- a note\n", "- a note", kind="file", file="journal/coach/notes.yaml",
              says=("coach notes",))


# --- all together ---------------------------------------------------------------------------------


def test_all_errors_of_all_files_in_one_run(tmp_path):
    files = {
        "journal/people.yaml": "priya: {name: Priya Shah, level: peeer}\nsam: {name: Sam Okafor, level: senior}\n",
        "journal/2026/10.yaml": "- {date: 2026-10-02, with: sam, gave: A, sise: small}\n",
        "journal/2026/11.yaml": "- {date: 2026-11-31, with: sam, gave: B}\n- {date: 2026-11-02, with: som, gave: C}\n",
        "journal/2026/2026-11-18-all-hands.md": "no front matter\n",
        "journal/reflections/2026-W48.md": "---\nweek: 2026-W99\n---\n",
        "reflect.yaml": "windw_weeks: 4\n",
    }
    root = make_project(tmp_path, files)
    code, doc, err = check_json(root)
    assert code == 1 and err == ""
    got = {(e["file"], e["line"], e["column"]) for e in doc["errors"]}
    expected = {
        ("journal/people.yaml", *position_of(files["journal/people.yaml"], "peeer")),
        ("journal/2026/10.yaml", *position_of(files["journal/2026/10.yaml"], "sise")),
        ("journal/2026/11.yaml", *position_of(files["journal/2026/11.yaml"], "2026-11-31")),
        ("journal/2026/11.yaml", *position_of(files["journal/2026/11.yaml"], "som")),
        ("journal/2026/2026-11-18-all-hands.md", 1, 1),
        ("journal/reflections/2026-W48.md", *position_of(files["journal/reflections/2026-W48.md"], "2026-W99")),
        ("reflect.yaml", 1, 1),
    }
    assert got == expected
    # sorted by file, then position
    keys = [(e["file"], e["line"], e["column"]) for e in doc["errors"]]
    assert keys == sorted(keys)
    # the text output lists every one as FILE:LINE:COLUMN: and counts them
    code, out, err = run_cli(["check", "--project", root, "--as-of", "2026-11-27"])
    assert code == 1 and err == ""
    for f, line, col in expected:
        assert any(ln.startswith(f"{f}:{line}:{col}: ") for ln in out.splitlines()), (f, line, col)
    assert "7 errors in 6 files" in out


def test_broken_entries_do_not_hide_good_ones(tmp_path):
    text = "- {date: 2026-11-02, with: priya, gave: A}\n- {date: 2026-11-03, with: nobody, gave: B}\n"
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE, "journal/a.yaml": text})
    project = load_project(root, use_cache=False)
    assert [e.what for e in project.journal.entries] == ["A"]
    assert len(project.diagnostics) == 1


# --- good input ------------------------------------------------------------------------------------


def test_block_and_flow_style_load_the_same(tmp_path):
    block = ("- date: 2026-11-24\n  with: [priya, sam]\n  asked: Feedback on the plan\n  outcome: helped\n"
             "  size: medium\n  public: true\n  tags: [plan, q1]\n  acknowledged: private\n")
    flow = ("- {date: 2026-11-24, with: [priya, sam], asked: Feedback on the plan, outcome: helped, size: medium,"
            " public: true, tags: [plan, q1], acknowledged: private}\n")
    loaded = []
    for name, text in (("block", block), ("flow", flow)):
        root = make_project(tmp_path / name, {"journal/people.yaml": PEOPLE, "journal/a.yaml": text})
        project = load_project(root, use_cache=False)
        assert not project.diagnostics
        (e,) = project.journal.entries
        loaded.append((e.date, e.people, e.act, e.what, e.size, e.public, e.tags, e.outcome, e.acknowledged))
    assert loaded[0] == loaded[1] == (dt.date(2026, 11, 24), ("priya", "sam"), Act.ASKED, "Feedback on the plan",
                                      Size.MEDIUM, True, ("plan", "q1"), Outcome.HELPED, "private")


def test_defaults(tmp_path):
    text = "- {date: 2026-11-24, with: sam, asked: Budget sign-off}\n"
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE, "journal/a.yaml": text})
    (e,) = load_project(root, use_cache=False).journal.entries
    assert (e.size, e.public, e.planned, e.outcome, e.tags, e.note) == (Size.SMALL, False, False, Outcome.PENDING, (), "")


def test_markdown_entries_get_the_body_as_note(tmp_path):
    one = "---\ndate: 2026-11-18\nwith: priya\nthanked: Called out the migration\npublic: true\n---\n\nFive minutes.\n"
    many = ("---\nentries:\n  - {date: 2026-11-18, with: priya, thanked: A, public: true}\n"
            "  - date: 2026-11-19\n    with: sam\n    gave: B\n---\nShared body.\n")
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE, "journal/2026/one.md": one,
                                   "journal/2026/many.md": many})
    project = load_project(root, use_cache=False)
    assert not project.diagnostics
    got = {(e.what, e.source.path, e.source.line, e.note) for e in project.journal.entries}
    assert got == {
        ("Called out the migration", "journal/2026/one.md", 2, "Five minutes."),
        ("A", "journal/2026/many.md", position_of(many, "{date")[0], "Shared body."),
        ("B", "journal/2026/many.md", position_of(many, "date: 2026-11-19")[0], "Shared body."),
    }


def test_reflections_and_coach_notes(tmp_path):
    root = make_project(tmp_path, {
        "journal/people.yaml": PEOPLE,
        "journal/reflections/2026-W48.md": "---\nweek: 2026-W48\n---\nI asked more this week.\n",
        "journal/coach/2026-W48.md": "---\nweek: 2026-W48\n---\nGood progress.\n",
    })
    project = load_project(root, use_cache=False)
    assert not project.diagnostics
    assert [(r.week, r.text, r.kind) for r in project.journal.reflections] == [
        ("2026-W48", "I asked more this week.", "owner")]
    assert [(r.week, r.text, r.kind) for r in project.journal.coach_notes] == [("2026-W48", "Good progress.", "coach")]


@pytest.mark.parametrize("folder", ["Coach", "COACH"])
def test_the_coach_folder_is_named_in_any_case(tmp_path, folder):
    # once journal/Coach/2026-W48.md was read as "a second reflection for 2026-W48"
    root = make_project(tmp_path, {
        "journal/people.yaml": PEOPLE,
        "journal/reflections/2026-W48.md": "---\nweek: 2026-W48\n---\nI asked more this week.\n",
        f"journal/{folder}/2026-W48.md": "---\nweek: 2026-W48\n---\nGood progress.\n",
    })
    code, doc, _ = check_json(root)
    assert code == 0 and doc["errors"] == [], doc["errors"]
    project = load_project(root, use_cache=False)
    assert [(r.text, r.kind) for r in project.journal.coach_notes] == [("Good progress.", "coach")]
    assert [r.text for r in project.journal.reflections] == ["I asked more this week."]


def test_only_the_journals_own_coach_folder_holds_coach_notes(tmp_path):
    # a folder named coach deeper down (journal/2026/coach/) is not the coach's
    root = make_project(tmp_path, {
        "journal/people.yaml": PEOPLE,
        "journal/2026/Coach/2026-W48.md": "---\nweek: 2026-W48\n---\nMine after all.\n",
    })
    project = load_project(root, use_cache=False)
    assert not project.diagnostics
    assert [r.kind for r in project.journal.reflections] == ["owner"] and not project.journal.coach_notes


def test_hidden_and_foreign_files_are_skipped(tmp_path):
    root = make_project(tmp_path, {
        "journal/people.yaml": PEOPLE,
        "journal/a.yml": "- {date: 2026-11-02, with: priya, gave: A}\n",
        "journal/.obsidian/workspace.yaml": "{{{ not yaml",
        "journal/.draft.yaml": "{{{ not yaml",
        "journal/notes.txt": "{{{ not yaml",
    })
    code, doc, err = check_json(root)
    assert (code, doc["errors"]) == (0, [])
    assert doc["balances"][0]["gives"] == 1, ".yml files are journal files"


def test_journal_folder_from_config(tmp_path):
    root = make_project(tmp_path, {
        "reflect.yaml": "journal: notes/favours\n",
        "notes/favours/people.yaml": PEOPLE,
        "notes/favours/a.yaml": "- {date: 2026-11-02, with: pryia, gave: A}\n",
    })
    code, doc, _ = check_json(root)
    assert code == 1 and [e["file"] for e in doc["errors"]] == ["notes/favours/a.yaml"]


def test_a_large_journal_is_parsed_on_other_processes_while_the_caller_works(tmp_path, monkeypatch):
    # `reflect build` compiles its templates while the files are parsed elsewhere: the hook runs
    # once, in this process, only when the parse is spread over processes, and changes nothing
    import os

    from reflect import loader

    months = {f"journal/{2020 + i // 12}/{i % 12 + 1:02d}.yaml":
              f"- {{date: {2020 + i // 12}-{i % 12 + 1:02d}-03, with: priya, gave: Review number {i}}}\n"
              for i in range(loader.PARALLEL_MIN_FILES + 6)}
    months["journal/2022/05.yaml"] += "- {date: 2022-05-04, with: nobody, gave: Typo}\n"
    root = make_project(tmp_path, {"journal/people.yaml": PEOPLE, **months})
    calls: list[int] = []
    with_hook = load_project(root, use_cache=False, while_parsing=lambda: calls.append(os.getpid()))
    plain = load_project(root, use_cache=False)
    if os.cpu_count() and os.cpu_count() > 1 and loader.sys.platform.startswith("linux"):
        assert calls == [os.getpid()]
    assert with_hook.journal.entries == plain.journal.entries and len(plain.journal.entries) == len(months)
    assert with_hook.diagnostics == plain.diagnostics and len(plain.diagnostics) == 1
    calls.clear()
    small = make_project(tmp_path / "small", {"journal/people.yaml": PEOPLE, "journal/2026/11.yaml": months["journal/2020/01.yaml"]})
    load_project(small, use_cache=False, while_parsing=lambda: calls.append(1))
    assert calls == []


def test_text_typed_with_combining_accents_is_read_composed(tmp_path):
    # 'Siobha\u0301n' (a + combining acute) is 'Siobhán': one letter, as shown, matched and sorted
    root = make_project(tmp_path, {
        "journal/people.yaml": 'siobhan: {name: "Siobha\\u0301n O\\u0308zil", level: peer}\n',
        "journal/a.yaml": "- date: 2026-11-02\n  with: siobhan\n  gave: Revie\u0301w of her cafe\u0301 plan\n",
        "journal/b.md": "---\ndate: 2026-11-03\nwith: siobhan\nthanked: Notes\n---\nMerci, Siobha\u0301n.\n"})
    project = load_project(root, use_cache=False)
    assert not project.diagnostics
    assert project.journal.people["siobhan"].name == "Siobh\u00e1n \u00d6zil"
    a, b = project.journal.entries
    assert a.what == "Revi\u00e9w of her caf\u00e9 plan" and b.note == "Merci, Siobh\u00e1n."


def test_hangul_typed_in_parts_is_read_whole_and_compatibility_characters_stay(tmp_path):
    import unicodedata

    parts = unicodedata.normalize("NFD", "한지민")       # jamo: nine characters for three syllables
    root = make_project(tmp_path, {
        "journal/people.yaml": f"han: {{name: {parts}, level: peer}}\n",
        "journal/a.yaml": "- date: 2026-11-02\n  with: han\n  gave: \uf900 stays\n"})
    project = load_project(root, use_cache=False)
    assert not project.diagnostics
    assert project.journal.people["han"].name == "한지민"
    assert project.journal.entries[0].what == "\uf900 stays"
