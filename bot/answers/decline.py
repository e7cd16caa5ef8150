"""Answers that decline or ask back: instructions to the bot, questions outside the document,
small talk, markup, and messages with nothing to go on (pure)."""

from __future__ import annotations

from bot.compose import clarify_choices, message_answer
from bot.models import Answer
from bot.wording import wording


def decline_instruction(query: str, lang: str) -> Answer:
    return message_answer(
        query, lang, "instruction", wording(lang).say("decline.injection"), reason="injection"
    )


def decline_markup(query: str, lang: str) -> Answer:
    return message_answer(query, lang, "instruction", wording(lang).say("decline.markup"), reason="markup")


def decline_topic(query: str, lang: str, topic: str) -> Answer:
    """Out of scope; says what the document does not contain when the question is near it."""
    w = wording(lang)
    if topic == "small_talk":
        return message_answer(
            query,
            lang,
            "out_of_scope",
            w.say("decline.small_talk"),
            reason="small_talk",
            clarify=clarify_choices(lang),
        )
    what = w.say(f"decline.topics.{topic}") if topic in w.raw("decline.topics") else ""
    text = w.say("decline.out_of_scope", what=what)
    return message_answer(query, lang, "out_of_scope", text, reason="off_topic")


def ask_back(query: str, lang: str, reason: str = "vague") -> Answer:
    """Nothing to go on ("困っています", "こんにちは"): no answer from the document, but the
    survey's common problems offered as choices."""
    return message_answer(
        query,
        lang,
        "problem",
        wording(lang).say("decline.clarify"),
        in_scope=False,
        clarify=clarify_choices(lang),
        reason=reason,
    )
