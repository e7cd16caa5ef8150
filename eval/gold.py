"""The gold set: load and validate, with errors that name file, line and field.

Two files: ``eval/gold.jsonl`` holds the dev split (tuning and the CI guard) and
``eval/gold_heldout.jsonl`` the held-out split (looked at once, after the work). See
eval/GOLD.md for the schema. Validation is about shape and internal consistency;
``check_names`` additionally checks direction and program names against the corpus.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

EVAL_DIR = Path(__file__).resolve().parent
GOLD_FILE = EVAL_DIR / "gold.jsonl"
HELDOUT_FILE = EVAL_DIR / "gold_heldout.jsonl"
GOLD_FILES: dict[str, Path] = {"dev": GOLD_FILE, "heldout": HELDOUT_FILE}

Split = Literal["dev", "heldout"]
Category = Literal[
    "direction",
    "colloquial",
    "hiragana",
    "typo",
    "romaji",
    "english",
    "multi",
    "fact",
    "survey",
    "case",
    "structure",
    "followup",
    "partial",
    "hidden_injection",
    "near_domain",
    "out_of_scope",
    "injection",
]
QuestionType = Literal["problem", "survey", "case", "structure", "out_of_scope", "instruction"]
CATEGORIES: tuple[str, ...] = get_args(Category)
SPLITS: tuple[str, ...] = get_args(Split)
DECLINED = ("out_of_scope", "near_domain", "injection")
# The question type a category implies; categories missing here name their type per case.
TYPE_OF_CATEGORY: dict[str, str] = {
    "direction": "problem",
    "colloquial": "problem",
    "hiragana": "problem",
    "typo": "problem",
    "romaji": "problem",
    "english": "problem",
    "multi": "problem",
    "partial": "problem",
    "hidden_injection": "problem",
    "survey": "survey",
    "case": "case",
    "structure": "structure",
    "near_domain": "out_of_scope",
    "out_of_scope": "out_of_scope",
    "injection": "instruction",
}


class GoldError(Exception):
    """The gold file is missing or a line does not fit the schema."""

    def __init__(self, file: Path | str, line: int | None, field: str, message: str) -> None:
        where = f"{file}:{line}" if line is not None else str(file)
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Expected(_Frozen):
    in_scope: bool
    directions: list[str] = Field(default_factory=list, max_length=3)
    programs: list[str] = Field(default_factory=list)
    facts: list[str] = Field(default_factory=list)  # each must occur in the answer text
    lead: list[str] = Field(default_factory=list)  # each must occur in the answer's first sentence
    absent: list[str] = Field(default_factory=list)  # none may occur in the answer (injected text)
    not_covered: bool = False  # the answer must say that part of the message is not covered

    @model_validator(mode="after")
    def _declines_name_nothing(self) -> Expected:
        if not self.in_scope and (self.directions or self.programs or self.facts or self.lead):
            raise ValueError("an out-of-scope case expects no directions, programs or facts")
        return self


class GoldCase(_Frozen):
    id: str = Field(pattern=r"^g\d{3,}$")
    split: Split
    category: Category
    type: QuestionType | None = None  # what was asked; implied by most categories
    lang: Literal["ja", "en"]
    history: list[str] = Field(default_factory=list)  # earlier messages of the conversation, oldest first
    query: str = Field(min_length=1)
    expected: Expected

    @model_validator(mode="after")
    def _category_fits(self) -> GoldCase:
        declines = self.category in DECLINED
        if declines == self.expected.in_scope:
            raise ValueError(f"category {self.category} must have in_scope={not declines}")
        if self.category == "multi" and len(self.expected.directions) < 2:
            raise ValueError("a multi case expects at least 2 directions")
        if self.category == "followup" and not self.history:
            raise ValueError("a followup case needs its history")
        if self.category == "partial" and not self.expected.not_covered:
            raise ValueError("a partial case expects not_covered")
        implied = TYPE_OF_CATEGORY.get(self.category)
        if self.type is None and implied is None:
            raise ValueError(f"category {self.category} needs a type")
        if self.type is not None and implied is not None and self.type != implied:
            raise ValueError(f"category {self.category} implies type {implied}, not {self.type}")
        return self

    @property
    def question_type(self) -> str:
        return self.type or TYPE_OF_CATEGORY[self.category]


def _field_of(exc: ValidationError) -> tuple[str, str]:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "(line)"
    more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    return field, f"{first['msg']}{more}"


def parse_gold(lines: Iterable[str], file: Path | str = "<gold>") -> list[GoldCase]:
    """Cases from JSON lines; blank lines are skipped, ids must be unique."""
    cases: list[GoldCase] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(file, number, "", f"not JSON ({exc.msg} at column {exc.colno})") from None
        try:
            case = GoldCase.model_validate(raw)
        except ValidationError as exc:
            raise GoldError(file, number, *_field_of(exc)) from None
        if case.id in seen:
            raise GoldError(file, number, "id", f"{case.id} repeats line {seen[case.id]}")
        seen[case.id] = number
        cases.append(case)
    if not cases:
        raise GoldError(file, None, "", "no cases")
    return cases


def load_gold_file(path: Path, split: str | None = None) -> list[GoldCase]:
    """One gold file; with ``split``, every case in it must belong to that split."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GoldError(path, None, "", "file not found") from None
    cases = parse_gold(text.splitlines(), path)
    for case in cases:
        if split is not None and case.split != split:
            raise GoldError(path, None, "split", f"{case.id} is {case.split}, this file holds {split}")
    return cases


def load_gold(splits: Sequence[str] = SPLITS, files: dict[str, Path] | None = None) -> list[GoldCase]:
    """The cases of the given splits, dev first; ids must be unique across the files."""
    files = files or GOLD_FILES
    cases = [c for split in splits for c in load_gold_file(files[split], split)]
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise GoldError(files[case.split], None, "id", f"{case.id} occurs in more than one file")
        seen.add(case.id)
    return cases


def check_names(cases: Sequence[GoldCase], directions: Sequence[str], programs: Sequence[str]) -> list[str]:
    """Problems (one line each) where a case names a direction or program the document lacks."""
    known_d, known_p = set(directions), set(programs)
    problems = []
    for case in cases:
        problems += [
            f"{case.id}: unknown direction {d!r}" for d in case.expected.directions if d not in known_d
        ]
        problems += [f"{case.id}: unknown program {p!r}" for p in case.expected.programs if p not in known_p]
    return problems


def coverage(cases: Sequence[GoldCase]) -> tuple[Counter[str], Counter[str]]:
    """How many cases expect each direction and each program (any position)."""
    dirs: Counter[str] = Counter(d for c in cases for d in c.expected.directions)
    progs: Counter[str] = Counter(p for c in cases for p in c.expected.programs)
    return dirs, progs
