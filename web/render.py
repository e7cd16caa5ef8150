"""Answers as HTML cards for the chat (pure).

Read top-down like an owner on a phone reads: the lead sentence, then what may help (a program
and a company that used it), then the policy direction behind it (explained once in plain
words), then figures and facts, the next step, and the quoted sources. Built only from the
Answer's structured fields (web.presented), never from its prose.

The output is one line with no blank lines, so the chat's Markdown renderer passes it through
as a single raw HTML block instead of reading ``*``, ``_`` or ``#`` in quotes as formatting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.models import Answer, Citation, DirectionMatch, Item, ProgramMatch, Section
from web.display import esc, rejoin, text_html
from web.labels import LangUi, load_ui
from web.presented import (
    has_matches,
    lead_of,
    next_step,
    presented_directions,
    presented_programs,
    sections_of,
)

MAX_USES = 2  # company examples shown per program card; the rest are in the citations
PREVIEW_CHARS = 48
# Problems: what helps first. Other questions (survey, case, structure): their answer first.
ORDER_PROBLEM = ("programs", "directions", "cases", "survey", "facts", "structure", "not_covered", "others")
ORDER_OTHER = ("facts", "survey", "cases", "structure", "programs", "directions", "not_covered", "others")


def gloss_html(gloss: str, ui: LangUi) -> str:
    """A project-written English gloss, always marked as a translation."""
    if not gloss:
        return ""
    mark = f'<span class="sn-tr">（{esc(ui.translation_mark)}）</span>'
    return f'<span class="sn-gloss" lang="en">{esc(gloss)}</span>{mark}'


def quote_html(text: str) -> str:
    return f'<span class="sn-quote">「{esc(rejoin(text))}」</span>'


def render_user(text: str) -> str:
    return f'<div class="sn-user">{text_html(text)}</div>'


def render_message(
    text: str, kind: str = "info", notices: Sequence[str] = (), ui: LangUi | None = None
) -> str:
    """A polite one-box message: declines, clarifying questions, errors."""
    return (
        f'<div class="sn-answer">{_notices(notices, ui)}'
        f'<div class="sn-msg sn-msg-{esc(kind)}">{text_html(text)}</div></div>'
    )


def _notices(notices: Sequence[str], ui: LangUi | None) -> str:
    mark = esc(ui.notice_mark) + " " if ui else ""
    return "".join(f'<div class="sn-notice">{mark}{esc(n)}</div>' for n in notices)


def _section(cls: str, head: str, body: str) -> str:
    return f'<div class="sn-section {cls}"><div class="sn-head">{esc(head)}</div>{body}</div>'


def _list(items: Sequence[str], cls: str = "") -> str:
    """A <ul> of already-escaped items."""
    attr = f' class="{cls}"' if cls else ""
    return f"<ul{attr}>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _cites(numbers: Sequence[int]) -> str:
    return "".join(f'<sup class="sn-ref">[{n}]</sup>' for n in numbers)


def item_html(item: Item, ui: LangUi, lang: str) -> str:
    text = quote_html(item.text) if item.quote else esc(item.text)
    gloss = " " + gloss_html(item.gloss, ui) if item.gloss and lang == "en" else ""
    return f"{text}{gloss}{_cites(item.cite)}"


def _use_row(label: str, quote: str) -> str:
    return f'<div class="sn-use-row"><span class="sn-use-label">{esc(label)}</span>{quote_html(quote)}</div>'


def _program_card(p: ProgramMatch, ui: LangUi, lang: str) -> str:
    uses = [
        '<div class="sn-use">'
        f'<div class="sn-company">{esc(ui.used_by)}: {esc(u.company)}'
        f'{f"（{esc(u.ward)}）" if u.ward else ""}</div>'
        f"{_use_row(ui.did_label, u.did)}{_use_row(ui.result_label, u.result)}</div>"
        for u in p.uses[:MAX_USES]
    ]
    if not uses and p.cases:
        sep = "、" if lang == "ja" else ", "
        uses.append(f'<div class="sn-use">{esc(ui.used_by)}: {esc(sep.join(p.cases))}</div>')
    gloss = f'<div class="sn-card-gloss">{gloss_html(p.name_en, ui)}</div>' if lang == "en" else ""
    return (
        f'<div class="sn-card sn-program"><div class="sn-kicker">{esc(ui.program_label)}</div>'
        f'<div class="sn-program-name">{esc(p.name)}</div>{gloss}{"".join(uses)}</div>'
    )


def _direction_card(d: DirectionMatch, ui: LangUi, lang: str, strategy_en: Mapping[str, str]) -> str:
    strategy_gloss = gloss_html(strategy_en.get(d.strategy, ""), ui) if lang == "en" else ""
    gloss = f'<div class="sn-card-gloss">{gloss_html(d.title_en, ui)}</div>' if lang == "en" else ""
    items = _list([quote_html(i) for i in d.items], "sn-items")
    return (
        '<div class="sn-card sn-direction">'
        f'<div class="sn-strategy"><span class="sn-numeral">{esc(ui.strategy(d.strategy))}</span>'
        f" {esc(d.strategy_title)} {strategy_gloss}</div>"
        f'<div class="sn-kicker">{esc(ui.direction_label)}</div>'
        f'<div class="sn-title">「{esc(d.title)}」</div>{gloss}'
        f'<div class="sn-sub">{esc(ui.items_label)}</div>{items}</div>'
    )


def _matched(section: Section, known: Sequence[object], name: str) -> list:
    """The presented matches a section is about, in the section's order (all when it names none)."""
    by_name = {getattr(m, name): m for m in known}
    # a section has several lines per match (its title, then its quoted items): one card each
    refs = [by_name[ref] for ref in dict.fromkeys(i.ref for i in section.items) if ref in by_name]
    return refs or list(known)


def _render_section(section: Section, answer: Answer, ui: LangUi, strategy_en: Mapping[str, str]) -> str:
    lang = answer.lang
    if section.kind == "programs" and (programs := presented_programs(answer)):
        cards = "".join(_program_card(p, ui, lang) for p in _matched(section, programs, "name"))
        return _section("sn-programs", section.title or ui.programs_label, cards)
    if section.kind == "directions" and (directions := presented_directions(answer)):
        explain = f'<p class="sn-explain">{esc(ui.direction_explain)}</p>'
        cards = "".join(
            _direction_card(d, ui, lang, strategy_en) for d in _matched(section, directions, "title")
        )
        return _section("sn-directions", section.title or ui.direction_label, explain + cards)
    body = _list([item_html(i, ui, lang) for i in section.items])
    return _section(f"sn-{esc(section.kind)}", section.title, body)


def citation_html(i: int, c: Citation, ui: LangUi) -> str:
    """An expandable source passage, marked as a quote from the document with its span."""
    text = rejoin(c.text)  # shown joined; the span still points at the source as extracted
    preview = text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"
    return (
        '<details class="sn-cite"><summary>'
        f'<span class="sn-cite-n">[{i}]</span> <span class="sn-cite-mark">{esc(ui.quote_mark)}</span>'
        f' <span class="sn-span">{esc(ui.span(c.span))}</span>'
        f'<span class="sn-cite-preview">{esc(preview)}</span></summary>'
        f'<blockquote class="sn-cite-text" data-span="{c.span[0]}-{c.span[1]}">{esc(text)}</blockquote>'
        "</details>"
    )


def _ordered(sections: Sequence[Section], answer: Answer) -> list[Section]:
    order = ORDER_PROBLEM if answer.type == "problem" else ORDER_OTHER
    rank = {kind: i for i, kind in enumerate(order)}
    return sorted((s for s in sections if s.kind != "next_step"), key=lambda s: rank.get(s.kind, len(order)))


def render_answer(answer: Answer, strategy_en: Mapping[str, str] | None = None) -> str:
    """One answer as HTML. Labels follow the answer's language, like the answer text."""
    ui = load_ui().for_lang(answer.lang)
    sections = sections_of(answer, ui)
    if not answer.in_scope or answer.clarify or not (has_matches(answer) or answer.sections):
        kind = "decline" if not answer.in_scope else "clarify" if answer.clarify else "info"
        return render_message(answer.lead or answer.answer, kind, answer.notices, ui)

    parts = [f'<div class="sn-answer" lang="{esc(answer.lang)}">', _notices(answer.notices, ui)]
    if lead := lead_of(answer, ui):
        parts.append(f'<p class="sn-lead">{esc(lead)}</p>')
    parts += [_render_section(s, answer, ui, strategy_en or {}) for s in _ordered(sections, answer)]
    steps = [s for s in sections if s.kind == "next_step" and s.items]
    step = " ".join(i.text for s in steps for i in s.items) if steps else next_step(answer, ui)
    parts.append(_section("sn-next", ui.next_label, f"<p>{esc(step)}</p>"))
    if answer.citations:
        cites = "".join(citation_html(i, c, ui) for i, c in enumerate(answer.citations, start=1))
        parts.append(_section("sn-sources", ui.citations_label, cites))
    parts.append("</div>")
    return "".join(parts)
