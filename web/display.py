"""Small text helpers for what the page and the sheet show (pure).

``esc`` is the one door into HTML: every string that reaches the page goes through it, corpus
quotes included, so the page never depends on what a data file happens to contain.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape

from bot.models import SurveyFact
from web.labels import LangUi

# A Japanese character: kana, kanji, full-width forms and CJK punctuation. The PDF's text
# extraction put a space wherever a line ended inside a word (「ネットワー クの構築」); Japanese
# is written without spaces, so a single space between two such characters is such a break.
JA_CHARS = r"\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60\uff66-\uff9f"
_BREAK_SPACE = re.compile(rf"(?<=[{JA_CHARS}]) (?=[{JA_CHARS}])")


def rejoin(text: str) -> str:
    """A quote for display with the PDF's in-word line breaks joined; Latin spacing is kept."""
    return _BREAK_SPACE.sub("", text)


def esc(text: object) -> str:
    # line breaks are folded too: a blank line would end the chat's raw HTML block in Markdown
    return escape(" ".join(str(text).splitlines()), quote=True)


def text_html(text: str) -> str:
    """Plain text as HTML: escaped, line breaks kept as <br>."""
    return "<br>".join(esc(line) for line in text.splitlines())


def reiwa_to_western(year: str) -> str:
    """令和５年度 → 2023 (Reiwa 1 is 2019); the label itself when it is not a Reiwa year."""
    match = re.match(r"令和\s*(\d+)", unicodedata.normalize("NFKC", year))
    return str(2018 + int(match.group(1))) if match else year


def survey_line(fact: SurveyFact, ui: LangUi, lang: str) -> str:
    """One survey figure as a sentence in the page's words (the figures are the document's)."""
    rank = ui.survey_rank.format(table=fact.title, rank=fact.rank) if fact.rank else ""
    western = reiwa_to_western(fact.year)
    year = fact.year if lang == "ja" or western == fact.year else f"{fact.year} (FY{western})"
    return ui.survey_line.format(
        year=year, respondents=f"{fact.respondents:,}", label=fact.label, percent=fact.percent, rank=rank
    )
