"""Answers about the document itself: a strategy's directions, 課題, 委員発言, the Vision's
①–⑤, the new movements, the three pillars, the open questions — the list asked for, or the one
item, each cited (pure; the question is read by bot.answers.structure_question)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answers.problem import items_said
from bot.answers.structure_question import LINKED_PARTS, PER_STRATEGY, StructureQuestion, part_texts
from bot.compose import Draft
from bot.matches import direction_match
from bot.models import Answer, Item
from corpus.models import Strategy

LEAD_ITEMS_MAX = 100  # characters of a strategy's list the lead names in full; longer: the first


def _strategy_items(d: Draft, s: Strategy, part: str) -> list[Item]:
    if part == "directions":
        return [
            i
            for x in s.directions
            for i in [
                d.quote(x.title, ref=x.title, direction=x.title),
                *(d.quote(t, ref=x.title, direction=x.title) for t in x.items),
            ]
        ]
    return [d.quote(t, ref=s.numeral) for t in part_texts(s, part)]


def _per_strategy(d: Draft, q: StructureQuestion) -> str:
    doc = d.corpus.document
    if q.strategy is None:
        for s in doc.strategies:
            d.add("structure", _strategy_items(d, s, q.part), title=d.strategy(s.numeral))
        # 'how many directions in all?': the count leads the list
        counted = [s.directions if q.part == "directions" else part_texts(s, q.part) for s in doc.strategies]
        total = sum(len(c) for c in counted)
        return d.w.say("structure.lead_all", part=d.w.say(f"structure.parts.{q.part}"), n=total)
    s = doc.strategy(q.strategy)
    d.add("structure", _strategy_items(d, s, q.part), title=d.strategy(s.numeral))
    if q.part == "directions":
        titles = d.w.join(
            [
                d.w.quoted(x.title if d.lang == "ja" else f"{x.title} ({d.corpus.gloss(x.title)})")
                for x in s.directions
            ]
        )
        named = {"strategy": d.strategy(s.numeral), "titles": titles, "n": len(s.directions)}
        if q.located is None:
            return d.w.say("structure.lead_directions", **named)
        gloss = d.corpus.gloss(q.located)
        return d.w.say("structure.lead_located", direction=q.located, direction_en=gloss, **named)
    texts = part_texts(s, q.part)
    linked = _linked(d, s, q) if q.item is None else []
    if linked:  # 「女性の起業の壁について委員は？」: the remarks on that topic's direction
        return d.w.say(
            "structure.lead_linked",
            strategy=d.strategy(s.numeral),
            part=d.w.say(f"structure.parts.{q.part}"),
            direction=q.located,
            direction_en=d.corpus.gloss(q.located or ""),
            items=_lead_items(d, linked),
        )
    if q.item is not None:  # the one item asked, by its position or its words
        part = d.w.say(f"structure.parts.{q.part}")
        return d.w.say(
            "structure.lead_item",
            strategy=d.strategy(s.numeral),
            part=part,
            n=q.item + 1,
            item=_lead_items(d, texts[q.item : q.item + 1]),
        )
    return d.w.say(
        f"structure.lead_{q.part}", strategy=d.strategy(s.numeral), n=len(texts), items=_lead_items(d, texts)
    )


def _linked(d: Draft, s: Strategy, q: StructureQuestion) -> list[str]:
    """The strategy's 課題 or 委員発言 that the project links to the direction asked about."""
    if q.located is None or q.part not in LINKED_PARTS:
        return []
    links = d.corpus.aids.issue_links if q.part == "issues" else d.corpus.aids.remark_links
    per_item = links.get(s.numeral, [])
    return [t for i, t in enumerate(part_texts(s, q.part)) if i < len(per_item) and q.located in per_item[i]]


def _lead_items(d: Draft, texts: Sequence[str]) -> str:
    """What the lead names of a list: all of it when short, else its first item and "…"."""

    def one(t: str) -> str:
        gloss = d.corpus.gloss(t) if d.w.en else ""
        return d.w.quoted(f"{t} ({gloss})" if gloss else t)

    if sum(len(t) for t in texts) <= LEAD_ITEMS_MAX:
        return d.w.join([one(t) for t in texts])
    return d.w.say("structure.first_of", first=one(texts[0]))


def answer_structure(d: Draft, query: str, q: StructureQuestion) -> Answer:
    doc, corpus = d.corpus.document, d.corpus
    presented: list[str] = []
    if q.part in PER_STRATEGY:
        lead = _per_strategy(d, q)
        if q.part == "directions" and q.strategy:
            presented = [q.located] if q.located else [x.title for x in doc.strategy(q.strategy).directions]
        elif q.part in LINKED_PARTS and q.located:
            presented = [q.located]  # the topic asked about: the direction its 課題 or 委員発言 serve
    elif q.part == "direction_items" and q.direction:
        s = doc.strategy_of(q.direction)
        x = next(x for x in s.directions if x.title == q.direction)
        d.add("directions", [d.quote(t, ref=x.title, direction=x.title) for t in [x.title, *x.items]])
        lead = d.w.say(
            "structure.lead_direction_items",
            direction=x.title,
            direction_en=corpus.gloss(x.title),
            strategy=d.strategy(s.numeral),
            items=items_said(d, x.title),
        )
        presented = [x.title]
    elif q.part == "pillars":
        ba = doc.basic_approach
        for p in ba.pillars:
            d.add("structure", [d.quote(t, ref=p.name) for t in p.points], title=p.name)
        pillars = d.w.join(
            [d.w.quoted(p.name if d.lang == "ja" else corpus.gloss(p.name) or p.name) for p in ba.pillars]
        )
        lead = d.w.say(
            "structure.lead_pillars", summary=ba.summary, summary_en=corpus.gloss(ba.summary), pillars=pillars
        )
    elif q.part == "open_questions":
        items = [d.quote(t) for t in doc.vision_changes.open_questions]
        d.add("structure", items)
        lead = d.w.say("structure.lead_open_questions", n=len(items))
    else:  # the five strategies
        d.add("structure", [d.quote(s.heading, ref=s.numeral) for s in doc.strategies])
        lead = d.w.say(
            "structure.lead_strategies", titles=d.w.join([d.strategy(s.numeral) for s in doc.strategies])
        )
        if q.located:  # which of the five the shown direction is in, first
            where = d.strategy(doc.strategy_of(q.located).numeral)
            gloss = corpus.gloss(q.located)
            shown_in = d.w.say(
                "structure.lead_shown_in", direction=q.located, direction_en=gloss, strategy=where
            )
            lead, presented = shown_in + lead, [q.located]
    return d.finish(
        query,
        "structure",
        lead,
        directions=[direction_match(corpus, t, 1.0) for t in presented],
        primary=len(presented),
    )
