"""``plain``: the textbook LangChain recipe over the raw source text.

Fixed-size chunks of the raw source (RecursiveCharacterTextSplitter), embedded with the
same E5 model into their own Chroma collection, ``similarity_search`` for the top chunks.
Each chunk is labelled by span overlap with the corpus units: its direction is the one
whose title and items overlap it most (``label_span``, a pure function); directions and
programs are ranked in the order their chunks were retrieved (``rank_labels``).
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus.load import Corpus
from eval.baselines.answer import SEARCH_K, Passage, Retrieved

CHUNK_SIZE = 300
CHUNK_OVERLAP = 50
DIRECTION_KINDS = ("direction_title", "direction_item")


@dataclass(frozen=True)
class SourceChunk:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Target:
    """A corpus unit's span and what it tells about a chunk that overlaps it."""

    start: int
    end: int
    kind: str
    direction: str = ""
    programs: tuple[str, ...] = ()


@dataclass(frozen=True)
class SpanLabel:
    direction: str | None  # the direction whose title/items overlap the span most
    programs: tuple[str, ...]  # programs of overlapping case/program passages, most overlap first
    kind: str  # the kind of the unit that overlaps most ("text" when none does)


def split_source(text: str, size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP) -> list[SourceChunk]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=overlap, add_start_index=True)
    out = []
    for doc in splitter.create_documents([text]):
        start = int(doc.metadata["start_index"])
        if text[start : start + len(doc.page_content)] != doc.page_content:
            raise ValueError(f"splitter offset {start} does not point at its chunk")
        out.append(SourceChunk(doc.page_content, start, start + len(doc.page_content)))
    return out


def targets(corpus: Corpus) -> list[Target]:
    return [
        Target(u.span.start, u.span.end, u.kind, u.direction if u.kind in DIRECTION_KINDS else "", u.programs)
        for u in corpus.units
    ]


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def label_span(start: int, end: int, units: Sequence[Target]) -> SpanLabel:
    """Label a source span by the units it overlaps (ties: the unit earlier in ``units``)."""
    by_direction: dict[str, int] = defaultdict(int)
    by_program: dict[str, int] = defaultdict(int)
    by_kind: dict[str, int] = defaultdict(int)
    for u in units:
        size = _overlap(start, end, u.start, u.end)
        if size <= 0:
            continue
        by_kind[u.kind] += size
        if u.direction:
            by_direction[u.direction] += size
        for p in u.programs:
            by_program[p] += size

    def best(counts: dict[str, int]) -> list[str]:
        # dicts keep insertion order, so sorted() is stable on ties: first seen wins
        return [k for k, _ in sorted(counts.items(), key=lambda kv: -kv[1])]

    directions = best(by_direction)
    kinds = best(by_kind)
    return SpanLabel(
        directions[0] if directions else None, tuple(best(by_program)), kinds[0] if kinds else "text"
    )


def rank_labels(labels: Iterable[SpanLabel]) -> tuple[list[str], list[str]]:
    """Directions and programs in the order their chunks were retrieved, each once."""
    directions: dict[str, None] = {}
    programs: dict[str, None] = {}
    for label in labels:
        if label.direction:
            directions.setdefault(label.direction)
        for p in label.programs:
            programs.setdefault(p)
    return list(directions), list(programs)


def retrieved_from_labels(
    picked: Sequence[tuple[int, float]], chunks: Sequence[SourceChunk], labels: Sequence[SpanLabel]
) -> Retrieved:
    """``picked``: (chunk index, similarity) best first. A name's score is its first chunk's."""
    directions, programs = rank_labels(labels[i] for i, _ in picked)
    score_of: dict[str, float] = {}
    for i, score in picked:
        for name in (labels[i].direction, *labels[i].programs):
            if name:
                score_of.setdefault(name, score)
    passages = [
        Passage(
            f"plain-{i}",
            " ".join(chunks[i].text.split()),
            chunks[i].start,
            chunks[i].end,
            labels[i].kind,
            (labels[i].direction,) if labels[i].direction else (),
            labels[i].programs,
        )
        for i, _ in picked
    ]
    return Retrieved(
        [(d, score_of[d]) for d in directions],
        [(p, score_of[p]) for p in programs],
        passages,
        max((s for _, s in picked), default=-math.inf),
    )


class PlainSystem:
    """The plain recipe over its own Chroma collection (built once, reused while unchanged)."""

    name = "plain"

    def __init__(
        self, corpus: Corpus, store_dir: Path, model: str, model_cache: Path, backend: str | None = None
    ) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma

        from index.embeddings import E5Embeddings

        self.chunks = split_source(corpus.source.text)
        units = targets(corpus)
        self.labels = [label_span(c.start, c.end, units) for c in self.chunks]
        embeddings = E5Embeddings(model, cache_dir=model_cache, backend=backend)
        self.fitted_with = f"{model}|{embeddings.backend}"
        key = hashlib.sha256(
            # the backend too: int8 backends give other vectors than the ones stored
            f"{model}|{embeddings.backend}|{CHUNK_SIZE}|{CHUNK_OVERLAP}|{corpus.source.sha256}".encode()
        ).hexdigest()[:16]
        client = chromadb.PersistentClient(
            path=str(store_dir), settings=ChromaSettings(anonymized_telemetry=False)
        )
        self.vs = Chroma(
            client=client,
            collection_name=f"plain_{key}",
            embedding_function=embeddings,
            collection_configuration={"hnsw": {"space": "cosine"}},
        )
        if self.vs._collection.count() != len(self.chunks):
            self.vs.reset_collection()
            self.vs.add_texts([c.text for c in self.chunks], ids=[str(i) for i in range(len(self.chunks))])

    def retrieve(self, query: str) -> Retrieved:
        found = self.vs.similarity_search_with_score(query, k=SEARCH_K)
        picked = [(int(doc.id or 0), 1.0 - float(dist)) for doc, dist in found]
        return retrieved_from_labels(picked, self.chunks, self.labels)
