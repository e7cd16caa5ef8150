"""What an Answer presents, in one place for the page, the sheet, votes and insights (pure).

The engine answers with structure: ``lead``, ``sections`` and the presented prefixes of
``directions`` / ``programs``. Today's engine fills only the matches, so ``lead_of`` and
``sections_of`` derive the same structure from those fields (never from ``answer.answer``'s
text); once the engine fills ``lead`` and ``sections`` they are used as given.
"""

from __future__ import annotations

from bot.models import Answer, DirectionMatch, Item, ProgramMatch, Section
from web.display import survey_line
from web.labels import LangUi

DECLINED_TYPES = {"injection": "instruction"}


def presented_directions(answer: Answer) -> list[DirectionMatch]:
    return list(answer.directions[: answer.primary])


def other_directions(answer: Answer) -> list[DirectionMatch]:
    return list(answer.directions[answer.primary :])


def presented_programs(answer: Answer) -> list[ProgramMatch]:
    return list(answer.programs[: answer.primary_programs])


def question_type(answer: Answer) -> str:
    """The answer's type; a decline from an engine that does not set it yet is typed by its reason."""
    if not answer.in_scope and answer.type == "problem":
        return DECLINED_TYPES.get(answer.reason, "out_of_scope")
    return answer.type


def has_matches(answer: Answer) -> bool:
    return bool(presented_directions(answer) or presented_programs(answer))


def lead_of(answer: Answer, ui: LangUi) -> str:
    """The first sentence: the engine's, or one naming the best program (and a user) or direction."""
    if answer.lead:
        return answer.lead
    programs, directions = presented_programs(answer), presented_directions(answer)
    if programs:
        p = programs[0]
        company = p.uses[0].company if p.uses else (p.cases[0] if p.cases else "")
        if company:
            return ui.lead_program.format(program=p.name, company=company)
        return ui.lead_program_only.format(program=p.name)
    if directions:
        return ui.lead_direction.format(direction=directions[0].title)
    return ""


def sections_of(answer: Answer, ui: LangUi) -> list[Section]:
    """The engine's sections, or the same kinds derived from the presented matches."""
    if answer.sections:
        return list(answer.sections)
    out: list[Section] = []
    if programs := presented_programs(answer):
        out.append(Section("programs", ui.programs_label, tuple(Item(p.name, ref=p.name) for p in programs)))
    if directions := presented_directions(answer):
        items = tuple(Item(d.title, gloss=d.title_en, quote=True, ref=d.title) for d in directions)
        out.append(Section("directions", ui.direction_label, items))
    if answer.survey:
        items = tuple(Item(survey_line(f, ui, answer.lang), ref=f.table) for f in answer.survey)
        out.append(Section("survey", ui.survey_label, items))
    if answer.not_covered:
        out.append(Section("not_covered", ui.not_covered_label, tuple(Item(t) for t in answer.not_covered)))
    if others := other_directions(answer):
        items = tuple(Item(d.title, gloss=d.title_en, quote=True, ref=d.title) for d in others)
        out.append(Section("others", ui.others_label, items))
    return out


def next_step(answer: Answer, ui: LangUi) -> str:
    """A next step that fits what was shown: the program, else the direction; never 'note the names'."""
    if programs := presented_programs(answer):
        return ui.next_program.format(program=programs[0].name)
    if directions := presented_directions(answer):
        return ui.next_direction.format(direction=directions[0].title)
    return ui.next_none
