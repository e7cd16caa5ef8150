"""The answer to an owner's problem: the fitting program and a company that used it, the
direction, a survey figure, what the document can't answer, the next step (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.answers.survey import context_facts, fact_item
from bot.compose import Draft, clarify_choices
from bot.matches import direction_match, program_match, program_uses
from bot.models import Answer, Item
from bot.present import Choice
from bot.rank import Scored

MAX_LISTED = 5  # ranked directions reported in the JSON (the presented ones first)


@dataclass(frozen=True)
class Uncovered:
    text: str  # the clause, as the owner wrote it
    topic: str  # what kind of question it is (tax, labour_law, ...)


def uncovered_items(d: Draft, parts: Sequence[Uncovered]) -> list[Item]:
    """One note per topic the document can't answer, named by topic, never by the owner's words."""
    topics = list(dict.fromkeys(p.topic for p in parts))
    return [
        d.line(
            d.w.say(
                "decline.not_covered",
                name=d.w.say(f"decline.topic_names.{t}"),
                what=d.w.say(f"decline.topics.{t}"),
            ).strip()
        )
        for t in topics
    ]


def direction_items(d: Draft, title: str) -> list[Item]:
    strat = d.corpus.document.strategy_of(title)
    head_chunk = next(
        (c for c in d.passages.by_direction.get(title, []) if c.kind == "direction_title"), None
    )
    head = d.w.say(
        "problem.direction_item",
        title=title,
        title_en=d.corpus.gloss(title),
        strategy=d.strategy(strat.numeral),
    )
    items = [d.line(head, ref=title, cite=d.cite(head_chunk, direction=title))]
    direction = next(x for x in strat.directions if x.title == title)
    return items + [d.quote(text, ref=title, direction=title) for text in direction.items]


def items_said(d: Draft, title: str) -> str:
    """A direction's items as a lead names them: each quoted, with its gloss in English."""
    x = next(x for x in d.corpus.document.strategy_of(title).directions if x.title == title)
    return d.w.join([d.w.quoted(t) + (f" ({d.corpus.gloss(t)})" if d.w.en else "") for t in x.items])


def program_items(d: Draft, name: str) -> list[Item]:
    uses = program_uses(d.corpus, name)
    cases = d.corpus.document.cases_using(name)
    first = cases[0]
    head = d.w.say(
        "problem.program_item",
        name=d.program(name),
        name_en=d.corpus.gloss(name),
        **d.company_at(first.company, first.ward),
    )
    named = d.passages.by_case.get(first.company, [])
    where = next((c for c in named if c.kind == "case_programs"), None)
    items = [d.line(head, ref=name, cite=d.cite(where, program=name))]
    for use in uses[:2]:
        items.append(d.quote(use.did, ref=name, program=name))
        items.append(d.quote(use.result, ref=name, program=name))
    return items


def _once(items: list[Item]) -> list[Item]:
    """Two programs one company used together share its passages: each quoted once."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item.quote and item.text in seen:
            continue
        seen.add(item.text)
        out.append(item)
    return out


def _lead(d: Draft, choice: Choice, programs: Sequence[str]) -> str:
    w, corpus = d.w, d.corpus
    first = choice.directions[0]
    if choice.weak:
        return w.say("problem.lead_weak", direction=first, direction_en=corpus.gloss(first))
    if programs and not choice.several:
        case = corpus.document.cases_using(programs[0])[0]
        return w.say(
            "problem.lead_program",
            program=d.program(programs[0]),
            **d.company_at(case.company, case.ward),
            direction=first,
            direction_en=corpus.gloss(first),
        )
    if choice.several:
        titles = w.join([w.quoted(t) for t in choice.directions])
        return w.say("problem.lead_multi", n=len(choice.directions), titles=titles)
    if len(choice.directions) == 2:
        second = choice.directions[1]
        return w.say(
            "problem.lead_two",
            first=first,
            first_en=corpus.gloss(first),
            second=second,
            second_en=corpus.gloss(second),
        )
    numeral = corpus.document.strategy_of(first).numeral
    return w.say(
        "problem.lead_one", direction=first, direction_en=corpus.gloss(first), strategy=d.strategy(numeral)
    )


def answer_problem(
    d: Draft,
    query: str,
    choice: Choice,
    ranked: Sequence[Scored],
    programs: Sequence[str],
    uncovered: Sequence[Uncovered] = (),
    notices: Sequence[str] = (),
) -> Answer:
    corpus = d.corpus
    if programs and not choice.weak and not choice.several:
        d.add("programs", _once([i for name in programs for i in program_items(d, name)]))
    kind = "others" if choice.weak else "directions"
    d.add(kind, [i for title in choice.directions for i in direction_items(d, title)])
    survey = [] if choice.weak else context_facts(corpus, choice.directions, query)
    d.add("survey", [fact_item(d, f) for f in survey])
    d.add("not_covered", uncovered_items(d, uncovered))
    if not choice.weak:
        step = (
            d.w.say("problem.next_program", program=d.program(programs[0]))
            if programs
            else d.w.say(
                "problem.next_direction",
                direction=choice.directions[0],
                direction_en=corpus.gloss(choice.directions[0]),
            )
        )
        d.add("next_step", [d.line(step)])
    lead = _lead(d, choice, programs)
    scores = {s.title: s.score for s in ranked}
    shown = list(choice.directions)
    listed = [*shown, *[s.title for s in ranked if s.title not in shown]][:MAX_LISTED]
    shown_programs = list(programs) if not choice.weak else []
    return d.finish(
        query,
        "problem",
        lead,
        directions=[direction_match(corpus, t, scores.get(t, 0.0)) for t in listed],
        programs=[program_match(corpus, n, 1.0) for n in shown_programs],
        survey=survey,
        primary=len(shown),
        primary_programs=len(shown_programs),
        clarify=clarify_choices(d.lang) if choice.weak else [],
        not_covered=[u.text for u in uncovered],
        notices=list(notices),
        reason="weak" if choice.weak else "",
    )
