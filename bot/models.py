"""Result types: what the recommender returns, and the JSON the CLI prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    chunk_id: str
    text: str  # the source passage, verbatim (line breaks folded to spaces)
    span: tuple[int, int]  # character offsets into corpus/source/000_15d4e077d8bd06a2.txt
    kind: str  # direction_item, case_action, survey_table, …
    direction: str = ""  # the matched direction this passage supports, if any
    program: str = ""  # the matched program this passage supports, if any


@dataclass(frozen=True)
class DirectionMatch:
    strategy: str  # numeral, Ⅰ–Ⅴ
    strategy_title: str
    title: str  # the document's exact title
    score: float
    items: tuple[str, ...]  # the direction's bullet items, quoted
    title_en: str = ""  # project-written gloss, not the document's


@dataclass(frozen=True)
class CaseUse:
    company: str
    ward: str
    did: str  # quoted: what the company did with the program
    result: str  # quoted: what came of it


@dataclass(frozen=True)
class ProgramMatch:
    name: str
    score: float
    cases: tuple[str, ...]  # companies that used it
    uses: tuple[CaseUse, ...] = ()
    name_en: str = ""  # project-written gloss


@dataclass(frozen=True)
class SurveyFact:
    table: str  # table id, e.g. management_issues
    title: str
    year: str
    rank: int | None
    label: str
    percent: int
    respondents: int
    by_rank: bool = False  # the question asked a position (「1位は？」), not this row


QUESTION_TYPES = ("problem", "survey", "case", "structure", "out_of_scope", "instruction")


@dataclass(frozen=True)
class Item:
    """One line the owner reads in a section of the answer."""

    text: str  # in the answer's language; for a quote, the document's words (Japanese)
    gloss: str = ""  # project-written English translation of a quote (English answers only)
    quote: bool = False  # text is a verbatim quote of the document
    cite: tuple[int, ...] = ()  # 1-based indexes into Answer.citations
    ref: str = ""  # what the item is about: a direction title, program name, company, table id
    fact: SurveyFact | None = None  # a survey row, as data (the page draws its tables from it)


@dataclass(frozen=True)
class Section:
    """A block of the answer; the CLI text, the page's cards and the desk sheet render these."""

    kind: str  # directions | programs | cases | survey | structure | facts | not_covered | others | next_step
    title: str  # heading, in the answer's language
    items: tuple[Item, ...] = ()


@dataclass
class Answer:
    query: str
    lang: str  # "ja" or "en"
    in_scope: bool
    type: str = "problem"  # one of QUESTION_TYPES: what was asked
    lead: str = ""  # the first sentence: answers the question
    directions: list[DirectionMatch] = field(default_factory=list)
    programs: list[ProgramMatch] = field(default_factory=list)
    answer: str = ""
    citations: list[Citation] = field(default_factory=list)
    survey: list[SurveyFact] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    clarify: list[str] = field(default_factory=list)  # choices offered when the message was vague
    not_covered: list[str] = field(default_factory=list)  # parts of the message the document can't answer
    notices: list[str] = field(default_factory=list)  # e.g. the question was truncated
    reason: str = ""  # why in_scope is false (off_topic, injection), or "vague"
    primary: int = 0  # how many of `directions` (a prefix) the answer presents as its matches
    primary_programs: int = 0  # likewise for `programs`
    timing_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for c in data["citations"]:
            c["span"] = list(c["span"])
        for section in data["sections"]:
            for item in section["items"]:
                item["cite"] = list(item["cite"])
                if item["fact"] is None:
                    del item["fact"]  # only survey rows carry one
        return data


def error_json(message: str, query: str | None = None) -> dict[str, Any]:
    """The object printed for a bad input line in --jsonl mode."""
    out: dict[str, Any] = {"error": message}
    if query is not None:
        out["query"] = query
    return out
