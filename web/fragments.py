"""Small HTML pieces every part of an answer uses: quotes, glosses, citation marks (pure).

English answers lead with the project's translation, marked as such, and keep the document's
Japanese words beneath it as the original; Japanese answers show the quote alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.models import Item
from web.display import esc, rejoin
from web.labels import LangUi


def gloss_html(gloss: str, ui: LangUi) -> str:
    """A project-written English gloss, always marked as a translation."""
    if not gloss:
        return ""
    mark = f'<span class="sn-tr">（{esc(ui.translation_mark)}）</span>'
    return f'<span class="sn-gloss" lang="en">{esc(gloss)}</span>{mark}'


def quote_html(text: str) -> str:
    return f'<span class="sn-quote" lang="ja">「{esc(rejoin(text))}」</span>'


def cites(numbers: Iterable[int]) -> str:
    return "".join(f'<sup class="sn-ref">[{n}]</sup>' for n in numbers)


def quoted(text: str, gloss: str, ui: LangUi, lang: str, numbers: Iterable[int] = ()) -> str:
    """A document quote: in English the gloss first, then the Japanese original beneath it."""
    if gloss and lang == "en":
        label = f'<span class="sn-orig-label">{esc(ui.original_label)}</span>'
        original = f'<span class="sn-orig">{label}{quote_html(text)}</span>'
        return f"{gloss_html(gloss, ui)}{cites(numbers)}{original}"
    return f"{quote_html(text)}{cites(numbers)}"


def item_html(item: Item, ui: LangUi, lang: str) -> str:
    if item.quote:
        return quoted(item.text, item.gloss, ui, lang, item.cite)
    gloss = " " + gloss_html(item.gloss, ui) if item.gloss and lang == "en" else ""
    return f"{esc(item.text)}{gloss}{cites(item.cite)}"


def section_html(cls: str, head: str, body: str, role: str = "") -> str:
    attr = f' role="{role}"' if role else ""
    heading = f'<div class="sn-head">{esc(head)}</div>' if head else ""
    return f'<div class="sn-section {cls}"{attr}>{heading}{body}</div>'


def list_html(items: Sequence[str], cls: str = "") -> str:
    """A <ul> of already-escaped items."""
    attr = f' class="{cls}"' if cls else ""
    return f"<ul{attr}>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def by_ref(items: Sequence[Item]) -> list[list[Item]]:
    """Consecutive items about the same thing (a direction, a company, a year's table)."""
    groups: list[list[Item]] = []
    for item in items:
        if groups and item.ref and groups[-1][0].ref == item.ref:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def is_headed(group: Sequence[Item]) -> bool:
    """A group's first line names what the rest are about (a direction title before its items)."""
    first = group[0]
    return len(group) > 1 and (first.text == first.ref or not first.quote)


def is_year_table(group: Sequence[Item]) -> bool:
    """A survey year's block: its head (ref ``table:year``) and its rows."""
    return ":" in group[0].ref and len(group) > 1


def cite_index(items: Sequence[Item]) -> dict[str, Item]:
    """A section's quoted items by their text, for cards built from the matches."""
    out: dict[str, Item] = {}
    for item in items:
        out.setdefault(item.text, item)
    return out
