"""Keyword search: Sudachi tokens (Japanese and plain English) and a BM25 index.

Mode A with normalized forms, after NFKC and width folding, dropping particles,
auxiliaries and symbols: measured the best setting on this document.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from sudachipy import Dictionary, SplitMode

from bot.text import nfkc

_DROP_POS = {"助詞", "助動詞", "補助記号", "空白", "記号"}
_STOP = {
    "する",
    "ある",
    "いる",
    "なる",
    "こと",
    "もの",
    "よう",
    "ため",
    "等",
    "の",
    "れる",
    "られる",
    "てる",
    "a",
    "an",
    "the",
    "to",
    "of",
    "and",
    "or",
    "in",
    "on",
    "for",
    "is",
    "are",
    "be",
    "we",
    "i",
    "my",
    "our",
    "me",
    "you",
    "do",
    "does",
    "how",
    "what",
    "can",
    "with",
    "not",
    "this",
    "that",
    "have",
}


@lru_cache(maxsize=1)
def _tokenizer():
    return Dictionary(dict="core").tokenizer(mode=SplitMode.A)


def tokens(text: str) -> list[str]:
    out: list[str] = []
    for m in _tokenizer().tokenize(nfkc(text).lower()):
        if m.part_of_speech()[0] in _DROP_POS:
            continue
        surface = m.surface()
        # Sudachi would turn English words into katakana; keep them as written.
        form = surface.lower() if surface.isascii() else m.normalized_form().lower()
        if form and form not in _STOP and not form.isspace():
            out.append(form)
    return out


class KeywordIndex:
    """BM25 over chunk texts (rank_bm25's Okapi BM25 with Sudachi tokens)."""

    def __init__(self, ids: list[str], texts: list[str]) -> None:
        from rank_bm25 import BM25Okapi

        self.ids = ids
        corpus = [tokens(t) or ["_"] for t in texts]
        self._bm25 = BM25Okapi(corpus)

    def coverage(self, query_tokens: list[str]) -> float:
        """Share of the query's tokens that occur anywhere in the indexed texts."""
        if not query_tokens:
            return 0.0
        return sum(1 for t in query_tokens if t in self._bm25.idf) / len(query_tokens)

    def search(self, query_tokens: list[str], k: int) -> list[tuple[str, float]]:
        if not query_tokens or k <= 0:
            return []
        scores = np.asarray(self._bm25.get_scores(query_tokens))
        k = min(k, len(scores))
        # Partition first: a full sort over every chunk dominated query time at 100k chunks.
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        top = np.flatnonzero(scores >= kth)  # every tie at the boundary, so order stays by index
        order = sorted(top.tolist(), key=lambda i: (-scores[i], i))[:k]
        return [(self.ids[i], float(scores[i])) for i in order if scores[i] > 0]
