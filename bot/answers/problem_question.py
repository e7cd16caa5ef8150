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
    spoken = [c for c in reading.clauses if c.label not in ("out_of_scope", "instruction")]
    if len(spoken) < 2:
        return []
    out = []
    for c in spoken:
        title, p = models.directions.ranked(c.vector, c.tokens)[0]
        own = c.types.get("problem", 0.0)
        share = own / max(own + c.types.get("context", 0.0) + c.types.get("filler", 0.0), 1e-9)
        out.append((title, p * share))
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
