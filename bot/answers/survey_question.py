"""Reading a survey question: table and kind of ask from the models, row and years from the text.

A row is the one whose label shares the question's words, or — for owners' own words
("お金の調達", "staff shortage") — whose label (with its English gloss) stands out in
similarity from the table's other labels. Tuned on the labelled survey examples.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from bot.answers.survey import SurveyQuestion, asked_rank, asked_years, context_facts
from bot.models import SurveyFact
from corpus.load import Corpus

# Tokens too common in row labels (or their English glosses) to say which row a question means.
GENERIC = frozenset({"対応", "支援", "強化", "取組", "取り組み", "向ける", "為", "等", "導入", "不足"})
GENERIC_EN = frozenset(
    {"support", "for", "and", "of", "the", "with", "to", "at", "etc", "dealing", "similar"}
)
LEXICAL_MIN = 0.5  # share of a label's own words found in the question
STANDOUT_MIN = 0.02  # best label's similarity above the median label's


def _singular(word: str) -> str:
    """ "websites" and "website" as one word (the English glosses are plural nouns)."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@dataclass(frozen=True)
class RowMatcher:
    labels: dict[str, tuple[str, ...]]  # table id (or "profile") -> its row labels
    vectors: dict[str, np.ndarray]  # row label -> vector of "label (gloss)"
    tokens: Callable[[str], list[str]]
    glosses: dict[str, str] = field(default_factory=dict)  # row label -> the project's English

    @cached_property
    def _own_words(self) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        """Each label's own words and its gloss's (read once, not per question)."""
        labels = {label for group in self.labels.values() for label in group}
        return {
            label: (
                frozenset(self.tokens(label)) - GENERIC,
                frozenset(_singular(w) for w in self.tokens(self.glosses.get(label, ""))) - GENERIC_EN,
            )
            for label in labels
        }

    def _share(self, words: set[str], label: str) -> float:
        """The larger share of the label's own words, or of its gloss's, found in ``words``."""
        own, gloss = self._own_words[label]
        share = len(words & own) / max(len(own), 1)
        if gloss:
            share = max(share, len({_singular(w) for w in words} & gloss) / len(gloss))
        return share

    def lexical(self, table: str, text: str) -> tuple[str | None, float]:
        """The label sharing most of its own words with the question, and that share."""
        labels = self.labels.get(table, ())
        if not labels:
            return None, 0.0
        words = set(self.tokens(text))
        shares = [self._share(words, label) for label in labels]
        best = int(np.argmax(shares))
        return labels[best], shares[best]

    def standout(self, table: str, vector: np.ndarray) -> tuple[str | None, float]:
        """The label closest to the question and how far its similarity stands above the
        median label's."""
        labels = [label for label in self.labels.get(table, ()) if label in self.vectors]
        if not labels:
            return None, 0.0
        sims = np.array([float(self.vectors[label] @ vector) for label in labels])
        best = int(np.argmax(sims))
        return labels[best], float(sims[best] - np.median(sims))

    def match(self, table: str, text: str, vector: np.ndarray, open_ask: bool) -> str | None:
        labels = self.labels.get(table, ())
        if not labels:
            return None
        label, share = self.lexical(table, text)
        if share >= LEXICAL_MIN:
            return label
        if open_ask:  # "what is the top item?" names no row
            return None
        best, standout = self.standout(table, vector)
        return best if standout >= STANDOUT_MIN else None


def row_labels(corpus: Corpus) -> dict[str, tuple[str, ...]]:
    sv = corpus.document.survey
    out = {t.id: tuple(dict.fromkeys(r.label for y in t.years for r in y.rows)) for t in sv.tables}
    out["profile"] = tuple(dict.fromkeys(r.label for g in sv.profile for r in g.rows))
    return out


def label_text(corpus: Corpus, label: str) -> str:
    gloss = corpus.gloss(label)
    return f"{label} ({gloss})" if gloss else label


def _group_of(corpus: Corpus, row: str | None, text: str, tokens: Callable[[str], list[str]]) -> str | None:
    sv = corpus.document.survey
    if row:
        return next((g.name for g in sv.profile if any(r.label == row for r in g.rows)), None)
    words = set(tokens(text)) | set(tokens(unicodedata.normalize("NFKC", text)))
    for g in sv.profile:
        names = set(tokens(g.name)) | set(tokens(corpus.gloss(g.name)))
        if words & names:
            return g.name
    return None


def read_survey_question(
    corpus: Corpus,
    text: str,
    vector: np.ndarray,
    tables: Sequence[tuple[str, float]],
    asks: Sequence[tuple[str, float]],
    rows: RowMatcher,
) -> SurveyQuestion:
    table, ask = tables[0][0], asks[0][0]
    if rows.lexical(table, text)[1] < LEXICAL_MIN:
        # the owner names a row of another likely table ("営業とか売る力" is an issue, not a profile)
        # with more than half of its words (half of 「東京都」 is the 「都」 of 「都のアンケート」), and
        # the question stands out no less for that row than for any row of the likelier table
        # (「人手が足りない」 is 人手不足 among the obstacles, but more 人材不足 among the issues)
        here = rows.standout(table, vector)[1]
        table = next(
            (
                t
                for t, _ in tables[1:3]
                if rows.lexical(t, text)[1] > LEXICAL_MIN and rows.standout(t, vector)[1] >= here
            ),
            table,
        )
    if table in ("overview",):
        return SurveyQuestion(table, ask, ())
    rank = asked_rank(text)
    if rank is not None and ask in ("top", "list"):
        ask = "rank"  # "what's the no.5 issue?": that position, not the list
    row = rows.match(table, text, vector, open_ask=ask in ("top", "list") or rank is not None)
    if table == "profile":
        return SurveyQuestion(table, ask, (), row, None, _group_of(corpus, row, text, rows.tokens))
    years = tuple(y.year for y in next(t for t in corpus.document.survey.tables if t.id == table).years)
    if ask == "change" and rank is not None and row is None and asked_years(text, False, years) == years[:1]:
        ask = "rank"  # "what was number one the year before?": that year's position, not a change
    asked = asked_years(text, ask == "change", years)
    if row is not None and ask in ("share", "rank") and asked == years[:1] != years:
        # a row's figure asked for the earlier year ("去年と比べてどう？") is shown beside the latest
        return SurveyQuestion(table, "change", years, row, rank)
    return SurveyQuestion(table, ask, asked, row, rank)


def about_shown(corpus: Corpus, question: SurveyQuestion, shown: Sequence[str]) -> SurveyQuestion:
    """A survey question naming no row, asked after an answer, means the shown direction's
    row (「同じ悩みの会社はどれくらい？」): the row the project links to it, as a share."""
    linked = context_facts(corpus, shown) if question.row is None else []
    if not linked:
        return question
    f = linked[0]
    ask = "share" if question.ask in ("top", "list", "count", "period", "purpose") else question.ask
    return replace(question, table=f.table, row=f.label, ask=ask, years=question.years or (f.year,))


def about_shown_row(question: SurveyQuestion, table: str | None, row: str | None) -> SurveyQuestion:
    """A survey follow-up naming no row of its own (「それ、前の年は？」) asks about the row the
    answer before led with, in the same table — when it asks for a figure, not a ranking."""
    if question.row is not None or row is None or question.table != table or question.rank is not None:
        return question  # a position asked ("what was number one the year before?") names no row
    return replace(question, row=row) if question.ask in ("change", "share", "rank") else question


TABLE_SURE = 0.5  # the table model more likely right than not: a question's own table


def tables_meant(
    ranked: Sequence[tuple[str, float]], shown: SurveyFact | None, follows: bool
) -> list[tuple[str, float]]:
    """The tables a survey question may mean, best first: after a survey answer (``shown``,
    its figure), a follow-up means that table, and a survey question of its own (not
    ``follows``: 「一番伸びたのは？」) too, unless the table model is sure of another."""
    if shown is not None and (follows or not ranked or ranked[0][1] < TABLE_SURE):
        return [(shown.table, 1.0)]
    return list(ranked)
