"""What a message means in its conversation (pure): a follow-up on the answer before, or a
question of its own.

An earlier answer that showed something (directions, programs, a survey table, a company)
gives a message naming nothing of its own something to refer to: a general ask for help
follows up on it, and a case question naming no company asks about the shown direction's
companies. With nothing shown before, a general ask naming a clear topic is a problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.answers.followup import points_back, shown_directions
from bot.models import Answer

# the survey named outright: after a company's answer, "is that common in the survey?" is a
# survey question; "how much did they raise?" asks about the company
_SURVEY = re.compile(r"調査|アンケート|ランキング|回答|\bsurvey|\bpoll|respond", re.I)
# which of the items shown: 「その中で〜はどれ？」 "which of those …?"
_WHICH = re.compile(r"どれ(?!くらい|ぐらい|だけ|ほど)|どっち|どの方向|\bwhich\b", re.I)


@dataclass(frozen=True)
class InContext:
    kind: str  # the message's kind, once its conversation is taken into account
    intent: str | None  # the follow-up intent, where already known
    shown: list[str]  # the directions the answer before presented (problem or structure)


def in_context(
    kind: str,
    previous: Answer | None,
    intent: Callable[[], str],
    names_a_case: Callable[[], bool],
    topic: Callable[[], float],
    topic_min: float,
    weak_decline: bool = False,
    show_min: float = 0.0,
    names_one: Callable[[], bool] = lambda: False,
    text: str = "",
) -> InContext:
    """``intent``, ``names_a_case`` and ``topic`` read the message (the follow-up intent
    model; whether it names or describes a company; the direction model's confidence); each
    is called only when the decision needs it. ``weak_decline``: the message was read as out
    of scope, but only a little more likely than not; ``show_min``: below it, no direction
    fits a problem well; ``names_one``: whether the message names a company or program;
    ``text``: the message, whose pointing back at the answer before (「その中で」, "they")
    keeps it on that answer's kind."""
    shown = shown_directions(previous) if previous and previous.type in ("problem", "structure") else []
    if previous is not None and (kind == "filler" or (kind == "out_of_scope" and weak_decline)):
        # 「何か使える支援ある？」, or 「万一やられたときの備えは？」 after an answer on a break-in:
        # about what it showed
        return InContext("followup", intent(), shown)
    before = previous.type if previous is not None and points_back(text) else None
    if before == "case" and kind == "survey" and not _SURVEY.search(text):
        return InContext("case", None, shown)  # "how many media outlets picked them up?": the company's
    if before == "structure" and kind == "problem" and _WHICH.search(text):
        return InContext("structure", None, shown)  # 「その中で、店を開くのを応援するのはどれ？」
    followable = previous is not None and (previous.type == "case" or bool(shown))
    if kind == "problem" and followable and topic() < show_min:
        # 「ペンのイベントもやってるらしいけど、名前なんだっけ？」 after a company's answer, or
        # 「都のプログラムで合いそうなのある？」 after a problem's: no direction fits it as a
        # problem of its own, so it asks more about what was shown
        return InContext("followup", None, shown)
    if kind == "case" and shown and not names_a_case():
        return InContext("followup", "cases", shown)  # "did anyone actually use that?"
    if kind in ("problem", "filler") and topic() < show_min and names_one():
        # "Tell me about mederi": no direction fits it as a problem, and it names a company
        return InContext("case", None, shown)
    if kind == "filler" and topic() >= topic_min:
        return InContext("problem", None, shown)  # 「ランサムウェア…どうしよ」: a clear topic
    return InContext(kind, None, shown)
