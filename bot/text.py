"""Cleaning what a user typed: control characters, length, language."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class CleanQuery:
    text: str
    notices: list[str] = field(default_factory=list)


def clean_query(raw: str, max_chars: int) -> CleanQuery:
    """Strip control characters and cut very long messages (with a notice, not an error)."""
    text = _CONTROL.sub("", raw.replace("\t", " ").replace("\r", "\n"))
    text = re.sub(r"[ \u3000]{2,}", " ", text).strip()
    notices: list[str] = []
    if len(text) > max_chars:
        notices.append(truncation_notice(max_chars))
        text = text[:max_chars].rstrip()
    return CleanQuery(text, notices)


_TRUNCATED = "質問が長すぎるため"


def truncation_notice(max_chars: int) -> str:
    """The notice on an answer to a message cut to its first ``max_chars`` characters."""
    return (
        f"{_TRUNCATED}、最初の{max_chars:,}文字だけで検索しました。"
        f" / Your message was long; only its first {max_chars:,} characters were used."
    )


def is_truncation_notice(notice: str) -> bool:
    """Whether a notice is :func:`truncation_notice`'s (a caller that also cut the message
    keeps one notice, the one that says what the answer read)."""
    return notice.startswith(_TRUNCATED)


def detect_lang(text: str) -> str:
    """'ja' when the message has any kana/kanji beyond a stray word, else 'en'."""
    ja = len(_JAPANESE.findall(text))
    latin = len(_LATIN.findall(text))
    if ja == 0:
        return "en"
    return "ja" if ja * 3 >= latin or ja >= 4 else "en"


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)
