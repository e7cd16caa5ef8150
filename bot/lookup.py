"""The document's passages by what they are about, looked up once at load (no per-question scans)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from corpus.chunks import Chunk
from corpus.load import Corpus


@dataclass(frozen=True)
class Passages:
    by_text: dict[str, Chunk]  # a document string (as in document.yaml) -> its own passage
    by_direction: dict[str, list[Chunk]]  # direction title -> its title and items
    by_case: dict[str, list[Chunk]]  # company -> label, business, actions, results, program list
    survey_tables: dict[str, Chunk]  # "table_id:year" -> the table's passage
    survey_profile: dict[str, Chunk]  # group name -> its passage
    survey_meta: dict[str, Chunk]  # title, purpose, period, respondents_quote
    survey_notes: dict[str, list[Chunk]]  # table id -> its notes
    program_names: dict[str, Chunk] = field(default_factory=dict)  # program -> where it is named

    def quote(self, text: str) -> Chunk | None:
        return self.by_text.get(text)


def build_passages(corpus: Corpus, chunks: Sequence[Chunk]) -> Passages:
    """Units and their chunks come out of ``build_chunks`` in the same order (one per unit)."""
    unit_chunks = [c for c in chunks if not c.curated]
    by_text: dict[str, Chunk] = {}
    by_direction: dict[str, list[Chunk]] = defaultdict(list)
    by_case: dict[str, list[Chunk]] = defaultdict(list)
    tables: dict[str, Chunk] = {}
    profile: dict[str, Chunk] = {}
    meta: dict[str, Chunk] = {}
    notes: dict[str, list[Chunk]] = defaultdict(list)
    programs: dict[str, Chunk] = {}
    for unit, chunk in zip(corpus.units, unit_chunks, strict=True):
        by_text.setdefault(unit.text, chunk)
        if unit.direction:
            by_direction[unit.direction].append(chunk)
        if unit.case:
            by_case[unit.case].append(chunk)
        if unit.kind == "survey_table":
            tables[unit.extra] = chunk
        elif unit.kind == "survey_profile":
            profile[unit.extra] = chunk
        elif unit.kind == "survey_meta":
            meta[unit.extra] = chunk
        elif unit.kind == "survey_note":
            notes[unit.extra].append(chunk)
        elif unit.kind == "program_name":
            programs.setdefault(unit.programs[0], chunk)
    return Passages(by_text, dict(by_direction), dict(by_case), tables, profile, meta, dict(notes), programs)
