"""Cards for what an answer presents: programs with a company that used them, policy directions,
and company cases (pure).

The shape of a card comes from the matches (a program's uses, a direction's items); the words
come from the answer's section items, which carry the citation numbers and, in English
answers, the project's glosses. Programs that share the very same company example are one card.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.models import Answer, DirectionMatch, Item, ProgramMatch, Section
from web.display import esc
from web.document import case_parts, display_name, gloss_of
from web.fragments import by_ref, cite_index, cites, gloss_html, item_html, list_html, quoted
from web.labels import LangUi
from web.presented import presented_directions, presented_programs

MAX_USES = 2  # company examples shown per program card; the rest are in the citations


def matched(section: Section, known: Sequence[object], name: str) -> list:
    """The presented matches a section is about, in the section's order (all when it names none)."""
    by_name = {getattr(m, name): m for m in known}
    refs = [by_name[ref] for ref in dict.fromkeys(i.ref for i in section.items) if ref in by_name]
    return refs or list(known)


def _head_cites(section: Section) -> dict[str, tuple[int, ...]]:
    """The citation of each thing's first line (a program's or direction's own line)."""
    return {group[0].ref: group[0].cite for group in by_ref(section.items) if group[0].ref}


def _use_row(label: str, text: str, index: Mapping[str, Item], ui: LangUi, lang: str) -> str:
    item = index.get(text)
    body = quoted(text, item.gloss if item else "", ui, lang, item.cite if item else ())
    return f'<div class="sn-use-row"><span class="sn-use-label">{esc(label)}</span><span>{body}</span></div>'


def _uses_html(p: ProgramMatch, index: Mapping[str, Item], ui: LangUi, lang: str) -> str:
    out = []
    for u in p.uses[:MAX_USES]:
        ward = esc(display_name(u.ward, lang)) if u.ward else ""
        ward = (f" ({ward})" if lang == "en" else f"（{ward}）") if ward else ""
        out.append(
            f'<div class="sn-use"><div class="sn-company">{esc(ui.used_by)}: '
            f"{esc(display_name(u.company, lang))}{ward}</div>"
            f"{_use_row(ui.did_label, u.did, index, ui, lang)}"
            f"{_use_row(ui.result_label, u.result, index, ui, lang)}</div>"
        )
    if not out and p.cases:
        sep = "、" if lang == "ja" else ", "
        names = sep.join(display_name(c, lang) for c in p.cases)
        out.append(f'<div class="sn-use">{esc(ui.used_by)}: {esc(names)}</div>')
    return "".join(out)


def _merged(programs: Sequence[ProgramMatch]) -> list[list[ProgramMatch]]:
    """Programs in order; one that shows the same company examples as an earlier one joins it."""
    groups: dict[object, list[ProgramMatch]] = {}
    for p in programs:
        key = tuple(p.uses[:MAX_USES]) or p.name
        groups.setdefault(key, []).append(p)
    return list(groups.values())


def program_cards(section: Section, answer: Answer, ui: LangUi) -> str:
    lang, index, heads = answer.lang, cite_index(section.items), _head_cites(section)
    cards = []
    for group in _merged(matched(section, presented_programs(answer), "name")):
        names = "".join(
            f'<div class="sn-program-name">{esc(p.name)}{cites(heads.get(p.name, ()))}</div>'
            + (f'<div class="sn-card-gloss">{gloss_html(p.name_en, ui)}</div>' if lang == "en" else "")
            for p in group
        )
        cards.append(
            f'<div class="sn-card sn-program"><div class="sn-kicker">{esc(ui.program_label)}</div>'
            f"{names}{_uses_html(group[0], index, ui, lang)}</div>"
        )
    return "".join(cards)


def direction_card(d: DirectionMatch, ui: LangUi, lang: str, section: Section | None = None) -> str:
    index = cite_index(section.items) if section else {}
    head = _head_cites(section).get(d.title, ()) if section else ()
    strategy_gloss = gloss_html(gloss_of(d.strategy_title), ui) if lang == "en" else ""
    gloss = f'<div class="sn-card-gloss">{gloss_html(d.title_en, ui)}</div>' if lang == "en" else ""
    rows = [(t, index.get(t)) for t in d.items]
    items = list_html(
        [quoted(t, i.gloss if i else "", ui, lang, i.cite if i else ()) for t, i in rows], "sn-items"
    )
    return (
        '<div class="sn-card sn-direction">'
        f'<div class="sn-strategy"><span class="sn-numeral">{esc(ui.strategy(d.strategy))}</span>'
        f" {esc(d.strategy_title)} {strategy_gloss}</div>"
        f'<div class="sn-kicker">{esc(ui.direction_label)}</div>'
        f'<div class="sn-title">「{esc(d.title)}」{cites(head)}</div>{gloss}'
        f'<div class="sn-sub">{esc(ui.items_label)}</div>{items}</div>'
    )


def direction_cards(section: Section, answer: Answer, ui: LangUi) -> str:
    shown = matched(section, presented_directions(answer), "title")
    return "".join(direction_card(d, ui, answer.lang, section) for d in shown)


def _case_card(items: Sequence[Item], ui: LangUi, lang: str) -> str:
    head, rest = (items[0], items[1:]) if not items[0].quote else (None, items)
    labels = {"business": ui.business_label, "what_did": ui.did_label, "result": ui.result_label}
    parts = case_parts()
    rows, tail = [], []
    for item in rest:
        if not item.quote:
            tail.append(f'<div class="sn-case-uses">{item_html(item, ui, lang)}</div>')
            continue
        label = labels.get(parts.get(item.text, ""), "")
        tag = f'<span class="sn-use-label">{esc(label)}</span>' if label else ""
        rows.append(f'<div class="sn-use-row">{tag}<span>{item_html(item, ui, lang)}</span></div>')
    title = f'<div class="sn-company-name">{esc(head.text)}{cites(head.cite)}</div>' if head else ""
    return (
        f'<div class="sn-card sn-case">{title}<div class="sn-use">{"".join(rows)}</div>{"".join(tail)}</div>'
    )


def case_cards(section: Section, ui: LangUi, lang: str) -> str:
    return "".join(_case_card(group, ui, lang) for group in by_ref(section.items))
