"""Hybrid retrieval: dense (Chroma) and Japanese BM25, fused by rank.

Its weight in ranking directions is calibrated on the dev split (bot/data/calibration.yaml);
the baselines in eval/ use the same pieces on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

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
