"""Keyword search: Sudachi tokens (Japanese and plain English) and a BM25 index.

Mode A with normalized forms, after NFKC and width folding, dropping particles,
auxiliaries and symbols: measured the best setting on this document.

The index is a sparse matrix (``bot.bm25``); it is built from texts, from token lists, or
from the term counts stored with the Chroma index (``index.terms``), so that a start does
not re-tokenize every chunk.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from importlib import metadata
from typing import TYPE_CHECKING

import numpy as np
from sudachipy import Dictionary, SplitMode

from bot.bm25 import SparseBM25, top_k
from bot.text import nfkc
from index.terms import count_matrix

if TYPE_CHECKING:
    from scipy import sparse

    from index.terms import TermTable

# Stored term counts are only valid for the tokens() that made them: bump this when its
# rules change; the Sudachi versions are part of it because a new dictionary changes forms.
TOKENS_VERSION = "1"

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


_dictionary: Dictionary | None = None
_dictionary_lock = threading.Lock()
_local = threading.local()


def _tokenizer():
    """This thread's Sudachi tokenizer: a tokenizer must not be shared across threads
    (Gradio answers on worker threads); the dictionary behind them is loaded once."""
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        global _dictionary
        with _dictionary_lock:
            if _dictionary is None:
                _dictionary = Dictionary(dict="core")
            tok = _local.tokenizer = _dictionary.tokenizer(mode=SplitMode.A)
    return tok


def tokenizer_version() -> str:
    """Identifies the token rules and the dictionary, for stored term counts."""
    versions = "/".join(f"{p} {metadata.version(p)}" for p in ("sudachipy", "sudachidict_core"))
    return f"tokens {TOKENS_VERSION}/{versions}"


def tokens(text: str) -> list[str]:
    """The text's search terms (a fresh list: callers may keep or change it)."""
    return list(_tokens(text))


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[str, ...]:
    # a question's clauses are read by several models and the same owners' phrases recur:
    # tokenizing each text once is most of the pipeline's time beyond the encode
    out: list[str] = []
    for m in _tokenizer().tokenize(nfkc(text).lower()):
        if m.part_of_speech()[0] in _DROP_POS:
            continue
        surface = m.surface()
        # Sudachi would turn English words into katakana; keep them as written.
        form = surface.lower() if surface.isascii() else m.normalized_form().lower()
        if form and form not in _STOP and not form.isspace():
            out.append(form)
    return tuple(out)


# Particles that join two statements, each of which can be a problem of its own: 「厳しいし」,
# 「進めたいんですが」, 「来ないけど」. Not ので/のに/から/て: those tie a cause to its effect,
# which is one problem told whole.
JOINING_PARTICLES = frozenset({"し", "が", "けど", "けれど", "けれども", "けども"})


def clause_joints(text: str) -> list[int]:
    """Offsets just after each particle that joins two statements — a conjunctive し or an
    adversative が/けど (Sudachi tells the し of 厳しいし from that of 美味しい, the が of
    「したいんですが」 from that of 「人が」) — after 「〜のと」 listing two wishes
    (「海外の客取りたいのと古い機械も替えたいのと」), after a listing 「と、」, and after a comma
    that ends a sentence (a verb or adjective in its final form before 、)."""
    out = []
    morphemes = list(_tokenizer().tokenize(text))
    for i, m in enumerate(morphemes):
        before = morphemes[i - 1] if i > 0 else None
        after = morphemes[i + 1] if i + 1 < len(morphemes) else None
        pos = m.part_of_speech()[:2]
        joins = pos == ("助詞", "接続助詞") and m.surface() in JOINING_PARTICLES
        lists = (  # the と after a nominalizing の
            m.surface() == "と"
            and pos[0] == "助詞"
            and before is not None
            and before.surface() == "の"
            and before.part_of_speech()[1] == "準体助詞"
        )
        if joins or lists:
            out.append(m.end())
        elif after and after.surface() in ("、", ",") and m.part_of_speech()[5].startswith("終止形"):
            # 「若手が来ない、機械も古い」: a sentence ended with a comma instead of 。
            out.append(after.end())
        elif m.surface() == "と" and pos == ("助詞", "格助詞") and after and after.surface() in ("、", ","):
            # 「〜って気持ちと、父の引退が…」: two things listed; not the conditional と of 「〜だと、」
            out.append(after.end())
    return out


@lru_cache(maxsize=1024)
def nouns(text: str) -> frozenset[str]:
    """The text's nouns (normalized; numbers left out) and English words: what can say which
    thing a text is about — verbs like 作る and 売る are said of every company."""
    out = set()
    for m in _tokenizer().tokenize(nfkc(text).lower()):
        pos = m.part_of_speech()
        surface = m.surface()
        if surface.isascii():
            if surface.isalpha() and len(surface) > 2 and surface.lower() not in _STOP:
                out.add(surface.lower())
        elif pos[0] == "名詞" and pos[1] != "数詞":
            out.add(m.normalized_form().lower())
    return frozenset(out)


class KeywordIndex:
    """Okapi BM25 over chunk texts: rank_bm25's BM25Okapi scores, as a sparse matrix."""

    def __init__(self, ids: list[str], texts: list[str]) -> None:
        self._init(ids, *count_matrix([tokens(t) for t in texts]))

    @classmethod
    def from_tokens(cls, ids: list[str], token_lists: Sequence[Sequence[str]]) -> KeywordIndex:
        """From already tokenized texts (one list per id)."""
        index = cls.__new__(cls)
        index._init(ids, *count_matrix(token_lists))
        return index

    @classmethod
    def from_table(cls, table: TermTable) -> KeywordIndex:
        """From the term counts stored with the index: no tokenization at all."""
        index = cls.__new__(cls)
        index._init(list(table.ids), list(table.vocab), table.counts)
        return index

    def _init(self, ids: list[str], vocab: list[str], counts: sparse.csr_matrix) -> None:
        if len(ids) != counts.shape[0]:
            raise ValueError(f"{len(ids)} ids for {counts.shape[0]} documents")
        self.ids = ids
        self._bm25 = SparseBM25(counts)
        self._column = {term: j for j, term in enumerate(vocab) if self._bm25.known[j]}

    def coverage(self, query_tokens: list[str]) -> float:
        """Share of the query's tokens that occur anywhere in the indexed texts."""
        if not query_tokens:
            return 0.0
        return sum(1 for t in query_tokens if t in self._column) / len(query_tokens)

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """Every document's score, in ``ids`` order (what BM25Okapi.get_scores returns)."""
        return self._bm25.scores([self._column[t] for t in query_tokens if t in self._column])

    def search(self, query_tokens: list[str], k: int) -> list[tuple[str, float]]:
        if not query_tokens or k <= 0:
            return []
        scores = self.scores(query_tokens)
        return [(self.ids[i], float(scores[i])) for i in top_k(scores, k)]
