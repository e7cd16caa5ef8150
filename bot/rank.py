"""From fused chunk hits to ranked directions, programs and citations (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.fusion import aggregate
from bot.models import CaseUse, Citation, DirectionMatch, ProgramMatch
from bot.retrieve import Hit
from corpus.chunks import Chunk
from corpus.load import Corpus

# A program that serves a strong direction is worth showing even when no passage about
# the program itself was retrieved; this is the share of the direction's score it inherits.
PROGRAM_FROM_DIRECTION = 0.5
# Passages about a program (its name, a company's use of it) speak to a direction only
# through the project's program→direction links, so they count for less there.
PROGRAM_EVIDENCE_WEIGHT = 0.6


def _direction_weight(chunk: Chunk) -> float:
    return PROGRAM_EVIDENCE_WEIGHT if chunk.programs else 1.0


def direction_scores(hits: Sequence[Hit]) -> list[tuple[str, float]]:
    return aggregate(
        {h.chunk.id: h.score * _direction_weight(h.chunk) for h in hits},
        {h.chunk.id: h.chunk.directions for h in hits},
    )


def program_scores(
    hits: Sequence[Hit], directions: Sequence[tuple[str, float]], corpus: Corpus, top_directions: int = 2
) -> list[tuple[str, float]]:
    direct = dict(
        aggregate({h.chunk.id: h.score for h in hits}, {h.chunk.id: h.chunk.programs for h in hits})
    )
    strong = dict(directions[:top_directions])
    for name, aid in corpus.aids.programs.items():
        inherited = max((strong.get(d, 0.0) for d in aid.directions), default=0.0) * PROGRAM_FROM_DIRECTION
        if inherited:
            direct[name] = direct.get(name, 0.0) + inherited
    return sorted(direct.items(), key=lambda kv: (-kv[1], kv[0]))


def keep_strong(ranked: Sequence[tuple[str, float]], ratio: float, limit: int) -> list[tuple[str, float]]:
    """The leaders: those within ``ratio`` of the best score, at most ``limit``."""
    if not ranked:
        return []
    best = ranked[0][1]
    return [kv for kv in ranked[:limit] if kv[1] >= best * ratio]


def direction_match(corpus: Corpus, title: str, score: float) -> DirectionMatch:
    strat = corpus.document.strategy_of(title)
    direction = next(d for d in strat.directions if d.title == title)
    return DirectionMatch(
        strategy=strat.numeral,
        strategy_title=strat.title,
        title=title,
        score=round(score, 5),
        items=tuple(direction.items),
        title_en=corpus.aids.directions[title].en,
    )


def program_match(corpus: Corpus, name: str, score: float) -> ProgramMatch:
    cases = corpus.document.cases_using(name)
    uses = []
    for case in cases:
        did = next((a.text for a in case.actions if name in a.programs), case.business[0])
        uses.append(CaseUse(company=case.company, ward=case.ward, did=did, result=case.results[-1]))
    return ProgramMatch(
        name=name,
        score=round(score, 5),
        cases=tuple(c.company for c in cases),
        uses=tuple(uses),
        name_en=corpus.aids.programs[name].en,
    )


def _citation(chunk: Chunk, direction: str = "", program: str = "") -> Citation:
    assert chunk.span is not None
    return Citation(chunk.id, chunk.quote, (chunk.span.start, chunk.span.end), chunk.kind, direction, program)


def citations(
    hits: Sequence[Hit],
    all_chunks: Sequence[Chunk],
    directions: Sequence[str],
    programs: Sequence[str],
    extra: Sequence[Chunk] = (),
    per_target: int = 2,
) -> list[Citation]:
    """Document passages behind each matched direction and program; aids are never cited.

    Retrieved passages come first; a direction or program with none retrieved is cited by
    its own title or by the case page that lists it, so every match stays checkable.
    """
    doc_hits = [h.chunk for h in hits if not h.chunk.curated and h.chunk.span is not None]
    out: list[Citation] = []
    seen: set[str] = set()

    def add(chunk: Chunk, direction: str = "", program: str = "") -> None:
        if chunk.id not in seen:
            seen.add(chunk.id)
            out.append(_citation(chunk, direction, program))

    for title in directions:
        mine = [
            c
            for c in doc_hits
            if title in c.directions and c.kind in ("direction_item", "direction_title", "issue", "remark")
        ]
        if not any(c.kind == "direction_item" for c in mine):
            mine += [c for c in all_chunks if c.kind == "direction_title" and c.directions == (title,)]
        for chunk in mine[:per_target]:
            add(chunk, direction=title)
    for name in programs:
        mine = [c for c in doc_hits if name in c.programs and c.kind in ("case_action", "case_programs")]
        mine += [c for c in all_chunks if c.kind == "case_programs" and name in c.programs]
        for chunk in mine[:1]:
            add(chunk, program=name)
    for chunk in extra:
        add(chunk)
    return out
