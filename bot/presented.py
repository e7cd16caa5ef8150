"""Which parts of an Answer the bot presents as its matches (pure).

The chat cards, the consultation sheet and the feedback log must agree on this, so it lives
in one place.
"""

from __future__ import annotations

from bot.models import Answer, DirectionMatch, ProgramMatch


def presented_directions(answer: Answer) -> list[DirectionMatch]:
    return list(answer.directions[: answer.primary])


def other_directions(answer: Answer) -> list[DirectionMatch]:
    return list(answer.directions[answer.primary :])


def presented_programs(answer: Answer) -> list[ProgramMatch]:
    return list(answer.programs[: answer.primary_programs])
