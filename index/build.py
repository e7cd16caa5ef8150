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
from index.terms import TermTable, sync_terms, terms_path

Progress = Callable[[str], None]


@dataclass
class OpenIndex:
    store: ChunkStore
    embeddings: E5Embeddings
    report: SyncReport
    seconds: float
    terms: TermTable  # every chunk's term counts, for the keyword index

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
    say(f"loading embedding model {model}")
    embeddings = E5Embeddings(model, cache_dir=model_cache, backend=backend, progress=say)
    store = ChunkStore(cfg, embeddings, model, embeddings.backend)
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
    return OpenIndex(store, embeddings, report, time.perf_counter() - started, terms)


def _tokenizer() -> tuple[Callable[[str], list[str]], str]:
    # the keyword tokenizer lives with the retrieval code; the index only stores its output
    from bot.keywords import tokenizer_version, tokens

    return tokens, tokenizer_version()
