"""Sections that are not cards: survey tables, the document's structure, what the document
can't answer, related directions (施策ナビ's reading), and plain lists (pure).

A survey section from the engine is one block per year: the year's head, then one line per
row ("1位 人材不足への対応 55%"). Each row carries its figure as data (``Item.fact``): the
table is drawn from that, never read back from the text; two years become one comparison
table. A line without a figure leaves the section a plain list. In English a row shows the
project's gloss, marked, above the document's label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.models import Answer, Item, Section
from web.display import esc
from web.document import gloss_of
from web.fragments import (
    by_ref,
    cites,
    gloss_html,
    is_headed,
    is_year_table,
    item_html,
    list_html,
    section_html,
)
from web.labels import LangUi

HIT = ' class="sn-hit"'


@dataclass(frozen=True)
class Row:
    rank: int
    label: str
    percent: str


@dataclass(frozen=True)
class YearTable:
    year: str
    cite: tuple[int, ...]
    rows: tuple[Row, ...]


def _row(item: Item) -> Row | None:
    """A row from its figure, the engine's data; None for a line without one."""
    if item.fact is None or item.fact.rank is None:
        return None
    return Row(item.fact.rank, item.fact.label, str(item.fact.percent))


def read_tables(section: Section) -> list[YearTable] | None:
    """The section's year blocks as tables; None when it is not a table (a figure, a profile)."""
    tables = []
    for group in by_ref(section.items):
        if not is_year_table(group):
            return None
        rows = [_row(i) for i in group[1:]]
        if not all(rows):
            return None
        tables.append(YearTable(group[0].text, group[0].cite, tuple(r for r in rows if r)))
    return tables or None


def _is_hit(label: str, lead: str) -> bool:
    """The row the lead talks about (its Japanese label, without an English gloss)."""
    return bool(lead) and label.split(" (")[0] in lead


def _label(label: str, ui: LangUi, lang: str) -> str:
    """A row's label: the document's words; in English the project's gloss first, marked."""
    gloss = gloss_of(label) if lang == "en" else ""
    if not gloss:
        return esc(label)
    return f'{gloss_html(gloss, ui)}<span class="sn-orig" lang="ja">{esc(label)}</span>'


def _table(body: str, caption: str, head: Sequence[str]) -> str:
    ths = "".join(f'<th scope="col">{esc(h)}</th>' for h in head)
    return (
        f'<div class="sn-table-wrap"><table class="sn-table"><caption>{caption}</caption>'
        f"<thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _one_year(t: YearTable, lead: str, ui: LangUi, lang: str) -> str:
    body = "".join(
        f'<tr{HIT if _is_hit(r.label, lead) else ""}><td class="sn-rank">{r.rank}</td>'
        f'<td>{_label(r.label, ui, lang)}</td><td class="sn-pct">{esc(r.percent)}%</td></tr>'
        for r in t.rows
    )
    return _table(body, f"{esc(t.year)}{cites(t.cite)}", [ui.col_rank, ui.col_item, ui.col_share])


def _two_years(old: YearTable, new: YearTable, lead: str, ui: LangUi, lang: str) -> str:
    before, after = {r.label: r for r in old.rows}, {r.label: r for r in new.rows}
    labels = [*after, *(label for label in before if label not in after)]

    def cell(row: Row | None) -> str:
        if row is None:
            return '<td class="sn-pct">—</td>'
        rank = esc(ui.rank_short.format(rank=row.rank))
        return f'<td class="sn-pct">{esc(row.percent)}% <span class="sn-rank-small">{rank}</span></td>'

    body = "".join(
        f"<tr{HIT if _is_hit(label, lead) else ''}><td>{_label(label, ui, lang)}</td>"
        f"{cell(before.get(label))}{cell(after.get(label))}</tr>"
        for label in labels
    )
    caption = f"{esc(old.year)}{cites(old.cite)} → {esc(new.year)}{cites(new.cite)}"
    return _table(body, caption, [ui.col_item, old.year, new.year])


def survey_html(section: Section, answer: Answer, ui: LangUi) -> str:
    tables = read_tables(section)
    if tables is None:
        body = list_html([item_html(i, ui, answer.lang) for i in section.items])
        return section_html("sn-survey", section.title, body)
    if len(tables) == 2:
        body = _two_years(tables[0], tables[1], answer.lead, ui, answer.lang)
    else:
        body = "".join(_one_year(t, answer.lead, ui, answer.lang) for t in tables)
    return section_html("sn-survey sn-survey-table", section.title, body)


def grouped_html(section: Section, ui: LangUi, lang: str, cls: str) -> str:
    """Items under their heads (a direction and its items); loose items as one list."""
    blocks: list[str] = []
    loose: list[str] = []
    for group in by_ref(section.items):
        if not is_headed(group):
            loose += [item_html(i, ui, lang) for i in group]
            continue
        if loose:
            blocks.append(list_html(loose))
            loose = []
        items = list_html([item_html(i, ui, lang) for i in group[1:]], "sn-items")
        title = f'<div class="sn-sub-title">{item_html(group[0], ui, lang)}</div>'
        blocks.append(f'<div class="sn-sub-card">{title}{items}</div>')
    if loose:
        blocks.append(list_html(loose))
    return section_html(cls, section.title, "".join(blocks))


def not_covered_html(section: Section, ui: LangUi, lang: str) -> str:
    body = "".join(f"<p>{item_html(i, ui, lang)}</p>" for i in section.items)
    return section_html("sn-not-covered", section.title, body, role="note")


def plain_html(section: Section, ui: LangUi, lang: str) -> str:
    cls = {"related": "sn-related", "facts": "sn-facts"}.get(section.kind, f"sn-{esc(section.kind)}")
    return section_html(cls, section.title, list_html([item_html(i, ui, lang) for i in section.items]))
