"""Balance rules: one-way giving, one-way taking, never asking, balanced exchange."""
from __future__ import annotations

from reflect.console import fmt_weight, plural
from reflect.model import Act, Severity
from reflect.rules import Hit, Rule, RuleContext, evidence_of


_n = fmt_weight


def _ratio(a: float, b: float) -> str:
    if b == 0:
        return f"{_n(a)} to 0"
    return f"{_n(a)} to {_n(b)}"


def _one_way_giving(ctx: RuleContext):
    start, end = ctx.window
    p = ctx.params
    for b in ctx.ledger.balances(start, end):
        if b.gives >= p["min_gives"] and b.invested > 0 and b.invested >= p["ratio"] * b.taken:
            name = ctx.name(b.person)
            yield Hit(
                message=(f"you have invested {_n(b.invested)} in {name} over {plural(ctx.config.window_weeks, 'week')} "
                         f"and drawn {_n(b.taken)} from {name} ({plural(b.gives, 'give')}, "
                         f"{plural(b.receipts + b.asks, 'ask or receipt', 'asks or receipts')})"),
                people=(b.person,), evidence=evidence_of(b.flows),
                numbers=f"invested {_ratio(b.invested, b.taken)} taken by weight; fires at {_n(p['ratio'])}:1 "
                        f"with at least {_n(p['min_gives'])} gives")


ONE_WAY_GIVING = Rule(
    id="one-way-giving", code="R101", title="One-way giving",
    idea="Helping someone again and again without ever letting them help you teaches them that you need "
         "nothing. When the day comes that you do need support, nobody thinks to offer it.",
    severity=Severity.WARNING,
    params={"ratio": 3, "min_gives": 3},
    param_help={"ratio": "invested must be at least this many times what was taken",
                "min_gives": "the fewest gives to this person before the rule speaks"},
    lesson="A relationship where only one side ever gives is fragile: asking for help is part of the exchange, "
           "not a failure of it. People like to be useful to someone who has been useful to them.",
    suggestion="Ask {name} for something small this week: an opinion, a review, an introduction.",
    fires="""
- {date: 2026-11-02, with: priya, gave: Reviewed the roadmap deck}
- {date: 2026-11-10, with: priya, gave: Covered the steering meeting, size: medium}
- {date: 2026-11-18, with: priya, gave: Introduced a data contact}
""",
    quiet="""
- {date: 2026-11-02, with: priya, gave: Reviewed the roadmap deck}
- {date: 2026-11-10, with: priya, gave: Covered the steering meeting, size: medium}
- {date: 2026-11-18, with: priya, gave: Introduced a data contact}
- {date: 2026-11-20, with: priya, asked: Feedback on the transformation plan, outcome: helped, size: medium}
""",
    check=_one_way_giving)


def _one_way_taking(ctx: RuleContext):
    start, end = ctx.window
    p = ctx.params
    for b in ctx.ledger.balances(start, end):
        draws = b.receipts + b.asks
        if draws >= p["min_takes"] and b.taken > 0 and b.taken >= p["ratio"] * b.invested:
            name = ctx.name(b.person)
            yield Hit(
                message=(f"you have drawn {_n(b.taken)} from {name} (help received and asks) over "
                         f"{plural(ctx.config.window_weeks, 'week')} and invested {_n(b.invested)} in {name} "
                         f"({plural(draws, 'ask or receipt', 'asks or receipts')}, {plural(b.gives, 'give')})"),
                people=(b.person,), evidence=evidence_of(b.flows),
                numbers=f"taken {_ratio(b.taken, b.invested)} invested by weight; fires at {_n(p['ratio'])}:1 "
                        f"with at least {_n(p['min_takes'])} asks or receipts")


ONE_WAY_TAKING = Rule(
    id="one-way-taking", code="R102", title="One-way taking",
    idea="Drawing on someone's help while giving little back wears away their goodwill, and with it the "
         "support you will want for your next big initiative.",
    severity=Severity.WARNING,
    params={"ratio": 3, "min_takes": 3},
    param_help={"ratio": "taken must be at least this many times what was invested",
                "min_takes": "the fewest asks or receipts before the rule speaks"},
    lesson="Goodwill is spent faster than it is earned. Someone who mostly receives is soon seen as "
           "self-serving, even when every single ask was reasonable.",
    suggestion="Find out what {name} is working on and offer one concrete piece of help, without being asked.",
    fires="""
- {date: 2026-11-03, with: sam, asked: Budget sign-off for the pilot, outcome: helped, size: medium}
- {date: 2026-11-12, with: sam, received: Air cover in the exec review}
- {date: 2026-11-19, with: sam, asked: Intro to the CFO, outcome: pending}
""",
    quiet="""
- {date: 2026-11-03, with: sam, asked: Budget sign-off for the pilot, outcome: helped, size: medium}
- {date: 2026-11-12, with: sam, received: Air cover in the exec review}
- {date: 2026-11-19, with: sam, asked: Intro to the CFO, outcome: pending}
- {date: 2026-11-20, with: sam, gave: Drafted the board update for the programme, size: medium}
""",
    check=_one_way_taking)


def _is_done_ask(e) -> bool:
    return e.act is Act.ASKED and not e.planned


def _never_asking(ctx: RuleContext):
    start, end = ctx.window
    # entries_where/flows_where: the same filters, made week by week and kept (see Ledger.per_block)
    if ctx.ledger.entries_where("never-asking:asks", _is_done_ask, start, end):
        return  # an ask in the window: quiet, whatever the gives (looked at first, it spares counting them)
    gives = ctx.ledger.invested_flows(start, end)
    give_entries = {f.entry.source for f in gives}
    if len(give_entries) >= ctx.params["min_gives"]:
        people = tuple(sorted({f.person for f in gives}))
        yield Hit(
            message=(f"{plural(len(give_entries), 'give')} and not a single ask in the last "
                     f"{plural(ctx.config.window_weeks, 'week')}"),
            people=(), evidence=evidence_of(gives),
            numbers=f"{len(give_entries)} gives, 0 asks; fires at {_n(ctx.params['min_gives'])} gives with no ask "
                    f"(people helped: {len(people)})")


NEVER_ASKING = Rule(
    id="never-asking", code="R103", title="Never asking",
    idea="Asking with intent is half of reciprocity. Someone who only ever gives is assumed to be fine on their "
         "own, and is left alone exactly when help would matter.",
    severity=Severity.WARNING,
    params={"min_gives": 5},
    param_help={"min_gives": "the fewest gives in the window before a missing ask is noticed"},
    lesson="Asking is not taking advantage: it shows trust, gives others the chance to contribute, and keeps "
           "you visible as someone with goals worth supporting.",
    suggestion="Pick one person you have helped recently and ask them for input on something that matters to you.",
    fires="""
- {date: 2026-10-20, with: priya, gave: Reviewed the roadmap deck}
- {date: 2026-10-28, with: sam, gave: Wrote the pilot summary}
- {date: 2026-11-04, with: jo, gave: Mentoring on stakeholder maps}
- {date: 2026-11-12, with: lee, gave: Shared the hiring rubric}
- {date: 2026-11-20, with: priya, gave: Took a customer call for her}
""",
    quiet="""
- {date: 2026-10-20, with: priya, gave: Reviewed the roadmap deck}
- {date: 2026-10-28, with: sam, gave: Wrote the pilot summary}
- {date: 2026-11-04, with: jo, gave: Mentoring on stakeholder maps}
- {date: 2026-11-12, with: lee, gave: Shared the hiring rubric}
- {date: 2026-11-20, with: priya, gave: Took a customer call for her}
- {date: 2026-11-24, with: sam, asked: Sponsor the data-platform pitch, outcome: pending}
""",
    check=_never_asking)


def _balanced_exchange(ctx: RuleContext):
    start, end = ctx.window
    p = ctx.params
    for b in ctx.ledger.balances(start, end):
        draws = b.receipts + b.asks
        if b.gives < 1 or draws < 1 or b.exchanges < p["min_exchanges"]:
            continue
        if b.taken == 0 or b.invested == 0:
            continue
        r = b.invested / b.taken
        if p["max_ratio"] > 0 and 1 / p["max_ratio"] <= r <= p["max_ratio"]:
            name = ctx.name(b.person)
            yield Hit(
                message=(f"a two-way relationship with {name}: you invested {_n(b.invested)} and drew "
                         f"{_n(b.taken)} (help received and asks) over {plural(b.exchanges, 'exchange')}"),
                people=(b.person,), evidence=evidence_of(b.flows),
                numbers=f"ratio {r:.2f}; within 1:{_n(p['max_ratio'])}..{_n(p['max_ratio'])}:1 "
                        f"with at least {_n(p['min_exchanges'])} exchanges")


BALANCED_EXCHANGE = Rule(
    id="balanced-exchange", code="R104", title="Balanced exchange",
    idea="When both sides offer expertise and both sides ask for input, trust grows in both directions; "
         "that web of mutual investment is what rallies behind a risky project.",
    severity=Severity.STRENGTH,
    params={"max_ratio": 2, "min_exchanges": 4},
    param_help={"max_ratio": "invested and taken stay within this ratio of each other",
                "min_exchanges": "the fewest exchanges in the window"},
    lesson="Balanced relationships are resilient: neither side feels used, and both expect to be asked again.",
    suggestion="Keep the rhythm with {name}; this is someone to bring in early on your next big initiative.",
    fires="""
- {date: 2026-10-15, with: priya, gave: Reviewed the roadmap deck}
- {date: 2026-10-29, with: priya, asked: Input on the pricing change, outcome: helped}
- {date: 2026-11-09, with: priya, gave: Lent two analysts for a sprint, size: medium}
- {date: 2026-11-19, with: priya, received: Her data on churn, size: medium}
""",
    quiet="""
- {date: 2026-10-15, with: priya, gave: Reviewed the roadmap deck}
- {date: 2026-10-29, with: priya, gave: Input on the pricing change}
- {date: 2026-11-09, with: priya, gave: Lent two analysts for a sprint, size: medium}
- {date: 2026-11-19, with: priya, received: Her data on churn}
""",
    check=_balanced_exchange)
