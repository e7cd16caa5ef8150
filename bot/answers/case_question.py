"""Reading a question about the company cases: which company or program, which aspect, and
the company's passage that answers it (pure, given the models and a retrieval callback)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from bot.answers.cases import passages_of, sentences
from bot.answers.distinct import distinct_match
from bot.answers.entities import Entity, fold, named
from bot.answers.followup import asks_another, points_at_company, points_back
from bot.classify import Classifiers, Reading
from bot.keywords import nouns, tokens
from corpus.load import Corpus
from corpus.models import Case

ANOTHER_WORDS = frozenset({"他", "外", "別", "another", "other", "else"})  # say which, not what
# words for "a program" itself: 「河政工業が使った支援は？」 asks for all of them, not the one
# action whose passage says マッチング支援
PROGRAM_WORDS = frozenset(
    {
        "支援",
        "事業",
        "助成",
        "助成金",
        "補助",
        "補助金",
        "制度",
        "サポート",
        "プログラム",
        "program",
        "programs",
    }
)
_ASKS_YEAR = re.compile(r"何\s*年(?!間|度)|いつ|\bwhen\b|what year|which year", re.I)
_ASKS_AMOUNT = re.compile(
    r"何\s*(?:件|人|社|回|か国|カ国|ヶ国|%|割|倍|億|万|円|期|歳)|いくら|どの(?:くらい|ぐらい)|どれ(?:くらい|ぐらい)"
    r"|how (?:many|much|old)|what share|percent|what age",
    re.I,
)
# a year: 「2016年」, or one closing an event's name (『… GATEWAY（ＴＳＧ） 2019』)
_YEAR = re.compile(r"(?:19|20)\d\d(?:\s*年|(?=\s*[』」）)]))")
# every company asked for: 「全部」「すべて」 "all of them", "every company"
_ASKS_ALL = re.compile(r"全部|すべて|全て|全社|ぜんぶ|\ball\b|\bevery\b", re.I)
_ASKS_COMPANIES = re.compile(r"何\s*社|how many (?:companies|firms)", re.I)
# the unit a count asked for names ("how many entries?" → 件), so the passage giving that count
# wins over one giving another (「10以上のメディア」)
_UNITS = (
    (re.compile(r"何\s*件|entries|entry|applica", re.I), "件"),
    (re.compile(r"何\s*(?:か国|カ国|ヶ国)|countr", re.I), "(?:か国|カ国|ヶ国)"),
    (re.compile(r"何\s*人|how many (?:people|employees|staff)", re.I), "人"),
    (_ASKS_COMPANIES, "社"),
    (re.compile(r"何\s*期|cohort", re.I), "期"),
    (re.compile(r"いくら|how much|資金|raise|raised|money", re.I), "(?:億|万|円)"),
)
_ASKS_AGE = re.compile(r"何\s*歳|how old|what age", re.I)
_AGE = re.compile(r"\d+\s*歳")
# 「何年から何年？」「いつからいつまで？」: a span of years, not one (「２０００年代より」 is one)
_ASKS_SPAN = re.compile(
    r"何\s*年\s*から\s*何\s*年|いつ\s*から\s*いつ|何\s*年間"
    r"|from when|how long|which years|between (?:what|which) years",
    re.I,
)
_SPAN = re.compile(r"(?:19|20)\d\d\s*年?\s*[～〜~\-－]\s*(?:19|20)\d\d")
_AMOUNT = re.compile(r"\d[\d,]*\s*(?:件|人|社|回|か国|カ国|ヶ国|%|割|倍|億|万|円|期|歳|以上)")
ABOUT_MIN = 0.5  # the case-question model names the company or program described
LEANS = 0.3  # ...or leans to a program, enough to read "who else used it?" as about it
PASSAGE_KIND_BONUS = 0.02  # the asked kind of passage (result, what it did) wins a near tie
# words a caption shares with any question say nothing of what is asked
NAME_WORDS = frozenset({"名前", "誰", "だれ", "氏名", "who", "name", "named"})
CAPTION_NOISE = frozenset({"the", "of", "at", "a", "on", "with", "様子"})
ASPECT_SURE = 0.5  # the aspect model more likely right than not: only that kind of passage


@dataclass(frozen=True)
class CaseLookup:
    """What reading a case question looks things up in, built once at start."""

    corpus: Corpus
    models: Classifiers
    known: tuple[Entity, ...]  # the companies and programs the document names
    vectors: dict[str, np.ndarray]  # each company passage's (and its sentences') query-side vector
    words: Mapping[str, frozenset[str]]  # each company's and program's words (thing_words)

    @cached_property
    def texts(self) -> dict[str, str]:
        """Each company's and program's passages as one NFKC text (as thing_words reads them)."""
        out: dict[str, str] = {}
        for case in self.corpus.document.cases:
            for _, text, programs in passages_of(case):
                for name in (case.company, *programs):
                    out[name] = out.get(name, "") + unicodedata.normalize("NFKC", text)
        return out


def thing_words(corpus: Corpus) -> dict[str, frozenset[str]]:
    """The words the document uses about each company (its passages) and each program (the
    passages of the actions that name it): what a description of one can share with it."""
    out: dict[str, set[str]] = {}
    for case in corpus.document.cases:
        for _, text, programs in passages_of(case):
            words = set(nouns(text))
            out.setdefault(case.company, set()).update(words)
            for program in programs:
                out.setdefault(program, set()).update(words)
    return {name: frozenset(words) for name, words in out.items()}


def described(likely: Sequence[str], words: set[str], known: Mapping[str, frozenset[str]]) -> str | None:
    """Of the ``likely`` companies or programs, the one the question shares more words with
    than any other does with it alone: 「万年筆を作ってる工房」 is 日興エボナイト's, though its
    海外 and 売上 are everyone's."""
    # Latin words in the passages are names (TSG); one character (具 of 筆記具 and 術具) says little
    words = {w for w in words if not w.isascii() and len(w) > 1}
    return distinct_match(words, {name: known.get(name, frozenset()) for name in likely})


def another_company(
    corpus: Corpus,
    exclude: frozenset[str],
    vector: np.ndarray,
    vectors: Mapping[str, np.ndarray],
    words: set[str],
    known: Mapping[str, frozenset[str]],
) -> str:
    """「ほかに起業したばかりの会社は？」: of the companies not yet shown, the one the question
    shares a word with alone, else the one with the passage nearest the question."""
    others = [c for c in corpus.document.cases if c.company not in exclude] or list(corpus.document.cases)

    def nearest(case: Case) -> float:
        return max(float(vectors[t] @ vector) if t in vectors else 0.0 for _, t, _ in passages_of(case))

    words = words - ANOTHER_WORDS
    return described([c.company for c in others], words, known) or max(others, key=nearest).company


def asked_number(text: str) -> re.Pattern[str] | None:
    """What a passage must give to answer: a year (「何年から？」「いつ応募した？」) or an amount
    (「応募は何件？」「いくら集めた？」 "how many countries?"); None when no number is asked."""
    folded = unicodedata.normalize("NFKC", text)
    if _ASKS_SPAN.search(folded):
        return _SPAN
    if _ASKS_AGE.search(folded):  # "how old was she when…": an age, not the year of "when"
        return _AGE
    if _ASKS_YEAR.search(folded):
        return _YEAR
    if not _ASKS_AMOUNT.search(folded):
        return None
    unit = next((u for asks, u in _UNITS if asks.search(folded)), None)
    return re.compile(rf"\d[\d,]*\s*{unit}") if unit else _AMOUNT


def asked_words(case: Case, reading: Reading) -> set[str]:
    """The question's words but those naming the company: they say which company, not what is
    asked about it."""
    return set(reading.tokens) - set(tokens(case.company)) - set(tokens(case.ward))


def best_sentence(
    passage: str,
    words: set[str],
    number: re.Pattern[str] | None = None,
    near: Callable[[str], float] = lambda t: 0.0,
) -> str:
    """The passage's sentence sharing most of the asked words: the one the lead quotes
    (「海外に出始めたのは何年？」 → 「２０１６年より海外市場へ参入…」). With a ``number`` asked, a
    sentence that gives one comes first ("how many countries?"); of equals, the one ``near``
    the question (its similarity), else the first."""

    def score(t: str) -> tuple[bool, int, float]:
        gives = number is not None and bool(number.search(unicodedata.normalize("NFKC", t)))
        return gives, len(words & set(tokens(t))), near(t)

    return max(sentences(passage), key=score)


def best_passage(
    case: Case,
    reading: Reading,
    aspect: str,
    vectors: dict[str, np.ndarray],
    sure: bool = False,
    words: set[str] | None = None,
    number: re.Pattern[str] | None = None,
    gloss: Callable[[str], str] = lambda t: "",
) -> str | None:
    """The company's passage closest to the question (a small bonus for the asked kind). When
    the aspect model is ``sure`` (more likely than not), only passages of that kind compete:
    「メスを研ぐ会社の海外売上は？」 describes the company in words closest to its business
    passage, but asks for a result. ``words``: ``asked_words``, where the caller has them."""
    if aspect in ("who_used", "list"):
        return None
    words = asked_words(case, reading) if words is None else words
    quoted = _quoting(case, words) if number is None else None  # a count asked decides ("how many?")
    if quoted is not None:
        return quoted  # 「2018年から開いてるイベントの名前は？」: the passage with that year
    if aspect == "programs_used" and sure:
        # the programs of one action, when the question speaks of it alone (「原料を自前で作れる
        # ようにしたときの助成金は？」); else all the company's programs, with no passage
        actions = {text: nouns(text) for kind, text, programs in passages_of(case) if programs}
        asked = {n for w in words for n in nouns(w)} - PROGRAM_WORDS
        return described(list(actions), asked, actions)
    # a photo's caption (「遠藤智久社長」) answers only a question sharing its words ("the
    # president's name?"), never by likeness: it says too little to be near anything else
    options = passages_of(case)
    shares = {text: _shared(text, words, gloss) for _, text, _ in options}
    captions = [text for kind, text, _ in options if kind == "caption" and shares[text] > 0]
    others = max((shares[text] for kind, text, _ in options if kind != "caption"), default=0)
    asks_name = bool({w.casefold() for w in words} & NAME_WORDS)  # 「社長って誰？」 "the president's name?"
    best = max(captions, key=lambda text: shares[text], default=None)
    if best is not None and (shares[best] > others or asks_name):
        return best  # 「社長の名前は？」: the caption naming the president
    options = [o for o in options if o[0] != "caption"]
    counted = number is not None and number is not _YEAR and number is not _AMOUNT
    given = [o for o in options if counted and number and number.search(unicodedata.normalize("NFKC", o[1]))]
    if given:  # "how many entries?": the passage giving that count, whatever its kind
        options = given
    elif sure and any(kind == aspect for kind, _, _ in options):
        # a year asked is found where its sentence shares more of the asked words: 「海外に出始め
        # たのは何年？」 is the business passage's 「２０１６年より海外市場へ参入」, whatever the aspect
        dated = number in (_YEAR, _SPAN) and _dated_words(options, number, words, aspect)
        options = dated or [o for o in options if o[0] == aspect]
    if number is not None and not given:  # 「応募は何件？」: only a passage that gives one can answer
        gives = [o for o in options if number.search(unicodedata.normalize("NFKC", o[1]))]
        amounts = [o for o in options if _AMOUNT.search(unicodedata.normalize("NFKC", o[1]))]
        options = gives or (amounts if number not in (_YEAR, _SPAN) else []) or options

    return max(options, key=lambda o: _fit(o, words, reading, vectors, aspect))[1]


def _by_position(found: list[Entity], text: str) -> list[Entity]:
    """The entities in the order the text first names them (those it names only by a near
    spelling, last)."""
    folded = fold(text)

    def at(e: Entity) -> int:
        return min((i for v in e.variants if (i := folded.find(v)) >= 0), default=len(folded))

    return sorted(found, key=at)


def _quoting(case: Case, words: set[str]) -> str | None:
    """The one passage of the company giving a year the owner quotes (「2018年から開いてる
    イベント」), where only one does."""
    years = {w for w in words if len(w) == 4 and w.isdigit() and w[:2] in ("19", "20")}
    having = [t for _, t, _ in passages_of(case) if any(y in unicodedata.normalize("NFKC", t) for y in years)]
    return having[0] if len(having) == 1 else None


def _shared(passage: str, words: set[str], gloss: Callable[[str], str]) -> int:
    """How many of the asked words the passage or its English gloss has."""
    own = set(tokens(passage)) | {w.casefold() for w in tokens(gloss(passage))}
    return len({w.casefold() for w in words} & own - CAPTION_NOISE)


def _dated_words(
    options: list[tuple[str, str, tuple[str, ...]]], number: re.Pattern[str], words: set[str], aspect: str
) -> list[tuple[str, str, tuple[str, ...]]]:
    """The passages whose sentence giving a year shares more asked words than any such sentence
    of the asked kind; empty when the asked kind's do no worse."""

    def shared(text: str) -> int:
        dated = [t for t in sentences(text) if number.search(unicodedata.normalize("NFKC", t))]
        return max((len(words & set(tokens(t))) for t in dated), default=-1)

    own = max((shared(o[1]) for o in options if o[0] == aspect), default=-1)
    return [o for o in options if o[0] != aspect and shared(o[1]) > own]


def _fit(
    option: tuple[str, str, tuple[str, ...]],
    words: set[str],
    reading: Reading,
    vectors: Mapping[str, np.ndarray],
    aspect: str,
) -> float:
    """How well a passage answers: its similarity to the question, the share of the asked words
    it has (a word inside a longer one counting: the ペン of 『東京インターナショナルペンショー』),
    and a small bonus for the asked kind."""
    kind, text, _ = option
    folded = unicodedata.normalize("NFKC", text)
    own = set(tokens(text))
    overlap = sum(1 for w in words if w in own or (len(w) > 1 and w in folded)) / max(len(words), 1)
    bonus = PASSAGE_KIND_BONUS if kind == aspect else 0.0
    return float(vectors[text] @ reading.vector) + 0.1 * overlap + bonus


def _described_case(look: CaseLookup, cases: Sequence[Case], words: set[str]) -> Case | None:
    """Of ``cases``, the one whose passages have words of the question no other's have."""
    alone = _one_described(look, words, [c.company for c in cases])
    return next((c for c in cases if c.company == alone), None)


def one_of(look: CaseLookup, cases: Sequence[Case], reading: Reading, aspect: str) -> Case:
    """「その中で海外に拠点を作ったのは？」 after several companies: the one the question describes
    — by words only its passages have, else by its passage that answers best."""
    alone = _described_case(look, cases, set(nouns(" ".join(reading.tokens))))
    if alone is not None:
        return alone

    def best(case: Case) -> float:
        asked = asked_words(case, reading)
        return max(_fit(o, asked, reading, look.vectors, aspect) for o in passages_of(case))

    return max(cases, key=best)


def names_a_case(models: Classifiers, known: tuple[Entity, ...], text: str, reading: Reading) -> bool:
    """Whether a case question names or describes its company or program itself; one that does
    not ("did anyone actually use that?"), asked after an answer, means what that answer showed."""
    if named(text, known, places=True):
        return True
    return models.about.ranked(reading.vector, reading.tokens)[0][1] >= ABOUT_MIN


def _described_thing(
    look: CaseLookup,
    text: str,
    reading: Reading,
    aspect: str,
    nearest_hits: Callable[[], Sequence[Any]],
    exclude: frozenset[str],
) -> str:
    """The company or program a question describes without naming it ("商社OBに相談できる
    事業", "the Vietnam factory company"): the model learned from case questions, else the
    company of the closest passage."""
    corpus, words = look.corpus, look.words
    doc = corpus.document
    ranked = look.models.about.ranked(reading.vector, reading.tokens)
    thing, p = ranked[0]
    if exclude and aspect == "who_used" and p >= LEANS and thing not in {c.company for c in doc.cases}:
        p = 1.0  # 「同じ助成を使った会社、ほかにもある？」: all who used that program
    elif exclude:  # another company than those shown
        thing = another_company(corpus, exclude, reading.vector, look.vectors, set(nouns(text)), words)
        p = 1.0
    if p < ABOUT_MIN:
        # the model is unsure: of its three likeliest, the one the whole message (its story
        # too) shares words with that no other has; else the nearest passage naming one of
        # them (a company's page, or a program's) — retrieval alone misreads English
        # descriptions of Japanese passages ("the company that makes fountain pens")
        likely = [t for t, _ in ranked[:3]]
        names = (h.chunk.case or (h.chunk.programs or ("",))[0] for h in nearest_hits())
        thing = described(likely, set(nouns(text)), words) or next((n for n in names if n in likely), thing)
    return thing


def _one_described(look: CaseLookup, words: set[str], among: Sequence[str] | None = None) -> str | None:
    """The one company or program (of ``among``, else of all) whose passages have words of the
    question no other's have, a word inside a longer one counting (the ペン of
    『東京インターナショナルペンショー』)."""
    texts = {name: look.texts.get(name, "") for name in among} if among is not None else look.texts
    inside = {name: {w for w in words if len(w) > 1 and w in text} for name, text in texts.items()}
    known = {name: look.words.get(name, frozenset()) | inside[name] for name in texts}
    return described(list(texts), words, known)


def case_follows(text: str, shown: Sequence[str], follows: bool, look: CaseLookup) -> tuple[bool, bool]:
    """After a case answer showing the companies ``shown``: (whether the question is about them,
    whether it asks for another company). 「ほかに〜の会社は？」 asks another; 「その会社は他に何を
    使った？」 asks more of that one; and after one company, a question naming none and
    describing no other by words only that other's passages have (「海外に出たのは何年から？」,
    not 「ベトナムに拠点を作った会社は？」) is about it."""
    follows = follows or points_back(text)  # "their sales?"
    another = asks_another(text) and not points_at_company(text)
    companies = list(dict.fromkeys(shown))
    if len(companies) == 1 and not follows and not another and not named(text, look.known):
        one = _described_case(look, look.corpus.document.cases, set(nouns(text)))
        follows = one is None or one.company in companies
    return follows, another


def read_case_question(
    look: CaseLookup,
    text: str,
    reading: Reading,
    about: str,
    nearest_hits: Callable[[], Sequence[Any]],
    exclude: frozenset[str] = frozenset(),
    shown_programs: Sequence[str] = (),
) -> tuple[str, list[Case], list[str], tuple[str, str] | None]:
    """(aspect, companies, programs, (the passage that answers, its sentence to quote)).
    ``exclude``: companies already shown, when another is asked for,
    and ``shown_programs`` the programs that answer presented.
    ``about``: the earlier question a follow-up refers to; ``nearest_hits``: retrieval, called
    only when nothing names the company and the case-question model is unsure (its best guess
    stands when retrieval finds nothing)."""
    doc = look.corpus.document
    aspects = look.models.aspects.ranked(reading.vector, reading.tokens)
    aspect, p_aspect = aspects[0]
    if about and not exclude and aspect in ("who_used", "list") and points_at_company(text):
        # 「その会社は海外のどこに拠点を？」 after who used a program: the company is given, so
        # something else about it is asked
        aspect, p_aspect = next(((a, p) for a, p in aspects if a not in ("who_used", "list")), aspects[0])
    # what the earlier question named comes first (「海外企業連携プロジェクト事業ってどんな事業？」
    # then 「それって…どれにあたる？」 means that program, not the first the answer listed)
    found = _by_position(named(f"{about} {text}", look.known, places=True), f"{about} {text}")
    companies = [c for e in found if e.kind == "company" for c in doc.cases if c.company == e.name]
    programs = [e.name for e in found if e.kind == "program"]
    if programs and not companies and _ASKS_ALL.search(unicodedata.normalize("NFKC", text)):
        aspect, p_aspect = "who_used", 1.0  # 「〜事業を使った企業を全部挙げて」: every one of them
    # of the programs the answer before showed, the one the question describes (「その設備投資の
    # 助成」), else the one it led with (the passage's): 「それ」 "that one"
    asked = nouns(text) - PROGRAM_WORDS
    meant = described(list(shown_programs), asked, look.words) if shown_programs else None
    used = {meant or shown_programs[0]} if shown_programs else set()
    used = used or {u for c in doc.cases if c.company in exclude for u in c.programs}
    that_one = aspect == "who_used" and points_back(text)
    if not found and len(used) == 1 and (PROGRAM_WORDS & nouns(text) or that_one):
        # 「そこが使ったプログラム、ほかにも使った会社は？」 after one company that used one program:
        # all who used it (the document may show no other)
        return "who_used", [], list(used), None
    number = asked_number(text)
    unsure_list = aspect == "list" and p_aspect < ASPECT_SURE
    # 「ペン作ってる会社の事例ある？」: not the list, when its words are one company's alone
    alone = _one_described(look, set(nouns(text))) if unsure_list and not found else None
    if alone is not None:
        found = [e for e in look.known if e.name == alone]
        companies = [c for c in doc.cases if c.company == alone]
        programs = [] if companies else [alone]
    told = ("what_did", "result", "business")
    one_company = len(companies) == 1 and aspect in ("who_used", "list", "programs_used")
    if (unsure_list and (found or number is not None)) or (one_company and number is not None):
        # 'and how many countries now?', 「何年のコンテストに出たの？」 after one company: something
        # it did or came to, not the list (nor one action's program: "what did it use?" is all of
        # them, in its passages)
        aspect, p_aspect = next(((a, p) for a, p in aspects if a in told), aspects[0])
    if not found and aspect != "list":
        thing = _described_thing(look, text, reading, aspect, nearest_hits, exclude)
        companies = [c for c in doc.cases if c.company == thing]
        programs = [thing] if not companies else []
    if programs and not companies and (aspect in ("what_did", "result", "business") or number):
        # 「TSGで優勝した会社は何件の応募から？」: about the program's one company
        # of several, the one the question describes by words not the program's (「メスの会社が
        # 設備の助成金を使ったのは何年？」); 'how many companies?' counts them all
        users = doc.cases_using(programs[0])
        words = set(nouns(text)) - PROGRAM_WORDS - nouns(programs[0])
        one = users[0] if len(users) == 1 else None
        if one is None and not _ASKS_COMPANIES.search(unicodedata.normalize("NFKC", text)):
            one = _described_case(look, users, words)
        companies = [one] if one is not None else []
        aspect = aspect if aspect in ("what_did", "result", "business") else "what_did"
    if not companies:
        return aspect, companies, programs, None
    if len(companies) > 1 and aspect not in ("who_used", "list"):
        companies = [one_of(look, companies, reading, aspect)]
    asked = asked_words(companies[0], reading)
    sure = p_aspect >= ASPECT_SURE
    passage = best_passage(
        companies[0], reading, aspect, look.vectors, sure, asked, number, look.corpus.gloss
    )
    if not passage:
        return aspect, companies, programs, None

    def near(sentence: str) -> float:
        vector = look.vectors.get(sentence)
        return float(vector @ reading.vector) if vector is not None else 0.0

    return aspect, companies, programs, (passage, best_sentence(passage, asked, number, near))
