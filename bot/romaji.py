"""Japanese typed in Latin letters ("atotsugi ga inai"): tell it from English, turn it into kana.

Owners without a Japanese keyboard type romaji. English words are full of consonant
clusters and final consonants that no romaji syllable has, so "does every word split into
Hepburn/kunrei syllables" separates the two without a word list.
"""

from __future__ import annotations

import re

import jaconv

_SYLLABLE = (
    r"(?:[kgsztdnhbpmrfjv]|sh|ch|ts|[kgnhbpmr]y|j|y|w|c)?[aiueo]"  # (consonant) + vowel
    r"|n(?![aiueoy])'?"  # the moraic n
)
_WORD = re.compile(
    rf"^(?:(?:[kstpcg])(?=[kstpcg]))?(?:(?:{_SYLLABLE})(?:(?<=[aiueon])[kstpcg](?=[kstpcg]))?)+$"
)
_TOKEN = re.compile(r"[A-Za-z']+")
MIN_WORDS = 2
MIN_SHARE = 0.85


def is_romaji_word(word: str) -> bool:
    w = word.lower().replace("-", "")
    # a doubled consonant (kk, tt, ss, pp, tch) is a geminate before the next syllable
    w = re.sub(r"([kstpg])\1", r"\1", w).replace("tch", "ch")
    return bool(_WORD.match(w))


def looks_like_romaji(text: str) -> bool:
    """Mostly Latin letters whose words are nearly all valid romaji."""
    if re.search(r"[\u3040-\u30ff\u3400-\u9fff]", text):
        return False
    # acronyms (IT, DX, AI, BCP) are shared by both languages and say nothing
    words = [w for w in _TOKEN.findall(text) if not (w.isupper() and len(w) <= 4)]
    words = [w for w in words if len(w) > 1 or w.lower() in "aiueo"]
    if len(words) < MIN_WORDS:
        return False
    share = sum(is_romaji_word(w) for w in words) / len(words)
    return share >= MIN_SHARE


def to_kana(text: str) -> str:
    """Hiragana for the romaji words; digits, punctuation and other words are kept."""

    def convert(match: re.Match[str]) -> str:
        word = match.group(0)
        if word.isupper() and len(word) <= 4:
            return word
        return jaconv.alphabet2kana(word.lower()) if is_romaji_word(word) else word

    return _TOKEN.sub(convert, text)
