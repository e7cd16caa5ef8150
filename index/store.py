"""The Chroma collection of chunks, through LangChain's Chroma vector store.

The same code serves the embedded local store (a folder) and a Chroma server (``chroma
run``) when a host is configured. The collection records which embedding model and which
backend (torch, onnx, onnx-int8, ...) built it, and refuses to be queried with another.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import chromadb
import httpx
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError
from langchain_chroma import Chroma
from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings

from corpus.chunks import Chunk
from index.config import StoreConfig
from index.errors import IndexStoreError
from index.health import corrupted, damage_of, is_damage, probe_server, server_error, timeouts, unreachable

__all__ = ["ChunkStore", "StoreConfig", "SyncReport", "move_aside", "open_client"]

Progress = Callable[[str], None]
BATCH = 64
log = logging.getLogger("smenavi.index")


@dataclass(frozen=True)
class SyncReport:
    added: int
    removed: int
    kept: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def open_client(cfg: StoreConfig) -> chromadb.ClientAPI:
    return _open_http_client(cfg) if cfg.host else _open_local_client(cfg)


def _open_http_client(cfg: StoreConfig) -> chromadb.ClientAPI:
    probe_server(cfg)  # a clear line within the timeout; Chroma's own handshake has none
    settings = _chroma_settings()
    # Chroma's constructor talks to the server (identity, tenant, database) with no timeout,
    # so a server that stops right after the probe would hang us: bound it from outside.
    handshake = cfg.connect_timeout + 3 * cfg.read_timeout
    try:
        client = _within(handshake, lambda: chromadb.HttpClient(cfg.host, cfg.port, settings=settings))
    except TimeoutError:
        raise server_error(cfg, f"is not answering (no handshake within {handshake:g} s)") from None
    except httpx.TransportError as exc:
        raise unreachable(cfg, exc) from exc
    except Exception as exc:  # chromadb raises many kinds; the user needs one line
        raise IndexStoreError(f"cannot open the Chroma store at {cfg.location()}: {_one_line(exc)}") from exc
    _bound_requests(client, cfg)
    return client


def _chroma_settings() -> ChromaSettings:
    return ChromaSettings(anonymized_telemetry=False)


def _within(seconds: float, call: Callable[[], Any]) -> Any:
    """``call()`` in a daemon thread; TimeoutError if it has not returned after ``seconds``."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except Exception as exc:
            box["error"] = exc

    worker = threading.Thread(target=run, name="chroma-handshake", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError(f"no handshake within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _bound_requests(client: chromadb.ClientAPI, cfg: StoreConfig) -> None:
    """Give the client's HTTP session our timeouts (Chroma creates it with none at all).

    Chroma exposes no setting for this; its session is reached through private attributes,
    which tests/test_chroma_server.py pins by pausing a real server.
    """
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = timeouts(cfg)
    else:
        log.warning("this chromadb version hides its HTTP session; requests to %s have no timeout", cfg.url)


def _open_local_client(cfg: StoreConfig) -> chromadb.ClientAPI:
    try:
        cfg.path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexStoreError(f"cannot create the Chroma store at {cfg.path}: {exc.strerror}") from exc
    damage = damage_of(cfg.path)
    if damage:
        raise corrupted(cfg.path, damage)
    try:
        return chromadb.PersistentClient(path=str(cfg.path), settings=_chroma_settings())
    except Exception as exc:
        _forget_local_client(cfg.path)
        if is_damage(exc):
            raise corrupted(cfg.path, str(exc)) from exc
        raise IndexStoreError(f"cannot open the Chroma store at {cfg.location()}: {_one_line(exc)}") from exc


def _forget_local_client(path: Path) -> None:
    """Drop Chroma's cached client for ``path``.

    Chroma keeps one client per folder for the life of the process, even one whose opening
    failed; without this, a retry (or a new store in the same place) reuses the broken one.
    The cache is private to Chroma, hence the defensive access.
    """
    cache = getattr(SharedSystemClient, "_identifier_to_system", {})
    system = cache.pop(str(path), None)
    if system is not None:
        try:
            system.stop()
        except Exception:  # a half-started system may fail to stop; it is dropped either way
            log.debug("stopping the cached Chroma client for %s failed", path, exc_info=True)


def move_aside(path: Path) -> Path:
    """Rename a damaged local store to ``<name>.broken-<timestamp>`` and return the new path.

    Moved, not deleted: the owner's data is never thrown away by a rebuild.
    """
    _forget_local_client(path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.broken-{stamp}-{n}")
        n += 1
    path.rename(target)
    return target


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class ChunkStore:
    """Chunks in Chroma, ids = content hashes, so an unchanged chunk is never re-embedded.

    Every call to Chroma goes through ``_talking``, so a dead, hung or damaged store reaches
    the caller as one of the index's one-line errors, never as an HTTP or SQLite exception.
    """

    def __init__(
        self,
        cfg: StoreConfig,
        embeddings: Embeddings,
        model_name: str,
        backend: str | None = None,
        client: chromadb.ClientAPI | None = None,
    ) -> None:
        self.cfg = cfg
        self.model_name = model_name
        self.backend = backend  # None: a caller that does not track backends (e.g. the bench)
        self.client = client if client is not None else open_client(cfg)
        with self._talking("cannot open collection at"):
            self.vs = Chroma(
                client=self.client,
                collection_name=cfg.collection,
                embedding_function=embeddings,
                collection_metadata=self._built_metadata(),
                collection_configuration={"hnsw": {"space": "cosine"}},
            )

    @contextmanager
    def _talking(self, doing: str = "the Chroma store failed at") -> Iterator[None]:
        try:
            yield
        except httpx.TransportError as exc:
            raise unreachable(self.cfg, exc) from exc
        except ChromaError as exc:
            if not self.cfg.host and is_damage(exc):
                raise corrupted(self.cfg.path, str(exc)) from exc
            raise IndexStoreError(f"{doing} {self.cfg.location()}: {_one_line(exc)}") from exc

    @property
    def collection(self) -> chromadb.Collection:
        return self.vs._collection

    def _built_metadata(self) -> dict[str, str]:
        meta = {"embedding_model": self.model_name}
        if self.backend is not None:
            meta["embedding_backend"] = self.backend
        return meta

    def built_with(self) -> str | None:
        return (self.collection.metadata or {}).get("embedding_model")

    def built_backend(self) -> str | None:
        meta = self.collection.metadata or {}
        # indexes from before backends were recorded were all built by torch
        return meta.get("embedding_backend", "torch" if "embedding_model" in meta else None)

    def check_model(self) -> None:
        built = self.built_with()
        if built is not None and built != self.model_name:
            raise IndexStoreError(
                f"the index at {self.cfg.location()} was built with {built!r}, not {self.model_name!r}; "
                "rebuild it with `python -m bot index build --rebuild` or use a new collection"
            )
        backend = self.built_backend()
        if self.backend is not None and backend is not None and backend != self.backend:
            raise IndexStoreError(
                f"the index at {self.cfg.location()} was built with the {backend!r} embedding backend, "
                f"not {self.backend!r}; rebuild it with `python -m bot index build --rebuild`, use a new "
                f"collection, or set SMENAVI_EMBEDDING_BACKEND={backend}"
            )

    def count(self) -> int:
        with self._talking():
            return self.collection.count()

    def ids(self) -> set[str]:
        with self._talking():
            return set(self.collection.get(include=[])["ids"])

    def sync(self, chunks: Sequence[Chunk], progress: Progress | None = None) -> SyncReport:
        """Make the collection hold exactly ``chunks``: embed only the new ones."""
        self.check_model()
        say = progress or (lambda _msg: None)
        wanted = {c.id: c for c in chunks}
        present = self.ids()
        stale = sorted(present - set(wanted))
        new = [c for cid, c in wanted.items() if cid not in present]
        with self._talking():
            if stale:
                self.vs.delete(ids=stale)
            for i in range(0, len(new), BATCH):
                batch = new[i : i + BATCH]
                self.vs.add_documents([_to_lc(c) for c in batch], ids=[c.id for c in batch])
                say(f"embedded {min(i + BATCH, len(new))}/{len(new)} chunks")
            if self.built_with() is None:
                self.collection.modify(metadata=self._built_metadata())
        return SyncReport(added=len(new), removed=len(stale), kept=len(present & set(wanted)))

    def reset(self) -> None:
        with self._talking():
            self.vs.reset_collection()
            self.collection.modify(metadata=self._built_metadata())

    def all_chunks(self) -> list[Chunk]:
        with self._talking():
            got = self.collection.get(include=["documents", "metadatas"])
        return [
            Chunk.from_metadata(cid, doc or "", dict(meta or {}))
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def search(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) for the ``k`` nearest chunks.

        Ids and distances only: the engine holds every chunk in memory already, so asking
        Chroma for documents and metadata would only copy them again per question.
        """
        plain = vector.tolist() if hasattr(vector, "tolist") else [float(x) for x in vector]
        with self._talking():
            got = self.collection.query(query_embeddings=[plain], n_results=k, include=["distances"])
        return [(str(cid), 1.0 - float(d)) for cid, d in zip(got["ids"][0], got["distances"][0], strict=True)]


def _to_lc(chunk: Chunk) -> LCDocument:
    return LCDocument(page_content=chunk.text, metadata=chunk.metadata(), id=chunk.id)
