"""Scaling part of the bench: synthetic corpora of 1k-100k chunks, local Chroma and ``chroma run``.

Real sentences of the document are recombined into chunks; vectors reuse a few hundred really
embedded texts plus small noise, so that it runs in minutes on two cores. Its timings are
for the vector store and the keyword index, not for the encoder.

Per size: keyword search p50/p95 (the sparse index, and rank_bm25 and bm25s for comparison),
dense search p50/p95, build times (Chroma, stored terms, keyword index), and the start of a
fresh process that opens both indexes and answers one search (time and peak RSS).
"""

from __future__ import annotations

import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eval.metrics import percentile

UNIQUE_VECTORS = 256
NOISE = 0.02  # per-dimension sd before re-normalizing: neighbours stay near their base text
QUERY_K = 40  # the engine's top_chunks
QUERY_REPEATS = 30
SEED = 7
REPO_ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def stats(ms: Sequence[float]) -> dict[str, float | None]:
    p50, p95 = percentile(ms, 50), percentile(ms, 95)
    return {
        "p50_ms": round(p50, 3) if p50 is not None else None,
        "p95_ms": round(p95, 3) if p95 is not None else None,
        "n": len(ms),
    }


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def time_each(fn: Callable[[Any], Any], items: Sequence[Any]) -> dict[str, float | None]:
    fn(items[0])  # first call pays for lazy initialisation
    ms = []
    for item in items:
        t0 = time.perf_counter()
        fn(item)
        ms.append((time.perf_counter() - t0) * 1000)
    return stats(ms)


@dataclass(frozen=True)
class Synthetic:
    ids: list[str]
    texts: list[str]
    token_lists: list[list[str]]
    vectors: np.ndarray  # float32, normalized


def sentences(texts: Sequence[str]) -> list[str]:
    found = {s.strip() for t in texts for s in re.split(r"[。．\n]|(?<=[:：])", t)}
    return sorted(s for s in found if len(s) >= 8)


def synthetic_corpus(
    n: int,
    pieces: Sequence[str],
    piece_tokens: Sequence[list[str]],
    base_vectors: np.ndarray,
    rng: random.Random,
) -> Synthetic:
    """``n`` chunks of 2–4 recombined real sentences; tokens are the sentences' cached tokens."""
    nprng = np.random.default_rng(rng.randrange(2**32))
    texts, toks = [], []
    for _ in range(n):
        picked = rng.sample(range(len(pieces)), rng.randint(2, 4))
        texts.append("。".join(pieces[i] for i in picked) + "。")
        toks.append([t for i in picked for t in piece_tokens[i]])
    base = base_vectors[nprng.integers(0, len(base_vectors), n)]
    vecs = base + nprng.normal(0, NOISE, base.shape).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return Synthetic([f"s{i:06d}" for i in range(n)], texts, toks, vecs.astype(np.float32))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ChromaServer:
    """``chroma run`` on loopback, from the chromadb package's own CLI."""

    def __init__(self, path: Path) -> None:
        self.port = free_port()
        exe = Path(sys.executable).with_name("chroma")
        self.proc = subprocess.Popen(
            [str(exe), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait(self, timeout: float = 60.0) -> float:
        import chromadb
        from chromadb.config import Settings

        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.proc.returncode}")
            try:
                chromadb.HttpClient(
                    host="127.0.0.1", port=self.port, settings=Settings(anonymized_telemetry=False)
                ).heartbeat()
                return time.perf_counter() - t0
            except Exception:  # not up yet: connection refused until it binds
                time.sleep(0.2)
        raise RuntimeError("chroma run did not answer its heartbeat within 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class NoEmbeddings:
    """The bench searches by vector; nothing is ever embedded through the store."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise AssertionError("the scaling bench adds vectors itself")

    def embed_query(self, text: str) -> list[float]:
        raise AssertionError("the scaling bench searches by vector")


def dense_store(cfg: Any, data: Synthetic, queries: np.ndarray) -> dict[str, Any]:
    """Build a collection with the engine's own ChunkStore settings, then time its search."""
    from index.store import ChunkStore

    store = ChunkStore(cfg, NoEmbeddings(), "bench-synthetic")  # type: ignore[arg-type]
    batch = store.client.get_max_batch_size()

    def build() -> None:
        for i in range(0, len(data.ids), batch):
            j = i + batch
            store.collection.add(
                ids=data.ids[i:j],
                embeddings=data.vectors[i:j],
                documents=data.texts[i:j],
                metadatas=[{"kind": "synthetic"}] * len(data.ids[i:j]),
            )

    _, seconds = timed(build)
    query = time_each(lambda q: store.search(q, QUERY_K), list(queries))
    return {"build_s": round(seconds, 2), "query": query, "count": store.count()}


def keyword(data: Synthetic, query_tokens: Sequence[list[str]], terms: Path) -> dict[str, Any]:
    """The engine's keyword index: stored terms, load, search; rank_bm25 and bm25s beside it."""
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
    return out


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


def fresh_start(terms: Path, cfg: Any, query_vector: np.ndarray, query_tokens: list[str]) -> dict[str, Any]:
    """A new process opens the stored terms and the Chroma collection and searches both once."""
    with tempfile.NamedTemporaryFile(suffix=".npy", delete=False) as fh:
        np.save(fh, query_vector)
    spec = {
        "terms": str(terms),
        "path": str(cfg.path),
        "collection": cfg.collection,
        "host": cfg.host,
        "port": cfg.port,
        "vector": fh.name,
        "tokens": query_tokens,
    }
    argv = [sys.executable, "-m", "eval.bench_scale", json.dumps(spec, ensure_ascii=False)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    os.unlink(fh.name)
    if proc.returncode != 0:
        raise RuntimeError(f"fresh start failed:\n{err[-2000:]}")
    return {"wall_s": round(seconds, 2), **json.loads(out)}  # wall: interpreter start included


def _fresh_start_child(spec: dict[str, Any]) -> None:
    from bot.keywords import KeywordIndex, tokenizer_version
    from eval.peak_rss import vm_hwm_mb
    from index.store import ChunkStore, StoreConfig
    from index.terms import load_terms

    t0 = time.perf_counter()
    table = load_terms(Path(spec["terms"]), tokenizer_version())
    assert table is not None
    index = KeywordIndex.from_table(table)
    keyword_s = time.perf_counter() - t0
    cfg = StoreConfig(Path(spec["path"]), spec["collection"], spec["host"], spec["port"])
    store = ChunkStore(cfg, NoEmbeddings(), "bench-synthetic")  # type: ignore[arg-type]
    store.search(np.load(spec["vector"]), QUERY_K)
    index.search(spec["tokens"], QUERY_K)
    print(
        json.dumps(
            {
                "keyword_load_s": round(keyword_s, 3),
                "open_and_search_s": round(time.perf_counter() - t0, 3),
                "peak_rss_mb": vm_hwm_mb(),
            }
        )
    )


def scaling(embeddings: Any, queries: Sequence[str], sizes: Sequence[int]) -> dict[str, Any]:
    from bot.keywords import tokens
    from corpus.chunks import build_chunks
    from corpus.load import load_corpus
    from index.store import StoreConfig

    rng = random.Random(SEED)
    pieces = sentences([c.text for c in build_chunks(load_corpus())])
    piece_tokens = [tokens(p) for p in pieces]
    seeds = ["。".join(rng.sample(pieces, 3)) for _ in range(UNIQUE_VECTORS)]
    base, embed_s = timed(lambda: embeddings.embed_documents_array(seeds))
    log(f"embedded {UNIQUE_VECTORS} seed texts in {embed_s:.1f}s")
    qvecs = np.stack([embeddings.embed_query_array(q) for q in queries[:QUERY_REPEATS]])
    qtoks = [tokens(q) for q in queries[:QUERY_REPEATS]]
    sample = [" ".join(rng.sample(pieces, 3)) for _ in range(300)]
    _, tok_s = timed(lambda: [tokens(t) for t in sample])
    out: dict[str, Any] = {
        "method": (
            f"{len(pieces)} real sentences recombined 2-4 at a time; vectors = one of "
            f"{UNIQUE_VECTORS} really embedded texts + N(0, {NOISE}) noise, renormalized; "
            "keyword index over cached per-sentence Sudachi tokens (tokenization timed separately)"
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
            row["keyword"] = keyword(data, qtoks, terms)
            log(f"{n:,} chunks: local PersistentClient")
            local = StoreConfig(Path(tmp) / "local", "bench")
            row["chroma_local"] = dense_store(local, data, qvecs)
            row["chroma_local"]["fresh_start"] = fresh_start(terms, local, qvecs[0], qtoks[0])
            log(f"{n:,} chunks: chroma server")
            server = ChromaServer(Path(tmp) / "server")
            try:
                started = server.wait()
                remote = StoreConfig(Path(tmp) / "unused", "bench", "127.0.0.1", server.port)
                row["chroma_server"] = {
                    **dense_store(remote, data, qvecs),
                    "server_start_s": round(started, 2),
                }
                row["chroma_server"]["fresh_start"] = fresh_start(terms, remote, qvecs[0], qtoks[0])
            finally:
                server.stop()
        out["sizes"][str(n)] = row
    return out


if __name__ == "__main__":
    _fresh_start_child(json.loads(sys.argv[1]))
