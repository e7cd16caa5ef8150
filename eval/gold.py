"""The gold set (eval/gold.jsonl): load and validate, with errors that name file, line and field.

See eval/GOLD.md for the schema. Validation is about shape and internal consistency;
``check_names`` additionally checks direction and program names against the corpus.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

GOLD_FILE = Path(__file__).resolve().parent / "gold.jsonl"

Split = Literal["dev", "heldout"]
Category = Literal[
    "direction",
    "colloquial",
    "hiragana",
    "typo",
    "english",
    "multi",
    "fact",
    "out_of_scope",
    "injection",
]
CATEGORIES: tuple[str, ...] = get_args(Category)
SPLITS: tuple[str, ...] = get_args(Split)


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
    facts: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _declines_name_nothing(self) -> Expected:
        if not self.in_scope and (self.directions or self.programs or self.facts):
            raise ValueError("an out-of-scope case expects no directions, programs or facts")
        return self


class GoldCase(_Frozen):
    id: str = Field(pattern=r"^g\d{3,}$")
    split: Split
    category: Category
    lang: Literal["ja", "en"]
    query: str = Field(min_length=1)
    expected: Expected

    @model_validator(mode="after")
    def _category_fits(self) -> GoldCase:
        declines = self.category in ("out_of_scope", "injection")
        if declines == self.expected.in_scope:
            raise ValueError(f"category {self.category} must have in_scope={not declines}")
        if self.category == "multi" and len(self.expected.directions) < 2:
            raise ValueError("a multi case expects at least 2 directions")
        return self


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


def load_gold(path: Path = GOLD_FILE) -> list[GoldCase]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GoldError(path, None, "", "file not found") from None
    return parse_gold(text.splitlines(), path)


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
