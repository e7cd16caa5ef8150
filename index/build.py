"""Open the index for use: resolve the model, open the store, build what is missing.

A missing or stale index is built on first use (only new chunks are embedded), with
progress on the terminal.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus.chunks import Chunk
from index.embeddings import E5Embeddings
from index.store import ChunkStore, StoreConfig, SyncReport

Progress = Callable[[str], None]


@dataclass
class OpenIndex:
    store: ChunkStore
    embeddings: E5Embeddings
    report: SyncReport
    seconds: float


def open_index(
    cfg: StoreConfig,
    model: str,
    model_cache: Path,
    chunks: Sequence[Chunk],
    progress: Progress | None = None,
    rebuild: bool = False,
) -> OpenIndex:
    say = progress or (lambda _m: None)
    started = time.perf_counter()
    say(f"loading embedding model {model}")
    embeddings = E5Embeddings(model, cache_dir=model_cache, progress=say)
    store = ChunkStore(cfg, embeddings, model)
    if rebuild:
        say(f"clearing {cfg.location()}")
        store.reset()
    store.check_model()
    report = (
        store.sync(chunks, say)
        if rebuild or store.ids() != {c.id for c in chunks}
        else SyncReport(0, 0, len(chunks))
    )
    if report.changed:
        say(f"index {cfg.location()}: +{report.added} new, -{report.removed} stale, {report.kept} unchanged")
    return OpenIndex(store, embeddings, report, time.perf_counter() - started)
