"""`reflect schema`: JSON Schemas (draft 2020-12) of journal and people files, for editors.

Built from the loader's field tables (ACTS, COMMON_FIELDS, ACT_FIELDS,
PERSON_FIELDS, PERSON_ID) and the model's enums, so the schema cannot drift
from what `reflect check` accepts.  Declared as draft 2020-12, and written so
that validators which only know draft-07 (the YAML language server behind
VS Code's YAML extension, at the time of writing) read it the same way: no
keywords next to a `$ref`, and `dependencies` next to `dependentSchemas`.  A YAML language server uses them to
complete field names and flag mistakes as you type; `reflect check` stays
the judge (it also knows who is in people.yaml, and real calendar dates).
"""
from __future__ import annotations

import json
from pathlib import Path

from reflect.errors import UsageError
from reflect.loader import ACT_FIELDS, ACTS, ALL_FIELDS, PERSON_FIELDS, PERSON_ID
from reflect.model import Alignment, Level, Outcome, Size

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DATE_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"

_ACT_HELP = {
    "gave": "What you did for them (a favour, help, an introduction, credit).",
    "received": "What they did for you.",
    "asked": "What you asked them for; say how it went with 'outcome'.",
    "promised": "What you promised them; later add 'kept' or 'dropped'.",
    "thanked": "How you thanked them (public: true when others could see it).",
}
_FIELD_HELP = {
    "date": "The day it happened (YYYY-MM-DD).",
    "with": "A person id from people.yaml, ids separated by commas ('priya, sam'), or a list of ids.",
    "size": "small (default), medium or large: the weight of the favour.",
    "public": "true when others could see it (credit in a meeting, an endorsement).",
    "tags": "Words to group entries by ('private' keeps the note out of shared reports).",
    "note": "Anything worth remembering (Markdown).",
    "planned": "true: an intention for that date, not yet done; it never moves a balance.",
    "outcome": "How the ask went: helped, declined or pending (default).",
    "due": "When the promise is due (YYYY-MM-DD).",
    "kept": "When the promise was kept (YYYY-MM-DD): it then counts as a give on that date.",
    "dropped": "When the promise was released without being kept (YYYY-MM-DD).",
    "acknowledged": "public or private: you credited the help.",
}
_PERSON_HELP = {
    "name": "Display name.",
    "level": "Relative to you: senior, peer, junior or external.",
    "team": "Free text.",
    "alignment": "How much this relationship matters to what you are trying to achieve (default medium).",
    "rhythm": "How often you mean to be in touch, e.g. '2 weeks', '10 days', '1 month'.",
    "aliases": "Other names you write for them (first name, nickname).",
    "note": "Markdown.",
}


def _values(enum) -> list[str]:
    return [m.value for m in enum]


def _words() -> dict:
    return {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}


def _date() -> dict:
    return {"type": "string", "pattern": DATE_PATTERN}


def _person_id() -> dict:
    return {"type": "string", "pattern": PERSON_ID.pattern}


_ID = PERSON_ID.pattern.removeprefix("^").removesuffix("$")
# `with: priya, sam`: the loader splits a string at its commas, strips each part and skips
# empty ones ('priya,,sam,' is two people); it needs at least one comma (without one the string
# is a single id, taken as it is) and at least one id (',' names nobody)
IDS_PATTERN = rf"^(?=[\s\S]*[a-z0-9])\s*(?:{_ID}\s*)?(?:,\s*(?:{_ID}\s*)?)+$"


def _with() -> dict:
    """What the loader takes for `with`: an id, ids separated by commas, or a list of ids.  An id
    of digits ('42') is one YAML reads as a number: the loader takes it as written."""
    one = [_person_id(), {"type": "integer", "minimum": 0}]
    return {"oneOf": [*one, {"type": "string", "pattern": IDS_PATTERN},
                      {"type": "array", "items": {"oneOf": one}, "minItems": 1}]}


def _field_schema(name: str) -> dict:
    # Plain copies rather than $ref: editors that validate with draft-07 rules ignore
    # the keywords next to a $ref (the description would be lost).
    text = {"type": "string", "minLength": 1, "pattern": "\\S"}   # not blank: the loader refuses "  " too
    kinds = {
        "date": _date(), "due": _date(), "kept": _date(), "dropped": _date(),
        "with": _with(),
        "size": {"enum": _values(Size)},
        "public": {"type": "boolean"},
        "planned": {"type": "boolean"},
        "tags": _words(),
        "note": {"type": "string"},
        "outcome": {"enum": _values(Outcome)},
        "acknowledged": {"enum": ["public", "private"]},
    }
    schema = dict(kinds.get(name, text))
    help_ = _ACT_HELP.get(name) or _FIELD_HELP.get(name)
    if help_:
        schema["description"] = help_
    return schema


def journal_schema() -> dict:
    """A journal YAML file: a list of entries, each with date, with and exactly one act."""
    dependent = {}
    for name, acts in ACT_FIELDS.items():
        alts = [{"required": [a]} for a in acts]
        if name == "acknowledged":
            # on an ask, only with outcome: helped (the loader's rule)
            alts = [{"required": ["asked", "outcome"], "properties": {"outcome": {"const": Outcome.HELPED.value}}}
                    if a["required"] == ["asked"] else a for a in alts]
        dependent[name] = alts[0] if len(alts) == 1 else {"anyOf": alts}
    entry = {
        "type": "object",
        "description": "One act of reciprocity: date, with, and exactly one of " + ", ".join(ACTS) + ".",
        "required": ["date", "with"],
        "properties": {name: _field_schema(name) for name in ALL_FIELDS},
        "additionalProperties": False,
        "oneOf": [{"required": [a], "title": a} for a in ACTS],
        "dependentSchemas": dependent,
        # the same for editors that only know draft-07 (where 2020-12 ignores it)
        "dependencies": dependent,
        "not": {"required": ["kept", "dropped"]},
    }
    return {
        "$schema": DRAFT,
        "title": "reflect journal file",
        "description": "A list of entries (journal/**/*.yaml). Fields: " + ", ".join(ALL_FIELDS) + ".",
        "type": "array",
        "items": {"$ref": "#/$defs/entry"},
        "$defs": {"entry": entry},
    }


def people_schema() -> dict:
    """people.yaml: a mapping of slug ids to people."""
    props = {}
    for name in PERSON_FIELDS:
        if name == "level":
            s: dict = {"enum": _values(Level)}
        elif name == "alignment":
            s = {"enum": _values(Alignment)}
        elif name == "aliases":
            s = _words()
        elif name == "note":
            s = {"type": "string"}
        elif name == "rhythm":
            s = {"type": "string", "examples": ["2 weeks", "10 days", "1 month", "monthly"]}
        elif name == "team":
            s = {"type": "string"}
        else:
            s = {"type": "string", "minLength": 1, "pattern": "\\S"}
        if name in _PERSON_HELP:
            s["description"] = _PERSON_HELP[name]
        props[name] = s
    return {
        "$schema": DRAFT,
        "title": "reflect people.yaml",
        "description": "Who is who: each person's id (a lower-case slug) maps to their details.",
        "type": "object",
        "propertyNames": {"pattern": PERSON_ID.pattern},
        "additionalProperties": {"$ref": "#/$defs/person"},
        "$defs": {
            "person": {
                "type": "object",
                "required": ["name", "level"],
                "properties": props,
                "additionalProperties": False,
            },
        },
    }


def schemas() -> dict[str, dict]:
    return {"journal.schema.json": journal_schema(), "people.schema.json": people_schema()}


def _dump(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def cmd_schema(args, con) -> int:
    from reflect.cli import EXIT_OK, output_path, resolve_project, writing
    from reflect.pdf import write_atomic

    docs = schemas()
    if args.out is not None and str(args.out) == "-":
        con.print(_dump(docs).rstrip("\n"))
        return EXIT_OK
    if args.out is not None:
        out = output_path("--out", args.out)
    else:
        try:
            out = resolve_project(args) / ".reflect" / "schema"
        except UsageError as exc:
            raise UsageError(f"{exc}; or pass --out DIR (--out - prints them)") from None
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: not a folder")
    with writing("--out" if args.out is not None else "", out):
        out.mkdir(parents=True, exist_ok=True)
        for name, doc in docs.items():
            path = out / name
            shown = _shown(path)
            text = _dump(doc)
            if path.exists() and path.read_text(encoding="utf-8") == text:
                con.print(f"unchanged {shown}")
                continue
            write_atomic(path, text.encode("utf-8"))   # each schema whole, or not at all
            con.print(f"wrote {shown}")
    return EXIT_OK
