"""Scaling part of the bench: synthetic corpora of 1k-100k chunks, local Chroma and ``chroma run``.

Real sentences of the document are recombined into chunks; vectors reuse a few hundred really
embedded texts plus small noise, so that it runs in minutes on two cores. Its timings are
for the vector store, the keyword index and the retrieval stage, not for the encoder.

Per size: keyword search p50/p95 (the sparse index, and rank_bm25 and bm25s for comparison),
dense search p50/p95, the whole retrieval stage without the encode p50/p95 (dense + keyword +
fusion + aggregation into directions, as the engine runs it when retrieval counts), build
times, and the start of a fresh process that opens both indexes and searches once
(``eval.bench_stores``).
"""

from __future__ import annotations

import random
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eval.bench_common import log, time_each, timed
from eval.bench_stores import QUERY_K, ChromaServer, dense_store, fresh_start

UNIQUE_VECTORS = 256
NOISE = 0.02  # per-dimension sd before re-normalizing: neighbours stay near their base text
QUERY_REPEATS = 30
SEED = 7


@dataclass(frozen=True)
class Piece:
    """A real sentence and what its chunk points at, so synthetic chunks aggregate like real ones."""

    text: str
    directions: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    curated: bool = False


@dataclass(frozen=True)
class Synthetic:
    ids: list[str]
    texts: list[str]
    token_lists: list[list[str]]
    vectors: np.ndarray  # float32, normalized
    chunks: dict[str, Any]  # id -> corpus.chunks.Chunk, for the retrieval stage


def sentences(chunks: Sequence[Any]) -> list[Piece]:
    """The distinct sentences of the chunks (8+ characters), each with the union of its chunks' links."""
    found: dict[str, Piece] = {}
    for c in chunks:
        for s in (s.strip() for s in re.split(r"[。．\n]|(?<=[:：])", c.text)):
            if len(s) < 8:
                continue
            p = found.get(s, Piece(s))
            found[s] = Piece(
                s,
                tuple(sorted({*p.directions, *c.directions})),
                tuple(sorted({*p.programs, *c.programs})),
                p.curated or c.curated,
            )
    return [found[s] for s in sorted(found)]


def synthetic_corpus(
    n: int,
    pieces: Sequence[Piece],
    piece_tokens: Sequence[list[str]],
    base_vectors: np.ndarray,
    rng: random.Random,
) -> Synthetic:
    """``n`` chunks of 2–4 recombined real sentences; tokens are the sentences' cached tokens."""
    from corpus.chunks import Chunk

    nprng = np.random.default_rng(rng.randrange(2**32))
    ids = [f"s{i:06d}" for i in range(n)]
    texts, toks, chunks = [], [], {}
    for cid in ids:
        at = rng.sample(range(len(pieces)), rng.randint(2, 4))
        picked = [pieces[i] for i in at]
        texts.append("。".join(p.text for p in picked) + "。")
        toks.append([t for i in at for t in piece_tokens[i]])
        chunks[cid] = Chunk(
            cid,
            texts[-1],
            "synthetic",
            directions=tuple(sorted({d for p in picked for d in p.directions})),
            programs=tuple(sorted({g for p in picked for g in p.programs})),
            curated=any(p.curated for p in picked),
        )
    base = base_vectors[nprng.integers(0, len(base_vectors), n)]
    vecs = base + nprng.normal(0, NOISE, base.shape).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return Synthetic(ids, texts, toks, vecs.astype(np.float32), chunks)


def keyword(data: Synthetic, query_tokens: Sequence[list[str]], terms: Path) -> tuple[dict[str, Any], Any]:
    """The engine's keyword index: stored terms, load, search; rank_bm25 and bm25s beside it.

    Returns the timings and the loaded index, which the retrieval-stage timing searches next.
    """
    from bot.keywords import KeywordIndex, tokenizer_version
    from index.terms import TermTable, count_matrix, load_terms, save_terms

    (vocab, counts), count_s = timed(lambda: count_matrix(data.token_lists))
    save_terms(terms, TermTable(data.ids, vocab, counts, tokenizer_version()))
    table, load_s = timed(lambda: load_terms(terms, tokenizer_version()))
    assert table is not None
    index, build_s = timed(lambda: KeywordIndex.from_table(table))
    out: dict[str, Any] = {
        "terms_count_s": round(count_s, 2),
        "terms_file_mb": round(terms.stat().st_size / 2**20, 1),
        "terms_load_s": round(load_s, 3),
        "build_s": round(build_s, 3),
        "query": time_each(lambda q: index.search(q, QUERY_K), list(query_tokens)),
    }
    out["rank_bm25"] = _rank_bm25(data, query_tokens)
    out["bm25s"] = _bm25s(data, query_tokens)
    return out, index


def _rank_bm25(data: Synthetic, query_tokens: Sequence[list[str]]) -> dict[str, Any]:
    from rank_bm25 import BM25Okapi

    index, seconds = timed(lambda: BM25Okapi(data.token_lists))
    # as the engine used it before: all scores, then the top k
    query = time_each(lambda q: np.argsort(-np.asarray(index.get_scores(q)))[:QUERY_K], list(query_tokens))
    return {"build_s": round(seconds, 2), "query": query}


def _bm25s(data: Synthetic, query_tokens: Sequence[list[str]]) -> dict[str, Any]:
    import bm25s

    def build() -> bm25s.BM25:
        index = bm25s.BM25(method="robertson", k1=1.5, b=0.75)
        index.index(data.token_lists, show_progress=False)
        return index

    index, seconds = timed(build)
    known = set(index.vocab_dict)

    def search(q: list[str]) -> Any:
        q = [t for t in q if t in known] or [next(iter(known))]
        return index.retrieve([q], k=QUERY_K, show_progress=False, n_threads=1)

    return {"build_s": round(seconds, 2), "query": time_each(search, list(query_tokens))}


def retrieval_stage(
    data: Synthetic, store: Any, index: Any, vectors: np.ndarray, texts: Sequence[str]
) -> dict[str, Any]:
    """What the engine adds per question when retrieval counts, the encode excluded.

    The engine's own functions, as ``Recommender.evidence`` calls them: ``bot.retrieve.retrieve``
    (the vector as a list, Sudachi on the question, Chroma, sparse BM25, rank fusion, hits) and
    ``bot.rank.retrieval_shares`` (aggregation into directions).
    """
    from bot.rank import retrieval_shares
    from bot.retrieve import retrieve

    def one(i: int) -> None:
        hits = retrieve(vectors[i].tolist(), texts[i], data.chunks, store.search, index, QUERY_K).hits
        retrieval_shares(hits)

    return {"query": time_each(one, list(range(len(texts))))}


def scaling(embeddings: Any, queries: Sequence[str], sizes: Sequence[int]) -> dict[str, Any]:
    from bot.keywords import tokens
    from corpus.chunks import build_chunks
    from corpus.load import load_corpus
    from index.store import StoreConfig

    rng = random.Random(SEED)
    pieces = sentences(build_chunks(load_corpus()))
    piece_tokens = [tokens(p.text) for p in pieces]
    seeds = ["。".join(p.text for p in rng.sample(pieces, 3)) for _ in range(UNIQUE_VECTORS)]
    base, embed_s = timed(lambda: embeddings.embed_documents_array(seeds))
    log(f"embedded {UNIQUE_VECTORS} seed texts in {embed_s:.1f}s")
    qtexts = list(queries[:QUERY_REPEATS])
    qvecs = np.stack([embeddings.embed_query_array(q) for q in qtexts])
    qtoks = [tokens(q) for q in qtexts]
    sample = [" ".join(p.text for p in rng.sample(pieces, 3)) for _ in range(300)]
    _, tok_s = timed(lambda: [tokens(t) for t in sample])
    out: dict[str, Any] = {
        "method": (
            f"{len(pieces)} real sentences recombined 2-4 at a time (each chunk points at its "
            f"sentences' directions and programs); vectors = one of {UNIQUE_VECTORS} really embedded "
            f"texts + N(0, {NOISE}) noise, renormalized; keyword index over cached per-sentence "
            "Sudachi tokens (tokenization timed separately)"
        ),
        "tokenize_ms_per_chunk": round(tok_s / len(sample) * 1000, 3),
        "sizes": {},
    }
    for n in sizes:
        data = synthetic_corpus(n, pieces, piece_tokens, base, rng)
        row: dict[str, Any] = {"tokenize_s_estimated": round(out["tokenize_ms_per_chunk"] * n / 1000, 1)}
        with tempfile.TemporaryDirectory(prefix="smenavi-scale-") as tmp:
            terms = Path(tmp) / "keywords" / "bench.npz"
            log(f"{n:,} chunks: keyword index")
            row["keyword"], index = keyword(data, qtoks, terms)
            log(f"{n:,} chunks: local PersistentClient")
            local = StoreConfig(Path(tmp) / "local", "bench")
            row["chroma_local"], store = dense_store(local, data, qvecs)
            row["chroma_local"]["retrieval_stage"] = retrieval_stage(data, store, index, qvecs, qtexts)
            row["chroma_local"]["fresh_start"] = fresh_start(terms, local, qvecs[0], qtoks[0])
            log(f"{n:,} chunks: chroma server")
            server = ChromaServer(Path(tmp) / "server")
            try:
                started = server.wait()
                remote = StoreConfig(Path(tmp) / "unused", "bench", "127.0.0.1", server.port)
                row["chroma_server"], store = dense_store(remote, data, qvecs)
                row["chroma_server"]["server_start_s"] = round(started, 2)
                row["chroma_server"]["retrieval_stage"] = retrieval_stage(data, store, index, qvecs, qtexts)
                row["chroma_server"]["fresh_start"] = fresh_start(terms, remote, qvecs[0], qtoks[0])
            finally:
                server.stop()
        out["sizes"][str(n)] = row
    return out
