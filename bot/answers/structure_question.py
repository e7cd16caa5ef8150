"""Reading a question about the document itself: which part (a strategy's directions, 課題,
委員発言, the Vision's ①–⑤, …), which strategy, and which one item, from the models' readings
and the question's words (pure)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.answers.distinct import distinct_match
from bot.answers.entities import Entity
from bot.answers.followup import asked_position, points_back
from bot.keywords import tokens
from bot.models import Answer
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
    r"(?:戦略|strategy|第)\s*\(?\s*(iii|ii|iv|i|v|[1-5]|[一二三四五])(?![0-9a-z者])"  # not 第三者
    r"|(first|second|third|fourth|fifth)\s+strategy"
    r"|([1-5一二三四五])\s*(?:つ目|番目)の\s*戦略",  # 「3つ目の戦略」
    re.I,
)
_FIRST_LAST = re.compile(  # 「いちばん最初の戦略」「最後の戦略」
    r"(最初|一番目|はじめ|初め|\bfirst\b)の?\s*戦略|(最後)の?\s*戦略|\b(last) strategy", re.I
)
PER_STRATEGY = ("directions", "issues", "remarks", "vision", "new_movements")
ITEM_PARTS = ("issues", "remarks", "vision", "new_movements")
# parts whose items the project links to directions (aids.yaml): a topic asked finds its items
LINKED_PARTS = ("issues", "remarks")
STRATEGY_WORDS = frozenset({"戦略", "strategy", "strategies", "sme", "smes"})
# words naming a part itself say which part, not which item: 「課題のほうは？」 is no item
# whose text speaks of 社会課題; nor do words of order (「最初の」「一番」)
PART_WORDS = frozenset(
    {"課題", "委員", "発言", "意見", "ビジョン", "方向", "方向性", "取組", "取り組み", "最初", "一番"}
)
# say nothing of a topic: light verbs, and demonstratives (the 其の of 「その辺は」 is the
# 「その後」 of an item)
LIGHT_WORDS = frozenset(
    {"有る", "為る", "成る", "居る", "向ける", "出来る"}
    | {"其の", "此の", "彼の", "其れ", "此れ", "其処", "どういう"}
)
CONFIDENT = 0.4  # the direction model's probability that lets it name the strategy meant
LIST_SURE = 0.5  # the part model sure of a part of its own, after a list (else: that list's)
_VISION = re.compile(r"ビジョン|\bvision\b", re.I)  # read after NFKC
_ACTIONS = re.compile(r"取組|取り組")  # 「ビジョンの取組の方向性」 names the 16 directions


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
    folded = unicodedata.normalize("NFKC", text)
    if ends := _FIRST_LAST.search(folded):
        return NUMERALS[0] if ends.group(1) else NUMERALS[-1]
    m = _STRATEGY.search(folded)
    if not m:
        return None
    raw = (m.group(1) or m.group(2) or m.group(3)).lower()
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
    return distinct_match(_topic_words(text), titles)


@lru_cache(maxsize=4)
def _title_words(titles: tuple[tuple[str, str, str], ...]) -> dict[str, frozenset[str]]:
    """Each strategy's title words and its gloss's (tokenized once, not per question)."""
    return {n: _topic_words(f"{title} {gloss}") - STRATEGY_WORDS for n, title, gloss in titles}


def _topic_words(text: str) -> frozenset[str]:
    """A text's words that can name a topic: not one character (the 方 of 働き方 is the ほう of
    「成長戦略のほう」) and not a light verb (ある, する)."""
    return frozenset(w for w in tokens(text) if len(w) > 1 and w not in LIGHT_WORDS)


WHERE_PARTS = ("strategies", "directions", "direction_items")


def program_placed(parts: Sequence[tuple[str, float]], named: Sequence[Entity]) -> str | None:
    """The program a "where does it belong" question names (「ニューマーケット開拓支援事業って
    どの戦略？」): the document places programs only through its cases, so it is a case
    question's answer (which direction the project links it to, and who used it)."""
    programs = [e.name for e in named if e.kind == "program"]
    if len(programs) != 1 or not parts or parts[0][0] not in WHERE_PARTS:
        return None
    return programs[0]


def likely_strategy(corpus: Corpus, directions: Sequence[tuple[str, float]]) -> str | None:
    """The strategy whose directions together are likely enough: a question about "the people
    and work-style strategy" spreads its probability over that strategy's three directions."""
    totals: dict[str, float] = {}
    for title, p in directions:
        numeral = corpus.document.strategy_of(title).numeral
        totals[numeral] = totals.get(numeral, 0.0) + p
    best = max(totals.items(), key=lambda kv: kv[1], default=(None, 0.0))
    return best[0] if best[1] >= CONFIDENT else None


def told_directions(
    asked: Sequence[tuple[str, float]], told: Sequence[Sequence[tuple[str, float]]]
) -> Sequence[tuple[str, float]]:
    """The direction reading a structure question goes by: its own, unless it is unsure and the
    owner told a situation before asking (「跡を継ぐ人がいなくて。こういうのはどの方向性？」):
    then the surest reading of what was told, where that one is sure."""
    if asked and asked[0][1] >= CONFIDENT:
        return asked
    best = max(told, key=lambda r: r[0][1] if r else 0.0, default=())
    return best if best and best[0][1] >= CONFIDENT else asked


def read_structure_question(
    corpus: Corpus,
    text: str,
    parts: Sequence[tuple[str, float]],
    directions: Sequence[tuple[str, float]],
    shown: Sequence[str] = (),
    shown_strategy: str | None = None,
    shown_part: str | None = None,
) -> StructureQuestion:
    """``parts`` and ``directions``: the models' readings of the question, best first;
    ``shown``: the directions the answer before presented, which a question naming none of
    its own refers to ("which of the five strategies is that under?"); ``shown_strategy``: the
    one strategy a structure answer before was about (「そこの取組の方向性は？」), ``shown_part``
    the part it listed (bot.answers.structure_question.listed_part)."""
    numeral = asked_strategy(text)
    position = asked_position(text)
    listed = shown_part == "strategies" and numeral is None and position is not None
    if listed and position is not None:  # 「4番目は？」 after the five strategies: the fourth
        numeral = NUMERALS[position - 1] if position > 0 else NUMERALS[-1]
    folded = unicodedata.normalize("NFKC", text)
    named = [t for t in corpus.document.direction_titles() if unicodedata.normalize("NFKC", t) in folded]
    top, p = directions[0] if directions else (None, 0.0)
    direction = named[0] if named else (top if p >= CONFIDENT else None)
    asks_where = parts and parts[0][0] in WHERE_PARTS and not shown and numeral is None and position is None
    if direction is None and asks_where and titled_strategy(corpus, text) is None:
        # 「フリーランスのことはどの方向性で？」: the direction whose items alone have the word
        words = _topic_words(text) - STRATEGY_WORDS - PART_WORDS
        doc = corpus.document
        listed = tuple((x.title, (x.title, *x.items)) for st in doc.strategies for x in st.directions)
        direction = distinct_match(words, _direction_words(listed))
    part = parts[0][0]
    vision = _VISION.search(folded) and not _ACTIONS.search(folded)
    if part == "directions" and vision and "vision" in [q for q, _ in parts[:3]]:
        part = "vision"  # 「ビジョンの方向性」 is the Vision's ①–⑤, not the 取組の方向性
    if position is not None and shown_part in (*ITEM_PARTS, "directions") and numeral is None:
        # 「5番目だけもう一回」 "and the third one?" after a list: that list's item
        part = shown_part if parts[0][1] < LIST_SURE or parts[0][0] not in PER_STRATEGY else part
        of_one = shown_strategy is not None and part == "directions" == shown_part and position > 0
        listed_directions = corpus.document.strategy(shown_strategy).directions if of_one else []
        if direction is None and 0 < position <= len(listed_directions):
            # 「2つ目について詳しく」 after one strategy's directions: that direction's items
            part, direction = "direction_items", listed_directions[position - 1].title
    if part == "direction_items" and direction is None and shown:
        direction = shown[0]  # 「具体的に都は何をしてくれるの？」 after an answer: what it showed
    titled = titled_strategy(corpus, text)
    if part == "direction_items" and direction is None:
        part = "directions"  # 「それに対して何をやっていく？」 after a strategy's 課題: its directions
    if part == "strategies" and (numeral or titled) is not None:
        # a question naming one strategy is not asking for the list of five: the part listed
        # before (「戦略Ⅲのほうは？」 after Ⅱ's directions), else its likeliest part
        listed_before = shown_part if shown_part in PER_STRATEGY else None
        part = listed_before or next((q for q, _ in parts if q in PER_STRATEGY), "directions")
    elif part == "strategies" and direction is not None:
        part = "directions"  # "which strategy is GX/DX in?": that strategy, with its directions
    located, item = None, None
    # 「その戦略の課題は？」 points at the strategy shown: its items, not one of another's
    at_shown = shown_strategy is not None and points_back(text)
    if numeral is None and titled is None and part in ITEM_PARTS and not at_shown:
        numeral, item = found_item(corpus, part, text) or (None, None)
    if numeral is None and part in PER_STRATEGY:
        if direction is not None:
            numeral = corpus.document.strategy_of(direction).numeral
            located = direction if part in ("directions", *LINKED_PARTS) else None
        elif titled is not None:  # 「成長戦略の戦略」, 「人材と働き方の戦略」: named by its title
            numeral = titled
        elif shown:  # 「そこについて委員は何と？」 after an answer: the strategy it showed
            numeral = corpus.document.strategy_of(shown[0]).numeral
            located = shown[0] if part in ("directions", *LINKED_PARTS) else None
        elif shown_strategy is not None:
            numeral = shown_strategy
        else:
            numeral = likely_strategy(corpus, directions)
    if part == "strategies" and numeral is None and direction is None and shown:
        located = shown[0]  # the five strategies, and which of them the shown direction is in
    if item is None and numeral is not None and part in ITEM_PARTS:
        position = None if listed else position  # 「ビジョンの5番目は？」, not the 2nd of the five
        count = len(part_texts(corpus.document.strategy(numeral), part))
        item = position - 1 if position is not None and 0 < position <= count else None
        if item is None:  # words only one of this strategy's items has (「商店街について、課題は？」)
            item = found_in(corpus, numeral, part, text)
        if item is None and part not in LINKED_PARTS:
            # 「ビジョンの方だと、これに当たる項目は？」: the item sharing a shown direction's words
            doc = corpus.document
            abouts = [t for t in [direction, *shown] if t and doc.strategy_of(t).numeral == numeral]
            item = next((i for t in abouts if (i := found_in(corpus, numeral, part, t)) is not None), None)
    return StructureQuestion(part, numeral, direction if part == "direction_items" else None, located, item)


def found_item(corpus: Corpus, part: str, text: str, within: str | None = None) -> tuple[str, int] | None:
    """The one item of a part (課題, 委員発言, ①–⑤…) across the strategies, or ``within`` one,
    that shares a word with the question no other item has — 「多摩とか島の話はどの戦略？」 is
    Ⅳ's ④ — as (strategy, index)."""
    doc = corpus.document
    strategies = [doc.strategy(within)] if within is not None else doc.strategies
    items = _item_words(tuple((s.numeral, part_texts(s, part)) for s in strategies))
    return distinct_match(_topic_words(text) - STRATEGY_WORDS - PART_WORDS, items)


def found_in(corpus: Corpus, numeral: str, part: str, text: str) -> int | None:
    """The index of ``found_item`` within one strategy's part (0-based)."""
    found = found_item(corpus, part, text, within=numeral)
    return found[1] if found is not None else None


# one key per part across the strategies and per part within each strategy: 4 + 4 × 5
@lru_cache(maxsize=32)
def _item_words(parts: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[tuple[str, int], frozenset[str]]:
    """Each item's words, keyed by (strategy, index) (tokenized once, not per question)."""
    return {(n, i): _topic_words(t) for n, texts in parts for i, t in enumerate(texts)}


@lru_cache(maxsize=1)
def _direction_words(listed: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, frozenset[str]]:
    """Each direction's words: its title's and its items' (tokenized once)."""
    return {title: frozenset().union(*(_topic_words(t) for t in texts)) for title, texts in listed}


def part_texts(s: Strategy, part: str) -> tuple[str, ...]:
    return tuple(
        {
            "issues": s.issues,
            "remarks": s.remarks,
            "vision": s.vision_directions,
            "new_movements": s.new_movements,
        }[part]
    )


def listed_part(prev: Answer, corpus: Corpus) -> str | None:
    """The part of the document a structure answer listed — the five strategies, or one part
    of each (its directions, 課題, …) — which a follow-up naming a strategy alone asks again."""
    if prev.type != "structure":
        return None
    texts = {i.text for sec in prev.sections if sec.kind == "structure" for i in sec.items if i.quote}
    doc = corpus.document
    if not texts:
        return None
    if texts <= {s.heading for s in doc.strategies}:
        return "strategies"
    if texts <= {t for s in doc.strategies for x in s.directions for t in (x.title, *x.items)}:
        return "directions"
    return next(
        (part for part in ITEM_PARTS if texts <= {t for s in doc.strategies for t in part_texts(s, part)}),
        None,
    )
