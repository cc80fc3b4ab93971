"""reflect.yaml: documented defaults, errors with positions and suggestions,
and settings that change what `reflect check` says."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import check_json, make_project, position_of
from reflect.config import Away, Config, load_config
from reflect.rules import CATALOG

PEOPLE = "priya: {name: Priya Shah, level: peer}\nsam: {name: Sam Okafor, level: senior}\n"
ENTRY = "- {date: 2026-11-02, with: priya, gave: Reviewed the deck}\n"


def config_errors(tmp_path, text: str) -> list[dict]:
    root = make_project(tmp_path, {"reflect.yaml": text, "journal/people.yaml": PEOPLE, "journal/a.yaml": ENTRY})
    code, doc, err = check_json(root)
    assert code == 1 and err == ""
    assert all(e["file"] == "reflect.yaml" for e in doc["errors"])
    return doc["errors"]


def one_config_error(tmp_path, text: str, token: str, *says: str, nth: int = 1, offset: int = 0,
                     kind: str = "config") -> dict:
    errors = config_errors(tmp_path, text)
    assert len(errors) == 1, errors
    (e,) = errors
    line, col = position_of(text, token, nth)
    assert (e["line"], e["column"], e["kind"]) == (line, col + offset, kind), (e, line, col)
    for word in says:
        assert word in e["message"], e
    return e


def test_no_config_means_the_documented_defaults(tmp_path):
    config, diags = load_config(tmp_path, CATALOG)
    assert diags == []
    assert (config.owner, config.journal, config.output, config.week_start, config.window_weeks,
            config.default_rhythm_days, dict(config.sizes), config.half_life_days, config.paper, config.away,
            dict(config.rules)) == ("Me", "journal", "site", "monday", 12, 42, {"small": 1, "medium": 3, "large": 8},
                                    None, "A4", (), {})


@pytest.mark.parametrize("text", ["", "# all defaults\n", "---\n"])
def test_an_empty_config_is_the_defaults(tmp_path, text):
    make_project(tmp_path, {"reflect.yaml": text})
    config, diags = load_config(tmp_path, CATALOG)
    assert diags == [] and config == Config(root=tmp_path)


def test_every_documented_setting_is_read(tmp_path):
    make_project(tmp_path, {"reflect.yaml": (
        "owner: Alex Rivera\njournal: notes\noutput: public\nweek_start: Sunday\nwindow_weeks: 8\n"
        "default_rhythm: 3 weeks\nsizes: {medium: 2, large: 5.5}\nhalf_life_days: 90\npaper: letter\n"
        "away:\n  - {from: 2026-12-21, to: 2027-01-03, note: Winter break}\n  - {from: 2026-08-03, to: 2026-08-14}\n"
        "rules:\n  one-way-giving: {ratio: 4, min_gives: 2}\n  grand-gestures: off\n  fading-relationship: warning\n")})
    config, diags = load_config(tmp_path, CATALOG)
    assert diags == []
    assert (config.owner, config.journal, config.output, config.week_start, config.window_weeks) == (
        "Alex Rivera", "notes", "public", "sunday", 8)
    assert config.default_rhythm_days == 21 and dict(config.sizes) == {"small": 1, "medium": 2, "large": 5.5}
    assert config.half_life_days == 90 and config.paper == "Letter"
    assert config.away == (Away(dt.date(2026, 8, 3), dt.date(2026, 8, 14)),
                           Away(dt.date(2026, 12, 21), dt.date(2027, 1, 3), "Winter break"))
    assert dict(config.rules["one-way-giving"].params) == {"ratio": 4, "min_gives": 2}
    assert config.rules["grand-gestures"].enabled is False
    assert config.rules["fading-relationship"].severity == "warning"


def test_unknown_key_with_suggestion(tmp_path):
    text = "owner: Alex\nwindw_weeks: 4\n"
    one_config_error(tmp_path, text, "windw_weeks", "unknown setting 'windw_weeks'", "did you mean 'window_weeks'")


def test_unknown_rule_with_suggestion(tmp_path):
    text = "rules:\n  one-way-givng: off\n"
    one_config_error(tmp_path, text, "one-way-givng", "unknown rule", "did you mean 'one-way-giving'")


def test_unknown_rule_param_with_suggestion(tmp_path):
    text = "rules:\n  one-way-giving: {ration: 4}\n"
    one_config_error(tmp_path, text, "ration", "unknown parameter 'ration'", "did you mean 'ratio'")


def test_unknown_severity_with_suggestion(tmp_path):
    text = "rules:\n  grand-gestures: warnng\n"
    one_config_error(tmp_path, text, "warnng", "did you mean 'warning'")
    text = "rules:\n  grand-gestures: {severity: notise}\n"
    one_config_error(tmp_path / "2", text, "notise", "did you mean 'notice'")


@pytest.mark.parametrize("text, token", [
    ("window_weeks: twelve\n", "twelve"),
    ("window_weeks: 0\n", "0"),
    ("window_weeks: -4\n", "-4"),
    ("window_weeks: 100000000\n", "100000000"),
    ("window_weeks: .inf\n", ".inf"),
    ("half_life_days: .nan\n", ".nan"),
    ("half_life_days: soon\n", "soon"),
    ("sizes: {small: 0}\n", "0"),
    ("sizes: {huge: 20}\n", "huge"),
    ("week_start: tuesday\n", "tuesday"),
    ("default_rhythm: whenever\n", "whenever"),
    ("paper: A5\n", "A5"),
    ("journal: ../elsewhere\n", "../elsewhere"),
    ("journal: /etc\n", "/etc"),
    ("owner: [Alex, Sam]\n", "[Alex"),
    ("away: 2026-12-21\n", "2026-12-21"),
    ("away: [{from: 2026-12-21, to: 2026-12-01}]\n", "2026-12-01"),
    ("away: [{from: 2026-12-41, to: 2026-12-31}]\n", "2026-12-41"),
    ("away: [{from: 20261221, to: 2026-12-31}]\n", "20261221"),
    ("away: [{from: 2026-W52-1, to: 2026-12-31}]\n", "2026-W52-1"),
    ("rules: [one-way-giving]\n", "[one"),
    ("rules: {one-way-giving: {ratio: many}}\n", "many"),
    ("rules: {one-way-giving: {ratio: -1}}\n", "-1"),
    ("rules: {compounding: {weeks: 1e400}}\n", "1e400"),
    ("rules: {sponsorship-ready: {months: 1000000000}}\n", "1000000000"),
    ("rules: {grand-gestures: {enabled: yes}}\n", "yes"),
])
def test_bad_values_are_errors_at_the_value(tmp_path, text, token):
    one_config_error(tmp_path, text, token)


def test_away_period_with_an_unknown_key(tmp_path):
    text = "away: [{from: 2026-12-21, until: 2026-12-31}]\n"
    errors = config_errors(tmp_path, text)
    line, col = position_of(text, "until")
    assert any((e["line"], e["column"]) == (line, col) and "unknown key 'until'" in e["message"] for e in errors), errors


def test_config_yaml_errors(tmp_path):
    one_config_error(tmp_path, "owner: Alex: Rivera\n", ":", nth=2, kind="syntax")
    one_config_error(tmp_path / "3", "- owner: Alex\n", "-", "mapping")


@pytest.mark.parametrize("text, key", [
    ("owner: Alex\nowner: Sam\n", "owner"),
    ("rules: {grand-gestures: off, grand-gestures: notice}\n", "grand-gestures"),
    ("rules:\n  one-way-giving: {ratio: 4, ratio: 5}\n", "ratio"),
    ("away: [{from: 2026-12-21, to: 2026-12-31, to: 2027-01-02}]\n", "to"),
])
def test_duplicate_settings_are_errors(tmp_path, text, key):
    one_config_error(tmp_path, text, key, f"duplicate key '{key}'", nth=2)


def test_config_and_journal_errors_are_reported_together(tmp_path):
    root = make_project(tmp_path, {"reflect.yaml": "windw_weeks: 4\n", "journal/people.yaml": PEOPLE,
                                   "journal/a.yaml": "- {date: 2026-11-02, with: pryia, gave: A}\n"})
    code, doc, _ = check_json(root)
    assert code == 1 and sorted(e["file"] for e in doc["errors"]) == ["journal/a.yaml", "reflect.yaml"]


# --- settings that change the result ------------------------------------------------------------

THREE_GIVES = ("- {date: 2026-11-02, with: priya, gave: A}\n- {date: 2026-11-10, with: priya, gave: B}\n"
               "- {date: 2026-11-18, with: priya, gave: C}\n- {date: 2026-11-20, with: priya, received: D, "
               "acknowledged: public}\n")
TWO_LARGE = ("- {date: 2026-11-02, with: priya, gave: A, size: large}\n"
             "- {date: 2026-11-16, with: sam, gave: B, size: large}\n- {date: 2026-11-18, with: sam, gave: C}\n")


def rules_found(tmp_path, entries: str, config: str = "") -> dict[str, str]:
    files = {"journal/people.yaml": PEOPLE, "journal/a.yaml": entries}
    if config:
        files["reflect.yaml"] = config
    code, doc, err = check_json(make_project(tmp_path, files))
    assert code == 0 and err == "", doc["errors"]
    return {f["rule"]: f["severity"] for f in doc["findings"]}


def test_rule_params_change_the_result(tmp_path):
    assert "one-way-giving" in rules_found(tmp_path / "a", THREE_GIVES)
    assert "one-way-giving" not in rules_found(tmp_path / "b", THREE_GIVES, "rules: {one-way-giving: {ratio: 4}}\n")


def test_off_and_severity(tmp_path):
    assert rules_found(tmp_path / "a", TWO_LARGE)["grand-gestures"] == "notice"
    assert "grand-gestures" not in rules_found(tmp_path / "b", TWO_LARGE, "rules: {grand-gestures: off}\n")
    assert rules_found(tmp_path / "c", TWO_LARGE, "rules: {grand-gestures: warning}\n")["grand-gestures"] == "warning"
    assert rules_found(tmp_path / "d", TWO_LARGE,
                       "rules:\n  grand-gestures:\n    severity: warning\n")["grand-gestures"] == "warning"


def test_sizes_change_the_weights(tmp_path):
    files = {"journal/people.yaml": PEOPLE, "journal/a.yaml": TWO_LARGE, "reflect.yaml": "sizes: {large: 10}\n"}
    _, doc, _ = check_json(make_project(tmp_path, files))
    assert {b["person"]: b["invested"] for b in doc["balances"]} == {"priya": 10, "sam": 11}


def test_window_weeks_changes_the_balances(tmp_path):
    files = {"journal/people.yaml": PEOPLE, "journal/a.yaml": TWO_LARGE, "reflect.yaml": "window_weeks: 2\n"}
    _, doc, _ = check_json(make_project(tmp_path, files))
    # two weeks ending 2026-11-27 start on 2026-11-14: the 11-02 give is out
    assert {b["person"]: b["invested"] for b in doc["balances"]} == {"sam": 9}


def test_away_days_count_a_day_in_overlapping_periods_once(tmp_path):
    d = dt.date
    cfg = Config(root=tmp_path, away=(Away(d(2026, 10, 12), d(2026, 10, 16)), Away(d(2026, 10, 14), d(2026, 10, 20)),
                                      Away(d(2026, 10, 15), d(2026, 10, 15)), Away(d(2026, 11, 2), d(2026, 11, 3))))
    assert cfg.away_days(d(2026, 10, 1), d(2026, 11, 30)) == 9 + 2          # Oct 12-20 and Nov 2-3
    assert cfg.away_days(d(2026, 10, 18), d(2026, 11, 2)) == 3 + 1          # Oct 18-20 and Nov 2
    # the same as counting day by day, for every window over those weeks
    days = [d(2026, 10, 1) + dt.timedelta(days=i) for i in range(40)]
    for i, start in enumerate(days):
        for end in days[i:]:
            by_day = sum(1 for k in range((end - start).days + 1) if cfg.is_away(start + dt.timedelta(days=k)))
            assert cfg.away_days(start, end) == by_day


def test_overlapping_away_periods_do_not_shorten_a_quiet_spell_twice(tmp_path):
    people = "jo: {name: Jo Park, level: peer, rhythm: 2 weeks}\n"
    entries = "- {date: 2026-09-01, with: jo, gave: A}\n- {date: 2026-09-08, with: jo, asked: B, outcome: helped}\n"
    config = "away:\n  - {from: 2026-10-12, to: 2026-10-16}\n  - {from: 2026-10-14, to: 2026-10-20}\n"
    root = make_project(tmp_path, {"journal/people.yaml": people, "journal/a.yaml": entries, "reflect.yaml": config})
    code, doc, err = check_json(root)
    (fading,) = [f for f in doc["findings"] if f["rule"] == "fading-relationship"]
    quiet = (dt.date(2026, 11, 27) - dt.date(2026, 9, 8)).days - 9
    assert f"{quiet} days quiet (not counting 9 days away)" in json_text(fading), fading


def json_text(finding: dict) -> str:
    return " ".join(str(v) for v in finding.values())


@pytest.mark.parametrize("text, token, says", [
    ("output: .\n", ".", "is the project folder itself"),
    ("output: journal/2026\n", "journal/2026", "(journal/2026) is inside the journal folder (journal)"),
    ("output: journal\n", "journal", "(journal) is the journal folder"),
    ("journal: site/journal\n", "site/journal", "(site) contains the journal folder (site/journal)"),
])
def test_an_output_folder_that_build_would_refuse_is_already_an_error_in_check(tmp_path, text, token, says):
    # `reflect build` replaces its output folder: check says so before a build is ever tried
    journal = "site/journal" if "site/journal" in text else "journal"
    root = make_project(tmp_path, {"reflect.yaml": text, f"{journal}/people.yaml": PEOPLE, f"{journal}/a.yaml": ENTRY})
    code, doc, _ = check_json(root)
    assert code == 1
    (e,) = doc["errors"]
    assert (e["file"], e["line"], e["column"]) == ("reflect.yaml", *position_of(text, token)) and says in e["message"], e


def test_a_rule_is_set_by_its_name_or_by_its_code(tmp_path):
    root = make_project(tmp_path, {"reflect.yaml": "rules:\n  R101: {ratio: 4}\n  r202: off\n",
                                   "journal/people.yaml": PEOPLE, "journal/a.yaml": ENTRY})
    config, diags = load_config(root, CATALOG)
    assert diags == []
    assert config.rules["one-way-giving"].params == {"ratio": 4}
    assert config.rules["over-giving"].enabled is False
    text = "rules:\n  R101: off\n  one-way-giving: warning\n"
    one_config_error(tmp_path / "twice", text, "one-way-giving", "set twice (also on line 2, as 'R101')")


@pytest.mark.parametrize("text, token, says, not_says", [
    ("window_weeks: -3\n", "-3", "expected a whole number of weeks, above 0, got '-3'", ""),
    ("rules: {one-way-giving: {ratio: -4}}\n", "-4", "0 or more, got '-4'", ""),
    ("week_start: tuesday\n", "tuesday", "must be monday or sunday, not 'tuesday'", "did you mean"),
    ("week_start: mondya\n", "mondya", "(did you mean 'monday'?)", ""),
])
def test_config_messages_say_what_is_wrong(tmp_path, text, token, says, not_says):
    e = one_config_error(tmp_path, text, token, says)
    assert not not_says or not_says not in e["message"], e


@pytest.mark.parametrize("text, token, says", [
    ('journal: ""\n', '""', "'journal' is the project folder itself"),
    ("journal: .\n", ".", "'journal' is the project folder itself"),
    ("output: .git\n", ".git", "is a hidden folder"),
    ("output: templates\n", "templates", "the theme's templates folder"),
    ("output: reflect.yaml\n", "reflect.yaml", "is a file"),
    ("output: reflect.yaml/site\n", "reflect.yaml/site", "is inside reflect.yaml, which is a file"),
])
def test_journal_and_output_folders_that_cannot_work_are_one_error(tmp_path, text, token, says):
    # `journal: .` is refused and the default journal/ is read, so its entries do not cascade
    one_config_error(tmp_path, text, token, says)


@pytest.mark.parametrize("text, token, says", [
    ("rules:\n  R101: {ratio: 0.5}\n", "0.5", "must be 1 or more (3 means 3:1)"),
    ("rules:\n  balanced-exchange: {max_ratio: 0.5}\n", "0.5", "must be 1 or more"),
    ("rules:\n  indiscriminate-giving: {max_low_share: 1.5}\n", "1.5", "a share between 0 and 1"),
    ("rules:\n  compounding: {weeks: 2.5}\n", "2.5", "a whole number of weeks"),
    ("rules:\n  sponsorship-ready: {months: 0}\n", "0}", "a whole number of months, 1 or more"),
])
def test_rule_parameters_out_of_their_meaning_are_errors(tmp_path, text, token, says):
    one_config_error(tmp_path, text, token, says)


def test_a_one_way_ratio_inside_the_balanced_range_is_an_error(tmp_path):
    """ratio 1.5 with balanced up to 2:1 would call one relationship one-way and balanced at once."""
    one_config_error(tmp_path, "rules:\n  R101: {ratio: 1.5}\n", "1.5",
                     "one-way-giving's ratio (1.5) is not above balanced-exchange's max_ratio (2)")
    one_config_error(tmp_path / "b", "rules:\n  R104: {max_ratio: 3}\n  R102: {ratio: 4}\n", "3}",
                     "one-way-giving's ratio (3)")
    one_config_error(tmp_path / "d", "rules:\n  R104: {max_ratio: 4}\n", "4}",
                     "one-way-giving's ratio (3) and one-way-taking's ratio (3) are not above")
    ok = make_project(tmp_path / "c", {"reflect.yaml": "rules:\n  R101: {ratio: 1.5}\n  R104: off\n",
                                       "journal/people.yaml": PEOPLE, "journal/a.yaml": ENTRY})
    assert check_json(ok)[0] == 0                      # balanced-exchange off: nothing to contradict


@pytest.mark.parametrize("text, token", [('owner: ""\n', '""'), ("owner: '   '\n", "'   '")])
def test_a_blank_owner_is_an_error_where_it_is_written(tmp_path, text, token):
    # once accepted: the dashboard's title became "’s reciprocity dashboard"
    one_config_error(tmp_path, text, token, "'owner' is blank", "default 'Me'")
