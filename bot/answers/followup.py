"""Follow-ups resolved against what the owner was shown: 「それに使える支援策は？」 gives the
programs of the presented direction(s), 「2つ目について詳しく」 the second one (pure)."""

from __future__ import annotations

import re
import unicodedata

from bot.answers.problem import direction_items, program_items
from bot.answers.survey import context_facts, fact_item
from bot.compose import Draft
from bot.matches import direction_match, program_match
from bot.models import Answer

_KANJI = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_NTH = re.compile(
    r"([1-5一二三四五])\s*(?:つ目|番目|個目|点目|番)|\b(first|second|third|fourth|fifth)\b"
    r"|(最後|\blast\b(?!\s+(?:year|time|month|week|fiscal)))",
    re.I,
)


def asked_position(text: str) -> int | None:
    """1-based position a follow-up points at; -1 for the last one."""
    m = _NTH.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    if m.group(3):
        return -1
    raw = m.group(1) or m.group(2).lower()
    return int(raw) if raw.isdigit() else _KANJI.get(raw) or _WORDS[raw]


def shown_directions(prev: Answer) -> list[str]:
    return [d.title for d in prev.directions[: prev.primary]]


def shown_programs(prev: Answer) -> list[str]:
    return [p.name for p in prev.programs[: prev.primary_programs]]


def _pick(items: list[str], position: int | None) -> list[str]:
    if position is None or not items:
        return items
    if position == -1:
        return items[-1:]
    return items[position - 1 : position] or items[:1]


def answer_followup(
    d: Draft, query: str, intent: str, position: int | None, prev: Answer, focus: str | None = None
) -> Answer:
    """``position``: the shown item the follow-up counts to (「2つ目」); ``focus``: the shown
    direction it names in its own words (「海外の方」)."""
    corpus, w = d.corpus, d.w
    shown = shown_directions(prev)
    directions = [focus] if focus in shown and position is None else _pick(shown, position)
    links = corpus.aids.programs
    programs = list(
        dict.fromkeys(
            [*shown_programs(prev), *(n for n, aid in links.items() if set(aid.directions) & set(directions))]
        )
    )
    if position is not None and not directions:
        programs = _pick(programs, position)
    first = directions[0] if directions else ""
    first_en = corpus.gloss(first)
    shown_programs_out: list[str] = []
    if intent == "programs":
        if programs:
            d.add("programs", [i for p in programs for i in program_items(d, p)])
            lead = w.say(
                "followup.lead_programs",
                direction=first,
                direction_en=first_en,
                programs=w.join([d.program(p) for p in programs]),
            )
            shown_programs_out = programs
        else:
            lead = w.say("followup.lead_no_programs", direction=first, direction_en=first_en)
        d.add("directions", [i for t in directions for i in direction_items(d, t)])
    elif intent == "cases":
        companies = list(dict.fromkeys(c.company for p in programs for c in corpus.document.cases_using(p)))
        if companies:
            d.add("programs", [i for p in programs for i in program_items(d, p)])
            lead = w.say(
                "followup.lead_cases",
                programs=w.join([d.program(p) for p in programs]),
                companies=w.join([d.company(c) for c in companies]),
            )
            shown_programs_out = programs
        else:
            lead = w.say("followup.lead_no_cases", direction=first, direction_en=first_en)
            d.add("directions", [i for t in directions for i in direction_items(d, t)])
    elif intent == "survey":
        facts = context_facts(corpus, directions)
        d.add("survey", [fact_item(d, f) for f in facts])
        key = "followup.lead_survey" if facts else "followup.lead_no_survey"
        lead = w.say(key, direction=first, direction_en=first_en)
    elif not directions and programs:  # the shown item was a program
        d.add("programs", [i for p in programs[:1] for i in program_items(d, p)])
        lead = w.say("followup.lead_program_detail", program=d.program(programs[0]))
        shown_programs_out = programs[:1]
    else:  # more about the shown direction(s)
        numeral = corpus.document.strategy_of(first).numeral
        lead = w.say(
            "followup.lead_detail", direction=first, direction_en=first_en, strategy=d.strategy(numeral)
        )
        d.add("directions", [i for t in directions for i in direction_items(d, t)])
        s = corpus.document.strategy(numeral)
        related = [
            d.quote(text, ref=s.numeral)
            for kind, texts in (("issue", s.issues), ("remark", s.remarks))
            for i, text in enumerate(texts)
            if first in (corpus.aids.issue_links if kind == "issue" else corpus.aids.remark_links)[numeral][i]
        ]
        d.add("facts", related)
        d.add("survey", [fact_item(d, f) for f in context_facts(corpus, directions)])
        if programs:
            d.add("programs", [i for p in programs for i in program_items(d, p)])
            shown_programs_out = programs
    kind = {"cases": "case", "survey": "survey"}.get(intent, "problem")
    return d.finish(
        query,
        kind,
        lead,
        directions=[direction_match(corpus, t, 1.0) for t in directions],
        programs=[program_match(corpus, p, 1.0) for p in shown_programs_out],
        primary=len(directions),
        primary_programs=len(shown_programs_out),
        reason="followup",
    )
