"""Chunks for the index: one per document unit, plus the project's retrieval aids.

A document chunk embeds its unit with context (strategy, direction) but cites only the
unit's own passage and span. Aid chunks (``curated=True``) carry the project's plain-words
descriptions; they point retrieval at a direction or program and are never cited.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from corpus.load import Corpus
from corpus.source import Span
from corpus.units import Unit

MetaValue = str | int | float | bool


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str  # what is embedded and keyword-indexed
    kind: str
    quote: str = ""  # the document's passage, verbatim; empty for aids
    span: Span | None = None
    strategy: str = ""
    directions: tuple[str, ...] = field(default_factory=tuple)
    programs: tuple[str, ...] = field(default_factory=tuple)
    case: str = ""
    curated: bool = False
    lang: str = "ja"
    tag: str = ""  # kind-specific key, e.g. "management_issues:令和５年度" for a survey table

    def metadata(self) -> dict[str, MetaValue]:
        """Flat scalar metadata, as Chroma stores it; ``from_metadata`` inverts it."""
        return {
            "kind": self.kind,
            "quote": self.quote,
            "span_start": self.span.start if self.span else -1,
            "span_end": self.span.end if self.span else -1,
            "strategy": self.strategy,
            "directions": "|".join(self.directions),
            "programs": "|".join(self.programs),
            "case": self.case,
            "curated": self.curated,
            "lang": self.lang,
            "tag": self.tag,
        }

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict[str, MetaValue]) -> Chunk:
        start, end = int(meta["span_start"]), int(meta["span_end"])

        def split(key: str) -> tuple[str, ...]:
            return tuple(v for v in str(meta.get(key, "")).split("|") if v)

        return cls(
            id=chunk_id,
            text=text,
            kind=str(meta["kind"]),
            quote=str(meta.get("quote", "")),
            span=Span(start, end) if start >= 0 else None,
            strategy=str(meta.get("strategy", "")),
            directions=split("directions"),
            programs=split("programs"),
            case=str(meta.get("case", "")),
            curated=bool(meta.get("curated", False)),
            lang=str(meta.get("lang", "ja")),
            tag=str(meta.get("tag", "")),
        )


def chunk_id(text: str, meta: dict[str, MetaValue]) -> str:
    """Content hash: the same text and metadata always give the same id."""
    payload = json.dumps([text, meta], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


def _make(text: str, kind: str, **kw: object) -> Chunk:
    draft = Chunk(id="", text=text, kind=kind, **kw)  # type: ignore[arg-type]
    return Chunk(**{**draft.__dict__, "id": chunk_id(text, draft.metadata())})


def build_chunks(corpus: Corpus) -> list[Chunk]:
    chunks = [_unit_chunk(corpus, u) for u in corpus.units]
    chunks.extend(_aid_chunks(corpus))
    return chunks


def _unit_directions(corpus: Corpus, unit: Unit) -> tuple[str, ...]:
    aids = corpus.aids
    if unit.direction:
        return (unit.direction,)
    if unit.kind == "issue":
        return tuple(aids.issue_links[unit.strategy][unit.position])
    if unit.kind == "remark":
        return tuple(aids.remark_links[unit.strategy][unit.position])
    if unit.programs:
        seen: dict[str, None] = {}
        for program in unit.programs:
            seen.update(dict.fromkeys(aids.programs[program].directions))
        return tuple(seen)
    return ()


def _context(corpus: Corpus, unit: Unit) -> str:
    doc = corpus.document
    if unit.strategy:
        strat = doc.strategy(unit.strategy)
        head = f"戦略{strat.numeral} {strat.title}"
        if unit.direction:
            return f"{head}／取組の方向性「{unit.direction}」："
        label = {
            "issue": "課題",
            "remark": "委員発言",
            "vision_direction": "ビジョンの方向性",
            "movement": "社会経済の新たな動き",
        }.get(unit.kind, "")
        return f"{head}／{label}："
    if unit.case:
        return f"企業例 {unit.case}："
    if unit.kind.startswith("survey"):
        return f"{doc.survey.title}（{doc.survey.period}、{doc.survey.respondents:,}社）："
    if unit.kind == "pillar":
        return f"施策の基本的な考え方「{unit.extra}」："
    return ""


def _unit_chunk(corpus: Corpus, unit: Unit) -> Chunk:
    body = unit.text
    if unit.kind == "direction_title":
        items = next(
            d.items for s in corpus.document.strategies for d in s.directions if d.title == unit.direction
        )
        body = f"{unit.text}：{'／'.join(items)}"
    return _make(
        _context(corpus, unit) + body,
        unit.kind,
        quote=corpus.quote(unit),
        span=unit.span,
        strategy=unit.strategy,
        directions=_unit_directions(corpus, unit),
        programs=unit.programs,
        case=unit.case,
        tag=unit.extra,
    )


def _aid_chunks(corpus: Corpus) -> list[Chunk]:
    doc, aids = corpus.document, corpus.aids
    out: list[Chunk] = []
    for title, aid in aids.directions.items():
        numeral = doc.strategy_of(title).numeral
        common = {"strategy": numeral, "directions": (title,), "curated": True}
        out.extend(_make(f"{title}：{t}", "aid_direction", **common) for t in aid.plain)
        out.extend(_make(f"{aid.en}: {t}", "aid_direction", lang="en", **common) for t in aid.en_plain)
        if aid.keywords:
            out.append(_make(f"{title}：{' '.join(aid.keywords)}", "aid_keywords", **common))
    for name, aid in aids.programs.items():
        common = {"directions": tuple(aid.directions), "programs": (name,), "curated": True}
        out.extend(_make(f"{name}：{t}", "aid_program", **common) for t in (*aid.plain, aid.summary_ja))
        out.extend(
            _make(f"{aid.en} ({name}): {t}", "aid_program", lang="en", **common)
            for t in (*aid.en_plain, aid.summary_en)
        )
    return out
