"""Questions about the survey: which table, year(s), row or rank — and an answer whose first
sentence gives the figure, with the table behind it (pure, given the models' readings)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.compose import Draft
from bot.keywords import tokens
from bot.models import Answer, Item, SurveyFact
from corpus.load import Corpus
from corpus.models import PercentRow, ProfileGroup, SurveyTable


@dataclass(frozen=True)
class SurveyQuestion:
    table: str  # a table id, "profile" or "overview"
    ask: str  # top | rank | share | change | rise | fall | list | count | period | purpose
    years: tuple[str, ...]  # the year labels asked about, oldest first
    row: str | None = None  # the row label asked about
    rank: int | None = None  # the rank asked for
    group: str | None = None  # the profile group asked about


def table_of(corpus: Corpus, table_id: str) -> SurveyTable:
    return next(t for t in corpus.document.survey.tables if t.id == table_id)


def _row(table: SurveyTable, year: str, label: str) -> PercentRow | None:
    rows = next(y.rows for y in table.years if y.year == year)
    key = unicodedata.normalize("NFKC", label)
    return next((r for r in rows if unicodedata.normalize("NFKC", r.label) == key), None)


def rank_in(corpus: Corpus, table_id: str, year: str, label: str) -> int | None:
    """A row's rank in one year's table (None where that year lacks it)."""
    row = _row(table_of(corpus, table_id), year, label)
    return row.rank if row is not None else None


def label_at(corpus: Corpus, table_id: str, year: str, rank: int) -> str | None:
    """The row at a rank in one year's table."""
    rows = next(y.rows for y in table_of(corpus, table_id).years if y.year == year)
    return next((r.label for r in rows if r.rank == _place(rows, rank)), None)


def _place(rows: Sequence[PercentRow], rank: int | None) -> int | None:
    """A rank asked, with -1 (「最下位」) as the year's last."""
    return rows[-1].rank if rank == -1 and rows else rank


def fact(corpus: Corpus, table_id: str, year: str, row: PercentRow, by_rank: bool = False) -> SurveyFact:
    sv = corpus.document.survey
    title = table_of(corpus, table_id).title
    return SurveyFact(table_id, title, year, row.rank, row.label, row.percent, sv.respondents, by_rank)


def context_facts(
    corpus: Corpus, directions: Sequence[str], said: str = "", table_asked: str | None = None
) -> list[SurveyFact]:
    """For the first direction, the survey row the project links to it (aids.yaml survey_links);
    of several, the one whose words or everyday words the owner ``said`` (「お金の工面」 is
    資金調達, not 営業・販売力, though both are linked to 商店街や中小企業の活力向上) — a phrase's
    words in part (「大きな地震」 is some of 「地震対策」) — then the one in ``table_asked``."""
    links = corpus.aids.survey_links
    found: list[SurveyFact] = []
    for title in directions[:1]:
        for table_id in ("management_issues", "support_wanted"):
            table = table_of(corpus, table_id)
            year = table.years[-1].year
            for label, linked in links.get(table_id, {}).items():
                if title in linked and (row := _row(table, year, label)) is not None:
                    found.append(fact(corpus, table_id, year, row))
    if len(found) > 1 and said:
        words = set(tokens(said))

        def said_of(f: SurveyFact) -> float:
            aid = corpus.aids.survey_words.get(f.table, {}).get(f.label)
            phrases = [f.label, *((*aid.ja, *aid.en) if aid else ())]
            parts = [(w & words, w) for p in phrases if (w := set(tokens(p)) - {"支援", "対応", "対策"})]
            return sum(len(shared) / len(w) for shared, w in parts)

        def fit(f: SurveyFact) -> tuple[float, bool]:
            return said_of(f), f.table == table_asked

        return [max(found, key=fit)]  # the first of equals: the document's order
    if len(found) > 1 and table_asked is not None:
        return [next((f for f in found if f.table == table_asked), found[0])]
    return found[:1]


def _year(d: Draft, year: str) -> str:
    return d.corpus.gloss(year) or year if d.w.en else year


def _table_name(d: Draft, table_id: str) -> str:
    return str(d.w.say(f"survey.tables.{table_id}"))


def fact_item(d: Draft, f: SurveyFact) -> Item:
    chunk = d.passages.survey_tables.get(f"{f.table}:{f.year}")
    text = d.w.say(
        "problem.survey_item",
        label=f.label,
        label_en=d.corpus.gloss(f.label),
        table=_table_name(d, f.table),
        percent=f.percent,
        year=_year(d, f.year),
        rank=f.rank,
    )
    return d.line(text, ref=f.table, cite=d.cite(chunk), fact=f)


def _table_items(d: Draft, table_id: str, year: str) -> list[Item]:
    table = table_of(d.corpus, table_id)
    rows = next(y.rows for y in table.years if y.year == year)
    cite = d.cite(d.passages.survey_tables.get(f"{table_id}:{year}"))
    head = d.line(d.w.say("survey.year_head", year=_year(d, year)), ref=f"{table_id}:{year}", cite=cite)
    lines = [
        d.line(
            d.w.say(
                "survey.row", rank=r.rank, label=r.label, label_en=d.corpus.gloss(r.label), percent=r.percent
            ),
            ref=f"{table_id}:{year}",
            cite=cite,
            fact=fact(d.corpus, table_id, year, r),
        )
        for r in rows
    ]
    return [head, *lines]


def _overview(d: Draft, q: SurveyQuestion) -> str:
    sv = d.corpus.document.survey
    period = d.corpus.gloss(sv.period) or sv.period if d.w.en else sv.period
    d.add("facts", [d.quote(sv.respondents_quote), d.quote(sv.period), d.quote(sv.purpose)])
    if q.ask == "purpose":
        return d.w.say(
            "survey.lead_purpose",
            purpose=sv.purpose,
            purpose_en=d.corpus.gloss(sv.purpose),
            period=period,
            respondents=f"{sv.respondents:,}",
        )
    return d.w.say("survey.lead_overview", period=period, respondents=f"{sv.respondents:,}")


def _profile(d: Draft, q: SurveyQuestion) -> str:
    sv = d.corpus.document.survey
    groups = [g for g in sv.profile if g.name == q.group] or list(sv.profile)
    leads = []
    first = _profile_row(d, q, groups[0]) if len(groups) == 1 else None
    if first is not None:  # one row asked (「うちと同じ規模」), or the group's largest: it leads
        leads.append(first)
    for g in groups:
        rows = d.w.join(
            [
                d.w.say(
                    "survey.profile_row", label=r.label, label_en=d.corpus.gloss(r.label), percent=r.percent
                )
                for r in g.rows
            ]
        )
        name = _group_name(d, g.name)
        leads.append(d.w.say("survey.lead_profile", respondents=f"{sv.respondents:,}", group=name, rows=rows))
        d.add("survey", [d.line(leads[-1], ref=g.name, cite=d.cite(d.passages.survey_profile.get(g.name)))])
    return " ".join(leads)


def _group_name(d: Draft, name: str) -> str:
    return d.corpus.gloss(name) or name if d.w.en else name


def _profile_row(d: Draft, q: SurveyQuestion, group: ProfileGroup) -> str | None:
    """The sentence for the one row asked: the row named, or the largest when the top is asked."""
    row = next((r for r in group.rows if r.label == q.row), None)
    key = "survey.lead_profile_row"
    if row is None and q.ask == "top" and group.rows:
        row, key = max(group.rows, key=lambda r: r.percent), "survey.lead_profile_top"
    if row is None:
        return None
    return d.w.say(
        key,
        respondents=f"{d.corpus.document.survey.respondents:,}",
        group=_group_name(d, group.name),
        label=row.label,
        label_en=d.corpus.gloss(row.label),
        percent=row.percent,
    )


def _say(d: Draft, key: str, table_id: str, year: str, row: PercentRow, **more: object) -> str:
    """A survey sentence about one row: its table, year, label (and gloss), share and rank."""
    return d.w.say(
        key,
        table=_table_name(d, table_id),
        year=_year(d, year),
        respondents=f"{d.corpus.document.survey.respondents:,}",
        label=row.label,
        label_en=d.corpus.gloss(row.label),
        percent=row.percent,
        rank=row.rank,
        **more,
    )


def _row_figures(d: Draft, q: SurveyQuestion, found: list[tuple[str, PercentRow]]) -> str:
    """The asked row: its share in one year, its change over two, or the one year that has it."""
    if len(q.years) < 2:
        year, row = found[0]
        return _say(d, "survey.lead_share", q.table, year, row)
    if len(found) == 2:
        (y1, r1), (y2, r2) = found
        return _say(
            d,
            "survey.lead_change",
            q.table,
            y2,
            r2,
            year1=_year(d, y1),
            percent1=r1.percent,
            rank1=r1.rank,
            year2=_year(d, y2),
            percent2=r2.percent,
            rank2=r2.rank,
        )
    (year, row), other = found[0], next(x for x in q.years if x != found[0][0])
    return _say(d, "survey.lead_only_in", q.table, year, row, other_year=_year(d, other))


def _figures(d: Draft, q: SurveyQuestion) -> tuple[str, list[SurveyFact]]:
    corpus = d.corpus
    table = table_of(corpus, q.table)
    found = [(y, r) for y in q.years if q.row and (r := _row(table, y, q.row)) is not None]
    if q.row and found:
        return _row_figures(d, q, found), [fact(corpus, q.table, y, r) for y, r in found]
    if q.row:  # asked about a row that the asked year lacks: answer from the year that has it
        other = [y.year for y in table.years if _row(table, y.year, q.row) is not None]
        if other:
            return _figures(d, replace(q, years=(*q.years, *other)[-2:]))
    if q.ask in ("rise", "fall", "shift") and (moved := _moved(d, q)) is not None:
        return moved
    year = q.years[-1]
    rows = next(y.rows for y in table.years if y.year == year)
    top = rows[0]
    if q.ask == "change" and not q.row and table.notes:
        note = table.notes[0]
        lead = _say(d, "survey.lead_table_change", q.table, year, top, note=note, note_en=corpus.gloss(note))
        return lead, [fact(corpus, q.table, year, top)]
    if q.ask == "list":
        # the list leads with its top: 「前の年は？」 after it asks that year's top
        return _say(d, "survey.lead_list", q.table, year, top, n=len(rows)), [
            fact(corpus, q.table, year, top, by_rank=True)
        ]
    row = next((x for x in rows if x.rank == _place(rows, q.rank)), top)
    key = "survey.lead_top" if row is top else "survey.lead_rank"
    return _say(d, key, q.table, year, row), [fact(corpus, q.table, year, row, by_rank=True)]


def _moved(d: Draft, q: SurveyQuestion) -> tuple[str, list[SurveyFact]] | None:
    """The row that rose (or fell) most between the two years, of those listed in both; None
    when none moved that way."""
    table = table_of(d.corpus, q.table)
    first, last = table.years[0], table.years[-1]
    pairs = [(old, new) for new in last.rows if (old := _row(table, first.year, new.label)) is not None]
    sign = 1 if q.ask == "rise" else -1

    def size(old: PercentRow, new: PercentRow) -> int:  # "shift": either way
        return abs(new.percent - old.percent) if q.ask == "shift" else sign * (new.percent - old.percent)

    moved = [(size(old, new), old, new) for old, new in pairs]
    if not moved or max(m[0] for m in moved) <= 0:
        return None
    _, old, new = max(moved, key=lambda m: m[0])
    lead = _say(
        d, "survey.lead_moved", q.table, last.year, new, moved=d.w.say(f"survey.moved.{q.ask}"),
        year1=_year(d, first.year), percent1=old.percent, rank1=old.rank,
        year2=_year(d, last.year), percent2=new.percent, rank2=new.rank,
    )  # fmt: skip
    return lead, [fact(d.corpus, q.table, first.year, old), fact(d.corpus, q.table, last.year, new)]


def answer_survey(d: Draft, query: str, q: SurveyQuestion) -> Answer:
    facts: list[SurveyFact] = []
    if q.table == "overview":
        lead = _overview(d, q)
    elif q.table == "profile":
        lead = _profile(d, q)
    else:
        lead, facts = _figures(d, q)
        table = table_of(d.corpus, q.table)
        shown = sorted({f.year for f in facts} | set(q.years), key=[y.year for y in table.years].index)
        d.add("survey", [i for y in shown for i in _table_items(d, q.table, y)])
        notes = d.passages.survey_notes.get(q.table, [])
        d.add("facts", [d.quote(n) for n in table.notes if any(c.quote for c in notes)])
    return d.finish(query, "survey", lead, survey=facts)
