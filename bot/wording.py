"""The answers' wording (data/templates.yaml), Japanese and English, validated on load."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

TEMPLATES_FILE = Path(__file__).resolve().parent / "data" / "templates.yaml"
LANGS = ("ja", "en")


def _keys(node: Any, prefix: str = "") -> set[str]:
    if isinstance(node, dict):
        return {k for key, value in node.items() for k in _keys(value, f"{prefix}{key}.")}
    return {prefix.rstrip(".")}


class Templates(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    ja: dict[str, Any]
    en: dict[str, Any]

    @model_validator(mode="after")
    def _same_keys(self) -> Templates:
        ja, en = _keys(self.ja), _keys(self.en)
        if ja != en:
            raise ValueError(f"ja and en differ: {sorted(ja ^ en)[:5]}")
        return self


class Wording:
    """One language's templates: ``say("survey.lead_top", ...)`` fills a sentence."""

    def __init__(self, lang: str, data: dict[str, Any]) -> None:
        self.lang = lang
        self._data = data

    def raw(self, key: str) -> Any:
        node: Any = self._data
        for part in key.split("."):
            node = node[part]
        return node

    def say(self, key: str, **values: object) -> str:
        return str(self.raw(key)).format(**values)

    def section(self, kind: str) -> str:
        return str(self._data["sections"][kind])

    def join(self, items: list[str]) -> str:
        return str(self._data["list_sep"]).join(items)

    def quoted(self, text: str) -> str:
        return f"{self._data['quote_open']}{text}{self._data['quote_close']}"

    @property
    def en(self) -> bool:
        return self.lang == "en"


@lru_cache(maxsize=2)
def load_templates(path: Path = TEMPLATES_FILE) -> Templates:
    from corpus.load import load_yaml_model  # one YAML/validation path for all data files

    return load_yaml_model(Templates, path)


def wording(lang: str) -> Wording:
    t = load_templates()
    return Wording("en", t.en) if lang == "en" else Wording("ja", t.ja)
