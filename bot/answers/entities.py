"""Which companies and programs of the document a message names — by name, alias, English or
romaji name, or a near-miss spelling ("日光エボナイト", "メデリ") (pure)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jaconv

from bot.romaji import is_romaji_word
from corpus.load import Corpus

_LEGAL = re.compile(r"株式会社|有限会社|製造所|製作所|\b(inc|co|ltd|mfg|corp)\b\.?|[,.()（）]", re.I)
_WARD = re.compile(r"\(.*?\)|（.*?）")
_KANJI = re.compile(r"[\u4e00-\u9fff]")
BIGRAM_MIN = 0.6  # share of a name's character pairs found in the message
CHAR_MIN = 0.75  # for short names: share of its characters, in order


@dataclass(frozen=True)
class Entity:
    name: str  # the document's name (company or program)
    kind: str  # "company" or "program"
    variants: tuple[str, ...]  # folded spellings to look for
    places: tuple[str, ...] = ()  # its ward: points at it only in a question about the cases


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return jaconv.kata2hira(re.sub(r"\s+", "", text))


def _core(name: str) -> str:
    return _LEGAL.sub(" ", _WARD.sub(" ", name)).strip()


def _company_variants(corpus: Corpus, name: str) -> tuple[str, ...]:
    """The name, its romanization, and the romanization's first word in Latin letters and kana."""
    out = {fold(_core(name))}
    gloss = _core(corpus.gloss(name))
    if gloss:
        out.add(fold(gloss))
        first = gloss.split()[0]
        # a Japanese family or coined name alone identifies the company ("Kawamasa", "mederi");
        # an English word ("Travel") does not
        if len(first) >= 5 and is_romaji_word(first):
            out |= {fold(first), fold(jaconv.alphabet2kana(first.lower()))}
    return tuple(v for v in out if len(v) >= 3 and not v.endswith("っ"))


def _places(corpus: Corpus, ward: str) -> tuple[str, ...]:
    """The ward as written, without 区 when two characters remain, and its romanization."""
    out = {fold(ward)}
    if len(ward) >= 3 and ward.endswith("区"):
        out.add(fold(ward[:-1]))
    first = corpus.gloss(ward).split(" ")[0] if corpus.gloss(ward) else ""
    if len(first) >= 4 and is_romaji_word(first):
        out.add(fold(first))
    return tuple(out)


def entities(corpus: Corpus) -> tuple[Entity, ...]:
    doc = corpus.document
    out = [
        Entity(c.company, "company", _company_variants(corpus, c.company), _places(corpus, c.ward))
        for c in doc.cases
    ]
    # a program's English gloss describes it ("Overseas business partnership project"); only
    # its Japanese name and the document's aliases (TSG, APT Women) identify it
    out += [Entity(p.name, "program", tuple(fold(v) for v in (p.name, *p.aliases))) for p in doc.programs]
    return tuple(out)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


@lru_cache(maxsize=64)
def _own_bigrams(variant: str) -> frozenset[str]:
    return frozenset(_bigrams(variant))


def _near(variant: str, message: str, pairs: set[str]) -> bool:
    """``pairs``: the message's character pairs (computed once per message)."""
    if variant in message:
        return True
    if variant.isascii():  # Latin names are matched exactly: English words share their letters
        return False
    own = _own_bigrams(variant)
    if len(variant) >= 5 and own and len(own & pairs) / len(own) >= BIGRAM_MIN:
        return True
    if 4 <= len(variant) <= 6 and _KANJI.search(variant):
        # a one-character slip in a short kanji name (河正工業): most characters, in order; a
        # kana name's characters (たかやま) are found in order in any long enough sentence
        pos, hits = 0, 0
        for ch in variant:
            found = message.find(ch, pos)
            if found >= 0:
                hits, pos = hits + 1, found + 1
        return hits / len(variant) >= CHAR_MIN and variant[0] in message
    return False


def named(text: str, known: tuple[Entity, ...], places: bool = False) -> list[Entity]:
    """Entities the message names, in the order of the document; with ``places``, also the
    companies whose ward it names (only when the question is already about the cases)."""
    message = fold(text)
    pairs = _bigrams(message)
    found = [e for e in known if any(_near(v, message, pairs) for v in e.variants)]
    if places and not found:
        found = [e for e in known if any(p in message for p in e.places)]
    return found
