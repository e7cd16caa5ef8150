"""One JSON line in, one JSON object out: the batch protocol eval and scripts use."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from bot.errors import BotError
from bot.models import Answer, error_json


class Asker(Protocol):
    def ask(self, raw: str, history: Sequence[Answer | str] = ()) -> Answer: ...


MAX_HISTORY = 20


def parse_line(line: str) -> tuple[str, list[str]]:
    """The query and history of one input line; ValueError with a one-line reason when bad."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict) or "query" not in obj:
        raise ValueError('expected an object with a "query" field')
    query = obj["query"]
    if not isinstance(query, str):
        raise ValueError('"query" must be a string')
    if not query.strip():
        raise ValueError('"query" is empty')
    history = obj.get("history", [])
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise ValueError('"history" must be a list of strings (earlier messages, oldest first)')
    if len(history) > MAX_HISTORY:
        raise ValueError(f'"history" holds more than {MAX_HISTORY} messages')
    return query, history


def answer_lines(lines: Iterable[str], bot: Asker) -> Iterator[dict[str, Any]]:
    """Exactly one object per input line, in order; a bad line never stops the others."""
    for line in lines:
        line = line.rstrip("\r\n")
        try:
            query, history = parse_line(line)
        except ValueError as exc:
            yield error_json(str(exc))
            continue
        try:
            yield bot.ask(query, history).to_json()
        except BotError as exc:
            yield error_json(str(exc), query)
        except Exception as exc:  # one bad question must not take the batch down
            yield error_json(f"internal error: {type(exc).__name__}", query)
