"""Which parts of an Answer the bot presents as its matches (pure).

The chat cards, the consultation sheet and the feedback log must agree on this, so it lives
in one place.
"""

from __future__ import annotations

from bot.compose import load_templates
from bot.models import Answer, DirectionMatch, ProgramMatch


def presented_directions(answer: Answer) -> list[DirectionMatch]:
    return list(answer.directions[: answer.primary])


def other_directions(answer: Answer) -> list[DirectionMatch]:
    return list(answer.directions[answer.primary :])


def presented_programs(answer: Answer) -> list[ProgramMatch]:
    """The programs the composed answer lists as its matches.

    The engine orders presented programs first but does not say how many there are, so
    look for each program's line in the composed text (its template gives the exact prefix).
    """
    t = load_templates().for_lang(answer.lang)
    head, _, tail = t.program_line.partition("{name}")
    after = tail.split("{", 1)[0]
    return [p for p in answer.programs if f"{head}{p.name}{after}" in answer.answer]
