"""Answers as HTML for the chat (pure).

Read top-down like an owner on a phone reads: the lead sentence, a gentle note on what the
document can't answer, then what may help (a program and a company that used it), the policy
direction behind it (explained once in plain words), figures and facts, the next step, and the
quoted sources (folded, numbered, each expandable). Other questions show their own answer first:
a survey's table, a company's card, the document's structure. Built only from the Answer's
structured fields (web.presented), never from its prose.

The output is one line with no blank lines, so the chat's Markdown renderer passes it through
as a single raw HTML block instead of reading ``*``, ``_`` or ``#`` in quotes as formatting.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.models import Answer, Citation, Section
from web.blocks import grouped_html, not_covered_html, plain_html, survey_html
from web.cards import case_cards, direction_cards, program_cards
from web.display import esc, rejoin, text_html
from web.fragments import section_html
from web.labels import LangUi, load_ui
from web.presented import (
    has_matches,
    lead_of,
    next_step,
    presented_directions,
    presented_programs,
    sections_of,
)

PREVIEW_CHARS = 48
# Problems: what helps first. Other questions (survey, case, structure): their answer first.
# What the document can't answer comes right under the lead, so the owner sees it was heard.
ORDER_PROBLEM = (
    "not_covered",
    "programs",
    "directions",
    "linked",
    "cases",
    "survey",
    "facts",
    "structure",
    "related",
    "others",
)
ORDER_OTHER = (
    "not_covered",
    "survey",
    "cases",
    "structure",
    "facts",
    "programs",
    "directions",
    "linked",
    "related",
    "others",
)
STEP_TYPES = ("problem", "case")  # a survey figure or the document's structure needs no next step


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
    return "".join(f'<div class="sn-notice" role="note">{mark}{esc(n)}</div>' for n in notices)


def render_section(section: Section, answer: Answer, ui: LangUi, explain: str) -> str:
    lang, kind = answer.lang, section.kind
    if kind == "programs" and presented_programs(answer):
        return section_html("sn-programs", section.title, program_cards(section, answer, ui))
    if kind == "directions" and presented_directions(answer):
        intro = f'<p class="sn-explain">{esc(explain)}</p>' if explain else ""
        body = intro + direction_cards(section, answer, ui)
        return section_html("sn-directions", section.title, body)
    if kind == "cases":
        return section_html("sn-cases", section.title, case_cards(section, ui, lang))
    if kind == "survey":
        return survey_html(section, answer, ui)
    if kind in ("structure", "others", "programs", "directions"):
        return grouped_html(section, ui, lang, f"sn-{kind}")
    if kind == "not_covered":
        return not_covered_html(section, ui, lang)
    return plain_html(section, ui, lang)


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


def sources_html(citations: Sequence[Citation], ui: LangUi) -> str:
    """All sources folded under one line (a phone's screen is for the answer); each one opens."""
    if not citations:
        return ""
    cites = "".join(citation_html(i, c, ui) for i, c in enumerate(citations, start=1))
    head = esc(ui.citations_count.format(label=ui.citations_label, n=len(citations)))
    summary = f'<summary class="sn-head">{head}</summary>'
    return f'<details class="sn-section sn-sources">{summary}{cites}</details>'


def _ordered(sections: Sequence[Section], answer: Answer) -> list[Section]:
    order = ORDER_PROBLEM if answer.type == "problem" else ORDER_OTHER
    rank = {kind: i for i, kind in enumerate(order)}
    shown = [s for s in sections if s.kind != "next_step" and s.items]  # never an empty section
    return sorted(shown, key=lambda s: rank.get(s.kind, len(order)))


def _step(sections: Sequence[Section], answer: Answer, ui: LangUi) -> str:
    steps = [i.text for s in sections if s.kind == "next_step" for i in s.items]
    if steps:
        return " ".join(steps)
    return next_step(answer, ui) if answer.type in STEP_TYPES and has_matches(answer) else ""


def render_answer(answer: Answer, explain: bool = True) -> str:
    """One answer as HTML. Labels follow the answer's language, like the answer text.
    ``explain``: say what 取組の方向性 means (a conversation says it once, the first time)."""
    ui = load_ui().for_lang(answer.lang)
    sections = sections_of(answer, ui)
    if not answer.in_scope or not (has_matches(answer) or any(s.items for s in sections)):
        kind = "clarify" if answer.clarify else "decline" if not answer.in_scope else "info"
        return render_message(answer.lead or answer.answer, kind, answer.notices, ui)
    ordered = _ordered(sections, answer)
    lead = lead_of(answer, ui)
    explain_text = ui.direction_explain if explain else ""  # 取組の方向性 in plain words, under the cards
    parts = [f'<div class="sn-answer" lang="{esc(answer.lang)}">']
    if lead:
        parts.append(f'<p class="sn-lead">{esc(lead)}</p>')
    parts.append(_notices(answer.notices, ui))  # after the lead: the answer comes first
    parts += [render_section(s, answer, ui, explain_text) for s in ordered]
    if step := _step(sections, answer, ui):
        parts.append(section_html("sn-next", ui.next_label, f"<p>{esc(step)}</p>"))
    parts.append(sources_html(answer.citations, ui))
    parts.append("</div>")
    return "".join(parts)
