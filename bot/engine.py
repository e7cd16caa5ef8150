"""The recommender: load corpus, model, index and learned decisions once; answer questions.

A question flows once through the pipeline — understand (bot.understand) → encode (its
clauses, in one batch) → classify (bot.classify) → retrieve (bot.retrieve, only for what
needs passages) → rank and present (bot.rank, bot.present) → compose (bot.answers.*) — and
every step after encoding is a pure function of what came before. Loading is bot.startup;
the encoder and Chroma sit behind index/.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np

from bot import llm
from bot.answers import followup
from bot.answers.case_question import CaseLookup, case_follows, names_a_case, read_case_question
from bot.answers.cases import answer_case
from bot.answers.decline import ask_back, decline_instruction, decline_markup, decline_topic
from bot.answers.entities import Entity, named
from bot.answers.problem import Uncovered, answer_problem
from bot.answers.problem_question import clause_tops, read_problem
from bot.answers.structure import answer_structure
from bot.answers.structure_question import (
    ITEM_PARTS,
    listed_part,
    program_placed,
    read_structure_question,
    told_directions,
)
from bot.answers.survey import answer_survey
from bot.answers.survey_question import about_shown, about_told, read_survey_question, tables_meant
from bot.answers.survey_rows import RowMatcher
from bot.calibration import Calibration
from bot.classify import Classifiers, Reading, read_kinds
from bot.compose import Draft
from bot.context import in_context
from bot.encode import Encoded, encode_message
from bot.errors import EmptyQuestion
from bot.kana import KanaRestorer
from bot.keywords import KeywordIndex, tokens
from bot.lookup import Passages
from bot.models import Answer, SurveyFact
from bot.present import ProblemEvidence, decide
from bot.progress import Progress, stderr_progress
from bot.rank import retrieval_shares
from bot.retrieve import Retrieval, retrieve
from bot.settings import Settings
from bot.understand import Message, read_message
from corpus.chunks import Chunk
from corpus.load import Corpus

NEAREST_HITS = 8  # passages looked through for the company or program a description means
MAX_HISTORY = 10  # earlier messages replayed for a follow-up; older ones cannot be referred to
IGNORED_NOTICE = "problem.ignored"


@dataclass
class Recommender:
    settings: Settings
    corpus: Corpus
    chunks: dict[str, Chunk]
    keyword: KeywordIndex
    embeddings: Any  # index.embeddings.E5Embeddings
    dense_search: Callable[[Sequence[float], int], list[tuple[str, float]]]
    passages: Passages
    models: Classifiers
    calibration: Calibration
    entities: tuple[Entity, ...]
    rows: RowMatcher
    cases: CaseLookup  # what reading a case question looks things up in
    kana: KanaRestorer
    chat_model: Any = None  # optional LangChain chat model for rephrasing (settings.llm)

    # ask() is safe to call from several threads (the web layer does): every model is read-only
    # after load, the encoder and the store are safe to share, the keyword tokenizer is one per
    # thread, and each question builds its own Draft (tests/test_engine.py asks from 8 threads).

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of short texts, as questions are encoded (the desk groups questions by them)."""
        return np.asarray(self.embeddings.embed_queries_array(list(texts)), dtype=np.float32)

    @property
    def model_name(self) -> str:
        return str(self.embeddings.model_name)

    @property
    def model_path(self) -> str:
        return str(self.embeddings.model_path)

    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        progress: Progress = stderr_progress,
        calibration: Calibration | None = None,
    ) -> Recommender:
        """Corpus, index, model and the learned decisions, ready to answer (bot.startup)."""
        from bot.startup import load_parts

        return cls(**load_parts(settings or Settings(), progress, calibration))

    # -- the one entry point -------------------------------------------------------------------
    def ask(self, raw: str, history: Sequence[Answer | str] = (), lang: str | None = None) -> Answer:
        """Answer one message; ``history`` holds the conversation's earlier answers or messages."""
        started = time.perf_counter()
        earlier = self._replay(history, lang)
        message = read_message(raw, self.settings.max_query_chars, lang, self.kana.restore)
        if not message.text:
            raise EmptyQuestion()
        answer = self._answer(message, earlier)
        if self.chat_model is not None and answer.in_scope:
            answer = llm.rephrase(answer, self.chat_model, self.corpus.document.names())
        answer.notices = [*message.notices, *answer.notices]
        answer.timing_ms = round((time.perf_counter() - started) * 1000, 2)
        return answer

    def _replay(self, history: Sequence[Answer | str], lang: str | None) -> list[Answer]:
        out: list[Answer] = []
        for item in list(history)[-MAX_HISTORY:]:
            if isinstance(item, Answer):
                out.append(item)
            elif isinstance(item, str) and item.strip():
                out.append(self.ask(item, out, lang))
        return out

    # -- steps ------------------------------------------------------------------------------
    def _answer(self, message: Message, earlier: Sequence[Answer]) -> Answer:
        lang, text = message.lang, message.text
        if message.markup_only:
            return decline_markup(text, lang)
        previous = followup.last_shown(earlier)
        reading = self.read(message, after_answer=previous is not None)
        vector, words, m = reading.vector, reading.tokens, self.models
        context = in_context(
            reading.kind,
            previous,
            lambda: m.intents.ranked(vector, words)[0][0],
            lambda: names_a_case(m, self.entities, message.search, reading),
            lambda: self._topic(vector, words),
            self.calibration.topic_min,
            reading.barely_off_topic,
            self.calibration.show_min,
            lambda: bool(named(message.search, self.entities)),
            message.search,
        )
        kind, shown = context.kind, context.shown
        if kind == "followup" and previous is not None:
            return self._followup(message, reading, previous, context.intent)
        if kind in ("filler", "followup"):
            return ask_back(text, lang)
        if kind == "instruction":
            return decline_instruction(text, lang)
        if kind == "out_of_scope":
            return decline_topic(text, lang, m.topics.ranked(vector, words)[0][0])
        draft = Draft(lang, self.corpus, self.passages)
        if kind != reading.kind:
            reading = replace(reading, kind=kind)
        if kind == "survey":  # after a survey answer, its table unless this one names another
            earlier = followup.shown_fact(previous) if previous and previous.type == "survey" else None
            return self._survey(draft, message, reading, earlier, about=previous, follows=False)
        if kind == "structure":
            return self._structure(draft, message, reading, shown, previous)
        if kind == "case":
            return self._case(draft, message, reading, previous)
        return self._problem(draft, message, reading)

    def encode(self, message: Message) -> Encoded:
        """The message's vector and its clauses' vectors (bot.encode), from one batch."""
        return encode_message(self.embeddings.embed_queries_array, message)

    def read(self, message: Message, encoded: Encoded | None = None, after_answer: bool = True) -> Reading:
        """What the message asks; ``encoded`` is its :meth:`encode`, where the caller has it;
        ``after_answer``: whether an earlier answer showed something it can follow up on."""
        vector, clause_vectors = encoded or self.encode(message)
        cal, lang = self.calibration, message.lang
        return read_kinds(
            message, vector, clause_vectors, tokens, self.models.types, cal.declines(lang),
            cal.content_floor(lang), self._topic, cal.topic_min, after_answer,
        )  # fmt: skip

    def _topic(self, vector: np.ndarray, words: Sequence[str]) -> float:
        """How sure the direction model is that a text is about one direction."""
        return self.models.directions.ranked(vector, words)[0][1]

    def _retrieve(self, text: str, vector: np.ndarray) -> Retrieval:
        mode, dense = self.settings.retriever, vector.tolist()
        return retrieve(
            dense if mode != "bm25" else None, text, self.chunks, self.dense_search, self.keyword,
            self.settings.top_chunks, mode,
        )  # fmt: skip

    def evidence(self, message: Message, reading: Reading) -> ProblemEvidence:
        """What the problem decisions read (bot.answers.problem_question); retrieval is asked
        only while its calibrated weight is above 0."""
        content = reading.content()
        text = " ".join(c.text for c in content) if len(content) < len(reading.clauses) else message.search

        def shares() -> dict[str, float]:
            return retrieval_shares(self._retrieve(text, reading.vector).hits)

        weight = self.calibration.retrieval_weight
        return read_problem(
            self.models, self.entities, message.search, reading, shares if weight > 0 else None
        )

    def _problem(self, draft: Draft, message: Message, reading: Reading) -> Answer:
        m, cal = self.models, self.calibration
        evidence = self.evidence(message, reading)
        ranked, choice, programs = decide(
            evidence, cal.retrieval_weight, cal.thresholds(), self.corpus.aids.program_links
        )
        uncovered = [
            Uncovered(c.text, m.topics.ranked(c.vector, c.tokens)[0][0])
            for c in reading.clauses
            if c.label == "out_of_scope"
        ]
        notices = [draft.w.say(IGNORED_NOTICE)] if reading.ignored else []
        return answer_problem(draft, message.text, choice, ranked, programs, uncovered, notices)

    def _survey(
        self,
        draft: Draft,
        message: Message,
        reading: Reading,
        shown: SurveyFact | None = None,
        about: Answer | None = None,
        follows: bool = True,
    ) -> Answer:
        """``shown``/``follows``: see ``tables_meant``; ``about``: the answer before, whose
        direction a question naming no row means (「同じ悩みの会社はどれくらい？」)."""
        m = self.models
        tables = tables_meant(m.tables.ranked(reading.vector, reading.tokens), shown, follows)
        # 「同じ悩みの会社はどれくらい？」 after a problem answer: its direction's row, unless named
        before = followup.shown_directions(about) if about is not None and about.type == "problem" else []
        # a question pointing back (「それって何位？」), or any after one row's figure (「前年から
        # どう変わった？」), names no row of its own by similarity
        pointed = follows or followup.points_back(message.search) or not shown.by_rank if shown else False
        words_only = pointed or bool(before)
        asks = m.asks.ranked(reading.vector, reading.tokens)
        question = read_survey_question(
            self.corpus, message.search, reading.vector, tables, asks, self.rows, shown, words_only
        )
        if about is not None and about.type == "problem":
            question = about_shown(self.corpus, question, before, f"{about.query} {message.search}")
        elif shown is None:
            # a problem told before asking (「油も小麦も上がりっぱなし。こういう会社って多い？」)
            several = len(reading.clauses) > 1
            told = [(c.text, c.vector) for c in reading.clauses if several and c.label == "problem"]
            question = about_told(question, told, message.search, reading.vector, self.rows)
        return answer_survey(draft, message.text, question)

    def _structure(
        self, draft: Draft, message: Message, reading: Reading, shown: Sequence[str], previous: Answer | None
    ) -> Answer:
        """``shown``: the directions the answer before presented; ``previous``: that answer,
        whose one strategy a question naming none means."""
        m, vector, words = self.models, reading.vector, reading.tokens
        parts, directions = m.parts.ranked(vector, words), m.directions.ranked(vector, words)
        # what the owner told before asking (a background or problem clause) may be what is asked about
        told = [
            m.directions.ranked(c.vector, c.tokens)
            for c in reading.clauses
            if len(reading.clauses) > 1 and c.label in ("context", "problem", "filler")
        ]
        directions = told_directions(directions, told)
        found = named(message.search, self.entities)
        before = followup.shown_programs(previous) if previous is not None and previous.type == "case" else []
        if not found and len(before) == 1:  # "which direction is it part of?" after one program's answer
            found = [e for e in self.entities if e.name == before[0]]
        if program := program_placed(parts, found):  # 「〜事業はどの戦略？」
            return answer_case(draft, message.text, "direction", [], [program], None)
        strategy = followup.shown_strategy(previous, self.corpus) if previous is not None else None
        listed = listed_part(previous, self.corpus) if previous is not None else None
        question = read_structure_question(
            self.corpus, message.search, parts, directions, shown, strategy, listed
        )
        return answer_structure(draft, message.text, question)

    def _case(
        self,
        draft: Draft,
        message: Message,
        reading: Reading,
        previous: Answer | None = None,
        follows: bool = False,
    ) -> Answer:
        """``previous``: a case answer before it — 「ほかに〜の会社は？」 means not the companies it
        showed; a follow-up on it (``follows``) is about them."""
        shown = previous if previous is not None and previous.type == "case" else None
        follows, another = (
            case_follows(message.search, followup.shown_companies(shown), follows, self.cases)
            if shown is not None
            else (follows, False)
        )
        exclude = frozenset(followup.shown_companies(shown)) if shown is not None and another else frozenset()
        about = followup.case_about(shown) if shown is not None and follows and not another else ""
        used = followup.shown_programs(shown) if shown is not None and another else []
        nearest = lambda: self._retrieve(message.search, reading.vector).hits[:NEAREST_HITS]  # noqa: E731
        question = read_case_question(self.cases, message.search, reading, about, nearest, exclude, used)
        return answer_case(draft, message.text, *question)

    def _followup(self, message: Message, reading: Reading, previous: Answer, intent: str | None) -> Answer:
        draft = Draft(message.lang, self.corpus, self.passages)
        if previous.type == "survey":
            return self._survey(draft, message, reading, followup.shown_fact(previous))
        parts = self.models.parts.ranked(reading.vector, reading.tokens)
        if previous.type == "structure" and (not previous.primary or parts[0][0] in ITEM_PARTS):
            # 「そこの取組の方向性は？」 after its 課題, 「そこで委員は何て？」 after its directions
            return self._structure(draft, message, reading, [], previous)
        if previous.type == "case":
            return self._case(draft, message, reading, previous, follows=True)
        intent = intent or self.models.intents.ranked(reading.vector, reading.tokens)[0][0]  # not ranked yet
        if followup.asks_linked_part(parts, intent, previous):  # 「この件、委員は何て？」
            return self._structure(draft, message, reading, followup.shown_directions(previous), None)
        ranked = self.models.directions.ranked(reading.vector, reading.tokens)
        focus = followup.focus_of(ranked, previous)
        position = followup.asked_position(message.search)
        if focus is None and previous.type == "problem":
            told = partial(self._told, previous.query, previous.lang)
            if (other := followup.told_one(told, ranked, position, previous)) is not None:
                # the owner's other problem, which the answer before missed: about it now
                previous, focus, position = followup.with_shown(previous, self.corpus, other), other, None
        return followup.answer_followup(draft, message.text, intent, position, previous, focus)

    def _told(self, said: str, lang: str) -> list[str]:
        """The problems the owner told, in order: each clause's direction (problem_question.clause_tops)."""
        message = read_message(said, self.settings.max_query_chars, lang, self.kana.restore)
        tops = clause_tops(self.models, self.read(message, after_answer=False))
        # as a several-problem answer counts them: a clause fitting no direction well is none
        return list(dict.fromkeys(t for t, p in tops if p >= self.calibration.clause_min))
