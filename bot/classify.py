"""Step 2 of a question: what was asked — learned from the labelled examples.

Each clause of the message is classified on its own in-context vector, so that a message
can be a problem *and* carry a question the document can't answer (reported as not
covered) or an instruction to the bot (ignored): the message's type is that of its content.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from bot.learn import FitCache, Hybrid, ProgramModels
from bot.training import MultiLabelSet, TrainingSet
from bot.understand import Message

CONTENT = ("problem", "survey", "case", "structure")
REPORT_MIN = 0.5  # a clause beside a problem is reported as not covered when more likely than not
DECLINE = ("out_of_scope", "instruction")
QUESTIONS = ("survey", "case", "structure")
ASKED_LAST_MIN = 0.5  # the closing clause's question type, more likely than not
VectorsOf = Callable[[Sequence[str]], np.ndarray]
TokensOf = Callable[[str], list[str]]


@dataclass(frozen=True)
class Classifiers:
    types: Hybrid
    directions: Hybrid
    programs: ProgramModels
    tables: Hybrid
    asks: Hybrid
    parts: Hybrid
    aspects: Hybrid
    intents: Hybrid
    topics: Hybrid
    about: Hybrid


def fit_classifiers(
    sets: Sequence[TrainingSet],
    programs: MultiLabelSet,
    vectors_of: VectorsOf,
    tokens_of: TokensOf,
    cache: FitCache,
    strength: Mapping[str, float],
    token_weight: Mapping[str, float],
) -> Classifiers:
    """Fit (or read back) every model.

    ``strength``: inverse regularization per model (``<name>`` for the vector model,
    ``<name>_tokens`` for the token model); ``token_weight``: the token model's share.
    """
    fitted = {}
    for s in sets:
        dense = cache.softmax(vectors_of(s.texts), s.labels, strength.get(s.name, 8.0))
        sparse = cache.sparse(
            [tokens_of(t) for t in s.texts], s.labels, strength.get(f"{s.name}_tokens", 8.0)
        )
        fitted[s.name] = Hybrid(dense, sparse, token_weight.get(s.name, 0.0))
    dense = cache.binary(
        vectors_of(programs.texts), programs.targets, programs.labels, strength.get("programs", 8.0)
    )
    token_lists = [tokens_of(t) for t in programs.texts]
    sparse = {
        name: cache.sparse(
            token_lists,
            ["yes" if name in t else "no" for t in programs.targets],
            strength.get("programs_tokens", 8.0),
        )
        for name in programs.labels
    }
    return Classifiers(programs=ProgramModels(dense, sparse, token_weight.get("programs", 0.0)), **fitted)


@dataclass(frozen=True)
class ClauseReading:
    text: str
    vector: np.ndarray
    tokens: tuple[str, ...]
    types: dict[str, float]
    label: str  # its type, after the decline thresholds

    @property
    def barely_declined(self) -> bool:
        """Read as out of scope or an instruction, but only a little more likely than not."""
        return self.label in DECLINE and self.types[self.label] < REPORT_MIN


@dataclass(frozen=True)
class Reading:
    """What the message asks, before anything is retrieved."""

    kind: str  # a content type, followup, filler (nothing to go on), out_of_scope or instruction
    vector: np.ndarray  # the message's content: mean of its content clauses (or the whole)
    tokens: tuple[str, ...]  # the content's words
    clauses: tuple[ClauseReading, ...]
    ignored: tuple[str, ...] = ()  # clauses read as instructions to the bot, not questions
    not_covered: tuple[str, ...] = ()  # clauses the document cannot answer

    def content(self) -> list[ClauseReading]:
        return [c for c in self.clauses if c.label in CONTENT]

    @property
    def barely_off_topic(self) -> bool:
        """Every clause read as out of scope is only a little more so than not."""
        return all(c.barely_declined for c in self.clauses if c.label == "out_of_scope")


def label_of(types: Mapping[str, float], decline_min: Mapping[str, float]) -> str:
    """The most likely type; a decline type only when it clears its own threshold (pure)."""
    ranked = sorted(types.items(), key=lambda kv: -kv[1])
    for label, p in ranked:
        if label in DECLINE and p < decline_min.get(label, 0.0):
            continue
        return label
    return ranked[0][0]


def without(types: Mapping[str, float], label: str) -> dict[str, float]:
    """The type probabilities with one type ruled out, renormalized (pure)."""
    rest = {k: p for k, p in types.items() if k != label}
    total = sum(rest.values()) or 1.0
    return {k: p / total for k, p in rest.items()}


def _normalize(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-12)


def read_kinds(
    message: Message,
    vector: np.ndarray,
    clause_vectors: np.ndarray,
    tokens_of: TokensOf,
    types: Hybrid,
    decline_min: Mapping[str, float],
    content_min: float = 0.0,
    topic: Callable[[np.ndarray, tuple[str, ...]], float] | None = None,
    topic_min: float = 1.0,
    after_answer: bool = True,
) -> Reading:
    """The message's kind from its clauses' kinds.

    A clause of content makes the message answerable — its other clauses are then not
    covered (out of scope) or ignored (instructions). Beside a clause the document can't
    answer, though, a content clause counts only when it is at least ``content_min`` sure of
    itself: "最低賃金はいくら？バイトの時給決めたい" is a labour-law question, not a problem
    with an aside. Background ("context") and general asks for help ("filler") count for
    neither — but a general ask naming a clear topic ("後継者がいなくて困っています": the
    direction model's ``topic`` confidence at least ``topic_min``) is a problem. With no
    answer before it (``after_answer`` false) nothing can be a follow-up: 「大阪府の補助金で
    使えそうなやつある？」 reads like "any programs for that?" but is asked on its own.
    """
    texts = [c.text for c in message.clauses] or [message.search]
    clauses = []
    for text, v in zip(texts, clause_vectors, strict=True):
        toks = tuple(tokens_of(text))
        t = types.of(v, toks) if after_answer else without(types.of(v, toks), "followup")
        label = label_of(t, decline_min)
        # a general ask, or a clause only weakly off topic ("コロナで入れた在宅勤務が…"), with a
        # clear topic is a problem
        weak = label == "filler" or (label == "out_of_scope" and t[label] < REPORT_MIN)
        if weak and topic is not None and topic(v, toks) >= topic_min:
            label = "problem"
        clauses.append(ClauseReading(text, v, toks, t, label))
    clauses, content = _content(clauses, content_min, topic, topic_min)
    every = tuple(t for c in clauses for t in c.tokens)
    if content:
        return _answerable(vector, clauses, content, every)
    labels = [c.label for c in clauses]
    kind = next((k for k in ("instruction", "out_of_scope", "followup") if k in labels), "filler")
    return Reading(kind, vector, every, tuple(clauses))


def _content(
    clauses: list[ClauseReading],
    content_min: float,
    topic: Callable[[np.ndarray, tuple[str, ...]], float] | None,
    topic_min: float,
) -> tuple[list[ClauseReading], list[ClauseReading]]:
    """The clauses (some relabelled) and those of them the message's answer is about."""
    content = [c for c in clauses if c.label in CONTENT]
    if any(c.label in DECLINE for c in clauses):
        content = [c for c in content if max(c.types[k] for k in CONTENT) >= content_min]
    if not content and topic is not None:
        # nothing asked as a problem, yet a clause states one as a fact ("we got hit by a
        # phishing attack"): a clear topic makes it the message's problem
        clauses = [
            replace(c, label="problem")
            if c.label == "context" and topic(c.vector, c.tokens) >= topic_min
            else c
            for c in clauses
        ]
        content = [c for c in clauses if c.label == "problem"]
    labels = {c.label for c in clauses}
    if not content and {"filler", "context"} <= labels:
        # a situation told, then a general ask for help (「台湾に拠点を置く計画です。何から準備
        # すれば？」, "Plan: replace our lathes. Any help with that?"): the ask is about it
        clauses = [replace(c, label="problem") if c.label == "context" else c for c in clauses]
        content = [c for c in clauses if c.label == "problem"]
    if content or any(c.label == "filler" for c in clauses):
        # beside a problem or a general ask for help, a clause only a little more out of scope
        # than not is part of the asking ("Does Tokyo help with that?", 「これってうちだけ？」),
        # not a separate question left unanswered
        clauses = [replace(c, label="filler") if c.barely_declined else c for c in clauses]
    return clauses, content


def _answerable(
    vector: np.ndarray, clauses: list[ClauseReading], content: list[ClauseReading], every: tuple[str, ...]
) -> Reading:
    """A message with content: its kind by the content's type mass, its vector the content's."""
    mass = {k: sum(c.types[k] for c in content) for k in CONTENT}
    kind = max(mass, key=lambda k: mass[k])
    last = content[-1]
    if last is clauses[-1] and last.label in QUESTIONS and last.types[last.label] >= ASKED_LAST_MIN:
        # an owner tells the situation, then asks: 「手を動かせる人がいない。同じ理由で止まってる
        # 会社って多い？」 asks the survey, however many clauses told the problem before it
        kind = last.label
    some = len(content) < len(clauses)
    weights = np.array([len(c.text) for c in content], dtype=np.float32)
    mean = (
        _normalize((np.array([c.vector for c in content]) * weights[:, None]).sum(axis=0)) if some else vector
    )
    return Reading(
        kind,
        mean,
        tuple(t for c in content for t in c.tokens) if some else every,
        tuple(clauses),
        ignored=tuple(c.text for c in clauses if c.label == "instruction"),
        not_covered=tuple(c.text for c in clauses if c.label == "out_of_scope"),
    )
