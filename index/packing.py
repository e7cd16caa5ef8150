"""Several texts in one row of the packed graph (pure; index.backends.PackedEncoder runs it).

A padded batch costs every row the length of the longest text: a message's clauses, one long
and one short, cost twice the long one. Packed, they cost their own lengths: texts sit one
after another in a row, each with positions from 0 and a segment id that keeps its tokens
attending only to each other, so each text's vector is the one it would get alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

ROW_TOKENS = 128  # a row's budget; a longer text takes a row of its own
# Tokens per graph run: attention grows with rows x width², and ONNX Runtime keeps the largest
# buffers it ever needed, so a run over many long rows (building the example vectors) would
# leave the process that much bigger for good.
RUN_TOKENS = 2048
PAD_SEGMENT = -1  # padding attends only to padding


@dataclass(frozen=True)
class Rows:
    ids: np.ndarray  # (rows, tokens) int64
    positions: np.ndarray
    segments: np.ndarray
    spans: tuple[tuple[int, int, int], ...]  # per text, in input order: (row, start, end)


def pack(lengths: Sequence[int], budget: int = ROW_TOKENS) -> list[list[int]]:
    """Text indices per row, in order: each row is filled until the next text would exceed it."""
    rows: list[list[int]] = []
    used = budget
    for i, n in enumerate(lengths):
        if rows and used + n <= budget:
            rows[-1].append(i)
            used += n
        else:
            rows.append([i])
            used = n
    return rows


def rows_of(token_ids: Sequence[Sequence[int]], pad_id: int, budget: int = ROW_TOKENS) -> Rows:
    """The graph's inputs for these texts, and where each text's tokens are."""
    groups = pack([len(t) for t in token_ids], budget)
    width = max(sum(len(token_ids[i]) for i in g) for g in groups)
    ids = np.full((len(groups), width), pad_id, dtype=np.int64)
    positions = np.zeros((len(groups), width), dtype=np.int64)
    segments = np.full((len(groups), width), PAD_SEGMENT, dtype=np.int64)
    spans: list[tuple[int, int, int]] = [(0, 0, 0)] * len(token_ids)
    for r, group in enumerate(groups):
        at = 0
        for segment, i in enumerate(group):
            n = len(token_ids[i])
            ids[r, at : at + n] = token_ids[i]
            positions[r, at : at + n] = np.arange(n)
            segments[r, at : at + n] = segment
            spans[i] = (r, at, at + n)
            at += n
    return Rows(ids, positions, segments, tuple(spans))


def runs_of(rows: Rows, run_tokens: int = RUN_TOKENS) -> list[slice]:
    """Consecutive rows per graph run, at most ``run_tokens`` tokens (padding included) each."""
    count, width = rows.ids.shape
    step = max(1, run_tokens // max(width, 1))
    return [slice(i, i + step) for i in range(0, count, step)]


def mean_pooled(token_vectors: np.ndarray, spans: Sequence[tuple[int, int, int]]) -> np.ndarray:
    """Each text's mean token vector, normalized (the model's mean pooling and Normalize)."""
    out = np.stack([token_vectors[r, a:b].mean(axis=0) for r, a, b in spans]).astype(np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True)
