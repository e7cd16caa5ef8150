"""Follow-ups resolved against what the owner was shown: 「それに使える支援策は？」 gives the
programs of the presented direction(s), 「2つ目について詳しく」 the second one (pure)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.answers.problem import direction_items, items_said, program_items
from bot.answers.survey import context_facts, fact_item
from bot.compose import Draft
from bot.matches import direction_match, program_match
from bot.models import Answer, SurveyFact
from corpus.load import Corpus
from corpus.models import NUMERALS

FOCUS_MIN = 0.3  # a follow-up's own direction probability that singles out one shown direction
_KANJI = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_NTH = re.compile(
    r"([1-5一二三四五])\s*(?:つ目|番目|個目|点目|番)|\b(first|second|third|fourth|fifth)\b"
    r"|(最後|後(?:の|ろの)ほう|後者|\blatter\b|\blast\b(?!\s+(?:year|time|month|week|fiscal)))|([①②③④⑤])"
    r"|(最初|初めの|はじめの|前の方|前のほう|前者|\bformer\b)",  # 「後のほう」: the last; 「前者」 the first
    re.I,
)
_CIRCLED = "①②③④⑤"
_RANGE = re.compile(r"[〜~～\-ー－]|から|まで|\bto\b|through", re.I)
# words that point back at what was said (Japanese こそあ demonstratives, English pronouns)
_POINTING = re.compile(
    r"そ[れのこちっ]|こ[れのこち]|あ[れの]|\b(?:it|its|that|this|those|these|they|them|their)\b", re.I
)


# a demonstrative before a time word names a time, not what was shown: 「その前の年は何が1位？」
_TIME_POINTED = re.compile(
    r"そ(?:の|れ)(?:前|後|年|頃|時|とき|翌|次の年)|\b(?:that|this) (?:year|time)\b", re.I
)


_AT_COMPANY = re.compile(
    r"(?:その|この|あの)(?:会社|企業|社|メーカー|工場)|そこ[はがのでって]|\b(?:they|their|them)\b"
    r"|\b(?:that|this|the) (?:company|firm|maker|startup|business)\b",
    re.I,
)


def points_at_company(text: str) -> bool:
    """The message points at a company shown (「その会社は？」 "what did they get?"), not at a
    program (「その支援を使った会社は？」)."""
    return bool(_AT_COMPANY.search(text))


def points_back(text: str, times: bool = False) -> bool:
    """The message points at what was shown (「それって何位？」, "how did that change?");
    with ``times``, a pointed time (「その前の年」) counts too."""
    return bool(_POINTING.search(text if times else _TIME_POINTED.sub(" ", text)))


def asked_position(text: str) -> int | None:
    """1-based position a follow-up points at; -1 for the last one. A range (「①〜⑤」,
    「1つ目から3つ目」) points at no one item."""
    if len(_NTH.findall(text)) > 1 and _RANGE.search(text):
        return None
    circled = _NTH.search(text)  # ① is 1 after NFKC, which is no position
    if circled and circled.group(4):
        return _CIRCLED.index(circled.group(4)) + 1
    m = _NTH.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    if m.group(3):
        return -1
    if m.group(5):
        return 1
    raw = m.group(1) or m.group(2).lower()
    return int(raw) if raw.isdigit() else _KANJI.get(raw) or _WORDS[raw]


def last_shown(earlier: Sequence[Answer]) -> Answer | None:
    """The latest answer a follow-up can refer to: one that showed directions or programs, or
    answered about the survey or a company."""
    return next(
        (
            a
            for a in reversed(earlier)
            if a.in_scope and (a.primary or a.primary_programs or a.type in ("survey", "case", "structure"))
        ),
        None,
    )


def shown_fact(prev: Answer) -> SurveyFact | None:
    """The survey figure an answer led with (its first figure, or the top row of its table)."""
    facts = [*prev.survey, *(i.fact for sec in prev.sections for i in sec.items if i.fact)]
    return facts[0] if facts else None


_ANOTHER = re.compile(r"ほか|他[にので]|別の|\b(?:another|other|else)\b", re.I)


def asks_another(text: str) -> bool:
    """「ほかに〜の例は？」 / "any other company?": not the one just shown."""
    return bool(_ANOTHER.search(unicodedata.normalize("NFKC", text)))


def shown_companies(prev: Answer) -> list[str]:
    return [i.ref for sec in prev.sections if sec.kind == "cases" for i in sec.items]


def case_about(prev: Answer) -> str:
    """What a follow-up on a case answer is about: its question and the companies and programs
    it showed, in the document's names."""
    return " ".join(dict.fromkeys([prev.query, *shown_companies(prev), *shown_programs(prev)]))


def told_one(
    told: Callable[[], Sequence[str]],
    ranked: Sequence[tuple[str, float]],
    position: int | None,
    prev: Answer,
) -> str | None:
    """The problem of the owner's earlier message that a follow-up asks about but the answer
    did not show (「2つ目は？」 after one of two problems was found; "what about the hiring
    one?"): ``told`` reads each problem clause's direction, in order (called only when the
    follow-up points past what was shown); ``ranked``, the follow-up's own direction reading."""
    shown = set(shown_directions(prev))
    if position is not None and position > len(shown):
        said = told()
        return said[position - 1] if position <= len(said) and said[position - 1] not in shown else None
    own = [t for t, p in ranked[:3] if p >= FOCUS_MIN and t not in shown]
    if position is None and own:
        said = told()
        return next((t for t in own if t in said), None)
    return None


def with_shown(prev: Answer, corpus: Corpus, title: str) -> Answer:
    """The answer before, as if it had shown ``title`` too (its last presented direction)."""
    shown = prev.directions[: prev.primary]
    rest = [d for d in prev.directions[prev.primary :] if d.title != title]
    added = [*shown, direction_match(corpus, title, 1.0)]
    return replace(prev, directions=[*added, *rest], primary=len(added))


def focus_of(ranked: Sequence[tuple[str, float]], prev: Answer) -> str | None:
    """The shown direction a follow-up names in its own words (「海外の方を詳しく」): one of the
    direction model's top three for the follow-up, with at least ``FOCUS_MIN``."""
    shown = set(shown_directions(prev))
    return next((t for t, p in ranked[:3] if t in shown and p >= FOCUS_MIN), None)


def shown_directions(prev: Answer) -> list[str]:
    return [d.title for d in prev.directions[: prev.primary]]


def shown_strategy(prev: Answer, corpus: Corpus) -> str | None:
    """The one strategy a structure answer was about (its 課題, 委員発言, ①–⑤ or directions), which
    a follow-up naming none means: 「戦略Ⅰの課題は？」 then 「そこの取組の方向性は？」."""
    if prev.type != "structure":
        return None
    doc = corpus.document
    refs = {i.ref for sec in prev.sections if sec.kind == "structure" for i in sec.items}
    numerals = {r for r in refs if r in NUMERALS}
    numerals |= {doc.strategy_of(t).numeral for t in shown_directions(prev)}
    return next(iter(numerals)) if len(numerals) == 1 else None


def shown_programs(prev: Answer) -> list[str]:
    return [p.name for p in prev.programs[: prev.primary_programs]]


def _pick(items: list[str], position: int | None) -> list[str]:
    if position is None or not items:
        return items
    if position == -1:
        return items[-1:]
    return items[position - 1 : position] or items[:1]


def _programs_of(d: Draft, directions: list[str], programs: list[str]) -> tuple[str, list[str]]:
    """「それに使える支援策は？」: the programs of the shown direction(s), or that there are none."""
    first = directions[0] if directions else ""
    if programs:
        d.add("programs", [i for p in programs for i in program_items(d, p)])
    key = "followup.lead_programs" if programs else "followup.lead_no_programs"
    lead = d.w.say(
        key,
        direction=first,
        direction_en=d.corpus.gloss(first),
        programs=d.w.join([d.program(p) for p in programs]),
    )
    d.add("directions", [i for t in directions for i in direction_items(d, t)])
    return lead, programs


def _cases_of(d: Draft, directions: list[str], programs: list[str]) -> tuple[str, list[str]]:
    """「使った会社は？」: the companies of those programs, or that the document has none."""
    companies = list(dict.fromkeys(c.company for p in programs for c in d.corpus.document.cases_using(p)))
    if not companies:
        first = directions[0] if directions else ""
        d.add("directions", [i for t in directions for i in direction_items(d, t)])
        return d.w.say("followup.lead_no_cases", direction=first, direction_en=d.corpus.gloss(first)), []
    d.add("programs", [i for p in programs for i in program_items(d, p)])
    lead = d.w.say(
        "followup.lead_cases",
        programs=d.w.join([d.program(p) for p in programs]),
        companies=d.w.join([d.company(c) for c in companies]),
    )
    return lead, programs


def _survey_of(d: Draft, directions: list[str], said: str) -> tuple[str, list[str]]:
    """「同じ悩みの会社はどれくらい？」: the figure first, then its row under the survey; ``said``:
    the owner's message before, which picks among the direction's rows."""
    facts = context_facts(d.corpus, directions, said)
    items = [fact_item(d, f) for f in facts]
    d.add("survey", items)
    first = directions[0] if directions else ""
    key = "followup.lead_survey" if facts else "followup.lead_no_survey"
    figure = items[0].text if items else ""
    return d.w.say(key, direction=first, direction_en=d.corpus.gloss(first), figure=figure), []


def _detail_of(d: Draft, directions: list[str], programs: list[str], said: str) -> tuple[str, list[str]]:
    """「詳しく」: the direction's items, the 課題 and 委員発言 linked to it, its survey figure."""
    corpus = d.corpus
    if not directions:  # the shown item was a program
        d.add("programs", [i for p in programs[:1] for i in program_items(d, p)])
        return d.w.say("followup.lead_program_detail", program=d.program(programs[0])), programs[:1]
    first = directions[0]
    strategy = corpus.document.strategy_of(first)
    lead = d.w.say(  # it answers 'what does it plan to do?': the direction's own items
        "followup.lead_detail",
        direction=first,
        direction_en=corpus.gloss(first),
        strategy=d.strategy(strategy.numeral),
        items=items_said(d, first),
    )
    d.add("directions", [i for t in directions for i in direction_items(d, t)])
    links = corpus.aids
    related = [
        *(t for i, t in enumerate(strategy.issues) if first in links.issue_links[strategy.numeral][i]),
        *(t for i, t in enumerate(strategy.remarks) if first in links.remark_links[strategy.numeral][i]),
    ]
    d.add("linked", [d.quote(t, ref=strategy.numeral) for t in related])
    d.add("survey", [fact_item(d, f) for f in context_facts(corpus, directions, said)])
    if programs:
        d.add("programs", [i for p in programs for i in program_items(d, p)])
    return lead, programs


PART_SURE = 0.5  # the part model more likely right than not


def asks_linked_part(parts: Sequence[tuple[str, float]], intent: str, prev: Answer) -> bool:
    """「この件、委員からは何か意見出てる？」 after a problem answer: the 委員発言 (or 課題) of the
    shown direction, a structure answer, rather than the direction's details in general."""
    part, p = parts[0] if parts else ("", 0.0)
    return (
        part in ("issues", "remarks")
        and p >= PART_SURE
        and intent in ("detail", "other")
        and bool(shown_directions(prev))
    )


def answer_followup(
    d: Draft, query: str, intent: str, position: int | None, prev: Answer, focus: str | None = None
) -> Answer:
    """``position``: the shown item the follow-up counts to (「2つ目」); ``focus``: the shown
    direction it names in its own words (「海外の方」)."""
    shown = shown_directions(prev)
    directions = [focus] if focus in shown and position is None else _pick(shown, position)
    linked = (n for n, aid in d.corpus.aids.programs.items() if set(aid.directions) & set(directions))
    programs = list(dict.fromkeys([*shown_programs(prev), *linked]))
    if position is not None and not directions:
        programs = _pick(programs, position)
    notices = [d.w.say("followup.no_such", n=len(shown))] if position and position > len(shown) > 0 else []
    if intent == "programs":
        lead, presented = _programs_of(d, directions, programs)
    elif intent == "cases":
        lead, presented = _cases_of(d, directions, programs)
    elif intent == "survey":
        lead, presented = _survey_of(d, directions, prev.query)
    else:
        lead, presented = _detail_of(d, directions, programs, prev.query)
    if presented:
        d.add("next_step", [d.line(d.w.say("problem.next_program", program=d.program(presented[0])))])
    elif directions:
        first = directions[0]
        step = d.w.say("problem.next_direction", direction=first, direction_en=d.corpus.gloss(first))
        d.add("next_step", [d.line(step)])
    return d.finish(
        query,
        # more about what was shown stays in that conversation: an owner's problem (「2つ目に
        # ついて詳しく」) or the document's structure; programs are the owner's problem's
        {"cases": "case", "survey": "survey", "programs": "problem"}.get(
            intent, "structure" if prev.type == "structure" else "problem"
        ),
        lead,
        directions=[direction_match(d.corpus, t, 1.0) for t in directions],
        programs=[program_match(d.corpus, p, 1.0) for p in presented],
        primary=len(directions),
        primary_programs=len(presented),
        reason="followup",
        notices=notices,
    )
