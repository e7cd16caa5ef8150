"""Hybrid retrieval: dense (Chroma) and Japanese BM25, fused by rank.

``retrieve`` is the plain function the recommender calls; ``HybridRetriever`` exposes the
same thing through LangChain's retriever interface (used by the optional LLM path).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from bot.fusion import rrf
from bot.keywords import KeywordIndex, tokens
from corpus.chunks import Chunk

Mode = Literal["hybrid", "dense", "bm25"]
DenseSearch = Callable[[Sequence[float], int], list[tuple[str, float]]]
# Curated aid chunks speak owners' words and so match owners' questions well; a little
# less weight keeps a close document passage ahead of them.
AID_WEIGHT = 0.9


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # fused
    dense: float | None  # cosine similarity, if the dense search returned it
    bm25: float | None


@dataclass(frozen=True)
class Retrieval:
    hits: list[Hit]
    dense_max: float
    bm25_max: float
    coverage: float  # share of query tokens known to the corpus vocabulary


def retrieve(
    query_vector: Sequence[float] | None,
    query_text: str,
    chunks: dict[str, Chunk],
    dense_search: DenseSearch,
    keyword: KeywordIndex,
    k: int,
    mode: Mode = "hybrid",
) -> Retrieval:
    dense = dense_search(query_vector, k) if mode != "bm25" and query_vector is not None else []
    query_tokens = tokens(query_text)
    sparse = keyword.search(query_tokens, k) if mode != "dense" else []
    rankings = [r for r in ([cid for cid, _ in dense], [cid for cid, _ in sparse]) if r]
    fused = rrf(rankings) if rankings else {}
    dense_by, sparse_by = dict(dense), dict(sparse)
    hits = []
    for cid, score in fused.items():
        chunk = chunks.get(cid)
        if chunk is None:
            continue
        weight = AID_WEIGHT if chunk.curated else 1.0
        hits.append(Hit(chunk, score * weight, dense_by.get(cid), sparse_by.get(cid)))
    hits.sort(key=lambda h: (-h.score, h.chunk.id))
    return Retrieval(
        hits=hits,
        dense_max=max((s for _, s in dense), default=0.0),
        bm25_max=max((s for _, s in sparse), default=0.0),
        coverage=keyword.coverage(query_tokens),
    )


class HybridRetriever(BaseRetriever):
    """LangChain retriever over the same pipeline; documents carry the chunk metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    embed_query: Callable[[str], Sequence[float]]
    chunks: dict[str, Chunk]
    dense_search: DenseSearch
    keyword: KeywordIndex
    k: int = 20
    mode: Mode = "hybrid"

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        vector = self.embed_query(query) if self.mode != "bm25" else None
        result = retrieve(vector, query, self.chunks, self.dense_search, self.keyword, self.k, self.mode)
        return [
            LCDocument(
                page_content=h.chunk.quote or h.chunk.text,
                id=h.chunk.id,
                metadata={**h.chunk.metadata(), "score": h.score},
            )
            for h in result.hits[: self.k]
        ]
