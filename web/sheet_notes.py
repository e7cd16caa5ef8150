"""What an answer said beyond its matches, as lines for the consultation sheet (pure).

A problem's programs and directions go on the sheet from the matches (web.sheet); everything
else an answer shows becomes a ``Note`` the counselor can keep or drop: a survey year's table,
a company case, the document's structure, a quoted fact, a related direction (施策ナビ's reading)
and what the document can't answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from bot.models import Answer, Item, Section
from web.display import rejoin
from web.fragments import by_ref, is_headed, is_year_table
from web.labels import load_ui
from web.presented import presented_directions, sections_of

# The order notes are printed in, each under its own heading (``sheet_<kind>`` in ui.yaml).
NOTE_KINDS = ("not_covered", "survey", "cases", "structure", "facts", "related")


@dataclass(frozen=True)
class Note:
    kind: str  # one of NOTE_KINDS
    text: str  # the line; a quote in 「」, with its English gloss (marked) in an English answer
    lines: tuple[str, ...] = ()  # lines under it: a year's rows, a company's passages

    @property
    def key(self) -> str:
        """Stable within a question's group: what it says, not where it sits."""
        digest = hashlib.sha1("\n".join([self.text, *self.lines]).encode("utf-8")).hexdigest()[:12]
        return f"{self.kind}:{digest}"

    def label(self) -> str:
        """One line for the desk's keep/drop list."""
        return f"{self.text}: {self.lines[0]}" if self.lines else self.text


def line_text(item: Item) -> str:
    if not item.quote:
        return item.text
    quote = f"「{rejoin(item.text)}」"
    return f"{quote} ({load_ui().en.translation_mark}) {item.gloss}" if item.gloss else quote


def _groups(section: Section, kind: str) -> list[Note]:
    """A note per thing the section is about: its first line heads the lines under it."""
    out = []
    for group in by_ref(section.items):
        head = group[0]
        if is_headed(group):
            out.append(Note(kind, line_text(head), tuple(line_text(i) for i in group[1:])))
        else:
            out += [Note(kind, line_text(i)) for i in group]
    return out


def _survey(section: Section, answer: Answer) -> list[Note]:
    groups = by_ref(section.items)
    if all(is_year_table(g) for g in groups):
        return [Note("survey", g[0].text, tuple(line_text(i) for i in g[1:])) for g in groups]
    return [] if answer.survey else [Note("survey", line_text(i)) for i in section.items]


def _structure(section: Section, answer: Answer) -> list[Note]:
    if presented_directions(answer):  # the directions themselves are on the sheet
        return []
    groups = by_ref(section.items)
    if all(not (len(g) > 1 and g[0].text == g[0].ref) for g in groups):  # one list under its title
        return [Note("structure", section.title, tuple(line_text(i) for i in section.items))]
    return _groups(section, "structure")


def notes_of(answer: Answer) -> list[Note]:
    out: list[Note] = []
    for section in sections_of(answer, load_ui().for_lang(answer.lang)):
        if section.kind == "survey":
            out += _survey(section, answer)
        elif section.kind == "structure":
            out += _structure(section, answer)
        elif section.kind == "cases":
            out += _groups(section, "cases")
        elif section.kind in ("facts", "related", "not_covered"):
            out += [Note(section.kind, line_text(i)) for i in section.items]
    return out


def by_kind(notes: Sequence[Note]) -> list[tuple[str, list[Note]]]:
    """The notes under their headings, in the sheet's order; kinds without notes left out."""
    grouped = [(kind, [n for n in notes if n.kind == kind]) for kind in NOTE_KINDS]
    return [(kind, some) for kind, some in grouped if some]
