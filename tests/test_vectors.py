"""index/vectors.py: the example vectors' cache (no model: an embedder whose output, like a
real batch's, depends on its batch)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.vectors import VectorCache


def _embed(texts: list[str]) -> np.ndarray:
    # a text's vector moves a little with the batch it is in, as a packed batch's does
    return np.array([[float(len(t)), float(len(texts))] for t in texts], dtype=np.float32)


def test_a_texts_vector_does_not_depend_on_what_the_cache_held_before(tmp_path: Path) -> None:
    texts = ["人が足りない", "後継者がいない", "IT化が進まない"]
    all_at_once = VectorCache(tmp_path / "a", "m").vectors(texts, _embed)
    grown = VectorCache(tmp_path / "b", "m")
    grown.vectors(texts[:1], _embed)  # a cache that held one of them already
    assert np.array_equal(grown.vectors(texts, _embed), all_at_once)


def test_vectors_are_read_back_from_the_file(tmp_path: Path) -> None:
    calls: list[int] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return _embed(texts)

    first = VectorCache(tmp_path, "m").vectors(["a", "bb"], embed)
    again = VectorCache(tmp_path, "m").vectors(["bb", "a"], embed)
    assert np.array_equal(again, first[::-1]) and calls == [1, 1]  # nothing embedded the second time
