"""Labelled example messages (bot/data/examples/*.jsonl): what the bot's decisions learn from.

Written by the project from the document alone, never from the evaluation questions; see
bot/data/examples/README.md. Every line is validated on load against the structured
corpus, so a misspelt direction or table fails with one line naming file, line and field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from corpus.errors import CorpusError
from corpus.load import Corpus

EXAMPLES_DIR = Path(__file__).resolve().parent / "data" / "examples"
ExampleType = Literal[
    "problem", "survey", "case", "structure", "out_of_scope", "instruction", "followup", "filler", "context"
]
TABLES = (
    "management_issues",
    "obstacles",
    "support_wanted",
    "info_sources",
    "info_media",
    "profile",
    "overview",
)


class Example(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    text: str = Field(min_length=1)
    lang: Literal["ja", "en"]
    type: ExampleType
    # problem
    directions: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    multi: bool = False
    not_covered: str | None = None
    # survey
    table: str | None = None
    year: str | None = None
    row: str | None = None
    ask: str | None = None
    # case
    about: tuple[str, ...] = ()
    aspect: str | None = None
    # structure
    part: str | None = None
    strategy: str | None = None
    direction: str | None = None
    # out_of_scope
    topic: str | None = None
    # followup
    intent: str | None = None
    n: int | None = None
    # only means something after an answer ("事例は？", "女性起業の件で使えるのは？"): it teaches
    # which follow-up it is, not what type of message it would be on its own
    in_context: bool = False


@dataclass(frozen=True)
class Examples:
    items: tuple[Example, ...]
    files: tuple[Path, ...]

    def of_type(self, *types: str) -> list[Example]:
        return [e for e in self.items if e.type in types]


def _problems(example: Example, corpus: Corpus) -> list[str]:
    """Why an example does not fit the corpus (empty when it does)."""
    doc = corpus.document
    titles = set(doc.direction_titles())
    names = {p.name for p in doc.programs}
    companies = {c.company for c in doc.cases}
    out = [
        f"unknown direction {d!r}"
        for d in (*example.directions, *filter(None, [example.direction]))
        if d not in titles
    ]
    out += [f"unknown program {p!r}" for p in example.programs if p not in names]
    out += [f"unknown company or program {a!r}" for a in example.about if a not in names | companies]
    if example.type == "problem" and not example.directions:
        out.append("a problem example needs its directions")
    if example.type == "survey" and example.table not in TABLES:
        out.append(f"unknown survey table {example.table!r}")
    return out


def parse_examples(lines: Iterable[str], file: Path, corpus: Corpus) -> list[Example]:
    out: list[Example] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            example = Example.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise CorpusError(file, where, f"not JSON ({exc.msg})") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise CorpusError(file, f"{where}: {field}", first["msg"]) from None
        problems = _problems(example, corpus)
        if problems:
            raise CorpusError(file, where, problems[0])
        out.append(example)
    return out


def load_examples(corpus: Corpus, folder: Path = EXAMPLES_DIR) -> Examples:
    files = tuple(sorted(folder.glob("*.jsonl")))
    if not files:
        raise CorpusError(folder, "", "no example files (*.jsonl)")
    items: list[Example] = []
    for file in files:
        items += parse_examples(file.read_text(encoding="utf-8").splitlines(), file, corpus)
    return Examples(tuple(items), files)
