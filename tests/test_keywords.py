"""The sparse BM25 index against rank_bm25, thread safety of tokens(), stored term counts."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bot.keywords import KeywordIndex, tokenizer_version, tokens
from corpus.chunks import Chunk, build_chunks
from corpus.load import load_corpus
from eval.gold import load_gold
from index.terms import load_terms, sync_terms


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    return build_chunks(load_corpus())


@pytest.fixture(scope="module")
def chunk_tokens(chunks: list[Chunk]) -> list[list[str]]:
    return [tokens(c.text) for c in chunks]


@pytest.fixture(scope="module")
def queries(chunk_tokens: list[list[str]]) -> list[list[str]]:
    """Every gold question, plus word bags drawn from the chunks (repeats and unknown words too)."""
    rng = random.Random(3)
    vocab = sorted({t for toks in chunk_tokens for t in toks})
    drawn = [rng.sample(vocab, rng.randint(1, 8)) for _ in range(200)]
    repeated = [[t, t, *rng.sample(vocab, 2)] for t in rng.sample(vocab, 20)]
    unknown = [["存在しない語", *rng.sample(vocab, 2)], ["zzzz"]]
    return [tokens(c.query) for c in load_gold()] + drawn + repeated + unknown


def _reference_top(scores: np.ndarray, k: int) -> list[int]:
    ranked = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    return [i for i in ranked[:k] if scores[i] > 0]


def _assert_same_as_rank_bm25(token_lists: list[list[str]], queries: list[list[str]]) -> None:
    ids = [f"d{i}" for i in range(len(token_lists))]
    reference = BM25Okapi([t or ["_"] for t in token_lists])
    index = KeywordIndex.from_tokens(ids, token_lists)
    for q in queries:
        want = np.asarray(reference.get_scores(q))
        got = index.scores(q)
        assert np.abs(want - got).max() <= 1e-6, q
        assert [cid for cid, _ in index.search(q, 40)] == [ids[i] for i in _reference_top(want, 40)], q
        assert index.coverage(q) == sum(t in reference.idf for t in q) / len(q)


def test_scores_match_rank_bm25_on_the_real_corpus(chunk_tokens, queries):
    assert len(queries) > 300
    _assert_same_as_rank_bm25(chunk_tokens, queries)


def test_idf_floor_for_very_common_terms_matches_rank_bm25(chunk_tokens, queries):
    # Put one word in 80% of the chunks and another in exactly half: BM25Okapi floors the first's
    # negative idf at epsilon * mean idf and gives the second an idf of 0.
    n = len(chunk_tokens)
    common = [[*toks, "共通語"] if i % 5 else toks for i, toks in enumerate(chunk_tokens)]
    half = [[*toks, "半分語"] if i < n // 2 else toks for i, toks in enumerate(common)]
    reference = BM25Okapi(half)
    assert reference.idf["共通語"] == pytest.approx(reference.epsilon * reference.average_idf)
    assert reference.idf["共通語"] > 0
    extra = [["共通語"], ["共通語", "承継"], ["半分語", "事業"], ["共通語", "共通語", "半分語"]]
    _assert_same_as_rank_bm25(half, queries[:60] + extra)
    index = KeywordIndex.from_tokens([str(i) for i in range(n)], half)
    assert index.search(["共通語"], 3), "a floored common word still scores"


def test_empty_texts_and_empty_queries():
    index = KeywordIndex(["a", "b", "c"], ["", "事業承継の支援", "。、"])
    assert index.search([], 5) == [] and index.search(["事業"], 0) == []
    assert [cid for cid, _ in index.search(tokens("事業承継"), 5)] == ["b"]
    assert index.coverage([]) == 0.0


def test_tokens_and_search_from_8_threads_equal_serial(chunks):
    texts = [c.text for c in chunks] + [c.query for c in load_gold()]
    index = KeywordIndex([c.id for c in chunks], [c.text for c in chunks])

    def work(text: str) -> tuple[list[str], list[tuple[str, float]]]:
        toks = tokens(text)
        return toks, index.search(toks, 20)

    serial = [work(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            assert list(pool.map(work, texts)) == serial


# -- stored term counts (index/terms.py) ------------------------------------------------------
class CountingTokenizer:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, text: str) -> list[str]:
        self.seen.append(text)
        return tokens(text)


def test_terms_are_tokenized_once_and_loaded_after(tmp_path: Path, chunks):
    path = tmp_path / "terms.npz"
    pairs = [(c.id, c.text) for c in chunks]
    first = CountingTokenizer()
    table = sync_terms(path, pairs, first, tokenizer_version())
    assert len(first.seen) == len(chunks) and table.ids == [c.id for c in chunks]

    again = CountingTokenizer()
    loaded = sync_terms(path, pairs, again, tokenizer_version())
    assert again.seen == []
    stored = KeywordIndex.from_table(loaded)
    fresh = KeywordIndex([c.id for c in chunks], [c.text for c in chunks])
    for q in ("後継ぎがいない", "人手不足で採用できない", "海外に販路を広げたい"):
        assert stored.search(tokens(q), 40) == fresh.search(tokens(q), 40)


def test_terms_update_incrementally(tmp_path: Path, chunks):
    path = tmp_path / "terms.npz"
    pairs = [(c.id, c.text) for c in chunks]
    sync_terms(path, pairs[:-10], tokens, tokenizer_version())
    counting = CountingTokenizer()
    changed = pairs[5:]  # five chunks leave, ten arrive
    table = sync_terms(path, changed, counting, tokenizer_version())
    assert sorted(counting.seen) == sorted(text for _, text in pairs[-10:])
    assert table.ids == [cid for cid, _ in changed]
    # the stored table equals one built from scratch, row for row
    ids = [cid for cid, _ in changed]
    want = KeywordIndex(ids, [text for _, text in changed])
    got = KeywordIndex.from_table(load_terms(path, tokenizer_version()))
    for q in ("事業承継", "DX デジタル", "価格転嫁"):
        assert np.allclose(got.scores(tokens(q)), want.scores(tokens(q)), atol=1e-12)
    dropped = {cid for cid, _ in pairs[:5]}
    assert not dropped & set(load_terms(path, tokenizer_version()).ids)


def test_terms_of_another_tokenizer_or_a_damaged_file_are_rebuilt(tmp_path: Path, chunks):
    path = tmp_path / "terms.npz"
    pairs = [(c.id, c.text) for c in chunks[:20]]
    sync_terms(path, pairs, tokens, "old tokenizer")
    counting = CountingTokenizer()
    sync_terms(path, pairs, counting, tokenizer_version())
    assert len(counting.seen) == 20
    path.write_bytes(b"not an npz")
    assert load_terms(path, tokenizer_version()) is None
    counting = CountingTokenizer()
    assert sync_terms(path, pairs, counting, tokenizer_version()).ids == [cid for cid, _ in pairs]
    assert len(counting.seen) == 20


def test_select_reorders_rows_and_refuses_unknown_ids(tmp_path: Path, chunks):
    pairs = [(c.id, c.text) for c in chunks[:30]]
    table = sync_terms(tmp_path / "t.npz", pairs, tokens, tokenizer_version())
    backwards = [cid for cid, _ in reversed(pairs)]
    picked = table.select(backwards)
    assert picked.ids == backwards
    assert KeywordIndex.from_table(picked).search(tokens("事業承継"), 5) == KeywordIndex(
        backwards, [t for _, t in reversed(pairs)]
    ).search(tokens("事業承継"), 5)
    with pytest.raises(KeyError):
        table.select(["nope"])
