"""One person's conversation with the bot: turns, history for follow-ups, chat messages.

Each browser session holds its own Conversation (in gr.State), so two people never see or
influence each other's history. Failures become a polite message in the chat; the traceback goes
to the server log only, without the question.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.errors import BotError, EmptyQuestion
from bot.models import Answer
from bot.text import detect_lang
from web.engine_slot import Asker, StillStarting
from web.labels import load_ui
from web.limits import clean_message, with_page_notices
from web.render import render_answer, render_message, render_user

log = logging.getLogger("smenavi.app")
_LETTER = re.compile(r"[^\W\d_]")
# tags, links and entities carry letters but no language: "<b></b>" is not English
_MARKUP = re.compile(r"<[^>]*>|https?://\S+|&[a-z]+;", re.I)
MAX_TURNS = 100  # a runaway session must not grow server memory without bound


@dataclass
class Turn:
    question: str
    html: str
    answer: Answer | None = None  # None when no answer could be made
    turn_id: str = field(default_factory=lambda: secrets.token_hex(8))


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)

    def answers(self) -> list[Answer]:
        return [t.answer for t in self.turns if t.answer is not None]

    def turn_for_message(self, index: int | Sequence[int]) -> Turn | None:
        """The turn of the chat message at ``index`` (each turn is a user and a bot message)."""
        i = index[0] if isinstance(index, Sequence) else index
        if not isinstance(i, int) or i < 0 or i // 2 >= len(self.turns):
            return None
        return self.turns[i // 2]

    def messages(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for t in self.turns:
            out.append({"role": "user", "content": render_user(t.question)})
            bot: dict[str, Any] = {"role": "assistant", "content": t.html}
            if t.answer is not None and t.answer.clarify:
                # choice buttons under the message; clicking one sends it as the next question
                bot["options"] = [{"value": c, "label": c} for c in t.answer.clarify]
            out.append(bot)
        return out


def has_words(text: str) -> bool:
    return bool(_LETTER.search(_MARKUP.sub(" ", text)))


def message_lang(text: str, fallback: str) -> str:
    """The language to speak about a message in: its own, or the page's when it has no words."""
    return detect_lang(text) if has_words(text) else fallback


def take_turn(
    bot: Asker,
    conv: Conversation,
    raw: str,
    ui_lang: str = "ja",
    limit: int = 10_000,
) -> Turn:
    """Ask, render and append one turn; never raises. Only the capped text is kept or echoed."""
    message = clean_message(raw, limit, ui_lang)
    text = message.text
    lang = message_lang(text, ui_lang)
    ui = load_ui().for_lang(lang)
    try:
        # a message with no letters (markup, symbols) is answered in the page's language
        answer = bot.ask(text, conv.answers(), None if has_words(text) else lang)
        answer.notices = with_page_notices(message, answer.notices)
        explained = any('class="sn-explain"' in t.html for t in conv.turns)  # once per conversation
        turn = Turn(text, render_answer(answer, explain=not explained), answer)
    except EmptyQuestion:
        turn = Turn(text, render_message(ui.error_empty, "error"))
    except StillStarting as exc:
        turn = Turn(text, render_message(ui.start_failed if exc.failed else ui.still_starting, "info"))
    except BotError as exc:  # its message is written to be shown as is
        turn = Turn(text, render_message(str(exc), "error"))
    except Exception:
        log.exception("answering failed")
        turn = Turn(text, render_message(ui.error_generic, "error"))
    conv.turns.append(turn)
    del conv.turns[:-MAX_TURNS]
    return turn
