"""Rank fusion and aggregation of chunk hits into directions and programs (pure functions)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

# Smaller than the customary 60: with a few hundred chunks, rank 1 vs rank 5 should matter.
# Chosen on the dev split (a plateau of k = 5…20 scored the same); see eval/report.md.
RRF_K = 10


def rrf(
    rankings: Sequence[Sequence[str]], weights: Sequence[float] | None = None, k: int = RRF_K
) -> dict[str, float]:
    """Reciprocal-rank fusion: each list contributes weight / (k + rank)."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, key in enumerate(ranking, start=1):
            fused[key] += weight / (k + rank)
    return dict(fused)


def aggregate(
    scores: Mapping[str, float], targets: Mapping[str, Iterable[str]], decay: float = 0.35, depth: int = 3
) -> list[tuple[str, float]]:
    """Score targets (directions, programs) from the chunks that point at them.

    A target's score is its best chunk plus a decaying share of its next ones, so a
    direction backed by several passages beats one backed by a single lucky hit, but
    many weak hits do not outweigh one strong one.
    """
    per_target: dict[str, list[float]] = defaultdict(list)
    for chunk_id, score in scores.items():
        for target in targets.get(chunk_id, ()):
            per_target[target].append(score)
    ranked = []
    for target, values in per_target.items():
        values.sort(reverse=True)
        ranked.append((target, sum(v * decay**i for i, v in enumerate(values[:depth]))))
    ranked.sort(key=lambda kv: (-kv[1], kv[0]))
    return ranked
