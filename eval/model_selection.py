"""The models' regularization and token weights, chosen by cross-validation on the examples.

Only the labelled examples are used (bot/data/examples), never gold cases: for each
decision, 5-fold out-of-fold probabilities of the vector model and the token model under a
few strengths, then the mix that classifies best.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from itertools import product

import numpy as np

STRENGTHS = (4.0, 16.0, 64.0)
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
FOLDS = 5


def _folds(labels: Sequence[str], k: int = FOLDS) -> list[np.ndarray]:
    """Stratified fold ids, deterministic: each label's examples dealt round-robin."""
    ids = np.zeros(len(labels), dtype=int)
    seen: dict[str, int] = {}
    for i, label in enumerate(labels):
        ids[i] = seen.get(label, 0) % k
        seen[label] = seen.get(label, 0) + 1
    return [np.flatnonzero(ids == f) for f in range(k)]


def out_of_fold(fit, x, labels: Sequence[str], order: Sequence[str]) -> np.ndarray:
    """P(label) for each example from a model fitted without its fold."""
    out = np.zeros((len(labels), len(order)))
    y = np.array(labels)
    for test in _folds(labels):
        train = np.setdiff1d(np.arange(len(labels)), test)
        if len(set(y[train])) < len(order):
            continue
        proba = fit([x[i] for i in train], y[train].tolist())
        out[test] = np.vstack([proba(x[i]) for i in test])
    return out


def select(
    vectors: np.ndarray, token_lists: list[list[str]], labels: Sequence[str]
) -> tuple[float, float, float]:
    from bot.learn import fit_softmax, fit_sparse

    order = sorted(set(labels))
    y = np.array([order.index(label) for label in labels])
    dense = {
        c: out_of_fold(lambda xs, ys, c=c: fit_softmax(np.vstack(xs), ys, c).proba, vectors, labels, order)
        for c in STRENGTHS
    }
    sparse = {
        c: out_of_fold(
            lambda xs, ys, c=c: fit_sparse(xs, ys, c, sorted(set(ys))).proba, token_lists, labels, order
        )
        for c in STRENGTHS
    }
    best, best_acc = (8.0, 8.0, 0.5), -1.0
    for cd, cs, w in product(STRENGTHS, STRENGTHS, WEIGHTS):
        acc = float(np.mean(((1 - w) * dense[cd] + w * sparse[cs]).argmax(axis=1) == y))
        if acc > best_acc + 1e-9:
            best, best_acc = (cd, cs, w), acc
    return best


def select_models(settings) -> tuple[dict[str, float], dict[str, float]]:
    from bot.examples import load_examples
    from bot.keywords import tokens
    from bot.training import all_sets
    from corpus.load import load_corpus
    from index.embeddings import E5Embeddings
    from index.vectors import VectorCache

    corpus = load_corpus()
    emb = E5Embeddings(
        settings.embedding_model, cache_dir=settings.model_cache, backend=settings.embedding_backend
    )
    cache = VectorCache(settings.data_dir / "cache", emb.vectors_key)
    sets, _programs = all_sets(load_examples(corpus), corpus)
    strength: dict[str, float] = {"programs": 8.0}
    weight: dict[str, float] = {}
    for s in sets:
        x = cache.vectors(list(s.texts), emb.embed_queries_array)
        cd, cs, w = select(x, [tokens(t) for t in s.texts], s.labels)
        strength[s.name], strength[f"{s.name}_tokens"], weight[s.name] = cd, cs, w
        print(f"[calibrate] {s.name}: C vector {cd}, C tokens {cs}, token weight {w}", file=sys.stderr)
    return strength, weight
