"""``bm25`` and ``dense``: the pipeline's two retrievers alone, over the document's own chunks.

Both search ``corpus.chunks.build_chunks(load_corpus())`` without the curated aid chunks
(the project's owners' words), so they measure what retrieval over the document finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from corpus.chunks import Chunk
from eval.baselines.answer import SEARCH_K, Retrieved, document_chunks, retrieved_from_chunks

if TYPE_CHECKING:
    from bot.settings import Settings


class Bm25System:
    """Sudachi BM25 (bot.keywords) over the document chunks; the signal is the best BM25 score."""

    name = "bm25"
    fitted_with = ""  # BM25 scores depend on no model

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        from bot.keywords import KeywordIndex

        self.chunks = {c.id: c for c in document_chunks(chunks)}
        self.index = KeywordIndex(list(self.chunks), [c.text for c in self.chunks.values()])

    def retrieve(self, query: str) -> Retrieved:
        from bot.keywords import tokens

        found = self.index.search(tokens(query), SEARCH_K)
        return retrieved_from_chunks([(self.chunks[i], s) for i, s in found if s > 0])


class DenseSystem:
    """The bot's Chroma store (index.build.open_index), document chunks only; the signal is
    the best cosine similarity."""

    name = "dense"

    def __init__(self, settings: Settings, chunks: Sequence[Chunk], progress=None) -> None:
        from index.build import open_index

        # every chunk, so that opening the bot's store never changes it
        opened = open_index(
            settings.store_config(),
            settings.embedding_model,
            settings.model_cache,
            chunks,
            progress,
            backend=settings.embedding_backend,
        )
        self.store, self.embeddings = opened.store, opened.embeddings
        self.fitted_with = f"{settings.embedding_model}|{self.embeddings.backend}"
        self.chunks = {c.id: c for c in document_chunks(chunks)}
        self.search_k = SEARCH_K + (len(chunks) - len(self.chunks))  # room for the aid chunks skipped

    def retrieve(self, query: str) -> Retrieved:
        vector = self.embeddings.embed_query(query)
        found = [(self.chunks[i], s) for i, s in self.store.search(vector, self.search_k) if i in self.chunks]
        return retrieved_from_chunks(found[:SEARCH_K])
