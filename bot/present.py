"""Step 4b: what the answer presents — only what has evidence of its own (pure).

A second direction is shown for one problem only when it is nearly as likely as the first;
each further clause of the message adds its own direction only when that clause alone
points there confidently. Programs need both: the model's confidence for this message and
a link to a presented direction — or the owner named them. Thresholds are calibrated on
the dev split (``python -m eval calibrate``) and live in data/calibration.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.rank import Scored, fuse

MAX_DIRECTIONS = 3
MAX_PROGRAMS = 3


@dataclass(frozen=True)
class Thresholds:
    show_min: float  # below this the best direction is only "the nearest"
    second_min: float  # a second direction for the same problem
    clause_min: float  # a clause's own direction, for a message raising several problems
    program_min: float
    # ...and that direction's score for the message as a whole: a clause that only adds
    # detail ("資金の集め方が分からない" in a founder's story) points somewhere the message doesn't
    support_min: float = 0.0


@dataclass(frozen=True)
class Choice:
    directions: tuple[str, ...]
    weak: bool = False  # nothing fits well: the one shown is only the nearest
    several: bool = False  # one direction per problem of a message raising several


def choose_directions(
    ranked: Sequence[Scored], clause_tops: Sequence[tuple[str, float]], t: Thresholds
) -> Choice:
    """``clause_tops``: each content clause's best direction and its probability, in order."""
    if not ranked:
        return Choice(())
    # several problems first: a message raising two has its probability split between them,
    # so its best direction alone may look unsure
    whole = {s.title: s.score for s in ranked}
    best: dict[str, float] = {}  # each confident direction's surest clause, in the order told
    for title, p in clause_tops:
        if p >= t.clause_min and whole.get(title, 0.0) >= t.support_min:
            best[title] = max(best.get(title, 0.0), p)
    if len(best) >= 2:
        # more problems than the answer shows: the surest, still in the order the owner told them
        kept = set(sorted(best, key=lambda title: -best[title])[:MAX_DIRECTIONS])
        return Choice(tuple(title for title in best if title in kept), several=True)
    best = ranked[0]
    if best.score < t.show_min:
        return Choice((best.title,), weak=True)
    shown = [best.title]
    if len(ranked) > 1 and ranked[1].score >= t.second_min:
        shown.append(ranked[1].title)
    return Choice(tuple(shown))


def choose_programs(
    confidence: Mapping[str, float],
    named: Sequence[str],
    presented: Sequence[str],
    links: Mapping[str, Sequence[str]],
    t: Thresholds,
) -> list[str]:
    """Named programs first; then those the model is confident of that serve a presented direction."""
    linked = [
        name
        for name, p in sorted(confidence.items(), key=lambda kv: -kv[1])
        if p >= t.program_min and set(links.get(name, ())) & set(presented) and name not in named
    ]
    return [*named, *linked][:MAX_PROGRAMS]


@dataclass(frozen=True)
class ProblemEvidence:
    """Everything the decisions about a problem answer read; kept apart so that calibration
    can replay the decisions under other thresholds without encoding again."""

    probs: tuple[tuple[str, float], ...]  # the direction model on the message
    shares: Mapping[str, float]  # each direction's share of the retrieved passages
    clause_tops: tuple[tuple[str, float], ...]  # each problem clause's best direction (2+ clauses)
    program_confidence: Mapping[str, float]
    named_programs: tuple[str, ...]


def decide(
    e: ProblemEvidence, retrieval_weight: float, t: Thresholds, links: Mapping[str, Sequence[str]]
) -> tuple[list[Scored], Choice, list[str]]:
    ranked = fuse(e.probs, e.shares, retrieval_weight)
    choice = choose_directions(ranked, e.clause_tops, t)
    programs = choose_programs(e.program_confidence, e.named_programs, choice.directions, links, t)
    return ranked, choice, programs
