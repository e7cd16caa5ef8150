"""Training sets for the bot's decisions, from the labelled examples and the document (pure).

Each decision gets (texts, labels). The document's own direction titles and items are added
to the direction set: they teach the policy vocabulary that owners' examples lack.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.examples import Example, Examples
from bot.understand import split_clauses
from corpus.load import Corpus

# Message types the type model tells apart; "followup", "filler" (a general ask for help) and
# "context" (facts about the business) are only ever read together with the conversation
# or the message's other clauses.
TYPES = (
    "problem",
    "survey",
    "case",
    "structure",
    "out_of_scope",
    "instruction",
    "followup",
    "filler",
    "context",
)


@dataclass(frozen=True)
class TrainingSet:
    name: str
    texts: tuple[str, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class MultiLabelSet:
    name: str
    texts: tuple[str, ...]
    targets: tuple[tuple[str, ...], ...]
    labels: tuple[str, ...]


def _problem_text(e: Example) -> str:
    """A partly answerable example, without the part the document can't answer."""
    if e.not_covered and e.not_covered in e.text:
        return e.text.replace(e.not_covered, " ").strip()
    return e.text


def _single_problems(examples: Examples) -> list[Example]:
    return [e for e in examples.of_type("problem") if len(e.directions) == 1]


def clause_problems(examples: Examples) -> list[tuple[str, str]]:
    """(clause, direction) from each several-problem example whose clauses line up one to one
    with its directions: the short, single-problem texts the clause decisions read."""
    out: list[tuple[str, str]] = []
    for e in examples.of_type("problem"):
        if not e.multi or len(e.directions) < 2:
            continue
        clauses = split_clauses(_problem_text(e))
        if len(clauses) == len(e.directions):
            out += [(c.text, d) for c, d in zip(clauses, e.directions, strict=True)]
    return out


def type_set(examples: Examples, pairs: list[tuple[str, str]] | None = None) -> TrainingSet:
    items = [e for e in examples.items if not e.in_context]
    clauses = [text for text, _ in (clause_problems(examples) if pairs is None else pairs)]
    return TrainingSet(
        "types",
        tuple([*(e.text for e in items), *clauses]),
        tuple([*(e.type for e in items), *(["problem"] * len(clauses))]),
    )


def direction_set(
    examples: Examples, corpus: Corpus, pairs: list[tuple[str, str]] | None = None
) -> TrainingSet:
    singles = _single_problems(examples)
    texts = [_problem_text(e) for e in singles]
    labels = [e.directions[0] for e in singles]
    for text, direction in clause_problems(examples) if pairs is None else pairs:
        texts.append(text)
        labels.append(direction)
    for strategy in corpus.document.strategies:
        for direction in strategy.directions:
            texts += [direction.title, *direction.items]
            labels += [direction.title] * (1 + len(direction.items))
    return TrainingSet("directions", tuple(texts), tuple(labels))


def program_set(examples: Examples, corpus: Corpus) -> MultiLabelSet:
    singles = _single_problems(examples)
    return MultiLabelSet(
        "programs",
        tuple(_problem_text(e) for e in singles),
        tuple(tuple(e.programs) for e in singles),
        tuple(p.name for p in corpus.document.programs),
    )


def labelled_set(examples: Examples, name: str, kind: str, field: str) -> TrainingSet:
    """Examples of one type labelled by one of their fields (table, ask, part, aspect...)."""
    chosen = [e for e in examples.of_type(kind) if getattr(e, field)]
    return TrainingSet(name, tuple(e.text for e in chosen), tuple(str(getattr(e, field)) for e in chosen))


def about_set(examples: Examples) -> TrainingSet:
    """Case questions about exactly one company or program, labelled with it."""
    chosen = [e for e in examples.of_type("case") if len(e.about) == 1]
    return TrainingSet("about", tuple(e.text for e in chosen), tuple(e.about[0] for e in chosen))


def all_sets(examples: Examples, corpus: Corpus) -> tuple[list[TrainingSet], MultiLabelSet]:
    pairs = clause_problems(examples)  # split once: both sets read the same clauses
    return (
        [
            about_set(examples),
            type_set(examples, pairs),
            direction_set(examples, corpus, pairs),
            labelled_set(examples, "tables", "survey", "table"),
            labelled_set(examples, "asks", "survey", "ask"),
            labelled_set(examples, "parts", "structure", "part"),
            labelled_set(examples, "aspects", "case", "aspect"),
            labelled_set(examples, "intents", "followup", "intent"),
            labelled_set(examples, "topics", "out_of_scope", "topic"),
        ],
        program_set(examples, corpus),
    )
