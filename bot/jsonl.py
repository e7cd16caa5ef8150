"""One JSON line in, one JSON line out: the batch protocol eval and scripts use.

The contract, whatever the input:
- every input line (bytes up to ``\\n``; a final line without one counts) gets exactly one
  output line, in order, and a bad line never stops the others;
- every output line is valid UTF-8 JSON on one line: an answer object, or
  ``{"error": "one line", "query": …}`` (``query`` when the line had a usable one);
- memory stays bounded: each string of a line is kept only up to what the engine can use
  (``max_query_chars``), so a 5 MB line costs no more than a short one; a query cut this
  way is answered with the engine's "message was long" notice;
- an input line is ``{"query": "…", "history": ["earlier message", …]}``; ``history``
  (optional, oldest first, at most ``MAX_HISTORY`` strings) is replayed by the engine.

Bytes become bounded lines in bot.jsonl_read, lines become requests in bot.jsonl_request;
this module answers each one and picks the exit code.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, BinaryIO, Protocol

from bot.errors import BotError, EmptyQuestion
from bot.jsonl_read import READ_CHUNK, Limits, RawLine, read_lines
from bot.jsonl_request import BadLine, one_line, parse_request
from bot.models import Answer, error_json
from bot.text import truncation_notice
from corpus.errors import CorpusError
from index.errors import EmbeddingModelError, IndexStoreError

# Exit codes of `ask --jsonl` (also in README.md and --help).
EXIT_OK = 0  # every line answered (a declined or off-topic question is an answer)
EXIT_FAILED = 1  # some line could not be answered: the engine or the store failed
EXIT_BAD_INPUT = 2  # some lines were bad input (not JSON, no query, …); all others answered


class Asker(Protocol):
    def ask(self, raw: str, history: Sequence[Answer | str] = ()) -> Answer: ...


class Status(Enum):
    ANSWERED = "answered"
    BAD_INPUT = "bad_input"
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    line: bytes  # one line of UTF-8 JSON, with its "\n"
    status: Status


_ENGINE_ERRORS = (BotError, CorpusError, EmbeddingModelError, IndexStoreError)
# json.dumps escapes "\n" and the other C0 controls, but not these; str.splitlines() and some
# JSON-lines readers split on them, so they are escaped too (valid JSON inside a string).
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def encode_line(obj: dict[str, Any]) -> bytes:
    """One line of valid UTF-8 JSON; ValueError/TypeError when ``obj`` is not plain JSON."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False).translate(_LINE_BREAKS)
    # A lone surrogate can only sit inside a string, where "?" keeps the JSON valid.
    return text.encode("utf-8", "replace") + b"\n"


def answer_one(raw: RawLine, bot: Asker, limits: Limits, number: int = 0) -> Outcome:
    """The outcome of one line; never raises (but for KeyboardInterrupt and the like)."""
    try:
        request = parse_request(raw, limits)
    except BadLine as exc:
        return Outcome(encode_line(error_json(str(exc), exc.query)), Status.BAD_INPUT)
    try:
        obj = bot.ask(request.query, request.history).to_json()
        if request.cut:
            _add_truncation_notice(obj, limits.max_query_chars)
        return Outcome(encode_line(obj), Status.ANSWERED)
    except EmptyQuestion as exc:  # e.g. only control characters: the input's fault
        return Outcome(encode_line(error_json(str(exc), request.query)), Status.BAD_INPUT)
    except _ENGINE_ERRORS as exc:
        return Outcome(encode_line(error_json(one_line(str(exc)), request.query)), Status.FAILED)
    except Exception as exc:  # one bad question must not take the batch down
        print(f"[施策ナビ] line {number}: internal error ({type(exc).__name__})", file=sys.stderr)
        message = f"internal error ({type(exc).__name__}); please report it"
        return Outcome(encode_line(error_json(message, request.query)), Status.FAILED)


def _add_truncation_notice(obj: dict[str, Any], max_chars: int) -> None:
    notice = truncation_notice(max_chars)
    notices = obj.setdefault("notices", [])
    if isinstance(notices, list) and notice not in notices:
        notices.insert(0, notice)


def answer_lines(
    stream: BinaryIO, bot: Asker, max_query_chars: int = 2000, chunk_size: int = READ_CHUNK
) -> Iterator[Outcome]:
    """Exactly one outcome per input line, in order."""
    limits = Limits(max_query_chars)
    for number, raw in enumerate(read_lines(stream, limits, chunk_size), start=1):
        yield answer_one(raw, bot, limits, number)


def exit_code(statuses: set[Status]) -> int:
    if Status.FAILED in statuses:
        return EXIT_FAILED
    return EXIT_BAD_INPUT if Status.BAD_INPUT in statuses else EXIT_OK


def run(stdin: BinaryIO, stdout: BinaryIO, bot: Asker, max_query_chars: int = 2000) -> int:
    """Answer every line of ``stdin`` onto ``stdout`` (flushed per line); the exit code."""
    seen: set[Status] = set()
    for outcome in answer_lines(stdin, bot, max_query_chars):
        stdout.write(outcome.line)
        stdout.flush()  # a script reading answer by answer should not wait for the batch
        seen.add(outcome.status)
    return exit_code(seen)
