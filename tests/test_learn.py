"""Linear models fitted on examples (bot.learn; no embedding model: synthetic vectors)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.learn import FitCache, Hybrid, fit_binary, fit_softmax, fit_sparse

RNG = np.random.default_rng(0)


def _blobs(n: int = 60) -> tuple[np.ndarray, list[str]]:
    centers = {"a": np.array([1.0, 0, 0]), "b": np.array([0, 1.0, 0]), "c": np.array([0, 0, 1.0])}
    x, y = [], []
    for label, c in centers.items():
        for _ in range(n // 3):
            x.append(c + RNG.normal(0, 0.2, 3))
            y.append(label)
    return np.array(x), y


def test_softmax_separates_clusters_and_returns_a_distribution() -> None:
    x, y = _blobs()
    model = fit_softmax(x, y, c=4.0)
    assert model.labels == ("a", "b", "c")
    p = model.proba(np.array([[0.0, 1.0, 0.0]]))
    assert np.isclose(p.sum(), 1.0) and model.ranked(np.array([0.0, 1.0, 0.0]))[0][0] == "b"


def test_two_labels_make_a_proper_pair() -> None:
    x, y = _blobs()
    keep = [i for i, label in enumerate(y) if label != "c"]
    model = fit_softmax(x[keep], [y[i] for i in keep], c=4.0)
    assert model.coef.shape[0] == 2 and model.ranked(np.array([1.0, 0, 0]))[0][0] == "a"


def test_token_model_learns_words() -> None:
    docs = [
        ["値上げ", "交渉"],
        ["価格", "転嫁"],
        ["後継者", "不在"],
        ["承継", "後継者"],
        ["求人", "応募"],
        ["人手", "不足"],
    ]
    labels = ["price", "price", "succession", "succession", "staff", "staff"]
    model = fit_sparse(docs, labels, c=16.0, labels=sorted(set(labels)))
    p = dict(zip(model.labels, model.proba(["後継者", "未知語"]), strict=True))
    assert max(p, key=p.get) == "succession"
    assert np.isclose(sum(p.values()), 1.0)
    assert np.allclose(model.proba(["未知語"]), model.proba([]))  # unknown words say nothing


def test_hybrid_mixes_by_weight() -> None:
    x, y = _blobs()
    dense = fit_softmax(x, y, c=4.0)
    sparse = fit_sparse([[label] for label in y], y, c=4.0, labels=sorted(set(y)))
    v = np.array([1.0, 0, 0])
    only_dense = Hybrid(dense, sparse, 0.0).proba(v, ["c"])
    half = Hybrid(dense, sparse, 0.5).proba(v, ["c"])
    assert np.allclose(only_dense, dense.proba(v)[0])
    assert np.allclose(half, 0.5 * dense.proba(v)[0] + 0.5 * sparse.proba(["c"]))


def test_binary_models_are_independent_per_label() -> None:
    x, y = _blobs()
    targets = [(label,) if label != "c" else () for label in y]
    models = fit_binary(x, targets, ["a", "b", "never"], c=4.0)
    got = models.of(np.array([1.0, 0, 0]))
    assert got["a"] > 0.5 > got["b"] and got["never"] < 0.01


def test_fit_cache_returns_the_same_model_without_refitting(tmp_path: Path, monkeypatch) -> None:
    x, y = _blobs()
    cache = FitCache(tmp_path)
    first = cache.softmax(x, y, 4.0)
    sparse_first = cache.sparse([[label] for label in y], y, 4.0)
    import bot.learn

    def boom(*_a, **_k):
        raise AssertionError("refitted although cached")

    monkeypatch.setattr(bot.learn, "fit_softmax", boom)
    monkeypatch.setattr(bot.learn, "fit_sparse", boom)
    again = cache.softmax(x, y, 4.0)
    assert np.allclose(first.coef, again.coef) and first.labels == again.labels
    assert cache.sparse([[label] for label in y], y, 4.0).vocab == sparse_first.vocab


def test_fit_cache_refits_when_the_examples_change(tmp_path: Path) -> None:
    x, y = _blobs()
    cache = FitCache(tmp_path)
    cache.softmax(x, y, 4.0)
    cache.softmax(x[:-3], y[:-3], 4.0)
    assert len(list(tmp_path.glob("fitted-*.npz"))) == 2


def test_several_problem_examples_teach_each_clause_its_own_direction() -> None:
    from bot.examples import Example, Examples
    from bot.training import clause_problems, type_set

    a, b = "適正取引の推進", "危機管理対策"

    def problem(text: str, *directions: str) -> Example:
        return Example(text=text, lang="ja", type="problem", directions=directions, multi=len(directions) > 1)

    items = (
        problem("取引先が値上げを認めない。サイバー攻撃も怖い", a, b),
        problem("取引先が値上げを認めなくて困ってる", a, b),
        problem("後継ぎがいない", "事業承継の一層の促進"),
    )
    examples = Examples(items, ())
    assert clause_problems(examples) == [("取引先が値上げを認めない", a), ("サイバー攻撃も怖い", b)]
    types = type_set(examples)  # clauses that do not line up with the directions teach nothing
    assert types.texts[3:] == ("取引先が値上げを認めない", "サイバー攻撃も怖い")
    assert types.labels[3:] == ("problem", "problem")
