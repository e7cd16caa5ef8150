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
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, BinaryIO, Protocol

from bot.errors import BotError, EmptyQuestion
from bot.models import Answer, error_json
from bot.text import truncation_notice
from corpus.errors import CorpusError
from index.errors import EmbeddingModelError, IndexStoreError

MAX_DEPTH = 32  # a request is 2 deep; json.loads recurses, so deeper nesting is refused before it
MAX_HISTORY = 20
READ_CHUNK = 64 * 1024
BOM = codecs.BOM_UTF8

# Exit codes of `ask --jsonl` (also in README.md and --help).
EXIT_OK = 0  # every line answered (a declined or off-topic question is an answer)
EXIT_FAILED = 1  # some line could not be answered: the engine or the store failed
EXIT_BAD_INPUT = 2  # some lines were bad input (not JSON, no query, …); all others answered

HISTORY_TYPE = '"history" must be a list of strings (earlier messages, oldest first)'


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


@dataclass(frozen=True)
class Limits:
    max_query_chars: int = 2000

    @property
    def string_bytes(self) -> int:
        """Bytes kept of each JSON string: always more than ``max_query_chars`` characters.

        One character takes at most 12 bytes of JSON ("\\ud83d\\ude00"); the margin covers
        a cut that backs off to a character boundary.
        """
        return 12 * (self.max_query_chars + 2)

    @property
    def line_bytes(self) -> int:
        """Bytes kept of a whole line: a query and a full history of cut strings, plus keys."""
        return (MAX_HISTORY + 2) * self.string_bytes + 64 * 1024


@dataclass(frozen=True)
class RawLine:
    text: str | None  # the line with long strings cut; None when it cannot be parsed
    problem: str | None  # why not, in one line
    cut: bool  # some string was cut to Limits.string_bytes


@dataclass(frozen=True)
class Request:
    query: str
    history: tuple[str, ...]
    cut: bool  # the query was cut while reading: the answer must carry the notice


class BadLine(ValueError):
    def __init__(self, message: str, query: str | None = None) -> None:
        super().__init__(message)
        self.query = query


# --- reading: bytes -> bounded lines ---------------------------------------------------------

_IN_STRING_STOP = re.compile(rb'["\\\x00-\x1f]')
# Possessive: a plain "(…)*" keeps a backtracking stack of ~400 bytes per character matched.
_PLAIN_STRING = re.compile(rb'(?:[^"\\\x00-\x1f]++|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*+')
_OUTSIDE_STOP = re.compile(rb'["\[\]{}]')
_ESCAPABLE = frozenset(b'"\\/bfnrtu')
_HEX = frozenset(b"0123456789abcdefABCDEF")


class _LineCutter:
    """Reads one line in chunks and keeps its JSON structure, but only the first
    ``string_bytes`` of each string: a byte-level scanner (strings, escapes, nesting), not a
    parser, so a 5 MB line is read in 64 KiB steps and never held whole. It also checks
    what json.loads would not see of a cut string: UTF-8, escapes, control characters.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.kept = bytearray()
        self.in_string = False
        self.escape = 0  # -1: after a backslash; n > 0: hex digits of \\uXXXX still to come
        self.keep_escape = True
        self.string_len = 0  # bytes of the current string seen so far, kept or not
        self.string_cut = False  # the current string's text is no longer kept
        self.depth = 0
        self.cut = False
        self.too_deep = False
        self.oversize = False
        self.invalid: str | None = None
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.seen = 0
        self.bad_utf8_at: int | None = None

    @property
    def failed(self) -> bool:
        return self.too_deep or self.oversize or self.invalid is not None

    def feed(self, data: bytes) -> None:
        self._check_utf8(data)
        i = 0
        while i < len(data) and not self.failed:
            if self.escape:
                i = self._escape_byte(data, i)
            elif self.in_string:
                i = self._string_run(data, i)
            else:
                i = self._outside_run(data, i)

    def finish(self) -> RawLine:
        if self.bad_utf8_at is None:
            pending = len(self.decoder.getstate()[0])
            try:
                self.decoder.decode(b"", final=True)
            except UnicodeDecodeError:  # the line ends inside a character
                self.bad_utf8_at = self.seen - pending
        problem = self._problem()
        if problem is not None:
            return RawLine(None, problem, self.cut)
        try:
            return RawLine(self.kept.decode("utf-8"), None, self.cut)
        except UnicodeDecodeError:  # cuts keep whole characters; this is a safety net
            return RawLine(None, "not valid UTF-8", self.cut)

    def _problem(self) -> str | None:
        if self.bad_utf8_at is not None:
            return f"not valid UTF-8 (at byte {self.bad_utf8_at} of the line)"
        if self.too_deep:
            return f"nested deeper than {MAX_DEPTH} levels"
        if self.oversize:
            return f"line too large (over {self.limits.line_bytes // 1024} KiB even with long texts cut)"
        if self.invalid is not None:
            return f"not JSON ({self.invalid})"
        return None

    def _check_utf8(self, data: bytes) -> None:
        if self.bad_utf8_at is None:
            pending = len(self.decoder.getstate()[0])
            try:
                self.decoder.decode(data)
            except UnicodeDecodeError as exc:
                self.bad_utf8_at = self.seen - pending + exc.start
        self.seen += len(data)

    def _keep(self, data: bytes) -> None:
        self.kept += data
        if len(self.kept) > self.limits.line_bytes:
            self.oversize = True

    def _outside_run(self, data: bytes, i: int) -> int:
        m = _OUTSIDE_STOP.search(data, i)
        j = m.start() if m else len(data)
        self._keep(data[i : j + 1])
        if j == len(data):
            return j
        mark = data[j]
        if mark == ord('"'):
            self.in_string, self.string_len, self.string_cut = True, 0, False
        elif mark in b"[{":
            self.depth += 1
            self.too_deep = self.depth > MAX_DEPTH
        else:
            self.depth -= 1
        return j + 1

    def _string_run(self, data: bytes, i: int) -> int:
        if self.string_cut:
            # past the cut nothing is kept: skip valid text and escapes at regex speed
            j = _PLAIN_STRING.match(data, i).end()
            if j > i:
                self.cut = True
                self.string_len += j - i
                i = j
        m = _IN_STRING_STOP.search(data, i)
        j = m.start() if m else len(data)
        self._keep_text(data, i, j)
        if j == len(data):
            return j
        mark = data[j]
        if mark == ord('"'):
            self.in_string = False
            self._keep(b'"')
        elif mark == ord("\\"):
            # an escape is kept or dropped whole, so a cut never leaves half of one
            self.escape, self.keep_escape = -1, self.string_len < self.limits.string_bytes
            self._escape_part(b"\\")
        else:
            self.invalid = "control character in a string"
        return j + 1

    def _keep_text(self, data: bytes, i: int, j: int) -> None:
        room = self.limits.string_bytes - self.string_len
        if self.string_cut or i == j:
            pass
        elif j - i <= room:
            self._keep(data[i:j])
        else:
            k = max(room, 0)
            while k > 0 and data[i + k] & 0xC0 == 0x80:  # do not split a UTF-8 character
                k -= 1
            if k == 0 and data[i] & 0xC0 == 0x80:  # the character began in an earlier chunk
                self._drop_partial_character()
            self._keep(data[i : i + k])
            self.string_cut = self.cut = True
        self.string_len += j - i

    def _drop_partial_character(self) -> None:
        """The kept bytes end inside a character whose rest is being dropped: remove its start."""
        for back in range(1, min(4, len(self.kept)) + 1):
            byte = self.kept[-back]
            if byte & 0xC0 != 0x80:  # the character's lead byte
                del self.kept[-back:]
                return

    def _escape_byte(self, data: bytes, i: int) -> int:
        byte = data[i]
        if self.escape == -1:
            if byte not in _ESCAPABLE:
                self.invalid = "invalid escape in a string"
            self.escape = 4 if byte == ord("u") else 0
        else:
            if byte not in _HEX:
                self.invalid = "invalid \\u escape in a string"
            self.escape -= 1
        self._escape_part(data[i : i + 1])
        return i + 1

    def _escape_part(self, part: bytes) -> None:
        if self.keep_escape:
            self._keep(part)
        else:
            self.string_cut = self.cut = True
        self.string_len += len(part)


def read_lines(stream: BinaryIO, limits: Limits, chunk_size: int = READ_CHUNK) -> Iterator[RawLine]:
    """The lines of ``stream``, each cut to bounded size; never more than one chunk in hand."""
    while chunk := stream.readline(chunk_size):
        cutter = _LineCutter(limits)
        first = True
        while True:
            ended = chunk.endswith(b"\n")
            body = chunk[:-1] if ended else chunk
            if ended and body.endswith(b"\r"):
                body = body[:-1]
            if first and body.startswith(BOM):  # Windows editors write one; it is never JSON
                body = body[len(BOM) :]
            elif first and not ended and BOM.startswith(body) and (more := stream.readline(chunk_size)):
                chunk += more  # the chunk ended inside what may be the mark: look at more
                continue
            cutter.feed(body)
            first = False
            if ended:
                break
            chunk = stream.readline(chunk_size)
            if not chunk:  # the last line had no "\n"
                break
        yield cutter.finish()


# --- parsing: a line -> a request ------------------------------------------------------------

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
        raise BadLine(f"not JSON ({_one_line(str(exc)).split(':')[0]})") from None
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


# --- answering and writing -------------------------------------------------------------------

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
        return Outcome(encode_line(error_json(_one_line(str(exc)), request.query)), Status.FAILED)
    except Exception as exc:  # one bad question must not take the batch down
        print(f"[施策ナビ] line {number}: internal error ({type(exc).__name__})", file=sys.stderr)
        message = f"internal error ({type(exc).__name__}); please report it"
        return Outcome(encode_line(error_json(message, request.query)), Status.FAILED)


def _add_truncation_notice(obj: dict[str, Any], max_chars: int) -> None:
    notice = truncation_notice(max_chars)
    notices = obj.setdefault("notices", [])
    if isinstance(notices, list) and notice not in notices:
        notices.insert(0, notice)


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines) if lines else "error"


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
