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


@dataclass
class Answer:
    query: str
    lang: str  # "ja" or "en"
    in_scope: bool
    directions: list[DirectionMatch] = field(default_factory=list)
    programs: list[ProgramMatch] = field(default_factory=list)
    answer: str = ""
    citations: list[Citation] = field(default_factory=list)
    survey: list[SurveyFact] = field(default_factory=list)
    clarify: list[str] = field(default_factory=list)  # choices offered when the message was vague
    notices: list[str] = field(default_factory=list)  # e.g. the question was truncated
    reason: str = ""  # why in_scope is false (off_topic, injection), or "vague"
    primary: int = 0  # how many of `directions` (a prefix) the answer presents as its matches
    primary_programs: int = 0  # likewise for `programs`
    timing_ms: float = 0.0
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for c in data["citations"]:
            c["span"] = list(c["span"])
        if self.error is None:
            data.pop("error")
        return data


def error_json(message: str, query: str | None = None) -> dict[str, Any]:
    """The object printed for a bad input line in --jsonl mode."""
    out: dict[str, Any] = {"error": message}
    if query is not None:
        out["query"] = query
    return out
