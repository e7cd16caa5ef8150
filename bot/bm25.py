"""Okapi BM25 as a sparse term-document matrix: rank_bm25's scores without its per-document loop.

rank_bm25's ``BM25Okapi.get_scores`` walks every document in Python for every query term
(397 ms a query at 100k chunks). Here each (term, document) weight is computed once, at
load, into a column-major (CSC) matrix; a query then adds up the columns of its terms,
which touches only the documents that contain them.

The formula is BM25Okapi's, term for term, including its idf floor: a term found in more
than half of the documents has a negative idf, which BM25Okapi replaces by
``epsilon * mean idf`` (the mean taken over the raw idfs of every term, negatives included).
Query terms count once per occurrence, and unknown terms add nothing, as there.

Measured against bm25s (also sparse, and it accepts pre-tokenized input): its Robertson
variant has no such floor, so its scores differ from today's on common terms; query time
was no better than this at 100k chunks (see eval/bench.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

K1 = 1.5
B = 0.75
EPSILON = 0.25


class SparseBM25:
    """BM25Okapi scores over a document-term count matrix (rows: documents, columns: terms)."""

    def __init__(self, counts: sparse.csr_matrix, k1: float = K1, b: float = B, epsilon: float = EPSILON):
        counts = sparse.csr_matrix(counts, dtype=np.float64)
        counts.sum_duplicates()
        n_docs, n_terms = counts.shape
        self.n_docs = n_docs
        doc_len = np.asarray(counts.sum(axis=1)).ravel()
        avgdl = doc_len.sum() / n_docs if n_docs else 0.0
        df = np.bincount(counts.indices, minlength=n_terms)
        present = df > 0
        # Terms no document holds are not in BM25Okapi's vocabulary: they neither get an idf
        # nor weigh in the mean idf of the floor.
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = np.log(n_docs - df + 0.5) - np.log(df + 0.5)
        mean_idf = raw[present].sum() / present.sum() if present.any() else 0.0
        self.idf = np.where(raw < 0, epsilon * mean_idf, raw)
        self.idf[~present] = 0.0
        self.known = present
        # Per stored entry: idf(t) * tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl)), BM25Okapi's order.
        rows = np.repeat(np.arange(n_docs), np.diff(counts.indptr))
        tf = counts.data
        norm = k1 * (1 - b + b * doc_len[rows] / avgdl) if n_docs else tf
        weights = self.idf[counts.indices] * (tf * (k1 + 1) / (tf + norm))
        csc = sparse.csr_matrix((weights, counts.indices, counts.indptr), shape=counts.shape).tocsc()
        self._colptr, self._rows, self._weights = csc.indptr, csc.indices, csc.data

    def scores(self, term_ids: Sequence[int]) -> np.ndarray:
        """Score of every document for a query given as term columns (repeats count again)."""
        out = np.zeros(self.n_docs)
        for t in term_ids:
            lo, hi = self._colptr[t], self._colptr[t + 1]
            # a column holds each document at most once, so plain fancy-index += is exact
            out[self._rows[lo:hi]] += self._weights[lo:hi]
        return out


def top_k(scores: np.ndarray, k: int) -> list[int]:
    """Indices of the ``k`` best positive scores, best first, ties by index."""
    candidates = np.flatnonzero(scores > 0)
    if k <= 0 or not candidates.size:
        return []
    values = scores[candidates]
    if candidates.size > k:
        # every value tied with the k-th stays in, so the tie order is decided by index below
        kth = np.partition(values, candidates.size - k)[candidates.size - k]
        keep = values >= kth
        candidates, values = candidates[keep], values[keep]
    order = np.lexsort((candidates, -values))[:k]
    return candidates[order].tolist()
