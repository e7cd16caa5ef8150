"""Term counts of every chunk, stored beside the Chroma index and updated with it.

Tokenizing is the slow part of a keyword index (Sudachi: 12.6 s for 100k chunks), and a
chunk's tokens never change: ids are content hashes. So each chunk is tokenized once, when
it enters the index, and its term counts are kept in one ``.npz`` file (documents x terms,
CSR) that a start loads in milliseconds. The file is a cache keyed by chunk id: rows of
chunks that left the index are dropped, new chunks are added, and a change of tokenizer
(recorded in the file) starts it over.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

if TYPE_CHECKING:  # importing index.store would import chromadb: not needed for the terms
    from index.store import StoreConfig

Tokenize = Callable[[str], list[str]]
Progress = Callable[[str], None]
FORMAT = "1"
# BM25Okapi cannot hold an empty document; an empty chunk is indexed as this one token.
EMPTY_TOKEN = "_"


@dataclass(frozen=True)
class TermTable:
    ids: list[str]
    vocab: list[str]
    counts: sparse.csr_matrix  # int32, len(ids) x len(vocab)
    tokenizer: str  # the tokenizer_version() that made the counts

    def select(self, ids: Sequence[str]) -> TermTable:
        """The rows of ``ids``, in that order (KeywordIndex breaks ties by position)."""
        row = {cid: i for i, cid in enumerate(self.ids)}
        missing = [cid for cid in ids if cid not in row]
        if missing:
            raise KeyError(f"{len(missing)} chunk ids have no stored terms, e.g. {missing[0]}")
        picked = self.counts[[row[cid] for cid in ids]]
        return _compact(list(ids), self.vocab, picked, self.tokenizer)


def terms_path(cfg: StoreConfig) -> Path:
    """Local file for a store's terms: one per store location and collection."""
    where = hashlib.sha256(cfg.location().encode("utf-8")).hexdigest()[:12]
    return cfg.path.parent / "keywords" / f"{cfg.collection}-{where}.npz"


def count_matrix(
    token_lists: Iterable[Sequence[str]], vocab: Sequence[str] = ()
) -> tuple[list[str], sparse.csr_matrix]:
    """(vocabulary, documents x terms counts); new terms are appended to ``vocab``."""
    column = {t: j for j, t in enumerate(vocab)}
    indptr, indices, data = [0], [], []
    for toks in token_lists:
        counted = Counter(toks or [EMPTY_TOKEN])
        indices.extend(column.setdefault(t, len(column)) for t in counted)
        data.extend(counted.values())
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.asarray(data, np.int32), np.asarray(indices, np.int32), np.asarray(indptr, np.int64)),
        shape=(len(indptr) - 1, len(column)),
    )
    return list(column), matrix


def load_terms(path: Path, tokenizer: str) -> TermTable | None:
    """The stored table, or None when missing, unreadable, or made by another tokenizer."""
    try:
        with np.load(path, allow_pickle=False) as f:
            meta = json.loads(str(f["meta"]))
            if meta.get("format") != FORMAT or meta.get("tokenizer") != tokenizer:
                return None
            ids, vocab = f["ids"].tolist(), f["vocab"].tolist()
            counts = sparse.csr_matrix((f["data"], f["indices"], f["indptr"]), shape=(len(ids), len(vocab)))
    except (OSError, ValueError, KeyError):
        return None  # a cache: a damaged file is rebuilt, never trusted
    return TermTable(ids, vocab, counts, tokenizer)


def save_terms(path: Path, table: TermTable) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".npz", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(
                fh,
                meta=np.array(json.dumps({"format": FORMAT, "tokenizer": table.tokenizer})),
                ids=np.array(table.ids, dtype=str),
                vocab=np.array(table.vocab, dtype=str),
                indptr=table.counts.indptr.astype(np.int64),
                indices=table.counts.indices.astype(np.int32),
                data=table.counts.data.astype(np.int32),
            )
        os.replace(tmp, path)  # readers see the old table or the new one, never half
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def sync_terms(
    path: Path,
    chunks: Sequence[tuple[str, str]],
    tokenize: Tokenize,
    tokenizer: str,
    progress: Progress | None = None,
) -> TermTable:
    """The table for exactly these (id, text) chunks, tokenizing only those not stored yet."""
    stored = load_terms(path, tokenizer)
    wanted = [cid for cid, _ in chunks]
    if stored is not None and stored.ids == wanted:
        return stored
    have = set(stored.ids) if stored else set()
    new = [(cid, text) for cid, text in chunks if cid not in have]
    if new and progress:
        progress(f"keyword index: tokenizing {len(new)} new chunks")
    vocab, added = count_matrix((tokenize(text) for _, text in new), stored.vocab if stored else ())
    if stored is not None:
        kept = stored.counts.copy()
        kept.resize((kept.shape[0], len(vocab)))
        merged = sparse.vstack([kept, added], format="csr")
        ids = stored.ids + [cid for cid, _ in new]
    else:
        merged, ids = added, [cid for cid, _ in new]
    table = TermTable(ids, vocab, merged, tokenizer).select(wanted)
    save_terms(path, table)
    return table


def _compact(ids: list[str], vocab: Sequence[str], counts: sparse.csr_matrix, tokenizer: str) -> TermTable:
    """Drop the columns of terms no row holds any more, so the file does not grow forever."""
    used = np.unique(counts.indices)
    remap = np.full(len(vocab), -1, np.int32)
    remap[used] = np.arange(used.size, dtype=np.int32)
    compact = sparse.csr_matrix(
        (counts.data.astype(np.int32), remap[counts.indices], counts.indptr.astype(np.int64)),
        shape=(len(ids), used.size),
    )
    return TermTable(ids, [vocab[j] for j in used.tolist()], compact, tokenizer)
