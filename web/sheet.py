"""The counselor's consultation sheet: one group per question, curated before export (pure).

``build_sheet`` collects what each answered question presented; ``curate`` applies what the
counselor did on the desk: items removed (by key) and a memo per question. Markdown and PDF
(web.sheet_md, web.sheet_pdf) render the curated sheet; nothing here touches the disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone

from bot.models import Answer, Citation, DirectionMatch, ProgramMatch, SurveyFact
from web.presented import presented_directions, presented_programs
from web.sheet_notes import Note, notes_of

# Desks are in Tokyo; a fixed offset avoids depending on the host's tz database.
JST = timezone(timedelta(hours=9), "JST")
KINDS = ("lead", "direction", "program", "survey", "citation", "note")


@dataclass(frozen=True)
class Group:
    """What one question got: its answer's lead, the presented matches, figures, what else the
    answer said (notes) and the cited passages."""

    key: str  # stable for the conversation: the first turn that asked it
    question: str
    type: str = "problem"  # the answer's type (problem, survey, case, structure)
    lead: str = ""  # the answer's first sentence
    follows: str = ""  # for a follow-up ("2つ目について詳しく"): the question it follows
    directions: tuple[DirectionMatch, ...] = ()
    programs: tuple[ProgramMatch, ...] = ()
    survey: tuple[SurveyFact, ...] = ()
    notes: tuple[Note, ...] = ()
    citations: tuple[Citation, ...] = ()
    memo: str = ""

    def items(self) -> list[tuple[str, str, str]]:
        """(key, kind, text) of every removable item, in sheet order."""
        k = self.key
        notes = [(item_key(k, "note", n.key), n.kind, n.label()) for n in self.notes]
        out = [(item_key(k, "lead", "lead"), "lead", self.lead)] if self.lead else []
        out += [n for n in notes if n[1] == "not_covered"]
        out += [(item_key(k, "direction", d.title), "direction", d.title) for d in self.directions]
        out += [(item_key(k, "program", p.name), "program", p.name) for p in self.programs]
        out += [(item_key(k, "survey", survey_key(f)), "survey", f.label) for f in self.survey]
        out += [n for n in notes if n[1] != "not_covered"]
        out += [(item_key(k, "citation", c.chunk_id), "citation", c.text) for c in self.citations]
        return out


def item_key(group_key: str, kind: str, name: str) -> str:
    """A removable item's key on the desk: its group, its kind and what it names."""
    return f"{group_key}/{kind}/{name}"


@dataclass(frozen=True)
class Sheet:
    groups: tuple[Group, ...] = ()
    created: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def empty(self) -> bool:
        return not self.groups


def survey_key(f: SurveyFact) -> str:
    return f"{f.table}:{f.year}:{f.label}"


def _unique(items: Iterable, key) -> tuple:  # type: ignore[no-untyped-def]
    seen: dict[object, object] = {}
    for item in items:
        seen.setdefault(key(item), item)
    return tuple(seen.values())


def _matches(a: Answer) -> tuple[list[DirectionMatch], list[ProgramMatch]]:
    """A case answer's programs are on its company's card and its directions are 施策ナビ's
    reading (a related note), so only other answers put matches on the sheet."""
    if a.type == "case":
        return [], []
    return presented_directions(a), presented_programs(a)


def build_sheet(turns: Sequence[tuple[str, Answer]], now: datetime | None = None) -> Sheet:
    """One group per distinct question, in the order asked; declined questions are left out.

    ``turns`` are (turn key, answer). A question asked twice merges into its first group; a
    follow-up names the question it follows.
    """
    groups: dict[str, Group] = {}
    last = ""
    for key, a in turns:
        if not a.in_scope:
            continue
        directions, programs = _matches(a)
        notes = notes_of(a)
        # a survey answer's tables are on the sheet as notes; its figures would repeat a row
        survey = [] if any(n.kind == "survey" for n in notes) else a.survey
        before = groups.get(a.query) or Group(
            key, a.query, a.type, a.lead, last if a.reason == "followup" else ""
        )
        groups[a.query] = replace(
            before,
            directions=_unique([*before.directions, *directions], lambda d: d.title),
            programs=_unique([*before.programs, *programs], lambda p: p.name),
            survey=_unique([*before.survey, *survey], survey_key),
            notes=_unique([*before.notes, *notes], lambda n: n.key),
            citations=_unique([*before.citations, *a.citations], lambda c: c.chunk_id),
        )
        last = a.query
    return Sheet(tuple(groups.values()), now or datetime.now(UTC))


def curate(sheet: Sheet, removed: Iterable[str] = (), memos: Mapping[str, str] | None = None) -> Sheet:
    """The sheet as the counselor left it: removed item keys dropped, memos attached by group key."""
    gone, memos = set(removed), memos or {}

    def keep(group: Group, kind: str, name: str) -> bool:
        return item_key(group.key, kind, name) not in gone

    groups = tuple(
        replace(
            g,
            directions=tuple(d for d in g.directions if keep(g, "direction", d.title)),
            programs=tuple(p for p in g.programs if keep(g, "program", p.name)),
            survey=tuple(f for f in g.survey if keep(g, "survey", survey_key(f))),
            notes=tuple(n for n in g.notes if keep(g, "note", n.key)),
            lead=g.lead if keep(g, "lead", "lead") else "",
            citations=tuple(c for c in g.citations if keep(g, "citation", c.chunk_id)),
            memo=memos.get(g.key, "").strip(),
        )
        for g in sheet.groups
    )
    return replace(sheet, groups=groups)


def created_label(sheet: Sheet) -> str:
    return sheet.created.astimezone(JST).strftime("%Y-%m-%d %H:%M (JST)")


def file_stem(sheet: Sheet) -> str:
    return "smenavi-sheet-" + sheet.created.astimezone(JST).strftime("%Y%m%d-%H%M%S")


def use_lines(p: ProgramMatch) -> list[tuple[str, str, str]]:
    """(company, did, result) for each company example; the company with its ward."""
    return [(f"{u.company}（{u.ward}）" if u.ward else u.company, u.did, u.result) for u in p.uses]
