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

# Desks are in Tokyo; a fixed offset avoids depending on the host's tz database.
JST = timezone(timedelta(hours=9), "JST")
KINDS = ("direction", "program", "survey", "citation")


@dataclass(frozen=True)
class Group:
    """What one question got: the presented matches, figures and cited passages."""

    key: str  # stable for the conversation: the first turn that asked it
    question: str
    directions: tuple[DirectionMatch, ...] = ()
    programs: tuple[ProgramMatch, ...] = ()
    survey: tuple[SurveyFact, ...] = ()
    citations: tuple[Citation, ...] = ()
    memo: str = ""

    def items(self) -> list[tuple[str, str, str]]:
        """(key, kind, text) of every removable item, in sheet order."""
        out = [(f"{self.key}/direction/{d.title}", "direction", d.title) for d in self.directions]
        out += [(f"{self.key}/program/{p.name}", "program", p.name) for p in self.programs]
        out += [(f"{self.key}/survey/{survey_key(f)}", "survey", f.label) for f in self.survey]
        out += [(f"{self.key}/citation/{c.chunk_id}", "citation", c.text) for c in self.citations]
        return out


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


def build_sheet(turns: Sequence[tuple[str, Answer]], now: datetime | None = None) -> Sheet:
    """One group per distinct question, in the order asked; declined questions are left out.

    ``turns`` are (turn key, answer). A question asked twice merges into its first group.
    """
    groups: dict[str, Group] = {}
    for key, a in turns:
        if not a.in_scope:
            continue
        before = groups.get(a.query) or Group(key, a.query)
        groups[a.query] = replace(
            before,
            directions=_unique([*before.directions, *presented_directions(a)], lambda d: d.title),
            programs=_unique([*before.programs, *presented_programs(a)], lambda p: p.name),
            survey=_unique([*before.survey, *a.survey], survey_key),
            citations=_unique([*before.citations, *a.citations], lambda c: c.chunk_id),
        )
    return Sheet(tuple(groups.values()), now or datetime.now(UTC))


def curate(sheet: Sheet, removed: Iterable[str] = (), memos: Mapping[str, str] | None = None) -> Sheet:
    """The sheet as the counselor left it: removed item keys dropped, memos attached by group key."""
    gone, memos = set(removed), memos or {}

    def keep(group: Group, kind: str, name: str) -> bool:
        return f"{group.key}/{kind}/{name}" not in gone

    groups = tuple(
        replace(
            g,
            directions=tuple(d for d in g.directions if keep(g, "direction", d.title)),
            programs=tuple(p for p in g.programs if keep(g, "program", p.name)),
            survey=tuple(f for f in g.survey if keep(g, "survey", survey_key(f))),
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
