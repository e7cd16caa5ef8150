"""bot/answers/problem_question.py: how much each clause of a message raises a problem of its
own (the clause weighting is pure; the direction model is replaced by each clause's known
best direction, so only the weighting decides)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.answers.problem_question import clause_tops
from bot.classify import ClauseReading, Reading

V = np.zeros(2, dtype=np.float32)


@dataclass(frozen=True)
class _Directions:
    best: dict[tuple[str, ...], tuple[str, float]]

    def ranked(self, vector: np.ndarray, tokens: tuple[str, ...]) -> list[tuple[str, float]]:
        return [self.best[tokens]]


@dataclass(frozen=True)
class _Models:
    directions: _Directions


def _clause(word: str, label: str, **types: float) -> ClauseReading:
    return ClauseReading(word, V, (word,), types, label)


def _tops(*clauses: ClauseReading) -> list[tuple[str, float]]:
    best = {c.tokens: (c.text.upper(), 0.9) for c in clauses}
    reading = Reading("problem", V, (), clauses)
    return clause_tops(_Models(_Directions(best)), reading)  # type: ignore[arg-type]


def test_a_clause_weighs_its_problem_reading_against_background_and_filler() -> None:
    tops = _tops(
        _clause("a", "problem", problem=0.9, context=0.1), _clause("b", "context", problem=0.1, context=0.9)
    )
    assert [t for t, _ in tops] == ["A", "B"]
    assert abs(tops[0][1] - 0.81) < 1e-6
    assert abs(tops[1][1] - 0.09) < 1e-6


def test_a_clause_read_as_off_topic_counts_as_much_as_its_problem_reading_holds_against_it() -> None:
    # 「報酬を値切られる」 read a little more as a private money matter than as a problem
    near = _clause("b", "out_of_scope", problem=0.4, out_of_scope=0.5)
    far = _clause("c", "instruction", problem=0.05, instruction=0.9)
    tops = dict(_tops(_clause("a", "problem", problem=1.0), near, far))
    assert abs(tops["B"] - 0.9 * 0.4 / 0.9) < 1e-6  # 0.4 of 0.9: it still raises its problem
    assert tops["C"] < 0.05  # an instruction stays an instruction


def test_one_clause_raises_nothing_apart() -> None:
    assert _tops(_clause("a", "problem", problem=1.0)) == []
