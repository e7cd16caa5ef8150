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


def _section(cls: str, head: str, body: str) -> str:
    return f'<div class="sn-section {cls}"><div class="sn-head">{esc(head)}</div>{body}</div>'


def _list(items: Sequence[str], cls: str = "") -> str:
    """A <ul> of already-escaped items."""
    attr = f' class="{cls}"' if cls else ""
    return f"<ul{attr}>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _gloss_line(gloss: str, ui: LangUi, lang: str) -> str:
    return f'<div class="sn-card-gloss">{gloss_html(gloss, ui)}</div>' if lang == "en" and gloss else ""


def _direction_card(d: DirectionMatch, ui: LangUi, lang: str, strategy_en: Mapping[str, str]) -> str:
    strategy_gloss = gloss_html(strategy_en.get(d.strategy, ""), ui) if lang == "en" else ""
    return (
        '<div class="sn-card sn-direction">'
        f'<div class="sn-strategy"><span class="sn-numeral">{esc(ui.strategy(d.strategy))}</span>'
        f" {esc(d.strategy_title)} {strategy_gloss}</div>"
        f'<div class="sn-kicker">{esc(ui.direction_label)}</div>'
        f'<div class="sn-title">「{esc(d.title)}」</div>{_gloss_line(d.title_en, ui, lang)}'
        f'<div class="sn-sub">{esc(ui.items_label)}</div>{_list([esc(i) for i in d.items], "sn-items")}'
        "</div>"
    )


def _use_row(label: str, quote: str) -> str:
    return (f'<div class="sn-use-row"><span class="sn-use-label">{esc(label)}</span>'
            f'<span class="sn-quote">「{esc(quote)}」</span></div>')


def _program_card(p: ProgramMatch, ui: LangUi, lang: str) -> str:
    uses = [
        '<div class="sn-use">'
        f'<div class="sn-company">{esc(u.company)}{f"（{esc(u.ward)}）" if u.ward else ""}</div>'
        f"{_use_row(ui.did_label, u.did)}{_use_row(ui.result_label, u.result)}</div>"
        for u in p.uses[:MAX_USES]
    ]
    if not uses and p.cases:
        sep = "、" if lang == "ja" else ", "
        uses.append(f'<div class="sn-use">{esc(ui.used_by)}: {esc(sep.join(p.cases))}</div>')
    return (f'<div class="sn-card sn-program"><div class="sn-program-name">{esc(p.name)}</div>'
            f'{_gloss_line(p.name_en, ui, lang)}{"".join(uses)}</div>')


def _survey_html(facts: Sequence[SurveyFact], ui: LangUi, lang: str) -> str:
    if not facts:
        return ""
    t = load_templates().for_lang(lang)
    rows = [esc(survey_sentence(t, f, lang).lstrip("・• ")) for f in facts]
    return _section("sn-survey", ui.survey_label, _list(rows))


def citation_html(i: int, c: Citation, ui: LangUi) -> str:
    """An expandable source passage, marked as a quote from the document with its span."""
    preview = c.text if len(c.text) <= PREVIEW_CHARS else c.text[: PREVIEW_CHARS - 1] + "…"
    return (
        '<details class="sn-cite"><summary>'
        f'<span class="sn-cite-n">[{i}]</span> <span class="sn-cite-mark">{esc(ui.quote_mark)}</span>'
        f' <span class="sn-span">{esc(ui.span(c.span))}</span>'
        f'<span class="sn-cite-preview">{esc(preview)}</span></summary>'
        f'<blockquote class="sn-cite-text" data-span="{c.span[0]}-{c.span[1]}">{esc(c.text)}</blockquote>'
        "</details>"
    )


def _other_line(d: DirectionMatch, ui: LangUi, lang: str) -> str:
    gloss = " " + gloss_html(d.title_en, ui) if lang == "en" and d.title_en else ""
    return f"{esc(ui.strategy(d.strategy))} 「{esc(d.title)}」{gloss}"


def render_answer(answer: Answer, strategy_en: Mapping[str, str] | None = None) -> str:
    """One answer as HTML. Labels follow the question's language, like the answer text."""
    ui = load_ui().for_lang(answer.lang)
    lang = answer.lang
    notices = "".join(f'<div class="sn-notice">{esc(ui.notice_mark)} {esc(n)}</div>' for n in answer.notices)
    if not answer.in_scope or answer.clarify or not (answer.directions or answer.programs):
        kind = "decline" if not answer.in_scope else "clarify" if answer.clarify else "info"
        box = render_message(answer.answer, kind)
        return box.replace('<div class="sn-answer">', f'<div class="sn-answer">{notices}', 1)

    primary, others = presented_directions(answer), other_directions(answer)
    programs = presented_programs(answer)
    templates = load_templates().for_lang(lang)
    parts = [f'<div class="sn-answer" lang="{esc(lang)}">', notices]
    if summary := _summary(answer):
        parts.append(f'<p class="sn-summary">{esc(summary)}</p>')
    if facts := _facts_lines(answer):
        parts.append(_section("sn-facts", templates.facts_head.lstrip("■ "), _list([esc(f) for f in facts])))
    parts += [_direction_card(d, ui, lang, strategy_en or {}) for d in primary]
    parts.append(_survey_html(answer.survey, ui, lang))
    if programs:
        parts.append(f'<div class="sn-head sn-programs-head">{esc(ui.programs_label)}</div>')
        parts += [_program_card(p, ui, lang) for p in programs]
    if others:
        rows = [_other_line(d, ui, lang) for d in others]
        parts.append(_section("sn-others", ui.others_label, _list(rows)))
    if primary or programs:
        parts.append(_section("sn-next", ui.next_label, f"<p>{esc(templates.next_step)}</p>"))
    if answer.citations:
        cites = "".join(citation_html(i, c, ui) for i, c in enumerate(answer.citations, start=1))
        parts.append(_section("sn-sources", ui.citations_label, cites))
    parts.append("</div>")
    return "".join(parts)
