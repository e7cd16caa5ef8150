"""Open the index for use: resolve the model, open the store, build what is missing.

A missing or stale index is built on first use (only new chunks are embedded), with
progress on the terminal. The store is opened before the model is loaded, so a dead
server or a damaged store is reported in a second, not after the model's 10 s.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import chromadb

from corpus.chunks import Chunk
from index.config import StoreConfig
from index.embeddings import E5Embeddings
from index.errors import StoreCorrupted
from index.store import ChunkStore, SyncReport, move_aside, open_client

Progress = Callable[[str], None]


@dataclass
class OpenIndex:
    store: ChunkStore
    embeddings: E5Embeddings
    report: SyncReport
    seconds: float
    moved_aside: Path | None = None  # where --rebuild put a damaged local store


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
    client, moved = _open_store(cfg, rebuild, say)
    say(f"loading embedding model {model}")
    embeddings = E5Embeddings(model, cache_dir=model_cache, progress=say)
    store = ChunkStore(cfg, embeddings, model, client=client)
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
    return OpenIndex(store, embeddings, report, time.perf_counter() - started, moved)


def _open_store(cfg: StoreConfig, rebuild: bool, say: Progress) -> tuple[chromadb.ClientAPI, Path | None]:
    """The store's client; with ``rebuild``, a damaged local store is moved aside first."""
    try:
        return open_client(cfg), None
    except StoreCorrupted:
        if not rebuild or cfg.host:
            raise
        moved = move_aside(cfg.path)
        say(f"the store at {cfg.path} is damaged; moved it aside to {moved}, building a new one")
        return open_client(cfg), moved
