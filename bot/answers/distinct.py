"""Which one candidate a question's words point to alone: a pure step shared by the readers
that find a company, a program, a strategy or one item by words only it has."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Set
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def distinct_match(words: Set[str], candidates: Mapping[K, Set[str]]) -> K | None:
    """The candidate the words share more of its own words with (words no other candidate
    has) than any other candidate; None when none shares one, or two share as many.

    Words every candidate has (海外 and 売上 of every company, 戦略 of every strategy) say
    nothing about which one is meant, so only a candidate's own words count.
    """
    scores = []
    for name, own in candidates.items():
        others: set[str] = set().union(*(o for n, o in candidates.items() if n != name))
        scores.append((len((set(own) & words) - others), name))
    scores.sort(key=lambda s: s[0], reverse=True)
    if not scores or scores[0][0] == 0 or (len(scores) > 1 and scores[1][0] == scores[0][0]):
        return None
    return scores[0][1]
