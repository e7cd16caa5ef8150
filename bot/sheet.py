"""The counselor's consultation sheet: a conversation's matches, collected and written out.

Building and the Markdown text are pure; ``write_files`` and ``save_sheet`` are the only
functions that touch the disk, and the app calls ``save_sheet`` only on the counselor's click.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

from bot.models import Answer, Citation, DirectionMatch, ProgramMatch, SurveyFact
from bot.presented import presented_directions, presented_programs
from bot.ui_text import LangUi, load_ui

# Desks are in Tokyo; a fixed offset avoids depending on the host's tz database.
JST = timezone(timedelta(hours=9), "JST")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!&~])")

T = TypeVar("T")


@dataclass(frozen=True)
class Sheet:
    questions: tuple[str, ...] = ()
    directions: tuple[DirectionMatch, ...] = ()
    programs: tuple[ProgramMatch, ...] = ()
    survey: tuple[SurveyFact, ...] = ()
    citations: tuple[Citation, ...] = ()
    created: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def empty(self) -> bool:
        return not (self.questions or self.directions or self.programs)


def _unique(items: Iterable[T], key: object) -> tuple[T, ...]:
    seen: dict[object, T] = {}
    for item in items:
        seen.setdefault(key(item), item)  # type: ignore[operator]
    return tuple(seen.values())


def build_sheet(answers: Sequence[Answer], now: datetime | None = None) -> Sheet:
    """Deduplicated, in the order first found. Declined questions (off-topic, injection) are left out."""
    kept = [a for a in answers if a.in_scope]
    return Sheet(
        questions=_unique((a.query for a in kept), lambda q: q),
        directions=_unique((d for a in kept for d in presented_directions(a)), lambda d: d.title),
        programs=_unique((p for a in kept for p in presented_programs(a)), lambda p: p.name),
        survey=_unique((f for a in kept for f in a.survey), lambda f: (f.table, f.year, f.label)),
        citations=_unique((c for a in kept for c in a.citations), lambda c: c.chunk_id),
        created=now or datetime.now(UTC),
    )


def md_text(text: str) -> str:
    """User or corpus text as literal Markdown: a viewer must show ``<script>`` as text."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_lines(text: str) -> list[str]:
    # a memo keeps its line breaks (hard breaks), each line escaped
    lines = [md_text(line) for line in text.strip().splitlines()]
    return [f"{line}  " if i < len(lines) - 1 else line for i, line in enumerate(lines)]


def created_label(sheet: Sheet) -> str:
    return sheet.created.astimezone(JST).strftime("%Y-%m-%d %H:%M (JST)")


def direction_heading(d: DirectionMatch, ui: LangUi) -> str:
    return f"{ui.strategy(d.strategy)} {d.strategy_title} ＞「{d.title}」"


def use_lines(p: ProgramMatch) -> list[tuple[str, str, str]]:
    """(company, did, result) for each company example; the company with its ward."""
    return [(f"{u.company}（{u.ward}）" if u.ward else u.company, u.did, u.result) for u in p.uses]


def survey_line(f: SurveyFact, lang: str) -> str:
    from bot.compose import load_templates, survey_sentence

    return survey_sentence(load_templates().for_lang(lang), f, lang).lstrip("・• ")


def sheet_markdown(sheet: Sheet, memo: str = "", lang: str = "ja") -> str:
    ui = load_ui().for_lang(lang)
    none = ui.sheet_none
    out = [f"# {md_text(ui.sheet_title)}", "",
           f"- {ui.sheet_created}: {created_label(sheet)}",
           f"- {ui.sheet_source}: {md_text(ui.sheet_source_text)}", ""]
    out += [f"## {ui.sheet_questions}", ""]
    out += [f"{i}. {md_text(q)}" for i, q in enumerate(sheet.questions, start=1)] or [none]
    out += ["", f"## {ui.sheet_directions}", ""]
    if not sheet.directions:
        out.append(none)
    for i, d in enumerate(sheet.directions, start=1):
        out.append(f"### {i}. {md_text(direction_heading(d, ui))}")
        if lang == "en" and d.title_en:
            out.append(f"({ui.translation_mark}) {md_text(d.title_en)}")
        out.append("")
        out += [f"- {md_text(item)}" for item in d.items]
        out.append("")
    out += [f"## {ui.sheet_programs}", ""]
    if not sheet.programs:
        out.append(none)
    for p in sheet.programs:
        gloss = f" — ({ui.translation_mark}) {md_text(p.name_en)}" if lang == "en" and p.name_en else ""
        out.append(f"### {md_text(p.name)}{gloss}")
        out.append("")
        for company, did, result in use_lines(p):
            out.append(f"- {ui.used_by}: {md_text(company)}")
            out.append(f"  - {ui.did_label}: 「{md_text(did)}」")
            out.append(f"  - {ui.result_label}: 「{md_text(result)}」")
        if not p.uses and p.cases:
            out.append(f"- {ui.used_by}: {md_text('、'.join(p.cases))}")
        out.append("")
    if sheet.survey:
        out += [f"## {ui.sheet_survey}", ""]
        out += [f"- {md_text(survey_line(f, lang))}" for f in sheet.survey]
        out.append("")
    out += [f"## {ui.sheet_memo}", ""]
    out += _md_lines(memo) if memo.strip() else [none]
    out += ["", f"## {ui.sheet_citations}", ""]
    if not sheet.citations:
        out.append(none)
    for i, c in enumerate(sheet.citations, start=1):
        out.append(f"{i}. {ui.cite(c.span)}")
        out.append(f"   > {md_text(c.text)}")
    return "\n".join(out).rstrip() + "\n"


def file_stem(sheet: Sheet) -> str:
    return "smenavi-sheet-" + sheet.created.astimezone(JST).strftime("%Y%m%d-%H%M%S")


def write_files(sheet: Sheet, memo: str, lang: str, folder: Path,
                stem: str | None = None) -> tuple[Path, Path]:
    """Markdown and PDF for download, in ``folder`` (a per-session temporary folder)."""
    from bot.sheet_pdf import sheet_pdf

    folder.mkdir(parents=True, exist_ok=True)
    stem = stem or file_stem(sheet)
    md_path, pdf_path = folder / f"{stem}.md", folder / f"{stem}.pdf"
    md_path.write_text(sheet_markdown(sheet, memo, lang), encoding="utf-8")
    pdf_path.write_bytes(sheet_pdf(sheet, memo, lang))
    return md_path, pdf_path


def save_sheet(sheet: Sheet, memo: str, lang: str, data_dir: Path) -> Path:
    """Keep a copy on the server (only on the counselor's request): data_dir/sheets/."""
    # a random suffix: two desks saving in the same second must not overwrite each other
    stem = f"{file_stem(sheet)}-{secrets.token_hex(3)}"
    md_path, _ = write_files(sheet, memo, lang, data_dir / "sheets", stem)
    return md_path
