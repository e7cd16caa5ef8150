"""The Chroma collection of chunks, through LangChain's Chroma vector store.

The same code serves the embedded local store (a folder) and a Chroma server (``chroma
run``) when a host is configured. The collection records which embedding model built it,
and refuses to be queried with another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings

from corpus.chunks import Chunk
from index.errors import IndexStoreError

if TYPE_CHECKING:
    from bot.settings import Settings

Progress = Callable[[str], None]
BATCH = 64


@dataclass(frozen=True)
class StoreConfig:
    path: Path
    collection: str = "smenavi"
    host: str | None = None
    port: int = 8000

    @classmethod
    def from_settings(cls, settings: Settings) -> StoreConfig:
        """The store part of the one Settings object (its fields are not restated anywhere else)."""
        return cls(settings.chroma_path, settings.collection, settings.chroma_host, settings.chroma_port)

    def location(self) -> str:
        where = f"http://{self.host}:{self.port}" if self.host else str(self.path)
        return f"{where} [{self.collection}]"


@dataclass(frozen=True)
class SyncReport:
    added: int
    removed: int
    kept: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def open_client(cfg: StoreConfig) -> chromadb.ClientAPI:
    settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if cfg.host:
            return chromadb.HttpClient(host=cfg.host, port=cfg.port, settings=settings)
        cfg.path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(cfg.path), settings=settings)
    except Exception as exc:  # chromadb raises many kinds; the user needs one line
        raise IndexStoreError(f"cannot open the Chroma store at {cfg.location()}: {_one_line(exc)}") from exc


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class ChunkStore:
    """Chunks in Chroma, ids = content hashes, so an unchanged chunk is never re-embedded."""

    def __init__(self, cfg: StoreConfig, embeddings: Embeddings, model_name: str) -> None:
        self.cfg = cfg
        self.model_name = model_name
        self.client = open_client(cfg)
        try:
            self.vs = Chroma(
                client=self.client,
                collection_name=cfg.collection,
                embedding_function=embeddings,
                collection_metadata={"embedding_model": model_name},
                collection_configuration={"hnsw": {"space": "cosine"}},
            )
        except Exception as exc:
            raise IndexStoreError(f"cannot open collection at {cfg.location()}: {_one_line(exc)}") from exc

    @property
    def collection(self) -> chromadb.Collection:
        return self.vs._collection

    def built_with(self) -> str | None:
        return (self.collection.metadata or {}).get("embedding_model")

    def check_model(self) -> None:
        built = self.built_with()
        if built is not None and built != self.model_name:
            raise IndexStoreError(
                f"the index at {self.cfg.location()} was built with {built!r}, not {self.model_name!r}; "
                "rebuild it with `python -m bot index build --rebuild` or use a new collection"
            )

    def count(self) -> int:
        return self.collection.count()

    def ids(self) -> set[str]:
        return set(self.collection.get(include=[])["ids"])

    def sync(self, chunks: Sequence[Chunk], progress: Progress | None = None) -> SyncReport:
        """Make the collection hold exactly ``chunks``: embed only the new ones."""
        self.check_model()
        say = progress or (lambda _msg: None)
        wanted = {c.id: c for c in chunks}
        present = self.ids()
        stale = sorted(present - set(wanted))
        new = [c for cid, c in wanted.items() if cid not in present]
        if stale:
            self.vs.delete(ids=stale)
        for i in range(0, len(new), BATCH):
            batch = new[i : i + BATCH]
            self.vs.add_documents([_to_lc(c) for c in batch], ids=[c.id for c in batch])
            say(f"embedded {min(i + BATCH, len(new))}/{len(new)} chunks")
        if self.built_with() is None:
            self.collection.modify(metadata={"embedding_model": self.model_name})
        return SyncReport(added=len(new), removed=len(stale), kept=len(present & set(wanted)))

    def reset(self) -> None:
        self.vs.reset_collection()
        self.collection.modify(metadata={"embedding_model": self.model_name})

    def all_chunks(self) -> list[Chunk]:
        got = self.collection.get(include=["documents", "metadatas"])
        return [
            Chunk.from_metadata(cid, doc or "", dict(meta or {}))
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def search(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) for the ``k`` nearest chunks."""
        plain = vector.tolist() if hasattr(vector, "tolist") else [float(x) for x in vector]
        hits = self.vs.similarity_search_by_vector_with_relevance_scores(plain, k=k)
        return [(str(doc.id), 1.0 - float(distance)) for doc, distance in hits]


def _to_lc(chunk: Chunk) -> LCDocument:
    return LCDocument(page_content=chunk.text, metadata=chunk.metadata(), id=chunk.id)
