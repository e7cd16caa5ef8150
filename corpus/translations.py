"""Project-written English translations of the document's strings (data/translations_en.yaml).

Nothing here is a quote: the bot may show these glosses beside the Japanese original,
marked as the project's translation. Keys must be strings of document.yaml; every string
an owner reads must have one. Strategy titles, direction titles and program names keep
their glosses in aids.yaml; ``glossary`` merges both into one lookup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from corpus.aids import Aids
from corpus.models import Document

_LEGAL_FORM = re.compile(r",?\s*\b(?:Inc|Co|Ltd|Mfg|Corp)\b\.?")


def without_legal_form(english_name: str) -> str:
    """A company's English name without "Co., Ltd." and the like, whose full stops would end
    a sentence: "Nikko Ebonite Mfg. Co., Ltd." → "Nikko Ebonite"."""
    return _LEGAL_FORM.sub("", english_name).strip(" ,")


# document.yaml fields that are identifiers or bookkeeping, not text a reader sees.
_NOT_TEXT = {"id", "file", "sha256", "program_list"}


class Translations(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    authored_by: str
    en: dict[str, Annotated[str, Field(min_length=1)]]


def _leaves(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in _NOT_TEXT:
                yield from _leaves(value)
    elif isinstance(node, list):
        for value in node:
            yield from _leaves(value)
    elif isinstance(node, str):
        yield node


def document_strings(doc: Document) -> set[str]:
    """Every text string of document.yaml's structure: what a translation key may be."""
    return set(_leaves(doc.model_dump()))


def required_strings(doc: Document) -> list[str]:
    """The strings an owner reads that need a gloss here, in document order, without repeats."""
    ba, vc, sv = doc.basic_approach, doc.vision_changes, doc.survey
    out: list[str] = [doc.source.title, ba.heading, ba.summary]
    for pillar in ba.pillars:
        out += [pillar.name, *pillar.points]
    for s in doc.strategies:
        out += [s.heading, *s.issues, *(i for d in s.directions for i in d.items)]
        out += [*s.remarks, *s.vision_directions, *s.new_movements]
    out += [vc.heading, vc.need, vc.built_in, *vc.open_questions]
    for case in doc.cases:
        out += [case.label, case.company, case.ward, *case.business]
        out += [*(a.text for a in case.actions), *case.results, *case.captions]
    out += [sv.title, sv.purpose, sv.period, sv.respondents_quote]
    for group in sv.profile:
        out += [group.name, *(r.label for r in group.rows)]
    for table in sv.tables:
        out += [table.title, *([table.subtitle] if table.subtitle else []), *table.notes]
        for year in table.years:
            out += [year.year, *(r.label for r in year.rows)]
    return list(dict.fromkeys(out))


def aid_glosses(aids: Aids, doc: Document) -> dict[str, str]:
    """The glosses aids.yaml already holds, keyed by the document's own strings."""
    out = {s.title: aids.strategies[s.numeral].en for s in doc.strategies}
    out |= {title: aid.en for title, aid in aids.directions.items()}
    out |= {name: aid.en for name, aid in aids.programs.items()}
    return out


def glossary(translations: Translations, aids: Aids, doc: Document) -> Mapping[str, str]:
    """One read-only lookup from a document string to its project-written English gloss."""
    return MappingProxyType({**aid_glosses(aids, doc), **translations.en})


def missing_translations(glosses: Mapping[str, str], doc: Document) -> list[str]:
    """Required strings with no gloss, in document order."""
    return [text for text in required_strings(doc) if not glosses.get(text)]


def check_translations(translations: Translations, aids: Aids, doc: Document) -> list[tuple[str, str]]:
    """Problems as (field, message): keys must be document strings, and all required ones present."""
    known, in_aids = document_strings(doc), aid_glosses(aids, doc)
    problems: list[tuple[str, str]] = []
    for key in translations.en:
        if key not in known:
            problems.append((f"en.{key}", "not a string of document.yaml"))
        elif key in in_aids:
            problems.append((f"en.{key}", "already glossed in aids.yaml; keep it there"))
    missing = missing_translations(glossary(translations, aids, doc), doc)
    if missing:
        shown = ", ".join(repr(m) for m in missing[:3]) + (", …" if len(missing) > 3 else "")
        problems.append(("en", f"no translation for {len(missing)} document strings: {shown}"))
    return problems
