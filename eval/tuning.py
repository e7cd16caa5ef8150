"""Grid searches behind ``python -m eval calibrate`` (pure: recorded evidence in, settings out).

Each search replays the bot's own decision functions (bot.classify.label_of, bot.present)
on what the engine recorded for every dev case, so a threshold is chosen by what the owner
would have been shown — not by a proxy score.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import product

import numpy as np

from bot.present import ProblemEvidence, Thresholds, decide

GRID_WEIGHT = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
GRID_SHOW = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3)
GRID_SECOND = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 1.01)
GRID_CLAUSE = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 1.01)
GRID_PROGRAM = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
GRID_SUPPORT = (0.0, 0.02, 0.04, 0.06, 0.08, 0.1)
GRID_DECLINE = tuple(round(0.2 + 0.05 * i, 2) for i in range(13))
GRID_CONTENT = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7)  # 0 first: any content clause answers
# Where the problem searches start (each fixes one threshold with the others at these), so
# that the result depends on the dev cases alone, not on the calibration file it replaces.
START = {"second_min": 0.4, "clause_min": 0.3, "program_min": 0.4}


@dataclass(frozen=True)
class ProblemCase:
    """A dev case the engine read as a problem, with the expected answer."""

    id: str
    evidence: ProblemEvidence
    directions: tuple[str, ...]
    programs: tuple[str, ...]
    several: bool  # the gold case raises several problems


def problem_score(
    cases: Sequence[ProblemCase], weight: float, t: Thresholds, links: Mapping[str, Sequence[str]]
) -> tuple[float, float, float, float]:
    """(shown hit, presented precision, all of a several-problem message shown, program F1)."""
    hit = prec = allshown = prog = 0.0
    n_multi = 0
    for c in cases:
        _, choice, programs = decide(c.evidence, weight, t, links)
        shown = choice.directions
        hit += any(d in shown for d in c.directions)
        prec += sum(d in c.directions for d in shown) / len(shown) if shown else 0.0
        if c.several:
            n_multi += 1
            allshown += all(d in shown for d in c.directions)
        prog += f_beta(programs, c.programs)
    n = max(len(cases), 1)
    return hit / n, prec / n, allshown / max(n_multi, 1), prog / n


PROGRAM_BETA = 0.5  # a program shown where it does not belong costs more than one left out


def f_beta(shown: Sequence[str], expected: Sequence[str], beta: float = PROGRAM_BETA) -> float:
    """F-beta of the shown programs; 1 when neither side has any."""
    if not shown and not expected:
        return 1.0
    right = len(set(shown) & set(expected))
    if right == 0:
        return 0.0
    p, r = right / len(shown), right / len(expected)
    return (1 + beta**2) * p * r / (beta**2 * p + r)


def _best(
    candidates: Iterable[tuple[float, ...]], score: Callable[[tuple[float, ...]], float]
) -> tuple[float, ...]:
    """The best candidate; ties go to the one listed first (grids run from lenient to strict)."""
    best, best_score = None, float("-inf")
    for cand in candidates:
        s = score(cand)
        if s > best_score + 1e-9:
            best, best_score = cand, s
    assert best is not None
    return best


WEAK_SHARE = 75  # percentile: as unsure as the model is about three in four topicless messages


def weak_threshold(topicless: Sequence[float]) -> float:
    """The best direction's score below which the answer says plainly that nothing fits well.

    ``topicless``: the best direction's score on labelled messages that raise no problem at all
    (background statements, general asks for help). Dev questions almost never miss a topic,
    so they cannot place this cut; below it the model is no surer than it is on those.
    """
    if not topicless:
        return GRID_SHOW[0]
    # to 0.01, down: the models' probabilities move in the third decimal between a fresh build
    # and a cached one, and the file should not
    return float(np.floor(np.percentile(topicless, WEAK_SHARE) * 100) / 100)


def tune_problem(
    cases: Sequence[ProblemCase], start: Thresholds, links: Mapping[str, Sequence[str]]
) -> tuple[float, Thresholds]:
    """Retrieval weight and the second-direction threshold, then the clause thresholds (the
    clause's own confidence and the message's support for its direction), then programs
    (the weak-answer threshold comes from the examples: ``weak_threshold``)."""
    singles = [c for c in cases if not c.several]

    def single(cand: tuple[float, ...]) -> float:
        w, second = cand
        hit, prec, _, _ = problem_score(singles, w, replace(start, second_min=second), links)
        return hit + prec

    weight, second = _best(product(GRID_WEIGHT, GRID_SECOND), single)
    t = replace(start, second_min=second)

    def several(cand: tuple[float, ...]) -> float:
        clause, support = cand
        hit, prec, allshown, _ = problem_score(
            cases, weight, replace(t, clause_min=clause, support_min=support), links
        )
        return hit + prec + allshown

    clause, support = _best(product(GRID_CLAUSE, GRID_SUPPORT), several)
    t = replace(t, clause_min=clause, support_min=support)
    (program,) = _best(
        ((x,) for x in GRID_PROGRAM),
        lambda c: problem_score(cases, weight, replace(t, program_min=c[0]), links)[3],
    )
    return weight, replace(t, program_min=program)


@dataclass(frozen=True)
class ScopeCase:
    """A dev case's clauses as the type model saw them, and whether it should be declined."""

    id: str
    lang: str
    declined: bool  # gold
    decide: Callable[
        [Mapping[str, float], float], bool
    ]  # declined under these thresholds and this content floor?


def tune_declines(cases: Sequence[ScopeCase], lang: str) -> tuple[dict[str, float], float]:
    """The decline thresholds and the content floor that decide a language's dev cases best."""
    mine = [c for c in cases if c.lang == lang]

    def accuracy(cand: tuple[float, ...]) -> float:
        mins = {"out_of_scope": cand[0], "instruction": cand[1]}
        return sum(c.decide(mins, cand[2]) == c.declined for c in mine) / max(len(mine), 1)

    oos, instruction, floor = _best(product(GRID_DECLINE, GRID_DECLINE, GRID_CONTENT), accuracy)
    return {"out_of_scope": oos, "instruction": instruction}, floor


GRID_TOPIC = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9, 1.0)
TOPIC_FALSE_RATE = 0.025  # a general ask or background statement read as a problem: ≤ 1 in 40


def topic_threshold(topicless: Sequence[float]) -> float:
    """For messages that ask nothing in so many words: the direction confidence from which
    they are answered as a problem — the lowest on the grid that at most one in 40 labelled
    messages raising no problem (background, general asks) reach. Dev has too few such
    messages to place it (four, at the last count), and they moved it from 0.8 to "never"."""
    if not topicless:
        return GRID_TOPIC[-1]
    return next(
        (t for t in GRID_TOPIC if float(np.mean([p >= t for p in topicless])) <= TOPIC_FALSE_RATE),
        GRID_TOPIC[-1],
    )
