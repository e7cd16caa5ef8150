"""Finding the survey row a question names: by a label's own words, its English gloss, its
everyday words (aids.yaml ``survey_words``), a count the owner gives, or — for owners' own
words ("お金の調達", "staff shortage") — by how far one label stands out in similarity from the
table's other labels, else by the row the nearest labelled survey examples name. Tuned on the
labelled survey examples and the dev questions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from corpus.load import Corpus

# Tokens too common in row labels (or their English glosses) to say which row a question means.
GENERIC = frozenset({"対応", "支援", "強化", "取組", "取り組み", "向ける", "為", "等", "導入", "不足"})
GENERIC_EN = frozenset(
    {"support", "for", "and", "of", "the", "with", "to", "at", "etc", "dealing", "similar"}
)
# A count in the question (「従業員4人」, "30 years in business") and a profile row's range
# a bound beside the count: 「50年超え」 "over 50 years" are past it, 「5人に満たない」 "under 5
# people" short of it
_OVER = r"(?:over|more than|above)\s+"
_UNDER = r"(?:under|fewer than|less than|below)\s+"
_PAST = r"(\+|\s*(?:を?超|以上|より多|over\b|or more\b|plus\b))?"
_SHORT = r"(\s*(?:に満たな|未満|より少な|以下|も?(?:いな|いませ|おら|おりませ|いね)|足らず))?"
_COUNT = re.compile(
    rf"({_OVER}|{_UNDER})?(\d+)[\s-]*(?:人|名|people|persons?|employees|staff|workers){_PAST}{_SHORT}", re.I
)
_AGE_BAND = re.compile(r"\d+\s*[〜~-]\s*(\d+)\s*年(?!度)")
_AGE = re.compile(rf"({_OVER}|{_UNDER})?(\d+)\+?[\s-]*(?:年(?!度)|years?\b){_PAST}{_SHORT}", re.I)
_FOUNDED = re.compile(r"創業|設立|社歴|founded|in business|established|old\b", re.I)
_RANGE = re.compile(r"^(\d+)(?:-(\d+))?(人|年)(未満|以上|以内)?$")
LEXICAL_MIN = 0.5  # share of a label's own words found in the question
STANDOUT_MIN = 0.02  # best label's similarity above the median label's
NEIGHBOURS = 3  # labelled survey examples that vote on a row
NEIGHBOUR_MIN = 0.87  # the nearest example's similarity, for the vote to count at all
RENAMED_MIN = 0.95  # one row under two years' wordings (label vectors' similarity)
VOTE_MIN = 0.6  # the winning row's share of the neighbours' similarity-weighted votes


def _bounded(m: re.Match[str]) -> int:
    """The count, or one past it where the owner says beyond it (「50年超え」 is 51 or more)."""
    n = int(m[2])
    before = (m[1] or "").lower()
    if m[3] or before.startswith(("over", "more", "above")):
        return n + 1
    if m[4] or before.startswith(("under", "fewer", "less", "below")):
        return n - 1
    return n


def _words_asked(text: str, tokens: Callable[[str], list[str]]) -> set[str]:
    """The question's words; the pronoun "it" is not IT ("and the one after it?"), which the
    tokenizer lowercases alike."""
    words = set(tokens(text))
    if not re.search(r"\bIT\b", unicodedata.normalize("NFKC", text)):
        words.discard("it")
    return words


def counted_row(text: str, labels: Sequence[str]) -> str | None:
    """The profile row whose range holds a count the owner gives: 「従業員4人」 → 5人未満,
    「創業30年」 → 21-50年 (an age counts only beside 創業/founded: 「令和5年」 is no age)."""
    folded = unicodedata.normalize("NFKC", text)
    counts = {"人": [_bounded(m) for m in _COUNT.finditer(folded)]}
    # an age counts beside 創業/founded, or as a band of years (「11〜20年の層」)
    counts["年"] = [_bounded(m) for m in _AGE.finditer(folded)] if _FOUNDED.search(folded) else []
    counts["年"] += [int(m[1]) for m in _AGE_BAND.finditer(folded)]
    for label in labels:
        m = _RANGE.match(unicodedata.normalize("NFKC", label))
        if not m:
            continue
        low, high, unit, side = int(m[1]), m[2], m[3], m[4]
        span = (0, low - 1) if side == "未満" else (0, low) if side == "以内" else (low, 10**6)
        if high:
            span = (low, int(high))
        if any(span[0] <= n <= span[1] for n in counts[unit]):
            return label
    return None


def _singular(word: str) -> str:
    """An English word's stem: "websites" and "website", "raising" and "raise", "loans" and
    "loan" as one word (the glosses are plural nouns; owners write every form)."""
    if not word.isascii() or word.endswith("ss"):
        return word
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True)
class RowMatcher:
    labels: dict[str, tuple[str, ...]]  # table id (or "profile") -> its row labels
    vectors: dict[str, np.ndarray]  # row label -> vector of "label (gloss)"
    tokens: Callable[[str], list[str]]
    glosses: dict[str, str] = field(default_factory=dict)  # row label -> the project's English
    everyday: dict[str, tuple[str, ...]] = field(default_factory=dict)  # row label -> owners' words
    # table id -> (vectors of the labelled survey examples naming a row of it, their rows)
    examples: dict[str, tuple[np.ndarray, tuple[str, ...]]] = field(default_factory=dict)

    def _words_of(self, text: str) -> frozenset[str]:
        return frozenset(_singular(w) for w in self.tokens(text)) - GENERIC - GENERIC_EN

    @cached_property
    def _own_words(self) -> dict[str, tuple[frozenset[str], frozenset[str], tuple[frozenset[str], ...]]]:
        """Each label's own words, its gloss's and its everyday phrases' (read once, not per
        question)."""
        labels = {label for group in self.labels.values() for label in group}
        return {
            label: (
                frozenset(self.tokens(label)) - GENERIC,
                self._words_of(self.glosses.get(label, "")),
                tuple(
                    w
                    for p in self.everyday.get(unicodedata.normalize("NFKC", label), ())
                    if (w := self._words_of(p))
                ),
            )
            for label in labels
        }

    def _share(self, words: set[str], label: str, everyday: bool) -> tuple[float, float]:
        """(the largest share of the label's own words, its gloss's, or — with ``everyday`` —
        of one of its everyday phrases found in ``words``; the share of its own words, which
        breaks ties)."""
        own, gloss, phrases = self._own_words[label]
        share = len(words & own) / max(len(own), 1)
        folded = {_singular(w) for w in words}
        best = max(share, len(folded & gloss) / len(gloss) if gloss else 0.0)
        return (1.0 if everyday and any(p <= folded for p in phrases) else best), share

    def ranked(self, table: str, text: str, everyday: bool = True) -> list[tuple[str, float]]:
        """The table's labels with the share of their words the question has, best first."""
        words = _words_asked(text, self.tokens)
        counted = counted_row(text, self.labels.get(table, ())) if table == "profile" else None
        scored = [
            (label, (1.0, 1.0) if label == counted else self._share(words, label, everyday))
            for label in self.labels.get(table, ())
        ]
        scored.sort(key=lambda ls: ls[1], reverse=True)
        return [(label, share) for label, (share, _) in scored]

    def lexical(self, table: str, text: str, everyday: bool = True) -> tuple[str | None, float]:
        """The label sharing most of its words with the question, and that share; without
        ``everyday``, only its own words and its gloss's count."""
        ranked = self.ranked(table, text, everyday)
        return ranked[0] if ranked else (None, 0.0)

    def named_in_full(self, table: str, text: str) -> bool:
        """Whether the question writes out a row's whole label or all of its gloss's words
        ("Website, flyers, what?") — not only some of its words, nor an everyday phrase."""
        folded = unicodedata.normalize("NFKC", text).casefold()
        words = {_singular(w) for w in self.tokens(text)}
        for label in self.labels.get(table, ()):
            gloss = self._own_words[label][1]
            if unicodedata.normalize("NFKC", label).casefold() in folded or (gloss and gloss <= words):
                return True
        return False

    def mentioned(self, table: str, text: str) -> str | None:
        """The one label some of whose words the question has, more than any other's."""
        ranked = self.ranked(table, text)
        if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
            return None
        return ranked[0][0]

    def standout(self, table: str, vector: np.ndarray) -> tuple[str | None, float]:
        """The label closest to the question and how far its similarity stands above the
        median label's."""
        labels = [label for label in self.labels.get(table, ()) if label in self.vectors]
        if not labels:
            return None, 0.0
        sims = np.array([float(self.vectors[label] @ vector) for label in labels])
        best = int(np.argmax(sims))
        return labels[best], float(sims[best] - np.median(sims))

    def renamed(self, label: str, labels: Sequence[str]) -> str | None:
        """The one of ``labels`` that is ``label`` under another year's wording (「人材育成・確保の
        支援」 in 令和４年度 is 「人材育成･確保に向けた取組支援」 in 令和５年度): nearly the same
        vector, nearer than two different rows come (0.93 at most in these tables)."""
        if label not in self.vectors:
            return None
        sims = [(float(self.vectors[x] @ self.vectors[label]), x) for x in labels if x in self.vectors]
        best = max(sims, default=(0.0, None))
        return best[1] if best[0] >= RENAMED_MIN else None

    def voted(self, table: str, vector: np.ndarray) -> str | None:
        """The row the labelled survey examples nearest the question name, when the nearest is
        close and most of the neighbours agree: an owner's own words ("お金の工面", "not knowing
        how") are near an example written in such words, though far from the label."""
        if table not in self.examples:
            return None
        matrix, rows = self.examples[table]
        sims = matrix @ vector
        near = np.argsort(-sims)[:NEIGHBOURS]
        if not len(near) or sims[near[0]] < NEIGHBOUR_MIN:
            return None
        votes: dict[str, float] = {}
        for i in near:
            votes[rows[i]] = votes.get(rows[i], 0.0) + float(sims[i])
        best = max(votes, key=lambda r: votes[r])
        labels = self.labels.get(table, ())
        label = next((r for r in labels if unicodedata.normalize("NFKC", r) == best), None)
        return label if votes[best] >= VOTE_MIN * sum(votes.values()) else None

    def match(
        self, table: str, text: str, vector: np.ndarray, open_ask: bool, words_only: bool = False
    ) -> str | None:
        """The row the question names; ``words_only``: by its words, not by similarity alone
        (a follow-up's 「増えてる？」 is nearest some row, but means the one shown)."""
        labels = self.labels.get(table, ())
        if not labels:
            return None
        named = [label for label, share in self.ranked(table, text) if share >= LEXICAL_MIN]
        if named and not (open_ask and len(named) > 1):
            return named[0]
        if open_ask or words_only:  # "what is the top item?" names no row, nor "banks, advisers or the city?"
            return None
        best, standout = self.standout(table, vector)
        label, share = self.lexical(table, text)
        if share > 0 and label == best:  # words and similarity agree, though neither is sure
            return best
        if standout >= STANDOUT_MIN:
            return best
        return self.voted(table, vector)


def row_labels(corpus: Corpus) -> dict[str, tuple[str, ...]]:
    sv = corpus.document.survey
    out = {t.id: tuple(dict.fromkeys(r.label for y in t.years for r in y.rows)) for t in sv.tables}
    out["profile"] = tuple(dict.fromkeys(r.label for g in sv.profile for r in g.rows))
    return out


def everyday_words(corpus: Corpus) -> dict[str, tuple[str, ...]]:
    """Each survey row's everyday words (aids.yaml ``survey_words``, Japanese and English),
    keyed by the NFKC label: 「知識･ノウハウ不足」 and 「知識・ノウハウ不足」 are one row."""
    return {
        unicodedata.normalize("NFKC", label): (*w.ja, *w.en)
        for rows in corpus.aids.survey_words.values()
        for label, w in rows.items()
    }


def label_text(corpus: Corpus, label: str) -> str:
    gloss = corpus.gloss(label)
    return f"{label} ({gloss})" if gloss else label


def example_rows(
    examples: Sequence[tuple[str, str, str]], vectors: np.ndarray
) -> dict[str, tuple[np.ndarray, tuple[str, ...]]]:
    """``examples``: (table, row, text) of the labelled survey examples naming a row, and
    ``vectors`` their texts' vectors: per table, the matrix and rows ``RowMatcher.voted`` reads,
    the rows NFKC-folded (「知識・ノウハウ不足」 and 「知識･ノウハウ不足」 are one row)."""
    out: dict[str, tuple[np.ndarray, tuple[str, ...]]] = {}
    for table in dict.fromkeys(t for t, _, _ in examples):
        at = [i for i, (t, _, _) in enumerate(examples) if t == table]
        out[table] = (vectors[at], tuple(unicodedata.normalize("NFKC", examples[i][1]) for i in at))
    return out
