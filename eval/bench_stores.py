"""The vector stores of the scaling bench: local Chroma and ``chroma run``, built and searched.

Collections are made with the engine's own ``ChunkStore`` settings and filled with vectors the
bench made itself (``NoEmbeddings``); a fresh process then opens the stored terms and the
collection and searches both once (``python -m eval.bench_stores SPEC``), for start time and RSS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from eval.bench_common import REPO_ROOT, free_port, time_each, timed
from eval.procs import stop as stop_process

if TYPE_CHECKING:
    from eval.bench_scale import Synthetic

QUERY_K = 40  # the engine's top_chunks


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
        stop_process(self.proc)


class NoEmbeddings:
    """The bench searches by vector; nothing is ever embedded through the store."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise AssertionError("the scaling bench adds vectors itself")

    def embed_query(self, text: str) -> list[float]:
        raise AssertionError("the scaling bench searches by vector")


def dense_store(cfg: Any, data: Synthetic, queries: np.ndarray) -> tuple[dict[str, Any], Any]:
    """Build a collection with the engine's own ChunkStore settings, then time its search.

    Returns the timings and the store, which the retrieval-stage timing searches next.
    """
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
    return {"build_s": round(seconds, 2), "query": query, "count": store.count()}, store


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
    argv = [sys.executable, "-m", "eval.bench_stores", json.dumps(spec, ensure_ascii=False)]
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


if __name__ == "__main__":
    _fresh_start_child(json.loads(sys.argv[1]))
