"""The verbatim source text and whitespace-insensitive search in it.

The text comes from a PDF, so a phrase of the document is often broken by line breaks
and blank lines; every lookup therefore ignores whitespace but reports offsets into the
original text, which is what citations point at.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True, order=True)
class Span:
    """Half-open character offsets ``[start, end)`` into the source text."""

    start: int
    end: int

    def as_list(self) -> list[int]:
        return [self.start, self.end]


def compact(text: str) -> str:
    """The text without any whitespace: the form in which quotes are compared."""
    return "".join(ch for ch in text if not ch.isspace())


def fold(text: str) -> str:
    """NFKC plus whitespace removal and lower case, for aliases and user text."""
    return compact(unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True)
class SourceText:
    path: Path
    text: str

    @classmethod
    def read(cls, path: Path) -> SourceText:
        return cls(path=path, text=path.read_text(encoding="utf-8"))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @cached_property
    def _index(self) -> tuple[str, list[int]]:
        chars: list[str] = []
        offsets: list[int] = []
        for i, ch in enumerate(self.text):
            if not ch.isspace():
                chars.append(ch)
                offsets.append(i)
        return "".join(chars), offsets

    def offset_to_compact(self, offset: int) -> int:
        """Index into the compact text of the first non-space char at or after ``offset``."""
        from bisect import bisect_left

        return bisect_left(self._index[1], offset)

    def locate(self, quote: str, start: int = 0, end: int | None = None, occurrence: int = 1) -> Span | None:
        """Where ``quote`` occurs (ignoring whitespace) within ``[start, end)``, or None."""
        needle = compact(quote)
        if not needle:
            return None
        hay, offsets = self._index
        lo = self.offset_to_compact(start)
        hi = len(hay) if end is None else self.offset_to_compact(end)
        pos = lo - 1
        for _ in range(occurrence):
            pos = hay.find(needle, pos + 1, hi)
            if pos < 0:
                return None
        return Span(offsets[pos], offsets[pos + len(needle) - 1] + 1)

    def count(self, quote: str) -> int:
        needle = compact(quote)
        return self._index[0].count(needle) if needle else 0

    def contains_folded(self, quote: str) -> bool:
        """True when ``quote`` occurs after NFKC folding (for aliases such as 'APT Women')."""
        return fold(quote) in self._folded

    @cached_property
    def _folded(self) -> str:
        return fold(self.text)

    def slice(self, span: Span) -> str:
        return self.text[span.start : span.end]
