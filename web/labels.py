"""The web app's own words (data/ui.yaml), both languages, validated on load.

Every key must exist in both languages (``extra="forbid"`` on one model for both), so a key added
to one and not the other fails at start-up, not in front of an owner.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

DATA = Path(__file__).resolve().parent / "data"
UI_FILE = DATA / "ui.yaml"
LANGS = ("ja", "en")


class LangUi(RootModel[dict[str, str]]):
    """One language's labels: a flat key → text mapping, read as attributes (``ui.send``)."""

    model_config = ConfigDict(frozen=True)

    def __getattr__(self, key: str) -> str:
        try:
            return self.root[key]
        except KeyError:
            raise AttributeError(f"ui.yaml has no label {key!r}") from None

    def get(self, key: str, default: str = "") -> str:
        return self.root.get(key, default)

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
    def _same_keys_and_examples(self) -> UiText:
        missing = sorted(set(self.ja.root) ^ set(self.en.root))
        if missing:
            where = ", ".join(f"{'en' if k in self.ja.root else 'ja'}.{k}" for k in missing)
            raise ValueError(f"labels missing in one language: {where}")
        if set(self.examples) != set(LANGS):
            raise ValueError(f"examples must have exactly the languages {LANGS}")
        ja, en = self.examples["ja"], self.examples["en"]
        if not ja or len(ja) != len(en):
            raise ValueError("examples: ja and en must be non-empty lists of the same length")
        return self

    def for_lang(self, lang: str | None) -> LangUi:
        return self.en if lang == "en" else self.ja

    def examples_for(self, lang: str | None) -> list[str]:
        return list(self.examples["en" if lang == "en" else "ja"])


@lru_cache(maxsize=2)
def load_ui(path: Path = UI_FILE) -> UiText:
    # the corpus loader's readers give errors that name the file and the field
    from corpus.load import load_yaml_model  # one YAML/validation path for all data files

    return load_yaml_model(UiText, path)
