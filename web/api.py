"""The public API: ``/ask`` (question, optional history, language → the JSON of ``ask --json``).

The page's own events are private; this is the one endpoint scripts and other services call,
e.g. with gradio_client (README). It applies the same server-side message limit as the page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.errors import BotError
from bot.models import error_json
from web.conversation import MAX_TURNS
from web.engine_slot import EngineSlot, StillStarting
from web.insights import QuestionLog
from web.labels import LANGS
from web.limits import clean_message, with_page_notices

log = logging.getLogger("smenavi.app")


def make_ask(engine: EngineSlot, limit: int, questions: QuestionLog) -> Callable[..., dict[str, Any]]:
    def ask(question: str, history: list[str] | None = None, lang: str | None = None) -> dict[str, Any]:
        """Answer one question as 施策ナビ's JSON (the same object as `python -m bot ask --json`).

        Args:
            question: the owner's message (longer than the server's limit: cut, with a notice)
            history: earlier messages of the same conversation, oldest first (for follow-ups)
            lang: "ja" or "en" to force the answer's language; empty: the question's language
        """
        message = clean_message(question, limit, lang or "ja")
        earlier = [clean_message(h, limit).text for h in (history or [])][-MAX_TURNS:]
        try:
            answer = engine.ask(message.text, earlier, lang if lang in LANGS else None)
        except StillStarting as exc:
            return error_json(
                "failed to start" if exc.failed else "still starting; try again in a minute", message.text
            )
        except BotError as exc:
            return error_json(str(exc), message.text)
        except Exception:
            log.exception("answering an API question failed")
            return error_json("internal error", message.text)
        answer.notices = with_page_notices(message, answer.notices)
        questions.record(answer)
        return answer.to_json()

    return ask
