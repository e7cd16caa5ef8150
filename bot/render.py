"""Answers as HTML cards for the chat (pure).

Every piece of text that reaches the HTML goes through ``esc``: questions, but also the
corpus quotes, because the page must never depend on what a data file happens to contain.
The output is one line with no blank lines, so the chat's Markdown renderer passes it through
as a single raw HTML block instead of reading ``*``, ``_`` or ``#`` in quotes as formatting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from bot.compose import load_templates, survey_sentence
from bot.models import Answer, Citation, DirectionMatch, ProgramMatch, SurveyFact
from bot.presented import other_directions, presented_directions, presented_programs
from bot.ui_text import LangUi, load_ui

MAX_USES = 2  # company examples shown per program card; the rest are in the citations
PREVIEW_CHARS = 48


def esc(text: object) -> str:
    # line breaks are folded too: a blank line would end the raw HTML block in Markdown
    return escape(" ".join(str(text).splitlines()), quote=True)


def text_html(text: str) -> str:
    """Plain text as HTML: escaped, line breaks kept as <br>."""
    return "<br>".join(esc(line) for line in text.splitlines())


def _tr(ui: LangUi) -> str:
    return f'<span class="sn-tr">（{esc(ui.translation_mark)}）</span>'


def gloss_html(gloss: str, ui: LangUi) -> str:
    """A project-written English gloss, always marked as a translation."""
    return f'<span class="sn-gloss" lang="en">{esc(gloss)}</span>{_tr(ui)}' if gloss else ""


def render_user(text: str) -> str:
    return f'<div class="sn-user">{text_html(text)}</div>'


def render_message(text: str, kind: str = "info") -> str:
    """A polite one-box message: declines, clarifying questions, errors."""
    return f'<div class="sn-answer"><div class="sn-msg sn-msg-{esc(kind)}">{text_html(text)}</div></div>'


def _facts_lines(answer: Answer) -> list[str]:
    """The composed answer's 'what the document says' lines (quotes about named things)."""
    head = load_templates().for_lang(answer.lang).facts_head
    for block in answer.answer.split("\n\n"):
        lines = block.splitlines()
        if lines and lines[0].strip() == head:
            return [line.lstrip("・• ").strip() for line in lines[1:] if line.strip()]
    return []


def _summary(answer: Answer) -> str:
    first = answer.answer.split("\n\n", 1)[0].strip()
    return "" if first.startswith("■") else first


def _direction_card(d: DirectionMatch, ui: LangUi, lang: str, strategy_en: Mapping[str, str]) -> str:
    strategy_gloss = gloss_html(strategy_en.get(d.strategy, ""), ui) if lang == "en" else ""
    items = "".join(f"<li>{esc(item)}</li>" for item in d.items)
    title_gloss = f'<div class="sn-card-gloss">{gloss_html(d.title_en, ui)}</div>' if lang == "en" and d.title_en else ""
    return (
        '<div class="sn-card sn-direction">'
        f'<div class="sn-strategy"><span class="sn-numeral">{esc(ui.strategy(d.strategy))}</span>'
        f' {esc(d.strategy_title)} {strategy_gloss}</div>'
        f'<div class="sn-kicker">{esc(ui.direction_label)}</div>'
        f'<div class="sn-title">「{esc(d.title)}」</div>{title_gloss}'
        f'<div class="sn-sub">{esc(ui.items_label)}</div><ul class="sn-items">{items}</ul>'
        "</div>"
    )


def _program_card(p: ProgramMatch, ui: LangUi, lang: str) -> str:
    gloss = f'<div class="sn-card-gloss">{gloss_html(p.name_en, ui)}</div>' if lang == "en" and p.name_en else ""
    uses = []
    for use in p.uses[:MAX_USES]:
        ward = f"（{esc(use.ward)}）" if use.ward else ""
        uses.append(
            '<div class="sn-use">'
            f'<div class="sn-company">{esc(use.company)}{ward}</div>'
            f'<div class="sn-use-row"><span class="sn-use-label">{esc(ui.did_label)}</span>'
            f'<span class="sn-quote">「{esc(use.did)}」</span></div>'
            f'<div class="sn-use-row"><span class="sn-use-label">{esc(ui.result_label)}</span>'
            f'<span class="sn-quote">「{esc(use.result)}」</span></div>'
            "</div>"
        )
    if not uses and p.cases:
        sep = "、" if lang == "ja" else ", "
        uses.append(f'<div class="sn-use">{esc(ui.used_by)}: {esc(sep.join(p.cases))}</div>')
    return (
        '<div class="sn-card sn-program">'
        f'<div class="sn-program-name">{esc(p.name)}</div>{gloss}{"".join(uses)}'
        "</div>"
    )


def _survey_html(facts: Sequence[SurveyFact], ui: LangUi, lang: str) -> str:
    if not facts:
        return ""
    t = load_templates().for_lang(lang)
    rows = "".join(f"<li>{esc(survey_sentence(t, f, lang).lstrip('・• '))}</li>" for f in facts)
    return f'<div class="sn-section sn-survey"><div class="sn-head">{esc(ui.survey_label)}</div><ul>{rows}</ul></div>'


def citation_html(i: int, c: Citation, ui: LangUi) -> str:
    preview = c.text if len(c.text) <= PREVIEW_CHARS else c.text[: PREVIEW_CHARS - 1] + "…"
    return (
        '<details class="sn-cite">'
        f'<summary><span class="sn-cite-n">[{i}]</span> <span class="sn-cite-mark">{esc(ui.quote_mark)}</span>'
        f' <span class="sn-span">{esc(ui.span(c.span))}</span>'
        f'<span class="sn-cite-preview">{esc(preview)}</span></summary>'
        f'<blockquote class="sn-cite-text" data-span="{c.span[0]}-{c.span[1]}">{esc(c.text)}</blockquote>'
        "</details>"
    )


def render_answer(answer: Answer, strategy_en: Mapping[str, str] | None = None) -> str:
    """One answer as HTML. Labels follow the question's language, like the answer text."""
    ui = load_ui().for_lang(answer.lang)
    notices = "".join(f'<div class="sn-notice">{esc(ui.notice_mark)} {esc(n)}</div>' for n in answer.notices)
    if not answer.in_scope or answer.clarify or not (answer.directions or answer.programs):
        kind = "decline" if not answer.in_scope else "clarify" if answer.clarify else "info"
        return render_message(answer.answer, kind).replace('<div class="sn-answer">', f'<div class="sn-answer">{notices}', 1)

    primary = presented_directions(answer)
    others = other_directions(answer)
    programs = presented_programs(answer)
    parts = [f'<div class="sn-answer" lang="{esc(answer.lang)}">', notices]
    summary = _summary(answer)
    if summary:
        parts.append(f'<p class="sn-summary">{esc(summary)}</p>')
    facts = _facts_lines(answer)
    if facts:
        rows = "".join(f'<li class="sn-quote">{esc(f)}</li>' for f in facts)
        head = load_templates().for_lang(answer.lang).facts_head.lstrip("■ ")
        parts.append(f'<div class="sn-section"><div class="sn-head">{esc(head)}</div><ul>{rows}</ul></div>')
    parts += [_direction_card(d, ui, answer.lang, strategy_en or {}) for d in primary]
    parts.append(_survey_html(answer.survey, ui, answer.lang))
    if programs:
        parts.append(f'<div class="sn-head sn-programs-head">{esc(ui.programs_label)}</div>')
        parts += [_program_card(p, ui, answer.lang) for p in programs]
    if others:
        rows = "".join(
            f'<li>{esc(ui.strategy(d.strategy))} 「{esc(d.title)}」'
            f'{" " + gloss_html(d.title_en, ui) if answer.lang == "en" and d.title_en else ""}</li>'
            for d in others
        )
        parts.append(f'<div class="sn-section sn-others"><div class="sn-head">{esc(ui.others_label)}</div><ul>{rows}</ul></div>')
    if primary or programs:
        step = load_templates().for_lang(answer.lang).next_step
        parts.append(f'<div class="sn-section sn-next"><div class="sn-head">{esc(ui.next_label)}</div><p>{esc(step)}</p></div>')
    if answer.citations:
        cites = "".join(citation_html(i, c, ui) for i, c in enumerate(answer.citations, start=1))
        parts.append(f'<div class="sn-section sn-sources"><div class="sn-head">{esc(ui.citations_label)}</div>{cites}</div>')
    parts.append("</div>")
    return "".join(parts)
