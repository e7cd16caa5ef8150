"""What the page reads from the structured document itself (cached, read-only).

The answers carry the document's words; a few things a card needs are not in an Answer: which
part of a company case a quote is (its business, what it did, what came of it) and the
project's English names of companies and wards. Both come from the corpus, loaded once.
Anything not found there (a hand-made answer in a test) simply shows without them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from corpus.translations import without_legal_form


@lru_cache(maxsize=1)
def _corpus() -> Any:
    from corpus.load import load_corpus

    try:
        return load_corpus()
    except Exception:  # the page must still render answers without the corpus' extras
        return None


@lru_cache(maxsize=1)
def case_parts() -> dict[str, str]:
    """Quoted text of a company case → business | what_did | result."""
    corpus = _corpus()
    out: dict[str, str] = {}
    for case in corpus.document.cases if corpus else ():
        out.update({t: "business" for t in case.business})
        out.update({a.text: "what_did" for a in case.actions})
        out.update({t: "result" for t in case.results})
    return out


def gloss_of(text: str) -> str:
    """The project's English translation of a document string; "" when there is none."""
    corpus = _corpus()
    return corpus.gloss(text) if corpus else ""


def name_en(name: str) -> str:
    """A company's or ward's English name (the project's), without the legal form; "" if none."""
    return without_legal_form(gloss_of(name))


def display_name(name: str, lang: str) -> str:
    return (name_en(name) or name) if lang == "en" else name
