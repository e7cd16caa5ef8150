"""The curated consultation sheet as Markdown (pure): one section per question."""

from __future__ import annotations

import re

from web.display import rejoin, survey_line
from web.labels import LangUi, load_ui
from web.sheet import Group, Sheet, created_label, use_lines
from web.sheet_notes import by_kind

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!&~])")


def md_text(text: str) -> str:
    """User or corpus text as literal Markdown: a viewer must show ``<script>`` as text."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_lines(text: str) -> list[str]:
    # a memo keeps its line breaks (hard breaks), each line escaped
    lines = [md_text(line) for line in text.strip().splitlines()]
    return [f"{line}  " if i < len(lines) - 1 else line for i, line in enumerate(lines)]


def direction_heading(d, ui: LangUi) -> str:  # type: ignore[no-untyped-def]
    return f"{ui.strategy(d.strategy)} {d.strategy_title} ＞「{d.title}」"


def _head(n: int, g: Group, ui: LangUi) -> list[str]:
    out = [f"## {ui.sheet_question.format(n=n)}: {md_text(g.question)}", ""]
    if g.follows:
        out += [md_text(ui.sheet_follows.format(question=g.follows)), ""]
    if g.lead:
        out += [f"**{md_text(ui.sheet_lead)}**: {md_text(g.lead)}", ""]
    return out


def _notes(g: Group, kinds: tuple[str, ...], ui: LangUi, lang: str) -> list[str]:
    """The group's notes of these kinds, each kind under its heading (the survey's with its figures)."""
    out: list[str] = []
    for kind, notes in by_kind(g.notes):
        if kind not in kinds:
            continue
        out += [f"### {ui.get('sheet_' + kind)}", ""]
        if kind == "survey":
            out += [f"- {md_text(survey_line(f, ui, lang))}" for f in g.survey]
        for note in notes:
            out.append(f"- {md_text(note.text)}")
            out += [f"  - {md_text(line)}" for line in note.lines]
        out.append("")
    return out


def _matches(g: Group, ui: LangUi, lang: str) -> list[str]:
    """Programs and directions; a problem says so when it has none, other answers leave them out."""
    out: list[str] = []
    if g.programs or g.type == "problem":
        out += [f"### {ui.sheet_programs}", ""]
        for p in g.programs:
            gloss = f" — ({ui.translation_mark}) {md_text(p.name_en)}" if lang == "en" and p.name_en else ""
            out.append(f"- **{md_text(p.name)}**{gloss}")
            for company, did, result in use_lines(p):
                out.append(f"  - {ui.used_by}: {md_text(company)}")
                out.append(f"    - {ui.did_label}: 「{md_text(rejoin(did))}」")
                out.append(f"    - {ui.result_label}: 「{md_text(rejoin(result))}」")
            if not p.uses and p.cases:
                out.append(f"  - {ui.used_by}: {md_text('、'.join(p.cases))}")
        out += ([] if g.programs else [ui.sheet_none]) + [""]
    if g.directions or g.type == "problem":
        out += [f"### {ui.sheet_directions}", ""]
        for d in g.directions:
            out.append(f"- **{md_text(direction_heading(d, ui))}**")
            if lang == "en" and d.title_en:
                out.append(f"  ({ui.translation_mark}) {md_text(d.title_en)}")
            out += [f"  - 「{md_text(rejoin(item))}」" for item in d.items]
        out += ([] if g.directions else [ui.sheet_none]) + [""]
    return out


def _group(n: int, g: Group, ui: LangUi, lang: str) -> list[str]:
    none = ui.sheet_none
    out = _head(n, g, ui) + _notes(g, ("not_covered",), ui, lang) + _matches(g, ui, lang)
    if g.survey and not any(note.kind == "survey" for note in g.notes):
        out += [f"### {ui.sheet_survey}", ""]
        out += [f"- {md_text(survey_line(f, ui, lang))}" for f in g.survey] + [""]
    out += _notes(g, ("survey", "cases", "structure", "facts", "related"), ui, lang)
    out += [f"### {ui.sheet_memo}", ""]
    out += _md_lines(g.memo) if g.memo else [none]
    out += ["", f"### {ui.sheet_citations}", ""]
    for i, c in enumerate(g.citations, start=1):
        out.append(f"{i}. {ui.cite(c.span)}")
        out.append(f"   > {md_text(rejoin(c.text))}")
    out += [] if g.citations else [none]
    return [*out, ""]


def sheet_markdown(sheet: Sheet, lang: str = "ja") -> str:
    ui = load_ui().for_lang(lang)
    out = [
        f"# {md_text(ui.sheet_title)}",
        "",
        f"- {ui.sheet_created}: {created_label(sheet)}",
        f"- {ui.sheet_source}: {md_text(ui.sheet_source_text)}",
        "",
    ]
    for n, g in enumerate(sheet.groups, start=1):
        out += _group(n, g, ui, lang)
    if sheet.empty:
        out.append(ui.sheet_none)
    return "\n".join(out).rstrip() + "\n"
