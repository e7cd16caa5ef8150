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
from index.terms import TermTable, sync_terms, terms_path

Progress = Callable[[str], None]


@dataclass
class OpenIndex:
    store: ChunkStore
    embeddings: E5Embeddings
    report: SyncReport
    seconds: float
    terms: TermTable  # every chunk's term counts, for the keyword index
    moved_aside: Path | None = None  # where --rebuild put a damaged local store

    def keyword_index(self, ids: Sequence[str]):
        """The BM25 index over ``ids`` (in that order) from the stored terms: no tokenizing."""
        from bot.keywords import KeywordIndex

        return KeywordIndex.from_table(self.terms.select(ids))


def open_index(
    cfg: StoreConfig,
    model: str,
    model_cache: Path,
    chunks: Sequence[Chunk],
    progress: Progress | None = None,
    rebuild: bool = False,
    backend: str | None = None,
) -> OpenIndex:
    """``backend`` None: SMENAVI_EMBEDDING_BACKEND, else the default (index.backends)."""
    say = progress or (lambda _m: None)
    started = time.perf_counter()
    client, moved = _open_store(cfg, rebuild, say)
    say(f"loading embedding model {model}")
    embeddings = E5Embeddings(model, cache_dir=model_cache, backend=backend, progress=say)
    store = ChunkStore(cfg, embeddings, model, embeddings.backend, client=client)
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
    terms = sync_terms(terms_path(cfg), [(c.id, c.text) for c in chunks], *_tokenizer(), say)
    return OpenIndex(store, embeddings, report, time.perf_counter() - started, terms, moved)


def _tokenizer() -> tuple[Callable[[str], list[str]], str]:
    # the keyword tokenizer lives with the retrieval code; the index only stores its output
    from bot.keywords import tokenizer_version, tokens

    return tokens, tokenizer_version()


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
