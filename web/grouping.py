"""Grouping similar questions (the declined ones, for the bureau): an interface, two ways.

``EmbeddingGrouper`` uses the engine's own encoder when the engine offers one
(``rec.embed_texts(list[str]) -> array of unit vectors``, requested from the engine owner);
until then ``TextGrouper`` groups by character-bigram overlap, which catches the same wording
but not the same meaning in other words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bot.text import nfkc


@dataclass(frozen=True)
class QuestionGroup:
    representative: str
    members: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.members)


class Grouper(Protocol):
    def group(self, texts: Sequence[str]) -> list[QuestionGroup]: ...


def _greedy(texts: Sequence[str], similar: Callable[[int, int], bool]) -> list[QuestionGroup]:
    """Each text joins the first group whose first member it is similar to; largest groups first."""
    heads: list[int] = []
    members: dict[int, list[int]] = {}
    for i in range(len(texts)):
        home = next((h for h in heads if similar(h, i)), None)
        if home is None:
            heads.append(i)
            members[i] = [i]
        else:
            members[home].append(i)
    groups = [QuestionGroup(texts[h], tuple(texts[j] for j in members[h])) for h in heads]
    return sorted(groups, key=lambda g: -g.size)


def bigrams(text: str) -> set[str]:
    t = "".join(nfkc(text).lower().split())
    return {t[i : i + 2] for i in range(len(t) - 1)} or {t}


class TextGrouper:
    def __init__(self, threshold: float = 0.35) -> None:
        self.threshold = threshold

    def group(self, texts: Sequence[str]) -> list[QuestionGroup]:
        grams = [bigrams(t) for t in texts]

        def similar(a: int, b: int) -> bool:
            union = grams[a] | grams[b]
            return bool(union) and len(grams[a] & grams[b]) / len(union) >= self.threshold

        return _greedy(texts, similar)


class EmbeddingGrouper:
    def __init__(
        self, embed: Callable[[list[str]], Sequence[Sequence[float]]], threshold: float = 0.88
    ) -> None:
        self.embed = embed
        self.threshold = threshold

    def group(self, texts: Sequence[str]) -> list[QuestionGroup]:
        if not texts:
            return []
        vectors = np.asarray(self.embed(list(texts)), dtype=float)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
        sims = vectors @ vectors.T
        return _greedy(texts, lambda a, b: bool(sims[a, b] >= self.threshold))


def grouper_for(engine: object | None) -> Grouper:
    """The engine's encoder when it offers ``embed_texts``; text overlap otherwise."""
    embed = getattr(engine, "embed_texts", None)
    return EmbeddingGrouper(embed) if callable(embed) else TextGrouper()
