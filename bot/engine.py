"""The recommender: load corpus, model and index once; answer questions.

This is the one place where side effects meet (model, Chroma); everything it calls to
rank and compose is a pure function.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot import compose, facts, llm, rank, scope
from bot.errors import EmptyQuestion
from bot.fusion import interleave
from bot.keywords import KeywordIndex
from bot.models import Answer, SurveyFact
from bot.retrieve import Retrieval, retrieve
from bot.settings import Settings
from bot.text import clean_query, detect_lang, raises_several, segments
from corpus.chunks import Chunk, build_chunks
from corpus.load import Corpus, load_corpus
from corpus.source import fold
from index.build import open_index
from index.store import StoreConfig

Progress = Callable[[str], None]
MAX_DIRECTIONS = 5
SHOW_RATIO = 0.6  # a direction is presented when within this share of the best score
SHOW_LIMIT = 3
# A program is offered only when it is named, serves a presented direction, or a passage
# about it ranks among the first hits: an unrelated program is worse than none.
PROGRAM_EVIDENCE_TOP = 5
_FOLLOWUP = re.compile(
    r"(もっと|詳しく|くわしく|詳細|その|それ|さっき|先ほど|上の"
    r"|more|detail|elaborate|that one|the (first|second)|about the)",
    re.I,
)


def stderr_progress(message: str) -> None:
    print(f"[施策ナビ] {message}", file=sys.stderr, flush=True)


def store_config(settings: Settings) -> StoreConfig:
    return StoreConfig(settings.chroma_path, settings.collection, settings.chroma_host, settings.chroma_port)


@dataclass
class Recommender:
    settings: Settings
    corpus: Corpus
    chunks: dict[str, Chunk]
    keyword: KeywordIndex
    embed_query: Callable[[str], Sequence[float]]
    embed_queries: Callable[[list[str]], Sequence[Sequence[float]]]
    dense_search: Callable[[Sequence[float], int], list[tuple[str, float]]]
    model_name: str
    model_path: str
    chat_model: Any = None  # optional LangChain chat model for rephrasing (settings.llm)

    @classmethod
    def load(cls, settings: Settings | None = None, progress: Progress = stderr_progress) -> Recommender:
        settings = settings or Settings()
        corpus = load_corpus()
        index = open_index(
            store_config(settings),
            settings.embedding_model,
            settings.model_cache,
            build_chunks(corpus),
            progress,
        )
        chunks = {c.id: c for c in index.store.all_chunks()}
        keyword = KeywordIndex(list(chunks), [c.text for c in chunks.values()])
        progress(f"ready: {len(chunks)} chunks, model {index.embeddings.model_name}")
        return cls(
            settings,
            corpus,
            chunks,
            keyword,
            index.embeddings.embed_query_array,
            index.embeddings.embed_queries_array,
            index.store.search,
            index.embeddings.model_name,
            str(index.embeddings.model_path),
            llm.load_chat_model(settings.llm) if settings.llm else None,
        )

    # -- retrieval -------------------------------------------------------------------------
    def _retrieve(self, text: str, vector: Sequence[float] | None = None) -> Retrieval:
        mode = self.settings.retriever
        if vector is None and mode != "bm25":
            vector = self.embed_query(text)
        return retrieve(
            vector, text, self.chunks, self.dense_search, self.keyword, self.settings.top_chunks, mode
        )

    def ask(self, raw: str, history: Sequence[Answer] = ()) -> Answer:
        started = time.perf_counter()
        cleaned = clean_query(raw, self.settings.max_query_chars)
        if not cleaned.text:
            raise EmptyQuestion()
        answer = self._answer(cleaned.text, history)
        if self.chat_model is not None:
            answer = llm.rephrase(answer, self.chat_model, self._known_names)
        answer.notices = cleaned.notices + answer.notices
        answer.timing_ms = round((time.perf_counter() - started) * 1000, 2)
        return answer

    def _answer(self, text: str, history: Sequence[Answer]) -> Answer:
        lang = detect_lang(text)
        rules = scope.load_rules()
        if scope.is_injection(text, rules):
            return Answer(text, lang, False, answer=compose.decline(lang, "injection"), reason="injection")
        previous = next((a for a in reversed(history) if a.in_scope and a.directions), None)
        followup = previous is not None and len(text) <= 40 and bool(_FOLLOWUP.search(text))
        query = f"{previous.query} {text}" if followup and previous else text
        whole = self._retrieve(query)
        signals = scope.ScopeSignals(whole.dense_max, whole.bm25_max, whole.coverage)
        if scope.is_small_talk(text, rules):
            question, choices = compose.clarify(lang)
            return Answer(
                text,
                lang,
                False,
                answer=compose.decline(lang, "off_topic"),
                clarify=choices,
                reason="small_talk",
            )
        if scope.is_vague(text, rules) and whole.bm25_max <= rules.vague_bm25_max:
            question, choices = compose.clarify(lang)
            return Answer(text, lang, True, answer=question, clarify=choices, reason="vague")
        asked = facts.asked_facts(self.corpus, text)
        named = self._named_programs(text)
        if not asked and not named and not scope.on_topic(signals, rules.thresholds):
            return Answer(text, lang, False, answer=compose.decline(lang, "off_topic"), reason="off_topic")

        dir_ranked = rank.direction_scores(whole.hits)
        parts = segments(text) if not followup and raises_several(text) else []
        if len(parts) >= 2:
            parts = parts[:3]
            vectors = self.embed_queries(parts) if self.settings.retriever != "bm25" else [None] * len(parts)
            per_part = [
                rank.direction_scores(self._retrieve(p, v).hits) for p, v in zip(parts, vectors, strict=True)
            ]
            dir_ranked = interleave([*per_part, dir_ranked], MAX_DIRECTIONS)
            shown_limit = min(len(per_part) + 1, SHOW_LIMIT)
            primary = [t for t, _ in dir_ranked[:shown_limit]]
        else:
            if followup and previous:
                before = {d.title for d in previous.directions}
                focus = rank.direction_scores(self._retrieve(text).hits)
                dir_ranked = [kv for kv in focus if kv[0] in before] or dir_ranked
            primary = [t for t, _ in rank.keep_strong(dir_ranked, SHOW_RATIO, SHOW_LIMIT)]
        if asked:
            # A question about survey figures is answered by the figures; the only directions
            # presented with them are those the asked rows speak to.
            linked = facts.linked_directions(self.corpus, asked)
            primary = [t for t in primary if t in linked]
        dir_ranked = dir_ranked[:MAX_DIRECTIONS]

        prog_ranked = rank.program_scores(whole.hits, dir_ranked, self.corpus)
        evidence = {p for h in whole.hits[:PROGRAM_EVIDENCE_TOP] for p in h.chunk.programs}
        serving = {n for n, aid in self.corpus.aids.programs.items() if set(aid.directions) & set(primary)}
        relevant = [(n, s) for n, s in prog_ranked if n in named or n in evidence or n in serving]
        relevant.sort(key=lambda kv: (kv[0] not in named, -kv[1]))
        shown_programs = [n for n, _ in relevant[:3]]
        survey = asked or facts.context_facts(self.corpus, primary)
        fact_chunks = self._fact_chunks(whole, asked, named)
        cites = rank.citations(whole.hits, list(self.chunks.values()), primary, shown_programs, fact_chunks)
        # Presented matches come first, so `primary`/`primary_programs` count a prefix.
        dir_ranked = sorted(dir_ranked, key=lambda kv: kv[0] not in primary)
        directions = [rank.direction_match(self.corpus, t, s) for t, s in dir_ranked]
        programs = [rank.program_match(self.corpus, n, s) for n, s in relevant[:MAX_DIRECTIONS]]
        shown_dirs = directions[: len(primary)]
        body = compose.compose_answer(
            lang,
            shown_dirs,
            programs[: len(shown_programs)],
            survey,
            cites,
            {k: v.en for k, v in self.corpus.aids.strategies.items()},
            fact_passages=[c for c in cites if c.chunk_id in {f.id for f in fact_chunks}],
        )
        return Answer(
            text,
            lang,
            True,
            directions=directions,
            programs=programs,
            answer=body,
            citations=cites,
            survey=survey,
            primary=len(shown_dirs),
            primary_programs=len(shown_programs),
        )

    @property
    def _known_names(self) -> set[str]:
        doc = self.corpus.document
        return {p.name for p in doc.programs} | {c.company for c in doc.cases}

    # -- facts about named things ------------------------------------------------------------
    def _named_programs(self, text: str) -> list[str]:
        """Programs the question names, directly, by alias, or through a company that used them."""
        q = fold(text)
        found: list[str] = []
        doc = self.corpus.document
        for program in doc.programs:
            if any(fold(n) in q for n in (program.name, *program.aliases)):
                found.append(program.name)
        for case in doc.cases:
            core = fold(case.company.replace("株式会社", ""))
            if core and core in q:
                found.extend(case.programs)
        return list(dict.fromkeys(found))

    def _fact_chunks(
        self, result: Retrieval, asked: Sequence[SurveyFact], named: Sequence[str]
    ) -> list[Chunk]:
        """Passages that answer a factual question: survey tables, or case pages."""
        out: list[Chunk] = []
        if asked:
            keys = {f"{f.table}:{f.year}" for f in asked}
            groups = {f.title for f in asked if f.table == "profile"}
            out += [c for c in self.chunks.values() if c.kind == "survey_table" and c.tag in keys]
            out += [c for c in self.chunks.values() if c.kind == "survey_profile" and c.tag in groups]
        top = [
            h.chunk
            for h in result.hits[:3]
            if h.chunk.kind in ("case_action", "case_business", "case_result", "case_programs")
        ]
        if named or top:
            out += top[:2]
            for name in named[:2]:
                out += [c for c in self.chunks.values() if c.kind == "case_programs" and name in c.programs][
                    :1
                ]
        return list({c.id: c for c in out}.values())
