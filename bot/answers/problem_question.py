"""Reading an owner's problem: what the decisions about the answer read (pure, given the
models and a retrieval callback)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.answers.entities import Entity, named
from bot.classify import Classifiers, Reading
from bot.present import ProblemEvidence


def clause_tops(models: Classifiers, reading: Reading) -> list[tuple[str, float]]:
    """Each clause may raise a problem of its own: its best direction, weighted by how much the
    clause is a problem rather than background or a general ask for help (2+ clauses only)."""
    if len(reading.clauses) < 2:
        return []
    out = []
    for c in reading.clauses:
        title, p = models.directions.ranked(c.vector, c.tokens)[0]
        own = c.types.get("problem", 0.0)
        # a clause read as off topic or as an instruction still raises a problem when the
        # problem reading holds its own against that one (「納品後に報酬を値切られる」)
        against = sum(c.types.get(k, 0.0) for k in ("context", "filler")) + (
            c.types.get(c.label, 0.0) if c.label in ("out_of_scope", "instruction") else 0.0
        )
        out.append((title, p * own / max(own + against, 1e-9)))
    return out


def read_problem(
    models: Classifiers,
    known: tuple[Entity, ...],
    text: str,
    reading: Reading,
    retrieval: Callable[[], Mapping[str, float]] | None,
) -> ProblemEvidence:
    """``retrieval``: each direction's share of the retrieved passages, asked for only when its
    calibrated weight is above 0 (None otherwise: no query is made)."""
    problems = [c for c in reading.content() if c.label == "problem"]
    confidence: dict[str, float] = {}
    for v, words in [(reading.vector, reading.tokens), *((c.vector, c.tokens) for c in problems)]:
        for name, p in models.programs.of(v, words).items():
            confidence[name] = max(confidence.get(name, 0.0), p)
    return ProblemEvidence(
        probs=tuple(models.directions.ranked(reading.vector, reading.tokens)),
        shares=retrieval() if retrieval is not None else {},
        clause_tops=tuple(clause_tops(models, reading)),
        program_confidence=confidence,
        named_programs=tuple(e.name for e in named(text, known) if e.kind == "program"),
    )
