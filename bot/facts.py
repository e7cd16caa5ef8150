"""Survey figures that fit a question: asked for directly, or as context for a direction."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.keywords import tokens
from bot.models import SurveyFact
from corpus.load import Corpus

HINTS_FILE = Path(__file__).resolve().parent / "data" / "survey_hints.yaml"
# Tokens too common in row labels to say which row a question means.
_GENERIC = {"対応", "支援", "強化", "取組", "取り組み", "向ける", "為", "等", "導入", "不足"}


class SurveyHints(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    asks_survey: str
    previous_year: str
    tables: dict[str, str]
    profile: str


@lru_cache(maxsize=2)
def load_hints(path: Path = HINTS_FILE) -> SurveyHints:
    from corpus.load import load_yaml_model  # one YAML/validation path for all data files

    return load_yaml_model(SurveyHints, path)


def _fact(corpus: Corpus, table_id: str, year_idx: int, row_idx: int) -> SurveyFact:
    sv = corpus.document.survey
    table = next(t for t in sv.tables if t.id == table_id)
    year = table.years[year_idx]
    row = year.rows[row_idx]
    return SurveyFact(table_id, table.title, year.year, row.rank, row.label, row.percent, sv.respondents)


def asked_facts(corpus: Corpus, query: str) -> list[SurveyFact]:
    """Figures a question asks for; empty when it does not ask about the survey."""
    hints = load_hints()
    if not re.search(hints.asks_survey, query, re.I):
        return []
    sv = corpus.document.survey
    if re.search(hints.profile, query, re.I):
        return profile_facts(corpus, query)
    prev = bool(re.search(hints.previous_year, query, re.I))
    q = set(tokens(query)) - _GENERIC
    wanted_tables = [tid for tid, pat in hints.tables.items() if re.search(pat, query, re.I)]
    facts: list[SurveyFact] = []
    for table in sv.tables:
        year_idx = 0 if prev else len(table.years) - 1
        rows = table.years[year_idx].rows
        scored = []
        for i, row in enumerate(rows):
            label = set(tokens(row.label)) - _GENERIC
            overlap = len(q & label) / max(len(label), 1)
            if overlap >= 0.5:
                scored.append((overlap, i))
        if scored and (not wanted_tables or table.id in wanted_tables):
            facts.extend(_fact(corpus, table.id, year_idx, i) for _, i in sorted(scored, reverse=True)[:2])
        elif table.id in wanted_tables and not any(f.table == table.id for f in facts):
            facts.extend(_fact(corpus, table.id, year_idx, i) for i in range(min(3, len(rows))))
    if not facts and wanted_tables == []:
        # A survey question naming no table: the headline result.
        facts = [_fact(corpus, "management_issues", len(sv.tables[0].years) - 1, i) for i in range(3)]
    return facts[:6]


def context_facts(corpus: Corpus, directions: Sequence[str]) -> list[SurveyFact]:
    """For the top direction, how many surveyed companies named a matching management issue."""
    links = corpus.aids.survey_links
    for title in directions[:1]:
        for table_id in ("management_issues", "support_wanted"):
            for label, linked in links.get(table_id, {}).items():
                if title in linked:
                    table = next(t for t in corpus.document.survey.tables if t.id == table_id)
                    last = len(table.years) - 1
                    idx = next((i for i, r in enumerate(table.years[last].rows) if r.label == label), None)
                    if idx is not None:
                        return [_fact(corpus, table_id, last, idx)]
    return []


def profile_facts(corpus: Corpus, query: str) -> list[SurveyFact]:
    """Who answered the survey: the groups (業種, 従業員数, 創業年) the question names, else all."""
    sv = corpus.document.survey
    q = tokens(query)
    named = [g for g in sv.profile if set(tokens(g.name)) & set(q)]
    facts = []
    for group in named or sv.profile:
        top = max(group.rows, key=lambda r: r.percent)
        facts.append(
            SurveyFact("profile", group.name, sv.period, None, top.label, top.percent, sv.respondents)
        )
    return facts


def linked_directions(corpus: Corpus, asked: Sequence[SurveyFact]) -> set[str]:
    """Directions the project links (aids.yaml survey_links) to the asked survey rows."""
    links = corpus.aids.survey_links
    return {d for f in asked for d in links.get(f.table, {}).get(f.label, [])}
