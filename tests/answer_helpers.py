"""Shared by the answer tests: the corpus, a draft and the checks every answer must pass."""

from __future__ import annotations

import unicodedata

from bot.compose import Draft
from bot.lookup import build_passages
from bot.models import Answer
from corpus.chunks import build_chunks
from corpus.load import load_corpus

CORPUS = load_corpus()
PASSAGES = build_passages(CORPUS, build_chunks(CORPUS))
DOC = CORPUS.document


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def draft(lang: str = "ja") -> Draft:
    return Draft(lang, CORPUS, PASSAGES)


def first_sentence(answer: Answer) -> str:
    return answer.lead.split("。")[0]


def cites_are_verbatim(answer: Answer) -> None:
    source = "".join(CORPUS.source.text.split())
    for c in answer.citations:
        assert "".join(c.text.split()) in source
        assert "".join(CORPUS.source.text[c.span[0] : c.span[1]].split()) == "".join(c.text.split())
    referenced = {i for s in answer.sections for item in s.items for i in item.cite}
    assert referenced == set(range(1, len(answer.citations) + 1))
