"""The web app's labels (data/ui.yaml), validated on load so a missing key fails at start-up."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

UI_FILE = Path(__file__).resolve().parent / "data" / "ui.yaml"
LANGS = ("ja", "en")


class LangUi(BaseModel):
    # extra="forbid" on both languages: a key added to one and not the other is an error
    model_config = ConfigDict(frozen=True, extra="forbid")
    lang_name: str
    page_title: str
    heading: str
    tagline: str
    disclaimer: str
    language_label: str
    tab_chat: str
    tab_desk: str
    chat_label: str
    chat_placeholder: str
    input_label: str
    input_placeholder: str
    send: str
    reset: str
    examples_label: str
    you: str
    strategy_format: str
    direction_label: str
    items_label: str
    programs_label: str
    used_by: str
    did_label: str
    result_label: str
    survey_label: str
    others_label: str
    next_label: str
    citations_label: str
    quote_mark: str
    span_format: str
    cite_heading: str
    translation_mark: str
    notice_mark: str
    error_generic: str
    error_empty: str
    feedback_thanks: str
    desk_intro: str
    desk_empty: str
    memo_label: str
    memo_placeholder: str
    refresh: str
    prepare: str
    download_md: str
    download_pdf: str
    save: str
    saved: str
    save_failed: str
    login_intro: str
    user_label: str
    password_label: str
    login: str
    login_failed: str
    sheet_title: str
    sheet_created: str
    sheet_source: str
    sheet_source_text: str
    sheet_questions: str
    sheet_directions: str
    sheet_programs: str
    sheet_survey: str
    sheet_citations: str
    sheet_memo: str
    sheet_none: str

    def strategy(self, numeral: str) -> str:
        return self.strategy_format.format(numeral=numeral)

    def span(self, span: tuple[int, int]) -> str:
        return self.span_format.format(start=f"{span[0]:,}", end=f"{span[1]:,}")

    def cite(self, span: tuple[int, int]) -> str:
        return self.cite_heading.format(mark=self.quote_mark, span=self.span(span))


class UiText(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    ja: LangUi
    en: LangUi
    examples: dict[str, list[str]] = Field(min_length=2)

    @model_validator(mode="after")
    def _examples_paired(self) -> UiText:
        if set(self.examples) != set(LANGS):
            raise ValueError(f"examples must have exactly the languages {LANGS}")
        ja, en = self.examples["ja"], self.examples["en"]
        if not ja or len(ja) != len(en):
            raise ValueError("examples: ja and en must be non-empty lists of the same length")
        return self

    def for_lang(self, lang: str) -> LangUi:
        return self.en if lang == "en" else self.ja

    def examples_for(self, lang: str) -> list[str]:
        return list(self.examples["en" if lang == "en" else "ja"])


@lru_cache(maxsize=2)
def load_ui(path: Path = UI_FILE) -> UiText:
    # the corpus loader's readers give errors that name the file and the field
    from corpus.load import load_yaml_model  # one YAML/validation path for all data files

    return load_yaml_model(UiText, path)
