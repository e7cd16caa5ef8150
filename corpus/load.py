"""Load and verify the structured corpus: YAML → pydantic models → located units."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from corpus.aids import Aids, check_against
from corpus.errors import CorpusError
from corpus.models import Document
from corpus.source import SourceText
from corpus.translations import Translations, check_translations, glossary, missing_translations
from corpus.units import Unit, extract_units

CORPUS_DIR = Path(__file__).resolve().parent
DATA_DIR = CORPUS_DIR / "data"

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Corpus:
    document: Document
    aids: Aids
    source: SourceText
    units: tuple[Unit, ...]
    document_file: Path
    aids_file: Path
    glosses: Mapping[str, str]  # document string → project-written English (translations_en + aids)
    translations_file: Path

    def quote(self, unit: Unit) -> str:
        """The unit's passage exactly as the source has it, line breaks folded to spaces."""
        return " ".join(self.source.slice(unit.span).split())

    def gloss(self, text: str) -> str:
        """The project's English translation of a document string, "" when there is none."""
        return self.glosses.get(text, "")

    def missing_glosses(self) -> list[str]:
        """Strings an owner reads that have no English gloss (empty once loaded)."""
        return missing_translations(self.glosses, self.document)


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CorpusError(path, "", "file not found") from None
    except UnicodeDecodeError as exc:
        raise CorpusError(path, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CorpusError(path, where, f"not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise CorpusError(path, "", "must be a YAML mapping at the top level")
    return data


def load_yaml_model(model: type[M], path: Path) -> M:
    """Read a YAML data file and validate it; any problem is a one-line CorpusError."""
    return validate(model, read_yaml(path), path)


def validate(model: type[M], data: Any, path: Path) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise CorpusError(path, field, f"{first['msg']}{more}") from None


def _raise_first(path: Path, problems: list[tuple[str, str]]) -> None:
    if problems:
        field, message = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise CorpusError(path, field, message + more)


def load_corpus(data_dir: Path | None = None) -> Corpus:
    """Read document.yaml, aids.yaml and translations_en.yaml from ``data_dir`` and verify them."""
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    doc_file, aids_file = data_dir / "document.yaml", data_dir / "aids.yaml"
    tr_file = data_dir / "translations_en.yaml"
    document = load_yaml_model(Document, doc_file)

    source_path = (CORPUS_DIR / document.source.file).resolve()
    if not source_path.is_file():
        raise CorpusError(doc_file, "source.file", f"source text not found at {source_path}")
    source = SourceText.read(source_path)
    if source.sha256 != document.source.sha256:
        raise CorpusError(doc_file, "source.sha256", "does not match the source text (was it edited?)")
    for field in ("title", "publisher"):
        if source.locate(getattr(document.source, field)) is None:
            raise CorpusError(doc_file, f"source.{field}", "text not found in the source")

    units = tuple(extract_units(document, source, str(doc_file)))
    aids = load_yaml_model(Aids, aids_file)
    _raise_first(aids_file, check_against(aids, document))
    translations = load_yaml_model(Translations, tr_file)
    _raise_first(tr_file, check_translations(translations, aids, document))
    glosses = glossary(translations, aids, document)
    return Corpus(document, aids, source, units, doc_file, aids_file, glosses, tr_file)
