"""Step 4a: rank directions — the direction model's probabilities fused with retrieval (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.fusion import aggregate
from bot.retrieve import Hit

# Passages about a program (its name, a company's use of it) speak to a direction only
# through the project's program→direction links, so they count for less there.
PROGRAM_EVIDENCE_WEIGHT = 0.6


@dataclass(frozen=True)
class Scored:
    title: str
    score: float  # what ranks: (1 - w) * prob + w * retrieval
    prob: float  # the direction model's probability
    retrieval: float  # this direction's share of the retrieved evidence


def retrieval_shares(hits: Sequence[Hit]) -> dict[str, float]:
    """Each direction's share of the fused passage scores that point at it (sums to 1)."""
    ranked = aggregate(
        {h.chunk.id: h.score * (PROGRAM_EVIDENCE_WEIGHT if h.chunk.programs else 1.0) for h in hits},
        {h.chunk.id: h.chunk.directions for h in hits},
    )
    total = sum(s for _, s in ranked)
    return {t: s / total for t, s in ranked} if total > 0 else {}


def fuse(probs: Sequence[tuple[str, float]], shares: Mapping[str, float], weight: float) -> list[Scored]:
    out = [Scored(t, (1 - weight) * p + weight * shares.get(t, 0.0), p, shares.get(t, 0.0)) for t, p in probs]
    return sorted(out, key=lambda s: (-s.score, s.title))
