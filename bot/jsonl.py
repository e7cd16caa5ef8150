"""One JSON line in, one JSON object out: the batch protocol eval and scripts use."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from bot.errors import BotError
from bot.models import Answer, error_json


class Asker(Protocol):
    def ask(self, raw: str) -> Answer: ...


def parse_line(line: str) -> str:
    """The query of one input line; ValueError with a one-line reason when the line is bad."""
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
    return query


def answer_lines(lines: Iterable[str], bot: Asker) -> Iterator[dict[str, Any]]:
    """Exactly one object per input line, in order; a bad line never stops the others."""
    for line in lines:
        line = line.rstrip("\r\n")
        try:
            query = parse_line(line)
        except ValueError as exc:
            yield error_json(str(exc))
            continue
        try:
            yield bot.ask(query).to_json()
        except BotError as exc:
            yield error_json(str(exc), query)
        except Exception as exc:  # one bad question must not take the batch down
            yield error_json(f"internal error: {type(exc).__name__}", query)
