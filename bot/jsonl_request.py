"""Parsing one `ask --jsonl` line into a request: the query, its history, and why a line is bad."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.jsonl_read import MAX_HISTORY, Limits, RawLine

HISTORY_TYPE = '"history" must be a list of strings (earlier messages, oldest first)'


@dataclass(frozen=True)
class Request:
    query: str
    history: tuple[str, ...]
    cut: bool  # the query was cut while reading: the answer must carry the notice


class BadLine(ValueError):
    def __init__(self, message: str, query: str | None = None) -> None:
        super().__init__(message)
        self.query = query


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def scrub(text: str) -> str:
    """Replace lone surrogates ("\\ud800" in JSON) with U+FFFD: they cannot be written as UTF-8.

    json.loads joins escaped pairs into one character, so every surrogate left is lone.
    """
    return _SURROGATE.sub("\ufffd", text)


def parse_request(raw: RawLine, limits: Limits) -> Request:
    """The request of one line; BadLine with a one-line reason when the line is bad."""
    if raw.text is None:
        raise BadLine(raw.problem or "unreadable line")
    if not raw.text.strip():
        raise BadLine("empty line")
    try:
        obj = json.loads(raw.text)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not JSON ({exc.msg}, column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4300 digits
        raise BadLine(f"not JSON ({one_line(str(exc)).split(':')[0]})") from None
    if not isinstance(obj, dict) or "query" not in obj:
        raise BadLine('expected an object with a "query" field')
    if not isinstance(obj["query"], str):
        raise BadLine('"query" must be a string')
    query = scrub(obj["query"])
    if not query.strip():
        raise BadLine('"query" is empty', query)
    history = _history(obj.get("history"), query)
    return Request(query, history, raw.cut and len(query) > limits.max_query_chars)


def _history(value: Any, query: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(m, str) for m in value):
        raise BadLine(HISTORY_TYPE, query)
    if len(value) > MAX_HISTORY:
        raise BadLine(f'"history" has {len(value)} messages; at most {MAX_HISTORY} are replayed', query)
    return tuple(scrub(m) for m in value if m.strip())  # a blank earlier message carries nothing


def one_line(text: str) -> str:
    """``text`` on one line: an error line of the protocol must not break the one-line rule."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines) if lines else "error"
