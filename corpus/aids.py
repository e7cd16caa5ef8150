"""Project-written retrieval aids (data/aids.yaml), checked against the document.

Nothing here is a quote: these texts help retrieval and give English glosses; the bot
never shows them as the document's words.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from corpus.models import Document


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StrategyAid(_Frozen):
    en: str


class DirectionAid(_Frozen):
    en: str
    plain: list[str] = Field(min_length=1)
    en_plain: list[str] = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)


class ProgramAid(_Frozen):
    en: str
    summary_ja: str
    summary_en: str
    plain: list[str] = Field(min_length=1)
    en_plain: list[str] = Field(min_length=1)
    directions: list[str] = Field(min_length=1)


class RowWords(_Frozen):
    """An owner's everyday words for one survey row (「銀行」 for 金融機関)."""

    ja: list[str] = Field(min_length=1)
    en: list[str] = Field(min_length=1)


Links = dict[str, list[list[str]]]


class Aids(_Frozen):
    authored_by: str
    strategies: dict[str, StrategyAid]
    directions: dict[str, DirectionAid]
    programs: dict[str, ProgramAid]
    issue_links: Links
    remark_links: Links
    survey_links: dict[str, dict[str, list[str]]]
    survey_words: dict[str, dict[str, RowWords]] = Field(default_factory=dict)  # table (or "profile") -> row

    @property
    def program_links(self) -> dict[str, tuple[str, ...]]:
        """Each program's directions (the project's reading, not the document's words)."""
        return {n: tuple(a.directions) for n, a in self.programs.items()}


def check_against(aids: Aids, doc: Document) -> list[tuple[str, str]]:
    """Problems as (field, message): aids must name only what the document has, and all of it."""
    problems: list[tuple[str, str]] = []
    titles = set(doc.direction_titles())
    numerals = {s.numeral for s in doc.strategies}
    if set(aids.strategies) != numerals:
        problems.append(("strategies", f"must cover exactly {sorted(numerals)}"))
    if set(aids.directions) != titles:
        missing, extra = titles - set(aids.directions), set(aids.directions) - titles
        problems.append(("directions", f"missing {sorted(missing)}, unknown {sorted(extra)}"))
    names = {p.name for p in doc.programs}
    if set(aids.programs) != names:
        problems.append(("programs", f"must cover exactly {sorted(names)}"))
    for name, aid in aids.programs.items():
        for title in set(aid.directions) - titles:
            problems.append((f"programs.{name}.directions", f"unknown direction {title!r}"))
    for key, attr in (("issue_links", "issues"), ("remark_links", "remarks")):
        links: Links = getattr(aids, key)
        for numeral, per_unit in links.items():
            if numeral not in numerals:
                problems.append((f"{key}.{numeral}", "unknown strategy"))
                continue
            own = doc.strategy(numeral)
            if len(per_unit) != len(getattr(own, attr)):
                problems.append(
                    (f"{key}.{numeral}", f"needs one entry per {attr} ({len(getattr(own, attr))})")
                )
            own_titles = {d.title for d in own.directions}
            for i, linked in enumerate(per_unit):
                for title in set(linked) - own_titles:
                    problems.append(
                        (f"{key}.{numeral}[{i}]", f"{title!r} is not a direction of strategy {numeral}")
                    )
    tables = {t.id: t for t in doc.survey.tables}
    for table_id, rows in aids.survey_links.items():
        if table_id not in tables:
            problems.append((f"survey_links.{table_id}", "unknown survey table"))
            continue
        labels = {r.label for y in tables[table_id].years for r in y.rows}
        for label, linked in rows.items():
            if label not in labels:
                problems.append((f"survey_links.{table_id}.{label}", "unknown row label"))
            for title in set(linked) - titles:
                problems.append((f"survey_links.{table_id}.{label}", f"unknown direction {title!r}"))
    profile = {r.label for g in doc.survey.profile for r in g.rows} | {g.name for g in doc.survey.profile}
    for table_id, words in aids.survey_words.items():
        if table_id != "profile" and table_id not in tables:
            problems.append((f"survey_words.{table_id}", "unknown survey table"))
            continue
        labels = (
            profile if table_id == "profile" else {r.label for y in tables[table_id].years for r in y.rows}
        )
        problems += [
            (f"survey_words.{table_id}.{label}", "unknown row label") for label in set(words) - labels
        ]
    return problems
