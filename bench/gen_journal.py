#!/usr/bin/env python3
"""Write a synthetic, valid reflect project for benchmarks (deterministic, stdlib only).

    python bench/gen_journal.py --entries 10000 --people 200 --seed 1 --out bench/out/j10k

writes

    DIR/reflect.yaml                 owner: Bench Owner
    DIR/journal/people.yaml          P people (levels ~15/55/25/5 % senior/peer/junior/external)
    DIR/journal/YYYY/MM.yaml         one file per month, that month's entries in date order
    DIR/.bench-journal               what generated the folder (hidden: reflect skips it)

The entries end on 2026-11-27 and run at about 20 a week, so 10,000 entries
cover about 520 weeks (ten years). Larger journals keep the same ten-year span
and simply have more entries a week; smaller ones cover fewer weeks.

The mix follows docs of the journal format: acts gave/received/asked/promised/
thanked 40/25/15/10/10 %, sizes small/medium/large 60/30/10 % (small is often
left out, it is the default), ~20 % public, tags on ~30 %, short Markdown
notes on ~15 %, ~10 % flow-style entries, ~5 % with two people, asks with an
outcome, promises with a due date (most kept, a few dropped, recent ones
open), acknowledgements only on received help or helped asks, and a few
`planned: true` entries in the last week. The same arguments always give the
same bytes.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import sys

END = dt.date(2026, 11, 27)  # the benchmark's --as-of (a Friday)
PER_WEEK = 20
MAX_WEEKS = 520  # ten years
MARKER = ".bench-journal"
FORMAT_VERSION = 1

FIRST_NAMES = (
    "Ada", "Bruno", "Carmen", "Dmitri", "Esther", "Farid", "Greta", "Hugo",
    "Ines", "Jonas", "Keiko", "Luis", "Maren", "Nadia", "Oskar", "Paula",
    "Rafael", "Selma", "Theo", "Ulla", "Viktor", "Wanda", "Yara", "Zeno",
    "Amara", "Bjorn", "Celia", "Dario", "Elif", "Felix",
)
LAST_NAMES = (
    "Abe", "Brandt", "Castillo", "Dahl", "Engel", "Ferreira", "Gupta",
    "Holm", "Iqbal", "Juarez", "Kim", "Lindqvist", "Mensah", "Novak",
    "Olsen", "Park", "Reyes", "Sato", "Toivonen", "Uribe", "Vogel",
    "Wong", "Yamada", "Zielinski",
)
TEAMS = (
    "Platform", "Payments", "Data", "Mobile", "Design", "Sales", "Support",
    "Security", "Finance", "People", "Infrastructure", "Growth",
)
RHYTHMS = ("1 week", "2 weeks", "10 days", "3 weeks", "1 month", "6 weeks", "2 months")
TAGS = (
    "advice", "code-review", "hiring", "mentoring", "intro", "docs", "on-call",
    "design", "customer", "roadmap", "demo", "budget", "interview", "release",
)

GAVE = (
    "Reviewed the Q3 roadmap deck before the exec review",
    "Paired on the flaky integration test",
    "Covered the Tuesday on-call shift",
    "Introduced them to the data platform lead",
    "Proof-read the design doc for the billing rewrite",
    "Explained how the deploy pipeline works",
    "Wrote a reference for the promotion packet",
    "Lent my test device for the release",
    "Took over two support tickets",
    "Shared my interview question bank",
    "Helped debug a memory leak in the importer",
    "Ran the retrospective in their place",
    "Mock interview for the staff role",
    "Sketched the API for the new search service",
    "Unblocked the migration: fixed the schema script",
    "Gave feedback on the conference talk (second draft)",
)
RECEIVED = (
    "Reviewed my pull request within the hour",
    "Covered my shift during the offsite",
    "Walked me through the capacity model",
    "Sent me the customer interview notes",
    "Fixed the broken dashboard I depend on",
    "Vouched for my proposal in the planning meeting",
    "Lent me a laptop charger before the demo",
    "Explained the pricing history",
    "Shared their hiring rubric",
    "Took the late call with the vendor",
    "Answered my question about the on-call rotation",
    "Proof-read my blog post: \"What we learned from the outage\"",
)
ASKED = (
    "Feedback on the transformation plan",
    "A second pair of eyes on the incident report",
    "An intro to the security team",
    "Help with the load test setup",
    "Their notes from the architecture review",
    "To sponsor the internal tools proposal",
    "Advice on the reorg conversation",
    "A slot on the platform team's roadmap",
    "To mentor the new graduate hire",
    "Budget for the training course",
)
PROMISED = (
    "Send the benchmark numbers",
    "Review the onboarding doc",
    "Introduce them to our VP of Sales",
    "Write up the migration playbook",
    "Pair on the test harness next sprint",
    "Share the slides from the offsite",
    "Look at the flaky build on their branch",
    "Draft the job description with them",
)
THANKED = (
    "Called out the migration work at all-hands",
    "Thank-you note after the launch",
    "Credited the team in the weekly update",
    "Endorsed them for the mentoring award",
    "Thanked them in the incident review",
    "Spotlight in the engineering newsletter",
    "Kudos in the team channel for the release",
)
NOTES = (
    "Took about an hour; they seemed relieved.",
    "Follow up in **two weeks** to see how it landed.",
    "Worth doing again: it opened a door with their manager.",
    "They mentioned it twice in the stand-up.",
    "Small thing, but it came at *exactly* the right moment.",
    "Next time ask earlier: I only heard about it on Friday.",
    "See the [design doc](https://example.com/docs/design) for context.",
    "Remember: they prefer a message over a meeting.",
)
NOTES_MULTI = (
    ("What went well:", "- quick turnaround", "- clear next steps"),
    ("Context: the release slipped a week.", "", "They stepped in *without being asked*."),
    ("Open questions", "1. who owns the follow-up?", "2. is there a budget?"),
)

ACTS = ("gave", "received", "asked", "promised", "thanked")
ACT_WEIGHTS = (40, 25, 15, 10, 10)
TEXTS = {"gave": GAVE, "received": RECEIVED, "asked": ASKED, "promised": PROMISED, "thanked": THANKED}
SIZES = ("small", "medium", "large")
SIZE_WEIGHTS = (60, 30, 10)
LEVEL_SHARES = (("senior", 15), ("peer", 55), ("junior", 25), ("external", 5))
RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
PLAIN_OK = re.compile(r"[A-Za-z][A-Za-z0-9 .,;'()/?!*\[\]-]*\Z")


def scalar(text: str, flow: bool = False) -> str:
    """A YAML scalar for `text`: plain when that is unambiguous, else double-quoted."""
    plain = (
        PLAIN_OK.match(text) is not None
        and text.lower() not in RESERVED
        and not text.endswith(" ")
        and "[" not in text[:1]
        and "*" not in text[:1]
    )
    if plain and flow and any(c in text for c in ",[]{}"):
        plain = False
    # ASCII-only JSON strings are valid YAML double-quoted scalars.
    return text if plain else json.dumps(text, ensure_ascii=True)


# ---------------------------------------------------------------- people


def make_people(count: int, rng: random.Random) -> list[dict]:
    if count < 2:
        raise SystemExit("--people must be at least 2 (some entries are with two people)")
    names = []
    rounds = 0
    while len(names) < count:
        for last in LAST_NAMES:
            for first in FIRST_NAMES:
                if len(names) == count:
                    break
                suffix = f"-{rounds + 1}" if rounds else ""
                names.append((first, last, suffix))
            if len(names) == count:
                break
        rounds += 1

    # Exact level shares (largest remainder), then shuffled deterministically.
    raw = [(lvl, count * share / 100) for lvl, share in LEVEL_SHARES]
    counts = {lvl: int(x) for lvl, x in raw}
    rest = count - sum(counts.values())
    for lvl, x in sorted(raw, key=lambda r: (-(r[1] - int(r[1])), r[0]))[:rest]:
        counts[lvl] += 1
    levels = [lvl for lvl, _ in LEVEL_SHARES for _ in range(counts[lvl])]
    rng.shuffle(levels)

    people = []
    used_aliases: set[str] = set()
    for (first, last, suffix), level in zip(names, levels):
        pid = f"{first}-{last}{suffix}".lower()
        person = {"id": pid, "name": f"{first} {last}", "level": level}
        if level != "external" and rng.random() < 0.6:
            person["team"] = rng.choice(TEAMS)
        if level == "external":
            person["team"] = rng.choice(("Acme Corp", "Globex", "Initech", "Umbrella Partners"))
        if rng.random() < 0.4:
            person["alignment"] = rng.choices(("high", "medium", "low"), weights=(30, 45, 25))[0]
        if rng.random() < 0.3:
            person["rhythm"] = rng.choice(RHYTHMS)
        alias = f"{first} {last[0]}."
        if rng.random() < 0.1 and alias not in used_aliases and not suffix:
            used_aliases.add(alias)
            person["aliases"] = [alias]
        if rng.random() < 0.05:
            person["note"] = rng.choice(NOTES)
        people.append(person)
    return people


def people_yaml(people: list[dict]) -> str:
    out = ["# Who is who (generated by bench/gen_journal.py)\n"]
    for p in people:
        out.append(f"{p['id']}:\n")
        out.append(f"  name: {scalar(p['name'])}\n")
        out.append(f"  level: {p['level']}\n")
        for key in ("team", "alignment", "rhythm"):
            if key in p:
                out.append(f"  {key}: {scalar(p[key])}\n")
        if "aliases" in p:
            out.append(f"  aliases: [{', '.join(scalar(a, flow=True) for a in p['aliases'])}]\n")
        if "note" in p:
            out.append(f"  note: {scalar(p['note'])}\n")
    return "".join(out)


# ---------------------------------------------------------------- entries


def span(entries: int) -> tuple[dt.date, int]:
    weeks = min(MAX_WEEKS, max(1, -(-entries // PER_WEEK)))
    days = weeks * 7
    return END - dt.timedelta(days=days - 1), days


def pick_days(n: int, days: int, rng: random.Random) -> list[int]:
    """Day offsets from the start, mostly on weekdays, sorted."""
    first = END - dt.timedelta(days=days - 1)
    out = []
    while len(out) < n:
        d = rng.randrange(days)
        weekday = (first + dt.timedelta(days=d)).weekday()
        if weekday >= 5 and rng.random() < 0.85:
            continue
        out.append(d)
    out.sort()
    return out


def make_entries(n: int, people: list[dict], rng: random.Random) -> list[dict]:
    first, days = span(n)
    ids = [p["id"] for p in people]
    # Zipf-like popularity on a shuffled order: some people are frequent, some dormant.
    order = ids[:]
    rng.shuffle(order)
    weight = {pid: 1.0 / (i + 1) ** 0.8 for i, pid in enumerate(order)}
    for p in people:
        if p["level"] == "external":
            weight[p["id"]] *= 0.3
    weights = [weight[pid] for pid in ids]

    planned_count = min(max(1, n // 2000), 12) if n >= 50 else 0
    offsets = pick_days(n - planned_count, days, rng)
    last_week = [days - 1 - k for k in range(7) if days - 1 - k >= 0]

    entries = []
    for off in offsets:
        entries.append(one_entry(first + dt.timedelta(days=off), ids, weights, rng))
    for _ in range(planned_count):
        date = first + dt.timedelta(days=rng.choice(last_week))
        entries.append(planned_entry(date, ids, weights, rng))
    entries.sort(key=lambda e: e["date"])  # stable: same-day order is generation order
    return entries


def pick_with(ids, weights, rng, two: bool):
    a = rng.choices(ids, weights=weights)[0]
    if not two:
        return a
    while True:
        b = rng.choices(ids, weights=weights)[0]
        if b != a:
            return [a, b]


def one_entry(date: dt.date, ids, weights, rng: random.Random) -> dict:
    act = rng.choices(ACTS, weights=ACT_WEIGHTS)[0]
    two = rng.random() < (0.12 if act in ("gave", "thanked") else 0.02)
    e: dict = {"date": date, "with": pick_with(ids, weights, rng, two), "act": act,
               "text": rng.choice(TEXTS[act])}
    size = rng.choices(SIZES, weights=SIZE_WEIGHTS)[0]
    if size != "small" or rng.random() < 0.25:
        e["size"] = size
    if rng.random() < (0.5 if act == "thanked" else 0.15):
        e["public"] = True
    elif rng.random() < 0.03:
        e["public"] = False
    if rng.random() < 0.3:
        e["tags"] = rng.sample(TAGS, rng.choice((1, 1, 2, 3)))

    age = (END - date).days
    if act == "asked":
        outcome = rng.choices(("helped", "declined", "pending"), weights=(65, 15, 20))[0]
        if age < 21 and rng.random() < 0.6:
            outcome = "pending"
        if outcome != "pending" or rng.random() < 0.5:  # pending is the default
            e["outcome"] = outcome
        if outcome == "helped" and rng.random() < 0.35:
            e["acknowledged"] = rng.choice(("public", "private", "private"))
    elif act == "received":
        if rng.random() < 0.35:
            e["acknowledged"] = rng.choice(("public", "private", "private"))
    elif act == "promised":
        due = date + dt.timedelta(days=rng.randint(2, 28))
        e["due"] = due
        r = rng.random()
        if age < 28 and r < 0.5:
            pass  # still open
        elif r < 0.93:
            kept = min(date + dt.timedelta(days=rng.randint(0, (due - date).days + 5)), END)
            e["kept"] = kept
        else:
            e["dropped"] = min(due + dt.timedelta(days=rng.randint(0, 10)), END)
    if rng.random() < 0.15:
        if rng.random() < 0.25:
            e["note_lines"] = rng.choice(NOTES_MULTI)
        else:
            e["note"] = rng.choice(NOTES)
    # Flow style only for short entries (it is how people write one-liners).
    e["flow"] = (
        rng.random() < 0.10
        and not any(k in e for k in ("note", "note_lines", "tags", "due", "acknowledged"))
    )
    return e


def planned_entry(date: dt.date, ids, weights, rng: random.Random) -> dict:
    act = rng.choice(("gave", "gave", "thanked", "asked"))
    e: dict = {"date": date, "with": pick_with(ids, weights, rng, False), "act": act,
               "text": rng.choice(TEXTS[act]), "planned": True, "flow": False}
    if rng.random() < 0.4:
        e["size"] = rng.choice(("small", "medium"))
    return e


def entry_yaml(e: dict) -> str:
    w = e["with"]
    if e["flow"]:
        parts = [f"date: {e['date'].isoformat()}"]
        parts.append(f"with: [{', '.join(w)}]" if isinstance(w, list) else f"with: {w}")
        parts.append(f"{e['act']}: {scalar(e['text'], flow=True)}")
        for key in ("size", "outcome"):
            if key in e:
                parts.append(f"{key}: {e[key]}")
        if "public" in e:
            parts.append(f"public: {'true' if e['public'] else 'false'}")
        for key in ("kept", "dropped"):
            if key in e:
                parts.append(f"{key}: {e[key].isoformat()}")
        return "- {" + ", ".join(parts) + "}\n"

    out = [f"- date: {e['date'].isoformat()}\n"]
    if isinstance(w, list):
        if len(e["text"]) % 2:  # both list styles occur
            out.append(f"  with: [{', '.join(w)}]\n")
        else:
            out.append("  with:\n" + "".join(f"    - {x}\n" for x in w))
    else:
        out.append(f"  with: {w}\n")
    out.append(f"  {e['act']}: {scalar(e['text'])}\n")
    if "size" in e:
        out.append(f"  size: {e['size']}\n")
    if "public" in e:
        out.append(f"  public: {'true' if e['public'] else 'false'}\n")
    if "tags" in e:
        out.append(f"  tags: [{', '.join(e['tags'])}]\n")
    if "outcome" in e:
        out.append(f"  outcome: {e['outcome']}\n")
    for key in ("due", "kept", "dropped"):
        if key in e:
            out.append(f"  {key}: {e[key].isoformat()}\n")
    if "acknowledged" in e:
        out.append(f"  acknowledged: {e['acknowledged']}\n")
    if e.get("planned"):
        out.append("  planned: true\n")
    if "note" in e:
        out.append(f"  note: {scalar(e['note'])}\n")
    if "note_lines" in e:
        out.append("  note: |\n" + "".join(
            (f"    {line}\n" if line else "\n") for line in e["note_lines"]))
    return "".join(out)


# ---------------------------------------------------------------- output


def write_project(out: str, entries_n: int, people_n: int, seed: int) -> dict:
    rng = random.Random(seed)
    people = make_people(people_n, rng)
    entries = make_entries(entries_n, people, rng)

    os.makedirs(out, exist_ok=True)
    marker = os.path.join(out, MARKER)
    journal = os.path.join(out, "journal")
    if os.path.isdir(journal):
        if not os.path.exists(marker):
            raise SystemExit(f"{journal} exists and was not written by gen_journal.py; refusing to replace it")
        shutil.rmtree(journal)
    os.makedirs(journal)

    def write(path: str, text: str) -> None:
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)

    write(os.path.join(out, "reflect.yaml"), "owner: Bench Owner\n")
    write(os.path.join(journal, "people.yaml"), people_yaml(people))

    months: dict[tuple[int, int], list[str]] = {}
    for e in entries:
        months.setdefault((e["date"].year, e["date"].month), []).append(entry_yaml(e))
    for (year, month), chunks in sorted(months.items()):
        folder = os.path.join(journal, f"{year:04d}")
        os.makedirs(folder, exist_ok=True)
        header = f"# {year:04d}-{month:02d}: {len(chunks)} entries (generated by bench/gen_journal.py, seed {seed})\n"
        body = "\n".join(chunks)
        write(os.path.join(folder, f"{month:02d}.yaml"), header + "\n" + body)

    first, days = span(entries_n)
    info = {
        "format": FORMAT_VERSION, "entries": entries_n, "people": people_n, "seed": seed,
        "first": first.isoformat(), "last": END.isoformat(), "months": len(months),
    }
    write(marker, json.dumps(info, sort_keys=True) + "\n")
    return info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", "-n", type=int, required=True, help="number of entries")
    ap.add_argument("--people", "-p", type=int, default=200, help="number of people (default 200)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", required=True, help="project folder to write")
    a = ap.parse_args(argv)
    if a.entries < 0:
        ap.error("--entries must be >= 0")
    info = write_project(a.out, a.entries, a.people, a.seed)
    print(f"wrote {a.out}: {info['entries']} entries, {info['people']} people, "
          f"{info['months']} month files, {info['first']} .. {info['last']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
