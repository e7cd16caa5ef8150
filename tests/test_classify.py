"""bot/classify.py: a message's kind from its clauses' kinds (no model: scripted type readings)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.classify import read_kinds
from bot.training import TYPES
from bot.understand import read_message

DECLINE_MIN = {"out_of_scope": 0.2, "instruction": 0.45}


class Scripted:
    """Type probabilities per clause, in the order the clauses are read."""

    def __init__(self, *readings: dict[str, float]) -> None:
        self.readings = list(readings)

    def of(self, vector: np.ndarray, tokens: Sequence[str]) -> dict[str, float]:
        return {k: 0.0 for k in TYPES} | self.readings.pop(0)


def _read(text: str, types: Scripted, topic: float):
    message = read_message(text, 2000, "ja", lambda s: s)
    n = max(len(message.clauses), 1)
    vectors = np.eye(n, 4, dtype=np.float32)
    return read_kinds(
        message, vectors[0], vectors, lambda t: [t], types, DECLINE_MIN, 0.0, lambda v, t: topic, 0.8
    )


def test_a_clear_topic_only_weakly_out_of_scope_is_a_problem() -> None:
    weak = {"out_of_scope": 0.4, "problem": 0.37, "context": 0.18, "filler": 0.05}
    assert _read("コロナで入れた在宅勤務、みんな出社に戻った", Scripted(weak), topic=0.93).kind == "problem"
    assert _read("コロナで入れた在宅勤務、みんな出社に戻った", Scripted(dict(weak)), topic=0.5).kind == (
        "out_of_scope"
    )
    sure = {"out_of_scope": 0.7, "problem": 0.2, "context": 0.05, "filler": 0.05}
    assert _read("在宅勤務の残業代の計算方法は？", Scripted(sure), topic=0.93).kind == "out_of_scope"


def test_with_no_answer_before_nothing_is_a_follow_up() -> None:
    reads = {"followup": 0.36, "out_of_scope": 0.25, "instruction": 0.16, "filler": 0.13, "problem": 0.1}
    alone = read_kinds(
        read_message("大阪府の補助金で使えるのある？", 2000, "ja", lambda s: s),
        np.ones(4, dtype=np.float32),
        np.ones((1, 4), dtype=np.float32),
        lambda t: [t],
        Scripted(dict(reads)),
        DECLINE_MIN,
        after_answer=False,
    )
    assert alone.kind == "out_of_scope" and "followup" not in alone.clauses[0].types
    later = _read("大阪府の補助金で使えるのある？", Scripted(dict(reads)), topic=0.3)
    assert later.kind == "followup"


def test_beside_a_general_ask_a_weakly_off_topic_clause_is_part_of_the_asking() -> None:
    ask = {"filler": 0.5, "problem": 0.4, "context": 0.1}
    aside = {"out_of_scope": 0.27, "filler": 0.25, "context": 0.2, "problem": 0.18, "survey": 0.1}
    got = _read("人が足りなくて困ってる。これってうちだけ？", Scripted(ask, aside), topic=0.4)
    assert got.kind == "filler"  # asked back with choices, not declined as small talk
    sure = {"out_of_scope": 0.7, "filler": 0.1, "context": 0.1, "problem": 0.1}
    got = _read("困ってる。税金の申告期限はいつ？", Scripted(dict(ask), sure), topic=0.4)
    assert got.kind == "out_of_scope"


def test_a_question_closing_a_story_is_what_the_message_asks() -> None:
    told = {"problem": 0.6, "filler": 0.3, "context": 0.1}
    asked = {"survey": 0.6, "problem": 0.3, "context": 0.1}
    text = "手を動かせる人がいなくて何も進まない。人手も足りない。同じ理由で止まってる会社って多い？"
    # two clauses of problem outweigh the question by mass, yet the owner asks the survey
    assert _read(text, Scripted(told, dict(told), asked), topic=0.3).kind == "survey"
    unsure = {"survey": 0.45, "problem": 0.4, "context": 0.15}
    assert _read(text, Scripted(dict(told), dict(told), unsure), topic=0.3).kind == "problem"
    # a question first, the story after it: by mass
    first = "同じ理由で止まってる会社って多い？手を動かせる人がいない。人手も足りない"
    assert _read(first, Scripted(dict(asked), dict(told), dict(told)), topic=0.3).kind == "problem"


def test_a_situation_told_then_a_general_ask_is_a_problem() -> None:
    told = {"context": 0.6, "problem": 0.3, "filler": 0.1}
    ask = {"filler": 0.9, "problem": 0.1}
    text = "来年、台湾に販売の拠点を置く計画です。何から準備すれば？"
    got = _read(text, Scripted(told, ask), topic=0.3)
    assert got.kind == "problem" and [c.label for c in got.clauses] == ["problem", "filler"]
    # a general ask alone, or background alone, is still asked back
    assert _read("何から準備すれば？", Scripted(dict(ask)), topic=0.3).kind == "filler"
    assert _read("うちは佃煮の製造で社員20人です", Scripted(dict(told)), topic=0.3).kind == "filler"
