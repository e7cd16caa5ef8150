"""The consultation sheet as an A4 PDF (fpdf2), set in the bundled IPAexGothic so Japanese renders."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from bot.sheet import Sheet, created_label, survey_line, use_lines
from bot.text import detect_lang
from bot.ui_text import LangUi, load_ui

FONT = "ipaexg"
INK = (33, 37, 41)
MUTED = (96, 103, 112)
ACCENT = (22, 78, 140)
RULE = (200, 208, 218)


@lru_cache(maxsize=1)
def font_path() -> Path:
    # matplotlib-fontja ships the IPAexGothic TTF; no system font is needed
    import matplotlib_fontja

    path = Path(matplotlib_fontja.__file__).resolve().parent / "fonts" / "ipaexg.ttf"
    if not path.is_file():
        raise FileNotFoundError(f"IPAexGothic not found at {path} (is matplotlib-fontja installed?)")
    return path


class _SheetPDF(FPDF):
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


def _para(pdf: FPDF, text: str, size: float = 10, color: tuple[int, int, int] = INK,
          indent: float = 0, line: float = 1.55, bullet: str = "") -> None:
    """A wrapped paragraph; with a bullet, wrapped lines hang under the text, not the bullet."""
    pdf.set_font(FONT, size=size)
    pdf.set_text_color(*color)
    height = size * 0.3528 * line  # pt → mm, times line spacing
    x = pdf.l_margin + indent
    if bullet:
        pdf.set_x(x)
        pdf.cell(4.5, height, bullet)
        x += 4.5
    pdf.set_x(x)
    # Japanese has no spaces to break at: wrap it anywhere, or a label before a long quote
    # ("Result: 「…」") stands alone on its line. Left-aligned: fpdf2 justifies by default.
    wrap = WrapMode.CHAR if detect_lang(text) == "ja" else WrapMode.WORD
    pdf.multi_cell(pdf.w - pdf.r_margin - x, height, text, align="L", wrapmode=wrap,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _section(pdf: FPDF, title: str) -> None:
    if pdf.get_y() > pdf.h - 40:  # keep a heading with at least a few lines of its section
        pdf.add_page()
    pdf.ln(4)
    pdf.set_font(FONT, size=13)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.4)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2.5)


def _memo_box(pdf: FPDF, memo: str, ui: LangUi) -> None:
    top = pdf.get_y()
    pdf.ln(1.5)
    _para(pdf, memo.strip() or ui.sheet_none, size=10, indent=3)
    pdf.ln(1.5)
    bottom = max(pdf.get_y(), top + 24)  # room to write by hand when the memo is short
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    if bottom < pdf.h - pdf.b_margin:  # a memo split over pages gets no box
        pdf.rect(pdf.l_margin, top, pdf.w - pdf.l_margin - pdf.r_margin, bottom - top)
    pdf.set_y(bottom)


def sheet_pdf(sheet: Sheet, memo: str = "", lang: str = "ja") -> bytes:
    ui = load_ui().for_lang(lang)
    pdf = _SheetPDF(ui.sheet_title)
    pdf.set_title(ui.sheet_title)
    pdf.set_creator("施策ナビ")
    pdf.set_lang("en" if lang == "en" else "ja")
    pdf.add_page()

    pdf.set_font(FONT, size=18)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 11, ui.sheet_title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _para(pdf, f"{ui.sheet_created}: {created_label(sheet)}", size=9, color=MUTED)
    _para(pdf, f"{ui.sheet_source}: {ui.sheet_source_text}", size=9, color=MUTED)

    _section(pdf, ui.sheet_questions)
    for i, q in enumerate(sheet.questions, start=1):
        _para(pdf, q, bullet=f"{i}.")
    if not sheet.questions:
        _para(pdf, ui.sheet_none, color=MUTED)

    _section(pdf, ui.sheet_directions)
    if not sheet.directions:
        _para(pdf, ui.sheet_none, color=MUTED)
    for i, d in enumerate(sheet.directions, start=1):
        pdf.ln(1)
        _para(pdf, f"{ui.strategy(d.strategy)} {d.strategy_title}", size=9, color=MUTED)
        _para(pdf, f"{i}. 「{d.title}」", size=12)
        if lang == "en" and d.title_en:
            _para(pdf, f"({ui.translation_mark}) {d.title_en}", size=9, color=MUTED, indent=4)
        for item in d.items:
            _para(pdf, item, size=9.5, indent=4, bullet="・")

    _section(pdf, ui.sheet_programs)
    if not sheet.programs:
        _para(pdf, ui.sheet_none, color=MUTED)
    for p in sheet.programs:
        pdf.ln(1)
        _para(pdf, p.name, size=11.5)
        if lang == "en" and p.name_en:
            _para(pdf, f"({ui.translation_mark}) {p.name_en}", size=9, color=MUTED, indent=4)
        for company, did, result in use_lines(p):
            _para(pdf, f"{ui.used_by}: {company}", size=10, indent=4)
            _para(pdf, f"{ui.did_label}: 「{did}」", size=9, color=MUTED, indent=8)
            _para(pdf, f"{ui.result_label}: 「{result}」", size=9, color=MUTED, indent=8)
        if not p.uses and p.cases:
            _para(pdf, f"{ui.used_by}: {'、'.join(p.cases)}", size=10, indent=4)

    if sheet.survey:
        _section(pdf, ui.sheet_survey)
        for f in sheet.survey:
            _para(pdf, survey_line(f, lang), size=10, bullet="・")

    _section(pdf, ui.sheet_memo)
    _memo_box(pdf, memo, ui)

    _section(pdf, ui.sheet_citations)
    if not sheet.citations:
        _para(pdf, ui.sheet_none, color=MUTED)
    for i, c in enumerate(sheet.citations, start=1):
        _para(pdf, f"[{i}] {ui.cite(c.span)}", size=8.5, color=ACCENT)
        _para(pdf, f"「{c.text}」", size=8.5, color=MUTED, indent=5)
        pdf.ln(0.8)
    return bytes(pdf.output())
