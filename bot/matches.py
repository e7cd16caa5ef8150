"""The matched directions and programs as the JSON reports them (pure)."""

from __future__ import annotations

from bot.models import CaseUse, DirectionMatch, ProgramMatch
from corpus.load import Corpus


def direction_match(corpus: Corpus, title: str, score: float) -> DirectionMatch:
    strat = corpus.document.strategy_of(title)
    direction = next(d for d in strat.directions if d.title == title)
    return DirectionMatch(
        strategy=strat.numeral,
        strategy_title=strat.title,
        title=title,
        score=round(score, 5),
        items=tuple(direction.items),
        title_en=corpus.gloss(title),
    )


def program_uses(corpus: Corpus, name: str) -> list[CaseUse]:
    """What each company did with the program and what came of it (quotes).

    Only where the company's description names an action with the program: a business
    description is never shown as what a company did with a program.
    """
    uses = []
    for case in corpus.document.cases_using(name):
        did = next((a.text for a in case.actions if name in a.programs), None)
        if did is not None:
            uses.append(CaseUse(company=case.company, ward=case.ward, did=did, result=case.results[-1]))
    return uses


def program_match(corpus: Corpus, name: str, score: float) -> ProgramMatch:
    uses = program_uses(corpus, name)
    return ProgramMatch(
        name=name,
        score=round(score, 5),
        cases=tuple(c.company for c in corpus.document.cases_using(name)),
        uses=tuple(uses),
        name_en=corpus.gloss(name),
    )
