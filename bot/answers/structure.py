"""Questions about the document itself: a strategy's directions, 課題, 委員発言, the Vision's
①–⑤, the new movements, the three pillars, the open questions (pure)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.answers.followup import asked_position
from bot.compose import Draft
from bot.keywords import tokens
from bot.matches import direction_match
from bot.models import Answer, Item
from corpus.load import Corpus
from corpus.models import NUMERALS, Strategy

_NUMBER = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
}
_NUMERAL = re.compile(r"[ⅠⅡⅢⅣⅤ]")  # looked for before NFKC, which spells them as Latin letters
_STRATEGY = re.compile(  # read after NFKC
    r"(?:戦略|strategy|第)\s*\(?\s*(iii|ii|iv|i|v|[1-5]|[一二三四五])(?![0-9a-z])"
    r"|(first|second|third|fourth|fifth)\s+strategy",
    re.I,
)
PER_STRATEGY = ("directions", "issues", "remarks", "vision", "new_movements")
ITEM_PARTS = ("issues", "remarks", "vision", "new_movements")
STRATEGY_WORDS = frozenset({"戦略", "strategy", "strategies", "sme", "smes"})
LIGHT_WORDS = frozenset({"有る", "為る", "成る", "居る", "向ける", "出来る"})  # say nothing of a topic
CONFIDENT = 0.4  # the direction model's probability that lets it name the strategy meant
LEAD_ITEMS_MAX = 100  # characters of a strategy's list the lead names in full; longer: the first


@dataclass(frozen=True)
class StructureQuestion:
    part: str
    strategy: str | None  # numeral
    direction: str | None
    # "which strategy is 水素 in?": the direction the question's topic falls under, which the
    # strategy was read from; that direction is the answer, its neighbours only context
    located: str | None = None
    # 「ビジョンの5番目は？」, 「多摩の話はどの戦略？」: one of the strategy's items (0-based)
    item: int | None = None


def asked_strategy(text: str) -> str | None:
    """The strategy a question names: Ⅲ, 戦略3, 戦略（III）, 第三, "strategy 3", "third strategy"."""
    if numeral := _NUMERAL.search(text):
        return numeral.group()
    m = _STRATEGY.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    raw = (m.group(1) or m.group(2)).lower()
    n = int(raw) if raw.isdigit() else _NUMBER[raw]
    return NUMERALS[n - 1]


def titled_strategy(corpus: Corpus, text: str) -> str | None:
    """The strategy a question names by words of its title that no other title has
    (「成長」 of 中小企業の成長戦略の推進, 「人材」「働く」 of 人材力の強化と働き方改革の推進), or of its
    English gloss; the word for strategy itself does not count. None when no title has more
    of them than the others."""
    titles = _title_words(
        tuple((s.numeral, s.title, corpus.gloss(s.title)) for s in corpus.document.strategies)
    )
    words = _topic_words(text)
    found = {
        n: len(words & (own - set().union(*(o for m, o in titles.items() if m != n))))
        for n, own in titles.items()
    }
    ranked = sorted(found.items(), key=lambda kv: -kv[1])
    best, runner_up = ranked[0], ranked[1]
    return best[0] if best[1] > runner_up[1] else None


@lru_cache(maxsize=4)
def _title_words(titles: tuple[tuple[str, str, str], ...]) -> dict[str, frozenset[str]]:
    """Each strategy's title words and its gloss's (tokenized once, not per question)."""
    return {n: _topic_words(f"{title} {gloss}") - STRATEGY_WORDS for n, title, gloss in titles}


def _topic_words(text: str) -> frozenset[str]:
    """A text's words that can name a topic: not one character (the 方 of 働き方 is the ほう of
    「成長戦略のほう」) and not a light verb (ある, する)."""
    return frozenset(w for w in tokens(text) if len(w) > 1 and w not in LIGHT_WORDS)


def likely_strategy(corpus: Corpus, directions: Sequence[tuple[str, float]]) -> str | None:
    """The strategy whose directions together are likely enough: a question about "the people
    and work-style strategy" spreads its probability over that strategy's three directions."""
    totals: dict[str, float] = {}
    for title, p in directions:
        numeral = corpus.document.strategy_of(title).numeral
        totals[numeral] = totals.get(numeral, 0.0) + p
    best = max(totals.items(), key=lambda kv: kv[1], default=(None, 0.0))
    return best[0] if best[1] >= CONFIDENT else None


def read_structure_question(
    corpus: Corpus,
    text: str,
    parts: Sequence[tuple[str, float]],
    directions: Sequence[tuple[str, float]],
    shown: Sequence[str] = (),
    shown_strategy: str | None = None,
) -> StructureQuestion:
    """``parts`` and ``directions``: the models' readings of the question, best first;
    ``shown``: the directions the answer before presented, which a question naming none of
    its own refers to ("which of the five strategies is that under?"); ``shown_strategy``: the
    one strategy a structure answer before was about (「そこの取組の方向性は？」)."""
    numeral = asked_strategy(text)
    folded = unicodedata.normalize("NFKC", text)
    named = [t for t in corpus.document.direction_titles() if unicodedata.normalize("NFKC", t) in folded]
    top, p = directions[0] if directions else (None, 0.0)
    direction = named[0] if named else (top if p >= CONFIDENT else None)
    part = parts[0][0]
    if part == "direction_items" and direction is None and shown:
        direction = shown[0]  # 「具体的に都は何をしてくれるの？」 after an answer: what it showed
    titled = titled_strategy(corpus, text)
    if part == "strategies" and (numeral or titled) is not None:
        # a question naming one strategy is not asking for the list of five: its likeliest part
        part = next((q for q, _ in parts if q in PER_STRATEGY), "directions")
    elif part == "strategies" and direction is not None:
        part = "directions"  # "which strategy is GX/DX in?": that strategy, with its directions
    located, item = None, None
    if numeral is None and titled is None and part in ITEM_PARTS:
        numeral, item = found_item(corpus, part, text) or (None, None)
    if numeral is None and part in PER_STRATEGY:
        if direction is not None:
            numeral = corpus.document.strategy_of(direction).numeral
            located = direction if part == "directions" else None
        elif titled is not None:  # 「成長戦略の戦略」, 「人材と働き方の戦略」: named by its title
            numeral = titled
        elif shown:  # 「そこについて委員は何と？」 after an answer: the strategy it showed
            numeral = corpus.document.strategy_of(shown[0]).numeral
            located = shown[0] if part == "directions" else None
        elif shown_strategy is not None:
            numeral = shown_strategy
        else:
            numeral = likely_strategy(corpus, directions)
    if part == "direction_items" and direction is None:
        part = "directions"
    if part == "strategies" and numeral is None and direction is None and shown:
        located = shown[0]  # the five strategies, and which of them the shown direction is in
    if item is None and numeral is not None and part in ITEM_PARTS:
        position = asked_position(text)  # 「ビジョンの5番目は？」
        count = len(_part_texts(corpus.document.strategy(numeral), part))
        item = position - 1 if position is not None and 0 < position <= count else None
    return StructureQuestion(part, numeral, direction if part == "direction_items" else None, located, item)


def found_item(corpus: Corpus, part: str, text: str) -> tuple[str, int] | None:
    """The one item of a part (課題, 委員発言, ①–⑤…) across the strategies that shares a word with
    the question no other item has — 「多摩とか島の話はどの戦略？」 is Ⅳ's ④ — as (strategy, index)."""
    items = [
        (s.numeral, i, _topic_words(t))
        for s in corpus.document.strategies
        for i, t in enumerate(_part_texts(s, part))
    ]
    words = _topic_words(text) - STRATEGY_WORDS
    scores = []
    for numeral, i, own in items:
        others = set().union(*(o for m, j, o in items if (m, j) != (numeral, i)))
        scores.append((len(words & (own - others)), numeral, i))
    scores.sort(reverse=True)
    if not scores or scores[0][0] == 0 or (len(scores) > 1 and scores[1][0] == scores[0][0]):
        return None
    return scores[0][1], scores[0][2]


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
    return [d.quote(t, ref=s.numeral) for t in _part_texts(s, part)]


def _part_texts(s: Strategy, part: str) -> tuple[str, ...]:
    return tuple(
        {
            "issues": s.issues,
            "remarks": s.remarks,
            "vision": s.vision_directions,
            "new_movements": s.new_movements,
        }[part]
    )


def _per_strategy(d: Draft, q: StructureQuestion) -> str:
    doc = d.corpus.document
    if q.strategy is None:
        for s in doc.strategies:
            d.add("structure", _strategy_items(d, s, q.part), title=d.strategy(s.numeral))
        return d.w.say("structure.lead_all", part=d.w.say(f"structure.parts.{q.part}"))
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
    texts = _part_texts(s, q.part)
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
    elif q.part == "direction_items" and q.direction:
        s = doc.strategy_of(q.direction)
        x = next(x for x in s.directions if x.title == q.direction)
        d.add("directions", [d.quote(t, ref=x.title, direction=x.title) for t in [x.title, *x.items]])
        items = d.w.join([d.w.quoted(t) + (f" ({corpus.gloss(t)})" if d.w.en else "") for t in x.items])
        lead = d.w.say(
            "structure.lead_direction_items",
            direction=x.title,
            direction_en=corpus.gloss(x.title),
            strategy=d.strategy(s.numeral),
            items=items,
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
