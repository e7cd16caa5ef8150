"""The curated consultation sheet as an A4 PDF (fpdf2), set in the bundled IPAexGothic.

Lines are broken by web.pdf_wrap (never inside an English word), and every heading is kept
with the start of what it heads: a heading that would end a page moves to the next one.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from web.display import rejoin, survey_line
from web.labels import LangUi, load_ui
from web.pdf_wrap import wrap
from web.sheet import Group, Sheet, created_label, use_lines
from web.sheet_md import direction_heading
from web.sheet_notes import by_kind

FONT = "ipaexg"
INK = (33, 37, 41)
MUTED = (96, 103, 112)
ACCENT = (22, 78, 140)
RULE = (200, 208, 218)
PT_MM = 0.3528
LINE = 1.5  # line spacing


@lru_cache(maxsize=1)
def font_path() -> Path:
    # matplotlib-fontja ships the IPAexGothic TTF; no system font is needed
    import matplotlib_fontja

    path = Path(matplotlib_fontja.__file__).resolve().parent / "fonts" / "ipaexg.ttf"
    if not path.is_file():
        raise FileNotFoundError(f"IPAexGothic not found at {path} (is matplotlib-fontja installed?)")
    return path


class SheetPdf(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self._footer_text = footer_text
        self.add_font(FONT, "", str(font_path()))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=16)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self._footer_text}  —  {self.page_no()}", align="C")

    # -- layout helpers ------------------------------------------------------------------------
    def lines(self, text: str, size: float, indent: float = 0, bullet: str = "") -> list[str]:
        self.set_font(FONT, size=size)
        width = self.w - self.r_margin - self.l_margin - indent - (4.5 if bullet else 0)
        return wrap(text, width, self.get_string_width)

    def height(self, text: str, size: float, indent: float = 0, bullet: str = "") -> float:
        return len(self.lines(text, size, indent, bullet)) * size * PT_MM * LINE

    def room(self, needed: float) -> None:
        """A new page unless ``needed`` mm fit above the bottom margin."""
        if self.get_y() + needed > self.page_break_trigger:
            self.add_page()

    def para(
        self,
        text: str,
        size: float = 10,
        color: tuple[int, int, int] = INK,
        indent: float = 0,
        bullet: str = "",
    ) -> None:
        """A wrapped paragraph; with a bullet, wrapped lines hang under the text, not the bullet."""
        lines = self.lines(text, size, indent, bullet)
        self.set_text_color(*color)
        h = size * PT_MM * LINE
        for i, line in enumerate(lines):
            self.room(h)
            x = self.l_margin + indent
            if bullet:
                self.set_x(x)
                self.cell(4.5, h, bullet if i == 0 else "")
                x += 4.5
            self.set_x(x)
            self.cell(0, h, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, title: str, size: float, keep: float, rule: bool = False) -> None:
        """A heading that stays with the first ``keep`` mm of its content."""
        self.room(size * PT_MM * 2.6 + keep)
        self.ln(size * 0.2)
        self.set_font(FONT, size=size)
        self.set_text_color(*ACCENT)
        for line in self.lines(title, size):
            self.cell(0, size * PT_MM * LINE, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if rule:
            self.set_draw_color(*ACCENT)
            self.set_line_width(0.4)
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.5)


def _programs(pdf: SheetPdf, g: Group, ui: LangUi, lang: str) -> None:
    for p in g.programs:
        pdf.room(pdf.height(p.name, 11) + 12)
        pdf.para(p.name, size=11)
        if lang == "en" and p.name_en:
            pdf.para(f"({ui.translation_mark}) {p.name_en}", size=9, color=MUTED, indent=4)
        for company, did, result in use_lines(p):
            pdf.para(f"{ui.used_by}: {company}", size=10, indent=4)
            pdf.para(f"{ui.did_label}: 「{rejoin(did)}」", size=9, color=MUTED, indent=8)
            pdf.para(f"{ui.result_label}: 「{rejoin(result)}」", size=9, color=MUTED, indent=8)
        if not p.uses and p.cases:
            pdf.para(f"{ui.used_by}: {'、'.join(p.cases)}", size=10, indent=4)


def _directions(pdf: SheetPdf, g: Group, ui: LangUi, lang: str) -> None:
    for d in g.directions:
        pdf.room(pdf.height(direction_heading(d, ui), 11) + 10)
        pdf.para(direction_heading(d, ui), size=11)
        if lang == "en" and d.title_en:
            pdf.para(f"({ui.translation_mark}) {d.title_en}", size=9, color=MUTED, indent=4)
        for item in d.items:
            pdf.para(f"「{rejoin(item)}」", size=9.5, indent=4, bullet="・")


def _memo(pdf: SheetPdf, memo: str, ui: LangUi) -> None:
    top = pdf.get_y()
    page = pdf.page_no()
    pdf.ln(1.5)
    pdf.para(memo or ui.sheet_none, size=10, indent=3, color=INK if memo else MUTED)
    pdf.ln(1.5)
    bottom = max(pdf.get_y(), top + 18)  # room to write by hand when the memo is short
    if pdf.page_no() == page and bottom < pdf.page_break_trigger:  # a memo split over pages gets no box
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.3)
        pdf.rect(pdf.l_margin, top, pdf.w - pdf.l_margin - pdf.r_margin, bottom - top)
        pdf.set_y(bottom)


def _notes(pdf: SheetPdf, g: Group, kinds: tuple[str, ...], ui: LangUi, lang: str) -> None:
    """The group's notes of these kinds under their headings (the survey's with its figures)."""
    for kind, notes in by_kind(g.notes):
        if kind not in kinds:
            continue
        pdf.heading(ui.get("sheet_" + kind), 11, 10)
        if kind == "survey":
            for f in g.survey:
                pdf.para(survey_line(f, ui, lang), size=10, bullet="・")
        for note in notes:
            pdf.room(pdf.height(note.text, 10) + (8 if note.lines else 0))
            pdf.para(note.text, size=10, bullet="・")
            for line in note.lines:
                pdf.para(line, size=9, color=MUTED, indent=5, bullet="-")


def _matches(pdf: SheetPdf, g: Group, ui: LangUi, lang: str) -> None:
    """Programs and directions; a problem says so when it has none, other answers leave them out."""
    if g.programs or g.type == "problem":
        pdf.heading(ui.sheet_programs, 11, 12)
        _programs(pdf, g, ui, lang)
        if not g.programs:
            pdf.para(ui.sheet_none, color=MUTED)
    if g.directions or g.type == "problem":
        pdf.heading(ui.sheet_directions, 11, 12)
        _directions(pdf, g, ui, lang)
        if not g.directions:
            pdf.para(ui.sheet_none, color=MUTED)


def _citations(pdf: SheetPdf, g: Group, ui: LangUi) -> None:
    pdf.heading(ui.sheet_citations, 11, 12)
    for i, c in enumerate(g.citations, start=1):
        quote = f"「{rejoin(c.text)}」"
        # a citation's heading and its quote stay together (up to a page's worth)
        pdf.room(min(pdf.height(quote, 8.5, indent=5) + 6, 60))
        pdf.para(f"[{i}] {ui.cite(c.span)}", size=8.5, color=ACCENT)
        pdf.para(quote, size=8.5, color=MUTED, indent=5)
        pdf.ln(0.8)
    if not g.citations:
        pdf.para(ui.sheet_none, color=MUTED)


def _group(pdf: SheetPdf, n: int, g: Group, ui: LangUi, lang: str) -> None:
    pdf.heading(f"{ui.sheet_question.format(n=n)}: {g.question}", 13, 30, rule=True)
    if g.follows:
        pdf.para(ui.sheet_follows.format(question=g.follows), size=9, color=MUTED)
    if g.lead:
        pdf.para(f"{ui.sheet_lead}: {g.lead}", size=10.5)
        pdf.ln(1)
    _notes(pdf, g, ("not_covered",), ui, lang)
    _matches(pdf, g, ui, lang)
    if g.survey and not any(note.kind == "survey" for note in g.notes):
        pdf.heading(ui.sheet_survey, 11, 10)
        for f in g.survey:
            pdf.para(survey_line(f, ui, lang), size=10, bullet="・")
    _notes(pdf, g, ("survey", "cases", "structure", "facts", "related"), ui, lang)
    pdf.heading(ui.sheet_memo, 11, 20)
    _memo(pdf, g.memo, ui)
    _citations(pdf, g, ui)


def sheet_pdf(sheet: Sheet, lang: str = "ja") -> bytes:
    ui = load_ui().for_lang(lang)
    pdf = SheetPdf(ui.sheet_title)
    pdf.set_title(ui.sheet_title)
    pdf.set_creator("施策ナビ")
    pdf.set_lang("en" if lang == "en" else "ja")
    pdf.add_page()
    pdf.set_font(FONT, size=18)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 11, ui.sheet_title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.para(f"{ui.sheet_created}: {created_label(sheet)}", size=9, color=MUTED)
    pdf.para(f"{ui.sheet_source}: {ui.sheet_source_text}", size=9, color=MUTED)
    for n, g in enumerate(sheet.groups, start=1):
        _group(pdf, n, g, ui, lang)
    if sheet.empty:
        pdf.para(ui.sheet_none, color=MUTED)
    return bytes(pdf.output())
