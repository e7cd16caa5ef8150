"""Real corpus, warm, in this process: what a question costs beyond encoding it (issue 10).

Per dev question and round, one after the other so that a busy moment of a shared machine
hits all of them alike: (a) one bare encode of the whole question, (b) the clause batch encode
the engine does (``Recommender.encode``), (c) ``rec.ask`` end to end, (c') ``rec.ask`` with
retrieval forced on (calibrated weight 0.2 instead of 0). The pipeline without the encode is
reported two ways: c − b per question (what the brief asks), and measured directly with an
encoder that answers from memory, which is not the difference of two noisy timings.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from eval.bench_common import ratio, stats

RETRIEVAL_ON = 0.2  # a weight above 0 makes problem questions query Chroma and BM25
ENGINES = ("ask", "ask_retrieval", "no_encode", "no_encode_retrieval")


class MemoEncoder:
    """The engine's encoder with its answers remembered: a repeat costs a dict lookup and a copy."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.memo: dict[tuple[str, ...], np.ndarray] = {}

    def embed_queries_array(self, texts: Sequence[str]) -> np.ndarray:
        key = tuple(texts)
        if key not in self.memo:
            self.memo[key] = np.asarray(self.inner.embed_queries_array(list(texts)))
        return self.memo[key].copy()  # a copy, as a fresh encode is: callers may keep it

    def __getattr__(self, name: str) -> Any:  # model_name, embed_query_array, …
        return getattr(self.inner, name)


class CountingSearch:
    """Chroma's search, counted: how often the questions really reach retrieval."""

    def __init__(self, inner: Callable[[Sequence[float], int], list[tuple[str, float]]]) -> None:
        self.inner, self.calls = inner, 0

    def __call__(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        self.calls += 1
        return self.inner(vector, k)


def engines(rec: Any) -> dict[str, Any]:
    """Copies of the engine sharing its loaded parts: retrieval on or off, real or memo encoder."""
    on = rec.calibration.model_copy(update={"retrieval_weight": RETRIEVAL_ON})
    memo = MemoEncoder(rec.embeddings)
    return {
        "ask": rec,
        "ask_retrieval": replace(rec, calibration=on),
        "no_encode": replace(rec, embeddings=memo),
        "no_encode_retrieval": replace(rec, embeddings=memo, calibration=on),
    }


def _ms(fn: Callable[..., Any], *args: Any) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - t0) * 1000


def minus(a: Sequence[float], b: Sequence[float]) -> list[float]:
    """Per-sample difference of two paired timings (same question, same round)."""
    return [x - y for x, y in zip(a, b, strict=True)]


def retrieval_calls(rec: Any, queries: Sequence[str]) -> dict[str, int]:
    """Questions that query the store, as calibrated and with retrieval forced on."""
    out = {}
    for name, weight in (("calibrated", rec.calibration.retrieval_weight), ("forced", RETRIEVAL_ON)):
        counter = CountingSearch(rec.dense_search)
        cal = rec.calibration.model_copy(update={"retrieval_weight": weight})
        probe = replace(rec, dense_search=counter, calibration=cal)
        for q in queries:
            probe.ask(q)
        out[name] = counter.calls
    return out


def measure(rec: Any, queries: Sequence[str], rounds: int) -> dict[str, Any]:
    from bot.understand import read_message

    eng = engines(rec)
    calls = retrieval_calls(rec, queries)  # also warms every lazy part and fills the memo
    for q in queries:
        eng["no_encode"].ask(q)
    t: dict[str, list[float]] = {k: [] for k in ("bare", "batch", *ENGINES)}
    for _ in range(rounds):
        for q in queries:
            message = read_message(q, rec.settings.max_query_chars, None, rec.kana.restore)
            t["bare"].append(_ms(rec.embeddings.embed_query_array, q))
            t["batch"].append(_ms(rec.encode, message))
            for name in ENGINES:
                t[name].append(_ms(eng[name].ask, q))
    out: dict[str, Any] = {k: stats(v) for k, v in t.items()}
    out["ask_minus_batch"] = stats(minus(t["ask"], t["batch"]))
    out["ask_retrieval_minus_batch"] = stats(minus(t["ask_retrieval"], t["batch"]))
    out["ratio_to_bare"] = ratio(out["ask"], out["bare"])
    out["ratio_to_batch"] = ratio(out["ask"], out["batch"])
    out["retrieval_calls"] = calls
    out["questions"], out["rounds"] = len(queries), rounds
    return out
