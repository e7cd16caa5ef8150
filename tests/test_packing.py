"""index/packing.py: several texts in one row of the packed graph (pure, no model)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from index.packing import PAD_SEGMENT, mean_pooled, pack, rows_of, runs_of


def test_pack_fills_rows_in_order_and_gives_a_long_text_its_own_row() -> None:
    assert pack([3, 4, 2], budget=8) == [[0, 1], [2]]
    assert pack([10, 2, 2], budget=8) == [[0], [1, 2]]
    assert pack([], budget=8) == []


@given(st.lists(st.lists(st.integers(1, 99), min_size=1, max_size=12), min_size=1, max_size=20))
def test_every_text_is_in_exactly_one_row_at_its_own_positions(texts: list[list[int]]) -> None:
    rows = rows_of(texts, pad_id=0, budget=16)
    assert len(rows.spans) == len(texts)
    for tokens, (r, a, b) in zip(texts, rows.spans, strict=True):
        assert rows.ids[r, a:b].tolist() == tokens
        assert rows.positions[r, a:b].tolist() == list(range(len(tokens)))
        assert len(set(rows.segments[r, a:b].tolist())) == 1 and rows.segments[r, a] != PAD_SEGMENT
    used = sum(len(t) for t in texts)
    assert int((rows.segments != PAD_SEGMENT).sum()) == used  # everything else is padding


def test_mean_pooled_averages_each_span_and_normalizes() -> None:
    vectors = np.array([[[1.0, 0.0], [3.0, 0.0], [0.0, 2.0], [9.0, 9.0]]])
    pooled = mean_pooled(vectors, [(0, 0, 2), (0, 2, 3)])
    assert np.allclose(pooled, [[1.0, 0.0], [0.0, 1.0]])


def test_runs_keep_each_graph_run_within_its_token_budget() -> None:
    rows = rows_of([[1] * 10] * 7, pad_id=0, budget=10)  # seven rows of width 10
    runs = runs_of(rows, run_tokens=30)
    assert [(s.start, s.stop) for s in runs] == [(0, 3), (3, 6), (6, 9)]
    assert runs_of(rows_of([[1] * 50], pad_id=0), run_tokens=30) == [slice(0, 1)]  # one wide row still runs
