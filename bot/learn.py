"""Linear classifiers over message vectors, fitted on the labelled examples.

scikit-learn fits them (at load, in milliseconds); prediction is a plain matrix product, so
answering a question needs no scikit-learn and the fitted models are safe to share between
threads.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class LinearModel:
    """Multinomial logistic regression: P(label | x) = softmax(x @ coef.T + intercept)."""

    labels: tuple[str, ...]
    coef: np.ndarray  # (n_labels, dim)
    intercept: np.ndarray  # (n_labels,)

    def scores(self, x: np.ndarray) -> np.ndarray:
        return np.atleast_2d(x) @ self.coef.T + self.intercept

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Rows of probabilities over ``labels``, one row per row of ``x``."""
        z = self.scores(x)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def ranked(self, x: np.ndarray) -> list[tuple[str, float]]:
        """Labels with their probability for one vector, best first."""
        p = self.proba(x)[0]
        order = np.argsort(-p, kind="stable")
        return [(self.labels[i], float(p[i])) for i in order]


@dataclass(frozen=True)
class BinaryModels:
    """One-vs-rest logistic regressions: each label's own P(label | x), for multi-label data."""

    labels: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray

    def proba(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(np.atleast_2d(x) @ self.coef.T + self.intercept)))

    def of(self, x: np.ndarray) -> dict[str, float]:
        return dict(zip(self.labels, self.proba(x)[0].tolist(), strict=True))


@dataclass(frozen=True)
class SparseModel:
    """Logistic regression over TF-IDF weighted tokens (sublinear tf, l2-normalized rows).

    The words of a message carry what its vector blurs: a short "IT化が進まない" is one
    token away from its direction. scikit-learn's TfidfVectorizer fits it; this replays it.
    """

    labels: tuple[str, ...]
    vocab: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # (n_labels, n_terms)
    intercept: np.ndarray

    def features(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        counts: dict[int, int] = {}
        for t in tokens:
            if (j := self.vocab.get(t)) is not None:
                counts[j] = counts.get(j, 0) + 1
        idx = np.fromiter(counts, dtype=np.int64, count=len(counts))
        w = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf[idx]
        norm = float(np.linalg.norm(w))
        return idx, (w / norm if norm > 0 else w)

    def proba(self, tokens: Sequence[str]) -> np.ndarray:
        return self.proba_of(*self.features(tokens))

    def proba_of(self, idx: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Probabilities from features already read (``features``) with this vocabulary."""
        z = self.coef[:, idx] @ w + self.intercept
        if len(self.labels) == 2 and z.shape[0] == 1:
            z = np.array([-z[0] / 2, z[0] / 2])
        e = np.exp(z - z.max())
        return e / e.sum()


@dataclass(frozen=True)
class Hybrid:
    """The vector model and the token model, mixed: P = (1 - w) * P_vector + w * P_tokens."""

    dense: LinearModel
    sparse: SparseModel
    weight: float

    @property
    def labels(self) -> tuple[str, ...]:
        return self.dense.labels

    def proba(self, vector: np.ndarray, tokens: Sequence[str]) -> np.ndarray:
        p = self.dense.proba(vector)[0]
        return (1 - self.weight) * p + self.weight * self.sparse.proba(tokens) if self.weight else p

    def ranked(self, vector: np.ndarray, tokens: Sequence[str]) -> list[tuple[str, float]]:
        p = self.proba(vector, tokens)
        order = np.argsort(-p, kind="stable")
        return [(self.labels[i], float(p[i])) for i in order]

    def of(self, vector: np.ndarray, tokens: Sequence[str]) -> dict[str, float]:
        return dict(zip(self.labels, self.proba(vector, tokens).tolist(), strict=True))


@dataclass(frozen=True)
class ProgramModels:
    """Each program's own P(it fits | message): vector and token models mixed, one-vs-rest."""

    dense: BinaryModels
    sparse: dict[str, SparseModel]  # labels ("no", "yes") per program
    weight: float

    def __post_init__(self) -> None:
        vocabularies = [m.vocab for m in self.sparse.values()]
        if any(v != vocabularies[0] for v in vocabularies[1:]):
            raise ValueError("the programs' token models must share one vocabulary")

    def of(self, vector: np.ndarray, tokens: Sequence[str]) -> dict[str, float]:
        dense = self.dense.of(vector)
        if not self.weight:
            return dense
        # the programs' token models were fitted on the same texts: one vocabulary, read once
        idx, w = next(iter(self.sparse.values())).features(tokens)
        return {
            name: (1 - self.weight) * p + self.weight * float(self.sparse[name].proba_of(idx, w)[1])
            for name, p in dense.items()
        }


def fit_sparse(
    token_lists: Sequence[Sequence[str]], y: Sequence[str], c: float, labels: Sequence[str]
) -> SparseModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=lambda toks: toks, sublinear_tf=True)
    x = vectorizer.fit_transform([list(t) for t in token_lists])
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, list(y))
    order = [list(model.classes_).index(label) for label in labels]
    coef = model.coef_ if len(labels) > 2 else np.vstack([-model.coef_[0] / 2, model.coef_[0] / 2])
    intercept = (
        model.intercept_ if len(labels) > 2 else np.array([-model.intercept_[0] / 2, model.intercept_[0] / 2])
    )
    vocab = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
    return SparseModel(
        tuple(labels), vocab, vectorizer.idf_, np.asarray(coef)[order], np.asarray(intercept)[order]
    )


def fit_softmax(x: np.ndarray, y: Sequence[str], c: float = 4.0, balanced: bool = True) -> LinearModel:
    from sklearn.linear_model import LogisticRegression

    labels = tuple(sorted(set(y)))
    if len(labels) == 1:  # nothing to tell apart: a constant model
        return LinearModel(labels, np.zeros((1, x.shape[1])), np.zeros(1))
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced" if balanced else None)
    model.fit(x, list(y))
    coef, intercept = model.coef_, model.intercept_
    if len(labels) == 2:  # scikit-learn keeps one row for two classes; make it a softmax pair
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    order = [list(model.classes_).index(label) for label in labels]
    return LinearModel(labels, np.asarray(coef)[order], np.asarray(intercept)[order])


def fit_binary(
    x: np.ndarray, targets: Sequence[Sequence[str]], labels: Sequence[str], c: float = 4.0
) -> BinaryModels:
    """A positive/negative model per label; rows with no labels are everyone's negatives."""
    from sklearn.linear_model import LogisticRegression

    coefs, intercepts = [], []
    for label in labels:
        y = np.array([label in t for t in targets])
        if y.all() or not y.any():
            coefs.append(np.zeros(x.shape[1]))
            intercepts.append(10.0 if y.all() else -10.0)
            continue
        model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(x, y)
        coefs.append(model.coef_[0])
        intercepts.append(float(model.intercept_[0]))
    return BinaryModels(tuple(labels), np.vstack(coefs), np.array(intercepts))


def _key(*parts: object) -> str:
    import hashlib

    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.tobytes() if isinstance(part, np.ndarray) else repr(part).encode())
    return digest.hexdigest()[:24]


class FitCache:
    """Fitted coefficients on disk, keyed by everything the fit depends on.

    Fitting all models takes seconds (and importing scikit-learn one more); the examples
    change rarely, so a start with unchanged examples only reads a file.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / f"fitted-{key}.npz"

    def _read(self, key: str) -> tuple[tuple[str, ...], np.ndarray, np.ndarray] | None:
        try:
            with np.load(self._path(key), allow_pickle=False) as data:
                return tuple(data["labels"].tolist()), data["coef"], data["intercept"]
        except (OSError, KeyError, ValueError):
            return None

    def _write(self, key: str, labels: Sequence[str], coef: np.ndarray, intercept: np.ndarray) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self._path(key).with_suffix(".tmp.npz")
        np.savez(tmp, labels=np.array(labels), coef=coef, intercept=intercept)
        os.replace(tmp, self._path(key))

    def softmax(self, x: np.ndarray, y: Sequence[str], c: float) -> LinearModel:
        key = _key("softmax", x, tuple(y), c)
        if (hit := self._read(key)) is not None:
            return LinearModel(*hit)
        model = fit_softmax(x, y, c)
        self._write(key, model.labels, model.coef, model.intercept)
        return model

    def sparse(self, token_lists: Sequence[Sequence[str]], y: Sequence[str], c: float) -> SparseModel:
        labels = tuple(sorted(set(y)))
        key = _key("sparse", tuple(map(tuple, token_lists)), tuple(y), c)
        path = self._path(key)
        try:
            with np.load(path, allow_pickle=False) as data:
                vocab = {str(t): i for i, t in enumerate(data["terms"].tolist())}
                return SparseModel(labels, vocab, data["idf"], data["coef"], data["intercept"])
        except (OSError, KeyError, ValueError):
            pass
        model = fit_sparse(token_lists, y, c, labels)
        terms = sorted(model.vocab, key=model.vocab.__getitem__)
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, terms=np.array(terms), idf=model.idf, coef=model.coef, intercept=model.intercept)
        os.replace(tmp, path)
        return model

    def binary(
        self, x: np.ndarray, targets: Sequence[Sequence[str]], labels: Sequence[str], c: float
    ) -> BinaryModels:
        key = _key("binary", x, tuple(map(tuple, targets)), tuple(labels), c)
        if (hit := self._read(key)) is not None:
            return BinaryModels(*hit)
        model = fit_binary(x, targets, labels, c)
        self._write(key, model.labels, model.coef, model.intercept)
        return model
