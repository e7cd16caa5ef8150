"""Compose the answer text from retrieved structure (pure; wording in data/templates.yaml)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.models import Citation, DirectionMatch, ProgramMatch, SurveyFact

TEMPLATES_FILE = Path(__file__).resolve().parent / "data" / "templates.yaml"
MAX_QUOTE = 160


class LangTemplates(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    summary_one: str
    summary_many: str
    directions_head: str
    direction_line: str
    item_line: str
    programs_head: str
    program_line: str
    use_line: str
    survey_head: str
    survey_line: str
    rank_text: str
    next_head: str
    next_step: str
    sources_head: str
    source_line: str
    facts_head: str
    out_of_scope: str
    injection: str
    clarify: str
    empty: str


class Templates(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    ja: LangTemplates
    en: LangTemplates
    clarify_choices: dict[str, list[str]]

    def for_lang(self, lang: str) -> LangTemplates:
        return self.en if lang == "en" else self.ja


@lru_cache(maxsize=2)
def load_templates(path: Path = TEMPLATES_FILE) -> Templates:
    from corpus.load import load_yaml_model  # one YAML/validation path for all data files

    return load_yaml_model(Templates, path)


def _short(text: str, limit: int = MAX_QUOTE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reiwa_to_western(year: str) -> str:
    """令和５年度 → 2023 (Reiwa 1 is 2019); the label itself when it is not a Reiwa year."""
    match = re.match(r"令和\s*(\d+)", unicodedata.normalize("NFKC", year))
    return str(2018 + int(match.group(1))) if match else year


def survey_sentence(t: LangTemplates, fact: SurveyFact, lang: str) -> str:
    rank = t.rank_text.format(table=fact.title, rank=fact.rank) if fact.rank else ""
    western = reiwa_to_western(fact.year)
    fiscal = "FY" if "年度" in fact.year else ""
    year = fact.year if lang == "ja" or western == fact.year else f"{fact.year} ({fiscal}{western})"
    return t.survey_line.format(
        year=year, respondents=f"{fact.respondents:,}", label=fact.label, percent=fact.percent, rank_text=rank
    )


def compose_answer(
    lang: str,
    directions: Sequence[DirectionMatch],
    programs: Sequence[ProgramMatch],
    survey: Sequence[SurveyFact],
    citations: Sequence[Citation],
    strategy_en: dict[str, str],
    fact_passages: Sequence[Citation] = (),
) -> str:
    t = load_templates().for_lang(lang)
    lines: list[str] = []
    if directions:
        first = directions[0]
        if len(directions) == 1:
            lines.append(
                t.summary_one.format(
                    numeral=first.strategy,
                    strategy=first.strategy_title,
                    strategy_en=strategy_en.get(first.strategy, ""),
                    title=first.title,
                    title_en=first.title_en,
                )
            )
        else:
            lines.append(t.summary_many.format(first=first.title, first_en=first.title_en, n=len(directions)))
    if fact_passages:
        lines += ["", t.facts_head]
        lines += [
            f"・{_short(c.text, 240)}" if lang == "ja" else f"• “{_short(c.text, 240)}”"
            for c in fact_passages
        ]
    if survey:
        lines += ["", t.survey_head]
        lines += [survey_sentence(t, f, lang) for f in survey]
    if directions:
        lines += ["", t.directions_head]
        for i, d in enumerate(directions, start=1):
            lines.append(
                t.direction_line.format(
                    i=i, numeral=d.strategy, strategy=d.strategy_title, title=d.title, title_en=d.title_en
                )
            )
            lines += [t.item_line.format(item=item) for item in d.items]
    if programs:
        lines += ["", t.programs_head]
        for p in programs:
            companies = "、".join(p.cases) if lang == "ja" else ", ".join(p.cases)
            lines.append(t.program_line.format(name=p.name, name_en=p.name_en, companies=companies))
            for use in p.uses[:1]:
                lines.append(
                    t.use_line.format(
                        company=use.company,
                        ward=use.ward,
                        did=_short(use.did, 90),
                        result=_short(use.result, 90),
                    )
                )
    if directions or programs:
        lines += ["", t.next_head, t.next_step]
    if citations:
        lines += ["", t.sources_head]
        lines += [t.source_line.format(i=i, text=_short(c.text)) for i, c in enumerate(citations, start=1)]
    return "\n".join(lines).strip()


def decline(lang: str, reason: str) -> str:
    t = load_templates().for_lang(lang)
    return {"injection": t.injection, "empty": t.empty}.get(reason, t.out_of_scope)


def clarify(lang: str) -> tuple[str, list[str]]:
    templates = load_templates()
    return templates.for_lang(lang).clarify, list(templates.clarify_choices["en" if lang == "en" else "ja"])
