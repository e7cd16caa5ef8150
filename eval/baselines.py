"""``langchain_plain``: the textbook LangChain recipe, as a tiny system with the bot's JSON shape.

Fixed-size chunks of the raw source text (RecursiveCharacterTextSplitter), embedded with
the same E5 model into their own Chroma collection, ``similarity_search`` for the top
chunks. Each chunk is labelled by span overlap with the corpus units: its direction is the
one whose title and items overlap it most (``label_span``, a pure function). It has no
scope check (it answers everything) and no composed answer: the answer is the top chunks.

Run as ``python -m eval.baselines --jsonl`` so it is measured exactly like the bot.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.load import Corpus

CHUNK_SIZE = 300
CHUNK_OVERLAP = 50
SEARCH_K = 20  # chunks searched; many chunks (survey, cases) name no direction
ANSWER_CHUNKS = 3
MAX_DIRECTIONS = 5
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
        Target(
            u.span.start,
            u.span.end,
            u.kind,
            u.direction if u.kind in DIRECTION_KINDS else "",
            u.programs,
        )
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
        directions[0] if directions else None,
        tuple(best(by_program)),
        kinds[0] if kinds else "text",
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


def _lang(text: str) -> str:
    return "ja" if any("\u3040" <= ch <= "\u9fff" for ch in text) else "en"


class PlainSystem:
    """The plain recipe over its own Chroma collection (built once, reused while unchanged)."""

    def __init__(self, corpus: Corpus, store_dir: Path, model: str, model_cache: Path) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma

        from index.embeddings import E5Embeddings

        self.corpus = corpus
        self.chunks = split_source(corpus.source.text)
        units = targets(corpus)
        self.labels = [label_span(c.start, c.end, units) for c in self.chunks]
        embeddings = E5Embeddings(model, cache_dir=model_cache)
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

    def ask(self, query: str) -> dict[str, Any]:
        started = time.perf_counter()
        found = self.vs.similarity_search_with_score(query, k=SEARCH_K)
        picked = [(int(doc.id or 0), 1.0 - float(dist)) for doc, dist in found]
        directions, programs = rank_labels(self.labels[i] for i, _ in picked)
        score_of: dict[str, float] = {}
        for i, score in picked:
            label = self.labels[i]
            for name in (label.direction, *label.programs):
                if name:
                    score_of.setdefault(name, score)
        doc, aids = self.corpus.document, self.corpus.aids
        top = picked[:ANSWER_CHUNKS]
        return {
            "query": query,
            "lang": _lang(query),
            "in_scope": True,
            "directions": [
                {
                    "strategy": doc.strategy_of(t).numeral,
                    "strategy_title": doc.strategy_of(t).title,
                    "title": t,
                    "score": round(score_of[t], 5),
                    "items": [],
                    "title_en": aids.directions[t].en,
                }
                for t in directions[:MAX_DIRECTIONS]
            ],
            "primary": min(1, len(directions)),
            "programs": [
                {
                    "name": p,
                    "score": round(score_of[p], 5),
                    "cases": [c.company for c in doc.cases_using(p)],
                    "uses": [],
                    "name_en": aids.programs[p].en,
                }
                for p in programs[:MAX_DIRECTIONS]
            ],
            "answer": "\n\n".join(self.chunks[i].text for i, _ in top),
            "citations": [self._citation(i) for i, _ in top],
            "survey": [],
            "clarify": [],
            "notices": [],
            "reason": "",
            "timing_ms": round((time.perf_counter() - started) * 1000, 2),
        }

    def _citation(self, i: int) -> dict[str, Any]:
        chunk, label = self.chunks[i], self.labels[i]
        return {
            "chunk_id": f"plain-{i}",
            "text": " ".join(chunk.text.split()),
            "span": [chunk.start, chunk.end],
            "kind": label.kind,
            "direction": label.direction or "",
            "program": label.programs[0] if label.programs and not label.direction else "",
        }


def main(argv: Sequence[str] | None = None) -> None:
    from bot.settings import Settings
    from corpus.load import load_corpus

    parser = argparse.ArgumentParser(prog="python -m eval.baselines", description=__doc__)
    parser.add_argument(
        "--jsonl", action="store_true", required=True, help="JSON lines on stdin, one answer each"
    )
    parser.add_argument("--data-dir", type=Path, help="as the bot's --data-dir (model cache, var/)")
    parser.add_argument("--embedding-model", help="as the bot's --embedding-model")
    args = parser.parse_args(argv)
    given = {"data_dir": args.data_dir, "embedding_model": args.embedding_model}
    settings = Settings(**{k: v for k, v in given.items() if v is not None})
    system = PlainSystem(
        load_corpus(),
        settings.data_dir / "eval" / "plain_chroma",
        settings.embedding_model,
        settings.model_cache,
    )
    for line in sys.stdin:
        try:
            query = json.loads(line)["query"]
            out = system.ask(str(query))
        except Exception as exc:  # one bad line must not stop the batch, as in the bot
            out = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
