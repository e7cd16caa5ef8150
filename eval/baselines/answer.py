"""What every baseline shares (pure): ranking directions from hits, and the answer JSON.

The answer is a ``bot.models.Answer``, so its JSON has exactly the bot's keys. When the
gate lets a question in, a baseline presents its top direction (``primary`` = 1; 0 when no
retrieved passage points at a direction) and no program (``primary_programs`` = 0; programs
are still ranked, for prog_hit@3); its ``answer`` is one sentence naming the top direction;
it cites the top retrieved passages, each shown as a quoted item of the answer. Below the
gate it declines (``in_scope`` false, ``type`` "out_of_scope") and lists nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.fusion import aggregate, rrf
from bot.models import Answer, Citation, DirectionMatch, Item, ProgramMatch, Section
from bot.rank import retrieval_shares
from bot.retrieve import Hit
from bot.text import detect_lang
from corpus.chunks import Chunk
from corpus.load import Corpus

SEARCH_K = 20  # passages retrieved per question
ANSWER_PASSAGES = 3  # passages cited (and shown) per answer
MAX_LISTED = 5  # directions / programs listed in the JSON


@dataclass(frozen=True)
class Passage:
    """One retrieved passage of the document, with what it points at."""

    chunk_id: str
    text: str  # the document's words, verbatim (line breaks folded to spaces)
    start: int  # span in the source text
    end: int
    kind: str
    directions: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Retrieved:
    """A baseline's retrieval for one question: rankings, passages, and its gate signal."""

    directions: list[tuple[str, float]]  # best first
    programs: list[tuple[str, float]]
    passages: list[Passage]  # in retrieval order
    signal: float  # what the gate reads (best BM25 score, best cosine, …); -inf when nothing was found


def passage_of(chunk: Chunk) -> Passage:
    assert chunk.span is not None, f"chunk {chunk.id} has no span"
    return Passage(
        chunk.id,
        " ".join(chunk.quote.split()),
        chunk.span.start,
        chunk.span.end,
        chunk.kind,
        chunk.directions,
        chunk.programs,
    )


def document_chunks(chunks: Sequence[Chunk]) -> list[Chunk]:
    """The document's own chunks: no curated aid chunks, each with a quote and a span."""
    return [c for c in chunks if not c.curated and c.span is not None and c.quote]


def rank_hits(hits: Sequence[Chunk]) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Directions and programs from chunks in retrieval order (best first).

    Each chunk scores by its rank alone (``bot.fusion.rrf`` over the one ranking, as the
    pipeline's single-retriever mode does), so BM25 and cosine scores need no common scale;
    directions are ranked by ``bot.rank.retrieval_shares``, programs by ``bot.fusion.aggregate``.
    Ties go to the title that sorts first.
    """
    ids = list(dict.fromkeys(c.id for c in hits))
    by_id = {c.id: c for c in hits}
    score = rrf([ids])
    shares = retrieval_shares([Hit(by_id[i], score[i], None, None) for i in ids])
    directions = sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))
    programs = aggregate(score, {i: by_id[i].programs for i in ids})
    return directions, programs


def retrieved_from_chunks(hits: Sequence[tuple[Chunk, float]]) -> Retrieved:
    """``hits``: (chunk, raw score) best first; the signal is the best raw score."""
    directions, programs = rank_hits([c for c, _ in hits])
    return Retrieved(
        directions,
        programs,
        [passage_of(c) for c, _ in hits],
        max((s for _, s in hits), default=-math.inf),
    )


def in_scope(retrieved: Retrieved, gate: float) -> bool:
    """The gate: the signal reaches it (nothing retrieved has signal -inf, below every gate)."""
    return retrieved.signal >= gate


def _lead(corpus: Corpus, lang: str, answered: bool, top: str | None) -> str:
    if not answered:
        if lang == "en":
            return "This question does not seem to be about what the document covers, so it is not answered."
        return "このご質問は、文書が扱う範囲の外と判断したため、お答えしていません。"
    if top is None:
        if lang == "en":
            return "No direction of the document fits; the closest passages of the document are below."
        return "当てはまる取組の方向性は見つかりませんでした。文書の中で近い一節を下に示します。"
    strategy = corpus.document.strategy_of(top)
    if lang == "en":
        gloss = corpus.aids.directions[top].en
        return (
            f"The closest direction found in the document is 「{top}」 ({gloss}, project's translation), "
            f"strategy {strategy.numeral}."
        )
    return f"文書の中で最も近い取組の方向性は「{top}」（戦略{strategy.numeral}「{strategy.title}」）です。"


def _citations(passages: Sequence[Any], top: str | None) -> list[Citation]:
    return [
        Citation(
            p.chunk_id,
            p.text,
            (p.start, p.end),
            p.kind,
            top if top in p.directions else (p.directions[0] if p.directions else ""),
            p.programs[0] if p.programs else "",
        )
        for p in passages
    ]


def _sections(corpus: Corpus, passages: Sequence[Any], top: str | None, en: bool) -> list[Section]:
    """The closest direction, then the retrieved passages, each cited."""
    sections = []
    if top is not None:
        strategy = corpus.document.strategy_of(top)
        head = (
            f"{top} (strategy {strategy.numeral})"
            if en
            else f"{top}（戦略{strategy.numeral}「{strategy.title}」）"
        )
        cites = tuple(i for i, p in enumerate(passages, start=1) if top in p.directions)
        item = Item(head, gloss=corpus.aids.directions[top].en if en else "", cite=cites, ref=top)
        title = "Closest direction (by retrieval)" if en else "最も近い取組の方向性（検索による）"
        sections.append(Section("directions", title, (item,)))
    quoted = tuple(
        Item(p.text, quote=True, cite=(i,), ref=p.directions[0] if p.directions else "")
        for i, p in enumerate(passages, start=1)
    )
    title = "Passages retrieved from the document" if en else "検索でヒットした文書の一節"
    sections.append(Section("others", title, quoted))
    return sections


def build_answer(
    query: str, retrieved: Retrieved, gate: float, corpus: Corpus, started: float | None = None
) -> dict[str, Any]:
    """The baseline's answer, as ``python -m bot ask --json`` prints an answer."""
    started = time.perf_counter() if started is None else started
    lang = detect_lang(query)  # as the bot reads it, so both answer in the same language
    if not in_scope(retrieved, gate):
        lead = _lead(corpus, lang, False, None)
        answer = Answer(query, lang, False, type="out_of_scope", lead=lead, answer=lead, reason="off_topic")
        answer.timing_ms = round((time.perf_counter() - started) * 1000, 2)
        return answer.to_json()
    doc, aids = corpus.document, corpus.aids
    top = retrieved.directions[0][0] if retrieved.directions else None
    passages = retrieved.passages[:ANSWER_PASSAGES]
    lead = _lead(corpus, lang, True, top)
    answer = Answer(
        query,
        lang,
        True,
        type="problem",
        lead=lead,
        directions=[
            DirectionMatch(
                doc.strategy_of(t).numeral,
                doc.strategy_of(t).title,
                t,
                round(s, 5),
                (),
                aids.directions[t].en,
            )
            for t, s in retrieved.directions[:MAX_LISTED]
        ],
        programs=[
            ProgramMatch(
                p, round(s, 5), tuple(c.company for c in doc.cases_using(p)), (), aids.programs[p].en
            )
            for p, s in retrieved.programs[:MAX_LISTED]
        ],
        answer=lead,
        citations=_citations(passages, top),
        sections=_sections(corpus, passages, top, lang == "en"),
        primary=1 if top is not None else 0,
        primary_programs=0,
    )
    answer.timing_ms = round((time.perf_counter() - started) * 1000, 2)
    return answer.to_json()
