"""Pydantic models of the structured document (data/document.yaml).

Validation here is about shape and internal consistency; whether each text really occurs
in the source is checked by ``corpus.units``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NUMERALS = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceInfo(Frozen):
    file: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    title: str
    publisher: str


class Pillar(Frozen):
    name: str = Field(min_length=1)
    points: list[str] = Field(min_length=1)


class BasicApproach(Frozen):
    heading: str
    summary: str
    pillars: list[Pillar] = Field(min_length=1)


class Direction(Frozen):
    title: str = Field(min_length=1)
    items: list[str] = Field(min_length=1)


class Strategy(Frozen):
    numeral: str
    title: str = Field(min_length=1)
    heading: str
    issues: list[str] = Field(min_length=1)
    directions: list[Direction] = Field(min_length=1)
    remarks: list[str] = Field(min_length=1)
    vision_directions: list[str] = Field(min_length=1)
    new_movements: list[str] = Field(min_length=1)

    @field_validator("numeral")
    @classmethod
    def _known_numeral(cls, value: str) -> str:
        if value not in NUMERALS:
            raise ValueError(f"must be one of {', '.join(NUMERALS)}")
        return value


class VisionChanges(Frozen):
    heading: str
    need: str
    built_in: str
    open_questions: list[str] = Field(min_length=1)


class CaseAction(Frozen):
    text: str = Field(min_length=1)
    programs: list[str] = Field(default_factory=list)


class Case(Frozen):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    company: str
    ward: str
    label: str
    business: list[str] = Field(min_length=1)
    actions: list[CaseAction] = Field(min_length=1)
    results: list[str] = Field(min_length=1)
    programs: list[str] = Field(min_length=1)
    program_list: str
    program_list_occurrence: int = Field(default=1, ge=1)
    captions: list[str] = Field(default_factory=list)  # under the company's photos

    @model_validator(mode="after")
    def _actions_use_listed_programs(self) -> Case:
        for action in self.actions:
            extra = set(action.programs) - set(self.programs)
            if extra:
                raise ValueError(f"an action names {sorted(extra)} not in this case's programs")
        return self


class Program(Frozen):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)


class PercentRow(Frozen):
    label: str = Field(min_length=1)
    percent: int = Field(ge=0, le=100)
    rank: int | None = Field(default=None, ge=1)


class ProfileGroup(Frozen):
    name: str
    rows: list[PercentRow] = Field(min_length=1)


class SurveyYear(Frozen):
    year: str
    rows: list[PercentRow] = Field(min_length=1)


class SurveyTable(Frozen):
    id: str = Field(pattern=r"^[a-z_]+$")
    title: str
    subtitle: str | None = None
    notes: list[str] = Field(default_factory=list)
    years: list[SurveyYear] = Field(min_length=1)


class Survey(Frozen):
    title: str
    purpose: str
    period: str
    respondents: int = Field(gt=0)
    respondents_quote: str
    profile: list[ProfileGroup]
    tables: list[SurveyTable]


class Document(Frozen):
    source: SourceInfo
    basic_approach: BasicApproach
    strategies: list[Strategy]
    vision_changes: VisionChanges
    cases: list[Case]
    programs: list[Program]
    survey: Survey

    @model_validator(mode="after")
    def _consistent(self) -> Document:
        numerals = [s.numeral for s in self.strategies]
        if numerals != list(NUMERALS):
            raise ValueError(f"strategies must be {'・'.join(NUMERALS)} in order, got {numerals}")
        titles = [d.title for s in self.strategies for d in s.directions]
        dupes = {t for t in titles if titles.count(t) > 1}
        if dupes:
            raise ValueError(f"direction titles repeat: {sorted(dupes)}")
        names = {p.name for p in self.programs}
        if len(names) != len(self.programs):
            raise ValueError("program names repeat")
        for case in self.cases:
            unknown = set(case.programs) - names
            if unknown:
                raise ValueError(f"case {case.id} uses unknown programs {sorted(unknown)}")
        used = {p for c in self.cases for p in c.programs}
        if names - used:
            raise ValueError(f"programs used by no case: {sorted(names - used)}")
        return self

    def strategy(self, numeral: str) -> Strategy:
        return next(s for s in self.strategies if s.numeral == numeral)

    def direction_titles(self) -> list[str]:
        return [d.title for s in self.strategies for d in s.directions]

    def strategy_of(self, direction_title: str) -> Strategy:
        return next(s for s in self.strategies if any(d.title == direction_title for d in s.directions))

    def cases_using(self, program: str) -> list[Case]:
        return [c for c in self.cases if program in c.programs]

    def names(self) -> set[str]:
        """The programs' and companies' names, as the document writes them."""
        return {p.name for p in self.programs} | {c.company for c in self.cases}
