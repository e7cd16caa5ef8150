"""Reading `ask --jsonl` input: bytes into lines of bounded size, never a whole line in memory.

Each string of a line is kept only up to what the engine can use (``Limits.string_bytes``),
so a 5 MB line costs no more than a short one; the JSON structure around the strings is kept
so that the cut line still parses (bot.jsonl_request).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

MAX_DEPTH = 32  # a request is 2 deep; json.loads recurses, so deeper nesting is refused before it
MAX_HISTORY = 20
READ_CHUNK = 64 * 1024
BOM = codecs.BOM_UTF8


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
