"""What the server accepts as one message, from the page or the API (pure).

The page's text box has a length limit, but anything can be sent to the server directly, so
the same limit is enforced here: a longer message is cut (with a notice), and only the cut text
is ever stored, answered or echoed back. Text that cannot be encoded (a lone surrogate sent
through JSON) or NUL bytes would break later turns of the session, so they are replaced here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.text import is_truncation_notice
from web.labels import load_ui

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_NUL = "\x00"


@dataclass(frozen=True)
class Message:
    text: str
    notices: list[str] = field(default_factory=list)


def clean_message(raw: object, limit: int, lang: str = "ja") -> Message:
    """The message as the server keeps it: at most ``limit`` characters, always valid UTF-8."""
    text = raw if isinstance(raw, str) else "" if raw is None else str(raw)
    notices: list[str] = []
    if len(text) > limit:
        text = text[:limit]
        notices.append(load_ui().for_lang(lang).message_truncated.format(limit=f"{limit:,}"))
    text = _SURROGATE.sub("\ufffd", text).replace(_NUL, "")
    return Message(text, notices)


def with_page_notices(page: Message, notices: list[str]) -> list[str]:
    """The page's notices before the answer's; when the engine cut the message shorter still,
    its notice alone says what was read, so the page's cut is not reported twice."""
    if any(is_truncation_notice(n) for n in notices):
        return notices
    return [*page.notices, *notices]
